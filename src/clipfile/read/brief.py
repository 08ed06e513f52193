"""An actor's timeline and one-page brief, every line tied to its source passage.

:func:`brief_data` is the brief as plain data: ``clipfile brief`` renders it as Markdown or HTML
(:func:`render_markdown`, :func:`render_html`) and the web brief page renders the same data with
its template, so both show the same statements, claims and forecasts.  What counts as "by" and
"about" the actor is :mod:`clipfile.read.items`'s definition.
"""
from __future__ import annotations

import html
from typing import Any

from ..ledger import ledger
from ..store.base import EntityRecord, Store
from . import items as it
from .entities import names_by_script

__all__ = ["timeline", "brief_data", "recycled_in", "render_markdown", "render_html", "CLAIM_ORDER"]

CLAIM_ORDER = it.FOOTINGS


def _date_key(event: dict[str, Any]) -> str:
    return ((event.get("date") or {}).get("value")) or "9999"


def timeline(store: Store, entity: EntityRecord) -> list[dict[str, Any]]:
    """Events the entity takes part in, speaks of or is mentioned in, in date order."""
    out = it.by_or_about(store, entity.id, "event")
    return sorted(out, key=lambda e: (_date_key(e), e.get("published") or "", e["start"]))


def recycled_in(store: Store, doc_ids: list[str] | set[str]) -> list[dict[str, Any]]:
    """Recycled passages of these documents, each with the passage's own text."""
    out: list[dict[str, Any]] = []
    for doc_id in sorted(doc_ids):
        dups = store.items("duplicate", doc_id=doc_id)
        text = store.get_document(doc_id).text if any(not d.get("text") for d in dups) else ""
        for d in dups:  # duplicate records carry offsets only; show the passage itself
            if not d.get("text") and isinstance(d.get("start"), int):
                d["text"] = text[d["start"]:d["end"]]
            out.append(d)
    return out


def brief_data(store: Store, entity: EntityRecord) -> dict[str, Any]:
    """Everything the brief shows, as plain data (the web brief renders the same)."""
    own = it.by(store, entity.id, "quote")
    about = it.about(store, entity.id, "quote")
    claims = it.by_or_about(store, entity.id, "claim")
    by_status: dict[str, list] = {}
    for c in claims:
        c["source_ref"] = c.get("source")  # the claim's speaker; the document's outlet is ``outlet``
        status = c.get("status")
        by_status.setdefault(status if isinstance(status, str) and status in CLAIM_ORDER else "asserted", []).append(c)
    forecasts = {e.key: e for e in ledger(store, by=entity.id)}
    forecasts.update({e.key: e for e in ledger(store, about=entity.id)})
    ordered = sorted(forecasts.values(), key=lambda e: (e.status, e.forecast.get("published") or ""))
    return {
        "entity": entity,
        "names": names_by_script(entity),
        "own_quotes": own,
        "quotes_about": about,
        "claims_by_status": {s: by_status[s] for s in CLAIM_ORDER if by_status.get(s)},
        "forecasts": ordered,
        "open_forecasts": [e for e in ordered if not e.resolution],
        "resolved_forecasts": [e for e in ordered if e.resolution],
        "timeline": timeline(store, entity),
        "recycled": recycled_in(store, {q["document"] for q in own + about}),
        "co_mentioned": store.co_mentioned_entities(entity.id),
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
