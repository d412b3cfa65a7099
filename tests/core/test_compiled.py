"""Querysets compiled once per connection (core/compiled.py, issue 12): every query defined with it returns what
its queryset returns, object by object, joined objects and empty relations included, in the same number of
statements; and the helper keeps Django's rules (FOR UPDATE only in a transaction, an out-of-range id finds
nothing)."""

import threading

import pytest
from django.db import connection, connections, transaction
from django.db.models import Count
from django.db.transaction import TransactionManagementError

from accounts.models import Region
from applications import sections
from applications.audit import _LOCKED_HEAD
from applications.models import Application, Attachment, AuditChainHead, ExistingComplex, Site
from applications.views.common import _PLAN_WITH_CALL
from applications.workflow import LOCKED_PLAN
from core.compiled import CompiledQuery
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
        CompiledQuery(lambda pk: Application.objects.filter(pk=pk).annotate(n=Count("versions"))).all(1)
    with pytest.raises(ValueError, match="instances"):
        CompiledQuery(lambda pk: Application.objects.filter(pk=pk).only("pk").values("pk")).all(1)
    with pytest.raises(ValueError, match="prefetch"):
        CompiledQuery(lambda pk: Application.objects.filter(pk=pk).prefetch_related("versions")).all(1)
    plan = ApplicationFactory()
    with pytest.raises(ValueError, match="prefetch"):
        CompiledQuery(lambda pk: plan.anchor_companies.filter(pk=pk)).all(1)


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
