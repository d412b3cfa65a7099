"""Who may see and change applications: named predicates (django-rules), used by views, templates and tests.

Each predicate is a plain function wrapped where it is registered (not decorated): mutmut skips decorated
functions, and these are rules a test must pin.
"""

from contextlib import contextmanager
from contextvars import ContextVar

import rules

from accounts.models import Membership
from accounts.rules import is_ministry_staff

EDIT_ROLES = (Membership.Role.OWNER, Membership.Role.EDITOR)

# Answers of _edits_for kept for the length of one `edits_asked_once` block (None: outside one, nothing is kept).
_edits_memo: ContextVar[dict | None] = ContextVar("applications_edits_memo", default=None)


@contextmanager
def edits_asked_once():
    """Within the block, whether a user edits for an organisation is asked of the database once: the submit page
    checks it before calling the service, and the workflow checks it again on the locked plan (issue 12). A
    membership that changes in between is no more a race than before: neither check ever locked it."""
    token = _edits_memo.set({})
    try:
        yield
    finally:
        _edits_memo.reset(token)


def _edits_for(user, organization_id) -> bool:
    """The one rule behind the editor predicates: an owner or editor of that organisation."""
    if not user.is_authenticated or organization_id is None:
        return False
    memo = _edits_memo.get()
    key = (user.pk, organization_id)
    if memo is not None and key in memo:
        return memo[key]
    answer = Membership.objects.filter(user=user, organization_id=organization_id, role__in=EDIT_ROLES).exists()
    if memo is not None:
        memo[key] = answer
    return answer


def _is_lead_editor(user, application):
    return application is not None and _edits_for(user, application.organization_id)


is_lead_editor = rules.predicate(_is_lead_editor, name="is_lead_editor")


def _is_organization_editor(user, organization):
    return organization is not None and _edits_for(user, organization.pk)


is_organization_editor = rules.predicate(_is_organization_editor, name="is_organization_editor")


def _in_visible_plans(user, application):
    """The list's own queryset, asked: the plan lists and the plan pages cannot disagree."""
    from .models import Application

    return application is not None and Application.objects.visible_to(user).filter(pk=application.pk).exists()


in_visible_plans = rules.predicate(_in_visible_plans, name="in_visible_plans")


def _answers_invitation(user, participation):
    """An owner of the invited organisation: the list of invitations' own queryset, asked."""
    from .models import Participation

    return participation is not None and Participation.objects.answerable_by(user).filter(pk=participation.pk).exists()


answers_invitation = rules.predicate(_answers_invitation, name="answers_invitation")


rules.add_perm("applications.view_application", in_visible_plans)
rules.add_perm("applications.respond_to_invitation", answers_invitation)
rules.add_perm("applications.edit_application", is_lead_editor)
rules.add_perm("applications.draft_for_organization", is_organization_editor)
rules.add_perm("applications.manage_applications", is_ministry_staff)
rules.add_perm("applications.manage_calls", is_ministry_staff)


# --- briefing sessions (설명회) and questions (질의응답) ---------------------------------------------


def _is_registration_editor(user, registration):
    """An owner or editor of the organisation a briefing registration belongs to."""
    return registration is not None and _edits_for(user, registration.organization_id)


is_registration_editor = rules.predicate(_is_registration_editor, name="is_registration_editor")


def _is_question_member(user, question):
    """Any member of the organisation that asked; other organisations do not learn the question exists."""
    if not user.is_authenticated or question is None:
        return False
    return Membership.objects.filter(user=user, organization_id=question.organization_id).exists()


is_question_member = rules.predicate(_is_question_member, name="is_question_member")


rules.add_perm("applications.register_for_briefing", is_organization_editor)
rules.add_perm("applications.cancel_briefing_registration", is_registration_editor)
rules.add_perm("applications.ask_question", is_organization_editor)
rules.add_perm("applications.view_question", is_question_member | is_ministry_staff)
rules.add_perm("applications.answer_questions", is_ministry_staff)
