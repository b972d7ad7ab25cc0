"""How peer-course runs nbgrader: one environment, one configuration, one loop, one error.

Where nbgrader's Python API (:class:`nbgrader.apps.api.NbGraderAPI`) has the
operation (generate_assignment, release_assignment, collect,
generate_feedback, and questions such as which assessments are released), it
is called in this process and its answer, a dict ``{success, log, error}``,
is read instead of nbgrader's printed text. A subprocess is kept only where
the API has no method (``export``) or where isolation is needed: autograde
runs learners' code, in long-lived workers (:mod:`peer_course.grading.parallel`).

In-process calls leave the process as they found it: ``PATH`` and
``JUPYTER_PLATFORM_DIRS`` are set only while nbgrader runs, no traitlets
Application is made (making one reconfigures Python's logging for the whole
process), nbgrader logs to a logger of its own that only this module reads,
and listing the exchange never creates it or changes its permissions.
nbgrader's converters change the working directory while they convert and
change it back; steps therefore run one at a time, never from threads.

Configuration is loaded as the ``nbgrader`` command would load it in the
trainer folder: the Jupyter config path first, then the folder's settings
(:class:`~peer_course.grading.trainer_dir.TrainerDir`), then the folder's own
``nbgrader_config.py``. A configuration that cannot be loaded is an error
here, where the nbgrader command would only log it and go on with defaults.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import os
import subprocess
import sys
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from peer_widgets.errors import PeerCourseError

Progress = Callable[[str], None]
CONFIG_BASENAME = "nbgrader_config"
LOGGER_NAME = "peer_course.nbgrader"
# nbgrader runs `alembic` (a console script beside this Python) to set up a gradebook.
BIN_DIR = str(Path(sys.executable).parent)

GRADED, SKIPPED, FAILED, TIMED_OUT = "graded", "skipped", "failed", "timed out"


@dataclass(frozen=True)
class Outcome:
    """How one step went for one assessment (``student`` None) or one submission."""

    assessment: str
    student: str | None
    ok: bool
    message: str = ""
    status: str = GRADED


class StepError(PeerCourseError):
    """An nbgrader step failed; the message ends with nbgrader's own last lines."""


class Folder(Protocol):
    """What the runner needs to know of a trainer folder (a ``TrainerDir``).

    Named here rather than imported: the gradebook uses this module's
    environment, and the trainer folder uses the gradebook (for its roster).
    """

    @property
    def root(self) -> Path: ...
    @property
    def db_url(self) -> str: ...
    @property
    def exchange(self) -> Path: ...
    @property
    def course_id(self) -> str: ...


def nbgrader_env(base: Mapping[str, str] | None = None) -> dict[str, str]:
    """``base`` (default ``os.environ``) as nbgrader needs it: this Python's
    ``bin`` first on ``PATH``, and ``JUPYTER_PLATFORM_DIRS=1`` unless set."""
    env = dict(os.environ if base is None else base)
    path = env.get("PATH", "")
    if path.split(os.pathsep)[0] != BIN_DIR:
        env["PATH"] = BIN_DIR + os.pathsep + path if path else BIN_DIR
    env.setdefault("JUPYTER_PLATFORM_DIRS", "1")
    return env


@contextlib.contextmanager
def nbgrader_environment() -> Iterator[None]:
    """Apply :func:`nbgrader_env` to this process while the block runs, then
    put ``PATH`` and ``JUPYTER_PLATFORM_DIRS`` back as they were."""
    saved = {name: os.environ.get(name) for name in ("PATH", "JUPYTER_PLATFORM_DIRS")}
    wanted = nbgrader_env()
    os.environ.update({name: wanted[name] for name in saved})
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def run_nbgrader(course_dir: str | os.PathLike, *args: str,
                 timeout: float | None = None) -> subprocess.CompletedProcess:
    """Run the ``nbgrader ARGS`` command in ``course_dir`` and return the finished
    process, whatever its exit code (for what the API cannot do, and benchmarks)."""
    return subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=course_dir, env=nbgrader_env(),
                          capture_output=True, text=True, timeout=timeout, check=False)


def tail(text: str, lines: int = 12) -> str:
    """The last ``lines`` lines of ``text``, without surrounding blank space."""
    return "\n".join(text.strip().splitlines()[-lines:])


def _load_file_config(folder: str) -> Any:
    """``nbgrader_config.py`` and ``.json`` in ``folder`` (an empty Config if neither exists).

    Raises a :class:`PeerCourseError` from the file as it is (a corrupt
    ``peer-course.json`` read by our template), and :class:`StepError`
    naming the file for anything else.
    """
    from traitlets.config import Config
    from traitlets.config.loader import ConfigFileNotFound, JSONFileConfigLoader, PyFileConfigLoader

    config = Config()
    for loader in (PyFileConfigLoader(f"{CONFIG_BASENAME}.py", path=folder),
                   JSONFileConfigLoader(f"{CONFIG_BASENAME}.json", path=folder)):
        try:
            config.merge(loader.load_config())
        except ConfigFileNotFound:
            continue
        except PeerCourseError:
            raise
        except Exception as error:  # noqa: BLE001 (any error in the file's own code: name the file)
            name = loader.full_filename or os.path.join(folder, loader.filename)
            raise StepError(f"{name}: nbgrader cannot load this configuration "
                            f"({type(error).__name__}: {error})") from None
    return config


def load_config(folder: Folder, **overrides: Mapping[str, Any]) -> Any:
    """nbgrader's configuration for ``folder`` (a traitlets Config), as the
    ``nbgrader`` command would load it there; ``overrides`` (``Exchange={"root": ...}``)
    win over everything.

    Raises :class:`~peer_course.grading.settings.SettingsError` for unusable
    stored settings and :class:`StepError` for a config file that fails.
    """
    from jupyter_core.paths import jupyter_config_path
    from traitlets.config import Config

    config = Config()
    for path in reversed(jupyter_config_path()):  # listed most important first
        config.merge(_load_file_config(path))
    config.merge(Config({"CourseDirectory": {"root": str(folder.root), "db_url": folder.db_url,
                                             "course_id": folder.course_id},
                         "Exchange": {"root": str(folder.exchange)}}))
    config.merge(_load_file_config(str(folder.root)))
    config.merge(Config({section: dict(values) for section, values in overrides.items()}))
    return config


@functools.cache
def _listing_only() -> type:
    """nbgrader's exchange listing class, except that listing never creates the
    exchange or changes its permissions (NbGraderAPI lists the exchange whenever
    it is made, and building or feedback must not touch the exchange)."""
    from nbgrader.exchange.default import ExchangeList

    class ListingOnly(ExchangeList):
        """Lists the exchange; fails (as listing a missing exchange does) if there is none."""

        def ensure_root(self) -> None:
            if not os.path.isdir(self.root):
                self.fail(f"the exchange {self.root} does not exist")

    return ListingOnly


def _nbgrader_log() -> logging.Logger:
    """The logger nbgrader writes to in this process: read by capture_log for
    each call's ``log``, shown nowhere else (the step's progress lines are)."""
    log = logging.getLogger(LOGGER_NAME)
    if not log.handlers:
        log.addHandler(logging.NullHandler())
    log.propagate = False
    log.setLevel(logging.INFO)
    return log


@contextlib.contextmanager
def nbgrader_warnings() -> Iterator[list[str]]:
    """Collect the warnings nbgrader logs while the block runs (the list fills as
    it runs), so a step can show them instead of discarding them."""
    found: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            found.append(" ".join(record.getMessage().split()))

    handler = Keep(logging.WARNING)
    log = _nbgrader_log()
    log.addHandler(handler)
    try:
        yield found
    finally:
        log.removeHandler(handler)


@contextlib.contextmanager
def _traitlets_log_kept() -> Iterator[None]:
    # NbGraderAPI sets the level of traitlets' global logger (a Jupyter
    # kernel's own logger, inside a notebook) before it takes ours.
    from traitlets.log import get_logger

    logger = get_logger()
    level = logger.level
    try:
        yield
    finally:
        logger.setLevel(level)


class Runner:
    """Runs nbgrader for one trainer folder.

    ``progress`` receives one line per unit of work; failures raise ``error``
    (:class:`StepError` or a subclass) with nbgrader's own last lines.
    """

    def __init__(self, folder: Folder, *, progress: Progress = print, error: type[StepError] = StepError):
        self.folder = folder
        self.progress = progress
        self.error = error

    @contextlib.contextmanager
    def api(self, **overrides: Mapping[str, Any]) -> Iterator[Any]:
        """An :class:`nbgrader.apps.api.NbGraderAPI` for the folder, usable inside the block.

        Raises what :func:`load_config` raises, before nbgrader does anything.
        """
        with nbgrader_environment(), _traitlets_log_kept():
            from nbgrader.apps.api import NbGraderAPI
            from nbgrader.coursedir import CourseDirectory

            config = load_config(self.folder, **overrides)
            if "list" not in config.ExchangeFactory:
                config.ExchangeFactory.list = _listing_only()
            log = _nbgrader_log()
            yield NbGraderAPI(coursedir=CourseDirectory(config=config, log=log), config=config, log=log)

    def check(self, result: Mapping[str, Any] | None, what: str) -> None:
        """Return if nbgrader's ``result`` says it succeeded; else raise
        ``self.error`` (``"<what> failed:"`` and nbgrader's last log lines).

        ``None`` (what the API answers where it has no exchange) is a failure;
        a step interrupted with Ctrl+C raises KeyboardInterrupt again.
        """
        if result is None:
            raise self.error(f"{what} failed: nbgrader's exchange is not available on this system")
        if result.get("success"):
            return
        error_lines = (result.get("error") or "").strip().splitlines()
        # capture_log turns every exception into text, Ctrl+C included; the
        # trainer asked to stop, so stop rather than report a failed step.
        if error_lines and error_lines[-1].strip() == "KeyboardInterrupt":
            raise KeyboardInterrupt
        last_lines = "\n".join((result.get("log") or "").strip().splitlines() + error_lines[-1:])
        raise self.error(f"{what} failed:\n{tail(last_lines)}")

    def each(self, names: list[str], describe: Callable[[str], str],
             action: Callable[[Any, str], Outcome | None], **overrides: Mapping[str, Any]) -> list[Outcome]:
        """Run ``action(api, name)`` for every name, in order, with one API
        (configured with ``overrides``) for them all.

        Each name is announced first (``[2/8] building the student version of
        ...``, from ``describe(name)``). ``action`` returns an Outcome, or
        None for "done"; the first exception it raises stops the loop.
        """
        outcomes = []
        with self.api(**overrides) as api:
            for index, name in enumerate(names, 1):
                self.progress(f"[{index}/{len(names)}] {describe(name)}")
                outcomes.append(action(api, name) or Outcome(name, None, True))
        return outcomes

    def command(self, what: str, *args: str, announce: str | None = None) -> subprocess.CompletedProcess:
        """Run the ``nbgrader ARGS`` command in the folder and return it finished.

        The configuration is loaded here first, so an unusable one raises
        (as :func:`load_config` does) rather than letting nbgrader run on its
        defaults; then ``announce``, if given, goes to ``progress``. A non-zero
        exit raises ``self.error`` (``"<what> failed:"``, nbgrader's last lines).
        """
        with nbgrader_environment():
            load_config(self.folder)
        if announce:
            self.progress(announce)
        process = run_nbgrader(self.folder.root, *args)
        if process.returncode != 0:
            raise self.error(f"{what} failed:\n{tail((process.stderr or '') + (process.stdout or ''))}")
        return process
