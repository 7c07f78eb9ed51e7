"""Complex numbers: real, imag, conj, angle.

chainrule follows JAX's convention: a VJP is the transpose of the JVP with
respect to the real bilinear pairing ``<a, b> = Re(a * b)``. Holomorphic
rules therefore need no conjugation (``g * f'(z)``), and for a real-valued
``f`` of complex ``z = x + iy``, ``grad(f)(z) = df/dx - i df/dy``:

>>> cr.grad(lambda z: np.real(z * np.conj(z)))(3.0 + 4.0j)
(6-8j)
"""

from __future__ import annotations

import numpy as np

from .batching import elementwise_batch
from .elementwise import elementwise
from .wrap import array_of, dtype_of, handles, primitive

real_p = primitive("real", np.real)
# The output of real/imag is real, so only the real part of its cotangent counts.
real_p.def_linear(lambda g, ans, x: real(g) * (1.0 + 0.0j))  # type: ignore[has-type]

imag_p = primitive("imag", np.imag)
imag_p.def_linear(lambda g, ans, x: real(g) * -1j)  # type: ignore[has-type]

conjugate = elementwise("conjugate", np.conjugate)
conjugate.def_vjp(lambda g, ans, x: conjugate(g))
conjugate.def_jvp(lambda t, ans, x: conjugate(t))
conj = conjugate

angle_p = primitive("angle", lambda x, deg: np.angle(x, deg))
# angle = arctan2(imag, real): d angle = Im(conj(z) dz) / |z|^2
angle_p.def_vjp(lambda g, ans, x, deg: g * _degrees(deg) * -1j * np.conj(x) / (x * np.conj(x))
                if _is_complex(x) else 0.0 * x)
angle_p.def_jvp(lambda t, ans, x, deg: real(t * -1j * np.conj(x) / (x * np.conj(x)))  # type: ignore[has-type]
                * _degrees(deg) if _is_complex(x) else 0.0 * t)


def _is_complex(x):
    return dtype_of(x).kind == "c"


for _prim in (real_p, imag_p, angle_p):
    _prim.def_batch(elementwise_batch(_prim))


def _degrees(deg):
    return 180.0 / np.pi if deg else 1.0


@handles(np.real)
def real(x):
    """The real part (a real array for complex input, ``x`` itself otherwise).

    >>> real(np.array([1 + 2j]))
    array([1.])
    """
    x = array_of(x)
    return real_p(x) if _is_complex(x) else x


@handles(np.imag)
def imag(x):
    """The imaginary part.

    >>> imag(np.array([1 + 2j]))
    array([2.])
    """
    return imag_p(x)


@handles(np.angle)
def angle(x, deg=False):
    """The argument of a complex number.

    >>> angle(np.array([1j]))
    array([1.57079633])
    """
    return angle_p(x, deg=deg)
