"""Extension points for the rooms built on top of this one (the arrows point one way: applications never
imports reviews or committee). A later room registers, from its AppConfig.ready, a panel for the applicant's
plan page (the panel decides itself what the viewer may see) and the dates it adds to a call's timeline."""

import dataclasses
import datetime
from collections.abc import Callable, Iterable

from django.template.loader import render_to_string
from django.utils.safestring import SafeString

# (request, application) -> (template name, context) or None when there is nothing to show.
PlanPanel = Callable[[object, object], "tuple[str, dict] | None"]
PLAN_PANELS: list[PlanPanel] = []


def register_plan_panel(panel: PlanPanel) -> None:
    if panel not in PLAN_PANELS:
        PLAN_PANELS.append(panel)


def plan_panels(request, application) -> list[SafeString]:
    rendered = []
    for panel in PLAN_PANELS:
        result = panel(request, application)
        if result:
            template, context = result
            rendered.append(render_to_string(template, {"application": application, **context}, request=request))
    return rendered


@dataclasses.dataclass(frozen=True)
class CallDate:
    """One dated step of a call, for the staff timeline: when, what, and the page where it is managed."""

    when: datetime.datetime
    label: str
    url: str = ""


# call -> the dated steps a room adds to the call's timeline (review due dates, meetings, ...).
CallDates = Callable[[object], Iterable[CallDate]]
CALL_DATES: list[CallDates] = []


def register_call_dates(source: CallDates) -> None:
    if source not in CALL_DATES:
        CALL_DATES.append(source)


def call_dates(call) -> list[CallDate]:
    """Every later room's dates of `call`, in time order (the call's own dates are added by its page)."""
    return sorted((entry for source in CALL_DATES for entry in source(call)), key=lambda entry: entry.when)
