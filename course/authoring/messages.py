"""The interface's messages: the template (``.pot``) and each language's catalogue (``.po``).

Every string a learner reads that is not course content is written in the
widgets as ``_("...")`` (or ``N_("...")`` where it is defined, translated
where it is shown). Babel's own Python extractor does not look inside
f-strings, where much of the page HTML is built, so the messages are found
here from the syntax tree instead: every ``_``/``N_``/``gettext`` call whose
argument is a literal string, wherever it is.

``peer-course messages`` rewrites the template and brings each catalogue up
to date with it (new messages untranslated, gone ones dropped, every
translation kept), and lists what each language still lacks.
"""

from __future__ import annotations

import ast
from datetime import datetime, timezone
from pathlib import Path

from peer_widgets.i18n import DOMAIN

REPO = Path(__file__).resolve().parents[2]
WIDGETS = REPO / "widgets"
#: What learners read that the trainer's side writes: their feedback pages, and
#: the words on every assessment page.
LEARNER_FACING = (REPO / "course" / "grading" / "feedback.py", REPO / "course" / "authoring" / "author.py")
KEYWORDS = ("_", "N_", "gettext")


def extract(folder: Path = WIDGETS) -> dict[str, list[tuple[str, int]]]:
    """Every message in ``folder``'s Python files (and the trainer-side files
    learners read, :data:`LEARNER_FACING`), with where it is used."""
    found: dict[str, list[tuple[str, int]]] = {}
    for path in [*sorted(folder.rglob("*.py")), *LEARNER_FACING]:
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in KEYWORDS
                    and len(node.args) == 1 and isinstance(node.args[0], ast.Constant)
                    and isinstance(node.args[0].value, str)):
                found.setdefault(node.args[0].value, []).append((str(path.relative_to(folder.parent)), node.lineno))
    return found


def template(folder: Path = WIDGETS):
    """The catalogue template (a Babel ``Catalog`` with no translations)."""
    from babel.messages.catalog import Catalog

    catalog = Catalog(project=DOMAIN, fuzzy=False)
    for message in sorted(extract(folder)):
        # The widgets use str.format, never %: a "50%" is not a printf code.
        catalog.add(message, flags=())
        catalog[message].flags.discard("python-format")
    return catalog


def _write(catalog, path: Path, *, header: bool) -> None:
    from babel.messages.pofile import write_po

    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        write_po(handle, catalog, width=100, no_location=True, omit_header=not header, sort_output=True,
                 ignore_obsolete=True)


def update(folder: Path = WIDGETS) -> dict[str, list[str]]:
    """Rewrite the template and update every catalogue; return each language's untranslated messages."""
    from babel.messages.pofile import read_po

    pot = template(folder)
    _write(pot, folder / "locale" / f"{DOMAIN}.pot", header=False)
    missing = {}
    for po in sorted((folder / "locale").glob(f"*/LC_MESSAGES/{DOMAIN}.po")):
        language = po.parent.parent.name
        with po.open("rb") as handle:
            catalog = read_po(handle, locale=language)
        catalog.update(pot, no_fuzzy_matching=True)
        catalog.obsolete.clear()
        for message in catalog:
            message.flags.discard("python-format")
        catalog.fuzzy = False
        catalog.revision_date = datetime.now(timezone.utc).replace(second=0, microsecond=0)
        _write(catalog, po, header=True)
        missing[language] = untranslated(po)
    return missing


def untranslated(po: Path) -> list[str]:
    """The messages of a catalogue with no translation (or only a fuzzy one)."""
    from babel.messages.pofile import read_po

    with po.open("rb") as handle:
        catalog = read_po(handle, locale=po.parent.parent.name)
    return [m.id for m in catalog if m.id and (not m.string or m.fuzzy)]
