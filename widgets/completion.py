"""The course's pass rule: what earns the certificate of completion.

The rule, in this one place (the learner's My progress page and the
trainer's certificates both call :func:`course_result`):

* A **module is passed** when every one of its knowledge checks has a
  complete answer, and those answers earn at least :data:`PASS_PERCENT`
  (80 %) of the module's credit. Each check is worth the same, and earns
  the share of credit its kind's score rule gives (all or nothing for one
  choice; partial credit for "choose all that fit" and matching).
  Reflections and self-ratings have no right answer and never count.
* The **course is passed** when every module is passed.
* The certificate is **dated** by the day the last requirement was met:
  the latest time (``answered_at``) at which any counted answer was given.

On the learner's side the checks are the lesson checks (``modules/items``),
scored from the learner's saved answers; on the trainer's side they are the
knowledge items of each module's graded assessment, scored from the
gradebook. Answering every check with the first option earns about a
quarter of the credit, far below the bar.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Iterable, Sequence

from peer_widgets.items import Item
from peer_widgets.kinds import AnswerProblem, kind_of

#: The share of a module's check credit a learner needs, in percent.
PASS_PERCENT = 80
_EPSILON = 1e-9


def parse_time(value: Any) -> datetime | None:
    """A saved ``answered_at`` (UTC ISO 8601, ``Z`` or offset) as an aware datetime, or None."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=timezone.utc)
    try:
        when = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except (TypeError, ValueError):
        return None
    return when if when.tzinfo else when.replace(tzinfo=timezone.utc)


@dataclass(frozen=True)
class ModuleResult:
    """How far one module's checks meet the pass rule.

    ``credit`` is the sum of the checks' shares of credit (0 to ``total``);
    ``unanswered`` and ``to_review`` (answered, not fully right) list check
    ids in the order the module shows them.
    """

    title: str
    total: int
    answered: int
    credit: float
    last_answered: datetime | None = None
    unanswered: tuple[str, ...] = field(default=())
    to_review: tuple[str, ...] = field(default=())

    @property
    def percent(self) -> int:
        """Share of credit earned, in whole percent, rounded down (79.9 % shows as 79 %)."""
        if not self.total:
            return 0
        return math.floor(100 * self.credit / self.total + _EPSILON)

    @property
    def all_answered(self) -> bool:
        return self.total > 0 and self.answered >= self.total

    @property
    def passed(self) -> bool:
        return self.all_answered and 100 * self.credit + _EPSILON >= PASS_PERCENT * self.total


@dataclass(frozen=True)
class CourseResult:
    modules: tuple[ModuleResult, ...]

    @property
    def passed(self) -> bool:
        return bool(self.modules) and all(m.passed for m in self.modules)

    @property
    def missing(self) -> list[ModuleResult]:
        """The modules not passed yet, in course order."""
        return [m for m in self.modules if not m.passed]

    @property
    def met_at(self) -> datetime | None:
        """When the last requirement was met (None if not passed or no time is known)."""
        if not self.passed:
            return None
        times = [m.last_answered for m in self.modules if m.last_answered is not None]
        return max(times) if len(times) == len(self.modules) else None


def check_items(items: Iterable[Item]) -> list[Item]:
    """The items that count for the pass rule: knowledge checks (their kind is keyed)."""
    return [item for item in items if kind_of(item).keyed]


def score_module(title: str, items: Iterable[Item], records: dict[str, dict]) -> ModuleResult:
    """Score a module's checks from saved answer records (``{id: {"value", "answered_at"}}``).

    A check without a record, or with a value it cannot take, is unanswered;
    never raises on a bad record.
    """
    checks = check_items(items)
    credit, answered, latest = 0.0, 0, None
    unanswered, to_review = [], []
    for item in checks:
        record = records.get(item.id)
        value = record.get("value") if isinstance(record, dict) else None
        kind = kind_of(item)
        if not kind.complete(item, value):
            unanswered.append(item.id)
            continue
        try:
            share = kind.score(item, kind.check_value(item, value), item.key)
        except AnswerProblem:
            share = 0.0
        answered += 1
        credit += share
        if share < 1 - _EPSILON:
            to_review.append(item.id)
        when = parse_time(record.get("answered_at"))
        if when is not None and (latest is None or when > latest):
            latest = when
    return ModuleResult(title, len(checks), answered, credit, latest, tuple(unanswered), tuple(to_review))


def score_from_grades(title: str, grades: Sequence[tuple[str, float, float]], total: int,
                      when: datetime | None) -> ModuleResult:
    """A module's result from graded checks (``(id, score, max_score)``, as a gradebook holds them).

    ``total`` is how many checks the module has; a check with no grade
    counts as unanswered. ``when`` is when the answers were handed in.
    """
    credit, answered, to_review = 0.0, 0, []
    for item_id, score, max_score in grades:
        answered += 1
        share = min(max(score / max_score, 0.0), 1.0) if max_score else 0.0
        credit += share
        if share < 1 - _EPSILON:
            to_review.append(item_id)
    return ModuleResult(title, total, min(answered, total), credit, parse_time(when) if when else None,
                        (), tuple(to_review))


def course_result(modules: Iterable[ModuleResult]) -> CourseResult:
    """The course's result from its modules' results, in course order."""
    return CourseResult(tuple(modules))
