"""The cohort's data, as pandas tables, for reports and certificates.

Sources: nbgrader's gradebook (learners, submissions, the score of every
graded cell, manual grades included) through nbgrader's Gradebook API, the
released banks in ``source/<assessment>/items.yaml`` (each item's type,
category, points, scale), and each submission's ``responses.json`` in
``submitted/`` (ratings, comments and shared reflections, which the
gradebook does not hold). A missing, unreadable or tampered answers file
simply contributes no answers.

Supervisor ratings: a supervisor submits the self-assessment form for a peer
under the student id ``supervisor--<peer id>``; everything else is the
learner's own work.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from peer_course.grading.trainer_dir import TrainerDir
from peer_widgets import answers
from peer_widgets.bank import load_bank
from peer_widgets.items import Item, ItemBank
from peer_widgets.kinds import kind_named, kind_of
from peer_widgets.translations import LANGUAGES, SOURCE_LANGUAGE

SUPERVISOR_PREFIX = "supervisor--"

LEARNER_COLUMNS = ["student", "first_name", "last_name", "email"]
ITEM_COLUMNS = ["assessment", "item", "type", "category", "points", "scale", "versions"]
SCORE_COLUMNS = ["student", "assessment", "item", "score", "max_score"]
SUBMISSION_COLUMNS = ["student", "assessment", "timestamp", "score", "max_score", "language"]
RESPONSE_COLUMNS = ["student", "assessment", "item", "variant", "language", "rating", "comment", "text"]


@dataclass
class CohortData:
    """Everything a report needs. ``responses`` has one row per saved answer
    (the ``variant`` answered and the ``language`` it was answered in,
    ``rating``/``comment`` for ratings, ``text`` for a shared reflection);
    each submission's ``language`` is the one its learner last chose;
    its ``student`` may be a supervisor id."""

    learners: pd.DataFrame
    items: pd.DataFrame
    scores: pd.DataFrame
    submissions: pd.DataFrame
    responses: pd.DataFrame
    #: one line per submission whose answers could not be used (they are left out)
    problems: list[str] = field(default_factory=list)


def is_supervisor(student: str) -> bool:
    return student.startswith(SUPERVISOR_PREFIX)


def rated_peer(student: str) -> str:
    """The peer a supervisor id rates (``supervisor--ada`` -> ``ada``)."""
    return student[len(SUPERVISOR_PREFIX):] if is_supervisor(student) else student


def source_banks(course_dir: Path, assessments: list[str]) -> dict[str, ItemBank]:
    """The released bank of each assessment in the trainer folder's ``source/``."""
    trainer = TrainerDir.of(course_dir)
    return {name: load_bank(trainer.format_path("source", None, name) / "items.yaml") for name in assessments}


def load_items(course_dir: Path, assessments: list[str]) -> pd.DataFrame:
    """One row per item: its type, category, points, rating scale (None for other
    kinds) and how many versions (variants) it has."""
    rows = []
    for name, bank in source_banks(course_dir, assessments).items():
        for item in bank:
            kind = kind_of(item)
            rows.append({"assessment": name, "item": item.id, "type": item.type, "category": item.category,
                         "points": float(item.points or 0), "scale": kind.scale_id(item),
                         "versions": len(item.variant_ids)})
    return pd.DataFrame(rows, columns=ITEM_COLUMNS)


def read_responses(path: Path) -> tuple[dict, str | None]:
    """The records of a submitted answers file and None, or ``{}`` and why it
    could not be used (missing, a link, too large or deeply nested, not valid).
    Never raises."""
    try:
        return answers.read_untrusted(path), None
    except FileNotFoundError:
        return {}, "no answers file"
    except (OSError, answers.AnswersFileError) as error:
        return {}, f"the answers file could not be used ({error})"


def keyed(items: pd.DataFrame) -> pd.Series:
    """Whether each row of an items table is a knowledge check (its kind is keyed)."""
    return items["type"].map(lambda name: kind_named(name).keyed).astype(bool)


def knowledge_items(items: pd.DataFrame) -> pd.DataFrame:
    """The rows of an items table that are knowledge checks."""
    return items[keyed(items)]


def response_rows(student: str, assessment: str, records: dict, items: dict[str, Item]) -> list[dict]:
    rows = []
    for item_id, record in records.items():
        if item_id not in items or not isinstance(record, dict) or record.get("value") is None:
            continue
        item = items[item_id]
        variant = record.get("variant") if isinstance(record.get("variant"), str) else item.variant
        language = record.get("language") if record.get("language") in LANGUAGES else SOURCE_LANGUAGE
        rows.append({"student": student, "assessment": assessment, "item": item_id, "variant": variant,
                     "language": language, **kind_of(item).report_fields(item, record["value"])})
    return rows


def remembered_language(records: dict) -> str:
    """The language a learner last chose, from their answers (English if none)."""
    from peer_widgets.pages.language import LANGUAGE_RECORD

    value = (records.get(LANGUAGE_RECORD) or {}).get("value") if isinstance(records, dict) else None
    return value if value in LANGUAGES else SOURCE_LANGUAGE


def load_cohort(course_dir: Path, *, assessments: list[str] | None = None) -> CohortData:
    """Read the trainer folder's gradebook, banks and submitted answers."""
    from peer_course.grading.gradebook import open_gradebook
    from peer_widgets.manifest import load_manifest

    trainer = TrainerDir.of(course_dir)
    names = assessments or [n for n in load_manifest().assessments if trainer.format_path("source", None, n).is_dir()]
    banks = source_banks(trainer, names)
    items = load_items(trainer, names)
    learners, scores, submissions = [], [], []
    with open_gradebook(trainer) as gb:
        for student in gb.students:
            learners.append({"student": student.id, "first_name": student.first_name or "",
                             "last_name": student.last_name or "", "email": student.email or ""})
        for name in names:
            try:
                gb.find_assignment(name)
            except Exception:  # MissingEntry: not built in this folder yet
                continue
            for submission in gb.assignment_submissions(name):
                submissions.append({"student": submission.student_id, "assessment": name,
                                    "timestamp": submission.timestamp, "score": float(submission.score),
                                    "max_score": float(submission.max_score)})
                for notebook in submission.notebooks:
                    for grade in notebook.grades:
                        scores.append({"student": submission.student_id, "assessment": name, "item": grade.name,
                                       "score": float(grade.score or 0.0), "max_score": float(grade.max_score)})
    responses, problems = [], []
    for row in submissions:
        path = trainer.format_path("submitted", row["student"], row["assessment"]) / answers.FILE_NAME
        bank_items = {item.id: item for item in banks[row["assessment"]]}
        records, problem = read_responses(path)
        row["language"] = remembered_language(records)
        if problem is not None:
            problems.append(f"{row['student']}: {row['assessment']}: {problem}; their answers are left out")
        responses += response_rows(row["student"], row["assessment"], records, bank_items)
    return CohortData(
        learners=pd.DataFrame(learners, columns=LEARNER_COLUMNS),
        items=items,
        scores=pd.DataFrame(scores, columns=SCORE_COLUMNS),
        submissions=pd.DataFrame(submissions, columns=SUBMISSION_COLUMNS),
        responses=pd.DataFrame(responses, columns=RESPONSE_COLUMNS),
        problems=problems,
    )
