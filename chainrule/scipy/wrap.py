"""How SciPy functions become chainrule primitives, and the table of what the
SciPy layer covers.

A ``scipy.special`` function that is a NumPy ufunc becomes an elementwise
primitive of the NumPy layer named ``scipy.special.<name>``, entered in the
NumPy layer's routing tables ``UFUNCS`` and ``UFUNC_METHODS``, so
``scipy.special.gammaln(tracer)`` reaches it through ``__array_ufunc__``, and
so does ``scipy.special.xlogy.outer(t, y)``. One stanza per function, as in
``chainrule/numpy/trig.py``:

    gammaln = special_ufunc("gammaln", sc.gammaln)
    gammaln.def_partials(lambda ans, x: digamma(x))

An argument that has no rule (a Bessel function's order, say) gets ``None``
for its partial: differentiating with respect to it raises chainrule's
``MissingRuleError`` naming the primitive and the argument, in either mode.
``not_differentiable_in`` records why, for the registry test and the docs.

This is the bottom file of the SciPy layer: it imports only the NumPy layer
and the engine.
"""

from __future__ import annotations

from typing import Any, Callable

import numpy as np

from ..core import Primitive, base_value
from ..core.batching import is_batched
from ..numpy import where
from ..numpy.elementwise import Elementwise
from ..numpy.ufunc_methods import UFUNC_METHODS, method_table
from ..numpy.wrap import UFUNCS, NumpyPrimitive, dtype_of, elementwise_batch, registered

# every primitive of the SciPy layer, by name (they are in the NumPy layer's PRIMITIVES too)
PRIMITIVES: dict[str, Primitive] = {}
# (primitive name, argument index) -> what it is, for arguments declared without a rule
NOT_DIFFERENTIABLE: dict[tuple[str, int], str] = {}
# SciPy name -> (chainrule module, modes): what ``coverage_rows()`` reports
COVERED: dict[str, tuple[str, str]] = {}

BOTH_MODES = "forward, reverse"
NONDIFF = "zero (not differentiable)"


class SpecialFunction(Elementwise):
    # An elementwise primitive for a SciPy function; its docstring names the
    # chainrule.scipy spelling and shows a derivative computed when it is read.

    __slots__ = ()

    @property
    def __doc__(self) -> str:  # type: ignore[override]
        written = getattr(self, "written_doc", None)
        if written is None:
            written = self.written_doc = _document(self)
        return written


def _document(prim: Primitive) -> str:
    module, _, short = prim.name.rpartition(".")
    lines = [f"``{prim.name}`` on traced values, differentiable in forward and reverse mode"]
    missing = [what for (name, _), what in NOT_DIFFERENTIABLE.items() if name == prim.name]
    if missing:
        lines[0] += " (not in " + ", ".join(missing) + ": no rule)"
    lines[0] += "."
    arity = getattr(getattr(prim, "numpy_function", None), "nin", None) or len(prim.partials or ())
    argnum = max((i for i, partial in enumerate(prim.partials or ()) if partial is not None),
                 default=None)
    if argnum is not None and arity and prim.partials is not None:
        args = tuple([1.0] * (arity - 1) + [0.5])
        with np.errstate(all="ignore"):
            slope = prim.partials[argnum](prim.impl(*args), *args)
        call = (f"cr.grad(chainrule.{module}.{short}, argnums={argnum})"
                f"({', '.join(map(repr, args))})")
        lines += ["", ">>> import chainrule.scipy", f">>> {call}", repr(float(slope))]
    return "\n".join(lines) + "\n"


def special_ufunc(name: str, ufunc: Any, impl: Callable | None = None,
                  module: str = "scipy.special") -> SpecialFunction:
    """An elementwise primitive ``scipy.special.<name>``; ``ufunc(tracer)`` is routed to it.

    The NumPy layer's ``elementwise`` factory does the same under the prefix ``numpy.``.

    >>> from chainrule.scipy.special import gammaln
    >>> gammaln.name, float(gammaln.partials[0](0.0, 1.0))   # digamma(1) = -Euler's gamma
    ('scipy.special.gammaln', -0.5772156649015329)
    """
    prim = SpecialFunction(f"{module}.{name}", impl or ufunc)
    registered(prim)
    prim.numpy_function = ufunc
    prim.def_batch(elementwise_batch(prim))
    if isinstance(ufunc, np.ufunc):
        UFUNCS[ufunc] = prim
        UFUNC_METHODS.update(method_table({ufunc: prim}))  # scipy.special.xlogy.outer(t, y)
    PRIMITIVES[prim.name] = prim
    return prim


def special_nondiff(name: str, ufunc: Any) -> Primitive:
    """A piecewise-constant ``scipy.special`` ufunc: zero derivative, declared so.

    >>> import scipy.special
    >>> special_nondiff("gammasgn", scipy.special.gammasgn).nondiff
    True
    """
    prim = NumpyPrimitive(f"scipy.special.{name}", ufunc)
    registered(prim)
    prim.numpy_function = ufunc
    prim.written_doc = (f"``scipy.special.{name}`` on traced values: piecewise constant, so its "
                        f"derivative is zero in every mode.\n\n>>> import chainrule.scipy\n"
                        f">>> chainrule.scipy.special.{name}(-0.5)\n{ufunc(-0.5)!r}\n")
    prim.def_nondiff()
    prim.def_batch(elementwise_batch(prim))
    UFUNCS[ufunc] = prim
    UFUNC_METHODS.update(method_table({ufunc: prim}))
    PRIMITIVES[prim.name] = prim
    return prim


def not_differentiable_in(prim: Primitive, argnum: int, what: str) -> None:
    """Declare that ``prim`` has no rule for argument ``argnum`` (its partial is None).

    >>> from chainrule.scipy.special import jv
    >>> ("scipy.special.jv", 0) in NOT_DIFFERENTIABLE
    True
    """
    assert prim.partials is not None and prim.partials[argnum] is None, prim.name
    NOT_DIFFERENTIABLE[(prim.name, argnum)] = what


def covers(scipy_name: str, module: str, modes: str = BOTH_MODES) -> None:
    """Enter a row of ``coverage_rows()``: SciPy's name, chainrule's module, the modes.

    >>> covers("scipy.special.example", "chainrule.scipy.special")
    >>> COVERED.pop("scipy.special.example")
    ('chainrule.scipy.special', 'forward, reverse')
    """
    COVERED[scipy_name] = (module, modes)


def covers_primitive(prim: Primitive, module: str, scipy_name: str | None = None) -> None:
    """A coverage row for a primitive, its modes read from its rules."""
    if prim.nondiff:
        modes = NONDIFF
    else:
        modes = BOTH_MODES
        missing = [what for (name, _), what in NOT_DIFFERENTIABLE.items() if name == prim.name]
        if missing:
            modes += " (not in " + ", ".join(missing) + ")"
    covers(scipy_name or prim.name, module, modes)


def coverage_rows() -> list:
    """``(SciPy name, chainrule module, modes)`` for every SciPy function chainrule covers.

    >>> import chainrule.scipy
    >>> ("scipy.special.gammaln", "chainrule.scipy.special", "forward, reverse") in coverage_rows()
    True
    """
    return sorted((name, module, modes) for name, (module, modes) in COVERED.items())


def float_dtype(*values: Any) -> np.dtype:
    """The floating-point type a result of ``values`` has: float32 stays float32.

    >>> float_dtype(np.float32(1.0), 2), float_dtype(1.0)
    (dtype('float32'), dtype('float64'))
    """
    # Python numbers are weak, as NumPy 2 treats them: they never widen float32
    dtypes = [dtype_of(value) for value in values if type(value) not in (int, float)]
    floats = [dtype for dtype in dtypes if dtype.kind in "fc"]
    return np.result_type(*floats) if floats else np.dtype(np.float64)


def distribution_arguments(method: str, names: tuple, defaults: dict, args: tuple,
                           kwds: dict) -> list:
    """The parameters of a distribution's method, positional or by keyword, as SciPy takes them.

    ``names`` are the shape parameters, then loc (and scale); ``defaults`` hold
    the values of those that may be left out.

    >>> distribution_arguments("t.logpdf", ("df", "loc", "scale"), {"loc": 0.0, "scale": 1.0},
    ...                        (3.0,), {"scale": 2.0})
    [3.0, 0.0, 2.0]
    """
    if len(args) > len(names):
        raise TypeError(f"{method}() takes at most {len(names)} parameters after the first "
                        f"({', '.join(names)}); {len(args)} were given")
    values = dict(zip(names, args))
    for name, value in kwds.items():
        if name not in names:
            raise TypeError(f"{method}() got an unexpected keyword argument {name!r}; "
                            f"its parameters are {', '.join(names)}")
        if name in values:
            raise TypeError(f"{method}() got multiple values for argument {name!r}")
        values[name] = value
    missing = [name for name in names if name not in values and name not in defaults]
    if missing:
        raise TypeError(f"{method}() is missing the shape parameter(s) {', '.join(missing)}")
    return [values.get(name, defaults.get(name)) for name in names]


def masked(value: Any, keep: Any, fill: float) -> Any:
    """``value`` where ``keep`` (a plain boolean array) holds, ``fill`` elsewhere.

    >>> masked(np.array([1.0, 2.0]), np.array([True, False]), -np.inf)
    array([  1., -inf])
    """
    if not is_batched(keep) and np.all(keep):
        return value
    return where(keep, value, fill)


def decision_value(x: Any) -> Any:
    """``x`` for decisions without derivative (masks, supports, an order): its plain
    value, or under vmap the batched value itself, whose comparisons are traced (still
    without derivative), so that each member of the batch decides for itself.

    >>> decision_value(2.0)
    2.0
    """
    return x if is_batched(x) else base_value(x)


class Distribution:
    """The common part of the distribution objects of ``chainrule.scipy.stats``:
    their parameters, taken positionally or by keyword as SciPy takes them.

    >>> import chainrule.scipy.stats as stats
    >>> stats.t.logpdf(0.0, 3.0, 0.0, 1.0) == stats.t.logpdf(0.0, df=3.0)
    True
    """

    name = ""
    shapes: tuple = ()  # the names of the shape parameters
    parameters: tuple = ("loc", "scale")
    defaults: dict = {"loc": 0.0, "scale": 1.0}

    def arguments(self, method: str, args: tuple, kwds: dict) -> list:
        """The shape parameters, then loc (and scale), for ``method``."""
        return distribution_arguments(f"{self.name}.{method}", self.shapes + self.parameters,
                                      self.defaults, args, kwds)

    def __repr__(self) -> str:
        return f"<chainrule.scipy.stats.{self.name}>"


def coverage_markdown() -> str:
    """The table of ``coverage_rows()`` as docs/scipy.md shows it.

    >>> import chainrule.scipy
    >>> coverage_markdown().splitlines()[0]
    '| SciPy | chainrule | modes |'
    """
    lines = ["| SciPy | chainrule | modes |", "| --- | --- | --- |"]
    lines += [f"| `{name}` | `{module}` | {modes} |" for name, module, modes in coverage_rows()]
    return "\n".join(lines) + "\n"
