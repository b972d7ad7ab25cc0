"""Out-of-date work is redone, and only that (issue 12, findings 2, 3 and 4):

* a newer submission taken by ``collect --update`` is graded again by plain
  ``autograde`` (it used to say "already graded, skipped" and keep the old score);
* a corrected key in ``source/`` reaches every learner, by ``autograde``
  noticing it or by ``peer-course regrade``, manual grades kept, with each
  learner's old and new score printed;
* ``feedback`` remakes the feedback of a learner whose grade changed in
  Formgrader without ``--force``, leaves the rest alone, and warns, naming
  learners and items, when it makes feedback while items are still to grade.

One small real cohort (real nbgrader) for the whole module, once with a
SQLite gradebook and once with a real PostgreSQL server; the tests run in
order and each reads the state it starts from. p01's and p02's submissions
carry the secret ``nbgrader submit`` writes, so their feedback goes to the
exchange and goes again when it is remade; the others' cannot, and
``feedback`` says so.
"""

from __future__ import annotations

import re

import pytest

from tests.support.cohort import gradebook_url, PRC, after_key_change, all_right, hand_in, set_key, small_cohort

from peer_course.cli import main
from peer_course.grading import freshness
from peer_course.grading.gradebook import open_gradebook
from peer_course.grading.steps import autograde, collect, feedback
from peer_course.grading.trainer_dir import TrainerDir

pytestmark = pytest.mark.slow
LEARNERS = ["p01", "p02", "p03", "dee-no-file"]
THROUGH_EXCHANGE = ("p01", "p02")  # their submissions carry nbgrader submit's secret
KEY_ITEM, OLD_KEY, NEW_KEY = "pr-k01", "c", "a"  # a single-choice item worth 1 point
HELD = (f"{PRC}: feedback for 2 learner(s) cannot be released: their submissions did not come through "
        "`nbgrader submit` (no submission_secret.txt), so nbgrader has no name for their feedback in the exchange: "
        f"dee-no-file, p03. Give each their page from feedback/<learner>/{PRC}/ another way.")


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def cohort(request, tmp_path_factory):
    db_url = gradebook_url(request)
    course, expected = small_cohort(tmp_path_factory.mktemp(f"regrade-{request.param}"), submitters=LEARNERS,
                                    others=["p04"], db_url=db_url, with_secret=THROUGH_EXCHANGE)
    # the gradebook is the one asked for, and only there
    assert (course / "gradebook.db").exists() == (db_url is None)
    return course, expected


def scores(course) -> dict[str, float]:
    with open_gradebook(course) as gb:
        return {s.student.id: round(s.score, 4) for s in gb.assignment_submissions(PRC)}


def page(course, learner):
    return course / "feedback" / learner / PRC / f"{PRC}.html"


def in_exchange(course, learner) -> bytes | None:
    """The feedback page the exchange holds for ``learner`` (what fetch_feedback gets), or None."""
    [where] = freshness.released_feedback_pages(TrainerDir(course), PRC, learner).values()
    return where.read_bytes() if where.is_file() else None


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
    # p03's new submission came through the exchange without nbgrader submit's secret: said, not failed
    assert lines[-1] == HELD
    assert all(in_exchange(course, learner) == page(course, learner).read_bytes() for learner in THROUGH_EXCHANGE)


def test_collect_says_who_has_not_handed_in(cohort):
    course, _ = cohort
    lines: list[str] = []
    collect(course_dir=course, assessments=[PRC], progress=lines.append)
    assert lines[-2:] == [f"  {PRC}: 0 collected, 0 updated, 1 already collected, 0 refused",
                          f"  {PRC}: 4 of 5 learner(s) have handed in; not yet: p04"]


def test_a_manual_grade_remakes_feedback_without_force_and_unfinished_grading_is_named(cohort):
    course, _ = cohort
    before = {learner: page(course, learner).read_bytes() for learner in LEARNERS}
    released_before = in_exchange(course, "p01")
    with open_gradebook(course) as gb:  # as Formgrader does
        grade = gb.find_grade("pr-r01", PRC, PRC, "p01")
        grade.manual_score = 1.5
        gb.db.commit()
    lines: list[str] = []
    outcomes = feedback(course_dir=course, assessments=[PRC], progress=lines.append)
    changed = [learner for learner in LEARNERS if page(course, learner).read_bytes() != before[learner]]
    assert changed == ["p01"]
    assert not [line for line in lines if line.startswith("warning:")]  # p01 has nothing left to grade
    # the remade page replaced the one in the exchange (nbgrader names it by the submission, not the page)
    assert in_exchange(course, "p01") == page(course, "p01").read_bytes() != released_before
    assert [(o.student, o.status, o.message) for o in outcomes if o.student] == [
        ("p01", "released", "released again: the exchange held an earlier version"),
        ("dee-no-file", "not released", freshness.NO_SECRET), ("p03", "not released", freshness.NO_SECRET)]
    assert f"[1/1] releasing feedback for {PRC} to the exchange {TrainerDir(course).exchange}: 1 of 4 learner(s) " \
           "new or changed" in lines
    # nothing is out of date now: a second run makes and releases nothing
    lines.clear()
    feedback(course_dir=course, assessments=[PRC], progress=lines.append)
    assert lines == [f"{PRC}: feedback is up to date for all 4 learner(s)", HELD]


def test_unfinished_grading_is_named_when_its_feedback_is_made(cohort):
    course, _ = cohort
    page(course, "dee-no-file").unlink()
    lines: list[str] = []
    feedback(course_dir=course, assessments=[PRC], progress=lines.append)
    warning = (f"warning: {PRC}: feedback was made while 1 learner(s) still have items to grade in Formgrader: "
               "dee-no-file (pr-r01). Grade them, then run `peer-course feedback` again: it remakes and releases "
               "only the feedback that changed.")
    assert [line for line in lines if line.startswith("warning:")] == [warning]


def test_a_corrected_key_is_noticed_by_autograde_and_applied_to_everyone(cohort):
    course, _ = cohort
    now = scores(course)
    wanted = after_key_change(course, PRC, KEY_ITEM, now, OLD_KEY, NEW_KEY)
    assert wanted != now  # the change matters to someone
    set_key(course, PRC, KEY_ITEM, OLD_KEY, NEW_KEY)
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
    wanted = after_key_change(course, PRC, KEY_ITEM, now, NEW_KEY, OLD_KEY)
    set_key(course, PRC, KEY_ITEM, NEW_KEY, OLD_KEY)
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
    # feedback was refreshed for everyone who had it, and released again where it can be
    assert all(page(course, learner).stat().st_mtime_ns != feedback_before[learner] for learner in LEARNERS)
    assert all(in_exchange(course, learner) == page(course, learner).read_bytes() for learner in THROUGH_EXCHANGE)
    assert re.search(r"Graded 4 of 4 submission\(s\) \(4 graded again", out)
    # and the trainer is told, as `feedback` tells it, whose feedback could not go to the exchange
    assert out.splitlines()[-1] == ("2 learner(s)' feedback is not released (see above); `peer-course status` lists "
                                    "them as 'feedback ready'.")


def test_regrade_of_an_unknown_assessment_is_one_line(cohort, capsys):
    course, _ = cohort
    assert main(["regrade", "no-such-check", "--course-dir", str(course)]) == 1
    assert capsys.readouterr().err == (f"peer-course regrade: 'no-such-check' is not an assessment of this trainer "
                                       f"folder; the assessments are: {PRC}\n")
