"""``numpy.fft``: every discrete Fourier transform, differentiable in both modes;
also the namespace ``chainrule.numpy.fft`` (``cnp.fft.fft``, ...).

Five linear primitives along one axis carry everything, as NumPy's own code
does (an n-dimensional transform is 1-D transforms axis by axis; ``hfft`` and
``ihfft`` are ``irfft`` and ``rfft`` of conjugates):

- ``resize``: crop or zero-pad to ``n`` points (NumPy's ``n=``/``s=``); its
  transpose is the resize back, pad and crop being each other's transpose.
- ``fft``, ``ifft`` (complex to complex): the DFT matrix is symmetric, so in
  JAX's convention (a VJP is the plain transpose for the pairing
  ``Re(a * b)``, no conjugation) each is its own transpose, same ``norm``.
- ``rfft`` (real to half spectrum) is ``fft`` followed by keeping the first
  ``n // 2 + 1`` entries, so its transpose zero-pads the cotangent back to
  ``n`` points, applies ``fft`` and keeps the real part.
- ``irfft`` (half spectrum to real) weights the entries it stands for twice
  (all but the zero frequency and, for even ``n``, the Nyquist one), so its
  transpose is ``conj(rfft(g))`` times those weights, with the opposite
  ``norm`` (JAX's ``_irfft_transpose``).

A real input's cotangent is real: the rules keep the real part.

>>> import chainrule.numpy as cnp
>>> cr.grad(lambda x: cnp.real(cnp.fft.fft(x)[1]))(np.array([1.0, 2.0, 3.0, 4.0]))
array([ 1.,  0., -1.,  0.])
"""

from __future__ import annotations

import operator
from typing import Any

import numpy as np

from ..core import Tracer
from .batching import batch_axis_param
from .complex_numbers import conjugate, real
from .elementwise import astype
from .manipulation import roll
from .mutation import write_out
from .wrap import NUMPY_2, dtype_of, handles, primitive, shape_of, since_numpy_2_keywords

# NumPy's norm names, and the norm with the scale moved to the other direction
_NORMS = {None: "backward", "backward": "backward", "ortho": "ortho", "forward": "forward"}
_SWAPPED = {"backward": "forward", "ortho": "ortho", "forward": "backward"}


def _norm(norm: Any) -> str:
    if not isinstance(norm, (str, type(None))) or norm not in _NORMS:
        raise ValueError(f'Invalid norm value {norm}; should be "backward", "ortho" or "forward".')
    return _NORMS[norm]


def _real_like(cotangent: Any, x: Any, real_valued: bool = False) -> Any:
    """The cotangent of ``x``: its real part (in ``x``'s precision) when ``x`` is real,
    or when the operation reads only the real part of ``x`` (``real_valued``)."""
    if not real_valued and np.iscomplexobj(np.empty(0, dtype_of(x))):
        return cotangent
    cotangent = real(cotangent)
    dtype = dtype_of(x)
    if real_valued and dtype.kind == "c":
        return astype(cotangent, dtype)
    return cotangent if dtype_of(cotangent) == dtype else astype(cotangent, dtype)


# -- the primitives ------------------------------------------------------------------


def _resize_impl(x, axis, length):
    have = np.shape(x)[axis]
    if length <= have:
        return x[(slice(None),) * axis + (slice(0, length),)]
    widths = [(0, 0)] * np.ndim(x)
    widths[axis] = (0, length - have)
    return np.pad(x, widths)


resize_p = primitive("fft.resize", _resize_impl)
resize_p.def_linear(lambda g, ans, x, axis, length: resize_p(g, axis=axis, length=shape_of(x)[axis]))
resize_p.written_doc = "Crop or zero-pad to ``length`` along ``axis`` (the n= of numpy.fft); linear.\n"


def _resized(x: Any, axis: int, length: int) -> Any:
    return x if shape_of(x)[axis] == length else resize_p(x, axis=axis, length=length)


fft_p = primitive("fft.fft", lambda x, axis, norm: np.fft.fft(x, axis=axis, norm=norm))
fft_p.def_linear(lambda g, ans, x, axis, norm: _real_like(fft_p(g, axis=axis, norm=norm), x))

ifft_p = primitive("fft.ifft", lambda x, axis, norm: np.fft.ifft(x, axis=axis, norm=norm))
ifft_p.def_linear(lambda g, ans, x, axis, norm: _real_like(ifft_p(g, axis=axis, norm=norm), x))

rfft_p = primitive("fft.rfft", lambda x, axis, norm: np.fft.rfft(x, axis=axis, norm=norm))
# (NumPy 1.x reads only the real part of complex input, so the cotangent is real then too)
rfft_p.def_linear(lambda g, ans, x, axis, norm: _real_like(
    fft_p(_resized(g, axis, shape_of(x)[axis]), axis=axis, norm=norm), x, real_valued=True))


def _hermitian_weights(n: int, axis: int, ndim: int, dtype: Any) -> np.ndarray:
    """1 for the zero frequency (and the Nyquist one, n even), 2 for the others."""
    weights = np.full(n // 2 + 1, 2.0, np.finfo(dtype).dtype)
    weights[0] = 1.0
    if n % 2 == 0:
        weights[-1] = 1.0
    return weights.reshape((-1,) + (1,) * (ndim - 1 - axis))


def _irfft_transpose(g, ans, x, axis, n, norm):
    if np.iscomplexobj(np.empty(0, dtype_of(g))):
        g = real(g)  # the output is real: only the real part of its cotangent pairs with it
    spectrum = conjugate(rfft_p(g, axis=axis, norm=_SWAPPED[norm]))
    return _real_like(spectrum * _hermitian_weights(n, axis, len(shape_of(x)), dtype_of(g)), x)


irfft_p = primitive("fft.irfft", lambda x, axis, n, norm: np.fft.irfft(x, n=n, axis=axis, norm=norm))
irfft_p.def_linear(_irfft_transpose)

# batched: NumPy transforms along the member's axis, one further along
for _prim in (resize_p, fft_p, ifft_p, rfft_p, irfft_p):
    _prim.def_batch(batch_axis_param(_prim))

for _prim, _numpy_name in ((fft_p, "fft"), (ifft_p, "ifft"), (rfft_p, "rfft"), (irfft_p, "irfft")):
    _prim.written_doc = (f"numpy.fft.{_numpy_name} along one axis, linear with its transpose; "
                         f"np.fft.{_numpy_name}(x) on a traced x reaches it.\n")


# -- one axis ------------------------------------------------------------------------


def _input(a: Any) -> Any:
    return a if isinstance(a, (Tracer, np.ndarray)) else np.asarray(a)


def _axis(axis: Any, ndim: int) -> int:
    axis = operator.index(axis)
    if not -ndim <= axis < ndim:
        raise np.exceptions.AxisError(axis, ndim)
    return axis % ndim


def _points(n: Any, default: int) -> int:
    n = default if n is None else operator.index(n)
    if n < 1:
        raise ValueError(f"Invalid number of FFT data points ({n}) specified.")
    return n


def _output(result: Any, out: Any, function: str) -> Any:
    since_numpy_2_keywords(function, out=out)
    return result if out is None else write_out(out, result)


def _complex_to_complex(prim, a, n, axis, norm, out, function):
    x = _input(a)
    axis = _axis(axis, len(shape_of(x)))
    n = _points(n, shape_of(x)[axis])
    return _output(prim(_resized(x, axis, n), axis=axis, norm=_norm(norm)), out, function)


@handles(np.fft.fft)
def fft(a: Any, n: int | None = None, axis: int = -1, norm: str | None = None,
        out: Any = None) -> Any:
    """``np.fft.fft``: the 1-D discrete Fourier transform, ``n`` points along ``axis``.

    >>> fft(np.array([1.0, 0.0, 0.0]))
    array([1.+0.j, 1.+0.j, 1.+0.j])
    """
    return _complex_to_complex(fft_p, a, n, axis, norm, out, "fft")


@handles(np.fft.ifft)
def ifft(a: Any, n: int | None = None, axis: int = -1, norm: str | None = None,
         out: Any = None) -> Any:
    """``np.fft.ifft``: the inverse of ``fft``.

    >>> ifft(np.array([3.0, 3.0, 3.0])).real
    array([3., 0., 0.])
    """
    return _complex_to_complex(ifft_p, a, n, axis, norm, out, "ifft")


@handles(np.fft.rfft)
def rfft(a: Any, n: int | None = None, axis: int = -1, norm: str | None = None,
         out: Any = None) -> Any:
    """``np.fft.rfft``: the transform of real input, its ``n // 2 + 1`` non-negative frequencies.

    >>> rfft(np.array([1.0, 1.0, 1.0, 1.0]))
    array([4.+0.j, 0.+0.j, 0.+0.j])
    """
    x = _input(a)  # complex input: NumPy 2 refuses it, 1.x warns and drops the imaginary part
    axis = _axis(axis, len(shape_of(x)))
    n = _points(n, shape_of(x)[axis])
    return _output(rfft_p(_resized(x, axis, n), axis=axis, norm=_norm(norm)), out, "rfft")


@handles(np.fft.irfft)
def irfft(a: Any, n: int | None = None, axis: int = -1, norm: str | None = None,
          out: Any = None) -> Any:
    """``np.fft.irfft``: the real signal of ``n`` points (default ``2 * (m - 1)``) whose
    ``rfft`` is ``a``.

    >>> irfft(np.array([4.0, 0.0, 0.0]))
    array([1., 1., 1., 1.])
    """
    x = _input(a)
    axis = _axis(axis, len(shape_of(x)))
    n = _points(n, 2 * (shape_of(x)[axis] - 1))
    result = irfft_p(_resized(x, axis, n // 2 + 1), axis=axis, n=n, norm=_norm(norm))
    return _output(result, out, "irfft")


@handles(np.fft.hfft)
def hfft(a: Any, n: int | None = None, axis: int = -1, norm: str | None = None,
         out: Any = None) -> Any:
    """``np.fft.hfft``: the (real) transform of a Hermitian-symmetric signal given by its
    first half: ``irfft(conj(a))`` with the opposite norm.

    >>> hfft(np.array([1.0, 0.0, 0.0]))
    array([1., 1., 1., 1.])
    """
    x = _input(a)
    if n is None:
        n = 2 * (shape_of(x)[_axis(axis, len(shape_of(x)))] - 1)
    return _output(irfft(conjugate(x), n, axis, _SWAPPED[_norm(norm)]), out, "hfft")


@handles(np.fft.ihfft)
def ihfft(a: Any, n: int | None = None, axis: int = -1, norm: str | None = None,
          out: Any = None) -> Any:
    """``np.fft.ihfft``: the inverse of ``hfft``, ``conj(rfft(a))`` with the opposite norm.

    >>> ihfft(np.array([4.0, 0.0, 0.0, 0.0])).real
    array([1., 1., 1.])
    """
    return _output(conjugate(rfft(a, n, axis, _SWAPPED[_norm(norm)])), out, "ihfft")


# -- several axes --------------------------------------------------------------------


def _shape_and_axes(x: Any, s: Any, axes: Any, inverse_real: bool = False) -> tuple:
    """NumPy's reading of ``s`` and ``axes`` (``_cook_nd_args``), on this NumPy's terms."""
    shape = shape_of(x)
    shapeless = s is None
    if s is None:
        s = list(shape) if axes is None else [shape[axis] for axis in axes]
    s = list(s)
    if axes is None:  # with s given, deprecated in NumPy 2 (no warning here: computed as NumPy does)
        axes = list(range(-len(s), 0))
    axes = list(axes)
    if len(s) != len(axes):
        raise ValueError("Shape and axes have different lengths.")
    if inverse_real and shapeless:
        s[-1] = (shape[axes[-1]] - 1) * 2
    if NUMPY_2:  # -1: the input's size (None in s, deprecated, is each 1-D default)
        s = [shape[axis] if size == -1 else size for size, axis in zip(s, axes)]
    return s, axes


def _along_axes(one_axis, a, s, axes, norm, out, function):
    x = _input(a)
    s, axes = _shape_and_axes(x, s, axes)
    for index in reversed(range(len(axes))):
        x = one_axis(x, s[index], axes[index], norm)
    return _output(x, out, function)


@handles(np.fft.fftn)
def fftn(a: Any, s: Any = None, axes: Any = None, norm: str | None = None,
         out: Any = None) -> Any:
    """``np.fft.fftn``: the n-dimensional transform over ``axes`` (all, by default).

    >>> fftn(np.ones((2, 2))).real
    array([[4., 0.],
           [0., 0.]])
    """
    return _along_axes(fft, a, s, axes, norm, out, "fftn")


@handles(np.fft.ifftn)
def ifftn(a: Any, s: Any = None, axes: Any = None, norm: str | None = None,
          out: Any = None) -> Any:
    """``np.fft.ifftn``: the inverse of ``fftn``.

    >>> ifftn(np.array([[4.0, 0.0], [0.0, 0.0]])).real
    array([[1., 1.],
           [1., 1.]])
    """
    return _along_axes(ifft, a, s, axes, norm, out, "ifftn")


@handles(np.fft.fft2)
def fft2(a: Any, s: Any = None, axes: Any = (-2, -1), norm: str | None = None,
         out: Any = None) -> Any:
    """``np.fft.fft2``: ``fftn`` over the last two axes.

    >>> fft2(np.ones((2, 2))).real
    array([[4., 0.],
           [0., 0.]])
    """
    return _along_axes(fft, a, s, axes, norm, out, "fft2")


@handles(np.fft.ifft2)
def ifft2(a: Any, s: Any = None, axes: Any = (-2, -1), norm: str | None = None,
          out: Any = None) -> Any:
    """``np.fft.ifft2``: ``ifftn`` over the last two axes.

    >>> ifft2(np.array([[4.0, 0.0], [0.0, 0.0]])).real
    array([[1., 1.],
           [1., 1.]])
    """
    return _along_axes(ifft, a, s, axes, norm, out, "ifft2")


def _real_along_axes(a, s, axes, norm, out, function):
    x = _input(a)
    s, axes = _shape_and_axes(x, s, axes)
    x = rfft(x, s[-1], axes[-1], norm)
    for index in range(len(axes) - 2, -1, -1):
        x = fft(x, s[index], axes[index], norm)
    return _output(x, out, function)


def _inverse_real_along_axes(a, s, axes, norm, out, function):
    x = _input(a)
    s, axes = _shape_and_axes(x, s, axes, inverse_real=True)
    for index in range(len(axes) - 1):
        x = ifft(x, s[index], axes[index], norm)
    return _output(irfft(x, s[-1], axes[-1], norm), out, function)


@handles(np.fft.rfftn)
def rfftn(a: Any, s: Any = None, axes: Any = None, norm: str | None = None,
          out: Any = None) -> Any:
    """``np.fft.rfftn``: ``rfft`` over the last of ``axes``, then ``fft`` over the others.

    >>> rfftn(np.ones((2, 2))).real
    array([[4., 0.],
           [0., 0.]])
    """
    return _real_along_axes(a, s, axes, norm, out, "rfftn")


@handles(np.fft.irfftn)
def irfftn(a: Any, s: Any = None, axes: Any = None, norm: str | None = None,
           out: Any = None) -> Any:
    """``np.fft.irfftn``: the inverse of ``rfftn`` (give ``s`` to fix odd lengths).

    >>> irfftn(np.array([[4.0, 0.0], [0.0, 0.0]]))
    array([[1., 1.],
           [1., 1.]])
    """
    return _inverse_real_along_axes(a, s, axes, norm, out, "irfftn")


@handles(np.fft.rfft2)
def rfft2(a: Any, s: Any = None, axes: Any = (-2, -1), norm: str | None = None,
          out: Any = None) -> Any:
    """``np.fft.rfft2``: ``rfftn`` over the last two axes.

    >>> rfft2(np.ones((2, 2))).real
    array([[4., 0.],
           [0., 0.]])
    """
    return _real_along_axes(a, s, axes, norm, out, "rfft2")


@handles(np.fft.irfft2)
def irfft2(a: Any, s: Any = None, axes: Any = (-2, -1), norm: str | None = None,
           out: Any = None) -> Any:
    """``np.fft.irfft2``: ``irfftn`` over the last two axes.

    >>> irfft2(np.array([[4.0, 0.0], [0.0, 0.0]]))
    array([[1., 1.],
           [1., 1.]])
    """
    return _inverse_real_along_axes(a, s, axes, norm, out, "irfft2")


# -- shifts and frequencies ----------------------------------------------------------


def _shifted(x: Any, axes: Any, sign: int) -> Any:
    x = _input(x)
    shape = shape_of(x)
    if axes is None:
        axes = tuple(range(len(shape)))
        shift = [sign * (size // 2) for size in shape]
    elif isinstance(axes, (int, np.integer)):
        shift = sign * (shape[axes] // 2)
    else:
        shift = [sign * (shape[axis] // 2) for axis in axes]
    return roll(x, shift, axes)


@handles(np.fft.fftshift)
def fftshift(x: Any, axes: Any = None) -> Any:
    """``np.fft.fftshift``: the zero frequency moved to the centre (a permutation).

    >>> fftshift(np.array([0.0, 1.0, 2.0, -2.0, -1.0]))
    array([-2., -1.,  0.,  1.,  2.])
    """
    return _shifted(x, axes, 1)


@handles(np.fft.ifftshift)
def ifftshift(x: Any, axes: Any = None) -> Any:
    """``np.fft.ifftshift``: the inverse of ``fftshift``.

    >>> ifftshift(np.array([-2.0, -1.0, 0.0, 1.0, 2.0]))
    array([ 0.,  1.,  2., -2., -1.])
    """
    return _shifted(x, axes, -1)


def _frequency_options(n: Any, device: Any, function: str) -> None:
    since_numpy_2_keywords(function, device=device)
    if not isinstance(n, (int, np.integer)):
        raise ValueError("n should be an integer")  # noqa: TRY004 - NumPy's own error


@handles(np.fft.fftfreq)
def fftfreq(n: int, d: Any = 1.0, device: Any = None) -> Any:
    """``np.fft.fftfreq``: the sample frequencies of ``fft``; constants, except through a
    traced spacing ``d`` (NumPy's own formula, ``k / (n d)``).

    >>> fftfreq(4, 0.5)
    array([ 0. ,  0.5, -1. , -0.5])
    """
    _frequency_options(n, device, "fftfreq")
    count = (n - 1) // 2 + 1
    steps = np.concatenate([np.arange(0, count, dtype=int), np.arange(-(n // 2), 0, dtype=int)])
    return steps * (1.0 / (n * d))


@handles(np.fft.rfftfreq)
def rfftfreq(n: int, d: Any = 1.0, device: Any = None) -> Any:
    """``np.fft.rfftfreq``: the sample frequencies of ``rfft``.

    >>> rfftfreq(4, 0.5)
    array([0. , 0.5, 1. ])
    """
    _frequency_options(n, device, "rfftfreq")
    return np.arange(0, n // 2 + 1, dtype=int) * (1.0 / (n * d))
