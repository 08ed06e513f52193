"""Real-news figures for both languages, beside PolNeAR's: who said it, on what footing, who
predicted what.

Runs the full ``analyze`` pipeline (what ``clipfile analyze --json`` prints) over every gold
document of ``../shared/bench/realnews/{en,ru}-dev.jsonl``, writes the predictions to
``bench/out/realnews-<lang>.pred.jsonl`` and prints the shared scorer's figures
(``score_realnews.py``). With ``--polnear`` it then runs ``bench/eval_quotes.py --only polnear``
so both conventions are printed in one run.

    .venv/bin/python bench/eval_realnews.py [--lang en|ru] [--polnear] [--json]
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from clipfile.pipeline import analyze  # noqa: E402
from clipfile.records import Document  # noqa: E402


def shared_dir() -> Path:
    env = os.environ.get("CLIPFILE_SHARED")
    return Path(env) if env else ROOT.parent / "shared"


def predict(gold_path: Path, out_path: Path) -> tuple[int, float]:
    """Analyse every gold text as ``clipfile analyze`` would; returns (documents, seconds)."""
    rows = [json.loads(line) for line in gold_path.read_text(encoding="utf-8").splitlines() if line.strip()]
    t0 = time.perf_counter()
    with out_path.open("w", encoding="utf-8") as fh:
        for row in rows:
            doc = Document(text=row["text"], source=row.get("source"))
            fh.write(json.dumps(analyze(doc).to_json(), ensure_ascii=False) + "\n")
    return len(rows), time.perf_counter() - t0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--lang", choices=("en", "ru"), default=None, help="one language only")
    ap.add_argument("--polnear", action="store_true", help="also print the PolNeAR dev figures")
    ap.add_argument("--json", action="store_true", help="print the scorer's JSON instead of its summary")
    args = ap.parse_args(argv)
    bench = shared_dir() / "bench"
    gold_dir = bench / "realnews"
    if not gold_dir.is_dir():
        print(f"no real-news gold at {gold_dir} (set CLIPFILE_SHARED)")
        return 1
    out_dir = ROOT / "bench" / "out"
    out_dir.mkdir(parents=True, exist_ok=True)
    for lang in [args.lang] if args.lang else ["en", "ru"]:
        gold = gold_dir / f"{lang}-dev.jsonl"
        pred = out_dir / f"realnews-{lang}.pred.jsonl"
        n, secs = predict(gold, pred)
        print(f"== realnews {lang}-dev: {n} documents analysed in {secs:.1f}s")
        cmd = [sys.executable, str(bench / "score_realnews.py"), str(gold), str(pred)]
        if args.json:
            cmd.append("--json")
        out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
        print(out.rstrip())
        sys.stdout.flush()
    if args.polnear:
        print("== PolNeAR dev (bench/eval_quotes.py --only polnear)")
        sys.stdout.flush()
        subprocess.run([sys.executable, str(ROOT / "bench" / "eval_quotes.py"), "--only", "polnear"], check=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
