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

import json
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import yaml

SUPERVISOR_PREFIX = "supervisor--"
KNOWLEDGE_TYPES = ("single_choice", "multiple_select", "matching")

LEARNER_COLUMNS = ["student", "first_name", "last_name", "email"]
ITEM_COLUMNS = ["assessment", "item", "type", "category", "points", "scale"]
SCORE_COLUMNS = ["student", "assessment", "item", "score", "max_score"]
SUBMISSION_COLUMNS = ["student", "assessment", "timestamp", "score", "max_score"]
RESPONSE_COLUMNS = ["student", "assessment", "item", "rating", "comment", "text"]


@dataclass
class CohortData:
    """Everything a report needs. ``responses`` has one row per saved answer
    (``rating``/``comment`` for ratings, ``text`` for a shared reflection);
    its ``student`` may be a supervisor id."""

    learners: pd.DataFrame
    items: pd.DataFrame
    scores: pd.DataFrame
    submissions: pd.DataFrame
    responses: pd.DataFrame


def is_supervisor(student: str) -> bool:
    return student.startswith(SUPERVISOR_PREFIX)


def rated_peer(student: str) -> str:
    """The peer a supervisor id rates (``supervisor--ada`` -> ``ada``)."""
    return student[len(SUPERVISOR_PREFIX):] if is_supervisor(student) else student


def load_items(course_dir: Path, assessments: list[str]) -> pd.DataFrame:
    rows = []
    for name in assessments:
        bank = yaml.safe_load((Path(course_dir) / "source" / name / "items.yaml").read_text(encoding="utf-8"))
        for item in bank["items"]:
            rows.append({"assessment": name, "item": item["id"], "type": item["type"],
                         "category": item.get("category"), "points": float(item.get("points", 0)),
                         "scale": item.get("scale") or ("competency" if item["type"] == "rating" else None)})
    return pd.DataFrame(rows, columns=ITEM_COLUMNS)


def read_responses(path: Path) -> dict:
    """The ``items`` of an answers file, or ``{}`` if it is missing, unreadable or malformed."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return {}
    items = data.get("items") if isinstance(data, dict) and data.get("schema_version") == 1 else None
    return items if isinstance(items, dict) else {}


def response_rows(student: str, assessment: str, records: dict, item_types: dict[str, str]) -> list[dict]:
    rows = []
    for item_id, record in records.items():
        if item_id not in item_types or not isinstance(record, dict) or record.get("value") is None:
            continue
        value = record["value"]
        row = {"student": student, "assessment": assessment, "item": item_id,
               "rating": None, "comment": None, "text": None}
        if item_types[item_id] == "rating" and isinstance(value, dict):
            row["rating"] = value.get("rating") if isinstance(value.get("rating"), str) else None
            row["comment"] = value.get("comment") if isinstance(value.get("comment"), str) else None
        elif item_types[item_id] == "reflection" and isinstance(value, dict) and value.get("shared"):
            row["text"] = value.get("text") if isinstance(value.get("text"), str) else None
        rows.append(row)
    return rows


def load_cohort(course_dir: Path, *, assessments: list[str] | None = None) -> CohortData:
    """Read the trainer folder's gradebook, banks and submitted answers."""
    from .gradebook import open_gradebook
    from .manifest import load_manifest

    course_dir = Path(course_dir).resolve()
    names = assessments or [n for n in load_manifest().assessments if (course_dir / "source" / n).is_dir()]
    items = load_items(course_dir, names)
    types = {(a, i): t for a, i, t in items[["assessment", "item", "type"]].itertuples(index=False)}
    learners, scores, submissions = [], [], []
    with open_gradebook(course_dir) as gb:
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
    responses = []
    for row in submissions:
        item_types = {i: t for (a, i), t in types.items() if a == row["assessment"]}
        path = course_dir / "submitted" / row["student"] / row["assessment"] / "responses.json"
        responses += response_rows(row["student"], row["assessment"], read_responses(path), item_types)
    return CohortData(
        learners=pd.DataFrame(learners, columns=LEARNER_COLUMNS),
        items=items,
        scores=pd.DataFrame(scores, columns=SCORE_COLUMNS),
        submissions=pd.DataFrame(submissions, columns=SUBMISSION_COLUMNS),
        responses=pd.DataFrame(responses, columns=RESPONSE_COLUMNS),
    )
