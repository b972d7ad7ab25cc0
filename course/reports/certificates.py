"""Certificates of completion, one printable HTML page per learner.

A module counts as completed when the learner's submission of its
assessment is in the gradebook (collected and autograded); its date is the
submission's timestamp. The self-assessment is listed too when submitted.
Learners with nothing completed get no certificate; supervisors
(``supervisor--<peer id>``) never do. Names are escaped.
"""

from __future__ import annotations

import html
from datetime import datetime
from pathlib import Path
from string import Template

import pandas as pd
from peer_course.reports.data import SUPERVISOR_PREFIX, CohortData


def completed_modules(data: CohortData, manifest) -> dict[str, list[tuple[str, str]]]:
    """learner -> [(module title, date)] in course order."""
    titles = [(m.assessment, f"Module {m.number}: {m.title}") for m in manifest.modules if m.assessment]
    if manifest.self_assessment:
        titles.append((manifest.self_assessment.assessment, manifest.self_assessment.title))
    when = {(s, a): t for s, a, t in data.submissions[["student", "assessment", "timestamp"]].itertuples(index=False)}
    done: dict[str, list[tuple[str, str]]] = {}
    for student in sorted({s for s, _ in when}):
        if student.startswith(SUPERVISOR_PREFIX):
            continue
        rows = [(title, _date(when[(student, name)])) for name, title in titles if (student, name) in when]
        if rows:
            done[student] = rows
    return done


def _date(value: object) -> str:
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d")
    if value is None or (isinstance(value, float) and value != value) or value is pd.NaT:
        return "date not recorded"
    return str(value)[:10]


def render_certificate(*, name: str, student: str, modules: list[tuple[str, str]], course_title: str,
                       organisation: str = "") -> str:
    template = Template((Path(__file__).with_name("templates") / "certificate.html").read_text(encoding="utf-8"))
    rows = "".join(f"<tr><td>{html.escape(title)}</td><td>{html.escape(date)}</td></tr>" for title, date in modules)
    return template.substitute(name=html.escape(name), student=html.escape(student),
                               course=html.escape(course_title), organisation=html.escape(organisation),
                               rows=rows, count=len(modules))


def write_certificates(data: CohortData, out: Path, *, organisation: str = "") -> list[Path]:
    """Write ``<out>/<learner>.html`` for every learner who completed something."""
    from peer_widgets.manifest import load_manifest

    manifest = load_manifest()
    names = {r.student: f"{r.first_name} {r.last_name}".strip() or r.student
             for r in data.learners.itertuples(index=False)}
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for student, modules in completed_modules(data, manifest).items():
        path = out / f"{student}.html"
        path.write_text(render_certificate(name=names.get(student, student), student=student, modules=modules,
                                           course_title=manifest.title, organisation=organisation),
                        encoding="utf-8")
        paths.append(path)
    return paths


def certificates(*, course_dir: Path, out: Path, organisation: str = "", progress=print) -> list[Path]:
    """Read the trainer folder's gradebook and write the certificates."""
    from peer_course.reports.data import load_cohort

    data = load_cohort(course_dir)
    for problem in data.problems:
        progress(f"note: {problem}")
    paths = write_certificates(data, out, organisation=organisation)
    progress(f"{len(paths)} certificate(s) written to {Path(out).resolve()}")
    return paths
