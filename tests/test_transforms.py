"""The transformations, on the worked examples with exact values, and their
argument handling: argnums, has_aux, pytrees, shapes."""

import math
from collections import namedtuple

import numpy as np
import pytest

import chainrule as cr
import chainrule.numpy as cnp

# -- the worked examples, with their exact values ---------------------------------------


def test_grad_of_tanh():
    assert cr.grad(np.tanh)(1.0) == pytest.approx(1 - math.tanh(1.0) ** 2, rel=1e-15)


def tanh_derivatives(t):
    """The first six derivatives of tanh as polynomials in t = tanh(x)."""
    return [
        1 - t**2,
        -2 * t + 2 * t**3,
        -2 + 8 * t**2 - 6 * t**4,
        16 * t - 40 * t**3 + 24 * t**5,
        16 - 136 * t**2 + 240 * t**4 - 120 * t**6,
        -272 * t + 1232 * t**3 - 1680 * t**5 + 720 * t**7,
    ]


def test_six_derivatives_of_tanh_by_nesting_grad():
    expected = tanh_derivatives(math.tanh(0.5))
    f = np.tanh
    for order in range(6):
        f = cr.grad(f)
        assert f(0.5) == pytest.approx(expected[order], rel=1e-12), f"order {order + 1}"


def test_six_derivatives_of_tanh_by_nesting_deriv_forward_mode():
    expected = tanh_derivatives(math.tanh(0.5))
    f = np.tanh
    for order in range(6):
        f = cr.deriv(f)
        assert f(0.5) == pytest.approx(expected[order], rel=1e-12), f"order {order + 1}"


def taylor_sin(x, terms=20):
    total, term = 0.0, x
    for n in range(terms):
        total = total + term
        term = -term * x * x / ((2 * n + 2) * (2 * n + 3))
    return total


def test_taylor_series_sin_through_a_python_loop():
    assert cr.grad(taylor_sin)(1.3) == pytest.approx(math.cos(1.3), rel=1e-13)
    assert cr.grad(cr.grad(taylor_sin))(1.3) == pytest.approx(-math.sin(1.3), rel=1e-12)
    assert cr.deriv(taylor_sin)(1.3) == pytest.approx(math.cos(1.3), rel=1e-13)


def f_seed(x1, x2):
    return np.exp(2 * x1) + x1 * x2**2 + np.cos(x2)


@pytest.mark.parametrize("mode", ["rev", "fwd"])
def test_two_argument_function_in_both_modes(mode):
    expected = (2 * math.exp(2) + 4, 4 - math.sin(2))
    result = cr.jacobian(f_seed, argnums=(0, 1), mode=mode)(1.0, 2.0)
    np.testing.assert_allclose(result, expected, rtol=1e-14)
    if mode == "rev":
        np.testing.assert_allclose(cr.grad(f_seed, argnums=(0, 1))(1.0, 2.0), expected, rtol=1e-14)


def lagrangian(a, b):
    return b * ((a + b) * (a - b))


def test_gradient_and_second_derivatives_of_b_times_a_plus_b_times_a_minus_b():
    assert cr.grad(lagrangian, argnums=(0, 1))(1.0, 2.0) == (4.0, -11.0)
    d2_da2 = cr.grad(cr.grad(lagrangian, 0), 0)(1.0, 2.0)
    d2_db2 = cr.grad(cr.grad(lagrangian, 1), 1)(1.0, 2.0)
    assert (d2_da2, d2_db2) == (4.0, -12.0)
    np.testing.assert_array_equal(
        cr.hessian(lambda v: lagrangian(v[0], v[1]))(np.array([1.0, 2.0])),
        [[4.0, 2.0], [2.0, -12.0]])


# -- nesting: no perturbation confusion, closures over outer tracers -------------------------


def test_no_perturbation_confusion():
    # d/dx [x * d/dy (x + y)] = d/dx [x * 1] = 1
    assert cr.grad(lambda x: x * cr.grad(lambda y: x + y)(2.0))(3.0) == 1.0
    assert cr.deriv(lambda x: x * cr.deriv(lambda y: x + y)(2.0))(3.0) == 1.0
    assert cr.grad(lambda x: x * cr.deriv(lambda y: x * y)(2.0))(3.0) == 6.0


def test_closure_over_an_outer_tracer():
    def outer(x):
        inner = lambda y: np.sin(x * y)  # noqa: E731
        return cr.grad(inner)(1.5)  # = x cos(1.5 x)

    x = 0.7
    expected = math.cos(1.5 * x) - 1.5 * x * math.sin(1.5 * x)
    assert cr.grad(outer)(x) == pytest.approx(expected, rel=1e-14)
    assert cr.deriv(outer)(x) == pytest.approx(expected, rel=1e-14)


@pytest.mark.parametrize("outer", [cr.grad, cr.deriv])
@pytest.mark.parametrize("inner", [cr.grad, cr.deriv])
def test_every_mix_of_modes_to_third_order(outer, inner):
    third = outer(inner(cr.grad(np.sin)))
    assert third(0.3) == pytest.approx(-math.cos(0.3), rel=1e-14)


# -- argnums, has_aux, pytrees -----------------------------------------------------------------


def test_argnums_int_and_tuple():
    f = lambda x, y, z: x * y**2 * z**3  # noqa: E731
    assert cr.grad(f, 1)(1.0, 2.0, 3.0) == 2 * 2.0 * 27
    assert cr.grad(f, (0, 2))(1.0, 2.0, 3.0) == (4 * 27.0, 4 * 27.0)
    assert cr.grad(f, -1)(1.0, 2.0, 3.0) == 4 * 27.0


def test_has_aux():
    f = lambda x: (x**2, {"note": "aux"})  # noqa: E731
    assert cr.grad(f, has_aux=True)(3.0) == (6.0, {"note": "aux"})
    assert cr.value_and_grad(f, has_aux=True)(3.0) == ((9.0, {"note": "aux"}), 6.0)


def test_keyword_arguments_are_constants():
    assert cr.grad(lambda x, scale=1.0: x * scale)(2.0, scale=3.0) == 3.0


Params = namedtuple("Params", "w b")


def test_pytree_arguments_come_back_in_the_same_structure():
    def loss(params, data):
        return np.sum((data["x"] @ params.w + params.b[0]) ** 2)

    params = Params(np.ones(3), [0.5])
    data = {"x": np.arange(6.0).reshape(2, 3)}
    gradient = cr.grad(loss)(params, data)
    assert isinstance(gradient, Params) and isinstance(gradient.b, list)
    residual = data["x"] @ params.w + 0.5
    np.testing.assert_allclose(gradient.w, 2 * data["x"].T @ residual)
    np.testing.assert_allclose(gradient.b[0], 2 * residual.sum())


def test_python_ints_are_promoted_to_float():
    assert cr.grad(lambda x: x * x)(3) == 6.0


def test_unused_argument_gets_a_zero_gradient():
    gradient = cr.grad(lambda x, y: x * 2, argnums=(0, 1))(1.0, np.ones(3))
    assert gradient[0] == 2.0
    np.testing.assert_array_equal(gradient[1], np.zeros(3))


def test_float32_stays_float32():
    x = np.array([0.5, 1.0], np.float32)
    assert cr.grad(lambda x: np.sum(np.sin(x) * 2.0))(x).dtype == np.float32
    assert cr.jacobian(lambda x: np.sin(x))(x).dtype == np.float32


# -- vjp, jvp, linearize ------------------------------------------------------------------------------


def test_vjp_pullback_is_reusable():
    out, pullback = cr.vjp(lambda x: np.sin(x) * 2, np.array([0.0, 1.0]))
    first = pullback(np.array([1.0, 0.0]))
    second = pullback(np.array([0.0, 1.0]))
    np.testing.assert_allclose(first[0], [2.0, 0.0])
    np.testing.assert_allclose(second[0], [0.0, 2 * math.cos(1.0)])
    np.testing.assert_allclose(pullback(np.array([1.0, 0.0]))[0], first[0])


def test_vjp_pytree_output():
    out, pullback = cr.vjp(lambda x: {"a": x * 2, "b": (x**2,)}, 3.0)
    assert pullback({"a": 1.0, "b": (1.0,)}) == (8.0,)


def test_jvp_and_linearize_agree():
    f = lambda x: np.tanh(x) * x  # noqa: E731
    x, v = np.array([0.1, 0.5]), np.array([1.0, -2.0])
    out, tangent = cr.jvp(f, (x,), (v,))
    out2, f_jvp = cr.linearize(f, x)
    np.testing.assert_allclose(out, out2)
    np.testing.assert_allclose(tangent, f_jvp(v))


def test_jvp_of_constant_output_is_zero():
    out, tangent = cr.jvp(lambda x: np.ones(2), (1.0,), (1.0,))
    np.testing.assert_array_equal(tangent, np.zeros(2))


# -- Jacobians, Hessians ---------------------------------------------------------------------


@pytest.mark.parametrize("mode", ["fwd", "rev", "auto"])
def test_jacobian_shape_is_output_shape_plus_input_shape(mode, rng):
    A = rng.standard_normal((2, 3, 4))
    x = rng.standard_normal((4, 5))
    jac = cr.jacobian(lambda x: np.tanh(A @ x), mode=mode)(x)
    assert jac.shape == (2, 3, 5, 4, 5)
    # d tanh(A x)[i,j,m] / d x[k,l] = (1 - tanh^2)[i,j,m] A[i,j,k] delta(m,l)
    slope = 1 - np.tanh(A @ x) ** 2
    expected = np.einsum("ijk,ml->ijmkl", A, np.eye(5)) * slope[..., None, None]
    np.testing.assert_allclose(jac, expected, atol=1e-12)


@pytest.mark.parametrize("mode", ["fwd", "rev"])
def test_jacobian_of_pytrees(mode):
    f = lambda d: (d["a"] * 2.0, d["b"].sum())  # noqa: E731
    jac = cr.jacobian(f, mode=mode)({"a": np.ones(2), "b": np.ones(3)})
    np.testing.assert_array_equal(jac[0]["a"], 2 * np.eye(2))
    np.testing.assert_array_equal(jac[0]["b"], np.zeros((2, 3)))
    np.testing.assert_array_equal(jac[1]["b"], np.ones(3))
    assert jac[1]["a"].shape == (2,)


def test_hessian_and_hvp(rng):
    A = rng.standard_normal((4, 4))
    f = lambda x: np.sum(np.tanh(A @ x))  # noqa: E731
    x, v = rng.standard_normal(4), rng.standard_normal(4)
    s = 1 - np.tanh(A @ x) ** 2
    expected = A.T @ np.diag(-2 * np.tanh(A @ x) * s) @ A
    np.testing.assert_allclose(cr.hessian(f)(x), expected, atol=1e-12)
    np.testing.assert_allclose(cr.hvp(f, x, v), expected @ v, atol=1e-12)
    np.testing.assert_allclose(cr.jacrev(cr.grad(f))(x), expected, atol=1e-12)


def test_elementwise_grad_and_deriv():
    x = np.linspace(-1, 1, 5)
    np.testing.assert_allclose(cr.elementwise_grad(np.tanh)(x), 1 - np.tanh(x) ** 2)
    np.testing.assert_allclose(cr.deriv(np.tanh)(x), 1 - np.tanh(x) ** 2)


# -- stop_gradient, checkpoint ----------------------------------------------------------------


def test_stop_gradient_in_both_modes_and_nested():
    f = lambda x: x * cr.stop_gradient(x)  # noqa: E731
    assert cr.grad(f)(3.0) == 3.0
    assert cr.deriv(f)(3.0) == 3.0
    assert cr.grad(cr.grad(lambda x: x**2 * cr.stop_gradient(x)))(3.0) == 6.0


def test_checkpoint_recomputes_in_the_backward_pass():
    calls = []

    def block(x):
        calls.append(1)
        return np.tanh(np.sin(x))

    layer = cr.checkpoint(block)
    x = np.array([0.2, 0.4])
    gradient = cr.grad(lambda x: np.sum(layer(x) ** 2))(x)
    expected = cr.grad(lambda x: np.sum(block(x) ** 2))(x)
    np.testing.assert_allclose(gradient, expected)
    assert len(calls) == 3  # forward, recomputation, and the plain reference run
    np.testing.assert_allclose(cr.hessian(lambda x: np.sum(layer(x) ** 2))(x),
                               cr.hessian(lambda x: np.sum(block(x) ** 2))(x))


def test_cnp_and_np_spellings_agree():
    x = np.array([0.3, 0.6])
    a = cr.grad(lambda x: np.sum(np.exp(np.sin(x)) * x))(x)
    b = cr.grad(lambda x: cnp.sum(cnp.exp(cnp.sin(x)) * x))(x)
    np.testing.assert_array_equal(a, b)


def test_linearize_runs_the_function_once_and_replays_the_tape():
    calls = []

    def f(x):
        calls.append(1)
        y = x * 1.0
        y[0] = np.sin(x[1]) * x[0]  # mutation is recorded like any operation
        return np.tanh(y) * x

    x = np.array([0.3, -0.8])
    out, f_jvp = cr.linearize(f, x)
    for v in (np.array([1.0, 0.0]), np.array([0.0, 1.0]), np.array([0.5, 2.0])):
        np.testing.assert_allclose(f_jvp(v), cr.jvp(f, (x,), (v,))[1], rtol=1e-14)
    assert len(calls) == 1 + 3  # once for linearize, once per reference jvp


def test_linearize_through_custom_vjp_falls_back_to_forward_mode():
    @cr.custom_vjp
    def double(x):
        return 2.0 * x

    double.defvjp(lambda x: (2.0 * x, None), lambda res, g: (2.0 * g,))
    out, f_jvp = cr.linearize(lambda x: double(x) * x, 3.0)
    assert f_jvp(1.0) == 12.0


@pytest.mark.parametrize("f, df", [
    (lambda z: z * z, lambda z: 2 * z),
    (np.sin, np.cos),
    (lambda z: np.exp(2 * z) / (1 + z), lambda z: np.exp(2 * z) * (2 * (1 + z) - 1) / (1 + z) ** 2),
])
def test_holomorphic_grad_is_the_complex_derivative(f, df):
    z = np.complex128(0.3 - 0.8j)
    np.testing.assert_allclose(cr.grad(f, holomorphic=True)(z), df(z), rtol=1e-12)
    value, gradient = cr.value_and_grad(f, holomorphic=True)(z)
    np.testing.assert_allclose((value, gradient), (f(z), df(z)), rtol=1e-12)
    # agrees with the holomorphic Jacobian in both modes
    for mode in ("fwd", "rev"):
        np.testing.assert_allclose(cr.jacobian(f, mode=mode, holomorphic=True)(z), df(z),
                                   rtol=1e-12)


def test_holomorphic_grad_refuses_real_inputs():
    with pytest.raises(TypeError, match="holomorphic=True"):
        cr.grad(lambda z: z * z, holomorphic=True)(1.0)
