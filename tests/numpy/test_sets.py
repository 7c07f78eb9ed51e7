"""Set operations (chainrule/numpy/sets.py): values, indices and counts equal
NumPy's through the plain ``np.`` spelling on traced values and through
``chainrule.numpy``; the values are gathers, differentiable in both modes to
second order. Repeated and shared elements are built from the same traced
entries (``x[:2]`` appended again, or ``stop_gradient`` of them), so the finite
differences move them together and the sets keep their shape."""

import numpy as np
import pytest

import chainrule as cr
import chainrule.numpy as cnp
from chainrule.core import Tracer
from cases import require_numpy_function, traced_value
from batching_checks import refuse_loops

X = np.array([0.7, -1.3, 2.1, 0.4, 1.6])
Y = np.array([[0.9, -0.2], [1.1, 0.3]])


def _repeated(m, x):
    """``x`` with entries repeated (the reversed copy, then the first again)."""
    return m.concatenate([x, x[::-1], x[:1]])


def _fixed(x):
    """A constant with the values of ``x`` (moved by finite differences, not traced)."""
    return cr.stop_gradient(x) if isinstance(x, Tracer) else x


CASES = [
    #  name                         NumPy 2 name      inputs   call, given the module (np or cnp)
    ("unique_all",                  "unique_all",     (X,),    lambda m, x: tuple(m.unique_all(_repeated(m, x)))),
    ("unique_all 2-d",              "unique_all",     (Y,),    lambda m, x: tuple(m.unique_all(m.concatenate([x, x])))),
    ("unique_counts",               "unique_counts",  (X,),    lambda m, x: tuple(m.unique_counts(_repeated(m, x)))),
    ("unique_inverse",              "unique_inverse", (Y,),    lambda m, x: tuple(m.unique_inverse(m.concatenate([x, x[::-1]])))),
    ("unique_values",               "unique_values",  (X,),    lambda m, x: m.unique_values(_repeated(m, x))),
    ("intersect1d",                 None,             (X,),    lambda m, x: m.intersect1d(_repeated(m, x), _fixed(x[1:3]))),
    ("intersect1d both traced",     None,             (X,),    lambda m, x: m.intersect1d(x[:4], x[2:])),
    ("intersect1d indices",         None,             (X,),    lambda m, x: m.intersect1d(_repeated(m, x), x[::2] + 0.0, return_indices=True)),
    ("intersect1d assume_unique",   None,             (X,),    lambda m, x: m.intersect1d(x, _fixed(x[::-2]), assume_unique=True, return_indices=True)),
    ("union1d",                     None,             (X, Y),  lambda m, x, y: m.union1d(_repeated(m, x), y)),
    ("setdiff1d",                   None,             (X,),    lambda m, x: m.setdiff1d(_repeated(m, x), _fixed(x[1:3]))),
    ("setdiff1d assume_unique",     None,             (X,),    lambda m, x: m.setdiff1d(x, _fixed(x[:1]), assume_unique=True)),
    ("setxor1d",                    None,             (X, Y),  lambda m, x, y: m.setxor1d(_repeated(m, x), m.concatenate([y.ravel(), x[:2]]))),
    ("setxor1d assume_unique",      None,             (X,),    lambda m, x: m.setxor1d(x[:3], x[2:], assume_unique=True)),
]


def _assert_same(ours, expected):
    if isinstance(expected, tuple):
        assert len(ours) == len(expected)
        for o, e in zip(ours, expected):
            _assert_same(o, e)
        return
    np.testing.assert_array_equal(ours, expected)
    assert np.asarray(ours).dtype == np.asarray(expected).dtype


def _values(result):
    """The float parts of a result (the values; indices and counts are plain)."""
    if isinstance(result, tuple):
        return result[0]
    return result


@pytest.mark.parametrize("case", CASES, ids=lambda case: case[0])
def test_values_equal_numpy(case):
    _, numpy_2_name, args, call = case
    require_numpy_function(numpy_2_name)
    expected = call(np, *args)
    _assert_same(traced_value(lambda *a: call(np, *a), args), expected)
    _assert_same(call(cnp, *args), expected)


@pytest.mark.parametrize("case", CASES, ids=lambda case: case[0])
def test_values_are_differentiable(case):
    name, numpy_2_name, args, call = case
    require_numpy_function(numpy_2_name)

    def f(*a):
        return _values(call(np, *a))

    f.__name__ = name
    cr.check_grads(f, args, modes=("fwd", "rev"), order=2)


def test_a_value_takes_its_gradient_from_its_first_occurrence():
    x = np.array([3.0, 1.0, 3.0, 2.0])
    np.testing.assert_array_equal(cr.grad(lambda x: cnp.unique_values(x).sum())(x),
                                  [1.0, 1.0, 0.0, 1.0])
    np.testing.assert_array_equal(cr.grad(lambda x: np.intersect1d(x, x[::-1]).sum())(x),
                                  [1.0, 1.0, 0.0, 1.0])


def test_indices_counts_and_masks_are_plain():
    seen = []

    def f(x):
        seen.append(np.isin(x, X[:2]))
        seen.append(np.isin(x, x[1:], invert=True))
        if hasattr(np, "unique_all"):
            seen.extend(np.unique_all(x)[1:])
        seen.extend(np.intersect1d(x, x[1:], return_indices=True)[1:])
        return x.sum()

    cr.grad(f)(X)
    assert all(type(value) is np.ndarray for value in seen)
    np.testing.assert_array_equal(seen[0], np.isin(X, X[:2]))
    np.testing.assert_array_equal(seen[1], [True, False, False, False, False])
    assert cr.grad(lambda x: (x * np.isin(x, X[:2])).sum())(X).tolist() == [1, 1, 0, 0, 0]


def test_intersect1d_with_a_plain_first_input_gives_its_values():
    # NumPy takes the common values from the first input: constants here
    out, tangent = cr.jvp(lambda x: np.intersect1d(X[1:], x), (X,), (np.ones_like(X),))
    np.testing.assert_array_equal(out, np.intersect1d(X[1:], X))
    np.testing.assert_array_equal(tangent, np.zeros(X.size - 1))


@pytest.mark.parametrize("case", CASES, ids=lambda case: case[0])
def test_float32_stays_float32(case):
    _, numpy_2_name, args, call = case
    require_numpy_function(numpy_2_name)
    args = tuple(a.astype(np.float32) for a in args)
    _assert_same(traced_value(lambda *a: call(np, *a), args), call(np, *args))


# -- batching: a set's size depends on the values, so vmap refuses, naming what to write;
# isin keeps its input's shape and batches

@pytest.mark.parametrize("case", CASES, ids=lambda case: case[0])
def test_batching_is_refused_with_what_to_write(case):
    _, numpy_2_name, args, call = case
    require_numpy_function(numpy_2_name)
    batch = tuple(np.stack([a, a[::-1]]) for a in args)
    with pytest.raises(TypeError, match=r"(?s)shape depends on the values.*np\.sort"):
        cr.vmap(lambda *a: call(np, *a))(*batch)


@pytest.mark.parametrize("call", [
    lambda x, y: np.isin(x, Y),
    lambda x, y: x * np.isin(x, X[1:], invert=True),
    lambda x, y: np.isin(x, y),
    lambda x, y: np.isin(Y, y, invert=True),
    lambda x, y: np.isin(x, np.where(y > 0.5, np.nan, y)),  # NaN is in nothing
], ids=["isin", "isin invert", "isin batched test elements", "only test elements batched",
        "NaN"])
def test_isin_batching(call, monkeypatch):
    refuse_loops(monkeypatch)
    cr.check_vmap(call, (X, np.array([0.7, 0.9, 2.1])))
