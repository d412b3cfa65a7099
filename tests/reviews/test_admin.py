"""The rubric admin: criteria maxima must total 100; a rubric with scores is read-only (rubric and criteria)."""

import pytest
from django.urls import reverse

from reviews.models import Criterion, Rubric
from tests.factories import (
    CallFactory,
    ExpertFactory,
    UserFactory,
    assign,
    make_panel,
    make_rubric,
    reviewable_plan,
    submitted_review,
)

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def rubric_post(call, maxima, prefix="criteria"):
    data = {
        "call": call.pk,
        "stage": "advisory",
        "due_at_0": "2026-05-29",
        "due_at_1": "18:00:00",
        "visibility": "never",
        "ranking_rule": "trimmed_mean",
        "trim_min_reviews": 5,
        "disagreement_threshold": "20",
        f"{prefix}-TOTAL_FORMS": len(maxima),
        f"{prefix}-INITIAL_FORMS": 0,
        f"{prefix}-MIN_NUM_FORMS": 0,
        f"{prefix}-MAX_NUM_FORMS": 1000,
    }
    for index, points in enumerate(maxima):
        data.update(
            {
                f"{prefix}-{index}-position": index,
                f"{prefix}-{index}-title_ko": f"지표 {index}",
                f"{prefix}-{index}-max_points": points,
                f"{prefix}-{index}-comment_required": "on",
            }
        )
    return data


@pytest.mark.parametrize("model", ["rubric", "expertprofile", "panel", "conflict"])
def test_admin_lists_open(admin_client, model):
    assert admin_client.get(reverse(f"admin:reviews_{model}_changelist")).status_code == 200


def test_criteria_must_total_exactly_100(admin_client):
    call = CallFactory()
    url = reverse("admin:reviews_rubric_add")
    response = admin_client.post(url, rubric_post(call, ["40", "50"]), **EN)
    assert response.status_code == 200
    assert "must total exactly 100 (now 90)" in response.content.decode()
    assert not Rubric.objects.exists()
    response = admin_client.post(url, rubric_post(call, ["40", "59.5", "0.5"]), **EN)
    assert response.status_code == 302
    assert Rubric.objects.get().total_points() == 100


def test_a_rubric_with_scores_is_read_only(admin_client):
    call = CallFactory()
    rubric = make_rubric(call)
    url = reverse("admin:reviews_rubric_change", args=[rubric.pk])
    page = admin_client.get(url, **EN).content.decode()
    assert 'name="due_at_0"' in page and 'name="criteria-0-max_points"' in page

    expert = ExpertFactory()
    submitted_review(
        assign(make_panel(call, members=[expert]), reviewable_plan(call), expert), (20, 15, 10, 8, 8, 8, 8)
    )
    page = admin_client.get(url, **EN).content.decode()
    assert "it can no longer be changed" in page
    assert 'name="due_at_0"' not in page and 'name="criteria-0-max_points"' not in page
    before = list(Criterion.objects.filter(rubric=rubric).values_list("max_points", flat=True))
    assert admin_client.post(url, rubric_post(call, ["100"])).status_code == 403
    assert list(Criterion.objects.filter(rubric=rubric).values_list("max_points", flat=True)) == before
