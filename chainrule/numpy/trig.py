"""Trigonometric and hyperbolic functions."""

from __future__ import annotations

import numpy as np

from .wrap import elementwise

sin = elementwise("sin", np.sin)
sin.def_vjp(lambda g, ans, x: g * cos(x))
sin.def_jvp(lambda t, ans, x: t * cos(x))

cos = elementwise("cos", np.cos)
cos.def_vjp(lambda g, ans, x: -g * sin(x))
cos.def_jvp(lambda t, ans, x: -t * sin(x))

tanh = elementwise("tanh", np.tanh)
tanh.def_vjp(lambda g, ans, x: g * (1.0 - ans * ans))
tanh.def_jvp(lambda t, ans, x: t * (1.0 - ans * ans))
