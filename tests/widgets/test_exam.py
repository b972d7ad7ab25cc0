"""The practice exam (issue 14, "Practice exam"): 75 single-best-answer
questions drawn in proportion over the IC&RC domains, a new draw per attempt,
every answer saved at once into the attempt, an optional timer, scores per
domain with a study plan, and the same score from nbgrader's grading helper.
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import datetime, timedelta, timezone

import pytest
import yaml

from peer_widgets import exam, grading
from peer_widgets.bank import load_bank
from peer_widgets.content import assessments_dir
from peer_widgets.kinds import AnswerProblem, kind_named
from peer_widgets.manifest import load_manifest
from peer_widgets.pages.exam import PracticeExam, render_result
from peer_widgets.store import FILE_NAME, ResponseStore
from tests.support.oracle import practice_pool

MANIFEST = load_manifest()
POOL = exam.pool(MANIFEST)
EXAM_BANK = assessments_dir() / "practice-exam" / "items.yaml"


def test_the_pool_is_every_lesson_check_with_one_best_answer_out_of_four():
    assert {q.item.id for q in POOL} == set(practice_pool())  # read independently from the lesson YAML
    assert len(POOL) >= exam.EXAM_SIZE


def test_an_attempt_has_75_questions_in_proportion_to_the_domains():
    drawn = exam.draw(POOL, "ana", 1)
    assert len(drawn) == exam.EXAM_SIZE == len({q.item.id for q in drawn})
    in_pool = Counter(q.item.icrc for q in POOL)
    in_exam = Counter(q.item.icrc for q in drawn)
    for domain, count in in_pool.items():
        assert abs(in_exam[domain] - exam.EXAM_SIZE * count / len(POOL)) < 1, domain


def test_each_attempt_draws_anew_and_a_reload_draws_the_same():
    first = [q.item.id for q in exam.draw(POOL, "ana", 1)]
    assert first == [q.item.id for q in exam.draw(POOL, "ana", 1)]
    assert first != [q.item.id for q in exam.draw(POOL, "ana", 2)]
    assert first != [q.item.id for q in exam.draw(POOL, "ben", 1)]


def attempt_with(answers: dict, *, minutes=None, started=None, times=None) -> dict:
    drawn = exam.draw(POOL, "ana", 1)
    start = started or "2026-12-01T09:00:00Z"
    return {"attempt": 1, "items": [q.item.id for q in drawn], "answers": answers,
            "times": times or {k: start for k in answers}, "started_at": start, "minutes": minutes,
            "finished": False, "history": []}


def test_scores_per_domain_and_a_study_plan_of_the_modules_missed():
    drawn = exam.draw(POOL, "ana", 1)
    keys = {q.item.id: q.item.key for q in drawn}
    wrong = next(q for q in drawn if q.item.icrc == "advocacy")
    answers = {**keys, wrong.item.id: next(o.id for o in wrong.item.options if o.id != wrong.item.key)}
    result = exam.score_attempt(drawn, attempt_with(answers))
    assert (result.right, result.total) == (exam.EXAM_SIZE - 1, exam.EXAM_SIZE)
    advocacy = next(d for d in result.domains if d.domain == "advocacy")
    assert advocacy.right == advocacy.total - 1 and advocacy.review == ((wrong.module, 1),)
    page = render_result(result, 1)
    assert f"../{wrong.module.notebook}" in page and "not a state certification exam" in page


def test_a_timed_attempt_counts_nothing_saved_after_its_end():
    drawn = exam.draw(POOL, "ana", 1)
    keys = {q.item.id: q.item.key for q in drawn}
    late = drawn[0].item.id
    times = {k: "2026-12-01T09:30:00Z" for k in keys}
    times[late] = "2026-12-01T10:01:00Z"
    result = exam.score_attempt(drawn, attempt_with(keys, minutes=60, times=times))
    assert (result.right, result.late) == (exam.EXAM_SIZE - 1, 1)


def test_the_kind_refuses_what_is_not_an_attempt():
    kind, item = kind_named("practice_exam"), load_bank(EXAM_BANK)["px-exam"]
    for bad in ("b", {"attempt": 0, "items": [], "started_at": "x"}, {"attempt": 1, "items": ["a", "a"],
                                                                    "started_at": "x"}):
        with pytest.raises(AnswerProblem):
            kind.check_value(item, bad)
    with pytest.raises(AnswerProblem):
        kind.check_value(item, {"attempt": 1, "items": ["pr-f01"], "answers": {"rp-f01": "a"}, "started_at": "x"})


# -- the page -------------------------------------------------------------------

@pytest.fixture
def exam_folder(notebook_dir, monkeypatch):
    monkeypatch.setenv("PEER_COURSE_LEARNER", "ana")
    (notebook_dir / "items.yaml").write_text(EXAM_BANK.read_text(encoding="utf-8"), encoding="utf-8")
    return notebook_dir


def saved(folder) -> dict:
    return json.loads((folder / FILE_NAME).read_text(encoding="utf-8"))["items"][exam.RECORD]["value"]


def open_page(folder) -> PracticeExam:
    return PracticeExam(load_bank(folder / "items.yaml")["px-exam"], ResponseStore.for_folder(folder))


def test_an_attempt_starts_saved_keeps_every_answer_at_once_and_survives_a_reload(exam_folder):
    page = open_page(exam_folder)
    page.start(90)
    record = saved(exam_folder)
    assert record["attempt"] == 1 and len(record["items"]) == exam.EXAM_SIZE and record["minutes"] == 90
    assert len(page.widgets) == exam.EXAM_SIZE and page.timer is not None
    first = page.widgets[0]
    assert first.spec["heading"] == f"Question 1 of {exam.EXAM_SIZE}" and not first.spec["checkable"]
    choice = first.spec["options"][2]["id"]
    first.answer = choice  # as the browser sends it
    assert saved(exam_folder)["answers"] == {record["items"][0]: choice}
    again = open_page(exam_folder)  # a reload: the same attempt, the same answer
    assert [w.item.id for w in again.widgets] == [w.item.id for w in page.widgets]
    assert again.widgets[0].value == choice


def test_no_key_or_feedback_reaches_the_browser(exam_folder):
    page = open_page(exam_folder)
    page.start()
    state = json.dumps([w.get_state() for w in page.widgets])
    for question in exam.attempt_questions(MANIFEST, saved(exam_folder)):
        assert all(option.feedback not in state for option in question.item.options if option.feedback)
    assert '"key"' not in state


def test_scoring_keeps_the_score_and_a_new_attempt_draws_new_questions(exam_folder):
    page = open_page(exam_folder)
    page.start()
    questions = exam.attempt_questions(MANIFEST, saved(exam_folder))
    for widget, question in zip(page.widgets[:10], questions):
        widget.answer = question.item.key
    result = page.finish()
    assert result.right == 10
    record = saved(exam_folder)
    assert record["finished"] and record["history"] == [{"attempt": 1, "source": "lessons", "right": 10,
                                                         "total": exam.EXAM_SIZE}]
    page.start()
    second = saved(exam_folder)
    assert second["attempt"] == 2 and second["items"] != record["items"] and second["answers"] == {}
    assert second["history"] == record["history"]


def test_a_timed_attempt_whose_time_ran_out_is_scored_on_opening(exam_folder):
    page = open_page(exam_folder)
    page.start(60)
    record = saved(exam_folder)
    record["started_at"] = (datetime.now(timezone.utc) - timedelta(minutes=61)).strftime("%Y-%m-%dT%H:%M:%SZ")
    ResponseStore.for_folder(exam_folder).save(exam.RECORD, record)
    again = open_page(exam_folder)
    assert saved(exam_folder)["finished"] is True
    assert "Your scores, attempt 1" in again.box.children[0].value


# -- grading ----------------------------------------------------------------------

def test_grading_gives_the_share_right_and_refuses_a_partial_draw(exam_folder, capsys):
    drawn = exam.draw(POOL, "ana", 1)
    keys = {q.item.id: q.item.key for q in drawn}
    half = dict(list(keys.items())[:30])
    ResponseStore.for_folder(exam_folder).save(exam.RECORD, attempt_with(half))
    assert grading.score_practice_exam("px-exam", points=75) == 30.0
    forged = attempt_with(half)
    forged["items"] = forged["items"][:30]
    ResponseStore.for_folder(exam_folder).save(exam.RECORD, forged)
    assert grading.score_practice_exam("px-exam", points=75) == 0.0
    out = capsys.readouterr()
    assert "does not hold 75 of the course's practice questions" in out.out and out.err == ""


def test_the_practice_exam_is_an_assessment_with_one_autograded_item():
    bank = yaml.safe_load(EXAM_BANK.read_text(encoding="utf-8"))
    assert [i["type"] for i in bank["items"]] == ["practice_exam"] and bank["items"][0]["points"] == exam.EXAM_SIZE
    assert MANIFEST.practice_exam is not None and "practice-exam" in MANIFEST.assessments


# -- an attempt to hand in: drawn from the graded checks, scored only by the trainer's grading --------

GRADED_POOL = exam.graded_pool(MANIFEST)


def graded_keys() -> dict[str, str]:
    from tests.support.oracle import graded_practice_pool

    return graded_practice_pool()  # the keys read from the graded assessments' hidden tests


def test_an_attempt_to_hand_in_draws_every_graded_check_of_the_exam_format_without_keys():
    assert {q.item.id for q in GRADED_POOL} == set(graded_keys())  # read independently from the YAML
    assert all(q.item.key is None and not q.item.variants for q in GRADED_POOL)
    drawn = exam.draw(GRADED_POOL, "ana", 1, source=exam.GRADED)
    assert len(drawn) == exam.EXAM_SIZE == len({q.item.id for q in drawn})
    in_pool, in_exam = Counter(q.item.icrc for q in GRADED_POOL), Counter(q.item.icrc for q in drawn)
    for domain, count in in_pool.items():
        assert abs(in_exam[domain] - exam.EXAM_SIZE * count / len(GRADED_POOL)) < 1, domain
    # each question's module is the module its graded check belongs to
    assessment_of = {m.number: m.assessment for m in MANIFEST.modules}
    for question in drawn:
        assert question.item.id in load_bank(assessments_dir() / assessment_of[question.module.number] / "items.yaml").ids


def test_an_attempt_to_hand_in_is_never_scored_on_the_page(exam_folder, monkeypatch):
    page = open_page(exam_folder)
    page.start(source=exam.GRADED)
    record = saved(exam_folder)
    assert record["source"] == exam.GRADED and len(record["items"]) == exam.EXAM_SIZE
    assert set(record["items"]) <= set(graded_keys())
    keys = graded_keys()
    for widget in page.widgets:
        widget.answer = keys[exam.lesson_id(widget.item.id)]  # every answer right
    assert "I have finished" in [getattr(child, "description", "") for child in page.box.children]

    def no_scoring(*args, **kwargs):
        raise AssertionError("the page scored an attempt to hand in")

    monkeypatch.setattr(exam, "score_attempt", no_scoring)
    assert page.finish() is None
    record = saved(exam_folder)
    assert record["finished"] and record["history"] == [{"attempt": 1, "source": exam.GRADED}]
    shown = " ".join(getattr(child, "value", "") for child in page.box.children if isinstance(getattr(child, "value", None), str))
    assert "ready to hand in" in shown and "right (" not in shown and "%" not in shown
    again = open_page(exam_folder)  # a reload shows the same, still without a score
    assert "ready to hand in" in " ".join(getattr(c, "value", "") for c in again.box.children
                                          if isinstance(getattr(c, "value", None), str))


def test_no_rationale_of_a_graded_check_reaches_the_page(exam_folder):
    from peer_course.authoring.scoring import scoring_cells

    page = open_page(exam_folder)
    page.start(source=exam.GRADED)
    state = json.dumps([w.get_state() for w in page.widgets])
    rationales = [text for module in MANIFEST.modules if module.assessment
                  for cell in scoring_cells(assessments_dir() / module.assessment / f"{module.assessment}.ipynb")[0]
                  for by_language in cell.rationales.values() for text in by_language.values()]
    assert len(rationales) > 200
    assert not [text for text in rationales if text in state]
    assert '"key"' not in state


def test_grading_scores_an_attempt_to_hand_in_by_its_hidden_test_keys_per_domain_only(exam_folder, capsys):
    keys = graded_keys()
    drawn = exam.draw(GRADED_POOL, "ana", 1, source=exam.GRADED)
    right = {q.item.id: keys[q.item.id] for q in drawn[:30]}
    wrong = {q.item.id: next(o.id for o in q.item.options if o.id != keys[q.item.id]) for q in drawn[30:]}
    attempt = {**attempt_with({}), "source": exam.GRADED, "items": [q.item.id for q in drawn],
               "answers": {**right, **wrong}, "times": {q.item.id: "2026-12-01T09:00:00Z" for q in drawn}}
    ResponseStore.for_folder(exam_folder).save(exam.RECORD, attempt)
    assert grading.score_practice_exam("px-exam", points=75, keys=keys) == 30.0
    out = capsys.readouterr()
    lines = out.out.splitlines()
    assert lines[-1] == "px-exam: 30 of 75 points." and out.err == ""
    scores = [line for line in lines[:-1] if line.endswith(" right.")]
    assert len(scores) == 4 and sum(int(line.rsplit(": ", 1)[1].split(" of ")[0]) for line in scores) == 30
    plans = [line for line in lines[:-1] if " look again at " in line]
    assert len(plans) == 4 and all("Module " in line for line in plans)  # 45 wrong: every domain has a plan
    assert len(lines) == 1 + len(scores) + len(plans)
    assert not [q.item.id for q in drawn if q.item.id in out.out]  # never which question was right
    assert not [o.text for q in drawn for o in q.item.options if o.text in out.out]
    # without the keys (a hidden test out of date) it scores nothing and says what to do
    assert grading.score_practice_exam("px-exam", points=75) == 0.0
    assert "peer-course exam-keys" in capsys.readouterr().out
    # the learner page's own keys (the lessons') cannot score it: its questions are not in that pool
    assert grading.score_practice_exam("px-exam", points=75, keys={}) == 0.0
