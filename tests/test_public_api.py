"""Every public function carries a docstring with an example."""

import inspect

import pytest

import chainrule as cr
import chainrule.numpy as cnp


def public_callables():
    for module in (cr, cnp, cnp.linalg):
        for name in sorted(getattr(module, "__all__", vars(module))):
            value = getattr(module, name)
            if name.startswith("_") or inspect.ismodule(value) or inspect.isclass(value):
                continue
            if callable(value):
                yield f"{module.__name__}.{name}", value


@pytest.mark.parametrize("name, function", list(public_callables()), ids=lambda v: v
                         if isinstance(v, str) else "")
def test_public_function_has_a_docstring_with_an_example(name, function):
    assert ">>>" in (inspect.getdoc(function) or ""), f"{name} has no example in its docstring"
