"""Matching items: pair each term with one choice."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Iterator

from peer_widgets.i18n import gettext as _
from peer_widgets.kinds.base import ItemKind, MalformedAnswer, OutOfRangeAnswer

if TYPE_CHECKING:
    from peer_widgets.items import Item


class MatchingKind(ItemKind):
    """Match each term to a choice. The answer maps term id to choice id;
    credit is the share of terms matched to their keyed choice."""

    name = "matching"
    keyed = True
    scorer = "score_matching"
    entry_fields = ("terms", "choices")

    def key_problem(self, item: "Item", key: Any) -> tuple[str, str] | None:
        terms = [t.id for t in item.terms]
        choices = [c.id for c in item.choices]
        if not isinstance(key, dict) or sorted(key) != sorted(terms):
            return "key", "the key must give exactly one choice for every term"
        for term, choice in key.items():
            if choice not in choices:
                return f"key.{term}", f"'{choice}' is not one of the choices"
        return None

    def feedback_problems(self, item: "Item") -> Iterator[tuple[str, str]]:
        for term in item.terms:
            if term.feedback is None:
                yield f"terms.{term.id}.feedback", "every term needs feedback that explains the match"

    def _check(self, item: "Item", value: Any) -> Any:
        if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
            raise MalformedAnswer(f"item '{item.id}' takes a mapping from its term ids to its choice ids")
        if not set(value) <= {t.id for t in item.terms} or not set(value.values()) <= {c.id for c in item.choices}:
            raise OutOfRangeAnswer(f"item '{item.id}' takes a mapping from its term ids to its choice ids")
        return dict(value)

    def score(self, item: "Item", value: Any, key: Any = None) -> float:
        key = key or {}
        if not key:
            return 0.0
        return sum(1 for term, choice in key.items() if value.get(term) == choice) / len(key)

    def feedback(self, item: "Item", value: Any):
        value = value or {}
        if len(value) < len(item.terms):
            return None  # feedback comes once every term has a match
        key = item.key or {}
        right = sum(1 for term in item.terms if value.get(term.id) == key.get(term.id))
        verdict = True if right == len(item.terms) else (False if right == 0 else None)
        parts = []
        for term in item.terms:
            mark = "\u2714" if value.get(term.id) == key.get(term.id) else "\u2716"
            parts.append(f"{mark} \u201c{term.text}\u201d: {term.feedback}")
        return verdict, parts

    view = "peer_widgets.controls.matching.Matching"

    def answer_text(self, item: "Item", value: Any) -> str:
        texts = {choice.id: choice.text for choice in item.choices}
        return "\n".join(f"{term.text} \u2192 {texts.get(value.get(term.id), _('no match'))}" for term in item.terms)

