"""Item banks: good files load; each kind of bad file fails with one clear
message naming the file, the item and the field."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml

from peer_widgets import ItemBankError, load_bank

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "sample-bank.yaml"


def sample() -> dict:
    return yaml.safe_load(FIXTURE.read_text(encoding="utf-8"))


def write(tmp_path: Path, data: dict, name: str = "bank.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def test_good_bank_loads_with_every_item_type():
    bank = load_bank(FIXTURE)
    assert bank.id == "sample"
    assert [item.type for item in bank] == [
        "single_choice", "multiple_select", "matching", "rating", "rating", "reflection"]
    assert bank["s-single"].key == "b"
    assert bank["s-single"].option("b").feedback == "Listening first keeps the choice with Maya."
    assert bank["s-match"].key == {"t1": "c1", "t2": "c2"}


def test_json_bank_loads(tmp_path):
    import json

    path = tmp_path / "bank.json"
    path.write_text(json.dumps(sample()), encoding="utf-8")
    assert load_bank(path).ids == load_bank(FIXTURE).ids


def break_item(index: int, **changes):
    def mutate(data):
        for key, value in changes.items():
            if value is None:
                data["items"][index].pop(key, None)
            else:
                data["items"][index][key] = value
        return data
    return mutate


BAD = {
    "unknown category": (break_item(0, category="bravery"),
                         "item 's-single': field 'category': unknown category 'bravery'; use one of:"),
    "key not an option": (break_item(0, key="z"),
                          "item 's-single': field 'key': key 'z' is not one of the options (a, b, c)"),
    "missing prompt": (break_item(1, prompt=None), "item 's-multi': field 'prompt': this field is required"),
    "misspelt field": (break_item(0, feedbak="x"),
                       "item 's-single': field 'feedbak': this field is not allowed for this item type"),
    "unknown type": (break_item(0, type="essay"), "item 's-single': field 'type': 'essay' is not one of"),
    "option without feedback": (
        lambda d: (d["items"][0]["options"][1].pop("feedback"), d)[1],
        "item 's-single': field 'options.b.feedback': every option needs feedback that explains why"),
    "duplicate id": (break_item(1, id="s-single"), "item 's-single': field 'id': this id is used twice"),
    "matching key misses a term": (break_item(2, key={"t1": "c1"}),
                                   "item 's-match': field 'key': the key must give exactly one choice for every term"),
    "unknown scale": (break_item(3, scale="stars"), "item 's-rate': field 'scale': 'stars' is not one of"),
    "newer schema": (lambda d: {**d, "schema_version": 2},
                     "field 'schema_version': schema_version 2 is not supported"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_bank_names_file_item_and_field(tmp_path, case):
    mutate, expected = BAD[case]
    path = write(tmp_path, mutate(copy.deepcopy(sample())))
    with pytest.raises(ItemBankError) as raised:
        load_bank(path)
    message = str(raised.value)
    assert message.startswith(f"{path}: ")
    assert expected in message
    assert "Traceback" not in message


def test_graded_bank_refuses_keys(tmp_path):
    data = sample()
    data["mode"] = "graded"
    for item in data["items"]:
        item["points"] = 1
    path = write(tmp_path, data)
    with pytest.raises(ItemBankError, match=r"item 's-single': field 'key': graded banks are released"):
        load_bank(path)


def test_graded_bank_refuses_feedback(tmp_path):
    data = sample()
    data["mode"] = "graded"
    for item in data["items"]:
        item.pop("key", None)
        item["points"] = 1
    path = write(tmp_path, data)
    with pytest.raises(ItemBankError, match=r"field 'options.a.feedback': graded banks must not hold feedback"):
        load_bank(path)


def test_draft_keeps_keys_and_requires_them(tmp_path):
    data = sample()
    data["mode"] = "graded"
    data["intro"] = "An introduction."
    for item in data["items"]:
        item["points"] = 1
    assert load_bank(write(tmp_path, data), draft=True)["s-multi"].key == ["a", "c"]
    del data["items"][0]["key"]
    with pytest.raises(ItemBankError, match=r"item 's-single': field 'key': an assessment draft needs the key"):
        load_bank(write(tmp_path, data), draft=True)


def test_not_yaml(tmp_path):
    path = tmp_path / "bank.yaml"
    path.write_text("items: [\n  - id: x\n", encoding="utf-8")
    with pytest.raises(ItemBankError, match=r"bank.yaml: not valid YAML at line \d+"):
        load_bank(path)


def test_missing_file(tmp_path):
    with pytest.raises(ItemBankError, match=r"nothing.yaml: file not found"):
        load_bank(tmp_path / "nothing.yaml")


def test_not_a_mapping(tmp_path):
    path = tmp_path / "bank.yaml"
    path.write_text("- just\n- a list\n", encoding="utf-8")
    with pytest.raises(ItemBankError, match="must hold a mapping"):
        load_bank(path)


def test_schema_check_is_remembered_by_content(tmp_path, monkeypatch):
    from peer_widgets import bank as bank_module

    path = tmp_path / "bank.yaml"
    path.write_text(FIXTURE.read_text(encoding="utf-8"), encoding="utf-8")
    load_bank(path)
    calls = []
    monkeypatch.setattr(bank_module, "_validate_schema", lambda *a: calls.append(a))
    load_bank(path)
    assert calls == []  # same text: not checked again
    path.write_text(FIXTURE.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    load_bank(path)
    assert len(calls) == 1  # changed text: checked again
    assert len(list((tmp_path / "cache" / "valid-banks").iterdir())) == 2  # one marker per passing text


def test_a_bad_bank_is_never_remembered(tmp_path):
    path = tmp_path / "bank.yaml"
    data = sample()
    data["items"][0]["category"] = "support"
    data["items"][0]["prompt"] = 7  # breaks the schema itself
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    for _ in range(2):
        with pytest.raises(ItemBankError, match="item 's-single': field 'prompt': 7 is not of type 'string'"):
            load_bank(path)
    assert not (tmp_path / "cache" / "valid-banks").exists()
