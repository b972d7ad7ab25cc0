"""Free-text reflections, private unless the learner chooses to share.

The text itself is kept in the learner's private store (outside the
notebook folder), saved while they type. ``responses.json`` only ever gets a
completion marker, unless the learner ticks "Share with my trainer", and
then the text too. Unticking takes the text back out.
"""

from __future__ import annotations

from typing import Any

from peer_widgets.controls.base import ItemWidget
from peer_widgets.i18n import gettext as _
from peer_widgets.store import ResponseStore


def words(text: str) -> int:
    return len(text.split())


class Reflection(ItemWidget):
    """Write a reflection. ``answer`` is ``{"text", "share", "skip"}`` from the
    browser; ``value`` is what ``responses.json`` holds (see
    :class:`peer_widgets.kinds.ReflectionKind`)."""

    text_fields = ("text",)

    def __init__(self, item, store: ResponseStore | None = None, private: ResponseStore | None = None, **kwargs: Any):
        super().__init__(item, store, private=private, **kwargs)
        for notice in (self.private.notices if self.private is not None else []):
            self._set_status(notice, "error")

    def _kind_spec(self) -> dict[str, Any]:
        strings = {
            "privacy": _("Private by default: what you write stays in your own files. Only if you tick "
                         "\u201cShare\u201d is the text sent with your work; otherwise your trainer only sees that "
                         "you did it."),
            "text_label": _("Your reflection"),
            "share": _("Share this reflection with my trainer"),
        }
        if self.item.skippable:
            strings["skip"] = _("Skip this reflection (no penalty)")
        return {"hint": self.item.hint or "", "skippable": bool(self.item.skippable), "strings": strings}

    def _answer_from_value(self, value: Any) -> Any:
        value = value or {}
        text = value.get("text", "")
        if self.private is not None and value:
            text = (self.private.value(self.item.id) or {}).get("text", text)
        return {"text": text, "share": bool(value.get("shared")), "skip": bool(value.get("skipped"))}

    def _value_from_answer(self, answer: Any) -> Any:
        if not isinstance(answer, dict):
            return answer  # refused by the kind's check, with a message
        if answer.get("skip"):
            return {"skipped": True}
        text = str(answer.get("text") or "")
        share = bool(answer.get("share"))
        if not text.strip() and not share:
            return None if self.value is None else {"shared": False, "completed": False, "words": 0}
        value: dict[str, Any] = {"shared": share, "completed": bool(text.strip()), "words": words(text)}
        if share:
            value["text"] = text
        return value

    def _keep_draft(self, answer: Any) -> None:
        # The draft is saved to the private store on every change, even when
        # the completion marker in responses.json does not change.
        if self.private is not None and isinstance(answer, dict):
            self.private.save(self.item.id, {"text": str(answer.get("text") or "")})
            if not answer.get("share") and not answer.get("skip"):
                self._set_status(_("Saved privately."), "saved")

    def _saved_message(self) -> tuple[str, str]:
        if isinstance(self.value, dict) and not self.value.get("shared") and not self.value.get("skipped"):
            return _("Saved privately."), "saved"
        return _("Saved."), "saved"
