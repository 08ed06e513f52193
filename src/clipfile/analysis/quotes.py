"""Quote assembly: ids in text order, quotes inside quotes, and utterances in pieces.

Each language finds its quotations its own way (:mod:`clipfile.lang.en.quotes`,
:mod:`clipfile.lang.ru.quotes`) and hands over drafts; what a quote record looks like is
decided here, once:

* ids ``q1``, ``q2``... in text order (the longer of two quotes starting together first);
* ``nested_in``: the quote a quote stands inside (a quote inside a quote, or a report whose cue
  lies in another report's content);
* ``continues``: the quote this one goes on from, the next paragraph of a quote whose mark
  stays open (news style reopens the mark on every paragraph of a long quote), or the piece
  after a cue that splits one utterance (``"We will rebuild," she said, "and soon."``,
  ``«Мы не отступим, — заявил министр, — ни на шаг»``), or the piece a language links itself
  (a Russian dialogue line resumed after the author's words).

A language that tells stances from quotes (``criticised [the plan]``, ``plans [to cut taxes]``:
:class:`~clipfile.records.Stance`) marks those drafts with a ``stance`` kind and calls
:func:`assemble_attributions`; they get ``s`` ids and their own list, and the links above run
across both lists (a report nested in a stance names the stance).
"""
from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from ..records import Cue, Quote, Speaker, Stance

__all__ = ["Draft", "QuoteDraft", "assemble", "assemble_attributions", "line_starts", "line_of"]


class Draft(Protocol):
    """A quote before it has an id; a language's own draft type may carry more."""

    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...
    @property
    def kind(self) -> str: ...
    @property
    def cue(self) -> Cue | None: ...
    @property
    def speaker(self) -> Speaker | None: ...
    @property
    def para(self) -> int:
        """The line the quote starts on."""
        ...
    @property
    def continued(self) -> bool:
        """Its quotation mark stays open into the next paragraph."""
        ...
    @property
    def container(self) -> Draft | None:
        """The quote or report this one stands inside."""
        ...
    @property
    def follows(self) -> Draft | None:
        """The piece before this one, when the language links them itself."""
        ...


@dataclass(eq=False)
class QuoteDraft:
    """A plain :class:`Draft`."""

    start: int
    end: int
    kind: str
    cue: Cue | None = None
    speaker: Speaker | None = None
    para: int = 0
    continued: bool = False
    container: Draft | None = None
    follows: Draft | None = None


def line_starts(text: str) -> list[int]:
    """Offsets where the lines of ``text`` start (a line is a paragraph in news text)."""
    return [0] + [m.end() for m in re.finditer("\n", text)]


def line_of(starts: list[int], pos: int) -> int:
    """The line (of :func:`line_starts`) that holds ``pos``."""
    return bisect.bisect_right(starts, pos) - 1


_MARK_CHARS = re.compile("[\"'\u201c\u201d\u201e\u201f\u2018\u2019\u00ab\u00bb`\\[\\]]")


def _continuations(final: Sequence[Draft], text: str) -> dict[int, Draft]:
    """For each quote that goes on from another (by ``id``), that other."""
    out: dict[int, Draft] = {}
    top = [q for q in final if q.container is None]
    for k, q in enumerate(top):
        if q.kind == "direct" and q.continued and k + 1 < len(top):
            nxt = top[k + 1]
            # the paragraph after it opens the same quotation again: nothing but marks between
            if nxt.kind == "direct" and nxt.para > q.para and not _MARK_CHARS.sub("", text[q.end:nxt.start]).strip():
                out[id(nxt)] = q
    by_cue: dict[int, list[Draft]] = {}
    for q in top:
        if q.cue is not None and q.cue.text != ":":
            by_cue.setdefault(q.cue.start, []).append(q)
    for pieces in by_cue.values():
        pieces.sort(key=lambda q: q.start)
        for a, b in zip(pieces, pieces[1:]):
            assert a.cue is not None and b.cue is not None
            split = a.end <= a.cue.start and b.start >= b.cue.end and a.para == b.para
            if split and (a.kind == "direct") == (b.kind == "direct") and id(b) not in out:
                out[id(b)] = a
    for q in final:
        if q.follows is not None:
            out[id(q)] = q.follows
    return out


def assemble(drafts: Sequence[Draft], text: str) -> list[Quote]:
    """Quote records for ``drafts`` in text order, with ids, ``nested_in`` and ``continues``.

    A container or a piece that is not among ``drafts`` (a report that was left out) gives
    no link.  Drafts marked as stances are not quotes: :func:`assemble_attributions` keeps them.
    """
    return assemble_attributions(drafts, text)[0]


def assemble_attributions(drafts: Sequence[Draft], text: str) -> tuple[list[Quote], list[Stance]]:
    """Quote and stance records for ``drafts``: a draft whose ``stance`` attribute names a
    stance kind (``object``, ``intention``, ``question``, ``judgement``) is a
    :class:`~clipfile.records.Stance` with an ``s`` id, any other a :class:`Quote` with a
    ``q`` id, each numbered in text order."""
    final = sorted(drafts, key=lambda q: (q.start, -q.end))
    stance = {id(q): getattr(q, "stance", None) for q in final}
    ids: dict[int, str] = {}
    for prefix, group in (("q", [q for q in final if not stance[id(q)]]), ("s", [q for q in final if stance[id(q)]])):
        ids.update({id(q): f"{prefix}{n}" for n, q in enumerate(group, 1)})
    continues = _continuations([q for q in final if not stance[id(q)]], text)
    continues.update(_continuations([q for q in final if stance[id(q)]], text))
    quotes: list[Quote] = []
    stances: list[Stance] = []
    for q in final:
        prev = continues.get(id(q))
        qid, body = ids[id(q)], text[q.start:q.end]
        nested = ids.get(id(q.container)) if q.container is not None else None
        after = ids.get(id(prev)) if prev is not None else None
        kind = stance[id(q)]
        if kind:
            stances.append(Stance(id=qid, start=q.start, end=q.end, text=body, kind=kind, cue=q.cue,
                                  speaker=q.speaker, nested_in=nested, continues=after))
        else:
            quotes.append(Quote(id=qid, start=q.start, end=q.end, text=body, kind=q.kind, cue=q.cue,
                                speaker=q.speaker, nested_in=nested, continues=after))
    return quotes, stances
