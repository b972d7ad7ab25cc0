"""Free-text reflections, private unless the learner chooses to share.

The text itself is kept in the learner's private store (outside the
notebook folder). ``responses.json`` only ever gets a completion marker,
unless the learner ticks "Share with my trainer", and then the text too.
Unticking takes the text back out.
"""

from __future__ import annotations

from typing import Any

import ipywidgets as w
from peer_widgets.controls.base import ItemWidget, text_html
from peer_widgets.i18n import gettext as _
from peer_widgets.store import ResponseStore, StoreError


def words(text: str) -> int:
    return len(text.split())


class Reflection(ItemWidget):
    """Write a reflection. ``value`` is what ``responses.json`` holds (see
    :class:`peer_widgets.kinds.ReflectionKind`); the text itself goes to the
    private store on every edit."""

    def __init__(self, item, store: ResponseStore | None = None, private: ResponseStore | None = None, **kwargs: Any):
        super().__init__(item, store, private=private, **kwargs)
        if self.private is not None and self.value is not None:
            draft = self.private.value(item.id) or {}
            self._restoring = True
            self.text.value = draft.get("text", self.value.get("text", ""))
            self._restoring = False
        for notice in (self.private.notices if self.private is not None else []):
            self.status.value = text_html(notice, "span", "peer-error")

    def _build_controls(self) -> None:
        self.text = w.Textarea(
            value="",
            description=_("Your reflection"),
            placeholder=self.item.hint or "",
            continuous_update=False,
            rows=6,
            style={"description_width": "initial"},
            layout=w.Layout(width="100%", max_width="40em"),
        )
        self.share = w.Checkbox(value=False, description=_("Share this reflection with my trainer"), indent=False)
        self.skip = w.Checkbox(value=False, description=_("Skip this reflection (no penalty)"), indent=False)
        for control in (self.text, self.share, self.skip):
            control.observe(self._control_changed, names="value")
        self.privacy = w.HTML(value=text_html(
            _("Private by default: what you write stays in your own files. Only if you tick "
              "\u201cShare\u201d is the text sent with your work; otherwise your trainer only sees that you did it."),
            "p", "peer-privacy"))

    def _controls(self) -> list[w.Widget]:
        controls: list[w.Widget] = [self.privacy, self.text, self.share]
        if self.item.skippable:
            controls.append(self.skip)
        return controls

    def _value_from_controls(self) -> Any:
        if self.skip.value:
            return {"skipped": True}
        text = self.text.value
        if not text.strip() and not self.share.value:
            return None if self.value is None else {"shared": False, "completed": False, "words": 0}
        value: dict[str, Any] = {"shared": bool(self.share.value), "completed": bool(text.strip()), "words": words(text)}
        if self.share.value:
            value["text"] = text
        return value

    def _show_value(self, value: Any) -> None:
        value = value or {}
        self.skip.value = bool(value.get("skipped"))
        self.share.value = bool(value.get("shared"))
        self.text.value = value.get("text", "")

    def _control_changed(self, change: dict | None = None) -> None:
        if self._restoring:
            return
        # The draft is saved to the private store on every edit, even when
        # the completion marker in responses.json does not change.
        if self.private is not None:
            try:
                self.private.save(self.item.id, {"text": self.text.value})
            except StoreError as error:
                self.status.value = text_html(str(error), "span", "peer-error")
                return
        super()._control_changed(change)
        if not self.share.value and not self.skip.value:
            self.status.value = text_html(_("Saved privately."), "span", "peer-saved")
