"""The ``clipfile`` command: a thin Typer layer over :mod:`clipfile.library` and friends.

Each command opens the library, calls the library API and renders the result; library errors
become one-line messages (exit 1), never tracebacks.
"""
from __future__ import annotations

import json
import os
import re
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, List, Optional

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from . import __version__
from .errors import ClipfileError
from .library import BatchReport, ItemOutcome, Library, default_library_path

app = typer.Typer(
    name="clipfile",
    help="Clipfile: a searchable, honest file of news clippings — who said what, on what footing, "
    "what they predicted, and where the text came from.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
out = Console(soft_wrap=False)
err = Console(stderr=True)

_state: dict[str, Optional[str]] = {"library": None}


def _version(value: bool) -> None:
    if value:
        out.print(f"clipfile {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    library: Optional[str] = typer.Option(
        None, "--library", "-L", envvar="CLIPFILE_LIBRARY",
        help="Library file or URL (sqlite:///path; default: library.sqlite in your user data folder).",
    ),
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Show the version."),
) -> None:
    _state["library"] = library


@contextmanager
def _open_library(jobs: Optional[int] = 1, scheduler: Optional[str] = None) -> Iterator[Library]:
    """The library, analysing batches per ``--jobs``/``--scheduler`` (None jobs: every core)."""
    from .parallel import executor_for

    if jobs is not None and scheduler:
        _fail("give --jobs or --scheduler, not both: with a scheduler the cluster's workers analyse", code=2)
    try:
        executor = executor_for(jobs, scheduler)
    except ClipfileError as exc:
        _fail(str(exc))
    try:
        lib = Library(_state["library"] or default_library_path(), executor=executor)
    except ClipfileError as exc:
        executor.close()
        _fail(str(exc))
    try:
        yield lib
    except ClipfileError as exc:
        _fail(str(exc))
    finally:
        lib.close()


def _fail(message: str, code: int = 1) -> None:
    # soft_wrap: one line however narrow the terminal (or 80 columns when piped to a log)
    err.print(f"[red]Error:[/red] {escape(message)}", soft_wrap=True)
    raise typer.Exit(code)


def _highlight(snippet: str) -> Text:
    """Render a snippet whose matches are wrapped in [[ ]] with the matches in bold."""
    text = Text("  ")
    for i, part in enumerate(re.split(r"\[\[|\]\]", snippet)):
        text.append(part, style="bold yellow" if i % 2 else None)
    return text


def _outcome_line(o: ItemOutcome) -> str:
    colour = {"new": "green", "version": "cyan", "duplicate": "dim", "failed": "red"}[o.status]
    what = escape(o.title or o.doc_id or "")
    line = f"[{colour}]{o.status:9}[/{colour}] {escape(o.origin)}"
    if o.doc_id:
        line += f"  [dim]{o.doc_id}[/dim] {what}"
    if o.message:
        colour = "red" if o.status == "failed" else "yellow"
        line += f"  [{colour}]{escape(o.message)}[/{colour}]"
    for warning in o.warnings:
        line += f"  [yellow]warning: {escape(warning)}[/yellow]"
    return line


def _finish(report: BatchReport, verb: str) -> None:
    err.print(f"{verb}: {report.summary()}")
    if report.failed or any(o.message for o in report.outcomes):
        raise typer.Exit(1)


# -- ingest and analysis -----------------------------------------------------------------------


@app.command()
def ingest(
    targets: List[str] = typer.Argument(..., help="Files, folders (recursive), http(s) URLs, or - for standard input."),
    analyze: bool = typer.Option(True, "--analyze/--no-analyze", help="Run the analysis pipeline on new documents."),
    recursive: bool = typer.Option(True, "--recursive/--no-recursive", help="Descend into folders."),
    max_bytes: int = typer.Option(50 * 1024 * 1024, "--max-bytes", help="Refuse inputs larger than this many bytes."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Only print failures, warnings and the summary."),
    asr_model: Optional[str] = typer.Option(None, "--asr-model", envvar="CLIPFILE_ASR_MODEL",
                                            help="faster-whisper model name or path for audio and video."),
    language: Optional[str] = typer.Option(None, "--language", help="Language of the speech in audio and video "
                                           "(a code such as en or ru); default: detect it."),
    jobs: Optional[int] = typer.Option(None, "--jobs", "-j", min=1,
                                       help="Worker processes for the analysis (default: one per core; 1 = "
                                       "this process only)."),
    scheduler: Optional[str] = typer.Option(None, "--scheduler",
                                            help="Analyse on a Dask cluster: its scheduler's address, "
                                            "tcp://HOST:8786 (README, Scaling out)."),
) -> None:
    """Read articles, pages, feeds, transcripts, JSON Lines and recordings into the library."""
    from .ingest import expand_sources

    if asr_model:
        os.environ["CLIPFILE_ASR_MODEL"] = asr_model  # read by the audio reader
    if language:
        language = _checked_language(language)

    with _open_library(jobs, scheduler) as lib:
        sources = [s.ref for s in expand_sources(targets, recursive=recursive)]
        if not sources:
            _fail("nothing to ingest: no readable files under " + ", ".join(targets))
        with Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                      TimeElapsedColumn(), console=err, transient=True) as progress:
            task = progress.add_task("ingesting", total=len(sources))

            def on_source(ref: str) -> None:
                progress.update(task, description=escape(Path(ref).name if "://" not in ref else ref)[:60])

            def on_item(o: ItemOutcome) -> None:
                if not quiet or o.status == "failed" or o.message or o.warnings:
                    progress.console.print(_outcome_line(o), soft_wrap=True)  # one line per item, even in a log

            seen: set[str] = set()

            def advance(ref: str) -> None:
                if ref not in seen:
                    seen.add(ref)
                    progress.advance(task)

            def on_outcome(o: ItemOutcome) -> None:
                on_item(o)
                advance(o.origin)

            report = lib.ingest(
                sources, analyze_documents=analyze, recursive=recursive, max_bytes=max_bytes,
                stdin=sys.stdin.buffer, on_item=on_outcome, on_source=on_source, language=language,
            )
        _finish(report, "ingest")


@app.command()
def reanalyze(
    everything: bool = typer.Option(False, "--all", help="Re-run every document, not only stale ones."),
    jobs: Optional[int] = typer.Option(None, "--jobs", "-j", min=1,
                                       help="Worker processes for the analysis (default: one per core; 1 = "
                                       "this process only)."),
    scheduler: Optional[str] = typer.Option(None, "--scheduler",
                                            help="Analyse on a Dask cluster: its scheduler's address, "
                                            "tcp://HOST:8786 (README, Scaling out)."),
) -> None:
    """Refresh analyses that are missing or from an older pipeline version."""
    with _open_library(jobs, scheduler) as lib:
        total = lib.pending_analysis(everything=everything)
        with Progress(TextColumn("analysing"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                      console=err, transient=True) as progress:
            task = progress.add_task("", total=total)

            def on_item(o: ItemOutcome) -> None:
                progress.advance(task)
                if o.status == "failed" or o.warnings:  # warnings: items the analysis skipped
                    progress.console.print(_outcome_line(o))

            report = lib.reanalyze(everything=everything, on_item=on_item)
        failed = f", {len(report.failed)} failed" if report.failed else ""
        err.print(f"reanalyze: {report.count('new')} analysed{failed}")
        if report.failed:
            raise typer.Exit(1)


@app.command()
def analyze(
    paths: List[str] = typer.Argument(..., help="Files, folders, URLs or - ; nothing is stored."),
    as_json: bool = typer.Option(True, "--json/--no-json", help="Print JSON Lines (the only format for now)."),
    max_bytes: int = typer.Option(50 * 1024 * 1024, "--max-bytes"),
) -> None:
    """Analyse inputs without a library; print one JSON object per document (docs/FORMAT.md)."""
    from .analysis.problems import problem_line
    from .ingest import expand_sources, read_source
    from .pipeline import analyze as run

    failed = 0
    for src in expand_sources(paths):
        try:
            result = read_source(src, max_bytes=max_bytes, stdin=sys.stdin.buffer)
        except ClipfileError as exc:
            err.print(f"[red]failed[/red] {escape(str(exc))}")
            failed += 1
            continue
        for e in getattr(result, "errors", []) or []:
            err.print(f"[red]failed[/red] {escape(str(e))}")
            failed += 1
        for doc in result:
            for warning in doc.metadata.get("warnings") or ():
                err.print(f"[yellow]warning[/yellow] {escape(doc.origin or src.ref)}: {escape(str(warning))}")
            try:
                obj = run(doc).to_json()
            except ClipfileError as exc:
                err.print(f"[red]failed[/red] {escape(src.ref)}: {escape(str(exc))}")
                failed += 1
                continue
            for problem in obj.get("problems") or ():
                err.print(f"[yellow]warning[/yellow] {escape(doc.origin or src.ref)}: {escape(problem_line(problem))}")
            sys.stdout.write(json.dumps(obj, ensure_ascii=False) + "\n")
            sys.stdout.flush()
    if failed:
        raise typer.Exit(1)


# -- looking things up -------------------------------------------------------------------------


@app.command()
def search(
    query: str = typer.Argument(..., help='Search query: words, "phrases", AND/OR/NOT, prefix*, NEAR(a b); a name '
                                'also finds the entity\'s names in other scripts.'),
    kind: Optional[str] = typer.Option(None, "--kind", help="Search extracted items: quote, claim, forecast, event."),
    footing: Optional[str] = typer.Option(None, "--footing", help="Only claims of this footing (implies --kind "
                                          "claim): evidenced, asserted, hedged, hearsay, unsupported, disputed, "
                                          "denied."),
    entity: Optional[str] = typer.Option(None, "--entity", help="Only documents (or items) that mention this "
                                         "entity, in any script (a name or an id like E12)."),
    source: Optional[str] = typer.Option(None, "--source", help="Only documents from this outlet."),
    language: Optional[str] = typer.Option(None, "--language", help="Only documents in this language (en, ru, ...)."),
    date_from: Optional[str] = typer.Option(None, "--from", help="Only documents published on or after this date "
                                            "(YYYY, YYYY-MM or YYYY-MM-DD)."),
    date_to: Optional[str] = typer.Option(None, "--to", help="Only documents published on or before this date."),
    limit: int = typer.Option(20, "--limit", "-n", min=1),
    offset: int = typer.Option(0, "--offset", min=0),
    as_json: bool = typer.Option(False, "--json", help="Print JSON Lines."),
) -> None:
    """Full-text search with highlighted snippets (the same results as the web workbench)."""
    from .read.entities import one_entity
    from .read.search import SearchRequest
    from .read.search import search as run

    if footing and kind not in (None, "claim"):
        _fail("--footing applies to claims: use it with --kind claim (or without --kind)", code=2)
    with _open_library() as lib:
        eid = f"E{one_entity(lib.store, entity).id}" if entity else None
        page = run(lib.store, SearchRequest(query, kind=kind or ("claim" if footing else "document"), source=source,
                                            language=language, date_from=date_from, date_to=date_to, entity=eid,
                                            footing=footing, limit=limit, offset=offset), facets=False)
    if page.widened:
        err.print(f"[dim]also searching for the same entity's names: {escape(', '.join(page.widened))}[/dim]")
    if as_json:
        from .records import to_dict

        for h in page.hits:
            row = to_dict(h)
            if h.item_id in page.items:
                row["item"] = page.items[h.item_id]
            print(json.dumps(row, ensure_ascii=False))
        return
    if not page.hits:
        err.print(escape(page.message or "no matches"))
        return
    for h in page.hits:
        where = f" [dim]{h.kind} {h.start}-{h.end}[/dim]" if h.kind != "document" else ""
        meta = " · ".join(x for x in (h.source, (h.published or "")[:10]) if x)
        out.print(f"[bold]{escape(h.title or '(untitled)')}[/bold]  [dim]{h.doc_id}[/dim]{where}  {escape(meta)}")
        item = page.items.get(h.item_id) if h.item_id is not None else None
        if item is not None:
            out.print("  " + _item_label(h.kind, item))
        out.print(_highlight(h.snippet))


def _ref_name(ref: object, fallback: str) -> str:
    return (ref.get("name") if isinstance(ref, dict) else None) or fallback


def _item_label(kind: str, item: dict) -> str:
    """Who and on what footing, for an item hit: a claim's footing and source, a quote's speaker."""
    if kind == "claim":
        return (f"[magenta]{escape(item.get('status') or 'asserted')}[/magenta] "
                f"[dim]source:[/dim] {escape(_ref_name(item.get('source'), 'the author'))}"
                + (f" [dim]certainty {item['certainty']:.2f}[/dim]" if isinstance(item.get("certainty"), (int, float))
                   else ""))
    if kind == "quote":
        return f"[cyan]{escape(_ref_name(item.get('speaker'), 'unresolved'))}[/cyan] [dim]{item.get('kind', '')}[/dim]"
    if kind == "forecast":
        return f"[cyan]{escape(_ref_name(item.get('forecaster'), 'unattributed'))}[/cyan]"
    return ""


@app.command("list")
def list_documents(
    limit: int = typer.Option(50, "--limit", "-n"),
    offset: int = typer.Option(0, "--offset"),
) -> None:
    """List documents, newest first."""
    with _open_library() as lib:
        docs = lib.store.list_documents(limit=limit, offset=offset)
    table = Table(box=None)
    table.add_column("id", no_wrap=True, min_width=17)
    for name in ("published", "lang", "kind", "source"):
        table.add_column(name, no_wrap=True, overflow="ellipsis", max_width=18)
    table.add_column("title", no_wrap=True, overflow="ellipsis", max_width=70)
    table.add_column("chars", justify="right")
    for d in docs:
        table.add_row(d.id, (d.published or "")[:10], d.language or "", d.kind, escape(d.source or ""),
                      escape((d.title or "")[:70]), str(d.chars))
    out.print(table)


@app.command()
def show(
    doc: str = typer.Argument(..., help="Document id (or a unique prefix)."),
    as_json: bool = typer.Option(False, "--json", help="Print the stored analysis as JSON."),
    text: bool = typer.Option(True, "--text/--no-text", help="Print the document's text before what was found."),
) -> None:
    """Show a document, its provenance and everything found in it: quotes, claims, forecasts,
    events and recycled passages."""
    from .read.documents import document_view

    with _open_library() as lib:
        view = document_view(lib.store, doc)
    d, analysis = view["document"], view["analysis"]
    if as_json:
        from .records import to_dict

        print(json.dumps(analysis or {"document": to_dict(d)}, ensure_ascii=False, indent=1))
        return
    out.print(f"[bold]{escape(d.title or '(untitled)')}[/bold]")
    for label, value in (("id", d.id), ("source", d.source), ("url", d.url), ("author", d.author),
                         ("published", d.published and f"{d.published} ({d.published_precision})"),
                         ("language", d.language), ("kind", d.kind), ("origin", d.origin),
                         ("fetched", d.fetched_from and " ".join(filter(None, (d.fetched_from, d.fetched)))),
                         ("ingested", d.ingested), ("supersedes", d.supersedes)):
        if value:
            out.print(f"  [dim]{label:10}[/dim] {escape(str(value))}")
    if text:
        out.print()
        out.print(escape(d.text))
    if not analysis:
        out.print("\n[dim]not analysed (clipfile reanalyze)[/dim]")
        return
    out.print()
    counts = ", ".join(f"{len(analysis.get(k, []))} {k}" for k in
                       ("entities", "quotes", "stances", "claims", "forecasts", "events", "duplicates"))
    out.print(f"[dim]analysis {analysis.get('pipeline_version')}: {counts}[/dim]")
    from .analysis.problems import problem_line

    for problem in analysis.get("problems") or ():  # items the analysis had to leave out
        out.print(f"[yellow]{escape(problem_line(problem))}[/yellow]")
    sections = (("Quotes", "quotes", lambda q: _print_quote(q)),
                # positions and intentions attributed to someone, not their words (docs/FORMAT.md)
                ("Stances (not quotes)", "stances", lambda q: _print_quote(q)),
                ("Claims", "claims", _print_claim),
                ("Forecasts", "forecasts", _print_forecast),
                ("Events", "events", _print_event),
                ("Recycled passages", "duplicates", _print_recycled))
    for title, key, show_one in sections:
        if view[key]:
            out.print(f"\n[bold]{title}[/bold] ({len(view[key])})")
            for item in view[key]:
                show_one(item)


def _span(item: dict) -> str:
    return f"[dim]{item.get('start')}-{item.get('end')}[/dim]"


def _print_claim(c: dict) -> None:
    out.print(f"{_span(c)} {_item_label('claim', c)}: {escape((c.get('text') or '')[:400])}")


def _print_forecast(f: dict) -> None:
    deadline = (f.get("deadline") or {}).get("value") if isinstance(f.get("deadline"), dict) else None
    res = f.get("resolution")
    status = ("came true" if res["outcome"] else "did not happen") if res else None
    prob = f.get("probability")
    out.print(f"{_span(f)} [bold]{f.get('ledger_id', '')}[/bold] {_item_label('forecast', f)}"
              + (f" p={prob:.2f}" if isinstance(prob, (int, float)) else "")
              + (f" by {escape(str(deadline))}" if deadline else "")
              + (f" [green]{status}[/green]" if status else "")
              + f": {escape((f.get('text') or '')[:400])}")


def _print_event(ev: dict) -> None:
    d = ev.get("date") if isinstance(ev.get("date"), dict) else {}
    out.print(f"{_span(ev)} [bold]{escape(str(d.get('value') or '?'))}[/bold] {escape((ev.get('text') or '')[:300])}")


def _print_recycled(dup: dict, *, with_origin: bool = False) -> None:
    of = dup.get("of") if isinstance(dup.get("of"), dict) else {}
    sim = dup.get("similarity")
    out.print(f"{_span(dup)} repeats [bold]{escape(str(of.get('document')))}[/bold] {of.get('start')}-{of.get('end')}"
              + (f" [dim]similarity {sim:.2f}[/dim]" if isinstance(sim, (int, float)) else "")
              + f": {escape((dup.get('text') or '')[:300])}")
    if with_origin and dup.get("of_text") is not None and dup.get("of_text") != dup.get("text"):
        out.print(f"    [dim]earlier:[/dim] {escape(str(dup['of_text'])[:300])}")
    for diff in dup.get("inconsistencies") or ():
        out.print(f"    [yellow]differs: {escape(str(diff))}[/yellow]")


@app.command()
def export(
    fmt: str = typer.Option("jsonl", "--format", help="jsonl: one analyze-JSON object per document."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write here instead of standard output."),
) -> None:
    """Export every document with its analysis."""
    if fmt != "jsonl":
        _fail(f"unknown export format {fmt!r}: only jsonl is supported")
    from .records import to_dict

    with _open_library() as lib:
        fh = output.open("w", encoding="utf-8") if output else sys.stdout
        n = 0
        try:
            for d in lib.store.iter_documents():
                obj = lib.store.get_analysis(d.id) or {"document": to_dict(d)}
                fh.write(json.dumps(obj, ensure_ascii=False) + "\n")
                n += 1
        finally:
            if output:
                fh.close()
    err.print(f"exported {n} documents")


@app.command()
def stats(as_json: bool = typer.Option(False, "--json")) -> None:
    """Counts of documents, analyses, entities and items."""
    with _open_library() as lib:
        s = lib.store.stats()
    if as_json:
        print(json.dumps(s, ensure_ascii=False, indent=1))
        return
    table = Table(box=None, show_header=False)
    for k, v in s.items():
        table.add_row(k, escape(", ".join(f"{a}: {b}" for a, b in v.items()) if isinstance(v, dict) else str(v)))
    out.print(table)


# -- who said what -----------------------------------------------------------------------------


def _print_quote(q: dict, text: str | None = None, *, sources: list[dict] | None = None) -> None:
    spk = q.get("speaker") or {}
    who = spk.get("name") or "?"
    how = spk.get("resolution", "")
    conf = spk.get("confidence")
    conf_s = f" {conf:.2f}" if isinstance(conf, (int, float)) else ""
    mark = "“" if q.get("kind") == "direct" else ""
    body = q.get("text", "")
    out.print(f"[bold cyan]{escape(who)}[/bold cyan] [dim]({how}{conf_s}, {q.get('kind')})[/dim]: "
              f"{mark}{escape(body[:400])}{'…' if len(body) > 400 else ''}{'”' if mark else ''}")
    for s in sources or ([q] if q.get("document") else []):
        out.print(f"    [dim]{s.get('document')} {s.get('start')}-{s.get('end')} "
                  f"{escape(s.get('source') or '')} {escape((s.get('published') or '')[:10])} "
                  f"{escape((s.get('title') or '')[:60])}[/dim]")


def _one_entity(lib: Library, name: str):
    from .read.entities import one_entity

    return one_entity(lib.store, name)


def _choice(option: str, check, value: Optional[str]) -> Optional[str]:
    """A checked option value, or a usage error (exit 2) naming the allowed values."""
    try:
        return check(value)
    except ValueError as exc:
        _fail(f"{option}: {exc}", code=2)
        raise  # not reached: _fail exits


@app.command()
def quotes(
    speaker: Optional[str] = typer.Option(None, "--speaker", help="Quotes by this person or group (an entity's name, "
                                          "or words of an unnamed speaker's description)."),
    about: Optional[str] = typer.Option(None, "--about", help="Quotes about this entity (its subject, or naming it)."),
    kind: Optional[str] = typer.Option(None, "--kind", help="direct, mixed or indirect."),
    limit: int = typer.Option(100, "--limit", "-n", min=1),
    offset: int = typer.Option(0, "--offset", min=0),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Quotations in the library, with speakers and sources."""
    from .read import items as it

    quote_kind = _choice("--kind", it.check_quote_kind, kind)
    page = {"quote_kind": quote_kind, "limit": limit, "offset": offset}
    with _open_library() as lib:
        about_id = _one_entity(lib, about).id if about else None
        found = lib.store.find_entities(speaker) if speaker else []
        if speaker and not found:
            # a speaker who is no entity: "a senior diplomat", "people briefed on the talks"
            rows = it.listing(lib.store, "quote", about_entity=about_id, speaker_like=speaker, **page)
            if not rows and not offset:
                _fail(f"no entity named {speaker!r} and no quote by a speaker so described")
        else:
            rows = it.listing(lib.store, "quote", by_entity=found[0].id if found else None, about_entity=about_id,
                              **page)
    if as_json:
        for q in rows:
            print(json.dumps(q, ensure_ascii=False))
        return
    for q in rows:
        _print_quote(q)
    err.print(f"{len(rows)} quotes" + (" (--offset to see more)" if len(rows) == limit else ""))


@app.command()
def claims(
    by: Optional[str] = typer.Option(None, "--by", help="Claims whose source is this person or group."),
    about: Optional[str] = typer.Option(None, "--about", help="Claims about this entity (its subject, or naming it)."),
    footing: Optional[str] = typer.Option(None, "--footing", help="Only this footing: evidenced, asserted, hedged, "
                                          "hearsay, unsupported, disputed, denied."),
    limit: int = typer.Option(100, "--limit", "-n", min=1),
    offset: int = typer.Option(0, "--offset", min=0),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Claims in the library with their footing (asserted, hedged, hearsay, denied, ...) and source."""
    from .read import items as it

    status = _choice("--footing", it.check_footing, footing)
    with _open_library() as lib:
        rows = it.listing(lib.store, "claim", by_entity=_one_entity(lib, by).id if by else None,
                          about_entity=_one_entity(lib, about).id if about else None, footing=status,
                          limit=limit, offset=offset)
    if as_json:
        for c in rows:
            print(json.dumps(c, ensure_ascii=False))
        return
    for c in rows:
        out.print(f"{_item_label('claim', c)}: {escape((c.get('text') or '')[:400])}")
        out.print(f"    [dim]{c['document']} {c['start']}-{c['end']} {escape(c.get('outlet') or '')} "
                  f"{escape((c.get('published') or '')[:10])} {escape((c.get('title') or '')[:60])}[/dim]")
    err.print(f"{len(rows)} claims" + (" (--offset to see more)" if len(rows) == limit else ""))


@app.command()
def recycled(
    doc: Optional[str] = typer.Option(None, "--doc", help="Only passages of this document (id or unique prefix)."),
    about: Optional[str] = typer.Option(None, "--about", help="Only passages that name this entity."),
    within: bool = typer.Option(False, "--within", help="Also list repeats inside one document."),
    limit: int = typer.Option(50, "--limit", "-n", min=1),
    offset: int = typer.Option(0, "--offset", min=0),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Recycled text: passages that repeat earlier text, with the copy they repeat."""
    from .read.documents import recycled as find

    with _open_library() as lib:
        doc_id = lib.store.get_document(doc).id if doc else None
        rows = find(lib.store, doc_id=doc_id, entity=_one_entity(lib, about).id if about else None,
                    within=within, limit=limit, offset=offset)
    if as_json:
        for r in rows:
            print(json.dumps(r, ensure_ascii=False))
        return
    for r in rows:
        out.print(f"[bold]{escape(r.get('title') or '(untitled)')}[/bold]  [dim]{r['document']}[/dim]  "
                  f"{escape(' · '.join(x for x in (r.get('outlet'), (r.get('published') or '')[:10]) if x))}")
        _print_recycled(r, with_origin=True)
    err.print(f"{len(rows)} recycled passages" + (" (--offset to see more)" if len(rows) == limit else ""))


@app.command("who-said")
def who_said(
    phrase: str = typer.Argument(..., help="Words of the quote."),
    limit: int = typer.Option(20, "--limit", "-n"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Find a quote and who said it; the same quote in several outlets shows once with all sources."""
    from .read.whosaid import who_said as find

    with _open_library() as lib:
        groups = find(lib.store, phrase, limit=limit)
    if as_json:
        for g in groups:
            print(json.dumps(g, ensure_ascii=False))
        return
    if not groups:
        err.print(f"no quote matches {escape(phrase)}")
        return
    for g in groups:
        _print_quote(g["quote"], sources=g["sources"])
        speakers = {s["speaker"] for s in g["sources"] if s.get("speaker")}
        if len(speakers) > 1:
            out.print(f"    [yellow]attributed differently: {escape(', '.join(sorted(speakers)))}[/yellow]")


@app.command()
def entity(
    args: List[str] = typer.Argument(..., metavar="NAME | merge A B | split A NAME",
                                     help="Show an entity; or merge two; or split a name off one."),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """An entity's names in every script, mention counts, quotes by and about it.

    `clipfile entity merge A B` makes B part of A; `clipfile entity split A NAME` takes NAME out of A.
    A and B are entity ids (E12) or names.
    """
    with _open_library() as lib:
        if args[0] in ("merge", "split") and len(args) == 3:
            a = _one_entity(lib, args[1])
            if args[0] == "merge":
                b = _one_entity(lib, args[2])
                # ids as typed (E40 may already be part of E12), so a refusal names them
                keep, other = (x.strip() if re.fullmatch(r"[Ee]\d+", x.strip()) else e.id
                               for x, e in ((args[1], a), (args[2], b)))
                e = lib.store.merge_entities(keep, other)
                err.print(f"merged E{b.id} into E{e.id} {escape(e.name)}")
            else:
                e = lib.store.split_entity(a.id, args[2])
                err.print(f"split {escape(args[2])!s} off E{a.id} into E{e.id}")
            return
        name = " ".join(args[1:] if args[0] == "show" else args)
        e = _one_entity(lib, name)
        from .read import items as it
        from .read.entities import mention_volume

        # newest first, as the web entity page lists them (all of them here)
        by = it.by(lib.store, e.id, "quote", newest=True)
        about = it.about(lib.store, e.id, "quote", newest=True)
        volume = mention_volume(lib.store, e)
        others = lib.store.find_entities(name)[1:]
    if as_json:
        from .records import to_dict

        print(json.dumps({"entity": to_dict(e), "quotes_by": by, "quotes_about": about,
                          "mentions_by_month": volume}, ensure_ascii=False))
        return
    seen = (f"{e.mention_count} mentions in {e.document_count} documents" if e.mention_count
            else f"a speaker in {e.document_count} documents, not named in their text")
    out.print(f"[bold]E{e.id} {escape(e.name)}[/bold] [dim]{e.type}[/dim] — {seen}")
    out.print("  names: " + escape(", ".join(e.aliases)))
    if others:
        out.print("  [dim]also matching: " + escape(", ".join(f"E{o.id} {o.name}" for o in others)) + "[/dim]")
    if volume["months"] or volume["undated"]:
        months = "  ".join(f"{v['month']}: {v['n']}" for v in volume["months"])
        undated = f"  undated: {volume['undated']}" if volume["undated"] else ""
        out.print(f"  [dim]mentions by month published:[/dim] {months}{undated}")
    out.print(f"\n[bold]Quotes by {escape(e.name)}[/bold] ({len(by)})")
    for q in by:
        _print_quote(q)
    out.print(f"\n[bold]Quotes about {escape(e.name)}[/bold] ({len(about)})")
    for q in about:
        _print_quote(q)


# -- the analyst's layer -----------------------------------------------------------------------


@app.command()
def forecasts(
    by: Optional[str] = typer.Option(None, "--by", help="Forecasts made by this person."),
    about: Optional[str] = typer.Option(None, "--about", help="Forecasts about this entity."),
    only_open: bool = typer.Option(False, "--open", help="Only unresolved forecasts."),
    limit: int = typer.Option(50, "--limit", "-n", help="Show at most this many (0: all)."),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """The forecast ledger: who predicted what, and what became of it (overdue ones first)."""
    from itertools import islice

    from .ledger import counts, pages

    with _open_library() as lib:
        who = {"by": _one_entity(lib, by).id if by else None, "about": _one_entity(lib, about).id if about else None}
        tally = counts(lib.store, **who)
        total = tally["overdue"] + tally["open"] + (0 if only_open else tally["resolved"])
        # Most pressing first: overdue, then open, then resolved; the store's date order within.
        # Read a page at a time, only as far as the listing goes.
        views = ("overdue", "open") if only_open else ("overdue", "open", "resolved")
        listed = (e for view in views for e in pages(lib.store, show=view, order="dated", page_size=min(limit, 500)
                                                     if limit > 0 else 500, **who))
        shown = list(islice(listed, limit) if limit > 0 else listed)
    if as_json:
        for e in shown:
            print(json.dumps({**e.forecast, "id": e.id, "local_id": e.forecast.get("id"), "key": e.key,
                              "status": e.status, "resolution": e.resolution,
                              "forecaster_entity": e.holder.ref if e.holder else None}, ensure_ascii=False))
        _more(total - len(shown), "forecasts")
        return
    colours = {"open": "white", "overdue": "red", "resolved-yes": "green", "resolved-no": "yellow"}
    for e in shown:
        f = e.forecast
        deadline = (f.get("deadline") or {}).get("value")
        target = (f.get("target") or {}).get("name")
        out.print(f"[bold]{e.id}[/bold] [{colours[e.status]}]{e.status}[/{colours[e.status]}] "
                  f"[cyan]{escape(e.forecaster)}[/cyan]"
                  + (f" → {escape(target)}" if target else "")
                  + f" p={f.get('probability', 0):.2f} ({escape(f.get('probability_term') or '')})"
                  + (f" by {deadline}" if deadline else ""))
        out.print(f"    {escape(f['text'][:300])}")
        if f.get("condition"):
            out.print(f"    [dim]if: {escape(f['condition']['text'][:200])}[/dim]")
        out.print(f"    [dim]{f['document']} {f['start']}-{f['end']} {escape(f.get('title') or '')}[/dim]")
    err.print(f"{total} forecasts, {tally['overdue']} overdue")
    _more(total - len(shown), "forecasts")


def _more(hidden: int, what: str) -> None:
    """Say what a ``--limit`` left out (on stderr: ``--json`` output stays JSON Lines)."""
    if hidden > 0:
        err.print(f"[dim]… and {hidden} more {what} (--limit N to show more, --limit 0 for all)[/dim]")


forecast_app = typer.Typer(help="Resolve forecasts in the ledger.", no_args_is_help=True)
app.add_typer(forecast_app, name="forecast")


@forecast_app.command("resolve")
def forecast_resolve(
    forecast_id: str = typer.Argument(..., help="The forecast id shown by `clipfile forecasts` (F1a2b3c4)."),
    outcome: str = typer.Option(..., "--outcome", help="yes (it happened) or no."),
    when: Optional[str] = typer.Option(None, "--date", help="When it was settled (YYYY-MM-DD)."),
    note: Optional[str] = typer.Option(None, "--note", help="Why: the evidence for the outcome."),
) -> None:
    """Record whether a forecast came true."""
    from .ledger import resolve

    if outcome.lower() not in ("yes", "no"):
        _fail("--outcome must be yes or no", code=2)
    if when:
        from datetime import date as _date

        try:
            _date.fromisoformat(when)
        except ValueError:
            _fail(f"--date {when!r} is not a date like 2026-03-01", code=2)
    with _open_library() as lib:
        entry = resolve(lib.store, forecast_id, outcome=outcome.lower() == "yes", when=when, note=note)
    err.print(f"{entry.id} {entry.status}: {escape(entry.forecast['text'][:120])}")


@app.command()
def scores(
    limit: int = typer.Option(50, "--limit", "-n", help="Show at most this many forecasters (0: all)."),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Brier score, resolved count and calibration per forecaster (a person or organisation in
    the library: one row per entity, whatever name or script the texts use)."""
    from .ledger import scores as compute
    from .ledger import unscored_count

    with _open_library() as lib:
        rows = compute(lib.store)
        hidden = unscored_count(lib.store, rows)
    shown = rows[:limit] if limit > 0 else rows
    if as_json:
        print(json.dumps(shown, ensure_ascii=False, indent=1))
        _more(len(rows) - len(shown), "forecasters")
        return
    table = Table("forecaster", "forecasts", "resolved", "overdue", "Brier",
                  "calibration (mean forecast → observed, n)",
                  box=None)
    for r in shown:
        cal = "  ".join(f"{c['mean_forecast']:.2f}→{c['observed']:.2f} ({c['n']})" for c in r["calibration"] if c["n"])
        table.add_row(f"{escape(r['forecaster'])} [dim]{r['entity']}[/dim]", str(r["forecasts"]),
                      str(r["resolved"]), str(r["overdue"]),
                      f"{r['brier']:.3f}" if r["brier"] is not None else "—", cal)
    out.print(table)
    _more(len(rows) - len(shown), "forecasters")
    if n := hidden:
        err.print(f"[dim]{n} forecasts held by no named person or organisation (a description such as "
                  "'analysts', or the article's own voice) are not scored[/dim]")


@app.command()
def timeline(
    name: str = typer.Argument(..., help="A person, group or place."),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """An entity's dated events in order, with their sources."""
    from .read.brief import timeline as build

    with _open_library() as lib:
        e = _one_entity(lib, name)
        events = build(lib.store, e)
    if as_json:
        for ev in events:
            print(json.dumps(ev, ensure_ascii=False))
        return
    out.print(f"[bold]Timeline: {escape(e.name)}[/bold]")
    for ev in events:
        d = ev.get("date") or {}
        out.print(f"[bold]{escape(d.get('value') or '?'):12}[/bold] [dim]{d.get('precision', '')}[/dim] "
                  f"{escape(ev['text'][:200])}")
        out.print(f"    [dim]“{escape(d.get('text') or '')}” · {ev['document']} {ev['start']}-{ev['end']} "
                  f"{escape(ev.get('title') or '')}[/dim]")


@app.command()
def brief(
    name: str = typer.Argument(..., help="A person, group or place."),
    fmt: str = typer.Option("md", "--format", help="md or html."),
    output: Optional[Path] = typer.Option(None, "--output", "-o"),
) -> None:
    """One page on an actor: statements, claims, forecasts, timeline, recycled material, sources."""
    from .read.brief import brief_data, render_html, render_markdown

    if fmt not in ("md", "html"):
        _fail(f"unknown format {fmt!r}: use md or html", code=2)
    with _open_library() as lib:
        data = brief_data(lib.store, _one_entity(lib, name))
    page = render_markdown(data) if fmt == "md" else render_html(data)
    if output:
        output.write_text(page, encoding="utf-8")
        err.print(f"wrote {output}")
    else:
        sys.stdout.write(page + "\n")


# -- the listening post ------------------------------------------------------------------------


def _checked_language(language: str) -> str:
    """``--language`` normalised, or a usage error (exit 2) for a code Whisper does not know."""
    from .ingest.audio import check_language

    try:
        return check_language(language)
    except ClipfileError as exc:
        _fail(f"--language: {exc}", code=2)
        raise  # not reached: _fail exits


def _positive_duration(option: str, value: str, minimum: float = 0.0) -> float:
    """A ``--for``/``--chunk`` value in seconds, or a usage error (exit 2)."""
    from .listen import parse_duration

    try:
        seconds = parse_duration(value)
    except ValueError as exc:
        _fail(f"{option}: {exc}", code=2)
    if not seconds > minimum or seconds == float("inf"):
        _fail(f"{option}: {value!r} must be a duration above {minimum:g} s (e.g. 90s, 30m, 2h)", code=2)
    return seconds


def _model_can_do(model: Optional[str], language: Optional[str], what: str) -> None:
    """Refuse an English-only model for another language before anything is recorded (exit 2)."""
    from .ingest.audio import check_model_language

    try:
        check_model_language(model, language)
    except ClipfileError as exc:
        _fail(f"{what}: {exc}", code=2)


@app.command()
def listen(
    url: str = typer.Argument(..., help="An internet radio or HLS stream URL (anything ffmpeg reads)."),
    duration: str = typer.Option("30m", "--for", help="How long to listen: 90s, 30m, 2h."),
    chunk: str = typer.Option("5m", "--chunk", help="Transcribe and store every chunk of this length."),
    asr_model: Optional[str] = typer.Option(None, "--asr-model", envvar="CLIPFILE_ASR_MODEL",
                                            help="faster-whisper model name or path."),
    language: Optional[str] = typer.Option(None, "--language", help="Language of the speech (en, ru, ...); "
                                           "default: detect it in each chunk."),
    recordings: Optional[Path] = typer.Option(None, "--recordings", help="Keep chunk audio here."),
) -> None:
    """Record a stream in chunks; each chunk is transcribed and stored as a dated document."""
    from .listen import listen as record

    seconds, chunk_s = _positive_duration("--for", duration), _positive_duration("--chunk", chunk)
    if language:
        language = _checked_language(language)
        _model_can_do(asr_model, language, "--language")
    with _open_library() as lib:
        out_dir = recordings or (lib.path.parent if lib.path else Path.cwd()) / "recordings"

        def on_chunk(doc) -> None:
            o = lib.add(doc)
            err.print(_outcome_line(o), soft_wrap=True)

        report = record(url, duration=seconds, chunk=chunk_s, out_dir=out_dir, on_chunk=on_chunk, model=asr_model,
                        language=language)
    for c in report.chunks:
        if c.error or c.note:
            colour = "red" if c.error else "yellow"
            err.print(f"[{colour}]chunk {c.index}[/{colour}] {escape(c.path)}: {escape(c.error or c.note or '')}",
                      soft_wrap=True)
    for g in report.gaps:
        err.print(f"[yellow]gap[/yellow] {escape(str(g))}")
    err.print(f"listen: {len(report.documents)} chunks stored, {report.recorded_seconds:.0f} s recorded, "
              f"{report.missed_seconds:.0f} s missed, {report.reconnects} reconnects")


@app.command()
def watch(
    watch_file: Path = typer.Argument(..., help="TOML file of sources and alert rules (docs/listening-post.md)."),
    once: bool = typer.Option(False, "--once", help="Poll every due source once, then stop; exit 1 if a poll or "
                              "an alert delivery failed (for cron)."),
    duration: Optional[str] = typer.Option(None, "--for", help="Stop after this long (default: run until Ctrl-C)."),
    asr_model: Optional[str] = typer.Option(None, "--asr-model", envvar="CLIPFILE_ASR_MODEL"),
    max_bytes: int = typer.Option(50 * 1024 * 1024, "--max-bytes",
                                  help="Refuse pages and feeds larger than this many bytes (unpacked)."),
    allow_outside_paths: bool = typer.Option(False, "--allow-outside-paths",
                                             help="Let the watch file's log and recordings paths point outside "
                                             "its folder."),
    allow_private_webhook: bool = typer.Option(False, "--allow-private-webhook",
                                               help="Let the webhook be this machine or a private-network address."),
    jobs: Optional[int] = typer.Option(None, "--jobs", "-j", min=1,
                                       help="Worker processes for the analysis (default: one per core; 1 = "
                                       "this process only)."),
) -> None:
    """Keep watch over feeds, pages and streams: new items only, alerts on what matters.

    Exit status: 2 when the watch file or an option is wrong (nothing is polled); 1 when an
    alert could not be delivered, or, with --once, a source could not be polled; else 0.
    """
    import time as _time

    from .watch import load_watch_file, run_watch

    until_seconds = _positive_duration("--for", duration) if duration else None
    if max_bytes <= 0:
        _fail("--max-bytes must be positive", code=2)
    try:
        config = load_watch_file(watch_file, allow_outside_paths=allow_outside_paths,
                                 allow_private_webhook=allow_private_webhook)
    except ClipfileError as exc:
        _fail(str(exc), code=2)
    for src in config.sources:
        if src.language:
            _model_can_do(asr_model, src.language, f"{watch_file}: [[source]] {src.name!r}, language")
    sinks = ["terminal"] + ([f"log {config.log}"] if config.log else []) + (
        [f"webhook {config.webhook}"] if config.webhook else [])
    if config.alerts:
        err.print(f"[dim]alerts go to: {escape(', '.join(sinks))}[/dim]")
    state_key = f"watch:{watch_file.resolve()}"
    with _open_library(jobs) as lib:

        def ingest_docs(docs) -> list[str]:
            report = lib.add_many(docs)  # the worker pool, if any, stays up between polls
            for o in report.failed:
                raise ClipfileError(o.message or "could not store a document")
            return [o.doc_id for o in report.outcomes if o.status != "duplicate" and o.doc_id]

        until = _time.time() + until_seconds if until_seconds else None
        try:
            report = run_watch(config, state_load=lambda: lib.store.get_state(state_key) or {},
                               state_save=lambda st: lib.store.set_state(state_key, st), ingest=ingest_docs,
                               analyze=lambda doc_id: lib.store.get_analysis(doc_id) or {}, until=until, once=once,
                               console=err, model=asr_model, max_bytes=max_bytes)
        except KeyboardInterrupt:
            err.print("watch stopped; its state is saved")
            return
    failed_polls = report.errors if once else []
    line = f"watch: {report.polls} polls, {report.new} new items, {report.alerts} alerts"
    if report.errors:
        line += f", {len(report.errors)} failed polls"
    if report.delivery_failures:
        line += f", {len(report.delivery_failures)} alert deliveries FAILED"
    err.print(escape(line))
    for problem in failed_polls:
        err.print(f"[red]poll failed:[/red] {escape(problem)}", soft_wrap=True)
    if report.delivery_failures or failed_polls:
        raise typer.Exit(1)


@app.command()
def alerts(
    log: Path = typer.Argument(..., help="The alert log (JSON Lines) named in the watch file's [delivery]."),
    rule: Optional[str] = typer.Option(None, "--rule", help="Only alerts of this rule."),
    since: Optional[str] = typer.Option(None, "--since", help="Only alerts fired at or after this ISO time."),
    limit: int = typer.Option(50, "--limit", "-n"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """List the alerts fired by `clipfile watch`."""
    from .alerts import format_alert, read_alert_log

    rows = read_alert_log(log, rule=rule, since=since, limit=limit)
    for a in rows:
        print(json.dumps(a, ensure_ascii=False)) if as_json else out.print(escape(format_alert(a)))
    if not as_json:
        err.print(f"{len(rows)} alerts")



# -- the browser workbench ---------------------------------------------------------------------


@app.command()
def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on; beyond loopback a token is required."),
    port: int = typer.Option(8000, "--port", help="Port to listen on."),
    request_timeout: float = typer.Option(
        10.0, "--request-timeout", min=0.1, metavar="SECONDS",
        help="Stop a request's database work after this long (it gets an error page)."),
    workers: int = typer.Option(
        os.cpu_count() or 1, "--workers", min=1, max=64,
        help="Processes serving requests (default: the machine's cores)."),
) -> None:
    """Open the library as a web workbench in your browser (search, documents, entities, ledger, briefs)."""
    try:
        from .web import run
    except ImportError as exc:
        _fail(f"the web workbench needs its extra packages (fastapi, uvicorn, jinja2, python-multipart): {exc}")
    try:
        run(_state["library"] or default_library_path(), host=host, port=port, request_timeout=request_timeout,
            workers=workers)
    except ClipfileError as exc:
        _fail(str(exc))


if __name__ == "__main__":  # pragma: no cover
    app()
