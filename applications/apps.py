from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApplicationsConfig(AppConfig):
    name = "applications"
    verbose_name = _("Calls and development plans")

    def ready(self):
        from . import tasks  # noqa: F401  (register the Celery tasks)
        from .transitions import register_all

        register_all()

        from . import dashboard, exports

        dashboard.register()
        exports.register()
