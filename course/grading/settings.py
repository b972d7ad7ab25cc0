"""A trainer folder's settings: what ``peer-course init`` stores, and which value wins.

Each setting is, first to last: a value given in code (the throw-away folder
that makes a learner's student version), the environment, the value stored
by ``peer-course init --db-url/--exchange`` in the folder's
``peer-course.json``, else the default:

==========  ======================  ==========  ==============================
setting     environment             stored as   default
==========  ======================  ==========  ==============================
db_url      PEER_COURSE_DB_URL      db_url      SQLite in <folder>/gradebook.db
exchange    PEER_COURSE_EXCHANGE    exchange    /srv/nbgrader/exchange
course_id   PEER_COURSE_ID          (never)     peer-course
==========  ======================  ==========  ==============================

``peer-course due`` also stores each assessment's due date there (``due``: an
object from assessment id to an ISO 8601 time in UTC, as
``"2026-12-15T23:59:59"``); the gradebook's assignment due date is set from it,
so nbgrader's late flags and ours agree (see :mod:`peer_course.grading.status`).

The rule is written here only. :class:`peer_course.grading.trainer_dir.TrainerDir`
answers with it, and the folder's generated ``nbgrader_config.py`` asks
TrainerDir, so nbgrader, Formgrader, the grading workers and the reports
always open the same gradebook and exchange. (It sits below
:mod:`~peer_course.grading.gradebook` and TrainerDir so that both can use it
without importing each other.)
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from peer_widgets.errors import PeerCourseError

SETTINGS_NAME = "peer-course.json"
DB_ENV = "PEER_COURSE_DB_URL"
EXCHANGE_ENV = "PEER_COURSE_EXCHANGE"
COURSE_ID_ENV = "PEER_COURSE_ID"
DEFAULT_EXCHANGE = "/srv/nbgrader/exchange"
DEFAULT_COURSE_ID = "peer-course"
STORED = ("db_url", "exchange")


class SettingsError(PeerCourseError):
    """The trainer folder's ``peer-course.json`` cannot be used."""


@dataclass(frozen=True)
class Settings:
    """The values that apply to one trainer folder (see the module docs)."""

    db_url: str
    exchange: Path
    course_id: str


def read_settings(course_dir: str | os.PathLike) -> dict[str, Any]:
    """The settings ``peer-course init`` stored (``{}`` when there are none).

    Raises
    ------
    SettingsError
        If the file cannot be read, is not a JSON object, or stores a
        ``db_url`` or ``exchange`` that is not a string; the message names the
        file and says how to fix it.
    """
    path = Path(course_dir) / SETTINGS_NAME
    if not path.is_file():
        return {}
    try:
        settings = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as error:
        raise SettingsError(f"{path}: cannot read the trainer folder's settings ({error}); fix the file, "
                            "or delete it and run `peer-course init` again with --db-url/--exchange") from None
    if not isinstance(settings, dict):
        raise SettingsError(f"{path}: the settings must be a JSON object; fix the file, "
                            "or delete it and run `peer-course init` again")
    for key in STORED:
        if key in settings and not isinstance(settings[key], str):
            raise SettingsError(f"{path}: field '{key}': must be a string, not {settings[key]!r}")
    due = settings.get("due", {})
    if not isinstance(due, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in due.items()):
        raise SettingsError(f"{path}: field 'due': must map each assessment to a date written as text; "
                            "fix the file, or set the dates again with `peer-course due ASSESSMENT YYYY-MM-DD`")
    return settings


def write_settings(course_dir: str | os.PathLike, **changes: Any) -> dict[str, Any]:
    """Merge ``changes`` (``None`` values are ignored) into the stored settings.

    The file may hold a database password, so only its owner may read it.
    Raises :class:`SettingsError` if the stored file is unusable (nothing is
    written then).
    """
    settings = read_settings(course_dir)
    settings.update({k: v for k, v in changes.items() if v is not None})
    path = Path(course_dir) / SETTINGS_NAME
    path.write_text(json.dumps(settings, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    path.chmod(0o600)
    return settings


def normalise_url(url: str) -> str:
    """``postgresql://`` means psycopg2 (the ``postgres`` extra); SQLAlchemy 2.1
    would otherwise look for psycopg 3."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg2://" + url[len(prefix):]
    return url


def default_db_url(course_dir: str | os.PathLike) -> str:
    """SQLite in ``<folder>/gradebook.db``, the gradebook when nothing else is set."""
    return "sqlite:///" + str(Path(course_dir).resolve() / "gradebook.db")


def resolve_settings(course_dir: str | os.PathLike, *, db_url: str | None = None,
                     exchange: str | os.PathLike | None = None, course_id: str | None = None) -> Settings:
    """The settings that apply to the folder ``course_dir`` (see the module docs).

    Empty values (an environment variable set to ``""``) count as not given.
    Raises :class:`SettingsError` if the stored settings are unusable, even
    when every value is given otherwise, so a broken file never goes unnoticed.
    """
    root = Path(course_dir).resolve()
    stored = read_settings(root)
    return Settings(
        db_url=normalise_url(db_url or os.environ.get(DB_ENV) or stored.get("db_url")
                             or default_db_url(root)),
        exchange=Path(exchange or os.environ.get(EXCHANGE_ENV) or stored.get("exchange") or DEFAULT_EXCHANGE),
        course_id=course_id or os.environ.get(COURSE_ID_ENV) or DEFAULT_COURSE_ID,
    )
