"""What a notebook imports: open an item bank and show its items.

A lesson or assessment notebook starts with::

    from peer_widgets import Page
    page = Page("items.yaml")

and shows each item where it belongs with ``page.show("item-id")``. The page
finds the answers file for the notebook's folder, tells the learner about
anything that went wrong reading it, and never raises into the notebook:
a problem becomes a message on the page.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import ipywidgets as w
from peer_widgets.bank import ItemBank, ItemBankError, load_bank
from peer_widgets.controls.base import ItemWidget, text_html
from peer_widgets.controls.progress import PageProgress
from peer_widgets.controls.view import CourseModule
from peer_widgets.i18n import gettext as _
from peer_widgets.i18n import language_is_set, set_language
from peer_widgets.kinds import competency_items, kind_of
from peer_widgets.pages.language import LanguageSwitch, page_language
from peer_widgets.store import ResponseStore, grading, private_store

_style_shown = False


def show_style() -> None:
    """Send the course stylesheet once per kernel (each Voila page has its own),
    and the course's widget module before any course widget."""
    global _style_shown
    from IPython.display import HTML, display

    if not _style_shown:
        from peer_widgets.pages.style import style_html

        display(HTML(style_html()))
        _style_shown = True
    # Each time: a notebook run again in JupyterLab clears the old output.
    display(CourseModule())


def make_widget(item, store: ResponseStore | None, private: ResponseStore | None = None, **options: Any) -> ItemWidget:
    """Build the widget for one item (its kind says which; ``options`` such as
    ``number`` and ``total`` go to the widget)."""
    return kind_of(item).widget(item, store, private, **options)


class Page:
    """The items of one bank, shown on one notebook page.

    Parameters
    ----------
    bank_path
        The item bank file, relative to the notebook's folder.
    folder
        The notebook's folder (default: the kernel's working directory).
    """

    def __init__(self, bank_path: str | Path, folder: str | Path | None = None):
        import threading

        self._lock = threading.RLock()
        self.folder = Path.cwd() if folder is None else Path(folder)
        self.error: str | None = None
        self.bank: ItemBank | None = None
        self.bank_path = self.folder / bank_path
        self.widgets: dict[str, ItemWidget] = {}
        self.store = ResponseStore.for_folder(self.folder)
        self.private = private_store(self.folder)
        # A page the course folder made per language has chosen its language
        # already (peer_widgets.pages.language); one notebook serving every
        # language (an nbgrader assessment) follows the learner's choice, and
        # offers the switch.
        self.switch = None
        if not language_is_set():
            set_language(page_language(self.store))
            if not grading():
                self.switch = LanguageSwitch(self.store, self.redraw)
        try:
            self.bank = load_bank(self.bank_path)
        except ItemBankError as error:
            self.error = str(error)
        show_style()
        if self.switch is not None:
            self._display(self.switch.widget)
        notices = self.store.notices + self.private.notices
        if notices or self.error:
            self._display(self._notice(notices + ([self.error] if self.error else [])))
        self.progress: PageProgress | None = None
        # (a page of one item, such as the practice exam, says nothing by counting it)
        if self.bank is not None and len(self.bank.ids) > 1:
            self.progress = PageProgress(self.bank, self.store)
            self._display(self.progress)
        # A preheated page is built now, before the learner's request, and shows
        # the answers saved when the request arrives (peer_widgets.pages.request).
        from peer_widgets.pages.request import when_request_arrives

        when_request_arrives(self.refresh)

    def refresh(self) -> None:
        """Show the answers saved now, on every question built so far (the ones
        built later read them as they are built)."""
        with self._lock:
            self.store.reload()
            self.private.reload()
            for widget in self.widgets.values():
                widget.load_saved()
            if self.progress is not None:
                self.progress.refresh()

    def redraw(self, language: str) -> None:
        """Show every question built so far in ``language`` (answers stay as saved)."""
        try:
            bank = load_bank(self.bank_path, language=language)
        except ItemBankError:
            return
        with self._lock:
            self.bank = bank
            for item_id, widget in self.widgets.items():
                widget.relabel(bank[item_id])
            if self.progress is not None:
                self.progress.refresh()

    @staticmethod
    def _notice(messages: list[str]) -> w.HTML:
        box = w.HTML(value='<div class="peer-notice" role="alert">' +
                     "".join(text_html(m) for m in messages) + "</div>")
        return box

    @staticmethod
    def _display(widget: Any) -> None:
        from IPython.display import display

        display(widget)

    def widget(self, item_id: str) -> ItemWidget | w.HTML:
        """The widget for an item (built once per page), or a message if it cannot be shown."""
        if item_id in self.widgets:
            return self.widgets[item_id]
        if self.bank is None:
            return self._notice([_("This question cannot be shown because its question file has a problem.")])
        try:
            item = self.bank[item_id]
        except KeyError as error:
            return self._notice([str(error.args[0])])
        ids = list(self.bank.ids)
        with self._lock:
            widget = make_widget(item, self.store, self.private, number=ids.index(item_id) + 1, total=len(ids))
            self.widgets[item_id] = widget
        if self.progress is not None:
            widget.observe(self.progress.refresh, names="value")
        return widget

    def development_plan(self) -> None:
        """Show the live development plan for this page's competency ratings."""
        from peer_widgets.pages.plan import DevelopmentPlan

        if self.bank is None:
            return
        self._display(DevelopmentPlan([self.widget(item.id) for item in competency_items(self.bank)]))

    def for_trainer(self, item_id: str) -> None:
        """While nbgrader grades, print a reflection (or only its status) for the trainer.

        Does nothing for the learner: their page already shows their words.
        """
        from peer_widgets.store import grading

        if grading():
            from peer_widgets.grading import show_reflection

            show_reflection(item_id, folder=self.folder)

    def show(self, *item_ids: str) -> None:
        """Display items in order (all items of the bank if none are named)."""
        ids = item_ids or tuple(self.bank.ids if self.bank else ())
        for item_id in ids:
            self._display(self.widget(item_id))
