"""Single-choice and multiple-select items."""

from __future__ import annotations

from typing import Any

import ipywidgets as w
from peer_widgets.controls.base import ItemWidget
from peer_widgets.i18n import gettext as _


class SingleChoice(ItemWidget):
    """Pick one option. ``value`` is the chosen option id, or None."""

    def _build_controls(self) -> None:
        self.choice = w.RadioButtons(
            options=[(option.text, option.id) for option in self.item.options],
            value=None,
            description=_("Your answer"),
            style={"description_width": "initial"},
            layout=w.Layout(width="auto"),
        )
        self.choice.observe(self._control_changed, names="value")

    def _controls(self) -> list[w.Widget]:
        return [self.choice]

    def _value_from_controls(self) -> Any:
        return self.choice.value

    def _show_value(self, value: Any) -> None:
        self.choice.value = value


class MultipleSelect(ItemWidget):
    """Tick any number of options. ``value`` is the sorted list of ticked ids.

    Feedback is given when the learner presses "Check my answer", because
    the answer is built up one tick at a time; each tick is saved at once.
    """

    def _build_controls(self) -> None:
        self.boxes = [
            w.Checkbox(value=False, description=option.text, indent=False, layout=w.Layout(width="auto"))
            for option in self.item.options
        ]
        for box in self.boxes:
            box.observe(self._control_changed, names="value")
        self.check = w.Button(description=_("Check my answer"), tooltip=_("Check my answer"))
        self.check.on_click(self._on_check)
        self._checked = False

    def _controls(self) -> list[w.Widget]:
        group = w.VBox(
            [w.HTML(value="<span class='peer-instruction'>" + _("Choose all that apply.") + "</span>")] + self.boxes
        )
        return [group, self.check] if self.item.formative else [group]

    def _value_from_controls(self) -> Any:
        return sorted(option.id for option, box in zip(self.item.options, self.boxes) if box.value)

    def _show_value(self, value: Any) -> None:
        ticked = set(value or [])
        for option, box in zip(self.item.options, self.boxes):
            box.value = option.id in ticked
        self._checked = bool(value)


    def _on_check(self, _button: w.Button) -> None:
        self._checked = True
        if self.value is None:
            self.value = self._value_from_controls()
        self._after_answer()

    def _after_answer(self) -> None:
        if not self._checked:
            self.feedback.value = ""
            return
        super()._after_answer()

