"""``numpy.linalg``: solve, inv, det, slogdet, norms, matrix_power, multi_dot,
lstsq, tensorsolve, tensorinv, cond, matrix_rank. Values equal NumPy's,
derivatives match finite differences in both modes to second order (batched,
complex, both operands of solve and lstsq), and ``np.linalg.<f>`` on traced
values reaches the same rules as ``cnp.linalg.<f>``."""

import numpy as np
import pytest

import chainrule as cr
import chainrule.numpy as cnp
from batching_checks import check_batched_grads, refuse_loops
from chainrule.numpy import linalg as clinalg

NUMPY_2 = np.lib.NumpyVersion(np.__version__) >= "2.0.0"


# NumPy 2 added these; None where this NumPy lacks them
MATRIX_TRANSPOSE, VECTOR_NORM, MATRIX_NORM = (
    getattr(np.linalg, name, None) for name in ("matrix_transpose", "vector_norm", "matrix_norm"))


def numpy_2_only(function, *rest):
    """A parameter row for ``function``, skipped where this NumPy lacks it."""
    return pytest.param(function, *rest,
                        marks=pytest.mark.skipif(function is None, reason="NumPy 2 only"))


def well_conditioned(rng, shape, dtype=np.float64):
    """Random square matrices (a batch of them) far from singular."""
    n = shape[-1]
    shift = n * np.eye(n) if shape[-2] == n else 0.0
    return (rng.standard_normal(shape) + shift).astype(dtype)


# NumPy 2 reads b as a vector when it is 1-D, NumPy 1.x when it has one dimension
# fewer than a: the rows where the two readings differ run on the NumPy they are for.
NUMPY_2_READING = pytest.mark.skipif(not NUMPY_2, reason="NumPy 2's reading of b")

SOLVE_SHAPES = [
    #  a            b
    ((3, 3),       (3,)),
    ((3, 3),       (3, 2)),
    pytest.param((2, 3, 3),    (3,),       marks=NUMPY_2_READING),
    pytest.param((2, 3, 3),    (3, 2),     marks=NUMPY_2_READING),
    ((2, 3, 3),    (2, 3, 1)),
    ((3, 3),       (2, 3, 2)),
    pytest.param((2, 1, 3, 3), (4, 3, 2),  marks=NUMPY_2_READING),
]
if not NUMPY_2:  # stacks of vectors, as NumPy 1.x reads them
    SOLVE_SHAPES += [((2, 3, 3), (2, 3)), ((2, 1, 3, 3), (1, 4, 3))]


@pytest.mark.parametrize("a_shape, b_shape", SOLVE_SHAPES)
def test_solve(a_shape, b_shape, rng):
    a, b = well_conditioned(rng, a_shape), rng.standard_normal(b_shape)
    out, _ = cr.vjp(np.linalg.solve, a, b)
    np.testing.assert_array_equal(out, np.linalg.solve(a, b))
    cr.check_grads(np.linalg.solve, (a, b), modes=("fwd", "rev"), order=2)


UNARY_CASES = [
    #  NumPy function                               shapes
    (np.linalg.inv,                                 [(1, 1), (3, 3), (2, 3, 3)]),
    (np.linalg.det,                                 [(1, 1), (3, 3), (2, 3, 3)]),
    (lambda a: np.linalg.slogdet(a).logabsdet,      [(3, 3), (2, 3, 3)]),
    (lambda a: np.linalg.matrix_power(a, 1),        [(3, 3)]),
    (lambda a: np.linalg.matrix_power(a, 2),        [(3, 3), (2, 3, 3)]),
    (lambda a: np.linalg.matrix_power(a, 3),        [(3, 3)]),
    (lambda a: np.linalg.matrix_power(a, 6),        [(3, 3)]),
    (lambda a: np.linalg.matrix_power(a, -3),       [(3, 3)]),
    numpy_2_only(MATRIX_TRANSPOSE,                  [(2, 3), (2, 3, 4)]),
]


@pytest.mark.parametrize("function, shapes", UNARY_CASES)
def test_unary(function, shapes, rng):
    for shape in shapes:
        a = well_conditioned(rng, shape) / shape[-1]
        out, _ = cr.vjp(function, a)
        np.testing.assert_allclose(out, function(a), rtol=1e-13)
        cr.check_grads(function, (a,), modes=("fwd", "rev"), order=2)


def test_det_and_slogdet_of_negative_determinants(rng):
    a = well_conditioned(rng, (3, 3))
    a[0] = -a[0]
    result = clinalg.slogdet(a)
    expected = np.linalg.slogdet(a)
    assert type(result) is type(expected)
    assert result.sign == expected.sign == -1
    np.testing.assert_allclose(result.logabsdet, expected.logabsdet)
    sign, logabsdet = cr.vjp(np.linalg.slogdet, a)[0]
    assert type(sign) is not cnp.ArrayTracer and sign == -1
    # d log|det a| / da = inv(a).T; d det a / da = det(a) inv(a).T
    np.testing.assert_allclose(cr.grad(lambda m: np.linalg.slogdet(m)[1])(a), np.linalg.inv(a).T)
    np.testing.assert_allclose(cr.grad(np.linalg.det)(a),
                               np.linalg.det(a) * np.linalg.inv(a).T, rtol=1e-12)
    cr.check_grads(lambda m: np.linalg.slogdet(m)[1], (a,), modes=("fwd", "rev"), order=2)


def cofactors(a):
    """The cofactor matrix by its definition: signed determinants of the minors."""
    n = a.shape[-1]
    return np.array([[(-1) ** (i + j) * np.linalg.det(np.delete(np.delete(a, i, 0), j, 1))
                      for j in range(n)] for i in range(n)])


@pytest.mark.parametrize("n, rank", [(2, 1), (2, 0), (3, 2), (3, 1), (4, 3)])
def test_det_at_singular_matrices(n, rank, rng):
    # the derivative of det is the cofactor matrix at every matrix; at rank n - 2 it is
    # zero while the second derivative is not
    a = rng.normal(size=(n, rank)) @ rng.normal(size=(rank, n))
    np.testing.assert_allclose(cr.grad(np.linalg.det)(a), cofactors(a), atol=1e-12)
    tangent = rng.normal(size=(n, n))
    _, change = cr.jvp(np.linalg.det, (a,), (tangent,))
    np.testing.assert_allclose(change, np.sum(cofactors(a) * tangent), atol=1e-12)
    cr.check_grads(np.linalg.det, (a,), modes=("fwd", "rev"), order=2)
    if n <= 3:
        cr.check_grads(np.linalg.det, (a,), modes=("fwd", "rev"), order=3)


def test_det_of_a_batch_with_a_singular_matrix(rng):
    a = np.stack([well_conditioned(rng, (3, 3)), np.outer([1.0, 2.0, 3.0], [1.0, -1.0, 0.5])])
    np.testing.assert_allclose(cr.grad(lambda m: np.linalg.det(m).sum())(a),
                               [cofactors(m) for m in a], atol=1e-12)
    cr.check_grads(np.linalg.det, (a,), modes=("fwd", "rev"), order=2)


def test_slogdet_of_a_singular_matrix_says_what_to_do():
    a = np.array([[1.0, 2.0], [2.0, 4.0]])
    sign, logabsdet = clinalg.slogdet(a)
    assert sign == 0 and logabsdet == -np.inf  # NumPy's values
    for derivative in (cr.grad(lambda m: np.linalg.slogdet(m)[1]),
                       lambda m: cr.jvp(lambda m: np.linalg.slogdet(m)[1], (m,), (m,))):
        with pytest.raises(np.linalg.LinAlgError, match=r"(?s)singular.*np\.linalg\.det"):
            derivative(a)


def test_matrix_power_zero_and_values(rng):
    a = rng.standard_normal((2, 3, 3)) / 3
    for n in (0, 1, 2, 3, 4, 5, 7, -1, -2, -5):
        b = well_conditioned(rng, (3, 3)) if n < 0 else a
        np.testing.assert_allclose(clinalg.matrix_power(b, n), np.linalg.matrix_power(b, n),
                                   rtol=1e-12, atol=1e-14)
    np.testing.assert_array_equal(cr.grad(lambda m: np.linalg.matrix_power(m, 0).sum())(a),
                                  np.zeros_like(a))


NORM_CASES = [
    #  keywords                                        shapes
    ({},                                               [(3,), (2, 3), (2, 3, 2)]),
    ({"keepdims": True},                               [(3,), (2, 3)]),
    ({"ord": 2},                                       [(4,)]),
    ({"ord": 1},                                       [(4,)]),
    ({"ord": np.inf},                                  [(4,)]),
    ({"ord": -np.inf},                                 [(4,)]),
    ({"ord": 3},                                       [(4,)]),
    ({"ord": 0.5},                                     [(4,)]),
    ({"ord": -1.5},                                    [(4,)]),
    ({"axis": 1},                                      [(2, 3), (2, 3, 2)]),
    ({"axis": -1, "ord": 1, "keepdims": True},         [(2, 3)]),
    ({"axis": 0, "ord": np.inf},                       [(3, 2)]),
    ({"ord": "fro"},                                   [(2, 3)]),
    ({"ord": "fro", "axis": (0, 2), "keepdims": True}, [(2, 3, 2)]),
    ({"ord": "nuc"},                                   [(2, 3), (3, 3)]),
    ({"ord": 2, "axis": (1, 2)},                       [(2, 3, 3)]),
    ({"ord": -2},                                      [(3, 2)]),
    ({"ord": 1},                                       [(2, 3)]),
    ({"ord": -1},                                      [(2, 3)]),
    ({"ord": np.inf},                                  [(2, 3)]),
    ({"ord": -np.inf, "axis": (1, 0)},                 [(2, 3)]),
    ({"ord": np.inf, "axis": (2, 0), "keepdims": True}, [(2, 3, 4)]),
    ({"ord": "nuc", "axis": (-1, 0), "keepdims": True}, [(2, 3, 4)]),
]


def norm_id(case):
    return ",".join(f"{k}={v}" for k, v in case[0].items()) or "default"


@pytest.mark.parametrize("case", NORM_CASES, ids=norm_id)
def test_norm(case, rng):
    kwargs, shapes = case

    def norm(v):
        return np.linalg.norm(v, **kwargs)

    for shape in shapes:
        for x in (rng.standard_normal(shape), complex_matrix(rng, shape)):
            out, _ = cr.vjp(norm, x)
            expected = np.linalg.norm(x, **kwargs)
            np.testing.assert_allclose(out, expected, rtol=1e-12)
            assert np.shape(out) == np.shape(expected)
            cr.check_grads(norm, (x,), modes=("fwd", "rev"), order=2)


def test_norm_of_order_zero_counts_nonzeros():
    x = np.array([0.0, 2.0, -1.0])
    assert clinalg.norm(x, 0) == np.linalg.norm(x, 0) == 2.0
    np.testing.assert_array_equal(cr.grad(lambda v: np.linalg.norm(v, 0) + v.sum())(x), np.ones(3))


def test_norm_errors():
    with pytest.raises(ValueError, match="Invalid norm order"):
        clinalg.norm(np.ones(3), "fro")
    with pytest.raises(ValueError, match="Invalid norm order"):
        clinalg.norm(np.ones((2, 2)), 3)
    with pytest.raises(ValueError, match="Improper number of dimensions"):
        clinalg.norm(np.ones((2, 2, 2)), 1)


@pytest.mark.parametrize("function, kwargs, shape", [
    numpy_2_only(VECTOR_NORM, {}, (2, 3)),
    numpy_2_only(VECTOR_NORM, {"ord": 1, "axis": (0, 2), "keepdims": True}, (2, 3, 2)),
    numpy_2_only(VECTOR_NORM, {"ord": np.inf, "axis": 1}, (2, 3)),
    numpy_2_only(MATRIX_NORM, {}, (2, 3, 3)),
    numpy_2_only(MATRIX_NORM, {"ord": "nuc", "keepdims": True}, (3, 2)),
])
def test_array_api_norms(function, kwargs, shape, rng):
    x = rng.standard_normal(shape)
    out, _ = cr.vjp(lambda v: function(v, **kwargs), x)
    np.testing.assert_allclose(out, function(x, **kwargs), rtol=1e-13)
    cr.check_grads(lambda v: function(v, **kwargs), (x,), modes=("fwd", "rev"), order=2)


def test_multi_dot(rng):
    a, b, c = rng.standard_normal(3), rng.standard_normal((3, 4)), rng.standard_normal((4, 2))
    np.testing.assert_allclose(clinalg.multi_dot([a, b, c]), np.linalg.multi_dot([a, b, c]))
    cr.check_grads(lambda x, y, z: np.linalg.multi_dot([x, y, z]), (a, b, c),
                   modes=("fwd", "rev"), order=2)


def test_float32_stays_float32(rng):
    a, b = well_conditioned(rng, (3, 3), np.float32), rng.standard_normal(3).astype(np.float32)
    for function, args in [(np.linalg.solve, (a, b)), (np.linalg.inv, (a,)),
                           (np.linalg.det, (a,)), (np.linalg.norm, (a,))]:
        out, pullback = cr.vjp(function, *args)
        assert out.dtype == np.float32
        assert all(g.dtype == np.float32 for g in pullback(np.ones_like(out)))
        cr.check_grads(function, args, modes=("fwd", "rev"), order=2)


def test_plain_numpy_spelling_reaches_the_same_rules(rng):
    a, b = well_conditioned(rng, (3, 3)), rng.standard_normal(3)
    pairs = [
        (lambda m: np.linalg.solve(m, b).sum(), lambda m: clinalg.solve(m, b).sum()),
        (lambda m: np.linalg.inv(m).sum(), lambda m: clinalg.inv(m).sum()),
        (lambda m: np.linalg.det(m), lambda m: clinalg.det(m)),
        (lambda m: np.linalg.slogdet(m)[1], lambda m: clinalg.slogdet(m)[1]),
        (lambda m: np.linalg.norm(m), lambda m: clinalg.norm(m)),
        (lambda m: np.linalg.matrix_power(m, 3).sum(), lambda m: clinalg.matrix_power(m, 3).sum()),
        (lambda m: cnp.linalg.solve(m, b).sum(), lambda m: clinalg.solve(m, b).sum()),
    ]
    for plain, explicit in pairs:
        np.testing.assert_allclose(cr.grad(plain)(a), cr.grad(explicit)(a))
    # the right-hand side alone, and both at once
    np.testing.assert_allclose(cr.grad(lambda v: np.linalg.solve(a, v).sum())(b),
                               np.linalg.solve(a.T, np.ones(3)))
    grads = cr.grad(lambda m, v: (m @ np.linalg.solve(m, v)).sum(), argnums=(0, 1))(a, b)
    np.testing.assert_allclose(grads[0], np.zeros((3, 3)), atol=1e-12)  # m @ solve(m, v) == v
    np.testing.assert_allclose(grads[1], np.ones(3))


def test_hessian_of_log_det(rng):
    # d2 log det(a) [v, v] = -trace(inv(a) v inv(a) v)
    a, v = well_conditioned(rng, (3, 3)), rng.standard_normal((3, 3))
    hv = cr.hvp(lambda m: np.linalg.slogdet(m)[1], a, v)
    ainv = np.linalg.inv(a)
    np.testing.assert_allclose(hv, -(ainv @ v @ ainv).T, rtol=1e-10)


@pytest.mark.parametrize("function", [
    np.linalg.solve,
    lambda a, b: np.linalg.inv(a) @ b,
    lambda a, b: np.linalg.det(a) * b,
    lambda a, b: np.linalg.slogdet(a).logabsdet * b,
    lambda a, b: np.linalg.norm(a) * b,
    lambda a, b: np.linalg.norm(b, 3) * a,
], ids=["solve", "inv", "det", "slogdet", "norm", "norm3"])
def test_complex_matrices(function, rng):
    a = well_conditioned(rng, (3, 3)) + 1j * rng.standard_normal((3, 3))
    b = rng.standard_normal(3) + 1j * rng.standard_normal(3)
    np.testing.assert_allclose(cr.vjp(function, a, b)[0], function(a, b), rtol=1e-13)
    cr.check_grads(function, (a, b), modes=("fwd", "rev"), order=2)


# -- lstsq, tensorsolve, tensorinv, cond, matrix_rank --------------------------------------

def complex_matrix(rng, shape):
    return rng.standard_normal(shape) + 1j * rng.standard_normal(shape)


def lstsq_outputs(a, b, rcond=None):
    x, residuals, rank, s = np.linalg.lstsq(a, b, rcond=rcond)
    return x, residuals, s


LSTSQ_CASES = [
    #  a          b        complex  rcond
    ((5, 3),     (5,),     False,   None),
    ((5, 3),     (5, 2),   False,   None),
    ((3, 5),     (3,),     False,   None),   # underdetermined: the minimum-norm solution
    ((3, 3),     (3, 2),   False,   1e-3),
    ((4, 2),     (4, 2),   True,    None),
    ((2, 3),     (2,),     True,    None),
]


@pytest.mark.parametrize("a_shape, b_shape, complex_, rcond", LSTSQ_CASES)
def test_lstsq(a_shape, b_shape, complex_, rcond, rng):
    make = complex_matrix if complex_ else (lambda rng, shape: rng.standard_normal(shape))
    a, b = make(rng, a_shape), make(rng, b_shape)
    x, residuals, rank, s = clinalg.lstsq(a, b, rcond=rcond)
    want = np.linalg.lstsq(a, b, rcond=rcond)
    for got, expected in zip((x, residuals, s), (want[0], want[1], want[3])):
        np.testing.assert_allclose(got, expected, rtol=1e-10, atol=1e-12)
        assert np.shape(got) == np.shape(expected) and np.asarray(got).dtype == expected.dtype
    assert rank == want[2]
    cr.check_grads(lambda m, v: lstsq_outputs(m, v, rcond), (a, b), modes=("fwd", "rev"), order=2)


def test_lstsq_of_a_rank_deficient_matrix(rng):
    # rank 2 of 3 columns: the minimum-norm solution, differentiable while the rank holds
    a = rng.standard_normal((5, 2)) @ rng.standard_normal((2, 3))
    b = rng.standard_normal(5)
    x, residuals, rank, s = clinalg.lstsq(a, b)
    assert rank == 2 and residuals.shape == (0,)
    np.testing.assert_allclose(x, np.linalg.pinv(a) @ b, rtol=1e-10)
    # rcond=None: NumPy 2's cutoff, which NumPy 1.x's default (machine precision) is not
    cr.check_grads(lambda v: np.linalg.lstsq(a, v, rcond=None)[0], (b,), modes=("fwd", "rev"),
                   order=2)
    # along a path that keeps the rank: (I + e d1) a (I + e d2)
    d1, d2 = rng.standard_normal((5, 5)) / 10, rng.standard_normal((3, 3)) / 10
    cr.check_grads(lambda e: np.linalg.lstsq((np.eye(5) + e * d1) @ a @ (np.eye(3) + e * d2),
                                             b, rcond=None)[0], (0.0,), modes=("fwd", "rev"),
                   order=2)


def test_tensorsolve_and_tensorinv(rng):
    a = rng.standard_normal((2, 3, 6)) + 3 * np.eye(6).reshape(2, 3, 6)
    b = rng.standard_normal((2, 3))
    np.testing.assert_allclose(clinalg.tensorsolve(a, b), np.linalg.tensorsolve(a, b))
    cr.check_grads(np.linalg.tensorsolve, (a, b), modes=("fwd", "rev"), order=2)
    a_axes = np.moveaxis(a, 2, 0)  # (6, 2, 3): the axes argument moves it back
    np.testing.assert_allclose(clinalg.tensorsolve(a_axes, b, axes=(0,)),
                               np.linalg.tensorsolve(a_axes, b, axes=(0,)))
    cr.check_grads(lambda m, v: np.linalg.tensorsolve(m, v, axes=(0,)), (a_axes, b),
                   modes=("fwd", "rev"), order=2)
    for shape, ind in (((4, 2, 2), 1), ((2, 2, 4), 2)):
        c = complex_matrix(rng, shape) + 3 * np.eye(4).reshape(shape)
        np.testing.assert_allclose(clinalg.tensorinv(c, ind=ind), np.linalg.tensorinv(c, ind=ind))
        cr.check_grads(lambda m, ind=ind: np.linalg.tensorinv(m, ind=ind), (c,),
                       modes=("fwd", "rev"), order=2)
    with pytest.raises(ValueError, match="Invalid ind"):
        clinalg.tensorinv(c, ind=0)


@pytest.mark.parametrize("p", [None, 2, -2, "fro", "nuc", 1, -1, np.inf, -np.inf])
def test_cond(p, rng):
    for a in (well_conditioned(rng, (2, 3, 3)) / 3, complex_matrix(rng, (3, 3)) + 2 * np.eye(3)):
        out, _ = cr.vjp(lambda m: np.linalg.cond(m, p), a)
        np.testing.assert_allclose(out, np.linalg.cond(a, p), rtol=1e-12)
        cr.check_grads(lambda m: np.linalg.cond(m, p), (a,), modes=("fwd", "rev"), order=2)


def test_cond_of_a_singular_matrix_is_numpys_infinity():
    singular = np.array([[1.0, 2.0], [2.0, 4.0]])
    with np.errstate(divide="ignore"):
        assert cr.vjp(lambda m: np.linalg.cond(m, 1), singular)[0] == np.linalg.cond(singular, 1)


def test_matrix_rank_has_no_derivative(rng):
    a = rng.standard_normal((4, 2)) @ rng.standard_normal((2, 3))
    assert clinalg.matrix_rank(a) == np.linalg.matrix_rank(a) == 2
    assert clinalg.matrix_rank(a, tol=1e3) == 0
    gradient = cr.grad(lambda m: np.linalg.matrix_rank(m) * m.sum())(a)
    np.testing.assert_array_equal(gradient, np.full_like(a, 2.0))


LINALG_COMPLEX_CASES = [
    #  function                                             shape
    (lambda a: np.linalg.matrix_power(a, -2),              (3, 3)),
    (lambda a: np.linalg.matrix_power(a, 5),               (2, 2, 2)),
    (lambda a: np.linalg.multi_dot([a, a.T, a]),           (3, 3)),
    (lambda a: np.linalg.norm(a, "nuc"),                   (3, 2)),
    (lambda a: np.linalg.norm(a, 2, axis=(1, 2)),          (2, 3, 2)),
    (lambda a: np.linalg.norm(a, -2),                      (3, 3)),
    (lambda a: np.linalg.norm(a, 1),                       (3, 2)),
    (lambda a: np.linalg.norm(a, np.inf, axis=(0, 1)),     (3, 2)),
    (lambda a: np.linalg.norm(a, "fro"),                   (3, 2)),
    (lambda a: np.linalg.norm(a, 3, axis=0),               (3, 2)),
    (np.linalg.inv,                                        (2, 3, 3)),
    (lambda a: np.linalg.slogdet(a).logabsdet,             (2, 3, 3)),
    (lambda a: np.linalg.pinv(a) @ a,                      (3, 2)),
]


@pytest.mark.parametrize("function, shape", LINALG_COMPLEX_CASES)
def test_complex_linalg(function, shape, rng):
    a = complex_matrix(rng, shape) + (2 * np.eye(shape[-1]) if shape[-1] == shape[-2] else 0)
    np.testing.assert_allclose(cr.vjp(function, a)[0], function(a), rtol=1e-12)
    cr.check_grads(function, (a,), modes=("fwd", "rev"), order=2)


@pytest.mark.skipif(not NUMPY_2, reason="NumPy 2 only (linalg.trace, linalg.diagonal)")
def test_linalg_trace_and_diagonal(rng):
    a = rng.standard_normal((2, 3, 3))
    for function in (np.linalg.trace, np.linalg.diagonal,
                     lambda m: np.linalg.diagonal(m, offset=1)):
        np.testing.assert_allclose(cr.vjp(function, a)[0], function(a))
        cr.check_grads(function, (a,), modes=("fwd", "rev"), order=2)


def test_every_numpy_linalg_function_is_wrapped():
    wrapped = {name for name in np.linalg.__all__ if name != "LinAlgError"}
    assert wrapped <= set(clinalg.__all__) | {"vecdot", "outer", "cross", "tensordot"}
    for name in wrapped:
        assert hasattr(cnp.linalg, name), name


def test_float32_lstsq_and_qr(rng):
    a = (rng.standard_normal((4, 3)) / 2 + 2 * np.eye(4, 3)).astype(np.float32)  # well-conditioned
    b = rng.standard_normal(4).astype(np.float32)
    x, residuals, rank, s = clinalg.lstsq(a, b)
    assert x.dtype == residuals.dtype == s.dtype == np.float32
    cr.check_grads(lambda m, v: np.linalg.lstsq(m, v)[0], (a, b), modes=("fwd", "rev"), order=2)
    q, r = clinalg.qr(a)
    assert q.dtype == r.dtype == np.float32


@pytest.mark.parametrize("name, call", [
    ("qr",          lambda linalg, m: linalg.qr(m)[1].sum()),
    ("eig",         lambda linalg, m: linalg.eig(m)[0].sum().real),
    ("eigvals",     lambda linalg, m: (linalg.eigvals(m) ** 2).sum().real),
    ("lstsq",       lambda linalg, m: linalg.lstsq(m, m[:, 0] + 1.0, rcond=None)[0].sum()),
    ("cond",        lambda linalg, m: linalg.cond(m, "fro")),
    ("tensorinv",   lambda linalg, m: linalg.tensorinv(m, ind=1).sum()),
    ("tensorsolve", lambda linalg, m: linalg.tensorsolve(m, m[0]).sum()),
])
def test_cnp_linalg_spelling_matches_numpys(name, call, rng):
    a = well_conditioned(rng, (3, 3))
    np.testing.assert_allclose(cr.grad(lambda m: call(np.linalg, m))(a),
                               cr.grad(lambda m: call(cnp.linalg, m))(a), rtol=1e-12)


# -- batching: vmap of each row against a loop over the batch ------------------------------

def _rows(cases):
    """(case, pytest marks) for rows that may be pytest.param-wrapped."""
    return [(case.values, case.marks) if hasattr(case, "values") else (case, ()) for case in cases]


@pytest.mark.parametrize("a_shape, b_shape", SOLVE_SHAPES)
def test_solve_batching(a_shape, b_shape, rng):
    cr.check_vmap(np.linalg.solve, (well_conditioned(rng, a_shape), rng.standard_normal(b_shape)))


@pytest.mark.parametrize("function, shape", [
    pytest.param(function, shape, marks=marks)
    for (function, shapes), marks in _rows(UNARY_CASES) for shape in shapes])
def test_unary_batching(function, shape, rng):
    cr.check_vmap(function, (well_conditioned(rng, shape) / shape[-1],))


@pytest.mark.parametrize("kwargs, shape", [(kwargs, shape) for kwargs, shapes in NORM_CASES
                                           for shape in shapes])
def test_norm_batching(kwargs, shape, rng):
    cr.check_vmap(lambda v: np.linalg.norm(v, **kwargs), (rng.standard_normal(shape),))


@pytest.mark.parametrize("a_shape, b_shape, complex_, rcond", LSTSQ_CASES)
def test_lstsq_batching(a_shape, b_shape, complex_, rcond, rng):
    make = complex_matrix if complex_ else (lambda rng, shape: rng.standard_normal(shape))
    cr.check_vmap(lambda m, v: lstsq_outputs(m, v, rcond), (make(rng, a_shape),
                                                            make(rng, b_shape)), rtol=1e-10)


@pytest.mark.parametrize("call", [
    lambda a: np.linalg.cond(a),
    lambda a: np.linalg.cond(a, 1),
    lambda a: np.linalg.matrix_rank(a).astype(float),
    lambda a: np.linalg.multi_dot([a, a.T, a]),
    lambda a: np.linalg.tensorinv(a.reshape(2, 2, 4), ind=2),
    lambda a: np.linalg.tensorsolve(a.reshape(4, 2, 2), np.ones(4)),
], ids=["cond", "cond 1", "matrix_rank", "multi_dot", "tensorinv", "tensorsolve"])
def test_compositions_batching(call, rng):
    cr.check_vmap(call, (well_conditioned(rng, (4, 4)),))


def test_cond_under_vmap_keeps_numpys_infinity_for_singular_members(rng):
    batch = np.stack([well_conditioned(rng, (3, 3)), np.ones((3, 3))])
    for p in (None, 1, "fro"):
        got = cr.vmap(lambda a: np.linalg.cond(a, p))(batch)
        assert np.isfinite(got[0]) and got[0] == pytest.approx(np.linalg.cond(batch[0], p))
        assert got[1] > 1e15  # NumPy's answer for a singular matrix: inf or huge
    grads = cr.vmap(cr.grad(lambda a: np.linalg.cond(a, "fro")))(batch)
    np.testing.assert_allclose(grads[0], cr.grad(lambda a: np.linalg.cond(a, "fro"))(batch[0]))
    np.testing.assert_array_equal(grads[1], np.zeros((3, 3)))


LINALG_PRIMITIVES = {"numpy.linalg." + name for name in (
    "solve", "inv", "det", "slogdet", "cofactor", "cholesky", "eigh", "eig", "eigvals", "svd",
    "svdvals", "pinv", "qr", "lstsq", "matrix_rank", "cond_value")} | {"numpy.matmul"}


@pytest.mark.parametrize("call, b_shape", [
    (np.linalg.solve, (3,)), (np.linalg.solve, (3, 2)), (np.linalg.solve, (2, 3, 1)),
    (lambda a, b: np.linalg.lstsq(a, b, rcond=None)[0], (3,)),
    (lambda a, b: np.linalg.inv(a) @ b, (3,)),
    (lambda a, b: np.linalg.det(a) * b, (3,)),
    (lambda a, b: np.linalg.slogdet(a)[1] * b, (3,)),
    (lambda a, b: np.linalg.pinv(a) @ b, (3,)),
    (lambda a, b: np.linalg.svd(a, compute_uv=False) * b, (3,)),
    (lambda a, b: np.linalg.eigvalsh(a + a.T) * b, (3,)),
    (lambda a, b: np.linalg.cholesky(a @ a.T) @ b, (3,)),
    (lambda a, b: np.linalg.qr(a)[1] @ b, (3,)),
    (lambda a, b: np.abs(np.linalg.eigvals(a)) * b, (3,)),
    (lambda a, b: np.linalg.matrix_rank(a) * b, (3,)),
], ids=["solve vector", "solve matrix", "solve stack", "lstsq", "inv", "det", "slogdet",
        "pinv", "svd", "eigh", "cholesky", "qr", "eigvals", "matrix_rank"])
def test_linalg_runs_once_on_the_batch(call, b_shape, rng, monkeypatch):
    refuse_loops(monkeypatch, only=LINALG_PRIMITIVES)
    cr.check_vmap(call, (well_conditioned(rng, (3, 3)), rng.standard_normal(b_shape)),
                  rtol=1e-10)


def test_slogdet_sign_under_vmap_is_each_members(rng):
    batch = np.stack([well_conditioned(rng, (3, 3)) * sign for sign in (1.0, -1.0)])
    signs = cr.vmap(lambda a: np.linalg.slogdet(a)[0])(batch)
    np.testing.assert_array_equal(signs, np.linalg.slogdet(batch)[0])


@pytest.mark.parametrize("function, shapes", [
    (lambda a, b: np.linalg.solve(a, b), [(3, 3), (3,)]),
    (lambda a, b: np.linalg.slogdet(a)[1] + np.linalg.inv(a).sum(), [(3, 3), ()]),
    (lambda a, b: np.linalg.det(a), [(3, 3), ()]),
    (lambda a, b: np.linalg.norm(a @ b), [(3, 3), (3,)]),
], ids=["solve", "slogdet and inv", "det", "norm"])
def test_derivatives_of_vmap_and_vmap_of_derivatives(function, shapes, rng):
    check_batched_grads(function, (well_conditioned(rng, shapes[0]),
                                         rng.standard_normal(shapes[1])))
