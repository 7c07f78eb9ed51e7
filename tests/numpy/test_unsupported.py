"""A NumPy function chainrule has no rule for raises NotImplementedError that
names it and, where a concrete alternative exists, says what to write instead;
the alternatives given are themselves differentiable."""

import numpy as np
import pytest

import chainrule as cr
from chainrule.numpy.wrap import UNSUPPORTED_HINTS, unsupported_hint

NUMPY_2 = np.lib.NumpyVersion(np.__version__) >= "2.0.0"

X = np.array([0.5, -1.0, 2.0, 1.5])
W = np.array([1.0, -2.0, 0.5])

# (call on a traced 1-D x, the name the message starts with, words of its alternative)
CALLS = [
    (lambda x: np.diff(x),                           "numpy.diff",              "x[1:] - x[:-1]"),
    (lambda x: np.median(x),                         "numpy.median",            "np.sort(x)"),
    (lambda x: np.interp(x, [0.0, 1.0], [0.0, 2.0]), "numpy.interp",            "searchsorted"),
    (lambda x: np.nanmax(x),                         "numpy.nanmax",            "np.isnan"),
    (lambda x: np.ptp(x),                            "numpy.ptp",               "np.max(x, axis)"),
    (lambda x: np.polyval(x, 2.0),                   "numpy.polyval",           "Horner"),
    (lambda x: np.convolve(x, x),                    "numpy.convolve",          "sliding windows"),
    (lambda x: np.frompyfunc(np.sin, 1, 1)(x),       "the ufunc.sin (vectorized)", "array operations"),
    (lambda x: np.add.reduceat(x, [0, 2]),           "numpy.add.reduceat",      "sums of slices"),
    (lambda x: np.nan_to_num(x),                     "numpy.nan_to_num",        "np.where"),
]


@pytest.mark.parametrize("call, name, alternative", CALLS, ids=[row[1] for row in CALLS])
def test_an_unsupported_call_names_itself_and_the_alternative(call, name, alternative):
    for mode in (cr.grad(lambda x: np.sum(np.real(call(x)))),
                 lambda x: cr.jvp(call, (x,), (x,))):
        with pytest.raises(NotImplementedError) as error:
            mode(X)
        message = str(error.value)
        assert message.startswith(f"{name} is not supported on traced values")
        assert "Instead: " in message and alternative in message
        assert "custom_vjp" in message  # the general way out is always named


def test_a_function_without_a_hint_still_says_what_to_do():
    with pytest.raises(NotImplementedError, match=r"(?s)numpy\.unwrap is not supported.*"
                                                  r"Write it with supported NumPy functions"):
        cr.grad(lambda x: np.unwrap(x).sum())(X)


@pytest.mark.parametrize("name", sorted(UNSUPPORTED_HINTS))
def test_every_hint_names_a_numpy_function(name):
    path = name.split(".")[1:]
    owner = np
    for part in path:
        owner = getattr(owner, part, None)
        if owner is None:
            assert not NUMPY_2 or name == "numpy.trapz", f"{name} is not in NumPy {np.__version__}"
            pytest.skip(f"{name} is not in this NumPy")
    assert callable(owner)


@pytest.mark.parametrize("name", sorted(UNSUPPORTED_HINTS))
def test_hints_are_only_for_functions_still_unsupported(name):
    from chainrule import coverage

    supported = {numpy_name for numpy_name, _, _ in coverage.supported()}
    assert name not in supported, (
        f"{name} is supported now: drop its hint from UNSUPPORTED_HINTS in chainrule/numpy/wrap.py")


# The alternatives the hints spell out, written as a user would, are differentiable
# and agree with NumPy's function on plain values.
ALTERNATIVES = [
    (np.diff,   lambda x: x[1:] - x[:-1]),
    (np.ptp,    lambda x: np.max(x, 0) - np.min(x, 0)),
    (lambda x: np.polyval(x, 2.0), lambda x: _horner(x, 2.0)),
    (lambda x: np.median(x), lambda x: _median(x)),
    (lambda x: np.convolve(x, W, "valid"),
     lambda x: np.stack([x[i:i + len(W)] for i in range(len(x) - len(W) + 1)]) @ W[::-1]),
]


def _horner(p, x):
    y = 0.0
    for c in p:
        y = y * x + c
    return y


def _median(x):
    s = np.sort(x)
    n = len(x)
    return (s[(n - 1) // 2] + s[n // 2]) / 2


@pytest.mark.parametrize("numpy_function, alternative", ALTERNATIVES)
def test_the_hinted_alternatives_work(numpy_function, alternative):
    np.testing.assert_allclose(alternative(X), numpy_function(X))
    cr.check_grads(alternative, (X,), modes=("fwd", "rev"), order=2)


def test_hints_are_looked_up_by_name_module_and_method():
    name = sorted(UNSUPPORTED_HINTS)[-1]
    assert unsupported_hint(name) == UNSUPPORTED_HINTS[name]
    assert "sums of slices" in unsupported_hint("numpy.subtract.reduceat")
    assert unsupported_hint("numpy.no_such_function") is None
