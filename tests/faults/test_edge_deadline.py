"""The deadline through the real edge: nginx + gunicorn (2 sync workers) as processes, on this test's database.

Twelve applicants press "submit" around a deadline a few seconds ahead, through nginx, more clients than
workers, so requests queue for the workers past the deadline. nginx's access log says when each request's
first byte reached the edge; that instant, and only it, decides: 0 refused that reached the edge before the
deadline, 0 accepted after, and the recorded submission time is that instant to the millisecond.
Then three clients dripping a POST body must not stop the site from answering (nginx buffers them), while
the same three straight to gunicorn do (the control: the fault is real without nginx).
"""

import datetime
import importlib.util
import re
import socket
import threading
import time
from decimal import Decimal

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.test import Client
from django.urls import reverse

from accounts.models import Membership
from applications.models import Application, Call
from applications.workflow import State
from tests import services
from tests.factories import (
    ApplicationFactory,
    CallFactory,
    FieldFactory,
    MembershipFactory,
    attach_required_files,
    complete_plan,
)

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]

_spec = importlib.util.spec_from_file_location("portal_stack", services.ROOT / "scripts" / "stack.py")
stack_module = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(stack_module)

CSRF = "edgetestcsrfsecret0123456789abcd"  # a 32-character CSRF secret, sent as cookie and form field
EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)
# Seconds from the deadline at which each client sends its submit: 8 just before, 4 just after.
OFFSETS = [-0.6, -0.45, -0.3, -0.2, -0.12, -0.06, -0.03, -0.01, 0.01, 0.05, 0.15, 0.3]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _database_url() -> str:
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture(scope="module")
def edge(django_db_setup, tmp_path_factory):
    """nginx -> gunicorn (2 sync workers) on pytest-django's test database (test_<name>), tasks in-process."""
    services.need("nginx", stack_module.nginx_binary() is not None, "apt-get install nginx")
    services.need("PostgreSQL", connection.vendor == "postgresql", "set DATABASE_URL to a PostgreSQL database")
    base = tmp_path_factory.mktemp("edge")
    env = {
        "DATABASE_URL": _database_url(),
        "DJANGO_DEBUG": "true",
        "CELERY_BROKER_URL": "",
        "CELERY_TASK_ALWAYS_EAGER": "true",
        "PORTAL_VAR_DIR": str(base / "var"),
        "MEDIA_ROOT": str(base / "media"),
        "PORTAL_TRUSTED_PROXIES": "127.0.0.1",
        "LOG_LEVEL": "WARNING",
    }
    stack = stack_module.Stack(
        base / "run", port=_free_port(), app_port=_free_port(), workers=2, env=env, components=("web", "nginx")
    )
    stack.env.pop("EMAIL_URL", None)
    stack.start(setup=False)
    try:
        yield stack
    finally:
        killed = stack.stop()
    assert not killed, f"processes left after TERM: {killed}"


def _plans(count: int, media_root) -> tuple[Call, list[tuple[Application, str]]]:
    """A call and `count` complete plans, each of its own organisation, with a logged-in session each."""
    call = CallFactory(fields=[FieldFactory(code="BAT")], deadline=datetime.datetime(2099, 1, 1, tzinfo=datetime.UTC))
    plans = []
    for _ in range(count):
        owner = MembershipFactory(role=Membership.Role.OWNER).user
        plan = ApplicationFactory(call=call, organization=owner.memberships.get().organization, created_by=owner)
        complete_plan(plan)
        attach_required_files(plan, owner)
        client = Client()
        client.force_login(owner)  # only to create the session row; every request below is real HTTP
        plans.append((plan, client.cookies[django_settings.SESSION_COOKIE_NAME].value))
    return call, plans


def _submit_request(port: int, pk: int, session: str) -> bytes:
    body = f"csrfmiddlewaretoken={CSRF}".encode()
    head = (
        f"POST {reverse('applications:submit', kwargs={'pk': pk})} HTTP/1.1\r\n"
        f"Host: 127.0.0.1:{port}\r\n"
        f"Cookie: {django_settings.SESSION_COOKIE_NAME}={session}; csrftoken={CSRF}\r\n"
        "Content-Type: application/x-www-form-urlencoded\r\n"
        f"Content-Length: {len(body)}\r\n"
        "X-Request-Start: t=1000000000.000 d=0.000\r\n"  # a client's own stamp: nginx must replace it
        "Connection: close\r\n\r\n"
    )
    return head.encode() + body


def _fire(port: int, payload: bytes, at: float, results: dict, key) -> None:
    """Connect early, send the whole request at wall-clock `at`, read the status line."""
    with socket.create_connection(("127.0.0.1", port), timeout=60) as sock:
        time.sleep(max(0.0, at - time.time()))
        sent = time.time()
        sock.sendall(payload)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
        results[key] = (sent, answer.split(b"\r\n", 1)[0].decode())


def _edge_arrivals(stack) -> dict[str, datetime.datetime]:
    """Per request path, the instant its first byte reached nginx: end - rt from the access log (exact ms)."""
    line = re.compile(r'"POST (?P<path>\S+) HTTP/1\.1" \d+ \d+ end=(?P<end>[\d.]+) rt=(?P<rt>[\d.]+)')
    arrivals = {}
    for match in line.finditer((stack.run_dir / "nginx-access.log").read_text()):
        ms = int((Decimal(match["end"]) - Decimal(match["rt"])) * 1000)
        arrivals[match["path"]] = EPOCH + datetime.timedelta(milliseconds=ms)
    return arrivals


def _edge_ends(stack) -> dict[str, datetime.datetime]:
    line = re.compile(r'"POST (?P<path>\S+) HTTP/1\.1" \d+ \d+ end=(?P<end>[\d.]+)')
    return {
        m["path"]: EPOCH + datetime.timedelta(milliseconds=int(Decimal(m["end"]) * 1000))
        for m in line.finditer((stack.run_dir / "nginx-access.log").read_text())
    }


def test_submits_straddling_the_deadline_are_judged_by_their_arrival_at_the_edge(edge, settings):
    settings.MEDIA_ROOT = edge.env["MEDIA_ROOT"]
    call, plans = _plans(len(OFFSETS), settings.MEDIA_ROOT)
    for _ in range(4):  # both workers have served a page (imports done) before the clock starts
        assert edge.answers("/calls/") == 200

    deadline_epoch = round(time.time() + 2.0, 3)
    deadline = EPOCH + datetime.timedelta(milliseconds=int(deadline_epoch * 1000))
    Call.objects.filter(pk=call.pk).update(deadline=deadline)

    results = {}
    threads = [
        threading.Thread(
            target=_fire,
            args=(edge.port, _submit_request(edge.port, plan.pk, session), deadline_epoch + offset, results, plan.pk),
        )
        for (plan, session), offset in zip(plans, OFFSETS, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    paths = {reverse("applications:submit", kwargs={"pk": plan.pk}) for plan, _ in plans}
    waited_for_log = time.monotonic() + 10
    while not paths <= set(arrivals := _edge_arrivals(edge)) and time.monotonic() < waited_for_log:
        time.sleep(0.1)  # nginx writes a line after the answer went out
    ends = _edge_ends(edge)
    rows = []
    for plan, _session in plans:
        path = reverse("applications:submit", kwargs={"pk": plan.pk})
        plan.refresh_from_db()
        rows.append((plan, arrivals[path], ends[path], results[plan.pk][1]))
    table = "\n".join(
        f"{p.pk}: edge {(a - deadline).total_seconds():+.3f}s done {(e - deadline).total_seconds():+.3f}s "
        f"{status} -> {p.status} {p.submitted_at}"
        for p, a, e, status in rows
    )
    assert all(status.split()[1] in ("200", "302") for *_, status in rows), table

    refused_on_time = [p for p, arrived, _, _ in rows if arrived < deadline and p.status != State.SUBMITTED]
    accepted_late = [p for p, arrived, _, _ in rows if arrived >= deadline and p.status != State.DRAFT]
    assert refused_on_time == [], table
    assert accepted_late == [], table
    for plan, arrived, _, _ in rows:
        if plan.status == State.SUBMITTED:
            assert plan.submitted_at == arrived, table
    # The test means something only if on-time requests really waited for a worker past the deadline.
    waited = [p for p, arrived, done, _ in rows if arrived < deadline < done]
    assert waited, f"no on-time request was still queued at the deadline; the test proved nothing\n{table}"
    # ... and if both sides of the deadline were really tried (on a loaded machine a client may be late).
    assert len([r for r in rows if r[1] < deadline]) >= 3 and len([r for r in rows if r[1] >= deadline]) >= 3, table
    print(f"\nrelative to the deadline (edge arrival, answer done at the edge):\n{table}")


def _drip(port: int, stop: threading.Event, opened: threading.Semaphore) -> None:
    """An anonymous POST whose body trickles in: 10 bytes every 0.3 s of a declared 100 kB."""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(
            f"POST /accounts/login/ HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Length: 100000\r\n"
            f"Cookie: csrftoken={CSRF}\r\n"  # with a CSRF cookie, Django reads the body to find the token
            "Content-Type: application/x-www-form-urlencoded\r\n\r\n".encode()
        )
        opened.release()
        while not stop.wait(0.3):
            try:
                sock.sendall(b"username=x")
            except OSError:
                return


def _get_within(port: int, seconds: float) -> str | None:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=seconds) as sock:
            sock.sendall(f"GET /calls/ HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n".encode())
            return sock.recv(64).split(b"\r\n", 1)[0].decode()
    except OSError:  # timeout: nobody answered
        return None


def _with_drippers(port: int, action):
    stop, opened = threading.Event(), threading.Semaphore(0)
    drippers = [threading.Thread(target=_drip, args=(port, stop, opened)) for _ in range(3)]
    for thread in drippers:
        thread.start()
    for _ in drippers:
        opened.acquire(timeout=10)
    time.sleep(0.5)  # the bodies are trickling
    try:
        return action()
    finally:
        stop.set()
        for thread in drippers:
            thread.join(timeout=10)


def test_slow_clients_do_not_stop_the_site(edge):
    through_nginx = _with_drippers(edge.port, lambda: [_get_within(edge.port, 3) for _ in range(5)])
    assert through_nginx == ["HTTP/1.1 200 OK"] * 5

    # Control: the same three straight at gunicorn take both sync workers, and the site stops answering.
    assert _with_drippers(edge.app_port, lambda: _get_within(edge.app_port, 2)) is None
    # Once they are gone, gunicorn answers again (nothing was left stuck).
    deadline = time.monotonic() + 20
    while (answer := _get_within(edge.app_port, 2)) is None and time.monotonic() < deadline:
        pass
    assert answer == "HTTP/1.1 200 OK"
