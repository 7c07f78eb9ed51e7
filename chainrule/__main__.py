"""The command line: ``python -m chainrule demo`` prints the worked examples
with their derivatives; ``python -m chainrule rules`` lists every primitive
with the modes it supports.
"""

from __future__ import annotations

import argparse
import math
import sys

import numpy as np

import chainrule as cr


def taylor_sin(x: float, terms: int = 20) -> float:
    """sin(x) from its Taylor series, written as a plain Python loop."""
    total, term = 0.0, x
    for n in range(terms):
        total = total + term
        term = -term * x * x / ((2 * n + 2) * (2 * n + 3))
    return total


def demo() -> None:
    """Print the worked examples and their derivatives."""
    print("chainrule demo: exact derivatives of plain Python + NumPy code\n")

    print("1. grad(np.tanh)(1.0)")
    print(f"   = {cr.grad(np.tanh)(1.0):.15f}   (1 - tanh(1)^2 = {1 - math.tanh(1.0) ** 2:.15f})\n")

    print("2. Derivatives of tanh at 0.5 by nesting grad")
    f = np.tanh
    for order in range(1, 7):
        f = cr.grad(f)
        print(f"   order {order}: {f(0.5): .15f}")
    print()

    print("3. sin(x) as a 20-term Taylor series through a Python loop, at x = 1.3")
    print(f"   d/dx   = {cr.grad(taylor_sin)(1.3): .15f}   cos(1.3)  = {math.cos(1.3): .15f}")
    print(f"   d2/dx2 = {cr.grad(cr.grad(taylor_sin))(1.3): .15f}   -sin(1.3) = {-math.sin(1.3): .15f}\n")

    def f2(x1, x2):
        return np.exp(2 * x1) + x1 * x2**2 + np.cos(x2)

    print("4. f(x1, x2) = exp(2 x1) + x1 x2^2 + cos(x2) at (1, 2)")
    reverse = cr.grad(f2, argnums=(0, 1))(1.0, 2.0)
    forward = cr.jacfwd(f2, argnums=(0, 1))(1.0, 2.0)
    print(f"   reverse mode: {tuple(round(float(v), 12) for v in reverse)}")
    print(f"   forward mode: {tuple(round(float(v), 12) for v in forward)}")
    print(f"   exact:        ({2 * math.exp(2) + 4:.12f}, {4 - math.sin(2):.12f})\n")

    def lagrangian(a, b):
        return b * ((a + b) * (a - b))

    print("5. L(a, b) = b (a + b)(a - b) at (a, b) = (1, 2)")
    print(f"   gradient:            {cr.grad(lagrangian, argnums=(0, 1))(1.0, 2.0)}")
    second = (cr.grad(cr.grad(lagrangian, 0), 0)(1.0, 2.0),
              cr.grad(cr.grad(lagrangian, 1), 1)(1.0, 2.0))
    print(f"   d2L/da2, d2L/db2:    {second}")
    hessian = cr.hessian(lambda v: lagrangian(v[0], v[1]))(np.array([1.0, 2.0]))
    print(f"   Hessian:             {hessian.tolist()}\n")

    print("6. A Jacobian and a Hessian-vector product on arrays")
    x = np.array([0.1, 0.2, 0.3])
    print(f"   jacobian(np.sin)(x) diagonal = {np.diag(cr.jacobian(np.sin)(x)).round(6)}")
    print(f"   hvp(sum(x^3), x, [1,0,0])     = {cr.hvp(lambda x: np.sum(x ** 3), x, np.array([1.0, 0, 0]))}")


def rules() -> None:
    """Print every primitive of the NumPy layer with the modes it supports."""
    from chainrule.numpy.wrap import PRIMITIVES

    print(f"{'primitive':<32} forward  reverse")
    for name in sorted(PRIMITIVES):
        modes = PRIMITIVES[name].modes
        if modes == ("nondiff",):
            print(f"{name:<32} {'zero (not differentiable)':<17}")
        else:
            marks = ["yes" if mode in modes else "NO" for mode in ("forward", "reverse")]
            print(f"{name:<32} {marks[0]:<8} {marks[1]}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m chainrule",
                                     description="chainrule's command line")
    commands = parser.add_subparsers(dest="command")
    commands.add_parser("demo", help="print the worked examples with their derivatives")
    commands.add_parser("rules", help="list every primitive and the modes it supports")
    args = parser.parse_args(argv)
    if args.command == "demo":
        demo()
        return 0
    if args.command == "rules":
        rules()
        return 0
    parser.print_help()
    return 0


if __name__ == "__main__":
    sys.exit(main())
