"""Short harbour reports with a quote and a claim of a named official, for the store tests
(tests/test_store.py, tests/test_store_scale.py): many documents sharing words, a few outlets."""
from __future__ import annotations

from clipfile.entitylinks import save_linked
from clipfile.records import Document

OUTLETS = ["Harbour Gazette", "Coast Courier", "Valley Post"]


def harbour_reports(store, n: int, *, rare_first: bool = False) -> list[Document]:
    """``n`` short reports on the harbour, each analysed with one quote and one claim of a named
    official; with ``rare_first`` the first comes from an outlet no other report has."""
    docs = []
    for k in range(n):
        who = ["Ivo Marek", "Marta Kell", "Oren Vadik"][k % 3]
        outlet = "Island Herald" if rare_first and k == 0 else OUTLETS[k % 3]
        text = f"{who} said the harbour fees would rise in year {k}. The ferry board met on day {k}."
        d = Document(text, title=f"Fees report {k}", source=outlet, language="en",
                     published=f"2024-01-{k % 28 + 1:02d}")
        store.add_document(d)
        q = text.index("the harbour")
        save_linked(store, {
            "document": {"id": d.id},
            "entities": [{"id": "e1", "name": who, "type": "PERSON", "aliases": [who.split()[1]],
                          "mentions": [{"start": 0, "end": len(who), "text": who, "label": "PERSON"}]}],
            "quotes": [{"id": "q1", "start": q, "end": q + 27, "text": text[q:q + 27], "kind": "indirect",
                        "speaker": {"name": who, "entity_id": "e1", "start": 0, "end": len(who)}}],
            "claims": [{"id": "c1", "start": q, "end": q + 27, "text": text[q:q + 27], "status": "asserted"}],
        }, version="t")
        docs.append(d)
    return docs
