"""The arrival instant: the edge's stamp, believed only from trusted proxies and only within bounds."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ImproperlyConfigured

from core.middleware import ReceivedAtMiddleware

UTC = datetime.UTC
# The portal's clock during each test: 2026-02-27 09:00:01.500 UTC = 18:00:01.5 KST, just after the deadline.
NOW = datetime.datetime(2026, 2, 27, 9, 0, 1, 500000, tzinfo=UTC)
EPOCH_NOW = NOW.timestamp()  # 1772182801.5


def _received_at(rf, settings, *, remote="127.0.0.1", stamp=None, trusted=("127.0.0.1",), now=NOW):
    settings.PORTAL_TRUSTED_PROXIES = list(trusted)
    seen = {}

    def view(request):
        seen["at"] = request.received_at
        return None

    extra = {"REMOTE_ADDR": remote}
    if stamp is not None:
        extra["HTTP_X_REQUEST_START"] = stamp
    with time_machine.travel(now, tick=False):
        ReceivedAtMiddleware(view)(rf.post("/plans/1/submit/", **extra))
    return seen["at"]


def test_a_trusted_proxy_stamp_gives_the_instant_the_first_byte_reached_the_edge(rf, settings):
    # nginx passed the request on at 18:00:00.300 KST after receiving it for 0.301 s: it began at 17:59:59.999.
    at = _received_at(rf, settings, stamp=f"t={EPOCH_NOW - 1.2:.3f} d=0.301")
    assert at == datetime.datetime(2026, 2, 27, 8, 59, 59, 999000, tzinfo=UTC)


def test_the_stamp_is_exact_to_the_millisecond(rf, settings):
    """Decimal arithmetic: a float would turn 1772182800.000 - 0.001 into ...799.998999."""
    at = _received_at(rf, settings, stamp="t=1772182800.000 d=0.001")
    assert at == datetime.datetime(2026, 2, 27, 8, 59, 59, 999000, tzinfo=UTC)


def test_a_trusted_network_given_as_cidr(rf, settings):
    at = _received_at(rf, settings, remote="172.28.5.9", trusted=["10.0.0.1", "172.28.5.0/24"], stamp="t=1772182800.5")
    assert at == datetime.datetime(2026, 2, 27, 9, 0, 0, 500000, tzinfo=UTC)


def test_a_trusted_ipv6_proxy(rf, settings):
    at = _received_at(rf, settings, remote="::1", trusted=["::1"], stamp="t=1772182800.5 d=0.5")
    assert at == datetime.datetime(2026, 2, 27, 9, 0, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("remote", "trusted"),
    [
        ("203.0.113.7", ["127.0.0.1"]),  # a client sending the header straight to gunicorn
        ("127.0.0.1", []),  # nothing configured: trust no one (the default)
        ("", ["127.0.0.1"]),  # no address at all (unix socket)
    ],
)
def test_an_untrusted_source_is_stamped_here(rf, settings, remote, trusted):
    at = _received_at(rf, settings, remote=remote, trusted=trusted, stamp="t=1772182799.000 d=0.001")
    assert at == NOW


@pytest.mark.parametrize(
    "stamp",
    [
        "",
        "t=",
        "1772182799.000",
        "t=abc d=0.1",
        "t=1772182799.000 d=-0.5",
        "t=1772182799.000 d=0.1 x=1",
        "t=1e9",
        "t=NaN",
        "t=1772182799.000;d=0.1",
        "t=" + "9" * 40,
    ],
)
def test_a_malformed_stamp_is_ignored(rf, settings, stamp):
    assert _received_at(rf, settings, stamp=stamp) == NOW


def test_a_stamp_from_the_future_beyond_the_skew_is_ignored(rf, settings):
    assert _received_at(rf, settings, stamp=f"t={EPOCH_NOW + 2.5:.3f} d=0.000") == NOW


def test_a_stamp_slightly_ahead_within_the_skew_never_lands_after_now(rf, settings):
    assert _received_at(rf, settings, stamp=f"t={EPOCH_NOW + 1.5:.3f} d=0.200") == NOW
    assert _received_at(rf, settings, stamp=f"t={EPOCH_NOW + 1.5:.3f} d=2.000") == datetime.datetime(
        2026, 2, 27, 9, 0, 1, tzinfo=UTC
    )


def test_a_stamp_older_than_any_queue_is_ignored(rf, settings):
    """Three minutes and more: the edge's clock is behind, or the request was given up long ago."""
    assert _received_at(rf, settings, stamp=f"t={EPOCH_NOW - 181:.3f} d=0.010") == NOW
    assert _received_at(rf, settings, stamp=f"t={EPOCH_NOW - 179:.3f} d=0.000") == NOW - datetime.timedelta(seconds=179)


def test_a_request_that_took_longer_than_the_transfer_limit_counts_when_its_transfer_ended(rf, settings):
    settings.PORTAL_EDGE_MAX_TRANSFER_SECONDS = 300
    ended = f"t={EPOCH_NOW - 1:.3f}"
    assert _received_at(rf, settings, stamp=f"{ended} d=300.000") == NOW - datetime.timedelta(seconds=301)
    assert _received_at(rf, settings, stamp=f"{ended} d=300.001") == NOW - datetime.timedelta(seconds=1)


def test_a_wrong_trusted_proxy_entry_stops_the_portal(settings):
    settings.PORTAL_TRUSTED_PROXIES = ["127.0.0.1", "nginx"]
    with pytest.raises(ImproperlyConfigured, match="nginx"):
        ReceivedAtMiddleware(lambda request: None)
