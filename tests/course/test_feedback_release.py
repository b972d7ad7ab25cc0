"""Feedback reaches learners (issue 12): `peer-course feedback` releases what it
makes to the course's exchange, and a learner outside the hub gets it with
`nbgrader fetch_feedback`, run as a learner runs it: in their own folder, with
their own configuration (the course's exchange and course id, their id) and
their own nbgrader cache. After a manual grade, a newer submission or a
corrected key, `peer-course feedback` (or `regrade`) releases the new page,
and fetching again gives the new score. A submission that did not come
through `nbgrader submit`, or a course with no exchange folder, is said
plainly, not failed.

One small real cohort (real nbgrader, SQLite; test_regrade.py and
test_status.py run the same release on PostgreSQL); the tests run in order
and each reads the state it starts from.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from tests.support.cohort import (PRC, after_key_change, all_right, as_learner, hand_in_with_nbgrader, learner_home,
                                  records_for, set_key, small_cohort, submit)

from peer_course.cli import main
from peer_course.grading.gradebook import open_gradebook
from peer_course.grading.status import cohort_status
from peer_course.grading.trainer_dir import TrainerDir

pytestmark = pytest.mark.slow
LEARNERS = ("p01", "p02")  # hand in with nbgrader, each from their own folder
DIRECT = "p03"  # put straight into submitted/: no nbgrader submit, so nothing names its feedback in the exchange
KEY_ITEM, OLD_KEY, NEW_KEY = "pr-k01", "c", "a"  # a single-choice item worth 1 point
SCORE = re.compile(r"Your score: ([\d.]+) of 26 points\.")


@pytest.fixture(scope="module")
def cohort(tmp_path_factory):
    root = tmp_path_factory.mktemp("feedback-release")
    course, _ = small_cohort(root, submitters=[], others=[*LEARNERS, DIRECT], with_feedback=False)
    homes, expected = {}, {}
    for learner in LEARNERS:
        homes[learner] = home = learner_home(root, learner, course)
        as_learner(home, "fetch_assignment", PRC)
        bank = yaml.safe_load((home / PRC / "items.yaml").read_text(encoding="utf-8"))
        records, expected[learner] = records_for(learner, PRC, bank)
        hand_in_with_nbgrader(home, PRC, records)
    expected[DIRECT] = submit(course, DIRECT, PRC)
    return course, homes, expected


def run(capsys, *args: str) -> str:
    """``peer-course ARGS`` in the trainer folder; its output (it must succeed)."""
    capsys.readouterr()
    code = main([*args])
    out, err = capsys.readouterr()
    assert code == 0, (args, out, err)
    return out


def scores(course: Path) -> dict[str, float]:
    with open_gradebook(course) as gb:
        return {s.student.id: round(s.score, 4) for s in gb.assignment_submissions(PRC)}


def shown(score: float) -> str:
    """A score as the feedback page shows it (2 places at most, no trailing zeros)."""
    return f"{round(score, 2):g}"


def fetch_feedback(home: Path) -> dict[str, str]:
    """``nbgrader fetch_feedback`` as the learner runs it; :func:`fetched` then."""
    as_learner(home, "fetch_feedback", PRC)
    return fetched(home)


def fetched(home: Path) -> dict[str, str]:
    """``{submission time: score shown}`` for every feedback page the learner has."""
    found = {}
    for page in sorted((home / PRC / "feedback").glob(f"*/{PRC}.html")):
        match = SCORE.search(page.read_text(encoding="utf-8"))
        assert match, page
        found[page.parent.name] = match[1]
    return found


def latest(fetched: dict[str, str]) -> str:
    return fetched[max(fetched)]  # nbgrader's submission times sort as text


def test_a_learner_fetches_the_feedback_peer_course_feedback_released(cohort, capsys):
    course, homes, expected = cohort
    folder = ["--course-dir", str(course)]
    run(capsys, "collect", *folder)
    run(capsys, "autograde", *folder, "--workers", "2")
    assert scores(course) == pytest.approx(expected)
    out = run(capsys, "feedback", *folder)
    for learner in LEARNERS:
        assert list(fetch_feedback(homes[learner]).values()) == [shown(expected[learner])], learner
    exchange = TrainerDir(course).exchange
    assert (f"Released 2 learner(s)' feedback to the exchange {exchange}; learners get it with "
            "`nbgrader fetch_feedback ASSESSMENT` (or Fetch Feedback in JupyterLab's Assignments tab).") in out
    assert (f"{PRC}: feedback for 1 learner(s) cannot be released: their submissions did not come through "
            "`nbgrader submit` (no submission_secret.txt), so nbgrader has no name for their feedback in the "
            f"exchange: {DIRECT}. Give each their page from feedback/<learner>/{PRC}/ another way.") in out
    assert "1 learner(s)' feedback is not released (see above)" in out
    status = {r.student: (r.status, r.note) for r in cohort_status(course_dir=course)[1]}
    assert status["p01"] == status["p02"] == ("feedback released", "")
    assert status[DIRECT][0] == "feedback ready"
    # nothing changed: a second run releases nothing again
    out = run(capsys, "feedback", *folder)
    assert "Released" not in out and "Feedback is in feedback/; nothing was out of date." in out


def test_a_manual_grade_and_a_newer_submission_reach_the_learner(cohort, capsys):
    course, homes, _ = cohort
    folder = ["--course-dir", str(course)]
    before = scores(course)
    with open_gradebook(course) as gb:  # p01's reflection marked in Formgrader: 0.5 instead of the automatic 2
        gb.find_grade("pr-r01", PRC, PRC, "p01").manual_score = 0.5
        gb.db.commit()
    old_p02 = fetched(homes["p02"])
    records, right = all_right(PRC, course)
    hand_in_with_nbgrader(homes["p02"], PRC, records)  # p02 hands in again, all right
    run(capsys, "collect", *folder, "--update")
    run(capsys, "autograde", *folder, "--workers", "2")
    now = scores(course)
    assert now["p01"] == pytest.approx(before["p01"] - 1.5)
    assert now["p02"] == pytest.approx(right) != before["p02"]
    out = run(capsys, "feedback", *folder)
    assert "Released 2 learner(s)' feedback to the exchange " in out
    assert latest(fetch_feedback(homes["p01"])) == shown(now["p01"])
    # the newer submission's feedback is a page of its own; the earlier one's stays as it was
    pages = fetch_feedback(homes["p02"])
    assert len(pages) == 2 and latest(pages) == shown(now["p02"])
    assert {k: v for k, v in pages.items() if k in old_p02} == old_p02


def test_a_corrected_key_reaches_the_learner_after_regrade(cohort, capsys):
    course, homes, _ = cohort
    now = scores(course)
    wanted = after_key_change(course, PRC, KEY_ITEM, now, OLD_KEY, NEW_KEY)
    assert any(wanted[learner] != now[learner] for learner in LEARNERS)
    set_key(course, PRC, KEY_ITEM, OLD_KEY, NEW_KEY)
    out = run(capsys, "regrade", PRC, "--course-dir", str(course), "--workers", "2")
    assert f"[1/1] releasing feedback for {PRC} to the exchange " in out
    assert scores(course) == pytest.approx(wanted)
    for learner in LEARNERS:
        assert latest(fetch_feedback(homes[learner])) == shown(wanted[learner]), learner


def test_without_an_exchange_feedback_says_so_and_stays_ready(cohort, capsys, monkeypatch, tmp_path):
    course, _, _ = cohort
    nowhere = tmp_path / "no-exchange"
    monkeypatch.setenv("PEER_COURSE_EXCHANGE", str(nowhere))
    out = run(capsys, "feedback", "--course-dir", str(course))
    assert (f"feedback was not released: the exchange {nowhere} does not exist, so no learner can fetch from it. "
            "Give each learner their page from feedback/<learner>/<assessment>/ another way, or point this folder "
            "at the exchange learners use (`peer-course init` with --exchange, or PEER_COURSE_EXCHANGE) and run "
            "`peer-course feedback` again.") in out
    assert "3 learner(s)' feedback is not released (see above); `peer-course status` lists them as " \
           "'feedback ready'." in out
    assert not nowhere.exists()  # nothing made up in its place
    out = run(capsys, "status", "--course-dir", str(course))
    assert f"  feedback ready, not released: {', '.join([*LEARNERS, DIRECT])}" in out.splitlines()
    notes = {r.student: r.note for r in cohort_status(course_dir=course)[1]}
    assert notes["p01"] == (f"the exchange {nowhere} does not exist; give the learner their page from "
                            f"feedback/p01/{PRC}/ another way")


@pytest.mark.parametrize("command", ["feedback", "status"])
def test_an_unknown_assessment_is_one_line(cohort, capsys, command):
    course, _, _ = cohort
    assert main([command, "--course-dir", str(course), "--assessment", "no-such-check"]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err == (f"peer-course {command}: 'no-such-check' is not an assessment of this trainer folder; "
                   f"the assessments are: {PRC}\n")
