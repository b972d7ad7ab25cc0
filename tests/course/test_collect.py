"""Collect takes nothing on trust: a submission that claims someone else's id,
holds a link or is too large is refused by name and left in the exchange;
an update never deletes the earlier submission before the new one is copied,
and archives only the one it replaces.

Submissions are written straight into a real nbgrader exchange, owned by
real accounts (``nobody`` and ``daemon`` stand in for two learners; the tests
run as root and chown the folders, as each learner's own ``nbgrader submit``
would leave them).
"""

from __future__ import annotations

import os
import pwd
import shutil
from pathlib import Path

import pytest

from peer_course.grading import collect as collect_module
from peer_course.grading.runner import StepError
from peer_course.grading.steps import build, collect
from peer_course.grading.trainer_dir import init_course_dir

pytestmark = pytest.mark.slow
NAME = "peer-role-check"
COURSE_ID = "peer-course"


@pytest.fixture(autouse=True)
def as_root():
    if os.geteuid() != 0:
        pytest.skip("needs root to give submissions to other accounts")


@pytest.fixture
def course(tmp_path, monkeypatch):
    monkeypatch.setenv("PEER_COURSE_ID", COURSE_ID)
    exchange = tmp_path / "exchange"
    trainer = init_course_dir(tmp_path / "trainer", assessments=[NAME], exchange=exchange)
    build(course_dir=trainer, assessments=[NAME], progress=lambda m: None)
    inbound = exchange / COURSE_ID / "inbound"
    inbound.mkdir(parents=True)
    return trainer, inbound


def submission(course, claimed: str, owner: str, *, when: str = "2026-11-25 10:00:00.000000 UTC",
               extra=None) -> Path:
    trainer, inbound = course
    folder = inbound / f"{claimed}+{NAME}+{when}+abc123"
    shutil.copytree(trainer / "release" / NAME, folder)
    (folder / "timestamp.txt").write_text(when, encoding="utf-8")
    (folder / "responses.json").write_text('{"schema_version": 1, "items": {}}', encoding="utf-8")
    if extra:
        extra(folder)
    uid = pwd.getpwnam(owner).pw_uid
    for path in [folder, *folder.rglob("*")]:
        os.lchown(path, uid, uid)
    return folder


def statuses(outcomes) -> dict[str, tuple[str, str]]:
    return {o.student: (o.status, o.message) for o in outcomes}


def test_a_learner_submitting_as_someone_else_is_refused(course):
    trainer, _ = course
    submission(course, "nobody", "nobody")  # honest
    submission(course, "daemon", "nobody")  # nobody pretends to be daemon
    submission(course, "supervisor--nobody", "nobody")  # nobody pretends to be their own supervisor
    lines: list[str] = []
    got = statuses(collect(course_dir=trainer, assessments=[NAME], progress=lines.append))
    assert got["nobody"] == ("collected", "")
    assert got["daemon"] == ("refused", "it claims to be from daemon but belongs to nobody")
    assert got["supervisor--nobody"][0] == "refused"
    assert (trainer / "submitted" / "nobody" / NAME).is_dir()
    assert not (trainer / "submitted" / "daemon").exists()
    assert not (trainer / "submitted" / "supervisor--nobody").exists()
    assert f"  {NAME}: 1 collected, 0 updated, 0 already collected, 2 refused" in lines
    assert any(line.startswith("  nbgrader: Refused the submission daemon+") for line in lines)


def test_links_odd_files_and_unsafe_ids_are_refused(course):
    trainer, _ = course
    submission(course, "nobody", "nobody", extra=lambda f: (f / "notes.txt").symlink_to("/etc/shadow"))
    submission(course, "daemon", "daemon", extra=lambda f: os.mkfifo(f / "pipe"))
    submission(course, "<svg onload=alert(1)>", "root")
    got = statuses(collect(course_dir=trainer, assessments=[NAME], progress=lambda m: None))
    assert got["nobody"] == ("refused", "it holds a symbolic link (notes.txt)")
    assert got["daemon"] == ("refused", "it holds something that is not a file (pipe)")
    assert got["<svg onload=alert(1)>"][1].startswith("not a safe learner id")
    assert not (trainer / "submitted").exists() or not list((trainer / "submitted").iterdir())


def test_an_oversized_submission_is_refused(course, monkeypatch):
    trainer, _ = course
    submission(course, "nobody", "nobody")
    monkeypatch.setattr(collect_module, "MAX_BYTES", 1000)
    got = statuses(collect(course_dir=trainer, assessments=[NAME], progress=lambda m: None))
    assert got["nobody"] == ("refused", "it is larger than 1000 bytes")


def test_an_update_replaces_only_after_the_new_copy_is_complete(course, monkeypatch):
    trainer, _ = course
    submission(course, "nobody", "nobody")
    submission(course, "daemon", "daemon")
    collect(course_dir=trainer, assessments=[NAME], progress=lambda m: None)
    first = (trainer / "submitted" / "nobody" / NAME / "timestamp.txt").read_text()
    submission(course, "nobody", "nobody", when="2026-11-26 10:00:00.000000 UTC")

    real_copytree = shutil.copytree

    def failing_copytree(src, dst, *args, **kwargs):  # the disk fills up half-way through the copy
        real_copytree(src, dst, *args, **kwargs)
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(shutil, "copytree", failing_copytree)
    with pytest.raises(StepError, match="No space left on device"):
        collect(course_dir=trainer, assessments=[NAME], update=True, progress=lambda m: None)
    assert (trainer / "submitted" / "nobody" / NAME / "timestamp.txt").read_text() == first  # nothing lost
    assert not [p for p in (trainer / "submitted" / "nobody").iterdir() if p.name.startswith(".incoming")]
    monkeypatch.setattr(shutil, "copytree", real_copytree)

    got = statuses(collect(course_dir=trainer, assessments=[NAME], update=True, progress=lambda m: None))
    assert got == {"nobody": ("updated", ""), "daemon": ("kept", "")}
    assert (trainer / "submitted" / "nobody" / NAME / "timestamp.txt").read_text().startswith("2026-11-26")
    archived = list((trainer / "archive").glob(f"*/{NAME}/*/timestamp.txt"))
    assert [p.read_text() for p in archived] == [first]  # only the replaced submission is archived
    assert archived[0].relative_to(trainer / "archive").parts[0] == "nobody"
