"""The score sheet's shown total (issue 14): what the page prints before any script runs, and what the script
then keeps up to date. Empty, invalid and out-of-range entries do not count."""

from decimal import Decimal

import pytest

from reviews.forms import ScoreSheetForm
from reviews.models import Criterion, Stage

pytestmark = pytest.mark.django_db


@pytest.fixture
def criteria(rubric):
    return list(Criterion.objects.filter(rubric__stage=Stage.ADVISORY).order_by("position"))


def test_a_fresh_sheet_totals_zero_of_the_rubric_maximum(criteria):
    form = ScoreSheetForm(criteria=criteria)
    assert form.shown_total() == 0
    assert form.max_total() == sum(c.max_points for c in criteria) == 100


def test_typed_scores_count_and_bad_ones_do_not(criteria):
    first, second, third, fourth, *_ = criteria
    data = {
        f"score_{first.pk}": "23.5",
        f"score_{second.pk}": "17",
        f"score_{third.pk}": str(third.max_points + 1),  # out of range
        f"score_{fourth.pk}": "많이",  # not a number
    }
    assert ScoreSheetForm(data, criteria=criteria).shown_total() == Decimal("40.5")
    assert ScoreSheetForm({f"score_{first.pk}": "NaN"}, criteria=criteria).shown_total() == 0
    assert ScoreSheetForm({f"score_{first.pk}": "-1"}, criteria=criteria).shown_total() == 0
