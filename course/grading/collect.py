"""Collecting submissions from nbgrader's exchange, without trusting them.

nbgrader's own collect takes each submission under the learner id written in
its folder name, only warns when that folder belongs to someone else, copies
symbolic links and files of any size, and on ``--update`` deletes the earlier
submission before the new copy exists. :class:`SafeCollect` (nbgrader's
collect, with ``copy_files`` replaced) refuses, and names, a submission that:

* claims a learner id that is not a safe id (letters, digits, ``.``, ``_``,
  ``-``, as a roster allows);
* is owned by an account other than the one it claims to be from (the trainer
  running collect may submit for anyone, as when testing), including a
  ``supervisor--<peer>`` id, or holds a file owned by someone else;
* holds a symbolic link or anything but folders and regular files;
* is larger than ``max_bytes``.

A submission it takes is copied whole to a temporary folder first; only then
is an earlier submission of that learner moved to ``archive/`` (that one
only) and the new one renamed into place, so no answer is ever lost. What it
did for each learner is in :attr:`SafeCollect.results`.
"""

from __future__ import annotations

import os
import shutil
import stat
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from peer_course.grading.roster import ID_PATTERN

MAX_BYTES = 20_000_000  # a submission is a notebook, a bank and an answers file: well under 1 MB
COLLECTED, UPDATED, KEPT, REFUSED = "collected", "updated", "kept", "refused"


@dataclass(frozen=True)
class Collected:
    """What collect did with one learner's submission."""

    student: str
    status: str  # collected, updated, kept (nothing newer), refused
    reason: str = ""


def account_uid(name: str) -> int | None:
    import pwd

    try:
        return pwd.getpwnam(name).pw_uid
    except KeyError:
        return None


def account_name(uid: int) -> str:
    import pwd

    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return f"uid {uid}"


def refusal(path: Path, student: str, *, max_bytes: int | None = None) -> str | None:
    """Why the submission folder ``path`` claiming to be from ``student`` must not
    be collected, or None if it may be (``max_bytes`` defaults to ``MAX_BYTES``)."""
    max_bytes = MAX_BYTES if max_bytes is None else max_bytes
    if not ID_PATTERN.match(student):
        return "not a safe learner id (letters, digits, '.', '_', '-')"
    info = os.lstat(path)
    if stat.S_ISLNK(info.st_mode) or not stat.S_ISDIR(info.st_mode):
        return "the submission is not a folder"
    owner = info.st_uid
    if owner not in (account_uid(student), os.getuid()):
        return f"it claims to be from {student} but belongs to {account_name(owner)}"
    total = 0
    for folder, dirs, files in os.walk(path):
        for name in dirs + files:
            entry = os.lstat(os.path.join(folder, name))
            if stat.S_ISLNK(entry.st_mode):
                return f"it holds a symbolic link ({os.path.relpath(os.path.join(folder, name), path)})"
            if not (stat.S_ISDIR(entry.st_mode) or stat.S_ISREG(entry.st_mode)):
                return f"it holds something that is not a file ({os.path.relpath(os.path.join(folder, name), path)})"
            if entry.st_uid != owner:
                return f"it holds a file that belongs to {account_name(entry.st_uid)}"
            if stat.S_ISREG(entry.st_mode):
                total += entry.st_size
                if total > max_bytes:
                    return f"it is larger than {max_bytes} bytes"
    return None


def safe_collect_class() -> type:
    """nbgrader's default ``ExchangeCollect`` with a ``copy_files`` that checks
    every submission and never deletes one before its replacement is complete.
    Made on demand so importing this module does not import nbgrader."""
    from nbgrader.exchange.default import ExchangeCollect

    class SafeCollect(ExchangeCollect):
        results: list[Collected] = []  # set by each run; read by peer_course.grading.steps.collect

        def copy_files(self) -> None:
            results: list[Collected] = []
            type(self).results = results
            assignment = self.coursedir.assignment_id
            for record in self.src_records:
                student = record["username"]
                source = Path(self.inbound_path) / record["filename"]
                why = refusal(source, student)
                if why is not None:
                    self.log.warning("Refused the submission %s: %s", record["filename"], why)
                    results.append(Collected(student, REFUSED, why))
                    continue
                dest = Path(self.coursedir.format_path(self.coursedir.submitted_directory, student, assignment))
                status = self._status(dest, record)
                if status == KEPT:
                    results.append(Collected(student, KEPT))
                    continue
                self._replace(source, dest, student)
                results.append(Collected(student, status))

        def _status(self, dest: Path, record: dict) -> str:
            if not dest.is_dir():
                return COLLECTED
            existing = self.coursedir.get_existing_timestamp(str(dest))
            newer = existing is None or record["timestamp"] > existing
            if (self.update and newer) or (self.before_duedate and existing != record["timestamp"]):
                return UPDATED
            return KEPT

        def _replace(self, source: Path, dest: Path, student: str) -> None:
            dest.parent.mkdir(parents=True, exist_ok=True)
            incoming = dest.parent / f".incoming-{dest.name}-{uuid.uuid4().hex[:8]}"
            try:
                self.do_copy(str(source), str(incoming))  # the whole new copy, before anything is moved
            except BaseException:
                shutil.rmtree(incoming, ignore_errors=True)
                raise
            if dest.exists():
                stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
                archive = Path(self.coursedir.root) / "archive" / student / dest.name / stamp
                archive.parent.mkdir(parents=True, exist_ok=True)
                os.replace(dest, archive)
                self.log.info("Archived the earlier submission of %s to %s", student, archive)
            os.replace(incoming, dest)

    return SafeCollect
