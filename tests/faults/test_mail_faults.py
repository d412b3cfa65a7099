"""E-mail under faults, on a real worker process and a real (misbehaving) SMTP server.

What "once" means (core/outbox.py, README): each message reaches its recipients once; only where SMTP's
answer was lost (the worker died during the exchange, or the connection dropped after the data) is it sent
once more, with the same Message-ID. A silent server holds no worker slot for longer than EMAIL_TIMEOUT.
"""

import time

import pytest

from core.models import OutboxMessage
from core.outbox import queue_email
from core.tasks import sweep_outbox

from .conftest import wait_for
from .smtp import Behaviour

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]

LEASE = 15  # above the task's hard limit with EMAIL_TIMEOUT=1 (4 + 10 s)


def queue(n: int) -> OutboxMessage:
    return queue_email(
        to=[f"recipient{n}@example.kr"],
        template="accounts/email/password_reset",
        context={"protocol": "https", "domain": "portal", "uid": "MQ", "token": f"t{n}"},
        reference=f"faults:{n}",
    )  # autocommit: dispatched to the broker at once


def statuses():
    return list(OutboxMessage.objects.order_by("pk").values_list("status", flat=True))


@pytest.fixture
def mail_worker(worker_process, smtp, settings):
    settings.OUTBOX_SENDING_LEASE = LEASE
    return lambda: worker_process(
        EMAIL_URL=f"smtp://127.0.0.1:{smtp.port}", EMAIL_TIMEOUT=1, OUTBOX_SENDING_LEASE=LEASE
    )


def test_a_silent_smtp_server_holds_no_worker_and_mail_goes_out_once_it_answers(mail_worker, smtp):
    smtp.behaviour = Behaviour.SILENT
    mail_worker()
    messages = [queue(n) for n in range(3)]
    # One worker slot gets through all three: each attempt gives up after EMAIL_TIMEOUT instead of waiting.
    assert wait_for(lambda: all(m.attempts >= 1 and m.status == "pending" for m in OutboxMessage.objects.all()), 30), (
        statuses()
    )
    assert all("timed out" in m.last_error.lower() for m in OutboxMessage.objects.all())

    smtp.behaviour = Behaviour.NORMAL
    assert sweep_outbox(stale_after_seconds=0) == 3
    assert wait_for(lambda: statuses() == ["sent"] * 3, 30), statuses()
    assert sorted(smtp.message_ids()) == sorted(m.message_id for m in OutboxMessage.objects.all())
    assert len({m.message_id for m in messages}) == 3


def test_a_connection_dropped_after_the_data_resends_with_the_same_message_id(mail_worker, smtp):
    smtp.behaviour = Behaviour.DROP_AFTER_DATA
    mail_worker()
    message = queue(1)
    assert wait_for(lambda: OutboxMessage.objects.get(pk=message.pk).attempts == 1 and len(smtp.received) == 1, 30)
    assert wait_for(lambda: OutboxMessage.objects.get(pk=message.pk).status == "pending", 10)

    smtp.behaviour = Behaviour.NORMAL
    sweep_outbox(stale_after_seconds=0)
    assert wait_for(lambda: OutboxMessage.objects.get(pk=message.pk).status == "sent", 30)
    time.sleep(1)
    # The server may have kept the first copy: the second carries the same Message-ID (a recognisable duplicate).
    assert smtp.message_ids() == [message.message_id, message.message_id]


def test_a_worker_killed_during_the_smtp_exchange(mail_worker, smtp):
    """Before: a slow SMTP server and a killed worker produced 25 messages for 20 notices, with new
    Message-IDs. Now: the message in flight stays "sending"; nothing touches it within its lease (a live
    attempt is never doubled); after the lease it is sent again with the same Message-ID; the others once."""
    smtp.behaviour = Behaviour.SLOW_ACCEPT
    smtp.delay = 60
    worker = mail_worker()
    in_flight = queue(1)
    assert wait_for(lambda: len(smtp.received) == 1, 30)
    worker.kill()
    assert OutboxMessage.objects.get(pk=in_flight.pk).status == "sending"

    smtp.behaviour = Behaviour.NORMAL
    mail_worker()
    others = [queue(n) for n in range(2, 6)]
    assert wait_for(lambda: all(OutboxMessage.objects.get(pk=m.pk).status == "sent" for m in others), 30)
    assert sweep_outbox(stale_after_seconds=0) == 0  # within the lease: not picked up again
    time.sleep(LEASE + 1)
    assert sweep_outbox(stale_after_seconds=0) == 1
    assert wait_for(lambda: OutboxMessage.objects.get(pk=in_flight.pk).status == "sent", 30)

    ids = smtp.message_ids()
    assert len(ids) == 6  # 5 messages, one of them twice
    assert ids.count(in_flight.message_id) == 2
    assert all(ids.count(m.message_id) == 1 for m in others)
