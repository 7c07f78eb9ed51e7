"""Decompositions (cholesky, eigh, eigvalsh, eig, eigvals, svd, svdvals, pinv, qr):
values equal NumPy's, derivatives match finite differences in both modes to
second order, for real and complex matrices, batched, float32 for a few.

Cholesky and eigh read one triangle, so their inputs are symmetrized first
(cholesky's derivatives are those of the symmetric matrix; eigh's, those of the
function of the triangle it reads, checked on non-symmetric inputs too). Singular vectors and
eigenvectors are defined up to a sign (a complex phase), so the checked
functions of them are free of it: squared moduli, projectors ``v v^H``, outer
products ``u v^H`` of matching columns, ``A v - w v``. With
``full_matrices=True`` (svd) or ``mode='complete'`` (qr) the extra columns of a
non-square matrix are not unique: checked through the projector on them.
"""

import numpy as np
import pytest

import chainrule as cr
from batching_checks import check_batched_grads, refuse_loops
from chainrule.numpy import linalg as clinalg


NUMPY_2 = np.lib.NumpyVersion(np.__version__) >= "2.0.0"
SVDVALS = getattr(np.linalg, "svdvals", None)  # NumPy 2 only


def hermitian_part(x):
    return (x + np.conj(np.swapaxes(x, -1, -2))) / 2


def symmetric(x):
    return (x + np.swapaxes(x, -1, -2)) / 2


def herm(x):
    return np.conj(np.swapaxes(x, -1, -2))


def modulus_squared(x):
    return (x * np.conj(x)).real


def gauge_free_svd(x):
    u, s, vh = np.linalg.svd(x, full_matrices=False)
    return modulus_squared(u), s, modulus_squared(vh), u[..., :, :1] * vh[..., :1, :]


def gauge_free_full_svd(x):
    """The leading singular vectors, and the projectors on the extra ones."""
    u, s, vh = np.linalg.svd(x)  # full_matrices=True
    k = s.shape[-1]
    return (s, u[..., :, :1] * vh[..., :1, :], modulus_squared(u[..., :, :k]),
            u[..., :, k:] @ herm(u[..., :, k:]), herm(vh[..., k:, :]) @ vh[..., k:, :])


def gauge_free_eig(x):
    w, v = np.linalg.eig(x)
    return (w, modulus_squared(v), v[..., :, :1] * herm(v[..., :, :1]),
            x @ v[..., :, 1:2] - w[..., None, 1:2] * v[..., :, 1:2])


def eigenvalue_symmetric_functions(x):
    """Free of the eigenvalues' order too, which LAPACK may change under a perturbation
    as large as float32's finite-difference steps."""
    w = np.linalg.eigvals(x)
    return w.sum(), (w**2).sum(), w.prod()


def qr_complete(x):
    q, r = np.linalg.qr(x, mode="complete")
    n = x.shape[-1]
    return q[..., :, :n], r, q[..., :, n:] @ herm(q[..., :, n:]), herm(q) @ q


def positive_definite(rng, shape, complex_=False):
    n = shape[-1]
    x = rng.standard_normal(shape) + (1j * rng.standard_normal(shape) if complex_ else 0)
    return x @ herm(x) + n * np.eye(n)


MATRICES = {
    #  kind           how
    "spd":           lambda rng, shape: positive_definite(rng, shape),
    "hpd":           lambda rng, shape: positive_definite(rng, shape, complex_=True),
    "general":       lambda rng, shape: rng.standard_normal(shape),
    "complex":       lambda rng, shape: (rng.standard_normal(shape)
                                         + 1j * rng.standard_normal(shape)),
    "float32":       lambda rng, shape: separated(rng, shape, np.float32),
    "complex64":     lambda rng, shape: separated(rng, shape, np.complex64),
}


def separated(rng, shape, dtype):
    """Well separated eigen- and singular values (1.5, 3, 4.5, ... plus a little noise):
    float32's finite differences need the gaps."""
    k = min(shape[-2:])
    spectrum = np.zeros(shape)
    spectrum[..., range(k), range(k)] = 1.5 * np.arange(1, k + 1)
    noise = rng.standard_normal(shape)
    if np.issubdtype(dtype, np.complexfloating):
        noise = noise + 1j * rng.standard_normal(shape)
    return (spectrum + 0.2 * noise).astype(dtype)


def first_singular_pair(u, s, vh):
    return u[..., :, :1] * vh[..., :1, :]

CASES = [
    #  function                                                matrices   shapes
    (lambda x: np.linalg.cholesky(symmetric(x)),               "spd",     [(1, 1), (3, 3),
                                                                           (2, 3, 3)]),
    (lambda x: np.linalg.cholesky(hermitian_part(x)),          "hpd",     [(3, 3), (2, 2, 2)]),
    pytest.param(lambda x: np.linalg.cholesky(symmetric(x), upper=True), "spd", [(3, 3)],
                 marks=pytest.mark.skipif(not NUMPY_2, reason="NumPy 2 only (upper=)")),
    pytest.param(lambda x: np.linalg.cholesky(hermitian_part(x), upper=True), "hpd", [(3, 3)],
                 marks=pytest.mark.skipif(not NUMPY_2, reason="NumPy 2 only (upper=)")),
    (lambda x: np.linalg.eigh(symmetric(x)).eigenvalues,       "general", [(3, 3), (2, 3, 3)]),
    (lambda x: np.linalg.eigh(symmetric(x)).eigenvectors**2,   "general", [(3, 3), (2, 3, 3)]),
    (lambda x: np.linalg.eigh(symmetric(x), UPLO="U")[1]**2,   "general", [(3, 3)]),
    (lambda x: np.linalg.eigvalsh(symmetric(x)),               "general", [(3, 3)]),
    (gauge_free_eig,                                           "general", [(3, 3), (2, 3, 3)]),
    (gauge_free_eig,                                           "complex", [(3, 3), (2, 2, 2)]),
    (np.linalg.eigvals,                                        "general", [(3, 3), (2, 3, 3)]),
    (np.linalg.eigvals,                                        "complex", [(3, 3)]),
    (gauge_free_svd,                                           "general", [(3, 3), (4, 3), (3, 4),
                                                                           (2, 4, 3)]),
    (gauge_free_svd,                                           "complex", [(3, 3), (4, 3),
                                                                           (2, 2, 3)]),
    (gauge_free_full_svd,                                      "general", [(4, 2), (2, 4),
                                                                           (2, 3, 2)]),
    (gauge_free_full_svd,                                      "complex", [(3, 2), (2, 3)]),
    (lambda x: np.linalg.svd(x)[1],                            "general", [(3, 3)]),
    (lambda x: np.linalg.svd(x, compute_uv=False),             "general", [(3, 3), (4, 2),
                                                                           (2, 2, 3)]),
    (lambda x: np.linalg.svd(x, compute_uv=False),             "complex", [(3, 2), (2, 2, 3)]),
    pytest.param(SVDVALS,                                      "general", [(3, 4)],
                 marks=pytest.mark.skipif(SVDVALS is None, reason="NumPy 2 only (svdvals)")),
    (lambda x: np.linalg.svd(symmetric(x), hermitian=True)[1], "general", [(3, 3)]),
    (lambda x: np.linalg.svd(hermitian_part(x), hermitian=True)[1], "complex", [(3, 3)]),
    (lambda x: first_singular_pair(*np.linalg.svd(hermitian_part(x), hermitian=True)),
                                                               "complex", [(3, 3)]),
    (np.linalg.pinv,                                           "general", [(3, 3), (4, 3), (3, 4),
                                                                           (2, 4, 3)]),
    (np.linalg.pinv,                                           "complex", [(3, 2), (2, 2, 3)]),
    (lambda x: np.linalg.pinv(symmetric(x), hermitian=True),   "spd",     [(3, 3)]),
    (lambda x: tuple(np.linalg.qr(x)),                         "general", [(3, 3), (4, 3), (3, 4),
                                                                           (2, 4, 3)]),
    (lambda x: tuple(np.linalg.qr(x)),                         "complex", [(3, 2), (2, 3),
                                                                           (2, 2, 2)]),
    (qr_complete,                                              "general", [(4, 2), (2, 3, 2)]),
    (qr_complete,                                              "complex", [(3, 2)]),
    (lambda x: np.linalg.qr(x, mode="r"),                      "general", [(4, 3)]),
    # float32 stays float32, at float32's tolerances
    (lambda x: np.linalg.cholesky(symmetric(x @ x.T)),         "float32", [(3, 3)]),
    (gauge_free_svd,                                           "float32", [(3, 3)]),
    (eigenvalue_symmetric_functions,                           "float32", [(3, 3)]),
    (lambda x: tuple(np.linalg.qr(x)),                         "float32", [(3, 3)]),
    (gauge_free_svd,                                           "complex64", [(3, 2)]),
    (eigenvalue_symmetric_functions,                           "complex64", [(3, 3)]),
]


@pytest.mark.parametrize("function, matrices, shapes", CASES)
def test_decomposition(function, matrices, shapes, rng):
    for shape in shapes:
        x = MATRICES[matrices](rng, shape)
        out, _ = cr.vjp(function, x)
        tolerance = 1e-5 if matrices in ("float32", "complex64") else 1e-12
        for got, want in zip(*(o if isinstance(o, tuple) else (o,) for o in (out, function(x)))):
            np.testing.assert_allclose(got, want, rtol=tolerance, atol=tolerance)
            assert np.asarray(got).dtype == np.asarray(want).dtype
        cr.check_grads(function, (x,), modes=("fwd", "rev"), order=2)


def test_results_are_numpys_named_tuples(rng):
    x = symmetric(rng.standard_normal((3, 3)))
    w, v = cr.vjp(np.linalg.eigh, x)[0]
    np.testing.assert_allclose(w, np.linalg.eigh(x).eigenvalues)
    for name, args in [("eigh", ()), ("eig", ()), ("svd", ()), ("qr", ()),
                       ("qr", ("complete",))]:
        ours, numpys = getattr(clinalg, name)(x, *args), getattr(np.linalg, name)(x, *args)
        assert type(ours) is type(numpys)
        assert [np.shape(o) for o in ours] == [np.shape(n) for n in numpys]
    assert clinalg.svd(x).S.shape == (3,)
    assert clinalg.qr(x, mode="r").shape == np.linalg.qr(x, mode="r").shape


def test_known_gradients(rng):
    a = positive_definite(rng, (3, 3))
    # the largest eigenvalue's gradient is the projector on its eigenvector, folded into
    # the lower triangle that eigh reads (off-diagonal entries count twice)
    w, v = np.linalg.eigh(a)
    projector = np.outer(v[:, -1], v[:, -1])
    np.testing.assert_allclose(cr.grad(lambda m: np.linalg.eigh(m)[0][-1])(a),
                               np.tril(2 * projector, -1) + np.diag(np.diag(projector)),
                               atol=1e-12)
    # the nuclear norm's gradient is u @ vh, conjugated for complex matrices (JAX's convention)
    for x in (rng.standard_normal((4, 3)), MATRICES["complex"](rng, (4, 3))):
        u, s, vh = np.linalg.svd(x, full_matrices=False)
        np.testing.assert_allclose(cr.grad(lambda m: np.linalg.norm(m, "nuc"))(x),
                                   np.conj(u @ vh), atol=1e-12)
    # log det from cholesky: 2 sum log diag L, gradient inv(a) (conjugated)
    for b in (a, positive_definite(rng, (3, 3), complex_=True)):
        np.testing.assert_allclose(
            cr.grad(lambda m: 2 * np.log(np.diagonal(np.linalg.cholesky(hermitian_part(m)))
                                         .real).sum())(b),
            np.conj(np.linalg.inv(b)), atol=1e-12)
    # the eigenvalues' sum is the trace; their product the determinant
    x = rng.standard_normal((3, 3))
    np.testing.assert_allclose(cr.grad(lambda m: np.linalg.eigvals(m).sum().real)(x), np.eye(3),
                               atol=1e-12)
    np.testing.assert_allclose(cr.grad(lambda m: np.linalg.eigvals(m).prod().real)(x),
                               np.linalg.det(x) * np.linalg.inv(x).T, atol=1e-12)


def test_qr_raw_mode_names_reduced(rng):
    x = rng.standard_normal((3, 2))
    with pytest.raises(NotImplementedError, match="mode='reduced'"):
        cr.grad(lambda m: np.linalg.qr(m, mode="raw")[0].sum())(x)
    with pytest.raises(ValueError, match="Unrecognized mode"):
        clinalg.qr(x, mode="thin")


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



def test_full_matrices_extra_columns_stay_orthonormal(rng):
    # the extra columns of U turn with the leading ones: U stays unitary to first order
    for x in (rng.standard_normal((4, 2)), MATRICES["complex"](rng, (2, 4))):
        t = rng.standard_normal(x.shape).astype(x.dtype)
        (u, s, vh), (du, ds, dvh) = cr.jvp(np.linalg.svd, (x,), (t,))
        for q, dq in ((u, du), (vh, dvh)):
            np.testing.assert_allclose(herm(dq) @ q + herm(q) @ dq, 0 * q, atol=1e-12)
        (q, r), (dq, dr) = cr.jvp(lambda m: tuple(np.linalg.qr(m, "complete")), (x.T,), (t.T,))
        np.testing.assert_allclose(herm(dq) @ q + herm(q) @ dq, 0 * dq, atol=1e-12)


def test_eig_values_follow_numpy(rng):
    # a real matrix with complex eigenvalues gives complex eig results; one with real
    # eigenvalues real ones, as in NumPy; both differentiate
    rotation = np.array([[0.0, -2.0], [1.0, 0.5]])
    triangular = np.array([[1.0, 2.0], [0.0, 3.0]])
    for x in (rotation, triangular):
        w, v = cr.vjp(np.linalg.eig, x)[0]
        want_w, want_v = np.linalg.eig(x)
        assert w.dtype == want_w.dtype and v.dtype == want_v.dtype
        np.testing.assert_allclose(modulus_squared(v), modulus_squared(want_v), atol=1e-12)
        gradient = cr.grad(lambda m: modulus_squared(np.linalg.eigvals(m)).sum())(x)
        assert gradient.dtype == np.float64
        cr.check_grads(gauge_free_eig, (x,), modes=("fwd", "rev"), order=1)


# -- degenerate spectra: eigenvalue-only functions keep finite first derivatives --------

def test_repeated_eigenvalues_keep_eigenvalue_derivatives_finite(rng):
    p = rng.standard_normal((3, 3)) + 3 * np.eye(3)
    repeated = p @ np.diag([1.0, 1.0, 2.0]) @ np.linalg.inv(p)  # diagonalizable, w = 1, 1, 2
    t = rng.standard_normal((3, 3))
    for x in (repeated, np.eye(3)):
        for f, gradient in [
            (lambda m: np.linalg.eigvals(m).sum().real, np.eye(3)),
            (lambda m: np.linalg.eigvals(m).prod().real, np.linalg.det(x) * np.linalg.inv(x).T),
        ]:
            np.testing.assert_allclose(cr.grad(f)(x), gradient, atol=1e-8)
            np.testing.assert_allclose(cr.jvp(f, (x,), (t,))[1], np.sum(gradient * t), atol=1e-8)
    # symmetric: eigvalsh at a repeated eigenvalue (the eigenvector tangents divide by the
    # gap, and are not used)
    symmetric_repeated = np.diag([1.0, 1.0, 2.0])
    with np.errstate(divide="ignore", invalid="ignore"):
        for f, gradient in [(lambda m: np.linalg.eigvalsh(m).sum(), np.eye(3)),
                            (lambda m: (np.linalg.eigvalsh(m) ** 2).sum(), 2 * symmetric_repeated)]:
            np.testing.assert_allclose(cr.grad(f)(symmetric_repeated), gradient, atol=1e-12)
            np.testing.assert_allclose(cr.jvp(f, (symmetric_repeated,), (symmetric(t),))[1],
                                       np.sum(gradient * symmetric(t)), atol=1e-12)


def test_rank_deficient_singular_values(rng):
    square = rng.standard_normal((3, 2)) @ rng.standard_normal((2, 3))  # rank 2
    tall = rng.standard_normal((4, 2)) @ rng.standard_normal((2, 3))
    for x in (square, tall):
        assert np.linalg.matrix_rank(x) == 2
        # sum of squared singular values = |x|^2: gradient 2 x, finite in both modes
        f = (lambda m: (np.linalg.svd(m, compute_uv=False) ** 2).sum())
        np.testing.assert_allclose(cr.grad(f)(x), 2 * x, atol=1e-12)
        t = rng.standard_normal(x.shape)
        np.testing.assert_allclose(cr.jvp(f, (x,), (t,))[1], 2 * np.sum(x * t), atol=1e-12)
        # the nonzero singular values are smooth
        cr.check_grads(lambda m: np.linalg.svd(m, compute_uv=False)[:2], (x,),
                       modes=("fwd", "rev"), order=1)
    # a square matrix's second derivatives hold too (no zero singular value is divided by)
    cr.check_grads(f, (square,), modes=("fwd", "rev"), order=2)


@pytest.mark.parametrize("UPLO", ["L", "U"])
def test_complex_eigh_differentiates_the_hermitian_matrix_of_its_triangle(UPLO, rng):
    # NumPy reads one triangle (and the diagonal's real part) of a complex input as a
    # Hermitian matrix; value and derivatives describe that function, also off the
    # Hermitian matrices (finite differences of NumPy's own eigh)
    a = rng.standard_normal((3, 3)) + 1j * rng.standard_normal((3, 3))
    hermitian = positive_definite(rng, (2, 3, 3), complex_=True)
    for m in (a, hermitian):
        cr.check_grads(lambda m: np.linalg.eigvalsh(m, UPLO) @ np.array([1.0, 2.0, 3.0]), (m,),
                       modes=("fwd", "rev"), order=2)
        cr.check_grads(lambda m: np.abs(np.linalg.eigh(m, UPLO)[1]) ** 2, (m,),
                       modes=("fwd", "rev"), order=2)

# -- batching: vmap of each row against a loop over the batch ------------------------------

BATCH_ROWS = [pytest.param(function, matrices, shape, marks=marks)
              for (function, matrices, shapes), marks in (
                  (case.values, case.marks) if hasattr(case, "values") else (case, ())
                  for case in CASES)
              for shape in shapes]


@pytest.mark.parametrize("function, matrices, shape", BATCH_ROWS)
def test_batching(function, matrices, shape, rng):
    # a stack of matrices is rounded like each matrix alone, but LAPACK may block differently
    tolerance = 1e-4 if matrices in ("float32", "complex64") else 1e-10
    cr.check_vmap(function, (MATRICES[matrices](rng, shape),), rtol=tolerance, atol=tolerance)


DECOMPOSITION_PRIMITIVES = {"numpy.linalg." + name for name in (
    "cholesky", "eigh", "eig", "eigvals", "svd", "svdvals", "pinv", "qr")}


@pytest.mark.parametrize("function, matrices", [
    (lambda x: np.linalg.cholesky(symmetric(x)), "spd"),
    (lambda x: np.linalg.eigh(symmetric(x)).eigenvalues, "general"),
    (gauge_free_eig, "general"), (np.linalg.eigvals, "general"), (gauge_free_svd, "general"),
    (lambda x: np.linalg.svd(x, compute_uv=False), "general"), (np.linalg.pinv, "general"),
    (lambda x: tuple(np.linalg.qr(x)), "general"),
], ids=["cholesky", "eigh", "eig", "eigvals", "svd", "svdvals", "pinv", "qr"])
def test_decompositions_run_once_on_the_batch(function, matrices, rng, monkeypatch):
    refuse_loops(monkeypatch, only=DECOMPOSITION_PRIMITIVES)
    cr.check_vmap(function, (MATRICES[matrices](rng, (3, 3)),), rtol=1e-10, atol=1e-10)


@pytest.mark.parametrize("function, matrices", [
    (lambda x: np.linalg.eigh(symmetric(x)).eigenvalues, "general"),
    (gauge_free_svd, "general"),
    (lambda x: np.linalg.cholesky(symmetric(x)), "spd"),
    (lambda x: np.linalg.qr(x)[1], "general"),
], ids=["eigh", "svd", "cholesky", "qr"])
def test_derivatives_of_vmap_and_vmap_of_derivatives(function, matrices, rng):
    check_batched_grads(function, (MATRICES[matrices](rng, (3, 3)),))
