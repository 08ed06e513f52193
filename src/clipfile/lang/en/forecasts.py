"""English forecast hooks on the spaCy parse (:class:`~clipfile.lang.base.ForecastSyntax`).

The shared stage (:mod:`clipfile.analysis.forecasts`) finds these predictive constructions in
the dependency parse of each sentence:

* a future auxiliary (``will``, ``'ll``, ``shall``, ``won't``) or ``be going to`` on a verb;
* ``would`` on a verb: the future seen from a report (``he said taxes would rise``), a
  conditional prediction (``if ..., we would look at it``) or the predicted effect of a proposal
  (``the bill would create new offences``); not a counterfactual (``would have``) nor a wish
  (``would like``);
* a schedule or a likelihood: ``is due to``, ``is set to``, ``is poised to``, ``is about to``,
  ``is likely/unlikely/certain/sure/bound to``, ``is to`` (``the film is to open in May``);
* an expectation verb with a clausal or infinitive complement (``expects X to V``,
  ``predicts that ...``, ``X is expected to V``);
* an intention (``plans to``, ``intends to``, ``is preparing to``) or a commitment (``vowed
  to``, ``pledged to``, ``promises to``, ``threatened to``): a plan is history once past
  (``was planning to``) unless a report backshifts it (``said it was planning to``); a
  commitment stands whatever its tense;
* a plan named by a noun with its owner (``their plans to tackle crime``, ``Russia's decision
  to bar foreign firms``, ``his pledge not to do deals``);
* ``could``/``may``/``might`` on an event (``thirty MPs could oppose the scheme``): a hedged
  possibility of what will happen; not on a state (``may be tired``, ``may seem``), an
  ongoing action (``may be seeking``), a past (``could have``) or in a relative clause
  (``nothing you could say``);
* a present tense scheduled by a future time expression governing the verb (``faces his first
  test on Monday``, ``is being shown on Saturday``);
* a headline infinitive (``Minister to face MPs``): a line without a finite verb.

Non-predictive uses are left out by general rules: questions and requests (``will you``),
reported questions (``who will play the lead``), habits (``will often``), hopes and wishes
(``I hope he will``), free relatives (``whoever wins will``), and verbs inside a condition
clause (those are the condition, not the prediction).

The statement is the predictive clause: the reported content when the forecast is reported
(the clause under ``said``, or the quote it stands in), the clause with its subject otherwise
(``The Tories plan to cut taxes``), the complement of a commitment (``pledged [to cut
taxes]``).  Its holder is the speaker of the attribution that contains it, else the actor
announcing its own plan, else nobody (the article's own voice; also ``X is expected to``).
The deadline is a time expression the predicted verb governs, pointing forward: ``since
1917``, ``dates back to 1970`` and clock times (``1130 GMT``) are not deadlines.  The
probability comes from the English verbal scale in :mod:`clipfile.lang.en.markers` (Sherman
Kent's words of estimative probability).
"""
from __future__ import annotations

import functools
import re

from ...analysis.forecasts import is_deadline
from ...analysis.markers import KENT, probability_terms
from ...analysis.referents import speaker_ref
from ...records import Entity, Marker, Quote, Ref, Span, TimeExpr
from ..base import Trigger
from .cues import PERSON_NOUNS, SPEECH_VERBS
from .markers import LEXICON
from .referents import Referents
from .speakers import Resolver
from .timex import find_times

__all__ = ["EnglishForecasts"]

# The holder of an impersonal statement ("X is expected to"): the article's own voice.
_NOBODY = Ref(name=None)

_FUTURE_AUX = {"will", "'ll", "shall", "wo", "ll"}
_WOULD = {"would", "'d"}
_POSSIBLE_AUX = {"could", "may", "might"}
_EXPECT = {"expect", "predict", "forecast", "anticipate", "foresee", "project"}
# A plan is the subject's course; once past ("was planning to") it is history.
_PLAN = {"plan", "intend", "aim", "prepare"}
# A commitment is given by saying it: it stands whatever the tense ("pledged to cut taxes").
_COMMIT = {"vow", "pledge", "promise", "threaten"}
_INTEND = _PLAN | _COMMIT
# Nouns naming a plan or a commitment, with a to-infinitive: "their plans to tackle crime".
_PLAN_NOUNS = {"plan", "proposal", "pledge", "promise", "decision", "intention", "vow",
               "commitment", "threat", "bid", "offer"}
# "is due to", "is set to", "is likely to": schedules and likelihoods stated of the subject.
_SCHEDULE_ADJ = {"due", "set", "poised", "about", "likely", "unlikely", "certain", "sure",
                 "bound", "scheduled", "slated"}
# "is to" with these subjects names a way or a task, not a plan ("the key is to act").
_GENERIC_TASK = {"key", "way", "answer", "solution", "point", "idea", "question", "problem",
                 "challenge", "thing", "trick", "rule", "secret", "task", "job", "goal", "aim",
                 "purpose", "objective", "priority", "option", "hope", "plan"}
# Verbs that report or hold a belief: the subject is who predicts what the complement says.
_ATTITUDE = _EXPECT | {"believe", "think", "fear", "warn", "say", "tell", "suggest", "argue",
                       "insist", "claim", "doubt", "reckon", "suspect", "add", "write", "assert",
                       "indicate", "state", "announce", "confirm", "predict", "acknowledge",
                       "admit", "explain", "maintain", "stress", "emphasise", "emphasize",
                       "repeat", "reiterate", "promise", "pledge", "vow", "threaten", "forecast",
                       "estimate", "calculate", "reckon", "know", "feel", "see", "guess"}
# Hopes and wishes are not forecasts, nor what they govern ("I hope he will do it soon").
_WISH = {"hope", "wish", "want", "pray", "dream", "long", "yearn", "urge", "call", "demand",
         "ask", "beg", "appeal"}
# spaCy's lemmatiser reads "hoping" as "hop": the inflected forms are listed.
_WISH_FORMS = {"hope", "hopes", "hoped", "hoping", "wish", "wishes", "wished", "wishing"}
_WISH_AFTER_WOULD = {"like", "love", "prefer", "rather", "hate", "welcome", "want", "wish"}
# "X is sure that ..." holds a belief; "X is sure to ..." states a likelihood about X.
_SURE_PERSONAL = {"sure", "certain", "confident", "convinced", "doubtful"}
_HABITUAL = {"often", "usually", "always", "sometimes", "typically", "generally", "normally",
             "frequently", "regularly", "occasionally"}
# States and inferences: "may seem", "could mean" are judgements about now, not events.
_STATIVE = {"seem", "appear", "look", "sound", "represent", "know", "understand", "need",
            "deserve", "matter", "exist", "belong", "own", "contain", "include", "involve",
            "reflect", "indicate", "imply", "suggest", "remain", "like", "feel", "think",
            "believe"}
# Organisations and groups that speak: a subject of "said" that is no name ("the police said").
# A document or a figure ("the report", "a previous estimate") is no forecaster.
_BODY_NOUNS = {"police", "government", "ministry", "committee", "party", "company", "firm", "group",
               "council", "court", "union", "agency", "bank", "board", "army", "commission",
               "parliament", "office", "department", "team", "authority", "administration",
               "cabinet", "campaign", "newspaper", "opposition", "producer", "organiser",
               "organizer", "regulator", "watchdog",
               "inquiry", "panel", "tribunal", "embassy", "kremlin", "white house", "people",
               "investor", "voter", "observer", "mp", "peer"}
# "his party's previous pledge": a plan of the past.
_PAST_ADJ = {"previous", "former", "earlier", "original", "old", "past", "abandoned", "failed"}
# Words of a condition that make it counterfactual ("if he were", "if I wasn't", "had known").
_COUNTERFACTUAL = {"were", "wasn't", "weren't", "had"}
# Adjuncts that concede or contrast are not part of what is predicted ("..., despite X").
_CONCESSIVE = {"despite", "although", "though", "while", "whereas", "notwithstanding"}
# "would later", "would eventually": the future of a past narrative, already history.
_LATER = {"later", "eventually", "subsequently", "afterwards", "afterward", "ultimately"}
_CONDITION = {"if", "unless", "once", "when", "whenever", "provided", "until", "as soon as"}
_THEN_WORDS = {"but", "and", "or", "so", "then", "yet", "that", "while", "whereas"}
_WH = {"who", "what", "which", "whether", "when", "where", "why", "how", "whom", "whose"}
_FREE_RELATIVE = {"whoever", "whatever", "whichever", "whenever", "wherever"}
_FINITE = {"VBD", "VBZ", "VBP", "MD"}
# The unions :func:`_triggers` and :func:`_scheduled` test words against, made once.
_MODAL_AUX = _FUTURE_AUX | _POSSIBLE_AUX | _WOULD
_EXPECT_OR_INTEND = _EXPECT | _INTEND
_SCHEDULE_WORDS = _SCHEDULE_ADJ | {"poise", "schedule", "slate"}
_UNSCHEDULED = _STATIVE | {"be", "have", "say", "tell"}
_PRESENT = {"VBZ", "VBP"}
# What anchors a time expression in the past: "since 1917", "dates back to 1970".
_PAST_BEFORE = re.compile(r"\b(?:since|back to|as early as|as far back as|as long ago as|dating from|dates? from)"
                          r"\s+(?:the\s+)?(?:(?:early|mid|late|end of|start of|beginning of)[- ]\s*)?$", re.I)
_PAST_WORDS = re.compile(r"\b(?:last|ago|earlier|previous|past|yesterday|since)\b", re.I)


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


def _governors(tok):
    """The words a clause is the complement of, nearest first: up through complements,
    prepositions and shared-subject coordination, not out of a relative or adverbial clause or
    a coordinated clause with its own subject ("Labour MPs have warned ... and Howard may")."""
    out = []
    for _ in range(12):
        if tok.head.i == tok.i:
            break
        if tok.dep_ in {"relcl", "acl", "advcl", "csubj", "csubjpass", "appos"}:
            break
        if tok.dep_ == "conj" and _subj(tok) is not None:
            # "says [the party is improving] and [it could win]": the second clause is said too;
            # "[MPs have warned] and [Howard may ...]": the second clause is nobody's report.
            if tok.head.dep_ != "ccomp":
                break
        tok = tok.head
        out.append(tok)
    return out


def _pronoun_subject(tok) -> bool:
    s = _subj(tok)
    return s is not None and s.pos_ == "PRON"


def _subj(tok):
    return next((c for c in tok.children if c.dep_ in {"nsubj", "nsubjpass"}), None)


def _passive(tok) -> bool:
    return any(c.dep_ in {"auxpass", "nsubjpass"} for c in tok.children) or tok.dep_ == "acl" and tok.tag_ == "VBN"


def _past(tok) -> bool:
    return tok.tag_ == "VBD" or any(c.dep_ in {"aux", "auxpass"} and c.tag_ in {"VBD", "VBN"} for c in tok.children)


def _to_infinitive(tok) -> bool:
    return tok.pos_ in {"VERB", "AUX"} and any(c.dep_ == "aux" and c.lower_ == "to" for c in tok.children)


def _span_of(tokens) -> tuple[int, int]:
    tokens = sorted(tokens, key=lambda t: t.i)
    while tokens and (tokens[0].is_punct or tokens[0].is_space or tokens[0].lower_ in _THEN_WORDS):
        tokens.pop(0)
    while tokens and (tokens[-1].is_punct or tokens[-1].is_space or tokens[-1].dep_ == "cc"):
        tokens.pop()
    if not tokens:
        return 0, 0
    return tokens[0].idx, tokens[-1].idx + len(tokens[-1])


def _headline(sent) -> bool:
    """A line without a finite verb (``Minister to face MPs amid row``)."""
    words = [t for t in sent if not (t.is_punct or t.is_space)]
    return bool(words) and not any(t.tag_ in _FINITE for t in words)


def _schedule_time(tok, times) -> bool:
    """A time expression in ``times`` that ``tok`` governs and that points ahead."""
    for t in times:
        if t.value in {"PAST_REF", "PRESENT_REF"} or t.value is None and t.precision != "approximate":
            continue
        if _PAST_WORDS.search(t.text):
            continue
        gov = _governor(tok.doc, t)
        if gov is not None and gov.i == tok.i:
            return True
    return False


def _governor(doc, t: TimeExpr):
    """The nearest verb above a time expression in the parse (None when it has none)."""
    span = doc.char_span(t.start, t.end, alignment_mode="expand")
    inside = list(span) if span is not None else []
    if not inside:
        return None
    root = next((tok for tok in inside if not (t.start <= tok.head.idx < t.end) or tok.head.i == tok.i), inside[0])
    tok = root
    for _ in range(8):
        if tok.head.i == tok.i:
            return tok if tok.pos_ in {"VERB", "AUX"} else None
        tok = tok.head
        if tok.pos_ in {"VERB", "AUX"}:
            return tok
        if tok.dep_ in {"relcl", "acl", "advcl", "ccomp"}:
            return None
    return None


def _generic_subject(tok) -> bool:
    """A bare plural subject ("civil servants are expected to"): a statement about a kind."""
    s = _subj(tok)
    return s is not None and s.tag_ == "NNS" and not any(
        c.dep_ in {"det", "poss", "nummod"} for c in s.children)


def _triggers(sent, times, quoted=lambda tok: False):
    """(pred, trigger token, form) for every predictive construction in ``sent``; ``quoted``
    tells whether a token stands in a quote (a report that backshifts its tenses)."""
    out = []
    headline = _headline(sent)
    for tok in sent:
        low, lemma = tok.lower_, tok.lemma_.lower()
        if tok.tag_ == "MD" and low in _MODAL_AUX and tok.head.i > tok.i:
            # head to the right: "or else he will." (no verb) predicts nothing we can state
            form = "will" if low in _FUTURE_AUX else "would" if low in _WOULD else "could"
            out.append((tok.head, tok, form))
        elif low == "going" and tok.head.i != tok.i:
            xc = [c for c in tok.children if c.dep_ == "xcomp" and c.pos_ in {"VERB", "AUX"}]
            if xc and any(c.lemma_ == "be" for c in tok.children if c.dep_ == "aux"):
                out.append((xc[0], tok, "going to"))
        elif tok.pos_ == "VERB" and lemma in _EXPECT_OR_INTEND:
            comp = [c for c in tok.children if c.dep_ in {"xcomp", "ccomp"} and c.pos_ in {"VERB", "AUX"}
                    and (lemma in _EXPECT or _to_infinitive(c))]
            if not comp:
                continue  # "is preparing what could be a review": an object, not a plan
            if tok.tag_ in _PRESENT and _subj(tok) is None and tok.head.tag_ == "VBD":
                continue  # "criticised attempts to ..., plans to ...": a noun the tagger took for a verb
            if lemma in _EXPECT and _passive(tok) and tok.tag_ != "VBD" and _generic_subject(tok):
                continue  # "civil servants are expected to stay four years": a norm
            if lemma in _PLAN and _past(tok) and not _reported(tok, quoted):
                continue  # a past plan ("they were planning to", "it was intended to") is history
            if lemma in _EXPECT and tok.tag_ == "VBD" and not _passive(tok) and not _reported(tok, quoted):
                continue  # a past expectation ("he had expected to win") is history
            out.append((comp[0], tok, "expect" if lemma in _EXPECT else "intend"))
        elif tok.pos_ == "NOUN" and lemma in _PLAN_NOUNS:
            comp = [c for c in tok.children if c.dep_ == "acl" and _to_infinitive(c)]
            if comp and any(c.dep_ == "poss" for c in tok.children) and not any(
                    c.dep_ == "amod" and c.lower_ in _PAST_ADJ for c in tok.children):
                out.append((comp[0], tok, "plan"))
        elif lemma in _SCHEDULE_WORDS and (
                tok.dep_ == "acomp" and tok.head.lemma_ == "be"
                or tok.tag_ == "VBN" and any(c.dep_ == "auxpass" for c in tok.children)):
            comp = [c for c in tok.children if c.dep_ == "xcomp" and _to_infinitive(c)]
            if comp and not any(c.lower_ in {"more", "less"} for c in tok.children):
                # "more likely to": a comparison of groups, a generic statement
                out.append((comp[0], tok, "due"))
        elif lemma == "be" and tok.tag_ in _FINITE:  # (VBD among them)
            # "is to": "The film is to open in May", "They are to scrap student fees".
            comp = [c for c in tok.children if c.dep_ == "xcomp" and _to_infinitive(c) and c.i == tok.i + 2]
            subj = _subj(tok)
            if comp and not any(c.dep_ == "acomp" for c in tok.children) and not (
                    subj is not None and subj.lemma_.lower() in _GENERIC_TASK):
                if tok.tag_ != "VBD" or _reported(tok, quoted):
                    out.append((comp[0], tok, "due"))
        elif headline and tok.tag_ == "VB" and _to_infinitive(tok) and tok.dep_ != "xcomp":
            out.append((tok, next(c for c in tok.children if c.dep_ == "aux" and c.lower_ == "to"), "headline"))
        elif tok.pos_ in {"VERB", "AUX"} and not headline and _scheduled(tok, times):
            out.append((tok, tok, "scheduled"))
    return out


def _scheduled(tok, times) -> bool:
    """A present tense (``faces``, ``is leaving``, ``is being shown``) fixed by a time ahead."""
    if tok.lemma_.lower() in _UNSCHEDULED or tok.dep_ in {"aux", "auxpass"}:
        return False
    auxes = [c for c in tok.children if c.dep_ in {"aux", "auxpass"}]
    present = any(a.tag_ in _PRESENT for a in auxes)
    simple = tok.tag_ in _PRESENT and not auxes  # "faces"
    progressive = tok.tag_ == "VBG" and present and not any(a.tag_ == "MD" for a in auxes)  # "is leaving"
    passive = tok.tag_ == "VBN" and present and any(a.lower_ == "being" for a in auxes)  # "is being shown"
    return (simple or progressive or passive) and _schedule_time(tok, times)


def _reported(tok, quoted=lambda tok: False) -> bool:
    """``tok`` stands in the complement of a report or in a quote (a backshifted tense: "said it
    was planning")."""
    if quoted(tok):
        return True
    t = tok
    for _ in range(6):
        if t.head.i == t.i:
            return False
        if t.dep_ in {"ccomp", "xcomp", "conj"} and t.head.lemma_.lower() in _ATTITUDE:
            return True
        if t.dep_ not in {"ccomp", "xcomp", "conj", "advcl"}:
            return False
        t = t.head
    return False


class EnglishForecasts:
    """:class:`~clipfile.lang.base.ForecastSyntax` for one spaCy-parsed document."""

    def __init__(self, doc, entities: list[Entity], quotes: list[Quote], published: str | None) -> None:
        self.doc = doc
        self.entities = entities
        self.quotes = quotes
        self.refs = Referents(doc, entities, quotes)
        self.text = self.refs.text
        self.published = published
        self._all_times: list[TimeExpr] | None = None

    @functools.cached_property
    def resolver(self) -> Resolver:
        return Resolver(self.doc, self.entities)

    def sent_of(self, tok):
        return self.refs.sents[self.refs.sent_index(tok.i)]

    def sentences(self) -> list:
        return self.refs.sents

    def sentence_range(self, sent) -> tuple[int, int]:
        return sent.start_char, sent.end_char

    def is_question(self, sent) -> bool:
        return sent.text.rstrip().rstrip("\u201d\"'").endswith("?")

    def times(self, sent) -> list[TimeExpr]:
        """The sentence's time expressions, resolved in the whole text (a date without a year
        takes the year written before it)."""
        if self._all_times is None:
            self._all_times = find_times(self.text, published=self.published)
        return [t for t in self._all_times if sent.start_char <= t.start < sent.end_char]

    def triggers(self, sent) -> list[Trigger]:
        return [Trigger(*t) for t in _triggers(sent, self.times(sent),
                                               lambda tok: self.refs.quote_at(tok.idx) is not None)]

    def skip(self, t: Trigger) -> bool:
        """Not a prediction: a condition clause, a request, a habit, a past or a counterfactual,
        a wish, a reported question, a state under "could", a generic statement."""
        pred, trigger, form = t
        if _in_condition(pred):
            return True
        modal = form in {"will", "would", "could"}
        if modal:
            subj = _subj(pred)
            if subj is not None and subj.lower_ == "you" and subj.i > trigger.i:
                return True
            if any(c.dep_ == "advmod" and c.lower_ in _HABITUAL for c in pred.children):
                return True
            if any(a.lower_ == "have" for a in pred.children if a.dep_ == "aux") and form != "will":
                return True  # "could have won", "would have done": a past that did not happen
            subjects = [c for c in pred.children if c.dep_ in {"nsubj", "nsubjpass", "csubj"}]
            if any(x.lower_ in _FREE_RELATIVE for c in subjects for x in c.subtree):
                return True  # "whoever wins will ...": a generic statement
        if form == "would":
            if pred.lemma_.lower() in _WISH_AFTER_WOULD or any(c.lower_ == "rather" for c in pred.children):
                return True  # "would like to", "would rather": a wish
            if self._evaluative(pred):
                return True
            if self._past_belief(pred):
                return True
            if any(c.dep_ == "advmod" and c.lower_ in _LATER for c in pred.children):
                return True  # "he would later become president": a past told forward
        if form in {"would", "could"}:
            cond = self.condition(t)
            if cond is not None and any(x.lower_ in _COUNTERFACTUAL for x in cond[0].subtree
                                        if x.dep_ in {"aux", "auxpass", "ROOT", "advcl", "cop"} or x.i == cond[0].i):
                return True  # "if he were", "if I wasn't": a counterfactual
        if form == "could":
            if pred.dep_ == "relcl" or any(c.lower_ == "ever" for c in pred.children):
                return True  # "nothing you could say": ability, not a prediction
            if pred.lemma_.lower() in _STATIVE:
                return True
            if pred.lemma_ == "be" and any(c.dep_ == "acomp" for c in pred.children):
                return True  # "may be tired", "might be appropriate": a judgement about now
            if pred.tag_ == "VBG" and any(a.lemma_ == "be" for a in pred.children if a.dep_ == "aux"):
                return True  # "may be seeking": a guess about what is going on
            if any(c.dep_ == "mark" and c.lower_ == "as" for c in pred.children):
                return True  # "incredible as it may seem"
        if modal and self._question_clause(pred):
            return True
        if self._wished(t):
            return True
        return False

    def _question_clause(self, pred) -> bool:
        """A reported question: "(speculation over) who will play the lead"."""
        first = min(pred.subtree, key=lambda t: t.i)
        if pred.dep_ == "relcl":
            # "battling over which will impose": a preposition of another word before "which"
            before = self.doc[first.i - 1] if first.i > 0 else None
            return (first.lower_ in _WH and before is not None and before.pos_ == "ADP"
                    and before.head.i not in {x.i for x in pred.subtree} and before.head.i != pred.head.i)
        if pred.dep_ not in {"ccomp", "pcomp", "pobj", "advcl", "xcomp", "acl"}:
            return False
        return first.lower_ in _WH and first.dep_ != "mark" or first.lower_ == "whether"

    @staticmethod
    def _evaluative(pred) -> bool:
        """``it would be rash to ...``, ``it would make sense to ...``: a judgement, not an event."""
        subj = _subj(pred)
        return (subj is not None and subj.lower_ == "it" and pred.lemma_ in {"be", "make", "seem"}
                and any(c.dep_ in {"xcomp", "ccomp", "advcl", "acomp", "attr"} for c in pred.children))

    @staticmethod
    def _past_belief(pred) -> bool:
        """``I thought it would be relaxed``: an expectation of the past, not reported by anyone."""
        t = pred
        if t.dep_ != "ccomp":
            return False
        head = t.head
        if head.tag_ != "VBD" or head.lemma_.lower() not in {"think", "believe", "expect", "assume", "imagine",
                                                               "suppose", "fear", "hope"}:
            return False
        return not any(a.lemma_.lower() in _ATTITUDE for a in _governors(head))

    def _wished(self, t: Trigger) -> bool:
        """The complement of a verb of hoping or wishing (``I hope he will``, ``urged them to``)."""
        tok = self._top(t)
        for _ in range(3):
            if tok.dep_ not in {"ccomp", "xcomp"} or tok.head.i == tok.i:
                return False
            tok = tok.head
            if tok.lemma_.lower() in _WISH or tok.lower_ in _WISH_FORMS:
                return True
            if tok.lemma_.lower() in _ATTITUDE:
                return False
        return False

    def condition(self, t: Trigger):
        cond = _condition_of(t.pred)
        if cond is None:
            for tok in [t.trigger, *_chain(t.pred)[:2]]:
                cond = _condition_of(tok)
                if cond is not None:
                    break
        return cond

    def _top(self, t: Trigger):
        """The head of the predictive clause: the verb whose subtree is the statement."""
        pred, trigger, form = t
        if form in {"will", "would", "could", "scheduled"}:
            top = pred
        elif form == "going to":
            top = trigger
        elif form == "expect":
            top = trigger if _passive(trigger) else pred
        elif form == "intend":
            top = pred if trigger.lemma_.lower() in _COMMIT else trigger
        elif form == "due":
            top = trigger.head if trigger.dep_ == "acomp" else trigger
        elif form == "plan":
            top = trigger
        else:  # headline
            top = self.sent_of(pred).root
        # A second verb sharing its subject ("he did not resign but will move on"): the clause
        # is the whole coordination.
        while top.dep_ == "conj" and _subj(top) is None and top.head.pos_ in {"VERB", "AUX"} and form != "plan":
            top = top.head
        return top

    def statement(self, t: Trigger, cond, quote: Quote | None) -> tuple[int, int]:
        """The predictive statement: the clause headed by :meth:`_top`, without coordinated
        clauses of their own, asides and concessions.  Under a verb of saying the clause is the
        reported content; a quote's own boundaries are not used (a quote cut at a "said"
        inside it would cut the statement too)."""
        pred, trigger, form = t
        top = self._top(t)
        sent = self.sent_of(pred)
        excluded: set[int] = set()
        for c in top.children:
            if c.dep_ == "conj" and _subj(c) is not None and c.pos_ in {"VERB", "AUX"}:
                excluded |= {x.i for x in c.subtree}
            if c.dep_ == "parataxis" and c.i > pred.i:
                excluded |= {x.i for x in c.subtree}
        if form == "expect" and top.i == pred.i:
            obj = next((c for c in trigger.children if c.dep_ == "dobj"), None)
            tokens = [x for x in pred.subtree] + (list(obj.subtree) if obj is not None else [])
        elif top.dep_ == "relcl" and top.head.pos_ in {"NOUN", "PROPN"}:
            # "laws which are due to expire on 14 March": the relative clause with its noun
            tokens = [x for x in top.head.subtree if x.i >= top.head.left_edge.i]
        else:
            tokens = list(top.subtree)
        excluded |= self._asides(tokens, top, pred)
        tokens = [x for x in tokens if x.i not in excluded and sent.start <= x.i < sent.end]
        s, e = _span_of(tokens)
        return s, e

    def _asides(self, tokens, top, pred) -> set[int]:
        """Tokens of asides in ``tokens``: a non-restrictive relative clause after the predicted
        verb (``, which has angered ...``), a concession (``, despite ...``) and the attribution
        ``according to X``."""
        out: set[int] = set()
        for x in tokens:
            if x.dep_ == "relcl" and x.i != top.i and x.i > pred.i and self._aside(x):
                out |= {y.i for y in x.subtree}
            elif x.dep_ == "prep" and x.lower_ == "according" and x.head.i in {top.i, pred.i} \
                    and self._names_a_source(x):
                out |= {y.i for y in x.subtree}  # "according to X": the attribution, not the content
            elif x.dep_ in {"prep", "advcl"} and x.head.i in {top.i, pred.i} and self._concessive(x):
                out |= {y.i for y in x.subtree}
        return out

    @staticmethod
    def _names_a_source(according) -> bool:
        """``according to Ruth Abernathy`` (an attribution), not ``according to the law``."""
        obj = next((y for y in according.subtree if y.dep_ == "pobj"), None)
        return obj is not None and (obj.pos_ == "PROPN" or obj.lemma_.lower() in PERSON_NOUNS | _BODY_NOUNS)

    def _aside(self, clause) -> bool:
        """A clause set off by a comma before it (``, which ...``)."""
        first = clause.left_edge
        return first.i > 0 and self.doc[first.i - 1].text in {",", "\u2014", "-", "("}

    def _concessive(self, adjunct) -> bool:
        """``..., despite a new book saying ...``: a concession after a comma."""
        word = adjunct if adjunct.dep_ == "prep" else next(
            (c for c in adjunct.children if c.dep_ == "mark"), None)
        return word is not None and word.lower_ in _CONCESSIVE and (
            self._aside(adjunct) or adjunct.i < adjunct.head.i)

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
        excluded |= self._asides(list(pred.subtree), self._top(t), pred)
        ev_tokens = [t for t in pred.subtree if t.i not in excluded]
        if form == "expect":
            obj = next((c for c in trigger.children if c.dep_ == "dobj"), None)
            if obj is not None:
                ev_tokens += [t for t in obj.subtree if t.i not in excluded]
        if form in {"going to", "due"} and _subj(self._top(t)) is not None:
            ev_tokens += [t for t in _subj(self._top(t)).subtree if t.i not in excluded]
        ev_tokens = [t for t in ev_tokens if t.i != trigger.i or form in {"will", "would", "could", "scheduled"}]
        if form in {"intend", "going to", "expect", "due", "plan", "headline"}:
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

    def _holder(self, tok) -> Ref | None:
        """Who the subject ``tok`` of a report or a plan is: a person or an organisation, a
        resolved pronoun, or a description of people (``analysts``, ``a spokesman``)."""
        if tok.lower_ in {"their", "its", "his", "her"} and tok.dep_ == "poss":
            # "The Lib Dems gave details of their proposals": the owner is the clause's subject.
            verb = next((a for a in _chain(tok) if a.pos_ in {"VERB", "AUX"}), None)
            subj = _subj(verb) if verb is not None else None
            if subj is not None and subj.i != tok.i and subj.lower_ not in {"it", "they", "he", "she"}:
                return self._holder(subj)
        described = self._described(tok)
        if described is not None:
            return described
        ref = self.refs.resolve_token(tok)
        if ref is not None:
            return ref
        if tok.pos_ in {"NOUN", "PROPN"} and tok.lemma_.lower() in PERSON_NOUNS | _BODY_NOUNS:
            toks = [x for x in tok.subtree if x.dep_ not in {"relcl", "acl", "punct"} and x.i <= tok.i
                    or x.i == tok.i]
            s, e = _span_of(toks)
            return Ref(name=self.text[s:e]) if e > s else None
        return None

    def forecaster(self, t: Trigger) -> tuple[Ref | None, Quote | None]:
        """Who predicts: the speaker of the quote it stands in, the subject of a report or a
        belief above it, the actor announcing its own plan, or nobody (the article's voice)."""
        pred, trigger, form = t
        quote = self.refs.stating_quote_at(trigger.idx)
        inner = self._innermost_quote(trigger.idx)
        if inner is not None and quote is not None and inner is not quote:
            quote = inner  # the nearest attribution: "That suggests [the leader believes [P]]"
        top = self._top(t)
        chain = ([trigger] if form == "expect" and top.i == pred.i else []) + _governors(top)
        if form == "plan":
            # A plan's named owner holds it, wherever it is reported ("Russia's decision to bar").
            # A possessive pronoun ("his pledge") is left to the attribution around it.
            owner = next((c for c in trigger.children if c.dep_ == "poss" and c.pos_ != "PRON"), None)
            ref = self._holder(owner) if owner is not None else None
            if ref is not None:
                return ref, quote
        if quote is not None and speaker_ref(quote) is not None:
            # The nearest attribution inside the quote is the forecast's ("X said critics
            # claim the cards would ...": the critics'); else the quote's speaker.
            # Someone else's words reported inside the quote: a verb of saying with a named or
            # described subject ("accused critics of claiming the cards would ..."); a belief
            # or a pronoun ("he expects", "Doug believes") stays the speaker's.
            chain = [tok for tok in chain if quote.start <= tok.idx < quote.end
                     and tok.lemma_.lower() in SPEECH_VERBS and not _pronoun_subject(tok)]
            ref = self._attitude_holder(chain, top)
            if ref is _NOBODY:
                ref = None
            ref = ref or self._speaker(quote)
            if ref is not None:
                return ref, quote
            # A speaker that names no one ("US oil giant"): the subject of the verb of saying.
            chain = ([trigger] if form == "expect" and top.i == pred.i else []) + _governors(top)
        ref = self._attitude_holder(chain, top)
        if ref is not None:
            return (None if ref is _NOBODY else ref), quote
        if form in {"intend", "plan"}:
            # The actor announcing its own plan or commitment.
            if form == "plan":
                owner = next((c for c in trigger.children if c.dep_ == "poss"), None)
                return (self._holder(owner) if owner is not None else None), quote
            s = _subj(trigger)
            if s is None and trigger.dep_ in {"advcl", "acl", "xcomp", "conj"}:
                s = _subj(trigger.head)
            if s is not None:
                return self._holder(s), quote
        # A parenthetical sayer ("This, says X, explains why ...") attached to the statement.
        for tok in self.sent_of(pred):
            if tok.lemma_.lower() in {"say", "tell", "predict", "warn", "believe", "expect", "add"} \
                    and tok.dep_ == "parataxis" and (tok.head.i == top.i or tok.head in _chain(top)):
                s = _subj(tok)
                if s is not None:
                    return self._holder(s), quote
        return None, quote

    def _described(self, tok) -> Ref | None:
        """``the Lib Dem leader``: the person this document describes so ("Lib Dem leader
        Charles Kennedy"), as the quote stage resolves a speaker's description."""
        if tok.pos_ == "NOUN" and tok.lemma_.lower() in PERSON_NOUNS and any(
                c.dep_ == "det" and c.lower_ == "the" for c in tok.children):
            ent, confidence = self.resolver.nominal(tok)
            if ent is not None and confidence >= 0.6:
                return Ref(name=ent.name, entity_id=ent.id)
        return None

    def _speaker(self, quote: Quote) -> Ref | None:
        """The quote's speaker as a forecaster: an entity, or a description of people or of a
        body ("a spokesman", "the police"); a thing ("a previous estimate") is none."""
        ref = speaker_ref(quote)
        sp = quote.speaker
        if ref is None or ref.entity_id or sp is None or sp.start is None or sp.end is None:
            return ref
        span = self.doc.char_span(sp.start, sp.end, alignment_mode="expand")
        if span is None:
            return ref
        head = span.root
        if head.pos_ == "PROPN" or head.lemma_.lower() in _BODY_NOUNS:
            return ref
        if head.lemma_.lower() in PERSON_NOUNS:
            return self._described(head) or ref  # "the Lib Dem leader": resolved when the text says who
        return None

    def _innermost_quote(self, pos: int) -> Quote | None:
        """The smallest quote holding ``pos`` whose speaker is known."""
        inside = [q for q in self.quotes if q.start <= pos < q.end and speaker_ref(q) is not None]
        return min(inside, key=lambda q: q.end - q.start) if inside else None

    def _attitude_holder(self, chain: list, top) -> Ref | None:
        """The subject of the nearest verb of saying or believing in ``chain`` (the clause's
        ancestors); :data:`_NOBODY` for an impersonal passive (``X is expected to``)."""
        for tok in chain:
            lemma = tok.lemma_.lower()
            if lemma in _ATTITUDE:
                if _passive(tok):
                    agent = next((c for c in tok.children if c.dep_ == "agent"), None)
                    pobj = next((c for c in agent.children if c.dep_ == "pobj"), None) if agent else None
                    return (self._holder(pobj) if pobj is not None else None) or _NOBODY
                # "US oil giant Exxon said": of two subjects the parser gives, the name first.
                subjects = sorted((c for c in tok.children if c.dep_ == "nsubj"), key=lambda c: c.pos_ != "PROPN")
                if subjects:
                    return self._holder(subjects[0]) or _NOBODY
            elif tok.lower_ in _SURE_PERSONAL and tok.dep_ == "acomp" and any(
                    c.dep_ == "ccomp" for c in tok.children):
                s = _subj(tok.head)  # "X is sure (that) ...": the subject of the copula
                if s is not None:
                    return self._holder(s) or _NOBODY
        return None

    def target(self, t: Trigger, event_tokens: list, forecaster: Ref | None) -> Ref | None:
        pred, trigger, form = t
        subj = _subj(pred)
        if subj is None and form == "expect":
            subj = next((c for c in trigger.children if c.dep_ == "dobj"), None) or (
                _subj(trigger) if _passive(trigger) else None)
        if subj is None and form in {"intend", "going to"}:
            subj = _subj(trigger)
        if subj is None and form == "due":
            subj = _subj(self._top(t))
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
        if form in {"will", "going to", "would"} and (found is None or found[3] == "almost certain"):
            for tok in _chain(pred):
                if tok.lower_ in _SURE_PERSONAL or tok.lemma_.lower() in _EXPECT | {"believe", "doubt"}:
                    for c in [tok, *tok.children]:
                        hit = term_at(c)
                        if hit is not None and hit[3] != "almost certain":
                            found = hit
                            break
                    break
        if found is None:
            if form in {"intend", "plan"}:
                # "plans to", "vows to": the intention itself is the probability term.
                return KENT["probable"][0], trigger.text, [self.marker(trigger, "probability")]
            if form in {"due", "scheduled", "headline"}:
                # A schedule is stated as settled.
                return KENT["almost certain"][0], None, []
            return KENT["probable"][0], None, []
        s, e, term, cat = found
        marker = Marker(start=s, end=e, text=self.refs.text[s:e], kind="probability")
        return KENT[cat][0], term, [marker]

    def deadline(self, t: Trigger, lo: int, hi: int) -> TimeExpr | None:
        """The first forward-pointing time expression the predicted verb (or the construction
        that makes it a prediction) governs."""
        pred, trigger, form = t
        sent = self.sent_of(pred)
        top = self._top(t)
        chain = {pred.i, trigger.i, top.i}
        tok = pred
        while tok.i != top.i and tok.head.i != tok.i:
            tok = tok.head
            chain.add(tok.i)
        for time in self.times(sent):
            if not is_deadline(time, published=self.published, past_before=_PAST_BEFORE, text=self.text) \
                    or _PAST_WORDS.search(time.text):
                continue
            gov = _governor(self.doc, time)
            if gov is not None and gov.i in chain:
                return time
            if gov is None and lo <= time.start and time.end <= hi and form in {"plan", "headline"}:
                return time  # "Russia's decision to bar foreign firms from tenders in 2005"
        return None

    def needs_support(self, t: Trigger) -> bool:
        """English states hedged possibilities with "could"/"may" and means them as forecasts
        ("thirty MPs could oppose the scheme"); :meth:`skip` has left out the hedges on states."""
        return False
