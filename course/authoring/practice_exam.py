"""The practice exam's keys for attempts drawn from the graded assessments.

An attempt handed in to the trainer draws from the graded assessments'
questions (see :mod:`peer_widgets.exam`), whose keys live only in their
notebooks' hidden tests. The practice exam's own hidden test carries a copy
of the keys of every question it can draw, so nbgrader can score the attempt
on the trainer's side and nbgrader's student version strips them, like every
other key. This module writes that copy (``peer-course exam-keys``, and after
``peer-course author``) and says when it is out of date (``peer-course
validate``), so a changed key in a graded assessment cannot leave the practice
exam scoring against the old one.
"""

from __future__ import annotations

import ast
import json
from pathlib import Path

import nbformat
from peer_widgets import exam
from peer_widgets.content import assessments_dir
from peer_widgets.manifest import Manifest, load_manifest

from peer_course.authoring.scoring import _hidden_call, scoring_cells


def graded_keys(manifest: Manifest | None = None) -> dict[str, str]:
    """The key of every question a graded attempt can draw (its first version's),
    read from the graded assessments' hidden tests."""
    manifest = manifest or load_manifest()
    wanted = {q.item.id for q in exam.graded_pool(manifest)}
    keys: dict[str, str] = {}
    for module in manifest.modules:
        if not module.assessment:
            continue
        cells, _task_points = scoring_cells(assessments_dir() / module.assessment / f"{module.assessment}.ipynb")
        keys.update({cell.item_id: cell.key for cell in cells if cell.item_id in wanted})
    return dict(sorted(keys.items()))


def _notebook_path(manifest: Manifest) -> Path:
    name = manifest.practice_exam.assessment
    return assessments_dir() / name / f"{name}.ipynb"


def _test_cell(notebook) -> nbformat.NotebookNode | None:
    for cell in notebook.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == exam.RECORD:
            return cell
    return None


def test_source(keys: dict[str, str], points: float) -> str:
    """The practice exam's autograder-test cell, every key inside the hidden region."""
    points_text = int(points) if float(points).is_integer() else points
    return ("# Scored automatically after you submit; nothing to do here.\n"
            "### BEGIN HIDDEN TESTS\n"
            "from peer_widgets.grading import score_practice_exam\n"
            f"score_practice_exam({json.dumps(exam.RECORD)}, points={points_text}, "
            f"keys={json.dumps(keys, sort_keys=True)})\n"
            "### END HIDDEN TESTS")


def written_keys(manifest: Manifest | None = None) -> dict | None:
    """The keys the practice exam's hidden test holds now (None: no such cell)."""
    manifest = manifest or load_manifest()
    if manifest.practice_exam is None:
        return None
    cell = _test_cell(nbformat.read(_notebook_path(manifest), as_version=4))
    if cell is None:
        return None
    call = _hidden_call(cell.source)
    for keyword in call.keywords if call is not None else ():
        if keyword.arg == "keys":
            return ast.literal_eval(keyword.value)
    return {}


def problems(manifest: Manifest | None = None) -> list[str]:
    """What is wrong with the practice exam's copy of the keys, for ``peer-course validate``."""
    manifest = manifest or load_manifest()
    if manifest.practice_exam is None:
        return []
    written = written_keys(manifest)
    if written is None:
        return [f"{_notebook_path(manifest)}: no autograder-test cell '{exam.RECORD}'"]
    if written != graded_keys(manifest):
        return [f"{_notebook_path(manifest)}: test cell '{exam.RECORD}': the keys of the graded questions the "
                "practice exam draws are out of date (a graded assessment changed); run `peer-course exam-keys`"]
    return []


def write_keys(manifest: Manifest | None = None) -> Path | None:
    """Write the current keys into the practice exam's hidden test; the path written (None: no practice exam)."""
    manifest = manifest or load_manifest()
    if manifest.practice_exam is None:
        return None
    path = _notebook_path(manifest)
    notebook = nbformat.read(path, as_version=4)
    cell = _test_cell(notebook)
    if cell is None:
        raise ValueError(f"{path}: no autograder-test cell '{exam.RECORD}'; author the practice exam first")
    cell.source = test_source(graded_keys(manifest), cell.metadata["nbgrader"].get("points", exam.EXAM_SIZE))
    nbformat.write(notebook, path)
    return path
