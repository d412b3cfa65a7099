"""The committee's pages: who may open them, forms that refuse bad input, the embargo, verification, CSV."""

import csv
import datetime
import io

import pytest
import time_machine
from django.urls import reverse

from accounts import roles
from applications.models import Application
from applications.workflow import State
from committee import services
from committee.models import DecisionNotice, Resolution
from committee.models.notices import new_verification_code
from committee.selectors import result_for
from core.models import OutboxMessage
from tests.factories import ExpertFactory, MembershipFactory, UserFactory, referred_plan

from .conftest import AFTER_ANNOUNCEMENT, ANNOUNCEMENT, MEETING_DAY, minutes_pdf, resolution_data

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def confirmed(secretariat, item, django_capture_on_commit_callbacks):
    resolution = services.record_resolution(
        secretariat, item, at=MEETING_DAY, minutes=minutes_pdf(), **resolution_data()
    )
    with django_capture_on_commit_callbacks(execute=True):
        notice = services.confirm_resolution(secretariat, resolution, at=MEETING_DAY)
    return DecisionNotice.objects.get(pk=notice.pk)


@pytest.fixture
def sent(confirmed, secretariat, django_capture_on_commit_callbacks, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with time_machine.travel(AFTER_ANNOUNCEMENT, tick=False), django_capture_on_commit_callbacks(execute=True):
        services.send_notices(secretariat, [confirmed], at=AFTER_ANNOUNCEMENT)
    confirmed.refresh_from_db()
    return confirmed


def secretariat_urls(meeting, item, resolution, notice):
    return [
        ("get", reverse("committee:meetings")),
        ("get", reverse("committee:meeting_new")),
        ("get", reverse("committee:meeting", args=[meeting.pk])),
        ("get", reverse("committee:meeting_edit", args=[meeting.pk])),
        ("post", reverse("committee:add_agenda_item", args=[meeting.pk])),
        ("get", reverse("committee:notices", args=[meeting.pk])),
        ("get", reverse("committee:notice_progress", args=[meeting.pk])),
        ("post", reverse("committee:send_notices", args=[meeting.pk])),
        ("get", reverse("committee:record", args=[item.pk])),
        ("get", reverse("committee:resolution", args=[resolution.pk])),
        ("post", reverse("committee:confirm", args=[resolution.pk])),
        ("get", reverse("committee:correct", args=[resolution.pk])),
        ("get", reverse("committee:minutes", args=[resolution.pk])),
        ("get", reverse("committee:notice", args=[notice.pk])),
        ("post", reverse("committee:retry", args=[notice.pk])),
    ]


def test_only_the_secretariat_opens_the_committee_pages(client, meeting, item, confirmed, plan_owner, secretariat):
    resolution = confirmed.resolution
    urls = secretariat_urls(meeting, item, resolution, confirmed)
    for method, url in urls:
        response = getattr(client, method)(url)
        assert response.status_code == 302 and response.url.startswith("/accounts/login/"), url
    others = [
        plan_owner,
        ExpertFactory(),
        UserFactory(roles=[roles.MINISTRY_STAFF]),
        UserFactory(roles=[roles.COMMITTEE_MEMBER]),
        UserFactory(roles=[roles.SUBCOMMITTEE_CHAIR]),
    ]
    for user in others:
        client.force_login(user)
        for method, url in urls:
            assert getattr(client, method)(url).status_code == 403, (user, url)
    client.force_login(secretariat)
    record_url = reverse("committee:record", args=[item.pk])
    for method, url in urls:
        if method == "get" and url != record_url:
            assert client.get(url).status_code == 200, url
    # the confirmed resolution is locked: its recording page sends the secretariat to the resolution
    assert client.get(record_url).url == reverse("committee:resolution", args=[resolution.pk])
    assert Resolution.objects.get(pk=resolution.pk).status == Resolution.Status.CONFIRMED


def test_bad_votes_are_refused_with_messages_and_the_form_stays_filled(client, secretariat, item):
    client.force_login(secretariat)
    url = reverse("committee:record", args=[item.pk])
    response = client.post(
        url,
        {**resolution_data(votes_for=3, votes_against=2), "reasons": "재검토 필요", "minutes": minutes_pdf()},
        **EN,
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert "votes_abstaining" in form.errors
    assert "5 votes were recorded but only 3 members were present" in response.content.decode()
    assert 'value="2"' in response.content.decode() and "재검토 필요" in response.content.decode()
    # the browser cannot refill the file input: the page names the file and asks for it again
    assert "Your file “minutes.pdf” was not saved because of the other errors" in response.content.decode()
    assert not Resolution.objects.exists()


def test_a_meeting_without_quorum_refuses_on_the_page(client, secretariat, call, plan):
    from tests.factories import make_meeting

    meeting = make_meeting(call, members=5, present=2, created_by=secretariat, number=9)
    item = services.add_to_agenda(secretariat, meeting, plan, at=MEETING_DAY)
    client.force_login(secretariat)
    response = client.post(
        reverse("committee:record", args=[item.pk]),
        {**resolution_data(votes_for=2), "minutes": minutes_pdf()},
        **EN,
    )
    assert response.status_code == 200
    assert "The meeting has no quorum" in str(response.context["form"].non_field_errors())
    assert not Resolution.objects.exists()


def test_a_pdf_that_is_not_a_pdf_is_refused_on_the_page(client, secretariat, item):
    client.force_login(secretariat)
    response = client.post(
        reverse("committee:record", args=[item.pk]),
        {**resolution_data(), "minutes": minutes_pdf("minutes.pdf", b"GIF89a...")},
        **EN,
    )
    assert "minutes" in response.context["form"].errors


def test_recording_and_confirming_through_the_pages(
    client, secretariat, item, plan, django_capture_on_commit_callbacks
):
    client.force_login(secretariat)
    response = client.post(reverse("committee:record", args=[item.pk]), {**resolution_data(), "minutes": minutes_pdf()})
    resolution = Resolution.objects.get()
    assert response.url == reverse("committee:resolution", args=[resolution.pk])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("committee:confirm", args=[resolution.pk]), {"language": "ko", "understood": "on"})
    assert Application.objects.get(pk=plan.pk).status == State.DESIGNATED
    assert DecisionNotice.objects.get().is_ready
    # a confirmed resolution is not offered for editing again
    response = client.get(reverse("committee:record", args=[item.pk]))
    assert response.status_code == 302 and response.url == reverse("committee:resolution", args=[resolution.pk])


@pytest.mark.parametrize("count", [1, 8])
def test_the_meeting_page_does_not_grow_with_its_agenda(
    client, secretariat, call, meeting, count, django_assert_max_num_queries
):
    for _ in range(count):
        item = services.add_to_agenda(secretariat, meeting, referred_plan(call), at=MEETING_DAY)
        services.record_resolution(secretariat, item, at=MEETING_DAY, minutes=minutes_pdf(), **resolution_data())
    referred_plan(call)  # one waiting to be added
    client.force_login(secretariat)
    with django_assert_max_num_queries(16):
        response = client.get(reverse("committee:meeting", args=[meeting.pk]))
    assert response.status_code == 200
    assert len(response.context["items"]) == count


def test_sending_is_refused_before_the_announcement(client, secretariat, meeting, confirmed):
    client.force_login(secretariat)
    with time_machine.travel(ANNOUNCEMENT.replace(hour=9), tick=False):
        client.post(reverse("committee:send_notices", args=[meeting.pk]), {"notice": [confirmed.pk]})
    assert DecisionNotice.objects.get().message is None
    assert not OutboxMessage.objects.exists()


def test_bulk_send_and_retry_a_failed_email(client, secretariat, meeting, sent, django_capture_on_commit_callbacks):
    message = sent.message
    assert message.status == OutboxMessage.Status.SENT
    OutboxMessage.objects.filter(pk=message.pk).update(status="failed", attempts=5, last_error="SMTP 554")
    client.force_login(secretariat)
    page = client.get(reverse("committee:notices", args=[meeting.pk]), **EN).content.decode()
    assert "SMTP 554" in page and "Retry" in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("committee:retry", args=[sent.pk]))
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.SENT and message.attempts == 1
    assert OutboxMessage.objects.count() == 1
    progress = client.get(reverse("committee:notice_progress", args=[meeting.pk])).json()
    assert progress == {**progress, "total": 1, "ready": 1, "sent": 1, "delivered": 1, "failed": 0, "done": True}


def test_the_embargo_holds_until_the_announcement(client, plan, plan_owner, sent):
    url = reverse("committee:applicant_notice", args=[plan.pk])
    client.force_login(plan_owner)
    with time_machine.travel(MEETING_DAY, tick=False):
        assert result_for(plan, MEETING_DAY) is None
        assert client.get(url).status_code == 404
        assert client.get(reverse("committee:verify", args=[sent.display_code])).status_code == 404
        assert plan.organization.name_ko not in client.get(reverse("committee:designations")).content.decode()
    with time_machine.travel(AFTER_ANNOUNCEMENT, tick=False):
        result = result_for(plan, AFTER_ANNOUNCEMENT)
        assert result.decision == "designated" and result.notice == sent
        response = client.get(url)
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == sent.pdf.open("rb").read()
        page = client.get(reverse("committee:designations")).content.decode()
        assert (
            plan.organization.name_ko in page and "온산 이차전지 원료 특화단지" in page and sent.document_number in page
        )


def test_other_organisations_do_not_get_the_notice(client, plan, sent):
    client.force_login(MembershipFactory().user)
    with time_machine.travel(AFTER_ANNOUNCEMENT, tick=False):
        assert client.get(reverse("committee:applicant_notice", args=[plan.pk])).status_code == 404


def test_an_unsent_notice_is_not_offered_to_the_applicant(client, plan, plan_owner, confirmed):
    client.force_login(plan_owner)
    with time_machine.travel(AFTER_ANNOUNCEMENT, tick=False):
        assert result_for(plan, AFTER_ANNOUNCEMENT).notice is None
        assert client.get(reverse("committee:applicant_notice", args=[plan.pk])).status_code == 404


def test_verification_accepts_a_real_code_and_rejects_a_forged_one(client, sent, plan):
    with time_machine.travel(AFTER_ANNOUNCEMENT, tick=False):
        response = client.get(reverse("committee:verify", args=[sent.display_code.lower()]), **EN)
        page = response.content.decode()
        assert response.status_code == 200 and "This decision notice is genuine" in page
        assert sent.document_number in page and sent.sha256 in page and sent.recipient in page
        assert plan.title not in page and "투자 확실성" not in page  # nothing else of the plan
        code = sent.verification_code
        forged = code[:15] + ("A" if code[15] != "A" else "B") + code[16:]
        response = client.get(reverse("committee:verify", args=[forged]), **EN)
        assert (
            response.status_code == 404
            and "No published decision notice has this verification code" in response.content.decode()
        )
        # well-formed (its check characters match) but never issued
        assert client.get(reverse("committee:verify", args=[new_verification_code()])).status_code == 404
        start = client.get(reverse("committee:verify_start"), {"code": sent.display_code})
        assert start.status_code == 302


def test_a_superseded_notice_says_so(client, secretariat, sent, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.correct_resolution(
            secretariat, sent.resolution, at=MEETING_DAY, reason="정정", **resolution_data("not_designated")
        )
    with time_machine.travel(AFTER_ANNOUNCEMENT, tick=False):
        page = client.get(reverse("committee:verify", args=[sent.display_code]), **EN).content.decode()
    assert "replaced by a corrected notice" in page


def test_the_csv_has_a_bom_and_no_formulas(client, sent, plan):
    Application.objects.filter(pk=plan.pk).update(title='=HYPERLINK("http://evil")')
    with time_machine.travel(AFTER_ANNOUNCEMENT, tick=False):
        response = client.get(reverse("committee:designations_csv"))
    body = response.getvalue().decode("utf-8")
    assert body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body[1:])))
    assert len(rows) == 2
    assert rows[1][2] == '\'=HYPERLINK("http://evil")'
    assert sent.document_number in rows[1] and "1500000000000" in rows[1]
    assert rows[1][-1] == "http://testserver" + reverse("committee:verify", kwargs={"code": sent.display_code})


def test_a_designation_row_carries_the_notice_of_the_current_resolution(
    secretariat, plan, sent, django_capture_on_commit_callbacks
):
    """committee.selectors.designations: after a correction the row's notice is the corrected resolution's (the
    superseded one is not a designation any more); a notice still rendering is none."""
    from committee import selectors

    with django_capture_on_commit_callbacks(execute=True):
        services.correct_resolution(
            secretariat,
            sent.resolution,
            at=MEETING_DAY,
            reason="정정",
            **resolution_data("designated_with_conditions", conditions="용수 공급 확정"),
        )
    corrected = DecisionNotice.objects.exclude(pk=sent.pk).get()
    assert corrected.is_ready
    [row] = selectors.designations(AFTER_ANNOUNCEMENT)
    assert row.pk == plan.pk and row.designation_notice == corrected
    DecisionNotice.objects.filter(pk=corrected.pk).update(pdf="")  # as while its task is rendering it
    [row] = selectors.designations(AFTER_ANNOUNCEMENT)
    assert row.designation_notice is None


def test_the_compiled_list_of_designated_plans_is_its_querysets(plan, sent, django_assert_num_queries):
    """committee.selectors.DESIGNATED_PLANS (core/compiled.py): the same plans with the same joined objects as the
    queryset, before the announcement (none) and after it."""
    from committee import selectors
    from tests.core.test_compiled import _same

    other = referred_plan(plan.call)  # not designated: never listed
    assert (
        _same(selectors.DESIGNATED_PLANS, ANNOUNCEMENT - datetime.timedelta(microseconds=1), django_assert_num_queries)
        == []
    )
    found = _same(selectors.DESIGNATED_PLANS, ANNOUNCEMENT, django_assert_num_queries)
    assert [p.pk for p in found] == [plan.pk] and other.pk != plan.pk


def test_the_applicant_result_page_follows_the_embargo(client, plan, plan_owner, sent):
    client.force_login(plan_owner)
    url = reverse("committee:applicant_result", args=[plan.pk])
    with time_machine.travel(MEETING_DAY, tick=False):
        assert client.get(url).status_code == 404
    with time_machine.travel(AFTER_ANNOUNCEMENT, tick=False):
        page = client.get(url).content.decode()
    assert reverse("committee:applicant_notice", args=[plan.pk]) in page and sent.document_number in page


def test_public_pages_change_at_the_announcement_instant(client, secretariat, plan, sent):
    """Scheduled by staff (the service the timeline page calls), the embargo lifts at that very microsecond."""
    from applications import services as call_services

    staff = UserFactory(roles=[roles.MINISTRY_STAFF])
    instant = ANNOUNCEMENT + datetime.timedelta(hours=2)
    call_services.schedule_announcement(staff, plan.call, announcement_at=instant, reason="보도 일정", at=MEETING_DAY)
    verify = reverse("committee:verify", args=[sent.display_code])
    with time_machine.travel(instant - datetime.timedelta(microseconds=1), tick=False):
        assert client.get(verify).status_code == 404
        assert plan.organization.name_ko not in client.get(reverse("committee:designations")).content.decode()
    with time_machine.travel(instant, tick=False):
        assert client.get(verify).status_code == 200
        assert plan.organization.name_ko in client.get(reverse("committee:designations")).content.decode()


def test_the_notices_page_says_who_sets_a_missing_announcement(client, secretariat, meeting, confirmed):
    type(meeting.call).objects.filter(pk=meeting.call_id).update(announcement_at=None)
    client.force_login(secretariat)
    page = client.get(reverse("committee:notices", args=[meeting.pk]), **EN).content.decode()
    assert "No announcement of the results is scheduled yet" in page and "embargo until —" not in page


def test_a_failed_resolution_shows_a_focused_summary_tied_to_the_decision_group(client, secretariat, item):
    client.force_login(secretariat)
    data = {**resolution_data(), "minutes": minutes_pdf()}
    del data["decision"]
    html = client.post(reverse("committee:record", args=[item.pk]), data, **EN).content.decode()
    summary = html.split("data-error-summary", 1)[1].split("</div>", 1)[0]
    assert 'href="#id_decision_0"' in summary  # the link lands on the group's first radio
    fieldset = next(tag for tag in html.split("<fieldset")[1:] if 'id="id_decision_0"' in tag.split("</fieldset>")[0])
    assert 'aria-describedby="id_decision_error"' in fieldset.split(">", 1)[0]
    assert 'id="id_decision_error"' in html


def test_confirming_needs_the_box_that_says_what_happens(client, secretariat, item, plan):
    resolution = services.record_resolution(
        secretariat, item, at=MEETING_DAY, minutes=minutes_pdf(), **resolution_data()
    )
    client.force_login(secretariat)
    response = client.post(reverse("committee:confirm", args=[resolution.pk]), {"language": "ko"}, **EN)
    assert response.status_code == 400
    assert 'href="#id_understood"' in response.content.decode()
    assert Resolution.objects.get(pk=resolution.pk).status == Resolution.Status.DRAFT
    assert Application.objects.get(pk=plan.pk).status != State.DESIGNATED


def test_a_superseded_notice_is_not_preselected_for_sending(
    client, secretariat, meeting, confirmed, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.correct_resolution(
            secretariat, confirmed.resolution, at=MEETING_DAY, reason="정정", **resolution_data("not_designated")
        )
    corrected = DecisionNotice.objects.exclude(pk=confirmed.pk).get()
    client.force_login(secretariat)
    html = client.get(reverse("committee:notices", args=[meeting.pk])).content.decode()
    old_box = html.split(f'id="notice-{confirmed.pk}"', 1)[1].split(">", 1)[0]
    new_box = html.split(f'id="notice-{corrected.pk}"', 1)[1].split(">", 1)[0]
    assert "checked" not in old_box and "checked" in new_box


def test_the_designations_page_asks_a_fixed_number_of_queries(client, sent, plan, django_assert_num_queries):
    """Issue 12: the public list loads each row's relations in bulk; an attribute read lazily per row (the call,
    say, no longer selected with the plan) would add a query here."""
    with time_machine.travel(AFTER_ANNOUNCEMENT, tick=False):
        client.get(reverse("committee:designations"))  # warm
        # plans (with field, organisation, site and region), anchors, conditions, the designating notices
        with django_assert_num_queries(4):
            page = client.get(reverse("committee:designations")).content.decode()
        with django_assert_num_queries(4):
            client.get(reverse("committee:designations_csv"))
    assert plan.organization.name_ko in page and sent.document_number in page
