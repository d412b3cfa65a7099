"""Briefing sessions (설명회): registering an organisation, seats, cancelling, and the staff's lists and exports."""

import csv
import datetime
import io

import openpyxl
import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership
from applications import briefing_services
from applications.models import BriefingRegistration, BriefingSession
from core import export_jobs
from core.clock import kst_date
from tests.exports import export_via_job
from tests.factories import CallFactory, MembershipFactory, OrganizationFactory

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def briefing(db):
    return BriefingSession.objects.create(
        call=CallFactory(),
        starts_at=timezone.now() + datetime.timedelta(days=7),
        place_ko="서울 코엑스 컨퍼런스룸 301호",
        place_en="COEX conference room 301, Seoul",
        capacity=10,
    )


def organization_of(user):
    return user.memberships.get().organization


def register_url(session):
    return reverse("applications:briefing_register", args=[session.call.slug, session.pk])


def register(session, user, attendees, names="홍길동 과장"):
    return BriefingRegistration.objects.create(
        session=session,
        organization=organization_of(user),
        registered_by=user,
        attendees=attendees,
        attendee_names=names,
    )


def post_registration(client, session, user, attendees, names="홍길동 과장, 김영희 주무관"):
    data = {"organization": organization_of(user).pk, "attendees": attendees, "attendee_names": names}
    return client.post(register_url(session), data, **EN)


# --- access per role --------------------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_log_in(client, briefing, applicant):
    registration = register(briefing, applicant, 1)
    urls = [
        ("get", register_url(briefing)),
        ("post", register_url(briefing)),
        ("post", reverse("applications:briefing_cancel", args=[briefing.call.slug, registration.pk])),
        ("get", reverse("applications:staff_briefings")),
        ("get", reverse("applications:staff_briefing", args=[briefing.pk])),
        ("get", reverse("applications:staff_briefing_export", args=[briefing.pk, "csv"])),
        ("get", reverse("applications:staff_briefing_export", args=[briefing.pk, "xlsx"])),
    ]
    for method, url in urls:
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("accounts:login")), url
    registration.refresh_from_db()
    assert registration.cancelled_at is None


@pytest.mark.parametrize(
    ("name", "extra"),
    [
        ("applications:staff_briefings", []),
        ("applications:staff_briefing", ["pk"]),
        ("applications:staff_briefing_export", ["pk", "csv"]),
        ("applications:staff_briefing_export", ["pk", "xlsx"]),
    ],
)
def test_staff_pages_are_closed_to_applicants(client, briefing, applicant, name, extra):
    client.force_login(applicant)
    args = [briefing.pk if part == "pk" else part for part in extra]
    assert client.get(reverse(name, args=args)).status_code == 403


def test_another_organisation_cannot_cancel_a_registration(client, briefing, applicant, other_applicant):
    registration = register(briefing, applicant, 2)
    client.force_login(other_applicant)
    response = client.post(reverse("applications:briefing_cancel", args=[briefing.call.slug, registration.pk]))
    assert response.status_code == 404
    registration.refresh_from_db()
    assert registration.cancelled_at is None


def test_a_viewer_cannot_register_the_organisation(client, briefing, applicant):
    viewer = MembershipFactory(organization=organization_of(applicant), role=Membership.Role.VIEWER).user
    client.force_login(viewer)
    response = post_registration(client, briefing, viewer, 1)
    assert response.status_code == 200
    assert "Owners and editors of an organisation can register it" in response.content.decode()
    assert not BriefingRegistration.objects.exists()
    with pytest.raises(PermissionDenied):
        briefing_services.register_for_briefing(
            viewer,
            briefing,
            organization=organization_of(applicant),
            attendees=1,
            attendee_names="",
            at=timezone.now(),
        )


def test_a_session_of_another_call_is_not_found(client, briefing, applicant):
    other_call = CallFactory()
    client.force_login(applicant)
    url = reverse("applications:briefing_register", args=[other_call.slug, briefing.pk])
    assert client.get(url).status_code == 404


# --- registering, seats, refusals ---------------------------------------------------------------------------


def test_call_page_shows_seats_and_the_register_button(client, briefing, applicant):
    html = client.get(reverse("applications:call", args=[briefing.call.slug]), **EN).content.decode()
    assert "10 of 10 seats left" in html
    assert "Log in to register for the briefing session" in html
    client.force_login(applicant)
    html = client.get(reverse("applications:call", args=[briefing.call.slug]), **EN).content.decode()
    assert register_url(briefing) in html
    assert "COEX conference room 301, Seoul" in html


def test_an_owner_registers_and_the_seats_are_taken(client, briefing, applicant):
    client.force_login(applicant)
    assert client.get(register_url(briefing), **EN).status_code == 200
    response = post_registration(client, briefing, applicant, 3)
    assert response.status_code == 302
    registration = BriefingRegistration.objects.get()
    assert registration.organization == organization_of(applicant)
    assert registration.registered_by == applicant
    assert registration.attendees == 3
    assert registration.attendee_names == "홍길동 과장, 김영희 주무관"
    html = client.get(response["Location"], **EN).content.decode()
    assert "7 of 10 seats left" in html
    assert "is registered with 3 attendees" in html
    assert reverse("applications:briefing_cancel", args=[briefing.call.slug, registration.pk]) in html
    assert register_url(briefing) not in html  # the user's only organisation is registered already


def test_a_full_session_refuses_with_a_message_and_keeps_the_form(client, briefing, applicant, other_applicant):
    register(briefing, other_applicant, 10)
    client.force_login(applicant)
    response = post_registration(client, briefing, applicant, 1, names="이순신 사무관")
    assert response.status_code == 200
    html = response.content.decode()
    assert "This briefing session is full." in html
    assert "이순신 사무관" in html  # what was typed is still in the form
    assert BriefingRegistration.objects.count() == 1


def test_more_attendees_than_seats_left_is_refused(client, briefing, applicant, other_applicant):
    register(briefing, other_applicant, 8)
    client.force_login(applicant)
    response = post_registration(client, briefing, applicant, 3)
    assert "Only 2 seats are left in this briefing session" in response.content.decode()
    assert BriefingRegistration.objects.count() == 1
    assert post_registration(client, briefing, applicant, 2).status_code == 302
    assert BriefingRegistration.objects.count() == 2


def test_registering_twice_is_refused(client, briefing, applicant):
    register(briefing, applicant, 1)
    client.force_login(applicant)
    response = post_registration(client, briefing, applicant, 1)
    assert response.status_code == 200
    assert "is already registered for this briefing session" in response.content.decode()
    assert BriefingRegistration.objects.count() == 1


def test_registration_closes_when_the_session_starts(client, briefing, applicant):
    # Log in inside the travelled time: the session cookie would have expired a week later.
    with time_machine.travel(briefing.starts_at, tick=False):
        client.force_login(applicant)
        response = post_registration(client, briefing, applicant, 1)
    assert "This briefing session has already started; registration is closed." in response.content.decode()
    assert not BriefingRegistration.objects.exists()
    with time_machine.travel(briefing.starts_at - datetime.timedelta(seconds=1), tick=False):
        client.force_login(applicant)
        assert post_registration(client, briefing, applicant, 1).status_code == 302
    assert BriefingRegistration.objects.count() == 1


def test_cancelling_frees_the_seats(client, briefing, applicant, other_applicant):
    client.force_login(applicant)
    post_registration(client, briefing, applicant, 10)
    registration = BriefingRegistration.objects.get()
    client.force_login(other_applicant)
    assert "This briefing session is full." in post_registration(client, briefing, other_applicant, 1).content.decode()

    client.force_login(applicant)
    response = client.post(reverse("applications:briefing_cancel", args=[briefing.call.slug, registration.pk]))
    assert response.status_code == 302
    registration.refresh_from_db()
    assert registration.cancelled_at is not None
    html = client.get(response["Location"], **EN).content.decode()
    assert "10 of 10 seats left" in html

    client.force_login(other_applicant)
    assert post_registration(client, briefing, other_applicant, 4).status_code == 302
    # The cancelled organisation may register again: only active registrations are unique.
    client.force_login(applicant)
    assert post_registration(client, briefing, applicant, 6).status_code == 302
    assert BriefingRegistration.objects.active().count() == 2


def test_cancelling_after_the_start_is_refused(client, briefing, applicant):
    registration = register(briefing, applicant, 2)
    client.force_login(applicant)
    url = reverse("applications:briefing_cancel", args=[briefing.call.slug, registration.pk])
    assert client.get(url).status_code == 405
    with time_machine.travel(briefing.starts_at + datetime.timedelta(minutes=5), tick=False):
        client.force_login(applicant)
        response = client.post(url, follow=True, **EN)
    assert "the registration can no longer be cancelled" in response.content.decode()
    registration.refresh_from_db()
    assert registration.cancelled_at is None


# --- staff: lists, totals, exports ------------------------------------------------------------------------------


def test_staff_see_registrations_with_totals(client, briefing, applicant, other_applicant, ministry_staff):
    register(briefing, applicant, 3, names="홍길동 과장")
    register(briefing, other_applicant, 2, names="김영희 주무관")
    cancelled = register(briefing, MembershipFactory().user, 4)
    cancelled.cancelled_at = timezone.now()
    cancelled.save()
    client.force_login(ministry_staff)

    html = client.get(reverse("applications:staff_briefing", args=[briefing.pk]), **EN).content.decode()
    assert '<dd class="col-sm-8" id="total-organizations">2</dd>' in html
    assert '<dd class="col-sm-8" id="total-attendees">5</dd>' in html
    assert "5 of 10 seats left" in html
    assert organization_of(applicant).name_ko in html
    assert "김영희 주무관" in html
    assert "Cancelled registrations" in html

    html = client.get(reverse("applications:staff_briefings"), **EN).content.decode()
    assert reverse("applications:staff_briefing", args=[briefing.pk]) in html


def test_csv_export_keeps_korean_text_for_excel(client, briefing, applicant, other_applicant, ministry_staff):
    register(briefing, applicant, 3, names='홍길동 과장, =HYPERLINK("http://x")')
    gone = register(briefing, other_applicant, 2)
    gone.cancelled_at = timezone.now()
    gone.save()
    client.force_login(ministry_staff)
    response = client.get(reverse("applications:staff_briefing_export", args=[briefing.pk, "csv"]), **EN)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    body = response.getvalue()
    assert body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert len(rows) == 2  # the header and the one active registration
    assert rows[0][0] == "Organisation (Korean)"
    assert rows[1][0] == organization_of(applicant).name_ko
    assert rows[1][2] == "3"
    assert rows[1][3] == '홍길동 과장, =HYPERLINK("http://x")'
    assert rows[1][4] == applicant.full_name


def test_a_value_that_looks_like_a_formula_is_exported_as_text(client, briefing, applicant, ministry_staff):
    register(briefing, applicant, 1, names="=1+1")
    client.force_login(ministry_staff)
    response = client.get(reverse("applications:staff_briefing_export", args=[briefing.pk, "csv"]))
    rows = list(csv.reader(io.StringIO(response.getvalue().decode("utf-8-sig"))))
    assert rows[1][3] == "'=1+1"


def test_xlsx_export_keeps_korean_text(client, briefing, applicant, ministry_staff):
    register(briefing, applicant, 3, names="홍길동 과장")
    client.force_login(ministry_staff)
    url = reverse("applications:staff_briefing_export", args=[briefing.pk, "xlsx"])
    assert client.get(url).status_code == 405  # built by an export job, asked for with the form's POST
    job, response, content = export_via_job(client, url, **EN)
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert job.filename == f"briefing-{briefing.pk}-{kst_date(briefing.starts_at):%Y%m%d}-registrations.xlsx"
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    rows = list(workbook.active.iter_rows(values_only=True))
    assert rows[0][0] == "Organisation (Korean)"
    assert rows[1][0] == organization_of(applicant).name_ko
    assert rows[1][2] == 3
    assert rows[1][3] == "홍길동 과장"
    assert rows[1][4] == applicant.full_name


def test_an_unknown_export_format_is_not_found(client, briefing, ministry_staff):
    client.force_login(ministry_staff)
    assert client.get(reverse("applications:staff_briefing_export", args=[briefing.pk, "pdf"])).status_code == 404


def _fill(session, rows):
    for _ in range(rows):
        organization = OrganizationFactory()
        user = MembershipFactory(organization=organization).user
        BriefingRegistration.objects.create(session=session, organization=organization, registered_by=user)


@pytest.mark.parametrize("rows", [1, 30])
def test_staff_session_page_query_count_does_not_grow(client, ministry_staff, django_assert_max_num_queries, rows):
    session = BriefingSession.objects.create(
        call=CallFactory(), starts_at=timezone.now() + datetime.timedelta(days=3), place_ko="세종청사", capacity=100
    )
    _fill(session, rows)
    client.force_login(ministry_staff)
    with django_assert_max_num_queries(6):
        response = client.get(reverse("applications:staff_briefing", args=[session.pk]))
    assert response.content.decode().count("<tr>") == rows + 1
    with django_assert_max_num_queries(6):
        b"".join(client.get(reverse("applications:staff_briefing_export", args=[session.pk, "csv"])).streaming_content)
    job = export_jobs.start(
        ministry_staff, "applications.briefing_xlsx", {"session": session.pk}, filename="b.xlsx", at=timezone.now()
    )
    with django_assert_max_num_queries(12):  # the claim, the session, the count, the rows, the file stored
        assert export_jobs.build(job.pk) == "ready"


@pytest.mark.parametrize("rows", [1, 30])
def test_staff_session_list_query_count_does_not_grow(client, ministry_staff, django_assert_max_num_queries, rows):
    call = CallFactory()
    for day in range(rows):
        session = BriefingSession.objects.create(
            call=call, starts_at=timezone.now() + datetime.timedelta(days=day + 1), place_ko="세종청사", capacity=50
        )
        _fill(session, 1)
    client.force_login(ministry_staff)
    with django_assert_max_num_queries(6):
        response = client.get(reverse("applications:staff_briefings"))
    assert response.content.decode().count("<tr>") == rows + 1
