"""The flush that ends a transactional test (tests/conftest.py: DELETE FROM each table instead of Django's
TRUNCATE on PostgreSQL) leaves every table as empty as Django's own does."""

import pytest
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection

from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_flush_empties_every_table_rows_that_refer_to_each_other_included():
    if connection.vendor != "postgresql":
        pytest.skip("the DELETE flush is PostgreSQL's")
    assert connection.ops.sql_flush(no_style(), ["accounts_user"])[0].startswith("DELETE FROM")
    assert "TRUNCATE" in connection.ops.sql_flush(no_style(), ["accounts_user"], reset_sequences=True)[0]
    MembershipFactory()  # a user, an organisation and the membership between them
    UserFactory(roles=["ministry_staff"])
    tables = connection.introspection.django_table_names(only_existing=True, include_views=False)

    call_command("flush", verbosity=0, interactive=False, inhibit_post_migrate=True)

    with connection.cursor() as cursor:
        left = {}
        for table in tables:
            cursor.execute(f"SELECT count(*) FROM {connection.ops.quote_name(table)}")
            left[table] = cursor.fetchone()[0]
    assert not {table: n for table, n in left.items() if n}, left
