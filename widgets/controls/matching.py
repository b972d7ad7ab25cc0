"""Matching questions, such as pairing a stigmatising word with a respectful one."""

from __future__ import annotations

from typing import Any

from peer_widgets.controls.base import ItemWidget, in_learner_order
from peer_widgets.i18n import gettext as _


class Matching(ItemWidget):
    """Match each term to one choice. ``answer`` and ``value`` map term id
    to choice id (None until something is matched). Each term is a label
    above its own full-width list, so nothing sits off-screen on a phone."""

    def _kind_spec(self) -> dict[str, Any]:
        # Choices in the learner's own order, so that neither the file's order
        # nor their place on the screen gives a match away.
        choices = in_learner_order(self.item.id, self.item.choices)
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
