"""The public call page's reads (applications.selectors, compiled once per connection; issue 12): each is what
the call's related manager returns, in the model's order; the page asks a fixed number of statements however
many fields, documents, deadline changes, published answers and briefing sessions the call has; an unpublished
or unknown call is not found."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from applications import briefing_services, selectors
from applications.models import BriefingRegistration, BriefingSession, CallDocument, DeadlineExtension, Question
from tests.factories import CallFactory, FieldFactory, OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def _fill(call, n: int):
    """`n` of each thing the page lists, created out of their display order."""
    user, organization = UserFactory(), OrganizationFactory()
    now = timezone.now()
    for i in range(n):
        call.fields.add(FieldFactory(code=f"F{call.pk}{i}", sort_order=n - i))
        CallDocument.objects.create(
            call=call, title=f"공고문 {i}", file=f"calls/doc{i}.pdf", original_name=f"doc{i}.pdf", sort_order=n - i
        )
        DeadlineExtension.objects.create(
            call=call,
            previous_deadline=call.deadline,
            new_deadline=call.deadline + datetime.timedelta(hours=i + 1),
            reason=f"사유 {i}",
            actor=user,
            created_at=now - datetime.timedelta(minutes=i),
        )
        Question.objects.create(
            call=call,
            organization=organization,
            asked_by=user,
            subject=f"질문 {i}",
            body="본문",
            created_at=now - datetime.timedelta(minutes=i),
            faq_published=i % 2 == 0,
            faq_question=f"자주 묻는 질문 {i}",
            faq_answer=f"답변 {i}",
        )
        session = BriefingSession.objects.create(
            call=call,
            starts_at=now + datetime.timedelta(days=n - i),
            place_ko=f"회의실 {i}",
            place_en=f"Room {i}",
            capacity=10 + i,
        )
        BriefingRegistration.objects.create(
            session=session, organization=organization, registered_by=user, attendees=i + 1, attendee_names="홍길동"
        )


def _same(found, reference):
    assert [(type(o), o.pk) for o in found] == [(type(o), o.pk) for o in reference]
    for obj, ref in zip(found, reference, strict=True):
        assert {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields} == {
            f.attname: getattr(ref, f.attname) for f in ref._meta.concrete_fields
        }


def test_each_read_is_what_the_calls_related_manager_returns():
    call, other = CallFactory(), CallFactory()
    _fill(call, 3)
    _fill(other, 2)
    for _ in range(2):  # compiled on the first use, then reused
        assert selectors.PUBLISHED_CALL.first(call.slug) == call
        _same(selectors.CALL_FIELDS.all(call.pk), call.fields.all())
        _same(selectors.CALL_DOCUMENTS.all(call.pk), call.documents.all())
        _same(selectors.CALL_EXTENSIONS.all(call.pk), call.deadline_extensions.all())
        _same(selectors.CALL_FAQ.all(call.pk), call.questions.filter(faq_published=True).order_by("created_at"))
        sessions = briefing_services.CALL_SESSIONS.all(call.pk)
        reference = briefing_services.sessions_with_seats(call.briefings.all()).order_by("starts_at", "pk")
        _same(sessions, reference)
        assert [(s.seats_taken, s.registered_organizations) for s in sessions] == [
            (s.seats_taken, s.registered_organizations) for s in reference
        ]
        # the first to start first (a GROUP BY query ignores Meta ordering: the page listed them as stored)
        assert [s.seats_taken for s in sessions] == [3, 2, 1]
    assert selectors.PUBLISHED_CALL.first("no-such-call") is None


def test_an_unpublished_or_unknown_call_is_not_found(client):
    hidden = CallFactory(published=False)
    assert selectors.PUBLISHED_CALL.first(hidden.slug) is None
    assert client.get(reverse("applications:call", args=[hidden.slug])).status_code == 404
    assert client.get(reverse("applications:call", args=["no-such-call"])).status_code == 404


@pytest.mark.parametrize("n", [1, 8])
def test_the_page_asks_the_same_statements_however_much_the_call_lists(client, n, django_assert_num_queries):
    call = CallFactory()
    _fill(call, n)
    url = reverse("applications:call", args=[call.slug])
    client.get(url)
    # the call, its fields, documents, published answers, deadline changes and briefing sessions with seats
    with django_assert_num_queries(6):
        html = client.get(url, **EN).content.decode()
    assert html.count("Room ") == n and html.count("공고문 ") == n
    assert html.count("자주 묻는 질문 ") == (n + 1) // 2
    assert html.index(f"공고문 {n - 1}") <= html.index("공고문 0")  # the documents in their order
    assert html.index(f"Room {n - 1}") <= html.index("Room 0")  # the sessions by their start
