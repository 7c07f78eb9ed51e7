"""How NumPy functions become chainrule primitives, and the tables that route
NumPy's own functions (``np.sin(tracer)``) to them.

Each area file (``trig.py``, ``reductions.py``, ...) declares its functions
with the factories here (and ``elementwise`` in ``elementwise.py``), one
stanza per function:

    reshape_p = primitive("reshape", lambda x, shape, order: np.reshape(x, shape, order=order))
    reshape_p.def_linear(lambda g, ans, x, shape, order: reshape_p(g, shape_of(x), order))

``handles(np.f)`` routes a NumPy function reached through
``__array_function__`` to a Python wrapper; ``elementwise`` does the same
for a ufunc reached through ``__array_ufunc__``.

This is the bottom file of the NumPy layer: it imports only the engine.
"""

from __future__ import annotations

from typing import Any, Callable, TypeVar

import numpy as np

from ..core import Primitive, Tracer, base_value, jvp, vjp

# every primitive of the NumPy layer, by name: what ``python -m chainrule rules`` lists
PRIMITIVES: dict[str, Primitive] = {}
# numpy ufunc -> the chainrule function applied by ``__array_ufunc__``
UFUNCS: dict[Any, Callable] = {}
# Functions a layer above registers to route a ufunc this table does not know yet
# (chainrule/__init__.py: SciPy's, on first use); each may add entries to UFUNCS.
UFUNC_LOADERS: list[Callable[[Any], None]] = []
# numpy function -> the chainrule function applied by ``__array_function__``
FUNCTIONS: dict[Any, Callable] = {}


class NumpyPrimitive(Primitive):
    """A primitive of the NumPy layer; its docstring is written from its rules,
    with an example computed when it is read (``help(cnp.sin)``)."""

    __slots__ = ("numpy_function", "written_doc")
    numpy_function: Any
    written_doc: str

    # Primitive.__call__ with one addition: a list or tuple argument (``cnp.exp([x, y])``,
    # which may hold tracers) becomes an array first. The check sits in the branch for
    # arguments that are not tracers, so the hot path (tracers in, tracers out) is as
    # fast as the engine's own.
    def __call__(self, *args: Any, **params: Any) -> Any:
        top = None
        for value in args:
            if isinstance(value, Tracer):
                level = value.level
                if top is None or level.depth > top.depth:
                    top = level
            elif type(value) in _SEQUENCES:
                return self(*(array_of(value) for value in args), **params)
        if top is None:
            return self.impl(*args, **params)
        if not top.active:
            raise top.inactive_error()
        return top.process(self, args, params)

    @property
    def __doc__(self) -> str:  # type: ignore[override]
        written = getattr(self, "written_doc", None)
        if written is not None:
            return written
        if self.nondiff:
            what = "its derivative is zero in every mode (declared non-differentiable)"
        else:
            what = "differentiable in " + " and ".join(
                {"forward": "forward mode (JVP)", "reverse": "reverse mode (VJP)"}[mode]
                for mode in self.modes)
        # Set before the example runs: computing it reads this docstring again.
        self.written_doc = f"{self.name}, {what}.\n"
        self.written_doc += "\n" + _example(self, self.name.split(".")[-1])
        return self.written_doc


def _example(prim: "NumpyPrimitive", short: str) -> str:
    """A docstring example for ``prim``, evaluated now so it is always true."""
    arity = getattr(getattr(prim, "numpy_function", None), "nin", None)
    if arity is None:
        return f"Called like numpy.{short}; ``np.{short}(x)`` on a traced ``x`` reaches it.\n"
    with np.errstate(all="ignore"):
        return _evaluated_example(prim, short, arity)


def _evaluated_example(prim: "NumpyPrimitive", short: str, arity: int) -> str:
    # The engine's own jvp and vjp compute what cr.deriv and cr.grad would show.
    for point in (0.5, 1.5):
        args = (point, point / 2)[:arity]
        if prim.nondiff:
            call, value = f"cnp.{short}{args if arity > 1 else f'({point})'}", prim(*args)
        elif arity == 1:
            call, value = f"cr.deriv(cnp.{short})({point})", jvp(prim, (point,), (1.0,))[1]
        else:
            call = f"cr.grad(cnp.{short}, argnums=(0, 1)){args}"
            value = vjp(prim, *args)[1](1.0)
        if not np.any(np.isnan(value)):
            break
    return f">>> {call}\n{value!r}\n"


_SEQUENCES = (list, tuple)


# The converter of lists and tuples that may hold tracers: ``creation.asarray``,
# which sits above this file in the layer's order, so creation.py fills this
# slot when it is imported (``set_sequence_converter(asarray)``, at its end).
# Until then (and for plain values) NumPy's own ``np.asarray`` serves.
_sequence_converter: Callable = np.asarray


def set_sequence_converter(convert: Callable) -> None:
    """Make ``convert`` the function that turns lists and tuples into arrays (see array_of)."""
    global _sequence_converter
    _sequence_converter = convert


def array_of(value: Any) -> Any:
    """A list or tuple (possibly holding tracers) as an array; anything else as it is.

    Every function of the NumPy layer that takes an array passes its arguments
    through this (primitives do it in ``NumpyPrimitive.__call__``), so
    ``cnp.exp([x, y])`` and ``cnp.linalg.norm([x, y])`` work on tracers.

    >>> array_of([1.0, 2.0])
    array([1., 2.])
    """
    if type(value) in _SEQUENCES:
        return _sequence_converter(value)
    return value


def primitive(name: str, impl: Callable, multiple_results: bool = False) -> NumpyPrimitive:
    """A NumPy-layer primitive, named ``numpy.<name>`` in messages."""
    prim = NumpyPrimitive(f"numpy.{name}", impl, multiple_results)
    prim.numpy_function = None
    return registered(prim)


_PrimitiveT = TypeVar("_PrimitiveT", bound=Primitive)


def registered(prim: _PrimitiveT) -> _PrimitiveT:
    """Enter ``prim`` in the registry (what ``python -m chainrule rules`` lists)."""
    PRIMITIVES[prim.name] = prim
    return prim


def handles(*numpy_functions: Any) -> Callable:
    """Decorator: route these NumPy functions on tracers to the decorated function."""

    def register(function: Callable) -> Callable:
        for numpy_function in numpy_functions:
            if numpy_function is not None:  # None: absent from this NumPy (see since_numpy)
                FUNCTIONS[numpy_function] = function
        return function

    return register


# Types whose shape is always (): Python and NumPy scalars, and scalar tracers
# (registered by the array module). Checked first: shape_of is on the hot path.
SCALAR_TYPES: set = {float, int, complex, np.float64, np.float32, np.complex128}


def since_numpy(module: Any, name: str) -> Any:
    """``module.name`` where this NumPy has it (NumPy 2 added several), else None.

    >>> since_numpy(np, "no_such_function") is None
    True
    """
    return getattr(module, name, None)


# NumPy 2 also changed some functions it kept (new keywords; ``np.sign`` of complex
# numbers; NEP 50 promotion): the wrappers follow the NumPy they run on.
NUMPY_2 = np.lib.NumpyVersion(np.__version__) >= "2.0.0"


def since_numpy_2_keywords(function: str, **given: Any) -> None:
    """Refuse, as NumPy 1.x does, the keywords NumPy 2 added to ``function``.

    ``given`` holds those keywords as passed; None (or ``np._NoValue``) means
    absent. On NumPy 2 this does nothing.
    """
    if NUMPY_2:
        return
    for name, value in given.items():
        if value is not None and value is not np._NoValue:
            raise TypeError(f"{function}() got an unexpected keyword argument {name!r}: "
                            f"{name}= came with NumPy 2, and this is NumPy {np.__version__}")


def shape_of(value: Any) -> tuple:
    """The shape of an array, scalar or tracer, without touching the graph.

    A tracer's shape is its plain value's, less the leading axes its levels
    add (a batching level's batch axis).
    """
    if type(value) in SCALAR_TYPES:
        return ()
    leading = 0
    while isinstance(value, Tracer):
        leading += value.level.leading_axes
        value = value.primal
    shape = getattr(value, "shape", ())
    return shape[leading:] if leading else shape


# -- batching: the rule every broadcasting elementwise function shares ------------------


def _unbatched(value: Any) -> Any:
    """``value`` with the batching levels on top of it removed: every member at once."""
    while isinstance(value, Tracer) and value.level.leading_axes:
        value = value.primal
    return value


def any_entry(mask: Any) -> bool:
    """``bool(np.any(mask))``, over every member when ``mask`` is batched.

    Rules take a fast path when no entry needs the general one (``if not
    any_entry(at_zero)``); under ``vmap`` that must hold for every member, and
    Python's ``bool`` of a batched value would be ambiguous. A recording level
    below still records the decision as a guard.

    >>> any_entry(np.array([0.0, 1.0]) > 0.5)
    True
    """
    return bool(np.any(_unbatched(mask)))


def all_entries(mask: Any) -> bool:
    """``bool(np.all(mask))``, over every member when ``mask`` is batched (see any_entry).

    >>> all_entries(np.array([True, False]))
    False
    """
    return bool(np.all(_unbatched(mask)))



def logical_ndim(value: Any, flag: bool) -> int:
    """The number of axes of one batch member of ``value``."""
    return len(shape_of(value)) - (1 if flag else 0)


def align_for_broadcasting(args: Any, batched: Any) -> list:
    """Batched arguments reshaped so NumPy's broadcasting lines up member axes.

    A batched value of shape ``(B,) + s`` becomes ``(B, 1, ..., 1) + s`` with as
    many ones as the widest member has extra axes; unbatched values stay as
    they are (their axes align from the right, as in NumPy).
    """
    shapes = [shape_of(value) for value in args]
    widest = max(len(shape) - flag for shape, flag in zip(shapes, batched))
    aligned = list(args)
    for position, (shape, flag) in enumerate(zip(shapes, batched)):
        missing = widest - (len(shape) - 1)
        if flag and missing:
            aligned[position] = np.reshape(args[position], shape[:1] + (1,) * missing + shape[1:])
    return aligned


def elementwise_batch(primitive: Any) -> Callable:
    """The batching rule of a broadcasting elementwise ``primitive``: one call on the batch."""

    def rule(args: list, batched: list, **params: Any) -> Any:
        return primitive(*align_for_broadcasting(args, batched), **params)

    return rule


def dtype_of(value: Any) -> np.dtype:
    plain = base_value(value)
    dtype = getattr(plain, "dtype", None)
    return dtype if dtype is not None else np.result_type(plain)


def nondiff(name: str, function: Callable) -> NumpyPrimitive:
    """A primitive whose output is piecewise constant: zero derivative, explicitly."""
    prim = primitive(name, function)
    prim.numpy_function = function
    prim.def_nondiff()
    if isinstance(function, np.ufunc):
        UFUNCS[function] = prim
        prim.def_batch(elementwise_batch(prim))
    return prim


# What to write instead of a NumPy function chainrule has no rule for, by qualified
# name (a module name covers its functions). Only unsupported functions are looked
# up here: a hint for a function that gains a rule is never shown.
UNSUPPORTED_HINTS: dict[str, str] = {
    "numpy.vectorize": "write the function with array operations (np.where for branches), "
                       "or call it per element and stack: cnp.array([f(t) for t in x])",
    "numpy.frompyfunc": "write the function with array operations (np.where for branches), "
                        "or call it per element and stack: cnp.array([f(t) for t in x])",
}

# ufunc methods: numpy.<ufunc>.<method>
UNSUPPORTED_METHOD_HINTS: dict[str, str] = {
    "reduceat": "sums of slices, stacked: np.stack([x[a:b].sum() for a, b in spans])",
}


def unsupported_hint(qualified_name: str) -> str | None:
    """What to write instead of ``qualified_name``, where a table above knows.

    >>> unsupported_hint("numpy.add.reduceat")
    'sums of slices, stacked: np.stack([x[a:b].sum() for a, b in spans])'
    """
    if qualified_name.endswith("(vectorized)"):  # a ufunc made by np.frompyfunc
        return UNSUPPORTED_HINTS["numpy.frompyfunc"]
    name = qualified_name
    while name:
        if name in UNSUPPORTED_HINTS:
            return UNSUPPORTED_HINTS[name]
        name = name.rpartition(".")[0]
    method = qualified_name.rpartition(".")[2]
    if qualified_name.count(".") >= 2 and method in UNSUPPORTED_METHOD_HINTS:
        return UNSUPPORTED_METHOD_HINTS[method]
    return None


def unsupported_function_error(qualified_name: str) -> NotImplementedError:
    """The error for a NumPy function with no rule, naming it and what to write instead.

    >>> print(unsupported_function_error("numpy.vectorize"))  # doctest: +ELLIPSIS
    numpy.vectorize is not supported on traced values by chainrule yet (no rule in either mode).
      Instead: write the function with array operations ...
    """
    hint = unsupported_hint(qualified_name)
    instead = f"  Instead: {hint}.\n  Or w" if hint is not None else "  W"
    return NotImplementedError(
        f"{qualified_name} is not supported on traced values by chainrule yet "
        "(no rule in either mode).\n"
        f"{instead}rite it with supported NumPy functions (python -m chainrule rules lists "
        "them), wrap it with chainrule.custom_vjp / custom_jvp, or add a primitive in "
        "chainrule/numpy/."
    )
