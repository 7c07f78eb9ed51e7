"""Exponentials and logarithms: derivatives against finite differences (both modes,
second order), values and dtypes against NumPy, and the plain ``np.`` spelling."""

import numpy as np
import pytest

import chainrule as cr
from chainrule.numpy import exp_log

from batching_checks import check_binary_batching, check_unary_batching
from elementwise_checks import (SHAPE_PAIRS, SHAPES, check_binary_grads,
                                check_binary_values_float32_and_numpy_spelling, check_complex,
                                check_unary_float32, check_unary_grads,
                                check_unary_values_and_numpy_spelling)

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


@pytest.mark.parametrize("name, domain", UNARY)
@pytest.mark.parametrize("shape", SHAPES)
def test_unary_grads(name, domain, shape, rng):
    check_unary_grads(getattr(exp_log, name), domain, shape, rng)


@pytest.mark.parametrize("name, domain", UNARY)
def test_unary_values_and_numpy_spelling(name, domain, rng):
    check_unary_values_and_numpy_spelling(getattr(exp_log, name), getattr(np, name), domain, rng)


@pytest.mark.parametrize("name, domain", UNARY)
def test_unary_float32(name, domain, rng):
    check_unary_float32(getattr(exp_log, name), domain, rng)


@pytest.mark.parametrize("name, domain_x, domain_y", BINARY)
@pytest.mark.parametrize("shape_x, shape_y", SHAPE_PAIRS)
def test_binary_grads(name, domain_x, domain_y, shape_x, shape_y, rng):
    check_binary_grads(getattr(exp_log, name), domain_x, domain_y, shape_x, shape_y, rng)


@pytest.mark.parametrize("name, domain_x, domain_y", BINARY)
def test_binary_values_float32_and_numpy_spelling(name, domain_x, domain_y, rng):
    check_binary_values_float32_and_numpy_spelling(getattr(exp_log, name), getattr(np, name),
                                                    domain_x, domain_y, rng)


# complex inputs: the rules are holomorphic (see check_complex)
@pytest.mark.parametrize("name", ["exp", "exp2", "expm1", "log", "log2", "log10", "log1p"])
def test_complex(name, rng):
    check_complex(getattr(exp_log, name), getattr(np, name), 1, rng)


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


# -- batching: vmap against a loop over the batch, one call per primitive -------------

@pytest.mark.parametrize("name, domain", UNARY)
def test_unary_batching(name, domain, rng, monkeypatch):
    check_unary_batching(getattr(exp_log, name), domain, rng, monkeypatch)


@pytest.mark.parametrize("name, domain_x, domain_y", BINARY)
def test_binary_batching(name, domain_x, domain_y, rng, monkeypatch):
    check_binary_batching(getattr(exp_log, name), domain_x, domain_y, rng, monkeypatch)
