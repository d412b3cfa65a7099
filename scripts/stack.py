#!/usr/bin/env python3
"""The production topology without Docker: nginx -> gunicorn, a Celery worker and beat, as processes.

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal CELERY_BROKER_URL=redis://127.0.0.1:6379/0
    .venv/bin/python scripts/stack.py start  --run-dir var/stack --port 8080
    .venv/bin/python scripts/stack.py status --run-dir var/stack
    .venv/bin/python scripts/stack.py stop   --run-dir var/stack

Everything else comes from the environment, as for the portal itself (README: Configuration). The run
directory holds one pid file and one log per process, nginx's rendered configuration, its access log and
temp files. `start` migrates and (debug off) collects static files first, unless --no-setup. Each process
is started in its own session, so `stop` can check that nothing it started survives: it sends TERM to the
main process, waits, then KILLs whatever is left in that process group (a Celery pool child can outlive
its parent) and says so. The fault tests (tests/faults/) drive the same code through `Stack`.
"""

import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COMPONENTS = ("web", "nginx", "worker", "beat")
UPLOAD_MARGIN = 5 * 1024 * 1024  # multipart envelope and form fields around the one file of a request


def nginx_binary() -> str | None:
    return shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx",) if os.path.exists(p)), None)


def render_nginx_conf(*, listen: str, upstream: str, run_dir: Path, max_upload_bytes: int, user: str) -> str:
    values = {
        "LISTEN": listen,
        "UPSTREAM": upstream,
        "RUN_DIR": str(run_dir),
        "ACCESS_LOG": str(run_dir / "nginx-access.log"),
        "ERROR_LOG": str(run_dir / "nginx-error.log"),
        "USER": user,
        "MAX_BODY": str(max_upload_bytes + UPLOAD_MARGIN),
        "MAX_UPLOAD_MB": str(max_upload_bytes // (1024 * 1024)),
    }
    text = (ROOT / "deploy" / "nginx.conf").read_text()
    for name, value in values.items():
        text = text.replace(f"@{name}@", value)
    return text


def _pgid_members(pgid: int) -> list[int]:
    """Live processes in a process group (from /proc), zombies excluded."""
    members = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        if fields[0] != "Z" and int(fields[2]) == pgid:
            members.append(int(entry.name))
    return members


def _port_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


class Stack:
    def __init__(self, run_dir, *, port=8080, app_port=8001, workers=3, concurrency=2, env=None, components=None):
        self.run_dir = Path(run_dir).resolve()
        self.port, self.app_port, self.workers, self.concurrency = port, app_port, workers, concurrency
        self.components = tuple(components or COMPONENTS)
        self.env = {**os.environ, **(env or {})}
        # nginx runs on this machine: its stamp is believed from the loopback addresses, unless told otherwise.
        self.env.setdefault("PORTAL_TRUSTED_PROXIES", "127.0.0.1,::1")
        self.env.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

    # -- commands for each process -------------------------------------------------------------------
    def _command(self, name: str) -> list[str]:
        python = sys.executable
        if name == "web":
            return [
                python, "-m", "gunicorn", "-c", str(ROOT / "deploy" / "gunicorn.conf.py"),
                "--bind", f"127.0.0.1:{self.app_port}", "--workers", str(self.workers),
            ]  # fmt: skip
        if name == "nginx":
            return [nginx_binary() or "nginx", "-c", str(self.run_dir / "nginx.conf"), "-g", "daemon off;"]
        if name == "worker":
            return [python, "-m", "celery", "-A", "config", "worker", "-l", "info", "-c", str(self.concurrency)]
        if name == "beat":
            schedule = self.run_dir / "celerybeat-schedule"
            return [python, "-m", "celery", "-A", "config", "beat", "-l", "info", "--schedule", str(schedule)]
        raise ValueError(name)

    def pid_file(self, name: str) -> Path:
        return self.run_dir / f"{name}.pid"

    def pid(self, name: str) -> int | None:
        try:
            pid = int(self.pid_file(name).read_text().strip())
        except (OSError, ValueError):
            return None
        return pid if _pgid_members(pid) else None

    # -- start -----------------------------------------------------------------------------------------
    def setup(self) -> None:
        manage = [sys.executable, str(ROOT / "manage.py")]
        subprocess.run([*manage, "migrate", "--no-input", "-v0"], cwd=ROOT, env=self.env, check=True)
        if self.env.get("DJANGO_DEBUG", "true").lower() in ("0", "false", "no", "off"):
            subprocess.run([*manage, "collectstatic", "--no-input", "-v0"], cwd=ROOT, env=self.env, check=True)

    def _spawn(self, name: str) -> int:
        if self.pid(name):
            raise RuntimeError(f"{name} is already running (pid {self.pid(name)}); stop it first")
        log = open(self.run_dir / f"{name}.log", "ab")  # noqa: SIM115 - handed to the child
        process = subprocess.Popen(
            self._command(name), cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL, start_new_session=True,
        )  # fmt: skip
        log.close()
        self.pid_file(name).write_text(f"{process.pid}\n")
        return process.pid

    def _wait(self, name: str, ready, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self.pid(name):
                raise RuntimeError(f"{name} exited; see {self.run_dir / (name + '.log')}")
            if ready():
                return
            time.sleep(0.1)
        raise RuntimeError(f"{name} not ready after {timeout:.0f} s; see {self.run_dir / (name + '.log')}")

    def answers(self, path: str = "/health/") -> int | None:
        """HTTP status through nginx (None if nothing answers; 502/504 mean nginx is up, gunicorn is not)."""
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port}{path}", timeout=5) as response:  # noqa: S310
                return response.status
        except urllib.error.HTTPError as exc:
            return exc.code
        except OSError:
            return None

    def start(self, *, setup: bool = True) -> None:
        self.run_dir.mkdir(parents=True, exist_ok=True)
        if setup:
            self.setup()
        try:
            if "web" in self.components:
                self._spawn("web")
                self._wait("web", lambda: _port_open(self.app_port))
            if "nginx" in self.components:
                if not nginx_binary():
                    raise RuntimeError("nginx is not installed (apt-get install nginx)")
                import pwd

                max_upload = int(self.env.get("PORTAL_MAX_UPLOAD_BYTES", 50 * 1024 * 1024))
                conf = render_nginx_conf(
                    listen=f"127.0.0.1:{self.port}",
                    upstream=f"127.0.0.1:{self.app_port}",
                    run_dir=self.run_dir,
                    max_upload_bytes=max_upload,
                    user=pwd.getpwuid(os.geteuid()).pw_name,
                )
                (self.run_dir / "nginx.conf").write_text(conf)
                self._spawn("nginx")
                self._wait("nginx", lambda: self.answers() not in (None, 502, 504))
            for name in ("worker", "beat"):
                if name in self.components:
                    self._spawn(name)
        except BaseException:
            self.stop()
            raise

    # -- stop and status -------------------------------------------------------------------------------
    def stop(self, grace: float = 35) -> dict[str, list[int]]:
        """TERM each main process (last started first), wait, KILL what remains of its group.

        Returns, per component, the processes that had to be killed (empty: a clean stop)."""
        killed = {}
        for name in reversed(COMPONENTS):
            try:
                pid = int(self.pid_file(name).read_text().strip())
            except (OSError, ValueError):
                continue
            if _pgid_members(pid):
                try:
                    os.kill(pid, signal.SIGQUIT if name == "nginx" else signal.SIGTERM)
                except ProcessLookupError:
                    pass
                deadline = time.monotonic() + grace
                while _pgid_members(pid) and time.monotonic() < deadline:
                    time.sleep(0.1)
                left = _pgid_members(pid)
                if left:
                    os.killpg(pid, signal.SIGKILL)
                    killed[name] = left
                    time.sleep(0.2)
            self.pid_file(name).unlink(missing_ok=True)
        return killed

    def status(self) -> dict[str, dict]:
        report = {}
        for name in COMPONENTS:
            pid = self.pid(name)
            report[name] = {"pid": pid, "processes": len(_pgid_members(pid)) if pid else 0}
        return report


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("command", choices=("start", "stop", "status"))
    parser.add_argument("--run-dir", default=str(ROOT / "var" / "stack"))
    parser.add_argument("--port", type=int, default=8080, help="nginx listens on 127.0.0.1:PORT")
    parser.add_argument("--app-port", type=int, default=8001, help="gunicorn listens on 127.0.0.1:APP_PORT")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn sync workers")
    parser.add_argument("--concurrency", type=int, default=2, help="Celery worker pool size")
    parser.add_argument("--only", help=f"comma-separated subset of {','.join(COMPONENTS)}")
    parser.add_argument("--no-setup", action="store_true", help="skip migrate/collectstatic")
    args = parser.parse_args(argv)
    stack = Stack(
        args.run_dir,
        port=args.port,
        app_port=args.app_port,
        workers=args.workers,
        concurrency=args.concurrency,
        components=args.only.split(",") if args.only else None,
    )
    if args.command == "start":
        stack.start(setup=not args.no_setup)
        print(f"portal at http://127.0.0.1:{args.port}/  (pids and logs in {stack.run_dir})")
    elif args.command == "stop":
        killed = stack.stop()
        for name, pids in killed.items():
            print(f"{name}: still running after TERM, killed {pids}")
        print("stopped" + (" (not cleanly)" if killed else ", nothing left running"))
    for name, info in stack.status().items():
        state = f"running, pid {info['pid']}, {info['processes']} process(es)" if info["pid"] else "stopped"
        print(f"{name:7} {state}")
    if args.command == "status" and stack.pid("nginx"):
        print(f"GET /health/ through nginx: {stack.answers()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
