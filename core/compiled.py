"""Querysets compiled to SQL once per database connection: the deadline surge's hot reads (issue 12).

Django compiles a queryset to SQL on every evaluation; for a plan read with six joined tables that is ~1 ms of
CPU per request, as much as the database spends on it. A `CompiledQuery` is defined once, at import time, by a
function that builds the queryset from one value (the plan's id, a chain's key); the first evaluation on a
connection compiles it as Django would, with a sentinel in the value's place, and keeps the SQL and what
Django's own iterator derives from the compile (the columns each model takes, the related objects' populators,
the converters). Every later evaluation on that connection sends the same SQL with the value as its parameter
and builds the instances the same way Django's ModelIterable does (`Model.from_db`, then each related
populator), so the instances are the ones the queryset would have returned, joined objects and empty reverse
one-to-ones included.

On PostgreSQL the SQL is also prepared once per database session (PREPARE, sent with the first EXECUTE in one
round trip): the server then neither parses nor plans it again. For the locked plan read that took its database
backend from 2.2 to 0.4 ms of CPU (bench/surge_inprocess.py, BENCH_SURGE_SQL=1). A prepared statement lives as
long as the session (CONN_MAX_AGE), so this needs each Django connection to keep its own PostgreSQL session: no
transaction-pooling proxy (PgBouncer's transaction mode) in between, which the deployment does not have.

Only for what that covers: model instances, with their annotations (no values(), no extra select, no prefetch,
not through a related manager; prefetch_related_objects() on the instances does that), one value: an id, a
string or an aware datetime (SENTINEL_DATETIME; adapted for the database as Django adapts a DateTimeField's
value, so SQLite's text form too). `select_for_update` keeps Django's rule: refused outside a
transaction. tests/core/test_compiled.py compares every query defined with it against the plain queryset.
"""

from __future__ import annotations

import datetime
import itertools
import re
import weakref
from collections.abc import Callable
from dataclasses import dataclass

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Model, QuerySet
from django.db.models.query import get_related_populators
from django.db.transaction import TransactionManagementError

SENTINEL_INT = -7_340_091_237  # a value no real row has: found in the compiled parameters and replaced
SENTINEL_STR = "\x00compiled-query-sentinel\x00"
SENTINEL_DATETIME = datetime.datetime(1901, 2, 3, 4, 5, 6, 789012, tzinfo=datetime.UTC)  # an instant no row holds
BIGINT_MIN, BIGINT_MAX = -(2**63), 2**63 - 1  # the widest integer column of either database
# For an id of a 32-bit key (AutoField: django-otp's devices): Django answers a value outside it with no row
# (EmptyResultSet), so the sentinel must lie inside and a value outside is answered as Django does.
INT32_RANGE = (-(2**31), 2**31 - 1)
SENTINEL_INT32 = -1_987_650_321


@dataclass(frozen=True)
class _Compiled:
    params: tuple
    position: int  # of the sentinel in params
    model: type[Model]
    fields: slice  # the main model's columns in a row
    init_list: list[str]
    populators: list
    converters: list  # (position in a row, converter functions, expression)
    annotations: tuple  # (attribute name, position in a row), as Django sets them on each instance
    for_update: bool
    statement: PreparedStatement


_names = itertools.count(1)
_prepared_sql: dict[str, str] = {}  # statement name -> Django's SQL, for `readable`


def readable(sql: str) -> str:
    """A logged statement as Django would have sent it: for the EXECUTE (or PREPARE and EXECUTE) of a compiled
    query, its SQL with %s for the parameters; any other statement as it is. For logs, tests and benchmarks that
    look at which tables a request reads."""
    if sql.startswith("PREPARE compiled_query_"):
        sql = sql.split("; ", 1)[1]
    if sql.startswith("EXECUTE compiled_query_"):
        return _prepared_sql.get(sql.split()[1].split("(")[0], sql)
    return sql


class PreparedStatement:
    """One statement (Django's SQL: %s for each parameter), PREPAREd once per PostgreSQL session and then only
    EXECUTEd; sent as it is to any other database. `execute(cursor, params)` leaves the rows on the cursor."""

    def __init__(self, sql: str):
        self.sql = sql
        self._body = _numbered(sql)
        self._number, self._generation = next(_names), 0  # its name, the same in every session
        self._prepared: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # session -> name

    def execute(self, cursor, params) -> None:
        """EXECUTE the statement prepared in this database session; the first time, PREPARE it in the same round
        trip. A prepared statement outlives a rollback, so it is known prepared once the pair succeeded; if the
        pair failed, PREPARE may or may not have run: the next first use (in any session) prepares under a new
        name (the old one, if any, goes with the session: CONN_MAX_AGE)."""
        if cursor.db.vendor != "postgresql":
            cursor.execute(self.sql, params)
            return
        session = cursor.db.connection  # the driver's connection: one database session
        arguments = ", ".join(["%s"] * len(params))
        name = self._prepared.get(session)
        if name is not None:
            cursor.execute(f"EXECUTE {name}({arguments})", params)
            return
        name = f"compiled_query_{self._number}_{self._generation}"
        _prepared_sql[name] = self.sql
        try:
            cursor.execute(f"PREPARE {name} AS {self._body}; EXECUTE {name}({arguments})", params)
        except Exception:
            self._generation += 1  # this session may hold the name now: the next first use takes another
            raise
        self._prepared[session] = name


class CompiledQuery:
    """`build(value)` returns the queryset; `all(value)` its instances, `first(value)` the first or None."""

    def __init__(
        self,
        build: Callable[[object], QuerySet],
        *,
        sentinel: object = SENTINEL_INT,
        integer_range: tuple[int, int] = (BIGINT_MIN, BIGINT_MAX),
    ):
        self._build = build
        self._sentinel = sentinel
        self._integer_range = integer_range
        self._by_connection: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

    def queryset(self, value) -> QuerySet:
        """The queryset itself, as Django evaluates it (the tests' reference)."""
        return self._build(value)

    def all(self, value, *, using: str = DEFAULT_DB_ALIAS) -> list[Model]:
        low, high = self._integer_range
        if isinstance(value, int) and not low <= value <= high:
            return []  # as Django answers an out-of-range integer (no row has it); SQLite would raise OverflowError
        connection = connections[using]
        compiled = self._by_connection.get(connection)
        if compiled is None:
            compiled = self._by_connection[connection] = self._compile(connection, using)
        if compiled.for_update and connection.get_autocommit():
            raise TransactionManagementError("select_for_update cannot be used outside of a transaction.")
        params = list(compiled.params)
        params[compiled.position] = _adapted(connection, value)
        with connection.cursor() as cursor:
            compiled.statement.execute(cursor, params)
            rows = cursor.fetchall()
        objects = []
        for row in rows:
            if compiled.converters:
                row = list(row)
                for position, functions, expression in compiled.converters:
                    item = row[position]
                    for function in functions:
                        item = function(item, expression, connection)
                    row[position] = item
            obj = compiled.model.from_db(using, compiled.init_list, row[compiled.fields])
            for populator in compiled.populators:
                populator.populate(row, obj)
            for name, position in compiled.annotations:
                setattr(obj, name, row[position])
            objects.append(obj)
        return objects

    def first(self, value, *, using: str = DEFAULT_DB_ALIAS) -> Model | None:
        objects = self.all(value, using=using)
        return objects[0] if objects else None

    def _compile(self, connection, using: str) -> _Compiled:
        queryset = self._build(self._sentinel).using(using)
        query = queryset.query
        if query.extra_select or queryset._fields is not None:
            raise ValueError("CompiledQuery reads model instances only")
        if queryset._prefetch_related_lookups or queryset._known_related_objects:
            raise ValueError("CompiledQuery builds no prefetches nor a related manager's known objects")
        compiler = query.get_compiler(using=using)
        sql, params = compiler.as_sql()  # Django's own refusal of FOR UPDATE outside a transaction, the first time
        sentinel = _adapted(connection, self._sentinel)
        positions = [index for index, param in enumerate(params) if param == sentinel]
        if len(positions) != 1:
            raise ValueError(f"the value must appear once in the query's parameters, not {len(positions)} times")
        select, klass_info = compiler.select, compiler.klass_info
        first, last = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
        return _Compiled(
            params=tuple(params),
            position=positions[0],
            model=klass_info["model"],
            fields=slice(first, last),
            init_list=[column[0].target.attname for column in select[first:last]],
            populators=get_related_populators(klass_info, select, using),
            converters=[
                (position, functions, expression)
                for position, (functions, expression) in compiler.get_converters(
                    [column[0] for column in select[: compiler.col_count]]
                ).items()
            ],
            annotations=tuple(compiler.annotation_col_map.items()),
            for_update=bool(query.select_for_update and connection.features.has_select_for_update),
            statement=PreparedStatement(sql),
        )


def _adapted(connection, value):
    """The value as the compiled parameters hold it: a datetime as Django passes a DateTimeField's value to the
    database driver (PostgreSQL: the datetime itself; SQLite: its UTC text)."""
    if isinstance(value, datetime.datetime):
        return connection.ops.adapt_datetimefield_value(value)
    return value


def _numbered(sql: str) -> str:
    """Django's SQL for psycopg2 (%s for each parameter, %% for a percent sign) with $1, $2... for the
    parameters, as PREPARE takes them; %% stays, as the whole line still goes through psycopg2's formatting."""
    numbers = itertools.count(1)
    return re.sub(r"%[s%]", lambda match: "%%" if match.group() == "%%" else f"${next(numbers)}", sql)
