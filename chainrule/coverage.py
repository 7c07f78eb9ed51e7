"""What chainrule differentiates, read from the registry: every NumPy function
and ufunc that reaches a chainrule rule, with its modes, and the NumPy
functions that do not yet. ``python -m chainrule coverage`` prints it;
``docs/coverage.md`` is its output, and a test fails when that file is out
of date.

>>> rows = supported()
>>> ("numpy.sin", "chainrule.numpy.trig", "forward, reverse") in rows
True
"""

from __future__ import annotations

import importlib
import types
from typing import Any

import numpy as np

from .core import Primitive
from .numpy.creation import LIKE_FUNCTIONS
from .numpy.wrap import FUNCTIONS, PRIMITIVES, UFUNCS

# The NumPy namespaces whose functions chainrule means to cover.
NAMESPACES = {"numpy": np, "numpy.linalg": np.linalg, "numpy.fft": np.fft}

# Names that are no numerical function of arrays (I/O, printing, configuration,
# type queries): they are not listed as missing.
NOT_NUMERICAL = {
    "save", "savez", "savez_compressed", "load", "loadtxt", "savetxt", "genfromtxt", "fromfile",
    "frombuffer", "fromregex", "fromstring", "fromiter", "fromfunction", "frompyfunc",
    "set_printoptions", "get_printoptions", "printoptions", "array2string", "array_repr",
    "array_str", "format_float_positional", "format_float_scientific", "base_repr",
    "binary_repr", "seterr", "geterr", "seterrcall", "geterrcall", "errstate", "setbufsize",
    "getbufsize", "info", "show_config", "show_runtime", "get_include", "test", "typename",
    "mintypecode", "common_type", "result_type", "can_cast", "min_scalar_type",
    "promote_types", "issubdtype", "isdtype", "iterable", "isscalar", "isfortran",
    "may_share_memory", "shares_memory", "byte_bounds", "is_busday", "busday_count",
    "busday_offset", "datetime_as_string", "datetime_data", "deprecate",
    "deprecate_with_doc", "disp", "lookfor", "safe_eval", "source", "who", "add_docstring",
    "add_newdoc", "add_newdoc_ufunc", "asmatrix", "bmat", "set_string_function",
    "from_dlpack", "einsum_path", "nested_iters", "packbits", "unpackbits", "require",
    "get_array_wrap", "find_common_type", "obj2sctype", "sctype2char", "maximum_sctype",
    "issctype", "issubclass_", "issubsctype", "recfromcsv", "recfromtxt",
}

# Functions of shapes and integers only: nothing in them can be traced, so they
# work unchanged next to traced code.
NO_TRACED_INPUT = {
    "tri", "indices", "diag_indices", "tril_indices", "triu_indices", "mask_indices",
    "bartlett", "blackman", "hamming", "hanning", "kaiser", "ravel_multi_index",
    "unravel_index", "broadcast_shapes", "fftfreq", "rfftfreq",
}


def _modes(function: Any) -> str:
    if isinstance(function, Primitive):
        return "zero (not differentiable)" if function.nondiff else ", ".join(function.modes)
    module = getattr(function, "__module__", "") or ""
    if module.endswith(".nondiff"):
        return "zero (not differentiable)"
    return "forward, reverse"


def _numpy_name(function: Any) -> str:
    for prefix, namespace in NAMESPACES.items():
        name = getattr(function, "__name__", None)
        if name is not None and getattr(namespace, name, None) is function:
            return f"{prefix}.{name}"
    return f"numpy.{getattr(function, '__name__', repr(function))}"


def _home(function: Any) -> str:
    if isinstance(function, Primitive):
        for module_name, module in _area_modules().items():
            if any(value is function for value in vars(module).values()):
                return module_name
        return "chainrule.numpy"
    return getattr(function, "__module__", "chainrule.numpy")


def _area_modules() -> dict:
    import sys

    return {name: module for name, module in sys.modules.items()
            if name.startswith("chainrule.numpy.") and isinstance(module, types.ModuleType)}


def supported() -> list:
    """``(NumPy name, chainrule module, modes)`` for every routed function, sorted."""
    rows = {}
    for numpy_function, function in list(UFUNCS.items()) + list(FUNCTIONS.items()):
        if getattr(function, "name", "").startswith("scipy."):
            continue  # SciPy's ufuncs routed through the NumPy table: listed with SciPy's
        rows[_numpy_name(numpy_function)] = (_home(function), _modes(function))
    for numpy_function in LIKE_FUNCTIONS:
        name = _numpy_name(numpy_function)
        rows.setdefault(name, ("chainrule.numpy.creation", "constant (like=)"))
    return sorted((name, home, modes) for name, (home, modes) in rows.items())


def missing() -> list:
    """The public functions of NumPy's namespaces that reach no chainrule rule."""
    routed = {id(function) for function in list(UFUNCS) + list(FUNCTIONS) + list(LIKE_FUNCTIONS)}
    names = []
    for prefix, namespace in NAMESPACES.items():
        for name in dir(namespace):
            value = getattr(namespace, name)
            if name.startswith("_") or name in NOT_NUMERICAL or name in NO_TRACED_INPUT:
                continue
            if isinstance(value, (type, types.ModuleType)) or not callable(value):
                continue
            if id(value) not in routed:  # aliases (np.abs, np.acos) are the same object
                names.append(f"{prefix}.{name}")
    return sorted(names)


def markdown() -> str:
    """docs/coverage.md: the tables, with a count line."""
    rows, left = supported(), missing()
    differentiable = sum(1 for _, _, modes in rows if modes == "forward, reverse")
    nondiff = sum(1 for _, _, modes in rows if modes.startswith("zero"))
    lines = [
        "# What chainrule differentiates",
        "",
        f"Generated from the registry by `python -m chainrule coverage` (NumPy {np.__version__});",
        "`tests/test_coverage.py` fails when this file is out of date.",
        "",
        f"**{len(rows)} NumPy functions and ufuncs reach chainrule: {differentiable} "
        f"differentiable in both modes, {nondiff} declared non-differentiable (their "
        f"derivative is zero), {len(rows) - differentiable - nondiff} constant creators "
        f"(`like=`); {len(PRIMITIVES)} primitives. {len(left)} NumPy functions are not "
        "supported yet.**",
        "",
        "A Python function of chainrule is built from primitives, and every primitive has a",
        "rule for each argument in both modes (`tests/numpy/test_registry.py` checks), so",
        "\"forward, reverse\" holds for the function as a whole.",
        "",
        "| NumPy | chainrule | modes |",
        "| --- | --- | --- |",
    ]
    lines += [f"| `{name}` | `{home}` | {modes} |" for name, home, modes in rows]
    lines += ["", "## Not supported yet", "",
              "Calling one of these on a traced value raises `NotImplementedError` naming it.", ""]
    lines += [", ".join(f"`{name}`" for name in left) if left else "(none)", ""]
    lines += _scipy_section()
    return "\n".join(lines)


def _scipy_section() -> list:
    """The SciPy functions of ``chainrule.scipy`` (SciPy is an optional extra)."""
    try:
        scipy_layer = importlib.import_module(".scipy", __package__)
    except ImportError:
        return ["## SciPy", "", "SciPy is not installed: `pip install 'chainrule[scipy]'`.", ""]
    rows = scipy_layer.coverage_rows()
    differentiable = sum(1 for _, _, modes in rows if modes.startswith("forward, reverse"))
    lines = ["## SciPy", "",
             f"**{len(rows)} SciPy functions through `chainrule.scipy`: {differentiable} "
             "differentiable in both modes.** Where a SciPy function is a ufunc "
             "(`scipy.special.gammaln`), the plain SciPy call on a traced value works too.", "",
             "| SciPy | chainrule | modes |", "| --- | --- | --- |"]
    lines += [f"| `{name}` | `{home}` | {modes} |" for name, home, modes in rows]
    return lines + [""]
