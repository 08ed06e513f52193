"""Texts for fuzzing ``analyze``: news-like words of both scripts mixed with everything that
broke it once or could (issue #14).

The pieces are quotation marks of every script, dashes, right-to-left text and direction
controls, combining marks, emoji (with joiners and flags), characters outside the Basic
Multilingual Plane (Tangut has no name in Python's Unicode database, which once crashed
pymorphy2), lone surrogates (not text: a :class:`~clipfile.records.Document` refuses them),
empty and whitespace-only text, line and paragraph breaks.  Used by
``tests/test_fuzz_analyze.py`` and ``bench/fuzz_analyze.py``.
"""
from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

ENGLISH = [
    "The minister", "said", "he said", "she said", "told reporters", "Last month", "that", "he", "she",
    "they", "believes", "according to", "Ana Ruiz", "Gen. Petrov", "the general", "will", "could",
    "may", "resign", "on Tuesday", "in 2019", "next year", "the answer is no", "We answer this",
    "every election campaign", "promise", "if", "the talks fail", "no evidence", "denied",
    "reportedly", "The agency", "Reuters", "the United Nations", "Moscow", "1,200", "3.5%",
]
RUSSIAN = [
    "Министр", "заявил", "сказал он", "сказала она", "по словам", "Иван Петров", "Путина",
    "в понедельник", "в 2019 году", "будет", "может", "что", "якобы", "не", "Москва", "ООН",
    "если", "переговоры сорвутся", "отметил", "пообещал", "через год", "он", "она", "ответ — нет",
]
# What may follow a quotation: attributions, some with a stray closing mark after them (a
# typo news text has, which once crashed the English speakers).
ATTRIBUTIONS = [
    "", " he said", " she said.", ", said Ana Ruiz.", ' he said."', " she said.\u201d", " he said.''",
    " — сказал он.", " — сказал он", ", заявил министр",
]
QUOTE_MARKS = [
    '"', "\u201c", "\u201d", "\u201e", "\u201f", "\u00ab", "\u00bb", "\u2039", "\u203a", "'",
    "\u2018", "\u2019", "\u201a", "\u201b", "\u300c", "\u300d", "\u300e", "\u300f", "\uff02",
    "\u301d", "\u301e", "\u275d", "\u275e", "``", "''", "`",
]
DASHES = ["-", "\u2010", "\u2012", "\u2013", "\u2014", "\u2015", "\u2212", " \u2014 ", " - "]
PUNCTUATION = [",", ".", ":", ";", "!", "?", "\u2026", "(", ")", "[", "]", "...", ",\"", ".\u201d"]
SPACES = [" ", " ", " ", "\n", "\n\n", "\t", "\r\n", "\u00a0", "\u2028", "\u2029", "\u3000", "\u200b"]
RTL = [
    "\u0642\u0627\u0644 \u0627\u0644\u0648\u0632\u064a\u0631",  # Arabic: the minister said
    "\u05d0\u05de\u05e8 \u05d4\u05e9\u05e8",  # Hebrew: the minister said
    "\u200f", "\u200e", "\u202e", "\u202c", "\u2067", "\u2069", "\u0661\u0662\u0663",
]
COMBINING = ["e\u0301", "\u0301", "\u0336", "a\u0308\u0304\u0323", "\u0438\u0306", "\u20dd", "Z\u0351\u0352\u0353"]
EMOJI = [
    "\U0001f600", "\U0001f469\u200d\U0001f469\u200d\U0001f467", "\U0001f1f7\U0001f1fa",
    "\U0001f44d\U0001f3fd", "\u2764\ufe0f", "#\ufe0f\u20e3",
]
ASTRAL = ["\U000187c3", "\U00018783", "\U0001d518", "\U00020000", "\U0001f10b", "\U000e0041", "\U0010fffd"]
SURROGATES = ["\ud800", "\udfff", "\udc00"]
ODD = ["\ufeff", "\u200d", "\u200c", "\x00", "\x07", "\ufffd", "\u00ad", "\U000e0001"]

_BY_KIND: list[tuple[int, list[str]]] = [
    (6, ENGLISH), (6, RUSSIAN), (5, QUOTE_MARKS), (2, DASHES), (3, PUNCTUATION), (5, SPACES), (1, RTL),
    (1, COMBINING), (1, EMOJI), (1, ASTRAL), (1, ODD),
]


def _pieces() -> st.SearchStrategy[str]:
    kinds = [st.sampled_from(words) for weight, words in _BY_KIND for _ in range(weight)]
    # Now and then a stretch of arbitrary characters (any that UTF-8 can encode).
    kinds.append(st.text(st.characters(codec="utf-8"), min_size=1, max_size=6))
    return st.one_of(kinds)


def _quoted() -> st.SearchStrategy[str]:
    """A quotation as news writes it, or nearly: a mark of any script, words of either
    language, maybe a comma or full stop, maybe a closing mark, maybe an attribution."""
    words = st.lists(st.sampled_from(ENGLISH + RUSSIAN), min_size=1, max_size=6).map(" ".join)
    return st.tuples(
        st.sampled_from(QUOTE_MARKS), words, st.sampled_from(["", ",", ".", "?", "\u2026"]),
        st.sampled_from(QUOTE_MARKS + [""]),
        st.sampled_from(ATTRIBUTIONS),
    ).map("".join)


def _with_surrogate(text: str, surrogate: str, at: int) -> str:
    at = at % (len(text) + 1)
    return text[:at] + surrogate + text[at:]


def texts(*, with_surrogates: bool = True) -> st.SearchStrategy[str]:
    """News-like texts: sentences of pieces and quotations, each piece followed by a space or
    nothing (so marks stand both against words and apart), joined by spaces and line breaks;
    now and then an empty or whitespace-only text, and (``with_surrogates``) now and then a
    text holding a lone surrogate."""
    piece = st.one_of(*[_pieces()] * 2, _quoted())
    spaced = st.tuples(piece, st.sampled_from(["", " ", " ", " "])).map("".join)
    sentence = st.lists(spaced, min_size=1, max_size=14).map("".join)
    breaks = st.sampled_from([" ", " ", "\n", "\n\n", ""])
    # A text may end on a stray mark or dash (natasha's NER once took one for a person).
    last = st.one_of(st.just(""), st.sampled_from(QUOTE_MARKS + DASHES))
    joined = st.tuples(st.lists(st.tuples(sentence, breaks).map("".join), min_size=1, max_size=6).map("".join),
                       last).map("".join).filter(str.strip)
    blank = st.lists(st.sampled_from(SPACES), max_size=6).map("".join)
    broken = st.builds(_with_surrogate, joined, st.sampled_from(SURROGATES), st.integers(0, 10_000))
    # Hypothesis favours the ends of a range: the rarer kinds get values in the middle.
    return st.integers(0, 15).flatmap(
        lambda k: blank if k == 7 else broken if (k == 9 and with_surrogates) else joined)


def has_surrogate(text: str) -> bool:
    return any("\ud800" <= ch <= "\udfff" for ch in text)


def offset_problems(obj: Any, text: str, where: str = "") -> list[str]:
    """Every place in an ``analyze --json`` object where offsets do not point into ``text``: a
    ``start``/``end`` pair outside it, or a ``text`` that is not ``text[start:end]``."""
    out: list[str] = []
    if isinstance(obj, dict):
        s, e = obj.get("start"), obj.get("end")
        if isinstance(s, int) and isinstance(e, int):
            if not 0 <= s <= e <= len(text):
                out.append(f"{where}: {s}-{e} outside 0-{len(text)}")
            elif isinstance(obj.get("text"), str) and text[s:e] != obj["text"]:
                out.append(f"{where}: text[{s}:{e}] is {text[s:e]!r}, not {obj['text']!r}")
        for k, v in obj.items():
            if k != "document":
                out += offset_problems(v, text, f"{where}.{k}")
    elif isinstance(obj, list):
        for n, v in enumerate(obj):
            out += offset_problems(v, text, f"{where}[{n}]")
    return out
