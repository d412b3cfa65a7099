from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from accounts.models import Membership

from . import health as health_checks


def home(request):
    return render(request, "core/home.html")


@login_required
def dashboard(request):
    memberships = Membership.objects.filter(user=request.user).select_related("organization")
    return render(request, "core/dashboard.html", {"memberships": memberships})


@never_cache
@require_GET
def health(request):
    """For load balancers: 200 when the database and the broker answer, 503 otherwise."""
    checks = {"database": health_checks.database(connection), "broker": health_checks.broker()}
    healthy = all(state in ("ok", "not-configured") for state in checks.values())
    return JsonResponse({"status": "ok" if healthy else "error", **checks}, status=200 if healthy else 503)
