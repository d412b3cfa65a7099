from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from . import dashboard as sections
from . import health as health_checks


def home(request):
    return render(request, "core/home.html")


@login_required
def dashboard(request):
    """My page: the sections the rooms registered (core.dashboard); core itself knows no room."""
    return render(request, "core/dashboard.html", {"sections": sections.render_sections(request)})


@never_cache
@require_GET
def health(request):
    """Readiness, for load balancers: 200 while this node can serve (the database answers). A broker that is
    down makes the node "degraded", still 200: requests succeed without it (work waits in the outbox for the
    sweeps), so pulling the node would only turn a delay into an outage."""
    checks = {"database": health_checks.database(connection), "broker": health_checks.broker()}
    if checks["database"] != "ok":
        status = "error"
    elif checks["broker"] not in ("ok", "not-configured"):
        status = "degraded"
    else:
        status = "ok"
    return JsonResponse({"status": status, **checks}, status=503 if status == "error" else 200)


def liveness(request):
    """Liveness, for a process supervisor: the process answers. Touches nothing else, so it never hangs."""
    return JsonResponse({"status": "ok"})
