import pytest

from applications.demo import seed as seed_applications
from committee.demo import seed
from committee.models import Meeting
from tests.factories import referred_plan

pytestmark = pytest.mark.django_db


def test_seed_without_referred_plans_and_twice_with_one(django_capture_on_commit_callbacks):
    from accounts.demo import seed as seed_accounts

    seed_accounts()
    seed_applications()
    seed()  # nothing referred yet: a meeting without agenda, no failure
    from applications.models import Call

    call = Call.objects.get(slug="2026-specialized-complex")
    plan = referred_plan(call)
    seed()
    seed()
    meeting = Meeting.objects.get(call=call, number=7)
    assert list(meeting.agenda_items.values_list("application", flat=True)) == [plan.pk]
    assert meeting.has_quorum
