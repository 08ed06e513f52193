"""Plain text: the decoded file, unchanged, with its first line as the title when short."""
from __future__ import annotations

from typing import Any

__all__ = ["text_fields", "MAX_TITLE_CHARS"]

MAX_TITLE_CHARS = 150


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


def text_fields(text: str) -> dict[str, Any]:
    """Document fields for plain text; ``text`` is stored exactly as decoded."""
    return {"text": text, "title": guess_title(text)}
