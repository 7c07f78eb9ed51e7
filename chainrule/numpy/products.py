"""Products: matmul, dot, tensordot, einsum, inner, outer, vdot, kron, cross, vecdot.

``einsum`` is the general one: its VJP for each operand is another einsum (of
the cotangent with the other operands), so every order of derivative works.
``tensordot`` keeps NumPy's BLAS path and transposes itself; ``matmul`` is the
hot path of most programs and stays lean.
"""

from __future__ import annotations

import math
import string
from collections import Counter
from typing import Any

import numpy as np

from . import reductions
from .batching import logical_ndim
from .elementwise import astype, unbroadcast
from .manipulation import expand_dims, moveaxis, reshape, swapaxes, transpose
from .wrap import UFUNCS, array_of, dtype_of, handles, primitive, shape_of, since_numpy


def _array(x):
    """Lists and tuples (which may hold tracers) as arrays, so their shapes are known."""
    return array_of(x)


def _swap_last(x):
    return swapaxes(x, -1, -2)


def _reshape(x, shape):
    return reshape(x, shape)


def _sum(x, axis, keepdims=False):
    return reductions.sum(x, axis=axis, keepdims=keepdims)


# -- matmul and dot ----------------------------------------------------------------


def _matmul_vjp_x(g, ans, x, y):
    x, y = _array(x), _array(y)  # ``m @ [1.0, 2.0]``
    x_ndim, y_ndim = len(shape_of(x)), len(shape_of(y))
    if x_ndim == 1 and y_ndim == 1:
        return g * y
    if y_ndim == 1:  # (..., n, k) @ (k,) -> (..., n)
        return unbroadcast(g[..., None] * y, shape_of(x))
    if x_ndim == 1:  # (k,) @ (..., k, m) -> (..., m)
        return unbroadcast(matmul(y, g[..., None])[..., 0], shape_of(x))
    return unbroadcast(matmul(g, _swap_last(y)), shape_of(x))


def _matmul_vjp_y(g, ans, x, y):
    x, y = _array(x), _array(y)  # ``m @ [1.0, 2.0]``
    x_ndim, y_ndim = len(shape_of(x)), len(shape_of(y))
    if x_ndim == 1 and y_ndim == 1:
        return g * x
    if x_ndim == 1:  # (k,) @ (..., k, m): outer products
        return unbroadcast(x[:, None] * g[..., None, :], shape_of(y))
    if y_ndim == 1:  # (..., n, k) @ (k,)
        if x_ndim == 2:
            return matmul(g, x)
        return unbroadcast(matmul(g[..., None, :], x)[..., 0, :], shape_of(y))
    return unbroadcast(matmul(_swap_last(x), g), shape_of(y))


matmul = primitive("matmul", np.matmul)
matmul.def_vjp(_matmul_vjp_x, _matmul_vjp_y)
matmul.def_jvp(lambda t, ans, x, y: matmul(t, y), lambda t, ans, x, y: matmul(x, t))
UFUNCS[np.matmul] = matmul


def _matmul_batch(args, batched):
    """One matmul on the whole batch: a member's 1-D operand becomes a matrix (its
    extra axis dropped after), a batched operand's stacking axes gain ones after the
    batch axis so they line up with the other operand's (NumPy aligns from the right)."""
    (x, y), (x_batched, y_batched) = args, batched
    x_ndim, y_ndim = logical_ndim(x, x_batched), logical_ndim(y, y_batched)
    if x_ndim == 0 or y_ndim == 0:
        raise ValueError("matmul: a scalar operand has no matrix axes; multiply with * instead")
    # the hot paths of Jacobians and Hessians: a basis of vectors times one matrix
    if x_batched and not y_batched and x_ndim == 1 and y_ndim == 2:
        return matmul(x, y)  # (B, k) @ (k, m)
    if y_batched and not x_batched and y_ndim == 1 and x_ndim == 2:
        # (n, k) @ (B, k)  ==  (B, k) @ (k, n). A plain matrix is copied to row order:
        # multi-threaded OpenBLAS multiplies a transposed operand several times slower
        # (measured 0.2 ms against 0.03 ms for 100 x 100 on 2 cores)
        transposed = _swap_last(x)
        if type(transposed) is np.ndarray:
            transposed = np.ascontiguousarray(transposed)
        return matmul(y, transposed)
    if x_ndim == y_ndim == 1 and x_batched != y_batched:
        return matmul(x, y) if x_batched else matmul(y, x)  # (B, k) @ (k,)
    if (x_ndim == 1 and not x_batched) or (y_ndim == 1 and not y_batched):
        return matmul(x, y)  # an unbatched vector broadcasts against a stack of matrices
    x_vector, y_vector = x_ndim == 1, y_ndim == 1
    if x_vector:
        x, x_ndim = expand_dims(x, -2), 2
    if y_vector:
        y, y_ndim = expand_dims(y, -1), 2
    ndim = max(x_ndim, y_ndim)
    x, y = (_ones_after_batch(v, flag, ndim) for v, flag in ((x, x_batched), (y, y_batched)))
    result = matmul(x, y)
    if x_vector or y_vector:
        shape = shape_of(result)
        result = _reshape(result, shape[:-2] + shape[-2:][x_vector:2 - y_vector])
    return result


def _ones_after_batch(value, flag, ndim):
    """A batched ``value`` with ones after the batch axis, to ``ndim`` member axes."""
    missing = ndim - logical_ndim(value, flag)
    if not flag or not missing:
        return value
    shape = shape_of(value)
    return _reshape(value, shape[:1] + (1,) * missing + shape[1:])


matmul.def_batch(_matmul_batch)
matmul.written_doc = """numpy.matmul (the ``@`` operator), differentiable in both modes.

>>> cr.grad(lambda x: (np.eye(2) * 3.0 @ x).sum())(np.ones(2))
array([3., 3.])
"""
handles(since_numpy(np.linalg, "matmul"))(matmul)


@handles(np.dot)
def dot(a, b, out=None):
    """``np.dot``: a product of scalars, vectors or matrices, or a sum over the last
    axis of ``a`` and the second-to-last of ``b``.

    >>> dot(np.array([1.0, 2.0]), np.array([3.0, 4.0]))
    11.0
    """
    _no_out(out, "dot")
    a, b = _array(a), _array(b)
    a_ndim, b_ndim = len(shape_of(a)), len(shape_of(b))
    if a_ndim == 0 or b_ndim == 0:
        return a * b
    if a_ndim <= 2 and b_ndim <= 2:
        return matmul(a, b)
    return tensordot(a, b, axes=([-1], [max(b_ndim - 2, 0)]))


def _no_out(out, name):
    if out is not None:
        raise NotImplementedError(
            f"numpy.{name}(..., out=...) is not supported on traced values; "
            "assign the result instead (out[...] = result).")


# -- tensordot -----------------------------------------------------------------------


def _transpose_to(x, source_axes):
    """Transpose ``x`` whose axis ``j`` holds the result's axis ``source_axes[j]``."""
    perm = tuple(int(p) for p in np.argsort(source_axes))
    if perm == tuple(range(len(perm))):
        return x
    return transpose(x, perm)


def _tensordot_vjp_a(g, ans, a, b, axes):
    a_axes, b_axes = axes
    a_free = [k for k in range(len(shape_of(a))) if k not in a_axes]
    b_free = [k for k in range(len(shape_of(b))) if k not in b_axes]
    n = len(a_free)
    result = tensordot_p(g, b, axes=(tuple(range(n, n + len(b_free))), tuple(b_free)))
    paired = sorted(range(len(b_axes)), key=lambda k: b_axes[k])  # b's leftover axes, in order
    return _transpose_to(result, a_free + [a_axes[k] for k in paired])


def _tensordot_vjp_b(g, ans, a, b, axes):
    a_axes, b_axes = axes
    a_free = [k for k in range(len(shape_of(a))) if k not in a_axes]
    b_free = [k for k in range(len(shape_of(b))) if k not in b_axes]
    result = tensordot_p(a, g, axes=(tuple(a_free), tuple(range(len(a_free)))))
    paired = sorted(range(len(a_axes)), key=lambda k: a_axes[k])  # a's leftover axes, in order
    return _transpose_to(result, [b_axes[k] for k in paired] + b_free)


tensordot_p = primitive("tensordot", lambda a, b, axes: np.tensordot(a, b, axes))
tensordot_p.def_vjp(_tensordot_vjp_a, _tensordot_vjp_b)
tensordot_p.def_jvp(lambda t, ans, a, b, axes: tensordot_p(t, b, axes=axes),
                    lambda t, ans, a, b, axes: tensordot_p(a, t, axes=axes))


def _tensordot_batch(args, batched, axes):
    (a, b), (a_batched, b_batched) = args, batched
    a_axes, b_axes = axes
    if a_batched and b_batched:  # the batch axis is shared, not summed: an einsum
        letters = iter(_LETTERS)
        a_term = [next(letters) for _ in range(logical_ndim(a, True))]
        b_term = [next(letters) for _ in range(logical_ndim(b, True))]
        for i, j in zip(a_axes, b_axes):
            b_term[j] = a_term[i]
        output = ([c for k, c in enumerate(a_term) if k not in a_axes]
                  + [c for k, c in enumerate(b_term) if k not in b_axes])
        batch = next(letters)
        return einsum_p(a, b, optimize=None, subscripts=f"{batch}{''.join(a_term)},{batch}"
                        f"{''.join(b_term)}->{batch}{''.join(output)}")
    if a_batched:  # a's free axes come first, the batch axis among them
        return tensordot_p(a, b, axes=(tuple(k + 1 for k in a_axes), b_axes))
    result = tensordot_p(a, b, axes=(a_axes, tuple(k + 1 for k in b_axes)))
    return moveaxis(result, len(shape_of(a)) - len(a_axes), 0)


tensordot_p.def_batch(_tensordot_batch)


@handles(np.tensordot, since_numpy(np.linalg, "tensordot"))
def tensordot(a, b, axes=2):
    """``np.tensordot``: sum products over ``axes`` (an int, or a pair of axis lists).

    >>> tensordot(np.ones((2, 3, 4)), np.ones((3, 4, 5)), axes=2).shape
    (2, 5)
    """
    a, b = _array(a), _array(b)
    a_ndim, b_ndim = len(shape_of(a)), len(shape_of(b))
    if isinstance(axes, (int, np.integer)):
        a_axes, b_axes = range(a_ndim - int(axes), a_ndim), range(int(axes))
    else:
        a_axes, b_axes = axes
        a_axes = (a_axes,) if isinstance(a_axes, (int, np.integer)) else a_axes
        b_axes = (b_axes,) if isinstance(b_axes, (int, np.integer)) else b_axes
    a_axes = tuple(int(k) % a_ndim for k in a_axes)
    b_axes = tuple(int(k) % b_ndim for k in b_axes)
    if len(a_axes) != len(b_axes):
        raise ValueError("shape-mismatch for sum: tensordot needs as many axes of a as of b")
    return tensordot_p(a, b, axes=(a_axes, b_axes))


@handles(np.inner)
def inner(a, b):
    """``np.inner``: sum products over the last axes of ``a`` and ``b``.

    >>> inner(np.array([1.0, 2.0]), np.array([3.0, 4.0]))
    11.0
    """
    a, b = _array(a), _array(b)
    a_ndim, b_ndim = len(shape_of(a)), len(shape_of(b))
    if a_ndim == 0 or b_ndim == 0:
        return a * b
    if a_ndim == 1 and b_ndim == 1:
        return matmul(a, b)
    return tensordot(a, b, axes=([-1], [-1]))


@handles(np.outer, since_numpy(np.linalg, "outer"))
def outer(a, b, out=None):
    """``np.outer``: every product ``a[i] * b[j]`` of the flattened inputs.

    >>> outer(np.array([1.0, 2.0]), np.array([1.0, 10.0]))
    array([[ 1., 10.],
           [ 2., 20.]])
    """
    _no_out(out, "outer")
    a, b = _array(a), _array(b)
    return _reshape(a, (-1, 1)) * _reshape(b, (1, -1))


@handles(np.vdot)
def vdot(a, b):
    """``np.vdot``: the dot product of the flattened inputs, ``a`` conjugated.

    >>> vdot(np.array([[1.0, 2.0], [3.0, 4.0]]), np.ones((2, 2)))
    10.0
    """
    a, b = _array(a), _array(b)
    if np.issubdtype(dtype_of(a), np.complexfloating):
        a = np.conjugate(a)
    return matmul(_reshape(a, (-1,)), _reshape(b, (-1,)))


@handles(np.kron)
def kron(a, b):
    """``np.kron``: the Kronecker product, blocks ``a[i, j] * b``.

    >>> kron(np.eye(2), np.array([[1.0, 2.0]]))
    array([[1., 2., 0., 0.],
           [0., 0., 1., 2.]])
    """
    a, b = _array(a), _array(b)
    a_shape, b_shape = shape_of(a), shape_of(b)
    ndim = max(len(a_shape), len(b_shape))
    a_shape = (1,) * (ndim - len(a_shape)) + a_shape
    b_shape = (1,) * (ndim - len(b_shape)) + b_shape
    a = _reshape(a, tuple(n for size in a_shape for n in (size, 1)))
    b = _reshape(b, tuple(n for size in b_shape for n in (1, size)))
    return _reshape(a * b, tuple(m * n for m, n in zip(a_shape, b_shape)))


_LEVI_CIVITA = np.zeros((3, 3, 3))
for _i, _j, _k in ((0, 1, 2), (1, 2, 0), (2, 0, 1)):
    _LEVI_CIVITA[_i, _j, _k], _LEVI_CIVITA[_i, _k, _j] = 1.0, -1.0


@handles(np.cross, since_numpy(np.linalg, "cross"))
def cross(a, b, axisa=-1, axisb=-1, axisc=-1, axis=None):
    """``np.cross`` of 3-vectors (or 2-vectors, whose missing z is zero), broadcast.

    >>> cross(np.array([1.0, 0.0, 0.0]), np.array([0.0, 1.0, 0.0]))
    array([0., 0., 1.])
    """
    a, b = _array(a), _array(b)
    if axis is not None:
        axisa = axisb = axisc = axis
    a, b = moveaxis(a, axisa, -1), moveaxis(b, axisb, -1)
    m, n = shape_of(a)[-1], shape_of(b)[-1]
    if m not in (2, 3) or n not in (2, 3):
        raise ValueError("incompatible dimensions for cross product\n(dimension must be 2 or 3)")
    levi_civita = _LEVI_CIVITA.astype(np.result_type(dtype_of(a), dtype_of(b)))
    if m == n == 2:  # the z component only, a scalar per pair
        return einsum("jk,...j,...k->...", levi_civita[2, :2, :2], a, b)
    c = einsum("ijk,...j,...k->...i", levi_civita[:, :m, :n], a, b)
    return moveaxis(c, -1, axisc)


# -- einsum --------------------------------------------------------------------------

_LETTERS = string.ascii_letters
_SUBLIST_LETTERS = string.ascii_uppercase + string.ascii_lowercase  # NumPy's: 0 -> "A"
_MAX_OPERANDS = 64  # NumPy's own limit on operands


def _normalize_subscripts(subscripts, shapes):
    """Explicit subscripts with letters only: ``...`` spelled out, the output given."""
    subscripts = subscripts.replace(" ", "")
    inputs, arrow, output = subscripts.partition("->")
    terms = inputs.split(",")
    if len(terms) != len(shapes):
        raise ValueError(f"einsum: {len(terms)} subscript terms for {len(shapes)} operands")
    fresh = [c for c in _LETTERS if c not in subscripts]
    spans = []
    for term, shape in zip(terms, shapes):
        letters = len(term.replace("...", ""))
        spans.append(len(shape) - letters if "..." in term else 0)
        if spans[-1] < 0 or ("..." not in term and letters != len(shape)):
            raise ValueError(f"einsum: subscripts {term!r} do not fit an operand of shape {shape}")
    ellipsis = "".join(fresh[:max(spans, default=0)])
    terms = [term.replace("...", ellipsis[len(ellipsis) - span:])
             for term, span in zip(terms, spans)]
    if arrow:
        if "..." not in output and ellipsis:
            raise ValueError("einsum: the output has no '...' for the broadcast dimensions")
        output = output.replace("...", ellipsis)
    else:
        counts = Counter("".join(terms))
        output = ellipsis + "".join(sorted(c for c, k in counts.items()
                                           if k == 1 and c not in ellipsis))
    return ",".join(terms) + "->" + output


def _interleaved_to_string(arguments):
    """``einsum(a, [0, 1], b, [1, 2], [0, 2])`` -> ``("ab,bc->ac", [a, b])``."""
    def letters(sublist):
        return "".join("..." if s is Ellipsis else _SUBLIST_LETTERS[int(s)] for s in sublist)

    operands = list(arguments[0::2][:len(arguments) // 2])
    terms = [letters(s) for s in arguments[1::2][:len(operands)]]
    output = "->" + letters(arguments[-1]) if len(arguments) % 2 else ""
    return ",".join(terms) + output, operands


def _letter_sizes(terms, operands):
    sizes = {}
    for term, operand in zip(terms, operands):
        for letter, size in zip(term, shape_of(operand)):
            if sizes.get(letter, 1) == 1:
                sizes[letter] = size
    return sizes


def _einsum_impl(*operands, subscripts, optimize):
    if optimize is None:  # contraction order and BLAS for big or many operands
        work = math.prod(math.prod(np.shape(x)) for x in operands)
        optimize = "greedy" if len(operands) > 2 or work > 1e5 else False
    return np.einsum(subscripts, *operands, optimize=optimize)


def _einsum_vjp(i):
    def vjp(g, ans, *operands, subscripts, optimize):
        inputs, output = subscripts.split("->")
        terms = inputs.split(",")
        sizes = _letter_sizes(terms, operands)
        new_terms = [output] + terms[:i] + terms[i + 1:]
        new_operands = [g] + list(operands[:i] + operands[i + 1:])
        present = set("".join(new_terms))
        fresh = iter(c for c in _LETTERS if c not in subscripts)
        dtype = dtype_of(g)
        target = []
        for letter in terms[i]:
            if letter in target:  # a diagonal: scatter back through an identity
                other = next(fresh)
                new_terms.append(letter + other)
                new_operands.append(np.eye(sizes[letter], dtype=dtype))
                target.append(other)
                present.add(letter)
            else:
                target.append(letter)
        for letter in dict.fromkeys(terms[i]):
            if letter not in present:  # summed in this operand only: broadcast back
                new_terms.append(letter)
                new_operands.append(np.ones(sizes[letter], dtype=dtype))
        if isinstance(optimize, (list, tuple)):  # a path for the operands of the call
            optimize = None
        result = einsum_p(*new_operands, optimize=optimize,
                          subscripts=",".join(new_terms) + "->" + "".join(target))
        shape = shape_of(operands[i])
        summed = tuple(p for p, letter in enumerate(terms[i])
                       if shape[p] == 1 and sizes[letter] != 1)
        return _sum(result, summed, keepdims=True) if summed else result

    return vjp


def _einsum_jvp(i):
    def jvp(t, ans, *operands, subscripts, optimize):
        operands = operands[:i] + (t,) + operands[i + 1:]
        return einsum_p(*operands, subscripts=subscripts, optimize=optimize)

    return jvp


einsum_p = primitive("einsum", _einsum_impl)
einsum_p.def_vjp(*(_einsum_vjp(i) for i in range(_MAX_OPERANDS)))
einsum_p.def_jvp(*(_einsum_jvp(i) for i in range(_MAX_OPERANDS)))


def _einsum_batch(operands, batched, subscripts, optimize):
    """A new letter for the batch axis, in front of the batched operands' terms and the output."""
    letter = next((c for c in _LETTERS if c not in subscripts), None)
    if letter is None:
        raise ValueError("einsum under vmap needs a letter the subscripts do not use, for the "
                         "batch axis; all 52 are taken. Split the contraction into two einsums.")
    inputs, output = subscripts.split("->")
    terms = [letter + term if flag else term for term, flag in zip(inputs.split(","), batched)]
    return einsum_p(*operands, optimize=optimize,
                    subscripts=",".join(terms) + "->" + letter + output)


einsum_p.def_batch(_einsum_batch)


@handles(np.einsum)
def einsum(*operands, out=None, optimize=None, dtype=None, **kwargs):
    """``np.einsum``: string subscripts (implicit or explicit output, ``...``) or
    NumPy's interleaved form; any number of operands; diagonals like ``"ii->i"``.

    >>> einsum("ij,j->i", np.eye(2), np.array([1.0, 2.0]))
    array([1., 2.])
    """
    _no_out(out, "einsum")
    if isinstance(operands[0], str):
        subscripts, operands = operands[0], list(operands[1:])
    else:
        subscripts, operands = _interleaved_to_string(operands)
    operands = [_array(x) for x in operands]
    subscripts = _normalize_subscripts(subscripts, [shape_of(x) for x in operands])
    result = einsum_p(*operands, subscripts=subscripts, optimize=optimize or None)
    if dtype is not None:
        result = astype(result, dtype)
    return result


def vecdot(x1, x2, /, *, axis=-1):
    """``np.vecdot``: the dot product of vectors along ``axis``, broadcast.

    >>> vecdot(np.array([[1.0, 2.0], [3.0, 4.0]]), np.array([1.0, 1.0]))
    array([3., 7.])
    """
    x1, x2 = _array(x1), _array(x2)
    if np.issubdtype(dtype_of(x1), np.complexfloating):
        x1 = np.conjugate(x1)
    return _sum(x1 * x2, axis)


if since_numpy(np, "vecdot") is not None:
    UFUNCS[np.vecdot] = vecdot
handles(since_numpy(np.linalg, "vecdot"))(vecdot)


def _no_gufunc_options(name: str, options: dict) -> None:
    if options:
        raise NotImplementedError(f"np.{name} with {sorted(options)} is not supported on "
                                  "traced values; move the axes with np.moveaxis first.")


def matvec(x1: Any, x2: Any, /, **options: Any) -> Any:
    """``np.matvec`` (NumPy 2.2+): matrix times vector over the last axes, broadcast.

    >>> matvec(np.array([[1.0, 2.0], [3.0, 4.0]]), np.array([1.0, 1.0]))
    array([3., 7.])
    """
    _no_gufunc_options("matvec", options)
    x1, x2 = _array(x1), _array(x2)
    return matmul(x1, expand_dims(x2, -1))[..., 0]


def vecmat(x1: Any, x2: Any, /, **options: Any) -> Any:
    """``np.vecmat`` (NumPy 2.2+): the (conjugated) vector times matrix, broadcast.

    >>> vecmat(np.array([1.0, 1.0]), np.array([[1.0, 2.0], [3.0, 4.0]]))
    array([4., 6.])
    """
    _no_gufunc_options("vecmat", options)
    x1, x2 = _array(x1), _array(x2)
    if np.issubdtype(dtype_of(x1), np.complexfloating):
        x1 = np.conjugate(x1)
    return matmul(expand_dims(x1, -2), x2)[..., 0, :]


for _name, _function in (("matvec", matvec), ("vecmat", vecmat)):
    if since_numpy(np, _name) is not None:
        UFUNCS[getattr(np, _name)] = _function  # gufuncs arrive through __array_ufunc__
