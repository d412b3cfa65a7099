"""The one place that decides whether a call accepts applicant changes at a given instant.

The instant is taken once, when the request arrives (`core.middleware.ReceivedAtMiddleware`), and that same
instant is recorded as the submission time. Enforcement never depends on a scheduled task having run.
"""

import datetime

from django.conf import settings
from django.utils.translation import gettext as _

from core.clock import format_kst
from core.errors import Refused


class DeadlinePassed(Refused):
    def __init__(self, call):
        self.call = call
        super().__init__(deadline_passed_message(call))


class NotOpenYet(Refused):
    def __init__(self, call):
        self.call = call
        super().__init__(_("Submissions for this call open at %(opens)s (KST).") % {"opens": format_kst(call.opens_at)})


def deadline_passed_message(call) -> str:
    return _(
        "The deadline for this call passed at %(deadline)s (KST). Plans can no longer be changed, submitted or "
        "withdrawn; everything saved before the deadline is kept as it was."
    ) % {"deadline": format_kst(call.deadline)}


def accepts_changes(call, instant: datetime.datetime) -> bool:
    """True while applicants may draft, edit, upload, amend or withdraw: before the deadline of a published call."""
    return call.published and instant < call.deadline


def accepts_submissions(call, instant: datetime.datetime) -> bool:
    """True while plans may be submitted: opens_at <= instant < deadline."""
    return accepts_changes(call, instant) and instant >= call.opens_at


def ensure_accepting_changes(call, instant: datetime.datetime) -> None:
    if not accepts_changes(call, instant):
        raise DeadlinePassed(call)


def ensure_accepting_submissions(call, instant: datetime.datetime) -> None:
    ensure_accepting_changes(call, instant)
    if not accepts_submissions(call, instant):
        raise NotOpenYet(call)


def closes_at(call) -> datetime.datetime:
    """When the call is closed (submitted plans become received): the deadline plus the longest a request that
    reached the server before the deadline can still be in progress. Closing earlier would refuse an amendment
    that arrived in time but was still being handled; enforcement never waits for the close."""
    return call.deadline + datetime.timedelta(seconds=settings.PORTAL_REQUEST_MAX_SECONDS)
