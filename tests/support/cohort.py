"""A synthetic cohort for the trainer tests, with expected scores computed
from the keys in each source notebook's hidden tests (independently of the
grading helpers under test).

Learner ``p<k>`` answers item ``i`` right when ``(i + k) % 3 != 0`` for odd
``k`` and when ``(i * k) % 4 == 0`` for even ``k``; a "wrong" multiple
select ticks only its first keyed option (partial credit), a "wrong"
matching gets only its first term right (partial credit), a "wrong" rating
is Not Enough Information with no comment (0: the scale needs a comment).
Right ratings cycle Advanced / Proficient / Developing with a comment.
Special learners exercise every way a submission goes wrong. Answers and
expected scores come from :mod:`tests.support.oracle`.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import nbformat
import yaml

from tests.support.oracle import (PARTIAL, RIGHT, Graded, answer as oracle_answer, graded_items, private_reflection, task_points,
                                  record, tampered)

INJECTION_SCRIPT = "<script>alert(1)</script>"
INJECTION_IMG = "<img src=x onerror=alert(1)>"
LEVELS = ["advanced", "proficient", "developing"]
LEVEL_VALUE = {"advanced": 3.0, "proficient": 2.0, "developing": 1.0}

GENERIC = [f"p{k:02d}" for k in range(1, 15)]
SPECIAL = {
    "dee-no-file": "no responses.json",
    "eli-corrupt": "responses.json is not JSON",
    "fay-tampered": "every answer out of range or of the wrong type",
    "gus-loop": "all right, plus a cell with `while True: pass` (never run: only the trainer's notebook runs)",
    "hal-broken-notebook": "all right; the notebook file is not JSON (never used: the answers are graded)",
    "ivy-injection": "all right; HTML and script in a shared reflection and a comment",
    "jo-exchange": "all right; goes through release, fetch, submit and collect",
}
LEARNERS = GENERIC + list(SPECIAL)


SUPERVISORS = ["supervisor--p01", "supervisor--p02"]


def is_right(learner: str, index: int) -> bool:
    if not learner.startswith("p"):  # special learners and supervisors answer everything
        return True
    k = int(learner[1:])
    return (index + k) % 3 != 0 if k % 2 else (index * k) % 4 == 0


def answer(learner: str, index: int, item: Graded, bank: dict) -> tuple[object, float]:
    """(saved value, expected score) for one learner and item."""
    quality = RIGHT if is_right(learner, index) else PARTIAL
    if learner in SUPERVISORS:  # supervisors rate every statement Developing
        return oracle_answer(item, bank, RIGHT, comment="seen on shift")
    level = LEVELS[(index + len(learner)) % 3]
    comment = INJECTION_IMG if learner == "ivy-injection" else f"{learner} on {item.item_id}"
    return oracle_answer(item, bank, quality, level=level, comment=comment)


def records_for(learner: str, name: str, bank: dict) -> tuple[dict, float]:
    items = graded_items(name)
    records, expected = {}, 0.0
    for index, item in enumerate(items):
        value, score = answer(learner, index, item, bank)
        if learner == "fay-tampered":
            value, score = tampered(item), 0.0
        records[item.item_id] = record(value)
        expected += score
    reflections = [item for item in bank["items"] if item["type"] == "reflection"]
    for item in reflections:
        value = private_reflection()
        if learner == "ivy-injection":
            value = {"shared": True, "completed": True, "words": 4,
                     "text": f"My story {INJECTION_SCRIPT} and {INJECTION_IMG}"}
        records[item["id"]] = record(value)
    if reflections and learner != "ivy-injection":
        # A reflection kept private earns its completion marks when autograded;
        # a shared one waits for the trainer.
        expected += task_points(name)
    return records, round(expected, 2)


def submit(course: Path, learner: str, name: str, *, day: int = 20, secret: str | None = None) -> float:
    """Put one learner's work in submitted/; return the expected autograded score.

    ``secret``, if given, is written to ``submission_secret.txt`` as ``nbgrader
    submit`` writes it (nbgrader names the learner's released feedback by it).
    """
    release = course / "release" / name
    target = course / "submitted" / learner / name
    shutil.copytree(release, target)
    (target / "timestamp.txt").write_text(f"2026-11-{day:02d} 10:00:00.000000 UTC", encoding="utf-8")
    if secret is not None:
        (target / "submission_secret.txt").write_text(secret, encoding="utf-8")
    bank = yaml.safe_load((release / "items.yaml").read_text(encoding="utf-8"))
    records, expected = records_for(learner, name, bank)
    answers = target / "responses.json"
    if learner == "dee-no-file":
        return 0.0
    if learner == "eli-corrupt":
        answers.write_text('{"schema_version": 1, "items": {"pc-k', encoding="utf-8")
        return 0.0
    answers.write_text(json.dumps({"schema_version": 1, "items": records}), encoding="utf-8")
    notebook = target / f"{name}.ipynb"
    if learner == "gus-loop":
        nb = nbformat.read(notebook, as_version=4)
        nb.cells.insert(3, nbformat.v4.new_code_cell("while True:\n    pass"))
        nbformat.write(nb, notebook)
    if learner == "hal-broken-notebook":
        notebook.write_text('{"cells": [', encoding="utf-8")
    return expected


def self_ratings(learner: str, bank: dict) -> dict[str, float]:
    """Numeric self-ratings per category that :func:`answer` gives ``learner`` (for the report)."""
    items = graded_items(bank["id"])
    category = {i["id"]: i["category"] for i in bank["items"]}
    values: dict[str, list[float]] = {}
    for index, item in enumerate(items):
        value, _ = answer(learner, index, item, bank)
        if value.get("rating") in LEVEL_VALUE:
            values.setdefault(category[item.item_id], []).append(LEVEL_VALUE[value["rating"]])
    return {c: sum(v) / len(v) for c, v in values.items()}


INJECTION_NAME = 'Ivy "Q" & O\'Neil'  # quotes and an ampersand: legal in a name, escaped on every page


def write_roster(path: Path, learners: list[str]) -> Path:
    import csv

    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "first_name", "last_name", "email"])
        for learner in learners:
            first = INJECTION_NAME if learner == "ivy-injection" else learner.split("-")[0].title()
            writer.writerow([learner, first, "Example", f"{learner}@example.org"])
    return path


PRC = "peer-role-check"


def small_cohort(root: Path, *, submitters: list[str], others: list[str] = (), assessments: tuple[str, ...] = (PRC,),
                 unreleased: tuple[str, ...] = (), days: dict[str, int] | None = None,
                 with_feedback: bool = True, db_url: str | None = None,
                 with_secret: tuple[str, ...] = ()) -> tuple[Path, dict[tuple[str, str], float]]:
    """A lean cohort for the tests of one trainer feature: roster (``submitters``
    and ``others``, who hand nothing in), build (``assessments`` and
    ``unreleased``), release (``assessments``), submissions straight into
    submitted/ (on 2026-11-20, or the day of the month in ``days``), autograde
    with 2 workers and (``with_feedback``) feedback. Returns the trainer folder
    and the expected autograded scores.

    ``db_url`` is the gradebook (default: SQLite in the trainer folder). The
    submissions of the learners in ``with_secret`` carry the secret ``nbgrader
    submit`` writes, so their feedback can be released to the exchange; the
    others' cannot (they did not come through the exchange).
    """
    from peer_course.grading.steps import autograde, build, feedback, release
    from peer_course.grading.trainer_dir import init_course_dir

    root.mkdir(parents=True, exist_ok=True)
    roster = write_roster(root / "roster.csv", [*submitters, *others])
    course = init_course_dir(root / "trainer", assessments=[*assessments, *unreleased], exchange=root / "exchange",
                             roster=roster, db_url=db_url)
    quiet = lambda message: None  # noqa: E731
    build(course_dir=course, assessments=[*assessments, *unreleased], progress=quiet)
    release(course_dir=course, assessments=list(assessments), progress=quiet)
    expected = {(learner, name): submit(course, learner, name, day=(days or {}).get(learner, 20),
                                        secret=f"{learner}-secret" if learner in with_secret else None)
                for learner in submitters for name in assessments}
    outcomes = autograde(course_dir=course, assessments=list(assessments), workers=2, cell_timeout=30,
                         time_limit=300, progress=quiet)
    assert all(o.ok for o in outcomes), outcomes
    if with_feedback:
        feedback(course_dir=course, assessments=list(assessments), progress=quiet)
    return course, expected


def hand_in(course: Path, learner: str, name: str, records: dict, *, when: str) -> Path:
    """Put a submission into the exchange's inbound folder, as ``nbgrader submit``
    does (owned by whoever runs the tests, whom collect trusts as the trainer)."""
    import json as _json

    exchange = Path(_json.loads((course / "peer-course.json").read_text(encoding="utf-8"))["exchange"])
    folder = exchange / "peer-course" / "inbound" / f"{learner}+{name}+{when}+0123abcd"
    shutil.copytree(course / "release" / name, folder)
    (folder / "timestamp.txt").write_text(when, encoding="utf-8")
    (folder / "responses.json").write_text(_json.dumps({"schema_version": 1, "items": records}), encoding="utf-8")
    return folder


def all_right(name: str, course: Path) -> tuple[dict, float]:
    """Answers that get every automatic point of ``name``, and that score."""
    bank = yaml.safe_load((course / "release" / name / "items.yaml").read_text(encoding="utf-8"))
    return records_for("jo-exchange", name, bank)


# -- a learner outside the hub, with nbgrader ---------------------------------------------------------

def learner_home(root: Path, learner: str, course: Path) -> Path:
    """A learner's own folder, with the ``nbgrader_config.py`` a learner outside
    the hub writes: the course's exchange and course id (as the trainer guide
    gives them). It also sets their id, which nbgrader otherwise takes from
    their login name: here every learner is the account running the tests."""
    exchange = json.loads((course / "peer-course.json").read_text(encoding="utf-8"))["exchange"]
    home = root / f"learner-{learner}"
    home.mkdir(parents=True, exist_ok=True)
    (home / "nbgrader_config.py").write_text(
        "c = get_config()\n"
        f"c.Exchange.root = {exchange!r}\n"
        "c.CourseDirectory.course_id = 'peer-course'\n"
        f"c.CourseDirectory.student_id = {learner!r}\n", encoding="utf-8")
    return home


def as_learner(home: Path, *args: str):
    """Run ``nbgrader ARGS`` as the learner in ``home`` would: in that folder,
    with its configuration, and with ``home`` as their home (so nbgrader's
    cache of what they submitted, which fetch_feedback reads, is theirs alone).
    Raises AssertionError, with nbgrader's output, if it fails."""
    import os
    import subprocess
    import sys

    from peer_course.grading.runner import nbgrader_env

    env = {k: v for k, v in nbgrader_env().items()
           if k not in ("JUPYTER_CONFIG_DIR", "JUPYTER_CONFIG_PATH", "JUPYTER_DATA_DIR", "XDG_DATA_HOME",
                        "XDG_CONFIG_HOME", "PEER_COURSE_DIR", "PEER_COURSE_EXCHANGE", "PEER_COURSE_ID")}
    env["HOME"] = str(home)
    try:
        return subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=home, env=env, capture_output=True,
                              text=True, check=True, timeout=120)
    except subprocess.CalledProcessError as error:
        raise AssertionError(f"nbgrader {' '.join(args)} failed for {home.name} ({os.fspath(home)}):\n"
                             f"{error.stdout}\n{error.stderr}") from None


def hand_in_with_nbgrader(home: Path, name: str, records: dict) -> None:
    """Fetch ``name`` from the exchange, answer with ``records`` and submit, as a learner does."""
    if not (home / name).is_dir():
        as_learner(home, "fetch_assignment", name)
    (home / name / "responses.json").write_text(json.dumps({"schema_version": 1, "items": records}), encoding="utf-8")
    as_learner(home, "submit", name)


def set_key(course: Path, name: str, item: str, old: str, new: str) -> None:
    """Change the key of single-choice ``item`` in ``source/`` from ``old`` to ``new``
    (a trainer correcting a key)."""
    source = course / "source" / name / f"{name}.ipynb"
    nb = nbformat.read(source, as_version=4)
    cell = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == item)
    if f'key="{old}"' not in cell.source:
        raise AssertionError(f"{item}'s key in {source} is not {old!r}")
    cell.source = cell.source.replace(f'key="{old}"', f'key="{new}"')
    nbformat.write(nb, source)


def after_key_change(course: Path, name: str, item: str, now: dict[str, float], old: str,
                     new: str) -> dict[str, float]:
    """Each learner's score once ``item``'s key (worth 1 point) is ``new`` instead of
    ``old``, from the answer they handed in (independently of the grading code)."""
    wanted = {}
    for learner, score in now.items():
        path = course / "submitted" / learner / name / "responses.json"
        try:
            choice = json.loads(path.read_text(encoding="utf-8"))["items"][item]["value"]
        except (OSError, ValueError, KeyError):
            choice = None  # nothing usable: 0 either way
        wanted[learner] = round(score - (choice == old) + (choice == new), 4)
    return wanted


def gradebook_url(request) -> str | None:
    """For a fixture parametrized over ``sqlite`` and ``postgresql``: None (the
    folder's own SQLite gradebook), or a fresh database on the test PostgreSQL server."""
    if request.param != "postgresql":
        return None
    _, create_database = request.getfixturevalue("postgres_server")
    return create_database()
