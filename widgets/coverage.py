"""How much of each framework the course covers: the crosswalk's numbers.

Every item is tagged with a SAMHSA category (``category``), a California core
competency (``california``) and an IC&RC Peer Recovery domain (``icrc``).
Counting them per module gives the crosswalk a learner reads (which modules
teach each competency) and the coverage a trainer or a certification body
checks (how many graded questions assess it). Only released banks are read:
nothing here needs or sees a key.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from peer_widgets.bank import load_bank
from peer_widgets.categories import categories, framework as samhsa_framework
from peer_widgets.content import assessments_dir, modules_dir
from peer_widgets.frameworks import Entry, Framework, frameworks
from peer_widgets.kinds import kind_of
from peer_widgets.manifest import Manifest, Module, load_manifest

#: Each framework needs at least this many graded knowledge questions on every entry.
MIN_GRADED = 10


def samhsa() -> Framework:
    """SAMHSA's 12 categories, as a framework like the other two."""
    return Framework("category", samhsa_framework()[0], "SAMHSA category",
                     "SAMHSA's Core Competencies for Peer Workers group 62 statements into 12 categories.",
                     tuple(Entry(c.id, c.label) for c in categories()))


def all_frameworks() -> tuple[Framework, ...]:
    return (samhsa(), *frameworks())


@dataclass(frozen=True)
class Row:
    """One competency of one framework: where the course teaches and assesses it."""

    framework: Framework
    entry: Entry
    graded: int  #: graded knowledge questions tagged with it (each with its versions counts once)
    lesson: int  #: lesson checks tagged with it
    modules: tuple[Module, ...]  #: modules with a lesson check or graded question on it

    @property
    def enough(self) -> bool:
        return self.graded >= MIN_GRADED


def _knowledge(path: Path) -> list:
    return [item for item in load_bank(path) if kind_of(item).keyed]


def coverage(manifest: Manifest | None = None) -> list[Row]:
    """One row per entry of every framework, in the frameworks' own order."""
    manifest = manifest or load_manifest()
    tagged: list[tuple[Module, str, object]] = []  # (module, "lesson" | "graded", item)
    for module in manifest.modules:
        tagged += [(module, "lesson", item) for item in _knowledge(modules_dir() / module.bank)]
        if module.assessment:
            tagged += [(module, "graded", item)
                       for item in _knowledge(assessments_dir() / module.assessment / "items.yaml")]
    rows = []
    for framework in all_frameworks():
        for entry in framework.entries:
            mine = [(module, where) for module, where, item in tagged if getattr(item, framework.field) == entry.id]
            modules = tuple(m for m in manifest.modules if any(module is m for module, _ in mine))
            rows.append(Row(framework, entry, sum(where == "graded" for _, where in mine),
                            sum(where == "lesson" for _, where in mine), modules))
    return rows
