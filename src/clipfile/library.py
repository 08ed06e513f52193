"""The library API the CLI and web layer call: ingest, analyse, look up.

A :class:`Library` wraps a :class:`~clipfile.store.base.Store` and the pipeline.  Batch methods
never stop at a bad item: each item gets an :class:`ItemOutcome`, and the caller decides how to
report failures.
"""
from __future__ import annotations

import os
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from .errors import ClipfileError, IngestError, NotFound
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
    """What happened to one input item: ``status`` is new, version, duplicate or failed."""

    origin: str
    status: str
    doc_id: str | None = None
    title: str | None = None
    message: str | None = None
    analyzed: bool = False


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
        return ", ".join(parts) or "nothing to do"


class Library:
    """A Clipfile library on disk.

    Args:
        path: the library file; default :func:`default_library_path`.
    """

    def __init__(self, path: str | Path | None = None) -> None:
        self.path = Path(path).expanduser() if path else default_library_path()
        self.store = SQLiteStore(self.path)
        self._recycled: Any = None  # the cross-document DuplicateIndex, made on first use
        self._batch = 0  # inside ingest/reanalyze: later copies are recomputed in bulk
        self._since_repoint = 0

    def close(self) -> None:
        try:
            if self._recycled is not None:
                self.repoint_pending()
        finally:
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
    ) -> BatchReport:
        """Read every target (paths, folders, URLs, ``-``), store and analyse what is new.

        A document already in the library is not stored again; if a previous run stopped before
        analysing it, it is analysed now.
        """
        from .ingest import DEFAULT_MAX_BYTES, expand_sources, read_source

        report = BatchReport()

        def emit(outcome: ItemOutcome) -> None:
            report.outcomes.append(outcome)
            if on_item:
                on_item(outcome)

        with self._batching():
            for src in expand_sources(targets, recursive=recursive):
                if on_source:
                    on_source(src.ref)
                try:
                    result = read_source(src, max_bytes=max_bytes or DEFAULT_MAX_BYTES, stdin=stdin)
                except ClipfileError as exc:
                    emit(ItemOutcome(src.ref, "failed", message=str(exc)))
                    continue
                docs, errors = _documents_and_errors(result)
                for err in errors:
                    emit(ItemOutcome(src.ref, "failed", message=str(err)))
                for doc in docs:
                    emit(self.add(doc, analyze_document=analyze_documents, origin=src.ref))
        return report

    def add(self, doc: Document, *, analyze_document: bool = True, origin: str | None = None) -> ItemOutcome:
        """Store one document (and analyse it); never raises for a bad document."""
        origin = origin or doc.origin or doc.id
        try:
            added = self.store.add_document(doc)
        except ClipfileError as exc:
            return ItemOutcome(origin, "failed", message=str(exc))
        analyzed = False
        stale = added.status != "duplicate" or self.store.analysis_version(added.id) != PIPELINE_VERSION
        if analyze_document and stale:
            try:
                self.analyze_stored(added.id)
                analyzed = True
            except ClipfileError as exc:
                return ItemOutcome(origin, added.status, added.id, doc.title,
                                   message=f"stored, but analysis failed: {exc}")
        return ItemOutcome(origin, added.status, added.id, doc.title, analyzed=analyzed)

    def analyze_stored(self, doc_id: str) -> dict[str, Any]:
        """Run the pipeline over a stored document and save the result.

        Besides the within-document stages, passages that repeat other documents of the library
        are found here (``duplicates`` whose ``of.document`` is another document).  The analysis
        and the document's rows in the recycled-text index are stored in one transaction.  When
        the document is older than copies already in the library, it becomes their origin: those
        documents' duplicates are recomputed right away, or at the end of a batch.
        """
        doc = self.store.get_document(doc_id)
        result = analyze(doc).to_json()
        index = self._recycled_index()
        try:
            with self.store.transaction():
                if doc.id in index:  # re-analysis: the index already holds its passages
                    cross = index.stored_duplicates(doc.id, doc.text)
                    later: list[str] = []
                else:
                    cross = index.find(doc.id, doc.text, doc.published)
                    later = index.add(doc.id, doc.published, doc.text)
                result["duplicates"] += to_dict(cross)
                stored = self.store.save_analysis(result, version=PIPELINE_VERSION)
                self.store.recycled.mark_pending(later)
        except BaseException:
            index.forget_unfiled()  # band keys of passages that were rolled back
            raise
        self._since_repoint += 1
        if not self._batch or self._since_repoint >= self._REPOINT_EVERY:
            self.repoint_pending()
        return stored

    def repoint_pending(self) -> int:
        """Recompute the cross-document duplicates of documents that an older copy, analysed
        since, has become the origin of.  Each is read from the index's stored origins (no
        search) and rewritten in its own transaction; a run stopped half-way leaves the rest
        pending for the next.  The index's band keys held in memory are filed first.  Returns
        how many documents were rewritten."""
        index = self._recycled_index()
        index.file_bands()
        table = self.store.recycled
        self._since_repoint = 0
        done = 0
        while ids := table.pending(500):
            for doc_id in ids:
                try:
                    doc = self.store.get_document(doc_id)
                except NotFound:
                    doc = None
                with self.store.transaction():
                    if doc is not None and doc.id in index:
                        found = to_dict(index.stored_duplicates(doc.id, doc.text))
                        self.store.replace_cross_duplicates(doc.id, found)
                        done += 1
                    table.done(doc_id)
        return done

    @contextmanager
    def _batching(self) -> Iterator[None]:
        """Defer the rewriting of later copies to the end of the batch (and every
        ``_REPOINT_EVERY`` documents): a document repeated by many is rewritten once, not once
        per older copy.  A batch stopped by an error leaves them pending for the next run."""
        self._batch += 1
        try:
            yield
        finally:
            self._batch -= 1
        # also what a run killed before this point left pending
        if not self._batch and (self._recycled is not None or self.store.recycled.pending(1)):
            self.repoint_pending()

    # -- the recycled-text index ---------------------------------------------------------------

    _RECYCLED_KEY = "recycled-index"
    _REPOINT_EVERY = 1000  # analysed documents between rewrites of later copies in a batch

    def _recycled_index(self) -> Any:
        """The library's recycled-text index, kept in the store's tables.

        An index made with other settings is emptied; analysed documents it lacks (a library
        from before the index had tables kept its index as one blob) are indexed again from
        their stored text.  Their stored results stand: they were computed when analysed."""
        if self._recycled is not None:
            return self._recycled
        from .extract.duplicates import DuplicateIndex

        index = DuplicateIndex(self.store.recycled, keep_text=False)
        if self.store.get_state(self._RECYCLED_KEY) != index.settings():
            with self.store.transaction():
                self.store.recycled.clear()
                self.store.set_state(self._RECYCLED_KEY, index.settings())
        missing = self.store.recycled.unindexed()
        for k in range(0, len(missing), 200):
            with self.store.transaction():
                for doc_id, published in missing[k:k + 200]:
                    index.add(doc_id, published, self.store.get_document(doc_id).text)
        self._recycled = index
        return index

    def reanalyze(
        self, *, everything: bool = False, on_item: Callable[[ItemOutcome], None] | None = None
    ) -> BatchReport:
        """Analyse documents whose stored results are missing or from another pipeline version."""
        report = BatchReport()
        ids = [d.id for d in self.store.iter_documents()] if everything else self.store.stale_documents(PIPELINE_VERSION)
        with self._batching():
            for doc_id in ids:
                try:
                    self.analyze_stored(doc_id)
                    outcome = ItemOutcome(doc_id, "new", doc_id, analyzed=True)
                except ClipfileError as exc:
                    outcome = ItemOutcome(doc_id, "failed", doc_id, message=str(exc))
                report.outcomes.append(outcome)
                if on_item:
                    on_item(outcome)
        return report

    def pending_analysis(self, *, everything: bool = False) -> int:
        return self.store.document_count() if everything else len(self.store.stale_documents(PIPELINE_VERSION))


def _documents_and_errors(result: Any) -> tuple[list[Document], list[Exception]]:
    """Split what a reader returns (a list of documents with an ``errors`` list) in two."""
    errors = list(getattr(result, "errors", None) or [])
    return list(result), [e if isinstance(e, Exception) else IngestError(str(e)) for e in errors]
