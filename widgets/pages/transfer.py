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
from typing import Any

import ipywidgets as w
from peer_widgets.controls.base import text_html
from peer_widgets.errors import PeerCourseError
from peer_widgets.i18n import gettext as _
from peer_widgets.store import ResponseStore, StoreError, validate_document

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


def _newer(a: dict, b: dict | None) -> bool:
    return b is None or str(a.get("answered_at", "")) >= str(b.get("answered_at", ""))


def restore_document(document: Any, stores: dict[str, ResponseStore],
                     private: dict[str, ResponseStore] | None = None) -> int:
    """Merge a downloaded document back; return how many records were restored.

    Raises
    ------
    TransferError
        If the document is not a course download, or a store in it is not valid.
    """
    if not isinstance(document, dict) or document.get("kind") != KIND:
        raise TransferError(_("This file is not a download of your course answers."))
    if document.get("schema_version") != VERSION:
        raise TransferError(_("This download comes from a different version of the course."))
    restored = 0
    for section, targets in (("stores", stores), ("private", private or {})):
        for name, items in (document.get(section) or {}).items():
            problem = validate_document({"schema_version": 1, "items": items})
            if problem:
                raise TransferError(_("The download is damaged ({problem}).").format(problem=problem))
            if name not in targets:
                continue
            store = targets[name]
            current = store.items()
            merged = dict(current)
            for item_id, record in items.items():
                if _newer(record, current.get(item_id)) and record != current.get(item_id):
                    merged[item_id] = record
                    restored += 1
            if merged != current:
                store.replace_all(merged)
    return restored


class AnswersTransfer(w.VBox):
    """Download and restore controls for a learner's answers."""

    def __init__(self, stores: dict[str, ResponseStore], private: dict[str, ResponseStore], **kwargs: Any):
        super().__init__(**kwargs)
        self.add_class("peer-item")
        self.add_class("peer-transfer")
        self.stores = stores
        self.private = private
        self.include_private = w.Checkbox(value=False, indent=False,
                                          description=_("Include the text of my private reflections"))
        self.prepare = w.Button(description=_("Prepare my download"), tooltip=_("Prepare my download"))
        self.prepare.on_click(self._on_prepare)
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

    def _on_prepare(self, _button: w.Button | None = None) -> None:
        payload = base64.b64encode(json.dumps(self.document(), indent=1, ensure_ascii=False).encode("utf-8"))
        stamp = datetime.now().strftime("%Y-%m-%d")
        self.link.value = (f'<a download="peer-course-answers-{stamp}.json" '
                           f'href="data:application/json;base64,{payload.decode("ascii")}">'
                           + _("Download my answers") + "</a>")

    def _on_upload(self, change: dict) -> None:
        files = change["new"]
        if not files:
            return
        upload = files[0]
        try:
            document = json.loads(bytes(upload["content"]).decode("utf-8"))
            count = restore_document(document, self.stores, self.private)
        except (UnicodeDecodeError, json.JSONDecodeError):
            self.status.value = text_html(_("That file could not be read as a course download."), "p", "peer-error")
            return
        except (TransferError, StoreError) as error:
            self.status.value = text_html(str(error), "p", "peer-error")
            return
        self.status.value = text_html(
            _("Restored {count} answers. Reload a page to see them.").format(count=count), "p", "peer-saved")


def course_stores(workspace: Path, folders: dict[str, Path]) -> tuple[dict[str, ResponseStore], dict[str, ResponseStore]]:
    """The answers and private stores of each named folder of a learner's course."""
    from peer_widgets.store import private_store

    stores = {name: ResponseStore.for_folder(workspace / rel) for name, rel in folders.items()}
    private = {name: private_store(workspace / rel) for name, rel in folders.items()}
    return stores, private
