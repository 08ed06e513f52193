import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clipfile.scoring import brier, calibration

pairs_st = st.lists(st.tuples(st.floats(0.0, 1.0), st.booleans()), min_size=1, max_size=50)


def test_brier_known_values():
    assert brier([(1.0, True), (0.0, False)]) == 0.0
    assert brier([(1.0, False)]) == 1.0
    assert brier([(0.5, True), (0.5, False)]) == 0.25
    assert math.isclose(brier([(0.8, True), (0.3, False), (0.6, False)]), (0.04 + 0.09 + 0.36) / 3)


def test_brier_rejects_empty_and_out_of_range():
    with pytest.raises(ValueError):
        brier([])
    with pytest.raises(ValueError):
        brier([(1.2, True)])


@given(pairs_st)
def test_brier_is_bounded_and_hedging_never_scores_worse_than_a_quarter(pairs):
    assert 0.0 <= brier(pairs) <= 1.0
    assert brier([(0.5, o) for _, o in pairs]) == pytest.approx(0.25)


def test_calibration_table():
    pairs = [(0.1, False), (0.15, True), (0.9, True), (0.95, True), (1.0, False), (0.5, True)]
    rows = calibration(pairs, bins=5)
    assert [(r["low"], r["high"]) for r in rows] == [(0.0, 0.2), (0.2, 0.4), (0.4, 0.6), (0.6, 0.8), (0.8, 1.0)]
    assert [r["n"] for r in rows] == [2, 0, 1, 0, 3]
    assert rows[0]["mean_forecast"] == pytest.approx(0.125) and rows[0]["observed"] == 0.5
    assert rows[1]["mean_forecast"] is None and rows[1]["observed"] is None
    assert rows[4]["observed"] == pytest.approx(2 / 3)


@given(pairs_st, st.integers(1, 10))
def test_calibration_counts_every_pair_once(pairs, bins):
    rows = calibration(pairs, bins=bins)
    assert len(rows) == bins
    assert sum(r["n"] for r in rows) == len(pairs)
    for r in rows:
        if r["n"]:
            assert r["low"] - 1e-9 <= r["mean_forecast"] <= r["high"] + 1e-9
            assert 0.0 <= r["observed"] <= 1.0
