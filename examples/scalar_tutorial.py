"""The micrograd tutorial on chainrule's Scalar: the chain rule by hand, then by .backward().

1. A small expression, its gradients worked out by hand, one node at a time,
   compared with ``.backward()``.
2. What a Scalar remembers: ``.op``, ``.parents``, and the chainrule primitive
   whose reverse rule ``.backward()`` calls (the one ``cr.grad`` uses too).
3. The two exercise functions, their Scalar gradients checked against ``cr.grad``.
4. L = b (a + b)(a - b): gradients, and second derivatives from ``create_graph``.
5. Gradient descent on L, and on a bounded variant that has a minimum.

Run: python examples/scalar_tutorial.py
"""

import math
import pathlib
import sys
import tempfile

import numpy as np

import chainrule as cr
import chainrule.numpy as cnp
from chainrule import Scalar


def show(*nodes):
    for node in nodes:
        print(f"   {node.label:>2} = {node.data:9.4f}   grad {node.grad:9.4f}")


print("1. The chain rule by hand: L = (a*b + c) * f")
a, b = Scalar(2.0, label="a"), Scalar(-3.0, label="b")
c, f = Scalar(10.0, label="c"), Scalar(-2.0, label="f")
e = a * b; e.label = "e"
d = e + c; d.label = "d"
L = d * f; L.label = "L"
# Each step: a node's grad times the local derivative of the node w.r.t. each parent.
L.grad = 1.0
d.grad = f.data * L.grad  # L = d*f: dL/dd = f
f.grad = d.data * L.grad  #          dL/df = d
e.grad = 1.0 * d.grad     # d = e+c: dd/de = 1
c.grad = 1.0 * d.grad     #          dd/dc = 1
a.grad = b.data * e.grad  # e = a*b: de/da = b
b.grad = a.data * e.grad  #          de/db = a
by_hand = [node.grad for node in (a, b, c, d, e, f)]
print("   by hand:")
show(a, b, c, f, e, d, L)
L.backward()
print("   L.backward() gives the same:", [node.grad for node in (a, b, c, d, e, f)] == by_hand)
assert [node.grad for node in (a, b, c, d, e, f)] == by_hand

print("\n   A neuron: o = tanh(x1*w1 + x2*w2 + bias)")
x1, x2 = Scalar(2.0, label="x1"), Scalar(0.0, label="x2")
w1, w2 = Scalar(-3.0, label="w1"), Scalar(1.0, label="w2")
bias = Scalar(6.8813735870195432, label="b")
n = x1 * w1 + x2 * w2 + bias; n.label = "n"
o = n.tanh(); o.label = "o"
o_grad = 1.0
n_grad = (1.0 - o.data ** 2) * o_grad  # d tanh(n)/dn = 1 - tanh(n)**2
w1_by_hand, x1_by_hand = x1.data * n_grad, w1.data * n_grad
o.backward()
show(x1, w1, x2, w2, bias, n, o)
print(f"   by hand: dn = 1 - o^2 = {n_grad:.4f}, dw1 = x1 dn = {w1_by_hand:.4f}, "
      f"dx1 = w1 dn = {x1_by_hand:.4f}")
assert math.isclose(w1.grad, w1_by_hand) and math.isclose(x1.grad, x1_by_hand)

print("\n2. What a Scalar remembers")
print(f"   {e!r}: op {e.op!r}, parents {[p.label for p in e.parents]}")
print(f"   {o!r}: op {o.op!r}, parents {[p.label for p in o.parents]}")
print(f"   o's primitive is {o.primitive!r}, the same object as cnp.tanh: "
      f"{o.primitive is cnp.tanh}")
print(f"   np.sin(a) is a Scalar too: {np.sin(a)!r}, op {np.sin(a).op!r}")
assert o.primitive is cnp.tanh and e.primitive is cnp.multiply


def f_exercise(a, b):
    return (a ** 3 - b ** 2) * a - a * b


def g_exercise(a, b, c):
    return (a + b + c) * (-a + b + c) * (a - b + c) * (a + b - c)


print("\n3. The exercises: Scalar gradients against cr.grad")
for function, point in ((f_exercise, (2.0, 3.0)), (g_exercise, (1.5, 2.0, 3.0))):
    scalars = [Scalar(value) for value in point]
    function(*scalars).backward()
    by_scalar = tuple(s.grad for s in scalars)
    by_grad = cr.grad(function, argnums=tuple(range(len(point))))(*point)
    print(f"   {function.__name__}{point}:\n      Scalar  {by_scalar}\n"
          f"      cr.grad {tuple(float(v) for v in by_grad)}")
    assert np.allclose(by_scalar, by_grad, rtol=1e-12, atol=0)


def lagrangian(a, b):
    return b * ((a + b) * (a - b))


print("\n4. L = b (a + b)(a - b) = a^2 b - b^3 at (a, b) = (1, 2)")
a, b = Scalar(1.0, label="a"), Scalar(2.0, label="b")
lagrangian(a, b).backward(create_graph=True)
dL_da, dL_db = a.grad, b.grad
print(f"   dL/da = 2ab = {dL_da.data}, dL/db = a^2 - 3b^2 = {dL_db.data}")
dL_da.backward()
d2a = a.grad
dL_db.backward()
d2b = b.grad
print(f"   differentiating those again: d2L/da2 = 2b = {d2a}, d2L/db2 = -6b = {d2b}")
assert (dL_da.data, dL_db.data) == (4.0, -11.0) == cr.grad(lagrangian, argnums=(0, 1))(1.0, 2.0)
assert (d2a, d2b) == (4.0, -12.0)
assert d2a == cr.grad(cr.grad(lagrangian, 0), 0)(1.0, 2.0)


def descend(function, point, learning_rate, steps, every):
    a, b = Scalar(point[0]), Scalar(point[1])
    for step in range(steps + 1):
        loss = function(a, b)
        loss.backward()
        if step % every == 0:
            print(f"   step {step:3d}: (a, b) = ({a.data:8.5f}, {b.data:8.5f})  "
                  f"L = {loss.data:10.5f}  grad ({a.grad:9.5f}, {b.grad:9.5f})")
        if step < steps:
            a.data -= learning_rate * a.grad
            b.data -= learning_rate * b.grad
    return a, b, loss


print("\n5. Gradient descent on L from (1, 2)")
print("   L = a^2 b - b^3 has no minimum: along a = 0 it is -b^3, which falls without")
print("   bound as b grows. Ten small steps show L falling; run longer and b runs off.")
_, _, loss = descend(lagrangian, (1.0, 2.0), 0.01, 10, 2)
assert loss.data < lagrangian(1.0, 2.0)


def bounded(a, b):
    return lagrangian(a, b) + 0.25 * (a * a + b * b) ** 2


print("\n   Adding (a^2 + b^2)^2 / 4 bounds it below. Its stationary points are (0, 0),")
print("   (+-sqrt(5)/3, -1/3) and (0, 3); the least, L = -27/4 = -6.75, is at (0, 3).")
print("   Gradient descent from (1, 2) finds it:")
a, b, loss = descend(bounded, (1.0, 2.0), 0.05, 60, 10)
assert np.allclose((a.data, b.data, loss.data), (0.0, 3.0, -6.75), atol=1e-9)


# -- 6. The pictures: the graph before and after backward, and the descent on L --------------

folder = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else tempfile.mkdtemp())
folder.mkdir(parents=True, exist_ok=True)
a, b, c = Scalar(2.0, label="a"), Scalar(-3.0, label="b"), Scalar(10.0, label="c")
e = a * b
e.label = "e"
d = e + c
d.label = "d"
L = d * Scalar(-2.0, label="f")
L.label = "L"
for moment in ("before", "after"):
    if moment == "after":
        L.backward()
    try:
        path = cr.draw(L).render(folder / f"scalar_{moment}.svg")
        print(f"\n6. The graph {moment} backward(): saved {path}")
    except (ImportError, RuntimeError) as error:  # graphviz or its dot program missing
        print(f"\n6. The graph {moment} backward() was not drawn: {error}")

try:
    starts = np.random.default_rng(0).uniform(-2.0, 2.0, (50, 2))
    picture = folder / "descent_on_L.png"
    cr.plot.trajectories(lambda a, b: b * ((a + b) * (a - b)), starts, steps=6, lr=0.05,
                         xlim=(-3.0, 3.0), ylim=(-3.0, 3.0), save=str(picture))
    print(f"   The gradient field of L and 50 descent paths: saved {picture}")
except ImportError as error:  # matplotlib missing
    print(f"   The descent picture was not drawn: {error}")
