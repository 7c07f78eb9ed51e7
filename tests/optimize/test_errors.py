"""Every way a minimisation can be set up wrong is a clear error, before any step."""

import inspect
import os
import subprocess
import sys

import numpy as np
import pytest

import chainrule as cr

def doubled(x):
    return x * 2.0


def pair(x):
    return (x, x)


def log_sum(x):
    return np.sum(np.log(x))


def sqrt_sum(x):
    return np.sum(np.sqrt(x["a"]))


def inverse(x):
    return 1 / x


def total(x):
    return np.sum(x)


ERRORS = [
    #  objective  x0                           method    error       words
    (doubled,   np.ones(3),                   "BFGS",   TypeError,  r"one real number.*shape \(3,\)"),
    (doubled,   np.ones(3),                   "adam",   TypeError,  r"least_squares"),
    (pair,      1.0,                          "BFGS",   TypeError,  r"one real number.*tuple"),
    (log_sum,   np.array([1.0, -1.0]),        "BFGS",   ValueError, r"\(x0\) is nan"),
    (log_sum,   np.array([1.0, -1.0]),        "Powell", ValueError, r"\(x0\) is nan"),
    (sqrt_sum,  {"a": np.array([1.0, 0.0])},  "BFGS",   ValueError, r"holds inf in x0\['a'\]"),
    (sqrt_sum,  {"a": np.array([1.0, 0.0])},  "adam",   ValueError, r"holds inf in x0\['a'\]"),
    (inverse,   0.0,                          "BFGS",   ValueError, r"is inf"),
    (total,     [np.ones(2), "a"],            "BFGS",   TypeError,  r"x0\[1\] is not a number"),
    (total,     np.array([1j, 2.0]),          "BFGS",   TypeError,  r"x0 is complex"),
    (total,     {"a": None},                  "BFGS",   ValueError, r"holds no numbers"),
    (total,     np.ones(2),                   "bfgz",   ValueError, r"Did you mean 'bfgs'\?"),
    (total,     np.ones(2),                   "newton", ValueError, r"Known.*Nelder-Mead.*adamw"),
]


@pytest.mark.parametrize("fun, x0, method, error, words", ERRORS)
def test_a_bad_setup_is_a_clear_error(fun, x0, method, error, words):
    with np.errstate(all="ignore"), pytest.raises(error, match=words):
        cr.optimize.minimize(fun, x0, method=method)


def test_ragged_arrays_in_x0():
    with pytest.raises((ValueError, TypeError), match=r"x0\['w'\]"):
        cr.optimize.minimize(lambda p: 0.0, {"w": np.array([[1.0, 2.0], [3.0]], dtype=object)})


OPTION_ERRORS = [
    ({"method": "adam", "lr": 0.1, "momentum": 0.9}, TypeError, r"unknown option 'momentum'.*b1"),
    ({"method": "adam", "bounds": [(0, 1)] * 2}, ValueError, r"no bounds.*L-BFGS-B"),
    ({"method": "L-BFGS-B", "bounds": [(0, 1)] * 3}, ValueError,
     r"one \(low, high\) pair per number of x0 \(2"),
    ({"method": 3}, TypeError, r"method is a name"),
    ({"method": "SLSQP", "constraints": [{"type": "eq", "fun": np.sum, "jac": np.ones}]},
     ValueError, r"leave out 'jac'"),
    ({"method": "BFGS", "jac": np.ones}, TypeError, r"computes jac itself"),
    ({"method": "adam", "lr": "fast"}, TypeError, r"a learning rate is a number or a schedule"),
    ({"method": "gd", "schedule": "triangle"}, ValueError, r"unknown schedule 'triangle'"),
]


@pytest.mark.parametrize("keywords, error, words", OPTION_ERRORS)
def test_bad_options_are_clear_errors(keywords, error, words):
    with pytest.raises(error, match=words):
        cr.optimize.minimize(lambda x: np.sum(x ** 2), np.ones(2), **keywords)


def test_chainrule_optimize_imports_no_scipy():
    code = "import sys, chainrule; chainrule.optimize.Adam(); print('scipy' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            env={**os.environ}, timeout=60)
    assert result.stdout.strip() == "False", result.stderr


def test_without_scipy_the_scipy_methods_say_what_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "scipy.optimize", None)
    with pytest.raises(ImportError, match=r"pip install 'chainrule\[scipy\]'"):
        cr.optimize.minimize(lambda x: np.sum(x ** 2), np.ones(2), method="BFGS")
    # the first-order methods need no SciPy
    assert cr.optimize.minimize(lambda x: np.sum(x ** 2), np.ones(2), method="gd",
                                lr=0.5).success


def public_callables():
    for name in sorted(vars(cr.optimize)):
        value = getattr(cr.optimize, name)
        if not name.startswith("_") and callable(value) and not isinstance(value, type(cr)):
            yield name, value


@pytest.mark.parametrize("name, value", list(public_callables()), ids=lambda v: v
                         if isinstance(v, str) else "")
def test_every_public_name_has_an_example(name, value):
    assert ">>>" in (inspect.getdoc(value) or ""), f"cr.optimize.{name} has no example"
