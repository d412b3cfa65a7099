"""The benchmarks' own databases: statements run on the server's maintenance database (CREATE/DROP DATABASE)."""

from __future__ import annotations

import urllib.parse


def admin(database_url: str, sql: str) -> None:
    """Run `sql` with autocommit on the `postgres` database of the server `database_url` names."""
    import psycopg2

    url = urllib.parse.urlparse(database_url)
    connection = psycopg2.connect(
        host=url.hostname,
        port=url.port or 5432,
        user=url.username or "postgres",
        password=url.password,
        dbname="postgres",
    )
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(sql)
    connection.close()
