"""The kinds of course item: one class per kind holds all of that kind's rules.

Every other part of the course asks :func:`kind_of` rather than testing an
item's type name. Adding a kind is one new :class:`ItemKind` subclass here
(and its widget in :mod:`peer_widgets.controls`), plus its tests, and a
``type`` value in the bank schema.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterable

from peer_widgets.kinds.base import (
    AnswerProblem,
    IncompleteAnswer,
    ItemKind,
    MalformedAnswer,
    OutOfRangeAnswer,
)
from peer_widgets.kinds.choice import MultipleSelectKind, SingleChoiceKind
from peer_widgets.kinds.exam import PracticeExamKind
from peer_widgets.kinds.matching import MatchingKind
from peer_widgets.kinds.rating import RatingKind
from peer_widgets.kinds.reflection import ReflectionKind
from peer_widgets.scales import COMPETENCY

if TYPE_CHECKING:
    from peer_widgets.items import Item

KINDS: dict[str, ItemKind] = {kind.name: kind for kind in (
    SingleChoiceKind(), MultipleSelectKind(), MatchingKind(), RatingKind(), ReflectionKind(), PracticeExamKind())}


def kind_named(name: str) -> ItemKind:
    """The kind called ``name`` (a bank's ``type``).

    Raises
    ------
    KeyError
        If there is no such kind.
    """
    return KINDS[name]


def kind_of(item: "Item") -> ItemKind:
    """The kind of an item."""
    return KINDS[item.type]


def competency_items(items: "Iterable[Item]") -> list["Item"]:
    """The items that rate a competency on the competency scale (the self-assessment's statements)."""
    return [item for item in items if kind_of(item).scale_id(item) == COMPETENCY.id]


__all__ = ["KINDS", "AnswerProblem", "IncompleteAnswer", "ItemKind", "MalformedAnswer", "MatchingKind",
           "MultipleSelectKind", "OutOfRangeAnswer", "PracticeExamKind", "RatingKind", "ReflectionKind", "SingleChoiceKind",
           "competency_items", "kind_named", "kind_of"]
