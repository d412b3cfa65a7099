"""Review due dates, decided in one place: may this review still be changed or submitted at instant `at`?"""

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from .models import Rubric


def review_open(panel, review, at) -> bool:
    rubric = Rubric.objects.filter(call_id=panel.call_id, stage=panel.stage).only("due_at").first()
    if rubric is None:
        return False
    if review is not None and review.reopened_until and at < review.reopened_until:
        return True
    return at < rubric.due_at


def review_closed_message(panel, review, at) -> str | None:
    if review_open(panel, review, at):
        return None
    rubric = Rubric.objects.filter(call_id=panel.call_id, stage=panel.stage).first()
    if rubric is None:
        return _("This stage has no rubric yet.")
    due_at = review.reopened_until if review is not None and review.reopened_until else rubric.due_at
    shown = formats.date_format(timezone.localtime(due_at), "DATETIME_FORMAT")
    return _(
        "The review period ended on %(due)s (Korea time). Ask ministry staff to reopen your review if you need more time."
    ) % {"due": shown}
