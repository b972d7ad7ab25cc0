"""Download all answers as one file, and restore them from it.

The download holds every answers file of the learner's course folder. Text
of private reflections is added only if the learner ticks the box for it:
a download is an export, and private text leaves only by explicit choice.
Restoring never loses an answer: for each item the newer record wins, and a
file that is not a course download is refused with a message.
"""

from __future__ import annotations

import base64
import json
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable

import ipywidgets as w
from peer_widgets.controls.base import text_html
from peer_widgets.errors import PeerCourseError
from peer_widgets.i18n import gettext as _
from peer_widgets.items import Item
from peer_widgets.kinds import AnswerProblem, kind_of
from peer_widgets.store import ResponseStore, StoreError

KIND = "peer-course-answers"
VERSION = 1


class TransferError(PeerCourseError, ValueError):
    """A file that cannot be restored, with a message saying why."""


def export_document(stores: dict[str, ResponseStore], private: dict[str, ResponseStore] | None = None) -> dict:
    """One JSON document with every store's records (and private drafts if given)."""
    document: dict[str, Any] = {
        "kind": KIND,
        "schema_version": VERSION,
        "exported_at": datetime.now(timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z"),
        "stores": {name: store.items() for name, store in stores.items()},
    }
    if private:
        document["private"] = {name: store.items() for name, store in private.items()}
    return document


MAX_ATTEMPTS = 10_000
MAX_DRAFT_CHARS = 100_000


def _newer(a: dict, b: dict | None) -> bool:
    return b is None or str(a.get("answered_at", "")) >= str(b.get("answered_at", ""))


def _when(value: Any, now: datetime) -> str:
    """A saved time as the store writes it; a missing, unreadable or future time becomes now."""
    try:
        when = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
        if when.tzinfo is None:
            raise ValueError("no time zone")
    except (TypeError, ValueError):
        when = now
    when = min(when.astimezone(timezone.utc), now)
    return when.replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _attempts(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        return 1
    return min(max(value, 1), MAX_ATTEMPTS)


def clean_record(record: Any, item: Item | None, now: datetime) -> dict | None:
    """A downloaded answer as it may be restored, or None if it cannot be.

    The value must be one the item's kind accepts (so no unknown option, no
    private reflection carrying its text); the time is clamped to now.
    """
    if item is None or not isinstance(record, dict):
        return None
    kind = kind_of(item)
    try:
        value = kind.check_value(item, record.get("value"))
    except AnswerProblem:
        return None
    if value is None:
        return None
    return {"value": value, "answered_at": _when(record.get("answered_at"), now),
            "attempts": _attempts(record.get("attempts"))}


def clean_draft(record: Any, now: datetime) -> dict | None:
    """A private reflection draft (``{"text": ...}``) as it may be restored, or None."""
    value = record.get("value") if isinstance(record, dict) else None
    if not isinstance(value, dict) or set(value) != {"text"} or not isinstance(value["text"], str):
        return None
    if len(value["text"]) > MAX_DRAFT_CHARS:
        return None
    return {"value": {"text": value["text"]}, "answered_at": _when(record.get("answered_at"), now),
            "attempts": _attempts(record.get("attempts"))}


def restore_document(document: Any, stores: dict[str, ResponseStore], private: dict[str, ResponseStore] | None,
                     items: dict[str, Item]) -> tuple[int, int]:
    """Merge a downloaded document back; return how many answers were restored
    and how many could not be used (unknown items, values the item cannot
    take). For each item the newer record wins, so no answer is lost.

    Raises
    ------
    TransferError
        If the document is not a course download of this version.
    """
    if not isinstance(document, dict) or document.get("kind") != KIND:
        raise TransferError(_("This file is not a download of your course answers."))
    if document.get("schema_version") != VERSION:
        raise TransferError(_("This download comes from a different version of the course."))
    now = datetime.now(timezone.utc)
    restored = skipped = 0
    for section, targets in (("stores", stores), ("private", private or {})):
        sections = document.get(section) or {}
        if not isinstance(sections, dict):
            raise TransferError(_("The download is damaged ({problem}).").format(problem=section))
        for name, records in sections.items():
            if not isinstance(records, dict):
                raise TransferError(_("The download is damaged ({problem}).").format(problem=name))
            if name not in targets:
                continue
            store = targets[name]
            # Read afresh: on a shared server every folder's answers are one file, so an
            # earlier section may just have written what this one would count again.
            store.reload()
            current = store.items()
            merged = dict(current)
            for item_id, record in records.items():
                clean = (clean_record(record, items.get(item_id), now) if section == "stores"
                         else clean_draft(record, now))
                if clean is None:
                    skipped += 1
                elif _newer(clean, current.get(item_id)) and clean != current.get(item_id):
                    merged[item_id] = clean
                    restored += 1
            if merged != current:
                store.replace_all(merged)
    return restored, skipped


def _no_constants(name: str) -> Any:
    raise ValueError(f"{name} is not allowed in a course download")


def read_download(raw: bytes) -> Any:
    """Parse a downloaded file (strict JSON: no NaN or Infinity).

    Raises
    ------
    ValueError
        If it is not UTF-8 JSON.
    """
    return json.loads(raw.decode("utf-8"), parse_constant=_no_constants)


class AnswersTransfer(w.VBox):
    """Download and restore controls for a learner's answers.

    Parameters
    ----------
    live
        The page's live region (:class:`peer_widgets.controls.live.LiveRegion`):
        download and restore messages are said there too, for screen readers.
    on_restore
        Called after answers were restored, so the page can show them.

    The download link always matches the private-text box: when the box
    changes, a prepared link is rebuilt with the new choice (so unticking it
    never leaves a link that holds private text).
    """

    def __init__(self, stores: dict[str, ResponseStore], private: dict[str, ResponseStore],
                 items: dict[str, Item], *, live: Any = None, on_restore: Callable[[], None] | None = None,
                 **kwargs: Any):
        super().__init__(**kwargs)
        self.items = items
        self.live = live
        self.on_restore = on_restore
        self.link_prepared = False  # the learner asked for a download link
        self.add_class("peer-item")
        self.add_class("peer-transfer")
        self.stores = stores
        self.private = private
        self.include_private = w.Checkbox(value=False, indent=False,
                                          description=_("Include the text of my private reflections"))
        self.prepare = w.Button(description=_("Prepare my download"), tooltip=_("Prepare my download"))
        self.prepare.on_click(self._on_prepare)
        self.include_private.observe(self._on_choice, names="value")
        self.link = w.HTML(value="")
        self.upload = w.FileUpload(accept=".json,application/json", multiple=False,
                                   description=_("Restore from a file"))
        self.upload.observe(self._on_upload, names="value")
        self.status = w.HTML(value="")
        self.children = (
            w.HTML(value="<h2>" + _("Keep a copy of your answers") + "</h2>" + text_html(
                _("Download one file with all your answers. You can restore it here later, "
                  "on this or another computer."))),
            self.include_private, self.prepare, self.link, self.upload, self.status,
        )

    def document(self) -> dict:
        return export_document(self.stores, self.private if self.include_private.value else None)

    def _say(self, message: str) -> None:
        if self.live is not None:
            self.live.say(message)

    def _build_link(self) -> None:
        payload = base64.b64encode(json.dumps(self.document(), indent=1, ensure_ascii=False).encode("utf-8"))
        stamp = datetime.now().strftime("%Y-%m-%d")
        self.link.value = (f'<a download="peer-course-answers-{stamp}.json" '
                           f'href="data:application/json;base64,{payload.decode("ascii")}">'
                           + _("Download my answers") + "</a>")

    def _on_prepare(self, _button: w.Button | None = None) -> None:
        self.link_prepared = True
        self._build_link()
        self._say(_("Your download is ready: use the link \u201cDownload my answers\u201d."))

    def _on_choice(self, change: dict) -> None:
        # Never leave a link built for the other choice: it may hold private text.
        self.link.value = ""
        if not self.link_prepared:
            return
        self._build_link()
        self._say(_("Your download was made again with the private reflections included.") if change["new"]
                  else _("Your download was made again without the text of your private reflections."))

    def _set_status(self, message: str, css: str) -> None:
        self.status.value = text_html(message, "p", css)
        self._say(message)

    def _on_upload(self, change: dict) -> None:
        files = change["new"]
        if not files:
            return
        upload = files[0]
        try:
            document = read_download(bytes(upload["content"]))
        except (ValueError, RecursionError):  # not UTF-8 JSON (UnicodeDecodeError is a ValueError)
            self._set_status(_("That file could not be read as a course download."), "peer-error")
            return
        try:
            count, skipped = restore_document(document, self.stores, self.private, self.items)
        except (TransferError, StoreError) as error:
            self._set_status(str(error), "peer-error")
            return
        message = _("Answers restored: {count}.").format(count=count) + " " + _(
            "Your progress on this page now includes them. A lesson that is already open shows them after "
            "you reload it.")
        if skipped:
            message += " " + _("Answers in the file that do not fit this course's questions and were left "
                               "out: {skipped}.").format(skipped=skipped)
        if self.on_restore is not None:
            self.on_restore()
        self._set_status(message, "peer-saved")


def course_stores(workspace: Path, folders: dict[str, Path]) -> tuple[dict[str, ResponseStore], dict[str, ResponseStore]]:
    """The answers and private stores of each named folder of a learner's course."""
    from peer_widgets.store import private_store

    stores = {name: ResponseStore.for_folder(workspace / rel) for name, rel in folders.items()}
    private = {name: private_store(workspace / rel) for name, rel in folders.items()}
    return stores, private
