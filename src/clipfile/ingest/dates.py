"""Publication dates: any common written form to ISO 8601 plus its precision."""
from __future__ import annotations

import calendar
import contextlib
import re
import time
from datetime import date, datetime, timezone
from email.utils import parsedate_to_datetime

from dateutil import parser as date_parser

__all__ = ["normalize_date", "from_struct_time"]

_YEAR = re.compile(r"^\s*(\d{4})\s*$")
_YEAR_MONTH = re.compile(r"^\s*(\d{4})-(\d{2})\s*$")
_DAY = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})\s*$")
_HAS_TIME = re.compile(r"\d{1,2}:\d{2}")
_HAS_DAY_NUMBER = re.compile(r"(?<![\d:])\d{1,2}(?![\d:])")


def normalize_date(value: object) -> tuple[str | None, str | None]:
    """Return ``(iso, precision)`` for a date written almost any way, or ``(None, None)``.

    ``"2019"`` gives ``("2019", "year")``, ``"2019-03"`` ``("2019-03", "month")``,
    ``"March 3, 2019"`` ``("2019-03-03", "day")`` and a date with a time, e.g. an RFC 822
    feed date, ``("2019-03-03T10:15:00+00:00", "second")``.  Timezone-less times stay naive.
    """
    if value is None or value == "":
        return None, None
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds"), "second"
    if isinstance(value, date):
        return value.isoformat(), "day"
    if isinstance(value, time.struct_time):
        return from_struct_time(value)
    text = str(value).strip()
    if not text:
        return None, None
    if m := _YEAR.match(text):
        return m.group(1), "year"
    if (m := _YEAR_MONTH.match(text)) and 1 <= int(m.group(2)) <= 12:
        return text, "month"
    if m := _DAY.match(text):
        try:
            return date(int(m.group(1)), int(m.group(2)), int(m.group(3))).isoformat(), "day"
        except ValueError:
            return None, None
    parsed = _parse(text)
    if parsed is None:
        return None, None
    if _HAS_TIME.search(text):
        return parsed.isoformat(timespec="seconds"), "second"
    if not _HAS_DAY_NUMBER.search(_strip_year(text)):
        return parsed.strftime("%Y-%m"), "month"  # "March 2019"
    return parsed.date().isoformat(), "day"


def _strip_year(text: str) -> str:
    return re.sub(r"\d{4}", " ", text)


def _parse(text: str) -> datetime | None:
    with contextlib.suppress(TypeError, ValueError, IndexError):
        return parsedate_to_datetime(text)  # RFC 822, the usual RSS form; else try dateutil
    if not re.search(r"(?<!\d)\d{4}(?!\d)", text):
        return None  # without a year dateutil would invent one from its default
    try:
        return date_parser.parse(text, default=datetime(1900, 1, 1))
    except (ValueError, OverflowError, TypeError):
        return None


def from_struct_time(value: time.struct_time) -> tuple[str, str]:
    """feedparser's ``*_parsed`` values are UTC struct_times; return them as aware ISO datetimes."""
    stamp = calendar.timegm(value)
    return datetime.fromtimestamp(stamp, tz=timezone.utc).isoformat(timespec="seconds"), "second"
