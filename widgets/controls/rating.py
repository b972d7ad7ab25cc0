"""Rating-scale items: the competency scale (with its comment rule) and the
agreement scale."""

from __future__ import annotations

from typing import Any

import ipywidgets as w
from peer_widgets.controls.base import ItemWidget, text_html
from peer_widgets.i18n import gettext as _
from peer_widgets.scales import Scale


class RatingScale(ItemWidget):
    """Rate a statement. ``value`` is ``{"rating": level id, "comment": text}``.

    An answer whose level needs a comment is still saved without one (no
    answer is ever lost), and the learner is asked for the comment.
    """

    @property
    def scale(self) -> Scale:
        return self.kind.scale(self.item)

    def _build_controls(self) -> None:
        self.rating = w.RadioButtons(
            options=self.scale.labels(),
            value=None,
            description=_("Your rating"),
            style={"description_width": "initial"},
            layout=w.Layout(width="auto"),
        )
        self.rating.observe(self._control_changed, names="value")
        if self.scale.comment_required:
            placeholder = _("Required for {levels}.").format(
                levels=_(" or ").join(self.scale.label(level) for level in self.scale.level_ids()
                                      if level in self.scale.comment_required))
        else:
            placeholder = _("Optional.")
        self.comment = w.Textarea(
            value="",
            description=_("Comment"),
            placeholder=placeholder,
            continuous_update=False,
            style={"description_width": "initial"},
            layout=w.Layout(width="100%", max_width="40em"),
        )
        self.comment.observe(self._control_changed, names="value")

    def _controls(self) -> list[w.Widget]:
        return [self.rating, self.comment]

    def _value_from_controls(self) -> Any:
        if self.rating.value is None:
            return None
        return {"rating": self.rating.value, "comment": self.comment.value}

    def _show_value(self, value: Any) -> None:
        self.rating.value = value["rating"] if value else None
        self.comment.value = (value or {}).get("comment", "")

    def _after_answer(self) -> None:
        if self.kind.comment_missing(self.item, self.value):
            self.feedback.value = text_html(
                "\u2757 " + _("Please add a comment: the {level} rating needs one, saying what you base it on.").format(
                    level=self.scale.label(self.value["rating"])),
                "p", "peer-needs-comment")
        else:
            self.feedback.value = ""
