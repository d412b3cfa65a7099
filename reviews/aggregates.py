"""Database aggregates the ORM lacks: the median (PostgreSQL's percentile_cont; a registered SQLite aggregate)."""

import statistics

from django.db.backends.signals import connection_created
from django.db.models import Aggregate, FloatField


class Median(Aggregate):
    name = "Median"
    function = "MEDIAN"
    output_field = FloatField()
    template = "%(function)s(%(expressions)s)"

    def as_postgresql(self, compiler, connection, **extra_context):
        clone = self.copy()
        clone.template = "PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
        return super(Median, clone).as_sql(compiler, connection, **extra_context)


class _SQLiteMedian:
    def __init__(self):
        self.values = []

    def step(self, value):
        if value is not None:
            self.values.append(float(value))

    def finalize(self):
        return statistics.median(self.values) if self.values else None


def register_sqlite_functions(sender, connection, **kwargs):
    if connection.vendor == "sqlite":
        connection.connection.create_aggregate("MEDIAN", 1, _SQLiteMedian)


connection_created.connect(register_sqlite_functions, dispatch_uid="reviews.sqlite_median")
