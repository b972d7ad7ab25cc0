"""The course manifest (``course.yaml``): the modules in order, with their
objectives, time, competency categories, sources and assessments.

Light enough for the learner's kernel: YAML and JSON Schema only.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import yaml
from peer_widgets.content import PACKAGE_DIR, manifest_path
from peer_widgets.errors import PeerCourseError

SCHEMA_FILE = PACKAGE_DIR / "data" / "manifest.schema.json"


class ManifestError(PeerCourseError):
    """The manifest cannot be used; the message names the file, module and field."""


@dataclass(frozen=True)
class Module:
    """One module of the course, as the manifest lists it."""

    id: str
    number: int  #: its place in the course, from 1
    title: str
    notebook: str  #: the lesson notebook, relative to modules/
    bank: str  #: its formative item bank, relative to modules/
    minutes: int  #: about how long it takes
    categories: tuple[str, ...]  #: the competency categories it teaches
    sources: tuple[str, ...]  #: the source documents it draws on (file names)
    objectives: tuple[str, ...]  #: what a learner will be able to do
    assessment: str | None = None  #: its graded assessment, if any


@dataclass(frozen=True)
class SelfAssessment:
    id: str
    title: str
    assessment: str
    minutes: int
    objectives: tuple[str, ...]


@dataclass(frozen=True)
class Manifest:
    title: str
    home: str
    modules: tuple[Module, ...]
    self_assessment: SelfAssessment | None
    #: The optional practice exam (an assessment like the self-assessment, outside the modules).
    practice_exam: SelfAssessment | None = None

    @property
    def assessments(self) -> list[str]:
        """Every assessment id, in course order."""
        names = [m.assessment for m in self.modules if m.assessment]
        for extra in (self.self_assessment, self.practice_exam):
            if extra:
                names.append(extra.assessment)
        return names

    def module(self, module_id: str) -> Module:
        for module in self.modules:
            if module.id == module_id:
                return module
        raise KeyError(module_id)


def load_manifest(path: str | Path | None = None, *, language: str | None = None) -> Manifest:
    """Load and validate the manifest, its titles and objectives in ``language``
    (default: the current one; see :mod:`peer_widgets.translations`).

    Raises
    ------
    ManifestError
        Naming the file, the module and the field that is wrong.
    """
    from peer_widgets.bank import cache_marker, remember_valid
    from peer_widgets.categories import category_ids

    path = Path(path) if path is not None else manifest_path()
    try:
        text = path.read_text(encoding="utf-8")
        data = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except (OSError, yaml.YAMLError) as error:
        raise ManifestError(f"{path}: cannot read the manifest ({error})") from None
    # The schema check is remembered by content, as for item banks: the home
    # page should not wait two seconds for jsonschema to import.
    marker = cache_marker(text, SCHEMA_FILE)
    error = None
    if marker is None or not marker.exists():
        import jsonschema

        schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
        error = jsonschema.exceptions.best_match(jsonschema.Draft202012Validator(schema).iter_errors(data))
    if error is not None:
        where = list(error.absolute_path)
        if len(where) >= 2 and where[0] == "modules" and isinstance(where[1], int):
            raw = data["modules"][where[1]]
            name = raw.get("id", f"#{where[1] + 1}") if isinstance(raw, dict) else f"#{where[1] + 1}"
            field = ".".join(str(p) for p in where[2:]) or "(module)"
            raise ManifestError(f"{path}: module '{name}': field '{field}': {error.message}")
        raise ManifestError(f"{path}: field '{'.'.join(str(p) for p in where) or '(top)'}': {error.message}")
    remember_valid(marker)
    known = set(category_ids())
    seen: set[str] = set()
    for raw in data["modules"]:
        if raw["id"] in seen:
            raise ManifestError(f"{path}: module '{raw['id']}': field 'id': used twice")
        seen.add(raw["id"])
        for category in raw["categories"]:
            if category not in known:
                raise ManifestError(f"{path}: module '{raw['id']}': field 'categories': unknown category "
                                    f"'{category}'; use one of: {', '.join(sorted(known))}")
    from peer_widgets.i18n import current_language
    from peer_widgets.translations import MANIFEST_TEXT, read_overlay, translate

    data = translate(data, read_overlay(path, language or current_language()), MANIFEST_TEXT)
    modules = tuple(
        Module(
            id=m["id"], number=m["number"], title=m["title"], notebook=m["notebook"], bank=m["bank"],
            minutes=m["minutes"], categories=tuple(m["categories"]), sources=tuple(m["sources"]),
            objectives=tuple(m["objectives"]), assessment=m.get("assessment"),
        )
        for m in data["modules"]
    )
    def extra(raw: dict | None) -> SelfAssessment | None:
        return SelfAssessment(raw["id"], raw["title"], raw["assessment"], raw["minutes"],
                              tuple(raw["objectives"])) if raw else None

    return Manifest(data["title"], data["home"], modules, extra(data.get("self_assessment")),
                    extra(data.get("practice_exam")))
