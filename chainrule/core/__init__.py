"""The engine: levels, tracers, primitives, reverse and forward mode, pytrees.

Pure Python: nothing here imports NumPy. The NumPy layer registers its
primitives and array tracer type into this package.
"""

from .errors import EscapedTracerError as EscapedTracerError
from .errors import MissingRuleError as MissingRuleError
from .forward import ForwardLevel as ForwardLevel
from .forward import jvp as jvp
from .primitive import Primitive as Primitive
from .reverse import ReverseLevel as ReverseLevel
from .reverse import backward as backward
from .reverse import vjp as vjp
from .trace import Level as Level
from .trace import Tracer as Tracer
from .trace import active_levels as active_levels
from .trace import base_value as base_value
from .trace import bind as bind
from .trace import new_level as new_level
from .trace import new_tracer as new_tracer
from .trace import register_tracer_type as register_tracer_type
from .trace import top_level as top_level
from .tree import flatten as flatten
from .tree import tree_map as tree_map
from .tree import unflatten as unflatten
from .vspace import register_zeros as register_zeros
from .vspace import zeros_like as zeros_like
