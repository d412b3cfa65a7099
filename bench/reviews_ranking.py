"""Time the review ranking query and the panel dashboard with N plans x 7 submitted reviews.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench .venv/bin/python bench/reviews_ranking.py --plans 50

Runs against a scratch database created (and dropped afterwards) by Django's test-database machinery, named
after DATABASE_URL's with a "test_" prefix; the database named in DATABASE_URL itself is never touched.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "true")


def _timed(function, runs: int) -> list[float]:
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        timings.append((time.perf_counter() - start) * 1000)
    return timings


def _line(label: str, timings: list[float], queries: int) -> str:
    return (
        f"{label:<28} median {statistics.median(timings):8.2f} ms   min {min(timings):8.2f} ms   "
        f"max {max(timings):8.2f} ms   queries {queries}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plans", type=int, default=50)
    parser.add_argument("--reviews", type=int, default=7)
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment, teardown_test_environment
    from django.urls import reverse

    setup_test_environment()
    settings.ALLOWED_HOSTS = ["*"]
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        from accounts import roles
        from reviews.selectors import ranking
        from tests.factories import (
            CallFactory,
            ExpertFactory,
            UserFactory,
            bulk_plans,
            make_panel,
            make_rubric,
            seed_submitted_reviews,
        )

        started = time.perf_counter()
        call = CallFactory()
        rubric = make_rubric(call)
        experts = ExpertFactory.create_batch(args.reviews)
        panel = make_panel(call, members=experts, reviewers_per_plan=args.reviews)
        for index, plan in enumerate(bulk_plans(call, args.plans)):
            totals = [40 + (index * 7 + r * 3) % 60 + (r % 2) / 2 for r in range(args.reviews)]
            seed_submitted_reviews(panel, plan, experts, totals)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")  # bulk-loaded rows: without statistics the planner guesses
        seeded = time.perf_counter() - started
        print(f"seeded {args.plans} plans x {args.reviews} reviews in {seeded:.2f} s ({connection.vendor})")

        def rank():
            return list(ranking(rubric, panel.field))

        client = Client()
        client.force_login(UserFactory(roles=[roles.MINISTRY_STAFF]))
        url = reverse("reviews:staff_dashboard", args=[panel.pk])

        def dashboard():
            response = client.get(url)
            assert response.status_code == 200, response.status_code

        for label, function in (("ranking query", rank), ("dashboard (full request)", dashboard)):
            function()  # warm up (templates, connections)
            reset_queries()  # a request clears the query log on start; begin from an empty one
            with CaptureQueriesContext(connection) as captured:
                function()
            print(_line(label, _timed(function, args.runs), len(captured.captured_queries)))
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()


if __name__ == "__main__":
    main()
