"""One translation layer for every string a learner sees.

Widget code wraps interface text in ``_()``. English is the source language,
so no catalogue is needed for it; another language is a ``.po`` file in
``locale/<lang>/LC_MESSAGES/peer_widgets.po`` (start from
``locale/peer_widgets.pot``). The language comes from ``PEER_COURSE_LANG``
or :func:`set_language`, and is looked up at call time so a page built after
switching language is shown in that language.
"""

from __future__ import annotations

import os
from pathlib import Path

DOMAIN = "peer_widgets"
LOCALE_DIR = Path(__file__).with_name("locale")

_catalogues: dict[str, dict[str, str]] = {}
_language: str | None = None


def available_languages() -> list[str]:
    """Languages with a catalogue, plus English (the source language)."""
    found = {p.parent.parent.name for p in LOCALE_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.po")}
    return sorted(found | {"en"})


def set_language(language: str | None) -> None:
    """Choose the interface language; ``None`` goes back to ``PEER_COURSE_LANG``."""
    global _language
    _language = language


def current_language() -> str:
    return _language or os.environ.get("PEER_COURSE_LANG", "en") or "en"


def _catalogue(language: str) -> dict[str, str]:
    if language not in _catalogues:
        path = LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"
        messages: dict[str, str] = {}
        if path.is_file():
            # Babel is already installed with JupyterLab; reading the .po
            # directly spares a compile step that would need its own tooling.
            from babel.messages.pofile import read_po

            with path.open("rb") as handle:
                catalog = read_po(handle, locale=language)
            for message in catalog:
                if message.id and message.string and not message.fuzzy and isinstance(message.id, str):
                    messages[message.id] = str(message.string)
        _catalogues[language] = messages
    return _catalogues[language]


def gettext(message: str) -> str:
    """Translate ``message`` into the current language (English if untranslated)."""
    language = current_language()
    if language == "en":
        return message
    return _catalogue(language).get(message, message)


_ = gettext


# A folder of catalogues to use instead of the package's own (laid out like
# ``locale/``): for trying out a translation before it joins the course.
LOCALE_DIR_ENV = "PEER_COURSE_LOCALE_DIR"
if os.environ.get(LOCALE_DIR_ENV):
    LOCALE_DIR = Path(os.environ[LOCALE_DIR_ENV])


def N_(message: str) -> str:
    """Mark ``message`` for translation where it is defined; translate it where it is shown."""
    return message


#: What the course's page template says itself, before any question is live
#: (the template is outside the widgets, so its words are kept here).
PAGE_TEMPLATE_STRINGS = {
    "loading": N_("Getting your questions ready\u2026"),
    "slow": N_("This is taking longer than usual. If your questions do not appear soon, please reload "
               "the page. Your answers so far are saved."),
}


def page_template_strings() -> dict[str, str]:
    """The page template's words in the current language."""
    return {key: gettext(message) for key, message in PAGE_TEMPLATE_STRINGS.items()}


def language_tag() -> str:
    """The current language as a BCP 47 tag for ``<html lang>`` (``pt_BR`` becomes ``pt-BR``)."""
    return current_language().replace("_", "-")
