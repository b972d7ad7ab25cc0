"""Which language a page is in, the learner's choice, and the switch between them.

The course folder holds each page once per language: ``01-peer-role.ipynb``
and, beside it, ``01-peer-role.es.ipynb`` (made by ``peer-course serve``
from the lesson and its translation), so a lesson's text is on the page the
moment it opens, in its language, and both share the folder's answers file:
switching language never loses or repeats an answer. Every page starts by
calling :func:`use_language` with its own language. The switch at the top of
each page links to the same page in the other language with ``?lang=es``:
that choice is remembered (a record in the learner's answers file, so it
follows them to the shared server's per-browser folder, to the hub, and into
a submission, where the trainer's report reads it), and from then on the
server root, and any page opened in the other language, bring them to their
language.

A page without a language of its own (an nbgrader assessment a learner
fetched) uses the learner's remembered choice, else the course's default
(``PEER_COURSE_LANG``), and offers a :class:`LanguageSwitch` that redraws its
questions in place.
"""

from __future__ import annotations

import html
import os
import re
from pathlib import Path
from typing import Callable

import anywidget
from traitlets import Unicode

from peer_widgets.i18n import N_, current_language, set_language
from peer_widgets.translations import LANGUAGES, SOURCE_LANGUAGE

#: Titles for pages that have no "# " heading of their own (translated as shown).
PAGE_TITLES = {"home.ipynb": N_("Course home"), "progress.ipynb": N_("My progress"),
               "crosswalk.ipynb": N_("How this course maps to peer certification")}
COURSE_NAME = N_("Peer support course")
#: The answers-file record holding the learner's chosen language (its value: "es").
LANGUAGE_RECORD = "course-language"


def page_name(notebook: str, language: str) -> str:
    """The page ``notebook`` in ``language``: ``01-peer-role.ipynb#item-x`` ->
    ``01-peer-role.es.ipynb#item-x`` (English: the name itself)."""
    path, hash_, fragment = notebook.partition("#")
    stem = re.sub(r"(\.[a-z]{2})?\.ipynb$", "", path)
    name = f"{stem}.ipynb" if language == SOURCE_LANGUAGE else f"{stem}.{language}.ipynb"
    return name + hash_ + fragment


def localize_links(markdown: str, language: str) -> str:
    """Markdown whose links to course pages go to those pages in ``language``."""
    return re.sub(r"\]\(([^)#\s:]+\.ipynb)(#[^)\s]*)?\)",
                  lambda m: f"]({page_name(m.group(1), language)}{m.group(2) or ''})", markdown)


def localize_hrefs(html_text: str, language: str | None = None) -> str:
    """HTML whose links to course pages (``href='01-peer-role.ipynb#item-x'``) go to
    those pages in ``language`` (default: the current one)."""
    language = language or current_language()
    if language == SOURCE_LANGUAGE:
        return html_text
    return re.sub(r"""href=(['"])([^'"#:]+\.ipynb)(#[^'"]*)?\1""",
                  lambda m: f"href={m.group(1)}{page_name(m.group(2), language)}{m.group(3) or ''}{m.group(1)}",
                  html_text)


def remembered_language(store) -> str | None:
    """The language the learner last chose (None if never), from their answers."""
    record = store.get(LANGUAGE_RECORD) if store is not None else None
    value = record.get("value") if isinstance(record, dict) else None
    return value if value in LANGUAGES else None


def remember_language(store, language: str, *, chosen: bool = False) -> None:
    """Record ``language`` as the learner's choice. Only a choice is recorded
    (``chosen``: the learner used the switch, or a page's language buttons), so
    viewing a page saves nothing."""
    if store is None or not chosen or remembered_language(store) == language:
        return
    from peer_widgets.store import StoreError

    try:
        store.save(LANGUAGE_RECORD, language)
    except StoreError:
        pass  # a read-only or broken folder: the page still shows, in its language


def chosen_in_request() -> str | None:
    """The language the learner chose by the switch that opened this page
    (``?lang=es`` in the page's address; Voila hands the kernel its request's
    query string), or None."""
    from urllib.parse import parse_qs

    chosen = parse_qs(os.environ.get("QUERY_STRING", "")).get("lang", [None])[0]
    return chosen if chosen in LANGUAGES else None


class Redirect(anywidget.AnyWidget):
    """Shows nothing; sends the browser to ``target`` (an address relative to
    the page, keeping its ``#place``) once it is set."""

    _esm = """
    export default { render({ model, el }) {
      el.hidden = true;
      const go = () => { const target = model.get('target'); if (target) location.replace(target + location.hash); };
      go();
      model.on('change:target', go);
    } };
    """
    target = Unicode("").tag(sync=True)


def use_language(language: str, page: str | None = None, folder: str | Path | None = None) -> None:
    """A page's first cell: show this page (``page``, its file name) in ``language``.

    The learner's choice is remembered when they make it, by the switch that
    opened this page; and a page opened in another language than the one they
    chose (the hub's start page, an old bookmark) sends them to the same page
    in theirs. Both wait for the learner's request (a preheated page is built
    before anyone has asked for it)."""
    from IPython.display import display

    from peer_widgets.pages.request import when_request_arrives
    from peer_widgets.store import ResponseStore

    set_language(language)
    redirect = Redirect()
    display(redirect)

    def follow_the_learner() -> None:
        store = ResponseStore.for_folder(folder)
        if chosen_in_request() == language:
            remember_language(store, language, chosen=True)
            return
        wanted = remembered_language(store)
        if page and wanted and wanted != language:
            redirect.target = page_name(page, wanted)

    if not when_request_arrives(follow_the_learner):
        follow_the_learner()


def switch_markdown(notebook: str, language: str) -> str:
    """The switch at the top of a course page: a link to the same page in each
    other language, each named in its own language and marked with its ``lang``."""
    links = [f'<a class="peer-language-link" href="{html.escape(page_name(notebook, other))}?lang={other}" '
             f'hreflang="{other}" lang="{other}">{html.escape(LANGUAGES[other])}</a>'
             for other in LANGUAGES if other != language]
    return f'<nav class="peer-language" aria-label="{html.escape(_switch_label(language))}">' + " ".join(links) + "</nav>"


def _switch_label(language: str) -> str:
    from peer_widgets.i18n import gettext, speaking

    with speaking(language):
        return gettext("Language")


def bilingual_markdown(texts: dict[str, str]) -> str:
    """One markdown cell holding a passage in each language, each in a block
    marked with its ``lang``; the page shows only its own language's (see the
    page template and :func:`language_style`). Used where one notebook must
    serve every language: an nbgrader assessment."""
    blocks = []
    for language, text in texts.items():
        blocks.append(f'<div class="peer-lang peer-lang-{language}" lang="{language}">\n\n{text.strip()}\n\n</div>')
    return "\n\n".join(blocks)


def bilingual_parts(markdown: str) -> dict[str, str]:
    """The passages of a :func:`bilingual_markdown` cell by language ({} for a plain cell)."""
    found = re.findall(r'<div class="peer-lang peer-lang-([a-z]{2})" lang="[a-z]{2}">\n\n(.*?)\n\n</div>',
                       markdown, flags=re.S)
    return dict(found)


def language_style(language: str) -> str:
    """CSS showing only ``language``'s passages of bilingual cells."""
    hidden = ", ".join(f".peer-lang-{other}" for other in LANGUAGES if other != language)
    return f"{hidden} {{ display: none !important; }} .peer-lang-{language} {{ display: block !important; }}"


class LanguageSwitch:
    """Buttons choosing the language of a page that has none of its own: the
    choice is remembered and ``redraw`` shows the page's questions in it."""

    def __init__(self, store, redraw: Callable[[str], None]):
        import ipywidgets as w

        from peer_widgets.i18n import gettext as _

        self.store = store
        self.redraw = redraw
        self.style = w.HTML(value=self._style_html(current_language()))
        # Named in words, and the page's own language is the button that cannot
        # be pressed (not a colour alone), so a screen reader says which it is.
        label = w.HTML(value=f"<span class='peer-language-label'>{html.escape(_('Language'))}:</span>")
        buttons = []
        for language, name in LANGUAGES.items():
            button = w.Button(description=name, tooltip=name, disabled=language == current_language())
            button.add_class("peer-language-button")
            button.on_click(lambda _b, chosen=language: self.choose(chosen))
            buttons.append(button)
        self.buttons = buttons
        self.widget = w.HBox([self.style, label, *buttons])
        self.widget.add_class("peer-language")

    @staticmethod
    def _style_html(language: str) -> str:
        return f"<style>{language_style(language)}</style>"

    def choose(self, language: str) -> None:
        if language not in LANGUAGES:
            return
        set_language(language)
        remember_language(self.store, language, chosen=True)
        self.style.value = self._style_html(language)
        for button, code in zip(self.buttons, LANGUAGES):
            button.disabled = code == language
        self.redraw(language)


def page_language(store) -> str:
    """The language of a page without one of its own: the learner's choice, else the course's."""
    return remembered_language(store) or current_language()

