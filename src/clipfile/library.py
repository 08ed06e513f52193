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
from typing import Any, Callable, Iterable, Iterator

from .analysis.problems import problem_line
from .errors import ClipfileError, IngestError
from .parallel import Done, Executor, Inline, Job
from .pipeline import analysis_language, analyze, pipeline_version
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
        executor: where batch methods run the analysis (:mod:`clipfile.parallel`): in this
            process (the default), a pool of worker processes, or a Dask cluster.  This object
            stays the one writer whichever it is, and closes the executor with the library.
    """

    def __init__(self, path: str | Path | None = None, *, executor: Executor | None = None) -> None:
        self.path = Path(path).expanduser() if path else default_library_path()
        self.store = SQLiteStore(self.path)
        # Where batches are analysed (clipfile.parallel): this process unless the caller says.
        self.executor: Executor = executor or Inline()
        self._recycled: Any = None  # the cross-document DuplicateIndex, loaded on first use
        self._recycled_dirty = False

    def close(self) -> None:
        try:
            self.save_indexes()
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
            for n, src in enumerate(expand_sources(targets, recursive=recursive), 1):
                if n % 200 == 0:
                    self.save_indexes()  # a long run killed later loses little index work
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

        self._store_and_analyze(documents(), batch, analyze_documents=analyze_documents)
        self.save_indexes()
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
        self._store_and_analyze(((d, None) for d in docs), batch, analyze_documents=analyze_documents)
        self.save_indexes()
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
        of :meth:`analyze_stored`; the within-document half may have run in another process)."""
        index = self._recycled_index()
        result["duplicates"] += to_dict(index.find(doc.id, doc.text, doc.published))
        if doc.id not in index:
            index.add(doc.id, doc.published, doc.text)
            self._recycled_dirty = True
        stored = self.store.save_analysis(result, version=result["pipeline_version"])
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
        from .analysis.duplicates import DuplicateIndex

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

        for done in self.executor.run(jobs()):
            error = self._save_done(done)
            skipped = tuple(problem_line(p) for p in (done.result or {}).get("problems") or ())
            batch.emit(ItemOutcome(done.job.key, "failed", done.job.key, message=error) if error
                       else ItemOutcome(done.job.key, "new", done.job.key, analyzed=True, warnings=skipped))
        self.save_indexes()
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


def _encode_state(state: dict[str, Any]) -> bytes:
    """JSON with bytes values as base64: a portable, non-executable format for index state."""
    return json.dumps({k: {"b64": base64.b64encode(v).decode()} if isinstance(v, bytes) else v
                       for k, v in state.items()}).encode()


def _decode_state(raw: bytes) -> dict[str, Any]:
    return {k: base64.b64decode(v["b64"]) if isinstance(v, dict) and set(v) == {"b64"} else v
            for k, v in json.loads(raw).items()}
