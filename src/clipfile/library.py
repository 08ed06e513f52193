"""The library API the CLI and web layer call: ingest, analyse, look up.

A :class:`Library` wraps a :class:`~clipfile.store.base.Store` and the pipeline.  Batch methods
never stop at a bad item: each item gets an :class:`ItemOutcome`, and the caller decides how to
report failures.
"""
from __future__ import annotations

import base64
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable

from .errors import ClipfileError, IngestError
from .pipeline import PIPELINE_VERSION, analyze
from .records import Document, to_dict
from .store.sqlite import SQLiteStore

__all__ = ["Library", "ItemOutcome", "BatchReport", "default_library_path"]


def default_library_path() -> Path:
    """``$CLIPFILE_LIBRARY``, else ``library.sqlite`` in the user's data folder."""
    env = os.environ.get("CLIPFILE_LIBRARY")
    if env:
        return Path(env).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir("clipfile", appauthor=False)) / "library.sqlite"


@dataclass(frozen=True, slots=True)
class ItemOutcome:
    """What happened to one input item: ``status`` is new, version, duplicate or failed.

    ``message`` is a problem (a failure, or an analysis that failed after storing); ``warnings``
    are things the reader had to decide that the user should know, such as a guessed encoding
    or dropped caption lines.  They do not make the item fail.
    """

    origin: str
    status: str
    doc_id: str | None = None
    title: str | None = None
    message: str | None = None
    analyzed: bool = False
    warnings: tuple[str, ...] = ()


@dataclass
class BatchReport:
    outcomes: list[ItemOutcome] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for o in self.outcomes if o.status == status)

    @property
    def failed(self) -> list[ItemOutcome]:
        return [o for o in self.outcomes if o.status == "failed"]

    def summary(self) -> str:
        parts = [f"{self.count(s)} {s}" for s in ("new", "version", "duplicate", "failed") if self.count(s)]
        warned = sum(1 for o in self.outcomes if o.warnings)
        return (", ".join(parts) or "nothing to do") + (f" ({warned} with warnings)" if warned else "")


class Library:
    """A Clipfile library on disk.

    Args:
        path: the library file; default :func:`default_library_path`.
    """

    def __init__(self, path: str | Path | None = None) -> None:
        self.path = Path(path).expanduser() if path else default_library_path()
        self.store = SQLiteStore(self.path)
        self._recycled: Any = None  # the cross-document DuplicateIndex, loaded on first use
        self._recycled_dirty = False

    def close(self) -> None:
        self.save_indexes()
        self.store.close()

    def __enter__(self) -> "Library":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- ingest -----------------------------------------------------------------------------

    def ingest(
        self,
        targets: Iterable[str],
        *,
        analyze_documents: bool = True,
        recursive: bool = True,
        max_bytes: int | None = None,
        stdin: Any = None,
        on_item: Callable[[ItemOutcome], None] | None = None,
        on_source: Callable[[str], None] | None = None,
        language: str | None = None,
    ) -> BatchReport:
        """Read every target (paths, folders, URLs, ``-``), store and analyse what is new.

        A document already in the library is not stored again; if a previous run stopped before
        analysing it, it is analysed now.  ``language`` is the language of speech in audio and
        video (None detects it).
        """
        from .ingest import DEFAULT_MAX_BYTES, expand_sources, read_source

        report = BatchReport()

        def emit(outcome: ItemOutcome) -> None:
            report.outcomes.append(outcome)
            if on_item:
                on_item(outcome)

        for n, src in enumerate(expand_sources(targets, recursive=recursive), 1):
            if n % 200 == 0:
                self.save_indexes()  # a long run killed later loses little index work
            if on_source:
                on_source(src.ref)
            try:
                result = read_source(src, max_bytes=max_bytes or DEFAULT_MAX_BYTES, stdin=stdin, language=language)
            except ClipfileError as exc:
                emit(ItemOutcome(src.ref, "failed", message=str(exc)))
                continue
            docs, errors = _documents_and_errors(result)
            for err in errors:
                emit(ItemOutcome(src.ref, "failed", message=str(err)))
            for doc in docs:
                emit(self.add(doc, analyze_document=analyze_documents, origin=src.ref))
        self.save_indexes()
        return report

    def add(self, doc: Document, *, analyze_document: bool = True, origin: str | None = None) -> ItemOutcome:
        """Store one document (and analyse it); never raises for a bad document."""
        origin = origin or doc.origin or doc.id
        found = doc.metadata.get("warnings") or ()
        warnings = tuple(str(w) for w in (found if isinstance(found, (list, tuple)) else [found]))
        try:
            added = self.store.add_document(doc)
        except ClipfileError as exc:
            return ItemOutcome(origin, "failed", message=str(exc), warnings=warnings)
        analyzed = False
        stale = added.status != "duplicate" or self.store.analysis_version(added.id) != PIPELINE_VERSION
        if analyze_document and stale:
            try:
                self.analyze_stored(added.id)
                analyzed = True
            except ClipfileError as exc:
                return ItemOutcome(origin, added.status, added.id, doc.title,
                                   message=f"stored, but analysis failed: {exc}", warnings=warnings)
        return ItemOutcome(origin, added.status, added.id, doc.title, analyzed=analyzed, warnings=warnings)

    def analyze_stored(self, doc_id: str) -> dict[str, Any]:
        """Run the pipeline over a stored document and save the result.

        Besides the within-document stages, passages that repeat other documents of the library
        are found here (``duplicates`` whose ``of.document`` is another document).
        """
        doc = self.store.get_document(doc_id)
        result = analyze(doc).to_json()
        index = self._recycled_index()
        result["duplicates"] += to_dict(index.find(doc.id, doc.text, doc.published))
        if doc.id not in index:
            index.add(doc.id, doc.published, doc.text)
            self._recycled_dirty = True
        stored = self.store.save_analysis(result, version=PIPELINE_VERSION)
        self._repoint_later_copies(doc)
        return stored

    def _repoint_later_copies(self, doc: Document) -> None:
        """A document published before copies already in the library becomes their origin.

        Archives are often ingested out of order: when ``doc`` is older than the copy that other
        documents' duplicates point to, those documents are searched again."""
        if not doc.published:
            return  # an undated document never predates the copies already stored
        index = self._recycled_index()
        # Searching as if ``doc`` were the newest document names, per passage, its earliest
        # other copy; any that is later than ``doc`` has been taken for an origin too early.
        later = set()
        for dup in index.find(doc.id, doc.text, None):
            other = dup.of.document
            published = self.store.get_document(other).published
            if not published or published > doc.published:
                later.add(other)
        for origin in sorted(later):
            for copy_id in {origin, *self.store.documents_repeating(origin)} - {doc.id}:
                copy = self.store.get_document(copy_id)
                found = to_dict(index.find(copy.id, copy.text, copy.published))
                self.store.replace_cross_duplicates(copy.id, found)

    # -- the recycled-text index ---------------------------------------------------------------

    _RECYCLED_KEY = "recycled-index"

    def _recycled_index(self) -> Any:
        """The library's paragraph index, rebuilt from its saved state plus any analysed
        document the state does not cover yet (a run killed before saving it)."""
        if self._recycled is not None:
            return self._recycled
        from .extract.duplicates import DuplicateIndex

        texts = lambda doc_id: self.store.get_document(doc_id).text  # noqa: E731
        raw = self.store.get_blob(self._RECYCLED_KEY)
        index = None
        if raw:
            try:
                index = DuplicateIndex.from_state(_decode_state(raw), texts=texts)
            except (ValueError, KeyError):
                index = None  # a state this version cannot read: rebuild it below
        if index is None:
            index = DuplicateIndex(keep_text=False, texts=texts)
        for doc_id, published in self.store.analyzed_documents():
            if doc_id not in index:
                index.add(doc_id, published, texts(doc_id))
                self._recycled_dirty = True
        self._recycled = index
        return index

    def save_indexes(self) -> None:
        """Write the recycled-text index back to the library if it changed."""
        if self._recycled is not None and self._recycled_dirty:
            self.store.set_blob(self._RECYCLED_KEY, _encode_state(self._recycled.to_state()))
            self._recycled_dirty = False

    def reanalyze(
        self, *, everything: bool = False, on_item: Callable[[ItemOutcome], None] | None = None
    ) -> BatchReport:
        """Analyse documents whose stored results are missing or from another pipeline version."""
        report = BatchReport()
        ids = [d.id for d in self.store.iter_documents()] if everything else self.store.stale_documents(PIPELINE_VERSION)
        for doc_id in ids:
            try:
                self.analyze_stored(doc_id)
                outcome = ItemOutcome(doc_id, "new", doc_id, analyzed=True)
            except ClipfileError as exc:
                outcome = ItemOutcome(doc_id, "failed", doc_id, message=str(exc))
            report.outcomes.append(outcome)
            if on_item:
                on_item(outcome)
        self.save_indexes()
        return report

    def pending_analysis(self, *, everything: bool = False) -> int:
        return self.store.document_count() if everything else len(self.store.stale_documents(PIPELINE_VERSION))


def _documents_and_errors(result: Any) -> tuple[list[Document], list[Exception]]:
    """Split what a reader returns (a list of documents with an ``errors`` list) in two."""
    errors = list(getattr(result, "errors", None) or [])
    return list(result), [e if isinstance(e, Exception) else IngestError(str(e)) for e in errors]


def _encode_state(state: dict[str, Any]) -> bytes:
    """JSON with bytes values as base64: a portable, non-executable format for index state."""
    return json.dumps({k: {"b64": base64.b64encode(v).decode()} if isinstance(v, bytes) else v
                       for k, v in state.items()}).encode()


def _decode_state(raw: bytes) -> dict[str, Any]:
    return {k: base64.b64decode(v["b64"]) if isinstance(v, dict) and set(v) == {"b64"} else v
            for k, v in json.loads(raw).items()}
