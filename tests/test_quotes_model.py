"""The learned keep-or-drop decision over reported-speech candidates (report_model.json):
it loads as package data, is small, and admits constructions the hand rules leave out.
Fictional sentences written for these tests."""
from __future__ import annotations

from importlib import resources

import pytest

from clipfile.lang.en.entities import entities
from clipfile.lang.en.quotes import attributions, quotes
from clipfile.lang.en.report_model import MODEL_FILE, ReportModel, load_model


@pytest.fixture(scope="module")
def nlp():
    from clipfile.lang.en.parse import english

    return english()


def run(nlp, text, **kw):
    """Quotes and stances together: the model decides over both (PolNeAR annotates both)."""
    doc = nlp(text)
    found, stances = attributions(doc, entities(doc), **kw)
    qs = sorted([*found, *stances], key=lambda q: (q.start, -q.end))
    for q in qs:
        assert text[q.start:q.end] == q.text
        if q.cue is not None:
            assert text[q.cue.start:q.cue.end] == q.cue.text
        if q.speaker is not None and q.speaker.start is not None:
            assert 0 <= q.speaker.start < q.speaker.end <= len(text)
    return qs


def at(text, fragment):
    i = text.index(fragment)
    return i, i + len(fragment)


def test_model_file_is_package_data_and_small():
    res = resources.files("clipfile.lang.en").joinpath(MODEL_FILE)
    assert res.is_file()
    assert len(res.read_bytes()) < 200_000
    m = load_model()
    assert isinstance(m, ReportModel) and len(m.weights) > 100
    assert 0 < m.rule_threshold <= 1 and 0 < m.threshold <= 1
    # the round trip keeps every weight
    again = ReportModel.from_json(m.to_json())
    assert again.weights == m.weights and again.threshold == m.threshold


def test_model_is_used_by_default(nlp):
    text = "Governor Tomas Vell supported the harbour expansion plan.\n"
    assert not [q for q in run(nlp, text, model=None) if q.kind != "direct"]  # the rules alone
    trace: list = []
    qs = run(nlp, text, trace=trace)
    assert trace and all(0.0 <= p <= 1.0 for _r, _k, _f, p in trace)
    q = next(q for q in qs if q.text == "the harbour expansion plan")
    assert (q.start, q.end) == at(text, "the harbour expansion plan")
    assert q.kind == "object" and q.cue.text == "supported"  # a stance, not a quote
    assert q.speaker.name == "Tomas Vell" and q.speaker.resolution == "named"
    assert text[q.speaker.start:q.speaker.end] == "Governor Tomas Vell"


def test_passive_with_agent_is_a_stance_on_the_subject(nlp):
    text = "Mira Okon has been endorsed by the teachers union.\n"
    q = next(q for q in run(nlp, text) if q.kind == "object")
    assert (q.start, q.end) == at(text, "Mira Okon")
    assert q.cue.text == "endorsed"
    assert text[q.speaker.start:q.speaker.end] == "the teachers union"


def test_source_noun_phrase_before_the_clause(nlp):
    text = "Councillor Ines Marr wrote a letter. In the letter, Marr urged the port to delay the dredging.\n"
    qs = run(nlp, text)
    q = next(q for q in qs if q.cue is not None and q.cue.text == "In")
    assert (q.start, q.end) == at(text, "Marr urged the port to delay the dredging")
    assert q.kind == "indirect" and text[q.speaker.start:q.speaker.end] == "the letter"
    inner = next(q for q in qs if q.cue is not None and q.cue.text == "urged")
    # the object-predicate convention ("called Y a Z"): the object belongs to the content
    assert inner.text in ("to delay the dredging", "the port to delay the dredging") and inner.nested_in == q.id
    assert inner.speaker.name == "Ines Marr"


def test_narrative_objects_are_not_attributions(nlp):
    text = "The ferry left the harbour at dawn and the crew loaded the cargo.\n"
    assert not [q for q in run(nlp, text) if q.kind != "direct"]


# --- the model file and the code's features must not drift apart ------------------------------

_DRIFT = "the code's features and report_model.json have drifted apart: retrain with `make model`"


def test_model_file_records_the_code_features_and_the_parser():
    from clipfile.lang.en.parse import model_version
    from clipfile.lang.en.report_model import feature_fingerprint

    meta = load_model().meta
    assert meta.get("features") == feature_fingerprint(), _DRIFT
    assert meta.get("parser") == model_version(), "the spaCy model changed since training: " + _DRIFT


def test_every_weight_belongs_to_a_declared_family():
    from clipfile.lang.en.report_model import REPORT_FAMILIES, feature_family
    from clipfile.lang.en.span_choice import SPAN_FAMILIES, SPAN_VARIANTS

    m = load_model()
    assert {feature_family(w) for w in m.weights} <= REPORT_FAMILIES, _DRIFT
    for w in m.span_weights:
        variant, _, rest = w.partition("|")
        assert variant in SPAN_VARIANTS, _DRIFT
        assert not rest or feature_family(rest) in SPAN_FAMILIES, _DRIFT


_FEATURE_TEXT = (
    "Harbour master Ines Marlow said on Tuesday that the quay would open in March, although the "
    "council doubts it. \u201cWe are ready,\u201d she told reporters. Critics accused the board of "
    "hiding the costs, and the mayor, who called the plan reckless, expects the vote to fail.\n"
    "According to the minutes, the board is sure the dredging will finish by June. Her deputy seems "
    "unconvinced. Officials are expected to announce a delay, which the union says it will oppose.\n"
)


def test_the_code_emits_only_declared_families_and_bins(nlp):
    from clipfile.lang.en.report_model import REPORT_BINS, REPORT_FAMILIES, feature_family
    from clipfile.lang.en.span_choice import SPAN_BINS, SPAN_FAMILIES, SPAN_VARIANTS, variants

    doc = nlp(_FEATURE_TEXT)
    trace: list = []
    quotes(doc, entities(doc), trace=trace)
    assert trace, "no candidates to read features from"

    def check(feats, families, bins):
        for f in feats:
            fam = feature_family(f)
            assert fam in families, f"feature family {fam!r} is not declared: {_DRIFT}"
            if fam in bins:
                edges = bins[fam]
                assert f.split("=", 1)[1] in {str(e) for e in edges} | {f">{edges[-1]}"}, (f, _DRIFT)

    para_starts = [0] + [i + 1 for i, ch in enumerate(_FEATURE_TEXT) if ch == "\n"]
    for r, _kind, feats, _p in trace:
        check(feats, REPORT_FAMILIES, REPORT_BINS)
        for v in variants(r, doc, _FEATURE_TEXT, [], para_starts):
            assert v.name in SPAN_VARIANTS, _DRIFT
            check([f.partition("|")[2] for f in v.feats if "|" in f], SPAN_FAMILIES, SPAN_BINS)
