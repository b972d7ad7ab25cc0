"""The self-assessment shows SAMHSA's competency statements and the rating
scale exactly as the source document prints them.

The 62 statements of SAMHSA's Core Competencies for Peer Workers in
Behavioral Health Services are the framework's own words: a supervisor and a
peer worker must be able to talk about the same statement. So every rating
prompt of the self-assessment is compared, character for character (apart
from the numbering), with the list in the employer toolkit
(``../shared/seeds/003_43dee9560f397310.txt``).
The toolkit's definitions of the five rating levels, with its guidance on
when not to choose Not Enough Information or Not Applicable, must appear in
the self-assessment's own text too.

Those parts of the toolkit are copied verbatim into
``tests/fixtures/samhsa-core-competencies.md`` (the source folder is not
part of the repository), so the comparison runs in every clone.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import yaml

from peer_widgets.content import assessments_dir

REPO = Path(__file__).resolve().parents[2]
SEED = REPO / "tests" / "fixtures" / "samhsa-core-competencies.md"
NAME = "core-competencies-self-assessment"
BANK = assessments_dir() / NAME / "items.yaml"
NOTEBOOK = assessments_dir() / NAME / f"{NAME}.ipynb"

# Where SAMHSA's own list starts and ends in the toolkit. The toolkit also has
# a sample evaluation form with the statements reworded ("clients"), which is
# not the framework's wording; the list wanted is the one under this heading
# that goes straight into "Category I".
LIST_START = re.compile(r"^## CORE COMPETENCIES FOR PEER WORKERS IN BEHAVIORAL HEALTH SERVICES\n+#### Category I:", re.M)
LIST_END = "#### **ADDITIONAL RESOURCES**"
CATEGORY = re.compile(r"^#### Category ([IVX]+): (.+)$", re.M)
ITEM = re.compile(r"^(?:- )?(?:\d+\. )?(?=\S)")
NUMERALS = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"]
COUNTS = [5, 5, 4, 4, 5, 5, 6, 5, 6, 6, 7, 4]

# The rating levels, as the toolkit's sample evaluation defines them.
LEVELS = ["Advanced", "Proficient", "Developing", "Not Enough Information", "Not Applicable"]


def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


def seed_statements(text: str) -> list[tuple[str, list[str]]]:
    """[(category numeral, [statement, ...])] from SAMHSA's list in the toolkit.

    In each category the first paragraph describes it; every later non-blank
    line is a statement (``- 1. ...``, ``1. ...`` or ``- ...``), or, when it
    starts with neither a dash nor a number, the rest of the statement above
    it (the toolkit breaks one statement over a page break).
    """
    start = LIST_START.search(text)
    if start is None:
        raise ValueError(f"{SEED.name}: SAMHSA's list of core competencies not found")
    body = text[start.start():text.index(LIST_END, start.start())]
    heads = list(CATEGORY.finditer(body))
    out = []
    for head, following in zip(heads, heads[1:] + [None]):
        block = body[head.end():following.start() if following else len(body)]
        lines = [line.strip() for line in block.splitlines() if line.strip()]
        statements: list[str] = []
        for line in lines[1:]:
            if line.startswith("- ") or re.match(r"\d+\. ", line):
                statements.append(ITEM.sub("", line, count=1))
            elif statements:
                statements[-1] += " " + line
            else:
                raise ValueError(f"{SEED.name}: category {head.group(1)}: unexpected line {line!r}")
        out.append((head.group(1), statements))
    return out


def level_definitions(text: str) -> dict[str, str]:
    """Level name -> its definition in the sample evaluation, markdown emphasis removed."""
    out = {}
    for level in LEVELS:
        match = re.search(rf"^(?:\*\*)?(?:\[RARE\] )?{level}:(?:\*\*)? (.+)$", text, re.M)
        if match is None:
            raise ValueError(f"{SEED.name}: no definition of {level!r}")
        out[level] = plain(match.group(1))
    return out


def plain(text: str) -> str:
    """Text without markdown emphasis or blockquote marks, spaces collapsed."""
    text = re.sub(r"^\s*>\s?", "", text, flags=re.M)
    return " ".join(text.replace("*", "").split())


def sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?])\s+(?=[A-Z\"])", text) if s]


def rating_prompts() -> list[tuple[str, str]]:
    bank = yaml.safe_load(BANK.read_text(encoding="utf-8"))
    return [(item["id"], item["prompt"]) for item in bank["items"] if item["type"] == "rating"]


def notebook_markdown() -> str:
    nb = nbformat.read(NOTEBOOK, as_version=4)
    return plain("\n\n".join(cell.source for cell in nb.cells if cell.cell_type == "markdown"))


def test_the_seed_list_is_read_whole():
    categories = seed_statements(seed_text())
    assert [numeral for numeral, _ in categories] == NUMERALS
    assert [len(statements) for _, statements in categories] == COUNTS
    assert sum(COUNTS) == 62


def expected_prompts() -> list[tuple[str, str]]:
    """(item id, statement) for the 62 statements, ids as the bank numbers them (``cc-iii-1``)."""
    return [(f"cc-{numeral.lower()}-{n}", statement)
            for numeral, statements in seed_statements(seed_text())
            for n, statement in enumerate(statements, start=1)]


def differences(shown: list[tuple[str, str]], expected: list[tuple[str, str]]) -> dict[str, dict[str, str]]:
    """Item id -> {bank, seed} for every prompt not exactly the seed's statement."""
    if [item_id for item_id, _ in shown] != [item_id for item_id, _ in expected]:
        raise ValueError("the rating items are not the 62 statements in the seed's order")
    return {item_id: {"bank": prompt, "seed": statement}
            for (item_id, prompt), (_, statement) in zip(shown, expected) if prompt != statement}


def test_every_prompt_is_samhsas_statement_character_for_character():
    assert differences(rating_prompts(), expected_prompts()) == {}, \
        "rating prompts that are not SAMHSA's wording as the seed prints it"


def test_the_rating_levels_are_defined_in_the_seeds_words():
    definitions = level_definitions(seed_text())
    shown = notebook_markdown()
    missing = {level: sentence for level, definition in definitions.items()
               for sentence in sentences(definition) if sentence not in shown}
    assert missing == {}, "definitions of the rating levels missing from the self-assessment's text"


def test_the_guidance_on_rare_levels_is_there():
    shown = notebook_markdown()
    assert ('Do not select this option as a substitute for "Developing" merely because the employee is new '
            "or still learning the duties of their position.") in shown
    assert "Avoid selecting this option if possible." in shown
    assert "This option is appropriate only if the competency is completely unrelated to the employee's position." in shown


def test_one_changed_character_is_caught():
    """The comparison is exact: one apostrophe moved or dropped is a difference."""
    expected = expected_prompts()
    rights = dict(expected)["cc-xi-1"]
    assert rights.endswith("to ensure that peer's rights are respected")
    changed = [(item_id, rights.replace("peer's", "peers'") if item_id == "cc-xi-1" else text)
               for item_id, text in expected]
    assert differences(changed, expected) == {"cc-xi-1": {"bank": rights.replace("peer's", "peers'"), "seed": rights}}


def test_every_competency_rating_in_every_assessment_is_samhsas_wording():
    """Module checks end with a few competency self-ratings too: the same statements, the same words."""
    statements = {statement for _, listed in seed_statements(seed_text()) for statement in listed}
    reworded = {}
    for bank_path in sorted(assessments_dir().glob("*/items.yaml")):
        for item in yaml.safe_load(bank_path.read_text(encoding="utf-8"))["items"]:
            if item["type"] == "rating" and item.get("scale") == "competency" and item["prompt"] not in statements:
                reworded[item["id"]] = item["prompt"]
    assert reworded == {}
