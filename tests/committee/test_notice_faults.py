"""A worker SIGKILLed while it renders a decision notice: in the end exactly one notice PDF, rendered once
it is stored, whatever instant the kill hit (before the render, during it, between the file and the commit,
after the commit)."""

import time

import pytest

from committee import services
from committee.models import DecisionNotice
from committee.tasks import sweep_notices
from tests.faults.conftest import broker, wait_for, worker_process  # noqa: F401 - fixtures

from .conftest import MEETING_DAY, minutes_pdf, resolution_data

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("kill_after", [0.2, 0.7, 1.5])
def test_a_worker_killed_mid_notice_leaves_exactly_one_notice(worker_process, secretariat, item, settings, kill_after):  # noqa: F811
    media = settings.MEDIA_ROOT
    worker = worker_process(MEDIA_ROOT=str(media))
    resolution = services.record_resolution(
        secretariat, item, at=MEETING_DAY, minutes=minutes_pdf(), **resolution_data()
    )
    notice = services.confirm_resolution(
        secretariat, resolution, at=MEETING_DAY
    )  # autocommit: queued through the broker
    time.sleep(kill_after)
    worker.kill()

    worker_process(MEDIA_ROOT=str(media))
    sweep_notices(stale_after_seconds=0)  # a no-op when the killed worker had committed the PDF
    assert wait_for(lambda: DecisionNotice.objects.get(pk=notice.pk).is_ready, 60), "no notice after the kill"
    notice.refresh_from_db()
    stored = sorted(p.name for p in (media / "committee" / "notices").rglob("*.pdf"))
    assert stored == [f"{notice.document_number}.pdf"]  # one file, no leftover beside it
    assert notice.pdf.open("rb").read(5) == b"%PDF-"
    first = notice.sha256
    assert sweep_notices(stale_after_seconds=0) == 0
    time.sleep(1)
    notice.refresh_from_db()
    assert notice.sha256 == first and DecisionNotice.objects.count() == 1
