"""The practice exam: one item whose answer is a whole attempt (see :mod:`peer_widgets.exam`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any

from peer_widgets.frameworks import framework
from peer_widgets.i18n import gettext as _
from peer_widgets.kinds.base import ItemKind, MalformedAnswer, OutOfRangeAnswer

if TYPE_CHECKING:
    from peer_widgets.items import Item


@dataclass(frozen=True)
class Question:
    """One question of an attempt: the lesson check (with its key) and its module."""

    item: "Item"
    module: Any  #: the manifest's Module the check belongs to (number, title, notebook)


def deadline(record: dict) -> datetime | None:
    """When a timed attempt ends (None: untimed or not started)."""
    minutes, started = record.get("minutes"), record.get("started_at")
    if not minutes or not started:
        return None
    return _when(started) + timedelta(minutes=int(minutes))


def _when(stamp: str) -> datetime:
    return datetime.fromisoformat(stamp.replace("Z", "+00:00")).astimezone(timezone.utc)


@dataclass(frozen=True)
class DomainScore:
    domain: str
    name: str
    right: int
    total: int
    #: modules of the questions missed in this domain, the most missed first: (module, missed)
    review: tuple[tuple[Any, int], ...]

    @property
    def share(self) -> float:
        return self.right / self.total if self.total else 0.0


@dataclass(frozen=True)
class Result:
    right: int
    total: int
    domains: tuple[DomainScore, ...]
    late: int  #: answers saved after a timed attempt's end (not counted)

    @property
    def share(self) -> float:
        return self.right / self.total if self.total else 0.0


def score_attempt(questions: list[Question], attempt: dict) -> Result:
    """Score a saved attempt: one point per right answer, and nothing for an
    answer saved after a timed attempt's end."""
    answers, times, ends = attempt.get("answers") or {}, attempt.get("times") or {}, deadline(attempt)
    by_domain: dict[str, list[tuple[Question, bool]]] = {d: [] for d in framework("icrc").ids}
    late = 0
    for question in questions:
        right = answers.get(question.item.id) == question.item.key
        if right and ends is not None and _when(times.get(question.item.id) or "9999-12-31T00:00:00Z") > ends:
            right, late = False, late + 1
        by_domain.setdefault(question.item.icrc, []).append((question, right))
    domains = []
    for domain, marked in by_domain.items():
        if not marked:
            continue
        missed: dict[str, list] = {}
        for question, right in marked:
            if not right:
                missed.setdefault(question.module.id, [question.module, 0])[1] += 1
        review = tuple(sorted(((m, n) for m, n in missed.values()), key=lambda pair: (-pair[1], pair[0].number)))
        domains.append(DomainScore(domain, framework("icrc").entry(domain).name, sum(r for _, r in marked),
                                   len(marked), review))
    return Result(sum(d.right for d in domains), sum(d.total for d in domains), tuple(domains), late)





class PracticeExamKind(ItemKind):
    """A practice exam attempt, saved as one record::

        {"attempt": 2, "source": "lessons", "items": ["pr-f03", ...], "answers": {"pr-f03": "b"},
         "times": {"pr-f03": "<UTC>"}, "started_at": "<UTC>", "minutes": 90, "finished": true, "history": [...]}

    It scores the share of the attempt's questions answered right by their
    keys: the lessons' own, or for a graded attempt the practice exam's hidden
    test's (an answer saved after a timed attempt's end counts nothing). It has no key of its own and no framework tags: its questions
    carry theirs.
    """

    name = "practice_exam"
    scorer = "score_practice_exam"
    tagged = False
    view = "peer_widgets.pages.exam.exam_view"

    def _check(self, item: "Item", value: Any) -> Any:
        if not isinstance(value, dict):
            raise MalformedAnswer(f"item '{item.id}' takes a practice exam attempt")
        items, answers, times = value.get("items"), value.get("answers", {}), value.get("times", {})
        if not (isinstance(value.get("attempt"), int) and value["attempt"] >= 1
                and isinstance(items, list) and all(isinstance(i, str) for i in items) and len(set(items)) == len(items)
                and isinstance(answers, dict) and all(isinstance(a, str) for a in answers.values())
                and isinstance(times, dict) and all(isinstance(t, str) for t in times.values())
                and (value.get("minutes") is None or (isinstance(value["minutes"], int) and value["minutes"] > 0))
                and isinstance(value.get("started_at"), str)
                and value.get("source", "lessons") in ("lessons", "graded")):
            raise MalformedAnswer(f"item '{item.id}': not a practice exam attempt")
        if not set(answers) <= set(items):
            raise OutOfRangeAnswer(f"item '{item.id}': answers to questions the attempt does not hold")
        return value

    def score(self, item: "Item", value: Any, key: Any = None) -> float:
        """The share right; ``key`` is the attempt's questions (:class:`Question`,
        each with its key), as grading finds them."""
        return self.result(item, value, key).share

    def result(self, item: "Item", value: Any, key: Any = None) -> Result:
        """The attempt's scores per domain (``key`` as for :meth:`score`)."""
        return score_attempt(list(key or []), value)

    def complete(self, item: "Item", value: Any) -> bool:
        return self.answered(item, value) and bool(value.get("finished"))

    def answer_text(self, item: "Item", value: Any) -> str:
        answered = len(value.get("answers") or {})
        return _("Attempt {n}: {answered} of {total} questions answered.").format(
            n=value["attempt"], answered=answered, total=len(value["items"]))
