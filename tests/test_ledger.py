"""The forecast ledger over a real SQLite library: forecasters are entities, deadlines point ahead.

The analyses are written by hand here (as an older pipeline might have stored them), so the
ledger's own rules are tested apart from the extractors.  Fictional names throughout.
"""
from __future__ import annotations

from datetime import date

import pytest

from clipfile.entitylinks import save_linked
from clipfile.ledger import ledger, resolve, scores, unscored
from clipfile.records import Document
from clipfile.store.sqlite import SQLiteStore

TODAY = date(2026, 6, 1)


@pytest.fixture
def store(tmp_path):
    s = SQLiteStore(tmp_path / "lib.sqlite")
    yield s
    s.close()


def forecast(n, start, end, *, who=None, deadline=None, p=0.8):
    return {
        "id": f"f{n}", "start": start, "end": end, "text": "x" * (end - start),
        "event": {"start": start, "end": end, "text": "x" * (end - start)},
        "probability": p, "probability_term": None, "forecaster": who, "target": None,
        "condition": None, "deadline": ({"start": start, "end": start + 4, "text": deadline, "value": deadline,
                                        "precision": "year"} if deadline else None),
        "markers": [], "quote_id": None,
    }


def save(store, text, entities, forecasts, *, published="2024-05-01"):
    doc = Document(text=text, published=published)
    store.add_document(doc)
    ents = [{"id": f"e{i}", "name": name, "type": typ, "aliases": [name],
             "mentions": [{"start": text.index(name), "end": text.index(name) + len(name), "text": name}]}
            for i, (name, typ) in enumerate(entities, 1)]
    save_linked(store, {"document": {"id": doc.id}, "entities": ents, "forecasts": forecasts}, version="test")
    return doc.id


def test_scores_group_by_entity_under_its_canonical_name_across_scripts(store):
    save(store, "Marta Lindqvist of Norvikgaz said the toll would rise.",
         [("Marta Lindqvist", "PERSON"), ("Norvikgaz", "ORG")],
         [forecast(1, 26, 41, who={"name": "Marta Lindqvist", "entity_id": "e1"})])
    save(store, "Марта Линдквист заявила, что пошлина вырастет.", [("Марта Линдквист", "PER")],
         [forecast(1, 29, 46, who={"name": "Марта Линдквист", "entity_id": "e1"})])
    # A bare surname joins her with shared context (Norvikgaz again; docs/entities.md).
    save(store, "Lindqvist of Norvikgaz said the bridge would close.",
         [("Lindqvist", "PERSON"), ("Norvikgaz", "ORG")],
         [forecast(1, 15, 37, who={"name": "Lindqvist", "entity_id": "e1"})])
    latin = store.find_entities("Marta Lindqvist")[0]
    for other in store.find_entities("Марта Линдквист"):
        if other.id != latin.id:  # the analyst links what the linker could not
            store.merge_entities(latin.id, other.id)
    [row] = scores(store)
    assert (row["forecaster"], row["forecasts"]) == ("Marta Lindqvist", 3)
    assert row["entity"] == f"E{latin.id}"
    assert {e.forecaster for e in ledger(store)} == {"Marta Lindqvist"}


def test_descriptions_and_things_are_not_scored_forecasters(store):
    text = "A previous estimate said the port would shrink. The Harbour Act says it will grow. Analysts agree."
    save(store, text, [("Harbour Act", "LAW")], [
        forecast(1, 28, 46, who={"name": "A previous estimate", "entity_id": None}),
        forecast(2, 66, 80, who={"name": "Harbour Act", "entity_id": "e1"}),
        forecast(3, 81, 95, who={"name": "Analysts", "entity_id": None}),
    ])
    entries = ledger(store)
    assert scores(store) == []
    assert unscored(entries) == 3
    # The ledger keeps the words of the text for a description, and no holder for a law.
    assert sorted(e.forecaster for e in entries) == ["(unattributed)", "A previous estimate", "Analysts"]


def test_a_deadline_that_ended_before_publication_is_never_overdue(store):
    text = "Dr Ilse Varga said the dam would open by 2025. The canal, she said, dates from 1130."
    save(store, text, [("Ilse Varga", "PERSON")], [
        forecast(1, 19, 45, who={"name": "Ilse Varga", "entity_id": "e1"}, deadline="2025"),
        forecast(2, 47, 84, who={"name": "Ilse Varga", "entity_id": "e1"}, deadline="1130"),
    ], published="2024-05-01")
    status = {e.forecast["id"]: e.status for e in ledger(store, today=TODAY)}
    assert status == {"f1": "overdue", "f2": "open"}


def test_resolving_moves_a_forecast_out_of_the_open_ledger_and_into_the_score(store):
    save(store, "Ilse Varga said the dam would open by 2025.", [("Ilse Varga", "PERSON")],
         [forecast(1, 15, 42, who={"name": "Ilse Varga", "entity_id": "e1"}, deadline="2025", p=0.9)])
    [entry] = ledger(store, today=TODAY)
    resolve(store, entry.id, outcome=False, when="2026-01-05", note="still closed")
    assert ledger(store, only_open=True) == []
    [row] = scores(store)
    assert row["resolved"] == 1 and row["brier"] == pytest.approx(0.81)


def _passed_as_before(value, published, today):
    """The rule the ledger applied to each forecast before the due day was stored (the spec)."""
    from clipfile.analysis.timex import bounds

    if not value[:4].isdigit():
        return False
    span, pub = bounds(value), bounds(str(published or "")[:10] or None)
    if span is not None and pub is not None and span[1] < pub[0]:
        return False
    parts = value.split("-")
    try:
        year = int(parts[0])
        if len(parts) == 1:
            return today.year > year
        month = int(parts[1])
        if len(parts) == 2:
            return (today.year, today.month) > (year, month)
        return today > date(year, month, int(parts[2][:2]))
    except ValueError:
        return False


def test_the_stored_due_day_says_overdue_exactly_when_the_deadline_rule_did():
    from clipfile.forecast_fields import due_date

    values = ["2025", "2026", "2027", "1130", "199", "2025-06", "2026-05", "2026-06", "2026-02", "2024-02-29",
              "2026-05-31", "2026-06-01", "2026-06-02", "2026-13", "2026-00", "2026-W12", "2026-02-30",
              "2026-06-01T10:00", "PRESENT_REF", "", "20271", "0000", "2026-6"]
    published = [None, "2024-05-01", "2026-07-01T09:00:00Z", "2026", "nonsense"]
    days = [date(2026, 6, 1), date(2026, 5, 31), date(2027, 1, 1), date(2025, 12, 31), date(2026, 6, 2)]
    for value in values:
        for pub in published:
            due = due_date({"value": value}, pub)
            for today in days:
                assert (due is not None and today.isoformat() > due) == _passed_as_before(value, pub, today), \
                    (value, pub, today, due)
