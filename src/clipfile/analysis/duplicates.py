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
    Bigrams are compared as 32-bit hashes (crc32), so a passage's bigrams store in 4 bytes each.

Search
    Identical passages (the same normalised words, an exact hash) are one *passage* of the
    library index however many documents carry them, so a sentence repeated in 5,000 documents
    is one candidate, not 5,000.  Near copies are found by MinHash (datasketch's ``affine32``
    scheme, ``num_perm`` = 64, fixed seed so band keys persist) with banded LSH of 32 bands x 2
    rows: the chance that a pair with Jaccard J shares a band is 1-(1-J^2)^32, 0.9999 at J = 0.5.
    The work per unit is bounded whatever the size of the library: a band key files at most
    :data:`PER_BAND` passages (a key shared by more is a stop key, like a stop word: stock
    bigrams), and at most :data:`MAX_CANDIDATES` passages per unit, those sharing the most
    bands and at least :data:`MIN_SHARED_BANDS` (0.9986 of pairs at J = 0.5 share two), are
    verified by the exact Jaccard on their stored bigram hashes.  A unit identical to a
    passage first seen in an older document is not searched at all: that passage's origin
    is already known.

Origins
    Each passage keeps its earliest copy (``first``) and the earliest copy of any passage similar
    to it (``origin``, with that similarity).  Adding a document offers each of its units to the
    passages similar to it, so an older copy that arrives late becomes their origin, and the
    documents holding those passages that sort after it are named for re-computing; nothing else
    is searched again.

Inconsistencies
    For each duplicate, the replaced stretches (difflib over word tokens) that carry a figure
    or a time expression on either side, as ``"'indefinitely' vs 'for at least ten more years'"``
    (earlier copy's wording first).
"""
from __future__ import annotations

import difflib
import functools
import hashlib
import heapq
import itertools
import re
import zlib
from collections import Counter, OrderedDict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Iterable, Mapping

import numpy as np

from ..records import Duplicate, DuplicateOf, Span
from .ranges import strip_range

if TYPE_CHECKING:
    from ..store.base import Copy, Passage, RecycledTable

__all__ = [
    "paragraphs",
    "duplicates",
    "DuplicateIndex",
    "THRESHOLD",
    "MIN_WORDS",
    "NUM_PERM",
    "PER_BAND",
    "MAX_CANDIDATES",
    "MIN_SHARED_BANDS",
]

THRESHOLD = 0.5
MIN_WORDS = 8
MAX_PARAGRAPH_WORDS = 300
NUM_PERM = 64
PER_BAND = 32
MAX_CANDIDATES = 32
MIN_SHARED_BANDS = 2
FILE_BANDS_AT = 250_000  # band keys kept in memory before they are filed in the table
_SEED = 20240501
_INDEX_VERSION = 2  # of what the index stores; a library whose index differs rebuilds it

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


def _h32(s: str) -> int:
    # Stable across processes (unlike hash()), so persisted hashes stay comparable.
    return zlib.crc32(s.encode("utf-8"))


def _bigram_hashes(tokens: list[str]) -> list[int]:
    return sorted({_h32(b) for b in _bigrams(tokens)})


def _jaccard(a: set[int] | frozenset[int], b: set[int] | frozenset[int]) -> float:
    if not a and not b:
        return 1.0
    shared = len(a & b)
    return shared / (len(a) + len(b) - shared)


def _exact_key(tokens: list[str]) -> int:
    digest = hashlib.blake2b(" ".join(tokens).encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "little", signed=True)


class _Hasher:
    """MinHash signatures with fixed permutations, and their LSH band keys (signed 32-bit)."""

    def __init__(self, num_perm: int, bands: int, rows: int) -> None:
        self.num_perm, self.bands, self.rows = num_perm, bands, rows
        self.permutations = affine32_permutations(num_perm, _SEED)
        rng = np.random.default_rng(_SEED)
        self.mult = rng.integers(1, 2**63 - 1, size=(rows,), dtype=np.uint64) | np.uint64(1)
        self.salt = rng.integers(1, 2**63 - 1, size=(bands,), dtype=np.uint64)

    def signatures(self, hash_lists: list[list[int]]) -> np.ndarray:
        """MinHash signatures of many units at once, shape (units, num_perm), given each unit's
        bigram hashes: datasketch's ``affine32`` scheme (the MurmurHash3 finalizer, then
        ``a * h + b`` modulo 2**32) with its permutations, computed for a whole document in a few
        array operations instead of one ``MinHash`` object per unit."""
        a, b = self.permutations
        out = np.empty((len(hash_lists), self.num_perm), dtype=np.uint32)
        for k in range(0, len(hash_lists), 512):  # bounded temporary arrays for long transcripts
            chunk = hash_lists[k:k + 512]
            lengths = [len(h) for h in chunk]
            hv = _fmix32(np.fromiter(itertools.chain.from_iterable(chunk), dtype=np.uint32, count=sum(lengths)))
            with np.errstate(over="ignore"):
                phv = hv[:, None] * a + b
            starts = np.cumsum([0, *lengths[:-1]])
            out[k:k + len(chunk)] = np.minimum.reduceat(phv, starts, axis=0)
        return out

    def band_keys(self, sigs: np.ndarray) -> np.ndarray:
        """Band keys of signatures, shape (units, bands), as signed 32-bit integers."""
        n = len(sigs)
        bands = sigs[:, : self.bands * self.rows].astype(np.uint64).reshape(n, self.bands, self.rows)
        with np.errstate(over="ignore"):
            keys = (bands * self.mult).sum(axis=2, dtype=np.uint64) ^ self.salt
        # Folded to 32 bits: a key stores in 4 bytes, and the rare collision only adds a candidate
        # that the exact similarity then drops.
        return ((keys >> np.uint64(32)) ^ keys).astype(np.uint32).view(np.int32)


def affine32_permutations(num_perm: int, seed: int) -> np.ndarray:
    """The ``(a, b)`` parameters, shape (2, num_perm), of datasketch's ``affine32`` MinHash with
    this seed (``MinHash(num_perm, seed).permutations``), drawn the way datasketch draws them.

    Drawn here rather than by importing datasketch: its package imports its LSH module and so
    SciPy, which took a second of every run's start-up (most of analysing one short text), for
    two arrays.  The band keys stored in a library depend on these values; a test checks them
    against datasketch's own."""
    gen = np.random.RandomState(seed)
    a = gen.randint(0, 1 << 31, num_perm, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = gen.randint(0, 1 << 32, num_perm, dtype=np.uint32)
    return np.array([a, b])


def _fmix32(h: np.ndarray) -> np.ndarray:
    """MurmurHash3's 32-bit finalizer, as datasketch applies it before its permutations."""
    with np.errstate(over="ignore"):
        h = h ^ (h >> np.uint32(16))
        h = h * np.uint32(0x85EBCA6B)
        h = h ^ (h >> np.uint32(13))
        h = h * np.uint32(0xC2B2AE35)
        return h ^ (h >> np.uint32(16))


def _lsh_params(num_perm: int) -> tuple[int, int]:
    """Two rows per band: recall ~1 at the 0.5 threshold (see the module docstring)."""
    return num_perm // 2, 2


@functools.lru_cache(maxsize=4)
def _hasher(num_perm: int) -> _Hasher:
    return _Hasher(num_perm, *_lsh_params(num_perm))


@dataclass(slots=True)
class _Hashed:
    unit: _Unit
    exact: int
    hashes: list[int]  # sorted bigram hashes
    bands: list[int]


# The units and hashes of the last few texts (at most _HASHED_SIZE, and _HASHED_CHARS characters
# besides the newest): the library hashes a document for its within-document repeats and then
# again for the library index when it saves the analysis, and with documents analysed a batch at
# a time (pipeline.analyze_many) a batch of other texts comes between the two.
_HASHED: OrderedDict[tuple[int, str], list[_Hashed]] = OrderedDict()
_HASHED_SIZE = 32
_HASHED_CHARS = 2_000_000


def _hash_units(hasher: _Hasher, text: str) -> list[_Hashed]:
    """The units of ``text`` with their hashes (kept for the last few texts: see _HASHED)."""
    key = (hasher.num_perm, text)
    found = _HASHED.get(key)
    if found is not None:
        _HASHED.move_to_end(key)
        return found
    units = _units(text)
    hashes = [_bigram_hashes(u.tokens) for u in units]
    keys = hasher.band_keys(hasher.signatures(hashes)).tolist() if units else []
    out = [_Hashed(u, _exact_key(u.tokens), h, k) for u, h, k in zip(units, hashes, keys)]
    _HASHED[key] = out
    chars = sum(len(t) for _n, t in _HASHED)
    while len(_HASHED) > 1 and (len(_HASHED) > _HASHED_SIZE or chars > _HASHED_CHARS + len(text)):
        (_n, old), _ = _HASHED.popitem(last=False)
        chars -= len(old)
    return out


# ---------------------------------------------------------------- inconsistencies


def _token_spans(text: str, start: int, end: int) -> list[tuple[str, int, int]]:
    return [(m.group(0).lower(), m.start(), m.end()) for m in _WORD.finditer(text, start, end)]


def _differences(old_text: str, old: tuple[int, int], new_text: str, new: tuple[int, int]) -> tuple[str, ...]:
    """Replaced stretches that carry a figure or a time expression: ``'old' vs 'new'``."""
    if _WORD.findall(old_text[old[0]:old[1]].lower()) == _WORD.findall(new_text[new[0]:new[1]].lower()):
        return ()  # the same words (as units compare them): nothing replaced, the common case
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


# ---------------------------------------------------------------- the library index


class _BandBuffer:
    """Band keys not filed in the table yet: a sorted array for most, a dict for the latest
    (about 12 bytes a key, where a dict of lists would take ten times that)."""

    _MERGE_AT = 20_000

    def __init__(self) -> None:
        self.clear()

    def clear(self) -> None:
        self.keys = np.zeros(0, dtype=np.int32)
        self.pids = np.zeros(0, dtype=np.int64)
        self.recent: dict[int, list[int]] = {}
        self.n_recent = 0

    def __len__(self) -> int:
        return len(self.keys) + self.n_recent

    def add(self, key: int, pid: int) -> None:
        self.recent.setdefault(key, []).append(pid)
        self.n_recent += 1
        if self.n_recent >= self._MERGE_AT:
            self._merge()

    def _merge(self) -> None:
        ks = [k for k, ps in self.recent.items() for _ in ps]
        ps = [p for ps in self.recent.values() for p in ps]
        keys = np.concatenate([self.keys, np.asarray(ks, dtype=np.int32)])
        pids = np.concatenate([self.pids, np.asarray(ps, dtype=np.int64)])
        order = np.argsort(keys, kind="stable")
        self.keys, self.pids = keys[order], pids[order]
        self.recent, self.n_recent = {}, 0

    def get(self, keys: list[int]) -> dict[int, list[int]]:
        out: dict[int, list[int]] = {}
        if len(self.keys) and keys:
            wanted = np.asarray(keys, dtype=np.int32)
            lo = np.searchsorted(self.keys, wanted, "left")
            hi = np.searchsorted(self.keys, wanted, "right")
            for k, a, b in zip(keys, lo.tolist(), hi.tolist()):
                if b > a:
                    out[k] = self.pids[a:b].tolist()
        for k in keys:
            if k in self.recent:
                out[k] = out.get(k, []) + self.recent[k]
        return out

    def rows(self) -> list[tuple[int, int]]:
        self._merge()
        return list(zip(self.keys.tolist(), self.pids.tolist()))


def _bigram_set(blob: bytes) -> frozenset[int]:
    return frozenset(np.frombuffer(blob, dtype="<u4").tolist())


def _offer(p: "Passage", copy: "Copy", sim: float) -> bool:
    """Make ``copy`` (of a passage ``sim``-similar to ``p``) the origin of ``p`` if it sorts first:
    earliest document, then the most similar, then the first in its document."""
    if (copy.doc.order, -sim, copy.pos) < (p.origin.doc.order, -p.origin_sim, p.origin.pos):
        p.origin, p.origin_sim = copy, sim
        return True
    return False


@dataclass(slots=True)
class _Search:
    """What one document's units matched in the index: reused by ``add`` after ``find``."""

    doc_id: str
    text: str
    order: tuple[Any, ...] | None  # where the document sorts (None: searched as indexed)
    units: list[_Hashed]
    exact: dict[int, int]  # exact hash -> passage id
    postings: dict[int, list[int]]  # band key -> passage ids
    similar: list[list[tuple[int, float]]]  # per unit: (passage id, similarity >= threshold)
    settled: list[bool]  # per unit: identical to a passage first seen earlier (not searched)
    passages: dict[int, "Passage"]


class DuplicateIndex:
    """Near-duplicate passages across a library of documents.

    Use: ``find(doc_id, text, published)`` for a new document, then ``add(...)`` it.  ``find``
    reports the passages of the document that repeat passages of OTHER documents, each pointing
    at the earliest published copy (documents without a date count as later than dated ones;
    ties go to the first added).  A passage is reported only when that copy is not later than
    the document itself: the origin of a passage is not a duplicate of its copies.  ``add``
    returns the documents already indexed whose reported duplicates the new one may change (it
    is older than the copy they point at); :meth:`stored_duplicates` gives their new ones.

    Args:
        table: where the index lives: a library's ``store.recycled``
            (:class:`~clipfile.store.base.RecycledTable`); by default a throw-away in-memory one.
        texts: document id -> text (a mapping or a function), for the inconsistencies of copies
            whose documents the table cannot read; ``keep_text`` keeps the texts added.
    """

    def __init__(self, table: "RecycledTable | None" = None, *, threshold: float = THRESHOLD,
                 num_perm: int = NUM_PERM, keep_text: bool = True,
                 texts: Mapping[str, str] | Callable[[str], str | None] | None = None) -> None:
        if not 0.0 < threshold <= 1.0:
            raise ValueError("threshold must be in (0, 1]")
        if table is None:
            from ..store.sqlite import SQLiteStore

            self._own_store: Any = SQLiteStore(":memory:")
            table = self._own_store.recycled
        self.threshold = threshold
        self.num_perm = num_perm
        self.keep_text = keep_text
        self._table = table
        self._hasher = _hasher(num_perm)
        self._texts: dict[str, str] = {}
        self._text_source: Callable[[str], str | None] | None = (
            texts.get if isinstance(texts, Mapping) else texts)
        self._last: _Search | None = None
        self._unfiled = _BandBuffer()  # band keys of passages added here, not filed yet
        self._healed = False
        #: Work counters: units searched, band postings read, candidates verified, matches.
        self.stats: Counter[str] = Counter()

    def settings(self) -> dict[str, Any]:
        """What the stored index depends on: an index made with other settings must be rebuilt."""
        return {"version": _INDEX_VERSION, "threshold": self.threshold, "num_perm": self.num_perm,
                "bands": self._hasher.bands, "rows": self._hasher.rows}

    def __len__(self) -> int:
        return self._table.unit_count()

    def __contains__(self, document_id: object) -> bool:
        return isinstance(document_id, str) and self._table.document(document_id) is not None

    # -- searching

    def _search(self, doc_id: str, text: str, order: tuple[Any, ...] | None) -> _Search:
        """Match a document's units against the index.

        ``order`` is where the document will sort when it is not indexed yet.  A unit identical
        to a passage whose first copy sorts before it needs no band search: that passage's
        origin already is the earliest copy of anything similar, and the new copy can become no
        passage's origin.  So a sentence the library has seen costs one exact lookup.
        """
        self._heal()
        hashed = _hash_units(self._hasher, text)
        exact = self._table.lookup(sorted({h.exact for h in hashed}), [])[0]
        passages = self._table.passages(set(exact.values())) if exact else {}
        settled = [order is not None and h.exact in exact and passages[exact[h.exact]].first.doc.order < order
                   for h in hashed]
        keys = sorted({k for h, done in zip(hashed, settled) if not done for k in h.bands})
        postings = self._table.lookup([], keys)[1] if keys else {}
        for key, ids in self._unfiled.get(keys).items():
            postings[key] = postings.get(key, []) + ids
        chosen: list[tuple[int | None, list[int]]] = []
        for h, done in zip(hashed, settled):
            own = exact.get(h.exact)
            if done:
                chosen.append((own, []))
                continue
            hits = Counter(itertools.chain.from_iterable(postings.get(key, ()) for key in h.bands))
            self.stats["postings"] += hits.total()
            hits.pop(own, None)  # type: ignore[arg-type]
            shared = [kv for kv in hits.items() if kv[1] >= MIN_SHARED_BANDS]
            top = [pid for pid, _ in heapq.nsmallest(MAX_CANDIDATES, shared, key=lambda kv: (-kv[1], kv[0]))]
            chosen.append((own, top))
        # Verify on the stored bigram hashes; read whole passages only for what matched.
        candidates = {pid for _own, top in chosen for pid in top}
        sets = {pid: _bigram_set(b) for pid, b in self._table.bigrams(candidates).items()} if candidates else {}
        similar: list[list[tuple[int, float]]] = []
        for h, (own, top) in zip(hashed, chosen):
            mine = frozenset(h.hashes)
            sims = [(own, 1.0)] if own is not None else []
            for pid in top:
                sim = _jaccard(mine, sets[pid])
                if sim >= self.threshold:
                    sims.append((pid, sim))
            similar.append(sims)
            self.stats["units"] += 1
            self.stats["candidates"] += len(top) + (own is not None)
            self.stats["similar"] += len(sims)
        wanted = {pid for sims in similar for pid, _ in sims} - passages.keys()
        if wanted:
            passages.update(self._table.passages(wanted))
        return _Search(doc_id, text, order, hashed, exact, postings, similar, settled, passages)

    def _order(self, published: str | None) -> tuple[Any, ...]:
        """Where a document not indexed yet will sort: after every indexed one of its date."""
        return (published is None, published or "", float("inf"))

    def find(self, document_id: str, text: str, published: str | None) -> list[Duplicate]:
        """Passages of this document that repeat passages of other documents in the index."""
        me = self._table.document(document_id)
        my_order = me.order if me else self._order(published)
        search = self._last = self._search(document_id, text, None if me else my_order)
        found = []
        for h, sims, done in zip(search.units, search.similar, search.settled):
            if done:  # a known passage: its origin is the earliest similar copy
                p = search.passages[sims[0][0]]
                copies = [(p.origin, p.origin_sim)]
            else:
                copies = [(search.passages[pid].first, sim) for pid, sim in sims]
            best = None
            for copy, sim in copies:
                if copy.doc.id == document_id:
                    continue  # its other copies are all later than this document
                key = (copy.doc.order, -sim, copy.pos)
                if best is None or key < best[0]:
                    best = (key, copy, sim)
            if best is not None and best[0][0] <= my_order:
                copy = best[1]
                found.append((h.unit.start, h.unit.end, copy.doc.id, copy.start, copy.end, best[2]))
        return self._assemble(text, found)

    # -- building

    def add(self, document_id: str, published: str | None, text: str) -> list[str]:
        """Index the passages of one document (a document is added once).

        Returns:
            Ids of indexed documents that sort after this one and repeat a passage it is now
            the origin of: their cross-document duplicates may have changed.
        """
        self._heal()
        if self._table.document(document_id) is not None:
            raise ValueError(f"document {document_id} is already in the index")
        order = self._order(published)
        last = self._last
        fresh = last is not None and last.doc_id == document_id and last.text == text and last.order == order
        search = last if last is not None and fresh else self._search(document_id, text, order)
        self._last = None
        if self.keep_text:
            self._texts[document_id] = text
        with self._table.transaction():
            return self._add(search, document_id, published, text)

    def _add(self, search: _Search, document_id: str, published: str | None, text: str) -> list[str]:
        """The writes of :meth:`add`, in one transaction."""
        from ..store.base import Copy, Passage

        doc = self._table.register(document_id, published)
        passages = search.passages
        fill = {key: len(ids) for key, ids in search.postings.items()}
        local: dict[int, Passage] = {}  # passages first seen in this document
        changed: dict[int, Passage] = {}
        moved: set[int] = set()
        units: list[tuple[int, int, int, Passage]] = []
        bands: list[tuple[int, Passage]] = []  # filed once the new passages have ids
        for pos, (h, sims) in enumerate(zip(search.units, search.similar)):
            copy = Copy(doc, pos, h.unit.start, h.unit.end)
            own = local.get(h.exact)
            if own is None and h.exact in search.exact:
                own = passages[search.exact[h.exact]]
                if (doc.order, pos) < (own.first.doc.order, own.first.pos):
                    own.first = copy
                    changed[own.id] = own  # type: ignore[index]
            if own is None:
                own = Passage(None, h.exact, np.asarray(h.hashes, dtype="<u4").tobytes(), copy, copy, 1.0)
                for pid, sim in sims:
                    _offer(own, passages[pid].first, sim)
                local[h.exact] = own
                for key in dict.fromkeys(h.bands):
                    if fill.get(key, 0) < PER_BAND:  # a full key is a stop key: file no more under it
                        bands.append((key, own))
                        fill[key] = fill.get(key, 0) + 1
            # This copy may now be the earliest similar copy of the passages similar to it.
            for pid, sim in sims:
                q = passages[pid]
                if _offer(q, copy, sim):
                    changed[pid] = q
                    moved.add(pid)
            units.append((pos, h.unit.start, h.unit.end, own))
        self._table.save(doc, units, [*local.values(), *changed.values()])
        for key, p in bands:
            self._unfiled.add(key, p.id)  # type: ignore[arg-type]
        if len(self._unfiled) >= FILE_BANDS_AT:
            self.file_bands()
        return self._table.later_copies(moved, doc)

    def file_bands(self) -> None:
        """File the band keys of the passages added since the last call, in one write.

        A document's ~800 band keys are random: filed with it, they would dirty as many pages
        of the band table per document.  Sorted and filed hundreds of documents at a time they
        share pages.  Until then they are searched from memory; a process that stops before
        filing them leaves its passages listed as unfiled, and the next index files them
        again from their stored bigram hashes."""
        if len(self._unfiled):
            self._table.file_bands(self._unfiled.rows())
            self._unfiled.clear()

    def forget_unfiled(self) -> None:
        """Drop the band keys not filed yet (after the transaction holding their passages was
        rolled back); passages that were stored stay listed as unfiled and are filed again."""
        self._unfiled.clear()
        self._last = None
        self._healed = False

    def _heal(self) -> None:
        """File the band keys of passages left unfiled by an earlier process."""
        if self._healed:
            return
        self._healed = True
        while rows := self._table.unfiled():
            hashes = [np.frombuffer(b, dtype="<u4").tolist() for _pid, b in rows]
            keys = self._hasher.band_keys(self._hasher.signatures(hashes)).tolist()
            self._table.file_bands([(k, pid) for (pid, _b), ks in zip(rows, keys) for k in dict.fromkeys(ks)])

    def stored_duplicates(self, document_id: str, text: str) -> list[Duplicate]:
        """What :meth:`find` reports for an indexed document, read from the passages' origins
        (no search): for re-computing the documents :meth:`add` names, and re-analysis."""
        me = self._table.document(document_id)
        if me is None:
            raise ValueError(f"document {document_id} is not in the index")
        rows = self._table.units(document_id)
        passages = self._table.passages({r[3] for r in rows}) if rows else {}
        found = []
        for _pos, start, end, pid in rows:
            p = passages[pid]
            o = p.origin
            if o.doc.id != document_id and o.doc.order <= me.order:
                found.append((start, end, o.doc.id, o.start, o.end, p.origin_sim))
        return self._assemble(text, found)

    # -- results

    def _slices(self, spans: list[tuple[str, int, int]]) -> list[str | None]:
        out = self._table.slices(spans)
        for i, (doc_id, start, end) in enumerate(spans):
            if out[i] is None:
                text = self._texts.get(doc_id)
                if text is None and self._text_source is not None:
                    text = self._text_source(doc_id)
                out[i] = text[start:end] if text is not None else None
        return out

    def _assemble(self, text: str, found: list[tuple[int, int, str, int, int, float]]) -> list[Duplicate]:
        return _assemble(text, found, self._slices)


# ---------------------------------------------------------------- within one document


class _LocalIndex:
    """The units of one document so far, identical ones grouped under their first copy."""

    def __init__(self) -> None:
        self.first: list[_Unit] = []
        self.sets: list[frozenset[int]] = []
        self.exact: dict[int, int] = {}
        self.bands: dict[int, list[int]] = {}

    def similar(self, h: _Hashed, threshold: float) -> list[tuple[int, float]]:
        out = []
        own = self.exact.get(h.exact)
        if own is not None:
            out.append((own, 1.0))
        mine = frozenset(h.hashes)
        seen = {own}
        for key in h.bands:
            for g in self.bands.get(key, ()):
                if g not in seen:
                    seen.add(g)
                    sim = _jaccard(mine, self.sets[g])
                    if sim >= threshold:
                        out.append((g, sim))
        return out

    def add(self, h: _Hashed) -> None:
        if h.exact in self.exact:
            return  # the group's first copy already stands for it
        g = len(self.first)
        self.first.append(h.unit)
        self.sets.append(frozenset(h.hashes))
        self.exact[h.exact] = g
        for key in dict.fromkeys(h.bands):
            self.bands.setdefault(key, []).append(g)


def duplicates(text: str, *, document_id: str, threshold: float = THRESHOLD) -> list[Duplicate]:
    """Passages of ``text`` that repeat an earlier passage of the same text (later -> earliest copy)."""
    hasher = _hasher(NUM_PERM)
    index = _LocalIndex()
    found = []
    for h in _hash_units(hasher, text):
        u = h.unit
        # Only copies in EARLIER paragraphs: a sentence is trivially similar to its own paragraph.
        earlier = [(g, sim) for g, sim in index.similar(h, threshold) if index.first[g].paragraph < u.paragraph]
        if earlier:
            g, sim = min(earlier, key=lambda x: (index.first[x[0]].start, -x[1]))
            first = index.first[g]
            found.append((u.start, u.end, document_id, first.start, first.end, sim))
        index.add(h)
    return _assemble(text, found, lambda spans: [text[s:e] for _d, s, e in spans])


# ---------------------------------------------------------------- assembling results


def _assemble(text: str, found: Iterable[tuple[int, int, str, int, int, float]],
              slices: Callable[[list[tuple[str, int, int]]], list[str | None]]) -> list[Duplicate]:
    """Turn (start, end, earlier document, its start, its end, similarity) per unit into
    Duplicates: a paragraph match hides the matches of its own sentences; consecutive sentence
    matches into one earlier passage are merged."""
    rows = sorted(found, key=lambda f: (f[0], -(f[1] - f[0])))
    out: list[list[Any]] = []  # [start, end, doc, of_start, of_end, sim*len, len]
    for start, end, doc, s, e, sim in rows:
        if out and start < out[-1][1]:
            continue  # a sentence inside a passage already reported
        n = end - start
        last = out[-1] if out else None
        gap = text[last[1]:start] if last else ""
        if (last and last[2] == doc and not gap.strip() and "\n" not in gap
                and last[4] <= s and s - last[4] <= 3):
            last[1], last[4] = end, e
            last[5] += sim * n
            last[6] += n
            continue
        out.append([start, end, doc, s, e, sim * n, n])
    earlier = slices([(doc, s, e) for _a, _b, doc, s, e, _w, _n in out]) if out else []
    result = []
    for (start, end, doc, s, e, weighted, n), other in zip(out, earlier):
        inconsistencies = _differences(other, (0, len(other)), text, (start, end)) if other is not None else ()
        result.append(Duplicate(start=start, end=end, of=DuplicateOf(doc, s, e),
                                similarity=round(weighted / n, 3), inconsistencies=inconsistencies))
    return result
