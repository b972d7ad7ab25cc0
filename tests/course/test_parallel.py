"""Parallel autograde: a submission that runs past the whole-submission time
limit is stopped for that learner only, and a fresh worker grades the next."""

from __future__ import annotations

import pytest
from tests.support.cohort import submit

from peer_course.grading.steps import build
from peer_course.grading.parallel import FAILED, GRADED, TIMED_OUT, autograde_parallel
from peer_course.grading.trainer_dir import init_course_dir

pytestmark = pytest.mark.slow
PRC = "peer-role-check"


def test_time_limit_stops_one_learner_and_a_fresh_worker_goes_on(tmp_path):
    course = init_course_dir(tmp_path / "trainer", assessments=[PRC])
    build(course_dir=course, assessments=[PRC], progress=lambda m: None)
    expected = {learner: submit(course, learner, PRC) for learner in ("gus-loop", "p01", "hal-broken-notebook", "p03")}
    lines: list[str] = []
    # One worker, so the same thread must replace its killed worker; no cell
    # timeout, so only the whole-submission limit can stop the loop.
    outcomes = autograde_parallel(course_dir=course, work=[(PRC, s) for s in expected], workers=1,
                                  time_limit=20, cell_timeout=None, progress=lines.append)
    got = {o.student: (o.status, o.message) for o in outcomes}
    assert got["gus-loop"] == (TIMED_OUT, "stopped after the time limit of 20 s")
    assert got["p01"] == (GRADED, "")
    assert got["p03"] == (GRADED, "")
    assert got["hal-broken-notebook"][0] == FAILED
    assert not (course / "autograded" / "gus-loop" / PRC).exists()  # nothing half-graded is left
    assert (course / "submitted" / "gus-loop" / PRC / f"{PRC}.ipynb").is_file()  # the submission is untouched
    assert lines == [f"[{i}/4] autograding {PRC} for {s}" for i, s in enumerate(expected, 1)]
    from peer_course.grading.gradebook import open_gradebook

    with open_gradebook(course) as gb:
        for learner in ("p01", "p03"):
            assert gb.find_submission(PRC, learner).score == pytest.approx(expected[learner])
