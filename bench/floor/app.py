"""The bare-Django floor: one view, one query, a small template; run under the same gunicorn settings as the
portal, so a page's cost is read as a ratio to what Django itself costs on this machine at that moment.

    DJANGO_SETTINGS_MODULE=bench.floor.app DATABASE_URL=postgres://... gunicorn bench.floor.app:application
"""

import os
from pathlib import Path

import environ

BASE = Path(__file__).resolve().parent
DEBUG = False
SECRET_KEY = "bench-floor-" + "x" * 50
ALLOWED_HOSTS = ["*"]
ROOT_URLCONF = __name__
INSTALLED_APPS: list[str] = []
MIDDLEWARE: list[str] = []
DATABASES = {"default": environ.Env().db_url("DATABASE_URL")}
# The portal's connection settings (config/settings.py): persistent for DB_CONN_MAX_AGE seconds, checked on reuse.
DATABASES["default"]["CONN_MAX_AGE"] = int(os.environ.get("DB_CONN_MAX_AGE", 0))
DATABASES["default"]["CONN_HEALTH_CHECKS"] = DATABASES["default"]["CONN_MAX_AGE"] != 0
TEMPLATES = [{"BACKEND": "django.template.backends.django.DjangoTemplates", "DIRS": [BASE / "templates"]}]
USE_TZ = True
TIME_ZONE = "Asia/Seoul"


def floor(request):
    from django.db import connection
    from django.shortcuts import render

    with connection.cursor() as cursor:
        cursor.execute("SELECT code, name_ko FROM applications_field ORDER BY sort_order, id")
        rows = cursor.fetchall()
    return render(request, "floor.html", {"rows": rows})


from django.urls import path  # noqa: E402

urlpatterns = [path("", floor)]

os.environ.setdefault("DJANGO_SETTINGS_MODULE", __name__)

from django.core.wsgi import get_wsgi_application  # noqa: E402

application = get_wsgi_application()
