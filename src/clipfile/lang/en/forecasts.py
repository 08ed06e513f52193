"""English forecast hooks on the spaCy parse (:class:`~clipfile.lang.base.ForecastSyntax`).

The shared stage (:mod:`clipfile.analysis.forecasts`) finds these predictive constructions in
the dependency parse of each sentence:

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
condition, not the prediction).  The probability comes from the English verbal scale in
:mod:`clipfile.lang.en.markers` (Sherman Kent's words of estimative probability).
"""
from __future__ import annotations

from ...analysis.markers import KENT, probability_terms
from ...analysis.referents import speaker_ref
from ...records import Entity, Marker, Quote, Ref, Span, TimeExpr
from ..base import Trigger
from .markers import LEXICON
from .referents import Referents
from .timex import find_times

__all__ = ["EnglishForecasts"]

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


def _span_of(tokens) -> tuple[int, int]:
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


class EnglishForecasts:
    """:class:`~clipfile.lang.base.ForecastSyntax` for one spaCy-parsed document."""

    def __init__(self, doc, entities: list[Entity], quotes: list[Quote], published: str | None) -> None:
        self.doc = doc
        self.refs = Referents(doc, entities, quotes)
        self.text = self.refs.text
        self.published = published

    def sent_of(self, tok):
        return self.refs.sents[self.refs.sent_index(tok.i)]

    def sentences(self) -> list:
        return self.refs.sents

    def sentence_range(self, sent) -> tuple[int, int]:
        return sent.start_char, sent.end_char

    def is_question(self, sent) -> bool:
        return sent.text.rstrip().rstrip("\u201d\"'").endswith("?")

    def triggers(self, sent) -> list[Trigger]:
        return [Trigger(*t) for t in _triggers(sent)]

    def skip(self, t: Trigger) -> bool:
        """Inside a condition clause; or, for will/could, a request (``will you ...``), a
        habit (``will often ...``) or a past possibility (``could have done``)."""
        pred, trigger, form = t
        if _in_condition(pred):
            return True
        if form in {"will", "could"}:
            subj = _subj(pred)
            if subj is not None and subj.lower_ == "you" and subj.i > trigger.i:
                return True
            if any(c.dep_ == "advmod" and c.lower_ in _HABITUAL for c in pred.children):
                return True
            if any(a.lower_ == "have" for a in pred.children if a.dep_ == "aux"):
                return True
        return False

    def condition(self, t: Trigger):
        cond = _condition_of(t.pred)
        if cond is None:
            for tok in _chain(t.pred)[:2]:
                cond = _condition_of(tok)
                if cond is not None:
                    break
        return cond

    def event(self, t: Trigger, cond, quote: Quote | None) -> tuple[int, int, list]:
        """The predicted clause, without its condition or a coordinated clause that makes a
        prediction of its own."""
        pred, trigger, form = t
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
        ev_start, ev_end = _span_of(ev_tokens)
        return ev_start, ev_end, ev_tokens

    def attitude_above(self, t: Trigger) -> bool:
        return any(tok.lemma_.lower() in _ATTITUDE for tok in _chain(t.pred))

    def condition_span(self, cond) -> tuple[Span, Marker] | None:
        cs, ce = _span_of(list(cond[0].subtree))
        if ce <= cs:
            return None
        return Span(cs, ce, self.text[cs:ce]), self.marker(cond[1], "condition")

    def marker(self, tok, kind: str) -> Marker:
        return Marker(tok.idx, tok.idx + len(tok), tok.text, kind)

    def forecaster(self, t: Trigger) -> tuple[Ref | None, Quote | None]:
        """Who predicts: the quote's speaker, the subject of an attitude verb, or a sayer."""
        pred, trigger, form = t
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

    def target(self, t: Trigger, event_tokens: list, forecaster: Ref | None) -> Ref | None:
        pred, trigger, form = t
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

    def probability(self, t: Trigger) -> tuple[float, str | None, list[Marker]]:
        pred, trigger, form = t
        sent = self.sent_of(pred)
        sent_start = sent.start_char
        text = sent.text
        terms = {
            (s + sent_start, e + sent_start): (term, cat)
            for s, e, term, cat in probability_terms(text, LEXICON)
        }

        def term_at(tok) -> tuple[int, int, str, str] | None:
            for (s, e), tc in terms.items():
                if s <= tok.idx < e:
                    return s, e, tc[0], tc[1]
            return None

        found = term_at(trigger)
        # An adverb on the verb ("will probably", "will certainly") is more specific.
        for c in pred.children:
            if c.dep_ == "advmod":
                hit = term_at(c)
                if hit is not None:
                    found = hit
        # An attitude above a plain future ("is sure ... will") is what the speaker commits to.
        if form in {"will", "going to"} and found is not None and found[3] == "almost certain":
            for tok in _chain(pred) + ([trigger] if form == "expect" else []):
                if tok.lower_ in _SURE or tok.lemma_.lower() in _EXPECT | {"believe", "doubt"}:
                    for c in [tok, *tok.children]:
                        hit = term_at(c)
                        if hit is not None and hit[3] != "almost certain":
                            found = hit
                            break
                    break
        if found is None:
            if form == "intend":
                # "plans to", "vows to": the intention itself is the probability term.
                return KENT["probable"][0], trigger.text, [self.marker(trigger, "probability")]
            return KENT["probable"][0], None, []
        s, e, term, cat = found
        marker = Marker(start=s, end=e, text=self.refs.text[s:e], kind="probability")
        return KENT[cat][0], term, [marker]

    def deadline(self, sent, lo: int, hi: int) -> TimeExpr | None:
        times = find_times(self.refs.text, published=self.published, start=sent.start_char, end=sent.end_char)
        for t in times:
            if lo <= t.start and t.end <= hi and t.value not in {"PAST_REF", "PRESENT_REF"}:
                return t
        return None
