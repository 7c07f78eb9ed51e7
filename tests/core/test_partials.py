"""Elementwise rules as partial derivatives: one factor serves both modes, and a
recorded operation computes its factors once however many pullbacks or tape
replays use them."""

import numpy as np
import pytest

import chainrule as cr
from chainrule.numpy import trig


@pytest.fixture
def counted_cos(monkeypatch):
    calls = []
    (partial,) = trig.sin.partials

    def counting(ans, x):
        calls.append(np.shape(x))
        return partial(ans, x)

    monkeypatch.setattr(trig.sin, "partials", (counting,))
    return calls


@pytest.mark.parametrize("mode", ["rev", "fwd"])
def test_a_jacobian_computes_each_factor_once(counted_cos, mode):
    x = np.linspace(-1.0, 1.0, 50)
    jacobian = cr.jacobian(np.sin, mode=mode)(x)
    np.testing.assert_allclose(jacobian, np.diag(np.cos(x)))
    assert counted_cos == [(50,)]


def test_a_pullback_called_again_reuses_the_factors(counted_cos):
    x = np.array([0.1, 0.2])
    _, pullback = cr.vjp(np.sin, x)
    for cotangent in (np.ones(2), np.array([2.0, 0.0])):
        np.testing.assert_allclose(pullback(cotangent)[0], cotangent * np.cos(x))
    assert len(counted_cos) == 1


def test_one_gradient_keeps_no_factor_on_the_tape():
    from chainrule.core.reverse import Recording

    recording = Recording(lambda x: np.sum(np.sin(x)), (np.ones(3),))
    recording.pull([1.0])
    assert all(node.factors is None for node in recording.tape)
    recording.pull([1.0], again=True)
    assert any(node.factors is not None for node in recording.tape)


def test_partials_broadcast_in_both_modes():
    x, y = np.array([[1.0], [2.0]]), np.array([3.0, 4.0, 5.0])
    gx, gy = cr.grad(lambda x, y: np.sum(np.arctan2(x, y)), argnums=(0, 1))(x, y)
    assert gx.shape == (2, 1) and gy.shape == (3,)
    np.testing.assert_allclose(gx[:, 0], np.sum(y / (x * x + y * y), axis=1))
    cr.check_grads(np.arctan2, (x, y), modes=("fwd", "rev"), order=2)
