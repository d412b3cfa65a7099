"""Reads of the committee room: the agenda, the announcement embargo, what applicants and the public see."""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass

from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, prefetch_related_objects

from applications import embargo
from applications.models import AnchorCompany, Application, Call
from applications.workflow import State
from core.clock import format_kst
from core.compiled import SENTINEL_DATETIME, CompiledQuery
from core.signing import SignatureCheck, check_pdf

from .models import AgendaItem, Condition, DecisionNotice, Meeting, Resolution
from .models.resolutions import DESIGNATIONS


def notice_for_rendering(pk: int) -> DecisionNotice:
    """A notice with every row its PDF reads (committee.documents.notice_context), in one query."""
    return DecisionNotice.objects.select_related(
        "call",
        "resolution__agenda_item__meeting",
        "resolution__agenda_item__application__organization",
        "resolution__agenda_item__application__field",
        "resolution__agenda_item__application__site__region",
    ).get(pk=pk)


def announcement_display(call: Call) -> str:
    if call.announcement_at is None:
        return "—"
    return format_kst(call.announcement_at)


def latest_resolution(application: Application) -> Resolution | None:
    return (
        Resolution.objects.current()
        .filter(agenda_item__application=application)
        .order_by("-confirmed_at", "-pk")
        .first()
    )


def open_agenda_items():
    """Agenda items still waiting for a confirmed resolution."""
    confirmed = Resolution.objects.filter(agenda_item=OuterRef("pk")).exclude(status=Resolution.Status.DRAFT)
    return AgendaItem.objects.exclude(Exists(confirmed))


def meeting_for_page(pk: int) -> Meeting:
    return Meeting.objects.select_related("call", "chair").prefetch_related("members", "attendees").get(pk=pk)


def agenda(meeting: Meeting):
    """The meeting's agenda with everything the page shows, in a fixed number of queries."""
    live = Resolution.objects.exclude(status=Resolution.Status.SUPERSEDED).select_related("notice")
    return (
        meeting.agenda_items.select_related(
            "application__organization",
            "application__field",
            "application__recommendation",
            "application__site__region",
        )
        .prefetch_related(Prefetch("resolutions", queryset=live, to_attr="live_resolutions"))
        .order_by("position", "pk")
    )


def plans_for_agenda(meeting: Meeting):
    """Plans of the meeting's call that can be put on its agenda: referred, or deferred at an earlier meeting."""
    return (
        Application.objects.filter(call_id=meeting.call_id, status__in=(State.COMMITTEE, State.DEFERRED))
        .exclude(pk__in=open_agenda_items().values("application"))
        .exclude(pk__in=meeting.agenda_items.values("application"))
        .select_related("organization")
        .order_by("receipt_number", "pk")
    )


def meetings():
    return Meeting.objects.select_related("call").annotate(item_count=Count("agenda_items")).order_by("-held_at")


def notices_of(meeting: Meeting):
    return (
        DecisionNotice.objects.filter(resolution__agenda_item__meeting=meeting)
        .select_related("message", "resolution__agenda_item__application__organization")
        .order_by("sequence")
    )


def progress(meeting: Meeting) -> dict:
    """How far the notices of a meeting have got: generated, sent, and e-mails delivered or failed."""
    counts = notices_of(meeting).aggregate(
        total=Count("pk"),
        ready=Count("pk", filter=~Q(pdf="")),
        sent=Count("pk", filter=Q(message__isnull=False)),
        delivered=Count("pk", filter=Q(message__status="sent")),
        failed=Count("pk", filter=Q(message__status="failed")),
    )
    counts["generating"] = counts["total"] - counts["ready"]
    counts["delivering"] = counts["sent"] - counts["delivered"] - counts["failed"]
    counts["done"] = counts["generating"] == 0 and counts["delivering"] == 0
    counts["percent"] = round(100 * counts["ready"] / counts["total"]) if counts["total"] else 100
    return counts


@dataclass(frozen=True)
class Result:
    """What an applicant may see of the committee's result after the announcement."""

    decision: str
    decision_label: str
    conditions: str
    reasons: str
    meeting: Meeting
    notice: DecisionNotice | None


def result_for(application: Application, at: datetime.datetime) -> Result | None:
    """The committee's result for the plan page, or None before the announcement (or while there is none)."""
    if not embargo.released(application.call, at):
        return None
    resolution = (
        Resolution.objects.current()
        .filter(agenda_item__application=application)
        .select_related("agenda_item__meeting", "notice")
        .order_by("-confirmed_at", "-pk")
        .first()
    )
    if resolution is None:
        return None
    notice = getattr(resolution, "notice", None)
    return Result(
        decision=resolution.decision,
        decision_label=resolution.get_decision_display(),
        conditions=resolution.conditions,
        reasons=resolution.reasons,
        meeting=resolution.agenda_item.meeting,
        notice=notice if notice is not None and notice.is_sent else None,
    )


# What the public designations page and its CSV show of each plan (issue 12: with 61 designated plans the page
# built ten model instances a row with every column, and asked each row's related managers for their
# prefetched lists; only these columns are read, the lists are plain attributes). A column read beyond these
# costs a query per row: tests/committee/test_views.py counts the page's queries.
_SHOWN = (
    "title",
    "status",
    "total_investment_krw",
    "field__name_ko",
    "field__name_en",
    "field__sort_order",
    "organization__name_ko",
    "organization__name_en",
    "site__name",
    "site__area_m2",
    "site__region__name_ko",
    "site__region__name_en",
    "site__region__sort_order",
)


def _designating():
    """The resolutions that designate a plan now: current (confirmed, not superseded) and a designation."""
    return Resolution.objects.current().filter(decision__in=DESIGNATIONS)


def _designated_plans(at: datetime.datetime):
    designated = _designating().filter(agenda_item__application=OuterRef("pk"))
    return (
        Application.objects.filter(
            embargo.released_q(at),
            status__in=(State.DESIGNATED, State.DESIGNATED_WITH_CONDITIONS),
        )
        .filter(Exists(designated))
        # Not the call: the embargo filter joins it, nothing shown reads it.
        .select_related("field", "organization", "site__region")
        .only(*_SHOWN)
        .order_by("field__sort_order", "site__region__sort_order", "title")
    )


# The public list's plans, compiled once per connection and prepared on PostgreSQL (core/compiled.py, issue 12):
# Django compiled this query (five tables, a subquery) on every visit, most of what the page cost before the
# announcement, when the crowd reloads it.
DESIGNATED_PLANS = CompiledQuery(_designated_plans, sentinel=SENTINEL_DATETIME)


def designations(at: datetime.datetime) -> list[Application]:
    """Designated complexes of announced calls, by field and region, for the public page and its CSV. Each plan
    carries `anchor_list` (its anchor companies in order), `condition_list` and `designation_notice` (the notice
    of its current designating resolution, None while none is generated)."""
    plans = DESIGNATED_PLANS.all(at)
    prefetch_related_objects(
        plans,
        Prefetch(
            "anchor_companies",
            queryset=AnchorCompany.objects.order_by("position", "pk").only("application", "name"),
            to_attr="anchor_list",
        ),
        Prefetch("conditions", queryset=Condition.objects.only("application", "status"), to_attr="condition_list"),
    )
    notices = _designation_notices([plan.pk for plan in plans]) if plans else {}
    for plan in plans:
        plan.designation_notice = notices.get(plan.pk)
    return plans


def _designation_notices(plan_ids: list[int]) -> dict[int, DecisionNotice]:
    """Each plan's generated notice of a current designating resolution, in one query (issue 12: it was reached
    through the plans' agenda items and their resolutions, two prefetches and three model instances a row). When a
    plan has several, the first in agenda order (meeting, position), then the latest recorded, as before."""
    found: dict[int, DecisionNotice] = {}
    rows = (
        DecisionNotice.objects.filter(
            resolution__in=_designating(),
            resolution__agenda_item__application__in=plan_ids,
        )
        .exclude(pdf="")  # DecisionNotice.is_ready
        .annotate(plan_id=F("resolution__agenda_item__application_id"))
        .only("resolution", "document_number", "verification_code", "pdf")
        # The agenda item's own ordering (meeting, position, pk), then the resolutions' (latest recorded first).
        .order_by("resolution__agenda_item", "-resolution__recorded_at")
    )
    for notice in rows:
        found.setdefault(notice.plan_id, notice)
    return found


def verifiable_notice(at: datetime.datetime, **lookup) -> DecisionNotice | None:
    """The notice that /verify/ may speak of: generated, and of a call whose results are announced at `at`.
    Any other (unknown, still rendering, embargoed) is reported as not found, so the page never says more
    than the notice itself."""
    notice = DecisionNotice.objects.select_related("call", "resolution").filter(**lookup).first()
    if notice is None or not notice.is_ready or not embargo.released(notice.call, at):
        return None
    return notice


@dataclass(frozen=True)
class FileVerdict:
    """What /verify/ says of an uploaded PDF. `notice` is set when the file is, byte for byte, a notice the
    portal issued and may speak of; `signature` is what the file's own signature says."""

    notice: DecisionNotice | None
    signature: SignatureCheck
    sha256: str

    @property
    def genuine(self) -> bool:
        return self.notice is not None

    @property
    def changed(self) -> bool:
        """Signed by someone, but the bytes no longer match the signature (or it does not cover them)."""
        return self.signature.signed and not (self.signature.intact and self.signature.whole_file)


def verify_file(data: bytes, at: datetime.datetime) -> FileVerdict:
    digest = hashlib.sha256(data).hexdigest()
    return FileVerdict(notice=verifiable_notice(at, sha256=digest), signature=check_pdf(data), sha256=digest)


def call_dates(call):
    """The committee meetings of `call`, for its staff timeline (applications.extensions)."""
    from django.urls import reverse
    from django.utils.translation import gettext as _

    from applications.extensions import CallDate

    return [
        CallDate(
            meeting.held_at,
            _("Committee meeting no. %(number)s") % {"number": meeting.number},
            reverse("committee:meeting", kwargs={"pk": meeting.pk}),
        )
        for meeting in Meeting.objects.filter(call=call).order_by("held_at")
    ]


def conditions_summary(application) -> dict | None:
    """How many of a conditional designation's followed-up conditions are met (from the prefetch made by
    `designations`); None when no condition is followed up."""
    conditions = application.condition_list
    if not conditions:
        return None
    met = sum(1 for c in conditions if c.status == Condition.Status.MET)
    return {"met": met, "total": len(conditions), "all_met": met == len(conditions)}
