"""Issue 11 (mutation testing of applications/services.py and workflow.py): what each refusal tells the user,
word for word, what each e-mail says, and the counters and defaults the other tests reach only at one value."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from accounts import roles
from accounts.models import Membership, Organization
from applications import services, workflow
from applications.models import Application, Attachment, AuditEvent
from applications.workflow import State, Transition, TransitionError
from core import korean
from core.models import OutboxMessage
from tests import services as test_services
from tests.factories import KST, PDF_BYTES, MembershipFactory, OrganizationFactory, UserFactory

from .conftest import BEFORE

pytestmark = pytest.mark.django_db

AT_DEADLINE = datetime.datetime(2026, 2, 27, 18, 0, tzinfo=KST)
TICK = datetime.timedelta(microseconds=1)


@pytest.fixture
def partner(db):
    return OrganizationFactory(
        kind=Organization.Kind.COMPANY, business_number="305-87-00003", region=None, name_ko="한빛소재 주식회사"
    )


def _pdf(name="추가.pdf"):
    return SimpleUploadedFile(name, PDF_BYTES, "application/pdf")


# --- files --------------------------------------------------------------------------------------------


def test_the_quota_refusal_names_the_total_and_the_limit(plan, applicant, settings):
    settings.PORTAL_MAX_APPLICATION_BYTES = 2 * len(PDF_BYTES)  # 90 B: two 45-byte files
    services.upload_attachment(applicant, plan, kind="other", upload=_pdf("1.pdf"), at=BEFORE)
    services.upload_attachment(applicant, plan, kind="other", upload=_pdf("2.pdf"), at=BEFORE)
    with pytest.raises(services.UploadRefused) as refused:
        services.upload_attachment(applicant, plan, kind="other", upload=_pdf("3.pdf"), at=BEFORE)
    # the message carries particle markers (이(가), 을(를)) that every place showing it resolves (core.korean)
    assert korean.resolve(str(refused.value)) == (
        "이 파일을 올리면 첨부파일 합계가 135 B가 되어 계획서당 한도 90 B를 넘습니다. 먼저 이전 파일을 삭제하세요."
    )


def test_a_first_file_of_exactly_the_quota_is_taken(plan, applicant, settings):
    settings.PORTAL_MAX_APPLICATION_BYTES = len(PDF_BYTES)
    services.upload_attachment(applicant, plan, kind="other", upload=_pdf(), at=BEFORE)
    assert plan.attachments.count() == 1


def test_removing_a_removed_file_again_keeps_when_it_was_removed(plan, applicant):
    added = services.upload_attachment(applicant, plan, kind="other", upload=_pdf(), at=BEFORE)
    services.remove_attachment(applicant, added, at=BEFORE)
    services.remove_attachment(applicant, added, at=BEFORE + datetime.timedelta(minutes=1))
    added.refresh_from_db()
    assert added.removed_at == BEFORE
    first = AuditEvent.objects.filter(action="attachment_removed").earliest("pk")
    assert (first.application, first.call, first.actor, first.created_at) == (plan, plan.call, applicant, BEFORE)


def test_an_upload_is_stored_under_its_plan_with_its_kind_and_extension(plan, applicant):
    added = services.upload_attachment(applicant, plan, kind="site_map", upload=_pdf("배치도.PDF"), at=BEFORE)
    added.refresh_from_db()
    assert (added.kind, added.original_name, added.content_type) == ("site_map", "배치도.PDF", "application/pdf")
    assert added.file.name.startswith(f"applications/{plan.pk}/") and added.file.name.endswith(".pdf")
    assert "배치도" not in added.file.name  # the user's name never reaches the disk


def test_removing_one_file_leaves_the_others(complete, applicant):
    first, *others = complete.attachments.all()
    services.remove_attachment(applicant, first, at=BEFORE)
    assert [a.removed_at for a in Attachment.objects.filter(pk__in=[o.pk for o in others])] == [None] * len(others)


# --- sections -----------------------------------------------------------------------------------------


class _NoForm:
    def save(self):
        pass


def test_each_save_of_a_section_counts_one_revision_up(plan, applicant):
    for expected in range(3):
        section = services.save_section(applicant, plan, "overview", _NoForm(), expected_revision=expected, at=BEFORE)
        assert section.revision == expected + 1
    events = AuditEvent.objects.filter(action="section_saved").order_by("pk")
    assert [(e.data["revision"], e.reason, e.actor, e.application, e.created_at) for e in events] == [
        (1, "", applicant, plan, BEFORE),
        (2, "", applicant, plan, BEFORE),
        (3, "", applicant, plan, BEFORE),
    ]


# --- participants -------------------------------------------------------------------------------------


def test_a_second_invitation_of_the_same_organisation_says_so(plan, applicant, partner):
    services.add_participant(applicant, plan, organization=partner, role="anchor", at=BEFORE)
    with pytest.raises(TransitionError) as refused:
        services.add_participant(applicant, plan, organization=partner, role="supplier", at=BEFORE)
    assert str(refused.value) == "이 기관은 이미 이 계획에 초대되었습니다."
    event = AuditEvent.objects.get(action="participant_added")  # one: the refused invitation left none
    assert (event.application, event.actor, event.created_at) == (plan, applicant, BEFORE)


def test_a_second_answer_says_the_invitation_was_answered(plan, applicant, partner):
    owner = MembershipFactory(organization=partner, role=Membership.Role.OWNER).user
    invited = services.add_participant(applicant, plan, organization=partner, role="anchor", at=BEFORE)
    services.respond_to_invitation(owner, invited, accept=True, at=BEFORE)
    with pytest.raises(TransitionError) as refused:
        services.respond_to_invitation(owner, invited, accept=False, at=BEFORE)
    assert str(refused.value) == "이 초대에는 이미 답변하였습니다."


def test_declining_is_recorded_with_the_organisation_and_role(plan, applicant, partner):
    owner = MembershipFactory(organization=partner, role=Membership.Role.OWNER).user
    invited = services.add_participant(applicant, plan, organization=partner, role="anchor", at=BEFORE)
    services.respond_to_invitation(owner, invited, accept=False, at=BEFORE)
    event = AuditEvent.objects.get(action="participant_declined")
    assert (event.actor, event.application, event.data, event.created_at) == (
        owner,
        plan,
        {"organization": partner.pk, "role": "anchor"},
        BEFORE,
    )


def test_the_invitation_mail_names_the_organisation_the_lead_the_plan_and_the_role(plan, applicant, partner):
    MembershipFactory(organization=partner, role=Membership.Role.OWNER)
    invited = services.add_participant(applicant, plan, organization=partner, role="anchor", at=BEFORE)
    mail = OutboxMessage.objects.get(reference=f"applications.participant_invited:{invited.pk}")
    assert mail.subject == f"[특화단지 포털] “{plan.title}” 참여 초대"
    lead = plan.organization.name_ko  # e.g. 시험광역시 449: 구 has no final consonant, so 449가
    assert mail.body.startswith(
        f"한빛소재 주식회사 귀하\n\n{lead}{korean.particle(lead, '이(가)')} 육성계획 “{plan.title}”의 참여기관으로 "
        "귀 기관을 지정하였습니다."
    )
    assert "역할: 앵커기업\n" in mail.body


# --- deadlines, announcements, closing and screening ----------------------------------------------------


def test_the_deadline_mail_greets_each_organisation_by_name(call, applicant, ministry_staff):
    from tests.factories import ApplicationFactory

    working = applicant.memberships.get().organization
    ApplicationFactory(call=call, organization=working, created_by=applicant)
    later = AT_DEADLINE + datetime.timedelta(days=7)
    extension = services.extend_deadline(ministry_staff, call, new_deadline=later, reason="설 연휴", at=BEFORE)
    mail = OutboxMessage.objects.get(reference=f"applications.deadline:{extension.pk}:{working.pk}")
    assert mail.subject == f"[특화단지 포털] {call.title_ko} 마감 일시가 변경되었습니다"
    assert mail.body.startswith(f"{working.name_ko} 담당자님께\n\n산업부 담당자가 {call.title_ko}의 제출 마감")
    assert "이전 마감: 2026-02-27 18:00 (KST)\n새 마감: 2026-03-06 18:00 (KST)" in mail.body


def test_the_announcement_refusals_say_why(call):
    staff = UserFactory(roles=[roles.MINISTRY_STAFF])
    now = datetime.datetime(2026, 7, 1, 9, 0, tzinfo=KST)
    announcement = datetime.datetime(2026, 7, 31, 10, 0, tzinfo=KST)

    def schedule(when, at):
        return services.schedule_announcement(staff, call, announcement_at=when, reason="보도 일정", at=at)

    with pytest.raises(TransitionError) as past:
        schedule(now, now)
    assert str(past.value) == "발표 시각은 현재 이후여야 합니다."
    with pytest.raises(TransitionError) as early:
        schedule(AT_DEADLINE, BEFORE)
    assert str(early.value) == "발표 시각은 접수 마감(2026-02-27 18:00 KST) 이후여야 합니다."
    schedule(announcement, now)
    event = AuditEvent.objects.get(action="announcement_scheduled")
    assert (event.created_at, event.actor, event.call) == (now, staff, call)
    with pytest.raises(TransitionError) as public:
        schedule(announcement + datetime.timedelta(days=1), announcement)
    assert str(public.value) == "결과가 2026-07-31 10:00(KST)에 발표되었습니다. 발표 시각은 더 이상 바꿀 수 없습니다."


def test_closing_counts_every_plan_it_receives(call, ministry_staff):
    from applications import deadline
    from tests.factories import ApplicationFactory

    plans = [ApplicationFactory(call=call) for _ in range(3)]
    Application.objects.filter(pk__in=[p.pk for p in plans[:2]]).update(status=State.SUBMITTED)
    closes = deadline.closes_at(call)
    assert services.close_call(call, at=closes) == 2
    assert AuditEvent.objects.get(action="call_closed").data == {"received": 2}
    mail = OutboxMessage.objects.get(reference__startswith="applications.call_closed:")
    assert mail.subject == f"[특화단지 포털] {call.title_ko} 제출이 마감되었습니다"
    assert mail.body.startswith(f"{call.title_ko}의 마감 일시 2026-02-27 18:00(KST)가 지났습니다.")


@pytest.fixture
def received(complete, applicant):
    services.submit(applicant, complete, at=BEFORE)
    return workflow.perform(complete, "receive", None, at=AT_DEADLINE)


def test_the_screening_mails_say_the_result(received, ministry_staff):
    services.screen(ministry_staff, received, eligible=True, reason="보완 권고", at=AT_DEADLINE)
    mail = OutboxMessage.objects.get(reference=f"applications.screening:{received.pk}:screen")
    number = Application.objects.get(pk=received.pk).receipt_number
    assert mail.subject == f"[특화단지 포털] 접수번호 {number} 육성계획이 요건 검토 결과 적격입니다"
    assert "결과: 적격." in mail.body and "보완 권고" in mail.body and received.title in mail.body


def test_the_ineligibility_mail_gives_the_reason(received, ministry_staff):
    services.screen(ministry_staff, received, eligible=False, reason="자격 요건 미충족", at=AT_DEADLINE)
    mail = OutboxMessage.objects.get(reference=f"applications.screening:{received.pk}:declare_ineligible")
    number = Application.objects.get(pk=received.pk).receipt_number
    assert mail.subject == f"[특화단지 포털] 접수번호 {number} 육성계획이 요건 검토 결과 부적격입니다"
    assert "결과: 부적격." in mail.body and "자격 요건 미충족" in mail.body


# --- the workflow -------------------------------------------------------------------------------------


def test_a_reason_of_none_is_missing_where_one_is_required():
    assert workflow.reason_missing("declare_ineligible", None) is True
    assert workflow.reason_missing("declare_ineligible", " 사유 ") is False
    assert workflow.reason_missing("screen", None) is False


def test_registering_a_different_transition_under_a_taken_name_says_which():
    original = workflow.TRANSITIONS["screen"]
    other = Transition("screen", (State.RECEIVED,), State.INELIGIBLE, "Other", original.allowed)
    with pytest.raises(ValueError) as refused:
        workflow.register(other)
    assert str(refused.value) == "Transition 'screen' is already registered differently"
    assert workflow.TRANSITIONS["screen"] is original


def test_effects_get_an_empty_dict_when_no_data_is_given(plan):
    seen = []
    transition = Transition(
        "test_effect", (State.DRAFT,), State.DRAFT, "Effect", lambda user, application: True,
        effects=(lambda application, actor, at, data: seen.append(data),),
    )  # fmt: skip
    workflow.register(transition)
    try:
        workflow.perform(plan, "test_effect", None, at=BEFORE)
    finally:
        del workflow.TRANSITIONS["test_effect"]
    assert seen == [{}]


def test_a_wrong_state_refusal_keeps_the_decision_under_embargo(plan, applicant, ministry_staff):
    """Before the announcement an applicant is told its designated plan is still in committee deliberation;
    ministry staff are told the decision."""
    Application.objects.filter(pk=plan.pk).update(status=State.DESIGNATED)
    plan.call.announcement_at = datetime.datetime(2026, 7, 31, 10, 0, tzinfo=KST)
    plan.call.save(update_fields=["announcement_at"])
    at = datetime.datetime(2026, 7, 1, 9, 0, tzinfo=KST)
    with pytest.raises(TransitionError) as applicant_told:
        workflow.perform(plan, "withdraw", applicant, at=at)
    assert str(applicant_told.value) == "계획서가 “위원회 심의” 상태일 때는 할 수 없는 작업입니다."
    with pytest.raises(TransitionError) as staff_told:
        workflow.perform(plan, "screen", ministry_staff, at=at)
    assert str(staff_told.value) == "계획서가 “지정” 상태일 때는 할 수 없는 작업입니다."
    with pytest.raises(TransitionError) as after_announcement:
        workflow.perform(plan, "withdraw", applicant, at=plan.call.announcement_at)
    assert str(after_announcement.value) == "계획서가 “지정” 상태일 때는 할 수 없는 작업입니다."


def test_the_refusals_are_translated_to_english(plan, applicant):
    with translation.override("en"):
        with pytest.raises(TransitionError) as refused:
            workflow.perform(plan, "receive", applicant, at=BEFORE)
    assert str(refused.value) == "This action is not possible while the plan is “Draft”."


# --- receipt numbers ----------------------------------------------------------------------------------


def test_receipt_numbers_count_per_call_not_across_calls(call, applicant):
    """Two calls of the same year and field each start at 001, under their own prefix (2026, 2026B)."""
    from tests.factories import ApplicationFactory, CallFactory, attach_required_files, complete_plan

    later_call = CallFactory(fields=[call.fields.get()])
    organization = applicant.memberships.get().organization
    numbers = []
    for each in (call, later_call, call):
        plan = ApplicationFactory(call=each, organization=organization, created_by=applicant)
        complete_plan(plan)
        attach_required_files(plan, applicant)
        services.submit(applicant, plan, at=BEFORE)
        numbers.append(Application.objects.get(pk=plan.pk).receipt_number)
    assert numbers == ["2026-BAT-001", "2026B-BAT-001", "2026-BAT-002"]


# --- who may act: the services that delegate to the workflow are refused there -------------------------


def test_only_the_plan_s_editors_submit_or_withdraw_it(complete, other_applicant):
    for act in (
        lambda: services.submit(other_applicant, complete, at=BEFORE),
        lambda: services.withdraw(other_applicant, complete, reason="남의 계획", at=BEFORE),
    ):
        with pytest.raises(TransitionError) as refused:
            act()
        assert str(refused.value) == "이 작업을 할 권한이 없습니다."
    assert Application.objects.get(pk=complete.pk).status == State.DRAFT


def test_only_ministry_staff_screen(received, applicant):
    for eligible in (True, False):
        with pytest.raises(TransitionError) as refused:
            services.screen(applicant, received, eligible=eligible, reason="자체 판정", at=AT_DEADLINE)
        assert str(refused.value) == "이 작업을 할 권한이 없습니다."
    assert Application.objects.get(pk=received.pk).status == State.RECEIVED
    assert not OutboxMessage.objects.filter(reference__startswith="applications.screening:").exists()


def test_screening_without_remarks_records_none(received, ministry_staff):
    done = services.screen(ministry_staff, received, eligible=True, at=AT_DEADLINE)
    assert done.status_reason == ""
    event = AuditEvent.objects.get(action="screen")
    assert (event.reason, event.actor, event.created_at) == ("", ministry_staff, AT_DEADLINE)
    mail = OutboxMessage.objects.get(reference=f"applications.screening:{received.pk}:screen")
    assert "참고 사항:" not in mail.body


def test_the_deadline_mail_goes_only_to_organisations_working_on_this_call(call, applicant, ministry_staff):
    from tests.factories import ApplicationFactory, CallFactory

    elsewhere = applicant.memberships.get().organization
    ApplicationFactory(call=CallFactory(fields=[call.fields.get()]), organization=elsewhere, created_by=applicant)
    extension = services.extend_deadline(
        ministry_staff, call, new_deadline=AT_DEADLINE + datetime.timedelta(days=7), reason="연장", at=BEFORE
    )
    assert not OutboxMessage.objects.filter(reference__startswith=f"applications.deadline:{extension.pk}:").exists()


def test_each_amendment_freezes_the_next_version_number(complete, applicant):
    numbers = [services.submit(applicant, complete, at=BEFORE + datetime.timedelta(hours=h)).number for h in range(3)]
    assert numbers == [1, 2, 3]
    assert list(complete.versions.values_list("number", "submitted_by", "submitted_at")) == [
        (n, applicant.pk, BEFORE + datetime.timedelta(hours=n - 1)) for n in (1, 2, 3)
    ]
    assert Application.objects.get(pk=complete.pk).submitted_at == BEFORE  # the first submission's instant
    events = AuditEvent.objects.filter(action="version_frozen").order_by("pk")
    assert [(e.application, e.actor, e.created_at, e.data["version"]) for e in events] == [
        (complete, applicant, BEFORE + datetime.timedelta(hours=n - 1), n) for n in (1, 2, 3)
    ]


def test_a_frozen_version_s_digest_is_that_of_its_content(complete, applicant):
    from applications import snapshot

    version = services.submit(applicant, complete, at=BEFORE)
    version.refresh_from_db()
    assert version.content["application"]["receipt_number"] == "2026-BAT-001"
    assert version.sha256 == snapshot.digest(version.content) != snapshot.digest(None)


# --- what an applicant's edit locks (issue 12; issue 11: `of=` of the locking query survived) -------------------


def _plan_locks(queries):
    return [q["sql"] for q in queries.captured_queries if "FOR UPDATE" in q["sql"] and "applications_call" in q["sql"]]


@pytest.mark.parametrize("edit", ["save a section", "upload a file", "remove a file"])
def test_an_applicant_s_edit_locks_the_plan_s_row_not_its_call_s(complete, applicant, edit):
    """The plan is read with its call under the lock, but only the plan's row is locked (FOR UPDATE OF): a plain
    FOR UPDATE also locks the call's row, and every edit and submit of the call's plans waits for the one before
    it (issue 12: the deadline surge)."""
    test_services.need_postgresql("row locks")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    first = complete.attachments.first()
    with CaptureQueriesContext(connection) as queries:
        if edit == "save a section":
            services.save_section(applicant, complete, "overview", _NoForm(), expected_revision=0, at=BEFORE)
        elif edit == "upload a file":
            services.upload_attachment(applicant, complete, kind="other", upload=_pdf(), at=BEFORE)
        else:
            services.remove_attachment(applicant, first, at=BEFORE)
    (lock,) = _plan_locks(queries)
    assert lock.startswith('SELECT "applications_application"."id"') and 'JOIN "applications_call"' in lock
    assert lock.endswith(' FOR UPDATE OF "applications_application"'), lock
