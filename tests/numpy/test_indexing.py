"""Indexing: ``x[index]`` for every kind of NumPy index and ``np.take``. Values
equal NumPy's; derivatives match finite differences in both modes to second
order; repeated indices accumulate in the gradient."""

import numpy as np
import pytest

import chainrule as cr
import chainrule.numpy as cnp
from chainrule.core import batching
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


# -- batching: x[index] runs once on the batch, against a loop over the batch ---------------
# Shared index arrays and masks, batched index arrays (computed from the batched value), and
# the advanced-axis layouts NumPy chooses (adjacent advanced indices stay in place, separated
# ones go in front: a slice, None or Ellipsis between them separates them)

LAYOUT_CASES = [
    ("int next to an array",       (slice(None), 0, [0, 1]),                        [(2, 3, 4)]),
    ("int and array apart",        (0, slice(None), [0, 1]),                        [(2, 3, 4)]),
    ("None between arrays",        ([0, 1], None, [0, 1]),                          [(3, 4, 5)]),
    ("empty Ellipsis between",     (slice(None), 0, Ellipsis, [0, 1]),              [(3, 4, 5)]),
    ("new axis, slice, arrays",    (None, slice(1, None), [[0], [1]], [0, 2, 1]),   [(3, 4, 5)]),
    ("2-d mask after a slice",     (slice(None), MASK_2x3.T[:3]),                   [(2, 3, 2)]),
]
BATCHED_CASES = CASES + LAYOUT_CASES
BATCHED_IDS = [case[0] for case in BATCHED_CASES]


def _get(index, what):
    def get(x):
        return x[index]

    get.__name__ = f"x[{what}]"
    return get


def _set(index, what):
    def put(x, value):
        y = x + 0.0 * np.sum(value)  # batched when either argument is
        y[index] = value
        return y

    put.__name__ = f"x[{what}] = value"
    return put


@pytest.mark.parametrize("what, index, shapes", BATCHED_CASES, ids=BATCHED_IDS)
def test_batching(what, index, shapes, rng):
    for shape in shapes:
        x = rng.standard_normal(shape)
        cr.check_vmap(_get(index, what), (x,))
        cr.check_vmap(_set(index, what), (x, rng.standard_normal(np.shape(x[index]))))
        cr.check_vmap(_set(index, what), (x, 2.0))


def _order(x):
    """An index array computed from the (batched) value: its entries by size."""
    return np.argsort(x.reshape(-1))


BATCHED_INDEX = [
    #  what                          x[index], the index computed from x           shape
    ("flat positions",               lambda x: x.reshape(-1)[_order(x)[:2]],       (2, 3)),
    ("rows",                         lambda x: x[_order(x[0])[:2], :],             (3, 3)),
    ("arrays apart",                 lambda x: x[_order(x[0, :, 0])[:2], :, _order(x[0, 0])[1:]],
                                                                                    (3, 3, 3)),
    ("arrays after a slice",         lambda x: x[:, _order(x[0, :, 0])[:2], _order(x[0, 0])[1:]],
                                                                                    (3, 3, 3)),
    ("with shared arrays",           lambda x: x[_order(x[0])[:2], [0, 2]]
                                     + x[None, _order(x[0])[:1], None, [1]],        (3, 3)),
    ("argmax",                       lambda x: x[np.argmax(x)],                    (4,)),
    ("mask, same count",             lambda x: x[x > np.min(x)],                   (2, 3)),
    ("write",                        lambda x: _written(x.reshape(-1) * 1.0, _order(x)[:2],
                                                        x.reshape(-1)[:2] ** 2),   (2, 3)),
    ("write, arrays apart",          lambda x: _written(x * 1.0, (_order(x[0, :, 0])[:2],
                                                                  slice(None), 1),
                                                        np.sin(x[0, :2, :])),      (3, 3, 3)),
    ("augmented write",              lambda x: _written(x * 1.0, np.argmax(x),
                                                        x[np.argmax(x)] * x[0]),   (4,)),
]


def _written(y, index, value):
    y[index] = value
    return y


@pytest.mark.parametrize("what, function, shape", BATCHED_INDEX,
                         ids=[case[0] for case in BATCHED_INDEX])
def test_batched_index_arrays_in_every_mix_of_vmap_and_grad(what, function, shape, rng):
    x = rng.standard_normal(shape)
    loss = lambda x: np.sum(np.sin(function(x)))
    cr.check_vmap(function, (x,))
    cr.check_vmap(cr.grad(loss), (x,))
    xs = rng.standard_normal((3,) + shape)
    np.testing.assert_allclose(cr.grad(lambda xs: np.sum(np.sin(cr.vmap(function)(xs))))(xs),
                               [cr.grad(loss)(x) for x in xs], rtol=1e-12, atol=1e-14)


INDEXING_PRIMITIVES = ["getitem", "gather", "scatter", "scatter_add", "setitem", "set_traced",
                       "winners"]


@pytest.fixture
def no_loop_for_indexing(monkeypatch):
    """Fail if batching falls back to a loop over the batch for an indexing primitive."""
    loop = batching.loop_over_batch
    mine = {f"numpy.{name}" for name in INDEXING_PRIMITIVES}

    def refuse(primitive, *args):
        assert primitive.name not in mine, f"{primitive.name} looped over the batch"
        return loop(primitive, *args)

    monkeypatch.setattr(batching, "loop_over_batch", refuse)


@pytest.mark.parametrize("what, index, shapes", BATCHED_CASES, ids=BATCHED_IDS)
def test_batching_rules_do_not_loop(what, index, shapes, rng, no_loop_for_indexing):
    x = rng.standard_normal((3,) + shapes[0])
    loss = lambda x: np.sum(np.sin(x[index]))
    cr.vmap(_get(index, what))(x)
    cr.vmap(cr.grad(loss))(x)  # scatter_add
    cr.vmap(lambda x: _set(index, what)(x, 2.0))(x)
    cr.vmap(cr.grad(lambda x: np.sum(_set(index, what)(x, np.sum(x) ** 2) ** 2)))(x)  # winners


@pytest.mark.parametrize("what, function, shape", BATCHED_INDEX,
                         ids=[case[0] for case in BATCHED_INDEX])
def test_batched_index_rules_do_not_loop(what, function, shape, rng, no_loop_for_indexing):
    xs = rng.standard_normal((3,) + shape)
    cr.vmap(cr.grad(lambda x: np.sum(np.sin(function(x)))))(xs)  # gather, scatter, set_traced


def test_a_mask_that_selects_differently_in_each_member_raises_naming_where():
    xs = np.array([[1.0, -2.0, 3.0], [-1.0, -2.0, 3.0]])
    with pytest.raises(IndexError, match=r"np.where\(mask, x, 0\)"):
        cr.vmap(lambda x: x[x > 0])(xs)
    np.testing.assert_array_equal(cr.vmap(lambda x: np.where(x > 0, x, 0.0))(xs),
                                  np.where(xs > 0, xs, 0.0))


def test_a_plain_array_indexed_with_a_batched_index_names_take():
    table = np.arange(5.0) * 10
    xs = np.array([[0.3, 2.0, -1.0], [5.0, 0.1, 0.2]])
    with pytest.raises(TypeError, match=r"chainrule.numpy.take"):
        cr.vmap(lambda x: table[np.argmax(x)])(xs)
    np.testing.assert_array_equal(cr.vmap(lambda x: cnp.take(table, np.argmax(x)))(xs),
                                  [10.0, 0.0])


@pytest.mark.parametrize("index", [True, (Ellipsis, False), (0, True)], ids=repr)
def test_boolean_scalars_in_an_index_are_batched_by_a_loop(index, rng):
    # x[True] adds an axis of length one (False: of length zero); rare, so the batch is looped
    x = rng.standard_normal((3, 2))
    cr.check_vmap(_get(index, repr(index)), (x,))
    cr.check_vmap(_set(index, repr(index)), (x, 2.0))


@pytest.mark.parametrize("what, index, shapes", BATCHED_CASES, ids=BATCHED_IDS)
def test_batching_in_forward_mode(what, index, shapes, rng):
    xs = rng.standard_normal((3,) + shapes[0])
    tangents = rng.standard_normal((3,) + shapes[0])
    f = lambda x: np.sin(x)[index] * 2.0
    want = [cr.jvp(f, (x,), (t,))[1] for x, t in zip(xs, tangents)]
    np.testing.assert_allclose(cr.jvp(cr.vmap(f), (xs,), (tangents,))[1], want, rtol=1e-13)
    np.testing.assert_allclose(cr.vmap(lambda x, t: cr.jvp(f, (x,), (t,))[1])(xs, tangents),
                               want, rtol=1e-13)
