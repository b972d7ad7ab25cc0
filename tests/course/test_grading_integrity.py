"""No learner can change a grade, read a key, or reach another learner's work.

Each attack below was reproduced by a security review on ``peer-role-check``
(issue "Grading integrity"). Every attacker submits no answers or only wrong
ones, so the honest grade of each is exactly what their own answers earn;
the honest learner's grade must not move. Autograde runs with one worker so
the honest learner (``a-honest``) is graded before the attackers.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
from pathlib import Path

import nbformat
import pytest

from peer_course.grading.gradebook import open_gradebook
from peer_course.grading.steps import autograde, build, feedback
from peer_course.grading.trainer_dir import TrainerDir, init_course_dir
from tests.support import oracle

pytestmark = pytest.mark.slow

NAME = "peer-role-check"
MARKER = "peer-course-attack-leftover-7d1c"
HONEST = "a-honest"

FORGE_HELPERS = """
import peer_widgets.grading as g
for name in ("score_single", "score_multiple", "score_matching", "score_rating", "score_completion"):
    setattr(g, name, lambda item_id, points=1.0, **kwargs: float(points))
"""
SILENCE = 'get_ipython().ast_node_interactivity = "none"'
TEXT_FLOATS = ("get_ipython().display_formatter.formatters['text/plain'].for_type("
               "float, lambda value, printer, cycle: printer.text('full marks'))")
STEAL_KEYS = r"""
import json, re
source = json.load(open("../../../source/peer-role-check/peer-role-check.ipynb"))
items = {}
for cell in source["cells"]:
    text = "".join(cell["source"])
    for scorer, item_id, key in re.findall(r'(score_\w+)\("([^"]+)", key=(.*?), points=', text):
        items[item_id] = {"value": json.loads(key), "answered_at": "2026-11-25T09:00:00Z", "attempts": 1}
    for item_id in re.findall(r'score_rating\("([^"]+)"', text):
        items[item_id] = {"value": {"rating": "advanced", "comment": ""}, "answered_at": "2026-11-25T09:00:00Z", "attempts": 1}
json.dump({"schema_version": 1, "items": items}, open("responses.json", "w"))
"""
PRINT_KEYS = """
import json
for cell in json.load(open("../../../source/peer-role-check/peer-role-check.ipynb"))["cells"]:
    print("".join(cell["source"]))
"""
EDIT_GRADEBOOK = """
import sqlite3
db = sqlite3.connect("../../../gradebook.db")
db.execute("UPDATE grade SET auto_score = 0 WHERE notebook_id IN (SELECT n.id FROM submitted_notebook n "
           "JOIN submitted_assignment a ON n.assignment_id = a.id WHERE a.student_id = 'a-honest')")
db.commit()
db.close()
"""
LEAVE_PROCESS = f"""
import subprocess, sys
subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)", "{MARKER}"],
                 start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
"""
SHADOW_PACKAGE = {
    "peer_widgets/__init__.py": "class Page:\n    def __init__(self, *a, **k): pass\n"
                                "    def show(self, *a, **k): pass\n    def for_trainer(self, *a, **k): pass\n"
                                "    def development_plan(self, *a, **k): pass\n",
    "peer_widgets/grading.py": "def _full(item_id, points=1.0, **kwargs):\n    return float(points)\n"
                               "score_single = score_multiple = score_matching = score_rating = _full\n"
                               "score_completion = _full\n",
}

# learner -> (code cell to add after the notebook's setup cell, extra files)
ATTACKS = {
    "b-forge-helpers": (FORGE_HELPERS, {}),
    "c-silence-results": (SILENCE, {}),
    "d-text-floats": (TEXT_FLOATS, {}),
    "e-shadow-package": (None, SHADOW_PACKAGE),
    "f-steal-keys": (STEAL_KEYS, {}),
    "g-edit-gradebook": (EDIT_GRADEBOOK, {}),
    "h-print-keys": (PRINT_KEYS, {}),
    "i-leave-process": (LEAVE_PROCESS, {}),
}
SYMLINK = "j-symlink-answers"


def leftover_processes() -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if MARKER.encode() in (entry / "cmdline").read_bytes():
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


def submit(course: Path, learner: str, *, records: dict | None, cell: str | None = None,
           files: dict[str, str] | None = None) -> Path:
    target = course / "submitted" / learner / NAME
    shutil.copytree(course / "release" / NAME, target)
    (target / "timestamp.txt").write_text("2026-11-25 10:00:00.000000 UTC", encoding="utf-8")
    if records is not None:
        (target / "responses.json").write_text(json.dumps(oracle.document(records)), encoding="utf-8")
    if cell is not None:
        notebook = target / f"{NAME}.ipynb"
        nb = nbformat.read(notebook, as_version=4)
        nb.cells.insert(2, nbformat.v4.new_code_cell(cell))
        nbformat.write(nb, notebook)
    for name, text in (files or {}).items():
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        (target / name).write_text(text, encoding="utf-8")
    return target


def formgrader_autograde(course: Path) -> None:
    """Autograde the way the Formgrader's button (and the nbgrader command) does:
    nbgrader's own Autograde on the submission itself, in this process."""
    import warnings

    from peer_course.grading.runner import Runner

    # nbgrader's autograde raises SQLAlchemy warnings in-process (harmless; the
    # Formgrader shows them in its log); the test suite turns warnings into errors.
    with warnings.catch_warnings(), Runner(TrainerDir(course), progress=lambda m: None).api() as api:
        warnings.simplefilter("ignore")
        for student in sorted(p.name for p in (course / "submitted").iterdir()):
            result = api.autograde(NAME, student, force=True, create=True)
            assert result["success"], (student, result.get("error"))


@pytest.fixture(scope="module", params=["peer-course autograde", "Formgrader autograde"])
def graded(request, tmp_path_factory):
    course = init_course_dir(tmp_path_factory.mktemp("integrity") / "trainer", assessments=[NAME])
    build(course_dir=course, assessments=[NAME], progress=lambda m: None)
    bank = oracle.released_bank(NAME)
    records, expected = {}, 0.0
    for item in oracle.graded_items(NAME):
        value, score = oracle.answer(item, bank, oracle.RIGHT)
        records[item.item_id] = oracle.record(value)
        expected += score
    honest = submit(course, HONEST, records=records)
    for learner, (cell, files) in ATTACKS.items():
        submit(course, learner, records=None, cell=cell, files=files)
    # the answers file is a link to the honest learner's (full marks if followed)
    target = submit(course, SYMLINK, records=None)
    (target / "responses.json").symlink_to(honest / "responses.json")
    before = set(leftover_processes())
    if request.param == "peer-course autograde":
        outcomes = autograde(course_dir=course, assessments=[NAME], workers=1, time_limit=300,
                             progress=lambda m: None)
    else:
        formgrader_autograde(course)
        outcomes = None
    feedback(course_dir=course, assessments=[NAME], progress=lambda m: None)
    left = sorted(set(leftover_processes()) - before)
    for pid in left:  # never leave them running, whatever the result
        os.kill(pid, signal.SIGKILL)
    with open_gradebook(course) as gb:
        scores = {s.student_id: float(s.score) for s in gb.assignment_submissions(NAME)}
    yield course, round(expected, 4), outcomes, scores, left


def test_the_honest_learner_keeps_exactly_their_grade(graded):
    _, expected, _, scores, _ = graded
    assert expected > 0
    assert scores[HONEST] == pytest.approx(expected)


@pytest.mark.parametrize("learner", [*ATTACKS, SYMLINK])
def test_an_attack_earns_nothing(graded, learner):
    _, _, _, scores, _ = graded
    assert scores[learner] == 0.0, f"{learner} forged a grade"


def test_no_process_outlives_autograde(graded):
    *_, left = graded
    assert left == []


def test_no_key_reaches_the_learner_who_printed_them(graded):
    course, *_ = graded
    page = (course / "feedback" / "h-print-keys" / NAME / f"{NAME}.html").read_text(encoding="utf-8")
    assert "BEGIN HIDDEN TESTS" not in page
    assert "key=" not in page


def test_the_symlinked_answers_file_is_reported_and_the_submission_kept(graded):
    course, _, outcomes, _, _ = graded
    if outcomes is not None:  # peer-course autograde names it; the Formgrader logs it
        [outcome] = [o for o in outcomes if o.student == SYMLINK]
        assert "symbolic link" in outcome.message
    assert (course / "submitted" / SYMLINK / NAME / "responses.json").is_symlink()  # evidence is kept


def test_nothing_submitted_is_copied_into_the_graded_folder(graded):
    course, *_ = graded
    graded_folder = course / "autograded" / "e-shadow-package" / NAME
    assert not (graded_folder / "peer_widgets").exists()
    nb = nbformat.read(course / "autograded" / "b-forge-helpers" / NAME / f"{NAME}.ipynb", as_version=4)
    assert not any("setattr(g, name" in cell.source for cell in nb.cells)


def test_staging_is_cleaned_up(graded):
    course, *_ = graded
    assert [p for p in (course / ".peer-course-staging").rglob("*") if p.is_file()] == []


def test_every_submission_is_graded(graded):
    # none failed: the attacks were simply never run
    course, _, outcomes, scores, _ = graded
    assert set(scores) == {HONEST, *ATTACKS, SYMLINK}
    if outcomes is not None:
        assert [(o.student, o.message) for o in outcomes if not o.ok] == []
