"""Functions whose outputs are piecewise constant: comparisons, rounding, signs,
integer division. Declared non-differentiable: their derivative is zero in
every mode, explicitly, and their results are plain arrays."""

from __future__ import annotations

import numpy as np

from .wrap import nondiff

less = nondiff("less", np.less)
less_equal = nondiff("less_equal", np.less_equal)
greater = nondiff("greater", np.greater)
greater_equal = nondiff("greater_equal", np.greater_equal)
equal = nondiff("equal", np.equal)
not_equal = nondiff("not_equal", np.not_equal)
floor_divide = nondiff("floor_divide", np.floor_divide)
sign = nondiff("sign", np.sign)
floor = nondiff("floor", np.floor)
ceil = nondiff("ceil", np.ceil)
around = nondiff("around", lambda x, decimals=0: np.around(x, decimals))
