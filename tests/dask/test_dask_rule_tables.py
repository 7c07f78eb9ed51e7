"""More of the NumPy layer's rule tables re-run on Dask inputs, as in
test_dask_rules: fft, statistics, linalg (solve, inv, cholesky, qr, svd, norm,
lstsq, matrix_power) and einsum. Each row's value and derivatives (both modes, to
second order) on chunked Dask arrays equal NumPy's, lazily; the functions the
NumPy layer refuses on Dask raise NotImplementedError naming the function and Dask.

Only real inputs: check_like_numpy draws real tangents and weights, so complex
results are checked through their real and imaginary parts."""

import numpy as np
import pytest

pytest.importorskip("dask.array", reason="Dask is not installed: pip install 'chainrule[dask]'")

import dask.array as da  # noqa: E402

import chainrule as cr  # noqa: E402
import test_decompositions  # noqa: E402
import test_fft  # noqa: E402
import test_linalg  # noqa: E402
import test_products  # noqa: E402
import test_statistics  # noqa: E402
from dask_checks import check_like_numpy, chunk_size  # noqa: E402

pytestmark = pytest.mark.filterwarnings("error:The `.*` function is not implemented by Dask")


def real_and_imaginary(function):
    """``function`` with a complex result split into its real and imaginary parts."""

    def parts(*xs):
        out = function(*xs)
        return (np.real(out), np.imag(out)) if np.iscomplexobj(out) else out

    return parts


def chunked_off(shape, transformed):
    """One plan per axis not in ``transformed``: that axis chunked (not dividing it),
    the transformed ones whole (Dask's fft needs a transformed axis in one chunk)."""
    transformed = {axis % len(shape) for axis in transformed}
    plans = [[tuple(chunk_size(n) if i == k else n for i, n in enumerate(shape))]
             for k in range(len(shape)) if k not in transformed]
    return plans or [[shape]]


# -- fft ---------------------------------------------------------------------------------

# chainrule's derivative (or an n that pads) pads the transformed axis by a concatenation,
# which leaves that axis in two chunks: Dask's fft refuses it (see the report's bug 1)
PADDED_AXIS = "chainrule pads the transformed axis by concatenation: two chunks, which Dask's fft refuses"


HALF_SPECTRUM_IN = {"irfft", "hfft", "irfft2", "irfftn"}  # the last axis reads s // 2 + 1 values
REAL_IN = {"rfft", "ihfft", "rfft2", "rfftn"}  # their derivatives pad the half spectrum back


def pads(function, sizes, axes, shape):
    """Whether ``function`` (or its derivative) zero-pads an axis it transforms."""
    name = function.__name__
    if name in REAL_IN:
        return True
    if sizes is None:
        return False
    needed = list(sizes)
    if name in HALF_SPECTRUM_IN:
        needed[-1] = needed[-1] // 2 + 1
    return any(size > shape[axis] for size, axis in zip(needed, axes))


def _one_axis_rows():
    rows = []
    for function, _ in test_fft.ONE_AXIS:
        for norm in ("ortho",):  # the norms' scalings are checked on NumPy inputs
            for n in (None, 3, 8):
                padded = pads(function, None if n is None else (n,), (-1,), (3, 5))
                marks = [pytest.mark.xfail(reason=PADDED_AXIS, strict=True)] if padded else []
                rows.append(pytest.param(function, norm, n, marks=marks,
                                         id=f"{function.__name__}-{norm}-{n}"))
    return rows


@pytest.mark.parametrize("function, norm, n", _one_axis_rows())
def test_fft_one_axis(function, norm, n, rng):
    x = rng.standard_normal((3, 5))
    check_like_numpy(real_and_imaginary(lambda x: function(x, n=n, axis=-1, norm=norm)), [x], rng,
                     plans=chunked_off(x.shape, (-1,)))


def test_fft_along_a_chunked_axis_is_dasks_refusal(rng):
    x = da.from_array(rng.standard_normal((3, 5)), chunks=(3, 2))
    with pytest.raises(ValueError, match=r"FFT along an axis that\s+has a single chunk"):
        cr.grad(lambda x: np.sum(np.real(np.fft.fft(x))))(x)


def _several_axes_rows():
    rows = []
    for function, s, axes in test_fft.CASES:
        padded = pads(function, s, axes, (3, 4, 5))
        marks = [pytest.mark.xfail(reason=PADDED_AXIS, strict=True)] if padded else []
        rows.append(pytest.param(function, s, axes, marks=marks,
                                 id=f"{function.__name__}-{s}-{axes}"))
    return rows


@pytest.mark.parametrize("function, s, axes", _several_axes_rows())
def test_fft_several_axes(function, s, axes, rng):
    x = rng.standard_normal((3, 4, 5))
    transformed = axes if axes is not None else ((-2, -1) if function.__name__.endswith("2")
                                                 else range(3))
    check_like_numpy(real_and_imaginary(lambda x: function(x, s=s, axes=axes, norm="ortho")), [x],
                     rng, plans=chunked_off(x.shape, transformed))


@pytest.mark.parametrize("function", [np.fft.fftshift, np.fft.ifftshift], ids=lambda f: f.__name__)
@pytest.mark.parametrize("axes", [None, 0, (0, 1)], ids=str)
def test_fft_shifts(function, axes, rng):
    check_like_numpy(lambda x: function(x, axes), [rng.standard_normal((5, 4))], rng)


# -- statistics --------------------------------------------------------------------------

# every one of these branches on NaNs (or, ptp, on ties) while tracing: small any/all computes
STATISTICS = [case for case in test_statistics.REDUCTIONS
              if case[0] not in (np.median, np.nanmedian)]  # these sort: refused below


@pytest.mark.parametrize("case", STATISTICS, ids=test_statistics._reduction_id)
@pytest.mark.parametrize("axis, keepdims", [(None, False), (1, True)])
def test_statistical_reductions(case, axis, keepdims, rng):
    function, kwargs, _ = case
    check_like_numpy(lambda x: function(x, axis=axis, keepdims=keepdims, **kwargs),
                     [rng.standard_normal((3, 4))], rng, decides=True)


@pytest.mark.parametrize("function", test_statistics.CUMULATIVE, ids=lambda f: f.__name__)
def test_nan_cumulative(function, rng):
    check_like_numpy(lambda x: function(x, axis=1), [rng.standard_normal((3, 4))], rng,
                     decides=True)


def test_average_with_weights(rng):
    check_like_numpy(lambda x, w: np.average(x, axis=1, weights=w),
                     [rng.standard_normal((3, 4)), rng.random(4) + 1.0], rng, decides=True)


# -- linalg ------------------------------------------------------------------------------

# Dask's LU and Cholesky need every chunk square: (2, 2) chunks of 4 x 4 matrices
SQUARE = (2, 2)


def _square(rng, n=4):
    return test_linalg.well_conditioned(rng, (n, n)) / n


@pytest.mark.parametrize("b_shape", [(4,), (4, 3)], ids=str)
def test_solve_square_chunks(b_shape, rng):
    b = rng.standard_normal(b_shape)
    check_like_numpy(np.linalg.solve, [_square(rng), b], rng,
                     plans=[[SQUARE, (2,) + b_shape[1:]]])


def test_solve_needs_square_chunks_in_dask(rng):
    x = da.from_array(_square(rng, 3), chunks=2)  # chunks (2, 1) x (2, 1): not all square
    with pytest.raises(ValueError, match="All chunks must be a square matrix"):
        cr.grad(lambda a: np.sum(np.linalg.inv(a)))(x)


# UNARY_CASES' rows on square matrices (det and slogdet are refused below)
def _linalg_unary_rows():
    rows = []
    for case in test_linalg.UNARY_CASES:
        function = getattr(case, "values", case)[0]
        if function is None or function is np.linalg.det:  # None: NumPy 2 only, on NumPy 1.x
            continue
        if function.__name__ == "<lambda>" and "slogdet" in function.__code__.co_names:
            continue
        if any(len(shape) == 2 and shape[0] == shape[1] for shape in getattr(case, "values", case)[1]):
            rows.append(case)
    return rows


@pytest.mark.parametrize("case", _linalg_unary_rows())
def test_linalg_unary(case, rng):
    function, shapes = getattr(case, "values", case)
    check_like_numpy(function, [_square(rng, 4)], rng, plans=[[SQUARE]])  # Dask's linalg is 2-D


def test_cholesky(rng):
    # Dask's cholesky returns the upper factor by default; chainrule asks for the lower one
    # (array_types.DASK_SPELLINGS), NumPy's
    x = test_decompositions.positive_definite(rng, (4, 4))
    check_like_numpy(lambda x: np.linalg.cholesky(test_decompositions.symmetric(x)), [x], rng,
                     plans=[[SQUARE]])


QR_SVD_KEYWORDS = ("chainrule calls np.linalg.qr with mode= / np.linalg.svd with hermitian=, "
                   "which Dask's qr and svd do not take (see the report's bug 3)")


@pytest.mark.xfail(reason=QR_SVD_KEYWORDS, strict=True, raises=TypeError)
@pytest.mark.parametrize("function", [
    lambda x: np.concatenate(np.linalg.qr(x)),
    lambda x: np.linalg.svd(x, full_matrices=False)[1],
], ids=["qr", "svd"])
def test_qr_and_svd(function, rng):
    # tall and skinny, chunked along the rows only: what Dask's tsqr needs
    check_like_numpy(function, [rng.standard_normal((6, 3))], rng, plans=[[(2, 3)]])


# NORM_CASES on real input; their rules decide on the data (sqrt's kink at zero, ties of a
# max), except the vector norms of these orders
VECTOR_ORDERS_DECIDING_NOT = {1, -1, 3, 0.5, -1.5}


def _norm_rows():
    rows = []
    for kwargs, shapes in test_linalg.NORM_CASES:
        for shape in shapes[:1]:  # the first shape of each: Dask's graphs cost time to build
            marks = []
            if kwargs.get("ord") in ("nuc", 2, -2) and len(shape) > 1:
                marks = [pytest.mark.xfail(reason="the matrix 2-norms and nuclear norm take "
                                           "svdvals, refused on Dask", strict=True,
                                           raises=NotImplementedError)]
            rows.append(pytest.param(kwargs, shape, marks=marks,
                                     id=f"{test_linalg.norm_id((kwargs, shapes))}-{shape}"))
    return rows


@pytest.mark.parametrize("kwargs, shape", _norm_rows())
def test_norm_rows(kwargs, shape, rng):
    vector = len(shape) == 1 or isinstance(kwargs.get("axis"), int)
    decides = not (vector and kwargs.get("ord") in VECTOR_ORDERS_DECIDING_NOT)
    x = rng.standard_normal(shape)
    check_like_numpy(lambda x: np.linalg.norm(x, **kwargs), [x], rng, decides=decides)


REPEATED_INDEX = ("Dask's einsum of ONE operand leaves the axes of a repeated index (ii) chunked "
                  "differently (with two, it unifies them): NumPy's einsum refuses the blocks")


def _einsum_rows():
    rows = []
    for subscripts, shapes in test_products.EINSUM_CASES[:12]:
        operands = subscripts.split("->")[0].split(",")
        repeated = len(operands) == 1 and len(set(operands[0])) < len(operands[0])
        marks = [pytest.mark.xfail(reason=REPEATED_INDEX, strict=True, raises=ValueError)] if repeated else []
        rows.append(pytest.param(subscripts, shapes, marks=marks, id=subscripts))
    return rows


@pytest.mark.parametrize("subscripts, shapes", _einsum_rows())
def test_einsum_rows(subscripts, shapes, rng):
    arrays = [rng.standard_normal(shape) for shape in shapes]
    check_like_numpy(lambda *xs: np.einsum(subscripts, *xs), arrays, rng)


# -- refusals ----------------------------------------------------------------------------

SVDVALS = getattr(np.linalg, "svdvals", None)

REFUSED = [
    #  name that must be in the message   call
    ("numpy.linalg.det",                  np.linalg.det),
    ("numpy.linalg.slogdet",              lambda x: np.linalg.slogdet(x)[1]),
    ("numpy.linalg.eigvals",              lambda x: np.real(np.linalg.eigvals(x))),
    ("numpy.linalg.eig",                  lambda x: np.real(np.linalg.eig(x)[0])),
    ("numpy.linalg.eigh",                 lambda x: np.linalg.eigh(x + x.T)[0]),
    ("numpy.linalg.eigh",                 lambda x: np.linalg.eigvalsh(x + x.T)),
    ("numpy.linalg.pinv",                 np.linalg.pinv),
    # lstsq's value is Dask's (x chunked along rows: Dask's tsqr); its derivative takes the
    # singular values (pinv where a is not square)
    ("numpy.linalg.svdvals",              lambda x: np.linalg.lstsq(x, x[:, 0])[0]),
    ("numpy.linalg.svdvals",              lambda x: np.linalg.svd(x, compute_uv=False)),
    ("numpy.sort",                        np.sort),
    ("numpy.sort",                        np.median),
    ("numpy.sort",                        lambda x: np.quantile(x, 0.3)),
    ("numpy.sort",                        lambda x: np.percentile(x, 30.0, axis=0)),
    ("numpy.sort",                        lambda x: np.nanmedian(x, axis=1)),
    ("numpy.partition",                   lambda x: np.partition(x, 1)),
]
if SVDVALS is not None:
    REFUSED.append(("numpy.linalg.svdvals", SVDVALS))


@pytest.mark.parametrize("name, function", REFUSED,
                         ids=[f"{name}-{i}" for i, (name, _) in enumerate(REFUSED)])
def test_refused_on_dask_naming_the_function(name, function, rng):
    x = da.from_array(_square(rng, 4), chunks=(2, 4))
    with pytest.raises(NotImplementedError, match=rf"{name}\b.* is not implemented by Dask"):
        cr.grad(lambda x: np.sum(function(x)))(x)


def test_matrix_rank_and_argsort_are_refused_too(rng):
    x = da.from_array(_square(rng, 4), chunks=2)
    for function in (np.argsort, np.linalg.matrix_rank):
        with pytest.raises(NotImplementedError, match="is not implemented by Dask"):
            cr.grad(lambda x, function=function: np.sum(x * function(x)))(x)
