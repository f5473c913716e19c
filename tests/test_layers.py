"""The import-direction contract: `ivr` on top, the packages below never import it, no cycles between packages.

Read from the source (AST), so a lazy import inside a function or under TYPE_CHECKING counts as much as a
top-level one: the layering is about what a module needs, not about when Python loads it.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PACKAGES = ("ivr", "dialogs", "speech", "nlu", "ledger_client", "models", "ledger_core", "languages")
BELOW_IVR = ("dialogs", "speech", "nlu", "ledger_client", "models", "ledger_core", "languages")
# ledger_core is the reference core ledger: the IVR talks to it over HTTP. Only the CLI that *runs* it (serve, seed,
# the demo stack) may import it, and the root Settings composes its settings section; nothing on the call path does.
CORE_ALLOWED = ("ivr/cli/", "ivr/settings.py")


def imports_of(path: Path) -> set[str]:
    """Top-level package names a module imports (absolute imports only; relative ones stay inside a package)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found


def package_edges(root: Path = REPO) -> dict[str, dict[str, list[str]]]:
    """package -> imported package -> the files (relative to the repo) that import it."""
    edges: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for pkg in PACKAGES:
        for path in sorted((root / pkg).rglob("*.py")):
            rel = path.relative_to(root).as_posix()
            for target in imports_of(path):
                if target in PACKAGES and target != pkg:
                    edges[pkg][target].append(rel)
    return edges


def upward_imports(edges: dict[str, dict[str, list[str]]]) -> list[str]:
    return [f for pkg in BELOW_IVR for f in edges.get(pkg, {}).get("ivr", [])]


def core_imports(edges: dict[str, dict[str, list[str]]]) -> list[str]:
    return [f for pkg, targets in edges.items() for f in targets.get("ledger_core", [])
            if not f.startswith(CORE_ALLOWED)]


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every elementary cycle found by DFS from each node (small graphs only)."""
    found: list[list[str]] = []

    def walk(start: str, node: str, path: list[str]) -> None:
        for nxt in sorted(graph.get(node, ())):
            if nxt == start:
                found.append([*path, start])
            elif nxt not in path and nxt > start:
                walk(start, nxt, [*path, nxt])

    for start in sorted(graph):
        walk(start, start, [start])
    return found


def test_no_package_below_ivr_imports_ivr() -> None:
    assert upward_imports(package_edges()) == []


def test_ledger_core_is_not_imported_on_the_call_path() -> None:
    assert core_imports(package_edges()) == []


def test_no_cycle_between_top_level_packages() -> None:
    edges = package_edges()
    graph = {pkg: set(targets) for pkg, targets in edges.items()}
    assert cycles(graph) == []


def test_the_contract_fails_when_a_lower_package_imports_ivr(tmp_path: Path) -> None:
    """The check itself can fail: a copy of the tree with one upward import is caught, file named."""
    for pkg in PACKAGES:
        (tmp_path / pkg).mkdir()
        (tmp_path / pkg / "__init__.py").write_text("")
    bad = "def f():\n    from ivr.settings import Settings\n    return Settings\n"
    (tmp_path / "speech" / "bad.py").write_text(bad)
    (tmp_path / "ivr" / "ok.py").write_text("import speech.bad\n")
    edges = package_edges(tmp_path)
    assert upward_imports(edges) == ["speech/bad.py"]
    assert cycles({p: set(t) for p, t in edges.items()}) == [["ivr", "speech", "ivr"]]


@pytest.mark.parametrize("graph,expected", [
    ({"a": {"b"}, "b": {"c"}, "c": set()}, []),
    ({"a": {"b"}, "b": {"c"}, "c": {"a"}}, [["a", "b", "c", "a"]]),
])
def test_cycle_finder(graph: dict[str, set[str]], expected: list[list[str]]) -> None:
    assert cycles(graph) == expected
