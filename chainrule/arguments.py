"""The transformations' argument checks: right or loud, never a silent wrong number.

Every transformation checks what it is given before the engine runs, cheap
checks first, and a careless input raises an error that says what was wrong
and the spelling that works (the rules are listed in ``docs/transforms.md``):

- ``argnums``: an int or a non-empty tuple/list of distinct ints, naming
  positional arguments that the call passes;
- differentiated values: floats, complex numbers and float/complex arrays
  (Python ints become floats);
- tangents (``jvp``, ``linearize``'s ``f_jvp``, ``hvp``): a tuple or list, one
  per primal, each with its primal's structure, shape and dtype;
- cotangents (a ``vjp`` pullback): the output's structure, shape and dtype;
- the output of a function given to ``grad``: one real scalar.

Python floats and ints are weakly typed, as in NumPy 2 and JAX: as a tangent
or cotangent, ``1.0`` takes the dtype of the value it goes with.
"""

from __future__ import annotations

import operator
from typing import Any, Callable

import numpy as np

from . import core
from . import numpy as cnp
from .core.tree import LEAF, TreeDef
from .numpy.array_types import REGISTERED as FOREIGN_ARRAY_TYPES
from .numpy.wrap import dtype_of, shape_of

# -- naming things in messages ----------------------------------------------------------


def name_of(function: Callable) -> str:
    """The name a message uses for a user's function."""
    return getattr(function, "__name__", None) or repr(function)


def describe_tree(tree: TreeDef) -> str:
    """A pytree structure as a reader writes it: ``*`` is one leaf, e.g. ``(*, {'a': *})``."""
    kind = tree.kind
    if kind is None:
        return "*"
    if kind == "none":
        return "None"
    parts = [describe_tree(child) for child in tree.children]
    if kind is dict:
        return "{" + ", ".join(f"{key!r}: {part}" for key, part in zip(tree.meta, parts)) + "}"
    if kind is list:
        return "[" + ", ".join(parts) + "]"
    inner = ", ".join(parts) + ("," if len(parts) == 1 else "")
    return f"({inner})" if kind is tuple else f"{kind.__name__}({inner})"


def leaf_paths(tree: TreeDef, prefix: str) -> list:
    """The path of each leaf in flattening order, e.g. ``tangents[0]['w']``."""
    if tree.kind is None:
        return [prefix]
    if tree.kind == "none":
        return []
    if tree.kind is dict:
        steps = [f"[{key!r}]" for key in tree.meta]
    elif tree.kind in (tuple, list):
        steps = [f"[{i}]" for i in range(len(tree.children))]
    else:  # a namedtuple
        steps = [f".{field}" for field in tree.kind._fields]
    return [path for step, child in zip(steps, tree.children)
            for path in leaf_paths(child, prefix + step)]


def _dtype_name(dtype: Any) -> str:
    return "float (a Python number)" if dtype is None else str(dtype)


# -- argnums and the differentiated arguments ---------------------------------------------------


def check_callable(function: Any, transform: str) -> None:
    """The function to transform comes first and is callable.

    >>> check_callable(np.sin, "grad")
    """
    if not callable(function):
        raise TypeError(f"{transform} takes the function to differentiate first, then its "
                        f"arguments; got a {type(function).__name__} where the function goes. "
                        f"Write cr.{transform}(f)(x)" + (
                            ", or cr.jvp(f, (x,), (v,))" if transform == "jvp" else "") + ".")


def check_argnums(argnums: Any, transform: str) -> Any:
    """``argnums`` as an int or a tuple of distinct ints; anything else raises.

    >>> check_argnums([0, 2], "grad")
    (0, 2)
    """
    accepted = ("argnums is an int or a tuple of ints naming positional arguments: "
                f"cr.{transform}(f, argnums=0) or cr.{transform}(f, argnums=(0, 1))")
    if type(argnums) is int:
        return argnums
    if isinstance(argnums, (bool, np.bool_)):
        raise TypeError(f"{transform} got argnums={argnums!r}, a bool. {accepted}. "
                        f"(To return extra values, pass has_aux=True by name.)")
    if isinstance(argnums, (tuple, list)):
        numbers = tuple(_one_argnum(number, argnums, accepted, transform) for number in argnums)
        if not numbers:
            raise ValueError(f"{transform} got argnums={argnums!r}, which chooses no argument "
                             f"to differentiate. {accepted}.")
        if len(set(numbers)) != len(numbers):
            raise ValueError(f"{transform} got argnums={argnums!r}, which names an argument "
                             f"twice. Name each once: argnums={tuple(dict.fromkeys(numbers))}.")
        return numbers
    return _one_argnum(argnums, argnums, accepted, transform)


def _one_argnum(number: Any, argnums: Any, accepted: str, transform: str) -> int:
    if isinstance(number, (bool, np.bool_)):
        raise TypeError(f"{transform} got argnums={argnums!r}, which holds a bool. {accepted}.")
    try:
        return operator.index(number)
    except TypeError:
        what = type(argnums).__name__ if number is argnums else (
            f"which holds a {type(number).__name__}")
        raise TypeError(f"{transform} got argnums={argnums!r} ({what}). {accepted}.") from None


def as_differentiable(value: Any, argnum: Any, function: Any = None) -> Any:
    """Check one leaf of a differentiated argument; promote Python ints to float.

    ``argnum`` and ``function`` name the argument in error messages ("Argument
    0 of f"); without ``function``, ``argnum`` is the whole name ("A primal of
    jvp"). They are formatted only for an error: this runs on every call.
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
    where = argnum if function is None else f"Argument {argnum} of {name_of(function)}"
    if dtype is None:
        raise TypeError(f"{where} is a {type(plain).__name__}, which chainrule cannot "
                        "differentiate. Pass floats, arrays, or tuples/lists/dicts of them.")
    raise TypeError(
        f"{where} is an array of {dtype}, which has no derivative (integers and "
        "booleans are constants).\n  Pass a float array, e.g. "
        "np.asarray(x, dtype=float), or leave it out of argnums."
    )


def split_args(function: Callable, args: tuple, kwargs: dict, argnums: Any, transform: str,
               flat: bool = False) -> tuple:
    """Return (differentiated args, a function of them, whether argnums was a tuple),
    and with ``flat`` also their (leaves, tree).

    ``argnums`` has passed :func:`check_argnums`. Keyword arguments go to
    ``function`` unchanged, as constants.
    """
    count = len(args)
    if type(argnums) is int:
        if not -count <= argnums < count:
            _too_few_positional(function, argnums, count, kwargs, transform)
        numbers: tuple = (argnums % count,)
        many = False
    else:
        for number in argnums:
            if not -count <= number < count:
                _too_few_positional(function, argnums, count, kwargs, transform)
        numbers = tuple(number % count for number in argnums)
        if len(set(numbers)) != len(numbers):
            raise ValueError(f"{transform} got argnums={argnums!r}, which names the same "
                             f"argument twice for a call with {count} positional arguments")
        many = True
    chosen = tuple(args[number] for number in numbers)
    leaves, tree = core.flatten(chosen)
    argnum = numbers[0] if len(numbers) == 1 else argnums
    checked = [as_differentiable(leaf, argnum, function) for leaf in leaves]
    if any(new is not old for new, old in zip(checked, leaves)):
        chosen = core.unflatten(tree, checked)  # Python ints became floats

    if kwargs:
        def of_chosen(*values: Any) -> Any:
            full = list(args)
            for number, value in zip(numbers, values):
                full[number] = value
            return function(*full, **kwargs)
    else:
        def of_chosen(*values: Any) -> Any:
            full = list(args)
            for number, value in zip(numbers, values):
                full[number] = value
            return function(*full)

    if flat:
        return chosen, of_chosen, many, (checked, tree)
    return chosen, of_chosen, many


def _too_few_positional(function: Callable, argnums: Any, count: int, kwargs: dict,
                        transform: str) -> None:
    name = name_of(function)
    message = (f"{transform}({name}) with argnums={argnums!r} differentiates positional "
               f"arguments, but the call passed {count} positional argument(s)")
    if kwargs:
        keyword = next(iter(kwargs))
        raise TypeError(
            f"{message} and keyword argument(s) {', '.join(map(repr, kwargs))}.\n"
            "  Differentiated arguments are passed positionally; keyword arguments reach "
            f"{name} unchanged, as constants. Write cr.{transform}(f)({keyword}) rather than "
            f"cr.{transform}(f)({keyword}={keyword}).")
    raise TypeError(f"{message}. Pass them, or choose others with argnums.")


# -- outputs ------------------------------------------------------------------------------------


def with_aux(function: Callable, has_aux: bool, store: list, transform: str) -> Callable:
    """``function`` whose second result (with ``has_aux``) is kept in ``store``."""
    if not has_aux:
        return function

    def main_output(*args: Any, **kwargs: Any) -> Any:
        result = function(*args, **kwargs)
        if not (isinstance(result, (tuple, list)) and len(result) == 2):
            what = (f"a {type(result).__name__} of {len(result)}"
                    if isinstance(result, (tuple, list)) else
                    f"a {type(core.base_value(result)).__name__} of shape {shape_of(result)}")
            raise TypeError(f"{transform} was given has_aux=True, so the function must return "
                            f"a pair (output, aux); it returned {what}. Return "
                            "(output, aux), or drop has_aux=True.")
        store.append(result[1])
        return result[0]

    return main_output


def check_scalar(output: Any, function: Callable, transform: str, has_aux: bool) -> None:
    """``grad`` differentiates one real scalar; say what to do about anything else."""
    if type(output) in (float, np.float64, np.float32):
        return
    name = name_of(function)
    if output is None:
        raise TypeError(f"{transform} needs {name} to return a scalar, but it returned None. "
                        "Return the loss (is a `return` statement missing?).")
    leaves, tree = core.flatten(output)
    if tree is LEAF and shape_of(output) == ():
        dtype = dtype_of(output)
        if np.issubdtype(dtype, np.complexfloating):
            raise TypeError(f"{transform} needs a real scalar output; {name} "
                            "returned a complex one. Differentiate its real part, or use "
                            "chainrule.vjp for the complex cotangent convention.")
        return
    if tree is not LEAF and not has_aux and isinstance(output, (tuple, list)) and len(output) == 2:
        raise TypeError(
            f"{transform} needs {name} to return a scalar, but it returned a "
            f"{type(output).__name__} of 2 values. If it returns (loss, aux), pass "
            f"has_aux=True: cr.{transform}(f, has_aux=True). Otherwise return one scalar.")
    if tree is LEAF:
        returned = f"a value of shape {shape_of(output)}"
    else:
        returned = f"a {type(output).__name__} ({describe_tree(tree)})"
    raise TypeError(
        f"{transform} needs {name} to return a scalar, but it returned {returned}.\n"
        "  Use chainrule.jacobian for the full derivative of a vector output, or "
        "chainrule.elementwise_grad when each output depends only on the input at the "
        "same position (or sum the output yourself)."
    )


def check_complex(in_leaves: list, out_leaves: list, holomorphic: bool, function: Callable,
                  transform: str) -> None:
    """A Jacobian has real inputs and outputs, or with ``holomorphic`` all complex ones:
    otherwise forward and reverse mode would give different (both valid) answers."""
    def is_complex(leaf: Any) -> bool:
        return dtype_of(leaf).kind == "c"

    complex_in = [is_complex(leaf) for leaf in in_leaves]
    complex_out = [is_complex(leaf) for leaf in out_leaves]
    name = name_of(function)
    if holomorphic:
        for flags, what in ((complex_in, "input"), (complex_out, "output")):
            if not all(flags):
                raise TypeError(
                    f"{transform}(holomorphic=True) needs complex inputs and outputs, but an "
                    f"{what} of {name} is real (leaf {flags.index(False)}). Make it complex "
                    "(x + 0j), or drop holomorphic=True for a real Jacobian.")
    elif any(complex_in) or any(complex_out):
        what = "inputs" if any(complex_in) else "outputs"
        raise TypeError(
            f"{transform} of {name}: its {what} are complex, where the Jacobian depends on a "
            "convention (forward and reverse mode would give different answers).\n"
            f"  For a holomorphic function pass holomorphic=True (the Jacobian is df/dz); "
            "otherwise differentiate the real and imaginary parts as real functions, or use "
            "cr.jvp / cr.vjp, whose conventions are documented.")


def match_dtype(cotangent: Any, primal: Any) -> Any:
    """A cotangent with its primal's dtype (float32 in, float32 gradient out); the
    cotangent of a real primal is the real part, at every order (traced or not)."""
    if type(cotangent) is np.ndarray and type(primal) is np.ndarray and (
            cotangent.dtype == primal.dtype):
        return cotangent  # the common case, decided cheaply
    plain = core.base_value(primal)
    kind = type(plain)
    if kind in FOREIGN_ARRAY_TYPES and type(cotangent) is not kind and not isinstance(
            cotangent, core.Tracer):
        # a cotangent that does not depend on a Dask (CuPy) input is a NumPy constant:
        # the gradient comes back as the input's array type all the same
        cotangent = np.asarray(cotangent, like=plain)
    dtype: Any
    if kind is float or kind is complex:
        if not isinstance(cotangent, core.Tracer):  # Python numbers in, Python numbers out
            return complex(cotangent) if kind is complex else float(np.real(cotangent))
        dtype = np.dtype(kind)
    else:
        dtype = getattr(plain, "dtype", None)
        if dtype is None:
            return cotangent
    cotangent_dtype = dtype_of(cotangent)
    if cotangent_dtype == dtype:
        return cotangent
    if dtype.kind != "c" and cotangent_dtype.kind == "c":
        cotangent = cnp.real(cotangent)  # a real input's cotangent is the real part
        if dtype_of(cotangent) == dtype:
            return cotangent
    return cnp.astype(cotangent, dtype)


# -- tangents and cotangents --------------------------------------------------------------------


def _value_dtype(value: Any) -> Any:
    """The dtype of a leaf, None for a Python int or float (weakly typed), or raise."""
    plain = core.base_value(value)
    kind = type(plain)
    if kind is float or kind is int:
        return None
    if kind is complex:
        return np.dtype(complex)
    dtype = getattr(plain, "dtype", None)
    if dtype is None or not hasattr(plain, "shape"):
        return False  # not a number at all
    return dtype


def _check_leaf(given: Any, reference: Any, path: str, against: str, transform: str) -> Any:
    """``given`` (a tangent or cotangent) must have ``reference``'s shape and dtype.

    A Python float or int is weak: it takes ``reference``'s dtype. Returns
    ``given``, its Python int made a float.
    """
    dtype = _value_dtype(given)
    if dtype is False:
        raise TypeError(f"{transform}: {path} is a {type(core.base_value(given)).__name__}; "
                        f"it must be a number or an array like {against}.")
    expected_shape, given_shape = shape_of(reference), shape_of(given)
    expected_dtype = np.dtype(type(core.base_value(reference))) if type(
        core.base_value(reference)) in (float, complex) else dtype_of(reference)
    if given_shape != expected_shape:
        if expected_shape == ():
            hint = "pass a scalar, e.g. 1.0"
        elif int(np.prod(given_shape)) == int(np.prod(expected_shape)):
            hint = f"reshape it: np.reshape(v, {expected_shape})"
        else:
            hint = f"np.full({expected_shape}, c) for a constant"
        raise ValueError(
            f"{transform}: {path} has shape {given_shape} and dtype {_dtype_name(dtype)}, "
            f"but {against} has shape {expected_shape} and dtype {expected_dtype}.\n"
            f"  Pass exactly that shape (it is never broadcast): {hint}.")
    if expected_dtype.kind not in "fc":
        return given  # an integer or boolean output: its cotangent is ignored
    if dtype is None:  # a Python float or int: weak, takes the expected dtype
        if type(given) is int or type(given) is float:
            reference_kind = type(core.base_value(reference))
            if reference_kind is float or reference_kind is complex:
                return float(given)
            return expected_dtype.type(given)
        return given
    if dtype == expected_dtype:
        return given
    hint = f"pass v.astype(np.{expected_dtype})"
    if dtype.kind == "c" and expected_dtype.kind != "c":
        hint = ("a complex value for a real one would lose its imaginary part silently; "
                "pass its real part, or make the primal complex (x + 0j)")
    raise TypeError(
        f"{transform}: {path} has dtype {dtype}, but {against} has dtype {expected_dtype}: "
        f"dtypes must be equal (a Python float adapts to any).\n  {hint}.")


def check_tangents(primals: Any, tangents: Any, transform: str,
                   names: tuple = ("primals", "tangents")) -> tuple:
    """Check ``tangents`` against ``primals`` (both tuples or lists, one tangent per
    primal, each with its primal's structure, shape and dtype); return them as a tuple."""
    check_sequences(primals, tangents, transform, names)
    primal_name, tangent_name = names
    return tuple(check_pair(primal, tangent, f"{primal_name}[{number}]",
                            f"{tangent_name}[{number}]", transform)
                 for number, (primal, tangent) in enumerate(zip(primals, tangents)))


def check_sequences(primals: Any, tangents: Any, transform: str,
                    names: tuple = ("primals", "tangents")) -> None:
    """``primals`` and ``tangents`` are tuples or lists of the same length."""
    primal_name, tangent_name = names
    for value, name in ((primals, primal_name), (tangents, tangent_name)):
        if not isinstance(value, (tuple, list)):
            raise TypeError(
                f"{transform} takes {primal_name} and {tangent_name} as tuples or lists, one "
                f"entry per argument of the function; {name} is a {type(value).__name__}.\n"
                "  Wrap a single argument in a tuple: cr.jvp(f, (x,), (v,)).")
    if len(primals) != len(tangents):
        raise TypeError(f"{transform} got {len(primals)} {primal_name} but {len(tangents)} "
                        f"{tangent_name}: pass one tangent per primal, in the same order.")


def check_pair(primal: Any, tangent: Any, primal_label: str, tangent_label: str,
               transform: str) -> Any:
    """One tangent against its primal: structure, then each leaf's shape and dtype."""
    primal_leaves, primal_tree = core.flatten(primal)
    tangent_leaves, tangent_tree = core.flatten(tangent)
    if primal_tree != tangent_tree:
        raise TypeError(
            f"{transform}: {tangent_label} has structure {describe_tree(tangent_tree)}, but "
            f"{primal_label} has structure {describe_tree(primal_tree)}; a tangent has its "
            "primal's structure.")
    paths = leaf_paths(primal_tree, "")
    leaves = [_check_leaf(t, p, tangent_label + path, primal_label + path, transform)
              for t, p, path in zip(tangent_leaves, primal_leaves, paths)]
    changed = any(new is not old for new, old in zip(leaves, tangent_leaves))
    return core.unflatten(tangent_tree, leaves) if changed else tangent


def check_cotangent(cotangent: Any, output_leaves: list, output_tree: TreeDef,
                    function: Callable) -> list:
    """The leaves of a pullback's ``cotangent``, checked against the function's output."""
    leaves, tree = core.flatten(cotangent)
    name = name_of(function)
    if tree != output_tree:
        raise TypeError(
            f"the cotangent given to the pullback of {name} has structure "
            f"{describe_tree(tree)}, but the output has structure "
            f"{describe_tree(output_tree)}; a cotangent has its output's structure.")
    paths = leaf_paths(tree, "")
    return [_check_leaf(ct, out, f"the cotangent{path}", f"the output{path} of {name}",
                        "pullback") for ct, out, path in zip(leaves, output_leaves, paths)]
