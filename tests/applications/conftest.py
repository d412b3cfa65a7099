import datetime

import pytest

from accounts.models import Membership
from tests.factories import (
    KST,
    ApplicationFactory,
    CallFactory,
    FieldFactory,
    MembershipFactory,
    attach_required_files,
    complete_plan,
)

BEFORE = datetime.datetime(2026, 2, 20, 10, 0, tzinfo=KST)


@pytest.fixture
def call(db):
    return CallFactory(fields=[FieldFactory(code="BAT")])


@pytest.fixture
def plan(call, applicant):
    """A draft plan of the `applicant` fixture's organisation."""
    organization = applicant.memberships.get().organization
    return ApplicationFactory(call=call, organization=organization, created_by=applicant)


@pytest.fixture
def complete(plan, applicant, settings, tmp_path):
    """The plan with every section filled and the required files uploaded."""
    complete_plan(plan)
    attach_required_files(plan, applicant)
    return plan


@pytest.fixture
def editor_of(db):
    def make(application, role=Membership.Role.EDITOR):
        return MembershipFactory(organization=application.organization, role=role).user

    return make
