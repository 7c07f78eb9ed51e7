"""Benchmark chainrule against NumPy's own forward evaluation and its peers.

    python benchmarks/run.py                  # all workloads (1.5 to 2 minutes on 2 cores)
    python benchmarks/run.py --only W3,W5     # some of them
    python benchmarks/run.py --quick          # fewer repeats
    python benchmarks/run.py --json out.json  # also write the results

Every figure is the time of one derivative call, the best of several
repeats after a warm-up call, and its ratio to the time NumPy takes to
evaluate the same function forward (no derivative) in the same process.
Every result is checked against chainrule's and against a hand-written
derivative; a mismatch is printed as a warning. See README.md.
"""

from __future__ import annotations

import argparse
import functools
import gc
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

from measure import (Sampler, format_ratio, format_time, measure_alternating, mismatch,
                     peak_rss_mb, rss_baseline_mb, to_numpy)

LIBRARIES = ("chainrule", "chainrule-jit", "autograd", "jax eager", "jax jit", "torch")
LABELS = {"numpy": "NumPy forward", "chainrule": "chainrule", "chainrule-jit": "cr.jit",
          "autograd": "autograd",
          "jax eager": "JAX eager", "jax jit": "JAX jit", "torch": "PyTorch"}
W5_MEMORY_STEPS = 100_000
W5_MEMORY_TARGET_MB = 150.0
NOT_INSTALLED = "not installed"

W: Any = None  # the workloads module, imported by main() or memory_child()


@dataclass
class Workload:
    key: str  # "W3", "W7 fwd"
    title: str
    target: float | None  # chainrule's target: at most this many times NumPy's forward time
    forward: Callable[[], Any]  # the NumPy forward evaluation
    reference: Callable[[], Any]  # the derivative, written by hand in NumPy
    runs: dict = field(default_factory=dict)  # library -> zero-argument callable or a note
    notes: dict = field(default_factory=dict)  # library -> a remark printed after its row
    ahead_of: str | None = None  # a peer to beat in the same run, instead of ``target``


# -- the workloads, as zero-argument calls ---------------------------------------------


def _peer(module: Any, make: Callable[[], Callable[[], Any]]) -> Any:
    """The call for a peer library, or the note "not installed"."""
    return make() if module is not None else NOT_INSTALLED


def _jax_eager(function: Callable, *args: Any, **static: Any) -> Any:
    jax = W.jax
    return _peer(jax, lambda: lambda: jax.block_until_ready(function(*args, **static)))


def _jax_jit(function: Callable, *args: Any, **static: Any) -> Any:
    """A jitted call; its first call (tracing and compiling) is the warm-up."""
    jax = W.jax

    def make() -> Callable[[], Any]:
        compiled = jax.jit(functools.partial(function, **static))
        return lambda: jax.block_until_ready(compiled(*args))

    return _peer(jax, make)


def _chainrule_jit(make: Callable[[], Callable], *args: Any) -> Callable[[], Any]:
    """The compiled chainrule call; its first call (trace, simplify, generate, compile and
    run) is the warm-up, its time kept as ``call.compile_seconds``. That call then collects
    the garbage the trace left (not timed): otherwise the calibration call after it may
    pay a full collection (tens of ms with JAX and PyTorch loaded) and be taken for the
    time of a call."""
    compiled: list = []

    def call() -> Any:
        if compiled:
            return compiled[0](*args)
        start = time.perf_counter()
        compiled.append(make())
        result = compiled[0](*args)
        call.compile_seconds = time.perf_counter() - start  # type: ignore[attr-defined]
        gc.collect()
        return result

    return call


# cr.jit's targets (issue 8), ratio to NumPy's forward time
JIT_TARGETS = {"W1": 3.5, "W2": 20, "W3": 3.5, "W4": 2.0, "W5": 2.0}


def _jax_arrays(values: Any) -> Any:
    return W.jax.tree_util.tree_map(W.jnp.asarray, values) if W.jax else None


def build_w1() -> list:
    x = W.W1_X
    return [Workload(
        "W1", "gradient of a 20-term Taylor series of sin, Python floats (~95 ops)", 100,
        forward=lambda: W.taylor_sin(x), reference=lambda: W.w1_reference(x),
        runs={"chainrule": lambda: W.w1_chainrule(x),
              "chainrule-jit": _chainrule_jit(W.w1_chainrule_jit, x),
              "autograd": _peer(W.autograd, lambda: lambda: W.w1_autograd(x)),
              "jax eager": _jax_eager(W.w1_jax, x),
              "jax jit": _jax_jit(W.w1_jax, x),
              "torch": _peer(W.torch, lambda: lambda: W.w1_torch(x))})]


def build_w2() -> list:
    x = W.W2_X
    return [Workload(
        "W2", "4th derivative of tanh written with exp, grad nested 4 times, at a float", 1000,
        forward=lambda: W.tanh_numpy(x), reference=lambda: W.w2_reference(x),
        runs={"chainrule": lambda: W.w2_chainrule(x),
              "chainrule-jit": _chainrule_jit(W.w2_chainrule_jit, x),
              "autograd": _peer(W.autograd, lambda: lambda: W.w2_autograd(x)),
              "jax eager": _jax_eager(W.w2_jax, x),
              "jax jit": _jax_jit(W.w2_jax, x),
              "torch": _peer(W.torch, lambda: lambda: W.w2_torch(x))},
        notes={"torch": "torch.func.grad nested 4 times"})]


def _build_mlp(key: str, title: str, target: float, sizes: tuple, seed: int) -> list:
    params, inputs, targets = W.mlp_data(*sizes, seed=seed)
    jax_args = _jax_arrays((params, inputs, targets))

    def torch_call() -> Callable[[], Any]:
        leaves = tuple(W.leaf(p) for p in params)
        X, T = W.tensor(inputs), W.tensor(targets)
        return lambda: W.mlp_torch(leaves, X, T)

    return [Workload(
        key, title, target,
        forward=lambda: W.mlp_loss_numpy(params, inputs, targets),
        reference=lambda: W.mlp_reference(params, inputs, targets),
        runs={"chainrule": lambda: W.mlp_chainrule(params, inputs, targets),
              "chainrule-jit": _chainrule_jit(W.mlp_chainrule_jit, params, inputs, targets),
              "autograd": _peer(W.autograd, lambda: lambda: W.mlp_autograd(params, inputs, targets)),
              "jax eager": _jax_eager(W.mlp_jax, *(jax_args or ())),
              "jax jit": _jax_jit(W.mlp_jax, *(jax_args or ())),
              "torch": _peer(W.torch, torch_call)})]


def build_w3() -> list:
    return _build_mlp("W3", "MLP loss gradient (all weights): 10 -> 32 tanh -> 1, batch 32, MSE",
                      10, (10, 32, 1, 32), seed=3)


def build_w4() -> list:
    return _build_mlp("W4", "MLP loss gradient (all weights): 1000 -> 1000 tanh -> 1, batch 1000",
                      2.0, (1000, 1000, 1, 1000), seed=4)


def build_w5() -> list:
    y0 = W.W5_Y0
    return [Workload(
        "W5", "10,000-step chain y = sin(y) * 0.99 + 0.01, d y_end / d y_0", 50,
        forward=lambda: W.chain_numpy(y0), reference=lambda: W.chain_reference(y0),
        runs={"chainrule": lambda: W.chain_chainrule(y0),
              "chainrule-jit": _chainrule_jit(W.chain_chainrule_jit, y0, 10_000),
              "autograd": _peer(W.autograd, lambda: lambda: W.chain_autograd_grad(y0)),
              "jax eager": _jax_eager(W.chain_jax_grad, y0),
              "jax jit": _jax_jit(W.chain_jax_loop_grad, y0),
              "torch": _peer(W.torch, lambda: lambda: W.chain_torch_grad(y0))},
        notes={"jax jit": "lax.fori_loop (a 10,000-step Python loop is unrolled by jit)"})]


def build_w6() -> list:
    A, x = W.w6_data()
    jax_args = _jax_arrays((x, A))
    torch_args = (W.tensor(x), W.tensor(A)) if W.torch else None
    return [Workload(
        "W6", "Hessian of sum(tanh(A x)), x in R^100", 80,
        forward=lambda: W.w6_numpy(x, A), reference=lambda: W.w6_reference(x, A),
        runs={"chainrule": lambda: W.w6_chainrule(x, A),
              "chainrule-jit": _chainrule_jit(W.w6_chainrule_jit, x, A),
              "autograd": _peer(W.autograd, lambda: lambda: W.w6_autograd_hessian(x, A)),
              "jax eager": _jax_eager(W.w6_jax_hessian, *(jax_args or ())),
              "jax jit": _jax_jit(W.w6_jax_hessian, *(jax_args or ())),
              "torch": _peer(W.torch, lambda: lambda: W.w6_torch_hessian(*torch_args))},
        notes={"torch": "torch.func.hessian"})]


def build_w7() -> list:
    B, x = W.w7_data()
    jax_args = _jax_arrays((x, B))
    torch_args = (W.tensor(x), W.tensor(B)) if W.torch else None
    autograd_spelling = {"fwd": (W.w7_autograd_fwd, "make_jvp, one JVP per column"),
                         "rev": (W.w7_autograd_rev, "autograd.jacobian")}
    built = []
    for mode in ("fwd", "rev"):
        autograd_jacobian, autograd_note = autograd_spelling[mode]
        built.append(Workload(
            f"W7 {mode}", f"100 x 100 Jacobian of tanh(B x) + sin(x), {mode} mode", 50,
            forward=lambda: W.w7_numpy(x, B), reference=lambda: W.w7_reference(x, B),
            runs={"chainrule": functools.partial(W.w7_chainrule, x, B, mode),
                  "chainrule-jit": _chainrule_jit(functools.partial(W.w7_chainrule_jit, mode),
                                                  x, B),
                  "autograd": _peer(W.autograd, lambda f=autograd_jacobian: functools.partial(f, x, B)),
                  "jax eager": _jax_eager(W.w7_jax_jacobian, *(jax_args or ()), mode=mode),
                  "jax jit": _jax_jit(W.w7_jax_jacobian, *(jax_args or ()), mode=mode),
                  "torch": _peer(W.torch, lambda m=mode: lambda: W.w7_torch_jacobian(*torch_args, m))},
            notes={"autograd": autograd_note, "torch": f"torch.func.jac{mode}"}))
    return built


def build_w8() -> list:
    params, inputs, targets = W.w8_data()
    jax_args = _jax_arrays((params, inputs, targets))
    torch_args = ((tuple(W.tensor(p) for p in params), W.tensor(inputs), W.tensor(targets))
                  if W.torch else None)
    title = "per-example gradients of the W3 MLP, batch 256"
    return [
        Workload(
            "W8", title + ": vmap(grad)", None, ahead_of="torch",
            forward=lambda: W.mlp_loss_numpy(params, inputs, targets),
            reference=lambda: W.w8_reference(params, inputs, targets),
            runs={"chainrule": lambda: W.w8_chainrule(params, inputs, targets),
                  "chainrule-jit": _chainrule_jit(W.w8_chainrule_jit, params, inputs, targets),
                  "autograd": "no vmap",
                  "jax eager": _jax_eager(W.w8_jax, *(jax_args or ())),
                  "jax jit": _jax_jit(W.w8_jax, *(jax_args or ())),
                  "torch": _peer(W.torch, lambda: lambda: W.w8_torch(*torch_args))},
            notes={"chainrule": "cr.vmap(cr.grad(loss), in_axes=(None, 0, 0))",
                   "jax eager": "jax.vmap(jax.grad)", "torch": "torch.func.vmap(grad)"}),
        Workload(
            "W8 loop", title + ": a Python loop of grad", None,
            forward=lambda: W.mlp_loss_numpy(params, inputs, targets),
            reference=lambda: W.w8_reference(params, inputs, targets),
            runs={"chainrule": lambda: W.w8_chainrule_loop(params, inputs, targets)},
            notes={"chainrule": "256 calls of cr.grad, stacked"}),
    ]


BUILDERS = {"W1": build_w1, "W2": build_w2, "W3": build_w3, "W4": build_w4,
            "W5": build_w5, "W6": build_w6, "W7": build_w7, "W8": build_w8}


# -- the table --------------------------------------------------------------------------


def first_line(error: BaseException) -> str:
    return first_line_of(f"{type(error).__name__}: {error}")


def first_line_of(message: str) -> str:
    return message.strip().splitlines()[0] if message.strip() else ""


def run_workload(workload: Workload, args: argparse.Namespace, warnings: list) -> list:
    """Time and check one workload; print its block of the table; return its records."""
    repeats, min_time, budget = (3, 0.02, 1.0) if args.quick else (7, 0.1, 3.0)
    print(f"\n{workload.key:<8}{workload.title}\n{'':<21}{'best':>10}{'ratio':>10}{'median':>11}",
          flush=True)
    forward = Sampler(workload.forward, min_time)
    for _ in range(repeats):
        forward.sample()
    reference = workload.reference()
    chainrule_result = None
    records = [{"workload": workload.key, "library": "numpy"}]
    for library in LIBRARIES:
        call = workload.runs.get(library, NOT_INSTALLED)
        record = {"workload": workload.key, "library": library}
        records.append(record)
        if not callable(call):
            record["status"] = call
            continue
        try:
            timing = measure_alternating(call, forward, repeats, min_time, budget)
        except Exception as error:  # a failing library must not stop the others
            record.update(status="error", error=f"{type(error).__name__}: {error}")
            warnings.append(f"{workload.key} {LABELS[library]}: {first_line(error)}")
            continue
        if library == "torch":  # measure again after a stall of MKL's threads (torch_stall)
            for _ in range(2):
                if not torch_stall():
                    break
                time.sleep(1.0)
                timing.samples += measure_alternating(call, forward, repeats, min_time,
                                                      budget).samples
            stall = torch_stall()
            if stall:
                record["mkl_stall_seconds"] = stall
                warnings.append(f"{workload.key} PyTorch: a tiny matmul still takes "
                                f"{format_time(stall)} after the row (MKL thread stall on this "
                                "machine): its time is not representative. Set MKL_NUM_THREADS=1 "
                                "or rerun.")
        record.update(status="ok", seconds=timing.best,
                      median_seconds=statistics.median(timing.samples),
                      first_call_seconds=timing.first, repeats=len(timing.samples),
                      calls_per_repeat=timing.number)
        if library == "chainrule":
            chainrule_result = timing.result
        checks = [("reference", reference)]
        if library != "chainrule" and chainrule_result is not None:
            checks.insert(0, ("chainrule", chainrule_result))
        for against, expected in checks:
            problem = mismatch(timing.result, expected)
            if problem:
                record.setdefault("mismatch", {})[against] = problem
                warnings.append(f"{workload.key} {LABELS[library]} disagrees with {against}: {problem}")

    records[0].update(status="ok", seconds=forward.best,
                      median_seconds=statistics.median(forward.samples),
                      repeats=len(forward.samples), calls_per_repeat=forward.number)
    print(f"       {LABELS['numpy']:<14}{format_time(forward.best):>10}{'':>10}"
          f"{format_time(records[0]['median_seconds']):>11}")
    for record in records[1:]:
        library = record["library"]
        label = f"       {LABELS[library]:<14}"
        if record["status"] == "error":
            print(f"{label}{'error':>10}   {first_line_of(record['error'])}")
            continue
        if record["status"] != "ok":
            print(f"{label}{record['status']:>10}")
            continue
        record["ratio"] = ratio = record["seconds"] / forward.best
        line = (f"{label}{format_time(record['seconds']):>10}{format_ratio(ratio):>10}"
                f"{format_time(record['median_seconds']):>11}")
        if library == "chainrule" and workload.ahead_of is not None:
            peer = next(r for r in records if r["library"] == workload.ahead_of)
            if peer.get("status") == "ok":  # beat the peer's time, measured in this run
                record.update(target=peer["seconds"] / forward.best,
                              target_met=record["seconds"] < peer["seconds"])
                line += (f"   target < {LABELS[workload.ahead_of]:<9}"
                         f"{'met' if record['target_met'] else 'MISSED'}")
        elif library == "chainrule" and workload.target is not None:
            record.update(target=workload.target, target_met=ratio <= workload.target)
            line += (f"   target <= {format_ratio(workload.target):<7}"
                     f"{'met' if record['target_met'] else 'MISSED'}")
        remarks = [f"WRONG vs {against}" for against in record.get("mismatch", {})]
        if "mkl_stall_seconds" in record:
            remarks.append("MKL thread stall, see warnings")
        if library == "chainrule-jit":
            record["compile_seconds"] = getattr(workload.runs[library], "compile_seconds",
                                                record["first_call_seconds"])
            remarks.append(f"first call (trace + compile) {format_time(record['compile_seconds'])}")
        if library == "jax jit":
            remarks.append(f"first call (trace + compile) {format_time(record['first_call_seconds'])}")
        if library == "chainrule-jit" and workload.key in JIT_TARGETS:
            target = JIT_TARGETS[workload.key]
            record.update(target=target, target_met=ratio <= target)
            remarks.append(f"target <= {format_ratio(target)} {'met' if ratio <= target else 'MISSED'}")
        if workload.notes.get(library):
            remarks.append(workload.notes[library])
        print(line + ("   " + "; ".join(remarks) if remarks else ""))
    return records


# -- W5, 100,000 steps: peak memory in a fresh process per library ------------------------

MEMORY_LIBRARIES = ("numpy", "chainrule", "autograd", "jax jit", "torch")
PEER_MODULES = {"autograd": "autograd", "jax jit": "jax", "torch": "torch"}


def memory_child(library: str) -> None:
    """In a fresh process: the 100,000-step W5 gradient with one library; prints JSON."""
    global W
    for name in set(PEER_MODULES.values()) - {PEER_MODULES.get(library)}:
        sys.modules[name] = None  # keep the other peers out of this process
    import workloads

    W = workloads
    module = {"numpy": np, "chainrule": np, "autograd": W.autograd, "jax jit": W.jax,
              "torch": W.torch}[library]
    if module is None:
        print(json.dumps({"status": NOT_INSTALLED}))
        return
    y0, steps = W.W5_Y0, W5_MEMORY_STEPS
    if library == "numpy":
        call = lambda: W.chain_numpy(y0, steps)  # noqa: E731  the forward only
    elif library == "chainrule":
        call = lambda: W.chain_chainrule(y0, steps)  # noqa: E731
    elif library == "autograd":
        call = lambda: W.chain_autograd_grad(y0, steps)  # noqa: E731
    elif library == "torch":
        call = lambda: W.chain_torch_grad(y0, steps)  # noqa: E731
    else:  # compiled ahead of time, before the baseline: compile memory is not counted
        compiled = W.jax.jit(functools.partial(W.chain_jax_loop_grad, steps=steps)).lower(y0).compile()
        call = lambda: W.jax.block_until_ready(compiled(y0))  # noqa: E731
    gc.collect()
    baseline = rss_baseline_mb()
    start = time.perf_counter()
    result = call()
    seconds = time.perf_counter() - start
    peak = peak_rss_mb()
    print(json.dumps({"status": "ok", "baseline_mb": baseline, "peak_mb": peak,
                      "delta_mb": peak - baseline, "seconds": seconds,
                      "result": float(to_numpy(result))}))


def run_w5_memory(warnings: list) -> list:
    print(f"\n{'W5 mem':<7}{W5_MEMORY_STEPS:,}-step chain, one fresh process per library: peak RSS "
          "during the call minus RSS just before it (after imports and setup)")
    records, results = [], {}
    for library in MEMORY_LIBRARIES:
        record = {"workload": "W5 mem", "library": library}
        records.append(record)
        label = f"       {LABELS[library]:<14}"
        child = None
        try:
            child = subprocess.run(
                [sys.executable, os.path.abspath(__file__), "--memory-child", library],
                capture_output=True, text=True, timeout=300)
            reply = json.loads(child.stdout.strip().splitlines()[-1])
        except Exception as error:
            stderr = child.stderr.strip().splitlines() if child is not None else []
            message = stderr[-1] if stderr else first_line(error)
            record.update(status="error", error=message)
            print(f"{label}{'error':>10}   {message}")
            warnings.append(f"W5 mem {LABELS[library]}: {message}")
            continue
        record.update(reply)
        if reply["status"] != "ok":
            print(f"{label}{reply['status']:>10}")
            continue
        results[library] = reply["result"]
        line = f"{label}{reply['delta_mb']:>7.1f} MB   time {format_time(reply['seconds'])}"
        if library == "numpy":
            line += "   (forward only, for scale)"
        if library == "chainrule":
            met = reply["delta_mb"] < W5_MEMORY_TARGET_MB
            record.update(target_mb=W5_MEMORY_TARGET_MB, target_met=met)
            line += f"   target < {W5_MEMORY_TARGET_MB:.0f} MB  {'met' if met else 'MISSED'}"
        if library == "jax jit":
            line += "   lax.fori_loop, compiled before the baseline"
        if library not in ("numpy", "chainrule") and "chainrule" in results:
            problem = mismatch(reply["result"], results["chainrule"])
            if problem:
                line += "   WRONG vs chainrule"
                warnings.append(f"W5 mem {LABELS[library]} disagrees with chainrule: {problem}")
        print(line)
    if W.jax is None:
        print(f"       {'JAX eager':<14}{NOT_INSTALLED:>10}")
    else:
        print(f"       {'JAX eager':<14}{'not run':>10}   a {W5_MEMORY_STEPS:,}-step Python loop in "
              "JAX eager takes ~10x its 10,000-step time above")
    return records


# -- main ----------------------------------------------------------------------------------


def torch_stall() -> float | None:
    """The time of a tiny PyTorch matmul when it shows MKL's thread stall, else None.

    On small virtual machines (seen on a 2-vCPU VM, with PyTorch's default
    threads) MKL's worker threads now and then go through a stretch of
    seconds in which every small matmul waits ~16 ms; PyTorch's times from
    such a stretch say nothing about PyTorch. MKL_NUM_THREADS=1 avoids it."""
    a = W.tensor(np.ones((32, 10)))
    b = W.tensor(np.ones((10, 32)))
    samples = []
    for _ in range(10):
        start = time.perf_counter()
        a @ b
        samples.append(time.perf_counter() - start)
    median = statistics.median(samples)
    return median if median > 1e-3 else None


def chainrule_commit(package_file: str) -> str:
    """" (git abc1234)" for a git checkout, with "+changes" when chainrule/ has any."""
    root = os.path.dirname(os.path.dirname(os.path.abspath(package_file)))
    try:
        commit = subprocess.run(["git", "-C", root, "rev-parse", "--short", "HEAD"],
                                capture_output=True, text=True, timeout=10).stdout.strip()
        changes = subprocess.run(["git", "-C", root, "status", "--porcelain", "chainrule"],
                                 capture_output=True, text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""
    return f" (git {commit}{'+changes' if changes else ''})" if commit else ""


def versions() -> dict:
    found = {"python": platform.python_version(), "numpy": np.__version__}
    import chainrule

    found["chainrule"] = chainrule.__version__ + chainrule_commit(chainrule.__file__)
    for name in ("autograd", "jax", "torch"):
        module = getattr(W, name)
        if module is None:
            found[name] = NOT_INSTALLED
        else:
            from importlib.metadata import version

            found[name] = version(name)
    return found


def summary(records: list, keys: list) -> None:
    print("\nSummary: derivative time / NumPy forward time (lower is better)")
    header = f"{'':<8}{'chainrule':>10}{'target':>9}{'':>8}" + "".join(
        f"{LABELS[library]:>11}" for library in LIBRARIES[1:])
    print(header)
    by_key = {(r["workload"], r["library"]): r for r in records}
    for key in keys:
        if key == "W5 mem":
            cells = []
            for library in LIBRARIES:
                r = by_key.get((key, library), {})
                status = r.get("status")
                cells.append(f"{r['delta_mb']:.0f} MB" if status == "ok" else
                             "not run" if library == "jax eager" and W.jax is not None else
                             {"error": "error", NOT_INSTALLED: "n/a"}.get(status, "-"))
            chain = by_key.get((key, "chainrule"), {})
            met = {True: "met", False: "MISSED"}.get(chain.get("target_met"), "")
            print(f"{key:<8}{cells[0]:>10}{f'< {W5_MEMORY_TARGET_MB:.0f} MB':>9}{met:>8}"
                  + "".join(f"{cell:>11}" for cell in cells[1:]))
            continue
        cells = []
        for library in LIBRARIES:
            r = by_key.get((key, library), {})
            status = r.get("status")
            cells.append(format_ratio(r["ratio"]) if status == "ok" else
                         {"error": "error", NOT_INSTALLED: "n/a"}.get(status, "-"))
        chain = by_key.get((key, "chainrule"), {})
        target = format_ratio(chain["target"]) if "target" in chain else ""
        met = {True: "met", False: "MISSED"}.get(chain.get("target_met"), "")
        print(f"{key:<8}{cells[0]:>10}{target:>9}{met:>8}" + "".join(f"{c:>11}" for c in cells[1:]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", help="comma-separated workloads, e.g. W3,W5 (default: all)")
    parser.add_argument("--quick", action="store_true", help="fewer and shorter repeats")
    parser.add_argument("--json", metavar="PATH", help="also write the results as JSON")
    parser.add_argument("--memory-child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.memory_child:
        memory_child(args.memory_child)
        return
    global W
    import workloads

    W = workloads

    chosen = list(BUILDERS)
    if args.only:
        chosen = [key.strip().upper() for key in args.only.split(",") if key.strip()]
        unknown = [key for key in chosen if key not in BUILDERS]
        if unknown:
            parser.error(f"unknown workload(s) {', '.join(unknown)}; choose from {', '.join(BUILDERS)}")

    info = versions()
    print("chainrule benchmarks: time of one derivative call, best and median of the repeats "
          "after a warm-up call;\n  ratio = best time / NumPy's best time for the forward "
          "evaluation of the same function (sampled alternately with the derivatives)")
    print("  " + ", ".join(f"{name} {ver}" for name, ver in info.items())
          + f"; {os.cpu_count()} CPUs; float64; {'--quick' if args.quick else 'full'} run")
    started = time.perf_counter()
    records, warnings, keys = [], [], []
    for key in chosen:
        for workload in BUILDERS[key]():
            keys.append(workload.key)
            records += run_workload(workload, args, warnings)
        if key == "W5":
            keys.append("W5 mem")
            records += run_w5_memory(warnings)
    summary(records, keys)
    elapsed = time.perf_counter() - started
    print(f"\n{len(warnings)} warning(s)" + (":" if warnings else "") + f"   (total {elapsed:.0f} s)")
    for warning in warnings:
        print(f"  WARNING {warning}")
    if args.json:
        with open(args.json, "w") as out:
            json.dump({"versions": info, "cpus": os.cpu_count(), "quick": args.quick,
                       "seconds": elapsed, "results": records, "warnings": warnings}, out, indent=1)
        print(f"results written to {args.json}")


if __name__ == "__main__":
    main()
