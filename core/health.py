"""Probes for /health/: each answers "ok", "not-configured" or "error: …", and never raises."""

from django.conf import settings


def database(connection) -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # noqa: BLE001 - a health probe reports, it does not raise
        return f"error: {type(exc).__name__}"
    return "ok"


def broker() -> str:
    """A PING with a short timeout: a frozen broker (accepts, never answers) reports an error within it."""
    if settings.CELERY_TASK_ALWAYS_EAGER or not settings.CELERY_BROKER_URL:
        return "not-configured"  # tasks run in-process: there is no broker to be down
    url = settings.CELERY_BROKER_URL
    timeout = settings.BROKER_SOCKET_TIMEOUT
    try:
        if url.startswith(("redis://", "rediss://")):
            import redis

            client = redis.Redis.from_url(url, socket_timeout=timeout, socket_connect_timeout=timeout)
            try:
                client.ping()
            finally:
                client.close()
        else:
            from kombu import Connection

            with Connection(url, connect_timeout=timeout, transport_options={"socket_timeout": timeout}) as conn:
                conn.ensure_connection(max_retries=1, interval_start=0, timeout=timeout)
    except Exception as exc:  # noqa: BLE001
        return f"error: {type(exc).__name__}"
    return "ok"
