"""Reads for the ministry staff's lists and exports (one queryset, filtered, with a constant number of queries) and
for the public call page (compiled once per connection)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, F, Q, QuerySet

from core.compiled import SENTINEL_STR, CompiledQuery

from . import embargo
from .models import Application, Call, CallDocument, DeadlineExtension, Field, PlanVersion, Question
from .workflow import State

# Columns the staff list and the exports read; nothing else is loaded.
LIST_COLUMNS = (
    "receipt_number",
    "title",
    "status",
    "submitted_at",
    "created_at",
    "total_investment_krw",
    "total_direct_jobs",
    "call__slug",
    "call__title_ko",
    "call__title_en",
    "field__code",
    "field__name_ko",
    "field__name_en",
    "organization__name_ko",
    "organization__name_en",
    "site__region__name_ko",
    "site__region__name_en",
)


def staff_application_list(user, filters: dict | None = None) -> QuerySet[Application]:
    """The plans `user` may see, narrowed by the staff list's filters (call, field, region, status, q).

    `filters` holds cleaned values; missing or empty ones do not filter.
    """
    filters = filters or {}
    queryset = (
        Application.objects.visible_to(user)
        .select_related("call", "field", "organization", "site__region")
        .only(*LIST_COLUMNS)
    )
    if filters.get("call"):
        queryset = queryset.filter(call=filters["call"])
    if filters.get("field"):
        queryset = queryset.filter(field=filters["field"])
    if filters.get("region"):
        queryset = queryset.filter(site__region=filters["region"])
    if filters.get("status"):
        queryset = queryset.filter(status=filters["status"])
    term = (filters.get("q") or "").strip()
    if term:
        queryset = queryset.filter(
            Q(title__icontains=term)
            | Q(organization__name_ko__icontains=term)
            | Q(organization__name_en__icontains=term)
            | Q(receipt_number__icontains=term)
        )
    # Submitted plans in receipt-number order, drafts (no number yet) after them.
    return queryset.order_by("-call__deadline", F("receipt_number").asc(nulls_last=True), "-created_at", "pk")


@dataclass(frozen=True)
class Tally:
    key: str
    label: str
    count: int


def counts_by_field(queryset: QuerySet[Application]) -> list[Tally]:
    """Plans per field in the (filtered) queryset: one aggregate query."""
    rows = (
        queryset.order_by()
        .values("field__code", "field__name_ko", "field__name_en", "field__sort_order")
        .annotate(n=Count("pk"))
        .order_by("field__sort_order", "field__code")
    )
    return [
        Tally(
            row["field__code"],
            Field(name_ko=row["field__name_ko"], name_en=row["field__name_en"]).name,
            row["n"],
        )
        for row in rows
    ]


def counts_by_status(queryset: QuerySet[Application]) -> list[Tally]:
    """Plans per workflow state in the (filtered) queryset, in the workflow's order: one aggregate query."""
    found = {row["status"]: row["n"] for row in queryset.order_by().values("status").annotate(n=Count("pk"))}
    return [Tally(state.value, state.label, found[state.value]) for state in State if state.value in found]


def counts(queryset: QuerySet[Application]) -> dict[str, list[Tally]]:
    return {"by_field": counts_by_field(queryset), "by_status": counts_by_status(queryset)}


# What the applicant side reads in a plan's history. Their own actions and the ministry's decisions about the
# plan are shown; the evaluation's internals (who evaluates, conflicts, reopened reviews) are not, and the
# committee's decision only after the announcement.
APPLICANT_ACTIONS = {
    "created",
    "section_saved",
    "attachment_added",
    "attachment_removed",
    "participant_added",
    "participant_accepted",
    "participant_declined",
    "submit",
    "amend",
    "version_frozen",
    "withdraw",
    "receive",
    "screen",
    "declare_ineligible",
    "deadline_changed",
    "call_closed",
}
REASON_SHOWN = {"declare_ineligible", "withdraw", "deadline_changed"}
# The applicant reads what happened, not how the ministry got there: an internal override is told as the
# ordinary step it stands for.
APPLICANT_WORDING = {"to_subcommittee_override": "to_subcommittee"}


@dataclass(frozen=True)
class HistoryRow:
    event: object
    actor: str | None
    reason: str
    label: str


def _label(action: str) -> str:
    from .models.audit import ACTION_LABELS

    return ACTION_LABELS.get(action, action)


def plan_history(user, application, at) -> list[HistoryRow]:
    """The audit events of a plan as `user` may read them at instant `at` (staff: everything)."""
    from accounts import roles
    from accounts.models import Membership

    events = application.audit_events.select_related("actor").order_by("-pk")
    if user.has_role(roles.MINISTRY_STAFF):
        return [HistoryRow(e, e.actor.full_name if e.actor else None, e.reason, e.label) for e in events]
    own_people = set(
        Membership.objects.filter(organization_id=application.organization_id).values_list("user_id", flat=True)
    )
    rows = []
    for event in events:
        milestone = bool(event.to_status) and event.from_status != event.to_status
        if event.action not in APPLICANT_ACTIONS and not milestone:
            continue
        if not embargo.shows_event(user, event, application.call, at):
            continue
        actor = event.actor.full_name if event.actor_id in own_people else None
        reason = event.reason if event.action in REASON_SHOWN or event.actor_id in own_people else ""
        rows.append(HistoryRow(event, actor, reason, _label(APPLICANT_WORDING.get(event.action, event.action))))
    return rows


def call_timeline(call, at) -> list[dict]:
    """Every dated step of `call` in time order: its own (opening, briefings, deadline and its changes, the
    announcement) and those the later rooms register (review due dates, meetings); each says whether it has
    passed at `at`."""
    from django.urls import reverse
    from django.utils.translation import gettext as _

    from .extensions import CallDate, call_dates

    deadline_url = reverse("applications:staff_deadline", kwargs={"slug": call.slug})
    own = [CallDate(call.opens_at, _("Submissions open"))]
    own += [
        CallDate(session.starts_at, _("Briefing session: %(place)s") % {"place": session.place})
        for session in call.briefings.all()
    ]
    own += [
        CallDate(extension.created_at, _("Deadline extended"), deadline_url)
        for extension in call.deadline_extensions.all()
    ]
    own.append(CallDate(call.deadline, _("Submission deadline"), deadline_url))
    if call.announcement_at:
        own.append(CallDate(call.announcement_at, _("Announcement of the results")))
    entries = sorted([*own, *call_dates(call)], key=lambda entry: entry.when)
    return [{"entry": entry, "passed": entry.when <= at} for entry in entries]


def announcement_changes(call) -> list[dict]:
    """The announcement's history from the audit trail, newest first: when, who, the new time and why."""
    import datetime

    events = call.audit_events.filter(action="announcement_scheduled").select_related("actor").order_by("-pk")
    return [{"event": event, "to": datetime.datetime.fromisoformat(event.data["to"])} for event in events]


def unsubmitted_changes(application) -> dict | None:
    """What the applicant changed since the last submitted version, while the plan is submitted and still
    editable: reviewers and staff read that version until the plan is submitted again. None when nothing
    differs (or the plan was never submitted, or can no longer change)."""
    from . import snapshot, workflow

    if application.status != State.SUBMITTED or not workflow.is_editable(application):
        return None
    latest = application.versions.order_by("-number").first()
    if latest is None:
        return None
    rows = snapshot.diff(latest.content, snapshot.serialize(application))
    return {"version": latest, "rows": rows} if rows else None


def receipts_ahead(version: PlanVersion) -> int | None:
    """While the version's receipt PDF is being prepared: how many receipts submitted before it are still
    waiting (the worker takes them in order; at a deadline surge receipts lag behind submissions, issue 12).
    Receipts given up (PlanVersion.receipt_given_up) wait for nobody. None once it exists or is given up."""
    if version.receipt_pdf or version.receipt_given_up:
        return None
    return PlanVersion.objects.receipt_waiting().filter(pk__lt=version.pk).count()


# --- the public call page ------------------------------------------------------------------------------------
# The most read page of a call (every applicant, before the deadline most of all): its reads are compiled to SQL
# once per database connection and prepared on PostgreSQL (core/compiled.py, issue 12), each ordered as the
# model's Meta orders it, as the related managers would.
PUBLISHED_CALL = CompiledQuery(lambda slug: Call.objects.published().filter(slug=slug), sentinel=SENTINEL_STR)
CALL_FIELDS = CompiledQuery(lambda call_id: Field.objects.filter(calls=call_id))
CALL_DOCUMENTS = CompiledQuery(lambda call_id: CallDocument.objects.filter(call_id=call_id))
CALL_EXTENSIONS = CompiledQuery(lambda call_id: DeadlineExtension.objects.filter(call_id=call_id))
CALL_FAQ = CompiledQuery(
    lambda call_id: Question.objects.filter(call_id=call_id, faq_published=True).order_by("created_at")
)
