import io
import zipfile

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import Membership
from applications.models import Attachment
from tests.factories import PDF_BYTES

from .conftest import BEFORE

pytestmark = pytest.mark.django_db
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture(autouse=True)
def before_deadline():
    with time_machine.travel(BEFORE, tick=False):
        yield


def upload(client, plan, kind, name, content, **extra):
    return client.post(
        reverse("applications:attachments", args=[plan.pk]),
        {"kind": kind, "file": SimpleUploadedFile(name, content)},
        HTTP_ACCEPT_LANGUAGE="en",
        **extra,
    )


def hwpx_bytes():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/hwp+zip")
        archive.writestr("Contents/section0.xml", "<hs:sec/>")
    return buffer.getvalue()


def test_a_real_pdf_is_stored_hashed_and_under_a_generated_name(client, plan, applicant):
    client.force_login(applicant)
    response = upload(client, plan, "plan_document", "육성계획서 최종.pdf", PDF_BYTES)
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    import hashlib

    assert attachment.sha256 == hashlib.sha256(PDF_BYTES).hexdigest()
    assert attachment.original_name == "육성계획서 최종.pdf"
    assert "육성계획서" not in attachment.file.name and attachment.file.name.endswith(".pdf")
    download = client.get(reverse("applications:attachment", args=[plan.pk, attachment.pk]))
    assert b"".join(download.streaming_content) == PDF_BYTES
    assert download["Content-Disposition"].startswith("attachment")


def test_a_renamed_png_is_refused_by_content(client, plan, applicant):
    client.force_login(applicant)
    html = upload(client, plan, "plan_document", "plan.pdf", PNG).content.decode()
    assert "is not a PDF file" in html and "checked by its content" in html
    assert not Attachment.objects.exists()


def test_an_empty_file_is_refused(client, plan, applicant):
    client.force_login(applicant)
    html = upload(client, plan, "plan_document", "empty.pdf", b"").content.decode()
    assert "is empty" in html
    assert not Attachment.objects.exists()


def test_an_oversize_file_is_refused_with_the_limit(client, plan, applicant, settings):
    settings.PORTAL_MAX_UPLOAD_BYTES = 1024
    client.force_login(applicant)
    html = upload(client, plan, "plan_document", "big.pdf", PDF_BYTES + b"0" * 2048).content.decode()
    assert "the limit is 1.0 KB per file" in html
    assert not Attachment.objects.exists()


def test_the_per_plan_total_is_enforced(client, plan, applicant, settings):
    settings.PORTAL_MAX_APPLICATION_BYTES = len(PDF_BYTES) + 10
    client.force_login(applicant)
    assert upload(client, plan, "plan_document", "a.pdf", PDF_BYTES).status_code == 302
    html = upload(client, plan, "other", "b.pdf", PDF_BYTES).content.decode()
    assert "per plan" in html
    assert Attachment.objects.count() == 1


def test_a_path_traversal_name_is_neutralised(client, plan, applicant):
    client.force_login(applicant)
    assert upload(client, plan, "other", "../../../etc/passwd.pdf", PDF_BYTES).status_code == 302
    attachment = Attachment.objects.get()
    assert ".." not in attachment.file.name and "/etc/" not in attachment.file.name
    assert attachment.original_name == "passwd.pdf"
    assert attachment.file.name.startswith(f"applications/{plan.pk}/")


def test_korean_office_formats_are_recognised(client, plan, applicant):
    client.force_login(applicant)
    assert upload(client, plan, "investment_mou", "투자협약서.hwpx", hwpx_bytes()).status_code == 302
    assert Attachment.objects.get().content_type == "application/hwp+zip"
    html = upload(client, plan, "plan_document", "계획서.hwpx", hwpx_bytes()).content.decode()
    assert "is not a PDF file" in html


def test_removing_a_file_hides_it_but_keeps_it_for_versions(
    client, plan, applicant, django_capture_on_commit_callbacks
):
    from applications.models import PlanVersion

    client.force_login(applicant)
    upload(client, plan, "plan_document", "a.pdf", PDF_BYTES)
    attachment = Attachment.objects.get()
    PlanVersion.objects.create(
        application=plan,
        number=1,
        sha256="0" * 64,
        submitted_at=BEFORE,
        submitted_by=applicant,
        content={"attachments": [{"sha256": attachment.sha256}]},
    )
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("applications:remove_attachment", args=[plan.pk, attachment.pk]))
    attachment.refresh_from_db()
    assert attachment.removed_at is not None
    assert attachment.file.storage.exists(attachment.file.name)


def test_a_removed_file_no_version_lists_is_deleted_from_disk(
    client, plan, applicant, django_capture_on_commit_callbacks
):
    """Before: removed attachments stayed on disk forever, counted against nothing."""
    client.force_login(applicant)
    upload(client, plan, "plan_document", "a.pdf", PDF_BYTES)
    attachment = Attachment.objects.get()
    name, storage = attachment.file.name, attachment.file.storage
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("applications:remove_attachment", args=[plan.pk, attachment.pk]))
    attachment.refresh_from_db()
    assert attachment.removed_at is not None and attachment.sha256  # the row keeps what the history shows
    assert not attachment.file
    assert not storage.exists(name)


def test_removing_a_file_is_confirmed_on_a_page_that_says_what_happens(client, complete, applicant, editor_of):
    attachment = complete.attachments.first()
    url = reverse("applications:remove_attachment", args=[complete.pk, attachment.pk])
    client.force_login(applicant)
    listing = client.get(reverse("applications:attachments", args=[complete.pk])).content.decode()
    assert f'href="{url}"' in listing  # a link to the confirmation, not a button that removes
    html = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "will not be part of the next submission" in html and f'action="{url}"' in html
    assert Attachment.objects.get(pk=attachment.pk).removed_at is None
    client.force_login(editor_of(complete, role=Membership.Role.VIEWER))
    assert client.get(url).status_code == 403  # a viewer is not offered what they may not do
