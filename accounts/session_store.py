"""Django's database sessions (settings.SESSION_ENGINE), read with a statement prepared once per database session.

Every signed-in request reads its session first. The ORM compiled that read on every request (~0.3 ms of CPU
for a one-row answer, bench: issue 12); on PostgreSQL the statement is now written once per process and
PREPAREd once per database session (core/compiled.py), as the signed-in user's read (accounts/backends.py). It
asks what Django asks: the row of this key whose expiry is still ahead at this moment (the time is a parameter,
taken now, never kept). Everything else (creating, saving, cycling the key, deleting, clearing expired rows) is
Django's own. tests/accounts/test_session_store.py compares it with Django's store.
"""

import functools

from django.contrib.sessions.backends import db
from django.db import connections, router
from django.utils import timezone

from core.compiled import PreparedStatement


class SessionStore(db.SessionStore):
    def _get_session_from_db(self):
        using = router.db_for_read(self.model)
        connection = connections[using]
        if connection.vendor != "postgresql":
            return super()._get_session_from_db()
        with connection.cursor() as cursor:
            _session_read(using).execute(cursor, [self.session_key, timezone.now()])
            row = cursor.fetchone()
        if row is None:
            self._session_key = None  # as Django does: the next save creates a new session
            return None
        return self.model.from_db(using, _field_names(), row)


@functools.cache
def _field_names() -> tuple[str, ...]:
    return tuple(field.attname for field in db.SessionStore.get_model_class()._meta.concrete_fields)


@functools.cache
def _session_read(using: str) -> PreparedStatement:
    model = db.SessionStore.get_model_class()
    quote = connections[using].ops.quote_name
    meta = model._meta
    columns = ", ".join(quote(field.column) for field in meta.concrete_fields)
    key, expiry = quote(meta.get_field("session_key").column), quote(meta.get_field("expire_date").column)
    # Identifiers from the model's metadata, quoted; the key and the time are parameters.
    return PreparedStatement(f"SELECT {columns} FROM {quote(meta.db_table)} WHERE {key} = %s AND {expiry} > %s")  # noqa: S608
