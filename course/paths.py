"""Where the course's own files are.

The course content (``modules/``, ``assessments/``) sits beside the package
in a checkout. ``PEER_COURSE_ROOT`` points elsewhere (for example an image
that copies the content to ``/srv/peer-course``).
"""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent


class CourseRootError(RuntimeError):
    pass


def course_root() -> Path:
    """The folder holding ``modules/`` and ``assessments/``.

    Raises
    ------
    CourseRootError
        If no such folder can be found, with what to set.
    """
    candidates = []
    if os.environ.get("PEER_COURSE_ROOT"):
        candidates.append(Path(os.environ["PEER_COURSE_ROOT"]))
    candidates.append(PACKAGE_DIR.parent)  # a checkout, installed editable
    for candidate in candidates:
        if (candidate / "modules").is_dir() and (candidate / "assessments").is_dir():
            return candidate.resolve()
    raise CourseRootError(
        "cannot find the course content (the modules/ and assessments/ folders); "
        "set PEER_COURSE_ROOT to the folder that holds them"
    )


def modules_dir() -> Path:
    return course_root() / "modules"


def assessments_dir() -> Path:
    return course_root() / "assessments"


def manifest_path() -> Path:
    return PACKAGE_DIR / "course.yaml"
