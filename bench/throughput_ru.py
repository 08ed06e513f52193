"""Russian throughput: articles per second for the full entities+quotes path against a
natasha-only parse (segment, morphology, syntax, NER) of the same texts.

Usage: python bench/throughput_ru.py [N_ARTICLES]
Articles are built from the adaq dev sentences (../shared, ten sentences each) when present,
plus generated news-style paragraphs, so the figure does not depend on one text.
"""
from __future__ import annotations

import json
import os
import random
import sys
import time
from pathlib import Path

from clipfile.lang.ru.entities import entities
from clipfile.lang.ru.parse import models, natasha_doc, parse
from clipfile.lang.ru.quotes import quotes

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("CLIPFILE_SHARED", ROOT.parent / "shared"))

_NAMES = ["Андрей Соколов", "Ольга Белова", "Игорь Кузнецов", "Мария Орлова", "Пётр Волков"]
_TITLES = ["министр финансов", "глава комитета", "губернатор", "пресс-секретарь", "депутат"]
_TEMPLATES = [
    "«{claim}», — заявил {title} {name}.",
    "{name} сказал журналистам, что {claim_l}.",
    "По словам {title_gen}, {claim_l}.",
    "— {claim}, — подчеркнул {surname}. — Других вариантов нет.",
    "{title_cap} {name} отметил: «{claim}».",
    "В среду в Москве прошло заседание, на котором обсуждали бюджет на 2025 год.",
]
_CLAIMS = ["Бюджет будет сбалансирован", "Цены к осени стабилизируются", "Мы не отступим от плана",
           "Реформа займёт не меньше двух лет", "Новых налогов не будет"]


def generated(n: int, rng: random.Random) -> list[str]:
    out = []
    for _ in range(n):
        paras = []
        for _p in range(8):
            name = rng.choice(_NAMES)
            title = rng.choice(_TITLES)
            claim = rng.choice(_CLAIMS)
            paras.append(rng.choice(_TEMPLATES).format(
                claim=claim, claim_l=claim[0].lower() + claim[1:], name=name, title=title,
                title_gen="главы ведомства", surname=name.split()[-1], title_cap=title.capitalize()))
        out.append("\n\n".join(paras))
    return out


def from_adaq(n: int) -> list[str]:
    path = SHARED / "bench/quotes/adaq-ru-dev.jsonl"
    if not path.exists():
        return []
    sents = [json.loads(line)["text"] for line in path.open(encoding="utf-8") if line.strip()]
    return [" ".join(sents[i : i + 10]) for i in range(0, min(len(sents), 10 * n), 10)]


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 40
    rng = random.Random(5)
    texts = from_adaq(n // 2) + generated(n - n // 2, rng)
    t0 = time.perf_counter()
    models()
    print(f"model load: {time.perf_counter() - t0:.2f} s (once per process)")
    chars = sum(len(t) for t in texts)
    natasha_doc(texts[0])  # warm-up
    t0 = time.perf_counter()
    for t in texts:
        natasha_doc(t)
    base = time.perf_counter() - t0
    t0 = time.perf_counter()
    n_q = n_e = 0
    for t in texts:
        doc = parse(t)
        ents = entities(doc)
        n_e += len(ents)
        n_q += len(quotes(doc, ents))
    full = time.perf_counter() - t0
    print(f"{len(texts)} Russian articles, {chars / len(texts):.0f} chars on average")
    print(f"natasha-only parse:        {len(texts) / base:6.1f} articles/s")
    print(f"clipfile entities+quotes:  {len(texts) / full:6.1f} articles/s  "
          f"({full / base:.2f}x the parse time; {n_e} entities, {n_q} quotes)")


if __name__ == "__main__":
    main()
