"""A learner's competency profile: knowledge checks and self-ratings by category.

Pure functions over item banks and saved records, light enough for the
learner's kernel (no pandas, no plotting library: the chart is plain SVG).
"""

from __future__ import annotations

import html
from dataclasses import dataclass

from peer_widgets.categories import categories
from peer_widgets.i18n import gettext as _
from peer_widgets.items import Item
from peer_widgets.kinds import AnswerProblem, kind_of

LEVEL_VALUE = {"advanced": 3, "proficient": 2, "developing": 1}


def item_score(item: Item, value) -> float | None:
    """Share of credit (0-1) for a formative answer, or None if it cannot be scored."""
    kind = kind_of(item)
    if not kind.keyed or item.key is None:
        return None
    try:
        return kind.score(item, kind.check_value(item, value), item.key)
    except AnswerProblem:
        return None


@dataclass(frozen=True)
class CategoryProfile:
    category_id: str
    label: str
    knowledge: float | None  # mean share of credit on answered checks
    checks: int
    self_rating: float | None  # mean of Advanced=3, Proficient=2, Developing=1, over 3
    ratings: int


def build_profile(knowledge_items: list[Item], answers: dict[str, dict], rating_items: list[Item],
                  ratings: dict[str, dict]) -> list[CategoryProfile]:
    scores: dict[str, list[float]] = {}
    for item in knowledge_items:
        record = answers.get(item.id)
        if not record or record.get("value") is None or item.key is None:
            continue
        score = item_score(item, record["value"])
        if score is not None:
            scores.setdefault(item.category, []).append(score)
    levels: dict[str, list[int]] = {}
    for item in rating_items:
        level = LEVEL_VALUE.get(kind_of(item).competency_level(item, (ratings.get(item.id) or {}).get("value")))
        if level is not None:
            levels.setdefault(item.category, []).append(level)
    out = []
    for category in categories():
        k, r = scores.get(category.id, []), levels.get(category.id, [])
        out.append(CategoryProfile(category.id, category.label,
                                   sum(k) / len(k) if k else None, len(k),
                                   sum(r) / (3 * len(r)) if r else None, len(r)))
    return out


def _pct(value: float | None) -> str:
    return "\u2013" if value is None else f"{round(100 * value)}%"


#: The chart's width in SVG units, and how many characters of an 11-unit
#: label fit on one line of it (average glyph width is about 0.55 em).
CHART_WIDTH = 360
LABEL_CHARS = 52


def wrap_label(label: str, width: int = LABEL_CHARS) -> list[str]:
    """Split a category label into lines of at most ``width`` characters, at spaces."""
    lines: list[str] = []
    for word in label.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines or [""]


def render_chart(profile: list[CategoryProfile]) -> str:
    """Horizontal bar chart (SVG) plus the same numbers as a table for screen readers.

    Long category labels wrap onto more lines (never cut off); each row is
    as tall as its label needs.
    """
    e = html.escape
    bar_w, line_h, bars_h, gap, label_w = 220, 13, 28, 6, 0
    rows = [(row, wrap_label(row.label)) for row in profile]
    height = sum(len(lines) * line_h + bars_h + gap for _row, lines in rows) + 20
    parts = [f"<svg role='img' aria-labelledby='peer-chart-title' viewBox='0 0 {CHART_WIDTH} {height}' "
             f"style='width:100%;max-width:36em;height:auto' xmlns='http://www.w3.org/2000/svg'>"
             f"<title id='peer-chart-title'>{e(_('Competency profile by category'))}</title>"]
    y = 10
    for row, lines in rows:
        spans = "".join(f"<tspan x='0' dy='{0 if k == 0 else line_h}'>{e(line)}</tspan>"
                        for k, line in enumerate(lines))
        parts.append(f"<text class='peer-chart-label' x='0' y='{y + 10}' font-size='11' fill='#1f1f1f'>{spans}</text>")
        y += (len(lines) - 1) * line_h
        for j, (value, name, colour) in enumerate(((row.knowledge, _("Checks"), "#1d4f91"),
                                                   (row.self_rating, _("Self-rating"), "#6d4c00"))):
            yy = y + 14 + j * 13
            width = 0 if value is None else bar_w * value
            parts.append(f"<rect x='{label_w + 80}' y='{yy}' width='{width:.1f}' height='10' fill='{colour}'/>")
            parts.append(f"<text x='0' y='{yy + 9}' font-size='10' fill='#1f1f1f'>{e(name)}</text>")
            parts.append(f"<text x='{label_w + 84 + width:.1f}' y='{yy + 9}' font-size='10' fill='#1f1f1f'>{_pct(value)}</text>")
        y += line_h + bars_h + gap
    parts.append("</svg>")
    rows = "".join(f"<tr><th scope='row'>{e(r.label)}</th><td>{_pct(r.knowledge)} ({r.checks})</td>"
                   f"<td>{_pct(r.self_rating)} ({r.ratings})</td></tr>" for r in profile)
    parts.append("<details><summary>" + e(_("The same numbers as a table")) + "</summary><table class='peer-table'>"
                 f"<thead><tr><th scope='col'>{e(_('Category'))}</th><th scope='col'>{e(_('Checks right (answered)'))}</th>"
                 f"<th scope='col'>{e(_('Self-rating (rated)'))}</th></tr></thead><tbody>{rows}</tbody></table></details>")
    return "".join(parts)
