"""The trainer's whole cycle on a 21-learner cohort, on SQLite and on a real
PostgreSQL server: roster, build, release, fetch/submit/collect, parallel
autograde (with a looping and a broken submission), a manual grade that
survives re-autograding, feedback, export, report and certificates.

Expected scores come from tests/support/cohort.py (computed from the hidden-test keys).
"""

from __future__ import annotations

import csv
import json
import subprocess
import sys

import pytest
import yaml
from tests.support.cohort import INJECTION_IMG, INJECTION_SCRIPT, LEARNERS, SUPERVISORS, records_for, self_ratings, submit, write_roster
from tests.support.oracle import task_points

from peer_course.grading.gradebook import open_gradebook
from peer_course.grading.steps import autograde, build, collect, export, feedback, nbgrader_env, release
from peer_course.reports.write import cohort_report
from peer_course.reports.certificates import certificates
from peer_course.grading.trainer_dir import init_course_dir

pytestmark = pytest.mark.slow

PRC, SELF = "peer-role-check", "core-competencies-self-assessment"
SELF_RATERS = ["p01", "p02", *SUPERVISORS]
MANUAL = ("p01", 1.5)  # learner and manual score for the reflection task pr-r01


def fetch_and_submit(course, tmp_path, learner: str) -> float:
    """A learner fetches from the exchange, answers, and submits with nbgrader."""
    home = tmp_path / f"learner-{learner}"
    home.mkdir()
    exchange = json.loads((course / "peer-course.json").read_text())["exchange"]
    common = [f"--Exchange.root={exchange}", "--CourseDirectory.course_id=peer-course"]
    run = lambda *args: subprocess.run([sys.executable, "-m", "nbgrader", *args, *common], cwd=home,  # noqa: E731
                                       env=nbgrader_env(), capture_output=True, text=True, check=True)
    run("fetch_assignment", PRC)
    bank = yaml.safe_load((home / PRC / "items.yaml").read_text(encoding="utf-8"))
    records, expected = records_for(learner, PRC, bank)
    (home / PRC / "responses.json").write_text(json.dumps({"schema_version": 1, "items": records}), encoding="utf-8")
    run("submit", PRC, "--student", learner)
    return expected


def run_cycle(tmp_path, db_url: str | None):
    roster = write_roster(tmp_path / "roster.csv", LEARNERS + SUPERVISORS)
    course = init_course_dir(tmp_path / "trainer", assessments=[PRC, SELF], db_url=db_url,
                             exchange=tmp_path / "exchange", roster=roster)
    log: list[str] = []
    build(course_dir=course, assessments=[PRC, SELF], progress=log.append)
    release(course_dir=course, assessments=[PRC], progress=log.append)
    expected = {(learner, PRC): submit(course, learner, PRC) for learner in LEARNERS if learner != "jo-exchange"}
    expected[("jo-exchange", PRC)] = fetch_and_submit(course, tmp_path, "jo-exchange")
    collect(course_dir=course, assessments=[PRC], progress=log.append)
    expected.update({(rater, SELF): submit(course, rater, SELF) for rater in SELF_RATERS})
    outcomes = autograde(course_dir=course, assessments=[PRC, SELF], workers=2, cell_timeout=10, time_limit=300,
                         progress=log.append)
    learner, score = MANUAL
    with open_gradebook(course) as gb:  # as formgrader does
        grade = gb.find_grade("pr-r01", PRC, PRC, learner)
        grade.manual_score = score
        gb.db.commit()
    again = autograde(course_dir=course, assessments=[PRC], students=[learner], force=True, workers=2,
                      progress=log.append)
    csv_path = export(course_dir=course, to=course / "grades.csv", progress=log.append)
    with csv_path.open(newline="", encoding="utf-8-sig") as handle:  # UTF-8 with a BOM, for spreadsheets
        grades = {(r["student_id"], r["assignment"]): float(r["score"]) for r in csv.DictReader(handle)}
    return {"course": course, "expected": expected, "outcomes": outcomes, "again": again, "grades": grades,
            "log": log}


@pytest.fixture(scope="module")
def sqlite_cycle(tmp_path_factory):
    return run_cycle(tmp_path_factory.mktemp("sqlite"), None)


@pytest.fixture(scope="module")
def postgres_cycle(tmp_path_factory, postgres_server):
    _, create_database = postgres_server
    return run_cycle(tmp_path_factory.mktemp("postgres"), create_database())


def expected_grades(cycle) -> dict:
    wanted = dict(cycle["expected"])
    # the trainer's mark replaces the completion mark the private reflection got automatically
    wanted[(MANUAL[0], PRC)] += MANUAL[1] - task_points(PRC)
    return wanted


def check_outcomes(cycle):
    statuses = {(o.student, o.assessment): o.status for o in cycle["outcomes"]}
    assert len(statuses) == len(LEARNERS) + len(SELF_RATERS)
    odd = {(o.student, o.assessment): (o.status, o.message) for o in cycle["outcomes"] if o.status != "graded"}
    # a looping cell and a broken notebook are never run or read: only the answers are graded
    assert odd == {}
    assert [(o.student, o.status) for o in cycle["again"]] == [(MANUAL[0], "graded")]


def check_grades(cycle):
    grades = cycle["grades"]
    wanted = expected_grades(cycle)
    assert {k: v for k, v in grades.items() if k in wanted} == pytest.approx(wanted)
    # every row is a learner we submitted for
    assert set(grades) - set(wanted) <= {(s, a) for s in LEARNERS + SUPERVISORS for a in (PRC, SELF)}
    # the learner's own looping cell and broken notebook changed nothing: their answers were graded
    # (their reflections were kept private, so they earned its marks; ivy's was shared and waits for the trainer)
    assert grades[("gus-loop", PRC)] == grades[("hal-broken-notebook", PRC)] == 24.0 + task_points(PRC)
    assert grades[("ivy-injection", PRC)] == 24.0


def check_gradebook_rows(cycle):
    """No lost rows: every graded submission has a score for every graded cell."""
    with open_gradebook(cycle["course"]) as gb:
        for name, cells in ((PRC, 21), (SELF, 65)):  # graded cells + reflection tasks
            for submission in gb.assignment_submissions(name):
                grades = [g for nb in submission.notebooks for g in nb.grades]
                assert len(grades) == cells, (name, submission.student_id)
                assert all(g.auto_score is not None for g in grades if g.cell.type == "GradeCell")
        assert gb.find_grade("pr-r01", PRC, PRC, MANUAL[0]).manual_score == MANUAL[1]


def test_sqlite_cycle(sqlite_cycle):
    check_outcomes(sqlite_cycle)
    check_grades(sqlite_cycle)
    check_gradebook_rows(sqlite_cycle)
    log = sqlite_cycle["log"]
    total = len(LEARNERS) + len(SELF_RATERS)
    assert f"[{total}/{total}] autograding" in " ".join(log)
    assert not (sqlite_cycle["course"] / "gradebook.db.lock").read_text()  # lock file, never data


def rounded(grades: dict) -> dict:
    return {key: round(value, 6) for key, value in grades.items()}


def test_postgres_cycle_gives_identical_grades(sqlite_cycle, postgres_cycle):
    check_outcomes(postgres_cycle)
    check_grades(postgres_cycle)
    check_gradebook_rows(postgres_cycle)
    # Item scores have 4 decimals; each database adds a learner's item scores in
    # its own order, so totals may differ in the last bits of a float (1e-15).
    assert rounded(postgres_cycle["grades"]) == rounded(sqlite_cycle["grades"])
    assert not (postgres_cycle["course"] / "gradebook.db").exists()


def test_rerun_skips_graded_work_and_keeps_manual_grade(sqlite_cycle):
    course = sqlite_cycle["course"]
    outcomes = autograde(course_dir=course, assessments=[PRC], students=["p01", "p02"], progress=lambda m: None)
    assert [(o.student, o.status) for o in outcomes] == [("p01", "skipped"), ("p02", "skipped")]
    # collecting again keeps the submission already collected
    before = (course / "submitted" / "jo-exchange" / PRC / "timestamp.txt").read_text()
    collect(course_dir=course, assessments=[PRC], progress=lambda m: None)
    assert (course / "submitted" / "jo-exchange" / PRC / "timestamp.txt").read_text() == before
    with open_gradebook(course) as gb:
        assert gb.find_grade("pr-r01", PRC, PRC, MANUAL[0]).manual_score == MANUAL[1]


def test_feedback_is_inert(sqlite_cycle):
    course = sqlite_cycle["course"]
    feedback(course_dir=course, assessments=[PRC], progress=lambda m: None)
    page = (course / "feedback" / "ivy-injection" / PRC / f"{PRC}.html").read_text(encoding="utf-8")
    # feedback says what happened to a reflection, never its words (and never as markup)
    assert "You shared your reflection with your trainer (4 words)." in page
    assert INJECTION_SCRIPT not in page and INJECTION_IMG not in page


def test_report_and_certificates_from_the_gradebook(sqlite_cycle, postgres_cycle, tmp_path):
    import pandas as pd

    out = {}
    for backend, cycle in (("sqlite", sqlite_cycle), ("postgres", postgres_cycle)):
        cohort_report(course_dir=cycle["course"], out=tmp_path / backend, progress=lambda m: None)
        out[backend] = pd.read_csv(tmp_path / backend / "learners.csv")
    learners = out["sqlite"]
    assert sorted(learners["student"]) == sorted(LEARNERS)  # supervisors are raters, not learners
    pd.testing.assert_frame_equal(learners, out["postgres"])
    gaps = pd.read_csv(tmp_path / "sqlite" / "self_vs_supervisor.csv")
    bank = yaml.safe_load((sqlite_cycle["course"] / "source" / SELF / "items.yaml").read_text(encoding="utf-8"))
    for peer in ("p01", "p02"):
        mine = gaps[gaps["student"] == peer].set_index("category")
        assert mine["self_mean"].to_dict() == pytest.approx(self_ratings(peer, bank))
        assert set(mine["supervisor_mean"]) == {1.0}  # supervisors rated every statement Developing
    flagged = learners.set_index("student")["support_reasons"].fillna("")
    assert "above supervisor" in flagged["p01"] or "above supervisor" in flagged["p02"]
    page = (tmp_path / "sqlite" / "report.html").read_text(encoding="utf-8")
    assert INJECTION_SCRIPT not in page and INJECTION_IMG not in page and "<script" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page  # the shared reflection, escaped
    # The cohort handed in one module of seven: nobody has met the course's
    # pass rule, so nobody gets a certificate (tests/course/test_report.py
    # checks one for a learner who has).
    paths = certificates(course_dir=sqlite_cycle["course"], out=tmp_path / "certs", progress=lambda m: None)
    assert paths == []
