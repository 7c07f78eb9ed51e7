"""The NumPy functions that return views, returning views on traced arrays too.

``np.ravel(A)[4] = t``, ``np.transpose(A)[0] = v``, ``np.reshape(A, 9)[i] = t``
write into ``A`` in NumPy; here each such function computes its result with
the functional version in ``manipulation.py`` and then, where NumPy's own
result on the plain value is a view (it shares memory with the base), makes
it one (``make_view``): writes reach the base in every mode, and a write into
the base shows through the view. Where NumPy copies (``np.ravel`` of a
transposed array) the result is a copy; where NumPy's view is read-only
(``np.diagonal``, ``np.broadcast_to``) writing raises NumPy's ValueError.
"""

from __future__ import annotations

import numpy as np

from . import arithmetic, complex_numbers, indexing, joining, manipulation
from .manipulation import _array, _axis
from .mutation import fillable, layout_member, make_view
from .wrap import handles, shape_of


def _reshaped_view(x, result, order="C"):
    """``result``, a reshaping of ``x``, as a view of it."""
    shape = shape_of(result)
    return make_view(
        x, result,
        lambda base: manipulation.reshape(base, shape, order=order),
        lambda view, base: manipulation.reshape(view, shape_of(base), order=order))


@handles(np.reshape)
def reshape(x, shape=None, order="C", **kwargs):
    """``np.reshape``; a view of ``x`` where NumPy's is.

    >>> reshape(np.arange(6.0), (2, 3)).shape
    (2, 3)
    """
    x = _array(x)
    return _reshaped_view(x, manipulation.reshape(x, shape, order=order, **kwargs), order)


@handles(np.ravel)
def ravel(x, order="C"):
    """``np.ravel``: a view where NumPy's is (a contiguous array), else a copy.

    >>> ravel(np.ones((2, 3))).shape
    (6,)
    """
    x = _array(x)
    result = manipulation.ravel(x, order)
    if order in ("A", "K"):
        plain = layout_member(x)  # under vmap: one member, as NumPy lays it out
        order = ("F" if isinstance(plain, np.ndarray) and plain.flags.f_contiguous
                 and not plain.flags.c_contiguous else "C")
    return _reshaped_view(x, result, order)


@handles(np.squeeze)
def squeeze(x, axis=None):
    """``np.squeeze``: drop axes of length one; a view.

    >>> squeeze(np.ones((1, 3, 1))).shape
    (3,)
    """
    x = _array(x)
    return _reshaped_view(x, manipulation.squeeze(x, axis))


@handles(np.expand_dims)
def expand_dims(x, axis):
    """``np.expand_dims``: insert axes of length one; a view.

    >>> expand_dims(np.ones(3), (0, 2)).shape
    (1, 3, 1)
    """
    x = _array(x)
    return _reshaped_view(x, manipulation.expand_dims(x, axis))


def _atleast(arrays, function):
    arrays = tuple(_array(x) for x in arrays)
    results = function(*arrays)
    if len(arrays) == 1:
        return _reshaped_view(arrays[0], results)
    return tuple(_reshaped_view(x, result) for x, result in zip(arrays, results))


@handles(np.atleast_1d)
def atleast_1d(*arrays):
    """``np.atleast_1d``: scalars become arrays of shape ``(1,)``; views.

    >>> atleast_1d(2.0)
    array([2.])
    """
    return _atleast(arrays, manipulation.atleast_1d)


@handles(np.atleast_2d)
def atleast_2d(*arrays):
    """``np.atleast_2d``: an array of shape ``(N,)`` becomes ``(1, N)``; views.

    >>> atleast_2d(np.ones(3)).shape
    (1, 3)
    """
    return _atleast(arrays, manipulation.atleast_2d)


@handles(np.atleast_3d)
def atleast_3d(*arrays):
    """``np.atleast_3d``: ``(N,)`` becomes ``(1, N, 1)``, ``(M, N)`` becomes ``(M, N, 1)``.

    >>> atleast_3d(np.ones(3)).shape
    (1, 3, 1)
    """
    return _atleast(arrays, manipulation.atleast_3d)


@handles(np.transpose)
def transpose(x, axes=None):
    """``np.transpose``: reverse or permute the axes; a view.

    >>> transpose(np.ones((2, 3, 4)), (2, 0, 1)).shape
    (4, 2, 3)
    """
    x = _array(x)
    result = manipulation.transpose(x, axes)
    if axes is not None:
        ndim = len(shape_of(x))
        axes = tuple(int(a) % ndim for a in axes)
    inverse = None if axes is None else tuple(int(a) for a in np.argsort(axes))
    return make_view(x, result, lambda base: manipulation.transpose(base, axes),
                     lambda view, base: manipulation.transpose(view, inverse))


@handles(np.swapaxes)
def swapaxes(x, axis1, axis2):
    """``np.swapaxes``; a view.

    >>> swapaxes(np.ones((2, 3, 4)), 0, -1).shape
    (4, 3, 2)
    """
    x = _array(x)
    swap = lambda value: manipulation.swapaxes(value, axis1, axis2)
    return make_view(x, swap(x), swap, lambda view, base: swap(view))


@handles(np.moveaxis)
def moveaxis(x, source, destination):
    """``np.moveaxis``: move axes to new positions; a view.

    >>> moveaxis(np.ones((2, 3, 4)), 0, -1).shape
    (3, 4, 2)
    """
    x = _array(x)
    return make_view(
        x, manipulation.moveaxis(x, source, destination),
        lambda base: manipulation.moveaxis(base, source, destination),
        lambda view, base: manipulation.moveaxis(view, destination, source))


@handles(np.flip)
def flip(x, axis=None):
    """``np.flip``: reverse the order of elements along ``axis``; a view.

    >>> flip(np.array([1.0, 2.0, 3.0]))
    array([3., 2., 1.])
    """
    x = _array(x)
    turn = lambda value: manipulation.flip(value, axis)
    return make_view(x, turn(x), turn, lambda view, base: turn(view))


@handles(np.fliplr)
def fliplr(x):
    """``np.fliplr``: reverse the columns; a view.

    >>> fliplr(np.array([[1.0, 2.0]]))
    array([[2., 1.]])
    """
    x = _array(x)
    return make_view(x, manipulation.fliplr(x), manipulation.fliplr,
                     lambda view, base: manipulation.fliplr(view))


@handles(np.flipud)
def flipud(x):
    """``np.flipud``: reverse the rows; a view.

    >>> flipud(np.array([[1.0], [2.0]]))
    array([[2.],
           [1.]])
    """
    x = _array(x)
    return make_view(x, manipulation.flipud(x), manipulation.flipud,
                     lambda view, base: manipulation.flipud(view))


@handles(np.rot90)
def rot90(x, k=1, axes=(0, 1)):
    """``np.rot90``: rotate by 90 degrees ``k`` times in the plane of ``axes``; a view.

    >>> rot90(np.array([[1.0, 2.0], [3.0, 4.0]]))
    array([[2., 4.],
           [1., 3.]])
    """
    x = _array(x)
    return make_view(x, manipulation.rot90(x, k, axes),
                     lambda base: manipulation.rot90(base, k, axes),
                     lambda view, base: manipulation.rot90(view, -k, axes))


@handles(np.diagonal)
def diagonal(x, offset=0, axis1=0, axis2=1):
    """``np.diagonal``: a read-only view, as in NumPy.

    >>> diagonal(np.array([[1.0, 2.0], [3.0, 4.0]]), offset=1)
    array([2.])
    """
    x = _array(x)
    read = lambda base: manipulation.diagonal(base, offset, axis1, axis2)
    return make_view(x, read(x), read, None)


@handles(np.diag)
def diag(v, k=0):
    """``np.diag``: a matrix's diagonal ``k`` (a read-only view), or a 1-D array on one.

    >>> diag(np.array([1.0, 2.0]))
    array([[1., 0.],
           [0., 2.]])
    """
    v = _array(v)
    if len(shape_of(v)) == 2:
        return diagonal(v, k)
    return manipulation.diag(v, k)


@handles(np.broadcast_to)
def broadcast_to(x, shape, subok=False):
    """``np.broadcast_to``: a read-only view, as in NumPy.

    >>> broadcast_to(np.array([1.0, 2.0]), (2, 2))
    array([[1., 2.],
           [1., 2.]])
    """
    x = _array(x)
    return make_view(x, manipulation.broadcast_to(x, shape),
                     lambda base: manipulation.broadcast_to(base, shape), None)


@handles(np.real)
def real(x):
    """``np.real``: of a complex array a view (writes reach ``x``), else ``x`` itself.

    >>> real(np.array([1 + 2j]))
    array([1.])
    """
    return make_view(x, complex_numbers.real(x), complex_numbers.real,
                     lambda view, base: arithmetic.add(
                         view, arithmetic.multiply(1j, complex_numbers.imag(base))))


@handles(np.imag)
def imag(x):
    """``np.imag``: of a complex array a view (writes reach ``x``).

    >>> imag(np.array([1 + 2j]))
    array([2.])
    """
    return make_view(x, complex_numbers.imag(x), complex_numbers.imag,
                     lambda view, base: arithmetic.add(
                         complex_numbers.real(base), arithmetic.multiply(1j, view)))


def _slice_view(x, piece, index):
    return make_view(x, piece, lambda base: indexing.getitem(base, index),
                     lambda view, base: indexing.setitem(base, index, view), shares=True)


def _split_views(split_function, axis_of):
    """``split_function`` (one of joining.py's), its pieces made views of its input.

    The functions in joining.py compute the pieces; these, registered later for
    the same NumPy functions, take their place as NumPy reaches them.
    """

    def split_into_views(x, indices_or_sections, *args, **kwargs):
        x = _array(x)
        pieces = split_function(x, indices_or_sections, *args, **kwargs)
        ndim = len(shape_of(x))
        axis = _axis(axis_of(ndim, *args, **kwargs), ndim)
        views, start = [], 0
        for piece in pieces:
            stop = start + shape_of(piece)[axis]
            views.append(_slice_view(x, piece, (slice(None),) * axis + (slice(start, stop),)))
            start = stop
        return views

    split_into_views.__name__ = split_function.__name__
    split_into_views.__doc__ = (split_function.__doc__ or "").replace(
        ":", ", each piece a view of ``x``:", 1)
    return split_into_views


split = handles(np.split)(_split_views(joining.split, lambda ndim, axis=0: axis))
array_split = handles(np.array_split)(
    _split_views(joining.array_split, lambda ndim, axis=0: axis))
hsplit = handles(np.hsplit)(_split_views(joining.hsplit, lambda ndim: 1 if ndim > 1 else 0))
vsplit = handles(np.vsplit)(_split_views(joining.vsplit, lambda ndim: 0))
dsplit = handles(np.dsplit)(_split_views(joining.dsplit, lambda ndim: 2))


def getitem(x, index):
    """``x[index]``: a view of ``x`` for a basic index (ints, slices, None, ``...``).

    >>> getitem(np.arange(4.0), slice(1, 3))
    array([1., 2.])
    """
    if indexing.is_basic_index(index):
        return _slice_view(x, indexing.getitem(x, index), index)
    return fillable(indexing.getitem(x, kept_index(index)), x)


@handles(np.take)
def take(a, indices, axis=None, out=None, mode="raise"):
    """``np.take``, keeping its own copy of a plain index array (refilled later, say).

    >>> take(np.array([1.0, 2.0, 3.0]), [2, 0, 5], mode="clip")
    array([3., 1., 3.])
    """
    return indexing.take(a, kept_index(indices), axis, out, mode)


def kept_index(index):
    """``index`` with its plain index arrays copied: the tape keeps it, a refill must not
    change it (``idx[:] = ...`` after ``x[idx]``).

    >>> index = np.array([0, 1])
    >>> kept_index(index) is index
    False
    """
    if isinstance(index, np.ndarray):
        return index.copy() if index.flags.writeable else index
    if type(index) is tuple:
        return tuple(kept_index(part) if isinstance(part, np.ndarray) else part for part in index)
    return index
