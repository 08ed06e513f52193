"""Recycled text: exact and near-duplicate passages, within a document and across the library.

Units compared
    Paragraphs (runs of text between line breaks) of at least :data:`MIN_WORDS` words, and the
    sentences of multi-sentence paragraphs (so a sentence lifted out of a longer paragraph is
    caught).  Paragraphs longer than :data:`MAX_PARAGRAPH_WORDS` (an unbroken transcript) are
    compared by their sentences only.

Similarity
    Jaccard similarity of the sets of word bigrams (lower-cased ``\\w+`` tokens, so quotes,
    punctuation and case do not count).  A pair is a duplicate at ``similarity >= threshold``,
    default :data:`THRESHOLD` = 0.5.  Why 0.5: one substituted word in a 10-word sentence leaves
    7 of 11 bigrams shared (0.64); a sentence whose closing time span is rewritten
    ("indefinitely" -> "for at least ten more years") keeps about 0.6; two unrelated news
    sentences rarely share more than a couple of stock bigrams ("of the", "he said": < 0.2).

Search
    An exact fast path first (hash of the normalised token sequence), then MinHash (datasketch,
    ``num_perm`` = 64, affine32 scheme, fixed seed so signatures persist) with banded LSH of
    32 bands x 2 rows.  The chance that a pair with Jaccard J shares a band is 1-(1-J^2)^32:
    0.9999 at J = 0.5, 0.73 at 0.2 and 0.28 at 0.1, so no pair above the threshold is missed;
    the extra candidates are filtered by the signature estimate (one vectorised comparison)
    and then by the exact Jaccard.  The band tables are compact sorted numpy arrays rather
    than datasketch's ``MinHashLSH`` dict-of-sets storage, which measured 670 MB for 100,000
    paragraphs (see docs/timeline-and-recycling.md); the signatures are datasketch's.

Inconsistencies
    For each duplicate, the replaced stretches (difflib over word tokens) that carry a figure
    or a time expression on either side, as ``"'indefinitely' vs 'for at least ten more years'"``
    (earlier copy's wording first).
"""
from __future__ import annotations

import difflib
import hashlib
import re
import zlib
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Mapping

import numpy as np
from datasketch import MinHash

from ..records import Duplicate, DuplicateOf, Span
from .ranges import strip_range

__all__ = [
    "paragraphs",
    "duplicates",
    "DuplicateIndex",
    "THRESHOLD",
    "MIN_WORDS",
    "NUM_PERM",
]

THRESHOLD = 0.5
MIN_WORDS = 8
MAX_PARAGRAPH_WORDS = 300
NUM_PERM = 64
_SEED = 20240501
_STATE_VERSION = 1

_WORD = re.compile(r"\w+")
_PARA = re.compile(r"[^\n]+")
# A sentence ends at . ! ? or … (plus closing quotes/brackets) followed by space and a capital,
# digit or opening quote.  Abbreviations and initials are checked separately.
_SENT_END = re.compile(r"[.!?…]+[\"'”’)\]]*\s+(?=[\"'“‘(\[]?[A-Z0-9А-ЯЁ])")
_ABBREV = {
    "mr", "mrs", "ms", "dr", "prof", "gen", "col", "lt", "sgt", "capt", "cpt", "maj", "adm",
    "gov", "sen", "rep", "rev", "st", "jr", "sr", "no", "vs", "etc", "inc", "ltd", "co", "corp",
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
    "u.s", "u.k", "e.g", "i.e", "fig", "pres", "gen", "cmdr", "supt", "insp",
}
_FIGURE = re.compile(
    r"\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|"
    r"fifty|sixty|seventy|eighty|ninety|hundred|thousand|million|billion|half|dozen|first|second|"
    r"third|once|twice)\b", re.I)
_TEMPORAL = re.compile(
    r"\b(?:indefinitely|forever|permanently|temporarily|never|always|soon|later|earlier|ago|"
    r"yesterday|today|tomorrow|tonight|now|then|days?|weeks?|months?|years?|decades?|centur(?:y|ies)|"
    r"hours?|minutes?|until|since|before|after|by|within|January|February|March|April|May|June|July|"
    r"August|September|October|November|December|Monday|Tuesday|Wednesday|Thursday|Friday|"
    r"Saturday|Sunday)\b", re.I)


# ---------------------------------------------------------------- units


@dataclass(slots=True)
class _Unit:
    start: int
    end: int
    tokens: list[str]
    paragraph: int  # index of the paragraph it belongs to
    whole: bool  # True for a whole paragraph, False for a sentence of one


def _sentences(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Sentence spans of ``text[start:end]`` (regex splitter, abbreviation-aware)."""
    spans: list[tuple[int, int]] = []
    s = start
    for m in _SENT_END.finditer(text, start, end):
        word = re.search(r"([\w.]+)[.!?…]*$", text[max(s, m.start() - 12):m.start() + 1])
        w = word.group(1).lower().rstrip(".") if word else ""
        if text[m.start()] == "." and (w in _ABBREV or (len(w) == 1 and w.isalpha())):
            continue
        e = m.start() + len(m.group(0).rstrip())
        spans.append((s, e))
        s = m.end()
    if s < end:
        spans.append((s, end))
    return [(a, b) for a, b in spans if text[a:b].strip()]


def _units(text: str) -> list[_Unit]:
    units: list[_Unit] = []
    for p_index, m in enumerate(_PARA.finditer(text)):
        ps, pe = strip_range(text, m.start(), m.end())
        if ps >= pe:
            continue
        tokens = _WORD.findall(text[ps:pe].lower())
        if len(tokens) < MIN_WORDS:
            continue
        sents = _sentences(text, ps, pe)
        if len(tokens) <= MAX_PARAGRAPH_WORDS:
            units.append(_Unit(ps, pe, tokens, p_index, True))
        if len(sents) > 1 or len(tokens) > MAX_PARAGRAPH_WORDS:
            for ss, se in sents:
                ss, se = strip_range(text, ss, se)
                st = _WORD.findall(text[ss:se].lower())
                if len(st) >= MIN_WORDS:
                    units.append(_Unit(ss, se, st, p_index, False))
    return units


def paragraphs(text: str) -> list[Span]:
    """The units compared: paragraphs of at least MIN_WORDS words and the sentences of
    multi-sentence ones, in order of appearance (paragraph before its sentences)."""
    return [Span(u.start, u.end, text[u.start:u.end]) for u in _units(text)]


# ---------------------------------------------------------------- similarity


def _bigrams(tokens: list[str]) -> set[str]:
    if len(tokens) < 2:
        return set(tokens)
    return {tokens[i] + " " + tokens[i + 1] for i in range(len(tokens) - 1)}


def _jaccard(a: set[str], b: set[str]) -> float:
    if not a and not b:
        return 1.0
    return len(a & b) / len(a | b)


def _exact_key(tokens: list[str]) -> int:
    digest = hashlib.blake2b(" ".join(tokens).encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "little", signed=True)


def _h32(s: str) -> int:
    # Stable across processes (unlike hash()), so persisted signatures stay comparable.
    return zlib.crc32(s.encode("utf-8"))


class _Hasher:
    """MinHash signatures with fixed permutations, and their LSH band keys."""

    def __init__(self, num_perm: int, bands: int, rows: int) -> None:
        self.num_perm, self.bands, self.rows = num_perm, bands, rows
        self.permutations = MinHash(num_perm=num_perm, seed=_SEED).permutations
        rng = np.random.default_rng(_SEED)
        self.mult = rng.integers(1, 2**63 - 1, size=(rows,), dtype=np.uint64) | np.uint64(1)
        self.salt = rng.integers(1, 2**63 - 1, size=(bands,), dtype=np.uint64)

    def signature(self, tokens: list[str]) -> np.ndarray:
        m = MinHash(num_perm=self.num_perm, permutations=self.permutations, scheme="affine32",
                    hashfunc=_h32)
        m.update_batch(list(_bigrams(tokens)))
        return m.hashvalues.astype(np.uint32)

    def band_keys_many(self, sigs: np.ndarray) -> np.ndarray:
        """Band keys of many signatures at once: shape (n, bands)."""
        n = len(sigs)
        bands = sigs[:, : self.bands * self.rows].astype(np.uint64).reshape(n, self.bands, self.rows)
        with np.errstate(over="ignore"):
            return (bands * self.mult).sum(axis=2, dtype=np.uint64) ^ self.salt

    def band_keys(self, sig: np.ndarray) -> np.ndarray:
        bands = sig[: self.bands * self.rows].astype(np.uint64).reshape(self.bands, self.rows)
        with np.errstate(over="ignore"):
            return (bands * self.mult).sum(axis=1, dtype=np.uint64) ^ self.salt


def _lsh_params(num_perm: int) -> tuple[int, int]:
    """Two rows per band: recall ~1 at the 0.5 threshold (see the module docstring)."""
    return num_perm // 2, 2


class _BandTable:
    """Band key -> unit ids: a sorted array for the bulk plus a dict buffer for recent adds."""

    _MERGE_AT = 100_000

    def __init__(self) -> None:
        self.keys = np.zeros(0, dtype=np.uint64)
        self.vals = np.zeros(0, dtype=np.uint32)
        self.buffer: dict[int, list[int]] = {}
        self.buffered = 0

    def add(self, keys: np.ndarray, unit: int) -> None:
        for k in keys.tolist():
            self.buffer.setdefault(k, []).append(unit)
        self.buffered += len(keys)
        if self.buffered >= self._MERGE_AT:
            self.merge()

    def merge(self) -> None:
        if not self.buffer:
            return
        ks = np.fromiter((k for k, us in self.buffer.items() for _ in us), dtype=np.uint64,
                         count=self.buffered)
        vs = np.fromiter((u for us in self.buffer.values() for u in us), dtype=np.uint32,
                         count=self.buffered)
        keys = np.concatenate([self.keys, ks])
        vals = np.concatenate([self.vals, vs])
        order = np.argsort(keys, kind="stable")
        self.keys, self.vals = keys[order], vals[order]
        self.buffer, self.buffered = {}, 0

    def bulk(self, keys: np.ndarray) -> None:
        """Load the keys of units 0..n-1 (shape (n, bands)) into an empty table in one sort."""
        flat = keys.reshape(-1)
        vals = np.repeat(np.arange(len(keys), dtype=np.uint32), keys.shape[1])
        order = np.argsort(flat, kind="stable")
        self.keys, self.vals = flat[order], vals[order]

    def query(self, keys: np.ndarray) -> set[int]:
        out: set[int] = set()
        if len(self.keys):
            lo = np.searchsorted(self.keys, keys, "left")
            hi = np.searchsorted(self.keys, keys, "right")
            for a, b in zip(lo.tolist(), hi.tolist()):
                if b > a:
                    out.update(self.vals[a:b].tolist())
        for k in keys.tolist():
            us = self.buffer.get(k)
            if us:
                out.update(us)
        return out


# ---------------------------------------------------------------- inconsistencies


def _token_spans(text: str, start: int, end: int) -> list[tuple[str, int, int]]:
    return [(m.group(0).lower(), m.start(), m.end()) for m in _WORD.finditer(text, start, end)]


def _differences(old_text: str, old: tuple[int, int], new_text: str, new: tuple[int, int]) -> tuple[str, ...]:
    """Replaced stretches that carry a figure or a time expression: ``'old' vs 'new'``."""
    a = _token_spans(old_text, *old)
    b = _token_spans(new_text, *new)
    sm = difflib.SequenceMatcher(None, [t for t, _, _ in a], [t for t, _, _ in b], autojunk=False)
    found: list[str] = []
    for tag, i1, i2, j1, j2 in sm.get_opcodes():
        if tag != "replace":
            continue
        wa = old_text[a[i1][1]:a[i2 - 1][2]]
        wb = new_text[b[j1][1]:b[j2 - 1][2]]
        if any(_FIGURE.search(w) or _TEMPORAL.search(w) for w in (wa, wb)):
            item = f"'{wa}' vs '{wb}'"
            if item not in found:
                found.append(item)
    return tuple(found)


# ---------------------------------------------------------------- the index


@dataclass(slots=True)
class _Doc:
    id: str
    published: str | None
    seq: int


class DuplicateIndex:
    """Near-duplicate passages across a library of documents.

    Use: ``find(doc_id, text, published)`` for a new document, then ``add(...)`` it.  ``find``
    reports the passages of the document that repeat passages of OTHER documents, each pointing
    at the earliest published copy (documents without a date count as later than dated ones;
    ties go to the first added).  A passage is reported only when that copy is not later than
    the document itself: the origin of a passage is not a duplicate of its copies.

    Persistence: ``to_state()`` returns plain data (ints, strings and ``bytes`` of the
    signatures and hashes); ``DuplicateIndex.from_state(state, texts=...)`` rebuilds the index
    without re-hashing.  ``texts`` (a mapping or a function ``document_id -> text``) gives the
    stored texts back for exact similarity and inconsistencies; without it, similarity across
    documents falls back to the MinHash estimate and no inconsistencies are listed.
    """

    def __init__(self, *, threshold: float = THRESHOLD, num_perm: int = NUM_PERM,
                 keep_text: bool = True,
                 texts: Mapping[str, str] | Callable[[str], str | None] | None = None) -> None:
        if not 0.0 < threshold <= 1.0:
            raise ValueError("threshold must be in (0, 1]")
        self.threshold = threshold
        self.num_perm = num_perm
        self.keep_text = keep_text
        bands, rows = _lsh_params(num_perm)
        self._hasher = _Hasher(num_perm, bands, rows)
        self._table = _BandTable()
        self._docs: list[_Doc] = []
        self._doc_index: dict[str, int] = {}
        self._texts: dict[str, str] = {}
        self._text_source: Callable[[str], str | None] | None = (
            texts.get if isinstance(texts, Mapping) else texts)
        # Per unit: owning document, offsets, signature (rows of a growing list of arrays).
        self._unit_doc: list[int] = []
        self._unit_span: list[tuple[int, int]] = []
        self._sigs = np.zeros((0, num_perm), dtype=np.uint32)
        self._exact: dict[int, int | list[int]] = {}
        # The units hashed by the last find(), reused when add() follows with the same text.
        self._last: tuple[str, list[tuple[_Unit, int, np.ndarray]]] | None = None

    # -- building

    def __len__(self) -> int:
        return len(self._unit_doc)

    def __contains__(self, document_id: object) -> bool:
        return document_id in self._doc_index

    def _signatures(self) -> np.ndarray:
        return self._sigs[: len(self._unit_doc)]

    def _add_unit(self, doc: int, span: tuple[int, int], key: int, sig: np.ndarray) -> None:
        unit = len(self._unit_doc)
        self._unit_doc.append(doc)
        self._unit_span.append(span)
        if unit >= len(self._sigs):
            # Grow by doubling so appending stays amortised O(1).
            grown = np.zeros((max(1024, 2 * len(self._sigs)), self.num_perm), dtype=np.uint32)
            grown[: len(self._sigs)] = self._sigs
            self._sigs = grown
        self._sigs[unit] = sig
        prev = self._exact.get(key)
        if prev is None:
            self._exact[key] = unit
        elif isinstance(prev, list):
            prev.append(unit)
        else:
            self._exact[key] = [prev, unit]
        self._table.add(self._hasher.band_keys(sig), unit)

    def _register(self, document_id: str, published: str | None) -> int:
        if document_id in self._doc_index:
            raise ValueError(f"document {document_id} is already in the index")
        idx = len(self._docs)
        self._docs.append(_Doc(document_id, published, idx))
        self._doc_index[document_id] = idx
        return idx

    def add(self, document_id: str, published: str | None, text: str) -> None:
        """Index the passages of one document (a document is added once)."""
        idx = self._register(document_id, published)
        if self.keep_text:
            self._texts[document_id] = text
        hashed = self._last if self._last and self._last[0] == text else (text, self._hash_units(text))
        self._last = None
        for u, key, sig in hashed[1]:
            self._add_unit(idx, (u.start, u.end), key, sig)

    def _hash_units(self, text: str) -> list[tuple[_Unit, int, np.ndarray]]:
        return [(u, _exact_key(u.tokens), self._hasher.signature(u.tokens)) for u in _units(text)]

    # -- searching

    def _text_of(self, document_id: str) -> str | None:
        if document_id in self._texts:
            return self._texts[document_id]
        if self._text_source is not None:
            return self._text_source(document_id)
        return None

    def _candidates(self, tokens: list[str], sig: np.ndarray) -> dict[int, float]:
        """Unit id -> similarity for units at or above the threshold (exact when text allows)."""
        out: dict[int, float] = {}
        exact = self._exact.get(_exact_key(tokens))
        if exact is not None:
            for u in exact if isinstance(exact, list) else [exact]:
                out[u] = 1.0
        cands = [u for u in self._table.query(self._hasher.band_keys(sig)) if u not in out]
        if not cands:
            return out
        sigs = self._signatures()
        arr = np.fromiter(cands, dtype=np.int64, count=len(cands))
        est = (sigs[arr] == sig).mean(axis=1)
        # The estimate's spread at 64 permutations is about 0.06; keep a wide margin.
        keep = arr[est >= self.threshold - 0.2]
        mine = _bigrams(tokens)
        for u in keep.tolist():
            doc = self._docs[self._unit_doc[u]]
            other = self._text_of(doc.id)
            if other is None:
                sim = float((sigs[u] == sig).mean())
            else:
                s, e = self._unit_span[u]
                sim = _jaccard(mine, _bigrams(_WORD.findall(other[s:e].lower())))
            if sim >= self.threshold:
                out[u] = sim
        return out

    def _order(self, doc: _Doc) -> tuple[int, str, int]:
        return (0, doc.published, doc.seq) if doc.published else (1, "", doc.seq)

    def find(self, document_id: str, text: str, published: str | None) -> list[Duplicate]:
        """Passages of this document that repeat passages of other documents in the index."""
        me = self._doc_index.get(document_id)
        my_order = self._order(_Doc(document_id, published, me if me is not None else len(self._docs)))
        found: list[tuple[_Unit, int, float]] = []
        hashed = self._hash_units(text)
        self._last = (text, hashed)
        for u, _, sig in hashed:
            sims = self._candidates(u.tokens, sig)
            others = [(self._order(self._docs[self._unit_doc[unit]]), -sim, unit)
                      for unit, sim in sims.items()
                      if self._docs[self._unit_doc[unit]].id != document_id]
            if not others:
                continue
            order, _, unit = min(others)
            if order > my_order:
                continue
            found.append((u, unit, sims[unit]))
        return _assemble(text, found, lambda unit: self._resolve(unit))

    def _resolve(self, unit: int) -> tuple[str, int, int, str | None]:
        doc = self._docs[self._unit_doc[unit]]
        s, e = self._unit_span[unit]
        return doc.id, s, e, self._text_of(doc.id)

    # -- persistence

    def to_state(self) -> dict[str, Any]:
        """Plain data to rebuild the index with :meth:`from_state` (texts are not included)."""
        return {
            "version": _STATE_VERSION,
            "threshold": self.threshold,
            "num_perm": self.num_perm,
            "documents": [[d.id, d.published] for d in self._docs],
            "unit_doc": np.asarray(self._unit_doc, dtype=np.uint32).tobytes(),
            "unit_span": np.asarray(self._unit_span, dtype=np.uint32).reshape(-1, 2).tobytes(),
            "signatures": self._signatures().tobytes(),
            "exact": np.asarray(self._exact_pairs(), dtype=np.int64).reshape(-1, 2).tobytes(),
        }

    def _exact_pairs(self) -> list[tuple[int, int]]:
        pairs = []
        for k, v in self._exact.items():
            for u in v if isinstance(v, list) else [v]:
                pairs.append((k, u))
        return pairs

    @classmethod
    def from_state(cls, state: Mapping[str, Any], *,
                   texts: Mapping[str, str] | Callable[[str], str | None] | None = None) -> "DuplicateIndex":
        """Rebuild an index from :meth:`to_state` output."""
        if state.get("version") != _STATE_VERSION:
            raise ValueError(f"unsupported duplicate-index state version {state.get('version')!r}")
        index = cls(threshold=state["threshold"], num_perm=state["num_perm"], keep_text=False)
        if isinstance(texts, Mapping):
            index._text_source = texts.get
        elif texts is not None:
            index._text_source = texts
        for doc_id, published in state["documents"]:
            index._register(doc_id, published)
        unit_doc = np.frombuffer(state["unit_doc"], dtype=np.uint32)
        spans = np.frombuffer(state["unit_span"], dtype=np.uint32).reshape(-1, 2)
        sigs = np.frombuffer(state["signatures"], dtype=np.uint32).reshape(-1, index.num_perm)
        index._unit_doc = unit_doc.tolist()
        index._unit_span = [tuple(x) for x in spans.tolist()]
        index._sigs = sigs.copy()
        if len(sigs):
            index._table.bulk(index._hasher.band_keys_many(index._sigs))
        for k, u in np.frombuffer(state["exact"], dtype=np.int64).reshape(-1, 2).tolist():
            prev = index._exact.get(k)
            if prev is None:
                index._exact[k] = u
            elif isinstance(prev, list):
                prev.append(u)
            else:
                index._exact[k] = [prev, u]
        return index


# ---------------------------------------------------------------- assembling results


def _assemble(text: str, found: Iterable[tuple[_Unit, Any, float]],
              resolve: Callable[[Any], tuple[str, int, int, str | None]]) -> list[Duplicate]:
    """Turn (unit, target, similarity) into Duplicates: a paragraph match hides the matches of
    its own sentences; consecutive sentence matches into one earlier passage are merged."""
    rows = sorted(found, key=lambda f: (f[0].start, -(f[0].end - f[0].start)))
    out: list[list[Any]] = []  # [start, end, doc, of_start, of_end, sim*len, len, other_text]
    for u, target, sim in rows:
        doc, s, e, other = resolve(target)
        if out and u.start < out[-1][1]:
            continue  # a sentence inside a passage already reported
        n = u.end - u.start
        last = out[-1] if out else None
        gap = text[last[1]:u.start] if last else ""
        if (last and last[2] == doc and not gap.strip() and "\n" not in gap
                and last[4] <= s and s - last[4] <= 3):
            last[1], last[4] = u.end, e
            last[5] += sim * n
            last[6] += n
            continue
        out.append([u.start, u.end, doc, s, e, sim * n, n, other])
    result = []
    for start, end, doc, s, e, weighted, n, other in out:
        inconsistencies = _differences(other, (s, e), text, (start, end)) if other is not None else ()
        result.append(Duplicate(start=start, end=end, of=DuplicateOf(doc, s, e),
                                similarity=round(weighted / n, 3), inconsistencies=inconsistencies))
    return result


def duplicates(text: str, *, document_id: str, threshold: float = THRESHOLD) -> list[Duplicate]:
    """Passages of ``text`` that repeat an earlier passage of the same text (later -> earliest copy)."""
    index = DuplicateIndex(threshold=threshold, keep_text=False)
    index._register(document_id, None)
    index._texts[document_id] = text
    hasher = index._hasher
    found: list[tuple[_Unit, int, float]] = []
    units = _units(text)
    unit_para: list[int] = []
    for u in units:
        sig = hasher.signature(u.tokens)
        sims = index._candidates(u.tokens, sig)
        # Only copies in EARLIER paragraphs: a sentence is trivially similar to its own paragraph.
        earlier = [(unit, sim) for unit, sim in sims.items() if unit_para[unit] < u.paragraph]
        if earlier:
            unit, sim = min(earlier, key=lambda x: (index._unit_span[x[0]][0], -x[1]))
            found.append((u, unit, sim))
        index._add_unit(0, (u.start, u.end), _exact_key(u.tokens), sig)
        unit_para.append(u.paragraph)
    return _assemble(text, found, index._resolve)
