"""Reflections: free text about the learner's own experience, private by default."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from peer_widgets.i18n import gettext as _
from peer_widgets.kinds.base import IncompleteAnswer, ItemKind, MalformedAnswer

if TYPE_CHECKING:
    from peer_widgets.items import Item


class ReflectionKind(ItemKind):
    """Write a reflection. ``responses.json`` holds only what the learner chose to share:

    ``{"shared": false, "completed": bool, "words": n}`` when private,
    ``{"shared": true, "completed": bool, "words": n, "text": ...}`` when
    shared, ``{"skipped": true}`` when the learner skipped it (no penalty).
    The autograder records completion; the trainer grades it by hand.
    """

    name = "reflection"
    trainer_graded = True
    scorer = "score_completion"

    def _check(self, item: "Item", value: Any) -> Any:
        if not isinstance(value, dict):
            raise MalformedAnswer(f"item '{item.id}' takes a reflection record")
        if "text" in value and not value.get("shared"):
            # Private text must never reach responses.json.
            raise MalformedAnswer(f"item '{item.id}': a private reflection cannot carry its text")
        return value

    def score(self, item: "Item", value: Any, key: Any = None) -> float:
        if value.get("skipped") or value.get("completed"):
            return 1.0
        raise IncompleteAnswer(_("the reflection was started but not written."))

    def report_fields(self, item: "Item", value: Any) -> dict[str, str | None]:
        fields = super().report_fields(item, value)
        if isinstance(value, dict) and value.get("shared") and isinstance(value.get("text"), str):
            fields["text"] = value["text"]
        return fields

    def trainer_view(self, item: "Item", value: Any) -> list[str]:
        label = item.id
        if not isinstance(value, dict):
            return [_("Reflection {item}: the saved answer is not in a form this item accepts.").format(item=label)]
        if value.get("skipped"):
            return [_("Reflection {item}: the learner chose to skip this reflection (no penalty).").format(item=label)]
        if value.get("shared"):
            return [_("Reflection {item}, shared by the learner ({words} words):").format(
                item=label, words=value.get("words", 0)), str(value.get("text", ""))]
        if value.get("completed"):
            return [_("Reflection {item}: written and kept private by the learner ({words} words). "
                      "Grade it on completion.").format(item=label, words=value.get("words", 0))]
        return [_("Reflection {item}: started but not written.").format(item=label)]

    view = "peer_widgets.controls.reflection.Reflection"

    def answer_text(self, item: "Item", value: Any) -> str:
        # The status only: a reflection's words never appear in feedback.
        if value.get("skipped"):
            return _("You chose to skip this reflection.")
        words = value.get("words", 0)
        if value.get("shared"):
            return _("You shared your reflection with your trainer ({words} words).").format(words=words)
        if value.get("completed"):
            return _("You wrote this reflection and kept it private ({words} words).").format(words=words)
        return _("You started this reflection but did not write it.")

