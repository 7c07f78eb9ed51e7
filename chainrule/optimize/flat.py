"""A pytree of parameters as one vector, and back: what SciPy's solvers see.

The structure (leaf shapes, sizes, offsets) is worked out once per solve, by
chainrule's own pytree code (``chainrule.core.flatten``); each call then only
slices and concatenates. ``ravel``/``unravel`` work on plain arrays (the hot
path of every SciPy method); ``ravel_traced``/``unravel_traced`` use
chainrule's wrapped operations, for code that is itself differentiated.
"""

from __future__ import annotations

from typing import Any, Callable

import numpy as np

from .. import numpy as cnp
from ..arguments import describe_tree, leaf_paths
from ..core import base_value, flatten, unflatten


def as_real_leaf(leaf: Any, path: str) -> Any:
    """``leaf`` as a float or float array, or a clear error saying what is wrong with it."""
    plain = base_value(leaf)
    if isinstance(plain, bool) or isinstance(plain, (int, np.integer)):
        return float(plain)
    if isinstance(plain, (float, np.floating)) and not isinstance(plain, np.ndarray):
        return plain
    try:
        array = np.asarray(plain)
    except ValueError as error:  # ragged nested sequences
        raise ValueError(f"{path} is not an array of one shape ({error}); give it as "
                         "np.array(...) with every row the same length, or as a list of "
                         "separate arrays (a list is a pytree node).") from None
    if array.dtype.kind in "biu":
        return array.astype(np.float64)
    if array.dtype.kind == "c":
        raise TypeError(f"{path} is complex ({array.dtype}); the optimisers minimise over real "
                        "numbers: give the real and imaginary parts as two real leaves, "
                        "e.g. {'re': z.real, 'im': z.imag}.")
    if array.dtype.kind != "f":
        raise TypeError(f"{path} is not a number or array of numbers (it is "
                        f"{type(plain).__name__} of dtype {array.dtype}); each leaf of the "
                        "parameters is a float or a float array (nested lists are pytree "
                        "nodes, dicts and tuples too).")
    return leaf


class Flat:
    """The vector view of the pytree ``tree``: ``ravel(tree) -> 1-d float64``,
    ``unravel(vector) -> tree``; float leaves come back as floats (``np.float64``).

    >>> flat = Flat({"w": np.ones((2, 2)), "b": 0.5})
    >>> flat.ravel({"w": np.eye(2), "b": 3.0})
    array([3., 1., 0., 0., 1.])
    >>> flat.unravel(np.arange(5.0))["w"]
    array([[1., 2.],
           [3., 4.]])
    """

    def __init__(self, tree: Any, what: str = "x0"):
        leaves, self.treedef = flatten(tree)
        self.what = what
        self.paths = leaf_paths(self.treedef, what)
        if not leaves:
            raise ValueError(f"{what} holds no numbers (its structure is "
                             f"{describe_tree(self.treedef)}); give the starting point as "
                             "an array, a float, or a dict/tuple/list of them.")
        self.leaves = [as_real_leaf(leaf, path) for leaf, path in zip(leaves, self.paths)]
        self.shapes = [np.shape(base_value(leaf)) for leaf in self.leaves]
        self.sizes = [int(np.prod(shape, dtype=np.int64)) for shape in self.shapes]
        self.scalar = [isinstance(base_value(leaf), (float, np.floating))
                       and not isinstance(base_value(leaf), np.ndarray) for leaf in self.leaves]
        self.offsets = np.concatenate([[0], np.cumsum(self.sizes)]).astype(int).tolist()
        self.size = self.offsets[-1]
        self.slices = [slice(a, b) for a, b in zip(self.offsets[:-1], self.offsets[1:])]
        self.single = len(self.leaves) == 1

    @property
    def tree(self) -> Any:
        """The starting tree with its leaves made real (ints became floats)."""
        return unflatten(self.treedef, list(self.leaves))

    def ravel(self, tree: Any) -> np.ndarray:
        """One float64 vector of ``tree``'s leaves, in flattening order."""
        leaves, treedef = flatten(tree)
        if treedef != self.treedef:
            raise ValueError(f"a pytree of structure {describe_tree(treedef)} where "
                             f"{self.what}'s structure {describe_tree(self.treedef)} is needed")
        if self.single:
            return np.array(base_value(leaves[0]), dtype=np.float64).reshape(-1)  # a copy: never a
            # broadcast view (a gradient of np.sum is one), which SciPy's Fortran would misread
        return np.concatenate([np.asarray(base_value(leaf), dtype=np.float64).reshape(-1)
                               for leaf in leaves])

    def unravel(self, vector: np.ndarray) -> Any:
        """The pytree of ``vector`` (views into it for array leaves)."""
        vector = np.asarray(vector, dtype=np.float64)
        if vector.shape != (self.size,):
            raise ValueError(f"a vector of shape {vector.shape} where {self.what} needs "
                             f"({self.size},)")
        leaves = [vector[s.start] if scalar else vector[s].reshape(shape)
                  for s, shape, scalar in zip(self.slices, self.shapes, self.scalar)]
        return unflatten(self.treedef, leaves)

    def ravel_traced(self, tree: Any) -> Any:
        """``ravel`` with chainrule's operations: differentiable."""
        leaves, treedef = flatten(tree)
        if treedef != self.treedef:
            raise ValueError(f"a pytree of structure {describe_tree(treedef)} where "
                             f"{self.what}'s structure {describe_tree(self.treedef)} is needed")
        pieces = [cnp.reshape(leaf, (-1,)) for leaf in leaves]
        return pieces[0] if self.single else cnp.concatenate(pieces)

    def unravel_traced(self, vector: Any) -> Any:
        """``unravel`` with chainrule's operations: differentiable."""
        leaves = [vector[s.start] if scalar else cnp.reshape(vector[s], shape)
                  for s, shape, scalar in zip(self.slices, self.shapes, self.scalar)]
        return unflatten(self.treedef, leaves)

    def bound(self, value: Any, which: str) -> np.ndarray:
        """A bound given as a number, a flat vector, or a pytree like ``x0``, as a vector."""
        if isinstance(value, np.ndarray) and value.dtype == object and value.size == 1:
            value = value.reshape(-1)[0]  # scipy.optimize.Bounds wraps a pytree in an array
        plain = np.asarray(value, dtype=np.float64) if not isinstance(value, (dict, list, tuple)
                                                                       ) else None
        if plain is not None and plain.ndim == 0:
            return np.full(self.size, float(plain))
        if plain is not None and plain.shape == (self.size,):
            return plain
        if plain is None:
            pieces: list = []
            try:
                _leaves_like(value, self.treedef, pieces)
                return np.concatenate([np.broadcast_to(piece, shape).reshape(-1)
                                       for piece, shape in zip(pieces, self.shapes)])
            except (KeyError, IndexError, TypeError, ValueError) as error:
                raise ValueError(f"the {which} bound does not fit x0 "
                                 f"({describe_tree(self.treedef)}, leaf shapes {self.shapes}): "
                                 f"{error!r}") from None
        raise ValueError(f"the {which} bound has shape {plain.shape}; give a number, a vector "
                         f"of {self.size} (x0 flattened), or a pytree like x0 "
                         f"({describe_tree(self.treedef)}).")


def _leaves_like(value: Any, treedef: Any, pieces: list) -> None:
    """The parts of ``value`` at the leaves of ``treedef`` (a list where x0 has an
    array is that array's values), as float arrays."""
    kind = treedef.kind
    if kind is None:
        pieces.append(np.asarray(value, dtype=np.float64))
    elif kind is dict:
        if not isinstance(value, dict) or set(value) != set(treedef.meta):
            raise TypeError(f"a dict with keys {list(treedef.meta)} is needed, not {value!r:.80}")
        for key, child in zip(treedef.meta, treedef.children):
            _leaves_like(value[key], child, pieces)
    elif kind != "none":
        if not isinstance(value, (tuple, list)) or len(value) != len(treedef.children):
            raise TypeError(f"a sequence of {len(treedef.children)} is needed, not {value!r:.80}")
        for item, child in zip(value, treedef.children):
            _leaves_like(item, child, pieces)


def ravel_pytree(tree: Any) -> tuple[np.ndarray, Callable[[np.ndarray], Any]]:
    """``(vector, unravel)``: the pytree's numbers as one float64 vector, in the
    order SciPy's solvers see them here (for ``LinearConstraint`` matrices, bounds
    given per variable, ``hess_inv``), and the function that rebuilds the pytree.

    >>> vector, unravel = cr.optimize.ravel_pytree({"a": np.zeros(2), "b": 1.0})
    >>> vector, unravel(vector + 1)["b"]
    (array([0., 0., 1.]), 2.0)
    """
    flat = Flat(tree, "tree")
    return flat.ravel(flat.tree), flat.unravel


def matrix(blocks: Any, out: Flat, inputs: Flat) -> np.ndarray:
    """A Jacobian or Hessian of pytrees (``cr.jacobian``'s nesting: output
    structure of input structure of blocks) as one ``(out.size, inputs.size)`` matrix."""
    leaves = [np.asarray(base_value(block), dtype=np.float64) for block in flatten(blocks)[0]]
    count = len(inputs.leaves)
    rows = [[leaves[o * count + i].reshape(out.sizes[o], inputs.sizes[i]) for i in range(count)]
            for o in range(len(out.leaves))]
    return np.block(rows) if len(leaves) > 1 else np.ascontiguousarray(rows[0][0])
