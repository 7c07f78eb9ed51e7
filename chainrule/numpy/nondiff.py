"""Functions whose outputs are piecewise constant (comparisons, logic, rounding,
signs, integer division) or are not array values of the input at all (indices,
counts, booleans, shapes). Declared non-differentiable, explicitly: their
derivative is zero in every mode, and their results are plain NumPy values,
never tracers.

The ufuncs are ``nondiff`` primitives, and so are the functions of indices,
counts and booleans (argmax, nonzero, searchsorted, ...): a recording level
sees them and a replay recomputes them. Only shape and type queries read the
plain values. Three keep the derivative they do have:
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
from ..core.batching import loop_over_batch
from .arithmetic import absolute, where
from .batching import (align_for_broadcasting, batch_size, elementwise_batch, logical_ndim,
                       member_axes, member_axis, shape_depends_on_data, with_batch_axis)
from .creation import member_stand_in
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
bitwise_and = nondiff("bitwise_and", np.bitwise_and)  # & | ^ ~ on masks and integers
bitwise_or = nondiff("bitwise_or", np.bitwise_or)
bitwise_xor = nondiff("bitwise_xor", np.bitwise_xor)
invert = nondiff("invert", np.invert)
for _bitwise, _symbol, _args, _text in (
        (bitwise_and, "&", (np.array([True, False]), True), "np.array([True, False]), True"),
        (bitwise_or, "|", (np.array([True, False]), False), "np.array([True, False]), False"),
        (bitwise_xor, "^", (np.array([True, False]), True), "np.array([True, False]), True"),
        (invert, "~", (np.array([False, True]),), "np.array([False, True])")):
    _bitwise.written_doc = (f"{_bitwise.name} ({_symbol}), no derivative: masks and integers."
                            f"\n\n>>> cnp.{_bitwise.name[6:]}({_text})\n{_bitwise(*_args)!r}\n")
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
    at_zero = magnitude == 0
    return where(at_zero, 0, x / where(at_zero, 1, magnitude))


UFUNCS[np.sign] = sign

floor = nondiff("floor", np.floor)
ceil = nondiff("ceil", np.ceil)
trunc = nondiff("trunc", np.trunc)
rint = nondiff("rint", np.rint)
floor_divide = nondiff("floor_divide", np.floor_divide)

around_p = nondiff("around", lambda x, decimals: np.around(x, decimals))
fix_p = nondiff("fix", np.fix)
around_p.def_batch(elementwise_batch(around_p))
fix_p.def_batch(elementwise_batch(fix_p))


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
heaviside_p.def_batch(elementwise_batch(heaviside_p))
heaviside_step_p = nondiff("heaviside_step", np.heaviside)
heaviside_p.def_vjp(lambda g, ans, x, h0: None,
                    lambda g, ans, x, h0: unbroadcast(g * (x == 0), shape_of(h0)))
heaviside_p.def_jvp(lambda t, ans, x, h0: None,
                    lambda t, ans, x, h0: broadcast_tangent(t * (x == 0), shape_of(ans)))


def heaviside(x, h0, out=None):
    """``np.heaviside``: a step in ``x`` (no derivative), differentiable in ``h0``.

    >>> cr.grad(lambda h0: heaviside(np.array([-1.0, 0.0, 2.0]), h0).sum())(0.5)
    1.0
    """
    _no_out(out, "heaviside")
    if not isinstance(h0, Tracer):
        return heaviside_step_p(x, h0)  # a constant h0: the whole value is piecewise constant
    return heaviside_p(x, h0)


UFUNCS[np.heaviside] = heaviside


def _no_out(out, name):
    if out is not None:
        raise NotImplementedError(f"np.{name} with out= is not supported on traced values.")


def _plain(value):
    """``value`` with every tracer replaced by its plain value, inside lists, tuples, dicts;
    a batched tracer by a stand-in of one member's shape and dtype (no copy)."""
    if isinstance(value, Tracer):
        return member_stand_in(value)
    if isinstance(value, (list, tuple)):
        return type(value)(_plain(item) for item in value)
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    return value


# Functions of indices, counts and booleans: nondiff primitives, so a recording level
# sees them and a replay recomputes them (a mask or an index computed once from plain
# values would be reused, silently, with new inputs). Tracers anywhere in the call
# (``np.lexsort((a, b))``, ``sorter=``) become the primitive's arguments; ``layout``
# holds the call with ``Slot`` markers in their places.

class Slot:
    """Where a call's traced argument ``position`` goes in its ``layout``."""

    __slots__ = ("position",)

    def __init__(self, position):
        self.position = position

    def __repr__(self):
        return f"<argument {self.position}>"


def _hollow(value, tracers):
    if isinstance(value, Tracer):
        tracers.append(value)
        return Slot(len(tracers) - 1)
    if isinstance(value, (list, tuple)):
        return type(value)(_hollow(item, tracers) for item in value)
    if isinstance(value, dict):
        return {key: _hollow(item, tracers) for key, item in value.items()}
    return value


def _filled(value, arguments):
    if isinstance(value, Slot):
        return arguments[value.position]
    if isinstance(value, (list, tuple)):
        return type(value)(_filled(item, arguments) for item in value)
    if isinstance(value, dict):
        return {key: _filled(item, arguments) for key, item in value.items()}
    return value


def _nondiff_function(name, function, multiple_results=False):
    def impl(*arguments, layout):
        args, kwargs = _filled(layout, arguments)
        return function(*args, **kwargs)

    prim = primitive(name, impl, multiple_results)
    prim.numpy_function = function
    prim.def_nondiff()
    return prim


def _apply(prim, args, kwargs):
    tracers = []
    layout = _hollow((args, kwargs), tracers)
    return prim(*tracers, layout=layout)


argmax_p = _nondiff_function("argmax", np.argmax)
argmin_p = _nondiff_function("argmin", np.argmin)
argsort_p = _nondiff_function("argsort", np.argsort)
argpartition_p = _nondiff_function("argpartition", np.argpartition)
lexsort_p = _nondiff_function("lexsort", np.lexsort)
nonzero_p = _nondiff_function("nonzero", np.nonzero, multiple_results=True)
flatnonzero_p = _nondiff_function("flatnonzero", np.flatnonzero)
argwhere_p = _nondiff_function("argwhere", np.argwhere)
count_nonzero_p = _nondiff_function("count_nonzero", np.count_nonzero)
searchsorted_p = _nondiff_function("searchsorted", np.searchsorted)
digitize_p = _nondiff_function("digitize", np.digitize)
isclose_p = _nondiff_function("isclose", np.isclose)
allclose_p = _nondiff_function("allclose", np.allclose)
array_equal_p = _nondiff_function("array_equal", np.array_equal)
array_equiv_p = _nondiff_function("array_equiv", np.array_equiv)
isreal_p = _nondiff_function("isreal", np.isreal)
iscomplex_p = _nondiff_function("iscomplex", np.iscomplex)
isposinf_p = _nondiff_function("isposinf", np.isposinf)
isneginf_p = _nondiff_function("isneginf", np.isneginf)
any_p = _nondiff_function("any", np.any)
all_p = _nondiff_function("all", np.all)
# np.unique's indices (first occurrences, then inverse and counts as asked)
unique_indices_p = _nondiff_function(
    "unique_indices", lambda x, **kwargs: np.unique(x, return_index=True, **kwargs)[1:],
    multiple_results=True)


# -- batching: one call on the whole batch (axes shifted past the batch axis, arrays
# broadcast, or comparisons); a loop over the batch only where a batched value sits where
# no rule looks (inside a list, in rtol=, kth= or sorter=); an error where the result's
# shape depends on the data (nonzero, unique)


# the leading parameters of the functions batched below, in NumPy's order
_PARAMETERS = {
    "argmax": ("a", "axis", "out"), "argmin": ("a", "axis", "out"),
    "argsort": ("a", "axis", "kind", "order"),
    "argpartition": ("a", "kth", "axis", "kind", "order"),
    "count_nonzero": ("a", "axis"), "any": ("a", "axis", "out", "keepdims"),
    "all": ("a", "axis", "out", "keepdims"), "searchsorted": ("a", "v", "side", "sorter"),
    "digitize": ("x", "bins", "right"), "isclose": ("a", "b", "rtol", "atol", "equal_nan"),
    "isreal": ("x",), "iscomplex": ("x",), "isposinf": ("x", "out"), "isneginf": ("x", "out"),
    "lexsort": ("keys", "axis"), "allclose": ("a", "b", "rtol", "atol", "equal_nan"),
    "array_equal": ("a1", "a2", "equal_nan"), "array_equiv": ("a1", "a2"),
}


def _bound(prim, values, batched, layout):
    """The call as a dict of NumPy's parameter names, ``values`` filled in, and the names
    holding a batched value (both None where a list holds one, or the call is unusual)."""
    names = _PARAMETERS[prim.name.split(".")[-1]]
    args, kwargs = layout
    if len(args) > len(names):
        return None, None
    slots = dict(zip(names, args), **kwargs)
    holders = set()
    for name, value in slots.items():
        if _slots_in(value, batched):
            if not isinstance(value, Slot):
                return None, None
            holders.add(name)
    return {name: _filled(value, values) for name, value in slots.items()}, holders


def _looped(prim, values, batched, layout):
    return loop_over_batch(prim, values, batched, {"layout": layout}, batch_size(values, batched))


def _slots_in(value, batched):
    if isinstance(value, Slot):
        return [value] if batched[value.position] else []
    if isinstance(value, (list, tuple)):
        return [slot for item in value for slot in _slots_in(item, batched)]
    if isinstance(value, dict):
        return [slot for item in value.values() for slot in _slots_in(item, batched)]
    return []


def _axis_rule(prim, default_axis=None, flatten=False):
    """A function of the array ``a`` along ``axis``: the axis shifted past the batch axis;
    ``axis=None`` flattens each member (``flatten``) or means all member axes."""

    def rule(values, batched, layout):
        call, holders = _bound(prim, values, batched, layout)
        if holders != {"a"}:
            return _looped(prim, values, batched, layout)
        a = call["a"]
        ndim = logical_ndim(a, True)
        axis = call.get("axis", default_axis)
        if axis is None and flatten:
            call.update(a=np.reshape(a, (shape_of(a)[0], -1)), axis=1)
            result = _apply(prim, (), call)
            return np.reshape(result, (-1,) + (1,) * ndim) if call.get("keepdims") else result
        call["axis"] = member_axes(axis, ndim)
        return _apply(prim, (), call)

    return rule


def _broadcasting_rule(prim, names):
    """A function elementwise in the arrays ``names`` (broadcast together)."""

    def rule(values, batched, layout):
        call, holders = _bound(prim, values, batched, layout)
        if holders is None or not holders <= set(names):
            return _looped(prim, values, batched, layout)
        present = [name for name in names if name in call]
        call.update(zip(present, align_for_broadcasting([call[name] for name in present],
                                                        [name in holders for name in present])))
        return _apply(prim, (), call)

    return rule


def _searchsorted_batch(values, batched, layout):
    # a batched sorted array (one row per member): v's position is how many entries come
    # before it (NaNs sort last, as in NumPy): comparisons, n entries per element of v
    call, holders = _bound(searchsorted_p, values, batched, layout)
    if not holders or "a" not in holders or call.get("sorter") is not None:
        return _searched_in_shared_array(values, batched, layout)
    size = batch_size(values, batched)
    v = with_batch_axis(call["v"], "v" in holders, size)
    v = np.expand_dims(v, -1)
    rows = np.reshape(call["a"], (size,) + (1,) * (len(shape_of(v)) - 2) + (-1,))
    if call.get("side", "left") == "left":
        before = (rows < v) | (np.isnan(v) & ~np.isnan(rows))
    else:
        before = (rows <= v) | np.isnan(v)
    return np.sum(before, axis=-1)


def _member_shape(value, flag):
    return shape_of(value)[1:] if flag else np.shape(value)


def _whole_members_rule(prim):
    """allclose, array_equal, array_equiv: a test entry by entry, then all() of each member."""
    names = _PARAMETERS[prim.name.split(".")[-1]]

    def rule(values, batched, layout):
        call, holders = _bound(prim, values, batched, layout)
        if holders is None or not holders <= set(names[:2]):
            return _looped(prim, values, batched, layout)
        flags = [name in holders for name in names[:2]]
        shapes = [_member_shape(call[name], flag) for name, flag in zip(names[:2], flags)]
        try:
            np.broadcast_shapes(*shapes)
        except ValueError:
            shapes = None  # never equal (allclose raises, as NumPy does, below)
        if prim is not allclose_p and (shapes is None or (prim is array_equal_p
                                                          and shapes[0] != shapes[1])):
            return np.zeros(batch_size(values, batched), bool)
        first, second = align_for_broadcasting([call[name] for name in names[:2]], flags)
        if prim is allclose_p:
            test = _apply(isclose_p, (), dict(call, a=first, b=second))
        else:
            test = first == second
            if call.get("equal_nan"):
                test = test | (np.isnan(first) & np.isnan(second))
        return np.all(test, axis=tuple(range(1, len(shape_of(test)))))

    return rule


def _lexsort_batch(values, batched, layout):
    # each key batched (the batch axis first), sorted along its member axis
    args, kwargs = layout
    named = dict(zip(("keys", "axis"), args), **kwargs)
    keys, axis = named.get("keys"), named.get("axis", -1)
    if isinstance(axis, Slot) or not isinstance(keys, (Slot, list, tuple)):
        return _looped(lexsort_p, values, batched, layout)
    size = batch_size(values, batched)
    if isinstance(keys, Slot):  # one array of keys, the batch axis first: keys go first
        keys = np.moveaxis(values[keys.position], 0, 1)
        ndim = len(shape_of(keys)) - 2
    else:
        keys = tuple(with_batch_axis(_filled(key, values), bool(_slots_in(key, batched)), size)
                     for key in keys)
        ndim = len(shape_of(keys[0])) - 1
    return _apply(lexsort_p, (keys,), {"axis": member_axis(axis, ndim)})


lexsort_p.def_batch(_lexsort_batch)
for _prim in (allclose_p, array_equal_p, array_equiv_p):
    _prim.def_batch(_whole_members_rule(_prim))
for _prim, _default, _flatten in ((argmax_p, None, True), (argmin_p, None, True),
                                  (argsort_p, -1, True), (argpartition_p, -1, True),
                                  (count_nonzero_p, None, False), (any_p, None, False),
                                  (all_p, None, False)):
    _prim.def_batch(_axis_rule(_prim, _default, _flatten))
_searched_in_shared_array = _broadcasting_rule(searchsorted_p, ("v",))
searchsorted_p.def_batch(_searchsorted_batch)
for _prim, _names in ((digitize_p, ("x",)), (isclose_p, ("a", "b")),
                      (isreal_p, ("x",)), (iscomplex_p, ("x",)), (isposinf_p, ("x",)),
                      (isneginf_p, ("x",))):
    _prim.def_batch(_broadcasting_rule(_prim, _names))
_KEEP_THE_SHAPE = "keep the shape: np.where(mask, x, 0), or (mask * x).sum()"
for _prim, _name, _instead in (
        (nonzero_p, "np.nonzero (and x[mask], np.where(mask))", _KEEP_THE_SHAPE),
        (flatnonzero_p, "np.flatnonzero", _KEEP_THE_SHAPE),
        (argwhere_p, "np.argwhere", _KEEP_THE_SHAPE),
        (unique_indices_p, "np.unique (and union1d, setdiff1d)",
         "np.sort(x) keeps the shape (equal values side by side)")):
    _prim.def_batch(shape_depends_on_data(_name, _instead))


def _index_function(numpy_function, prim, what, example, shown):
    """The wrapper of ``numpy_function``: its call, tracers anywhere in it, through ``prim``."""
    name = numpy_function.__name__

    def function(*args, **kwargs):
        return _apply(prim, args, kwargs)

    function.__name__ = function.__qualname__ = name
    function.__doc__ = (f"``np.{name}`` ({what}, no derivative).\n\n"
                        f"    >>> {name}{example}\n    {shown}\n    ")
    return handles(numpy_function)(function)


# the wrappers NumPy's functions reach: (what the result is; an example and its value)
argmax = _index_function(np.argmax, argmax_p, 'an index', '(np.array([1.0, 3.0, 2.0]))', '1')
argmin = _index_function(np.argmin, argmin_p, 'an index', '(np.array([1.0, 3.0, 0.5]))', '2')
argsort = _index_function(np.argsort, argsort_p, 'indices',
                          '(np.array([3.0, 1.0, 2.0]))', 'array([1, 2, 0])')
argpartition = _index_function(np.argpartition, argpartition_p, 'indices',
                               '(np.array([3.0, 1.0, 2.0]), 0)[0]', '1')
lexsort = _index_function(np.lexsort, lexsort_p, 'indices',
                          '((np.array([2.0, 1.0]), np.array([0.0, 0.0])))', 'array([1, 0])')
nonzero = _index_function(np.nonzero, nonzero_p, 'indices',
                          '(np.array([0.0, 2.0, 3.0]))', '(array([1, 2]),)')
flatnonzero = _index_function(np.flatnonzero, flatnonzero_p, 'indices',
                              '(np.array([[0.0, 2.0], [3.0, 0.0]]))', 'array([1, 2])')
argwhere = _index_function(np.argwhere, argwhere_p, 'indices',
                           '(np.array([0.0, 2.0])).tolist()', '[[1]]')
count_nonzero = _index_function(np.count_nonzero, count_nonzero_p, 'a count',
                                '(np.array([0.0, 2.0, 3.0]))', '2')
searchsorted = _index_function(np.searchsorted, searchsorted_p, 'indices',
                               '(np.array([1.0, 2.0, 3.0]), 2.5)', '2')
digitize = _index_function(np.digitize, digitize_p, 'bin indices',
                           '(np.array([0.5, 1.5]), np.array([1.0, 2.0]))', 'array([0, 1])')
isclose = _index_function(np.isclose, isclose_p, 'booleans',
                          '(np.array([1.0, 2.0]), 1.0)', 'array([ True, False])')
allclose = _index_function(np.allclose, allclose_p, 'a boolean',
                           '(np.array([1.0, 2.0]), np.array([1.0, 2.0 + 1e-12]))', 'True')
array_equal = _index_function(np.array_equal, array_equal_p, 'a boolean',
                              '(np.array([1.0, 2.0]), np.array([1.0, 2.0]))', 'True')
array_equiv = _index_function(np.array_equiv, array_equiv_p, 'a boolean',
                              '(np.array([1.0, 1.0]), 1.0)', 'True')
isreal = _index_function(np.isreal, isreal_p, 'booleans',
                         '(np.array([1.0, 2.0]))', 'array([ True,  True])')
iscomplex = _index_function(np.iscomplex, iscomplex_p, 'booleans',
                            '(np.array([1.0, 1j]))', 'array([False,  True])')
isposinf = _index_function(np.isposinf, isposinf_p, 'booleans',
                           '(np.array([np.inf, -np.inf]))', 'array([ True, False])')
isneginf = _index_function(np.isneginf, isneginf_p, 'booleans',
                           '(np.array([np.inf, -np.inf]))', 'array([False,  True])')
any = _index_function(np.any, any_p, 'booleans', '(np.array([0.0, 2.0]))', 'True')  # noqa: A001
all = _index_function(np.all, all_p, 'booleans', '(np.array([0.0, 2.0]))', 'False')  # noqa: A001


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


# Shapes and types are fixed for a recording (a replay checks its inputs' shapes):
# these read the plain values.

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
    index, *rest = _apply(unique_indices_p, (x,), dict(return_inverse=return_inverse,
                                                       return_counts=return_counts, axis=axis,
                                                       **kwargs))
    values = take(x, index, axis=axis) if isinstance(x, Tracer) else np.unique(x, axis=axis,
                                                                                **kwargs)
    if not (return_index or return_inverse or return_counts):
        return values
    return (values,) + ((index,) if return_index else ()) + tuple(rest)
