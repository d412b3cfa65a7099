"""Briefing sessions (설명회) and questions (질의응답): every change in one function, plus the reads the
pages share.

Each change takes the actor and `at`, the instant the request arrived; it runs in a transaction, writes
an audit entry on the call and queues its e-mail through the outbox.
"""

import hashlib

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import Organization, User
from core.compiled import CompiledQuery
from core.errors import Refused
from core.outbox import queue_email

from . import audit
from .models import BriefingRegistration, BriefingSession, Call, Question
from .rules import EDIT_ROLES

ACTIVE = Q(registrations__cancelled_at__isnull=True)


class BriefingRefused(Refused):
    """A registration, cancellation or FAQ change that the rules do not allow; `message` says why."""


def _require(actor, perm, obj=None):
    if not actor.has_perm(perm, obj):
        raise PermissionDenied


# --- reads ---------------------------------------------------------------------------------------------


def sessions_with_seats(queryset=None):
    """Sessions annotated with `seats_taken` and `registered_organizations` (active registrations only)."""
    queryset = BriefingSession.objects.all() if queryset is None else queryset
    return queryset.annotate(
        seats_taken=Coalesce(Sum("registrations__attendees", filter=ACTIVE), 0),
        registered_organizations=Count("registrations", filter=ACTIVE),
    )


# The public call page's sessions, the first to start first (compiled once per connection, as the page's other reads
# in applications.selectors). The order is explicit: the model's Meta ordering is not applied to a GROUP BY query.
CALL_SESSIONS = CompiledQuery(
    lambda call_id: sessions_with_seats(BriefingSession.objects.filter(call_id=call_id)).order_by("starts_at", "pk")
)


def acting_organizations(user):
    """The organisations the user may act for (owner or editor), rejected registrations excluded."""
    if not user.is_authenticated:
        return Organization.objects.none()
    return (
        Organization.objects.filter(memberships__user=user, memberships__role__in=EDIT_ROLES)
        .exclude(status=Organization.Status.REJECTED)
        .order_by("name_ko")
    )


def questions_of_user(user, call: Call):
    """The questions on `call` asked by any organisation the user belongs to."""
    if not user.is_authenticated:
        return Question.objects.none()
    return Question.objects.filter(call=call, organization__memberships__user=user)


def describe_session(session: BriefingSession, at) -> BriefingSession:
    """Add the display facts a page needs: seats left, full, started (sessions from `sessions_with_seats`)."""
    session.seats_left = max(session.capacity - session.seats_taken, 0)
    session.is_full = session.seats_left == 0
    session.has_started = at >= session.starts_at
    session.is_open = not session.is_full and not session.has_started
    return session


def call_page_context(call: Call, user, at) -> dict:
    """What the briefing and Q&A blocks of the public call page show, in a fixed number of queries."""
    sessions = [describe_session(s, at) for s in CALL_SESSIONS.all(call.pk)]
    organizations = list(acting_organizations(user))
    registrations = BriefingRegistration.objects.active().filter(session__call=call, organization__in=organizations)
    registrations = list(registrations.select_related("organization")) if organizations else []
    for session in sessions:
        session.my_registrations = [r for r in registrations if r.session_id == session.pk]
        session.may_register = session.is_open and len(session.my_registrations) < len(organizations)
    return {
        "briefing_sessions": sessions,
        "briefing_organizations": organizations,
        "my_questions_count": questions_of_user(user, call).count() if user.is_authenticated else 0,
    }


def asker_names_in(question: Question, *texts: str) -> list[str]:
    """The names of the asking organisation or person that appear in `texts` (FAQ wording must name nobody)."""
    organization, asker = question.organization, question.asked_by
    names = {organization.name_ko, organization.name_en, asker.full_name, asker.email}
    haystack = " ".join(texts).casefold()
    return sorted(name for name in names if name and name.strip() and name.casefold() in haystack)


# --- briefing registrations -----------------------------------------------------------------------------


def register_for_briefing(
    actor, session: BriefingSession, *, organization: Organization, attendees: int, attendee_names: str, at
) -> BriefingRegistration:
    """Register `organization` for the session while it has seats for `attendees` and has not started."""
    _require(actor, "applications.register_for_briefing", organization)
    with transaction.atomic():
        # The session row is the lock: two organisations taking the last seats are served one after the other.
        # Only that row is locked (no select_related), so the call and organisations stay free for others.
        locked = BriefingSession.objects.select_for_update().get(pk=session.pk)
        if at >= locked.starts_at:
            raise BriefingRefused(_("This briefing session has already started; registration is closed."))
        active = locked.registrations.active()
        if active.filter(organization=organization).exists():
            raise BriefingRefused(
                _("%(organization)s is already registered for this briefing session.")
                % {"organization": organization.name}
            )
        taken = active.aggregate(total=Coalesce(Sum("attendees"), 0))["total"]
        left = max(locked.capacity - taken, 0)
        if left == 0:
            raise BriefingRefused(_("This briefing session is full."))
        if attendees > left:
            raise BriefingRefused(
                ngettext(
                    "Only %(left)s seat is left in this briefing session; register fewer attendees.",
                    "Only %(left)s seats are left in this briefing session; register fewer attendees.",
                    left,
                )
                % {"left": left}
            )
        try:
            with transaction.atomic():
                registration = BriefingRegistration.objects.create(
                    session=locked,
                    organization=organization,
                    registered_by=actor,
                    attendees=attendees,
                    attendee_names=attendee_names,
                    created_at=at,
                )
        except IntegrityError as exc:  # a concurrent request registered the same organisation first
            raise BriefingRefused(
                _("%(organization)s is already registered for this briefing session.")
                % {"organization": organization.name}
            ) from exc
        audit.record(
            action="briefing_registered",
            actor=actor,
            call=locked.call,
            data={"session": locked.pk, "organization": organization.pk, "attendees": attendees},
            at=at,
        )
    return registration


def cancel_briefing_registration(actor, registration: BriefingRegistration, *, at) -> BriefingRegistration:
    """Cancel before the session starts; the seats become free at once. Cancelling twice changes nothing."""
    _require(actor, "applications.cancel_briefing_registration", registration)
    with transaction.atomic():
        locked = BriefingRegistration.objects.select_for_update().get(pk=registration.pk)
        if locked.cancelled_at:
            return locked
        if at >= locked.session.starts_at:
            raise BriefingRefused(
                _("This briefing session has already started; the registration can no longer be cancelled.")
            )
        locked.cancelled_at = at
        locked.save(update_fields=["cancelled_at"])
        audit.record(
            action="briefing_cancelled",
            actor=actor,
            call=locked.session.call,
            data={"session": locked.session_id, "organization": locked.organization_id},
            at=at,
        )
    return locked


# --- questions -------------------------------------------------------------------------------------------


def ask_question(actor, call: Call, *, organization: Organization, subject: str, body: str, at) -> Question:
    _require(actor, "applications.ask_question", organization)
    if not call.published:
        raise PermissionDenied
    with transaction.atomic():
        question = Question.objects.create(
            call=call, organization=organization, asked_by=actor, subject=subject, body=body, created_at=at
        )
        audit.record(
            action="question_asked",
            actor=actor,
            call=call,
            data={"question": question.pk, "organization": organization.pk},
            at=at,
        )
    return question


def answer_question(actor, question: Question, *, answer: str, at, language: str = "ko") -> Question:
    """Record (or correct) the answer and e-mail the asking organisation's owners and editors.

    The e-mail reference includes a digest of the answer: a repeated click sends nothing more, a corrected
    answer is sent again.
    """
    _require(actor, "applications.answer_questions")
    with transaction.atomic():
        locked = Question.objects.select_for_update().get(pk=question.pk)
        if locked.answered_at and locked.answer == answer:
            return locked
        first = not locked.answered_at
        locked.answer = answer
        locked.answered_by = actor
        locked.answered_at = at
        locked.save(update_fields=["answer", "answered_by", "answered_at"])
        locked = Question.objects.select_related("call", "organization").get(pk=locked.pk)
        recipients = User.objects.filter(
            memberships__organization_id=locked.organization_id, memberships__role__in=EDIT_ROLES, is_active=True
        ).values_list("email", flat=True)
        digest = hashlib.sha256(answer.encode()).hexdigest()[:16]
        path = reverse("applications:question", args=[locked.call.slug, locked.pk])
        queue_email(
            to=list(recipients),
            template="applications/email/question_answered",
            context={
                "question": locked,
                "call": locked.call,
                "organization": locked.organization,
                "corrected": not first,
                "url": f"{settings.PORTAL_BASE_URL}{path}",
            },
            reference=f"applications.question:{locked.pk}:answered:{digest}",
            language=language,
            created_by=actor,
        )
        audit.record(
            action="question_answered" if first else "question_answer_corrected",
            actor=actor,
            call=locked.call,
            data={"question": locked.pk},
            at=at,
        )
    return locked


def publish_faq(actor, question: Question, *, published: bool, faq_question: str, faq_answer: str, at) -> Question:
    """Publish (or withdraw) the staff-edited, anonymous wording of an answered question on the call page."""
    _require(actor, "applications.answer_questions")
    with transaction.atomic():
        locked = Question.objects.select_for_update().get(pk=question.pk)
        if published:
            if not locked.answered_at:
                raise BriefingRefused(_("Answer the question before publishing it."))
            if not faq_question.strip() or not faq_answer.strip():
                raise BriefingRefused(_("Write both the public question and the public answer."))
            if asker_names_in(locked, faq_question, faq_answer):
                raise BriefingRefused(_("The public wording must not name the asking organisation or person."))
        locked.faq_published = published
        locked.faq_question = faq_question
        locked.faq_answer = faq_answer
        locked.save(update_fields=["faq_published", "faq_question", "faq_answer"])
        audit.record(
            action="faq_published" if published else "faq_withdrawn",
            actor=actor,
            call=locked.call,
            data={"question": locked.pk},
            at=at,
        )
    return locked
