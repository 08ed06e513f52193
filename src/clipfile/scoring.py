"""Scoring resolved forecasts: Brier score and calibration table.

Pure functions over ``(probability, outcome)`` pairs, where ``probability`` is the forecast's
probability in [0, 1] and ``outcome`` is True when the predicted event happened.

* Brier score (Brier, 1950): the mean of ``(p - o)^2`` with ``o`` = 1 or 0.  0 is perfect, 0.25
  is what always saying 50% earns, 1 is always confidently wrong.
* Calibration: forecasts are grouped into equal-width probability bins; for each bin, the mean
  forecast probability is set beside the observed frequency of the event.  A calibrated
  forecaster's 70% forecasts come true about 70% of the time.
"""
from __future__ import annotations

from collections.abc import Iterable

__all__ = ["brier", "calibration"]


def _checked(pairs: Iterable[tuple[float, bool]]) -> list[tuple[float, bool]]:
    out = []
    for p, o in pairs:
        p = float(p)
        if not 0.0 <= p <= 1.0:
            raise ValueError(f"probability {p} is outside [0, 1]")
        out.append((p, bool(o)))
    return out


def brier(pairs: Iterable[tuple[float, bool]]) -> float:
    """Mean squared difference between forecast probability and outcome (0 best, 1 worst).

    Raises:
        ValueError: when there are no pairs or a probability is outside [0, 1].
    """
    data = _checked(pairs)
    if not data:
        raise ValueError("no resolved forecasts to score")
    return sum((p - (1.0 if o else 0.0)) ** 2 for p, o in data) / len(data)


def calibration(pairs: Iterable[tuple[float, bool]], *, bins: int = 5) -> list[dict]:
    """Calibration table: one row per probability bin.

    Bins are equal-width over [0, 1]; the last bin includes 1.0.  Each row has ``low``,
    ``high`` (the bin range), ``n`` (forecasts in the bin), ``mean_forecast`` and
    ``observed`` (fraction that came true); the last two are None for an empty bin.
    """
    if bins < 1:
        raise ValueError("bins must be at least 1")
    data = _checked(pairs)
    rows = []
    for b in range(bins):
        low, high = b / bins, (b + 1) / bins
        inside = [
            (p, o) for p, o in data
            if low <= p < high or (b == bins - 1 and p == 1.0)
        ]
        n = len(inside)
        rows.append(
            {
                "low": round(low, 6),
                "high": round(high, 6),
                "n": n,
                "mean_forecast": sum(p for p, _ in inside) / n if n else None,
                "observed": sum(1 for _, o in inside if o) / n if n else None,
            }
        )
    return rows
