"""What is out of date in a trainer folder, so a step redoes exactly that.

Four questions, each answered from the files and the gradebook as they are
now (never from what a step remembers having done, except where nbgrader
keeps no trace; see feedback below):

* **Is a submission's grade out of date?** (:func:`submission_change`) Its
  autograded copy is missing; or the submission's time (``timestamp.txt``, as
  nbgrader reads it) is not the time of the copy that was graded, which is
  what ``collect --update`` leaves; or a file of the submission was written
  after the graded notebook was (someone changed the submission by hand).
  File times alone are not enough: collect copies a submission with the
  learner's own file times, which may be older than the last grading.
* **Has an assessment's key changed since it was built?**
  (:func:`key_changes`) The gradebook keeps the source of every test cell,
  hidden tests included, as ``build`` saw it; autograde puts that source back
  into the notebook it grades. A test cell of ``source/`` that differs from
  the gradebook's copy (or is worth other points) means a corrected key that
  autograde would not use until the assessment is built again.
* **Is a learner's feedback out of date?** (:func:`feedback_change`) The
  feedback page is missing, or what it was made from has changed: the graded
  notebook, or any score or comment in the gradebook (a manual grade in
  Formgrader changes only the gradebook). nbgrader keeps no record of what a
  feedback page showed, so ``feedback`` stores a fingerprint of it in
  ``<folder>/.peer-course-feedback.json`` (never released to learners). A
  page made before that file existed counts as out of date only if its graded
  notebook is newer than it.
* **Has a learner's feedback reached the exchange?**
  (:func:`feedback_release_change`) nbgrader's ``release_feedback`` copies
  each page to ``<exchange>/<course id>/feedback/<hash>.html``, the hash made
  from the secret ``nbgrader submit`` wrote beside the submission
  (``submission_secret.txt``, carried into ``feedback/``) and the notebook's
  name; ``fetch_feedback`` finds it there by the same hash. The hash does not
  change when feedback is made again, so releasing again replaces the page in
  place; a newer submission has a new secret, so its feedback is a new file.
  Feedback is released, as it is now, when that file holds exactly the page
  in ``feedback/``. A submission that did not come through ``nbgrader
  submit`` has no secret, and nbgrader cannot release its feedback at all
  (its ``release_feedback`` stops on the first such learner: nbgrader issue
  1897).
"""

from __future__ import annotations

import filecmp
import hashlib
import json
import os
from datetime import datetime
from pathlib import Path
from typing import Any

from peer_course.grading.submission import SECRET
from peer_course.grading.trainer_dir import TrainerDir

FEEDBACK_RECORD = ".peer-course-feedback.json"
TIMESTAMP = "timestamp.txt"

NOT_GRADED = "not graded yet"
RESUBMITTED = "a newer submission was collected"
CHANGED = "the submission changed after it was graded"


def read_timestamp(folder: Path) -> datetime | None:
    """The submission time in ``folder/timestamp.txt`` as nbgrader reads it
    (naive UTC), or None if there is none or it is not a time."""
    from nbgrader.utils import parse_utc

    path = folder / TIMESTAMP
    try:
        if path.is_symlink() or not path.is_file():
            return None
        text = path.read_text(encoding="utf-8", errors="replace").strip()
        return parse_utc(text) if text else None
    except (OSError, ValueError, OverflowError, TypeError):
        return None


def _files(folder: Path) -> list[Path]:
    found = []
    for top, _dirs, files in os.walk(folder):
        found.extend(Path(top) / name for name in files)
    return found


def submission_change(trainer: TrainerDir, assessment: str, student: str) -> str | None:
    """Why ``student``'s submission of ``assessment`` must be (re)graded, or None
    if its autograded copy is up to date (see the module docs)."""
    graded = trainer.format_path("autograded", student, assessment)
    notebook = graded / f"{assessment}.ipynb"
    if not notebook.is_file():
        return NOT_GRADED
    submitted = trainer.format_path("submitted", student, assessment)
    when = read_timestamp(submitted)
    if when is not None and when != read_timestamp(graded):
        return RESUBMITTED
    graded_at = notebook.stat().st_mtime_ns
    for path in _files(submitted):
        try:
            if os.lstat(path).st_mtime_ns > graded_at:
                return CHANGED
        except OSError:
            continue
    return None


def _cell_sources(notebook: Path) -> dict[str, tuple[str, float | None]]:
    """``{grade_id: (source, points)}`` of the test cells (graded, not answered) of a notebook."""
    import nbformat

    nb = nbformat.read(notebook, as_version=4)
    cells = {}
    for cell in nb.cells:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if meta.get("grade") and not meta.get("solution") and meta.get("grade_id"):
            points = meta.get("points")
            cells[meta["grade_id"]] = (cell.source, float(points) if points is not None else None)
    return cells


def key_changes(trainer: TrainerDir, assessment: str, gb: Any) -> list[str]:
    """The test cells (grade ids, in notebook order) of ``assessment`` whose
    source or points in ``source/`` differ from what the gradebook learned when
    it was built; ``[]`` when it was never built or nothing changed.

    ``gb`` is an open nbgrader Gradebook.
    """
    from nbgrader.api import MissingEntry

    folder = trainer.format_path("source", None, assessment)
    changed = []
    try:
        known = gb.find_assignment(assessment)
    except MissingEntry:
        return []
    for notebook in known.notebooks:
        path = folder / f"{notebook.name}.ipynb"
        if not path.is_file():
            continue
        stored = {cell.name: cell for cell in notebook.source_cells}
        points = {cell.name: cell.max_score for cell in notebook.grade_cells}
        for grade_id, (source, max_score) in _cell_sources(path).items():
            if (grade_id not in stored or stored[grade_id].source != source
                    or (max_score is not None and points.get(grade_id) != max_score)):
                changed.append(grade_id)
    return changed


# -- feedback ---------------------------------------------------------------------------------------

def feedback_fingerprint(trainer: TrainerDir, assessment: str, student: str, gb: Any) -> str | None:
    """A digest of everything ``student``'s feedback for ``assessment`` shows:
    the graded notebook (its size and time) and every score and comment in the
    gradebook. None if the submission is not graded."""
    from nbgrader.api import MissingEntry

    notebook = trainer.format_path("autograded", student, assessment) / f"{assessment}.ipynb"
    try:
        submission = gb.find_submission(assessment, student)
        info = notebook.stat()
    except (MissingEntry, OSError):
        return None
    parts: list[Any] = [str(submission.timestamp), info.st_size, info.st_mtime_ns]
    for nb in sorted(submission.notebooks, key=lambda n: n.name):
        parts.extend(sorted((nb.name, g.name, g.auto_score, g.manual_score, g.extra_credit) for g in nb.grades))
        parts.extend(sorted((nb.name, c.name, c.auto_comment or "", c.manual_comment or "") for c in nb.comments))
    return hashlib.sha256(json.dumps(parts, default=str).encode("utf-8")).hexdigest()


def read_feedback_record(trainer: TrainerDir) -> dict[str, str]:
    """The fingerprints stored when feedback was made (``{}`` if none or unreadable:
    then every page is judged by its file times)."""
    try:
        data = json.loads((trainer.root / FEEDBACK_RECORD).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {k: v for k, v in data.items() if isinstance(k, str) and isinstance(v, str)} if isinstance(data, dict) else {}


def write_feedback_record(trainer: TrainerDir, record: dict[str, str]) -> None:
    path = trainer.root / FEEDBACK_RECORD
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(record, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    os.replace(tmp, path)


def record_key(assessment: str, student: str) -> str:
    return f"{assessment}/{student}"


NO_FEEDBACK = "no feedback yet"
REGRADED = "the grades changed after the feedback was made"


def feedback_change(trainer: TrainerDir, assessment: str, student: str, gb: Any,
                    record: dict[str, str]) -> str | None:
    """Why ``student``'s feedback for ``assessment`` must be made (again), or None
    if it is up to date (see the module docs)."""
    page = trainer.format_path("feedback", student, assessment) / f"{assessment}.html"
    if not page.is_file():
        return NO_FEEDBACK
    stored = record.get(record_key(assessment, student))
    if stored is None:
        notebook = trainer.format_path("autograded", student, assessment) / f"{assessment}.ipynb"
        try:
            return REGRADED if notebook.stat().st_mtime_ns > page.stat().st_mtime_ns else None
        except OSError:
            return None
    return None if stored == feedback_fingerprint(trainer, assessment, student, gb) else REGRADED


def missing_manual_grades(gb: Any, assessment: str, students: list[str]) -> dict[str, list[str]]:
    """``{learner: [item, ...]}`` for each of ``students`` whose submission of
    ``assessment`` still has items for the trainer to grade in Formgrader."""
    from nbgrader.api import MissingEntry

    missing = {}
    for student in students:
        try:
            submission = gb.find_submission(assessment, student)
        except MissingEntry:
            continue
        items = sorted({g.name for nb in submission.notebooks for g in nb.grades if g.needs_manual_grade})
        if items:
            missing[student] = items
    return missing


# -- released feedback ------------------------------------------------------------------------------

NO_EXCHANGE = "the exchange folder does not exist"
NO_SECRET = "the submission did not come through `nbgrader submit` (it has no submission_secret.txt)"
NOT_IN_EXCHANGE = "not released to the exchange yet"
OLDER_IN_EXCHANGE = "the exchange holds an earlier version of it"
#: The reasons ``feedback`` can do something about (by releasing); the others need the trainer.
RELEASABLE = (NOT_IN_EXCHANGE, OLDER_IN_EXCHANGE)


def released_feedback_pages(trainer: TrainerDir, assessment: str, student: str) -> dict[Path, Path] | None:
    """``{page in feedback/: where nbgrader's exchange keeps it for the learner}``
    for ``student``'s feedback for ``assessment``; ``{}`` when there is no page,
    None when the folder has no submission secret to name them by."""
    from nbgrader.utils import notebook_hash

    folder = trainer.format_path("feedback", student, assessment)
    pages = sorted(folder.glob("*.html")) if folder.is_dir() else []
    if not pages:
        return {}
    try:
        # read as nbgrader's release_feedback and fetch_feedback read it: the
        # text as it is, so the hash here is the hash they use
        secret = (folder / SECRET).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    if not secret:
        return None
    outbound = trainer.exchange / trainer.course_id / "feedback"
    return {page: outbound / f"{notebook_hash(secret=secret, notebook_id=page.stem)}.html" for page in pages}


def feedback_release_change(trainer: TrainerDir, assessment: str, student: str) -> str | None:
    """Why the exchange does not hold ``student``'s feedback for ``assessment``
    exactly as it is in ``feedback/``, or None if it does (see the module
    docs): :data:`NO_EXCHANGE`, :data:`NO_SECRET`, :data:`NOT_IN_EXCHANGE` or
    :data:`OLDER_IN_EXCHANGE`. Whether the page itself is up to date is
    :func:`feedback_change`'s question, not this one's."""
    if not trainer.exchange.is_dir():
        return NO_EXCHANGE
    pages = released_feedback_pages(trainer, assessment, student)
    if pages is None:
        return NO_SECRET
    if not pages:
        return NOT_IN_EXCHANGE
    for page, released in pages.items():
        try:
            # sizes first, then the bytes up to the first difference: status asks this of every learner
            if not filecmp.cmp(page, released, shallow=False):
                return OLDER_IN_EXCHANGE
        except OSError:
            # missing, or one the trainer cannot read back: not a page they can
            # say the learner gets
            return NOT_IN_EXCHANGE
    return None
