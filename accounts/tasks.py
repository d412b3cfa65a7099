from celery import shared_task
from django.core.management import call_command


@shared_task(acks_late=True, time_limit=600)
def clear_expired_sessions() -> None:
    """Delete expired sessions (Django never does it by itself); scheduled hourly in CELERY_BEAT_SCHEDULE."""
    call_command("clearsessions")
