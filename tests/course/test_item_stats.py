"""Item statistics against numbers worked out by hand on a small fixture."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from peer_course.reports import item_stats

# Four learners, three items (points: q1 max 1, q2 max 2, q3 max 1).
#
#          q1  q2  q3   total
#   a       1   2   1     4
#   b       1   1   0     2
#   c       0   1   1     2
#   d       0   0   0     0
WIDE = pd.DataFrame({"q1": [1, 1, 0, 0], "q2": [2, 1, 1, 0], "q3": [1, 0, 1, 0]},
                    index=["a", "b", "c", "d"], dtype=float)
MAX = {"q1": 1.0, "q2": 2.0, "q3": 1.0}


def test_facility_by_hand():
    # q1: mean 2/4 = 0.5 over max 1 -> 0.5
    # q2: mean 4/4 = 1.0 over max 2 -> 0.5
    # q3: mean 2/4 = 0.5 over max 1 -> 0.5
    stats = item_stats.item_statistics(WIDE, MAX).set_index("item")
    assert stats["facility"].to_dict() == {"q1": 0.5, "q2": 0.5, "q3": 0.5}
    assert stats["n"].to_dict() == {"q1": 4, "q2": 4, "q3": 4}


def test_discrimination_by_hand():
    # q1: x = (1, 1, 0, 0), rest R = total - x = (3, 1, 2, 0).
    #     mean x = 0.5, mean R = 1.5; dx = (.5, .5, -.5, -.5); dR = (1.5, -.5, .5, -1.5)
    #     sum dx*dR = .75 - .25 - .25 + .75 = 1.0
    #     sum dx^2 = 1.0; sum dR^2 = 2.25 + .25 + .25 + 2.25 = 5.0
    #     r = 1.0 / sqrt(1.0 * 5.0) = 0.4472136
    # q2: x = (2, 1, 1, 0), R = (2, 1, 1, 0): identical, r = 1.0
    # q3: x = (1, 0, 1, 0), R = (3, 2, 1, 0); dx = (.5, -.5, .5, -.5); dR = (1.5, .5, -.5, -1.5)
    #     sum dx*dR = .75 - .25 - .25 + .75 = 1.0; sum dR^2 = 5.0 -> r = 0.4472136
    stats = item_stats.item_statistics(WIDE, MAX).set_index("item")
    assert stats.loc["q1", "discrimination"] == pytest.approx(1 / math.sqrt(5))
    assert stats.loc["q2", "discrimination"] == pytest.approx(1.0)
    assert stats.loc["q3", "discrimination"] == pytest.approx(1 / math.sqrt(5))
    assert set(stats["review"]) == {""}


def test_items_flagged_for_review():
    wide = WIDE.assign(easy=[1.0, 1.0, 1.0, 1.0], hard=[0.0, 0.0, 0.0, 1.0])
    stats = item_stats.item_statistics(wide, {**MAX, "easy": 1.0, "hard": 1.0}).set_index("item")
    # easy: facility 4/4 = 1.0 > 0.95; x never varies, so discrimination is undefined (NaN), not flagged for it
    assert stats.loc["easy", "review"] == "facility above 0.95"
    assert math.isnan(stats.loc["easy", "discrimination"])
    # hard: facility 1/4 = 0.25 (not below 0.2); only d, the weakest learner, got it:
    # x = (0,0,0,1), R = (6,4,4,1) -> negative correlation, flagged
    assert stats.loc["hard", "facility"] == 0.25
    assert stats.loc["hard", "discrimination"] < 0
    assert stats.loc["hard", "review"] == "discrimination below 0.2"


def test_cronbach_alpha_by_hand():
    # Three rating items (3 = Advanced, 2 = Proficient, 1 = Developing), four learners;
    # e is missing one rating, so is left out (listwise):
    #          r1  r2  r3  total
    #   a       3   3   2     8
    #   b       2   2   2     6
    #   c       1   2   1     4
    #   d       1   1   1     3
    # item variances (n - 1 = 3): r1 mean 1.75, sum sq dev = 1.5625+.0625+.5625+.5625 = 2.75 -> 0.916667
    #                             r2 mean 2.0,  sum sq dev = 1+0+0+1 = 2 -> 0.666667
    #                             r3 mean 1.5,  sum sq dev = .25*4 = 1 -> 0.333333
    #   sum = 1.916667; totals mean 5.25, sum sq dev = 7.5625+.5625+1.5625+5.0625 = 14.75 -> 4.916667
    #   alpha = 3/2 * (1 - 1.916667/4.916667) = 1.5 * 0.610169 = 0.915254
    wide = pd.DataFrame({"r1": [3, 2, 1, 1, 3], "r2": [3, 2, 2, 1, None], "r3": [2, 2, 1, 1, 3]},
                        index=list("abcde"), dtype=float)
    alpha, n = item_stats.cronbach_alpha(wide)
    assert n == 4
    assert alpha == pytest.approx(0.915254, abs=1e-6)


def test_alpha_undefined_cases():
    assert math.isnan(item_stats.cronbach_alpha(pd.DataFrame({"r1": [1.0, 2.0]}))[0])  # one item
    assert math.isnan(item_stats.cronbach_alpha(pd.DataFrame({"r1": [2.0, 2.0], "r2": [1.0, 1.0]}))[0])  # no variance


def test_rating_values():
    assert item_stats.rating_value("competency", "advanced") == 3.0
    assert math.isnan(item_stats.rating_value("competency", "not-applicable"))
    assert item_stats.rating_value("agreement", "neutral") == 3.0
