"""Exponentials and logarithms: derivatives against finite differences (both modes,
second order), values and dtypes against NumPy, and the plain ``np.`` spelling."""

import numpy as np
import pytest

import chainrule as cr
from chainrule.numpy import exp_log

UNARY = [
    #  name      domain
    ("exp",      (-2, 2)),
    ("exp2",     (-2, 2)),
    ("expm1",    (-2, 2)),
    ("log",      (0.2, 3)),
    ("log2",     (0.2, 3)),
    ("log10",    (0.2, 3)),
    ("log1p",    (-0.7, 3)),
]

BINARY = [
    #  name          domain of x   domain of y
    ("logaddexp",    (-2, 2),      (-2, 2)),
    ("logaddexp2",   (-2, 2),      (-2, 2)),
]

SHAPES = [(), (3,), (2, 3)]
SHAPE_PAIRS = [((), ()), ((3,), (3,)), ((2, 3), (2, 3)), ((3,), (2, 3)), ((2, 1), (1, 3)),
               ((), (2, 3))]


def second_tangent(fn, args):
    """The forward derivative of the forward derivative: its dtype shows upcasts in rules."""
    directions = tuple(np.ones_like(a) for a in args)
    return cr.jvp(lambda *xs: cr.jvp(fn, xs, directions)[1], args, directions)[1]


@pytest.mark.parametrize("name, domain", UNARY)
@pytest.mark.parametrize("shape", SHAPES)
def test_unary_grads(name, domain, shape, rng):
    x = rng.uniform(*domain, size=shape)
    cr.check_grads(getattr(exp_log, name), (x,), modes=("fwd", "rev"), order=2)


@pytest.mark.parametrize("name, domain", UNARY)
def test_unary_values_and_numpy_spelling(name, domain, rng):
    fn, np_fn = getattr(exp_log, name), getattr(np, name)
    x = rng.uniform(*domain, size=(2, 3))
    np.testing.assert_array_equal(fn(x), np_fn(x))
    np.testing.assert_array_equal(cr.grad(lambda x: np_fn(x).sum())(x),
                                  cr.grad(lambda x: fn(x).sum())(x))
    np.testing.assert_array_equal(cr.elementwise_grad(np_fn)(x), cr.elementwise_grad(fn)(x))
    assert cr.grad(fn)(float(x[0, 0])) == cr.grad(np_fn)(float(x[0, 0]))


@pytest.mark.parametrize("name, domain", UNARY)
def test_unary_float32(name, domain, rng):
    fn = getattr(exp_log, name)
    x = rng.uniform(*domain, size=(3,)).astype(np.float32)
    cr.check_grads(fn, (x,), modes=("fwd", "rev"), order=2)
    assert fn(x).dtype == np.float32
    assert cr.grad(lambda x: fn(x).sum())(x).dtype == np.float32
    assert cr.jvp(fn, (x,), (np.ones_like(x),))[1].dtype == np.float32
    assert second_tangent(fn, (x,)).dtype == np.float32


@pytest.mark.parametrize("name, domain_x, domain_y", BINARY)
@pytest.mark.parametrize("shape_x, shape_y", SHAPE_PAIRS)
def test_binary_grads(name, domain_x, domain_y, shape_x, shape_y, rng):
    x = rng.uniform(*domain_x, size=shape_x)
    y = rng.uniform(*domain_y, size=shape_y)
    cr.check_grads(getattr(exp_log, name), (x, y), modes=("fwd", "rev"), order=2)


@pytest.mark.parametrize("name, domain_x, domain_y", BINARY)
def test_binary_values_float32_and_numpy_spelling(name, domain_x, domain_y, rng):
    fn, np_fn = getattr(exp_log, name), getattr(np, name)
    x = rng.uniform(*domain_x, size=(3,))
    y = rng.uniform(*domain_y, size=(2, 3))
    np.testing.assert_array_equal(fn(x, y), np_fn(x, y))
    both = (0, 1)
    for got, want in zip(cr.grad(lambda x, y: np_fn(x, y).sum(), both)(x, y),
                         cr.grad(lambda x, y: fn(x, y).sum(), both)(x, y)):
        np.testing.assert_array_equal(got, want)
    x32, y32 = x.astype(np.float32), y.astype(np.float32)
    cr.check_grads(fn, (x32, y32), modes=("fwd", "rev"), order=2)
    assert fn(x32, y32).dtype == np.float32
    assert all(g.dtype == np.float32 for g in cr.grad(lambda x, y: fn(x, y).sum(), both)(x32, y32))
    assert second_tangent(fn, (x32, y32)).dtype == np.float32


# complex inputs: the rules are holomorphic, g * f'(z), as JAX's convention has them
@pytest.mark.parametrize("name", ["exp", "exp2", "expm1", "log", "log2", "log10", "log1p"])
def test_complex(name, rng):
    z = rng.uniform(0.3, 0.8, size=(3,)) + 1j * rng.uniform(0.2, 0.6, size=(3,))
    fn = getattr(exp_log, name)
    np.testing.assert_array_equal(fn(z), getattr(np, name)(z))
    cr.check_grads(fn, (z,), modes=("fwd", "rev"), order=2)


def test_known_derivatives():
    assert cr.grad(exp_log.log2)(4.0) == pytest.approx(1 / (4 * np.log(2)))
    assert cr.grad(exp_log.log10)(10.0) == pytest.approx(1 / (10 * np.log(10)))
    assert cr.grad(exp_log.exp2)(3.0) == pytest.approx(8 * np.log(2))
    assert cr.grad(exp_log.expm1)(0.0) == 1.0
    assert cr.grad(exp_log.log1p)(0.0) == 1.0
    # logaddexp: the weights are a softmax; equal arguments share evenly
    assert cr.grad(exp_log.logaddexp, (0, 1))(1.0, 1.0) == pytest.approx((0.5, 0.5))
    assert cr.grad(exp_log.logaddexp2, (0, 1))(1.0, 1.0) == pytest.approx((0.5, 0.5))
    # stable far from the origin, where exp(x) itself would overflow
    assert cr.grad(exp_log.logaddexp, (0, 1))(1000.0, 1000.0) == pytest.approx((0.5, 0.5))
    assert cr.grad(exp_log.logaddexp, (0, 1))(1000.0, 0.0) == pytest.approx((1.0, 0.0))


def test_higher_orders():
    d4 = cr.grad(cr.grad(cr.grad(cr.grad(exp_log.exp))))
    assert d4(0.5) == pytest.approx(np.exp(0.5))
    d3 = cr.deriv(cr.grad(cr.deriv(exp_log.log)))  # mixed modes: 2 / x**3
    assert d3(2.0) == pytest.approx(0.25)
