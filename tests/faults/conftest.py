"""Fault tests run the real parts as processes (a Celery worker, redis-server, an SMTP server) and break them:
SIGKILL, SIGSTOP, silence, dropped connections. They need PostgreSQL (the worker process must share the
test database) and Redis; with REQUIRE_SERVICES=1 a missing one fails the run."""

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from config.celery import app as celery_app
from tests import services

from .smtp import FakeSMTP

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.faults


def wait_for(predicate, timeout=30.0, interval=0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return False


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_url() -> str:
    s = connection.settings_dict
    if connection.vendor != "postgresql":
        services.need("PostgreSQL", False, "fault tests run worker processes on the shared PostgreSQL test database")
    auth = s["USER"] + (f":{s['PASSWORD']}" if s.get("PASSWORD") else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


@pytest.fixture
def smtp():
    server = FakeSMTP()
    yield server
    server.close()


@pytest.fixture
def own_redis(tmp_path):
    """A redis-server of this test's own, so that freezing it (SIGSTOP) touches nothing else."""
    binary = shutil.which("redis-server")
    services.need("redis-server", binary is not None, "apt-get install redis-server")
    port = free_port()
    process = subprocess.Popen(
        [
            binary,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(tmp_path),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}/0"
    assert wait_for(lambda: services.redis_answers.__wrapped__(url), 10), "own redis-server did not start"
    yield process, url
    os.kill(process.pid, signal.SIGCONT)
    process.terminate()
    process.wait(10)


@pytest.fixture
def broker(request):
    """Point this process's Celery app at a broker (the shared one unless a test gives its own), not eager."""
    from tests.fixtures import _drop_broker_connections

    previous = celery_app.conf.broker_url

    def use(url):
        services.need("Redis", services.redis_answers.__wrapped__(url), f"no answer from {url}")
        celery_app.conf.broker_url = url
        celery_app.conf.task_always_eager = False
        _drop_broker_connections()
        celery_app.control.purge()
        return url

    yield use
    _drop_broker_connections()
    celery_app.conf.broker_url = previous
    celery_app.conf.task_always_eager = True


class WorkerProcess:
    """`celery worker` as a real process (prefork, one child) on the shared test database."""

    started = 0

    def __init__(self, broker_url: str, env: dict):
        self.broker_url = broker_url
        self.env = env
        self.process = None
        WorkerProcess.started += 1
        # Its own name, so the readiness ping asks this worker alone (under pytest-xdist another process's
        # worker may answer on the same broker).
        self.name = f"faults-{os.getpid()}-{WorkerProcess.started}@localhost"

    def start(self):
        env = {
            **os.environ,
            "DATABASE_URL": database_url(),
            "CELERY_BROKER_URL": self.broker_url,
            "CELERY_TASK_ALWAYS_EAGER": "false",
            "DJANGO_DEBUG": "true",
            **self.env,
        }
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "config",
                "worker",
                "-P",
                "prefork",
                "-c",
                "1",
                "-l",
                "WARNING",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "-n",
                self.name,
                "-Q",
                services.task_queue(),  # the queue this test process publishes to (tests/services.py)
            ],
            cwd=ROOT,
            env=env,
            start_new_session=True,  # its own process group: a kill reaches the pool child too
        )
        ready = wait_for(lambda: self._pings(), 60, 0.5)
        assert ready, "the worker process did not come up"

    def _pings(self) -> bool:
        # A fresh app and connection: the test's own app may hold connections a frozen broker left desynced.
        from celery import Celery

        # Not the current app: shared_task tasks publish through the current app, and a bare one (queue `celery`,
        # no transport timeouts, not eager) would take over every later task of this test process.
        probe = Celery(broker=self.broker_url, set_as_current=False)
        try:
            return bool(probe.control.ping(destination=[self.name], timeout=2))  # a loaded machine answers late
        except Exception:  # noqa: BLE001
            return False
        finally:
            probe.close()

    def kill(self):
        """SIGKILL the whole worker (parent and pool child), as a crashed machine would."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(10)

    def stop(self):
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(10)


@pytest.fixture
def worker_process(broker):
    started = []

    def start(broker_url=None, **env):
        url = broker(broker_url or services.broker_url())
        worker = WorkerProcess(url, {k: str(v) for k, v in env.items()})
        started.append(worker)  # before start(): a worker that never answers the ping is stopped too
        worker.start()
        return worker

    yield start
    for worker in started:
        worker.stop()
