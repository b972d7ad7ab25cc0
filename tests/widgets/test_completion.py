"""The course's pass rule (peer_widgets.completion): every module's checks
answered, at least 80 % of each module's credit, dated by the last answer."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from peer_widgets import load_bank
from peer_widgets.completion import PASS_PERCENT, course_result, score_from_grades, score_module
from peer_widgets.content import modules_dir
from peer_widgets.kinds import kind_of
from peer_widgets.manifest import load_manifest
from tests.support.choices import first_option

MANIFEST = load_manifest()


def checks(module):
    return [item for item in load_bank(modules_dir() / module.bank) if kind_of(item).keyed]



def record(value, when="2026-11-20T10:00:00Z"):
    return {"value": value, "answered_at": when, "attempts": 1}


def results(answer, when=lambda module, index: "2026-11-20T10:00:00Z"):
    out = []
    for module in MANIFEST.modules:
        items = checks(module)
        records = {item.id: record(answer(item), when(module, i)) for i, item in enumerate(items)}
        out.append(score_module(module.title, items, records))
    return course_result(out)


def test_the_rule_is_eighty_percent():
    assert PASS_PERCENT == 80


def test_first_option_everywhere_does_not_pass():
    result = results(first_option)
    assert all(m.all_answered for m in result.modules)  # complete, yet
    assert not result.passed
    assert result.met_at is None
    assert len(result.missing) == len(MANIFEST.modules)
    assert all(m.percent < PASS_PERCENT for m in result.modules)


def test_right_answers_pass_and_are_dated_by_the_last_answer():
    late = "2026-11-28T23:30:00Z"
    result = results(lambda item: item.key,
                     when=lambda module, i: late if (module.number, i) == (4, 2) else "2026-11-20T10:00:00Z")
    assert result.passed and result.missing == []
    assert result.met_at == datetime(2026, 11, 28, 23, 30, tzinfo=timezone.utc)


def test_a_missing_answer_or_a_low_module_fails():
    module = MANIFEST.modules[0]
    items = checks(module)
    right = {item.id: record(item.key) for item in items}
    assert score_module("m", items, right).passed
    missing = dict(right)
    del missing[items[3].id]
    result = score_module("m", items, missing)
    assert not result.passed and result.unanswered == (items[3].id,)
    # just under 80 %: wrong on enough single-choice checks
    singles = [item for item in items if item.type == "single_choice"]
    wrong = dict(right)
    need_wrong = len(items) - (PASS_PERCENT * len(items)) // 100  # one more than may be missed
    for item in singles[:need_wrong]:
        wrong[item.id] = record(next(o.id for o in item.options if o.id != item.key))
    result = score_module("m", items, wrong)
    assert result.all_answered and not result.passed and result.percent < PASS_PERCENT
    assert result.to_review == tuple(item.id for item in singles[:need_wrong])


def test_bad_records_count_as_unanswered():
    module = MANIFEST.modules[0]
    items = checks(module)
    records = {item.id: "junk" for item in items}
    records[items[0].id] = record("no-such-option")
    result = score_module("m", items, records)
    assert result.answered == 0 and len(result.unanswered) == len(items)


def test_grades_use_the_same_rule():
    when = datetime(2026, 11, 21, 9)
    passing = score_from_grades("m", [("a", 1, 1), ("b", 2, 2), ("c", 1, 1), ("d", 1, 1), ("e", 0, 1)], 5, when)
    assert passing.passed and passing.percent == 80
    failing = score_from_grades("m", [("a", 1, 1), ("b", 1, 2), ("c", 1, 1), ("d", 1, 1), ("e", 0, 1)], 5, when)
    assert not failing.passed and failing.percent == 70
    assert course_result([passing]).met_at == when.replace(tzinfo=timezone.utc)
    assert not course_result([]).passed


@pytest.mark.parametrize("module", MANIFEST.modules, ids=lambda m: m.id)
def test_every_module_has_checks(module):
    assert len(checks(module)) >= 15


def test_trainer_certificates_use_the_same_rule(tmp_path):
    """A learner who passes every module's graded checks gets a certificate, dated by the
    last submission; one with 70 % in each module does not. (Assessment banks hold no
    keys: their grades come from the gradebook.)"""
    import pandas as pd

    from peer_course.reports.certificates import write_certificates
    from peer_course.reports.data import (ITEM_COLUMNS, LEARNER_COLUMNS, RESPONSE_COLUMNS, SCORE_COLUMNS,
                                          SUBMISSION_COLUMNS, CohortData)
    from peer_widgets.content import assessments_dir

    items, scores, submissions = [], [], []
    for n, module in enumerate(MANIFEST.modules):
        bank = [i for i in load_bank(assessments_dir() / module.assessment / "items.yaml")]
        for item in bank:
            items.append((module.assessment, item.id, item.type, item.category, float(item.points or 1), None,
                          len(item.variant_ids)))
        keyed = [item for item in bank if kind_of(item).keyed]
        for student, right in (("ann", len(keyed)), ("bo", int(0.7 * len(keyed)))):
            for k, item in enumerate(keyed):
                top = float(item.points or 1)
                scores.append((student, module.assessment, item.id, top if k < right else 0.0, top))
            submissions.append((student, module.assessment, datetime(2026, 11, 10 + n, 9), 0.0, 0.0, "en"))
    data = CohortData(pd.DataFrame([("ann", "Ann", "Lee", ""), ("bo", "Bo", "Ray", "")], columns=LEARNER_COLUMNS),
                      pd.DataFrame(items, columns=ITEM_COLUMNS), pd.DataFrame(scores, columns=SCORE_COLUMNS),
                      pd.DataFrame(submissions, columns=SUBMISSION_COLUMNS), pd.DataFrame([], columns=RESPONSE_COLUMNS))
    paths = write_certificates(data, tmp_path)
    assert [p.name for p in paths] == ["ann.html"]
    page = paths[0].read_text(encoding="utf-8")
    assert "<td>Module 1: The peer role</td><td>100%</td><td>2026-11-10</td>" in page
    last = 10 + len(MANIFEST.modules) - 1  # the day of the last module's submission
    assert f"with at least {PASS_PERCENT}% of each module's checks right,\non 2026-11-{last}:" in page
    assert "It is not a state peer support\ncertification." in page
