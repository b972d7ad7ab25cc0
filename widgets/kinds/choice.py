"""Single-choice and multiple-select items."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Iterator

from peer_widgets.i18n import gettext as _
from peer_widgets.kinds.base import ItemKind, MalformedAnswer, OutOfRangeAnswer

if TYPE_CHECKING:
    from peer_widgets.items import Item


class _Choice(ItemKind):
    """Items whose answer picks among ``options``."""

    keyed = True
    entry_fields = ("options",)

    @staticmethod
    def option_ids(item: "Item") -> list[str]:
        return [option.id for option in item.options]

    def feedback_problems(self, item: "Item") -> Iterator[tuple[str, str]]:
        for option in item.options:
            if option.feedback is None:
                yield f"options.{option.id}.feedback", "every option needs feedback that explains why"


class SingleChoiceKind(_Choice):
    """Pick one option. The answer is the chosen option id; all or nothing."""

    name = "single_choice"
    single_best_answer = True
    scorer = "score_single"

    def key_problem(self, item: "Item", key: Any) -> tuple[str, str] | None:
        ids = self.option_ids(item)
        if not isinstance(key, str) or key not in ids:
            return "key", f"key {key!r} is not one of the options ({', '.join(ids)})"
        return None

    def _check(self, item: "Item", value: Any) -> Any:
        if not isinstance(value, str):
            raise MalformedAnswer(f"item '{item.id}' takes one option id")
        if value not in self.option_ids(item):
            raise OutOfRangeAnswer(f"'{value}' is not an option of item '{item.id}'")
        return value

    def score(self, item: "Item", value: Any, key: Any = None) -> float:
        return 1.0 if value == key else 0.0

    def feedback(self, item: "Item", value: Any):
        return value == item.key, [item.option(value).feedback or ""]

    view = "peer_widgets.controls.choice.SingleChoice"

    def answer_text(self, item: "Item", value: Any) -> str:
        return item.option(value).text

class MultipleSelectKind(_Choice):
    """Tick any number of options. The answer is the sorted list of ticked ids.

    Partial credit: (right ticks - wrong ticks) / number of right options,
    never below 0.
    """

    name = "multiple_select"
    scorer = "score_multiple"

    def key_problem(self, item: "Item", key: Any) -> tuple[str, str] | None:
        ids = self.option_ids(item)
        if not isinstance(key, list) or not key:
            return "key", "the key must list the right option ids"
        for option_id in key:
            if option_id not in ids:
                return "key", f"key {option_id!r} is not one of the options ({', '.join(ids)})"
        return None

    def _check(self, item: "Item", value: Any) -> Any:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise MalformedAnswer(f"item '{item.id}' takes a list of its option ids")
        if not set(value) <= set(self.option_ids(item)):
            raise OutOfRangeAnswer(f"item '{item.id}' takes a list of its option ids")
        return sorted(set(value))

    def score(self, item: "Item", value: Any, key: Any = None) -> float:
        chosen, keyed = set(value), set(key or ())
        if not keyed:
            return 0.0
        return max(0.0, (len(chosen & keyed) - len(chosen - keyed)) / len(keyed))

    def feedback(self, item: "Item", value: Any):
        key, chosen = set(item.key or []), set(value or [])
        verdict = True if chosen == key else (None if chosen & key else False)
        parts = []
        for option in item.options:
            if option.id in chosen or option.id in key:
                mark = _("You ticked") if option.id in chosen else _("You left unticked")
                parts.append(f"{mark}: \u201c{option.text}\u201d. {option.feedback}")
        return verdict, parts

    view = "peer_widgets.controls.choice.MultipleSelect"

    def answer_text(self, item: "Item", value: Any) -> str:
        return "; ".join(item.option(v).text for v in value) if value else _("You ticked nothing.")


