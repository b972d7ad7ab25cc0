"""Rating items: a level on one of the course's scales, with a comment."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from peer_widgets.i18n import gettext as _
from peer_widgets.kinds.base import (
    IncompleteAnswer,
    ItemKind,
    MalformedAnswer,
    OutOfRangeAnswer,
)
from peer_widgets.scales import SCALES, Scale

if TYPE_CHECKING:
    from peer_widgets.items import Item

DEFAULT_SCALE = "competency"


class RatingKind(ItemKind):
    """Rate a statement. The answer is ``{"rating": level id, "comment": text}``.

    Graded for completion: any level of the item's scale, with a comment
    where the scale requires one (the evaluation form's rule for Developing
    and Not Enough Information).
    """

    name = "rating"
    scorer = "score_rating"

    def scale(self, item: "Item") -> Scale:
        return SCALES[self.scale_id(item)]

    def scale_id(self, item: "Item") -> str:
        return item.scale or DEFAULT_SCALE

    def _check(self, item: "Item", value: Any) -> Any:
        if not isinstance(value, dict) or not isinstance(value.get("comment", ""), str):
            raise MalformedAnswer(f"item '{item.id}': a rating and a comment (text)")
        if value.get("rating") not in self.scale(item).level_ids():
            raise OutOfRangeAnswer(f"item '{item.id}' takes a rating from the {self.scale_id(item)} scale")
        return {"rating": value["rating"], "comment": value.get("comment", "")}

    def comment_missing(self, item: "Item", value: Any) -> bool:
        """The chosen level needs a comment and none was given."""
        if not isinstance(value, dict):
            return False
        return (value.get("rating") in self.scale(item).comment_required
                and not str(value.get("comment") or "").strip())

    def score(self, item: "Item", value: Any, key: Any = None) -> float:
        if self.comment_missing(item, value):
            raise IncompleteAnswer(_("the {level} rating needs a comment, and none was saved.").format(
                level=self.scale(item).label(value["rating"])))
        return 1.0

    def competency_level(self, item: "Item", value: Any) -> str | None:
        if self.scale_id(item) != DEFAULT_SCALE or not self.answered(item, value):
            return None
        return value["rating"]

    def report_fields(self, item: "Item", value: Any) -> dict[str, str | None]:
        fields = super().report_fields(item, value)
        if isinstance(value, dict):
            fields["rating"] = value.get("rating") if isinstance(value.get("rating"), str) else None
            fields["comment"] = value.get("comment") if isinstance(value.get("comment"), str) else None
        return fields

    view = "peer_widgets.controls.rating.RatingScale"

    def answer_text(self, item: "Item", value: Any) -> str:
        label = self.scale(item).label(value["rating"])
        comment = (value.get("comment") or "").strip()
        return f"{label}. {_('Your comment')}: {comment}" if comment else label

