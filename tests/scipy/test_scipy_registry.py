"""The SciPy layer's registry: every primitive has a rule for each argument in both
modes, or a declared missing rule that raises naming the primitive and the
argument; every SciPy ufunc is routed; ``coverage_rows()`` lists what is covered
under SciPy's own names. (Named apart from tests/numpy/test_registry.py: pytest
needs distinct file names in folders that are no packages.)"""

import inspect
import pathlib
import os
import subprocess
import sys

import numpy as np
import pytest

import chainrule as cr

chainrule_scipy = pytest.importorskip("chainrule.scipy")
import scipy.special  # noqa: E402
import scipy.stats  # noqa: E402

from chainrule.numpy import wrap as numpy_wrap  # noqa: E402
from chainrule.scipy import special, stats  # noqa: E402
from chainrule.scipy.wrap import NOT_DIFFERENTIABLE, PRIMITIVES  # noqa: E402


def arity(prim):
    return len(prim.partials) if prim.partials is not None else prim.numpy_function.nin


@pytest.mark.parametrize("name", sorted(PRIMITIVES))
def test_every_argument_has_both_rules_or_a_declared_missing_one(name):
    prim = PRIMITIVES[name]
    assert numpy_wrap.PRIMITIVES[name] is prim  # what `python -m chainrule rules` lists
    if prim.nondiff:
        assert prim.modes == ("nondiff",)
        return
    assert prim.modes == ("forward", "reverse"), f"{name}: {prim.modes}"
    for argnum in range(arity(prim)):
        declared = (name, argnum) in NOT_DIFFERENTIABLE
        has_rules = prim.has_rule("vjp", argnum) and prim.has_rule("jvp", argnum)
        assert has_rules != declared, (
            f"{name} argument {argnum}: " + ("declared missing but has rules" if declared else
                                             "no rule and none declared missing"))


@pytest.mark.parametrize("name, argnum", sorted(NOT_DIFFERENTIABLE))
@pytest.mark.parametrize("jacobian", [cr.jacfwd, cr.jacrev], ids=["fwd", "rev"])
def test_a_declared_missing_rule_raises_naming_the_primitive_and_argument(name, argnum,
                                                                          jacobian):
    prim = PRIMITIVES[name]
    args = [1.0] * (arity(prim) - 1) + [1.5]  # an integer order, then x
    with pytest.raises(cr.MissingRuleError, match=rf"{name} has no .* rule for argument {argnum}"):
        jacobian(prim, argnums=argnum)(*args)


@pytest.mark.parametrize("name", sorted(PRIMITIVES))
def test_scipy_ufuncs_are_routed_to_their_primitive(name):
    prim = PRIMITIVES[name]
    if isinstance(prim.numpy_function, np.ufunc):
        assert numpy_wrap.UFUNCS[prim.numpy_function] is prim


def test_the_scipy_special_ufuncs_named_in_the_api_are_all_routed():
    for name in special.__all__:
        scipy_function = getattr(scipy.special, name)
        if isinstance(scipy_function, np.ufunc):
            assert scipy_function in numpy_wrap.UFUNCS, name


def scipy_object(dotted):
    value = {"scipy.special": scipy.special, "scipy.stats": scipy.stats}
    module, _, rest = dotted.partition(".")[2].partition(".")
    value = getattr(scipy, module)
    for part in rest.split("."):
        value = getattr(value, part)
    return value


def test_coverage_rows_name_real_scipy_functions_and_their_modes():
    rows = chainrule_scipy.coverage_rows()
    assert rows == sorted(rows) and len(rows) == len({name for name, _, _ in rows})
    for name, module, modes in rows:
        assert callable(scipy_object(name)), name
        assert module.startswith(("chainrule.scipy.", "chainrule.numpy."))  # inv, det: shared
        assert modes.startswith(("forward, reverse", "zero")), (name, modes)
    listed = {name: modes for name, _, modes in rows}
    assert listed["scipy.special.jv"] == "forward, reverse (not in the order v)"
    assert listed["scipy.special.gammasgn"].startswith("zero")
    assert listed["scipy.stats.beta.cdf"] == "forward, reverse"


def test_every_name_of_the_api_is_covered():
    listed = {name for name, _, _ in chainrule_scipy.coverage_rows()}
    for name in special.__all__:
        assert f"scipy.special.{name}" in listed, name
    for name in stats.__all__:
        assert any(row.startswith(f"scipy.stats.{name}.") for row in listed), name


def public_callables():
    for module in (special, stats):
        for name in module.__all__:
            value = getattr(module, name)
            yield f"{module.__name__}.{name}", value


@pytest.mark.parametrize("name, value", list(public_callables()),
                         ids=lambda v: v if isinstance(v, str) else "")
def test_public_names_carry_a_docstring_with_an_example(name, value):
    doc = (value.__doc__ if hasattr(type(value), "partials") else inspect.getdoc(value)) or ""
    assert ">>>" in doc, f"{name} has no example in its docstring"


def test_without_scipy_the_import_error_says_what_to_install():
    code = "import sys; sys.modules['scipy'] = None; import chainrule.scipy"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            env=dict(os.environ))
    assert result.returncode != 0
    last = result.stderr.strip().splitlines()[-1]
    assert last == "ImportError: chainrule.scipy needs SciPy: pip install 'chainrule[scipy]'"


def test_docs_table_is_up_to_date():
    from chainrule.scipy.wrap import coverage_markdown

    doc = (pathlib.Path(__file__).resolve().parents[2] / "docs" / "scipy.md").read_text()
    assert doc.endswith(coverage_markdown()), (
        "docs/scipy.md's coverage table is out of date: replace it with the output of "
        "chainrule.scipy.wrap.coverage_markdown()")
