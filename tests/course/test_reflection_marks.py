"""A person grades only what a person must read.

After autograde, a reflection kept private or skipped has its completion
marks and the Formgrader (nbgrader's own submission listing, through its
API) no longer asks for it; a shared one still needs the trainer. A trainer's
own mark survives a re-autograde.
"""

from __future__ import annotations

import json
import shutil
import warnings
from pathlib import Path

import pytest

from peer_course.grading.gradebook import open_gradebook
from peer_course.grading.reflections import AUTO_COMMENT
from peer_course.grading.runner import Runner
from peer_course.grading.steps import autograde, build
from peer_course.grading.trainer_dir import TrainerDir, init_course_dir
from tests.support import oracle

pytestmark = pytest.mark.slow

NAME = "peer-role-check"
REFLECTION = "pr-r01"
POINTS = 2.0  # pr-r01's points in the bank
LEARNERS = {
    "a-private": oracle.private_reflection(),
    "b-skipped": {"skipped": True},
    "c-shared": {"shared": True, "completed": True, "words": 5, "text": "I listen <b>first</b> now."},
    "d-unwritten": {"shared": False, "completed": False, "words": 0},
    "e-trainer-marked": oracle.private_reflection(),
}


def submit(course: Path, learner: str, reflection: dict) -> None:
    target = course / "submitted" / learner / NAME
    shutil.copytree(course / "release" / NAME, target)
    (target / "timestamp.txt").write_text("2026-11-25 10:00:00.000000 UTC", encoding="utf-8")
    records = {REFLECTION: oracle.record(reflection)}
    (target / "responses.json").write_text(json.dumps(oracle.document(records)), encoding="utf-8")


def reflection_grades(course: Path) -> dict[str, tuple[float | None, bool]]:
    with open_gradebook(course) as gb:
        return {learner: (gb.find_grade(REFLECTION, NAME, NAME, learner).manual_score,
                          gb.find_grade(REFLECTION, NAME, NAME, learner).needs_manual_grade)
                for learner in LEARNERS}


def formgrader_listing(course: Path) -> dict[str, bool]:
    """What the Formgrader shows for each submission: does it need manual grading?"""
    with warnings.catch_warnings(), Runner(TrainerDir(course), progress=lambda m: None).api() as api:
        warnings.simplefilter("ignore")  # nbgrader's SQLAlchemy warnings, harmless here
        return {s["student"]: s["needs_manual_grade"] for s in api.get_notebook_submissions(NAME, NAME)}


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    course = init_course_dir(tmp_path_factory.mktemp("marks") / "trainer", assessments=[NAME])
    build(course_dir=course, assessments=[NAME], progress=lambda m: None)
    for learner, reflection in LEARNERS.items():
        submit(course, learner, reflection)
    outcomes = autograde(course_dir=course, assessments=[NAME], progress=lambda m: None)
    assert [o for o in outcomes if not o.ok] == []
    first = reflection_grades(course)
    listing = formgrader_listing(course)
    # The trainer gives e-trainer-marked 1 of 2 in the Formgrader (what its grade API does),
    # c-shared 2 of 2; then everyone is graded again.
    with open_gradebook(course) as gb:
        for learner, score in (("e-trainer-marked", 1.0), ("c-shared", 2.0)):
            grade = gb.find_grade(REFLECTION, NAME, NAME, learner)
            grade.manual_score, grade.needs_manual_grade = score, False
        gb.db.commit()
    outcomes = autograde(course_dir=course, assessments=[NAME], force=True, progress=lambda m: None)
    assert [o for o in outcomes if not o.ok] == []
    return course, first, listing, reflection_grades(course)


def test_private_and_skipped_reflections_are_marked_for_completion(graded):
    _, first, _, _ = graded
    assert first["a-private"] == (POINTS, False)
    assert first["b-skipped"] == (POINTS, False)
    assert first["d-unwritten"] == (0.0, False)  # nothing written, nothing for a person to read


def test_a_shared_reflection_waits_for_the_trainer(graded):
    _, first, _, _ = graded
    assert first["c-shared"] == (None, True)


def test_the_formgrader_lists_only_shared_reflections(graded):
    _, _, listing, _ = graded
    assert listing == {"a-private": False, "b-skipped": False, "c-shared": True, "d-unwritten": False,
                       "e-trainer-marked": False}


def test_the_mark_says_it_was_given_automatically(graded):
    course, *_ = graded
    with open_gradebook(course) as gb:
        assert gb.find_comment(REFLECTION, NAME, NAME, "a-private").manual_comment == AUTO_COMMENT
        assert gb.find_comment(REFLECTION, NAME, NAME, "c-shared").manual_comment is None


def test_regrading_keeps_automatic_and_trainer_marks(graded):
    _, _, _, again = graded
    assert again["a-private"] == (POINTS, False)  # still off the Formgrader's list
    assert again["e-trainer-marked"][0] == 1.0  # the trainer's mark, never overwritten
    assert again["c-shared"][0] == 2.0
