"""Parallel autograde: a submission that runs past the whole-submission time
limit is stopped for that learner only, and a fresh worker grades the next;
workers run under a memory limit."""

from __future__ import annotations

import time
from pathlib import Path

import nbformat
import pytest

from tests.support.cohort import submit

from peer_course.grading.steps import build
from peer_course.grading.parallel import GRADED, TIMED_OUT, autograde_parallel
from peer_course.grading.trainer_dir import init_course_dir

pytestmark = pytest.mark.slow
PRC = "peer-role-check"


def test_time_limit_stops_one_learner_and_a_fresh_worker_goes_on(tmp_path):
    course = init_course_dir(tmp_path / "trainer", assessments=[PRC])
    # No learner code ever runs, so only the trainer's own notebook can hang: a
    # cell that never ends for one learner stands in for a grading helper stuck
    # on a pathological answer.
    source = course / "source" / PRC / f"{PRC}.ipynb"
    nb = nbformat.read(source, as_version=4)
    hang = nbformat.v4.new_code_cell('import os, time\nif "gus-loop" in os.getcwd():\n    time.sleep(3600)')
    hang["id"] = "hang-for-one-learner"
    nb.cells.insert(2, hang)
    nbformat.write(nb, source)
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
    assert got["hal-broken-notebook"] == (GRADED, "")  # its broken notebook is never read
    assert not (course / "autograded" / "gus-loop" / PRC).exists()  # nothing half-graded is left
    assert (course / "submitted" / "gus-loop" / PRC / f"{PRC}.ipynb").is_file()  # the submission is untouched
    assert lines == [f"[{i}/4] autograding {PRC} for {s}" for i, s in enumerate(expected, 1)]
    from peer_course.grading.gradebook import open_gradebook

    with open_gradebook(course) as gb:
        for learner in ("p01", "p03", "hal-broken-notebook"):
            assert gb.find_submission(PRC, learner).score == pytest.approx(expected[learner])


def test_grading_workers_run_under_a_memory_limit(tmp_path):
    """Each worker, and so each kernel it starts, has a data-memory limit."""
    from peer_course.grading.parallel import Worker
    from peer_course.grading.runner import nbgrader_env
    from peer_course.grading.trainer_dir import init_course_dir

    course = init_course_dir(tmp_path / "trainer", assessments=["peer-role-check"])
    worker = Worker(course_dir=course, env=nbgrader_env(), cell_timeout=None, memory_limit=700)
    try:
        limits = (Path("/proc") / str(worker.process.pid) / "limits")
        deadline = time.monotonic() + 60
        line = ""
        while time.monotonic() < deadline:
            line = next(l for l in limits.read_text().splitlines() if l.startswith("Max data size"))
            if "unlimited" not in line:
                break
            time.sleep(0.2)
        assert line.split()[3] == str(700 * 1024 * 1024), line
    finally:
        worker.kill()


def test_a_kernel_that_dies_before_it_starts_is_given_one_more_try(tmp_path):
    """jupyter_client can hand two kernels started at once the same ports; one
    dies before replying to kernel_info. That learner is graded again."""
    from types import SimpleNamespace

    from peer_course.grading.parallel import grade_one
    from peer_course.grading.trainer_dir import TrainerDir

    died = {"success": False, "error": "", "log": "[ERROR] Error occurred while starting new kernel client: "
            "Kernel died before replying to kernel_info"}
    calls = []

    def grade(assessment, student, force, time_limit):
        calls.append(force)
        return died if len(calls) == 1 else {"success": True, "log": "", "error": "", "notes": []}

    worker = SimpleNamespace(grade=grade, process=SimpleNamespace(poll=lambda: None))
    trainer = TrainerDir(tmp_path)
    outcome, alive = grade_one(worker=worker, trainer=trainer, assessment="a", student="p01", force=False,
                               time_limit=60)
    assert outcome.ok and alive and calls == [False, True]
    calls.clear()
    broken = {"success": False, "error": "ValueError: a broken notebook", "log": "", "notes": []}
    worker.grade = lambda *a: calls.append(1) or broken
    outcome, _ = grade_one(worker=worker, trainer=trainer, assessment="a", student="p01", force=False,
                           time_limit=60)
    assert not outcome.ok and calls == [1]  # any other failure is reported, not retried
