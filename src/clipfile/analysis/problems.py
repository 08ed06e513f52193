"""Item-level isolation: a failure on one item skips that item and is recorded, never the document.

A stage works through items (quote candidates, sentences, claim units, forecast triggers, time
expressions...).  A bug met on one of them -- an input nobody foresaw -- used to fail the whole
stage, and with it the document's analysis, every time it was re-run (issue #14).  Now the
stage's loop wraps each item::

    for unit in units:
        with isolated("claim unit", unit.start, unit.end):
            ...  # an exception here skips this unit only

and :func:`clipfile.pipeline.analyze` collects what was skipped as
:class:`~clipfile.records.Problem` records in the analysis (``problems`` in the JSON), beside
its own last-resort guard per stage.

Outside :func:`recording` (a test or a script calling a stage directly) nothing is caught:
isolation is the pipeline's policy, and code called on its own should show its bugs.  An
:class:`~clipfile.errors.ExtractionError` is never caught either: it says the analysis cannot
run at all (no model installed), which skipping items would only hide.
"""
from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from ..errors import ExtractionError
from ..records import Problem

__all__ = ["describe", "isolated", "problem_line", "recording", "stage"]

_SINK: ContextVar[list[Problem] | None] = ContextVar("clipfile_problems", default=None)
_STAGE: ContextVar[str] = ContextVar("clipfile_stage", default="analysis")


def describe(exc: BaseException) -> str:
    """One line for the record: the exception's type and message."""
    message = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {message[:300]}" if message else type(exc).__name__


def problem_line(problem: Mapping[str, Any]) -> str:
    """One line for the user about a recorded problem (a ``problems`` entry of the JSON)."""
    where = problem.get("stage", "analysis")
    if problem.get("item") == "stage":
        return f"analysis: the {where} stage failed and its results are missing ({problem.get('error')})"
    at = f" at {problem['start']}-{problem['end']}" if problem.get("start") is not None else ""
    return f"analysis: {where} skipped the {problem.get('item')}{at} ({problem.get('error')})"


@contextmanager
def recording(sink: list[Problem]) -> Iterator[list[Problem]]:
    """Within this block, items that fail are skipped and appended to ``sink``."""
    token = _SINK.set(sink)
    try:
        yield sink
    finally:
        _SINK.reset(token)


@contextmanager
def stage(name: str) -> Iterator[None]:
    """Name the stage that problems recorded within this block belong to."""
    token = _STAGE.set(name)
    try:
        yield
    finally:
        _STAGE.reset(token)


class isolated:  # noqa: N801 - used as a statement, like contextlib's suppress
    """Run one item's work; if it raises, the item is skipped and recorded (when recording).

    Args:
        item: what the item is, for the record (``quote``, ``sentence``, ``claim unit``...).
        start, end: its offsets in the document's text, when it has them.

    ``with isolated(...) as item:`` gives this object; ``item.failed`` is True afterwards when
    the work raised (for a loop that must also undo what the item had already added).  A class
    rather than a generator: it wraps every token of some loops, so it must cost little.
    """

    __slots__ = ("item", "start", "end", "failed")

    def __init__(self, item: str, start: int | None = None, end: int | None = None) -> None:
        self.item, self.start, self.end = item, start, end
        self.failed = False

    def __enter__(self) -> "isolated":
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: object) -> bool:
        if exc is None:
            return False  # the usual case, first: no context variable to read
        sink = _SINK.get()
        if sink is None or not isinstance(exc, Exception) or isinstance(exc, ExtractionError):
            return False  # outside the pipeline, or the analysis cannot run at all: raise
        self.failed = True
        sink.append(Problem(_STAGE.get(), self.item, self.start, self.end, describe(exc)))
        return True
