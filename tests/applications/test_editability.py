""" "Editable while draft or submitted" has one owner (workflow.is_editable); every change of a plan's content
asks it. A withdrawn plan stays as it was, even before the deadline."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from applications import services, workflow
from applications.models import Attachment, Participation
from applications.workflow import State, TransitionError
from tests.factories import PDF_BYTES, OrganizationFactory

from .conftest import BEFORE


@pytest.mark.parametrize("state", list(State))
def test_only_draft_and_submitted_are_editable(state):
    class Plan:
        status = state

    assert workflow.is_editable(Plan) is (state in (State.DRAFT, State.SUBMITTED))


@pytest.fixture
def withdrawn(complete, applicant):
    services.withdraw(applicant, complete, reason="사업 재검토", at=BEFORE)
    complete.refresh_from_db()
    assert complete.status == State.WITHDRAWN
    return complete


def test_a_withdrawn_plan_takes_no_new_file(withdrawn, applicant):
    upload = SimpleUploadedFile("extra.pdf", PDF_BYTES, content_type="application/pdf")
    with pytest.raises(TransitionError):
        services.upload_attachment(applicant, withdrawn, kind="other", upload=upload, at=BEFORE)


def test_a_withdrawn_plan_keeps_its_files(withdrawn, applicant):
    attachment = withdrawn.attachments.first()
    with pytest.raises(TransitionError):
        services.remove_attachment(applicant, attachment, at=BEFORE)
    assert Attachment.objects.get(pk=attachment.pk).removed_at is None


def test_a_withdrawn_plan_invites_no_participant(withdrawn, applicant):
    with pytest.raises(TransitionError):
        services.add_participant(applicant, withdrawn, organization=OrganizationFactory(), role="anchor", at=BEFORE)
    assert not Participation.objects.filter(application=withdrawn).exists()
