"""The result of every solver here: a dict whose keys are also attributes,
like ``scipy.optimize.OptimizeResult`` (which is not imported: SciPy is an
optional extra)."""

from __future__ import annotations

from typing import Any

import numpy as np


class OptimizeResult(dict):
    """The outcome of a solve: ``x`` (shaped like ``x0``), ``fun``, ``jac``
    (shaped like ``x0``), ``nit``, ``nfev``, ``njev``, ``success``, ``status``,
    ``message`` and, with ``record_path=True``, ``path``.

    >>> result = cr.optimize.OptimizeResult(x={"w": 1.0}, fun=0.5, success=True)
    >>> result.x["w"], result["fun"], result.success
    (1.0, 0.5, True)
    """

    def __getattr__(self, name: str) -> Any:
        try:
            return self[name]
        except KeyError as error:
            raise AttributeError(f"this OptimizeResult has no {name!r}; it has "
                                 f"{', '.join(sorted(self))}") from error

    def __setattr__(self, name: str, value: Any) -> None:
        self[name] = value

    def __delattr__(self, name: str) -> None:
        del self[name]

    def __dir__(self) -> list:
        return sorted(self)

    def __repr__(self) -> str:
        if not self:
            return "OptimizeResult()"
        width = max(len(key) for key in self) + 1
        lines = []
        for key, value in self.items():
            if key == "path":
                text = f"[{len(value)} iterates]"
            else:
                text = repr(value) if not isinstance(value, np.ndarray) else np.array2string(
                    value, threshold=12, edgeitems=3)
            lines.append(f"{key.rjust(width)}: {text}".replace("\n", "\n" + " " * (width + 2)))
        return "\n".join(lines)
