"""Time limits for work done on someone's behalf: a deadline that long work checks as it goes.

A web request runs under :func:`time_limit`.  The store refuses to start a read past the
deadline, and while a statement runs a watchdog interrupts it once the deadline has passed, the
client went away or the server is shutting down; loops in Python call :func:`check` between
steps.  Code without a deadline (the CLI, ingest) runs unbounded, as before.

The deadline travels in a :class:`contextvars.ContextVar`, so it follows a request from the
event loop into the worker thread that serves it and never leaks into other requests.
"""
from __future__ import annotations

import threading
import time
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Iterator

from .errors import Interrupted

__all__ = ["Deadline", "time_limit", "current", "check"]


class Deadline:
    """When work for one request must stop, and the events that stop it sooner.

    Args:
        seconds: the time allowed from now; None for no time limit (events only).
        gone: set when the client has gone away.
        stopping: set when the program is shutting down.
    """

    __slots__ = ("seconds", "until", "gone", "stopping")

    def __init__(self, seconds: float | None, *, gone: threading.Event | None = None,
                 stopping: threading.Event | None = None) -> None:
        self.seconds = seconds
        self.until = None if seconds is None else time.monotonic() + seconds
        self.gone = gone
        self.stopping = stopping

    def expired(self) -> bool:
        """True once the work should stop."""
        return ((self.until is not None and time.monotonic() >= self.until)
                or (self.gone is not None and self.gone.is_set())
                or (self.stopping is not None and self.stopping.is_set()))

    def remaining(self) -> float | None:
        """Seconds left (never negative), or None without a time limit."""
        return None if self.until is None else max(0.0, self.until - time.monotonic())

    def reason(self) -> str:
        """Why the work stopped, as a sentence for the person who asked."""
        if self.stopping is not None and self.stopping.is_set():
            return "the server is shutting down; this request was stopped"
        if self.gone is not None and self.gone.is_set():
            return "the request was stopped because the client went away"
        return (f"this request took longer than {self.seconds:g} s and was stopped; narrow it down "
                "(fewer or rarer words, a filter) or give `clipfile serve --request-timeout` more time")


_current: ContextVar[Deadline | None] = ContextVar("clipfile_deadline", default=None)


@contextmanager
def time_limit(seconds: float | None, *, gone: threading.Event | None = None,
               stopping: threading.Event | None = None) -> Iterator[Deadline]:
    """Run the body under a :class:`Deadline` (nested limits: the innermost one counts)."""
    deadline = Deadline(seconds, gone=gone, stopping=stopping)
    token = _current.set(deadline)
    try:
        yield deadline
    finally:
        _current.reset(token)


def current() -> Deadline | None:
    """The deadline of the work in progress, if any."""
    return _current.get()


def check() -> None:
    """Raise :class:`~clipfile.errors.Interrupted` when the current deadline has passed.

    Long loops in Python (not inside SQLite) call this between steps.
    """
    deadline = _current.get()
    if deadline is not None and deadline.expired():
        raise Interrupted(deadline.reason())
