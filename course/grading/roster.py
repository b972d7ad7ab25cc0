"""The cohort roster: a CSV file read into nbgrader's gradebook.

Columns (header row required, any order, extra columns ignored)::

    id,first_name,last_name,email

``id`` is the learner's nbgrader student id and becomes a folder name
(``submitted/<id>/``), so it is limited to letters, digits, ``.``, ``_`` and
``-`` and must start with a letter or digit. Names may not hold ``<``, ``>``
or control characters (a page would read them as markup). ``email`` may be empty. A
supervisor who rates a peer with the self-assessment form is entered as
``supervisor--<peer id>`` (see :mod:`peer_course.reports.cohort`).

The whole file is checked before anything is written: one bad row means no
learner is imported, and every problem is reported with the file, the row
(the line number in the file, the header being row 1) and the field.
Importing again updates names and emails; it never removes a learner.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

from peer_widgets.errors import PeerCourseError

COLUMNS = ("id", "first_name", "last_name", "email")
ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")
# Names are shown in Formgrader, feedback and certificates; < and > are never
# part of a name, and refusing them keeps markup out of every page at the source.
MARKUP = re.compile(r"[<>\x00-\x1f\x7f]")
EMAIL_PATTERN = re.compile(r"^[^@\s,;<>\"']+@[^@\s,;<>\"']+\.[^@\s,;<>\"'.]+$")


class RosterError(PeerCourseError, ValueError):
    """Bad roster rows; ``problems`` holds one message per problem."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems), problems=problems)


@dataclass(frozen=True)
class Learner:
    id: str
    first_name: str
    last_name: str
    email: str


def read_roster(path: str | Path) -> list[Learner]:
    """Read and check a roster CSV file.

    Raises
    ------
    RosterError
        Naming the file, row and field of every bad row (missing id, duplicate
        id, an id with characters other than letters, digits, ``.``, ``_``,
        ``-``, a malformed email), or a missing column.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise RosterError([f"{path}: cannot read the roster ({error})"]) from None
    reader = csv.DictReader(text.splitlines())
    header = [name.strip() for name in (reader.fieldnames or [])]
    missing = [column for column in COLUMNS if column not in header]
    if missing:
        raise RosterError([f"{path}: row 1: missing column(s) {', '.join(missing)}; "
                           f"the header must be {','.join(COLUMNS)}"])
    reader.fieldnames = header
    learners: list[Learner] = []
    problems: list[str] = []
    first_row: dict[str, int] = {}
    for row in reader:
        line = reader.line_num
        values = {column: (row.get(column) or "").strip() for column in COLUMNS}
        if not any(values.values()):
            continue  # blank line
        where = f"{path}: row {line}"
        learner_id = values["id"]
        if not learner_id:
            problems.append(f"{where}: field 'id': missing")
        elif not ID_PATTERN.match(learner_id):
            problems.append(f"{where}: field 'id': {learner_id!r} may only hold letters, digits, '.', '_' and '-' "
                            "(starting with a letter or digit)")
        elif learner_id in first_row:
            problems.append(f"{where}: field 'id': {learner_id!r} is already used in row {first_row[learner_id]}")
        else:
            first_row[learner_id] = line
        for column in ("first_name", "last_name"):
            if MARKUP.search(values[column]):
                problems.append(f"{where}: field '{column}': {values[column]!r} contains < or > or a control "
                                "character, which a web page could run as markup; write the name as plain text")
        if values["email"] and not EMAIL_PATTERN.match(values["email"]):
            problems.append(f"{where}: field 'email': {values['email']!r} is not an email address")
        learners.append(Learner(**values))
    if problems:
        raise RosterError(problems)
    return learners


def import_roster(path: str | Path, *, course_dir: Path) -> list[Learner]:
    """Check the roster, then add or update every learner in the gradebook."""
    from peer_course.grading.gradebook import open_gradebook

    learners = read_roster(path)
    with open_gradebook(course_dir) as gb:
        for learner in learners:
            gb.update_or_create_student(learner.id, first_name=learner.first_name or None,
                                        last_name=learner.last_name or None, email=learner.email or None)
    return learners
