"""Claims and their footing, on short fictional news text written for these tests."""
from __future__ import annotations

import pytest

from clipfile.analysis.claims import certainty, claims
from clipfile.analysis.markers import find_markers
from clipfile.lang.en.markers import LEXICON, MARKERS
from clipfile.lang.en.parse import english
from clipfile.lang.ru.markers import LEXICON as RU_LEXICON

from _factfix import by_name, make_entities, make_quote


@pytest.fixture(scope="module")
def nlp():
    return english()


def check_offsets(text, items):
    for c in items:
        assert text[c.start:c.end] == c.text
        for m in c.markers:
            assert text[m.start:m.end] == m.text


def run(nlp, text, people, others=None, quotes=()):
    doc = nlp(text)
    ents = make_entities(text, people, others)
    qs = [make_quote(text, f"q{i}", content, by_name(ents, who)) for i, (content, who) in enumerate(quotes, 1)]
    found = claims(doc, ents, qs, lang="en")
    check_offsets(text, found)
    return found, ents


def claim_with(found, fragment):
    hits = [c for c in found if fragment in c.text]
    assert hits, f"no claim containing {fragment!r}: {[c.text for c in found]}"
    return hits[0]


@pytest.mark.parametrize(
    "sentence, status, marker",
    [
        ("Mayor Lena Ostrova closed the harbour bridge on Monday.", "asserted", None),
        ("Mayor Lena Ostrova may have closed the harbour bridge to punish the ferry union.", "hedged", "may"),
        ("Mayor Lena Ostrova reportedly closed the harbour bridge without a council vote.", "hearsay", "reportedly"),
        ("Mayor Lena Ostrova allegedly took a bribe from the ferry company.", "hearsay", "allegedly"),
        ("It is thought that Mayor Lena Ostrova took a bribe from the ferry company.", "hedged", "thought"),
        ("Sources say Mayor Lena Ostrova took a bribe from the ferry company.", "hearsay", "Sources say"),
        ("Court records show that Mayor Lena Ostrova took a bribe from the ferry company.", "evidenced", "records show"),
        ("Auditors confirmed that Mayor Lena Ostrova spent the reserve fund.", "evidenced", "confirmed"),
        ("The report that Mayor Lena Ostrova owns a hotel could not be verified.", "unsupported", "could not be verified"),
        ("Mayor Lena Ostrova took a bribe, a rival said without evidence.", "unsupported", "without evidence"),
    ],
)
def test_status_from_markers_in_the_sentence(nlp, sentence, status, marker):
    found, _ = run(nlp, sentence, {"Lena Ostrova": 1})
    assert len(found) == 1
    c = found[0]
    assert c.status == status
    assert c.subject is not None and c.subject.name == "Lena Ostrova"
    assert c.source is None  # the author's own narration
    if marker is None:
        assert c.markers == ()
    else:
        assert marker in [m.text for m in c.markers]
        assert any(m.kind == status for m in c.markers)
    assert 0.0 <= c.certainty <= 1.0


def test_quote_claims_carry_speaker_and_quote_id(nlp):
    text = ('Councillor Piet Hanno spoke on Friday. "I was told by a clerk that Lena Ostrova '
            'moved the money abroad," Hanno said.')
    found, ents = run(nlp, text, {"Lena Ostrova": 1, "Piet Hanno": 1},
                      quotes=[("I was told by a clerk that Lena Ostrova moved the money abroad,", "Piet Hanno")])
    c = claim_with(found, "moved the money")
    assert c.quote_id == "q1"
    assert c.source.name == "Piet Hanno" and c.source.entity_id == by_name(ents, "Piet Hanno").id
    assert c.subject.name == "Lena Ostrova"
    assert c.status == "hearsay"


def test_later_no_evidence_reaches_the_speakers_claims_two_facets(nlp):
    text = ('Councillor Piet Hanno attacked the mayor. "I have heard that Lena Ostrova hid the '
            'ledgers in her garage. She has lied to the council for years." '
            'The weather was cold. Hanno produced no evidence to support these claims.')
    found, _ = run(nlp, text, {"Lena Ostrova": 1, "Piet Hanno": 1},
                   quotes=[("I have heard that Lena Ostrova hid the ledgers in her garage. "
                            "She has lied to the council for years.", "Piet Hanno")])
    hid = claim_with(found, "hid the ledgers")
    lied = claim_with(found, "lied to the council")
    # Two facets: status is the weakest footing, markers keep both.
    assert hid.status == "unsupported"
    assert {m.kind for m in hid.markers} >= {"hearsay", "unsupported"}
    assert lied.status == "unsupported"
    comment = next(m for m in hid.markers if m.kind == "unsupported")
    assert comment.start > hid.end  # the marker is in the later sentence
    assert hid.certainty < claim_with(found, "attacked").certainty
    # The comment sentence is not itself a claim.
    assert not any("produced no evidence" in c.text for c in found)


def test_topic_of_the_back_reference_selects_the_claim(nlp):
    text = ('"Lena Ostrova hid the ledgers. Lena Ostrova sold the ferry licences to her cousin," '
            'Piet Hanno said. Hanno offered no proof of the licence sales.')
    found, _ = run(nlp, text, {"Lena Ostrova": 1, "Piet Hanno": 1},
                   quotes=[("Lena Ostrova hid the ledgers. Lena Ostrova sold the ferry licences to her cousin,",
                            "Piet Hanno")])
    assert claim_with(found, "hid the ledgers").status == "asserted"
    assert claim_with(found, "sold the ferry licences").status == "unsupported"


def test_later_denial_reaches_the_claim(nlp):
    text = ('The Gazette reported that Lena Ostrova met the ferry owners in secret. '
            'Ostrova denied the report on Tuesday.')
    found, _ = run(nlp, text, {"Lena Ostrova": 1}, {"Gazette": "ORG"})
    c = claim_with(found, "met the ferry owners")
    assert c.status == "denied"
    assert any(m.text == "denied" and m.start > c.end for m in c.markers)
    assert not any(x.text.startswith("Ostrova denied") for x in found)


def test_later_dispute_with_pronoun_object(nlp):
    text = ('Piet Hanno says Lena Ostrova sold the ferry licences. The ferry union disputed that '
            'on Tuesday.')
    found, _ = run(nlp, text, {"Lena Ostrova": 1, "Piet Hanno": 1})
    assert claim_with(found, "sold the ferry licences").status == "disputed"


def test_content_clause_is_not_a_back_reference(nlp):
    text = ('Lena Ostrova sold the ferry licences. Piet Hanno rejected suggestions that the port '
            'was for sale.')
    found, _ = run(nlp, text, {"Lena Ostrova": 1, "Piet Hanno": 1})
    assert claim_with(found, "sold the ferry licences").status == "asserted"


def test_questions_requests_and_forecasts_are_not_claims(nlp):
    text = ('Did Lena Ostrova sell the licences? Lena Ostrova will open the bridge next week. '
            'Lena Ostrova should resign.')
    found, _ = run(nlp, text, {"Lena Ostrova": 1})
    assert found == []


def test_certainty_orders_statements():
    plain = certainty("The vaccine reduced infections by half.")
    hedged = certainty("The vaccine may possibly reduce infections.")
    evidenced = certainty("Trials showed that the vaccine reduced infections by half.")
    hearsay = certainty("I was told the vaccine reduced infections.")
    assert hedged < plain < evidenced
    assert hearsay < plain
    for value in (plain, hedged, evidenced, hearsay):
        assert 0.0 <= value <= 1.0


def test_certainty_accepts_spans(nlp):
    doc = nlp("The bridge might collapse. The bridge collapsed.")
    first, second = list(doc.sents)
    assert certainty(first) < certainty(second)


def test_markers_are_per_language_and_longest_wins():
    assert "hedged" in MARKERS
    text = "It could not be independently confirmed."
    assert find_markers(text, RU_LEXICON) == []
    found = find_markers(text, LEXICON, offset=10)
    assert [(m.text, m.kind) for m, _ in found] == [("could not be independently confirmed", "unsupported")]
    m = found[0][0]
    assert ("x" * 10 + text)[m.start:m.end] == m.text



def test_seed_article_claims(nlp, seed_text):
    quotes_mod = pytest.importorskip("clipfile.lang.en.quotes")
    from clipfile.lang.en.entities import entities

    text = seed_text
    doc = nlp(text)
    ents = entities(doc)
    found = claims(doc, ents, quotes_mod.quotes(doc, ents), lang="en")
    check_offsets(text, found)
    homo = [c for c in found if "homosexual relations" in c.text]
    assert homo, "the homosexuality claim was not found"
    kinds = {m.kind for m in homo[0].markers}
    assert homo[0].status == "unsupported" and {"hearsay", "unsupported"} <= kinds
    nov = [c for c in found if "novichok" in c.text]
    assert nov and nov[0].status == "evidenced"
