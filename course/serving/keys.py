"""Keeping the keys on the trainers' side of a shared installation.

On a course hub every learner's server runs from the same installation of the
course, as that learner, and can read any file of it that is readable by
all. The assessments' source notebooks hold the keys (in their hidden tests),
so :func:`close_sources` makes the student version of every assessment into
``released/`` (what learners' servers read) and then lets only root and the
grader's group read the sources. The hub's configuration calls it, as root,
each time the hub starts.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from peer_course.grading.runner import nbgrader_env, tail
from peer_course.serving.student_version import StudentVersionError
from peer_widgets.content import assessments_dir, released_dir


def _set_tree(root: Path, *, uid: int | None, gid: int | None, dir_mode: int, file_mode: int) -> None:
    for path in [root, *root.rglob("*")]:
        if path.is_symlink():
            continue
        if uid is not None and gid is not None:
            os.chown(path, uid, gid)
        path.chmod(dir_mode if path.is_dir() else file_mode)


def close_sources(*, group_id: int) -> tuple[Path, Path]:
    """Make every student version into ``released/`` (readable by all), then close
    the sources to everyone but root and ``group_id`` (read only). Needs root.
    Returns (the sources folder, the released folder).

    The student versions are made by ``peer-course student-versions`` in a
    process of its own, so nbgrader never runs inside the caller (the hub).

    Raises
    ------
    StudentVersionError
        If a student version cannot be made (nothing is closed then).
    """
    done = subprocess.run([sys.executable, "-m", "peer_course.cli", "student-versions"], env=nbgrader_env(),
                          capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise StudentVersionError(f"`peer-course student-versions` failed:\n{tail(done.stderr + done.stdout)}")
    released = released_dir()
    _set_tree(released, uid=None, gid=None, dir_mode=0o755, file_mode=0o644)
    sources = assessments_dir()
    _set_tree(sources, uid=0, gid=group_id, dir_mode=0o750, file_mode=0o640)
    return sources, released

