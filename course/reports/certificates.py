"""Certificates of completion, one printable HTML page per learner.

The certificate follows the course's pass rule, the same function the
learner's own My progress page uses (:mod:`peer_widgets.completion`): every
module's graded assessment is submitted and its knowledge checks earn at
least 80 % of their credit (each check's share is its gradebook score over
its maximum). The date is the day the last requirement was met: the latest
submission time of the module assessments. The self-assessment is listed
too when submitted, but is not required. Learners who have not met the
rule get no certificate; supervisors (``supervisor--<peer id>``) never do.
Names are escaped.
"""

from __future__ import annotations

import html
from datetime import datetime
from pathlib import Path
from string import Template

import pandas as pd
from peer_course.reports.data import SUPERVISOR_PREFIX, CohortData, knowledge_items
from peer_widgets.completion import PASS_PERCENT, CourseResult, ModuleResult, course_result, score_from_grades


def _when(value: object) -> datetime | None:
    if value is None or value is pd.NaT or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, datetime):
        return value
    try:
        return datetime.fromisoformat(str(value))
    except ValueError:
        return None


def course_results(data: CohortData, manifest) -> dict[str, CourseResult]:
    """learner -> their result under the course's pass rule (learners who submitted anything)."""
    checks = knowledge_items(data.items)
    totals = checks.groupby("assessment")["item"].apply(list).to_dict()
    when = {(s, a): t for s, a, t in data.submissions[["student", "assessment", "timestamp"]].itertuples(index=False)}
    grades: dict[tuple[str, str], list[tuple[str, float, float]]] = {}
    check_ids = {(a, i) for a, i in checks[["assessment", "item"]].itertuples(index=False)}
    for s, a, i, score, top in data.scores[["student", "assessment", "item", "score", "max_score"]].itertuples(index=False):
        if (a, i) in check_ids:
            grades.setdefault((s, a), []).append((i, float(score), float(top)))
    out = {}
    for student in sorted({s for s, _ in when}):
        if student.startswith(SUPERVISOR_PREFIX):
            continue
        results = []
        for m in manifest.modules:
            title = f"Module {m.number}: {m.title}"
            total = len(totals.get(m.assessment, []))
            if m.assessment and (student, m.assessment) in when:
                results.append(score_from_grades(title, grades.get((student, m.assessment), []), total,
                                                 _when(when[(student, m.assessment)])))
            else:
                results.append(ModuleResult(title, total, 0, 0.0))
        out[student] = course_result(results)
    return out


def completed_modules(data: CohortData, manifest) -> dict[str, list[tuple[str, str, str]]]:
    """learner -> [(module title, percent of checks right, date)] in course order, for the
    learners who meet the pass rule (the self-assessment is added when submitted)."""
    when = {(s, a): t for s, a, t in data.submissions[["student", "assessment", "timestamp"]].itertuples(index=False)}
    done: dict[str, list[tuple[str, str, str]]] = {}
    for student, result in course_results(data, manifest).items():
        if not result.passed:
            continue
        rows = [(m.title, f"{m.percent}%", _date(m.last_answered)) for m in result.modules]
        sa = manifest.self_assessment
        if sa and (student, sa.assessment) in when:
            rows.append((sa.title, "", _date(when[(student, sa.assessment)])))
        done[student] = rows
    return done


def _date(value: object) -> str:
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d")
    if value is None or (isinstance(value, float) and value != value) or value is pd.NaT:
        return "date not recorded"
    return str(value)[:10]


def render_certificate(*, name: str, student: str, modules: list[tuple[str, str, str]], course_title: str,
                       organisation: str = "", finished: str = "") -> str:
    template = Template((Path(__file__).with_name("templates") / "certificate.html").read_text(encoding="utf-8"))
    rows = "".join(f"<tr><td>{html.escape(title)}</td><td>{html.escape(percent)}</td><td>{html.escape(date)}</td></tr>"
                   for title, percent, date in modules)
    return template.substitute(name=html.escape(name), student=html.escape(student),
                               course=html.escape(course_title), organisation=html.escape(organisation),
                               rows=rows, count=len(modules), percent=PASS_PERCENT, finished=html.escape(finished))


def write_certificates(data: CohortData, out: Path, *, organisation: str = "") -> list[Path]:
    """Write ``<out>/<learner>.html`` for every learner who meets the course's pass rule."""
    from peer_widgets.manifest import load_manifest

    manifest = load_manifest()
    names = {r.student: f"{r.first_name} {r.last_name}".strip() or r.student
             for r in data.learners.itertuples(index=False)}
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    results = course_results(data, manifest)
    for student, modules in completed_modules(data, manifest).items():
        path = out / f"{student}.html"
        path.write_text(render_certificate(name=names.get(student, student), student=student, modules=modules,
                                           course_title=manifest.title, organisation=organisation,
                                           finished=_date(results[student].met_at)),
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
