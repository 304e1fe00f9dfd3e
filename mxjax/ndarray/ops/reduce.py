"""Reductions: sum, mean, max, min, prod, nansum, nanprod, norm, argmax, argmin.

MXNet semantics: axis None/()/int/tuple (negative allowed), keepdims, exclude (reduce every
axis *not* listed); reducing everything gives shape (1,), never a 0-d array; the result keeps
the input dtype (sum of int32 is int32, mean of int32 truncates, argmax of float32 is float32).
"""
import functools

import jax
import jax.numpy as jnp
from jax import lax

from ...base import MXNetError
from ..registry import op


def reduce_axes(shape, axis, exclude=False, name='sum'):
    """The sorted, non-negative axes reduced for MXNet's (axis, exclude) on `shape`."""
    ndim = len(shape)
    if axis is None or axis == ():
        return tuple(range(ndim))
    axes = (axis,) if isinstance(axis, int) else tuple(axis)
    out = []
    for a in axes:
        if isinstance(a, bool) or not isinstance(a, int):
            raise MXNetError('%s: axis=%r is not valid; expected None, an int or a tuple of ints'
                             % (name, axis))
        if not -ndim <= a < ndim:
            raise MXNetError('%s: axis=%r is out of range for an input of shape %s (valid: %d to %d)'
                             % (name, axis, tuple(shape), -ndim, ndim - 1))
        out.append(a % ndim)
    if len(set(out)) != len(out):
        raise MXNetError('%s: axis=%r has duplicate axes for an input of shape %s'
                         % (name, axis, tuple(shape)))
    if exclude:
        return tuple(i for i in range(ndim) if i not in out)
    return tuple(sorted(out))


def _finish(r, shape, axes, keepdims):
    """Reshape a keepdims-reduced result to MXNet's output shape ((1,) rather than 0-d)."""
    if keepdims:
        return r
    out = tuple(s for i, s in enumerate(shape) if i not in axes)
    return r.reshape(out or (1,))


def _is_float(x):
    return jnp.issubdtype(x.dtype, jnp.floating)


# ---------------------------------------------------------------- max / min
@functools.partial(jax.custom_vjp, nondiff_argnums=(1, 2))
def _chooser(x, axes, is_max):
    return (jnp.max if is_max else jnp.min)(x, axis=axes, keepdims=True)


def _chooser_fwd(x, axes, is_max):
    y = _chooser(x, axes, is_max)
    return y, (x, y)


def _chooser_bwd(axes, is_max, res, g):
    # MXNet gives the full gradient to every element equal to the result (ties included).
    x, y = res
    return (jnp.where(x == y, g, jnp.zeros_like(g)),)


_chooser.defvjp(_chooser_fwd, _chooser_bwd)


# ---------------------------------------------------------------- prod
@functools.partial(jax.custom_vjp, nondiff_argnums=(1,))
def _prod(x, axes):
    return jnp.prod(x, axis=axes, keepdims=True, dtype=x.dtype)


def _prod_fwd(x, axes):
    y = _prod(x, axes)
    return y, (x, y)


def _prod_bwd(axes, res, g):
    # MXNet's gradient is y / x (nan where x == 0 and the product is 0), not the exact one.
    x, y = res
    return (g * y / x,)


_prod.defvjp(_prod_fwd, _prod_bwd)


# ---------------------------------------------------------------- norm
@functools.partial(jax.custom_vjp, nondiff_argnums=(1,))
def _l2(x, axes):
    # Scaled like BLAS nrm2, as MXNet does: no overflow for |x| near the dtype's max.
    scale = jnp.max(jnp.abs(x), axis=axes, keepdims=True)
    safe = jnp.where((scale == 0) | jnp.isinf(scale), jnp.ones_like(scale), scale)
    y = safe * jnp.sqrt(jnp.sum(jnp.square(x / safe), axis=axes, keepdims=True))
    return jnp.where(jnp.isinf(scale), scale, jnp.where(scale == 0, jnp.zeros_like(y), y))


def _l2_fwd(x, axes):
    y = _l2(x, axes)
    return y, (x, y)


def _l2_bwd(axes, res, g):
    x, y = res
    return (g * x / y,)


_l2.defvjp(_l2_fwd, _l2_bwd)


def _int_l2(x, axes):
    # MXNet's integer norm runs nrm2 in integer arithmetic: the ratios |x|/max truncate to 0
    # or 1, so the result is int(max * sqrt(#elements equal to max)).
    a = jnp.abs(x)
    m = jnp.max(a, axis=axes, keepdims=True)
    c = jnp.sum(a == m, axis=axes, keepdims=True)
    return jnp.trunc(m.astype(jnp.float64) * jnp.sqrt(c.astype(jnp.float64))).astype(x.dtype)


# ---------------------------------------------------------------- the ops
def _reducer(name, body):
    def fn(data, axis=None, keepdims=False, exclude=False):
        axes = reduce_axes(data.shape, axis, exclude, name)
        return _finish(body(data, axes), data.shape, axes, keepdims)
    fn.__name__ = name
    fn.__doc__ = ('%s over `axis` (None or (): every axis; with exclude=True every axis not listed), '
                  'in the input dtype; shape (1,) when everything is reduced.' % name)
    return fn


def _sum(x, axes):
    return jnp.sum(x, axis=axes, keepdims=True, dtype=x.dtype)


def _mean(x, axes):
    n = 1
    for a in axes:
        n *= x.shape[a]
    s = _sum(x, axes)
    if _is_float(x):
        return s / jnp.asarray(n, x.dtype)
    # Integer mean truncates (C division); MXNet casts the count to the dtype too (wrapping).
    return lax.div(s, jnp.asarray(n, jnp.int64).astype(x.dtype))


def _nansum(x, axes):
    if _is_float(x):
        x = jnp.where(jnp.isnan(x), jnp.zeros_like(x), x)
    return _sum(x, axes)


def _nanprod(x, axes):
    if _is_float(x):
        x = jnp.where(jnp.isnan(x), jnp.ones_like(x), x)
    return _prod(x, axes)


_REDUCERS = {
    'sum': (_sum, ('sum_axis',)),
    'mean': (_mean, ()),
    'max': (lambda x, axes: _chooser(x, axes, True), ('max_axis',)),
    'min': (lambda x, axes: _chooser(x, axes, False), ('min_axis',)),
    'prod': (_prod, ()),
    'nansum': (_nansum, ()),
    'nanprod': (_nanprod, ()),
}
for _name, (_body, _aliases) in _REDUCERS.items():
    op(_name, aliases=_aliases, method=True)(_reducer(_name, _body))


def norm(data, ord=2, axis=None, out_dtype=None, keepdims=False):
    """L1 or L2 norm over `axis` (all axes by default). out_dtype casts the result."""
    if ord not in (1, 2):
        raise MXNetError('norm: ord=%r is not valid; norm only supports ord=1 and ord=2' % (ord,))
    axes = reduce_axes(data.shape, axis, False, 'norm')
    if ord == 1:
        if _is_float(data):
            # |x| with gradient sign(x) (0 at 0), as MXNet.
            r = jnp.sum(data * lax.stop_gradient(jnp.sign(data)), axis=axes, keepdims=True)
        else:
            r = _sum(jnp.abs(data), axes)
    else:
        r = _l2(data, axes) if _is_float(data) else _int_l2(data, axes)
    r = _finish(r, data.shape, axes, keepdims)
    return r if out_dtype is None else r.astype(jnp.dtype(out_dtype))


op('norm', method=True)(norm)


# ---------------------------------------------------------------- argmax / argmin
def _arg(name, f):
    def fn(data, axis=None, keepdims=False):
        if axis is None:
            r = f(data.reshape(-1)).astype(data.dtype)
            return r.reshape((1,) * data.ndim if keepdims else (1,))
        if isinstance(axis, bool) or not isinstance(axis, int):
            raise MXNetError('%s: axis=%r is not valid; expected an int or None' % (name, axis))
        if not -data.ndim <= axis < data.ndim:
            raise MXNetError('%s: axis=%r is out of range for an input of shape %s (valid: %d to %d)'
                             % (name, axis, data.shape, -data.ndim, data.ndim - 1))
        # MXNet returns the indices in the input's dtype (float32 for float32 data).
        r = f(data, axis=axis, keepdims=True).astype(data.dtype)
        return _finish(r, data.shape, (axis % data.ndim,), keepdims)
    fn.__name__ = name
    return fn


op('argmax', method=True)(_arg('argmax', jnp.argmax))
op('argmin', method=True)(_arg('argmin', jnp.argmin))


def argmax_channel(data):
    """argmax over axis 1 (the channel axis), as float indices."""
    return _arg('argmax_channel', jnp.argmax)(data, axis=1 if data.ndim > 1 else None)


op('argmax_channel', method=True)(argmax_channel)
