from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from . import dashboard as sections
from . import export_jobs
from . import health as health_checks


def home(request):
    return render(request, "core/home.html")


@login_required
def dashboard(request):
    """My page: the sections the rooms registered (core.dashboard); core itself knows no room."""
    return render(request, "core/dashboard.html", {"sections": sections.render_sections(request)})


# While a file is being prepared its page reloads itself this often (a meta refresh: no script needed).
EXPORT_REFRESH_SECONDS = 2


@never_cache
@login_required
def export_job(request, pk):
    """The page of an export the user asked for: its progress while it is prepared, then the download."""
    job = export_jobs.visible(request.user, pk, at=request.received_at)
    percent = None
    if job.rows_total:
        percent = min(100, round(100 * job.rows_done / job.rows_total))
    context = {"job": job, "percent": percent, "refresh": None if job.finished else EXPORT_REFRESH_SECONDS}
    return render(request, "core/export_job.html", context)


@never_cache
@login_required
def export_download(request, pk):
    job = export_jobs.visible(request.user, pk, at=request.received_at)
    if job.status != job.Status.READY:
        raise Http404
    from .exports import XLSX_TYPE

    return FileResponse(job.file.open("rb"), as_attachment=True, filename=job.filename, content_type=XLSX_TYPE)


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
