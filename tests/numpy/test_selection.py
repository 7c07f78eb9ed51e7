"""Selecting entries (chainrule/numpy/selection.py): values equal NumPy's,
through ``np.`` on tracers and through ``chainrule.numpy``; derivatives match
finite differences in both modes to second order."""

import numpy as np
import pytest

import chainrule as cr
import chainrule.numpy as cnp

MASK = np.array([[True, False, True, False], [False, False, True, True], [True, True, False, False]])
INDEX = np.array([[0, 1, 2, 1], [2, 2, 0, 1], [1, 0, 0, 2]])


def windows(m, *args, **kwargs):
    """``sliding_window_view`` under either spelling."""
    function = (np.lib.stride_tricks.sliding_window_view if m is np else cnp.sliding_window_view)
    return function(*args, **kwargs)


CASES = [
    #  name                      call, given the module (np or cnp) and x of shape (3, 4)
    ("select",                   lambda m, x: m.select([x > 0, x < -0.5], [x ** 2, 3 * x], -1.0)),
    ("select traced default",    lambda m, x: m.select([MASK], [m.sin(x)], default=x[0])),
    ("choose",                   lambda m, x: m.choose(INDEX, [x, x ** 2, x[0]])),
    ("choose wrap",              lambda m, x: m.choose(INDEX[0] + 2, [x, 2 * x], mode="wrap")),
    ("choose clip",              lambda m, x: m.choose(INDEX - 1, [x, 2 * x], mode="clip")),
    ("compress axis 0",          lambda m, x: m.compress([True, False, True], x, axis=0)),
    ("compress short condition", lambda m, x: m.compress([False, True], x, axis=1)),
    ("compress flattened",       lambda m, x: m.compress([False, True, True], x)),
    ("extract",                  lambda m, x: m.extract(MASK, x)),
    ("piecewise",                lambda m, x: m.piecewise(x, [x < 0, x >= 0],
                                                          [lambda t: -t ** 3, lambda t: t ** 2])),
    ("piecewise otherwise",      lambda m, x: m.piecewise(x, [x < 0], [m.sin, 2.5])),
    ("piecewise arguments",      lambda m, x: m.piecewise(x, [x < 0, x > 0.5],
                                                          [lambda t, a: a * t, 1.0, lambda t, a: np.exp(t)], 3.0)),
    ("piecewise one condition",  lambda m, x: m.piecewise(x[0], x[0] > 0, [np.cos, np.sin])),
    ("nan_to_num",               lambda m, x: m.nan_to_num(x)),
    ("real_if_close",            lambda m, x: m.real_if_close(x + 0j)),
    ("apply_along_axis",         lambda m, x: m.apply_along_axis(lambda r: r ** 2 * r.sum(), 1, x)),
    ("apply_along_axis matrix",  lambda m, x: m.apply_along_axis(lambda r: np.outer(r, r), 0, x)),
    ("apply_along_axis scalar",  lambda m, x: m.apply_along_axis(np.sum, -1, x)),
    ("windows",                  lambda m, x: windows(m, x, (2, 3))),
    ("windows on an axis",       lambda m, x: windows(m, x, 2, axis=0)),
    ("windows twice on an axis", lambda m, x: windows(m, x, (2, 2), axis=(1, 1))),
    ("windows flattened",        lambda m, x: windows(m, x.ravel(), 5)),
]


@pytest.mark.parametrize("name, call", CASES, ids=[case[0] for case in CASES])
def test_values_equal_numpy(name, call, rng):
    x = rng.standard_normal((3, 4))
    want = call(np, x)
    for module in (np, cnp):
        traced = cr.jvp(lambda x, module=module: call(module, x), (x,), (x,))[0]
        np.testing.assert_allclose(traced, want, rtol=1e-14)
    np.testing.assert_allclose(call(cnp, x), want, rtol=1e-14)


@pytest.mark.parametrize("name, call", CASES, ids=[case[0] for case in CASES])
def test_derivatives(name, call, rng):
    x = rng.standard_normal((3, 4))
    fn = lambda x: call(np, x)
    fn.__name__ = name
    cr.check_grads(fn, (x,), modes=("fwd", "rev"), order=2)


@pytest.mark.parametrize("x", [0.7, -0.4, np.array(0.7)], ids=repr)
def test_piecewise_of_a_scalar(x):
    def f(x):
        return np.piecewise(x, [x < 0, x >= 0], [lambda t: -t ** 3, lambda t: t ** 2])

    np.testing.assert_allclose(cr.jvp(f, (x,), (1.0,))[0], f(x))
    cr.check_grads(f, (x,), modes=("fwd", "rev"), order=2)
    assert cr.grad(lambda x: np.piecewise(x, x > 0, [np.sin, 2.0]))(0.5) == np.cos(0.5)


def test_choose_and_select_in_every_input(rng):
    a, b = rng.standard_normal((2, 3)), rng.standard_normal(3)
    cr.check_grads(lambda a, b: np.choose(INDEX[:2, :3] % 2, [a, b]), (a, b),
                   modes=("fwd", "rev"), order=2)
    cr.check_grads(lambda a, b: np.select([MASK[:2, :3]], [a], default=b), (a, b),
                   modes=("fwd", "rev"), order=2)


def test_nan_to_num_derivative_is_one_where_finite_and_the_replacement_elsewhere():
    x = np.array([1.0, np.nan, np.inf, -np.inf, 2.0])

    def replaced(x, nan, big):
        return np.nan_to_num(x, nan=nan, posinf=big, neginf=-big)

    np.testing.assert_array_equal(replaced(x, 3.0, 4.0), [1.0, 3.0, 4.0, -4.0, 2.0])
    np.testing.assert_array_equal(cr.jvp(replaced, (x, 3.0, 4.0), (x, 3.0, 4.0))[0],
                                  [1.0, 3.0, 4.0, -4.0, 2.0])
    gradient = cr.grad(lambda x, n, b: (replaced(x, n, b) * np.arange(5.0)).sum(),
                       argnums=(0, 1, 2))(x, 3.0, 4.0)
    np.testing.assert_array_equal(gradient[0], [0.0, 0.0, 0.0, 0.0, 4.0])
    assert gradient[1:] == (1.0, 2.0 - 3.0)
    # NumPy dispatches np.nan_to_num on x alone: a plain x with traced replacements
    # needs chainrule's spelling
    cr.check_grads(lambda n, b: cnp.nan_to_num(x, nan=n, posinf=b, neginf=-b), (3.0, 4.0),
                   modes=("fwd", "rev"), order=2)
    # the defaults: the largest float in the input's precision, dtype kept
    assert cnp.nan_to_num(x.astype(np.float32))[2] == np.finfo(np.float32).max
    z = np.array([complex(np.nan, 1.0), complex(2.0, np.inf)])
    np.testing.assert_array_equal(cnp.nan_to_num(z), np.nan_to_num(z))


def test_place_writes_traced_values_in_place():
    def placed(v):
        y = v * np.zeros(5)
        np.place(y, np.arange(5) % 2 == 0, [v, v ** 2])
        return y

    np.testing.assert_array_equal(cr.jvp(placed, (2.0,), (1.0,)), ([2.0, 0, 4.0, 0, 2.0],
                                                                   [1.0, 0, 4.0, 0, 1.0]))
    cr.check_grads(placed, (2.0,), modes=("fwd", "rev"), order=2)
    with pytest.raises(TypeError, match="plain ndarray"):
        cr.grad(lambda v: np.place(np.zeros(2), [True, False], [v]) or v)(1.0)


def test_real_if_close_keeps_large_imaginary_parts(rng):
    z = rng.standard_normal(3) + 1j
    assert cr.jvp(lambda z: np.real_if_close(z), (z,), (z,))[0].dtype == np.complex128
    assert cnp.real_if_close(np.array([1.0 + 1e-3j]), tol=1e-2).dtype == np.float64


ERRORS = [
    #  call                                                            error
    (lambda x: np.select([x > 0], [x, x]),                             ValueError),
    (lambda x: np.select([x], [x]),                                    TypeError),
    (lambda x: np.choose(INDEX + 5, [x, x]),                           ValueError),
    (lambda x: np.choose(INDEX, [x, x, x], mode="nearest"),            ValueError),
    (lambda x: np.compress(MASK, x),                                   ValueError),
    (lambda x: np.piecewise(x, [x > 0], [np.sin, np.cos, np.tan]),     ValueError),
    (lambda x: np.apply_along_axis(np.sum, 1, x[:0]),                  ValueError),
    (lambda x: np.choose(INDEX, [x], out=np.zeros((3, 4))),            NotImplementedError),
]


@pytest.mark.parametrize("call, error", ERRORS, ids=[f"error{i}" for i in range(len(ERRORS))])
def test_errors(call, error):
    with pytest.raises(error):
        cr.grad(lambda x: call(x).sum())(np.ones((3, 4)))


FLOAT32_CASES = [
    #  name          call on a float32 x of shape (2, 3)
    ("select",       lambda x: np.select([x > 2], [x], 0.0)),
    ("choose",       lambda x: np.choose([0, 1, 0], [x[0], x[1]])),
    ("piecewise",    lambda x: np.piecewise(x, [x > 2], [lambda t: t * 2, 1.0])),
    ("nan_to_num",   lambda x: np.nan_to_num(x)),
    ("windows",      lambda x: np.lib.stride_tricks.sliding_window_view(x, 2, axis=1)),
    ("apply",        lambda x: np.apply_along_axis(lambda r: r * 2, 0, x)),
]


@pytest.mark.parametrize("name, call", FLOAT32_CASES, ids=[c[0] for c in FLOAT32_CASES])
def test_float32_follows_numpy(name, call):
    x = np.arange(1.0, 7.0, dtype=np.float32).reshape(2, 3)
    value, tangent = cr.jvp(call, (x,), (x,))
    assert value.dtype == tangent.dtype == call(x).dtype == np.float32
    assert cr.vjp(call, x)[1](np.ones_like(value))[0].dtype == np.float32


# -- batching: conditions and indices computed from the batched value differ per member ------


@pytest.mark.parametrize("name, call", CASES, ids=[case[0] for case in CASES])
def test_batching(name, call, rng):
    x = rng.standard_normal((3, 4))
    function = lambda x: call(np, x)
    function.__name__ = name
    cr.check_vmap(function, (x,))
    loss = lambda x: np.sum(np.sin(call(np, x)))
    cr.check_vmap(cr.grad(loss), (x,))  # per-member derivatives
    xs = rng.standard_normal((2, 3, 4))  # and the derivative of the batch
    np.testing.assert_allclose(cr.grad(lambda xs: np.sum(np.sin(cr.vmap(function)(xs))))(xs),
                               [cr.grad(loss)(x) for x in xs], rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("name, call", FLOAT32_CASES, ids=[c[0] for c in FLOAT32_CASES])
def test_batching_float32(name, call):
    x = np.arange(1.0, 7.0, dtype=np.float32).reshape(2, 3)
    batch = np.stack([x, x[::-1] * 0.5, -x])
    got = cr.vmap(call)(batch)
    assert got.dtype == np.float32
    np.testing.assert_allclose(got, [call(member) for member in batch], rtol=1e-6)


def test_piecewise_with_per_member_conditions_applies_each_function_where_chosen():
    xs = np.array([[-1.0, 2.0, 0.5], [3.0, -0.5, -2.0]])
    f = lambda x: np.piecewise(x, [x < 0, x > 1], [lambda t: t ** 2, np.exp, -1.0])
    np.testing.assert_allclose(cr.vmap(f)(xs), [f(x) for x in xs])
    np.testing.assert_allclose(cr.vmap(cr.grad(lambda x: np.sum(f(x))))(xs),
                               np.where(xs < 0, 2 * xs, np.where(xs > 1, np.exp(xs), 0.0)))


BATCHED_CONDITION_ERRORS = [
    #  call on one member x                                 what it says instead
    (lambda x: np.compress(x[0] > 0, x, axis=1),            r"np.where\(condition, a, 0\)"),
    (lambda x: np.extract(x > 0, x),                        r"np.where\(condition, arr, 0\)"),
    (lambda x: np.place(x * 1.0, x > 0, [1.0]),             r"np.where\(mask, value, arr\)"),
]


@pytest.mark.parametrize("call, instead", BATCHED_CONDITION_ERRORS,
                         ids=["compress", "extract", "place"])
def test_a_condition_that_decides_the_shape_cannot_differ_between_members(call, instead, rng):
    xs = rng.standard_normal((2, 3, 4))
    with pytest.raises(TypeError, match=f"differ between batch members(?s:.*){instead}"):
        cr.vmap(call)(xs)
    # a condition shared by the batch is fine
    shared = np.array([True, False, True])
    np.testing.assert_allclose(cr.vmap(lambda x: np.compress(shared, x, axis=0))(xs),
                               xs[:, shared])
