"""What one submit costs the database (issue 12: the deadline surge). The bound is the count the submit asks now;
a change that adds a statement to every submit fails here and has to say why."""

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from accounts.models import Membership
from applications import audit, deadline, rules, sections, services, snapshot, workflow
from applications.models import Application, ExistingComplex
from applications.workflow import State, TransitionError
from core.compiled import readable
from tests.factories import ApplicationFactory, FieldFactory, UserFactory, attach_required_files, complete_plan

from .conftest import BEFORE

pytestmark = pytest.mark.django_db

# Statements of one submit through the page, the session's and user's reads included, once the call and field
# have a receipt counter (the first submission of each creates it) and the plan has its audit chain (its
# "created" event, as services.create_application leaves it). Savepoints count: in a test the request's
# transaction is one (in production it is BEGIN and COMMIT, not counted here).
SUBMIT_STATEMENTS = 18  # 36 before issue 12's cuts, 27 (26 here) in the third session


def test_a_submit_asks_a_fixed_number_of_statements(client, complete, applicant, settings):
    settings.PORTAL_IDLE_TIMEOUT_APPLICANT = 2 * 60 * 60  # as deployed: the session notes activity
    other = ApplicationFactory(call=complete.call, organization=complete.organization, created_by=applicant)
    complete_plan(other)
    attach_required_files(other, applicant)
    audit.record(action="created", actor=applicant, application=complete, to_status=State.DRAFT, at=BEFORE)
    client.force_login(applicant)
    with time_machine.travel(BEFORE, tick=False):
        assert client.post(reverse("applications:submit", args=[other.pk])).status_code == 302
        with CaptureQueriesContext(connection) as queries:
            response = client.post(reverse("applications:submit", args=[complete.pk]))
    assert response.status_code == 302
    complete.refresh_from_db()
    assert complete.status == State.SUBMITTED and complete.receipt_number == "2026-BAT-002"
    statements = [readable(q["sql"]) for q in queries.captured_queries]
    # Elsewhere than PostgreSQL (`make test` without DATABASE_URL: SQLite) Django's loader reads the user's roles
    # in a statement of its own.
    expected = SUBMIT_STATEMENTS + (connection.vendor != "postgresql")
    assert len(statements) == expected, "\n".join(statements)
    assert not [s for s in statements if "django_session" in s and not s.startswith("SELECT")], "session written"
    # Each set the completeness check and the snapshot both read is read once; the page's permission check and
    # the workflow's (on the locked plan) ask once; the plan is read twice (the page's read, the locked one); the
    # chain head is locked once for the submit's two events; the receipt counter is one increment; the workflow
    # opens no savepoint inside the submit's transaction.
    for table, times in (
        ('FROM "applications_anchorcompany"', 1),
        ('FROM "applications_infrastructureneed"', 1),
        ('FROM "applications_attachment"', 1),
        ('FROM "accounts_membership" WHERE', 1),
        ('FROM "applications_application"', 2),
        ('FROM "applications_auditchainhead"', 1),
        ('FROM "applications_receiptcounter"', 0),
        ('FROM "applications_planversion"', 0),  # a first submission is version 1
    ):
        assert sum(s.startswith("SELECT") and table in s for s in statements) == times, table
    assert sum(s.startswith("UPDATE") and '"applications_receiptcounter"' in s for s in statements) == 1
    assert sum(s.startswith('UPDATE "applications_application"') for s in statements) == 1  # state and number
    assert sum(s.startswith("SAVEPOINT") for s in statements) == 1  # the test's stand-in for BEGIN
    # An editor's submit does not ask the visibility query (an editor of the plan's organisation sees it).
    assert not [s for s in statements if "applications_participation" in s]
    rows = [s for s in statements if 'FROM "applications_anchorcompany"' in s or "infrastructureneed" in s]
    assert not [s for s in rows if "JOIN" in s]  # one plan's rows: no join to order them by their plan


@pytest.mark.parametrize("links", [False, True])
def test_the_snapshot_reads_the_fields_each_section_form_holds(plan, links):
    """serialize no longer builds the forms: what it reads instead must be what the built form holds."""
    if links:
        field = FieldFactory(code="SEM", links_existing_complex=True)
        ExistingComplex.objects.create(field=field, name_ko="청주", name_en="Cheongju")
        Application.objects.filter(pk=plan.pk).update(field=field)
    fresh = snapshot.load(plan)
    for section in sections.SECTIONS:
        if section.formset:
            continue
        form = section.build(fresh)
        assert section.build.field_names(fresh) == list(form.fields), section.key
        assert section.build.instance(fresh) is form.instance or section.build.instance(fresh) == form.instance
    site_fields = sections.SECTIONS_BY_KEY["site"].build.field_names(fresh)
    assert ("linked_complex" in site_fields) is links and ("value_chain_stage" in site_fields) is links


def test_rows_loaded_once_serve_the_check_and_the_snapshot(complete, django_assert_num_queries):
    fresh = snapshot.load(complete)
    with django_assert_num_queries(3):  # anchors, infrastructure needs, current attachments
        rows = sections.load_rows(fresh)
    with django_assert_num_queries(0):
        assert sections.load_rows(fresh) is rows
        assert sections.missing_items(fresh) == []
        content = snapshot.serialize(fresh)
    assert content == snapshot.serialize(snapshot.load(complete))  # the same as read afresh
    assert sections.loaded_rows(snapshot.load(complete)) is None  # kept only where asked


def test_an_incomplete_plan_is_judged_on_loaded_rows_as_on_fresh_ones(plan):
    fresh = snapshot.load(plan)
    expected = sections.missing_items(fresh)
    sections.load_rows(fresh)
    assert sections.missing_items(fresh) == expected
    assert len(expected) > 3  # the anchors, the needs and the three required files among them


def test_the_editor_rule_is_asked_once_only_inside_the_block(plan, applicant, django_assert_num_queries):
    with django_assert_num_queries(2):  # outside the block, each check asks
        assert applicant.has_perm("applications.edit_application", plan)
        assert applicant.has_perm("applications.edit_application", plan)
    with rules.edits_asked_once(), django_assert_num_queries(1):
        assert applicant.has_perm("applications.edit_application", plan)
        assert applicant.has_perm("applications.edit_application", plan)
    with django_assert_num_queries(1):  # nothing kept after it
        assert applicant.has_perm("applications.edit_application", plan)


def test_the_memo_keeps_each_user_and_organisation_apart(plan, applicant, editor_of):
    stranger = UserFactory()
    editor = editor_of(plan)
    with rules.edits_asked_once():
        assert applicant.has_perm("applications.edit_application", plan)
        assert not stranger.has_perm("applications.edit_application", plan)
        assert editor.has_perm("applications.edit_application", plan)
        other = ApplicationFactory(call=plan.call)  # another organisation's plan
        assert not applicant.has_perm("applications.edit_application", other)


def _late(call):
    return call.deadline + datetime.timedelta(minutes=1)


def test_a_late_submit_is_refused_without_a_lock(client, complete, applicant):
    """After the deadline (the surge's tail) the refusal takes no lock and opens no transaction, and says what
    it said when the locked plan decided it."""
    client.force_login(applicant)
    with time_machine.travel(_late(complete.call), tick=False), CaptureQueriesContext(connection) as queries:
        response = client.post(reverse("applications:submit", args=[complete.pk]))
    assert response.status_code == 200
    assert deadline.deadline_passed_message(complete.call) in response.content.decode()
    statements = [readable(q["sql"]) for q in queries.captured_queries]
    assert not [s for s in statements if "FOR UPDATE" in s or "SAVEPOINT" in s], statements
    # The page's completeness: the plan with its site and narrative in one query, then its three row sets.
    assert sum(s.startswith("SELECT") and 'FROM "applications_application"' in s for s in statements) == 2
    assert not [s for s in statements if 'FROM "applications_site"' in s or 'FROM "applications_plannarrative"' in s]
    complete.refresh_from_db()
    assert complete.status == State.DRAFT and not complete.versions.exists()


def test_an_early_refusal_says_what_the_locked_check_says_first(complete, applicant):
    """The early refusal keeps perform's order: the plan's state, then who acts, then the deadline."""
    late = _late(complete.call)
    late_message = deadline.deadline_passed_message(complete.call)
    stranger = UserFactory()
    with translation.override("en"), pytest.raises(TransitionError, match="You may not do this"):
        services.submit(stranger, complete, at=late)
    Application.objects.filter(pk=complete.pk).update(status=State.WITHDRAWN)
    complete.refresh_from_db()
    with pytest.raises(TransitionError) as refused:
        workflow.refuse_early(complete, "submit", applicant, at=late)
    with pytest.raises(TransitionError) as decided:
        workflow.perform(complete, "submit", applicant, at=late)
    assert str(refused.value) == str(decided.value) != late_message  # the state, said first


def test_an_early_check_that_passes_leaves_the_decision_to_the_lock(complete, applicant, django_assert_num_queries):
    complete = Application.objects.select_related("call").get(pk=complete.pk)
    with django_assert_num_queries(0):  # in time: nothing asked, nothing refused (the call is already read)
        workflow.refuse_early(complete, "submit", applicant, at=BEFORE)
    Application.objects.filter(pk=complete.pk).update(status=State.WITHDRAWN)  # the lock reads the new state
    with pytest.raises(TransitionError):
        services.submit(applicant, complete, at=BEFORE)


def test_an_amendment_is_numbered_after_the_last_version(complete, applicant):
    first = services.submit(applicant, complete, at=BEFORE)
    complete.refresh_from_db()
    second = services.submit(applicant, complete, at=BEFORE)
    assert (first.number, second.number) == (1, 2)
    complete.refresh_from_db()
    assert complete.receipt_number == first.application.receipt_number  # numbered once


def test_receipt_numbers_of_a_call_and_field_follow_each_other(complete, applicant):
    other = ApplicationFactory(call=complete.call, organization=complete.organization, created_by=applicant)
    complete_plan(other)
    attach_required_files(other, applicant)
    services.submit(applicant, complete, at=BEFORE)  # creates the counter
    services.submit(applicant, other, at=BEFORE)  # increments it
    numbers = sorted(Application.objects.values_list("receipt_number", flat=True))
    assert numbers == ["2026-BAT-001", "2026-BAT-002"]


@pytest.mark.parametrize("stranger_sees", [False, True])
def test_a_submit_by_someone_who_may_not_edit_is_refused_as_before(client, complete, stranger_sees, editor_of):
    """404 for a plan the user does not see, 403 for one they see but may not edit; nothing submitted."""
    user = editor_of(complete, role=Membership.Role.VIEWER) if stranger_sees else UserFactory()
    client.force_login(user)
    with time_machine.travel(BEFORE, tick=False):
        response = client.post(reverse("applications:submit", args=[complete.pk]))
    assert response.status_code == (403 if stranger_sees else 404)
    complete.refresh_from_db()
    assert complete.status == State.DRAFT


def test_a_transition_with_effects_is_never_left_unsaved(complete, applicant, monkeypatch):
    """perform(save=False) leaves the saving to its caller: refused for a transition whose effects would read the
    plan's row before it is saved."""
    import dataclasses

    submit = workflow.TRANSITIONS["submit"]
    monkeypatch.setitem(workflow.TRANSITIONS, "submit", dataclasses.replace(submit, effects=(lambda *args: None,)))
    with pytest.raises(ValueError, match="has effects"):
        workflow.perform(complete, "submit", applicant, at=BEFORE, save=False)
    complete.refresh_from_db()
    assert complete.status == State.DRAFT
