"""The bare-Django floor: one view, one query, a small template; run under the same gunicorn settings as the
portal, so a page's cost is read as a ratio to what Django itself costs on this machine at that moment.

`/rows/` is the reference for a page of rows: what bare Django (no middleware, no layout, no ORM) costs to show
the 50 most recently changed plans with their organisation, field and call (one query over four tables) as a
six-column table, times written in Korea time, every cell escaped: the least any Django page listing that many
rows can cost. bench/pages.py prints it against the same floor.

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


FLOOR_SQL = "SELECT code, name_ko FROM applications_field ORDER BY sort_order, id"


def floor(request):
    from django.db import connection
    from django.shortcuts import render

    with connection.cursor() as cursor:
        cursor.execute(FLOOR_SQL)
        rows = cursor.fetchall()
    return render(request, "floor.html", {"rows": rows})


ROWS_SQL = """
    SELECT a.title, o.name_ko, c.title_ko, f.name_ko, a.status, a.receipt_number, a.updated_at
    FROM applications_application a
    JOIN accounts_organization o ON o.id = a.organization_id
    JOIN applications_field f ON f.id = a.field_id
    JOIN applications_call c ON c.id = a.call_id
    ORDER BY a.updated_at DESC, a.id DESC
    LIMIT 50
"""


def rows(request):
    from django.db import connection
    from django.shortcuts import render

    with connection.cursor() as cursor:
        cursor.execute(ROWS_SQL)
        found = cursor.fetchall()
    return render(request, "rows.html", {"rows": found})


from django.urls import path  # noqa: E402

urlpatterns = [path("", floor), path("rows/", rows)]

os.environ.setdefault("DJANGO_SETTINGS_MODULE", __name__)

from django.core.wsgi import get_wsgi_application  # noqa: E402

application = get_wsgi_application()
