from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommitteeConfig(AppConfig):
    name = "committee"
    verbose_name = _("Committee resolutions and decision notices")

    def ready(self):
        from applications.extensions import register_call_dates, register_plan_panel
        from applications.models.audit import ACTION_LABELS

        from . import dashboard, tasks  # noqa: F401  (register the Celery tasks)
        from .selectors import call_dates
        from .transitions import register_all

        register_all()
        register_plan_panel(_result_panel)
        register_call_dates(call_dates)
        dashboard.register()
        ACTION_LABELS.update(
            {
                "designate": _("Designated by the committee"),
                "designate_with_conditions": _("Designated with conditions by the committee"),
                "not_designate": _("Not designated by the committee"),
                "defer": _("Deferred by the committee"),
                "put_on_agenda": _("Put on a new committee agenda"),
                "committee_meeting_saved": _("Committee meeting saved"),
                "conditions_set": _("Conditions set for follow-up"),
                "condition_answered": _("Condition answered"),
                "condition_met": _("Condition met"),
                "condition_asked_again": _("Condition asked again"),
                "agenda_item_added": _("Put on the committee's agenda"),
                "resolution_recorded": _("Committee resolution recorded"),
                "notice_sent": _("Decision notice sent"),
                "notice_delivery_retried": _("Decision notice e-mail retried"),
                **{name: _("Committee resolution corrected") for name in _correction_names()},
            }
        )


def _correction_names():
    from .transitions import CORRECT

    return CORRECT.values()


def _result_panel(request, application):
    """The committee's result on the applicant's plan page (nothing before the announcement)."""
    from .selectors import result_for

    result = result_for(application, at=request.received_at)
    if not result:
        return None
    conditions = list(application.conditions.all())
    return ("committee/_plan_result.html", {"committee_result": result, "followed_conditions": conditions})
