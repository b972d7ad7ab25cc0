"""Each kind of question driven the way the browser drives it: a comm
message that sets ``answer`` (the controls' state), and a "check" message.
Answers are saved at once; feedback appears only on a check and explains
why; only checks count as attempts; rebuilding shows the saved answer; the
browser is never sent a key; learner text stays text."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from peer_widgets import Page, ResponseStore, load_bank, make_widget
from peer_widgets.store import FILE_NAME, private_store

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "sample-bank.yaml"
pytestmark = pytest.mark.usefixtures("no_kernel")


@pytest.fixture
def bank():
    return load_bank(FIXTURE)


def saved(folder: Path) -> dict:
    return json.loads((folder / FILE_NAME).read_text(encoding="utf-8"))["items"]


def build(bank, item_id, **options):
    return make_widget(bank[item_id], ResponseStore.for_folder(), private_store(), **options)


def browser_sends(widget, answer) -> None:
    """What peer.js sends when a control changes: the answer and its revision."""
    widget._handle_msg({"content": {"data": {"method": "update", "state": {
        "answer": answer, "revision": widget.revision + 1}, "buffer_paths": []}}, "buffers": []})


def press_check(widget, answer=...) -> None:
    """What peer.js sends when "Check my answer" is pressed: a request carrying
    the answer on screen (by default, the last one the kernel has)."""
    shown = widget.answer if answer is ... else answer
    serial = (widget.check_request or {}).get("serial", 0) + 1
    widget._handle_msg({"content": {"data": {"method": "update", "state": {
        "check_request": {"serial": serial, "answer": shown}}, "buffer_paths": []}}, "buffers": []})


def test_single_choice_saves_at_once_and_explains_only_on_check(bank, notebook_dir):
    widget = build(bank, "s-single")
    assert widget.value is None
    assert not (notebook_dir / FILE_NAME).exists()  # building never writes
    browser_sends(widget, "a")
    assert saved(notebook_dir)["s-single"]["value"] == "a"
    assert widget.saved_revision == widget.revision == 1
    assert widget.status == {"text": "Saved.", "tone": "saved", "announce": True}
    assert widget.feedback == {}  # choosing (or arrowing through options) reveals nothing
    press_check(widget)
    assert widget.feedback["heading"] == "\u2716 Not quite."
    assert widget.feedback["parts"] == ["Advice about the past can feel like blame."]
    browser_sends(widget, "b")
    assert widget.feedback == {}  # feedback about "a" is gone once the answer changes
    press_check(widget)
    record = saved(notebook_dir)["s-single"]
    assert record["value"] == "b" and record["attempts"] == 2 and record["checked"] is True
    assert widget.feedback["verdict"] == "correct"
    assert widget.feedback["parts"] == ["Listening first keeps the choice with Maya."]


def test_changing_answers_without_checking_is_not_an_attempt(bank, notebook_dir):
    widget = build(bank, "s-single")
    for option in ("a", "b", "c", "b"):
        browser_sends(widget, option)
    assert saved(notebook_dir)["s-single"]["attempts"] == 0
    assert "checked" not in saved(notebook_dir)["s-single"]


def test_a_check_is_of_the_answer_on_screen_even_if_its_change_comes_late(bank, notebook_dir):
    """The browser holds back state changes while the kernel is busy; a check
    must not be made against an older answer, nor undone when the held-back
    change arrives."""
    widget = build(bank, "s-single")
    browser_sends(widget, "a")
    press_check(widget, answer="b")  # "b" was chosen; its own change has not arrived yet
    assert saved(notebook_dir)["s-single"]["value"] == "b"
    assert widget.feedback["verdict"] == "correct"
    browser_sends(widget, "b")  # the held-back change arrives
    assert widget.checked and widget.feedback["verdict"] == "correct"
    assert saved(notebook_dir)["s-single"]["attempts"] == 1


def test_checking_with_no_answer_asks_for_one(bank, notebook_dir):
    widget = build(bank, "s-single")
    press_check(widget)
    assert widget.feedback == {"notice": "Choose an answer first, then check it."}
    assert not (notebook_dir / FILE_NAME).exists()


def test_the_browser_gets_the_question_never_the_key_or_feedback(bank, notebook_dir):
    for item_id in bank.ids:
        spec = json.dumps(build(bank, item_id, number=2, total=6).spec)
        item = bank[item_id]
        for option in list(item.options) + list(item.terms):
            if option.feedback:
                assert option.feedback not in spec
        assert '"key"' not in spec
    spec = build(bank, "s-single", number=2, total=6).spec
    assert spec["heading"] == "Question 2 of 6"
    assert spec["prompt"] == "What is a supportive first response?"
    assert spec["scenario"] == "Maya tells you she missed her appointment again."
    assert spec["category"] == "Competency: II. Provides support"
    assert sorted(o["id"] for o in spec["options"]) == ["a", "b", "c"]
    assert spec["checkable"] is True


def test_options_are_in_each_learners_own_stable_order(notebook_dir, monkeypatch):
    """Neither the file's order nor a place on the screen gives an answer away:
    each learner sees their own order, the same on every load and device."""
    from peer_widgets.content import assessments_dir

    bank = load_bank(assessments_dir() / "peer-role-check" / "items.yaml")
    choices = [item for item in bank if item.type in ("single_choice", "multiple_select")]

    def orders(learner):
        monkeypatch.setenv("JUPYTERHUB_USER", learner)
        return [[o["id"] for o in build(bank, item.id).spec["options"]] for item in choices]

    ana = orders("ana")
    assert orders("ana") == ana  # a reload (or another device: same account) shows the same order
    assert orders("ben") != ana
    in_file_order = [o == [x.id for x in item.options] for o, item in zip(ana, choices)]
    assert sum(in_file_order) < len(choices) / 2
    first_places = {order[0] for order in ana}
    assert len(first_places) > 2  # not always the same option first
    matchings = [item for item in bank if item.type == "matching"]

    def choice_orders(learner):
        monkeypatch.setenv("JUPYTERHUB_USER", learner)
        return [[c["id"] for c in build(bank, item.id).spec["choices"]] for item in matchings]

    assert choice_orders("ana") == choice_orders("ana") != choice_orders("ben")


def test_rebuilding_shows_saved_answer_and_its_feedback_only_if_checked(bank, notebook_dir):
    widget = build(bank, "s-single")
    browser_sends(widget, "c")
    before = (notebook_dir / FILE_NAME).read_bytes()
    again = build(bank, "s-single")
    assert again.value == "c" and again.answer == "c"
    assert again.feedback == {}  # never checked: no feedback after a reload
    assert (notebook_dir / FILE_NAME).read_bytes() == before
    press_check(again)
    third = build(bank, "s-single")
    assert third.checked and "Acting for her" in third.feedback["parts"][0]


def test_multiple_select_partial_feedback_on_check(bank, notebook_dir):
    widget = build(bank, "s-multi")
    browser_sends(widget, ["b", "a"])
    assert saved(notebook_dir)["s-multi"]["value"] == ["a", "b"]
    assert widget.feedback == {}  # feedback waits for "Check my answer"
    assert build(bank, "s-multi").feedback == {}  # and a reload does not show it either
    press_check(widget)
    assert widget.feedback["heading"] == "\u25d1 Partly right."
    assert "You ticked: \u201ca bipolar\u201d. Reduces the person to a diagnosis." in widget.feedback["parts"]
    assert ("You left unticked: \u201ca person in recovery\u201d. Names the person and their journey."
            in widget.feedback["parts"])
    browser_sends(widget, ["a", "c"])
    press_check(widget)
    assert saved(notebook_dir)["s-multi"]["value"] == ["a", "c"]
    assert widget.feedback["verdict"] == "correct"


def test_matching_saves_each_pick_and_explains_on_check(bank, notebook_dir):
    widget = build(bank, "s-match")
    assert [t["text"] for t in widget.spec["terms"]] == ["addict", "non-compliant"]
    # choices are shuffled the same way every time for a learner, so position gives nothing away
    order = [c["id"] for c in widget.spec["choices"]]
    assert order == [c["id"] for c in build(bank, "s-match").spec["choices"]]
    assert sorted(order) == ["c1", "c2", "c3"]
    assert widget.spec["strings"]["choose"] == "Choose\u2026"
    browser_sends(widget, {"t1": "c1"})
    assert saved(notebook_dir)["s-match"]["value"] == {"t1": "c1"}
    press_check(widget)
    assert widget.feedback == {"notice": "Answer every part, then check again."}
    browser_sends(widget, {"t1": "c1", "t2": "c3"})
    assert saved(notebook_dir)["s-match"]["value"] == {"t1": "c1", "t2": "c3"}
    press_check(widget)
    assert widget.feedback["heading"] == "\u25d1 Partly right."
    assert "\u2716 \u201cnon-compliant\u201d: Describes a choice without judging it." in widget.feedback["parts"]


def test_competency_rating_asks_for_required_comment(bank, notebook_dir):
    widget = build(bank, "s-rate")
    assert [level["label"] for level in widget.spec["levels"]] == [
        "Advanced", "Proficient", "Developing", "Not Enough Information", "Not Applicable"]
    assert widget.spec["checkable"] is False
    browser_sends(widget, {"rating": "developing", "comment": ""})
    assert saved(notebook_dir)["s-rate"]["value"] == {"rating": "developing", "comment": ""}
    assert widget.feedback["notice"].startswith("Please add a comment: the Developing rating needs one")
    browser_sends(widget, {"rating": "developing", "comment": "I am still learning to plan with people."})
    assert saved(notebook_dir)["s-rate"]["value"]["comment"] == "I am still learning to plan with people."
    assert widget.feedback == {}
    assert widget.status["announce"] is False  # typing a comment is saved quietly
    browser_sends(widget, {"rating": "advanced", "comment": "I am still learning to plan with people."})
    assert saved(notebook_dir)["s-rate"]["value"]["rating"] == "advanced"
    assert widget.status["announce"] is True


def test_agreement_scale(bank, notebook_dir):
    widget = build(bank, "s-agree")
    assert [level["id"] for level in widget.spec["levels"]] == [
        "strongly-agree", "agree", "neutral", "disagree", "strongly-disagree"]
    browser_sends(widget, {"rating": "strongly-disagree", "comment": ""})
    assert saved(notebook_dir)["s-agree"]["value"] == {"rating": "strongly-disagree", "comment": ""}
    assert widget.feedback == {}  # no comment rule on this scale


def test_reflection_is_private_by_default(bank, notebook_dir, tmp_path):
    widget = build(bank, "s-reflect")
    assert widget.answer == {"text": "", "share": False, "skip": False}
    story = "When I left prison, a peer met me at the bus stop."
    browser_sends(widget, {"text": story, "share": False, "skip": False})
    record = saved(notebook_dir)["s-reflect"]["value"]
    assert record == {"shared": False, "completed": True, "words": 12}
    assert story not in (notebook_dir / FILE_NAME).read_text(encoding="utf-8")
    assert private_store().value("s-reflect") == {"text": story}
    assert widget.status["text"] == "Saved privately."
    # reopening shows the private draft again
    again = build(bank, "s-reflect")
    assert again.answer == {"text": story, "share": False, "skip": False}


def test_reflection_text_is_kept_at_every_pause_in_typing(bank, notebook_dir):
    """peer.js sends the text after a short pause, not only when the box
    loses focus: every draft sent is in the private store at once."""
    widget = build(bank, "s-reflect")
    for draft in ("When I", "When I left", "When I left prison"):
        browser_sends(widget, {"text": draft, "share": False, "skip": False})
        assert private_store().value("s-reflect") == {"text": draft}
        assert widget.saved_revision == widget.revision  # the browser may stop warning
    assert widget.status["announce"] is False


def test_plain_text_output_holds_no_answer(bank, notebook_dir):
    """A notebook saved with outputs keeps each widget's text/plain repr."""
    widget = build(bank, "s-reflect")
    browser_sends(widget, {"text": "my private story", "share": False, "skip": False})
    assert repr(widget) == "Reflection(item='s-reflect')"
    rating = build(bank, "s-rate")
    browser_sends(rating, {"rating": "developing", "comment": "x"})
    assert repr(rating) == "RatingScale(item='s-rate')"


def test_sharing_adds_text_and_unsharing_removes_it(bank, notebook_dir):
    widget = build(bank, "s-reflect")
    browser_sends(widget, {"text": "Hope came from a friend.", "share": False, "skip": False})
    browser_sends(widget, {"text": "Hope came from a friend.", "share": True, "skip": False})
    assert saved(notebook_dir)["s-reflect"]["value"]["text"] == "Hope came from a friend."
    assert widget.status["text"] == "Saved."
    browser_sends(widget, {"text": "Hope came from a friend.", "share": False, "skip": False})
    assert "text" not in saved(notebook_dir)["s-reflect"]["value"]
    assert "Hope came from a friend." not in (notebook_dir / FILE_NAME).read_text(encoding="utf-8")


def test_skipping_a_reflection_is_recorded(bank, notebook_dir):
    widget = build(bank, "s-reflect")
    browser_sends(widget, {"text": "", "share": False, "skip": True})
    assert saved(notebook_dir)["s-reflect"]["value"] == {"skipped": True}


def test_learner_text_is_never_html(bank, notebook_dir):
    """peer.js sets every text with textContent; the kernel never turns
    learner text into markup either."""
    widget = build(bank, "s-rate")
    browser_sends(widget, {"rating": "developing", "comment": "<script>alert(1)</script>"})
    assert "<script>" not in json.dumps([widget.feedback, widget.status, widget.spec])
    script = (Path(__file__).resolve().parents[2] / "widgets" / "controls" / "static" / "peer.js").read_text()
    assert "innerHTML" not in script and "insertAdjacentHTML" not in script and "outerHTML" not in script


@pytest.mark.parametrize("answer", [42, "zzz", ["a", "zzz"], {"t1": 3}, {"rating": "great"}, [[[]]]])
def test_a_forged_answer_is_refused_with_a_message(bank, notebook_dir, answer):
    for item_id in ("s-single", "s-multi", "s-match", "s-rate"):
        widget = build(bank, item_id)
        browser_sends(widget, answer)
        assert widget.status["tone"] == "error"
        assert widget.saved_revision < widget.revision  # the browser keeps warning: nothing was saved
    assert not (notebook_dir / FILE_NAME).exists()


def test_invalid_saved_value_is_kept_and_reported(bank, notebook_dir):
    (notebook_dir / FILE_NAME).write_text(json.dumps({"schema_version": 1, "items": {
        "s-single": {"value": "zzz", "answered_at": "2026-01-01T00:00:00Z", "attempts": 1}}}))
    widget = build(bank, "s-single")
    assert widget.value is None
    assert "could not be shown" in widget.status["text"]
    assert saved(notebook_dir)["s-single"]["value"] == "zzz"


def test_page_numbers_questions_and_counts_answers(notebook_dir, monkeypatch):
    shown = []
    monkeypatch.setattr(Page, "_display", staticmethod(shown.append))
    (notebook_dir / "items.yaml").write_text(FIXTURE.read_text(encoding="utf-8"), encoding="utf-8")
    page = Page("items.yaml")
    # a page with no language of its own starts with the language switch, then the count
    assert page.switch.widget is shown[0] and page.progress is shown[1]
    assert page.progress.text == "0 of 6 questions answered"
    page.show("s-match", "s-reflect")
    assert page.widgets["s-match"].spec["heading"] == "Question 3 of 6"
    browser_sends(page.widgets["s-match"], {"t1": "c2"})
    assert page.progress.text == "1 of 6 questions answered"
    browser_sends(page.widgets["s-reflect"], {"text": "", "share": False, "skip": True})
    assert page.progress.text == "2 of 6 questions answered"


def test_page_reports_bad_bank_without_raising(notebook_dir, monkeypatch):
    shown = []
    monkeypatch.setattr(Page, "_display", staticmethod(shown.append))
    (notebook_dir / "items.yaml").write_text("schema_version: 1\nid: x\n", encoding="utf-8")
    page = Page("items.yaml")
    assert page.error.endswith("items.yaml: field 'title': this field is required")
    page.show("anything")
    assert "question file has a problem" in shown[-1].value


def test_page_reports_unknown_item(notebook_dir, monkeypatch):
    shown = []
    monkeypatch.setattr(Page, "_display", staticmethod(shown.append))
    (notebook_dir / "items.yaml").write_text(FIXTURE.read_text(encoding="utf-8"), encoding="utf-8")
    page = Page("items.yaml")
    page.show("s-single", "no-such-item")
    assert page.widgets["s-single"] is shown[-2]
    assert "no item &#x27;no-such-item&#x27; in this bank" in shown[-1].value


def test_save_failure_is_shown_not_raised(bank, notebook_dir, monkeypatch):
    widget = build(bank, "s-single")
    monkeypatch.setattr("os.replace", lambda *a: (_ for _ in ()).throw(OSError("disk full")))
    browser_sends(widget, "b")
    assert "could not be saved (disk full)" in widget.status["text"]
    assert widget.saved_revision < widget.revision


def test_a_page_of_62_ratings_is_62_small_models_and_one_layout(notebook_dir, monkeypatch):
    """The cause of "model not found" under load: the browser asks the kernel
    for every model's state and gives up after 4 seconds. A question is one
    model now (all share one layout model), and each carries only a stub of
    the course's browser code, which comes once per page."""
    import itertools

    import comm

    from peer_widgets.bank import load_bank as load
    from peer_widgets.content import assessments_dir

    opened = []
    ids = itertools.count()

    class CountedComm:
        def __init__(self, **kwargs):
            self.comm_id = f"comm-{next(ids)}"
            self.kernel = "Truthy"
            opened.append(kwargs.get("data", {}).get("state", {}))

        def on_msg(self, *args):
            pass

        def send(self, *args, **kwargs):
            pass

        def close(self, *args, **kwargs):
            pass

    monkeypatch.setattr(comm, "create_comm", CountedComm)
    bank = load(assessments_dir() / "core-competencies-self-assessment" / "items.yaml")
    store = ResponseStore.for_folder()
    widgets = [make_widget(bank[item_id], store, private_store()) for item_id in bank.ids]
    assert len(bank.ids) >= 62
    assert len(opened) <= len(bank.ids) + 1  # the questions and one shared layout
    states = [json.dumps(widget.get_state(), default=str) for widget in widgets]
    assert max(len(state) for state in states) < 2_500
    assert sum(len(state) for state in states) < 120_000


def test_a_page_built_ahead_shows_the_answers_saved_when_its_request_arrives(bank, notebook_dir, monkeypatch):
    """A preheated lesson is built before the learner asks for it; when the
    request arrives, each question shows the answer saved at that moment, and
    showing it saves nothing."""
    import threading

    from peer_widgets.pages import request

    arrived = threading.Event()
    monkeypatch.setenv(request.PREHEAT_ENV, "True")
    monkeypatch.setattr(request, "_arrived", False)
    monkeypatch.setattr(request, "wait_for_request", arrived.wait)
    (notebook_dir / "bank.yaml").write_text(FIXTURE.read_text(encoding="utf-8"), encoding="utf-8")
    page = Page("bank.yaml")
    widget = page.widget("s-single")
    assert widget.value is None
    ResponseStore.for_folder().save("s-single", "b")  # answered in another tab after the page was built
    before = saved(notebook_dir)["s-single"]
    arrived.set()
    for _ in range(100):
        if widget.value == "b":
            break
        threading.Event().wait(0.02)
    assert widget.value == "b" and widget.answer == "b"
    assert page.progress.answered == 1
    assert saved(notebook_dir)["s-single"] == before  # shown, not saved again
