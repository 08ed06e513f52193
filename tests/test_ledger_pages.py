"""The ledger page a page at a time: a next-page link that walks every forecast once, counts
and scores from the store, and bad cursors refused.  Fictional forecasts, written by hand."""
from __future__ import annotations

import html
import re

import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402

from clipfile.entitylinks import save_linked  # noqa: E402
from clipfile.records import Document  # noqa: E402
from clipfile.store import open_store  # noqa: E402
from clipfile.web import create_app  # noqa: E402
from clipfile.web.pages import PAGE_ROWS  # noqa: E402


@pytest.fixture
def library(tmp_path):
    """PAGE_ROWS + 7 overdue forecasts by one harbour master, one resolved."""
    path = tmp_path / "lib.sqlite"
    with open_store(str(path)) as store:
        for n in range(PAGE_ROWS + 7):
            text = f"Harbour master Ines Calloway said pier {n} would reopen by 2021."
            d = Document(text=text, published=f"2020-{n % 12 + 1:02d}-{n % 27 + 1:02d}")
            store.add_document(d)
            start = text.index("pier")
            fc = {"id": "f1", "start": start, "end": len(text) - 1, "text": text[start:-1],
                  "event": {"start": start, "end": len(text) - 1, "text": text[start:-1]},
                  "probability": 0.7, "probability_term": "would", "target": None, "condition": None,
                  "markers": [], "forecaster": {"name": "Ines Calloway", "entity_id": "e1"},
                  "deadline": {"start": len(text) - 5, "end": len(text) - 1, "text": "2021", "value": "2021",
                               "precision": "year"}}
            ents = [{"id": "e1", "name": "Ines Calloway", "type": "PERSON", "aliases": ["Ines Calloway"],
                     "mentions": [{"start": 15, "end": 28, "text": "Ines Calloway"}]}]
            save_linked(store, {"document": {"id": d.id}, "entities": ents, "forecasts": [fc]}, version="t")
        first = store.forecast_page(today="2026-01-01", order="dated", limit=1).rows[0]
        store.resolve_forecast(first["key"], outcome=False, date="2022-01-01", note="still shut")
    return path


def _keys(page_html: str) -> list[str]:
    return re.findall(r'name="key" value="([^"]+)"', page_html)


def test_the_next_page_link_walks_every_overdue_forecast_once(library):
    with TestClient(create_app(library)) as c:
        page = c.get("/forecasts?show=overdue")
        assert page.status_code == 200
        assert f"Overdue <span class=\"n\">{PAGE_ROWS + 6}</span>" in page.text
        assert len(_keys(page.text)) == PAGE_ROWS
        link = html.unescape(re.search(r'<a rel="next" href="([^"]+)"', page.text).group(1))
        second = c.get(link)
        assert second.status_code == 200 and 'rel="next"' not in second.text
        assert len(_keys(second.text)) == 6
        assert len(set(_keys(page.text)) | set(_keys(second.text))) == PAGE_ROWS + 6
        # The whole ledger: every section's first page, the counts, the one forecaster's score.
        everything = c.get("/forecasts")
        assert "1 resolved" in everything.text and "0 open" in everything.text
        assert re.search(r'Ines Calloway</a></td><td>1</td><td class="brier">0\.490</td>', everything.text)
        by_name = c.get("/forecasts?by=Ines+Calloway&show=resolved")
        assert by_name.status_code == 200 and len(_keys(by_name.text)) == 1


def test_bad_cursors_are_a_clear_400(library):
    with TestClient(create_app(library)) as c:
        r = c.get("/forecasts?show=open&after=not-a-cursor")
        assert r.status_code == 400 and "not a ledger page cursor" in r.text
        r = c.get("/forecasts?after=WyJ4Il0")
        assert r.status_code == 400 and "goes with one section" in r.text
