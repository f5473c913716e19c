"""A language is a folder: no code outside languages/ (and tests/, bench/) names an installed pack's language code.

Every string constant of every module under the packages (docstrings excepted: they may show an example call) is
checked against the installed packs' codes, bare ("sw") or with a region ("en-US", "sw_KE"). Comments are not
string constants, so they may mention a language too.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

import languages

REPO = Path(__file__).resolve().parents[1]
PACKAGES = ("ivr", "dialogs", "speech", "nlu", "ledger_client", "models", "ledger_core")


def code_pattern(codes: tuple[str, ...]) -> re.Pattern[str]:
    """A whole string that is one of `codes`, optionally with a region or script suffix ("en-US", "sw_KE")."""
    alternatives = "|".join(re.escape(c) for c in sorted(codes, key=len, reverse=True))
    return re.compile(rf"(?:{alternatives})(?:[-_][A-Za-z0-9]{{2,4}})?", re.IGNORECASE)


def _spared(tree: ast.AST) -> set[int]:
    """ids of the docstring nodes of the module, its classes and its functions, and of f-string fragments."""
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            out.update(id(v) for v in node.values)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                out.add(id(first.value))
    return out


def literals(source: str, pattern: re.Pattern[str], filename: str = "<snippet>") -> list[tuple[int, str]]:
    """(line, value) of every string constant of `source` that is a language code (docstrings and f-string
    fragments excepted)."""
    tree = ast.parse(source, filename=filename)
    skip = _spared(tree)
    return [(node.lineno, node.value) for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip
            and pattern.fullmatch(node.value.strip())]


def package_files() -> list[Path]:
    return sorted(p for pkg in PACKAGES for p in (REPO / pkg).rglob("*.py") if ".venv" not in p.parts)


def test_no_language_code_literal_outside_the_packs() -> None:
    codes = languages.codes()
    assert len(codes) >= 2
    pattern = code_pattern(codes)
    found = []
    for path in package_files():
        rel = path.relative_to(REPO).as_posix()
        source = path.read_text(encoding="utf-8")
        found += [f"{rel}:{line}: {value!r}" for line, value in literals(source, pattern, rel)]
    assert not found, "language codes named in code (use the pack registry, languages/):\n" + "\n".join(found)


@pytest.mark.parametrize(("snippet", "lines"), [
    ('LANGS = ("en", "sw")\n', [1, 1]),
    ('def f(lang):\n    return lang == "sw"\n', [2]),
    ('x = {"en-US": 1}\ny = d.get(k, "SW_ke")\n', [1, 2]),
    ('def f(lang: str = "en") -> None:\n    """f("sw") is an example in a docstring."""\n', [1]),
    ('"""Module doc: "en"."""\n# a comment naming "sw"\nx = "english"\ny = "sweet"\nz = f"{a}en"\n', []),
])  # fmt: skip
def test_the_check_finds_literals_and_spares_docstrings_and_comments(snippet: str, lines: list[int]) -> None:
    pattern = code_pattern(("en", "sw"))
    assert [line for line, _ in literals(snippet, pattern)] == lines


def test_a_file_with_a_literal_fails_the_check(tmp_path: Path) -> None:
    """The scan over a real file (the same code path as the repository check) reports file, line and value."""
    bad = tmp_path / "bad.py"
    bad.write_text('"""Doc."""\n\nDEFAULT = "hi"\n', encoding="utf-8")
    assert literals(bad.read_text(encoding="utf-8"), code_pattern(languages.codes()), str(bad)) == [(3, "hi")]
