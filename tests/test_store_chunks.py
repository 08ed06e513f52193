"""The backend-neutral bookkeeping of a narrow filter's walk (:mod:`clipfile.store.chunks`)."""
from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from clipfile.store.chunks import newest_below


@given(st.sets(st.integers(1, 500)), st.none() | st.integers(0, 600), st.integers(0, 50))
def test_newest_below_is_an_index_walk_of_a_set_read_whole(keys: set[int], below: int | None, n: int) -> None:
    ordered = sorted(keys, reverse=True)
    expected = [k for k in ordered if below is None or k < below][:n]
    assert newest_below(ordered, below, n) == expected


def test_newest_below_goes_on_from_the_last_key_it_gave() -> None:
    ordered = list(range(100, 0, -3))
    walked, below = [], None
    while chunk := newest_below(ordered, below, 7):
        walked += chunk
        below = chunk[-1]
    assert walked == ordered
