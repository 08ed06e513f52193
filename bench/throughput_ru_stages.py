"""Added cost of the Russian analyst stages (claims, forecasts, events) over parse+entities+quotes.

Usage: python bench/throughput_ru_stages.py [N_ARTICLES]

Articles are generated from news-style templates (quotes, hedges, denials, forecasts with
conditions and deadlines, dated happenings; names and figures drawn at random), plus ten-
sentence articles from the adaq Russian dev split under ../shared/bench/quotes when present.
Prints articles per second for the base path and for the base path with the three stages, the
added time per article, and how many claims, forecasts and events were found.
"""
from __future__ import annotations

import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from throughput_ru import from_adaq  # noqa: E402  (the same adaq texts as the entities+quotes benchmark)

from clipfile.analysis.claims import claims  # noqa: E402
from clipfile.analysis.events import events  # noqa: E402
from clipfile.analysis.forecasts import forecasts  # noqa: E402
from clipfile.lang.ru.entities import entities  # noqa: E402
from clipfile.lang.ru.parse import (
    models,  # noqa: E402
    parse,  # noqa: E402
)
from clipfile.lang.ru.quotes import quotes  # noqa: E402

PUBLISHED = "2021-03-10"

_NAMES = ["Андрей Соколов", "Ольга Белова", "Игорь Кузнецов", "Мария Орлова", "Пётр Волков"]
_TITLES = ["министр финансов", "глава комитета", "губернатор", "депутат", "генерал"]
_SENTENCES = [
    "{title_cap} {name} заявил, что {other} якобы скрывает доходы от продажи акций.",
    "«Мне сообщили, что {other_s} получал деньги от подрядчика», — сказал {name}.",
    "Доказательств этих утверждений {surname} не представил.",
    "Пресс-секретарь ведомства опровергла эти сведения.",
    "По данным прокуратуры, {other} подписал контракт в {year} году.",
    "{name} ожидает, что {other} покинет пост к {future} году.",
    "«Если выборы пройдут честно, {other_s} проиграет», — добавил {surname}.",
    "{title_cap} {name} намерен уйти в отставку до конца года.",
    "Вероятно, {other} останется у власти ещё на {n} лет.",
    "{day} августа {year} года {name} посетил Казань.",
    "На прошлой неделе {name} встретился с избирателями в Самаре.",
    "В {year} году {other} возглавил региональное отделение партии.",
    "Эта информация не подтвердилась.",
    "Не исключено, что {other} сохранит пост.",
]
_NUMS = ["два", "пять", "десять"]


def generated(n: int, rng: random.Random) -> list[str]:
    out = []
    for _ in range(n):
        paras = []
        for _p in range(6):
            sents = []
            for _s in range(3):
                name, other = rng.sample(_NAMES, 2)
                sents.append(rng.choice(_SENTENCES).format(
                    name=name, other=other, other_s=other.split()[-1], surname=name.split()[-1],
                    title_cap=rng.choice(_TITLES).capitalize(), year=rng.randint(1978, 2020),
                    future=rng.randint(2022, 2030), day=rng.randint(1, 28), n=rng.choice(_NUMS)))
            paras.append(" ".join(sents))
        out.append("\n\n".join(paras))
    return out


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 40
    rng = random.Random(7)
    adaq = from_adaq(n // 2)
    texts = adaq + generated(n - len(adaq), rng)
    models()
    chars = sum(len(t) for t in texts)
    parse(texts[0])  # warm-up
    base = stages = 0.0
    n_c = n_f = n_v = 0
    for t in texts:
        t0 = time.perf_counter()
        doc = parse(t)
        ents = entities(doc)
        qs = quotes(doc, ents)
        t1 = time.perf_counter()
        n_c += len(claims(doc, ents, qs, lang="ru"))
        n_f += len(forecasts(doc, ents, qs, lang="ru", published=PUBLISHED))
        n_v += len(events(doc, ents, lang="ru", published=PUBLISHED))
        t2 = time.perf_counter()
        base += t1 - t0
        stages += t2 - t1
    k = len(texts)
    print(f"texts: {k} ({len(adaq)} adaq, {k - len(adaq)} generated), {chars / k:.0f} chars each")
    print(f"parse+entities+quotes:          {k / base:7.2f} articles/s")
    print(f"+ claims+forecasts+events:      {k / (base + stages):7.2f} articles/s")
    print(f"added cost: {1000 * stages / k:.1f} ms/article ({100 * stages / base:.1f}% of the base path)")
    print(f"found: {n_c} claims, {n_f} forecasts, {n_v} events")


if __name__ == "__main__":
    main()
