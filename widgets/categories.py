"""The competency framework every item is mapped to, loaded from data.

The categories and statements live in ``data/competencies.yaml``; this module
only reads them, so the code that shows and grades items stays generic.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

DATA_FILE = Path(__file__).with_name("data") / "competencies.yaml"


@dataclass(frozen=True)
class Category:
    id: str
    number: str
    name: str
    statements: tuple[str, ...]

    @property
    def label(self) -> str:
        return f"{self.number}. {self.name}"


def framework(language: str | None = None) -> tuple[str, tuple[Category, ...]]:
    """Return the framework's name and its categories, in order, in ``language``
    (default: the current one)."""
    from peer_widgets.i18n import current_language

    return _framework(language or current_language())


@lru_cache(maxsize=4)
def _framework(language: str) -> tuple[str, tuple[Category, ...]]:
    from peer_widgets.translations import COMPETENCY_TEXT, read_overlay, translate

    with DATA_FILE.open(encoding="utf-8") as handle:
        data = translate(yaml.safe_load(handle), read_overlay(DATA_FILE, language), COMPETENCY_TEXT)
    categories = tuple(
        Category(c["id"], c["number"], c["name"], tuple(c["statements"])) for c in data["categories"]
    )
    return data["framework"], categories


def categories() -> tuple[Category, ...]:
    return framework()[1]


def category_ids() -> list[str]:
    return [c.id for c in categories()]


def get_category(category_id: str) -> Category:
    for category in categories():
        if category.id == category_id:
            return category
    raise KeyError(category_id)
