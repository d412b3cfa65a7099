"""Querysets compiled once per connection (core/compiled.py, issue 12): every query defined with it returns what
its queryset returns, object by object, joined objects and empty relations included, in the same number of
statements; and the helper keeps Django's rules (FOR UPDATE only in a transaction, an out-of-range id finds
nothing)."""

import threading

import pytest
from django.db import OperationalError, connection, connections, transaction
from django.db.models import Count, F
from django.db.transaction import TransactionManagementError
from django.test.utils import CaptureQueriesContext

from accounts.models import Region
from applications import sections
from applications.audit import _LOCKED_HEAD
from applications.models import Application, Attachment, AuditChainHead, ExistingComplex, Site
from applications.views.common import _PLAN_WITH_CALL
from applications.workflow import LOCKED_PLAN
from core.compiled import CompiledQuery, _numbered, readable
from tests.factories import ApplicationFactory, UserFactory, attach_required_files, complete_plan

pytestmark = pytest.mark.django_db


def _fields(obj):
    return {field.attname: getattr(obj, field.attname) for field in type(obj)._meta.concrete_fields}


def _graph(obj, path=()):
    """An instance's fields, and each related object its read put in its cache (recursively), None included; an
    object met again on the way down (a one-to-one's back link) as the steps back to it."""
    if obj is None:
        return None
    if any(seen is obj for seen in path):
        return ("back", [seen is obj for seen in path].index(True))
    cached = obj._state.fields_cache
    return (
        type(obj).__name__,
        _fields(obj),
        {name: _graph(cached[name], (*path, obj)) for name in sorted(cached)},
    )


def _same(compiled: CompiledQuery, value, django_assert_num_queries):
    reference = list(compiled.queryset(value))
    with django_assert_num_queries(1):
        found = compiled.all(value)
    assert [_graph(obj) for obj in found] == [_graph(obj) for obj in reference]
    for obj in found:
        assert obj._state.adding is False and obj._state.db == "default"  # saves as an UPDATE
    return found


def _plans():
    """A complete plan linked to an existing complex, a bare draft, and a plan whose site and narrative are gone."""
    linked = complete_plan(ApplicationFactory())
    complex_ = ExistingComplex.objects.first() or ExistingComplex.objects.create(
        field=linked.field, name_ko="청주", name_en="Cheongju"
    )
    Site.objects.filter(application=linked).update(linked_complex=complex_, region=Region.objects.first())
    bare = ApplicationFactory()
    orphan = ApplicationFactory()
    Site.objects.filter(application=orphan).delete()
    orphan.narrative.delete()
    return linked, bare, orphan


def test_the_locked_plan_is_the_querysets_with_every_joined_object(django_assert_num_queries):
    for plan in _plans():
        with transaction.atomic():
            (found,) = _same(LOCKED_PLAN, plan.pk, django_assert_num_queries)
        assert found.pk == plan.pk
    linked, _bare, orphan = _plans()
    with transaction.atomic():
        found = LOCKED_PLAN.first(linked.pk)
        gone = LOCKED_PLAN.first(orphan.pk)
    with django_assert_num_queries(0):  # what the guards and the snapshot read is there, nothing is asked again
        assert found.site.linked_complex is not None and found.site.region is not None
        assert found.call.deadline and found.field.code and found.organization.name and found.narrative.pk
    with django_assert_num_queries(0), pytest.raises(Site.DoesNotExist):
        gone.site  # noqa: B018 - an empty reverse one-to-one is known to be empty, as select_related leaves it


def test_the_plan_with_its_call_and_the_plans_rows(django_assert_num_queries):
    user = UserFactory()
    for plan in _plans():
        attach_required_files(plan, user)
        first = Attachment.objects.filter(application=plan).order_by("pk").first()
        Attachment.objects.filter(pk=first.pk).update(removed_at=first.uploaded_at)  # not among the plan's rows
        _same(_PLAN_WITH_CALL, plan.pk, django_assert_num_queries)
        for query in sections.ROW_QUERIES.values():
            _same(query, plan.pk, django_assert_num_queries)
        rows = sections.read_rows(plan)
        assert len(rows.attachments) == len(Attachment.REQUIRED_KINDS) - 1
        assert rows.anchor_companies == list(plan.anchor_companies.order_by("position", "pk"))
        with django_assert_num_queries(0):  # each row's plan is the instance, as its related manager sets it
            assert all(row.application is plan for row in rows.anchor_companies + rows.attachments)


def test_the_locked_chain_head(django_assert_num_queries):
    AuditChainHead.objects.create(key="plan:77", last_hash="a" * 64)
    with transaction.atomic():
        (head,) = _same(_LOCKED_HEAD, "plan:77", django_assert_num_queries)
        assert head.last_hash == "a" * 64
        assert _LOCKED_HEAD.first("plan:78") is None
        assert _LOCKED_HEAD.first("plan:77' OR '1'='1") is None  # a parameter, never SQL


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite has no row locks: Django ignores FOR UPDATE")
@pytest.mark.django_db(transaction=True)  # autocommit, as a request outside atomic() runs
def test_for_update_is_refused_outside_a_transaction_the_first_time_and_every_time():
    plan = ApplicationFactory()
    query = CompiledQuery(lambda pk: Application.objects.select_for_update().filter(pk=pk))
    with pytest.raises(TransactionManagementError):
        query.all(plan.pk)  # compiled outside a transaction: Django's own refusal
    with transaction.atomic():
        assert query.first(plan.pk).pk == plan.pk
    with pytest.raises(TransactionManagementError):
        query.all(plan.pk)  # compiled already: the helper's
    with transaction.atomic():
        assert LOCKED_PLAN.first(plan.pk).pk == plan.pk
    with pytest.raises(TransactionManagementError):
        LOCKED_PLAN.all(plan.pk)


@pytest.mark.parametrize("value", [2**63, -(2**63) - 1, 10**30])
def test_an_id_beyond_any_key_finds_nothing_without_asking(value, django_assert_num_queries):
    ApplicationFactory()
    with django_assert_num_queries(0):
        assert _PLAN_WITH_CALL.first(value) is None
    assert list(_PLAN_WITH_CALL.queryset(value)) == []  # as Django answers it
    assert _PLAN_WITH_CALL.all(2**63 - 1) == []  # the largest key: asked, found nothing, no error


def test_a_datetime_value_is_compared_as_django_compares_it(django_assert_num_queries):
    """An instant as the value (the embargo's `announcement_at <= at`): the compiled query finds what the queryset
    finds at the instant itself, a microsecond before, and given in Korea time rather than UTC; on SQLite too,
    where Django passes a datetime as its UTC text."""
    import datetime as dt

    from applications.models import Call
    from core.clock import KST
    from core.compiled import SENTINEL_DATETIME

    instant = dt.datetime(2026, 8, 31, 1, 0, tzinfo=dt.UTC)
    announced = ApplicationFactory().call
    Call.objects.update(announcement_at=None)
    Call.objects.filter(pk=announced.pk).update(announcement_at=instant)
    query = CompiledQuery(lambda at: Call.objects.filter(announcement_at__lte=at), sentinel=SENTINEL_DATETIME)
    tick = dt.timedelta(microseconds=1)
    for at, expected in (
        (instant - tick, []),
        (instant, [announced.pk]),
        (instant.astimezone(KST), [announced.pk]),
        ((instant - tick).astimezone(KST), []),
        (instant + dt.timedelta(days=400), [announced.pk]),
    ):
        found = _same(query, at, django_assert_num_queries)
        assert [call.pk for call in found] == expected, at


def test_a_huge_id_in_the_submit_address_is_404(client):
    client.force_login(UserFactory())
    assert client.post(f"/plans/{10**30}/submit/").status_code == 404
    assert client.post(f"/plans/{2**63 - 1}/submit/").status_code == 404


def test_what_the_helper_does_not_cover_is_refused():
    with pytest.raises(ValueError, match="once"):
        CompiledQuery(lambda pk: Application.objects.filter(pk=pk, field_id=pk)).all(1)
    with pytest.raises(ValueError, match="once"):
        CompiledQuery(lambda pk: Application.objects.filter(pk=1)).all(1)
    with pytest.raises(ValueError, match="instances"):
        CompiledQuery(lambda pk: Application.objects.filter(pk=pk).only("pk").values("pk")).all(1)
    with pytest.raises(ValueError, match="prefetch"):
        CompiledQuery(lambda pk: Application.objects.filter(pk=pk).prefetch_related("versions")).all(1)
    plan = ApplicationFactory()
    with pytest.raises(ValueError, match="prefetch"):
        CompiledQuery(lambda pk: plan.anchor_companies.filter(pk=pk)).all(1)


def test_annotations_are_set_on_each_instance_as_django_sets_them(django_assert_num_queries):
    plan = ApplicationFactory()
    other = ApplicationFactory()
    attach_required_files(plan, UserFactory())
    files = len(Attachment.REQUIRED_KINDS)
    query = CompiledQuery(
        lambda pk: (
            Application.objects.select_related("call")
            .filter(pk=pk)
            .annotate(files=Count("attachments"), doubled=F("pk") * 2)
        )
    )
    for target, count in ((plan, files), (other, 0), (plan, files)):  # compiled, then reused
        (found,) = _same(query, target.pk, django_assert_num_queries)
        (reference,) = query.queryset(target.pk)
        assert (found.files, found.doubled) == (reference.files, reference.doubled)
        assert (found.files, found.doubled) == (count, target.pk * 2)


@pytest.mark.django_db(transaction=True)  # another thread's connection sees the plan; this one may close
def test_each_connection_compiles_its_own_and_survives_a_reconnect():
    plan = ApplicationFactory()
    query = CompiledQuery(lambda pk: Application.objects.select_related("call").filter(pk=pk))
    assert query.first(plan.pk).pk == plan.pk
    connection.close()  # the next use reconnects: the SQL kept for this connection still holds
    assert query.first(plan.pk).call_id == plan.call_id
    seen = []

    def in_another_thread():
        try:
            seen.append(query.first(plan.pk))
        finally:
            connections.close_all()

    thread = threading.Thread(target=in_another_thread)
    thread.start()
    thread.join()
    assert [obj.pk for obj in seen] == [plan.pk]  # another thread's connection compiled its own


def test_percent_signs_survive_the_numbering():
    assert _numbered("a = %s AND b LIKE '%%x%%' AND c = %s") == "a = $1 AND b LIKE '%%x%%' AND c = $2"
    assert _numbered("SELECT 1") == "SELECT 1"


def test_a_literal_percent_sign_in_the_sql(django_assert_num_queries):
    plan = ApplicationFactory(title="100% 달성")
    other = ApplicationFactory(title="이차전지")
    query = CompiledQuery(
        lambda pk: Application.objects.filter(pk=pk).extra(
            where=[""""applications_application"."title" LIKE '100%%'"""]
        )
    )
    for _ in range(2):  # prepared, then executed
        assert [obj.pk for obj in query.all(plan.pk)] == [plan.pk]
        assert query.all(other.pk) == []
    assert list(query.queryset(plan.pk)) == [plan]


postgresql_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="PREPARE is PostgreSQL's")


@postgresql_only
def test_on_postgresql_each_session_prepares_once_in_the_same_round_trip():
    plan = ApplicationFactory()
    query = CompiledQuery(lambda pk: Application.objects.select_related("call").filter(pk=pk))
    with CaptureQueriesContext(connection) as first:
        assert query.first(plan.pk).call == plan.call
    with CaptureQueriesContext(connection) as later:
        assert query.first(plan.pk).call == plan.call
        assert query.first(plan.pk + 1000) is None
    (pair,) = [q["sql"] for q in first.captured_queries]
    assert pair.startswith("PREPARE compiled_query_") and "; EXECUTE compiled_query_" in pair
    name = pair.split()[1]
    assert [q["sql"].split("(")[0] for q in later.captured_queries] == [f"EXECUTE {name}"] * 2
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_prepared_statements WHERE name = %s", [name])
        assert cursor.fetchone()[0] == 1


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_a_failed_first_use_prepares_again_under_a_new_name():
    """The PREPARE and EXECUTE pair fails at EXECUTE (the row is locked elsewhere, lock_timeout): the statement
    may be prepared or not; the next use must neither fail on "already exists" nor on "does not exist"."""
    plan = ApplicationFactory()
    query = CompiledQuery(lambda pk: Application.objects.select_for_update().filter(pk=pk))
    locked, release = threading.Event(), threading.Event()

    def hold_the_row():
        try:
            with transaction.atomic():
                Application.objects.select_for_update().get(pk=plan.pk)
                locked.set()
                release.wait(10)
        finally:
            connections.close_all()

    holder = threading.Thread(target=hold_the_row)
    holder.start()
    try:
        assert locked.wait(10)
        with pytest.raises(OperationalError), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout = '50ms'")
            query.all(plan.pk)
    finally:
        release.set()
        holder.join()
    with transaction.atomic():
        assert query.first(plan.pk).pk == plan.pk
        assert query.first(plan.pk).pk == plan.pk


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_a_new_database_session_prepares_again():
    plan = ApplicationFactory()
    query = CompiledQuery(lambda pk: Application.objects.filter(pk=pk))
    assert query.first(plan.pk).pk == plan.pk
    connection.close()
    with CaptureQueriesContext(connection) as captured:
        assert query.first(plan.pk).pk == plan.pk
    assert captured.captured_queries[-1]["sql"].startswith("PREPARE ")


@postgresql_only
def test_a_logged_execute_reads_as_its_sql():
    plan = ApplicationFactory()
    query = CompiledQuery(lambda pk: Application.objects.select_for_update(of=("self",)).filter(pk=pk))
    with transaction.atomic(), CaptureQueriesContext(connection) as captured:
        query.all(plan.pk)
        query.all(plan.pk)
    sql = str(query.queryset(plan.pk).query.get_compiler("default").as_sql()[0])
    assert [readable(q["sql"]) for q in captured.captured_queries] == [sql, sql]
    assert sql.endswith('FOR UPDATE OF "applications_application"')
    assert readable("SELECT 1") == "SELECT 1"
    assert readable("EXECUTE compiled_query_unknown(1)") == "EXECUTE compiled_query_unknown(1)"
