"""Matching items, such as pairing a stigmatising word with a respectful one."""

from __future__ import annotations

import hashlib
from typing import Any

import ipywidgets as w
from peer_widgets.controls.base import ItemWidget
from peer_widgets.i18n import gettext as _


class Matching(ItemWidget):
    """Match each term to one choice. ``value`` maps term id to choice id.

    Each pick is saved at once; feedback comes when every term has a match.
    """

    def _build_controls(self) -> None:
        # Authors often list choices in the same order as the terms; a stable
        # shuffle (the same on every page load) stops position giving it away.
        choices = sorted(self.item.choices,
                         key=lambda c: hashlib.sha256(f"{self.item.id}/{c.id}".encode()).hexdigest())
        options = [(_("Choose\u2026"), None)] + [(choice.text, choice.id) for choice in choices]
        self.pickers = []
        for term in self.item.terms:
            picker = w.Dropdown(
                options=options,
                value=None,
                description=term.text,
                style={"description_width": "initial"},
                layout=w.Layout(width="auto", max_width="100%"),
            )
            picker.observe(self._control_changed, names="value")
            self.pickers.append(picker)

    def _controls(self) -> list[w.Widget]:
        return list(self.pickers)

    def _value_from_controls(self) -> Any:
        chosen = {term.id: picker.value for term, picker in zip(self.item.terms, self.pickers) if picker.value}
        return chosen or None

    def _show_value(self, value: Any) -> None:
        for term, picker in zip(self.item.terms, self.pickers):
            picker.value = (value or {}).get(term.id)


