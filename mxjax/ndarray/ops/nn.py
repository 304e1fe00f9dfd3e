"""Neural-network ops: softmax family, activations, FullyConnected, Dropout, normalizations,
Embedding and the loss-style outputs (SoftmaxOutput, softmax_cross_entropy, smooth_l1).

Ops needing Python logic (optional inputs, the training flag, a PRNG key, aux-state updates)
have a hand-written front door that validates and calls the one registered op through `invoke`.
"""
import functools
import math

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax
from jax.scipy import special

from ... import random as _rnd
from ...autograd.state import state
from ...base import MXNetError, hashable
from ..ndarray import NDArray, _wrap
from ..registry import dev_scalar, frontend, invoke, op

_F32 = np.float32
_EPS_BN = float(_F32(1e-3))        # MXNet's default eps: float32 1e-3 held in a double
_UPPER_RRELU = float(_F32(0.334))  # MXNet's default rrelu upper_bound (a float32)


def _run(o, arrays, out=None, **attrs):
    """invoke `o` with its defaults overridden by `attrs` (for the hand-written front doors)."""
    full = dict(o.attrs)
    full.update(attrs)
    key = tuple(hashable(full[k]) for k in o.attrs if k not in o.dynamic)
    dyn = tuple(dev_scalar(full[k]) for k in o.dynamic)
    return invoke(o, arrays, key, dyn, out)


def _check_arrays(opname, **arrays):
    for k, a in arrays.items():
        if not isinstance(a, NDArray):
            raise TypeError('%s: input %s must be an NDArray, got %s' % (opname, k, type(a).__name__))


def _check_kwargs(opname, kwargs):
    if kwargs:
        raise MXNetError('%s: cannot find argument %r' % (opname, min(kwargs)))


def _check_choice(opname, arg, value, valid):
    if value not in valid:
        raise MXNetError("%s: invalid %s=%r; valid values are: {%s}"
                         % (opname, arg, value, ', '.join(repr(v) for v in valid)))


def _check_float(opname, arrays):
    for k, a in arrays.items():
        if not np.issubdtype(a.dtype, np.floating):
            raise MXNetError('%s: %s must be a floating point array, got %s'
                             % (opname, k, np.dtype(a.dtype).name))


def _check_axis(opname, axis, ndim, arg='axis'):
    if not isinstance(axis, (int, np.integer)) or not -ndim <= axis < ndim:
        raise MXNetError('%s: %s=%r is out of range for an input with %d dimensions'
                         % (opname, arg, axis, ndim))


def _check_same_dtype(opname, names, arrays):
    d0 = arrays[0].dtype
    for nm, a in zip(names[1:], arrays[1:]):
        if a.dtype != d0:
            raise MXNetError("%s: this layer requires uniform type: expected %s, got %s at '%s'"
                             % (opname, np.dtype(d0).name, np.dtype(a.dtype).name, nm))


def _to_out(res, out):
    """Write a single result into out= (keeping its place on the tape)."""
    if out is None:
        return res
    out._assign(res._data, res._entry)
    return out


def _key_input(ctx, draw):
    """A PRNG key as an op input: a fresh one when `draw`, else a constant (unused) one."""
    if draw:
        return _wrap(jax.device_put(_rnd.next_key(ctx), ctx.jax_device), ctx, None)
    key = _ZERO_KEYS.get(ctx)
    if key is None:
        key = _ZERO_KEYS[ctx] = jax.device_put(np.zeros(2, np.uint32), ctx.jax_device)
    return _wrap(key, ctx, None)


_ZERO_KEYS = {}


# ---------------------------------------------------------------- softmax family
_SOFTMAX_DTYPES = (None, 'float16', 'float32', 'float64')


def _softmax_prep(data, temperature, dtype):
    out_dt = data.dtype if dtype is None else jnp.dtype(dtype)
    # Accumulate in at least float32 (MXNet uses a wider accumulation type for float16).
    cdt = jnp.promote_types(jnp.promote_types(data.dtype, out_dt), jnp.float32)
    x = data.astype(cdt)
    if temperature is not None and temperature != 1.0:
        x = x / temperature
    return x, out_dt


def _softmax(*args, axis=-1, temperature=None, dtype=None, use_length=False):
    data = args[0]
    x, out_dt = _softmax_prep(data, temperature, dtype)
    if use_length:
        ax = axis % data.ndim
        pos = lax.broadcasted_iota(jnp.int32, data.shape, ax)
        keep = pos < jnp.expand_dims(args[1], ax).astype(jnp.int32)
        x = jnp.where(keep, x, -jnp.inf)
        return jnp.where(keep, jax.nn.softmax(x, axis=axis), 0).astype(out_dt)
    return jax.nn.softmax(x, axis=axis).astype(out_dt)


def _log_softmax(data, axis=-1, temperature=None, dtype=None, use_length=False):
    x, out_dt = _softmax_prep(data, temperature, dtype)
    return jax.nn.log_softmax(x, axis=axis).astype(out_dt)


def _softmin(data, axis=-1, temperature=None, dtype=None, use_length=False):
    x, out_dt = _softmax_prep(data, temperature, dtype)
    return jax.nn.softmax(-x, axis=axis).astype(out_dt)


def _check_softmax(opname, data, attrs):
    _check_float(opname, {'data': data})
    _check_axis(opname, attrs['axis'], data.ndim)
    _check_choice(opname, 'dtype', attrs['dtype'], _SOFTMAX_DTYPES)
    t = attrs['temperature']
    if t is not None and not isinstance(t, (int, float, np.number)):
        raise MXNetError('%s: temperature=%r must be a number or None' % (opname, t))


def _check_softmax_like(name):
    def check(arrays, attrs):
        _check_softmax(name, arrays[0], attrs)
        if attrs['use_length']:
            raise MXNetError('%s: use_length=True needs a length input, which only softmax takes'
                             % name)
    return check


_softmax_op = op('softmax', inputs=('*args',))(_softmax).op
op('log_softmax', method=True, check=_check_softmax_like('log_softmax'))(_log_softmax)
op('softmin', method=True, check=_check_softmax_like('softmin'))(_softmin)


@frontend('softmax', method=True)
def softmax(data=None, length=None, axis=-1, temperature=None, dtype=None, use_length=False,
            out=None, name=None, **kwargs):
    """Softmax along `axis`; with use_length=True only the first length[...] entries count."""
    _check_kwargs('softmax', kwargs)
    _check_arrays('softmax', data=data)
    attrs = dict(axis=axis, temperature=temperature, dtype=dtype, use_length=bool(use_length))
    _check_softmax('softmax', data, attrs)
    arrays = [data]
    if use_length:
        if not isinstance(length, NDArray):
            raise MXNetError('softmax: use_length=True needs the length input (an integer NDArray)')
        if np.issubdtype(length.dtype, np.floating):
            raise MXNetError('softmax: length must be an integer array, got %s' % np.dtype(length.dtype).name)
        want = data.shape[:axis % data.ndim] + data.shape[axis % data.ndim + 1:]
        if length.shape != want:
            raise MXNetError('softmax: length has shape %s, expected %s (data shape without axis %d)'
                             % (length.shape, want, axis))
        arrays.append(length)
    elif length is not None:
        raise MXNetError('softmax: a length input was given but use_length is False')
    return _run(_softmax_op, arrays, out, **attrs)


def _softmax_activation(data, mode='instance'):
    return jax.nn.softmax(data, axis=1 if mode == 'channel' else -1)


def _check_softmax_activation(arrays, attrs):
    _check_choice('SoftmaxActivation', 'mode', attrs['mode'], ('channel', 'instance'))
    if attrs['mode'] == 'channel' and arrays[0].ndim < 2:
        raise MXNetError('SoftmaxActivation: mode=channel needs at least 2 dimensions, got shape %s'
                         % (arrays[0].shape,))


op('SoftmaxActivation', check=_check_softmax_activation)(_softmax_activation)


# ---------------------------------------------------------------- activations
def _relu(x):
    return jnp.where(x > 0, x, jnp.zeros_like(x))


def _softrelu(x):
    # MXNet switches to the identity above 20; clamp the unused branch so its gradient stays finite.
    return jnp.where(x > 20, x, jnp.log1p(jnp.exp(jnp.minimum(x, 20))))


def _softsign(x):
    return x / (1 + jnp.abs(x))


_ACTIVATIONS = {'relu': _relu, 'sigmoid': jax.nn.sigmoid, 'softrelu': _softrelu,
                'softsign': _softsign, 'tanh': jnp.tanh}


def _activation(data, act_type=None):
    return _ACTIVATIONS[act_type](data)


def _check_activation(arrays, attrs):
    _check_float('Activation', {'data': arrays[0]})
    if attrs['act_type'] is None:
        raise MXNetError('Activation: required parameter act_type is missing; valid: %s'
                         % ', '.join(sorted(_ACTIVATIONS)))
    _check_choice('Activation', 'act_type', attrs['act_type'], sorted(_ACTIVATIONS))


op('Activation', check=_check_activation)(_activation)

_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_LAMBDA = 1.0507009873554804934193349852946
_LEAKY_TYPES = ('elu', 'gelu', 'leaky', 'prelu', 'rrelu', 'selu')


def _leaky_relu(*args, act_type='leaky', slope=0.25, lower_bound=0.125,
                upper_bound=_UPPER_RRELU, training=False):
    x = args[0]
    dt = x.dtype
    slope = jnp.asarray(_F32(slope), dt)       # MXNet's slope is a float32 parameter
    xneg = jnp.where(x > 0, jnp.zeros_like(x), x)  # keeps the unused expm1 branch finite
    if act_type == 'leaky':
        return jnp.where(x > 0, x, x * slope)
    if act_type == 'elu':
        return jnp.where(x > 0, x, slope * jnp.expm1(xneg))
    if act_type == 'selu':
        neg = jnp.asarray(_SELU_ALPHA, dt) * jnp.expm1(xneg)
        return jnp.asarray(_SELU_LAMBDA, dt) * jnp.where(x > 0, x, neg)
    if act_type == 'gelu':
        # MXNet 1.9's gelu is the exact (erf) form, not the tanh approximation.
        return 0.5 * x * (1 + special.erf(x * jnp.asarray(1 / math.sqrt(2), dt)))
    if act_type == 'prelu':
        gamma = args[1]
        if gamma.size != 1 and x.ndim >= 2:
            gamma = gamma.reshape((1, -1) + (1,) * (x.ndim - 2))
        elif gamma.size == 1:
            gamma = gamma.reshape(())
        return jnp.where(x > 0, x, gamma.astype(dt) * x)
    # rrelu: a random slope per element in training, the mean slope otherwise.
    if training:
        s = jax.random.uniform(args[1], x.shape, jnp.float32, lower_bound, upper_bound).astype(dt)
    else:
        s = jnp.asarray((_F32(lower_bound) + _F32(upper_bound)) / 2, dt)
    return jnp.where(x > 0, x, s * x)


_leaky_op = op('LeakyReLU', inputs=('*args',))(_leaky_relu).op


@frontend('LeakyReLU')
def LeakyReLU(data=None, gamma=None, act_type='leaky', slope=0.25, lower_bound=0.125,
              upper_bound=_UPPER_RRELU, out=None, name=None, **kwargs):
    """Leaky/parametric/exponential ReLUs; gelu is the erf form (as MXNet 1.9).

    rrelu draws its slopes in training mode and returns only the output (MXNet's ndarray call
    also returns its internal mask there)."""
    _check_kwargs('LeakyReLU', kwargs)
    _check_arrays('LeakyReLU', data=data)
    _check_choice('LeakyReLU', 'act_type', act_type, _LEAKY_TYPES)
    _check_float('LeakyReLU', {'data': data})
    arrays = [data]
    if act_type == 'prelu':
        if gamma is None:
            raise MXNetError('LeakyReLU: act_type=prelu needs the gamma input (the slopes)')
        _check_arrays('LeakyReLU', gamma=gamma)
        chans = data.shape[1] if data.ndim >= 2 else (data.shape[0] if data.ndim else 1)
        if gamma.size not in (1, chans):
            raise MXNetError('LeakyReLU: gamma has shape %s; for prelu it needs 1 or %d elements '
                             '(data shape %s, channels on axis 1)' % (gamma.shape, chans, data.shape))
        _check_same_dtype('LeakyReLU', ('data', 'gamma'), [data, gamma])
        arrays.append(gamma)
    elif gamma is not None:
        raise MXNetError('LeakyReLU: gamma is only an input for act_type=prelu, not %r' % act_type)
    training = act_type == 'rrelu' and state.training
    if act_type == 'rrelu':
        if not lower_bound <= upper_bound:
            raise MXNetError('LeakyReLU: lower_bound=%r must not exceed upper_bound=%r'
                             % (lower_bound, upper_bound))
        if training:
            arrays.append(_key_input(data.context, True))
    return _run(_leaky_op, arrays, out, act_type=act_type, slope=float(slope),
                lower_bound=float(lower_bound), upper_bound=float(upper_bound), training=training)


# ---------------------------------------------------------------- FullyConnected
def _fully_connected(*args, num_hidden=None, no_bias=False, flatten=True):
    x, w = args[0], args[1]
    if flatten:
        x = x.reshape(x.shape[0], -1)
    y = jnp.matmul(x, w.T)
    return y if no_bias else y + args[2]


_fc_op = op('FullyConnected', inputs=('*args',))(_fully_connected).op


@frontend('FullyConnected')
def FullyConnected(data=None, weight=None, bias=None, num_hidden=None, no_bias=False, flatten=True,
                   out=None, name=None, **kwargs):
    """data (N, ...) x weight (num_hidden, K)^T + bias; flatten=False maps the last axis only."""
    _check_kwargs('FullyConnected', kwargs)
    if num_hidden is None:
        raise MXNetError('FullyConnected: required parameter num_hidden is missing')
    _check_arrays('FullyConnected', data=data, weight=weight)
    no_bias, flatten, num_hidden = bool(no_bias), bool(flatten), int(num_hidden)
    arrays = [data, weight]
    if no_bias:
        if bias is not None:
            raise MXNetError('FullyConnected: no_bias=True but a bias input was given '
                             '(it expects 2 inputs: data, weight)')
    else:
        if bias is None:
            raise MXNetError('FullyConnected: bias input is missing (it expects 3 inputs: data, '
                             'weight, bias; pass no_bias=True for none)')
        _check_arrays('FullyConnected', bias=bias)
        arrays.append(bias)
    _check_same_dtype('FullyConnected', ('data', 'weight', 'bias'), arrays)
    _check_float('FullyConnected', {'data': data})
    if data.ndim == 0:
        raise MXNetError('FullyConnected: data must have at least 1 dimension')
    k = (int(np.prod(data.shape[1:])) if data.ndim > 1 else 1) if flatten else data.shape[-1]
    if weight.shape != (num_hidden, k):
        raise MXNetError('FullyConnected: weight has shape %s, expected (num_hidden, input_dim) = %s '
                         'for data of shape %s (flatten=%s)'
                         % (weight.shape, (num_hidden, k), data.shape, flatten))
    if not no_bias and bias.shape != (num_hidden,):
        raise MXNetError('FullyConnected: bias has shape %s, expected (%d,) (num_hidden)'
                         % (bias.shape, num_hidden))
    return _run(_fc_op, arrays, out, num_hidden=num_hidden, no_bias=no_bias, flatten=flatten)


# ---------------------------------------------------------------- Dropout
def _dropout(data, key, p=0.5, mode='training', axes=(), cudnn_off=False, training=False):
    if not (training or mode == 'always') or p == 0:
        return data
    if p == 1:
        return data * jnp.nan   # MXNet's mask is 0 * (1/0): every output is NaN
    shape = tuple(1 if i in axes else s for i, s in enumerate(data.shape))
    pkeep = _F32(1) - _F32(p)
    scale = _F32(1) / pkeep   # float32, as MXNet
    keep = jax.random.uniform(key, shape, jnp.float32) < pkeep
    return data * (keep.astype(data.dtype) * jnp.asarray(scale, data.dtype))


_dropout_op = op('Dropout', inputs=('data', 'key'))(_dropout).op


@frontend('Dropout')
def Dropout(data=None, p=0.5, mode='training', axes=(), cudnn_off=False, out=None, name=None,
            **kwargs):
    """Drops with probability p and scales kept values by float32 1/(1-p), in training mode
    (autograd.is_training()) or always with mode='always'; identity otherwise.

    The mask comes from mxjax.random's stream (mx.random.seed makes it reproducible) and is
    an input of the recorded op, so backward uses the same mask."""
    _check_kwargs('Dropout', kwargs)
    _check_arrays('Dropout', data=data)
    if not isinstance(p, (int, float, np.number)) or not 0 <= p <= 1:
        raise MXNetError('Dropout: p=%r is out of bound [0, 1] (the fraction of inputs dropped)' % (p,))
    _check_choice('Dropout', 'mode', mode, ('always', 'training'))
    axes = (axes,) if isinstance(axes, (int, np.integer)) else tuple(axes)
    for a in axes:
        _check_axis('Dropout', a, data.ndim, 'axes')
    axes = tuple(sorted(int(a) % data.ndim for a in axes))
    training = bool(state.training)
    draw = (training or mode == 'always') and p > 0
    return _run(_dropout_op, [data, _key_input(data.context, draw)], out, p=float(p), mode=mode,
                axes=axes, cudnn_off=bool(cudnn_off), training=training)


# ---------------------------------------------------------------- BatchNorm
def _batch_norm(data, gamma, beta, moving_mean, moving_var, eps=_EPS_BN, momentum=0.9,
                fix_gamma=True, use_global_stats=False, output_mean_var=False, axis=1,
                cudnn_off=False, min_calib_range=None, max_calib_range=None, training=False):
    ax = axis % data.ndim
    red = tuple(i for i in range(data.ndim) if i != ax)
    bshape = tuple(-1 if i == ax else 1 for i in range(data.ndim))
    cdt = jnp.promote_types(data.dtype, jnp.float32)
    x = data.astype(cdt)
    mm = lax.stop_gradient(moving_mean).astype(cdt)
    mv = lax.stop_gradient(moving_var).astype(cdt)
    if training and not use_global_stats:
        mean = jnp.mean(x, axis=red)
        var = jnp.mean(jnp.square(x - mean.reshape(bshape)), axis=red)   # biased, as MXNet
        m = jnp.asarray(_F32(momentum), cdt)
        new_mm = mm * m + lax.stop_gradient(mean) * (1 - m)
        new_mv = mv * m + lax.stop_gradient(var) * (1 - m)
    else:
        mean, var, new_mm, new_mv = mm, mv, mm, mv
    invstd = lax.rsqrt(var + jnp.asarray(eps, cdt))
    g = jnp.ones_like(gamma, cdt) if fix_gamma else gamma.astype(cdt)
    out = (x - mean.reshape(bshape)) * (invstd * g).reshape(bshape) + beta.astype(cdt).reshape(bshape)
    return (out.astype(data.dtype), mean, invstd,
            new_mm.astype(moving_mean.dtype), new_mv.astype(moving_var.dtype))


_bn_op = op('BatchNorm', inputs=('data', 'gamma', 'beta', 'moving_mean', 'moving_var'))(_batch_norm).op


@frontend('BatchNorm')
def BatchNorm(data=None, gamma=None, beta=None, moving_mean=None, moving_var=None,
              eps=_EPS_BN, momentum=0.9, fix_gamma=True, use_global_stats=False,
              output_mean_var=False, axis=1, cudnn_off=False, min_calib_range=None,
              max_calib_range=None, out=None, name=None, **kwargs):
    """Batch normalization over every axis but `axis`.

    Training mode (autograd.is_training()) uses the batch mean and biased variance; while
    recording it also updates moving_mean/moving_var in place with
    `moving = moving * momentum + batch * (1 - momentum)` and, with fix_gamma, sets gamma to 1
    -- MXNet (CPU) does both in backward, which is the same after the usual forward+backward.
    Predict mode or use_global_stats uses the moving statistics. fix_gamma treats gamma as 1
    (zero gradient). output_mean_var also returns the mean and 1/sqrt(var + eps) used."""
    _check_kwargs('BatchNorm', kwargs)
    arrays = [data, gamma, beta, moving_mean, moving_var]
    names = ('data', 'gamma', 'beta', 'moving_mean', 'moving_var')
    _check_arrays('BatchNorm', **dict(zip(names, arrays)))
    _check_float('BatchNorm', {'data': data})
    if data.ndim < 1:
        raise MXNetError('BatchNorm: data must have at least 1 dimension')
    _check_axis('BatchNorm', axis, data.ndim)
    c = data.shape[axis % data.ndim]
    for nm, a in zip(names[1:], arrays[1:]):
        if a.shape != (c,):
            raise MXNetError('BatchNorm: %s has shape %s, expected (%d,) (data.shape[axis=%d])'
                             % (nm, a.shape, c, axis))
    if data.dtype == np.float16:
        _check_same_dtype('BatchNorm', names[1:], arrays[1:])
    else:
        _check_same_dtype('BatchNorm', names, arrays)
    if not eps > 0:
        raise MXNetError('BatchNorm: eps=%r must be positive' % (eps,))
    training = bool(state.training)
    res = _run(_bn_op, arrays, None, eps=float(eps), momentum=float(momentum),
               fix_gamma=bool(fix_gamma), use_global_stats=bool(use_global_stats),
               output_mean_var=bool(output_mean_var), axis=int(axis) % data.ndim,
               cudnn_off=bool(cudnn_off), min_calib_range=min_calib_range,
               max_calib_range=max_calib_range, training=training)
    if training and state.recording and not use_global_stats:
        moving_mean._set_data(res[3]._data)
        moving_var._set_data(res[4]._data)
        if fix_gamma:
            gamma._set_data(jnp.ones_like(gamma._data))
    if output_mean_var:
        if out is not None:
            for o, r in zip(out, res[:3]):
                _to_out(r, o)
            return out
        return res[:3]
    return _to_out(res[0], out)


# ---------------------------------------------------------------- LayerNorm, InstanceNorm
def _layer_norm(data, gamma, beta, axis=-1, eps=1e-5, output_mean_var=False):
    ax = axis % data.ndim
    bshape = tuple(-1 if i == ax else 1 for i in range(data.ndim))
    cdt = jnp.promote_types(data.dtype, jnp.float32)
    x = data.astype(cdt)
    mean = jnp.mean(x, axis=ax, keepdims=True)
    # eps is a float32 parameter in MXNet
    std = jnp.sqrt(jnp.mean(jnp.square(x - mean), axis=ax, keepdims=True) + jnp.asarray(_F32(eps), cdt))
    out = (x - mean) / std * gamma.astype(cdt).reshape(bshape) + beta.astype(cdt).reshape(bshape)
    out = out.astype(data.dtype)
    if output_mean_var:
        return out, mean.astype(data.dtype), std.astype(data.dtype)
    return out


def _check_norm_params(opname, arrays, c, what):
    for nm, a in zip(('gamma', 'beta'), arrays[1:]):
        if a.shape != (c,):
            raise MXNetError('%s: %s has shape %s, expected (%d,) (%s)' % (opname, nm, a.shape, c, what))


def _check_layer_norm(arrays, attrs):
    data = arrays[0]
    _check_float('LayerNorm', {'data': data})
    _check_axis('LayerNorm', attrs['axis'], data.ndim)
    _check_norm_params('LayerNorm', arrays, data.shape[attrs['axis'] % data.ndim],
                       'data.shape[axis=%d]' % attrs['axis'])
    _check_same_dtype('LayerNorm', ('data', 'gamma', 'beta'), arrays)


op('LayerNorm', inputs=('data', 'gamma', 'beta'), check=_check_layer_norm)(_layer_norm)


def _instance_norm(data, gamma, beta, eps=1e-3):
    red = tuple(range(2, data.ndim))
    bshape = (1, -1) + (1,) * (data.ndim - 2)
    cdt = jnp.promote_types(data.dtype, jnp.float32)
    x = data.astype(cdt)
    mean = jnp.mean(x, axis=red, keepdims=True)
    var = jnp.mean(jnp.square(x - mean), axis=red, keepdims=True)
    out = (x - mean) * lax.rsqrt(var + jnp.asarray(_F32(eps), cdt)) * gamma.astype(cdt).reshape(bshape)
    return (out + beta.astype(cdt).reshape(bshape)).astype(data.dtype)


def _check_instance_norm(arrays, attrs):
    data = arrays[0]
    _check_float('InstanceNorm', {'data': data})
    if data.ndim < 3:
        raise MXNetError('InstanceNorm: data must have at least 3 dimensions (batch, channel, '
                         'spatial...), got shape %s' % (data.shape,))
    _check_norm_params('InstanceNorm', arrays, data.shape[1], 'data.shape[1], the channels')
    _check_same_dtype('InstanceNorm', ('data', 'gamma', 'beta'), arrays)


op('InstanceNorm', inputs=('data', 'gamma', 'beta'), check=_check_instance_norm)(_instance_norm)


# ---------------------------------------------------------------- Embedding
def _embedding(data, weight, input_dim=None, output_dim=None, dtype='float32', sparse_grad=False):
    # Indices are truncated to int and clipped into [0, input_dim) as MXNet does.
    idx = jnp.clip(data.astype(jnp.int32), 0, weight.shape[0] - 1)
    return jnp.take(weight, idx, axis=0)


def _check_embedding(arrays, attrs):
    weight = arrays[1]
    for k in ('input_dim', 'output_dim'):
        if attrs[k] is None:
            raise MXNetError('Embedding: required parameter %s is missing' % k)
    want = (int(attrs['input_dim']), int(attrs['output_dim']))
    if weight.shape != want:
        raise MXNetError('Embedding: weight has shape %s, expected (input_dim, output_dim) = %s'
                         % (weight.shape, want))
    _check_choice('Embedding', 'dtype', attrs['dtype'],
                  ('bfloat16', 'float16', 'float32', 'float64', 'int32', 'int64', 'int8', 'uint8'))


op('Embedding', inputs=('data', 'weight'), check=_check_embedding)(_embedding)


# ---------------------------------------------------------------- SoftmaxOutput & losses
@functools.partial(jax.custom_vjp, nondiff_argnums=(3,))
def _softmax_grad_out(x, label, scale, cfg):
    return jax.nn.softmax(x, axis=1)


def _sgo_fwd(x, label, scale, cfg):
    p = jax.nn.softmax(x, axis=1)
    return p, (p, label, scale)


def _sgo_bwd(cfg, res, g):
    """MXNet's SoftmaxOutput backward: (softmax - target) * scale, ignoring the head gradient."""
    p, label, scale = res
    use_ignore, ignore_label, out_grad, smooth_alpha = cfg
    c = p.shape[1]
    lab = label.astype(jnp.int32)
    classes = lax.broadcasted_iota(jnp.int32, p.shape, 1)
    hot = (classes == jnp.expand_dims(lab, 1)).astype(p.dtype)
    if smooth_alpha:
        a = _F32(smooth_alpha)                    # float32 parameter and arithmetic, as MXNet
        target = hot * (_F32(1) - a) + (1 - hot) * (a / _F32(c - 1))
    else:
        target = hot
    grad = (p - target) * scale.astype(p.dtype)
    if use_ignore:
        grad = jnp.where(jnp.expand_dims(lab, 1) == int(ignore_label), 0, grad)
    if out_grad:
        grad = grad * g
    if jnp.issubdtype(label.dtype, jnp.floating):
        dlabel = jnp.zeros_like(label)
    else:
        dlabel = np.zeros(label.shape, jax.dtypes.float0)
    return grad, dlabel, jnp.zeros_like(scale)


_softmax_grad_out.defvjp(_sgo_fwd, _sgo_bwd)


def _softmax_output(data, label, grad_scale=1.0, ignore_label=-1.0, multi_output=False,
                    use_ignore=False, preserve_shape=False, normalization='null', out_grad=False,
                    smooth_alpha=0.0):
    shape = data.shape
    n = shape[0]
    valid = jnp.maximum(jnp.sum(label.astype(jnp.int32) != int(ignore_label)), 1)
    if multi_output:
        x = data.reshape(n, shape[1], -1)                 # softmax over axis 1 per position
        lab = label.reshape(n, -1)
        spatial = x.shape[2]
        div = {'null': spatial, 'batch': spatial * n}.get(normalization, valid)
    else:
        x = data.reshape(-1, shape[-1]) if preserve_shape else data.reshape(n, -1)
        lab = label.reshape(-1)[:x.shape[0]]
        div = {'null': 1, 'batch': x.shape[0]}.get(normalization, valid)
    scale = jnp.asarray(grad_scale, jnp.float32) / div
    cfg = (bool(use_ignore), float(ignore_label), bool(out_grad), float(smooth_alpha))
    return _softmax_grad_out(x, lab, scale, cfg).reshape(shape)


def _check_softmax_output(arrays, attrs):
    data, label = arrays
    _check_float('SoftmaxOutput', {'data': data})
    _check_same_dtype('SoftmaxOutput', ('data', 'label'), arrays)
    _check_choice('SoftmaxOutput', 'normalization', attrs['normalization'], ('batch', 'null', 'valid'))
    if data.ndim < 2:
        raise MXNetError('SoftmaxOutput: data must have at least 2 dimensions, got shape %s'
                         % (data.shape,))
    if attrs['multi_output']:
        want = data.size // data.shape[1]
        what = 'data.shape without axis 1'
    else:
        want = data.size // data.shape[-1]
        what = 'data.shape[:-1]'
    if label.size != want:
        raise MXNetError('SoftmaxOutput: label has shape %s, expected %d labels (%s of %s)'
                         % (label.shape, want, what, data.shape))


op('SoftmaxOutput', inputs=('data', 'label'), aliases=('Softmax',),
   check=_check_softmax_output)(_softmax_output)


def _softmax_cross_entropy(data, label):
    logp = jax.nn.log_softmax(data.astype(jnp.promote_types(data.dtype, jnp.float32)), axis=1)
    idx = jnp.clip(label.astype(jnp.int32), 0, data.shape[1] - 1)
    picked = jnp.take_along_axis(logp, idx[:, None], axis=1)
    return (-jnp.sum(picked)).reshape(1).astype(data.dtype)


def _check_softmax_cross_entropy(arrays, attrs):
    data, label = arrays
    _check_float('softmax_cross_entropy', {'data': data})
    _check_same_dtype('softmax_cross_entropy', ('data', 'label'), arrays)
    if data.ndim != 2:
        raise MXNetError('softmax_cross_entropy: data must be 2-D (batch, classes), got shape %s'
                         % (data.shape,))
    if label.shape != (data.shape[0],):
        raise MXNetError('softmax_cross_entropy: label has shape %s, expected (%d,) (one label per '
                         'row of data)' % (label.shape, data.shape[0]))


op('softmax_cross_entropy', inputs=('data', 'label'),
   check=_check_softmax_cross_entropy)(_softmax_cross_entropy)


def _smooth_l1(data, scalar=1.0):
    s2 = jnp.square(scalar.astype(data.dtype))
    inv = 1 / s2
    quad = 0.5 * s2 * jnp.square(data)
    return jnp.where(data > inv, data - 0.5 * inv, jnp.where(data < -inv, -data - 0.5 * inv, quad))


op('smooth_l1', dynamic=('scalar',))(_smooth_l1)
