"""chainrule's NumPy: the same functions as NumPy, differentiable in both modes.

Plain ``import numpy as np`` code is differentiated too (the array tracer
implements NumPy's dispatch protocols); this module names every wrapped
function explicitly, for readers, linters and code that prefers
``import chainrule.numpy as cnp``.
"""

# The area files, bottom to top. Each imports only files before it in this
# order (tests/core/test_architecture.py checks), so any one can be read, and
# extended, knowing only what is below it.
_LAYER_ORDER = (
    "wrap",             # the registries and primitive factories
    "elementwise",      # the Elementwise class; broadcast_to / sum_to; astype
    "batching",         # the helpers batching rules are written with
    "complex_numbers",
    "exp_log",
    "arithmetic",
    "trig",
    "ufuncs",           # copysign, float_power, ldexp, frexp, modf, divmod, i0, integer ufuncs
    "manipulation",     # reshape, transpose, flips, diagonals
    "indexing",
    "joining",          # concatenate, stack, split, tile, repeat, insert, delete, block
    "creation",         # array/asarray of tracers, zeros_like, like=
    "grids",            # meshgrid, r_, c_
    "mutation",         # item assignment as functional updates, views
    "views",            # the functions that return views in NumPy, returning views
    "selection",        # select, choose, compress, piecewise, nan_to_num, windows
    "reductions",
    "sorting",          # sort, partition, take_along_axis
    "products",
    "statistics",       # median, quantiles, put_along_axis
    "nan_reductions",   # nanmax, nanmin, nanprod, nanvar, nanstd, nancumsum, nancumprod, ptp
    "distributions",    # cov, corrcoef, histogram, bincount
    "differences",      # diff, ediff1d, gradient, trapezoid
    "padding",          # np.pad in every mode (the statistics modes use the reductions)
    "solve",
    "decompositions",   # cholesky, eigh, svd, pinv
    "eigen",            # eig, eigvals of general matrices
    "least_squares",    # qr, lstsq
    "linalg",           # also the chainrule.numpy.linalg namespace
    "fft",              # also the chainrule.numpy.fft namespace
    "polynomials",      # polyval, polyfit, vander, convolve, correlate, interp
    "series",           # the chainrule.numpy.polynomial namespace (chebval, legval, ...)
    "conversions",      # asanyarray, astype, broadcast_arrays, cumulative_sum, unwrap, polyadd, ix_
    "nondiff",
    "sets",             # unique_*, intersect1d, union1d, setdiff1d, setxor1d, isin
    "ufunc_methods",    # reduce, accumulate, outer, at: the table __array_ufunc__ reads
    "array_methods",    # sort, ptp, compress, put: the functions behind ndarray methods
    "tracer",           # the array tracer: NumPy's protocols, operators, methods
    "array_types",      # Dask and CuPy arrays as primals, registered when first met
)

from . import batching as _batching  # noqa: F401  registers how batching stacks and repeats
from . import tracer as _tracer  # noqa: F401  registers the array tracer, importing every area
from . import array_types as _array_types  # noqa: F401  Dask and CuPy arrays, when first met
from . import fft as fft
from . import linalg as linalg
from . import series as polynomial  # noqa: F401  np.polynomial's evaluation functions
from .arithmetic import abs as abs  # noqa: A004
from .arithmetic import absolute as absolute
from .arithmetic import add as add
from .arithmetic import cbrt as cbrt
from .arithmetic import clip as clip
from .arithmetic import divide as divide
from .arithmetic import fabs as fabs
from .arithmetic import fmax as fmax
from .arithmetic import fmin as fmin
from .arithmetic import fmod as fmod
from .arithmetic import maximum as maximum
from .arithmetic import minimum as minimum
from .arithmetic import mod as mod
from .arithmetic import multiply as multiply
from .arithmetic import negative as negative
from .arithmetic import positive as positive
from .arithmetic import power as power
from .arithmetic import reciprocal as reciprocal
from .arithmetic import remainder as remainder
from .arithmetic import sqrt as sqrt
from .arithmetic import square as square
from .arithmetic import subtract as subtract
from .arithmetic import true_divide as true_divide
from .arithmetic import where as where
from .array_methods import copyto as copyto
from .array_methods import fill_diagonal as fill_diagonal
from .array_methods import put as put
from .array_methods import putmask as putmask
from .tracer import ArrayTracer as ArrayTracer
from .tracer import ScalarTracer as ScalarTracer
from .complex_numbers import angle as angle
from .complex_numbers import conj as conj
from .complex_numbers import conjugate as conjugate
from .views import array_split as array_split
from .views import dsplit as dsplit
from .views import split as split
from .views import take as take
from .views import vsplit as vsplit
from .views import imag as imag
from .views import real as real
from .conversions import apply_over_axes as apply_over_axes
from .conversions import asanyarray as asanyarray
from .conversions import asarray_chkfinite as asarray_chkfinite
from .conversions import ascontiguousarray as ascontiguousarray
from .conversions import asfortranarray as asfortranarray
from .conversions import broadcast_arrays as broadcast_arrays
from .conversions import cumulative_prod as cumulative_prod
from .conversions import cumulative_sum as cumulative_sum
from .conversions import diag_indices_from as diag_indices_from
from .conversions import ix_ as ix_
from .conversions import matrix_transpose as matrix_transpose
from .conversions import polyadd as polyadd
from .conversions import polydiv as polydiv
from .conversions import polymul as polymul
from .conversions import polysub as polysub
from .conversions import tril_indices_from as tril_indices_from
from .conversions import triu_indices_from as triu_indices_from
from .conversions import unwrap as unwrap
from .creation import array as array
from .differences import diff as diff
from .differences import ediff1d as ediff1d
from .differences import gradient as gradient
from .differences import trapezoid as trapezoid
from .differences import trapz as trapz
from .conversions import astype as astype
from .creation import asarray as asarray
from .creation import empty_like as empty_like
from .creation import full as full
from .creation import full_like as full_like
from .creation import geomspace as geomspace
from .creation import linspace as linspace
from .creation import logspace as logspace
from .creation import ones_like as ones_like
from .creation import zeros_like as zeros_like
from .distributions import bincount as bincount
from .distributions import corrcoef as corrcoef
from .distributions import cov as cov
from .distributions import histogram as histogram
from .distributions import histogram2d as histogram2d
from .distributions import histogram_bin_edges as histogram_bin_edges
from .distributions import histogramdd as histogramdd
from .exp_log import exp as exp
from .exp_log import exp2 as exp2
from .exp_log import expm1 as expm1
from .exp_log import log as log
from .exp_log import log10 as log10
from .exp_log import log1p as log1p
from .exp_log import log2 as log2
from .exp_log import logaddexp as logaddexp
from .exp_log import logaddexp2 as logaddexp2
from .grids import c_ as c_
from .grids import meshgrid as meshgrid
from .grids import r_ as r_
from .joining import append as append
from .joining import block as block
from .joining import column_stack as column_stack
from .joining import concatenate as concatenate
from .joining import copy as copy
from .joining import delete as delete
from .joining import dstack as dstack
from .views import hsplit as hsplit
from .joining import hstack as hstack
from .joining import insert as insert
from .joining import repeat as repeat
from .joining import resize as resize
from .joining import rollaxis as rollaxis
from .joining import stack as stack
from .joining import tile as tile
from .joining import trim_zeros as trim_zeros
from .joining import unstack as unstack
from .joining import vstack as vstack
from .nan_reductions import nanargmax as nanargmax
from .nan_reductions import nanargmin as nanargmin
from .nan_reductions import nancumprod as nancumprod
from .nan_reductions import nancumsum as nancumsum
from .nan_reductions import nanmax as nanmax
from .nan_reductions import nanmin as nanmin
from .nan_reductions import nanprod as nanprod
from .nan_reductions import nanstd as nanstd
from .nan_reductions import nanvar as nanvar
from .nan_reductions import ptp as ptp
from .joining import vstack as row_stack  # noqa: F401  NumPy's alias
from .nondiff import all as all  # noqa: A004
from .nondiff import allclose as allclose
from .nondiff import any as any  # noqa: A004
from .nondiff import argmax as argmax
from .nondiff import argmin as argmin
from .nondiff import argpartition as argpartition
from .nondiff import argsort as argsort
from .nondiff import argwhere as argwhere
from .nondiff import around as around
from .nondiff import array_equal as array_equal
from .nondiff import array_equiv as array_equiv
from .nondiff import bitwise_and as bitwise_and
from .nondiff import bitwise_or as bitwise_or
from .nondiff import bitwise_xor as bitwise_xor
from .nondiff import ceil as ceil
from .nondiff import count_nonzero as count_nonzero
from .nondiff import digitize as digitize
from .nondiff import equal as equal
from .nondiff import fix as fix
from .nondiff import flatnonzero as flatnonzero
from .nondiff import floor as floor
from .nondiff import floor_divide as floor_divide
from .nondiff import greater as greater
from .nondiff import greater_equal as greater_equal
from .nondiff import heaviside as heaviside
from .nondiff import invert as invert
from .nondiff import isclose as isclose
from .nondiff import iscomplex as iscomplex
from .nondiff import iscomplexobj as iscomplexobj
from .nondiff import isfinite as isfinite
from .nondiff import isinf as isinf
from .nondiff import isnan as isnan
from .nondiff import isneginf as isneginf
from .nondiff import isposinf as isposinf
from .nondiff import isreal as isreal
from .nondiff import isrealobj as isrealobj
from .nondiff import less as less
from .nondiff import less_equal as less_equal
from .nondiff import lexsort as lexsort
from .nondiff import logical_and as logical_and
from .nondiff import logical_not as logical_not
from .nondiff import logical_or as logical_or
from .nondiff import logical_xor as logical_xor
from .nondiff import ndim as ndim
from .nondiff import nonzero as nonzero
from .nondiff import not_equal as not_equal
from .nondiff import result_type as result_type
from .nondiff import rint as rint
from .nondiff import round as round  # noqa: A004
from .nondiff import searchsorted as searchsorted
from .nondiff import shape as shape
from .nondiff import sign as sign
from .nondiff import signbit as signbit
from .nondiff import size as size
from .nondiff import trunc as trunc
from .nondiff import unique as unique
from .padding import pad as pad
from .polynomials import convolve as convolve
from .polynomials import correlate as correlate
from .polynomials import interp as interp
from .polynomials import poly as poly
from .polynomials import polyder as polyder
from .polynomials import polyfit as polyfit
from .polynomials import polyint as polyint
from .polynomials import polyval as polyval
from .polynomials import roots as roots
from .polynomials import vander as vander
from .products import cross as cross
from .products import dot as dot
from .products import einsum as einsum
from .products import inner as inner
from .products import kron as kron
from .products import matmul as matmul
from .products import matvec as matvec
from .products import outer as outer
from .products import tensordot as tensordot
from .products import vdot as vdot
from .products import vecdot as vecdot
from .products import vecmat as vecmat
from .reductions import amax as amax
from .reductions import amin as amin
from .reductions import average as average
from .reductions import cumprod as cumprod
from .reductions import cumsum as cumsum
from .reductions import max as max  # noqa: A004
from .reductions import mean as mean
from .reductions import min as min  # noqa: A004
from .reductions import nanmean as nanmean
from .reductions import nansum as nansum
from .reductions import prod as prod
from .reductions import std as std
from .reductions import sum as sum  # noqa: A004
from .reductions import trace as trace
from .reductions import var as var
from .views import atleast_1d as atleast_1d
from .views import atleast_2d as atleast_2d
from .views import atleast_3d as atleast_3d
from .views import broadcast_to as broadcast_to
from .views import diag as diag
from .manipulation import diagflat as diagflat
from .views import diagonal as diagonal
from .views import expand_dims as expand_dims
from .views import flip as flip
from .views import fliplr as fliplr
from .views import flipud as flipud
from .views import moveaxis as moveaxis
from .views import ravel as ravel
from .views import reshape as reshape
from .manipulation import roll as roll
from .views import rot90 as rot90
from .views import squeeze as squeeze
from .views import swapaxes as swapaxes
from .views import transpose as transpose
from .manipulation import tril as tril
from .manipulation import triu as triu
from .sorting import msort as msort
from .sorting import partition as partition
from .sorting import sort as sort
from .sorting import sort_complex as sort_complex
from .sorting import take_along_axis as take_along_axis
from .statistics import median as median
from .statistics import nanmedian as nanmedian
from .statistics import nanpercentile as nanpercentile
from .statistics import nanquantile as nanquantile
from .statistics import percentile as percentile
from .statistics import put_along_axis as put_along_axis
from .statistics import quantile as quantile
from .sets import intersect1d as intersect1d
from .sets import isin as isin
from .sets import setdiff1d as setdiff1d
from .sets import setxor1d as setxor1d
from .sets import union1d as union1d
from .sets import unique_all as unique_all
from .sets import unique_counts as unique_counts
from .sets import unique_inverse as unique_inverse
from .sets import unique_values as unique_values
from .selection import apply_along_axis as apply_along_axis
from .selection import choose as choose
from .selection import compress as compress
from .selection import extract as extract
from .selection import nan_to_num as nan_to_num
from .selection import piecewise as piecewise
from .selection import place as place
from .selection import real_if_close as real_if_close
from .selection import select as select
from .selection import sliding_window_view as sliding_window_view
from .trig import arccos as arccos
from .trig import arccosh as arccosh
from .trig import arcsin as arcsin
from .trig import arcsinh as arcsinh
from .trig import arctan as arctan
from .trig import arctan2 as arctan2
from .trig import arctanh as arctanh
from .trig import cos as cos
from .trig import cosh as cosh
from .trig import deg2rad as deg2rad
from .trig import degrees as degrees
from .trig import hypot as hypot
from .trig import rad2deg as rad2deg
from .trig import radians as radians
from .trig import sin as sin
from .trig import sinc as sinc
from .trig import sinh as sinh
from .trig import tan as tan
from .trig import tanh as tanh
from .ufuncs import copysign as copysign
from .ufuncs import divmod as divmod  # noqa: A004
from .ufuncs import float_power as float_power
from .ufuncs import frexp as frexp
from .ufuncs import i0 as i0
from .ufuncs import ldexp as ldexp
from .ufuncs import modf as modf
from .ufuncs import nextafter as nextafter
from .ufuncs import spacing as spacing

# NumPy's constants and types, so ``cnp`` can stand in for ``np``
from numpy import e as e, inf as inf, nan as nan, newaxis as newaxis, pi as pi  # noqa: E402
from numpy import float32 as float32, float64 as float64  # noqa: E402
from numpy import ndarray as ndarray  # noqa: E402
