"""The first-order optimisers: their update rules, purity, pytrees, clipping,
schedules, and minimize's loop around them."""

from collections import namedtuple

import numpy as np
import pytest

import chainrule as cr
from chainrule.optimize.first_order import FIRST_ORDER

OPTIMIZERS = [
    #  optimiser                                   steps
    (cr.optimize.SGD(lr=0.1),                       200),
    (cr.optimize.Momentum(lr=0.05, momentum=0.9),   300),
    (cr.optimize.Nesterov(lr=0.05, momentum=0.9),   300),
    (cr.optimize.RMSProp(lr=0.01),                  800),
    (cr.optimize.Adagrad(lr=0.5),                   800),
    (cr.optimize.Adam(lr=0.05),                     800),
    (cr.optimize.AdamW(lr=0.05, weight_decay=0.0),  800),
]

Layer = namedtuple("Layer", "w b")
TARGET = Layer(w=np.array([[1.0, -1.0], [0.5, 2.0]]), b=-0.5)


def quadratic(params):
    return np.sum((params["layer"].w - TARGET.w) ** 2) + (params["layer"].b - TARGET.b) ** 2


@pytest.mark.parametrize("optimizer, steps", OPTIMIZERS,
                         ids=[type(o).__name__ for o, _ in OPTIMIZERS])
def test_each_optimiser_reaches_the_minimum_of_a_pytree_quadratic_purely(optimizer, steps):
    params = {"layer": Layer(w=np.zeros((2, 2)), b=0.0)}
    start = params["layer"].w.copy()
    state = optimizer.init(params)
    gradient = cr.grad(quadratic)
    first = params
    for _ in range(steps):
        params, state = optimizer.update(gradient(params), state, params)
    np.testing.assert_array_equal(first["layer"].w, start)  # the caller's arrays untouched
    assert isinstance(params["layer"], Layer) and state.step == steps
    np.testing.assert_allclose(params["layer"].w, TARGET.w, atol=2e-3)
    assert abs(params["layer"].b - TARGET.b) < 2e-3


def test_adam_matches_its_formula_for_two_steps():
    opt = cr.optimize.Adam(lr=0.1, b1=0.9, b2=0.99, eps=1e-8)
    p, state = np.array([1.0, -1.0]), None
    state = opt.init(p)
    m = v = np.zeros(2)
    expected = p.copy()
    for t, g in enumerate([np.array([0.5, 2.0]), np.array([-1.0, 1.0])], start=1):
        p, state = opt.update(g, state, p)
        m, v = 0.9 * m + 0.1 * g, 0.99 * v + 0.01 * g * g
        expected = expected - 0.1 * (m / (1 - 0.9 ** t)) / (np.sqrt(v / (1 - 0.99 ** t)) + 1e-8)
        np.testing.assert_allclose(p, expected, rtol=1e-14)


def test_clip_norm_rescales_the_whole_gradient():
    opt = cr.optimize.SGD(lr=1.0, clip_norm=1.0)
    new, _ = opt.update({"a": np.array([3.0]), "b": 4.0}, opt.init({"a": np.zeros(1), "b": 0.0}),
                        {"a": np.zeros(1), "b": 0.0})
    np.testing.assert_allclose(new["a"], [-0.6])
    assert abs(new["b"] + 0.8) < 1e-15


def test_a_schedule_sets_each_steps_rate():
    opt = cr.optimize.SGD(lr=cr.optimize.exponential_decay(1.0, decay_rate=0.5))
    p, state = 0.0, opt.init(0.0)
    for _ in range(3):
        p, state = opt.update(1.0, state, p)
    assert p == -(1.0 + 0.5 + 0.25)


@pytest.mark.parametrize("schedule, step, rate", [
    (cr.optimize.constant(0.3), 10, 0.3),
    (cr.optimize.exponential_decay(1.0, 0.1, decay_steps=10, staircase=True), 15, 0.1),
    (cr.optimize.cosine_decay(2.0, steps=10, alpha=0.5), 10, 1.0),
    (cr.optimize.warmup(0.4, warmup_steps=4), 1, 0.1),
    (cr.optimize.warmup(0.4, warmup_steps=4), 100, 0.4),
])
def test_schedules(schedule, step, rate):
    assert schedule(step) == pytest.approx(rate)


def test_mismatched_gradients_are_an_error():
    opt = cr.optimize.Adam()
    params = {"w": np.zeros(3)}
    with pytest.raises(ValueError, match=r"params\['w'\] has shape \(2,\)"):
        opt.update({"w": np.zeros(2)}, opt.init(params), params)
    with pytest.raises(ValueError, match="structure"):
        opt.update({"v": np.zeros(3)}, opt.init(params), params)


def test_a_step_can_itself_be_differentiated():
    """The update is written with NumPy operations: d(after one SGD step)/d lr."""
    def after_one_step(lr):
        opt = cr.optimize.SGD(lr=lr)
        p, _ = opt.update(2.0, opt.init(1.0), 1.0)
        return p

    assert cr.grad(after_one_step)(0.1) == -2.0


LINEAR = [("adam", {"lr": 0.05, "steps": 3000}),
          ("momentum", {"lr": 0.02, "momentum": 0.9, "steps": 3000}),
          ("nesterov", {"lr": 0.02, "steps": 3000}),
          ("adamw", {"lr": 0.05, "weight_decay": 0.0, "steps": 3000, "schedule": "cosine"})]


@pytest.mark.parametrize("method, options", LINEAR, ids=[m for m, _ in LINEAR])
def test_minimize_fits_a_linear_model_on_a_dict_of_parameters(method, options, rng):
    inputs = rng.normal(size=(50, 3))
    true_w, true_b = np.array([2.0, -1.0, 0.5]), 0.7
    outputs = inputs @ true_w + true_b

    def loss(p, x, y):
        return np.mean((x @ p["w"] + p["b"] - y) ** 2)

    result = cr.optimize.minimize(loss, {"w": np.zeros(3), "b": 0.0}, method=method,
                                  args=(inputs, outputs), gtol=1e-8, **options)
    np.testing.assert_allclose(result.x["w"], true_w, atol=1e-4)
    assert abs(result.x["b"] - true_b) < 1e-4
    assert result.nfev == result.njev and result.nit <= options["steps"]
    assert set(result.jac) == {"w", "b"}


def test_the_loop_stops_for_each_reason_and_says_so():
    square = lambda x: np.sum(x ** 2)  # noqa: E731
    converged = cr.optimize.minimize(square, np.ones(2), method="gd", lr=0.25, gtol=1e-9)
    assert converged.success and converged.status == 0 and "gtol" in converged.message
    limited = cr.optimize.minimize(square, np.ones(2), method="gd", lr=1e-3, steps=5)
    assert not limited.success and limited.status == 1 and limited.nit == 5
    assert "steps=5" in limited.message
    flat = cr.optimize.minimize(square, np.ones(2), method="gd", lr=1e-3, tol=1e-2)
    assert flat.success and "tol" in flat.message and flat.nit < 20
    diverged = cr.optimize.minimize(lambda x: -x ** 3, 1.0, method="gd", lr=1.0, steps=100,
                                    record_path=True)
    assert diverged.status == 2 and not diverged.success and np.isfinite(diverged.fun)
    assert "bounded below" in diverged.message and np.isfinite(diverged.path[-1])
    def stop(x):
        raise StopIteration

    stopped = cr.optimize.minimize(square, np.ones(2), method="adam", lr=0.1, callback=stop)
    assert stopped.status == 99 and stopped.nit == 1


def test_path_records_every_iterate_and_progress_prints(capsys):
    result = cr.optimize.minimize(lambda x: (x - 2.0) ** 2, 0.0, method="momentum", lr=0.1,
                                  steps=40, record_path=True, progress=True)
    assert len(result.path) == result.nit + 1 and result.path[0] == 0.0
    assert result.path[-1] == result.x
    assert "momentum" in capsys.readouterr().err


def test_every_method_name_is_a_class():
    assert {cls.__name__ for cls in FIRST_ORDER.values()} == {
        "SGD", "Momentum", "Nesterov", "RMSProp", "Adagrad", "Adam", "AdamW"}
