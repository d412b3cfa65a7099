import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from applications.models import Call
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


@pytest.mark.parametrize(
    "model",
    ["call", "field", "existingcomplex", "application", "planversion", "auditevent", "deadlineextension", "question"],
)
def test_admin_lists_open(admin_client, model, call):
    assert admin_client.get(reverse(f"admin:applications_{model}_changelist")).status_code == 200


def test_published_deadline_is_read_only_in_the_admin(admin_client, call):
    html = admin_client.get(reverse("admin:applications_call_change", args=[call.pk])).content.decode()
    assert 'name="deadline_0"' not in html


def test_audit_events_cannot_be_changed_in_the_admin(admin_client, plan):
    from applications import audit

    event = audit.record(action="created", application=plan)
    response = admin_client.post(reverse("admin:applications_auditevent_change", args=[event.pk]), {"reason": "x"})
    assert response.status_code == 403


def test_guideline_document_gets_its_hash(admin_client, call, settings):
    from applications.models import CallDocument

    call.published = False
    call.save()
    url = reverse("admin:applications_call_change", args=[call.pk])
    page = admin_client.get(url)
    data = {k: v for k, v in page.context["adminform"].form.initial.items() if v is not None}
    data.update(
        {
            "slug": call.slug,
            "title_ko": call.title_ko,
            "title_en": call.title_en,
            "authority_ko": "산업통상부",
            "authority_en": "MOTI",
            "issuer_title_ko": "장관",
            "issuer_title_en": "Minister",
            "document_number_prefix": "과",
            "opens_at_0": "2025-12-29",
            "opens_at_1": "09:00:00",
            "deadline_0": "2026-02-27",
            "deadline_1": "18:00:00",
            "fields": [f.pk for f in call.fields.all()],
            "documents-TOTAL_FORMS": "1",
            "documents-INITIAL_FORMS": "0",
            "documents-0-title": "공고문",
            "documents-0-sort_order": "0",
            "documents-0-file": SimpleUploadedFile("공고문.pdf", b"%PDF-1.4 guideline"),
            "briefings-TOTAL_FORMS": "0",
            "briefings-INITIAL_FORMS": "0",
        }
    )
    data = {k: v for k, v in data.items() if not isinstance(v, Call)}
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    document = CallDocument.objects.get()
    assert len(document.sha256) == 64 and document.size == len(b"%PDF-1.4 guideline")
