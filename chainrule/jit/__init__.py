"""``jit``: trace once, generate readable straight-line Python, replay it fast, with guards.

The first call with a given signature records the function as a graph of
primitives (``cr.trace``'s recording level), simplifies it (``simplify.py``),
writes it out as Python source, one line per primitive (``codegen.py``),
compiles that once with ``compile()`` and keeps it in a bounded cache
(``cache.py``). Later calls with the same signature (``signature.py``) run the
generated code. See ``docs/jit.md``.

>>> f = cr.jit(lambda x1, x2: np.exp(2 * x1) + x1 * x2**2 + np.cos(x2))
>>> round(float(f(1.0, 2.0)), 6)
10.972909
>>> print(f.source(1.0, 2.0).split("\\n", 3)[3].split("\\n")[2])
    w3 = 2 * w1
"""

from __future__ import annotations

from typing import Any, Callable

from .cache import JitFallbackWarning as JitFallbackWarning
from .cache import JitFunction as JitFunction
from .codegen import GuardFailed as GuardFailed
from .textbook import textbook_gradient as textbook_gradient


def jit(function: Callable | None = None, static_argnums: Any = (), static_argnames: Any = (),
        cache_size: int = 64, max_retraces: int = 8) -> Any:
    """Compile ``function`` to straight-line Python on its first call per signature.

    ``static_argnums``/``static_argnames`` name arguments whose values (not
    traced) are part of the cache key. Any chainrule transformation can be
    compiled (``cr.jit(cr.grad(loss))``). Inside another transformation
    (``cr.grad(cr.jit(f))``) the function runs as written, traced by that
    transformation. Side effects (printing, appending, random draws) happen
    at trace time only: pass random draws in as arguments.

    >>> step = cr.jit(cr.grad(lambda x: np.sum(np.tanh(x) ** 2)))
    >>> step(np.array([0.0, 1.0])).round(4)
    array([0.    , 0.6397])
    >>> cr.jit(lambda x, n: x ** n, static_argnums=1)(2.0, 3)
    8.0
    """
    if function is None:  # @cr.jit(static_argnums=...)
        return lambda f: JitFunction(f, static_argnums, static_argnames, cache_size,
                                     max_retraces)
    return JitFunction(function, static_argnums, static_argnames, cache_size, max_retraces)


def make_source(function: Callable, *args: Any, gradient: bool = False, **kwargs: Any) -> str:
    """The Python source ``cr.jit`` generates for ``function`` at these arguments.

    With ``gradient=True``: the program of ``f``'s value and gradient (with
    respect to every argument) as the textbooks write reverse mode, the
    forward pass and then one adjoint ``wk_bar`` per node (``textbook.py``).

    >>> print(cr.make_source(lambda x: np.sin(x) * x, 1.0).splitlines()[-3])
        w2 = math.sin(w1)
    >>> print(cr.make_source(lambda x: np.sin(x) * x, 1.0, gradient=True).splitlines()[-2])
        w1_bar = w2 + w7
    """
    if gradient:
        if isinstance(function, JitFunction):
            function = function.function
        return JitFunction(textbook_gradient(function)).source(*args, **kwargs)
    compiled = function if isinstance(function, JitFunction) else JitFunction(function)
    return compiled.source(*args, **kwargs)
