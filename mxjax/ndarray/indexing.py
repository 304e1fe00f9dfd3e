"""x[key] and x[key] = value with MXNet's semantics (contiguous basic indexing is a view)."""
import functools

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

from ..autograd.state import state
from ..base import MXNetError, integer_types, mx_cast, numeric_types
from .ndarray import ASSIGN_IN_GRAPH, INPLACE_RECORDING, NDArray, _wrap
from .registry import op


@jax.jit
def _update_window(dst, starts, val):
    return lax.dynamic_update_slice(dst, val.astype(dst.dtype), starts)


@functools.partial(jax.jit, static_argnums=(1,))
def _broadcast_cast(val, shape, dtype_like):
    return jnp.broadcast_to(val, shape).astype(dtype_like.dtype)


def _is_basic(k):
    return k is None or k is Ellipsis or isinstance(k, (slice,) + integer_types)


def _expand(key, ndim):
    """Expand Ellipsis and pad with full slices; returns the key with None kept."""
    if not isinstance(key, tuple):
        key = (key,)
    n_ell = sum(1 for k in key if k is Ellipsis)
    if n_ell > 1:
        raise IndexError('an index can only have a single ellipsis (...), got key=%r' % (key,))
    n_real = sum(1 for k in key if k is not None and k is not Ellipsis)
    if n_real > ndim:
        raise IndexError('too many indices (%d) for array with %d dimensions' % (n_real, ndim))
    out = []
    for k in key:
        if k is Ellipsis:
            out.extend([slice(None)] * (ndim - n_real))
        else:
            out.append(k)
    if n_ell == 0:
        out.extend([slice(None)] * (ndim - n_real))
    return out


def _basic_plan(shape, key):
    """(starts, sizes, steps, int_axes, none_positions_in_output) for a basic key."""
    key = _expand(key, len(shape))
    starts, sizes, steps, int_axes, out_shape = [], [], [], [], []
    ax = 0
    for k in key:
        if k is None:
            out_shape.append(1)
            continue
        n = shape[ax]
        if isinstance(k, integer_types):
            k = int(k)
            if not -n <= k < n:
                raise IndexError('index %d is out of bounds for axis %d with size %d' % (k, ax, n))
            k = k + n if k < 0 else k
            starts.append(k)
            sizes.append(1)
            steps.append(1)
            int_axes.append(ax)
        else:
            if k.step == 0:
                raise ValueError('slice step cannot be zero')
            b, e, s = k.indices(n)
            length = len(range(b, e, s))
            starts.append(b)
            sizes.append(length)
            steps.append(s)
            out_shape.append(length)
        ax += 1
    return starts, sizes, steps, int_axes, out_shape


def _contiguous(shape, sizes, steps):
    total = int(np.prod(sizes, dtype=np.int64))
    if total in (0, 1):
        return True
    subset = False
    for n, m, s in zip(reversed(shape), reversed(sizes), reversed(steps)):
        if m == 0:
            return True
        if m > 1 and s != 1:
            return False
        if subset:
            if m > 1:
                return False
        elif m < n:
            subset = True
    return True


def getitem(x, key):
    if isinstance(key, (NDArray, np.ndarray, list, range)) or (
            isinstance(key, tuple) and not all(_is_basic(k) for k in key)):
        return _advanced_get(x, key)
    if not _is_basic(key) and not isinstance(key, tuple):
        raise IndexError('NDArray does not support indexing with key %r of type %s'
                         % (key, type(key).__name__))
    shape = x.shape
    starts, sizes, steps, int_axes, out_shape = _basic_plan(shape, key)
    final = tuple(out_shape) or (1,)
    if _contiguous(shape, sizes, steps):
        flat = 0
        for st, n in zip(starts, shape):
            flat = flat * n + st
        if 0 in sizes:
            flat = 0
        return x._view(flat, final)
    if all(s == 1 for s in steps):  # a box: its start is a traced operand (x[:, t] never recompiles)
        from .ops.shape import window
        return window(x, tuple(starts), sizes).reshape(final)
    ends = [b + (m - 1) * s + (1 if s > 0 else -1) for b, m, s in zip(starts, sizes, steps)]
    ends = [None if e < 0 else e for e in ends]
    from ..ndarray import FRONTENDS
    res = FRONTENDS['slice'](x, begin=tuple(starts), end=tuple(ends), step=tuple(steps))
    return res.reshape(final)


# ---------------------------------------------------------------- advanced indexing
def _adv_template(key, ndim):
    key = key if isinstance(key, tuple) else (key,)
    arrays, tmpl = [], []
    for k in key:
        if isinstance(k, slice):
            tmpl.append(('s', k.start, k.stop, k.step))
        elif k is None or k is Ellipsis or isinstance(k, integer_types):
            tmpl.append(('v', None if k is None else ('...' if k is Ellipsis else int(k))))
        else:
            if isinstance(k, NDArray):
                if k._buf.dtype == np.bool_:
                    raise ValueError('NDArray does not support boolean indexing (MXNet 1.x legacy '
                                     'mode); got a bool NDArray key of shape %s. Use integer indices '
                                     'or nd.contrib.boolean_mask' % (k.shape,))
                idx = k._data
            else:
                a = np.asarray(k)
                if a.dtype == np.bool_:  # MXNet 1.x reads a NumPy or list bool key as indices 0/1
                    a = a.astype(np.int32)
                idx = jnp.asarray(a)
            if not jnp.issubdtype(idx.dtype, jnp.integer):
                idx = idx.astype(jnp.int32)
            tmpl.append(('a', len(arrays)))
            arrays.append(idx)
    return arrays, tuple(tmpl)


def _key_from(tmpl, idx):
    key = []
    for t in tmpl:
        if t[0] == 's':
            key.append(slice(t[1], t[2], t[3]))
        elif t[0] == 'a':
            key.append(idx[t[1]])
        else:
            key.append(Ellipsis if t[1] == '...' else t[1])
    return tuple(key)


def _advanced_index(data, *idx, template=()):
    return data[_key_from(template, idx)]


_adv_front = op('_advanced_index', inputs=('*args',))(_advanced_index)


def _advanced_get(x, key):
    arrays, tmpl = _adv_template(key, x.ndim)
    idx = [_wrap(a, x._ctx, None) for a in arrays]
    _check_adv_bounds(x, tmpl, arrays)
    return _adv_front(x, *idx, template=tmpl)


def _check_adv_bounds(x, tmpl, arrays):
    ax = 0
    for t in tmpl:
        if t[0] == 'a':
            a = np.asarray(arrays[t[1]])
            n = x.shape[ax]
            if a.size and (a.max() >= n or a.min() < -n):
                raise IndexError('index %d is out of bounds for axis %d with size %d'
                                 % (a.max() if a.max() >= n else a.min(), ax, n))
        if t[0] != 'v' or t[1] not in (None, '...'):
            ax += 1


# ---------------------------------------------------------------- assignment
def _value_array(x, value):
    if isinstance(value, NDArray):
        return value._data
    if isinstance(value, numeric_types):
        # A NumPy scalar goes into the jitted write with no eager device transfer of its own.
        return mx_cast(np.array(value), x.dtype)  # out-of-range values wrap, as in MXNet
    try:
        return mx_cast(np.asarray(value), x.dtype)
    except (TypeError, ValueError):
        raise TypeError('NDArray does not support assignment with value %r of type %s'
                        % (value, type(value).__name__)) from None


def _is_whole(key):
    return (isinstance(key, slice) and key == slice(None)) or key is Ellipsis


def setitem(x, key, value):
    if state.recording:
        if x._entry is not None:
            raise MXNetError(ASSIGN_IN_GRAPH)
        if isinstance(value, NDArray) and value._entry is not None:
            _recorded_write(x, key, value)
            return
    if (isinstance(value, numeric_types) and x._base is None and _is_whole(key)
            and x._buf.devices().pop().platform == 'cpu'):
        # x[:] = scalar on the host: build it there, no compile per shape.
        host = np.full(x._buf.shape, mx_cast(np.array(value), x._buf.dtype))
        x._set_data(jax.device_put(host, x._buf.devices().pop()))
        return
    val = _value_array(x, value)
    cur = x._data
    if isinstance(key, (NDArray, np.ndarray, list, range)) or (
            isinstance(key, tuple) and not all(_is_basic(k) for k in key)):
        arrays, tmpl = _adv_template(key, x.ndim)
        _check_adv_bounds(x, tmpl, arrays)
        try:
            x._set_data(_advanced_set(cur, val, tuple(arrays), tmpl))
        except (TypeError, ValueError):
            jkey = _key_from(tmpl, arrays)
            _fit(val, jax.eval_shape(lambda c: c[jkey], cur).shape, key, cur)  # raises the clear error
            raise
        return
    if not _is_basic(key) and not isinstance(key, tuple):
        raise IndexError('NDArray does not support indexing with key %r of type %s'
                         % (key, type(key).__name__))
    shape = cur.shape
    starts, sizes, steps, _, out_shape = _basic_plan(shape, key)
    window = _fit(val, tuple(out_shape), key, cur)
    if tuple(out_shape) != tuple(sizes):
        window = window.reshape(tuple(sizes))
    if 0 in sizes:
        return  # an empty selection: nothing to write
    if tuple(sizes) == shape and all(s == 1 for s in steps):
        x._set_data(window)
    elif all(s == 1 for s in steps):
        x._set_data(_update_window(cur, tuple(starts), window))
    else:
        idx = tuple(slice(b, _stop(b, m, s), s) for b, m, s in zip(starts, sizes, steps))
        x._set_data(cur.at[idx].set(window))


def _recorded_write(x, key, value):
    """x[key] = value where value is on the tape: as in MXNet, only a write that covers all of x
    is allowed, and x then takes value's place in the graph (the gradient flows to value)."""
    if isinstance(key, (NDArray, np.ndarray, list, range)) or (
            isinstance(key, tuple) and not all(_is_basic(k) for k in key)):
        raise MXNetError(INPLACE_RECORDING)
    if not _is_basic(key) and not isinstance(key, tuple):
        raise IndexError('NDArray does not support indexing with key %r of type %s'
                         % (key, type(key).__name__))
    _, sizes, steps, _, out_shape = _basic_plan(x.shape, key)
    if tuple(sizes) != x.shape or any(s < 0 for s in steps):
        raise MXNetError(INPLACE_RECORDING)
    if value is x:
        return
    shape = value.shape
    while len(shape) > len(out_shape) and shape[0] == 1:
        shape = shape[1:]
    shape = (1,) * (len(out_shape) - len(shape)) + shape
    if shape != value.shape:
        value = value.reshape(shape)
    if shape != tuple(out_shape):
        try:
            value = value.broadcast_to(tuple(out_shape))
        except MXNetError:
            raise ValueError('cannot assign to x[%r]: operands could not be broadcast together: value '
                             'shape %s, requested shape %s' % (key, shape, tuple(out_shape))) from None
    if value.dtype != x.dtype:
        value = value.astype(x.dtype)
    value = value.reshape(x.shape)
    x._assign(value._data, value._entry)



@functools.partial(jax.jit, static_argnums=(3,))
def _advanced_set(cur, val, idx, template):
    key = _key_from(template, idx)
    target = cur[key].shape
    shape = val.shape
    while len(shape) > len(target) and shape[0] == 1:
        shape = shape[1:]
    return cur.at[key].set(jnp.broadcast_to(val.reshape(shape), target).astype(cur.dtype))


def _stop(begin, size, step):
    """The exclusive stop of a slice with `size` elements (None: run past index 0)."""
    stop = begin + (size - 1) * step + (1 if step > 0 else -1)
    return stop if stop >= 0 else None


def _fit(val, target, key, cur):
    """The assigned value broadcast to the indexed shape, in the array's dtype.

    NumPy's rule, as MXNet's: leading size-1 axes of the value may be dropped, then it broadcasts.
    """
    shape = tuple(val.shape)
    if shape == tuple(target) and val.dtype == cur.dtype:
        return val  # the common `x[:] = y`: nothing to broadcast or cast
    while len(shape) > len(target) and shape[0] == 1:
        shape = shape[1:]
    try:
        return _broadcast_cast(val.reshape(shape) if shape != val.shape else val, tuple(target), cur)
    except (TypeError, ValueError):
        raise ValueError('cannot assign to x[%r]: operands could not be broadcast together: value shape '
                         '%s, requested shape %s' % (key, tuple(val.shape), tuple(target))) from None
