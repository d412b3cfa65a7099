"""Files belong to rows that committed (core/files.py)."""

import contextlib
import datetime
import os

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from core import files

pytestmark = pytest.mark.django_db


class Boom(Exception):
    pass


def test_files_written_in_a_block_that_fails_are_deleted():
    with pytest.raises(Boom), files.written_files(), transaction.atomic():
        name = default_storage.save("applications/1/x.pdf", ContentFile(b"%PDF-"))
        files.track(default_storage, name)
        raise Boom
    assert not default_storage.exists(name)


def test_files_written_in_a_block_that_succeeds_stay():
    with files.written_files(), transaction.atomic():
        name = default_storage.save("applications/1/y.pdf", ContentFile(b"%PDF-"))
        files.track(default_storage, name)
    assert default_storage.exists(name)


def test_an_inner_block_hands_its_files_to_the_outer_one():
    with pytest.raises(Boom), files.written_files():
        with files.written_files():
            name = default_storage.save("applications/1/z.pdf", ContentFile(b"%PDF-"))
            files.track(default_storage, name)
        raise Boom  # the outer block fails after the inner one succeeded: the file goes too
    assert not default_storage.exists(name)


def test_a_rendered_pdf_replaces_a_leftover_instead_of_piling_up(settings):
    """Before: a notice rendered twice (the first commit lost) left a second file, e.g. X_a1b2c3.pdf."""
    from tests.factories import ApplicationFactory

    application = ApplicationFactory()
    from applications.models import PlanVersion

    version = PlanVersion.objects.create(
        application=application,
        number=1,
        content={},
        sha256="0" * 64,
        submitted_at=timezone.now(),
        submitted_by=application.created_by,
    )
    default_storage.save("receipts/R-v1.pdf", ContentFile(b"left by an attempt that never committed"))
    files.store_generated(version.receipt_pdf, "receipts/R-v1.pdf", b"%PDF-new")
    assert version.receipt_pdf.name == "receipts/R-v1.pdf"
    assert default_storage.listdir("receipts")[1] == ["R-v1.pdf"]
    assert default_storage.open("receipts/R-v1.pdf").read() == b"%PDF-new"


def test_the_sweep_deletes_only_old_files_no_row_refers_to(settings):
    from tests.factories import ApplicationFactory

    application = ApplicationFactory()
    from applications.models import PlanVersion

    version = PlanVersion.objects.create(
        application=application,
        number=1,
        content={},
        sha256="0" * 64,
        submitted_at=timezone.now(),
        submitted_by=application.created_by,
    )
    version.receipt_pdf.save("receipts/kept.pdf", ContentFile(b"%PDF-"), save=True)
    orphan = default_storage.save("receipts/orphan.pdf", ContentFile(b"%PDF-"))
    fresh = default_storage.save("receipts/fresh.pdf", ContentFile(b"%PDF-"))
    outside = default_storage.save("elsewhere/file.txt", ContentFile(b"x"))
    old = (timezone.now() - files.ORPHAN_GRACE - datetime.timedelta(minutes=1)).timestamp()
    for name in (version.receipt_pdf.name, orphan, outside):
        os.utime(default_storage.path(name), (old, old))

    assert files.sweep_orphans() == [orphan]
    assert default_storage.exists(version.receipt_pdf.name)
    assert default_storage.exists(fresh)  # may belong to a request still running
    assert default_storage.exists(outside)  # not a folder of rows
    assert not default_storage.exists(orphan)


def test_temporary_uploads_left_by_killed_requests_are_swept(settings, tmp_path):
    """Before: a killed upload left its temporary file in /tmp for good."""
    import time

    from django.core.files.uploadedfile import TemporaryUploadedFile

    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)
    left = TemporaryUploadedFile("plan.pdf", "application/pdf", 10, None)  # where Django streams big uploads
    left.write(b"%PDF-1.4 x")
    left.flush()
    path = left.temporary_file_path()
    assert path.startswith(str(tmp_path))
    old = time.time() - 2 * settings.PORTAL_REQUEST_MAX_SECONDS - 1
    os.utime(path, (old, old))
    running = TemporaryUploadedFile("other.pdf", "application/pdf", 10, None)
    assert files.sweep_upload_temp() == [os.path.basename(path)]
    assert os.path.exists(running.temporary_file_path())
    running.close()
    with contextlib.suppress(FileNotFoundError):  # the sweep already deleted its file
        left.close()
