"""A clean copy of one submission, which is what autograde grades.

nbgrader's autograde executes every cell of the notebook it is given, with
the submission's folder first on the import path, and copies every file of
the submission beside it. A learner controls all of that: a cell they add
can replace the scoring helpers, silence a test cell's result (no result
means full marks), read the keys from the trainer's folder, edit the
gradebook, or leave a process running; a folder they add can shadow the
course package; a ``responses.json`` that is a symbolic link can point
anywhere. So nothing a learner submits is ever executed, imported or copied
as it is. For each submission this module builds a staging folder holding:

* the **trainer's own student version** of the notebook and its released
  files (from ``release/<assessment>/``): the only code that runs;
* the learner's **answers file**, read as one regular file (never through a
  symbolic link), at most ``MAX_ANSWERS_BYTES`` and nested at most
  ``MAX_DEPTH`` deep, and written afresh; an answers file that breaks these
  rules is replaced by a marker that grades as unreadable, and the trainer is
  told why;
* the submission time (``timestamp.txt``), if it is a valid time, and the
  secret ``nbgrader submit`` wrote (``submission_secret.txt``, which names
  the learner's feedback), if it is a short plain string.

The grading worker points nbgrader at this folder instead of ``submitted/``
(the submission there is never changed) and removes it afterwards.
"""

from __future__ import annotations

import json
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from peer_course.grading.trainer_dir import FOLDERS
from peer_widgets import answers

STAGING_DIR = FOLDERS["staging"]  # inside the trainer folder; nbgrader's submitted_directory while grading
MAX_ANSWERS_BYTES = answers.MAX_BYTES
MAX_DEPTH = answers.MAX_DEPTH
MAX_TIMESTAMP_BYTES = 200
REJECTED = b"rejected by peer-course: see the autograde report\n"
SECRET = "submission_secret.txt"
SECRET_PATTERN = re.compile(rb"[A-Za-z0-9_+/=.-]{1,150}\s*")


@dataclass(frozen=True)
class Staged:
    """A staging folder and what the trainer should know about the submission."""

    folder: Path
    notes: tuple[str, ...] = ()


def _read_regular(path: Path, limit: int) -> tuple[bytes | None, str | None]:
    """``(bytes, None)`` for a regular file within ``limit``; ``(None, why)`` if it
    breaks a rule; ``(None, None)`` if there is no file."""
    try:
        return answers.read_regular(path, limit), None
    except FileNotFoundError:
        return None, None
    except answers.AnswersFileError as problem:
        return None, str(problem)


def clean_answers(raw: bytes) -> tuple[bytes, str | None]:
    """What to stage for a submitted answers file's bytes, and a note if it was rejected.

    A valid file is written afresh (same records, our own formatting); one
    that is not valid JSON or not a valid answers document is staged as it
    is, so grading explains it to the learner exactly as before; one nested
    too deeply is replaced by the rejection marker.
    """
    try:
        records = answers.parse(raw)
    except answers.AnswersFileError:
        return raw, None
    if answers.depth(records) > MAX_DEPTH:
        return REJECTED, f"{answers.FILE_NAME} nests more than {MAX_DEPTH} levels deep"
    return (json.dumps(answers.document(records), indent=1, sort_keys=True, ensure_ascii=False) + "\n").encode(), None


def _valid_timestamp(raw: bytes) -> bool:
    from nbgrader.utils import parse_utc

    try:
        parse_utc(raw.decode("utf-8").strip())
    except (UnicodeDecodeError, ValueError, OverflowError, TypeError):
        return False
    return True


def stage(*, course_dir: Path, submitted: Path, release: Path, student: str, assessment: str) -> Staged:
    """Build the staging folder for one submission and return it.

    ``submitted`` is the learner's submission folder, ``release`` the
    trainer's built student version. Raises ``FileNotFoundError`` if the
    student version has not been built.
    """
    folder = Path(course_dir) / STAGING_DIR / student / assessment
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    if not release.is_dir():
        raise FileNotFoundError(f"{release} does not exist; run `peer-course build` first")
    for path in sorted(release.iterdir()):
        if path.is_file() and not path.is_symlink() and path.name != answers.FILE_NAME:
            shutil.copy2(path, folder / path.name)
    notes = copy_learner_files(submitted, folder)
    stamp, why = _read_regular(submitted / "timestamp.txt", MAX_TIMESTAMP_BYTES)
    if stamp is not None and _valid_timestamp(stamp):
        (folder / "timestamp.txt").write_bytes(stamp)
    elif stamp is not None or why is not None:
        notes.append("the submission time (timestamp.txt) could not be used")
    return Staged(folder, tuple(notes))


def copy_learner_files(submitted: Path, folder: Path) -> list[str]:
    """Write into ``folder`` the only two files of a submission grading uses: the
    answers file, checked (or the rejection marker), and the secret ``nbgrader
    submit`` wrote, which names the learner's feedback when it is released, if
    it is a short plain string. Returns notes for the trainer."""
    notes: list[str] = []
    raw, why = _read_regular(submitted / answers.FILE_NAME, MAX_ANSWERS_BYTES)
    if why is not None:
        (folder / answers.FILE_NAME).write_bytes(REJECTED)
        notes.append(f"the answers file was not used: {why}")
    elif raw is not None:
        data, why = clean_answers(raw)
        (folder / answers.FILE_NAME).write_bytes(data)
        if why is not None:
            notes.append(f"the answers file was not used: {why}")
    secret, _ = _read_regular(submitted / SECRET, MAX_TIMESTAMP_BYTES)
    if secret is not None and SECRET_PATTERN.fullmatch(secret):
        (folder / SECRET).write_bytes(secret)
    return notes


def unstage(course_dir: Path, student: str, assessment: str) -> None:
    """Remove a submission's staging folder.

    Only that folder: the learner's and the staging root are left (empty), since
    another worker may at that moment be staging this learner's other
    assessment, and removing a parent under it would fail that grading.
    """
    shutil.rmtree(Path(course_dir) / STAGING_DIR / student / assessment, ignore_errors=True)
