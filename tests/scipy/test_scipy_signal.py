"""chainrule.scipy.signal: values equal SciPy's, derivatives in both modes to second
order against finite differences, the plain SciPy spelling refused loudly."""

import numpy as np
import pytest
import scipy.signal

import chainrule as cr
import chainrule.core.batching as engine_batching
import chainrule.scipy.signal as css

CONVOLUTIONS = ["convolve", "correlate", "fftconvolve", "oaconvolve"]
SHAPES = [
    # (in1, in2): 1-D with the kernel shorter, longer (valid swaps), 2-D
    ((7,), (3,)),
    ((3,), (6,)),
    ((5, 4), (2, 3)),
]


@pytest.mark.parametrize("name", CONVOLUTIONS)
@pytest.mark.parametrize("mode", ["full", "same", "valid"])
@pytest.mark.parametrize("shapes", SHAPES)
def test_convolutions_equal_scipy_and_differentiate(name, mode, shapes, rng):
    ours, theirs = getattr(css, name), getattr(scipy.signal, name)
    in1, in2 = rng.normal(size=shapes[0]), rng.normal(size=shapes[1])
    if mode == "valid" and len(shapes[0]) > 1:
        in2 = in2[:, :3]  # 'valid': one input at least as large in every dimension
    np.testing.assert_allclose(ours(in1, in2, mode), theirs(in1, in2, mode), rtol=1e-10,
                               atol=1e-12)
    cr.check_grads(lambda a, b: ours(a, b, mode), (in1, in2), modes=("fwd", "rev"), order=2)


@pytest.mark.parametrize("name", ["fftconvolve", "oaconvolve"])
def test_convolution_along_axes_broadcasts_the_others(name, rng):
    ours, theirs = getattr(css, name), getattr(scipy.signal, name)
    in1, in2 = rng.normal(size=(3, 6)), rng.normal(size=(1, 4))
    np.testing.assert_allclose(ours(in1, in2, "same", axes=1),
                               theirs(in1, in2, "same", axes=1), rtol=1e-10, atol=1e-12)
    cr.check_grads(lambda a, b: ours(a, b, "same", axes=1), (in1, in2), modes=("fwd", "rev"),
                   order=2)


def test_complex_correlate_conjugates_the_kernel(rng):
    in1 = rng.normal(size=5) + 1j * rng.normal(size=5)
    in2 = rng.normal(size=3) + 1j * rng.normal(size=3)
    np.testing.assert_allclose(css.correlate(in1, in2), scipy.signal.correlate(in1, in2),
                               rtol=1e-10)
    cr.check_grads(lambda a: np.real(css.correlate(a, in2) * np.conj(css.correlate(a, in2))),
                   (in1,), modes=("fwd", "rev"), order=1)


A = np.array([2.0, 0.3, -0.2, 0.1])  # a stable denominator, a[0] != 1

FILTERS = {
    # name: (chainrule call, SciPy call, inputs from rng)
    "lfilter": (
        css.lfilter, scipy.signal.lfilter,
        lambda r: (r.normal(size=3), A, r.normal(size=9))),
    "lfilter FIR, batched along axis 0": (
        lambda b, x: css.lfilter(b, [1.0], x, axis=0),
        lambda b, x: scipy.signal.lfilter(b, [1.0], x, axis=0),
        lambda r: (r.normal(size=4), r.normal(size=(6, 2)))),
    "lfilter with zi": (
        lambda b, a, x, zi: css.lfilter(b, a, x, zi=zi),
        lambda b, a, x, zi: scipy.signal.lfilter(b, a, x, zi=zi),
        lambda r: (r.normal(size=2), A, r.normal(size=(2, 8)), r.normal(size=(2, 3)))),
    "sosfilt": (
        css.sosfilt, scipy.signal.sosfilt,
        lambda r: (scipy.signal.butter(4, 0.3, output="sos"), r.normal(size=10))),
    "sosfilt with zi, axis 0": (
        lambda sos, x, zi: css.sosfilt(sos, x, axis=0, zi=zi),
        lambda sos, x, zi: scipy.signal.sosfilt(sos, x, axis=0, zi=zi),
        lambda r: (scipy.signal.butter(2, 0.3, output="sos"), r.normal(size=(7, 2)),
                   r.normal(size=(1, 2, 2)))),
}


@pytest.mark.parametrize("name", sorted(FILTERS))
def test_filters_equal_scipy_and_differentiate_in_every_input(name, rng):
    ours, theirs, make = FILTERS[name]
    args = make(rng)
    mine, reference = ours(*args), theirs(*args)
    for got, want in zip(mine if isinstance(mine, tuple) else (mine,),
                         reference if isinstance(reference, tuple) else (reference,)):
        np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-12)
    cr.check_grads(ours, args, modes=("fwd", "rev"), order=2)


@pytest.mark.parametrize("name, call", [
    ("convolve", lambda x: css.convolve(x, x[:2])),
    ("lfilter", lambda x: css.lfilter(x[:2], np.array([1.0, -0.5], np.float32), x)),
])
def test_float32_kept(name, call, rng):
    x = rng.normal(size=6).astype(np.float32)
    out, tangent = cr.jvp(call, (x,), (np.ones_like(x),))
    assert out.dtype == tangent.dtype == np.float32
    cr.check_grads(call, (x,), modes=("fwd", "rev"), order=1)  # float32: first order only


@pytest.mark.parametrize("name", ["convolve", "lfilter", "fftconvolve"])
def test_plain_scipy_on_tracers_raises_naming_chainrule(name):
    plain = getattr(scipy.signal, name)
    call = (lambda x: plain([1.0], [1.0, -0.5], x)) if name == "lfilter" else (
        lambda x: plain(x, np.ones(2)))
    with pytest.raises(TypeError, match="chainrule"):
        cr.grad(lambda x: np.sum(call(x)))(np.ones(4))


def test_coverage_rows():
    assert [row[0] for row in css.coverage_rows()] == [
        f"scipy.signal.{name}" for name in sorted(css.__all__)]


# -- batching: vmap against a loop over the batch ------------------------------------------

@pytest.mark.parametrize("name", CONVOLUTIONS)
@pytest.mark.parametrize("mode", ["full", "same", "valid"])
@pytest.mark.parametrize("shapes", SHAPES[::2])
def test_convolutions_batching(name, mode, shapes, rng):
    in1, in2 = rng.normal(size=shapes[0]), rng.normal(size=shapes[1])
    if mode == "valid" and len(shapes[0]) > 1:
        in2 = in2[:, :3]
    cr.check_vmap(lambda a, b: getattr(css, name)(a, b, mode), (in1, in2))


@pytest.mark.parametrize("name", sorted(FILTERS))
def test_filters_batching(name, rng):
    cr.check_vmap(FILTERS[name][0], FILTERS[name][2](rng), rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("call", [
    lambda x: css.fftconvolve(x, np.array([1.0, -2.0, 0.5]), "same"),
    lambda x: css.oaconvolve(np.array([1.0, 0.5]), x, "full"),
    lambda x: css.lfilter([0.5, 0.2], [1.0, -0.3], x),
], ids=["fftconvolve", "oaconvolve", "lfilter"])
def test_shared_kernels_run_once_on_the_batch(call, rng, monkeypatch):
    loop = engine_batching.loop_over_batch

    def guarded(primitive, *args, **kwargs):
        assert not primitive.name.startswith("scipy."), f"{primitive.name} looped over the batch"
        return loop(primitive, *args, **kwargs)

    monkeypatch.setattr(engine_batching, "loop_over_batch", guarded)
    batch = rng.normal(size=(3, 6))
    np.testing.assert_allclose(cr.vmap(call)(batch), [call(x) for x in batch], rtol=1e-12,
                               atol=1e-12)
