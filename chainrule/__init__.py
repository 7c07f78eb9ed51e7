"""chainrule: exact derivatives of ordinary Python + NumPy code.

>>> import chainrule as cr
>>> cr.grad(lambda x: x ** 3)(2.0)
12.0

``cr.plot`` (pictures, needs matplotlib) and ``cr.scipy`` (needs SciPy) are
imported on first use, so that ``import chainrule`` imports neither.
"""

import importlib
import sys
from typing import Any

from . import array_api as array_api
from . import nn as nn
from . import numpy as numpy
from . import optimize as optimize
from .batching import vmap as vmap
from .check import check_grads as check_grads
from .check import check_vmap as check_vmap
from .check import finite_difference as finite_difference
from .check import step_study as step_study
from .core import EscapedTracerError as EscapedTracerError
from .core import MissingRuleError as MissingRuleError
from .custom import checkpoint as checkpoint
from .custom import custom_jvp as custom_jvp
from .custom import custom_vjp as custom_vjp
from .drawing import draw as draw
from .graph import Graph as Graph
from .graph import trace as trace
from .guards import GuardError as GuardError
from .jit import jit as jit
from .jit import make_source as make_source
from .scalar import Scalar as Scalar
from .transforms import deriv as deriv
from .transforms import elementwise_grad as elementwise_grad
from .transforms import grad as grad
from .transforms import hessian as hessian
from .transforms import hvp as hvp
from .transforms import jacfwd as jacfwd
from .transforms import jacobian as jacobian
from .transforms import jacrev as jacrev
from .transforms import jvp as jvp
from .transforms import linearize as linearize
from .transforms import stop_gradient as stop_gradient
from .transforms import value_and_grad as value_and_grad
from .transforms import vjp as vjp

__version__ = "0.1.0"

_LAZY_SUBMODULES = ("plot", "scipy")  # optional extras: imported on first attribute access


def _route_scipy_ufuncs(ufunc: Any) -> None:
    """A SciPy ufunc on a traced value (``scipy.special.gammaln(t)``): load chainrule.scipy,
    which registers its rules, the first time one is met."""
    special = sys.modules.get("scipy.special")
    if special is not None and (getattr(special, ufunc.__name__, None) is ufunc or getattr(
            getattr(special, "_ufuncs", None), ufunc.__name__, None) is ufunc):
        importlib.import_module(".scipy", __name__)


numpy.wrap.UFUNC_LOADERS.append(_route_scipy_ufuncs)


def __getattr__(name: str) -> Any:
    """``cr.plot`` and ``cr.scipy`` are imported when first used (PEP 562); matplotlib
    and SciPy come with them."""
    if name in _LAZY_SUBMODULES:
        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module 'chainrule' has no attribute {name!r}")


def __dir__() -> list:
    return sorted(set(globals()) | set(_LAZY_SUBMODULES))
