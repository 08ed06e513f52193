"""Word lists for quotation cues: reporting and cognition verbs, titles, role nouns.

General English lexicon only; nothing here is keyed to a particular text.
"""
from __future__ import annotations

__all__ = [
    "SPEECH_VERBS",
    "COGNITION_VERBS",
    "REPORTING_VERBS",
    "OBJECT_CONTENT_VERBS",
    "DOBJ_CONTENT_VERBS",
    "PREDICATIVE_ADJECTIVES",
    "TITLE_NOUNS",
    "PERSON_NOUNS",
    "CCOMP_NON_REPORTING",
    "XCOMP_CONTENT_VERBS",
    "XCOMP_ADJECTIVES",
    "APPEARANCE_VERBS",
    "PREP_CONTENT",
    "PASSIVE_EPISTEMIC",
    "ACCUSATION_CUES",
    "QUESTION_CUES",
    "DIRECTIVE_VERBS",
    "FEMALE_NOUNS",
    "MALE_NOUNS",
    "SPOKESPERSON_NOUNS",
    "DOCUMENT_NOUNS",
]

# Verbs of judging and expecting that, in the passive, state a belief with no named holder:
# "X is expected to win", "X was seen as a concession", "X is widely considered the favourite".
PASSIVE_EPISTEMIC = frozenset("""
expect consider believe see view regard think say report rumor rumour deem project predict
describe portray perceive know estimate suppose presume suspect thought assume
""".split())

# Verbs of saying: their subject is a source, their complement is what was said.
SPEECH_VERBS = frozenset("""
say tell add note state declare claim assert insist argue explain warn predict suggest
announce report write tweet post reply respond answer ask acknowledge admit concede confirm
deny allege charge contend maintain recall remark observe comment complain boast brag
testify reveal disclose caution vow promise pledge threaten urge demand recommend propose
mention repeat reiterate emphasize emphasise stress conclude continue counter retort quip joke
joked concur agree disagree estimate indicate signal hint imply accuse blame praise criticize
criticise call describe dub label brand characterize characterise question wonder advise
order instruct request demand lament concede speculate assure inform notify point
reject dismiss dispute
fume bark shout yell scream exclaim snap sneer scoff growl gush marvel muse mutter whisper
thunder roar interject chime rant plead
""".split())

# Verbs of belief and thought: PolNeAR and the issue count these as attributions too.
COGNITION_VERBS = frozenset("""
believe think feel expect hope fear know suspect doubt reckon assume figure guess consider
find see view regard understand realize realise worry anticipate want wish imagine
""".split())

REPORTING_VERBS = SPEECH_VERBS | COGNITION_VERBS

# Verbs whose direct object (with an object predicate or to-infinitive) carries the content:
# "called him a stooge", "urged them to act", "expects Putin to order".
OBJECT_CONTENT_VERBS = frozenset("""
call dub label brand describe accuse urge expect ask want warn advise order tell
""".split())

# Verbs whose direct object is itself the reported content ("cited the poll", "accused
# Number 10 of ...", "praised her record"): PolNeAR-style attribution of stances.
DOBJ_CONTENT_VERBS = frozenset("""
cite praise criticize criticise defend endorse announce deny reject dismiss dispute propose
mention describe question condemn applaud welcome recommend predict acknowledge confirm
reveal demand promise pledge oppose favor favour back slam attack denounce tout highlight
reiterate repeat echo discuss express issue explain note tweet blast ignore consider detail
outline recount affirm stress prefer deem invoke recall declare name reference exploit post
mock decry lament hail laud write remind promote thank identify recognize recognise unveil
publish address
""".split())

# "X is sure that ...", "X is convinced ...": adjectives that report a belief; and an emotion
# about a clause ("X is angry that ...", "are furious they will ..."), which the real-news
# guidelines count as attributed too (issue #16).
PREDICATIVE_ADJECTIVES = frozenset("""
sure certain confident convinced aware worried afraid concerned hopeful skeptical sceptical
optimistic pessimistic adamant clear
angry furious upset annoyed irritated delighted pleased unhappy disappointed dismayed alarmed
frustrated surprised shocked astonished relieved proud satisfied outraged incensed
""".split())

# Role nouns that name a person by office; "the general" -> someone titled "General".
TITLE_NOUNS = {
    "general": {"gen", "gen.", "general"},
    "colonel": {"col", "col.", "colonel"},
    "major": {"maj", "maj.", "major"},
    "captain": {"capt", "capt.", "captain"},
    "admiral": {"adm", "adm.", "admiral"},
    "lieutenant": {"lt", "lt.", "lieutenant"},
    "sergeant": {"sgt", "sgt.", "sergeant"},
    "president": {"president", "pres."},
    "senator": {"sen", "sen.", "senator"},
    "governor": {"gov", "gov.", "governor"},
    "congressman": {"rep", "rep.", "representative", "congressman"},
    "congresswoman": {"rep", "rep.", "representative", "congresswoman"},
    "mayor": {"mayor"},
    "judge": {"judge"},
    "justice": {"justice"},
    "ambassador": {"ambassador"},
    "minister": {"minister"},
    "chancellor": {"chancellor"},
    "professor": {"prof", "prof.", "professor"},
    "doctor": {"dr", "dr.", "doctor"},
    "secretary": {"secretary"},
    "speaker": {"speaker"},
    "premier": {"premier"},
}

# Common nouns that denote people (heads of nominal speaker mentions).
PERSON_NOUNS = frozenset("""
official officer spokesman spokeswoman spokesperson man woman person leader chief head
director analyst expert source aide adviser advisor economist lawyer attorney candidate
politician lawmaker legislator diplomat agent spy veteran founder author writer journalist
reporter executive president chairman chairwoman minister secretary senator governor mayor
general colonel major captain admiral lieutenant sergeant commander judge justice professor
doctor scientist researcher activist critic supporter opponent resident witness victim
businessman businesswoman billionaire strategist consultant pollster campaigner organizer
prosecutor defector dissident defendant chancellor premier ambassador envoy negotiator
manager owner employee worker student teacher priest bishop congressman congresswoman
nominee incumbent challenger rival ally friend partner colleague father mother son daughter
wife husband brother sister member representative archbishop cardinal pope rabbi imam
""".split())

# Verbs whose clausal complement is not a report ("make sure that", "help them see"): any
# other verb with a clausal complement and a subject reports a statement, a thought or a
# finding ("the poll shows that ...", "she wondered whether ...").
CCOMP_NON_REPORTING = frozenset("""
make have get go do need ensure mean let be become keep take put come give use help try
happen turn seem appear look sound bet
""".split())

# Verbs of intention, attempt and stance with a to-infinitive content: "declined to say",
# "plans to call", "vowed to fight", "would like to see".
XCOMP_CONTENT_VERBS = frozenset("""
refuse decline seek plan expect ask vow promise intend decide urge pledge encourage call like
propose order support agree fail continue want hope claim consider design threaten aim prefer
choose offer tell convince persuade press demand advise warn invite instruct allow vote opt
""".split())

# Adjectives of readiness and will with a to-infinitive: "is willing to", "eager to".
XCOMP_ADJECTIVES = frozenset("""
willing eager reluctant determined unwilling ready anxious keen loath hesitant
""".split())

# Raising verbs of appearance: the author's judgement on the subject ("X seems to ...",
# "X appears uneasy"); annotated with the subject and the complement as the content.
APPEARANCE_VERBS = frozenset("seem appear look sound".split())

# (head lemma, preposition) pairs whose prepositional object is what is said, asked or
# judged: "accused X of ...", "asked about ...", "criticism of ...", "concerns about ...".
PREP_CONTENT = frozenset(tuple(p.split("/")) for p in """
accuse/of call/for refer/to ask/about respond/to describe/as see/as know/as criticize/for
criticise/for point/to speak/about speak/of comment/on comment/about rail/against ask/for
apologize/for apologise/for advocate/for praise/for slam/for blast/for blame/for cite/as
view/as portray/as assure/of warn/of warn/about complain/about argue/for argue/against
push/for worry/about talk/about think/about focus/on joke/about brag/about boast/about
lash/at testify/about reflect/on insist/on elaborate/on
question/about attack/on attack/against concern/about concern/over comment/about
request/for call/for statement/about statement/on story/about criticism/of criticism/on
response/to commitment/to reference/to need/for fear/of fear/about discussion/of view/of
idea/of claim/of claim/about critical/of supportive/of worried/about concerned/about
interested/in responsible/for opposition/to support/for complaint/about warning/about
warning/of message/of promise/of pledge/of questions/about remark/about remarks/about
allegation/of allegations/of accusation/of accusations/of praise/for demand/for calls/for
speech/on speech/about argument/for argument/against case/for case/against belief/in
confidence/in doubt/about doubts/about skeptical/of sceptical/of optimistic/about
pessimistic/about confident/of proud/of afraid/of angry/about upset/about
supporter/of supporters/of interest/in
""".split())

# Cues of a charge: the accused and the charge together state a proposition ("accused the
# government of lying", "allegations of fraud"), so the object is content, not a stance.
ACCUSATION_CUES = frozenset("""
accuse charge blame allege accusation allegation indict convict suspect
""".split())

# Cues of a question: a wh- or whether-clause after them is what was asked, not a statement.
QUESTION_CUES = frozenset("""
ask question wonder inquire enquire query probe investigate examine debate discuss consider
""".split())

# Verbs that direct someone to act ("challenged X to deny ...", "pressed them to resign"):
# with the addressee as their object, the to-infinitive is what was asked of them, reported
# like speech (the verbs of saying already count: urge, ask, order, tell ...).
DIRECTIVE_VERBS = frozenset("""
challenge dare invite encourage press implore beg exhort appeal call persuade convince
""".split())

# Nouns that say a person's sex: a description's pronoun must agree ("a spokeswoman …
# she said"), and a name in apposition takes it ("his wife, Sandra").
FEMALE_NOUNS = frozenset("""
woman spokeswoman chairwoman businesswoman congresswoman councilwoman sportswoman
policewoman wife mother daughter sister queen princess actress widow girl lady grandmother
aunt niece duchess countess baroness dame nun mum mom girlfriend fiancee bride heiress
""".split())
MALE_NOUNS = frozenset("""
man spokesman chairman businessman congressman councilman sportsman policeman husband
father son brother king prince widower boy grandfather uncle nephew duke earl count lord
monk dad boyfriend fiance groom heir
""".split())

# Nouns of someone who speaks for another: "a spokesman for X", "X's press secretary".
SPOKESPERSON_NOUNS = frozenset("""
spokesman spokeswoman spokesperson spokespeople spokesmen spokeswomen mouthpiece
""".split())

# Writings that say things ("the report said", "a new book claims"): their author or
# publisher is the source annotators name ("The NAO report said" -> the NAO; "a new book by
# X" -> X).
DOCUMENT_NOUNS = frozenset("""
report study survey poll book memoir biography letter statement paper memo document review
inquiry audit analysis article column editorial blog dossier leaflet manifesto
""".split())
