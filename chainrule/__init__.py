"""chainrule: exact derivatives of ordinary Python + NumPy code.

>>> import chainrule as cr
>>> cr.grad(lambda x: x ** 3)(2.0)
12.0
"""

from . import numpy as numpy
from .check import check_grads as check_grads
from .core import EscapedTracerError as EscapedTracerError
from .core import MissingRuleError as MissingRuleError
from .custom import checkpoint as checkpoint
from .custom import custom_jvp as custom_jvp
from .custom import custom_vjp as custom_vjp
from .drawing import draw as draw
from .graph import Graph as Graph
from .graph import trace as trace
from .guards import GuardError as GuardError
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
