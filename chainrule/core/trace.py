"""Trace levels, the Tracer base class, and ``bind``: the one interception point.

Every transformation call (``grad``, ``jvp``, ...) opens a new :class:`Level`.
Its inputs become tracers of that level. When a primitive is applied,
``bind`` finds the highest level among the tracers in the arguments and lets
that level process the operation; tracers of lower levels are constants to it
and are handled when the level re-binds the primal computation. Levels are
ordered by their nesting depth and identified by object, so a tracer from an
exited call is detected rather than confused with a new one.

The stack of active levels lives in a ``contextvars.ContextVar``, so each
thread (and each asyncio task) has its own.
"""

from __future__ import annotations

import contextvars
from typing import Any, Callable

from .errors import EscapedTracerError

_active_levels: contextvars.ContextVar[tuple] = contextvars.ContextVar(
    "chainrule_active_levels", default=()
)


class Level:
    """One transformation call. Subclasses implement ``process``.

    ``leading_axes`` is how many axes a level adds in front of its tracers'
    values: 0 for forward and reverse mode (a tracer's primal has the tracer's
    shape), 1 for batching (the primal carries the batch axis first). The array
    layer reads it to answer a tracer's shape level by level.
    """

    __slots__ = ("depth", "active", "__weakref__")
    mode = "base"
    leading_axes = 0

    def __init__(self) -> None:
        self.depth = len(_active_levels.get()) + 1
        self.active = False

    def process(self, primitive: Any, args: tuple, params: dict) -> Any:
        raise NotImplementedError

    def constant(self, value: Any) -> "Tracer":
        """``value`` as a tracer of this level that carries no derivative."""
        return new_tracer(value, self)

    def inactive_error(self) -> Exception:
        """The error for using a tracer of this level once it is no longer active."""
        return EscapedTracerError(f"A traced value of {self!r}")

    def __repr__(self) -> str:
        return f"<{self.mode} level {self.depth}{'' if self.active else ' (exited)'}>"


class new_level:
    """Context manager: make ``level`` the innermost active level inside the block.

    A class rather than a generator-based context manager: it is entered on
    every transformation call.
    """

    __slots__ = ("level", "token")

    def __init__(self, level: Level):
        self.level = level

    def __enter__(self) -> Level:
        self.token = _active_levels.set(_active_levels.get() + (self.level,))
        self.level.active = True
        return self.level

    def __exit__(self, *exc_info: Any) -> None:
        self.level.active = False
        _active_levels.reset(self.token)


def active_levels() -> tuple:
    """The levels open in this thread, outermost first."""
    return _active_levels.get()


class Tracer:
    """A value being differentiated at one level.

    ``primal`` is the value (possibly itself a tracer of a lower level);
    ``level_data`` is what its level attaches: the tape node for reverse mode,
    the tangent for forward mode, nothing for batching. Value-type specific
    behaviour (array operators) lives in subclasses registered with
    :func:`register_tracer_type`.
    """

    __slots__ = ("primal", "level", "level_data")

    def __init__(self, primal: Any, level: Level, level_data: Any = None):
        self.primal = primal
        self.level = level
        self.level_data = level_data

    def __repr__(self) -> str:
        return f"Tracer({self.primal!r}, {self.level!r})"


_tracer_types: dict[type, type] = {}

# Functions called with a value type met for the first time that has no tracer type
# registered; each may register one (and its zeros) for it. The NumPy layer adds one
# for array types it knows by name (Dask's, CuPy's), so nothing imports those
# libraries until a user passes such an array. A type no loader takes gets Tracer.
TYPE_LOADERS: list[Callable[[type], None]] = []


def _loaded_tracer_type(value_type: type) -> type:
    """The tracer type for a value type not seen before, after asking TYPE_LOADERS."""
    for load in TYPE_LOADERS:
        load(value_type)
    tracer_type = _tracer_types.get(value_type)
    if tracer_type is None:
        tracer_type = _tracer_types[value_type] = Tracer
    return tracer_type


def register_tracer_type(value_type: type, tracer_type: type) -> None:
    """Use ``tracer_type`` for values of ``value_type`` (e.g. ndarray -> ArrayTracer)."""
    _tracer_types[value_type] = tracer_type


def new_tracer(primal: Any, level: Level, level_data: Any = None) -> Tracer:
    """A tracer of the class registered for the primal's value type."""
    value = primal
    while isinstance(value, Tracer):
        value = value.primal
    tracer_type = _tracer_types.get(type(value))
    if tracer_type is None:
        tracer_type = _loaded_tracer_type(type(value))
    return tracer_type(primal, level, level_data)


def tracer_type_of(value: Any) -> type:
    """The tracer class for ``value`` (looked through lower-level tracers)."""
    tracer_type = _tracer_types.get(type(value))
    if tracer_type is not None:
        return tracer_type
    while isinstance(value, Tracer):
        value = value.primal
    tracer_type = _tracer_types.get(type(value))
    return tracer_type if tracer_type is not None else _loaded_tracer_type(type(value))


def base_value(value: Any) -> Any:
    """The plain value under any number of tracer levels."""
    while isinstance(value, Tracer):
        value = value.primal
    return value


def leading_axes(value: Any) -> int:
    """How many axes the levels under ``value`` add in front of its plain value.

    >>> leading_axes(2.0)
    0
    """
    count = 0
    while isinstance(value, Tracer):
        count += value.level.leading_axes
        value = value.primal
    return count


def top_level(values: Any) -> Level | None:
    """The innermost level among the tracers in ``values``, or None."""
    top = None
    for value in values:
        if isinstance(value, Tracer):
            level = value.level
            if top is None or level.depth > top.depth:
                top = level
    if top is not None and not top.active:
        raise top.inactive_error()
    return top


def bind(primitive: Any, *args: Any, **params: Any) -> Any:
    """Apply ``primitive`` to ``args``: the single point every mode goes through.

    The innermost level among the tracers in ``args`` processes the operation;
    with no tracers, the raw implementation runs.
    """
    top = top_level(args)
    if top is None:
        return primitive.impl(*args, **params)
    return top.process(primitive, args, params)
