"""The stored ranking summary (issue 12): one row per plan and stage with the figures of its counted reviews.

Written only by `reviews.standings` (from the services that change what it depends on, in their transaction),
read by the call ranking and the panel dashboard instead of aggregating every criterion score per request.
What depends on the rubric's settings (trimmed mean, disagreement, ranking score) is not stored: the read path
derives it from these columns with the same expressions as the live aggregation (reviews.selectors).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from applications.models import Application

from .rubrics import Stage


class RankingSummary(models.Model):
    """A plan's counted reviews of one stage, summarised: a row exists while the plan has an assignment of
    that stage (with no counted review yet: `review_count` 0 and no figures)."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="ranking_summaries", verbose_name=_("development plan")
    )
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices)
    review_count = models.PositiveIntegerField(default=0, verbose_name=_("reviews counted"))
    score_sum = models.FloatField(null=True, verbose_name=_("score sum"))
    score_min = models.FloatField(null=True, verbose_name=_("lowest score"))
    score_max = models.FloatField(null=True, verbose_name=_("highest score"))
    score_mean = models.FloatField(null=True, verbose_name=_("mean score"))
    score_median = models.FloatField(null=True, verbose_name=_("median score"))
    score_stddev = models.FloatField(null=True, verbose_name=_("standard deviation"))
    # The counted totals, sorted (anonymous: no evaluator), for the dashboard's chart of each plan.
    totals = models.JSONField(default=list, verbose_name=_("totals"))
    # {criterion id (a string, as JSON keys are): mean points of the counted reviews}.
    criterion_means = models.JSONField(default=dict, verbose_name=_("criterion means"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    class Meta:
        verbose_name = _("ranking summary")
        verbose_name_plural = _("ranking summaries")
        constraints = [models.UniqueConstraint(fields=["application", "stage"], name="one_ranking_summary_per_stage")]

    def __str__(self):
        return f"{self.application} · {self.stage}"
