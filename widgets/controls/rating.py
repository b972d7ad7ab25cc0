"""Rating-scale questions: the competency scale (with its comment rule) and
the agreement scale."""

from __future__ import annotations

from typing import Any

from peer_widgets.controls.base import ItemWidget
from peer_widgets.i18n import gettext as _
from peer_widgets.scales import Scale


class RatingScale(ItemWidget):
    """Rate a statement. ``answer`` and ``value`` are
    ``{"rating": level id, "comment": text}`` (None until a level is chosen).

    An answer whose level needs a comment is still saved without one (no
    answer is ever lost), and the learner is asked for the comment.
    """

    text_fields = ("comment",)

    @property
    def scale(self) -> Scale:
        return self.kind.scale(self.item)

    def _kind_spec(self) -> dict[str, Any]:
        scale = self.scale
        if scale.comment_required:
            placeholder = _("Required for {levels}.").format(
                levels=_(" or ").join(scale.label(level) for level in scale.level_ids()
                                      if level in scale.comment_required))
        else:
            placeholder = _("Optional.")
        return {
            "levels": [{"id": level, "label": label} for label, level in scale.labels()],
            "strings": {"comment": _("Comment"), "comment_placeholder": placeholder},
        }

    def _feedback(self) -> dict[str, Any]:
        # Not a verdict (a self-rating has no right answer): a reminder, shown
        # as soon as a level that needs a comment has none.
        if self.kind.comment_missing(self.item, self.value):
            return {"notice": _("Please add a comment: the {level} rating needs one, "
                                             "saying what you base it on.").format(
                level=self.scale.label(self.value["rating"]))}
        return {}
