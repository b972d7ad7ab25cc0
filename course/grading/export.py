"""Grades out of the gradebook, as CSV files a spreadsheet or an LMS reads right.

nbgrader's own export joins fields with commas and quotes nothing, so a name
such as ``Mary, Jr.`` shifts every later field of that learner's rows. This
writer reads the gradebook through nbgrader's :class:`~nbgrader.api.Gradebook`
and writes proper CSV: every field that needs it quoted, UTF-8 with a byte
order mark (so a spreadsheet shows accents), ``\\r\\n`` line ends, and every
text cell inert (a ``'`` before a leading ``=``, ``+``, ``-``, ``@``, tab or
carriage return, which a spreadsheet would run as a formula; the same rule
as the cohort report's CSV files).

Two layouts:

``long`` (the default)
    nbgrader's columns, one row per assessment and learner in the gradebook
    (supervisors included, a missing submission scores 0, as nbgrader's does).
``wide``
    for an LMS gradebook: one row per learner (supervisors left out), sorted
    by last name, first name and id; one column per released assessment (in
    course order) holding the score after any late penalty, empty when
    nothing was handed in; and a ``status`` column saying what is still open.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from peer_course.grading.csvfile import write_csv
from peer_course.grading.runner import Progress, load_config, nbgrader_environment
from peer_course.grading.trainer_dir import TrainerDir
from peer_widgets.errors import PeerCourseError

LAYOUTS = ("long", "wide")
LONG_COLUMNS = ("assignment", "duedate", "timestamp", "student_id", "last_name", "first_name", "email",
                "raw_score", "late_submission_penalty", "score", "max_score")
class ExportError(PeerCourseError):
    """The export cannot be written as asked; the message says what to do."""


def _final(submission: Any) -> float:
    """The score after the late penalty, never below 0 (nbgrader's rule)."""
    return max(0.0, (submission.score or 0.0) - (submission.late_submission_penalty or 0.0))


def long_rows(gb: Any) -> list[list[Any]]:
    from nbgrader.api import MissingEntry

    rows: list[list[Any]] = [list(LONG_COLUMNS)]
    for assignment in gb.assignments:
        for student in gb.students:
            row = {"assignment": assignment.name, "duedate": assignment.duedate, "student_id": student.id,
                   "last_name": student.last_name, "first_name": student.first_name, "email": student.email,
                   "max_score": assignment.max_score}
            try:
                submission = gb.find_submission(assignment.name, student.id)
            except MissingEntry:
                row.update(timestamp="", raw_score=0.0, late_submission_penalty=0.0, score=0.0)
            else:
                row.update(timestamp=submission.timestamp, raw_score=submission.score,
                           late_submission_penalty=submission.late_submission_penalty, score=_final(submission))
            rows.append([row[column] for column in LONG_COLUMNS])
    return rows


def wide_rows(trainer: TrainerDir, gb: Any, released: set[str]) -> list[list[Any]]:
    """The wide layout; ``released`` are the assessments in the exchange (an
    assessment with a submission in the gradebook counts as released too)."""
    from nbgrader.api import MissingEntry

    from peer_course.grading.status import is_supervisor, trainer_assessments

    in_gradebook = {a.name for a in gb.assignments}
    order = trainer_assessments(trainer)
    order += sorted(in_gradebook - set(order))
    names = [n for n in order if n in in_gradebook
             and (n in released or gb.find_assignment(n).submissions)]
    students = sorted((s for s in gb.students if not is_supervisor(s.id)),
                      key=lambda s: ((s.last_name or "").casefold(), (s.first_name or "").casefold(), s.id))
    rows: list[list[Any]] = [["student_id", "last_name", "first_name", "email", *names, "status"]]
    for student in students:
        scores, missing, to_grade, late = [], [], [], []
        for name in names:
            try:
                submission = gb.find_submission(name, student.id)
            except MissingEntry:
                scores.append("")
                missing.append(name)
                continue
            scores.append(round(_final(submission), 4))
            if submission.needs_manual_grade:
                to_grade.append(name)
            if (submission.total_seconds_late or 0) > 0:
                late.append(name)
        parts = [f"{label}: {', '.join(which)}" for label, which in
                 (("not submitted", missing), ("grading not finished", to_grade), ("late", late)) if which]
        status = "; ".join(parts) if parts else ("complete" if names else "nothing released")
        rows.append([student.id, student.last_name, student.first_name, student.email, *scores, status])
    return rows


def export_grades(*, course_dir: Path | TrainerDir, to: Path, layout: str = "long",
                  progress: Progress = print) -> Path:
    """Write the gradebook's grades to ``to`` in ``layout`` (see the module docs); return the path.

    Raises ExportError for an unknown layout or a missing folder, and what
    :func:`~peer_course.grading.runner.load_config` raises for an unusable
    configuration (before anything is written).
    """
    from peer_course.grading.gradebook import open_gradebook

    if layout not in LAYOUTS:
        raise ExportError(f"'{layout}' is not an export layout; use one of: {', '.join(LAYOUTS)}")
    trainer = TrainerDir.of(course_dir)
    with nbgrader_environment():
        load_config(trainer)  # an unusable configuration stops here, before anything is announced or written
    to = Path(to).resolve()
    if not to.parent.is_dir():
        raise ExportError(f"{to.parent} does not exist; make the folder first or choose another --to")
    progress(f"exporting grades ({layout} layout) to {to}")
    released: set[str] = set()
    if layout == "wide":
        from peer_course.grading.status import released_assessments

        released = released_assessments(trainer)
    with open_gradebook(trainer) as gb:
        rows = long_rows(gb) if layout == "long" else wide_rows(trainer, gb, released)
    return write_csv(to, rows)
