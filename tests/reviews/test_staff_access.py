"""Every staff URL of the reviews room, walked with every role: anonymous -> log in, other roles -> 403,
ministry staff -> the page; objects outside the URL's call or panel -> 404."""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from accounts import roles
from reviews.models import ReviewPacket
from tests.factories import (
    CallFactory,
    ExpertFactory,
    MembershipFactory,
    UserFactory,
    assign,
    make_panel,
    make_rubric,
    reviewable_plan,
    submitted_review,
)

pytestmark = pytest.mark.django_db
OTHER_ROLES = [
    roles.EXPERT,
    roles.SUBCOMMITTEE_MEMBER,
    roles.SUBCOMMITTEE_CHAIR,
    roles.SECRETARIAT,
    roles.COMMITTEE_MEMBER,
]


@pytest.fixture
def world(db):
    call = CallFactory()
    make_rubric(call)
    expert = ExpertFactory()
    panel = make_panel(call, members=[expert])
    plan = reviewable_plan(call)
    review = submitted_review(assign(panel, plan, expert), (20, 15, 10, 8, 8, 8, 8))
    packet = ReviewPacket.objects.create(version=plan.versions.get(), requested_by=panel.created_by, sha256="0" * 64)
    packet.pdf.save("p.pdf", ContentFile(b"%PDF-1.4 test"))
    other_call = CallFactory()
    make_rubric(other_call)
    other_panel = make_panel(other_call, members=[expert])
    other_plan = reviewable_plan(other_call)
    other_review = submitted_review(assign(other_panel, other_plan, expert), (20, 15, 10, 8, 8, 8, 8))
    return {
        "call": call,
        "panel": panel,
        "plan": plan,
        "review": review,
        "other_call": other_call,
        "other_panel": other_panel,
        "other_plan": other_plan,
        "other_review": other_review,
    }


def pages(w):
    p, a = w["panel"].pk, w["plan"].pk
    return [
        reverse("reviews:staff_calls"),
        reverse("reviews:staff_panels", args=[w["call"].slug]),
        reverse("reviews:staff_ranking", args=[w["call"].slug, "advisory"]),
        reverse("reviews:staff_dashboard", args=[p]),
        reverse("reviews:staff_members", args=[p]),
        reverse("reviews:staff_assignments", args=[p]),
        reverse("reviews:staff_conflicts", args=[p]),
        reverse("reviews:staff_plan", args=[p, a]),
        reverse("reviews:staff_packet_download", args=[p, a]),
    ]


def actions(w):
    p, a = w["panel"].pk, w["plan"].pk
    return [
        reverse("reviews:staff_start_all", args=[p]),
        reverse("reviews:staff_unassign", args=[p]),
        reverse("reviews:staff_reopen", args=[p, a, w["review"].pk]),
        reverse("reviews:staff_start", args=[p, a]),
        reverse("reviews:staff_move", args=[p, a]),
        reverse("reviews:staff_packet", args=[p, a]),
        reverse("reviews:staff_score_sheet", args=[p]),  # starts an export job
    ]


def test_anonymous_visitors_are_sent_to_log_in(client, world):
    for url in pages(world):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response["Location"], url
    for url in actions(world):
        response = client.post(url)
        assert response.status_code == 302 and "/login" in response["Location"], url


@pytest.mark.parametrize("role", ["applicant", *OTHER_ROLES])
def test_other_roles_are_refused(client, world, role):
    user = MembershipFactory().user if role == "applicant" else UserFactory(roles=[role])
    client.force_login(user)
    for url in pages(world):
        assert client.get(url).status_code == 403, url
    for url in actions(world):
        assert client.post(url).status_code == 403, url


def test_ministry_staff_open_every_page(client, world):
    client.force_login(UserFactory(roles=[roles.MINISTRY_STAFF]))
    for url in pages(world):
        assert client.get(url).status_code == 200, url
    for url in actions(world):
        assert client.get(url).status_code == 405, url  # state changes only by POST


def test_objects_of_another_call_or_panel_are_404(client, world):
    client.force_login(UserFactory(roles=[roles.MINISTRY_STAFF]))
    p, a = world["panel"].pk, world["plan"].pk
    foreign_plan, foreign_review = world["other_plan"].pk, world["other_review"].pk
    for url in [
        reverse("reviews:staff_plan", args=[p, foreign_plan]),
        reverse("reviews:staff_packet_download", args=[p, foreign_plan]),
        reverse("reviews:staff_panels", args=["no-such-call"]),
        reverse("reviews:staff_dashboard", args=[999_999]),
    ]:
        assert client.get(url).status_code == 404, url
    for url, data in [
        (reverse("reviews:staff_reopen", args=[p, a, foreign_review]), {}),
        (reverse("reviews:staff_start", args=[p, foreign_plan]), {}),
        (reverse("reviews:staff_move", args=[p, foreign_plan]), {}),
        (reverse("reviews:staff_packet", args=[p, foreign_plan]), {}),
        (reverse("reviews:staff_unassign", args=[p]), {"assignment": world["other_review"].assignment_id}),
    ]:
        assert client.post(url, data).status_code == 404, url
