"""Indexing: ``x[index]`` and its transpose, and the functional ``x[index] = v``.

Both are linear, so each declares its transpose once and gets forward mode
from linearity. Repeated indices in advanced indexing accumulate in the
gradient, as they should (``x[[0, 0]]`` uses ``x[0]`` twice).

Under ``vmap`` each runs once on the batch, the index shared by the batch or
batched itself (an index array computed from the batched value); a boolean
mask of each member's own works where the result's shape does not depend on
it (``x[mask] = v``), and raises naming ``np.where`` where it would.
"""

from __future__ import annotations

import math

import numpy as np

from ..core import Tracer, base_value, zeros_like
from ..core import batching as engine_batching
from ..core.batching import is_batched
from .batching import batch_size, logical_ndim, with_batch_axis
from .arithmetic import where
from .complex_numbers import real
from .elementwise import astype, unbroadcast
from .manipulation import reshape
from .wrap import dtype_of, handles, nondiff, primitive, shape_of


def is_basic_index(index) -> bool:
    """True when ``x[index]`` is a view in NumPy: ints, slices, None and Ellipsis only."""
    parts = index if isinstance(index, tuple) else (index,)
    return all(
        part is None or part is Ellipsis or isinstance(part, (int, np.integer, slice))
        and not isinstance(part, (bool, np.bool_))
        for part in parts
    )


def _plain_index(index):
    """``index`` as NumPy takes it: lists become arrays; traced index arrays are checked
    and kept (a recording level sees them, so a replay recomputes masks and indices)."""
    if isinstance(index, tuple):
        return tuple(_plain_index(part) for part in index)
    if isinstance(index, Tracer):
        if np.issubdtype(dtype_of(index), np.inexact):
            raise IndexError("arrays used as indices must be of integer or boolean type")
        return index
    if isinstance(index, list):
        return np.asarray(index)
    return index


def _real_cotangent(g, dtype):
    """A real array's cotangent pairs with its tangent by the real part alone."""
    if np.issubdtype(dtype, np.complexfloating) or not np.iscomplexobj(base_value(g)):
        return g
    return real(g)


# An index holding traced arrays: the arrays are arguments of the primitive, the rest of
# the index (``layout``: slices, ints, plain arrays) a parameter, with ``None`` where each
# traced array goes. Only a recording level makes traced index arrays: the other levels
# compute masks and indices as plain values, and take the paths below these.

class _TracedSlot:
    """Where a traced index array stands in a layout (None there is a new axis)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "<traced index array>"


TRACED_SLOT = _TracedSlot()


def _split_index(index):
    """(layout, traced arrays), or (index, ()) when nothing in it is traced."""
    parts = index if isinstance(index, tuple) else (index,)
    if not any(isinstance(part, Tracer) for part in parts):
        return index, ()
    arrays = tuple(part for part in parts if isinstance(part, Tracer))
    layout = tuple(TRACED_SLOT if isinstance(part, Tracer) else part for part in parts)
    return (layout, isinstance(index, tuple)), arrays


def _joined_index(layout, arrays):
    parts, was_tuple = layout
    values = iter(arrays)
    index = tuple(next(values) if part is TRACED_SLOT else part for part in parts)
    return index if was_tuple else index[0]


def _gather_jvp(tangents, ans, x, *arrays, layout):
    return None if tangents[0] is None else gather_p(tangents[0], *arrays, layout=layout)


def _gather_vjp(g, ans, x, *arrays, layout):
    return (scatter_p(g, *arrays, layout=layout, shape=shape_of(x), dtype=dtype_of(x)),
            *(None for _ in arrays))


def _scatter_jvp(tangents, ans, g, *arrays, layout, shape, dtype):
    if tangents[0] is None:
        return None
    return scatter_p(tangents[0], *arrays, layout=layout, shape=shape, dtype=dtype)


def _scatter_vjp(cotangent, ans, g, *arrays, layout, shape, dtype):
    return (gather_p(cotangent, *arrays, layout=layout), *(None for _ in arrays))


gather_p = primitive("gather", lambda x, *arrays, layout: x[_joined_index(layout, arrays)])
scatter_p = primitive("scatter", lambda g, *arrays, layout, shape, dtype: _scatter_add_impl(
    g, _joined_index(layout, arrays), shape, dtype))
gather_p.def_jvp_joint(_gather_jvp)
gather_p.def_vjp_joint(_gather_vjp)
scatter_p.def_jvp_joint(_scatter_jvp)
scatter_p.def_vjp_joint(_scatter_vjp)


def _set_traced_impl(x, value, *arrays, layout):
    return _setitem_impl(x, value, _joined_index(layout, arrays))


def _set_traced_jvp(tangents, ans, x, value, *arrays, layout):
    tx, tv = tangents[0], tangents[1]
    if tx is None and tv is None:
        return None
    return set_traced_p(zeros_like(x) if tx is None else tx, 0.0 if tv is None else tv,
                        *arrays, layout=layout)


def _set_traced_vjp(g, ans, x, value, *arrays, layout):
    cleared = set_traced_p(g, 0.0, *arrays, layout=layout)
    masked = _masked_cotangent(g, x, value, layout, arrays)
    if masked is not None:
        return (cleared, masked, *(None for _ in arrays))
    selected = gather_p(g, *arrays, layout=layout) * winners_p(*arrays, layout=layout,
                                                               shape=shape_of(x))
    return (cleared, unbroadcast(selected, shape_of(value)), *(None for _ in arrays))


def _masked_cotangent(g, x, value, layout, arrays):
    """For ``x[mask] = value`` with a batched mask (each member has its own, and the number
    of entries it chooses may differ) and a value not one per chosen entry: the value's
    cotangent as a masked sum, which keeps the batch rectangular. None otherwise."""
    if len(arrays) != 1 or len(layout[0]) != 1:
        return None
    mask = arrays[0]
    if dtype_of(mask) != np.bool_ or not is_batched(mask):
        return None
    mask_shape, value_shape = shape_of(mask), shape_of(value)
    after = shape_of(x)[len(mask_shape):]
    extra = len(value_shape) - len(after)
    if extra > 0 and math.prod(value_shape[:extra]) != 1:
        return None
    chosen = reshape(mask, mask_shape + (1,) * len(after))
    total = np.sum(where(chosen, g, 0.0), axis=tuple(range(len(mask_shape))))
    total = unbroadcast(total, value_shape[max(extra, 0):])
    return reshape(total, value_shape) if extra > 0 else total


# which positions of x[index] a write with repeated indices keeps (see _winners)
winners_p = nondiff("winners", lambda *arrays, layout, shape: _winners(
    shape, _joined_index(layout, arrays)))
set_traced_p = primitive("set_traced", _set_traced_impl)
set_traced_p.def_jvp_joint(_set_traced_jvp)
set_traced_p.def_vjp_joint(_set_traced_vjp)


def _scatter_add_impl(g, index, shape, dtype):
    if np.iscomplexobj(g) and not np.issubdtype(dtype, np.complexfloating):
        g = np.real(g)  # see _real_cotangent
    out = np.zeros_like(g, shape=shape, dtype=dtype)  # the cotangent's array type (Dask, CuPy)
    if is_basic_index(index):
        if type(out) is not np.ndarray and isinstance(index, tuple) and None in index:
            index = tuple(i for i in index if i is not None)  # Dask cannot assign through None
            g = np.reshape(g, out[index].shape)
        out[index] = g
    elif hasattr(out, "rechunk"):  # Dask has no np.add.at: a weighted count of the positions
        flat = np.reshape(g, (-1,))
        positions = np.arange(int(np.prod(shape))).reshape(shape)[index].reshape(-1)
        positions = np.asarray(positions, like=flat).rechunk(flat.chunks)
        out = np.bincount(positions, weights=flat, minlength=int(np.prod(shape)))
        return np.reshape(out, shape).astype(dtype)
    else:
        np.add.at(out, index, g)
    return out


getitem_p = primitive("getitem", lambda x, index: x[index])
scatter_add_p = primitive("scatter_add", _scatter_add_impl)

getitem_p.def_linear(
    lambda g, ans, x, index: scatter_add_p(g, index=index, shape=shape_of(x), dtype=dtype_of(x)))
scatter_add_p.def_linear(
    lambda g, ans, u, index, shape, dtype: getitem_p(_real_cotangent(g, dtype), index=index))


def getitem(x, index):
    """``x[index]``, for every kind of NumPy index.

    >>> getitem(np.arange(4.0), [0, 0, 3])
    array([0., 0., 3.])
    """
    layout, arrays = _split_index(_plain_index(index))
    if arrays:
        return gather_p(x, *arrays, layout=layout)
    return getitem_p(x, index=layout)


def _setitem_impl(x, value, index):
    out = x.copy() if hasattr(x, "__array_function__") else np.array(x, copy=True)  # Dask, CuPy stay
    out[index] = value
    return out


def _winners(shape, index):
    """For ``x[index] = v``: which positions of ``x[index]`` are written last.

    With repeated indices NumPy keeps the last write, so only those positions
    of the value reach the result; the others get no cotangent.
    """
    selected_shape = np.empty(shape, bool)[index].shape
    order = np.arange(int(np.prod(selected_shape))).reshape(selected_shape)
    slots = np.full(shape, -1)
    slots[index] = order
    return slots[index] == order


def _setitem_value_vjp(g, ans, x, value, index):
    selected = getitem_p(g, index=index)
    if not is_basic_index(index):
        selected = selected * _winners(shape_of(x), index)
    return unbroadcast(selected, shape_of(value))


setitem_p = primitive("setitem", _setitem_impl)
setitem_p.def_linear(
    lambda g, ans, x, value, index: setitem_p(g, 0.0, index=index),
    _setitem_value_vjp,
)


def setitem(x, index, value):
    """The array ``x`` with ``x[index] = value`` applied, as a new value.

    >>> setitem(np.zeros(3), 1, 5.0)
    array([0., 5., 0.])
    """
    layout, arrays = _split_index(_plain_index(index))
    if arrays:
        return set_traced_p(x, value, *arrays, layout=layout)
    return setitem_p(x, value, index=layout)


@handles(np.take)
def take(a, indices, axis=None, out=None, mode="raise"):
    """``np.take``: gather along an axis (or from the flattened array).

    >>> take(np.array([1.0, 2.0, 3.0]), [2, 0, 5], mode="clip")
    array([3., 1., 3.])
    """
    if out is not None:
        raise NotImplementedError("np.take(..., out=...) cannot write into an array on "
                                  "traced values; use the returned array instead.")
    if axis is None:
        a, axis = reshape(a, (-1,)), 0
    axis = axis % len(shape_of(a))
    indices = _plain_index(indices)
    size = shape_of(a)[axis]
    if mode == "wrap":
        indices = np.mod(indices, size)
    elif mode == "clip":
        indices = np.clip(indices, 0, size - 1)
    return getitem(a, (slice(None),) * axis + (indices,))


# -- batching ---------------------------------------------------------------------------
# A member's index applied to the whole batch (batch axis first). A basic index gets a
# full slice in front. With advanced indices (arrays, and the ints among them) NumPy puts
# the broadcast index axes where the advanced indices stand when they are adjacent, and in
# front otherwise; the batched index reproduces each member's layout:
# - index arrays shared by the batch: a full slice in front; where the member's advanced
#   axes go in front, the batch axis lands after them and is moved back to the front;
# - batched index arrays (np.argmax of a batched value, say): the batch becomes an index
#   array of its own, ``arange(B)`` in front, so every member reads its own rows; the
#   advanced axes then come first, and are moved to where the member has them.
# The result is the raw NumPy result transposed by ``perm`` (None: as it is).


class _NeedsLoop(Exception):
    """An index the rules below do not batch (``x[True]``): the batch is looped over."""


def _index_parts(index, flags, size):
    """The parts of a member's index and per part whether it is batched; boolean masks
    become their integer index arrays (a batched mask only when every member selects the
    same number of entries: otherwise the result's shape differs between members)."""
    parts, part_flags = [], []
    for part, flag in zip(index, flags):
        if isinstance(part, list):
            part = np.asarray(part)
        if isinstance(part, (bool, np.bool_)) or (
                _is_array(part) and dtype_of(part) == np.bool_ and len(shape_of(part)) == flag):
            raise _NeedsLoop  # x[True]: a new axis of length one (or zero)
        if _is_array(part) and dtype_of(part) == np.bool_:
            if not flag:
                parts.extend(np.nonzero(part))
                part_flags.extend([False] * len(shape_of(part)))
                continue
            mask = np.asarray(base_value(part))  # a mask has no derivative to lose
            counts = np.count_nonzero(mask.reshape(size, -1), axis=1)
            if np.any(counts != counts[0]):
                raise IndexError(
                    "x[mask] under vmap with a mask that selects a different number of "
                    f"entries in each batch member ({', '.join(map(str, counts[:6]))}, ...): "
                    "the result would have a different shape in each.\n  Keep the shape: "
                    "np.where(mask, x, 0) (or a fill value), np.sum(np.where(mask, x, 0)) "
                    "for a masked sum, x = np.where(mask, x * 3.0, x) for x[mask] *= 3.0 "
                    "(x[mask] = value works as it is).")
            positions = np.nonzero(mask)[1:]
            parts.extend(p.reshape(size, int(counts[0])) for p in positions)
            part_flags.extend([True] * len(positions))
            continue
        parts.append(part)
        part_flags.append(flag)
    return parts, part_flags


def _is_array(part) -> bool:
    return isinstance(part, (np.ndarray, Tracer))


def batched_index(index, flags, size: int, ndim: int):
    """(the index for the batch, perm) for a member ``index`` on members of ``ndim`` axes;
    ``flags[i]`` says whether part ``i`` (an index array) carries the batch axis.

    >>> batched_index((np.array([0, 2]), slice(None), 1), (False, False, False), 4, 3)[1]
    (1, 0, 2)
    """
    if not isinstance(index, tuple):
        index, flags = (index,), (flags,)
    parts, flags = _index_parts(index, flags, size)
    arrays = [n for n, part in enumerate(parts) if _is_array(part)]
    if not arrays:
        return (slice(None),) + tuple(parts), None
    advanced = [n for n, part in enumerate(parts) if _is_array(part)
                or isinstance(part, (int, np.integer))]
    adjacent = advanced == list(range(advanced[0], advanced[-1] + 1))
    member_shapes = [shape_of(parts[n])[1:] if flags[n] else shape_of(parts[n]) for n in arrays]
    width = len(np.broadcast_shapes(*member_shapes))
    consumed = sum(part is not None and part is not Ellipsis for part in parts)
    ellipsis_axes = ndim - consumed
    kept = sum(1 if part is None or isinstance(part, slice) else ellipsis_axes
               if part is Ellipsis else 0 for part in parts)
    kept += 0 if any(part is Ellipsis for part in parts) else ndim - consumed
    total = 1 + width + kept
    if not any(flags):
        if adjacent:
            return (slice(None),) + tuple(parts), None
        # NumPy's layout: (advanced axes, batch, the rest); the batch goes back in front
        return (slice(None),) + tuple(parts), (width,) + tuple(range(width)) + tuple(
            range(width + 1, total))
    aligned = []
    for part, flag in zip(parts, flags):
        if flag:
            shape = shape_of(part)
            part = np.reshape(part, shape[:1] + (1,) * (width + 1 - len(shape)) + shape[1:])
        aligned.append(part)
    rows = np.arange(size).reshape((size,) + (1,) * width)
    before = 0
    if adjacent:  # the member's advanced axes stand after the axes of the parts before them
        before = sum(1 if part is None or isinstance(part, slice) else ellipsis_axes
                     for part in parts[:advanced[0]])
    if not before:
        return (rows,) + tuple(aligned), None
    # NumPy's layout: (batch, advanced axes, the rest); the member's: (before, advanced, after)
    perm = ((0,) + tuple(range(1 + width, 1 + width + before)) + tuple(range(1, 1 + width))
            + tuple(range(1 + width + before, total)))
    return (rows,) + tuple(aligned), perm


def _inverse(perm):
    return tuple(int(axis) for axis in np.argsort(perm))


def _rearranged(value, perm):
    return value if perm is None else np.transpose(value, perm)


def _index_flags(index, flag=False):
    return tuple(flag for _ in index) if isinstance(index, tuple) else flag


def _traced_parts(layout, arrays, batched):
    """The joined index of a primitive with traced index arrays, and its flags."""
    flags = iter(batched)
    parts, was_tuple = layout
    return (_joined_index(layout, arrays),
            tuple(bool(next(flags)) if part is TRACED_SLOT else False for part in parts)
            if was_tuple else bool(batched[0]))


def _batched_selection(index, flags, size, x, value_flag, value):
    """For ``x[index] = value`` on the batch: (batched index, value laid out as NumPy's
    raw result of that index)."""
    bindex, perm = batched_index(index, flags, size, logical_ndim(x, True))
    chosen_shape = np.broadcast_to(np.empty((), bool), shape_of(x))[bindex].shape
    member = tuple(chosen_shape[axis] for axis in perm[1:]) if perm else chosen_shape[1:]
    value_shape = shape_of(value)[1:] if value_flag else shape_of(value)
    while len(value_shape) > len(member) and value_shape[0] == 1:  # NumPy drops leading ones
        value = np.reshape(value, shape_of(value)[:1] + value_shape[1:] if value_flag
                           else value_shape[1:])
        value_shape = value_shape[1:]
    if value_flag:
        value = np.reshape(value, (size,) + (1,) * (len(member) - len(value_shape)) + value_shape)
    value = np.broadcast_to(value, (size,) + member)
    return bindex, value if perm is None else np.transpose(value, _inverse(perm))


def _rule(primitive, body):
    """The batching rule of ``primitive``: ``body(args, batched, size, **params)``, or a loop
    over the batch for an index it does not batch."""

    def rule(args, batched, **params):
        size = batch_size(args, batched)
        try:
            return body(args, batched, size, **params)
        except _NeedsLoop:
            return engine_batching.loop_over_batch(primitive, args, batched, params, size)

    return rule


def _getitem_batch(args, batched, size, index):
    bindex, perm = batched_index(index, _index_flags(index), size, logical_ndim(args[0], True))
    return _rearranged(getitem_p(args[0], index=bindex), perm)


def _gather_batch(args, batched, size, layout):
    x = with_batch_axis(args[0], batched[0], size)
    index, flags = _traced_parts(layout, args[1:], batched[1:])
    bindex, perm = batched_index(index, flags, size, logical_ndim(x, True))
    return _rearranged(getitem(x, bindex), perm)


def _scattered(g, index, flags, size, shape, dtype):
    """``g``, the batch of ``x[index]``, added into zeros of the batch of ``x``'s shape."""
    bindex, perm = batched_index(index, flags, size, len(shape))
    g = g if perm is None else np.transpose(g, _inverse(perm))
    layout, arrays = _split_index(_plain_index(bindex))
    if arrays:
        return scatter_p(g, *arrays, layout=layout, shape=(size,) + tuple(shape), dtype=dtype)
    return scatter_add_p(g, index=layout, shape=(size,) + tuple(shape), dtype=dtype)


def _scatter_add_batch(args, batched, size, index, shape, dtype):
    return _scattered(args[0], index, _index_flags(index), size, shape, dtype)


def _scatter_batch(args, batched, size, layout, shape, dtype):
    index, flags = _traced_parts(layout, args[1:], batched[1:])
    return _scattered(with_batch_axis(args[0], batched[0], size), index, flags, size, shape,
                      dtype)


def _masked_write(x, mask, value, value_flag):
    """``x[mask] = value`` with a mask of each member's own (its count may differ between
    members): ``np.where``, for a value that does not depend on the count (one value, or
    one for each of the axes after the mask's)."""
    size, mask_shape = shape_of(mask)[0], shape_of(mask)[1:]
    after = shape_of(x)[1 + len(mask_shape):]
    value_shape = shape_of(value)[1:] if value_flag else shape_of(value)
    if len(value_shape) > len(after):
        if math.prod(value_shape[:len(value_shape) - len(after)]) != 1:
            return None  # one value per chosen entry: the count matters
        value = np.reshape(value, ((size,) if value_flag else ()) + value_shape[-len(after):]
                           if after else ((size,) if value_flag else ()))
        value_shape = value_shape[len(value_shape) - len(after):]
    if value_flag:
        value = np.reshape(value, (size,) + (1,) * (len(mask_shape) + len(after)
                                                    - len(value_shape)) + value_shape)
    chosen = np.reshape(mask, (size,) + mask_shape + (1,) * len(after))
    written = where(chosen, value, x)
    return written if dtype_of(written) == dtype_of(x) else astype(written, dtype_of(x))


def _set_batch(args, batched, size, index, flags):
    x = with_batch_axis(args[0], batched[0], size)
    parts = index if isinstance(index, tuple) else (index,)
    part_flags = flags if isinstance(index, tuple) else (flags,)
    if (len(parts) == 1 and part_flags[0] and _is_array(parts[0])
            and dtype_of(parts[0]) == np.bool_ and len(shape_of(parts[0])) > 1):
        written = _masked_write(x, parts[0], args[1], batched[1])
        if written is not None:
            return written
    bindex, value = _batched_selection(index, flags, size, x, batched[1], args[1])
    return setitem(x, bindex, value)


def _setitem_batch(args, batched, size, index):
    return _set_batch(args, batched, size, index, _index_flags(index))


def _set_traced_batch(args, batched, size, layout):
    return _set_batch(args, batched, size, *_traced_parts(layout, args[2:], batched[2:]))


def _winners_batch(args, batched, size, layout, shape):
    bindex, perm = batched_index(*_traced_parts(layout, args, batched), size, len(shape))
    layout, arrays = _split_index(_plain_index(bindex))
    winners = (winners_p(*arrays, layout=layout, shape=(size,) + tuple(shape)) if arrays
               else _winners((size,) + tuple(shape), layout))
    return _rearranged(winners, perm)


for _primitive, _body in ((getitem_p, _getitem_batch), (gather_p, _gather_batch),
                          (scatter_add_p, _scatter_add_batch), (scatter_p, _scatter_batch),
                          (setitem_p, _setitem_batch), (set_traced_p, _set_traced_batch),
                          (winners_p, _winners_batch)):
    _primitive.def_batch(_rule(_primitive, _body))
