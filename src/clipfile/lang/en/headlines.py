"""Quotes in a headline, where news style drops the verb of saying.

A headline quotes its subject's words in single marks right after the subject (``Blair 'up
for it' ahead of poll``, ``Voters 'don't trust politicians'``), or ends with a dash and the
name of whoever said the rest (``Choose hope over fear - Kennedy``).  Neither has a verb the
parse could take for a cue, and headline single marks are otherwise scare quotes, so they
are found here by their shape, in the first paragraph of a text only when it is a headline:
one line of at most 14 words followed by a blank line.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ...records import Speaker
from .parse import doc_text
from .speakers import Resolver

__all__ = ["HeadlineQuote", "headline_quotes"]

_MAX_WORDS = 14
# The subject: one to three capitalised words opening the headline, then the quoted words.
_SUBJECT_QUOTE = re.compile(r"((?:[A-Z][\w.\u2019'-]*\s){1,3}?)['\u2018](\w[^\n]*?[\w.!?])['\u2019](?=[\s.,;:!?]|$)")
# The words, a dash, and one to three capitalised words closing the headline.
_DASH_NAME = re.compile(r"(.+?\S)\s+[-\u2013\u2014]\s+((?:[A-Z][\w.\u2019'-]*)(?:\s[A-Z][\w.\u2019'-]*){0,2})\s*$")


@dataclass(frozen=True, slots=True)
class HeadlineQuote:
    """Words a headline attributes: ``start``/``end`` of the words, ``outer`` with marks."""

    start: int
    end: int
    kind: str
    outer: tuple[int, int]
    speaker: Speaker


def _headline(text: str) -> str | None:
    first, sep, rest = text.partition("\n")
    if not sep or not rest.lstrip(" \t\r").startswith("\n"):
        return None
    if not first.strip() or len(first.split()) > _MAX_WORDS:
        return None
    return first


def headline_quotes(doc, res: Resolver, taken: list[tuple[int, int]]) -> list[HeadlineQuote]:
    """The quotes of the text's headline that no quotation mark or report gave already
    (``taken``: ranges already quoted)."""
    text = doc_text(doc)
    line = _headline(text)
    if line is None:
        return []
    out: list[HeadlineQuote] = []
    m = _SUBJECT_QUOTE.match(line)
    if m and len(m.group(2).split()) >= 2:
        s, e = m.start(2), m.end(2)
        spk = _speaker(doc, res, m.start(1), m.end(1) - 1, (s, e))
        if spk is not None:
            out.append(HeadlineQuote(s, e, "direct", (s - 1, e + 1), spk))
    d = _DASH_NAME.match(line)
    if d and not m:
        spk = _speaker(doc, res, d.start(2), d.end(2), (d.start(1), d.end(1)), named_only=True)
        if spk is not None and len(d.group(1).split()) >= 2:
            out.append(HeadlineQuote(d.start(1), d.end(1), "indirect", (d.start(1), d.end(1)), spk))
    return [q for q in out if not any(a < q.outer[1] and q.outer[0] < b for a, b in taken)]


def _speaker(doc, res: Resolver, start: int, end: int, content: tuple[int, int], *,
             named_only: bool = False) -> Speaker | None:
    """The headline's subject as a speaker: a person or body the text names, or (unless
    ``named_only``) a group in plain words (``Voters``)."""
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None or not len(span):
        return None
    head = span.root
    if head.pos_ not in ("PROPN", "NOUN"):
        return None
    spk = res.resolve(head, (span.start_char, span.end_char), content=content)
    if spk.entity_id is not None and res.by_id[spk.entity_id].type in ("PERSON", "ORG", "NORP", "GPE"):
        return spk
    if named_only or head.pos_ != "NOUN" or head.tag_ != "NNS":
        return None
    return spk
