"""Which real services this test run can reach, and what to do when one is missing.

Without REQUIRE_SERVICES a test that needs a missing service is skipped with the reason; with
REQUIRE_SERVICES=1 (CI) it fails instead, so nothing is silently left untested.
"""

import functools
import os
import shutil
import socket
from pathlib import Path
from urllib.parse import urlparse

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"


def required() -> bool:
    return os.environ.get("REQUIRE_SERVICES", "") not in ("", "0", "false", "no")


def need(service: str, available: bool, how: str) -> None:
    if available:
        return
    message = f"{service} is not available: {how}"
    if required():
        pytest.fail(f"REQUIRE_SERVICES=1 and {message}", pytrace=False)
    pytest.skip(message)


def broker_url() -> str:
    return os.environ.get("CELERY_BROKER_URL") or os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"


def task_queue() -> str:
    """The queue this test process publishes to and its workers consume, on the one configured Redis database.

    Each pytest-xdist process has its own (`tests-gw0`, `tests-gw1`; `tests-main` in one process), so one
    process's worker never takes the other's tasks, and a purge empties only its own queue. Another Redis
    database number per process would not do: nothing says database N+1 is free (on a shared machine it is
    someone else's, whose worker then takes this process's tasks and runs them against the wrong database)."""
    return f"tests-{os.environ.get('PYTEST_XDIST_WORKER') or 'main'}"


@functools.cache
def redis_answers(url: str) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection((parsed.hostname or "127.0.0.1", parsed.port or 6379), timeout=1) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def chromium_available() -> bool:
    return Path(CHROMIUM).exists() or shutil.which("chromium") is not None


def need_postgresql(why: str) -> None:
    """For a test of what only PostgreSQL does (row locks, its SQL): skipped on SQLite (`make test` without
    DATABASE_URL), failed under REQUIRE_SERVICES=1 without it."""
    from django.db import connection

    need("PostgreSQL", connection.vendor == "postgresql", f"set DATABASE_URL to a PostgreSQL database ({why})")
