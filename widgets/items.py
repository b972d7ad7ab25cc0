"""Items and banks as the course uses them once loaded: plain frozen data.

Loading and checking a bank file is :mod:`peer_widgets.bank`; the rules of
each kind of item are :mod:`peer_widgets.kinds`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

#: The variant an item's own fields are: the one every learner saw before an
#: item had variants, and the one an answer without a recorded variant was given to.
FIRST_VARIANT = "v1"


@dataclass(frozen=True)
class Option:
    id: str
    text: str
    feedback: str | None = None


@dataclass(frozen=True)
class Item:
    """One question, self-rating or reflection, as loaded from a bank."""

    id: str
    type: str
    category: str
    prompt: str
    mode: str
    bank_id: str
    points: float | None = None
    scenario: str | None = None
    options: tuple[Option, ...] = ()
    terms: tuple[Option, ...] = ()
    choices: tuple[Option, ...] = ()
    key: Any = None
    scale: str | None = None
    hint: str | None = None
    content_note: str | None = None
    skippable: bool = True
    #: The California core competency and IC&RC Peer Recovery domain the item
    #: serves (see :mod:`peer_widgets.frameworks`); ``category`` is its SAMHSA one.
    california: str | None = None
    icrc: str | None = None
    #: Which version of the question this is (``v1``: the item's own fields).
    variant: str = FIRST_VARIANT
    #: Parallel versions (same competency, difficulty and entry ids, another
    #: scenario); only the first version lists them.
    variants: tuple["Item", ...] = ()

    @property
    def formative(self) -> bool:
        return self.mode == "formative"

    @property
    def variant_ids(self) -> tuple[str, ...]:
        return (self.variant, *(other.variant for other in self.variants))

    def as_variant(self, variant_id: str | None) -> "Item":
        """This item as version ``variant_id`` (None: the first version).

        Raises
        ------
        KeyError
            If the item has no such version.
        """
        if variant_id is None or variant_id == self.variant:
            return self
        for other in self.variants:
            if other.variant == variant_id:
                return other
        raise KeyError(variant_id)

    def option(self, option_id: str) -> Option:
        for option in self.options:
            if option.id == option_id:
                return option
        raise KeyError(option_id)


@dataclass(frozen=True)
class ItemBank:
    id: str
    title: str
    mode: str
    path: Path
    items: tuple[Item, ...]
    source_documents: tuple[str, ...] = field(default=())

    def __getitem__(self, item_id: str) -> Item:
        for item in self.items:
            if item.id == item_id:
                return item
        raise KeyError(f"{self.path}: no item '{item_id}' in this bank")

    def __iter__(self):
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    @property
    def ids(self) -> list[str]:
        return [item.id for item in self.items]
