"""The instant a request arrived: deadlines are judged against it and it is recorded as the submission time.

In production nginx (deploy/nginx.conf) receives the request, buffers its body and only then hands it to a
gunicorn worker; at 17:59:59 the workers may be busy and requests queue. So the arrival instant is taken at
the edge: nginx sends `X-Request-Start: t=<msec> d=<request_time>`, both read from nginx's clock at the
moment it passes the request on (after the whole body arrived): `t` is that moment, `d` how long nginx had
been receiving the request since its first byte. The instant the first byte reached the edge is `t - d`
(stock nginx has no variable for it and no arithmetic; `$request_time` is `now - r->start`, so the
subtraction gives back `r->start` exactly, to the millisecond).

The portal believes the header only from PORTAL_TRUSTED_PROXIES and only within bounds; otherwise it
stamps the request itself, here.
"""

import datetime
import logging
import re
from decimal import Decimal

from django.conf import settings
from django.utils import timezone

from .client_ip import from_trusted_proxy, trusted_networks

logger = logging.getLogger(__name__)

HEADER = "HTTP_X_REQUEST_START"
# How far ahead of ours the edge's clock may be (both are NTP-synchronised; usually the same machine).
CLOCK_SKEW = datetime.timedelta(seconds=2)
# The longest a request may wait at the edge and in gunicorn's queue before a worker picks it up. nginx gives
# up on the upstream after proxy_read_timeout (120 s in deploy/nginx.conf); a stamp older than that plus a
# margin says the edge's clock is behind ours, not that the request waited.
MAX_WAIT = datetime.timedelta(seconds=180)

_STAMP = re.compile(r"\At=(?P<t>\d{1,12}(?:\.\d{1,6})?)(?:\s+d=(?P<d>\d{1,9}(?:\.\d{1,6})?))?\s*\Z")
_EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)


def _instant(seconds: Decimal) -> datetime.datetime:
    # Whole milliseconds, so the instant is exactly the one nginx logged (a float would round it).
    return _EPOCH + datetime.timedelta(milliseconds=int(seconds * 1000))


def edge_arrival(value: str, now: datetime.datetime) -> datetime.datetime | None:
    """The instant the edge received the request's first byte, judged by the rule the README states.

    - `t` (the edge passed the request on) later than now + CLOCK_SKEW, or earlier than now - MAX_WAIT:
      the edge's clock is not ours; None (the caller stamps the request itself).
    - the edge took longer than PORTAL_EDGE_MAX_TRANSFER_SECONDS to receive the whole request: it counts
      when its transfer ended (`t`), not when it began.
    - otherwise: `t - d`, when its first byte arrived. Never later than now.
    Malformed: None.
    """
    match = _STAMP.match(value)
    if not match:
        return None
    passed_on = _instant(Decimal(match["t"]))
    if passed_on > now + CLOCK_SKEW or passed_on < now - MAX_WAIT:
        logger.warning("Ignoring X-Request-Start %r: the edge's clock is %s from ours", value, passed_on - now)
        return None
    transfer = Decimal(match["d"] or "0")
    if transfer > settings.PORTAL_EDGE_MAX_TRANSFER_SECONDS:
        return min(passed_on, now)
    return min(_instant(Decimal(match["t"]) - transfer), now)


class ReceivedAtMiddleware:
    """Take the instant a request arrives, once, as `request.received_at` (see the module's docstring)."""

    def __init__(self, get_response):
        self.get_response = get_response
        trusted_networks(settings.PORTAL_TRUSTED_PROXIES)  # a wrong entry stops the portal at start-up

    def __call__(self, request):
        now = timezone.now()
        request.received_at = now
        stamp = request.META.get(HEADER)
        if stamp and from_trusted_proxy(request):
            request.received_at = edge_arrival(stamp, now) or now
        return self.get_response(request)
