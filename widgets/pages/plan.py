"""The development plan: competency self-ratings summed up by category.

Shown on the self-assessment page under the ratings, and kept up to date as
the learner rates. Strengths are categories where every rated statement is
Advanced or Proficient; growth areas have at least one Developing; a
category with Not Enough Information is one to talk over with a supervisor.
"""

from __future__ import annotations

import html
from collections import Counter
from dataclasses import dataclass

import ipywidgets as w
from peer_widgets.categories import categories
from peer_widgets.i18n import gettext as _

STRONG = {"advanced", "proficient"}


@dataclass(frozen=True)
class CategorySummary:
    category_id: str
    label: str
    statements: int
    levels: Counter

    @property
    def rated(self) -> int:
        return sum(self.levels.values())

    @property
    def kind(self) -> str:
        """'strength', 'growth', 'discuss', 'not-applicable' or 'unrated'."""
        if self.levels["developing"]:
            return "growth"
        if self.levels["not-enough-information"]:
            return "discuss"
        if self.levels and set(self.levels) <= STRONG | {"not-applicable"} and self.levels.keys() & STRONG:
            return "strength" if self.rated == self.statements else "unrated"
        if self.levels and set(self.levels) == {"not-applicable"}:
            return "not-applicable"
        return "unrated"


def summarise(ratings: dict[str, tuple[str, str | None]]) -> list[CategorySummary]:
    """Summaries per category from ``{item id: (category id, rating or None)}``."""
    out = []
    for category in categories():
        mine = [rating for cat, rating in ratings.values() if cat == category.id]
        if not mine:
            continue
        out.append(CategorySummary(category.id, category.label, len(mine), Counter(r for r in mine if r)))
    return out


def render_plan(summaries: list[CategorySummary], *, on_progress_page: bool = False,
                self_page: str | None = None) -> str:
    """The plan summary. On the self-assessment page it points to the plan
    questions below it; on My progress (``on_progress_page``) it says where
    the plan is written, linking to ``self_page`` if given."""
    e = html.escape
    groups = {
        "strength": _("Your strengths (every statement Advanced or Proficient)"),
        "growth": _("Areas to grow (at least one Developing)"),
        "discuss": _("To talk over with your supervisor (Not Enough Information)"),
        "unrated": _("Not finished yet"),
    }
    parts = ["<div class='peer-plan' role='status'><h2>" + e(_("Your development plan so far")) + "</h2>"]
    for kind, title in groups.items():
        rows = [s for s in summaries if s.kind == kind]
        if not rows:
            continue
        parts.append(f"<h3>{e(title)}</h3><ul>")
        for s in rows:
            parts.append(f"<li>{e(s.label)} ({e(_('{rated} of {total} rated').format(rated=s.rated, total=s.statements))})</li>")
        parts.append("</ul>")
    if not on_progress_page:
        parts.append("<p>" + e(_("Use this summary to write your plan below: strengths, areas to grow, and next "
                                 "steps.")) + "</p></div>")
        return "".join(parts)
    parts.append("<p>" + e(_("You write your plan (your strengths, areas to grow and next steps) at the end of the "
                             "core competencies self-assessment.")))
    if self_page:
        parts.append(f" <a href='{e(self_page)}'>{e(_('Go to the self-assessment'))}</a>")
    parts.append("</p></div>")
    return "".join(parts)


class DevelopmentPlan(w.HTML):
    """A live summary of the rating widgets on a page."""

    def __init__(self, rating_widgets: list, **kwargs):
        super().__init__(**kwargs)
        self.add_class("peer-development-plan")
        self._ratings = rating_widgets
        for widget in rating_widgets:
            widget.observe(self._refresh, names="value")
        self._refresh()

    def _refresh(self, change: dict | None = None) -> None:
        ratings = {wdg.item.id: (wdg.item.category, wdg.kind.competency_level(wdg.item, wdg.value))
                   for wdg in self._ratings}
        self.value = render_plan(summarise(ratings))
