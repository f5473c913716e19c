"""The dialog structure: handlers never import each other, every Goto names a state in the table, and a new menu
choice is one table row plus its prompts."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from dialogs.engine import Dialog
from dialogs.figures import savings
from dialogs.menu import MENU, MenuItem
from dialogs.prompts import CATALOGS
from dialogs.states import STATES, table
from tests.dialogs.conftest import Caller, Kit
from tests.fakes.dialog_fakes import PHONE_ONE

HANDLERS = Path(__file__).resolve().parents[2] / "dialogs" / "handlers"


def handler_imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            if node.module == "dialogs.handlers":
                found.update(a.name for a in node.names)
            elif node.module.startswith("dialogs.handlers."):
                found.add(node.module.rsplit(".", 1)[1])
        elif isinstance(node, ast.Import):
            found.update(a.name.rsplit(".", 1)[1] for a in node.names if a.name.startswith("dialogs.handlers."))
    return found


@pytest.mark.parametrize("path", sorted(HANDLERS.glob("*.py")), ids=lambda p: p.name)
def test_no_handler_imports_another(path: Path) -> None:
    """States hand over with Goto(<name>): no import between handlers, so no cycle can form among them."""
    assert handler_imports(path) == set()


def test_every_goto_target_is_a_state() -> None:
    """Goto("x") in any dialog module names a state of the table (a typo would only fail at run time)."""
    root = HANDLERS.parent
    targets: set[str] = set()
    for path in root.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "goto" and node.args:
                arg = node.args[0]
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    targets.add(arg.value)
    targets |= {i.goto for i in MENU if i.goto}
    assert targets and targets <= set(STATES), sorted(targets - set(STATES))


def test_a_state_defined_twice_is_refused() -> None:
    menu_state = STATES["menu"]
    with pytest.raises(ValueError, match="defined twice"):
        table((menu_state,), (menu_state,))


async def test_a_new_menu_choice_is_one_row_and_its_prompts(kit: Kit, monkeypatch: pytest.MonkeyPatch) -> None:
    """A "balance summary" choice on the second level, key 5: one MenuItem and one prompt, no code change."""
    monkeypatch.setitem(CATALOGS["en"], "menu_item_summary", "For a summary, say summary, or press five.")
    row = MenuItem("5", "check_savings", "menu_item_summary", reader=savings, needs_pin=True, level="more")
    dialog = Dialog(ledger=kit.ledger, nlu=kit.nlu, store=kit.store, clock=kit.clock,
                    settings=kit.caller().dialog.c.settings, lang="en", menu=(*MENU, row))
    c = Caller(dialog)
    await c.call(PHONE_ONE)
    await c.send("#2580")
    await c.send("#4")
    assert "menu_item_summary" in c.ids()
    await c.send("#5")
    assert c.ids() == ["savings", "savings_shares", "anything_else"]
