"""Item banks: questions as validated data.

An item bank is a YAML (or JSON) file checked against
``data/item_bank.schema.json`` and then against the rules a schema cannot
say (keys must name real options, every option of a formative item needs
feedback, graded banks must carry no key). Any problem raises
:class:`ItemBankError` with one message naming the file, the item and the
field, so an author never has to read a traceback.
"""

from __future__ import annotations

import json
from dataclasses import replace
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from peer_widgets.categories import category_ids
from peer_widgets.errors import PeerCourseError
from peer_widgets.frameworks import DATA_FILE as FRAMEWORKS_FILE
from peer_widgets.frameworks import frameworks
from peer_widgets.items import Item, ItemBank, Option
from peer_widgets.kinds import KINDS

__all__ = ["SCHEMA_VERSION", "Item", "ItemBank", "ItemBankError", "Option", "load_bank"]

SCHEMA_FILE = Path(__file__).with_name("data") / "item_bank.schema.json"
SCHEMA_VERSION = 1


class ItemBankError(PeerCourseError, ValueError):
    """A bank file that cannot be used, with a message saying where and why."""

    def __init__(self, path: Path | str, message: str, item_id: str | None = None, field: str | None = None):
        self.path = str(path)
        self.item_id = item_id
        self.field = field
        where = [self.path]
        if item_id is not None:
            where.append(f"item '{item_id}'")
        if field is not None:
            where.append(f"field '{field}'")
        super().__init__(": ".join(where) + ": " + message)


@lru_cache(maxsize=1)
def _validator():
    # jsonschema is imported lazily: it is only needed when a bank is loaded.
    import jsonschema

    with SCHEMA_FILE.open(encoding="utf-8") as handle:
        schema = json.load(handle)
    # The tags' allowed values are the frameworks' lists, written once in data/frameworks.yaml.
    for framework in frameworks():
        schema["$defs"][framework.field]["enum"] = framework.ids
    return jsonschema.Draft202012Validator(schema)


def _read(path: Path) -> tuple[Any, str]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ItemBankError(path, "file not found; check the path in the notebook or manifest") from None
    except (OSError, UnicodeDecodeError) as error:
        raise ItemBankError(path, f"cannot read the file ({error})") from None
    try:
        if path.suffix == ".json":
            return json.loads(text), text
        # libyaml's loader when present: several times faster on a page's bank
        return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)), text
    except (json.JSONDecodeError, yaml.YAMLError) as error:
        mark = getattr(error, "problem_mark", None)
        line = f" at line {mark.line + 1}" if mark is not None else ""
        problem = getattr(error, "problem", None) or str(error)
        raise ItemBankError(path, f"not valid {'JSON' if path.suffix == '.json' else 'YAML'}{line}: {problem}") from None


def cache_marker(text: str, schema_file: Path = SCHEMA_FILE) -> Path | None:
    """Where a bank that passed the schema is remembered, keyed by content.

    Importing jsonschema costs about two seconds (its format checkers build
    a URI grammar), which a learner would wait through on every page. A bank
    whose exact text already passed the exact schema is not checked again.
    """
    import hashlib
    import os

    try:
        import platformdirs

        root = Path(os.environ.get("PEER_COURSE_CACHE_DIR") or platformdirs.user_cache_dir("peer-course", appauthor=False))
    except Exception:  # no cache: validate every time
        return None
    digest = hashlib.sha256(schema_file.read_bytes() + b"\0" + FRAMEWORKS_FILE.read_bytes() + b"\0"
                            + text.encode("utf-8")).hexdigest()
    return root / "valid-banks" / digest


def remember_valid(marker: Path | None) -> None:
    if marker is not None:
        try:
            marker.parent.mkdir(parents=True, exist_ok=True)
            marker.touch()
        except OSError:
            pass  # a read-only cache only costs time


def _schema_error(path: Path, data: Any, text: str | None = None) -> None:
    marker = cache_marker(text) if text is not None else None
    if marker is not None and marker.exists():
        return
    _validate_schema(path, data)
    remember_valid(marker)


def _validate_schema(path: Path, data: Any) -> None:
    import jsonschema.exceptions

    errors = list(_validator().iter_errors(data))
    if not errors:
        return
    error = jsonschema.exceptions.best_match(errors)
    location = list(error.absolute_path)
    item_id = None
    field_name = None
    if len(location) >= 2 and location[0] == "items" and isinstance(location[1], int):
        raw = data["items"][location[1]]
        item_id = raw.get("id") if isinstance(raw, dict) else None
        if item_id is None:
            item_id = f"#{location[1] + 1}"
        rest = [str(part) for part in location[2:]]
        field_name = ".".join(rest) if rest else None
    elif location:
        field_name = ".".join(str(part) for part in location)
    message = error.message
    if "propertyNames" in error.schema_path:
        field_name = str(error.instance)
        message = "this field is not allowed for this item type (check the spelling, or remove it)"
    elif error.validator == "required":
        missing = message.split("'")[1] if "'" in message else None
        field_name = missing if item_id is not None or not field_name else f"{field_name}.{missing}"
        message = "this field is required"
    raise ItemBankError(path, message, item_id=item_id, field=field_name)


def _check_rules(path: Path, bank: ItemBank, draft: bool = False) -> None:
    """Rules across fields that a JSON Schema cannot express clearly.

    The rules common to every item are here; each kind's own rules (its key,
    feedback on every option) are asked of the kind.
    """
    known_categories = category_ids()
    seen: set[str] = set()
    graded = bank.mode == "graded"
    for item in bank.items:
        if item.id in seen:
            raise ItemBankError(path, "this id is used twice in the bank; ids must be unique", item.id, "id")
        seen.add(item.id)
        if item.category not in known_categories:
            raise ItemBankError(path, f"unknown category '{item.category}'; use one of: {', '.join(known_categories)}",
                                item.id, "category")
        kind = KINDS[item.type]
        for list_field in kind.entry_fields:
            ids = [entry.id for entry in getattr(item, list_field)]
            if len(ids) != len(set(ids)):
                raise ItemBankError(path, "two entries share an id; each needs its own", item.id, list_field)
        if graded and item.points is None:
            raise ItemBankError(path, "graded items need points", item.id, "points")
        _check_variants(path, bank, item, draft=draft)
        if graded and not draft:
            # Keys and explanations of graded items belong in nbgrader's
            # hidden tests only: anything in this file reaches learners.
            if item.key is not None:
                raise ItemBankError(path, "graded banks are released to learners and must not hold a key; "
                                    "put the key in the item's hidden test cell", item.id, "key")
            for list_field in ("options", "terms", "choices"):
                for entry in getattr(item, list_field):
                    if entry.feedback is not None:
                        raise ItemBankError(path, "graded banks must not hold feedback that reveals the key",
                                            item.id, f"{list_field}.{entry.id}.feedback")
            continue
        for field_name, message in kind.item_problems(item, needs_key=True, needs_feedback=not graded):
            raise ItemBankError(path, message, item.id, field_name)


def _check_variants(path: Path, bank: ItemBank, item: Item, *, draft: bool) -> None:
    """A version must be answerable exactly like its item: an answer keeps its
    meaning whichever version the learner saw (only which entry is right changes)."""
    if not item.variants:
        return
    if bank.mode != "graded":
        raise ItemBankError(path, "only graded assessments have variants (lesson checks give feedback instead)",
                            item.id, "variants")
    kind = KINDS[item.type]
    seen: set[str] = set()
    for version in item.variants:
        where = f"variants.{version.variant}"
        if version.variant in seen:
            raise ItemBankError(path, "two variants share an id; number them v2, v3, ...", item.id, where)
        seen.add(version.variant)
        if bool(version.scenario) != bool(item.scenario):
            raise ItemBankError(path, "a variant has a scenario exactly when its item has one", item.id,
                                f"{where}.scenario")
        for list_field in kind.entry_fields:
            ids, own = [e.id for e in getattr(version, list_field)], [e.id for e in getattr(item, list_field)]
            if sorted(ids) != sorted(own):
                raise ItemBankError(path, f"a variant has the same {list_field} ids as its item ({', '.join(own)})",
                                    item.id, f"{where}.{list_field}")
        if draft:
            problem = (("key", "an assessment draft needs the key of every variant") if version.key is None
                       else kind.key_problem(version, version.key))
            if problem:
                raise ItemBankError(path, problem[1], item.id, f"{where}.{problem[0]}")
        else:
            if version.key is not None:
                raise ItemBankError(path, "graded banks are released to learners and must not hold a key; "
                                    "put the key in the item's hidden test cell", item.id, f"{where}.key")
            for list_field in kind.entry_fields:
                for entry in getattr(version, list_field):
                    if entry.feedback is not None:
                        raise ItemBankError(path, "graded banks must not hold feedback that reveals the key",
                                            item.id, f"{where}.{list_field}.{entry.id}.feedback")


def _check_rationales(path: Path, data: dict, *, draft: bool) -> None:
    """A ``rationale`` (why the key is right) belongs to a keyed item of an
    assessment draft, or of a formative bank; a released graded bank reaches
    learners before grading, so it must not hold one."""
    for raw in data.get("items", []):
        for version in raw.get("variants", []):
            if "rationale" in version and data.get("mode") == "graded" and not draft:
                raise ItemBankError(path, "graded banks are released to learners and must not hold a rationale; "
                                    "put it in the item's hidden test cell, beside the key", raw["id"],
                                    f"variants.{version['id']}.rationale")
        if "rationale" not in raw:
            continue
        if not KINDS[raw["type"]].keyed:
            raise ItemBankError(path, "only questions with a key can have a rationale", raw["id"], "rationale")
        if data.get("mode") == "graded" and not draft:
            raise ItemBankError(path, "graded banks are released to learners and must not hold a rationale; "
                                "put it in the item's hidden test cell, beside the key", raw["id"], "rationale")


def _build(path: Path, data: dict) -> ItemBank:
    def options(raw: dict, name: str) -> tuple[Option, ...]:
        return tuple(Option(o["id"], o["text"], o.get("feedback")) for o in raw.get(name, []))

    def variant(item: Item, raw: dict) -> Item:
        # A version replaces what the learner reads and the key; the id, kind,
        # competency and points stay the item's, so grading and reports line up.
        return replace(item, variant=raw["id"], scenario=raw.get("scenario"), prompt=raw["prompt"],
                       options=options(raw, "options"), terms=options(raw, "terms"),
                       choices=options(raw, "choices"), key=raw.get("key"), variants=())

    def with_variants(item: Item, raw: dict) -> Item:
        if not raw.get("variants"):
            return item
        return replace(item, variants=tuple(variant(item, v) for v in raw["variants"]))

    items = tuple(
        with_variants(Item(
            id=raw["id"],
            type=raw["type"],
            category=raw["category"],
            prompt=raw["prompt"],
            mode=data["mode"],
            bank_id=data["id"],
            points=float(raw["points"]) if "points" in raw else None,
            scenario=raw.get("scenario"),
            options=options(raw, "options"),
            terms=options(raw, "terms"),
            choices=options(raw, "choices"),
            key=raw.get("key"),
            scale=raw.get("scale"),
            hint=raw.get("hint"),
            content_note=raw.get("content_note"),
            skippable=raw.get("skippable", True),
            california=raw.get("california"),
            icrc=raw.get("icrc"),
        ), raw)
        for raw in data["items"]
    )
    return ItemBank(
        id=data["id"],
        title=data["title"],
        mode=data["mode"],
        path=path,
        items=items,
        source_documents=tuple(data.get("source_documents", ())),
    )


def load_bank(path: str | Path, *, draft: bool = False, language: str | None = None) -> ItemBank:
    """Load and validate one item bank, in ``language`` (default: the current
    one, see :mod:`peer_widgets.i18n`): its words come from the bank's overlay
    in that language when there is one (:mod:`peer_widgets.translations`),
    everything else from the bank itself.

    ``draft=True`` reads an assessment author's draft: a graded bank that
    still holds its keys (and may hold an ``intro`` and ``development_plan: true``), from which
    ``peer-course author`` makes the released bank and the nbgrader source.

    Raises
    ------
    ItemBankError
        If the file is missing, unreadable, not YAML/JSON, breaks the schema
        or a cross-field rule. The message names the file, item and field.
    """
    path = Path(path)
    data, text = _read(path)
    if not isinstance(data, dict):
        raise ItemBankError(path, "the file must hold a mapping with schema_version, id, title, mode and items")
    if data.get("schema_version") not in (None, SCHEMA_VERSION) and isinstance(data.get("schema_version"), int):
        raise ItemBankError(path, f"schema_version {data['schema_version']} is not supported by this version "
                            f"of the course (it reads version {SCHEMA_VERSION}); upgrade peer-course",
                            field="schema_version")
    if draft:
        data = {k: v for k, v in data.items() if k not in ("intro", "development_plan")}
    _schema_error(path, data, None if draft else text)
    _check_rationales(path, data, draft=draft)
    if not draft:
        from peer_widgets.i18n import current_language
        from peer_widgets.translations import BANK_TEXT, read_overlay, translate

        data = translate(data, read_overlay(path, language or current_language()), BANK_TEXT)
    bank = _build(path, data)
    _check_rules(path, bank, draft=draft)
    return bank
