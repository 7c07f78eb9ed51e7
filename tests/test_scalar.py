"""The teaching Scalar: its gradients are chainrule's, through chainrule's own primitives."""

import math

import numpy as np
import pytest

import chainrule as cr
import chainrule.numpy as cnp
import chainrule.scalar as scalar_module
from chainrule import Scalar


def lagrangian(a, b):
    return b * ((a + b) * (a - b))


def f_exercise(a, b):
    return (a ** 3 - b ** 2) * a - a * b


def g_exercise(a, b, c):
    return (a + b + c) * (-a + b + c) * (a - b + c) * (a + b - c)


def gradients(function, point, create_graph=False):
    scalars = [Scalar(value) for value in point]
    function(*scalars).backward(create_graph=create_graph)
    return scalars


def test_lagrangian_gradients_are_cr_grads():
    a, b = gradients(lagrangian, (1.0, 2.0))
    assert (a.grad, b.grad) == (4.0, -11.0) == cr.grad(lagrangian, argnums=(0, 1))(1.0, 2.0)


@pytest.mark.parametrize("differentiate, wrt, expected", [
    #  grad to differentiate again   w.r.t.   its derivative at (1, 2)
    ("a", "a", 4.0),     # d2L/da2 = 2b
    ("b", "b", -12.0),   # d2L/db2 = -6b
    ("a", "b", 2.0),     # d2L/dadb = 2a
])
def test_create_graph_gives_second_derivatives(differentiate, wrt, expected):
    a, b = gradients(lagrangian, (1.0, 2.0), create_graph=True)
    first = {"a": a, "b": b}[differentiate].grad
    assert isinstance(first, Scalar)
    first.backward()
    assert {"a": a, "b": b}[wrt].grad == expected


@pytest.mark.parametrize("function", [
    lagrangian,
    f_exercise,
    lambda a, b: a ** b,
    lambda a, b: np.tanh(a * b) / np.exp(b) + 1 / (1 + np.exp(b - a)),
    lambda a, b: np.sin(a * b) * np.cos(a) + np.log(b * b),
])
def test_create_graph_hessian_matches_cr_hessian(function):
    point = (1.3, 0.7)
    scalars = gradients(function, point, create_graph=True)
    first = [s.grad for s in scalars]
    hessian = []
    for slope in first:
        for s in scalars:
            s.zero_grad()
        slope.backward()
        hessian.append([s.grad for s in scalars])
    expected = cr.hessian(lambda v: function(v[0], v[1]))(np.array(point))
    np.testing.assert_allclose(hessian, expected, rtol=1e-12)


@pytest.mark.parametrize("function, arity", [(f_exercise, 2), (g_exercise, 3), (lagrangian, 2)])
def test_exercises_agree_with_cr_grad(function, arity, rng):
    for _ in range(5):
        point = tuple(rng.uniform(-2, 2, arity))
        by_scalar = [s.grad for s in gradients(function, point)]
        by_grad = cr.grad(function, argnums=tuple(range(arity)))(*point)
        np.testing.assert_allclose(by_scalar, by_grad, rtol=1e-12, atol=1e-12)


def test_a_100000_deep_chain_has_no_recursion():
    x = a = Scalar(1.0)
    for _ in range(100_000):
        x = x * 1.0000001
    x.backward()
    assert math.isclose(a.grad, 1.0000001 ** 100_000, rel_tol=1e-9)


def test_backward_twice_gives_the_same_grads():
    a, b = Scalar(0.3), Scalar(-1.2)
    out = (a * b).tanh() + a.exp() * b
    out.backward()
    first = (a.grad, b.grad, out.grad)
    out.backward()
    assert (a.grad, b.grad, out.grad) == first


def test_a_minus_a_keeps_both_edges_and_a_times_a_counts_twice():
    a = Scalar(3.0)
    difference, square = a - a, a * a
    assert difference.parents == (a, a) and square.parents == (a, a)
    difference.backward()
    assert a.grad == 0.0
    square.backward()
    assert a.grad == 6.0


# op name, the Scalar expression, the same function on plain floats (cr.deriv differentiates it)
OPS = [
    ("+",       lambda s: s + 2.0,       lambda x: x + 2.0),
    ("+",       lambda s: 2 + s,         lambda x: 2 + x),
    ("-",       lambda s: 2 - s,         lambda x: 2 - x),
    ("*",       lambda s: 2 * s,         lambda x: 2 * x),
    ("/",       lambda s: s / 4.0,       lambda x: x / 4.0),
    ("/",       lambda s: 2 / s,         lambda x: 2 / x),
    ("**",      lambda s: s ** 3,        lambda x: x ** 3),
    ("**",      lambda s: 2 ** s,        lambda x: 2 ** x),
    ("neg",     lambda s: -s,            lambda x: -x),
    ("tanh",    lambda s: s.tanh(),      np.tanh),
    ("exp",     lambda s: s.exp(),       np.exp),
    ("log",     lambda s: s.log(),       np.log),
    ("sin",     lambda s: s.sin(),       np.sin),
    ("cos",     lambda s: s.cos(),       np.cos),
    ("relu",    lambda s: s.relu(),      lambda x: np.maximum(x, 0.0)),
    ("sigmoid", lambda s: s.sigmoid(),   lambda x: 1 / (1 + np.exp(-x))),
    ("sin",     np.sin,                  np.sin),
    ("exp",     np.exp,                  np.exp),
    ("sqrt",    np.sqrt,                 np.sqrt),
]
OP_IDS = [f"{op}-{number}" for number, (op, _, _) in enumerate(OPS)]


@pytest.mark.parametrize("op, on_scalar, on_float", OPS, ids=OP_IDS)
@pytest.mark.parametrize("x", [0.7, 1.9])
def test_each_operation_has_its_name_value_and_derivative(op, on_scalar, on_float, x):
    s = Scalar(x)
    out = on_scalar(s)
    assert isinstance(out, Scalar) and out.op == op
    assert math.isclose(out.data, on_float(x), rel_tol=1e-14)
    out.backward()
    assert math.isclose(s.grad, cr.deriv(on_float)(x), rel_tol=1e-12)


@pytest.mark.parametrize("op, on_scalar, on_float", OPS, ids=OP_IDS)
def test_create_graph_second_derivative_of_each_operation(op, on_scalar, on_float):
    s = Scalar(1.3)
    on_scalar(s).backward(create_graph=True)
    slope = s.grad
    assert isinstance(slope, Scalar)
    s.zero_grad()  # s is no ancestor of the slope of a linear function: its grad must be 0
    slope.backward()
    assert math.isclose(s.grad, cr.deriv(cr.deriv(on_float))(1.3), rel_tol=1e-12, abs_tol=1e-14)


def test_relu_is_flat_below_zero_and_sigmoid_does_not_overflow():
    s = Scalar(-0.5)
    s.relu().backward()
    assert s.grad == 0.0
    big = Scalar(-800.0)
    with np.errstate(all="raise"):
        out = big.sigmoid()
        out.backward()
    assert out.data == 0.0 and big.grad == 0.0


@pytest.mark.parametrize("op", sorted({op for op, _, _ in OPS} - {"sqrt"}))
def test_every_op_name_is_listed_in_the_module_docstring(op):
    assert f"``{op}``" in scalar_module.__doc__


@pytest.mark.parametrize("make, primitive", [
    (lambda a, b: a + b, cnp.add),
    (lambda a, b: a - b, cnp.subtract),
    (lambda a, b: a * b, cnp.multiply),
    (lambda a, b: a / b, cnp.divide),
    (lambda a, b: a ** b, cnp.power),
    (lambda a, b: a.tanh(), cnp.tanh),
    (lambda a, b: a.relu(), cnp.maximum),
    (lambda a, b: np.cos(a), cnp.cos),
])
def test_operations_are_chainrule_primitives(make, primitive):
    assert make(Scalar(1.5), Scalar(0.5)).primitive is primitive


def test_backward_calls_the_primitives_own_rule(monkeypatch):
    monkeypatch.setitem(cnp.sin.rules, "vjp", lambda g, ans, args, params, wanted: [42.0 * g])
    a = Scalar(0.1)
    np.sin(a).backward()
    assert a.grad == 42.0


def test_a_leaf_and_its_label():
    a = Scalar(2, label="a")
    assert (a.data, a.grad, a.op, a.parents, a.label) == (2.0, 0.0, "", (), "a")
    assert repr(a) == "Scalar(data=2.0, grad=0.0, label='a')"
    assert float(a * 3) == 6.0


def test_zero_grad_resets_every_ancestor():
    a, b = Scalar(1.0), Scalar(2.0)
    middle = a * b
    out = middle + a
    out.backward()
    assert (a.grad, b.grad) == (3.0, 1.0)
    out.zero_grad()
    assert (a.grad, b.grad, middle.grad, out.grad) == (0.0, 0.0, 0.0, 0.0)


def test_cr_grad_differentiates_code_that_calls_backward():
    def slope_of_cube(x):
        s = Scalar(x)
        (s * s * s).backward()
        return s.grad  # 3 x**2, computed by the Scalar's backward pass

    assert cr.grad(slope_of_cube)(2.0) == 12.0  # 6 x


def test_the_scalar_level_sits_below_every_transformation():
    level = scalar_module.SCALAR_LEVEL
    assert level.depth == 0 and level.active
    assert Scalar(1.0).level is level


@pytest.mark.parametrize("make, message", [
    (lambda: Scalar(np.ones(3)), "one number"),
    (lambda: Scalar(1.0) * np.ones(3), "one number"),
    (lambda: Scalar(Scalar(1.0)), "Scalar(s.data)"),
    (lambda: np.add.reduce(Scalar(1.0)), "np.add.reduce"),
])
def test_errors_say_what_to_do(make, message):
    with pytest.raises(TypeError, match=message.replace("(", r"\(").replace(")", r"\)")):
        make()
