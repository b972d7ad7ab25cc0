"""The course manifest: the real one loads; a broken one names file, module and field."""

from __future__ import annotations

import pytest
import yaml

from peer_widgets.manifest import ManifestError, load_manifest
from peer_widgets.content import manifest_path


def broken(tmp_path, change):
    data = yaml.safe_load(manifest_path().read_text(encoding="utf-8"))
    change(data)
    path = tmp_path / "course.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


def test_real_manifest():
    manifest = load_manifest()
    assert len(manifest.modules) == 17
    # every module's check, then the self-assessment and the practice exam
    assert manifest.assessments == [m.assessment for m in manifest.modules] + [
        "core-competencies-self-assessment", "practice-exam"]


def test_missing_field(tmp_path):
    path = broken(tmp_path, lambda d: d["modules"][2].pop("minutes"))
    with pytest.raises(ManifestError, match=r"course.yaml: module 'recovery-language': field '\(module\)': 'minutes' is a required property"):
        load_manifest(path)


def test_unknown_category(tmp_path):
    path = broken(tmp_path, lambda d: d["modules"][0]["categories"].append("courage"))
    with pytest.raises(ManifestError, match=r"module 'peer-role': field 'categories': unknown category 'courage'"):
        load_manifest(path)
    with pytest.raises(ManifestError, match="unknown category 'courage'"):
        load_manifest(path)  # the cross-field rule is checked every time, cache or not


def test_bad_type(tmp_path):
    path = broken(tmp_path, lambda d: d["modules"][1].update(minutes="forty"))
    with pytest.raises(ManifestError, match=r"module 'recovery-principles': field 'minutes': 'forty' is not of type 'integer'"):
        load_manifest(path)


def test_the_home_page_says_what_each_lesson_says():
    """The course home lists each module's objectives and time from the manifest;
    they must be the lesson's own (its "What you will learn" and "Time"), and
    every source document the lesson names is listed."""
    import re

    import nbformat

    from peer_widgets.content import modules_dir

    for module in load_manifest().modules:
        nb = nbformat.read(modules_dir() / module.notebook, as_version=4)
        intro = nb.cells[0].source
        objectives = intro.split("**What you will learn**")[1].split("**Time")[0]
        assert list(module.objectives) == [line[2:].strip() for line in objectives.strip().splitlines()
                                           if line.startswith("- ")], module.id
        assert module.minutes == int(re.search(r"\*\*Time:\*\* about (\d+) minutes", intro).group(1)), module.id
        text = "".join(cell.source for cell in nb.cells if cell.cell_type == "markdown")
        assert set(re.findall(r"\d{3}_[0-9a-f]{16}\.txt", text)) <= set(module.sources), module.id
