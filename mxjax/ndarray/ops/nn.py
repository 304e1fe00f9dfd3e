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
from ..registry import frontend, invoke, op

_F32 = np.float32
_EPS_BN = float(_F32(1e-3))        # MXNet's default eps: float32 1e-3 held in a double
_UPPER_RRELU = float(_F32(0.334))  # MXNet's default rrelu upper_bound (a float32)


def _run(o, arrays, out=None, **attrs):
    """invoke `o` with its defaults overridden by `attrs` (for the hand-written front doors)."""
    full = dict(o.attrs)
    full.update(attrs)
    key = tuple(hashable(full[k]) for k in o.attrs if k not in o.dynamic)
    return invoke(o, arrays, key, o.dyn_values(full), out)


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
    # temperature: a traced scalar (1.0 for None; x / 1.0 is x exactly), so no compile per value
    return data.astype(cdt) / temperature.astype(cdt), out_dt


# The softmax family takes (data[, length], temperature): the temperature, a dynamic attribute,
# comes after the arrays.
def _softmax(*args, axis=-1, temperature=None, dtype=None, use_length=False):
    data = args[0]
    x, out_dt = _softmax_prep(data, args[-1], dtype)
    if use_length:
        ax = axis % data.ndim
        pos = lax.broadcasted_iota(jnp.int32, data.shape, ax)
        keep = pos < jnp.expand_dims(args[1], ax).astype(jnp.int32)
        x = jnp.where(keep, x, -jnp.inf)
        return jnp.where(keep, jax.nn.softmax(x, axis=axis), 0).astype(out_dt)
    return jax.nn.softmax(x, axis=axis).astype(out_dt)


def _log_softmax(*args, axis=-1, temperature=None, dtype=None, use_length=False):
    x, out_dt = _softmax_prep(args[0], args[-1], dtype)
    return jax.nn.log_softmax(x, axis=axis).astype(out_dt)


def _softmin(*args, axis=-1, temperature=None, dtype=None, use_length=False):
    x, out_dt = _softmax_prep(args[0], args[-1], dtype)
    return jax.nn.softmax(-x, axis=axis).astype(out_dt)


def _check_softmax(opname, data, attrs):
    _check_float(opname, {'data': data})
    _check_axis(opname, attrs['axis'], data.ndim)
    _check_choice(opname, 'dtype', attrs['dtype'], _SOFTMAX_DTYPES)
    t = attrs['temperature']
    if t is not None and (isinstance(t, bool) or not isinstance(t, (int, float, np.number))):
        raise MXNetError('%s: temperature=%r must be a number or None' % (opname, t))


_TEMPERATURE = {'temperature': 1.0}   # dynamic; None stands for 1.0
_softmax_op = op('softmax', inputs=('*args',), dynamic=_TEMPERATURE)(_softmax).op


def _softmax_like(name, fn):
    o = op(name, inputs=('*args',), dynamic=_TEMPERATURE)(fn).op

    @frontend(name, method=True)
    def f(data=None, axis=-1, temperature=None, dtype=None, use_length=False, out=None, name=None,
          **kwargs):
        _check_kwargs(o.name, kwargs)
        _check_arrays(o.name, data=data)
        attrs = dict(axis=axis, temperature=temperature, dtype=dtype, use_length=bool(use_length))
        _check_softmax(o.name, data, attrs)
        if attrs['use_length']:
            raise MXNetError('%s: use_length=True needs a length input, which only softmax takes'
                             % o.name)
        return _run(o, [data], out, **attrs)
    f.__name__ = name
    return f


log_softmax = _softmax_like('log_softmax', _log_softmax)
softmin = _softmax_like('softmin', _softmin)


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
    # NaN in, NaN out with a NaN gradient (MXNet's reference kernel; its float32 oneDNN one gives 0)
    m = jnp.isnan(x)
    return jnp.where(m, x * lax.stop_gradient(jnp.where(m, x, 0)), jnp.where(x > 0, x, jnp.zeros_like(x)))


def _softrelu(x):
    # MXNet switches to the identity above 20; clamp the unused branch so its gradient stays finite.
    return jnp.where(x > 20, x, jnp.log1p(jnp.exp(jnp.minimum(x, 20))))


@jax.custom_jvp
def _softsign(x):
    return x / (1 + jnp.abs(x))


# MXNet's gradient 1 / (1 + |x|)^2: 0 at +-inf, where differentiating the quotient gives NaN.
_softsign.defjvp(lambda p, t: (_softsign(p[0]), t[0] / jnp.square(1 + jnp.abs(p[0]))))

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
    k = (math.prod(data.shape[1:]) if data.ndim > 1 else 1) if flatten else data.shape[-1]
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
    # p is a traced operand (a new rate never recompiles). p == 0 keeps everything (the key is a
    # constant then); p == 1 gives 0 * (1/0) = NaN everywhere, as MXNet's mask does.
    if not (training or mode == 'always'):
        return data
    shape = tuple(1 if i in axes else s for i, s in enumerate(data.shape))
    pkeep = jnp.float32(1) - jnp.asarray(p).astype(jnp.float32)
    scale = jnp.float32(1) / pkeep   # float32, as MXNet
    keep = jax.random.uniform(key, shape, jnp.float32) < pkeep
    mask = jnp.where(pkeep > 0, keep.astype(data.dtype) * scale.astype(data.dtype), jnp.nan)
    return data * mask


_dropout_op = op('Dropout', inputs=('data', 'key'), dynamic=('p',))(_dropout).op


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


# ---------------------------------------------------------------- Sequence{Mask,Last,Reverse}
def _seq_lengths(args, data, axis, use_sequence_length):
    """Per-batch lengths (int32, clipped into [0, T]) or None; float lengths truncate as MXNet."""
    if not use_sequence_length:
        return None
    return jnp.clip(args[1].astype(jnp.int32), 0, data.shape[axis])


def _seq_positions(data, axis):
    """The sequence index of every element, broadcast against data's first two axes."""
    pos = lax.broadcasted_iota(jnp.int32, data.shape[:2], axis)
    return pos.reshape(data.shape[:2] + (1,) * (data.ndim - 2))


def _seq_batch(lengths, data, axis):
    """lengths shaped to broadcast against data (batch on axis 1 - axis)."""
    shape = [1] * data.ndim
    shape[1 - axis] = data.shape[1 - axis]
    return lengths.reshape(shape)


def _sequence_mask(*args, use_sequence_length=False, value=0.0, axis=0):
    data, value = args[0], args[-1]   # value: the dynamic scalar, after the arrays
    n = _seq_lengths(args, data, axis, use_sequence_length)
    if n is None:
        return data
    keep = _seq_positions(data, axis) < _seq_batch(n, data, axis)
    return jnp.where(keep, data, value.astype(data.dtype))


def _sequence_last(*args, use_sequence_length=False, axis=0):
    data = args[0]
    n = _seq_lengths(args, data, axis, use_sequence_length)
    if n is None:
        return jnp.take(data, data.shape[axis] - 1, axis=axis)
    idx = jnp.maximum(n - 1, 0)    # a zero length reads garbage in MXNet; here the first step
    idx = _seq_batch(idx, data, axis)
    return jnp.squeeze(jnp.take_along_axis(data, idx, axis=axis), axis)


def _sequence_reverse(*args, use_sequence_length=False, axis=0):
    data = args[0]
    n = _seq_lengths(args, data, axis, use_sequence_length)
    if n is None:
        return jnp.flip(data, axis)
    pos = _seq_positions(data, axis)
    nb = _seq_batch(n, data, axis)
    src = jnp.where(pos < nb, nb - 1 - pos, pos)   # reverse the first n steps, keep the rest
    return jnp.take_along_axis(data, jnp.broadcast_to(src, data.shape), axis=axis)


def _sequence_frontend(name, o, axes, data, sequence_length, use_sequence_length, axis, out,
                       kwargs, **extra):
    _check_kwargs(name, kwargs)
    _check_arrays(name, data=data)
    if data.ndim < 2:
        raise MXNetError('%s: data must have at least 2 dimensions (sequence, batch, ...), got '
                         'shape %s' % (name, data.shape))
    if axis not in axes:
        raise MXNetError('%s: axis=%r is not supported; valid values are: %s'
                         % (name, axis, ', '.join(str(a) for a in axes)))
    arrays = [data]
    if use_sequence_length:
        if not isinstance(sequence_length, NDArray):
            raise MXNetError('%s: use_sequence_length=True needs the sequence_length input '
                             '(one length per batch element)' % name)
        batch = data.shape[1 - axis]
        if sequence_length.shape != (batch,):
            raise MXNetError('%s: sequence_length has shape %s, expected (%d,) (the batch size, '
                             'data.shape[%d])' % (name, sequence_length.shape, batch, 1 - axis))
        arrays.append(sequence_length)
    elif sequence_length is not None:
        raise MXNetError('%s: a sequence_length input was given but use_sequence_length is False'
                         % name)
    return _run(o, arrays, out, use_sequence_length=bool(use_sequence_length), axis=int(axis),
                **extra)


_seq_mask_op = op('SequenceMask', inputs=('*args',), dynamic=('value',))(_sequence_mask).op
_seq_last_op = op('SequenceLast', inputs=('*args',))(_sequence_last).op
_seq_reverse_op = op('SequenceReverse', inputs=('*args',))(_sequence_reverse).op


@frontend('SequenceMask')
def SequenceMask(data=None, sequence_length=None, use_sequence_length=False, value=0.0, axis=0,
                 out=None, name=None, **kwargs):
    """Sets steps at or beyond each sequence's length to `value` (axis 0 or 1 is the sequence).

    Lengths are truncated to integers; lengths outside [0, T] are clipped (MXNet reads or
    writes out of bounds)."""
    return _sequence_frontend('SequenceMask', _seq_mask_op, (0, 1), data, sequence_length,
                              use_sequence_length, axis, out, kwargs, value=float(value))


@frontend('SequenceLast')
def SequenceLast(data=None, sequence_length=None, use_sequence_length=False, axis=0, out=None,
                 name=None, **kwargs):
    """The last valid step of each sequence; a length of 0 gives the first step (MXNet reads
    out of bounds)."""
    return _sequence_frontend('SequenceLast', _seq_last_op, (0, 1), data, sequence_length,
                              use_sequence_length, axis, out, kwargs)


@frontend('SequenceReverse')
def SequenceReverse(data=None, sequence_length=None, use_sequence_length=False, axis=0, out=None,
                    name=None, **kwargs):
    """Reverses the first length steps of each sequence (axis 0 only), leaving the rest."""
    return _sequence_frontend('SequenceReverse', _seq_reverse_op, (0,), data, sequence_length,
                              use_sequence_length, axis, out, kwargs)


# ---------------------------------------------------------------- hard_sigmoid
def _hard_sigmoid(data, alpha=0.2, beta=0.5):
    dt = data.dtype
    y = data * jnp.asarray(_F32(alpha), dt) + jnp.asarray(_F32(beta), dt)
    # MXNet's gradient is alpha strictly inside (0, 1) and 0 at and beyond both ends.
    return jnp.where(y <= 0, jnp.zeros_like(y), jnp.where(y >= 1, jnp.ones_like(y), y))


def _check_hard_sigmoid(arrays, attrs):
    _check_float('hard_sigmoid', {'data': arrays[0]})


op('hard_sigmoid', check=_check_hard_sigmoid)(_hard_sigmoid)


# ---------------------------------------------------------------- L2Normalization
_EPS_L2 = float(_F32(1e-10))
_L2_MODES = ('channel', 'instance', 'spatial')


def _l2_normalization(data, eps=_EPS_L2, mode='instance'):
    red = {'instance': tuple(range(1, data.ndim)), 'channel': (1,),
           'spatial': tuple(range(2, data.ndim))}[mode]
    norm = jnp.sqrt(jnp.sum(jnp.square(data), axis=red, keepdims=True) + jnp.asarray(eps, data.dtype))
    return data / norm


def _check_l2_normalization(arrays, attrs):
    data = arrays[0]
    _check_float('L2Normalization', {'data': data})
    _check_choice('L2Normalization', 'mode', attrs['mode'], _L2_MODES)
    if attrs['mode'] != 'instance' and data.ndim < 3:
        raise MXNetError('L2Normalization: mode=%s needs at least 3 dimensions, got shape %s'
                         % (attrs['mode'], data.shape))


op('L2Normalization', check=_check_l2_normalization)(_l2_normalization)


# ---------------------------------------------------------------- GroupNorm
def _group_norm(data, gamma, beta, num_groups=1, eps=float(_F32(1e-5)), output_mean_var=False):
    n = data.shape[0]
    cdt = jnp.promote_types(data.dtype, jnp.float32)
    x = data.astype(cdt).reshape((n, num_groups, -1))
    mean = jnp.mean(x, axis=2, keepdims=True)
    std = jnp.sqrt(jnp.mean(jnp.square(x - mean), axis=2, keepdims=True) + jnp.asarray(eps, cdt))
    # MXNet 1.9.1's gamma and beta hold one value per group, not per channel.
    y = (x - mean) / std * gamma.astype(cdt).reshape(1, -1, 1) + beta.astype(cdt).reshape(1, -1, 1)
    out = y.reshape(data.shape).astype(data.dtype)
    if output_mean_var:
        return out, mean[..., 0].astype(data.dtype), std[..., 0].astype(data.dtype)
    return out


def _check_group_norm(arrays, attrs):
    data = arrays[0]
    _check_float('GroupNorm', {'data': data})
    if data.ndim < 3:
        raise MXNetError('GroupNorm: data must have at least 3 dimensions (batch, channel, '
                         'spatial...), got shape %s' % (data.shape,))
    g = attrs['num_groups']
    if not isinstance(g, (int, np.integer)) or g < 1 or data.shape[1] % g:
        raise MXNetError('GroupNorm: num_groups=%r must be a positive divisor of the %d channels '
                         '(data.shape[1])' % (g, data.shape[1]))
    _check_norm_params('GroupNorm', arrays, g, 'num_groups: one value per group')
    _check_same_dtype('GroupNorm', ('data', 'gamma', 'beta'), arrays)


op('GroupNorm', inputs=('data', 'gamma', 'beta'), check=_check_group_norm)(_group_norm)


# ---------------------------------------------------------------- LRN
def _lrn(data, alpha=float(_F32(1e-4)), beta=0.75, knorm=2.0, nsize=None):
    # MXNet's window is (nsize - 1) // 2 channels on each side, and alpha is divided by nsize.
    h = (nsize - 1) // 2
    cdt = jnp.promote_types(data.dtype, jnp.float32)
    x = data.astype(cdt)
    c = x.shape[1]
    sq = jnp.pad(jnp.square(x), ((0, 0), (h, h), (0, 0), (0, 0)))
    s = functools.reduce(jnp.add, [sq[:, j:j + c] for j in range(2 * h + 1)])
    a, b, k = (jnp.asarray(_F32(v), cdt) for v in (alpha, beta, knorm))
    return (x * jnp.power(k + a / nsize * s, -b)).astype(data.dtype)


def _check_lrn(arrays, attrs):
    data = arrays[0]
    _check_float('LRN', {'data': data})
    if attrs['nsize'] is None:
        raise MXNetError('LRN: required parameter nsize (the window width in channels) is missing')
    if not isinstance(attrs['nsize'], (int, np.integer)) or attrs['nsize'] < 1:
        raise MXNetError('LRN: nsize=%r must be a positive integer' % (attrs['nsize'],))
    if data.ndim != 4:
        raise MXNetError('LRN: data must be 4-D (batch, channel, height, width), got shape %s'
                         % (data.shape,))


op('LRN', check=_check_lrn)(_lrn)


# ---------------------------------------------------------------- regression and SVM outputs
def _zero_cotangent(a):
    if jnp.issubdtype(a.dtype, jnp.floating):
        return jnp.zeros_like(a)
    return np.zeros(a.shape, jax.dtypes.float0)


@functools.partial(jax.custom_vjp, nondiff_argnums=(2, 3))
def _regression(x, label, kind, grad_scale):
    return jax.nn.sigmoid(x) if kind == 'logistic' else x


def _regression_fwd(x, label, kind, grad_scale):
    y = _regression(x, label, kind, grad_scale)
    return y, (y, label)


def _regression_bwd(kind, grad_scale, res, g):
    """MXNet's backward: (out - label) * grad_scale / (outputs per sample); the head gradient is
    ignored. MAE uses sign(out - label), which is -1 where they are equal, as MXNet."""
    y, label = res
    d = y - label.reshape(y.shape).astype(y.dtype)
    if kind == 'mae':
        d = jnp.where(d > 0, jnp.ones_like(d), -jnp.ones_like(d))
    per_sample = y.size // y.shape[0] if y.ndim else 1
    return d * jnp.asarray(_F32(grad_scale) / _F32(per_sample), y.dtype), _zero_cotangent(label)


_regression.defvjp(_regression_fwd, _regression_bwd)


def _regression_op(kind):
    def fn(data, label, grad_scale=1.0):
        return _regression(data, label, kind, float(grad_scale))
    return fn


def _check_regression(name):
    def check(arrays, attrs):
        data, label = arrays
        _check_float(name, {'data': data})
        _check_same_dtype(name, ('data', 'label'), arrays)
        if data.ndim == 0 or label.ndim == 0 or label.shape[0] != data.shape[0] \
                or label.size != data.size:
            raise MXNetError('%s: label has shape %s; it needs the shape of data %s (or the same '
                             'batch size and number of elements)' % (name, label.shape, data.shape))
    return check


for _name, _kind in (('LinearRegressionOutput', 'linear'), ('MAERegressionOutput', 'mae'),
                     ('LogisticRegressionOutput', 'logistic')):
    op(_name, inputs=('data', 'label'), check=_check_regression(_name))(_regression_op(_kind))


@functools.partial(jax.custom_vjp, nondiff_argnums=(2,))
def _svm(x, label, cfg):
    return x


def _svm_fwd(x, label, cfg):
    return x, (x, label)


def _svm_bwd(cfg, res, g):
    """MXNet's SVMOutput backward (head gradient ignored): hinge (L1) or squared hinge (L2)
    gradients of margin violations, scaled by regularization_coefficient."""
    x, label = res
    margin, reg, use_linear = cfg
    dt = x.dtype
    m, r = jnp.asarray(_F32(margin), dt), jnp.asarray(_F32(reg), dt)
    x2 = x.reshape(-1, x.shape[-1])
    hot = lax.broadcasted_iota(jnp.int32, x2.shape, 1) == label.reshape(-1, 1).astype(jnp.int32)
    if use_linear:
        own = jnp.where(m > x2, -r, 0)
        other = jnp.where(m > -x2, r, 0)
    else:
        own = jnp.where(m > x2, -2 * r * (m - x2), 0)
        other = jnp.where(m > -x2, 2 * r * (m + x2), 0)
    return jnp.where(hot, own, other).astype(dt).reshape(x.shape), _zero_cotangent(label)


_svm.defvjp(_svm_fwd, _svm_bwd)


def _svm_output(data, label, margin=1.0, regularization_coefficient=1.0, use_linear=False):
    return _svm(data, label, (float(margin), float(regularization_coefficient), bool(use_linear)))


def _check_svm_output(arrays, attrs):
    data, label = arrays
    _check_float('SVMOutput', {'data': data})
    _check_same_dtype('SVMOutput', ('data', 'label'), arrays)
    if data.ndim < 2 or label.shape != data.shape[:-1]:
        raise MXNetError('SVMOutput: label has shape %s, expected %s (data.shape[:-1] of data %s; '
                         'data needs at least 2 dimensions)'
                         % (label.shape, data.shape[:-1], data.shape))


op('SVMOutput', inputs=('data', 'label'), check=_check_svm_output)(_svm_output)


# ---------------------------------------------------------------- UpSampling
def _upsampling(*args, scale=1, num_filter=0, sample_type='nearest', multi_input_mode='concat'):
    if sample_type == 'bilinear':
        x, w = args
        # MXNet's bilinear mode is a depthwise Deconvolution (kernel 2s - s%2, stride s,
        # pad ceil((s-1)/2) = s//2) with the weight input w.
        k, p = w.shape[2], scale // 2
        return lax.conv_general_dilated(
            x, jnp.flip(w, (2, 3)).astype(x.dtype), (1, 1), [(k - 1 - p, k - 1 - p)] * 2,
            lhs_dilation=(scale, scale), dimension_numbers=('NCHW', 'OIHW', 'NCHW'),
            feature_group_count=x.shape[1])
    oh, ow = args[0].shape[2] * scale, args[0].shape[3] * scale
    ups = [jnp.repeat(jnp.repeat(a, oh // a.shape[2], axis=2), ow // a.shape[3], axis=3) for a in args]
    if multi_input_mode == 'sum':
        return functools.reduce(jnp.add, ups)
    return jnp.concatenate(ups, axis=1)


_upsampling_op = op('UpSampling', inputs=('*data',))(_upsampling).op


@frontend('UpSampling')
def UpSampling(*data, scale=None, num_filter=0, sample_type=None, multi_input_mode='concat',
               num_args=None, workspace=512, out=None, name=None, **kwargs):
    """Nearest: each NCHW input repeated up to (H*scale, W*scale) of the first one, then
    concatenated on channels (or summed). Bilinear: inputs (data, weight), a depthwise
    transposed convolution with weight (C, 1, 2*scale - scale % 2, same), as MXNet."""
    _check_kwargs('UpSampling', kwargs)
    if scale is None:
        raise MXNetError('UpSampling: required parameter scale is missing')
    if sample_type is None:
        raise MXNetError("UpSampling: required parameter sample_type is missing; valid values "
                         "are: {'bilinear', 'nearest'}")
    _check_choice('UpSampling', 'sample_type', sample_type, ('bilinear', 'nearest'))
    _check_choice('UpSampling', 'multi_input_mode', multi_input_mode, ('concat', 'sum'))
    if not isinstance(scale, (int, np.integer)) or scale < 1:
        raise MXNetError('UpSampling: scale=%r must be a positive integer' % (scale,))
    data = list(data[0]) if len(data) == 1 and isinstance(data[0], (list, tuple)) else list(data)
    if not data:
        raise MXNetError('UpSampling: needs at least one input')
    if num_args is not None and num_args != len(data):
        raise MXNetError('UpSampling: num_args=%r but %d inputs were given' % (num_args, len(data)))
    _check_arrays('UpSampling', **{'data[%d]' % i: a for i, a in enumerate(data)})
    _check_float('UpSampling', {'data': data[0]})
    for i, a in enumerate(data if sample_type == 'nearest' else data[:1]):
        if a.ndim != 4:
            raise MXNetError('UpSampling: input %d must be 4-D (batch, channel, height, width), got '
                             'shape %s' % (i, a.shape))
    _check_same_dtype('UpSampling', ['data[%d]' % i for i in range(len(data))], data)
    x = data[0]
    if sample_type == 'bilinear':
        if len(data) != 2:
            raise MXNetError('UpSampling: sample_type=bilinear takes 2 inputs (data, weight), got %d'
                             % len(data))
        k = 2 * scale - scale % 2
        if num_filter != x.shape[1]:
            raise MXNetError('UpSampling: bilinear needs num_filter=%d (the channels of data), got %r'
                             % (x.shape[1], num_filter))
        if data[1].shape != (num_filter, 1, k, k):
            raise MXNetError('UpSampling: weight has shape %s, expected %s (num_filter, 1, '
                             '2*scale - scale%%2, 2*scale - scale%%2)'
                             % (data[1].shape, (num_filter, 1, k, k)))
    else:
        oh, ow = x.shape[2] * scale, x.shape[3] * scale
        for i, a in enumerate(data):
            if oh % a.shape[2] or ow % a.shape[3]:
                raise MXNetError('UpSampling: input %d has spatial shape %s, which does not divide '
                                 'the output %s' % (i, a.shape[2:], (oh, ow)))
            if multi_input_mode == 'sum' and a.shape[:2] != x.shape[:2]:
                raise MXNetError("UpSampling: multi_input_mode='sum' needs equal (batch, channel) "
                                 "shapes; input %d has %s, input 0 has %s" % (i, a.shape[:2], x.shape[:2]))
            if a.shape[0] != x.shape[0]:
                raise MXNetError('UpSampling: input %d has batch size %d, input 0 has %d'
                                 % (i, a.shape[0], x.shape[0]))
    return _run(_upsampling_op, data, out, scale=int(scale), num_filter=int(num_filter),
                sample_type=sample_type,
                multi_input_mode=multi_input_mode if len(data) > 1 else 'concat')


# ---------------------------------------------------------------- im2col, col2im
def _conv_geometry(ndim, kernel, stride, dilate, pad):
    k = tuple(kernel)
    return (k, tuple(stride) or (1,) * len(k), tuple(dilate) or (1,) * len(k),
            tuple(pad) or (0,) * len(k))


def _block_slices(shape, k, s, d):
    """(kernel position, slices of the padded image it sees for every block), per position."""
    outs = [(shape[i] - d[i] * (k[i] - 1) - 1) // s[i] + 1 for i in range(len(k))]
    return outs, [(ki, (slice(None), slice(None)) + tuple(
        slice(ki[j] * d[j], ki[j] * d[j] + (outs[j] - 1) * s[j] + 1, s[j]) for j in range(len(k))))
        for ki in np.ndindex(*k)]


def _im2col(data, kernel=(), stride=(), dilate=(), pad=()):
    k, s, d, p = _conv_geometry(data.ndim, kernel, stride, dilate, pad)
    x = jnp.pad(data, [(0, 0), (0, 0)] + [(q, q) for q in p])
    _, slices = _block_slices(x.shape[2:], k, s, d)
    # Rows are ordered (channel, kernel position), as MXNet's im2col.
    cols = jnp.stack([x[sl] for _, sl in slices], axis=2)
    return cols.reshape((x.shape[0], -1, int(np.prod(cols.shape[3:]))))


def _col2im(data, output_size=(), kernel=(), stride=(), dilate=(), pad=()):
    k, s, d, p = _conv_geometry(len(output_size) + 2, kernel, stride, dilate, pad)
    n, c = data.shape[0], data.shape[1] // int(np.prod(k))
    padded = tuple(o + 2 * q for o, q in zip(output_size, p))
    outs, slices = _block_slices(padded, k, s, d)
    cols = data.reshape((n, c, len(slices)) + tuple(outs))
    # col2im sums the overlapping blocks back into the image (the adjoint of im2col).
    x = jnp.zeros((n, c) + padded, data.dtype)
    for i, (_, sl) in enumerate(slices):
        x = x.at[sl].add(cols[:, :, i])
    return x[(slice(None), slice(None)) + tuple(slice(q, q + o) for q, o in zip(p, output_size))]


def _out_sizes(opname, spatial, attrs):
    k, s, d, p = _conv_geometry(len(spatial) + 2, attrs['kernel'], attrs['stride'],
                                attrs['dilate'], attrs['pad'])
    for nm, v in (('stride', s), ('dilate', d), ('pad', p)):
        if len(v) != len(k):
            raise MXNetError('%s: %s=%s must have %d values like kernel=%s'
                             % (opname, nm, v, len(k), k))
        if any(x < (0 if nm == 'pad' else 1) for x in v):
            raise MXNetError('%s: %s=%s has values out of range' % (opname, nm, v))
    out = []
    for i, n in enumerate(spatial):
        dk = d[i] * (k[i] - 1) + 1
        if dk > n + 2 * p[i]:
            raise MXNetError('%s: the dilated kernel (%d) exceeds the padded input (%d) on spatial '
                             'axis %d' % (opname, dk, n + 2 * p[i], i))
        out.append((n + 2 * p[i] - dk) // s[i] + 1)
    return out


def _check_kernel(opname, attrs):
    k = attrs['kernel']
    if not k:
        raise MXNetError('%s: required parameter kernel is missing ((w,), (h, w) or (d, h, w))'
                         % opname)
    if not 1 <= len(k) <= 3 or any(not isinstance(v, (int, np.integer)) or v < 1 for v in k):
        raise MXNetError('%s: kernel=%s must be 1 to 3 positive sizes' % (opname, k))


def _check_im2col(arrays, attrs):
    data = arrays[0]
    _check_float('im2col', {'data': data})
    _check_kernel('im2col', attrs)
    if data.ndim != len(attrs['kernel']) + 2:
        raise MXNetError('im2col: data has shape %s; kernel=%s needs %d-D data (batch, channel, '
                         'spatial...)' % (data.shape, attrs['kernel'], len(attrs['kernel']) + 2))
    _out_sizes('im2col', data.shape[2:], attrs)


def _check_col2im(arrays, attrs):
    data = arrays[0]
    _check_float('col2im', {'data': data})
    _check_kernel('col2im', attrs)
    k, size = attrs['kernel'], attrs['output_size']
    if not size or len(size) != len(k):
        raise MXNetError('col2im: output_size=%s must be given with %d values like kernel=%s'
                         % (size, len(k), k))
    if data.ndim != 3:
        raise MXNetError('col2im: data must be 3-D (batch, channel * prod(kernel), blocks), got '
                         'shape %s' % (data.shape,))
    if data.shape[1] % int(np.prod(k)):
        raise MXNetError('col2im: data.shape[1]=%d must be a multiple of prod(kernel=%s)'
                         % (data.shape[1], k))
    blocks = int(np.prod(_out_sizes('col2im', size, attrs)))
    if data.shape[2] != blocks:
        raise MXNetError('col2im: data.shape[2]=%d does not match the %d blocks that kernel, '
                         'stride, dilate and pad give for output_size=%s'
                         % (data.shape[2], blocks, size))


def _tuple_attrs(fn):
    """Shape attributes arrive as ints, lists or tuples; key the jit cache on tuples."""
    def check(arrays, attrs):
        for nm in ('output_size', 'kernel', 'stride', 'dilate', 'pad'):
            if nm in attrs and isinstance(attrs[nm], (int, np.integer)):
                raise MXNetError('%s=%r must be a tuple' % (nm, attrs[nm]))
        fn(arrays, attrs)
    return check


op('im2col', check=_tuple_attrs(_check_im2col))(_im2col)
op('col2im', check=_tuple_attrs(_check_col2im))(_col2im)


# ---------------------------------------------------------------- CTCLoss
_CTC_NEG = -1e30   # log(0) kept finite so impossible paths give finite (masked) gradients


def _ctc_loss(*args, use_data_lengths=False, use_label_lengths=False, blank_label='first'):
    data, label = args[0], args[1]
    t_max, n, a = data.shape
    s_max = label.shape[1]
    cdt = jnp.promote_types(data.dtype, jnp.float32)
    logp = jax.nn.log_softmax(data.astype(cdt), axis=-1)
    lab = label.astype(jnp.int32)
    if use_label_lengths:
        lab_len = jnp.clip(args[2 + use_data_lengths].astype(jnp.int32), 0, s_max)
    else:   # the first padding value (0 with blank first, -1 with blank last) ends a label
        is_pad = lab == (0 if blank_label == 'first' else -1)
        lab_len = jnp.where(jnp.any(is_pad, 1), jnp.argmax(is_pad, 1), s_max)
    data_len = (jnp.clip(args[2].astype(jnp.int32), 0, t_max) if use_data_lengths
                else jnp.full((n,), t_max, jnp.int32))
    blank = 0 if blank_label == 'first' else a - 1
    # The extended label: blank, l1, blank, l2, ..., blank (2S + 1 states).
    ext = jnp.full((n, 2 * s_max + 1), blank, jnp.int32).at[:, 1::2].set(jnp.clip(lab, 0, a - 1))
    prev2 = jnp.pad(ext, ((0, 0), (2, 0)), constant_values=-1)[:, :-2]
    skip = (ext != blank) & (ext != prev2)
    emit = jnp.take_along_axis(logp, jnp.broadcast_to(ext[None], (t_max,) + ext.shape), axis=2)
    neg = jnp.asarray(_CTC_NEG, cdt)
    state = lax.broadcasted_iota(jnp.int32, ext.shape, 1)
    alpha0 = jnp.where(state < 2, emit[0], neg)

    def step(alpha, xs):
        e, t = xs
        a1 = jnp.pad(alpha, ((0, 0), (1, 0)), constant_values=_CTC_NEG)[:, :-1]
        a2 = jnp.where(skip, jnp.pad(alpha, ((0, 0), (2, 0)), constant_values=_CTC_NEG)[:, :-2], neg)
        new = jnp.logaddexp(jnp.logaddexp(alpha, a1), a2) + e
        return jnp.where((t < data_len)[:, None], new, alpha), None

    alpha, _ = lax.scan(step, alpha0, (emit[1:], jnp.arange(1, t_max)))
    last = jnp.take_along_axis(alpha, 2 * lab_len[:, None], axis=1)[:, 0]
    before = jnp.take_along_axis(alpha, jnp.maximum(2 * lab_len - 1, 0)[:, None], axis=1)[:, 0]
    ll = jnp.logaddexp(last, jnp.where(lab_len > 0, before, neg))
    # MXNet gives 0 loss (and 0 gradient) when no alignment fits in the data length.
    return jnp.where(ll > _CTC_NEG / 2, -ll, 0).astype(data.dtype)


_ctc_op = op('CTCLoss', inputs=('*args',))(_ctc_loss).op


@frontend('CTCLoss', aliases=('ctc_loss', '_contrib_CTCLoss', '_contrib_ctc_loss'))
def CTCLoss(data=None, label=None, data_lengths=None, label_lengths=None, use_data_lengths=False,
            use_label_lengths=False, blank_label='first', out=None, name=None, **kwargs):
    """Connectionist Temporal Classification loss of data (T, batch, alphabet) activations
    (softmax is applied inside) against label (batch, S); returns (batch,) losses.

    Labels end at the first padding value (0 with blank_label='first', -1 with 'last') unless
    use_label_lengths. A sample whose label cannot fit its data length has loss 0, as MXNet.
    float64 works too (MXNet's CTCLoss is float32 only)."""
    _check_kwargs('CTCLoss', kwargs)
    _check_arrays('CTCLoss', data=data, label=label)
    _check_choice('CTCLoss', 'blank_label', blank_label, ('first', 'last'))
    _check_float('CTCLoss', {'data': data})
    if data.ndim != 3:
        raise MXNetError('CTCLoss: data must be 3-D (sequence_length, batch_size, alphabet_size), '
                         'got shape %s' % (data.shape,))
    if label.ndim != 2 or label.shape[0] != data.shape[1]:
        raise MXNetError('CTCLoss: label has shape %s, expected (batch_size=%d, label_length)'
                         % (label.shape, data.shape[1]))
    if label.shape[1] > data.shape[0]:
        raise MXNetError('CTCLoss: label length %d exceeds the sequence length %d of data'
                         % (label.shape[1], data.shape[0]))
    arrays = [data, label]
    for nm, arr, use in (('data_lengths', data_lengths, use_data_lengths),
                         ('label_lengths', label_lengths, use_label_lengths)):
        if use:
            if not isinstance(arr, NDArray):
                raise MXNetError('CTCLoss: use_%s=True needs the %s input' % (nm, nm))
            if arr.shape != (data.shape[1],):
                raise MXNetError('CTCLoss: %s has shape %s, expected (%d,) (the batch size)'
                                 % (nm, arr.shape, data.shape[1]))
            arrays.append(arr)
        elif arr is not None:
            raise MXNetError('CTCLoss: a %s input was given but use_%s is False' % (nm, nm))
    return _run(_ctc_op, arrays, out, use_data_lengths=bool(use_data_lengths),
                use_label_lengths=bool(use_label_lengths), blank_label=blank_label)
