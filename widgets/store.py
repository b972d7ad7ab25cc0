"""Where answers live: ``responses.json``, saved the moment they are given.

The file's format, and its one reader and writer, are
:mod:`peer_widgets.answers`. Guarantees:

* Writes are atomic (see :func:`peer_widgets.answers.write`).
* Two kernels writing at once (two notebooks in one folder) do not lose each
  other's answers: every save re-reads the file under an exclusive lock
  and changes only its own item.
* A file that cannot be read is moved aside to ``responses.json.corrupt-*``
  and the learner is told; it is never emptied in place.
* While nbgrader grades (``NBGRADER_EXECUTION`` is set) the store is
  read-only, so re-running a notebook cannot change what was submitted.

Location: ``PEER_COURSE_RESPONSES`` (a file path) wins; otherwise the
notebook's own folder (the kernel's working directory), so that
``nbgrader submit`` carries the file; if that folder is not writable, a
per-user data folder keyed by the notebook folder's path.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterator

from peer_widgets import answers
from peer_widgets.answers import FILE_NAME, SCHEMA_VERSION, validate_document
from peer_widgets.errors import PeerCourseError
from peer_widgets.i18n import current_language
from peer_widgets.i18n import gettext as _

__all__ = ["FILE_NAME", "SCHEMA_VERSION", "ResponseStore", "StoreError", "default_path", "private_store",
           "validate_document"]
ENV_FILE = "PEER_COURSE_RESPONSES"
ENV_DATA_DIR = "PEER_COURSE_DATA_DIR"

try:  # POSIX file locks; elsewhere saves are still atomic, just not merged.
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]


def grading() -> bool:
    """True while nbgrader is executing the notebook to grade it."""
    return bool(os.environ.get("NBGRADER_EXECUTION"))


def user_data_dir() -> Path:
    """The per-user folder for answers that cannot live beside the notebook."""
    if os.environ.get(ENV_DATA_DIR):
        return Path(os.environ[ENV_DATA_DIR])
    import platformdirs

    return Path(platformdirs.user_data_dir("peer-course", appauthor=False))


def folder_key(folder: Path) -> str:
    """A stable, filename-safe key for a notebook folder."""
    resolved = str(folder.resolve())
    return hashlib.sha256(resolved.encode("utf-8")).hexdigest()[:16]


def _writable(folder: Path) -> bool:
    if not os.access(folder, os.W_OK | os.X_OK):
        return False
    try:
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".peer-course-probe-"):
            return True
    except OSError:
        return False


def default_path(folder: Path | None = None) -> Path:
    """Resolve where this notebook folder's answers are kept (see module doc)."""
    if os.environ.get(ENV_FILE):
        return Path(os.environ[ENV_FILE])
    folder = Path.cwd() if folder is None else Path(folder)
    if grading() or _writable(folder):
        return folder / FILE_NAME
    return user_data_dir() / "fallback" / folder_key(folder) / FILE_NAME


def now() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")


class StoreError(PeerCourseError):
    """An answer could not be saved (the message says what to do)."""


class ResponseStore:
    """Answers for one folder, kept in one JSON file.

    Parameters
    ----------
    path
        The JSON file. It need not exist yet.
    read_only
        Never write, move or create anything (used while grading).
    """

    def __init__(self, path: str | Path, *, read_only: bool = False, seed: str | Path | None = None):
        self.path = Path(path)
        self.read_only = read_only
        # Answers to start from while this store's own file does not exist yet (the
        # read-only folder's file, when answers had to move to the fallback folder).
        self.seed = Path(seed) if seed is not None else None
        self.notices: list[str] = []
        self._items: dict[str, dict[str, Any]] = {}
        self.reload()

    @classmethod
    def for_folder(cls, folder: str | Path | None = None) -> "ResponseStore":
        """The store for a notebook folder (default: the working directory)."""
        folder_path = None if folder is None else Path(folder)
        path = default_path(folder_path)
        beside = (Path.cwd() if folder_path is None else folder_path) / FILE_NAME
        fallback = path != beside and not os.environ.get(ENV_FILE)
        store = cls(path, read_only=grading(), seed=beside if fallback else None)
        if fallback:
            store.notices.append(
                _("This folder cannot be written to, so your answers are saved in {path}.").format(path=path)
            )
        return store

    # -- reading -----------------------------------------------------------
    def reload(self) -> None:
        # No lock for reading: every write is an atomic rename, so a reader sees
        # a whole old file or a whole new one; and a reader creates no file.
        # Only a file that looks corrupt is read again under the lock, so it is
        # never moved aside while another kernel is replacing it.
        try:
            self._items = self._read_file(set_aside=False)
        except answers.AnswersFileError:
            with self._locked(shared=False):
                self._items = self._read_file()

    def get(self, item_id: str) -> dict[str, Any] | None:
        """The saved record for an item (value, answered_at, attempts), or None."""
        record = self._items.get(item_id)
        return dict(record) if record is not None else None

    def value(self, item_id: str, default: Any = None) -> Any:
        record = self._items.get(item_id)
        return default if record is None else record.get("value", default)

    def items(self) -> dict[str, dict[str, Any]]:
        return {key: dict(record) for key, record in self._items.items()}

    def _read_file(self, *, set_aside: bool = True) -> dict[str, dict[str, Any]]:
        """The saved records; a corrupt file is moved aside (or, with
        ``set_aside=False``, reported by raising ``AnswersFileError``)."""
        if self.seed is not None and not self.path.exists():
            return self._read_seed()
        try:
            return answers.read(self.path)
        except FileNotFoundError:
            return {}
        except OSError as error:
            self.notices.append(_("Your saved answers could not be read ({error}).").format(error=error))
            return {}
        except answers.AnswersFileError as problem:
            if problem.newer:
                # Written by a newer course version: not corrupt, so leave it be
                # and refuse to write over it.
                if not self.read_only:
                    self.notices.append(
                        _("Your answers file was written by a newer version of the course; "
                          "it is kept as it is and new answers will not be saved until the course is updated.")
                    )
                self.read_only = True
                return {}
            if not set_aside:
                raise
            self._set_aside(str(problem))
            return {}

    def _read_seed(self) -> dict[str, dict[str, Any]]:
        assert self.seed is not None
        try:
            return answers.read(self.seed)
        except (OSError, answers.AnswersFileError):
            return {}

    def _set_aside(self, problem: str) -> None:
        if self.read_only:
            self.notices.append(
                _("Your answers file {name} could not be read ({problem}).").format(name=self.path.name, problem=problem)
            )
            return
        stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S")
        backup = self.path.with_name(f"{self.path.name}.corrupt-{stamp}")
        counter = 1
        while backup.exists():
            counter += 1
            backup = self.path.with_name(f"{self.path.name}.corrupt-{stamp}-{counter}")
        os.replace(self.path, backup)
        self.notices.append(
            _("Your answers file could not be read ({problem}). It was kept as {backup} "
              "so your trainer can recover it, and a new file was started.").format(problem=problem, backup=backup.name)
        )

    # -- writing -----------------------------------------------------------
    def save(self, item_id: str, value: Any, *, variant: str | None = None) -> dict[str, Any]:
        """Record an answer now and return the stored record.

        The attempt count is kept (attempts are checks, see :meth:`check`);
        a check stays recorded only while the answer is the one checked.
        ``variant``: the version of the item the learner answered (kept from
        the previous record when not given).

        Raises
        ------
        StoreError
            If the store is read-only or the file cannot be written.
        """
        return self._record(item_id, value, check=False, variant=variant)

    def check(self, item_id: str, value: Any, *, variant: str | None = None) -> dict[str, Any]:
        """Record that the learner checked ``value``: one more attempt.

        Raises
        ------
        StoreError
            If the store is read-only or the file cannot be written.
        """
        return self._record(item_id, value, check=True, variant=variant)

    def _record(self, item_id: str, value: Any, *, check: bool, variant: str | None = None) -> dict[str, Any]:
        if self.read_only:
            raise StoreError(_("Answers are not saved here (read-only)."))
        try:
            json.dumps(value)
        except (TypeError, ValueError) as error:
            raise StoreError(f"answer for '{item_id}' cannot be stored as JSON: {error}") from None
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self._locked(shared=False) as held:
                items = self._read_file()  # merge with other kernels' answers
                if self.read_only:  # the file turned out to be from a newer version
                    raise StoreError(_("Answers are not saved here (read-only)."))
                if held:
                    self._remove_stale_temporaries()
                previous = items.get(item_id, {})
                unchanged = "value" in previous and previous["value"] == value
                record = {
                    "value": value,
                    "answered_at": previous.get("answered_at") or now() if unchanged else now(),
                    "attempts": int(previous.get("attempts", 0)) + (1 if check else 0),
                }
                if check or (unchanged and previous.get("checked") is True):
                    record["checked"] = True
                # Grading scores the answer against the version the learner saw.
                if variant is not None or isinstance(previous.get("variant"), str):
                    record["variant"] = variant if variant is not None else previous["variant"]
                # The language the answer was given in, for item statistics per
                # language (absent: English, the source language).
                language = previous.get("language") if unchanged else current_language()
                if isinstance(language, str) and language != "en":
                    record["language"] = language
                items[item_id] = record
                self._write_file(items)
                self._items = items
        except OSError as error:
            raise StoreError(
                _("Your answer could not be saved ({error}). Copy it somewhere safe and tell your trainer.").format(error=error)
            ) from None
        return dict(record)

    def _remove_stale_temporaries(self) -> None:
        """Remove temporary files a killed writer left behind (called under the
        lock, when no other writer can be mid-write), so they never travel with
        a submission."""
        for stale in self.path.parent.glob(f".{self.path.name}.*.tmp"):
            with contextlib.suppress(OSError):
                stale.unlink()

    def forget(self, item_id: str) -> None:
        """Remove one item's record (used when a reflection is made private)."""
        if self.read_only:
            raise StoreError(_("Answers are not saved here (read-only)."))
        with self._locked(shared=False):
            items = self._read_file()
            if items.pop(item_id, None) is not None:
                self._write_file(items)
            self._items = items

    def replace_all(self, items: dict[str, dict[str, Any]]) -> None:
        """Write a whole set of records at once (restore from a download)."""
        problem = answers.validate_records(items)
        if problem:
            raise StoreError(problem)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._locked(shared=False):
            self._write_file(items)
            self._items = {key: dict(record) for key, record in items.items()}

    def _write_file(self, items: dict[str, dict[str, Any]]) -> None:
        answers.write(self.path, items)

    @contextlib.contextmanager
    def _locked(self, *, shared: bool) -> Iterator[bool]:
        """Hold the folder's lock; yields whether it is really held."""
        if fcntl is None or self.read_only or not self.path.parent.is_dir():
            yield False
            return
        lock_path = self.path.with_name(f".{self.path.name}.lock")
        try:
            handle = open(lock_path, "a+")
        except OSError:
            yield False  # cannot lock (read-only folder); reads stay safe via rename
            return
        with handle:
            fcntl.flock(handle, fcntl.LOCK_SH if shared else fcntl.LOCK_EX)
            try:
                yield True
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)


def private_store(folder: str | Path | None = None) -> ResponseStore:
    """The learner's private drafts for a notebook folder.

    Kept in the per-user data folder, never beside the notebook, so private
    reflections cannot be carried off by ``nbgrader submit`` or an export.
    """
    folder_path = Path.cwd() if folder is None else Path(folder)
    path = user_data_dir() / "private" / folder_key(folder_path) / "reflections.json"
    return ResponseStore(path, read_only=grading())
