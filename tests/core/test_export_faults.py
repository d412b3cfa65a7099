"""A worker SIGKILLed while it builds an export (issue 12): the job is built again by the next worker (the
sweep queues it: a killed worker's unacknowledged message comes back only after the broker's visibility
timeout) and exactly one complete file is kept. The three instants land before the worker claimed the job and
twice among its rows (about 50 and 250 of 1,500 rows on the 2-core machine)."""

import time

import openpyxl
import pytest
from django.utils import timezone

from accounts import roles
from applications.models import Application
from applications.workflow import State
from core import export_jobs
from core.models import ExportJob
from tests.factories import CallFactory, OrganizationFactory, UserFactory
from tests.faults.conftest import broker, wait_for, worker_process  # noqa: F401 - fixtures

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]
PLANS = 1500


@pytest.mark.parametrize("kill_after", [0.3, 1.5, 4.0])
def test_a_worker_killed_mid_export_leaves_one_complete_file(worker_process, settings, kill_after):  # noqa: F811
    media = settings.MEDIA_ROOT
    call = CallFactory()
    organization, author = OrganizationFactory(), UserFactory()
    Application.objects.bulk_create(
        Application(
            call=call,
            field=call.fields.first(),
            organization=organization,
            title=f"특화단지 육성계획 {i:05d}",
            status=State.RECEIVED,
            receipt_number=f"{call.pk}-X-{i:05d}",
            created_by=author,
        )
        for i in range(PLANS)
    )
    staff = UserFactory(roles=[roles.MINISTRY_STAFF])
    # progress saved at every row: slow enough for the kill to land among the rows
    worker = worker_process(MEDIA_ROOT=str(media), EXPORT_PROGRESS_EVERY="1")
    job = export_jobs.start(staff, "applications.plans_xlsx", {"query": ""}, filename="plans.xlsx", at=timezone.now())
    time.sleep(kill_after)  # autocommit: queued through the broker at once
    worker.kill()
    state = ExportJob.objects.get(pk=job.pk)

    worker_process(MEDIA_ROOT=str(media))
    export_jobs.sweep(lost_after_seconds=0, stale_after_seconds=0)  # a no-op when the killed worker had finished
    assert wait_for(lambda: ExportJob.objects.get(pk=job.pk).status == ExportJob.Status.READY, 90), (
        f"not ready after the kill (was {state.status} at {state.rows_done} rows)"
    )
    job.refresh_from_db()
    assert sorted(p.name for p in (media / "exports").iterdir()) == [f"{job.pk}-plans.xlsx"]
    assert openpyxl.load_workbook(job.file.open("rb")).active.max_row == PLANS + 1
    assert job.rows_done == PLANS and job.attempts <= 2
