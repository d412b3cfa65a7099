"""The Celery app's own wiring (config/celery.py)."""

from config import celery


def test_worker_processes_yield_the_cpu_to_the_web(monkeypatch, settings):
    calls = []
    monkeypatch.setattr(celery.os, "nice", calls.append)
    settings.PORTAL_WORKER_NICE = 10
    celery.yield_to_the_web()
    settings.PORTAL_WORKER_NICE = 0
    celery.yield_to_the_web()
    assert calls == [10]


def test_the_handler_runs_in_every_worker_process():
    from celery.signals import worker_process_init

    assert any(receiver is celery.yield_to_the_web for _key, receiver in worker_process_init.receivers)
