"""Non-differentiable functions: they contribute zero derivative in every mode, and
inside a traced function their results are plain NumPy values, never tracers."""

import numpy as np
import pytest

import chainrule as cr
from chainrule.core import Tracer
from chainrule.numpy import nondiff

from batching_checks import check_batched_grads, refuse_loops

NUMPY_2 = np.lib.NumpyVersion(np.__version__) >= "2.0.0"

# Piecewise-constant functions of x, as NumPy spells them. The tests use values of x
# away from the jumps, so finite differences see the constant pieces.
PIECEWISE = [
    #  name              function of x
    ("floor",            np.floor),
    ("ceil",             np.ceil),
    ("trunc",            np.trunc),
    ("rint",             np.rint),
    ("fix",              np.fix),
    ("round",            lambda x: np.round(x, 1)),
    ("around",           lambda x: np.around(x)),
    ("method round",     lambda x: x.round(1)),
    ("sign",             np.sign),
    ("floor_divide",     lambda x: np.floor_divide(x, 0.7)),
    ("// operator",      lambda x: x // 0.7),
    ("less",             lambda x: np.less(x, 0.0)),
    ("less_equal",       lambda x: np.less_equal(x, 0.0)),
    ("greater",          lambda x: np.greater(x, 0.0)),
    ("greater_equal",    lambda x: np.greater_equal(x, 0.0)),
    ("equal",            lambda x: np.equal(x, x)),
    ("not_equal",        lambda x: np.not_equal(x, 0.0)),
    ("< operator",       lambda x: x < 0.0),
    ("logical_and",      lambda x: np.logical_and(x > -1, x < 1)),
    ("logical_or",       lambda x: np.logical_or(x < -1, x > 1)),
    ("logical_not",      lambda x: np.logical_not(x)),
    ("logical_xor",      lambda x: np.logical_xor(x, x > 0)),
    ("isfinite",         np.isfinite),
    ("isnan",            np.isnan),
    ("isinf",            np.isinf),
    ("signbit",          np.signbit),
    ("heaviside",        lambda x: np.heaviside(x, 0.5)),
    ("isclose",          lambda x: np.isclose(x, 0.5)),
    ("isreal",           np.isreal),
    ("isposinf",         np.isposinf),
    ("isneginf",         np.isneginf),
]


def away_from_jumps(rng, shape):
    """Values in (-2.4, 2.4) whose tenths are near .x5: far from every jump used above."""
    return np.round(rng.uniform(-2.4, 2.4, size=shape), 1) + 0.037


@pytest.mark.parametrize("name, fn", PIECEWISE, ids=[name for name, _ in PIECEWISE])
@pytest.mark.parametrize("shape", [(), (2, 3)])
def test_zero_derivative_and_plain_results(name, fn, shape, rng):
    x = away_from_jumps(rng, shape)
    seen = []

    def f(x):
        constant = fn(x)
        seen.append(constant)
        return x * constant

    expected = np.asarray(fn(x), float)
    # the constant contributes nothing: d(x * c)/dx = c, in both modes
    np.testing.assert_array_equal(cr.elementwise_grad(f)(x), expected)
    v = np.ones_like(x)
    np.testing.assert_array_equal(cr.jvp(f, (x,), (v,))[1], expected)
    # also at second order, in mixed modes
    np.testing.assert_array_equal(cr.elementwise_grad(cr.elementwise_grad(f))(x), 0 * x)
    np.testing.assert_array_equal(cr.jvp(cr.elementwise_grad(f), (x,), (v,))[1], 0 * x)
    cr.check_grads(f, (x,), modes=("fwd", "rev"), order=2)
    assert seen and not any(isinstance(value, Tracer) for value in seen)
    np.testing.assert_array_equal(seen[0], fn(x))


ARRAY_FUNCTIONS = [
    #  name                 call, on a traced x
    ("argmax",              lambda x: np.argmax(x)),
    ("argmax axis",         lambda x: np.argmax(x, axis=1, keepdims=True)),
    ("argmin",              lambda x: np.argmin(x, axis=0)),
    ("argsort",             lambda x: np.argsort(x, axis=-1)),
    ("argpartition",        lambda x: np.argpartition(x.ravel(), 2)),
    ("lexsort",             lambda x: np.lexsort((x[0], x[1]))),
    ("nonzero",             lambda x: np.nonzero(x > 0)),
    ("flatnonzero",         lambda x: np.flatnonzero(x > 0)),
    ("argwhere",            lambda x: np.argwhere(x > 0)),
    ("count_nonzero",       lambda x: np.count_nonzero(x > 0, axis=0)),
    ("searchsorted",        lambda x: np.searchsorted(np.array([-1.0, 0.0, 1.0]), x)),
    ("searchsorted traced", lambda x: np.searchsorted(x[0] * 0 + np.array([-1., 0., 1.]), 0.5)),
    ("digitize",            lambda x: np.digitize(x, np.array([-1.0, 0.0, 1.0]))),
    ("isclose list",        lambda x: np.isclose(x, [x[0, 0], 1.0, 2.0])),
    ("allclose",            lambda x: np.allclose(x, x + 1e-12)),
    ("array_equal",         lambda x: np.array_equal(x, x)),
    ("array_equiv",         lambda x: np.array_equiv(x, x[0])),
    ("iscomplex",           lambda x: np.iscomplex(x)),
    ("iscomplexobj",        lambda x: np.iscomplexobj(x)),
    ("isrealobj",           lambda x: np.isrealobj(x)),
    ("any",                 lambda x: np.any(x > 2, axis=1)),
    ("all",                 lambda x: np.all(x < 3)),
    ("shape",               lambda x: np.shape(x)),
    ("ndim",                lambda x: np.ndim(x)),
    ("size",                lambda x: np.size(x, 1)),
    ("result_type",         lambda x: np.result_type(x, 1.0)),
]


def _plain_leaves(value):
    if isinstance(value, (tuple, list)):
        return [leaf for item in value for leaf in _plain_leaves(item)]
    return [value]


@pytest.mark.parametrize("name, call", ARRAY_FUNCTIONS, ids=[name for name, _ in ARRAY_FUNCTIONS])
def test_array_functions_give_plain_values(name, call, rng):
    x = rng.uniform(-2, 2, size=(2, 3))
    expected = call(x)
    for transform in (cr.grad, lambda f: lambda x: cr.jvp(f, (x,), (np.ones_like(x),))[1],
                      lambda f: cr.grad(lambda x: cr.grad(f)(x).sum())):
        seen = []

        def f(x):
            seen.append(call(x))
            return (x * x).sum()

        transform(f)(x)
        assert not any(isinstance(leaf, Tracer) for leaf in _plain_leaves(seen[0])), name
        for got, want in zip(_plain_leaves(seen[0]), _plain_leaves(expected)):
            np.testing.assert_array_equal(got, want)


def test_explicit_spelling_matches_numpy(rng):
    x = rng.uniform(-2, 2, size=(2, 3))
    assert nondiff.argmax(x) == np.argmax(x)
    np.testing.assert_array_equal(nondiff.floor(x), np.floor(x))
    np.testing.assert_array_equal(nondiff.round(x, 1), np.round(x, 1))
    np.testing.assert_array_equal(nondiff.around(x), np.around(x))
    np.testing.assert_array_equal(nondiff.heaviside(x, 0.5), np.heaviside(x, 0.5))
    np.testing.assert_array_equal(cr.elementwise_grad(lambda x: x * nondiff.ceil(x))(x),
                                  np.ceil(x))


def test_heaviside_is_differentiable_in_its_value_at_zero():
    x = np.array([-1.0, 0.0, 2.0, 0.0])
    assert cr.grad(lambda h0: np.heaviside(x, h0).sum())(0.5) == 2.0
    assert cr.jvp(lambda h0: np.heaviside(x, h0), (0.5,), (1.0,))[1].tolist() == [0, 1, 0, 1]
    h0 = np.array([0.1, 0.2, 0.3, 0.4])
    np.testing.assert_array_equal(cr.elementwise_grad(lambda h0: np.heaviside(x, h0))(h0),
                                  [0.0, 1.0, 0.0, 1.0])
    cr.check_grads(lambda h0: np.heaviside(x[:, None], h0), (h0,), modes=("fwd", "rev"), order=2)


def test_unique_values_stay_differentiable():
    x = np.array([3.0, 1.0, 3.0, 2.0])
    # each unique value is taken from its first occurrence
    np.testing.assert_array_equal(cr.grad(lambda x: (np.unique(x) ** 2).sum())(x),
                                  [6.0, 2.0, 0.0, 4.0])
    _, tangent = cr.jvp(lambda x: np.unique(x), (x,), (np.array([1.0, 2.0, 3.0, 4.0]),))
    np.testing.assert_array_equal(tangent, [2.0, 4.0, 1.0])
    seen = []

    def f(x):
        values, index, inverse, counts = np.unique(x, return_index=True, return_inverse=True,
                                                   return_counts=True)
        seen.extend([index, inverse, counts])
        return (values * counts).sum()

    np.testing.assert_array_equal(cr.grad(f)(x), [2.0, 1.0, 0.0, 1.0])
    assert not any(isinstance(value, Tracer) for value in seen)
    for got, want in zip(seen, np.unique(x, return_index=True, return_inverse=True,
                                         return_counts=True)[1:]):
        np.testing.assert_array_equal(got, want)
    rows = np.array([[1.0, 2.0], [1.0, 2.0], [0.0, 5.0]])
    np.testing.assert_array_equal(cr.grad(lambda r: np.unique(r, axis=0).sum())(rows),
                                  [[1.0, 1.0], [0.0, 0.0], [1.0, 1.0]])
    np.testing.assert_array_equal(nondiff.unique(rows, axis=0), np.unique(rows, axis=0))


def test_sign_of_complex_is_differentiable():
    # np.sign(z) = z / |z| for complex z in NumPy 2: smooth away from 0, so it is not a
    # constant. NumPy 1.x's is the sign of z.real (of z.imag where z.real is 0): a constant.
    z = np.array([3.0 + 4.0j, 1.0 - 2.0j])
    np.testing.assert_allclose(nondiff.sign(z), np.sign(z))
    np.testing.assert_allclose(cr.jvp(np.sign, (z,), (z,))[0], np.sign(z))
    cr.check_grads(np.sign, (z,), modes=("fwd", "rev"), order=1)
    assert cr.jvp(np.sign, (np.array([0j]),), (np.array([1 + 0j]),))[1].tolist() == [0j]
    tangent = cr.jvp(np.sign, (z,), (np.ones(2, complex),))[1]
    assert np.all(tangent != 0) if NUMPY_2 else tangent.tolist() == [0j, 0j]


# -- batching -------------------------------------------------------------------------

@pytest.mark.parametrize("name, fn", PIECEWISE, ids=[name for name, _ in PIECEWISE])
def test_piecewise_batching(name, fn, rng, monkeypatch):
    x = away_from_jumps(rng, (2, 3))
    refuse_loops(monkeypatch)
    cr.check_vmap(lambda x: x * fn(x), (x,))
    check_batched_grads(lambda x: x * fn(x), (x,))


# rows that reach other areas' primitives (x[0], ravel), or loop by design: isclose of a
# list that holds a batched entry
LOOPING = {"argpartition", "lexsort", "searchsorted traced", "isclose list", "array_equiv"}
SHAPED_BY_DATA = {"nonzero", "flatnonzero", "argwhere"}


@pytest.mark.parametrize("name, call", ARRAY_FUNCTIONS, ids=[name for name, _ in ARRAY_FUNCTIONS])
def test_array_functions_batching(name, call, rng, monkeypatch):
    x = rng.uniform(-2, 2, size=(2, 3))
    if name == "result_type":  # a dtype, the same for every member: not an output of vmap
        seen = []
        cr.vmap(lambda x: seen.append(call(x)) or x)(np.stack([x, x]))
        assert seen == [call(x)]
        return
    if name in SHAPED_BY_DATA:
        with pytest.raises(TypeError, match="shape depends on the values"):
            cr.vmap(call)(np.stack([x, x]))
        return
    if name not in LOOPING:
        refuse_loops(monkeypatch)
    cr.check_vmap(call, (x,))


@pytest.mark.parametrize("call", [
    lambda x: np.argmax(x, keepdims=True), lambda x: np.argsort(x, axis=None),
    lambda x: np.count_nonzero(x > 0), lambda x: np.count_nonzero(x > 0, axis=(0, 1)),
    lambda x: np.any(x > 0, axis=(0, 1), keepdims=True), lambda x: np.isclose(x, x * 0.5),
    lambda x: np.searchsorted(np.array([-1.0, 0.0, 1.0]), x, side="right"),
    lambda x: np.lexsort(x), lambda x: np.lexsort(x, axis=0),
    lambda x: np.lexsort((x, np.array([[1.0, 0.0, 1.0], [0.0, 0.0, 1.0]]))),
    lambda x: np.allclose(x, 0.5), lambda x: np.allclose(x, x + 1e-12),
    lambda x: np.array_equal(x, x * 1.0), lambda x: np.array_equal(x, np.ones(3)),
    lambda x: np.array_equal(x, np.where(x > 0, np.nan, x), equal_nan=True),
    lambda x: np.array_equiv(x, np.ones(3)), lambda x: np.array_equiv(x, np.ones(2)),
], ids=["argmax keepdims", "argsort flat", "count_nonzero", "count_nonzero axes", "any axes",
        "isclose", "searchsorted", "lexsort array", "lexsort axis", "lexsort keys", "allclose",
        "allclose close", "array_equal", "array_equal shapes", "array_equal nan",
        "array_equiv", "array_equiv shapes"])
def test_more_calls_batching(call, rng, monkeypatch):
    refuse_loops(monkeypatch)
    cr.check_vmap(call, (rng.uniform(-2, 2, size=(2, 3)),))


def test_unique_and_masks_under_vmap_say_what_to_write():
    batch = np.array([[1.0, 2.0, 1.0], [3.0, 3.0, 3.0]])
    with pytest.raises(TypeError, match=r"np\.unique.*\n.*np\.sort"):
        cr.vmap(np.unique)(batch)
    with pytest.raises(TypeError, match=r"np\.where\(mask, x, 0\)"):
        cr.vmap(lambda x: x[np.nonzero(x > 1.5)])(batch)


def test_heaviside_and_complex_sign_batching(monkeypatch):
    x = np.array([-1.0, 0.0, 2.0, 0.0])
    refuse_loops(monkeypatch)
    cr.check_vmap(lambda h0: np.heaviside(x, h0), (np.array([0.1, 0.2, 0.3, 0.4]),))
    check_batched_grads(lambda h0: np.heaviside(x, h0), (np.array([0.1, 0.2, 0.3, 0.4]),))
    z = np.array([3.0 + 4.0j, 1.0 - 2.0j])
    cr.check_vmap(np.sign, (z,))
    check_batched_grads(np.sign, (z,))


def test_shapes_of_batched_values_are_a_members():
    seen = []
    cr.vmap(lambda x: seen.append((np.shape(x), np.ndim(x), np.size(x), x.shape)) or x)(
        np.ones((4, 2, 3)))
    assert seen == [((2, 3), 2, 6, (2, 3))]


@pytest.mark.parametrize("side", ["left", "right"])
def test_searchsorted_in_batched_sorted_arrays(side, rng, monkeypatch):
    refuse_loops(monkeypatch)
    rows = np.sort(rng.normal(size=(3, 5)), axis=1)  # each member's own sorted array
    rows[1, -2:] = np.nan  # NaNs sort last, as NumPy places them
    rows[2, 1:3] = rows[2, 0]  # ties
    for v, in_axes in ((rng.normal(size=(3, 2, 4)), 0), (np.array([np.nan, rows[2, 0], 5.0]), None),
                       (0.3, None)):
        got = cr.vmap(lambda a, v: np.searchsorted(a, v, side=side), in_axes=(0, in_axes))(rows, v)
        members = [np.searchsorted(row, v[k] if in_axes == 0 else v, side=side)
                   for k, row in enumerate(rows)]
        np.testing.assert_array_equal(got, np.stack(members))


def test_batched_values_where_no_rule_looks_are_looped_over(rng):
    # a batched kth= or rtol=: each member's own call (NumPy has no batched form of them)
    x = rng.uniform(-2, 2, size=(2, 5))
    kth = np.array([0, 3])
    got = cr.vmap(lambda x, k: np.argpartition(x, k)[k])(x, kth)
    np.testing.assert_array_equal(got, [np.argpartition(x[m], kth[m])[kth[m]] for m in range(2)])
    cr.check_vmap(lambda x, rtol: np.isclose(x, 0.5, rtol=rtol), (x[0], 2.0))
