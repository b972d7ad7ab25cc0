"""The trainer's course folder: an nbgrader course root for this course.

Layout (nbgrader's own)::

    <folder>/nbgrader_config.py      written here; see templates/
    <folder>/peer-course.json        stored settings (database URL, exchange); owner-only
    <folder>/source/<assessment>/    copied from the course's assessments/
    <folder>/release/ submitted/ autograded/ feedback/ gradebook.db   made by nbgrader
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from peer_widgets.errors import PeerCourseError

from peer_widgets.content import assessments_dir
from peer_widgets.manifest import load_manifest

TEMPLATES = Path(__file__).with_name("templates")

MARKER = "# peer-course: generated"
CONFIG_NAME = "nbgrader_config.py"


class TrainerDirError(PeerCourseError):
    """The trainer folder is missing or cannot be used; the message says what to do."""


def render_config(assessments: list[str]) -> str:
    template = (TEMPLATES / CONFIG_NAME).read_text(encoding="utf-8")
    return template.replace("__ASSESSMENTS__", repr(sorted(assessments)))


def init_course_dir(folder: str | Path, *, assessments: list[str] | None = None, db_url: str | None = None,
                    exchange: str | Path | None = None, roster: str | Path | None = None) -> Path:
    """Create or refresh a trainer folder; return its path.

    Source assessments are refreshed from the course (so a fixed question
    reaches the trainer), but nothing nbgrader made, no submission and no
    grade is touched. ``db_url`` and ``exchange`` are stored in the folder's
    ``peer-course.json`` (kept when not given again); ``roster`` is a CSV
    file imported into the gradebook (see :mod:`peer_course.grading.roster`), checked
    in full before the folder is touched.

    Raises
    ------
    TrainerDirError
        If ``nbgrader_config.py`` exists and was not written by this tool, or
        an assessment's source folder holds a ``responses.json`` (it would be
        released to every learner).
    peer_course.grading.roster.RosterError
        If the roster has bad rows (nothing is imported then).
    """
    from peer_course.grading.gradebook import write_settings
    from peer_course.grading.roster import import_roster, read_roster

    if roster is not None:
        read_roster(roster)  # every problem is reported before anything is written
    folder = Path(folder).resolve()
    folder.mkdir(parents=True, exist_ok=True)
    names = assessments if assessments is not None else load_manifest().assessments
    config = folder / CONFIG_NAME
    if config.exists() and MARKER not in config.read_text(encoding="utf-8"):
        raise TrainerDirError(f"{config} was not written by peer-course; move it aside "
                              "(or merge it into nbgrader_config_local.py) and run init again")
    config.write_text(render_config(names), encoding="utf-8")
    for name in names:
        src = assessments_dir() / name
        if not src.is_dir():
            raise TrainerDirError(f"assessment '{name}' is listed in the manifest but {src} does not exist")
        if (src / "responses.json").exists():
            raise TrainerDirError(f"{src / 'responses.json'} exists (probably from trying the notebook); "
                                  "remove it, or it would be released to every learner")
        dest = folder / "source" / name
        dest.mkdir(parents=True, exist_ok=True)
        for path in src.iterdir():
            if path.is_file() and not path.name.startswith("."):
                shutil.copy2(path, dest / path.name)
    write_settings(folder, db_url=db_url, exchange=str(Path(exchange).resolve()) if exchange else None)
    if roster is not None:
        import_roster(roster, course_dir=folder)
    return folder


def find_course_dir(start: str | Path | None = None) -> Path:
    """The trainer folder: ``--course-dir``, ``PEER_COURSE_DIR``, or the nearest
    folder at or above the working directory holding our ``nbgrader_config.py``.

    Raises
    ------
    TrainerDirError
        If there is none, saying how to make one.
    """
    if start is not None:
        folder = Path(start).resolve()
        if not (folder / CONFIG_NAME).is_file():
            raise TrainerDirError(f"{folder} is not a trainer folder (no {CONFIG_NAME}); "
                                  f"run `peer-course init {start}` first")
        return folder
    if os.environ.get("PEER_COURSE_DIR"):
        return find_course_dir(os.environ["PEER_COURSE_DIR"])
    here = Path.cwd().resolve()
    for folder in [here, *here.parents]:
        config = folder / CONFIG_NAME
        if config.is_file() and MARKER in config.read_text(encoding="utf-8", errors="replace"):
            return folder
    raise TrainerDirError("no trainer folder here or above; run `peer-course init FOLDER` "
                          "and then work inside FOLDER (or pass --course-dir)")
