"""A Spanish assessment is graded with the same keys, to the same score.

Two learners give the same answers to the same assessment, one in English
and one in Spanish (each answer recorded with the language it was given in,
and the learner's choice of Spanish remembered in their answers, as the
learner's pages write them). Through the real nbgrader cycle (build,
release, autograde, feedback, export) both get exactly the same grades per
item and in grades.csv; each learner's feedback is in their own language,
with the explanation of each key in that language; and the cohort report
shows each learner's language and item statistics per language.
"""

from __future__ import annotations

import csv
import json
import shutil

import pytest
import yaml

from tests.support.cohort import PRC, records_for, small_cohort

from peer_course.grading.gradebook import open_gradebook
from peer_course.grading.steps import autograde, export, feedback
from peer_widgets.pages.language import LANGUAGE_RECORD

pytestmark = pytest.mark.slow
SELF = "core-competencies-self-assessment"
ENGLISH, SPANISH = "p01", "es-p01"  # es-p01 answers exactly as p01 does, in Spanish
quiet = lambda message: None  # noqa: E731


def spanish_copy(course, name: str) -> None:
    """es-p01's submission of ``name``: p01's answers, given in Spanish."""
    release = course / "release" / name
    target = course / "submitted" / SPANISH / name
    shutil.copytree(release, target)
    (target / "timestamp.txt").write_text("2026-11-20 10:00:00.000000 UTC", encoding="utf-8")
    bank = yaml.safe_load((release / "items.yaml").read_text(encoding="utf-8"))
    records, _ = records_for(ENGLISH, name, bank)
    for record in records.values():
        record["language"] = "es"
    records[LANGUAGE_RECORD] = {"value": "es", "answered_at": "2026-11-20T09:00:00Z", "attempts": 0}
    (target / "responses.json").write_text(json.dumps({"schema_version": 1, "items": records}), encoding="utf-8")


@pytest.fixture(scope="module")
def cohort(tmp_path_factory):
    root = tmp_path_factory.mktemp("spanish-grading")
    course, expected = small_cohort(root, submitters=[ENGLISH], others=[SPANISH], assessments=(PRC, SELF),
                                    with_feedback=False)
    for name in (PRC, SELF):
        spanish_copy(course, name)
    outcomes = autograde(course_dir=course, assessments=[PRC, SELF], workers=2, cell_timeout=30, time_limit=300,
                         progress=quiet)
    assert all(o.ok for o in outcomes), outcomes
    feedback(course_dir=course, assessments=[PRC, SELF], progress=quiet)
    return course, expected


def grades(course, learner: str) -> dict[tuple[str, str], float]:
    with open_gradebook(course) as gb:
        return {(name, grade.name): float(grade.score or 0.0)
                for name in (PRC, SELF) for notebook in gb.find_submission(name, learner).notebooks
                for grade in notebook.grades}


def test_the_same_answers_get_the_same_grades_in_either_language(cohort):
    course, expected = cohort
    english, spanish = grades(course, ENGLISH), grades(course, SPANISH)
    assert len(english) > 40 and english == spanish
    assert sum(v for (name, _), v in english.items() if name == PRC) == pytest.approx(expected[(ENGLISH, PRC)])


def test_grades_csv_is_the_same_for_both(cohort):
    course, _ = cohort
    path = export(course_dir=course, to=course / "grades.csv", progress=quiet)
    with path.open(newline="", encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    score = {(r["student_id"], r["assignment"]): (r["raw_score"], r["score"], r["max_score"]) for r in rows}
    for name in (PRC, SELF):
        assert score[(ENGLISH, name)] == score[(SPANISH, name)]
        assert float(score[(ENGLISH, name)][1]) > 0


def test_each_learner_reads_feedback_in_their_own_language(cohort):
    course, _ = cohort
    from peer_course.authoring.validate import scoring_cells

    cells = scoring_cells(course / "source" / PRC / f"{PRC}.ipynb")[0]
    first = next(c for c in cells if c.key is not None)  # answered in its first version (no variant recorded)
    english = (course / "feedback" / ENGLISH / PRC / f"{PRC}.html").read_text(encoding="utf-8")
    spanish = (course / "feedback" / SPANISH / PRC / f"{PRC}.html").read_text(encoding="utf-8")
    import html

    assert html.escape(first.rationales[""]["en"], quote=False) in english
    assert html.escape(first.rationales[""]["es"], quote=False) in spanish
    assert html.escape(first.rationales[""]["en"], quote=False) not in spanish
    assert "Por qué" in spanish and "Pregunta" in spanish and "Why" not in spanish
    # the page around the table too: its language, its heading, no English
    assert '<html lang="es">' in spanish and '<html lang="en">' in english
    assert "Comentarios: El rol de apoyo entre pares" in spanish and "Score" not in spanish
    assert "Feedback: The peer role" in english


def test_the_report_shows_each_learners_language_and_items_per_language(cohort):
    from peer_course.reports.cohort import build_report
    from peer_course.reports.data import load_cohort

    course, _ = cohort
    tables = build_report(load_cohort(course))
    learners = tables["learners"].set_index("student")
    assert learners.loc[ENGLISH, "language"] == "en" and learners.loc[SPANISH, "language"] == "es"
    stats = tables["item_stats"]
    one = stats[stats["item"] == stats["item"].iloc[0]]
    assert set(one["language"]) == {"en", "es"}
