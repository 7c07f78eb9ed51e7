"""chainrule.scipy.linalg: values equal SciPy's, derivatives in both modes to second
order against finite differences, and the plain SciPy spelling refused loudly."""

import ast
import pathlib

import numpy as np
import pytest
import scipy.linalg

import chainrule as cr
import chainrule.core.batching as engine_batching
import chainrule.scipy.linalg as csl
from chainrule.scipy.matrix_functions import STACKS_MATRIX_FUNCTIONS


def near_identity(rng, n=3, dtype=np.float64):
    return (2.0 * np.eye(n) + 0.3 * rng.normal(size=(n, n))).astype(dtype)


def spd(rng, n=3):
    m = rng.normal(size=(n, n))
    return m @ m.T + n * np.eye(n)


def lower_tri(rng, n=3):
    return np.tril(rng.normal(size=(n, n))) + 3.0 * np.eye(n)


def real_eigenvalues(rng, n=3):
    similarity = np.eye(n) + 0.3 * rng.normal(size=(n, n))
    return similarity @ np.diag(np.arange(1.0, n + 1)) @ np.linalg.inv(similarity)


def banded(rng, n=5, below=1, above=2):
    ab = rng.normal(size=(below + above + 1, n))
    ab[above] += 4.0  # the diagonal: well conditioned
    return ab


def projections(w, v):
    return w, np.einsum("ik,jk->kij", v, v)


# name: (chainrule function, SciPy function, inputs from rng, order)
CASES = {
    "expm": (csl.expm, scipy.linalg.expm, lambda r: (0.5 * r.normal(size=(3, 3)),)),
    "expm batched": (csl.expm, scipy.linalg.expm, lambda r: (0.5 * r.normal(size=(2, 2, 2)),)),
    "logm": (csl.logm, scipy.linalg.logm, lambda r: (near_identity(r, 2),)),
    "sqrtm": (csl.sqrtm, scipy.linalg.sqrtm, lambda r: (near_identity(r),)),
    "fractional_matrix_power": (
        lambda a: csl.fractional_matrix_power(a, 0.3),
        lambda a: scipy.linalg.fractional_matrix_power(a, 0.3),
        lambda r: (near_identity(r, 2),)),  # 2x2: each order doubles the matrix
    "expm_frechet": (
        lambda a, e: csl.expm_frechet(a, e)[1],
        lambda a, e: scipy.linalg.expm_frechet(a, e)[1],
        lambda r: (0.5 * r.normal(size=(2, 2)), r.normal(size=(2, 2)))),
    "solve_triangular lower": (
        lambda a, b: csl.solve_triangular(a, b, lower=True),
        lambda a, b: scipy.linalg.solve_triangular(a, b, lower=True),
        lambda r: (lower_tri(r), r.normal(size=3))),
    "solve_triangular upper trans unit": (
        lambda a, b: csl.solve_triangular(a, b, trans="T", unit_diagonal=True),
        lambda a, b: scipy.linalg.solve_triangular(a, b, trans="T", unit_diagonal=True),
        lambda r: (lower_tri(r).T, r.normal(size=(3, 2)))),
    "cho_factor": (
        lambda a: csl.cho_factor(a)[0], lambda a: scipy.linalg.cho_factor(a)[0],
        lambda r: (spd(r),)),
    "cho_solve lower": (
        lambda a, b: csl.cho_solve(csl.cho_factor(a, lower=True), b),
        lambda a, b: scipy.linalg.cho_solve(scipy.linalg.cho_factor(a, lower=True), b),
        lambda r: (spd(r), r.normal(size=3))),
    "lu_factor": (
        lambda a: csl.lu_factor(a)[0], lambda a: scipy.linalg.lu_factor(a)[0],
        lambda r: (r.normal(size=(3, 3)),)),
    "lu_solve": (
        lambda a, b: csl.lu_solve(csl.lu_factor(a), b),
        lambda a, b: scipy.linalg.lu_solve(scipy.linalg.lu_factor(a), b),
        lambda r: (r.normal(size=(3, 3)), r.normal(size=3))),
    "lu_solve trans": (
        lambda a, b: csl.lu_solve(csl.lu_factor(a), b, trans=1),
        lambda a, b: scipy.linalg.lu_solve(scipy.linalg.lu_factor(a), b, trans=1),
        lambda r: (r.normal(size=(3, 3)), r.normal(size=(3, 2)))),
    "lu wide": (
        lambda a: csl.lu(a)[1:], lambda a: scipy.linalg.lu(a)[1:],
        lambda r: (r.normal(size=(2, 4)),)),
    "lu tall permute_l": (
        lambda a: csl.lu(a, permute_l=True), lambda a: scipy.linalg.lu(a, permute_l=True),
        lambda r: (r.normal(size=(4, 3)),)),
    "qr": (lambda a: csl.qr(a), lambda a: scipy.linalg.qr(a), lambda r: (r.normal(size=(3, 3)),)),
    "qr economic pivoting": (
        lambda a: csl.qr(a, mode="economic", pivoting=True)[:2],
        lambda a: scipy.linalg.qr(a, mode="economic", pivoting=True)[:2],
        lambda r: (r.normal(size=(4, 3)),)),
    "schur": (
        lambda a: csl.schur(a)[0], lambda a: scipy.linalg.schur(a)[0],
        lambda r: (real_eigenvalues(r),)),
    "solve_sylvester": (
        csl.solve_sylvester, scipy.linalg.solve_sylvester,
        lambda r: (near_identity(r), near_identity(r, 2), r.normal(size=(3, 2)))),
    "solve_continuous_lyapunov": (
        csl.solve_continuous_lyapunov, scipy.linalg.solve_continuous_lyapunov,
        lambda r: (near_identity(r), r.normal(size=(3, 3)))),
    "solve_banded": (
        lambda ab, b: csl.solve_banded((1, 2), ab, b),
        lambda ab, b: scipy.linalg.solve_banded((1, 2), ab, b),
        lambda r: (banded(r), r.normal(size=5))),
    "solve_banded matrix rhs": (
        lambda ab, b: csl.solve_banded((2, 0), ab, b),
        lambda ab, b: scipy.linalg.solve_banded((2, 0), ab, b),
        lambda r: (banded(r, 4, 2, 0), r.normal(size=(4, 2)))),
    # eigenvectors have a sign each: differentiate the projections v_k v_k^T
    "eigh subset": (
        lambda a: projections(*csl.eigh(a, subset_by_index=[1, 2])),
        lambda a: projections(*scipy.linalg.eigh(a, subset_by_index=[1, 2])),
        lambda r: (spd(r),)),
    "eigh upper": (
        lambda a: projections(*csl.eigh(a, lower=False)),
        lambda a: projections(*scipy.linalg.eigh(a, lower=False)),
        lambda r: (r.normal(size=(3, 3)),)),
    "solve pos": (
        lambda a, b: csl.solve(a, b, assume_a="pos"),
        lambda a, b: scipy.linalg.solve(a, b, assume_a="pos"),
        lambda r: (np.tril(spd(r)), r.normal(size=3))),
    "solve transposed": (
        lambda a, b: csl.solve(a, b, transposed=True),
        lambda a, b: scipy.linalg.solve(a, b, transposed=True),
        lambda r: (near_identity(r), r.normal(size=(3, 2)))),
    "inv": (csl.inv, scipy.linalg.inv, lambda r: (near_identity(r),)),
    "det": (csl.det, scipy.linalg.det, lambda r: (r.normal(size=(3, 3)),)),
}


def assert_close_tree(ours, theirs):
    if isinstance(theirs, (tuple, list)):
        assert isinstance(ours, (tuple, list)) and len(ours) == len(theirs)
        for mine, reference in zip(ours, theirs):
            assert_close_tree(mine, reference)
        return
    np.testing.assert_allclose(ours, theirs, rtol=1e-9, atol=1e-10)


@pytest.mark.parametrize("name", sorted(CASES))
def test_values_equal_scipy_and_derivatives_match(name, rng):
    ours, theirs, make = CASES[name]
    args = make(rng)
    assert_close_tree(ours(*args), theirs(*args))
    cr.check_grads(ours, args, modes=("fwd", "rev"), order=2)


@pytest.mark.parametrize("options", [{}, {"lower": False}, {"subset_by_index": [0, 1]}])
def test_eigh_vectors_have_scipys_signs(options, rng):
    a = rng.normal(size=(4, 4))
    w, v = csl.eigh(a, **options)
    reference_w, reference_v = scipy.linalg.eigh(a, **options)
    np.testing.assert_allclose(w, reference_w, rtol=1e-12)
    np.testing.assert_allclose(v, reference_v, atol=1e-12)


COMPLEX = [
    ("expm", csl.expm, scipy.linalg.expm, 0.0),
    ("sqrtm", csl.sqrtm, scipy.linalg.sqrtm, 2.0),
    ("logm", csl.logm, scipy.linalg.logm, 2.0),
    ("solve_sylvester", lambda a: csl.solve_sylvester(a, a.T, a),
     lambda a: scipy.linalg.solve_sylvester(a, a.T, a), 2.0),
]


@pytest.mark.parametrize("name, ours, theirs, shift", COMPLEX)
def test_complex_matrices_follow_jaxs_convention(name, ours, theirs, shift, rng):
    """The reverse rules transpose (never conjugate) the complex-linear derivative."""
    a = shift * np.eye(2) + 0.4 * (rng.normal(size=(2, 2)) + 1j * rng.normal(size=(2, 2)))
    np.testing.assert_allclose(ours(a), theirs(a), rtol=1e-10)
    cr.check_grads(ours, (a,), modes=("fwd", "rev"), order=2)


def test_expm_third_order_by_recursion():
    """Each order doubles the block matrix; the third derivative still matches."""
    f = cr.grad(cr.grad(cr.grad(lambda s: csl.expm(s * np.array([[0.0, 1.0], [-1.0, 0.0]]))[0, 0])))
    assert np.isclose(f(0.7), np.sin(0.7))  # expm(s J)[0, 0] = cos s


FLOAT32 = [
    ("expm", lambda a: csl.expm(a), lambda a: scipy.linalg.expm(a)),
    ("sqrtm", lambda a: csl.sqrtm(a), lambda a: scipy.linalg.sqrtm(a)),
    ("solve_triangular", lambda a: csl.solve_triangular(a, a[0], lower=True),
     lambda a: scipy.linalg.solve_triangular(a, a[0], lower=True)),
    ("solve_sylvester", lambda a: csl.solve_sylvester(a, a, a),
     lambda a: scipy.linalg.solve_sylvester(a, a, a)),
]


@pytest.mark.parametrize("name, ours, theirs", FLOAT32)
def test_float32_kept_where_scipy_keeps_it(name, ours, theirs, rng):
    a = np.tril(near_identity(rng, dtype=np.float32))
    assert ours(a).dtype == theirs(a).dtype == np.float32
    out, tangent = cr.jvp(ours, (a,), (np.ones_like(a),))
    assert out.dtype == tangent.dtype == np.float32
    cr.check_grads(ours, (a,), modes=("fwd", "rev"), order=1)  # float32: first order only


@pytest.mark.parametrize("name", ["expm", "logm", "solve_triangular", "lu_factor"])
def test_plain_scipy_on_tracers_raises_naming_chainrule(name, rng):
    a = near_identity(rng)
    plain = getattr(scipy.linalg, name)
    args = (a, np.ones(3)) if name == "solve_triangular" else (a,)
    with pytest.raises(TypeError, match="chainrule"):
        cr.grad(lambda x: np.sum(np.asarray(plain(x, *args[1:]), dtype=float)))(a)


def test_logm_error_estimate_is_scipys(rng):
    a = near_identity(rng)
    value, error = csl.logm(a, disp=False)
    np.testing.assert_allclose(value, scipy.linalg.logm(a), rtol=1e-12)
    assert 0.0 <= error < 1e-12


def test_schur_complex_eigenvalues_refused():
    rotation = np.array([[0.0, -1.0], [1.0, 0.0]])
    with pytest.raises(NotImplementedError, match="2x2 blocks"):
        cr.grad(lambda a: np.sum(csl.schur(a)[0]))(rotation)


@pytest.mark.parametrize("name", ["lu", "lu_factor"])
def test_batched_lu_is_refused_with_the_loop_to_write(name):
    with pytest.raises(NotImplementedError, match="np.stack"):
        getattr(csl, name)(np.ones((2, 3, 3)) + np.eye(3))


def test_coverage_rows_name_every_function():
    rows = csl.coverage_rows()
    assert {name for name, _, _ in rows} == {f"scipy.linalg.{n}" for n in csl.__all__}
    assert all(modes == "forward, reverse" for _, _, modes in rows)


# chainrule/scipy's files of these areas, bottom to top: each imports only earlier ones
ORDER = ["matrix_functions", "schur_decomposition", "linalg", "ode", "integrate", "signal"]
SCIPY_PACKAGE = pathlib.Path(csl.__file__).parent


@pytest.mark.parametrize("stem", ORDER)
def test_files_import_downward_at_module_level(stem):
    tree = ast.parse((SCIPY_PACKAGE / f"{stem}.py").read_text())
    top = {id(node) for node in tree.body}
    for node in tree.body:  # a guarded import at module level counts as module level
        if isinstance(node, ast.Try):
            top.update(id(child) for child in ast.walk(node))
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            assert id(node) in top, f"{stem}.py:{node.lineno}: imports sit at module level"
        if isinstance(node, ast.ImportFrom) and node.level == 1:
            assert node.module in ORDER[:ORDER.index(stem)], (
                f"{stem}.py:{node.lineno} imports .{node.module}, not earlier in {ORDER}")
        if isinstance(node, ast.ImportFrom) and node.level == 2:
            assert node.module in (None, "numpy", "core"), f"{stem}.py imports ..{node.module}"


# -- batching: vmap against a loop over the batch --------------------------------------------

PIVOTED = {"lu_factor", "lu_solve", "lu_solve trans", "lu wide", "lu tall permute_l",
           "qr economic pivoting"}


@pytest.mark.parametrize("name", sorted(set(CASES) - PIVOTED))
def test_batching(name, rng):
    ours, _, make = CASES[name]
    cr.check_vmap(ours, make(rng), rtol=1e-10, atol=1e-10)


@pytest.mark.parametrize("name", sorted(PIVOTED))
def test_pivoted_factorisations_under_vmap_say_what_to_write(name, rng):
    ours, _, make = CASES[name]
    args = make(rng)
    with pytest.raises(NotImplementedError, match="loop"):
        cr.vmap(ours, in_axes=(0,) + (None,) * (len(args) - 1))(np.stack([args[0]] * 2), *args[1:])


@pytest.mark.parametrize("name", ["expm", "logm", "sqrtm", "fractional_matrix_power",
                                  "solve_triangular lower", "solve_triangular upper trans unit",
                                  "solve_banded", "solve_banded matrix rhs"])
def test_runs_once_on_the_batch(name, rng, monkeypatch):
    # the matrix functions on a batch of matrices; the solves: one shared matrix, a batch
    # of right-hand sides, solved as the columns of one
    loop = engine_batching.loop_over_batch

    def guarded(primitive, *args, **kwargs):
        assert not primitive.name.startswith("scipy."), f"{primitive.name} looped over the batch"
        return loop(primitive, *args, **kwargs)

    monkeypatch.setattr(engine_batching, "loop_over_batch", guarded)
    ours, _, make = CASES[name]
    args = make(rng)
    batch = np.stack([args[-1] * (1 + 0.1 * k) for k in range(3)])
    got = cr.vmap(ours, in_axes=(None,) * (len(args) - 1) + (0,))(*args[:-1], batch)
    np.testing.assert_allclose(got, [ours(*args[:-1], member) for member in batch], rtol=1e-10)
    if len(args) == 2 and STACKS_MATRIX_FUNCTIONS:  # a batch of matrices too: one stacked solve
        matrices = np.stack([args[0] * (1 + 0.1 * k) for k in range(3)])
        np.testing.assert_allclose(cr.vmap(ours)(matrices, batch),
                                   [ours(*members) for members in zip(matrices, batch)],
                                   rtol=1e-10)
