"""Every request runs under a deadline that also ends when its client goes away or the server stops.

:class:`RequestLimits` is plain ASGI middleware.  It gives each HTTP request a
:class:`clipfile.deadline.Deadline` (the store stops SQLite work past it) and watches the
connection while the request is served: when the client disconnects before the response is
complete, the deadline's ``gone`` event is set and the work for nobody stops too.

Watching needs the connection's ``receive`` channel, which the app also reads (form bodies).
So one task owns ``receive`` and hands every message on through a queue: the app sees exactly
what it would have seen, and a ``http.disconnect`` is noticed as soon as the server reports it.
"""
from __future__ import annotations

import threading
from typing import Any, Awaitable, Callable

import anyio

from ..deadline import time_limit

__all__ = ["RequestLimits"]

Scope = dict[str, Any]
Message = dict[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]


class RequestLimits:
    """ASGI middleware: a per-request deadline, stopped early by a disconnect or shutdown.

    Args:
        app: the ASGI app to wrap.
        seconds: the time one request may take (None: no time limit).
        stopping: an event set when the server is shutting down.
    """

    def __init__(self, app: Callable[..., Awaitable[None]], *, seconds: float | None,
                 stopping: threading.Event) -> None:
        self.app = app
        self.seconds = seconds
        self.stopping = stopping

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        gone = threading.Event()
        done = anyio.Event()  # the response has been sent in full
        to_app, from_client = anyio.create_memory_object_stream[Message](16)

        async def watch() -> None:
            while True:
                message = await receive()
                if message["type"] == "http.disconnect" and not done.is_set():
                    gone.set()  # the client left before its answer was complete
                await to_app.send(message)
                if message["type"] == "http.disconnect":
                    return

        async def app_receive() -> Message:
            try:
                return await from_client.receive()
            except anyio.EndOfStream:
                return {"type": "http.disconnect"}

        async def app_send(message: Message) -> None:
            await send(message)
            if message["type"] == "http.response.body" and not message.get("more_body", False):
                done.set()

        async with anyio.create_task_group() as tg:
            tg.start_soon(watch)
            try:
                with time_limit(self.seconds, gone=gone, stopping=self.stopping):
                    await self.app(scope, app_receive, app_send)
            finally:
                done.set()
                tg.cancel_scope.cancel()
                to_app.close()
                from_client.close()
