"""My page (내 페이지): core owns the page, each room contributes its sections.

Core imports no room. A room registers a section from its AppConfig.ready: a template and a function
`context(request) -> dict | None` (None: the section is left out). Sections are shown in `order`.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.template.loader import render_to_string


@dataclass(frozen=True)
class Section:
    order: int
    template: str
    context: Callable[[object], dict | None]


_SECTIONS: dict[str, Section] = {}


def register(order: int, template: str, context: Callable[[object], dict | None]) -> None:
    """Add (or, on a repeated ready(), replace) the section rendered from `template`."""
    _SECTIONS[template] = Section(order, template, context)


def registered() -> list[Section]:
    """The registered sections, in the order they are shown."""
    return sorted(_SECTIONS.values(), key=lambda s: (s.order, s.template))


def render_sections(request) -> list[str]:
    """The registered sections as HTML, in order, each rendered with its own context and the request's."""
    rendered = []
    for section in registered():
        context = section.context(request)
        if context is not None:
            rendered.append(render_to_string(section.template, context, request=request))
    return rendered
