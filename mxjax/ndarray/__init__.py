"""mx.nd: NDArray, creation functions and every registered operator as nd.<name>."""
from . import ops as _ops  # noqa: F401  (registers every operator)
from . import random, linalg, contrib, image  # noqa: F401  (may register more frontends)
from .ndarray import (NDArray, arange, array, concatenate, empty, from_dlpack, from_jax, full,  # noqa: F401
                      moveaxis, ones, to_dlpack_for_read, to_dlpack_for_write, waitall, zeros)
from .registry import FRONTENDS, METHODS, OPS  # noqa: F401

for _name, _f in METHODS.items():
    if not hasattr(NDArray, _name):
        setattr(NDArray, _name, _f)
globals().update({k: v for k, v in FRONTENDS.items() if k not in globals()})

from .io import load, load_frombuffer, save  # noqa: E402,F401
