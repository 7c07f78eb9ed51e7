"""diff, ediff1d, gradient, trapezoid: values equal NumPy's; derivatives in the
samples and in the spacing or coordinates match finite differences in both
modes to second order."""

import numpy as np
import pytest

import chainrule as cr
import chainrule.numpy as cnp
from batching_checks import check_batched_grads, check_vmap_without_loops
from cases import applied, case_id

TRAPEZOID = getattr(np, "trapezoid", None) or np.trapz  # np.trapz before NumPy 2
COORDINATES = np.cumsum([0.0, 0.5, 1.2, 0.7, 0.9, 1.5])   # uneven, along an axis of 6
EVEN = np.arange(6.0) * 0.4                                # even: NumPy uses one step

CASES = [
    #  function       args                   keywords                                 shapes
    (np.diff,         (),                    {},                                      [(5,), (3, 6)]),
    (np.diff,         (),                    {"n": 2, "axis": 0},                     [(4, 3)]),
    (np.diff,         (),                    {"n": 0},                                [(3,)]),
    (np.diff,         (),                    {"prepend": 0.5, "append": [[1.0], [2.0], [3.0]]},
                                                                                      [(3, 6)]),
    (np.diff,         (),                    {"axis": -2, "prepend": np.ones((1, 6))}, [(3, 6)]),
    (np.ediff1d,      (),                    {},                                      [(5,), (2, 3)]),
    (np.ediff1d,      (),                    {"to_begin": [1.0, 2.0], "to_end": 3.0}, [(4,)]),
    (np.gradient,     (),                    {},                                      [(6,), (3, 6)]),
    (np.gradient,     (0.5,),                {"axis": 1},                             [(3, 6)]),
    (np.gradient,     (0.3, 2.0),            {"edge_order": 2},                       [(3, 6)]),
    (np.gradient,     (COORDINATES,),        {"axis": -1},                            [(6,), (3, 6)]),
    (np.gradient,     (COORDINATES,),        {"axis": 1, "edge_order": 2},            [(3, 6)]),
    (np.gradient,     (EVEN,),               {"axis": 1, "edge_order": 2},            [(3, 6)]),
    (np.gradient,     (0.5, COORDINATES),    {},                                      [(3, 6)]),
    (TRAPEZOID,    (),                    {},                                      [(6,), (3, 6)]),
    (TRAPEZOID,    (),                    {"dx": 0.3, "axis": 0},                  [(3, 6)]),
    (TRAPEZOID,    (COORDINATES,),        {},                                      [(6,), (3, 6)]),
    (TRAPEZOID,    (np.tile(COORDINATES, (3, 1)),), {"axis": 1},                   [(3, 6)]),
]


def _as_array(result):
    return np.stack(result) if isinstance(result, (tuple, list)) else result


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_values_equal_numpy(case, rng):
    function, args, kwargs, shapes = case
    ours = getattr(cnp, function.__name__)
    for shape in shapes:
        x = rng.standard_normal(shape)
        expected = function(x, *args, **kwargs)
        for got in (ours(x, *args, **kwargs),
                    cr.jvp(lambda x: _as_array(function(x, *args, **kwargs)), (x,), (x,))[0]):
            np.testing.assert_allclose(_as_array(got), _as_array(expected), rtol=1e-13)
        assert type(ours(x, *args, **kwargs)) is type(expected)


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_derivatives(case, rng):
    function, args, kwargs, shapes = case
    for shape in shapes:
        x = rng.standard_normal(shape)
        fn = applied(lambda x, *a, **k: _as_array(function(x, *a, **k)), args, kwargs,
                     case_id(case))
        cr.check_grads(fn, (x,), modes=("fwd", "rev"), order=2)
        x32 = x.astype(np.float32)  # float32 stays float32 unless float64 constants join in
        assert cr.jvp(fn, (x32,), (x32,))[1].dtype == _as_array(fn(x32)).dtype


SPACING_CASES = [
    #  function      how the spacing enters                                   spacing
    (np.gradient,    lambda s, f: np.gradient(f, s, axis=1),                  COORDINATES),
    (np.gradient,    lambda s, f: np.gradient(f, s, axis=1, edge_order=2),    COORDINATES),
    (np.gradient,    lambda s, f: np.gradient(f, s, edge_order=2, axis=0),    0.7),
    (TRAPEZOID,   lambda s, f: TRAPEZOID(f, s),                         COORDINATES),
    (TRAPEZOID,   lambda s, f: TRAPEZOID(f, dx=s),                      0.7),
    (np.diff,        lambda s, f: np.diff(f, prepend=s),                      0.7),
]


@pytest.mark.parametrize("function, fn, spacing", SPACING_CASES)
def test_derivatives_in_the_spacing(function, fn, spacing, rng):
    f = rng.standard_normal((3, 6))
    cr.check_grads(lambda s: fn(s, f), (np.asarray(spacing),), modes=("fwd", "rev"), order=2)
    cr.check_grads(lambda s, f: fn(s, f), (np.asarray(spacing), f), modes=("fwd", "rev"), order=2)


def test_gradient_of_integers_and_several_axes(rng):
    f = np.arange(12).reshape(3, 4) ** 2
    np.testing.assert_array_equal(_as_array(cnp.gradient(f)), _as_array(np.gradient(f)))
    assert cnp.gradient(f, axis=0).dtype == np.float64
    both = cr.jvp(lambda x: np.gradient(x, axis=(1, 0)), (f * 1.0,), (f * 1.0,))[1]
    assert isinstance(both, tuple if np.lib.NumpyVersion(np.__version__) >= "2.0.0" else list)
    assert len(both) == 2


def test_errors(rng):
    x = rng.standard_normal((2, 6))
    with pytest.raises(ValueError, match="non-negative"):
        cnp.diff(x, n=-1)
    with pytest.raises(ValueError, match="at least one dimensional"):
        cnp.diff(np.float64(1.0))
    with pytest.raises(ValueError, match="edge_order"):
        cnp.gradient(x, edge_order=3)
    with pytest.raises(ValueError, match="too small"):
        cnp.gradient(x, axis=0, edge_order=2)
    with pytest.raises(ValueError, match="must match the length"):
        cnp.gradient(x, COORDINATES[:4], axis=1)
    with pytest.raises(TypeError, match="invalid number of arguments"):
        cnp.gradient(x, 1.0, 2.0, 3.0)
    with pytest.raises(TypeError, match="same_kind"):
        cnp.ediff1d(np.arange(3), to_begin=0.5)


@pytest.mark.parametrize("name", ["diff", "ediff1d", "gradient", "trapezoid", "trapz"])
def test_exported(name):
    from chainrule.numpy import differences

    assert getattr(cnp, name) is getattr(differences, name)


# -- batching: vmap equals the loop over the batch -------------------------------------


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_batching(case, rng):
    function, args, kwargs, shapes = case
    for shape in shapes:
        check_vmap_without_loops(applied(function, args, kwargs, case_id(case)), (rng.standard_normal(shape),))


@pytest.mark.parametrize("function, fn, spacing", SPACING_CASES)
def test_batching_in_the_spacing(function, fn, spacing, rng):
    # a batch of spacings or coordinates, alone and with a batch of samples
    f = rng.standard_normal((3, 6))
    check_vmap_without_loops(lambda s, f: fn(s, f), (np.asarray(spacing), f))


@pytest.mark.parametrize("case", [c for c in CASES if c[0] is not np.ediff1d][::3], ids=case_id)
def test_derivatives_commute_with_vmap(case, rng):
    function, args, kwargs, shapes = case
    fn = applied(lambda x, *a, **k: _as_array(function(x, *a, **k)), args, kwargs, case_id(case))
    check_batched_grads(fn, (rng.standard_normal(shapes[-1]),))

