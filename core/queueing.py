"""Hand a task to the broker, or leave it to a sweep: the one place a request talks to the broker.

A state change is recorded in the database before anything is queued (an outbox row, a version without
its receipt, a notice without its PDF), and a periodic sweep re-queues what was never picked up. So a
failed publish is logged, never raised: the user's action has already succeeded.

Publishing is bounded (socket and connect timeouts on the transport, at most one retry; settings.py) and,
after a failure, this process stops trying for `BROKER_BACKOFF_SECONDS`: a frozen broker costs a request
at most one bounded wait, not one per queued message.
"""

import logging
import time

from django.conf import settings

log = logging.getLogger(__name__)

_broker_down_until = 0.0


def publish(task, *args, retrying: bool = False) -> bool:
    """`task.delay(*args)` unless the broker failed moments ago. True if handed over. A sweep passes
    `retrying=True`: it is the recovery path and always tries."""
    global _broker_down_until
    eager = task.app.conf.task_always_eager
    if not eager and not retrying and time.monotonic() < _broker_down_until:
        log.warning("Broker recently unreachable: %s%r left for the sweep", task.name, args)
        return False
    try:
        task.delay(*args)
    except Exception:  # noqa: BLE001 - any broker error (or, in-process, the task's own): the sweep retries
        if not eager:
            _broker_down_until = time.monotonic() + settings.BROKER_BACKOFF_SECONDS
        log.warning("Could not publish %s%r; the sweep will retry", task.name, args, exc_info=True)
        return False
    return True


def reset() -> None:
    """Forget a recorded broker failure (tests, and a worker that just reconnected)."""
    global _broker_down_until
    _broker_down_until = 0.0
