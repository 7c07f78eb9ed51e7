"""The rest of NumPy's elementwise functions (copysign, float_power, ldexp, frexp, modf,
divmod, i0, the non-differentiable ones) and the ufunc methods (reduce, accumulate,
outer, at): values against NumPy, derivatives against finite differences in both
modes to second order, float32 kept."""

import math

import numpy as np
import pytest

import chainrule as cr
import chainrule.numpy as cnp
from chainrule.numpy import ufuncs
from chainrule.numpy.elementwise import Elementwise
from chainrule.numpy.ufunc_methods import UFUNC_METHODS
from chainrule.numpy.wrap import NUMPY_2, PRIMITIVES, UFUNCS

from batching_checks import check_batched_grads, check_binary_batching, check_unary_batching
from elementwise_checks import (MODES, SHAPE_PAIRS, SHAPES, check_binary_grads,
                                check_binary_values_float32_and_numpy_spelling, check_unary_float32,
                                check_unary_grads, check_unary_values_and_numpy_spelling, sample)


def test_every_numpy_ufunc_is_routed():
    missing = [name for name in dir(np)
               if isinstance(getattr(np, name), np.ufunc) and getattr(np, name) not in UFUNCS]
    assert missing == []


# -- one argument: the differentiable part of each ------------------------------------

UNARY = [
    #  name               chainrule                         NumPy                        domain
    ("frexp mantissa",    lambda x: cnp.frexp(x)[0],        lambda x: np.frexp(x)[0],    ("±", 0.3, 7)),
    ("modf fractional",   lambda x: cnp.modf(x)[0],         lambda x: np.modf(x)[0],     ("±", 0.1, 0.9)),
    ("i0",                cnp.i0,                           np.i0,                       (-3, 3)),
]


@pytest.mark.parametrize("name, fn, np_fn, domain", UNARY, ids=[case[0] for case in UNARY])
@pytest.mark.parametrize("shape", SHAPES)
def test_unary_grads(name, fn, np_fn, domain, shape, rng):
    check_unary_grads(fn, domain, shape, rng)


@pytest.mark.parametrize("name, fn, np_fn, domain", UNARY, ids=[case[0] for case in UNARY])
def test_unary_values_and_numpy_spelling(name, fn, np_fn, domain, rng):
    check_unary_values_and_numpy_spelling(fn, np_fn, domain, rng)


@pytest.mark.parametrize("name, fn, np_fn, domain", UNARY, ids=[case[0] for case in UNARY])
def test_unary_float32(name, fn, np_fn, domain, rng):
    if name == "i0" and not NUMPY_2:
        pytest.skip("NumPy 1.x computes i0 of float32 in float64")
    check_unary_float32(fn, domain, rng)


@pytest.mark.parametrize("np_fn", [np.frexp, np.modf], ids=lambda f: f.__name__)
def test_integral_parts_are_plain_and_equal_numpys(np_fn, rng):
    x = sample(rng, ("±", 0.3, 7), (2, 3))
    seen = []
    cr.grad(lambda x: seen.append(np_fn(x)) or np.sum(np_fn(x)[0]))(x)
    (_, integral_part), = seen
    assert type(integral_part) is np.ndarray
    np.testing.assert_array_equal(integral_part, np_fn(x)[1])
    assert cr.grad(lambda x: np.sum(np_fn(x)[1] * x))(x).tolist() == np_fn(x)[1].tolist()


# -- i0: the Bessel series behind it ---------------------------------------------------

def test_i0_derivatives_at_zero_are_the_series_coefficients():
    # i0(x) = sum (x/2)^(2k) / (k!)^2: derivatives at 0 of order 1..4 are 0, 1/2, 0, 3/8
    derivative = cnp.i0
    for expected in (0.0, 0.5, 0.0, 0.375):
        derivative = cr.grad(derivative)
        assert math.isclose(float(derivative(0.0)), expected, abs_tol=1e-15)


@pytest.mark.parametrize("x", [-4.0, 0.7, 12.0, 60.0])
def test_i0_slope_is_i1(x):
    special = pytest.importorskip("scipy.special")
    assert math.isclose(float(cr.grad(cnp.i0)(x)), special.i1(x), rel_tol=1e-13)
    assert math.isclose(float(cr.grad(cr.grad(cnp.i0))(x)), special.ivp(0, x, 2), rel_tol=1e-13)


# -- two arguments ---------------------------------------------------------------------

BINARY = [
    #  name              chainrule                          NumPy                            domain of x       domain of y
    ("copysign",         cnp.copysign,                      np.copysign,                     ("±", 0.2, 2),    ("±", 0.2, 2)),
    ("float_power",      cnp.float_power,                   np.float_power,                  (0.3, 2),         (-2, 2)),
    ("divmod remainder", lambda x, y: cnp.divmod(x, y)[1],  lambda x, y: np.divmod(x, y)[1], (0.1, 0.9),       (1.1, 2)),
]


@pytest.mark.parametrize("name, fn, np_fn, domain_x, domain_y", BINARY, ids=[c[0] for c in BINARY])
@pytest.mark.parametrize("shape_x, shape_y", SHAPE_PAIRS)
def test_binary_grads(name, fn, np_fn, domain_x, domain_y, shape_x, shape_y, rng):
    check_binary_grads(fn, domain_x, domain_y, shape_x, shape_y, rng)


@pytest.mark.parametrize("name, fn, np_fn, domain_x, domain_y", BINARY, ids=[c[0] for c in BINARY])
def test_binary_values_and_numpy_spelling(name, fn, np_fn, domain_x, domain_y, rng):
    if name == "float_power":  # float64 by definition: values and spelling, no float32
        x, y = sample(rng, domain_x, (3,)), sample(rng, domain_y, (2, 3))
        np.testing.assert_array_equal(fn(x, y), np_fn(x, y))
        x32 = x.astype(np.float32)
        assert fn(x32, y).dtype == np.float64
        assert cr.grad(lambda x: np.sum(np_fn(x, y)))(x32).dtype == np.float32
        return
    check_binary_values_float32_and_numpy_spelling(fn, np_fn, domain_x, domain_y, rng)


def test_copysign_slopes():
    x = np.array([2.0, -2.0, 2.0, -2.0, 0.0])
    y = np.array([1.0, 1.0, -1.0, -0.0, -1.0])
    np.testing.assert_array_equal(cr.elementwise_grad(lambda x: np.copysign(x, y))(x),
                                  [1.0, -1.0, -1.0, 1.0, 0.0])
    assert np.all(cr.elementwise_grad(lambda y: np.copysign(x, y))(y) == 0)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_ldexp_scales_by_a_power_of_two(dtype, rng):
    x = sample(rng, (-2, 2), (2, 3), dtype)
    n = np.array([-3, 0, 5])
    np.testing.assert_array_equal(cnp.ldexp(x, n), np.ldexp(x, n))
    cr.check_grads(lambda x: np.ldexp(x, n), (x,), modes=MODES, order=2)
    gradient = cr.elementwise_grad(lambda x: np.ldexp(x, n))(x)
    assert gradient.dtype == dtype
    np.testing.assert_array_equal(gradient, np.broadcast_to(2.0 ** n, x.shape))


def test_divmod_quotient_is_constant(rng):
    x, y = sample(rng, (0.1, 5), (4,)), sample(rng, (0.5, 2), (4,))
    quotient, rest = cnp.divmod(x, y)
    np.testing.assert_array_equal(quotient, np.divmod(x, y)[0])
    np.testing.assert_array_equal(rest, np.divmod(x, y)[1])
    np.testing.assert_allclose(cr.grad(lambda y: np.sum(np.divmod(x, y)[1]))(y), -quotient)


# -- no derivative -----------------------------------------------------------------------

@pytest.mark.parametrize("np_fn, args", [
    (np.nextafter, (np.array([1.0, 2.0]), np.array([2.0, 0.0]))),
    (np.spacing,   (np.array([1.0, 1e6]),)),
], ids=["nextafter", "spacing"])
def test_floating_point_steps_have_no_derivative(np_fn, args):
    traced_value = []
    gradient = cr.grad(lambda x: traced_value.append(np_fn(x, *args[1:])) or np.sum(
        x * np_fn(x, *args[1:])))(args[0])
    np.testing.assert_array_equal(gradient, np_fn(*args))  # the product rule's other half only
    assert type(traced_value[0]) is np.ndarray


@pytest.mark.parametrize("name", sorted(ufuncs.INTEGER_UFUNCS))
def test_integer_ufuncs_are_declared_nondifferentiable(name):
    prim = ufuncs.INTEGER_UFUNCS[name]
    assert prim.nondiff and UFUNCS[getattr(np, name)].nondiff
    ufunc = getattr(np, name)
    args = (np.array([12, 7, 5]), np.array([8, 3, 1]))[:ufunc.nin]
    if name == "isnat":
        args = (np.array(["2020-01-01", "NaT"], dtype="datetime64[D]"),)
    np.testing.assert_array_equal(prim(*args), ufunc(*args))


# -- ufunc methods, through the table (tracer.py reads it once wired) ---------------------

REDUCE = [
    #  ufunc           axis      keepdims  initial   domain
    (np.add,           0,        False,    None,     (-2, 2)),
    (np.add,           (0, 1),   True,     1.5,      (-2, 2)),
    (np.multiply,      1,        False,    None,     (0.5, 2)),
    (np.multiply,      None,     False,    2.0,      (0.5, 2)),
    (np.maximum,       0,        True,     None,     (-2, 2)),
    (np.minimum,       None,     False,    None,     (-2, 2)),
    (np.logaddexp,     0,        False,    None,     (-2, 2)),
    (np.logaddexp,     (0, 1),   False,    0.5,      (-2, 2)),
    (np.logaddexp2,    1,        True,     None,     (-2, 2)),
    (np.hypot,         None,     False,    None,     (0.5, 2)),
    (np.fmax,          1,        False,    None,     (-2, 2)),
    (np.subtract,      0,        False,    None,     (-2, 2)),
    (np.divide,        1,        False,    3.0,      (0.5, 2)),
    (np.power,         0,        False,    None,     (0.5, 2)),
    (np.float_power,   1,        False,    None,     (0.5, 2)),
    # (not arctan2: NumPy's own arctan2.reduce of a row gives arctan2(first, last))
]


@pytest.mark.parametrize("ufunc, axis, keepdims, initial, domain", REDUCE,
                         ids=[f"{c[0].__name__}-{c[1]}-{c[2]}-{c[3]}" for c in REDUCE])
def test_reduce(ufunc, axis, keepdims, initial, domain, rng):
    reduce = UFUNC_METHODS[ufunc, "reduce"]
    options = {"axis": axis, "keepdims": keepdims}
    if initial is not None:
        options["initial"] = initial
    x = sample(rng, domain, (3, 4))
    traced_value = cr.jvp(lambda x: reduce(x, **options), (x,), (x,))[0]
    np.testing.assert_allclose(traced_value, ufunc.reduce(x, **options), rtol=1e-13)
    cr.check_grads(lambda x: reduce(x, **options), (x,), modes=MODES, order=2)


def test_reduce_with_a_traced_initial_and_nothing_to_reduce():
    reduce = UFUNC_METHODS[np.logaddexp, "reduce"]
    assert cr.grad(lambda a: np.sum(reduce(np.ones((0, 2)), initial=a)))(0.5) == 2.0
    with pytest.raises(ValueError, match="identity"):
        cr.grad(lambda x: UFUNC_METHODS[np.subtract, "reduce"](x).sum())(np.ones((0, 2)))
    with pytest.raises(ValueError, match="reorderable"):
        UFUNC_METHODS[np.subtract, "reduce"](np.ones((2, 2)), axis=None)


ACCUMULATE = [
    #  ufunc          axis  domain
    (np.add,          0,    (-2, 2)),
    (np.multiply,     1,    (0.5, 2)),
    (np.maximum,      0,    (-2, 2)),
    (np.minimum,      1,    (-2, 2)),
    (np.logaddexp,    1,    (-2, 2)),
    (np.subtract,     0,    (-2, 2)),
]


@pytest.mark.parametrize("ufunc, axis, domain", ACCUMULATE,
                         ids=[f"{c[0].__name__}-{c[1]}" for c in ACCUMULATE])
def test_accumulate(ufunc, axis, domain, rng):
    accumulate = UFUNC_METHODS[ufunc, "accumulate"]
    x = sample(rng, domain, (3, 4))
    traced_value = cr.jvp(lambda x: accumulate(x, axis=axis), (x,), (x,))[0]
    np.testing.assert_allclose(traced_value, ufunc.accumulate(x, axis=axis), rtol=1e-13)
    cr.check_grads(lambda x: accumulate(x, axis=axis), (x,), modes=MODES, order=2)


@pytest.mark.parametrize("ufunc", [np.maximum, np.minimum], ids=lambda u: u.__name__)
def test_running_extremum_credits_the_element_that_set_the_record(ufunc):
    sign = 1.0 if ufunc is np.maximum else -1.0
    x = sign * np.array([1.0, 3.0, 2.0, 3.0, np.nan, 5.0])
    accumulate = UFUNC_METHODS[ufunc, "accumulate"]
    np.testing.assert_array_equal(accumulate(x), ufunc.accumulate(x))
    jacobian = cr.jacobian(accumulate)(x)
    # ties go to the first 3; from the NaN on, the NaN holds
    np.testing.assert_array_equal(np.argmax(jacobian, axis=1), [0, 1, 1, 1, 4, 4])
    np.testing.assert_array_equal(jacobian.sum(axis=1), np.ones(6))


OUTER = [
    #  ufunc           domain of x    domain of y
    (np.add,           (-2, 2),       (-2, 2)),
    (np.multiply,      (-2, 2),       (-2, 2)),
    (np.power,         (0.5, 2),      (-2, 2)),
    (np.arctan2,       (0.5, 2),      (0.5, 2)),
    (np.logaddexp,     (-2, 2),       (-2, 2)),
    (np.copysign,      ("±", 0.2, 2), ("±", 0.2, 2)),
    (np.float_power,   (0.5, 2),      (-2, 2)),
]


@pytest.mark.parametrize("ufunc, domain_x, domain_y", OUTER, ids=[c[0].__name__ for c in OUTER])
def test_outer(ufunc, domain_x, domain_y, rng):
    outer = UFUNC_METHODS[ufunc, "outer"]
    x, y = sample(rng, domain_x, (2, 3)), sample(rng, domain_y, (4,))
    np.testing.assert_array_equal(cr.jvp(outer, (x, y), (x, y))[0], ufunc.outer(x, y))
    cr.check_grads(outer, (x, y), modes=MODES, order=2)


def test_outer_of_a_comparison_is_plain(rng):
    x = sample(rng, (-2, 2), (3,))
    seen = []
    cr.grad(lambda x: seen.append(UFUNC_METHODS[np.less, "outer"](x, x)) or np.sum(x))(x)
    assert type(seen[0]) is np.ndarray
    np.testing.assert_array_equal(seen[0], np.less.outer(x, x))


AT = [
    #  ufunc          index                              value shape   domain
    (np.add,          np.array([0, 2, 0, 0]),            (4,),         (-2, 2)),
    (np.subtract,     np.array([1, 1]),                  (),           (-2, 2)),
    (np.multiply,     np.array([3, 0, 3, 3]),            (4,),         (0.5, 2)),
    (np.divide,       (np.array([0, 0]), np.array([1, 1])), (2,),      (0.5, 2)),
    (np.maximum,      np.array([0, 1, 0]),               (3,),         (-2, 2)),
    (np.add,          (slice(0, 2),),                    (2, 3),       (-2, 2)),
    (np.power,        np.array([2, 2]),                  (2,),         (0.5, 1.5)),
]


@pytest.mark.parametrize("ufunc, index, value_shape, domain", AT,
                         ids=[f"{c[0].__name__}-{i}" for i, c in enumerate(AT)])
def test_at_applies_repeated_indices_in_turn(ufunc, index, value_shape, domain, rng):
    at = UFUNC_METHODS[ufunc, "at"]
    x = sample(rng, (0.5, 2), (4, 3) if isinstance(index, tuple) else (4,))
    value = sample(rng, domain, value_shape)

    def updated(x, value):
        y = x * 1.0
        assert at(y, index, value) is None
        return y

    expected = x.copy()
    ufunc.at(expected, index, value)
    np.testing.assert_array_equal(updated(x, value), expected)  # plain arrays: NumPy's own
    np.testing.assert_allclose(cr.jvp(updated, (x, value), (x, value))[0], expected, rtol=1e-14)
    cr.check_grads(updated, (x, value), modes=MODES, order=2)


def test_unary_at_and_plain_targets(rng):
    def negated_twice_at_zero(x):
        y = x * 1.0
        UFUNC_METHODS[np.negative, "at"](y, [0, 0, 1])
        return y

    x = sample(rng, (-2, 2), (3,))
    np.testing.assert_array_equal(negated_twice_at_zero(x), x * [1, -1, 1])
    np.testing.assert_array_equal(cr.jacobian(negated_twice_at_zero)(x), np.diag([1.0, -1.0, 1.0]))
    with pytest.raises(TypeError, match="plain NumPy array"):
        cr.grad(lambda v: UFUNC_METHODS[np.add, "at"](np.zeros(3), [0], v) or 0.0)(1.0)


def test_methods_exist_for_every_binary_ufunc():
    for ufunc in UFUNCS:
        if ufunc.nin == 2 and ufunc.nout == 1 and ufunc.signature is None:
            assert all((ufunc, method) in UFUNC_METHODS
                       for method in ("reduce", "accumulate", "outer", "at")), ufunc


def _added_at(x):
    y = x * 1.0
    np.add.at(y, [0, 0, 2], x[1])
    return np.sum(y * y)


@pytest.mark.parametrize("spelling", [
    lambda x: np.sum(np.add.outer(x, np.arange(3.0))),
    lambda x: np.logaddexp.reduce(x),
    lambda x: np.sum(np.maximum.accumulate(x)),
    _added_at,
], ids=["add.outer", "logaddexp.reduce", "maximum.accumulate", "add.at"])
def test_plain_numpy_spelling_of_the_methods(spelling, rng):
    cr.check_grads(spelling, (sample(rng, (-2, 2), (4,)),), modes=MODES, order=1)


# -- matvec and vecmat (NumPy 2.2) ----------------------------------------------------------

@pytest.mark.skipif(not hasattr(np, "matvec"), reason="np.matvec and np.vecmat came with NumPy 2.2")
@pytest.mark.parametrize("name", ["matvec", "vecmat"])
@pytest.mark.parametrize("complex_input", [False, True])
def test_matvec_and_vecmat(name, complex_input, rng):
    a = sample(rng, (-1, 1), (2, 3, 3)) + (1j if complex_input else 0) * sample(rng, (-1, 1), (3,))
    v = sample(rng, (-1, 1), (3,)) + (0.5j if complex_input else 0)
    x1, x2 = (a, v) if name == "matvec" else (v, a)
    np_fn = getattr(np, name)
    np.testing.assert_allclose(getattr(cnp, name)(x1, x2), np_fn(x1, x2), rtol=1e-13)
    cr.check_grads(np_fn, (x1, x2), modes=MODES, order=2)


# -- batching: vmap against a loop over the batch ------------------------------------------

@pytest.mark.parametrize("name, fn, np_fn, domain", UNARY, ids=[case[0] for case in UNARY])
def test_unary_batching(name, fn, np_fn, domain, rng, monkeypatch):
    check_unary_batching(fn, domain, rng, monkeypatch)


@pytest.mark.parametrize("name, fn, np_fn, domain_x, domain_y", BINARY, ids=[c[0] for c in BINARY])
def test_binary_batching(name, fn, np_fn, domain_x, domain_y, rng, monkeypatch):
    check_binary_batching(fn, domain_x, domain_y, rng, monkeypatch)


PLAIN_PARTS = [
    #  name               function of x (the plain part times x: a constant factor)
    ("frexp exponent",    lambda x: x * np.frexp(x)[1]),
    ("modf integral",     lambda x: x * np.modf(x)[1]),
    ("divmod quotient",   lambda x: x * np.divmod(x, 0.7)[0]),
    ("nextafter",         lambda x: x * np.nextafter(x, 0.0)),
    ("spacing",           lambda x: x * np.spacing(x)),
    ("ldexp",             lambda x: np.ldexp(x, np.array([-3, 0, 5]))),
    ("copysign",          lambda x: np.copysign(x, 1.0 - x)),
]


@pytest.mark.parametrize("name, fn", PLAIN_PARTS, ids=[c[0] for c in PLAIN_PARTS])
def test_plain_parts_batching(name, fn, rng, monkeypatch):
    check_unary_batching(fn, ("±", 0.3, 7), rng, monkeypatch)


def test_ldexp_with_batched_exponents():
    x = np.array([1.5, -2.0, 3.0])
    exponents = np.array([[1, 2, 3], [-1, 0, 4]])
    np.testing.assert_array_equal(cr.vmap(lambda n: np.ldexp(x, n))(exponents),
                                  np.ldexp(x, exponents))
    gradient = cr.vmap(lambda n: cr.grad(lambda x: np.ldexp(x, n).sum())(x))(exponents)
    np.testing.assert_array_equal(gradient, 2.0 ** exponents)


def test_every_elementwise_and_index_primitive_batches_in_one_call():
    # the elementwise ones (made by elementwise() or otherwise) and ufuncs without a
    # derivative share the broadcasting rule; the rest of these files have their own
    own_rules = ["numpy.sum_to", "numpy.broadcast_to", "numpy.astype", "numpy.astype_discrete",
                 "numpy.real", "numpy.imag", "numpy.angle", "numpy.where", "numpy.sinc",
                 "numpy.sinc_derivative_at_zero", "numpy.i0.bessel_i", "numpy.frexp.exponent",
                 "numpy.modf.integral", "numpy.divmod.quotient", "numpy.around", "numpy.fix",
                 "numpy.heaviside", "numpy.argmax", "numpy.argmin", "numpy.argsort",
                 "numpy.argpartition", "numpy.count_nonzero", "numpy.any", "numpy.all",
                 "numpy.searchsorted", "numpy.digitize", "numpy.isclose", "numpy.isreal",
                 "numpy.iscomplex", "numpy.isposinf", "numpy.isneginf", "numpy.isin",
                 "numpy.lexsort", "numpy.allclose", "numpy.array_equal", "numpy.array_equiv"]
    missing = [prim.name for prim in PRIMITIVES.values()
               if (isinstance(prim, Elementwise) or prim.name in own_rules
                   or (prim.nondiff and isinstance(prim.numpy_function, np.ufunc)))
               and "batch" not in prim.rules]
    assert missing == []


REDUCE_IDS = [f"{c[0].__name__}-{c[1]}-{c[2]}-{c[3]}" for c in REDUCE]


@pytest.mark.parametrize("ufunc, axis, keepdims, initial, domain", REDUCE, ids=REDUCE_IDS)
def test_reduce_batching(ufunc, axis, keepdims, initial, domain, rng):
    options = {"axis": axis, "keepdims": keepdims}
    if initial is not None:
        options["initial"] = initial
    reduce = UFUNC_METHODS[ufunc, "reduce"]
    x = sample(rng, domain, (3, 4))
    cr.check_vmap(lambda x: reduce(x, **options), (x,))
    if ufunc in (np.maximum, np.minimum):
        return  # their gradients are reductions.max's and min's, batched in their own area
    check_batched_grads(lambda x: reduce(x, **options), (x,))


@pytest.mark.parametrize("ufunc, axis, domain", ACCUMULATE,
                         ids=[f"{c[0].__name__}-{c[1]}" for c in ACCUMULATE])
def test_accumulate_batching(ufunc, axis, domain, rng):
    accumulate = UFUNC_METHODS[ufunc, "accumulate"]
    x = sample(rng, domain, (3, 4))
    cr.check_vmap(lambda x: accumulate(x, axis=axis), (x,))
    check_batched_grads(lambda x: accumulate(x, axis=axis), (x,))


@pytest.mark.parametrize("ufunc, domain_x, domain_y", OUTER, ids=[c[0].__name__ for c in OUTER])
def test_outer_batching(ufunc, domain_x, domain_y, rng):
    outer = UFUNC_METHODS[ufunc, "outer"]
    args = (sample(rng, domain_x, (2, 3)), sample(rng, domain_y, (4,)))
    cr.check_vmap(outer, args)
    check_batched_grads(outer, args)


@pytest.mark.parametrize("ufunc, index, value_shape, domain", AT,
                         ids=[f"{c[0].__name__}-{i}" for i, c in enumerate(AT)])
def test_at_batching(ufunc, index, value_shape, domain, rng):
    at = UFUNC_METHODS[ufunc, "at"]

    def updated(x, value):
        y = x + 0.0 * np.sum(value)  # traced (batched) whenever either is
        at(y, index, value)
        return y

    args = (sample(rng, (0.5, 2), (4, 3) if isinstance(index, tuple) else (4,)),
            sample(rng, domain, value_shape))
    cr.check_vmap(updated, args)
    check_batched_grads(updated, args)


@pytest.mark.parametrize("call", [
    lambda x: np.logical_or.reduce(x > 0, axis=1),
    lambda x: np.logical_and.accumulate(x > 0, axis=0),
    lambda x: np.less.outer(x[0], x[1]),
    lambda x: np.maximum.accumulate(np.where(x > 1.5, np.nan, x), axis=1),
], ids=["logical_or.reduce", "logical_and.accumulate", "less.outer", "maximum.accumulate NaN"])
def test_methods_of_batched_values_without_derivative(call, rng):
    cr.check_vmap(call, (sample(rng, (-2, 2), (3, 4)),))


def test_at_with_indices_that_differ_between_members_is_refused():
    def scattered(index):
        y = np.zeros(3, like=index * 1.0)
        np.add.at(y, index, 1.0)
        return y

    with pytest.raises(TypeError, match="same indices to every member"):
        cr.vmap(scattered)(np.array([[0, 1], [2, 2]]))


NESTED = [
    #  name              function of one member (a vector of 5)
    ("histogram",        lambda a: np.histogram(a, bins=np.array([-2.0, -0.5, 0.0, 1.0, 3.0]))[0]),
    ("running maximum",  lambda a: np.maximum.accumulate(a)),
    ("argsort",          lambda a: np.argsort(a)),
    ("lexsort",          lambda a: np.lexsort((a, a * 0))),
    ("allclose",         lambda a: np.allclose(a, 0.0)),
    ("isin",             lambda a: np.isin(a, a * 2.0)),
    ("zeros_like",       lambda a: np.zeros_like(a) + a),
    ("grad, broadcast",  lambda a: cr.grad(lambda a: np.sum(a * np.ones((2, 5))))(a)),
    ("grad of copysign", lambda a: cr.grad(lambda a: np.sum(np.copysign(a, a - 0.3) ** 2))(a)),
    ("grad of frexp",    lambda a: cr.grad(lambda a: np.sum(np.frexp(a)[0]))(a)),
]


@pytest.mark.parametrize("name, function", NESTED, ids=[c[0] for c in NESTED])
def test_nested_vmap(name, function, rng):
    # two batch axes in front of each plain value: the rules and the per-member constants
    # (histogram counts, record holders) keep them in their order
    x = rng.standard_normal((2, 3, 5))
    expected = np.stack([np.stack([function(member) for member in row]) for row in x])
    np.testing.assert_array_equal(cr.vmap(cr.vmap(function))(x), expected)
