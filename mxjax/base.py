"""Shared foundations: the error type, dtype names and small helpers."""
import numpy as np


class MXNetError(RuntimeError):
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


def mx_cast(x, dtype, xp=np):
    """x.astype(dtype) as MXNet's C++ casts do it on x86, for NumPy (xp=np) or JAX (xp=jnp).

    Float to integer truncates through a 32-bit integer (64-bit for int64): values out of that
    range and NaN give its minimum, then the low bits are kept (300.0 -> uint8 44, -1.0 -> 255,
    1e10 -> int32 -2147483648). Integer to narrower integer keeps the low bits. NumPy warns or
    raises and XLA saturates on these, so both go through here.
    """
    dt = np.dtype(dtype)
    if dt.kind not in 'iu' or np.dtype(x.dtype).kind != 'f':
        return x.astype(dt)
    mid = np.int64 if dt.itemsize == 8 else np.int32
    lim = float(np.iinfo(mid).max) + 1.0
    bad = xp.isnan(x) | (x >= lim) | (x < -lim)
    as_int = xp.where(bad, 0, x).astype(mid)
    return xp.where(bad, np.iinfo(mid).min, as_int).astype(dt)
