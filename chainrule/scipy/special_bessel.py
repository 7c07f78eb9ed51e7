"""Bessel functions of ``scipy.special``, differentiable in ``x``: i0, i1, i0e,
i1e, j0, j1, y0, y1, k0, k1, k0e, k1e and the ones of any order, jv, yv, iv,
ive, kv, kve, jn, yn.

Each derivative is a recurrence in the order (DLMF 10.6.1, 10.29.1), written
with the Bessel primitives themselves, so every order of derivative works:
``jv'(v, x) = (jv(v - 1, x) - jv(v + 1, x)) / 2``. The order ``v`` is not
differentiated: its partial is declared missing, and asking for it raises
``MissingRuleError`` naming the primitive and the argument.

>>> from chainrule.scipy.special_bessel import j0
>>> float(cr.grad(j0)(0.0))
-0.0
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.special as sc

from ..core import base_value
from ..core.batching import is_batched
from ..numpy import astype, sign
from .wrap import (SpecialFunction, covers_primitive, decision_value, float_dtype,
                   not_differentiable_in, special_ufunc)

HOME = "chainrule.scipy.special"
ORDER = "the order v"


def shifted(order: Any, shift: float, like: Any) -> Any:
    """``order + shift`` as a constant of ``like``'s floating-point type (float32 stays so).

    >>> shifted(2, -1, np.float32(1.0))
    array(1., dtype=float32)
    """
    if is_batched(order):  # each member has its order: a batched value, without derivative
        return astype(order + shift, float_dtype(like))
    return np.asarray(base_value(order) + shift, dtype=float_dtype(like))


# -- of order 0 and 1 ------------------------------------------------------------------

i0 = special_ufunc("i0", sc.i0)
i0.def_partials(lambda ans, x: i1(x))

i1: SpecialFunction = special_ufunc("i1", sc.i1)
i1.def_partials(lambda ans, x: 0.5 * (i0(x) + iv(shifted(2, 0, ans), x)))

# the exponentially scaled ones: i0e(x) = exp(-|x|) i0(x)
i0e = special_ufunc("i0e", sc.i0e)
i0e.def_partials(lambda ans, x: i1e(x) - sign(x) * ans)

i1e: SpecialFunction = special_ufunc("i1e", sc.i1e)
i1e.def_partials(lambda ans, x: 0.5 * (i0e(x) + ive(shifted(2, 0, ans), x)) - sign(x) * ans)

j0 = special_ufunc("j0", sc.j0)
j0.def_partials(lambda ans, x: -j1(x))

j1: SpecialFunction = special_ufunc("j1", sc.j1)
j1.def_partials(lambda ans, x: 0.5 * (j0(x) - jv(shifted(2, 0, ans), x)))

y0 = special_ufunc("y0", sc.y0)
y0.def_partials(lambda ans, x: -y1(x))

y1: SpecialFunction = special_ufunc("y1", sc.y1)
y1.def_partials(lambda ans, x: 0.5 * (y0(x) - yv(shifted(2, 0, ans), x)))

k0 = special_ufunc("k0", sc.k0)
k0.def_partials(lambda ans, x: -k1(x))

k1: SpecialFunction = special_ufunc("k1", sc.k1)
k1.def_partials(lambda ans, x: -0.5 * (k0(x) + kv(shifted(2, 0, ans), x)))

# k0e(x) = exp(x) k0(x)
k0e = special_ufunc("k0e", sc.k0e)
k0e.def_partials(lambda ans, x: ans - k1e(x))

k1e: SpecialFunction = special_ufunc("k1e", sc.k1e)
k1e.def_partials(lambda ans, x: ans - 0.5 * (k0e(x) + kve(shifted(2, 0, ans), x)))

# -- of any order v: differentiable in x; the order has no rule ---------------------------

jv: SpecialFunction = special_ufunc("jv", sc.jv)
jv.def_partials(None, lambda ans, v, x: 0.5 * (jv(shifted(v, -1, ans), x)
                                               - jv(shifted(v, 1, ans), x)))

yv: SpecialFunction = special_ufunc("yv", sc.yv)
yv.def_partials(None, lambda ans, v, x: 0.5 * (yv(shifted(v, -1, ans), x)
                                               - yv(shifted(v, 1, ans), x)))

iv: SpecialFunction = special_ufunc("iv", sc.iv)
iv.def_partials(None, lambda ans, v, x: 0.5 * (iv(shifted(v, -1, ans), x)
                                               + iv(shifted(v, 1, ans), x)))

# ive(v, x) = exp(-|x|) iv(v, x)
ive: SpecialFunction = special_ufunc("ive", sc.ive)
ive.def_partials(None, lambda ans, v, x: 0.5 * (ive(shifted(v, -1, ans), x)
                                                + ive(shifted(v, 1, ans), x)) - sign(x) * ans)

kv: SpecialFunction = special_ufunc("kv", sc.kv)
kv.def_partials(None, lambda ans, v, x: -0.5 * (kv(shifted(v, -1, ans), x)
                                                + kv(shifted(v, 1, ans), x)))

# kve(v, x) = exp(x) kv(v, x)
kve: SpecialFunction = special_ufunc("kve", sc.kve)
kve.def_partials(None, lambda ans, v, x: ans - 0.5 * (kve(shifted(v, -1, ans), x)
                                                      + kve(shifted(v, 1, ans), x)))

# jn is SciPy's other name for jv (the same ufunc); yn takes an integer order
jn = jv if sc.jn is sc.jv else special_ufunc("jn", sc.jn)
if jn is not jv:
    jn.def_partials(None, lambda ans, n, x: 0.5 * (jn(decision_value(n) - 1, x)
                                                   - jn(decision_value(n) + 1, x)))

yn = special_ufunc("yn", sc.yn)
yn.def_partials(None, lambda ans, n, x: 0.5 * (yn(decision_value(n) - 1, x)
                                               - yn(decision_value(n) + 1, x)))

for _prim in {jv, yv, iv, ive, kv, kve, jn, yn}:
    not_differentiable_in(_prim, 0, ORDER)
for _prim in (i0, i1, i0e, i1e, j0, j1, y0, y1, k0, k1, k0e, k1e, jv, yv, iv, ive, kv, kve, yn):
    covers_primitive(_prim, HOME)
covers_primitive(jn, HOME, "scipy.special.jn")
