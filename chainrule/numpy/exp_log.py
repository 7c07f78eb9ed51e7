"""Exponentials and logarithms: exp, exp2, expm1, log, log2, log10, log1p,
logaddexp, logaddexp2.

One stanza per function: the primitive, its VJP rule, its JVP rule. Constants
are Python floats, so float32 stays float32.

>>> import chainrule.numpy.exp_log as el
>>> cr.grad(lambda x: el.log2(x))(4.0) * np.log(2)
0.25
"""

from __future__ import annotations

import math

import numpy as np

from .wrap import elementwise

LN2 = math.log(2.0)
LN10 = math.log(10.0)

exp = elementwise("exp", np.exp)
exp.def_vjp(lambda g, ans, x: g * ans)
exp.def_jvp(lambda t, ans, x: t * ans)

exp2 = elementwise("exp2", np.exp2)
exp2.def_vjp(lambda g, ans, x: g * ans * LN2)
exp2.def_jvp(lambda t, ans, x: t * ans * LN2)

expm1 = elementwise("expm1", np.expm1)
expm1.def_vjp(lambda g, ans, x: g * (ans + 1.0))
expm1.def_jvp(lambda t, ans, x: t * (ans + 1.0))

log = elementwise("log", np.log)
log.def_vjp(lambda g, ans, x: g / x)
log.def_jvp(lambda t, ans, x: t / x)

log2 = elementwise("log2", np.log2)
log2.def_vjp(lambda g, ans, x: g / (x * LN2))
log2.def_jvp(lambda t, ans, x: t / (x * LN2))

log10 = elementwise("log10", np.log10)
log10.def_vjp(lambda g, ans, x: g / (x * LN10))
log10.def_jvp(lambda t, ans, x: t / (x * LN10))

log1p = elementwise("log1p", np.log1p)
log1p.def_vjp(lambda g, ans, x: g / (x + 1.0))
log1p.def_jvp(lambda t, ans, x: t / (x + 1.0))

# logaddexp(x, y) = log(exp(x) + exp(y)): each argument's weight is a softmax, exp(x - ans)
logaddexp = elementwise("logaddexp", np.logaddexp)
logaddexp.def_vjp(lambda g, ans, x, y: g * exp(x - ans),
                  lambda g, ans, x, y: g * exp(y - ans))
logaddexp.def_jvp(lambda t, ans, x, y: t * exp(x - ans),
                  lambda t, ans, x, y: t * exp(y - ans))

logaddexp2 = elementwise("logaddexp2", np.logaddexp2)
logaddexp2.def_vjp(lambda g, ans, x, y: g * exp2(x - ans),
                   lambda g, ans, x, y: g * exp2(y - ans))
logaddexp2.def_jvp(lambda t, ans, x, y: t * exp2(x - ans),
                   lambda t, ans, x, y: t * exp2(y - ans))
