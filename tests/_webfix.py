"""A small hand-built library for the web tests: fictional articles and analyses written by hand
(no NLP stage is needed), so the pages can be tested while the extractors are still changing."""
from __future__ import annotations

from pathlib import Path

from clipfile.entitylinks import save_linked
from clipfile.records import Document
from clipfile.store import open_store

ARTICLE_1 = (
    "Harbour board chair Lena Osk said on Monday that the new ferry terminal "
    "\"will open before the winter storms\". She added that the budget had been confirmed by auditors.\n\n"
    "According to sources close to the board, the contractor Brannoch Works may have underbid.\n\n"
    "Osk expects the council to approve the second pier by 2021. The terminal plan was first announced in 2019."
)

ARTICLE_2 = (
    "Councillor Pavel Dunmore questioned the terminal. <script>alert(\"owned\")</script> "
    "\"Lena Osk has no evidence for her timetable,\" Dunmore said. "
    "An attached image <img src=x onerror=\"alert(1)\"> was removed by the editors. "
    "Dunmore warned that harbour fees will probably rise by 2099.\n\n"
    "Osk expects the council to approve the second pier by 2021."
)

ARTICLE_3 = "Лена Оск заявила, что паром начнёт работу весной. Совет обсудит проект в марте."


def at(text: str, phrase: str, nth: int = 0) -> tuple[int, int]:
    start = -1
    for _ in range(nth + 1):
        start = text.index(phrase, start + 1)
    return start, start + len(phrase)


def mention(text: str, phrase: str, label: str = "PERSON", nth: int = 0) -> dict:
    s, e = at(text, phrase, nth)
    return {"start": s, "end": e, "text": phrase, "label": label}


def build_library(path: str | Path) -> dict[str, str]:
    """Store three documents with analyses; return their ids by name."""
    store = open_store(path)
    d1 = Document(ARTICLE_1, title="Ferry terminal to open before winter, board says", source="Harbour Gazette",
                  published="2020-03-02", language="en")
    d2 = Document(ARTICLE_2, title="Councillor doubts <b>terminal</b> timetable", source="Coast Courier",
                  published="2020-03-05", language="en")
    d3 = Document(ARTICLE_3, title="Паром начнёт работу весной", source="Береговой вестник",
                  published="2020-03-06", language="ru")
    for d in (d1, d2, d3):
        store.add_document(d)

    t = ARTICLE_1
    q1 = at(t, "will open before the winter storms")
    c1 = at(t, "the budget had been confirmed by auditors")
    c2 = at(t, "the contractor Brannoch Works may have underbid")
    f1 = at(t, "Osk expects the council to approve the second pier by 2021")
    ev = at(t, "The terminal plan was first announced in 2019")
    save_linked(store, {
        "document": {"id": d1.id},
        "entities": [
            {"id": "e1", "name": "Lena Osk", "type": "PERSON", "aliases": ["Osk"],
             "mentions": [mention(t, "Lena Osk"), mention(t, "Osk", nth=1)]},
            {"id": "e2", "name": "Brannoch Works", "type": "ORG", "aliases": [],
             "mentions": [mention(t, "Brannoch Works", "ORG")]},
        ],
        "quotes": [{"id": "q1", "start": q1[0], "end": q1[1], "text": t[q1[0]:q1[1]], "kind": "direct",
                    "cue": {"start": at(t, "said")[0], "end": at(t, "said")[1], "text": "said"},
                    "speaker": {"name": "Lena Osk", "entity_id": "e1", "start": at(t, "Lena Osk")[0],
                                "end": at(t, "Lena Osk")[1], "resolution": "named", "confidence": 0.95}}],
        "claims": [
            {"id": "c1", "start": c1[0], "end": c1[1], "text": t[c1[0]:c1[1]], "status": "evidenced",
             "certainty": 0.9, "source": {"name": "Lena Osk", "entity_id": "e1"}, "subject": None,
             "markers": [{"start": at(t, "confirmed")[0], "end": at(t, "confirmed")[1], "text": "confirmed",
                          "kind": "evidenced"}]},
            {"id": "c2", "start": c2[0], "end": c2[1], "text": t[c2[0]:c2[1]], "status": "hearsay",
             "certainty": 0.35, "source": None, "subject": {"name": "Brannoch Works", "entity_id": "e2"}},
        ],
        "forecasts": [{"id": "f1", "start": f1[0], "end": f1[1], "text": t[f1[0]:f1[1]],
                       "event": {"start": f1[0], "end": f1[1], "text": t[f1[0]:f1[1]]},
                       "probability": 0.8, "probability_term": "expects",
                       "forecaster": {"name": "Lena Osk", "entity_id": "e1"}, "target": None,
                       "deadline": {"start": at(t, "2021")[0], "end": at(t, "2021")[1], "text": "by 2021",
                                    "value": "2021", "precision": "year"}}],
        "events": [{"id": "v1", "start": ev[0], "end": ev[1], "text": t[ev[0]:ev[1]],
                    "date": {"start": at(t, "2019")[0], "end": at(t, "2019")[1], "text": "2019",
                             "value": "2019", "precision": "year"},
                    "participants": [{"name": "Lena Osk", "entity_id": "e1"}]}],
        "duplicates": [],
    }, version="test")

    t = ARTICLE_2
    q2 = at(t, "Lena Osk has no evidence for her timetable,")
    f2 = at(t, "harbour fees will probably rise by 2099")
    dup = at(t, "Osk expects the council to approve the second pier by 2021.")
    save_linked(store, {
        "document": {"id": d2.id},
        "entities": [
            {"id": "e1", "name": "Pavel Dunmore", "type": "PERSON", "aliases": ["Dunmore"],
             "mentions": [mention(t, "Pavel Dunmore"), mention(t, "Dunmore", nth=1)]},
            {"id": "e2", "name": "Lena Osk", "type": "PERSON", "aliases": ["Osk"],
             "mentions": [mention(t, "Lena Osk")]},
        ],
        "quotes": [{"id": "q1", "start": q2[0], "end": q2[1], "text": t[q2[0]:q2[1]], "kind": "direct",
                    "speaker": {"name": "Pavel Dunmore", "entity_id": "e1", "start": at(t, "Dunmore", 1)[0],
                                "end": at(t, "Dunmore", 1)[1], "resolution": "named", "confidence": 0.9}}],
        "claims": [{"id": "c1", "start": q2[0], "end": q2[1] - 1, "text": t[q2[0]:q2[1] - 1],
                    "status": "disputed", "certainty": 0.5, "source": {"name": "Pavel Dunmore", "entity_id": "e1"},
                    "subject": {"name": "Lena Osk", "entity_id": "e2"}}],
        "forecasts": [{"id": "f1", "start": f2[0], "end": f2[1], "text": t[f2[0]:f2[1]],
                       "event": {"start": f2[0], "end": f2[1], "text": t[f2[0]:f2[1]]},
                       "probability": 0.7, "probability_term": "probably",
                       "forecaster": {"name": "Pavel Dunmore", "entity_id": "e1"}, "target": None,
                       "deadline": {"start": at(t, "2099")[0], "end": at(t, "2099")[1], "text": "by 2099",
                                    "value": "2099", "precision": "year"}}],
        "events": [],
        "duplicates": [{"start": dup[0], "end": dup[1], "of": {"document": d1.id, "start": f1[0], "end": f1[1] + 1},
                        "similarity": 1.0, "inconsistencies": []}],
    }, version="test")

    t = ARTICLE_3
    save_linked(store, {
        "document": {"id": d3.id},
        "entities": [{"id": "e1", "name": "Лена Оск", "type": "PERSON", "aliases": [],
                      "mentions": [mention(t, "Лена Оск")]}],
        "quotes": [], "claims": [], "forecasts": [], "events": [], "duplicates": [],
    }, version="test")
    store.close()
    return {"d1": d1.id, "d2": d2.id, "d3": d3.id}
