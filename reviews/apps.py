from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = _("Advisory panel and subcommittee reviews")

    def ready(self):
        from applications.extensions import register_call_dates, register_plan_panel
        from applications.models.audit import ACTION_LABELS

        from . import aggregates, dashboard, exports, tasks  # noqa: F401  (the SQLite median, the Celery tasks)
        from .selectors import call_dates
        from .transitions import register_all
        from .views.packets import plan_panel

        register_all()
        register_call_dates(call_dates)
        register_plan_panel(plan_panel)
        dashboard.register()
        exports.register()
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
                "start_consultation": _("Consultation with related ministries opened"),
                "start_consultation_override": _("Consultation opened before all reviews were in"),
                "opinions_requested": _("Related ministries asked for their opinion"),
                "opinion_recorded": _("A ministry's opinion recorded"),
                "refer_to_committee_override": _("Referred to the committee without the subcommittee's scores"),
            }
        )
