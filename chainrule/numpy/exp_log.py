"""Exponentials and logarithms."""

from __future__ import annotations

import numpy as np

from .wrap import elementwise

exp = elementwise("exp", np.exp)
exp.def_vjp(lambda g, ans, x: g * ans)
exp.def_jvp(lambda t, ans, x: t * ans)

log = elementwise("log", np.log)
log.def_vjp(lambda g, ans, x: g / x)
log.def_jvp(lambda t, ans, x: t / x)
