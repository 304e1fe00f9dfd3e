"""nd.random: samplers drawing from mxjax.random's per-context PRNG keys."""
import functools

import jax
import jax.numpy as jnp
import numpy as np

from .. import context as _context
from .. import random as _rnd
from ..base import MXNetError, mx_real_t, np_dtype
from .ndarray import NDArray, _wrap


_FLOATS = ('float16', 'float32', 'float64')
_INTS = ('int32', 'int64')


def _prep(name, shape, ctx, dtype, valid, default=mx_real_t):
    shape = _rnd._check_shape(shape)
    ctx = ctx if ctx is not None else _context.current_context()
    dt = np.dtype(np_dtype(dtype) if dtype is not None else default)
    if dt.name not in valid:
        raise MXNetError("%s: Invalid Input: dtype=%r, valid values are: %s"
                         % (name, dtype if isinstance(dtype, str) else dt.name, ', '.join(valid)))
    return shape, ctx, dt


@functools.partial(jax.jit, static_argnums=(3, 4))
def _uniform(key, low, high, shape, dtype):
    return jax.random.uniform(key, shape, dtype, low, high)


@functools.partial(jax.jit, static_argnums=(3, 4))
def _normal(key, loc, scale, shape, dtype):
    return (loc + scale * jax.random.normal(key, shape, jnp.float32)).astype(dtype)


@functools.partial(jax.jit, static_argnums=(3, 4))
def _randint(key, low, high, shape, dtype):
    return jax.random.randint(key, shape, low, high, dtype)


def _draw(sampler, a, b, shape, dtype, ctx, out):
    key = jax.device_put(_rnd.next_key(ctx), ctx.jax_device)
    res = _wrap(sampler(key, a, b, shape, dtype), ctx, None)
    if out is not None:
        out[:] = res
        return out
    return res


def uniform(low=0, high=1, shape=None, dtype=None, ctx=None, out=None, **kwargs):
    """Samples from U[low, high); float32 unless dtype says."""
    if isinstance(low, NDArray) or isinstance(high, NDArray):
        raise MXNetError('uniform: NDArray low/high are not supported; pass numbers')
    shape, ctx, dt = _prep('uniform', shape if out is None else out.shape, ctx, dtype, _FLOATS)
    return _draw(_uniform, float(low), float(high), shape, dt, ctx, out)


def normal(loc=0, scale=1, shape=None, dtype=None, ctx=None, out=None, **kwargs):
    """Samples from N(loc, scale^2); float32 unless dtype says."""
    if isinstance(loc, NDArray) or isinstance(scale, NDArray):
        raise MXNetError('normal: NDArray loc/scale are not supported; pass numbers')
    shape, ctx, dt = _prep('normal', shape if out is None else out.shape, ctx, dtype, _FLOATS)
    return _draw(_normal, float(loc), float(scale), shape, dt, ctx, out)


def randint(low, high, shape=None, dtype=None, ctx=None, out=None, **kwargs):
    """Integers in [low, high); int32 unless dtype says."""
    if low >= high:  # MXNet 1.9.1 crashes (SIGFPE) on low == high
        raise MXNetError('randint: low=%r must be smaller than high=%r' % (low, high))
    shape, ctx, dt = _prep('randint', shape if out is None else out.shape, ctx, dtype, _INTS, np.int32)
    return _draw(_randint, int(low), int(high), shape, dt, ctx, out)


def shuffle(data, **kwargs):
    """A random permutation of `data` along its first axis."""
    key = _rnd.next_key(data.context)
    return _wrap(jax.random.permutation(key, data._data, axis=0), data._ctx, None)
