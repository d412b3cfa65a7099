"""Every URL pattern of the project x every role, against an explicit table of expected answers (HotCRP's
exhaustive rights test). The patterns are walked from the URL resolver, so a new URL without an entry in
EXPECTED fails `test_every_url_pattern_is_classified`: whoever adds a page decides who may open it.

GET for every pattern; a POST-only view (GET answers 405) is also POSTed with an empty body. Each request runs
in a savepoint that is rolled back, so one shared dataset serves all of them. The instant is set between
the committee meeting and the announcement: the embargo is in force.

Answers: 200 shown, 302 redirect (to log in for the anonymous visitor, or after a refused/empty POST),
400 form errors, 403 the role does not open the page, 404 the object does not exist for the user,
405 method not allowed.
"""

from __future__ import annotations

import copy
import datetime

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from accounts import roles
from accounts.models import Membership
from applications.models import (
    Attachment,
    BriefingRegistration,
    BriefingSession,
    CallDocument,
    Participation,
    Question,
)
from applications.workflow import State
from committee.models import Condition, ConditionAnswer
from core.models import ExportJob
from reviews.models import Conflict, Consultation, Rubric, Stage
from tests.factories import (
    KST,
    CallFactory,
    ExpertFactory,
    FieldFactory,
    MembershipFactory,
    OrganizationFactory,
    UserFactory,
    assign,
    make_meeting,
    make_panel,
    make_rubric,
    referred_plan,
    reviewable_plan,
    submitted_review,
)

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 7, 20, 10, 0, tzinfo=KST)  # after the meeting, before the announcement
ANNOUNCEMENT = datetime.datetime(2026, 7, 31, 10, 0, tzinfo=KST)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

ROLES = (
    "anonymous",
    "other_applicant",
    "viewer",
    "editor",
    "owner",
    "ministry_staff",
    "evaluator_assigned",
    "evaluator_unassigned",
    "evaluator_conflicted",
    "subcommittee_member",
    "subcommittee_chair",
    "secretariat",
    "committee_member",
    "superuser",
)
ADMIN = "admin:*"


def _walk(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if pattern.app_name == "admin":
                yield ADMIN, None
                continue
            namespace = f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix
            yield from _walk(pattern.url_patterns, namespace)
        elif isinstance(pattern, URLPattern):
            yield f"{prefix}{pattern.name}", pattern


def url_patterns() -> dict[str, URLPattern | None]:
    return dict(_walk(get_resolver().url_patterns))


# --- the table ------------------------------------------------------------------------------------------
# Each entry: role -> expected status (GET, or POST for the POST-only views). Helpers keep it readable.

EVALUATORS = ("evaluator_assigned", "evaluator_unassigned", "evaluator_conflicted")
SUBCOMMITTEE = ("subcommittee_member", "subcommittee_chair")


def expect(default: int, anonymous: int | None = None, **roles_status) -> dict[str, int]:
    table = dict.fromkeys(ROLES, default)
    if anonymous is not None:
        table["anonymous"] = anonymous
    for key, status in roles_status.items():
        table[key] = status
    return table


def only(roles_: tuple[str, ...], ok: int, others: int, anonymous: int = 302, **extra) -> dict[str, int]:
    table = expect(others, anonymous)
    for role in roles_:
        table[role] = ok
    table.update(extra)
    return table


# Role sets the table names.
PLAN_READERS = ("viewer", "editor", "owner", "ministry_staff", "superuser")
MINISTRY = ("ministry_staff", "superuser")
SECRETARIAT = ("secretariat", "superuser")
EVALUATOR_ROLES = (*EVALUATORS, *SUBCOMMITTEE, "superuser")
SUBCOMMITTEE_PAGES = ("ministry_staff", *SUBCOMMITTEE, "superuser")
SUBCOMMITTEE_SCORERS = (*SUBCOMMITTEE, "superuser")
CHAIR = ("subcommittee_chair", "superuser")
ASSIGNED = ("evaluator_assigned",)


def editing(ok: int) -> dict[str, int]:
    """A plan page that changes the plan: its editors; its other readers 403; everyone else 404."""
    return expect(404, anonymous=302, viewer=403, ministry_staff=403, editor=ok, owner=ok, superuser=ok)


EXPECTED: dict[str, dict[str, int]] = {
    "accounts:approval_queue": only(MINISTRY, 200, others=403),
    "accounts:approve": only(MINISTRY, 200, others=403),  # GET: the confirmation step
    "accounts:login": expect(302, anonymous=200),
    "accounts:logout": expect(302),
    "accounts:organization": only(PLAN_READERS, 200, others=404),
    "accounts:password_change": expect(200, anonymous=302),
    "accounts:password_change_done": expect(200, anonymous=302),
    "accounts:password_reset": expect(200),
    "accounts:password_reset_complete": expect(200),
    "accounts:password_reset_confirm": expect(200),
    "accounts:password_reset_done": expect(200),
    "accounts:register": expect(302, anonymous=200),
    "accounts:reject": only(MINISTRY, 302, others=403),
    "accounts:register_done": expect(200),  # the same page whether or not the address had an account
    "accounts:session_status": expect(200),  # JSON for the idle banner; anonymous reads "signed out"
    # force_login passes the second factor, so the code page sends everyone on; anyone signed in may enrol
    "accounts:two_factor": expect(302),
    "accounts:two_factor_setup": expect(200, anonymous=302),
    # The configuration admin, one entry: staff only (everyone else is sent to its log-in page).
    "admin:*": expect(302, superuser=200),
    "applications:attachment": only(PLAN_READERS, 200, others=404),
    "applications:attachments": only(PLAN_READERS, 200, others=404),
    "applications:briefing_cancel": only(("editor", "owner", "superuser"), 302, others=404),
    "applications:briefing_register": expect(200, anonymous=302),
    "applications:call": expect(200),
    "applications:call_document": expect(200),
    "applications:calls": expect(200),
    "applications:create": expect(200, anonymous=302),
    "applications:detail": only(PLAN_READERS, 200, others=404),
    "applications:diff": only(PLAN_READERS, 200, others=404),
    "applications:history": only(PLAN_READERS, 200, others=404),
    # Every signed-in user has a list of invitations (theirs, maybe empty); answering one is for an owner of the
    # invited organisation (other_applicant's, invited and not yet accepted: it reads none of the plan pages).
    "applications:invitation_respond": only(("other_applicant",), 302, others=404),
    "applications:invitations": expect(200, anonymous=302),
    "applications:mine": expect(200, anonymous=302),
    "applications:participants": only(PLAN_READERS, 200, others=404),
    "applications:preview": only(PLAN_READERS, 200, others=404),
    "applications:question": only(PLAN_READERS, 200, others=404),
    "applications:questions": expect(200, anonymous=302),
    "applications:receipt": only(PLAN_READERS, 302, others=404),
    "applications:remove_attachment": editing(200),  # GET: the confirmation step
    "applications:section": editing(200),
    "applications:staff_applications": only(MINISTRY, 200, others=403),
    "applications:staff_briefing": only(MINISTRY, 200, others=403),
    "applications:staff_briefing_export": only(MINISTRY, 200, others=403),
    "applications:staff_briefings": only(MINISTRY, 200, others=403),
    "applications:staff_deadline": only(MINISTRY, 200, others=403),
    "applications:staff_timeline": only(MINISTRY, 200, others=403),
    "applications:staff_export_csv": only(MINISTRY, 200, others=403),
    "applications:staff_export_xlsx": only(MINISTRY, 302, others=403),  # POST: starts an export job
    "applications:staff_question": only(MINISTRY, 200, others=403),
    "applications:staff_questions": only(MINISTRY, 200, others=403),
    "applications:staff_screen": only(MINISTRY, 200, others=403),
    "applications:submit": editing(200),
    "applications:version": only(PLAN_READERS, 200, others=404),
    "applications:versions": only(PLAN_READERS, 200, others=404),
    "applications:withdraw": editing(200),
    "committee:add_agenda_item": only(SECRETARIAT, 302, others=403),
    # Before the announcement the result and the notice do not exist, for the plan's own members too.
    "committee:applicant_notice": expect(404, anonymous=302),
    "committee:applicant_result": expect(404, anonymous=302),
    "committee:confirm": only(SECRETARIAT, 400, others=403),  # without the "I understand" box
    "committee:correct": only(SECRETARIAT, 200, others=403),
    "committee:designations": expect(200),
    "committee:designations_csv": expect(200),
    "committee:meeting": only(SECRETARIAT, 200, others=403),
    "committee:meeting_edit": only(SECRETARIAT, 200, others=403),
    "committee:meeting_new": only(SECRETARIAT, 200, others=403),
    "committee:meetings": only(SECRETARIAT, 200, others=403),
    "committee:minutes": only(SECRETARIAT, 200, others=403),
    "committee:notice": only(SECRETARIAT, 302, others=403),
    "committee:notice_progress": only(SECRETARIAT, 200, others=403),
    "committee:notices": only(SECRETARIAT, 200, others=403),
    "committee:record": only(SECRETARIAT, 302, others=403),
    "committee:resolution": only(SECRETARIAT, 200, others=403),
    # Retrying a notice never sent is refused with a message (finding 12 of issue 10: was a 500).
    "committee:retry": only(SECRETARIAT, 302, others=403),
    "committee:send_notices": only(SECRETARIAT, 302, others=403),
    "committee:verify": expect(404),
    # Conditions: staff follow them up; the applicant's pages exist only from the announcement on (404 now).
    "committee:staff_conditions": only(MINISTRY, 200, others=403),
    "committee:staff_decide_condition": only(MINISTRY, 400, others=403),
    "committee:staff_condition_file": only(MINISTRY, 200, others=403),
    "committee:condition": expect(404, anonymous=302),
    "committee:condition_file": expect(404, anonymous=302),
    "committee:verify_start": expect(200),
    "committee:verify_file": expect(400),  # public; an empty POST is a form error
    "core:dashboard": expect(200, anonymous=302),
    # An export job (a ready file) ministry staff asked for: nobody else's, the superuser's neither.
    "core:export_job": only(("ministry_staff",), 200, others=404),
    "core:export_download": only(("ministry_staff",), 200, others=404),
    "core:home": expect(200),
    "health": expect(200),
    "health-live": expect(200),
    "javascript-catalog": expect(200),
    "reviews:declare": only(ASSIGNED, 302, others=404),
    "reviews:mine": only(EVALUATOR_ROLES, 200, others=403),
    "reviews:others": only(ASSIGNED, 200, others=404),
    "reviews:plan": only(ASSIGNED, 200, others=404),
    "reviews:plan_file": only(ASSIGNED, 200, others=404),
    "reviews:recommend": only(CHAIR, 400, others=404),
    "reviews:review": only(ASSIGNED, 200, others=404),
    "reviews:staff_assignments": only(MINISTRY, 200, others=403),
    "reviews:staff_calls": only(MINISTRY, 200, others=403),
    "reviews:staff_conflicts": only(MINISTRY, 200, others=403),
    "reviews:staff_dashboard": only(MINISTRY, 200, others=403),
    "reviews:staff_members": only(MINISTRY, 200, others=403),
    "reviews:staff_move": only(MINISTRY, 409, others=403),
    "reviews:staff_packet": only(MINISTRY, 302, others=403),
    "reviews:staff_packet_download": only(MINISTRY, 404, others=403),
    "reviews:staff_panels": only(MINISTRY, 200, others=403),
    "reviews:staff_plan": only(MINISTRY, 200, others=403),
    "reviews:staff_ranking": only(MINISTRY, 200, others=403),
    "reviews:staff_reopen": only(MINISTRY, 400, others=403),
    "reviews:staff_score_sheet": only(MINISTRY, 302, others=403),  # POST: starts an export job
    "reviews:staff_start": only(MINISTRY, 302, others=403),
    "reviews:staff_start_all": only(MINISTRY, 302, others=403),
    "reviews:staff_unassign": only(MINISTRY, 404, others=403),
    "reviews:subcommittee": only(SUBCOMMITTEE_PAGES, 200, others=403),
    "reviews:subcommittee_note": only(SUBCOMMITTEE_SCORERS, 400, others=404),
    "reviews:subcommittee_plan": only(SUBCOMMITTEE_PAGES, 200, others=404),
    "reviews:subcommittee_opinion_file": only(SUBCOMMITTEE_PAGES, 200, others=404),
    # The whole plan as one PDF: no packet is made in this dataset, so those who may see it get 404 too;
    # preparing it (POST) redirects for them. Who may not see the plan gets 404 either way.
    "reviews:plan_pdf": expect(404, anonymous=302),
    "reviews:plan_pdf_request": only(PLAN_READERS, 302, others=404),
    "reviews:assignment_pdf": expect(404, anonymous=302),
    "reviews:assignment_pdf_request": only(ASSIGNED, 302, others=404),
    "reviews:staff_consultation": only(MINISTRY, 200, others=403),
    "reviews:staff_request_opinions": only(MINISTRY, 400, others=403),
    "reviews:staff_record_opinion": only(MINISTRY, 400, others=403),
    "reviews:staff_opinion_file": only(MINISTRY, 200, others=403),
    "set_language": expect(302),
}


# --- the dataset ----------------------------------------------------------------------------------------


def build_dataset():
    field = FieldFactory(code="BAT")
    call = CallFactory(fields=[field], announcement_at=ANNOUNCEMENT)
    lead = OrganizationFactory()
    users = {"anonymous": None}
    users["other_applicant"] = MembershipFactory(role=Membership.Role.OWNER).user
    for role, membership_role in (
        ("viewer", Membership.Role.VIEWER),
        ("editor", Membership.Role.EDITOR),
        ("owner", Membership.Role.OWNER),
    ):
        users[role] = MembershipFactory(organization=lead, role=membership_role).user
    users["ministry_staff"] = UserFactory(roles=[roles.MINISTRY_STAFF])
    for role in EVALUATORS:
        users[role] = ExpertFactory()
    users["subcommittee_member"] = ExpertFactory(roles=[roles.SUBCOMMITTEE_MEMBER])
    users["subcommittee_chair"] = ExpertFactory(roles=[roles.SUBCOMMITTEE_CHAIR])
    users["secretariat"] = UserFactory(roles=[roles.SECRETARIAT])
    users["committee_member"] = UserFactory(roles=[roles.COMMITTEE_MEMBER])
    users["superuser"] = UserFactory(is_staff=True, is_superuser=True)

    # The plan under subcommittee evaluation: advisory panel done, subcommittee scoring.
    plan = reviewable_plan(call, organization=lead, status=State.SUBCOMMITTEE)
    attachment = Attachment(
        application=plan,
        kind="plan_document",
        original_name="plan.pdf",
        content_type="application/pdf",
        size=len(PDF),
        sha256="a" * 64,
        uploaded_by=plan.created_by,
    )
    attachment.file.save("plan.pdf", ContentFile(PDF), save=False)
    attachment.save()
    version = plan.versions.get()
    version.content["attachments"] = [
        {"kind": "plan_document", "name": "plan.pdf", "size": len(PDF), "sha256": "a" * 64, "type": "application/pdf"}
    ]
    version.save()
    make_rubric(call, Stage.ADVISORY, visibility=Rubric.Visibility.AFTER_SUBMITTING)
    make_rubric(call, Stage.SUBCOMMITTEE, visibility=Rubric.Visibility.AFTER_SUBMITTING)
    advisory = make_panel(call, members=[users[r] for r in EVALUATORS], created_by=users["ministry_staff"])
    assigned = assign(advisory, plan, users["evaluator_assigned"])
    review = submitted_review(assigned, (25, 20, 15, 10, 10, 10, 10))
    assign(advisory, plan, users["evaluator_conflicted"])
    Conflict.objects.create(application=plan, user=users["evaluator_conflicted"], source="pinned", reason="친족")
    subcommittee = make_panel(
        call,
        stage=Stage.SUBCOMMITTEE,
        members=[users["subcommittee_member"], users["subcommittee_chair"]],
        created_by=users["ministry_staff"],
    )
    assign(subcommittee, plan, users["subcommittee_member"])
    # A plan of the same organisation decided by the committee (embargoed until the announcement).
    decided = referred_plan(call, organization=lead)
    meeting = make_meeting(call, created_by=users["secretariat"])
    from committee import services as committee

    item = committee.add_to_agenda(users["secretariat"], meeting, decided, at=NOW)
    resolution = committee.record_resolution(
        users["secretariat"],
        item,
        minutes=SimpleUploadedFile("minutes.pdf", PDF, content_type="application/pdf"),
        decision="designated",
        conditions="",
        reasons="우수",
        votes_for=3,
        votes_against=0,
        votes_abstaining=0,
        at=NOW,
    )
    notice = committee.confirm_resolution(users["secretariat"], resolution, at=NOW)
    # A condition followed up on the decided plan, answered with a file (rows made directly: the matrix only
    # needs them to exist).
    condition = Condition.objects.create(
        resolution=resolution, application=decided, position=1, text="용수 계획", due_on=datetime.date(2026, 12, 31),
        created_by=users["ministry_staff"],
    )  # fmt: skip
    answer = ConditionAnswer(condition=condition, text="답변", submitted_by=users["owner"], file_type="application/pdf")
    answer.file.save("answer.pdf", ContentFile(PDF), save=False)
    answer.save()
    # Call-level objects.
    document = CallDocument(call=call, title="공고문", original_name="notice.pdf", size=len(PDF), sha256="b" * 64)
    document.file.save("notice.pdf", ContentFile(PDF), save=False)
    document.save()
    session = BriefingSession.objects.create(
        call=call, starts_at=datetime.datetime(2026, 8, 10, 14, 0, tzinfo=KST), place_ko="세종", capacity=50
    )
    registration = BriefingRegistration.objects.create(session=session, organization=lead, registered_by=users["owner"])
    # other_applicant's organisation is invited to take part in the plan and has not answered (finding 9).
    invitation = Participation.objects.create(
        application=plan,
        organization=users["other_applicant"].memberships.get().organization,
        role=Participation.Role.ANCHOR,
        added_by=users["owner"],
    )
    question = Question.objects.create(call=call, organization=lead, asked_by=users["owner"], subject="질문", body="?")
    # A ministry's opinion on the plan, with its document (the consultation's pages and files).
    consultation = Consultation(
        application=plan, ministry="환경부", due_on=datetime.date(2026, 8, 1), requested_by=users["ministry_staff"]
    )
    consultation.opinion_file.save("opinion.pdf", ContentFile(PDF), save=False)
    consultation.opinion_file_name, consultation.opinion_file_type = "의견서.pdf", "application/pdf"
    consultation.save()
    kwargs = {
        "slug": call.slug,
        "key": "site",
        "attachment_pk": attachment.pk,
        "number": 1,
        "old": 1,
        "new": 1,
        "sha256": "a" * 64,
        "plan": plan.pk,
        "review": review.pk,
        "stage": Stage.ADVISORY,
        "fmt": "csv",
        "code": "XXXX-XXXX-XXXX",
        "uidb64": "MQ",
        "token": "set-password",
        "consultation": consultation.pk,
        "answer_pk": answer.pk,
    }
    export = ExportJob(
        owner=users["ministry_staff"],
        builder="applications.plans_xlsx",
        language="ko",
        filename="plans.xlsx",
        status=ExportJob.Status.READY,
        expires_at=timezone.now() + datetime.timedelta(days=1),
    )
    export.save()
    export.file.save("plans.xlsx", ContentFile(b"PK"), save=True)
    # Which object a <pk> means, by the view's namespace and name.
    pks = {
        "core:export_job": export.pk,
        "core:export_download": export.pk,
        "accounts:organization": lead.pk,
        "accounts:approve": lead.pk,
        "accounts:reject": lead.pk,
        "applications:call_document": document.pk,
        "applications:briefing_register": session.pk,
        "applications:briefing_cancel": registration.pk,
        "applications:question": question.pk,
        "applications:invitation_respond": invitation.pk,
        "applications:staff_briefing": session.pk,
        "applications:staff_briefing_export": session.pk,
        "applications:staff_question": question.pk,
        "reviews:review": assigned.pk,
        "reviews:declare": assigned.pk,
        "reviews:plan": assigned.pk,
        "reviews:plan_file": assigned.pk,
        "reviews:others": assigned.pk,
        "reviews:assignment_pdf": assigned.pk,
        "reviews:assignment_pdf_request": assigned.pk,
        "committee:meeting": meeting.pk,
        "committee:meeting_edit": meeting.pk,
        "committee:add_agenda_item": meeting.pk,
        "committee:notices": meeting.pk,
        "committee:notice_progress": meeting.pk,
        "committee:send_notices": meeting.pk,
        "committee:record": item.pk,
        "committee:resolution": resolution.pk,
        "committee:confirm": resolution.pk,
        "committee:correct": resolution.pk,
        "committee:minutes": resolution.pk,
        "committee:notice": notice.pk,
        "committee:retry": notice.pk,
        "committee:applicant_result": decided.pk,
        "committee:applicant_notice": decided.pk,
        "reviews:staff_record_opinion": consultation.pk,
        "committee:staff_conditions": decided.pk,
        "committee:staff_decide_condition": condition.pk,
        "committee:staff_condition_file": answer.pk,
        "committee:condition": decided.pk,
        "committee:condition_file": decided.pk,
        "reviews:staff_opinion_file": consultation.pk,
    }
    for name in ("staff_dashboard", "staff_start_all", "staff_members", "staff_assignments", "staff_unassign"):
        pks[f"reviews:{name}"] = advisory.pk
    for name in ("staff_conflicts", "staff_score_sheet", "staff_plan", "staff_reopen", "staff_start"):
        pks[f"reviews:{name}"] = advisory.pk
    for name in ("staff_move", "staff_packet", "staff_packet_download"):
        pks[f"reviews:{name}"] = advisory.pk
    return users, plan, kwargs, pks


def _path(name, pattern, kwargs, pks, plan) -> str:
    if name == ADMIN:
        return reverse("admin:index")
    names = pattern.pattern.regex.groupindex
    values = {key: kwargs[key] for key in names if key != "pk"}
    if "pk" in names:
        values["pk"] = pks.get(name, plan.pk)  # a plan unless the table of pks says otherwise
    return reverse(name, kwargs=values)


def _ask(client, path) -> tuple[str, int]:
    """One request whose effects are undone: the database in a rolled-back savepoint, the cookies (a POST
    to log out, to set the language) restored."""
    cookies = copy.deepcopy(client.cookies)
    with transaction.atomic():
        response = client.get(path)
        method = "GET"
        if response.status_code == 405:
            method, response = "POST", client.post(path, {})
        transaction.set_rollback(True)
    client.cookies = cookies
    return method, response.status_code


def test_every_url_pattern_is_classified():
    missing = sorted(set(url_patterns()) - set(EXPECTED))
    stale = sorted(set(EXPECTED) - set(url_patterns()))
    assert not missing, f"URL patterns without an entry in EXPECTED: {missing}"
    assert not stale, f"EXPECTED entries with no URL pattern: {stale}"


def test_every_role_gets_the_expected_answer_on_every_url():
    with time_machine.travel(NOW):
        users, plan, kwargs, pks = build_dataset()
        clients = {}
        for role in ROLES:
            clients[role] = Client(raise_request_exception=False, HTTP_ACCEPT_LANGUAGE="en")
            if users[role] is not None:
                clients[role].force_login(users[role])
        observed: dict[str, dict[str, int]] = {}
        for name, pattern in sorted(url_patterns().items()):
            path = _path(name, pattern, kwargs, pks, plan)
            for role in ROLES:
                _method, status = _ask(clients[role], path)
                observed.setdefault(name, {})[role] = status
    wrong = [
        f"{name} as {role}: expected {EXPECTED[name][role]}, got {observed[name][role]}"
        for name in observed
        for role in ROLES
        if name in EXPECTED and observed[name][role] != EXPECTED[name][role]
    ]
    assert not wrong, "\n".join(wrong)
