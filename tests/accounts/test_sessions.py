"""Idle timeout (30 minutes for staff roles, two hours for applicants) and the hourly clean-up of sessions."""

import datetime

import pytest
import time_machine
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from accounts import roles
from accounts.tasks import clear_expired_sessions
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
START = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def idle_limits(settings):
    settings.PORTAL_IDLE_TIMEOUT_STAFF = 30 * 60
    settings.PORTAL_IDLE_TIMEOUT_APPLICANT = 2 * 60 * 60


def idle_then_open(client, user, minutes):
    with time_machine.travel(START, tick=False) as traveller:
        client.force_login(user)
        assert client.get(reverse("core:dashboard")).status_code == 200
        traveller.shift(datetime.timedelta(minutes=minutes))
        return client.get(reverse("core:dashboard"))


@pytest.mark.parametrize(
    ("user_roles", "minutes", "signed_out"),
    [
        ([roles.MINISTRY_STAFF], 29, False),
        ([roles.MINISTRY_STAFF], 31, True),
        ([roles.EXPERT], 31, True),
        ([], 31, False),
        ([], 119, False),
        ([], 121, True),
    ],
)
def test_idle_sessions_end_after_the_time_their_role_allows(client, user_roles, minutes, signed_out):
    response = idle_then_open(client, UserFactory(roles=user_roles), minutes)
    if signed_out:
        assert response.status_code == 302 and reverse("accounts:login") in response.url
        assert "_auth_user_id" not in client.session
    else:
        assert response.status_code == 200


def test_activity_keeps_the_session_alive(client):
    staff = UserFactory(roles=[roles.MINISTRY_STAFF])
    with time_machine.travel(START, tick=False) as traveller:
        client.force_login(staff)
        for _ in range(4):
            traveller.shift(datetime.timedelta(minutes=20))
            assert client.get(reverse("core:dashboard")).status_code == 200


def test_activity_does_not_extend_a_session_beyond_the_working_day(client, settings):
    with time_machine.travel(START, tick=False) as traveller:
        client.force_login(UserFactory())
        for _ in range(settings.SESSION_COOKIE_AGE // 3600):
            traveller.shift(datetime.timedelta(minutes=60))
            assert client.get(reverse("core:dashboard")).status_code == 200
        traveller.shift(datetime.timedelta(minutes=1))
        assert client.get(reverse("core:dashboard")).status_code == 302


def test_asking_how_long_is_left_is_not_activity_but_staying_signed_in_is(client):
    staff = UserFactory(roles=[roles.MINISTRY_STAFF])
    status = reverse("accounts:session_status")
    with time_machine.travel(START, tick=False) as traveller:
        client.force_login(staff)
        client.get(reverse("core:dashboard"))
        traveller.shift(datetime.timedelta(minutes=20))
        assert client.get(status).json() == {"remaining": 600}
        traveller.shift(datetime.timedelta(minutes=5))
        assert client.get(status).json() == {"remaining": 300}
        assert client.post(status).json() == {"remaining": 1800}
        traveller.shift(datetime.timedelta(minutes=25))
        assert client.get(reverse("core:dashboard")).status_code == 200


def test_the_page_carries_the_idle_limit_for_the_warning_banner(client):
    client.force_login(UserFactory())
    html = client.get(reverse("core:dashboard")).content.decode()
    assert 'data-idle-timeout="7200"' in html
    assert "js/idle-timeout.js" in html


def test_expired_sessions_are_cleared_by_the_scheduled_task(settings):
    assert "accounts.tasks.clear_expired_sessions" in {e["task"] for e in settings.CELERY_BEAT_SCHEDULE.values()}
    for age in (-1, 1):
        store = SessionStore()
        store["x"] = "y"
        store.set_expiry(timezone.now() + datetime.timedelta(hours=age))
        store.save()
    clear_expired_sessions.delay()
    assert Session.objects.count() == 1
