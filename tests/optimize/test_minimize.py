"""minimize over SciPy's methods: exact derivatives, pytrees in and out, the
passes counted, bounds and constraints on pytrees."""

from collections import namedtuple

import numpy as np
import pytest

import chainrule as cr
from chainrule.optimize.flat import Flat
from chainrule.optimize.objective import Objective

scipy_optimize = pytest.importorskip("scipy.optimize")


def rosen(x):
    return np.sum(100.0 * (x[1:] - x[:-1] ** 2) ** 2 + (1 - x[:-1]) ** 2)


STARTS = {2: np.array([-1.2, 1.0]), 10: np.zeros(10)}

ROSENBROCK = [
    #  method          tol      dimensions
    ("BFGS",          1e-10,   (2, 10)),
    ("L-BFGS-B",      1e-14,   (2, 10)),
    ("Newton-CG",     1e-10,   (2, 10)),
    ("trust-ncg",     1e-10,   (2, 10)),
    ("trust-exact",   1e-10,   (2, 10)),
]


@pytest.mark.parametrize("method, tol, dimensions", ROSENBROCK)
def test_rosenbrock_reaches_the_minimum(method, tol, dimensions):
    for n in dimensions:
        result = cr.optimize.minimize(rosen, STARTS[n], method=method, tol=tol)
        assert result.success, result.message
        np.testing.assert_allclose(result.x, np.ones(n), atol=1e-6)
        assert result.fun < 1e-12 and result.jac.shape == (n,)


def test_newton_cg_with_exact_hessp_needs_fewer_iterations_than_bfgs():
    newton = cr.optimize.minimize(rosen, STARTS[10], method="Newton-CG", tol=1e-10)
    bfgs = cr.optimize.minimize(rosen, STARTS[10], method="BFGS", tol=1e-10)
    assert newton.nhev > 0 and newton.nit < bfgs.nit


def test_one_pass_of_the_objective_per_value_and_gradient():
    calls = []

    def counted(x):
        calls.append(1)
        return rosen(x)

    result = cr.optimize.minimize(counted, STARTS[2], method="BFGS")
    assert len(calls) == result.nfev == result.njev > result.nit


def test_hessian_methods_on_a_pytree_agree_with_bfgs():
    """trust-exact and dogleg need the full Hessian: assembled from pytree blocks."""
    target = {"w": np.array([[1.0, -2.0], [0.5, 3.0]]), "b": 0.25}

    def loss(p):
        return (np.sum((p["w"] - target["w"]) ** 2 * np.array([1.0, 2.0]))
                + 3 * (p["b"] - target["b"]) ** 2 + np.sum(p["w"]) * p["b"] * 0.1)

    x0 = {"w": np.zeros((2, 2)), "b": 0.0}
    reference = cr.optimize.minimize(loss, x0, method="BFGS", tol=1e-12)
    for method, tol in [("trust-exact", 1e-12), ("dogleg", 1e-12), ("trust-krylov", None),
                        ("CG", 1e-12), ("TNC", 1e-12)]:
        result = cr.optimize.minimize(loss, x0, method=method, tol=tol)
        np.testing.assert_allclose(result.x["w"], reference.x["w"], atol=1e-5)
        assert abs(result.x["b"] - reference.x["b"]) < 1e-5


Params = namedtuple("Params", "scale shift")


@pytest.mark.parametrize("method", ["BFGS", "Newton-CG", "Powell", "adam"])
def test_x_and_jac_keep_the_structure_of_x0(method):
    x0 = {"layer": (np.zeros(3), Params(scale=1.0, shift=np.zeros((2, 1))))}

    def loss(p):
        vector, params = p["layer"]
        return (np.sum((vector - 1) ** 2) + (params.scale - 2) ** 2
                + np.sum((params.shift + 1) ** 2))

    options = {"lr": 0.1, "steps": 2000} if method == "adam" else {}
    result = cr.optimize.minimize(loss, x0, method=method, **options)
    vector, params = result.x["layer"]
    assert isinstance(params, Params) and isinstance(params.scale, float)
    assert vector.shape == (3,) and params.shift.shape == (2, 1)
    np.testing.assert_allclose(vector, 1.0, atol=1e-3)
    np.testing.assert_allclose(params.shift, -1.0, atol=1e-3)
    if method != "Powell":
        assert isinstance(result.jac["layer"][1], Params)


def test_extra_args_and_method_options_as_keywords():
    result = cr.optimize.minimize(lambda x, c: np.sum((x - c) ** 2), np.zeros(2),
                                  args=(np.array([1.0, 2.0]),), method="BFGS", gtol=1e-10)
    np.testing.assert_allclose(result.x, [1.0, 2.0], atol=1e-8)
    with pytest.raises(TypeError, match="given twice"):
        cr.optimize.minimize(rosen, STARTS[2], options={"gtol": 1e-3}, gtol=1e-4)


def test_path_and_both_callback_styles():
    seen, results = [], []
    result = cr.optimize.minimize(rosen, STARTS[2], method="BFGS", record_path=True,
                                  callback=seen.append)
    assert len(result.path) == result.nit + 1 == len(seen) + 1
    np.testing.assert_array_equal(result.path[0], STARTS[2])
    np.testing.assert_allclose(result.path[-1], result.x)

    def stop_early(intermediate_result):
        results.append(intermediate_result.fun)
        if len(results) == 3:
            raise StopIteration

    stopped = cr.optimize.minimize(rosen, STARTS[2], method="BFGS", callback=stop_early)
    assert len(results) == 3 and stopped.nit == 3 and not stopped.success


def test_bounds_as_pytrees_with_l_bfgs_b():
    x0 = {"a": np.zeros(2), "b": 0.0}
    bounds = scipy_optimize.Bounds({"a": [-np.inf, 0.5], "b": -np.inf}, {"a": np.inf, "b": -1.0})
    result = cr.optimize.minimize(lambda p: np.sum((p["a"] - 1) ** 2) + (p["b"] - 1) ** 2,
                                  x0, method="L-BFGS-B", bounds=bounds)
    np.testing.assert_allclose(result.x["a"], [1.0, 1.0], atol=1e-6)
    assert abs(result.x["b"] + 1.0) < 1e-8  # the upper bound is active
    pairs = cr.optimize.minimize(lambda x: np.sum((x - 2) ** 2), np.zeros(2),
                                 bounds=[(0, 1), (0, 3)])
    np.testing.assert_allclose(pairs.x, [1.0, 2.0], atol=1e-6)


def sphere(p):
    return p["x"] ** 2 + np.sum(p["y"] ** 2)


def on_the_plane(p):  # x + y0 + y1 = 3: the closest point to 0 is (1, 1, 1)
    return p["x"] + np.sum(p["y"]) - 3.0


@pytest.mark.parametrize("method", ["SLSQP", "trust-constr"])
def test_an_equality_constraint_reaches_the_known_optimum(method):
    x0 = {"x": 0.0, "y": np.zeros(2)}
    for constraint in ({"type": "eq", "fun": on_the_plane},
                       scipy_optimize.NonlinearConstraint(on_the_plane, 0.0, 0.0)):
        result = cr.optimize.minimize(sphere, x0, method=method, constraints=[constraint])
        assert result.success, result.message
        assert abs(result.x["x"] - 1) < 1e-6
        np.testing.assert_allclose(result.x["y"], [1.0, 1.0], atol=1e-6)


def test_trust_constr_with_a_curved_constraint_uses_its_exact_hessian():
    # min x + y on the circle x^2 + y^2 = 2: the optimum is (-1, -1)
    circle = {"type": "eq", "fun": lambda v: np.sum(v ** 2) - 2.0}
    result = cr.optimize.minimize(lambda v: np.sum(v), np.array([1.0, 0.0]),
                                  method="trust-constr", constraints=circle)
    np.testing.assert_allclose(result.x, [-1.0, -1.0], atol=1e-6)
    inequality = cr.optimize.minimize(lambda v: np.sum(v), np.array([0.5, 0.0]), method="SLSQP",
                                      constraints={"type": "ineq",
                                                   "fun": lambda v: 2.0 - np.sum(v ** 2)})
    np.testing.assert_allclose(inequality.x, [-1.0, -1.0], atol=1e-6)


def test_derivative_free_methods_and_the_default_choice():
    for method in ("Nelder-Mead", "Powell", "COBYLA"):
        result = cr.optimize.minimize(lambda x: np.sum((x - 0.5) ** 2), np.zeros(2),
                                      method=method, tol=1e-10)
        np.testing.assert_allclose(result.x, [0.5, 0.5], atol=1e-4)
        assert "jac" not in result and result.nfev > 0 and result.njev == 0
    bounded = cr.optimize.minimize(lambda x: np.sum((x - 2) ** 2), np.zeros(2), bounds=[(0, 1)] * 2)
    assert bounded.success and "CONVERGENCE" in bounded.message  # L-BFGS-B's words
    np.testing.assert_allclose(bounded.x, [1.0, 1.0], atol=1e-6)


def test_logistic_regression_reaches_a_tiny_gradient_and_agrees_with_newton(rng):
    features = rng.normal(size=(200, 3))
    labels = (features @ np.array([1.5, -2.0, 0.5]) + 0.3 + rng.normal(size=200) > 0) * 1.0

    def loss(p):
        z = features @ p["w"] + p["b"]
        return np.mean(np.logaddexp(0.0, z) - labels * z) + 1e-3 * np.sum(p["w"] ** 2)

    x0 = {"w": np.zeros(3), "b": 0.0}
    result = cr.optimize.minimize(loss, x0, method="trust-exact", tol=1e-12)
    assert cr.optimize.global_norm(result.jac) < 1e-6
    flat, unravel = cr.optimize.ravel_pytree(x0)
    newton = flat.copy()
    for _ in range(20):  # plain Newton on the flat vector
        flat_loss = lambda v: loss(unravel_traced(v))  # noqa: E731
        newton = newton - np.linalg.solve(cr.hessian(flat_loss)(newton), cr.grad(flat_loss)(newton))
    np.testing.assert_allclose(cr.optimize.ravel_pytree(result.x)[0], newton, atol=1e-8)


def unravel_traced(v):
    return {"b": v[0], "w": v[1:]}


def test_progress_shows_the_method_on_stderr(capsys):
    cr.optimize.minimize(rosen, STARTS[2], method="BFGS", progress=True)
    assert "BFGS" in capsys.readouterr().err


def test_the_objectives_hessp_and_hess_match_the_hessian_on_a_pytree(rng):
    def loss(p, scale):
        return scale * np.sum(np.sin(p["w"]) ** 2 * p["b"]) + p["b"] ** 3

    x0 = {"w": rng.normal(size=(2, 2)), "b": 0.7}
    flat = Flat(x0)
    objective = Objective(loss, flat, (1.5,), "test")
    v = flat.ravel(x0)
    flat_loss = lambda u: loss({"b": u[0], "w": u[1:].reshape(2, 2)}, 1.5)  # noqa: E731
    expected = cr.hessian(flat_loss)(v)
    np.testing.assert_allclose(objective.hess(v), expected, rtol=1e-12, atol=1e-12)
    for column in range(5):
        np.testing.assert_allclose(objective.hessp(v, np.eye(5)[column]), expected[:, column],
                                   rtol=1e-12, atol=1e-12)
