"""chainrule.scipy.special: derivatives against finite differences (both modes, second
order), values against SciPy, the plain ``scipy.special.f(t)`` spelling, float32."""

import math

import numpy as np
import pytest

import chainrule as cr

special = pytest.importorskip("chainrule.scipy.special")
sc = pytest.importorskip("scipy.special")

MODES = ("fwd", "rev")


def sample(rng, domain, shape, dtype=np.float64):
    if domain[0] == "±":
        _, lo, hi = domain
        x = rng.uniform(lo, hi, size=shape) * rng.choice([-1.0, 1.0], size=shape)
    else:
        x = rng.uniform(*domain, size=shape)
    return np.asarray(x, dtype)


# -- functions of one argument ------------------------------------------------------------

UNARY = [
    # name         domain
    ("gamma",      (0.3, 4.0)),
    ("gammaln",    (0.3, 6.0)),
    ("loggamma",   (0.3, 6.0)),
    ("rgamma",     (0.3, 4.0)),
    ("digamma",    (0.3, 6.0)),
    ("psi",        (0.3, 6.0)),
    ("erf",        (-2.0, 2.0)),
    ("erfc",       (-2.0, 2.0)),
    ("erfcx",      (-1.0, 3.0)),
    ("erfinv",     (-0.9, 0.9)),
    ("erfcinv",    (0.1, 1.9)),
    ("ndtr",       (-3.0, 3.0)),
    ("log_ndtr",   (-6.0, 3.0)),
    ("ndtri",      (0.05, 0.95)),
    ("expit",      (-4.0, 4.0)),
    ("logit",      (0.05, 0.95)),
    ("log_expit",  (-4.0, 4.0)),
    ("entr",       (0.1, 3.0)),
    ("sindg",      (-200.0, 200.0)),
    ("cosdg",      (-200.0, 200.0)),
    ("exprel",     (-3.0, 3.0)),
    ("i0",         (-3.0, 3.0)),
    ("i1",         (-3.0, 3.0)),
    ("i0e",        ("±", 0.2, 3.0)),
    ("i1e",        ("±", 0.2, 3.0)),
    ("j0",         (-6.0, 6.0)),
    ("j1",         (-6.0, 6.0)),
    ("y0",         (0.3, 6.0)),
    ("y1",         (0.3, 6.0)),
    ("k0",         (0.3, 4.0)),
    ("k1",         (0.3, 4.0)),
    ("k0e",        (0.3, 4.0)),
    ("k1e",        (0.3, 4.0)),
]
UNARY_IDS = [case[0] for case in UNARY]


@pytest.mark.parametrize("name, domain", UNARY, ids=UNARY_IDS)
def test_unary_grads(name, domain, rng):
    for shape in [(), (2, 3)]:
        cr.check_grads(getattr(special, name), (sample(rng, domain, shape),), modes=MODES,
                       order=2)


@pytest.mark.parametrize("name, domain", UNARY, ids=UNARY_IDS)
def test_unary_values_and_plain_scipy_spelling(name, domain, rng):
    fn, sc_fn = getattr(special, name), getattr(sc, name)
    x = sample(rng, domain, (2, 3))
    np.testing.assert_array_equal(fn(x), sc_fn(x))
    # scipy.special.<name>(tracer) reaches the same rule through __array_ufunc__
    np.testing.assert_array_equal(cr.elementwise_grad(sc_fn)(x), cr.elementwise_grad(fn)(x))


@pytest.mark.parametrize("name, domain", UNARY, ids=UNARY_IDS)
def test_unary_float32(name, domain, rng):
    fn = getattr(special, name)
    x = sample(rng, domain, (3,), np.float32)
    if getattr(sc, name)(x).dtype != np.float32:
        pytest.skip(f"this SciPy computes {name} of float32 in float64")
    assert fn(x).dtype == np.float32
    cr.check_grads(fn, (x,), modes=MODES, order=2)
    assert cr.grad(lambda x: fn(x).sum())(x).dtype == np.float32
    second = cr.elementwise_grad(cr.elementwise_grad(fn))(x)
    assert second.dtype == np.float32


KNOWN_SLOPES = [
    # function, x, its derivative there (closed forms)
    (special.erf, 0.0, 2.0 / math.sqrt(math.pi)),
    (special.gammaln, 1.0, -0.5772156649015329),
    (special.digamma, 1.0, math.pi ** 2 / 6),
    (special.j0, 1.3, -sc.j1(1.3)),
    (special.i0, 0.7, sc.i1(0.7)),
    (special.exprel, 0.0, 0.5),
]


@pytest.mark.parametrize("fn, x, slope", KNOWN_SLOPES, ids=lambda v: getattr(v, "name", ""))
def test_slopes_against_closed_forms(fn, x, slope):
    assert math.isclose(float(cr.grad(fn)(x)), slope, rel_tol=1e-13, abs_tol=1e-15)


def test_exprel_derivatives_are_smooth_through_zero():
    # exprel(x) = sum_k x^k / (k+1)!: its second derivative at 0 is 2 / 3! = 1 / 3;
    # the series (|x| < 0.5) and the closed form (beyond) meet without a step
    second = cr.grad(cr.grad(special.exprel))
    assert math.isclose(float(second(0.0)), 1.0 / 3.0, rel_tol=1e-13)
    assert math.isclose(float(second(0.5 - 1e-9)), float(second(0.5 + 1e-9)), rel_tol=1e-7)


# -- functions of two and three arguments ------------------------------------------------------

MULTI = [
    # name          domains of the arguments                     differentiated arguments
    ("beta",        [(0.5, 3.0), (0.5, 3.0)],                    (0, 1)),
    ("betaln",      [(0.5, 3.0), (0.5, 3.0)],                    (0, 1)),
    ("xlogy",       [(-2.0, 2.0), (0.2, 3.0)],                   (0, 1)),
    ("xlog1py",     [(-2.0, 2.0), (-0.8, 3.0)],                  (0, 1)),
    ("rel_entr",    [(0.2, 3.0), (0.2, 3.0)],                    (0, 1)),
    ("kl_div",      [(0.2, 3.0), (0.2, 3.0)],                    (0, 1)),
    ("gammainc",    [(0.5, 4.0), (0.2, 6.0)],                    (0, 1)),
    ("gammaincc",   [(0.5, 4.0), (0.2, 6.0)],                    (0, 1)),
    ("betainc",     [(0.5, 4.0), (0.5, 4.0), (0.05, 0.95)],      (0, 1, 2)),
    ("jv",          [(0.0, 2.5), (0.5, 6.0)],                    (1,)),
    ("yv",          [(0.0, 2.5), (0.5, 6.0)],                    (1,)),
    ("iv",          [(0.0, 2.5), (0.5, 4.0)],                    (1,)),
    ("ive",         [(0.0, 2.5), (0.5, 4.0)],                    (1,)),
    ("kv",          [(0.0, 2.5), (0.5, 4.0)],                    (1,)),
    ("kve",         [(0.0, 2.5), (0.5, 4.0)],                    (1,)),
]
MULTI_IDS = [case[0] for case in MULTI]


def _partial(fn, args, argnums):
    """``fn`` as a function of the arguments ``argnums`` only, the others fixed."""
    def restricted(*moving):
        full = list(args)
        for argnum, value in zip(argnums, moving):
            full[argnum] = value
        return fn(*full)

    return restricted, tuple(args[argnum] for argnum in argnums)


@pytest.mark.parametrize("name, domains, argnums", MULTI, ids=MULTI_IDS)
def test_multi_grads(name, domains, argnums, rng):
    fn = getattr(special, name)
    for shapes in [[()] * len(domains), [(3,)] + [(2, 1)] * (len(domains) - 1)]:
        args = [sample(rng, domain, shape) for domain, shape in zip(domains, shapes)]
        restricted, moving = _partial(fn, args, argnums)
        cr.check_grads(restricted, moving, modes=MODES, order=2)


@pytest.mark.parametrize("name, domains, argnums", MULTI, ids=MULTI_IDS)
def test_multi_values_plain_spelling_and_float32(name, domains, argnums, rng):
    fn, sc_fn = getattr(special, name), getattr(sc, name)
    args = [sample(rng, domain, (4,)) for domain in domains]
    np.testing.assert_array_equal(fn(*args), sc_fn(*args))
    restricted, moving = _partial(fn, args, argnums)
    plain, _ = _partial(sc_fn, args, argnums)
    np.testing.assert_allclose(cr.jacobian(plain, argnums=0)(*moving),
                               cr.jacobian(restricted, argnums=0)(*moving), rtol=1e-15)
    args32 = [a.astype(np.float32) for a in args]
    if sc_fn(*args32).dtype != np.float32:
        return  # this SciPy computes it in float64
    restricted32, moving32 = _partial(fn, args32, argnums)
    assert fn(*args32).dtype == np.float32
    cr.check_grads(restricted32, moving32, modes=MODES, order=2)
    gradient = cr.grad(lambda *xs: restricted32(*xs).sum())(*moving32)
    assert gradient.dtype == np.float32


def test_incomplete_shape_derivatives_against_scipy_finite_differences():
    # the series for d/da (and d/db) against SciPy's own values, far from the tests' points too
    step = 1e-6
    for a, x in [(0.7, 0.3), (3.0, 12.0), (25.0, 20.0)]:
        numeric = (sc.gammainc(a + step, x) - sc.gammainc(a - step, x)) / (2 * step)
        assert math.isclose(float(cr.grad(special.gammainc)(a, x)), numeric, rel_tol=1e-6)
    for a, b, x in [(0.7, 2.0, 0.3), (5.0, 1.5, 0.9), (20.0, 30.0, 0.45)]:
        numeric = (sc.betainc(a, b + step, x) - sc.betainc(a, b - step, x)) / (2 * step)
        slope = float(cr.grad(special.betainc, argnums=1)(a, b, x))
        assert math.isclose(slope, numeric, rel_tol=1e-6, abs_tol=1e-10)


@pytest.mark.parametrize("fn", [special.jv, special.yv, special.iv, special.ive, special.kv,
                                special.kve],
                         ids=lambda f: f.name)
@pytest.mark.parametrize("mode", [cr.jacfwd, cr.jacrev], ids=["fwd", "rev"])
def test_the_order_of_a_bessel_function_has_no_rule(fn, mode):
    with pytest.raises(NotImplementedError, match=rf"{fn.name} has no .* rule for argument 0"):
        mode(fn, argnums=0)(1.5, 2.0)


def test_jn_and_yn_take_integer_orders():
    x = np.array([0.8, 2.5])
    cr.check_grads(lambda x: special.jn(2, x), (x,), modes=MODES, order=2)
    cr.check_grads(lambda x: special.yn(2, x), (x,), modes=MODES, order=2)
    np.testing.assert_array_equal(special.yn(2, x), sc.yn(2, x))


def test_gammasgn_has_a_zero_derivative():
    assert special.gammasgn.nondiff
    assert float(cr.grad(lambda x: sc.gammasgn(x) * x)(-0.5)) == -1.0


# -- SciPy's Python functions -------------------------------------------------------------------


def test_polygamma(rng):
    x = rng.uniform(0.5, 4.0, size=(3,))
    for n in (0, 1, 3):
        np.testing.assert_allclose(special.polygamma(n, x), sc.polygamma(n, x), rtol=1e-14)
        cr.check_grads(lambda x: special.polygamma(n, x), (x,), modes=MODES, order=2)
        np.testing.assert_allclose(cr.elementwise_grad(lambda x: special.polygamma(n, x))(x),
                                   sc.polygamma(n + 1, x), rtol=1e-14)
    assert special.polygamma(1, x.astype(np.float32)).dtype == np.float32


def test_multigammaln(rng):
    a = rng.uniform(2.0, 5.0, size=(3,))
    np.testing.assert_allclose(special.multigammaln(a, 3), sc.multigammaln(a, 3), rtol=1e-14)
    cr.check_grads(lambda a: special.multigammaln(a, 3), (a,), modes=MODES, order=2)
    with pytest.raises(ValueError, match="condition a"):
        special.multigammaln(0.5, 3)


def test_zeta(rng):
    x, q = rng.uniform(1.5, 6.0, size=(3,)), rng.uniform(0.5, 3.0, size=(3,))
    np.testing.assert_array_equal(special.zeta(x), sc.zeta(x))
    np.testing.assert_array_equal(special.zeta(x, q), sc.zeta(x, q))
    cr.check_grads(special.zeta, (x,), modes=MODES, order=2)
    cr.check_grads(special.zeta, (x, q), modes=MODES, order=2)
    # plain scipy.special.zeta calls SciPy's ufuncs, which reach chainrule
    np.testing.assert_allclose(cr.elementwise_grad(sc.zeta)(x),
                               cr.elementwise_grad(special.zeta)(x))
    assert math.isclose(float(cr.grad(special.zeta)(2.0)), -0.9375482543158437, rel_tol=1e-13)


LOGSUMEXP_CALLS = [
    # keywords of logsumexp                       shape of a
    ({},                                          (4,)),
    ({"axis": 1},                                 (2, 3)),
    ({"axis": 0, "keepdims": True},               (2, 3)),
    ({"axis": (0, 1)},                            (2, 3)),
    ({"axis": -1, "b": np.array([0.5, 2.0, 1.0])}, (2, 3)),
]


@pytest.mark.parametrize("keywords, shape", LOGSUMEXP_CALLS)
def test_logsumexp(keywords, shape, rng):
    a = rng.normal(size=shape)
    np.testing.assert_allclose(special.logsumexp(a, **keywords), sc.logsumexp(a, **keywords),
                               rtol=1e-14)
    cr.check_grads(lambda a: special.logsumexp(a, **keywords), (a,), modes=MODES, order=2)


def test_logsumexp_with_b_and_return_sign(rng):
    a, b = rng.normal(size=(2, 3)), np.array([1.0, -3.0, 0.5])
    value, signs = special.logsumexp(a, axis=1, b=b, return_sign=True)
    expected_value, expected_signs = sc.logsumexp(a, axis=1, b=b, return_sign=True)
    np.testing.assert_allclose(value, expected_value, rtol=1e-14)
    np.testing.assert_array_equal(signs, expected_signs)
    cr.check_grads(lambda a, b: special.logsumexp(a, axis=1, b=b, return_sign=True)[0], (a, b),
                   modes=MODES, order=2)


def test_logsumexp_keeps_float32_and_large_values():
    a = np.array([1000.0, 1000.0], np.float32)
    assert special.logsumexp(a).dtype == np.float32
    np.testing.assert_allclose(cr.grad(special.logsumexp)(a), [0.5, 0.5])


@pytest.mark.parametrize("name", ["softmax", "log_softmax"])
@pytest.mark.parametrize("axis", [None, 0, 1])
def test_softmax_and_log_softmax(name, axis, rng):
    x = rng.normal(size=(2, 3))
    fn = getattr(special, name)
    np.testing.assert_allclose(fn(x, axis=axis), getattr(sc, name)(x, axis=axis), rtol=1e-14)
    cr.check_grads(lambda x: fn(x, axis=axis), (x,), modes=MODES, order=2)


@pytest.mark.parametrize("name", ["logsumexp", "softmax", "log_softmax", "polygamma"])
def test_plain_scipy_functions_that_coerce_raise_the_lost_derivative_error(name):
    sc_fn = getattr(sc, name)
    call = (lambda x: sc_fn(1, x)) if name == "polygamma" else sc_fn
    with pytest.raises(TypeError, match="derivative would be lost"):
        cr.grad(lambda x: np.sum(call(x)))(np.array([0.5, 1.5]))


def test_sinc_is_numpys():
    assert sc.sinc is np.sinc
    assert special.sinc(0.0) == 1.0 and float(cr.grad(special.sinc)(0.0)) == 0.0


def test_ufunc_methods_of_scipy_ufuncs_reach_chainrule(rng):
    x, y = rng.uniform(0.5, 2.0, size=3), rng.uniform(0.5, 2.0, size=2)
    np.testing.assert_array_equal(special.xlogy(x[:, None], y), sc.xlogy.outer(x, y))
    np.testing.assert_allclose(cr.grad(lambda x: np.sum(sc.xlogy.outer(x, y)))(x),
                               np.full(3, np.sum(np.log(y))), rtol=1e-14)


# -- batching: vmap against a loop over the batch ------------------------------------------

@pytest.mark.parametrize("name, domain", UNARY, ids=UNARY_IDS)
def test_unary_batching(name, domain, rng):
    cr.check_vmap(getattr(special, name), (sample(rng, domain, (4,)),))


@pytest.mark.parametrize("name, domains, argnums", MULTI, ids=MULTI_IDS)
def test_multi_batching(name, domains, argnums, rng):
    # every argument batched too: the order of a Bessel function, the shapes of betainc
    cr.check_vmap(getattr(special, name), tuple(sample(rng, domain, (3,)) for domain in domains))


@pytest.mark.parametrize("call", [
    lambda x: special.logsumexp(x, axis=-1),
    lambda x: special.softmax(x, axis=0),
    lambda x: special.log_softmax(x),
    lambda x: special.polygamma(2, np.abs(x) + 1.0),
    lambda x: special.exprel(x),
], ids=["logsumexp", "softmax", "log_softmax", "polygamma", "exprel"])
def test_functions_batching(call, rng):
    cr.check_vmap(call, (rng.uniform(-1.0, 1.0, (2, 3)),))


@pytest.mark.parametrize("name, argnum, domains", [
    ("betainc", 2, [(0.5, 4.0), (0.5, 4.0), (0.05, 0.95)]),   # the mirrored branch per member
    ("betainc", 0, [(0.5, 4.0), (0.5, 4.0), (0.05, 0.95)]),
    ("jv", 1, [(0.0, 2.5), (0.5, 6.0)]),                      # the order batched too
    ("exprel", 0, [(-1.0, 1.0)]),                             # the series near 0, per member
], ids=["betainc in x", "betainc in a", "jv", "exprel"])
def test_derivatives_under_vmap_are_each_members(name, argnum, domains, rng):
    fn = getattr(special, name)
    batch = [np.array([sample(rng, domain, ()) for _ in range(3)]) for domain in domains]
    if name == "exprel":
        batch[0] = np.array([0.2, 0.9, -0.7])  # near zero and not
    if name == "betainc":
        batch[2] = np.array([0.2, 0.8, 0.6])   # both sides of the mirror at 1/2
    slope = cr.vmap(cr.grad(fn, argnums=argnum))(*batch)
    expected = [cr.grad(fn, argnums=argnum)(*member) for member in zip(*batch)]
    np.testing.assert_allclose(slope, expected, rtol=1e-12)
