"""The direction of dependence: core knows nothing of NumPy; the NumPy layer's
files import each other only downwards, in the order its ``__init__``
declares; every import sits at module level; nothing below imports the tools
above it."""

import ast
import pathlib

import pytest

from chainrule.numpy import _LAYER_ORDER

PACKAGE = pathlib.Path(__file__).resolve().parents[2] / "chainrule"
NUMPY_FILES = sorted(path for path in (PACKAGE / "numpy").glob("*.py") if path.name != "__init__.py")


def imports(path: pathlib.Path) -> list:
    """(module name as written, line, whether at module level) for each import."""
    tree = ast.parse(path.read_text())
    top = set(id(node) for node in tree.body)
    # imports guarded by try/except at module level count as module level
    for node in tree.body:
        if isinstance(node, ast.Try):
            top.update(id(child) for child in ast.walk(node))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((alias.name, node.lineno, id(node) in top) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            prefix = "." * node.level
            if node.module is None:  # from . import a, b  /  from .. import numpy
                found.extend((prefix + alias.name, node.lineno, id(node) in top)
                             for alias in node.names)
            else:
                found.append((prefix + (node.module or ""), node.lineno, id(node) in top))
    return found


@pytest.mark.parametrize("path", sorted((PACKAGE / "core").glob("*.py")), ids=lambda p: p.name)
def test_core_imports_no_numpy_and_nothing_above_it(path):
    for name, line, _ in imports(path):
        assert not name.startswith("numpy"), f"{path.name}:{line} imports {name}"
        assert not name.startswith(".."), f"{path.name}:{line} imports {name} from above core"


def test_every_numpy_file_is_in_the_declared_order():
    files = {path.stem for path in NUMPY_FILES}
    assert files == set(_LAYER_ORDER), (
        f"in the order but missing: {set(_LAYER_ORDER) - files}; "
        f"not in the order (add it to _LAYER_ORDER in chainrule/numpy/__init__.py): "
        f"{files - set(_LAYER_ORDER)}")
    assert len(_LAYER_ORDER) == len(set(_LAYER_ORDER))


@pytest.mark.parametrize("path", NUMPY_FILES, ids=lambda p: p.name)
def test_numpy_files_import_only_earlier_files_at_module_level(path):
    position = _LAYER_ORDER.index(path.stem)
    for name, line, at_top in imports(path):
        where = f"{path.name}:{line} imports {name}"
        assert at_top, f"{where} inside a function: imports sit at module level"
        assert not name.startswith("chainrule"), f"{where}: import the package relatively"
        if name.startswith("..") or not name.startswith("."):
            assert name.startswith(("..core", "numpy", "__future__", "typing", "math",
                                    "operator", "builtins", "string", "collections",
                                    "functools", "itertools", "weakref", "dataclasses",
                                    "warnings")), where
            continue
        module = name[1:].split(".")[0]
        assert module in _LAYER_ORDER, f"{where}, a file outside the declared order"
        assert _LAYER_ORDER.index(module) < position, (
            f"{where}, which comes later in the layer order {_LAYER_ORDER}")


def test_no_numpy_file_shadows_a_numpy_function():
    import numpy as np

    for path in NUMPY_FILES:
        assert not callable(getattr(np, path.stem, None)), (
            f"chainrule/numpy/{path.name} is named like np.{path.stem}; "
            "chainrule.numpy would export the module where users expect the function")


@pytest.mark.parametrize("path", sorted((PACKAGE / "numpy").glob("*.py")), ids=lambda p: p.name)
def test_numpy_layer_does_not_import_the_tools_above_it(path):
    above = ("..transforms", "..arguments", "..custom", "..check", "..graph", "..plot", "..optimize",
             "..scalar", "..nn", "..jit")
    for name, line, _ in imports(path):
        assert not name.startswith(above), f"{path.name}:{line} imports {name}"


def test_core_is_small():
    # three interpreters (reverse, forward, batching), their levels and the pytrees
    lines = sum(len(p.read_text().splitlines()) for p in (PACKAGE / "core").glob("*.py"))
    assert lines < 1500, f"the engine has grown to {lines} lines"
