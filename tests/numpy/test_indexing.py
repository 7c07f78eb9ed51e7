"""Indexing: ``x[index]`` for every kind of NumPy index and ``np.take``. Values
equal NumPy's; derivatives match finite differences in both modes to second
order; repeated indices accumulate in the gradient."""

import numpy as np
import pytest

import chainrule as cr
from chainrule.numpy import indexing

MASK_3 = np.array([True, False, True])
MASK_2x3 = np.array([[True, False, True], [False, False, True]])

CASES = [
    #  what                        index                                            input shapes
    ("int",                        1,                                               [(3,), (3, 2)]),
    ("negative int",               -1,                                              [(3,), (2, 3)]),
    ("numpy int",                  np.int64(0),                                     [(3,)]),
    ("tuple of ints",              (1, 0),                                          [(2, 3), (2, 3, 2)]),
    ("all ints to a scalar",       (1, -1, 0),                                      [(2, 3, 2)]),
    ("empty tuple",                (),                                              [(3,), (2, 2)]),
    ("slice",                      slice(1, None),                                  [(3,), (3, 2)]),
    ("slice with step",            slice(None, None, 2),                            [(5,), (5, 2)]),
    ("negative step",              slice(None, None, -1),                           [(4,), (3, 2)]),
    ("negative step and bounds",   slice(3, 0, -2),                                 [(5,)]),
    ("slice past the end",         slice(1, 10),                                    [(3,)]),
    ("empty slice",                slice(2, 1),                                     [(3,)]),
    ("slices in two axes",         (slice(None, None, -1), slice(1, 3)),            [(2, 4)]),
    ("Ellipsis",                   (Ellipsis, 0),                                   [(2, 3, 2)]),
    ("Ellipsis in the middle",     (0, Ellipsis, slice(None, None, -1)),            [(2, 3, 2)]),
    ("None",                       (None, slice(None), None),                       [(3,)]),
    ("None, Ellipsis and int",     (0, Ellipsis, None),                             [(2, 3)]),
    ("boolean mask",               MASK_3,                                          [(3,), (3, 2)]),
    ("2-d boolean mask",           MASK_2x3,                                        [(2, 3), (2, 3, 2)]),
    ("mask after an int",          (1, MASK_3),                                     [(2, 3)]),
    ("mask and slice",             (slice(None), MASK_3),                           [(2, 3)]),
    ("integer array",              np.array([2, 0]),                                [(3,), (3, 2)]),
    ("repeated indices",           [0, 0, 2, 0],                                    [(3,), (3, 2)]),
    ("negative indices",           [-1, 0, -1],                                     [(3,)]),
    ("2-d integer array",          np.array([[0, 1], [1, 1]]),                      [(3,)]),
    ("array and slice",            (np.array([0, 0, 1]), slice(None)),              [(2, 3)]),
    ("two arrays",                 (np.array([0, 1, 1]), np.array([2, 0, 2])),      [(2, 3)]),
    ("arrays around a slice",      (np.array([0, 1]), slice(None), np.array([1, 1])), [(2, 3, 2)]),
    ("broadcast arrays",           (np.array([[0], [1]]), np.array([0, 2, 2])),     [(2, 3)]),
    ("list in a tuple",            (slice(None), [2, 2]),                           [(2, 3)]),
    ("empty integer array",        np.array([], dtype=int),                         [(3,)]),
]


@pytest.mark.parametrize("what, index, shapes", CASES, ids=[case[0] for case in CASES])
def test_values_equal_numpy(what, index, shapes, rng):
    for shape in shapes:
        x = rng.standard_normal(shape)
        got = indexing.getitem(x, index)
        assert np.shape(got) == np.shape(x[index])
        np.testing.assert_array_equal(got, x[index])
        value, _ = cr.jvp(lambda x: x[index], (x,), (np.ones(shape),))
        np.testing.assert_array_equal(value, x[index])


@pytest.mark.parametrize("what, index, shapes", CASES, ids=[case[0] for case in CASES])
def test_derivatives(what, index, shapes, rng):
    def get(x):
        return x[index]

    get.__name__ = f"x[{what}]"
    for shape in shapes:
        cr.check_grads(get, (rng.standard_normal(shape),), modes=("fwd", "rev"), order=2)


@pytest.mark.parametrize("what, index, shapes", CASES, ids=[case[0] for case in CASES])
def test_gradient_counts_each_use(what, index, shapes):
    # the gradient of sum(x[index]) counts how often each entry was taken
    for shape in shapes:
        x = np.arange(float(np.prod(shape, dtype=int))).reshape(shape)
        counts = np.zeros(shape)
        np.add.at(counts, index, 1.0)
        gradient = cr.grad(lambda x: np.sum(x[index]))(x)
        np.testing.assert_array_equal(gradient, counts)


def test_repeated_indices_accumulate():
    x = np.array([1.0, 2.0, 3.0])
    gradient = cr.grad(lambda x: (x[[0, 0, 2, 0]] * np.array([1.0, 10.0, 100.0, 1000.0])).sum())(x)
    np.testing.assert_array_equal(gradient, [1011.0, 0.0, 100.0])
    # second order: d2/dx2 of sum(x[[0, 0]] ** 3) = 12 x[0]
    hessian = cr.hessian(lambda x: (x[[0, 0]] ** 3).sum())(x)
    np.testing.assert_allclose(hessian, np.diag([12.0, 0.0, 0.0]))


def test_mask_from_the_traced_value(rng):
    x = rng.standard_normal((3, 4))
    cr.check_grads(lambda x: x[x > 0] ** 2, (x,), modes=("fwd", "rev"), order=2)
    np.testing.assert_array_equal(cr.grad(lambda x: x[x > 0].sum())(x), (x > 0).astype(float))


def test_traced_integer_index_array(rng):
    # an index computed from traced values carries no derivative itself
    x = rng.standard_normal(5)
    cr.check_grads(lambda x: x[np.argsort(x)], (x,), modes=("fwd", "rev"), order=2)


def test_indexing_a_scalar_output_of_indexing(rng):
    x = rng.standard_normal((2, 3))
    cr.check_grads(lambda x: x[1][::-1][0] * x[0, 1:][None], (x,), modes=("fwd", "rev"), order=2)


def test_float32_stays_float32(rng):
    x = rng.standard_normal((3, 2)).astype(np.float32)
    assert cr.grad(lambda x: x[[0, 0], ::-1].sum())(x).dtype == np.float32
    cr.check_grads(lambda x: x[MASK_3, 1], (x,), order=2)


TAKE_CASES = [
    #  indices             axis
    ([0, 2, 2],            None),
    ([[1, 0], [0, 0]],     None),
    ([1, 1, 0],            0),
    (1,                    1),
    ([2, -1],              -1),
    (np.array([[0], [2]]), 1),
]


@pytest.mark.parametrize("indices, axis", TAKE_CASES)
def test_take(indices, axis, rng):
    x = rng.standard_normal((3, 3))
    np.testing.assert_array_equal(indexing.take(x, indices, axis=axis),
                                  np.take(x, indices, axis=axis))

    def take(x):
        return np.take(x, indices, axis=axis)

    take.__name__ = f"np.take(x, {indices!r}, axis={axis})"
    cr.check_grads(take, (x,), modes=("fwd", "rev"), order=2)
    counts = np.zeros_like(x)
    np.add.at(counts.reshape(-1) if axis is None else counts,
              indices if axis is None else (slice(None),) * (axis % 2) + (indices,), 1.0)
    np.testing.assert_array_equal(cr.grad(lambda x: np.take(x, indices, axis=axis).sum())(x),
                                  counts)


ERRORS = [
    #  index                         error
    (5,                              IndexError),
    ((0, 0, 0),                      IndexError),
    (np.array([1.0]),                IndexError),
    (np.array([True, False]),        IndexError),
]


@pytest.mark.parametrize("index, error", ERRORS, ids=[repr(e[0]) for e in ERRORS])
def test_errors_match_numpy(index, error):
    x = np.ones((3, 2))
    with pytest.raises(error):
        x[index]
    with pytest.raises(error):
        cr.grad(lambda x: x[index].sum())(x)
