"""A tiny neural-net library over :class:`~chainrule.Scalar`: Neuron, Layer, MLP.

The shape of micrograd's ``nn``, on chainrule's engine. Weights start uniform
in [-1, 1) from ``np.random.default_rng(seed)``, so a model is reproducible.

>>> model = cr.nn.MLP(2, [4, 4, 1], seed=0)
>>> len(model.parameters())     # (2 + 1) * 4 + (4 + 1) * 4 + (4 + 1) * 1
37
"""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from .scalar import Scalar

Seed = int | np.random.Generator


class Module:
    """Anything with parameters: ``zero_grad()`` resets their grads.

    >>> neuron = cr.nn.Neuron(2); neuron.zero_grad(); neuron.b.grad
    0.0
    """

    def parameters(self) -> list[Scalar]:
        return []

    def zero_grad(self) -> None:
        for parameter in self.parameters():
            parameter.grad = 0.0


class Neuron(Module):
    """``relu(w . x + b)``, or ``w . x + b`` with ``nonlin=False``.

    >>> cr.nn.Neuron(3, nonlin=False, seed=1)([1.0, 2.0, 3.0]).op
    '+'
    """

    def __init__(self, nin: int, nonlin: bool = True, seed: Seed = 0):
        rng = np.random.default_rng(seed)  # a Generator passed in is used as it is
        self.w = [Scalar(w, label=f"w{i}") for i, w in enumerate(rng.uniform(-1, 1, nin))]
        self.b = Scalar(0.0, label="b")
        self.nonlin = nonlin

    def __call__(self, x: Sequence[Any]) -> Scalar:
        activation = sum((wi * xi for wi, xi in zip(self.w, x)), self.b)
        return activation.relu() if self.nonlin else activation

    def parameters(self) -> list[Scalar]:
        return self.w + [self.b]

    def __repr__(self) -> str:
        return f"{'ReLU' if self.nonlin else 'Linear'}Neuron({len(self.w)})"


class Layer(Module):
    """``nout`` neurons reading the same inputs; one output is returned unwrapped.

    >>> len(cr.nn.Layer(2, 3)([1.0, -1.0]))
    3
    """

    def __init__(self, nin: int, nout: int, nonlin: bool = True, seed: Seed = 0):
        rng = np.random.default_rng(seed)
        self.neurons = [Neuron(nin, nonlin, rng) for _ in range(nout)]

    def __call__(self, x: Sequence[Any]) -> Any:
        out = [neuron(x) for neuron in self.neurons]
        return out[0] if len(out) == 1 else out

    def parameters(self) -> list[Scalar]:
        return [p for neuron in self.neurons for p in neuron.parameters()]

    def __repr__(self) -> str:
        return f"Layer of [{', '.join(str(neuron) for neuron in self.neurons)}]"


class MLP(Module):
    """Layers of sizes ``nouts`` after ``nin`` inputs; ReLU between them, linear last.

    >>> cr.nn.MLP(2, [3, 1])
    MLP of [Layer of [ReLUNeuron(2), ReLUNeuron(2), ReLUNeuron(2)], Layer of [LinearNeuron(3)]]
    """

    def __init__(self, nin: int, nouts: Sequence[int], seed: Seed = 0):
        rng = np.random.default_rng(seed)
        sizes = [nin] + list(nouts)
        self.layers = [Layer(sizes[i], sizes[i + 1], nonlin=i != len(nouts) - 1, seed=rng)
                       for i in range(len(nouts))]

    def __call__(self, x: Sequence[Any]) -> Any:
        for layer in self.layers:
            x = layer(x)
        return x

    def parameters(self) -> list[Scalar]:
        return [p for layer in self.layers for p in layer.parameters()]

    def __repr__(self) -> str:
        return f"MLP of [{', '.join(str(layer) for layer in self.layers)}]"
