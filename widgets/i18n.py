"""One translation layer for every string a learner sees.

Widget code wraps interface text in ``_()``. English is the source language,
so no catalogue is needed for it; another language is a ``.po`` file in
``locale/<lang>/LC_MESSAGES/peer_widgets.po`` (start from
``locale/peer_widgets.pot``), compiled to a ``.mo`` and read with the
standard library's :mod:`gettext`. The language comes from ``PEER_COURSE_LANG``
or :func:`set_language`, and is looked up at call time so a page built after
switching language is shown in that language.
"""

from __future__ import annotations

import contextlib
import gettext as gettext_module
import os
from pathlib import Path

DOMAIN = "peer_widgets"
LOCALE_DIR = Path(__file__).with_name("locale")

_catalogues: dict[str, "gettext_module.NullTranslations"] = {}
_language: str | None = None


def available_languages() -> list[str]:
    """Languages with a catalogue, plus English (the source language)."""
    found = {p.parent.parent.name for p in LOCALE_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.po")}
    return sorted(found | {"en"})


def set_language(language: str | None) -> None:
    """Choose the interface language; ``None`` goes back to ``PEER_COURSE_LANG``."""
    global _language
    _language = language


def language_is_set() -> bool:
    """Whether this page chose its language itself (:func:`set_language`)."""
    return _language is not None


@contextlib.contextmanager
def speaking(language: str):
    """Within the block, messages are in ``language``; then as before."""
    global _language
    previous = _language
    _language = language
    try:
        yield
    finally:
        _language = previous


def default_language() -> str:
    """The course's language before a learner chooses one (``PEER_COURSE_LANG``, else English)."""
    return os.environ.get("PEER_COURSE_LANG", "en") or "en"


def current_language() -> str:
    return _language or default_language()


def compiled_catalogue(language: str) -> Path | None:
    """The compiled catalogue (``.mo``) of ``language``, made from its ``.po``.

    A regular install ships the ``.mo`` compiled by the build (see
    ``setup.py``); a checkout or an editable install compiles it on first use
    into the user's cache, as ``pybabel compile`` would, and again whenever
    the ``.po`` changes."""
    po = LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"
    shipped = po.with_suffix(".mo")
    if shipped.is_file() and (not po.is_file() or shipped.stat().st_mtime >= po.stat().st_mtime):
        return shipped
    if not po.is_file():
        return None
    import hashlib

    import platformdirs

    digest = hashlib.sha256(po.read_bytes()).hexdigest()[:16]
    cache = Path(os.environ.get("PEER_COURSE_CACHE_DIR")
                 or platformdirs.user_cache_dir("peer-course", appauthor=False)) / "locale"
    target = cache / f"{DOMAIN}-{language}-{digest}.mo"
    if not target.is_file():
        compile_catalogue(po, target, language)
    return target


def compile_catalogue(po: Path, mo: Path, language: str) -> None:
    """Compile ``po`` into ``mo`` (Babel, the tool behind ``pybabel compile``);
    untranslated and fuzzy messages are left out, so they show in English."""
    import tempfile

    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with po.open("rb") as handle:
        catalog = read_po(handle, locale=language)
    mo.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile("wb", dir=mo.parent, delete=False) as handle:
        write_mo(handle, catalog)
    os.replace(handle.name, mo)


def _catalogue(language: str) -> "gettext_module.NullTranslations":
    if language not in _catalogues:
        mo = compiled_catalogue(language)
        if mo is None:
            _catalogues[language] = gettext_module.NullTranslations()
        else:
            with mo.open("rb") as handle:
                _catalogues[language] = gettext_module.GNUTranslations(handle)
    return _catalogues[language]


def gettext(message: str) -> str:
    """Translate ``message`` into the current language (English if untranslated)."""
    language = current_language()
    if language == "en":
        return message
    return _catalogue(language).gettext(message)


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
