"""The SQLite median (reviews.aggregates): the aggregate class SQLite calls, and its registration. The suite
runs on PostgreSQL (percentile_cont), so these are called directly."""

import pytest

from reviews.aggregates import _SQLiteMedian, register_sqlite_functions


def median_of(values):
    aggregate = _SQLiteMedian()
    for value in values:
        aggregate.step(value)
    return aggregate.finalize()


@pytest.mark.parametrize(
    ("values", "expected"),
    [([], None), ([None, None], None), ([7], 7.0), ([3, None, 1, 2], 2.0), ([1, 2], 1.5), (["80.5", 70], 75.25)],
)
def test_the_median_skips_nulls_and_is_none_without_values(values, expected):
    assert median_of(values) == expected


class FakeConnection:
    def __init__(self, vendor):
        self.vendor = vendor
        self.connection = self
        self.registered = []

    def create_aggregate(self, name, arity, cls):
        self.registered.append((name, arity, cls))


def test_registered_on_sqlite_only():
    sqlite, postgres = FakeConnection("sqlite"), FakeConnection("postgresql")
    register_sqlite_functions(None, sqlite)
    register_sqlite_functions(None, postgres)
    assert sqlite.registered == [("MEDIAN", 1, _SQLiteMedian)]
    assert postgres.registered == []
