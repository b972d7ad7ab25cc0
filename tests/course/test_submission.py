"""The clean copy autograde grades: only the trainer's files and a checked
answers file; never a link, an oversized or over-nested file, or anything else
the learner put in the submission."""

from __future__ import annotations

import json
import os

import pytest

from peer_course.grading.submission import MAX_ANSWERS_BYTES, MAX_DEPTH, REJECTED, stage, unstage
from tests.support import oracle

GOOD = oracle.document({"q1": oracle.record("b")})


@pytest.fixture
def folders(tmp_path):
    course = tmp_path / "trainer"
    release = course / "release" / "check"
    submitted = course / "submitted" / "ana" / "check"
    release.mkdir(parents=True)
    submitted.mkdir(parents=True)
    (release / "check.ipynb").write_text("the trainer's notebook", encoding="utf-8")
    (release / "items.yaml").write_text("the released bank", encoding="utf-8")
    (submitted / "check.ipynb").write_text("the learner's notebook, with their own cells", encoding="utf-8")
    (submitted / "timestamp.txt").write_text("2026-11-25 10:00:00.000000 UTC", encoding="utf-8")
    return course, release, submitted


def staged(folders):
    course, release, submitted = folders
    return stage(course_dir=course, submitted=submitted, release=release, student="ana", assessment="check")


def test_only_the_trainers_files_and_the_answers_are_staged(folders):
    _, _, submitted = folders
    (submitted / "responses.json").write_text(json.dumps(GOOD), encoding="utf-8")
    (submitted / "peer_widgets").mkdir()
    (submitted / "peer_widgets" / "__init__.py").write_text("raise SystemExit", encoding="utf-8")
    (submitted / "sitecustomize.py").write_text("raise SystemExit", encoding="utf-8")
    result = staged(folders)
    assert sorted(p.name for p in result.folder.iterdir()) == ["check.ipynb", "items.yaml", "responses.json",
                                                               "timestamp.txt"]
    assert (result.folder / "check.ipynb").read_text(encoding="utf-8") == "the trainer's notebook"
    assert json.loads((result.folder / "responses.json").read_text(encoding="utf-8")) == GOOD
    assert result.notes == ()


def test_a_linked_answers_file_is_never_followed(folders, tmp_path):
    _, _, submitted = folders
    secret = tmp_path / "someone-elses.json"
    secret.write_text(json.dumps(GOOD), encoding="utf-8")
    (submitted / "responses.json").symlink_to(secret)
    result = staged(folders)
    assert (result.folder / "responses.json").read_bytes() == REJECTED
    assert result.notes == ("the answers file was not used: responses.json is a symbolic link",)


def test_an_oversized_answers_file_is_rejected(folders):
    _, _, submitted = folders
    (submitted / "responses.json").write_bytes(b" " * (MAX_ANSWERS_BYTES + 1))
    result = staged(folders)
    assert (result.folder / "responses.json").read_bytes() == REJECTED
    assert "larger than" in result.notes[0]


def test_a_deeply_nested_answers_file_is_rejected(folders):
    _, _, submitted = folders
    value: object = "x"
    for _ in range(MAX_DEPTH + 5):
        value = [value]
    (submitted / "responses.json").write_text(json.dumps(oracle.document({"q1": oracle.record(value)})),
                                              encoding="utf-8")
    result = staged(folders)
    assert (result.folder / "responses.json").read_bytes() == REJECTED
    assert "nests more than" in result.notes[0]


def test_a_pathologically_nested_file_does_not_crash_staging(folders):
    _, _, submitted = folders
    (submitted / "responses.json").write_text("[" * 200_000 + "]" * 200_000, encoding="utf-8")
    result = staged(folders)
    assert (result.folder / "responses.json").exists()  # staged as it is: grading says it cannot be read


def test_a_fifo_is_not_read(folders):
    _, _, submitted = folders
    os.mkfifo(submitted / "responses.json")
    result = staged(folders)
    assert "not a regular file" in result.notes[0]


def test_an_unreadable_timestamp_is_dropped_with_a_note(folders):
    _, _, submitted = folders
    (submitted / "timestamp.txt").write_text("not a time", encoding="utf-8")
    result = staged(folders)
    assert not (result.folder / "timestamp.txt").exists()
    assert result.notes == ("the submission time (timestamp.txt) could not be used",)


def test_unstage_removes_the_copy_and_leaves_the_submission(folders):
    course, _, submitted = folders
    result = staged(folders)
    unstage(course, "ana", "check")
    assert not result.folder.exists()
    assert (submitted / "check.ipynb").read_text(encoding="utf-8").startswith("the learner's notebook")


def test_the_submission_secret_is_staged_only_when_plain(folders, tmp_path):
    _, _, submitted = folders
    (submitted / "submission_secret.txt").write_text("ab12" * 32, encoding="utf-8")
    assert (staged(folders).folder / "submission_secret.txt").read_text(encoding="utf-8") == "ab12" * 32
    (submitted / "submission_secret.txt").write_text("<script>x</script>", encoding="utf-8")
    assert not (staged(folders).folder / "submission_secret.txt").exists()
    (submitted / "submission_secret.txt").unlink()
    (submitted / "submission_secret.txt").symlink_to(tmp_path / "elsewhere.txt")
    assert not (staged(folders).folder / "submission_secret.txt").exists()


def test_the_graded_folder_is_cleaned_even_before_nbgrader_made_it(folders):
    from peer_course.grading.sanitize import clean_graded_folder

    course, release, submitted = folders
    (submitted / "responses.json").write_text(json.dumps(GOOD), encoding="utf-8")
    graded = course / "autograded" / "ana" / "check"  # an assessment with no file but its notebook
    assert clean_graded_folder(graded, release, submitted) == []
    assert sorted(p.name for p in graded.iterdir()) == ["items.yaml", "responses.json"]


def test_unstaging_never_pulls_a_folder_from_under_another_worker(folders):
    """Two workers grade one learner's two assessments at once: one finishing
    must not remove the folders the other is staging into."""
    course, release, submitted = folders
    other = stage(course_dir=course, submitted=submitted, release=release, student="ana", assessment="other")
    staged(folders)
    unstage(course, "ana", "check")
    assert sorted(p.name for p in other.folder.iterdir())  # still there, whole
    stage(course_dir=course, submitted=submitted, release=release, student="ana", assessment="check")
