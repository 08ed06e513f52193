"""Library-wide entity figures on real news, without gold entity labels.

Ingests the real-news development documents (``../shared/bench/realnews/{en,ru}-dev.jsonl``)
and PolNeAR dev (``../shared/bench/quotes/polnear-dev.jsonl``) into a temporary library and
prints what can be counted honestly without a gold standard of who is who:

* library entities (by type) and the within-document entities linked into them;
* merges across documents: library entities that gather within-document entities of two or more
  documents, and how many links that took;
* suspect person merges: a library person whose full-name aliases disagree on the first
  name's initial (``George Bush`` / ``Laura Bush``) or on the surname (``Mark Lewis-Francis`` /
  ``Meadows``).  The check is deliberately cruder than the linking rules (first letters only, and
  a transliteration fold for the surname) so that it does not grade the rules by themselves;
* canonical names that are not names: starting lower-case, a hyphenated prefix form
  (``anti-Biden``), a nationality adjective (single word ending -ish/-ian/-ese/-ean/-an typed
  NORP, or any single word ending -ish), mixed Latin and Cyrillic, or a Russian adjective form;
* cross-script joins: library entities whose names include both Latin and Cyrillic spellings,
  by type.

Analyses are cached in ``bench/out/entity-cache/`` by pipeline version and text, so changing
only the library-wide linking rules re-runs in seconds; ``--fresh`` ignores the cache.

    .venv/bin/python bench/eval_entities.py [--no-polnear] [--examples 15] [--fresh]
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import sqlite3
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from clipfile.analysis.names import strip_title_words  # noqa: E402
from clipfile.entitylinks import save_linked  # noqa: E402
from clipfile.errors import ClipfileError  # noqa: E402
from clipfile.pipeline import analysis_language, analyze, pipeline_version  # noqa: E402
from clipfile.records import Document  # noqa: E402
from clipfile.store.sqlite import SQLiteStore  # noqa: E402
from clipfile.translit import fold  # noqa: E402

# Lower-case words that begin names ("al-Assad", "de Gaulle"): defined here, apart from the rules.
NAME_PARTICLES = frozenset(
    "al el ad ash as bin ibn bint abu de del della di da dos du la le van von der den ter".split())
_LATIN = re.compile(r"[A-Za-z\u00c0-\u024f]")
_CYR = re.compile(r"[\u0400-\u04ff]")


def shared_dir() -> Path:
    env = os.environ.get("CLIPFILE_SHARED")
    return Path(env) if env else ROOT.parent / "shared"


def load(path: Path, limit: int | None = None) -> list[dict]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return rows[:limit] if limit else rows


def cached_analysis(doc: Document, cache: Path, fresh: bool) -> dict:
    lang = analysis_language(doc)
    key = hashlib.sha256(f"{pipeline_version(lang)}\0{lang}\0{doc.text}".encode()).hexdigest()[:24]
    path = cache / f"{key}.json"
    if path.exists() and not fresh:
        return json.loads(path.read_text(encoding="utf-8"))
    result = analyze(doc).to_json()
    path.write_text(json.dumps(result, ensure_ascii=False), encoding="utf-8")
    return result


def _words(name: str) -> list[str]:
    words = [w.strip(".,'\u2019\"") for w in name.replace("\u00a0", " ").split()]
    words = strip_title_words([w for w in words if w])
    while len(words) > 1 and words[0].casefold() in NAME_PARTICLES:
        words = words[1:]
    return words


def _full_name(name: str) -> tuple[str, str] | None:
    """(first letter of the first name, folded surname) of a multi-word name, else None."""
    words = _words(name)
    if len(words) < 2 or not words[0][:1].isupper():
        return None
    first = fold(words[0])[:1] or words[0][:1].lower()
    return first, fold(words[-1].split("-")[-1])


def not_a_name(name: str, etype: str) -> str | None:
    """Why a canonical name is not a name (a short reason), or None."""
    words = name.split()
    if not words:
        return "empty"
    if re.match(r"^[a-z\u0430-\u044f]+-", name) and name.split("-")[0] not in NAME_PARTICLES:
        return "prefix form"
    if not words[0][:1].isupper() and not words[0][:1].isdigit() and words[0].split("-")[0] not in NAME_PARTICLES:
        return "lower-case"
    if etype == "PERSON" and _LATIN.search(name) and _CYR.search(name):
        return "mixed script"
    if len(words) == 1:
        low = name.casefold()
        if low.endswith("ish") or (etype == "NORP" and re.search(r"(ian|ese|ean|an|i)$", low)):
            return "adjective"
        if _CYR.search(name) and re.search(r"(ский|ская|ское|ские|цкий|цкая)$", low):
            return "adjective"
    return None


def report(db_path: Path, examples: int) -> None:
    db = sqlite3.connect(db_path)
    roots = {r[0]: (r[1], r[2]) for r in db.execute("SELECT id, name, type FROM entities WHERE merged_into IS NULL")}
    aliases: dict[int, set[str]] = defaultdict(set)
    for eid, alias in db.execute("SELECT entity_id, alias FROM entity_aliases"):
        aliases[eid].add(alias)
    docs: dict[int, set[str]] = defaultdict(set)
    for eid, doc in db.execute("SELECT DISTINCT entity_id, doc_id FROM mentions"):
        docs[eid].add(doc)
    n_docs = db.execute("SELECT count(*) FROM documents").fetchone()[0]
    by_type = Counter(t for _, t in roots.values())
    linked = sum(len(d) for d in docs.values())
    cross = {e: d for e, d in docs.items() if len(d) > 1}
    print(f"documents: {n_docs}   library entities: {len(roots)}   "
          f"within-document entities linked: {linked}")
    print("  by type: " + ", ".join(f"{t} {n}" for t, n in by_type.most_common()))
    print(f"merges across documents: {len(cross)} entities in 2+ documents, "
          f"{sum(len(d) - 1 for d in cross.values())} cross-document links")
    people_cross = [e for e in cross if roots.get(e, ("", ""))[1] == "PERSON"]
    print(f"  of them people: {len(people_cross)} entities, "
          f"{sum(len(cross[e]) - 1 for e in people_cross)} links")

    first_bad, sur_bad = [], []
    for eid, (name, etype) in roots.items():
        if etype != "PERSON":
            continue
        full = [f for f in (_full_name(a) for a in aliases[eid] | {name}) if f]
        if len({f[0] for f in full}) > 1:
            first_bad.append(eid)
        # A bare word must be the surname or first name of one of the full names.
        names = [_words(a) for a in aliases[eid] | {name}]
        fulls = [w for w in names if len(w) > 1]
        known = {fold(w[-1]) for w in fulls} | {fold(w[0]) for w in fulls}
        surnames = {fold(w[-1]) for w in fulls}
        if len(surnames) > 1 or (fulls and any(len(w) == 1 and fold(w[0]) not in known for w in names)):
            sur_bad.append(eid)
    # The price of caution: people named by surname alone left apart from a library person
    # whose full name ends with that surname.
    full_surnames = {fold(w[-1]) for eid, (name, etype) in roots.items() if etype == "PERSON"
                     for w in (_words(a) for a in aliases[eid] | {name}) if len(w) > 1}
    bare_apart = [eid for eid, (name, etype) in roots.items() if etype == "PERSON"
                  and all(len(_words(a)) <= 1 for a in aliases[eid] | {name})
                  and fold((_words(name) or [""])[-1]) in full_surnames]
    print(f"people named by surname alone and left apart from a full name with that surname: "
          f"{len(bare_apart)} entities, {sum(len(docs.get(e, ())) for e in bare_apart)} documents")
    print(f"suspect person merges: {len(first_bad)} whose full names disagree on the first initial, "
          f"{len(sur_bad)} whose names disagree on the surname")
    for eid in (first_bad + sur_bad)[:examples]:
        print(f"    E{eid} {roots[eid][0]!r}: {sorted(aliases[eid])[:8]}")

    bad = [(eid, name, etype, why) for eid, (name, etype) in roots.items() if (why := not_a_name(name, etype))]
    reasons = Counter(b[3] for b in bad)
    print(f"canonical names that are not names: {len(bad)} "
          f"({', '.join(f'{r} {n}' for r, n in reasons.most_common()) or 'none'})")
    for eid, name, etype, why in sorted(bad, key=lambda b: -len(docs.get(b[0], ())))[:examples]:
        print(f"    E{eid} {name!r} {etype} ({why}, {len(docs.get(eid, ()))} docs)")

    xs = [eid for eid in roots if any(_LATIN.search(a) for a in aliases[eid] | {roots[eid][0]})
          and any(_CYR.search(a) for a in aliases[eid] | {roots[eid][0]})]
    xs_types = Counter(roots[e][1] for e in xs)
    print(f"cross-script joins: {len(xs)} entities "
          f"({', '.join(f'{t} {n}' for t, n in xs_types.most_common()) or 'none'})")
    for eid in xs[:examples]:
        print(f"    E{eid} {roots[eid][0]!r} {roots[eid][1]}: {sorted(aliases[eid])[:6]}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--no-polnear", action="store_true", help="real-news documents only")
    ap.add_argument("--limit", type=int, default=None, help="at most this many PolNeAR documents")
    ap.add_argument("--examples", type=int, default=12, help="examples printed per figure")
    ap.add_argument("--fresh", action="store_true", help="ignore the analysis cache")
    ap.add_argument("--keep", type=Path, default=None, help="write the library here and keep it")
    args = ap.parse_args(argv)
    bench = shared_dir() / "bench"
    sources = [bench / "realnews" / "en-dev.jsonl", bench / "realnews" / "ru-dev.jsonl"]
    if not args.no_polnear:
        sources.append(bench / "quotes" / "polnear-dev.jsonl")
    missing = [p for p in sources if not p.exists()]
    if missing:
        print(f"missing benchmark data: {missing[0]} (set CLIPFILE_SHARED)")
        return 1
    cache = ROOT / "bench" / "out" / "entity-cache"
    cache.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        db_path = args.keep or Path(tmp) / "lib.sqlite"
        if db_path.exists():
            db_path.unlink()
        t0 = time.perf_counter()
        analysed = linking = 0.0
        failed: list[str] = []
        with SQLiteStore(db_path) as store:
            for src in sources:
                rows = load(src, args.limit if "polnear" in src.name else None)
                for row in rows:
                    doc = Document(text=row["text"], source=row.get("source") or row["id"],
                                   language=row.get("lang"))
                    t1 = time.perf_counter()
                    try:
                        result = cached_analysis(doc, cache, args.fresh)
                    except ClipfileError as exc:  # reported, and the rest goes on
                        failed.append(f"{row['id']}: {str(exc)[:160]}")
                        continue
                    t2 = time.perf_counter()
                    stored = store.add_document(doc)
                    result["document"]["id"] = stored.id
                    save_linked(store, result, version=result["pipeline_version"])
                    analysed += t2 - t1
                    linking += time.perf_counter() - t2
        print(f"== entities: {', '.join(s.name for s in sources)} "
              f"({time.perf_counter() - t0:.1f}s: analysis {analysed:.1f}s, store and link {linking:.1f}s)")
        for line in failed:
            print(f"analysis failed: {line}")
        report(db_path, args.examples)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
