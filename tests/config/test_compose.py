"""docker-compose.yml, read as the deployment runs it."""

from pathlib import Path

import yaml

COMPOSE = yaml.safe_load((Path(__file__).resolve().parents[2] / "docker-compose.yml").read_text())


def _weight(service: dict) -> int:
    """cgroup v2 cpu.weight of a container: Docker's shares mapped as runc maps them, 100 when none are set."""
    shares = service.get("cpu_shares")
    return 100 if shares is None else 1 + ((shares - 2) * 9999) // 262142


def test_the_worker_yields_the_cpu_to_the_web_across_containers():
    """os.nice in the worker (config/celery.py) orders processes within its own container's CPU group only; the
    worker's container needs a lower weight than the web's, or at a deadline surge PDF rendering takes half the
    machine from the submissions (issue 12)."""
    services = COMPOSE["services"]
    assert services["worker"]["command"][:4] == ["celery", "-A", "config", "worker"]
    assert _weight(services["worker"]) * 10 <= _weight(services["web"])
