"""`{% shown_status plan %}`: a plan's status as the viewer may know it at the request's arrival instant (the
embargo, applications/embargo.py). Every page that shows a plan's status outside the staff lists uses it, or a
presenter asks embargo.shown_status itself (applications.presenters.my_plan_rows)."""

from django import template

from applications import embargo

register = template.Library()


@register.simple_tag(takes_context=True)
def shown_status(context, application):
    request = context["request"]
    return embargo.shown_status(request.user, application, request.received_at)
