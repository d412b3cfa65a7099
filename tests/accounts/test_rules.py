"""The accounts predicates, called where they live (accounts/rules.py): roles, organisation membership and
ownership, administrators, and who must confirm a second factor."""

import pytest
from django.contrib.auth.models import AnonymousUser

from accounts import roles
from accounts import rules as account_rules
from accounts.models import Membership
from tests.factories import MembershipFactory, OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_a_role_predicate_is_true_only_for_that_role():
    secretariat = UserFactory(roles=[roles.SECRETARIAT])
    staff = UserFactory(roles=[roles.MINISTRY_STAFF])
    assert account_rules.is_secretariat(secretariat) is True
    assert account_rules.is_secretariat(staff) is False
    assert account_rules.is_ministry_staff(staff) is True
    assert account_rules.is_secretariat(AnonymousUser()) is False
    assert account_rules.is_secretariat(None) is False
    assert account_rules.is_secretariat.name == f"has_role:{roles.SECRETARIAT}"


def test_a_member_of_the_organisation_and_no_one_else():
    membership = MembershipFactory(role=Membership.Role.VIEWER)
    org, user = membership.organization, membership.user
    assert account_rules.is_organization_member(user, org) is True
    assert account_rules.is_organization_member(user, OrganizationFactory()) is False
    assert account_rules.is_organization_member(UserFactory(), org) is False
    assert account_rules.is_organization_member(user, None) is False
    assert account_rules.is_organization_member(AnonymousUser(), org) is False
    assert user.has_perm("accounts.see_organization", org)
    assert not UserFactory().has_perm("accounts.see_organization", org)
    assert UserFactory(roles=[roles.MINISTRY_STAFF]).has_perm("accounts.see_organization", org)


@pytest.mark.parametrize(("role", "owner"), [("owner", True), ("editor", False), ("viewer", False)])
def test_only_an_owner_manages_the_members(role, owner):
    membership = MembershipFactory(role=role)
    org, user = membership.organization, membership.user
    assert account_rules.is_organization_owner(user, org) is owner
    assert user.has_perm("accounts.manage_members", org) is owner
    assert account_rules.is_organization_owner(user, OrganizationFactory()) is False
    assert account_rules.is_organization_owner(user, None) is False
    assert account_rules.is_organization_owner(AnonymousUser(), org) is False


def test_an_owner_of_another_organisation_is_not_an_owner_here():
    org = MembershipFactory(role="owner").organization
    other_owner = MembershipFactory(role="owner").user
    assert account_rules.is_organization_owner(other_owner, org) is False


@pytest.mark.parametrize(
    ("flags", "admin"),
    [
        ({}, False),
        ({"is_staff": True}, True),
        ({"is_superuser": True}, True),
        ({"is_staff": True, "is_superuser": True}, True),
    ],
)
def test_an_administrator_is_staff_or_superuser(flags, admin):
    assert account_rules.is_admin(UserFactory(**flags)) is admin


def test_nobody_is_an_administrator_without_logging_in():
    assert account_rules.is_admin(AnonymousUser()) is False
    assert account_rules.is_admin(None) is False


@pytest.mark.parametrize(
    ("kwargs", "needed"),
    [
        ({"roles": [roles.MINISTRY_STAFF]}, True),
        ({"roles": [roles.SECRETARIAT]}, True),
        ({"is_staff": True}, True),
        ({"roles": [roles.EXPERT]}, False),
        ({"roles": [roles.COMMITTEE_MEMBER]}, False),
        ({}, False),
    ],
)
def test_who_must_confirm_a_second_factor(kwargs, needed):
    assert account_rules.needs_second_factor(UserFactory(**kwargs)) is needed


def test_has_role_makes_a_named_predicate_for_any_role():
    # the module's predicates were made at import; this makes a new one, so has_role itself is exercised
    predicate = account_rules.has_role(roles.EXPERT)
    assert predicate.name == "has_role:advisory_expert"
    assert predicate(UserFactory(roles=[roles.EXPERT])) is True
    assert predicate(UserFactory(roles=[roles.SECRETARIAT])) is False
    assert predicate(AnonymousUser()) is False
