"""What one submit costs the database (issue 12: the deadline surge). The bound is the count the submit asks now;
a change that adds a statement to every submit fails here and has to say why."""

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from applications.workflow import State
from tests.factories import ApplicationFactory, attach_required_files, complete_plan

from .conftest import BEFORE

pytestmark = pytest.mark.django_db

# Statements of one submit through the page, the session's and user's reads included, once the call and field
# have a receipt counter (the first submission of each creates it). Savepoints count: in a test the request's
# transaction is one.
SUBMIT_STATEMENTS = 36


def test_a_submit_asks_a_fixed_number_of_statements(client, complete, applicant, settings):
    settings.PORTAL_IDLE_TIMEOUT_APPLICANT = 2 * 60 * 60  # as deployed: the session notes activity
    other = ApplicationFactory(call=complete.call, organization=complete.organization, created_by=applicant)
    complete_plan(other)
    attach_required_files(other, applicant)
    client.force_login(applicant)
    with time_machine.travel(BEFORE, tick=False):
        assert client.post(reverse("applications:submit", args=[other.pk])).status_code == 302
        with CaptureQueriesContext(connection) as queries:
            response = client.post(reverse("applications:submit", args=[complete.pk]))
    assert response.status_code == 302
    complete.refresh_from_db()
    assert complete.status == State.SUBMITTED and complete.receipt_number == "2026-BAT-002"
    statements = [q["sql"] for q in queries.captured_queries]
    assert len(statements) <= SUBMIT_STATEMENTS, "\n".join(statements)
    assert not [s for s in statements if "django_session" in s and not s.startswith("SELECT")], "session written"
