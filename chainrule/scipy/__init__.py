"""chainrule's SciPy: ``scipy.linalg``, ``scipy.integrate`` and ``scipy.signal``
functions, differentiable in both modes to any order.

SciPy's own functions turn their inputs into plain arrays (``np.asarray``),
which loses the derivative, so a plain ``scipy.linalg.expm(t)`` on a traced
``t`` raises chainrule's TypeError: spell it ``chainrule.scipy.linalg.expm(t)``.
"""

try:
    import scipy  # noqa: F401
except ImportError as error:  # pragma: no cover - an optional dependency
    raise ImportError("chainrule.scipy needs SciPy: pip install 'chainrule[scipy]'") from error

from . import integrate as integrate, linalg as linalg, signal as signal  # noqa: E402
