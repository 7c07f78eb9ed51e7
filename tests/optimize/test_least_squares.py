"""least_squares, root and curve_fit with exact Jacobians, on pytrees."""

import numpy as np
import pytest

import chainrule as cr

pytest.importorskip("scipy.optimize")

T = np.linspace(0.0, 2.0, 25)


def decay(p):  # 25 residuals, 3 unknowns: forward mode is the cheaper
    return p["amplitude"] * np.exp(-p["rate"] * T) + p["offset"] - (3.0 * np.exp(-1.5 * T) + 0.5)


def test_least_squares_fits_a_pytree_with_the_exact_jacobian():
    x0 = {"amplitude": 1.0, "rate": 1.0, "offset": 0.0}
    fit = cr.optimize.least_squares(decay, x0)
    assert fit.success and fit.jac_mode == "fwd"
    assert abs(fit.x["amplitude"] - 3.0) < 1e-8 and abs(fit.x["rate"] - 1.5) < 1e-8
    assert fit.fun.shape == T.shape and fit.jac.shape == (25, 3)
    flat, unravel = cr.optimize.ravel_pytree(fit.x)
    numeric = cr.finite_difference(lambda v: decay(unravel(v)), flat)
    np.testing.assert_allclose(fit.jac, numeric, atol=1e-6)


def test_least_squares_picks_reverse_mode_for_few_residuals_and_takes_bounds():
    def residuals(x):  # 2 residuals of 30 unknowns
        return np.stack([np.sum(x) - 3.0, np.sum(x ** 2) - 1.0])

    fit = cr.optimize.least_squares(residuals, np.linspace(0.0, 1.0, 30))
    assert fit.jac_mode == "rev" and fit.cost < 1e-12
    bounded = cr.optimize.least_squares(lambda x: x - 2.0, np.full(2, 0.5),
                                            bounds=(0.0, [1.0, 3.0]))
    np.testing.assert_allclose(bounded.x, [1.0, 2.0], atol=1e-8)


def test_root_on_a_pytree():
    def equations(p):
        return {"u": p["u"] ** 2 - p["v"], "v": p["u"] + p["v"] - 2.0}

    for method in ("hybr", "lm", "krylov"):
        solution = cr.optimize.root(equations, {"u": 0.5, "v": 0.5}, method=method)
        assert abs(solution.x["u"] - 1.0) < 1e-6 and abs(solution.x["v"] - 1.0) < 1e-6
    with pytest.raises(ValueError, match="as many equations as unknowns"):
        cr.optimize.root(lambda x: np.sum(x), np.ones(2))


def test_curve_fit_with_the_exact_jacobian_matches_the_data():
    def model(x, a, b, c):
        return a * np.exp(-b * x) + c

    y = model(T, 2.5, 1.3, 0.5)
    popt, pcov = cr.optimize.curve_fit(model, T, y, p0=[1.0, 1.0, 0.0])
    np.testing.assert_allclose(popt, [2.5, 1.3, 0.5], atol=1e-8)
    assert pcov.shape == (3, 3)
    guessed, _ = cr.optimize.curve_fit(lambda x, a, b: a * x + b, T, 2 * T - 1)  # p0: ones
    np.testing.assert_allclose(guessed, [2.0, -1.0], atol=1e-10)
