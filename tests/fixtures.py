"""Shared fixtures: users per role, a real Celery worker, and a Chromium page with an axe-core check."""

import json

import pytest

from accounts import roles
from accounts.models import Membership
from config.celery import app as celery_app

from . import services
from .factories import MembershipFactory, OrganizationFactory, UserFactory


@pytest.fixture
def applicant(db):
    """An owner of an approved metropolitan government."""
    return MembershipFactory(role=Membership.Role.OWNER).user


@pytest.fixture
def other_applicant(db):
    return MembershipFactory(role=Membership.Role.OWNER).user


@pytest.fixture
def ministry_staff(db):
    return UserFactory(roles=[roles.MINISTRY_STAFF])


@pytest.fixture
def pending_organization(db):
    org = OrganizationFactory(status="pending", kind="company", business_number="617-86-00006")
    MembershipFactory(organization=org, role=Membership.Role.OWNER)
    return org


def _drop_broker_connections():
    celery_app.close()
    amqp = celery_app.__dict__.get("amqp")
    if amqp is not None:
        amqp._producer_pool = None


@pytest.fixture
def celery_worker(transactional_db):
    """A real Celery worker thread consuming the real Redis broker (not eager mode)."""
    from celery.contrib.testing.worker import start_worker

    url = services.broker_url()
    services.need("Redis", services.redis_answers(url), f"no answer from {url}")
    previous = celery_app.conf.broker_url
    celery_app.conf.broker_url = url
    celery_app.conf.task_always_eager = False
    _drop_broker_connections()  # eager calls made earlier pooled producers for the default URL
    celery_app.control.purge()
    try:
        with start_worker(
            celery_app, pool="solo", perform_ping_check=False, loglevel="WARNING", shutdown_timeout=15
        ) as worker:
            yield worker
    finally:
        _drop_broker_connections()
        celery_app.conf.broker_url = previous
        celery_app.conf.task_always_eager = True


@pytest.fixture(scope="session")
def browser():
    services.need(
        "Chromium", services.chromium_available(), f"{services.CHROMIUM} not found (apt-get install chromium)"
    )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=services.CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-dev-shm-usage",
                "--disable-component-update",
                "--no-first-run",
                "--disable-sync",
            ],
        )
        yield instance
        instance.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(locale="ko-KR", base_url=live_server.url, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    pg = context.new_page()
    yield pg
    context.close()


def assert_accessible(page, *, context: str = ""):
    """Run axe-core (WCAG 2.1 A/AA and best practices) on the page and fail with what it found."""
    services.need("axe-core", services.AXE_JS.exists(), "node_modules/axe-core missing (npm install)")
    page.add_script_tag(path=str(services.AXE_JS))
    result = page.evaluate(
        """async () => await axe.run(document, {runOnly: {type: 'tag',
             values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}})"""
    )
    violations = [
        {"id": v["id"], "impact": v["impact"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
    ]
    assert not violations, f"axe-core found accessibility problems on {context or page.url}:\n" + json.dumps(
        violations, ensure_ascii=False, indent=1
    )
