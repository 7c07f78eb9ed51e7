"""Minimise NumPy code with exact derivatives: ``minimize`` over SciPy's
optimisers and first-order methods, optimiser classes for training loops,
least squares, roots, curve fitting, and differentiable solutions of
fixed-point and root problems (implicit differentiation).

SciPy is an optional extra, imported only by the functions that run its
solvers (``pip install 'chainrule[scipy]'``).

>>> result = cr.optimize.minimize(lambda x: np.sum((x - 3.0) ** 2), np.zeros(2))
>>> np.round(result.x, 6)
array([3., 3.])
"""

from .first_order import SGD as SGD
from .first_order import Adagrad as Adagrad
from .first_order import Adam as Adam
from .first_order import AdamW as AdamW
from .first_order import Momentum as Momentum
from .first_order import Nesterov as Nesterov
from .first_order import Optimizer as Optimizer
from .first_order import RMSProp as RMSProp
from .first_order import State as State
from .first_order import global_norm as global_norm
from .flat import ravel_pytree as ravel_pytree
from .implicit import fixed_point as fixed_point
from .implicit import root_implicit as root_implicit
from .least_squares import curve_fit as curve_fit
from .least_squares import least_squares as least_squares
from .least_squares import root as root
from .minimize import KNOWN_METHODS as KNOWN_METHODS
from .minimize import minimize as minimize
from .result import OptimizeResult as OptimizeResult
from .schedules import constant as constant
from .schedules import cosine_decay as cosine_decay
from .schedules import exponential_decay as exponential_decay
from .schedules import warmup as warmup
