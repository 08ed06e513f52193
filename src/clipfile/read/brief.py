"""An actor's timeline and one-page brief, every line tied to its source passage."""
from __future__ import annotations

import html
from collections import defaultdict
from typing import Any

from .ledger import ledger
from .store.base import EntityRecord, Store

__all__ = ["timeline", "brief_data", "render_markdown", "render_html", "unique_items"]

CLAIM_ORDER = ("evidenced", "asserted", "hedged", "hearsay", "unsupported", "disputed", "denied")


def _date_key(event: dict[str, Any]) -> str:
    return ((event.get("date") or {}).get("value")) or "9999"


def timeline(store: Store, entity: EntityRecord) -> list[dict[str, Any]]:
    """Events the entity takes part in or is mentioned in, in date order."""
    out = unique_items(store.items("event", entity=entity.id, role=("participant", "mentioned")))
    return sorted(out, key=lambda e: (_date_key(e), e.get("published") or "", e["start"]))


def unique_items(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Items in their order, each library item once (an item can match several roles)."""
    seen, out = set(), []
    for it in items:
        if it["item_id"] not in seen:
            seen.add(it["item_id"])
            out.append(it)
    return out


def brief_data(store: Store, entity: EntityRecord) -> dict[str, Any]:
    """Everything the brief shows, as plain data (the web layer renders the same)."""
    own = store.items("quote", entity=entity.id, role="speaker")
    own_ids = {q["item_id"] for q in own}
    about = [q for q in store.items("quote", entity=entity.id, role="mentioned") if q["item_id"] not in own_ids]
    claims = unique_items(store.items("claim", entity=entity.id, role=("speaker", "subject")))
    by_status: dict[str, list] = defaultdict(list)
    for c in claims:
        by_status[c.get("status", "asserted")].append(c)
    forecasts = {e.key: e for e in ledger(store, by=entity.id)}
    forecasts.update({e.key: e for e in ledger(store, about=entity.id)})
    recycled = []
    for doc_id in {q["document"] for q in own + about}:
        for dup in store.items("duplicate", doc_id=doc_id):
            recycled.append(dup)
    return {
        "entity": entity,
        "own_quotes": own,
        "quotes_about": about,
        "claims_by_status": {s: by_status[s] for s in CLAIM_ORDER if by_status.get(s)},
        "forecasts": sorted(forecasts.values(), key=lambda e: (e.status, e.forecast.get("published") or "")),
        "timeline": timeline(store, entity),
        "recycled": recycled,
    }


def _src(item: dict[str, Any]) -> str:
    bits = [item.get("outlet") or "", (item.get("published") or "")[:10], item.get("title") or ""]
    label = " · ".join(b for b in bits if b)
    return f"{label} [{item['document']} {item['start']}-{item['end']}]".strip()


def _said(quote: dict[str, Any]) -> str:
    """Direct quotes in quotation marks; reported and mixed speech as written."""
    return f"“{quote['text']}”" if quote.get("kind") == "direct" else quote["text"]


def _speaker(item: dict[str, Any], field: str = "speaker") -> str:
    return ((item.get(field) or {}).get("name")) or "unattributed"


def render_markdown(data: dict[str, Any]) -> str:
    e: EntityRecord = data["entity"]
    lines = [f"# Brief: {e.name}", "",
             f"{e.type}, E{e.id}. Also written as: {', '.join(a for a in e.aliases if a != e.name) or '—'}. "
             f"{e.mention_count} mentions in {e.document_count} documents.", ""]

    def section(title: str, rows: list[str]) -> None:
        lines.extend([f"## {title}", ""])
        lines.extend(rows or ["- none found"])
        lines.append("")

    section("Their own statements",
            [f"- {_said(q)} ({q.get('kind')}; {_src(q)})" for q in data["own_quotes"]])
    section("What others say about them",
            [f"- {_speaker(q)}: {_said(q)} ({q.get('kind')}; {_src(q)})" for q in data["quotes_about"]])
    rows = []
    for status, claims in data["claims_by_status"].items():
        for c in claims:
            rows.append(f"- **{status}** ({c.get('certainty', 0):.2f}) {_speaker(c, 'source')}: {c['text']}"
                        f" ({_src(c)})")
    section("Claims by footing", rows)
    section("Forecasts", [
        f"- {f.id} [{f.status}] {f.forecaster}: {f.forecast['text']} (p={f.forecast.get('probability', 0):.2f}"
        + (f", by {f.forecast['deadline']['value']}" if (f.forecast.get('deadline') or {}).get('value') else "")
        + f"; {_src(f.forecast)})" for f in data["forecasts"]])
    section("Timeline", [
        f"- {(ev.get('date') or {}).get('value') or '?'} ({(ev.get('date') or {}).get('precision', '')}): "
        f"{ev['text']} ({_src(ev)})" for ev in data["timeline"]])
    section("Recycled material", [
        f"- {d['document']} {d['start']}-{d['end']} repeats {d['of']['document']} {d['of']['start']}-{d['of']['end']}"
        f" (similarity {d.get('similarity', 1):.2f})"
        + (f"; differs: {'; '.join(d['inconsistencies'])}" if d.get("inconsistencies") else "")
        for d in data["recycled"]])
    return "\n".join(lines)


def render_html(data: dict[str, Any]) -> str:
    """A printable page; every piece of text is escaped."""
    md = render_markdown(data)
    body = []
    for line in md.splitlines():
        esc = html.escape(line)
        if line.startswith("# "):
            body.append(f"<h1>{esc[2:]}</h1>")
        elif line.startswith("## "):
            body.append(f"<h2>{esc[3:]}</h2>")
        elif line.startswith("- "):
            body.append(f"<li>{esc[2:].replace('**', '')}</li>")
        elif line:
            body.append(f"<p>{esc}</p>")
    title = html.escape(data["entity"].name)
    return ("<!doctype html><html><head><meta charset='utf-8'><title>Brief: " + title + "</title>"
            "<style>body{font-family:Georgia,serif;max-width:50em;margin:2em auto}li{margin:.3em 0}"
            "@media print{body{margin:0}}</style></head><body>" + "\n".join(body) + "</body></html>")
