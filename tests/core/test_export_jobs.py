"""Export jobs (core/export_jobs.py, issue 12): a spreadsheet built by a Celery task with its progress on a page
that refreshes itself, offered to the user who asked for it only, once, for a day."""

import datetime

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone, translation

from accounts import roles
from config.celery import app as celery_app
from core import export_jobs
from core.models import ExportJob
from core.tasks import build_export
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
KO = {"HTTP_ACCEPT_LANGUAGE": "ko"}
NUMBERS = "tests.numbers"
PERM = "applications.manage_applications"  # ministry staff hold it
Status = ExportJob.Status


@pytest.fixture
def seen(monkeypatch):
    """A builder writing params["rows"] numbers; records the progress saved in the database at each row."""
    observed = {"saved": [], "calls": 0}

    def build(job, workbook, progress):
        observed["calls"] += 1
        if job.params.get("fail"):
            raise ValueError("the object went away")
        sheet = workbook.create_sheet("Numbers")
        progress.expect(job.params["rows"])
        for number in range(job.params["rows"]):
            sheet.append([number])
            progress.step()
            observed["saved"].append(ExportJob.objects.get(pk=job.pk).rows_done)
            if job.params.get("race") and observed["calls"] == 1 and number == 0:
                # another delivery of the same job runs to the end meanwhile (a redelivery after a lost ack)
                observed["inner"] = export_jobs.build(job.pk)

    monkeypatch.setitem(export_jobs._builders, NUMBERS, export_jobs.Builder(NUMBERS, PERM, build))
    return observed


@pytest.fixture
def staff(db):
    return UserFactory(roles=[roles.MINISTRY_STAFF])


@pytest.fixture
def other_staff(db):
    return UserFactory(roles=[roles.MINISTRY_STAFF])


def start(user, rows=3, **params):
    return export_jobs.start(user, NUMBERS, {"rows": rows, **params}, filename="numbers.xlsx", at=timezone.now())


def page(job):
    return reverse("core:export_job", args=[job.pk])


def download(job):
    return reverse("core:export_download", args=[job.pk])


def stored_files():
    try:
        return default_storage.listdir("exports")[1]
    except FileNotFoundError:
        return []


# --- lifecycle --------------------------------------------------------------------------------------------


def test_a_job_waits_then_is_built_into_one_file(staff, seen):
    job = start(staff, rows=4)
    assert (job.status, job.rows_done, job.file.name) == (Status.PENDING, 0, "")
    assert job.expires_at - job.created_at == datetime.timedelta(days=1)
    assert export_jobs.build(job.pk) == "ready"
    job.refresh_from_db()
    assert (job.status, job.rows_done, job.rows_total, job.attempts) == (Status.READY, 4, 4, 1)
    assert job.file.name == f"exports/{job.pk}-numbers.xlsx" and job.finished_at is not None
    sheet = openpyxl.load_workbook(job.file.open("rb"))["Numbers"]
    assert [row[0] for row in sheet.iter_rows(values_only=True)] == [0, 1, 2, 3]


def test_progress_is_saved_every_n_rows(staff, seen, settings):
    settings.EXPORT_PROGRESS_EVERY = 3
    job = start(staff, rows=7)
    export_jobs.build(job.pk)
    assert seen["saved"] == [0, 0, 3, 3, 3, 6, 6]
    job.refresh_from_db()
    assert (job.rows_done, job.rows_total) == (7, 7)


def test_the_total_is_saved_before_the_first_row(staff, seen, settings):
    settings.EXPORT_PROGRESS_EVERY = 1000
    job = start(staff, rows=2)
    export_jobs.claim(job.pk)
    progress = export_jobs.Progress(job.pk)
    progress.expect(2000)
    job.refresh_from_db()
    assert (job.rows_done, job.rows_total) == (0, 2000) and job.heartbeat_at is not None


def test_building_twice_keeps_one_file(staff, seen):
    job = start(staff)
    assert export_jobs.build(job.pk) == "ready"
    assert export_jobs.build(job.pk) == "skipped"
    assert seen["calls"] == 1 and stored_files() == [f"{job.pk}-numbers.xlsx"]


def test_a_delivery_finishing_first_wins_and_the_other_stores_nothing(staff, seen):
    job = start(staff, rows=2, race=True)
    assert export_jobs.build(job.pk) == "skipped"  # the outer delivery found the job ready when it came to store
    assert seen["inner"] == "ready"
    job.refresh_from_db()
    assert job.status == Status.READY and job.attempts == 2
    assert stored_files() == [f"{job.pk}-numbers.xlsx"]


def test_a_killed_workers_delivery_starts_over_and_replaces_its_leftover(staff, seen):
    job = start(staff, rows=2)
    assert export_jobs.claim(job.pk) is not None  # the first worker started, wrote a file, then was killed
    default_storage.save(f"exports/{job.pk}-numbers.xlsx", ContentFile(b"half a zip"))
    assert export_jobs.build(job.pk) == "ready"  # the message, acknowledged late, is delivered again
    job.refresh_from_db()
    assert job.attempts == 2 and stored_files() == [f"{job.pk}-numbers.xlsx"]
    assert openpyxl.load_workbook(job.file.open("rb"))["Numbers"].max_row == 2


def test_a_job_that_keeps_killing_its_worker_fails_after_the_last_attempt(staff, seen):
    job = start(staff)
    ExportJob.objects.filter(pk=job.pk).update(status=Status.RUNNING, attempts=ExportJob.MAX_ATTEMPTS)
    assert export_jobs.build(job.pk) == "skipped"
    job.refresh_from_db()
    assert job.status == Status.FAILED and "3 attempts" in job.last_error and seen["calls"] == 0


def test_a_failing_builder_fails_the_job_and_stores_nothing(staff, seen):
    job = start(staff, fail=True)
    assert export_jobs.build(job.pk) == "failed"
    job.refresh_from_db()
    assert job.status == Status.FAILED and job.last_error == "ValueError: the object went away"
    assert stored_files() == []


def test_the_task_is_acknowledged_late_and_time_limited(settings):
    assert build_export.name == "core.tasks.build_export"
    assert build_export.acks_late is True
    assert build_export.soft_time_limit == settings.EXPORT_TASK_SOFT_TIME_LIMIT
    assert build_export.time_limit == settings.EXPORT_TASK_TIME_LIMIT > build_export.soft_time_limit
    schedule = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "core.tasks.sweep_exports" in schedule


# --- asking for it ---------------------------------------------------------------------------------------


def test_asking_again_while_it_is_prepared_reuses_the_job(staff, seen):
    first = start(staff)
    assert start(staff) == first
    assert start(staff, rows=5) != first  # other parameters: another file
    with translation.override("en"):
        assert start(staff) != first  # headers in another language: another file
    export_jobs.build(first.pk)
    assert start(staff) != first  # a finished file is not handed out again for a new request


def test_only_a_user_with_the_exports_permission_may_start_it(seen):
    applicant = UserFactory()
    with pytest.raises(PermissionDenied):
        start(applicant)
    assert not ExportJob.objects.exists()


def test_the_way_back_is_a_path_on_this_site(staff, seen):
    at = timezone.now()
    job = export_jobs.start(staff, NUMBERS, {"rows": 1}, filename="n.xlsx", at=at, back_url="https://evil.example/")
    assert job.back_url == ""
    job = export_jobs.start(staff, NUMBERS, {"rows": 2}, filename="n.xlsx", at=at, back_url="/staff/plans/?q=x")
    assert job.back_url == "/staff/plans/?q=x"


def test_the_job_is_queued_on_commit_and_built_by_the_eager_task(staff, seen):
    assert celery_app.conf.task_always_eager
    with TestCase.captureOnCommitCallbacks(execute=True) as callbacks:
        job = start(staff)
        assert ExportJob.objects.get(pk=job.pk).status == Status.PENDING
    assert len(callbacks) == 1
    job.refresh_from_db()
    assert job.status == Status.READY


# --- who may see it ---------------------------------------------------------------------------------------


def test_only_the_user_who_asked_sees_the_page_and_the_file(client, staff, other_staff, seen):
    job = start(staff)
    export_jobs.build(job.pk)
    client.force_login(other_staff)  # the same role, the same permission: not their file
    assert client.get(page(job)).status_code == 404
    assert client.get(download(job)).status_code == 404
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    assert client.get(download(job)).status_code == 404
    client.logout()
    response = client.get(download(job))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]
    client.force_login(staff)
    response = client.get(download(job))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="numbers.xlsx"'
    content = b"".join(response.streaming_content)
    assert content.startswith(b"PK\x03\x04") and int(response["Content-Length"]) == len(content)
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert "no-store" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_the_owner_who_lost_the_exports_permission_sees_nothing(client, staff, seen):
    job = start(staff)
    export_jobs.build(job.pk)
    staff.groups.clear()
    client.force_login(staff)
    assert client.get(page(job)).status_code == 404
    assert client.get(download(job)).status_code == 404


def test_the_file_is_not_offered_before_it_is_ready(client, staff, seen):
    job = start(staff)
    client.force_login(staff)
    assert client.get(download(job)).status_code == 404


# --- expiry -----------------------------------------------------------------------------------------------


def test_after_a_day_the_file_is_gone_and_the_sweep_deletes_it(client, staff, seen):
    old, fresh = start(staff, rows=1), start(staff, rows=2)
    export_jobs.build(old.pk)
    export_jobs.build(fresh.pk)
    ExportJob.objects.filter(pk=old.pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    client.force_login(staff)
    assert client.get(page(old)).status_code == 404  # lazily, before any sweep
    assert client.get(download(old)).status_code == 404
    assert client.get(download(fresh)).status_code == 200
    assert export_jobs.sweep() == (1, 0)
    assert list(ExportJob.objects.values_list("pk", flat=True)) == [fresh.pk]
    assert stored_files() == [f"{fresh.pk}-numbers.xlsx"]


def test_an_expired_job_is_not_built(staff, seen):
    job = start(staff)
    ExportJob.objects.filter(pk=job.pk).update(expires_at=timezone.now())
    assert export_jobs.build(job.pk) == "skipped" and seen["calls"] == 0


def test_the_sweep_queues_again_the_jobs_whose_task_was_lost(staff, seen, settings):
    now = timezone.now()
    lost, fresh, dead, alive = (start(staff, rows=rows) for rows in (1, 2, 3, 4))
    ExportJob.objects.filter(pk=lost.pk).update(created_at=now - datetime.timedelta(minutes=10))
    stale = now - datetime.timedelta(seconds=settings.EXPORT_TASK_TIME_LIMIT + 61)
    ExportJob.objects.filter(pk=dead.pk).update(status=Status.RUNNING, attempts=1, heartbeat_at=stale)
    ExportJob.objects.filter(pk=alive.pk).update(status=Status.RUNNING, attempts=1, heartbeat_at=now)
    assert export_jobs.sweep(now=now) == (0, 2)  # eager: built at once
    statuses = dict(ExportJob.objects.values_list("pk", "status"))
    assert statuses == {lost.pk: "ready", fresh.pk: "pending", dead.pk: "ready", alive.pk: "running"}


# --- the page ---------------------------------------------------------------------------------------------


def test_the_preparing_page_refreshes_itself_and_counts_rows_in_both_languages(client, staff, seen):
    job = start(staff)
    ExportJob.objects.filter(pk=job.pk).update(status=Status.RUNNING, rows_done=1500, rows_total=30000)
    client.force_login(staff)
    english = client.get(page(job), **EN).content.decode()
    assert "Preparing your file…" in english and "1,500 of 30,000 rows" in english
    assert '<noscript><meta http-equiv="refresh" content="2"></noscript>' in english  # without JavaScript
    assert "js/export-job.js" in english  # with it: polled in place, reloaded once finished
    assert 'max="30000" value="1500"' in english and "numbers.xlsx" in english
    korean = client.get(page(job), **KO).content.decode()
    assert "파일을 준비하고 있습니다…" in korean and "30,000행 중 1,500행" in korean
    assert '<meta http-equiv="refresh"' in korean


def test_a_waiting_job_says_so(client, staff, seen):
    job = start(staff)
    client.force_login(staff)
    assert "Waiting for its turn…" in client.get(page(job), **EN).content.decode()
    assert "차례를 기다리고 있습니다…" in client.get(page(job), **KO).content.decode()


def test_the_ready_page_offers_the_file_and_stops_refreshing(client, staff, seen):
    job = start(staff, rows=3)
    export_jobs.build(job.pk)
    client.force_login(staff)
    english = client.get(page(job), **EN).content.decode()
    assert "Your file is ready" in english and "Download numbers.xlsx" in english and "3 rows" in english
    assert download(job) in english and "http-equiv" not in english and "export-job.js" not in english
    korean = client.get(page(job), **KO).content.decode()
    assert "파일이 준비되었습니다" in korean and "numbers.xlsx 내려받기" in korean and "3행" in korean


def test_a_failed_job_says_so_in_both_languages(client, staff, seen):
    job = start(staff, fail=True)
    export_jobs.build(job.pk)
    client.force_login(staff)
    english = client.get(page(job), **EN).content.decode()
    assert "The file could not be prepared" in english and "http-equiv" not in english
    assert "파일을 만들지 못했습니다" in client.get(page(job), **KO).content.decode()


def test_the_admin_lists_jobs_read_only_without_the_file(client, staff, seen):
    job = start(staff, fail=True)
    export_jobs.build(job.pk)
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    listing = client.get(reverse("admin:core_exportjob_changelist"))
    assert listing.status_code == 200 and "numbers.xlsx" in listing.content.decode()
    detail = client.get(reverse("admin:core_exportjob_change", args=[job.pk])).content.decode()
    assert "ValueError: the object went away" in detail and 'name="_save"' not in detail
    assert client.get(reverse("admin:core_exportjob_add")).status_code == 403
