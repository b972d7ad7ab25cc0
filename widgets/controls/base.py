"""The base every item widget builds on: prompt, saving, status, feedback.

An item widget is a ``VBox`` that is also a ``ValueWidget``: ``value`` holds
the answer in exactly the form saved to ``responses.json``. ``value`` is not
synced to the browser (the browser talks to the child controls), so an answer
never travels through widget state it does not need to.

Subclasses build their controls in ``_build_controls``, turn control state
into a value in ``_value_from_controls`` and put a saved value back into the
controls in ``_show_value``. What a value may be, and the feedback it gets,
are the item kind's rules (:mod:`peer_widgets.kinds`), never the widget's.
"""

from __future__ import annotations

import html
from typing import Any

import ipywidgets as w
from peer_widgets.categories import get_category
from peer_widgets.i18n import gettext as _
from peer_widgets.items import Item
from peer_widgets.kinds import AnswerProblem, kind_of
from peer_widgets.store import ResponseStore, StoreError
from traitlets import Any as AnyTrait
from traitlets import Bool, Instance, TraitError, Unicode, observe, validate


def text_html(text: str, tag: str = "p", css_class: str | None = None) -> str:
    """Wrap plain text (authored or learner-entered) as inert HTML."""
    cls = f' class="{css_class}"' if css_class else ""
    return f"<{tag}{cls}>{html.escape(text)}</{tag}>"


class ItemWidget(w.VBox, w.ValueWidget):
    """One course item on a page, saving its answer the moment it is given.

    Parameters
    ----------
    item
        The item, as loaded from a bank.
    store
        Where answers are saved. ``None`` shows the item without saving.
    private
        Where private drafts are kept (only reflections have any).
    kind
        The item's kind (default: looked up from ``item.type``).
    """

    value = AnyTrait(None, allow_none=True, help="The answer, in the form saved to responses.json (None: unanswered).")
    saved_at = Unicode("", help="When the answer was last saved (UTC ISO 8601), or '' if never.")
    attempts = AnyTrait(0, help="How many times an answer has been saved for this item.")
    show_feedback = Bool(True, help="Show explanatory feedback after an answer (formative items only).")
    item = Instance(Item, help="The item this widget shows.")

    def __init__(self, item: Item, store: ResponseStore | None = None, *, private: ResponseStore | None = None,
                 kind: Any = None, **kwargs: Any):
        self.private = private
        self._restoring = True
        self.kind = kind if kind is not None else kind_of(item)
        super().__init__(item=item, **kwargs)
        self.store = store
        self.add_class("peer-item")
        self.add_class(f"peer-item-{item.type.replace('_', '-')}")
        self.status = w.HTML(value="", layout=w.Layout(min_height="1.2em"))
        self.status.add_class("peer-status")
        self.feedback = w.HTML(value="")
        self.feedback.add_class("peer-feedback")
        self._build_controls()
        header = [w.HTML(value=self._header_html())]
        self.children = tuple(header + self._controls() + [self.feedback, self.status])
        record = store.get(item.id) if store is not None else None
        if record is not None:
            try:
                self.value = record.get("value")
                self._show_value(self.value)
                self.saved_at = record.get("answered_at", "")
                self.attempts = record.get("attempts", 0)
                self.status.value = text_html(_("Your saved answer is shown."), "span")
                self._after_answer()
            except TraitError:
                # A saved value this item cannot take (edited or from another
                # version of the bank) is left untouched in the file.
                self.status.value = text_html(
                    _("A saved answer for this item could not be shown; it is kept in your answers file."), "span"
                )
        self._restoring = False

    def __repr__(self) -> str:
        # The default repr lists every trait and child value; it lands in a
        # notebook's saved text/plain output, and so in a submission. Name
        # the item only, so no answer (and no private reflection) rides along.
        return f"{type(self).__name__}(item={self.item.id!r})"

    # -- pieces for subclasses --------------------------------------------
    def _build_controls(self) -> None:
        raise NotImplementedError

    def _controls(self) -> list[w.Widget]:
        raise NotImplementedError

    def _value_from_controls(self) -> Any:
        raise NotImplementedError

    def _show_value(self, value: Any) -> None:
        raise NotImplementedError

    def _feedback_html(self) -> str:
        """Explanatory feedback for the current value ('' for none), from the item's kind."""
        said = self.kind.feedback(self.item, self.value)
        return "" if said is None else verdict_html(*said)

    @validate("value")
    def _valid_value(self, proposal: dict) -> Any:
        try:
            return self.kind.check_value(self.item, proposal["value"])
        except AnswerProblem as problem:
            raise TraitError(getattr(problem, "detail", "") or str(problem)) from None

    # -- shared behaviour -------------------------------------------------
    def _header_html(self) -> str:
        item = self.item
        parts = []
        if item.content_note:
            parts.append(text_html(_("Content note: {note}").format(note=item.content_note), "p", "peer-content-note"))
        if item.scenario:
            parts.append(text_html(item.scenario, "p", "peer-scenario"))
        parts.append(text_html(item.prompt, "p", "peer-prompt"))
        category = get_category(item.category)
        parts.append(text_html(_("Competency: {label}").format(label=category.label), "p", "peer-category"))
        return "".join(parts)

    def _control_changed(self, change: dict | None = None) -> None:
        if self._restoring:
            return
        try:
            self.value = self._value_from_controls()
        except TraitError as error:
            self.status.value = text_html(str(error), "span", "peer-error")

    @observe("value")
    def _value_changed(self, change: dict) -> None:
        if self._restoring:
            return
        self._save(change["new"])
        self._after_answer()

    def _save(self, value: Any) -> None:
        if self.store is None:
            return
        try:
            record = self.store.save(self.item.id, value)
        except StoreError as error:
            self.status.value = text_html(str(error), "span", "peer-error")
            return
        except Exception as error:  # a page must never crash on a save
            self.status.value = text_html(_("Your answer could not be saved ({error}).").format(error=error), "span", "peer-error")
            return
        self.saved_at = record["answered_at"]
        self.attempts = record["attempts"]
        self.status.value = text_html(_("Saved."), "span", "peer-saved")

    def _after_answer(self) -> None:
        if self.item.formative and self.show_feedback and self.value is not None:
            self.feedback.value = self._feedback_html()
        else:
            self.feedback.value = ""


def verdict_html(correct: bool | None, explanation_parts: list[str]) -> str:
    """Feedback block: a word and a symbol (never colour alone), then why."""
    if correct is True:
        head = text_html("\u2714 " + _("That's right."), "p", "peer-verdict peer-correct")
    elif correct is False:
        head = text_html("\u2716 " + _("Not quite."), "p", "peer-verdict peer-incorrect")
    else:
        head = text_html("\u25d1 " + _("Partly right."), "p", "peer-verdict peer-partial")
    return '<div role="status">' + head + "".join(text_html(part) for part in explanation_parts) + "</div>"
