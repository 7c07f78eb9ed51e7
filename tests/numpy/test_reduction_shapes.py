"""The reductions of reductions.py at the edges of their shapes: size-1 axes,
empty axes, axis tuples with negative axes and keepdims, float32, and complex
input where NumPy takes it. (tests/numpy/test_reductions.py checks every axis
spelling on ordinary shapes.)"""

import warnings

import numpy as np
import pytest

import chainrule as cr
from chainrule.numpy import reductions as red
from batching_checks import check_vmap_without_loops

# name, chainrule function, NumPy function, domain; each called as f(x, axis=, keepdims=)
REDUCTIONS = [
    ("sum",      red.sum,      np.sum,      (-2, 2)),
    ("mean",     red.mean,     np.mean,     (-2, 2)),
    ("prod",     red.prod,     np.prod,     (0.5, 1.5)),
    ("max",      red.max,      np.max,      (-2, 2)),
    ("amax",     red.amax,     np.amax,     (-2, 2)),
    ("min",      red.min,      np.min,      (-2, 2)),
    ("amin",     red.amin,     np.amin,     (-2, 2)),
    ("var",      red.var,      np.var,      (-2, 2)),
    ("std",      red.std,      np.std,      (-2, 2)),
    ("average",  red.average,  np.average,  (-2, 2)),
    ("nansum",   red.nansum,   np.nansum,   (-2, 2)),
    ("nanmean",  red.nanmean,  np.nanmean,  (-2, 2)),
]
CUMULATIVE = [
    ("cumsum",   red.cumsum,   np.cumsum,   (-2, 2)),
    ("cumprod",  red.cumprod,  np.cumprod,  (0.5, 1.5)),
]
IDS = [row[0] for row in REDUCTIONS]

SIZE_ONE = [
    #  shape        axis        keepdims
    ((2, 1, 3),     1,          False),
    ((2, 1, 3),     (1, -1),    True),
    ((2, 1, 3),     -2,         True),
    ((1,),          None,       False),
    ((1, 1),        (0, 1),     True),
]
EMPTY = [
    #  shape        axis        keepdims
    ((2, 0, 3),     1,          False),
    ((2, 0, 3),     (0, -1),    True),
    ((0,),          None,       False),
    ((0, 3),        -1,         False),
]


def _quiet(function, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return function(*args, **kwargs)


@pytest.mark.parametrize("name, fn, np_fn, domain", REDUCTIONS, ids=IDS)
@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_size_one_axes(name, fn, np_fn, domain, rng):
    for shape, axis, keepdims in SIZE_ONE:
        for dtype in (np.float64, np.float32):
            x = rng.uniform(*domain, size=shape).astype(dtype)
            expected = np_fn(x, axis=axis, keepdims=keepdims)
            got = fn(x, axis=axis, keepdims=keepdims)
            np.testing.assert_allclose(got, expected, rtol=1e-6)
            assert np.shape(got) == np.shape(expected)
            assert np.result_type(got) == np.result_type(expected)
            cr.check_grads(lambda x: fn(x, axis=axis, keepdims=keepdims), (x,),
                           modes=("fwd", "rev"), order=2)


@pytest.mark.parametrize("name, fn, np_fn, domain", REDUCTIONS, ids=IDS)
def test_empty_axes(name, fn, np_fn, domain):
    for shape, axis, keepdims in EMPTY:
        x = np.zeros(shape)
        try:
            expected = _quiet(np_fn, x, axis=axis, keepdims=keepdims)
        except (ValueError, ZeroDivisionError) as error:  # max of nothing; average's weights
            with pytest.raises(type(error)):
                fn(x, axis=axis, keepdims=keepdims)
            continue
        got = _quiet(fn, x, axis=axis, keepdims=keepdims)
        np.testing.assert_array_equal(got, expected)
        assert np.shape(got) == np.shape(expected)
        # nothing to differentiate: the derivatives are empty, of the right shapes
        gradient = _quiet(cr.grad(lambda x: np.sum(fn(x, axis=axis, keepdims=keepdims))), x)
        assert gradient.shape == shape and gradient.dtype == x.dtype
        tangent = _quiet(cr.jvp, lambda x: fn(x, axis=axis, keepdims=keepdims), (x,), (x,))[1]
        assert np.shape(tangent) == np.shape(expected)


@pytest.mark.xfail(strict=True, raises=ValueError,
                   reason="reductions.max/min reduce first and apply initial= after, so an "
                          "empty axis raises where NumPy returns initial (patch proposed)")
def test_extrema_of_empty_axes_with_initial():
    x = np.zeros((2, 0))
    for fn, np_fn in [(red.max, np.max), (red.min, np.min)]:
        np.testing.assert_array_equal(fn(x, axis=1, initial=1.5), np_fn(x, axis=1, initial=1.5))
        assert cr.grad(lambda x: fn(x, axis=1, initial=1.5).sum())(x).shape == (2, 0)


@pytest.mark.parametrize("name, fn, np_fn, domain", CUMULATIVE, ids=[r[0] for r in CUMULATIVE])
def test_cumulative_edges(name, fn, np_fn, domain, rng):
    for shape, axis in [((2, 1, 3), 1), ((1,), None), ((2, 0, 3), 1), ((0,), None),
                        ((2, 3), -2)]:
        x = rng.uniform(*domain, size=shape)
        np.testing.assert_array_equal(fn(x, axis), np_fn(x, axis))
        if x.size:
            cr.check_grads(lambda x: fn(x, axis), (x,), modes=("fwd", "rev"), order=2)
        else:
            assert cr.grad(lambda x: fn(x, axis).sum())(x).shape == shape


@pytest.mark.parametrize("name, fn, np_fn, domain", REDUCTIONS + CUMULATIVE,
                         ids=IDS + [r[0] for r in CUMULATIVE])
def test_complex_input(name, fn, np_fn, domain, rng):
    z = rng.uniform(*domain, size=(2, 3)) + 1j * rng.uniform(-1, 1, size=(2, 3))
    if name in ("max", "amax", "min", "amin"):  # NumPy orders complex numbers lexicographically
        z.real = np.array([[0.1, 0.9, 0.5], [0.7, 0.2, 0.4]])
    cumulative = name.startswith("cum")
    for axis in ((None, 1, -2) if cumulative else (None, 1, (0, -1))):
        call = (lambda z: fn(z, axis)) if cumulative else (lambda z: fn(z, axis=axis))
        expected = np_fn(z, axis) if cumulative else np_fn(z, axis=axis)
        np.testing.assert_allclose(call(z), expected, rtol=1e-13)
        assert cr.jvp(call, (z,), (z,))[1].dtype == np.result_type(expected)
        cr.check_grads(call, (z,), modes=("fwd", "rev"), order=2)
    z64 = z.astype(np.complex64)
    assert cr.jvp(lambda z: fn(z, axis=-1) if not cumulative else fn(z, -1), (z64,),
                  (z64,))[1].dtype == np.result_type(np_fn(z64, axis=-1))


@pytest.mark.parametrize("name, fn, np_fn, domain", REDUCTIONS + CUMULATIVE,
                         ids=IDS + [r[0] for r in CUMULATIVE])
@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_batching_at_the_edges(name, fn, np_fn, domain, rng):
    # size-one axes, and complex and float32 members: vmap equals the loop over the batch
    cumulative = name.startswith("cum")
    for shape, axis, keepdims in SIZE_ONE:
        if cumulative and isinstance(axis, tuple):
            continue  # a cumulative function takes one axis
        x = rng.uniform(*domain, size=shape)
        call = (lambda x: fn(x, axis)) if cumulative else (
            lambda x: fn(x, axis=axis, keepdims=keepdims))
        check_vmap_without_loops(call, (x,))
        check_vmap_without_loops(call, (x.astype(np.float32),), rtol=1e-6, atol=1e-6)
    z = rng.uniform(*domain, size=(2, 3)) + 1j * rng.uniform(-1, 1, size=(2, 3))
    if name in ("max", "amax", "min", "amin"):
        z.real = np.array([[0.1, 0.9, 0.5], [0.7, 0.2, 0.4]])
    check_vmap_without_loops((lambda z: fn(z, -1)) if cumulative else (lambda z: fn(z, axis=-1)), (z,))
