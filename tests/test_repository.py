"""Repository hygiene: notebooks without outputs, nothing generated committed,
and CI running exactly the README's test command."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import nbformat

REPO = Path(__file__).resolve().parents[1]


def tracked(pattern: str) -> list[Path]:
    out = subprocess.run(["git", "ls-files", "-co", "--exclude-standard", pattern], cwd=REPO,
                         capture_output=True, text=True, check=True).stdout
    return [REPO / line for line in out.splitlines() if line]


def test_notebooks_have_no_outputs():
    notebooks = tracked("*.ipynb")
    assert len(notebooks) >= 9
    for path in notebooks:
        nb = nbformat.read(path, as_version=4)
        for index, cell in enumerate(nb.cells):
            if cell.cell_type == "code":
                assert cell.outputs == [], f"{path} cell {index + 1} has outputs"
                assert cell.execution_count is None, f"{path} cell {index + 1} has an execution count"
        assert "widgets" not in nb.metadata, f"{path} stores widget state"


# The one source folder named like nbgrader's generated ones: nbgrader's API
# renders feedback only with a template called "feedback" (see
# course/grading/templates/nbgrader_config.py).
FEEDBACK_TEMPLATE = "course/grading/templates/feedback/"


def test_no_generated_folders_or_answers_committed():
    generated = re.compile(r"(^|/)(release|submitted|autograded|feedback)/|gradebook\.db$|responses\.json|"
                           r"\.ipynb_checkpoints/|__pycache__/")
    offenders = [name for name in (str(p.relative_to(REPO)) for p in tracked("*"))
                 if generated.search(name) and not name.startswith(FEEDBACK_TEMPLATE)]
    assert offenders == []


def test_no_source_file_is_hidden_from_git():
    """A file of the course that .gitignore hides never reaches a fresh clone
    (the feedback template once did not: every feedback step failed in CI)."""
    # the two packages' folders: all their files are source or package data (what
    # the course makes as it runs, such as hub's node_modules, lives elsewhere)
    out = subprocess.run(["git", "ls-files", "-o", "-i", "--exclude-standard", "--directory", "course", "widgets"],
                         cwd=REPO, capture_output=True, text=True, check=True).stdout
    caches = re.compile(r"(^|/)(__pycache__|\.ipynb_checkpoints)/|\.egg-info/")
    hidden = [line for line in out.splitlines() if line and not caches.search(line)]
    assert hidden == [], f"ignored by .gitignore, so missing from every fresh clone: {hidden}"
    assert (REPO / FEEDBACK_TEMPLATE / "index.html.j2").is_file()


def quick_start_commands() -> list[str]:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```(?:sh|bash|shell)\n(.*?)```", section, re.S)
    assert block is not None, "Quick start needs one shell code block"
    return [line for line in block.group(1).splitlines() if line.strip()]


def test_readme_quick_start_has_exactly_two_commands():
    commands = quick_start_commands()
    assert len(commands) == 2
    assert "peer-course serve" in commands[0]
    assert "pytest" in commands[1]


def test_ci_runs_exactly_the_readme_test_command():
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8").strip().splitlines()
    assert ci[-1] == quick_start_commands()[1]


def test_readme_module_table_is_the_manifest():
    from peer_widgets.manifest import load_manifest

    manifest = load_manifest()
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| (\d+|–) \| (.+?) \| (\d+) min \| `([\w-]+)` \|$", readme, re.M)
    expected = [(str(m.number), m.title, str(m.minutes), m.assessment) for m in manifest.modules]
    assert [row for row in rows if row[0] != "–"] == expected
    extras = [(row[2], row[3]) for row in rows if row[0] == "–"]
    assert extras == [(str(x.minutes), x.assessment) for x in (manifest.self_assessment, manifest.practice_exam)]
    hours = sum(m.minutes for m in manifest.modules) // 60
    assert f"seventeen lessons (about {hours} hours)" in readme and len(manifest.modules) == 17
