"""Finding quoted passages by their quotation marks, the way an attentive reader does.

Works on plain text, paragraph by paragraph (a paragraph is a line), for every language.
News style opens a mark on every paragraph of a long quote and closes only the last, marks go
missing or stray, and some quotes sit in square brackets; each case is recovered locally so
one bad mark never spoils the rest of the document.  Nested single-mark quotes inside
double-mark quotes are found too, and single-mark quotes at the top level where the text uses
single marks as its quotation marks (British style).

Double marks are « » “ ” „ ‟ and the straight ``"``; a :class:`MarkStyle` adds what a
language does beyond that: Russian closes „ with “ and nests „лапки“ (or “…”) inside
«ёлочки».
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from .ranges import strip_range

__all__ = ["MarkStyle", "MarkedSpan", "marked_spans"]

_OPENERS = "\u201c\u201e\u00ab\u201f"
_CLOSERS = "\u201d\u00bb"
_SYMMETRIC = '"\uff02'
# '' and `` are typewriter stand-ins for double marks (older wire and archive text).
_MARK_RE = re.compile(r"``|''|[\"\u201c\u201d\u201e\u201f\u00ab\u00bb\uff02]")
_OPEN_CONTEXT = set("([{\u2014\u2013-/:[")


@dataclass(frozen=True, slots=True)
class MarkedSpan:
    """Content between quotation marks (marks excluded, whitespace trimmed).

    ``open_mark``/``close_mark`` are the offsets of the marks, or None when the mark was
    missing and the span was recovered (to the end of the paragraph, a bracket, ...).
    ``depth`` is 0 for a top-level quote, 1 for a quote inside a quote.
    ``continued`` is True when the quote goes on in the next paragraph.
    """

    start: int
    end: int
    open_mark: int | None
    close_mark: int | None
    depth: int = 0
    continued: bool = False
    recovered: bool = False


@dataclass(frozen=True)
class MarkStyle:
    """A language's quotation-mark conventions beyond the shared ones.

    ``closes``: an opening mark and the mark that closes it where that mark would otherwise
    open (German and Russian „…“).  ``inner``: double marks that open a quote inside a
    double-mark quote, with their closing marks («… „…“ …»); such a quote is ``depth`` 1.
    ``nests_itself``: marks that open a quote inside a quote opened by the same mark
    («Компания «Восток» заявила…», "… "Без названия" …"), where the shared reading would
    take the second mark for the close of the first.
    """

    closes: Mapping[str, str] = field(default_factory=dict)
    inner: Mapping[str, str] = field(default_factory=dict)
    nests_itself: str = ""


def _role(text: str, i: int, mark: str) -> str:
    """Open, close or ambiguous role of one double mark at ``i``."""
    if mark in _OPENERS or mark == "``":
        return "open"
    if mark in _CLOSERS:
        return "close"
    prev = text[i - 1] if i > 0 else " "
    nxt = text[i + len(mark)] if i + len(mark) < len(text) else " "
    before_open = prev.isspace() or prev in _OPEN_CONTEXT
    after_space = nxt.isspace() or nxt in ".,;:!?)]"
    if before_open and not after_space:
        return "open"
    if after_space and not before_open:
        return "close"
    return "either"


def _paragraphs(text: str):
    pos = 0
    for line in text.split("\n"):
        yield pos, pos + len(line)
        pos += len(line) + 1


def _starts_with_open(text: str, start: int, end: int) -> bool:
    s, e = strip_range(text, start, end)
    if s >= e:
        return False
    if text[s] == "[":
        s += 1
    m = _MARK_RE.match(text, s)
    return m is not None and _role(text, s, m.group()) in ("open", "either")


_SAME_CLOSER = {"\u00ab": "\u00bb", "\u201c": "\u201d"}


def _inner_close(text: str, marks: list[tuple[int, str]], k: int, closer: str) -> int | None:
    """Index of the first ``closer`` after ``marks[k]`` that can close (a straight mark
    before a word opens another quote)."""
    for j in range(k + 1, len(marks)):
        i, mk = marks[j]
        if mk == closer and (mk not in _SYMMETRIC or _role(text, i, mk) != "open"):
            return j
    return None


def _opens_inner(text: str, open_at: int, i: int, mk: str, role: str, style: MarkStyle) -> str | None:
    """The closing mark of a quote inside the open one that ``mk`` opens, if it opens one."""
    outer = text[open_at]
    if mk in style.inner and mk != outer and style.closes.get(outer) != mk:
        return style.inner[mk]
    if mk == outer and mk in style.nests_itself and role == "open":
        return _SAME_CLOSER.get(mk, mk)
    return None


def _top_level(text: str, style: MarkStyle) -> list[MarkedSpan]:
    """Double-mark quotes, each followed by the double-mark quotes inside it (``style.inner``)."""
    spans: list[MarkedSpan] = []
    paras = [p for p in _paragraphs(text)]
    for pi, (ps, pe) in enumerate(paras):
        marks = [(m.start(), m.group()) for m in _MARK_RE.finditer(text, ps, pe)]
        open_at: int | None = None
        open_len = 0
        floor = ps  # a quote whose opening mark went missing starts here or later: the last close
        inner: list[MarkedSpan] = []  # quotes inside the open one
        k = -1
        while k + 1 < len(marks):
            k += 1
            i, mk = marks[k]
            role = _role(text, i, mk)
            closer = _opens_inner(text, open_at, i, mk, role, style) if open_at is not None else None
            if closer is not None:
                j = _inner_close(text, marks, k, closer)
                if j is not None:
                    s, e = strip_range(text, i + len(mk), marks[j][0])
                    if e > s:
                        inner.append(MarkedSpan(s, e, i, marks[j][0], depth=1))
                    k = j
                    continue
            if open_at is not None and style.closes.get(text[open_at]) == mk:
                role = "close"
            if open_at is None:
                if role == "close":
                    # A closing mark with nothing open.  At the very start of a paragraph it
                    # is the misplaced close of the previous paragraph's quote: ignore it.
                    # Elsewhere the opening mark went missing: the quote runs from the start
                    # of its sentence (a local guess, flagged as recovered).  When a quote
                    # closed inside that same sentence (`X said: "A," he said."`), there is no
                    # room for another: the mark is a stray, and ignoring it keeps top-level
                    # quotes from running over each other (issue #14).  A sentence that starts
                    # at the last closing mark (`"A. "B."`, a mark reopened on each sentence)
                    # is still taken.
                    if text[ps:i].strip() == "":
                        continue
                    s = _sentence_start(text, ps, i)
                    if s < floor:
                        continue
                    s, e = strip_range(text, s, i)
                    if e > s:
                        spans.append(MarkedSpan(s, e, None, i, recovered=True))
                    floor = i
                    continue
                open_at, open_len = i, len(mk)
                continue
            # Something is open.
            if role == "open" and mk in _OPENERS and text[open_at] in _OPENERS:
                # Two curly openers in a row: the first quote lost its closing mark.
                s, e = strip_range(text, open_at + open_len, i)
                if e > s:
                    spans.append(MarkedSpan(s, e, open_at, None, recovered=True))
                spans += inner
                inner = []
                open_at, open_len = i, len(mk)
                continue
            if role == "open" and mk in _SYMMETRIC and _runs_together(text, open_at + open_len, i):
                # `"A. "B. "C."`: the paragraphs of a long quotation printed as one, each
                # reopened and none but the last closed.  The quote before the new opening
                # mark ends at its sentence; the new one opens (issue #16).
                s, e = strip_range(text, open_at + open_len, i)
                if e > s:
                    spans.append(MarkedSpan(s, e, open_at, None, recovered=True))
                spans += inner
                inner = []
                open_at, open_len = i, len(mk)
                continue
            s, e = strip_range(text, open_at + open_len, i)
            if e > s:
                spans.append(MarkedSpan(s, e, open_at, i))
            spans += inner
            inner = []
            open_at = None
            floor = i
        if open_at is not None:
            end = pe
            recovered = True
            continued = False
            # Quote opened inside square brackets: "[“... We did.]" ends at the bracket.
            if open_at > ps and text[open_at - 1] == "[":
                close_br = text.find("]", open_at, pe)
                if close_br != -1:
                    end = close_br
            elif pi + 1 < len(paras):
                nxt = next((p for p in paras[pi + 1:] if text[p[0]:p[1]].strip()), None)
                if nxt is not None and _starts_with_open(text, *nxt):
                    # News convention: a long quote reopens on every paragraph.
                    continued, recovered = True, False
            s, e = strip_range(text, open_at + open_len, end)
            if e > s:
                spans.append(MarkedSpan(s, e, open_at, None, continued=continued,
                                        recovered=recovered))
            spans += inner
    return spans


def _runs_together(text: str, content_start: int, mark: int) -> bool:
    """True when a straight mark at ``mark`` reopens rather than closes the quote whose
    content starts at ``content_start``: the content so far is a sentence or more (it ends
    with . ! ? and holds a space), the mark follows it after a space and a capital follows the
    mark.  A close would sit right after the punctuation (`… sorry."`), and a quote nested in
    straight marks (`"the "failing" agency"`) neither ends a sentence before it nor starts one."""
    before = text[content_start:mark]
    stripped = before.rstrip()
    if len(stripped) == len(before) or not stripped or stripped[-1] not in ".!?":
        return False
    if " " not in stripped.strip():
        return False
    nxt = text[mark + 1:mark + 2]
    return nxt.isupper() or nxt.isdigit()


_SENT_END = re.compile(r"[.!?][\"'\u201d\u2019)\]]*\s+(?=[A-Z\u201c\"\[(])")


def _sentence_start(text: str, floor: int, pos: int) -> int:
    """Start of the sentence holding ``pos`` (no earlier than ``floor``)."""
    start = floor
    for m in _SENT_END.finditer(text, floor, pos):
        if m.end() < pos:
            start = m.end()
    return start


_SINGLE_OPEN = re.compile(r"(?:(?<=^)|(?<=[\s(\[\u2014\u2013:\"\u201c]))[\u2018'](?=\w)")
_SINGLE_CLOSE = re.compile(r"(?<=[\w.,!?\u2026])[\u2019'](?![\w])")


def _nested(text: str, outer: MarkedSpan) -> list[MarkedSpan]:
    """Single-mark quotes inside a double-mark quote."""
    out = []
    pos = outer.start
    while True:
        mo = _SINGLE_OPEN.search(text, pos, outer.end)
        if not mo:
            break
        mc = _SINGLE_CLOSE.search(text, mo.end(), outer.end + 1 if outer.end < len(text) else outer.end)
        if not mc:
            break
        s, e = strip_range(text, mo.end(), mc.start())
        # A lone possessive plural (``voters' views``) is not a quote: demand a word gap.
        if e > s and (" " in text[s:e] or text[e - 1] in ".,!?"):
            out.append(MarkedSpan(s, e, mo.start(), mc.start(), depth=1))
        pos = mc.end()
    return out


_SINGLE_TOP_OPEN = re.compile(r"(?:(?<=^)|(?<=[\s(\[\u2014\u2013:]))[\u2018'](?=[^\W\d_])", re.M)


def _single_top(text: str, taken: list[MarkedSpan]) -> list[MarkedSpan]:
    """Quotes in single marks outside any double-mark quote (British style: 'Leave it
    alone,' a colleague told him).  The closing mark is also the apostrophe, so a pair is
    taken only when it cannot be a possessive plural: the content has two words or more and
    the mark closes after punctuation (``alone,'``) or before it (``'soft touch'.``).
    :func:`marked_spans` keeps them all when the text has at least twice as many of them as
    double-mark quotes, else only those closed by their attribution."""
    blocked = [((m.open_mark if m.open_mark is not None else m.start),
                (m.close_mark + 1) if m.close_mark is not None else m.end) for m in taken]
    out = []
    for ps, pe in _paragraphs(text):
        pos = ps
        while True:
            mo = _SINGLE_TOP_OPEN.search(text, pos, pe)
            if not mo:
                break
            pos = mo.end()
            if text[mo.start() - 1:mo.start()] == "'" or text[mo.end():mo.end() + 1] == "'":
                continue  # '' is a double mark
            if any(a <= mo.start() < b for a, b in blocked):
                continue
            mc = _SINGLE_CLOSE.search(text, mo.end(), pe)
            if not mc or any(mo.start() < a < mc.start() for a, _b in blocked):
                continue
            after = text[mc.end():mc.end() + 1]
            if not (text[mc.start() - 1] in ".,!?\u2026" or after == "" or after in ".,;:!?)\n"):
                continue
            s, e = strip_range(text, mo.end(), mc.start())
            if e > s and len(text[s:e].split()) >= 2:
                out.append(MarkedSpan(s, e, mo.start(), mc.start()))
                pos = mc.end()
    return out


# The attribution right after a closing mark: "' a colleague told him", "' he said".
_CUE_AFTER = re.compile(r"[ \t]+(?:[\w.'\u2019-]+[ \t]+){0,4}?(?:said|says|told|tells|added|adds|asked|asks|"
                        r"replied|replies|recalled|recalls|warned|warns|insisted|insists|wrote|writes|"
                        r"shouted|yelled|whispered|explained|explains)\b")


def marked_spans(text: str, style: MarkStyle = MarkStyle()) -> list[MarkedSpan]:
    """All quoted passages of ``text``, in text order, nested ones after their container.

    ``style`` is the language's conventions beyond the shared ones (none by default)."""
    doubles = _top_level(text, style)
    top = [m for m in doubles if m.depth == 0]
    single = _single_top(text, doubles)
    if len(single) < 2 * len(top):
        # Beside double-mark quotes (American style) single marks are headline or scare
        # quotes; only one closed by its attribution is speech ('Leave it,' a colleague said).
        single = [m for m in single if m.close_mark is not None and text[m.close_mark - 1] in ",!?"
                  and _CUE_AFTER.match(text, m.close_mark + 1)]
    inner = [m for m in doubles if m.depth == 1]
    top = sorted(top + single, key=lambda m: m.start)
    out: list[MarkedSpan] = []
    for span in top:
        out.append(span)
        out.extend(m for m in inner if span.start <= m.start < span.end)
        if text[span.open_mark if span.open_mark is not None else span.start] not in "'\u2018":
            out.extend(_nested(text, span))
    return out
