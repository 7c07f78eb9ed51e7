"""How NumPy functions become chainrule primitives, and the tables that route
NumPy's own functions (``np.sin(tracer)``) to them.

Each area file (``trig.py``, ``reductions.py``, ...) declares its functions
with the factories here, one stanza per function:

    sin = elementwise("sin", np.sin)
    sin.def_vjp(lambda g, ans, x: g * cos(x))
    sin.def_jvp(lambda t, ans, x: t * cos(x))

``elementwise`` registers the ufunc so that ``np.sin(tracer)`` reaches the
primitive through ``__array_ufunc__``; ``handles(np.f)`` does the same for a
Python wrapper reached through ``__array_function__``.
"""

from __future__ import annotations

from typing import Any, Callable

import numpy as np

from ..core import Primitive, Tracer, base_value

# every primitive of the NumPy layer, by name: what ``python -m chainrule rules`` lists
PRIMITIVES: dict[str, Primitive] = {}
# numpy ufunc -> the chainrule function applied by ``__array_ufunc__``
UFUNCS: dict[Any, Callable] = {}
# numpy function -> the chainrule function applied by ``__array_function__``
FUNCTIONS: dict[Any, Callable] = {}


class NumpyPrimitive(Primitive):
    """A primitive of the NumPy layer; its docstring is written from its rules,
    with an example computed when it is read (``help(cnp.sin)``)."""

    __slots__ = ("numpy_function", "written_doc")

    @property
    def __doc__(self) -> str:  # type: ignore[override]
        written = getattr(self, "written_doc", None)
        if written is not None:
            return written
        if self.nondiff:
            what = "its derivative is zero in every mode (declared non-differentiable)"
        else:
            what = "differentiable in " + " and ".join(
                {"forward": "forward mode (JVP)", "reverse": "reverse mode (VJP)"}[mode]
                for mode in self.modes)
        # Set before the example runs: computing it reads this docstring again.
        self.written_doc = f"{self.name}, {what}.\n"
        self.written_doc += "\n" + _example(self, self.name.split(".")[-1])
        return self.written_doc


def _example(prim: "NumpyPrimitive", short: str) -> str:
    """A docstring example for ``prim``, evaluated now so it is always true."""
    import chainrule as cr

    arity = getattr(getattr(prim, "numpy_function", None), "nin", None)
    if arity is None:
        return f"Called like numpy.{short}; ``np.{short}(x)`` on a traced ``x`` reaches it.\n"
    with np.errstate(all="ignore"):
        return _evaluated_example(prim, short, arity, cr)


def _evaluated_example(prim: "NumpyPrimitive", short: str, arity: int, cr: Any) -> str:
    for point in (0.5, 1.5):
        args = (point, point / 2)[:arity]
        if prim.nondiff:
            call, value = f"cnp.{short}{args if arity > 1 else f'({point})'}", prim(*args)
        elif arity == 1:
            call, value = f"cr.deriv(cnp.{short})({point})", cr.deriv(prim)(point)
        else:
            call = f"cr.grad(cnp.{short}, argnums=(0, 1)){args}"
            value = cr.grad(prim, argnums=tuple(range(arity)))(*args)
        if not np.any(np.isnan(value)):
            break
    return f">>> {call}\n{value!r}\n"


def primitive(name: str, impl: Callable, multiple_results: bool = False) -> Primitive:
    """A NumPy-layer primitive, named ``numpy.<name>`` in messages."""
    prim = NumpyPrimitive(f"numpy.{name}", impl, multiple_results)
    prim.numpy_function = None
    return _registered(prim)


def _registered(prim: Primitive) -> Primitive:
    PRIMITIVES[prim.name] = prim
    return prim


def handles(*numpy_functions: Any) -> Callable:
    """Decorator: route these NumPy functions on tracers to the decorated function."""

    def register(function: Callable) -> Callable:
        for numpy_function in numpy_functions:
            if numpy_function is not None:  # None: absent from this NumPy (see since_numpy)
                FUNCTIONS[numpy_function] = function
        return function

    return register


# Types whose shape is always (): Python and NumPy scalars, and scalar tracers
# (registered by the array module). Checked first: shape_of is on the hot path.
SCALAR_TYPES: set = {float, int, complex, np.float64, np.float32, np.complex128}


def since_numpy(module: Any, name: str) -> Any:
    """``module.name`` where this NumPy has it (NumPy 2 added several), else None.

    >>> since_numpy(np, "no_such_function") is None
    True
    """
    return getattr(module, name, None)


# NumPy 2 also changed some functions it kept (new keywords; ``np.sign`` of complex
# numbers; NEP 50 promotion): the wrappers follow the NumPy they run on.
NUMPY_2 = np.lib.NumpyVersion(np.__version__) >= "2.0.0"


def since_numpy_2_keywords(function: str, **given: Any) -> None:
    """Refuse, as NumPy 1.x does, the keywords NumPy 2 added to ``function``.

    ``given`` holds those keywords as passed; None (or ``np._NoValue``) means
    absent. On NumPy 2 this does nothing.
    """
    if NUMPY_2:
        return
    for name, value in given.items():
        if value is not None and value is not np._NoValue:
            raise TypeError(f"{function}() got an unexpected keyword argument {name!r}: "
                            f"{name}= came with NumPy 2, and this is NumPy {np.__version__}")


def shape_of(value: Any) -> tuple:
    """The shape of an array, scalar or tracer, without touching the graph."""
    if type(value) in SCALAR_TYPES:
        return ()
    while isinstance(value, Tracer):
        value = value.primal
    return getattr(value, "shape", ())


def dtype_of(value: Any) -> np.dtype:
    plain = base_value(value)
    dtype = getattr(plain, "dtype", None)
    return dtype if dtype is not None else np.result_type(plain)


def unbroadcast(g: Any, shape: tuple) -> Any:
    """Sum ``g`` down to ``shape``: the transpose of broadcasting to ``g``'s shape."""
    g_shape = shape_of(g)
    if g_shape == shape:
        return g
    extra = len(g_shape) - len(shape)
    axes = tuple(range(extra)) + tuple(
        extra + axis for axis, size in enumerate(shape) if size == 1 and g_shape[extra + axis] != 1
    )
    summed = reductions.sum(g, axis=axes) if axes else g
    return summed if shape_of(summed) == shape else shape_functions.reshape(summed, shape)


def broadcast_tangent(t: Any, shape: tuple) -> Any:
    """Broadcast a tangent up to the output ``shape`` (the JVP of broadcasting)."""
    if shape_of(t) == shape:
        return t
    return shape_functions.broadcast_to(t, shape)


class Elementwise(NumpyPrimitive):
    # A broadcasting elementwise operation (a ufunc). Its rules are written as
    # if every argument had the output's shape; the factory sums cotangents
    # back to each argument's shape and broadcasts tangents up to the
    # output's, so a rule reads like the calculus. (No docstring here: the
    # one NumpyPrimitive writes for each instance must not be hidden.)

    __slots__ = ()
    __doc__ = NumpyPrimitive.__dict__["__doc__"]  # every class body sets __doc__: keep the property

    def def_vjp(self, *rules: Callable | None) -> None:
        super().def_vjp(*(None if rule is None else _summed_to_argument(rule, argnum)
                          for argnum, rule in enumerate(rules)))

    def def_jvp(self, *rules: Callable | None) -> None:
        super().def_jvp(*(None if rule is None else _broadcast_to_output(rule)
                          for rule in rules))


def _summed_to_argument(rule: Callable, argnum: int) -> Callable:
    def vjp(g, ans, *args, **params):
        cotangent = rule(g, ans, *args, **params)
        argument = args[argnum]
        if type(argument) in SCALAR_TYPES and type(cotangent) in SCALAR_TYPES:
            return cotangent  # scalars: nothing to sum (the common case, checked cheaply)
        return unbroadcast(cotangent, shape_of(argument))  # returns it as is if shapes agree

    return vjp


def _broadcast_to_output(rule: Callable) -> Callable:
    def jvp(t, ans, *args, **params):
        tangent = rule(t, ans, *args, **params)
        if type(ans) in SCALAR_TYPES and type(tangent) in SCALAR_TYPES:
            return tangent
        return broadcast_tangent(tangent, shape_of(ans))  # returns it as is if shapes agree

    return jvp


if not NUMPY_2:
    # Before NEP 50 (NumPy 1.x), a float32 scalar combined with a Python number is
    # float64, so a rule written with constants (``t * 0.5 / ans``) widens the tangent
    # of a float32 scalar. Brought back here to the precision of the output, as NumPy
    # 2 computes it: float32 stays float32 in forward mode too.
    _broadcast_to_output_as_written = _broadcast_to_output

    def _broadcast_to_output(rule: Callable) -> Callable:  # type: ignore[no-redef]
        written = _broadcast_to_output_as_written(rule)

        def jvp(t, ans, *args, **params):
            return _no_wider_than(written(t, ans, *args, **params), ans)

        return jvp


def _no_wider_than(value: Any, reference: Any) -> Any:
    """``value``, cast down to the floating-point precision of ``reference`` if wider."""
    dtype, reference_dtype = dtype_of(value), dtype_of(reference)
    if dtype.kind not in "fc" or reference_dtype.kind not in "fc":
        return value
    bits = np.finfo(reference_dtype).bits
    if np.finfo(dtype).bits <= bits:
        return value
    from .arithmetic import astype

    return astype(value, np.dtype(f"{dtype.kind}{bits // 8 * (2 if dtype.kind == 'c' else 1)}"))


def elementwise(name: str, ufunc: Any, impl: Callable | None = None) -> Elementwise:
    """A primitive for ``ufunc``; ``np.<ufunc>(tracer)`` is routed to it."""
    prim = _registered(Elementwise(f"numpy.{name}", impl or ufunc))
    prim.numpy_function = ufunc
    UFUNCS[ufunc] = prim
    return prim


def nondiff(name: str, function: Callable) -> Primitive:
    """A primitive whose output is piecewise constant: zero derivative, explicitly."""
    prim = primitive(name, function)
    prim.numpy_function = function
    prim.def_nondiff()
    if isinstance(function, np.ufunc):
        UFUNCS[function] = prim
    return prim


def unsupported_function_error(qualified_name: str) -> NotImplementedError:
    return NotImplementedError(
        f"{qualified_name} is not supported on traced values by chainrule yet "
        "(no rule in either mode).\n"
        "  Write it with supported NumPy functions, wrap it with chainrule.custom_vjp / "
        "custom_jvp, or add a primitive in chainrule/numpy/."
    )


# Imported last: these area modules are built with the factories above, and
# the helpers here call them only when rules run, long after every import.
from . import reductions  # noqa: E402
from . import shape as shape_functions  # noqa: E402
