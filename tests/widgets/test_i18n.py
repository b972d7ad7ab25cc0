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
    from peer_course.authoring.messages import extract

    return set(extract(REPO / "widgets"))


def test_messages_inside_f_strings_are_found():
    # Babel's own extractor misses these (much of the pages' HTML is built in f-strings).
    assert "About {minutes} minutes" in extracted_ids()
    assert "Module {number}: {title}" in extracted_ids()


def test_template_lists_every_interface_string():
    from babel.messages.pofile import read_po

    with (REPO / "widgets" / "locale" / "peer_widgets.pot").open("rb") as handle:
        template = {m.id for m in read_po(handle) if m.id}
    assert template == extracted_ids(), (
        "widgets/locale/peer_widgets.pot is out of date; run: peer-course messages")


def test_every_language_translates_every_interface_string():
    from peer_course.authoring.messages import untranslated

    catalogues = sorted((REPO / "widgets" / "locale").glob("*/LC_MESSAGES/peer_widgets.po"))
    assert [po.parent.parent.name for po in catalogues] == ["es"]
    for po in catalogues:
        assert untranslated(po) == [], f"{po}: translate these (then run peer-course messages)"
        # and it compiles cleanly the standard way (pybabel compile runs these same checks)
        from babel.messages.pofile import read_po

        with po.open("rb") as handle:
            catalog = read_po(handle, locale=po.parent.parent.name)
        assert [(m.id, [str(e) for e in errors]) for m, errors in catalog.check()] == []


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
