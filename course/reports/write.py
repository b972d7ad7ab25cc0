"""Write the cohort report: read the trainer folder, build the tables, write
CSV files and the HTML page."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from peer_course.grading.csvfile import inert_cell  # one rule for every CSV the course writes
from peer_course.reports.cohort import TABLES, build_report
from peer_course.reports.data import load_cohort
from peer_course.reports.render import render_report


def inert(frame: pd.DataFrame) -> pd.DataFrame:
    """The table with every text cell made inert (numbers are left as they are)."""
    text = [column for column in frame.columns if frame[column].dtype == object or pd.api.types.is_string_dtype(frame[column])]
    if not text:
        return frame
    frame = frame.copy()
    for column in text:
        frame[column] = _inert_column(frame[column])
    return frame


def _inert_column(column: pd.Series) -> pd.Series:
    # The rule runs once per distinct value: ids and category names repeat on every row.
    made_inert = {value: inert_cell(value) for value in column.dropna().unique()}
    return column.map(made_inert).where(column.notna(), column)


def write_report(tables: dict[str, pd.DataFrame], out: Path, *, title: str = "Cohort report",
                 problems: list[str] | tuple[str, ...] = ()) -> Path:
    """Write every table as ``<name>.csv`` (text cells inert in spreadsheets) and
    the HTML report ``report.html``; return the HTML path."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    for name in TABLES:
        # RFC 4180 line ends, so a carriage return inside learner text is quoted, never a row break
        inert(tables[name]).to_csv(out / f"{name}.csv", index=False, lineterminator="\r\n")
    path = out / "report.html"
    path.write_text(render_report(tables, title=title, problems=problems), encoding="utf-8")
    return path


def cohort_report(*, course_dir: Path, out: Path, assessments: list[str] | None = None,
                  progress=print) -> Path:
    """Read the trainer folder and write the report to ``out``; return the HTML path."""
    progress("reading the gradebook and the submitted answers")
    data = load_cohort(course_dir, assessments=assessments)
    for problem in data.problems:
        progress(f"skipped: {problem}")
    progress(f"computing the report for {data.learners.shape[0]} learner(s)")
    path = write_report(build_report(data), out, problems=data.problems)
    progress(f"report written to {path}")
    return path
