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


# -- under vmap: the bodies run batched, and the rules are used wherever a derivative is
# taken, inside the vmap (vmap(grad(f))) or outside it (grad(vmap(f)))

checkpointed_layer = cr.checkpoint(lambda w, x: np.tanh(w * np.tanh(x)))


@cr.custom_vjp
def shared_and_batched(w, x):
    return np.sum(w * x)


# a rule that differs from the body's derivative (each cotangent doubled), so a test sees
# which one was used
shared_and_batched.defvjp(lambda w, x: (np.sum(w * x), (w, x)),
                          lambda res, g: (2.0 * g * res[1], 2.0 * g * res[0]))

# loss(w, x) with w shared by the batch and x one example of it
LOSSES = {
    "custom_vjp rule": lambda w, x: np.sum(scaled_gradient(w * x)),
    "custom_vjp shared argument": lambda w, x: shared_and_batched(w, x) ** 2,
    "custom_vjp pytrees": lambda w, x: np.sum(pair(w, x)["product"] + pair(x, x * x)["sum"] ** 2),
    "custom_vjp zero cotangent": lambda w, x: np.sum(np.sin(x) * w),
    "custom_jvp rule": lambda w, x: np.sum(log1pexp(w * x * 4.0)),
    "checkpoint": lambda w, x: np.sum(checkpointed_layer(w, x) ** 2),
}
W = np.array([0.5, -1.5, 2.0])
XS = np.array([[0.3, 1.2, -0.7], [2.0, -0.1, 0.4], [-1.1, 0.6, 0.9], [0.2, 0.2, -2.5]])


@pytest.mark.parametrize("loss", list(LOSSES.values()), ids=list(LOSSES))
def test_custom_functions_under_vmap_match_a_loop(loss):
    per_example = [cr.grad(loss, (0, 1))(W, x) for x in XS]
    np.testing.assert_allclose(cr.vmap(loss, in_axes=(None, 0))(W, XS),
                               [loss(W, x) for x in XS], rtol=1e-13)
    # the derivative inside the vmap: per-example gradients
    for argnum in (0, 1):
        got = cr.vmap(cr.grad(loss, argnum), in_axes=(None, 0))(W, XS)
        np.testing.assert_allclose(got, [g[argnum] for g in per_example], rtol=1e-12,
                                   atol=1e-300)
    # outside it: the gradient of the batch's total, in both arguments
    def total(w, xs):
        return np.sum(cr.vmap(loss, in_axes=(None, 0))(w, xs))

    grad_w, grad_xs = cr.grad(total, (0, 1))(W, XS)
    np.testing.assert_allclose(grad_w, sum(g[0] for g in per_example), rtol=1e-12)
    np.testing.assert_allclose(grad_xs, [g[1] for g in per_example], rtol=1e-12, atol=1e-300)


def test_the_rule_is_used_where_the_derivative_is_taken_outside_the_vmap():
    # the rule doubles the cotangents, the body's own derivative would not
    xs = XS[:2]
    total = lambda w: np.sum(cr.vmap(shared_and_batched, in_axes=(None, 0))(w, xs))
    np.testing.assert_allclose(cr.grad(total)(W), 2.0 * xs.sum(axis=0))
    # and the custom_jvp rule keeps its finite value where the body overflows
    big = np.array([1000.0, 2000.0])
    assert np.all(cr.grad(lambda x: np.sum(cr.vmap(log1pexp)(x)))(big) == 1.0)
    assert np.all(cr.vmap(cr.grad(log1pexp))(big) == 1.0)


def test_custom_functions_under_vmap_in_forward_mode_and_nested_vmaps():
    tangent = np.ones_like(XS)
    loss = LOSSES["custom_jvp rule"]
    _, got = cr.jvp(lambda xs: cr.vmap(loss, in_axes=(None, 0))(W, xs), (XS,), (tangent,))
    want = [cr.jvp(lambda x: loss(W, x), (x,), (t,))[1] for x, t in zip(XS, tangent)]
    np.testing.assert_allclose(got, want, rtol=1e-12)
    nested = cr.vmap(cr.vmap(cr.grad(LOSSES["custom_vjp shared argument"], 1),
                             in_axes=(None, 0)), in_axes=(None, 0))(W, XS.reshape(2, 2, 3))
    np.testing.assert_allclose(
        nested.reshape(4, 3), [cr.grad(LOSSES["custom_vjp shared argument"], 1)(W, x)
                               for x in XS], rtol=1e-12)
