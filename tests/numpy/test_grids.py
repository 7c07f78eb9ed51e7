"""meshgrid and ``cnp.r_``/``cnp.c_`` (chainrule/numpy/grids.py): values, shapes and
dtypes equal NumPy's; derivatives match finite differences in both modes to
second order; plain ``np.r_`` on tracers raises the lost-derivative error."""

import numpy as np
import pytest

import chainrule as cr
import chainrule.numpy as cnp

from batching_checks import check_batched_grads

MESHGRID_OPTIONS = [
    {}, {"indexing": "ij"}, {"sparse": True}, {"sparse": True, "indexing": "ij"},
    {"copy": False},
]


@pytest.mark.parametrize("options", MESHGRID_OPTIONS, ids=repr)
@pytest.mark.parametrize("shapes", [[(3,)], [(3,), (2,)], [(3,), (2,), (4,)], [(2, 2), ()]],
                         ids=repr)
def test_meshgrid(options, shapes, rng):
    vectors = tuple(rng.standard_normal(shape) for shape in shapes)
    want = np.meshgrid(*vectors, **options)
    for got in (cnp.meshgrid(*vectors, **options),
                cr.jvp(lambda *v: np.meshgrid(*v, **options), vectors, vectors)[0]):
        assert type(got) is type(want) and len(got) == len(want)
        for grid, expected in zip(got, want):
            np.testing.assert_array_equal(grid, expected)

    def weighted(*vectors):  # every grid, each entry with its own weight
        grids = np.meshgrid(*vectors, **options)
        return cnp.stack([(grid * np.arange(np.size(grid)).reshape(np.shape(grid))).sum()
                          for grid in grids])

    cr.check_grads(weighted, vectors, modes=("fwd", "rev"), order=2)


X = np.array([1.0, 2.0, 3.0])
M = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])

R_KEYS = [
    #  what is joined                 (the first argument stands for the traced x)
    ("arrays and a scalar",           lambda x: (x, 0.5, x[:2])),
    ("a slice",                       lambda x: (slice(0, 3), x)),
    ("a complex-step slice",          lambda x: (x, slice(0, 1, 4j))),
    ("integer constants",             lambda x: (x, np.arange(2))),
    ("matrices",                      lambda x: (M, x.reshape(1, 3))),
    ("axis directive",                lambda x: ("1", M, M * x)),
    ("ndmin directive",               lambda x: ("0,2", x, x)),
    ("trans1d directive",             lambda x: ("1,2,0", x, x)),
    ("negative axis, trans1d",        lambda x: ("-1,2,0", M.T, x)),
]


@pytest.mark.parametrize("name, key", R_KEYS, ids=[k[0] for k in R_KEYS])
def test_r_(name, key):
    want = np.r_[key(X)]
    got = cr.jvp(lambda x: cnp.r_[key(x)], (X,), (X,))[0]
    assert got.shape == want.shape and got.dtype == want.dtype
    np.testing.assert_array_equal(got, want)
    np.testing.assert_array_equal(cnp.r_[key(X)], want)
    cr.check_grads(lambda x: cnp.r_[key(x)], (X,), modes=("fwd", "rev"), order=2)


C_KEYS = [
    ("vectors become columns",        lambda x: (x, x ** 2)),
    ("a matrix and a column",         lambda x: (M.T, x)),
    ("a directive",                   lambda x: ("0,2", x, x)),
]


@pytest.mark.parametrize("name, key", C_KEYS, ids=[k[0] for k in C_KEYS])
def test_c_(name, key):
    want = np.c_[key(X)]
    got = cr.jvp(lambda x: cnp.c_[key(x)], (X,), (X,))[0]
    assert got.shape == want.shape
    np.testing.assert_array_equal(got, want)
    cr.check_grads(lambda x: cnp.c_[key(x)], (X,), modes=("fwd", "rev"), order=2)


def test_plain_r_cannot_see_tracers_and_says_what_works():
    with pytest.raises(TypeError, match="chainrule.numpy.array"):
        cr.grad(lambda x: np.r_[x, x].sum())(X)
    assert cr.grad(lambda x: cnp.r_[x, 2.0 * x].sum())(X).tolist() == [3.0, 3.0, 3.0]


ERRORS = [
    (lambda x: cnp.r_[x, "0,2"],               ValueError),
    (lambda x: cnp.r_["nonsense", x],          ValueError),
    (lambda x: cnp.r_["r", x],                 NotImplementedError),
    (lambda x: cnp.r_["1 2; 3 4"],             NotImplementedError),
    (lambda x: np.meshgrid(x, indexing="yx"),  ValueError),
]


@pytest.mark.parametrize("call, error", ERRORS, ids=[f"error{i}" for i in range(len(ERRORS))])
def test_errors(call, error):
    with pytest.raises(error):
        cr.grad(lambda x: np.sum(call(x)))(X)


# -- batching ---------------------------------------------------------------------------

@pytest.mark.parametrize("options", MESHGRID_OPTIONS, ids=repr)
@pytest.mark.parametrize("shapes", [[(3,), (2,)], [(3,), (2,), (4,)], [(2, 2), ()]], ids=repr)
def test_meshgrid_batching(options, shapes, rng):
    vectors = tuple(rng.standard_normal(shape) for shape in shapes)
    cr.check_vmap(lambda *v: np.meshgrid(*v, **options), vectors)
    check_batched_grads(lambda *v: cnp.stack([g.sum() * (k + 1) for k, g in
                                              enumerate(np.meshgrid(*v, **options))]), vectors)


@pytest.mark.parametrize("name, key", R_KEYS + [("c_ " + k[0], k[1]) for k in C_KEYS],
                         ids=[k[0] for k in R_KEYS] + ["c_ " + k[0] for k in C_KEYS])
def test_r_and_c_batching(name, key):
    join = cnp.c_ if name.startswith("c_ ") else cnp.r_
    cr.check_vmap(lambda x: join[key(x)], (X,))
    check_batched_grads(lambda x: join[key(x)], (X,))
