"""Who may download a decision notice (committee/rules.py): the secretariat always; the plan's organisation
only once the notice is sent and the results are announced, from the announcement instant on."""

import datetime

import pytest
import time_machine

from committee import services
from committee.models import DecisionNotice
from tests.factories import MembershipFactory, UserFactory

from .conftest import ANNOUNCEMENT

pytestmark = pytest.mark.django_db
MICROSECOND = datetime.timedelta(microseconds=1)
PERM = "committee.download_notice"


@pytest.fixture
def sent(notice, secretariat, settings, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with django_capture_on_commit_callbacks(execute=True):
        services.send_notices(secretariat, [notice], at=ANNOUNCEMENT)
    return DecisionNotice.objects.get(pk=notice.pk)


def may_download(user, notice, at):
    with time_machine.travel(at, tick=False):
        return user.has_perm(PERM, notice)


def test_the_organisation_downloads_from_the_announcement_instant(plan_owner, sent):
    assert may_download(plan_owner, sent, ANNOUNCEMENT - MICROSECOND) is False
    assert may_download(plan_owner, sent, ANNOUNCEMENT) is True
    assert may_download(plan_owner, sent, ANNOUNCEMENT + MICROSECOND) is True


def test_an_unsent_notice_is_not_released(plan_owner, notice):
    assert may_download(plan_owner, notice, ANNOUNCEMENT + datetime.timedelta(days=1)) is False


def test_another_organisation_never_downloads(sent):
    stranger = MembershipFactory().user
    assert may_download(stranger, sent, ANNOUNCEMENT + datetime.timedelta(days=1)) is False
    assert may_download(UserFactory(), sent, ANNOUNCEMENT + datetime.timedelta(days=1)) is False


def test_the_secretariat_downloads_before_the_announcement(secretariat, notice):
    assert may_download(secretariat, notice, ANNOUNCEMENT - datetime.timedelta(days=10)) is True


def test_no_notice_no_download(plan_owner):
    assert may_download(plan_owner, None, ANNOUNCEMENT) is False


def test_the_predicates_alone(plan_owner, notice, sent):
    from committee.rules import may_view_plan, notice_released

    stranger = MembershipFactory().user
    assert may_view_plan(plan_owner, sent) is True
    assert may_view_plan(stranger, sent) is False
    assert may_view_plan(plan_owner, None) is False
    with time_machine.travel(ANNOUNCEMENT, tick=False):
        assert notice_released(stranger, sent) is True  # released is about the notice, not the person
        assert notice_released(plan_owner, None) is False
    with time_machine.travel(ANNOUNCEMENT - MICROSECOND, tick=False):
        assert notice_released(plan_owner, sent) is False
