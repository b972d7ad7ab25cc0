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


@lru_cache(maxsize=1)
def framework() -> tuple[str, tuple[Category, ...]]:
    """Return the framework's name and its categories, in order."""
    with DATA_FILE.open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
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
