"""Pytrees: nested tuples, lists, dicts and namedtuples, flattened to a list of leaves.

``None`` is an empty subtree (it has no leaves), as in JAX, so optional
arguments and results pass through every transformation unchanged.

>>> leaves, tree = flatten({"b": (1.0, 2.0), "a": [3.0, None]})
>>> leaves
[3.0, 1.0, 2.0]
>>> unflatten(tree, [x * 10 for x in leaves])
{'a': [30.0, None], 'b': (10.0, 20.0)}
"""

from __future__ import annotations

from typing import Any, Callable, NamedTuple


class TreeDef(NamedTuple):
    """The shape of a pytree without its leaves."""

    kind: Any  # None for a leaf, "none", tuple, list, dict, or a namedtuple class
    meta: Any  # dict keys, sorted
    children: tuple

    @property
    def num_leaves(self) -> int:
        if self.kind is None:
            return 1
        return sum(child.num_leaves for child in self.children)


LEAF = TreeDef(None, None, ())
NONE = TreeDef("none", None, ())


def _is_namedtuple(value: Any) -> bool:
    return isinstance(value, tuple) and hasattr(type(value), "_fields")


def flatten(tree: Any) -> tuple[list, TreeDef]:
    """Return the leaves of ``tree`` in a fixed order and its structure."""
    leaves: list = []
    return leaves, _flatten(tree, leaves)


def _flatten(tree: Any, leaves: list) -> TreeDef:
    kind = type(tree)
    if kind is tuple or kind is list:
        return TreeDef(kind, None, tuple([_flatten(child, leaves) for child in tree]))
    if kind is dict:
        keys = sorted(tree)
        return TreeDef(dict, tuple(keys), tuple([_flatten(tree[k], leaves) for k in keys]))
    if tree is None:
        return NONE
    if _is_namedtuple(tree):
        return TreeDef(kind, None, tuple([_flatten(child, leaves) for child in tree]))
    leaves.append(tree)
    return LEAF


def unflatten(treedef: TreeDef, leaves: Any) -> Any:
    """Rebuild a pytree of structure ``treedef`` from ``leaves``."""
    if treedef is LEAF and type(leaves) is list and len(leaves) == 1:  # common: no iterator
        return leaves[0]
    iterator = iter(leaves)
    result = _unflatten(treedef, iterator)
    if next(iterator, _END) is not _END:
        raise ValueError("too many leaves for the tree structure")
    return result


_END = object()


def _unflatten(treedef: TreeDef, leaves: Any) -> Any:
    kind = treedef.kind
    if kind is None:
        return next(leaves)
    if kind == "none":
        return None
    children = [_unflatten(child, leaves) for child in treedef.children]
    if kind is tuple or kind is list:
        return kind(children)
    if kind is dict:
        return dict(zip(treedef.meta, children))
    return kind(*children)  # a namedtuple


def tree_map(function: Callable, tree: Any, *rest: Any) -> Any:
    """Apply ``function`` to the leaves of ``tree`` (and matching leaves of ``rest``)."""
    leaves, treedef = flatten(tree)
    others = [flatten(other)[0] for other in rest]
    return unflatten(treedef, [function(*xs) for xs in zip(leaves, *others)])
