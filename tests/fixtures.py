"""Shared fixtures: users per role, a real Celery worker, and a Chromium page with an axe-core check."""

import json
import re

import pytest
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import roles
from accounts.models import Membership
from accounts.rules import needs_second_factor
from config.celery import app as celery_app

from . import services
from .factories import MembershipFactory, OrganizationFactory, UserFactory


def pass_second_factor(client, user) -> None:
    """Make a signed-in test client's session one that has passed the second factor (as after a TOTP code)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or TOTPDevice.objects.create(
        user=user, name="test authenticator", confirmed=True
    )
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


@pytest.fixture(autouse=True)
def _force_login_passes_the_second_factor(request, monkeypatch):
    """`client.force_login(staff)` signs in as fully as a person who also typed their code, so tests of
    staff pages stay about those pages. Tests of the second factor itself are marked `second_factor`."""
    if request.node.get_closest_marker("second_factor"):
        return
    original = Client.force_login

    def force_login(self, user, backend=None):
        original(self, user, backend)
        if needs_second_factor(user):
            pass_second_factor(self, user)

    monkeypatch.setattr(Client, "force_login", force_login)


def one_time_code(user) -> str:
    """A fresh single-use backup code for `user` (browser tests type it on the second-factor page)."""
    device, _created = StaticDevice.objects.get_or_create(user=user, name="test backup codes")
    token = StaticToken.random_token()
    device.token_set.create(token=token)
    if not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        TOTPDevice.objects.create(user=user, name="test authenticator", confirmed=True)
    return token


def browser_log_in(page, email, password, *, landing=r"/dashboard/$"):
    """Log in through the login page, and through the second-factor page when the role asks for it."""
    from accounts.models import User

    user = User.objects.get(email__iexact=email)
    code = one_time_code(user) if needs_second_factor(user) else None
    page.goto("/accounts/login/")
    page.get_by_label("이메일 주소").fill(email)
    page.get_by_label("비밀번호").fill(password)
    page.get_by_role("button", name="로그인").click()
    page.wait_for_url(re.compile(f"(?:{landing})|/accounts/two-factor/"))
    if code is not None:
        page.locator("#id_code").fill(code)
        page.get_by_role("button", name="확인").click()
    page.wait_for_url(re.compile(landing))


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
    # bypass_csp: axe-core is injected as an inline script; the policy itself is tested in tests/core/test_csp.py.
    context = browser.new_context(
        locale="ko-KR", base_url=live_server.url, viewport={"width": 1280, "height": 900}, bypass_csp=True
    )
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
