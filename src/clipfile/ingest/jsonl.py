"""JSON Lines of documents, one JSON object per line, for bulk import from other tools."""
from __future__ import annotations

import json
from typing import Any

from clipfile.errors import IngestError
from clipfile.ingest.dates import normalize_date

__all__ = ["jsonl_records", "FIELDS", "MAX_DEPTH"]

# Document fields a record may set; anything else goes into metadata.
FIELDS = ("title", "url", "author", "source", "published", "published_precision", "fetched",
          "language", "kind")
# Library bookkeeping a record cannot claim: ids and version links come from content and from
# what Clipfile fetched itself (a record's "fetched_from" is a claim, not a fetch).
_IGNORED = ("id", "ingested", "origin", "supersedes", "fetched_from", "text", "metadata", "document")
_PRECISIONS = ("year", "month", "day", "hour", "minute", "second")
# Deeper records are refused: nothing a news record holds nests this deep, and every later
# step that walks metadata (storing, JSON output) would have to survive it.
MAX_DEPTH = 64


def _depth(value: Any) -> int:
    """How deeply lists and objects nest in ``value`` (0 for a scalar), without recursion."""
    deepest, stack = 0, [(value, 0)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, (dict, list)):
            deepest = max(deepest, level + 1)
            stack.extend((child, level + 1) for child in (item.values() if isinstance(item, dict) else item))
    return deepest


def _record_fields(record: dict[str, Any]) -> dict[str, Any]:
    if "text" not in record and isinstance(record.get("document"), dict):
        record = record["document"]  # the output of `clipfile analyze --json`
    text = record.get("text")
    if not isinstance(text, str):
        raise ValueError('no "text" string')
    if not text.strip():
        raise ValueError('"text" is empty')
    fields: dict[str, Any] = {"text": text}
    metadata = dict(record["metadata"]) if isinstance(record.get("metadata"), dict) else {}
    for key in FIELDS:
        value = record.get(key)
        if value is None:
            continue
        if not isinstance(value, str):
            raise ValueError(f'"{key}" must be a string, not {type(value).__name__}')
        fields[key] = value
    if "published" in fields:
        iso, precision = normalize_date(fields["published"])
        if iso is None:
            raise ValueError(f'"published" is not a date: {fields["published"]!r}')
        given = fields.get("published_precision")
        fields["published"] = iso
        fields["published_precision"] = given if given in _PRECISIONS else precision
    for key, value in record.items():
        if key not in FIELDS and key not in _IGNORED:
            metadata.setdefault(key, value)
    fields["metadata"] = metadata
    return fields


def jsonl_records(text: str, *, origin: str | None = None) -> tuple[list[dict[str, Any]], list[IngestError]]:
    """Document fields for each good line and an error naming each bad one (blank lines skip).

    Raises:
        IngestError: when no line holds a usable record.
    """
    records: list[dict[str, Any]] = []
    errors: list[IngestError] = []
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            if not isinstance(record, dict):
                raise ValueError(f"expected a JSON object, got {type(record).__name__}")
            if _depth(record) > MAX_DEPTH:
                raise ValueError(f"the record nests more than {MAX_DEPTH} levels deep")
            fields = _record_fields(record)
        except RecursionError:  # the JSON parser gives up long before the record ends
            errors.append(IngestError(f"line {number}: the record nests more than {MAX_DEPTH} levels deep", origin))
            continue
        except json.JSONDecodeError as exc:
            errors.append(IngestError(f"line {number}: invalid JSON ({exc.msg} at column {exc.colno})", origin))
            continue
        except ValueError as exc:
            errors.append(IngestError(f"line {number}: {exc}", origin))
            continue
        fields["metadata"]["line"] = number
        records.append(fields)
    if not records:
        if errors:
            first = str(errors[0]).removeprefix(f"{origin}: " if origin else "")
            raise IngestError(f"no line could be read ({len(errors)} bad; first: {first})", origin)
        raise IngestError("empty JSON Lines file", origin)
    return records, errors
