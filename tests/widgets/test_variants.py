"""Item variants: one version per learner, recorded with the answer, graded by that version.

A graded knowledge item can have parallel versions (another scenario, the
same competency and entry ids). A learner sees one, chosen for them and the
same on every load; the answers file records which; grading scores the
answer against that version's key, never another's.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from peer_widgets import ResponseStore, load_bank, make_widget
from peer_widgets import grading
from peer_widgets.bank import ItemBankError
from peer_widgets.controls.base import learner_version
from peer_widgets.store import FILE_NAME, private_store

BANK = {
    "schema_version": 1, "id": "check", "title": "Check", "mode": "graded",
    "items": [
        {"id": "k1", "type": "single_choice", "category": "support", "points": 1,
         "scenario": "Ana is new to the program.", "prompt": "What helps Ana most?",
         "options": [{"id": "a", "text": "A"}, {"id": "b", "text": "B"}, {"id": "c", "text": "C"}],
         "variants": [{"id": "v2", "scenario": "Luis just left the hospital.", "prompt": "What helps Luis most?",
                       "options": [{"id": "c", "text": "C2"}, {"id": "a", "text": "A2"}, {"id": "b", "text": "B2"}]}]},
        {"id": "k2", "type": "matching", "category": "support", "points": 2, "prompt": "Match them.",
         "terms": [{"id": "t1", "text": "T1"}, {"id": "t2", "text": "T2"}],
         "choices": [{"id": "c1", "text": "C1"}, {"id": "c2", "text": "C2"}],
         "variants": [{"id": "v2", "prompt": "Match these others.",
                       "terms": [{"id": "t1", "text": "U1"}, {"id": "t2", "text": "U2"}],
                       "choices": [{"id": "c1", "text": "D1"}, {"id": "c2", "text": "D2"}]}]},
    ],
}
#: What the hidden tests hold: each version's own key.
KEYS = {"k1": ("b", {"v2": {"key": "c", "rationale": "Module 1, 'x': why v2's key is right."}}),
        "k2": ({"t1": "c1", "t2": "c2"}, {"v2": {"key": {"t1": "c2", "t2": "c1"}, "rationale": "Module 1, 'x': y."}})}


def write_bank(folder: Path, data: dict = BANK) -> Path:
    path = folder / "items.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


def write_answers(folder: Path, **records) -> None:
    items = {item_id: {"answered_at": "2026-11-25T10:00:00Z", "attempts": 0, **record}
             for item_id, record in records.items()}
    (folder / FILE_NAME).write_text(json.dumps({"schema_version": 1, "items": items}), encoding="utf-8")


def score(item_id: str, capsys=None) -> float:
    key, variants = KEYS[item_id]
    scorer = grading.score_single if item_id == "k1" else grading.score_matching
    points = 1 if item_id == "k1" else 2
    return scorer(item_id, key=key, points=points, rationale="Module 1, 'x': v1.", variants=variants)


# -- the bank ---------------------------------------------------------------

def test_a_version_has_its_own_text_and_the_item_s_id_kind_and_points(tmp_path):
    item = load_bank(write_bank(tmp_path))["k1"]
    other = item.as_variant("v2")
    assert item.variant_ids == ("v1", "v2")
    assert (other.id, other.type, other.points, other.category) == ("k1", "single_choice", 1.0, "support")
    assert (other.scenario, other.prompt, other.option("c").text) == ("Luis just left the hospital.",
                                                                     "What helps Luis most?", "C2")
    assert item.as_variant(None) is item and item.as_variant("v1") is item
    with pytest.raises(KeyError):
        item.as_variant("v7")


@pytest.mark.parametrize("change, field", [
    (lambda v: v.__setitem__("key", "c"), "variants.v2.key"),
    (lambda v: v.__setitem__("rationale", "Module 1, 'x': y."), "variants.v2.rationale"),
    (lambda v: v["options"][0].__setitem__("feedback", "Right!"), "variants.v2.options.c.feedback"),
    (lambda v: v["options"][0].__setitem__("id", "d"), "variants.v2.options"),
    (lambda v: v.pop("scenario"), "variants.v2.scenario"),
])
def test_a_released_version_holds_nothing_that_gives_an_answer_away_and_keeps_the_entry_ids(tmp_path, change, field):
    data = json.loads(json.dumps(BANK))
    change(data["items"][0]["variants"][0])
    with pytest.raises(ItemBankError) as error:
        load_bank(write_bank(tmp_path, data))
    assert error.value.item_id == "k1" and error.value.field == field, str(error.value)


def test_lesson_checks_have_no_versions(tmp_path):
    data = json.loads(json.dumps(BANK))
    data["mode"] = "formative"
    with pytest.raises(ItemBankError, match="only graded assessments have variants"):
        load_bank(write_bank(tmp_path, data))


def test_a_draft_needs_every_version_s_key(tmp_path):
    data = json.loads(json.dumps(BANK))
    data["items"][0]["key"] = "b"
    data["items"][1]["key"] = {"t1": "c1", "t2": "c2"}
    data["items"][1]["variants"][0]["key"] = {"t1": "c2", "t2": "c1"}
    with pytest.raises(ItemBankError) as error:
        load_bank(write_bank(tmp_path, data), draft=True)
    assert error.value.field == "variants.v2.key"
    data["items"][0]["variants"][0]["key"] = "z"
    with pytest.raises(ItemBankError) as error:
        load_bank(write_bank(tmp_path, data), draft=True)
    assert error.value.field == "variants.v2.key"
    data["items"][0]["variants"][0]["key"] = "c"
    assert load_bank(write_bank(tmp_path, data), draft=True)["k1"].as_variant("v2").key == "c"


# -- which version a learner sees --------------------------------------------

def test_each_learner_sees_one_version_the_same_every_time_and_learners_differ(tmp_path, monkeypatch):
    item = load_bank(write_bank(tmp_path))["k1"]
    seen = {}
    for n in range(40):
        monkeypatch.setenv("PEER_COURSE_LEARNER", f"learner-{n}")
        seen[n] = learner_version(item).variant
        assert learner_version(item).variant == seen[n]  # the same on every load
    assert set(seen.values()) == {"v1", "v2"}
    assert 10 <= list(seen.values()).count("v2") <= 30


def test_an_answer_keeps_the_version_it_was_given_to(tmp_path, monkeypatch):
    item = load_bank(write_bank(tmp_path))["k1"]
    learner = next(f"learner-{n}" for n in range(100)
                   if monkeypatch.setenv("PEER_COURSE_LEARNER", f"learner-{n}") or learner_version(item).variant == "v2")
    monkeypatch.setenv("PEER_COURSE_LEARNER", learner)
    # saved before the item had versions (no variant recorded): that was the first version
    assert learner_version(item, {"value": "b"}).variant == "v1"
    assert learner_version(item, {"value": "b", "variant": "v2"}).variant == "v2"
    # a version the bank no longer has: the learner is shown their own and answers again
    assert learner_version(item, {"value": "b", "variant": "v9"}).variant == "v2"


def test_the_widget_shows_the_learner_s_version_and_saves_it_with_the_answer(notebook_dir, monkeypatch):
    bank = load_bank(write_bank(notebook_dir))
    for n in range(100):
        monkeypatch.setenv("PEER_COURSE_LEARNER", f"learner-{n}")
        if learner_version(bank["k1"]).variant == "v2":
            break
    widget = make_widget(bank["k1"], ResponseStore.for_folder(), private_store())
    assert widget.spec["scenario"] == "Luis just left the hospital."
    assert {o["text"] for o in widget.spec["options"]} == {"A2", "B2", "C2"}
    widget.answer = "c"
    saved = json.loads((ResponseStore.for_folder().path).read_text(encoding="utf-8"))["items"]["k1"]
    assert saved["value"] == "c" and saved["variant"] == "v2"
    # after a reload the same version and answer come back
    again = make_widget(bank["k1"], ResponseStore.for_folder(), private_store())
    assert again.spec["scenario"] == "Luis just left the hospital." and again.value == "c"


def test_items_without_versions_record_none(notebook_dir):
    data = json.loads(json.dumps(BANK))
    for item in data["items"]:
        item.pop("variants")
    bank = load_bank(write_bank(notebook_dir, data))
    widget = make_widget(bank["k1"], ResponseStore.for_folder(), private_store())
    widget.answer = "a"
    saved = json.loads(ResponseStore.for_folder().path.read_text(encoding="utf-8"))["items"]["k1"]
    assert "variant" not in saved


# -- grading ------------------------------------------------------------------

def test_grading_uses_the_key_of_the_version_answered(notebook_dir):
    write_bank(notebook_dir)
    write_answers(notebook_dir, k1={"value": "c", "variant": "v2"}, k2={"value": {"t1": "c2", "t2": "c1"},
                                                                      "variant": "v2"})
    assert score("k1") == 1.0 and score("k2") == 2.0
    # the first version's key earns nothing on the second version
    write_answers(notebook_dir, k1={"value": "b", "variant": "v2"}, k2={"value": {"t1": "c1", "t2": "c2"},
                                                                      "variant": "v2"})
    assert score("k1") == 0.0 and score("k2") == 0.0
    # no version recorded: the first version, graded by its own key
    write_answers(notebook_dir, k1={"value": "b"}, k2={"value": {"t1": "c1", "t2": "c2"}, "variant": "v1"})
    assert score("k1") == 1.0 and score("k2") == 2.0


def test_a_forged_or_unkeyed_version_earns_nothing_and_says_why(notebook_dir, capsys):
    write_bank(notebook_dir)
    write_answers(notebook_dir, k1={"value": "b", "variant": "v9"})
    assert score("k1") == 0.0
    out = capsys.readouterr()
    assert "version of this question that this assessment does not have" in out.out and out.err == ""
    write_answers(notebook_dir, k1={"value": "c", "variant": "v2"})
    assert grading.score_single("k1", key="b", points=1) == 0.0  # a hidden test missing v2's key
    out = capsys.readouterr()
    assert "has no key" in out.out and "c" not in out.out.split(":", 1)[1].replace("check", "")
    write_answers(notebook_dir, k1={"value": "c", "variant": ["v2"]})
    assert score("k1") == 0.0  # not a valid answers file


def test_nothing_printed_names_a_version_s_key(notebook_dir, capsys):
    write_bank(notebook_dir)
    write_answers(notebook_dir, k1={"value": "a", "variant": "v2"})
    score("k1")
    out = capsys.readouterr().out
    assert "why v2's key is right" not in out and "'c'" not in out and '"c"' not in out
