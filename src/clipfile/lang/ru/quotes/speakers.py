"""Who said each quotation found, and the quote records.

A speaker is resolved like the English side: ``named`` (the phrase holds a name, or an
organisation), ``pronoun`` (он/она/они → the last person of that gender/number),
``first-person`` (я/мы), ``nominal`` (``министр`` → the person earlier introduced with that
title, else the phrase itself), ``continuation`` (an unattributed quote right after an
attributed one), or ``unresolved``.
"""
from __future__ import annotations

from dataclasses import replace

from ....analysis.problems import isolated
from ....analysis.quotes import QuoteDraft, assemble, line_of, line_starts
from ....records import Cue, Entity, Quote, Ref, Speaker
from ..entities import is_common_noun
from ..lexicon import FIRST_PERSON, PRONOUNS, REPRESENTATIVE_NOUNS, SPEAKING_BODIES
from ..parse import RuToken, models
from .reader import _POSSESSIVE, Found, Reader, animate_noun, first_person

__all__ = ["resolve"]

_CONFIDENCE = {
    "named": 0.9,
    "first-person": 0.85,
    "pronoun": 0.75,
    "nominal": 0.7,
    "continuation": 0.6,
    "unresolved": 0.2,
}
_PRONOUN_FORMS = {**PRONOUNS, **_POSSESSIVE, "ему": "Masc", "ней": "Fem", "ей": "Fem", "им": "Plur"}


def resolve(an: Reader) -> list[Quote]:
    """Speakers in reading order (a continuation takes the speaker before it), then the
    shared assembly (:func:`clipfile.analysis.quotes.assemble`)."""
    order = sorted(range(len(an.found)), key=lambda k: (an.found[k].start, -an.found[k].end))
    resolved: dict[int, Speaker | None] = {}
    drafts: dict[int, QuoteDraft] = {}
    lines = line_starts(an.text)
    signer = _signer(an)
    last: Speaker | None = None
    last_end = -1
    for k in order:
        f = an.found[k]
        sp: Speaker | None
        if f.continuation:
            prev = resolved.get(f.extra.get("after", -1)) if "after" in f.extra else None
            prev = prev or (last if last is not None and _near(an, last_end, f.start) else None)
            sp = (
                Speaker(prev.name, prev.entity_id, None, None, "continuation", _CONFIDENCE["continuation"])
                if prev is not None and prev.resolution != "unresolved"
                else Speaker(None, None, None, None, "unresolved", _CONFIDENCE["unresolved"])
            )
        else:
            sp = None
            with isolated("quote", f.start, f.end) as item:  # a failure skips this quote only
                sp = speaker(an, f)
            if item.failed:
                continue
            if sp is None:
                if f.kind != "direct":
                    continue  # "Эти цифры говорят о том, что …": nobody reports anything
                sp = Speaker(None, None, None, None, "unresolved", _CONFIDENCE["unresolved"])
            if sp.resolution == "first-person" and signer is not None and f.kind != "direct":
                # the writer's own past words in a signed letter are the signer's ("я обещал …")
                sp = Speaker(signer.name, signer.id, sp.start, sp.end, "first-person", _CONFIDENCE["first-person"])
        resolved[k] = sp
        if sp is not None and sp.resolution != "unresolved":
            last, last_end = sp, f.end
        cue = Cue(f.cue[0], f.cue[1], an.text[f.cue[0] : f.cue[1]]) if f.cue else None
        continued = f.marked is not None and an.marked[f.marked].continued
        drafts[k] = QuoteDraft(f.start, f.end, f.kind, cue, sp, line_of(lines, f.start), continued)
    _carry_back(an, order, drafts)
    for k, d in drafts.items():
        f = an.found[k]
        if f.nested_in is not None:
            d.container = drafts.get(f.nested_in)
        if f.extra.get("follows") is not None:
            d.follows = drafts.get(f.extra["follows"])
    return assemble(list(drafts.values()), an.text)


def _carry_back(an: Reader, order: list[int], drafts: dict[int, QuoteDraft]) -> None:
    """A quotation over several paragraphs (the mark reopens on each) is often attributed only
    in a later paragraph (``«P1.`` / ``«P2», — сказал X.``): an earlier paragraph left without
    a speaker takes the speaker of the paragraph that continues it, as a continuation."""
    by_marked = {an.found[k].marked: k for k in order if k in drafts and an.found[k].marked is not None}
    for k in reversed(order):
        d = drafts.get(k)
        f = an.found[k]
        if d is None or f.marked is None or not an.marked[f.marked].continued:
            continue
        if d.speaker is not None and d.speaker.resolution != "unresolved":
            continue
        nxt = next((n for n in range(f.marked + 1, len(an.marked)) if an.marked[n].depth == 0), None)
        later = drafts.get(by_marked.get(nxt, -1))
        sp = later.speaker if later is not None else None
        if sp is not None and sp.resolution != "unresolved" and sp.name:
            d.speaker = Speaker(sp.name, sp.entity_id, None, None, "continuation", _CONFIDENCE["continuation"],
                                sp.on_behalf_of)


def _signer(an: Reader) -> Entity | None:
    """The person who signs the text: its last line is a short name line (``Кирсан Илюмжинов
    Президент ФИДЕ``) with no sentence in it."""
    lines = [ln for ln in an.text.rstrip().splitlines() if ln.strip()]
    if len(lines) < 3:
        return None
    last = lines[-1].strip()
    if len(last.split()) > 8 or last[-1:] in ".!?…»\"":
        return None
    start = an.text.rstrip().rfind(last)
    for e in an.ents:
        if e.type == "PERSON" and any(start <= m.start < start + len(last) for m in e.mentions):
            return e
    return None


def _near(an: Reader, prev_end: int, start: int) -> bool:
    # Same or next paragraph.
    return an.text.count("\n\n", prev_end, start) <= 1 and start - prev_end < 1500


def speaker(an: Reader, f: Found) -> Speaker | None:
    """The speaker of a found quote; None when its source phrase names no one who can speak
    (then it is no quote)."""
    if f.speaker is None:
        return Speaker(None, None, None, None, "unresolved", _CONFIDENCE["unresolved"])
    s, e = f.speaker
    toks = an.tokens_in(s, e)
    head = an.doc.tokens[f.head] if f.head is not None else (toks[0] if toks else None)
    if head is not None and head.pos in {"VERB", "AUX"} and first_person(head):
        return Speaker(None, None, s, e, "first-person", _CONFIDENCE["first-person"])
    if head is not None and head.pos == "PROPN" and is_common_noun(head.text):
        head = replace(head, pos="NOUN")  # "Канцлер считает …": a capital opening the sentence
    ent, principal = _named(an, toks, head)
    behalf = Ref(principal.name, principal.id) if principal is not None else None
    if ent is not None:
        return Speaker(ent.name, ent.id, s, e, "named", _CONFIDENCE["named"], behalf)
    if behalf is not None:
        # "пресс-служба Кремля", "представители Walt Disney": the description speaks, for the body.
        return Speaker(an.text[s:e], None, s, e, "nominal", _CONFIDENCE["nominal"] - 0.2, behalf)
    word = head.text.lower() if head else ""
    if word in FIRST_PERSON:
        return Speaker(None, None, s, e, "first-person", _CONFIDENCE["first-person"])
    if word in _PRONOUN_FORMS and len(toks) == 1:
        if _PRONOUN_FORMS[word] == "Plur":
            group = _group_antecedent(an, s)
            if group is not None:
                return Speaker(an.text[group[0]:group[1]], None, s, e, "pronoun", _CONFIDENCE["pronoun"] - 0.2)
        person = _antecedent(an, s, _PRONOUN_FORMS[word])
        if person is None:
            return Speaker(None, None, s, e, "unresolved", _CONFIDENCE["unresolved"])
        return Speaker(person.name, person.id, s, e, "pronoun", _CONFIDENCE["pronoun"])
    if head is not None and not _can_speak(an, toks, head):
        return None
    if head is not None and (head.lemma in _AUTHOR_NOUNS or head.lemma in _DOCUMENTS):
        authors = _document_authors(an, head, s)
        if authors is not None:
            return Speaker(an.text[authors[0]:authors[1]], None, s, e, "nominal", _CONFIDENCE["nominal"] - 0.2)
    if head is not None and head.pos in {"NOUN", "ADJ", "PRON", "NUM", "DET"} and head.feats.get("Number") != "Plur":
        # a plural description ("Инженеры говорят") is a group, not the one engineer named
        person = _titled(an, s, head.lemma)
        if person is not None:
            return Speaker(person.name, person.id, s, e, "nominal", _CONFIDENCE["nominal"])
        person = _described(an, f, toks, head)
        if person is not None:
            return Speaker(person.name, person.id, s, e, "nominal", _CONFIDENCE["nominal"] - 0.15)
    if head is not None and head.lemma in SPEAKING_BODIES and head.feats.get("Case") == "Loc" and toks \
            and head.i == toks[0].i:
        # "— говорится в обращении учителей": the document named in the nominative
        return Speaker(_nominative(head) + an.text[head.end:e], None, s, e, "nominal", _CONFIDENCE["nominal"] - 0.2)
    return Speaker(an.text[s:e], None, s, e, "nominal", _CONFIDENCE["nominal"] - 0.2)


# Offices: a description by office is resolved only to someone the text gives that office
# (the "президент" of one sentence need not be the person most written about).
_OFFICES = frozenset(
    """
    президент премьер премьер-министр министр замминистра канцлер губернатор мэр глава
    председатель зампред директор гендиректор спикер посол прокурор генпрокурор судья генсек
    секретарь руководитель начальник командующий заместитель вице-премьер вице-президент
    """.split()
)
# Words that make a description someone new to the story ("другой эксперт", "один из депутатов").
_NEW_PERSON = frozenset("другой один некий некоторый какой-то очередной ещё еще иной".split())


def _described(an: Reader, f: Found, toks: list[RuToken], head: RuToken) -> Entity | None:
    """The person a bare description stands for (``по словам политика``, ``заметил
    оппозиционер``, ``актриса попросила``): the most written-about person of the text whose
    gender agrees (a feminine noun or a verb's past-tense ending says it), when the noun is a
    singular person noun that is not an office and nothing marks the person as new."""
    if head.pos != "NOUN" or head.feats.get("Animacy") != "Anim" or head.feats.get("Number") == "Plur":
        return None
    if head.lemma in _OFFICES or head.lemma in REPRESENTATIVE_NOUNS or any(t.lemma in _NEW_PERSON for t in toks):
        return None
    gender = "Fem" if head.feats.get("Gender") == "Fem" else None
    if f.cue is not None:
        cue = an.doc.token_at(f.cue[0])
        if cue is not None and an.doc.tokens[cue].feats.get("Gender") in {"Masc", "Fem"}:
            gender = an.doc.tokens[cue].feats["Gender"]
    best, best_key = None, None
    for ent in an.ents:
        if ent.type != "PERSON" or not ent.mentions:
            continue
        genders = {_gender(an, m) for m in ent.mentions} - {None}
        if gender and genders and gender not in genders:
            continue
        key = (len(ent.mentions), -min(abs(m.start - toks[0].start) for m in ent.mentions))
        if best_key is None or key > best_key:
            best, best_key = ent, key
    return best


# "авторы письма", "подписанты обращения": those who wrote a document the text names.
_AUTHOR_NOUNS = frozenset("автор подписант составитель".split())
# Documents someone writes and sends, and the verbs that say who did.
_DOCUMENTS = frozenset("письмо обращение послание петиция заявление открытка телеграмма".split())
_AUTHORING_VERBS = frozenset(
    """
    обратиться обращаться направить направлять написать писать подписать подписывать отправить
    отправлять опубликовать публиковать подготовить готовить составить составлять выпустить
    распространить подать
    """.split()
)


def _nominative(t: RuToken) -> str:
    """A noun in the nominative of its number, as pymorphy2 inflects it (``обращении`` →
    ``обращение``); the word as written when it cannot."""
    from pymorphy2.analyzer import Parse

    for p in models()["vocab"].parse(t.text.lower()):
        if "NOUN" in p.tag:
            form = Parse.inflect(p, {"nomn", "plur" if t.feats.get("Number") == "Plur" else "sing"})
            if form is not None:
                word = form.word
                return word[:1].upper() + word[1:] if t.text[:1].isupper() else word
    return t.text


def _document_authors(an: Reader, head: RuToken, before: int) -> tuple[int, int] | None:
    """``Авторы письма попросили …``, ``— говорится в письме``: the subject of an earlier
    clause in which the text has them write, send or address with that document (``X
    обратились с открытым письмом``, ``X направили письмо``), as written; None when it does
    not say (``министр получил письмо`` names a reader, not its authors)."""
    doc = an.doc
    if head.lemma in _DOCUMENTS:
        lemma = head.lemma
    else:
        docs = [c for c in doc.children(head.i) if c.rel == "nmod" and c.feats.get("Case") == "Gen"]
        if not docs:
            return None
        lemma = docs[0].lemma
    k = doc.token_at(before)
    for t in reversed(doc.tokens[: k if k is not None else 0]):
        if t.lemma != lemma or t.head < 0:
            continue
        verb = doc.tokens[t.head]
        subj = next((c for c in doc.children(verb.i) if c.rel in {"nsubj", "nsubj:pass"}), None)
        if verb.pos not in {"VERB", "AUX"} or verb.lemma not in _AUTHORING_VERBS or subj is None \
                or subj.pos not in {"NOUN", "PROPN"}:
            continue
        sent = doc.sents[subj.sent]
        span = an.phrase(subj.i, sent.start, sent.end)
        if span is not None:
            return span
    return None


def _group_antecedent(an: Reader, before: int) -> tuple[int, int] | None:
    """``их``/``они`` after a group that spoke: the nearest plural person or group subject in
    this or the two sentences before (``Об этом рассказали несколько участников заседания. По
    их словам, …``), as written."""
    k = an.doc.token_at(before)
    if k is None:
        return None
    first = an.doc.sents[max(an.doc.tokens[k].sent - 2, 0)].first
    for t in reversed(an.doc.tokens[first:k]):
        if t.rel not in {"nsubj", "nsubj:pass"}:
            continue
        noun = t if t.pos == "NOUN" else next((c for c in an.doc.children(t.i) if c.pos == "NOUN"), None)
        if noun is None or noun.feats.get("Animacy") != "Anim" or noun.feats.get("Number") != "Plur":
            continue
        span = an.phrase(t.i, an.doc.sents[t.sent].start, an.doc.sents[t.sent].end)
        if span is not None:
            return span
    return None


# Links inside a noun phrase that name the same referent as the word they hang on
# ("пресс-секретарь [Дмитрий Песков]", "[Владимир] Путин").
_SAME = frozenset({"appos", "flat", "flat:name", "flat:foreign"})


def _named(an: Reader, toks: list[RuToken], head: RuToken | None) -> tuple[Entity | None, Entity | None]:
    """The entity a speaker phrase names, and the one it speaks for.

    The speaker is the phrase's head or a name in apposition to it (``пресс-секретарь
    Владимира Путина Дмитрий Песков`` → Peskov); a name hung on the head or its apposition as a
    genitive (``nmod``) is someone else — the party a spokesperson speaks for when the role is a
    representative's (``пресс-секретарь``, ``представитель``, ``пресс-служба``), otherwise just a
    modifier (``глава Минэкономразвития``).  Without a parse link to follow, the first person
    named in the phrase, else the first entity."""
    inside = {t.i for t in toks}
    ents = [an.tok_ent[t.i] for t in toks if t.i in an.tok_ent]
    if head is None or head.i not in inside:
        persons = [x for x in ents if x.type == "PERSON"]
        return ((persons or ents)[0] if ents else None), None
    same, owners = [head], []
    todo = [head]
    while todo:
        t = todo.pop()
        for c in an.doc.children(t.i):
            if c.i not in inside:
                continue
            if c.rel in _SAME:
                same.append(c)
                todo.append(c)
            elif c.rel == "nmod" and c.feats.get("Case", "Gen") == "Gen" and _nounish(t):
                owners.append((t, c))
    if head.i in an.tok_ent:
        named = [an.tok_ent[head.i]]
    else:
        # Two names in apposition to a role in a genitive chain (``пресс-секретаря Владимира
        # Путина Дмитрия Пескова``): the holder's name comes last, the principal's first.
        named = [an.tok_ent[t.i] for t in sorted(same, key=lambda t: -t.i) if t.i in an.tok_ent]
        named = list(dict.fromkeys(named))
        named.sort(key=lambda x: x.type != "PERSON")
        owners += [(head, t) for t in same[1:] if t.i in an.tok_ent and named
                   and an.tok_ent[t.i] is not named[0] and t.rel == "appos"]
    principal = next((an.tok_ent[c.i] for r, c in owners if r.lemma in REPRESENTATIVE_NOUNS
                      and c.i in an.tok_ent), None)
    if named and head.i not in an.tok_ent and head.lemma in REPRESENTATIVE_NOUNS and named[0].type != "PERSON":
        # "представители Walt Disney": the representatives speak, for the company
        return None, named[0]
    if named:
        return named[0], principal if principal is not named[0] else None
    # A description whose names are all someone else's (``адвокат жены Иванова``,
    # ``пресс-служба Федерации бобслея России``) is the speaker itself.
    return None, principal


def _nounish(t: RuToken) -> bool:
    """A common noun, also when the tagger calls a capitalised one a proper noun."""
    return t.pos == "NOUN" or t.pos == "PROPN" and is_common_noun(t.text)


def _can_speak(an: Reader, toks: list[RuToken], head: RuToken) -> bool:
    """Whether a phrase with no entity in it can be a source: a person or group (an animate
    noun or a personal pronoun), or a body, outlet or document that speaks
    (:data:`~clipfile.lang.ru.lexicon.SPEAKING_BODIES`).  ``Эти цифры говорят о том, что …``,
    ``Вопросы …``, ``Уважаемые …`` are nobody."""
    if head.pos in {"PRON", "DET", "NUM"}:
        # "он", "та", "один из ректоров", "многие"; not "это", "то", "всё"
        return head.text.lower() not in {"это", "то", "всё", "все", "что", "оно", "это"}
    if head.pos == "X":
        return head.text[:1].isupper() or head.text[:1].isascii()  # "NEWSru.com", "Reuters"
    if head.pos in {"NOUN", "PROPN"}:
        if head.feats.get("Animacy") == "Anim" or head.pos == "PROPN" and head.text[:1].isupper() \
                or animate_noun(head):  # "читательницы", tagged inanimate
            return True
        return head.lemma in SPEAKING_BODIES or any(t.lemma in SPEAKING_BODIES for t in toks if t.pos == "NOUN")
    # an adjective or participle used as a noun: "опрошенные", "собравшиеся"
    return head.pos in {"ADJ", "VERB"} and head.feats.get("Number") == "Plur" and head.text[:1].islower()


def _antecedent(an: Reader, before: int, gender: str) -> Entity | None:
    best, best_pos = None, -1
    for e in an.ents:
        if e.type != "PERSON" or gender in {"Neut"}:
            continue
        for m in e.mentions:
            if m.end <= before and m.start > best_pos:
                if gender in {"Masc", "Fem"} and _gender(an, m) not in {None, gender}:
                    continue
                best, best_pos = e, m.start
    return best


def _titled(an: Reader, before: int, lemma: str) -> Entity | None:
    """The last person introduced with the title ``lemma`` (министр ... Шойгу), else — in a
    headline or lead that names them only later — the first one after.  The title agrees in
    case with the name (``муж актрисы Сергей Сенин`` does not make Senin the actress)."""
    best, best_pos = None, -1
    after, after_pos = None, len(an.text)
    for e in an.ents:
        if e.type != "PERSON":
            continue
        for m in e.mentions:
            toks = an.tokens_in(m.start, m.end)
            if not toks:
                continue
            window = an.doc.tokens[max(toks[0].i - 6, an.doc.sents[toks[0].sent].first) : toks[0].i]
            # the title in the name's own noun phrase: no verb or comma between them
            titles = [k for k, t in enumerate(window) if t.lemma == lemma and not _of_someone(an, t)]
            if not any(not any(t.pos in {"VERB", "AUX"} or t.text in ",;:—–" for t in window[k + 1:])
                       for k in titles):
                continue
            if m.end <= before and m.start > best_pos:
                best, best_pos = e, m.start
            elif m.start >= before and m.start < after_pos:
                after, after_pos = e, m.start
    return best or after


def _of_someone(an: Reader, t: RuToken) -> bool:
    """A title that is a genitive of another person noun (``муж [актрисы] Сергей Сенин``):
    it describes someone else, not the name after it."""
    if t.rel != "nmod" or t.head < 0:
        return False
    h = an.doc.tokens[t.head]
    return h.pos == "NOUN" and h.feats.get("Animacy") == "Anim" and h.i < t.i


def _gender(an: Reader, m) -> str | None:
    toks = an.tokens_in(m.start, m.end)
    for t in reversed(toks):
        g = t.feats.get("Gender")
        if g:
            return g
    return None
