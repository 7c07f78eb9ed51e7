"""First-order optimisers, for step-wise use in custom training loops (and
driven in a loop by ``minimize(..., method="adam")``).

Each is a small class named after its method, with the optax-style pair
``init(params) -> state`` and ``update(grads, state, params) -> (new_params,
new_state)``. Both are pure: they build new arrays and never write into the
caller's. ``params`` is any pytree (dicts of weight matrices, tuples,
namedtuples); the state holds pytrees of the same structure. The updates are
written with NumPy operations, so they run on traced values too (a step can
itself be differentiated).

Every optimiser takes ``lr`` (a number or a schedule ``step -> rate``, see
``schedules.py``) and ``clip_norm`` (rescale the gradient whenever its global
norm, over all leaves, exceeds it).
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from ..arguments import describe_tree, leaf_paths
from ..core import base_value, flatten, unflatten
from .schedules import LearningRate, as_schedule


class State(NamedTuple):
    """An optimiser's state: the number of updates made, and its moment pytrees
    (``None`` where a method keeps none).

    >>> cr.optimize.Momentum(lr=0.1).init({"w": np.ones(2)})
    State(step=0, first={'w': array([0., 0.])}, second=None)
    """

    step: int
    first: Any = None   # momentum / first moment, shaped like params
    second: Any = None  # squared-gradient average or sum, shaped like params


def global_norm(tree: Any) -> Any:
    """The Euclidean norm of all leaves of ``tree`` together.

    >>> cr.optimize.global_norm({"a": np.array([3.0]), "b": 4.0})
    5.0
    """
    leaves = flatten(tree)[0]
    return np.sqrt(sum(np.sum(leaf * leaf) for leaf in leaves)) if leaves else 0.0


class Optimizer:
    """The shared part: the learning rate (schedule), gradient clipping, and the
    checks that ``grads`` fit ``params``. Subclasses define ``_leaf_update``.

    >>> isinstance(cr.optimize.Adam(lr=0.1), cr.optimize.Optimizer)
    True
    """

    uses_first = False
    uses_second = False

    def __init__(self, lr: LearningRate, clip_norm: float | None = None):
        self.lr = lr
        self.schedule = as_schedule(lr)
        if clip_norm is not None and not clip_norm > 0:
            raise ValueError(f"clip_norm must be a positive number (or None), not {clip_norm!r}")
        self.clip_norm = clip_norm

    def __repr__(self) -> str:
        fields = ", ".join(f"{k}={v!r}" for k, v in vars(self).items() if k != "schedule")
        return f"{type(self).__name__}({fields})"

    def init(self, params: Any) -> State:
        """The state before the first update: step 0 and zero moments.

        >>> cr.optimize.Adam(lr=0.1).init({"w": np.ones(2)}).step
        0
        """
        leaves, tree = flatten(params)
        zeros = (lambda: unflatten(tree, [np.zeros_like(base_value(leaf)) * 1.0
                                          for leaf in leaves]))
        return State(0, zeros() if self.uses_first else None,
                     zeros() if self.uses_second else None)

    def update(self, grads: Any, state: State, params: Any) -> tuple[Any, State]:
        """One step: ``(new_params, new_state)``; ``params`` and ``state`` are left as they were.

        >>> opt = cr.optimize.SGD(lr=0.1)
        >>> opt.update({"w": np.array([1.0, -2.0])}, opt.init({"w": np.zeros(2)}),
        ...            {"w": np.zeros(2)})[0]
        {'w': array([-0.1,  0.2])}
        """
        param_leaves, tree = flatten(params)
        grad_leaves = self._check(grads, tree, param_leaves)
        if not isinstance(state, State):
            raise TypeError(f"{type(self).__name__}.update needs the state from init(params) "
                            f"or from the previous update, not a {type(state).__name__}")
        if self.clip_norm is not None:
            norm = global_norm(grad_leaves)
            scale = np.minimum(1.0, self.clip_norm / np.maximum(norm, 1e-300))
            grad_leaves = [g * scale for g in grad_leaves]
        step = state.step
        lr = self.schedule(step)
        firsts = flatten(state.first)[0] if self.uses_first else [None] * len(grad_leaves)
        seconds = flatten(state.second)[0] if self.uses_second else [None] * len(grad_leaves)
        new_params, new_firsts, new_seconds = [], [], []
        for p, g, m, v in zip(param_leaves, grad_leaves, firsts, seconds):
            p, m, v = self._leaf_update(p, g, m, v, lr, step + 1)
            new_params.append(p)
            new_firsts.append(m)
            new_seconds.append(v)
        return unflatten(tree, new_params), State(
            step + 1,
            unflatten(tree, new_firsts) if self.uses_first else None,
            unflatten(tree, new_seconds) if self.uses_second else None)

    def _check(self, grads: Any, tree: Any, param_leaves: list) -> list:
        grad_leaves, grad_tree = flatten(grads)
        name = type(self).__name__
        if grad_tree != tree:
            raise ValueError(f"{name}.update: the gradients have structure "
                             f"{describe_tree(grad_tree)} but the parameters have "
                             f"{describe_tree(tree)}; pass grads shaped like params, e.g. "
                             "grads = cr.grad(loss)(params).")
        for path, g, p in zip(leaf_paths(tree, "params"), grad_leaves, param_leaves):
            if np.shape(base_value(g)) != np.shape(base_value(p)):
                raise ValueError(f"{name}.update: the gradient of {path} has shape "
                                 f"{np.shape(base_value(g))}, the parameter "
                                 f"{np.shape(base_value(p))}; they must match.")
        return grad_leaves

    def _leaf_update(self, p: Any, g: Any, m: Any, v: Any, lr: float, t: int) -> tuple:
        raise NotImplementedError(f"{type(self).__name__} defines no update rule")


class SGD(Optimizer):
    """Plain gradient descent: ``p - lr * g`` (``minimize(method="gd")``).

    >>> cr.optimize.SGD(lr=0.5).update(2.0, cr.optimize.SGD(0.5).init(1.0), 1.0)[0]
    0.0
    """

    def __init__(self, lr: LearningRate = 0.01, clip_norm: float | None = None):
        super().__init__(lr, clip_norm)

    def _leaf_update(self, p, g, m, v, lr, t):
        return p - lr * g, None, None


class Momentum(Optimizer):
    """Heavy ball: ``m = momentum * m + g; p - lr * m`` (PyTorch's form).

    >>> opt = cr.optimize.Momentum(lr=1.0, momentum=0.5)
    >>> p, state = opt.update(1.0, opt.init(0.0), 0.0)
    >>> opt.update(1.0, state, p)[0]
    -2.5
    """

    uses_first = True

    def __init__(self, lr: LearningRate = 0.01, momentum: float = 0.9,
                 clip_norm: float | None = None):
        super().__init__(lr, clip_norm)
        self.momentum = momentum

    def _leaf_update(self, p, g, m, v, lr, t):
        m = self.momentum * m + g
        return p - lr * m, m, None


class Nesterov(Momentum):
    """Nesterov's accelerated gradient: ``m = momentum * m + g; p - lr * (g + momentum * m)``.

    >>> opt = cr.optimize.Nesterov(lr=1.0, momentum=0.5)
    >>> opt.update(1.0, opt.init(0.0), 0.0)[0]
    -1.5
    """

    def _leaf_update(self, p, g, m, v, lr, t):
        m = self.momentum * m + g
        return p - lr * (g + self.momentum * m), m, None


class RMSProp(Optimizer):
    """``s = decay * s + (1 - decay) g²; p - lr * g / (sqrt(s) + eps)``.

    >>> opt = cr.optimize.RMSProp(lr=0.1, decay=0.0)
    >>> float(opt.update(-4.0, opt.init(0.0), 0.0)[0])
    0.1
    """

    uses_second = True

    def __init__(self, lr: LearningRate = 0.001, decay: float = 0.9, eps: float = 1e-8,
                 clip_norm: float | None = None):
        super().__init__(lr, clip_norm)
        self.decay, self.eps = decay, eps

    def _leaf_update(self, p, g, m, v, lr, t):
        v = self.decay * v + (1.0 - self.decay) * (g * g)
        return p - lr * g / (np.sqrt(v) + self.eps), None, v


class Adagrad(Optimizer):
    """``s = s + g²; p - lr * g / (sqrt(s) + eps)``: per-coordinate rates that only fall.

    >>> opt = cr.optimize.Adagrad(lr=1.0)
    >>> float(opt.update(3.0, opt.init(0.0), 0.0)[0])
    -1.0
    """

    uses_second = True

    def __init__(self, lr: LearningRate = 0.1, eps: float = 1e-10,
                 clip_norm: float | None = None):
        super().__init__(lr, clip_norm)
        self.eps = eps

    def _leaf_update(self, p, g, m, v, lr, t):
        v = v + g * g
        return p - lr * g / (np.sqrt(v) + self.eps), None, v


class Adam(Optimizer):
    """Adam (Kingma & Ba): bias-corrected moving averages of ``g`` and ``g²``.

    >>> opt = cr.optimize.Adam(lr=0.1)
    >>> float(opt.update(5.0, opt.init(1.0), 1.0)[0])  # the first step is lr * sign(g)
    0.9
    """

    uses_first = True
    uses_second = True

    def __init__(self, lr: LearningRate = 0.001, b1: float = 0.9, b2: float = 0.999,
                 eps: float = 1e-8, clip_norm: float | None = None):
        super().__init__(lr, clip_norm)
        self.b1, self.b2, self.eps = b1, b2, eps

    def _direction(self, g, m, v, t):
        m = self.b1 * m + (1.0 - self.b1) * g
        v = self.b2 * v + (1.0 - self.b2) * (g * g)
        m_hat = m / (1.0 - self.b1 ** t)
        v_hat = v / (1.0 - self.b2 ** t)
        return m_hat / (np.sqrt(v_hat) + self.eps), m, v

    def _leaf_update(self, p, g, m, v, lr, t):
        direction, m, v = self._direction(g, m, v, t)
        return p - lr * direction, m, v


class AdamW(Adam):
    """Adam with decoupled weight decay (Loshchilov & Hutter):
    ``p - lr * (adam direction + weight_decay * p)``.

    >>> opt = cr.optimize.AdamW(lr=0.1, weight_decay=1.0)
    >>> round(float(opt.update(0.0, opt.init(2.0), 2.0)[0]), 6)  # no gradient: decay only
    1.8
    """

    def __init__(self, lr: LearningRate = 0.001, b1: float = 0.9, b2: float = 0.999,
                 eps: float = 1e-8, weight_decay: float = 1e-2, clip_norm: float | None = None):
        super().__init__(lr, b1, b2, eps, clip_norm)
        self.weight_decay = weight_decay

    def _leaf_update(self, p, g, m, v, lr, t):
        direction, m, v = self._direction(g, m, v, t)
        return p - lr * (direction + self.weight_decay * p), m, v


# minimize's method names for the classes above
FIRST_ORDER = {"gd": SGD, "sgd": SGD, "momentum": Momentum, "nesterov": Nesterov,
               "rmsprop": RMSProp, "adagrad": Adagrad, "adam": Adam, "adamw": AdamW}
