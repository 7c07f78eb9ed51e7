"""The SciPy layer's files import each other only downwards, in the order its
``__init__`` declares, besides the NumPy layer and the engine below them; every
import sits at module level.

(Named apart from tests/core/test_architecture.py: the test folders are no
packages, so pytest needs distinct file names; that file's ``imports`` reader
is loaded from its path.)"""

import importlib.util
import pathlib

import pytest

pytest.importorskip("scipy")

from chainrule.scipy import _LAYER_ORDER  # noqa: E402

TESTS = pathlib.Path(__file__).resolve().parents[1]
PACKAGE = TESTS.parent / "chainrule"
_spec = importlib.util.spec_from_file_location("core_architecture_checks",
                                               TESTS / "core" / "test_architecture.py")
_core_checks = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_core_checks)
imports = _core_checks.imports  # (module name as written, line, at module level) per import
SCIPY_FILES = sorted(path for path in (PACKAGE / "scipy").glob("*.py")
                     if path.name != "__init__.py")
OUTSIDE = ("__future__", "typing", "math", "numpy", "scipy", "collections", "functools",
           "itertools", "dataclasses")


def test_every_scipy_file_is_in_the_declared_order():
    files = {path.stem for path in SCIPY_FILES}
    assert files == set(_LAYER_ORDER), (
        f"in the order but missing: {set(_LAYER_ORDER) - files}; not in the order (add it "
        f"to _LAYER_ORDER in chainrule/scipy/__init__.py): {files - set(_LAYER_ORDER)}")
    assert len(_LAYER_ORDER) == len(set(_LAYER_ORDER))


@pytest.mark.parametrize("path", SCIPY_FILES, ids=lambda p: p.name)
def test_scipy_files_import_only_earlier_files_the_numpy_layer_and_core(path):
    position = _LAYER_ORDER.index(path.stem)
    for name, line, at_top in imports(path):
        where = f"{path.name}:{line} imports {name}"
        assert at_top, f"{where} inside a function: imports sit at module level"
        assert not name.startswith("chainrule"), f"{where}: import the package relatively"
        if name.startswith(".."):
            assert name.split(".")[2] in ("numpy", "core"), (
                f"{where}: the SciPy layer stands on ..numpy and ..core only")
            continue
        if not name.startswith("."):
            assert name.split(".")[0] in OUTSIDE, where
            continue
        module = name[1:].split(".")[0]
        assert module in _LAYER_ORDER, f"{where}, a file outside the declared order"
        assert _LAYER_ORDER.index(module) < position, (
            f"{where}, which comes later in the layer order {_LAYER_ORDER}")


def test_the_check_catches_an_import_of_a_later_file(tmp_path):
    late = tmp_path / "special_gamma.py"
    late.write_text("from .stats import norm\n")
    name, _, _ = imports(late)[0]
    assert _LAYER_ORDER.index(name[1:]) > _LAYER_ORDER.index("special_gamma")


def test_no_file_is_long():
    for path in SCIPY_FILES:
        assert len(path.read_text().splitlines()) < 520, f"{path.name} has grown past ~500 lines"
