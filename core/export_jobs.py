"""Spreadsheets built by a Celery task, not inside the web request (issue 12): the job a room's export view
starts, the task's steps, the progress the waiting page shows, and the expiry.

- A room registers a builder under a dotted name (`register`, from its AppConfig.ready): core imports no
  room. The builder writes rows into a write-only workbook and reports them to a `Progress`.
- The view calls `start` (the export's own permission, unchanged, is checked by the view and again here) and
  redirects to the job's page, which refreshes itself until the file is ready and then offers it.
- `build` runs in the task: it claims the job (a killed worker's delivery starts over, at most
  `ExportJob.MAX_ATTEMPTS` times), writes the workbook to a temporary file, and stores it under a name fixed
  by the job; a second delivery that finishes later finds the job ready and stores nothing (one file).
- A job and its file are offered to their owner only, while the owner still holds the export's permission,
  for `EXPORT_JOB_LIFETIME` seconds; the sweep deletes them afterwards and re-queues jobs whose task was lost.
"""

from __future__ import annotations

import datetime
import logging
import tempfile
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.db import transaction
from django.http import Http404
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme

from . import states
from .files import store_generated, written_files
from .models import ExportJob

log = logging.getLogger(__name__)

Status = ExportJob.Status
ACTIVE = (Status.PENDING, Status.RUNNING)


@dataclass(frozen=True)
class Builder:
    name: str
    perm: str  # the permission the export's view requires (user.has_perm(perm)), checked again at download
    build: Callable  # build(job, workbook, progress): appends the rows


_builders: dict[str, Builder] = {}


def register(name: str, *, perm: str, build: Callable) -> None:
    _builders[name] = Builder(name, perm, build)


def builder(name: str) -> Builder:
    try:
        return _builders[name]
    except KeyError:
        raise LookupError(f"No export registered as {name!r}") from None


def lifetime() -> datetime.timedelta:
    return datetime.timedelta(seconds=settings.EXPORT_JOB_LIFETIME)


# --- the request ----------------------------------------------------------------------------------------------


def start(user, name: str, params: dict, *, filename: str, at, back_url: str = "") -> ExportJob:
    """The user's job for export `name` with `params` in the active language: a job of theirs still being
    prepared for the same export (a double click, a reload of the form) is reused; otherwise a new one is
    queued after commit."""
    if not user.has_perm(builder(name).perm):
        raise PermissionDenied
    if not url_has_allowed_host_and_scheme(back_url, allowed_hosts=None):
        back_url = ""
    language = translation.get_language() or settings.LANGUAGE_CODE
    with transaction.atomic():
        waiting = (
            ExportJob.objects.live(at)
            .filter(owner=user, builder=name, params=params, language=language, status__in=ACTIVE)
            .order_by("-created_at")
            .first()
        )
        if waiting is not None:
            return waiting
        job = ExportJob.objects.create(
            owner=user,
            builder=name,
            params=params,
            language=language,
            filename=filename,
            back_url=back_url,
            created_at=at,
            expires_at=at + lifetime(),
        )
        transaction.on_commit(lambda: dispatch(job.pk))
    return job


def dispatch(job_id: int, *, retrying: bool = False) -> bool:
    from .queueing import publish
    from .tasks import build_export

    return publish(build_export, job_id, retrying=retrying)


def visible(user, pk: int, *, at) -> ExportJob:
    """The job `pk` if `user` asked for it, it has not expired and `user` still holds the export's
    permission; anything else is 404 (another user's job does not exist for them)."""
    job = ExportJob.objects.live(at).filter(pk=pk, owner_id=user.pk).first()
    if job is None or job.builder not in _builders or not user.has_perm(builder(job.builder).perm):
        raise Http404
    return job


# --- the task ------------------------------------------------------------------------------------------------


class Progress:
    """Rows written so far, saved every `every` rows (and when the total is known) for the waiting page."""

    def __init__(self, job_id: int, every: int | None = None):
        self.job_id = job_id
        self.every = every or settings.EXPORT_PROGRESS_EVERY
        self.done = 0
        self.total: int | None = None
        self._saved = 0

    def expect(self, total: int) -> None:
        self.total = total
        self.save()

    def step(self, rows: int = 1) -> None:
        self.done += rows
        if self.done - self._saved >= self.every:
            self.save()

    def save(self) -> None:
        self._saved = self.done
        ExportJob.objects.filter(pk=self.job_id, status=Status.RUNNING).update(
            rows_done=self.done, rows_total=self.total, heartbeat_at=timezone.now()
        )


def claim(job_id: int) -> ExportJob | None:
    """Mark the job running for this delivery (counting the attempt), or None if there is nothing to build:
    gone, finished, expired, or out of attempts (then it fails)."""
    now = timezone.now()
    with transaction.atomic():
        job = ExportJob.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.finished:
            return None
        if job.expires_at <= now:
            return None  # the sweep deletes it
        if job.attempts >= ExportJob.MAX_ATTEMPTS:
            _fail(job, f"Gave up after {job.attempts} attempts", now)
            return None
        states.move(job, Status.RUNNING)
        job.attempts += 1
        job.rows_done = 0
        job.heartbeat_at = now
        job.save(update_fields=["status", "attempts", "rows_done", "heartbeat_at"])
    return job


def build(job_id: int) -> str:
    """Build the job's file once. Safe to run twice, one after the other or at once: one file is kept."""
    from openpyxl import Workbook

    job = claim(job_id)
    if job is None:
        return "skipped"
    progress = Progress(job_id)
    with tempfile.TemporaryFile() as spool:
        try:
            workbook = Workbook(write_only=True)
            with translation.override(job.language):
                builder(job.builder).build(job, workbook, progress)
            workbook.save(spool)
        except Exception as exc:  # noqa: BLE001 - a bug, a vanished object, the soft time limit: tell the user
            log.exception("Export job %s (%s) failed", job_id, job.builder)
            record_failure(job_id, exc)
            return "failed"
        spool.seek(0)
        with written_files(), transaction.atomic():
            locked = ExportJob.objects.select_for_update().get(pk=job_id)
            if locked.status != Status.RUNNING:
                return "skipped"  # another delivery finished first, or the job failed meanwhile
            store_generated(locked.file, locked.filename, File(spool, name=locked.filename))
            states.move(locked, Status.READY)
            locked.rows_done = progress.done
            locked.rows_total = progress.done
            locked.finished_at = locked.heartbeat_at = timezone.now()
            locked.save(update_fields=["file", "status", "rows_done", "rows_total", "finished_at", "heartbeat_at"])
    return "ready"


def record_failure(job_id: int, exc: BaseException) -> None:
    with transaction.atomic():
        job = ExportJob.objects.select_for_update().filter(pk=job_id).first()
        if job is not None and not job.finished:
            _fail(job, f"{type(exc).__name__}: {exc}", timezone.now())


def _fail(job: ExportJob, error: str, now) -> None:
    states.move(job, Status.FAILED)
    job.last_error = error[:2000]
    job.finished_at = now
    job.save(update_fields=["status", "last_error", "finished_at"])


# --- the sweep -----------------------------------------------------------------------------------------------


def sweep(*, now=None, lost_after_seconds: int = 300, stale_after_seconds: int | None = None) -> tuple[int, int]:
    """Delete expired jobs with their files; queue again the jobs whose task was lost: waiting ones never
    picked up, running ones with no progress for longer than the task's hard time limit (their worker died;
    a live one has been stopped by that limit by then). Returns (deleted, queued)."""
    now = now or timezone.now()
    if stale_after_seconds is None:
        stale_after_seconds = settings.EXPORT_TASK_TIME_LIMIT + 60
    deleted = 0
    for job in ExportJob.objects.filter(expires_at__lte=now).iterator():
        name, storage = job.file.name, job.file.storage
        job.delete()
        if name:  # after the row: a process killed in between leaves a file the orphan sweep removes
            storage.delete(name)
        deleted += 1
    waiting = ExportJob.objects.live(now).filter(
        status=Status.PENDING, created_at__lt=now - datetime.timedelta(seconds=lost_after_seconds)
    )
    stale = now - datetime.timedelta(seconds=stale_after_seconds)
    abandoned = ExportJob.objects.live(now).filter(status=Status.RUNNING, heartbeat_at__lt=stale)
    ids = list(waiting.values_list("pk", flat=True)[:200]) + list(abandoned.values_list("pk", flat=True)[:200])
    for job_id in ids:
        dispatch(job_id, retrying=True)
    return deleted, len(ids)
