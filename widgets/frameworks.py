"""The certification frameworks every item is tagged with, loaded from data.

Besides its SAMHSA category (:mod:`peer_widgets.categories`), every item names
the California core competency and the IC&RC Peer Recovery domain it serves
(``california:`` and ``icrc:`` in a bank). The lists live in
``data/frameworks.yaml``; the bank schema takes its allowed values from there,
so the list is written once.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

DATA_FILE = Path(__file__).with_name("data") / "frameworks.yaml"
#: The item fields that hold a framework tag, in the order reports show them.
TAG_FIELDS = ("california", "icrc")


@dataclass(frozen=True)
class Entry:
    id: str
    name: str


@dataclass(frozen=True)
class Framework:
    field: str
    name: str
    short: str
    about: str
    entries: tuple[Entry, ...]

    @property
    def ids(self) -> list[str]:
        return [entry.id for entry in self.entries]

    def entry(self, entry_id: str) -> Entry:
        for entry in self.entries:
            if entry.id == entry_id:
                return entry
        raise KeyError(entry_id)


def frameworks(language: str | None = None) -> tuple[Framework, ...]:
    """The tagging frameworks, in :data:`TAG_FIELDS` order, in ``language``
    (default: the current one; ids are the same in every language)."""
    from peer_widgets.i18n import current_language

    return _frameworks(language or current_language())


@lru_cache(maxsize=4)
def _frameworks(language: str) -> tuple[Framework, ...]:
    from peer_widgets.translations import FRAMEWORK_TEXT, read_overlay, translate

    data = translate(yaml.safe_load(DATA_FILE.read_text(encoding="utf-8")), read_overlay(DATA_FILE, language),
                     FRAMEWORK_TEXT)
    return tuple(
        Framework(field, data[field]["name"], data[field]["short"], " ".join(data[field]["about"].split()),
                  tuple(Entry(e["id"], e["name"]) for e in data[field]["entries"]))
        for field in TAG_FIELDS
    )


def framework(field: str) -> Framework:
    return next(f for f in frameworks() if f.field == field)
