"""core/outbox.py, core/tasks.py and core/queueing.py at their edges (issue 11): the recipients a row keeps,
the state table, the last attempt, the retry back-off, and the broker back-off of publishing."""

import datetime

import pytest
from celery.exceptions import Retry
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from core import outbox, queueing
from core.models import OutboxMessage
from core.tasks import deliver_email, sweep_outbox

pytestmark = pytest.mark.django_db
Status = OutboxMessage.Status


def queue(reference="rules:1", to=("someone@example.kr",), **kwargs):
    return outbox.queue_email(
        to=list(to),
        template="accounts/email/password_reset",
        context={"protocol": "https", "domain": "portal", "uid": "MQ", "token": "abc-def"},
        reference=reference,
        **kwargs,
    )


def test_recipients_are_lowercased_deduplicated_sorted_and_blank_ones_dropped():
    message = queue(to=["B@example.kr", "", "a@example.kr", "b@EXAMPLE.kr", None])
    assert message.to == ["a@example.kr", "b@example.kr"]


def test_the_message_is_rendered_in_its_language_with_a_one_line_subject(django_capture_on_commit_callbacks):
    korean = queue("rules:ko")
    english = queue("rules:en", language="en")
    assert korean.subject != english.subject
    for message in (korean, english):
        assert message.subject and "\n" not in message.subject and "  " not in message.subject
        assert message.subject == message.subject.strip()
    assert english.body.startswith("Someone asked to set a new password")
    assert (english.attachments, english.created_by, english.status) == ([], None, Status.PENDING)


def test_queueing_dispatches_after_the_commit_only(django_capture_on_commit_callbacks, monkeypatch):
    sent = []
    monkeypatch.setattr(outbox, "dispatch", lambda pk, **kw: sent.append(pk))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        message = queue()
    assert sent == [] and len(callbacks) == 1
    callbacks[0]()
    assert sent == [message.pk]
    with django_capture_on_commit_callbacks(execute=True) as again:
        assert queue().pk == message.pk  # the same reference: the first row, nothing dispatched again
    assert again == [] and sent == [message.pk]


def test_dispatch_stamps_the_row_and_publishes(monkeypatch):
    message = queue()
    published = []
    monkeypatch.setattr(queueing, "publish", lambda task, *args, retrying=False: published.append((args, retrying)))
    before = timezone.now()
    outbox.dispatch(message.pk, retrying=True)
    message.refresh_from_db()
    assert message.dispatched_at >= before
    assert published == [((message.pk,), True)]


def test_redact_hides_reset_tokens_only():
    text = "https://portal/reset/MQ/c4x9zs-0123456789abcdef0123456789abcdef/ ticket 2026-BAT-001"
    assert outbox.redact(text) == "https://portal/reset/MQ/[hidden]/ ticket 2026-BAT-001"


@pytest.mark.parametrize(
    ("start", "to", "allowed"),
    [
        (Status.PENDING, Status.SENDING, True),
        (Status.PENDING, Status.SENT, False),
        (Status.SENT, Status.PENDING, False),
        (Status.FAILED, Status.SENDING, False),
        (Status.FAILED, Status.PENDING, True),
    ],
)
def test_move_follows_the_table(start, to, allowed):
    message = OutboxMessage(status=start)
    if allowed:
        outbox.move(message, to)
        assert message.status == to
    else:
        with pytest.raises(outbox.OutboxRefusal):
            outbox.move(message, to)
        assert message.status == start


def test_claim_commits_sending_and_counts_the_attempt():
    message = queue()
    now = timezone.now()
    claimed = outbox.claim(message.pk, now=now)
    message.refresh_from_db()
    assert (message.status, message.sending_since, message.attempts) == (Status.SENDING, now, 1)
    assert claimed.pk == message.pk
    assert outbox.claim(10**9, now=now) is None  # no such message


def test_claim_without_a_time_uses_the_clock():
    message = queue()
    before = timezone.now()
    outbox.claim(message.pk)
    message.refresh_from_db()
    assert before <= message.sending_since <= timezone.now()


def test_a_failed_message_is_not_claimed():
    message = queue()
    OutboxMessage.objects.filter(pk=message.pk).update(status=Status.FAILED)
    assert outbox.claim(message.pk) is None


def test_the_last_attempt_fails_the_message_and_earlier_ones_return_it_to_pending():
    message = queue()
    OutboxMessage.objects.filter(pk=message.pk).update(status=Status.SENDING, attempts=OutboxMessage.MAX_ATTEMPTS - 1)
    assert outbox.record_failure(message.pk, OSError("try again")) == Status.PENDING
    message.refresh_from_db()
    assert message.last_error == "OSError('try again')"
    OutboxMessage.objects.filter(pk=message.pk).update(status=Status.SENDING, attempts=OutboxMessage.MAX_ATTEMPTS)
    assert outbox.record_failure(message.pk, OSError("x" * 5000)) == Status.FAILED
    message.refresh_from_db()
    assert len(message.last_error) == 2000


@pytest.mark.parametrize("status", [Status.PENDING, Status.SENT, Status.FAILED])
def test_a_failure_reported_for_a_message_not_being_sent_changes_nothing(status):
    message = queue()
    OutboxMessage.objects.filter(pk=message.pk).update(status=status)
    assert outbox.record_failure(message.pk, OSError("late")) == status
    message.refresh_from_db()
    assert (message.status, message.last_error) == (status, "")


def test_recording_sent_clears_the_error_and_is_idempotent():
    message = queue()
    OutboxMessage.objects.filter(pk=message.pk).update(status=Status.SENDING, last_error="OSError()")
    outbox.record_sent(message.pk)
    message.refresh_from_db()
    sent_at = message.sent_at
    assert (message.status, message.last_error) == (Status.SENT, "") and sent_at
    outbox.record_sent(message.pk)
    message.refresh_from_db()
    assert message.sent_at == sent_at


def test_retrying_resets_the_attempts_and_dispatches_after_commit(django_capture_on_commit_callbacks, monkeypatch):
    message = queue()
    OutboxMessage.objects.filter(pk=message.pk).update(status=Status.FAILED, attempts=OutboxMessage.MAX_ATTEMPTS)
    sent = []
    monkeypatch.setattr(outbox, "dispatch", lambda pk, **kw: sent.append(pk))
    with django_capture_on_commit_callbacks(execute=True):
        retried = outbox.retry_failed(message.pk)
    assert (retried.status, retried.attempts) == (Status.PENDING, 0)
    assert sent == [message.pk]


def test_as_email_attaches_stored_files_by_their_base_name():
    name = default_storage.save("receipts/2026/receipt.pdf", ContentFile(b"%PDF-1.4 receipt"))
    message = queue(attachments=[name])
    email = outbox.as_email(message)
    assert email.to == message.to and email.subject == message.subject and email.body == message.body
    assert email.extra_headers["Message-ID"] == message.message_id
    assert email.attachments[0][:2] == (name.rsplit("/", 1)[-1], b"%PDF-1.4 receipt")
    at_root = default_storage.save("notice.pdf", ContentFile(b"%PDF-1.4 notice"))  # a name without a folder
    assert outbox.as_email(queue("rules:root", attachments=[at_root])).attachments[0][:2] == (
        at_root,
        b"%PDF-1.4 notice",
    )


class RefusingBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise OSError("SMTP refused")


def test_a_refused_delivery_retries_with_a_growing_countdown(settings, monkeypatch):
    settings.EMAIL_BACKEND = "tests.core.test_outbox_rules.RefusingBackend"
    message = queue()
    countdowns = []
    real_retry = deliver_email.retry

    def spy(*args, **kwargs):
        countdowns.append(kwargs["countdown"])
        return real_retry(*args, **kwargs)

    monkeypatch.setattr(deliver_email, "retry", spy)
    for _attempt in range(OutboxMessage.MAX_ATTEMPTS - 1):
        with pytest.raises(Retry):
            deliver_email.apply(args=[message.pk], throw=True)
    assert countdowns == [30, 60, 120, 240]
    assert deliver_email.apply(args=[message.pk]).get() == "failed"
    message.refresh_from_db()
    assert (message.status, message.attempts) == (Status.FAILED, OutboxMessage.MAX_ATTEMPTS)


def test_the_sweep_redispatches_only_what_is_stale(monkeypatch):
    fresh, stale = queue("rules:fresh"), queue("rules:stale")
    now = timezone.now()
    OutboxMessage.objects.filter(pk=fresh.pk).update(dispatched_at=now)
    OutboxMessage.objects.filter(pk=stale.pk).update(dispatched_at=now - datetime.timedelta(seconds=301))
    dispatched = []
    monkeypatch.setattr(outbox, "dispatch", lambda pk, retrying=False: dispatched.append((pk, retrying)))
    assert sweep_outbox.apply().get() == 1
    assert dispatched == [(stale.pk, True)]


# --- queueing: a broker failure holds back publishing for a while, never the sweep ---------------------------


class _Task:
    name = "tests.fake"

    def __init__(self, eager=False, fail=False):
        self.calls, self.fail = [], fail
        self.app = type("App", (), {"conf": type("Conf", (), {"task_always_eager": eager})()})()

    def delay(self, *args):
        self.calls.append(args)
        if self.fail:
            raise ConnectionError("broker down")


def test_after_a_broker_failure_publishing_waits_for_the_backoff(settings, monkeypatch):
    settings.BROKER_BACKOFF_SECONDS = 30
    clock = [1000.0]
    monkeypatch.setattr(queueing.time, "monotonic", lambda: clock[0])
    assert queueing.publish(_Task(fail=True), 1) is False
    task = _Task()
    clock[0] = 1029.999
    assert queueing.publish(task, 2) is False and task.calls == []
    assert queueing.publish(task, 3, retrying=True) is True and task.calls == [(3,)]  # the sweep always tries
    clock[0] = 1030.0
    assert queueing.publish(task, 4) is True and task.calls == [(3,), (4,)]


def test_an_in_process_failure_is_not_a_broker_failure(settings, monkeypatch):
    settings.BROKER_BACKOFF_SECONDS = 30
    monkeypatch.setattr(queueing.time, "monotonic", lambda: 1000.0)
    assert queueing.publish(_Task(eager=True, fail=True), 1) is False
    task = _Task()
    assert queueing.publish(task, 2) is True and task.calls == [(2,)]


def test_reset_forgets_a_broker_failure(settings, monkeypatch):
    settings.BROKER_BACKOFF_SECONDS = 30
    monkeypatch.setattr(queueing.time, "monotonic", lambda: 1000.0)
    queueing.publish(_Task(fail=True), 1)
    queueing.reset()
    task = _Task()
    assert queueing.publish(task, 2) is True


def test_after_a_reset_nothing_is_held_back_at_any_clock_reading(settings, monkeypatch):
    """reset forgets the failure entirely: even a monotonic clock reading zero (just booted) publishes."""
    settings.BROKER_BACKOFF_SECONDS = 30
    monkeypatch.setattr(queueing.time, "monotonic", lambda: 0.0)
    queueing.publish(_Task(fail=True), 1)
    queueing.reset()
    task = _Task()
    assert queueing.publish(task, 2) is True and task.calls == [(2,)]


def test_what_publishing_logs_names_the_task_and_its_arguments(settings, monkeypatch, caplog):
    """The log is how an operator learns what was left to a sweep: the task, its arguments, the broker error."""
    settings.BROKER_BACKOFF_SECONDS = 30
    monkeypatch.setattr(queueing.time, "monotonic", lambda: 1000.0)
    with caplog.at_level("WARNING", logger="core.queueing"):
        queueing.publish(_Task(fail=True), 7)
        queueing.publish(_Task(), 8)
    failed, held = caplog.records
    assert failed.getMessage() == "Could not publish tests.fake(7,); the sweep will retry"
    assert failed.exc_info[0] is ConnectionError
    assert held.getMessage() == "Broker recently unreachable: tests.fake(8,) left for the sweep"
    assert held.exc_info is None


# --- the sweeps at their edges (issue 11) ------------------------------------------------------------------


def test_the_sweep_s_staleness_and_lease_edges(monkeypatch, settings):
    """Waiting: dispatched more than 300 s ago (exactly 300 s is not yet stale). Sending: since before the lease."""
    import time_machine

    now = timezone.now()
    lease = datetime.timedelta(seconds=settings.OUTBOX_SENDING_LEASE)
    tick = datetime.timedelta(microseconds=1)
    rows = {
        "stale": dict(dispatched_at=now - datetime.timedelta(seconds=300) - tick),
        "just-fresh": dict(dispatched_at=now - datetime.timedelta(seconds=300)),
        "abandoned": dict(status=Status.SENDING, sending_since=now - lease - tick),
        "within-lease": dict(status=Status.SENDING, sending_since=now - lease),
        "sending-now": dict(status=Status.SENDING, sending_since=now - datetime.timedelta(seconds=1)),
    }
    ids = {}
    for label, fields in rows.items():
        ids[label] = queue(f"rules:edge:{label}").pk
        OutboxMessage.objects.filter(pk=ids[label]).update(**fields)
    dispatched = []
    monkeypatch.setattr(outbox, "dispatch", lambda pk, retrying=False: dispatched.append(pk))
    with time_machine.travel(now, tick=False):
        assert sweep_outbox.apply().get() == 2
    assert sorted(dispatched) == sorted([ids["stale"], ids["abandoned"]])


def test_the_sweep_hands_over_at_most_500_messages_a_run(monkeypatch):
    long_ago = timezone.now() - datetime.timedelta(days=1)
    OutboxMessage.objects.bulk_create(
        OutboxMessage(to=["a@example.kr"], subject="s", body="b", reference=f"rules:bulk:{i}", message_id=f"<{i}@t>")
        for i in range(501)
    )
    OutboxMessage.objects.update(dispatched_at=long_ago)
    dispatched = []
    monkeypatch.setattr(outbox, "dispatch", lambda pk, retrying=False: dispatched.append(pk))
    assert sweep_outbox.apply().get() == 500
    assert len(dispatched) == 500


def test_the_file_sweep_counts_both_kinds_of_leftovers(monkeypatch):
    from core import files
    from core.tasks import sweep_orphan_files

    monkeypatch.setattr(files, "sweep_orphans", lambda: ["a", "b", "c"])
    monkeypatch.setattr(files, "sweep_upload_temp", lambda: ["t"])
    assert sweep_orphan_files.apply().get() == 4


def test_retrying_a_message_that_has_not_failed_says_which_and_why():
    message = queue()
    OutboxMessage.objects.filter(pk=message.pk).update(status=Status.SENT)
    with pytest.raises(outbox.OutboxRefusal) as refused:
        outbox.retry_failed(message.pk)
    assert str(refused.value) == f"outbox message {message.pk} has not failed (sent)"
    assert OutboxMessage.objects.get(pk=message.pk).status == Status.SENT


def test_dispatch_after_queueing_respects_the_broker_back_off(monkeypatch):
    """Only the sweep passes retrying=True; a request's own dispatch leaves the message to it after a failure."""
    message = queue("rules:backoff")
    published = []
    monkeypatch.setattr(queueing, "publish", lambda task, *args, retrying=False: published.append(retrying))
    outbox.dispatch(message.pk)
    assert published == [False]


def test_an_unreachable_mail_server_is_a_failure_to_retry_never_a_silent_success(settings):
    """Django's SMTP backend swallows errors when asked to fail silently; the task must never ask."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 1, 2
    message = queue("rules:smtp-down")
    with pytest.raises(Retry) as retry:
        deliver_email.apply(args=[message.pk], throw=True)
    assert isinstance(retry.value.exc, ConnectionRefusedError)  # the retry carries the cause to the worker's log
    message.refresh_from_db()
    assert (message.status, message.attempts, message.sent_at) == (Status.PENDING, 1, None)
    assert message.last_error.startswith("ConnectionRefusedError(")


def test_giving_up_is_logged_with_the_message_and_its_attempts(settings, caplog):
    settings.EMAIL_BACKEND = "tests.core.test_outbox_rules.RefusingBackend"
    message = queue("rules:give-up")
    OutboxMessage.objects.filter(pk=message.pk).update(attempts=OutboxMessage.MAX_ATTEMPTS - 1)
    with caplog.at_level("ERROR", logger="core.tasks"):
        assert deliver_email.apply(args=[message.pk]).get() == "failed"
    assert [r.getMessage() for r in caplog.records if r.name == "core.tasks"] == [
        f"Giving up on outbox message {message.pk} after {OutboxMessage.MAX_ATTEMPTS} attempts"
    ]


# --- mutation testing, second round (issue 11) ----------------------------------------------------------------


def test_the_subject_is_rendered_exactly_korean_by_default(settings, monkeypatch):
    """The default language is Korean (not the site's fallback by accident), words joined by one space."""
    from django.utils.translation import trans_real

    settings.LANGUAGE_CODE = "en"  # the fallback of an unknown language: the default must not rely on it
    monkeypatch.setattr(trans_real, "_translations", {})  # catalogues built earlier keep their old fallback
    assert queue("rules:subject:ko").subject == "[특화단지 포털] 비밀번호 재설정"
    assert queue("rules:subject:en", language="en").subject == "[Specialized Complex Portal] Set a new password"


def test_a_long_subject_is_cut_at_255_characters():
    long_name = "가" * 300
    message = outbox.queue_email(
        to=["someone@example.kr"],
        template="accounts/email/member_added",
        context={"organization": {"name_ko": long_name}, "role": "editor"},
        reference="rules:long-subject",
        language="en",
    )
    expected = "[Specialized Complex Portal] You were added to " + long_name
    message.refresh_from_db()
    assert message.subject == expected[:255]


def test_a_message_marked_sending_without_a_start_is_claimed():
    """A "sending" row with no start time has no lease to respect (its worker never recorded one)."""
    message = queue("rules:sending-without-start")
    OutboxMessage.objects.filter(pk=message.pk).update(status=Status.SENDING, sending_since=None, attempts=1)
    now = timezone.now()
    claimed = outbox.claim(message.pk, now=now)
    assert claimed is not None and (claimed.status, claimed.sending_since, claimed.attempts) == (
        Status.SENDING,
        now,
        2,
    )


def test_claiming_reads_the_lease_from_the_settings(settings):
    settings.OUTBOX_SENDING_LEASE = 10
    assert outbox.lease() == datetime.timedelta(seconds=10)
    message = queue("rules:lease-setting")
    start = timezone.now()
    outbox.claim(message.pk, now=start)
    assert outbox.claim(message.pk, now=start + datetime.timedelta(seconds=9)) is None
    assert outbox.claim(message.pk, now=start + datetime.timedelta(seconds=10)) is not None


def test_subject_and_body_are_plain_text_never_html_escaped():
    """Mail is text: "R&D <주>" must reach the reader as typed, not as "R&amp;D &lt;주&gt;"."""
    message = outbox.queue_email(
        to=["someone@example.kr"],
        template="accounts/email/member_added",
        context={"organization": {"name_ko": "R&D <주>"}, "actor": {"full_name": "O'Neil"}},
        reference="rules:plain-text",
        language="en",
    )
    assert message.subject == "[Specialized Complex Portal] You were added to R&D <주>"
    assert message.body.startswith("O'Neil added you to R&D <주> as ")


def test_the_message_remembers_who_caused_it():
    from tests.factories import UserFactory

    staff = UserFactory()
    message = queue("rules:created-by", created_by=staff)
    message.refresh_from_db()
    assert message.created_by == staff
