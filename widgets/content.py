"""Where the course's content is: lessons, item banks, assessments, manifest.

The content lives in one place in the repository (``modules/`` and
``assessments/``), and is found the same way however the package was
installed, in this order:

1. ``PEER_COURSE_ROOT``, a folder holding ``modules/`` and ``assessments/``
   (for example a hosting image that copies the content to ``/srv``);
2. the copy bundled inside the installed package (``peer_widgets/content/``),
   which the build puts there for a regular ``pip install .`` (see
   ``setup.py``);
3. the checkout the package was installed from in editable mode.
"""

from __future__ import annotations

import os
from pathlib import Path

from peer_widgets.errors import PeerCourseError

PACKAGE_DIR = Path(__file__).resolve().parent
BUNDLED = "content"  # the folder inside the package that a regular install carries
ROOT_ENV = "PEER_COURSE_ROOT"
ASSESSMENTS_ENV = "PEER_COURSE_ASSESSMENTS"
MANIFEST = "course.yaml"  # in modules/


class CourseRootError(PeerCourseError):
    """The course content cannot be found."""


def _is_root(folder: Path) -> bool:
    return (folder / "modules").is_dir() and (folder / "assessments").is_dir()


def course_root() -> Path:
    """The folder holding ``modules/`` and ``assessments/`` (see module docs).

    Raises
    ------
    CourseRootError
        If no such folder can be found, saying what to set.
    """
    override = os.environ.get(ROOT_ENV)
    if override:
        if _is_root(Path(override)):
            return Path(override).resolve()
        raise CourseRootError(f"{ROOT_ENV}={override} does not hold modules/ and assessments/; "
                              "point it at the folder that does, or unset it")
    for candidate in (PACKAGE_DIR / BUNDLED, PACKAGE_DIR.parent):
        if _is_root(candidate):
            return candidate.resolve()
    raise CourseRootError("cannot find the course content (the modules/ and assessments/ folders); "
                          f"reinstall peer-course, or set {ROOT_ENV} to the folder that holds them")


def modules_dir() -> Path:
    return course_root() / "modules"


def assessments_dir() -> Path:
    """The assessments' source folders (keys in their hidden tests).

    ``PEER_COURSE_ASSESSMENTS`` points the trainer's side at a private folder
    of them, for an organisation whose graded banks are not in this repository.
    """
    return Path(os.environ[ASSESSMENTS_ENV]).resolve() if os.environ.get(ASSESSMENTS_ENV) else course_root() / "assessments"


def released_dir() -> Path:
    """The student versions of every assessment (no hidden test, no key), made by
    ``peer-course student-versions``: what a learner's server reads where the
    source folders are kept from learners (a course hub, a hosting image)."""
    return course_root() / "released"


def manifest_path() -> Path:
    return modules_dir() / MANIFEST
