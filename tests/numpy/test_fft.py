"""numpy.fft: every transform, every norm, odd and even lengths, cropping and padding,
real and complex input. Values against NumPy; derivatives against finite differences
in both modes to second order, through the plain ``np.fft`` spelling (so
``__array_function__`` routing is checked too)."""

import warnings

import numpy as np
import pytest

import chainrule as cr
import chainrule.numpy as cnp
from batching_checks import check_batched_grads, refuse_loops
from chainrule.numpy.wrap import NUMPY_2

MODES = ("fwd", "rev")
NORMS = [None, "backward", "ortho", "forward"]


def draw(rng, shape, complex_input):
    x = rng.standard_normal(shape)
    return x + 1j * rng.standard_normal(shape) if complex_input else x


def check(np_function, x, **options):
    """``np_function(x, **options)``: value as NumPy's, derivatives as finite differences."""
    cnp_function = getattr(cnp.fft, np_function.__name__)
    np.testing.assert_allclose(cnp_function(x, **options), np_function(x, **options),
                               rtol=1e-12, atol=1e-12)
    cr.check_grads(lambda x: np_function(x, **options), (x,), modes=MODES, order=2)


# -- one axis: function x norm x (odd, even) x n (as is, cropped, padded) x input kind ------

ONE_AXIS = [
    #  function         complex input too
    (np.fft.fft,        True),
    (np.fft.ifft,       True),
    (np.fft.rfft,       False),   # real input only (NumPy 2 refuses complex)
    (np.fft.irfft,      True),
    (np.fft.hfft,       True),
    (np.fft.ihfft,      False),
]


@pytest.mark.parametrize("function, takes_complex", ONE_AXIS, ids=lambda v: getattr(v, "__name__", ""))
@pytest.mark.parametrize("norm", NORMS)
@pytest.mark.parametrize("length", [5, 6])
@pytest.mark.parametrize("n", [None, 3, 8, 9])
def test_one_axis(function, takes_complex, norm, length, n, rng):
    for complex_input in (False, True) if takes_complex else (False,):
        check(function, draw(rng, (length,), complex_input), n=n, norm=norm)


@pytest.mark.parametrize("function, takes_complex", ONE_AXIS, ids=lambda v: getattr(v, "__name__", ""))
@pytest.mark.parametrize("axis, n", [(0, None), (0, 4), (-2, 7), (1, 5)])
def test_one_axis_of_several(function, takes_complex, axis, n, rng):
    check(function, draw(rng, (5, 4, 2), takes_complex), n=n, axis=axis, norm="ortho")


# -- several axes: function x norm x (s, axes) ---------------------------------------

SEVERAL_AXES = [np.fft.fft2, np.fft.ifft2, np.fft.fftn, np.fft.ifftn,
                np.fft.rfft2, np.fft.irfft2, np.fft.rfftn, np.fft.irfftn]
REAL_INPUT = {np.fft.rfft2, np.fft.rfftn}

S_AND_AXES = [
    #  s          axes
    (None,       None),
    (None,       (0,)),
    (None,       (-1, 0)),        # out of order
    ((4, 3),     (0, 1)),         # padded, cropped
    ((3, 5),     (2, 0)),
    ((2, 3, 5),  (0, 1, 2)),
]
S_AND_AXES_2D = [(s, axes) for s, axes in S_AND_AXES if axes is not None and len(axes) == 2]
S_AND_AXES_2D.append((None, (-2, -1)))

CASES = [(function, s, axes) for function in SEVERAL_AXES
         for s, axes in (S_AND_AXES_2D if function.__name__.endswith("2") else S_AND_AXES)]


@pytest.mark.parametrize("function, s, axes", CASES,
                         ids=[f"{f.__name__}-{s}-{axes}" for f, s, axes in CASES])
@pytest.mark.parametrize("norm", NORMS)
def test_several_axes(function, s, axes, norm, rng):
    x = draw(rng, (3, 4, 5), function not in REAL_INPUT)
    check(function, x, s=s, axes=axes, norm=norm)


@pytest.mark.parametrize("function", [np.fft.fftn, np.fft.rfftn, np.fft.irfftn],
                         ids=lambda f: f.__name__)
def test_s_without_axes_reads_the_last_axes(function, rng):
    x = draw(rng, (3, 4), function is not np.fft.rfftn)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # NumPy 2 deprecates s without axes
        check(function, x, s=(5,))


@pytest.mark.skipif(not NUMPY_2, reason="-1 in s means the input's size since NumPy 2")
def test_minus_one_in_s_keeps_the_input_size(rng):
    check(np.fft.fftn, draw(rng, (3, 4), True), s=(-1, 6), axes=(0, 1))


# -- shifts and frequencies ----------------------------------------------------------

@pytest.mark.parametrize("function", [np.fft.fftshift, np.fft.ifftshift], ids=lambda f: f.__name__)
@pytest.mark.parametrize("axes", [None, 0, 1, (0, 1), (1,)], ids=str)
def test_shifts(function, axes, rng):
    x = rng.standard_normal((5, 4))
    np.testing.assert_array_equal(getattr(cnp.fft, function.__name__)(x, axes), function(x, axes))
    cr.check_grads(lambda x: function(x, axes), (x,), modes=MODES, order=2)


@pytest.mark.parametrize("function", [np.fft.fftfreq, np.fft.rfftfreq], ids=lambda f: f.__name__)
@pytest.mark.parametrize("n", [1, 5, 6])
def test_frequencies_are_plain_and_follow_a_traced_spacing(function, n):
    frequencies = getattr(cnp.fft, function.__name__)(n, 0.1)
    assert type(frequencies) is np.ndarray
    np.testing.assert_array_equal(frequencies, function(n, 0.1))
    # through d, k / (n d) is differentiable, with NumPy's own code and chainrule's
    expected = -function(n, 1.0) / 0.1**2
    for spelling in (function, getattr(cnp.fft, function.__name__)):
        frequencies_of = cr.jacobian(lambda d, spelling=spelling: spelling(n, d))
        np.testing.assert_allclose(frequencies_of(0.1), expected)


# -- dtypes, errors, properties --------------------------------------------------------

def test_float32_follows_numpy_and_its_gradient_stays_float32(rng):
    x = rng.standard_normal(6).astype(np.float32)
    for function in (np.fft.fft, np.fft.rfft, np.fft.ihfft):
        assert getattr(cnp.fft, function.__name__)(x).dtype == function(x).dtype
        gradient = cr.grad(lambda x, function=function: np.sum(np.abs(function(x)) ** 2))(x)
        assert gradient.dtype == np.float32
    spectrum = np.fft.rfft(x)
    assert cnp.fft.irfft(spectrum).dtype == np.fft.irfft(spectrum).dtype


def test_real_input_gets_a_real_gradient(rng):
    x = rng.standard_normal(5)
    gradient = cr.grad(lambda x: np.real(np.fft.fft(x)[2] * (1 - 2j)))(x)
    assert gradient.dtype == np.float64
    k = np.arange(5)
    np.testing.assert_allclose(gradient, np.real(np.exp(-2j * np.pi * 2 * k / 5) * (1 - 2j)))


def test_parseval_gradient(rng):
    # sum |fft(x)|^2 = n sum |x|^2 (norm "backward"), so the gradient is 2 n x
    x = rng.standard_normal(7)
    np.testing.assert_allclose(cr.grad(lambda x: np.sum(np.abs(np.fft.fft(x)) ** 2))(x),
                               2 * 7 * x)


def test_round_trip_is_the_identity(rng):
    x = rng.standard_normal((3, 5))
    np.testing.assert_allclose(cr.jacobian(lambda x: np.fft.irfftn(np.fft.rfftn(x), s=x.shape, axes=(0, 1)))(x),
                               np.eye(15).reshape(3, 5, 3, 5), atol=1e-12)


def test_errors_are_numpys(rng):
    with pytest.raises(ValueError, match="Invalid norm value"):
        cnp.fft.fft(np.ones(3), norm="sideways")
    with pytest.raises(ValueError, match="Invalid number of FFT data points"):
        cnp.fft.fft(np.ones(3), n=0)
    with pytest.raises(ValueError, match="Shape and axes"):
        cnp.fft.fftn(np.ones((2, 2)), s=(2,), axes=(0, 1))
    with pytest.raises(np.exceptions.AxisError):
        cnp.fft.fft(np.ones(3), axis=1)


@pytest.mark.skipif(not NUMPY_2, reason="out= came with NumPy 2")
def test_out_writes_into_a_traced_array(rng):
    def f(x):
        out = np.zeros_like(x, dtype=complex)
        np.fft.fft(x, out=out)
        return np.real(np.sum(out * np.arange(4)))

    x = rng.standard_normal(4)
    cr.check_grads(f, (x,), modes=MODES, order=1)


# -- batching: vmap against a loop over the batch, the transforms' axes shifted past it ----

FFT_PRIMITIVES = {"numpy.fft." + name for name in ("fft", "ifft", "rfft", "irfft", "resize")}


@pytest.mark.parametrize("function, takes_complex", ONE_AXIS, ids=lambda v: getattr(v, "__name__", ""))
@pytest.mark.parametrize("axis, n", [(-1, None), (0, 4), (-2, 7), (1, 3)])
def test_one_axis_batching(function, takes_complex, axis, n, rng, monkeypatch):
    refuse_loops(monkeypatch, only=FFT_PRIMITIVES)
    x = draw(rng, (5, 4, 2), takes_complex)
    cr.check_vmap(lambda x: function(x, n=n, axis=axis, norm="ortho"), (x,))


@pytest.mark.parametrize("function, s, axes", CASES,
                         ids=[f"{f.__name__}-{s}-{axes}" for f, s, axes in CASES])
def test_several_axes_batching(function, s, axes, rng, monkeypatch):
    refuse_loops(monkeypatch, only=FFT_PRIMITIVES)
    x = draw(rng, (3, 4, 5), function not in REAL_INPUT)
    cr.check_vmap(lambda x: function(x, s=s, axes=axes), (x,))


def test_derivatives_of_vmap_and_vmap_of_derivatives(rng):
    check_batched_grads(lambda x: np.abs(np.fft.rfft(x, n=8)) ** 2 + np.fft.irfft(
        np.fft.fft(x), n=5).sum(), (rng.standard_normal(6),))
