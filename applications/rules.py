"""Who may see and change applications: named predicates (django-rules), used by views, templates and tests."""

import rules

from accounts.models import Membership
from accounts.rules import is_ministry_staff

EDIT_ROLES = (Membership.Role.OWNER, Membership.Role.EDITOR)


@rules.predicate
def is_lead_editor(user, application):
    if not user.is_authenticated or application is None:
        return False
    return Membership.objects.filter(
        user=user, organization_id=application.organization_id, role__in=EDIT_ROLES
    ).exists()


@rules.predicate
def is_organization_editor(user, organization):
    if not user.is_authenticated or organization is None:
        return False
    return Membership.objects.filter(user=user, organization=organization, role__in=EDIT_ROLES).exists()


@rules.predicate
def in_visible_plans(user, application):
    """The list's own queryset, asked: the plan lists and the plan pages cannot disagree."""
    from .models import Application

    return application is not None and Application.objects.visible_to(user).filter(pk=application.pk).exists()


@rules.predicate
def answers_invitation(user, participation):
    """An owner of the invited organisation: the list of invitations' own queryset, asked."""
    from .models import Participation

    return participation is not None and Participation.objects.answerable_by(user).filter(pk=participation.pk).exists()


rules.add_perm("applications.view_application", in_visible_plans)
rules.add_perm("applications.respond_to_invitation", answers_invitation)
rules.add_perm("applications.edit_application", is_lead_editor)
rules.add_perm("applications.draft_for_organization", is_organization_editor)
rules.add_perm("applications.manage_applications", is_ministry_staff)
rules.add_perm("applications.manage_calls", is_ministry_staff)


# --- briefing sessions (설명회) and questions (질의응답) ---------------------------------------------


@rules.predicate
def is_registration_editor(user, registration):
    """An owner or editor of the organisation a briefing registration belongs to."""
    if not user.is_authenticated or registration is None:
        return False
    return Membership.objects.filter(
        user=user, organization_id=registration.organization_id, role__in=EDIT_ROLES
    ).exists()


@rules.predicate
def is_question_member(user, question):
    """Any member of the organisation that asked; other organisations do not learn the question exists."""
    if not user.is_authenticated or question is None:
        return False
    return Membership.objects.filter(user=user, organization_id=question.organization_id).exists()


rules.add_perm("applications.register_for_briefing", is_organization_editor)
rules.add_perm("applications.cancel_briefing_registration", is_registration_editor)
rules.add_perm("applications.ask_question", is_organization_editor)
rules.add_perm("applications.view_question", is_question_member | is_ministry_staff)
rules.add_perm("applications.answer_questions", is_ministry_staff)
