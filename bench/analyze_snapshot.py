"""Snapshot of what ``analyze`` outputs, to show that a refactor changed nothing it should not.

Runs the real pipeline (``clipfile.pipeline.analyze``, what ``clipfile analyze --json`` prints)
over the bundled samples, ``tests/data/``, and, when ``../shared`` is present, the seed article,
the real-news texts of both languages, the PolNeAR dev texts and the adaq-ru sentences.  Files
are read the way the command reads them (``expand_sources``/``read_source``); the benchmark
JSON Lines are read row by row (text, source and publication date), so their gold annotations
stay out of the output.

    python bench/analyze_snapshot.py --save before.jsonl
    python bench/analyze_snapshot.py --compare before.jsonl [--only ru] [--show 3] [--many]

``--many`` analyses with ``clipfile.pipeline.analyze_many`` (documents parsed in batches, as
``ingest`` does) instead of one ``analyze`` per document: its output must be the same.
``--save`` writes one canonical JSON line per document (``{"key", "lang", "json"}``);
``--compare`` runs again and prints, per language, how many documents are identical and, for
the changed ones, which fields changed (for list fields: which record fields).  Left out of the
comparison: ``pipeline_version`` (it changes by design when the pipeline changes),
``document.ingested`` (the time of reading) and ``document.origin`` (the absolute path a file
was read from, which differs between checkouts).
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any, Iterator

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from clipfile.errors import ClipfileError  # noqa: E402
from clipfile.ingest import expand_sources, read_source  # noqa: E402
from clipfile.pipeline import analyze, analyze_many  # noqa: E402
from clipfile.records import Document  # noqa: E402


def shared_dir() -> Path:
    env = os.environ.get("CLIPFILE_SHARED")
    return Path(env) if env else ROOT.parent / "shared"


def _files(group: str, folder: Path) -> Iterator[tuple[str, Document]]:
    """Documents of the files in ``folder``, read as ``clipfile analyze`` reads them; each is
    named by its path in the folder, so checkouts in other places compare."""
    if not folder.exists():
        return
    for src in expand_sources([str(folder)]):
        try:
            result = read_source(src)
        except ClipfileError:
            continue  # a bad input is reported by the command and skipped; so here
        for n, doc in enumerate(result):
            yield f"{group}:{os.path.relpath(src.ref, folder)}#{n}", doc


def _rows(group: str, path: Path) -> Iterator[tuple[str, Document]]:
    """Documents of a benchmark JSON Lines file: text, source and publication date only."""
    if not path.exists():
        return
    with path.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh):
            if not line.strip():
                continue
            row = json.loads(line)
            published = row.get("published") or (row.get("meta") or {}).get("date")
            doc = Document(text=row["text"], source=row.get("source"), published=published)
            yield f"{group}:{row.get('id', n)}", doc


def corpus(only: str | None) -> Iterator[tuple[str, Document]]:
    bench = shared_dir() / "bench"
    groups: list[tuple[str, Any]] = [
        ("samples", lambda: _files("samples", ROOT / "src" / "clipfile" / "samples")),
        ("testdata", lambda: _files("testdata", ROOT / "tests" / "data")),
        ("seed", lambda: _files("seed", shared_dir() / "seed")),
        ("realnews-en", lambda: _rows("realnews-en", bench / "realnews" / "en-dev.jsonl")),
        ("realnews-ru", lambda: _rows("realnews-ru", bench / "realnews" / "ru-dev.jsonl")),
        ("adaq-ru", lambda: _rows("adaq-ru", bench / "quotes" / "adaq-ru-dev.jsonl")),
        ("polnear", lambda: _rows("polnear", bench / "quotes" / "polnear-dev.jsonl")),
    ]
    for name, make in groups:
        if only and only not in name:
            continue
        yield from make()


_VARYING = ("ingested", "origin")


def canonical(obj: dict[str, Any]) -> str:
    obj = dict(obj)
    obj.pop("pipeline_version", None)
    obj["document"] = {k: v for k, v in obj["document"].items() if k not in _VARYING}
    return json.dumps(obj, ensure_ascii=False)


def snapshot(only: str | None, many: bool = False) -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {}
    t0 = time.perf_counter()
    pairs = list(corpus(only))
    found = analyze_many(doc for _key, doc in pairs) if many else (analyze(doc) for _key, doc in pairs)
    for (key, _doc), a in zip(pairs, found):
        if isinstance(a, Exception):
            raise a
        out[key] = {"key": key, "lang": a.language or "-", "json": canonical(a.to_json())}
    print(f"{len(out)} documents analysed in {time.perf_counter() - t0:.0f}s", file=sys.stderr)
    return out


def _record_fields(before: list[Any], after: list[Any]) -> set[str]:
    """Names of the record fields that differ between two lists of records."""
    if len(before) != len(after):
        return {f"count {len(before)}->{len(after)}"}
    changed: set[str] = set()
    for b, a in zip(before, after):
        if isinstance(b, dict) and isinstance(a, dict):
            changed |= {k for k in set(b) | set(a) if b.get(k) != a.get(k)}
        elif b != a:
            changed.add("value")
    return changed


def diff_fields(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    out = []
    for field in sorted(set(before) | set(after)):
        b, a = before.get(field), after.get(field)
        if b == a:
            continue
        if isinstance(b, list) and isinstance(a, list):
            out.append(f"{field}[{','.join(sorted(_record_fields(b, a)))}]")
        else:
            out.append(field)
    return out


def compare(saved: dict[str, dict[str, str]], now: dict[str, dict[str, str]], show: int) -> int:
    counts: dict[str, Counter] = defaultdict(Counter)
    fields: dict[str, Counter] = defaultdict(Counter)
    examples: dict[str, list[str]] = defaultdict(list)
    for key, row in now.items():
        old = saved.get(key)
        lang = row["lang"]
        if old is None:
            counts[lang]["new"] += 1
            continue
        if old["lang"] != lang:
            counts[lang][f"language was {old['lang']}"] += 1
        if old["json"] == row["json"]:
            counts[lang]["identical"] += 1
            continue
        counts[lang]["changed"] += 1
        changed = diff_fields(json.loads(old["json"]), json.loads(row["json"]))
        fields[lang].update(changed)
        if len(examples[lang]) < show:
            examples[lang].append(f"    {key}: {' '.join(changed)}")
    missing = [k for k in saved if k not in now]
    for lang in sorted(counts):
        c = counts[lang]
        extra = "".join(f", {n} {what}" for what, n in sorted(c.items())
                        if what not in ("identical", "changed"))
        print(f"{lang}: {c['identical']} identical, {c['changed']} changed{extra}")
        for field, n in fields[lang].most_common():
            print(f"  {n:4d} {field}")
        for line in examples[lang]:
            print(line)
    if missing:
        print(f"{len(missing)} saved documents not analysed this time (--only?)")
    return 0 if not any(c["changed"] for c in counts.values()) else 1


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--save", type=Path, help="write the snapshot to this file")
    ap.add_argument("--compare", type=Path, help="compare with a saved snapshot")
    ap.add_argument("--only", help="run only the groups whose name contains this (samples, "
                                   "testdata, seed, realnews-en, realnews-ru, adaq-ru, polnear)")
    ap.add_argument("--many", action="store_true", help="analyse with analyze_many (batched parses)")
    ap.add_argument("--show", type=int, default=5, help="changed documents to name per language")
    args = ap.parse_args(argv)
    if not args.save and not args.compare:
        ap.error("give --save FILE or --compare FILE")
    saved = None
    if args.compare:
        with args.compare.open(encoding="utf-8") as fh:
            saved = {r["key"]: {**r, "json": canonical(json.loads(r["json"]))} for r in map(json.loads, fh)}
    now = snapshot(args.only, args.many)
    if args.save:
        with args.save.open("w", encoding="utf-8") as fh:
            for row in now.values():
                fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    return compare(saved, now, args.show) if saved is not None else 0


if __name__ == "__main__":
    raise SystemExit(main())
