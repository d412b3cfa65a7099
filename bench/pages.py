"""Every listed page at scale, as a ratio to a bare-Django floor measured in the same run (issue 12).

    make bench                       # 2,000 plans x 7 reviews, c=16
    BENCH_PLANS=200 BENCH_ROUNDS=2 .venv/bin/python bench/pages.py   # a quicker look

Creates its own database (BENCH_DATABASE_URL, default portal_perf_bench on the local PostgreSQL), migrates,
seeds 1 plan (and 1 announced designation) and counts each page's queries in-process, seeds up to BENCH_PLANS
(and 61 designations, as the issue measured) with bulk inserts and runs ANALYZE, counts again, then starts the
portal (deploy/gunicorn.conf.py, DEBUG off, 2 workers) and the floor app (bench/floor/app.py: one query, a small
template) under the same gunicorn settings. For each page it alternates
a burst against the page and a burst against the floor (BENCH_ROUNDS times, c=BENCH_CONCURRENCY), so both see
the same machine; the table gives p50/p95 of each, the p95 ratio, and the gunicorn workers' CPU per request of
the page and of the floor (read from /proc during the bursts; the database's is not in it). After the table, in
process, where each page's CPU goes (`decompose`: frame, reads, template) and the least Django itself would spend
on what the page shows (its template values, model instances and queries at Django's unit costs measured in the
same run). The database is dropped at the end.
Knobs: BENCH_CONN_MAX_AGE (both apps' database connections, default 0: a new one a request), BENCH_PLANS,
BENCH_ROUNDS, BENCH_CONCURRENCY, BENCH_SECONDS (time budget of one burst), BENCH_PAGES (comma-separated labels),
BENCH_KEEP_DB=1, BENCH_SEED_ONLY=1 (seed, keep the database, measure nothing), BENCH_PROFILE=<part of a label>
(no servers: where each page's CPU goes in process, as the full run prints it after its table, and a cProfile of
the pages whose label contains it; "all" for the CPU figures alone).
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.lib import goals  # noqa: E402 - after the path above

GOAL = 2.0  # c=16 p95 <= 2x the floor's


def env_int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


PLANS = env_int("BENCH_PLANS", 2000)
ROUNDS = env_int("BENCH_ROUNDS", 3)
CONCURRENCY = env_int("BENCH_CONCURRENCY", 16)
SECONDS = float(os.environ.get("BENCH_SECONDS", 8))
DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/portal_perf_bench")
SECRET_KEY = "bench-" + "k" * 60  # the same in this process and in gunicorn: sessions are signed with it
PORTAL_PORT = env_int("BENCH_PORTAL_PORT", 18714)
FLOOR_PORT = env_int("BENCH_FLOOR_PORT", 18715)
# Database connections of the portal and of the floor, the same for both: by default Django's (a new connection,
# and a new PostgreSQL backend, for every request), as every earlier run of this table; BENCH_CONN_MAX_AGE=60 keeps
# them as docker-compose.yml deploys the portal. With kept connections the floor costs ~1.4 ms of the machine's
# CPU a request instead of ~7 (no backend to start), so every ratio is larger.
CONN_MAX_AGE = os.environ.get("BENCH_CONN_MAX_AGE", "0")


def _admin(sql: str) -> None:
    from bench.lib.db import admin

    admin(DATABASE_URL, sql)


def _db_name() -> str:
    return urllib.parse.urlparse(DATABASE_URL).path.lstrip("/")


def setup_django():
    os.environ["DATABASE_URL"] = DATABASE_URL
    os.environ["SECRET_KEY"] = SECRET_KEY
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "true"
    os.environ.pop("CELERY_BROKER_URL", None)
    import django

    django.setup()
    from django.conf import settings

    settings.ALLOWED_HOSTS = ["*"]
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def sessions(world) -> dict[str, str]:
    """A Cookie header per role (staff have passed the second factor)."""
    from django.test import Client

    from tests.fixtures import pass_second_factor

    cookies = {"anonymous": ""}
    for role, user in (("staff", world.staff), ("evaluator", world.evaluator), ("applicant", world.applicant)):
        client = Client()
        client.force_login(user)
        if role == "staff":
            pass_second_factor(client, user)
        cookies[role] = f"sessionid={client.cookies['sessionid'].value}"
    return cookies


def pages(world) -> list[tuple[str, str, str]]:
    from django.urls import reverse

    from bench.lib import seed

    return [
        ("call ranking (staff)", reverse("reviews:staff_ranking", args=[world.call.slug, "advisory"]), "staff"),
        ("panel dashboard (staff)", reverse("reviews:staff_dashboard", args=[world.panels[0].pk]), "staff"),
        ("my reviews (evaluator)", reverse("reviews:mine"), "evaluator"),
        ("applications list (staff)", reverse("applications:staff_applications"), "staff"),
        ("my plans (applicant)", reverse("applications:mine"), "applicant"),
        ("call page (public)", reverse("applications:call", args=[world.call.slug]), "anonymous"),
        (f"designations (public; {seed.DESIGNATED} rows)", reverse("committee:designations"), "anonymous"),
    ]


def _client(cookie: str):
    """A test client carrying one Cookie header of `sessions()` ("" for anonymous)."""
    from django.test import Client

    client = Client()
    if cookie:
        name, value = cookie.split("=", 1)
        client.cookies[name] = value
    return client


def query_count(path: str, cookie: str) -> int:
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    client = _client(cookie)
    client.get(path)  # warm (first-request caches), then count
    reset_queries()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    if response.status_code != 200:
        raise SystemExit(f"{path}: status {response.status_code} in-process")
    return len(captured.captured_queries)


def start_gunicorn(app: str, port: int, static_root: str, log: Path) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": DATABASE_URL,
        "DJANGO_DEBUG": "0",
        "SECRET_KEY": SECRET_KEY,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
        "SECURE_HSTS_SECONDS": "0",
        "STATIC_ROOT": static_root,
        "CELERY_TASK_ALWAYS_EAGER": "true",
        "LOG_LEVEL": "WARNING",
        "GUNICORN_WORKERS": "2",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_TIMEOUT": "600",  # the slowest page of a "before" run must be measured, not killed
        "DB_CONN_MAX_AGE": CONN_MAX_AGE,  # both apps alike
    }
    env.pop("CELERY_BROKER_URL", None)
    if app.startswith("bench."):
        env["DJANGO_SETTINGS_MODULE"] = "bench.floor.app"
    else:
        env["DJANGO_SETTINGS_MODULE"] = "config.settings"
    command = [str(ROOT / ".venv/bin/gunicorn"), "-c", "deploy/gunicorn.conf.py", "--chdir", str(ROOT), app]
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT)


def wait_until_up(port: int, path: str, process: subprocess.Popen) -> None:
    import http.client

    for _ in range(300):
        if process.poll() is not None:
            raise SystemExit(f"gunicorn on {port} exited with {process.returncode}")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", path)
            connection.getresponse().read()
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"gunicorn on {port} did not answer")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def main() -> None:
    from bench.lib import load, seed

    selected = {s.strip() for s in os.environ.get("BENCH_PAGES", "").split(",") if s.strip()}
    name = _db_name()
    _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    _admin(f'CREATE DATABASE "{name}"')
    servers: list[subprocess.Popen] = []
    try:
        setup_django()
        from django.core.management import call_command
        from django.db import connection

        started = time.perf_counter()
        call_command("migrate", verbosity=0)
        world = seed.create_world()
        seed.add_designations(world, 1)
        seed.add_plans(world, 1)
        seed.analyze()
        cookies = sessions(world)
        table = [p for p in pages(world) if not selected or p[0] in selected]
        at_one = {label: query_count(path, cookies[role]) for label, path, role in table}
        seeded = time.perf_counter()
        seed.add_plans(world, PLANS - 1)
        seed.add_designations(world, seed.DESIGNATED - 1)
        seed.analyze()
        print(
            f"seeded {PLANS} plans x {seed.REVIEWS_PER_PLAN} reviews x {len(world.criteria)} scores and "
            f"{world.designated} announced designations in {time.perf_counter() - seeded:.1f} s (migrate and world {seeded - started:.1f} s), ANALYZE done"
        )
        if os.environ.get("BENCH_SEED_ONLY") == "1":
            print(f"seeded database {name} kept (BENCH_SEED_ONLY=1); drop it yourself")
            return
        at_n = {label: query_count(path, cookies[role]) for label, path, role in table}
        if os.environ.get("BENCH_PROFILE"):
            profile_pages(table, cookies, os.environ["BENCH_PROFILE"])
            return
        connection.close()

        workdir = Path(tempfile.mkdtemp(prefix="portal-bench-"))
        static_root = str(workdir / "static")
        subprocess.run(
            [str(ROOT / ".venv/bin/python"), "manage.py", "collectstatic", "--noinput", "-v0"],
            cwd=ROOT,
            env={**os.environ, "DJANGO_DEBUG": "0", "SECRET_KEY": SECRET_KEY, "STATIC_ROOT": static_root},
            check=True,
        )
        portal = start_gunicorn("config.wsgi:application", PORTAL_PORT, static_root, workdir / "portal.log")
        servers.append(portal)
        floor = start_gunicorn("bench.floor.app:application", FLOOR_PORT, static_root, workdir / "floor.log")
        servers.append(floor)
        _MASTERS.update({PORTAL_PORT: portal.pid, FLOOR_PORT: floor.pid})
        wait_until_up(PORTAL_PORT, "/health/live/", portal)
        wait_until_up(FLOOR_PORT, "/", floor)

        print(f"c={CONCURRENCY}, {ROUNDS} rounds of (page burst, floor burst), <= {SECONDS:.0f} s a burst")
        # The reference for a page of rows (bench/floor/app.py, /rows/): bare Django showing 50 plans.
        rows_times, rows_floor, rows_errors, _cpu = _interleaved(FLOOR_PORT, "/rows/", "")
        rows_ratio = load.percentile(rows_times, 0.95) / load.percentile(rows_floor, 0.95)
        print(
            f"reference: bare Django, 50 plans x 4 tables in one query, a 6-column table: p95 "
            f"{load.percentile(rows_times, 0.95):.0f} ms = {rows_ratio:.1f}x the floor's "
            f"{load.percentile(rows_floor, 0.95):.0f} ms{f', {len(rows_errors)} errors' if rows_errors else ''}"
        )
        goals.goal(
            "page reference: bare Django, 50 rows",
            f"c={CONCURRENCY} p95 {rows_ratio:.1f}x the floor (the least a 50-row Django page costs here)",
            "(no target: the yardstick for the row pages)",
            None,
        )
        header = (
            f"{'page':<30} {'q@1':>4} {f'q@{PLANS}':>6} {'KB':>6} {'p50 ms':>8} {'p95 ms':>8} "
            f"{'floor p50':>9} {'floor p95':>9} {'ratio':>7} {'÷ref':>5} {'web CPU':>12} {'err':>4}  goal"
        )
        print(header)
        print("-" * len(header))
        measured = {}  # label -> (web CPU ms a request under gunicorn, p95 ratio)
        for label, path, role in table:
            cookie = cookies[role]
            size = _size(PORTAL_PORT, path, cookie)
            page_times, floor_times, errors, (page_cpu, floor_cpu) = _interleaved(PORTAL_PORT, path, cookie)
            page95, floor95 = load.percentile(page_times, 0.95), load.percentile(floor_times, 0.95)
            ratio = page95 / floor95
            measured[label] = (page_cpu, ratio)
            web = f"{page_cpu:.1f}/{floor_cpu:.1f} ms"
            print(
                f"{label:<30} {at_one[label]:>4} {at_n[label]:>6} {size / 1024:>6.0f} {load.p50(page_times):>8.0f} "
                f"{page95:>8.0f} {load.p50(floor_times):>9.0f} {floor95:>9.0f} {ratio:>6.1f}x {ratio / rows_ratio:>4.1f}x "
                f"{web:>12} {len(errors):>4}  {'meets' if ratio <= GOAL else 'MISSES'} (n={len(page_times)})",
                flush=True,
            )
            goals.goal(
                f"page: {label}",
                f"c={CONCURRENCY} p95 {page95:.0f} ms = {ratio:.1f}x the floor's {floor95:.0f} ms"
                f" ({ratio / rows_ratio:.1f}x the 50-row reference; web CPU {web} a request)"
                + (f", {len(errors)} errors" if errors else ""),
                f"<= {GOAL:.0f}x, no errors",
                ratio <= GOAL and not errors,
            )
        _cpu_at_goal(list(measured.values()))
        print("where each page's CPU goes, and the least Django could spend on what it shows:")
        decompose(table, cookies, {label: cpu for label, (cpu, _ratio) in measured.items()})
        measure_exports(world)
    finally:
        for process in servers:
            stop(process)
        if os.environ.get("BENCH_KEEP_DB") != "1" and os.environ.get("BENCH_SEED_ONLY") != "1":
            try:
                from django.db import connections

                connections.close_all()
            except Exception:  # noqa: BLE001, S110 - Django may not be set up yet
                pass
            _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


_MASTERS: dict[int, int] = {}  # port -> gunicorn master pid


def _workers_cpu(port: int) -> dict[int, float]:
    from bench.lib import procs

    return {pid: procs.cpu_seconds(pid) for pid in procs.children(_MASTERS[port])}


def _cpu_spent(before: dict[int, float], after: dict[int, float]) -> float:
    """The workers' CPU seconds between two readings: a worker started meanwhile counts whole; one recycled
    meanwhile (max_requests) loses what it spent since the first reading."""
    return sum(cpu - before.get(pid, 0.0) for pid, cpu in after.items())


def _interleaved(port: int, path: str, cookie: str):
    """BENCH_ROUNDS rounds of (a burst against `path` on `port`, a burst against the floor): the latencies of
    each, the answers that were not 200, and (page, floor) CPU ms of the gunicorn workers per answered request
    (the web's own cost, steadier than a p95 of ~200 samples; the database's CPU is not in it)."""
    from bench.lib import load

    load.burst(port, path, cookie=cookie, concurrency=2, count=2, seconds=0)  # warm both workers of each
    load.burst(FLOOR_PORT, "/", concurrency=2, count=4, seconds=0)
    page_times, floor_times, errors = [], [], []
    page_cpu = floor_cpu = 0.0
    for _ in range(ROUNDS):
        before = _workers_cpu(port)
        times, errs = load.burst(
            port, path, cookie=cookie, concurrency=CONCURRENCY, count=4 * CONCURRENCY, seconds=SECONDS
        )
        page_cpu += _cpu_spent(before, _workers_cpu(port))
        page_times += times
        errors += errs
        before = _workers_cpu(FLOOR_PORT)
        times, errs = load.burst(FLOOR_PORT, "/", concurrency=CONCURRENCY, count=4 * CONCURRENCY, seconds=SECONDS)
        floor_cpu += _cpu_spent(before, _workers_cpu(FLOOR_PORT))
        floor_times += times
        errors += errs
    per_request = (1000 * page_cpu / max(len(page_times), 1), 1000 * floor_cpu / max(len(floor_times), 1))
    return page_times, floor_times, errors, per_request


def _cpu_at_goal(measured: list[tuple[float, float]]) -> None:
    """The p95 ratio against the web CPU a request, fitted over the pages of this run (least squares): how much
    CPU a page may spend here and still be at the goal's ratio."""
    import statistics

    if len(measured) < 3:
        return
    cpus, ratios = zip(*measured, strict=True)
    slope, intercept = statistics.linear_regression(cpus, ratios)
    print(
        f"p95 ratio = {intercept:.2f} + {slope:.3f} x web CPU ms over these {len(measured)} pages (r = "
        f"{statistics.correlation(cpus, ratios):.2f}): at {GOAL:.0f}x a page spends about "
        f"{(GOAL - intercept) / slope:.1f} ms of web CPU a request (these pages spent {min(cpus):.1f}-"
        f"{max(cpus):.1f} ms)"
        if slope > 0
        else "p95 ratio does not rise with web CPU in this run"
    )


def profile_pages(table, cookies, wanted: str) -> None:
    """In process, DEBUG off: where each page's CPU goes (`decompose`), then a cProfile (CPU time) of the pages
    whose label contains `wanted` ("all" for none), by cumulative and by own time."""
    import cProfile
    import pstats

    decompose(table, cookies)
    for label, path, role in table:
        client = _client(cookies[role])
        client.get(path)
        if wanted != "all" and wanted in label:
            profiler = cProfile.Profile(time.process_time)
            profiler.enable()
            _cpu_batch(client, path, 20)
            profiler.disable()
            stats = pstats.Stats(profiler)
            stats.sort_stats("cumulative").print_stats(60)
            stats.sort_stats("tottime").print_stats(30)


def decompose(table, cookies, web: dict[str, float] | None = None) -> None:
    """In process, DEBUG off: each page's CPU a request (best of 3 batches of 10) split into the middleware frame,
    the view's reads and work, and its template; what it renders and reads (template values, model instances,
    queries); and what that content costs at Django's own unit costs measured here (`_django_rates`): the least
    any Django page showing it could cost. `÷ref` is that least cost over the 50-row reference's view (its query
    and template, bench/floor/app.py /rows/), `page÷least` the page's view over it: what the portal adds to
    Django for this content (the frame's lazily read session and user fall in its data or template). `bound` is a
    stricter least: the page's frame, its template values and one query, as if written in raw SQL with no model
    instance. `web`: each page's web CPU a request under gunicorn, measured before, printed beside (what serving
    it over HTTP adds)."""
    from django.conf import settings

    settings.DEBUG = False
    rates = _django_rates()
    print(
        f"in process: the floor's view {rates['floor'] * 1e3:.2f} ms CPU, the 50-row reference's "
        f"{rates['reference'] * 1e3:.2f} ms (each its query and template, bench/floor/app.py); Django's unit "
        f"costs: a template value {rates['value'] * 1e6:.1f} us (the 50-row reference's texts, no filter), an ORM "
        f"read of one row {rates['query'] * 1e3:.2f} ms, each further model instance {rates['instance'] * 1e6:.1f} us "
        "(the reference's 50 plans through the ORM, 4 tables)"
    )
    header = (
        f"{'page (CPU ms a request)':<30} {'web':>5} {'total':>6} {'frame':>6} {'data':>6} {'templ.':>6} {'values':>6} "
        f"{'objects':>7} {'queries':>7} {'least':>6} {'÷ref':>5} {'page÷least':>10} {'bound':>6}"
    )
    print(header)
    print("-" * len(header))
    for label, path, role in table:
        best = min((_cpu_parts(cookies[role], path, 10) for _ in range(3)), key=lambda parts: parts[0])
        total, view, template = (1000 * part for part in best)
        values, objects, queries = _content(_client(cookies[role]), path)
        least = 1000 * (
            values * rates["value"] + queries * rates["query"] + max(objects - queries, 0) * rates["instance"]
        )
        bound = total - view + 1000 * (values * rates["value"] + rates["query"])
        served = f"{web[label]:.1f}" if web and label in web else "—"
        print(
            f"{label:<30} {served:>5} {total:6.1f} {total - view:6.1f} {view - template:6.1f} {template:6.1f} "
            f"{values:>6} {objects:>7} {queries:>7} {least:6.1f} {least / (1000 * rates['reference']):>4.1f}x "
            f"{view / least:>9.1f}x {bound:6.1f}",
            flush=True,
        )


def _cpu_parts(cookie: str, path: str, n: int) -> tuple[float, float, float]:
    """CPU seconds a request: in all, in the view (what the middleware frame does not spend: the page's reads and
    its template), and in its outermost template render."""
    from django.core.handlers.base import BaseHandler
    from django.template.backends.django import Template

    spent = {"view": 0.0, "template": 0.0}
    originals = {"view": BaseHandler._get_response, "template": Template.render}
    depth = {"template": 0}

    def timed_view(self, request):
        started = time.process_time()
        try:
            return originals["view"](self, request)
        finally:
            spent["view"] += time.process_time() - started

    def timed_template(self, *args, **kwargs):
        depth["template"] += 1
        started = time.process_time()
        try:
            return originals["template"](self, *args, **kwargs)
        finally:
            depth["template"] -= 1
            if depth["template"] == 0:
                spent["template"] += time.process_time() - started

    BaseHandler._get_response, Template.render = timed_view, timed_template
    try:
        client = _client(cookie)  # its handler binds the timed view when it loads the middleware
        client.get(path)
        spent.update(view=0.0, template=0.0)
        total = _cpu_batch(client, path, n)
    finally:
        BaseHandler._get_response, Template.render = originals["view"], originals["template"]
    return total, spent["view"] / n, spent["template"] / n


@contextlib.contextmanager
def _counting():
    """Counts, while open, the template values written ({{ }}) and the model instances built."""
    from django.db.models import Model
    from django.template.base import VariableNode

    counts = {"values": 0, "objects": 0}
    render, from_db = VariableNode.render, Model.from_db.__func__

    def counted_render(self, context):
        counts["values"] += 1
        return render(self, context)

    def counted_from_db(cls, *args, **kwargs):
        counts["objects"] += 1
        return from_db(cls, *args, **kwargs)

    VariableNode.render, Model.from_db = counted_render, classmethod(counted_from_db)
    try:
        yield counts
    finally:
        VariableNode.render, Model.from_db = render, classmethod(from_db)


def _content(client, path: str) -> tuple[int, int, int]:
    """What one request of the page renders and reads: template values written, model instances built, queries."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with _counting() as counts, CaptureQueriesContext(connection) as captured:
        client.get(path)
    return counts["values"], counts["objects"], len(captured.captured_queries)


def _django_rates() -> dict[str, float]:
    """CPU seconds Django itself takes here, in process, to write one template value (the rows of the bare-Django
    50-row reference, bench/floor/app.py, each text in a cell with no filter), to read one row through
    the ORM (a plan by its key), and for each further model instance of a read (that reference's 50 plans with
    their organisation, field and call, 200 instances in one query): the yardsticks of `decompose`."""
    from django.db import connection
    from django.template import Context, Engine

    from applications.models import Application
    from bench.floor.app import FLOOR_SQL, ROWS_SQL

    def best(function, n: int = 20) -> float:
        function()
        timings = []
        for _ in range(5):
            started = time.process_time()
            for _ in range(n):
                function()
            timings.append((time.process_time() - started) / n)
        return min(timings)

    with connection.cursor() as cursor:
        cursor.execute(ROWS_SQL)
        rows = cursor.fetchall()
    # The reference's rows, each text written plainly in its own cell (no filter, no inner loop, which would add
    # half again): the least a template value costs. The time column is left out: Django localises a datetime
    # value for ~30 us, ten times a text (the portal's pages write times their presenters formatted, as texts).
    rows = [row[:-1] for row in rows]
    cells = "".join(f"<td>{{{{ {name} }}}}</td>" for name in "abcdef")
    template = Engine().from_string(
        f"<table>{{% for a, b, c, d, e, f in rows %}}<tr>{cells}</tr>{{% endfor %}}</table>"
    )
    with _counting() as counts:
        template.render(Context({"rows": rows}))
    per_value = best(lambda: template.render(Context({"rows": rows}))) / counts["values"]
    floor_engine = Engine(dirs=[str(ROOT / "bench/floor/templates")])

    def work(sql: str, name: str):
        """What the floor app's view does (bench/floor/app.py): one query, its template."""
        template = floor_engine.get_template(name)

        def view():
            with connection.cursor() as cursor:
                cursor.execute(sql)
                template.render(Context({"rows": cursor.fetchall()}))

        return view

    first = Application.objects.order_by("pk").values_list("pk", flat=True).first()
    one = best(lambda: Application.objects.filter(pk=first).first())
    plans = Application.objects.select_related("organization", "field", "call").order_by("-updated_at", "-pk")
    fifty = best(lambda: list(plans[:50]))
    return {
        "floor": best(work(FLOOR_SQL, "floor.html")),
        "reference": best(work(ROWS_SQL, "rows.html")),
        "value": per_value,
        "query": one,
        "instance": (fifty - one) / (4 * 50 - 1),
    }


def _cpu_batch(client, path: str, n: int) -> float:
    started = time.process_time()
    for _ in range(n):
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
    return (time.process_time() - started) / n


def measure_exports(world) -> None:
    """The score sheet of the first panel, in a fresh process (so its peak memory is its own)."""
    from django.db import connection

    connection.close()
    env = {**os.environ, "BENCH_EXPORT_PANEL": str(world.panels[0].pk)}
    subprocess.run([sys.executable, __file__], env=env, check=True)


def _peak_rss_mb() -> float:
    """This process's peak resident memory (VmHWM: unlike ru_maxrss it is not inherited across exec)."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def export_only(panel_pk: int) -> None:
    """The score sheet built as the export task builds it (core/export_jobs.py: claim, rows with progress saved,
    the workbook written to a temporary file, stored under MEDIA), in this fresh process."""
    setup_django()
    from django.conf import settings
    from django.utils import timezone

    from core import export_jobs
    from core.models import ExportJob
    from reviews.exports import SCORE_SHEET
    from reviews.models import Panel

    settings.MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="portal-bench-media-"))
    panel = Panel.objects.get(pk=panel_pk)
    staff = panel.created_by
    plans = panel.plans().count()
    now = timezone.now()
    job = ExportJob.objects.create(  # as export_jobs.start makes it, without queueing it (the build is measured)
        owner=staff,
        builder=SCORE_SHEET,
        params={"panel": panel.pk},
        language="ko",
        filename="bench.xlsx",
        expires_at=now + export_jobs.lifetime(),
    )
    import openpyxl  # noqa: F401 - imported before the baseline, as in a warm worker

    before = _peak_rss_mb()
    started, cpu = time.perf_counter(), time.process_time()
    outcome = export_jobs.build(job.pk)
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    grown = _peak_rss_mb() - before
    job.refresh_from_db()
    size = job.file.size if job.file else 0
    print(
        f"score sheet XLSX, panel of {plans} plans, {job.rows_done} rows ({outcome}): {wall:.2f} s wall, "
        f"{cpu:.2f} s CPU, peak RSS +{grown:.1f} MB, {size / 1024:.0f} KB (the export task's code, one process)",
        flush=True,
    )
    goals.goal(
        "export: score sheet XLSX",
        f"{job.rows_done} rows in {wall:.2f} s, peak RSS +{grown:.1f} MB ({outcome})",
        "runs in Celery with progress, streamed to a file (no figure)",
        None,
    )
    job.file.delete(save=False)
    ExportJob.objects.filter(pk=job.pk).delete()


def _size(port: int, path: str, cookie: str) -> int:
    import http.client

    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=900)
    connection.request("GET", path, headers={"Cookie": cookie} if cookie else {})
    response = connection.getresponse()
    body = response.read()
    if response.status != 200:
        raise SystemExit(f"{path}: status {response.status} from gunicorn ({response.getheader('Location')})")
    return len(body)


if __name__ == "__main__":
    if os.environ.get("BENCH_EXPORT_PANEL"):
        export_only(int(os.environ["BENCH_EXPORT_PANEL"]))
    else:
        main()
