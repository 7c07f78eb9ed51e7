"""The transformations: grad, value_and_grad, jvp, vjp, linearize, jacobians,
hessian, hvp, elementwise_grad, deriv, stop_gradient.

Each is a thin layer over the engine's two modes (``core.vjp``,
``core.jvp``): it picks the arguments to differentiate (``argnums``), checks
them (``arguments.py``: right or loud), and arranges the results in the shape
users expect from JAX.
"""

from __future__ import annotations

import functools
import math
from typing import Any, Callable, Sequence

import numpy as np

from . import core
from . import numpy as cnp
from .arguments import (as_differentiable, check_argnums, check_callable, check_complex,
                        check_cotangent, check_pair, check_scalar, check_sequences,
                        check_tangents, match_dtype, name_of, split_args, with_aux)
from .core import Primitive, flatten, new_level, tree_map, unflatten
from .core.batching import BatchLevel
from .core.linearize import linearize as core_linearize
from .core.linearize import push as core_push
from .core.linearize import replayable as core_replayable
from .core.reverse import Recording, snapshot
from .numpy.array_types import REGISTERED as FOREIGN_ARRAY_TYPES
from .numpy.wrap import dtype_of, shape_of


def _ones_like(value: Any) -> Any:
    plain = core.base_value(value)
    if isinstance(plain, float):
        return 1.0
    if type(plain) in FOREIGN_ARRAY_TYPES:  # a Dask (CuPy) seed: no NumPy array in its graph
        return np.ones(shape_of(value), dtype_of(value), like=plain)
    return np.ones(shape_of(value), dtype_of(value))  # a batch member's shape


# -- reverse mode ---------------------------------------------------------------


def _differentiable_primals(primals: Any, transform: str) -> tuple:
    """Each leaf of each primal checked (Python ints become floats)."""
    where = f"A primal of {transform}"
    return tuple(tree_map(lambda leaf: as_differentiable(leaf, where), p) for p in primals)


def vjp(function: Callable, *primals: Any, has_aux: bool = False) -> tuple:
    """Evaluate ``function(*primals)`` and return ``(output, pullback)``.

    ``pullback(cotangent)`` returns a tuple with one cotangent per primal and
    may be called many times; the cotangent has the output's structure, shape
    and dtype. With ``has_aux`` the result is ``(output, pullback, aux)``.

    >>> out, pullback = cr.vjp(lambda x, y: x * y, 3.0, 4.0)
    >>> pullback(1.0)
    (4.0, 3.0)
    """
    check_callable(function, "vjp")
    primals = _differentiable_primals(primals, "vjp")
    aux: list = []
    # the pullback may be called after the caller changed a primal in place: keep copies
    leaves, in_tree = flatten(primals)
    recording = Recording(with_aux(function, has_aux, aux, "vjp"), primals,
                          ([snapshot(leaf) for leaf in leaves], in_tree))
    inputs = recording.inputs

    def pullback(cotangent: Any) -> tuple:
        leaves = check_cotangent(cotangent, recording.output_leaves, recording.out_tree,
                                 function)
        cotangents = recording.pull(leaves, again=True)
        return unflatten(recording.in_tree, [
            match_dtype(ct, leaf) for ct, leaf in zip(cotangents, inputs)])

    output = recording.output
    return (output, pullback, aux[0]) if has_aux else (output, pullback)


def value_and_grad(function: Callable, argnums: Any = 0, has_aux: bool = False,
                   holomorphic: bool = False) -> Callable:
    """A function returning ``(f(*args), gradient of f)``; ``f`` must return a scalar.

    With ``has_aux`` it returns ``((value, aux), gradient)``; with a tuple
    ``argnums`` the gradient is a tuple, one per chosen argument. Differentiated
    arguments are passed positionally; keyword arguments reach ``f`` as constants.
    ``holomorphic=True``: complex inputs and a complex output, and the gradient
    is the complex derivative df/dz, as in JAX.

    >>> cr.value_and_grad(lambda x: x * x)(3.0)
    (9.0, 6.0)
    """
    return _value_and_grad(function, argnums, has_aux, "value_and_grad", holomorphic)


def _value_and_grad(function: Callable, argnums: Any, has_aux: bool, transform: str,
                    holomorphic: bool = False) -> Callable:
    check_callable(function, transform)
    argnums = check_argnums(argnums, transform)

    @functools.wraps(function)
    def value_and_grad_function(*args: Any, **kwargs: Any) -> tuple:
        chosen, of_chosen, many, flat = split_args(function, args, kwargs, argnums, transform,
                                                   flat=True)
        aux: list = []
        recording = Recording(with_aux(of_chosen, has_aux, aux, transform), chosen, flat)
        output = recording.output
        if holomorphic:
            check_complex(recording.inputs, recording.output_leaves, True, function,
                          f"{transform}")
            if shape_of(recording.output_leaves[0]) != () or len(recording.output_leaves) != 1:
                check_scalar(output, function, transform, has_aux)  # says what is wrong
        else:
            check_scalar(output, function, transform, has_aux)
        cotangents = recording.pull([_ones_like(leaf) for leaf in recording.output_leaves])
        gradients = unflatten(recording.in_tree, [
            match_dtype(ct, leaf) for ct, leaf in zip(cotangents, recording.inputs)])
        gradient = gradients if many else gradients[0]
        return ((output, aux[0]) if has_aux else output), gradient

    return value_and_grad_function


def grad(function: Callable, argnums: Any = 0, has_aux: bool = False,
         holomorphic: bool = False) -> Callable:
    """The gradient of scalar-valued ``function`` with respect to argument(s) ``argnums``.

    Nest it for higher derivatives: ``grad(grad(f))``. Differentiated
    arguments are passed positionally; keyword arguments reach ``function``
    unchanged, as constants. With ``holomorphic=True`` the inputs and the
    output are complex and the result is the complex derivative (JAX's meaning).

    >>> cr.grad(np.tanh)(1.0)
    0.41997434161402614
    >>> cr.grad(lambda z: z * z, holomorphic=True)(1.0 + 2.0j)
    (2+4j)
    """
    value_and_grad_function = _value_and_grad(function, argnums, has_aux, "grad", holomorphic)

    @functools.wraps(function)
    def grad_function(*args: Any, **kwargs: Any) -> Any:
        value, gradient = value_and_grad_function(*args, **kwargs)
        return (gradient, value[1]) if has_aux else gradient

    return grad_function


def elementwise_grad(function: Callable, argnums: Any = 0) -> Callable:
    """The gradient of ``sum(function(x))``: for elementwise functions, the
    derivative at every point at once.

    >>> cr.elementwise_grad(np.sin)(np.array([0.0, np.pi]))
    array([ 1., -1.])
    """
    check_callable(function, "elementwise_grad")
    argnums = check_argnums(argnums, "elementwise_grad")

    @functools.wraps(function)
    def elementwise_grad_function(*args: Any, **kwargs: Any) -> Any:
        chosen, of_chosen, many = split_args(function, args, kwargs, argnums,
                                             "elementwise_grad")
        output, pullback = core.vjp(of_chosen, *chosen)
        if any(dtype_of(leaf).kind == "c" for leaf in flatten(output)[0]):
            raise TypeError(f"elementwise_grad differentiates real outputs; "
                            f"{name_of(function)} returned a complex one. Use cr.deriv for "
                            "the complex derivative of a real input, or differentiate the "
                            "real and imaginary parts.")
        gradients = tuple(tree_map(match_dtype, ct, p)
                          for ct, p in zip(pullback(tree_map(_ones_like, output)), chosen))
        return gradients if many else gradients[0]

    return elementwise_grad_function


# -- forward mode -----------------------------------------------------------------


def jvp(function: Callable, primals: Sequence, tangents: Sequence, has_aux: bool = False) -> tuple:
    """Forward mode: ``(function(*primals), its derivative along tangents)``.

    ``primals`` and ``tangents`` are tuples (or lists) with one entry per
    argument; each tangent has its primal's structure, shape and dtype.

    >>> cr.jvp(lambda x: x * x * x, (2.0,), (1.0,))
    (8.0, 12.0)
    """
    check_callable(function, "jvp")
    check_sequences(primals, tangents, "jvp")  # first: a bare array is no tuple of primals
    primals = _differentiable_primals(primals, "jvp")
    tangents = check_tangents(primals, tangents, "jvp")
    aux: list = []
    output, tangent = core.jvp(with_aux(function, has_aux, aux, "jvp"), primals, tangents)
    return (output, tangent, aux[0]) if has_aux else (output, tangent)


def deriv(function: Callable, argnums: int = 0) -> Callable:
    """The derivative of a function of one scalar (or elementwise in an array), by
    forward mode.

    >>> cr.deriv(np.sin)(np.array([0.0, np.pi]))
    array([ 1., -1.])
    """
    check_callable(function, "deriv")
    argnums = check_argnums(argnums, "deriv")
    if type(argnums) is not int:
        raise TypeError(f"deriv differentiates one argument: argnums is an int, like "
                        f"argnums=0, not {argnums!r}. For several, use cr.jacfwd(f, "
                        "argnums=(0, 1)).")

    @functools.wraps(function)
    def derivative(*args: Any, **kwargs: Any) -> Any:
        (chosen,), of_chosen, _ = split_args(function, args, kwargs, argnums, "deriv")
        return core.jvp(of_chosen, (chosen,), (tree_map(_ones_like, chosen),))[1]

    return derivative


def linearize(function: Callable, *primals: Any) -> tuple:
    """Return ``(function(*primals), f_jvp)`` where ``f_jvp(*tangents)`` is the
    derivative along ``tangents`` (one per primal, each with its primal's
    structure, shape and dtype).

    The function runs once; each ``f_jvp`` call replays the recorded
    operations with their forward-mode rules, without re-running Python.

    >>> out, f_jvp = cr.linearize(np.sin, np.zeros(2))
    >>> f_jvp(np.array([2.0, 3.0]))
    array([2., 3.])
    """
    check_callable(function, "linearize")
    primals = _differentiable_primals(primals, "linearize")
    output, core_f_jvp = core_linearize(function, *primals)

    def f_jvp(*tangents: Any) -> Any:
        return core_f_jvp(*check_tangents(primals, tangents, "f_jvp (from linearize)"))

    return output, f_jvp


# -- Jacobians and Hessians ------------------------------------------------------------


def jacrev(function: Callable, argnums: Any = 0, has_aux: bool = False,
           holomorphic: bool = False, chunk_size: int | None = None) -> Callable:
    """The Jacobian by reverse mode: one backward pass carrying every output
    element's basis cotangent as a batch (``chunk_size`` at a time, if given).

    Its shape is ``output.shape + input.shape``; pytree outputs and inputs
    nest as ``output structure`` of ``input structure``.

    >>> cr.jacrev(lambda x: x ** 2)(np.array([1.0, 2.0]))
    array([[2., 0.],
           [0., 4.]])
    """
    return jacobian(function, argnums, "rev", has_aux, holomorphic, chunk_size)


def jacfwd(function: Callable, argnums: Any = 0, has_aux: bool = False,
           holomorphic: bool = False, chunk_size: int | None = None) -> Callable:
    """The Jacobian by forward mode: one forward pass carrying every input
    element's basis tangent as a batch (``chunk_size`` at a time, if given).

    >>> cr.jacfwd(lambda x: x ** 2)(np.array([1.0, 2.0]))
    array([[2., 0.],
           [0., 4.]])
    """
    return jacobian(function, argnums, "fwd", has_aux, holomorphic, chunk_size)


def jacobian(function: Callable, argnums: Any = 0, mode: str = "auto",
             has_aux: bool = False, holomorphic: bool = False,
             chunk_size: int | None = None) -> Callable:
    """The Jacobian of ``function``: shape ``output.shape + input.shape``.

    The function runs once. ``mode="rev"`` then runs one backward pass with a
    batch of basis cotangents, one per output element; ``"fwd"`` replays the
    recording once with a batch of basis tangents, one per input element;
    ``"auto"`` picks the smaller batch. ``chunk_size`` bounds the batch (and the
    memory) for large Jacobians. Inputs and outputs are real, or, with
    ``holomorphic=True``, all complex (the Jacobian is then df/dz).

    >>> cr.jacobian(lambda x: np.sin(x) * 2)(np.zeros(2))
    array([[2., 0.],
           [0., 2.]])
    """
    if mode not in ("auto", "fwd", "rev"):
        raise ValueError(f"jacobian: mode must be 'auto', 'fwd' or 'rev', not {mode!r}")
    transform = {"auto": "jacobian", "fwd": "jacfwd", "rev": "jacrev"}[mode]
    check_callable(function, transform)
    argnums = check_argnums(argnums, transform)

    @functools.wraps(function)
    def jacobian_function(*args: Any, **kwargs: Any) -> Any:
        chosen, of_chosen, many, flat = split_args(function, args, kwargs, argnums, transform,
                                                   flat=True)
        aux: list = []
        recording = Recording(with_aux(of_chosen, has_aux, aux, transform), chosen, flat)
        in_leaves, out_leaves = recording.inputs, recording.output_leaves
        check_complex(in_leaves, out_leaves, holomorphic, function, transform)
        in_size = sum(_size(leaf) for leaf in in_leaves)
        out_size = sum(_size(leaf) for leaf in out_leaves)
        forward = mode == "fwd" or (mode == "auto" and in_size <= out_size)
        blocks = (_forward_blocks(recording, with_aux(of_chosen, has_aux, [], transform), chosen,
                                  chunk_size)
                  if forward else _reverse_blocks(recording, chunk_size))
        per_output = [unflatten(recording.in_tree, block) for block in blocks]
        result = unflatten(recording.out_tree, [b if many else b[0] for b in per_output])
        return (result, aux[0]) if has_aux else result

    return jacobian_function


def _size(leaf: Any) -> int:
    return math.prod(shape_of(leaf))


def _basis_rows(leaves: list, start: int, stop: int) -> list:
    """Rows ``start:stop`` of the identity over all of ``leaves``' entries, one block
    per leaf, each of shape ``(stop - start,) + leaf shape``: a batch of basis vectors."""
    total = sum(_size(leaf) for leaf in leaves)
    blocks = []
    offset = 0
    for leaf in leaves:
        size = _size(leaf)
        # the identity's rows start:stop, its columns offset:offset + size
        block = np.eye(stop - start, total, start, dtype_of(leaf))[:, offset:offset + size]
        blocks.append(block.reshape((stop - start,) + shape_of(leaf)))
        offset += size
    return blocks


def _reshape(value: Any, shape: tuple) -> Any:
    """``value`` reshaped; a plain array (the common case: no outer level) directly."""
    return value.reshape(shape) if type(value) is np.ndarray else cnp.reshape(value, shape)


def _chunks(total: int, chunk_size: int | None) -> list:
    if chunk_size is not None and (not isinstance(chunk_size, int) or chunk_size < 1):
        raise ValueError(f"chunk_size must be a positive int or None, not {chunk_size!r}")
    step = total if chunk_size is None else chunk_size
    return [(start, min(start + step, total)) for start in range(0, total, max(step, 1))]


def _batched(push: Callable, seeds_of: Callable, total: int, chunk_size: int | None,
             results_like: list) -> list:
    """``push`` applied to every basis vector at once (or ``chunk_size`` at a time):
    per result leaf, the stacked results, shape ``(total,) + leaf shape``."""
    stacked: list = [[] for _ in results_like]
    for start, stop in _chunks(total, chunk_size):
        level = BatchLevel(stop - start)
        with new_level(level):
            results = push([level.new_input(seed) for seed in seeds_of(start, stop)])
        for k, (result, like) in enumerate(zip(results, results_like)):
            if isinstance(result, core.Tracer) and result.level is level:
                stacked[k].append(result.primal)
            else:  # the same for every basis vector (a zero: not connected)
                stacked[k].append(cnp.broadcast_to(result, (stop - start,) + shape_of(like)))
    return [parts[0] if len(parts) == 1 else cnp.concatenate(parts) for parts in stacked]


def _reverse_blocks(recording: Recording, chunk_size: int | None) -> list:
    """Per output leaf, per input leaf: the Jacobian block, from one backward pass
    carrying a batch of basis cotangents (every output entry at once)."""
    in_leaves, out_leaves = recording.inputs, recording.output_leaves
    total = sum(_size(leaf) for leaf in out_leaves)

    def pull(seeds: list) -> list:
        return [match_dtype(cotangent, leaf)
                for cotangent, leaf in zip(recording.pull(seeds, again=True), in_leaves)]

    rows = _batched(pull, lambda start, stop: _basis_rows(out_leaves, start, stop), total,
                    chunk_size, in_leaves)
    blocks = []
    offset = 0
    for out_leaf in out_leaves:
        size = _size(out_leaf)
        blocks.append([_reshape(stacked[offset:offset + size],
                                shape_of(out_leaf) + shape_of(in_leaf))
                       for stacked, in_leaf in zip(rows, in_leaves)])
        offset += size
    return blocks


def _forward_blocks(recording: Recording, of_chosen: Callable, chosen: tuple,
                    chunk_size: int | None) -> list:
    """The same blocks from one forward pass carrying a batch of basis tangents:
    replayed on the recording, or, where it holds an operation without a forward
    rule, by running forward mode on the function under the batch."""
    in_leaves, out_leaves = recording.inputs, recording.output_leaves
    total = sum(_size(leaf) for leaf in in_leaves)
    if core_replayable(recording):
        def push(seeds: list) -> list:
            return core_push(recording, seeds)
    else:
        def push(seeds: list) -> list:
            return flatten(core.jvp(of_chosen, chosen, unflatten(recording.in_tree, seeds))[1])[0]

    columns = _batched(push, lambda start, stop: _basis_rows(in_leaves, start, stop), total,
                       chunk_size, out_leaves)
    blocks: list = [[] for _ in out_leaves]
    offset = 0
    for in_leaf in in_leaves:
        size, in_shape = _size(in_leaf), shape_of(in_leaf)
        for o, (stacked, out_leaf) in enumerate(zip(columns, out_leaves)):
            out_shape = shape_of(out_leaf)
            block = _reshape(stacked[offset:offset + size], in_shape + out_shape)
            # the input axes come first in the batch: move them to the end
            axes = tuple(range(len(in_shape), len(in_shape) + len(out_shape))) + tuple(
                range(len(in_shape)))
            blocks[o].append(block.transpose(axes) if type(block) is np.ndarray
                             else cnp.transpose(block, axes))
        offset += size
    return blocks


def hessian(function: Callable, argnums: Any = 0, holomorphic: bool = False,
            chunk_size: int | None = None) -> Callable:
    """The Hessian of scalar ``function``, by forward-over-reverse: the gradient's
    recording replayed once with a batch of basis tangents (``holomorphic``: of a
    complex function of complex inputs, as for :func:`jacobian`).

    >>> cr.hessian(lambda x: (x ** 3).sum())(np.array([1.0, 2.0]))
    array([[ 6.,  0.],
           [ 0., 12.]])
    """
    if holomorphic:
        return jacfwd(jacrev(function, argnums, holomorphic=True), argnums, holomorphic=True,
                      chunk_size=chunk_size)
    return jacfwd(grad(function, argnums), argnums, chunk_size=chunk_size)


def hvp(function: Callable, x: Any, v: Any) -> Any:
    """Hessian of scalar ``function`` at ``x`` times ``v``, by forward-over-reverse.

    Costs a small multiple of one gradient, never the full Hessian.

    >>> cr.hvp(lambda x: (x ** 3).sum(), np.array([1.0, 2.0]), np.array([1.0, 0.0]))
    array([6., 0.])
    """
    check_callable(function, "hvp")
    x = tree_map(lambda leaf: as_differentiable(leaf, "x of hvp"), x)
    v = check_pair(x, v, "x", "v", "hvp")
    return core.jvp(grad(function), (x,), (v,))[1]


# -- controlling differentiation ----------------------------------------------------

stop_gradient_p = Primitive("stop_gradient", lambda x: x)
stop_gradient_p.def_nondiff()
stop_gradient_p.def_batch(lambda args, batched: stop_gradient_p(*args))


def stop_gradient(x: Any) -> Any:
    """``x`` as a constant: no derivative flows through it, at any level.

    >>> cr.grad(lambda x: x * cr.stop_gradient(x))(3.0)
    3.0
    """
    return tree_map(stop_gradient_p, x)
