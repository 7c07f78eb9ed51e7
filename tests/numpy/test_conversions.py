"""Conversions and small compositions (chainrule/numpy/conversions.py): values
equal NumPy's, through the plain ``np.`` spelling on traced values and through
``chainrule.numpy``; derivatives match finite differences in both modes to
second order, in every differentiable argument; the index helpers give the
same plain indices for a traced argument as for its value."""

import numpy as np
import pytest

import chainrule as cr
import chainrule.numpy as cnp
from chainrule.core import Tracer
from cases import require_numpy_function, traced_value
from batching_checks import check_batched_grads

A = np.array([0.3, -1.2, 2.0, 0.7])
M = np.array([[0.5, -1.0, 2.0], [1.5, 0.2, -0.4]])
B = np.arange(24.0).reshape(2, 3, 4) / 10 - 1
PHASE = np.array([0.0, 2.0, 5.5, 1.0, 4.0, 10.0])  # jumps both ways, none near pi
U = np.array([2.0, -1.0, 0.5, 3.0, 1.5])
V = np.array([1.5, 0.5, -2.0])


def _chkfinite(m, x):
    # np.asarray_chkfinite takes no like= and converts its input first: on traced
    # values only chainrule.numpy's spelling reaches chainrule
    return (cnp if m is cnp or isinstance(x, Tracer) else np).asarray_chkfinite(x)


CASES = [
    #  name                       NumPy 2 name          inputs        call, given the module (np or cnp)
    ("asanyarray like=",          None,                 (A,),         lambda m, x: m.asanyarray(x, like=x)),
    ("ascontiguousarray like=",   None,                 (M,),         lambda m, x: m.ascontiguousarray(x, like=x)),
    ("ascontiguousarray 0-d",     None,                 (A,),         lambda m, x: m.ascontiguousarray(x[0], like=x)),
    ("asfortranarray like=",      None,                 (M,),         lambda m, x: m.asfortranarray(x, like=x)),
    ("asarray_chkfinite",         None,                 (A,),         _chkfinite),
    ("astype float64",            "astype",             (M.astype(np.float32),), lambda m, x: m.astype(x, np.float64)),
    ("astype same dtype",         "astype",             (A,),         lambda m, x: m.astype(x, np.float64, copy=False)),
    ("broadcast_arrays",          None,                 (A, M[:, :1]), lambda m, x, y: m.broadcast_arrays(x, y)),
    ("broadcast_arrays plain 2nd", None,                (M,),         lambda m, x: m.broadcast_arrays(x, np.ones((4, 1, 1)))),
    ("matrix_transpose",          "matrix_transpose",   (B,),         lambda m, x: m.matrix_transpose(x)),
    ("apply_over_axes sum",       None,                 (B,),         lambda m, x: m.apply_over_axes(m.sum, x, [0, 2])),
    ("apply_over_axes cumsum",    None,                 (M,),         lambda m, x: m.apply_over_axes(m.cumsum, x, -1)),
    ("cumulative_sum",            "cumulative_sum",     (A,),         lambda m, x: m.cumulative_sum(x)),
    ("cumulative_sum initial",    "cumulative_sum",     (M,),         lambda m, x: m.cumulative_sum(x, axis=1, include_initial=True)),
    ("cumulative_sum 0-d",        "cumulative_sum",     (1.5,),       lambda m, x: m.cumulative_sum(x, include_initial=True)),
    ("cumulative_prod",           "cumulative_prod",    (A,),         lambda m, x: m.cumulative_prod(x)),
    ("cumulative_prod initial",   "cumulative_prod",    (B,),         lambda m, x: m.cumulative_prod(x, axis=-2, include_initial=True)),
    ("unwrap",                    None,                 (PHASE,),     lambda m, p: m.unwrap(p)),
    ("unwrap discont axis",       None,                 (np.stack([PHASE, PHASE[::-1]]),), lambda m, p: m.unwrap(p, discont=4.0, axis=1)),
    ("unwrap traced period",      None,                 (PHASE, 5.0), lambda m, p, period: m.unwrap(p, period=period)),
    ("polyadd",                   None,                 (U, V),       lambda m, a, b: m.polyadd(a, b)),
    ("polyadd shorter second",    None,                 (V, U),       lambda m, a, b: m.polyadd(a, b)),
    ("polysub",                   None,                 (U, V),       lambda m, a, b: m.polysub(a, b)),
    ("polysub plain second",      None,                 (V,),         lambda m, a: m.polysub([1.0, 0.0, 2.0, 1.0], a)),
    ("polymul",                   None,                 (U, V),       lambda m, a, b: m.polymul(a, b)),
    ("polymul leading zero",      None,                 (V,),         lambda m, a: m.polymul([0.0, 1.0, 2.0], a)),
    ("polydiv",                   None,                 (U, V),       lambda m, u, v: m.polydiv(u, v)),
    ("polydiv divisor longer",    None,                 (V, U),       lambda m, u, v: m.polydiv(u, v)),
    ("polydiv by scalar",         None,                 (U, 2.0),     lambda m, u, v: m.polydiv(u, v)),
]


def _assert_same(ours, expected):
    if isinstance(expected, (tuple, list)):
        assert type(ours) is type(expected) and len(ours) == len(expected)
        for o, e in zip(ours, expected):
            _assert_same(o, e)
        return
    np.testing.assert_allclose(ours, expected, rtol=1e-13, atol=1e-13)
    assert np.shape(ours) == np.shape(expected)
    assert np.asarray(ours).dtype == np.asarray(expected).dtype


@pytest.mark.parametrize("case", CASES, ids=lambda case: case[0])
def test_values_equal_numpy(case):
    _, numpy_2_name, args, call = case
    require_numpy_function(numpy_2_name)
    expected = call(np, *args)
    _assert_same(traced_value(lambda *a: call(np, *a), args), expected)
    _assert_same(call(cnp, *args), expected)


@pytest.mark.parametrize("case", CASES, ids=lambda case: case[0])
def test_derivatives(case):
    name, numpy_2_name, args, call = case
    require_numpy_function(numpy_2_name)

    def f(*a):
        return call(np, *a)

    f.__name__ = name
    cr.check_grads(f, args, modes=("fwd", "rev"), order=2)


def test_unwrap_is_the_identity_in_the_phase():
    jacobian = cr.jacfwd(np.unwrap)(PHASE)
    np.testing.assert_array_equal(jacobian, np.eye(PHASE.size))
    np.testing.assert_array_equal(cr.jacrev(np.unwrap)(PHASE), jacobian)


def test_asarray_chkfinite_refuses_non_finite_values():
    with pytest.raises(ValueError, match="must not contain infs or NaNs"):
        cr.grad(lambda x: cnp.asarray_chkfinite(x * np.inf).sum())(np.ones(2))


def test_cumulative_sum_asks_for_axis_as_numpy_does():
    require_numpy_function("cumulative_sum")
    with pytest.raises(ValueError, match="axis"):
        cr.grad(lambda x: np.cumulative_sum(x).sum())(M)


def test_matrix_transpose_of_a_vector_is_refused():
    require_numpy_function("matrix_transpose")
    with pytest.raises(ValueError, match="at least 2-dimensional"):
        cr.jvp(np.matrix_transpose, (A,), (A,))


INDEX_CASES = [
    #  name                  call                                         input
    ("diag_indices_from",    lambda x: np.diag_indices_from(x),           np.ones((3, 3))),
    ("tril_indices_from",    lambda x: np.tril_indices_from(x),           np.ones((3, 4))),
    ("tril_indices_from k",  lambda x: np.tril_indices_from(x, k=-1),     np.ones((3, 3))),
    ("triu_indices_from k",  lambda x: np.triu_indices_from(x, 1),        np.ones((4, 3))),
    ("ix_ empty and ints",   lambda x: np.ix_(x[:0], [1, 2]),             np.ones(3)),
]


@pytest.mark.parametrize("name, call, x", INDEX_CASES, ids=[case[0] for case in INDEX_CASES])
def test_index_helpers_give_plain_indices(name, call, x):
    expected = call(x)
    seen = []
    cr.grad(lambda t: seen.append(call(t)) or t.sum())(x)
    (traced,) = seen
    assert len(traced) == len(expected)
    for ours, theirs in zip(traced, expected):
        assert type(ours) is np.ndarray
        np.testing.assert_array_equal(ours, theirs)
        assert ours.dtype == theirs.dtype


def test_index_helpers_gather_differentiably():
    def lower_sum(x):
        return x[np.tril_indices_from(x)].sum()

    np.testing.assert_array_equal(cr.grad(lower_sum)(np.ones((3, 3))), np.tril(np.ones((3, 3))))


def _float32(value):
    return np.asarray(value, np.float32) if np.ndim(value) else np.float32(value)


@pytest.mark.parametrize("case", CASES, ids=lambda case: case[0])
def test_float32_stays_float32(case):
    _, numpy_2_name, args, call = case
    require_numpy_function(numpy_2_name)
    args = tuple(_float32(a) for a in args)
    expected = call(np, *args)
    ours = traced_value(lambda *a: call(np, *a), args)
    for o, e in zip(*(r if isinstance(r, (tuple, list)) else (r,) for r in (ours, expected))):
        np.testing.assert_allclose(o, e, rtol=1e-5, atol=1e-6)
        assert np.asarray(o).dtype == np.asarray(e).dtype


# -- batching ---------------------------------------------------------------------------

# np.unwrap dispatches on p only: with p plain and the period batched alone NumPy's own
# unwrap runs on the tracer (so it does without vmap too); that row batches both together
BOTH_TOGETHER = {"unwrap traced period"}


@pytest.mark.parametrize("case", CASES, ids=lambda case: case[0])
def test_batching(case):
    name, numpy_2_name, args, call = case
    require_numpy_function(numpy_2_name)

    def f(*a):
        return call(np, *a)

    f.__name__ = name
    if name in BOTH_TOGETHER:
        batch = tuple(np.stack([a, a * 1.1]) for a in args)
        got = cr.vmap(f)(*batch)
        np.testing.assert_allclose(got, np.stack([f(*member) for member in zip(*batch)]))
        return
    cr.check_vmap(f, args)
    check_batched_grads(f, args)


def test_trims_that_differ_between_batch_members_are_refused():
    with pytest.raises(TypeError, match="differ between batch members"):
        cr.vmap(lambda a: np.polymul(a, V))(np.array([[0.0, 1.0, 2.0], [1.0, 1.0, 2.0]]))
    with pytest.raises(TypeError, match="same indices to every member"):
        cr.vmap(lambda x: np.ix_(x > 0, [0]))(np.array([[1.0, -1.0], [1.0, 1.0]]))
