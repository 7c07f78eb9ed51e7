"""``chainrule.scipy.linalg``: SciPy's linear algebra, differentiable in both modes.

Triangular and banded solves and the unpivoted LU factor are primitives here,
their rules written with themselves, so every order works; cho_factor,
cho_solve, lu_factor, lu_solve, lu, qr, eigh, solve, inv and det are
compositions of those and of ``chainrule.numpy.linalg`` (whose cholesky, qr,
eigh, inv, det and solve they reuse). The matrix functions (expm, logm, sqrtm,
fractional_matrix_power) and the Sylvester and Lyapunov solvers live in
``matrix_functions.py`` and are re-exported here.

Plain ``scipy.linalg.f(t)`` on a traced ``t`` converts it with ``np.asarray``
and raises chainrule's TypeError: write ``chainrule.scipy.linalg.f(t)``.

>>> solve_triangular(np.array([[2.0, 0.0], [1.0, 1.0]]), np.array([2.0, 2.0]), lower=True)
array([1., 1.])
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.linalg

from .. import numpy as cnp
from ..core import base_value
from ..numpy import batching as batch_tools
from .matrix_functions import STACKS_MATRIX_FUNCTIONS, _PRIMITIVES, _primitive, _swap_last
from .matrix_functions import expm as expm
from .matrix_functions import expm_frechet as expm_frechet
from .matrix_functions import fractional_matrix_power as fractional_matrix_power
from .matrix_functions import logm as logm
from .matrix_functions import solve_continuous_lyapunov as solve_continuous_lyapunov
from .matrix_functions import solve_sylvester as solve_sylvester
from .matrix_functions import sqrtm as sqrtm
from .schur_decomposition import schur as schur

_shape = batch_tools.member_shape  # np.shape, of one member under vmap
inv = cnp.linalg.inv
det = cnp.linalg.det


def _trans_code(trans: Any) -> int:
    return {0: 0, 1: 1, 2: 2, "N": 0, "T": 1, "C": 2}[trans]


def _triangle(x: Any, lower: bool, unit_diagonal: bool) -> Any:
    """The triangle of ``x`` a triangular solve reads (without the diagonal if unit)."""
    n = _shape(x)[-1]
    offset = -1 if unit_diagonal else 0
    mask = np.tril(np.ones((n, n)), offset) if lower else np.triu(np.ones((n, n)), -offset)
    return x * mask.astype(cnp.result_type(x, 1.0))


def _outer(left: Any, right: Any) -> Any:
    """``left right^T`` for vectors (n,) or matrices (n, k)."""
    if len(_shape(left)) == 1:
        return cnp.outer(left, right)
    return cnp.matmul(left, _swap_last(right))


def _real_trans(a: Any, trans: int) -> int:
    if trans == 2 and np.iscomplexobj(base_value(a)):
        raise NotImplementedError(
            "chainrule.scipy.linalg.solve_triangular(trans='C') of a complex matrix has no "
            "derivative rule yet.\n  Write solve_triangular(np.conj(a), b, trans='T').")
    return min(trans, 1)


def _solve_triangular_impl(a, b, trans, lower, unit_diagonal):
    return scipy.linalg.solve_triangular(a, b, trans=trans, lower=lower,
                                         unit_diagonal=unit_diagonal)


def _solve_triangular_vjp(g, ans, a, b, trans, lower, unit_diagonal):
    trans = _real_trans(a, trans)
    gb = solve_triangular_p(a, g, trans=1 - trans, lower=lower, unit_diagonal=unit_diagonal)
    ga = -(_outer(gb, ans) if trans == 0 else _outer(ans, gb))
    return _triangle(ga, lower, unit_diagonal), gb


def _solve_triangular_jvp(tangents, ans, a, b, trans, lower, unit_diagonal):
    ta, tb = tangents
    trans = _real_trans(a, trans)
    rhs = 0.0 * ans if tb is None else tb
    if ta is not None:
        dt = _triangle(ta, lower, unit_diagonal)
        rhs = rhs - cnp.matmul(dt if trans == 0 else _swap_last(dt), ans)
    return solve_triangular_p(a, rhs, trans=trans, lower=lower, unit_diagonal=unit_diagonal)


solve_triangular_p = _primitive("solve_triangular", _solve_triangular_impl)
solve_triangular_p.def_vjp_joint(_solve_triangular_vjp)
solve_triangular_p.def_jvp_joint(_solve_triangular_jvp)


def _shared_matrix_batch(primitive: Any) -> Any:
    """The batching rule of a triangular or banded solve: a shared matrix solves the
    members' right-hand sides as the columns of one; a batch of matrices is one stacked
    solve (SciPy 1.15+; before, a loop over the members), ``b`` as a stack of columns."""
    def rule(args, batched, **params):
        (a, b), (a_batched, b_batched) = args, batched
        vector = batch_tools.logical_ndim(b, b_batched) == 1
        if not a_batched:
            return batch_tools.shared_matrix_solve(lambda a, b: primitive(a, b, **params), a,
                                                   b, vector)
        if not STACKS_MATRIX_FUNCTIONS:
            return batch_tools.loop_over_batch(primitive, list(args), list(batched), params,
                                               _shape(a)[0])
        b = batch_tools.with_batch_axis(b, b_batched, _shape(a)[0])
        x = primitive(a, cnp.expand_dims(b, -1) if vector else b, **params)
        return cnp.reshape(x, _shape(x)[:-1]) if vector else x
    return rule


solve_triangular_p.def_batch(_shared_matrix_batch(solve_triangular_p))


def solve_triangular(a: Any, b: Any, trans: Any = 0, lower: bool = False,
                     unit_diagonal: bool = False, overwrite_b: bool = False,
                     check_finite: bool = True) -> Any:
    """``scipy.linalg.solve_triangular``: ``x`` with ``op(T) x = b``, ``T`` the triangle
    of ``a`` that ``lower`` names (unit diagonal if asked); only that triangle gets a
    gradient.

    >>> solve_triangular(np.array([[2.0, 1.0], [0.0, 1.0]]), np.array([3.0, 1.0]))
    array([1., 1.])
    """
    return solve_triangular_p(cnp.asarray(a), cnp.asarray(b), trans=_trans_code(trans),
                              lower=bool(lower), unit_diagonal=bool(unit_diagonal))


# -- Cholesky --------------------------------------------------------------------------


def _symmetric_from(a: Any, lower: bool) -> Any:
    """The symmetric matrix the triangle ``lower`` names stands for."""
    triangle = cnp.tril(a) if lower else cnp.triu(a)
    strict = cnp.tril(a, -1) if lower else cnp.triu(a, 1)
    return triangle + _swap_last(strict)


def cho_factor(a: Any, lower: bool = False, overwrite_a: bool = False,
               check_finite: bool = True) -> tuple:
    """``scipy.linalg.cho_factor``: ``(c, lower)``, the Cholesky factor in the triangle
    ``lower`` names and, as SciPy leaves it, ``a``'s entries in the other.

    >>> c, lower = cho_factor(np.array([[4.0, 2.0], [2.0, 2.0]]))
    >>> c
    array([[2., 1.],
           [2., 1.]])
    """
    a = cnp.asarray(a)
    factor = cnp.linalg.cholesky(_symmetric_from(a, lower))
    if lower:
        return factor + cnp.triu(a, 1), lower
    return _swap_last(factor) + cnp.tril(a, -1), lower


def cho_solve(c_and_lower: tuple, b: Any, overwrite_b: bool = False,
              check_finite: bool = True) -> Any:
    """``scipy.linalg.cho_solve``: ``x`` with ``a x = b`` from ``cho_factor(a)``.

    >>> cho_solve(cho_factor(np.array([[4.0, 2.0], [2.0, 2.0]])), np.array([6.0, 4.0]))
    array([1., 1.])
    """
    c, lower = c_and_lower
    c, b = cnp.asarray(c), cnp.asarray(b)
    if lower:  # L L^T x = b
        return solve_triangular(c, solve_triangular(c, b, lower=True), trans=1, lower=True)
    return solve_triangular(c, solve_triangular(c, b, trans=1), lower=False)  # U^T U x = b


# -- LU ------------------------------------------------------------------------------------


def _lu_unpivoted(b: np.ndarray) -> np.ndarray:
    """The packed LU factor (L unit lower, U upper) of ``b`` without row exchanges."""
    packed, piv = scipy.linalg.lu_factor(b)
    if np.array_equal(piv, np.arange(len(piv))):
        return packed
    packed = np.array(b, dtype=np.result_type(b, 1.0))  # Doolittle, in place
    for k in range(len(packed) - 1):
        packed[k + 1:, k] /= packed[k, k]
        packed[k + 1:, k + 1:] -= np.outer(packed[k + 1:, k], packed[k, k + 1:])
    return packed


def _unit_lower(packed: Any) -> Any:
    n = _shape(packed)[-1]
    return cnp.tril(packed, -1) + np.eye(n, dtype=cnp.result_type(packed))


def _times_u_inverse(x: Any, packed: Any) -> Any:
    """``x U^-1`` with ``U`` the upper triangle of ``packed``."""
    return _swap_last(solve_triangular_p(packed, _swap_last(x), trans=1, lower=False,
                                         unit_diagonal=False))


def _lu_jvp(t, ans, b):
    # L U = B: with X = L^-1 dB U^-1, dL = L strict_lower(X), dU = upper(X) U
    x = _times_u_inverse(
        solve_triangular_p(ans, t, trans=0, lower=True, unit_diagonal=True), ans)
    return cnp.matmul(_unit_lower(ans), cnp.tril(x, -1)) + cnp.matmul(cnp.triu(x), cnp.triu(ans))


def _lu_vjp(g, ans, b):
    # the transpose: dB = L^-T (strict_lower(L^T gL) + upper(gU U^T)) U^-T
    middle = (cnp.tril(cnp.matmul(_swap_last(_unit_lower(ans)), cnp.tril(g, -1)), -1)
              + cnp.triu(cnp.matmul(cnp.triu(g), _swap_last(cnp.triu(ans)))))
    left = solve_triangular_p(ans, middle, trans=1, lower=True, unit_diagonal=True)
    return _swap_last(solve_triangular_p(ans, _swap_last(left), trans=0, lower=False,
                                         unit_diagonal=False))


lu_unpivoted_p = _primitive("lu_unpivoted", _lu_unpivoted)
lu_unpivoted_p.def_jvp(_lu_jvp)
lu_unpivoted_p.def_vjp(_lu_vjp)


def _one_matrix(a: Any, name: str) -> None:
    if len(_shape(a)) != 2:
        raise NotImplementedError(
            f"chainrule.scipy.linalg.{name} takes one matrix (got shape {_shape(a)}); a "
            f"batch has no rule yet.\n  Loop over the matrices and stack the results: "
            f"np.stack([{name}(m)[0] for m in a]).")


def _pivots_per_member(a: Any, name: str) -> None:
    if batch_tools.is_batched(a):
        raise NotImplementedError(
            f"chainrule.scipy.linalg.{name} under vmap: the pivots are integers each member of "
            f"the batch chooses for itself, and the result is built from them.\n  Use "
            f"np.linalg.solve / np.linalg.det (which batch), or call {name} in a loop and "
            f"stack the results.")


def _permutation_from_pivots(piv: np.ndarray) -> np.ndarray:
    """``perm`` with ``a[perm] = L U`` from LAPACK's row interchanges."""
    perm = np.arange(len(piv))
    for row, other in enumerate(piv):
        perm[row], perm[other] = perm[other], perm[row]
    return perm


def lu_factor(a: Any, overwrite_a: bool = False, check_finite: bool = True) -> tuple:
    """``scipy.linalg.lu_factor``: ``(lu, piv)``; ``piv`` (integers) has no derivative,
    ``lu`` is differentiable where the pivots stay the same.

    >>> lu, piv = lu_factor(np.array([[1.0, 2.0], [4.0, 4.0]]))
    >>> lu, piv.tolist()
    (array([[4.  , 4.  ],
           [0.25, 1.  ]]), [1, 1])
    """
    a = cnp.asarray(a)
    _one_matrix(a, "lu_factor")
    _pivots_per_member(a, "lu_factor")
    piv = scipy.linalg.lu_factor(base_value(a))[1]
    return lu_unpivoted_p(a[_permutation_from_pivots(piv)]), piv


def lu_solve(lu_and_piv: tuple, b: Any, trans: Any = 0, overwrite_b: bool = False,
             check_finite: bool = True) -> Any:
    """``scipy.linalg.lu_solve``: ``x`` with ``a x = b`` (``trans=1``: ``a^T x = b``)
    from ``lu_factor(a)``.

    >>> lu_solve(lu_factor(np.array([[1.0, 2.0], [4.0, 4.0]])), np.array([3.0, 8.0]))
    array([1., 1.])
    """
    packed, piv = lu_and_piv
    packed, b = cnp.asarray(packed), cnp.asarray(b)
    perm = _permutation_from_pivots(piv)
    if _trans_code(trans) == 0:  # L U x = b[perm]
        y = solve_triangular(packed, b[perm], lower=True, unit_diagonal=True)
        return solve_triangular(packed, y, lower=False)
    y = solve_triangular(packed, b, trans=1, lower=False)  # U^T L^T (P^T x) = b
    return solve_triangular(packed, y, trans=1, lower=True, unit_diagonal=True)[
        np.argsort(perm)]


def lu(a: Any, permute_l: bool = False, overwrite_a: bool = False, check_finite: bool = True,
       p_indices: bool = False) -> tuple:
    """``scipy.linalg.lu``: ``(P, L, U)`` with ``a = P L U``, or ``(P L, U)`` with
    ``permute_l``; square or rectangular. ``P`` (or ``p`` with ``p_indices``) is plain.

    >>> p, l, u = lu(np.array([[1.0, 2.0], [4.0, 4.0]]))
    >>> l
    array([[1.  , 0.  ],
           [0.25, 1.  ]])
    """
    a = cnp.asarray(a)
    _one_matrix(a, "lu")
    _pivots_per_member(a, "lu")
    plain = base_value(a)
    p_matrix = scipy.linalg.lu(plain)[0]
    perm = np.argmax(p_matrix, axis=0)  # a[perm] = L U
    permuted = a[perm]
    m, n = _shape(a)
    k = min(m, n)
    packed = lu_unpivoted_p(permuted[:k, :k])
    lower, upper = _unit_lower(packed), cnp.triu(packed)
    if n > k:  # wide: U's extra columns solve L U2 = B2
        upper = cnp.concatenate([upper, solve_triangular_p(
            packed, permuted[:, k:], trans=0, lower=True, unit_diagonal=True)], axis=1)
    if m > k:  # tall: L's extra rows solve L2 U = B2
        lower = cnp.concatenate([lower, _times_u_inverse(permuted[k:], packed)], axis=0)
    if permute_l:
        return lower[np.argsort(perm)], upper
    if p_indices:
        return scipy.linalg.lu(plain, p_indices=True)[0], lower, upper
    return p_matrix, lower, upper


# -- QR, eigh, solve, banded ---------------------------------------------------------------


def qr(a: Any, overwrite_a: bool = False, lwork: Any = None, mode: str = "full",
       pivoting: bool = False, check_finite: bool = True) -> tuple:
    """``scipy.linalg.qr``: ``(Q, R)`` (``mode`` 'full' or 'economic'), ``(R,)`` (mode
    'r'), plus the plain column permutation with ``pivoting``; from
    ``chainrule.numpy.linalg.qr``, differentiable for full-rank matrices.

    >>> qr(np.array([[3.0, 1.0], [4.0, 2.0]]), mode="r")[0]
    array([[-5. , -2.2],
           [ 0. ,  0.4]])
    """
    if mode not in ("full", "economic", "r"):
        raise NotImplementedError(
            f"chainrule.scipy.linalg.qr(mode={mode!r}) has no derivative (the raw Householder "
            "reflectors).\n  Use mode='full' or 'economic' and differentiate Q and R.")
    a = cnp.asarray(a)
    extra: tuple = ()
    if pivoting:
        _pivots_per_member(a, "qr(pivoting=True)")
        columns = scipy.linalg.qr(base_value(a), mode="r", pivoting=True)[1]
        a, extra = a[:, columns], (columns,)
    if mode == "r":
        return (cnp.linalg.qr(a, mode="r"),) + extra
    q, r = cnp.linalg.qr(a, mode="complete" if mode == "full" else "reduced")
    return (q, r) + extra


def eigh(a: Any, b: Any = None, *, lower: bool = True, eigvals_only: bool = False,
         subset_by_index: Any = None, **options: Any) -> Any:
    """``scipy.linalg.eigh`` of a symmetric matrix (read from the triangle ``lower``
    names): ``(w, v)`` or ``w``; ``subset_by_index=[lo, hi]`` keeps eigenpairs lo..hi.
    The eigenvectors' signs are SciPy's (read from SciPy's own eigh of the plain
    matrix); derivatives need distinct eigenvalues.

    >>> eigh(np.array([[2.0, 0.0], [0.0, 1.0]]), eigvals_only=True)
    array([1., 2.])
    """
    if b is not None or options.get("subset_by_value") is not None:
        raise NotImplementedError(
            "chainrule.scipy.linalg.eigh differentiates the standard problem only (no b, "
            "no subset_by_value).\n  For a positive definite b, with L = cholesky(b): "
            "w, y = eigh(solve_triangular(L, solve_triangular(L, a, lower=True).T, "
            "lower=True)), v = solve_triangular(L, y, trans=1, lower=True).")
    a = cnp.asarray(a)
    w, v = cnp.linalg.eigh(a, UPLO="L" if lower else "U")
    if subset_by_index is not None:
        first, last = (int(k) for k in subset_by_index)
        w, v = w[first:last + 1], v[:, first:last + 1]
    if eigvals_only:
        return w
    signs = eigh_signs_p(a, v, lower=lower, subset_by_index=subset_by_index)
    return w, v * cnp.astype(signs, cnp.result_type(v))


def _eigh_signs(a, v, lower, subset_by_index):
    # the signs that turn NumPy's eigenvectors into SciPy's, read from SciPy's own eigh
    reference = scipy.linalg.eigh(a, lower=lower, subset_by_index=subset_by_index)[1]
    return np.where(np.sum(v * reference, axis=0) < 0, -1.0, 1.0)


# without derivative; under vmap a loop over the members (SciPy's eigh takes one matrix)
eigh_signs_p = _primitive("eigh_signs", _eigh_signs)
eigh_signs_p.def_nondiff()


def solve(a: Any, b: Any, lower: bool = False, overwrite_a: bool = False,
          overwrite_b: bool = False, check_finite: bool = True, assume_a: Any = None,
          transposed: bool = False) -> Any:
    """``scipy.linalg.solve``: ``x`` with ``a x = b`` (``a^T x = b`` if ``transposed``);
    for ``assume_a`` 'sym', 'her' or 'pos' only the triangle ``lower`` names is read,
    as SciPy does.

    >>> solve(np.array([[2.0, 0.0], [0.0, 4.0]]), np.array([2.0, 2.0]))
    array([1. , 0.5])
    """
    a, b = cnp.asarray(a), cnp.asarray(b)
    kind = (assume_a or "gen").lower()
    if kind in ("sym", "symmetric", "her", "hermitian", "pos", "positive definite"):
        a = _symmetric_from(a, lower)
    elif kind in ("lower triangular", "upper triangular"):
        return solve_triangular(a, b, trans=1 if transposed else 0,
                                lower=kind.startswith("lower"))
    if transposed:
        a = _swap_last(a)
    return cnp.linalg.solve(a, b)


def _band_indices(n: int, below: int, above: int) -> tuple:
    """For each row ``i`` and band row ``k``: the column ``j`` of ``ab[k, j]`` that holds
    ``a[i, j]`` (``i = above + i - j`` read back), clipped, and the mask of real ones."""
    rows = np.arange(n)[:, None]
    band = np.arange(below + above + 1)[None, :]
    columns = rows - band + above
    inside = (columns >= 0) & (columns < n)
    return band, np.clip(columns, 0, n - 1), inside


def _banded_times(ab: Any, x: Any, below: int, above: int) -> Any:
    """``A x`` for the matrix whose band ``ab`` stores (``x`` of shape (n,) or (n, k))."""
    n = _shape(ab)[-1]
    band, columns, inside = _band_indices(n, below, above)
    entries = ab[band, columns] * inside.astype(cnp.result_type(ab))  # entries[i, k]
    gathered = x[columns]  # (n, width) or (n, width, k)
    if len(_shape(x)) == 1:
        return cnp.sum(entries * gathered, axis=1)
    return cnp.sum(entries[:, :, None] * gathered, axis=1)


def _transposed_band(ab: Any, below: int, above: int) -> Any:
    """The band storage of ``A^T``: ``abt[below + i - j, j] = A[j, i]``."""
    n = _shape(ab)[-1]
    k = np.arange(below + above + 1)[:, None]
    j = np.arange(n)[None, :]
    rows, columns = above + below - k, j + k - below  # A[j, i] = ab[above + j - i, i]
    inside = (columns >= 0) & (columns < n)
    return ab[np.broadcast_to(rows, inside.shape), np.clip(columns, 0, n - 1)] * inside.astype(
        cnp.result_type(ab))


def _band_of_outer(left: Any, right: Any, below: int, above: int) -> Any:
    """The band storage of ``left right^T`` (summed over columns for matrices)."""
    n = _shape(left)[0]
    k = np.arange(below + above + 1)[:, None]
    j = np.arange(n)[None, :]
    i = k - above + j
    inside = ((i >= 0) & (i < n)).astype(cnp.result_type(left))
    rows = np.clip(i, 0, n - 1)
    columns = np.broadcast_to(j, rows.shape)
    products = left[rows] * right[columns]
    if len(_shape(left)) > 1:
        products = cnp.sum(products, axis=-1)
    return products * inside


def _banded_vjp(g, ans, ab, b, below, above):
    gb = solve_banded_p(_transposed_band(ab, below, above), g, below=above, above=below)
    return -_band_of_outer(gb, ans, below, above), gb


def _banded_jvp(tangents, ans, ab, b, below, above):
    tab, tb = tangents
    rhs = 0.0 * ans if tb is None else tb
    if tab is not None:
        rhs = rhs - _banded_times(tab, ans, below, above)
    return solve_banded_p(ab, rhs, below=below, above=above)


solve_banded_p = _primitive("solve_banded", lambda ab, b, below, above: scipy.linalg.solve_banded(
    (below, above), ab, b))
solve_banded_p.def_vjp_joint(_banded_vjp)
solve_banded_p.def_jvp_joint(_banded_jvp)
solve_banded_p.def_batch(_shared_matrix_batch(solve_banded_p))


def solve_banded(l_and_u: tuple, ab: Any, b: Any, overwrite_ab: bool = False,
                 overwrite_b: bool = False, check_finite: bool = True) -> Any:
    """``scipy.linalg.solve_banded``: ``x`` with ``A x = b``, ``A`` stored by diagonals
    (``ab[u + i - j, j] = A[i, j]``); differentiable in the band and ``b``.

    >>> solve_banded((1, 1), np.array([[0.0, 1.0], [2.0, 2.0], [1.0, 0.0]]), np.array([3.0, 3.0]))
    array([1., 1.])
    """
    below, above = (int(k) for k in l_and_u)
    return solve_banded_p(cnp.asarray(ab), cnp.asarray(b), below=below, above=above)


def coverage_rows() -> list:
    """``(SciPy name, chainrule module, modes)`` for each function of this namespace.

    >>> ("scipy.linalg.expm", "chainrule.scipy.matrix_functions", "forward, reverse") in (
    ...     coverage_rows())
    True
    """
    rows = []
    for name in __all__:
        function = globals()[name]
        rows.append((f"scipy.linalg.{name}", getattr(function, "__module__", __name__)
                     or __name__, "forward, reverse"))
    return sorted(rows)


def primitives() -> list:
    """The primitives behind this namespace, each owning its rules.

    >>> "scipy.linalg.expm" in [prim.name for prim in primitives()]
    True
    """
    return [prim for prim in _PRIMITIVES if prim.name.startswith("scipy.linalg.")]


__all__ = [
    "cho_factor", "cho_solve", "det", "eigh", "expm", "expm_frechet", "fractional_matrix_power",
    "inv", "logm", "lu", "lu_factor", "lu_solve", "qr", "schur", "solve", "solve_banded",
    "solve_continuous_lyapunov", "solve_sylvester", "solve_triangular", "sqrtm",
]
