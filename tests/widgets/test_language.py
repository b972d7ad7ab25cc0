"""The learner's language: pages per language, the remembered choice, and an
assessment notebook that serves both languages and redraws itself in place."""

from __future__ import annotations

import json
import shutil

import pytest

from peer_widgets import i18n
from peer_widgets.content import assessments_dir
from peer_widgets.pages import language
from peer_widgets.pages.language import (LANGUAGE_RECORD, localize_hrefs, localize_links, page_name,
                                         remembered_language, use_language)
from peer_widgets.pages.page import Page
from peer_widgets.store import ResponseStore

from tests.widgets.test_items import browser_sends

ASSESSMENT = "peer-role-check"


@pytest.fixture(autouse=True)
def back_to_the_default_language():
    yield
    i18n.set_language(None)


def records(folder) -> dict:
    path = folder / "responses.json"
    return json.loads(path.read_text(encoding="utf-8"))["items"] if path.is_file() else {}


def test_each_page_has_a_name_per_language():
    assert page_name("01-peer-role.ipynb", "es") == "01-peer-role.es.ipynb"
    assert page_name("01-peer-role.es.ipynb#item-pr-f05", "en") == "01-peer-role.ipynb#item-pr-f05"
    assert page_name("self-assessment/x.ipynb", "es") == "self-assessment/x.es.ipynb"
    assert localize_links("[Siguiente →](02-recovery-principles.ipynb) [sitio](https://example.org/a.ipynb)",
                          "es") == "[Siguiente →](02-recovery-principles.es.ipynb) [sitio](https://example.org/a.ipynb)"
    i18n.set_language("es")
    assert localize_hrefs("<a href='01-peer-role.ipynb#item-pr-f05'>x</a> <a href=\"../home.ipynb\">y</a>") == \
        "<a href='01-peer-role.es.ipynb#item-pr-f05'>x</a> <a href=\"../home.es.ipynb\">y</a>"


@pytest.mark.usefixtures("no_kernel")
def test_only_a_choice_is_remembered_and_other_pages_follow_it(notebook_dir, monkeypatch):
    monkeypatch.delenv("QUERY_STRING", raising=False)
    redirects = []
    monkeypatch.setattr(language, "Redirect", lambda: redirects.append(type("R", (), {"target": ""})()) or redirects[-1])
    use_language("en", "02-recovery-principles.ipynb")
    assert records(notebook_dir) == {}  # viewing a page saves nothing
    assert redirects[-1].target == ""
    monkeypatch.setenv("QUERY_STRING", "lang=es")  # the switch on the English page
    use_language("es", "02-recovery-principles.es.ipynb")
    assert records(notebook_dir)[LANGUAGE_RECORD]["value"] == "es"
    monkeypatch.setenv("QUERY_STRING", "")  # later, an old link to the English page
    use_language("en", "02-recovery-principles.ipynb")
    assert redirects[-1].target == "02-recovery-principles.es.ipynb"
    assert remembered_language(ResponseStore.for_folder()) == "es"


@pytest.mark.usefixtures("no_kernel")
def test_an_assessment_follows_the_learner_and_redraws_in_place(notebook_dir, monkeypatch):
    shown = []
    monkeypatch.setattr(Page, "_display", staticmethod(shown.append))
    for name in ("items.yaml", "items.es.yaml"):
        shutil.copy(assessments_dir() / ASSESSMENT / name, notebook_dir / name)
    page = Page("items.yaml")
    assert page.switch is not None and shown[0] is page.switch.widget
    page.show()
    item = page.bank["pr-k01"]
    widget = page.widgets["pr-k01"]
    choice = widget.spec["options"][1]["id"]
    browser_sends(widget, choice)
    english_prompt = widget.spec["prompt"]

    assert [b.disabled for b in page.switch.buttons] == [True, False]  # English is the page's language
    page.switch.choose("es")
    assert [b.disabled for b in page.switch.buttons] == [False, True]
    spanish = page.bank["pr-k01"]
    assert widget.spec["prompt"] == spanish.as_variant(widget.item.variant).prompt != english_prompt
    assert widget.spec["strings"]["check"] == "Revisar mi respuesta"
    assert widget.value == choice  # the answer is the same, and still saved
    assert records(notebook_dir)["pr-k01"]["value"] == choice
    assert records(notebook_dir)[LANGUAGE_RECORD]["value"] == "es"
    assert "peer-lang-en" in page.switch.style.value and "display: none" in page.switch.style.value
    assert item.key == spanish.key and item.variant_ids == spanish.variant_ids

    # the next time the learner opens it, it is in Spanish from the start
    i18n.set_language(None)
    again = Page("items.yaml")
    assert again.widget("pr-k01").spec["prompt"] == widget.spec["prompt"]
    assert again.widget("pr-k01").value == choice


def test_the_language_blocks_class_is_used_by_nothing_else():
    """The page hides every language block but its own by class; a question's own
    parts must never carry that class (a reflection's text box once did, and vanished)."""
    from pathlib import Path

    import peer_widgets

    package = Path(peer_widgets.__file__).parent
    for path in [package / "controls" / "static" / "peer.js", package / "pages" / "style.py"]:
        assert "peer-lang" not in path.read_text(encoding="utf-8"), path
