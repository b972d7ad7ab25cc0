"""The whole nbgrader cycle on the course's real assessments, in a temporary
trainer folder: build the student versions, submit for five simulated
learners, autograde, check exact scores, generate feedback, export CSV, and
prove no key reaches anything a learner receives.

Expected scores are computed here from the keys in each source notebook's
hidden tests and the scoring rules the course documents, independently of
the grading helpers under test.
"""

from __future__ import annotations

import csv
import json
import re
import shutil
from pathlib import Path

import nbformat
import pytest
import yaml

from peer_widgets.manifest import load_manifest
from peer_course.grading.steps import autograde, build, export, feedback
from peer_course.grading.trainer_dir import init_course_dir
from tests.support.leaks import keys_in, unexpected_test_output
from tests.support.oracle import (PARTIAL, RIGHT, WRONG, answer, document, graded_items, private_reflection,
                                  record, reflection_ids, released_bank, task_points)

pytestmark = pytest.mark.slow

ASSESSMENTS = load_manifest().assessments
LEARNERS = ["ada-all-right", "ben-all-wrong", "cruz-partly", "dee-no-file", "eli-corrupt", "fay-second-version"]


def quality(learner: str, index: int, exam: bool = False) -> str:
    """ada gets everything right, ben everything wrong, cruz every other item
    right and partial credit (where an item gives it) on the rest; fay, shown
    every item's second version, gets every other item right by that version's
    key and the rest wrong."""
    if learner.startswith("ada"):
        return RIGHT
    if learner.startswith("cruz"):  # the practice exam is one item: a third of its questions right
        return RIGHT if index % 2 == 0 and not exam else PARTIAL
    if learner.startswith("fay"):  # and a third of a practice exam handed in from the graded questions
        return PARTIAL if exam else RIGHT if index % 2 == 0 else WRONG
    return WRONG


def write_submission(course: Path, learner: str, name: str) -> float:
    """Submit one learner's work; return the expected autograded score."""
    release = course / "release" / name
    target = course / "submitted" / learner / name
    shutil.copytree(release, target)
    (target / "timestamp.txt").write_text("2026-11-25 10:00:00.000000 UTC", encoding="utf-8")
    bank = released_bank(name, release)
    records, expected = {}, 0.0
    for index, item in enumerate(graded_items(name)):
        variant = "v2" if learner.startswith("fay") and item.variants else None
        # fay hands in a practice exam drawn from the graded questions, scored by the keys in its hidden test
        value, score = answer(item, bank, quality(learner, index, item.kind == "practice_exam"), variant=variant,
                              exam_source="graded" if learner.startswith("fay") else "lessons")
        records[item.item_id] = record(value, variant)
        expected += score
    for item_id in reflection_ids(bank):
        records[item_id] = record(private_reflection())
    if learner.startswith("dee"):
        return 0.0
    if learner.startswith("eli"):
        (target / "responses.json").write_text('{"schema_version": 1, "items": {"pc-k', encoding="utf-8")
        return 0.0
    (target / "responses.json").write_text(json.dumps(document(records)), encoding="utf-8")
    # private reflections earn their completion marks at autograde, with no trainer
    return round(expected + task_points(name), 2)


@pytest.fixture(scope="module")
def cycle(tmp_path_factory):
    course = init_course_dir(tmp_path_factory.mktemp("trainer"), assessments=ASSESSMENTS)
    messages: list[str] = []
    build(course_dir=course, progress=messages.append, assessments=ASSESSMENTS)
    expected = {(learner, name): write_submission(course, learner, name)
                for name in ASSESSMENTS for learner in LEARNERS}
    outcomes = autograde(course_dir=course, assessments=ASSESSMENTS, progress=messages.append)
    feedback(course_dir=course, assessments=ASSESSMENTS, progress=messages.append)
    csv_path = export(course_dir=course, to=course / "grades.csv", progress=messages.append)
    return course, expected, outcomes, csv_path, messages


def test_every_submission_autogrades(cycle):
    _, expected, outcomes, _, messages = cycle
    assert [(o.assessment, o.student, o.ok, o.message) for o in outcomes if not o.ok] == []
    assert len(outcomes) == len(expected)
    assert messages[0] == f"[1/{len(ASSESSMENTS)}] building the student version of {ASSESSMENTS[0]}"
    assert f"[{len(expected)}/{len(expected)}] autograding" in messages[len(ASSESSMENTS) + len(expected) - 1]


def test_exact_scores_in_exported_csv(cycle):
    course, expected, _, csv_path, _ = cycle
    with csv_path.open(newline="", encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    got = {(row["student_id"], row["assignment"]): float(row["score"]) for row in rows}
    assert got == pytest.approx(expected)
    for name in ASSESSMENTS:
        items, tasks = graded_items(name), task_points(name)
        max_score = sum(item.points for item in items) + tasks
        assert {float(row["max_score"]) for row in rows if row["assignment"] == name} == {max_score}
        # the all-right learner kept the reflection private: every point, with no trainer
        assert got[("ada-all-right", name)] == pytest.approx(max_score)
        assert got[("cruz-partly", name)] > 0
        assert got[("cruz-partly", name)] < got[("ada-all-right", name)]


def test_feedback_explains_zero_scores_and_shows_private_status(cycle):
    course, _, _, _, _ = cycle
    name = ASSESSMENTS[0]
    html = (course / "feedback" / "dee-no-file" / name / f"{name}.html").read_text(encoding="utf-8")
    assert "no answers file (responses.json) was found with this submission." in html
    html = (course / "feedback" / "eli-corrupt" / name / f"{name}.html").read_text(encoding="utf-8")
    assert "the answers file (responses.json) could not be read." in html
    html = (course / "feedback" / "ada-all-right" / name / f"{name}.html").read_text(encoding="utf-8")
    assert "You wrote this reflection and kept it private (57 words)." in html


def learner_files(course: Path, name: str) -> list[Path]:
    """Everything a learner receives for an assessment, but their own answers
    (feedback hands back their responses.json, which holds what they chose)."""
    files = [p for p in (course / "release" / name).rglob("*") if p.is_file()]
    for learner in LEARNERS:
        files += [p for p in (course / "feedback" / learner / name).rglob("*")
                  if p.is_file() and p.name != "responses.json"]
    return files


@pytest.mark.parametrize("name", ASSESSMENTS)
def test_no_key_reaches_a_learner(cycle, name):
    course, _, _, _, _ = cycle
    files = learner_files(course, name)
    assert {p.name for p in files} >= {f"{name}.ipynb", "items.yaml", f"{name}.html"}
    items = graded_items(name)
    for path in files:
        text = path.read_text(encoding="utf-8", errors="replace")
        assert "BEGIN HIDDEN TESTS" not in text, path
        assert keys_in(text, items) == [], path
    for learner in LEARNERS:
        graded = course / "autograded" / learner / name / f"{name}.ipynb"
        assert unexpected_test_output(graded) == [], graded  # test cells print score lines only
    released = yaml.safe_load((course / "release" / name / "items.yaml").read_text(encoding="utf-8"))
    assert all("key" not in item for item in released["items"])
    assert all("feedback" not in option for item in released["items"] for option in item.get("options", []))


def test_released_notebook_runs_for_a_learner(cycle, tmp_path):
    """The student version executes cleanly (no errors, nothing on stderr)."""
    from nbclient import NotebookClient

    course = cycle[0]
    for name in ASSESSMENTS:
        folder = tmp_path / name
        shutil.copytree(course / "release" / name, folder)
        nb = nbformat.read(folder / f"{name}.ipynb", as_version=4)
        NotebookClient(nb, kernel_name="python3", timeout=120, store_widget_state=True,
                       resources={"metadata": {"path": str(folder)}}).execute()
        state = json.dumps(nb.metadata.get("widgets", {}))
        assert len(state) > 1000  # the page's widgets were really built
        assert keys_in(state, graded_items(name)) == [], name  # no key in any widget's state
        from nbconvert import HTMLExporter

        page, _ = HTMLExporter().from_notebook_node(nb)  # the page as rendered for the learner
        assert keys_in(page, graded_items(name)) == [] and "BEGIN HIDDEN TESTS" not in page, name
        bad = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs
               if o.output_type == "error" or (o.output_type == "stream" and o.name == "stderr")]
        assert bad == [], name
        assert not (folder / "responses.json").exists()


def test_rerunning_steps_is_safe(cycle):
    course, expected, _, csv_path, _ = cycle
    before = csv_path.read_text(encoding="utf-8")
    again = autograde(course_dir=course, assessments=ASSESSMENTS[:1], progress=lambda m: None)
    assert all(o.ok for o in again)
    export(course_dir=course, to=csv_path, progress=lambda m: None)
    assert csv_path.read_text(encoding="utf-8") == before


def test_practice_exam_feedback_shows_each_domain_and_never_a_question(cycle):
    """fay handed in an attempt drawn from the graded checks, a third of it right;
    cruz a practice attempt from the lessons. Each one's feedback shows the score
    in each IC&RC domain and the modules to review, and nothing per question."""
    course, _, _, _, _ = cycle
    for learner in ("fay-second-version", "cruz-partly"):
        page = (course / "feedback" / learner / "practice-exam" / "practice-exam.html").read_text(encoding="utf-8")
        assert "By IC&amp;RC domain" in page or "By IC&RC domain" in page, learner
        rights = [int(a) for a, _ in re.findall(r">(?:Advocacy|Mentoring and education|Recovery and wellness support|"
                                                 r"Ethical responsibility): (\d+) of (\d+) right\.<", page)]
        assert len(rights) == 4 and sum(rights) == 25, learner  # a third of 75
        assert page.count(" look again at Module ") == 4, learner
        attempt = json.loads((course / "submitted" / learner / "practice-exam" / "responses.json")
                             .read_text(encoding="utf-8"))["items"]["px-exam"]["value"]
        assert not [item_id for item_id in attempt["items"] if item_id in page], learner
