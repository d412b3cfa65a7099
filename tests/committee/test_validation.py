"""The committee's rules for a valid meeting and resolution, tested where they live (committee/validation.py and
Threshold), at their boundaries: exactly half, exactly two thirds, and one member or vote either side."""

import itertools

import pytest
from django.utils import translation

from committee.models import Threshold
from committee.validation import meeting_problems, quorum_problem, resolution_problems
from tests.factories import make_meeting

from .conftest import resolution_data

MTH, HOM, TT = Threshold.MORE_THAN_HALF, Threshold.HALF_OR_MORE, Threshold.TWO_THIRDS_OR_MORE


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


# --- Threshold: the arithmetic (no database) -------------------------------------------------------------


@pytest.mark.parametrize(
    ("threshold", "count", "total", "reached"),
    [
        (MTH, 3, 6, False),  # exactly half is not more than half
        (MTH, 4, 6, True),
        (MTH, 2, 5, False),
        (MTH, 3, 5, True),
        (HOM, 3, 6, True),  # exactly half is half or more
        (HOM, 2, 6, False),
        (HOM, 2, 5, False),
        (HOM, 3, 5, True),
        (TT, 4, 6, True),  # exactly two thirds
        (TT, 3, 6, False),
        (TT, 2, 3, True),
        (TT, 1, 3, False),
        (TT, 5, 7, True),  # 15 >= 14
        (TT, 4, 7, False),  # 12 < 14
        (MTH, 0, 0, False),  # nobody at all never reaches anything
        (HOM, 0, 0, False),
        (TT, 0, 0, False),
    ],
)
def test_threshold_reached_at_its_boundary(threshold, count, total, reached):
    assert Threshold.reached(threshold, count, total) is reached


@pytest.mark.parametrize(
    ("threshold", "total", "needed"),
    [(MTH, 6, 4), (MTH, 5, 3), (HOM, 6, 3), (HOM, 5, 3), (TT, 6, 4), (TT, 7, 5), (TT, 3, 2), (MTH, 0, 1)],
)
def test_threshold_needed_is_the_smallest_count_that_reaches_it(threshold, total, needed):
    assert Threshold.needed(threshold, total) == needed


# --- meetings -------------------------------------------------------------------------------------------


def test_the_chair_and_those_present_must_be_members():
    a, b, c = object(), object(), object()
    assert meeting_problems(a, [a, b], [a, b]) == {}  # everyone present, the chair a member
    assert meeting_problems(a, [a, b], []) == {}
    assert meeting_problems(c, [a, b], [a]) == {"chair": "The chair must be one of the members."}
    assert meeting_problems(a, [a, b], [a, c]) == {"attendees": "Only members of the committee can be present."}
    assert meeting_problems(None, [a], [b]) == {
        "chair": "The chair must be one of the members.",
        "attendees": "Only members of the committee can be present.",
    }


# --- quorum and votes (real meetings) --------------------------------------------------------------------


@pytest.fixture
def meeting_of(call, secretariat):
    numbers = itertools.count(20)

    def make(members, present, **thresholds):
        return make_meeting(
            call, members=members, present=present, created_by=secretariat, number=next(numbers), **thresholds
        )

    return make


@pytest.mark.django_db
def test_quorum_more_than_half_of_the_members(meeting_of):
    assert quorum_problem(meeting_of(6, 4)) is None
    assert quorum_problem(meeting_of(6, 3)) == (
        "The meeting has no quorum: 3 of 6 members present, at least 4 needed (More than half). "
        "No resolution can be recorded."
    )


@pytest.mark.django_db
def test_quorum_half_or_more_and_two_thirds(meeting_of):
    assert quorum_problem(meeting_of(6, 3, attendance_threshold=HOM)) is None
    assert quorum_problem(meeting_of(6, 2, attendance_threshold=HOM)) == (
        "The meeting has no quorum: 2 of 6 members present, at least 3 needed (Half or more). "
        "No resolution can be recorded."
    )
    assert quorum_problem(meeting_of(6, 4, attendance_threshold=TT)) is None
    assert "3 of 6 members present, at least 4 needed (Two thirds or more)" in quorum_problem(
        meeting_of(6, 3, attendance_threshold=TT)
    )


@pytest.mark.django_db
def test_a_complete_resolution_has_no_problem(meeting):
    assert resolution_problems(meeting, resolution_data()) == {}  # 3 of 5 present, 3 for


@pytest.mark.django_db
def test_without_quorum_only_the_quorum_is_reported(meeting_of):
    meeting = meeting_of(5, 2)
    problems = resolution_problems(meeting, resolution_data(votes_for=1, votes_against=1))
    assert problems == {None: quorum_problem(meeting)}  # not also "not carried": the meeting cannot decide


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("approval", "votes_for", "votes_against", "needed"),
    [
        (MTH, 3, 1, None),  # carried
        (MTH, 2, 2, 3),  # exactly half of those present is not more than half
        (MTH, 2, 0, 3),  # abstentions count as present, not as votes in favour
        (HOM, 2, 2, None),
        (HOM, 1, 3, 2),  # the votes against are not the votes in favour
    ],
)
def test_votes_in_favour_of_those_present(meeting_of, approval, votes_for, votes_against, needed):
    meeting = meeting_of(5, 4, approval_threshold=approval)  # 4 present
    abstaining = 4 - votes_for - votes_against
    data = resolution_data(votes_for=votes_for, votes_against=votes_against, votes_abstaining=abstaining)
    expected = {}
    if needed is not None:
        expected["votes_for"] = (
            f"The decision is not carried: {votes_for} of 4 members present voted in favour, at least {needed} are "
            f"needed ({Threshold(approval).label})."
        )
    assert resolution_problems(meeting, data) == expected


@pytest.mark.django_db
def test_two_thirds_of_those_present(meeting_of):
    meeting = meeting_of(6, 6, approval_threshold=TT)
    assert resolution_problems(meeting, resolution_data(votes_for=4, votes_against=2)) == {}
    assert resolution_problems(meeting, resolution_data(votes_for=3, votes_against=2, votes_abstaining=1)) == {
        "votes_for": "The decision is not carried: 3 of 6 members present voted in favour, at least 4 are needed "
        "(Two thirds or more)."
    }


@pytest.mark.django_db
def test_the_message_names_what_is_needed(meeting_of):
    problems = resolution_problems(meeting_of(5, 4), resolution_data(votes_for=2, votes_against=1, votes_abstaining=1))
    assert problems == {
        "votes_for": "The decision is not carried: 2 of 4 members present voted in favour, at least 3 are needed "
        "(More than half)."
    }


@pytest.mark.django_db
def test_no_more_votes_than_members_present(meeting):
    # 3 present: every member voting is fine, one vote more is not (also when the extra one is an abstention)
    assert resolution_problems(meeting, resolution_data(votes_for=2, votes_against=1)) == {}
    assert resolution_problems(meeting, resolution_data(votes_for=3, votes_abstaining=1)) == {
        "votes_abstaining": "4 votes were recorded but only 3 members were present. Check the votes."
    }
    assert set(resolution_problems(meeting, resolution_data(votes_for=4))) == {"votes_abstaining"}


@pytest.mark.django_db
def test_missing_or_negative_votes_are_left_to_the_fields(meeting):
    # the form's own fields say "required" / "at least 0"; the rule does not add a second message or fail
    assert resolution_problems(meeting, resolution_data(votes_for=None, votes_against=9)) == {}
    assert resolution_problems(meeting, resolution_data(votes_for=9, votes_abstaining=-1)) == {}
    assert resolution_problems(meeting, resolution_data(votes_for=0, votes_against=9)) != {}  # 0 is a vote count


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("decision", "conditions", "problem"),
    [
        ("designated_with_conditions", "", True),
        ("designated_with_conditions", "   ", True),
        ("designated_with_conditions", None, True),
        ("designated_with_conditions", "용수 확보", False),
        ("designated", "", False),
        ("not_designated", None, False),
    ],
)
def test_conditions_are_required_only_for_a_conditional_designation(meeting, decision, conditions, problem):
    problems = resolution_problems(meeting, resolution_data(decision, conditions=conditions))
    assert problems == ({"conditions": "Write the conditions of the designation."} if problem else {})


@pytest.mark.django_db
@pytest.mark.parametrize(("reasons", "problem"), [("", True), (" \n", True), (None, True), ("사유", False)])
def test_reasons_are_required(meeting, reasons, problem):
    problems = resolution_problems(meeting, resolution_data(reasons=reasons))
    assert problems == ({"reasons": "Write the committee's reasons."} if problem else {})


@pytest.mark.django_db
def test_every_problem_at_once(meeting_of):
    meeting = meeting_of(5, 2)
    data = resolution_data("designated_with_conditions", reasons="", votes_for=3)
    assert set(resolution_problems(meeting, data)) == {None, "conditions", "reasons", "votes_abstaining"}
