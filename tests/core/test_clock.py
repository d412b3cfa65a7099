"""Korea time has one owner (core.clock): Asia/Seoul whatever the server's zone, the same zone the settings
name, turning the day at KST midnight."""

import ast
import datetime
import pathlib

import time_machine
from django.template import Context, Template
from django.test import override_settings

from core import clock

UTC = datetime.UTC
ROOT = pathlib.Path(__file__).resolve().parents[2]
ROOMS = ("accounts", "applications", "reviews", "committee", "core", "config")


def test_kst_is_seoul_and_the_setting_names_the_same_zone():
    from django.conf import settings

    assert clock.KST.key == clock.ZONE_NAME == settings.TIME_ZONE == "Asia/Seoul"


def test_the_korean_day_turns_at_kst_midnight():
    # 15:00 UTC is midnight in Seoul: the last microsecond before is still the 27th.
    assert clock.kst_date(datetime.datetime(2026, 2, 27, 14, 59, 59, 999999, tzinfo=UTC)) == datetime.date(2026, 2, 27)
    assert clock.kst_date(datetime.datetime(2026, 2, 27, 15, 0, tzinfo=UTC)) == datetime.date(2026, 2, 28)


def test_kst_date_defaults_to_now():
    with time_machine.travel(datetime.datetime(2026, 12, 31, 15, 0, tzinfo=UTC), tick=False):
        assert clock.kst_date() == datetime.date(2027, 1, 1)


def test_texts_and_cells_are_korean_wall_clock():
    instant = datetime.datetime(2026, 2, 27, 9, 0, tzinfo=UTC)
    assert clock.format_kst(instant) == "2026-02-27 18:00"
    assert clock.file_stamp(datetime.datetime(2026, 2, 27, 15, 1, tzinfo=UTC)) == "20260228-0001"
    assert clock.naive_kst(instant) == datetime.datetime(2026, 2, 27, 18, 0)
    assert clock.naive_kst(None) is None
    assert clock.to_kst(instant).utcoffset() == datetime.timedelta(hours=9)


def test_typed_wall_clock_time_is_read_as_kst():
    typed = datetime.datetime(2026, 3, 6, 18, 0)
    assert clock.from_kst(typed) == datetime.datetime(2026, 3, 6, 9, 0, tzinfo=UTC)
    # A value that arrives aware (Django attaches the current zone) keeps its wall-clock reading.
    assert clock.from_kst(typed.replace(tzinfo=UTC)) == datetime.datetime(2026, 3, 6, 9, 0, tzinfo=UTC)
    assert clock.kst_at(datetime.date(2026, 3, 1), datetime.time(0, 0)) == datetime.datetime(
        2026, 2, 28, 15, 0, tzinfo=UTC
    )


@override_settings(TIME_ZONE="UTC")
def test_korea_time_whatever_the_servers_zone():
    """A server configured for another zone still shows and reads Korea time."""
    instant = datetime.datetime(2026, 2, 27, 15, 0, tzinfo=UTC)
    assert clock.format_kst(instant) == "2026-02-28 00:00"
    assert clock.kst_date(instant) == datetime.date(2026, 2, 28)
    assert clock.from_kst(datetime.datetime(2026, 3, 6, 18, 0)) == datetime.datetime(2026, 3, 6, 9, 0, tzinfo=UTC)


def test_no_other_module_defines_korea_time():
    """ZoneInfo(...) and fixed offsets (get_fixed_timezone, e.g. +09:00) appear only in core/clock.py
    (migrations are history and keep theirs)."""
    offenders = []
    for room in ROOMS:
        for path in (ROOT / room).rglob("*.py"):
            if "migrations" in path.parts or path == ROOT / "core" / "clock.py":
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Attribute) and node.attr in {"ZoneInfo", "get_fixed_timezone"}:
                    offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert offenders == []


def test_machine_time_is_korea_time_to_the_second_without_microseconds():
    instant = datetime.datetime(2026, 2, 27, 9, 0, 0, 123456, tzinfo=datetime.UTC)
    assert clock.machine_kst(instant) == "2026-02-27T18:00:00+09:00"
    html = Template('{% load portal %}<time datetime="{{ at|machine_time }}">').render(Context({"at": instant}))
    assert html == '<time datetime="2026-02-27T18:00:00+09:00">'
    assert Template("{% load portal %}{{ at|machine_time }}").render(Context({"at": None})) == ""


def test_official_documents_write_days_with_full_stops_and_no_leading_zeros():
    assert clock.official_date(datetime.date(2026, 7, 15)) == "2026. 7. 15."
    assert clock.official_date(datetime.date(2026, 12, 1)) == "2026. 12. 1."
    assert clock.official_date(datetime.date(2026, 7, 5), "en") == "5 July 2026"
    # an instant counts by its Korean day: 15:00 UTC on 14 July is already the 15th in Korea
    assert clock.official_date(datetime.datetime(2026, 7, 14, 15, 0, tzinfo=UTC)) == "2026. 7. 15."
    assert clock.official_date(None) == ""


def test_the_official_date_filter_follows_the_active_language():
    from django.utils import translation

    template = Template("{% load portal %}{{ day|official_date }}")
    with translation.override("ko"):
        assert template.render(Context({"day": datetime.date(2026, 7, 15)})) == "2026. 7. 15."
    with translation.override("en"):
        assert template.render(Context({"day": datetime.date(2026, 7, 15)})) == "15 July 2026"
