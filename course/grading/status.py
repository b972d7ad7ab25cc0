"""Where every learner stands with every assessment, and due dates.

One status per learner and assessment, first match wins:

=====================  ==========================================================
status                 meaning
=====================  ==========================================================
not released           not in the exchange yet, and nothing handed in
not submitted          released, nothing collected from this learner
answers unreadable     handed in, but ``responses.json`` is missing or cannot be
                       used (graded as 0; ask the learner to submit again)
feedback released      graded, the feedback in ``feedback/`` is up to date, and
                       the exchange holds it as it is (``nbgrader fetch_feedback``
                       gets it)
feedback ready         graded, the feedback is up to date, but the exchange does
                       not hold it as it is: not released yet, or it cannot be
                       (no exchange folder, or a submission that did not come
                       through ``nbgrader submit``); the note says which
graded                 graded, and the grade is up to date (its feedback is not
                       made, or out of date: the note says so)
late                   handed in after the due date, not graded yet
submitted              handed in, not graded yet (or handed in again since)
=====================  ==========================================================

``late`` is also a column of its own (a graded submission can be late). It
is nbgrader's own rule, on nbgrader's own data: the submission time in
``timestamp.txt`` after the gradebook's due date for the assessment, plus
any extension the gradebook gives that learner. Due dates are set with
:func:`set_due_date` (``peer-course due``), which writes the gradebook's
assignment due date and keeps a copy in ``peer-course.json`` so a rebuilt
gradebook gets it back (``build`` applies it).

Supervisors (ids starting ``supervisor--``) rate peers; they are not
learners, and are left out here as in the wide export.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import datetime, time, timedelta, timezone
from pathlib import Path
from typing import Any

from peer_course.grading import freshness
from peer_course.grading.freshness import feedback_change, read_feedback_record, read_timestamp, submission_change
from peer_course.grading.roster import Learner
from peer_course.grading.runner import Runner, StepError
from peer_course.grading.settings import read_settings, write_settings
from peer_course.grading.trainer_dir import TrainerDir
from peer_widgets import answers
from peer_widgets.errors import PeerCourseError
from peer_widgets.manifest import load_manifest

SUPERVISOR_PREFIX = "supervisor--"
NOT_RELEASED, NOT_SUBMITTED, UNREADABLE = "not released", "not submitted", "answers unreadable"
FEEDBACK, READY, GRADED, LATE, SUBMITTED = "feedback released", "feedback ready", "graded", "late", "submitted"
STATUSES = (NOT_RELEASED, NOT_SUBMITTED, UNREADABLE, FEEDBACK, READY, GRADED, LATE, SUBMITTED)


class DueDateError(PeerCourseError):
    """A due date that cannot be used; the message says how to write one."""


@dataclass(frozen=True)
class Status:
    """One learner and one assessment."""

    student: str
    assessment: str
    status: str
    late: bool
    due: datetime | None  # naive UTC, as nbgrader keeps it
    submitted_at: datetime | None  # naive UTC
    note: str = ""


def is_supervisor(student: str) -> bool:
    return student.startswith(SUPERVISOR_PREFIX)


def trainer_assessments(trainer: TrainerDir) -> list[str]:
    """The assessments of the trainer folder (those in ``source/``), in course order."""
    present = {p.name for p in (trainer.root / "source").iterdir() if p.is_dir()} if (trainer.root / "source").is_dir() else set()
    order = [name for name in load_manifest().assessments if name in present]
    return order + sorted(present - set(order))


def known_assessments(trainer: TrainerDir, names: list[str]) -> list[str]:
    """``names``, if each is an assessment of the trainer folder.

    Raises StepError naming the first that is not, and the assessments there are.
    """
    present = trainer_assessments(trainer)
    for name in names:
        if name not in present:
            raise StepError(f"'{name}' is not an assessment of this trainer folder; the assessments are: "
                            f"{', '.join(present)}")
    return list(names)


def learners(trainer: TrainerDir, gb: Any, assessments: list[str]) -> list[Learner]:
    """The learners: everyone in the gradebook and everyone who handed something
    in, supervisors left out, sorted by id."""
    found = {s.id: Learner(s.id, s.first_name or "", s.last_name or "", s.email or "") for s in gb.students}
    for name in assessments:
        for student in trainer.submissions("submitted", name):
            found.setdefault(student, Learner(student, "", "", ""))
    return [found[k] for k in sorted(found) if not is_supervisor(k)]


def released_assessments(trainer: TrainerDir) -> set[str]:
    """The assessments in nbgrader's exchange (an empty set if there is no exchange)."""
    try:
        with Runner(trainer, progress=lambda m: None).api() as api:
            return set(api.get_released_assignments() or ())
    except (StepError, OSError):
        return set()
    except Exception:  # noqa: BLE001 (nbgrader raises its own errors when the exchange is missing)
        return set()


def answers_problem(folder: Path) -> str | None:
    """Why the submission in ``folder`` has no usable answers, or None."""
    try:
        answers.read_untrusted(folder / answers.FILE_NAME)
    except FileNotFoundError:
        return f"no {answers.FILE_NAME} was handed in"
    except answers.AnswersFileError as problem:
        return f"{answers.FILE_NAME}: {problem}"
    except OSError as error:
        return f"{answers.FILE_NAME} cannot be read ({error.strerror})"
    return None


def cohort_status(*, course_dir: Path | TrainerDir, assessments: list[str] | None = None) -> tuple[list[Learner], list[Status]]:
    """The learners, and one :class:`Status` per learner and assessment (learners
    in id order, assessments in course order). Raises StepError for an
    assessment the trainer folder does not have."""
    from nbgrader.api import MissingEntry

    from peer_course.grading.gradebook import open_gradebook

    trainer = TrainerDir.of(course_dir)
    names = known_assessments(trainer, assessments) if assessments else trainer_assessments(trainer)
    released = released_assessments(trainer)
    record = read_feedback_record(trainer)
    rows: list[Status] = []
    with open_gradebook(trainer) as gb:
        people = learners(trainer, gb, names)
        for name in names:
            try:
                due = gb.find_assignment(name).duedate
            except MissingEntry:
                due = None
            handed_in = set(trainer.submissions("submitted", name))
            for learner in people:
                rows.append(_status(trainer, gb, record, name, learner.id, due, handed_in, released))
    return people, rows


def _status(trainer, gb, record, name, student, due, handed_in, released) -> Status:
    from nbgrader.api import MissingEntry

    if student not in handed_in:
        status = NOT_SUBMITTED if name in released else NOT_RELEASED
        note = "past the due date" if status == NOT_SUBMITTED and due and datetime.now(timezone.utc).replace(tzinfo=None) > due else ""
        return Status(student, name, status, False, due, None, note)
    folder = trainer.format_path("submitted", student, name)
    when = read_timestamp(folder)
    extension = None
    try:
        extension = gb.find_submission(name, student).extension
    except MissingEntry:
        pass
    late = bool(when and due and when > due + (extension or timedelta(0)))
    problem = answers_problem(folder)
    stale = submission_change(trainer, name, student)
    if problem:
        return Status(student, name, UNREADABLE, late, due, when, problem)
    if stale is None:
        change = feedback_change(trainer, name, student, gb, record)
        if change is None:
            held = freshness.feedback_release_change(trainer, name, student)
            if held is None:
                return Status(student, name, FEEDBACK, late, due, when)
            return Status(student, name, READY, late, due, when, _not_released(trainer, name, student, held))
        note = "" if change == freshness.NO_FEEDBACK else f"feedback out of date ({change}); run `peer-course feedback`"
        return Status(student, name, GRADED, late, due, when, note)
    note = "" if stale.startswith("not graded") else f"{stale}; run `peer-course autograde`"
    return Status(student, name, LATE if late else SUBMITTED, late, due, when, note)


def _not_released(trainer: TrainerDir, name: str, student: str, why: str) -> str:
    """The note of a ``feedback ready`` status: why the learner cannot fetch it yet, and what to do."""
    page = f"feedback/{student}/{name}/"
    if why == freshness.NO_EXCHANGE:
        return f"the exchange {trainer.exchange} does not exist; give the learner their page from {page} another way"
    if why == freshness.NO_SECRET:
        return f"{why}, so it cannot be released; give the learner their page from {page} another way"
    return f"{why}; `peer-course feedback` releases it"


def format_time(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M UTC") if value else ""


def summary_lines(people: list[Learner], rows: list[Status]) -> list[str]:
    """What ``peer-course status`` prints: per assessment, counts and who is where."""
    lines = []
    by_name: dict[str, list[Status]] = {}
    for row in rows:
        by_name.setdefault(row.assessment, []).append(row)
    for name, these in by_name.items():
        due = these[0].due
        head = f"{name}" + (f" (due {format_time(due)})" if due else " (no due date)")
        if all(r.status == NOT_RELEASED for r in these):
            lines.append(f"{head}: not released")
            continue
        handed = [r for r in these if r.status not in (NOT_RELEASED, NOT_SUBMITTED)]
        counts = {s: sum(r.status == s for r in these) for s in STATUSES}
        lines.append(f"{head}: {len(handed)} of {len(these)} submitted, {sum(r.late for r in these)} late, "
                     f"{counts[GRADED] + counts[READY] + counts[FEEDBACK]} graded, "
                     f"{counts[FEEDBACK]} with feedback released, {counts[READY]} with feedback ready")
        for label, who in (("not submitted", [r for r in these if r.status in (NOT_SUBMITTED, NOT_RELEASED)]),
                           ("late", [r for r in these if r.late]),
                           ("answers unreadable", [r for r in these if r.status == UNREADABLE]),
                           ("waiting to be graded", [r for r in these if r.status in (SUBMITTED, LATE)]),
                           ("feedback ready, not released", [r for r in these if r.status == READY])):
            if who:
                lines.append(f"  {label}: {', '.join(r.student for r in who)}")
    if not people:
        lines.append("No learners yet: import a roster with `peer-course init . --roster roster.csv`.")
    return lines


def write_status_csv(path: Path, people: list[Learner], rows: list[Status]) -> Path:
    """Every learner and assessment, one row each (UTF-8 with a BOM, quoted, inert cells)."""
    from peer_course.grading.csvfile import write_csv

    names = {p.id: p for p in people}
    table = [["student_id", "last_name", "first_name", "email", "assessment", "status", "late", "due",
              "submitted_at", "note"]]
    for r in rows:
        p = names[r.student]
        table.append([r.student, p.last_name, p.first_name, p.email, r.assessment, r.status,
                      "yes" if r.late else "no", format_time(r.due), format_time(r.submitted_at), r.note])
    return write_csv(path, table)


def write_missing_csv(path: Path, people: list[Learner], rows: list[Status]) -> tuple[Path, int]:
    """One row per learner who has not handed in a released assessment, with
    their email and the assessments missing; returns the path and the count."""
    from peer_course.grading.csvfile import write_csv

    missing: dict[str, list[str]] = {}
    for r in rows:
        if r.status == NOT_SUBMITTED:
            missing.setdefault(r.student, []).append(r.assessment)
    table = [["student_id", "last_name", "first_name", "email", "not_submitted"]]
    for p in people:
        if p.id in missing:
            table.append([p.id, p.last_name, p.first_name, p.email, "; ".join(missing[p.id])])
    return write_csv(path, table), len(missing)


# -- due dates --------------------------------------------------------------------------------------

def parse_due(text: str) -> datetime:
    """A due date as naive UTC: ``YYYY-MM-DD`` is the end of that day (23:59:59)
    in UTC; ``YYYY-MM-DD HH:MM`` (or ``T``) is that time in UTC, unless it ends
    with an offset such as ``-08:00``.

    Raises DueDateError, saying how to write one.
    """
    text = text.strip()
    try:
        if len(text) == 10:
            day = datetime.strptime(text, "%Y-%m-%d")
            return datetime.combine(day.date(), time(23, 59, 59))
        value = datetime.fromisoformat(text)
    except ValueError:
        raise DueDateError(f"{text!r} is not a date; write it as YYYY-MM-DD (the end of that day, UTC) "
                           "or YYYY-MM-DD HH:MM (UTC, or add an offset such as -08:00)") from None
    if value.tzinfo is not None:
        value = value.astimezone(timezone.utc).replace(tzinfo=None)
    return value


def set_due_date(*, course_dir: Path | TrainerDir, assessment: str, due: str | None) -> datetime | None:
    """Set (or, with ``due`` None, clear) the due date of ``assessment``, in the
    gradebook and in ``peer-course.json``; return it as naive UTC.

    Raises DueDateError for an assessment the folder does not have or a date
    that cannot be read.
    """
    from peer_course.grading.gradebook import open_gradebook

    trainer = TrainerDir.of(course_dir)
    names = trainer_assessments(trainer)
    if assessment not in names:
        raise DueDateError(f"'{assessment}' is not an assessment of this trainer folder; "
                           f"the assessments are: {', '.join(names)}")
    when = parse_due(due) if due is not None else None
    stored = dict(read_settings(trainer.root).get("due", {}))
    if when is None:
        stored.pop(assessment, None)
    else:
        stored[assessment] = when.isoformat()
    with open_gradebook(trainer) as gb:
        gb.update_or_create_assignment(assessment, duedate=when)
    write_settings(trainer.root, due=stored)
    return when


def apply_due_dates(trainer: TrainerDir, gb: Any, assessments: list[str]) -> None:
    """Give the gradebook the stored due date of each of ``assessments`` that has one."""
    stored = read_settings(trainer.root).get("due", {})
    for name in assessments:
        if name in stored:
            try:
                when = datetime.fromisoformat(stored[name])
            except ValueError:
                raise DueDateError(f"{trainer.root / 'peer-course.json'}: field 'due': {stored[name]!r} for {name} "
                                   f"is not a date; set it again with `peer-course due {name} YYYY-MM-DD`") from None
            gb.update_or_create_assignment(name, duedate=when)


def read_csv_rows(path: Path) -> list[dict[str, str]]:
    """The rows of a CSV file this module wrote (for tests and tools)."""
    with path.open(newline="", encoding="utf-8-sig") as handle:
        return list(csv.DictReader(handle))
