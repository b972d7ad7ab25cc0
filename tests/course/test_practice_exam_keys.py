"""The practice exam's copy of the graded questions' keys (for attempts handed
in to the trainer) is current, stays on the trainer's side, and a stale copy
is reported by ``peer-course validate`` with what to run."""

from __future__ import annotations

import json
import re
import shutil

from peer_course.authoring import practice_exam
from peer_course.authoring.validate import validate_course
from peer_course.cli import main
from peer_course.serving.student_version import make_student_version
from peer_widgets.content import assessments_dir
from peer_widgets.manifest import load_manifest
from tests.support.oracle import graded_practice_pool

NAME = "practice-exam"


def test_the_committed_hidden_test_holds_every_graded_key_the_exam_can_draw():
    assert practice_exam.written_keys() == graded_practice_pool()  # read independently of the writer
    assert practice_exam.problems() == []


def test_a_changed_graded_key_is_reported_and_exam_keys_brings_the_copy_up_to_date(tmp_path, monkeypatch, capsys):
    copy = tmp_path / "assessments"
    shutil.copytree(assessments_dir(), copy)
    monkeypatch.setenv("PEER_COURSE_ASSESSMENTS", str(copy))
    notebook = copy / "peer-role-check" / "peer-role-check.ipynb"
    text = notebook.read_text(encoding="utf-8")
    assert 'score_single(\\"pr-k01\\", key=\\"c\\"' in text
    notebook.write_text(text.replace('score_single(\\"pr-k01\\", key=\\"c\\"', 'score_single(\\"pr-k01\\", key=\\"b\\"'),
                        encoding="utf-8")
    found = validate_course()
    assert len(found) == 1 and "practice-exam.ipynb" in found[0] and "run `peer-course exam-keys`" in found[0]
    assert main(["exam-keys"]) == 0
    assert "Wrote the keys of" in capsys.readouterr().out
    assert practice_exam.written_keys(load_manifest())["pr-k01"] == "b"
    assert validate_course() == []


def test_the_student_version_holds_none_of_the_graded_keys(tmp_path):
    folder = make_student_version(NAME, tmp_path / NAME)
    text = "\n".join(p.read_text(encoding="utf-8", errors="replace") for p in folder.rglob("*") if p.is_file())
    assert "BEGIN HIDDEN TESTS" not in text and "keys=" not in text
    pairs = [f'"{item_id}": "{key}"' for item_id, key in graded_practice_pool().items()]
    assert not [pair for pair in pairs if pair in text or pair.replace('"', '\\"') in text]
    source = (assessments_dir() / NAME / f"{NAME}.ipynb").read_text(encoding="utf-8")
    assert sum(pair.replace('"', '\\"') in source for pair in pairs) == len(pairs)  # the check can see them
    assert re.search(r"### BEGIN HIDDEN TESTS\\n\",\s+\"from peer_widgets.grading import score_practice_exam\\n\",\s+"
                     r"\"score_practice_exam\(\\\"px-exam\\\", points=75, keys=", source)
    assert json.loads(source)  # still a notebook
