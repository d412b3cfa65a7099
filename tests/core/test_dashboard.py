"""My page is core's; its sections come from the rooms that registered them, in their order."""

from django.urls import reverse

from core import dashboard
from tests.factories import MembershipFactory


def test_the_rooms_register_their_sections_in_order():
    templates = [section.template for section in dashboard.registered()]
    assert templates == [
        *[dashboard.TODO_TEMPLATE] * 8,  # the to-do lists first: registrations, staff, applicant, reviews, ...
        "accounts/dashboard/organisations.html",
        "applications/dashboard/invitations.html",
        "core/dashboard/messages.html",
        "accounts/dashboard/roles_and_account.html",
    ]


def test_my_page_shows_the_organisations_then_the_account(client, db):
    membership = MembershipFactory()
    client.force_login(membership.user)
    html = client.get(reverse("core:dashboard")).content.decode()
    organisation = html.index(str(membership.organization.name))
    assert organisation < html.index(reverse("accounts:password_change"))
    assert 'id="my-invitations"' not in html  # no invitation waits: the section is left out
