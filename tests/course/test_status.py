"""`peer-course status` and `peer-course due` (issue 12, finding 6): one status per
learner and assessment, late flags that agree with nbgrader's gradebook, and
who has not handed in, with their emails. "feedback released" means the
exchange holds the learner's up-to-date feedback; "feedback ready" that it is
made and up to date but not there, with the reason.

The cohort is built twice, with a SQLite gradebook and with a real PostgreSQL
server, and every test runs on both."""

from __future__ import annotations

import csv
import json

import pytest

from tests.support.cohort import gradebook_url, PRC, small_cohort, submit

from peer_course.cli import main
from peer_course.grading.gradebook import open_gradebook
from peer_course.grading.status import cohort_status

pytestmark = pytest.mark.slow
SELF = "core-competencies-self-assessment"


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def cohort(request, tmp_path_factory):
    db_url = gradebook_url(request)
    # p01 and p02 handed in through the exchange (nbgrader submit's secret), p03 did not
    course, _ = small_cohort(tmp_path_factory.mktemp(f"status-{request.param}"),
                             submitters=["p01", "p02", "p03", "dee-no-file"],
                             others=["p04", "p05", "p06", "supervisor--p01"], unreleased=(SELF,), days={"p02": 21},
                             db_url=db_url, with_secret=("p01", "p02"))
    assert (course / "gradebook.db").exists() == (db_url is None)
    submit(course, "p05", PRC, day=19)  # handed in after grading: waits for autograde
    submit(course, "p06", PRC, day=22)
    with open_gradebook(course) as gb:  # a grade changed in Formgrader: p02's feedback is out of date
        grade = gb.find_grade("pr-r01", PRC, PRC, "p02")
        grade.manual_score = 1.0
        gb.db.commit()
    return course


def test_due_dates_are_set_in_the_gradebook_and_kept_in_the_folder(cohort, capsys):
    assert main(["due", PRC, "2026-11-20", "--course-dir", str(cohort)]) == 0
    assert capsys.readouterr().out == (f"{PRC} is due 2026-11-20 23:59 UTC. Submissions after that are marked late "
                                       "(in `peer-course status`, in the gradebook and in Formgrader).\n")
    stored = json.loads((cohort / "peer-course.json").read_text(encoding="utf-8"))
    assert stored["due"] == {PRC: "2026-11-20T23:59:59"}
    with open_gradebook(cohort) as gb:
        assert str(gb.find_assignment(PRC).duedate) == "2026-11-20 23:59:59"


def test_bad_due_dates_are_one_line(cohort, capsys):
    assert main(["due", "no-such-check", "2026-11-20", "--course-dir", str(cohort)]) == 1
    err = capsys.readouterr().err
    assert err == (f"peer-course due: 'no-such-check' is not an assessment of this trainer folder; "
                   f"the assessments are: {PRC}, {SELF}\n")
    assert main(["due", PRC, "20/11/2026", "--course-dir", str(cohort)]) == 1
    err = capsys.readouterr().err
    assert err == ("peer-course due: '20/11/2026' is not a date; write it as YYYY-MM-DD (the end of that day, UTC) "
                   "or YYYY-MM-DD HH:MM (UTC, or add an offset such as -08:00)\n")


def test_every_status_and_late_flags_agree_with_nbgrader(cohort):
    people, rows = cohort_status(course_dir=cohort)
    assert [p.id for p in people] == ["dee-no-file", "p01", "p02", "p03", "p04", "p05", "p06"]  # no supervisor
    got = {(r.student, r.assessment): (r.status, r.late) for r in rows}
    assert {k: v for k, v in got.items() if k[1] == PRC} == {
        ("dee-no-file", PRC): ("answers unreadable", False),
        ("p01", PRC): ("feedback released", False),  # in the exchange, as it is in feedback/
        ("p02", PRC): ("graded", True),  # its feedback is out of date after the manual grade
        ("p03", PRC): ("feedback ready", False),  # made and up to date, but it cannot go through the exchange
        ("p04", PRC): ("not submitted", False),
        ("p05", PRC): ("submitted", False),
        ("p06", PRC): ("late", True),
    }
    assert {v for k, v in got.items() if k[1] == SELF} == {("not released", False)}
    with open_gradebook(cohort) as gb:  # nbgrader's own late flags, for those it has graded
        for student in ("dee-no-file", "p01", "p02", "p03"):
            assert (gb.find_submission(PRC, student).total_seconds_late > 0) == got[(student, PRC)][1]
    notes = {r.student: r.note for r in rows if r.assessment == PRC}
    assert notes["p02"] == ("feedback out of date (the grades changed after the feedback was made); "
                            "run `peer-course feedback`")
    assert notes["p03"] == ("the submission did not come through `nbgrader submit` (it has no submission_secret.txt), "
                            f"so it cannot be released; give the learner their page from feedback/p03/{PRC}/ another way")


def test_peer_course_status_prints_who_is_where_and_writes_the_missing_emails(cohort, capsys, tmp_path):
    table, missing = tmp_path / "status.csv", tmp_path / "missing.csv"
    assert main(["status", "--course-dir", str(cohort), "--csv", str(table), "--missing", str(missing)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[:7] == [
        (f"{PRC} (due 2026-11-20 23:59 UTC): 6 of 7 submitted, 2 late, 3 graded, 1 with feedback released, "
         "1 with feedback ready"),
        "  not submitted: p04",
        "  late: p02, p06",
        "  answers unreadable: dee-no-file",
        "  waiting to be graded: p05, p06",
        "  feedback ready, not released: p03",
        f"{SELF} (no due date): not released",
    ]
    with missing.open(newline="", encoding="utf-8-sig") as handle:
        assert list(csv.reader(handle)) == [["student_id", "last_name", "first_name", "email", "not_submitted"],
                                            ["p04", "Example", "P04", "p04@example.org", PRC]]
    with table.open(newline="", encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 14
    assert {r["status"] for r in rows if r["student_id"] == "p06"} == {"late", "not released"}
    assert out[-2].startswith("Every learner and assessment: ") and out[-1].startswith("1 learner(s) with something")


def test_feedback_is_released_once_the_exchange_holds_it_as_it_is(cohort, capsys):
    # (runs last: it releases p02's remade feedback) p01's page in the exchange is changed, then taken
    # away, as if an earlier release or none had happened: ready, not released
    from peer_course.grading import freshness
    from peer_course.grading.trainer_dir import TrainerDir

    [released] = freshness.released_feedback_pages(TrainerDir(cohort), PRC, "p01").values()
    kept = released.read_bytes()
    released.write_bytes(kept + b"<!-- an earlier page -->")
    status = {r.student: r for r in cohort_status(course_dir=cohort)[1] if r.assessment == PRC}
    assert (status["p01"].status, status["p01"].note) == (
        "feedback ready", "the exchange holds an earlier version of it; `peer-course feedback` releases it")
    released.unlink()
    status = {r.student: r for r in cohort_status(course_dir=cohort)[1] if r.assessment == PRC}
    assert (status["p01"].status, status["p01"].note) == (
        "feedback ready", "not released to the exchange yet; `peer-course feedback` releases it")
    # `peer-course feedback` puts it back without remaking it, and says who cannot get theirs
    assert main(["feedback", "--course-dir", str(cohort), "--assessment", PRC]) == 0
    out = capsys.readouterr().out
    assert released.read_bytes() == kept
    # p02's out-of-date page is remade and released too
    assert "Released 2 learner(s)' feedback to the exchange " in out
    assert (f"{PRC}: feedback for 2 learner(s) cannot be released: their submissions did not come through "
            "`nbgrader submit`") in out
    status = {r.student: r.status for r in cohort_status(course_dir=cohort)[1] if r.assessment == PRC}
    assert (status["p01"], status["p02"], status["p03"]) == ("feedback released", "feedback released",
                                                             "feedback ready")
