"""The per-plan staff page: who scored what, reopening a review (audited, lets the evaluator submit after the
due date), starting the expert review, moving to the subcommittee (guard and override), the score sheet."""

import datetime

import openpyxl
import pytest
import time_machine
from django.urls import reverse

from applications.models import AuditEvent
from applications.workflow import State
from reviews import services
from reviews.models import Review, ReviewPacket
from reviews.services import ReviewRefused
from tests.exports import export_via_job
from tests.factories import (
    KST,
    CallFactory,
    ExpertFactory,
    assign,
    make_panel,
    make_rubric,
    reviewable_plan,
    submitted_review,
)

from .conftest import EN

pytestmark = pytest.mark.django_db
AFTER_DUE = datetime.datetime(2026, 6, 1, 10, 0, tzinfo=KST)  # reviews were due 2026-05-29 18:00 KST


@pytest.fixture
def setup(db):
    call = CallFactory()
    rubric = make_rubric(call)
    experts = [ExpertFactory(full_name=name) for name in ("김하나", "이두리", "박세찌")]
    panel = make_panel(call, members=experts)
    plan = reviewable_plan(call)
    assignments = [assign(panel, plan, expert) for expert in experts]
    return {
        "call": call,
        "rubric": rubric,
        "experts": experts,
        "panel": panel,
        "plan": plan,
        "assignments": assignments,
    }


def url(name, setup, *extra):
    return reverse(f"reviews:{name}", args=[setup["panel"].pk, setup["plan"].pk, *extra])


def test_staff_see_who_scored_what(client, staff, setup):
    submitted_review(setup["assignments"][0], (25, 20, 15, 10, 10, 10, 9.5), comment="투자 확약서 확인")
    client.force_login(staff)
    page = client.get(url("staff_plan", setup), **EN).content.decode()
    assert "Review by 김하나" in page and "99.5" in page and "투자 확약서 확인" in page
    assert "이두리" in page and "not started" in page


def test_reopen_is_audited_and_lets_the_evaluator_submit_after_the_due_date(client, staff, setup):
    assignment = setup["assignments"][0]
    review = submitted_review(assignment, (20, 15, 10, 8, 8, 8, 8))
    client.force_login(staff)
    with time_machine.travel(AFTER_DUE, tick=False):
        response = client.post(
            url("staff_reopen", setup, review.pk),
            {f"reopen-{review.pk}-until": "2026-06-05T18:00", f"reopen-{review.pk}-reason": "제출 시스템 장애"},
            **EN,
        )
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.status == Review.Status.DRAFT and review.total is None
    assert review.reopened_until == datetime.datetime(2026, 6, 5, 9, 0, tzinfo=datetime.UTC)  # 18:00 KST
    event = AuditEvent.objects.get(action="review_reopened")
    assert (event.actor, event.reason, event.application) == (staff, "제출 시스템 장애", setup["plan"])
    assert event.data["reviewer"] == setup["experts"][0].pk

    resubmitted = services.submit_review(setup["experts"][0], assignment, at=AFTER_DUE + datetime.timedelta(days=1))
    assert resubmitted.is_submitted and resubmitted.total == 77
    # without a reopening, a draft after the due date stays closed
    other = Review.objects.create(assignment=setup["assignments"][1], version=review.version, overall_opinion="의견")
    with pytest.raises(ReviewRefused):
        services.submit_review(setup["experts"][1], other.assignment, at=AFTER_DUE)


def test_reopen_needs_a_reason_and_a_future_time(client, staff, setup):
    review = submitted_review(setup["assignments"][0], (20, 15, 10, 8, 8, 8, 8))
    client.force_login(staff)
    with time_machine.travel(AFTER_DUE, tick=False):
        response = client.post(
            url("staff_reopen", setup, review.pk),
            {f"reopen-{review.pk}-until": "2026-05-31T18:00", f"reopen-{review.pk}-reason": ""},
            **EN,
        )
    assert response.status_code == 400
    page = response.content.decode()
    assert "The new due time must be in the future." in page and "Please give a reason." in page
    review.refresh_from_db()
    assert review.is_submitted and not AuditEvent.objects.filter(action="review_reopened").exists()


def test_start_expert_review(client, staff, setup):
    plan = reviewable_plan(setup["call"], status=State.SCREENED)
    client.force_login(staff)
    response = client.post(reverse("reviews:staff_start", args=[setup["panel"].pk, plan.pk]), follow=True, **EN)
    assert "Expert review started for this plan." in response.content.decode()
    plan.refresh_from_db()
    assert plan.status == State.ADVISORY_REVIEW
    assert AuditEvent.objects.filter(application=plan, action="start_advisory_review", actor=staff).exists()


def test_moving_on_before_all_reviews_are_in_needs_a_reason(client, staff, setup):
    submitted_review(setup["assignments"][0], (20, 15, 10, 8, 8, 8, 8))
    client.force_login(staff)
    response = client.post(url("staff_move", setup), {"reason": "", "understood": "on"}, **EN)
    assert response.status_code == 409
    assert "Not all assigned evaluators have submitted their review yet." in response.content.decode()
    setup["plan"].refresh_from_db()
    assert setup["plan"].status == State.ADVISORY_REVIEW

    response = client.post(
        url("staff_move", setup), {"reason": "위원 1인 장기 입원, 2인 평가로 진행", "understood": "on"}, **EN
    )
    assert response.status_code == 302
    setup["plan"].refresh_from_db()
    assert setup["plan"].status == State.SUBCOMMITTEE
    event = AuditEvent.objects.get(application=setup["plan"], action="to_subcommittee_override")
    assert event.reason == "위원 1인 장기 입원, 2인 평가로 진행"


def test_moving_on_when_every_review_is_in(client, staff, setup):
    for assignment in setup["assignments"]:
        submitted_review(assignment, (20, 15, 10, 8, 8, 8, 8))
    client.force_login(staff)
    assert client.post(url("staff_move", setup), {"reason": "", "understood": "on"}).status_code == 302
    assert AuditEvent.objects.filter(application=setup["plan"], action="to_subcommittee").exists()


def test_requesting_the_packet_creates_one_row_and_queues_once(
    client, staff, setup, django_capture_on_commit_callbacks
):
    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(url("staff_packet", setup), follow=True, **EN)
    assert len(callbacks) == 1
    assert "The review packet is being prepared." in response.content.decode()  # rendered before the commit
    packet = ReviewPacket.objects.get()
    assert packet.is_ready and len(packet.sha256) == 64  # eager Celery in tests: produced on commit
    assert "Download the review packet of version 1" in client.get(url("staff_plan", setup), **EN).content.decode()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        client.post(url("staff_packet", setup))
    assert not callbacks and ReviewPacket.objects.count() == 1  # reused, not queued again
    download = client.get(url("staff_packet_download", setup))
    assert download["Content-Disposition"].startswith("attachment;")
    assert b"".join(download.streaming_content).startswith(b"%PDF-")


def test_score_sheet_has_one_row_per_score_and_a_summary(client, staff, setup):
    submitted_review(setup["assignments"][0], (20, 15, 10, 8, 8, 8, 8), comment='=HYPERLINK("http://x")')
    submitted_review(setup["assignments"][1], (25, 20, 15, 10, 10, 10, 10))
    client.force_login(staff)
    job, response, content = export_via_job(
        client, reverse("reviews:staff_score_sheet", args=[setup["panel"].pk]), **EN
    )
    assert response["Content-Disposition"].startswith(f'attachment; filename="scores-panel-{setup["panel"].pk}-')
    assert job.rows_done == job.rows_total == 1 + 2 * 7  # one ranked plan, fourteen scores
    import io

    workbook = openpyxl.load_workbook(io.BytesIO(content))
    assert workbook.sheetnames == ["Summary", "Scores"]
    scores = list(workbook["Scores"].iter_rows(values_only=True))
    assert scores[0][:3] == ("Receipt number", "Plan title", "Evaluator")
    assert len(scores) == 1 + 2 * 7
    assert {row[2] for row in scores[1:]} == {"김하나", "이두리"}
    first = scores[1]
    assert first[5] == 20 and first[7] == 77
    # a comment that looks like a formula stays text
    cell = workbook["Scores"]["G2"]
    assert cell.data_type == "s" and cell.value.startswith("=HYPERLINK")
    summary = list(workbook["Summary"].iter_rows(values_only=True))
    assert summary[1][4] == 2 and summary[1][5] == pytest.approx(88.5)


def test_moving_on_needs_the_box_that_says_what_happens(client, staff, setup):
    for assignment in setup["assignments"]:
        submitted_review(assignment, (20, 15, 10, 8, 8, 8, 8))
    client.force_login(staff)
    page = client.get(url("staff_plan", setup), **EN).content.decode()
    assert "no evaluator of this panel can submit or change a review of it afterwards" in page
    response = client.post(url("staff_move", setup), {"reason": ""}, **EN)
    assert response.status_code == 409
    assert 'href="#id_understood"' in response.content.decode()
    setup["plan"].refresh_from_db()
    assert setup["plan"].status == State.ADVISORY_REVIEW
