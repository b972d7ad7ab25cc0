"""Student versions of assessments for a learner's own course folder.

A learner who takes the course without a trainer (a laptop, Binder, a shared
Voila server) still needs the self-assessment page. It is made exactly as a
trainer's release is, by nbgrader's generate_assignment in a throw-away
course folder, so no hidden test ever reaches the learner; the result is
cached by a fingerprint of the source.

Where learners must not read the sources at all (a course hub, a hosting
image), ``peer-course student-versions`` makes every student version once,
into the content's ``released/`` folder, and the sources are then closed to
learners (or removed); a learner's server copies from ``released/``.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from pathlib import Path

from peer_course.grading.runner import Runner, StepError
from peer_course.grading.settings import default_db_url
from peer_course.grading.trainer_dir import TrainerDir
from peer_widgets.content import assessments_dir, released_dir

STAMP = ".peer-course-source"


class StudentVersionError(StepError):
    """nbgrader could not make a student version; the message ends with its last lines."""


def fingerprint(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith(".")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def source_readable(name: str) -> bool:
    """Whether this account may read assessment ``name``'s source notebook."""
    notebook = assessments_dir() / name / f"{name}.ipynb"
    try:  # a folder closed to this account makes even asking raise PermissionError
        return notebook.is_file() and os.access(notebook, os.R_OK) and os.access(notebook.parent, os.R_OK | os.X_OK)
    except OSError:
        return False


def copy_released(name: str, dest: Path) -> Path:
    """Copy the student version made by ``peer-course student-versions`` into ``dest``.

    Raises StudentVersionError if there is none.
    """
    released = released_dir() / name
    if not (released / f"{name}.ipynb").is_file():
        raise StudentVersionError(f"the student version of {name} is not in {released_dir()}, and its source "
                                  "cannot be read here; run `peer-course student-versions` as the course's owner")
    stamp = (released / STAMP).read_text(encoding="utf-8") if (released / STAMP).is_file() else None
    dest.mkdir(parents=True, exist_ok=True)
    if stamp is not None and (dest / STAMP).is_file() and (dest / STAMP).read_text(encoding="utf-8") == stamp:
        return dest
    for path in released.iterdir():
        if path.is_file() and path.name != "responses.json":
            shutil.copy2(path, dest / path.name)
    return dest


def make_student_version(name: str, dest: Path) -> Path:
    """Write the student version of assessment ``name`` into ``dest`` (learner files untouched):
    made from the source when this account can read it, else copied from ``released/``.

    Raises StudentVersionError if nbgrader cannot make it or there is none to copy.
    """
    if not source_readable(name):
        return copy_released(name, dest)
    source = assessments_dir() / name
    stamp = fingerprint(source)
    dest.mkdir(parents=True, exist_ok=True)
    if (dest / STAMP).is_file() and (dest / STAMP).read_text(encoding="utf-8") == stamp:
        return dest
    with tempfile.TemporaryDirectory(prefix="peer-course-release-") as tmp:
        # Every setting is given, so a trainer's PEER_COURSE_DB_URL or exchange
        # in this environment is never touched by the throw-away folder.
        trainer = TrainerDir(tmp, db_url=default_db_url(tmp), exchange=Path(tmp) / "exchange")
        shutil.copytree(source, trainer.format_path("source", None, name),
                        ignore=shutil.ignore_patterns("responses.json*", ".*"))
        runner = Runner(trainer, progress=lambda message: None, error=StudentVersionError)
        with runner.api() as api:
            runner.check(api.generate_assignment(name, force=True, create=True),
                         f"making the student version of {name}")
        for path in trainer.format_path("release", None, name).iterdir():
            if path.is_file() and path.name != "responses.json":
                shutil.copy2(path, dest / path.name)
    (dest / STAMP).write_text(stamp, encoding="utf-8")
    return dest


def write_released(names: list[str], *, progress=print) -> Path:
    """Make the student version of every assessment in ``names`` into ``released/``; return that folder."""
    root = released_dir()
    for index, name in enumerate(names, 1):
        progress(f"[{index}/{len(names)}] making the student version of {name}")
        make_student_version(name, root / name)
    return root
