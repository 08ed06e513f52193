"""Quotations (direct, mixed, indirect) with their cue and speaker.

Direct quotes come from the quotation marks (:mod:`clipfile.analysis.marks`), reported speech from the parse
(:mod:`.reported`).  A direct quote's cue is the nearest reporting verb outside the marks in
its sentence (or a verb introducing it with a colon); without one, a quote continues the
speaker of the quote before it in the same paragraph, then of the report that precedes it
there, then — the news convention — of the previous paragraph's quote.  A reported clause that
contains a quoted fragment is a ``mixed`` quote and absorbs the fragment.  Interview turns
written ``NAME: ...`` are attributed by that convention (``first-person``), by the rule shared
with Russian (:mod:`clipfile.analysis.turns`).
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, replace
from typing import cast

from ...analysis.marks import MarkStyle, marked_spans
from ...analysis.problems import isolated
from ...analysis.quotes import assemble_attributions, line_of, line_starts
from ...analysis.turns import label_turns, turns_with_stances
from ...records import Cue, Entity, Quote, Speaker, Stance
from .cues import REPORTING_VERBS
from .headlines import headline_quotes
from .parse import sentence_starts
from .report_model import Context, ReportModel, features, load_model
from .reported import RULE_FAMILIES, Report, _subject, adjacent_subject, broad_candidates, doc_text, reports
from .span_choice import choose, variants
from .speakers import Resolver, speaker_np
from .stances import stance_kind

__all__ = ["MARKS", "attributions", "quotes"]

# English quotation marks are the shared reading: double marks, single marks inside them.
MARKS = MarkStyle()


@dataclass(eq=False)
class _Q:
    """A quote or report while it is being attributed (a :class:`~clipfile.analysis.quotes.Draft`)."""

    start: int
    end: int
    kind: str
    outer: tuple[int, int]  # range incl. marks (for exclusion)
    para: int
    cue: Cue | None = None
    speaker: Speaker | None = None
    depth: int = 0
    parent: int | None = None  # index of the enclosing quote
    continued: bool = False
    weak: bool = False  # short fragment without a cue
    complement: bool = False  # the whole content of a report: the words reported, no fragment
    host: "_Q | None" = None  # the report whose content holds this report's cue
    container: "_Q | None" = None  # the enclosing quote or the host, once assembled
    follows: "_Q | None" = None
    skipped: bool = False  # attributing it failed: left out (recorded as a problem)
    stance: str | None = None  # a stance kind (:mod:`.stances`): not a quote, output apart


_PACKAGED = object()
# Below this probability a hand-rule report nested in a kept report is dropped too.
_NESTED_FLOOR = 0.05


def quotes(doc, entities: list[Entity], *, model: ReportModel | None | object = _PACKAGED,
           trace: list | None = None) -> list[Quote]:
    """Direct, mixed and indirect quotations of ``doc`` (:func:`attributions` without the
    stances)."""
    return attributions(doc, entities, model=model, trace=trace)[0]


def attributions(doc, entities: list[Entity], *, model: ReportModel | None | object = _PACKAGED,
                 trace: list | None = None) -> tuple[list[Quote], list[Stance]]:
    """Direct, mixed and indirect quotations of ``doc`` with cue and resolved speaker, and the
    stances (:mod:`.stances`) found by the same pass.

    Args:
        doc: a spaCy ``Doc`` of the whole stored text (token offsets are text offsets).
        entities: the output of :func:`clipfile.lang.en.entities.entities` for ``doc``.
        model: the learned keep-or-drop decision over reported-speech candidates; the
            packaged one by default, ``None`` for the hand rules alone.
        trace: a list that receives ``(report, kind, features, prob)`` for every
            reported-speech candidate considered (for training and error analysis).
    Returns:
        Quotes in text order with ids ``q1``, ``q2``...; ``nested_in`` links a quote inside
        a quote to its container (:func:`clipfile.analysis.quotes.assemble_attributions`);
        and stances with ids ``s1``, ``s2``...
    """
    text = doc_text(doc)
    para_starts = line_starts(text)
    items = _marked_items(text, para_starts)
    top = [q for q in items if q.depth == 0]
    quoted_ranges = sorted(q.outer for q in top)
    res = Resolver(doc, entities, quoted=quoted_ranges)

    rule_reps = reports(doc)
    mdl = load_model() if model is _PACKAGED else cast("ReportModel | None", model)
    broad = broad_candidates(doc, known=rule_reps) if (mdl is not None or trace is not None) else []
    reps = sorted(rule_reps + broad, key=lambda r: (r.start, r.end))

    candidates = _candidates(reps, items, quoted_ranges, text)
    # The learned decision keeps or drops each candidate; a hand-rule report it drops still
    # tells later quotes who spoke (the continuation convention), it is just not output.
    kept = _decide(candidates, mdl, trace, Context(
        doc=doc, text=text, quoted=quoted_ranges, rule_spans=[(r.start, r.end) for r in rule_reps],
        entity_type_at=lambda a, b: getattr(res.entity_at(a, b), "type", None)))
    roles = _Roles(candidates, kept)
    res.set_reported([(r.start, r.end) for r, _k in roles.pending if _says(r)])
    out_reports = _attribute(doc, text, items, roles, res, quoted_ranges, para_starts)

    # Nested quotes take a speaker from a cue inside their container.
    for q in items:
        if q.depth == 1 and q.parent is not None:
            with isolated("quote", q.outer[0], q.outer[1]) as item:
                q.cue, q.speaker = _nested_cue(doc, q, items[q.parent], res)
            q.skipped = q.skipped or item.failed

    final = _shown(items, roles.absorbed, out_reports)
    # A headline's quotes without a verb of saying ("Blair 'up for it' ahead of poll").
    # A stance or a report nobody is named as making is the parse's misreading of the
    # headline and gives way.
    with isolated("quote", 0, text.find("\n") if "\n" in text else len(text)):
        said = [q for q in final if not q.stance and q.speaker is not None and q.speaker.name]
        for h in headline_quotes(doc, res, [q.outer for q in said]):
            final = [q for q in final if q in said or not (q.start < h.end and h.start < q.end)]
            final.append(_Q(h.start, h.end, h.kind, h.outer, 0, speaker=h.speaker))
    for q in final:
        q.container = items[q.parent] if q.parent is not None else q.host
    out, stances = assemble_attributions(final, text)
    # A transcript's "NAME:" labels: each turn is the speaker's own words (shared rule).
    turns = label_turns(text, entities)
    return turns_with_stances(out, stances, turns, text, entities) if turns else (out, stances)


def _marked_items(text: str, para_starts: list[int]) -> list[_Q]:
    """A direct quote for every stretch between quotation marks (nested ones point to their
    container by ``parent``)."""
    items: list[_Q] = []
    last_top = 0
    for m in marked_spans(text, MARKS):
        lo = m.open_mark if m.open_mark is not None else m.start
        hi = (m.close_mark + 1) if m.close_mark is not None else m.end
        q = _Q(m.start, m.end, "direct", (lo, hi), line_of(para_starts, m.start), depth=m.depth,
               continued=m.continued)
        if m.depth == 0:
            last_top = len(items)
        else:
            q.parent = last_top
        items.append(q)
    return items


def _candidates(reps: list[Report], items: list[_Q], quoted_ranges: list[tuple[int, int]],
                text: str) -> list[tuple[Report, str, list[int]]]:
    """What each report is, decided before anyone is resolved: ``(report, kind, indices of
    the direct quotes it contains)``, kind ``mixed`` when it absorbs a quoted fragment, else
    ``indirect``.  A report that is nothing but the attribution of quotations gives them its
    cue instead, and one inside a quotation is the quote's business."""
    top = [q for q in items if q.depth == 0]
    candidates: list[tuple[Report, str, list[int]]] = []
    for r in reps:
        if _inside(quoted_ranges, r.cue_start):
            continue
        crossing = [q for q in top if q.outer[0] < r.end and q.outer[1] > r.start
                    and not (r.start <= q.outer[0] and q.outer[1] <= r.end + 1)]
        if any(q.outer[0] <= r.start and r.end <= q.outer[1] for q in crossing):
            continue  # a report inside a quotation: the quote already carries it
        if crossing:
            first = min(crossing, key=lambda q: q.outer[0])
            if first.outer[0] > r.start:
                # "X is sure Putin will “try ... more.”": the fragment runs on past the
                # clause; the mixed quote runs to its closing mark.
                r = replace(r, end=max(r.end, first.end))
            else:
                continue
        contained = [i for i, q in enumerate(items) if q.depth == 0
                     and r.start <= q.start and _rstrip_punct(text, q.start, q.end) <= r.end]
        kind = "indirect"
        if contained:
            rest = text[r.start:r.end]
            for i in sorted(contained, reverse=True):
                lo, hi = items[i].outer[0] - r.start, items[i].outer[1] - r.start
                rest = rest[:max(lo, 0)] + " " + rest[max(hi, 0):]
            if not (set(re.findall(r"\w+", rest.lower())) - {"that", "and", "but"}):
                if r.family in RULE_FAMILIES:
                    for i in contained:
                        q = items[i]
                        if q.cue is None:
                            q.cue = Cue(r.cue_start, r.cue_end, text[r.cue_start:r.cue_end])
                        q.complement = q.complement or (_says(r) and len(contained) == 1)
                continue
            kind = "mixed"
        candidates.append((r, kind, contained))
    return candidates


class _Roles:
    """What the kept and dropped reports do.

    ``pending``: the reports attributed in reading order (kept ones, and hand-rule ones the
    model dropped, which still tell later quotes who spoke); ``silent``: the dropped ones
    among them (not output); ``absorbed``: direct quotes a kept mixed quote took in;
    ``host_of``: a kept report whose cue lies inside another's content ("She said she believes
    ...") is nested in the smallest such; ``embedded``: a report inside another report or a
    noun's clause ("X rejected suggestions that Y wanted ...") is not the salient speaker for
    what follows.
    """

    def __init__(self, candidates: list[tuple[Report, str, list[int]]], kept: set[int]) -> None:
        self.pending: list[tuple[Report, str]] = []
        self.silent: set[int] = set()
        self.absorbed: set[int] = set()
        for n, (r, kind, contained) in enumerate(candidates):
            if n in kept:
                self.pending.append((r, kind))
                if kind == "mixed":
                    self.absorbed.update(contained)
            elif r.family in RULE_FAMILIES:
                self.pending.append((r, kind))
                self.silent.add(id(r))
        outputs = [r for r, _k in self.pending if id(r) not in self.silent]
        self.host_of: dict[int, int] = {}
        for r in outputs:
            outer = [o for o in outputs if o is not r and o.start <= r.cue_start < o.end]
            if outer:
                self.host_of[id(r)] = id(min(outer, key=lambda o: o.end - o.start))
        ruled = [r for r, _k in self.pending if r.family in RULE_FAMILIES]
        self.embedded = {id(r) for r in ruled
                         if any(o is not r and o.start <= r.cue_start < o.end for o in ruled)
                         or _subordinate(r.verb)}


def _attribute(doc, text: str, items: list[_Q], roles: _Roles, res: Resolver,
               quoted_ranges: list[tuple[int, int]], para_starts: list[int]) -> list[_Q]:
    """Resolve speakers in reading order, so "he" and continuations see who spoke last; mark
    scare quotes, titles and excerpts ``weak``.  Returns the reports to output, each with its
    host set."""
    excerpts = _excerpts(text, [q for q in items if q.depth == 0])
    tok_quoted = _token_mask(doc, quoted_ranges)
    events: list[tuple[int, int, object]] = []
    for i, q in enumerate(items):
        if q.depth == 0 and i not in roles.absorbed:
            events.append((q.outer[0], 0, q))
    for r, kind in roles.pending:
        events.append((min(r.start, r.cue_start), 1, (r, kind)))
    events.sort(key=lambda ev: (ev[0], ev[1]))
    by_para: dict[int, list[_Q]] = {}
    history: list[_Q] = []
    out_reports: list[_Q] = []
    q_of_report: dict[int, _Q] = {}
    nested_reports: list[tuple[_Q, int]] = []
    for pos, _typ, obj in events:
        current = obj if isinstance(obj, _Q) else None  # what to leave out if this item fails
        end = current.outer[1] if current is not None else cast("tuple[Report, str]", obj)[0].end
        # A failure on one quote or candidate skips it (recorded in the analysis), not the stage.
        with isolated("quote" if current is not None else "quote candidate", pos, end) as item:
            if isinstance(obj, _Q):
                q = obj
                cue, spk = _direct_cue(doc, q, res, tok_quoted, text)
                if spk is None:
                    spk, cue = _fallback(q, by_para, history, res, text, para_starts, cue)
                q.cue, q.speaker = cue, spk
                # a quotation that is all a verb of saying reports ('According to X, Exxon
                # "were not planning to bid"') is no scare-quoted fragment, however it starts
                q.weak = (_is_fragment(text, q, cue) and not (q.complement and len(text[q.start:q.end].split()) >= 3)) \
                    or id(q) in excerpts
            else:
                r, kind = cast("tuple[Report, str]", obj)
                spk = _report_speaker(r, res)
                q = current = _Q(r.start, r.end, kind, (r.start, r.end), line_of(para_starts, r.start),
                                 cue=Cue(r.cue_start, r.cue_end, text[r.cue_start:r.cue_end]), speaker=spk,
                                 stance=stance_kind(r, kind, doc))
                if id(r) not in roles.silent:
                    out_reports.append(q)
                    q_of_report[id(r)] = q
                    if id(r) in roles.host_of:
                        nested_reports.append((q, roles.host_of[id(r)]))
                if id(r) in roles.embedded or not _says(r) or r.family not in RULE_FAMILIES:
                    continue  # only a speaker who said something is continued by the next quote
            by_para.setdefault(q.para, []).append(q)
            if q.speaker is not None and q.speaker.resolution != "unresolved" and not q.weak:
                res.note_speaker(q.speaker)
                history.append(q)
        if item.failed and current is not None:
            current.skipped = True
    for q, host in nested_reports:
        q.host = q_of_report.get(host)
    return out_reports


def _shown(items: list[_Q], absorbed: set[int], out_reports: list[_Q]) -> list[_Q]:
    """The quotes to output: direct quotes not absorbed or weak, and the reports that do not
    repeat a quotation."""
    final: list[_Q] = []
    out_reports = [q for q in out_reports if not q.skipped]
    for i, q in enumerate(items):
        if i in absorbed or q.skipped:
            continue
        if q.depth == 0 and q.weak:
            continue  # scare quotes and titles: a short fragment with no one saying it
        if q.parent is not None and items[q.parent].weak:
            continue  # a title inside a headline or excerpt that is itself left out
        final.append(q)
    # A report whose content lies inside a quotation repeats (part of) that quote: the
    # quotation already carries the words and their speaker.
    shown = [q.outer for q in final if q.depth == 0 and q.kind == "direct"]
    final.extend(q for q in out_reports
                 if not any(a <= q.start and q.end <= b for a, b in shown) or q.host is not None)
    return final


# ---------------------------------------------------------------------------- helpers
def _decide(candidates, mdl: ReportModel | None, trace: list | None, ctx: Context) -> set[int]:
    """Indices of the reported-speech candidates to output.

    Without a model the hand rules stand alone.  With one, a candidate is kept when its
    probability reaches the model's threshold (a lower one for the hand rules' reports, a
    prior the data must argue against) and no likelier kept candidate covers the same words
    (two spans overlapping by half would claim one attribution).
    """
    if mdl is None and trace is None:
        return set(range(len(candidates)))
    scored = []
    for n, (r, kind, _c) in enumerate(candidates):
        feats = features(r, kind, ctx)
        p = mdl.prob(feats) if mdl is not None else (1.0 if r.family in RULE_FAMILIES else 0.0)
        if trace is not None:
            trace.append((r, kind, feats, p))
        scored.append((p, n, r))
    kept: set[int] = set()
    spans: list[tuple[int, int, int]] = []
    passing = [(p, n, r) for p, n, r in scored
               if p >= (0.5 if mdl is None else mdl.rule_threshold if r.family in RULE_FAMILIES else mdl.threshold)]
    if mdl is not None and mdl.span_weights:
        # The learned span choice: the boundaries annotators would draw.  A new boundary may
        # not take in another candidate's cue (that report would become nested in this one).
        cues = [r.cue_start for _p, _n, r in passing]
        para_starts = ctx.para_starts
        for k, (p, n, r) in enumerate(passing):
            kind = candidates[n][1]
            if kind != "indirect":
                continue
            v = choose(variants(r, ctx.doc, ctx.text, ctx.quoted, para_starts), mdl.span_weights)
            if v.name == "orig" or any(v.start <= c < v.end and not r.start <= c < r.end for c in cues):
                continue
            r = replace(r, start=v.start, end=v.end)
            candidates[n] = (r, kind, candidates[n][2])
            passing[k] = (p, n, r)
    for p, n, r in sorted(passing, key=lambda x: (-x[0], x[1])):
        # a report nested in another ("She said she believes ...") is an attribution of its own
        if any((min(b, r.end) - max(a, r.start) >= 0.5 * max(b - a, r.end - r.start)
                and not (a <= r.cue_start < b or r.start <= c < r.end))
               or (c == r.cue_start and min(b, r.end) > max(a, r.start)) for a, b, c in spans):
            continue  # one attribution per stretch of words; one per cue and stretch
        kept.add(n)
        spans.append((r.start, r.end, r.cue_start))
    if mdl is not None:
        # A hand-rule report inside a kept report's content ("She said [she believes the union
        # will accept]") is output nested in it.  The model learns from annotators who mostly
        # mark only the outer report, so it rates the inner one low; an analyst still wants
        # the belief and whose it is.  Kept unless the model all but rules it out.
        hosts = [(a, b) for a, b, _c in spans]
        for p, n, r in scored:
            if (n not in kept and r.family in RULE_FAMILIES and p >= _NESTED_FLOOR
                    and any(a <= r.cue_start < b and a <= r.start and r.end <= b for a, b in hosts)
                    and not any(c == r.cue_start for _a, _b, c in spans)):
                kept.add(n)
                spans.append((r.start, r.end, r.cue_start))
    return kept


# '"Headline of another story," by The Daily's Jane Roe: "Its first lines ..."': a link
# roundup quotes headlines and excerpts of other articles, not anyone's words.
_BYLINE_AFTER = re.compile(r"[,.]?[ \t]*by[ \t]+(?:the[ \t]+)?[A-Z]")
_BYLINE_BEFORE = re.compile(r"\bby[ \t]+[A-Z][^.!?:\"\u201c\u201d\n]{1,60}:[ \t]*$")
# "From Jane Roe writing at The Daily:" introduces paragraphs copied from another article.
_EXCERPT_INTRO = re.compile(r"^[ \t]*From\b[^\n]{2,80}\b(?:writing|reporting)[ \t]+(?:at|in|for)\b[^\n]{2,60}:[ \t]*$",
                            re.M)


def _excerpts(text: str, top: list[_Q]) -> set[int]:
    """Ids of top-level quotes that are headlines or excerpts of other articles."""
    out: set[int] = set()
    block = False  # inside paragraphs copied after a "From X writing at Y:" line
    last_para = -1
    for q in sorted(top, key=lambda q: q.outer[0]):
        ps = text.rfind("\n", 0, q.outer[0]) + 1
        if q.para != last_para:
            # a new paragraph: the block goes on while paragraphs open with a mark
            prev_end = ps - 1
            prev_start = text.rfind("\n", 0, max(prev_end, 0)) + 1
            while prev_end > 0 and not text[prev_start:prev_end].strip():
                prev_end = prev_start - 1
                prev_start = text.rfind("\n", 0, max(prev_end, 0)) + 1
            intro = _EXCERPT_INTRO.match(text, prev_start, max(prev_end, prev_start))
            if intro:
                block = True
            elif block and text[ps:q.outer[0]].strip():
                block = False
            last_para = q.para
        pe = text.find("\n", q.outer[1])
        pe = len(text) if pe == -1 else pe
        if (block or _BYLINE_AFTER.match(text, q.outer[1], pe)
                or _BYLINE_BEFORE.search(text[max(ps, q.outer[0] - 90):q.outer[0]])):
            out.add(id(q))
    return out


def _is_fragment(text: str, q: _Q, cue) -> bool:
    """A scare quote, title or quoted fragment rather than someone's words.

    Short fragments without a cue are dropped; so are fragments that start in lower case in
    the middle of a sentence (``pledges to stand firm against its “cheating”``), which are
    direct quotes only as part of a mixed quote.
    """
    body = text[q.start:q.end]
    words = body.split()
    if q.outer[0] > 0 and text[q.outer[0] - 1] == "=":
        return True  # an attribute value in markup (id="...")
    if cue is None and len(words) < 4:
        return True
    if (cue is not None and cue.start >= q.outer[1] and re.search(r"[,!?]$", body) and body[:1].isupper()
            and re.search(r"(?:^|[.!?][\"'\u201d\u2019]?)\s*$", text[max(0, q.outer[0] - 3):q.outer[0]])
            and not re.search(r"[.!?\n]", text[q.outer[1]:cue.start]) and cue.start - q.outer[1] <= 60):
        return False  # '“Absolutely,” he said': words spoken, however short
    ends_sentence = re.search(r"[.!?]$", body.rstrip("\u201d\"' "))
    if _title_case(words) and (len(words) <= 4 or (len(words) <= 6 and not ends_sentence)):
        # "told NBC's “Meet the Press”", a slogan, a book title: a name, not words spoken
        return True
    if _title_case(words) and len(words) <= 8 and re.search(r"['\u2019]s\s*$", text[max(0, q.outer[0] - 4):q.outer[0]]):
        return True  # "said on the network's “This Week With ...”": a programme or book title
    before = text[max(0, q.outer[0] - 3):q.outer[0]].rstrip()
    mid_sentence = bool(before) and (before[-1].isalnum() or before[-1] in ",(-")
    if cue is not None and before[-1:] in (",", ":") and cue.end <= q.outer[0] \
            and not re.search(r"\w", text[cue.end:q.outer[0]].replace(",", "")):
        return False  # 'Clinton said, “as long as we ...”': the quote follows its cue
    if cue is not None and before[-1:] in (",", ":") and cue.end <= q.outer[0] \
            and re.search(r"[.!?]$", body.rstrip("\u201d\"' ")) and text[q.outer[0] - 60:q.outer[0]].count(".") == 0:
        return False  # 'he told the host, “it was demoralizing.”': the rest of a cued sentence
    if cue is not None and cue.end <= q.outer[0] and not text[cue.end:q.outer[0]].strip() and len(words) >= 3 \
            and (re.match(r"\s*[.!?]", text[q.outer[1]:q.outer[1] + 2]) or re.search(r"[.!?]$", body)):
        return False  # 'The agency said "the government is interested …".': the whole rest of the sentence
    prev_word = re.search(r"(?<![\w-])(\w+)(?:\s+as)?\s*$", text[max(0, q.outer[0] - 30):q.outer[0]])
    if prev_word and prev_word.group(1).lower() in _NAMING_VERBS:
        return False  # 'which he dubbed “the little senator”': the words themselves, quoted
    return mid_sentence and text[q.start:q.start + 1].islower() and len(words) < 12


# Verbs that introduce the quoted words right after them, without a comma.
_NAMING_VERBS = frozenset("""
called dubbed labeled labelled declared chanting chanted described known termed branded
nicknamed mouthing shouting shouted yelled yelling
""".split())


_MINOR = {"a", "an", "the", "of", "and", "or", "in", "on", "at", "for", "to", "with", "by", "from", "is", "vs"}


def _title_case(words: list[str]) -> bool:
    """Every word capitalised bar short function words: a title or a name."""
    letters = [w.strip(".,!?;:'\"\u2019\u2018()") for w in words]
    letters = [w for w in letters if w]
    if not letters or not letters[0][:1].isupper():
        return False
    return all(w[:1].isupper() or w[:1].isdigit() or w.lower() in _MINOR for w in letters)


def _says(r: Report) -> bool:
    """A report of speech or belief (``said``, ``believes``, ``according to``), as opposed to a
    stance or topic (``criticism of``, ``declined to``, ``seems``)."""
    lemma = r.verb.lemma_.lower()
    return r.source is not None and (lemma in REPORTING_VERBS or r.family == "according")


def _subordinate(verb) -> bool:
    """True for a cue inside a noun's clause or an adverbial one ("suggestions that Y wanted")."""
    cur = verb
    while cur.dep_ == "conj":
        cur = cur.head
    return cur.dep_ in ("acl", "relcl", "pcomp", "pobj", "amod", "csubj")


def _rstrip_punct(text: str, start: int, end: int) -> int:
    while end > start and (text[end - 1].isspace() or text[end - 1] in ".,;:!?\u2026"):
        end -= 1
    return end


def _inside(ranges, pos: int) -> bool:
    i = bisect.bisect_right([r[0] for r in ranges], pos) - 1
    return i >= 0 and ranges[i][0] <= pos < ranges[i][1]


def _token_mask(doc, ranges) -> list[bool]:
    mask = [False] * len(doc)
    starts = [r[0] for r in ranges]
    for t in doc:
        i = bisect.bisect_right(starts, t.idx) - 1
        if i >= 0 and ranges[i][0] <= t.idx < ranges[i][1]:
            mask[t.i] = True
    return mask


def _cue_tokens(verb) -> tuple[int, int]:
    toks = [verb] + [c for c in verb.children if c.dep_ == "prt"]
    toks.sort(key=lambda t: t.i)
    return toks[0].idx, toks[-1].idx + len(toks[-1])


def _direct_cue(doc, q: _Q, res: Resolver, quoted: list[bool], text: str):
    """The reporting verb next to a direct quote, and its subject as the speaker."""
    starts = sentence_starts(doc)

    def sent_start(t) -> int:
        return starts[t.i] if starts is not None else t.sent.start

    lo, hi = q.outer
    # Paragraph bounds.
    ps = text.rfind("\n", 0, lo) + 1
    pe = text.find("\n", hi)
    pe = len(text) if pe == -1 else pe
    span = doc.char_span(ps, pe, alignment_mode="expand")
    if span is None:
        return None, None
    first_tok = doc.char_span(lo, min(hi, len(text)), alignment_mode="expand")
    if first_tok is None:
        return None, None
    sents = {sent_start(first_tok[0]), sent_start(first_tok[-1])}
    # The sentence right after the quote may hold the cue when the quote closed mid-sentence.
    after = first_tok[-1].i + 1
    if after < len(doc) and after < span.end:
        sents.add(sent_start(doc[after]))
    ends_sentence = text[q.start:q.end].rstrip()[-1:] in (".",)
    own = {sent_start(first_tok[0]), sent_start(first_tok[-1])}
    # "Mr X said of the plan: “…”": the parser may end the sentence at the colon
    lead = text[ps:lo].rstrip()
    if lead.endswith(":"):
        colon_tok = doc.char_span(ps + len(lead) - 1, ps + len(lead), alignment_mode="expand")
        if colon_tok is not None:
            sents.add(sent_start(colon_tok[0]))
            own.add(sent_start(colon_tok[0]))
    best = None
    for t in span:
        if quoted[t.i] or sent_start(t) not in sents:
            continue
        if t.pos_ not in ("VERB", "AUX"):
            continue
        lemma = t.lemma_.lower()
        colon = False
        j = t.i + 1
        # "He went on: “...”" / "told correspondents: “...”": any verb introducing a colon
        while j < len(doc) and j < t.i + 6 and not quoted[j]:
            if doc[j].text == ":":
                colon = doc[j].idx < lo and text[doc[j].idx + 1:lo].strip() == ""
                break
            j += 1
        if lemma not in REPORTING_VERBS and not colon:
            continue
        if sent_start(t) not in own and not _opens_with_cue(t, text, hi):
            continue  # a later sentence that reports something else ("On Sunday, X told ...")
        if t.idx >= hi:
            dist = t.idx - hi
            if ends_sentence and sent_start(t) != sent_start(first_tok[-1]):
                dist += 150
        else:
            dist = lo - (t.idx + len(t))
            if not colon:
                dist += 40  # "X said “...”" reads less often than "“...,” X said"
        if colon:
            dist -= 30
        if sent_start(t) not in (sent_start(first_tok[0]), sent_start(first_tok[-1])):
            dist += 60
        if best is None or dist < best[0]:
            best = (dist, t)
    if best is None:
        return None, None
    verb = best[1]
    cue = Cue(*_cue_tokens(verb), text=text[_cue_tokens(verb)[0]:_cue_tokens(verb)[1]])
    subj = _subject(verb) or adjacent_subject(verb)
    if (subj is None or quoted[subj.i]) and verb.idx >= hi:
        subj = _name_after_quote(doc, verb, hi, quoted)
    if subj is None or quoted[subj.i]:
        return cue, None
    s, e = speaker_np(subj, stop=q.outer)
    return cue, res.resolve(subj, (s, e))


def _name_after_quote(doc, verb, close: int, quoted: list[bool]):
    """``“…,” Ramos, 58, told AFP``: the parser hung the name on the quotation; the name
    between the closing mark and the cue is the speaker."""
    toks = [t for t in doc[max(0, verb.i - 8):verb.i] if t.idx >= close and not quoted[t.i]]
    for t in toks:
        if t.pos_ in ("PROPN", "PRON") or (t.pos_ == "NOUN" and any(c.dep_ == "det" for c in t.children)):
            while t.dep_ == "compound" and t.head.i < verb.i and not quoted[t.head.i]:
                t = t.head
            return t
        if not (t.is_punct or t.is_space or t.pos_ in ("DET", "ADJ", "NUM")):
            return None
    return None


def _opens_with_cue(verb, text: str, close: int) -> bool:
    """Whether ``verb``, in the sentence after a quotation, is that quotation's cue: the
    sentence opens right after the closing mark with the verb and its subject (``"…." she
    said``, ``"…," said the minister``), and the verb reports nothing of its own (no clause,
    no object).  ``On Sunday, X told the BBC she …`` and ``Asked about it, X said …`` start
    new reports."""
    if verb.tag_ in ("VBN", "VBG") and verb.dep_ in ("advcl", "acl", "amod"):
        return False  # "Asked about it, X said …": a new report opens
    subj = _subject(verb)
    first = min([verb.i] + ([subj.left_edge.i] if subj is not None and subj.head.i == verb.i else []))
    if text[close:verb.doc[first].idx].strip(" \t,.\"'\u201d\u2019"):
        return False
    return not any(c.dep_ in ("ccomp", "oprd", "xcomp") or (c.dep_ == "dobj" and c.i > verb.i
                                                           and verb.lemma_.lower() not in _HEARER_VERBS)
                   for c in verb.children)


# Verbs whose object is the hearer ("… ," he told reporters), not something reported.
_HEARER_VERBS = frozenset("tell ask assure inform remind warn advise notify".split())


def _speaks_of(text: str, q: _Q, spk: Speaker, res: Resolver) -> bool:
    """True when the quote names the candidate in the third person while speaking as "I":
    people rarely quote themselves by surname ("I agree with X on that")."""
    if spk.entity_id is None:
        return False
    body = text[q.start:q.end]
    if not re.search(r"\b(I|me|my|we|our)\b", body):
        return False
    e = res.by_id.get(spk.entity_id)
    return e is not None and any(q.start <= m.start < q.end for m in e.mentions)


def _fallback(q: _Q, by_para, history: list[_Q], res: Resolver, text: str, para_starts, cue):
    """Speaker for a quote without its own cue: the same paragraph's speaker, else the
    previous quote's (the news convention), less sure the further back it is."""
    for p in reversed(by_para.get(q.para, [])):
        if p.speaker is not None and p.speaker.resolution != "unresolved" and not _speaks_of(text, q, p.speaker, res):
            conf = p.speaker.confidence * (0.95 if p.kind == "direct" else 0.85)
            return replace(p.speaker, confidence=round(conf, 2)), cue or p.cue
    for p in reversed(history[-6:]):
        if p.para >= q.para or p.speaker is None or _speaks_of(text, q, p.speaker, res):
            continue
        gap = _nonempty_between(text, para_starts, p.para, q.para)
        conf = {0: 0.85, 1: 0.6, 2: 0.45}.get(gap, 0.3)
        spk = p.speaker
        return Speaker(spk.name, spk.entity_id, spk.start, spk.end, "continuation",
                       round(min(spk.confidence, 0.95) * conf, 2), spk.on_behalf_of), cue
    if not history:
        # Nobody has spoken yet: quotations that follow a paragraph about one person (a
        # profile, "X in quotes") are that person's, as a reader takes them; said weakly.
        k, back = q.para, 0
        while k > 0 and back < 2:  # the two paragraphs with words before this one
            k -= 1
            end = para_starts[k + 1] if k + 1 < len(para_starts) else len(text)
            back += bool(text[para_starts[k]:end].strip())
        found = res.subject_before(q.outer[0], para_starts[k])
        if found is not None:
            return Speaker(found.name, found.id, None, None, "continuation", 0.3), cue
    return Speaker(None, None, None, None, "unresolved", 0.0), cue


def _nonempty_between(text, para_starts, a: int, b: int) -> int:
    n = 0
    for i in range(a + 1, b):
        s = para_starts[i]
        e = para_starts[i + 1] - 1 if i + 1 < len(para_starts) else len(text)
        if text[s:e].strip():
            n += 1
    return n


def _nested_cue(doc, q: _Q, container: _Q, res: Resolver):
    """Speaker of a quote inside a quote: a reporting verb inside the container."""
    span = doc.char_span(container.start, container.end, alignment_mode="expand")
    inner = doc.char_span(q.start, q.end, alignment_mode="expand")
    if span is None or inner is None:
        return None, Speaker(None, None, None, None, "unresolved", 0.0)
    sent = inner[0].sent
    best = None
    for t in span:
        if t.sent != sent or q.outer[0] <= t.idx < q.outer[1]:
            continue
        if t.pos_ not in ("VERB", "AUX"):
            continue
        colon = any(doc[j].text == ":" for j in range(t.i + 1, min(t.i + 6, inner.start)))
        if t.lemma_.lower() not in REPORTING_VERBS and not colon:
            continue
        dist = abs(t.idx - q.outer[0]) - (30 if colon else 0)
        if best is None or dist < best[0]:
            best = (dist, t)
    if best is None:
        return None, Speaker(None, None, None, None, "unresolved", 0.0)
    verb = best[1]
    cs, ce = _cue_tokens(verb)
    cue = Cue(cs, ce, doc_text(doc)[cs:ce])
    subj = _subject(verb)
    if subj is None:
        return cue, Speaker(None, None, None, None, "unresolved", 0.1)
    s, e = speaker_np(subj, stop=q.outer)
    # "He" inside someone's quote is never that someone.
    outer = container.speaker.entity_id if container.speaker else None
    return cue, res.resolve(subj, (s, e), exclude={outer} if outer else frozenset())


def _report_speaker(r: Report, res: Resolver) -> Speaker:
    if r.source is None:
        return Speaker(None, None, None, None, "unresolved", 0.0)
    s, e = speaker_np(r.source)
    if e > s and r.start <= s < r.end:
        # the source phrase swallowed the content (inverted parse): keep just the head
        s, e = r.source.idx, r.source.idx + len(r.source)
    elif s < min(r.cue_start, r.start) < e:
        # "a new book saying he has …": the phrase runs on into its own cue and content
        text = doc_text(r.source.doc)
        e = min(r.cue_start, r.start)
        while e > s and (text[e - 1].isspace() or text[e - 1] in ",;:-\u2014"):
            e -= 1
        if e <= r.source.idx:
            s, e = r.source.idx, r.source.idx + len(r.source)
    return res.resolve(r.source, (s, e), content=(r.start, r.end))
