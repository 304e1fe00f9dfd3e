"""Shared foundations: the error type, dtype names and small helpers."""
import numpy as np


class MXNetError(Exception):
    """The error MXNet raises for invalid operations (same name, same module path)."""


# MXNet's default dtype everywhere (mx_real_t).
mx_real_t = np.float32

_DTYPE_NAMES = {
    'float16': np.float16, 'float32': np.float32, 'float64': np.float64,
    'uint8': np.uint8, 'int8': np.int8, 'int32': np.int32, 'int64': np.int64,
    'bool': np.bool_,
}


def np_dtype(dtype, arg='dtype'):
    """Normalise an MXNet dtype spec (name, numpy type, None) to a numpy dtype type."""
    if dtype is None:
        return mx_real_t
    try:
        t = np.dtype(dtype).type
    except TypeError:
        t = None
    if t is None or np.dtype(t).name not in _DTYPE_NAMES:
        raise MXNetError('%s=%r is not a supported dtype; valid: %s'
                         % (arg, dtype, ', '.join(_DTYPE_NAMES)))
    return t


def is_float(dtype):
    return np.issubdtype(np.dtype(dtype), np.floating)


def hashable(v):
    """Turn attrs (lists, nested lists, numpy scalars) into a hashable, jit-static form."""
    if isinstance(v, (list, tuple)):
        return tuple(hashable(x) for x in v)
    if isinstance(v, np.generic):
        return v.item()
    return v


string_types = (str,)
numeric_types = (float, int, np.generic)
integer_types = (int, np.integer)
