"""Order statistics, NaN-aware reductions, ptp, put_along_axis: values equal
NumPy's (exactly: the same indices and interpolation weights), through plain
``np.`` calls on traced values and through ``chainrule.numpy``; derivatives
match finite differences in both modes to second order on inputs without ties;
ties follow the stable order of ``np.sort``."""

import warnings

import numpy as np
import pytest

import chainrule as cr
import chainrule.numpy as cnp
from batching_checks import check_batched_grads, check_vmap_without_loops, refusing_loops
from cases import applied

METHODS = ["linear", "lower", "higher", "midpoint", "nearest", "inverted_cdf",
           "averaged_inverted_cdf", "closest_observation", "interpolated_inverted_cdf",
           "hazen", "weibull", "median_unbiased", "normal_unbiased"]
DISCRETE = {"lower", "higher", "nearest", "inverted_cdf", "closest_observation"}
CONSTANT_IN_Q = DISCRETE | {"midpoint", "averaged_inverted_cdf"}

QUANTILES = [
    #  function          q's scale   ignores NaNs
    (np.quantile,        1.0,        False),
    (np.percentile,      100.0,      False),
    (np.nanquantile,     1.0,        True),
    (np.nanpercentile,   100.0,      True),
]
QS = [0.3, np.array([0.0, 0.25, 0.5, 0.9, 1.0])]
AXES = [None, 1, -1, (0, 2)]
AXES_KEEPDIMS = [(None, False), (1, False), (-1, True), ((0, 2), False), ((2, 0), True)]


def _with_nans(x):
    x = x.copy()
    x.flat[[1, 7, 8]] = np.nan  # NaNs in some slices, never a whole slice
    return x


def _quiet(function, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return function(*args, **kwargs)


def _case_id(case):
    return case[0].__name__


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("case", QUANTILES, ids=_case_id)
def test_quantile_values_equal_numpy(case, method, rng):
    function, scale, _ = case
    ours = getattr(cnp, function.__name__)
    x = rng.standard_normal((3, 4, 5))
    inputs = [x, x.astype(np.float32), _with_nans(x), rng.integers(0, 9, size=(3, 4, 5))]
    for a in inputs:
        for q in QS:
            for axis, keepdims in AXES_KEEPDIMS:
                kwargs = {"axis": axis, "method": method, "keepdims": keepdims}
                expected = _quiet(function, a, q * scale, **kwargs)
                got = ours(a, q * scale, **kwargs)
                np.testing.assert_array_equal(got, expected)
                assert np.result_type(got) == np.result_type(expected)
                assert np.shape(got) == np.shape(expected)
        if a.dtype.kind != "f":
            continue  # integers are constants: nothing to trace
        traced = cr.jvp(lambda a: function(a, QS[1] * scale, axis=1, method=method), (a,), (a,))[0]
        np.testing.assert_array_equal(traced, _quiet(function, a, QS[1] * scale, axis=1,
                                                     method=method))


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("case", QUANTILES, ids=_case_id)
def test_quantile_derivatives(case, method, rng):
    function, scale, ignores_nans = case
    x = rng.standard_normal((3, 6))
    if ignores_nans:
        x = _with_nans(x)
    cr.check_grads(lambda x: function(x, QS[1] * scale, axis=1, method=method), (x,),
                   modes=("fwd", "rev"), order=2)
    cr.check_grads(lambda x: function(x, 0.37 * scale, method=method, keepdims=True), (x,),
                   modes=("fwd", "rev"), order=2)


@pytest.mark.parametrize("method", METHODS)
def test_quantile_in_q(method, rng):
    x = rng.standard_normal((3, 7))
    q = np.array([0.13, 0.52, 0.81])
    if method in CONSTANT_IN_Q:  # piecewise constant in q: a true zero
        np.testing.assert_array_equal(
            cr.grad(lambda q: np.quantile(x, q, axis=1, method=method).sum())(q), 0.0)
    else:
        cr.check_grads(lambda q: np.quantile(x, q, axis=1, method=method), (q,),
                       modes=("fwd", "rev"), order=2)
        cr.check_grads(lambda q: np.percentile(x, q, method=method), (q * 100,),
                       modes=("fwd", "rev"), order=2)


def test_quantile_derivative_goes_to_the_interpolated_order_statistics(rng):
    x = rng.standard_normal(11)
    order = np.argsort(x)
    # linear: position (n - 1) q = 10 * 0.34 = 3.4, between the 4th and 5th smallest
    expected = np.zeros(11)
    expected[order[3]], expected[order[4]] = 0.6, 0.4
    np.testing.assert_allclose(cr.grad(lambda x: np.quantile(x, 0.34))(x), expected)
    np.testing.assert_allclose(cr.jacfwd(lambda x: np.quantile(x, 0.34))(x), expected)
    expected = np.eye(11)[order[3]]  # lower: the 4th smallest only
    np.testing.assert_array_equal(cr.grad(lambda x: np.quantile(x, 0.34, method="lower"))(x),
                                  expected)


@pytest.mark.skipif(np.lib.NumpyVersion(np.__version__) < "2.0.0",
                    reason="quantile's weights= came with NumPy 2.0")
def test_weighted_inverted_cdf(rng):
    x = rng.standard_normal((3, 5))
    weights = rng.uniform(0.1, 1.0, size=(3, 5))
    for axis, w in [(None, weights), (1, weights), (1, weights[0]), (0, weights[:, 0])]:
        for q in QS:
            expected = np.quantile(x, q, axis=axis, method="inverted_cdf", weights=w)
            got = cnp.quantile(x, q, axis=axis, method="inverted_cdf", weights=w)
            np.testing.assert_array_equal(got, expected)
        cr.check_grads(lambda x: np.quantile(x, QS[1], axis=axis, method="inverted_cdf",
                                             weights=w), (x,), modes=("fwd", "rev"), order=2)
    with pytest.raises(ValueError, match="Only method 'inverted_cdf' supports weights"):
        cnp.quantile(x, 0.5, weights=weights)
    x = _with_nans(x)  # nanquantile leaves out the NaNs and their weights; quantile gives NaN
    for function in (np.quantile, np.nanquantile, np.percentile, np.nanpercentile):
        scale = 100.0 if "percentile" in function.__name__ else 1.0
        for axis in (None, 1, 0):
            expected = function(x, QS[1] * scale, axis=axis, method="inverted_cdf",
                                weights=weights)
            got = getattr(cnp, function.__name__)(x, QS[1] * scale, axis=axis,
                                                  method="inverted_cdf", weights=weights)
            np.testing.assert_array_equal(got, expected)


def test_empty_input():
    for function in (np.median, np.nanmedian):
        for shape, axis in [((0,), None), ((2, 0), 1), ((2, 0), 0)]:
            expected = _quiet(function, np.zeros(shape), axis=axis)
            np.testing.assert_array_equal(_quiet(getattr(cnp, function.__name__),
                                                 np.zeros(shape), axis=axis), expected)
            gradient = _quiet(cr.grad(lambda x: np.sum(function(x, axis=axis))), np.zeros(shape))
            assert gradient.shape == shape
    with pytest.raises(IndexError):
        cnp.quantile(np.zeros(0), 0.5)


# -- medians, NaN-aware reductions, ptp --------------------------------------------------

REDUCTIONS = [
    #  NumPy function   keywords          ignores NaNs
    (np.median,         {},               False),
    (np.nanmedian,      {},               True),
    (np.nanmax,         {},               True),
    (np.nanmin,         {},               True),
    (np.nanprod,        {},               True),
    (np.nanvar,         {},               True),
    (np.nanvar,         {"ddof": 1},      True),
    (np.nanstd,         {},               True),
    (np.nanstd,         {"ddof": 1},      True),
    (np.ptp,            {},               False),
]
CUMULATIVE = [np.nancumsum, np.nancumprod]


def _reduction_id(case):
    function, kwargs, _ = case
    return function.__name__ + "".join(f",{k}={v}" for k, v in kwargs.items())


@pytest.mark.parametrize("case", REDUCTIONS, ids=_reduction_id)
def test_reduction_values_equal_numpy(case, rng):
    function, kwargs, _ = case
    ours = getattr(cnp, function.__name__)
    x = rng.standard_normal((3, 4, 6))
    inputs = [x, x.astype(np.float32), _with_nans(x), rng.standard_normal((3, 5, 1)),
              rng.integers(0, 9, size=(3, 4, 6))]
    all_nan = x.copy()
    all_nan[1, 2] = np.nan
    inputs.append(all_nan)  # a whole slice of NaNs along the last axis: NaN, as in NumPy
    for a in inputs:
        for axis in AXES:
            for keepdims in (False, True):
                expected = _quiet(function, a, axis=axis, keepdims=keepdims, **kwargs)
                got = _quiet(ours, a, axis=axis, keepdims=keepdims, **kwargs)
                np.testing.assert_allclose(got, expected, rtol=1e-6 if a.dtype == np.float32
                                           else 1e-13, atol=0)
                assert np.result_type(got) == np.result_type(expected)
                assert np.shape(got) == np.shape(expected)
        if a.dtype.kind != "f":
            continue  # integers are constants: nothing to trace
        # plain NumPy on a traced value reaches the same function
        traced = _quiet(cr.jvp, lambda a: function(a, axis=1, **kwargs), (a,), (a,))[0]
        np.testing.assert_array_equal(traced, _quiet(ours, a, axis=1, **kwargs))


@pytest.mark.parametrize("case", REDUCTIONS, ids=_reduction_id)
def test_reduction_derivatives(case, rng):
    function, kwargs, ignores_nans = case
    x = rng.standard_normal((3, 4, 6))
    if ignores_nans:
        x = _with_nans(x)
    for axis in AXES:
        for keepdims in (False, True):
            cr.check_grads(applied(function, (), dict(axis=axis, keepdims=keepdims, **kwargs),
                                   function.__name__), (x,), modes=("fwd", "rev"), order=2)
    x32 = rng.permutation(np.linspace(0.5, 1.5, 12)).reshape(3, 4).astype(np.float32)
    fn = applied(function, (), dict(axis=-1, **kwargs), function.__name__)
    assert cr.grad(lambda x: fn(x).sum())(x32).dtype == np.float32
    assert cr.jvp(fn, (x32,), (x32,))[1].dtype == np.float32
    cr.check_grads(fn, (x32,), modes=("fwd", "rev"), order=2)


@pytest.mark.parametrize("function", CUMULATIVE, ids=lambda f: f.__name__)
def test_nan_cumulative(function, rng):
    x = _with_nans(rng.uniform(0.5, 1.5, size=(3, 4)))
    for axis in (None, 0, -1):
        np.testing.assert_allclose(getattr(cnp, function.__name__)(x, axis), function(x, axis))
        cr.check_grads(lambda x: function(x, axis), (x,), modes=("fwd", "rev"), order=2)
        gradient = cr.grad(lambda x: function(x, axis).sum())(x)
        assert np.all(gradient[np.isnan(x)] == 0) and np.all(np.isfinite(gradient))


def test_nanvar_of_complex_values(rng):
    z = _with_nans(rng.standard_normal((3, 4))) + 1j * rng.standard_normal((3, 4))
    for axis, ddof in [(None, 0), (1, 1), (0, 0)]:
        np.testing.assert_allclose(cnp.nanvar(z, axis, ddof=ddof), np.nanvar(z, axis, ddof=ddof))
        cr.check_grads(lambda z: np.nanvar(z, axis, ddof=ddof), (z,), modes=("fwd", "rev"),
                       order=2)
    assert cnp.nanvar(z.astype(np.complex64)).dtype == np.float32


def test_nan_entries_get_zero_derivatives(rng):
    x = _with_nans(rng.standard_normal((3, 4)))
    for function in (np.nanmedian, np.nanmax, np.nanprod, np.nanstd,
                     lambda x: np.nanquantile(x, 0.3, axis=1, method="hazen")):
        gradient = cr.grad(lambda x: function(x).sum())(x)
        assert np.all(gradient[np.isnan(x)] == 0) and np.all(np.isfinite(gradient))


def test_nanargmax_and_nanargmin_are_plain_indices(rng):
    x = _with_nans(rng.standard_normal((3, 4)))
    seen = []
    cr.grad(lambda x: (seen.append((np.nanargmax(x, 1), np.nanargmin(x))), x.sum())[1])(x)
    np.testing.assert_array_equal(seen[0][0], np.nanargmax(x, 1))
    assert seen[0][1] == np.nanargmin(x) and type(seen[0][0]) is np.ndarray


TIES = [
    #  function                                    input                       gradient
    (np.median,                                   [1.0, 2.0, 2.0, 3.0],       [0, 0.5, 0.5, 0]),
    (np.median,                                   [2.0, 1.0, 2.0],            [0.5, 0, 0.5]),
    (lambda x: np.quantile(x, 0.5, method="lower"), [2.0, 2.0, 1.0, 3.0],     [0.5, 0.5, 0, 0]),
    (lambda x: np.quantile(x, 0.5, method="higher"), [2.0, 2.0, 1.0, 3.0],    [0.5, 0.5, 0, 0]),
    (lambda x: np.quantile(x, 0.4),                [2.0, 2.0, 1.0, 3.0],       [0.5, 0.5, 0, 0]),
    (np.nanmax,                                   [3.0, np.nan, 3.0, 1.0],    [0.5, 0, 0.5, 0]),
    (np.nanmin,                                   [1.0, 1.0, np.nan, 1.0],    [1 / 3, 1 / 3, 0, 1 / 3]),
    (np.ptp,                                      [3.0, 1.0, 3.0, 1.0],       [0.5, -0.5, 0.5, -0.5]),
]


@pytest.mark.parametrize("function, x, expected", TIES)
def test_ties(function, x, expected):
    """Order statistics come from np.sort, which splits the derivative evenly among
    tied values, as max and min do."""
    x = np.array(x)
    np.testing.assert_allclose(cr.grad(function)(x), expected)
    np.testing.assert_allclose(cr.jacfwd(function)(x), expected)


# -- put_along_axis: a write into a traced array ---------------------------------------------


def test_put_along_axis(rng):
    x = rng.standard_normal((3, 4))
    indices = np.array([[2], [0], [3]])

    def f(x, axis=1):
        y = x * 1.0
        np.put_along_axis(y, indices, x[:, :1] ** 2, axis=axis)
        return y

    expected = x.copy()
    np.put_along_axis(expected, indices, x[:, :1] ** 2, axis=1)
    np.testing.assert_array_equal(f(x), expected)
    np.testing.assert_array_equal(cr.jvp(f, (x,), (x,))[0], expected)
    cr.check_grads(f, (x,), modes=("fwd", "rev"), order=2)

    def flat(x):
        y = cnp.zeros_like(x)
        np.put_along_axis(y, np.array([5, 0]), x[0, 0], axis=None)
        return y

    np.testing.assert_array_equal(cr.grad(lambda x: flat(x).sum())(x), np.eye(1, 12).reshape(3, 4) * 2)
    with pytest.raises(TypeError, match="plain NumPy array"):
        cr.grad(lambda x: np.put_along_axis(np.zeros(4), np.array([0]), x, 0))(1.0)


def test_errors(rng):
    x = rng.standard_normal(5)
    with pytest.raises(ValueError, match=r"range \[0, 1\]"):
        cnp.quantile(x, 1.5)
    with pytest.raises(ValueError, match=r"range \[0, 100\]"):
        cr.grad(lambda x: np.percentile(x, -1.0))(x)
    with pytest.raises(ValueError, match="not a valid method"):
        cnp.quantile(x, 0.5, method="closest")
    with pytest.raises(TypeError, match="real numbers"):
        cnp.quantile(x + 1j, 0.5)


PUBLIC = ["median", "nanargmax", "nanargmin", "nancumprod", "nancumsum", "nanmax", "nanmedian",
          "nanmin", "nanpercentile", "nanprod", "nanquantile", "nanstd", "nanvar", "percentile",
          "ptp", "put_along_axis", "quantile"]


@pytest.mark.parametrize("name", PUBLIC)
def test_exported(name):
    from chainrule.numpy import nan_reductions, statistics

    module = nan_reductions if hasattr(nan_reductions, name) else statistics
    assert name in module.__all__
    assert getattr(cnp, name) is getattr(module, name)


# -- batching: vmap equals the loop over the batch -------------------------------------


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("case", QUANTILES, ids=_case_id)
def test_quantile_batching(case, method, rng):
    # each member's NaNs are its own: the positions come from each member's count
    function, scale, ignores_nans = case
    x = rng.standard_normal((3, 6))
    if ignores_nans:
        x = _with_nans(x)
    q = np.array([0.13, 0.52, 0.81]) * scale  # room for check_vmap's 10% variations
    check_vmap_without_loops(lambda x: function(x, q, axis=1, method=method), (x,))
    check_vmap_without_loops(lambda x, q: function(x, q, method=method, keepdims=True), (x, q))


@pytest.mark.parametrize("case", REDUCTIONS, ids=_reduction_id)
@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_reduction_batching(case, rng):
    function, kwargs, ignores_nans = case
    x = rng.standard_normal((3, 4, 6))
    if ignores_nans:
        x = _with_nans(x)
    for axis in AXES:
        for keepdims in (False, True):
            check_vmap_without_loops(applied(function, (), dict(axis=axis, keepdims=keepdims, **kwargs),
                                  function.__name__), (x,), axes=(0, -1))


@pytest.mark.parametrize("function", CUMULATIVE, ids=lambda f: f.__name__)
def test_nan_cumulative_batching(function, rng):
    x = _with_nans(rng.uniform(0.5, 1.5, size=(3, 4)))
    for axis in (None, 0, -1):
        check_vmap_without_loops(lambda x: function(x, axis), (x,))


@pytest.mark.parametrize("function", [f for f, _, _ in TIES[:6]] + [np.nanstd, np.nanvar],
                         ids=[f"ties{i}" for i in range(6)] + ["nanstd", "nanvar"])
@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_members_with_and_without_ties_and_nans(function):
    # one batch whose members decide differently: ties or none, NaNs or none, all equal
    batch = np.array([[1.0, 2.0, 2.0, 3.0], [4.0, 1.0, 3.0, 2.0], [3.0, np.nan, 3.0, 1.0],
                      [2.0, 2.0, 2.0, 2.0]])
    loop = [function(member) for member in batch]
    np.testing.assert_array_equal(cr.vmap(function)(batch), loop)
    gradients = [cr.grad(function)(member) for member in batch]
    np.testing.assert_allclose(cr.vmap(cr.grad(function))(batch), gradients, rtol=1e-14)


def test_median_and_quantile_derivatives_commute_with_vmap(rng):
    x = _with_nans(rng.standard_normal((3, 4, 6)))
    for function in (lambda x: np.median(x, axis=(0, 2)), lambda x: np.nanmedian(x, axis=1),
                     lambda x: np.nanquantile(x, [0.2, 0.7], axis=-1, method="hazen"),
                     lambda x: np.percentile(x[0], 30.0, axis=0, method="lower")):
        check_batched_grads(function, (x,))


def test_put_along_axis_with_batched_indices(rng):
    x, indices = rng.standard_normal((2, 3, 4)), np.array([[[2], [0], [3]], [[1], [1], [0]]])

    def f(x, indices):
        y = x * 1.0
        np.put_along_axis(y, indices, x[:, :1] ** 2, axis=1)
        return y

    np.testing.assert_array_equal(cr.vmap(f)(x, indices), [f(*member) for member in zip(x, indices)])
    gradients = cr.vmap(cr.grad(lambda x, i: f(x, i).sum()))(x, indices)
    np.testing.assert_array_equal(
        gradients, [cr.grad(lambda x: f(x, i).sum())(m) for m, i in zip(x, indices)])


@pytest.mark.parametrize("function", [np.nanargmax, np.nanargmin], ids=lambda f: f.__name__)
def test_nanargmax_and_nanargmin_batching_needs_no_loop(function, rng):
    x = _with_nans(rng.standard_normal((3, 4, 6)))
    for axis in (None, 0, -1):
        for keepdims in (False, True):
            with refusing_loops():
                got = cr.vmap(lambda x: function(x, axis=axis, keepdims=keepdims))(x)
            expected = np.stack([function(member, axis=axis, keepdims=keepdims) for member in x])
            assert got.shape == expected.shape
            np.testing.assert_array_equal(got, expected)


def test_batching_refusals_say_what_to_write(rng):
    x = rng.standard_normal((2, 5))
    if np.lib.NumpyVersion(np.__version__) >= "2.0.0":  # weights= came with NumPy 2
        with pytest.raises(NotImplementedError, match="Loop over the batch"):
            cr.vmap(lambda x: np.quantile(x, 0.5, method="inverted_cdf", weights=np.ones(5)))(x)
    with pytest.raises(NotImplementedError, match="empty array under vmap"):
        cr.vmap(np.median)(np.zeros((2, 0)))
