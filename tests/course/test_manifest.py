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
    assert len(manifest.modules) == 7
    assert len(manifest.assessments) == 8


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
