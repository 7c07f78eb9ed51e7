"""chainrule.scipy.integrate: values equal SciPy's; ODE derivatives by the adjoint and
forward-sensitivity equations against finite differences of the solved trajectory and
against the analytic solution of linear ODEs; quad, trapezoid and simpson."""

import numpy as np
import pytest
import scipy
import scipy.integrate
import scipy.linalg

import chainrule as cr
import chainrule.numpy as cnp
import chainrule.scipy.integrate as csi

TIGHT = {"rtol": 1e-10, "atol": 1e-12}


def forced_oscillator(y, t, k):
    return np.stack([y[1], -k * y[0] + 0.1 * np.sin(t)])


def forced_oscillator_t_first(t, y, k):
    return forced_oscillator(y, t, k)


Y0, TIMES, K = np.array([1.0, 0.5]), np.array([0.0, 0.7, 1.3, 2.0]), 2.0

# name: (chainrule call, SciPy call) on (y0, t, k)
SOLVERS = {
    "odeint": (
        lambda y0, t, k: csi.odeint(forced_oscillator, y0, t, args=(k,), **TIGHT),
        lambda y0, t, k: scipy.integrate.odeint(forced_oscillator, y0, t, args=(k,), **TIGHT)),
    "odeint tfirst": (
        lambda y0, t, k: csi.odeint(forced_oscillator_t_first, y0, t, args=(k,), tfirst=True,
                                    **TIGHT),
        lambda y0, t, k: scipy.integrate.odeint(forced_oscillator_t_first, y0, t, args=(k,),
                                                tfirst=True, **TIGHT)),
    **{f"solve_ivp {method}": (
        lambda y0, t, k, method=method: csi.solve_ivp(
            forced_oscillator_t_first, (t[0], t[-1]), y0, method=method, t_eval=t[1:-1],
            args=(k,), **TIGHT).y,
        lambda y0, t, k, method=method: scipy.integrate.solve_ivp(
            forced_oscillator_t_first, (t[0], t[-1]), y0, method=method, t_eval=t[1:-1],
            args=(k,), **TIGHT).y) for method in ("RK23", "RK45", "DOP853", "Radau", "BDF")},
}


def central_differences(f, args, argnum, eps=1e-4):
    """d f / d args[argnum], column by column, from the solved trajectories."""
    x = np.atleast_1d(np.asarray(args[argnum], dtype=float))
    columns = []
    for i in range(x.size):
        step = np.zeros_like(x)
        step.flat[i] = eps
        shifted = [list(args), list(args)]
        shifted[0][argnum] = (x + step).reshape(np.shape(args[argnum]))
        shifted[1][argnum] = (x - step).reshape(np.shape(args[argnum]))
        columns.append((f(*shifted[0]) - f(*shifted[1])) / (2 * eps))
    return np.stack(columns, axis=-1).reshape(np.shape(f(*args)) + np.shape(args[argnum]))


@pytest.mark.parametrize("name", sorted(SOLVERS))
def test_ode_values_equal_scipy(name):
    ours, theirs = SOLVERS[name]
    np.testing.assert_array_equal(ours(Y0, TIMES, K), theirs(Y0, TIMES, K))


# every Jacobian entry for the high-order methods (the low-order ones need many steps at
# these tolerances: they are checked along one direction below)
@pytest.mark.parametrize("name", ["odeint", "solve_ivp DOP853"])
def test_ode_jacobians_match_finite_differences_of_the_trajectory(name):
    ours, theirs = SOLVERS[name]
    args = (Y0, TIMES, K)
    for argnum in range(3):
        numeric = central_differences(theirs, args, argnum)
        for mode in ("fwd", "rev"):
            exact = cr.jacobian(ours, argnums=argnum, mode=mode)(*args)
            np.testing.assert_allclose(exact, numeric, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("name", ["solve_ivp RK23", "solve_ivp RK45", "solve_ivp Radau",
                                  "solve_ivp BDF"])
def test_ode_directional_derivatives_match_finite_differences(name, rng):
    ours, theirs = SOLVERS[name]
    loose = {"rtol": 1e-8, "atol": 1e-10}
    method = name.split()[1]

    def solve(y0, k, solve_ivp):
        return solve_ivp(forced_oscillator_t_first, (0.0, 1.0), y0, method=method,
                         t_eval=[0.5, 1.0], args=(k,), **loose).y

    direction, cotangent, eps = rng.normal(size=2), rng.normal(size=(2, 2)), 1e-4
    numeric = (solve(Y0 + eps * direction, K + eps, scipy.integrate.solve_ivp)
               - solve(Y0 - eps * direction, K - eps, scipy.integrate.solve_ivp)) / (2 * eps)
    _, tangent = cr.jvp(lambda y0, k: solve(y0, k, csi.solve_ivp), (Y0, K), (direction, 1.0))
    np.testing.assert_allclose(tangent, numeric, rtol=1e-5, atol=1e-6)
    _, pullback = cr.vjp(lambda y0, k: solve(y0, k, csi.solve_ivp), Y0, K)
    g_y0, g_k = pullback(cotangent)
    assert np.isclose(g_y0 @ direction + g_k, np.sum(cotangent * numeric), rtol=1e-5)


@pytest.mark.parametrize("name", ["odeint", "solve_ivp DOP853"])
def test_ode_second_order_against_finite_differences(name):
    ours, _ = SOLVERS[name]
    cr.check_grads(lambda y0, k: ours(y0, TIMES, k)[-1], (Y0, K), modes=("fwd", "rev"),
                   order=2)


@pytest.mark.parametrize("mode", ["fwd", "rev"])
def test_linear_ode_sensitivity_is_the_matrix_exponential(mode, rng):
    a = rng.normal(size=(3, 3))
    t = np.array([0.0, 0.8])
    solution = lambda x0: csi.odeint(lambda x, s, a: a @ x, x0, t, args=(a,), **TIGHT)[-1]  # noqa: E731
    np.testing.assert_allclose(cr.jacobian(solution, mode=mode)(rng.normal(size=3)),
                               scipy.linalg.expm(0.8 * a), rtol=1e-7, atol=1e-9)


@pytest.mark.parametrize("outer", [cr.grad, lambda f: (lambda k, x0: cr.jvp(
    lambda k: f(k, x0), (k,), (1.0,))[1])])
def test_decay_second_derivative_in_the_initial_state_and_rate(outer):
    """x' = -k x: x(t) = x0 exp(-k t), d2 x / dk dx0 = -t exp(-k t)."""
    t = np.array([0.0, 1.5])

    def endpoint(k, x0):
        return csi.odeint(lambda x, s, k: -k * x, cnp.array([x0]), t, args=(k,), **TIGHT)[-1, 0]

    d_x0 = lambda k, x0: cr.grad(endpoint, argnums=1)(k, x0)  # noqa: E731
    second = (cr.grad(d_x0) if outer is cr.grad else outer(d_x0))(0.4, 2.0)
    assert np.isclose(second, -1.5 * np.exp(-0.6), rtol=1e-7)


def test_decay_third_derivative_in_the_rate():
    """The rules' solves are differentiated again: d3 x / dk3 = -t^3 x0 exp(-k t)."""
    t = np.array([0.0, 1.5])
    endpoint = lambda k: csi.odeint(lambda x, s, k: -k * x, np.array([2.0]), t,  # noqa: E731
                                    args=(k,), **TIGHT)[-1, 0]
    assert np.isclose(cr.grad(cr.grad(cr.grad(endpoint)))(0.4), -2 * 1.5 ** 3 * np.exp(-0.6),
                      rtol=1e-7)


def test_time_gradient_is_the_slope():
    t = np.array([0.0, 1.0])
    slope = cr.grad(lambda end: csi.odeint(lambda y, s: -y, np.array([1.0]), np.stack(
        [t[0], end]), **TIGHT)[-1, 0])(1.0)
    assert np.isclose(slope, -np.exp(-1.0), rtol=1e-8)


def test_solve_ivp_without_t_eval_keeps_the_solver_steps():
    ours = csi.solve_ivp(forced_oscillator_t_first, (0.0, 2.0), Y0, args=(K,))
    theirs = scipy.integrate.solve_ivp(forced_oscillator_t_first, (0.0, 2.0), Y0, args=(K,))
    np.testing.assert_array_equal(ours.t, theirs.t)
    np.testing.assert_allclose(ours.y, theirs.y, rtol=1e-12)
    end = lambda t1: csi.solve_ivp(lambda t, y: -y, (0.0, t1), np.array([1.0]),  # noqa: E731
                                   **TIGHT).y[0, -1]
    assert np.isclose(cr.grad(end)(1.0), -np.exp(-1.0), rtol=1e-7)


def test_plain_scipy_odeint_on_tracers_raises_naming_chainrule():
    with pytest.raises(TypeError, match="chainrule"):
        cr.grad(lambda y0: scipy.integrate.odeint(lambda y, t: -y, y0, [0.0, 1.0])[-1, 0])(
            np.array([1.0]))


def test_a_right_hand_side_closing_over_a_traced_value_is_refused():
    def endpoint(k):
        return csi.odeint(lambda y, t: -k * y, np.array([1.0]), np.array([0.0, 1.0]))[-1, 0]
    with pytest.raises(TypeError, match="args"):
        cr.grad(endpoint)(1.0)


def test_dense_output_with_tracers_is_refused():
    with pytest.raises(NotImplementedError, match="t_eval"):
        cr.grad(lambda y0: csi.solve_ivp(lambda t, y: -y, (0.0, 1.0), y0, dense_output=True)
                .y[0, -1])(np.array([1.0]))


# -- quad, trapezoid, simpson ------------------------------------------------------------

QUADS = {
    "finite limits": (lambda x, k: np.exp(k * x) * np.sin(x), (0.2, 1.3, 0.5)),
    "infinite limit": (lambda x, k: np.exp(-k * x * x), (0.2, np.inf, 0.7)),
    "array parameter": (lambda x, p: p[0] * np.cos(p[1] * x), (0.0, 2.0, np.array([1.5, 0.8]))),
}


@pytest.mark.parametrize("name", sorted(QUADS))
def test_quad_value_and_derivatives_in_limits_and_args(name):
    integrand, (a, b, p) = QUADS[name]
    value, error = csi.quad(integrand, a, b, args=(p,))
    assert (value, error) == scipy.integrate.quad(integrand, a, b, args=(p,))
    if np.isfinite(b):
        cr.check_grads(lambda a, b, p: csi.quad(integrand, a, b, args=(p,))[0], (a, b, p),
                       modes=("fwd", "rev"), order=2)
    else:
        cr.check_grads(lambda a, p: csi.quad(integrand, a, b, args=(p,))[0], (a, p),
                       modes=("fwd", "rev"), order=2)


def test_quad_limit_rules_are_the_endpoint_values():
    f = lambda x: np.sin(x) ** 2  # noqa: E731
    ga, gb = cr.grad(lambda a, b: csi.quad(f, a, b)[0], argnums=(0, 1))(0.3, 1.1)
    assert np.isclose(ga, -f(0.3)) and np.isclose(gb, f(1.1))


SAMPLED = [
    # (name, samples, axis, with x, x 1-D)
    ("odd, uniform", (7,), -1, False, True),
    ("even, uniform", (6,), -1, False, True),
    ("odd, x", (7,), -1, True, True),
    ("even, x", (8,), -1, True, True),
    ("two samples, x", (2,), -1, True, True),
    ("2-D along axis 0, x 1-D", (5, 3), 0, True, True),
    ("2-D along axis 1, x 2-D", (3, 6), 1, True, False),
]


@pytest.mark.parametrize("rule", ["trapezoid", "simpson"])
@pytest.mark.parametrize("name, shape, axis, with_x, x_1d", SAMPLED)
def test_sampled_rules_equal_scipy_and_differentiate_in_y_and_x(rule, name, shape, axis,
                                                                with_x, x_1d, rng):
    theirs = getattr(scipy.integrate, rule, None)
    if theirs is None:
        pytest.skip(f"this SciPy has no scipy.integrate.{rule}")
    if rule == "simpson" and shape[axis] % 2 == 0 and np.lib.NumpyVersion(
            scipy.__version__) < "1.11.0":
        pytest.skip("SciPy < 1.11 has another rule for an even number of samples")
    ours = getattr(csi, rule)
    y = rng.normal(size=shape)
    length = shape[axis]
    x = np.cumsum(rng.uniform(0.5, 1.5, size=length if x_1d else shape), axis=axis)
    if with_x:
        np.testing.assert_allclose(ours(y, x, axis=axis), theirs(y, x=x, axis=axis),
                                   rtol=1e-12)
        cr.check_grads(lambda y, x: ours(y, x, axis=axis), (y, x), modes=("fwd", "rev"),
                       order=2)
    else:
        np.testing.assert_allclose(ours(y, dx=0.3, axis=axis), theirs(y, dx=0.3, axis=axis),
                                   rtol=1e-12)
        cr.check_grads(lambda y, dx: ours(y, dx=dx, axis=axis), (y, 0.3),
                       modes=("fwd", "rev"), order=2)


def test_coverage_rows():
    assert {name for name, _, _ in csi.coverage_rows()} == {
        "scipy.integrate.odeint", "scipy.integrate.quad", "scipy.integrate.simpson",
        "scipy.integrate.solve_ivp", "scipy.integrate.trapezoid"}


# -- batching: the solvers have no batched form in SciPy, so vmap runs them member by member

@pytest.mark.parametrize("name", sorted(QUADS))
def test_quad_batching(name):
    integrand, (a, b, p) = QUADS[name]
    cr.check_vmap(lambda a, p: csi.quad(integrand, a, b, args=(p,))[0], (a, p), rtol=1e-9)


def test_quad_derivatives_under_vmap():
    integrand, (a, b, k) = QUADS["finite limits"]
    ks = np.array([0.3, 0.5, 0.9])
    slope = cr.vmap(cr.grad(lambda k: csi.quad(integrand, a, b, args=(k,))[0]))(ks)
    np.testing.assert_allclose(
        slope, [cr.grad(lambda k: csi.quad(integrand, a, b, args=(k,))[0])(k) for k in ks])


def test_odeint_batching():
    t = np.linspace(0.0, 1.0, 3)
    cr.check_vmap(lambda y0, k: csi.odeint(forced_oscillator, y0, t, args=(k,), **TIGHT),
                  (np.array([1.0, 0.0]), 0.7), rtol=1e-6, atol=1e-8)


def test_solve_ivp_under_vmap_says_what_to_write():
    with pytest.raises(NotImplementedError, match="odeint"):
        cr.vmap(lambda y0: csi.solve_ivp(lambda t, y: -y, (0.0, 1.0), y0, t_eval=[1.0]).y)(
            np.ones((2, 1)))
