"""Matching items, such as pairing a stigmatising word with a respectful one."""

from __future__ import annotations

import hashlib
from typing import Any

import ipywidgets as w
from traitlets import TraitError, validate

from .base import ItemWidget, verdict_html
from .i18n import gettext as _


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

    @validate("value")
    def _valid_value(self, proposal: dict) -> Any:
        value = proposal["value"]
        if value is None:
            return None
        terms = {t.id for t in self.item.terms}
        choices = {c.id for c in self.item.choices}
        if not isinstance(value, dict) or any(k not in terms or v not in choices for k, v in value.items()):
            raise TraitError(f"item '{self.item.id}' takes a mapping from its term ids to its choice ids")
        return dict(value)

    def _feedback_html(self) -> str:
        value = self.value or {}
        if len(value) < len(self.item.terms):
            return ""
        key = self.item.key or {}
        right = sum(1 for term in self.item.terms if value.get(term.id) == key.get(term.id))
        correct: bool | None = True if right == len(self.item.terms) else (False if right == 0 else None)
        parts = []
        for term in self.item.terms:
            mark = "\u2714" if value.get(term.id) == key.get(term.id) else "\u2716"
            parts.append(f"{mark} \u201c{term.text}\u201d: {term.feedback}")
        return verdict_html(correct, parts)
