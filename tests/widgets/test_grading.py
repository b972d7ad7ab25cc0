"""Grading helpers: right, wrong, partial, missing, malformed and
out-of-range answers, each a plain float, a reason on stdout, nothing on
stderr, and never the key."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from peer_widgets import grading
from peer_widgets.store import FILE_NAME

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "sample-bank.yaml"


@pytest.fixture
def graded_dir(notebook_dir):
    """A submission folder: the released (keyless) bank and an answers file."""
    data = yaml.safe_load(FIXTURE.read_text(encoding="utf-8"))
    data["mode"] = "graded"
    for item in data["items"]:
        item.pop("key", None)
        item["points"] = 1
        for field in ("options", "terms"):
            for option in item.get(field, []):
                option.pop("feedback", None)
    (notebook_dir / "items.yaml").write_text(yaml.safe_dump(data), encoding="utf-8")
    return notebook_dir


def answers(folder: Path, **values) -> None:
    items = {k.replace("_", "-"): {"value": v, "answered_at": "2026-11-25T10:00:00Z", "attempts": 1}
             for k, v in values.items()}
    (folder / FILE_NAME).write_text(json.dumps({"schema_version": 1, "items": items}), encoding="utf-8")


CASES = [
    # (scorer, kwargs, saved value, points, expected score, words in the reason)
    ("score_single", {"key": "b"}, "b", 1, 1.0, "1 of 1 points."),
    ("score_single", {"key": "b"}, "a", 1, 0.0, "0 of 1 points."),
    ("score_single", {"key": "b"}, ["b"], 1, 0.0, "not in a form this item accepts"),
    ("score_single", {"key": "b"}, "z", 1, 0.0, "not one of this item's options"),
    ("score_multiple", {"key": ["a", "c"]}, ["a", "c"], 2, 2.0, "2 of 2 points."),
    ("score_multiple", {"key": ["a", "c"]}, ["a"], 2, 1.0, "1 of 2 points."),
    ("score_multiple", {"key": ["a", "c"]}, ["a", "b"], 2, 0.0, "0 of 2 points."),
    ("score_multiple", {"key": ["a", "c"]}, ["a", "c", "d"], 2, 1.0, "1 of 2 points."),
    ("score_multiple", {"key": ["a", "c"]}, ["b", "d"], 2, 0.0, "0 of 2 points."),
    ("score_multiple", {"key": ["a", "c"]}, "a", 2, 0.0, "not in a form this item accepts"),
    ("score_multiple", {"key": ["a", "c"]}, ["a", "q"], 2, 0.0, "not one of this item's options"),
    ("score_matching", {"key": {"t1": "c1", "t2": "c2"}}, {"t1": "c1", "t2": "c2"}, 2, 2.0, "2 of 2 points."),
    ("score_matching", {"key": {"t1": "c1", "t2": "c2"}}, {"t1": "c1", "t2": "c3"}, 2, 1.0, "1 of 2 points."),
    ("score_matching", {"key": {"t1": "c1", "t2": "c2"}}, {"t1": "c1"}, 2, 1.0, "1 of 2 points."),
    ("score_matching", {"key": {"t1": "c1", "t2": "c2"}}, ["c1"], 2, 0.0, "not in a form this item accepts"),
    ("score_matching", {"key": {"t1": "c1", "t2": "c2"}}, {"t9": "c1"}, 2, 0.0, "not one of this item's options"),
    ("score_rating", {}, {"rating": "proficient", "comment": ""}, 1, 1.0, "1 of 1 points."),
    ("score_rating", {}, {"rating": "developing", "comment": "  "}, 1, 0.0, "the Developing rating needs a comment"),
    ("score_rating", {}, {"rating": "developing", "comment": "Still learning."}, 1, 1.0, "1 of 1 points."),
    ("score_rating", {}, {"rating": "not-enough-information", "comment": ""}, 1, 0.0, "needs a comment"),
    ("score_rating", {}, {"rating": "superb"}, 1, 0.0, "not one of this item's options"),
    ("score_rating", {}, "advanced", 1, 0.0, "not in a form this item accepts"),
]
ITEM_FOR = {"score_single": "s-single", "score_multiple": "s-multi", "score_matching": "s-match", "score_rating": "s-rate"}


@pytest.mark.parametrize("scorer, kwargs, value, points, expected, reason", CASES)
def test_scores(graded_dir, capsys, scorer, kwargs, value, points, expected, reason):
    item_id = ITEM_FOR[scorer]
    answers(graded_dir, **{item_id.replace("-", "_"): value})
    score = getattr(grading, scorer)(item_id, points=points, **kwargs)
    assert type(score) is float
    assert score == expected
    out, err = capsys.readouterr()
    assert err == ""
    assert out.startswith(f"{item_id}: ")
    assert reason in out
    for key_text in json.dumps(kwargs.get("key", "")).strip('"[]{}').split('", "'):
        if key_text and len(key_text) > 2:
            assert key_text not in out


@pytest.mark.parametrize("scorer", sorted(ITEM_FOR))
def test_missing_answer(graded_dir, capsys, scorer):
    answers(graded_dir)
    kwargs = {"key": {"t1": "c1", "t2": "c2"}} if scorer == "score_matching" else (
        {"key": ["a"]} if scorer == "score_multiple" else ({"key": "a"} if scorer == "score_single" else {}))
    assert getattr(grading, scorer)(ITEM_FOR[scorer], points=3, **kwargs) == 0.0
    out, err = capsys.readouterr()
    assert out == f"{ITEM_FOR[scorer]}: 0 of 3 points: no answer was saved for this item.\n"
    assert err == ""


def test_missing_file(graded_dir, capsys):
    assert grading.score_single("s-single", key="b") == 0.0
    assert "no answers file (responses.json) was found" in capsys.readouterr().out


@pytest.mark.parametrize("content", ["{broken", '{"schema_version": 7, "items": {}}', "[]"])
def test_malformed_file(graded_dir, capsys, content):
    (graded_dir / FILE_NAME).write_text(content, encoding="utf-8")
    assert grading.score_single("s-single", key="b") == 0.0
    out, err = capsys.readouterr()
    assert ("could not be read" in out) or ("not in the expected format" in out)
    assert err == ""
    assert (graded_dir / FILE_NAME).read_text(encoding="utf-8") == content  # grading never moves it


def test_missing_bank_scores_zero_with_reason(notebook_dir, capsys):
    answers(notebook_dir, s_single="b")
    assert grading.score_single("s-single", key="b") == 0.0
    out, err = capsys.readouterr()
    assert "could not be graded (ItemBankError); ask your trainer" in out
    assert err == ""


def test_warnings_never_reach_stderr(graded_dir, capsys, monkeypatch):
    import warnings

    answers(graded_dir, s_single="b")
    original = grading._item

    def noisy(*args, **kwargs):
        warnings.warn("something deprecated", DeprecationWarning)
        import sys
        print("library chatter", file=sys.stderr)
        return original(*args, **kwargs)

    monkeypatch.setattr(grading, "_item", noisy)
    assert grading.score_single("s-single", key="b") == 1.0
    assert capsys.readouterr().err == ""


def test_completion_and_reflection_display(graded_dir, capsys):
    answers(graded_dir, s_reflect={"shared": False, "completed": True, "words": 40})
    assert grading.score_completion("s-reflect", points=2) == 2.0
    grading.show_reflection("s-reflect")
    assert "written and kept private by the learner (40 words)" in capsys.readouterr().out
    answers(graded_dir, s_reflect={"shared": True, "completed": True, "words": 3, "text": "<b>I got help</b>"})
    grading.show_reflection("s-reflect")
    out = capsys.readouterr().out
    assert out.splitlines()[-1] == "<b>I got help</b>"  # printed as a text stream; feedback escapes it
    answers(graded_dir, s_reflect={"skipped": True})
    assert grading.score_completion("s-reflect", points=2) == 2.0
    grading.show_reflection("s-reflect")
    assert "chose to skip this reflection (no penalty)" in capsys.readouterr().out


def test_test_cell_result_is_a_plain_float_in_a_kernel(graded_dir):
    """What nbgrader sees: the cell's execute_result text is a float."""
    import nbformat
    from nbclient import NotebookClient

    answers(graded_dir, s_multi=["a"])
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(
        'from peer_widgets.grading import score_multiple\nscore_multiple("s-multi", key=["a", "c"], points=2)')]
    NotebookClient(nb, kernel_name="python3", resources={"metadata": {"path": str(graded_dir)}}).execute()
    outputs = nb.cells[0].outputs
    assert [o.output_type for o in outputs] == ["stream", "execute_result"]
    assert outputs[0].name == "stdout"
    assert outputs[1].data["text/plain"] == "1.0"


@pytest.mark.parametrize("points, fraction, expected", [
    (2, 1 / 3, 0.67), (1, 2 / 3, 0.67), (2, 2 / 3, 1.33), (1, 1 / 8, 0.13), (3, 1 / 3, 1.0), (1.5, 0.5, 0.75),
])
def test_scores_are_rounded_to_two_places_per_item(points, fraction, expected):
    assert grading.clean_score(points, fraction) == expected


def test_partial_scores_are_clean_decimals_that_add_up(graded_dir, capsys):
    """Three one-in-three partial answers: 0.67 each, 2.01 in all (4 places gave 0.6667
    each, so nbgrader's totals read 14.0001 where the items showed 14)."""
    data = yaml.safe_load((graded_dir / "items.yaml").read_text(encoding="utf-8"))
    item = next(i for i in data["items"] if i["id"] == "s-multi")
    item["options"].append({"id": "e", "text": "a person who is resilient"})
    (graded_dir / "items.yaml").write_text(yaml.safe_dump(data), encoding="utf-8")
    answers(graded_dir, s_multi=["a"])
    scores = [grading.score_multiple("s-multi", key=["a", "c", "e"], points=2, folder=graded_dir) for _ in range(3)]
    assert scores == [0.67, 0.67, 0.67]
    assert "s-multi: 0.67 of 2 points." in capsys.readouterr().out


def test_a_rationale_is_taken_and_never_printed(graded_dir, capsys):
    answers(graded_dir, s_single="a")
    why = "Module 1, 'What peers do': listening first keeps the choice with the person."
    assert grading.score_single("s-single", key="b", points=1, rationale=why, folder=graded_dir) == 0.0
    out = capsys.readouterr()
    assert why not in out.out + out.err and out.out == "s-single: 0 of 1 points.\n"
