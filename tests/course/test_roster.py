"""Roster names reach Formgrader, feedback and certificates, so markup in a
name is refused when the roster is read, with the row and field named."""

from __future__ import annotations

import pytest

from peer_course.grading.roster import RosterError, read_roster


@pytest.mark.parametrize("name", ["<svg onload=alert(1)>", "Ana<script>", "Bo>", "Cy\x07"])
def test_a_name_with_markup_is_refused_with_row_and_field(tmp_path, name):
    roster = tmp_path / "roster.csv"
    roster.write_text(f"id,first_name,last_name,email\nana,Ana,Lee,ana@example.org\nbo,{name},Ray,\n",
                      encoding="utf-8")
    with pytest.raises(RosterError) as caught:
        read_roster(roster)
    [problem] = caught.value.problems
    assert problem.startswith(f"{roster}: row 3: field 'first_name': ")
    assert "plain text" in problem


def test_names_with_quotes_and_ampersands_are_fine(tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text('id,first_name,last_name,email\nivy,"Ivy ""Q"" & O\'Neil",Núñez,\n', encoding="utf-8")
    [learner] = read_roster(roster)
    assert (learner.first_name, learner.last_name) == ('Ivy "Q" & O\'Neil', "Núñez")


@pytest.mark.parametrize("learner_id", ["<svg onload=alert(1)>", "a b", "../x", "-x", "supervisor--<b>"])
def test_learner_ids_are_limited_to_a_safe_pattern(tmp_path, learner_id):
    roster = tmp_path / "roster.csv"
    roster.write_text(f"id,first_name,last_name,email\n\"{learner_id}\",A,B,\n", encoding="utf-8")
    with pytest.raises(RosterError, match="field 'id'"):
        read_roster(roster)
