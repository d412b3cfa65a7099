from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """Shared infrastructure every room uses: the e-mail outbox, PDF rendering, health, demo data."""

    name = "core"
    verbose_name = _("Portal infrastructure")

    def ready(self):
        from django.core import checks

        # Register the tasks with the Celery app before anything can finalise it (worker or eager call).
        from . import tasks  # noqa: F401
        from .signing import check_configuration

        checks.register(check_configuration, checks.Tags.security, deploy=True)

        from .dashboard import register_core_sections

        register_core_sections()
