"""Student versions where learners may not read the sources: made once into
released/, copied from there when the source cannot be read, and the sources
closed to all but root and the grader's group."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from peer_course.serving.keys import close_sources
from peer_course.serving.student_version import StudentVersionError, make_student_version
from tests.conftest import REPO
from tests.support.accounts import reachable, run_as

pytestmark = pytest.mark.slow
SELF = "core-competencies-self-assessment"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """A copy of the course's content with every student version made into
    released/ by `peer-course student-versions`, once for the module (19
    assessments take over a minute); each test works on its own copy of it."""
    root = tmp_path_factory.mktemp("built") / "content"
    for folder in ("modules", "assessments"):
        shutil.copytree(REPO / folder, root / folder, ignore=shutil.ignore_patterns("responses.json*", "self-assessment"))
    done = subprocess.run([sys.executable, "-m", "peer_course.cli", "student-versions"], capture_output=True,
                          text=True, env={**os.environ, "PEER_COURSE_ROOT": str(root)})
    assert done.returncode == 0, done.stderr
    return root


@pytest.fixture
def content(built, tmp_path, monkeypatch):
    """The built content, copied for one test (the student versions' stamps still
    match their sources, so nothing is made again unless a test changes a source)."""
    root = tmp_path / "content"
    shutil.copytree(built, root, symlinks=True)
    monkeypatch.setenv("PEER_COURSE_ROOT", str(root))
    return root


def test_without_the_source_the_released_version_is_used(content, tmp_path):
    released = content / "released" / SELF / f"{SELF}.ipynb"
    assert released.is_file() and "BEGIN HIDDEN TESTS" not in released.read_text(encoding="utf-8")
    (content / "assessments" / SELF / f"{SELF}.ipynb").unlink()  # as in a hosting image
    dest = make_student_version(SELF, tmp_path / "learner" / "self-assessment")
    assert (dest / f"{SELF}.ipynb").read_bytes() == released.read_bytes()


def test_without_source_or_released_version_the_message_says_what_to_run(content, tmp_path):
    shutil.rmtree(content / "released")
    (content / "assessments" / SELF / f"{SELF}.ipynb").unlink()
    with pytest.raises(StudentVersionError, match="run `peer-course student-versions`"):
        make_student_version(SELF, tmp_path / "learner")


@pytest.mark.skipif(os.geteuid() != 0, reason="closing the sources needs root")
def test_close_sources_leaves_the_keys_to_root_and_the_grader(content):
    sources, released = close_sources(group_id=65534)
    notebook = sources / SELF / f"{SELF}.ipynb"
    assert stat.S_IMODE(notebook.stat().st_mode) == 0o640 and notebook.stat().st_gid == 65534
    assert stat.S_IMODE(sources.stat().st_mode) == 0o750
    assert stat.S_IMODE((released / SELF / f"{SELF}.ipynb").stat().st_mode) == 0o644
    # another account (not root, not in the group) reads the released version but not the source
    with reachable(content):  # let it reach the content, as on a hub
        def read_as_daemon(path):
            return run_as("daemon", ["/usr/bin/python3", "-c", f"open({str(path)!r}).read()"])
        assert read_as_daemon(released / SELF / f"{SELF}.ipynb").returncode == 0
        denied = read_as_daemon(notebook)
        assert denied.returncode != 0 and "Permission denied" in denied.stderr


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to act as another account")
def test_a_closed_source_folder_means_the_released_version(content, tmp_path):
    """As an account the source folder is closed to, asking whether the source
    can be read must answer no (not raise), so the released version is used."""
    close_sources(group_id=0)
    learner = tmp_path / "learner"
    learner.mkdir()
    learner.chmod(0o777)
    code = ("from pathlib import Path; from peer_course.serving.student_version import make_student_version; "
            f"make_student_version({SELF!r}, Path({str(learner / 'sa')!r}))")
    python = Path(os.path.realpath(sys.executable))
    with reachable(content, learner, python.parent, REPO, Path(sys.prefix)):
        done = run_as("daemon", [sys.executable, "-c", code], PEER_COURSE_ROOT=str(content), HOME=str(learner))
    assert done.returncode == 0, done.stderr
    assert (learner / "sa" / f"{SELF}.ipynb").is_file()
