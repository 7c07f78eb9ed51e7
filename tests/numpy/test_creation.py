"""Creation with traced values: ``full`` with a traced fill value, and
``linspace``/``logspace``/``geomspace`` between traced ends. Values equal
NumPy's to the bit; derivatives match finite differences in both modes to
second order."""

import numpy as np
import pytest

import chainrule as cr
import chainrule.numpy as cnp

from batching_checks import check_batched_grads, refuse_loops

# (numpy function, traced ends, other arguments): each row is called as
# function(*ends, **kwargs), once on plain values and once traced
SEQUENCES = [
    (np.linspace, (1.2, 3.4), dict(num=5)),
    (np.linspace, (1.2, 3.4), dict(num=5, endpoint=False)),
    (np.linspace, (1.2, 3.4), dict(num=1)),
    (np.linspace, (1.2, 3.4), dict(num=2)),
    (np.linspace, (np.array([0.5, -1.0]), 2.0), dict(num=4)),
    (np.linspace, (np.array([0.5, -1.0]), np.array([[2.0], [3.0]])), dict(num=3, axis=-1)),
    (np.linspace, (np.array([0.5, -1.0]), 2.0), dict(num=4, axis=1)),
    (np.linspace, (np.float32(0.5), np.float32(2.0)), dict(num=4, dtype=np.float32)),
    (np.logspace, (0.5, 2.0), dict(num=4)),
    (np.logspace, (0.5, np.array([1.0, 2.0])), dict(num=3, base=2.0, axis=1)),
    (np.logspace, (0.5, 2.0), dict(num=3, endpoint=False, base=np.e)),
    (np.geomspace, (1.5, 8.0), dict(num=4)),
    (np.geomspace, (-1.5, -8.0), dict(num=5, endpoint=False)),
    (np.geomspace, (np.array([1.0, 2.0]), 8.0), dict(num=3, axis=1)),
]


def _row_id(row):
    function, ends, kwargs = row
    return f"{function.__name__}({len(ends)} ends, {kwargs})"


@pytest.mark.parametrize("function, ends, kwargs", SEQUENCES, ids=[_row_id(r) for r in SEQUENCES])
def test_sequences_between_traced_ends(function, ends, kwargs):
    expected = function(*ends, **kwargs)
    for spelling in (function, getattr(cnp, function.__name__)):
        out, _ = cr.vjp(lambda *e: spelling(*e, **kwargs), *ends)
        np.testing.assert_array_equal(out, expected)
        assert out.dtype == expected.dtype
    cr.check_grads(lambda *e: function(*e, **kwargs), ends, modes=("fwd", "rev"), order=2)


def test_linspace_gradient_of_the_start():
    # d/dx sum(linspace(x, b, 5)) = sum(1 - i/4) = 2.5
    assert cr.grad(lambda x: np.linspace(x, 3.4, 5).sum())(1.2) == 2.5
    _, tangent = cr.jvp(lambda x: np.linspace(x, 3.4, 5), (1.2,), (1.0,))
    np.testing.assert_allclose(tangent, [1.0, 0.75, 0.5, 0.25, 0.0])


def test_linspace_retstep_and_integer_dtype():
    y, step = cnp.linspace(1.0, 3.0, 5, retstep=True)  # plain: NumPy's answer
    assert step == 0.5
    y, step = cr.vjp(lambda x: np.linspace(x, 3.0, 5, retstep=True), 1.0)[0]
    np.testing.assert_array_equal(y, np.linspace(1.0, 3.0, 5))
    assert step == 0.5
    assert cr.grad(lambda x: np.linspace(x, 3.0, 5, retstep=True)[1])(1.0) == -0.25
    for function, ends in [(np.linspace, (-4.5, 9.0)), (np.geomspace, (-1.5, -9.0)),
                           (np.logspace, (0.5, 1.5))]:
        integers = cr.vjp(lambda x: function(x, ends[1], 4, dtype=int), ends[0])[0]
        np.testing.assert_array_equal(integers, function(*ends, 4, dtype=int))
        assert integers.dtype == function(*ends, 4, dtype=int).dtype


def test_logspace_in_its_base():
    cr.check_grads(lambda b: np.logspace(0.5, 2.0, 4, base=b), (3.0,), modes=("fwd", "rev"),
                   order=2)


def test_geomspace_refuses_zero():
    with pytest.raises(ValueError, match="cannot include zero"):
        cr.grad(lambda x: np.geomspace(x, 2.0, 3).sum())(0.0)


@pytest.mark.parametrize("spelling, slope", [
    (lambda shape, v: np.full(shape, v, like=cnp.asarray(v)),       6.0),
    (lambda shape, v: cnp.full(shape, v),                           6.0),
    (lambda shape, v: cnp.full(shape, v, dtype=np.float64),         6.0),
    (lambda shape, v: cnp.full(shape, 2 * v, like=np.zeros(0)),     12.0),
], ids=["np.full like=", "cnp.full", "cnp.full dtype=", "cnp.full like= plain"])
def test_full_with_a_traced_fill_value(spelling, slope):
    out, _ = cr.vjp(lambda v: spelling((2, 3), v), 1.5)
    assert out.shape == (2, 3)
    assert cr.grad(lambda v: spelling((2, 3), v).sum())(1.5) == slope
    cr.check_grads(lambda v: spelling((2, 3), v), (1.5,), modes=("fwd", "rev"), order=2)


def test_full_refuses_a_fill_that_does_not_fit_as_numpy_does():
    with pytest.raises(ValueError):
        np.full(3, np.ones((2, 3)))
    with pytest.raises(ValueError):
        cr.grad(lambda v: cnp.full(3, v).sum())(np.ones((2, 3)))


def test_full_keeps_the_dtype_asked_for():
    out, pullback = cr.vjp(lambda v: cnp.full(3, v, dtype=np.float32), 1.5)
    assert out.dtype == np.float32
    assert pullback(np.ones(3, np.float32)) == (3.0,)


def test_full_of_an_array_fill_and_a_plain_fill_like_a_tracer(rng):
    row = rng.normal(size=3)
    cr.check_grads(lambda r: cnp.full((2, 3), r), (row,), modes=("fwd", "rev"), order=2)
    # a plain fill value with like= a traced array: a traced constant, fillable
    def filled(x):
        y = np.full(3, 2.0, like=x)
        y[0] = x[1] ** 2
        return y.sum()

    np.testing.assert_array_equal(cr.grad(filled)(np.array([1.0, 3.0])), [0.0, 6.0])


def test_plain_full_of_a_tracer_is_refused_with_the_spelling_that_works():
    # NumPy converts the fill value with asarray before any dispatch: not interceptable
    with pytest.raises(TypeError, match="derivative would be lost"):
        cr.grad(lambda v: np.full(3, v).sum())(1.0)
    # with dtype= (or full_like of a plain array) NumPy copies it into a plain array
    for spelling in (lambda v: np.full(3, v, dtype=float), lambda v: np.full_like(np.zeros(3), v)):
        with pytest.raises(TypeError, match=r"(?s)np\.copyto.*cnp\.full\(shape, t\)"):
            cr.grad(lambda v: spelling(v).sum())(1.0)


# -- batching: each member's sequence, and member-shaped constants -----------------------

@pytest.mark.parametrize("function, ends, kwargs", SEQUENCES, ids=[_row_id(r) for r in SEQUENCES])
def test_sequences_batching(function, ends, kwargs, monkeypatch):
    if all(np.ndim(end) == 0 for end in ends) and kwargs.get("axis", 0) == 0:
        refuse_loops(monkeypatch)  # scalar ends: this area's primitives only
    cr.check_vmap(lambda *e: function(*e, **kwargs), ends)
    refuse_loops(monkeypatch, allowed=("numpy.reshape", "numpy.transpose"))
    check_batched_grads(lambda *e: function(*e, **kwargs), ends)


def _filled(x):
    y = np.zeros_like(x)
    y[0] = x[1] ** 2
    return y


LIKE = [
    #  name                 function of a traced x of shape (3,)
    ("zeros_like",          lambda x: np.zeros_like(x) + x),
    ("zeros_like shape",    lambda x: np.zeros_like(x, shape=(2, 4)) * x[0]),
    ("ones_like",           lambda x: np.ones_like(x) * x),
    ("ones_like dtype",     lambda x: np.ones_like(x, dtype=np.float32) * x),
    ("full_like",           lambda x: np.full_like(x, 2.0) * x),
    ("full_like traced",    lambda x: np.full_like(x, x[0])),
    ("zeros like=",         lambda x: np.zeros((2, 3), like=x) + x),
    ("full like=",          lambda x: np.full(3, x[1], like=x)),
    ("cnp.full",            lambda x: cnp.full((2, 3), x)),
    ("arange like=",        lambda x: np.arange(3.0, like=x) * x),
    ("eye like=",           lambda x: np.sum(np.eye(3, like=x) * x, axis=1)),
    ("filled zeros_like",   _filled),
    ("array of tracers",    lambda x: cnp.array([x[0], 2.0 * x[1]])),
    ("array of rows",       lambda x: cnp.array([x, x * x, np.ones(3)])),
]
NO_OTHER_AREAS = {"zeros_like", "ones_like", "ones_like dtype", "full_like", "zeros like=",
                  "cnp.full", "arange like="}


@pytest.mark.parametrize("name, function", LIKE, ids=[c[0] for c in LIKE])
def test_creation_like_a_batched_value(name, function, monkeypatch):
    x = np.array([0.5, -1.5, 2.0])
    if name in NO_OTHER_AREAS:
        refuse_loops(monkeypatch)
    cr.check_vmap(function, (x,))
    check_batched_grads(function, (x,))


def test_zeros_like_a_batched_value_is_member_shaped():
    shapes = []
    cr.vmap(lambda x: shapes.append(np.shape(np.zeros_like(x))) or x)(np.ones((4, 2, 3)))
    assert shapes == [(2, 3)]
