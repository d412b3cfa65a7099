"""Who may do what with accounts and organisations: small named predicates (django-rules)."""

import rules

from . import roles
from .models import Membership


# The predicates are plain functions wrapped where they are registered: mutmut skips decorated functions.
def _has_role(user, role) -> bool:
    return bool(user and user.is_authenticated and user.has_role(role))


def has_role(role):
    return rules.predicate(lambda user: _has_role(user, role), name=f"has_role:{role}")


is_ministry_staff = has_role(roles.MINISTRY_STAFF)
is_expert = has_role(roles.EXPERT)
is_subcommittee_member = has_role(roles.SUBCOMMITTEE_MEMBER)
is_subcommittee_chair = has_role(roles.SUBCOMMITTEE_CHAIR)
is_secretariat = has_role(roles.SECRETARIAT)
is_committee_member = has_role(roles.COMMITTEE_MEMBER)


def _is_organization_member(user, organization):
    if not user.is_authenticated or organization is None:
        return False
    return Membership.objects.filter(user=user, organization=organization).exists()


def _is_organization_owner(user, organization):
    if not user.is_authenticated or organization is None:
        return False
    return Membership.objects.filter(user=user, organization=organization, role=Membership.Role.OWNER).exists()


is_organization_member = rules.predicate(_is_organization_member, name="is_organization_member")
is_organization_owner = rules.predicate(_is_organization_owner, name="is_organization_owner")

rules.add_perm("accounts.review_organizations", is_ministry_staff)
rules.add_perm("accounts.see_organization", is_organization_member | is_ministry_staff)
rules.add_perm("accounts.manage_members", is_organization_owner)


def _is_admin(user):
    return bool(user and user.is_authenticated and (user.is_staff or user.is_superuser))


is_admin = rules.predicate(_is_admin, name="is_admin")


# Who must confirm a one-time code after the password (issue 10): the roles that decide or administer.
needs_second_factor = is_ministry_staff | is_secretariat | is_admin
