"""The committee's rules for a valid resolution, shared by the form (messages per field) and the services
(which refuse whatever the form did not catch)."""

from django.utils.translation import gettext as _

from .models import Decision, Meeting, Threshold


def meeting_problems(chair, members, attendees) -> dict[str, str]:
    """Problems with a meeting's people, keyed by form field: the chair and those present are members."""
    problems: dict[str, str] = {}
    if chair not in set(members):
        problems["chair"] = _("The chair must be one of the members.")
    if not set(attendees) <= set(members):
        problems["attendees"] = _("Only members of the committee can be present.")
    return problems


def quorum_problem(meeting: Meeting) -> str | None:
    present, members = meeting.counts()
    if not Threshold.reached(meeting.attendance_threshold, present, members):
        return _(
            "The meeting has no quorum: %(present)s of %(members)s members present, at least %(needed)s needed "
            "(%(rule)s). No resolution can be recorded."
        ) % {
            "present": present,
            "members": members,
            "needed": Threshold.needed(meeting.attendance_threshold, members),
            "rule": Threshold(meeting.attendance_threshold).label,
        }
    return None


def resolution_problems(meeting: Meeting, data: dict) -> dict[str | None, str]:
    """Problems with a resolution's content, keyed by form field (None: the whole form)."""
    problems: dict[str | None, str] = {}
    quorum = quorum_problem(meeting)
    if quorum:
        problems[None] = quorum
    if data.get("decision") == Decision.DESIGNATED_WITH_CONDITIONS and not (data.get("conditions") or "").strip():
        problems["conditions"] = _("Write the conditions of the designation.")
    if not (data.get("reasons") or "").strip():
        problems["reasons"] = _("Write the committee's reasons.")
    votes = [data.get(key) for key in ("votes_for", "votes_against", "votes_abstaining")]
    if any(v is None or v < 0 for v in votes):
        return problems
    present, _members = meeting.counts()
    if sum(votes) > present:
        problems["votes_abstaining"] = _(
            "%(cast)s votes were recorded but only %(present)s members were present. Check the votes."
        ) % {"cast": sum(votes), "present": present}
    elif quorum is None and not Threshold.reached(meeting.approval_threshold, votes[0], present):
        problems["votes_for"] = _(
            "The decision is not carried: %(for)s of %(present)s members present voted in favour, at least "
            "%(needed)s are needed (%(rule)s)."
        ) % {
            "for": votes[0],
            "present": present,
            "needed": Threshold.needed(meeting.approval_threshold, present),
            "rule": Threshold(meeting.approval_threshold).label,
        }
    return problems
