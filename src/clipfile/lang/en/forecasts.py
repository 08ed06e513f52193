"""Forecasts: predictive statements with forecaster, target, event, condition and deadline.

A forecast is found from the dependency parse of each sentence:

* a future auxiliary (``will``, ``'ll``, ``shall``, ``won't``) or ``be going to`` on a verb;
* an expectation verb with a clausal or infinitive complement (``expects X to V``,
  ``predicts that ...``);
* an intention verb (``plans to``, ``intends to``, ``vows to``): the subject's announced
  course, forecast by whoever reports it;
* ``could``/``may``/``might`` on a verb when the statement is explicitly forward-looking: it
  has a condition clause (``unless ...``), sits under a verb of belief or expectation, or
  carries a future time expression.

Non-predictive uses are left out by general rules: questions and requests (``will you``),
habitual ``will`` (``will often``), and verbs inside a condition clause (those are the
condition, not the prediction).  The probability comes from the verbal scale in
:mod:`clipfile.extract.markers` (Sherman Kent's words of estimative probability).
"""
from __future__ import annotations


from ...records import Entity, Forecast, Marker, Quote, Span, TimeExpr
from ...analysis.markers import KENT, probability_terms
from ...analysis.ranges import strip_range
from .markers import LEXICON
from .referents import Referents, speaker_ref

try:  # timex.py is written by another engineer; without it deadlines stay unresolved.
    from ...analysis.timex import find_times
except ImportError:  # pragma: no cover - only while the module is missing
    find_times = None

__all__ = ["forecasts"]

_FUTURE_AUX = {"will", "'ll", "shall", "wo", "ll"}
_POSSIBLE_AUX = {"could", "may", "might"}
_EXPECT = {"expect", "predict", "forecast", "anticipate", "foresee", "project"}
_INTEND = {"plan", "intend", "aim", "vow", "pledge", "promise", "threaten", "mean", "hope", "want"}
_ATTITUDE = _EXPECT | {"believe", "think", "fear", "warn", "say", "tell", "suggest", "argue",
                       "insist", "claim", "doubt", "reckon", "suspect", "add", "write", "assert"}
_SURE = {"sure", "certain", "confident", "convinced", "likely", "unlikely", "doubtful"}
_HABITUAL = {"often", "usually", "always", "sometimes", "typically", "generally", "normally",
             "frequently", "regularly", "occasionally"}
_CONDITION = {"if", "unless", "once", "when", "whenever", "provided", "until", "as soon as"}
_THEN_WORDS = {"but", "and", "or", "so", "then", "yet"}


def _aux(pred) -> list:
    return [c for c in pred.children if c.dep_ in {"aux", "auxpass", "neg"} and c.tag_ == "MD"]


def _condition_of(tok):
    """The condition clause (advcl introduced by if/unless/once/when) attached to ``tok``."""
    for c in tok.children:
        if c.dep_ != "advcl":
            continue
        for m in c.children:
            if m.dep_ in {"mark", "advmod"} and m.lower_ in _CONDITION and m.i < c.i:
                return c, m
    return None


def _in_condition(tok) -> bool:
    """True if ``tok`` is the verb of a condition clause (its own ``will`` is not a forecast)."""
    while tok.dep_ != "ROOT" and tok.head.i != tok.i:
        if tok.dep_ == "advcl" and any(
            m.dep_ in {"mark", "advmod"} and m.lower_ in _CONDITION for m in tok.children
        ):
            return True
        if tok.dep_ in {"relcl", "acl"}:
            return False
        tok = tok.head
    return False


def _chain(pred):
    """Ancestors of ``pred`` up to the sentence root."""
    out = []
    tok = pred
    while tok.head.i != tok.i:
        tok = tok.head
        out.append(tok)
    return out


def _subj(tok):
    return next((c for c in tok.children if c.dep_ in {"nsubj", "nsubjpass"}), None)


def _span_of(doc, tokens) -> tuple[int, int]:
    tokens = sorted(tokens, key=lambda t: t.i)
    while tokens and (tokens[0].is_punct or tokens[0].is_space or tokens[0].lower_ in _THEN_WORDS):
        tokens.pop(0)
    while tokens and (tokens[-1].is_punct or tokens[-1].is_space or tokens[-1].dep_ == "cc"):
        tokens.pop()
    if not tokens:
        return 0, 0
    return tokens[0].idx, tokens[-1].idx + len(tokens[-1])


def _triggers(sent):
    """(pred, trigger token, form) for every predictive construction in ``sent``."""
    out = []
    for tok in sent:
        low, lemma = tok.lower_, tok.lemma_.lower()
        if tok.tag_ == "MD" and low in _FUTURE_AUX | _POSSIBLE_AUX and tok.head.i > tok.i:
            # head to the right: "or else he will." (no verb) predicts nothing we can state
            out.append((tok.head, tok, "will" if low in _FUTURE_AUX else "could"))
        elif low == "going" and tok.head.i != tok.i:
            xc = [c for c in tok.children if c.dep_ == "xcomp" and c.pos_ in {"VERB", "AUX"}]
            if xc and any(c.lemma_ == "be" for c in tok.children if c.dep_ == "aux"):
                out.append((xc[0], tok, "going to"))
        elif tok.pos_ == "VERB" and lemma in _EXPECT | _INTEND:
            comp = [c for c in tok.children if c.dep_ in {"xcomp", "ccomp"} and c.pos_ in {"VERB", "AUX"}]
            past = tok.tag_ == "VBD" or any(
                c.dep_ in {"aux", "auxpass"} and c.tag_ in {"VBD", "VBN"} for c in tok.children
            )
            if comp and not (past and lemma in _INTEND):
                # A past intention ("they were planning to", "it was intended to") is history.
                out.append((comp[0], tok, "expect" if lemma in _EXPECT else "intend"))
    return out


class _Finder:
    def __init__(self, doc, entities, quotes, published) -> None:
        self.doc = doc
        self.refs = Referents(doc, entities, quotes)
        self.published = published

    def sent_of(self, tok):
        return self.refs.sents[self.refs.sent_index(tok.i)]

    def forecaster(self, pred, trigger, form):
        """Who predicts: the quote's speaker, the subject of an attitude verb, or a sayer."""
        quote = self.refs.stating_quote_at(trigger.idx)
        if quote is not None and speaker_ref(quote) is not None:
            return speaker_ref(quote), quote
        chain = ([trigger] if form == "expect" else []) + _chain(pred)
        for tok in chain:
            if tok.lemma_.lower() in _ATTITUDE or tok.lower_ in _SURE:
                s = _subj(tok)
                if s is None and tok.lower_ in _SURE and tok.dep_ == "acomp":
                    s = _subj(tok.head)  # "X is sure ...": the subject of the copula
                if s is not None and ((trigger is not None and tok.i == trigger.i) or tok.i != pred.i):
                    ref = self.refs.resolve_token(s)
                    if ref is not None:
                        return ref, quote
        # A parenthetical sayer ("This, says X, explains why ...") anywhere in the sentence.
        for tok in self.sent_of(pred):
            if tok.lemma_.lower() in {"say", "tell", "predict", "warn", "believe", "expect"}:
                s = _subj(tok)
                if s is not None:
                    ref = self.refs.resolve_token(s)
                    if ref is not None:
                        return ref, quote
        return None, quote

    def target(self, pred, trigger, form, event_tokens):
        subj = _subj(pred)
        if subj is None and form == "expect":
            subj = next((c for c in trigger.children if c.dep_ == "dobj"), None)
        if subj is None and form in {"intend", "going to"}:
            subj = _subj(trigger)
        if subj is not None:
            ref = self.refs.resolve_token(subj)
            if ref is not None:
                return ref
        return self.refs.first_ref(event_tokens)

    def probability(self, pred, trigger, form) -> tuple[float, str | None, list[Marker]]:
        sent = self.sent_of(pred)
        sent_start = sent.start_char
        text = sent.text
        terms = {
            (s + sent_start, e + sent_start): (term, cat)
            for s, e, term, cat in probability_terms(text, LEXICON)
        }

        def term_at(tok):
            for (s, e), tc in terms.items():
                if s <= tok.idx < e:
                    return s, e, tc[0], tc[1]
            return None

        found = term_at(trigger)
        # An adverb on the verb ("will probably", "will certainly") is more specific.
        for c in pred.children:
            if c.dep_ == "advmod":
                t = term_at(c)
                if t is not None:
                    found = t
        # An attitude above a plain future ("is sure ... will") is what the speaker commits to.
        if form in {"will", "going to"} and found is not None and found[3] == "almost certain":
            for tok in _chain(pred) + ([trigger] if form == "expect" else []):
                if tok.lower_ in _SURE or tok.lemma_.lower() in _EXPECT | {"believe", "doubt"}:
                    for c in [tok, *tok.children]:
                        t = term_at(c)
                        if t is not None and t[3] != "almost certain":
                            found = t
                            break
                    break
        if found is None:
            return KENT["probable"][0], None, []
        s, e, term, cat = found
        marker = Marker(start=s, end=e, text=self.refs.text[s:e], kind="probability")
        return KENT[cat][0], term, [marker]

    def deadline(self, sent, lo: int, hi: int) -> TimeExpr | None:
        if find_times is None:
            return None
        try:
            times = find_times(self.refs.text, published=self.published, start=sent.start_char, end=sent.end_char)
        except Exception:  # a timex failure must not lose the forecast itself
            return None
        for t in times:
            if lo <= t.start and t.end <= hi and t.value not in {"PAST_REF", "PRESENT_REF"}:
                return t
        return None


def forecasts(doc, entities: list[Entity], quotes: list[Quote], *, published: str | None = None) -> list[Forecast]:
    """Extract predictive statements.

    Args:
        doc: the parsed document (spaCy ``Doc``); offsets refer to ``doc.text``.
        entities: the document's entities (forecasters and targets are resolved to them).
        quotes: the document's quotes (a forecast in a quote belongs to its speaker).
        published: the publication date (ISO 8601) that deadlines are resolved against.
    Returns:
        Forecasts in text order with ids ``f1``, ``f2``...
    """
    finder = _Finder(doc, entities, quotes, published)
    text = finder.refs.text
    drafts = []
    for sent in finder.refs.sents:
        if sent.text.rstrip().rstrip("\u201d\"'").endswith("?"):
            continue  # questions and requests predict nothing
        seen_preds: set[int] = set()
        for pred, trigger, form in _triggers(sent):
            if pred.i in seen_preds or _in_condition(pred):
                continue
            if form in {"will", "could"}:
                subj = _subj(pred)
                if subj is not None and subj.lower_ == "you" and subj.i > trigger.i:
                    continue  # "will you ...": a request
                if any(c.dep_ == "advmod" and c.lower_ in _HABITUAL for c in pred.children):
                    continue  # habitual "will often ..."
                if any(a.lower_ == "have" for a in pred.children if a.dep_ == "aux"):
                    continue  # "could have done": a past possibility
            cond = _condition_of(pred)
            if cond is None:
                for tok in _chain(pred)[:2]:
                    cond = _condition_of(tok)
                    if cond is not None:
                        break
            forecaster, quote = finder.forecaster(pred, trigger, form)
            # Event: the predicted clause, without its condition or a coordinated clause
            # that makes a prediction of its own.
            excluded: set[int] = set()
            if cond is not None:
                excluded |= {t.i for t in cond[0].subtree}
            for c in pred.children:
                if c.dep_ == "conj" and _subj(c) is not None:
                    excluded |= {t.i for t in c.subtree}
            ev_tokens = [t for t in pred.subtree if t.i not in excluded]
            if form == "expect":
                obj = next((c for c in trigger.children if c.dep_ == "dobj"), None)
                if obj is not None:
                    ev_tokens += [t for t in obj.subtree if t.i not in excluded]
            if form == "going to" and _subj(trigger) is not None:
                ev_tokens += [t for t in _subj(trigger).subtree if t.i not in excluded]
            ev_tokens = [t for t in ev_tokens if t.i != trigger.i or form in {"will", "could"}]
            if form in {"intend", "going to", "expect"}:
                # "Brandt plans to stay": the event is "Brandt ... stay ...", not the plan.
                ev_tokens = [t for t in ev_tokens if not (t.dep_ == "aux" and t.lower_ == "to" and t.head.i == pred.i)]
            ev_start, ev_end = _span_of(doc, ev_tokens)
            if ev_end <= ev_start:
                continue
            deadline = finder.deadline(sent, ev_start, ev_end)
            if form == "could" and cond is None and deadline is None and not any(
                t.lemma_.lower() in _ATTITUDE for t in _chain(pred)
            ):
                continue  # a bare "may"/"could" is a hedge, not a forecast
            seen_preds.add(pred.i)
            target = finder.target(pred, trigger, form, ev_tokens)
            prob, term, markers = finder.probability(pred, trigger, form)
            if term is None and form == "intend":
                term = trigger.text
                markers = [Marker(trigger.idx, trigger.idx + len(trigger), trigger.text, "probability")]
            markers.append(Marker(trigger.idx, trigger.idx + len(trigger), trigger.text, "prediction"))
            condition = None
            if cond is not None:
                cs, ce = _span_of(doc, list(cond[0].subtree))
                if ce > cs:
                    condition = Span(cs, ce, text[cs:ce])
                    markers.append(Marker(cond[1].idx, cond[1].idx + len(cond[1]), cond[1].text, "condition"))
            # The statement: the sentence, clipped to the quote it sits in.
            s0, s1 = sent.start_char, sent.end_char
            if quote is not None:
                s0, s1 = max(s0, quote.start), min(s1, quote.end)
            s0 = min(s0, ev_start)
            s1 = max(s1, ev_end)
            s0, s1 = strip_range(text, s0, s1)
            drafts.append(
                dict(
                    start=s0, end=s1, text=text[s0:s1],
                    event=Span(ev_start, ev_end, text[ev_start:ev_end]),
                    probability=prob, probability_term=term, forecaster=forecaster, target=target,
                    condition=condition, deadline=deadline,
                    markers=tuple(sorted({(m.start, m.end, m.kind): m for m in markers}.values(),
                                         key=lambda m: m.start)),
                    quote_id=quote.id if quote is not None else None,
                )
            )
    drafts.sort(key=lambda d: (d["start"], d["event"].start))
    return [Forecast(id=f"f{n}", **d) for n, d in enumerate(drafts, 1)]
