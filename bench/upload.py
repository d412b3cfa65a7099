"""A 200 MB upload attempt against the production topology (issue 12: no process grows by more than 20 MB).

    make bench                                   # every bench/*.py, this one included
    .venv/bin/python bench/upload.py
    BENCH_UPLOAD_MB=500 .venv/bin/python bench/upload.py

Creates its own database (BENCH_UPLOAD_DATABASE_URL, default portal_perf_upload on the local PostgreSQL), seeds
one draft plan with its owner (a session made in-process), then starts nginx in front of gunicorn as production
runs them (scripts/stack.py: deploy/nginx.conf rendered with the portal's 50 MB limit, deploy/gunicorn.conf.py,
2 workers, DEBUG off). Each attempt posts the attachment form of the plan with one file of BENCH_UPLOAD_MB
(default 200) megabytes, streamed from a generator (this process holds one 1 MB block):

- through nginx with Content-Length: nginx must answer 413 without passing anything on;
- through nginx chunked (no length announced): nginx counts the body as it arrives and answers 413;
- straight to gunicorn (an edge misconfigured or bypassed): Django streams the file to a temporary file on
  disk (FILE_UPLOAD_MAX_MEMORY_SIZE 2 MB), the form refuses it by its size, and the draft keeps no attachment.

Before each attempt every process of the stack has its peak resident memory reset (/proc/PID/clear_refs, "5");
after it the bench reads each peak (VmHWM) and prints, per attempt, the answer, the seconds it took and the
largest growth of any one process (its peak minus its resident size before). Where clear_refs cannot be
written, it samples VmRSS every 10 ms during the attempt instead, and says so. The database is dropped at the
end. Knobs: BENCH_UPLOAD_MB, BENCH_KEEP_DB=1.
"""

from __future__ import annotations

import datetime as dt
import functools
import importlib.util
import os
import re
import socket
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import surge  # noqa: E402 - after the path above
from bench.lib import goals, procs  # noqa: E402

MEGABYTES = int(os.environ.get("BENCH_UPLOAD_MB", 200))
DATABASE_URL = os.environ.get("BENCH_UPLOAD_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/portal_perf_upload")
GOAL_MB = 20.0
BLOCK = b"\0" * (1024 * 1024)
BOUNDARY = "----portalbench0123456789"
print = functools.partial(print, flush=True)  # noqa: A001 - each line as it is measured


def _stack_module():
    spec = importlib.util.spec_from_file_location("portal_stack", ROOT / "scripts" / "stack.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# -- memory of the stack's processes ------------------------------------------------------------------------
def _status_kb(pid: int, key: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _reset_peak(pid: int) -> bool:
    try:
        Path(f"/proc/{pid}/clear_refs").write_text("5")
        return True
    except OSError:
        return False


class Watch:
    """Every process of the stack: resident size before, peak during (reset or sampled)."""

    def __init__(self, pids: list[int]):
        self.pids = pids
        self.before = {pid: _status_kb(pid, "VmRSS") for pid in pids}
        self.reset = all(_reset_peak(pid) for pid in pids)
        self.sampled = {pid: self.before[pid] for pid in pids}
        self._stop = threading.Event()
        self._thread = None
        if not self.reset:
            self._thread = threading.Thread(target=self._sample, daemon=True)
            self._thread.start()

    def _sample(self) -> None:
        while not self._stop.wait(0.01):
            for pid in self.pids:
                self.sampled[pid] = max(self.sampled[pid], _status_kb(pid, "VmRSS"))

    def growth_mb(self) -> tuple[float, int]:
        """The largest growth of one process (MB) and its pid."""
        if self._thread:
            self._stop.set()
            self._thread.join()
            peaks = self.sampled
        else:
            peaks = {pid: _status_kb(pid, "VmHWM") for pid in self.pids}
        grown = {pid: (peaks[pid] - self.before[pid]) / 1024 for pid in self.pids}
        pid = max(grown, key=grown.get)
        return grown[pid], pid


# -- the request ------------------------------------------------------------------------------------------
def _multipart_head(kind: str) -> bytes:
    return (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="kind"\r\n\r\n{kind}\r\n'
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="plan.pdf"\r\n'
        "Content-Type: application/pdf\r\n\r\n%PDF-1.7\n"
    ).encode()


def _tail() -> bytes:
    return f"\r\n--{BOUNDARY}--\r\n".encode()


def attempt(port: int, path: str, cookie: str, kind: str, *, chunked: bool) -> tuple[str, float, int, bytes]:
    """Send the upload; returns the status line, the seconds until the answer, the megabytes sent, the answer."""
    head, tail = _multipart_head(kind), _tail()
    length = len(head) + MEGABYTES * len(BLOCK) + len(tail)
    request = [
        f"POST {path} HTTP/1.1",
        f"Host: 127.0.0.1:{port}",
        f"Cookie: {cookie}",
        f"X-CSRFToken: {surge.CSRF}",
        "Accept-Language: ko",
        f"Content-Type: multipart/form-data; boundary={BOUNDARY}",
        "Transfer-Encoding: chunked" if chunked else f"Content-Length: {length}",
        "Connection: close",
    ]
    sent = 0
    started = time.perf_counter()
    with socket.create_connection(("127.0.0.1", port), timeout=120) as sock:
        sock.sendall(("\r\n".join(request) + "\r\n\r\n").encode())

        def send(data: bytes) -> None:
            sock.sendall(b"%x\r\n%s\r\n" % (len(data), data) if chunked else data)

        try:
            send(head)
            for _ in range(MEGABYTES):
                send(BLOCK)
                sent += 1
            send(tail)
            if chunked:
                sock.sendall(b"0\r\n\r\n")
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server answered and closed while the body was still coming: the point of the test
        answer = b""
        try:
            while b"\r\n" not in answer:
                data = sock.recv(65536)
                if not data:
                    break
                answer += data
            while True:  # the rest, to see the refusal's text when there is one
                data = sock.recv(65536)
                if not data:
                    break
                answer += data
        except (ConnectionResetError, TimeoutError):
            pass
    status = answer.split(b"\r\n", 1)[0].decode(errors="replace") or "(connection closed without an answer)"
    return status, time.perf_counter() - started, sent, answer


def main() -> None:
    name = urllib.parse.urlparse(DATABASE_URL).path.lstrip("/")
    surge.DATABASE_URL = DATABASE_URL
    surge._admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    surge._admin(f'CREATE DATABASE "{name}"')
    workdir = Path(tempfile.mkdtemp(prefix="portal-upload-"))
    media_root, static_root = str(workdir / "media"), str(workdir / "static")
    stack = None
    try:
        surge.setup_django(media_root)
        from django.core.management import call_command
        from django.db import connection
        from django.urls import reverse

        from applications.models import Attachment
        from bench.lib import drafts

        call_command("migrate", verbosity=0)
        far = dt.datetime.now(dt.UTC) + dt.timedelta(days=30)
        world = drafts.create(1, organizations=1, deadline=far, opens_at=far - dt.timedelta(days=60))
        plan_pk, owner = world.plans[0]
        cookie = surge.session_cookies(world.owners)[owner]
        path = reverse("applications:attachments", args=[plan_pk])
        kind = Attachment.Kind.choices[0][0]
        attachments_before = Attachment.objects.filter(application_id=plan_pk).count()
        connection.close()

        env = surge.server_env(media_root, static_root)
        for key in ("GUNICORN_WORKERS", "GUNICORN_BIND", "CELERY_BROKER_URL"):
            env.pop(key, None)
        uploads = workdir / "upload-tmp"
        env.update(
            CELERY_TASK_ALWAYS_EAGER="true", PORTAL_VAR_DIR=str(workdir / "var"), FILE_UPLOAD_TEMP_DIR=str(uploads)
        )
        stack = _stack_module().Stack(
            workdir / "run", port=_free_port(), app_port=_free_port(), workers=2, env=env, components=("web", "nginx")
        )
        stack.start(setup=True)
        pids = sorted({p for n in ("web", "nginx") for p in [stack.pid(n), *procs.children(stack.pid(n))] if p})
        # Warm both workers (imports, first-request caches), so their growth is the upload's own.
        for _ in range(6):
            attempt_get(stack.app_port, path, cookie)
        print(f"== {MEGABYTES} MB upload attempts on the attachment form (nginx -> gunicorn, 2 workers)")
        print(
            f"{'attempt':<34} {'answer':<30} {'seconds':>8} {'MB sent':>8} {'max growth':>11}  goal <= {GOAL_MB:.0f} MB"
        )
        worst = 0.0
        method = ""
        for label, port, chunked in (
            ("through nginx, Content-Length", stack.port, False),
            ("through nginx, chunked", stack.port, True),
            ("straight to gunicorn", stack.app_port, False),
        ):
            watch = Watch(pids)
            method = "peak reset (clear_refs)" if watch.reset else "VmRSS sampled every 10 ms"
            status, seconds, sent, answer = attempt(port, path, cookie, kind, chunked=chunked)
            grown, pid = watch.growth_mb()
            worst = max(worst, grown)
            print(f"{label:<34} {status[9:][:30]:<30} {seconds:>8.2f} {sent:>8} {grown:>8.1f} MB  (pid {pid})")
            if port == stack.app_port:  # the portal's own refusal, as the applicant reads it
                said = re.search(r"[^<>]*plan\.pdf[^<>]*", answer.decode(errors="replace"))
                print(
                    f"   {said.group(0).strip()[:110] if said else 'the answer did not name the file (see the web log)'}"
                )
        kept = Attachment.objects.filter(application_id=plan_pk).count() - attachments_before
        leftovers = list(uploads.glob("*"))
        print(
            f"attachments added: {kept} (0 expected); temporary upload files left: {len(leftovers)}; memory by {method}"
        )
        goals.goal(
            f"upload: {MEGABYTES} MB attempt",
            f"largest growth of one process {worst:.1f} MB, {kept} attachments kept, {len(leftovers)} temp files left",
            f"<= {GOAL_MB:.0f} MB, nothing kept",
            worst <= GOAL_MB and not kept and not leftovers,
        )
        connection.close()
    finally:
        if stack is not None:
            stack.stop()
        from django.db import connections

        connections.close_all()
        if os.environ.get("BENCH_KEEP_DB") != "1":
            surge._admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def attempt_get(port: int, path: str, cookie: str) -> None:
    import urllib.request

    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers={"Cookie": cookie})
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - the bench's own server
        response.read()


if __name__ == "__main__":
    main()
