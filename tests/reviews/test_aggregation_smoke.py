import pytest

from reviews.selectors import ranking
from tests.factories import (
    CallFactory,
    ExpertFactory,
    assign,
    make_panel,
    make_rubric,
    reviewable_plan,
    submitted_review,
)

pytestmark = pytest.mark.django_db


def test_ranking_annotations_for_five_reviews():
    call = CallFactory()
    rubric = make_rubric(call)
    experts = ExpertFactory.create_batch(5)
    panel = make_panel(call, members=experts)
    plan = reviewable_plan(call)
    totals = [
        (25, 20, 15, 10, 10, 10, 10),
        (20, 15, 10, 5, 5, 5, 5),
        (10, 10, 5, 5, 5, 5, 5),
        (24.5, 19, 14, 9, 9, 9, 9),
        (22, 18, 12, 8, 8, 8, 8),
    ]
    for expert, points in zip(experts, totals, strict=True):
        submitted_review(assign(panel, plan, expert), points)
    row = ranking(rubric).get()
    assert row.review_count == 5
    # totals 100, 65, 45, 93.5, 84 -> trimmed mean drops 100 and 45
    assert row.trimmed_mean == pytest.approx((65 + 93.5 + 84) / 3)
    assert row.score_median == pytest.approx(84)
    assert row.disagreement is True


def test_a_review_stops_counting_when_its_evaluator_is_found_conflicted():
    from reviews.models import Conflict

    call = CallFactory()
    rubric = make_rubric(call)
    experts = ExpertFactory.create_batch(3)
    panel = make_panel(call, members=experts)
    plan = reviewable_plan(call)
    for expert, points in zip(
        experts, [(25, 20, 15, 10, 10, 10, 10), (20, 15, 10, 5, 5, 5, 5), (10, 10, 5, 5, 5, 5, 5)], strict=True
    ):
        submitted_review(assign(panel, plan, expert), points)
    assert ranking(rubric).get().review_count == 3
    Conflict.objects.create(application=plan, user=experts[0], source=Conflict.Source.PINNED, reason="사후 확인")
    row = ranking(rubric).get()
    assert row.review_count == 2 and row.score_mean == pytest.approx((65 + 45) / 2)


def test_a_refused_assignment_keeps_the_detected_conflict():
    from accounts.models import Organization
    from reviews import services
    from reviews.models import Conflict
    from tests.factories import REVIEW_DUE, OrganizationFactory, UserFactory

    call = CallFactory()
    make_rubric(call)
    lead = OrganizationFactory(kind=Organization.Kind.METROPOLITAN)
    plan = reviewable_plan(call, organization=lead)
    expert = ExpertFactory(profile=lead)
    panel = make_panel(call, members=[expert])
    with pytest.raises(services.ReviewRefused):
        services.assign(UserFactory(), panel, plan, expert, at=REVIEW_DUE)
    assert Conflict.objects.filter(application=plan, user=expert, source=Conflict.Source.DETECTED).exists()
