"""Mutation: item and augmented assignment as functional updates, and the
bookkeeping of views.

``y[i] = t`` and ``y += t`` give the tracer ``y`` a new value and graph node
(``update``): earlier recorded values never change. A view (a basic slice,
``reshape``, ``transpose``, ... wherever NumPy returns one) remembers its
base, how to read itself from it and how to write itself back
(``make_view``). Writing into a view writes into its base; writing into a
base marks its live views stale, and a stale view reads itself again from
the base when it is next used (``refresh``), so a view kept across a write
shows the write, as in NumPy. A view NumPy makes read-only (``np.diagonal``)
refuses writes as NumPy does. Views and copies of an array made with
``like=`` are traced constants too, so they can be filled.

A value of an inner transformation written into an array of an outer one
(``y[0] = t * x[0]`` inside a nested ``grad``) makes the array a tracer of the
inner level for as long as that level runs; when it has ended, the array
falls back to the value it carries at its own level (``_lower``).

>>> import chainrule.numpy as cnp
>>> def f(x):
...     y = cnp.zeros_like(x)
...     y[0] = x[1] * 3.0
...     return y.sum()
>>> cr.grad(f)(np.array([1.0, 2.0]))
array([0., 3.])
"""

from __future__ import annotations

import weakref
from typing import Any, Callable

import numpy as np

from ..core import Tracer, base_value
from ..core.trace import leading_axes
from .elementwise import astype
from .wrap import primitive

# An in-place write keeps an array's memory layout in NumPy; a functional update may
# not (a write through np.flip(T) gives T a value computed by flipping back, with
# negative strides), and whether NumPy would make a later reshape or ravel of T a
# view or a copy is read from that layout. So the new value takes the old layout.
contiguous_p = primitive("ascontiguousarray", np.ascontiguousarray)
contiguous_p.def_linear(lambda g, ans, x: g)
fortran_p = primitive("asfortranarray", np.asfortranarray)
fortran_p.def_linear(lambda g, ans, x: g)
# on a batch: C order keeps each member C-contiguous; each member Fortran-contiguous
# needs the batch axis to be the slowest in memory, the last in Fortran order
contiguous_p.def_batch(lambda args, batched: contiguous_p(args[0]))
fortran_p.def_batch(lambda args, batched: np.moveaxis(fortran_p(np.moveaxis(args[0], 0, -1)),
                                                      -1, 0))


def _member(plain: Any, tracer: Any) -> Any:
    """One batch member of the plain value under ``tracer`` (itself when it is not batched),
    or None for an empty batch: NumPy's memory layout is decided per member."""
    lead = leading_axes(tracer)
    if not lead:
        return plain
    if not isinstance(plain, np.ndarray) or 0 in plain.shape[:lead]:
        return None
    return plain[(0,) * lead]


def layout_member(tracer: Any) -> Any:
    """The plain value of ``tracer``, for a batched one the plain value one batch member
    would have in a loop over the batch, in NumPy's memory layout (None for an empty batch).

    A view reads itself from its base's member; any other array is laid out compactly in
    the order of its strides, as NumPy lays out a fresh result (the batch's own layout,
    with the batch axis anywhere in memory, says nothing about a member's).

    >>> layout_member(np.ones(2))
    array([1., 1.])
    """
    if not leading_axes(tracer):
        return base_value(tracer)
    view_base = getattr(tracer, "view_base", None)
    if view_base is not None:
        base_member = layout_member(view_base[0])
        return None if base_member is None else base_value(view_base[1](base_member))
    member = _member(base_value(tracer), tracer)
    if not isinstance(member, np.ndarray) or member.flags.writeable and (
            member.flags.c_contiguous or member.flags.f_contiguous):
        return member
    return np.array(member, order="K")


def _in_layout_of(old: Any, new: Any) -> Any:
    """``new`` with the memory order of ``old`` (C or Fortran contiguous), as NumPy keeps it."""
    before, after = _member(base_value(old), old), _member(base_value(new), new)
    if not (isinstance(before, np.ndarray) and isinstance(after, np.ndarray)):
        return new
    if before.flags.c_contiguous and not after.flags.c_contiguous:
        return contiguous_p(new)
    if before.flags.f_contiguous and not before.flags.c_contiguous and not after.flags.f_contiguous:
        return fortran_p(new)
    return new

LOST_DERIVATIVE_HINT = (
    "  Build arrays of traced values with chainrule.numpy.array([...]) or np.stack, "
    "create an array to fill from a traced one (out = np.zeros(n, like=x) or "
    "np.zeros_like(x)), and use chainrule.stop_gradient(t) where you want the "
    "plain value without its derivative."
)

# the slot behind ``Tracer.level``, read and written below the ``level`` property
# of a lifted array (one holding a value of an inner transformation)
_LEVEL_SLOT: Any = Tracer.level  # type: ignore[misc]  # the slot's member descriptor


def update(tracer: Any, new: Any) -> Any:
    """Give ``tracer`` the value ``new`` in place (NumPy's in-place semantics).

    >>> def f(x):
    ...     y = x * 1.0
    ...     update(y, y * y)  # what y *= y does
    ...     return y.sum()
    >>> cr.grad(f)(np.array([1.0, 2.0]))
    array([2., 4.])
    """
    _check_writeable(tracer)
    dtype = tracer.dtype
    if np.result_type(base_value(new)) != dtype:
        new = astype(new, dtype)
    _assign(tracer, _in_layout_of(tracer, new))
    _mark_stale(tracer, written=None)
    view = tracer
    while getattr(view, "view_base", None) is not None:
        base, _, write_back = view.view_base
        _assign(base, _in_layout_of(base, write_back(view, base)))
        _mark_stale(base, written=view)
        view = base
    return tracer


def _check_writeable(tracer: Any) -> None:
    view = tracer
    while getattr(view, "view_base", None) is not None:
        base, _, write_back = view.view_base
        if write_back is None:
            raise ValueError(
                "assignment destination is read-only (NumPy makes this view read-only, "
                "np.diagonal's for one).\n  Write into a copy (d = np.diagonal(A).copy()), "
                "or into the base array (A[i, i] = ...)."
            )
        if isinstance(write_back, str):
            raise NotImplementedError(write_back)
        view = base


def make_view(base: Any, result: Any, read: Callable, write_back: Callable | None,
              shares: bool = False) -> Any:
    """Make ``result`` a view of ``base``, where NumPy's own result is one.

    ``read(base)`` computes the view from its base, ``write_back(view, base)`` the
    base with the view's values written in; None makes the view read-only (as
    NumPy's ``np.diagonal``), a string refuses writes with that message (a view
    NumPy can write through and chainrule cannot). A result NumPy computed as a
    copy stays a copy; ``shares``: the caller knows NumPy's result is a view
    (basic indexing), so the memory check is skipped.

    >>> def f(x):
    ...     y = x * 1.0
    ...     view = make_view(y, y.T, lambda b: b.T, lambda v, b: v.T)  # what y.T does
    ...     view[0] = 0.0  # the first column of y
    ...     return y.sum()
    >>> cr.grad(f)(np.ones((2, 2)))
    array([[0., 1.],
           [0., 1.]])
    """
    if result is base or not isinstance(base, Tracer):
        return result
    plain = base_value(result)
    if not isinstance(plain, np.ndarray):
        return result
    if not (isinstance(result, Tracer) and result.level is base.level):
        result = _at_level_of(result, base)  # a view or copy of a constant stays fillable
    if not shares:
        if leading_axes(base):
            # under vmap NumPy decides view or copy for each member: ask it on one
            # (the batch's own result may be a copy where the member's is a view)
            member_base = layout_member(base)
            plain = None if member_base is None else base_value(read(member_base))
            if plain is None or not np.may_share_memory(plain, member_base):
                return result
        elif not np.may_share_memory(plain, base_value(base)):
            return result  # NumPy copies here too
        if not plain.flags.writeable and not isinstance(write_back, str):
            write_back = None
    result.view_base = (base, read, write_back)
    views = getattr(base, "views", None)
    if views is None:
        base.views = views = []  # type: ignore[attr-defined]  # an ArrayTracer slot
    elif len(views) >= 64 and len(views) & (len(views) - 1) == 0:
        views[:] = [ref for ref in views if ref() is not None]  # drop dead views now and then
    views.append(weakref.ref(result))
    return result


def fillable(result: Any, base: Any) -> Any:
    """``result``, computed from ``base``, as a traced constant where ``base`` is one.

    An operation on an array made with ``like=`` and never written gives a plain
    array; a copy of it (``A[[0, 1]]``, ``A.copy()``) should stay fillable.

    >>> def f(x):
    ...     rows = np.zeros((2, 2), like=x)[[1, 0]]  # a copy, still fillable
    ...     rows[0] = x
    ...     return rows.sum()
    >>> cr.grad(f)(np.array([1.0, 2.0]))
    array([1., 1.])
    """
    if isinstance(base, Tracer) and isinstance(result, np.ndarray):
        return _at_level_of(result, base)
    return result


def _at_level_of(value: Any, like: Tracer) -> Any:
    """``value`` as a tracer at every level ``like`` has (a constant where it has none)."""
    if not isinstance(like, Tracer) or isinstance(value, Tracer) and value.level is like.level:
        return value
    return like.level.constant(_at_level_of(value, like.primal))


def _mark_stale(base: Any, written: Any) -> None:
    """After a write into ``base``: each of its live views but ``written`` (and
    theirs) reads itself again from its base when it is next used (``refresh``).

    Marking is a change of class, so a write costs nothing per view kept but
    never used again, and a view used again costs one recorded read.
    """
    views = getattr(base, "views", None)
    if not views:
        return
    live = []
    for reference in views:
        view = reference()
        if view is None:
            continue
        live.append(reference)
        stale = STALE_TYPES.get(type(view))
        if view is not written and stale is not None:  # (a stale one's views are already)
            view.__class__ = stale
            _mark_stale(view, written=None)
    base.views = live


def refresh(view: Any) -> Any:
    """Read the stale ``view`` again from its base (which refreshes first, if stale too).

    >>> def f(x):
    ...     y = x * 1.0
    ...     head = y[:1]
    ...     y[0] = 5.0 * x[1]  # head is marked stale, and read again here:
    ...     return head.sum()
    >>> cr.grad(f)(np.array([1.0, 2.0]))
    array([0., 5.])
    """
    view.__class__ = FRESH_TYPES[type(view)]
    base, read, _ = view.view_base
    _assign(view, read(base))
    return view


def _assign(tracer: Any, new: Any) -> None:
    """Point ``tracer`` at the value and graph node of ``new``."""
    level = tracer.level
    if isinstance(new, Tracer) and new.level.depth >= level.depth:
        if new.level.depth > level.depth:
            _lift(tracer, level)
        tracer.primal, tracer.level = new.primal, new.level
        tracer.level_data = new.level_data
    else:
        # ``new`` carries no derivative at this level: a constant of it
        tracer.primal, tracer.level_data = new, None


def _lift(tracer: Any, home: Any) -> None:
    """``tracer`` (of level ``home``) is about to hold a value of an inner level."""
    if getattr(tracer, "home", None) is None or tracer.home.depth > home.depth:
        tracer.home = home
    lifted = LIFTED_TYPES.get(type(tracer))
    if lifted is not None:
        tracer.__class__ = lifted


def _lower(tracer: Any) -> Any:
    """The level of a lifted ``tracer``, first falling back past the inner levels that ended.

    When an inner transformation has returned, the value a tracer of it carries
    at the levels below is its primal: that is what the array holds then.
    """
    level = _LEVEL_SLOT.__get__(tracer)
    home = tracer.home
    while not level.active and level.depth > home.depth:
        if level.leading_axes:
            raise ValueError(
                "an array of an outer transformation was written with a batched value "
                "inside vmap (y[i] = t with t batched, or y += t), and used after that vmap "
                "returned: it holds one value per batch member, so it has no value of its "
                "own.\n  Return the batched value from the vmapped function instead, or "
                "write into an array made inside it (np.zeros(n, like=t)).")
        primal = tracer.primal
        if isinstance(primal, Tracer) and primal.level.depth >= home.depth:
            tracer.primal, level = primal.primal, primal.level
            tracer.level_data = primal.level_data
        else:
            tracer.primal, level, tracer.level_data = primal, home, None
    _LEVEL_SLOT.__set__(tracer, level)
    if level is home:
        tracer.__class__ = UNLIFTED_TYPES[type(tracer)]
        tracer.home = None
    return level


# array tracer type -> its lifted twin (same layout, a ``level`` property that lowers),
# and -> its stale twin (properties that refresh a view before any use); filled in by
# the tracer module
LIFTED_TYPES: dict[type, type] = {}
UNLIFTED_TYPES: dict[type, type] = {}
STALE_TYPES: dict[type, type] = {}
FRESH_TYPES: dict[type, type] = {}


# id of a large plain array -> (weak reference to it, weak reference to the tape's copy)
_copies: dict[int, tuple] = {}
_SHARED_FROM_BYTES = 1 << 20


def snapshot_array(array: np.ndarray) -> np.ndarray:
    """What a tape keeps of a plain array a rule reads: a read-only copy of a
    writeable array (the caller may refill it afterwards), the array itself
    when it is read-only.

    A large array used again unchanged (the same matrix in every step of a
    loop) shares the copy made for its first use while a tape still holds it: a
    comparison, not a new copy, so memory grows with the arrays, not the uses.
    A small one is simply copied again (cheaper than comparing).

    >>> buffer = np.ones(2)
    >>> kept = snapshot_array(buffer)
    >>> buffer[:] = 5.0
    >>> kept
    array([1., 1.])
    """
    if not array.flags.writeable:
        return array
    if array.nbytes < _SHARED_FROM_BYTES:
        return array.copy()
    entry = _copies.get(id(array))
    if entry is not None:
        original, kept = entry[0](), entry[1]()
        if (original is array and kept is not None and kept.dtype == array.dtype
                and np.array_equal(kept, array)):
            return kept
    kept = array.copy()
    kept.flags.writeable = False
    if len(_copies) >= 256:  # forget the arrays and copies no longer alive
        for key, (original, kept) in list(_copies.items()):  # a list: threads share it
            if original() is None or kept() is None:
                _copies.pop(key, None)
    _copies[id(array)] = (weakref.ref(array), weakref.ref(kept))
    return kept


def write_out(out: Any, result: Any) -> Any:
    """NumPy's ``out=``: write ``result`` into the traced array(s) ``out``."""
    targets = out if isinstance(out, tuple) else (out,)
    results = result if isinstance(result, tuple) else (result,)
    for target, value in zip(targets, results):
        if target is None:
            continue
        if not (isinstance(target, Tracer) and hasattr(target, "__setitem__")):
            raise TypeError(
                "chainrule cannot write a traced result into a plain NumPy array "
                "(out=...): its derivative would be lost.\n" + LOST_DERIVATIVE_HINT
            )
        update(target, value)
    return out
