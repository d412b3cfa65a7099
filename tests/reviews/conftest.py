import datetime

import pytest

from accounts import roles
from applications.models import Attachment
from reviews.models import Assignment, Conflict, Rubric
from tests.factories import (
    KST,
    CallFactory,
    ExpertFactory,
    FieldFactory,
    UserFactory,
    assign,
    make_panel,
    make_rubric,
    reviewable_plan,
)

DURING = datetime.datetime(2026, 5, 10, 10, 0, tzinfo=KST)
AFTER_DUE = datetime.datetime(2026, 5, 30, 9, 0, tzinfo=KST)
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def review_call(db):
    return CallFactory(fields=[FieldFactory(code="BAT")])


@pytest.fixture
def rubric(review_call):
    return make_rubric(review_call, visibility=Rubric.Visibility.AFTER_SUBMITTING)


@pytest.fixture
def panel_setup(review_call, rubric):
    """A plan in advisory review and five evaluators in every situation an access test needs."""
    from django.core.files.base import ContentFile

    plan = reviewable_plan(review_call)
    attachment = Attachment(
        application=plan,
        kind="plan_document",
        original_name="육성계획서.pdf",
        content_type="application/pdf",
        size=len(PDF_BYTES),
        sha256="a" * 64,
        uploaded_by=plan.created_by,
    )
    attachment.file.save("plan.pdf", ContentFile(PDF_BYTES), save=False)
    attachment.save()
    version = plan.versions.get()
    version.content["attachments"] = [
        {"kind": "plan_document", "name": "육성계획서.pdf", "size": 40, "sha256": "a" * 64, "type": "application/pdf"}
    ]
    version.save()
    experts = {
        name: ExpertFactory(full_name=name) for name in ("ready", "pending", "declared", "pinned", "outsider", "peer")
    }
    panel = make_panel(review_call, members=list(experts.values()))
    assignments = {
        "ready": assign(panel, plan, experts["ready"]),
        "pending": assign(panel, plan, experts["pending"], Assignment.Declaration.PENDING),
        "declared": assign(panel, plan, experts["declared"], Assignment.Declaration.CONFLICT),
        "pinned": assign(panel, plan, experts["pinned"]),
        "peer": assign(panel, plan, experts["peer"]),
    }
    Conflict.objects.create(
        application=plan, user=experts["declared"], source=Conflict.Source.DECLARED, reason="전 소속"
    )
    Conflict.objects.create(application=plan, user=experts["pinned"], source=Conflict.Source.PINNED, reason="친족")
    return {"plan": plan, "panel": panel, "experts": experts, "assignments": assignments, "rubric": rubric}


@pytest.fixture
def chair(db):
    return UserFactory(roles=[roles.SUBCOMMITTEE_CHAIR])


@pytest.fixture
def staff(db):
    """The ministry official who runs the panels."""
    return UserFactory(roles=[roles.MINISTRY_STAFF], full_name="담당 사무관")
