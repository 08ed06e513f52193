"""Write Russian quote predictions for the adaq dev split and score them.

Usage: python bench/ru_quotes_pred.py [GOLD] [OUT]
The speaker written for scoring is the mention as written (``text[speaker.start:speaker.end]``),
as in the gold; continuation quotes without a mention fall back to the resolved name.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from clipfile.lang.ru.quotes import analyze

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("CLIPFILE_SHARED", ROOT.parent / "shared"))


def predict(gold: Path, out: Path) -> None:
    with gold.open(encoding="utf-8") as fh, out.open("w", encoding="utf-8") as w:
        for line in fh:
            d = json.loads(line)
            if d.get("lang", "ru") != "ru":
                continue
            _ents, qs = analyze(d["text"])
            rows = []
            for q in qs:
                sp = q.speaker
                name = None
                if sp is not None:
                    if sp.start is not None:
                        name = d["text"][sp.start : sp.end]
                    else:
                        name = sp.name
                rows.append({"start": q.start, "end": q.end, "text": q.text, "kind": q.kind, "speaker": name})
            w.write(json.dumps({"id": d["id"], "quotes": rows}, ensure_ascii=False) + "\n")


def main() -> None:
    gold = Path(sys.argv[1]) if len(sys.argv) > 1 else SHARED / "bench/quotes/adaq-ru-dev.jsonl"
    out = Path(sys.argv[2]) if len(sys.argv) > 2 else ROOT / "bench/out/adaq-ru-pred.jsonl"
    out.parent.mkdir(parents=True, exist_ok=True)
    predict(gold, out)
    scorer = SHARED / "bench/score_quotes.py"
    direct = out.with_name(out.stem + "-direct.jsonl")
    with out.open(encoding="utf-8") as fh, direct.open("w", encoding="utf-8") as w:
        for line in fh:
            d = json.loads(line)
            d["quotes"] = [q for q in d["quotes"] if q["kind"] == "direct"]
            w.write(json.dumps(d, ensure_ascii=False) + "\n")
    for label, args in (("direct quotes (direct predictions)", [str(direct), "--kinds", "direct"]),
                        ("all kinds", [str(out)])):
        res = json.loads(subprocess.run([sys.executable, str(scorer), str(gold), *args],
                                        capture_output=True, text=True, check=True).stdout)
        print(f"{label}: overlap P/R/F1 {res['overlap50']['precision']}/{res['overlap50']['recall']}/"
              f"{res['overlap50']['f1']}  exact F1 {res['exact']['f1']}  speaker acc "
              f"{res['speaker_accuracy_overlap']['accuracy']} (n={res['speaker_accuracy_overlap']['n']})  "
              f"attributed F1 {res['attributed_overlap50']['f1']}")


if __name__ == "__main__":
    main()
