"""The value every reader returns: documents plus the per-item errors met on the way."""
from __future__ import annotations

from collections.abc import Iterable

from clipfile.errors import IngestError
from clipfile.records import Document

__all__ = ["ReadResult"]


class ReadResult(list[Document]):
    """A list of the documents read from one source, with ``errors`` for the parts that failed.

    One source can hold many items (JSON Lines records, feed entries).  A bad item does not
    stop the others: it is recorded in ``errors`` (an :class:`IngestError` whose message names
    the line or entry) and the good items are returned.  Readers raise instead only when
    nothing at all could be read.
    """

    __slots__ = ("errors",)

    def __init__(self, documents: Iterable[Document] = (), errors: Iterable[IngestError] = ()) -> None:
        super().__init__(documents)
        self.errors: list[IngestError] = list(errors)

    def __repr__(self) -> str:
        return f"ReadResult({list.__repr__(self)}, errors={self.errors!r})"
