"""The same transformations on CuPy arrays (on a GPU): results stay CuPy arrays
and equal NumPy's. Skipped, with the reason in the test output, where CuPy or
a CUDA device is missing."""

import numpy as np
import pytest

import chainrule as cr
from logistic_cases import logistic_data, logistic_loss


def _cupy_with_a_device():
    try:
        import cupy
    except ImportError:
        return None, "CuPy is not installed (pip install cupy-cuda12x on a machine with a GPU)"
    try:
        if cupy.cuda.runtime.getDeviceCount() < 1:
            return None, "CuPy is installed but sees no CUDA device"
    except Exception as error:  # CUDA driver missing: CuPy raises its own runtime errors
        return None, f"CuPy is installed but CUDA is not usable here ({type(error).__name__})"
    return cupy, ""


cupy, WHY_NOT = _cupy_with_a_device()
if cupy is None:
    pytest.skip(f"CuPy tests skipped: {WHY_NOT}", allow_module_level=True)

TOLERANCE = 1e-12


@pytest.fixture
def data(rng):
    return logistic_data(rng, 64, 5)


def on_gpu(*arrays):
    return tuple(cupy.asarray(a) for a in arrays)


def assert_on_gpu_and_close(got, want):
    assert isinstance(got, cupy.ndarray), type(got)
    np.testing.assert_allclose(cupy.asnumpy(got), want, rtol=TOLERANCE, atol=TOLERANCE)


def test_gradient_and_value_stay_on_the_gpu(data):
    w, X, y = data
    value, gradient = cr.value_and_grad(logistic_loss, argnums=(0, 1))(*on_gpu(w, X, y))
    want_value, want_gradient = cr.value_and_grad(logistic_loss, argnums=(0, 1))(w, X, y)
    assert_on_gpu_and_close(value, want_value)
    assert_on_gpu_and_close(gradient[0], want_gradient[0])
    assert_on_gpu_and_close(gradient[1], want_gradient[1])


def test_jvp_hessian_jacobian_vmap(data):
    w, X, y = data
    gw, gX, gy = on_gpu(w, X, y)
    tangent = np.ones_like(w)
    assert_on_gpu_and_close(cr.jvp(lambda w: logistic_loss(w, gX, gy), (gw,), on_gpu(tangent))[1],
                            cr.jvp(lambda w: logistic_loss(w, X, y), (w,), (tangent,))[1])
    assert_on_gpu_and_close(cr.hessian(logistic_loss)(gw, gX, gy), cr.hessian(logistic_loss)(w, X, y))
    assert_on_gpu_and_close(cr.jacobian(lambda w: np.tanh(gX[:4] @ w))(gw),
                            cr.jacobian(lambda w: np.tanh(X[:4] @ w))(w))
    assert_on_gpu_and_close(cr.vmap(lambda w: logistic_loss(w, gX, gy))(cupy.stack([gw, 2 * gw])),
                            cr.vmap(lambda w: logistic_loss(w, X, y))(np.stack([w, 2 * w])))


def test_item_assignment(rng):
    x = rng.standard_normal((6, 3))

    def f(x):
        z = x * 2.0
        z[:, 1] = 0.0
        z[z > 1.0] *= 3.0
        return np.sum(np.sin(z))

    assert_on_gpu_and_close(cr.grad(f)(cupy.asarray(x)), cr.grad(f)(x))


@pytest.mark.parametrize("name", ["sin", "exp", "tanh", "sqrt", "log1p", "arctan", "square"])
def test_elementwise_both_modes_second_order(name, rng):
    x = rng.uniform(0.2, 1.5, (3, 4))
    function = getattr(np, name)
    second = cr.grad(lambda x: np.sum(cr.grad(lambda x: np.sum(function(x)))(x) ** 2))
    assert_on_gpu_and_close(second(cupy.asarray(x)), second(x))
    assert_on_gpu_and_close(cr.jvp(function, (cupy.asarray(x),), (cupy.ones_like(cupy.asarray(x)),))[1],
                            cr.jvp(function, (x,), (np.ones_like(x),))[1])
