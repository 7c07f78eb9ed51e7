"""fixed_point and root_implicit: derivatives by the implicit function theorem,
in both modes and to second order, checked against finite differences."""

import numpy as np
import pytest

import chainrule as cr

A = np.array([[0.3, 0.1], [0.05, 0.2]])


def contraction(p, x):
    return np.tanh(A @ x * p["scale"] + p["shift"])


def weighted_fixed_point(scale, shift):
    x = cr.optimize.fixed_point(contraction, {"scale": scale, "shift": shift}, np.zeros(2))
    return np.sum(x * np.array([1.0, 2.0]))


def test_fixed_point_solves_and_its_gradient_matches_finite_differences():
    args = (1.0, np.array([0.5, -0.2]))
    x = cr.optimize.fixed_point(contraction, {"scale": args[0], "shift": args[1]}, np.zeros(2))
    np.testing.assert_allclose(contraction({"scale": 1.0, "shift": args[1]}, x), x, atol=1e-12)
    cr.check_grads(weighted_fixed_point, args, modes=("fwd", "rev"), order=2)


def cubic(p, x):
    return x ** 3 + p * x - 2.0


def test_root_implicit_by_scipy_matches_finite_differences():
    cr.check_grads(lambda p: cr.optimize.root_implicit(cubic, p, np.ones(3)),
                   (np.array([1.0, 2.0, 0.5]),), modes=("fwd", "rev"), order=2)


def plain_newton(fun, x):
    """A solver chainrule could not trace (float() of every value): it is never traced."""
    x = float(x)
    for _ in range(60):
        x = x - float(fun(x)) / (3 * x * x + 1.0)
    return x


def test_root_implicit_with_any_solver_is_differentiated_without_tracing_it():
    solve = lambda p: cr.optimize.root_implicit(  # noqa: E731
        lambda p, x: x ** 3 + x - p, p, 0.0, solver=plain_newton)
    assert solve(2.0) == pytest.approx(1.0)
    assert cr.grad(solve)(2.0) == pytest.approx(0.25)  # dx/dp = 1 / (3x^2 + 1)
    cr.check_grads(solve, (2.0,), modes=("fwd", "rev"), order=3)


def test_a_pytree_solution():
    def g(p, x):
        return {"u": x["u"] - p * np.cos(x["v"]), "v": x["v"] - 0.5 * np.sin(x["u"])}

    def f(p):
        x = cr.optimize.root_implicit(g, p, {"u": 0.0, "v": 0.0})
        return x["u"] * 2.0 + x["v"]

    cr.check_grads(f, (0.7,), modes=("fwd", "rev"), order=2)


def test_the_iterations_are_not_differentiated():
    """Each iterate runs on plain values; the map is traced only at the fixed point."""
    traced_calls = []

    def logged(p, x):
        traced_calls.append(type(x).__name__ != "ndarray")
        return contraction(p, x)

    cr.grad(lambda s: np.sum(cr.optimize.fixed_point(
        logged, {"scale": s, "shift": np.ones(2)}, np.zeros(2))))(1.0)
    iterations = traced_calls.count(False)
    assert iterations > 10 and traced_calls.count(True) <= 3


def test_a_map_that_does_not_converge_is_an_error():
    with pytest.raises(RuntimeError, match="did not converge in maxiter=50"):
        cr.optimize.fixed_point(lambda p, x: -x + p, 1.0, 0.3, maxiter=50)
    with pytest.raises(FloatingPointError, match="diverges"), np.errstate(over="ignore"):
        cr.optimize.fixed_point(lambda p, x: x * x + p, 1.0, 2.0)


def test_fixed_point_of_a_pytree_in_both_modes():
    def f(p, x):  # a contraction on the pair (u, v)
        return (0.5 * np.cos(x[1]) + p, 0.3 * np.sin(x[0]) * p)

    def g(p):
        u, v = cr.optimize.fixed_point(f, p, (0.0, 0.0))
        return u + 3.0 * v

    cr.check_grads(g, (0.4,), modes=("fwd", "rev"), order=2)
