import datetime

import pytest

from accounts.models import Membership
from applications.models import Attachment
from tests.factories import KST, ApplicationFactory, CallFactory, FieldFactory, MembershipFactory, complete_plan

BEFORE = datetime.datetime(2026, 2, 20, 10, 0, tzinfo=KST)
PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def call(db):
    return CallFactory(fields=[FieldFactory(code="BAT")])


@pytest.fixture
def plan(call, applicant):
    """A draft plan of the `applicant` fixture's organisation."""
    organization = applicant.memberships.get().organization
    return ApplicationFactory(call=call, organization=organization, created_by=applicant)


@pytest.fixture
def complete(plan, applicant, settings, tmp_path):
    """The plan with every section filled and the required files uploaded."""
    from django.core.files.base import ContentFile

    complete_plan(plan)
    for kind in Attachment.REQUIRED_KINDS:
        attachment = Attachment(
            application=plan,
            kind=kind,
            original_name=f"{kind}.pdf",
            content_type="application/pdf",
            size=len(PDF_BYTES),
            sha256="0" * 64,
            uploaded_by=applicant,
        )
        attachment.file.save(f"{kind}.pdf", ContentFile(PDF_BYTES), save=False)
        attachment.save()
    return plan


@pytest.fixture
def editor_of(db):
    def make(application, role=Membership.Role.EDITOR):
        return MembershipFactory(organization=application.organization, role=role).user

    return make
