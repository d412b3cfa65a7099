"""The subcommittee: advisory results without names, notes, the chair's recommendation referring to the committee."""

import pytest
from django.urls import reverse

from accounts import roles
from applications.models import Application, AuditEvent
from applications.workflow import State
from reviews.models import Assignment, Conflict, Recommendation, Stage
from tests.factories import REVIEW_DUE, ExpertFactory, UserFactory, assign, make_panel, make_rubric, submitted_review

pytestmark = pytest.mark.django_db


@pytest.fixture
def in_subcommittee(panel_setup, review_call):
    plan = panel_setup["plan"]
    submitted_review(panel_setup["assignments"]["ready"], (25, 20, 15, 10, 10, 10, 10))
    submitted_review(panel_setup["assignments"]["peer"], (20, 15, 10, 8, 8, 7, 7))
    Application.objects.filter(pk=plan.pk).update(status=State.SUBCOMMITTEE)
    make_rubric(review_call, Stage.SUBCOMMITTEE)
    member = ExpertFactory(roles=[roles.SUBCOMMITTEE_MEMBER], full_name="분과위원 갑")
    panel = make_panel(review_call, stage=Stage.SUBCOMMITTEE, members=[member])
    assign(panel, plan, member)
    return plan, member


def test_member_sees_advisory_summary_without_names(client, in_subcommittee, panel_setup):
    plan, member = in_subcommittee
    client.force_login(member)
    page = client.get(reverse("reviews:subcommittee_plan", args=[plan.pk])).content.decode()
    assert "87.50" in page  # mean of 100 and 75
    for expert in panel_setup["experts"].values():
        assert expert.full_name not in page
    assignment = Assignment.objects.get(reviewer=member)
    sheet = client.get(reverse("reviews:review", args=[assignment.pk])).content.decode()
    assert "87.50" in sheet


def test_notes_and_recommendation_by_the_chair(client, in_subcommittee, chair):
    plan, member = in_subcommittee
    client.force_login(member)
    client.post(
        reverse("reviews:subcommittee_note", args=[plan.pk]), {"kind": "site_visit", "text": "현장 부지 확인 완료"}
    )
    assert plan.subcommittee_notes.get().text == "현장 부지 확인 완료"
    # A member is not the chair: finalising does not exist for them.
    assert (
        client.post(reverse("reviews:recommend", args=[plan.pk]), {"decision": "recommend", "reasons": "x"}).status_code
        == 404
    )
    submitted_review(Assignment.objects.get(reviewer=member), (20, 15, 10, 8, 8, 7, 7))
    client.force_login(chair)
    url = reverse("reviews:recommend", args=[plan.pk])
    response = client.post(
        url,
        {"decision": "recommend_with_conditions", "reasons": "투자 확실성 높음", "understood": "on"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert "State the conditions." in response.context["recommendation_form"].errors["conditions"]
    assert "투자 확실성 높음" in response.content.decode()
    response = client.post(
        url,
        {
            "decision": "recommend_with_conditions",
            "reasons": "투자 확실성 높음",
            "conditions": "용수 확보 계획 보완",
            "understood": "on",
        },
    )
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.status == State.COMMITTEE
    recommendation = Recommendation.objects.get(application=plan)
    assert recommendation.summary["advisory"]["reviews"] == 2 and recommendation.finalised_by == chair
    assert AuditEvent.objects.filter(application=plan, action="refer_to_committee", to_status=State.COMMITTEE).exists()
    # Finalised once: a second attempt is refused (the plan has moved on).
    assert client.post(url, {"decision": "recommend", "reasons": "다시", "understood": "on"}).status_code == 400


def test_conflicted_chair_and_other_roles(client, in_subcommittee, chair, applicant):
    plan, _member = in_subcommittee
    Conflict.objects.create(application=plan, user=chair, source=Conflict.Source.PINNED, reason="지역 연고")
    client.force_login(chair)
    assert client.get(reverse("reviews:subcommittee_plan", args=[plan.pk])).status_code == 404
    assert plan.title not in client.get(reverse("reviews:subcommittee")).content.decode()
    client.force_login(applicant)
    assert client.get(reverse("reviews:subcommittee")).status_code == 403
    assert client.get(reverse("reviews:subcommittee_plan", args=[plan.pk])).status_code == 404
    client.force_login(UserFactory(roles=[roles.EXPERT]))
    assert client.get(reverse("reviews:subcommittee_plan", args=[plan.pk])).status_code == 404


@pytest.fixture
def chair_scored_first(in_subcommittee, review_call, chair):
    """The chair scored the plan first; a member has not submitted yet (the stage shows others' reviews)."""
    from reviews.models import Rubric

    plan, member = in_subcommittee
    Rubric.objects.filter(call=review_call, stage=Stage.SUBCOMMITTEE).update(
        visibility=Rubric.Visibility.AFTER_SUBMITTING
    )
    panel = Assignment.objects.get(reviewer=member).panel
    submitted_review(assign(panel, plan, chair), (23, 19, 14, 9, 9, 9, 9))  # total 92
    return plan, member


def _scores_section(page):
    start = page.index('id="subcommittee"')
    return page[start : page.index("</section>", start)]


def test_subcommittee_scores_are_blind_until_the_members_own_sheet_is_in(client, chair_scored_first, chair):
    plan, member = chair_scored_first
    url = reverse("reviews:subcommittee_plan", args=[plan.pk])
    client.force_login(member)
    section = _scores_section(client.get(url).content.decode())
    assert "92" not in section and "23" not in section
    submitted_review(Assignment.objects.get(reviewer=member), (20, 15, 10, 8, 8, 7, 7))  # total 75
    section = _scores_section(client.get(url).content.decode())
    assert "83.50" in section  # the mean of 92 and 75
    client.force_login(chair)
    assert "83.50" in _scores_section(client.get(url).content.decode())


def test_subcommittee_scores_stay_blind_when_the_stage_never_shows_others(client, chair_scored_first, review_call):
    from reviews.models import Rubric

    plan, member = chair_scored_first
    Rubric.objects.filter(call=review_call, stage=Stage.SUBCOMMITTEE).update(visibility=Rubric.Visibility.NEVER)
    submitted_review(Assignment.objects.get(reviewer=member), (20, 15, 10, 8, 8, 7, 7))
    client.force_login(member)
    page = client.get(reverse("reviews:subcommittee_plan", args=[plan.pk])).content.decode()
    assert "83.50" not in _scores_section(page)


def test_conflicts_bind_the_superuser_on_the_portal_pages(client, in_subcommittee, panel_setup):
    plan, member = in_subcommittee
    root = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(root)
    assert client.get(reverse("reviews:subcommittee_plan", args=[plan.pk])).status_code == 200
    Conflict.objects.create(application=plan, user=root, source=Conflict.Source.PINNED, reason="친족")
    assert client.get(reverse("reviews:subcommittee_plan", args=[plan.pk])).status_code == 404
    assert plan.title not in client.get(reverse("reviews:subcommittee")).content.decode()
    # Another evaluator's assignment and reviews are nobody else's to open.
    ready = panel_setup["assignments"]["ready"]
    for name in ("review", "plan", "others", "declare"):
        assert client.get(reverse(f"reviews:{name}", args=[ready.pk])).status_code == 404, name


def test_a_plan_on_the_subcommittee_pages_is_in_the_list_exactly_when_it_opens(client, in_subcommittee, chair):
    """List and detail ask the same queryset: a plan still in advisory review opens for nobody here, and a
    decided one stays listed (its leaving would tell the decision)."""
    plan, _member = in_subcommittee
    url = reverse("reviews:subcommittee_plan", args=[plan.pk])
    client.force_login(chair)
    for status, shown in ((State.ADVISORY_REVIEW, False), (State.SUBCOMMITTEE, True), (State.NOT_DESIGNATED, True)):
        Application.objects.filter(pk=plan.pk).update(status=status)
        listed = plan.title in client.get(reverse("reviews:subcommittee")).content.decode()
        opens = client.get(url).status_code == 200
        assert listed == opens == shown, status


class TestReferringNeedsTheSubcommitteesScores:
    """Issue 13: the chair could refer a plan nobody in the subcommittee had scored."""

    def finalise(self, chair, plan, **extra):
        from reviews import services

        plan = Application.objects.get(pk=plan.pk)  # as the page loads it (the fixture moved it by an update)
        return services.finalise_recommendation(
            chair, plan, decision="recommend", reasons="우수함", at=REVIEW_DUE, **extra
        )

    def test_refused_without_scores_that_count(self, in_subcommittee, chair):
        from applications.workflow import TransitionError

        plan, _member = in_subcommittee
        with pytest.raises(TransitionError, match="분과위원"):
            self.finalise(chair, plan)
        plan.refresh_from_db()
        assert plan.status == State.SUBCOMMITTEE and not Recommendation.objects.exists()

    def test_a_conflicted_members_scores_do_not_count(self, in_subcommittee, chair):
        from applications.workflow import TransitionError

        plan, member = in_subcommittee
        submitted_review(Assignment.objects.get(reviewer=member), (20, 15, 10, 8, 8, 7, 7))
        Conflict.objects.create(application=plan, user=member, source=Conflict.Source.PINNED, reason="자문 이력")
        with pytest.raises(TransitionError):
            self.finalise(chair, plan)

    def test_one_counted_review_is_enough(self, in_subcommittee, chair):
        plan, member = in_subcommittee
        submitted_review(Assignment.objects.get(reviewer=member), (20, 15, 10, 8, 8, 7, 7))
        self.finalise(chair, plan)
        assert Application.objects.get(pk=plan.pk).status == State.COMMITTEE

    def test_an_explicit_reason_overrides_and_is_audited(self, in_subcommittee, chair):
        plan, _member = in_subcommittee
        self.finalise(chair, plan, override_reason="위원 전원 회피로 채점 불가, 위원회 직접 심의")
        assert Application.objects.get(pk=plan.pk).status == State.COMMITTEE
        event = AuditEvent.objects.get(application=plan, action="refer_to_committee_override")
        assert event.reason == "위원 전원 회피로 채점 불가, 위원회 직접 심의" and event.actor == chair
        assert event.data["recommendation"] == "recommend"

    def test_the_page_asks_for_the_reason_only_when_scores_are_missing(self, client, in_subcommittee, chair):
        plan, member = in_subcommittee
        client.force_login(chair)
        url = reverse("reviews:subcommittee_plan", args=[plan.pk])
        assert 'name="override_reason"' in client.get(url).content.decode()
        response = client.post(
            reverse("reviews:recommend", args=[plan.pk]),
            {"decision": "recommend", "reasons": "우수함"},
            HTTP_ACCEPT_LANGUAGE="en",
        )
        assert response.status_code == 400 and "No subcommittee member" in response.content.decode()
        assert "우수함" in response.content.decode()  # what was typed stays
        submitted_review(Assignment.objects.get(reviewer=member), (20, 15, 10, 8, 8, 7, 7))
        assert 'name="override_reason"' not in client.get(url).content.decode()


def test_finalising_needs_the_box_that_says_what_happens(client, in_subcommittee, chair):
    plan, _member = in_subcommittee
    client.force_login(chair)
    response = client.post(
        reverse("reviews:recommend", args=[plan.pk]), {"decision": "recommend", "reasons": "투자 확실성 높음"}
    )
    assert response.status_code == 400
    assert "understood" in response.context["recommendation_form"].errors
    plan.refresh_from_db()
    assert plan.status == State.SUBCOMMITTEE and not Recommendation.objects.filter(application=plan).exists()
