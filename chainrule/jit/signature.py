"""Cache keys: what a call must share with an earlier one to reuse its generated code.

A key holds the pytree structure of the traced arguments, per leaf its kind
(Python float or complex, a NumPy scalar's type, an array's shape and dtype)
and the values of the static arguments. Python ints are traced as floats, as
``cr.trace`` does, so ``f(2)`` and ``f(2.0)`` share their code; an int that
decides the program (a loop count, a size) should be static.

>>> split = Signature(lambda x, n: x * n, static_argnums=(1,), static_argnames=())
>>> key, leaves, _ = split.key((2.0, 3), {})
>>> leaves, key[2]
([2.0], ((1, 3),))
"""

from __future__ import annotations

import inspect
from typing import Any, Callable

import numpy as np

from ..core import flatten, unflatten


def leaf_kind(leaf: Any) -> Any:
    """The part of a leaf the generated code depends on: its type, shape and dtype.

    >>> leaf_kind(1.0), leaf_kind(np.zeros((2, 3), np.float32))
    (<class 'float'>, ((2, 3), dtype('float32')))
    """
    kind = type(leaf)
    if kind is np.ndarray:
        return (leaf.shape, leaf.dtype)
    if kind is int:
        return float  # traced as a float
    return kind


def _hashable(value: Any, what: str) -> Any:
    try:
        hash(value)
    except TypeError:
        raise TypeError(f"cr.jit keys its cache on the values of static arguments, and {what} "
                        f"is a {type(value).__name__}, which cannot be hashed. Pass a tuple "
                        "instead of a list, or make the argument traced (not static).") from None
    return value


class Signature:
    """Splits a call into static values and traced leaves, and names the leaves."""

    def __init__(self, function: Callable, static_argnums: Any, static_argnames: Any):
        if isinstance(static_argnums, int):
            static_argnums = (static_argnums,)
        if isinstance(static_argnames, str):
            static_argnames = (static_argnames,)
        self.static_argnums = tuple(sorted(set(static_argnums)))
        self.static_argnames = frozenset(static_argnames)
        try:
            parameters = list(inspect.signature(function).parameters.values())
        except (TypeError, ValueError):
            parameters = []
        self.positional = [p.name for p in parameters
                           if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
        # a parameter named in static_argnames and passed positionally is static too
        self.static_argnums = tuple(sorted(set(self.static_argnums) | {
            i for i, name in enumerate(self.positional) if name in self.static_argnames}))
        self.simple = not self.static_argnums and not self.static_argnames

    def quick_key(self, args: tuple) -> Any:
        """The key of a call with only Python floats and arrays as positional arguments,
        computed without flattening; None for any other call."""
        key = []
        for arg in args:
            kind = type(arg)
            if kind is float:
                key.append(float)
            elif kind is np.ndarray:
                key.append((arg.shape, arg.dtype))
            else:
                return None
        return tuple(key)

    def key(self, args: tuple, kwargs: dict) -> tuple[tuple, list, Any]:
        """``(key, traced leaves, tree)`` of a call."""
        count = len(args)
        statics = tuple((i, _hashable(args[i], f"argument {i}"))
                        for i in self.static_argnums if i < count)
        dynamic = tuple(arg for i, arg in enumerate(args) if i not in self.static_argnums) \
            if statics else tuple(args)
        static_kwargs = tuple(sorted((name, _hashable(value, f"argument {name!r}"))
                                     for name, value in kwargs.items()
                                     if name in self.static_argnames))
        dynamic_kwargs = {name: value for name, value in kwargs.items()
                          if name not in self.static_argnames}
        leaves, tree = flatten((dynamic, dynamic_kwargs))
        return (tree, tuple(map(leaf_kind, leaves)), statics + static_kwargs), leaves, tree

    def names(self, args: tuple, kwargs: dict) -> list:
        """A name per traced leaf: the parameter's name, ``x1`` where it has none, with
        ``_0``, ``_1`` for the leaves of a pytree argument."""
        names = []
        for position, arg in enumerate(args):
            if position in self.static_argnums:
                continue
            base = self.positional[position] if position < len(self.positional) else (
                f"x{position + 1}")
            names += _leaf_names(base, arg)
        for name in sorted(kwargs):
            if name not in self.static_argnames:
                names += _leaf_names(name, kwargs[name])
        return names

    def rebuild(self, args: tuple, kwargs: dict, tree: Any) -> Callable:
        """``rebuild(inputs) -> (args, kwargs)``: the call with traced leaves in place."""
        def rebuild(inputs: list) -> tuple:
            dynamic, dynamic_kwargs = unflatten(tree, list(inputs))
            merged, values = [], iter(dynamic)
            for position in range(len(args)):
                merged.append(args[position] if position in self.static_argnums
                              else next(values))
            merged_kwargs = dict(dynamic_kwargs)
            merged_kwargs.update((name, value) for name, value in kwargs.items()
                                 if name in self.static_argnames)
            return tuple(merged), merged_kwargs

        return rebuild


def _leaf_names(base: str, arg: Any) -> list:
    count = len(flatten(arg)[0])
    return [base] if count == 1 else [f"{base}_{i}" for i in range(count)]
