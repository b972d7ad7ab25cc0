"""The base every question widget builds on: what the browser is told,
saving, checking and feedback.

A question is one widget model drawn by ``static/peer.js`` as a section with
a heading, and its controls in a fieldset whose legend is the question, so a
screen reader names every option's group. The browser is sent ``spec`` (the
question, its options and the interface's words, never a key) and sends back
``answer``: the controls' state, in the form each subclass documents.
``value`` is not synced: it is the answer in exactly the form saved to
``responses.json``, made from ``answer`` by the subclass and checked by the
item's kind (:mod:`peer_widgets.kinds`), which also decides the feedback.

Saving and checking are apart. An answer is saved the moment it is given;
feedback appears only when the learner presses "Check my answer", and only
checks count as attempts. A check is remembered with the answer, so after a
reload the feedback is shown again only if the answer has not changed since.
"""

from __future__ import annotations

import hashlib
import html
import os
from pathlib import Path
from typing import Any, Sequence

from peer_widgets.categories import get_category
from peer_widgets.controls.view import PeerView
from peer_widgets.i18n import gettext as _
from peer_widgets.items import Item
from peer_widgets.kinds import AnswerProblem, kind_of
from peer_widgets.store import ResponseStore, StoreError, folder_key
from traitlets import Any as AnyTrait
from traitlets import Bool, Dict, Instance, Int, TraitError, Unicode, observe, validate


def text_html(text: str, tag: str = "p", css_class: str | None = None) -> str:
    """Wrap plain text (authored or learner-entered) as inert HTML."""
    cls = f' class="{css_class}"' if css_class else ""
    return f"<{tag}{cls}>{html.escape(text)}</{tag}>"


VERDICTS = {True: "correct", False: "incorrect", None: "partial"}
#: Who the learner is, for the order options are shown in (first one set wins).
LEARNER_VARIABLES = ("PEER_COURSE_LEARNER", "JUPYTERHUB_USER")


def learner_key() -> str:
    """A stable key for the learner whose page this is: their hub account,
    else their course folder (one per learner on a laptop, and one per
    browser on a shared server)."""
    for name in LEARNER_VARIABLES:
        if os.environ.get(name):
            return os.environ[name]
    return folder_key(Path.cwd())


def in_learner_order(item_id: str, entries: Sequence[Any]) -> list[Any]:
    """``entries`` (options or choices, each with an ``id``) in this learner's order
    for this item: shuffled, the same on every load and device for the same learner,
    so neither the file's order nor a position gives an answer away."""
    learner = learner_key()
    return sorted(entries, key=lambda entry: hashlib.sha256(f"{learner}/{item_id}/{entry.id}".encode()).hexdigest())


def learner_version(item: Item, record: dict[str, Any] | None = None) -> Item:
    """The version of ``item`` this learner sees.

    An answer already saved keeps the version it was given to (none recorded:
    the first, the only one before the item had versions); otherwise one is
    chosen for this learner, the same on every load and device, so learners
    side by side see different scenarios. The choice is recorded with the
    answer, and grading scores that version.
    """
    if not item.variants:
        return item
    if record is not None and record.get("value") is not None:
        try:
            return item.as_variant(record.get("variant"))
        except (KeyError, TypeError):
            pass  # a version this bank no longer has: the learner answers again
    ids = item.variant_ids
    digest = hashlib.sha256(f"{learner_key()}/{item.bank_id}/{item.id}/version".encode()).hexdigest()
    return item.as_variant(ids[int(digest, 16) % len(ids)])


def verdict_heading(correct: bool | None) -> str:
    """The verdict in words and a symbol (never colour alone)."""
    if correct is True:
        return "\u2714 " + _("That's right.")
    if correct is False:
        return "\u2716 " + _("Not quite.")
    return "\u25d1 " + _("Partly right.")


class ItemWidget(PeerView):
    """One course question on a page, saving its answer the moment it is given.

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
    number, total
        The question's place on its page ("Question 3 of 22").
    """

    view = Unicode("item").tag(sync=True)
    spec = Dict(help="What the browser draws: the question, its options and the words of the interface.").tag(sync=True)
    answer = AnyTrait(None, allow_none=True, help="The controls' state, as the browser sends it.").tag(sync=True)
    revision = Int(0, help="Counts the browser's changes, so it knows which one was saved last.").tag(sync=True)
    saved_revision = Int(0, help="The last browser change that is safely saved.").tag(sync=True)
    feedback = Dict(help="What to show under the question: verdict, heading, parts, or a notice.").tag(sync=True)
    status = Dict(help="A short status line: text, tone (saved, error, info) and whether to announce it.").tag(sync=True)
    checked = Bool(False, help="Feedback is showing for the current answer.").tag(sync=True)
    check_request = Dict(help="Sent by the browser's \"Check my answer\": a serial and the answer to check.").tag(
        sync=True)

    value = AnyTrait(None, allow_none=True, help="The answer, in the form saved to responses.json (None: unanswered).")
    saved_at = Unicode("", help="When the answer was last saved (UTC ISO 8601), or '' if never.")
    attempts = AnyTrait(0, help="How many times the learner has checked this answer.")
    item = Instance(Item, help="The item this widget shows.")

    def __init__(self, item: Item, store: ResponseStore | None = None, *, private: ResponseStore | None = None,
                 kind: Any = None, number: int | None = None, total: int | None = None, **kwargs: Any):
        self.private = private
        self._restoring = True
        self._typing = False
        self._failed = False
        self.kind = kind if kind is not None else kind_of(item)
        record = store.get(item.id) if store is not None else None
        shown = learner_version(item, record)
        # Recorded only for items with versions, so other records stay as they were.
        self._variant = shown.variant if item.variants else None
        super().__init__(item=shown, **kwargs)
        self.store = store
        self._place = (number, total)
        self.spec = self._spec(number, total)
        self._show_record(record)
        self._restoring = False

    def _show_record(self, record: dict[str, Any] | None) -> None:
        """Show a saved record (None: no answer yet), without saving anything."""
        try:
            self.value = None if record is None else record.get("value")
            self.saved_at = "" if record is None else record.get("answered_at", "")
            self.attempts = 0 if record is None else record.get("attempts", 0)
            self.checked = record is not None and bool(record.get("checked")) and self.checkable
            if record is not None:
                self._set_status(_("Your saved answer is shown."), "info")
        except TraitError:
            # A saved value this item cannot take (edited or from another
            # version of the bank) is left untouched in the file.
            self._set_status(
                _("A saved answer for this item could not be shown; it is kept in your answers file."), "error")
        self.answer = self._answer_from_value(self.value)
        self._refresh_feedback()

    def load_saved(self) -> None:
        """Show the answer saved now: for a page built before the learner's
        request arrived (a preheated page), as soon as it arrives."""
        if self.store is None:
            return
        self._restoring = True
        try:
            self._show_record(self.store.get(self.item.id))
        finally:
            self._restoring = False

    def relabel(self, item: Item) -> None:
        """Show this question's words from ``item``, the same item in another
        language: the version shown, the saved answer and its feedback stay."""
        self.item = item.as_variant(self.item.variant) if item.variants else item
        self.spec = self._spec(*self._place)
        self.load_saved()

    def __repr__(self) -> str:
        # The default repr lists every trait; it lands in a notebook's saved
        # text/plain output, and so in a submission. Name the item only, so no
        # answer (and no private reflection) rides along.
        return f"{type(self).__name__}(item={self.item.id!r})"

    # -- pieces for subclasses --------------------------------------------
    def _kind_spec(self) -> dict[str, Any]:
        """What the browser needs to draw this kind's controls (never a key)."""
        raise NotImplementedError

    def _value_from_answer(self, answer: Any) -> Any:
        """The value to save for the controls' state ``answer``."""
        return answer

    def _answer_from_value(self, value: Any) -> Any:
        """The controls' state that shows ``value``."""
        return value

    @property
    def checkable(self) -> bool:
        """The learner can check this answer and get feedback (formative knowledge checks)."""
        return bool(self.item.formative and self.kind.keyed)

    def _feedback(self) -> dict[str, Any]:
        """What to show under the question now (``{}``: nothing)."""
        if not self.checked or self.value is None:
            return {}
        said = self.kind.feedback(self.item, self.value)
        if said is None:
            return {"notice": _("Answer every part, then check again.")}
        correct, parts = said
        return {"verdict": VERDICTS[correct], "heading": verdict_heading(correct), "parts": list(parts)}

    # -- what the browser is sent -----------------------------------------
    def _spec(self, number: int | None, total: int | None) -> dict[str, Any]:
        item = self.item
        if number is not None and total is not None:
            heading = _("Question {number} of {total}").format(number=number, total=total)
        else:
            heading = _("Question")
        spec = {
            "id": item.id,
            "kind": item.type.replace("_", "-"),
            "heading": heading,
            "prompt": item.prompt,
            "scenario": item.scenario or "",
            "content_note": _("Content note: {note}").format(note=item.content_note) if item.content_note else "",
            "category": _("Competency: {label}").format(label=get_category(item.category).label),
            "checkable": self.checkable,
            "strings": {"check": _("Check my answer")},
        }
        extra = self._kind_spec()
        spec["strings"].update(extra.pop("strings", {}))
        spec.update(extra)
        return spec

    # -- from the browser -------------------------------------------------
    @validate("value")
    def _valid_value(self, proposal: dict) -> Any:
        try:
            return self.kind.check_value(self.item, proposal["value"])
        except AnswerProblem as problem:
            raise TraitError(getattr(problem, "detail", "") or str(problem)) from None

    #: Fields of ``answer`` the learner types into: a change to these alone is
    #: saved without announcing "Saved." to a screen reader at every pause.
    text_fields: tuple[str, ...] = ()

    @observe("answer")
    def _answer_changed(self, change: dict) -> None:
        if self._restoring:
            return
        old, new = change["old"], change["new"]
        self._typing = (isinstance(old, dict) and isinstance(new, dict) and bool(self.text_fields)
                        and all(old.get(k) == new.get(k) for k in set(old) | set(new) if k not in self.text_fields))
        self._failed = False
        try:
            self._keep_draft(new)
            self.value = self._value_from_answer(new)
        except (TraitError, StoreError) as error:
            self._set_status(str(error), "error")
            return
        except Exception as error:  # a page must never crash on an answer
            self._set_status(_("Your answer could not be saved ({error}).").format(error=error), "error")
            return
        if not self._failed:
            self.saved_revision = self.revision

    def _keep_draft(self, answer: Any) -> None:
        """Save what must be kept apart from ``responses.json`` (reflections' private text)."""

    @observe("value")
    def _value_changed(self, change: dict) -> None:
        if self._restoring:
            return
        self.checked = False
        self._save(change["new"])
        self._refresh_feedback()

    @observe("revision")
    def _revision_changed(self, change: dict) -> None:
        # A change whose answer the kernel already holds (a check carried it)
        # needs no saving: the browser may stop waiting for it.
        if not self._restoring and not self._failed and self.answer_is_saved():
            self.saved_revision = max(self.saved_revision, change["new"])

    def answer_is_saved(self) -> bool:
        try:
            return self._value_from_answer(self.answer) == self.value
        except Exception:
            return False

    @observe("check_request")
    def _check_requested(self, change: dict) -> None:
        # The request carries the answer the learner sees: the browser may hold
        # back a change to ``answer`` while the kernel is busy, and a check must
        # never be made against an older answer (or be undone when it arrives).
        if self._restoring or not isinstance(change["new"], dict):
            return
        if "answer" in change["new"] and change["new"]["answer"] != self.answer:
            self.answer = change["new"]["answer"]
        self.check()

    def check(self) -> None:
        """Check the current answer: record the attempt and show the feedback."""
        if not self.checkable:
            return
        if self.value is None:
            self.feedback = {"notice": _("Choose an answer first, then check it.")}
            return
        if self.store is not None:
            try:
                record = self.store.check(self.item.id, self.value, variant=self._variant)
            except StoreError as error:
                self._set_status(str(error), "error")
            except Exception as error:  # a page must never crash on a check
                self._set_status(_("Your answer could not be saved ({error}).").format(error=error), "error")
            else:
                self.attempts = record["attempts"]
                self.saved_at = record["answered_at"]
        self.checked = True
        self._refresh_feedback()

    # -- shared behaviour -------------------------------------------------
    def _save(self, value: Any) -> None:
        if self.store is None:
            return
        try:
            record = self.store.save(self.item.id, value, variant=self._variant)
        except StoreError as error:
            self._set_status(str(error), "error")
            return
        except Exception as error:  # a page must never crash on a save
            self._set_status(_("Your answer could not be saved ({error}).").format(error=error), "error")
            return
        self.saved_at = record["answered_at"]
        self._set_status(*self._saved_message())

    def _saved_message(self) -> tuple[str, str]:
        return _("Saved."), "saved"

    def _set_status(self, text: str, tone: str) -> None:
        if tone == "error":
            self._failed = True
        announce = tone == "error" or (tone == "saved" and not self._typing)
        self.status = {"text": text, "tone": tone, "announce": announce}

    def _refresh_feedback(self) -> None:
        self.feedback = self._feedback()
