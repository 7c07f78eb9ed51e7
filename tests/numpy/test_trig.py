"""Trigonometric and hyperbolic functions: derivatives against finite differences (both modes,
second order), values and dtypes against NumPy, and the plain ``np.`` spelling."""

import numpy as np
import pytest

import chainrule as cr
from chainrule.numpy import trig

from batching_checks import (check_batched_grads, check_binary_batching, check_unary_batching,
                             refuse_loops)
from elementwise_checks import (SHAPE_PAIRS, SHAPES, check_binary_grads,
                                check_binary_values_float32_and_numpy_spelling, check_complex,
                                check_unary_float32, check_unary_grads,
                                check_unary_values_and_numpy_spelling, second_tangent)

UNARY = [
    #  name      domain
    ("sin",      (-3, 3)),
    ("cos",      (-3, 3)),
    ("tan",      (-1.2, 1.2)),
    ("arcsin",   (-0.8, 0.8)),
    ("arccos",   (-0.8, 0.8)),
    ("arctan",   (-3, 3)),
    ("sinh",     (-2, 2)),
    ("cosh",     (-2, 2)),
    ("tanh",     (-2, 2)),
    ("arcsinh",  (-3, 3)),
    ("arccosh",  (1.2, 3)),
    ("arctanh",  (-0.8, 0.8)),
    ("deg2rad",  (-200, 200)),
    ("radians",  (-200, 200)),
    ("rad2deg",  (-3, 3)),
    ("degrees",  (-3, 3)),
    ("sinc",     (-3, 3)),
]

BINARY = [
    #  name       domain of x   domain of y
    ("arctan2",   (-2, 2),      (0.5, 2)),     # y, x: away from the branch cut x < 0
    ("hypot",     (0.3, 2),     (-2, -0.3)),
]


@pytest.mark.parametrize("name, domain", UNARY)
@pytest.mark.parametrize("shape", SHAPES)
def test_unary_grads(name, domain, shape, rng):
    check_unary_grads(getattr(trig, name), domain, shape, rng)


@pytest.mark.parametrize("name, domain", UNARY)
def test_unary_values_and_numpy_spelling(name, domain, rng):
    check_unary_values_and_numpy_spelling(getattr(trig, name), getattr(np, name), domain, rng)


@pytest.mark.parametrize("name, domain", UNARY)
def test_unary_float32(name, domain, rng):
    check_unary_float32(getattr(trig, name), domain, rng)


@pytest.mark.parametrize("name, domain_x, domain_y", BINARY)
@pytest.mark.parametrize("shape_x, shape_y", SHAPE_PAIRS)
def test_binary_grads(name, domain_x, domain_y, shape_x, shape_y, rng):
    check_binary_grads(getattr(trig, name), domain_x, domain_y, shape_x, shape_y, rng)


@pytest.mark.parametrize("name, domain_x, domain_y", BINARY)
def test_binary_values_float32_and_numpy_spelling(name, domain_x, domain_y, rng):
    check_binary_values_float32_and_numpy_spelling(getattr(trig, name), getattr(np, name),
                                                    domain_x, domain_y, rng)


# complex inputs: the rules are holomorphic (see check_complex)
@pytest.mark.parametrize("name", ["sin", "cos", "tan", "arcsin", "arccos", "arctan", "sinh",
                                  "cosh", "tanh", "arcsinh", "arccosh", "arctanh", "sinc"])
def test_complex(name, rng):
    check_complex(getattr(trig, name), getattr(np, name), 1, rng)


def test_known_derivatives():
    assert cr.grad(trig.tan)(0.5) == pytest.approx(1 / np.cos(0.5) ** 2)
    assert cr.grad(trig.arcsin)(0.5) == pytest.approx(1 / np.sqrt(0.75))
    assert cr.grad(trig.arccos)(0.5) == pytest.approx(-1 / np.sqrt(0.75))
    assert cr.grad(trig.arccosh)(2.0) == pytest.approx(1 / np.sqrt(3.0))
    assert cr.grad(trig.arctanh)(0.5) == pytest.approx(1 / 0.75)
    assert cr.grad(trig.arctan2, (0, 1))(1.0, 1.0) == pytest.approx((0.5, -0.5))
    assert cr.grad(trig.hypot, (0, 1))(3.0, 4.0) == pytest.approx((0.6, 0.8))
    assert cr.grad(trig.deg2rad)(10.0) == pytest.approx(np.pi / 180)
    assert cr.grad(trig.degrees)(1.0) == pytest.approx(180 / np.pi)


def test_higher_orders():
    d4 = cr.grad(cr.grad(cr.grad(cr.grad(trig.sin))))
    assert d4(0.5) == pytest.approx(np.sin(0.5))
    d3 = cr.deriv(cr.grad(cr.deriv(trig.tanh)))  # mixed modes
    t = np.tanh(0.3)
    assert d3(0.3) == pytest.approx(-2 * (1 - t**2) * (1 - 3 * t**2))


# sinc's slope (cos(pi x) - sinc(x)) / x is 0/0 at x = 0: there every order uses the
# Maclaurin coefficients, sinc^(2m)(0) = (-1)^m pi^(2m) / (2m + 1), odd orders 0.
SINC_AT_ZERO = [1.0, 0.0, -np.pi**2 / 3, 0.0, np.pi**4 / 5, 0.0]


@pytest.mark.parametrize("order", range(1, 6))
@pytest.mark.parametrize("transform", [cr.grad, cr.deriv], ids=["rev", "fwd"])
def test_sinc_at_zero(order, transform):
    derivative = trig.sinc
    for _ in range(order):
        derivative = transform(derivative)
    assert derivative(0.0) == pytest.approx(SINC_AT_ZERO[order], abs=1e-12)
    # and continuous there: the value just beside 0 is close
    assert derivative(1e-3) == pytest.approx(SINC_AT_ZERO[order], abs=1e-2 * np.pi**order)


def test_sinc_arrays_with_zeros(rng):
    x = np.array([0.0, 0.5, -1.5, 0.0])
    cr.check_grads(trig.sinc, (x,), modes=("fwd", "rev"), order=2)
    np.testing.assert_array_equal(cr.elementwise_grad(np.sinc)(x)[[0, 3]], [0.0, 0.0])
    x32 = x.astype(np.float32)
    assert cr.jvp(trig.sinc, (x32,), (np.ones_like(x32),))[1].dtype == np.float32
    assert second_tangent(trig.sinc, (x32,)).dtype == np.float32
    assert second_tangent(trig.sinc, (x,))[0] == pytest.approx(-np.pi**2 / 3)


# -- batching: vmap against a loop over the batch, one call per primitive -------------

@pytest.mark.parametrize("name, domain", UNARY)
def test_unary_batching(name, domain, rng, monkeypatch):
    check_unary_batching(getattr(trig, name), domain, rng, monkeypatch)


@pytest.mark.parametrize("name, domain_x, domain_y", BINARY)
def test_binary_batching(name, domain_x, domain_y, rng, monkeypatch):
    check_binary_batching(getattr(trig, name), domain_x, domain_y, rng, monkeypatch)


def test_sinc_batching_at_zero(monkeypatch):
    # the zeros take the Maclaurin branch member by member (no Python branch on the batch)
    x = np.array([0.0, 0.5, -1.5, 0.0])
    refuse_loops(monkeypatch)
    cr.check_vmap(trig.sinc, (x,))
    cr.check_vmap(trig.hypot, (x, x[::-1]))
    refuse_loops(monkeypatch)
    check_batched_grads(trig.sinc, (x,))
    check_batched_grads(cr.grad(lambda x: trig.sinc(x).sum()), (x,))  # second order
    check_batched_grads(trig.hypot, (x, x[::-1]))
