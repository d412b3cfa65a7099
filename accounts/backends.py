"""Django's model backend, minus the permissions our rules own, loading a signed-in user with their roles.

Every `app.action` permission registered with django-rules is answered by the rules backend alone; without
this, a rule that says "no" falls through to the model backend, which then queries the permission tables
for an answer it can never give (and adds queries to every page whose menu asks).

Every signed-in request needs the user's roles (the idle timeout depends on them, the menu shows by them):
on PostgreSQL they come with the user in one statement instead of a second one (issue 12). They are read
fresh on every request, as before: a role taken away applies from the next request.
"""

import functools

import rules
from django.contrib.auth.backends import ModelBackend
from django.db import connections

from core.compiled import BIGINT_MAX, BIGINT_MIN, PreparedStatement


class ModelPermissionBackend(ModelBackend):
    def has_perm(self, user_obj, perm, obj=None):
        if rules.perm_exists(perm):
            return False
        return super().has_perm(user_obj, perm, obj)

    def get_user(self, user_id):
        from .models import User

        try:
            user_id = int(user_id)
        except (TypeError, ValueError):
            return None  # a session naming no number names no user (the ORM's lookup would raise)
        if not BIGINT_MIN <= user_id <= BIGINT_MAX:
            return None  # beyond the key's range: nobody (the prepared statement would raise, SQLite overflow)
        connection = connections[User.objects.db]
        if connection.vendor != "postgresql":
            return super().get_user(user_id)
        with connection.cursor() as cursor:
            _user_with_roles().execute(cursor, [user_id])
            row = cursor.fetchone()
        if row is None:
            return None
        user = User.from_db(connection.alias, _user_field_names(), row[:-1])
        user._role_cache = set(row[-1])
        return user if self.user_can_authenticate(user) else None


# Every signed-in request loads its user, so the statement is written once per process instead of built by the
# ORM each time: the ORM spent ~1.4 ms of CPU compiling the annotated query for a 0.2 ms answer (bench: issue 12,
# about 6% of a submit's web CPU), and prepared once per database session (0.43 -> 0.15 ms of the database's CPU;
# core/compiled.py). The columns come from the model, so a new field is read without a change here;
# tests/accounts/test_user_loading.py checks the result against the ORM's, field by field.
@functools.cache
def _user_field_names() -> tuple[str, ...]:
    from .models import User

    return tuple(field.attname for field in User._meta.concrete_fields)


@functools.cache
def _user_with_roles() -> PreparedStatement:
    return PreparedStatement(_user_with_roles_sql())


@functools.cache
def _user_with_roles_sql() -> str:
    from django.contrib.auth.models import Group

    from .models import User

    quote = connections[User.objects.db].ops.quote_name
    meta = User._meta
    through = meta.get_field("groups").remote_field.through._meta
    user_column = quote(through.get_field("user").column)
    group_column = quote(through.get_field("group").column)
    columns = ", ".join(f"u.{quote(field.column)}" for field in meta.concrete_fields)
    pk, name, group_pk = quote(meta.pk.column), quote("name"), quote("id")
    roles = f"COALESCE(ARRAY_AGG(g.{name}) FILTER (WHERE g.{group_pk} IS NOT NULL), '{{}}')"
    # Identifiers from the models' metadata, quoted; the one value is a parameter.
    return (
        f"SELECT {columns}, {roles} FROM {quote(meta.db_table)} u "  # noqa: S608
        f"LEFT JOIN {quote(through.db_table)} ug ON ug.{user_column} = u.{pk} "
        f"LEFT JOIN {quote(Group._meta.db_table)} g ON g.{group_pk} = ug.{group_column} "
        f"WHERE u.{pk} = %s GROUP BY u.{pk}"
    )
