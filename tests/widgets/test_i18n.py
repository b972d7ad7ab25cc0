"""One translation layer: every interface string is in the template, and a
catalogue changes what a learner sees without touching widget code."""

from __future__ import annotations

from pathlib import Path

import pytest

from peer_widgets import i18n, load_bank, make_widget
from peer_widgets.store import ResponseStore, private_store

REPO = Path(__file__).resolve().parents[2]
FIXTURE = REPO / "tests" / "fixtures" / "sample-bank.yaml"


def extracted_ids() -> set[str]:
    from babel.messages.extract import extract_from_file

    ids: set[str] = set()
    for path in sorted((REPO / "widgets").rglob("*.py")):
        for _lineno, message, _comments, _context in extract_from_file(
                "python", str(path), keywords={"_": None, "N_": None}):
            ids.add(message)
    return ids


def test_template_lists_every_interface_string():
    from babel.messages.pofile import read_po

    with (REPO / "widgets" / "locale" / "peer_widgets.pot").open("rb") as handle:
        template = {m.id for m in read_po(handle) if m.id}
    assert template == extracted_ids(), (
        "widgets/locale/peer_widgets.pot is out of date; run: pybabel extract -k _ -k N_ --no-location "
        "--omit-header --sort-output -o widgets/locale/peer_widgets.pot widgets")


@pytest.fixture
def spanish(tmp_path, monkeypatch):
    folder = tmp_path / "locale" / "es" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    (folder / "peer_widgets.po").write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        'msgid "Your answer"\nmsgstr "Tu respuesta"\n\n'
        'msgid "Developing"\nmsgstr "En desarrollo"\n\n'
        'msgid "Saved."\nmsgstr "Guardado."\n\n'
        'msgid "Check my answer"\nmsgstr "Revisar mi respuesta"\n', encoding="utf-8")
    monkeypatch.setattr(i18n, "LOCALE_DIR", tmp_path / "locale")
    monkeypatch.setattr(i18n, "_catalogues", {})
    yield
    i18n.set_language(None)


@pytest.mark.usefixtures("no_kernel", "spanish")
def test_spanish_catalogue_translates_widgets(notebook_dir, monkeypatch):
    from tests.widgets.test_items import browser_sends

    monkeypatch.setenv("PEER_COURSE_LANG", "es")
    bank = load_bank(FIXTURE)
    single = make_widget(bank["s-single"], ResponseStore.for_folder(), private_store())
    assert single.spec["strings"]["check"] == "Revisar mi respuesta"
    browser_sends(single, "b")
    assert single.status["text"] == "Guardado."
    rating = make_widget(bank["s-rate"], ResponseStore.for_folder(), private_store())
    levels = [(level["label"], level["id"]) for level in rating.spec["levels"]]
    assert ("En desarrollo", "developing") in levels
    # untranslated strings fall back to English
    assert levels[0] == ("Advanced", "advanced")
    assert i18n.available_languages() == ["en", "es"]


@pytest.mark.usefixtures("spanish")
def test_language_can_be_switched_at_run_time():
    assert i18n.gettext("Your answer") == "Your answer"
    i18n.set_language("es")
    assert i18n.gettext("Your answer") == "Tu respuesta"
