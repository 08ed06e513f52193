"""Page latency of the web workbench on a generated library.

Builds a library of generated documents (default 10,000) with analyses synthesised directly
(quotes, claims, forecasts, events, entity mentions at real offsets; no NLP), then requests
search, document and entity pages in-process through FastAPI's TestClient and prints p50/p95.

    .venv/bin/python bench/web.py [--docs 10000] [--requests 200] [--library PATH]

A library file given with --library is reused when it already holds documents.
"""
from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

from fastapi.testclient import TestClient

from clipfile.entitylinks import save_linked
from clipfile.records import Document
from clipfile.store import open_store
from clipfile.web import create_app

SYL = ["ka", "lo", "mi", "ren", "to", "va", "sel", "dor", "an", "bri", "ne", "os", "tal", "vik", "mar", "el", "ur",
       "zan"]
WORDS = ("harbour council budget ferry terminal contract storm pier fees vote election minister port "
         "shipping road bridge school hospital river energy grid water tax report audit court police "
         "union strike festival museum market bank loan farm fishery weather flood plan survey").split()
STATUSES = ["asserted", "hedged", "hearsay", "evidenced", "unsupported", "disputed", "denied"]


def _name(rng: random.Random) -> str:
    first = "".join(rng.choice(SYL) for _ in range(2)).title()
    last = "".join(rng.choice(SYL) for _ in range(3)).title()
    return f"{first} {last}"


def _sentence(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n)).capitalize() + "."


def build(path: Path, n_docs: int, seed: int = 7, *, blocks: tuple[int, int] = (3, 6)) -> None:
    """Write ``n_docs`` generated documents with analyses into the library at ``path``.

    Each document has ``blocks`` (a random count in that range) sentence + quote blocks; the
    load benchmark asks for more to get article-length texts."""
    rng = random.Random(seed)
    people = list(dict.fromkeys(_name(rng) for _ in range(400)))[:300]
    sources = [f"{w.title()} {k}" for w in WORDS[:15] for k in ("Gazette", "Courier")]
    store = open_store(path)
    t0 = time.perf_counter()
    for i in range(n_docs):
        parts: list[str] = []
        pos = 0

        def add(s: str) -> tuple[int, int]:
            nonlocal pos
            start = pos
            parts.append(s)
            pos += len(s)
            return start, pos

        cast = rng.sample(people, 3)
        ents = {p: {"id": f"e{k + 1}", "name": p, "type": "PERSON", "aliases": [p.split()[1]], "mentions": []}
                for k, p in enumerate(cast)}
        quotes, claims, forecasts, events = [], [], [], []
        for k in range(rng.randint(*blocks)):
            who = rng.choice(cast)
            add(_sentence(rng, rng.randint(8, 20)) + " ")
            s, e = add(who)
            ents[who]["mentions"].append({"start": s, "end": e, "text": who, "label": "PERSON"})
            add(" said that ")
            qs, qe = add(" ".join(rng.choice(WORDS) for _ in range(rng.randint(6, 14))))
            add(". ")
            quotes.append({"id": f"q{k}", "start": qs, "end": qe, "text": "".join(parts)[qs:qe], "kind": "indirect",
                           "speaker": {"name": who, "entity_id": ents[who]["id"], "start": s, "end": e,
                                       "resolution": "named", "confidence": 0.9}})
            claims.append({"id": f"c{k}", "start": qs, "end": qe, "text": "".join(parts)[qs:qe],
                           "status": rng.choice(STATUSES), "certainty": round(rng.random(), 2),
                           "source": {"name": who, "entity_id": ents[who]["id"]}, "subject": None})
        year = rng.randint(2015, 2024)
        fs, fe = add(f"The {rng.choice(WORDS)} will {rng.choice(WORDS)} by {year + 2}. ")
        forecasts.append({"id": "f1", "start": fs, "end": fe - 1, "text": "".join(parts)[fs:fe - 1],
                          "event": {"start": fs, "end": fe - 1, "text": "".join(parts)[fs:fe - 1]},
                          "probability": round(rng.random(), 2), "probability_term": "will",
                          "forecaster": {"name": cast[0], "entity_id": ents[cast[0]]["id"]}, "target": None,
                          "deadline": {"start": fe - 6, "end": fe - 2, "text": str(year + 2), "value": str(year + 2),
                                       "precision": "year"}})
        es, ee = add(f"The {rng.choice(WORDS)} opened in {year - 3}.")
        events.append({"id": "v1", "start": es, "end": ee, "text": "".join(parts)[es:ee],
                       "date": {"start": ee - 5, "end": ee - 1, "text": str(year - 3), "value": str(year - 3),
                                "precision": "year"},
                       "participants": [{"name": cast[1], "entity_id": ents[cast[1]]["id"]}]})
        text = "".join(parts)
        month = rng.randint(1, 12)
        doc = Document(text, title=f"{_sentence(rng, 5)[:-1]} ({i})", source=rng.choice(sources),
                       published=f"{year}-{month:02d}-{rng.randint(1, 28):02d}", language="en")
        store.add_document(doc)
        save_linked(store, {"document": {"id": doc.id}, "entities": list(ents.values()), "quotes": quotes,
                             "claims": claims, "forecasts": forecasts, "events": events, "duplicates": []},
                            version="bench")
        if (i + 1) % 2000 == 0:
            print(f"  built {i + 1} documents in {time.perf_counter() - t0:.1f}s", file=sys.stderr)
    store.close()


def _pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def measure(path: Path, n: int, seed: int = 11) -> dict[str, list[float]]:
    """Request each page kind ``n`` times; return latencies in milliseconds."""
    rng = random.Random(seed)
    store = open_store(path)
    doc_ids = [d.id for d in store.list_documents(limit=100_000)]
    entity_ids = [e.id for e in store.list_entities(limit=300)]
    store.close()
    times: dict[str, list[float]] = {"search": [], "search+filters": [], "document": [], "entity": [],
                                     "ledger": []}
    with TestClient(create_app(path)) as c:
        c.get("/search?q=warmup")
        for _ in range(n):
            jobs = {
                "search": f"/search?q={rng.choice(WORDS)}+{rng.choice(WORDS)}",
                "search+filters": f"/search?q={rng.choice(WORDS)}&kind=quote&date_from=2018-01-01",
                "document": f"/doc/{rng.choice(doc_ids)}",
                "entity": f"/entity/E{rng.choice(entity_ids)}",
            }
            if len(times["ledger"]) < 10:  # the whole ledger: every forecast in the library
                jobs["ledger"] = "/forecasts"
            for kind, url in jobs.items():
                t = time.perf_counter()
                r = c.get(url)
                times[kind].append((time.perf_counter() - t) * 1000)
                if r.status_code != 200:
                    raise SystemExit(f"{url} answered {r.status_code}")
    return times


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--docs", type=int, default=10_000)
    ap.add_argument("--requests", type=int, default=200)
    ap.add_argument("--library", type=Path)
    args = ap.parse_args()
    tmp = None
    path = args.library
    if path is None:
        tmp = tempfile.TemporaryDirectory()
        path = Path(tmp.name) / "bench.sqlite"
    existing = open_store(path).document_count() if path.exists() else 0
    if existing < args.docs:
        t = time.perf_counter()
        build(path, args.docs - existing, seed=7 + existing)
        print(f"built {args.docs - existing} documents in {time.perf_counter() - t:.1f}s")
    store = open_store(path)
    stats = store.stats()
    store.close()
    print(f"library: {stats['documents']} documents, {stats['entities']} entities, items {stats['items']}")
    times = measure(path, args.requests)
    print(f"{'page':16} {'n':>5} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
    for kind, ts in times.items():
        print(f"{kind:16} {len(ts):5d} {statistics.median(ts):8.1f} {_pct(ts, 0.95):8.1f} {max(ts):8.1f}")
    if tmp:
        tmp.cleanup()


if __name__ == "__main__":
    main()
