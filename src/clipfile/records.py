"""Record types: one immutable dataclass per concept.

Every extracted item carries ``start``/``end`` character offsets into the stored text of its
document (``Document.text``); the invariant ``document.text[start:end] == item.text`` holds for
every item that has a ``text`` field.  Records never hold parser objects, so they serialise to
JSON with :func:`to_dict` and back without loss.
"""
from __future__ import annotations

import dataclasses
import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from .errors import IngestError

__all__ = [
    "Document",
    "Span",
    "Mention",
    "Entity",
    "Cue",
    "Speaker",
    "Quote",
    "Stance",
    "Ref",
    "Marker",
    "TimeExpr",
    "Claim",
    "Forecast",
    "Event",
    "DuplicateOf",
    "Duplicate",
    "Problem",
    "to_dict",
    "check_text",
    "replace_surrogates",
    "content_id",
    "normalize_for_hash",
]


def normalize_for_hash(text: str) -> str:
    """Normalise text for identity: Unicode NFC, whitespace runs folded, ends trimmed.

    Two copies of an article that differ only in line endings, BOM or spacing get the same id.
    """
    text = unicodedata.normalize("NFC", text).lstrip("\ufeff")
    return " ".join(text.split())


def content_id(text: str) -> str:
    """Stable document id from the normalised content hash."""
    digest = hashlib.sha256(normalize_for_hash(text).encode("utf-8")).hexdigest()
    return "d" + digest[:16]


def check_text(text: str) -> None:
    """Refuse text that cannot be stored: a lone surrogate code point (U+D800–U+DFFF).

    Python strings may hold one (``"\\ud800"`` in JSON, a file name read with
    ``surrogateescape``), but it is not a character, UTF-8 cannot encode it and neither SQLite
    nor a JSON consumer would take it.  Readers replace them with U+FFFD before making a
    document (one code point for one, so offsets stay the same); a document made from a string
    that still holds one is refused here, with the offset of the first.

    Raises:
        IngestError: the text holds a lone surrogate.
    """
    if text.isascii():
        return
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise IngestError(
            f"the text holds a lone surrogate (U+{ord(text[exc.start]):04X}) at offset {exc.start}, "
            "which is not a character and cannot be stored; replace it (U+FFFD) before making a "
            "Document") from None


_SURROGATE = re.compile("[\ud800-\udfff]")


def replace_surrogates(value: Any) -> tuple[Any, int]:
    """``value`` with every lone surrogate in its strings (nested in lists and dicts too)
    replaced by U+FFFD, and how many there were.

    One code point replaces one, so offsets into a text stay what they were.  Readers call this
    on what an input gives (a JSON string may escape ``"\\ud800"``) and warn when it is not 0.
    """
    if isinstance(value, str):
        if value.isascii():
            return value, 0
        return _SURROGATE.subn("\ufffd", value)
    if isinstance(value, dict):
        total, out = 0, {}
        for k, v in value.items():
            (k2, a), (v2, b) = replace_surrogates(k), replace_surrogates(v)
            out[k2], total = v2, total + a + b
        return (out, total) if total else (value, 0)
    if isinstance(value, (list, tuple)):
        pairs = [replace_surrogates(v) for v in value]
        total = sum(n for _v, n in pairs)
        return (type(value)(v for v, _n in pairs), total) if total else (value, 0)
    return value, 0


@dataclass(frozen=True, slots=True)
class Document:
    """One stored text with its provenance.

    ``text`` is what every offset refers to.  For plain-text input it is the decoded file,
    unchanged (a UTF-8 BOM is part of the encoding, not of the text, and is not kept).
    ``published`` is ISO 8601 (``2020-08-20`` or ``2020-08-20T10:15:00+00:00``) with its
    ``published_precision`` (``second``, ``day``, ``month``, ``year``) or None.

    ``url`` is the address the document names for itself (a page's canonical link, a feed
    entry's link, a JSON Lines record's ``url``): a claim, shown as a link when it is http(s).
    ``fetched_from`` is set only when Clipfile itself downloaded this text from that http(s)
    address (``ingest URL``, ``watch``); only such documents join a version chain
    (``supersedes``), so an entry or record that merely claims a URL never replaces the page
    fetched from it.
    """

    text: str
    id: str = ""
    title: str | None = None
    source: str | None = None
    url: str | None = None
    author: str | None = None
    published: str | None = None
    published_precision: str | None = None
    fetched: str | None = None
    ingested: str | None = None
    language: str | None = None
    kind: str = "text"
    origin: str | None = None
    metadata: dict[str, Any] = field(default_factory=dict)
    supersedes: str | None = None
    fetched_from: str | None = None

    def __post_init__(self) -> None:
        check_text(self.text)
        if not self.id:
            object.__setattr__(self, "id", content_id(self.text))

    def replace(self, **changes: Any) -> "Document":
        return dataclasses.replace(self, **changes)


@dataclass(frozen=True, slots=True)
class Span:
    """A plain stretch of the text (a sentence, a paragraph)."""

    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class Mention:
    """One occurrence of a named entity in the text."""

    start: int
    end: int
    text: str
    label: str  # PERSON, ORG, GPE, LOC, NORP, ... (spaCy labels; PER is mapped to PERSON)


@dataclass(frozen=True, slots=True)
class Entity:
    """Mentions of one real-world referent within a document.

    ``id`` is local to the analysis (``e1``, ``e2``...); the library maps it to a library-wide
    entity id.  ``name`` is the canonical (fullest) form, without titles.
    """

    id: str
    name: str
    type: str
    aliases: tuple[str, ...] = ()
    mentions: tuple[Mention, ...] = ()


@dataclass(frozen=True, slots=True)
class Cue:
    """The words that introduce a quotation (``said``, ``told me``, ``according to``)."""

    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class Speaker:
    """Who a quotation is attributed to, and how that was decided.

    ``start``/``end`` mark the mention the attribution rests on as written (``he``,
    ``the general``); ``name``/``entity_id`` are the resolved person or group.
    ``resolution`` is one of ``named``, ``pronoun``, ``nominal``, ``continuation``,
    ``first-person``, ``unresolved``.  ``on_behalf_of`` is whom a spokesperson or representative
    speaks for (``a spokesman for X, Y, said``, ``X's spokesman Y said``, ``пресс-секретарь
    Владимира Путина Дмитрий Песков``: the speaker is Y, Peskov, on behalf of X, Putin), as a
    :class:`Ref`; None when the speaker speaks for themselves or nobody says.
    """

    name: str | None
    entity_id: str | None
    start: int | None
    end: int | None
    resolution: str
    confidence: float
    on_behalf_of: Ref | None = None


@dataclass(frozen=True, slots=True)
class Quote:
    """A direct, mixed or indirect quotation.

    For direct quotes ``start``/``end`` cover the content without the quotation marks.
    ``nested_in`` is the ``id`` of the enclosing quote for a quote inside a quote.
    ``continues`` is the ``id`` of the quote this one goes on from: the next paragraph of a
    quote that runs over several, or the piece after the cue of an utterance the cue splits
    (``"We will rebuild," she said, "and soon."``, ``Lately, he said, he has come to ...``).
    """

    id: str
    start: int
    end: int
    text: str
    kind: str  # direct | mixed | indirect
    cue: Cue | None = None
    speaker: Speaker | None = None
    nested_in: str | None = None
    continues: str | None = None


@dataclass(frozen=True, slots=True)
class Stance:
    """A position attributed to someone that is not a report of their words.

    Kept apart from quotes so that what someone *said* can be told from what they opposed,
    planned or were judged to do (annotated news corpora such as PolNeAR count all of these as
    attributions; a reader of quotes does not).  ``kind``:

    * ``object``: the noun phrase a stance verb or noun takes (``criticised [the plan]``,
      ``concerns about [the compensation culture]``, ``[which] he rejected``);
    * ``intention``: a to-infinitive after a verb or adjective of will, plan or attempt that is
      no speech act (``plans [to cut taxes]``, ``is keen [to highlight the issue]``,
      ``declined [to comment]``);
    * ``question``: what someone asked or wondered (``asked [why the chief had stayed]``);
    * ``judgement``: a belief held by no one named (``[The bill] is expected [to pass]``,
      ``[He] seems [uneasy]``); ``speaker`` is None then.

    The fields are a quote's: ``speaker`` is the holder, ``cue`` the stance word,
    ``nested_in`` the quote (``q``-id) it stands inside, ``continues`` the piece before it of
    one stance split around its cue.  Ids are ``s1``, ``s2``... in text order.
    """

    id: str
    start: int
    end: int
    text: str
    kind: str  # object | intention | question | judgement
    cue: Cue | None = None
    speaker: Speaker | None = None
    nested_in: str | None = None
    continues: str | None = None


@dataclass(frozen=True, slots=True)
class Ref:
    """A reference to a person or group: resolved name and entity id (either may be None)."""

    name: str | None
    entity_id: str | None = None


@dataclass(frozen=True, slots=True)
class Marker:
    """A word or phrase that decided something (a hedge, a hearsay cue, a denial)."""

    start: int
    end: int
    text: str
    kind: str  # the status or role it signals: hedged, hearsay, evidenced, condition, ...


@dataclass(frozen=True, slots=True)
class TimeExpr:
    """A temporal expression normalised against the publication date.

    ``value`` is ISO 8601 truncated to its precision (``2020-08-20``, ``1978``, ``2020-08``);
    ``precision`` is ``day``, ``month``, ``year``, ``decade`` or ``approximate``.
    """

    start: int
    end: int
    text: str
    value: str | None
    precision: str


@dataclass(frozen=True, slots=True)
class Claim:
    """A statement and its footing.

    ``status``: asserted | hedged | hearsay | evidenced | unsupported | disputed | denied.
    ``source`` is the speaker, or who takes the stance the footing states (the denier of "X
    denied that P", whose claim is P; the outlet that passes a report on); None for the
    author's own narration.  ``subject`` is None for a non-asserted statement about no entity.
    ``quote_id`` links the quote the claim was made in.
    """

    id: str
    start: int
    end: int
    text: str
    status: str
    certainty: float
    source: Ref | None = None
    subject: Ref | None = None
    markers: tuple[Marker, ...] = ()
    quote_id: str | None = None


@dataclass(frozen=True, slots=True)
class Forecast:
    """A predictive statement: who expects what of whom, under what condition, by when."""

    id: str
    start: int
    end: int
    text: str
    event: Span
    probability: float
    probability_term: str | None = None
    forecaster: Ref | None = None
    target: Ref | None = None
    condition: Span | None = None
    deadline: TimeExpr | None = None
    markers: tuple[Marker, ...] = ()
    quote_id: str | None = None


@dataclass(frozen=True, slots=True)
class Event:
    """A dated happening with its participants."""

    id: str
    start: int
    end: int
    text: str
    date: TimeExpr
    participants: tuple[Ref, ...] = ()


@dataclass(frozen=True, slots=True)
class DuplicateOf:
    """The earlier copy a passage repeats (``document`` is a document id)."""

    document: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Duplicate:
    """A passage that repeats an earlier one, in this document or another."""

    start: int
    end: int
    of: DuplicateOf
    similarity: float
    inconsistencies: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Problem:
    """One item a stage skipped because analysing it failed: a bug met on this text.

    The rest of the document's analysis is there; only this item is missing.  ``stage`` is the
    pipeline stage (``quotes``, ``claims``...); ``item`` what was skipped (``quote``,
    ``sentence``, ``claim unit``, ``time expression``..., or ``stage`` when the whole stage's
    output is missing); ``start``/``end`` the item's offsets in the text, or None when it has
    none; ``error`` the exception's type and message.
    """

    stage: str
    item: str
    start: int | None
    end: int | None
    error: str


def to_dict(record: Any) -> Any:
    """Turn a record (or list/tuple/dict of records) into JSON-ready data."""
    if dataclasses.is_dataclass(record) and not isinstance(record, type):
        return {f.name: to_dict(getattr(record, f.name)) for f in dataclasses.fields(record)}
    if isinstance(record, (list, tuple)):
        return [to_dict(r) for r in record]
    if isinstance(record, dict):
        return {k: to_dict(v) for k, v in record.items()}
    return record
