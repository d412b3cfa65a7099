"""reviews.presenters: the ranking tables' texts are what the templates' filters wrote before (issue 12)."""

from types import SimpleNamespace

import pytest
from django.template.defaultfilters import floatformat
from django.utils import translation

from core.templatetags.numbers import fixed
from reviews.presenters import averages_rows, figure_texts


def _row(**figures):
    base = dict(
        rank=3,
        review_count=5,
        score_mean=80.125,
        score_median=2.675,
        trimmed_mean=None,
        score_stddev=0.005,
        ranking_score=99.994999,
        disagreement=False,
        spread=12.25,
    )
    return SimpleNamespace(**{**base, **figures})


def test_figures_two_decimals_or_a_dash():
    (row,) = figure_texts([_row()])
    assert (row.rank_text, row.mean_text, row.median_text, row.trimmed_text, row.stddev_text, row.score_text) == (
        "3",
        fixed(80.125, 2),
        fixed(2.675, 2),
        "—",
        fixed(0.005, 2),
        fixed(99.994999, 2),
    )


@pytest.mark.parametrize("language", ["ko", "en"])
def test_disagreement_in_words(language):
    with translation.override(language):
        (yes, no, none) = figure_texts(
            [_row(disagreement=True), _row(), _row(review_count=0, rank=7, score_mean=None, ranking_score=None)]
        )
        assert yes.disagreement_text == translation.gettext("yes (spread %(spread)s)") % {
            "spread": floatformat(12.25, 1)
        }
        assert no.disagreement_text == translation.gettext("no")
    assert none.disagreement_text == none.rank_text == none.mean_text == none.score_text == "—"
    if language == "ko":
        assert yes.disagreement_text == "있음(최고·최저 차 12.3)"


def test_averages_only_of_plans_with_means():
    criteria = [SimpleNamespace(pk=1), SimpleNamespace(pk=2)]
    plans = [SimpleNamespace(criterion_means={1: 7.125}), SimpleNamespace(criterion_means={})]
    assert averages_rows(plans, criteria) == [{"plan": plans[0], "values": ["7.13", "—"]}]
