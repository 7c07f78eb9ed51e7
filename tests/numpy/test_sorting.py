"""Sorting: values equal NumPy's, through plain ``np.`` calls on traced values and
through ``chainrule.numpy``; derivatives match finite differences in both modes
to second order on inputs without ties; at ties the derivative follows the
stable order (documented in chainrule/numpy/sorting.py); index results stay
plain and non-differentiable."""

import numpy as np
import pytest

import chainrule as cr
import chainrule.numpy as cnp
from batching_checks import check_batched_grads, check_vmap_without_loops, refusing_loops
from cases import applied, case_id


def _along_sorted(x, axis=-1):
    """``np.take_along_axis`` with indices computed from ``x``: the first two sorted."""
    order = np.argsort(x, axis=axis)
    return np.take_along_axis(x, np.take(order, [0, 1], axis=axis), axis=axis)


def _sorted_by_indexing(x):
    return x[np.argsort(x)]


CASES = [
    #  function            args       keywords                         shapes
    (np.sort,              (),        {},                              [(5,), (3, 4)]),
    (np.sort,              (),        {"axis": 0},                     [(3, 4)]),
    (np.sort,              (),        {"axis": -2},                    [(2, 3, 4)]),
    (np.sort,              (),        {"axis": None},                  [(2, 3)]),
    (np.sort,              (),        {"kind": "heapsort"},            [(6,)]),
    (np.partition,         (2,),      {},                              [(5,), (3, 5)]),
    (np.partition,         ((0, 3),), {"axis": 0},                     [(5, 3)]),
    (np.partition,         (1,),      {"axis": None},                  [(2, 3)]),
    (_along_sorted,        (),        {},                              [(4,), (3, 4)]),
    (_along_sorted,        (),        {"axis": 0},                     [(4, 3)]),
    (_sorted_by_indexing,  (),        {},                              [(5,)]),
]


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_values_equal_numpy(case, rng):
    function, args, kwargs, shapes = case
    for shape in shapes:
        x = rng.standard_normal(shape)
        expected = function(x, *args, **kwargs)
        traced = cr.jvp(applied(function, args, kwargs, "f"), (x,), (x,))[0]
        np.testing.assert_array_equal(traced, expected)
        assert traced.dtype == expected.dtype
        ours = getattr(cnp, function.__name__, None)
        if ours is not None:
            np.testing.assert_array_equal(ours(x, *args, **kwargs), expected)


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_derivatives(case, rng):
    function, args, kwargs, shapes = case
    for shape in shapes:
        x = rng.standard_normal(shape)
        cr.check_grads(applied(function, args, kwargs, case_id(case)), (x,),
                       modes=("fwd", "rev"), order=2)


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_float32_stays_float32(case, rng):
    function, args, kwargs, shapes = case
    shape = shapes[-1]  # distinct values, further apart than float32's finite-difference step
    x = rng.permutation(np.linspace(-2.0, 2.0, np.prod(shape))).reshape(shape).astype(np.float32)
    fn = applied(function, args, kwargs, case_id(case))
    assert cr.jvp(fn, (x,), (x,))[1].dtype == np.float32
    assert cr.grad(lambda x: fn(x).sum())(x).dtype == np.float32
    cr.check_grads(fn, (x,), modes=("fwd", "rev"), order=2)


def test_the_derivative_is_the_sorting_permutation(rng):
    x = rng.standard_normal(5)
    permutation = np.eye(5)[np.argsort(x)]
    np.testing.assert_array_equal(cr.jacfwd(np.sort)(x), permutation)
    np.testing.assert_array_equal(cr.jacrev(np.sort)(x), permutation)
    np.testing.assert_array_equal(cr.hessian(lambda x: np.sort(x)[0])(x), np.zeros((5, 5)))


TIES = [
    # input, the stable order of its sort
    (np.array([1.0, 1.0, 0.0]),           [2, 0, 1]),
    (np.array([2.0, 2.0, 2.0]),           [0, 1, 2]),
    (np.array([3.0, 1.0, 3.0, 1.0]),      [1, 3, 0, 2]),
]


def tie_averaged(x, order):
    """The permutation's rows, averaged over each run of tied sorted values."""
    rows = np.eye(len(x))[order]
    ranked = np.sort(x)
    return np.array([rows[ranked == value].mean(axis=0) for value in ranked])


@pytest.mark.parametrize("x, order", TIES)
def test_ties_split_evenly(x, order):
    expected = tie_averaged(x, order)
    np.testing.assert_array_equal(cr.jacfwd(np.sort)(x), expected)
    np.testing.assert_array_equal(cr.jacrev(np.sort)(x), expected)
    # whatever kind= asks for
    np.testing.assert_array_equal(cr.jacrev(lambda x: np.sort(x, kind="quicksort"))(x), expected)
    # so the largest sorted value has max's gradient
    np.testing.assert_array_equal(cr.grad(lambda x: np.sort(x)[-1])(x), cr.grad(np.max)(x))


def test_partition_follows_argpartition(rng):
    x = rng.standard_normal((4, 6))
    for kth in (0, 3, (1, 4)):
        expected = np.take_along_axis(np.eye(6)[None].repeat(4, 0),
                                      np.argpartition(x, kth)[..., None], axis=1)
        jacobian = cr.jacrev(lambda x: np.partition(x, kth))(x)
        np.testing.assert_array_equal(jacobian[np.arange(4), :, np.arange(4)], expected)


def test_take_along_axis_accumulates_repeated_indices():
    x = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    indices = np.array([[0, 0], [2, 1]])
    gradient = cr.grad(lambda x: np.take_along_axis(x, indices, 1).sum())(x)
    np.testing.assert_array_equal(gradient, [[2.0, 0.0, 0.0], [0.0, 1.0, 1.0]])
    flat = cr.grad(lambda x: np.take_along_axis(x, np.array([5, 5, 0]), None).sum())(x)
    np.testing.assert_array_equal(flat, [[1.0, 0.0, 0.0], [0.0, 0.0, 2.0]])


def test_sort_complex(rng):
    z = rng.standard_normal(5) + 1j * rng.standard_normal(5)
    cr.check_grads(np.sort_complex, (z,), modes=("fwd", "rev"), order=2)
    z[3] = z[1].real + 1j * (z[1].imag + 1.0)  # equal real parts: ordered by imaginary part
    np.testing.assert_array_equal(cnp.sort_complex(z), np.sort_complex(z))
    np.testing.assert_array_equal(cr.jacfwd(np.sort_complex, holomorphic=True)(z),
                                  np.eye(5)[np.argsort(z)])
    np.testing.assert_array_equal(cnp.sort_complex(z.real), np.sort_complex(z.real))
    assert cnp.sort_complex(z.real.astype(np.float32)).dtype == np.complex64


def test_msort_is_sort_along_the_first_axis(rng):
    x = rng.standard_normal((4, 3))
    np.testing.assert_array_equal(cnp.msort(x), np.sort(x, axis=0))
    cr.check_grads(cnp.msort, (x,), modes=("fwd", "rev"), order=2)


INDEX_RESULTS = [
    #  function         args              keywords
    (np.argsort,        (),               {}),
    (np.argsort,        (),               {"axis": 0, "kind": "stable"}),
    (np.argpartition,   (1,),             {}),
    (np.lexsort,        (),               {}),
]


@pytest.mark.parametrize("case", [c + ([(3, 4)],) for c in INDEX_RESULTS], ids=case_id)
def test_index_results_are_plain_and_constant(case, rng):
    function, args, kwargs, (shape,) = case
    x = rng.standard_normal(shape)
    seen = []

    def f(x):
        indices = function(x, *args, **kwargs)
        seen.append(indices)
        return x * 2.0

    cr.grad(lambda x: f(x).sum())(x)
    assert type(seen[0]) is np.ndarray and seen[0].dtype == np.intp
    np.testing.assert_array_equal(seen[0], function(x, *args, **kwargs))


def test_errors(rng):
    x = rng.standard_normal((2, 3))
    with pytest.raises(np.exceptions.AxisError):
        cr.grad(lambda x: np.sort(x, axis=2).sum())(x)
    with pytest.raises(NotImplementedError, match="order="):
        cnp.sort(x, order="field")
    with pytest.raises(ValueError, match="same number of dimensions"):
        cnp.take_along_axis(x, np.array([0, 1]), 1)
    with pytest.raises(IndexError, match="integer"):
        cnp.take_along_axis(x, np.zeros((2, 1)), 1)


@pytest.mark.parametrize("name", ["msort", "partition", "sort", "sort_complex", "take_along_axis"])
def test_exported(name):
    from chainrule.numpy import sorting

    assert getattr(cnp, name) is getattr(sorting, name)


# -- batching: vmap equals the loop over the batch -------------------------------------


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_batching(case, rng):
    function, args, kwargs, shapes = case
    for shape in shapes:
        check_vmap_without_loops(applied(function, args, kwargs, case_id(case)), (rng.standard_normal(shape),))


@pytest.mark.parametrize("case", [c for c in CASES if c[0] in (np.sort, np.partition)], ids=case_id)
def test_batching_rules_need_no_loop(case, rng):
    function, args, kwargs, shapes = case
    x = rng.standard_normal((3,) + shapes[-1])
    with refusing_loops():
        got = cr.vmap(applied(function, args, kwargs, case_id(case)))(x)
    np.testing.assert_array_equal(got, np.stack([function(m, *args, **kwargs) for m in x]))


@pytest.mark.parametrize("case", CASES[:8], ids=case_id)
def test_derivatives_commute_with_vmap(case, rng):
    function, args, kwargs, shapes = case
    x = rng.standard_normal(shapes[-1])
    x.flat[1] = x.flat[0]  # a tie (in every member): its derivative is averaged
    check_batched_grads(applied(function, args, kwargs, case_id(case)), (x,))


def test_batched_kth_raises():
    with pytest.raises(TypeError, match="kth varies over the vmap batch"):
        cr.vmap(lambda x, k: np.partition(x, k))(np.ones((2, 3)), np.array([0, 1]))
