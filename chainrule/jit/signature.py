"""Cache keys: what a call must share with an earlier one to reuse its generated code.

A key holds the pytree structure of the traced arguments, per leaf its kind
(Python float or complex, a NumPy scalar's type, an array's shape and dtype)
and the values of the static arguments. Python ints are traced as floats, as
``cr.trace`` does, so ``f(2)`` and ``f(2.0)`` share their code; an int that
decides the program (a loop count, a size) should be static.

>>> split = Signature(lambda x, n: x * n, static_argnums=(1,), static_argnames=())
>>> key, leaves = split.key((2.0, 3), {})
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


def walk(value: Any, leaves: list) -> Any:
    """The key of one argument, its leaves appended to ``leaves`` in ``flatten``'s order
    (Python ints as floats): structure and leaf kinds in one hashable value.

    >>> leaves = []
    >>> walk({"b": [1.0, 2], "a": None}, leaves), leaves
    ((<class 'dict'>, ('a', 'b'), (None, (<class 'list'>, (<class 'float'>, <class 'float'>)))), [1.0, 2.0])
    """
    kind = type(value)
    if kind is float:
        leaves.append(value)
        return float
    if kind is np.ndarray:
        leaves.append(value)
        return (value.shape, value.dtype)
    if kind is tuple or kind is list or (isinstance(value, tuple) and hasattr(kind, "_fields")):
        return (kind, tuple([walk(item, leaves) for item in value]))
    if kind is dict:
        keys = sorted(value)
        return (dict, tuple(keys), tuple([walk(value[key], leaves) for key in keys]))
    if value is None:
        return None
    leaves.append(float(value) if kind is int else value)
    return leaf_kind(value)


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

    def key(self, args: tuple, kwargs: dict) -> tuple[Any, list]:
        """``(key, traced leaves)`` of a call."""
        leaves: list = []
        if self.simple and not kwargs:
            return tuple([walk(arg, leaves) for arg in args]), leaves
        statics = tuple((i, _hashable(args[i], f"argument {i}"))
                        for i in self.static_argnums if i < len(args))
        dynamic = tuple([walk(arg, leaves) for i, arg in enumerate(args)
                         if i not in self.static_argnums])
        names = sorted(kwargs)
        static_kwargs = tuple((name, _hashable(kwargs[name], f"argument {name!r}"))
                              for name in names if name in self.static_argnames)
        dynamic_kwargs = tuple((name, walk(kwargs[name], leaves)) for name in names
                               if name not in self.static_argnames)
        return (dynamic, dynamic_kwargs, statics, static_kwargs), leaves

    def tree(self, args: tuple, kwargs: dict) -> Any:
        """The pytree structure of the traced arguments (positional ones, then keywords)."""
        dynamic = tuple(arg for i, arg in enumerate(args) if i not in self.static_argnums)
        return flatten((dynamic, {name: value for name, value in kwargs.items()
                                  if name not in self.static_argnames}))[1]

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
