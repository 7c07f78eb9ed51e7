"""The transformations: grad, value_and_grad, jvp, vjp, linearize, jacobians,
hessian, hvp, elementwise_grad, deriv, stop_gradient.

Each is a thin layer over the engine's two modes (``core.vjp``,
``core.jvp``): it picks the arguments to differentiate (``argnums``), checks
them, and arranges the results in the shape users expect from JAX.
"""

from __future__ import annotations

import functools
from typing import Any, Callable, Sequence

import numpy as np

from . import core
from .core import Primitive, flatten, tree_map, unflatten
from .core.linearize import linearize as core_linearize
from .core.linearize import push as core_push
from .core.linearize import replayable as core_replayable
from .core.reverse import Recording
from .numpy import _tracer  # noqa: F401  the array tracer must be registered
from .numpy.complex_numbers import real
from .numpy.elementwise import astype
from .numpy.joining import stack
from .numpy.manipulation import reshape, transpose
from .numpy.wrap import dtype_of, shape_of

# -- inputs -----------------------------------------------------------------------


def _as_differentiable(value: Any, argnum: Any, function: Any = None) -> Any:
    """Check one leaf of a differentiated argument; promote Python ints to float.

    ``argnum`` and ``function`` only name the argument in error messages.
    """
    if type(value) is float:
        return value
    plain = core.base_value(value)
    dtype = getattr(plain, "dtype", None)
    if dtype is not None and dtype.kind in "fc":
        return value  # a float or complex array: the common case
    if isinstance(plain, int) and not isinstance(plain, bool):
        return float(value) if value is plain else value
    if isinstance(plain, (float, complex)) and not isinstance(plain, np.bool_):
        return value
    where = (f"Argument {argnum} of {_name(function)}" if function is not None
             else f"A primal of {argnum}")
    if dtype is None:
        raise TypeError(f"{where} is a {type(plain).__name__}, which chainrule cannot "
                        "differentiate. Pass floats, arrays, or tuples/lists/dicts of them.")
    raise TypeError(
        f"{where} is an array of {dtype}, which has no derivative (integers and "
        "booleans are constants).\n  Pass a float array, e.g. "
        "np.asarray(x, dtype=float), or leave it out of argnums."
    )


def _split_args(function: Callable, args: tuple, argnums: Any, flat: bool = False) -> tuple:
    """Return (differentiated args, a function of them, whether argnums was a tuple),
    and with ``flat`` also their (leaves, tree)."""
    many = not isinstance(argnums, int)
    numbers = tuple(argnums) if many else (argnums,)
    for number in numbers:
        if not -len(args) <= number < len(args):
            raise ValueError(f"argnums={argnums!r} but {_name(function)} was called with "
                             f"{len(args)} positional argument(s)")
    numbers = tuple(number % len(args) for number in numbers)
    chosen = tuple(args[number] for number in numbers)
    leaves, tree = flatten(chosen)
    checked = [_as_differentiable(leaf, numbers[0] if len(numbers) == 1 else argnums, function)
               for leaf in leaves]
    if any(new is not old for new, old in zip(checked, leaves)):
        chosen = unflatten(tree, checked)  # Python ints became floats

    def of_chosen(*values: Any) -> Any:
        full = list(args)
        for number, value in zip(numbers, values):
            full[number] = value
        return function(*full)

    if flat:
        return chosen, of_chosen, many, (checked, tree)
    return chosen, of_chosen, many


def _name(function: Callable) -> str:
    return getattr(function, "__name__", repr(function))


def _ones_like(value: Any) -> Any:
    plain = core.base_value(value)
    if isinstance(plain, float):
        return 1.0
    return np.ones(np.shape(plain), np.result_type(plain))


def _match_dtype(cotangent: Any, primal: Any) -> Any:
    """Cotangents have their primal's dtype (float32 in, float32 gradient out)."""
    if type(cotangent) is np.ndarray and type(primal) is np.ndarray and (
            cotangent.dtype == primal.dtype):
        return cotangent  # the common case, decided cheaply
    plain = core.base_value(primal)
    if type(plain) in (float, complex) and not isinstance(cotangent, core.Tracer):
        # Python numbers in, Python numbers out
        return complex(cotangent) if type(plain) is complex else float(np.real(cotangent))
    dtype = getattr(plain, "dtype", None)
    if dtype is None or dtype_of(cotangent) == dtype:
        return cotangent
    if not np.issubdtype(dtype, np.complexfloating) and np.issubdtype(
            dtype_of(cotangent), np.complexfloating):
        cotangent = real(cotangent)  # a real input's cotangent is the real part
    return astype(cotangent, dtype)


def _with_aux(function: Callable, has_aux: bool, store: list) -> Callable:
    if not has_aux:
        return function

    def main_output(*args: Any) -> Any:
        result = function(*args)
        if not (isinstance(result, tuple) and len(result) == 2):
            raise TypeError("has_aux=True needs the function to return a pair (output, aux)")
        store.append(result[1])
        return result[0]

    return main_output


# -- reverse mode ---------------------------------------------------------------


def vjp(function: Callable, *primals: Any, has_aux: bool = False) -> tuple:
    """Evaluate ``function(*primals)`` and return ``(output, pullback)``.

    ``pullback(cotangent)`` returns a tuple with one cotangent per primal and
    may be called many times. With ``has_aux`` the result is
    ``(output, pullback, aux)``.

    >>> out, pullback = cr.vjp(lambda x, y: x * y, 3.0, 4.0)
    >>> pullback(1.0)
    (4.0, 3.0)
    """
    primals = tuple(tree_map(lambda leaf: _as_differentiable(leaf, "vjp"), p)
                    for p in primals)
    aux: list = []
    output, core_pullback = core.vjp(_with_aux(function, has_aux, aux), *primals)

    def pullback(cotangent: Any) -> tuple:
        return tuple(tree_map(_match_dtype, ct, p) for ct, p in zip(core_pullback(cotangent), primals))

    return (output, pullback, aux[0]) if has_aux else (output, pullback)


def value_and_grad(function: Callable, argnums: Any = 0, has_aux: bool = False) -> Callable:
    """A function returning ``(f(*args), gradient of f)``; ``f`` must return a scalar.

    With ``has_aux`` it returns ``((value, aux), gradient)``; with a tuple
    ``argnums`` the gradient is a tuple, one per chosen argument.

    >>> cr.value_and_grad(lambda x: x * x)(3.0)
    (9.0, 6.0)
    """

    @functools.wraps(function)
    def value_and_grad_function(*args: Any, **kwargs: Any) -> tuple:
        target = functools.partial(function, **kwargs) if kwargs else function
        chosen, of_chosen, many, flat = _split_args(target, args, argnums, flat=True)
        aux: list = []
        recording = Recording(_with_aux(of_chosen, has_aux, aux), chosen, flat)
        output = recording.output
        _check_scalar(output, function, "grad")
        cotangents = recording.pull([_ones_like(leaf) for leaf in recording.output_leaves])
        gradients = unflatten(recording.in_tree, [
            _match_dtype(ct, leaf) for ct, leaf in zip(cotangents, recording.inputs)])
        gradient = gradients if many else gradients[0]
        return ((output, aux[0]) if has_aux else output), gradient

    return value_and_grad_function


def grad(function: Callable, argnums: Any = 0, has_aux: bool = False) -> Callable:
    """The gradient of scalar-valued ``function`` with respect to argument(s) ``argnums``.

    Nest it for higher derivatives: ``grad(grad(f))``.

    >>> cr.grad(np.tanh)(1.0)
    0.41997434161402614
    """
    value_and_grad_function = value_and_grad(function, argnums, has_aux)

    @functools.wraps(function)
    def grad_function(*args: Any, **kwargs: Any) -> Any:
        value, gradient = value_and_grad_function(*args, **kwargs)
        return (gradient, value[1]) if has_aux else gradient

    return grad_function


def _check_scalar(output: Any, function: Callable, transform: str) -> None:
    if type(output) in (float, np.float64, np.float32):
        return
    leaves, _ = flatten(output)
    if len(leaves) == 1 and shape_of(leaves[0]) == ():
        if np.issubdtype(dtype_of(leaves[0]), np.complexfloating):
            raise TypeError(f"{transform} needs a real scalar output; {_name(function)} "
                            "returned a complex one. Differentiate its real part, or use "
                            "chainrule.vjp for the complex cotangent convention.")
        return
    shapes = [shape_of(leaf) for leaf in leaves]
    raise TypeError(
        f"{transform} needs {_name(function)} to return a scalar, but it returned "
        f"{'a value of shape ' + str(shapes[0]) if len(shapes) == 1 else f'{len(shapes)} values'}.\n"
        "  Use chainrule.jacobian for the full derivative of a vector output, or "
        "chainrule.elementwise_grad when each output depends only on the input at the "
        "same position (or sum the output yourself)."
    )


def elementwise_grad(function: Callable, argnums: Any = 0) -> Callable:
    """The gradient of ``sum(function(x))``: for elementwise functions, the
    derivative at every point at once.

    >>> cr.elementwise_grad(np.sin)(np.array([0.0, np.pi]))
    array([ 1., -1.])
    """

    @functools.wraps(function)
    def elementwise_grad_function(*args: Any) -> Any:
        chosen, of_chosen, many = _split_args(function, args, argnums)
        output, pullback = core.vjp(of_chosen, *chosen)
        gradients = tuple(tree_map(_match_dtype, ct, p)
                          for ct, p in zip(pullback(tree_map(_ones_like, output)), chosen))
        return gradients if many else gradients[0]

    return elementwise_grad_function


# -- forward mode -----------------------------------------------------------------


def jvp(function: Callable, primals: Sequence, tangents: Sequence, has_aux: bool = False) -> tuple:
    """Forward mode: ``(function(*primals), its derivative along tangents)``.

    >>> cr.jvp(lambda x: x * x * x, (2.0,), (1.0,))
    (8.0, 12.0)
    """
    primals = tuple(tree_map(lambda leaf: _as_differentiable(leaf, "jvp"), p)
                    for p in primals)
    tangents = tuple(tree_map(lambda t, p: _match_dtype(
        float(t) if isinstance(t, int) else t, p), t, p) for t, p in zip(tangents, primals))
    aux: list = []
    output, tangent = core.jvp(_with_aux(function, has_aux, aux), primals, tangents)
    return (output, tangent, aux[0]) if has_aux else (output, tangent)


def deriv(function: Callable, argnums: int = 0) -> Callable:
    """The derivative of a function of one scalar (or elementwise in an array), by
    forward mode.

    >>> cr.deriv(np.sin)(np.array([0.0, np.pi]))
    array([ 1., -1.])
    """

    @functools.wraps(function)
    def derivative(*args: Any) -> Any:
        (chosen,), of_chosen, _ = _split_args(function, args, argnums)
        return core.jvp(of_chosen, (chosen,), (tree_map(_ones_like, chosen),))[1]

    return derivative


def linearize(function: Callable, *primals: Any) -> tuple:
    """Return ``(function(*primals), f_jvp)`` where ``f_jvp(*tangents)`` is the
    derivative along ``tangents``.

    The function runs once; each ``f_jvp`` call replays the recorded
    operations with their forward-mode rules, without re-running Python.

    >>> out, f_jvp = cr.linearize(np.sin, np.zeros(2))
    >>> f_jvp(np.array([2.0, 3.0]))
    array([2., 3.])
    """
    primals = tuple(tree_map(lambda leaf: _as_differentiable(leaf, "linearize"), p)
                    for p in primals)
    output, core_f_jvp = core_linearize(function, *primals)

    def f_jvp(*tangents: Any) -> Any:
        return core_f_jvp(*(tree_map(lambda t, p: _match_dtype(
            float(t) if isinstance(t, int) else t, p), t, p) for t, p in zip(tangents, primals)))

    return output, f_jvp


# -- Jacobians and Hessians ------------------------------------------------------------


def _basis(leaf: Any, position: int) -> Any:
    plain = core.base_value(leaf)
    vector = np.zeros(np.size(plain), np.result_type(plain))
    vector[position] = 1
    return vector.reshape(np.shape(plain)) if np.ndim(plain) else vector[0]


def _zeros(leaf: Any) -> Any:
    return core.zeros_like(leaf)


def _assemble(rows: list, leading: tuple, trailing: tuple) -> Any:
    """Stack derivative slices into an array of shape ``leading + trailing``."""
    return reshape(stack(rows), leading + trailing) if rows else np.zeros(leading + trailing)


def jacrev(function: Callable, argnums: Any = 0, has_aux: bool = False) -> Callable:
    """The Jacobian by reverse mode: one backward pass per output element.

    Its shape is ``output.shape + input.shape``; pytree outputs and inputs
    nest as ``output structure`` of ``input structure``.

    >>> cr.jacrev(lambda x: x ** 2)(np.array([1.0, 2.0]))
    array([[2., 0.],
           [0., 4.]])
    """
    return jacobian(function, argnums, "rev", has_aux)


def jacfwd(function: Callable, argnums: Any = 0, has_aux: bool = False) -> Callable:
    """The Jacobian by forward mode: one tangent per input element.

    >>> cr.jacfwd(lambda x: x ** 2)(np.array([1.0, 2.0]))
    array([[2., 0.],
           [0., 4.]])
    """
    return jacobian(function, argnums, "fwd", has_aux)


def jacobian(function: Callable, argnums: Any = 0, mode: str = "auto",
             has_aux: bool = False) -> Callable:
    """The Jacobian of ``function``: shape ``output.shape + input.shape``.

    The function runs once. ``mode="rev"`` then runs one backward pass per
    output element, ``"fwd"`` replays the recording once per input element,
    ``"auto"`` picks whichever needs fewer.

    >>> cr.jacobian(lambda x: np.sin(x) * 2)(np.zeros(2))
    array([[2., 0.],
           [0., 2.]])
    """
    if mode not in ("auto", "fwd", "rev"):
        raise ValueError(f"mode must be 'auto', 'fwd' or 'rev', not {mode!r}")

    @functools.wraps(function)
    def jacobian_function(*args: Any) -> Any:
        chosen, of_chosen, many, flat = _split_args(function, args, argnums, flat=True)
        aux: list = []
        recording = Recording(_with_aux(of_chosen, has_aux, aux), chosen, flat)
        in_leaves, out_leaves = recording.inputs, recording.output_leaves
        in_size = sum(int(np.size(core.base_value(leaf))) for leaf in in_leaves)
        out_size = sum(int(np.size(core.base_value(leaf))) for leaf in out_leaves)
        forward = mode == "fwd" or (mode == "auto" and in_size <= out_size)
        blocks = (_forward_blocks(recording, _with_aux(of_chosen, has_aux, []), chosen)
                  if forward else _reverse_blocks(recording))
        per_output = [unflatten(recording.in_tree, block) for block in blocks]
        result = unflatten(recording.out_tree, [b if many else b[0] for b in per_output])
        return (result, aux[0]) if has_aux else result

    return jacobian_function


def _reverse_blocks(recording: Recording) -> list:
    """Per output leaf, per input leaf: the Jacobian block, by one pull per output element."""
    in_leaves, out_leaves = recording.inputs, recording.output_leaves
    rows: list = [[[] for _ in in_leaves] for _ in out_leaves]
    for o, out_leaf in enumerate(out_leaves):
        for position in range(int(np.size(core.base_value(out_leaf)))):
            seed = [_basis(leaf, position) if k == o else _zeros(leaf)
                    for k, leaf in enumerate(out_leaves)]
            for i, cotangent in enumerate(recording.pull(seed, again=True)):
                rows[o][i].append(_match_dtype(cotangent, in_leaves[i]))
    return [[_assemble(rows[o][i], shape_of(out_leaf), shape_of(in_leaf))
             for i, in_leaf in enumerate(in_leaves)]
            for o, out_leaf in enumerate(out_leaves)]


def _forward_blocks(recording: Recording, of_chosen: Callable, chosen: tuple) -> list:
    """The same blocks by one tangent per input element: replayed on the recording,
    or, where it holds an operation without a forward rule, by re-running forward mode."""
    in_leaves, out_leaves = recording.inputs, recording.output_leaves
    replay = core_replayable(recording)
    columns: list = [[] for _ in in_leaves]  # per input leaf: the output tangents
    for i, in_leaf in enumerate(in_leaves):
        for position in range(int(np.size(core.base_value(in_leaf)))):
            seed = [_basis(leaf, position) if k == i else _zeros(leaf)
                    for k, leaf in enumerate(in_leaves)]
            if replay:
                columns[i].append(core_push(recording, seed))
            else:
                tangent = core.jvp(of_chosen, chosen, unflatten(recording.in_tree, seed))[1]
                columns[i].append(flatten(tangent)[0])
    blocks = []
    for o, out_leaf in enumerate(out_leaves):
        per_input = []
        for i, in_leaf in enumerate(in_leaves):
            # columns are stacked first; move the input axes to the end
            in_shape, out_shape = shape_of(in_leaf), shape_of(out_leaf)
            stacked = _assemble([column[o] for column in columns[i]], in_shape, out_shape)
            axes = tuple(range(len(in_shape), len(in_shape) + len(out_shape))) + tuple(
                range(len(in_shape)))
            per_input.append(transpose(stacked, axes))
        blocks.append(per_input)
    return blocks


def hessian(function: Callable, argnums: Any = 0) -> Callable:
    """The Hessian of scalar ``function``, by forward-over-reverse.

    >>> cr.hessian(lambda x: (x ** 3).sum())(np.array([1.0, 2.0]))
    array([[ 6.,  0.],
           [ 0., 12.]])
    """
    return jacfwd(grad(function, argnums), argnums)


def hvp(function: Callable, x: Any, v: Any) -> Any:
    """Hessian of scalar ``function`` at ``x`` times ``v``, by forward-over-reverse.

    Costs a small multiple of one gradient, never the full Hessian.

    >>> cr.hvp(lambda x: (x ** 3).sum(), np.array([1.0, 2.0]), np.array([1.0, 0.0]))
    array([6., 0.])
    """
    return jvp(grad(function), (x,), (v,))[1]


# -- controlling differentiation ----------------------------------------------------

stop_gradient_p = Primitive("stop_gradient", lambda x: x)
stop_gradient_p.def_nondiff()


def stop_gradient(x: Any) -> Any:
    """``x`` as a constant: no derivative flows through it, at any level.

    >>> cr.grad(lambda x: x * cr.stop_gradient(x))(3.0)
    3.0
    """
    return tree_map(stop_gradient_p, x)
