"""Matching questions, such as pairing a stigmatising word with a respectful one."""

from __future__ import annotations

import hashlib
from typing import Any

from peer_widgets.controls.base import ItemWidget
from peer_widgets.i18n import gettext as _


class Matching(ItemWidget):
    """Match each term to one choice. ``answer`` and ``value`` map term id
    to choice id (None until something is matched). Each term is a label
    above its own full-width list, so nothing sits off-screen on a phone."""

    def _kind_spec(self) -> dict[str, Any]:
        # Authors often list choices in the same order as the terms; a stable
        # shuffle (the same on every page load) stops position giving it away.
        choices = sorted(self.item.choices,
                         key=lambda c: hashlib.sha256(f"{self.item.id}/{c.id}".encode()).hexdigest())
        return {
            "terms": [{"id": term.id, "text": term.text} for term in self.item.terms],
            "choices": [{"id": choice.id, "text": choice.text} for choice in choices],
            "strings": {"choose": _("Choose\u2026")},
        }

    def _value_from_answer(self, answer: Any) -> Any:
        if isinstance(answer, dict):
            answer = {term: choice for term, choice in answer.items() if choice}
            return answer or None
        return answer
