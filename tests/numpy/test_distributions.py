"""cov, corrcoef, histogram, histogram_bin_edges, bincount: values equal NumPy's;
derivatives in the data and in ``aweights`` (cov) or ``weights`` (histogram,
bincount) match finite differences in both modes to second order; counts are
plain; edges computed from the data move with its min and max."""

import numpy as np
import pytest

import chainrule as cr
import chainrule.numpy as cnp

from batching_checks import check_batched_grads

FWEIGHTS = np.array([1, 2, 1, 3, 1, 2])
AWEIGHTS = np.array([0.5, 1.5, 1.0, 2.0, 0.7, 1.2])

COV_CASES = [
    #  keywords                                              with y
    ({},                                                     False),
    ({},                                                     True),
    ({"rowvar": False},                                      False),
    ({"rowvar": False},                                      True),
    ({"bias": True},                                         False),
    ({"ddof": 2},                                            True),
    ({"fweights": FWEIGHTS},                                 False),
    ({"aweights": AWEIGHTS},                                 False),
    ({"aweights": AWEIGHTS, "ddof": 0},                      False),
    ({"fweights": FWEIGHTS, "aweights": AWEIGHTS},           True),
    ({"fweights": FWEIGHTS, "aweights": AWEIGHTS, "bias": True}, False),
]


def _data(rng, kwargs, with_y):
    x = rng.standard_normal((3, 6))
    y = rng.standard_normal(6) if with_y else None
    if kwargs.get("rowvar") is False:
        x = x.T
        y = None if y is None else y[:, None]
    return x, y


@pytest.mark.parametrize("function", [np.cov, np.corrcoef], ids=["cov", "corrcoef"])
@pytest.mark.parametrize("kwargs, with_y", COV_CASES)
def test_cov_and_corrcoef(function, kwargs, with_y, rng):
    if function is np.corrcoef:
        kwargs = {k: v for k, v in kwargs.items() if k == "rowvar"}
    x, y = _data(rng, kwargs, with_y)
    ours = getattr(cnp, function.__name__)
    np.testing.assert_allclose(ours(x, y, **kwargs), function(x, y, **kwargs), rtol=1e-13)
    np.testing.assert_allclose(cr.jvp(lambda x: function(x, y, **kwargs), (x,), (x,))[0],
                               function(x, y, **kwargs), rtol=1e-13)
    cr.check_grads(lambda x: function(x, y, **kwargs), (x,), modes=("fwd", "rev"), order=2)
    if y is not None:
        cr.check_grads(lambda y: function(x, y, **kwargs), (y,), modes=("fwd", "rev"), order=2)


def test_cov_in_aweights(rng):
    x = rng.standard_normal((3, 6))
    for kwargs in ({}, {"ddof": 0}, {"fweights": FWEIGHTS}):
        cr.check_grads(lambda w: np.cov(x, aweights=w, **kwargs), (AWEIGHTS,),
                       modes=("fwd", "rev"), order=2)


def test_cov_shapes_and_complex(rng):
    v = rng.standard_normal(5)
    assert np.shape(cnp.cov(v)) == () and np.isclose(cnp.cov(v), np.cov(v))
    assert cnp.corrcoef(v) == np.corrcoef(v) == 1.0
    z = rng.standard_normal((2, 5)) + 1j * rng.standard_normal((2, 5))
    np.testing.assert_allclose(cnp.cov(z), np.cov(z), rtol=1e-13)
    np.testing.assert_allclose(cnp.corrcoef(z), np.corrcoef(z), rtol=1e-13)
    cr.check_grads(lambda z: np.cov(z), (z,), modes=("fwd", "rev"), order=2)
    x32 = rng.standard_normal((2, 5)).astype(np.float32)
    assert cnp.cov(x32).dtype == np.cov(x32).dtype
    assert cnp.cov(x32, dtype=np.float32).dtype == np.float32


def test_cov_errors(rng):
    x = rng.standard_normal((2, 6))
    with pytest.raises(TypeError, match="fweights must be integer"):
        cnp.cov(x, fweights=FWEIGHTS + 0.5)
    with pytest.raises(RuntimeError, match="incompatible numbers of samples and aweights"):
        cnp.cov(x, aweights=AWEIGHTS[:4])
    with pytest.raises(ValueError, match="aweights cannot be negative"):
        cnp.cov(x, aweights=-AWEIGHTS)
    with pytest.raises(ValueError, match="more than 2 dimensions"):
        cnp.cov(np.ones((2, 2, 2)))


HISTOGRAMS = [
    #  keywords: bins, range, density
    {},
    {"bins": 5, "range": (-1.0, 1.0)},
    {"bins": np.array([-2.0, -0.5, 0.0, 1.0, 3.0])},
    {"bins": "auto"},
    {"density": True},
    {"bins": 4, "range": (-1.0, 2.0), "density": True},
]


@pytest.mark.parametrize("kwargs", HISTOGRAMS, ids=repr)
def test_histogram(kwargs, rng):
    a = rng.standard_normal(40)
    weights = rng.uniform(0.2, 1.0, size=40)
    counts, edges = np.histogram(a, **kwargs)
    ours = cnp.histogram(a, **kwargs)
    np.testing.assert_allclose(ours[0], counts, rtol=1e-13)
    np.testing.assert_array_equal(ours[1], edges)
    traced = cr.jvp(lambda a: np.histogram(a, **kwargs), (a,), (a,))[0]
    np.testing.assert_allclose(traced[0], counts, rtol=1e-13)
    np.testing.assert_array_equal(traced[1], edges)
    # edges (and densities) move with min(a) and max(a) where NumPy derives them from a
    cr.check_grads(lambda a: np.histogram(a, **kwargs), (a,), modes=("fwd", "rev"), order=2)
    if isinstance(kwargs.get("bins"), str):
        return  # NumPy estimates no bins for weighted data
    expected = np.histogram(a, weights=weights, **kwargs)[0]
    weighted = lambda w: np.histogram(a, weights=w, **kwargs)[0]  # noqa: E731
    np.testing.assert_allclose(weighted(weights), expected, rtol=1e-13)
    np.testing.assert_allclose(cr.jvp(weighted, (weights,), (weights,))[0], expected, rtol=1e-13)
    cr.check_grads(weighted, (weights,), modes=("fwd", "rev"), order=2)


HISTOGRAMS_DD = [
    #  keywords: bins (one for all or one per dimension), range, density
    {},
    {"bins": [2, 3, 4]},
    {"bins": 3, "range": [(-1.0, 1.0), (-2.0, 2.0), (-1.0, 2.0)]},
    {"bins": [np.array([-2.0, 0.0, 2.0]), 3, 2], "density": True},
]


@pytest.mark.parametrize("kwargs", HISTOGRAMS_DD, ids=repr)
def test_histogramdd(kwargs, rng):
    sample = rng.standard_normal((30, 3))
    weights = rng.uniform(0.2, 1.0, size=30)
    counts, edges = np.histogramdd(sample, **kwargs)
    for ours, ours_edges in (cnp.histogramdd(sample, **kwargs),
                             cr.jvp(lambda s: np.histogramdd(s, **kwargs), (sample,),
                                    (sample,))[0]):
        np.testing.assert_allclose(ours, counts, rtol=1e-13)
        for got, want in zip(ours_edges, edges):
            np.testing.assert_array_equal(got, want)
    cr.check_grads(lambda s: np.histogramdd(s, **kwargs), (sample,), modes=("fwd", "rev"),
                   order=2)
    weighted = lambda w: np.histogramdd(sample, weights=w, **kwargs)[0]  # noqa: E731
    np.testing.assert_allclose(cr.jvp(weighted, (weights,), (weights,))[0],
                               np.histogramdd(sample, weights=weights, **kwargs)[0], rtol=1e-13)
    cr.check_grads(weighted, (weights,), modes=("fwd", "rev"), order=2)


@pytest.mark.parametrize("kwargs", [{}, {"bins": [3, 5]}, {"bins": np.linspace(-2, 2, 5)},
                                    {"bins": 3, "density": True}], ids=repr)
def test_histogram2d(kwargs, rng):
    x, y, weights = rng.standard_normal(30), rng.standard_normal(30), rng.uniform(size=30)
    expected = np.histogram2d(x, y, weights=weights, **kwargs)
    for got, want in zip(cnp.histogram2d(x, y, weights=weights, **kwargs), expected):
        np.testing.assert_allclose(got, want, rtol=1e-13)
    cr.check_grads(lambda x, y: np.histogram2d(x, y, **kwargs), (x, y), modes=("fwd", "rev"),
                   order=2)
    cr.check_grads(lambda w: np.histogram2d(x, y, weights=w, **kwargs)[0], (weights,),
                   modes=("fwd", "rev"), order=2)


def test_histogram_counts_are_plain_and_constant(rng):
    a = rng.standard_normal(30)
    seen = []
    gradient = cr.grad(lambda a: (seen.append(np.histogram(a, 4, range=(-2, 2))), a.sum())[1])(a)
    counts, edges = seen[0]
    assert type(counts) is np.ndarray and counts.dtype == np.histogram(a)[0].dtype
    assert type(edges) is np.ndarray and np.all(gradient == 1.0)
    # with data-derived edges the first moves with min(a) only, the last with max(a) only
    np.testing.assert_allclose(cr.grad(lambda a: np.histogram(a, 4)[1][0])(a),
                               np.eye(30)[np.argmin(a)])
    np.testing.assert_allclose(cr.grad(lambda a: np.histogram_bin_edges(a, 4)[-1])(a),
                               np.eye(30)[np.argmax(a)])


def test_bincount(rng):
    x = np.array([0, 3, 3, 1, 5])
    weights = rng.standard_normal(5)
    np.testing.assert_array_equal(cnp.bincount(x, minlength=8), np.bincount(x, minlength=8))
    np.testing.assert_allclose(cnp.bincount(x, weights), np.bincount(x, weights))
    cr.check_grads(lambda w: np.bincount(x, w, minlength=7), (weights,), modes=("fwd", "rev"),
                   order=2)
    np.testing.assert_array_equal(cr.jacrev(lambda w: np.bincount(x, w))(weights)[3],
                                  [0, 1, 1, 0, 0])


@pytest.mark.parametrize("name", ["bincount", "corrcoef", "cov", "histogram", "histogram2d",
                                  "histogram_bin_edges", "histogramdd"])
def test_exported(name):
    from chainrule.numpy import distributions

    assert getattr(cnp, name) is getattr(distributions, name)


# -- batching ---------------------------------------------------------------------------

@pytest.mark.parametrize("function", [np.cov, np.corrcoef], ids=["cov", "corrcoef"])
@pytest.mark.parametrize("kwargs, with_y", COV_CASES)
def test_cov_and_corrcoef_batching(function, kwargs, with_y, rng):
    if function is np.corrcoef:
        kwargs = {k: v for k, v in kwargs.items() if k == "rowvar"}
    x, y = _data(rng, kwargs, with_y)
    args = (x,) if y is None else (x, y)
    cr.check_vmap(lambda *a: function(*a, **kwargs), args)
    check_batched_grads(lambda *a: function(*a, **kwargs), args)


@pytest.mark.parametrize("kwargs", [k for k in HISTOGRAMS if not isinstance(k.get("bins"), str)],
                         ids=repr)
def test_histogram_of_batched_weights(kwargs, rng):
    a = rng.standard_normal(40)
    weights = rng.uniform(0.2, 1.0, size=40)
    cr.check_vmap(lambda w: np.histogram(a, weights=w, **kwargs), (weights,))
    check_batched_grads(lambda w: np.histogram(a, weights=w, **kwargs)[0], (weights,))


@pytest.mark.parametrize("kwargs", HISTOGRAMS_DD, ids=repr)
def test_histogramdd_of_batched_weights(kwargs, rng):
    sample = rng.standard_normal((30, 3))
    weights = rng.uniform(0.2, 1.0, size=30)
    cr.check_vmap(lambda w: np.histogramdd(sample, weights=w, **kwargs)[0], (weights,))
    check_batched_grads(lambda w: np.histogramdd(sample, weights=w, **kwargs)[0], (weights,))


def test_bincount_and_histogram2d_of_batched_weights(rng):
    x = np.array([0, 3, 3, 1, 5])
    cr.check_vmap(lambda w: np.bincount(x, w, minlength=7), (rng.standard_normal(5),))
    check_batched_grads(lambda w: np.bincount(x, w, minlength=7), (rng.standard_normal(5),))
    points = rng.standard_normal((2, 30))
    cr.check_vmap(lambda w: np.histogram2d(*points, bins=3, weights=w, density=True)[0],
                  (rng.uniform(size=30),))


FIXED_EDGES = [
    #  keywords: edges that do not depend on the data
    {"bins": 5, "range": (-1.0, 1.0)},
    {"bins": np.array([-2.0, -0.5, 0.0, 1.0, 3.0])},
    {"bins": 4, "range": (-1.0, 2.0), "density": True},
    {"bins": np.array([-2.0, -0.5, 0.0, 1.0, 3.0]), "density": True},
]


@pytest.mark.parametrize("kwargs", FIXED_EDGES, ids=repr)
def test_histogram_of_batched_data_into_fixed_edges(kwargs, rng):
    # values on the edges (the last bin is closed), outside them, and NaN count as NumPy's
    a = np.concatenate([rng.standard_normal(30), [-2.0, -1.0, 1.0, 2.0, 3.0, 5.0, np.nan]])
    weights = rng.uniform(0.2, 1.0, size=a.size)
    cr.check_vmap(lambda a: np.histogram(a, **kwargs), (a,))
    cr.check_vmap(lambda a, w: np.histogram(a, weights=w, **kwargs), (a, weights))
    check_batched_grads(lambda w: np.histogram(a, weights=w, **kwargs)[0], (weights,))
    gradient = cr.vmap(cr.grad(lambda a, w: np.histogram(a, weights=w, **kwargs)[0][1],
                               argnums=1))(np.stack([a, -a]), np.stack([weights, weights]))
    np.testing.assert_array_equal(gradient, np.stack([
        cr.grad(lambda w: np.histogram(member, weights=w, **kwargs)[0][1])(weights)
        for member in (a, -a)]))


@pytest.mark.parametrize("call", [
    lambda a: np.histogram(a, 4)[0],
    lambda a: np.histogram(a, "auto", range=(0.0, 1.0))[0],
    lambda a: np.histogram_bin_edges(a, 3),
    lambda a: np.histogramdd(a.reshape(-1, 2), bins=2)[0],
], ids=["histogram", "estimated bins", "bin edges", "histogramdd"])
def test_counts_of_batched_data_are_refused_with_what_to_write(call, rng):
    with pytest.raises(TypeError, match=r"(?s)differ between batch members.*(range=|sum\(axis=0)"):
        cr.vmap(call)(rng.standard_normal((2, 6)))


@pytest.mark.parametrize("minlength", [0, 8])
def test_bincount_of_batched_values(minlength, rng):
    values = np.array([[0, 3, 3, 1, 5], [5, 0, 0, 2, 2]])
    weights = rng.standard_normal((2, 5))
    for call, args in ((lambda x: np.bincount(x, minlength=minlength), (values,)),
                       (lambda x: np.bincount(x, weights[0], minlength), (values,)),
                       (lambda x, w: np.bincount(x, w, minlength), (values, weights))):
        got = cr.vmap(call)(*args)
        expected = np.stack([call(*member) for member in zip(*args)])
        assert got.dtype == expected.dtype
        np.testing.assert_allclose(got, expected, rtol=1e-14)
    gradient = cr.vmap(cr.grad(lambda x, w: np.bincount(x, w, minlength)[3], argnums=1))(
        values, weights)
    np.testing.assert_array_equal(gradient, values == 3)
    with pytest.raises(TypeError, match="minlength= at least the largest value"):
        cr.vmap(np.bincount)(np.array([[0, 1], [0, 3]]))
