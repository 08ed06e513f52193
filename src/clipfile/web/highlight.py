"""Stored text to HTML with highlighted spans at their character offsets.

Every stretch of document text is escaped on its own before any markup is put around it, so
nothing in an article (``<script>``, ``onerror=``) can become markup.  Spans may overlap: a span
that crosses the end of an enclosing one is closed there and reopened right after, so the HTML
always nests.  Only the first piece of a split span carries its ``id`` (anchors stay unique).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from markupsafe import Markup, escape

__all__ = ["Mark", "highlight", "spans_from_analysis", "CLAIM_STATUSES"]

CLAIM_STATUSES = ("asserted", "hedged", "hearsay", "evidenced", "unsupported", "disputed", "denied")


@dataclass(frozen=True)
class Mark:
    """One highlighted span: ``tag`` is ``mark`` or ``a`` (then ``href`` is set)."""

    start: int
    end: int
    classes: tuple[str, ...]
    tip: str | None = None
    href: str | None = None
    id: str | None = None
    data: tuple[tuple[str, str], ...] = field(default_factory=tuple)

    @property
    def tag(self) -> str:
        return "a" if self.href else "mark"


def _open(m: Mark, first: bool) -> str:
    attrs = [f'class="{escape(" ".join(m.classes))}"']
    if first and m.id:
        attrs.append(f'id="{escape(m.id)}"')
    if m.href:
        attrs.append(f'href="{escape(m.href)}"')
    if m.tip:
        attrs.append(f'data-tip="{escape(m.tip)}" title="{escape(m.tip)}"')
    for k, v in m.data:
        attrs.append(f'data-{escape(k)}="{escape(v)}"')
    return f"<{m.tag} " + " ".join(attrs) + ">"


def highlight(text: str, marks: list[Mark]) -> Markup:
    """HTML for ``text`` with each mark wrapped around ``text[start:end]``.

    Marks outside the text or empty are dropped.  Links never nest inside links: a link mark
    overlapping an earlier (longer) link is dropped.
    """
    n = len(text)
    valid = [m for m in marks if 0 <= m.start < m.end <= n]
    # Outer (longer) spans first at the same start, so they open first and close last.
    valid.sort(key=lambda m: (m.start, -m.end))
    links: list[Mark] = []
    kept: list[Mark] = []
    for m in valid:
        if m.href:
            if any(l.start < m.end and m.start < l.end for l in links):
                continue
            links.append(m)
        kept.append(m)
    bounds = sorted({0, n, *(m.start for m in kept), *(m.end for m in kept)})
    starts: dict[int, list[Mark]] = {}
    for m in kept:
        starts.setdefault(m.start, []).append(m)
    out: list[str] = []
    stack: list[Mark] = []
    prev = 0
    for pos in bounds:
        if pos > prev:
            out.append(str(escape(text[prev:pos])))
        prev = pos
        ending = [i for i, m in enumerate(stack) if m.end <= pos]
        if ending:
            cut = min(ending)
            popped = stack[cut:]
            del stack[cut:]
            out.extend(f"</{m.tag}>" for m in reversed(popped))
            for m in popped:
                if m.end > pos:  # still running: reopen after the span that ended
                    stack.append(m)
                    out.append(_open(m, False))
        for m in starts.get(pos, []):
            stack.append(m)
            out.append(_open(m, True))
    out.extend(f"</{m.tag}>" for m in reversed(stack))
    return Markup("".join(out))


def _ref_tip(ref: dict | None) -> str:
    if not isinstance(ref, dict):
        return "the author"
    return ref.get("name") or "unresolved"


def _entity_href(entity_id: str | None) -> str | None:
    if isinstance(entity_id, str) and entity_id[:1] in "Ee" and entity_id[1:].isdigit():
        return f"/entity/{entity_id.upper()}"
    return None


def spans_from_analysis(analysis: dict, *, layers: set[str] | None = None,
                        target: tuple[int, int] | None = None) -> list[Mark]:
    """Marks for everything an analysis found: quotes, speakers, claims, forecasts, events,
    recycled passages, entity mentions; plus ``target`` (a passage linked to from elsewhere).

    Missing keys and partial items are skipped rather than failing the page.
    """
    want = layers or {"quote", "speaker", "claim", "forecast", "event", "duplicate", "entity"}
    marks: list[Mark] = []

    def pos(item: dict) -> tuple[int, int] | None:
        s, e = item.get("start"), item.get("end")
        return (s, e) if isinstance(s, int) and isinstance(e, int) else None

    speaker_spans: set[tuple[int, int]] = set()
    for q in analysis.get("quotes") or []:
        p = pos(q)
        if not p:
            continue
        spk = q.get("speaker") or {}
        if "quote" in want:
            how = spk.get("resolution") or "unknown"
            conf = spk.get("confidence")
            tip = f"Speaker: {spk.get('name') or 'unresolved'} — resolved as {how}"
            if isinstance(conf, (int, float)):
                tip += f" ({conf:.0%})"
            marks.append(Mark(*p, ("hl", "hl-quote", f"quote-{_safe(q.get('kind'))}"), tip=tip,
                              id=f"quote-{q.get('id')}" if q.get("id") else None,
                              data=(("speaker", spk.get("name") or ""), ("resolution", how))))
        sp = (spk.get("start"), spk.get("end"))
        if "speaker" in want and isinstance(sp[0], int) and isinstance(sp[1], int):
            speaker_spans.add(sp)
            href = _entity_href(spk.get("entity_id"))
            tip = f"{spk.get('name') or 'unresolved speaker'} ({spk.get('resolution') or 'unknown'})"
            marks.append(Mark(sp[0], sp[1], ("hl", "hl-speaker"), tip=tip, href=href))
    for c in analysis.get("claims") or []:
        p = pos(c)
        if p and "claim" in want:
            status = c.get("status") if c.get("status") in CLAIM_STATUSES else "asserted"
            tip = f"Claim ({status}) by {_ref_tip(c.get('source'))}"
            marks.append(Mark(*p, ("hl", "hl-claim", f"claim-{status}"), tip=tip,
                              id=f"claim-{c.get('id')}" if c.get("id") else None))
    for f in analysis.get("forecasts") or []:
        p = pos(f)
        if p and "forecast" in want:
            prob = f.get("probability")
            tip = f"Forecast by {_ref_tip(f.get('forecaster'))}"
            if isinstance(prob, (int, float)):
                tip += f", p={prob:.2f}"
            dl = f.get("deadline") or {}
            if isinstance(dl, dict) and dl.get("value"):
                tip += f", by {dl['value']}"
            marks.append(Mark(*p, ("hl", "hl-forecast"), tip=tip,
                              id=f"forecast-{f.get('id')}" if f.get("id") else None))
    for ev in analysis.get("events") or []:
        p = pos(ev)
        if p and "event" in want:
            date = (ev.get("date") or {}).get("value") if isinstance(ev.get("date"), dict) else None
            marks.append(Mark(*p, ("hl", "hl-event"), tip=f"Event dated {date or '?'}",
                              id=f"event-{ev.get('id')}" if ev.get("id") else None))
    for i, d in enumerate(analysis.get("duplicates") or []):
        p = pos(d)
        if p and "duplicate" in want:
            of = d.get("of") or {}
            sim = d.get("similarity")
            tip = f"Recycled: repeats {of.get('document', '?')} [{of.get('start')}–{of.get('end')}]"
            if isinstance(sim, (int, float)):
                tip += f", similarity {sim:.2f}"
            marks.append(Mark(*p, ("hl", "hl-dup"), tip=tip, id=f"dup-{i}"))
    if "entity" in want:
        for ent in analysis.get("entities") or []:
            href = _entity_href(ent.get("id"))
            for m in ent.get("mentions") or []:
                p = pos(m)
                if p and p not in speaker_spans:
                    marks.append(Mark(*p, ("ent", f"ent-{_safe(ent.get('type'))}"),
                                      tip=f"{ent.get('name')} ({ent.get('type')})", href=href))
    if target:
        marks.append(Mark(target[0], target[1], ("hl", "hl-target"), id="passage"))
    return marks


def _safe(value: object) -> str:
    """A class-name-safe form of a value from the analysis."""
    return "".join(ch for ch in str(value or "x").lower() if ch.isalnum() or ch == "-")[:20] or "x"
