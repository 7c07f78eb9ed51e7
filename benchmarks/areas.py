"""Per-area cost of a derivative on large inputs: for each NumPy area, the
time of ``cr.grad`` of ``sum(f(x))`` (reverse mode) and of ``cr.jvp`` (forward
mode) divided by NumPy's own time for ``f(x)``, on 1000 x 1000 inputs (or the
size the function takes). A ratio over 4x is marked: docs/numpy.md notes why.

    python benchmarks/areas.py              # every area (about a minute)
    python benchmarks/areas.py --only fft   # one area
"""

from __future__ import annotations

import argparse
import pathlib
import sys
from typing import Any, Callable

import numpy as np

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import chainrule as cr  # noqa: E402
from measure import Sampler  # noqa: E402

N = 1000
rng = np.random.default_rng(0)
SQUARE = rng.standard_normal((N, N))
POSITIVE = rng.uniform(0.5, 2.0, (N, N))
VECTOR = rng.standard_normal(N * N)
SMALL = rng.standard_normal((200, 200)) + 200 * np.eye(200)  # decompositions: O(n^3)
SPD = SMALL @ SMALL.T

# area -> [(name, f, input)]; f(x) is what NumPy computes forward
AREAS: dict[str, list[tuple[str, Callable, Any]]] = {
    "elementwise": [
        ("sin", np.sin, SQUARE), ("exp", np.exp, SQUARE), ("log", np.log, POSITIVE),
        ("tanh", np.tanh, SQUARE), ("x * x + 1", lambda x: x * x + 1.0, SQUARE),
        ("x ** 3", lambda x: x ** 3, SQUARE), ("maximum(x, 0)", lambda x: np.maximum(x, 0.0), SQUARE),
        ("arctan2(x, 1)", lambda x: np.arctan2(x, 1.0), SQUARE), ("sqrt", np.sqrt, POSITIVE),
    ],
    "reductions": [
        ("sum(axis=0)", lambda x: np.sum(x, axis=0), SQUARE), ("mean", np.mean, SQUARE),
        ("prod(axis=1)", lambda x: np.prod(x, axis=1), POSITIVE),
        ("max(axis=1)", lambda x: np.max(x, axis=1), SQUARE), ("var", np.var, SQUARE),
        ("std(axis=0)", lambda x: np.std(x, axis=0), SQUARE),
        ("cumsum(axis=1)", lambda x: np.cumsum(x, axis=1), SQUARE),
        ("cumprod(axis=1)", lambda x: np.cumprod(x, axis=1), POSITIVE),
    ],
    "manipulation": [
        ("transpose", np.transpose, SQUARE), ("reshape", lambda x: np.reshape(x, (-1,)), SQUARE),
        ("flip", np.flip, SQUARE), ("roll", lambda x: np.roll(x, 3, axis=1), SQUARE),
        ("triu", np.triu, SQUARE), ("diagonal", np.diagonal, SQUARE),
    ],
    "indexing and joining": [
        ("x[::2]", lambda x: x[::2], SQUARE), ("x[mask]", lambda x: x[x > 0], SQUARE),
        ("take", lambda x: np.take(x, np.arange(0, N, 3), axis=1), SQUARE),
        ("concatenate", lambda x: np.concatenate([x, x]), SQUARE),
        ("stack", lambda x: np.stack([x, x]), SQUARE), ("tile", lambda x: np.tile(x, 2), SQUARE),
        ("pad", lambda x: np.pad(x, 2), SQUARE),
    ],
    "products": [
        ("x @ x", lambda x: x @ x, SQUARE), ("einsum ij,jk", lambda x: np.einsum("ij,jk->ik", x, x), SQUARE),
        ("dot(x, v)", lambda x: np.dot(x, SQUARE[0]), SQUARE),
        ("outer", lambda v: np.outer(v, v), SQUARE[0]),
    ],
    "linear algebra (200 x 200)": [
        ("solve", lambda a: np.linalg.solve(a, SMALL[0]), SMALL), ("inv", np.linalg.inv, SMALL),
        ("det", lambda a: np.linalg.det(a / 200.0), SMALL),  # scaled: det(SMALL) overflows
        ("slogdet", lambda a: np.linalg.slogdet(a)[1], SMALL),
        ("cholesky", np.linalg.cholesky, SPD), ("eigh", lambda a: np.linalg.eigh(a)[0], SPD),
        ("svd", lambda a: np.linalg.svd(a, compute_uv=False), SMALL),
        ("norm", np.linalg.norm, SQUARE),
    ],
}

AREAS["fft"] = [("fft", lambda x: np.fft.fft(x).real, SQUARE),
                ("rfft", lambda x: np.fft.rfft(x).real, SQUARE),
                ("fft2", lambda x: np.fft.fft2(x).real, SQUARE)]


def _reverse(f: Callable) -> Callable:
    return cr.grad(lambda x: np.sum(f(x)))


def _forward(f: Callable, x: Any) -> Callable:
    tangent = np.ones_like(x)
    return lambda x: cr.jvp(f, (x,), (tangent,))


def measure(name: str, f: Callable, x: Any, min_time: float) -> tuple:
    forward = Sampler(lambda: f(x), min_time)
    rows = []
    for build in (lambda: _reverse(f), lambda: _forward(f, x)):
        try:
            call = build()
            sampler = Sampler(lambda: call(x), min_time)
            for _ in range(2):
                sampler.sample()
                forward.sample()
            rows.append(sampler.best)
        except Exception as error:  # an unsupported function: say so, go on
            rows.append(f"{type(error).__name__}")
    return forward.best, rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", help="one area (a prefix of its name)")
    parser.add_argument("--min-time", type=float, default=0.05)
    args = parser.parse_args()
    print(f"{'area':<28} {'function':<16} {'NumPy':>10} {'grad':>8} {'jvp':>8}")
    over = []
    for area, functions in AREAS.items():
        if args.only and not area.startswith(args.only):
            continue
        for name, f, x in functions:
            base, (reverse, forward) = measure(name, f, x, args.min_time)
            cells = []
            for value in (reverse, forward):
                if isinstance(value, str):
                    cells.append(f"{value:>8}")
                else:
                    ratio = value / base
                    cells.append(f"{ratio:>7.1f}x" + ("*" if ratio > 4 else ""))
                    if ratio > 4:
                        over.append(f"{area}: {name} ({ratio:.1f}x)")
            print(f"{area:<28} {name:<16} {base * 1e3:>8.2f}ms {cells[0]} {cells[1]}")
    if over:
        print("\nover 4x (noted in docs/numpy.md):", "; ".join(over))


if __name__ == "__main__":
    main()
