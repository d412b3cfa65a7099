"""The main menu: a few role-grouped entries instead of one long bar, and which entry is the current page.

Plain data: each entry names a URL and the permission that shows it (None: everyone signed in, or everyone
for public entries). A group with one visible entry is shown as a plain link, a group with more as a
disclosure (<details>) that needs no JavaScript.
"""

from dataclasses import dataclass, field
from functools import cache

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

PUBLIC, SIGNED_IN, ANONYMOUS = "public", "signed_in", "anonymous"


@dataclass(frozen=True)
class Entry:
    label: str
    url_name: str
    permission: str | None = None  # a permission, or PUBLIC / SIGNED_IN / ANONYMOUS


@dataclass(frozen=True)
class Group:
    label: str
    entries: tuple[Entry, ...]


MENU = (
    Group(pgettext_lazy("menu", "Calls"), (Entry(_("Calls"), "applications:calls", PUBLIC),)),
    Group(pgettext_lazy("menu", "My page"), (Entry(_("My page"), "core:dashboard", SIGNED_IN),)),
    Group(pgettext_lazy("menu", "My plans"), (Entry(_("My plans"), "applications:mine", SIGNED_IN),)),
    Group(
        pgettext_lazy("menu", "Applications"),
        (
            Entry(_("Applications (staff)"), "applications:staff_applications", "applications.manage_applications"),
            Entry(_("Questions (staff)"), "applications:staff_questions", "applications.manage_applications"),
            Entry(_("Briefing sessions (staff)"), "applications:staff_briefings", "applications.manage_calls"),
            Entry(_("Organisation approvals"), "accounts:approval_queue", "accounts.review_organizations"),
        ),
    ),
    Group(
        pgettext_lazy("menu", "Reviews"),
        (
            Entry(_("Review panels (ministry staff)"), "reviews:staff_calls", "reviews.manage_panels"),
            Entry(_("My evaluations"), "reviews:mine", "reviews.evaluate"),
            Entry(_("Subcommittee"), "reviews:subcommittee", "reviews.view_subcommittee"),
        ),
    ),
    Group(
        pgettext_lazy("menu", "Committee"),
        (Entry(_("Committee meetings"), "committee:meetings", "committee.record_resolutions"),),
    ),
    Group(
        pgettext_lazy("menu", "Designations"),
        (Entry(_("Designated specialized complexes"), "committee:designations", PUBLIC),),
    ),
    Group(pgettext_lazy("menu", "Register"), (Entry(_("Register"), "accounts:register", ANONYMOUS),)),
)


@dataclass
class Link:
    label: str
    url: str
    current: bool = False


@dataclass
class Shown:
    label: str
    links: list[Link] = field(default_factory=list)

    @property
    def current(self) -> bool:
        return any(link.current for link in self.links)

    @property
    def single(self) -> Link | None:
        return self.links[0] if len(self.links) == 1 else None


def _visible(entry: Entry, user) -> bool:
    if entry.permission == PUBLIC:
        return True
    if entry.permission == ANONYMOUS:
        return not user.is_authenticated
    if not user.is_authenticated:
        return False
    return entry.permission == SIGNED_IN or user.has_perm(entry.permission)


@cache
def _url(url_name: str, prefix: str, urlconf: str) -> str:
    """An entry's address: the menu's URLs take no arguments, so each is reversed once per script prefix and
    URL configuration (issue 12: a dozen reverse() calls on every page)."""
    return reverse(url_name, urlconf=urlconf)


def menu_for(user, path: str) -> list[Shown]:
    """The groups `user` sees, with the entry whose address is the longest prefix of `path` marked current."""
    shown = []
    prefix, urlconf = get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF
    for group in MENU:
        links = [Link(str(e.label), _url(e.url_name, prefix, urlconf)) for e in group.entries if _visible(e, user)]
        if links:
            shown.append(Shown(str(group.label), links))
    candidates = [link for group in shown for link in group.links if path.startswith(link.url)]
    if candidates:
        max(candidates, key=lambda link: len(link.url)).current = True
    return shown
