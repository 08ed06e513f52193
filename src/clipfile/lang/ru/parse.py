"""Russian parsing on natasha: sentences, tokens with offsets, morphology, syntax, NER.

natasha bundles its models (navec embeddings, slovnet taggers, pymorphy2 dictionaries), so
nothing downloads at run time.  The models load once per process (:func:`models`).  A
:class:`RuDoc` keeps plain values only (offsets, lemmas, features, head indices), so the
extraction stages never touch natasha objects and offsets always refer to the text given.
:func:`parse` runs natasha's taggers through :mod:`.forward` (the same scores, to the bit, for
less); :func:`natasha_doc` is natasha's own pipeline as it comes.
"""
from __future__ import annotations

import bisect
import contextlib
import functools
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field, fields
from typing import Any

from ...errors import ExtractionError

__all__ = ["RuToken", "RuSentence", "RuSpan", "RuDoc", "parse", "parse_many", "models"]


@dataclass(frozen=True, slots=True, init=False)
class RuToken:
    """One token: ``i`` is its index in :attr:`RuDoc.tokens`; ``head`` the index of its
    syntactic head (-1 for a sentence root); offsets are into :attr:`RuDoc.text`."""

    i: int
    start: int
    end: int
    text: str
    lemma: str
    pos: str
    feats: dict[str, str]
    head: int
    rel: str
    sent: int

    def __init__(self, i: int, start: int, end: int, text: str, lemma: str, pos: str,
                 feats: dict[str, str], head: int, rel: str, sent: int) -> None:
        # The __init__ a frozen dataclass makes sets each field through object.__setattr__ (to
        # get past its own __setattr__, which refuses): 4 us a token, built for every word of
        # every text.  Each field's slot is set directly here, in a third of that.
        _set_i(self, i)
        _set_start(self, start)
        _set_end(self, end)
        _set_text(self, text)
        _set_lemma(self, lemma)
        _set_pos(self, pos)
        _set_feats(self, feats)
        _set_head(self, head)
        _set_rel(self, rel)
        _set_sent(self, sent)


# Each field's slot setter (the slot's own, which a frozen __setattr__ does not stand in front of).
(_set_i, _set_start, _set_end, _set_text, _set_lemma, _set_pos, _set_feats, _set_head, _set_rel,
 _set_sent) = (getattr(RuToken, f.name).__set__ for f in fields(RuToken))


@dataclass(frozen=True, slots=True)
class RuSentence:
    """A sentence: character span and its token index range ``[first, last)``."""

    start: int
    end: int
    first: int
    last: int


@dataclass(frozen=True, slots=True)
class RuSpan:
    """A named-entity span from natasha's NER (``type`` is PER, LOC or ORG) with the
    normal (nominative) form natasha's morphology gives and, for persons, name parts."""

    start: int
    end: int
    type: str
    text: str
    normal: str
    first: int
    last: int

    @property
    def parts(self) -> dict[str, str]:
        """The parts of a person's name (``first``, ``last``, ``middle``) natasha's name grammar
        finds in :attr:`normal`; empty for other spans.

        Found when asked for, not with the parse: the grammar (yargy) costs about as much per
        new name as the rest of the parse wrapper per text, and no stage reads the parts
        (the entities stage splits names its own way)."""
        if self.type != "PER" or not self.normal:
            return {}
        return dict(_name_parts(self.normal))


_NO_TOKENS: list[RuToken] = []


@dataclass
class RuDoc:
    """A parsed Russian text."""

    text: str
    tokens: list[RuToken]
    sents: list[RuSentence]
    spans: list[RuSpan]
    _kids: dict[int, list[int]] = field(default_factory=dict, repr=False)
    _kid_tokens: dict[int, list[RuToken]] = field(default_factory=dict, repr=False)
    _ends: list[int] = field(default_factory=list, repr=False)
    # The stages' indexes of this document, built by the first stage that needs one and read by
    # the next (:meth:`~clipfile.lang.ru.referents.RuReferents.of`).
    shared: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._ends = [t.end for t in self.tokens]
        for t in self.tokens:
            if t.head >= 0:
                self._kids.setdefault(t.head, []).append(t.i)
                self._kid_tokens.setdefault(t.head, []).append(t)

    def children(self, i: int) -> list[RuToken]:
        """Tokens whose syntactic head is token ``i``, in text order.

        The stages ask for a token's children tens of times per token, so the list is built
        once and shared: read it, do not change it."""
        return self._kid_tokens.get(i, _NO_TOKENS)

    def subtree(self, i: int, *, skip: frozenset[str] = frozenset()) -> list[int]:
        """Indices of token ``i`` and its descendants, leaving out children whose relation
        is in ``skip`` (with their own subtrees), sorted.

        natasha occasionally returns heads that form a loop; each token is visited once, so a
        looped parse gives a finite subtree instead of an endless walk."""
        seen, todo = {i}, [i]
        while todo:
            j = todo.pop()
            for k in self._kids.get(j, ()):
                if k not in seen and self.tokens[k].rel not in skip:
                    seen.add(k)
                    todo.append(k)
        return sorted(seen)

    def token_at(self, offset: int) -> int | None:
        """Index of the token covering character ``offset`` (or the next one), if any."""
        lo = bisect.bisect_right(self._ends, offset)
        return lo if lo < len(self.tokens) else None


@functools.lru_cache(maxsize=1)
def models() -> dict[str, Any]:
    """Load natasha's bundled models once per process (:mod:`.models` says how, for less
    than natasha's constructors take; the name grammar loads apart, when a person's name
    parts are first asked for: :func:`_names`)."""
    try:
        from natasha import MorphVocab
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ExtractionError(
            "Russian analysis needs natasha: `pip install natasha` (its models are bundled)."
        ) from exc
    from .models import load

    _name_unnamed_letters()
    return {**load(), "vocab": _morph_vocab(MorphVocab)}


def _name_unnamed_letters() -> None:
    """Let pymorphy2 read letters that have no name in Python's Unicode database.

    pymorphy2 tells Latin letters by ``'LATIN' in unicodedata.name(ch)`` without a default, so
    a letter the database does not name (Tangut ideographs, U+17000–U+18D08 in Python 3.11)
    raised ``ValueError: no such name`` and failed the whole document (issue #14).  A letter
    without a name is not Latin: this is pymorphy2's own check with that answer.
    """
    import unicodedata

    from pymorphy2 import shapes

    if getattr(shapes.is_latin_char, "_clipfile", False):
        return
    cache = shapes._latin_letters_cache

    def is_latin_char(uchr: str) -> bool:
        try:
            return cache[uchr]
        except KeyError:
            if isinstance(uchr, bytes):
                uchr = uchr.decode("ascii")
            return cache.setdefault(uchr, "LATIN" in unicodedata.name(uchr, ""))

    is_latin_char._clipfile = True  # type: ignore[attr-defined]
    shapes.is_latin_char = is_latin_char  # shapes.is_latin looks it up at each call


def _morph_vocab(cls: Any) -> Any:
    """natasha's ``MorphVocab`` on pymorphy2's Russian dictionaries, opened by their path.

    ``MorphVocab()`` finds the dictionaries through setuptools' entry points, and importing
    ``pkg_resources`` to read them took a good share of the start-up; the dictionary package
    names its own path, so the same dictionaries open without it (the same analyser: natasha's
    ``MorphVocab.__init__`` is this call without the path)."""
    try:
        import pymorphy2_dicts_ru
        from pymorphy2 import MorphAnalyzer
    except ImportError:  # pragma: no cover - another dictionary package: let pymorphy2 look
        return cls()
    vocab = cls.__new__(cls)
    MorphAnalyzer.__init__(vocab, path=pymorphy2_dicts_ru.get_path(), result_type=_morph_form())
    return vocab


@functools.lru_cache(maxsize=1)
def _morph_form() -> type:
    """natasha's ``MorphForm`` (a pymorphy2 analysis with its universal part of speech and
    features), with the part of speech and features of each tag worked out once.

    natasha's own works them out anew for every analysis pymorphy2 gives, and a word has several
    (13,720 analyses for the 3,393 words of the Russian benchmark's texts); they are a function of
    the tag's grammemes alone, and the dictionaries have a few thousand tags.  Each analysis gets
    its own features dict, as from natasha's."""
    from natasha.morph.vocab import MorphForm, PymorphyParse, ud_feats, ud_pos

    known: dict[tuple[str, ...], tuple[str, dict[str, str]]] = {}

    class TaggedMorphForm(MorphForm):
        def __new__(cls, *args: Any) -> Any:
            self = PymorphyParse.__new__(cls, *args)
            tag = self.tag
            ud = known.get(tag._grammemes_tuple)
            if ud is None:
                ud = known[tag._grammemes_tuple] = (ud_pos(tag), dict(ud_feats(tag)))
            self.normal = self.normal_form
            self.pos = ud[0]
            self.feats = dict(ud[1])
            return self

    TaggedMorphForm.__name__ = TaggedMorphForm.__qualname__ = "MorphForm"
    return TaggedMorphForm


@functools.lru_cache(maxsize=1)
def _names() -> Any:
    """natasha's name extractor: a yargy grammar that takes a while to build, needed only for
    the parts of a person's name (:attr:`RuSpan.parts`), so it loads when they are first asked for."""
    from natasha import NamesExtractor

    return NamesExtractor(models()["vocab"])


# Lemmas and name parts are pure functions of what they are computed from; news repeats its
# words and names, so each is computed once per process (bounded, for long runs).
@functools.lru_cache(maxsize=200_000)
def _lemma(word: str, pos: str | None, feats: tuple[tuple[str, str], ...]) -> str:
    """natasha's lemma of ``word`` with this part of speech and these features (pymorphy's
    analyses, the best-matching form's normal form)."""
    return models()["vocab"].lemmatize(word, pos, dict(feats)) or word


def _span_normal(span: Any) -> str:
    """natasha's normal form of an entity span (``DocSpan.normalize``: every word put in the
    nominative, or for an organisation the words it governs, in each word's own case and
    spacing), each word's inflection computed once per process (:func:`_inflected`)."""
    from natasha.const import ORG
    from natasha.norm import recover_shapes, recover_spaces, select_inflectable

    tokens = span.tokens
    ids = set(select_inflectable(tokens)) if span.type == ORG else None
    words = [_inflected(t.text, t.pos, None if t.feats is None else tuple(t.feats.items()))
             if not ids or t.id in ids else t.text for t in tokens]
    return recover_spaces(recover_shapes(words, tokens), tokens)


@functools.lru_cache(maxsize=50_000)
def _inflected(word: str, pos: str | None, feats: tuple[tuple[str, str], ...] | None) -> str:
    """natasha's nominative of ``word`` with this part of speech and these features, as
    ``DocSpan.normalize`` puts each word of a span (lower case)."""
    from types import SimpleNamespace

    from natasha.norm import inflect_word

    token = SimpleNamespace(text=word, pos=pos, feats=None if feats is None else dict(feats))
    return inflect_word(models()["vocab"], token)


@functools.lru_cache(maxsize=20_000)
def _name_parts(normal: str) -> tuple[tuple[str, str], ...]:
    """The parts (first, last, middle) natasha's name grammar finds in a person's normal name."""
    match = _names().find(normal)
    if not match:
        return ()
    return tuple((k, v) for k, v in match.fact.slots if isinstance(v, str))


@functools.lru_cache(maxsize=1)
def _blas() -> Any:
    """threadpoolctl's controller of the native thread pools loaded so far (numpy's OpenBLAS,
    which natasha's taggers multiply with), found once: finding them walks the loaded libraries,
    so numpy is loaded first."""
    import numpy  # noqa: F401 - its OpenBLAS is the pool to find
    from threadpoolctl import ThreadpoolController

    return ThreadpoolController()


# Analyses running at once in threads of one process share the limit: the first to enter sets
# it, the last to leave restores the threads (a limit per block would let an early leaver lift
# it under the others, or a late one restore the one-thread "original" it saw for good).
_BLAS_LOCK = threading.Lock()
_blas_inside = 0
_blas_limiter: Any = None


@contextlib.contextmanager
def one_blas_thread() -> Iterator[None]:
    """Run natasha's taggers on one BLAS thread.

    OpenBLAS starts a thread per core and, after each multiplication, keeps the others spinning
    for a while in case another follows; natasha's matrices are small (a sentence at a time),
    so a second thread saves little of a multiplication's time and its spinning costs a core:
    on the shared 2-core machine under load, bare natasha spent 203 ms CPU a text with two
    threads against 33 ms with one, at 1.9 against 12.9 texts/s (``bench/parse_speed.py``).
    Worker processes (``--jobs``) start with one thread already (here the limit changes
    nothing); this is for the one process of ``analyze``.  The limit holds only while some
    analysis is inside a block, so numpy elsewhere in the process keeps its threads.
    """
    global _blas_inside, _blas_limiter
    with _BLAS_LOCK:
        if _blas_inside == 0:
            _blas_limiter = _blas().limit(limits=1, user_api="blas")
        _blas_inside += 1
    try:
        yield
    finally:
        with _BLAS_LOCK:
            _blas_inside -= 1
            if _blas_inside == 0:
                _blas_limiter.restore_original_limits()
                _blas_limiter = None


def natasha_doc(text: str, *, ner: bool = True):
    """Run the full natasha pipeline on ``text`` and return natasha's ``Doc``: natasha's own
    taggers, as they come (what :func:`parse` gets from :func:`_tagged`, to the bit)."""
    from natasha import Doc

    m = models()
    doc = Doc(text)
    doc.segment(m["segmenter"])
    # Whitespace-only text segments into one sentence without tokens, and the syntax
    # parser fails on an empty batch (issue #14): a sentence without tokens has nothing to parse.
    doc.sents = [s for s in doc.sents if s.tokens]
    doc.tag_morph(m["morph"])
    doc.parse_syntax(m["syntax"])
    if ner:
        doc.tag_ner(m["ner"])
    return doc


@functools.lru_cache(maxsize=1)
def _taggers() -> dict[str, Any]:
    """natasha's taggers run by :mod:`.forward` (the same tags for less), sharing the words' ids."""
    from .forward import fast

    m = models()
    codes: dict[tuple[int, int], dict[str, tuple[int, int]]] = {}
    return {name: fast(m[name], codes) for name in ("morph", "syntax", "ner")}


def _tagged(text: str, *, ner: bool = True):
    """:func:`natasha_doc` of ``text`` on the taggers of :func:`_taggers`, the entity tagger
    reading the words the segmenter found (rather than splitting the text into them again)."""
    from natasha import Doc

    from .forward import ner_markups, parse_syntax, tag_morph

    m, fast = models(), _taggers()
    doc = Doc(text)
    doc.segment(m["segmenter"])
    doc.sents = [s for s in doc.sents if s.tokens]  # as natasha_doc (issue #14)
    tag_morph(doc, fast["morph"])
    parse_syntax(doc, fast["syntax"])
    if ner:
        markup = ner_markups(fast["ner"], [text], [_words(doc)])[0] if text.strip() else None
        doc.tag_ner(lambda _text: markup)  # natasha's own step with the tags (a blank text gets none)
    return doc


def _words(doc: Any) -> list[str]:
    return [t.text for t in doc.tokens]


def _head_index(tid: str, sent_no: int, offset: int) -> int:
    # natasha ids are "<sentence>_<token>" with 1-based tokens and 0 for the root.
    _s, _sep, k = tid.partition("_")
    k_int = int(k)
    return -1 if k_int == 0 else offset + k_int - 1


def parse(text: str) -> RuDoc:
    """Parse Russian ``text`` into a :class:`RuDoc` (sentences, tokens, morphology, syntax, NER).

    Args:
        text: the document text; every offset in the result refers to it.

    Returns:
        The parsed document.
    """
    with one_blas_thread():
        doc = _tagged(text)
    return _rudoc(text, doc)


# Texts whose entities are tagged in one batch differ in length by at most this factor.
NER_SPREAD = 1.25


def parse_many(texts: list[str]) -> list[RuDoc]:
    """Parse several texts, each into the :class:`RuDoc` :func:`parse` gives for it alone.

    natasha's entity tagger takes a whole text as one item and decodes its tags position by
    position in Python, so a batch of texts decodes in about the time of its longest: texts of
    about the same length (within :data:`NER_SPREAD` of the shortest of their batch) have their
    entities tagged together; the tagger masks the padding, so each text's tags are those it
    gets alone.  A batch of any lengths pads every text to the longest, and cost more than
    tagging the texts one at a time (on the Russian benchmark's texts, 942 to 9,700 characters:
    11.3 ms of CPU a text in batches of sixteen, 9.4 alone, 7.5 by length).  Segmentation,
    morphology and syntax stay per text: the syntax parser's output depends on which sentences
    share its batch, so batching them across texts would change it (sentences of all the
    texts sorted by length would spare most of the padding, about 4 ms CPU a text on the
    benchmark's texts, but gave 9 of 36,964 tokens of 300 texts another head or relation).
    """
    from .forward import ner_markups

    tagged = [k for k, text in enumerate(texts) if text.strip()]
    tagged.sort(key=lambda k: len(texts[k]))
    groups: list[list[int]] = []
    for k in tagged:
        if groups and len(texts[k]) <= NER_SPREAD * len(texts[groups[-1][0]]):
            groups[-1].append(k)
        else:
            groups.append([k])
    markups: dict[int, Any] = {}
    with one_blas_thread():
        docs = [_tagged(text, ner=False) for text in texts]
        for group in groups:
            markups.update(zip(group, ner_markups(_taggers()["ner"], [texts[k] for k in group],
                                                  [_words(docs[k]) for k in group])))
    for k, doc in enumerate(docs):
        # natasha's own step, handed the batch's tags for this text (a blank text gets none).
        doc.tag_ner(lambda _text, markup=markups.get(k): markup)
    return [_rudoc(text, doc) for text, doc in zip(texts, docs)]


def _rudoc(text: str, doc: Any) -> RuDoc:
    """The :class:`RuDoc` of natasha's parsed ``doc`` of ``text``."""
    tokens: list[RuToken] = []
    sents: list[RuSentence] = []
    add, lemma = tokens.append, _lemma
    for s_no, sent in enumerate(doc.sents):
        first = len(tokens)
        for tok in sent.tokens:
            feats = tok.feats or {}
            word, pos, head_id = tok.text, tok.pos, tok.head_id
            # (i, start, end, text, lemma, pos, feats, head, rel, sent), positionally: a token
            # is built per word of every text
            add(RuToken(len(tokens), tok.start, tok.stop, word, lemma(word, pos, tuple(feats.items())).lower(),
                        pos or "X", dict(feats), _head_index(head_id, s_no, first) if head_id else -1,
                        tok.rel or "", s_no))
        sents.append(RuSentence(sent.start, sent.stop, first, len(tokens)))
    rudoc = RuDoc(text=text, tokens=tokens, sents=sents, spans=[])
    for span in doc.spans:
        span.normal = _span_normal(span)
        first_at = rudoc.token_at(span.start)
        last_at = rudoc.token_at(span.stop - 1)
        if first_at is None or last_at is None:
            continue
        rudoc.spans.append(
            RuSpan(
                start=span.start,
                end=span.stop,
                type=span.type,
                text=text[span.start : span.stop],
                normal=span.normal or span.text,
                first=first_at,
                last=last_at + 1,
            )
        )
    return rudoc
