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

from .elementwise import elementwise

LN2 = math.log(2.0)
LN10 = math.log(10.0)

exp = elementwise("exp", np.exp)
exp.def_partials(lambda ans, x: ans)

exp2 = elementwise("exp2", np.exp2)
exp2.def_partials(lambda ans, x: ans * LN2)

expm1 = elementwise("expm1", np.expm1)
expm1.def_partials(lambda ans, x: ans + 1.0)

log = elementwise("log", np.log)
log.def_partials(lambda ans, x: 1.0 / x)

log2 = elementwise("log2", np.log2)
log2.def_partials(lambda ans, x: 1.0 / (x * LN2))

log10 = elementwise("log10", np.log10)
log10.def_partials(lambda ans, x: 1.0 / (x * LN10))

log1p = elementwise("log1p", np.log1p)
log1p.def_partials(lambda ans, x: 1.0 / (x + 1.0))

# logaddexp(x, y) = log(exp(x) + exp(y)): each argument's weight is a softmax, exp(x - ans)
logaddexp = elementwise("logaddexp", np.logaddexp)
logaddexp.def_partials(lambda ans, x, y: exp(x - ans), lambda ans, x, y: exp(y - ans))

logaddexp2 = elementwise("logaddexp2", np.logaddexp2)
logaddexp2.def_partials(lambda ans, x, y: exp2(x - ans), lambda ans, x, y: exp2(y - ans))
