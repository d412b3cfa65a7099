"""Q&A on a call (질의응답): private questions per organisation, the staff queue, answers by e-mail, public FAQ."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership
from applications.models import Question
from core.models import OutboxMessage
from tests.factories import CallFactory, MembershipFactory, OrganizationFactory

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def qa_call(db):
    return CallFactory()


def organization_of(user):
    return user.memberships.get().organization


def ask(call, user, subject="부지 면적 산정 기준", body="기존 산단 부지를 포함해도 됩니까?", **extra):
    return Question.objects.create(
        call=call, organization=organization_of(user), asked_by=user, subject=subject, body=body, **extra
    )


def answer_data(text):
    return {"action": "answer", "answer-answer": text}


def faq_data(question, answer, published=True):
    data = {"action": "faq", "faq-faq_question": question, "faq-faq_answer": answer}
    if published:
        data["faq-faq_published"] = "on"
    return data


# --- access per role --------------------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_log_in(client, qa_call, applicant):
    question = ask(qa_call, applicant)
    urls = [
        ("get", reverse("applications:questions", args=[qa_call.slug])),
        ("post", reverse("applications:questions", args=[qa_call.slug])),
        ("get", reverse("applications:question", args=[qa_call.slug, question.pk])),
        ("get", reverse("applications:staff_questions")),
        ("get", reverse("applications:staff_question", args=[question.pk])),
        ("post", reverse("applications:staff_question", args=[question.pk])),
    ]
    for method, url in urls:
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("accounts:login")), url


def test_another_organisation_gets_not_found(client, qa_call, applicant, other_applicant):
    question = ask(qa_call, applicant, subject="우리 기관만 아는 질문")
    client.force_login(other_applicant)
    assert client.get(reverse("applications:question", args=[qa_call.slug, question.pk])).status_code == 404
    html = client.get(reverse("applications:questions", args=[qa_call.slug])).content.decode()
    assert "우리 기관만 아는 질문" not in html


def test_a_question_is_not_found_under_another_call(client, qa_call, applicant):
    question = ask(qa_call, applicant)
    client.force_login(applicant)
    other = CallFactory()
    assert client.get(reverse("applications:question", args=[other.slug, question.pk])).status_code == 404


def test_every_member_of_the_asking_organisation_reads_it(client, qa_call, applicant):
    question = ask(qa_call, applicant, subject="우리 기관 질문")
    viewer = MembershipFactory(organization=organization_of(applicant), role=Membership.Role.VIEWER).user
    client.force_login(viewer)
    response = client.get(reverse("applications:question", args=[qa_call.slug, question.pk]))
    assert response.status_code == 200
    assert "우리 기관 질문" in response.content.decode()
    assert "우리 기관 질문" in client.get(reverse("applications:questions", args=[qa_call.slug])).content.decode()


@pytest.mark.parametrize("method", ["get", "post"])
def test_staff_pages_are_closed_to_applicants(client, qa_call, applicant, method):
    question = ask(qa_call, applicant)
    client.force_login(applicant)
    assert getattr(client, method)(reverse("applications:staff_questions")).status_code == 403
    response = getattr(client, method)(reverse("applications:staff_question", args=[question.pk]), answer_data("x"))
    assert response.status_code == 403
    question.refresh_from_db()
    assert not question.is_answered


# --- asking ------------------------------------------------------------------------------------------------


def test_call_page_links_to_asking(client, qa_call, applicant):
    html = client.get(reverse("applications:call", args=[qa_call.slug]), **EN).content.decode()
    assert "Log in to ask a question about this call" in html
    client.force_login(applicant)
    html = client.get(reverse("applications:call", args=[qa_call.slug]), **EN).content.decode()
    assert reverse("applications:questions", args=[qa_call.slug]) in html
    assert "My organisation's questions (0)" in html


def test_a_member_asks_and_sees_the_question(client, qa_call, applicant):
    client.force_login(applicant)
    response = client.post(
        reverse("applications:questions", args=[qa_call.slug]),
        {"organization": organization_of(applicant).pk, "subject": "투자 계획 기준", "body": "MOU도 인정됩니까?"},
    )
    question = Question.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("applications:question", args=[qa_call.slug, question.pk])
    assert question.organization == organization_of(applicant)
    assert question.asked_by == applicant
    assert not question.is_answered
    html = client.get(response["Location"], **EN).content.decode()
    assert "MOU도 인정됩니까?" in html
    assert "Waiting for an answer" in html
    assert "투자 계획 기준" in client.get(reverse("applications:questions", args=[qa_call.slug])).content.decode()


def test_an_incomplete_question_keeps_what_was_typed(client, qa_call, applicant):
    client.force_login(applicant)
    response = client.post(
        reverse("applications:questions", args=[qa_call.slug]),
        {"organization": organization_of(applicant).pk, "subject": "", "body": "입력한 본문은 남아 있어야 합니다."},
        **EN,
    )
    assert response.status_code == 200
    assert "입력한 본문은 남아 있어야 합니다." in response.content.decode()
    assert not Question.objects.exists()


def test_a_viewer_cannot_ask_for_the_organisation(client, qa_call, applicant):
    viewer = MembershipFactory(organization=organization_of(applicant), role=Membership.Role.VIEWER).user
    client.force_login(viewer)
    response = client.post(
        reverse("applications:questions", args=[qa_call.slug]),
        {"organization": organization_of(applicant).pk, "subject": "질문", "body": "본문"},
    )
    assert response.status_code == 200
    assert not Question.objects.exists()


# --- staff: queue, answer, FAQ -------------------------------------------------------------------------------


def test_queue_lists_unanswered_first_with_their_age(client, qa_call, applicant, other_applicant, ministry_staff):
    now = timezone.now()
    ask(
        qa_call,
        applicant,
        subject="이미 답변한 질문",
        created_at=now - datetime.timedelta(days=5),
        answer="답변",
        answered_at=now - datetime.timedelta(days=4),
        answered_by=ministry_staff,
    )
    ask(qa_call, other_applicant, subject="오래 기다린 질문", created_at=now - datetime.timedelta(days=3))
    ask(qa_call, applicant, subject="새 질문", created_at=now - datetime.timedelta(hours=2))
    client.force_login(ministry_staff)
    html = client.get(reverse("applications:staff_questions"), **EN).content.decode()
    assert html.index("오래 기다린 질문") < html.index("새 질문") < html.index("이미 답변한 질문")
    assert "3\xa0days ago" in html
    assert "2 questions waiting for an answer" in html
    html = client.get(reverse("applications:staff_questions") + f"?call={CallFactory().slug}", **EN).content.decode()
    assert "새 질문" not in html


def test_answer_is_emailed_to_owners_and_editors_once(
    client, qa_call, applicant, ministry_staff, django_capture_on_commit_callbacks, mailoutbox
):
    organization = organization_of(applicant)
    editor = MembershipFactory(organization=organization, role=Membership.Role.EDITOR).user
    viewer = MembershipFactory(organization=organization, role=Membership.Role.VIEWER).user
    question = ask(qa_call, applicant)
    client.force_login(ministry_staff)
    url = reverse("applications:staff_question", args=[question.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, answer_data("기존 산단 부지도 포함할 수 있습니다."))
        client.post(url, answer_data("기존 산단 부지도 포함할 수 있습니다."))  # a second click
    assert response.status_code == 302
    question.refresh_from_db()
    assert question.is_answered
    assert question.answered_by == ministry_staff
    assert len(mailoutbox) == 1
    assert sorted(mailoutbox[0].to) == sorted([applicant.email, editor.email])
    assert viewer.email not in mailoutbox[0].to
    assert "기존 산단 부지도 포함할 수 있습니다." in mailoutbox[0].body
    assert question.subject in mailoutbox[0].subject
    assert reverse("applications:question", args=[qa_call.slug, question.pk]) in mailoutbox[0].body

    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, answer_data("정정: 기존 산단 부지는 면적의 절반까지 포함할 수 있습니다."))
    assert len(mailoutbox) == 2
    assert OutboxMessage.objects.filter(reference__startswith=f"applications.question:{question.pk}:").count() == 2

    client.force_login(applicant)
    html = client.get(reverse("applications:question", args=[qa_call.slug, question.pk])).content.decode()
    assert "면적의 절반까지" in html


def test_an_empty_answer_is_refused(client, qa_call, applicant, ministry_staff, mailoutbox):
    question = ask(qa_call, applicant)
    client.force_login(ministry_staff)
    response = client.post(reverse("applications:staff_question", args=[question.pk]), answer_data(""), **EN)
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    question.refresh_from_db()
    assert not question.is_answered
    assert not OutboxMessage.objects.exists()


def test_published_faq_names_nobody(client, qa_call, applicant, ministry_staff):
    question = ask(qa_call, applicant, subject="시험광역시의 부지 질문", body="사용자 본인이 쓴 원래 질문")
    client.force_login(ministry_staff)
    url = reverse("applications:staff_question", args=[question.pk])
    client.post(url, answer_data("원래 답변"))
    response = client.post(url, faq_data("기존 산단 부지를 포함할 수 있습니까?", "면적의 절반까지 포함할 수 있습니다."))
    assert response.status_code == 302
    question.refresh_from_db()
    assert question.faq_published

    client.logout()
    html = client.get(reverse("applications:call", args=[qa_call.slug])).content.decode()
    assert "기존 산단 부지를 포함할 수 있습니까?" in html
    assert "면적의 절반까지 포함할 수 있습니다." in html
    organization = organization_of(applicant)
    for secret in (
        organization.name_ko,
        organization.name_en,
        applicant.full_name,
        applicant.email,
        question.subject,
        question.body,
        "원래 답변",
    ):
        assert secret not in html


def test_faq_wording_that_names_the_asker_is_refused(client, qa_call, applicant, ministry_staff):
    question = ask(qa_call, applicant)
    client.force_login(ministry_staff)
    url = reverse("applications:staff_question", args=[question.pk])
    client.post(url, answer_data("답변"))
    name = organization_of(applicant).name_ko
    response = client.post(url, faq_data(f"{name}의 질문: 부지 기준은?", "답변"), **EN)
    assert response.status_code == 200
    assert "The public wording names the asker" in response.content.decode()
    assert f"{name}의 질문: 부지 기준은?" in response.content.decode()  # kept for editing
    question.refresh_from_db()
    assert not question.faq_published


def test_an_unanswered_question_cannot_be_published(client, qa_call, applicant, ministry_staff):
    question = ask(qa_call, applicant)
    client.force_login(ministry_staff)
    response = client.post(reverse("applications:staff_question", args=[question.pk]), faq_data("질문?", "답변."), **EN)
    assert response.status_code == 200
    assert "Answer the question before publishing it." in response.content.decode()
    question.refresh_from_db()
    assert not question.faq_published


def test_staff_can_withdraw_a_faq_entry(client, qa_call, applicant, ministry_staff):
    question = ask(
        qa_call,
        applicant,
        answer="답변",
        answered_at=timezone.now(),
        answered_by=ministry_staff,
        faq_published=True,
        faq_question="공개 질문",
        faq_answer="공개 답변",
    )
    client.force_login(ministry_staff)
    client.post(reverse("applications:staff_question", args=[question.pk]), faq_data("공개 질문", "공개 답변", False))
    question.refresh_from_db()
    assert not question.faq_published
    assert "공개 질문" not in client.get(reverse("applications:call", args=[qa_call.slug])).content.decode()


@pytest.mark.parametrize("rows", [1, 30])
def test_queue_query_count_does_not_grow(client, qa_call, ministry_staff, django_assert_max_num_queries, rows):
    for _ in range(rows):
        user = MembershipFactory(organization=OrganizationFactory()).user
        ask(qa_call, user)
    client.force_login(ministry_staff)
    with django_assert_max_num_queries(7):  # +1 since issue 10: the staff session's second-factor device
        response = client.get(reverse("applications:staff_questions"))
    assert response.content.decode().count("<tr>") == rows + 1


@pytest.mark.parametrize("value", ["%00", "a%00b", "no such call"])
def test_a_call_filter_that_names_no_call_is_not_found(client, qa_call, ministry_staff, value):
    client.force_login(ministry_staff)
    response = client.get(reverse("applications:staff_questions") + "?call=" + value.replace(" ", "+"), **EN)
    assert response.status_code == 404
