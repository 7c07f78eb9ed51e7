"""chainrule.scipy.stats: every method of every distribution against SciPy's values,
and differentiable in x, loc, scale and every shape parameter (both modes, second
order, against finite differences)."""

import numpy as np
import pytest

import chainrule as cr

stats = pytest.importorskip("chainrule.scipy.stats")
scipy_stats = pytest.importorskip("scipy.stats")

MODES = ("fwd", "rev")
METHODS = ["pdf", "logpdf", "cdf", "logcdf", "sf", "logsf"]

CONTINUOUS = [
    # name        shape parameters: domains           z = (x - loc) / scale drawn from
    #                                                  (("±", lo, hi): |z| in (lo, hi))
    ("norm",      [],                                  (-2.5, 2.5)),
    ("t",         [(1.5, 8.0)],                        ("±", 0.2, 2.5)),
    ("gamma",     [(0.8, 4.0)],                        (0.3, 5.0)),
    ("chi2",      [(1.5, 6.0)],                        (0.3, 6.0)),
    ("beta",      [(0.8, 4.0), (0.8, 4.0)],            (0.1, 0.9)),
    ("expon",     [],                                  (0.1, 3.0)),
    ("laplace",   [],                                  ("±", 0.2, 2.5)),
    ("cauchy",    [],                                  (-3.0, 3.0)),
    ("logistic",  [],                                  ("±", 0.2, 3.0)),
    ("lognorm",   [(0.3, 1.5)],                        (0.3, 3.0)),
    ("uniform",   [],                                  (0.1, 0.9)),
]
IDS = [case[0] for case in CONTINUOUS]


def draw(rng, shape_domains, z_domain, size, dtype=np.float64):
    """x, the shapes, loc and scale, with z on the support and away from kinks."""
    shapes = [np.asarray(rng.uniform(*domain), dtype) for domain in shape_domains]
    loc, scale = np.asarray(rng.uniform(-1, 1), dtype), np.asarray(rng.uniform(0.5, 2), dtype)
    if z_domain[0] == "±":  # |z| in (lo, hi), either sign: away from a kink at 0
        z = rng.uniform(*z_domain[1:], size=size) * rng.choice([-1.0, 1.0], size=size)
    else:
        z = rng.uniform(*z_domain, size=size)
    return np.asarray(loc + scale * z, dtype), shapes, loc, scale


@pytest.mark.parametrize("name, shape_domains, z_domain", CONTINUOUS, ids=IDS)
def test_values_are_scipys(name, shape_domains, z_domain, rng):
    x, shapes, loc, scale = draw(rng, shape_domains, z_domain, (5,))
    ours, theirs = getattr(stats, name), getattr(scipy_stats, name)
    for method in METHODS:
        np.testing.assert_allclose(getattr(ours, method)(x, *shapes, loc, scale),
                                   getattr(theirs, method)(x, *shapes, loc, scale),
                                   rtol=1e-12, err_msg=f"{name}.{method}")
    np.testing.assert_allclose(ours.entropy(*shapes, loc, scale),
                               theirs.entropy(*shapes, loc, scale), rtol=1e-12)


@pytest.mark.parametrize("name, shape_domains, z_domain", CONTINUOUS, ids=IDS)
@pytest.mark.parametrize("method", ["logpdf", "cdf", "logsf"])
def test_grads_in_every_parameter(name, shape_domains, z_domain, method, rng):
    x, shapes, loc, scale = draw(rng, shape_domains, z_domain, (3,))
    fn = getattr(getattr(stats, name), method)
    cr.check_grads(lambda x, *parameters: fn(x, *parameters), (x, *shapes, loc, scale),
                   modes=MODES, order=2)


@pytest.mark.parametrize("name, shape_domains, z_domain", CONTINUOUS, ids=IDS)
def test_grads_of_the_other_methods_and_entropy(name, shape_domains, z_domain, rng):
    x, shapes, loc, scale = draw(rng, shape_domains, z_domain, ())
    distribution = getattr(stats, name)
    for method in ["pdf", "logcdf", "sf"]:
        cr.check_grads(getattr(distribution, method), (x, *shapes, loc, scale), modes=MODES,
                       order=1)
    cr.check_grads(distribution.entropy, (*shapes, loc, scale), modes=MODES, order=2)


@pytest.mark.skipif(np.lib.NumpyVersion(np.__version__) < "2.0.0",
                    reason="NumPy 1.x's value-based casting widens gamma's, chi2's and beta's "
                           "float32 formulas to float64 (NEP 50 came with NumPy 2)")
@pytest.mark.parametrize("name, shape_domains, z_domain", CONTINUOUS, ids=IDS)
def test_float32_stays_float32(name, shape_domains, z_domain, rng):
    x, shapes, loc, scale = draw(rng, shape_domains, z_domain, (3,), np.float32)
    distribution = getattr(stats, name)
    for method in ["logpdf", "cdf"]:
        fn = getattr(distribution, method)
        assert fn(x, *shapes, loc, scale).dtype == np.float32, method
        gradient = cr.grad(lambda x: fn(x, *shapes, loc, scale).sum())(x)
        assert gradient.dtype == np.float32, method


@pytest.mark.parametrize("name, shape_domains, z_domain", CONTINUOUS, ids=IDS)
def test_keywords_and_defaults_as_in_scipy(name, shape_domains, z_domain, rng):
    x, shapes, _, _ = draw(rng, shape_domains, z_domain, (3,))
    ours, theirs = getattr(stats, name), getattr(scipy_stats, name)
    keywords = dict(zip(ours.shapes, shapes))
    np.testing.assert_allclose(ours.logpdf(x, **keywords, scale=1.5),
                               theirs.logpdf(x, **keywords, scale=1.5), rtol=1e-12)
    np.testing.assert_allclose(ours.cdf(x, *shapes), theirs.cdf(x, *shapes), rtol=1e-12)


def test_off_the_support_and_invalid_parameters_as_in_scipy():
    x = np.array([-1.0, 0.5, 2.0])
    for name, shapes in [("gamma", (2.0,)), ("beta", (2.0, 3.0)), ("uniform", ()),
                         ("expon", ()), ("lognorm", (0.5,))]:
        ours, theirs = getattr(stats, name), getattr(scipy_stats, name)
        for method in METHODS:
            with np.errstate(divide="ignore"):
                np.testing.assert_allclose(getattr(ours, method)(x, *shapes),
                                           getattr(theirs, method)(x, *shapes),
                                           err_msg=f"{name}.{method}")
    with np.errstate(invalid="ignore"):
        assert np.isnan(stats.norm.logpdf(0.0, 0.0, -1.0))
        assert np.isnan(stats.gamma.cdf(1.0, -2.0))
    # no derivative leaks out of the branch that is not taken
    np.testing.assert_array_equal(cr.elementwise_grad(lambda x: stats.gamma.cdf(x, 2.0))(x)[0], 0.0)


def test_wrong_parameters_are_named():
    with pytest.raises(TypeError, match="missing the shape parameter.*df"):
        stats.t.logpdf(0.5)
    with pytest.raises(TypeError, match="unexpected keyword argument 'sigma'"):
        stats.norm.logpdf(0.5, sigma=2.0)


# -- discrete distributions --------------------------------------------------------------------

DISCRETE = [
    # name         shapes (values)   counts k              the shapes differentiated
    ("poisson",    (2.5,),           [0, 1, 2, 3, 5],      (0,)),
    ("binom",      (6.0, 0.35),      [0, 1, 2, 3, 5],      (0, 1)),
    ("nbinom",     (2.5, 0.4),       [0, 1, 2, 3, 5],      (0, 1)),
    ("bernoulli",  (0.3,),           [0, 1],               (0,)),
    ("geom",       (0.3,),           [1, 2, 3, 5],         (0,)),
]
DISCRETE_METHODS = ["pmf", "logpmf", "cdf", "logcdf", "sf", "logsf"]


@pytest.mark.parametrize("name, shapes, counts, argnums", DISCRETE, ids=[c[0] for c in DISCRETE])
def test_discrete_values_are_scipys(name, shapes, counts, argnums):
    ours, theirs = getattr(stats, name), getattr(scipy_stats, name)
    k = np.array(counts + [-1, 0.5, 12], float)  # off the support, not an integer, beyond
    for method in DISCRETE_METHODS:
        with np.errstate(divide="ignore"):
            np.testing.assert_allclose(getattr(ours, method)(k, *shapes),
                                       getattr(theirs, method)(k, *shapes), rtol=1e-12,
                                       err_msg=f"{name}.{method}")
        np.testing.assert_allclose(getattr(ours, method)(k[:2], *shapes, loc=1),
                                   getattr(theirs, method)(k[:2], *shapes, loc=1), rtol=1e-12)
    if hasattr(ours, "entropy"):
        np.testing.assert_allclose(ours.entropy(*shapes), theirs.entropy(*shapes), rtol=1e-12)


@pytest.mark.parametrize("name, shapes, counts, argnums", DISCRETE, ids=[c[0] for c in DISCRETE])
@pytest.mark.parametrize("method", ["logpmf", "cdf", "sf"])
def test_discrete_grads_in_the_parameters(name, shapes, counts, argnums, method):
    fn = getattr(getattr(stats, name), method)
    k = np.array(counts, float)

    def of_the_parameters(*moving):
        values = list(shapes)
        for argnum, value in zip(argnums, moving):
            values[argnum] = value
        return fn(k, *values)

    cr.check_grads(of_the_parameters, tuple(np.float64(shapes[i]) for i in argnums),
                   modes=MODES, order=2)


def test_discrete_entropies_are_differentiable():
    cr.check_grads(stats.bernoulli.entropy, (0.3,), modes=MODES, order=2)
    cr.check_grads(stats.geom.entropy, (0.3,), modes=MODES, order=2)


# -- multivariate distributions ---------------------------------------------------------------


def test_dirichlet(rng):
    alpha = rng.uniform(0.8, 3.0, size=3)
    x = rng.dirichlet(alpha, size=4).T  # (components, points)
    for method in ["pdf", "logpdf"]:
        np.testing.assert_allclose(getattr(stats.dirichlet, method)(x, alpha),
                                   getattr(scipy_stats.dirichlet, method)(x, alpha), rtol=1e-12)
    np.testing.assert_allclose(stats.dirichlet.logpdf(x[:-1], alpha),
                               scipy_stats.dirichlet.logpdf(x, alpha), rtol=1e-12)
    np.testing.assert_allclose(stats.dirichlet.entropy(alpha),
                               scipy_stats.dirichlet.entropy(alpha), rtol=1e-12)
    cr.check_grads(stats.dirichlet.logpdf, (x[:, 0], alpha), modes=MODES, order=2)
    cr.check_grads(stats.dirichlet.entropy, (alpha,), modes=MODES, order=2)


def test_multivariate_normal(rng):
    factor = rng.normal(size=(3, 3))
    cov, mean = factor @ factor.T + np.eye(3), rng.normal(size=3)
    points = rng.normal(size=(4, 3))
    ours, theirs = stats.multivariate_normal, scipy_stats.multivariate_normal
    for x in (points, points[0]):
        for method in ["pdf", "logpdf"]:
            np.testing.assert_allclose(getattr(ours, method)(x, mean, cov),
                                       getattr(theirs, method)(x, mean, cov), rtol=1e-12)
    np.testing.assert_allclose(ours.entropy(mean, cov), theirs.entropy(mean, cov), rtol=1e-12)
    for x, mean_, cov_ in [(np.array([0.3, 0.5]), 0.2, 2.0), (np.array([0.3, 0.5]), None, 1.0)]:
        np.testing.assert_allclose(ours.logpdf(x, mean_, cov_), theirs.logpdf(x, mean_, cov_),
                                   rtol=1e-12)
    cr.check_grads(ours.logpdf, (points, mean, cov), modes=MODES, order=2)
    cr.check_grads(ours.entropy, (mean, cov), modes=MODES, order=2)
    # the gradient in cov of a symmetric cov is symmetric: (inv(cov) d d^T inv(cov) - inv(cov)) / 2
    deviation = points[0] - mean
    inverse = np.linalg.inv(cov)
    expected = 0.5 * (inverse @ np.outer(deviation, deviation) @ inverse - inverse)
    np.testing.assert_allclose(cr.grad(ours.logpdf, argnums=2)(points[0], mean, cov), expected,
                               rtol=1e-12)


@pytest.mark.parametrize("name, shape_domains, z_domain",
                         [case for case in CONTINUOUS if case[1]], ids=lambda v: v
                         if isinstance(v, str) else "")
def test_parameters_broadcast_against_x(name, shape_domains, z_domain, rng):
    x, _, loc, scale = draw(rng, shape_domains, z_domain, (3,))
    shapes = [rng.uniform(*domain, size=(2, 1)) for domain in shape_domains]
    ours, theirs = getattr(stats, name), getattr(scipy_stats, name)
    np.testing.assert_allclose(ours.logpdf(x, *shapes, loc, scale),
                               theirs.logpdf(x, *shapes, loc, scale), rtol=1e-12)
    cr.check_grads(lambda x, *parameters: ours.cdf(x, *parameters), (x, *shapes, loc, scale),
                   modes=MODES, order=1)


# -- batching: vmap against a loop over the batch, each member on its own support ----------

@pytest.mark.parametrize("name, shape_domains, z_domain", CONTINUOUS, ids=IDS)
@pytest.mark.parametrize("method", ["logpdf", "cdf", "sf"])
def test_batching(name, shape_domains, z_domain, method, rng):
    x, shapes, loc, scale = draw(rng, shape_domains, z_domain, (3,))
    cr.check_vmap(getattr(getattr(stats, name), method), (x, *shapes, loc, scale))


@pytest.mark.parametrize("name, shapes, counts, argnums", DISCRETE, ids=[c[0] for c in DISCRETE])
@pytest.mark.parametrize("method", ["logpmf", "cdf"])
def test_discrete_batching(name, shapes, counts, argnums, method):
    cr.check_vmap(getattr(getattr(stats, name), method),
                  (np.array(counts, float), *(np.asarray(value) for value in shapes)))


def test_members_off_the_support_under_vmap_are_scipys():
    x = np.array([[-0.5, 0.5], [0.5, 1.5]])  # the first member has a point below 0
    np.testing.assert_allclose(cr.vmap(lambda x: stats.expon.logpdf(x))(x),
                               scipy_stats.expon.logpdf(x))
    np.testing.assert_allclose(cr.vmap(lambda x: stats.t.cdf(x, 3.0))(x), scipy_stats.t.cdf(x, 3.0))
