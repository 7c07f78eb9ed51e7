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


def test_scipy_ufuncs_on_traced_values_work_without_importing_chainrule_scipy():
    import subprocess
    import sys

    program = ("import sys, scipy.special, chainrule as cr\n"
               "assert 'chainrule.scipy' not in sys.modules\n"
               "print(cr.grad(lambda x: scipy.special.gammaln(x))(1.0))\n")
    result = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert float(result.stdout) == -0.5772156649015329


def test_import_chainrule_imports_no_optional_extra():
    import subprocess
    import sys

    program = ("import sys, chainrule\n"
               "print(sorted(m for m in ('scipy', 'matplotlib', 'graphviz') if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True)
    assert result.stdout.strip() == "[]", result.stdout + result.stderr
