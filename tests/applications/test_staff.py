"""Ministry staff: the plan list (filters, counts, pagination, query count), exports, screening, deadlines."""

import csv
import datetime
import io

import openpyxl
import pytest
import time_machine
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from accounts import roles
from accounts.models import Membership, Region
from applications import snapshot
from applications.models import Application, Call, DeadlineExtension, PlanVersion, Site
from applications.workflow import State
from core.models import ExportJob, OutboxMessage
from tests.exports import export_via_job, workbook_via_job
from tests.factories import (
    DEADLINE_2026,
    KST,
    PASSWORD,
    ApplicationFactory,
    CallFactory,
    FieldFactory,
    MembershipFactory,
    OrganizationFactory,
    UserFactory,
    complete_plan,
)
from tests.fixtures import assert_accessible, browser_log_in

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
BEFORE = datetime.datetime(2026, 2, 20, 10, 0, tzinfo=KST)
AFTER = datetime.datetime(2026, 3, 3, 9, 0, tzinfo=KST)
SUBMITTED_AT = datetime.datetime(2026, 2, 20, 10, 0, tzinfo=KST)
LIST = reverse("applications:staff_applications")
CSV = reverse("applications:staff_export_csv")
XLSX = reverse("applications:staff_export_xlsx")


@pytest.fixture
def battery():
    return FieldFactory(code="BAT", name_ko="이차전지 기초 원료", name_en="Secondary-battery basic raw materials")


@pytest.fixture
def robots():
    return FieldFactory(code="ROB", name_ko="로봇", name_en="Robots", sort_order=2)


@pytest.fixture
def call(battery, robots):
    return CallFactory(fields=[battery, robots])


def make_plan(
    call,
    *,
    field=None,
    organization=None,
    title=None,
    status=State.SUBMITTED,
    number=None,
    region="31",
    investment=1_500_000_000_000,
    jobs=850,
):
    """A plan in `status` (set directly: tests only), its site in `region`, with a receipt number once submitted."""
    field = field or call.fields.order_by("code").first()
    kwargs = {"call": call, "field": field}
    if organization is not None:
        kwargs["organization"] = organization
    if title is not None:
        kwargs["title"] = title
    application = ApplicationFactory(**kwargs)
    values = {"status": status, "total_investment_krw": investment, "total_direct_jobs": jobs}
    if status != State.DRAFT:
        # Generated numbers start at 100 so they never collide with the hand-picked ones tests use (e.g. 007).
        values["receipt_number"] = number or f"2026-{field.code}-{application.pk + 100:03d}"
        values["submitted_at"] = SUBMITTED_AT
    Application.objects.filter(pk=application.pk).update(**values)
    Site.objects.filter(application=application).update(region=Region.objects.get(code=region) if region else None)
    application.refresh_from_db()
    return application


def rows_of(response):
    return list(response.context["page"].object_list)


# --- who may open the staff pages ---------------------------------------------------------------------


def staff_urls(plan):
    return [
        LIST,
        CSV,
        XLSX,
        reverse("applications:staff_screen", args=[plan.pk]),
        reverse("applications:staff_deadline", args=[plan.call.slug]),
    ]


def test_staff_pages_send_anonymous_visitors_to_log_in(client, call):
    for url in staff_urls(make_plan(call)):
        response = client.get(url)
        assert response.status_code == 302, url
        assert reverse("accounts:login") in response["Location"]


def test_staff_pages_are_closed_to_applicants(client, call, applicant):
    plan = make_plan(call, organization=applicant.memberships.get().organization, status=State.RECEIVED)
    client.force_login(applicant)
    for url in staff_urls(plan):
        assert client.get(url).status_code == 403, url
    assert (
        client.post(reverse("applications:staff_screen", args=[plan.pk]), {"decision": "eligible"}).status_code == 403
    )
    response = client.post(
        reverse("applications:staff_deadline", args=[call.slug]), {"new_deadline": "2026-03-06T18:00", "reason": "x"}
    )
    assert response.status_code == 403
    plan.refresh_from_db()
    call.refresh_from_db()
    assert plan.status == State.RECEIVED and call.deadline == DEADLINE_2026


# --- the list -----------------------------------------------------------------------------------------


def test_list_shows_every_column(client, ministry_staff, call):
    organization = OrganizationFactory(name_ko="울산광역시청")
    plan = make_plan(call, organization=organization, title="울산 이차전지 원료 특화단지", number="2026-BAT-001")
    client.force_login(ministry_staff)
    response = client.get(LIST)
    assert response.status_code == 200
    html = response.content.decode()
    assert "2026-BAT-001" in html
    assert f'href="{reverse("applications:detail", args=[plan.pk])}"' in html
    assert "울산 이차전지 원료 특화단지" in html
    assert "울산광역시청" in html
    assert "이차전지 기초 원료" in html
    assert "울산광역시" in html
    assert "2026-02-20 10:00" in html  # KST
    assert "1,500,000,000,000" in html
    assert ">850<" in html
    assert plan.get_status_display() in html


def test_list_labels_are_english_on_request(client, ministry_staff, call):
    make_plan(call)
    client.force_login(ministry_staff)
    html = client.get(LIST, **EN).content.decode()
    for text in ("Receipt number", "Total planned investment (KRW)", "Plans per field", "Download as CSV"):
        assert text in html
    assert "<caption" in html and '<th scope="col">' in html


def test_received_plans_link_to_their_eligibility_check(client, ministry_staff, call):
    received = make_plan(call, status=State.RECEIVED)
    submitted = make_plan(call)
    client.force_login(ministry_staff)
    html = client.get(LIST).content.decode()
    assert reverse("applications:staff_screen", args=[received.pk]) in html
    assert reverse("applications:staff_screen", args=[submitted.pk]) not in html


def test_the_list_of_one_call_links_to_its_deadline_page(client, ministry_staff, call):
    make_plan(call)
    client.force_login(ministry_staff)
    deadline_link = reverse("applications:staff_deadline", args=[call.slug])
    assert deadline_link not in client.get(LIST).content.decode()
    assert deadline_link in client.get(LIST, {"call": call.pk}).content.decode()


@pytest.mark.parametrize(
    "query, expected",
    [
        ({"field": "robots"}, {"robot", "other"}),
        ({"region": "26"}, {"busan"}),
        ({"status": State.DRAFT}, {"draft"}),
        ({"q": "부산 반도체"}, {"busan"}),
        ({"q": "로봇기업협회"}, {"robot"}),
        ({"q": "2026-BAT-007"}, {"ulsan"}),
        ({"call": "other"}, {"other"}),
        ({"status": State.SUBMITTED, "region": "31"}, {"ulsan", "robot", "other"}),
        ({}, {"ulsan", "busan", "robot", "draft", "other"}),
    ],
)
def test_filters(client, ministry_staff, call, robots, query, expected):
    other_call = CallFactory(fields=[robots])
    plans = {
        "ulsan": make_plan(call, title="울산 이차전지 특화단지", number="2026-BAT-007"),
        "busan": make_plan(call, title="부산 반도체 특화단지", region="26"),
        "robot": make_plan(call, field=robots, organization=OrganizationFactory(name_ko="로봇기업협회")),
        "draft": make_plan(call, status=State.DRAFT),
        "other": make_plan(other_call),
    }
    params = dict(query)
    if params.get("field") == "robots":
        params["field"] = robots.pk
    if "region" in params:
        params["region"] = Region.objects.get(code=params["region"]).pk
    if params.get("call") == "other":
        params["call"] = other_call.pk
    client.force_login(ministry_staff)
    response = client.get(LIST, params)
    assert response.status_code == 200
    assert {a.pk for a in rows_of(response)} == {plans[name].pk for name in expected}


def test_counts_per_field_and_status_follow_the_filters(client, ministry_staff, call, robots):
    make_plan(call)
    make_plan(call)
    make_plan(call, status=State.DRAFT)
    make_plan(call, field=robots, status=State.WITHDRAWN)
    make_plan(call, field=robots, region="26")
    client.force_login(ministry_staff)
    counts = client.get(LIST).context["counts"]
    assert [(t.key, t.count) for t in counts["by_field"]] == [("BAT", 3), ("ROB", 2)]
    assert {t.key: t.count for t in counts["by_status"]} == {"draft": 1, "submitted": 3, "withdrawn": 1}
    filtered = client.get(LIST, {"region": Region.objects.get(code="31").pk}).context["counts"]
    assert [(t.label, t.count) for t in filtered["by_field"]] == [("이차전지 기초 원료", 3), ("로봇", 1)]
    assert {t.key: t.count for t in filtered["by_status"]} == {"draft": 1, "submitted": 2, "withdrawn": 1}


def test_a_bad_filter_is_explained_and_the_typed_values_are_kept(client, ministry_staff, call):
    wanted = make_plan(call, title="울산 이차전지 특화단지")
    make_plan(call, title="부산 반도체 특화단지")
    client.force_login(ministry_staff)
    response = client.get(LIST, {"q": "울산", "call": "999999", "status": "nonsense"}, **EN)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Select a valid choice" in html
    assert 'value="울산"' in html
    # the valid filter still applies
    assert [a.pk for a in rows_of(response)] == [wanted.pk]


def test_pagination_is_25_per_page_and_keeps_the_filters(client, ministry_staff, call):
    for _ in range(27):
        make_plan(call)
    make_plan(call, status=State.DRAFT)
    client.force_login(ministry_staff)
    first = client.get(LIST, {"status": State.SUBMITTED}, **EN)
    assert len(rows_of(first)) == 25
    html = first.content.decode()
    assert 'aria-label="Pages of the plan list"' in html
    assert 'aria-current="page"' in html
    assert "?status=submitted&amp;page=2" in html
    second = client.get(LIST, {"status": State.SUBMITTED, "page": 2})
    assert len(rows_of(second)) == 2
    # a page number past the end shows the last page rather than an error
    assert client.get(LIST, {"status": State.SUBMITTED, "page": 99}).context["page"].number == 2


def _many(call, n):
    robots = call.fields.get(code="ROB")
    for index in range(n):
        make_plan(
            call,
            field=robots if index % 2 else None,
            organization=OrganizationFactory(),
            region="26" if index % 3 else "31",
            status=State.RECEIVED if index % 4 else State.SUBMITTED,
        )


# Session, user, roles, the verified second-factor device, the filter form's choices (calls, fields, regions),
# paginator count, the page's rows, counts per field and per status: the same eleven whatever the number of plans.
MAX_QUERIES = 11


@pytest.mark.parametrize("n", [1, 50])
def test_list_queries_do_not_grow_with_rows(client, ministry_staff, call, django_assert_max_num_queries, n):
    _many(call, n)
    client.force_login(ministry_staff)
    with django_assert_max_num_queries(MAX_QUERIES):
        response = client.get(LIST)
    assert len(rows_of(response)) == min(n, 25)


@pytest.mark.parametrize("n", [1, 50])
def test_exports_queries_do_not_grow_with_rows(client, ministry_staff, call, django_assert_max_num_queries, n):
    _many(call, n)
    client.force_login(ministry_staff)
    with django_assert_max_num_queries(5):  # session, user, roles, second-factor device, the rows
        lines = b"".join(client.get(CSV).streaming_content).decode("utf-8-sig").splitlines()
    assert len(lines) == n + 1
    from core import export_jobs

    job = export_jobs.start(
        ministry_staff, "applications.plans_xlsx", {"query": ""}, filename="p.xlsx", at=timezone.now()
    )
    # the claim (lock, save), the count, the rows, the progress saved, the file stored (lock, save), savepoints
    with django_assert_max_num_queries(13):
        assert export_jobs.build(job.pk) == "ready"
    job.refresh_from_db()
    workbook = openpyxl.load_workbook(job.file.open("rb"))
    assert workbook.active.max_row == n + 1


# --- exports ------------------------------------------------------------------------------------------


@pytest.fixture
def export_plans(call, robots):
    return [
        make_plan(
            call,
            organization=OrganizationFactory(name_ko="울산광역시청"),
            title="울산 이차전지 원료 특화단지",
            number="2026-BAT-001",
        ),
        make_plan(call, field=robots, title='=HYPERLINK("http://evil.example")', number="2026-ROB-001", region="26"),
    ]


def test_csv_export_is_utf8_with_bom_and_follows_the_filters(client, ministry_staff, export_plans):
    client.force_login(ministry_staff)
    response = client.get(CSV, {"q": "울산"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith("attachment; filename=")
    body = b"".join(response.streaming_content)
    assert body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0][0] in ("접수번호", "Receipt number")  # the Korean catalogue may not be compiled yet
    assert len(rows) == 2
    assert rows[1][:3] == ["2026-BAT-001", "울산 이차전지 원료 특화단지", "울산광역시청"]
    assert rows[1][4] == "이차전지 기초 원료"
    assert rows[1][5] == "울산광역시"
    assert rows[1][7] == "2026-02-20 10:00"
    assert rows[1][8:] == ["1500000000000", "850"]


def test_csv_export_headers_in_english_and_formulas_neutralised(client, ministry_staff, export_plans):
    client.force_login(ministry_staff)
    body = b"".join(client.get(CSV, **EN).streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0][0] == "Receipt number"
    assert rows[0][8] == "Total planned investment (KRW)"
    formula = next(row for row in rows if row[0] == "2026-ROB-001")
    assert formula[1] == '\'=HYPERLINK("http://evil.example")'
    assert formula[4] == "Robots" and formula[5] == "Busan Metropolitan City"


def test_xlsx_export_has_a_bold_header_widths_and_numbers(client, ministry_staff, export_plans):
    client.force_login(ministry_staff)
    english = workbook_via_job(client, XLSX, **EN).active
    header = [cell.value for cell in english[1]]
    assert header[0] == "Receipt number" and header[8] == "Total planned investment (KRW)"
    _job, response, content = export_via_job(client, XLSX)
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"].startswith('attachment; filename="plans-')
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    assert all(cell.font.bold for cell in sheet[1])
    assert sheet.column_dimensions["B"].width > sheet.column_dimensions["A"].width
    rows = {row[0]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    ulsan = rows["2026-BAT-001"]
    assert ulsan[1] == "울산 이차전지 원료 특화단지"
    assert ulsan[2] == "울산광역시청"
    assert ulsan[7] == datetime.datetime(2026, 2, 20, 10, 0)
    assert ulsan[8] == 1_500_000_000_000 and isinstance(ulsan[8], int)
    assert ulsan[9] == 850
    assert sheet["I2"].number_format == "#,##0"
    # text typed by an applicant is never stored as a formula
    assert rows["2026-ROB-001"][1] == '=HYPERLINK("http://evil.example")'
    formula_cell = next(cell for cell in sheet["B"] if cell.value == '=HYPERLINK("http://evil.example")')
    assert formula_cell.data_type == "s"


def test_xlsx_export_follows_the_filters(client, ministry_staff, export_plans, robots):
    client.force_login(ministry_staff)
    sheet = workbook_via_job(client, XLSX, {"field": robots.pk}).active
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == ["2026-ROB-001"]


def test_the_xlsx_button_shows_a_page_that_offers_the_file_once_it_is_built(client, ministry_staff, export_plans):
    """The flow a staff user sees, with the task run on commit as the eager in-process Celery runs it."""
    client.force_login(ministry_staff)
    listing = client.get(LIST, {"q": "울산", "page": 1}).content.decode()
    assert f'<form method="post" action="{XLSX}?q=%EC%9A%B8%EC%82%B0">' in listing  # the filters, not the page
    assert client.get(XLSX).status_code == 405  # a link prefetched or crawled starts nothing
    with TestCase.captureOnCommitCallbacks(execute=True) as callbacks:
        waiting = client.post(f"{XLSX}?q=%EC%9A%B8%EC%82%B0", follow=True)
    assert len(callbacks) == 1
    assert "파일을 준비하고 있습니다…" in waiting.content.decode()  # rendered before the commit queued the task
    job = ExportJob.objects.get()
    assert waiting.redirect_chain == [(reverse("core:export_job", args=[job.pk]), 302)]
    assert job.params == {"query": "q=%EC%9A%B8%EC%82%B0"} and job.back_url == f"{LIST}?q=%EC%9A%B8%EC%82%B0"
    assert job.filename.startswith("plans-") and job.filename.endswith(".xlsx")
    ready = client.get(waiting.redirect_chain[0][0]).content.decode()
    assert "파일이 준비되었습니다" in ready and "http-equiv" not in ready
    download = client.get(reverse("core:export_download", args=[job.pk]))
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(download.streaming_content))).active
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == ["2026-BAT-001"]
    client.force_login(UserFactory(roles=[roles.MINISTRY_STAFF]))  # a colleague with the same role
    assert client.get(reverse("core:export_download", args=[job.pk])).status_code == 404


# --- screening ----------------------------------------------------------------------------------------


@pytest.fixture
def received(call, applicant):
    """A complete plan of the applicant's organisation, frozen as version 1 and received after the deadline."""
    organization = applicant.memberships.get().organization
    plan = complete_plan(ApplicationFactory(call=call, field=call.fields.get(code="BAT"), organization=organization))
    fresh = Application.objects.select_related("call", "field", "organization").get(pk=plan.pk)
    content = snapshot.serialize(fresh)
    PlanVersion.objects.create(
        application=plan,
        number=1,
        content=content,
        sha256=snapshot.digest(content),
        submitted_at=SUBMITTED_AT,
        submitted_by=applicant,
    )
    Application.objects.filter(pk=plan.pk).update(
        status=State.RECEIVED, receipt_number="2026-BAT-001", submitted_at=SUBMITTED_AT
    )
    plan.refresh_from_db()
    return plan


def screen_url(plan):
    return reverse("applications:staff_screen", args=[plan.pk])


def test_the_list_links_a_received_plan_to_its_screening(client, ministry_staff, received, call):
    waiting = make_plan(call, organization=OrganizationFactory(), title="접수 전", status=State.SUBMITTED)
    client.force_login(ministry_staff)
    html = client.get(LIST).content.decode()
    assert f'<a class="small" href="{screen_url(received)}">' in html
    assert screen_url(waiting) not in html  # only a received plan waits to be screened
    assert '<time datetime="2026-02-20T10:00:00+09:00">2026-02-20 10:00</time>' in html


def test_screening_page_summarises_the_frozen_version(client, ministry_staff, received):
    client.force_login(ministry_staff)
    response = client.get(screen_url(received), **EN)
    assert response.status_code == 200
    html = response.content.decode()
    assert "2026-BAT-001" in html
    assert "온산 이차전지 원료 특화단지" in html
    assert "1,500,000,000,000" in html
    assert reverse("applications:version", args=[received.pk, 1]) in html
    assert "Missing" in html  # no attachments in this version
    assert 'name="decision"' in html and 'name="reason"' in html


def test_eligible_plan_moves_on_and_the_applicant_is_told(
    client, ministry_staff, received, applicant, django_capture_on_commit_callbacks, mailoutbox
):
    editor = MembershipFactory(organization=received.organization, role=Membership.Role.EDITOR).user
    viewer = MembershipFactory(organization=received.organization, role=Membership.Role.VIEWER).user
    client.force_login(ministry_staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(screen_url(received), {"decision": "eligible", "reason": ""})
    assert response.status_code == 302
    received.refresh_from_db()
    assert received.status == State.SCREENED
    event = received.audit_events.get(action="screen")
    assert event.actor == ministry_staff and event.from_status == State.RECEIVED
    assert len(mailoutbox) == 1
    assert sorted(mailoutbox[0].to) == sorted([applicant.email, editor.email])
    assert viewer.email not in mailoutbox[0].to
    assert "2026-BAT-001" in mailoutbox[0].subject
    assert received.title in mailoutbox[0].body


def test_ineligible_needs_a_reason_which_the_applicant_receives(
    client, ministry_staff, received, django_capture_on_commit_callbacks, mailoutbox
):
    client.force_login(ministry_staff)
    response = client.post(screen_url(received), {"decision": "ineligible", "reason": "  "}, **EN)
    assert response.status_code == 200
    assert "Say why the plan is ineligible" in response.content.decode()
    received.refresh_from_db()
    assert received.status == State.RECEIVED
    assert not OutboxMessage.objects.exists()

    reason = "투자협약서(MOU)가 첨부되지 않았습니다."
    with django_capture_on_commit_callbacks(execute=True):
        client.post(screen_url(received), {"decision": "ineligible", "reason": reason})
    received.refresh_from_db()
    assert received.status == State.INELIGIBLE
    assert received.status_reason == reason
    assert len(mailoutbox) == 1 and reason in mailoutbox[0].body
    html = client.get(screen_url(received)).content.decode()
    assert reason in html


def test_a_plan_that_is_not_received_cannot_be_screened_and_the_page_says_why(client, ministry_staff, call, received):
    submitted = make_plan(call)
    client.force_login(ministry_staff)
    page = client.get(screen_url(submitted), **EN).content.decode()
    assert "once the call&#x27;s deadline has passed" in page
    assert 'name="decision"' not in page
    response = client.post(screen_url(submitted), {"decision": "eligible"}, **EN)
    assert response.status_code == 409
    assert "This action is not possible while the plan is “Submitted”." in response.content.decode()
    submitted.refresh_from_db()
    assert submitted.status == State.SUBMITTED

    # screening twice: the second decision is refused and the first stands
    client.post(screen_url(received), {"decision": "eligible"})
    again = client.post(screen_url(received), {"decision": "ineligible", "reason": "다시"}, **EN)
    assert again.status_code == 409
    assert "Eligible (screened)" in again.content.decode()
    received.refresh_from_db()
    assert received.status == State.SCREENED
    assert OutboxMessage.objects.filter(reference__startswith="applications.screening:").count() == 1


# --- deadline extension -------------------------------------------------------------------------------


def deadline_url(call):
    return reverse("applications:staff_deadline", args=[call.slug])


def test_extending_the_deadline_tells_every_organisation_with_a_draft_or_submission(
    client, ministry_staff, call, django_capture_on_commit_callbacks, mailoutbox
):
    draft = make_plan(call, status=State.DRAFT)
    submitted = make_plan(call)
    withdrawn = make_plan(call, status=State.WITHDRAWN)
    owners = {
        plan.pk: MembershipFactory(organization=plan.organization, role=Membership.Role.OWNER).user
        for plan in (draft, submitted, withdrawn)
    }
    client.force_login(ministry_staff)
    with time_machine.travel(BEFORE, tick=False), django_capture_on_commit_callbacks(execute=True):
        page = client.get(deadline_url(call), **EN)
        assert "2026-02-27 18:00" in page.content.decode()
        response = client.post(
            deadline_url(call), {"new_deadline": "2026-03-06T18:00", "reason": "설 연휴로 1주 연장합니다."}
        )
    assert response.status_code == 302
    call.refresh_from_db()
    assert call.deadline == datetime.datetime(2026, 3, 6, 18, 0, tzinfo=KST)
    extension = DeadlineExtension.objects.get(call=call)
    assert extension.previous_deadline == DEADLINE_2026 and extension.actor == ministry_staff
    recipients = sorted(address for message in mailoutbox for address in message.to)
    assert recipients == sorted([owners[draft.pk].email, owners[submitted.pk].email])
    body = mailoutbox[0].body
    assert "2026-03-06 18:00" in body and "2026-02-27 18:00" in body and "설 연휴로 1주 연장합니다." in body
    assert call.title_ko in mailoutbox[0].subject

    history = client.get(deadline_url(call)).content.decode()
    assert "설 연휴로 1주 연장합니다." in history
    assert "2026-03-06 18:00" in history


def test_the_new_deadline_is_read_as_seoul_time_whatever_the_server_zone(client, ministry_staff, call, settings):
    settings.TIME_ZONE = "UTC"
    client.force_login(ministry_staff)
    with time_machine.travel(BEFORE, tick=False):
        client.post(deadline_url(call), {"new_deadline": "2026-03-06T18:00", "reason": "연장"})
    call.refresh_from_db()
    assert call.deadline == datetime.datetime(2026, 3, 6, 9, 0, tzinfo=datetime.UTC)


@pytest.mark.parametrize(
    "data, message",
    [
        ({"new_deadline": "2026-03-06T18:00", "reason": ""}, "Give a reason for the change"),
        ({"new_deadline": "2026-02-27T17:00", "reason": "단축"}, "later than the current one (2026-02-27 18:00 KST)"),
        ({"new_deadline": "2026-02-19T18:00", "reason": "과거"}, "must be in the future"),
        ({"new_deadline": "내일 저녁", "reason": "연장"}, "Enter a valid date/time"),
    ],
)
def test_a_bad_deadline_change_is_explained_and_nothing_changes(client, ministry_staff, call, data, message):
    client.force_login(ministry_staff)
    with time_machine.travel(BEFORE, tick=False):
        response = client.post(deadline_url(call), data, **EN)
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert f'value="{data["new_deadline"]}"' in html
    if data["reason"]:
        assert data["reason"] in html
    call.refresh_from_db()
    assert call.deadline == DEADLINE_2026
    assert not DeadlineExtension.objects.exists()


def test_a_closed_call_can_be_reopened_by_an_extension(client, ministry_staff, call):
    Call.objects.filter(pk=call.pk).update(closed_at=DEADLINE_2026)
    client.force_login(ministry_staff)
    with time_machine.travel(AFTER, tick=False):
        client.post(deadline_url(call), {"new_deadline": "2026-03-10T18:00", "reason": "시스템 장애"})
    call.refresh_from_db()
    assert call.closed_at is None
    assert call.deadline == datetime.datetime(2026, 3, 10, 18, 0, tzinfo=KST)


# --- in the browser -----------------------------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_staff_pages_pass_axe_core(page, call):
    staff = UserFactory(roles=[roles.MINISTRY_STAFF])
    for _ in range(26):
        make_plan(call)
    plan = make_plan(call, status=State.RECEIVED)
    PlanVersion.objects.create(
        application=plan,
        number=1,
        content={"application": {}, "sections": {}, "attachments": []},
        sha256="0" * 64,
        submitted_at=SUBMITTED_AT,
        submitted_by=staff,
    )
    browser_log_in(page, staff.email, PASSWORD)

    page.goto(f"{LIST}?q=울산&call=999999")
    assert page.locator("h1").count() == 1
    assert page.locator("nav.pagination, ul.pagination").count() == 1
    assert page.locator(".is-invalid").count() == 1
    assert_accessible(page, context="staff list with a bad filter")
    page.goto(reverse("applications:staff_screen", args=[plan.pk]))
    page.locator("input[value=ineligible]").check()
    page.locator("form[novalidate] button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator("#id_reason.is-invalid").count() == 1
    assert_accessible(page, context="screening with an error")
    page.goto(reverse("applications:staff_deadline", args=[call.slug]))
    page.locator("form[novalidate] button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator(".is-invalid").count() == 2
    assert_accessible(page, context="deadline change with errors")
