"""The deadline surge (issue 12): submits fired at an offered rate across a deadline a few seconds ahead.

    make bench                                   # every bench/*.py, this one included
    .venv/bin/python bench/surge.py              # 60 submits/s offered for 16 s, the deadline 2 s before the end
    BENCH_SURGE_RATE=40 BENCH_SURGE_SECONDS=10 .venv/bin/python bench/surge.py

Creates its own database (BENCH_SURGE_DATABASE_URL, default portal_perf_surge on the local PostgreSQL) and
seeds rate x seconds complete draft plans of 20 organisations (bench/lib/drafts.py), one owner each with a
session made in-process. Then starts the portal under gunicorn (deploy/gunicorn.conf.py, DEBUG off,
BENCH_SURGE_WORKERS web workers) and a real Celery worker (`celery -A config worker -c 2`, as
docker-compose.yml runs it) on Redis (BENCH_SURGE_BROKER_URL, default db 13, flushed first), sets the call's
deadline `seconds - after` seconds after the first submit, and fires one submit per plan, open loop, at the
offered rate (bench/lib/load.offered). The bench plays the edge: each request carries X-Request-Start with the
instant it was sent and the portal trusts 127.0.0.1 (PORTAL_TRUSTED_PROXIES), so the server's arrival instant
is known here to the millisecond, as nginx gives it in production.

Prints: offered rate, accepted, refused, accepted/s (over the time they were offered in), p50/p95 of the submits, the wrong-side count (accepted
with an arrival at or after the deadline, refused with an arrival before it; the accepted side is also checked
against the submission times the server stored), and the receipt lag: when the last receipt PDF existed, and
each receipt's lag (its file's time minus its submission's arrival). The database is dropped at the end.
Knobs: BENCH_SURGE_RATE, BENCH_SURGE_SECONDS, BENCH_SURGE_AFTER (seconds of offers after the deadline),
BENCH_SURGE_WORKERS (gunicorn workers, default 3: cores + 1, as deploy/gunicorn.conf.py and docker-compose.yml),
BENCH_SURGE_RECEIPT_WAIT (s, default 900), BENCH_KEEP_DB=1,
BENCH_SURGE_CONN_MAX_AGE (DB_CONN_MAX_AGE of the portal, default 60: persistent database connections, as a
deployment at this rate needs; 0 opens one per request).

The machine is shared, so the bench also prints the CPU each accepted submit cost the web workers and the
database backends (from /proc, whatever else runs) and the capacity that implies on 2 otherwise idle cores.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.lib import goals, procs  # noqa: E402 - after the path above

# Offered at the goal's rate: "60 accepted/s sustained with p95 < 300 ms" holds when the portal keeps up with 60/s
# (a higher offer fails the p95 of any portal slower than the offer, whatever its capacity; BENCH_SURGE_RATE=75
# probes above the goal).
RATE = float(os.environ.get("BENCH_SURGE_RATE", 60))
SECONDS = float(os.environ.get("BENCH_SURGE_SECONDS", 16))
AFTER = float(os.environ.get("BENCH_SURGE_AFTER", 2))
WORKERS = int(os.environ.get("BENCH_SURGE_WORKERS", 3))
CONN_MAX_AGE = os.environ.get("BENCH_SURGE_CONN_MAX_AGE", "60")
CORES = 2
RECEIPT_WAIT = float(os.environ.get("BENCH_SURGE_RECEIPT_WAIT", 900))
LEAD = 6.0  # seconds between setting the deadline and the first submit (the web and worker are warm by then)
DATABASE_URL = os.environ.get("BENCH_SURGE_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/portal_perf_surge")
BROKER_URL = os.environ.get("BENCH_SURGE_BROKER_URL", "redis://127.0.0.1:6379/13")
SECRET_KEY = "bench-" + "k" * 60
PORT = int(os.environ.get("BENCH_SURGE_PORT", 18716))
CSRF = "S" * 32  # the cookie's secret; the header sends the same (Django accepts an unmasked 32-character token)
GOAL_RATE, GOAL_P95 = 60.0, 300.0
print = functools.partial(print, flush=True)  # noqa: A001 - each line as it is measured (the receipt wait is long)


def _admin(sql: str) -> None:
    from bench.lib.db import admin

    admin(DATABASE_URL, sql)


def server_env(media_root: str, static_root: str) -> dict:
    env = {
        **os.environ,
        "DATABASE_URL": DATABASE_URL,
        "CELERY_BROKER_URL": BROKER_URL,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "DJANGO_DEBUG": "0",
        "SECRET_KEY": SECRET_KEY,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
        "SECURE_HSTS_SECONDS": "0",
        "PORTAL_TRUSTED_PROXIES": "127.0.0.1",
        "STATIC_ROOT": static_root,
        "MEDIA_ROOT": media_root,
        "EMAIL_URL": "consolemail://",
        "LOG_LEVEL": "WARNING",
        "PORTAL_EMBEDDED_BEAT": "0",
        "GUNICORN_WORKERS": str(WORKERS),
        "GUNICORN_BIND": f"127.0.0.1:{PORT}",
        "GUNICORN_TIMEOUT": "600",
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DB_CONN_MAX_AGE": CONN_MAX_AGE,
    }
    return env


def setup_django(media_root: str) -> None:
    os.environ.update(
        DATABASE_URL=DATABASE_URL,
        SECRET_KEY=SECRET_KEY,
        MEDIA_ROOT=media_root,
        LOG_LEVEL="WARNING",
        DJANGO_SETTINGS_MODULE="config.settings",
        CELERY_TASK_ALWAYS_EAGER="true",
        EMAIL_URL="consolemail://",
    )
    os.environ.pop("CELERY_BROKER_URL", None)
    import django

    django.setup()
    from django.conf import settings

    settings.ALLOWED_HOSTS = ["*"]
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def session_cookies(owners) -> list[str]:
    from django.test import Client

    cookies = []
    for user in owners:
        client = Client()
        client.force_login(user)
        cookies.append(f"sessionid={client.cookies['sessionid'].value}; csrftoken={CSRF}")
    return cookies


def _backends(name: str) -> list[int]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()", [name])
        return [row[0] for row in cursor.fetchall()]


def flush_broker() -> None:
    import redis

    redis.Redis.from_url(BROKER_URL).flushdb()


def main() -> None:
    from bench.lib import drafts, load
    from bench.pages import stop, wait_until_up

    name = urllib.parse.urlparse(DATABASE_URL).path.lstrip("/")
    _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    _admin(f'CREATE DATABASE "{name}"')
    workdir = Path(tempfile.mkdtemp(prefix="portal-surge-"))
    media_root, static_root = str(workdir / "media"), str(workdir / "static")
    processes: list[subprocess.Popen] = []
    try:
        setup_django(media_root)
        from django.core.management import call_command
        from django.db import connection
        from django.urls import reverse
        from django.utils import translation

        from applications import deadline as deadline_rules
        from applications.models import Call, PlanVersion

        count = int(RATE * SECONDS)
        call_command("migrate", verbosity=0)
        started = time.perf_counter()
        far = dt.datetime.now(dt.UTC) + dt.timedelta(days=1)
        world = drafts.create(count, deadline=far, opens_at=far - dt.timedelta(days=30))
        cookies = session_cookies(world.owners)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        print(
            f"seeded {count} complete drafts of {len(world.owners)} organisations in {time.perf_counter() - started:.1f} s"
        )
        requests = []
        for pk, owner in world.plans:
            body = b""
            cookie = cookies[owner]
            requests.append(("POST", reverse("applications:submit", args=[pk]), cookie, body))
        connection.close()

        subprocess.run(
            [str(ROOT / ".venv/bin/python"), "manage.py", "collectstatic", "--noinput", "-v0"],
            cwd=ROOT,
            env=server_env(media_root, static_root),
            check=True,
        )
        flush_broker()
        env = server_env(media_root, static_root)
        web = subprocess.Popen(
            [
                str(ROOT / ".venv/bin/gunicorn"),
                "-c",
                "deploy/gunicorn.conf.py",
                "--chdir",
                str(ROOT),
                "config.wsgi:application",
            ],
            cwd=ROOT,
            env=env,
            stdout=(workdir / "web.log").open("w"),
            stderr=subprocess.STDOUT,
        )
        processes.append(web)
        worker = subprocess.Popen(
            [str(ROOT / ".venv/bin/celery"), "-A", "config", "worker", "-l", "warning", "-c", "2"],
            cwd=ROOT,
            env=env,
            stdout=(workdir / "worker.log").open("w"),
            stderr=subprocess.STDOUT,
        )
        processes.append(worker)
        wait_until_up(PORT, "/health/live/", web)
        # Warm every web worker (imports, first-request caches) with pages the owners see.
        load.burst(
            PORT, reverse("applications:mine"), cookie=cookies[0], concurrency=WORKERS, count=4 * WORKERS, seconds=0
        )

        start = time.time() + LEAD
        deadline_at = start + SECONDS - AFTER
        deadline_ms = int(deadline_at * 1000)
        deadline = dt.datetime.fromtimestamp(deadline_ms / 1000, dt.UTC)
        Call.objects.filter(pk=world.call.pk).update(deadline=deadline)
        with translation.override("ko"):
            refusal_marker = deadline_rules.deadline_passed_message(Call.objects.get(pk=world.call.pk))
        refusal_marker = refusal_marker.split("(KST)")[0].encode()  # up to the deadline it names
        connection.close()
        load_before = os.getloadavg()

        def request(path, cookie):
            def headers(sent):
                return {
                    "Cookie": cookie,
                    "X-CSRFToken": CSRF,
                    "Accept-Language": "ko",
                    "Content-Type": "application/x-www-form-urlencoded",
                    "X-Request-Start": f"t={sent:.3f}",
                }

            return ("POST", path, headers, b"")

        web_pids = procs.children(web.pid)
        web_cpu = {pid: procs.cpu_seconds(pid) for pid in web_pids}
        db_cpu = {pid: procs.cpu_seconds(pid) for pid in _backends(name)}
        worker_pids = [worker.pid, *procs.children(worker.pid)]
        worker_cpu = {pid: procs.cpu_seconds(pid) for pid in worker_pids}
        connection.close()
        own_cpu, machine = time.process_time(), procs.machine_ticks()
        results = load.offered(PORT, [request(p, c) for _m, p, c, _b in requests], rate=RATE, start=start)
        fired = time.time()
        late = sorted(t[0] * 1000 for t in load.offered.timings)
        writing = sorted(t[1] * 1000 for t in load.offered.timings)
        own_used = time.process_time() - own_cpu
        busy, idle, steal = (after - before for after, before in zip(procs.machine_ticks(), machine, strict=True))
        worker_used = sum(procs.cpu_seconds(pid) - worker_cpu[pid] for pid in worker_pids)
        web_used = sum(procs.cpu_seconds(pid) - web_cpu[pid] for pid in web_pids)
        backends_after = _backends(name)
        db_used = sum(procs.cpu_seconds(pid) - db_cpu.get(pid, 0.0) for pid in backends_after)
        # A backend that ended during the run (a web worker's connection older than CONN_MAX_AGE when its request
        # finished: the surge queued for longer than that) took its CPU with it: the database figure is then low.
        lost_backends = len(set(db_cpu) - set(backends_after))

        accepted, refused, other = [], [], []
        for sent, ms, status, body in results:
            arrival_ms = int(sent * 1000)  # what the portal reads from X-Request-Start (whole milliseconds)
            if status == 302:
                accepted.append((arrival_ms, ms, sent))
            elif status == 200 and refusal_marker in body:
                refused.append((arrival_ms, ms, sent))
            else:
                other.append((status, body[:200]))
        wrong_accepted = sum(1 for a, _ms, _s in accepted if a >= deadline_ms)
        wrong_refused = sum(1 for a, _ms, _s in refused if a < deadline_ms)
        stored_after = PlanVersion.objects.filter(submitted_at__gte=deadline).count()
        latencies = [ms for _s, ms, _st, _b in results]
        sent_times = [s for s, *_ in results]
        done_times = [s + ms / 1000 for _a, ms, s in accepted]
        span = max(done_times) - min(sent_times) if done_times else float("nan")
        # The rate the portal kept up with: the accepted submits over the time they were offered in (n sends at
        # 1/RATE apart take n/RATE seconds). Measured to the last answer instead, it includes that answer's
        # latency and stays below the offered rate even when every submit was accepted at once.
        offer_window = max(s for _a, _ms, s in accepted) - min(sent_times) + 1 / RATE if accepted else float("nan")
        print(
            f"offered {RATE:.0f}/s for {SECONDS:.0f} s ({len(results)} submits, sent over "
            f"{max(sent_times) - min(sent_times):.1f} s), deadline {SECONDS - AFTER:.0f} s in; "
            f"web workers {WORKERS}, Celery worker -c 2; load average before {load_before[0]:.1f}"
        )
        print(
            f"accepted {len(accepted)}, refused (deadline) {len(refused)}, other {len(other)}; "
            f"accepted/s {len(accepted) / offer_window:.1f} over the {offer_window:.1f} s they were offered in "
            f"({len(accepted) / span:.1f} from the first send to the last accepted answer, {span:.1f} s)"
        )
        print(
            f"submit latency p50 {load.p50(latencies):.0f} ms, p95 {load.percentile(latencies, 0.95):.0f} ms, "
            f"max {max(latencies):.0f} ms"
        )
        print(
            f"  of which the load generator's own: sends after their planned instant p50 {load.p50(late):.1f} ms, "
            f"p95 {load.percentile(late, 0.95):.1f} ms; connecting and writing the request p50 "
            f"{load.p50(writing):.1f} ms, p95 {load.percentile(writing, 0.95):.1f} ms"
        )
        print(
            f"wrong side: {wrong_accepted} accepted at/after the deadline, {wrong_refused} refused before it "
            f"(server-stored submissions at/after the deadline: {stored_after})"
        )
        per_submit = (web_used + db_used) / max(1, len(results))
        print(
            f"CPU per submit answered: web {web_used / max(1, len(results)) * 1000:.1f} ms + database "
            f"{db_used / max(1, len(results)) * 1000:.1f} ms (all backends of the database, the worker's included) "
            f"-> {CORES / per_submit:.0f} submits/s on {CORES} otherwise idle cores"
        )
        window = fired - start
        print(
            f"cores used from the first send to the last answer ({window:.1f} s; {CORES} cores): web "
            f"{web_used / window:.2f}, database {db_used / window:.2f}, Celery worker (receipts, nice "
            f"{os.environ.get('PORTAL_WORKER_NICE', 'default')}) {worker_used / window:.2f}, this load generator "
            f"{own_used / window:.2f} ({own_used / max(1, len(results)) * 1000:.1f} ms a request); the whole "
            f"machine busy {busy / max(1, busy + idle + steal):.0%}, idle {idle / max(1, busy + idle + steal):.0%}, "
            f"stolen by the host {steal / max(1, busy + idle + steal):.0%}"
        )
        if lost_backends:
            print(
                f"  (database CPU incomplete: {lost_backends} of the {len(db_cpu)} backends open before the run ended "
                f"during it, and any opened and closed within it, their CPU uncounted; a BENCH_SURGE_CONN_MAX_AGE "
                f"longer than the run keeps them)"
            )
        for status, body in other[:5]:
            print(f"  other answer: {status} {body!r}")

        # Receipt lag: until every accepted submission's receipt PDF exists.
        waited_from = time.time()
        pending = PlanVersion.objects.filter(receipt_pdf="")
        while pending.exists() and time.time() - waited_from < RECEIPT_WAIT:
            time.sleep(1)
        connection.close()
        last_receipt = time.time()
        stored = list(PlanVersion.objects.exclude(receipt_pdf="").values_list("submitted_at", "receipt_pdf"))
        lags = sorted(
            os.path.getmtime(os.path.join(media_root, path)) - submitted.timestamp() for submitted, path in stored
        )
        missing = PlanVersion.objects.count() - len(stored)
        print(
            f"receipts: {len(stored)} stored, {missing} missing; the last existed {last_receipt - deadline_at:.0f} s "
            f"after the deadline ({last_receipt - fired:.0f} s after the last submit was answered); per receipt lag "
            f"p50 {load.p50(lags):.0f} s, p95 {load.percentile(lags, 0.95):.0f} s, max {max(lags, default=0):.0f} s"
        )
        rate = round(len(accepted) / offer_window, 1)
        p95 = load.percentile(latencies, 0.95)
        verdict = (
            rate >= GOAL_RATE
            and p95 < GOAL_P95
            and not (wrong_accepted or wrong_refused or stored_after or missing or other)
        )
        print(
            f"goal (>= {GOAL_RATE:.0f}/s accepted, p95 < {GOAL_P95:.0f} ms, 0 wrong side, every receipt): "
            + ("meets" if verdict else "MISSES")
        )
        goals.goal(
            "surge: deadline submits",
            f"{rate:.1f} accepted/s of {RATE:.0f}/s offered, p95 {p95:.0f} ms, "
            f"{wrong_accepted + wrong_refused + stored_after} on the wrong side, {missing} receipts "
            f"missing (last {last_receipt - deadline_at:.0f} s after the deadline), {len(other)} other answers",
            f">= {GOAL_RATE:.0f}/s, p95 < {GOAL_P95:.0f} ms, 0 wrong side, every receipt",
            verdict,
        )
    finally:
        for process in reversed(processes):
            stop(process)
        if os.environ.get("BENCH_KEEP_DB") != "1":
            try:
                from django.db import connections

                connections.close_all()
            except Exception:  # noqa: BLE001, S110 - Django may not be set up yet
                pass
            _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    main()
