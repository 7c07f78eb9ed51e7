"""Guards: the Python decisions a recording depends on, checked by every replay.

A traced function may branch on its values (``if x > 0``), count with them
(``range(int(n))``), read a number (``float(t)``), or make an array whose shape
the data decides (``x[x > 0]``). The recording level keeps each as a
:class:`Guard` on the node it was taken from, with the file and line that took
it; a replay checks it as soon as that node is recomputed and raises
:class:`GuardError` when the new inputs would decide otherwise.

>>> g = cr.trace(lambda x: x if x > 0 else -x, 2.0)
>>> print(g.guards[0].describe().split(" at ")[0])
bool(w2) = True
"""

from __future__ import annotations

import operator
import os
import sys
from typing import Any, Callable

import numpy as np

_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__)) + os.sep
_NUMPY_DIR = os.path.dirname(os.path.abspath(np.__file__)) + os.sep


class GuardError(ValueError):
    """A replay's inputs would take another branch than the one recorded."""


def user_location() -> str:
    """``file:line`` of the innermost frame outside chainrule and NumPy: the user's code.

    >>> user_location().startswith("<doctest")
    True
    """
    frame: Any = sys._getframe(1)
    while frame is not None:
        filename = frame.f_code.co_filename
        if not filename.startswith((_PACKAGE_DIR, _NUMPY_DIR, "<frozen")):
            return f"{filename}:{frame.f_lineno}"
        frame = frame.f_back
    return "<unknown>"


_GUARD_KINDS = {bool: "bool", int: "int", float: "float", complex: "complex",
                operator.index: "index"}


class Guard:
    """A decision Python took on a node's value: ``convert(value) == expected``."""

    __slots__ = ("node", "kind", "convert", "expected", "where")

    def __init__(self, node: int, convert: Callable, expected: Any, where: str):
        self.node = node
        self.kind = "shape" if convert is np.shape else _GUARD_KINDS.get(convert, "value")
        self.convert = convert
        self.expected = expected
        self.where = where

    def describe(self) -> str:
        what = f"the shape of w{self.node + 1}" if self.kind == "shape" else (
            f"{self.kind}(w{self.node + 1})")
        return f"{what} = {self.expected!r} at {self.where}"

    def check(self, value: Any) -> None:
        seen = self.convert(value)
        if seen == self.expected or (seen != seen and self.expected != self.expected):
            return
        consequence = {"shape": "the recorded operations after it assume that shape",
                       "float": "the Python code used that number as a constant",
                       "complex": "the Python code used that number as a constant",
                       }.get(self.kind, "the Python code would take another branch")
        raise GuardError(
            f"guard failed at {self.where}: {self.describe().split(' at ')[0]} when traced, "
            f"{seen!r} now, and {consequence}.\n"
            "  Trace again at these inputs (cr.trace(f, *args)) to record that path.")
