"""applications/deadline.py at its boundaries, without the database: the last microsecond, exactly at, and just
after the deadline, the opening and `closes_at`; the messages as Korean and English users read them."""

import datetime

import pytest
from django.utils import translation

from applications import deadline
from applications.models import Call
from core.clock import format_kst

KST = datetime.timezone(datetime.timedelta(hours=9))
OPENS = datetime.datetime(2025, 12, 29, 9, 0, tzinfo=KST)
DEADLINE = datetime.datetime(2026, 2, 27, 18, 0, tzinfo=KST)
TICK = datetime.timedelta(microseconds=1)


def _call(published=True):
    return Call(opens_at=OPENS, deadline=DEADLINE, published=published)


@pytest.mark.parametrize(
    ("instant", "changes", "submissions"),
    [
        (OPENS - TICK, True, False),
        (OPENS, True, True),
        (DEADLINE - TICK, True, True),
        (DEADLINE, False, False),
        (DEADLINE + TICK, False, False),
    ],
    ids=["before-opening", "at-opening", "last-microsecond", "at-deadline", "after-deadline"],
)
def test_the_windows_at_their_edges(instant, changes, submissions):
    call = _call()
    assert deadline.accepts_changes(call, instant) is changes
    assert deadline.accepts_submissions(call, instant) is submissions
    if changes:
        deadline.ensure_accepting_changes(call, instant)
    else:
        with pytest.raises(deadline.DeadlinePassed) as passed:
            deadline.ensure_accepting_changes(call, instant)
        assert passed.value.call is call
    if submissions:
        deadline.ensure_accepting_submissions(call, instant)
    else:
        expected = deadline.NotOpenYet if changes else deadline.DeadlinePassed
        with pytest.raises(expected) as refused:
            deadline.ensure_accepting_submissions(call, instant)
        assert refused.value.call is call


def test_an_unpublished_call_accepts_nothing_even_inside_its_window():
    call = _call(published=False)
    assert not deadline.accepts_changes(call, DEADLINE - TICK)
    assert not deadline.accepts_submissions(call, DEADLINE - TICK)
    with pytest.raises(deadline.DeadlinePassed):
        deadline.ensure_accepting_changes(call, DEADLINE - TICK)
    with pytest.raises(deadline.DeadlinePassed):
        deadline.ensure_accepting_submissions(call, DEADLINE - TICK)


def test_kst_shows_korea_time_whatever_the_instant_s_zone_and_the_active_zone():
    from django.utils import timezone

    assert format_kst(DEADLINE.astimezone(datetime.UTC)) == "2026-02-27 18:00"
    with timezone.override("UTC"):  # a request that activated another zone still reads Korea time
        assert format_kst(datetime.datetime(2026, 2, 27, 15, 30, tzinfo=datetime.UTC)) == "2026-02-28 00:30"


def test_the_refusals_say_when_in_both_languages():
    call = _call()
    with translation.override("ko"):
        assert str(deadline.DeadlinePassed(call)) == (
            "이 공모의 접수 마감 시각 2026-02-27 18:00(KST)이 지났습니다. 이제 계획서를 수정·제출·철회할 수 없으며, "
            "마감 전에 저장된 내용은 그대로 보존됩니다."
        )
        assert str(deadline.NotOpenYet(call)) == "이 공모의 접수는 2025-12-29 09:00(KST)에 시작됩니다."
    with translation.override("en"):
        assert (
            str(deadline.DeadlinePassed(call))
            == deadline.deadline_passed_message(call)
            == (
                "The deadline for this call passed at 2026-02-27 18:00 (KST). Plans can no longer be changed, submitted "
                "or withdrawn; everything saved before the deadline is kept as it was."
            )
        )
        assert str(deadline.NotOpenYet(call)) == "Submissions for this call open at 2025-12-29 09:00 (KST)."


def test_the_call_closes_after_the_longest_request_in_progress(settings):
    settings.PORTAL_REQUEST_MAX_SECONDS = 690
    assert deadline.closes_at(_call()) == DEADLINE + datetime.timedelta(seconds=690)
