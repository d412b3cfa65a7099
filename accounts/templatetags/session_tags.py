from django import template

from .. import sessions

register = template.Library()


@register.inclusion_tag("partials/idle_timeout.html", takes_context=True)
def idle_timeout_banner(context):
    """The warning shown before an idle sign-out (static/js/idle-timeout.js), for signed-in pages only."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not sessions.idle_timeout(user):
        return {"show": False}
    return {
        "show": True,
        "request": request,
        "timeout": sessions.idle_timeout(user),
        "warning": sessions.warning_seconds(user),
    }
