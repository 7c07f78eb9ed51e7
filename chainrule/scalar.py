"""The teaching ``Scalar``: one number that remembers how it was computed.

A micrograd-style value on chainrule's own engine. Every operation on a
Scalar is a chainrule primitive (``cnp.add``, ``cnp.tanh``, ...) applied
through ``bind``, and ``.backward()`` runs that primitive's own reverse rule:
the derivatives a learner sees here are exactly the ones ``cr.grad`` uses.

    >>> a, b = cr.Scalar(2.0, label="a"), cr.Scalar(-3.0, label="b")
    >>> c = a * b + a
    >>> c.backward()
    >>> a.grad, b.grad      # dc/da = b + 1, dc/db = a
    (-2.0, 2.0)

Each Scalar made by an operation has ``.op``, the short name of its
primitive, and ``.parents``, its Scalar arguments in order (``a - a`` keeps
both edges; plain numbers are constants and are not parents). The names:

    ``+`` ``-`` ``*`` ``/`` ``**`` ``neg`` (unary minus), ``tanh`` ``exp``
    ``log`` ``sin`` ``cos``, ``relu``, ``sigmoid``; any other NumPy ufunc
    (``np.sqrt(s)``) its NumPy name (``sqrt``); ``""`` for a leaf.

``relu`` is the single primitive ``maximum(x, 0)``, renamed ``relu`` (at
exactly 0 its slope is 1/2, the tie rule of ``maximum``). ``sigmoid`` is not
one primitive: it is built as ``0.5 * tanh(x / 2) + 0.5`` (which never
overflows) and only its last node, an addition, is renamed ``sigmoid``; its
parent is the ``*`` node, and the ``tanh`` and the first ``*`` sit above.

How it fits the engine: a Scalar is a :class:`chainrule.core.Tracer` of the
one :class:`ScalarLevel`, which is always active and has depth 0, below every
transformation. ``bind`` sends an operation on Scalars to that level, which
computes the value and returns a new Scalar remembering the primitive and its
arguments. ``cr.grad`` levels sit above it, so ``cr.grad`` can differentiate
code that calls ``.backward()`` (``tests/test_scalar.py`` checks one).
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np

from . import numpy as cnp
from .core import Level, MissingRuleError, Primitive, Tracer, base_value
from .numpy.wrap import UFUNCS

# The short names a learner expects; every other primitive is called by its NumPy name.
OP_NAMES: dict[Primitive, str] = {cnp.add: "+", cnp.subtract: "-", cnp.multiply: "*",
                                  cnp.divide: "/", cnp.power: "**", cnp.negative: "neg"}

# Counts Scalars as they are made: a node is always made after its parents,
# so the reverse of creation order is an order in which to run the chain rule.
_created = itertools.count()


class ScalarLevel(Level):
    """The level of every Scalar: always active, depth 0 (below every transformation).

    >>> SCALAR_LEVEL.depth, SCALAR_LEVEL.active
    (0, True)
    """

    __slots__ = ()
    mode = "scalar"

    def __init__(self) -> None:
        self.depth = 0
        self.active = True

    def process(self, primitive: Primitive, args: tuple, params: dict) -> Any:
        """Compute ``primitive`` on the arguments' data; a new Scalar remembers how."""
        if primitive.multiple_results:
            raise NotImplementedError(
                f"{primitive.name} has several results; a Scalar holds one number.\n"
                "  Differentiate it on plain NumPy values with cr.grad instead.")
        data = primitive(*[arg.primal if isinstance(arg, Scalar) else arg for arg in args],
                         **params)  # on plain numbers, this is just primitive.impl
        if primitive.nondiff:
            return data  # piecewise constant (a comparison, floor): a plain value
        for argnum, arg in enumerate(args):
            if isinstance(arg, Scalar) and not primitive.has_rule("vjp", argnum):
                raise MissingRuleError(primitive.name, "reverse", argnum)
        out = Scalar(data)
        out.primitive, out.args, out.params = primitive, args, params
        out.parents = tuple(arg for arg in args if isinstance(arg, Scalar))
        out.op = OP_NAMES.get(primitive, primitive.name.split(".")[-1])
        return out


SCALAR_LEVEL = ScalarLevel()


def _number(value: Any) -> Any:
    """``value`` as a Python float (a traced value of an outer ``cr.grad`` stays traced)."""
    if isinstance(value, Scalar):
        raise TypeError("Scalar(s) of a Scalar s: use s itself, or Scalar(s.data) for an "
                        "unconnected copy.")
    if np.ndim(base_value(value)) != 0:
        raise TypeError(
            f"a Scalar holds one number, not an array of shape {np.shape(base_value(value))}.\n"
            "  Differentiate NumPy arrays with cr.grad, or make one Scalar per entry.")
    return value if isinstance(value, Tracer) else float(value)


class Scalar(Tracer):
    """One number with a ``.grad``, micrograd-style, differentiated by chainrule's rules.

    >>> x = cr.Scalar(0.5, label="x")
    >>> y = x.tanh()
    >>> y.op, y.parents[0] is x
    ('tanh', True)
    >>> y.backward()
    >>> round(x.grad, 6)    # 1 - tanh(0.5)**2
    0.786448
    """

    __slots__ = ("grad", "label", "op", "parents", "primitive", "args", "params", "index")

    def __init__(self, data: Any, label: str | None = None):
        super().__init__(_number(data), SCALAR_LEVEL)
        self.grad: Any = 0.0
        self.label = label
        self.op = ""  # a leaf; ScalarLevel.process fills in the rest for an operation
        self.parents: tuple = ()
        self.primitive: Primitive | None = None
        self.args: tuple = ()
        self.params: dict = {}
        self.index = next(_created)

    @property
    def data(self) -> Any:
        """The number (assign to it to update a parameter: ``p.data -= lr * p.grad``)."""
        return self.primal

    @data.setter
    def data(self, value: Any) -> None:
        self.primal = _number(value)

    def __repr__(self) -> str:
        label = "" if self.label is None else f", label={self.label!r}"
        return f"Scalar(data={self.data!r}, grad={self.grad!r}{label})"

    def __float__(self) -> float:
        return float(self.primal)

    # -- operations: each one is a chainrule primitive ----------------------------
    def __add__(self, other): return cnp.add(self, other)
    def __radd__(self, other): return cnp.add(other, self)
    def __sub__(self, other): return cnp.subtract(self, other)
    def __rsub__(self, other): return cnp.subtract(other, self)
    def __mul__(self, other): return cnp.multiply(self, other)
    def __rmul__(self, other): return cnp.multiply(other, self)
    def __truediv__(self, other): return cnp.divide(self, other)
    def __rtruediv__(self, other): return cnp.divide(other, self)
    def __pow__(self, other): return cnp.power(self, other)
    def __rpow__(self, other): return cnp.power(other, self)
    def __neg__(self): return cnp.negative(self)

    def tanh(self) -> Scalar: return cnp.tanh(self)
    def exp(self) -> Scalar: return cnp.exp(self)
    def log(self) -> Scalar: return cnp.log(self)
    def sin(self) -> Scalar: return cnp.sin(self)
    def cos(self) -> Scalar: return cnp.cos(self)

    def relu(self) -> Scalar:
        out = cnp.maximum(self, 0.0)
        out.op = "relu"
        return out

    def sigmoid(self) -> Scalar:
        out = 0.5 * cnp.tanh(0.5 * self) + 0.5
        out.op = "sigmoid"
        return out

    def __array_ufunc__(self, ufunc: Any, method: str, *inputs: Any, **kwargs: Any) -> Any:
        # np.sin(s): NumPy hands the call to us; run chainrule's primitive for that ufunc
        function = UFUNCS.get(ufunc)
        if function is None or method != "__call__" or kwargs:
            raise TypeError(
                f"np.{ufunc.__name__}{'' if method == '__call__' else '.' + method}"
                f"{' with ' + str(sorted(kwargs)) if kwargs else ''} is not supported on a "
                "Scalar.\n  Call the ufunc on Scalars without out=/where=, or use cr.grad "
                "on plain NumPy code.")
        return function(*inputs)

    # -- the backward pass ---------------------------------------------------------
    def backward(self, create_graph: bool = False) -> None:
        """Fill ``.grad`` of this Scalar and every Scalar it was computed from.

        One loop over the ancestors, newest first: each node passes its grad to
        its parents through its primitive's reverse rule. The ancestors' grads
        are reset first, so calling it twice gives the same grads; a Scalar
        this one does not depend on keeps its grad (``zero_grad()`` it when
        that matters). With ``create_graph=True`` the grads are Scalars,
        differentiable in turn.

        >>> a, b = cr.Scalar(1.0), cr.Scalar(2.0)
        >>> L = b * ((a + b) * (a - b))
        >>> L.backward(create_graph=True)
        >>> a.grad.data, b.grad.data
        (4.0, -11.0)
        >>> dL_db = b.grad
        >>> dL_db.backward()        # d2L/db2 = -6b
        >>> b.grad
        -12.0
        """
        nodes = sorted(_ancestors(self), key=lambda node: node.index, reverse=True)
        for node in nodes:
            node.grad = None  # None: nothing received yet
        self.grad = Scalar(1.0) if create_graph else 1.0
        for node in nodes:
            if node.primitive is None or node.grad is None:
                continue  # a leaf, or no path from here to the output
            if create_graph:  # call the rules on Scalars, so that they record too
                ans, args = node, node.args
            else:
                ans, args = node.primal, [arg.primal if isinstance(arg, Scalar) else arg
                                          for arg in node.args]
            for arg, cotangent in zip(node.args, argument_cotangents(node, node.grad, ans, args)):
                if isinstance(arg, Scalar) and cotangent is not None:
                    arg.grad = cotangent if arg.grad is None else arg.grad + cotangent
        for node in nodes:
            if node.grad is None:
                node.grad = Scalar(0.0) if create_graph else 0.0
            elif not isinstance(node.grad, Tracer):
                node.grad = float(node.grad)

    def zero_grad(self) -> None:
        """Set ``.grad`` of this Scalar and of every Scalar it was computed from to 0.

        >>> x = cr.Scalar(3.0); y = x * x; y.backward(); y.zero_grad()
        >>> x.grad
        0.0
        """
        for node in _ancestors(self):
            node.grad = 0.0


def argument_cotangents(node: Scalar, g: Any, ans: Any, args: Any) -> list:
    """The cotangent of each argument of ``node`` given its own, ``g`` (None: zero).

    Called exactly as ``chainrule.core.reverse.backward`` calls the rules: the
    primitive's reverse-mode rule, for the Scalar arguments.

    >>> x = cr.Scalar(2.0); y = x * 3.0
    >>> argument_cotangents(y, 1.0, y.data, [2.0, 3.0])
    [3.0, None]
    """
    primitive: Any = node.primitive  # never None: a leaf has no arguments to send to
    params = node.params
    wanted = tuple(isinstance(arg, Scalar) for arg in node.args)
    return list(primitive.rules["vjp"](g, ans, tuple(args), params, wanted))


def _ancestors(root: Scalar) -> set:
    """``root`` and every Scalar it was computed from, found with a stack (no recursion)."""
    seen = {root}
    stack = [root]
    while stack:
        for parent in stack.pop().parents:
            if parent not in seen:
                seen.add(parent)
                stack.append(parent)
    return seen
