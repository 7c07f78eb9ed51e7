"""Values at kinks: one convention per function where it is not differentiable,
the table in docs/numpy.md ("Values at kinks"), checked row by row in both
modes (reverse: grad; forward: jacfwd) and, where the table gives one, at
second order three ways (reverse-over-reverse, forward-over-reverse,
forward-over-forward). No NaN where the function is constant or a finite
one-sided or subgradient value exists."""

import numpy as np
import pytest

import chainrule as cr
import chainrule.numpy as cnp

INF = np.inf
EQUAL = np.array([2.0, 2.0, 2.0])
TIES = np.array([3.0, 1.0, 3.0])

# (what, function, point, first derivatives (one per argument), second derivative in
#  the first argument, or None where the table gives none)
KINKS = [
    ("abs at 0",                  np.abs,               (0.0,),          (0.0,),          0.0),
    ("cnp.absolute at 0",         cnp.absolute,         (0.0,),          (0.0,),          0.0),
    ("fabs at 0",                 np.fabs,              (0.0,),          (0.0,),          0.0),
    ("abs of an array at 0",      lambda x: np.abs(x).sum(), (np.zeros(2),), (np.zeros(2),), np.zeros((2, 2))),
    ("maximum tie",               np.maximum,           (1.0, 1.0),      (0.5, 0.5),      0.0),
    ("minimum tie",               np.minimum,           (1.0, 1.0),      (0.5, 0.5),      0.0),
    ("fmax tie",                  np.fmax,              (1.0, 1.0),      (0.5, 0.5),      0.0),
    ("fmin tie",                  np.fmin,              (1.0, 1.0),      (0.5, 0.5),      0.0),
    ("maximum(x, x)",             lambda x: np.maximum(x, x), (1.0,),    (1.0,),          0.0),
    ("relu: maximum(x, 0) at 0",  lambda x: np.maximum(x, 0.0), (0.0,),  (0.5,),          0.0),
    ("clip at the lower bound",   np.clip,              (0.0, 0.0, 1.0), (0.5, 0.5, 0.0), 0.0),
    ("clip at the upper bound",   np.clip,              (1.0, 0.0, 1.0), (0.5, 0.0, 0.5), 0.0),
    ("clip with lo == hi == x",   np.clip,              (1.0, 1.0, 1.0), (0.25, 0.25, 0.5), 0.0),
    ("maximum with a NaN",        np.maximum,           (np.nan, 1.0),   (1.0, 0.0),      None),
    ("fmax with a NaN",           np.fmax,              (np.nan, 1.0),   (0.0, 1.0),      None),
    ("clip of a NaN",             np.clip,              (np.nan, 0.0, 1.0), (1.0, 0.0, 0.0), None),
    ("max with ties",             np.max,               (TIES,),         ([0.5, 0, 0.5],), np.zeros((3, 3))),
    ("min with ties",             np.min,               (-TIES,),        ([0.5, 0, 0.5],), np.zeros((3, 3))),
    ("sort with ties",            lambda x: np.sort(x)[0], (-TIES,), ([0.5, 0, 0.5],), np.zeros((3, 3))),
    ("sort, ties in a row",       lambda x: np.sort(x) @ [1.0, 2.0, 4.0], (np.array([1.0, 5.0, 1.0]),),
     ([1.5, 4.0, 1.5],), np.zeros((3, 3))),
    ("hypot at the origin",       np.hypot,             (0.0, 0.0),      (0.0, 0.0),      0.0),
    ("hypot on an axis",          np.hypot,             (0.0, 2.0),      (0.0, 1.0),      0.5),
    ("std of equal values",       np.std,               (EQUAL,),        (np.zeros(3),),  np.zeros((3, 3))),
    ("std ddof=1, equal values",  lambda x: np.std(x, ddof=1), (EQUAL,), (np.zeros(3),),  np.zeros((3, 3))),
    ("std of one value",          np.std,               (np.array([5.0]),), ([0.0],),     [[0.0]]),
    ("var of equal values",       np.var,               (EQUAL,),        (np.zeros(3),),
     2 / 3 * (np.eye(3) - 1 / 3)),  # var is smooth: its true Hessian
    ("sqrt at 0",                 np.sqrt,              (0.0,),          (INF,),          -INF),
    ("x ** 0.5 at 0",             lambda x: x ** 0.5,   (0.0,),          (INF,),          -INF),
    ("cbrt at 0",                 np.cbrt,              (0.0,),          (INF,),          None),
    ("sign at 0",                 np.sign,              (0.0,),          (0.0,),          0.0),
    ("floor at a jump",           np.floor,             (2.0,),          (0.0,),          0.0),
    ("ceil at a jump",            np.ceil,              (2.0,),          (0.0,),          0.0),
    ("round at a jump",           np.round,             (2.5,),          (0.0,),          0.0),
    ("heaviside at 0",            np.heaviside,         (0.0, 0.5),      (0.0, 1.0),      0.0),
    ("remainder at a jump",       np.remainder,         (1.0, 1.0),      (1.0, -1.0),     0.0),
    ("det of a singular matrix",  np.linalg.det,        (np.array([[1.0, 2.0], [2.0, 4.0]]),),
     ([[4.0, -2.0], [-2.0, 1.0]],), None),
]


def _argnums(point):
    return tuple(range(len(point)))


@pytest.mark.parametrize("what, function, point, first, second", KINKS,
                         ids=[row[0] for row in KINKS])
def test_value_at_a_kink(what, function, point, first, second):
    with np.errstate(divide="ignore", invalid="ignore"):
        argnums = _argnums(point)
        for mode in (cr.grad(function, argnums), cr.jacfwd(function, argnums)):
            derivatives = mode(*point)
            assert len(derivatives) == len(first)
            for got, expected in zip(derivatives, first):
                np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-12)
        if second is None:
            return
        for second_order in (cr.jacrev(cr.grad(function)), cr.hessian(function),
                             cr.jacfwd(cr.jacfwd(function))):
            np.testing.assert_allclose(second_order(*point), second, rtol=1e-12, atol=1e-12)


def test_no_nan_where_the_table_promises_a_number():
    # the rows above with a finite first derivative, in one program: nothing is NaN
    def program(x):
        return (np.abs(x[0]) + np.hypot(x[0], x[1]) + np.std(x[2:]) + np.clip(x[0], 0.0, 1.0)
                + np.maximum(x[0], x[1]) + np.max(x[2:]))

    x = np.array([0.0, 0.0, 2.0, 2.0])
    for derivative in (cr.grad(program), cr.jacfwd(program)):
        gradient = derivative(x)
        assert not np.any(np.isnan(gradient))
        np.testing.assert_array_equal(gradient, [1.0, 0.5, 0.5, 0.5])


@pytest.mark.parametrize("norm", [
    lambda x: np.linalg.norm(x),
    lambda x: np.linalg.norm(x, "fro"),
    lambda x: np.linalg.norm(x, axis=0),
])
def test_the_norm_at_zero_has_slope_zero_in_both_modes(norm):
    x = np.zeros((2, 3))
    gradient = cr.grad(lambda x: np.sum(norm(x)))(x)
    _, tangent = cr.jvp(norm, (x,), (np.ones_like(x),))
    np.testing.assert_array_equal(gradient, 0 * x)
    np.testing.assert_array_equal(tangent, 0 * tangent)
