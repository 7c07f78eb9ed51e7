"""Joining and splitting: values equal NumPy's, derivatives match finite
differences in both modes to second order for every input at once, for traced
arrays mixed with plain constants, and through plain ``np.`` spelling."""

import warnings

import numpy as np
import pytest

import chainrule as cr
import chainrule.numpy as cnp
from chainrule.numpy import joining
from batching_checks import check_batched_grads, check_vmap_without_loops, refusing_loops
from cases import applied, case_id

JOIN_CASES = [
    #  NumPy function     keywords          input shapes, one list per call
    (np.concatenate,      {},               [[(2,), (3,)], [(2, 3), (1, 3)]]),
    (np.concatenate,      {"axis": 1},      [[(2, 3), (2, 1), (2, 2)]]),
    (np.concatenate,      {"axis": -1},     [[(2, 1, 2), (2, 1, 1)]]),
    (np.concatenate,      {"axis": None},   [[(2, 3), (4,), ()]]),
    (np.stack,            {},               [[(), ()], [(3,), (3,)]]),
    (np.stack,            {"axis": -1},     [[(2, 3), (2, 3), (2, 3)]]),
    (np.stack,            {"axis": 1},      [[(2,), (2,)]]),
    (np.vstack,           {},               [[(), ()], [(3,), (2, 3)]]),
    (np.hstack,           {},               [[(), (2,)], [(2, 1), (2, 3)]]),
    (np.dstack,           {},               [[(3,), (3,)], [(2, 3), (2, 3, 2)]]),
    (np.column_stack,     {},               [[(3,), (3, 2)], [(), ()]]),
]


def join_id(case):
    function, kwargs, _ = case
    return f"{function.__name__}({', '.join(f'{k}={v!r}' for k, v in kwargs.items())})"


def joined(function, kwargs, name):
    """``(*arrays) -> function(list(arrays), **kwargs)``, named for check_grads."""
    def join(*arrays):
        return function(list(arrays), **kwargs)

    join.__name__ = name
    return join


@pytest.mark.parametrize("case", JOIN_CASES, ids=join_id)
def test_join_values_equal_numpy(case, rng):
    function, kwargs, shape_lists = case
    ours = getattr(cnp, function.__name__)
    for shapes in shape_lists:
        arrays = [rng.standard_normal(shape) for shape in shapes]
        np.testing.assert_array_equal(ours(arrays, **kwargs), function(arrays, **kwargs))


@pytest.mark.parametrize("case", JOIN_CASES, ids=join_id)
def test_join_derivatives_in_every_input(case, rng):
    function, kwargs, shape_lists = case
    fn = joined(getattr(cnp, function.__name__), kwargs, join_id(case))
    for shapes in shape_lists:
        arrays = tuple(rng.standard_normal(shape) for shape in shapes)
        cr.check_grads(fn, arrays, modes=("fwd", "rev"), order=2)


@pytest.mark.parametrize("case", JOIN_CASES, ids=join_id)
def test_join_traced_with_plain_constants(case, rng):
    function, kwargs, shape_lists = case
    ours = getattr(cnp, function.__name__)
    for shapes in shape_lists:
        constants = [rng.standard_normal(shape) for shape in shapes]
        x = rng.standard_normal(shapes[-1])
        fn = joined(lambda arrays, **kw: ours(constants[:-1] + arrays, **kw), kwargs,
                    join_id(case))
        cr.check_grads(fn, (x,), modes=("fwd", "rev"), order=2)
        # the traced input first, constants after, through NumPy's own function
        first = joined(lambda arrays, **kw: function(arrays + constants[1:], **kw), kwargs,
                       join_id(case))
        cr.check_grads(first, (rng.standard_normal(shapes[0]),), modes=("fwd", "rev"), order=1)


@pytest.mark.parametrize("case", JOIN_CASES, ids=join_id)
def test_join_plain_numpy_spelling(case, rng):
    function, kwargs, shape_lists = case
    ours = getattr(cnp, function.__name__)
    for shapes in shape_lists:
        arrays = tuple(rng.standard_normal(shape) for shape in shapes)
        weights = rng.standard_normal(np.shape(function(list(arrays), **kwargs)))
        argnums = tuple(range(len(arrays)))
        plain = cr.grad(lambda *xs: (function(list(xs), **kwargs) * weights).sum(),
                        argnums=argnums)(*arrays)
        wrapped = cr.grad(lambda *xs: (ours(list(xs), **kwargs) * weights).sum(),
                          argnums=argnums)(*arrays)
        for a, b, x in zip(plain, wrapped, arrays):
            assert np.shape(a) == np.shape(x)
            np.testing.assert_allclose(a, b)


ONE_INPUT_CASES = [
    #  NumPy function    fixed arguments               keywords                           input shapes
    (np.split,           (2,),                         {},                                [(4,), (4, 3)]),
    (np.split,           ([1, 3],),                    {"axis": 1},                       [(2, 5)]),
    (np.split,           ([-2, 10],),                  {},                                [(5,)]),
    (np.array_split,     (3,),                         {},                                [(7,), (5, 2)]),
    (np.array_split,     (2,),                         {"axis": -1},                      [(2, 3)]),
    (np.array_split,     ([3, 1],),                    {},                                [(4,)]),
    (np.hsplit,          (2,),                         {},                                [(4,), (2, 4)]),
    (np.vsplit,          ([1],),                       {},                                [(3, 2)]),
    (np.dsplit,          (2,),                         {},                                [(1, 2, 4)]),
    (np.tile,            (2,),                         {},                                [(), (3,), (2, 3)]),
    (np.tile,            ((2, 1, 3),),                 {},                                [(2,), (2, 3)]),
    (np.tile,            ((1, 1),),                    {},                                [(3,)]),
    (np.tile,            ((3, 0),),                    {},                                [(2,)]),
    (np.repeat,          (3,),                         {},                                [(), (2, 2)]),
    (np.repeat,          ([2, 0, 1],),                 {"axis": 0},                       [(3, 2)]),
    (np.pad,             (1,),                         {},                                [(3,), (2, 3)]),
    (np.pad,             (((1, 0), (2, 1)),),          {"constant_values": 2.5},          [(2, 3)]),
    (np.pad,             ((0, 2),),                    {"constant_values": ((1.0, 2.0),)}, [(2, 2)]),
    (np.pad,             (2,),                         {"mode": "edge"},                  [(3,), (2, 3)]),
    (np.pad,             ((1, 3),),                    {"mode": "reflect"},               [(3,), (2, 3)]),
    (np.pad,             (2,),                         {"mode": "symmetric"},             [(3,), (2, 2)]),
    (np.pad,             ((3, 4),),                    {"mode": "wrap"},                  [(2,), (2, 3)]),
    (np.pad,             (((0, 1), (1, 0)),),          {"mode": "reflect"},               [(2, 3)]),
    (np.pad,             ((2, 5),),                    {"mode": "reflect", "reflect_type": "odd"}, [(3,), (2, 3)]),
    (np.pad,             (4,),                         {"mode": "symmetric", "reflect_type": "odd"}, [(1,), (3, 2)]),
    (np.pad,             ((1, 2),),                    {"mode": "linear_ramp"},           [(3,), (2, 3)]),
    (np.pad,             (2,),                         {"mode": "linear_ramp", "end_values": ((1.0, -2.0), (0.5, 3.0))}, [(2, 3)]),
    (np.pad,             (((1, 2), (2, 0)),),          {"mode": "mean"},                  [(2, 3)]),
    (np.pad,             (2,),                         {"mode": "mean", "stat_length": 2}, [(4,), (3, 3)]),
    (np.pad,             ((1, 3),),                    {"mode": "maximum"},               [(3,), (2, 3)]),
    (np.pad,             (2,),                         {"mode": "minimum", "stat_length": ((1, 2), (3, 1))}, [(3, 4)]),
    (np.pad,             (((2, 1), (0, 2)),),          {"mode": "median"},                [(3, 4)]),
    (np.pad,             (1,),                         {"mode": "median", "stat_length": 2}, [(4,), (2, 3)]),
    (np.insert,          (1, 7.5),                     {},                                [(3,), (2, 3)]),
    (np.insert,          ([0, 2, 2], [1.0, 2.0, 3.0]), {"axis": 1},                       [(2, 3)]),
    (np.insert,          (slice(0, 2), 4.0),           {"axis": 0},                       [(3, 2)]),
    (np.insert,          (2, [[1.0], [2.0]]),          {"axis": 1},                       [(2, 3)]),
    (np.delete,          (1,),                         {},                                [(3,), (2, 3)]),
    (np.delete,          ([0, 2],),                    {"axis": 1},                       [(2, 3)]),
    (np.delete,          (slice(None, None, 2),),      {"axis": 0},                       [(3, 2)]),
    (np.resize,          ((2, 5),),                    {},                                [(3,), (2, 3)]),
    (np.resize,          (2,),                         {},                                [(2, 3)]),
    (np.rollaxis,        (2,),                         {},                                [(2, 3, 4)]),
    (np.rollaxis,        (0, 3),                       {},                                [(2, 3, 4)]),
    (np.rollaxis,        (-1, -2),                     {},                                [(2, 3, 4)]),
    (np.copy,            (),                           {},                                [(), (2, 3)]),
    (np.block,           (),                           {},                                [(3,), (2, 3)]),
] + ([  # NumPy 2.1 added unstack
    (np.unstack,         (),                           {},                                [(2,), (2, 3)]),
    (np.unstack,         (),                           {"axis": -1},                      [(2, 3)]),
] if hasattr(np, "unstack") else [])


@pytest.mark.parametrize("case", ONE_INPUT_CASES, ids=case_id)
def test_one_input_values_equal_numpy(case, rng):
    function, args, kwargs, shapes = case
    ours = getattr(cnp, function.__name__)
    for shape in shapes:
        x = rng.standard_normal(shape)
        got, want = ours(x, *args, **kwargs), function(x, *args, **kwargs)
        if isinstance(want, (list, tuple)):
            assert type(got) is type(want) and len(got) == len(want)
        else:
            got, want = [got], [want]
        for piece, expected in zip(got, want):
            assert np.shape(piece) == np.shape(expected)
            np.testing.assert_allclose(piece, expected, rtol=1e-14, atol=1e-15)


@pytest.mark.parametrize("case", ONE_INPUT_CASES, ids=case_id)
def test_one_input_derivatives(case, rng):
    function, args, kwargs, shapes = case
    for ours in (getattr(cnp, function.__name__), function):  # and NumPy's spelling
        fn = applied(ours, args, kwargs, case_id(case))
        for shape in shapes:
            cr.check_grads(fn, (rng.standard_normal(shape),), modes=("fwd", "rev"), order=2)


def test_concatenate_two_differentiated_inputs(rng):
    a, b = rng.standard_normal((2, 3)), rng.standard_normal((1, 3))
    cr.check_grads(lambda a, b: np.concatenate([a, b]), (a, b), modes=("fwd", "rev"), order=2)
    cr.check_grads(lambda a, b: np.stack([a, b[0]]), (a[0], b), modes=("fwd", "rev"), order=2)
    ga, gb = cr.grad(lambda a, b: (np.concatenate([a, b]) ** 2).sum(), argnums=(0, 1))(a, b)
    np.testing.assert_allclose(ga, 2 * a)
    np.testing.assert_allclose(gb, 2 * b)


def test_same_input_twice_accumulates(rng):
    x = rng.standard_normal(3)
    np.testing.assert_array_equal(cr.grad(lambda x: np.concatenate([x, x, x]).sum())(x),
                                  np.full(3, 3.0))
    np.testing.assert_array_equal(cr.grad(lambda x: np.stack([x, 2 * x]).sum())(x),
                                  np.full(3, 3.0))
    cr.check_grads(lambda x: np.concatenate([x, np.sin(x)]) * np.stack([x, x]).ravel(), (x,),
                   modes=("fwd", "rev"), order=2)


def test_split_pieces_joined_again_is_identity(rng):
    x = rng.standard_normal((4, 3))
    gradient = cr.grad(lambda x: (np.concatenate(np.split(x, [1, 3]), axis=0) * x).sum())(x)
    np.testing.assert_allclose(gradient, 2 * x)
    pieces = cr.grad(lambda x: np.array_split(x, 3, axis=1)[1].sum())(x)
    np.testing.assert_array_equal(pieces, np.array([[0.0, 1.0, 0.0]] * 4))


def test_dtypes(rng):
    a = rng.standard_normal(3).astype(np.float32)
    b = rng.standard_normal(2).astype(np.float32)
    assert joining.concatenate([a, b]).dtype == np.float32
    cr.check_grads(lambda a, b: np.concatenate([a, b]), (a, b), order=2)
    cr.check_grads(lambda a: np.pad(np.tile(a, 2), 1, mode="wrap"), (a,), order=2)
    # a float32 input joined to float64 constants gets a float32 gradient
    gradient = cr.grad(lambda a: np.concatenate([a, np.ones(2)]).sum())(a)
    assert gradient.dtype == np.float32
    gradient = cr.grad(lambda a: np.stack([a, np.ones(3)]).sum())(a)
    assert gradient.dtype == np.float32
    # integer constants join traced floats as NumPy would
    assert cr.grad(lambda a: np.hstack([a, np.arange(2)]).sum())(a).dtype == np.float32
    assert joining.concatenate([a, b], dtype=np.float64).dtype == np.float64


def test_append(rng):
    x, y = rng.standard_normal((2, 3)), rng.standard_normal((1, 3))
    np.testing.assert_array_equal(joining.append(x, y), np.append(x, y))
    np.testing.assert_array_equal(joining.append(x, y, axis=0), np.append(x, y, axis=0))
    cr.check_grads(lambda x, y: np.append(x, y), (x, y), modes=("fwd", "rev"), order=2)
    cr.check_grads(lambda x, y: np.append(x, y, axis=0), (x, y), modes=("fwd", "rev"), order=2)
    cr.check_grads(lambda x: np.append(x, [1.0, 2.0]), (x,), modes=("fwd", "rev"), order=2)
    cr.check_grads(lambda y: np.append(x, y, axis=0), (y,), modes=("fwd", "rev"), order=2)


def test_pad_with_traced_constant(rng):
    x = rng.standard_normal((2, 2))
    np.testing.assert_array_equal(cnp.pad(x, 1, constant_values=1.5),
                                  np.pad(x, 1, constant_values=1.5))
    cr.check_grads(lambda x, c: np.pad(x, ((1, 0), (0, 2)), constant_values=c), (x, 1.5),
                   modes=("fwd", "rev"), order=2)
    # each of the 12 border entries holds c; NumPy dispatches np.pad on its first
    # argument only, so a plain x with a traced c needs chainrule's spelling
    assert cr.grad(lambda c: cnp.pad(x, 1, constant_values=c).sum())(0.5) == 12.0


@pytest.mark.parametrize("mode, options", [
    ("mean", {}), ("median", {}), ("maximum", {"stat_length": 1}), ("edge", {}),
    ("linear_ramp", {"end_values": 2.0}), ("reflect", {"reflect_type": "odd"}),
    ("constant", {"constant_values": ((1.0, 2.0), (3.0, 4.0))}), ("empty", {}),
], ids=lambda value: value if isinstance(value, str) else "")
def test_pad_float32_stays_float32(mode, options):
    x = np.arange(1.0, 7.0, dtype=np.float32).reshape(2, 3)
    value, tangent = cr.jvp(lambda x: np.pad(x, 2, mode=mode, **options), (x,), (x,))
    assert value.dtype == tangent.dtype == np.pad(x, 2, mode=mode, **options).dtype
    assert cr.grad(lambda x: np.pad(x, 2, mode=mode, **options).sum())(x).dtype == np.float32


def test_pad_traced_constants_and_end_values_per_axis(rng):
    x, pairs = rng.standard_normal((2, 3)), rng.standard_normal((2, 2))
    for mode, keyword in (("constant", "constant_values"), ("linear_ramp", "end_values")):
        def padded(x, values, mode=mode, keyword=keyword):
            return np.pad(x, ((1, 2), (2, 1)), mode=mode, **{keyword: values})

        np.testing.assert_allclose(cr.jvp(padded, (x, pairs), (x, pairs))[0],
                                   np.pad(x, ((1, 2), (2, 1)), mode=mode, **{keyword: pairs}))
        cr.check_grads(padded, (x, pairs), modes=("fwd", "rev"), order=2)
        cr.check_grads(lambda x, v: padded(x, v), (x, 0.7), modes=("fwd", "rev"), order=2)


def _pad_with(vector, pad_width, axis, kwargs):
    """NumPy's documented example of a callable mode, and a traced write."""
    vector[:pad_width[0]] = kwargs.get("padder", 10.0)
    if pad_width[1]:
        vector[-pad_width[1]:] = vector[pad_width[0]] ** 2


def test_pad_callable_mode_and_empty(rng):
    x = rng.standard_normal((2, 3))
    np.testing.assert_allclose(cnp.pad(x, 2, _pad_with), np.pad(x, 2, _pad_with))
    np.testing.assert_allclose(cr.jvp(lambda x: np.pad(x, (1, 2), _pad_with, padder=3.0),
                                      (x,), (x,))[0], np.pad(x, (1, 2), _pad_with, padder=3.0))
    cr.check_grads(lambda x: np.pad(x, (1, 2), _pad_with), (x,), modes=("fwd", "rev"), order=2)
    # "empty" leaves NumPy's border undefined; chainrule's is zeros, the middle is x
    empty = cnp.pad(x, 1, mode="empty")
    assert empty.shape == (4, 5) and np.array_equal(empty[1:-1, 1:-1], x)
    cr.check_grads(lambda x: np.pad(x, 1, mode="empty")[1:-1, 1:-1], (x,), order=2)


def test_insert_traced_values(rng):
    x, values = rng.standard_normal((2, 3)), rng.standard_normal(2)
    np.testing.assert_array_equal(cnp.insert(x, 1, values, axis=1), np.insert(x, 1, values, axis=1))
    cr.check_grads(lambda x, v: np.insert(x, [0, 3], v, axis=1), (x, values),
                   modes=("fwd", "rev"), order=2)
    cr.check_grads(lambda v: cnp.insert(x, 2, v), (values,), modes=("fwd", "rev"), order=2)


def test_block_nested(rng):
    a, b, c = rng.standard_normal((2, 2)), rng.standard_normal((2, 1)), rng.standard_normal(3)
    def blocks(a, b, c):
        return np.block([[a, b], [c]])

    np.testing.assert_array_equal(cnp.block([[a, b], [c]]), np.block([[a, b], [c]]))
    cr.check_grads(blocks, (a, b, c), modes=("fwd", "rev"), order=2)
    np.testing.assert_array_equal(cnp.block([[[a]], [[a]]]), np.block([[[a]], [[a]]]))
    np.testing.assert_array_equal(cnp.block(2.0), np.block(2.0))


def test_trim_zeros_gathers_what_the_data_leaves(rng):
    x = np.array([0.0, 0.0, 1.5, 0.0, -2.0, 0.0])
    for trim in ("fb", "f", "b", "B"):
        np.testing.assert_array_equal(cnp.trim_zeros(x, trim), np.trim_zeros(x, trim))
    grid = np.zeros((4, 5))
    grid[1:3, 2:4] = rng.standard_normal((2, 2))
    for axis in (None, 0, -1) if np.lib.NumpyVersion(np.__version__) >= "2.2.0" else ():
        np.testing.assert_array_equal(cnp.trim_zeros(grid, axis=axis),
                                      np.trim_zeros(grid, axis=axis))
    # the shape is the data's; the kept entries carry the derivative
    np.testing.assert_array_equal(cr.grad(lambda x: (np.trim_zeros(x) ** 2).sum())(x),
                                  [0.0, 0.0, 3.0, 0.0, -4.0, 0.0])
    assert cnp.trim_zeros(np.zeros(3)).shape == (0,)


def test_copy_stays_traced_and_independent(rng):
    x = rng.standard_normal(3)
    def f(x):
        y = np.copy(x)
        y[0] = 0.0
        return (x * y).sum()

    np.testing.assert_array_equal(cr.grad(f)(x), [0.0, 2 * x[1], 2 * x[2]])


@pytest.mark.skipif(not hasattr(np, "row_stack"), reason="np.row_stack left NumPy in 2.3")
def test_row_stack_is_vstack(rng):
    x = rng.standard_normal(3)
    with warnings.catch_warnings():  # NumPy 2.0 deprecated the alias
        warnings.simplefilter("ignore", DeprecationWarning)
        cr.check_grads(lambda x: np.row_stack([x, 2 * x]), (x,), modes=("fwd", "rev"), order=1)
    np.testing.assert_array_equal(cnp.row_stack([x, x]), np.vstack([x, x]))


def test_untraced_calls_accept_lists():
    assert joining.concatenate([[1.0], [2.0, 3.0]]).tolist() == [1.0, 2.0, 3.0]
    assert joining.column_stack([[1.0, 2.0], [3.0, 4.0]]).shape == (2, 2)
    assert joining.tile([1.0, 2.0], (2, 1)).shape == (2, 2)


ERRORS = [
    #  call                                                        error
    (lambda x: np.split(x, 4),                                     ValueError),
    (lambda x: np.array_split(x, 0),                               ValueError),
    (lambda x: np.vsplit(x[0], 2),                                 ValueError),
    (lambda x: np.hsplit(x[0, 0], 1),                              ValueError),
    (lambda x: np.concatenate([x[0, 0], x[0, 1]]),                 ValueError),
    (lambda x: np.concatenate([x, x], axis=2),                     np.exceptions.AxisError),
    (lambda x: np.stack([x, x[0]]),                                ValueError),
    (lambda x: np.pad(x, -1),                                      ValueError),
    (lambda x: np.pad(x, 1, mode="mean", stat_length=0),           ValueError),
    (lambda x: np.pad(x, 1, mode="reflect", reflect_type="odds"),  ValueError),
    (lambda x: np.pad(x, 1, mode="nearest"),                       ValueError),
    (lambda x: np.pad(x[:, :0], 1, mode="edge"),                   ValueError),
    (lambda x: np.block([(x, x)]),                                 TypeError),
    (lambda x: np.block([[x], x]),                                 ValueError),
    (lambda x: np.rollaxis(x, 0, 4),                               np.exceptions.AxisError),
    (lambda x: np.pad(x, 1, mode="edge", constant_values=1.0),     ValueError),
    (lambda x: np.concatenate([x, x], out=np.zeros((4, 3))),       NotImplementedError),
]


@pytest.mark.parametrize("call, error", ERRORS, ids=[f"error{i}" for i in range(len(ERRORS))])
def test_errors(call, error):
    x = np.ones((2, 3))
    with pytest.raises(error):
        cr.grad(lambda x: call(x)[0].sum())(x)


# -- batching: vmap equals the loop over the batch -------------------------------------


@pytest.mark.parametrize("case", JOIN_CASES, ids=join_id)
def test_join_batching(case, rng):
    # every input batched alone (the others shared by the batch) and all together
    function, kwargs, shape_lists = case
    for shapes in shape_lists:
        arrays = tuple(rng.standard_normal(shape) for shape in shapes)
        check_vmap_without_loops(joined(function, kwargs, join_id(case)), arrays)


@pytest.mark.parametrize("case", ONE_INPUT_CASES, ids=case_id)
def test_one_input_batching(case, rng):
    function, args, kwargs, shapes = case
    for shape in shapes:
        check_vmap_without_loops(applied(function, args, kwargs, case_id(case)), (rng.standard_normal(shape),))


NO_LOOP = [
    #  joining function    arguments: B a batched array, C a constant shared by the batch
    (np.concatenate,       {},                "BC",  [(2, 3), (1, 3)]),
    (np.concatenate,       {"axis": -1},      "CBB", [(2, 1), (2, 2), (2, 3)]),
    (np.stack,             {},                "BC",  [(3,), (3,)]),
    (np.stack,             {"axis": -1},      "CB",  [(2, 3), (2, 3)]),
    (np.vstack,            {},                "BB",  [(3,), (2, 3)]),
    (np.hstack,            {},                "CB",  [(2, 1), (2, 3)]),
    (np.column_stack,      {},                "BC",  [(3,), (3, 2)]),
]


@pytest.mark.parametrize("case", NO_LOOP, ids=lambda case: f"{case[0].__name__}{case[2]}")
def test_join_batching_needs_no_loop(case, rng):
    function, kwargs, kinds, shapes = case
    arrays = [rng.standard_normal(((3,) if kind == "B" else ()) + shape)
              for kind, shape in zip(kinds, shapes)]
    in_axes = tuple(0 if kind == "B" else None for kind in kinds)
    with refusing_loops():
        got = cr.vmap(lambda *xs: function(list(xs), **kwargs), in_axes=in_axes)(*arrays)
    members = [[x[b] if kind == "B" else x for x, kind in zip(arrays, kinds)] for b in range(3)]
    np.testing.assert_array_equal(got, np.stack([function(m, **kwargs) for m in members]))
    with refusing_loops():  # np.pad's constant mode pads once for the batch too
        padded = cr.vmap(lambda x: np.pad(x, (1, 2)))(arrays[kinds.index("B")])
    np.testing.assert_array_equal(padded[0], np.pad(members[0][kinds.index("B")], (1, 2)))


@pytest.mark.parametrize("case", [c for c in ONE_INPUT_CASES if c[0] in (np.split, np.tile, np.pad)
                                  and c[2].get("mode") in (None, "reflect", "median")],
                         ids=case_id)
def test_derivatives_commute_with_vmap(case, rng):
    function, args, kwargs, shapes = case
    check_batched_grads(applied(function, args, kwargs, case_id(case)),
                        (rng.standard_normal(shapes[-1]),))


BATCHED_SHAPE_ARGUMENTS = [
    #  a function whose result's shape comes from its batched argument
    lambda counts, x: np.repeat(x, counts),
    lambda counts, x: np.insert(x, counts, 0.0),
    lambda counts, x: np.delete(x, counts),
]


@pytest.mark.parametrize("call", BATCHED_SHAPE_ARGUMENTS, ids=["repeat", "insert", "delete"])
def test_batched_counts_and_indices_raise(call):
    counts, x = np.array([[1, 0, 2], [2, 1, 0]]), np.ones((2, 3))
    with pytest.raises(TypeError, match="varies over the vmap batch"):
        cr.vmap(call)(counts, x)
    np.testing.assert_array_equal(cr.vmap(call, in_axes=(None, 0))(counts[0], x),
                                  np.stack([call(counts[0], member) for member in x]))


def test_trim_zeros_under_vmap_says_what_to_write():
    with pytest.raises(TypeError, match="np.where"):
        cr.vmap(np.trim_zeros)(np.array([[0.0, 1.0], [1.0, 0.0]]))


def test_pad_batching_with_traced_values_callable_modes_and_integers(rng):
    x, pairs = rng.standard_normal((2, 3)), rng.standard_normal((2, 2))
    for mode, keyword in (("constant", "constant_values"), ("linear_ramp", "end_values")):
        def padded(x, values, mode=mode, keyword=keyword):  # cnp.pad: x may be the plain one
            return cnp.pad(x, ((1, 2), (2, 1)), mode=mode, **{keyword: values})

        check_vmap_without_loops(padded, (x, pairs))
        check_vmap_without_loops(padded, (x, 0.7))
    check_vmap_without_loops(lambda x: np.pad(x, (1, 2), _pad_with), (x,))
    check_vmap_without_loops(lambda x: np.pad(x, 1, mode="empty")[1:-1, 1:-1], (x,))
    integers = rng.integers(0, 9, size=(3, 2, 3))  # statistics rounded back to integers
    for mode in ("mean", "median"):
        np.testing.assert_array_equal(cr.vmap(lambda x: np.pad(x, 1, mode=mode))(integers),
                                      [np.pad(member, 1, mode=mode) for member in integers])


SEVERAL_INPUTS = [
    #  a joining function of several arrays (each batched alone, and all together)
    (lambda a, b: np.append(a, b, axis=0),            [(2, 3), (1, 3)]),
    (lambda a, b: np.append(a, b),                    [(2, 3), (2,)]),
    (lambda a, b, c: np.block([[a, b], [c]]),         [(2, 2), (2, 1), (3,)]),
    (lambda x, v: cnp.insert(x, [0, 3], v, axis=1),   [(2, 3), (2,)]),
    (lambda x, v: cnp.insert(x, 1, v),                [(2, 3), ()]),
]


@pytest.mark.parametrize("function, shapes", SEVERAL_INPUTS,
                         ids=[f"several{i}" for i in range(len(SEVERAL_INPUTS))])
def test_several_inputs_batching(function, shapes, rng):
    check_vmap_without_loops(function, tuple(rng.standard_normal(shape) for shape in shapes))
