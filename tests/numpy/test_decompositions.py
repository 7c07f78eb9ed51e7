"""Decompositions (cholesky, eigh, eigvalsh, svd, svdvals, pinv): values equal
NumPy's, derivatives match finite differences in both modes to second order.

Cholesky and eigh read one triangle, so their inputs are symmetrized first
(cholesky's derivatives are those of the symmetric matrix; eigh's, those of the
function of the triangle it reads, checked on non-symmetric inputs too). Singular vectors and
eigenvectors are defined up to sign, so the checked functions of them are
sign-free (squares, outer products of matching columns).
"""

import numpy as np
import pytest

import chainrule as cr
from chainrule.numpy import linalg as clinalg


NUMPY_2 = np.lib.NumpyVersion(np.__version__) >= "2.0.0"
SVDVALS = getattr(np.linalg, "svdvals", None)  # NumPy 2 only


def symmetric(x):
    return (x + np.swapaxes(x, -1, -2)) / 2


def positive_definite(rng, shape):
    n = shape[-1]
    x = rng.standard_normal(shape)
    return x @ np.swapaxes(x, -1, -2) + n * np.eye(n)


def sign_free_svd(x):
    u, s, vh = np.linalg.svd(x, full_matrices=False)
    return u**2, s, vh**2, u[..., :, :1] * vh[..., :1, :]


CASES = [
    #  function                                                matrices   shapes
    (lambda x: np.linalg.cholesky(symmetric(x)),               "spd",     [(1, 1), (3, 3),
                                                                           (2, 3, 3)]),
    pytest.param(lambda x: np.linalg.cholesky(symmetric(x), upper=True), "spd", [(3, 3)],
                 marks=pytest.mark.skipif(not NUMPY_2, reason="NumPy 2 only (upper=)")),
    (lambda x: np.linalg.eigh(symmetric(x)).eigenvalues,       "general", [(3, 3), (2, 3, 3)]),
    (lambda x: np.linalg.eigh(symmetric(x)).eigenvectors**2,   "general", [(3, 3), (2, 3, 3)]),
    (lambda x: np.linalg.eigh(symmetric(x), UPLO="U")[1]**2,   "general", [(3, 3)]),
    (lambda x: np.linalg.eigvalsh(symmetric(x)),               "general", [(3, 3)]),
    (sign_free_svd,                                            "general", [(3, 3), (4, 3), (3, 4),
                                                                           (2, 4, 3)]),
    (lambda x: np.linalg.svd(x)[1],                            "general", [(3, 3)]),
    (lambda x: np.linalg.svd(x, compute_uv=False),             "general", [(3, 3), (4, 2),
                                                                           (2, 2, 3)]),
    pytest.param(SVDVALS,                                      "general", [(3, 4)],
                 marks=pytest.mark.skipif(SVDVALS is None, reason="NumPy 2 only (svdvals)")),
    (lambda x: np.linalg.svd(symmetric(x), hermitian=True)[1], "general", [(3, 3)]),
    (np.linalg.pinv,                                           "general", [(3, 3), (4, 3), (3, 4),
                                                                           (2, 4, 3)]),
    (lambda x: np.linalg.pinv(symmetric(x), hermitian=True),   "spd",     [(3, 3)]),
]


@pytest.mark.parametrize("function, matrices, shapes", CASES)
def test_decomposition(function, matrices, shapes, rng):
    for shape in shapes:
        x = positive_definite(rng, shape) if matrices == "spd" else rng.standard_normal(shape)
        out, _ = cr.vjp(function, x)
        for got, want in zip(*(o if isinstance(o, tuple) else (o,) for o in (out, function(x)))):
            np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)
        cr.check_grads(function, (x,), modes=("fwd", "rev"), order=2)


def test_results_are_numpys_named_tuples(rng):
    x = symmetric(rng.standard_normal((3, 3)))
    w, v = cr.vjp(np.linalg.eigh, x)[0]
    np.testing.assert_allclose(w, np.linalg.eigh(x).eigenvalues)
    assert type(clinalg.eigh(x)) is type(np.linalg.eigh(x))
    assert type(clinalg.svd(x)) is type(np.linalg.svd(x))
    assert clinalg.svd(x).S.shape == (3,)


def test_known_gradients(rng):
    a = positive_definite(rng, (3, 3))
    # the largest eigenvalue's gradient is the projector on its eigenvector, folded into
    # the lower triangle that eigh reads (off-diagonal entries count twice)
    w, v = np.linalg.eigh(a)
    projector = np.outer(v[:, -1], v[:, -1])
    np.testing.assert_allclose(cr.grad(lambda m: np.linalg.eigh(m)[0][-1])(a),
                               np.tril(2 * projector, -1) + np.diag(np.diag(projector)),
                               atol=1e-12)
    # the nuclear norm's gradient is u @ vh
    x = rng.standard_normal((4, 3))
    u, s, vh = np.linalg.svd(x, full_matrices=False)
    np.testing.assert_allclose(cr.grad(lambda m: np.linalg.norm(m, "nuc"))(x), u @ vh, atol=1e-12)
    # log det from cholesky: 2 sum log diag L, gradient inv(a)
    np.testing.assert_allclose(
        cr.grad(lambda m: 2 * np.log(np.diagonal(np.linalg.cholesky(symmetric(m)))).sum())(a),
        np.linalg.inv(a), atol=1e-12)


def numeric_gradient(f, x, step=1e-6):
    """Central differences of scalar ``f``, entry by entry."""
    gradient = np.zeros_like(x)
    for index in np.ndindex(x.shape):
        e = np.zeros_like(x)
        e[index] = step
        gradient[index] = (f(x + e) - f(x - e)) / (2 * step)
    return gradient


@pytest.mark.parametrize("UPLO", ["L", "U"])
def test_eigh_of_a_non_symmetric_input_is_numpys_function(UPLO, rng):
    # NumPy reads one triangle; value and derivative describe that one function: the
    # gradient flows into the triangle UPLO names, and the other gets none
    a = rng.standard_normal((4, 4))
    weights = np.arange(1.0, 5.0)

    def weighted(m):
        return np.linalg.eigvalsh(m, UPLO) @ weights

    gradient = cr.grad(weighted)(a)
    np.testing.assert_allclose(gradient, numeric_gradient(weighted, a), atol=1e-6)
    other = np.triu(np.ones((4, 4)), 1) if UPLO == "L" else np.tril(np.ones((4, 4)), -1)
    assert np.all(gradient[other == 1] == 0)
    tangent = rng.standard_normal((4, 4))
    _, change = cr.jvp(weighted, (a,), (tangent,))
    np.testing.assert_allclose(change, np.sum(gradient * tangent), rtol=1e-10)
    cr.check_grads(weighted, (a,), modes=("fwd", "rev"), order=2)
    cr.check_grads(lambda m: np.linalg.eigh(m, UPLO).eigenvectors ** 2, (a,),
                   modes=("fwd", "rev"), order=2)


def test_full_matrices_of_a_non_square_matrix_has_no_derivative(rng):
    x = rng.standard_normal((4, 3))
    u, s, vh = clinalg.svd(x)  # the values are fine
    assert u.shape == (4, 4)
    with pytest.raises(NotImplementedError, match="full_matrices=False"):
        cr.grad(lambda m: np.linalg.svd(m)[0].sum())(x)
    with pytest.raises(NotImplementedError, match="full_matrices=False"):
        cr.jvp(lambda m: np.linalg.svd(m)[1], (x,), (x,))
    # the singular values alone are fine in reverse mode
    np.testing.assert_allclose(cr.grad(lambda m: np.linalg.svd(m)[1].sum())(x),
                               cr.grad(lambda m: np.linalg.norm(m, "nuc"))(x))


def test_complex_matrices_are_refused_with_a_clear_error(rng):
    a = positive_definite(rng, (3, 3)) + 0j
    functions = [np.linalg.cholesky, np.linalg.pinv, lambda m: np.linalg.eigh(m)[0],
                 lambda m: np.linalg.svd(m, compute_uv=False)]
    if SVDVALS is not None:
        functions.insert(1, SVDVALS)
    for function in functions:
        np.testing.assert_allclose(cr.vjp(function, a)[0], function(a))
        with pytest.raises(NotImplementedError, match="real matrices only"):
            cr.vjp(function, a)[1](function(a))
