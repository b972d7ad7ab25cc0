"""The key-leak checks can fail: a leak planted in a real grading run is caught.

``test_nbgrader_cycle.py`` uses these checks on every assessment; here a
test cell is made to print its key, the way a careless change to a grading
helper would, and its rationale to quote the key, the way a careless author
would; each check must report its leak.
"""

from __future__ import annotations

import json
import re
import shutil

import nbformat
import pytest

from peer_course.grading.steps import autograde, build, feedback
from peer_course.grading.trainer_dir import init_course_dir
from tests.support import oracle
from tests.support.leaks import keys_in, unexpected_test_output

NAME = "peer-role-check"


def test_key_forms_are_found_in_text():
    single, multiple, matching = (oracle.Graded("g", "i1", "single_choice", 1.0, "b"),
                                  oracle.Graded("g", "i2", "multiple_select", 1.0, ["c", "a"]),
                                  oracle.Graded("g", "i3", "matching", 1.0, {"t1": "c2", "t2": "c1"}))
    items = [single, multiple, matching]
    assert keys_in("i1: 1 of 1 points. The key beliefs of peers.", items) == []
    assert keys_in("debug: key = b", items) == ["i1: key = b"]
    assert keys_in("right answers: [&#x27;a&#x27;, &#x27;c&#x27;]", items) == ["i2: ['a', 'c']"]
    assert keys_in('{"t1": "c2", "t2": "c1"}', items) == ['i3: {"t1": "c2", "t2": "c1"}']
    # another version's key is a key too
    versioned = oracle.Graded("g", "i4", "single_choice", 1.0, "b", {"v2": {"key": "d", "rationale": "..."}})
    assert keys_in("debug: key = d", [versioned]) == ["i4: key = d"]
    assert keys_in('score_single("i4", variants={"v2": ...})', [versioned]) == ["i4: variants={"]


@pytest.mark.slow
def test_a_leaking_test_cell_is_caught(tmp_path):
    course = init_course_dir(tmp_path / "trainer", assessments=[NAME])
    source = course / "source" / NAME / f"{NAME}.ipynb"
    nb = nbformat.read(source, as_version=4)
    items = oracle.graded_items(NAME)
    leaked = next(item for item in items if item.kind == "multiple_select")
    cell = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == leaked.item_id)
    # a grading helper that prints its key, planted inside the hidden region
    cell.source = cell.source.replace("### END HIDDEN TESTS",
                                      f"print('debug answers:', {sorted(leaked.key)!r})\n### END HIDDEN TESTS")
    cell.source = cell.source.replace("score_multiple(", "_ = score_multiple(")
    cell.source = cell.source.replace("### END HIDDEN TESTS", "_\n### END HIDDEN TESTS")
    # and a careless rationale that quotes the key (learners read rationales in feedback)
    # (a rationale is given per language: {"en": ..., "es": ...})
    cell.source = re.sub(r', rationale=\{[^}]*\}', "", cell.source)
    assert "rationale=" not in cell.source.split("variants=")[0]
    cell.source = cell.source.replace(", points=", f", rationale={{\"en\": \"The right answers are {sorted(leaked.key)!r}.\", "
                                                   f"\"es\": \"Son {sorted(leaked.key)!r}.\"}}, points=")
    nbformat.write(nb, source)
    build(course_dir=course, assessments=[NAME], progress=lambda m: None)
    target = course / "submitted" / "ada" / NAME
    shutil.copytree(course / "release" / NAME, target)
    bank = oracle.released_bank(NAME)
    records = {item.item_id: oracle.record(oracle.answer(item, bank, oracle.RIGHT)[0]) for item in items}
    (target / "responses.json").write_text(json.dumps(oracle.document(records)), encoding="utf-8")
    assert all(o.ok for o in autograde(course_dir=course, assessments=[NAME], progress=lambda m: None))
    feedback(course_dir=course, assessments=[NAME], progress=lambda m: None)
    graded = course / "autograded" / "ada" / NAME / f"{NAME}.ipynb"
    assert [line for line in unexpected_test_output(graded) if "debug answers" in line]
    page = (course / "feedback" / "ada" / NAME / f"{NAME}.html").read_text(encoding="utf-8")
    # feedback shows no test cell output, so the printed key never reaches the learner...
    assert "debug answers" not in page
    # ...but a rationale does, after grading: one that gives the key away is caught
    assert f"{leaked.item_id}: {sorted(leaked.key)!r}" in keys_in(page, items)
