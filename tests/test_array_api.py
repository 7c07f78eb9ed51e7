"""Tracers implement the array API standard's ``__array_namespace__``: array-API
code (SciPy's array-API mode in a fresh process, array_api_compat) runs on
traced values, and its derivatives are right."""

import os
import subprocess
import sys

import numpy as np
import pytest

import chainrule as cr
from chainrule import array_api
from chainrule.numpy.wrap import NUMPY_2

pytestmark = pytest.mark.skipif(not NUMPY_2, reason="the array API standard's names came "
                                "with NumPy 2.0; chainrule's namespace needs NumPy 2")

SCIPY_ON_TRACERS = """
import numpy as np, chainrule as cr, scipy.special as special, scipy.stats as stats
x = np.array([0.3, -1.2, 2.0, 0.7, 0.1])
functions = {
    "logsumexp": lambda x: special.logsumexp(x),
    "logsumexp(b=)": lambda x: special.logsumexp(x, b=x + 2.0),
    "softmax": lambda x: np.sum(special.softmax(x) * x),
    "zscore": lambda x: np.sum(stats.zscore(x) * x),
    "skew": lambda x: stats.skew(x),
    "moment": lambda x: stats.moment(x, 3),
    "gmean": lambda x: stats.gmean(x + 3.0),
    "pmean": lambda x: stats.pmean(x + 3.0, 2.0),
}
for name, function in functions.items():
    cr.check_grads(function, (x,), modes=("fwd", "rev"), order=2)
softmax = np.exp(x) / np.sum(np.exp(x))
np.testing.assert_allclose(cr.grad(special.logsumexp)(x), softmax, rtol=1e-14)
print("checked", len(functions))
"""


def test_scipy_array_api_mode_on_tracers():
    pytest.importorskip("scipy")
    environment = {**os.environ, "SCIPY_ARRAY_API": "1",
                   "PYTHONPATH": os.pathsep.join(sys.path)}
    run = subprocess.run([sys.executable, "-c", SCIPY_ON_TRACERS], capture_output=True,
                         text=True, env=environment)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "checked 8"


def test_tracers_name_chainrules_namespace():
    seen = []

    def f(x):
        xp = x.__array_namespace__()
        seen.append(xp)
        return xp.sum(xp.acos(xp.clip(x, min=-0.5)) ** 2) + xp.std(x, correction=1)

    x = np.array([0.2, -0.9, 0.4])
    cr.check_grads(f, (x,), modes=("fwd", "rev"), order=2)
    assert array_api.NAMESPACE in seen  # (check_grads also calls f on plain arrays: NumPy's)
    assert array_api.NAMESPACE.__array_api_version__ == "2023.12"


def test_array_api_compat_finds_it():
    compat = pytest.importorskip("array_api_compat")
    names = []
    cr.grad(lambda x: names.append(compat.array_namespace(x)) or np.sum(x))(np.ones(2))
    assert names == [array_api.NAMESPACE]


def test_namespace_has_the_standards_names():
    missing = [name for name in array_api.STANDARD_NAMES if not hasattr(array_api.NAMESPACE, name)]
    assert missing == []
    with pytest.raises(ValueError, match="2023.12"):
        cr.grad(lambda x: x.__array_namespace__(api_version="2099.12").sum(x))(np.ones(2))


def test_array_api_extra_on_tracers():
    xpx = pytest.importorskip("array_api_extra")
    x = np.array([0.3, -1.2, 2.0, 0.5])
    functions = [
        lambda x: np.sum(xpx.at(x)[1:3].set(0.0) ** 2),
        lambda x: np.sum(xpx.at(x)[0].add(x[1]) ** 2),
        lambda x: np.sum(xpx.atleast_nd(x, ndim=3) ** 2),
        lambda x: np.sum(xpx.cov(np.stack([x, x ** 2]))),
        lambda x: np.sum(xpx.sinc(x)),
        lambda x: np.sum(xpx.kron(x, x)),
    ]
    for function in functions:
        cr.check_grads(function, (x,), modes=("fwd", "rev"), order=2)
