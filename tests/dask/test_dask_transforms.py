"""Every transformation on Dask inputs: results stay Dask arrays until the user
computes, one compute runs forward and backward passes together, and the
numbers equal NumPy's to 1e-12, on the threaded scheduler and on a real
two-process LocalCluster. Also item assignment, mixed NumPy/Dask arguments, the
clear errors, and that a NumPy-only program never imports Dask or CuPy."""

import os
import subprocess
import sys

import numpy as np
import pytest

da = pytest.importorskip("dask.array", reason="Dask is not installed: pip install 'chainrule[dask]'")

import dask  # noqa: E402

import chainrule as cr  # noqa: E402
from logistic_cases import logistic_data, logistic_loss  # noqa: E402
from dask_checks import ComputeCounter, no_compute  # noqa: E402

TOLERANCE = 1e-12


@pytest.fixture
def data(rng):
    return logistic_data(rng, 103, 6)


def lazy(array, chunks):
    return da.from_array(array, chunks=chunks)


def assert_close(got, want):
    np.testing.assert_allclose(got, want, rtol=TOLERANCE, atol=TOLERANCE)


@pytest.mark.parametrize("w_is_dask", [False, True], ids=["numpy w", "dask w"])
def test_grad_is_lazy_until_one_compute(data, w_is_dask):
    w, X, y = data
    lazy_w = lazy(w, 4) if w_is_dask else w
    counter = ComputeCounter()
    with counter:
        gradient = cr.grad(logistic_loss)(lazy_w, lazy(X, (40, 6)), lazy(y, 40))
        assert counter.computes == 0
        assert isinstance(gradient, da.Array)
        (computed,) = dask.compute(gradient, scheduler="threads")
    assert counter.computes == 1
    assert_close(computed, cr.grad(logistic_loss)(w, X, y))


def test_value_and_gradient_in_one_compute(data):
    w, X, y = data
    counter = ComputeCounter()
    with counter:
        value, gradient = cr.value_and_grad(logistic_loss, argnums=(0, 1))(
            lazy(w, 3), lazy(X, (25, 4)), lazy(y, 25))
        value, gradient = dask.compute(value, gradient, scheduler="threads")
    assert counter.computes == 1
    want_value, want_gradient = cr.value_and_grad(logistic_loss, argnums=(0, 1))(w, X, y)
    assert_close(value, want_value)
    assert_close(gradient[0], want_gradient[0])
    assert_close(gradient[1], want_gradient[1])


def test_jvp_vjp_jacobian_hessian_vmap(data):
    w, X, y = data
    lazy_w, lazy_X, lazy_y = lazy(w, 4), lazy(X, (40, 5)), lazy(y, 40)
    tangent = np.ones_like(w)

    def scores(w, X):
        return np.tanh(X[:7] @ w)

    def transformations(w, X, y, stack):
        return {
            "jvp": cr.jvp(lambda w: logistic_loss(w, X, y), (w,), (tangent,)),
            "vjp": cr.vjp(scores, w, X)[1](np.arange(7.0)),
            "jacrev": cr.jacrev(scores)(w, X),
            "jacfwd": cr.jacfwd(scores)(w, X),
            "hessian": cr.hessian(logistic_loss)(w, X, y),
            "hvp": cr.hvp(lambda w: logistic_loss(w, X, y), w, tangent),
            "vmap": cr.vmap(lambda w: logistic_loss(w, X, y))(stack([w, 2 * w])),
        }

    with no_compute():
        results = transformations(lazy_w, lazy_X, lazy_y, da.stack)
    expected = transformations(w, X, y, np.stack)
    for name, result in results.items():
        leaves, _ = cr.core.flatten(result)
        assert all(isinstance(leaf, da.Array) for leaf in leaves), name
        computed = dask.compute(*leaves, scheduler="threads")
        for got, want in zip(computed, cr.core.flatten(expected[name])[0]):
            assert_close(got, want)


def test_item_assignment_with_slices_and_masks(rng):
    x = rng.standard_normal((9, 4))

    def f(x):
        z = x * 2.0
        z[:, 1] = 0.0
        z[2:5] = x[:3] ** 2
        z[z > 1.0] = 3.0  # a scalar through a mask (Dask cannot write x[mask] * 3 back)
        z[np.abs(z) < 0.2] = -1.0
        return np.sum(np.sin(z))

    with no_compute():
        gradient = cr.grad(f)(lazy(x, (4, 3)))
        tangent = cr.jvp(f, (lazy(x, (4, 3)),), (lazy(np.ones_like(x), (4, 3)),))[1]
    assert_close(gradient.compute(), cr.grad(f)(x))
    assert_close(tangent.compute(), cr.jvp(f, (x,), (np.ones_like(x),))[1])


def test_item_assignment_dask_cannot_do_raises_clearly(rng):
    def f(x):
        z = x * 1.0
        z[[0, 1], [1, 2]] = 0.0  # integer arrays on two axes: Dask cannot assign these
        return np.sum(z)

    with pytest.raises(NotImplementedError, match="dask"):
        cr.grad(f)(lazy(rng.standard_normal((4, 3)), 2))


def test_a_function_dask_lacks_raises_naming_it_and_dask(rng):
    x = lazy(rng.standard_normal((3, 3)), 2)
    with pytest.raises(NotImplementedError, match=r"numpy\.linalg\.det is not implemented by Dask"):
        cr.grad(np.linalg.det)(x)
    with pytest.raises(NotImplementedError, match=r"numpy\.linalg\.eigh is not implemented by Dask"):
        cr.grad(lambda x: np.sum(np.linalg.eigvalsh(x + x.T)))(x)


def test_mixed_numpy_and_dask_arguments_follow_dask(rng):
    a, b = rng.standard_normal((5, 3)), rng.standard_normal(3)
    with no_compute():
        value, gradients = cr.value_and_grad(lambda a, b: np.sum(np.exp(a * b)), argnums=(0, 1))(
            lazy(a, 2), b)
    assert isinstance(value, da.Array) and all(isinstance(g, da.Array) for g in gradients)
    want = cr.grad(lambda a, b: np.sum(np.exp(a * b)), argnums=(0, 1))(a, b)
    for got, expected in zip(dask.compute(*gradients), want):
        assert_close(got, expected)


def test_numpy_programs_never_import_dask_or_cupy():
    program = ("import sys, numpy as np, chainrule as cr\n"
               "cr.grad(lambda x: np.sum(np.tanh(x) ** 2))(np.ones(3))\n"
               "cr.hessian(lambda x: np.sum(np.exp(x)))(np.ones(2))\n"
               "print(sorted(m for m in ('dask', 'cupy', 'distributed') if m in sys.modules))\n")
    output = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True,
                            env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
                            check=True).stdout
    assert output.strip() == "[]"


# -- a real cluster: two worker processes on this machine ---------------------------------


@pytest.fixture(scope="module")
def client():
    distributed = pytest.importorskip("distributed", reason="pip install 'chainrule[dask]'")
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                       dashboard_address=None, silence_logs=40)
    with distributed.Client(cluster) as client:
        yield client
    cluster.close()


def test_gradient_and_hessian_on_a_local_cluster(client, data):
    w, X, y = data
    assert len(client.scheduler_info()["workers"]) == 2
    gradient = cr.grad(logistic_loss, argnums=(0, 1))(lazy(w, 3), lazy(X, (30, 6)), lazy(y, 30))
    hessian = cr.hessian(logistic_loss)(w, lazy(X, (30, 6)), lazy(y, 30))
    gradient, hessian = client.compute([gradient, hessian], sync=True)
    want = cr.grad(logistic_loss, argnums=(0, 1))(w, X, y)
    assert_close(gradient[0], want[0])
    assert_close(gradient[1], want[1])
    assert_close(hessian, cr.hessian(logistic_loss)(w, X, y))


def test_arrays_created_like_a_dask_array_are_dask_arrays(rng):
    x = rng.standard_normal(6)

    def f(x):
        z = np.zeros(6, like=x)  # then filled with traced values
        z[1:4] = x[:3] * 2.0
        w = np.ones_like(x)
        w[x > 0] = 0.5
        return np.sum(np.sin(z) * w) + np.sum(np.empty_like(x) + x)

    with no_compute():
        gradient = cr.grad(f)(lazy(x, 4))
    assert isinstance(gradient, da.Array)
    assert_close(gradient.compute(), cr.grad(f)(x))


def test_reads_with_integer_arrays_in_reverse_mode(rng):
    x = rng.standard_normal((5, 3))

    def f(x):
        return np.sum(np.sin(x[[0, 2, 2, 4]]) ** 2) + np.sum(np.repeat(x, [1, 0, 3], axis=-1) ** 3)

    with no_compute():
        gradient = cr.grad(f)(lazy(x, 2))
    assert_close(gradient.compute(), cr.grad(f)(x))
    complex_x = lazy(x + 1j * x, 2)
    with pytest.raises(NotImplementedError, match="scatter_add .*complex.* not implemented by Dask"):
        cr.vjp(lambda z: z[[0, 0]], complex_x)[1](da.ones((2, 3), dtype=complex, chunks=2))
