"""The checks shared by the tables of elementwise functions (``test_arithmetic``,
``test_exp_log``, ``test_trig``): derivatives against finite differences (both modes,
second order), values and dtypes against NumPy, and the plain ``np.`` spelling.

Each test file keeps its own table of names and domains and calls these with the
function it names. A domain is (lo, hi), or ("±", lo, hi): |x| in (lo, hi) with a
random sign, to keep finite differences away from a kink at 0.
"""

import numpy as np

import chainrule as cr

SHAPES = [(), (3,), (2, 3)]
SHAPE_PAIRS = [((), ()), ((3,), (3,)), ((2, 3), (2, 3)), ((3,), (2, 3)), ((2, 1), (1, 3)),
               ((), (2, 3))]

MODES = ("fwd", "rev")


def sample(rng, domain, shape, dtype=np.float64):
    if domain[0] == "±":
        _, lo, hi = domain
        x = rng.uniform(lo, hi, size=shape) * rng.choice([-1.0, 1.0], size=shape)
    else:
        x = rng.uniform(*domain, size=shape)
    return np.asarray(x, dtype)


def second_tangent(fn, args):
    """The forward derivative of the forward derivative: its dtype shows upcasts in rules."""
    directions = tuple(np.ones_like(a) for a in args)
    return cr.jvp(lambda *xs: cr.jvp(fn, xs, directions)[1], args, directions)[1]


# -- one argument --------------------------------------------------------------------

def check_unary_grads(fn, domain, shape, rng):
    cr.check_grads(fn, (sample(rng, domain, shape),), modes=MODES, order=2)


def check_unary_values_and_numpy_spelling(fn, np_fn, domain, rng):
    x = sample(rng, domain, (2, 3))
    _assert_unary_like_numpy(fn, np_fn, x)
    np.testing.assert_array_equal(cr.elementwise_grad(np_fn)(x), cr.elementwise_grad(fn)(x))
    assert cr.grad(fn)(float(x[0, 0])) == cr.grad(np_fn)(float(x[0, 0]))


def check_unary_float32(fn, domain, rng):
    x = sample(rng, domain, (3,), np.float32)
    _assert_unary_float32(fn, x)
    assert cr.jvp(fn, (x,), (np.ones_like(x),))[1].dtype == np.float32


def check_unary_values_float32_and_numpy_spelling(fn, np_fn, domain, rng):
    """Values and the ``np.`` spelling, then float32, on one draw of shape (2, 3)."""
    x = sample(rng, domain, (2, 3))
    _assert_unary_like_numpy(fn, np_fn, x)
    _assert_unary_float32(fn, x.astype(np.float32))


def _assert_unary_like_numpy(fn, np_fn, x):
    np.testing.assert_array_equal(fn(x), np_fn(x))
    np.testing.assert_array_equal(cr.grad(lambda x: np_fn(x).sum())(x),
                                  cr.grad(lambda x: fn(x).sum())(x))


def _assert_unary_float32(fn, x32):
    cr.check_grads(fn, (x32,), modes=MODES, order=2)
    assert fn(x32).dtype == np.float32
    assert cr.grad(lambda x: fn(x).sum())(x32).dtype == np.float32
    assert second_tangent(fn, (x32,)).dtype == np.float32


# -- two arguments -------------------------------------------------------------------

def check_binary_grads(fn, domain_x, domain_y, shape_x, shape_y, rng):
    x = sample(rng, domain_x, shape_x)
    y = sample(rng, domain_y, shape_y)
    cr.check_grads(fn, (x, y), modes=MODES, order=2)


def check_binary_values_float32_and_numpy_spelling(fn, np_fn, domain_x, domain_y, rng):
    x = sample(rng, domain_x, (3,))
    y = sample(rng, domain_y, (2, 3))
    np.testing.assert_array_equal(fn(x, y), np_fn(x, y))
    both = (0, 1)
    for got, want in zip(cr.grad(lambda x, y: np_fn(x, y).sum(), both)(x, y),
                         cr.grad(lambda x, y: fn(x, y).sum(), both)(x, y)):
        np.testing.assert_array_equal(got, want)
    x32, y32 = x.astype(np.float32), y.astype(np.float32)
    cr.check_grads(fn, (x32, y32), modes=MODES, order=2)
    assert fn(x32, y32).dtype == np.float32
    assert all(g.dtype == np.float32 for g in cr.grad(lambda x, y: fn(x, y).sum(), both)(x32, y32))
    assert second_tangent(fn, (x32, y32)).dtype == np.float32


# -- complex inputs ------------------------------------------------------------------

def check_complex(fn, np_fn, arity, rng):
    """Values against NumPy and derivatives of complex arguments: the rules are
    holomorphic, g * f'(z), as JAX's convention has them."""
    args = tuple(rng.uniform(0.3, 0.8, size=(3,)) + 1j * rng.uniform(0.2, 0.6, size=(3,))
                 for _ in range(arity))
    np.testing.assert_array_equal(fn(*args), np_fn(*args))
    cr.check_grads(fn, args, modes=MODES, order=2)
