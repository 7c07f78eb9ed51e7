"""Zeros per value type: what a symbolic zero becomes when it must be materialised.

Python numbers are built in; the NumPy layer registers arrays and scalars.
Addition of tangents and cotangents is plain ``+``, which every value type
(and every tracer) supports.
"""

from __future__ import annotations

from typing import Any, Callable

from .trace import TYPE_LOADERS, Tracer

_zeros: dict[type, Callable[[Any], Any]] = {
    float: lambda value: 0.0,
    int: lambda value: 0.0,
    complex: lambda value: 0j,
}


def register_zeros(value_type: type, zeros: Callable[[Any], Any]) -> None:
    """Teach chainrule how to make a zero like values of ``value_type``."""
    _zeros[value_type] = zeros


def zeros_like(value: Any) -> Any:
    """A plain zero of the same shape and type as ``value`` (tracers are looked through;
    a batching level's batch axis is not part of a value's shape)."""
    plain = value
    leading = 0
    while isinstance(plain, Tracer):
        leading += plain.level.leading_axes
        plain = plain.primal
    if leading:
        plain = plain[(0,) * leading]
    zeros = _zeros.get(type(plain))
    if zeros is None:
        for load in TYPE_LOADERS:  # a type met for the first time (a Dask array, say)
            load(type(plain))
        zeros = _zeros.get(type(plain))
    if zeros is None:
        raise TypeError(
            f"chainrule does not know how to make a zero like a {type(plain).__name__}; "
            "register one with chainrule.core.vspace.register_zeros"
        )
    return zeros(plain)
