"""The progress bar of ``minimize(..., progress=True)``: tqdm when it is
installed, otherwise one line of plain text rewritten in place on stderr."""

from __future__ import annotations

import sys
import time
from typing import Any, TextIO


class Progress:
    """Show the step, the objective and the gradient norm while a solver runs.

    >>> import io
    >>> stream = io.StringIO()
    >>> bar = Progress("adam", total=10, stream=stream, use_tqdm=False)
    >>> bar.update(10, 0.25, 1e-3); bar.close()
    >>> stream.getvalue().strip()
    'adam: step 10/10  f 0.25  |g| 0.001'
    """

    def __init__(self, name: str, total: int | None = None, stream: TextIO | None = None,
                 use_tqdm: bool = True, every: float = 0.2):
        self.name, self.total, self.every = name, total, every
        self.stream = sys.stderr if stream is None else stream
        self.bar: Any = None
        self.count = 0
        self.last_time = -float("inf")
        self.text = self.shown = ""
        if use_tqdm:
            try:
                from tqdm.auto import tqdm  # type: ignore[import-untyped]  # optional: pip install tqdm
            except ImportError:
                tqdm = None
            if tqdm is not None:
                self.bar = tqdm(total=total, desc=name, file=self.stream, leave=True)

    def update(self, step: int, value: float, gradient_norm: float | None = None) -> None:
        """The solver has made ``step`` steps; the objective is ``value``."""
        norm = "" if gradient_norm is None else f"  |g| {gradient_norm:.3g}"
        if self.bar is not None:
            self.bar.update(step - self.count)
            self.bar.set_postfix_str(f"f {value:.6g}{norm}", refresh=False)
            self.count = step
            return
        self.count = step
        of = "" if self.total is None else f"/{self.total}"
        self.text = f"{self.name}: step {step}{of}  f {value:.6g}{norm}"
        now = time.perf_counter()
        if now - self.last_time >= self.every:
            self.last_time = now
            self.stream.write("\r" + self.text)
            self.stream.flush()
            self.shown = self.text

    def close(self) -> None:
        """Finish the line (the last state is always shown)."""
        if self.bar is not None:
            self.bar.close()
            return
        if self.text:
            self.stream.write(("" if self.shown == self.text else "\r" + self.text) + "\n")
            self.stream.flush()
