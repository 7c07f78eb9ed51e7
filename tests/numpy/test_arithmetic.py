"""Arithmetic: derivatives against finite differences (both modes, second order),
values and dtypes against NumPy, the plain ``np.`` spelling, and the edge values
where a choice is made (ties, kinks, zero exponents, clipping)."""

import numpy as np
import pytest

import chainrule as cr
import chainrule.numpy as cnp
from chainrule.numpy import arithmetic

from batching_checks import (check_batched_grads, check_binary_batching, check_unary_batching,
                             refuse_loops)
from elementwise_checks import (SHAPE_PAIRS, SHAPES, check_binary_grads,
                                check_binary_values_float32_and_numpy_spelling, check_complex,
                                check_unary_grads, check_unary_values_float32_and_numpy_spelling,
                                second_tangent)

NUMPY_2 = np.lib.NumpyVersion(np.__version__) >= "2.0.0"

# A domain is (lo, hi), or ("±", lo, hi): |x| in (lo, hi) with a random sign, to
# keep finite differences away from a kink at 0.
UNARY = [
    #  name          domain
    ("negative",     (-2, 2)),
    ("positive",     (-2, 2)),
    ("square",       (-2, 2)),
    ("sqrt",         (0.2, 3)),
    ("cbrt",         ("±", 0.3, 2)),
    ("reciprocal",   ("±", 0.3, 2)),
    ("absolute",     ("±", 0.3, 2)),
    ("abs",          ("±", 0.3, 2)),
    ("fabs",         ("±", 0.3, 2)),
]

BINARY = [
    #  name           domain of x      domain of y
    ("add",           (-2, 2),         (-2, 2)),
    ("subtract",      (-2, 2),         (-2, 2)),
    ("multiply",      (-2, 2),         (-2, 2)),
    ("divide",        (-2, 2),         ("±", 0.5, 2)),
    ("true_divide",   (-2, 2),         ("±", 0.5, 2)),
    ("power",         (0.5, 2),        (-2, 2)),
    ("maximum",       (-2, 2),         (-2, 2)),
    ("minimum",       (-2, 2),         (-2, 2)),
    ("fmax",          (-2, 2),         (-2, 2)),
    ("fmin",          (-2, 2),         (-2, 2)),
    # x / y stays in (1.18, 1.7) (or its negative): no jump within the difference step
    ("remainder",     (1.3, 1.7),      (1.0, 1.1)),
    ("mod",           (1.3, 1.7),      (1.0, 1.1)),
    ("fmod",          (-1.7, -1.3),    (1.0, 1.1)),
]


@pytest.mark.parametrize("name, domain", UNARY)
@pytest.mark.parametrize("shape", SHAPES)
def test_unary_grads(name, domain, shape, rng):
    check_unary_grads(getattr(arithmetic, name), domain, shape, rng)


@pytest.mark.parametrize("name, domain", UNARY)
def test_unary_values_float32_and_numpy_spelling(name, domain, rng):
    check_unary_values_float32_and_numpy_spelling(getattr(arithmetic, name), getattr(np, name),
                                                  domain, rng)


@pytest.mark.parametrize("name, domain_x, domain_y", BINARY)
@pytest.mark.parametrize("shape_x, shape_y", SHAPE_PAIRS)
def test_binary_grads(name, domain_x, domain_y, shape_x, shape_y, rng):
    check_binary_grads(getattr(arithmetic, name), domain_x, domain_y, shape_x, shape_y, rng)


@pytest.mark.parametrize("name, domain_x, domain_y", BINARY)
def test_binary_values_float32_and_numpy_spelling(name, domain_x, domain_y, rng):
    check_binary_values_float32_and_numpy_spelling(getattr(arithmetic, name), getattr(np, name),
                                                    domain_x, domain_y, rng)


# complex inputs: the rules are holomorphic (see check_complex)
@pytest.mark.parametrize("name, arity", [
    ("negative", 1), ("positive", 1), ("square", 1), ("sqrt", 1), ("reciprocal", 1),
    ("add", 2), ("subtract", 2), ("multiply", 2), ("divide", 2), ("power", 2),
])
def test_complex(name, arity, rng):
    check_complex(getattr(arithmetic, name), getattr(np, name), arity, rng)


def test_complex_abs():
    # |z| is real: grad = d|z|/dx - i d|z|/dy = conj(z) / |z|, and 0 at z = 0
    assert cr.grad(np.abs)(3.0 + 4.0j) == pytest.approx(0.6 - 0.8j)
    assert cr.grad(np.abs)(0j) == 0
    z = np.array([3.0 + 4.0j, 1.0 - 2.0j])
    cr.check_grads(arithmetic.absolute, (z,), modes=("fwd", "rev"), order=2)
    _, tangent = cr.jvp(np.abs, (z,), (np.array([1.0, 1j]),))
    assert not np.iscomplexobj(tangent)
    np.testing.assert_allclose(tangent, [0.6, -2.0 / np.sqrt(5.0)])


OPERATORS = [
    #  spelling                    function
    (lambda x, y: x + y,           np.add),
    (lambda x, y: x - y,           np.subtract),
    (lambda x, y: x * y,           np.multiply),
    (lambda x, y: x / y,           np.divide),
    (lambda x, y: x ** y,          np.power),
    (lambda x, y: x % y,           np.remainder),
]


@pytest.mark.parametrize("operator, np_fn", OPERATORS)
def test_python_operators(operator, np_fn, rng):
    x = rng.uniform(1.3, 1.7, size=(2, 3))
    y = rng.uniform(1.0, 1.1, size=(3,))
    cr.check_grads(operator, (x, y), modes=("fwd", "rev"), order=2)
    cr.check_grads(lambda y: operator(2.0, y), (y,), modes=("fwd", "rev"), order=2)  # reflected
    both = (0, 1)
    for got, want in zip(cr.grad(lambda x, y: operator(x, y).sum(), both)(x, y),
                         cr.grad(lambda x, y: np_fn(x, y).sum(), both)(x, y)):
        np.testing.assert_array_equal(got, want)


# -- edge values ---------------------------------------------------------------------

def grads_both_modes(fn, x, y):
    """(d fn / dx, d fn / dy) at scalar x, y, by reverse mode and by forward mode."""
    rev = cr.grad(fn, (0, 1))(x, y)
    fwd = (cr.jvp(fn, (x, y), (1.0, 0.0))[1], cr.jvp(fn, (x, y), (0.0, 1.0))[1])
    return rev, fwd


@pytest.mark.parametrize("fn", [arithmetic.maximum, arithmetic.minimum, arithmetic.fmax,
                                arithmetic.fmin, np.maximum, np.minimum])
def test_ties_split_evenly(fn):
    for grads in grads_both_modes(fn, 1.5, 1.5):
        assert tuple(grads) == (0.5, 0.5)
    x = np.array([1.0, 2.0, 3.0])
    y = np.array([1.0, 0.0, 5.0])
    gx, gy = cr.grad(lambda x, y: fn(x, y).sum(), (0, 1))(x, y)
    np.testing.assert_array_equal(gx + gy, [1.0, 1.0, 1.0])
    assert gx[0] == gy[0] == 0.5


def test_fmax_fmin_skip_nan():
    for fn in (arithmetic.fmax, arithmetic.fmin):
        for grads in grads_both_modes(fn, np.nan, 2.0):
            assert tuple(grads) == (0.0, 1.0)
        for grads in grads_both_modes(fn, 2.0, np.nan):
            assert tuple(grads) == (1.0, 0.0)


@pytest.mark.parametrize("fn", [arithmetic.absolute, arithmetic.fabs, np.abs, abs])
def test_abs_at_zero(fn):
    assert cr.grad(fn)(0.0) == 0.0
    assert cr.deriv(fn)(0.0) == 0.0
    np.testing.assert_array_equal(cr.elementwise_grad(fn)(np.array([-2.0, 0.0, 3.0])),
                                  [-1.0, 0.0, 1.0])


@pytest.mark.parametrize("exponent", [2, 3, 2.0, 3.0, np.array([2, 3, 4]), -1])
def test_power_of_negative_base_integer_exponent(exponent, rng):
    x = rng.uniform(-2, -0.5, size=(3,))
    cr.check_grads(lambda x: x**exponent, (x,), modes=("fwd", "rev"), order=2)
    cr.check_grads(lambda x: np.power(x, exponent), (x,), modes=("fwd", "rev"), order=2)
    np.testing.assert_allclose(cr.elementwise_grad(lambda x: x**exponent)(x),
                               exponent * x ** (np.asarray(exponent) - 1.0))


def test_power_zero_exponent_and_zero_base():
    # x**0 is flat: its slope is 0 everywhere, also at x = 0 (not 0 * 0**-1 = nan)
    assert cr.grad(lambda x: x**0)(0.0) == 0.0
    assert cr.grad(lambda x: x**0.0)(0.0) == 0.0
    assert cr.deriv(lambda x: x ** np.zeros(2))(np.zeros(2)).tolist() == [0.0, 0.0]
    # 0**y is flat in y for y > 0
    assert cr.grad(lambda y: 0.0**y)(2.0) == 0.0
    assert cr.deriv(lambda y: 0.0**y)(2.0) == 0.0
    assert cr.grad(lambda x: x**2)(0.0) == 0.0
    assert cr.grad(cr.grad(lambda x: x**2))(0.0) == 2.0


def test_power_float32_with_python_exponent():
    x = np.array([1.0, 2.0], np.float32)
    for fn in (lambda x: x**2, lambda x: x**0.5, lambda x: np.power(x, 3), lambda x: 2.0**x):
        assert fn(x).dtype == np.float32
        assert cr.jvp(fn, (x,), (np.ones_like(x),))[1].dtype == np.float32
        assert second_tangent(fn, (x,)).dtype == np.float32


def test_where_with_broadcasting(rng):
    condition = rng.uniform(size=(2, 3)) > 0.5
    x = rng.uniform(-2, 2, size=(3,))
    y = rng.uniform(-2, 2, size=(2, 1))

    def fn(x, y):
        return arithmetic.where(condition, x, y)

    np.testing.assert_array_equal(fn(x, y), np.where(condition, x, y))
    cr.check_grads(fn, (x, y), modes=("fwd", "rev"), order=2)
    gx, gy = cr.grad(lambda x, y: np.where(condition, x, y).sum(), (0, 1))(x, y)
    np.testing.assert_array_equal(gx, condition.sum(axis=0))
    np.testing.assert_array_equal(gy, (~condition).sum(axis=1, keepdims=True))
    # a traced condition is a constant; a scalar branch; float32 stays float32
    cr.check_grads(lambda x: np.where(x > 0, x, 0.0), (x,), modes=("fwd", "rev"), order=2)
    x32 = x.astype(np.float32)
    assert second_tangent(lambda x: np.where(x > 0, x * x, -x), (x32,)).dtype == np.float32
    # the one-argument form gives indices
    np.testing.assert_array_equal(cr.grad(lambda x: x[np.where(x > 0)].sum())(x), x > 0)


def test_clip():
    x = np.array([-2.0, 0.5, 3.0, 1.0])
    np.testing.assert_array_equal(arithmetic.clip(x, -1.0, 1.0), np.clip(x, -1.0, 1.0))
    spellings = [lambda x: np.clip(x, -1.0, 1.0), lambda x: arithmetic.clip(x, -1.0, 1.0),
                 lambda x: x.clip(-1.0, 1.0), lambda x: x.clip(min=-1.0, max=1.0)]
    if NUMPY_2:  # NumPy 2 also names the bounds of np.clip min= and max=
        spellings.append(lambda x: np.clip(x, min=-1.0, max=1.0))
    else:  # NumPy 1.x refuses them, and so does chainrule there
        for clip in (np.clip, arithmetic.clip):
            with pytest.raises(TypeError):
                clip(x, min=-1.0, max=1.0)
    # x[3] sits on the upper bound: x and the bound get half each (docs/numpy.md)
    for fn in spellings:
        np.testing.assert_array_equal(cr.elementwise_grad(fn)(x), [0.0, 1.0, 0.0, 0.5])
        _, tangent = cr.jvp(fn, (x,), (np.ones(4),))
        np.testing.assert_array_equal(tangent, [0.0, 1.0, 0.0, 0.5])
    np.testing.assert_array_equal(cr.elementwise_grad(lambda x: np.clip(x, None, 1.0))(x),
                                  [1.0, 1.0, 0.0, 0.5])
    # the bounds are differentiable too: they pass through where x is clipped
    grads = cr.grad(lambda x, lo, hi: np.clip(x, lo, hi).sum(), (0, 1, 2))(x, -1.0, 1.0)
    assert [np.asarray(g).tolist() for g in grads] == [[0.0, 1.0, 0.0, 0.5], 1.0, 1.5]


def test_clip_grads_with_broadcast_bounds(rng):
    x = rng.uniform(-2, 2, size=(2, 3))
    lo = np.array([-1.5, -0.5, 0.5])
    hi = np.array([[1.0], [1.5]])
    # keep x away from the bounds, where the finite difference would straddle a kink
    x = np.where(np.abs(x - lo) < 0.1, x + 0.2, x)
    x = np.where(np.abs(x - hi) < 0.1, x + 0.2, x)
    cr.check_grads(arithmetic.clip, (x, lo, hi), modes=("fwd", "rev"), order=2)


def test_astype():
    x = np.array([1.5, -2.5])
    fn = lambda x: cnp.astype(x, np.float32) * 2.0  # noqa: E731
    assert fn(x).dtype == np.float32
    g = cr.grad(lambda x: fn(x).sum())(x)
    assert g.dtype == np.float64 and g.tolist() == [2.0, 2.0]
    _, tangent = cr.jvp(fn, (x,), (np.ones(2),))
    assert tangent.dtype == np.float32 and tangent.tolist() == [2.0, 2.0]
    cr.check_grads(lambda x: x.astype(np.float64) ** 2, (x.astype(np.float32),),
                   modes=("fwd", "rev"), order=2)
    # a cast to an integer type carries no derivative
    assert cr.grad(lambda x: (x * x.astype(int)).sum())(x).tolist() == [1.0, -2.0]


# -- batching: vmap against a loop over the batch, one call per primitive -------------

@pytest.mark.parametrize("name, domain", UNARY)
def test_unary_batching(name, domain, rng, monkeypatch):
    check_unary_batching(getattr(arithmetic, name), domain, rng, monkeypatch)


@pytest.mark.parametrize("name, domain_x, domain_y", BINARY)
def test_binary_batching(name, domain_x, domain_y, rng, monkeypatch):
    check_binary_batching(getattr(arithmetic, name), domain_x, domain_y, rng, monkeypatch)


BATCHED = [
    #  name                  function                                          arguments
    ("where",                lambda c, x, y: np.where(c > 0, x, y),            ((2, 3), (3,), (2, 1))),
    ("where traced",         lambda x: np.where(x > 0, x, 0.0),                ((2, 3),)),
    ("clip",                 lambda x, lo, hi: np.clip(x, lo, hi),             ((2, 3), (3,), ())),
    ("clip one bound",       lambda x: np.clip(x, None, 0.5),                  ((2, 3),)),
    ("astype",               lambda x: cnp.astype(x, np.float32) * 2.0,        ((3,),)),
    ("astype int",           lambda x: x * x.astype(int),                      ((3,),)),
    ("broadcast, summed",    lambda x, y: x * y + x,                           ((3,), (2, 3))),
    ("complex abs",          lambda x: np.abs(x * (1 + 2j)),                   ((3,),)),
]


@pytest.mark.parametrize("name, function, shapes", BATCHED, ids=[c[0] for c in BATCHED])
def test_batching(name, function, shapes, rng, monkeypatch):
    refuse_loops(monkeypatch)
    args = tuple(rng.uniform(-2, 2, size=shape) for shape in shapes)
    cr.check_vmap(function, args)
    refuse_loops(monkeypatch)
    check_batched_grads(function, args)
