"""The trainer's course folder: an nbgrader course root for this course.

Layout (nbgrader's own; :meth:`TrainerDir.format_path` is the one place that knows it)::

    <folder>/nbgrader_config.py                        written here; see templates/
    <folder>/peer-course.json                          stored settings (see settings.py); owner-only
    <folder>/source/<assessment>/                      copied from the course's assessments/
    <folder>/release/<assessment>/                     student versions (build)
    <folder>/submitted/<learner>/<assessment>/         collected submissions
    <folder>/autograded/<learner>/<assessment>/        graded copies (autograde)
    <folder>/feedback/<learner>/<assessment>/          HTML feedback
    <folder>/archive/<learner>/<assessment>/<time>/    submissions replaced by collect --update
    <folder>/.peer-course-staging/<learner>/<assessment>/  the clean copy autograde grades (removed after)
    <folder>/gradebook.db                              the default SQLite gradebook
    <folder>/.peer-course-feedback.json                what each feedback page was made from (see freshness.py)
"""

from __future__ import annotations

import functools
import os
import shutil
from pathlib import Path

from peer_course.grading.settings import Settings, resolve_settings, write_settings
from peer_widgets.content import assessments_dir
from peer_widgets.errors import PeerCourseError
from peer_widgets.manifest import load_manifest

TEMPLATES = Path(__file__).with_name("templates")

MARKER = "# peer-course: generated"
CONFIG_NAME = "nbgrader_config.py"

# nbgrader's steps, as folder names; the first two hold one copy per
# assessment, the others one per learner and assessment. "staging" is ours:
# the clean copy of a submission that autograde grades (see submission.py).
COURSE_STEPS = ("source", "release")
LEARNER_STEPS = ("submitted", "autograded", "feedback", "archive", "staging")
STEPS = COURSE_STEPS + LEARNER_STEPS
FOLDERS = {step: step for step in STEPS} | {"staging": ".peer-course-staging"}


class TrainerDirError(PeerCourseError):
    """The trainer folder is missing or cannot be used; the message says what to do."""


class TrainerDir:
    """A trainer folder: its root, its settings and its folder layout.

    Modelled on nbgrader's ``CourseDirectory``. ``db_url``, ``exchange`` and
    ``course_id`` follow the rule in :mod:`peer_course.grading.settings`;
    values passed here win over it (the student version's throw-away folder
    uses that). Settings are read when first asked for, then kept; make a new
    TrainerDir to see later changes. ``os.fspath(trainer)`` is the root, so a
    TrainerDir goes wherever a folder path does.

    Parameters
    ----------
    root : path
        The folder (need not exist yet); made absolute with symlinks resolved.
    db_url, exchange, course_id : optional
        Values that override the environment and the stored settings.
    """

    def __init__(self, root: str | os.PathLike, *, db_url: str | None = None,
                 exchange: str | os.PathLike | None = None, course_id: str | None = None):
        self.root = Path(root).resolve()
        self._given = {"db_url": db_url, "exchange": exchange, "course_id": course_id}

    @classmethod
    def of(cls, folder: str | os.PathLike | TrainerDir) -> TrainerDir:
        """``folder`` itself if it is a TrainerDir, else a TrainerDir for that path."""
        return folder if isinstance(folder, TrainerDir) else cls(folder)

    def __fspath__(self) -> str:
        return str(self.root)

    def __repr__(self) -> str:
        return f"TrainerDir({str(self.root)!r})"

    @functools.cached_property
    def settings(self) -> Settings:
        """The settings that apply (raises SettingsError for an unusable ``peer-course.json``)."""
        return resolve_settings(self.root, **self._given)

    @property
    def db_url(self) -> str:
        """The gradebook's database URL."""
        return self.settings.db_url

    @property
    def exchange(self) -> Path:
        """nbgrader's exchange folder, which release, collect and feedback use."""
        return self.settings.exchange

    @property
    def course_id(self) -> str:
        """nbgrader's course id (the exchange's subfolder for this course)."""
        return self.settings.course_id

    @property
    def config_file(self) -> Path:
        """The folder's ``nbgrader_config.py``."""
        return self.root / CONFIG_NAME

    def format_path(self, step: str, student: str | None, assessment: str) -> Path:
        """Where ``step`` keeps ``assessment`` (for ``student``, in the learner steps).

        ``source`` and ``release`` take ``student=None`` (nbgrader's ``"."``
        is accepted too); ``submitted``, ``autograded``, ``feedback`` and
        ``archive`` need a learner id.

        Raises
        ------
        ValueError
            For a step not in :data:`STEPS`, or a learner missing or given where
            it does not belong.
        TrainerDirError
            If the learner or assessment is not a plain folder name (empty,
            ``.``, ``..``, or holding a path separator), so no name can reach
            outside its step's folder.
        """
        if step not in STEPS:
            raise ValueError(f"unknown step {step!r}; the steps are {', '.join(STEPS)}")
        if step in COURSE_STEPS:
            if student not in (None, "."):
                raise ValueError(f"{step}/ holds one copy per assessment, not one per learner ({student!r})")
            return self.root / FOLDERS[step] / _folder_name(assessment, "assessment")
        if student is None:
            raise ValueError(f"{step}/ holds one folder per learner; say which learner")
        return self.root / FOLDERS[step] / _folder_name(student, "learner") / _folder_name(assessment, "assessment")

    def submissions(self, step: str, assessment: str, students: list[str] | None = None) -> list[str]:
        """The learners (sorted) with a folder for ``assessment`` in the learner
        step ``step``; only those in ``students`` when it is given.

        An empty list when the step's folder does not exist yet. Raises
        ValueError for a step that is not a learner step, and TrainerDirError
        for an assessment that is not a plain folder name.
        """
        if step not in LEARNER_STEPS:
            raise ValueError(f"{step!r} is not a step with one folder per learner ({', '.join(LEARNER_STEPS)})")
        _folder_name(assessment, "assessment")
        top = self.root / FOLDERS[step]
        if not top.is_dir():
            return []
        found = sorted(entry.name for entry in top.iterdir() if (entry / assessment).is_dir())
        return [name for name in found if students is None or name in students]


def _folder_name(name: str, what: str) -> str:
    if not isinstance(name, str) or name in ("", ".", "..") or "/" in name or os.sep in name or "\0" in name:
        raise TrainerDirError(f"{what} {name!r} cannot be a folder name in the trainer folder")
    return name


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
    peer_course.grading.settings.SettingsError
        If the folder's stored settings are unusable.
    peer_course.grading.roster.RosterError
        If the roster has bad rows (nothing is imported then).
    """
    from peer_course.grading.roster import import_roster, read_roster

    if roster is not None:
        read_roster(roster)  # every problem is reported before anything is written
    trainer = TrainerDir(folder)
    trainer.root.mkdir(parents=True, exist_ok=True)
    names = assessments if assessments is not None else load_manifest().assessments
    config = trainer.config_file
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
        dest = trainer.format_path("source", None, name)
        dest.mkdir(parents=True, exist_ok=True)
        for path in src.iterdir():
            if path.is_file() and not path.name.startswith("."):
                shutil.copy2(path, dest / path.name)
    write_settings(trainer.root, db_url=db_url, exchange=str(Path(exchange).resolve()) if exchange else None)
    if roster is not None:
        import_roster(roster, course_dir=trainer.root)
    return trainer.root


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
