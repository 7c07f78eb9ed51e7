"""``chainrule.scipy.signal``: convolve, correlate, fftconvolve, oaconvolve (modes
'full', 'same', 'valid'; n-D), lfilter (in ``b``, ``a``, ``x`` and ``zi``) and sosfilt,
differentiable in both modes to any order.

A convolution is bilinear: its forward rule is the same convolution of a
tangent, its reverse rule a 'valid' convolution of the cotangent (padded back to
the 'full' size) with the other input flipped. correlate is convolve with
``in2`` flipped (and conjugated), as SciPy computes it. lfilter is linear in
``b`` and ``x``; from ``a(q) y = b(q) x``, ``dy = (db x + b dx - da y) / a``:
three lfilters, whose reverse forms run the filter backwards in time. zi adds
the zero-input response ``lfilter(a[0] zi, a, impulse)``; the final state is a
sum over the last samples. sosfilt is a cascade of lfilters.

Plain ``scipy.signal.convolve(t, w)`` on a traced ``t`` raises chainrule's
TypeError: write ``chainrule.scipy.signal.convolve``.

>>> convolve(np.array([1.0, 2.0]), np.array([1.0, 1.0]))
array([1., 3., 2.])
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.signal

from .. import numpy as cnp
from ..core import base_value
from ..numpy import batching as batch_tools
from .matrix_functions import _PRIMITIVES, _primitive

_shape = batch_tools.member_shape  # np.shape, of one member under vmap


# -- convolutions ------------------------------------------------------------------------


def _conv_axes(ndim: int, axes: Any) -> tuple:
    if axes is None:
        return tuple(range(ndim))
    axes = (axes,) if len(_shape(axes)) == 0 else tuple(axes)
    return tuple(sorted(int(axis) % ndim for axis in axes))


def _sum_to(x: Any, shape: tuple) -> Any:
    """Sum the axes that broadcasting stretched from ``shape``."""
    stretched = tuple(k for k, (have, want) in enumerate(zip(_shape(x), shape))
                      if want == 1 and have != 1)
    return cnp.sum(x, axis=stretched, keepdims=True) if stretched else x


def _convolution(name: str, function: Any, takes_axes: bool) -> Any:
    """A convolution primitive ``prim(in1, in2, mode=, option=)`` (``option``: SciPy's
    ``method`` or ``axes``) with its bilinear rules."""
    def impl(in1, in2, mode, option):
        return function(in1, in2, mode=mode, **{"axes" if takes_axes else "method": option})

    def full_cotangent(g, in1, in2, option):
        ndim = len(_shape(g))
        axes = _conv_axes(ndim, option if takes_axes else None)
        widths = []
        for axis in range(ndim):
            if axis in axes:
                full = _shape(in1)[axis] + _shape(in2)[axis] - 1
                start = (full - _shape(g)[axis]) // 2
                widths.append((start, full - start - _shape(g)[axis]))
            else:
                widths.append((0, 0))
        return cnp.pad(g, widths), axes

    def vjp(g, ans, in1, in2, mode, option):
        full, axes = full_cotangent(g, in1, in2, option)
        rule_option = option if takes_axes else "auto"
        g1 = prim(full, cnp.flip(in2, axes), mode="valid", option=rule_option)
        g2 = prim(full, cnp.flip(in1, axes), mode="valid", option=rule_option)
        return _sum_to(g1, _shape(in1)), _sum_to(g2, _shape(in2))

    def jvp(tangents, ans, in1, in2, mode, option):
        t1, t2 = tangents
        tangent = None if t1 is None else prim(t1, in2, mode=mode, option=option)
        if t2 is not None:
            change = prim(in1, t2, mode=mode, option=option)
            tangent = change if tangent is None else tangent + change
        return tangent

    def batch(args, batched, mode, option):
        # along the members' axes (SciPy's axes=), the batch axis one more ('same' keeps
        # in1's shape, so a shared operand is repeated over the batch)
        size = batch_tools.batch_size(args, batched)
        in1, in2 = (batch_tools.with_batch_axis(value, flag, size)
                    for value, flag in zip(args, batched))
        ndim = len(_shape(args[0])) - (1 if batched[0] else 0)
        axes = tuple(axis + 1 for axis in _conv_axes(ndim, option))
        return prim(in1, in2, mode=mode, option=axes)

    prim = _primitive(name, impl, "scipy.signal")
    prim.def_vjp_joint(vjp)
    prim.def_jvp_joint(jvp)
    if takes_axes:
        prim.def_batch(batch)
    return prim


convolve_p = _convolution("convolve", scipy.signal.convolve, takes_axes=False)
fftconvolve_p = _convolution("fftconvolve", scipy.signal.fftconvolve, takes_axes=True)
oaconvolve_p = _convolution("oaconvolve", scipy.signal.oaconvolve, takes_axes=True)


def _flipped_conj(x: Any, axes: Any = None) -> Any:
    x = cnp.asarray(x)
    flipped = cnp.flip(x, _conv_axes(len(_shape(x)), axes))
    return cnp.conj(flipped) if np.iscomplexobj(base_value(x)) else flipped


def convolve(in1: Any, in2: Any, mode: str = "full", method: str = "auto") -> Any:
    """``scipy.signal.convolve``, n-D, modes 'full', 'same', 'valid'.

    >>> convolve(np.array([1.0, 2.0, 3.0]), np.array([0.0, 1.0]), mode="same")
    array([1., 2., 3.])
    """
    return convolve_p(cnp.asarray(in1), cnp.asarray(in2), mode=mode, option=method)


def correlate(in1: Any, in2: Any, mode: str = "full", method: str = "auto") -> Any:
    """``scipy.signal.correlate``: ``convolve(in1, in2 flipped and conjugated)``.

    >>> correlate(np.array([1.0, 2.0, 3.0]), np.array([1.0, 0.0]), mode="valid")
    array([1., 2.])
    """
    return convolve_p(cnp.asarray(in1), _flipped_conj(in2), mode=mode, option=method)


def fftconvolve(in1: Any, in2: Any, mode: str = "full", axes: Any = None) -> Any:
    """``scipy.signal.fftconvolve``, over ``axes`` (all by default; the others broadcast).

    >>> fftconvolve(np.array([1.0, 2.0]), np.array([1.0, 1.0])).round(12)
    array([1., 3., 2.])
    """
    return fftconvolve_p(cnp.asarray(in1), cnp.asarray(in2), mode=mode, option=axes)


def oaconvolve(in1: Any, in2: Any, mode: str = "full", axes: Any = None) -> Any:
    """``scipy.signal.oaconvolve`` (overlap-add), over ``axes``.

    >>> oaconvolve(np.array([1.0, 2.0]), np.array([1.0, 1.0])).round(12)
    array([1., 3., 2.])
    """
    return oaconvolve_p(cnp.asarray(in1), cnp.asarray(in2), mode=mode, option=axes)


# -- lfilter, sosfilt ----------------------------------------------------------------------


def _lags(g: Any, signal: Any, count: int) -> Any:
    """``sum_n g[..., n] signal[..., n - k]`` for ``k = 0 .. count-1`` (0 past the end)."""
    length = _shape(g)[-1]
    lags = []
    for k in range(count):
        if k < length:
            lags.append(cnp.sum(g[..., k:] * signal[..., :length - k]))
        else:
            lags.append(0.0 * cnp.sum(g[..., :1]))
    return cnp.stack(lags)


def _lfilter_vjp(g, ans, b, a, x):
    ones = np.ones(1, dtype=cnp.result_type(a))
    g_x = cnp.flip(lfilter_p(b, a, cnp.flip(g, -1)), -1)
    g_b = _lags(g, lfilter_p(ones, a, x), _shape(b)[0])
    g_a = -_lags(g, lfilter_p(ones, a, ans), _shape(a)[0])
    return g_b, g_a, g_x


def _lfilter_jvp(tangents, ans, b, a, x):
    tb, ta, tx = tangents
    parts = []
    if tb is not None:
        parts.append(lfilter_p(tb, a, x))
    if tx is not None:
        parts.append(lfilter_p(b, a, tx))
    if ta is not None:
        parts.append(-lfilter_p(ta, a, ans))
    total = parts[0]
    for part in parts[1:]:
        total = total + part
    return total


lfilter_p = _primitive("lfilter", lambda b, a, x: scipy.signal.lfilter(b, a, x, axis=-1),
                       "scipy.signal")
lfilter_p.def_vjp_joint(_lfilter_vjp)
lfilter_p.def_jvp_joint(_lfilter_jvp)


def _lfilter_batch(args, batched):
    # one filter for the batch: SciPy filters every signal along the last axis at once
    if batched[0] or batched[1]:
        return batch_tools.loop_over_batch(lfilter_p, list(args), list(batched), {},
                                           batch_tools.batch_size(args, batched))
    return lfilter_p(*args)


lfilter_p.def_batch(_lfilter_batch)


def _padded(c: Any, length: int) -> Any:
    return cnp.pad(c, [(0, length - _shape(c)[0])])


def _final_state(b: Any, a: Any, x: Any, y: Any, order: int) -> Any:
    """``zf[i] = sum_{j > i} b_j x[N+i-j] - a_j y[N+i-j]`` (b, a normalised by a[0])."""
    length = _shape(x)[-1]
    if length < order:
        raise NotImplementedError(
            f"chainrule.scipy.signal.lfilter's final state for a signal shorter ({length}) than "
            f"the filter's order ({order}) has no rule yet.\n  Pad x with zeros to at least "
            f"{order} samples and filter that, or leave zi out.")
    b, a = _padded(b, order + 1) / a[0], _padded(a, order + 1) / a[0]
    states = []
    for i in range(order):
        state = 0.0
        for j in range(i + 1, order + 1):
            state = state + b[j] * x[..., length + i - j] - a[j] * y[..., length + i - j]
        states.append(state)
    return cnp.stack(states, axis=-1)


def lfilter(b: Any, a: Any, x: Any, axis: int = -1, zi: Any = None) -> Any:
    """``scipy.signal.lfilter``: ``y`` (or ``(y, zf)`` with ``zi``), differentiable in
    ``b``, ``a``, ``x`` and ``zi``.

    >>> lfilter(np.array([1.0]), np.array([1.0, -0.5]), np.array([1.0, 0.0, 0.0]))
    array([1.  , 0.5 , 0.25])
    """
    b, a = cnp.asarray(b), cnp.asarray(a)
    x = cnp.moveaxis(cnp.asarray(x), axis, -1)
    y = lfilter_p(b, a, x)
    if zi is None:
        return cnp.moveaxis(y, -1, axis)
    order = max(_shape(a)[0], _shape(b)[0]) - 1
    zi = cnp.moveaxis(cnp.asarray(zi), axis, -1)
    impulse = np.zeros(_shape(x)[-1], dtype=cnp.result_type(x))
    impulse[0] = 1.0
    # the zero-input response of the initial state, zi(q) / a(q) in SciPy's scaling:
    # response[j] is that of the state e_j, and it is linear in zi
    basis = np.eye(order, dtype=cnp.result_type(a))
    response = cnp.stack([lfilter_p(a[0] * basis[j], a, impulse) for j in range(order)])
    initial = cnp.matmul(zi, response)
    y = y + initial
    final = _final_state(b, a, x, y, order)
    return cnp.moveaxis(y, -1, axis), cnp.moveaxis(final, -1, axis)


def sosfilt(sos: Any, x: Any, axis: int = -1, zi: Any = None) -> Any:
    """``scipy.signal.sosfilt``: the cascade of second-order sections ``sos`` (rows
    ``b0 b1 b2 a0 a1 a2``), each an lfilter; ``zi`` of shape ``(sections, ..., 2)``.

    >>> sosfilt(np.array([[1.0, 0.0, 0.0, 1.0, -0.5, 0.0]]), np.array([1.0, 0.0, 0.0]))
    array([1.  , 0.5 , 0.25])
    """
    sos = cnp.asarray(sos)
    y = cnp.asarray(x)
    finals = []
    for section in range(_shape(sos)[0]):
        b, a = sos[section, :3], sos[section, 3:]
        if zi is None:
            y = lfilter(b, a, y, axis=axis)
        else:
            y, final = lfilter(b, a, y, axis=axis, zi=zi[section])
            finals.append(final)
    return y if zi is None else (y, cnp.stack(finals))


def coverage_rows() -> list:
    """``(SciPy name, chainrule module, modes)`` for each function of this namespace.

    >>> ("scipy.signal.lfilter", "chainrule.scipy.signal", "forward, reverse") in (
    ...     coverage_rows())
    True
    """
    return sorted((f"scipy.signal.{name}", __name__, "forward, reverse") for name in __all__)


def primitives() -> list:
    """The primitives behind this namespace.

    >>> sorted(prim.name for prim in primitives())[:2]
    ['scipy.signal.convolve', 'scipy.signal.fftconvolve']
    """
    return [prim for prim in _PRIMITIVES if prim.name.startswith("scipy.signal.")]


__all__ = ["convolve", "correlate", "fftconvolve", "lfilter", "oaconvolve", "sosfilt"]
