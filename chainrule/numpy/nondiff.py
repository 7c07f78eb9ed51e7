"""Functions whose outputs are piecewise constant (comparisons, logic, rounding,
signs, integer division) or are not array values of the input at all (indices,
counts, booleans, shapes). Declared non-differentiable, explicitly: their
derivative is zero in every mode, and their results are plain NumPy values,
never tracers.

The ufuncs are ``nondiff`` primitives. The other NumPy functions are plain
wrappers, registered with ``handles``, that call NumPy on the plain values
under every level of tracing. Three keep the derivative they do have:
``heaviside`` in its value at 0, ``sign`` of complex numbers (``z / |z|`` in
NumPy 2; NumPy 1.x's is piecewise constant), and the values ``unique`` returns
(gathered from ``x``).

>>> import chainrule.numpy.nondiff as nd
>>> cr.grad(lambda x: x * nd.floor(x))(2.5)     # floor(x) is a constant: d/dx = floor(x)
2.0
"""

from __future__ import annotations

import numpy as np

from ..core import Tracer, base_value
from .arithmetic import absolute, where
from .elementwise import broadcast_tangent, unbroadcast
from .indexing import take
from .wrap import NUMPY_2, UFUNCS, array_of, handles, nondiff, primitive, shape_of

# comparisons
less = nondiff("less", np.less)
less_equal = nondiff("less_equal", np.less_equal)
greater = nondiff("greater", np.greater)
greater_equal = nondiff("greater_equal", np.greater_equal)
equal = nondiff("equal", np.equal)
not_equal = nondiff("not_equal", np.not_equal)

# logic and classification
logical_and = nondiff("logical_and", np.logical_and)
logical_or = nondiff("logical_or", np.logical_or)
logical_not = nondiff("logical_not", np.logical_not)
logical_xor = nondiff("logical_xor", np.logical_xor)
isfinite = nondiff("isfinite", np.isfinite)
isnan = nondiff("isnan", np.isnan)
isinf = nondiff("isinf", np.isinf)
signbit = nondiff("signbit", np.signbit)

# signs, rounding and integer division: zero slope almost everywhere
sign_p = nondiff("sign", np.sign)


def sign(x, out=None):
    """``np.sign``: piecewise constant for real ``x``; for complex ``z`` NumPy 2 defines
    it as ``z / |z|``, which is smooth away from 0 and differentiated as such (NumPy
    1.x defines it as the sign of ``z.real``, or of ``z.imag`` where that is 0: a
    constant again).

    >>> cr.grad(lambda x: x * sign(x))(-2.0)
    -1.0
    """
    _no_out(out, "sign")
    if not NUMPY_2 or not np.iscomplexobj(base_value(x)):
        return sign_p(x)
    magnitude = absolute(x)
    at_zero = base_value(magnitude) == 0
    return where(at_zero, 0, x / where(at_zero, 1, magnitude))


UFUNCS[np.sign] = sign

floor = nondiff("floor", np.floor)
ceil = nondiff("ceil", np.ceil)
trunc = nondiff("trunc", np.trunc)
rint = nondiff("rint", np.rint)
floor_divide = nondiff("floor_divide", np.floor_divide)

around_p = nondiff("around", lambda x, decimals: np.around(x, decimals))
fix_p = nondiff("fix", np.fix)


@handles(np.round, np.around)
def around(a, decimals=0, out=None):
    """``np.round`` / ``np.around``: piecewise constant, so its derivative is zero.

    >>> around(np.array([0.37, 1.52]), 1)
    array([0.4, 1.5])
    """
    _no_out(out, "round")
    return around_p(a, decimals=decimals)


round = around  # noqa: A001 - NumPy's own name


@handles(np.fix)
def fix(x, out=None):
    """``np.fix``: round toward zero; its derivative is zero.

    >>> fix(np.array([-1.7, 1.7]))
    array([-1.,  1.])
    """
    _no_out(out, "fix")
    return fix_p(x)


# heaviside(x, h0) is a step in x (zero slope almost everywhere); the value h0 it
# takes at x == 0 passes through there, so it is differentiable in h0 only.
heaviside_p = primitive("heaviside", np.heaviside)
heaviside_p.def_vjp(None, lambda g, ans, x, h0: unbroadcast(g * (x == 0), shape_of(h0)))
heaviside_p.def_jvp(None, lambda t, ans, x, h0: broadcast_tangent(t * (x == 0), shape_of(ans)))


def heaviside(x, h0, out=None):
    """``np.heaviside``: a step in ``x`` (no derivative), differentiable in ``h0``.

    >>> cr.grad(lambda h0: heaviside(np.array([-1.0, 0.0, 2.0]), h0).sum())(0.5)
    1.0
    """
    _no_out(out, "heaviside")
    return heaviside_p(base_value(x), h0)


UFUNCS[np.heaviside] = heaviside


def _no_out(out, name):
    if out is not None:
        raise NotImplementedError(f"np.{name} with out= is not supported on traced values.")


def _plain(value):
    """``value`` with every tracer replaced by its plain value, inside lists, tuples, dicts."""
    if isinstance(value, Tracer):
        return base_value(value)
    if isinstance(value, (list, tuple)):
        return type(value)(_plain(item) for item in value)
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    return value


# Functions of indices, counts, booleans and shapes: NumPy on the plain values.

@handles(np.argmax)
def argmax(*args, **kwargs):
    """``np.argmax`` (an index, no derivative).

    >>> argmax(np.array([1.0, 3.0, 2.0]))
    1
    """
    return np.argmax(*_plain(args), **_plain(kwargs))


@handles(np.argmin)
def argmin(*args, **kwargs):
    """``np.argmin`` (an index, no derivative).

    >>> argmin(np.array([1.0, 3.0, 0.5]))
    2
    """
    return np.argmin(*_plain(args), **_plain(kwargs))


@handles(np.argsort)
def argsort(*args, **kwargs):
    """``np.argsort`` (indices, no derivative).

    >>> argsort(np.array([3.0, 1.0, 2.0]))
    array([1, 2, 0])
    """
    return np.argsort(*_plain(args), **_plain(kwargs))


@handles(np.argpartition)
def argpartition(*args, **kwargs):
    """``np.argpartition`` (indices, no derivative).

    >>> argpartition(np.array([3.0, 1.0, 2.0]), 0)[0]
    1
    """
    return np.argpartition(*_plain(args), **_plain(kwargs))


@handles(np.lexsort)
def lexsort(*args, **kwargs):
    """``np.lexsort`` (indices, no derivative).

    >>> lexsort((np.array([2.0, 1.0]), np.array([0.0, 0.0])))
    array([1, 0])
    """
    return np.lexsort(*_plain(args), **_plain(kwargs))


@handles(np.nonzero)
def nonzero(*args, **kwargs):
    """``np.nonzero`` (indices, no derivative).

    >>> nonzero(np.array([0.0, 2.0, 3.0]))
    (array([1, 2]),)
    """
    return np.nonzero(*_plain(args), **_plain(kwargs))


@handles(np.flatnonzero)
def flatnonzero(*args, **kwargs):
    """``np.flatnonzero`` (indices, no derivative).

    >>> flatnonzero(np.array([[0.0, 2.0], [3.0, 0.0]]))
    array([1, 2])
    """
    return np.flatnonzero(*_plain(args), **_plain(kwargs))


@handles(np.argwhere)
def argwhere(*args, **kwargs):
    """``np.argwhere`` (indices, no derivative).

    >>> argwhere(np.array([0.0, 2.0])).tolist()
    [[1]]
    """
    return np.argwhere(*_plain(args), **_plain(kwargs))


@handles(np.count_nonzero)
def count_nonzero(*args, **kwargs):
    """``np.count_nonzero`` (a count, no derivative).

    >>> count_nonzero(np.array([0.0, 2.0, 3.0]))
    2
    """
    return np.count_nonzero(*_plain(args), **_plain(kwargs))


@handles(np.searchsorted)
def searchsorted(*args, **kwargs):
    """``np.searchsorted`` (indices, no derivative).

    >>> searchsorted(np.array([1.0, 2.0, 3.0]), 2.5)
    2
    """
    return np.searchsorted(*_plain(args), **_plain(kwargs))


@handles(np.digitize)
def digitize(*args, **kwargs):
    """``np.digitize`` (bin indices, no derivative).

    >>> digitize(np.array([0.5, 1.5]), np.array([1.0, 2.0]))
    array([0, 1])
    """
    return np.digitize(*_plain(args), **_plain(kwargs))


@handles(np.isclose)
def isclose(*args, **kwargs):
    """``np.isclose`` (booleans, no derivative).

    >>> isclose(np.array([1.0, 2.0]), 1.0)
    array([ True, False])
    """
    return np.isclose(*_plain(args), **_plain(kwargs))


@handles(np.allclose)
def allclose(*args, **kwargs):
    """``np.allclose`` (a boolean, no derivative).

    >>> allclose(np.array([1.0, 2.0]), np.array([1.0, 2.0 + 1e-12]))
    True
    """
    return np.allclose(*_plain(args), **_plain(kwargs))


@handles(np.array_equal)
def array_equal(*args, **kwargs):
    """``np.array_equal`` (a boolean, no derivative).

    >>> array_equal(np.array([1.0, 2.0]), np.array([1.0, 2.0]))
    True
    """
    return np.array_equal(*_plain(args), **_plain(kwargs))


@handles(np.array_equiv)
def array_equiv(*args, **kwargs):
    """``np.array_equiv`` (a boolean, no derivative).

    >>> array_equiv(np.array([1.0, 1.0]), 1.0)
    True
    """
    return np.array_equiv(*_plain(args), **_plain(kwargs))


@handles(np.isreal)
def isreal(*args, **kwargs):
    """``np.isreal`` (booleans, no derivative).

    >>> isreal(np.array([1.0, 2.0]))
    array([ True,  True])
    """
    return np.isreal(*_plain(args), **_plain(kwargs))


@handles(np.iscomplex)
def iscomplex(*args, **kwargs):
    """``np.iscomplex`` (booleans, no derivative).

    >>> iscomplex(np.array([1.0, 1j]))
    array([False,  True])
    """
    return np.iscomplex(*_plain(args), **_plain(kwargs))


@handles(np.isposinf)
def isposinf(*args, **kwargs):
    """``np.isposinf`` (booleans, no derivative).

    >>> isposinf(np.array([np.inf, -np.inf]))
    array([ True, False])
    """
    return np.isposinf(*_plain(args), **_plain(kwargs))


@handles(np.isneginf)
def isneginf(*args, **kwargs):
    """``np.isneginf`` (booleans, no derivative).

    >>> isneginf(np.array([np.inf, -np.inf]))
    array([False,  True])
    """
    return np.isneginf(*_plain(args), **_plain(kwargs))


@handles(np.iscomplexobj)
def iscomplexobj(*args, **kwargs):
    """``np.iscomplexobj`` (a boolean, no derivative).

    >>> iscomplexobj(np.array([1.0]))
    False
    """
    return np.iscomplexobj(*_plain(args), **_plain(kwargs))


@handles(np.isrealobj)
def isrealobj(*args, **kwargs):
    """``np.isrealobj`` (a boolean, no derivative).

    >>> isrealobj(np.array([1.0]))
    True
    """
    return np.isrealobj(*_plain(args), **_plain(kwargs))


@handles(np.any)
def any(*args, **kwargs):  # noqa: A001 - NumPy's own name
    """``np.any`` (booleans, no derivative).

    >>> any(np.array([0.0, 2.0]))
    True
    """
    return np.any(*_plain(args), **_plain(kwargs))


@handles(np.all)
def all(*args, **kwargs):  # noqa: A001 - NumPy's own name
    """``np.all`` (booleans, no derivative).

    >>> all(np.array([0.0, 2.0]))
    False
    """
    return np.all(*_plain(args), **_plain(kwargs))


@handles(np.shape)
def shape(*args, **kwargs):
    """``np.shape``.

    >>> shape(np.zeros((2, 3)))
    (2, 3)
    """
    return np.shape(*_plain(args), **_plain(kwargs))


@handles(np.ndim)
def ndim(*args, **kwargs):
    """``np.ndim``.

    >>> ndim(np.zeros((2, 3)))
    2
    """
    return np.ndim(*_plain(args), **_plain(kwargs))


@handles(np.size)
def size(*args, **kwargs):
    """``np.size``.

    >>> size(np.zeros((2, 3)))
    6
    """
    return np.size(*_plain(args), **_plain(kwargs))


@handles(np.result_type)
def result_type(*args, **kwargs):
    """``np.result_type``.

    >>> result_type(np.zeros(2, np.float32), 1.0)
    dtype('float32')
    """
    return np.result_type(*_plain(args), **_plain(kwargs))


@handles(np.unique)
def unique(x, return_index=False, return_inverse=False, return_counts=False, axis=None,
           **kwargs):
    """``np.unique``. The indices, inverse and counts are plain; the unique values
    stay differentiable: each is gathered from its first occurrence in ``x``.

    >>> unique(np.array([3.0, 1.0, 3.0]), return_counts=True)
    (array([1., 3.]), array([1, 2]))
    """
    x = array_of(x)
    values, index, *rest = np.unique(base_value(x), return_index=True,
                                     return_inverse=return_inverse,
                                     return_counts=return_counts, axis=axis, **kwargs)
    if isinstance(x, Tracer):
        values = take(x, index, axis=axis)
    if not (return_index or return_inverse or return_counts):
        return values
    return (values,) + ((index,) if return_index else ()) + tuple(rest)
