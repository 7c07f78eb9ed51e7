"""The direction of dependence: core knows nothing of NumPy; lower layers never
import higher ones."""

import ast
import pathlib

import pytest

PACKAGE = pathlib.Path(__file__).resolve().parents[2] / "chainrule"


def imported_modules(path: pathlib.Path) -> set:
    tree = ast.parse(path.read_text())
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            prefix = "." * node.level
            names.add(prefix + (node.module or ""))
    return names


@pytest.mark.parametrize("path", sorted((PACKAGE / "core").glob("*.py")), ids=lambda p: p.name)
def test_core_imports_no_numpy_and_nothing_above_it(path):
    for name in imported_modules(path):
        assert not name.startswith("numpy"), f"{path.name} imports {name}"
        assert not name.startswith(".."), f"{path.name} imports {name} from above core"


@pytest.mark.parametrize("path", sorted((PACKAGE / "numpy").glob("*.py")), ids=lambda p: p.name)
def test_numpy_layer_does_not_import_the_tools_above_it(path):
    above = ("..transforms", "..arguments", "..custom", "..check", "..graph", "..plot",
             "..optimize")
    for name in imported_modules(path):
        assert not name.startswith(above), f"{path.name} imports {name}"


def test_core_is_small():
    lines = sum(len(p.read_text().splitlines()) for p in (PACKAGE / "core").glob("*.py"))
    assert lines < 1000, f"the engine has grown to {lines} lines"
