"""custom_vjp and custom_jvp inside every transformation, to higher order."""

import math

import numpy as np
import pytest

import chainrule as cr


@cr.custom_vjp
def scaled_gradient(x):
    return np.sin(x)


scaled_gradient.defvjp(lambda x: (np.sin(x), x), lambda x, g: (g * np.cos(x) * 10.0,))


def test_custom_vjp_rule_is_used_in_reverse_mode():
    assert cr.grad(scaled_gradient)(0.5) == pytest.approx(10 * math.cos(0.5))


def test_custom_vjp_to_second_order_differentiates_the_rule():
    assert cr.grad(cr.grad(scaled_gradient))(0.5) == pytest.approx(-10 * math.sin(0.5))


def test_custom_vjp_in_forward_mode_differentiates_the_body():
    assert cr.deriv(scaled_gradient)(0.5) == pytest.approx(math.cos(0.5))


def test_custom_vjp_inside_jvp_of_grad():
    # forward over reverse: the outer forward level differentiates the inner rule
    assert cr.deriv(cr.grad(scaled_gradient))(0.5) == pytest.approx(-10 * math.sin(0.5))


@cr.custom_vjp
def pair(x, y):
    return {"sum": x + y, "product": x * y}


pair.defvjp(
    lambda x, y: (pair(x, y), (x, y)),
    lambda res, g: (g["sum"] + g["product"] * res[1], g["sum"] + g["product"] * res[0]),
)


def test_custom_vjp_with_pytree_inputs_and_outputs():
    assert cr.grad(lambda x, y: pair(x, y)["product"], (0, 1))(2.0, 3.0) == (3.0, 2.0)
    assert cr.grad(lambda x: pair(x, 3.0)["sum"])(2.0) == 1.0


def test_custom_vjp_bwd_may_return_none_for_a_zero_cotangent():
    @cr.custom_vjp
    def first(x, y):
        return x * y

    first.defvjp(lambda x, y: (x * y, y), lambda y, g: (g * y, None))
    assert cr.grad(first, (0, 1))(2.0, 3.0) == (3.0, 0.0)


@cr.custom_jvp
def log1pexp(x):
    return np.log(1 + np.exp(x))


log1pexp.defjvp(lambda primals, tangents: (
    log1pexp(primals[0]), tangents[0] / (1 + np.exp(-primals[0]))))


def test_custom_jvp_in_forward_mode():
    # the rule stays finite where differentiating the body would give nan
    assert cr.deriv(log1pexp)(1000.0) == 1.0


def test_custom_jvp_in_reverse_mode_transposes_the_rule():
    assert cr.grad(log1pexp)(1000.0) == 1.0
    assert cr.grad(log1pexp)(0.0) == pytest.approx(0.5)


@pytest.mark.parametrize("outer", [cr.grad, cr.deriv])
@pytest.mark.parametrize("inner", [cr.grad, cr.deriv])
def test_custom_jvp_second_derivative_in_every_mode_mix(outer, inner):
    sigma = 1 / (1 + math.exp(-0.3))
    assert outer(inner(log1pexp))(0.3) == pytest.approx(sigma * (1 - sigma), rel=1e-12)


def test_custom_jvp_on_arrays_and_in_a_hessian():
    x = np.array([0.1, -0.4, 2.0])
    sigma = 1 / (1 + np.exp(-x))
    np.testing.assert_allclose(cr.grad(lambda x: np.sum(log1pexp(x)))(x), sigma)
    np.testing.assert_allclose(cr.hessian(lambda x: np.sum(log1pexp(x)))(x),
                               np.diag(sigma * (1 - sigma)), atol=1e-14)


def test_custom_functions_without_rules_raise():
    @cr.custom_vjp
    def f(x):
        return x

    with pytest.raises(NotImplementedError, match="defvjp"):
        cr.grad(f)(1.0)
