"""The cohort report as one self-contained HTML page: tables and inline SVG
charts, no scripts, no external files. Every value from the data, names and
learners' own words included, passes through :func:`html.escape`.
"""

from __future__ import annotations

import html
import math
from pathlib import Path
from string import Template

import pandas as pd
from peer_course.reports import cohort as report
from peer_course.reports import item_stats

BLUE, ORANGE, GREY = "#2f6db5", "#d9822b", "#e4e7eb"


def esc(value: object) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def _is_missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA


def fmt(value: object, kind: str = "") -> str:
    if _is_missing(value):
        return "–"
    if kind == "pct":
        return f"{float(value) * 100:.0f}%"
    if kind == "num":
        return f"{float(value):.2f}"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def table(frame: pd.DataFrame, columns: list[tuple[str, str, str]], *, flag: str | None = None,
          limit: int | None = None) -> str:
    """An HTML table of ``frame``: ``columns`` are (column, heading, format)."""
    head = "".join(f"<th scope=\"col\">{esc(title)}</th>" for _, title, _ in columns)
    rows = []
    shown = frame if limit is None else frame.head(limit)
    for record in shown.to_dict("records"):
        cls = ' class="flag"' if flag and record.get(flag) else ""
        cells = "".join(
            f"<td class=\"num\">{esc(fmt(record[c], kind))}</td>" if kind in ("pct", "num")
            else f"<td>{esc(fmt(record[c], kind))}</td>" for c, _, kind in columns)
        rows.append(f"<tr{cls}>{cells}</tr>")
    more = (f"<p class=\"note\">Showing {limit} of {len(frame)} rows; the CSV file has them all.</p>"
            if limit is not None and len(frame) > limit else "")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>{more}"


def bar_chart(labels: list[str], series: list[tuple[str, str, list[float]]], *, maximum: float,
              title: str, value_format: str = "pct") -> str:
    """Horizontal bars, one group per label, one bar per series (name, colour, values)."""
    bar, gap, left, width = 14, 10, 330, 360
    group = bar * len(series) + gap
    height = group * len(labels) + 40
    parts = [f'<svg role="img" aria-label="{esc(title)}" viewBox="0 0 {left + width + 70} {height}" '
             f'xmlns="http://www.w3.org/2000/svg"><title>{esc(title)}</title>']
    for index, label in enumerate(labels):
        y = index * group + 4
        parts.append(f'<text x="{left - 8}" y="{y + bar * len(series) / 2 + 4:.1f}" text-anchor="end">{esc(label)}</text>')
        for s, (_, colour, values) in enumerate(series):
            value = values[index]
            if _is_missing(value):
                continue
            w = max(0.0, min(1.0, float(value) / maximum)) * width
            yy = y + s * bar
            parts.append(f'<rect x="{left}" y="{yy}" width="{width}" height="{bar - 2}" fill="{GREY}"/>')
            parts.append(f'<rect x="{left}" y="{yy}" width="{w:.1f}" height="{bar - 2}" fill="{colour}"/>')
            parts.append(f'<text x="{left + width + 6}" y="{yy + bar - 4}">{esc(fmt(value, value_format))}</text>')
    legend_y = len(labels) * group + 22
    for s, (name, colour, _) in enumerate(series):
        x = left + s * 150
        parts.append(f'<rect x="{x}" y="{legend_y - 10}" width="12" height="12" fill="{colour}"/>')
        parts.append(f'<text x="{x + 18}" y="{legend_y}">{esc(name)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def render_report(tables: dict[str, pd.DataFrame], *, title: str = "Cohort report", row_limit: int = 2000,
                  problems: list[str] | tuple[str, ...] = ()) -> str:
    """The report as one HTML page; ``problems`` (submissions whose answers could
    not be used, from :class:`~peer_course.reports.data.CohortData`) are listed first."""
    learners = tables["learners"]
    profile = tables["cohort_profile"]
    gaps = tables["self_vs_supervisor"]
    items = tables["item_stats"]
    alpha = tables["scale_alpha"]
    free = tables["free_text"]
    flagged = learners[learners["needs_support"]]
    body = []
    if problems:
        body.append("<h2>Answers that could not be used</h2><p class=\"note\">These submissions are left out "
                    "of every table below:</p><ul>" + "".join(f"<li>{esc(problem)}</li>" for problem in problems)
                    + "</ul>")
    body.append("<h2>Cohort profile by competency category</h2>")
    labels = list(profile["category_name"])
    body.append(bar_chart(labels, [("Mean knowledge score", BLUE, list(profile["mean_score_pct"])),
                                   ("Mean completion", ORANGE, list(profile["mean_completion"]))],
                          maximum=1.0, title="Cohort profile: mean score and completion by category"))
    body.append(table(profile, [("category_name", "Category", ""), ("learners", "Learners with knowledge items", ""),
                                ("mean_score_pct", "Mean score", "pct"), ("median_score_pct", "Median score", "pct"),
                                ("mean_completion", "Mean completion", "pct")]))
    body.append("<h2>Self-rating versus supervisor rating</h2>")
    body.append(bar_chart(labels, [("Self (cohort mean)", BLUE, list(profile["self_mean"])),
                                   ("Supervisor (cohort mean)", ORANGE, list(profile["supervisor_mean"]))],
                          maximum=3.0, value_format="num",
                          title="Mean rating by category: self versus supervisor (3 = Advanced)"))
    body.append(table(gaps, [("student", "Peer", ""), ("category_name", "Category", ""), ("self_mean", "Self", "num"),
                             ("supervisor_mean", "Supervisor", "num"), ("gap", "Gap (self − supervisor)", "num")],
                      limit=row_limit))
    body.append(f"<h2>Peers who may need support ({len(flagged)})</h2>")
    body.append(f'<p class="note">Flagged when a category score is below {report.SUPPORT_SCORE:.0%} or the '
                f"self-rating is at least {report.SUPPORT_GAP:g} level above the supervisor's in a category.</p>")
    body.append(table(flagged, [("student", "Peer", ""), ("first_name", "First name", ""), ("last_name", "Last name", ""),
                                ("support_reasons", "Why", "")], limit=row_limit))
    body.append("<h2>Learners</h2>")
    body.append(table(learners, [("student", "Learner", ""), ("first_name", "First name", ""),
                                 ("last_name", "Last name", ""), ("language", "Language", ""),
                                 ("assessments_submitted", "Assessments submitted", ""),
                                 ("score_pct", "Knowledge score", "pct"), ("completion", "Completion", "pct"),
                                 ("support_reasons", "May need support", "")], flag="needs_support", limit=row_limit))
    body.append("<h2>Item statistics</h2>")
    body.append(f'<p class="note">Highlighted items are flagged for review: facility below '
                f"{item_stats.LOW_FACILITY:g} or above {item_stats.HIGH_FACILITY:g}, or discrimination below "
                f"{item_stats.LOW_DISCRIMINATION:g}. Each version of an item and each language it was answered "
                "in (en English, es Spanish) has its own row, so a translation that works differently shows.</p>")
    flagged_items = items.assign(flag=items["review"] != "")
    body.append(table(flagged_items, [("assessment", "Assessment", ""), ("item", "Item", ""),
                                      ("variant", "Version", ""), ("language", "Language", ""), ("type", "Type", ""),
                                      ("category", "Category", ""), ("n", "Learners", ""),
                                      ("facility", "Facility index", "num"),
                                      ("discrimination", "Discrimination index", "num"), ("review", "Review", "")],
                      flag="flag"))
    body.append("<h2>Rating scales: Cronbach's alpha</h2>")
    body.append(table(alpha.assign(flag=alpha["review"] != ""),
                      [("assessment", "Assessment", ""), ("scale", "Scale (category)", ""), ("items", "Items", ""),
                       ("learners", "Learners (complete)", ""), ("alpha", "Alpha", "num"), ("review", "Review", "")],
                      flag="flag"))
    body.append("<h2>Comments and shared reflections</h2>")
    body.append(table(free, [("student", "Learner", ""), ("assessment", "Assessment", ""), ("item", "Item", ""),
                             ("kind", "Kind", ""), ("text", "Text", "")], limit=row_limit))
    coverage = tables["coverage"]
    body.append("<h2>Coverage of certification frameworks</h2>")
    body.append('<p class="note">Graded knowledge questions and lesson checks tagged with each competency of '
                "SAMHSA's categories, California's core competencies and IC&amp;RC's Peer Recovery domains; "
                "highlighted rows have fewer than the course's minimum of graded questions. The framework lists "
                "are general knowledge, not from the course's source documents.</p>")
    body.append(table(coverage.assign(flag=coverage["review"] != ""),
                      [("framework", "Framework", ""), ("competency", "Competency", ""), ("modules", "Modules", ""),
                       ("graded_items", "Graded questions", ""), ("lesson_items", "Lesson checks", ""),
                       ("review", "Review", "")], flag="flag"))
    body.append("<h2>About these numbers</h2>")
    body.append("".join(f'<p class="note">{esc(paragraph)}</p>' for paragraph in ABOUT))
    summary = (f"{len(learners)} learner(s); {len(flagged)} may need support; "
               f"{int((items['review'] != '').sum())} of {len(items)} item(s) flagged for review.")
    template = Template((Path(__file__).with_name("templates") / "report.html").read_text(encoding="utf-8"))
    return template.substitute(title=esc(title), summary=esc(summary), body="\n".join(body))


ABOUT = [
    "Category score: points earned over points possible on the knowledge items (single choice, multiple "
    "select, matching) of the category, in the assessments the learner submitted. Completion: the share of "
    "all the course's items in the category with a saved answer.",
    "Ratings: Advanced 3, Proficient 2, Developing 1; Not Enough Information and Not Applicable are left out. "
    "Supervisor ratings are self-assessment forms submitted as student 'supervisor--<peer id>'.",
    "Facility index: mean score over maximum. Discrimination index: Pearson correlation of the item score with "
    "the rest of the assessment's knowledge score (total minus the item), as in Moodle's quiz statistics. "
    "Cronbach's alpha: k/(k-1) x (1 - sum of item variances / variance of totals), learners who rated every "
    "item of the scale.",
]
