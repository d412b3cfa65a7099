"""The deadline surge's submit, in process (issue 12): CPU per accepted submit without gunicorn or a load generator.

    .venv/bin/python bench/surge_inprocess.py                  # 300 submits measured
    BENCH_SURGE_N=200 BENCH_SURGE_PROFILE=1 .venv/bin/python bench/surge_inprocess.py   # half measured, half profiled

Seeds complete drafts as bench/surge.py does (bench/lib/drafts.py, its database BENCH_SURGE_DATABASE_URL, dropped
at the end), then posts each plan's submit through Django's test client as the server runs it (DEBUG off, CSRF
enforced, the X-Request-Start stamp from 127.0.0.1, the receipt task published to the real broker
BENCH_SURGE_BROKER_URL, flushed first; nothing consumes it). Prints the statements of one submit and the CPU each
accepted submit cost this process and its database backend (from /proc): on a shared machine the one figure that
does not depend on what else runs, though contention inflates it too, so compare runs made back to back.
BENCH_SURGE_PROFILE=1 adds a cProfile (CPU time) of the second half, by cumulative and by own time.
BENCH_SURGE_SQL=1 first submits 100 more plans and prints each statement of a submit with its mean execute time
in this process and the CPU its database backend spent on it (from /proc/PID/schedstat).
"""

from __future__ import annotations

import cProfile
import datetime as dt
import os
import pstats
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import surge  # noqa: E402 - after the path above
from bench.lib import procs  # noqa: E402

N = int(os.environ.get("BENCH_SURGE_N", 300))
PROFILE = os.environ.get("BENCH_SURGE_PROFILE") == "1"
SQL = os.environ.get("BENCH_SURGE_SQL") == "1"
SQL_N = 100
WARM = 20


def main() -> None:
    name = urllib.parse.urlparse(surge.DATABASE_URL).path.lstrip("/")
    surge._admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    surge._admin(f'CREATE DATABASE "{name}"')
    try:
        surge.setup_django(tempfile.mkdtemp(prefix="portal-surge-inprocess-"))
        run()
    finally:
        from django.db import connections

        connections.close_all()
        surge._admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def run() -> None:
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from bench.lib import drafts
    from config.celery import app

    call_command("migrate", verbosity=0)
    far = dt.datetime.now(dt.UTC) + dt.timedelta(days=1)
    world = drafts.create(N + WARM + 1 + (SQL_N if SQL else 0), deadline=far, opens_at=far - dt.timedelta(days=30))
    cookies = surge.session_cookies(world.owners)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    # As the server runs: DEBUG off, the edge trusted, a real broker.
    settings.DEBUG = False
    settings.PORTAL_TRUSTED_PROXIES = ["127.0.0.1"]
    app.conf.task_always_eager = False
    app.conf.broker_url = surge.BROKER_URL
    surge.flush_broker()
    clients = []
    for cookie in cookies:
        client = Client(HTTP_ACCEPT_LANGUAGE="ko", enforce_csrf_checks=True)
        client.cookies["sessionid"] = cookie.split(";")[0].split("=", 1)[1]
        client.cookies["csrftoken"] = surge.CSRF
        clients.append(client)

    def post(pk: int, owner: int) -> None:
        response = clients[owner].post(
            reverse("applications:submit", args=[pk]),
            HTTP_X_CSRFTOKEN=surge.CSRF,
            HTTP_X_REQUEST_START=f"t={time.time():.3f}",
            REMOTE_ADDR="127.0.0.1",
        )
        assert response.status_code == 302, (response.status_code, response.content[:300])

    plans = world.plans
    for pk, owner in plans[:WARM]:
        post(pk, owner)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]
    with CaptureQueriesContext(connection) as queries:
        post(*plans[WARM])
    print(f"statements of one submit (BEGIN and COMMIT included): {len(queries.captured_queries)}")
    start = WARM + 1
    if SQL:  # these plans are submitted: the measured ones come after them
        per_statement(post, plans[start : start + SQL_N], backend, connection)
        start += SQL_N
    rest = plans[start:]
    measured = rest[: len(rest) // 2] if PROFILE else rest
    cpu, db, wall = time.process_time(), procs.cpu_seconds(backend), time.perf_counter()
    for pk, owner in measured:
        post(pk, owner)
    cpu, db, wall = time.process_time() - cpu, procs.cpu_seconds(backend) - db, time.perf_counter() - wall
    per_submit = (cpu + db) / len(measured)
    print(
        f"{len(measured)} submits: web {cpu / len(measured) * 1000:.1f} ms + database {db / len(measured) * 1000:.1f} ms "
        f"CPU per accepted submit -> {surge.CORES / per_submit:.0f} submits/s on {surge.CORES} otherwise idle cores "
        f"(load average {os.getloadavg()[0]:.1f}); wall {wall / len(measured) * 1000:.1f} ms per submit, one after another"
    )
    if PROFILE:
        profile = cProfile.Profile(time.process_time)
        profile.enable()
        for pk, owner in rest[len(measured) :]:
            post(pk, owner)
        profile.disable()
        stats = pstats.Stats(profile)
        stats.sort_stats("cumulative").print_stats(80)
        stats.sort_stats("tottime").print_stats(40)


def _backend_ns(pid: int) -> int:
    with open(f"/proc/{pid}/schedstat") as stat:
        return int(stat.read().split()[0])


def per_statement(post, plans, backend, connection) -> None:
    """Each statement of a submit: its mean wall time in this process (compile excluded: the execute alone) and
    the mean CPU its database backend spent on it (/proc/PID/schedstat, nanoseconds), over `plans`' submits."""
    from core.compiled import readable

    totals: dict[int, list] = {}

    def wrapper(execute, sql, params, many, context):
        index = len(seen)
        seen.append(sql)
        db, wall = _backend_ns(backend), time.perf_counter_ns()
        try:
            return execute(sql, params, many, context)
        finally:
            wall, db = time.perf_counter_ns() - wall, _backend_ns(backend) - db
            row = totals.setdefault(index, [sql, 0, 0, 0])
            row[1] += wall
            row[2] += db
            row[3] += 1

    for pk, owner in plans:
        seen: list[str] = []
        with connection.execute_wrapper(wrapper):
            post(pk, owner)
    print("statement: mean execute wall ms, mean database CPU ms (over", len(plans), "submits)")
    for index, (sql, wall, db, count) in sorted(totals.items()):
        print(
            f"  {index:2d} {wall / count / 1e6:6.3f} {db / count / 1e6:6.3f}  {' '.join(readable(sql).split())[:110]}"
        )


if __name__ == "__main__":
    main()
