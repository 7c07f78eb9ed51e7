"""Careless inputs: every one raises the exact exception type with a message that
names what was wrong and the spelling that works; none gives a silent wrong number.
And the near misses that are right: they give the right number."""

import math
import re

import numpy as np
import pytest

import chainrule as cr

X = np.array([0.1, 0.2, 0.3])
ONES = np.ones(3)


def square_sum(x):
    return np.sum(x**2)


@cr.custom_vjp
def no_pair_fwd(x):
    return x * 2.0


no_pair_fwd.defvjp(lambda x: x * 2.0, lambda residuals, g: (2.0 * g,))


@cr.custom_vjp
def bare_bwd(x):
    return x * 2.0


bare_bwd.defvjp(lambda x: (x * 2.0, None), lambda residuals, g: 2.0 * g)


@cr.custom_vjp
def summed_bwd(x):
    return x * 2.0


summed_bwd.defvjp(lambda x: (x * 2.0, None), lambda residuals, g: (np.sum(2.0 * g),))


@cr.custom_jvp
def scalar_tangent(x):
    return np.sin(x)


scalar_tangent.defjvp(lambda primals, tangents: (np.sin(primals[0]), np.sum(tangents[0])))


CASES = [
    # id, call, exception, the message must match (what is wrong, and the fix)
    # -- jvp: containers, counts, structure, shape, dtype
    ("jvp bare array primals", lambda: cr.jvp(np.sin, X, ONES),
     TypeError, r"tuples or lists.*primals is a ndarray.*cr\.jvp\(f, \(x,\), \(v,\)\)"),
    ("jvp bare array tangents", lambda: cr.jvp(np.sin, (X,), ONES),
     TypeError, r"tangents is a ndarray.*\(x,\)"),
    ("jvp one tangent too many", lambda: cr.jvp(np.sin, (X,), (ONES, ONES)),
     TypeError, r"1 primals but 2 tangents: pass one tangent per primal"),
    ("jvp (1,) tangent for a (3,) primal", lambda: cr.jvp(np.sin, (X,), (np.ones(1),)),
     ValueError, r"tangents\[0\] has shape \(1,\).*primals\[0\] has shape \(3,\).*never "
     r"broadcast"),
    ("jvp scalar tangent for a (3,) primal", lambda: cr.jvp(np.sin, (X,), (1.0,)),
     ValueError, r"tangents\[0\] has shape \(\) and dtype float.*shape \(3,\).*np\.full"),
    ("jvp complex tangent for a real primal", lambda: cr.jvp(np.sin, (X,), (X + 1j,)),
     TypeError, r"dtype complex128, but primals\[0\] has dtype float64.*imaginary part.*"
     r"real part"),
    ("jvp Python complex for a Python float", lambda: cr.jvp(np.sin, (0.5,), (1j,)),
     TypeError, r"complex128.*float64.*imaginary part"),
    ("jvp float32 tangent for a float64 primal",
     lambda: cr.jvp(np.sin, (X,), (ONES.astype(np.float32),)),
     TypeError, r"dtype float32, but primals\[0\] has dtype float64.*v\.astype\(np\.float64\)"),
    ("jvp int array tangent", lambda: cr.jvp(np.sin, (X,), (np.ones(3, int),)),
     TypeError, r"dtype int\d+, but primals\[0\] has dtype float64.*astype"),
    ("jvp dict keys differ", lambda: cr.jvp(lambda d: d["a"], ({"a": X},), ({"b": X},)),
     TypeError, r"tangents\[0\] has structure \{'b': \*\}, but primals\[0\] has structure "
     r"\{'a': \*\}"),
    ("jvp array tangent for a tuple primal",
     lambda: cr.jvp(lambda p: p[0] * p[1], ((1.0, 2.0),), (ONES[:2],)),
     TypeError, r"structure \*, but primals\[0\] has structure \(\*, \*\)"),
    ("jvp nested leaf shape named by path",
     lambda: cr.jvp(lambda d: d["w"][1], ({"w": [X, X]},), ({"w": [ONES, ONES[:2]]},)),
     ValueError, r"tangents\[0\]\['w'\]\[1\] has shape \(2,\)"),
    ("jvp string tangent", lambda: cr.jvp(np.sin, (0.5,), ("1.0",)),
     TypeError, r"tangents\[0\] is a str; it must be a number or an array"),
    ("jvp int array primal", lambda: cr.jvp(np.sin, (np.arange(3),), (ONES,)),
     TypeError, r"array of int\d+.*np\.asarray\(x, dtype=float\)"),
    # -- vjp pullbacks: the cotangent has the output's structure, shape and dtype
    ("pullback (3, 1) cotangent for a (3,) output", lambda: cr.vjp(np.sin, X)[1](np.ones((3, 1))),
     ValueError, r"cotangent has shape \(3, 1\).*output of sin has shape \(3,\).*"
     r"np\.reshape\(v, \(3,\)\)"),
    ("pullback (3,) cotangent for a scalar output", lambda: cr.vjp(square_sum, X)[1](ONES),
     ValueError, r"cotangent has shape \(3,\).*output of square_sum has shape \(\).*1\.0"),
    ("pullback array for a pair output", lambda: cr.vjp(lambda x: (x, x), X)[1](ONES),
     TypeError, r"structure \*, but the output has structure \(\*, \*\)"),
    ("pullback complex cotangent for a real output", lambda: cr.vjp(np.sin, X)[1](ONES + 0j),
     TypeError, r"complex128, but the output of sin has dtype float64.*imaginary part"),
    ("pullback float32 cotangent for a float64 output",
     lambda: cr.vjp(np.sin, X)[1](ONES.astype(np.float32)),
     TypeError, r"float32.*float64.*astype\(np\.float64\)"),
    ("pullback named leaf", lambda: cr.vjp(lambda x: {"a": x}, X)[1]({"a": np.ones(2)}),
     ValueError, r"cotangent\['a'\] has shape \(2,\).*output\['a'\] of <lambda>"),
    ("vjp bool array primal", lambda: cr.vjp(np.sin, np.array([True])),
     TypeError, r"array of bool.*dtype=float"),
    # -- linearize and hvp: the same rules for their tangents
    ("linearize f_jvp wrong shape", lambda: cr.linearize(np.sin, X)[1](np.ones(2)),
     ValueError, r"f_jvp \(from linearize\): tangents\[0\] has shape \(2,\).*shape \(3,\)"),
    ("linearize f_jvp wrong count", lambda: cr.linearize(np.sin, X)[1](ONES, ONES),
     TypeError, r"1 primals but 2 tangents"),
    ("hvp v shape", lambda: cr.hvp(square_sum, X, np.ones(2)),
     ValueError, r"hvp: v has shape \(2,\).*but x has shape \(3,\)"),
    ("hvp v complex", lambda: cr.hvp(square_sum, X, ONES * 1j),
     TypeError, r"hvp: v has dtype complex128, but x has dtype float64"),
    # -- grad: calling and argnums
    ("grad of a number, not a function", lambda: cr.grad(2.0),
     TypeError, r"grad takes the function to differentiate first.*got a float.*cr\.grad\(f\)\(x\)"),
    ("jvp with the function second", lambda: cr.jvp((X,), np.sin, (ONES,)),
     TypeError, r"got a tuple where the function goes.*cr\.jvp\(f, \(x,\), \(v,\)\)"),
    ("grad differentiated argument by keyword", lambda: cr.grad(lambda x: x * x)(x=2.0),
     TypeError, r"passed 0 positional.*'x'.*passed positionally.*cr\.grad\(f\)\(x\) rather "
     r"than cr\.grad\(f\)\(x=x\)"),
    ("argnums a float", lambda: cr.grad(np.sin, argnums=0.0),
     TypeError, r"argnums=0\.0 \(float\).*argnums=0.*argnums=\(0, 1\)"),
    ("argnums holding a float", lambda: cr.grad(lambda x, y: x * y, argnums=(0, 1.0)),
     TypeError, r"argnums=\(0, 1\.0\) \(which holds a float\).*argnums=\(0, 1\)"),
    ("argnums repeated", lambda: cr.grad(lambda x, y: x * y, argnums=(0, 0)),
     ValueError, r"argnums=\(0, 0\).*twice.*argnums=\(0,\)"),
    ("argnums repeated once normalised",
     lambda: cr.grad(lambda x, y: x * y, argnums=(0, -2))(1.0, 2.0),
     ValueError, r"argnums=\(0, -2\).*same argument twice"),
    ("argnums empty", lambda: cr.grad(np.sin, argnums=[]),
     ValueError, r"argnums=\[\].*no argument.*argnums=\(0, 1\)"),
    ("argnums a bool", lambda: cr.grad(np.sin, True),
     TypeError, r"argnums=True, a bool.*has_aux=True by name"),
    ("argnums out of range", lambda: cr.grad(lambda x, y: x * y, argnums=2)(1.0, 2.0),
     TypeError, r"argnums=2.*passed 2 positional"),
    ("jacfwd argnums a string", lambda: cr.jacfwd(np.sin, argnums="x"),
     TypeError, r"jacfwd got argnums='x'.*cr\.jacfwd\(f, argnums=0\)"),
    ("deriv argnums a tuple", lambda: cr.deriv(np.sin, argnums=(0, 1)),
     TypeError, r"deriv differentiates one argument.*cr\.jacfwd\(f, argnums=\(0, 1\)\)"),
    ("jacobian mode misspelt", lambda: cr.jacobian(np.sin, mode="reverse"),
     ValueError, r"mode must be 'auto', 'fwd' or 'rev', not 'reverse'"),
    ("jacrev of a complex output of a real input", lambda: cr.jacrev(lambda x: x * 1j)(X),
     TypeError, r"jacrev of <lambda>: its outputs are complex.*holomorphic=True"),
    ("jacfwd of a complex input", lambda: cr.jacfwd(np.abs)(X + 1j),
     TypeError, r"jacfwd of absolute: its inputs are complex.*holomorphic=True.*real and "
     r"imaginary"),
    ("hessian of a complex input", lambda: cr.hessian(lambda z: np.sum(np.abs(z) ** 2))(X + 1j),
     TypeError, r"inputs are complex.*holomorphic=True"),
    ("holomorphic with a real input", lambda: cr.jacobian(np.sin, holomorphic=True)(X),
     TypeError, r"holomorphic=True\) needs complex inputs and outputs.*x \+ 0j"),
    ("elementwise_grad of a complex output", lambda: cr.elementwise_grad(lambda x: x * 1j)(X),
     TypeError, r"elementwise_grad differentiates real outputs.*cr\.deriv"),
    # -- grad: what the function returns
    ("grad of (loss, aux) without has_aux", lambda: cr.grad(lambda x: (x * x, {"n": 1}))(2.0),
     TypeError, r"returned a tuple of 2 values.*has_aux=True"),
    ("value_and_grad of (loss, aux) without has_aux",
     lambda: cr.value_and_grad(lambda x: (x * x, 3.0))(2.0),
     TypeError, r"value_and_grad needs.*tuple of 2 values.*cr\.value_and_grad\(f, has_aux=True\)"),
    ("grad of a function returning None", lambda: cr.grad(lambda x: None)(2.0),
     TypeError, r"returned None\. Return the loss"),
    ("grad of a vector output", lambda: cr.grad(np.sin)(X),
     TypeError, r"returned a value of shape \(3,\).*chainrule\.jacobian.*elementwise_grad"),
    ("grad of a list output", lambda: cr.grad(lambda x: [x, x, x])(2.0),
     TypeError, r"returned a list \(\[\*, \*, \*\]\).*jacobian"),
    ("grad of a complex output", lambda: cr.grad(lambda x: x * 1j)(2.0),
     TypeError, r"real scalar output.*real part"),
    ("has_aux without a pair", lambda: cr.grad(lambda x: x * x, has_aux=True)(2.0),
     TypeError, r"has_aux=True.*pair \(output, aux\); it returned a float"),
    # -- grad: what it differentiates
    ("grad of an int array", lambda: cr.grad(square_sum)(np.arange(3)),
     TypeError, r"Argument 0 of square_sum is an array of int\d+.*dtype=float.*argnums"),
    ("grad of a bool", lambda: cr.grad(lambda x: x * 1.0)(True),
     TypeError, r"Argument 0 of <lambda> is a bool.*Pass floats, arrays"),
    ("grad of a string", lambda: cr.grad(lambda x: 1.0)("2.0"),
     TypeError, r"is a str.*Pass floats, arrays"),
    # -- custom rules and check_grads
    ("custom_vjp fwd without residuals", lambda: cr.grad(lambda x: np.sum(no_pair_fwd(x)))(X),
     TypeError, r"fwd rule of no_pair_fwd must return a pair \(output, residuals\); it "
     r"returned a ndarray"),
    ("custom_vjp bwd without a tuple", lambda: cr.grad(lambda x: np.sum(bare_bwd(x)))(X),
     TypeError, r"bwd rule of bare_bwd must return a tuple.*return \(g,\), not g"),
    ("custom_vjp bwd wrong shape", lambda: cr.grad(lambda x: np.sum(summed_bwd(x)))(X),
     ValueError, r"bwd rule of summed_bwd returned a cotangent of shape \(\) for an input of "
     r"shape \(3,\)"),
    ("custom_jvp rule wrong shape", lambda: cr.jvp(scalar_tangent, (X,), (ONES,)),
     ValueError, r"jvp rule of scalar_tangent returned a tangent of shape \(\) for an output "
     r"of shape \(3,\)"),
    ("check_grads args not a tuple", lambda: cr.check_grads(np.sin, X),
     TypeError, r"args as a tuple or list.*cr\.check_grads\(f, \(x,\)\)"),
    ("check_grads modes a string", lambda: cr.check_grads(np.sin, (X,), modes="fwd"),
     ValueError, r"modes=\('fwd', 'rev'\)"),
]


@pytest.mark.parametrize("call, exception, message", [case[1:] for case in CASES],
                         ids=[case[0] for case in CASES])
def test_careless_input_is_loud(call, exception, message):
    with pytest.raises(Exception) as caught:
        call()
    assert type(caught.value) is exception, f"{type(caught.value).__name__}: {caught.value}"
    assert re.search(message, str(caught.value), re.DOTALL), str(caught.value)


def test_the_table_is_wide():
    assert len(CASES) >= 25 and len({case[0] for case in CASES}) == len(CASES)


# -- the near misses that are right ----------------------------------------------------------------


def real_of_exp(x):
    return np.real(np.exp(1j * x))  # = cos(x), through complex intermediates


@pytest.mark.parametrize("x", [0.3, np.float64(0.3)], ids=["python float", "float64"])
@pytest.mark.parametrize("second", [
    cr.hessian(real_of_exp),
    lambda x: cr.jvp(cr.grad(real_of_exp), (x,), (1.0,))[1],
    lambda x: cr.hvp(real_of_exp, x, 1.0),
    cr.deriv(cr.grad(real_of_exp)),
    cr.grad(cr.grad(real_of_exp)),
    cr.jacrev(cr.grad(real_of_exp)),
], ids=["hessian", "jvp of grad", "hvp", "deriv of grad", "grad of grad", "jacrev of grad"])
def test_a_real_input_gets_a_real_derivative_at_every_order(second, x):
    value = second(x)
    assert not np.iscomplexobj(value), value
    assert value == pytest.approx(-math.cos(0.3), rel=1e-14)


@pytest.mark.parametrize("mode", ["fwd", "rev", "auto"])
def test_holomorphic_jacobian_is_df_dz_in_every_mode(mode):
    z = np.array([1.0 + 1.0j, 2.0j])
    np.testing.assert_allclose(cr.jacobian(lambda z: z**3, mode=mode, holomorphic=True)(z),
                               np.diag(3 * z**2), rtol=1e-14)


def test_holomorphic_hessian():
    z = np.array([1.0 + 1.0j, 2.0j])
    np.testing.assert_allclose(cr.hessian(lambda z: np.sum(z**3), holomorphic=True)(z),
                               np.diag(6 * z), rtol=1e-14)


def test_third_order_through_complex_intermediates_is_real():
    third = cr.grad(cr.hessian(real_of_exp))(0.3)
    assert not np.iscomplexobj(third) and third == pytest.approx(math.sin(0.3), rel=1e-14)


RIGHT = [
    # id, call, expected
    ("jvp with lists", lambda: cr.jvp(lambda x, y: x * y, [2.0, 3.0], [1.0, 0.0]), (6.0, 3.0)),
    ("jvp Python int tangent", lambda: cr.jvp(lambda x: x * x, (3.0,), (1,)), (9.0, 6.0)),
    ("jvp Python float tangent for a complex primal",
     lambda: cr.jvp(lambda z: z * z, (1j,), (1.0,)), (-1 + 0j, 2j)),
    ("pullback Python float cotangent", lambda: cr.vjp(lambda x: x * 3.0, 2.0)[1](1.0), (3.0,)),
    ("keyword arguments are constants", lambda: cr.grad(lambda x, c=1.0: x * c)(2.0, c=5.0), 5.0),
    ("argnums as a list", lambda: cr.grad(lambda x, y: x * y, argnums=[0, 1])(2.0, 3.0),
     (3.0, 2.0)),
    ("argnums a NumPy int", lambda: cr.grad(lambda x, y: x * y, argnums=np.int64(1))(2.0, 3.0),
     2.0),
]


@pytest.mark.parametrize("call, expected", [case[1:] for case in RIGHT],
                         ids=[case[0] for case in RIGHT])
def test_near_miss_is_right(call, expected):
    assert call() == expected


def test_python_float_tangent_takes_a_float32_primals_dtype():
    out, tangent = cr.jvp(np.sin, (np.float32(0.5),), (1.0,))
    assert tangent.dtype == np.float32
    assert tangent == pytest.approx(math.cos(0.5), rel=1e-6)
    out, pullback = cr.vjp(np.sin, np.float32(0.5))
    assert pullback(1.0)[0].dtype == np.float32


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64, np.complex64,
                                   np.complex128])
def test_every_dtype_takes_its_own_tangent_and_cotangent_and_a_python_float(dtype):
    x = np.array([0.5, 1.5], dtype)
    for primal, tangent in ((x, np.ones(2, dtype)), (x[0], dtype(1)), (x[0], 1.0)):
        tangent_out = cr.jvp(lambda x: x * x, (primal,), (tangent,))[1]
        assert tangent_out.dtype == dtype
        np.testing.assert_allclose(tangent_out, 2 * primal, rtol=1e-3)
    pullback = cr.vjp(lambda x: x * 3.0, x)[1]
    assert pullback(np.ones(2, dtype))[0].dtype == dtype
