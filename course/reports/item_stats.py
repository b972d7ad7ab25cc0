"""Item statistics in the style of Moodle's quiz statistics report.

The statistics take a *wide* table: one row per learner who submitted the
assessment, one column per item, values in points (a missing value is an
item the learner was not given: it is left out, not counted as 0).

Facility index (of an item)
    F = mean(x) / max, the average share of the item's points earned
    (Moodle shows it as a percentage). Flagged below ``LOW_FACILITY`` (too
    hard, or a wrong key) or above ``HIGH_FACILITY`` (tells learners apart
    no better than a freebie).

Discrimination index (of an item)
    D = r(x, R), the Pearson correlation, over the learners, of the item's
    score x with the *rest of the test* score R = T - x (T the learner's
    total over every item in the table). Using R rather than T keeps the item
    from correlating with itself. This is Moodle's "discrimination index"
    (Moodle prints 100 D). Undefined (NaN) when x or R does not vary, or
    with fewer than 3 learners. Flagged below ``LOW_DISCRIMINATION``.

Cronbach's alpha (of a rating scale: a set of rating items)
    alpha = k / (k - 1) * (1 - sum(s_i^2) / s_T^2), with k items, s_i^2 the
    sample variance (n - 1 in the denominator) of item i and s_T^2 that of the
    learners' totals over the k items, counting only learners who gave a
    numeric rating on every item (listwise). Undefined (NaN) when k < 2,
    fewer than 2 such learners, or s_T^2 = 0.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

LOW_FACILITY = 0.2
HIGH_FACILITY = 0.95
LOW_DISCRIMINATION = 0.2
LOW_ALPHA = 0.7

#: Numeric values of each rating scale's levels; levels not listed (Not
#: Enough Information, Not Applicable) are missing, not low.
RATING_VALUES = {
    "competency": {"advanced": 3.0, "proficient": 2.0, "developing": 1.0},
    "agreement": {"strongly-agree": 5.0, "agree": 4.0, "neutral": 3.0, "disagree": 2.0, "strongly-disagree": 1.0},
}


def facility(scores: np.ndarray, max_points: float) -> float:
    """Mean of the scores given over the maximum (NaN when nobody answered or max is 0)."""
    if not len(scores) or not max_points:
        return math.nan
    return float(scores.mean() / max_points)


def _pearson(x: np.ndarray, y: np.ndarray) -> float:
    if len(x) < 3:
        return math.nan
    dx, dy = x - x.mean(), y - y.mean()
    denominator = math.sqrt(float((dx * dx).sum()) * float((dy * dy).sum()))
    if denominator == 0:
        return math.nan
    return float((dx * dy).sum() / denominator)


def rest_of_test(values: np.ndarray) -> np.ndarray:
    """``rest[l, j]``: learner l's total over every column but j (missing scores count 0),
    NaN where they have no score in column j.

    The scores before the column plus the scores after it, not T - x: the
    item's own score never enters the sum, so learners with the same other
    scores have exactly the same rest score, whatever their score on the item."""
    filled = np.nan_to_num(values)
    before, after = np.zeros_like(filled), np.zeros_like(filled)
    before[:, 1:] = np.cumsum(filled[:, :-1], axis=1)
    after[:, :-1] = np.cumsum(filled[:, :0:-1], axis=1)[:, ::-1]
    return np.where(np.isnan(values), math.nan, before + after)


def _review(f: float, d: float) -> str:
    reasons = []
    if not math.isnan(f) and f < LOW_FACILITY:
        reasons.append(f"facility below {LOW_FACILITY:g}")
    if not math.isnan(f) and f > HIGH_FACILITY:
        reasons.append(f"facility above {HIGH_FACILITY:g}")
    if not math.isnan(d) and d < LOW_DISCRIMINATION:
        reasons.append(f"discrimination below {LOW_DISCRIMINATION:g}")
    return "; ".join(reasons)


def item_statistics(wide: pd.DataFrame, max_points: dict) -> pd.DataFrame:
    """One row per item (column of ``wide``): n, facility, discrimination, and why it
    is flagged ('' if not)."""
    values = wide.to_numpy(dtype=float)
    # One contiguous row per item: the loop below reads items, not learners.
    scores, rest = values.T.copy(), rest_of_test(values).T.copy()
    rows = []
    for item, score, other in zip(wide.columns, scores, rest):
        given = ~np.isnan(score)
        x = score[given]
        f = facility(x, max_points[item])
        d = _pearson(x, other[given])
        rows.append({"item": item, "n": len(x), "max_points": float(max_points[item]),
                     "facility": f, "discrimination": d, "review": _review(f, d)})
    return pd.DataFrame(rows, columns=["item", "n", "max_points", "facility", "discrimination", "review"])


def cronbach_alpha(wide: pd.DataFrame) -> tuple[float, int]:
    """(alpha, number of learners used) for the items in ``wide`` (see module docs)."""
    complete = wide.dropna()
    k, n = complete.shape[1], complete.shape[0]
    if k < 2 or n < 2:
        return math.nan, n
    item_variances = complete.var(axis=0, ddof=1).sum()
    total_variance = complete.sum(axis=1).var(ddof=1)
    if total_variance == 0:
        return math.nan, n
    return float(k / (k - 1) * (1 - item_variances / total_variance)), n


def rating_value(scale: str, level: object) -> float:
    """A rating level as a number (NaN for a level with no value, or no rating)."""
    return RATING_VALUES.get(scale, {}).get(level, math.nan) if isinstance(level, str) else math.nan
