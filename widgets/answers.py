"""The answers file, ``responses.json``: its one reader and its one writer.

Format (``schema_version`` 1)::

    {
      "schema_version": 1,
      "items": {
        "<item id>": {"value": <answer>, "answered_at": "<UTC ISO 8601>", "attempts": <int>,
                      "checked": true, "variant": "v2", "language": "es"}
      }
    }

``attempts`` counts the learner's checks of a formative answer; ``checked``
(optional) says the saved answer is the one last checked, so its feedback is
shown again after a reload; ``variant`` (optional) names the version of a
graded item the learner was shown and answered, which grading scores against
(none: the item's first version); ``language`` (optional) the language the
answer was given in (none: English), for item statistics per language.

Everything that reads or writes this file (the learner's store, grading,
reports, download and restore) goes through :func:`parse`, :func:`read` and
:func:`write`, so the version lives here only.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import stat
import tempfile
from pathlib import Path
from typing import Any

from peer_widgets.errors import PeerCourseError

FILE_NAME = "responses.json"
SCHEMA_VERSION = 1
# Limits for a file someone else wrote (a submission): far above any real
# answers file (a whole course is a few hundred kilobytes, nested 5 deep).
MAX_BYTES = 2_000_000
MAX_DEPTH = 12

Records = dict[str, dict[str, Any]]


class AnswersFileError(PeerCourseError):
    """An answers file that cannot be used.

    ``unreadable``: not UTF-8 JSON at all; ``newer``: a later version of the
    course wrote it (not corrupt: leave it be); otherwise it is JSON that is
    not a valid answers document.
    """

    def __init__(self, message: str, *, newer: bool = False, unreadable: bool = False):
        super().__init__(message)
        self.newer = newer
        self.unreadable = unreadable


def validate_document(data: Any) -> str | None:
    """Why ``data`` is not a valid answers document, or None if it is."""
    if not isinstance(data, dict):
        return "the file does not hold a JSON object"
    if data.get("schema_version") != SCHEMA_VERSION:
        return f"schema_version is {data.get('schema_version')!r}, expected {SCHEMA_VERSION}"
    return validate_records(data.get("items"))


def validate_records(items: Any) -> str | None:
    """Why ``items`` is not a valid set of saved records, or None if it is."""
    if not isinstance(items, dict):
        return "'items' is missing or not an object"
    for key, record in items.items():
        if not isinstance(record, dict) or "value" not in record:
            return f"item '{key}' has no value"
        if not isinstance(record.get("attempts", 0), int):
            return f"item '{key}' has a non-integer attempts count"
        if not isinstance(record.get("checked", False), bool):
            return f"item '{key}' has a 'checked' mark that is not true or false"
        if not isinstance(record.get("variant", ""), str):
            return f"item '{key}' has a 'variant' that is not a version name such as \"v2\""
    return None


def parse(raw: bytes) -> Records:
    """The records of an answers file's bytes.

    Raises
    ------
    AnswersFileError
        If the bytes are not a valid answers document (``newer`` is set when
        a later version of the course wrote it).
    """
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as error:
        raise AnswersFileError(str(error), unreadable=True) from None
    problem = validate_document(data)
    if problem is not None:
        newer = (isinstance(data, dict) and isinstance(data.get("schema_version"), int)
                 and data["schema_version"] > SCHEMA_VERSION)
        raise AnswersFileError(problem, newer=newer)
    return {key: dict(record) for key, record in data["items"].items()}


def read(path: str | Path) -> Records:
    """The records of the answers file at ``path``.

    Raises
    ------
    FileNotFoundError
        If there is no file.
    OSError
        If it cannot be read.
    AnswersFileError
        If it is not a valid answers file.
    """
    return parse(Path(path).read_bytes())


def read_regular(path: str | Path, limit: int = MAX_BYTES) -> bytes:
    """The bytes of ``path``, if it is a regular file of at most ``limit`` bytes,
    opened without following a symbolic link.

    Raises
    ------
    FileNotFoundError
        If there is no file.
    AnswersFileError
        (``unreadable``) If it is a link, not a regular file, too large, or cannot be opened.
    """
    path = Path(path)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise
    except OSError as error:
        if error.errno == errno.ELOOP:
            raise AnswersFileError(f"{path.name} is a symbolic link", unreadable=True) from None
        raise AnswersFileError(f"{path.name} cannot be opened ({error.strerror})", unreadable=True) from None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise AnswersFileError(f"{path.name} is not a regular file", unreadable=True)
        data = os.read(fd, limit + 1)
        if len(data) > limit:
            raise AnswersFileError(f"{path.name} is larger than {limit} bytes", unreadable=True)
        return data
    finally:
        os.close(fd)


def depth(value: object, limit: int = MAX_DEPTH) -> int:
    """How deeply ``value`` nests lists and objects (counting stops past ``limit``)."""
    stack = [(value, 1)]
    deepest = 0
    while stack:
        node, level = stack.pop()
        if isinstance(node, (dict, list)):
            deepest = max(deepest, level)
            if deepest > limit:
                return deepest
            stack.extend((child, level + 1) for child in (node.values() if isinstance(node, dict) else node))
    return deepest


def read_untrusted(path: str | Path) -> Records:
    """The records of an answers file someone else wrote (a learner's submission):
    :func:`read`, but never through a link, at most ``MAX_BYTES`` and nested at
    most ``MAX_DEPTH`` deep.

    Raises
    ------
    FileNotFoundError
        If there is no file.
    AnswersFileError
        If it breaks a limit or is not a valid answers file.
    """
    records = parse(read_regular(path))
    if depth(records) > MAX_DEPTH:
        raise AnswersFileError(f"{Path(path).name} nests more than {MAX_DEPTH} levels deep", unreadable=True)
    return records


def document(items: Records) -> dict[str, Any]:
    return {"schema_version": SCHEMA_VERSION, "items": items}


def write(path: str | Path, items: Records) -> None:
    """Write ``items`` to ``path`` atomically: a temporary file in the same
    folder, flushed to disk, then renamed over the old one, so a crash leaves
    the old file or the new one, never half of one."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(document(items), handle, indent=1, sort_keys=True, ensure_ascii=False)
            handle.write("\n")
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
