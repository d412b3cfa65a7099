"""When a review may still be changed or submitted, decided in one place: the plan must still be in the
review's stage, and the instant `at` before the stage's due date (or the review's own, if staff reopened it)."""

from django.utils.translation import gettext as _

from applications import embargo
from applications.workflow import State
from core.clock import format_kst

from .models import Rubric, Stage

# A stage's reviews are open while the plan is in these states; once it has moved on they are frozen, so
# what the next stage was shown does not change under it.
OPEN_STATES = {
    Stage.ADVISORY: (State.SCREENED, State.ADVISORY_REVIEW),
    Stage.SUBCOMMITTEE: (State.SUBCOMMITTEE,),
}


def stage_open_for(application, panel) -> bool:
    return application.status in OPEN_STATES[panel.stage]


def review_closed_message(panel, application, review, at, user) -> str | None:
    """None while the review may be changed; otherwise why not, for the evaluator `user` (the plan's status as
    the embargo lets them know it at `at`)."""
    if not stage_open_for(application, panel):
        return _(
            "This plan has moved on from the %(stage)s (it is now “%(status)s”); its reviews can no longer be changed."
        ) % {"stage": panel.get_stage_display(), "status": embargo.shown_status(user, application, at)}
    rubric = Rubric.objects.filter(call_id=panel.call_id, stage=panel.stage).only("due_at").first()
    if rubric is None:
        return _("This stage has no rubric yet.")
    due_at = rubric.due_at
    if review is not None and review.reopened_until and review.reopened_until > due_at:
        due_at = review.reopened_until
    if at < due_at:
        return None
    shown = format_kst(due_at, "DATETIME_FORMAT")
    return _(
        "The review period ended on %(due)s (Korea time). Ask ministry staff to reopen your review if you need more time."
    ) % {"due": shown}
