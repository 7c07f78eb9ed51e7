"""``vmap``: a function of one example applied to a whole batch in one pass.

``vmap(f)(xs)`` equals ``np.stack([f(x) for x in xs])`` but runs ``f`` once,
on batched tracers (``chainrule/core/batching.py``): every NumPy operation in
``f`` runs once on the whole batch. It composes with every transformation in
every order: ``vmap(grad(loss), in_axes=(None, 0, 0))`` gives per-example
gradients, ``grad`` of a function that calls ``vmap`` differentiates through it.
"""

from __future__ import annotations

import functools
from typing import Any, Callable

import numpy as np

from .arguments import check_callable, describe_tree, name_of
from .core import Tracer, flatten, new_level, unflatten
from .core.batching import BatchLevel
from .core.tree import TreeDef
from .numpy.wrap import shape_of


def _axes_per_leaf(axes: Any, tree: TreeDef, what: str, function: Callable) -> list:
    """``axes`` (an int, None, or a pytree prefix of ``tree``) as one entry per leaf."""
    if axes is None or isinstance(axes, int):
        return [axes] * tree.num_leaves
    if tree.kind is None:
        raise ValueError(f"vmap's {what} {axes!r} has structure where {name_of(function)}'s "
                         "value is one array: give an int or None for it.")
    kind = tuple if tree.kind is list else tree.kind
    given = tuple if type(axes) is list else type(axes)
    if given is not kind or len(axes) != len(tree.children):
        raise ValueError(
            f"vmap's {what} must be an int, None, or match the structure of the values it "
            f"describes ({describe_tree(tree)}); got {axes!r}.")
    if tree.kind is dict:
        if sorted(axes) != list(tree.meta):
            raise ValueError(f"vmap's {what} has keys {sorted(axes)}, the values have "
                             f"{list(tree.meta)}")
        children = [axes[key] for key in tree.meta]
    else:
        children = list(axes)
    per_leaf: list = []
    for child_axes, child in zip(children, tree.children):
        per_leaf.extend(_axes_per_leaf(child_axes, child, what, function))
    return per_leaf


def _batch_size(leaves: list, axes: list, axis_size: int | None, function: Callable) -> int:
    sizes = {}
    for number, (leaf, axis) in enumerate(zip(leaves, axes)):
        if axis is None:
            continue
        shape = shape_of(leaf)
        if not -len(shape) <= axis < len(shape):
            raise ValueError(
                f"vmap was asked to map {name_of(function)}'s input leaf {number} over axis "
                f"{axis}, but it has shape {shape}" + (
                    " (a scalar: pass in_axes=None for it, or an array)" if not shape else ""))
        sizes[number] = shape[axis]
    if not sizes:
        if axis_size is None:
            raise ValueError("vmap has no input to map over (every in_axes entry is None): "
                             "pass axis_size= to say how many batch members there are.")
        return axis_size
    distinct = set(sizes.values())
    if len(distinct) > 1 or (axis_size is not None and axis_size not in distinct):
        detail = ", ".join(f"leaf {n}: {s}" for n, s in sizes.items())
        raise ValueError(f"vmap got inputs of different batch sizes along their mapped axes "
                         f"({detail}" + (f"; axis_size={axis_size}" if axis_size else "") + ").")
    return distinct.pop()


def vmap(function: Callable, in_axes: Any = 0, out_axes: Any = 0,
         axis_size: int | None = None) -> Callable:
    """``function`` mapped over an axis of its inputs, in one batched pass.

    ``in_axes``: per argument (a pytree prefix of the arguments), the axis
    holding the batch, or None for an argument shared by every member;
    ``out_axes`` likewise places the batch axis in the outputs. Keyword
    arguments are mapped over their axis 0. Python branches on batched values
    raise: write them with ``np.where``.

    >>> cr.vmap(lambda x: x @ x)(np.arange(6.0).reshape(3, 2))
    array([ 1., 13., 41.])
    >>> cr.vmap(cr.grad(lambda w, x: np.sum(w * x)), in_axes=(None, 0))(np.ones(2), np.eye(2))
    array([[1., 0.],
           [0., 1.]])
    """
    check_callable(function, "vmap")

    @functools.wraps(function)
    def batched_function(*args: Any, **kwargs: Any) -> Any:
        leaves, in_tree = flatten(args)
        axes = _axes_per_leaf(in_axes if isinstance(in_axes, (int, type(None)))
                              else tuple(in_axes) if type(in_axes) is list else in_axes,
                              in_tree, "in_axes", function)
        keyword_leaves, keyword_tree = flatten(kwargs)
        all_leaves = leaves + keyword_leaves
        all_axes = axes + [0] * len(keyword_leaves)
        size = _batch_size(all_leaves, all_axes, axis_size, function)
        level = BatchLevel(size)
        with new_level(level):
            inputs = [leaf if axis is None else level.new_input(np.moveaxis(leaf, axis, 0))
                      for leaf, axis in zip(all_leaves, all_axes)]
            output = function(*unflatten(in_tree, inputs[:len(leaves)]),
                              **unflatten(keyword_tree, inputs[len(leaves):]))
        out_leaves, out_tree = flatten(output)
        placements = _axes_per_leaf(out_axes, out_tree, "out_axes", function)
        results = []
        for leaf, axis in zip(out_leaves, placements):
            batched = isinstance(leaf, Tracer) and leaf.level is level
            if axis is None:
                if batched:
                    raise ValueError(
                        f"vmap has out_axes=None for an output of {name_of(function)} that "
                        "differs between batch members; give it an axis.")
                results.append(leaf)
                continue
            if batched:
                value = leaf.primal
            else:  # the same for every member: repeated (a copy, writeable, when plain)
                value = np.broadcast_to(leaf, (size,) + shape_of(leaf))
                value = value if isinstance(leaf, Tracer) else np.array(value)
            results.append(np.moveaxis(value, 0, axis))
        return unflatten(out_tree, results)

    return batched_function

