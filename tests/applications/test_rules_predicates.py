"""applications/rules.py, asked directly (issue 11): each predicate for an owner, an editor, a viewer, another
organisation, an anonymous visitor and a missing object. The views in front of them are tested in test_access."""

from types import SimpleNamespace

import pytest
from django.contrib.auth.models import AnonymousUser

from accounts.models import Membership
from applications import rules
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(plan, applicant):
    organization = plan.organization
    return {
        "owner": applicant,
        "editor": MembershipFactory(organization=organization, role=Membership.Role.EDITOR).user,
        "viewer": MembershipFactory(organization=organization, role=Membership.Role.VIEWER).user,
        "outsider": MembershipFactory(role=Membership.Role.OWNER).user,
        "anonymous": AnonymousUser(),
    }


def answers(predicate, people, obj):
    return {who: predicate.test(user, obj) for who, user in people.items()}


EDITORS = {"owner": True, "editor": True, "viewer": False, "outsider": False, "anonymous": False}


def test_the_editor_predicates(plan, people):
    registration = SimpleNamespace(organization_id=plan.organization_id)
    assert answers(rules.is_lead_editor, people, plan) == EDITORS
    assert answers(rules.is_organization_editor, people, plan.organization) == EDITORS
    assert answers(rules.is_registration_editor, people, registration) == EDITORS
    for predicate in (rules.is_lead_editor, rules.is_organization_editor, rules.is_registration_editor):
        assert answers(predicate, people, None) == dict.fromkeys(people, False), predicate.name


def test_a_question_is_seen_by_every_member_of_the_organisation_that_asked(plan, people):
    question = SimpleNamespace(organization_id=plan.organization_id)
    members = {"owner": True, "editor": True, "viewer": True, "outsider": False, "anonymous": False}
    assert answers(rules.is_question_member, people, question) == members
    assert answers(rules.is_question_member, people, None) == dict.fromkeys(people, False)


def test_a_plan_is_visible_to_its_organisation_only(plan, people):
    visible = {"owner": True, "editor": True, "viewer": True, "outsider": False}
    people.pop("anonymous")
    assert answers(rules.in_visible_plans, people, plan) == visible
    assert answers(rules.in_visible_plans, people, None) == dict.fromkeys(people, False)
    assert rules.in_visible_plans.test(UserFactory(), plan) is False
