"""Korea time: the one owner of "what time and day is it in Korea".

Instants are stored in UTC (USE_TZ); people read and type Korea Standard Time, whatever zone the server or
the browser is in. The zone is defined here and nowhere else in code: no other module builds a ZoneInfo or a
fixed +09:00 offset. settings.TIME_ZONE names the same zone, so templates (which localise through the
setting) agree; tests/core/test_clock.py checks that they do.
"""

import datetime
import zoneinfo

from django.utils import formats, timezone

ZONE_NAME = "Asia/Seoul"
KST = zoneinfo.ZoneInfo(ZONE_NAME)


def to_kst(instant: datetime.datetime) -> datetime.datetime:
    """An aware instant as Korean wall-clock time (aware, in KST)."""
    return instant.astimezone(KST)


def kst_date(instant: datetime.datetime | None = None) -> datetime.date:
    """The Korean calendar day of `instant` (default: now). 2026-02-27 15:00 UTC is already 2026-02-28."""
    return to_kst(instant if instant is not None else timezone.now()).date()


def format_kst(instant: datetime.datetime, fmt: str = "Y-m-d H:i") -> str:
    """An instant as Korea time text for people (Django date format), e.g. 2026-02-27 18:00."""
    return formats.date_format(to_kst(instant), fmt)


def machine_kst(instant: datetime.datetime) -> str:
    """An instant for machines (a <time datetime> attribute): ISO 8601 in Korea time to the second, e.g.
    2026-02-27T18:00:00+09:00. The HTML standard's valid date string has no room for microseconds."""
    return to_kst(instant).replace(microsecond=0).isoformat()


def naive_kst(instant: datetime.datetime | None) -> datetime.datetime | None:
    """Korean wall-clock time without a zone, for spreadsheet cells (which cannot hold one); None stays None."""
    return to_kst(instant).replace(tzinfo=None) if instant is not None else None


def file_stamp(instant: datetime.datetime) -> str:
    """A Korea-time stamp for file names, e.g. 20260227-1800."""
    return to_kst(instant).strftime("%Y%m%d-%H%M")


def from_kst(value: datetime.datetime) -> datetime.datetime:
    """A wall-clock time typed without a zone read as Korea time (whatever the server's or browser's zone).

    An aware value keeps its wall-clock reading: the zone it carries is replaced, not converted."""
    return value.replace(tzinfo=None).replace(tzinfo=KST)


def kst_at(day: datetime.date, at: datetime.time) -> datetime.datetime:
    """The instant at wall-clock time `at` on Korean day `day`."""
    return datetime.datetime.combine(day, at, KST)


def official_date(value: datetime.date | datetime.datetime | None, language: str = "ko") -> str:
    """A day as an official document writes it: `2026. 7. 15.` in Korean (the form of the Regulation on
    Administrative Efficiency: year, month and day each followed by a full stop, no leading zeros), `15 July
    2026` in English. An instant counts by its Korean day; "" for no value."""
    if value is None or value == "":
        return ""
    day = kst_date(value) if isinstance(value, datetime.datetime) else value
    if language == "en":
        return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"
    return f"{day.year}. {day.month}. {day.day}."


_MONTHS = "January February March April May June July August September October November December".split()
