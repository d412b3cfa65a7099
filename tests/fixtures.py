"""Shared fixtures: users per role, a real Celery worker, and a Chromium page with an axe-core check."""

import json
import os
import re
import weakref
from urllib.parse import urlparse

import pytest
from django.conf import settings
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


def browser_log_in(page, email, password, *, landing=r"/dashboard/$", check=None):
    """Log in through the login page, and through the second-factor page when the role asks for it.
    `check(page, name)`, if given, is called on the login page and on the second-factor page."""
    from accounts.models import User

    watch_navigations(page)
    user = User.objects.get(email__iexact=email)
    code = one_time_code(user) if needs_second_factor(user) else None
    page.goto("/accounts/login/")
    if check:
        check(page, "login")
    page.get_by_label("이메일 주소").fill(email)
    page.get_by_label("비밀번호").fill(password)
    page.get_by_role("button", name="로그인").click()
    page.wait_for_url(re.compile(f"(?:{landing})|/accounts/two-factor/"))
    if code is not None:
        if check:
            page.wait_for_url(re.compile("/accounts/two-factor/"))
            check(page, "second factor")
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


@pytest.fixture(scope="module")
def browser():
    """Chromium, per test file: Playwright's sync API keeps its event loop set as running in this thread until it
    stops, and a later test in the same process that calls asyncio.run (pyHanko's sync API does) would fail.
    Browser tests run last in their file (live_server is transactional), and under pytest-xdist a process runs
    the files it is handed one after another, so a file's browser is stopped before the next file's tests."""
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
        locale="ko-KR", base_url=live_server.url, viewport={"width": DESKTOP, "height": 900}, bypass_csp=True
    )
    from playwright.sync_api import expect

    context.set_default_timeout(10_000)
    # Assertions wait as long as actions do: a check made right after a click that posts a form must wait for the
    # answer (`expect(...).to_be_visible()`), not read the page the form was sent from (`.is_visible()` does not
    # wait, and under CI load the old page is still there: a CI run failed on that, 2026-12-02).
    expect.set_options(timeout=10_000)
    pg = context.new_page()
    watch_navigations(pg)
    yield pg
    context.close()


# What "accessible" means in every browser test: WCAG 2.1 A/AA and axe-core's best practices, at a desktop and a
# phone width, in Korean and English, and nothing scrolling sideways at 320 px (WCAG 1.4.10, reflow).
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
NARROW, PHONE, DESKTOP = 320, 390, 1366
LANGUAGES = ("ko", "en")
_navigations: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


def watch_navigations(page) -> None:
    """Remember the method of each request that loads a document into `page` (after redirects, the last one),
    so assert_accessible knows whether the page shown can be requested again without side effects."""
    if page in _navigations:
        return
    seen: list[tuple[str, str]] = []
    _navigations[page] = seen

    def on_request(request):
        if request.is_navigation_request() and request.frame == page.main_frame:
            seen.append((request.url.split("#")[0], request.method))
            del seen[:-20]

    page.on("request", on_request)


def shown_by_get(page) -> bool:
    """Whether the document in `page` came from a GET (not the answer to a POST, which must not be sent again).
    Unknown (no watcher, or the navigation was not seen) counts as not a GET."""
    url = page.url.split("#")[0]
    for seen_url, method in reversed(_navigations.get(page, [])):
        if seen_url == url:
            return method == "GET"
    return False


def axe_violations(page) -> list[dict]:
    """axe-core's violations on the page as it is now, with the number of nodes and the first few of them."""
    services.need("axe-core", services.AXE_JS.exists(), "node_modules/axe-core missing (npm install)")
    if not page.evaluate("typeof axe !== 'undefined'"):
        page.add_script_tag(path=str(services.AXE_JS))
    result = page.evaluate("async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS)
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "n": len(v["nodes"]),
            "nodes": [n["target"] for n in v["nodes"]][:5],
        }
        for v in result["violations"]
    ]


def sideways_overflow(page) -> int:
    """How many CSS pixels the page scrolls sideways (0 when it fits its viewport)."""
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


def _at_width(page, width: int, check):
    page.set_viewport_size({"width": width, "height": page.viewport_size["height"] if page.viewport_size else 900})
    return check(page)


def _record(findings: dict) -> None:
    """With A11Y_REPORT=path, append this check's findings as one JSON line (the issue's measurement)."""
    path = os.environ.get("A11Y_REPORT")
    if path:
        with open(path, "a") as out:
            out.write(json.dumps(findings, ensure_ascii=False) + "\n")


def assert_accessible(page, *, context: str = ""):
    """axe-core finds nothing on the page as shown, at the other of the two widths (390 and 1366 px), and
    nothing scrolls sideways at 320 px; the page's own viewport is restored afterwards, so the flow goes on.

    A page reached by GET is also requested again, in the other language, in a new page of the same browser
    context (closed afterwards; the language cookie is put back as it was) and checked the same way. The
    answer to a POST (a form with its errors, say) is not sent again, so it is checked in its own language only.
    """
    where = context or page.url
    # A document that has committed but not yet parsed has no <html> (CI, 2026-12-03: "Cannot read properties of
    # null (reading 'lang')" right after a link's click); callers wait for their navigation, this for the load.
    page.wait_for_load_state("load")
    language = page.evaluate("document.documentElement.lang") or "ko"
    viewport = page.viewport_size or {"width": 1280, "height": 720}
    other_width = PHONE if viewport["width"] > PHONE else DESKTOP
    findings: dict = {"context": where, "url": page.url, "get": shown_by_get(page), "checks": []}

    def check(target, language, width, violations=None):
        if violations is None:
            violations = _at_width(target, width, axe_violations)
        findings["checks"].append({"language": language, "width": width, "axe": violations})

    def check_overflow(target, language):
        findings["checks"].append(
            {"language": language, "width": NARROW, "overflow": _at_width(target, NARROW, sideways_overflow)}
        )

    try:
        check(page, language, viewport["width"], axe_violations(page))
        check(page, language, other_width)
        check_overflow(page, language)
    finally:
        page.set_viewport_size(viewport)
    if findings["get"]:
        other = next(code for code in LANGUAGES if code != language)
        _in_other_language(page, other, check, check_overflow)
    _record(findings)
    problems = [
        f"{c['language']} {c['width']} px: " + json.dumps(c["axe"], ensure_ascii=False, indent=1)
        for c in findings["checks"]
        if c.get("axe")
    ] + [
        f"{c['language']} {c['width']} px: scrolls sideways by {c['overflow']} px"
        for c in findings["checks"]
        if c.get("overflow", 0) > 0
    ]
    if os.environ.get("A11Y_REPORT_ONLY"):  # measuring: count everything, let the flow go on
        return
    assert not problems, f"accessibility problems on {where}:\n" + "\n".join(problems)


def _in_other_language(page, language, check, check_overflow) -> None:
    context = page.context
    origin = "{0.scheme}://{0.netloc}".format(urlparse(page.url))
    cookie = settings.LANGUAGE_COOKIE_NAME
    before = [c for c in context.cookies(origin) if c["name"] == cookie]
    again = context.new_page()
    try:
        context.add_cookies([{"name": cookie, "value": language, "url": origin}])
        again.set_viewport_size({"width": DESKTOP, "height": 900})
        response = again.goto(page.url)
        assert response is not None and response.ok and again.url == page.url, (
            f"{page.url} asked again in {language} answered {response and response.status} at {again.url}"
        )
        assert again.evaluate("document.documentElement.lang") == language, f"{page.url} is not in {language}"
        check(again, language, DESKTOP)
        check(again, language, PHONE)
        check_overflow(again, language)
    finally:
        again.close()
        context.clear_cookies(name=cookie)
        if before:
            context.add_cookies(before)
