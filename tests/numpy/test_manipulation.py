"""Shape functions: values equal NumPy's, derivatives match finite differences in
both modes to second order, and plain ``np.`` spelling reaches the same rules."""

import numpy as np
import pytest

import chainrule as cr
import chainrule.numpy as cnp
from chainrule.numpy import manipulation as cshape
from batching_checks import check_batched_grads, check_vmap_without_loops, refusing_loops
from cases import applied, case_id

CASES = [
    #  NumPy function    fixed arguments      keywords                    input shapes
    (np.reshape,         ((2, -1),),          {},                         [(4,), (2, 3), (2, 2, 2)]),
    (np.reshape,         ((3, 2),),           {"order": "F"},             [(2, 3)]),
    (np.ravel,           (),                  {},                         [(), (3,), (2, 3)]),
    (np.ravel,           (),                  {"order": "F"},             [(2, 3)]),
    (np.squeeze,         (),                  {},                         [(1,), (1, 3, 1)]),
    (np.squeeze,         (),                  {"axis": -1},               [(2, 1)]),
    (np.expand_dims,     (0,),                {},                         [(), (3,)]),
    (np.expand_dims,     ((0, -1),),          {},                         [(2, 3)]),
    (np.atleast_1d,      (),                  {},                         [(), (3,), (2, 3)]),
    (np.atleast_2d,      (),                  {},                         [(), (3,), (2, 3)]),
    (np.atleast_3d,      (),                  {},                         [(), (3,), (2, 3), (2, 3, 2)]),
    (np.broadcast_to,    ((4, 2, 3),),        {},                         [(), (3,), (2, 1)]),
    (np.transpose,       (),                  {},                         [(3,), (2, 3), (2, 3, 4)]),
    (np.transpose,       ((1, 2, 0),),        {},                         [(2, 3, 4)]),
    (np.transpose,       ((-1, 0, 1),),       {},                         [(2, 3, 4)]),
    (np.swapaxes,        (0, -1),             {},                         [(2, 3), (2, 3, 4)]),
    (np.moveaxis,        (0, -1),             {},                         [(2, 3, 4)]),
    (np.moveaxis,        ((0, 1), (2, 0)),    {},                         [(2, 3, 4)]),
    (np.flip,            (),                  {},                         [(3,), (2, 3)]),
    (np.flip,            (),                  {"axis": 1},                [(2, 3)]),
    (np.flip,            (),                  {"axis": (0, -1)},          [(2, 3, 4)]),
    (np.fliplr,          (),                  {},                         [(2, 3), (2, 3, 2)]),
    (np.flipud,          (),                  {},                         [(3,), (2, 3)]),
    (np.rot90,           (),                  {},                         [(2, 3), (2, 3, 4)]),
    (np.rot90,           (2,),                {},                         [(2, 3)]),
    (np.rot90,           (-1,),               {},                         [(2, 3)]),
    (np.rot90,           (3, (1, 2)),         {},                         [(2, 3, 4)]),
    (np.rot90,           (0,),                {},                         [(2, 3)]),
    (np.roll,            (1,),                {},                         [(5,), (2, 3)]),
    (np.roll,            (-2,),               {"axis": 1},                [(2, 3)]),
    (np.roll,            ((1, 2),),           {"axis": (0, -1)},          [(2, 3)]),
    (np.diag,            (),                  {},                         [(3,), (3, 3), (2, 4)]),
    (np.diag,            (1,),                {},                         [(3,), (3, 4)]),
    (np.diag,            (-2,),               {},                         [(2,), (4, 3)]),
    (np.diagflat,        (),                  {},                         [(2, 2)]),
    (np.diagflat,        (-1,),               {},                         [(3,)]),
    (np.diagonal,        (),                  {},                         [(3, 3), (2, 4), (2, 3, 4)]),
    (np.diagonal,        (-1,),               {},                         [(3, 3)]),
    (np.diagonal,        (1,),                {"axis1": 2, "axis2": 0},   [(2, 3, 4)]),
    (np.trace,           (),                  {},                         [(3, 3), (2, 3, 4)]),
    (np.trace,           (1,),                {"axis1": -1, "axis2": 0},  [(2, 3, 4)]),
    (np.triu,            (),                  {},                         [(3,), (3, 4), (2, 3, 3)]),
    (np.triu,            (1,),                {},                         [(3, 4)]),
    (np.tril,            (),                  {},                         [(3,), (3, 4), (2, 3, 3)]),
    (np.tril,            (-1,),               {},                         [(4, 3)]),
    (np.repeat,          (2,),                {},                         [(), (3,), (2, 3)]),
    (np.repeat,          (2,),                {"axis": 1},                [(2, 3)]),
    (np.repeat,          ([1, 0, 3],),        {"axis": -1},               [(2, 3)]),
    (np.repeat,          ([2, 2],),           {"axis": 0},                [(2, 3)]),
]


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_values_equal_numpy(case, rng):
    function, args, kwargs, shapes = case
    ours = getattr(cnp, function.__name__)
    for shape in shapes:
        x = rng.standard_normal(shape)
        got, want = ours(x, *args, **kwargs), function(x, *args, **kwargs)
        assert np.shape(got) == np.shape(want)
        np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_derivatives(case, rng):
    function, args, kwargs, shapes = case
    fn = applied(getattr(cnp, function.__name__), args, kwargs, case_id(case))
    for shape in shapes:
        cr.check_grads(fn, (rng.standard_normal(shape),), modes=("fwd", "rev"), order=2)


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_plain_numpy_spelling(case, rng):
    function, args, kwargs, shapes = case
    ours = getattr(cnp, function.__name__)
    for shape in shapes:
        x = rng.standard_normal(shape)
        weights = rng.standard_normal(np.shape(function(x, *args, **kwargs)))
        plain = cr.grad(lambda x: (function(x, *args, **kwargs) * weights).sum())(x)
        wrapped = cr.grad(lambda x: (ours(x, *args, **kwargs) * weights).sum())(x)
        np.testing.assert_allclose(plain, wrapped)
        value, tangent = cr.jvp(lambda x: function(x, *args, **kwargs), (x,), (np.ones(shape),))
        np.testing.assert_array_equal(value, function(x, *args, **kwargs))


FLOAT32_CASES = [
    (np.reshape,         ((2, -1),),          {},                         [(2, 3)]),
    (np.transpose,       ((1, 2, 0),),        {},                         [(2, 3, 4)]),
    (np.flip,            (),                  {"axis": 1},                [(2, 3)]),
    (np.rot90,           (),                  {},                         [(2, 3)]),
    (np.roll,            ((1, 2),),           {"axis": (0, -1)},          [(2, 3)]),
    (np.diag,            (1,),                {},                         [(3,)]),
    (np.diagonal,        (1,),                {"axis1": 2, "axis2": 0},   [(2, 3, 4)]),
    (np.trace,           (),                  {},                         [(3, 3)]),
    (np.triu,            (),                  {},                         [(3,)]),
    (np.repeat,          (2,),                {"axis": 1},                [(2, 3)]),
    (np.repeat,          ([1, 0, 3],),        {"axis": -1},               [(2, 3)]),
]


@pytest.mark.parametrize("case", FLOAT32_CASES, ids=case_id)
def test_float32_stays_float32(case, rng):
    function, args, kwargs, shapes = case
    ours = getattr(cnp, function.__name__)
    x = rng.standard_normal(shapes[-1]).astype(np.float32)
    assert np.result_type(ours(x, *args, **kwargs)) == np.float32
    gradient = cr.grad(lambda x: ours(x, *args, **kwargs).sum())(x)
    assert gradient.dtype == np.float32
    cr.check_grads(applied(ours, args, kwargs, case_id(case)), (x,), order=2)


METHODS = [
    #  method call on a traced array               input shape
    (lambda x: x.reshape(3, 2),                   (2, 3)),
    (lambda x: x.reshape((3, 2), order="F"),      (2, 3)),
    (lambda x: x.T,                               (2, 3)),
    (lambda x: x.transpose(1, 2, 0),              (2, 3, 4)),
    (lambda x: x.transpose((1, 0)),               (2, 3)),
    (lambda x: x.ravel(),                         (2, 3)),
    (lambda x: x.flatten(),                       (2, 3)),
    (lambda x: x.squeeze(),                       (1, 3, 1)),
    (lambda x: x.squeeze(0),                      (1, 3, 1)),
    (lambda x: x.swapaxes(0, 1),                  (2, 3)),
    (lambda x: x.repeat(2),                       (2, 3)),
    (lambda x: x.repeat([1, 2], axis=0),          (2, 3)),
    (lambda x: x.diagonal(),                      (3, 3)),
    (lambda x: x.diagonal(1, 1, 2),               (2, 3, 4)),
    (lambda x: x.trace(),                         (3, 3)),
    (lambda x: x.trace(-1, 2, 1),                 (2, 3, 4)),
]


@pytest.mark.parametrize("method, shape", METHODS, ids=[f"method{i}" for i in range(len(METHODS))])
def test_methods_of_traced_arrays(method, shape, rng):
    x = rng.standard_normal(shape)
    value, _ = cr.jvp(method, (x,), (np.ones(shape),))
    np.testing.assert_array_equal(value, method(x))
    cr.check_grads(method, (x,), modes=("fwd", "rev"), order=2)


def test_transpose_and_diagonal_compose(rng):
    # the matrix part of a batch: transpose, diagonal, triangle and trace together
    x = rng.standard_normal((2, 3, 3))

    def f(x):
        y = np.triu(np.swapaxes(x, -1, -2)) + np.tril(x, -1)
        return np.trace(y, axis1=1, axis2=2) * np.diagonal(np.rot90(y, axes=(1, 2)), 0, 1, 2).sum(-1)

    cr.check_grads(f, (x,), modes=("fwd", "rev"), order=2)


def test_diag_round_trip_gradient():
    # d/dv sum(diag(diag(v) * w)) = diag(w): a matrix back through both directions
    w = np.arange(9.0).reshape(3, 3)
    gradient = cr.grad(lambda v: np.diag(np.diag(v) * w).sum())(np.ones(3))
    np.testing.assert_array_equal(gradient, np.diag(w))


def test_repeat_gradient_counts_copies():
    gradient = cr.grad(lambda x: np.repeat(x, [3, 0, 1]).sum())(np.ones(3))
    np.testing.assert_array_equal(gradient, [3.0, 0.0, 1.0])
    gradient = cr.grad(lambda x: np.repeat(x, 2, axis=0).sum())(np.ones((2, 2)))
    np.testing.assert_array_equal(gradient, np.full((2, 2), 2.0))


def test_untraced_calls_accept_lists():
    assert cshape.flip([1.0, 2.0]).tolist() == [2.0, 1.0]
    assert cshape.reshape([1.0, 2.0], (2, 1)).shape == (2, 1)
    assert cshape.atleast_2d(1.0, [1.0, 2.0])[1].shape == (1, 2)


ERRORS = [
    #  call                                                     error
    (lambda x: cshape.transpose(x, (0, 5)),                    np.exceptions.AxisError),
    (lambda x: cshape.swapaxes(x, 0, 2),                       np.exceptions.AxisError),
    (lambda x: cshape.squeeze(x, 0),                           ValueError),
    (lambda x: cshape.diagonal(x[0]),                          ValueError),
    (lambda x: cshape.diagonal(x, axis1=1, axis2=-1),          ValueError),
    (lambda x: cshape.diag(x[None]),                           ValueError),
    (lambda x: cshape.rot90(x, axes=(0, 0)),                   ValueError),
    (lambda x: cshape.fliplr(x[0]),                            ValueError),
    (lambda x: cshape.moveaxis(x, (0, 1), 0),                  ValueError),
    (lambda x: cnp.repeat(x, -1),                           ValueError),
    (lambda x: cnp.trace(x, out=np.zeros(())),              NotImplementedError),
]


@pytest.mark.parametrize("call, error", ERRORS, ids=[f"error{i}" for i in range(len(ERRORS))])
def test_errors_match_numpy(call, error):
    x = np.ones((2, 3))
    with pytest.raises(error):
        cr.grad(lambda x: call(x).sum())(x)


# -- batching: vmap equals the loop over the batch -------------------------------------


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_batching(case, rng):
    function, args, kwargs, shapes = case
    for shape in shapes:
        check_vmap_without_loops(applied(function, args, kwargs, case_id(case)), (rng.standard_normal(shape),))


NO_LOOP = [
    #  one call on the whole batch: each primitive here has a batching rule
    (np.reshape,         ((2, -1),),          {},                         (2, 3)),
    (np.reshape,         ((3, 2),),           {"order": "F"},             (2, 3)),
    (np.ravel,           (),                  {},                         (2, 3)),
    (np.squeeze,         (),                  {},                         (1, 3, 1)),
    (np.expand_dims,     ((0, -1),),          {},                         (2, 3)),
    (np.transpose,       (),                  {},                         (2, 3, 4)),
    (np.transpose,       ((1, 2, 0),),        {},                         (2, 3, 4)),
    (np.swapaxes,        (0, -1),             {},                         (2, 3)),
    (np.moveaxis,        ((0, 1), (2, 0)),    {},                         (2, 3, 4)),
    (np.flip,            (),                  {},                         (2, 3)),
    (np.flip,            (),                  {"axis": (0, -1)},          (2, 3, 4)),
    (np.rot90,           (3, (1, 2)),         {},                         (2, 3, 4)),
    (np.roll,            (1,),                {},                         (2, 3)),
    (np.roll,            ((1, 2),),           {"axis": (0, -1)},          (2, 3)),
    (np.diag,            (1,),                {},                         (3,)),
    (np.diag,            (-1,),               {},                         (3, 4)),
    (np.diagonal,        (1,),                {"axis1": 2, "axis2": 0},   (2, 3, 4)),
    (np.trace,           (),                  {},                         (3, 3)),
    (np.triu,            (1,),                {},                         (3, 4)),
    (np.tril,            (),                  {},                         (2, 3, 3)),
]


@pytest.mark.parametrize("case", NO_LOOP, ids=case_id)
def test_batching_rules_need_no_loop(case, rng):
    function, args, kwargs, shape = case
    x = rng.standard_normal((3,) + shape)
    with refusing_loops():
        got = cr.vmap(lambda x: function(x, *args, **kwargs))(x)
    np.testing.assert_array_equal(got, np.stack([function(member, *args, **kwargs) for member in x]))


COMMUTE = [case for case in CASES if case[0] in (np.transpose, np.roll, np.diag, np.triu)]


@pytest.mark.parametrize("case", COMMUTE, ids=case_id)
def test_derivatives_commute_with_vmap(case, rng):
    function, args, kwargs, shapes = case
    fn = applied(function, args, kwargs, case_id(case))
    check_batched_grads(fn, (rng.standard_normal(shapes[-1]),))


@pytest.mark.parametrize("function", [
    lambda x: np.reshape(x, (-1,), order="F"), lambda x: np.transpose(x), lambda x: np.roll(x, 2),
    lambda x: np.diag(x[0], 1), lambda x: np.triu(x[0]),
    lambda x: np.concatenate([x, np.ones((1, 5))]), lambda x: np.pad(x, 1),
], ids=["reshapeF", "transpose", "roll", "diag", "triu", "concatenate", "pad"])
def test_vmap_of_vmap(function, rng):
    # the inner rule's values are batched tracers of the outer vmap
    x = rng.standard_normal((2, 3, 4, 5))
    expected = [[function(x[i, j]) for j in range(3)] for i in range(2)]
    np.testing.assert_array_equal(cr.vmap(cr.vmap(function))(x), expected)
    weights = rng.standard_normal(np.shape(expected[0][0]))
    scalar = lambda x: np.sum(function(x) * weights)  # noqa: E731
    np.testing.assert_allclose(cr.vmap(cr.vmap(cr.grad(scalar)))(x),
                               [[cr.grad(scalar)(x[i, j]) for j in range(3)] for i in range(2)])
