"""Single-choice and multiple-select questions."""

from __future__ import annotations

from typing import Any

from peer_widgets.controls.base import ItemWidget, in_learner_order
from peer_widgets.i18n import gettext as _


def options_spec(item) -> list[dict[str, str]]:
    """The options as the browser shows them: in the learner's own order."""
    return [{"id": option.id, "text": option.text} for option in in_learner_order(item.id, item.options)]


class SingleChoice(ItemWidget):
    """Pick one option (native radio buttons: arrow keys move, nothing is
    revealed until the learner checks). ``answer`` and ``value`` are the
    chosen option id, or None."""

    def _kind_spec(self) -> dict[str, Any]:
        return {"options": options_spec(self.item)}


class MultipleSelect(ItemWidget):
    """Tick any number of options. ``answer`` and ``value`` are the sorted
    list of ticked ids; each tick is saved at once."""

    def _kind_spec(self) -> dict[str, Any]:
        return {"options": options_spec(self.item), "strings": {"choose_all": _("Choose all that apply.")}}

    def _value_from_answer(self, answer: Any) -> Any:
        return sorted(answer) if isinstance(answer, list) else answer
