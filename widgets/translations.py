"""The course's content in another language: one overlay file per source file.

English is the source language. The Spanish of ``items.yaml`` (or of
``competencies.yaml``, ``course.yaml``, a lesson's ``01-peer-role.ipynb``) is a
file beside it, ``items.es.yaml``, holding only text, laid out like its
source but with lists of entries keyed by their ids::

    title: ...
    items:
      pr-k01:
        scenario: ...
        prompt: ...
        options: {a: {text: ...}, b: {text: ...}}
        variants: {v2: {prompt: ...}}

So ids, keys, points and every other field have one home (the source), and a
translation can only replace words: :func:`translate` copies a source text
field only where the overlay has one, and ignores anything else. A lesson's
overlay gives each markdown cell's text by the cell's id (``cells: {id:
markdown}``).

:func:`missing` and :func:`stray` list, by path, what an overlay lacks or holds
that its source does not; the course's tests and ``peer-course validate`` use
them so that a learner never meets a passage in the wrong language.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

SOURCE_LANGUAGE = "en"
#: The languages the course is written in, with each one's own name for itself
#: (what the language switch shows).
LANGUAGES = {"en": "English", "es": "Español"}

#: The fields that hold words a learner reads, per kind of source file. A key
#: or rationale is never among them: a released overlay holds no answers.
BANK_TEXT = frozenset({"title", "scenario", "prompt", "hint", "content_note", "text", "feedback"})
COMPETENCY_TEXT = frozenset({"framework", "name", "statements"})
FRAMEWORK_TEXT = frozenset({"name", "short", "about"})
MANIFEST_TEXT = frozenset({"title", "objectives"})


def overlay_path(source: str | Path, language: str) -> Path:
    """``items.yaml`` -> ``items.es.yaml``; ``01-peer-role.ipynb`` -> ``01-peer-role.es.yaml``."""
    source = Path(source)
    return source.with_name(f"{source.stem}.{language}.yaml")


def is_overlay(path: str | Path) -> bool:
    """Whether ``path`` is a translation (``*.<language>.yaml``) rather than a source."""
    parts = Path(path).name.split(".")
    return len(parts) == 3 and parts[1] in LANGUAGES and parts[2] in ("yaml", "yml")


def read_overlay(source: str | Path, language: str) -> dict[str, Any] | None:
    """The overlay of ``source`` in ``language`` (None for English or when there is none)."""
    if language == SOURCE_LANGUAGE:
        return None
    path = overlay_path(source, language)
    if not path.is_file():
        return None
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    return data if isinstance(data, dict) else None


def _by_id(entries: list) -> bool:
    return all(isinstance(e, dict) and "id" in e for e in entries)


def translate(source: Any, overlay: Any, fields: frozenset[str], *, field: str | None = None) -> Any:
    """``source`` with the overlay's words in place of its own (a new object;
    ``source`` is not changed). Only ``fields`` are replaced; a list of entries
    with ids is matched by id, a list of texts by position."""
    if overlay is None:
        return source
    if isinstance(source, dict) and isinstance(overlay, dict):
        return {key: translate(value, overlay.get(key), fields, field=key) if key in overlay else value
                for key, value in source.items()}
    if isinstance(source, list):
        if _by_id(source) and isinstance(overlay, dict):
            return [translate(entry, overlay.get(entry["id"]), fields) for entry in source]
        if isinstance(overlay, list) and len(overlay) == len(source):
            return [translate(a, b, fields, field=field) for a, b in zip(source, overlay)]
        return source
    if isinstance(source, str) and field in fields and isinstance(overlay, str) and overlay.strip():
        return overlay
    return source


def missing(source: Any, overlay: Any, fields: frozenset[str], path: str = "", *, field: str | None = None) -> list[str]:
    """The paths of ``source``'s text fields that ``overlay`` leaves untranslated."""
    if isinstance(source, dict):
        overlay = overlay if isinstance(overlay, dict) else {}
        return [p for key, value in source.items()
                for p in missing(value, overlay.get(key), fields, f"{path}/{key}", field=key)]
    if isinstance(source, list):
        if _by_id(source):
            overlay = overlay if isinstance(overlay, dict) else {}
            return [p for e in source for p in missing(e, overlay.get(e["id"]), fields, f"{path}/{e['id']}")]
        overlay = overlay if isinstance(overlay, list) and len(overlay) == len(source) else [None] * len(source)
        return [p for i, (a, b) in enumerate(zip(source, overlay))
                for p in missing(a, b, fields, f"{path}[{i}]", field=field)]
    if isinstance(source, str) and field in fields and not (isinstance(overlay, str) and overlay.strip()):
        return [path or "/"]
    return []


def stray(source: Any, overlay: Any, path: str = "") -> list[str]:
    """The paths an overlay holds that its source does not (a renamed id, a typo)."""
    if isinstance(overlay, dict):
        if isinstance(source, list) and _by_id(source):
            known = {e["id"]: e for e in source}
        elif isinstance(source, dict):
            known = source
        else:
            return [path or "/"]
        return [p for key, value in overlay.items()
                for p in ([f"{path}/{key}"] if key not in known else stray(known[key], value, f"{path}/{key}"))]
    if isinstance(overlay, list):
        if not isinstance(source, list) or len(source) != len(overlay):
            return [path or "/"]
        return [p for i, (a, b) in enumerate(zip(source, overlay)) for p in stray(a, b, f"{path}[{i}]")]
    return []


def lesson_cells(notebook_source: str | Path, language: str) -> dict[str, str]:
    """A lesson's markdown in ``language``, by cell id (empty for English or no overlay)."""
    overlay = read_overlay(notebook_source, language) or {}
    cells = overlay.get("cells")
    return {str(k): v for k, v in cells.items() if isinstance(v, str)} if isinstance(cells, dict) else {}
