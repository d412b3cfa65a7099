"""Extension points for the rooms built on top of this one (the arrows point one way: applications never
imports reviews or committee). A later room registers a panel for the applicant's plan page from its
AppConfig.ready; the panel decides itself what the viewer may see."""

from collections.abc import Callable

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
