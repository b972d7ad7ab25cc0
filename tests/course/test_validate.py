"""`peer-course validate` on the real course, and on broken copies of it."""

from __future__ import annotations

import json
import re
import shutil

import pytest

from peer_course.cli import main
from peer_widgets.content import course_root
from peer_course.authoring.validate import validate_course


def test_the_course_is_valid():
    assert validate_course() == []


def test_validate_command_exits_zero(capsys):
    assert main(["validate"]) == 0
    assert "The course is valid" in capsys.readouterr().out


@pytest.fixture
def course_copy(tmp_path, monkeypatch):
    root = tmp_path / "course"
    for part in ("modules", "assessments"):
        shutil.copytree(course_root() / part, root / part,
                        ignore=shutil.ignore_patterns("responses.json*", ".ipynb_checkpoints"))
    monkeypatch.setenv("PEER_COURSE_ROOT", str(root))
    return root


def test_reports_key_outside_hidden_tests_and_wrong_points(course_copy):
    name = "recovery-principles-check"
    path = course_copy / "assessments" / name / f"{name}.ipynb"
    nb = json.loads(path.read_text(encoding="utf-8"))
    cell = next(c for c in nb["cells"] if c["metadata"].get("nbgrader", {}).get("grade_id") == "rp-k01")
    source = "".join(cell["source"]).replace("### BEGIN HIDDEN TESTS\n", "").replace("### END HIDDEN TESTS", "")
    cell["source"] = source
    cell["metadata"]["nbgrader"]["points"] = 5
    path.write_text(json.dumps(nb), encoding="utf-8")
    problems = validate_course()
    assert f"{path}: item 'rp-k01': the key is outside the hidden tests region" in problems
    assert any(p.startswith(f"{path}: item 'rp-k01': field 'points': test cell says 5") for p in problems)


def test_reports_outputs_and_unshown_items(course_copy):
    path = course_copy / "modules" / "02-recovery-principles.ipynb"
    nb = json.loads(path.read_text(encoding="utf-8"))
    shows = [c for c in nb["cells"] if c["cell_type"] == "code" and "page.show(" in "".join(c["source"])]
    shows[0]["source"] = "page.show()"
    shows[1]["outputs"] = [{"output_type": "stream", "name": "stdout", "text": "hi"}]
    path.write_text(json.dumps(nb), encoding="utf-8")
    problems = validate_course()
    assert any(p.startswith(f"{path}: item 'rp-f01': in items/recovery-principles.yaml but never shown") for p in problems)
    assert any("has stored outputs; clear them before committing" in p for p in problems)


def test_reports_released_key_and_duplicate_ids(course_copy, capsys):
    bank = course_copy / "assessments" / "peer-role-check" / "items.yaml"
    bank.write_text(bank.read_text(encoding="utf-8").replace("- id: pr-k01\n", "- id: pr-k01\n  key: a\n", 1),
                    encoding="utf-8")
    assert main(["validate"]) == 1
    err = capsys.readouterr().err
    assert f"{bank}: item 'pr-k01': field 'key': graded banks are released to learners and must not hold a key" in err
    assert err.strip().endswith("problem(s) found")


def test_reports_a_version_without_its_own_key_or_with_a_bad_one(course_copy):
    name = "recovery-principles-check"
    path = course_copy / "assessments" / name / f"{name}.ipynb"
    nb = json.loads(path.read_text(encoding="utf-8"))
    cells = {c["metadata"].get("nbgrader", {}).get("grade_id"): c for c in nb["cells"]}
    first, second = cells["rp-k01"], cells["rp-k02"]
    first["source"] = re.sub(r", variants=\{.*\}\)", ")", "".join(first["source"]))
    second["source"] = re.sub(r'"key": "[a-z]"', '"key": "zz"', "".join(second["source"]))
    path.write_text(json.dumps(nb), encoding="utf-8")
    problems = validate_course()
    assert any(p.startswith(f"{path}: item 'rp-k01': field 'variants': the hidden test has keys for versions none "
                            "but items.yaml has versions ['v2']") for p in problems), problems
    assert any(p.startswith(f"{path}: item 'rp-k02': field 'variants.v2.key'") for p in problems), problems


def test_reports_an_item_without_its_framework_tags(course_copy):
    bank = course_copy / "modules" / "items" / "peer-role.yaml"
    text = bank.read_text(encoding="utf-8")
    bank.write_text(re.sub(r"\n *california: [\w-]+", "", text, count=1), encoding="utf-8")
    problems = validate_course()
    assert any(p.startswith(f"{bank}: item 'pr-f01': field 'california': tag the item with its California core "
                            "competency") for p in problems), problems
    assert len([p for p in problems if "tag the item" in p]) == 1


def test_a_tag_outside_the_framework_is_refused_by_the_schema(course_copy, capsys):
    bank = course_copy / "assessments" / "peer-role-check" / "items.yaml"
    text = bank.read_text(encoding="utf-8")
    bank.write_text(text.replace("  icrc: ", "  icrc: peer-magic-", 1), encoding="utf-8")
    assert main(["validate"]) == 1
    err = capsys.readouterr().err
    assert f"{bank}: item 'pr-k01': field 'icrc': 'peer-magic-" in err and "is not one of" in err
