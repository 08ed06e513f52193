"""Plain text: the decoded file, unchanged, plus what its header lines say about it.

The text itself is never altered.  Its first line becomes the title when short; the few
short lines right after it (before the first real paragraph) are read as a news header when
they have the usual shapes: a byline ``By NAME[, OUTLET]`` (``Автор: ИМЯ``), a date line
(``14 October 2024``, ``Published 2024-10-14``, ``18 октября 2024 года``), an outlet and a
date (``«Вестник Побережья», 18 октября 2024 года``), or an outlet name alone.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from clipfile.ingest.dates import normalize_date

__all__ = ["text_fields", "guess_title", "header_fields", "MAX_TITLE_CHARS"]

MAX_TITLE_CHARS = 150
# Header lines are short; the first longer line is the body, and the header ends there.
_MAX_HEADER_LINE = 100
_MAX_HEADER_LINES = 6

# A byline names a person: at least two capitalised words ("By Tuesday, the..." is no byline).
_CAP = r"[A-ZА-ЯЁ][\w.'’\-]*"
_NAME = rf"{_CAP}(?:\s+(?:and|de|van|von|и))?\s+{_CAP}(?:\s+(?:{_CAP}|and|и)){{0,4}}"
_BYLINE = re.compile(rf"^(?:By|Автор:|Текст:)\s+({_NAME})(?:\s*,\s*(.{{2,60}}))?$")
# An outlet alone on a header line: two to five capitalised words ("The Averill Courier").
_OUTLET = re.compile(r"^(?:The\s+)?[A-Z][\w'’&.\-]*(?:\s+[A-Z][\w'’&.\-]*){0,4}$")
_DATE_PREFIX = re.compile(r"^(?:Published|Updated|Posted|Опубликовано|Обновлено)[:\s]+", re.I)
_OUTLET_DATE = re.compile(r"^(?:«([^»]{2,60})»|\"([^\"]{2,60})\"|([^,]{2,60})),\s*(.+)$")


def guess_title(text: str) -> str | None:
    """The first non-blank line, if it is short and more text follows it."""
    stripped = text.lstrip()
    if not stripped:
        return None
    first, _, rest = stripped.partition("\n")
    first = first.strip()
    if len(first) > MAX_TITLE_CHARS or not rest.strip():
        return None
    return first or None


@lru_cache(maxsize=1)
def _dateparser() -> Any:
    import dateparser  # slow-ish import, needed only for non-English header dates

    return dateparser


def _header_date(line: str) -> tuple[str | None, str | None]:
    line = _DATE_PREFIX.sub("", line).strip()
    iso, precision = normalize_date(line)
    if iso and precision in ("day", "second"):
        return iso, precision
    if re.search(r"[а-яё]", line, re.I) and re.search(r"\d{4}", line):
        parsed = _dateparser().parse(
            line, languages=["ru"],
            settings={"STRICT_PARSING": True, "REQUIRE_PARTS": ["day", "month", "year"]},
        )
        if parsed is not None:
            return parsed.date().isoformat(), "day"
    return None, None


def header_fields(text: str) -> dict[str, Any]:
    """Author, outlet and publication date from the header lines under the title, if present."""
    lines = [line.strip() for line in text.splitlines() if line.strip()][1:1 + _MAX_HEADER_LINES]
    found: dict[str, Any] = {}
    outlet: str | None = None
    for line in lines:
        if len(line) > _MAX_HEADER_LINE:
            break
        if "author" not in found and (m := _BYLINE.match(line)):
            found["author"] = m.group(1).strip()
            if m.group(2):
                tail = m.group(2).strip()
                iso, precision = _header_date(tail)
                if iso:
                    found["published"], found["published_precision"] = iso, precision
                else:
                    found["source"] = tail
            continue
        if "published" not in found:
            iso, precision = _header_date(line)
            if iso:
                found["published"], found["published_precision"] = iso, precision
                continue
        if m := _OUTLET_DATE.match(line):
            iso, precision = _header_date(m.group(4))
            if iso:
                found["published"], found["published_precision"] = iso, precision
                found.setdefault("source", (m.group(1) or m.group(2) or m.group(3)).strip())
                continue
        if outlet is None and _OUTLET.match(line) and " " in line:
            outlet = line
    # An outlet-like line counts only in a header that also has a byline or a date.
    if outlet and "source" not in found and ("author" in found or "published" in found):
        found["source"] = outlet
    return found


def text_fields(text: str) -> dict[str, Any]:
    """Document fields for plain text; ``text`` is stored exactly as decoded."""
    title = guess_title(text)
    fields: dict[str, Any] = {"text": text, "title": title}
    if title:
        fields.update(header_fields(text))
    return fields
