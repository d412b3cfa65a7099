"""Which reviews count, and the database aggregates the ORM lacks.

`counted_reviews` is the one owner of "a conflicted evaluator's review does not count": the ranking, the mean
and its statistics, the criterion averages, the score chart, the score-sheet export and the "other reviews"
page all read it, so they cannot disagree on a row. `conflicted` is the one test of "this evaluator is
conflicted with this plan" for querysets of assignments and reviews (the open reviews, the reminders).

The median: PostgreSQL's percentile_cont; a registered SQLite aggregate.
"""

import statistics

from django.db.backends.signals import connection_created
from django.db.models import Aggregate, Exists, FloatField, OuterRef, Q

from .models import Assignment, Conflict, Review


def conflicted(to_assignment: str = "") -> Q:
    """True for a row whose evaluator is conflicted with its plan: the assignment's declaration says so, or a
    conflict is recorded (declared, detected or pinned). `to_assignment` is the row's path to its assignment
    ("" for an Assignment, "assignment__" for a Review)."""
    recorded = Exists(
        Conflict.objects.filter(
            application=OuterRef(f"{to_assignment}application"), user=OuterRef(f"{to_assignment}reviewer")
        )
    )
    return Q(**{f"{to_assignment}declaration": Assignment.Declaration.CONFLICT}) | recorded


def counted_reviews(*, call_id: int, stage: str):
    """The reviews that count for a call's stage: submitted, and by an evaluator not conflicted with the plan
    (a conflict found after submitting takes the review out of every figure)."""
    return Review.objects.filter(
        status=Review.Status.SUBMITTED, assignment__panel__call_id=call_id, assignment__panel__stage=stage
    ).exclude(conflicted("assignment__"))


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
