"""The compiled entries of a ``jit`` function: a bounded LRU cache keyed by signature,
re-tracing when a guard fails, and eager evaluation where tracing does not pay.

Per signature the cache keeps a list of entries, one per path the guards
have seen (``if x > 0`` traced once with each sign gives two). A call runs
the newest entry whose guards hold; when none does, the function is traced
again at the new arguments. After ``max_retraces`` re-traces of one
signature the path evidently depends on the data at every call (a ``while``
on a residual): that signature runs eagerly from then on, with one warning
naming the guard's file and line.

>>> f = cr.jit(lambda x: x if x > 0 else -x)
>>> f(2.0), f(-3.0), f.cache_info()["entries"]
(2.0, 3.0, 2)
"""

from __future__ import annotations

import itertools
import linecache
import warnings
from collections import OrderedDict
from typing import Any, Callable

from ..core import active_levels
from ..core.reverse import collector_paused
from .codegen import Generated, GuardFailed, generate, uses_scalars
from .signature import Signature
from .simplify import Program, simplify
from .tracing import Recorded, record

_EAGER = "eager"
_counter = itertools.count(1)


class JitFallbackWarning(RuntimeWarning):
    """A jit function re-traced too often for one signature and now runs eagerly there."""


class FastFailed(Exception):
    """The fast variant raised where NumPy's scalars might not (``math.log(0.0)``): the
    call is run by an exact entry instead."""


class Entry:
    """One compiled path: its fast variant (floats on ``math``) where it has one, else
    its exact variant (every primitive's own implementation)."""

    __slots__ = ("function", "code", "exact", "program_name", "guards", "filenames",
                 "__weakref__")

    def __init__(self, program: Program, exact: bool = False):
        self.program_name = program.name
        self.guards = [guard for index in sorted(program.guards)
                       for guard in program.guards[index]]
        self.filenames: list[str] = []
        # the exact variant is written only where it is needed (a call the fast one cannot
        # take traces again for an exact entry): the program itself is not kept
        self.exact = exact or not uses_scalars(program)
        self.code: Generated = generate(program, fast=not self.exact)
        self.function = self._compile(self.code)

    @property
    def source(self) -> str:
        """The generated code of this entry."""
        return self.code.source

    def _compile(self, generated: Generated) -> Callable:
        filename = f"<cr.jit {self.program_name} #{next(_counter)}>"
        code = compile(generated.source, filename, "exec")
        linecache.cache[filename] = (len(generated.source), None,
                                     generated.source.splitlines(True), filename)
        self.filenames.append(filename)
        namespace = dict(generated.namespace)
        exec(code, namespace)
        return namespace[generated.function_name]

    def run(self, leaves: list) -> Any:
        """The outputs at ``leaves``; ``GuardFailed`` when this path's guards do not hold,
        ``FastFailed`` when the fast variant's floats raised."""
        try:
            return self.function(*leaves)
        except GuardFailed:
            raise
        except Exception as error:
            if not self.exact:
                raise FastFailed from error
            self._annotate(error, self.code)
            raise

    def _annotate(self, error: BaseException, generated: Generated | None) -> None:
        """Add a note naming the generated line that failed and the user's line that
        recorded it."""
        traceback = error.__traceback__
        line = None
        while traceback is not None:
            if traceback.tb_frame.f_code.co_filename in self.filenames:
                line = traceback.tb_lineno
            traceback = traceback.tb_next
        if line is None or generated is None or line not in generated.origins:
            return
        origin = generated.origins[line]
        text = generated.source.splitlines()[line - 1].strip()
        label = text.split(" = ")[0]
        add_note = getattr(error, "add_note", None)  # Python 3.11 and later
        if add_note is None:
            return
        add_note(f"in the code cr.jit generated for {self.program_name} (line {line}: "
                 f"{text}); {label} was recorded at {origin}")

    def close(self) -> None:
        for filename in self.filenames:
            linecache.cache.pop(filename, None)


def compile_recorded(recorded: Recorded, exact: bool = False) -> Entry:
    """The compiled entry of a recording: simplified, generated, compiled."""
    return Entry(simplify(recorded), exact)


class JitFunction:
    """``cr.jit(f)``: call it as ``f``; see :func:`chainrule.jit`.

    >>> f = cr.jit(np.tanh)
    >>> float(f(0.5)) == float(np.tanh(0.5)), f.cache_info()["traces"]
    (True, 1)
    """

    def __init__(self, function: Callable, static_argnums: Any = (), static_argnames: Any = (),
                 cache_size: int = 64, max_retraces: int = 8):
        if not callable(function):
            raise TypeError(f"cr.jit needs a function, not a {type(function).__name__}: "
                            "cr.jit(f) or @cr.jit above a def.")
        if cache_size < 1:
            raise ValueError(f"cache_size must be at least 1, not {cache_size}")
        self.function = function
        self.signature = Signature(function, static_argnums, static_argnames)
        self.cache_size = cache_size
        self.max_retraces = max_retraces
        self._cache: OrderedDict = OrderedDict()
        self._retraces: dict = {}
        self._warned = False
        self.traces = 0  # how many times the function was traced (for tests and curiosity)
        self.__name__ = getattr(function, "__name__", "f")
        self.__qualname__ = getattr(function, "__qualname__", self.__name__)
        self.__doc__ = getattr(function, "__doc__", None)
        self.__wrapped__ = function

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if active_levels():
            # called by a transformation (grad(jit(f))) or with its tracers in a closure:
            # the transformation traces f itself, so f runs as written
            return self.function(*args, **kwargs)
        key, leaves = self.signature.key(args, kwargs)
        entries = self._cache.get(key)
        if type(entries) is not list:
            if entries is _EAGER:
                self._cache.move_to_end(key)
                return self.function(*args, **kwargs)
            return self._traced(args, kwargs, key, leaves, 0, False)
        failed = None
        fast_failed = -1  # where an entry's fast variant raised: the exact entry goes after it
        for position, entry in enumerate(entries):
            try:
                out = entry.run(leaves)
            except GuardFailed as failure:
                failed = entry.guards[failure.index]
                continue
            except FastFailed:
                if fast_failed < 0:
                    fast_failed = position
                continue
            if len(self._cache) > 1:
                self._cache.move_to_end(key)  # least recently used last to go
            return out
        retraces = self._retraces.get(key, 0) + 1
        if retraces > self.max_retraces:
            self._fall_back(key, failed)
            return self.function(*args, **kwargs)
        self._retraces[key] = retraces
        if fast_failed >= 0:
            return self._traced(args, kwargs, key, leaves, fast_failed + 1, True)
        return self._traced(args, kwargs, key, leaves, 0, False)

    def _traced(self, args: tuple, kwargs: dict, key: Any, leaves: list, position: int,
                exact: bool) -> Any:
        """Trace at these arguments, keep the new entry at ``position`` of the signature's
        list (the newest path first; an exact entry after the fast one that failed), run it."""
        entry = self._trace(args, kwargs, leaves, exact)
        self._insert(key, entry, position)
        return entry.run(leaves)

    def _trace(self, args: tuple, kwargs: dict, leaves: list, exact: bool = False) -> Entry:
        self.traces += 1
        with collector_paused():  # many objects, no cycles: see core.reverse.collector_paused
            recorded = self._record(args, kwargs, leaves)
            return compile_recorded(recorded, exact)

    def _record(self, args: tuple, kwargs: dict, leaves: list) -> Recorded:
        tree = self.signature.tree(args, kwargs)
        return record(self.function, leaves, self.signature.rebuild(args, kwargs, tree),
                      self.signature.names(args, kwargs))

    def _insert(self, key: Any, entry: Entry, position: int = 0) -> None:
        entries = self._cache.get(key)
        if entries is None:
            self._cache[key] = [entry]
            while len(self._cache) > self.cache_size:
                oldest, evicted = self._cache.popitem(last=False)
                self._close(evicted)
                self._retraces.pop(oldest, None)
        else:
            entries.insert(position, entry)
            self._cache.move_to_end(key)

    def _fall_back(self, key: Any, guard: Any) -> None:
        self._close(self._cache.get(key))
        self._cache[key] = _EAGER
        if not self._warned:
            self._warned = True
            where = guard.where if guard is not None else "<unknown>"
            what = guard.describe().split(" at ")[0] if guard is not None else "a guard"
            warnings.warn(
                f"cr.jit({self.__name__}) re-traced {self.max_retraces} times for the same "
                f"argument types because a guard ({what}) failed at {where}: the path depends "
                "on the data at every call, so these calls now run eagerly (not compiled). "
                "Make the decision static (static_argnums) or write it with np.where.",
                JitFallbackWarning, stacklevel=4)

    @staticmethod
    def _close(entries: Any) -> None:
        if type(entries) is list:
            for entry in entries:
                entry.close()

    # -- looking inside -----------------------------------------------------------
    def _entry_for(self, args: tuple, kwargs: dict) -> Entry:
        """The entry a call with these arguments runs (tracing one if there is none)."""
        key, leaves = self.signature.key(args, kwargs)
        for attempt in range(2):
            entries = self._cache.get(key)
            if entries is _EAGER:
                return self._trace(args, kwargs, leaves)  # shown, not kept
            for entry in entries if type(entries) is list else ():
                try:
                    entry.run(leaves)
                except (GuardFailed, FastFailed):
                    continue
                return entry
            if attempt == 0:
                self(*args, **kwargs)  # traces the entry this call needs
        raise RuntimeError(f"cr.jit({self.__name__}) found no entry for these arguments")

    def source(self, *args: Any, **kwargs: Any) -> str:
        """The Python source ``jit`` generated (or generates) for these arguments.

        >>> print(cr.jit(lambda x: 2.0 * x).source(1.0).splitlines()[-2])
            w2 = 2.0 * w1
        """
        return self._entry_for(args, kwargs).source

    def graph(self, *args: Any, **kwargs: Any) -> Any:
        """The recorded :class:`~chainrule.Graph` of a call with these arguments.

        >>> len(cr.jit(lambda x: np.sin(x) * x).graph(1.0).nodes)
        3
        """
        return self._record(args, kwargs, self.signature.key(args, kwargs)[1]).graph

    def clear_cache(self) -> None:
        """Forget every compiled entry (the next call traces again).

        >>> f = cr.jit(np.sin)
        >>> _ = f(1.0); f.clear_cache(); f.cache_info()["entries"]
        0
        """
        for entries in self._cache.values():
            self._close(entries)
        self._cache.clear()
        self._retraces.clear()

    def cache_info(self) -> dict:
        """``signatures`` cached, ``entries`` (paths) over all of them, ``eager`` signatures,
        ``traces`` so far and the ``cache_size``.

        >>> f = cr.jit(lambda x: x * x)
        >>> _ = f(1.0), f(2.0), f(np.ones(2))
        >>> f.cache_info()
        {'signatures': 2, 'entries': 2, 'eager': 0, 'traces': 2, 'cache_size': 64}
        """
        lists = [entries for entries in self._cache.values() if type(entries) is list]
        return {"signatures": len(self._cache), "entries": sum(map(len, lists)),
                "eager": len(self._cache) - len(lists), "traces": self.traces,
                "cache_size": self.cache_size}

    def __repr__(self) -> str:
        return f"<jit of {self.__qualname__}: {self.cache_info()['entries']} compiled entries>"

