"""The fixed cost every portal request pays, in-process (issue 12): CPU ms and statements per request.

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_x .venv/bin/python bench/overhead.py [N]
    .venv/bin/python bench/overhead.py 200 --profile staff     # also print the top of a cProfile of one role

Times N GETs of the public designations page with the Django test client, anonymous and signed in as an
applicant and as (second-factor verified) staff, under the settings the bench runs gunicorn with (DEBUG off,
so the cached template loader), and the floor app (bench/floor/app.py) the same way in a child process.
CPU time (process_time), not wall time, the fastest of five batches: the machine is shared. The database is migrated and seeded once
(a small world, kept: BENCH_DATABASE_URL, default portal_overhead_bench, is the script's own).
"""

from __future__ import annotations

import cProfile
import io
import os
import pstats
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/portal_overhead_bench")
SECRET_KEY = "bench-" + "k" * 60
STATIC_ROOT = os.environ.get("BENCH_STATIC_ROOT", "/tmp/portal-overhead-static")  # collected once, kept


def _measure(client, path: str, n: int, profile: bool):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(5):  # warm: first-request caches, template loading
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code, response.get("Location"))
    with CaptureQueriesContext(connection) as captured:
        client.get(path)
    statements = [q["sql"] for q in captured.captured_queries]
    profiler = cProfile.Profile() if profile else None
    # Five batches; the fastest is reported: on a shared machine the others measure the neighbours too.
    batches = []
    for _ in range(5):
        started = time.process_time()
        if profiler:
            profiler.enable()
        for _ in range(max(1, n // 5)):
            client.get(path)
        if profiler:
            profiler.disable()
        batches.append((time.process_time() - started) * 1000 / max(1, n // 5))
    cpu_ms = min(batches)
    return cpu_ms, statements, profiler


def _report(label, cpu_ms, statements, profiler, verbose):
    print(f"{label:<22} {cpu_ms:7.2f} CPU ms/request (min of 5 batches)  {len(statements):2d} statements")
    if verbose:
        for sql in statements:
            print("    ", sql[: int(os.environ.get("BENCH_SQL_WIDTH", 160))])
    if profiler:
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats(os.environ.get("BENCH_SORT", "cumulative")).print_stats(
            int(os.environ.get("BENCH_TOP", 45))
        )
        print(out.getvalue())


def floor(n: int, profile: bool, verbose: bool) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.floor.app"
    os.environ["DATABASE_URL"] = DATABASE_URL
    import django

    django.setup()
    from django.test import Client

    _report("floor", *_measure(Client(), "/", n, profile), verbose)


def portal(n: int, profile_role: str | None, verbose: bool) -> None:
    os.environ.update(DATABASE_URL=DATABASE_URL, SECRET_KEY=SECRET_KEY, DJANGO_DEBUG="0", LOG_LEVEL="WARNING")
    os.environ["STATIC_ROOT"] = STATIC_ROOT
    for name in ("SECURE_SSL_REDIRECT", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SECURE_HSTS_SECONDS"):
        os.environ[name] = "0"  # as bench/pages.py runs gunicorn
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "true"
    os.environ.pop("CELERY_BROKER_URL", None)
    import django

    django.setup()
    from django.conf import settings

    settings.ALLOWED_HOSTS = ["*"]
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    from django.core.management import call_command
    from django.test import Client
    from django.urls import reverse

    from accounts.models import User

    call_command("migrate", verbosity=0)
    if not Path(STATIC_ROOT, "staticfiles.json").exists():
        call_command("collectstatic", interactive=False, verbosity=0)
    if not User.objects.filter(email="staff@bench.kr").exists():
        from bench.lib import seed

        world = seed.create_world()
        seed.add_plans(world, 1)
    from tests.fixtures import pass_second_factor

    path = reverse("committee:designations")
    for role in ("anonymous", "applicant", "staff"):
        client = Client()
        if role != "anonymous":
            user = User.objects.get(email=f"{role}@bench.kr")
            client.force_login(user)
            if role == "staff":
                pass_second_factor(client, user)
        _report(f"designations {role}", *_measure(client, path, n, profile_role == role), verbose)


def main() -> None:
    args = sys.argv[1:]
    n = int(args[0]) if args and args[0].isdigit() else 200
    profile = args[args.index("--profile") + 1] if "--profile" in args else None
    verbose = "-v" in args
    if "--floor" in args:
        floor(n, profile is not None, verbose)
        return
    from bench.lib.db import admin

    try:
        admin(DATABASE_URL, f"CREATE DATABASE {DATABASE_URL.rsplit('/', 1)[1]}")
    except Exception as error:  # noqa: BLE001 - it exists already
        if "already exists" not in str(error):
            raise
    extra = [a for a in args if a in ("-v",)] + (["--profile", "floor"] if profile == "floor" else [])
    portal(n, profile, verbose)  # migrates and seeds first: the floor reads applications_field
    sys.stdout.flush()
    subprocess.run([sys.executable, __file__, str(n), "--floor", *extra], check=True)


if __name__ == "__main__":
    main()
