"""Out-of-date work is redone, and only that (issue 12, findings 2, 3 and 4):

* a newer submission taken by ``collect --update`` is graded again by plain
  ``autograde`` (it used to say "already graded, skipped" and keep the old score);
* a corrected key in ``source/`` reaches every learner, by ``autograde``
  noticing it or by ``peer-course regrade``, manual grades kept, with each
  learner's old and new score printed;
* ``feedback`` remakes the feedback of a learner whose grade changed in
  Formgrader without ``--force``, leaves the rest alone, and warns, naming
  learners and items, when it makes feedback while items are still to grade.

One small real cohort (real nbgrader, SQLite) for the whole module; the tests
run in order and each reads the state it starts from.
"""

from __future__ import annotations

import json
import re

import nbformat
import pytest

from tests.support.cohort import PRC, all_right, hand_in, small_cohort

from peer_course.cli import main
from peer_course.grading.gradebook import open_gradebook
from peer_course.grading.steps import autograde, collect, feedback

pytestmark = pytest.mark.slow
LEARNERS = ["p01", "p02", "p03", "dee-no-file"]
KEY_ITEM, OLD_KEY, NEW_KEY = "pr-k01", "c", "a"  # a single-choice item worth 1 point


@pytest.fixture(scope="module")
def cohort(tmp_path_factory):
    course, expected = small_cohort(tmp_path_factory.mktemp("regrade"), submitters=LEARNERS, others=["p04"])
    return course, expected


def scores(course) -> dict[str, float]:
    with open_gradebook(course) as gb:
        return {s.student.id: round(s.score, 4) for s in gb.assignment_submissions(PRC)}


def page(course, learner):
    return course / "feedback" / learner / PRC / f"{PRC}.html"


def test_a_resubmission_taken_by_collect_update_is_graded_again(cohort):
    course, expected = cohort
    records, right = all_right(PRC, course)
    old = scores(course)["p03"]
    # the knowledge items change by what the new answers earn; the private reflection counts the same
    new = round(old + right - expected[("p03", PRC)], 4)
    assert new != old
    hand_in(course, "p03", PRC, records, when="2026-11-26 09:30:00.000000 UTC")
    lines: list[str] = []
    taken = collect(course_dir=course, assessments=[PRC], update=True, progress=lines.append)
    assert [(o.student, o.status) for o in taken] == [("p03", "updated")]

    lines.clear()
    outcomes = autograde(course_dir=course, assessments=[PRC], workers=2, progress=lines.append)
    assert {o.student: o.status for o in outcomes} == {"p01": "skipped", "p02": "skipped", "p03": "regraded",
                                                       "dee-no-file": "skipped"}
    assert scores(course)["p03"] == pytest.approx(new)
    assert f"  p03, {PRC}: {round(old, 2):g} → {round(new, 2):g} of 26 (a newer submission was collected)" in lines
    assert f"[4/4] autograding {PRC} for p03" in lines  # one numbering for skipped and graded

    # its feedback is out of date now, and only its feedback is made again
    before = {learner: page(course, learner).stat().st_mtime_ns for learner in LEARNERS}
    lines.clear()
    feedback(course_dir=course, assessments=[PRC], progress=lines.append)
    after = {learner: page(course, learner).stat().st_mtime_ns for learner in LEARNERS}
    assert [learner for learner in LEARNERS if after[learner] != before[learner]] == ["p03"]
    assert f"[1/1] generating feedback for {PRC}: 1 of 4 learner(s) new or out of date" in lines


def test_collect_says_who_has_not_handed_in(cohort):
    course, _ = cohort
    lines: list[str] = []
    collect(course_dir=course, assessments=[PRC], progress=lines.append)
    assert lines[-2:] == [f"  {PRC}: 0 collected, 0 updated, 1 already collected, 0 refused",
                          f"  {PRC}: 4 of 5 learner(s) have handed in; not yet: p04"]


def test_a_manual_grade_remakes_feedback_without_force_and_unfinished_grading_is_named(cohort):
    course, _ = cohort
    before = {learner: page(course, learner).read_bytes() for learner in LEARNERS}
    with open_gradebook(course) as gb:  # as Formgrader does
        grade = gb.find_grade("pr-r01", PRC, PRC, "p01")
        grade.manual_score = 1.5
        gb.db.commit()
    lines: list[str] = []
    feedback(course_dir=course, assessments=[PRC], progress=lines.append)
    changed = [learner for learner in LEARNERS if page(course, learner).read_bytes() != before[learner]]
    assert changed == ["p01"]
    assert not [line for line in lines if line.startswith("warning:")]  # p01 has nothing left to grade
    # nothing is out of date now: a second run makes nothing
    lines.clear()
    feedback(course_dir=course, assessments=[PRC], progress=lines.append)
    assert lines == [f"{PRC}: feedback is up to date for all 4 learner(s)"]


def test_unfinished_grading_is_named_when_its_feedback_is_made(cohort):
    course, _ = cohort
    page(course, "dee-no-file").unlink()
    lines: list[str] = []
    feedback(course_dir=course, assessments=[PRC], progress=lines.append)
    warning = (f"warning: {PRC}: feedback was made while 1 learner(s) still have items to grade in Formgrader: "
               "dee-no-file (pr-r01). Grade them, then run `peer-course feedback` again: it remakes only the "
               "feedback that changed.")
    assert [line for line in lines if line.startswith("warning:")] == [warning]


def _set_key(course, old: str, new: str) -> None:
    source = course / "source" / PRC / f"{PRC}.ipynb"
    nb = nbformat.read(source, as_version=4)
    cell = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == KEY_ITEM)
    assert f'key="{old}"' in cell.source
    cell.source = cell.source.replace(f'key="{old}"', f'key="{new}"')
    nbformat.write(nb, source)


def _expected_after_key_change(course, now: dict[str, float], old: str, new: str) -> dict[str, float]:
    """Each learner's score once KEY_ITEM's key is ``new`` instead of ``old``, from
    the answer they handed in (independently of the grading code)."""
    wanted = {}
    for learner, score in now.items():
        path = course / "submitted" / learner / PRC / "responses.json"
        try:
            choice = json.loads(path.read_text(encoding="utf-8"))["items"][KEY_ITEM]["value"]
        except (OSError, ValueError, KeyError):
            choice = None  # nothing usable: 0 either way
        wanted[learner] = round(score - (choice == old) + (choice == new), 4)
    return wanted


def test_a_corrected_key_is_noticed_by_autograde_and_applied_to_everyone(cohort):
    course, _ = cohort
    now = scores(course)
    wanted = _expected_after_key_change(course, now, OLD_KEY, NEW_KEY)
    assert wanted != now  # the change matters to someone
    _set_key(course, OLD_KEY, NEW_KEY)
    lines: list[str] = []
    outcomes = autograde(course_dir=course, assessments=[PRC], workers=2, progress=lines.append)
    assert {o.student: o.status for o in outcomes} == {learner: "regraded" for learner in LEARNERS}
    assert scores(course) == pytest.approx(wanted)
    assert lines[0] == (f"{PRC}: the key in source/ changed since it was built (item(s) {KEY_ITEM}); "
                        "building it again and regrading every submission")
    with open_gradebook(course) as gb:  # the manual grade survived
        assert gb.find_grade("pr-r01", PRC, PRC, "p01").manual_score == 1.5
    # and now it is up to date: nothing more to do
    again = autograde(course_dir=course, assessments=[PRC], workers=2, progress=lambda m: None)
    assert {o.status for o in again} == {"skipped"}


def test_peer_course_regrade_applies_a_key_fix_and_prints_each_change(cohort, capsys):
    course, _ = cohort
    now = scores(course)
    wanted = _expected_after_key_change(course, now, NEW_KEY, OLD_KEY)
    _set_key(course, NEW_KEY, OLD_KEY)
    feedback_before = {learner: page(course, learner).stat().st_mtime_ns for learner in LEARNERS}
    assert main(["regrade", PRC, "--course-dir", str(course), "--workers", "2"]) == 0
    out = capsys.readouterr().out
    assert scores(course) == pytest.approx(wanted)
    for learner in LEARNERS:
        old, new = round(now[learner], 2), round(wanted[learner], 2)
        shown = f"{new:g} of 26, unchanged" if old == new else f"{old:g} → {new:g} of 26"
        assert f"  {learner}, {PRC}: {shown} (the key was corrected)" in out.splitlines()
    moved = sum(now[learner] != wanted[learner] for learner in LEARNERS)
    assert f"{PRC}: {moved} of 4 learner(s) have a new score; manual grades were kept." in out
    with open_gradebook(course) as gb:
        assert gb.find_grade("pr-r01", PRC, PRC, "p01").manual_score == 1.5
    # feedback was refreshed for everyone who had it
    assert all(page(course, learner).stat().st_mtime_ns != feedback_before[learner] for learner in LEARNERS)
    assert re.search(r"Graded 4 of 4 submission\(s\) \(4 graded again", out)


def test_regrade_of_an_unknown_assessment_is_one_line(cohort, capsys):
    course, _ = cohort
    assert main(["regrade", "no-such-check", "--course-dir", str(course)]) == 1
    assert capsys.readouterr().err == (f"peer-course regrade: 'no-such-check' is not an assessment of this trainer "
                                       f"folder; the assessments are: {PRC}\n")
