"""Character ranges of the stored text."""
from __future__ import annotations

__all__ = ["strip_range"]


def strip_range(text: str, start: int, end: int) -> tuple[int, int]:
    """``(start, end)`` narrowed to leave out whitespace at either edge of ``text[start:end]``."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end
