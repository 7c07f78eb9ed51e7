"""Forward mode from scratch: a dual number a + b·ε with ε² = 0 carries a value
and its derivative through every operation. chainrule's ``cr.jvp`` does the
same (with any order, arrays and many more operations); here both run on one
function and give the same numbers.

Run: python examples/dual_numbers.py [directory for the picture]
"""

import math
import pathlib
import sys
import tempfile

import numpy as np

import chainrule as cr


class Dual:
    """value + tangent·ε, with ε² = 0: (a + bε)(c + dε) = ac + (ad + bc)ε."""

    def __init__(self, value, tangent=0.0):
        self.value, self.tangent = value, tangent

    @staticmethod
    def lift(x):
        return x if isinstance(x, Dual) else Dual(x)

    def __add__(self, other):
        other = Dual.lift(other)
        return Dual(self.value + other.value, self.tangent + other.tangent)

    def __sub__(self, other):
        other = Dual.lift(other)
        return Dual(self.value - other.value, self.tangent - other.tangent)

    def __mul__(self, other):
        other = Dual.lift(other)
        return Dual(self.value * other.value,
                    self.value * other.tangent + self.tangent * other.value)

    def __truediv__(self, other):
        other = Dual.lift(other)
        return Dual(self.value / other.value, (self.tangent * other.value
                                               - self.value * other.tangent) / other.value ** 2)

    __radd__, __rmul__ = __add__, __mul__

    def __rsub__(self, other):
        return Dual.lift(other) - self

    def __rtruediv__(self, other):
        return Dual.lift(other) / self

    # np.sin(d) on a Python object calls d.sin(): the same f runs on Duals and on tracers
    def sin(self):
        return Dual(math.sin(self.value), math.cos(self.value) * self.tangent)

    def cos(self):
        return Dual(math.cos(self.value), -math.sin(self.value) * self.tangent)

    def exp(self):
        return Dual(math.exp(self.value), math.exp(self.value) * self.tangent)


def f(x):
    return np.sin(x) * np.exp(x) / (1 + x * x) - 3 * np.cos(2 * x) + 1 / (2 + np.sin(x))


if __name__ == "__main__":
    out = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else tempfile.mkdtemp(prefix="chainrule-"))
    print(f"{'x':>6} {'Dual value':>20} {'Dual tangent':>20} {'cr.jvp tangent':>20}")
    for x in [-1.5, 0.0, 0.5, 2.0, 3.7]:
        dual = f(Dual(x, 1.0))                       # seed the tangent dx/dx = 1
        value, tangent = cr.jvp(f, (x,), (1.0,))
        print(f"{x:6.2f} {dual.value:20.15f} {dual.tangent:20.15f} {tangent:20.15f}")
        assert abs(dual.value - value) <= 1e-14 * max(1.0, abs(value))
        assert abs(dual.tangent - tangent) <= 1e-14 * max(1.0, abs(tangent))
    print("the hand-written dual numbers and cr.jvp agree to rounding")

    path = out / "dual_numbers_tangent.png"
    cr.plot.tangent(f, 0.5, xlim=(-2, 3), h=0.4, save=str(path))
    print(f"saved {path}")
