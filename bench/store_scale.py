"""How the store's read costs and size grow with the library, SQLite and PostgreSQL side by side
(issue #17 items 3 and 5).

Generates libraries of 10k and 100k documents (``--sizes``; 1M when there is time: about
2-3 minutes per 100k documents on a loaded 2-core machine) written straight through the
:class:`~clipfile.store.base.Store` protocol: ``add_document`` and ``save_analysis`` with synthetic
analyses (entities with mentions, quotes, claims, a forecast and an event per document, at real
offsets; no NLP), 500 documents per transaction.  The cast of 2,000 people is made library
entities once, up front (``add_entity``, ``add_entity_names``), so every backend stores the same
analyses without running the linking rules.  Every document holds words of a small common
vocabulary (each in most documents) and one word of a long tail (each in a handful of
documents), so the queries below cover both ends.  Then, per size and backend, back to back:

- ``ingest``: documents written per second (document and stored analysis, no analysis run),
  and the share of that time spent in ``add_document``;
- ``search``: ``Store.search`` ranked top 20 for a common word, a rare word and a phrase;
- ``web search``: the ``/search`` page (hits and facets) for a common word, a boolean query
  with a source and date filter, a phrase of two common words, and quotes holding a common word;
  then narrow filters: a source (none, or one quarter of one), one month, one entity, a
  language no document has, searching and browsing items, and second pages;
- ``browse``: the ``/search`` page without a query (statistics shown), ``stats()``,
  ``list_documents(50)`` at the start and 5,000 rows in;
- ``entities``: the ``/entities`` page (the 50 most mentioned) and one person's page;
- ``get_document`` by whole id and by an 8-character prefix;
- ``ledger``: the ``/forecasts`` page (every section's first page, counts and scores), the second
  page of one section (following its next-page link), one forecaster's page, and
  ``clipfile.ledger.scores`` over every forecaster (what ``clipfile scores`` prints), after
  resolving 200 forecasts spread over the library (the same ones each run);
- the size per document (SQLite: the file after a WAL checkpoint; PostgreSQL: the database)
  and the largest tables.

``--backend sqlite,postgresql`` measures both and prints them side by side.  PostgreSQL runs on
the server at ``$CLIPFILE_TEST_POSTGRES`` (a URL where databases may be created) or on one this
script starts in a temporary folder (``tests/_pgserver.py``: PostgreSQL's binaries are needed;
under root the server runs as the ``postgres`` user); each size is a database of its own.

Prints p50/p95 in milliseconds and the load average next to each size: the machine is shared,
so compare figures taken back to back.

    .venv/bin/python bench/store_scale.py [--sizes 10000,100000] [--backend sqlite,postgresql]
        [--repeat 30] [--keep DIR] [--only entit,ledger]

``--only`` times only the queries whose label holds one of the given words (e.g. ``--only entity``
for the entity pages), each ``--repeat`` times, the slow ones included.

With ``--keep DIR`` the libraries are kept (and reused when present) in DIR, the PostgreSQL
cluster in ``DIR/postgresql`` (DIR must then be reachable by the server's user).
"""
from __future__ import annotations

import argparse
import os
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from clipfile.linking import entity_keys
from clipfile.records import Document
from clipfile.store import Store, open_store

ROOT = Path(__file__).resolve().parents[1]

SYL = ["ka", "lo", "mi", "ren", "to", "va", "sel", "dor", "an", "bri", "ne", "os", "tal", "vik", "mar", "el", "ur",
       "zan"]
COMMON = ("harbour council budget ferry terminal contract storm pier fees vote election minister port "
          "shipping road bridge school hospital river energy grid water tax report audit court police "
          "union strike festival museum market bank loan farm fishery weather flood plan survey").split()
TAIL = 50_000  # size of the rare vocabulary: a rare word is in about docs / TAIL * 2 documents
SLOW_MS = 5000  # a query slower than this (warm) is timed once
STATUSES = ["asserted", "hedged", "hearsay", "evidenced", "unsupported", "disputed", "denied"]


def _rare(k: int) -> str:
    """The k-th word of the long tail (letters only, so the tokenizer keeps it whole)."""
    out = ""
    for _ in range(4):
        out += SYL[k % len(SYL)]
        k //= len(SYL)
    return "q" + out


def _name(rng: random.Random) -> str:
    first = "".join(rng.choice(SYL) for _ in range(2)).title()
    last = "".join(rng.choice(SYL) for _ in range(3)).title()
    return f"{first} {last}"


def _sentence(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(COMMON) for _ in range(n)).capitalize() + "."


def _cast(store: Store, people: list[str]) -> dict[str, str]:
    """The generated people as library entities (``E12`` by name), made once per library."""
    known = store.get_state("bench:cast")
    if known:
        return dict(known)
    cast = {}
    with store.transaction():
        for name in people:
            eid = store.add_entity(name, "PERSON")
            store.add_entity_names(eid, [name, name.split()[1]], entity_keys(name, "PERSON"))
            cast[name] = f"E{eid}"
        store.set_state("bench:cast", cast)
    return cast


def build(store: Store, n_docs: int, *, seed: int = 7, start: int = 0) -> tuple[float, float]:
    """Write ``n_docs`` generated documents with analyses; returns documents per second and
    the share of the time spent in ``add_document``."""
    rng = random.Random(seed + start)
    people = list(dict.fromkeys(_name(random.Random(seed + k)) for k in range(3000)))[:2000]
    sources = [f"{w.title()} {k}" for w in COMMON[:20] for k in ("Gazette", "Courier", "Post")]
    cast = _cast(store, people)
    t0 = time.perf_counter()
    in_add = 0.0
    batch = 500
    for b in range(start, start + n_docs, batch):
        with store.transaction():
            for i in range(b, min(b + batch, start + n_docs)):
                doc, analysis = _document(rng, i, people, sources, cast)
                t = time.perf_counter()
                store.add_document(doc)
                in_add += time.perf_counter() - t
                store.save_analysis(analysis, version="bench")  # its entities are the cast's, linked
        done = min(b + batch, start + n_docs) - start
        if done % 20_000 == 0:
            print(f"  built {done:,} documents in {time.perf_counter() - t0:.0f}s", file=sys.stderr)
    took = time.perf_counter() - t0
    return n_docs / took, in_add / took


def _document(rng: random.Random, i: int, people: list[str], sources: list[str],
              entity_ids: dict[str, str]) -> tuple[Document, dict]:
    parts: list[str] = []
    pos = 0

    def add(s: str) -> tuple[int, int]:
        nonlocal pos
        start = pos
        parts.append(s)
        pos += len(s)
        return start, pos

    cast = rng.sample(people, 3)
    ents = {p: {"id": entity_ids[p], "name": p, "type": "PERSON", "aliases": [p.split()[1]], "mentions": []}
            for k, p in enumerate(cast)}
    quotes, claims = [], []
    for k in range(rng.randint(3, 6)):
        who = rng.choice(cast)
        add(_sentence(rng, rng.randint(8, 20)) + " ")
        s, e = add(who)
        ents[who]["mentions"].append({"start": s, "end": e, "text": who, "label": "PERSON"})
        add(" said that ")
        words = [rng.choice(COMMON) for _ in range(rng.randint(6, 14))]
        if k == 0:
            words.insert(rng.randrange(len(words)), _rare(rng.randrange(TAIL)))
        qs, qe = add(" ".join(words))
        add(". ")
        text = "".join(parts)[qs:qe]
        quotes.append({"id": f"q{k}", "start": qs, "end": qe, "text": text, "kind": "indirect",
                       "speaker": {"name": who, "entity_id": ents[who]["id"], "start": s, "end": e,
                                   "resolution": "named", "confidence": 0.9}})
        claims.append({"id": f"c{k}", "start": qs, "end": qe, "text": text, "status": rng.choice(STATUSES),
                       "certainty": round(rng.random(), 2), "source": {"name": who, "entity_id": ents[who]["id"]},
                       "subject": None})
    year = rng.randint(2015, 2024)
    fs, fe = add(f"The {rng.choice(COMMON)} will {rng.choice(COMMON)} by {year + 2}. ")
    ftext = "".join(parts)[fs:fe - 1]
    forecasts = [{"id": "f1", "start": fs, "end": fe - 1, "text": ftext, "event": {"start": fs, "end": fe - 1,
                  "text": ftext}, "probability": round(rng.random(), 2), "probability_term": "will",
                  "forecaster": {"name": cast[0], "entity_id": ents[cast[0]]["id"]}, "target": None,
                  "deadline": {"start": fe - 6, "end": fe - 2, "text": str(year + 2), "value": str(year + 2),
                               "precision": "year"}}]
    es, ee = add(f"The {rng.choice(COMMON)} opened in {year - 3}.")
    events = [{"id": "v1", "start": es, "end": ee, "text": "".join(parts)[es:ee],
               "date": {"start": ee - 5, "end": ee - 1, "text": str(year - 3), "value": str(year - 3),
                        "precision": "year"},
               "participants": [{"name": cast[1], "entity_id": ents[cast[1]]["id"]}]}]
    text = "".join(parts)
    doc = Document(text, title=f"{_sentence(rng, 5)[:-1]} ({i})", source=rng.choice(sources),
                   published=f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}", language="en")
    analysis = {"document": {"id": doc.id}, "entities": list(ents.values()), "quotes": quotes, "claims": claims,
                "forecasts": forecasts, "events": events, "duplicates": []}
    return doc, analysis


def _names_one(store: Any, prefix: str) -> bool:
    """Whether an id prefix names one document (else the store refuses it as ambiguous)."""
    try:
        store.get_document(prefix)
        return True
    except Exception:
        return False


def _pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def _time(fn: Callable[[], object], n: int) -> list[float]:
    out = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t) * 1000)
    return out


def _load() -> str:
    return "load %.1f %.1f %.1f" % os.getloadavg()


@dataclass
class Library:
    """One generated library of one backend: where it is and what was measured on it."""

    backend: str
    url: str
    n_docs: int
    rows: list[tuple[str, list[float]]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def measure(lib: Library, repeat: int, only: tuple[str, ...] = ()) -> None:
    from fastapi.testclient import TestClient

    from clipfile.web import create_app

    rng = random.Random(3)
    n_docs = lib.n_docs
    store = open_store(lib.url)
    ids = [d.id for d in store.list_documents(limit=200)]
    ids += [store.list_documents(limit=1, offset=rng.randrange(n_docs))[0].id for _ in range(20)]
    sources = sorted({d.source for d in store.list_documents(limit=200) if d.source})
    # a rare word that is in the library: the one in a document's first quote
    rare = next(w for w in store.get_document(ids[0]).text.split() if w.startswith("q") and len(w) > 5)
    rare_hits = len(store.search(rare.strip(".,"), limit=1000))
    lib.notes.append(f"rare word {rare.strip('.,')!r}: {rare_hits} hits")
    rows = lib.rows
    slow = repeat if only else max(3, repeat // 10)

    def add(label: str, fn: Callable[[], object], n: int = repeat) -> None:
        if only and not any(word in label for word in only):
            return
        warm = _time(fn, 1)  # warm the page cache
        # what takes longer than SLOW_MS is timed once more, not n times
        rows.append((label, _time(fn, 1 if warm[0] > SLOW_MS else n)))

    words = iter(rng.choice(COMMON) for _ in range(10 ** 6))
    add("search common word top20", lambda: store.search(next(words), limit=20))
    add("search rare word top20", lambda: store.search(rare, limit=20))
    add("search phrase top20", lambda: store.search(f'"{next(words)} {next(words)}"', limit=20))
    add("search items (quote) top20", lambda: store.search(next(words), limit=20, kinds=("quote",)))
    add("get_document by id", lambda: store.get_document(rng.choice(ids)))
    # a library grown by copying (bench/scale_copies.py) has ids that share a prefix: time the
    # ones whose 8 characters name one document
    unique = [i for i in ids if _names_one(store, i[:8])] or ids
    add("get_document by 8-char prefix", lambda: store.get_document(rng.choice(unique)[:8]))
    add("stats()", store.stats, slow)
    add("list_documents(50)", lambda: store.list_documents(limit=50), slow)
    add("list_documents(50, offset=5000)", lambda: store.list_documents(limit=50, offset=5000), slow)
    # The ledger: resolve 200 forecasts spread over the library (the same each run), when this
    # Clipfile reads the ledger a page at a time (before it, the page read every forecast).
    ledger_is_slow = not hasattr(store, "forecast_keys")
    holder = 1
    if not ledger_is_slow:
        keys = sorted(store.forecast_keys())
        for k in keys[:: max(1, len(keys) // 200)][:200]:
            store.resolve_forecast(k, outcome=rng.random() < 0.5, date=None, note="bench")
        one = store.forecast_page(today="2026-01-01", show="resolved", limit=1).rows
        holder = one[0]["holder"]["entity"] if one and one[0]["holder"] else 1
    with TestClient(create_app(lib.url, request_timeout=None)) as c:

        def page(url: str | Callable[[], str]) -> Callable[[], object]:
            def get() -> None:
                r = c.get(url() if callable(url) else url)
                if r.status_code != 200:
                    raise SystemExit(f"{url} answered {r.status_code}")
            return get

        add("web /search common word", page(lambda: f"/search?q={next(words)}"))
        add("web /search bool+filters", page(
            lambda: f"/search?q=({next(words)}+OR+{next(words)})+NOT+{next(words)}"
                    f"&source={rng.choice(sources).replace(' ', '+')}&date_from=2018-01-01"))
        add("web /search phrase", page(lambda: f"/search?q=%22{next(words)}+{next(words)}%22"))
        add("web /search quotes common word", page(lambda: f"/search?q={next(words)}&kind=quote"))
        add("web /search browse (stats)", page("/search"), slow)
        # a narrow source filter (the generated sources each hold 1/60 of the library): a
        # source no document has, and a source with one quarter of one year, browsing items,
        # searching, and the second page (which goes on below the first page's look-ups)
        quarter = "&source=Harbour+Gazette&date_from=2019-01-01&date_to=2019-03"
        add("web /search browse quotes, no such source", page("/search?kind=quote&source=Nowhere+Gazette"))
        add("web /search browse claims, source+quarter", page(f"/search?kind=claim{quarter}"))
        add("web /search word, source+quarter", page(lambda: f"/search?q={next(words)}{quarter}"))
        add("web /search word, source+quarter p2", page(lambda: f"/search?q={next(words)}{quarter}&page=2"))
        add("web /search quotes word, source+qtr p2",
            page(lambda: f"/search?q={next(words)}&kind=quote{quarter}&page=2"))
        # narrow filters without a source: one month (the generated dates spread evenly over ten
        # years: 1/120 of the library), one entity (found in a few hundred to a few thousand
        # documents: a forecast holder, as the ledger rows below), a language no document has
        month = "&date_from=2019-02-01&date_to=2019-02-28"
        add("web /search word, 1 month", page(lambda: f"/search?q={next(words)}{month}"))
        add("web /search word, 1 month p2", page(lambda: f"/search?q={next(words)}{month}&page=2"))
        add("web /search browse quotes, 1 month", page(f"/search?kind=quote{month}"))
        one = store.get_entity(holder)
        lib.notes.append(f"entity E{holder}: in {one.document_count:,} documents")
        add("web /search browse quotes, entity", page(f"/search?kind=quote&entity=E{holder}"))
        add("web /search browse quotes, entity p2", page(f"/search?kind=quote&entity=E{holder}&page=2"))
        add("web /search word, language ru", page(lambda: f"/search?q={next(words)}&language=ru"))
        # entities: the list is ordered by mentions, and each entity shows its mention and
        # document counts
        add("web /entities (list of 50)", page("/entities"), slow)
        add("web /entity/E… (one person)", page(f"/entity/E{holder}"), slow)
        add("web /forecasts (ledger)", page("/forecasts"), slow if ledger_is_slow else repeat)
        if not ledger_is_slow:
            import html
            import re

            first = c.get("/forecasts?show=open").text
            nxt = re.search(r'<a rel="next" href="([^"]+)"', first)
            if nxt:
                add("web /forecasts?show=open page 2", page(html.unescape(nxt.group(1))))
            add("web /forecasts?by=E… (one forecaster)", page(f"/forecasts?by=E{holder}"))
            from clipfile.ledger import scores

            add("ledger scores() every forecaster", lambda: scores(store), slow)
    store.close()
    lib.notes.extend(_sqlite_size(lib) if lib.backend == "sqlite" else _postgres_size(lib))


def _sqlite_size(lib: Library) -> list[str]:
    path = lib.url.removeprefix("sqlite:///")
    db = sqlite3.connect(path)
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    size = os.path.getsize(path)
    try:
        tables = db.execute("SELECT name, sum(pgsize) FROM dbstat GROUP BY name ORDER BY 2 DESC LIMIT 8").fetchall()
    except sqlite3.OperationalError:
        tables = []
    db.close()
    return _size_lines("file", size, tables, lib.n_docs)


def _postgres_size(lib: Library) -> list[str]:
    import psycopg

    with psycopg.connect(lib.url, autocommit=True) as db:
        size = db.execute("SELECT pg_database_size(current_database())").fetchone()[0]
        tables = db.execute(
            "SELECT c.relname, pg_relation_size(c.oid) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
            " WHERE n.nspname = 'public' ORDER BY 2 DESC LIMIT 8").fetchall()
    return _size_lines("database", size, tables, lib.n_docs)


def _size_lines(what: str, size: int, tables: list[Any], n_docs: int) -> list[str]:
    return [f"{what}: {size / 1e6:,.1f} MB = {size / n_docs:,.0f} bytes per document"
            f" ({size / n_docs * 1e6 / 1e9:.2f} GB per 1M)",
            "largest tables and indexes: " + ", ".join(f"{n} {s / n_docs:,.0f} B/doc" for n, s in tables)]


def report(libs: list[Library]) -> None:
    """The figures of one size, the backends side by side."""
    n_docs = libs[0].n_docs
    print(f"\n== {n_docs:,} documents ({_load()})")
    head = f"{'what':38} {'n':>4}" + "".join(f" {lib.backend + ' p50':>15} {'p95':>8}" for lib in libs)
    print(head)
    labels = list(dict.fromkeys(label for lib in libs for label, _ in lib.rows))
    for label in labels:
        times = [dict(lib.rows).get(label) for lib in libs]
        line = f"{label:38} {max(len(t) for t in times if t):4d}"
        for t in times:
            line += f" {statistics.median(t):15.1f} {_pct(t, 0.95):8.1f}" if t else f" {'-':>15} {'-':>8}"
        print(line)
    for lib in libs:
        for note in lib.notes:
            print(f"{lib.backend}: {note}")


def _postgres_server(keep: Path | None) -> Any:
    """A server to build PostgreSQL libraries on (``tests/_pgserver.py``)."""
    sys.path.insert(0, str(ROOT / "tests"))
    from _pgserver import start

    server = start(str(keep / "postgresql") if keep else None)
    if isinstance(server, str):
        raise SystemExit(f"PostgreSQL: {server}")
    return server


def _postgres_library(server: Any, n: int) -> str:
    import psycopg

    name = f"clipfile_scale_{n}"
    with psycopg.connect(server.url("postgres"), autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone() is None:
            conn.execute(f'CREATE DATABASE "{name}"')
    return str(server.url(name))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="10000,100000", help="library sizes, comma-separated")
    ap.add_argument("--backend", default="sqlite", help="sqlite, postgresql or both, comma-separated")
    ap.add_argument("--repeat", type=int, default=30, help="timed repeats of each fast query")
    ap.add_argument("--keep", type=Path, help="keep (and reuse) the libraries in this folder")
    ap.add_argument("--only", default="", help="time only the queries whose label holds one of these words"
                                               " (comma-separated), each --repeat times")
    args = ap.parse_args()
    backends = [b.strip() for b in args.backend.split(",") if b.strip()]
    unknown = sorted(set(backends) - {"sqlite", "postgresql"})
    if unknown:
        raise SystemExit(f"unknown backend {', '.join(unknown)}: use sqlite, postgresql or both")
    tmp = None
    folder = args.keep
    if folder is None:
        tmp = tempfile.TemporaryDirectory()
        folder = Path(tmp.name)
    folder = folder.resolve()
    folder.mkdir(parents=True, exist_ok=True)
    server = _postgres_server(args.keep and folder) if "postgresql" in backends else None
    try:
        for n in (int(s) for s in args.sizes.split(",")):
            libs = []
            for backend in backends:
                url = f"sqlite:///{folder}/scale-{n}.sqlite" if backend == "sqlite" else _postgres_library(server, n)
                lib = Library(backend, url, n)
                store = open_store(url)
                have = store.document_count()
                if have < n:
                    rate, share = build(store, n - have, start=have)
                    lib.notes.append(f"ingest (no analysis run): {n - have:,} documents at {rate:,.0f} docs/s,"
                                     f" {share:.0%} of it in add_document ({_load()})")
                store.close()
                measure(lib, args.repeat, tuple(w for w in args.only.split(",") if w))
                libs.append(lib)
            report(libs)
    finally:
        if server is not None:
            server.stop()
        if tmp:
            tmp.cleanup()


if __name__ == "__main__":
    main()
