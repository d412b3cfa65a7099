import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_health_reports_database_and_broker(client, settings):
    """A run with a broker configured must reach it: "ok", never "not-configured" (REQUIRE_SERVICES=1 in CI)."""
    from tests import services

    if settings.CELERY_TASK_ALWAYS_EAGER or not settings.CELERY_BROKER_URL:
        services.need("A Celery broker", False, "set CELERY_BROKER_URL (e.g. redis://127.0.0.1:6379/0)")
    services.need("Redis", services.redis_answers(settings.CELERY_BROKER_URL), "start it or unset CELERY_BROKER_URL")
    response = client.get(reverse("health"))
    assert response.status_code == 200
    assert response.json() == {**response.json(), "status": "ok", "database": "ok", "broker": "ok"}


@pytest.mark.parametrize(("eager", "url"), [(True, "redis://127.0.0.1:6379/0"), (False, "")])
def test_without_a_broker_health_says_not_configured_and_stays_ok(client, settings, eager, url):
    settings.CELERY_TASK_ALWAYS_EAGER = eager
    settings.CELERY_BROKER_URL = url
    response = client.get(reverse("health"))
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["broker"]) == ("ok", "not-configured")


def test_a_node_whose_broker_is_down_stays_ready_but_degraded(client, settings):
    """Before: 503, so a load balancer would pull every working web node when only the broker was down."""
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    response = client.get(reverse("health"))
    assert response.status_code == 200
    assert response.json()["status"] == "degraded"
    assert response.json()["broker"].startswith("error")


def test_liveness_touches_nothing(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get(reverse("health-live"))
    assert response.status_code == 200 and response.json() == {"status": "ok"}


def test_health_is_503_when_the_database_fails(client, monkeypatch):
    from core import health

    monkeypatch.setattr(health, "database", lambda connection: "error: OperationalError")
    response = client.get(reverse("health"))
    assert response.status_code == 503
    assert response.json()["database"] == "error: OperationalError"
