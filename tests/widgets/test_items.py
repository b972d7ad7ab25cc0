"""Each widget type driven the way the front end drives it: a comm message
that sets a control's state. Answers are saved at once, feedback explains
why, rebuilding shows the saved answer, and learner text stays text."""

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


def build(bank, item_id):
    return make_widget(bank[item_id], ResponseStore.for_folder(), private_store())


def test_single_choice_saves_and_explains(bank, notebook_dir):
    widget = build(bank, "s-single")
    assert widget.value is None
    assert not (notebook_dir / FILE_NAME).exists()  # building never writes
    widget.choice.set_state({"index": 0})
    assert saved(notebook_dir)["s-single"]["value"] == "a"
    assert "Not quite." in widget.feedback.value
    assert "Advice about the past can feel like blame." in widget.feedback.value
    widget.choice.set_state({"index": 1})
    assert saved(notebook_dir)["s-single"]["value"] == "b"
    assert saved(notebook_dir)["s-single"]["attempts"] == 2
    assert "\u2714 That&#x27;s right." in widget.feedback.value
    assert "Listening first keeps the choice with Maya." in widget.feedback.value


def test_single_choice_is_labelled_and_keyboard_native(bank, notebook_dir):
    widget = build(bank, "s-single")
    # RadioButtons are native radio inputs (arrow keys move, space selects).
    assert type(widget.choice).__name__ == "RadioButtons"
    assert widget.choice.description == "Your answer"
    header = widget.children[0].value
    assert "Maya tells you she missed her appointment again." in header
    assert "Competency: II. Provides support" in header


def test_rebuilding_shows_saved_answer_without_writing(bank, notebook_dir):
    build(bank, "s-single").choice.set_state({"index": 2})
    before = (notebook_dir / FILE_NAME).read_bytes()
    again = build(bank, "s-single")
    assert again.value == "c"
    assert again.choice.value == "c"
    assert "Acting for her" in again.feedback.value
    assert (notebook_dir / FILE_NAME).read_bytes() == before


def test_multiple_select_partial_feedback_on_check(bank, notebook_dir):
    widget = build(bank, "s-multi")
    widget.boxes[0].set_state({"value": True})
    widget.boxes[1].set_state({"value": True})
    assert saved(notebook_dir)["s-multi"]["value"] == ["a", "b"]
    assert widget.feedback.value == ""  # feedback waits for "Check my answer"
    widget.check.click()
    assert "Partly right." in widget.feedback.value
    assert "You ticked: \u201ca bipolar\u201d. Reduces the person to a diagnosis." in widget.feedback.value
    assert "You left unticked: \u201ca person in recovery\u201d." in widget.feedback.value
    widget.boxes[1].set_state({"value": False})
    widget.boxes[2].set_state({"value": True})
    assert saved(notebook_dir)["s-multi"]["value"] == ["a", "c"]
    assert "That&#x27;s right." in widget.feedback.value


def index_of(picker, choice_id):
    return [value for _label, value in picker.options].index(choice_id)


def test_matching_saves_each_pick_and_explains_when_complete(bank, notebook_dir):
    widget = build(bank, "s-match")
    assert [p.description for p in widget.pickers] == ["addict", "non-compliant"]
    # choices are shuffled the same way every time, so position gives nothing away
    orders = {tuple(v for _l, v in p.options) for p in widget.pickers}
    assert orders == {tuple(v for _l, v in build(bank, "s-match").pickers[0].options)}
    assert sorted(orders.pop()[1:]) == ["c1", "c2", "c3"]
    widget.pickers[0].set_state({"index": index_of(widget.pickers[0], "c1")})
    assert saved(notebook_dir)["s-match"]["value"] == {"t1": "c1"}
    assert widget.feedback.value == ""
    widget.pickers[1].set_state({"index": index_of(widget.pickers[1], "c3")})
    assert saved(notebook_dir)["s-match"]["value"] == {"t1": "c1", "t2": "c3"}
    assert "Partly right." in widget.feedback.value
    assert "\u2716 \u201cnon-compliant\u201d: Describes a choice without judging it." in widget.feedback.value


def test_competency_rating_asks_for_required_comment(bank, notebook_dir):
    widget = build(bank, "s-rate")
    assert [label for label, _ in widget.rating.options] == [
        "Advanced", "Proficient", "Developing", "Not Enough Information", "Not Applicable"]
    widget.rating.set_state({"index": 2})
    assert saved(notebook_dir)["s-rate"]["value"] == {"rating": "developing", "comment": ""}
    assert "Please add a comment: the Developing rating needs one" in widget.feedback.value
    widget.comment.set_state({"value": "I am still learning to plan with people."})
    assert saved(notebook_dir)["s-rate"]["value"]["comment"] == "I am still learning to plan with people."
    assert widget.feedback.value == ""
    widget.rating.set_state({"index": 0})
    assert saved(notebook_dir)["s-rate"]["value"]["rating"] == "advanced"


def test_agreement_scale(bank, notebook_dir):
    widget = build(bank, "s-agree")
    assert [value for _, value in widget.rating.options] == [
        "strongly-agree", "agree", "neutral", "disagree", "strongly-disagree"]
    widget.rating.set_state({"index": 4})
    assert saved(notebook_dir)["s-agree"]["value"] == {"rating": "strongly-disagree", "comment": ""}
    assert widget.feedback.value == ""  # no comment rule on this scale


def test_reflection_is_private_by_default(bank, notebook_dir, tmp_path):
    widget = build(bank, "s-reflect")
    assert widget.share.value is False
    story = "When I left prison, a peer met me at the bus stop."
    widget.text.set_state({"value": story})
    record = saved(notebook_dir)["s-reflect"]["value"]
    assert record == {"shared": False, "completed": True, "words": 12}
    assert story not in (notebook_dir / FILE_NAME).read_text(encoding="utf-8")
    private = private_store()
    assert private.value("s-reflect") == {"text": story}
    # reopening shows the private draft again
    again = build(bank, "s-reflect")
    assert again.text.value == story
    assert again.share.value is False


def test_plain_text_output_holds_no_answer(bank, notebook_dir):
    """A notebook saved with outputs keeps each widget's text/plain repr."""
    widget = build(bank, "s-reflect")
    widget.text.set_state({"value": "my private story"})
    assert repr(widget) == "Reflection(item='s-reflect')"
    rating = build(bank, "s-rate")
    rating.rating.set_state({"index": 2})
    assert repr(rating) == "RatingScale(item='s-rate')"


def test_sharing_adds_text_and_unsharing_removes_it(bank, notebook_dir):
    widget = build(bank, "s-reflect")
    widget.text.set_state({"value": "Hope came from a friend."})
    widget.share.set_state({"value": True})
    assert saved(notebook_dir)["s-reflect"]["value"]["text"] == "Hope came from a friend."
    widget.share.set_state({"value": False})
    assert "text" not in saved(notebook_dir)["s-reflect"]["value"]
    assert "Hope came from a friend." not in (notebook_dir / FILE_NAME).read_text(encoding="utf-8")


def test_skipping_a_reflection_is_recorded(bank, notebook_dir):
    widget = build(bank, "s-reflect")
    widget.skip.set_state({"value": True})
    assert saved(notebook_dir)["s-reflect"]["value"] == {"skipped": True}


def test_learner_text_is_never_html(bank, notebook_dir):
    widget = build(bank, "s-rate")
    widget.rating.set_state({"index": 2})
    widget.comment.set_state({"value": "<script>alert(1)</script>"})
    widget.comment.set_state({"value": ""})
    for child in widget.children:
        assert "<script>" not in str(getattr(child, "value", ""))
    reflection = build(bank, "s-reflect")
    reflection.text.set_state({"value": "<img src=x onerror=alert(1)>"})
    html_values = [c.value for c in reflection.children if type(c).__name__ == "HTML"]
    assert all("<img" not in value for value in html_values)


def test_invalid_saved_value_is_kept_and_reported(bank, notebook_dir):
    (notebook_dir / FILE_NAME).write_text(json.dumps({"schema_version": 1, "items": {
        "s-single": {"value": "zzz", "answered_at": "2026-01-01T00:00:00Z", "attempts": 1}}}))
    widget = build(bank, "s-single")
    assert widget.value is None
    assert "could not be shown" in widget.status.value
    assert saved(notebook_dir)["s-single"]["value"] == "zzz"


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
    assert page.widgets["s-single"] is shown[0]
    assert "no item &#x27;no-such-item&#x27; in this bank" in shown[1].value


def test_save_failure_is_shown_not_raised(bank, notebook_dir, monkeypatch):
    widget = build(bank, "s-single")
    monkeypatch.setattr("os.replace", lambda *a: (_ for _ in ()).throw(OSError("disk full")))
    widget.choice.set_state({"index": 1})
    assert "could not be saved (disk full)" in widget.status.value
