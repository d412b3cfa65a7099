"""My page (내 페이지): core owns the page, each room contributes its sections.

Core imports no room. A room registers a section from its AppConfig.ready: a template and a function
`context(request) -> dict | None` (None: the section is left out). Sections are shown in `order`.

To-do lists are the common case: `register_todo(key, order, title, items)` where `items(request)` returns
what waits for the person (`Todo`: what, how many, by when, where to act); an empty list leaves the section
out. They come first on the page, so My page opens on what the person has to do.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.template.loader import render_to_string


@dataclass(frozen=True)
class Section:
    order: int
    template: str
    context: Callable[[object], dict | None]


_SECTIONS: dict[str, Section] = {}


def register(order: int, template: str, context: Callable[[object], dict | None], key: str = "") -> None:
    """Add (or, on a repeated ready(), replace) the section rendered from `template` (under `key`, default the
    template's name, when one template serves several sections)."""
    _SECTIONS[key or template] = Section(order, template, context)


@dataclass(frozen=True)
class Todo:
    """One thing waiting for the person: `text` says what (with its count in it), `url` where to act;
    `due` by when, `overdue` when that has passed."""

    text: str
    url: str
    due: datetime.datetime | datetime.date | None = None
    overdue: bool = False

    @property
    def due_text(self) -> str:
        """The due time in Korea time (a day stays a day)."""
        from .clock import format_kst

        if isinstance(self.due, datetime.datetime):
            return format_kst(self.due) + " (KST)"
        return self.due.isoformat() if self.due else ""


TODO_TEMPLATE = "core/dashboard/todo.html"


def register_todo(key: str, order: int, title, items: Callable[[object], list[Todo]]) -> None:
    """A to-do section: `title` (lazy-translated) over the list `items(request)` returns; none: left out."""

    def context(request):
        found = items(request)
        return {"title": title, "todos": found, "section_id": f"todo-{key}"} if found else None

    register(order, TODO_TEMPLATE, context, key=f"todo:{key}")


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


MESSAGES_SHOWN = 10


def messages_to(request) -> dict | None:
    """The e-mails the portal sent (or is sending) to this person, newest first: the same words, in the
    portal, for whoever missed or lost an e-mail."""
    from .models import OutboxMessage

    email = (request.user.email or "").lower()
    if not email:
        return None
    candidates = OutboxMessage.objects.filter(to__icontains=email).order_by("-created_at", "-pk")[:50]
    # icontains on the JSON text also matches longer addresses; keep exact recipients only.
    found = [m for m in candidates if email in {address.lower() for address in m.to}][:MESSAGES_SHOWN]
    return {"outbox_messages": found} if found else None


def register_core_sections() -> None:
    register(80, "core/dashboard/messages.html", messages_to)
