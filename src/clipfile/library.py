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

from .analysis.problems import problem_line
from .entitylinks import save_linked
from .errors import ClipfileError, IngestError, NotFound
from .parallel import Done, Executor, Inline, Job
from .pipeline import analysis_language, analyze, pipeline_version
from .records import Document, to_dict
from .store import is_url, open_store
from .store.base import Store

__all__ = ["Library", "ItemOutcome", "BatchReport", "default_library_path"]


def default_library_path() -> str | Path:
    """``$CLIPFILE_LIBRARY`` (a file path or a library URL, :func:`clipfile.store.open_store`),
    else ``library.sqlite`` in the user's data folder."""
    env = os.environ.get("CLIPFILE_LIBRARY")
    if env:
        return env if is_url(env) else Path(env).expanduser()
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
    """A Clipfile library.

    Args:
        library: an open :class:`~clipfile.store.base.Store`, or where to open one: a file path
            or a library URL (:func:`clipfile.store.open_store`); default
            :func:`default_library_path`.  The store is closed with the library.
        executor: where batch methods run the analysis (:mod:`clipfile.parallel`): in this
            process (the default), a pool of worker processes, or a Dask cluster.  This object
            stays the one writer whichever it is, and closes the executor with the library.

    ``path`` is the library's file (None for a library that is no file, such as one on a
    database server).
    """

    def __init__(self, library: str | Path | Store | None = None, *, executor: Executor | None = None) -> None:
        if library is None or isinstance(library, (str, Path)):
            self.store: Store = open_store(library or default_library_path())
        else:
            self.store = library
        where = self.store.path
        self.path: Path | None = None if is_url(where) or where == ":memory:" else Path(where)
        # Where batches are analysed (clipfile.parallel): this process unless the caller says.
        self.executor: Executor = executor or Inline()
        self._recycled: Any = None  # the cross-document DuplicateIndex, made on first use
        self._batch = 0  # inside a batch method: later copies are rewritten in bulk
        self._since_repoint = 0

    def close(self) -> None:
        try:
            if self._recycled is not None:
                self.repoint_pending()
        finally:
            self.executor.close()
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
        video (None detects it).  The analysis runs on the library's executor; with worker
        processes, outcomes come in the order the analyses finish.
        """
        from .ingest import DEFAULT_MAX_BYTES, expand_sources, read_source

        batch = _Batch(on_item)

        def documents() -> Iterator[tuple[Document, str]]:
            for src in expand_sources(targets, recursive=recursive):
                if on_source:
                    on_source(src.ref)
                try:
                    result = read_source(src, max_bytes=max_bytes or DEFAULT_MAX_BYTES, stdin=stdin,
                                         language=language)
                except ClipfileError as exc:
                    batch.emit(ItemOutcome(src.ref, "failed", message=str(exc)))
                    continue
                docs, errors = _documents_and_errors(result)
                for err in errors:
                    batch.emit(ItemOutcome(src.ref, "failed", message=str(err)))
                for doc in docs:
                    yield doc, src.ref

        with self._batching():
            self._store_and_analyze(documents(), batch, analyze_documents=analyze_documents)
        return batch.report

    def add(self, doc: Document, *, analyze_document: bool = True, origin: str | None = None) -> ItemOutcome:
        """Store one document (and analyse it, in this process); never raises for a bad document."""
        batch = _Batch(None)
        self._store_and_analyze([(doc, origin)], batch, analyze_documents=analyze_document, executor=Inline())
        return batch.report.outcomes[0]

    def add_many(
        self,
        docs: Iterable[Document],
        *,
        analyze_documents: bool = True,
        on_item: Callable[[ItemOutcome], None] | None = None,
    ) -> BatchReport:
        """Store documents and analyse them with the library's executor; one outcome each.

        Outcomes come in the order analyses finish, which with worker processes is not the order
        of ``docs``.
        """
        batch = _Batch(on_item)
        with self._batching():
            self._store_and_analyze(((d, None) for d in docs), batch, analyze_documents=analyze_documents)
        return batch.report

    def _store_and_analyze(
        self,
        docs: Iterable[tuple[Document, str | None]],
        batch: "_Batch",
        *,
        analyze_documents: bool,
        executor: Executor | None = None,
    ) -> None:
        """Store each document as it comes, hand those needing analysis to the executor, and save
        each analysis as it comes back: the one-writer loop of every batch method.

        A document stored and analysed in an earlier run is not analysed again; a document met a
        second time while its first analysis is still running is not sent twice.
        """
        in_flight: set[str] = set()

        def jobs() -> Iterator[Job]:
            for doc, origin in docs:
                stored = self._store(doc, origin, analyze_documents, in_flight)
                if isinstance(stored, ItemOutcome):
                    batch.emit(stored)
                else:
                    in_flight.add(stored.key.doc_id)
                    yield stored

        for done in (executor or self.executor).run(jobs()):
            key: _Stored = done.job.key
            in_flight.discard(key.doc_id)
            error = self._save_done(done)
            # Items the analysis had to skip (a bug met on this text) are the user's to know.
            skipped = tuple(problem_line(p) for p in (done.result or {}).get("problems") or ())
            batch.emit(ItemOutcome(key.origin, key.status, key.doc_id, key.title,
                                   message=f"stored, but analysis failed: {error}" if error else None,
                                   analyzed=not error, warnings=key.warnings + skipped))

    def _store(self, doc: Document, origin: str | None, analyze_document: bool,
               in_flight: set[str]) -> ItemOutcome | Job:
        """Store one document: its outcome if that is all, else the analysis job for it."""
        origin = origin or doc.origin or doc.id
        found = doc.metadata.get("warnings") or ()
        warnings = tuple(str(w) for w in (found if isinstance(found, (list, tuple)) else [found]))
        try:
            added = self.store.add_document(doc)
        except ClipfileError as exc:
            return ItemOutcome(origin, "failed", message=str(exc), warnings=warnings)
        stale = added.status != "duplicate" or (
            self.store.analysis_version(added.id) != pipeline_version(analysis_language(doc)))
        if not (analyze_document and stale) or added.id in in_flight:
            return ItemOutcome(origin, added.status, added.id, doc.title, warnings=warnings)
        key = _Stored(origin, added.status, added.id, doc.title, warnings)
        try:
            return Job(key, self.store.get_document(added.id))  # analysed as stored, like analyze_stored
        except ClipfileError as exc:
            return ItemOutcome(origin, added.status, added.id, doc.title,
                               message=f"stored, but analysis failed: {exc}", warnings=warnings)

    def _save_done(self, done: Done) -> str | None:
        """Save a finished job's analysis; the reason it has none, or None."""
        if done.error is not None or done.result is None:
            return done.error or "no result"
        try:
            self._save_analysis(done.job.document, done.result)
        except ClipfileError as exc:
            return str(exc)
        return None

    def analyze_stored(self, doc_id: str) -> dict[str, Any]:
        """Run the pipeline over a stored document and save the result.

        Besides the within-document stages, passages that repeat other documents of the library
        are found here (``duplicates`` whose ``of.document`` is another document).
        """
        doc = self.store.get_document(doc_id)
        return self._save_analysis(doc, analyze(doc).to_json())

    def _save_analysis(self, doc: Document, result: dict[str, Any]) -> dict[str, Any]:
        """Add the cross-document findings to a document's analysis and save it (the writer's half
        of :meth:`analyze_stored`; the within-document half may have run in another process).

        The analysis and the document's rows in the recycled-text index are stored in one
        transaction.  When the document is older than copies already in the library, it becomes
        their origin: those documents' duplicates are rewritten right away, or at the end of a
        batch (:meth:`repoint_pending`).
        """
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
                stored = save_linked(self.store, result, version=result["pipeline_version"])
                self.store.recycled.mark_pending(later)
        except BaseException:
            index.forget_unfiled()  # band keys of passages that were rolled back
            raise
        self._since_repoint += 1
        if not self._batch or self._since_repoint >= self._REPOINT_EVERY:
            self.repoint_pending()
        return stored

    def repoint_pending(self) -> int:
        """Rewrite the cross-document duplicates of documents that an older copy, analysed
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
        ``_REPOINT_EVERY`` documents): a document repeated by many older arrivals is rewritten
        once, not once per arrival.  A batch stopped by an error leaves them pending for the
        next run."""
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
        from before the index had tables kept it as one blob) are indexed again from their
        stored text.  Their stored results stand: they were computed when analysed."""
        if self._recycled is not None:
            return self._recycled
        from .analysis.duplicates import DuplicateIndex

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
        index.file_bands()
        self._recycled = index
        return index

    def reanalyze(
        self, *, everything: bool = False, on_item: Callable[[ItemOutcome], None] | None = None
    ) -> BatchReport:
        """Analyse documents whose stored results are missing or from another pipeline version
        (every document with ``everything``), on the library's executor."""
        batch = _Batch(on_item)
        ids = [d.id for d in self.store.iter_documents()] if everything else self.stale_documents()

        def jobs() -> Iterator[Job]:
            for doc_id in ids:  # read one at a time: only the executor's window is in memory
                try:
                    yield Job(doc_id, self.store.get_document(doc_id))
                except ClipfileError as exc:
                    batch.emit(ItemOutcome(doc_id, "failed", doc_id, message=str(exc)))

        with self._batching():
            for done in self.executor.run(jobs()):
                error = self._save_done(done)
                skipped = tuple(problem_line(p) for p in (done.result or {}).get("problems") or ())
                batch.emit(ItemOutcome(done.job.key, "failed", done.job.key, message=error) if error
                           else ItemOutcome(done.job.key, "new", done.job.key, analyzed=True, warnings=skipped))
        return batch.report

    def pending_analysis(self, *, everything: bool = False) -> int:
        return self.store.document_count() if everything else len(self.stale_documents())

    def stale_documents(self) -> list[str]:
        """Ids of the documents whose analysis is missing or is not the current pipeline
        version for their language, in the order they were stored.

        Versions are per language (:func:`clipfile.pipeline.pipeline_version`): a change to
        the Russian analysis leaves English analyses current.  A document no language analysed
        becomes stale when its language gets registered."""
        return [doc.id for doc in self.store.iter_documents() if not self._current(doc)]

    def _current(self, doc: Document) -> bool:
        return self.store.analysis_version(doc.id) == pipeline_version(analysis_language(doc))


@dataclass(frozen=True, slots=True)
class _Stored:
    """An analysis job's key: what the document's outcome says once the analysis is back."""

    origin: str
    status: str
    doc_id: str
    title: str | None
    warnings: tuple[str, ...]


class _Batch:
    """The outcomes of one batch call, each passed on to the caller's callback as it comes."""

    def __init__(self, on_item: Callable[[ItemOutcome], None] | None) -> None:
        self.report = BatchReport()
        self.on_item = on_item

    def emit(self, outcome: ItemOutcome) -> None:
        self.report.outcomes.append(outcome)
        if self.on_item:
            self.on_item(outcome)


def _documents_and_errors(result: Any) -> tuple[list[Document], list[Exception]]:
    """Split what a reader returns (a list of documents with an ``errors`` list) in two."""
    errors = list(getattr(result, "errors", None) or [])
    return list(result), [e if isinstance(e, Exception) else IngestError(str(e)) for e in errors]
