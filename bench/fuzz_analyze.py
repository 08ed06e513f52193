"""Fuzz ``analyze`` in both languages and count what went wrong (issue #14).

Generates texts with the strategy the test suite uses (``tests/_fuzztext.py``: news-like
words of both scripts, quotation marks of every script, dashes, RTL text, combining marks,
emoji, astral characters, lone surrogates, empty and whitespace-only text) and runs each
through the whole pipeline as English and as Russian::

    python bench/fuzz_analyze.py --cases 3000 [--lang en|ru] [--seed 1] [--show 5]

A case is one text analysed in one language.  It counts as an **exception** when
``Document(...)`` or ``analyze`` raises anything but the refusal of a lone surrogate (an
``IngestError`` from ``Document``), when the analysis records a **problem** (an item a stage
had to skip: a bug the pipeline survived), or when an item's offsets do not point into the
text.  Prints ``cases N, exceptions E`` (and the first few failing texts), the figure the
issue's closing note asks for.
"""
from __future__ import annotations

import argparse
import re
import sys
import time
import traceback
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "tests"))

from _fuzztext import has_surrogate, offset_problems, texts  # noqa: E402
from hypothesis import HealthCheck, Phase, given, seed, settings  # noqa: E402

from clipfile.errors import IngestError  # noqa: E402
from clipfile.pipeline import analyze  # noqa: E402
from clipfile.records import Document  # noqa: E402


def check(text: str, lang: str) -> str | None:
    """What went wrong analysing ``text`` in ``lang``, or None."""
    try:
        doc = Document(text=text, language=lang)
    except IngestError:
        return None if has_surrogate(text) else f"Document refused it: {traceback.format_exc(limit=-2)}"
    except Exception:  # noqa: BLE001 - counting every failure is the point
        return f"Document raised: {traceback.format_exc(limit=-3)}"
    if has_surrogate(text):
        return "Document accepted a lone surrogate"
    try:
        a = analyze(doc)
    except Exception:  # noqa: BLE001
        return f"analyze raised: {traceback.format_exc(limit=-4)}"
    if getattr(a, "problems", ()):
        return "problems recorded: " + "; ".join(f"{p.stage}/{p.item}: {p.error}" for p in a.problems)
    bad = offset_problems(a.to_json(), text)
    return "offsets: " + "; ".join(bad[:3]) if bad else None


def _kind(why: str) -> str:
    """One line naming a failure: what failed and the exception's last line."""
    lines = why.strip().splitlines()
    last = re.sub(r"(position|document) \w+", r"\1 N", lines[-1])
    return last[:120] if len(lines) == 1 else f"{lines[0].split(':')[0]}: {last[:110]}"


def run(lang: str, cases: int, seed_value: int) -> tuple[int, list[tuple[str, str]]]:
    done = 0
    failures: list[tuple[str, str]] = []

    @seed(seed_value)
    @settings(max_examples=cases, deadline=None, database=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(texts())
    def one(text: str) -> None:
        nonlocal done
        done += 1
        why = check(text, lang)
        if why:
            failures.append((text, why))

    one()
    return done, failures


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--cases", type=int, default=2000, help="texts per language (default 2000)")
    ap.add_argument("--lang", choices=("en", "ru"), help="one language only")
    ap.add_argument("--seed", type=int, default=14)
    ap.add_argument("--show", type=int, default=5, help="failing texts to print per language")
    args = ap.parse_args(argv)
    total = errors = 0
    for lang in [args.lang] if args.lang else ["en", "ru"]:
        t0 = time.perf_counter()
        n, failures = run(lang, args.cases, args.seed)
        total += n
        errors += len(failures)
        kinds = Counter(_kind(why) for _t, why in failures)
        print(f"{lang}: cases {n}, exceptions {len(failures)} ({time.perf_counter() - t0:.0f}s)")
        for why, k in kinds.most_common(8):
            print(f"  {k:4d} {why}")
        for text, why in failures[:args.show]:
            print(f"  {text!r}\n    {why.strip().splitlines()[-1]}")
    print(f"cases {total}, exceptions {errors}")
    return 1 if errors else 0


if __name__ == "__main__":
    raise SystemExit(main())
