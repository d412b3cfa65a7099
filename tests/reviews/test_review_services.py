"""The reviews room's services asked directly (reviews.services): each refusal the service owns, at its edge,
with the message the user reads; what a service stores and returns."""

import datetime
from decimal import Decimal

import pytest
from django.utils import translation

from applications.models import Application, AuditEvent
from applications.workflow import State
from reviews import services
from reviews.models import Assignment, Conflict, Criterion, Panel, Recommendation, Review, Score, Stage
from reviews.services import ReviewRefused
from tests.factories import (
    KST,
    REVIEW_DUE,
    CallFactory,
    ExpertFactory,
    FieldFactory,
    assign,
    make_panel,
    make_rubric,
    reviewable_plan,
    submitted_review,
)

pytestmark = pytest.mark.django_db

US = datetime.timedelta(microseconds=1)
DURING = REVIEW_DUE - datetime.timedelta(days=5)


def refusal(service, *args, **kwargs):
    with translation.override("en"), pytest.raises(ReviewRefused) as refused:
        service(*args, **kwargs)
    return str(refused.value.message), refused.value.field_errors


@pytest.fixture
def world(db, ministry_staff):
    call = CallFactory()
    rubric = make_rubric(call)
    experts = ExpertFactory.create_batch(3)
    panel = make_panel(call, members=experts)
    plan = reviewable_plan(call)
    return {"call": call, "rubric": rubric, "experts": experts, "panel": panel, "plan": plan, "staff": ministry_staff}


# --- assign


def test_assign_records_who_and_when_and_is_idempotent(world):
    at = datetime.datetime(2026, 5, 1, 9, 0, tzinfo=KST)
    first = services.assign(world["staff"], world["panel"], world["plan"], world["experts"][0], at=at)
    assert (first.assigned_by, first.assigned_at, first.declaration) == (
        world["staff"],
        at,
        Assignment.Declaration.PENDING,
    )
    later = at + datetime.timedelta(days=1)
    again = services.assign(world["staff"], world["panel"], world["plan"], world["experts"][0], at=later)
    assert (again.pk, again.assigned_at) == (first.pk, at) and Assignment.objects.count() == 1


def test_assign_refuses_a_plan_of_another_call_or_field(world):
    other_call_plan = reviewable_plan(CallFactory(fields=[world["plan"].field]))
    other_field = FieldFactory(code="ROB")
    world["call"].fields.add(other_field)
    other_field_plan = reviewable_plan(world["call"], field=other_field)
    for plan in (other_call_plan, other_field_plan):
        message, _errors = refusal(
            services.assign, world["staff"], world["panel"], plan, world["experts"][0], at=DURING
        )
        assert message == "This plan does not belong to the panel's call and field."
    assert not Assignment.objects.exists()


@pytest.mark.parametrize(
    ("stage", "status"),
    [(Stage.ADVISORY, State.SUBMITTED), (Stage.SUBCOMMITTEE, State.ADVISORY_REVIEW)],
)
def test_assign_refuses_a_plan_not_at_the_panels_stage(world, stage, status):
    if stage == Stage.SUBCOMMITTEE:
        make_rubric(world["call"], stage)
        panel = make_panel(world["call"], stage=stage, members=world["experts"])
    else:
        panel = world["panel"]
    Application.objects.filter(pk=world["plan"].pk).update(status=status)
    world["plan"].refresh_from_db()
    message, _errors = refusal(services.assign, world["staff"], panel, world["plan"], world["experts"][0], at=DURING)
    assert message == "Only plans that reached this stage can be assigned."


def test_assign_refuses_a_non_member(world):
    outsider = ExpertFactory(full_name="외부인")
    message, _errors = refusal(services.assign, world["staff"], world["panel"], world["plan"], outsider, at=DURING)
    assert message == f"{outsider} is not a member of this panel."


def test_a_detected_conflict_stays_recorded_when_the_assignment_is_refused(world):
    lead = ExpertFactory(profile=world["plan"].organization, full_name="주관기관 직원")
    world["panel"].members.add(lead)
    message, _errors = refusal(services.assign, world["staff"], world["panel"], world["plan"], lead, at=DURING)
    assert message == (f"{lead} cannot evaluate “{world['plan']}”: The evaluator's organisation leads this plan.")
    conflict = Conflict.objects.get(user=lead)
    assert (conflict.source, conflict.reason) == (
        Conflict.Source.DETECTED,
        "The evaluator's organisation leads this plan.",
    )


def test_the_refusal_names_a_staff_or_detected_reason_before_a_declared_one(world):
    expert = world["experts"][0]
    Conflict.objects.create(application=world["plan"], user=expert, source=Conflict.Source.DECLARED, reason="선언")
    message, _errors = refusal(services.assign, world["staff"], world["panel"], world["plan"], expert, at=DURING)
    assert message.endswith(": 선언")
    Conflict.objects.create(application=world["plan"], user=expert, source=Conflict.Source.PINNED, reason="")
    message, _errors = refusal(services.assign, world["staff"], world["panel"], world["plan"], expert, at=DURING)
    assert message.endswith(": Set by ministry staff")


def test_bulk_assign_counts_only_new_pairs_and_is_all_or_nothing(world):
    plan, (a, b, c) = world["plan"], world["experts"]
    assert services.bulk_assign(world["staff"], world["panel"], [(plan, a), (plan, b)], at=DURING) == 2
    assert services.bulk_assign(world["staff"], world["panel"], [(plan, a), (plan, c)], at=DURING) == 1
    assert set(Assignment.objects.values_list("assigned_at", flat=True)) == {DURING}
    outsider = ExpertFactory()
    second = reviewable_plan(world["call"])
    with pytest.raises(ReviewRefused):
        services.bulk_assign(world["staff"], world["panel"], [(second, a), (second, outsider)], at=DURING)
    assert not Assignment.objects.filter(application=second).exists()


# --- panels


def test_create_panel_refusals_and_what_it_stores(world):
    call, field = world["call"], world["plan"].field
    message, _errors = refusal(
        services.create_panel, world["staff"], call=call, field=field, stage=Stage.SUBCOMMITTEE, name="분과"
    )
    assert message == "Set up the rubric of this call and stage first (administration: rubrics)."
    message, _errors = refusal(services.create_panel, world["staff"], call=call, field=field, name="두 번째")
    assert message == "This call already has a panel for this field and stage."
    make_rubric(call, Stage.SUBCOMMITTEE)
    panel = services.create_panel(
        world["staff"], call=call, field=field, stage=Stage.SUBCOMMITTEE, name="분과", reviewers_per_plan=3
    )
    assert (panel.stage, panel.name, panel.reviewers_per_plan, panel.created_by) == (
        Stage.SUBCOMMITTEE,
        "분과",
        3,
        world["staff"],
    )
    assert Panel.objects.get(pk=panel.pk).call == call


def test_members_with_assignments_stay_and_new_members_get_their_conflicts(world):
    plan, (a, b, _c) = world["plan"], world["experts"]
    assign(world["panel"], plan, a)
    message, _errors = refusal(services.set_panel_members, world["staff"], world["panel"], [b])
    assert message == "Members who already have assignments cannot be removed from the panel."
    lead = ExpertFactory(profile=plan.organization)
    services.set_panel_members(world["staff"], world["panel"], [a, lead])
    assert set(world["panel"].members.all()) == {a, lead}
    assert Conflict.objects.filter(user=lead, application=plan, source=Conflict.Source.DETECTED).count() == 1
    assert services.sync_detected_conflicts(world["panel"]) == 0  # idempotent: nothing new


def test_sync_counts_new_detected_conflicts(world):
    world["panel"].members.add(ExpertFactory(profile=world["plan"].organization))
    world["panel"].members.add(ExpertFactory(profile=world["plan"].organization))
    assert services.sync_detected_conflicts(world["panel"]) == 2
    assert services.sync_detected_conflicts(world["panel"]) == 0


def test_pin_conflict_needs_a_reason_and_updates_in_place(world):
    expert = world["experts"][0]
    message, _errors = refusal(services.pin_conflict, world["staff"], world["plan"], expert, "   ")
    assert message == "Please give a reason."
    services.pin_conflict(world["staff"], world["plan"], expert, "친족")
    conflict = services.pin_conflict(world["staff"], world["plan"], expert, "친족 관계")
    assert Conflict.objects.get() == conflict
    assert (conflict.source, conflict.reason, conflict.recorded_by) == (
        Conflict.Source.PINNED,
        "친족 관계",
        world["staff"],
    )
    event = AuditEvent.objects.filter(action="conflict_pinned").latest("pk")
    assert (event.reason, event.data) == ("친족 관계", {"user": expert.pk})
    assert (event.actor, event.application) == (world["staff"], world["plan"])


def test_the_proposal_fills_up_to_the_panels_number_counting_current_ones(world):
    plan, experts = world["plan"], world["experts"]
    Panel.objects.filter(pk=world["panel"].pk).update(reviewers_per_plan=2)
    world["panel"].refresh_from_db()
    assign(world["panel"], plan, experts[2])
    proposal = services.propose_assignments(world["panel"])
    assert len(proposal) == 1 and proposal[0][0] == plan.pk and proposal[0][1] != experts[2].pk
    # The least loaded evaluator is proposed first.
    busy = reviewable_plan(world["call"])
    assign(world["panel"], busy, experts[0])
    Assignment.objects.filter(application=busy).delete()
    proposal = services.propose_assignments(world["panel"])
    assert {user for _plan, user in proposal if _plan == plan.pk} <= {experts[0].pk, experts[1].pk}


# --- declaring


def test_declare_once_with_a_reason_or_the_pledge(world):
    expert = world["experts"][0]
    assignment = assign(world["panel"], world["plan"], expert, Assignment.Declaration.PENDING)
    at = datetime.datetime(2026, 5, 2, 9, 0, tzinfo=KST)
    message, errors = refusal(services.declare, expert, assignment, conflict=True, reason="  ", at=DURING)
    assert message == "Please describe the conflict briefly." and set(errors) == {"reason"}
    message, errors = refusal(services.declare, expert, assignment, conflict=True, at=DURING)
    assert message == "Please describe the conflict briefly."
    with translation.override("en"):
        assert {key: str(value) for key, value in errors.items()} == {"reason": "Please describe the conflict briefly."}
    message, errors = refusal(services.declare, expert, assignment, conflict=False, at=DURING)
    assert message == "Please confirm the pledge to continue."
    with translation.override("en"):
        assert {key: str(value) for key, value in errors.items()} == {
            "pledge": "Please confirm the pledge to continue."
        }
    declared = services.declare(expert, assignment, conflict=True, reason="전 소속", at=at)
    assert (declared.declaration, declared.declared_at) == (Assignment.Declaration.CONFLICT, at)
    conflict = Conflict.objects.get(user=expert)
    assert (conflict.source, conflict.reason, conflict.recorded_by) == (Conflict.Source.DECLARED, "전 소속", expert)
    event = AuditEvent.objects.get(action="conflict_declared")
    assert (event.reason, event.created_at, event.actor, event.application) == ("전 소속", at, expert, world["plan"])
    message, _errors = refusal(services.declare, expert, assignment, conflict=False, pledge=True, at=DURING)
    assert message == "You have already made your declaration for this plan."


def test_declaring_no_conflict(world):
    expert = world["experts"][1]
    assignment = assign(world["panel"], world["plan"], expert, Assignment.Declaration.PENDING)
    at = datetime.datetime(2026, 5, 2, 9, 0, tzinfo=KST)
    declared = services.declare(expert, assignment, conflict=False, pledge=True, at=at)
    assert (declared.declaration, declared.declared_at) == (Assignment.Declaration.NO_CONFLICT, at)
    assert Assignment.objects.get(pk=assignment.pk).declaration == Assignment.Declaration.NO_CONFLICT
    assert not Conflict.objects.exists()


# --- scoring


@pytest.fixture
def sheet(world):
    assignment = assign(world["panel"], world["plan"], world["experts"][0])
    criteria = list(Criterion.objects.filter(rubric=world["rubric"]).order_by("position"))
    return assignment, criteria


@pytest.mark.parametrize(
    ("points", "problem"),
    [
        (Decimal("0"), None),
        (Decimal("-0.5"), "Enter a score from 0 to {max}."),
        ("max", None),
        ("max+0.5", "Enter a score from 0 to {max}."),
        (Decimal("2.5"), None),
        (Decimal("2.3"), "Points are given in steps of 0.5."),
        (None, None),
    ],
)
def test_points_range_and_half_steps_at_the_service(world, sheet, points, problem):
    assignment, criteria = sheet
    criterion = criteria[0]
    if points == "max":
        points = criterion.max_points
    elif points == "max+0.5":
        points = criterion.max_points + Decimal("0.5")
    scores = {criterion.pk: (points, "의견")}
    if problem is None:
        review = services.save_review(assignment.reviewer, assignment, scores=scores, opinion="종합", at=DURING)
        assert Score.objects.get(review=review, criterion=criterion).points == points
        assert (review.overall_opinion, review.revision) == ("종합", 1)
    else:
        message, errors = refusal(
            services.save_review, assignment.reviewer, assignment, scores=scores, opinion="종합", at=DURING
        )
        assert message == "Some scores are not valid; see the marked fields."
        assert errors == {f"score_{criterion.pk}": problem.format(max=criterion.max_points)}
        assert not Score.objects.exists()


def test_saving_is_refused_after_the_due_instant_and_once_submitted(world, sheet):
    assignment, criteria = sheet
    scores = {criteria[0].pk: (Decimal("1"), "")}
    services.save_review(assignment.reviewer, assignment, scores=scores, opinion="", at=REVIEW_DUE - US)
    message, _errors = refusal(
        services.save_review, assignment.reviewer, assignment, scores=scores, opinion="", at=REVIEW_DUE
    )
    assert message.startswith("The review period ended on")


def test_submission_needs_every_score_the_required_comments_and_the_opinion(world, sheet):
    assignment, criteria = sheet
    Criterion.objects.filter(rubric=world["rubric"]).update(comment_required=False)
    Criterion.objects.filter(pk=criteria[1].pk).update(comment_required=True)
    scores = {c.pk: (Decimal("1"), "") for c in criteria[1:]}
    scores[criteria[2].pk] = (None, "")
    services.save_review(assignment.reviewer, assignment, scores=scores, opinion="  ", at=DURING)
    message, errors = refusal(services.submit_review, assignment.reviewer, assignment, at=DURING)
    assert message == "The review is not complete yet; see the marked fields."
    assert errors == {
        f"score_{criteria[0].pk}": "Give a score for this criterion.",
        f"comment_{criteria[1].pk}": "A comment is required for this criterion.",
        f"score_{criteria[2].pk}": "Give a score for this criterion.",
        "overall_opinion": "Write your overall opinion.",
    }


def test_submit_sums_in_the_database_until_the_last_microsecond(world, sheet):
    assignment, criteria = sheet
    make_rubric(world["call"], Stage.SUBCOMMITTEE)  # its criteria are not this review's,
    make_rubric(CallFactory(fields=[world["plan"].field]))  # nor another call's
    scores = {c.pk: (Decimal("1.5"), "근거") for c in criteria}
    services.save_review(assignment.reviewer, assignment, scores=scores, opinion="종합", at=DURING)
    late = Assignment.objects.get(pk=assignment.pk)
    message, _errors = refusal(services.submit_review, late.reviewer, late, at=REVIEW_DUE)
    assert message.startswith("The review period ended on")
    review = services.submit_review(assignment.reviewer, assignment, at=REVIEW_DUE - US)
    assert (review.status, review.submitted_at, review.total) == (
        Review.Status.SUBMITTED,
        REVIEW_DUE - US,
        Decimal("1.5") * len(criteria),
    )
    message, _errors = refusal(services.submit_review, assignment.reviewer, assignment, at=DURING)
    assert message == "This review has already been submitted."
    message, _errors = refusal(services.save_review, assignment.reviewer, assignment, scores={}, opinion="", at=DURING)
    assert message == "This review has been submitted; ask ministry staff to reopen it to change it."


def test_a_plan_without_a_version_cannot_be_reviewed(world):
    expert = world["experts"][0]
    plan = reviewable_plan(world["call"])
    plan.versions.all().delete()
    assignment = assign(world["panel"], plan, expert)
    message, _errors = refusal(services.save_review, expert, assignment, scores={}, opinion="", at=DURING)
    assert message == "This plan has no submitted version to review."


# --- reopening


def test_reopen_needs_a_reason_and_a_time_after_now(world, sheet):
    assignment, criteria = sheet
    review = submitted_review(assignment, [1] * len(criteria))
    at = REVIEW_DUE + datetime.timedelta(days=1)
    message, errors = refusal(services.reopen_review, world["staff"], review, until=at + US, reason=" ", at=at)
    assert (message, errors) == ("Please give a reason.", {"reason": "Please give a reason."})
    message, errors = refusal(services.reopen_review, world["staff"], review, until=at, reason="연장", at=at)
    assert (message, errors) == (
        "The new due time must be in the future.",
        {"until": "The new due time must be in the future."},
    )
    message, errors = refusal(services.reopen_review, world["staff"], review, until=at - US, reason="", at=at)
    assert message == "Please give a reason. The new due time must be in the future."
    assert set(errors) == {"reason", "until"}
    assert Review.objects.get(pk=review.pk).is_submitted
    reopened = services.reopen_review(world["staff"], review, until=at + US, reason="연장", at=at)
    assert (reopened.status, reopened.submitted_at, reopened.total, reopened.reopened_until) == (
        Review.Status.DRAFT,
        None,
        None,
        at + US,
    )
    event = AuditEvent.objects.get(action="review_reopened")
    assert (event.reason, event.actor, event.created_at) == ("연장", world["staff"], at)
    assert event.application == world["plan"]
    assert event.data["was"] == Review.Status.SUBMITTED and event.data["reviewer"] == assignment.reviewer_id
    assert event.data["review"] == review.pk
    # The audit's JSON keeps milliseconds: the new due time, to the millisecond.
    assert datetime.datetime.fromisoformat(event.data["until"]) == (at + US).replace(microsecond=0)
    # A draft only gets the new due time.
    again = services.reopen_review(world["staff"], reopened, until=at + 2 * US, reason="재연장", at=at)
    assert (again.status, again.reopened_until) == (Review.Status.DRAFT, at + 2 * US)
    assert AuditEvent.objects.filter(action="review_reopened").latest("pk").data["was"] == Review.Status.DRAFT


# --- the subcommittee


@pytest.fixture
def in_subcommittee(world):
    Application.objects.filter(pk=world["plan"].pk).update(status=State.SUBCOMMITTEE)
    world["plan"].refresh_from_db()
    return world["plan"]


def test_a_note_needs_text(world, in_subcommittee):
    message, errors = refusal(services.add_note, world["staff"], in_subcommittee, kind="other", text="  ")
    assert (message, errors) == ("Write the notes first.", {"text": "Write the notes first."})
    note = services.add_note(world["staff"], in_subcommittee, kind="site_visit", text="현장 방문")
    assert (note.author, note.kind, note.text, note.application) == (
        world["staff"],
        "site_visit",
        "현장 방문",
        in_subcommittee,
    )


def test_the_recommendation_needs_reasons_and_conditions_when_conditional(world, in_subcommittee):
    staff = world["staff"]
    message, errors = refusal(
        services.finalise_recommendation,
        staff,
        in_subcommittee,
        decision=Recommendation.Decision.RECOMMEND_WITH_CONDITIONS,
        reasons=" ",
        conditions=" ",
        at=DURING,
    )
    assert message == "The recommendation is not complete; see the marked fields."
    assert set(errors) == {"reasons", "conditions"}
    message, errors = refusal(
        services.finalise_recommendation,
        staff,
        in_subcommittee,
        decision=Recommendation.Decision.RECOMMEND,
        reasons="",
        at=DURING,
    )
    assert set(errors) == {"reasons"}
    # Conditions not given at all are missing too.
    message, errors = refusal(
        services.finalise_recommendation,
        staff,
        in_subcommittee,
        decision=Recommendation.Decision.RECOMMEND_WITH_CONDITIONS,
        reasons="우수",
        at=DURING,
    )
    assert set(errors) == {"conditions"}


def test_the_recommendation_only_for_a_plan_under_subcommittee_evaluation_and_once(world):
    plan = world["plan"]  # still in advisory review
    message, _errors = refusal(
        services.finalise_recommendation, world["staff"], plan, decision="recommend", reasons="우수", at=DURING
    )
    assert message == "Only plans under subcommittee evaluation can be referred to the committee."
    assert not Recommendation.objects.exists()


# --- the proposal and the workflow steps


def proposal_world(world, per_plan):
    Panel.objects.filter(pk=world["panel"].pk).update(reviewers_per_plan=per_plan)
    world["panel"].refresh_from_db()
    m1, m2, m3 = sorted(world["experts"], key=lambda u: u.pk)
    p1 = world["plan"]
    p2 = reviewable_plan(world["call"])
    return (m1.pk, m2.pk, m3.pk), (p1.pk, p2.pk)


def test_the_proposal_exactly_least_loaded_first_in_plan_order(world):
    (m1, m2, m3), (p1, p2) = proposal_world(world, 2)
    assert services.propose_assignments(world["panel"]) == [(p1, m1), (p1, m2), (p2, m3), (p2, m1)]


def test_the_proposal_serves_the_plan_with_fewest_available_first_and_counts_current_load(world):
    (m1, m2, m3), (p1, p2) = proposal_world(world, 2)
    for member in (m1, m2):
        Conflict.objects.create(application_id=p2, user_id=member, source=Conflict.Source.PINNED, reason="친족")
    assert services.propose_assignments(world["panel"]) == [(p2, m3), (p1, m1), (p1, m2)]
    Conflict.objects.all().delete()
    assign(world["panel"], Application.objects.get(pk=p1), world["panel"].members.get(pk=m1))
    # p1 has one of two: one more, not m1 (already there); m1 carries a load of one.
    assert services.propose_assignments(world["panel"]) == [(p1, m2), (p2, m3), (p2, m1)]


def test_the_proposal_adds_nothing_to_a_full_plan(world):
    (m1, m2, _m3), (p1, p2) = proposal_world(world, 1)
    assign(world["panel"], Application.objects.get(pk=p1), world["panel"].members.get(pk=m1))
    assert services.propose_assignments(world["panel"]) == [(p2, m2)]


def test_starting_the_expert_review_moves_only_screened_plans_and_counts_them(world):
    screened = reviewable_plan(world["call"], status=State.SCREENED)
    moved = services.start_advisory_review(world["staff"], [screened, world["plan"]], at=DURING)
    assert moved == 1
    screened.refresh_from_db()
    assert screened.status == State.ADVISORY_REVIEW


def test_moving_to_the_subcommittee_uses_the_override_only_with_a_reason(world):
    plan = world["plan"]
    submitted_review(assign(world["panel"], plan, world["experts"][0]), [1] * Criterion.objects.count())
    assign(world["panel"], plan, world["experts"][1])  # not in yet
    with pytest.raises(Exception, match="Not all assigned evaluators"), translation.override("en"):
        services.move_to_subcommittee(world["staff"], plan, reason="   ", at=DURING)
    services.move_to_subcommittee(world["staff"], plan, reason="장기 입원", at=DURING)
    plan.refresh_from_db()
    assert (plan.status, plan.status_reason) == (State.SUBCOMMITTEE, "장기 입원")
    event = AuditEvent.objects.get(application=plan, action="to_subcommittee_override")
    assert (event.reason, event.actor, event.created_at) == ("장기 입원", world["staff"], DURING)


def test_unassigning_keeps_a_submitted_review_and_audits_a_plain_removal(world):
    plan, (a, b, _c) = world["plan"], world["experts"]
    submitted = assign(world["panel"], plan, a)
    submitted_review(submitted, [1] * Criterion.objects.count())
    message, _errors = refusal(services.unassign, world["staff"], submitted)
    assert message == "This evaluator has already submitted a review; the assignment stays."
    plain = assign(world["panel"], plan, b)
    services.unassign(world["staff"], plain)
    assert not Assignment.objects.filter(pk=plain.pk).exists()
    event = AuditEvent.objects.get(action="assignment_removed")
    assert (event.actor, event.application) == (world["staff"], plan)
    assert event.data == {"panel": world["panel"].pk, "reviewer": b.pk, "draft_removed": False}


@pytest.fixture
def scored_in_subcommittee(world, in_subcommittee):
    make_rubric(world["call"], Stage.SUBCOMMITTEE)
    member = ExpertFactory()
    panel = make_panel(world["call"], stage=Stage.SUBCOMMITTEE, members=[member])
    submitted_review(
        assign(panel, in_subcommittee, member), [1] * Criterion.objects.filter(rubric__stage="subcommittee").count()
    )
    return in_subcommittee


def test_finalising_stores_the_recommendation_and_refers_the_plan(world, scored_in_subcommittee, chair):
    plan = scored_in_subcommittee
    at = datetime.datetime(2026, 7, 1, 10, 0, tzinfo=KST)
    recommendation = services.finalise_recommendation(
        chair, plan, decision=Recommendation.Decision.RECOMMEND, reasons="우수", conditions="무시되는 조건", at=at
    )
    assert (recommendation.decision, recommendation.conditions, recommendation.reasons) == ("recommend", "", "우수")
    assert (recommendation.finalised_by, recommendation.finalised_at) == (chair, at)
    assert recommendation.summary["subcommittee"]["reviews"] == 1
    plan.refresh_from_db()
    assert plan.status == State.COMMITTEE
    event = AuditEvent.objects.get(application=plan, action="refer_to_committee")
    assert (event.reason, event.data["recommendation"], event.created_at) == ("우수", "recommend", at)
    assert event.actor == chair


def test_finalising_with_conditions_keeps_them(world, scored_in_subcommittee, chair):
    recommendation = services.finalise_recommendation(
        chair,
        scored_in_subcommittee,
        decision=Recommendation.Decision.RECOMMEND_WITH_CONDITIONS,
        reasons="우수",
        conditions="부지 확보",
        at=DURING,
    )
    assert recommendation.conditions == "부지 확보"


def test_finalising_twice_is_refused(world, in_subcommittee, chair):
    Recommendation.objects.create(
        application=in_subcommittee,
        decision="recommend",
        reasons="앞선 권고",
        finalised_by=chair,
        finalised_at=REVIEW_DUE,
    )
    message, _errors = refusal(
        services.finalise_recommendation, chair, in_subcommittee, decision="recommend", reasons="다시", at=DURING
    )
    assert message == "The recommendation for this plan has already been finalised."


def test_finalising_without_counted_scores_needs_the_override_reason(world, in_subcommittee, chair):
    with pytest.raises(Exception, match="No subcommittee member's scores count"), translation.override("en"):
        services.finalise_recommendation(
            chair, in_subcommittee, decision="recommend", reasons="우수", override_reason=" ", at=DURING
        )
    assert not Recommendation.objects.exists()
    services.finalise_recommendation(
        chair, in_subcommittee, decision="recommend", reasons="우수", override_reason="위원 전원 이해충돌", at=DURING
    )
    event = AuditEvent.objects.get(application=in_subcommittee, action="refer_to_committee_override")
    assert (event.reason, event.data) == ("위원 전원 이해충돌", {"recommendation": "recommend", "reasons": "우수"})
    assert (event.actor, event.created_at) == (chair, DURING)


# --- what each service stores, beyond its refusals


def test_a_panel_is_advisory_with_five_evaluators_per_plan_and_no_english_name_unless_told(world):
    field = FieldFactory(code="ROB")
    world["call"].fields.add(field)
    panel = services.create_panel(world["staff"], call=world["call"], field=field, name="로봇")
    assert (panel.stage, panel.reviewers_per_plan, Panel.objects.get(pk=panel.pk).name_en) == (Stage.ADVISORY, 5, "")


def test_a_panel_s_english_name_is_stored_trimmed_by_the_service(world):
    """Trimmed by the service, whoever calls it (the staff form trims too; the demo data and scripts do not)."""
    field = FieldFactory(code="ROB")
    world["call"].fields.add(field)
    panel = services.create_panel(world["staff"], call=world["call"], field=field, name="로봇", name_en=" Robots ")
    assert Panel.objects.get(pk=panel.pk).name_en == "Robots"


def test_unassigning_removes_the_evaluators_draft_and_its_scores(world, sheet):
    assignment, criteria = sheet
    services.save_review(
        assignment.reviewer, assignment, scores={criteria[0].pk: (Decimal("3"), "초안")}, opinion="", at=DURING
    )
    services.unassign(world["staff"], assignment)
    assert not Assignment.objects.exists() and not Review.objects.exists() and not Score.objects.exists()
    event = AuditEvent.objects.get(action="assignment_removed")
    assert event.data == {"panel": world["panel"].pk, "reviewer": assignment.reviewer_id, "draft_removed": True}


def test_a_reopened_review_keeps_its_assignment_when_unassigning(world, sheet):
    assignment, criteria = sheet
    review = submitted_review(assignment, [1] * len(criteria))
    services.reopen_review(world["staff"], review, until=REVIEW_DUE + US, reason="연장", at=REVIEW_DUE)
    message, _errors = refusal(services.unassign, world["staff"], assignment)
    assert message == "This evaluator has already submitted a review; the assignment stays."
    assert Review.objects.filter(assignment=assignment).exists()


def test_each_save_counts_a_revision_and_replaces_the_scores(world, sheet):
    assignment, criteria = sheet
    first = services.save_review(
        assignment.reviewer, assignment, scores={criteria[0].pk: (Decimal("3"), "초안")}, opinion="초안", at=DURING
    )
    second = services.save_review(
        assignment.reviewer, assignment, scores={criteria[0].pk: (Decimal("4.5"), "수정")}, opinion="수정", at=DURING
    )
    assert second.pk == first.pk and (first.revision, second.revision) == (1, 2)
    stored = Review.objects.get(pk=first.pk)
    assert (stored.overall_opinion, stored.revision) == ("수정", 2)
    assert [(s.points, s.comment) for s in stored.scores.all()] == [(Decimal("4.5"), "수정")]


def test_every_score_out_of_range_is_named_at_its_field(world, sheet):
    assignment, criteria = sheet
    first, second = criteria[0], criteria[1]
    scores = {first.pk: (Decimal("-1"), ""), second.pk: (second.max_points + 1, ""), criteria[2].pk: (None, "")}
    _message, errors = refusal(
        services.save_review, assignment.reviewer, assignment, scores=scores, opinion="", at=DURING
    )
    assert errors == {
        f"score_{first.pk}": f"Enter a score from 0 to {first.max_points}.",
        f"score_{second.pk}": f"Enter a score from 0 to {second.max_points}.",
    }
    assert not Review.objects.exists()  # the draft created for the save is rolled back with it


def test_starting_the_expert_review_counts_every_plan_moved(world):
    plans = [reviewable_plan(world["call"], status=State.SCREENED) for _ in range(2)]
    at = datetime.datetime(2026, 4, 20, 9, 0, tzinfo=KST)
    assert services.start_advisory_review(world["staff"], plans, at=at) == 2
    assert set(Application.objects.filter(pk__in=[p.pk for p in plans]).values_list("status", flat=True)) == {
        State.ADVISORY_REVIEW
    }
    assert {e.created_at for e in AuditEvent.objects.filter(action="start_advisory_review")} == {at}


def test_a_note_keeps_the_meeting_date(world, in_subcommittee):
    held = datetime.date(2026, 6, 12)
    note = services.add_note(world["staff"], in_subcommittee, kind="presentation", text="1차 발표", held_on=held)
    assert (note.held_on, note.kind) == (held, "presentation")


def test_the_recommendations_missing_fields_say_what_is_missing(world, in_subcommittee):
    _message, errors = refusal(
        services.finalise_recommendation,
        world["staff"],
        in_subcommittee,
        decision=Recommendation.Decision.RECOMMEND_WITH_CONDITIONS,
        reasons="",
        conditions="",
        at=DURING,
    )
    with translation.override("en"):
        assert {key: str(value) for key, value in errors.items()} == {
            "reasons": "Give the reasons for the recommendation.",
            "conditions": "State the conditions.",
        }


def test_a_panel_needs_the_rubric_of_its_own_call_and_is_one_per_call_field_and_stage(world):
    field = world["plan"].field
    other_call = CallFactory(fields=[field])
    # The advisory rubric of `world["call"]` does not set up another call.
    message, _errors = refusal(services.create_panel, world["staff"], call=other_call, field=field, name="다른 공모")
    assert message == "Set up the rubric of this call and stage first (administration: rubrics)."
    make_rubric(other_call)
    # A panel for the same field in another call, and for another field in the same call, are no obstacle.
    assert services.create_panel(world["staff"], call=other_call, field=field, name="다른 공모").call == other_call
    second_field = FieldFactory(code="ROB")
    world["call"].fields.add(second_field)
    assert (
        services.create_panel(world["staff"], call=world["call"], field=second_field, name="로봇").field == second_field
    )
    assert Panel.objects.count() == 3


def test_a_score_for_a_criterion_of_another_rubric_is_refused(world, sheet):
    assignment, criteria = sheet
    other_stage = make_rubric(world["call"], Stage.SUBCOMMITTEE).criteria.first()
    other_call = make_rubric(CallFactory(fields=[world["plan"].field])).criteria.first()
    scores = {criteria[0].pk: (Decimal("1"), ""), other_stage.pk: (Decimal("1"), ""), other_call.pk: (None, "")}
    message, errors = refusal(
        services.save_review, assignment.reviewer, assignment, scores=scores, opinion="", at=DURING
    )
    assert message == "Some scores are not valid; see the marked fields."
    assert errors == {
        f"score_{other_stage.pk}": "This criterion is not in this stage's rubric.",
        f"score_{other_call.pk}": "This criterion is not in this stage's rubric.",
    }
    assert not Score.objects.exists()


def test_a_detected_conflict_is_recorded_beside_a_pinned_one_and_named_before_a_declared_one(world):
    lead = ExpertFactory(profile=world["plan"].organization)
    Conflict.objects.create(application=world["plan"], user=lead, source=Conflict.Source.DECLARED, reason="선언")
    Conflict.objects.create(application=world["plan"], user=lead, source=Conflict.Source.PINNED, reason="친족")
    world["panel"].members.add(lead)
    assert services.sync_detected_conflicts(world["panel"]) == 1
    assert set(Conflict.objects.filter(user=lead).values_list("source", flat=True)) == {
        Conflict.Source.DECLARED,
        Conflict.Source.PINNED,
        Conflict.Source.DETECTED,
    }
    Conflict.objects.filter(user=lead, source=Conflict.Source.PINNED).delete()
    message, _errors = refusal(services.assign, world["staff"], world["panel"], world["plan"], lead, at=DURING)
    assert message.endswith(": The evaluator's organisation leads this plan.")


def test_bulk_assign_counts_a_pair_new_when_only_its_plan_reviewer_or_panel_is_known(world):
    plan, (a, b, _c) = world["plan"], world["experts"]
    second = reviewable_plan(world["call"])
    assign(world["panel"], plan, a)
    assign(make_panel(world["call"], stage=Stage.SUBCOMMITTEE, members=[b]), second, b)
    # (second, a): a is known on another plan; (plan, b): the plan on another evaluator; (second, b): in another panel.
    pairs = [(second, a), (plan, b), (second, b)]
    assert services.bulk_assign(world["staff"], world["panel"], pairs, at=DURING) == 3
    assert world["panel"].assignments.count() == 4


def test_the_proposal_counts_every_current_assignment_of_an_evaluator(world):
    (m1, m2, m3), (p1, p2) = proposal_world(world, 1)
    p3, p4, p5 = (reviewable_plan(world["call"]).pk for _ in range(3))
    first = world["panel"].members.get(pk=m1)
    for plan in (p1, p2):
        assign(world["panel"], Application.objects.get(pk=plan), first)
    # m1 carries two: m2 and m3 (none) take the next plans, then m2 again (one each, m1 still two).
    assert services.propose_assignments(world["panel"]) == [(p3, m2), (p4, m3), (p5, m2)]


@pytest.mark.parametrize("service", ["save", "submit"])
def test_an_evaluator_is_not_told_an_unannounced_decision_when_refused(world, sheet, service):
    assignment, criteria = sheet
    services.save_review(
        assignment.reviewer,
        assignment,
        scores={c.pk: (Decimal("1"), "근거") for c in criteria},
        opinion="종합",
        at=DURING,
    )
    Application.objects.filter(pk=world["plan"].pk).update(status=State.NOT_DESIGNATED)  # not announced yet
    late = Assignment.objects.get(pk=assignment.pk)
    if service == "save":
        message, _errors = refusal(services.save_review, late.reviewer, late, scores={}, opinion="", at=DURING)
    else:
        message, _errors = refusal(services.submit_review, late.reviewer, late, at=DURING)
    assert message == (
        "This plan has moved on from the Expert advisory review (it is now “Committee deliberation”); "
        "its reviews can no longer be changed."
    )


def test_a_conflict_with_another_plan_does_not_block_an_assignment(world):
    expert = world["experts"][0]
    other = reviewable_plan(world["call"])
    Conflict.objects.create(application=other, user=expert, source=Conflict.Source.PINNED, reason="친족")
    Conflict.objects.create(application=other, user=expert, source=Conflict.Source.DECLARED, reason="선언")
    assert services.assign(world["staff"], world["panel"], world["plan"], expert, at=DURING).reviewer == expert


def test_a_recommendation_for_another_plan_does_not_block_this_one(world, scored_in_subcommittee, chair):
    other = reviewable_plan(world["call"], status=State.SUBCOMMITTEE)
    Recommendation.objects.create(
        application=other, decision="recommend", reasons="다른 계획", finalised_by=chair, finalised_at=REVIEW_DUE
    )
    recommendation = services.finalise_recommendation(
        chair, scored_in_subcommittee, decision="recommend", reasons="우수", at=DURING
    )
    assert recommendation.application == scored_in_subcommittee


def test_a_chair_conflicted_with_the_plan_cannot_finalise_and_nothing_is_kept(world, scored_in_subcommittee, chair):
    from applications.workflow import TransitionError

    Conflict.objects.create(
        application=scored_in_subcommittee, user=chair, source=Conflict.Source.PINNED, reason="친족"
    )
    with translation.override("en"), pytest.raises(TransitionError) as refused:
        services.finalise_recommendation(chair, scored_in_subcommittee, decision="recommend", reasons="우수", at=DURING)
    assert str(refused.value) == "You may not do this."
    assert not Recommendation.objects.exists()
    assert Application.objects.get(pk=scored_in_subcommittee.pk).status == State.SUBCOMMITTEE


def test_the_proposal_goes_in_receipt_order_not_creation_order(world):
    (m1, m2, _m3), (p1, p2) = proposal_world(world, 1)
    # The later row received the earlier receipt number.
    Application.objects.filter(pk=p1).update(receipt_number=f"{world['call'].pk}-BAT-902")
    Application.objects.filter(pk=p2).update(receipt_number=f"{world['call'].pk}-BAT-901")
    assert services.propose_assignments(world["panel"]) == [(p2, m1), (p1, m2)]
