"""Template helpers every room's templates use: the main menu."""

from django import template

from core.navigation import menu_for

register = template.Library()


@register.inclusion_tag("partials/main_menu.html", takes_context=True)
def main_menu(context):
    request = context["request"]
    return {"groups": menu_for(request.user, request.path)}
