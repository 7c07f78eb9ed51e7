"""Reductions: values equal NumPy's; derivatives match finite differences in both
modes to second order for every axis/keepdims spelling; exact gradients of
prod/cumprod with zeros and of max/min with ties; method and ``np.`` spellings."""

import numpy as np
import pytest

import chainrule as cr
import chainrule.numpy as cnp
from batching_checks import check_batched_grads, check_vmap_without_loops, refusing_loops
from chainrule.numpy import reductions as red

NUMPY_2 = np.lib.NumpyVersion(np.__version__) >= "2.0.0"

WEIGHTS = np.array([0.5, 1.0, 2.0, 1.5])  # along the last axis of the 3-D inputs

# name, chainrule function, NumPy function (same call), domain of the inputs
REDUCTIONS = [
    ("sum",      red.sum,      np.sum,      (-2, 2)),
    ("mean",     red.mean,     np.mean,     (-2, 2)),
    ("prod",     red.prod,     np.prod,     (0.5, 1.5)),
    ("max",      red.max,      np.max,      (-2, 2)),
    ("amax",     red.amax,     np.amax,     (-2, 2)),
    ("min",      red.min,      np.min,      (-2, 2)),
    ("amin",     red.amin,     np.amin,     (-2, 2)),
    ("var",      red.var,      np.var,      (-2, 2)),
    ("var_ddof", lambda x, axis=None, keepdims=False: red.var(x, axis, ddof=1, keepdims=keepdims),
                 lambda x, axis=None, keepdims=False: np.var(x, axis, ddof=1, keepdims=keepdims),
                 (-2, 2)),
    ("std",      red.std,      np.std,      (-2, 2)),
    ("std_ddof", lambda x, axis=None, keepdims=False: red.std(x, axis, ddof=1, keepdims=keepdims),
                 lambda x, axis=None, keepdims=False: np.std(x, axis, ddof=1, keepdims=keepdims),
                 (-2, 2)),
    ("average",  red.average,  np.average,  (-2, 2)),
    ("nansum",   red.nansum,   np.nansum,   (-2, 2)),
    ("nanmean",  red.nanmean,  np.nanmean,  (-2, 2)),
    ("nanmax",   cnp.nanmax,  np.nanmax,    (-2, 2)),
    ("nanmin",   cnp.nanmin,  np.nanmin,    (-2, 2)),
    ("nanprod",  cnp.nanprod, np.nanprod,   (0.5, 1.5)),
    ("nanvar",   cnp.nanvar,  np.nanvar,    (-2, 2)),
    ("std_nan",  cnp.nanstd,  np.nanstd,    (-2, 2)),  # std-like: no derivative at 0
    ("ptp",      cnp.ptp,     np.ptp,       (-2, 2)),
    ("median",   cnp.median,  np.median,    (-2, 2)),
    ("nanmedian", cnp.nanmedian, np.nanmedian, (-2, 2)),
]
AXES = [None, 0, 1, -1, (0, 2), (-1, 0)]
KEEPDIMS = [False, True]


@pytest.mark.parametrize("name, fn, np_fn, domain", REDUCTIONS, ids=[r[0] for r in REDUCTIONS])
def test_reduction_derivatives(name, fn, np_fn, domain, rng):
    x = rng.uniform(*domain, size=(2, 3, 4))
    for axis in AXES:
        for keepdims in KEEPDIMS:
            cr.check_grads(lambda x: fn(x, axis=axis, keepdims=keepdims), (x,),
                           modes=("fwd", "rev"), order=2)


@pytest.mark.parametrize("name, fn, np_fn, domain", REDUCTIONS, ids=[r[0] for r in REDUCTIONS])
def test_reduction_values_equal_numpy(name, fn, np_fn, domain, rng):
    x = rng.uniform(*domain, size=(2, 3, 4))
    for axis in AXES:
        for keepdims in KEEPDIMS:
            expected = np_fn(x, axis=axis, keepdims=keepdims)
            np.testing.assert_array_equal(fn(x, axis=axis, keepdims=keepdims), expected)
            traced = cr.jvp(lambda x: fn(x, axis=axis, keepdims=keepdims), (x,), (x,))[0]
            np.testing.assert_array_equal(traced, expected)
            assert np.shape(traced) == np.shape(expected)


@pytest.mark.parametrize("name, fn, np_fn, domain", REDUCTIONS, ids=[r[0] for r in REDUCTIONS])
def test_reduction_float32(name, fn, np_fn, domain, rng):
    x = rng.uniform(*domain, size=(3, 4)).astype(np.float32)
    for axis in (None, -1):
        assert fn(x, axis=axis).dtype == np_fn(x, axis=axis).dtype == np.float32
        cr.check_grads(lambda x: fn(x, axis=axis), (x,), modes=("fwd", "rev"), order=2)
        assert cr.grad(lambda x: fn(x, axis=axis).sum())(x).dtype == np.float32
        assert cr.jvp(lambda x: fn(x, axis=axis), (x,), (x,))[1].dtype == np.float32


@pytest.mark.parametrize("name, fn, np_fn, domain", REDUCTIONS, ids=[r[0] for r in REDUCTIONS])
def test_reduction_of_scalars_and_vectors(name, fn, np_fn, domain, rng):
    for shape in [(), (5,)]:
        if shape == () and name.endswith("_ddof"):
            continue  # ddof=1 of one value is undefined (NaN); std of one value has slope 0
        x = rng.uniform(*domain, size=shape)
        cr.check_grads(fn, (x,), modes=("fwd", "rev"), order=2)
        np.testing.assert_array_equal(fn(x), np_fn(x))


# -- cumulative -------------------------------------------------------------------

CUMULATIVE = [
    #  chainrule   NumPy       domain
    (red.cumsum,  np.cumsum,  (-2, 2)),
    (red.cumprod, np.cumprod, (0.5, 1.5)),
]


@pytest.mark.parametrize("fn, np_fn, domain", CUMULATIVE)
def test_cumulative(fn, np_fn, domain, rng):
    x = rng.uniform(*domain, size=(2, 3, 4))
    for axis in [None, 0, 1, -1]:
        np.testing.assert_array_equal(fn(x, axis), np_fn(x, axis))
        cr.check_grads(lambda x: fn(x, axis), (x,), modes=("fwd", "rev"), order=2)
    x32 = x.astype(np.float32)
    assert fn(x32, -1).dtype == np.float32
    cr.check_grads(lambda x: fn(x, -1), (x32,), modes=("fwd", "rev"), order=2)
    cr.check_grads(lambda x: fn(x, 0), (rng.uniform(*domain, size=7),), order=3)


# -- prod and cumprod with zeros: analytic derivatives --------------------------------


def _prod_gradient(x):
    return np.array([np.prod(np.delete(x, i)) for i in range(len(x))])


def _prod_hessian(x):
    n = len(x)
    return np.array([[0.0 if i == j else np.prod(np.delete(x, [i, j])) for j in range(n)]
                     for i in range(n)])


PROD_ZEROS = [
    np.array([2.0, 0.0, 3.0, 4.0]),       # one zero: only its own gradient is non-zero
    np.array([2.0, 0.0, 3.0, 0.0]),       # two zeros: gradient zero, Hessian not
    np.array([0.0, 0.0, 0.0, 5.0]),
]


@pytest.mark.parametrize("x", PROD_ZEROS)
def test_prod_with_zeros(x):
    np.testing.assert_allclose(cr.grad(red.prod)(x), _prod_gradient(x))
    np.testing.assert_allclose(cr.jacfwd(red.prod)(x), _prod_gradient(x))
    np.testing.assert_allclose(cr.hessian(red.prod)(x), _prod_hessian(x))
    np.testing.assert_allclose(cr.jacrev(cr.grad(red.prod))(x), _prod_hessian(x))
    np.testing.assert_allclose(cr.jacfwd(cr.jacfwd(red.prod))(x), _prod_hessian(x))
    cr.check_grads(red.prod, (x,), modes=("fwd", "rev"), order=3)


def _with(x, index, value):
    x = x.copy()
    x[index] = value
    return x


def test_prod_with_zeros_along_axes():
    x = np.array([[[1.0, 0.0], [2.0, 3.0]], [[0.0, 4.0], [0.0, 5.0]]])
    for axis in [0, -1, (0, 2), None]:
        gradient = cr.grad(lambda x: red.prod(x, axis=axis).sum())(x)
        # prod is affine in each x_i: its derivative is prod(x_i = 1) - prod(x_i = 0)
        expected = np.zeros_like(x)
        for index in np.ndindex(x.shape):
            expected[index] = np.sum(np.prod(_with(x, index, 1.0), axis=axis)
                                     - np.prod(_with(x, index, 0.0), axis=axis))
        np.testing.assert_allclose(gradient, expected)
        cr.check_grads(lambda x: red.prod(x, axis=axis, keepdims=True), (x,), order=2)


@pytest.mark.parametrize("x", PROD_ZEROS)
def test_cumprod_with_zeros(x):
    n = len(x)
    jacobian = np.array([[np.prod(np.delete(x[: i + 1], k)) if k <= i else 0.0
                          for k in range(n)] for i in range(n)])
    np.testing.assert_allclose(cr.jacrev(red.cumprod)(x), jacobian)
    np.testing.assert_allclose(cr.jacfwd(red.cumprod)(x), jacobian)
    cr.check_grads(red.cumprod, (x,), modes=("fwd", "rev"), order=3)


# -- max and min with ties ------------------------------------------------------------

TIES = [
    #  function   input                        gradient
    (red.max,  np.array([3.0, 1.0, 3.0]),        np.array([0.5, 0.0, 0.5])),
    (red.min,  np.array([1.0, 2.0, 1.0]),        np.array([0.5, 0.0, 0.5])),
    (red.amax, np.array([2.0, 2.0, 2.0]),        np.array([1, 1, 1]) / 3),
    (red.max,  np.array([1.0, np.nan, 2.0]),     np.array([0.0, 1.0, 0.0])),
]


@pytest.mark.parametrize("fn, x, expected", TIES)
def test_extremum_ties_split_evenly(fn, x, expected):
    np.testing.assert_allclose(cr.grad(fn)(x), expected)
    np.testing.assert_allclose(cr.jacfwd(fn)(x), expected)
    np.testing.assert_allclose(cr.hessian(fn)(x), np.zeros((3, 3)))


def test_extremum_ties_along_an_axis():
    x = np.array([[1.0, 5.0, 5.0], [4.0, 4.0, 4.0]])
    expected = np.array([[0.0, 0.5, 0.5], [1 / 3, 1 / 3, 1 / 3]])
    for keepdims in KEEPDIMS:
        fn = lambda x: red.max(x, axis=1, keepdims=keepdims)  # noqa: E731
        np.testing.assert_allclose(cr.grad(lambda x: fn(x).sum())(x), expected)
        np.testing.assert_allclose(cr.jvp(fn, (x,), (np.ones_like(x),))[1].ravel(), [1.0, 1.0])
    np.testing.assert_allclose(cr.grad(lambda x: red.min(x, axis=0).sum())(-x.T), expected.T)


def test_extremum_initial():
    x = np.array([1.0, 3.0])
    assert red.max(x, initial=5.0) == np.max(x, initial=5.0)
    np.testing.assert_allclose(cr.grad(lambda x: red.max(x, initial=5.0))(x), [0.0, 0.0])
    np.testing.assert_allclose(cr.grad(lambda x: red.max(x, initial=0.0))(x), [0.0, 1.0])
    np.testing.assert_allclose(cr.grad(lambda x: red.min(x, initial=2.0))(x), [1.0, 0.0])


# -- the other arguments -----------------------------------------------------------------

def test_average_with_weights(rng):
    a = rng.uniform(-2, 2, size=(2, 3, 4))
    full = rng.uniform(0.5, 2, size=(2, 3, 4))
    np.testing.assert_array_equal(red.average(a, weights=full), np.average(a, weights=full))
    np.testing.assert_array_equal(red.average(a, axis=-1, weights=WEIGHTS),
                                  np.average(a, axis=-1, weights=WEIGHTS))
    cross = rng.uniform(0.5, 2, size=(4, 2))
    cases = [(None, full), (1, full), (-1, WEIGHTS)]
    if NUMPY_2:  # weights along several axes
        np.testing.assert_allclose(red.average(a, axis=(2, 0), weights=cross, keepdims=True),
                                   np.average(a, axis=(2, 0), weights=cross, keepdims=True))
        cases.append(((2, 0), cross))
    else:  # NumPy 1.x takes 1-D weights only, when the shapes differ
        for average in (red.average, np.average):
            with pytest.raises(TypeError, match="1D weights expected"):
                average(a, axis=(2, 0), weights=cross, keepdims=True)
    for axis, w in cases:
        cr.check_grads(lambda a, w: red.average(a, axis=axis, weights=w), (a, w), order=2)
    value, scale = red.average(a, axis=-1, weights=WEIGHTS, returned=True)
    np_value, np_scale = np.average(a, axis=-1, weights=WEIGHTS, returned=True)
    np.testing.assert_array_equal(scale, np_scale)
    cr.check_grads(lambda w: red.average(a, axis=-1, weights=w, returned=True)[1], (WEIGHTS,))
    with pytest.raises(TypeError, match="Axis must be specified"):
        red.average(a, weights=WEIGHTS)
    with pytest.raises(ZeroDivisionError):
        red.average(a, axis=-1, weights=np.zeros(4))


def test_nan_reductions_ignore_nans(rng):
    x = rng.uniform(-2, 2, size=(3, 4))
    x[0, 1] = x[2, 3] = x[2, 0] = np.nan
    for axis in (None, 0, -1):
        for fn, np_fn in [(red.nansum, np.nansum), (red.nanmean, np.nanmean)]:
            np.testing.assert_array_equal(fn(x, axis=axis), np_fn(x, axis=axis))
            gradient = cr.grad(lambda x: fn(x, axis=axis).sum())(x)
            assert np.all(gradient[np.isnan(x)] == 0) and np.all(np.isfinite(gradient))
            cr.check_grads(lambda x: fn(x, axis=axis), (x,), modes=("fwd", "rev"), order=2)
    np.testing.assert_allclose(cr.grad(red.nanmean)(x)[~np.isnan(x)], 1 / 9)


def test_dtype_initial_where_and_correction(rng):
    x = rng.uniform(0.5, 1.5, size=(3, 4))
    mask = x > 1.0
    assert red.sum(x, dtype=np.float32).dtype == np.float32
    assert red.mean(x, axis=0, dtype=np.float32).dtype == np.float32
    assert red.sum(x, initial=2.0) == np.sum(x, initial=2.0)
    np.testing.assert_allclose(red.prod(x, axis=1, initial=2.0), np.prod(x, axis=1, initial=2.0))
    np.testing.assert_allclose(red.sum(x, axis=1, where=mask), np.sum(x, axis=1, where=mask))
    np.testing.assert_allclose(red.prod(x, axis=1, where=mask), np.prod(x, axis=1, where=mask))
    np.testing.assert_allclose(red.mean(x, axis=0, where=mask | (x < 0.7)),
                               np.mean(x, axis=0, where=mask | (x < 0.7)))
    np.testing.assert_allclose(cr.grad(lambda x: red.sum(x, where=mask))(x), mask.astype(float))
    if NUMPY_2:  # correction= is NumPy 2's name for ddof=
        np.testing.assert_array_equal(red.var(x, axis=0, correction=1),
                                      np.var(x, axis=0, correction=1))
    else:  # NumPy 1.x has no correction=, and chainrule refuses it there too
        for var in (red.var, np.var, red.std, np.std):
            with pytest.raises(TypeError, match="correction"):
                var(x, axis=0, correction=1)
    cr.check_grads(lambda x: red.prod(x, axis=1, where=mask, initial=2.0), (x,), order=2)


def test_out_argument():
    x = np.arange(6.0).reshape(2, 3)

    def f(x):
        out = np.zeros(3, like=x)
        np.sum(x ** 2, axis=0, out=out)
        return out.sum()

    np.testing.assert_allclose(cr.grad(f)(x), 2 * x)
    plain = np.empty(2)
    assert red.max(x, axis=1, out=plain) is plain
    np.testing.assert_array_equal(plain, [2.0, 5.0])


def test_lists_of_traced_values():
    for fn, np_fn in [(red.sum, np.sum), (red.max, np.max), (red.prod, np.prod),
                      (red.mean, np.mean), (red.cumsum, np.cumsum), (red.var, np.var)]:
        assert np.all(fn([[1.0, 2.0], [3.0, 5.0]]) == np_fn([[1.0, 2.0], [3.0, 5.0]]))
    gradient = cr.grad(lambda a, b: red.prod([a, b, 2.0]), argnums=(0, 1))(3.0, 4.0)
    assert gradient == (8.0, 6.0)
    assert cr.grad(lambda a: red.average([1.0, 2.0], weights=[a, 1.0]))(1.0) == -0.25


def test_std_where_all_values_are_equal():
    # a cone's apex (docs/numpy.md, "Values at kinks"): slope 0, not NaN, in both modes
    x = np.array([[1.0, 2.0, 3.0], [2.0, 2.0, 2.0]])
    for ddof in (0, 1):
        gradient = cr.grad(lambda x: red.std(x, axis=1, ddof=ddof).sum())(x)
        np.testing.assert_allclose(gradient[0], (x[0] - 2.0) / ((3 - ddof) * np.std(x[0], ddof=ddof)))
        np.testing.assert_array_equal(gradient[1], 0.0)
        _, tangent = cr.jvp(lambda x: np.std(x, axis=1, ddof=ddof), (x,), (np.ones((2, 3)),))
        np.testing.assert_allclose(tangent, [0.0, 0.0], atol=1e-15)
        # elsewhere it is smooth: both modes to second order
        cr.check_grads(lambda x: np.std(x, axis=1, ddof=ddof, keepdims=True), (x[:1],),
                       modes=("fwd", "rev"), order=2)


def test_errors():
    x = np.ones((2, 3))
    with pytest.raises(np.exceptions.AxisError):
        red.sum(x, axis=2)
    with pytest.raises(np.exceptions.AxisError):
        cr.grad(lambda x: red.mean(x, axis=-3))(x)
    with pytest.raises(ValueError, match="duplicate"):
        red.prod(x, axis=(1, -1))
    with pytest.raises(NotImplementedError, match="where="):
        cr.grad(lambda x: np.max(x, where=x > 0, initial=0.0))(x)
    # mean= came with NumPy 2 (and is not supported); NumPy 1.x has no such keyword
    with pytest.raises(NotImplementedError if NUMPY_2 else TypeError, match="mean="):
        red.var(x, mean=np.ones((2, 3)))
    # complex values: the variances of the real and imaginary parts add, as NumPy computes
    z = x + 1j * x[::-1]
    np.testing.assert_allclose(red.std(z), np.std(z))
    cr.check_grads(lambda z: red.var(z, axis=1), (z,), modes=("fwd", "rev"), order=2)


# -- the method and np. spellings give the same derivatives ------------------------------

PUBLIC = ["sum", "mean", "prod", "max", "amax", "min", "amin", "var", "std", "cumsum",
          "cumprod", "average", "nansum", "nanmean"]


@pytest.mark.parametrize("name", PUBLIC)
def test_exported_from_chainrule_numpy(name):
    assert getattr(cnp, name) is getattr(red, name)


SPELLINGS = [
    # the method (or ufunc method) spelling, the np. spelling, the chainrule spelling
    (lambda x: x.sum(axis=1), lambda x: np.sum(x, axis=1),
     lambda x: red.sum(x, axis=1)),
    (lambda x: x.mean(-1, keepdims=True), lambda x: np.mean(x, -1, keepdims=True),
     lambda x: red.mean(x, -1, keepdims=True)),
    (lambda x: x.prod(axis=(0, 2)), lambda x: np.prod(x, axis=(0, 2)),
     lambda x: red.prod(x, axis=(0, 2))),
    (lambda x: x.max(axis=0), lambda x: np.max(x, axis=0),
     lambda x: red.max(x, axis=0)),
    (lambda x: x.max(axis=0), lambda x: np.amax(x, axis=0),
     lambda x: red.amax(x, axis=0)),
    (lambda x: x.min(1, keepdims=True), lambda x: np.min(x, 1, keepdims=True),
     lambda x: red.min(x, 1, keepdims=True)),
    (lambda x: x.min(), lambda x: np.amin(x),
     lambda x: red.amin(x)),
    (lambda x: x.var(axis=1, ddof=1), lambda x: np.var(x, axis=1, ddof=1),
     lambda x: red.var(x, axis=1, ddof=1)),
    (lambda x: x.std(0, keepdims=True), lambda x: np.std(x, 0, keepdims=True),
     lambda x: red.std(x, 0, keepdims=True)),
    (lambda x: x.cumsum(1), lambda x: np.cumsum(x, 1),
     lambda x: red.cumsum(x, 1)),
    (lambda x: x.cumsum(), lambda x: np.cumsum(x),
     lambda x: red.cumsum(x)),
    (lambda x: np.add.reduce(x, axis=1), lambda x: np.add.accumulate(x, 1)[:, -1],
     lambda x: red.sum(x, axis=1)),
    (lambda x: np.multiply.reduce(x, 2), lambda x: np.prod(x, 2),
     lambda x: red.prod(x, 2)),
    (lambda x: np.maximum.reduce(x), lambda x: np.max(x, 0),
     lambda x: red.max(x, 0)),
    (lambda x: np.minimum.reduce(x, -1), lambda x: np.min(x, -1),
     lambda x: red.min(x, -1)),
    (lambda x: np.cumprod(x, -1), lambda x: np.cumprod(x, axis=-1),
     lambda x: red.cumprod(x, -1)),
    (lambda x: np.average(x, 1), lambda x: np.average(x, axis=1),
     lambda x: red.average(x, 1)),
    (lambda x: np.nansum(x, 0), lambda x: np.nansum(x, axis=0),
     lambda x: red.nansum(x, 0)),
    (lambda x: np.nanmean(x, 0), lambda x: np.nanmean(x, axis=0),
     lambda x: red.nanmean(x, 0)),
]


@pytest.mark.parametrize("method, np_spelling, cr_spelling", SPELLINGS)
def test_spellings_agree(method, np_spelling, cr_spelling, rng):
    x = rng.uniform(0.5, 1.5, size=(2, 3, 4))

    def scalar(f):
        return lambda x: np.sum(np.sin(f(x)))

    expected = cr.grad(scalar(cr_spelling))(x)
    for spelling in (method, np_spelling):
        np.testing.assert_allclose(cr.grad(scalar(spelling))(x), expected, rtol=1e-12)
        np.testing.assert_allclose(cr.jvp(spelling, (x,), (x,))[1],
                                   cr.jvp(cr_spelling, (x,), (x,))[1], rtol=1e-12)


# -- sort -------------------------------------------------------------------------------


@pytest.mark.parametrize("axis", [None, 0, 1, -1])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_sort(axis, dtype, rng):
    x = rng.normal(size=(3, 4)).astype(dtype)
    for spelling in (lambda x: np.sort(x, axis=axis), lambda x: cnp.sort(x, axis=axis, kind="stable")):
        out, _ = cr.vjp(spelling, x)
        np.testing.assert_array_equal(out, np.sort(x, axis=axis))
        assert out.dtype == dtype
    if dtype == np.float64:
        cr.check_grads(lambda x: np.sort(x, axis=axis), (x,), modes=("fwd", "rev"), order=2)


def test_sort_splits_ties_evenly_lane_by_lane():
    # row 0 has no ties, row 1 a tie of two, row 2 a tie of three
    x = np.array([[3.0, 1.0, 2.0], [2.0, 0.0, 2.0], [5.0, 5.0, 5.0]])
    weights = np.array([1.0, 10.0, 100.0])
    expected = [[100.0, 1.0, 10.0], [55.0, 1.0, 55.0], [37.0, 37.0, 37.0]]
    gradient = cr.grad(lambda x: (np.sort(x, axis=1) @ weights).sum())(x)
    np.testing.assert_allclose(gradient, expected)
    jacobian = cr.jacfwd(lambda x: np.sort(x, axis=1) @ weights)(x)
    np.testing.assert_allclose(np.einsum("iij->ij", jacobian), expected)


def test_sort_with_a_nan_sends_its_gradient_to_the_nan():
    x = np.array([2.0, np.nan, 1.0])
    assert np.isnan(cnp.sort(x)[-1])
    np.testing.assert_array_equal(cr.grad(lambda x: np.sort(x)[-1])(x), [0.0, 1.0, 0.0])


def test_sort_refuses_order():
    with pytest.raises(NotImplementedError, match="order="):
        cr.grad(lambda x: np.sort(x, order="a").sum())(np.ones(2))


# -- batching: vmap equals the loop over the batch -------------------------------------


@pytest.mark.parametrize("name, fn, np_fn, domain", REDUCTIONS, ids=[r[0] for r in REDUCTIONS])
def test_batching(name, fn, np_fn, domain, rng):
    x = rng.uniform(*domain, size=(2, 3, 4))
    for axis in AXES:
        for keepdims in KEEPDIMS:
            check_vmap_without_loops(lambda x: fn(x, axis=axis, keepdims=keepdims), (x,), axes=(0, -1))


@pytest.mark.parametrize("fn, np_fn, domain", CUMULATIVE)
def test_cumulative_batching(fn, np_fn, domain, rng):
    x = rng.uniform(*domain, size=(2, 3, 4))
    for axis in [None, 0, 1, -1]:
        check_vmap_without_loops(lambda x: fn(x, axis), (x,))


NO_LOOP = ["sum", "mean", "prod", "max", "min", "var", "std_ddof", "average"]


@pytest.mark.parametrize("name, fn, np_fn, domain", [r for r in REDUCTIONS if r[0] in NO_LOOP]
                         + [(f.__name__, f, g, d) for f, g, d in CUMULATIVE],
                         ids=NO_LOOP + [f.__name__ for f, _, _ in CUMULATIVE])
def test_batching_rules_need_no_loop(name, fn, np_fn, domain, rng):
    x = rng.uniform(*domain, size=(3, 2, 3, 4))
    for axis in (None, 1, (-1, 0)) if name not in ("cumsum", "cumprod") else (None, 1):
        with refusing_loops():
            got = cr.vmap(lambda x: fn(x, axis=axis))(x)
        np.testing.assert_allclose(got, np.stack([np_fn(member, axis=axis) for member in x]),
                                   rtol=1e-14)


@pytest.mark.parametrize("name, fn, np_fn, domain",
                         [r for r in REDUCTIONS if r[0] in ("prod", "max", "std", "nanmean")],
                         ids=["prod", "max", "std", "nanmean"])
def test_derivatives_commute_with_vmap(name, fn, np_fn, domain, rng):
    x = rng.uniform(*domain, size=(2, 3, 4))
    x[0, 1, 2] = x[1, 0, 0] = x[0, 0, 0]  # ties (and NaN ones for nanmean) in some members
    if name == "nanmean":
        x[1, 2, 3] = np.nan
    for axis in (None, 1, (-1, 0)):
        check_batched_grads(lambda x: fn(x, axis=axis), (x,))
    check_batched_grads(lambda x: red.cumprod(x, 1), (x,))


def test_guards_take_the_branch_right_for_every_member():
    # members with and without NaNs, ties and equal values: each decides its own branch
    x = np.array([[1.0, np.nan, 3.0], [1.0, 2.0, 3.0], [2.0, 2.0, 2.0]])
    for function in (np.nansum, np.nanmean, np.max, np.std):
        np.testing.assert_array_equal(cr.vmap(function)(x), [function(m) for m in x])
        np.testing.assert_array_equal(cr.vmap(cr.grad(function))(x),
                                      [cr.grad(function)(m) for m in x])


KEYWORD_CALLS = [
    #  reductions with their keywords and as methods, under vmap
    lambda x: np.mean(x, axis=1, where=x > 0),
    lambda x: np.sum(x, axis=0, where=x > 0, initial=1.0),
    lambda x: np.var(x, axis=0, ddof=1),
    lambda x: np.std(x * (1 + 1j), axis=0),
    lambda x: np.max(x, axis=0, initial=0.5),
    lambda x: x.sum(axis=0) + x.mean() + x.max(0) + x.cumsum(0)[0] + x.prod(0) + x.std(),
    lambda x: np.trace(x, 1),
    lambda x: np.sort(x, axis=None),
    lambda x: np.average(x, axis=1, weights=np.arange(1.0, 5.0)),
]


@pytest.mark.parametrize("call", KEYWORD_CALLS, ids=[f"call{i}" for i in range(len(KEYWORD_CALLS))])
@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_batching_with_keywords_and_methods(call, rng):
    check_vmap_without_loops(call, (rng.uniform(-1, 2, size=(3, 4)),))


def test_average_batching_in_the_weights(rng):
    x, weights = rng.standard_normal((3, 4)), rng.uniform(0.5, 1.5, 4)
    check_vmap_without_loops(lambda x, w: np.average(x, axis=1, weights=w), (x, weights))
    check_vmap_without_loops(lambda x, w: np.average(x, axis=1, weights=w, returned=True), (x, weights))


@pytest.mark.parametrize("function", [
    lambda x: np.var(x, axis=1), lambda x: np.cumprod(x), lambda x: np.max(x, axis=(0, 1)),
    lambda x: np.sort(x, axis=0), lambda x: np.median(x, axis=0),
], ids=["var", "cumprod", "max", "sort", "median"])
def test_vmap_of_vmap(function, rng):
    # the inner rule's values are batched tracers of the outer vmap
    x = rng.standard_normal((2, 3, 4, 5))
    expected = [[function(x[i, j]) for j in range(3)] for i in range(2)]
    np.testing.assert_allclose(cr.vmap(cr.vmap(function))(x), expected, rtol=1e-13)
    scalar = lambda x: np.sum(function(x) ** 2)  # noqa: E731
    np.testing.assert_allclose(cr.vmap(cr.vmap(cr.grad(scalar)))(x),
                               [[cr.grad(scalar)(x[i, j]) for j in range(3)] for i in range(2)],
                               rtol=1e-12)
