from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = _("Advisory panel and subcommittee reviews")

    def ready(self):
        from applications.extensions import register_call_dates
        from applications.models.audit import ACTION_LABELS

        from . import aggregates, tasks  # noqa: F401  (the SQLite median, the Celery tasks)
        from .selectors import call_dates
        from .transitions import register_all

        register_all()
        register_call_dates(call_dates)
        ACTION_LABELS.update(
            {
                "start_advisory_review": _("Expert review started"),
                "to_subcommittee": _("Moved to the subcommittee"),
                "to_subcommittee_override": _("Moved to the subcommittee before all reviews were in"),
                "refer_to_committee": _("Referred to the committee"),
                "review_reopened": _("Review reopened"),
                "conflict_pinned": _("Conflict of interest set by staff"),
                "conflict_declared": _("Conflict of interest declared"),
                "assignment_removed": _("Evaluator unassigned"),
                "recommendation_finalised": _("Subcommittee recommendation finalised"),
                "refer_to_committee_override": _("Referred to the committee without the subcommittee's scores"),
            }
        )
