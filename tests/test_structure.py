"""The layout keeps its promises: no import cycles, item-kind rules in one
place, learner notebooks that import only the learner package, and every
package installed and saying what it is for.

Everything here reads source files (ast), so it runs in milliseconds and
checks the code as committed, imports inside functions included.
"""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

import nbformat

REPO = Path(__file__).resolve().parents[1]
PACKAGES = {"peer_widgets": REPO / "widgets", "peer_course": REPO / "course"}
KIND_NAMES = {"single_choice", "multiple_select", "matching", "rating", "reflection"}
REGISTRY = "peer_widgets.kinds"


def modules() -> dict[str, Path]:
    """Every module of both packages, by dotted name (a package is its __init__)."""
    found = {}
    for package, root in PACKAGES.items():
        for path in sorted(root.rglob("*.py")):
            if "templates" in path.relative_to(root).parts:
                continue  # template files are rendered text, not modules
            parts = [package, *path.relative_to(root).with_suffix("").parts]
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


def imports_of(name: str, path: Path, known: set[str]) -> set[str]:
    """The project modules that module ``name`` imports, at any depth of its code."""
    is_package = path.name == "__init__.py"
    package = name if is_package else name.rpartition(".")[0]
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                origin = ".".join(base + ([node.module] if node.module else []))
            else:
                origin = node.module or ""
            # `from pkg import mod` imports the module pkg.mod when there is one
            targets = [f"{origin}.{alias.name}" if f"{origin}.{alias.name}" in known else origin
                       for alias in node.names]
        else:
            continue
        for target in targets:
            while target and target not in known:
                target = target.rpartition(".")[0]
            if target and target != name:
                out.add(target)
    return out


def import_graph() -> dict[str, set[str]]:
    found = modules()
    known = set(found)
    return {name: imports_of(name, path, known) for name, path in found.items()}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_import_cycles():
    # A package importing its own submodules is how a package exports names,
    # so an __init__ is judged by what it imports, like any module.
    assert cycles(import_graph()) == []


def test_cycle_finder_finds_a_cycle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_the_learner_package_never_imports_the_trainer_package():
    graph = import_graph()
    offenders = {name: sorted(t for t in targets if t.startswith("peer_course"))
                 for name, targets in graph.items() if name.startswith("peer_widgets")}
    assert {name: t for name, t in offenders.items() if t} == {}


def kind_switches(source: str) -> list[int]:
    """Lines that compare something with an item kind's name, or map kind names to things."""
    lines = []

    def names_in(node: ast.AST) -> set[str]:
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return {node.value} & KIND_NAMES
        if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
            return set().union(*(names_in(e) for e in node.elts)) if node.elts else set()
        return set()

    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Compare) and any(names_in(n) for n in [node.left, *node.comparators]):
            lines.append(node.lineno)
        elif isinstance(node, ast.Dict) and len(set().union(*(names_in(k) for k in node.keys if k))) >= 2:
            lines.append(node.lineno)
        elif isinstance(node, ast.match_case) and names_in(getattr(node.pattern, "value", ast.Pass())):
            lines.append(node.pattern.lineno)
    return lines


def test_only_the_registry_switches_on_item_kind_names():
    offenders = {}
    for name, path in modules().items():
        if name == REGISTRY or name.startswith(REGISTRY + "."):
            continue
        found = kind_switches(path.read_text(encoding="utf-8"))
        if found:
            offenders[str(path.relative_to(REPO))] = found
    assert offenders == {}, "ask peer_widgets.kinds.kind_of(item) instead of testing item.type"


def test_kind_switch_finder_finds_switches():
    assert kind_switches('if item.type == "rating":\n    pass') == [1]
    assert kind_switches('x = t in ("single_choice", "matching")') == [1]
    assert kind_switches('SCORERS = {"single_choice": 1, "matching": 2}') == [1]
    assert kind_switches('value.get("rating")') == []  # a field of a rating answer, not a switch


def learner_notebooks() -> list[Path]:
    return sorted((REPO / "modules").glob("*.ipynb")) + sorted((REPO / "assessments").glob("*/*.ipynb"))


def test_learner_notebooks_import_only_the_learner_package():
    notebooks = learner_notebooks()
    assert len(notebooks) >= 16
    offenders = []
    for path in notebooks:
        for cell in nbformat.read(path, as_version=4).cells:
            if cell.cell_type != "code":
                continue
            code = "\n".join(line for line in cell.source.splitlines() if not line.lstrip().startswith(("%", "!")))
            for node in ast.walk(ast.parse(code)):
                names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                         else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
                offenders += [f"{path.relative_to(REPO)}: {n}" for n in names if n.split(".")[0] != "peer_widgets"]
    assert offenders == []


def test_every_package_is_installed_and_says_what_it_is_for():
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    listed = set(config["tool"]["setuptools"]["packages"])
    on_disk = {name for name, path in modules().items() if path.name == "__init__.py"}
    assert listed == on_disk
    for name in sorted(on_disk):
        doc = ast.get_docstring(ast.parse(modules()[name].read_text(encoding="utf-8"))) or ""
        first = doc.strip().split("\n\n")[0]
        assert first.endswith(".") and len(first) <= 200, f"{name}: its docstring must open with one sentence saying what it is for"
