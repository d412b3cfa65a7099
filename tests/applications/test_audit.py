import datetime

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from applications import audit, services
from applications.models import AuditEvent
from tests import services as test_services
from tests.factories import UserFactory

from .conftest import BEFORE

pytestmark = pytest.mark.django_db


def test_every_change_is_chained(complete, applicant):
    services.submit(applicant, complete, at=BEFORE)
    events = list(AuditEvent.objects.order_by("pk"))
    assert [e.action for e in events][-2:] == ["submit", "version_frozen"]
    assert any(e.action == "submit" and e.from_status == "draft" and e.to_status == "submitted" for e in events)
    for previous, event in zip(events, events[1:], strict=False):
        assert event.prev_hash == previous.hash
    checked, broken, why = audit.verify_chain()
    assert (checked, broken, why) == (len(events), None, "")


def test_events_cannot_be_edited_or_deleted_through_the_orm(complete, applicant):
    services.submit(applicant, complete, at=BEFORE)
    event = AuditEvent.objects.first()
    event.reason = "변조"
    with pytest.raises(ValueError):
        event.save()
    with pytest.raises(ValueError):
        event.delete()


def test_verify_audit_names_the_first_tampered_event(complete, applicant, capsys):
    services.submit(applicant, complete, at=BEFORE)
    call_command("verify_audit")
    assert "intact" in capsys.readouterr().out
    target = AuditEvent.objects.filter(action="submit").get()
    AuditEvent.objects.filter(pk=target.pk).update(reason="나중에 고친 사유")  # a direct SQL edit
    with pytest.raises(CommandError) as exc:
        call_command("verify_audit")
    assert f"event #{target.pk}" in str(exc.value)


# --- tampering (issue 11): each hashed field, the links, and the end of the chain --------------------------
# Written against the public behaviour (record, verify_chain, the verify_audit command) so they hold whatever
# shape the chain's storage takes.


@pytest.fixture
def chain(complete, applicant):
    """Three events by the applicant on the plan, the middle one with details and a reason."""
    first = audit.record(action="noted", actor=applicant, application=complete, at=BEFORE)
    middle = audit.record(
        action="withdraw",
        actor=applicant,
        application=complete,
        from_status="submitted",
        to_status="withdrawn",
        reason="사업 재검토",
        data={"version": 1, "note": "원본"},
        at=BEFORE + datetime.timedelta(minutes=1),
    )
    last = audit.record(
        action="noted", actor=applicant, application=complete, at=BEFORE + datetime.timedelta(minutes=2)
    )
    assert audit.verify_chain() == (AuditEvent.objects.count(), None, "")
    return first, middle, last


def _broken_at(event):
    checked, broken, why = audit.verify_chain()
    assert why, "the tampering went unnoticed"
    assert broken is not None and broken.pk == event.pk, (broken, why)
    assert checked == AuditEvent.objects.filter(pk__lt=event.pk).count()
    return why


@pytest.mark.parametrize(
    "change",
    [
        {"data": {"version": 1, "note": "고친 내용"}},
        {"reason": "나중에 고친 사유"},
        {"action": "submit"},
        {"from_status": "draft"},
        {"to_status": "submitted"},
        {"created_at": BEFORE + datetime.timedelta(minutes=1, microseconds=1)},
    ],
    ids=lambda change: next(iter(change)),
)
def test_changing_any_recorded_field_breaks_the_chain_at_that_event(chain, change):
    middle = chain[1]
    AuditEvent.objects.filter(pk=middle.pk).update(**change)
    assert _broken_at(middle) == "content does not match its hash"


def test_changing_the_actor_breaks_the_chain(chain):
    AuditEvent.objects.filter(pk=chain[1].pk).update(actor=UserFactory())
    assert _broken_at(chain[1]) == "content does not match its hash"


def test_moving_an_event_to_another_plan_or_call_breaks_the_chain(chain, call):
    from tests.factories import ApplicationFactory, CallFactory

    AuditEvent.objects.filter(pk=chain[1].pk).update(application=ApplicationFactory(call=call))
    assert _broken_at(chain[1]) == "content does not match its hash"
    AuditEvent.objects.filter(pk=chain[1].pk).update(application=chain[1].application, call=CallFactory())
    assert _broken_at(chain[1]) == "content does not match its hash"


def test_deleting_an_event_in_the_middle_is_found_at_its_successor(chain):
    first, middle, last = chain
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {AuditEvent._meta.db_table} WHERE id = %s", [middle.pk])
    assert _broken_at(last) == "prev_hash does not match the previous event"


def test_deleting_the_newest_events_is_found_by_the_chain_head(chain, capsys):
    first, middle, last = chain
    from applications.models import AuditChainHead

    # The last event is removed; the head row still records its hash (the head's foreign key is repointed so
    # the database lets the row go, as someone covering their tracks would).
    AuditChainHead.objects.filter(last_event=last).update(last_event=middle)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {AuditEvent._meta.db_table} WHERE id = %s", [last.pk])
    checked, broken, why = audit.verify_chain()
    assert (checked, broken) == (AuditEvent.objects.count(), None)
    assert why == "the chain head does not point at the last event (events were removed)"
    with pytest.raises(CommandError, match="the chain head"):
        call_command("verify_audit")


def test_an_empty_chain_is_intact(db):
    assert audit.verify_chain() == (0, None, "")


def test_deleting_every_event_is_found_by_the_chain_head(chain):
    """Before: the head was only compared when at least one event was left, so emptying the table passed."""
    from applications.models import AuditChainHead

    AuditChainHead.objects.update(last_event=None)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {AuditEvent._meta.db_table}")
    assert audit.verify_chain() == (0, None, "the chain head does not point at the last event (events were removed)")


def test_deleting_the_chain_head_is_found(chain):
    """Every append writes the head, so events without a head mean it was removed (with it, the last hash)."""
    from applications.models import AuditChainHead

    AuditChainHead.objects.all().delete()
    checked, broken, why = audit.verify_chain()
    assert (checked, broken) == (AuditEvent.objects.count(), None)
    assert why == "the chain head does not point at the last event (events were removed)"


def test_record_fills_the_call_from_the_plan_and_the_time_from_the_clock(complete, applicant, call):
    import time_machine

    with time_machine.travel(BEFORE, tick=False):
        event = audit.record(action="noted", actor=applicant, application=complete)
    assert (event.call, event.created_at, event.actor) == (complete.call, BEFORE, applicant)
    on_call = audit.record(action="call_closed", call=call, data={"at": BEFORE}, at=BEFORE)
    assert (on_call.application, on_call.call, on_call.actor) == (None, call, None)
    assert on_call.data == {"at": "2026-02-20T10:00:00+09:00"}  # stored (and hashed) as JSON text
    bare = audit.record(action="noted", at=BEFORE)
    assert (bare.application, bare.call, bare.data) == (None, None, {})
    # Each event links to the one before it in its chain (the plan's own, or the global one for the others),
    # and the chains still verify with the non-text details stored.
    assert (event.in_plan_chain, on_call.in_plan_chain, bare.in_plan_chain) == (True, False, False)
    assert event.prev_hash == audit.GENESIS and on_call.prev_hash == audit.GENESIS and bare.prev_hash == on_call.hash
    # Each head names its chain's newest event and hash (what the next append links to and verify_chain compares).
    from applications.models import AuditChainHead

    heads = {
        key: (last_hash, last_event)
        for key, last_hash, last_event in AuditChainHead.objects.values_list("key", "last_hash", "last_event")
    }
    assert heads == {"global": (bare.hash, bare.pk), f"plan:{complete.pk}": (event.hash, event.pk)}
    assert audit.verify_chain() == (AuditEvent.objects.count(), None, "")


def test_the_hash_format_is_fixed_so_stored_chains_keep_verifying(db):
    """A known answer: the first event's hash over its documented fields (sorted keys, compact separators,
    UTF-8 text, the time in UTC). Any change to the format would break every chain already stored."""
    import hashlib
    import json

    at = datetime.datetime(2026, 2, 27, 18, 0, 0, 123456, tzinfo=datetime.timezone(datetime.timedelta(hours=9)))
    event = audit.record(
        action="call_closed", from_status="a", to_status="b", reason="마감", data={"received": 2}, at=at
    )
    canonical = (
        '{"action":"call_closed","actor":null,"application":null,"at":"2026-02-27T09:00:00.123456+00:00",'
        '"call":null,"data":{"received":2},"from":"a","prev":"' + "0" * 64 + '","reason":"마감","to":"b"}'
    )
    assert json.loads(canonical)["at"] == at.astimezone(datetime.UTC).isoformat()
    assert event.prev_hash == "0" * 64
    assert event.hash == hashlib.sha256(canonical.encode()).hexdigest()


def test_the_plan_chain_hash_format_is_fixed_too(complete, applicant, call):
    """A known answer for an event of a plan's own chain: the same fields plus "chain":"plan" (so an event cannot
    be moved between a plan chain and the global chain unnoticed). Changing it would break every stored chain."""
    import hashlib

    at = datetime.datetime(2026, 2, 27, 9, 0, 0, 123456, tzinfo=datetime.UTC)
    event = audit.record(action="noted", actor=applicant, application=complete, data={"n": 1}, at=at)
    canonical = (
        f'{{"action":"noted","actor":{applicant.pk},"application":{complete.pk},'
        f'"at":"2026-02-27T09:00:00.123456+00:00","call":{call.pk},"chain":"plan","data":{{"n":1}},"from":"",'
        f'"prev":"{event.prev_hash}","reason":"","to":""}}'
    )
    assert event.in_plan_chain
    assert event.hash == hashlib.sha256(canonical.encode()).hexdigest()


# --- plan chains anchored into the global chain (issue 12) ---------------------------------------------------


@pytest.fixture
def two_plans(complete, applicant, call):
    from tests.factories import ApplicationFactory

    other = ApplicationFactory(call=call, organization=complete.organization, created_by=applicant)
    events = []
    for minute, plan in enumerate([complete, other, complete, other]):
        events.append(
            audit.record(
                action="noted", actor=applicant, application=plan, at=BEFORE + datetime.timedelta(minutes=minute)
            )
        )
    return complete, other, events


def test_each_plan_has_its_own_chain(two_plans):
    complete, other, (a1, b1, a2, b2) = two_plans
    assert (a1.prev_hash, b1.prev_hash, a2.prev_hash, b2.prev_hash) == (audit.GENESIS, audit.GENESIS, a1.hash, b1.hash)
    assert audit.verify_chain() == (4, None, "")


def test_anchoring_writes_each_grown_plan_head_into_the_global_chain_once(two_plans, applicant):
    complete, other, (a1, b1, a2, b2) = two_plans
    anchored = audit.anchor(at=BEFORE)
    assert (anchored.action, anchored.application, anchored.in_plan_chain) == ("chains_anchored", None, False)
    assert anchored.data == {"heads": {str(complete.pk): [a2.pk, a2.hash], str(other.pk): [b2.pk, b2.hash]}}
    assert audit.anchor(at=BEFORE) is None  # nothing grew since
    a3 = audit.record(action="noted", actor=applicant, application=complete, at=BEFORE)
    again = audit.anchor(at=BEFORE)
    assert again.prev_hash == anchored.hash
    assert again.data == {"heads": {str(complete.pk): [a3.pk, a3.hash]}}
    assert audit.verify_chain() == (AuditEvent.objects.count(), None, "")


def test_cutting_an_anchored_plan_chain_is_found_even_with_its_head_rewound(two_plans):
    from applications.models import AuditChainHead

    complete, other, (a1, b1, a2, b2) = two_plans
    audit.anchor(at=BEFORE)
    # Remove the plan's newest event and make its head name the one before, as someone covering tracks would.
    AuditChainHead.objects.filter(key=f"plan:{complete.pk}").update(last_hash=a1.hash, last_event=a1)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {AuditEvent._meta.db_table} WHERE id = %s", [a2.pk])
    checked, broken, why = audit.verify_chain()
    assert (checked, broken) == (AuditEvent.objects.count(), None)
    assert why == f"an anchored event of plan:{complete.pk} (#{a2.pk}) was removed or changed"


def test_cutting_a_plan_chain_is_found_by_its_head(two_plans):
    from applications.models import AuditChainHead

    complete, other, (a1, b1, a2, b2) = two_plans
    AuditChainHead.objects.filter(last_event=b2).update(last_event=b1)  # the head's hash still names b2
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {AuditEvent._meta.db_table} WHERE id = %s", [b2.pk])
    assert audit.verify_chain() == (3, None, audit.HEAD_MISMATCH)


def test_deleting_a_plan_chain_head_is_found(two_plans):
    from applications.models import AuditChainHead

    complete, other, events = two_plans
    AuditChainHead.objects.filter(key=f"plan:{other.pk}").delete()
    assert audit.verify_chain() == (4, None, audit.HEAD_MISMATCH)


def _cut_newest(plan, back_to, newest):
    """Remove a plan chain's newest event and rewind its head to the event before, as someone hiding it would."""
    from applications.models import AuditChainHead

    AuditChainHead.objects.filter(key=f"plan:{plan.pk}").update(last_hash=back_to.hash, last_event=back_to)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {AuditEvent._meta.db_table} WHERE id = %s", [newest.pk])


def test_every_anchor_vouches_not_only_the_newest(two_plans, applicant):
    """Plan A anchored by the first anchor, plan B by the second: cutting A is still found (the claims of
    every anchor are checked, not only the last one's)."""
    complete, other, (a1, b1, a2, b2) = two_plans
    first = audit.anchor(at=BEFORE)
    b3 = audit.record(action="noted", actor=applicant, application=other, at=BEFORE)
    second = audit.anchor(at=BEFORE)
    assert list(second.data["heads"]) == [str(other.pk)] and str(complete.pk) in first.data["heads"]
    _cut_newest(complete, a1, a2)
    assert audit.verify_chain()[2] == f"an anchored event of plan:{complete.pk} (#{a2.pk}) was removed or changed"
    assert b3.pk  # the later plan's chain is intact


def test_every_batch_of_anchored_heads_is_checked(two_plans):
    """Anchored heads are looked up in batches: with batches of one, the second plan's cut is still found."""
    complete, other, (a1, b1, a2, b2) = two_plans
    audit.anchor(at=BEFORE)
    _cut_newest(other, b1, b2)
    assert (
        audit.verify_chain(batch_size=1)[2] == f"an anchored event of plan:{other.pk} (#{b2.pk}) was removed or changed"
    )


def test_anchoring_with_nothing_to_anchor_leaves_a_clean_chain(db):
    """The first anchor on an empty trail makes the global head (no event yet): that is not a broken chain."""
    from applications.models import AuditChainHead

    assert audit.anchor(at=BEFORE) is None
    assert AuditChainHead.objects.filter(key="global", last_hash=audit.GENESIS).exists()
    assert audit.verify_chain() == (0, None, "")


def test_an_anchor_is_stamped_with_the_instant_it_is_given(two_plans):
    anchored = audit.anchor(at=BEFORE + datetime.timedelta(seconds=7))
    assert AuditEvent.objects.get(pk=anchored.pk).created_at == BEFORE + datetime.timedelta(seconds=7)


def test_changing_an_anchor_is_found(two_plans):
    complete, other, (a1, b1, a2, b2) = two_plans
    anchored = audit.anchor(at=BEFORE)
    AuditEvent.objects.filter(pk=anchored.pk).update(data={"heads": {str(complete.pk): [a1.pk, a1.hash]}})
    assert _broken_at(anchored) == "content does not match its hash"


def test_moving_an_event_between_a_plan_chain_and_the_global_chain_breaks_it(two_plans):
    complete, other, (a1, b1, a2, b2) = two_plans
    AuditEvent.objects.filter(pk=b1.pk).update(in_plan_chain=False)
    assert _broken_at(b1) == "content does not match its hash"


def test_reordering_two_events_of_a_plan_is_found(two_plans):
    complete, other, (a1, b1, a2, b2) = two_plans
    table = AuditEvent._meta.db_table
    with connection.cursor() as cursor:  # swap the ids (the order) of the plan's two events
        cursor.execute(f"UPDATE {table} SET id = -id WHERE id IN (%s, %s)", [a1.pk, a2.pk])
        cursor.execute(f"UPDATE {table} SET id = %s WHERE id = %s", [a2.pk, -a1.pk])
        cursor.execute(f"UPDATE {table} SET id = %s WHERE id = %s", [a1.pk, -a2.pk])
    checked, broken, why = audit.verify_chain()
    assert (checked, broken.hash, why) == (0, a2.hash, "prev_hash does not match the previous event")


def test_verify_audit_anchors_what_it_found_intact(two_plans, capsys):
    call_command("verify_audit")
    assert "intact" in capsys.readouterr().out
    assert AuditEvent.objects.filter(action="chains_anchored").count() == 1


def test_the_beat_anchors_every_anchor_interval(two_plans, settings):
    from applications import tasks

    assert settings.CELERY_BEAT_SCHEDULE["audit-anchor"] == {
        "task": "applications.tasks.anchor_audit_chains",
        "schedule": float(audit.ANCHOR_INTERVAL),
    }
    assert tasks.anchor_audit_chains() == 2
    assert tasks.anchor_audit_chains() == 0


# --- what an append and an anchor hold (issue 11: the mutants of record's transaction and anchor's lock) ------


def test_a_failed_append_fails_its_caller_s_transaction(plan, applicant):
    """No savepoint: a caller that catches the error of a failed append cannot go on and commit its change
    without the event (with a savepoint the caller's transaction would carry on)."""
    test_services.need_postgresql("its errors fail a transaction")
    from django.db import DataError, transaction

    with transaction.atomic():
        with pytest.raises(DataError):
            audit.record(action="x" * 51, actor=applicant, application=plan, at=BEFORE)  # action holds 50
        assert transaction.get_rollback()
    assert AuditEvent.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_anchoring_skips_a_plan_chain_being_appended_to_and_takes_it_next_time():
    """A plan head locked by an append in progress (another connection) is skipped, not waited for; the next
    anchor takes it. Waiting would raise here: the lock timeout is 5 s."""
    import threading

    from django.db import connections, transaction

    from applications.models import AuditChainHead
    from tests import services as test_services
    from tests.factories import ApplicationFactory, CallFactory

    test_services.need("PostgreSQL", connection.vendor == "postgresql", "row locks need PostgreSQL")
    call = CallFactory()
    busy, idle = ApplicationFactory(call=call), ApplicationFactory(call=call)
    busy_event = audit.record(action="noted", application=busy, at=BEFORE)
    idle_event = audit.record(action="noted", application=idle, at=BEFORE)
    holding, release = threading.Event(), threading.Event()

    def append_in_progress():
        try:
            with transaction.atomic():
                AuditChainHead.objects.select_for_update().get(key=f"plan:{busy.pk}")
                holding.set()
                assert release.wait(30)
        finally:
            connections.close_all()

    appender = threading.Thread(target=append_in_progress)
    appender.start()
    try:
        assert holding.wait(30)
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '5s'")
        anchored = audit.anchor(at=BEFORE)
    finally:
        release.set()
        appender.join(30)
        with connection.cursor() as cursor:
            cursor.execute("RESET lock_timeout")
    assert anchored.data == {"heads": {str(idle.pk): [idle_event.pk, idle_event.hash]}}
    assert audit.anchor(at=BEFORE).data == {"heads": {str(busy.pk): [busy_event.pk, busy_event.hash]}}
    assert audit.verify_chain() == (4, None, "")


def test_an_anchor_becomes_the_global_chain_s_head(two_plans):
    """The global head names the anchor as its newest event (as an append's head does), not only its hash."""
    from applications.models import AuditChainHead

    anchored = audit.anchor(at=BEFORE)
    head = AuditChainHead.objects.get(key="global")
    assert (head.last_hash, head.last_event_id) == (anchored.hash, anchored.pk)


def test_anchored_heads_are_looked_up_a_batch_per_query(two_plans, applicant):
    """Three anchored heads in batches of two: two lookups, not one per head (nor overlapping batches)."""
    from django.test.utils import CaptureQueriesContext

    complete, other, events = two_plans
    audit.anchor(at=BEFORE)
    audit.record(action="noted", actor=applicant, application=complete, at=BEFORE)
    audit.anchor(at=BEFORE)
    with CaptureQueriesContext(connection) as queries:
        assert audit.verify_chain(batch_size=2) == (AuditEvent.objects.count(), None, "")
    lookups = [q["sql"] for q in queries if 'WHERE "applications_auditevent"."id" IN' in q["sql"]]
    assert len(lookups) == 2, lookups


@pytest.mark.django_db(transaction=True)
def test_two_first_appends_to_a_new_plan_chain_wait_for_each_other_and_both_land():
    """The plan chain's head row is created by its first append. A second append that starts while the first
    has inserted the head but not committed cannot see the row: its insert waits for the first's commit and then
    takes the first's row (ON CONFLICT DO NOTHING, then read FOR UPDATE) instead of failing on the unique key."""
    import threading

    from django.db import connections, transaction

    from tests import services as test_services
    from tests.factories import ApplicationFactory

    test_services.need("PostgreSQL", connection.vendor == "postgresql", "row locks need PostgreSQL")
    plan = ApplicationFactory()
    assert not AuditEvent.objects.filter(application=plan).exists()
    holding, release = threading.Event(), threading.Event()
    outcome = {}

    def first():
        try:
            with transaction.atomic():
                outcome["first"] = audit.record(action="first", application=plan, at=BEFORE)
                holding.set()
                assert release.wait(30)
        finally:
            connections.close_all()

    def second():
        try:
            outcome["second"] = audit.record(action="second", application=plan, at=BEFORE)
        except Exception as exc:  # noqa: BLE001 - the test reports it
            outcome["error"] = exc
        finally:
            connections.close_all()

    one, two = threading.Thread(target=first), threading.Thread(target=second)
    one.start()
    try:
        assert holding.wait(30)
        two.start()
        two.join(1)
        assert two.is_alive(), "the second append did not wait for the first's head row"
    finally:
        release.set()
        one.join(30)
        two.join(30)
    assert "error" not in outcome, outcome.get("error")
    assert outcome["second"].prev_hash == outcome["first"].hash
    assert audit.verify_chain() == (2, None, "")


def test_an_append_after_an_event_of_its_transaction_continues_that_event(complete, applicant):
    """`after`: the head locked by the first append is neither locked nor read again, and the chain verifies."""
    from django.db import transaction

    from applications.models import AuditChainHead

    with transaction.atomic():
        first = audit.record(action="noted", actor=applicant, application=complete, at=BEFORE)
        second = audit.record(action="noted", actor=applicant, application=complete, at=BEFORE, after=first)
    assert second.prev_hash == first.hash
    assert AuditChainHead.objects.get(key=first.chain_key).last_event_id == second.pk
    assert audit.verify_chain()[1:] == (None, "")


def test_an_append_after_an_event_of_another_chain_is_refused(complete, applicant):
    other_chain = audit.record(action="noted", call=complete.call, at=BEFORE)  # the global chain
    with pytest.raises(ValueError, match="not an event of the chain"):
        audit.record(action="noted", actor=applicant, application=complete, at=BEFORE, after=other_chain)
    assert audit.verify_chain()[1:] == (None, "")
