"""The gradient of a least-squares loss over a large chunked array: chainrule on
Dask arrays against the same gradient written by hand in Dask, and against
chainrule and a hand-written gradient on NumPy arrays where the data fits in
memory. Each variant runs in a fresh process, so its peak resident memory is
its own. A benchmark, not a test: nothing here runs under pytest.

    python benchmarks/dask_least_squares.py                       # 2e6 x 100 (1.6 GB)
    python benchmarks/dask_least_squares.py --rows 1e7 --features 100 --no-numpy

The Dask data is generated lazily inside each compute (chunk by chunk, never
all in memory), as it would be read from disk; ``--persist`` holds it in
memory first instead. NumPy's variants build the whole array first (not timed).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time

import numpy as np

import chainrule as cr


def loss(w, X, y):
    residual = X @ w - y
    return 0.5 * np.mean(residual ** 2)


def value_and_gradient_by_hand(w, X, y):
    """The same value and gradient, derived on paper: X^T (X w - y) / n."""
    residual = X @ w - y
    return 0.5 * (residual ** 2).mean(), X.T @ residual / X.shape[0]


def dask_data(rows, features, chunk_rows, persist):
    import dask.array as da  # the Dask variants only
    rng = da.random.default_rng(0)
    X = rng.standard_normal((rows, features), chunks=(chunk_rows, features))
    y = X @ np.linspace(-1.0, 1.0, features) + rng.standard_normal(rows, chunks=chunk_rows)
    return (X.persist(), y.persist()) if persist else (X, y)


def numpy_data(rows, features):
    rng = np.random.default_rng(0)
    X = rng.standard_normal((rows, features))
    return X, X @ np.linspace(-1.0, 1.0, features) + rng.standard_normal(rows)


def run_variant(variant, rows, features, chunk_rows, repeats, persist):
    """Time one variant in this process; print a JSON line with its figures."""
    w = np.full(features, 0.1)
    if variant.startswith("dask"):
        import dask
        X, y = dask_data(rows, features, chunk_rows, persist)

        def evaluate():
            if variant == "dask-chainrule":
                value, gradient = cr.value_and_grad(loss)(w, X, y)
            else:
                value, gradient = value_and_gradient_by_hand(w, X, y)
            return dask.compute(value, gradient)
    else:
        X, y = numpy_data(rows, features)

        def evaluate():
            if variant == "numpy-chainrule":
                return cr.value_and_grad(loss)(w, X, y)
            return value_and_gradient_by_hand(w, X, y)

    times, result = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        result = evaluate()
        times.append(time.perf_counter() - start)
    value, gradient = result
    print(json.dumps({"variant": variant, "seconds": min(times), "value": float(value),
                      "gradient": np.asarray(gradient).tolist(),
                      "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))


VARIANTS = ("dask-chainrule", "dask-by-hand", "numpy-chainrule", "numpy-by-hand")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=float, default=2e6)
    parser.add_argument("--features", type=int, default=100)
    parser.add_argument("--chunk-rows", type=float, default=250_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--persist", action="store_true", help="hold the Dask data in memory")
    parser.add_argument("--no-numpy", action="store_true", help="skip NumPy (data too large)")
    parser.add_argument("--variant", choices=VARIANTS, help=argparse.SUPPRESS)
    options = parser.parse_args()
    rows, chunk_rows = int(options.rows), int(options.chunk_rows)
    if options.variant:
        run_variant(options.variant, rows, options.features, chunk_rows, options.repeats,
                    options.persist)
        return
    gb = rows * (options.features + 1) * 8 / 1e9
    print(f"least squares: {rows:,} x {options.features} ({gb:.2f} GB float64), chunks of "
          f"{chunk_rows:,} rows, best of {options.repeats}, "
          f"{'persisted' if options.persist else 'generated lazily in each compute'}")
    figures = {}
    for variant in VARIANTS:
        if variant.startswith("numpy") and options.no_numpy:
            continue
        command = [sys.executable, __file__, "--variant", variant, "--rows", str(rows),
                   "--features", str(options.features), "--chunk-rows", str(chunk_rows),
                   "--repeats", str(options.repeats)] + (["--persist"] if options.persist else [])
        output = subprocess.run(command, capture_output=True, text=True, env=os.environ)
        if output.returncode:
            print(f"{variant}: failed\n{output.stderr[-2000:]}")
            continue
        figures[variant] = json.loads(output.stdout.strip().splitlines()[-1])
        print(f"{variant:16s} {figures[variant]['seconds']:8.2f} s   "
              f"peak RSS {figures[variant]['peak_rss_mb']:8.0f} MB")
    if "dask-chainrule" in figures and "dask-by-hand" in figures:
        ours, theirs = figures["dask-chainrule"], figures["dask-by-hand"]
        np.testing.assert_allclose(ours["gradient"], theirs["gradient"], rtol=1e-10)
        print(f"chainrule / hand-written on Dask: {ours['seconds'] / theirs['seconds']:.2f}x time; "
              "gradients agree to 1e-10")
    if "numpy-chainrule" in figures and "numpy-by-hand" in figures:
        ours, theirs = figures["numpy-chainrule"], figures["numpy-by-hand"]
        np.testing.assert_allclose(ours["gradient"], theirs["gradient"], rtol=1e-10)
        print(f"chainrule / hand-written on NumPy: {ours['seconds'] / theirs['seconds']:.2f}x time")


if __name__ == "__main__":
    main()
