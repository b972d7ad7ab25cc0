"""The practice exam in the learner app (issue 14): start a timed attempt, answer
in the browser, reload without losing anything, score it, and read the scores
per IC&RC domain with a study plan; start an attempt to hand in, drawn from
the graded checks, which the page never scores; the crosswalk page is
reachable from home."""

from __future__ import annotations

import json
import re

import pytest

from peer_widgets import exam
from peer_widgets.manifest import load_manifest

from .conftest import open_page, screenshot
from .test_accessibility import violations

pytestmark = pytest.mark.slow
PAGE = "practice-exam/practice-exam.ipynb"


def saved_attempt(server) -> dict:
    path = server.workspace / "practice-exam" / "responses.json"
    return json.loads(path.read_text(encoding="utf-8"))["items"][exam.RECORD]["value"]


def test_a_timed_attempt_is_answered_kept_across_a_reload_and_scored_by_domain(browser, course_server):
    context = browser.new_context()
    page = open_page(context, course_server, PAGE)
    page.get_by_label("Timer").select_option(label="90 minutes")
    page.get_by_role("button", name="Start the practice exam").click()
    page.locator(".peer-item").nth(exam.EXAM_SIZE - 1).wait_for(timeout=60_000)
    assert page.locator(".peer-item").count() == exam.EXAM_SIZE
    assert page.get_by_role("timer").inner_text().startswith("Time left: 1:2")  # 1:29:5x
    first = page.locator(".peer-item").first
    assert first.get_by_role("heading").inner_text().startswith(f"Question 1 of {exam.EXAM_SIZE}")
    assert first.get_by_role("button", name="Check my answer").count() == 0  # no feedback before scoring
    assert violations(page) == []  # the attempt, its timer and its 75 questions
    first.locator("input[type=radio]").nth(1).check()
    page.wait_for_function("() => !window.peerCourseUnsaved || !window.peerCourseUnsaved()", timeout=30_000)
    record = saved_attempt(course_server)
    assert len(record["items"]) == exam.EXAM_SIZE and len(record["answers"]) == 1
    page.close()

    page = open_page(context, course_server, PAGE)  # a reload: the same attempt, the answer still chosen
    page.locator(".peer-item").nth(exam.EXAM_SIZE - 1).wait_for(timeout=60_000)
    assert page.locator(".peer-item").first.locator("input[type=radio]:checked").count() == 1
    page.get_by_role("button", name="Score my practice exam").click()
    result = page.locator(".peer-exam-result")
    result.wait_for(timeout=60_000)
    text = result.inner_text()
    assert "Your scores, attempt 1" in text and f"of {exam.EXAM_SIZE} right" in text
    for domain in ("Advocacy", "Mentoring and education", "Recovery and wellness support", "Ethical responsibility"):
        assert domain in text
    assert result.get_by_role("link").count() >= 1  # the study plan points to modules
    screenshot(page, "practice-exam")
    assert violations(page) == []  # the scores and the study plan
    assert page.get_by_role("button", name="Start a new attempt").is_visible()
    assert saved_attempt(course_server)["finished"] is True
    context.close()


def test_an_attempt_to_hand_in_draws_graded_checks_and_is_not_scored_on_the_page(browser, course_server):
    context = browser.new_context()
    page = open_page(context, course_server, PAGE)
    questions = page.get_by_label("Questions")
    offered = [text.replace("\xa0", " ") for text in questions.locator("option").all_inner_texts()]
    assert offered == ["Practice here (scored right away)", "To hand in (scored by your trainer)"]
    assert violations(page) == []  # the start panel with both choices
    questions.select_option(label="To hand in (scored by your trainer)")
    # (after the test above, the page offers a new attempt; on its own, the first one)
    page.get_by_role("button", name=re.compile("^Start (a new attempt|the practice exam)$")).click()
    page.locator(".peer-item").nth(exam.EXAM_SIZE - 1).wait_for(timeout=60_000)
    record = saved_attempt(course_server)
    n = record["attempt"]
    assert record["source"] == exam.GRADED and record["answers"] == {}
    graded = {q.item.id for q in exam.graded_pool(load_manifest())}
    assert set(record["items"]) <= graded
    assert page.get_by_role("button", name="Score my practice exam").count() == 0
    page.locator(".peer-item").first.locator("input[type=radio]").nth(0).check()
    page.wait_for_function("() => !window.peerCourseUnsaved || !window.peerCourseUnsaved()", timeout=30_000)
    page.get_by_role("button", name="I have finished").click()
    result = page.locator(".peer-exam-result")
    result.wait_for(timeout=60_000)
    text = result.inner_text()
    assert f"Attempt {n} is ready to hand in" in text and "right" not in text and "%" not in text
    record = saved_attempt(course_server)
    assert record["finished"] is True and len(record["answers"]) == 1
    assert record["history"][-1] == {"attempt": n, "source": exam.GRADED}
    assert violations(page) == []
    context.close()


def test_the_crosswalk_is_linked_from_home_and_lists_every_framework(browser, course_server):
    context = browser.new_context()
    home = open_page(context, course_server, "home.ipynb")
    home.get_by_role("link", name="How this course maps to peer certification").click()
    home.wait_for_load_state("networkidle", timeout=120_000)
    home.get_by_role("heading", name="How this course maps to peer certification").wait_for(timeout=60_000)
    for name in ("California Medi-Cal Peer Support Specialist core competencies", "IC&RC Peer Recovery domains"):
        assert home.get_by_role("table", name=name).count() == 1
    assert home.get_by_role("row", name="Digital literacy").count() >= 1
    screenshot(home, "crosswalk")
    context.close()
