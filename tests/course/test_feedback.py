"""The feedback a learner gets: each question, their answer in words, a clean
score and why the right answer is right; no code, no trainer notes, no key,
and their own words escaped. Made by real nbgrader (build, autograde,
generate_feedback) on a real assessment."""

from __future__ import annotations

import html
import json
import re
import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from peer_course.grading.gradebook import open_gradebook
from peer_course.grading.steps import autograde, build, feedback
from peer_course.grading.trainer_dir import init_course_dir
from tests.support import oracle
from tests.support.leaks import keys_in

pytestmark = pytest.mark.slow

NAME = "peer-role-check"
SCRIPT = "<script>alert(1)</script>"
ANSWER = r"Your answer</strong></div><div[^>]*><div>"  # a row of the item's table: label, then the text
SCORE = r"Score</strong></div><div[^>]*><div>"
# dee submits no answers file; fay was shown every item's second version and answers it right
LEARNERS = {"ada": oracle.RIGHT, "cruz": oracle.PARTIAL, "dee": None, "fay": oracle.RIGHT}
SECOND = {"fay": "v2"}


def submit(course: Path, learner: str, quality: str | None) -> None:
    target = course / "submitted" / learner / NAME
    shutil.copytree(course / "release" / NAME, target)
    (target / "timestamp.txt").write_text("2026-11-25 10:00:00.000000 UTC", encoding="utf-8")
    if quality is None:
        return
    bank = oracle.released_bank(NAME)
    records = {}
    for item in oracle.graded_items(NAME):
        variant = SECOND.get(learner) if item.variants else None
        value = oracle.answer(item, bank, quality, comment=f"I try {SCRIPT}", variant=variant)[0]
        records[item.item_id] = oracle.record(value, variant)
    for item_id in oracle.reflection_ids(bank):
        records[item_id] = oracle.record(oracle.private_reflection())
    (target / "responses.json").write_text(json.dumps(oracle.document(records)), encoding="utf-8")


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    course = init_course_dir(tmp_path_factory.mktemp("feedback") / "trainer", assessments=[NAME])
    build(course_dir=course, assessments=[NAME], progress=lambda m: None)
    for learner, quality in LEARNERS.items():
        submit(course, learner, quality)
    assert all(o.ok for o in autograde(course_dir=course, assessments=[NAME], progress=lambda m: None))
    feedback(course_dir=course, assessments=[NAME], progress=lambda m: None)
    found = {learner: (course / "feedback" / learner / NAME / f"{NAME}.html").read_text(encoding="utf-8")
             for learner in LEARNERS}
    return course, found


def bank_item(item_id: str) -> dict:
    return next(i for i in oracle.released_bank(NAME)["items"] if i["id"] == item_id)


def source_rationales(variant: str | None = None) -> dict[str, str]:
    """item id -> the rationale of its first version (or of ``variant``) in the hidden tests."""
    cells = oracle.graded_items(NAME)
    if variant is None:
        return {cell.item_id: cell.rationale for cell in cells if cell.rationale}
    return {cell.item_id: cell.variants[variant]["rationale"] for cell in cells if variant in cell.variants}


def test_each_question_shows_the_question_the_answer_in_words_and_the_score(pages):
    _, found = pages
    page = html.unescape(found["ada"])
    item = bank_item("pr-k01")
    key = next(g.key for g in oracle.graded_items(NAME) if g.item_id == "pr-k01")
    assert item["prompt"] in page and item["scenario"] in page
    chosen = next(o["text"] for o in item["options"] if o["id"] == key)
    assert re.search(ANSWER + re.escape(chosen), page)
    matching = bank_item("pr-k07")
    assert f"{matching['terms'][0]['text']} \u2192 " in page  # a matching answer: term -> choice, in words
    assert "You wrote this reflection and kept it private (57 words)." in page
    assert re.search(SCORE + "1 of 1 points", page)


def test_rationales_appear_only_in_feedback(pages):
    course, found = pages
    rationales = source_rationales()
    assert len(rationales) >= 5
    page = html.unescape(found["ada"])
    for text in rationales.values():
        assert text in page
    released = "".join(p.read_text(encoding="utf-8") for p in (course / "release" / NAME).iterdir())
    assert not any(text in released or html.escape(text) in released for text in rationales.values())
    second = source_rationales("v2")
    assert len(second) >= 5
    assert not any(text in released or html.escape(text) in released for text in second.values())


def test_feedback_shows_the_version_each_learner_answered(pages):
    """fay saw every item's second version: her feedback shows its question and
    its rationale, her answers (right by that version's key) earn full marks."""
    course, found = pages
    page = html.unescape(found["fay"])
    for cell in oracle.graded_items(NAME):
        if not cell.variants:
            continue
        item = bank_item(cell.item_id)
        second = next(v for v in item["variants"] if v["id"] == "v2")
        assert (second.get("scenario") or second["prompt"]) in page
        assert cell.variants["v2"]["rationale"] in page
        assert cell.rationale not in page  # the first version's "why" belongs to another question
    with open_gradebook(course) as gb:
        graded = {s.student.id: s for s in gb.assignment_submissions(NAME)}
        assert graded["fay"].score == graded["ada"].score == graded["ada"].max_score


def test_no_code_trainer_notes_or_keys(pages):
    _, found = pages
    for learner, page in found.items():
        for text in ("page.show", "peer_widgets", "score_single", "HIDDEN TESTS", "for_trainer",
                     "For the trainer", "Grade it on completion", "rationale=", "In&nbsp;[", "In [",
                     'class="input"'):
            assert text not in page, (learner, text)
        assert keys_in(page, oracle.graded_items(NAME)) == [], learner
        # none of the table's own markup was refused by nbconvert's HTML cleaner (it would show as text)
        assert not re.search(r"&lt;/?(div|strong|table|tbody|tr|td|th|caption|br|style)\b", page), learner


def test_learner_text_is_escaped(pages):
    _, found = pages
    assert all(SCRIPT not in page for page in found.values())
    assert html.escape(f"I try {SCRIPT}") in found["ada"]  # a self-rating's comment, shown as text


def test_scores_are_clean_decimals_and_totals_add_up(pages):
    course, found = pages
    with open_gradebook(course) as gb:
        scores = [grade.score for grade in gb.find_submission_notebook(NAME, NAME, "cruz").grades]
    assert any(0 < s < 1 and s != 0.5 for s in scores)  # partial credit that is not a round number
    for score in scores:
        assert Decimal(repr(score)) == Decimal(repr(score)).quantize(Decimal("0.01")), score
    page = html.unescape(found["cruz"])
    items = [Decimal(s) for s in re.findall(SCORE + r"([\d.]+) of [\d.]+ points", page)]
    total = re.search(r"Your score: ([\d.]+) of ([\d.]+) points\.", page)
    assert Decimal(total[1]) == sum(items)
    assert "0.67 of 2 points" in page  # one right tick of three, on a 2-point question


def test_a_zero_score_says_why(pages):
    _, found = pages
    assert "no answers file (responses.json) was found with this submission." in found["dee"]


def test_only_lines_of_the_practice_exams_two_forms_reach_the_feedback():
    from peer_course.grading.feedback import by_domain

    printed = ("Advocacy: 3 of 9 right.\n"
               "Advocacy: look again at Module 14: Advocacy and the recovery movement, Module 1: The peer role.\n"
               "Advocacy: key = b\n"  # anything else a test cell prints stays out
               "Advocacy: look again at b.\n"
               "Advocacy: 3 of 9 right. The key of am-k01 is b.\n"
               "px-exam: 3 of 75 points.\n")
    cell = {"outputs": [{"output_type": "stream", "name": "stdout", "text": printed}]}
    assert by_domain(cell) == ["Advocacy: 3 of 9 right.", "Advocacy: look again at Module 14: Advocacy and the "
                                                          "recovery movement, Module 1: The peer role."]
    spanish = {"outputs": [{"output_type": "stream", "name": "stdout",
                            "text": "Defensa de derechos: 3 de 9 correctas.\nAdvocacy: 3 of 9 right.\n"}]}
    assert by_domain(spanish, "es") == ["Defensa de derechos: 3 de 9 correctas."]  # the learner's language only
