"""Timing, checking and memory measurement for run.py."""

from __future__ import annotations

import gc
import resource
import sys
import time
from typing import Any, Callable

import numpy as np

# -- timing ----------------------------------------------------------------------------


class Sampler:
    """Times one zero-argument call the way ``timeit`` does.

    Creating it makes a warm-up call (its time, ``first``, includes JAX's
    tracing and compiling) and a calibration call, and picks ``number``, the
    calls per sample, so that a sample lasts at least ``min_time``. The
    garbage collector stays on, as in the user's program."""

    def __init__(self, function: Callable[[], Any], min_time: float):
        self.function = function
        gc.collect()
        start = time.perf_counter()
        self.result = function()
        self.first = time.perf_counter() - start
        start = time.perf_counter()
        function()
        single = time.perf_counter() - start
        self.number = max(1, int(min_time / max(single, 1e-9)))
        self.samples = [single] if self.number == 1 else []  # per-call seconds
        self.spent = self.first + single

    def sample(self) -> float:
        start = time.perf_counter()
        for _ in range(self.number):
            self.function()
        elapsed = time.perf_counter() - start
        self.spent += elapsed
        self.samples.append(elapsed / self.number)
        return self.samples[-1]

    @property
    def best(self) -> float:
        return min(self.samples)


def measure_alternating(call: Callable[[], Any], forward: Sampler, repeats: int,
                        min_time: float, budget: float) -> Sampler:
    """Time ``call``, alternating its samples with samples of NumPy's forward
    evaluation, so that the forward time (the best of all its samples) is
    taken over the same stretch of time as the derivatives: on a shared
    machine the speed drifts. Samples continue until there are ``repeats``
    of them and they span at least a third of ``budget`` (so that the best
    of them does not all come from one slow stretch), but stop once the row
    has taken ``budget`` seconds (at least one sample after the warm-up), and
    in any case after three budgets of wall-clock time: a calibration call that
    ran slow leaves each sample tiny, and ``spent`` would then grow slowly."""
    timed = Sampler(call, min_time)
    started = time.perf_counter()
    forward.sample()
    while ((len(timed.samples) < repeats or timed.spent < budget / 3)
           and (timed.spent < budget or not timed.samples)
           and (time.perf_counter() - started < 3 * budget or not timed.samples)):
        timed.sample()
        forward.sample()
    return timed


# -- checking ------------------------------------------------------------------------


def to_numpy(value: Any) -> Any:
    """A result as NumPy arrays (tuples stay tuples)."""
    if isinstance(value, (tuple, list)):
        return tuple(to_numpy(v) for v in value)
    if hasattr(value, "detach"):  # torch
        return value.detach().numpy()
    return np.asarray(value, dtype=np.float64)


def mismatch(result: Any, expected: Any) -> str | None:
    """None when ``result`` agrees with ``expected``, else what differs."""
    result, expected = to_numpy(result), to_numpy(expected)
    if isinstance(expected, tuple) != isinstance(result, tuple):
        return "different structure"
    if isinstance(expected, tuple):
        if len(result) != len(expected):
            return f"{len(result)} parts instead of {len(expected)}"
        for i, (r, e) in enumerate(zip(result, expected)):
            problem = mismatch(r, e)
            if problem:
                return f"part {i}: {problem}"
        return None
    if result.shape != expected.shape:
        return f"shape {result.shape} instead of {expected.shape}"
    scale = float(np.max(np.abs(expected))) if expected.size else 0.0
    atol = max(1e-9 * scale, np.finfo(np.float64).tiny)  # below it: underflow, zero
    if np.allclose(result, expected, rtol=1e-6, atol=atol):
        return None
    return f"max abs difference {np.max(np.abs(result - expected)):.3g} (largest |value| {scale:.3g})"


# -- formatting ----------------------------------------------------------------------


def format_time(seconds: float) -> str:
    for unit, factor in (("s", 1.0), ("ms", 1e-3), ("us", 1e-6)):
        if seconds >= factor:
            return f"{seconds / factor:.3g} {unit}"
    return f"{seconds / 1e-9:.3g} ns"


def format_ratio(ratio: float) -> str:
    if ratio >= 100:
        return f"{ratio:,.0f}x"
    return f"{ratio:.3g}x"


# -- peak memory -----------------------------------------------------------------------


def _status_mb(field: str) -> float:
    """A field of /proc/self/status (Linux), in MB."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    raise OSError(f"no {field} in /proc/self/status")


def rss_baseline_mb() -> float:
    """The RSS now, with the peak reset to it, so that the next ``peak_rss_mb``
    measures only what follows.

    On Linux the peak is the process's VmHWM, reset through
    /proc/self/clear_refs. Not ``ru_maxrss``: a child started by fork + exec
    inherits its parent's peak in ``ru_maxrss`` (a 500 MB parent makes every
    child's ru_maxrss at least 500 MB). Elsewhere, ``ru_maxrss`` it is."""
    try:
        with open("/proc/self/clear_refs", "w") as clear:
            clear.write("5")
        return _status_mb("VmRSS")
    except OSError:
        return peak_rss_mb()


def peak_rss_mb() -> float:
    try:
        return _status_mb("VmHWM")
    except OSError:
        kilo = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return kilo / 2**20 if sys.platform == "darwin" else kilo / 2**10  # bytes on macOS
