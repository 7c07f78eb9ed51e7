"""Polynomials, convolution, interpolation (chainrule/numpy/polynomials.py) and
``chainrule.numpy.polynomial`` (series.py): values equal NumPy's through
``np.`` on tracers and through ``chainrule.numpy``; derivatives match finite
differences in both modes to second order, in every argument at once."""

import warnings

import numpy as np

# NumPy 2 moved it into np.exceptions
RankWarning = getattr(getattr(np, "exceptions", None), "RankWarning", None) or np.RankWarning
import pytest

import chainrule as cr
import chainrule.numpy as cnp

XP = np.array([0.0, 1.0, 2.5, 4.0])
POINTS = np.array([-1.3, 0.3, 1.7, 3.0, 5.6, 2.2])  # outside, inside, never on a node


def _inputs(rng):
    """Named inputs the table's rows draw from."""
    return {
        "p": rng.standard_normal(4), "x": rng.standard_normal(5), "v": rng.standard_normal(3),
        "y": rng.standard_normal(5), "Y": rng.standard_normal((5, 2)), "w": rng.uniform(1, 2, 5),
        "xs": POINTS, "xp": XP, "fp": rng.standard_normal(4), "k": 0.5,
    }


CASES = [
    #  name                    inputs            call, given the module (np or cnp)
    ("polyval",                ("p", "x"),       lambda m, p, x: m.polyval(p, x)),
    ("polyval scalar",         ("p", "k"),       lambda m, p, k: m.polyval(p, k)),
    ("vander",                 ("x",),           lambda m, x: m.vander(x)),
    ("vander N increasing",    ("x",),           lambda m, x: m.vander(x, 3, increasing=True)),
    ("polyder",                ("p",),           lambda m, p: m.polyder(p)),
    ("polyder m=2",            ("p",),           lambda m, p: m.polyder(p, 2)),
    ("polyder past degree",    ("p",),           lambda m, p: m.polyder(p, 5)),
    ("polyint",                ("p",),           lambda m, p: m.polyint(p)),
    ("polyint m=2 k",          ("p",),           lambda m, p: m.polyint(p, 2, k=[1.0, 2.0])),
    ("polyint traced k",       ("p", "k"),       lambda m, p, k: m.polyint(p, 3, k=k)),
    ("poly",                   ("v",),           lambda m, v: m.poly(v)),
    ("convolve",               ("p", "x"),       lambda m, a, v: m.convolve(a, v)),
    ("convolve same",          ("p", "x"),       lambda m, a, v: m.convolve(a, v, "same")),
    ("convolve same longer a", ("x", "p"),       lambda m, a, v: m.convolve(a, v, "same")),
    ("convolve valid",         ("x", "v"),       lambda m, a, v: m.convolve(a, v, "valid")),
    ("convolve a scalar",      ("k", "v"),       lambda m, a, v: m.convolve(a, v, "same")),
    ("correlate",              ("x", "v"),       lambda m, a, v: m.correlate(a, v)),
    ("correlate full",         ("v", "x"),       lambda m, a, v: m.correlate(a, v, "full")),
    ("correlate same",         ("p", "x"),       lambda m, a, v: m.correlate(a, v, "same")),
    ("correlate same longer a", ("x", "p"),      lambda m, a, v: m.correlate(a, v, "same")),
    ("polyfit",                ("x", "y"),       lambda m, x, y: m.polyfit(x, y, 2)),
    ("polyfit 2-D y weights",  ("x", "Y", "w"),  lambda m, x, y, w: m.polyfit(x, y, 1, w=w)),
    ("polyfit cov",            ("x", "y"),       lambda m, x, y: m.polyfit(x, y, 2, cov=True)),
    ("polyfit cov unscaled",   ("x", "Y"),       lambda m, x, y: m.polyfit(x, y, 1, cov="unscaled")),
    ("polyfit full",           ("x", "y"),       lambda m, x, y: m.polyfit(x, y, 2, full=True)[:2]),
    ("polyfit singular values", ("x", "y"),      lambda m, x, y: m.polyfit(x, y, 2, full=True)[3]),
    ("interp",                 ("xs", "xp", "fp"), lambda m, x, xp, fp: m.interp(x, xp, fp)),
    ("interp left right",      ("xs", "xp", "fp"), lambda m, x, xp, fp: m.interp(x, xp, fp, -3.0, 7.0)),
    ("interp period",          ("xs", "xp", "fp"), lambda m, x, xp, fp: m.interp(x, xp, fp,
                                                                              period=5.0)),
    ("interp traced left",     ("xs", "xp", "k"), lambda m, x, xp, k: m.interp(x, xp, xp ** 2,
                                                                               left=k)),
]


def _close(got, want):
    if isinstance(want, tuple):
        assert isinstance(got, tuple) and len(got) == len(want)
        for a, b in zip(got, want):
            _close(a, b)
        return
    assert np.shape(got) == np.shape(want)
    np.testing.assert_allclose(got, want, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("name, inputs, call", CASES, ids=[case[0] for case in CASES])
def test_values_equal_numpy(name, inputs, call, rng):
    args = tuple(_inputs(rng)[key] for key in inputs)
    want = call(np, *args)
    for module in (np, cnp):
        _close(cr.jvp(lambda *a, module=module: call(module, *a), args, args)[0], want)
    _close(call(cnp, *args), want)


@pytest.mark.parametrize("name, inputs, call", CASES, ids=[case[0] for case in CASES])
def test_derivatives_in_every_input(name, inputs, call, rng):
    args = tuple(_inputs(rng)[key] for key in inputs)
    fn = lambda *a: call(np, *a)
    fn.__name__ = name
    cr.check_grads(fn, args, modes=("fwd", "rev"), order=2)


SERIES = [
    #  chainrule.numpy.polynomial   NumPy's
    (cnp.polynomial.polyval,        np.polynomial.polynomial.polyval),
    (cnp.polynomial.chebval,        np.polynomial.chebyshev.chebval),
    (cnp.polynomial.legval,         np.polynomial.legendre.legval),
    (cnp.polynomial.hermval,        np.polynomial.hermite.hermval),
    (cnp.polynomial.hermeval,       np.polynomial.hermite_e.hermeval),
    (cnp.polynomial.lagval,         np.polynomial.laguerre.lagval),
]


@pytest.mark.parametrize("ours, theirs", SERIES, ids=[s[1].__name__ for s in SERIES])
def test_series_values_and_derivatives(ours, theirs, rng):
    c, x = rng.standard_normal(5), rng.uniform(-1, 1, 4)
    for coefficients in (c, c[:1], c[:2], c[:3], [1, 2], rng.standard_normal((3, 2))):
        for points in (x, 0.3, x.reshape(2, 2)):
            np.testing.assert_allclose(ours(points, coefficients), theirs(points, coefficients))
        np.testing.assert_allclose(ours(x[:2], coefficients, tensor=False),
                                   theirs(x[:2], coefficients, tensor=False))
    cr.check_grads(lambda x, c: ours(x, c), (x, c), modes=("fwd", "rev"), order=2)
    # NumPy's own function works on a traced x with plain 1-D coefficients
    cr.check_grads(lambda x: theirs(x, c), (x,), modes=("fwd", "rev"), order=2)
    np.testing.assert_allclose(cr.jvp(lambda x: theirs(x, c), (x,), (x,))[0], theirs(x, c))


def test_polynomial_class(rng):
    c, x = rng.standard_normal(4), rng.uniform(0, 3, 5)
    ours = cnp.polynomial.Polynomial(c, domain=[0, 3])
    np.testing.assert_allclose(ours(x), np.polynomial.Polynomial(c, domain=[0, 3])(x))
    cr.check_grads(lambda x, c: cnp.polynomial.Polynomial(c, domain=[0, 3])(x), (x, c),
                   modes=("fwd", "rev"), order=2)


def test_polyfit_recovers_the_polynomial_and_its_sensitivity(rng):
    x = np.linspace(-1, 1, 7)
    y = np.polyval([2.0, -1.0, 0.5], x)
    np.testing.assert_allclose(cnp.polyfit(x, y, 2), [2.0, -1.0, 0.5])
    # linear in y: the Jacobian is the pseudo-inverse of the Vandermonde matrix
    np.testing.assert_allclose(cr.jacobian(lambda y: np.polyfit(x, y, 2))(y),
                               np.linalg.pinv(np.vander(x, 3)), atol=1e-12)


def test_polyfit_rank_deficient_warns_and_gives_numpys_minimum_norm_fit():
    x, y = np.array([1.0, 1.0, 2.0, 2.0]), np.arange(4.0)
    with pytest.warns(RankWarning):
        want = np.polyfit(x, y, 2)
    with pytest.warns(RankWarning):
        got = cr.jvp(lambda y: np.polyfit(x, y, 2), (y,), (y,))
    np.testing.assert_allclose(got[0], want)
    np.testing.assert_allclose(got[1], want)  # linear in y


def test_poly_of_conjugate_pairs_is_real():
    pairs = np.array([1 + 2j, 1 - 2j, 3.0])
    got = cr.jvp(lambda scale: np.poly(pairs * scale), (1.0,), (1.0,))
    assert got[0].dtype == np.float64
    np.testing.assert_allclose(got[0], np.poly(pairs))
    np.testing.assert_allclose(got[1], np.poly(pairs) * [0.0, 1.0, 2.0, 3.0])  # degree k: k a^(k-1)
    np.testing.assert_array_equal(cnp.poly(pairs[::2]), np.poly(pairs[::2]))  # no pairs: complex


@pytest.mark.parametrize("coefficients", [
    [1.0, -3.0, 2.0],                       # real roots
    [2.0, 0.5, -1.0, 3.0],                  # a complex pair
    [0.0, 1.0, -6.0, 11.0, -6.0, 0.0],      # leading and trailing zeros
])
def test_roots_are_numpys_and_differentiable(coefficients):
    p = np.array(coefficients)
    np.testing.assert_allclose(cnp.roots(p), np.roots(p), rtol=1e-12)
    # the zero coefficients at either end fix the degree (a shape): perturb the others only
    inner = p[1:-1] if p[0] == 0 else p
    def of_inner(q):
        return np.abs(np.roots(np.concatenate([[0.0], q, [0.0]]) if p[0] == 0 else q)) ** 2
    cr.check_grads(of_inner, (inner,), modes=("fwd", "rev"), order=2)


def test_poly_of_a_matrix_is_its_characteristic_polynomial(rng):
    a = rng.standard_normal((3, 3))
    np.testing.assert_allclose(cnp.poly(a), np.poly(a), rtol=1e-12)
    cr.check_grads(np.poly, (a,), modes=("fwd", "rev"), order=2)


# -- batching: vmap of each row against a loop over the batch ------------------------------

@pytest.mark.parametrize("name, inputs, call", CASES, ids=[case[0] for case in CASES])
def test_batching(name, inputs, call, rng):
    # through chainrule.numpy: NumPy dispatches np.polyint and np.interp on their first
    # arguments only, so a traced k or left alone would reach NumPy's own function
    args = tuple(_inputs(rng)[key] for key in inputs)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RankWarning)
        cr.check_vmap(lambda *a: call(cnp, *a), args, rtol=1e-9, atol=1e-11)


def test_roots_under_vmap_say_what_to_write():
    with pytest.raises(ValueError, match="eigvals of the companion"):
        cr.vmap(np.roots)(np.array([[1.0, -3.0, 2.0], [1.0, 0.0, -1.0]]))


def test_interp_under_vmap_finds_each_members_neighbours():
    points = np.array([[-1.0, 0.5, 3.0], [2.0, 4.0, 5.0]])
    np.testing.assert_allclose(cr.vmap(lambda x: np.interp(x, XP, XP ** 2))(points),
                               [np.interp(row, XP, XP ** 2) for row in points])


@pytest.mark.parametrize("ours, theirs", SERIES, ids=[s[1].__name__ for s in SERIES])
def test_series_batching(ours, theirs, rng):
    x, c = rng.uniform(-1, 1, 4), rng.standard_normal(5)
    cr.check_vmap(lambda x, c: ours(x, c), (x, c))
    cr.check_vmap(lambda x, c: ours(x, c, tensor=False), (x[:2], rng.standard_normal((3, 2))))
