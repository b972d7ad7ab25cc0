"""`peer-course export` writes CSV a spreadsheet and an LMS read right (issue 12, finding 1).

nbgrader's own export joins fields with commas and quotes nothing: a learner
named "Mary, Jr." got rows of 12 fields instead of 11. Ours quotes, writes
UTF-8 with a byte order mark, keeps every text cell inert against formula
injection, and has a wide layout (one row per learner, one column per released
assessment, supervisors left out, a status column).
"""

from __future__ import annotations

import csv
from datetime import datetime

import pytest

from tests.support.cohort import PRC, small_cohort

from peer_course.cli import main
from peer_course.grading.gradebook import open_gradebook
from peer_course.grading.roster import import_roster
from peer_course.grading.steps import export

pytestmark = pytest.mark.slow
SELF = "core-competencies-self-assessment"
NAMES = {  # id: (first, last, email)
    "p01": ("Mary, Jr.", "Núñez", "mary@example.org"),
    "p02": ("=HYPERLINK(\"http://evil.example\")", "Example", "+p02@example.org"),
    "p03": ("Ana", "Adams", "ana@example.org"),
    "supervisor--p01": ("Sam", "Boss", "sam@example.org"),
}


@pytest.fixture(scope="module")
def cohort(tmp_path_factory):
    root = tmp_path_factory.mktemp("export")
    course, _ = small_cohort(root, submitters=["p01", "p02"], others=["p03", "supervisor--p01"],
                             unreleased=(SELF,), days={"p02": 21}, with_feedback=False)
    roster = root / "names.csv"
    with roster.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "first_name", "last_name", "email"])
        for learner, (first, last, email) in NAMES.items():
            writer.writerow([learner, first, last, email])
    import_roster(roster, course_dir=course)
    with open_gradebook(course) as gb:
        gb.update_or_create_assignment(PRC, duedate=datetime(2026, 11, 20, 23, 59, 59))  # as `peer-course due` does
        graded = {s.student.id: s.score for s in gb.assignment_submissions(PRC)}
    return course, graded


def read(path):
    with path.open(newline="", encoding="utf-8-sig") as handle:
        return list(csv.reader(handle))


def has_bom(path) -> bool:
    """UTF-8 with a BOM: spreadsheets show "Núñez", not "NÃºÃ±ez"."""
    return path.read_bytes().startswith(b"\xef\xbb\xbf")


def test_long_layout_quotes_a_name_with_a_comma(cohort):
    course, graded = cohort
    path = export(course_dir=course, to=course / "grades.csv", progress=lambda m: None)
    rows = read(path)
    header = rows[0]
    assert header == ["assignment", "duedate", "timestamp", "student_id", "last_name", "first_name", "email",
                      "raw_score", "late_submission_penalty", "score", "max_score"]
    assert {len(row) for row in rows} == {11}
    assert has_bom(path)
    records = [dict(zip(header, row)) for row in rows[1:]]
    mary = next(r for r in records if r["student_id"] == "p01" and r["assignment"] == PRC)
    assert (mary["first_name"], mary["last_name"], mary["email"]) == NAMES["p01"]
    assert float(mary["score"]) == pytest.approx(graded["p01"])
    assert mary["duedate"] == "2026-11-20 23:59:59"
    evil = next(r for r in records if r["student_id"] == "p02" and r["assignment"] == PRC)
    assert evil["first_name"] == "'" + NAMES["p02"][0] and evil["email"] == "'+p02@example.org"  # inert
    # as nbgrader's export: every learner in the gradebook for every assessment, 0 when nothing was handed in
    assert {(r["student_id"], r["assignment"]) for r in records} == {(s, a) for s in NAMES for a in (PRC, SELF)}
    assert float(next(r for r in records if r["student_id"] == "p03" and r["assignment"] == PRC)["score"]) == 0.0


def test_wide_layout_for_an_lms(cohort, capsys):
    course, graded = cohort
    to = course / "lms.csv"
    assert main(["export", "--course-dir", str(course), "--layout", "wide", "--to", str(to)]) == 0
    assert capsys.readouterr().out.endswith(f"Grades written to {to}\n")
    rows = read(to)
    assert has_bom(to)
    # released assessments only (the self-assessment is built, not released); supervisors left out;
    # sorted by last name
    assert rows[0] == ["student_id", "last_name", "first_name", "email", PRC, "status"]
    assert [row[0] for row in rows[1:]] == ["p03", "p02", "p01"]
    by_id = {row[0]: row for row in rows[1:]}
    assert by_id["p03"][4:] == ["", f"not submitted: {PRC}"]
    assert float(by_id["p01"][4]) == pytest.approx(graded["p01"], abs=1e-4)
    assert by_id["p01"][1:3] == ["Núñez", "Mary, Jr."]
    assert by_id["p02"][2] == "'" + NAMES["p02"][0]
    # p02 handed in after the due date, as nbgrader's gradebook says too
    assert "late: " + PRC in by_id["p02"][5]
    with open_gradebook(course) as gb:
        assert gb.find_submission(PRC, "p02").total_seconds_late > 0
        assert gb.find_submission(PRC, "p01").total_seconds_late == 0


def test_a_bad_layout_or_folder_is_one_line(cohort, capsys, tmp_path):
    course, _ = cohort
    assert main(["export", "--course-dir", str(course), "--to", str(tmp_path / "no" / "such" / "g.csv")]) == 1
    err = capsys.readouterr().err
    assert err == (f"peer-course export: {tmp_path / 'no' / 'such'} does not exist; make the folder first "
                   "or choose another --to\n")
