"""nd.random, and the nd.random_* / nd.sample_* / nd.random_pdf_* operators.

Samplers draw from mxjax.random's per-context streams: the PRNG key is an input of the op,
so a recorded sampler replays the same draw. Values follow MXNet's distributions but come
from JAX's generator, so they differ from MXNet's numbers for the same seed.
Gradients: samplers give zero gradients to NDArray parameters (as MXNet 1.9.1 does);
the densities (random_pdf_*) and multinomial's log-probability are differentiable.
"""
import functools
import math

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

from .. import context as _context
from .. import random as _rnd
from ..base import MXNetError
from .ndarray import NDArray, _wrap
from .registry import dev_scalar, frontend, invoke, op, register

# what `from mxnet.ndarray.random import *` gives
__all__ = ['uniform', 'normal', 'randn', 'poisson', 'exponential', 'gamma', 'multinomial',
           'negative_binomial', 'generalized_negative_binomial', 'shuffle', 'randint',
           'uniform_like', 'normal_like', 'exponential_like', 'gamma_like', 'poisson_like',
           'negative_binomial_like', 'generalized_negative_binomial_like']


class _NullType:
    """An argument left out (MXNet's _Null): unlike dtype=None, which MXNet reads as float64."""

    def __repr__(self):
        return '_Null'


_Null = _NullType()
_FLOATS = ('float16', 'float32', 'float64')
_INTS = ('int32', 'int64')
_MULTI_DTYPES = ('float16', 'float32', 'float64', 'int32', 'uint8')
_NUMBERS = (int, float, np.integer, np.floating)


# ---------------------------------------------------------------- distributions (pure JAX)
# draw(key, shape, cdt, *params): params broadcast against `shape`; cdt is the compute dtype.
def _gamma(key, shape, cdt, alpha, beta):
    """Marsaglia-Tsang over the whole array, retrying rejected elements until all accept
    (compiles in half the time of jax.random.gamma); alpha < 1 is boosted by U^(1/alpha)."""
    alpha = jnp.broadcast_to(alpha, shape).astype(cdt)
    boost = alpha < 1
    d = jnp.where(boost, alpha + 1, alpha) - 1 / 3
    c = 1 / jnp.sqrt(9 * d)

    def body(state):
        key, x, done = state
        key, k1, k2 = jax.random.split(key, 3)
        z = jax.random.normal(k1, shape, cdt)
        v = (1 + c * z) ** 3
        logu = jnp.log(jax.random.uniform(k2, shape, cdt))
        ok = (v > 0) & (logu < 0.5 * z * z + d - d * v + d * jnp.log(jnp.where(v > 0, v, 1)))
        ok = ok | ~(d > 0)   # invalid alpha gives NaN instead of looping forever
        return key, jnp.where(done, x, d * v), done | ok

    k0, kb = jax.random.split(key)
    _, x, _ = lax.while_loop(lambda s: ~jnp.all(s[2]), body,
                             (k0, jnp.zeros(shape, cdt), jnp.zeros(shape, bool)))
    u = jax.random.uniform(kb, shape, cdt)
    return jnp.where(boost, x * u ** (1 / jnp.where(boost, alpha, 1)), x) * beta


def _poisson(key, shape, cdt, lam):
    return jax.random.poisson(key, lam, shape).astype(cdt)


def _poisson_gamma(key, shape, cdt, a, b, lam0):
    """Poisson counts whose rate is Gamma(a, scale b) where a > 0, else lam0."""
    k1, k2 = jax.random.split(key)
    mix = a > 0
    lam = jnp.where(mix, _gamma(k1, shape, cdt, jnp.where(mix, a, 1), b), lam0)
    return _poisson(k2, shape, cdt, lam)


def _negative_binomial(key, shape, cdt, k, p):
    # failures before the k-th success: Poisson with a Gamma(k, scale (1-p)/p) rate
    return _poisson_gamma(key, shape, cdt, k, (1 - p) / p, 0)


def _generalized_negative_binomial(key, shape, cdt, mu, alpha):
    # mean mu, variance mu + alpha mu^2; alpha = 0 is the Poisson(mu) limit
    safe = jnp.where(alpha > 0, alpha, 1)
    return _poisson_gamma(key, shape, cdt, jnp.where(alpha > 0, 1 / safe, 0), safe * mu, mu)


# Scalar NB / GNB parameters -> (a, b, lam0) of _poisson_gamma: one program serves both.
_MIXTURE = {
    'negative_binomial': lambda k, p: (k, (1 - p) / p if p else math.inf, 0.0),
    'generalized_negative_binomial': lambda mu, alpha: (1 / alpha, alpha * mu, mu) if alpha else (0.0, 0.0, mu),
}


_DRAW = {
    'uniform': lambda key, shape, cdt, low, high: low + (high - low) * jax.random.uniform(key, shape, cdt),
    'normal': lambda key, shape, cdt, loc, scale: loc + scale * jax.random.normal(key, shape, cdt),
    'gamma': _gamma,
    'exponential': lambda key, shape, cdt, lam: jax.random.exponential(key, shape, cdt) / lam,
    'poisson': _poisson,
    'negative_binomial': _negative_binomial,
    'generalized_negative_binomial': _generalized_negative_binomial,
    'poisson_gamma': _poisson_gamma,
}

# distribution -> ((python API parameter, default), ...), (sample_* op parameter names)
_PARAMS = {
    'uniform': ((('low', 0.0), ('high', 1.0)), ('low', 'high')),
    'normal': ((('loc', 0.0), ('scale', 1.0)), ('mu', 'sigma')),
    'gamma': ((('alpha', 1.0), ('beta', 1.0)), ('alpha', 'beta')),
    'exponential': ((('lam', 1.0),), ('lam',)),
    'poisson': ((('lam', 1.0),), ('lam',)),
    'negative_binomial': ((('k', 1), ('p', 1.0)), ('k', 'p')),
    'generalized_negative_binomial': ((('mu', 1.0), ('alpha', 1.0)), ('mu', 'alpha')),
}

# MXNet's checks of scalar parameters: (test, message)
_CHECKS = {
    'uniform': lambda low, high: (high >= low, 'low=%r must be less or equal to high=%r' % (low, high)),
    'normal': lambda loc, scale: (scale > 0, 'scale=%r must be positive' % (scale,)),
    'gamma': lambda a, b: (a > 0 and b > 0, 'alpha=%r and beta=%r must be positive' % (a, b)),
    'exponential': lambda lam: (lam > 0, 'lam=%r (the rate) must be positive' % (lam,)),
    'poisson': lambda lam: (lam >= 0, 'lam=%r must be non-negative' % (lam,)),
    'negative_binomial': lambda k, p: (k >= 0, 'k=%r must be non-negative' % (k,)),
    'generalized_negative_binomial': lambda mu, a: (mu >= 0 and a >= 0,
                                                     'mu=%r and alpha=%r must be non-negative' % (mu, a)),
    'randint': lambda low, high: (high > low, 'low=%r must be smaller than high=%r' % (low, high)),
}


# Rejection samplers (gamma, Poisson) take seconds to compile: they draw a flat power-of-two
# block, so one program serves every shape up to that size (value i is the same for any shape).
_BUCKETED = ('gamma', 'poisson', 'negative_binomial', 'generalized_negative_binomial')


def _bucket(size):
    return max(64, 1 << (size - 1).bit_length())


@functools.lru_cache(maxsize=256)
def _fit(size, shape):
    return jax.jit(lambda flat: flat[:size].reshape(shape))


def _cdt(dtype):
    return jnp.float64 if dtype == 'float64' else jnp.float32


def _random_fn(dist):
    def fn(key, *params, shape=(1,), dtype='float32'):
        if dist == 'randint':
            return jax.random.randint(key, shape, params[0], params[1], dtype)
        cdt = _cdt(dtype)
        return _DRAW[dist](key, shape, cdt, *(jnp.asarray(p, cdt) for p in params)).astype(dtype)
    return fn


def _sample_fn(dist):
    def fn(*arrays, shape=(), dtype='float32'):
        *params, key = arrays
        cdt = _cdt(dtype)
        tail = (1,) * len(shape)
        ps = [lax.stop_gradient(p).astype(cdt).reshape(p.shape + tail) for p in params]
        return _DRAW[dist](key, params[0].shape + shape, cdt, *ps).astype(dtype)
    return fn


def _register_random(dist, api, dtype='float32'):
    return register('_random_' + dist, _random_fn(dist), ('key',), dict(api, shape=(1,), dtype=dtype),
                    dynamic=tuple(n for n, _ in api))


_RANDOM_OPS, _SAMPLE_OPS = {}, {}
for _d, (_api, _names) in _PARAMS.items():
    _SAMPLE_OPS[_d] = register('_sample_' + _d, _sample_fn(_d), _names + ('key',),
                               {'shape': (), 'dtype': 'float32'})
    if _d not in _MIXTURE:
        _RANDOM_OPS[_d] = _register_random(_d, _api)
_RANDOM_OPS['poisson_gamma'] = _register_random('poisson_gamma', (('a', 1.0), ('b', 1.0), ('lam0', 0.0)))
_RANDOM_OPS['randint'] = _register_random('randint', (('low', 0), ('high', 1)), 'int32')


# ---------------------------------------------------------------- argument checks
def _key_array(ctx):
    return _wrap(jax.device_put(_rnd.next_key(ctx), ctx.jax_device), ctx, None)


def _check_kwargs(fname, kwargs):
    kwargs.pop('name', None)
    if kwargs:
        raise MXNetError('%s: cannot find argument %r' % (fname, sorted(kwargs)[0]))


def _shape(fname, shape, allow_empty):
    if isinstance(shape, (int, np.integer)):
        shape = (int(shape),)
    try:
        shape = tuple(int(s) for s in shape)
    except TypeError:
        raise MXNetError('%s: shape=%r is not valid; expected an int or a tuple of ints'
                         % (fname, shape)) from None
    if (not shape and not allow_empty) or any(s <= 0 for s in shape):
        raise MXNetError('%s: shape=%r is not valid; every dimension must be positive'
                         % (fname, shape))
    return shape


def _dtype(fname, dtype, out, valid, default):
    if dtype is _Null and out is None:
        return default
    name = np.dtype(out.dtype if dtype is _Null else dtype).name   # dtype=None is float64, as numpy (and MXNet) read it
    if name not in valid:
        raise MXNetError("%s: Invalid Input: dtype=%r, valid values are: %s"
                         % (fname, name, ', '.join(valid)))
    return name


def _check_out(fname, out, shape, dtype):
    if out is None:
        return
    if not isinstance(out, NDArray):
        raise TypeError('%s: out= must be an NDArray, got %s' % (fname, type(out).__name__))
    if tuple(out.shape) != tuple(shape):
        raise MXNetError('%s: out= has shape %s, the result has shape %s' % (fname, out.shape, shape))
    if np.dtype(out.dtype).name != dtype:
        raise MXNetError('%s: out= has dtype %s, the result has dtype %s'
                         % (fname, np.dtype(out.dtype).name, dtype))


# ---------------------------------------------------------------- the samplers
def _random(dist, params, shape, dtype, ctx, out, fname=None, like=False):
    """Draw with scalar parameters: the _random_<dist> op."""
    fname = fname or '_random_' + dist
    ok, msg = _CHECKS[dist](*params)
    if not ok:
        raise MXNetError('%s: %s' % (fname, msg))
    if shape is _Null or shape is None:
        if out is None:
            raise MXNetError('%s: shape is required (or out=)' % fname)
        shape = out.shape
    shape = _shape(fname, shape, False)
    if like:
        dtype = np.dtype(dtype).name
    elif dist == 'randint':
        dtype = _dtype(fname, dtype, out, _INTS, 'int32')
    else:
        dtype = _dtype(fname, dtype, out, _FLOATS, 'float32')
    _check_out(fname, out, shape, dtype)
    if out is not None:
        ctx = out.context
    elif ctx is None or ctx is _Null:
        ctx = _context.current_context()
    op = _RANDOM_OPS.get(dist)
    if dist in _MIXTURE:
        op, params = _RANDOM_OPS['poisson_gamma'], _MIXTURE[dist](*params)
    # one parameter dtype per op (an int and a float scalar would compile twice)
    conv = int if dist == 'randint' else float
    dyn = tuple(dev_scalar(conv(p)) for p in params)
    if dist not in _BUCKETED:
        return invoke(op, [_key_array(ctx)], (shape, dtype), dyn, out)
    size = math.prod(shape)
    flat = invoke(op, [_key_array(ctx)], ((_bucket(size),), dtype), dyn)
    res = _fit(size, shape)(flat._data)
    if out is None:
        return _wrap(res, ctx, None)
    out._assign(res)
    return out


def _sample(dist, params, shape, dtype, out, fname=None):
    """Draw with NDArray parameters, one distribution per element: the _sample_<dist> op."""
    fname = fname or '_sample_' + dist
    for p in params:
        if not isinstance(p, NDArray):
            raise TypeError('%s: the parameters must be NDArrays, got %s' % (fname, type(p).__name__))
    p0 = params[0]
    for p in params[1:]:
        if p.shape != p0.shape:
            raise MXNetError('%s: the parameters must have the same shape, got %s and %s'
                             % (fname, p0.shape, p.shape))
        if p.dtype != p0.dtype:
            raise MXNetError('%s: the parameters must have the same dtype, got %s and %s'
                             % (fname, np.dtype(p0.dtype).name, np.dtype(p.dtype).name))
    shape = () if shape is _Null or shape is None else _shape(fname, shape, True)
    dtype = _dtype(fname, dtype, out, _FLOATS, 'float32')
    _check_out(fname, out, p0.shape + shape, dtype)
    return invoke(_SAMPLE_OPS[dist], list(params) + [_key_array(p0.context)], (shape, dtype), (), out)


def _helper(dist, params, shape, dtype, ctx, out, kwargs):
    """MXNet's nd.random.<dist>: NDArray parameters sample per element, numbers draw `shape`."""
    _check_kwargs(dist, kwargs)
    if isinstance(params[0], NDArray):
        for p in params[1:]:
            if not isinstance(p, NDArray):
                raise AssertionError('Distribution parameters must all have the same type, but got '
                                     'both %s and %s.' % (type(params[0]), type(p)))
        return _sample(dist, params, shape, dtype, out)
    if isinstance(params[0], _NUMBERS):
        for p in params[1:]:
            if not isinstance(p, _NUMBERS):
                raise AssertionError('Distribution parameters must all have the same type, but got '
                                     'both %s and %s.' % (type(params[0]), type(p)))
        if shape is _Null and out is None:
            shape = 1
        return _random(dist, params, shape, dtype, ctx, out)
    raise ValueError('Distribution parameters must be either NDArray or numbers, but got %s.'
                     % type(params[0]))


def uniform(low=0, high=1, shape=_Null, dtype=_Null, ctx=None, out=None, **kwargs):
    """Samples from U[low, high); NDArray low/high give shape low.shape + shape."""
    return _helper('uniform', [low, high], shape, dtype, ctx, out, kwargs)


def normal(loc=0, scale=1, shape=_Null, dtype=_Null, ctx=None, out=None, **kwargs):
    """Samples from N(loc, scale^2); NDArray loc/scale give shape loc.shape + shape."""
    return _helper('normal', [loc, scale], shape, dtype, ctx, out, kwargs)


def randn(*shape, **kwargs):
    """Normal samples of shape `shape` (loc, scale, dtype, ctx, out as keywords)."""
    loc, scale = kwargs.pop('loc', 0), kwargs.pop('scale', 1)
    dtype, ctx, out = kwargs.pop('dtype', _Null), kwargs.pop('ctx', None), kwargs.pop('out', None)
    for nm, v in (('loc', loc), ('scale', scale)):
        if not isinstance(v, (int, float, NDArray)):
            raise AssertionError('randn: %s=%r must be a number or an NDArray' % (nm, v))
    return _helper('normal', [loc, scale], shape, dtype, ctx, out, kwargs)


def poisson(lam=1, shape=_Null, dtype=_Null, ctx=None, out=None, **kwargs):
    """Poisson(lam) counts, as floats (float32 unless dtype says)."""
    return _helper('poisson', [lam], shape, dtype, ctx, out, kwargs)


def exponential(scale=1, shape=_Null, dtype=_Null, ctx=None, out=None, **kwargs):
    """Exponential samples of mean `scale` (the rate is 1/scale, as MXNet)."""
    return _helper('exponential', [1.0 / scale], shape, dtype, ctx, out, kwargs)


def gamma(alpha=1, beta=1, shape=_Null, dtype=_Null, ctx=None, out=None, **kwargs):
    """Gamma samples of shape `alpha` and scale `beta`."""
    return _helper('gamma', [alpha, beta], shape, dtype, ctx, out, kwargs)


def negative_binomial(k=1, p=1, shape=_Null, dtype=_Null, ctx=None, out=None, **kwargs):
    """Failures before the k-th success with success probability p, as floats."""
    return _helper('negative_binomial', [k, p], shape, dtype, ctx, out, kwargs)


def generalized_negative_binomial(mu=1, alpha=1, shape=_Null, dtype=_Null, ctx=None, out=None,
                                  **kwargs):
    """Counts of mean mu and variance mu + alpha * mu^2, as floats."""
    return _helper('generalized_negative_binomial', [mu, alpha], shape, dtype, ctx, out, kwargs)


def randint(low, high, shape=_Null, dtype=_Null, ctx=None, out=None, **kwargs):
    """Integers in [low, high); int32 unless dtype says. low == high raises (MXNet crashes)."""
    _check_kwargs('randint', kwargs)
    for nm, v in (('low', low), ('high', high)):
        if isinstance(v, NDArray):
            raise TypeError('randint: %s must be an int, not an NDArray' % nm)
        if not isinstance(v, (int, np.integer)) or isinstance(v, bool):
            raise MXNetError('randint: %s=%r is not valid; expected an int' % (nm, v))
    if shape is _Null and out is None:
        shape = 1
    return _random('randint', [int(low), int(high)], shape, dtype, ctx, out, 'randint')


def _multinomial(data, key, shape=(), get_prob=False, dtype='int32'):
    cdt = jnp.float64 if data.dtype == jnp.float64 else jnp.float32
    p = data.astype(cdt)
    n = math.prod(shape)
    # outcome j is the first whose cumulative probability exceeds u (unnormalized rows too)
    cum = jnp.cumsum(lax.stop_gradient(p), axis=-1)[..., None, :-1]
    u = jax.random.uniform(key, data.shape[:-1] + (n,), cdt)
    idx = jnp.sum(u[..., None] >= cum, axis=-1)
    out_shape = (data.shape[:-1] + shape) or (1,)
    samples = idx.reshape(out_shape).astype(dtype)
    if not get_prob:
        return samples
    logp = jnp.log(jnp.take_along_axis(p, idx, axis=-1)).reshape(out_shape)
    return samples, logp.astype(data.dtype if jnp.issubdtype(data.dtype, jnp.floating) else cdt)


_MULTINOMIAL = register('_sample_multinomial', _multinomial, ('data', 'key'),
                        {'shape': (), 'get_prob': False, 'dtype': 'int32'})


@frontend('sample_multinomial')
def sample_multinomial(data=None, shape=_Null, get_prob=False, dtype='int32', out=None, name=None,
                       **kwargs):
    """Outcomes drawn from the distributions on data's last axis: data.shape[:-1] + shape.

    get_prob=True also returns the log-probability of each outcome, differentiable w.r.t. data
    (its gradient is head / p[outcome], as in MXNet)."""
    fname = 'sample_multinomial'
    _check_kwargs(fname, kwargs)
    if not isinstance(data, NDArray):
        raise TypeError('%s: data must be an NDArray, got %s' % (fname, type(data).__name__))
    if data.ndim == 0 or data.size == 0:
        raise MXNetError('%s: data of shape %s holds no distribution' % (fname, data.shape))
    shape = () if shape is _Null or shape is None else _shape(fname, shape, True)
    dtype = np.dtype(dtype).name
    if dtype not in _MULTI_DTYPES:
        raise MXNetError("%s: Invalid Input: dtype=%r, valid values are: %s"
                         % (fname, dtype, ', '.join(_MULTI_DTYPES)))
    get_prob = bool(get_prob)
    if out is not None:
        outs = out if isinstance(out, (list, tuple)) else [out]
        if len(outs) != 1 + get_prob:
            raise MXNetError('%s: expects %d outputs, got %d in out=' % (fname, 1 + get_prob, len(outs)))
        _check_out(fname, outs[0], (data.shape[:-1] + shape) or (1,), dtype)
    return invoke(_MULTINOMIAL, [data, _key_array(data.context)], (shape, get_prob, dtype), (), out)


def multinomial(data, shape=_Null, get_prob=False, out=None, dtype='int32', **kwargs):
    """Outcomes drawn from the distributions on data's last axis (see nd.sample_multinomial)."""
    return sample_multinomial(data, shape, get_prob, dtype, out, **kwargs)


@op('_shuffle', inputs=('data', 'key'))
def _shuffle_fn(data, key):
    return jax.random.permutation(key, data, axis=0)


@frontend('shuffle')
def shuffle(data=None, out=None, name=None, **kwargs):
    """A random permutation of `data` along its first axis (data itself is unchanged)."""
    _check_kwargs('shuffle', kwargs)
    if not isinstance(data, NDArray):
        raise TypeError('shuffle: data must be an NDArray, got %s' % type(data).__name__)
    if data.ndim == 0:
        raise MXNetError('shuffle: data must have at least one axis, got shape ()')
    _check_out('shuffle', out, data.shape, np.dtype(data.dtype).name)
    return invoke(_shuffle_fn.op, [data, _key_array(data.context)], (), (), out)


# ---------------------------------------------------------------- nd.random_<dist>, nd.sample_<dist>, *_like
def _bind(fname, names, defaults, args, kwargs):
    """Positional and keyword arguments -> values in `names` order (defaults where left out)."""
    if len(args) > len(names):
        raise TypeError('%s() takes at most %d arguments, got %d' % (fname, len(names), len(args)))
    vals = dict(zip(names, defaults))
    vals.update(zip(names, args))
    for k in list(kwargs):
        if k in names:
            vals[k] = kwargs.pop(k)
    kwargs.pop('name', None)
    if kwargs:
        raise MXNetError('%s: cannot find argument %r; valid: %s' % (fname, sorted(kwargs)[0], ', '.join(names)))
    return [vals[n] for n in names]


def _make_random(dist):
    api = _PARAMS[dist][0] if dist != 'randint' else (('low', _Null), ('high', _Null))
    names = [n for n, _ in api] + ['shape', 'ctx', 'dtype', 'out']
    defaults = [d for _, d in api] + [_Null, _Null, _Null, None]
    fname = 'random_' + dist
    npar = len(api)

    def f(*args, **kwargs):
        vals = _bind(fname, names, defaults, args, kwargs)
        params, (shape, ctx, dtype, out) = vals[:npar], vals[npar:]
        for nm, p in zip(names, params):
            if p is _Null:
                raise MXNetError('%s: required argument %r is missing' % (fname, nm))
            if not isinstance(p, _NUMBERS) or (dist == 'randint' and not isinstance(p, (int, np.integer))):
                raise MXNetError('%s: %s=%r is not valid; expected a number' % (fname, nm, p))
        if isinstance(ctx, str) and ctx:   # the operator's spelling: 'cpu(1)'
            typ, _, i = ctx.rstrip(')').partition('(')
            ctx = _context.Context(typ, int(i or 0))
        return _random(dist, params, shape, dtype, ctx, out, fname)
    f.__name__ = fname
    f.__doc__ = 'MXNet operator %s(%s, shape, ctx, dtype, out): scalar parameters.' % (fname, ', '.join(names[:npar]))
    return f


def _make_sample(dist):
    names = list(_PARAMS[dist][1]) + ['shape', 'dtype', 'out']
    defaults = [None] * len(_PARAMS[dist][1]) + [_Null, _Null, None]
    fname = 'sample_' + dist
    npar = len(_PARAMS[dist][1])

    def f(*args, **kwargs):
        vals = _bind(fname, names, defaults, args, kwargs)
        return _sample(dist, vals[:npar], *vals[npar:], fname)
    f.__name__ = fname
    f.__doc__ = ('MXNet operator %s(%s, shape, dtype, out): one distribution per element, '
                 'output shape params.shape + shape.' % (fname, ', '.join(names[:npar])))
    return f


def _make_like(dist):
    api = _PARAMS[dist][0]
    names = ['data'] + [n for n, _ in api] + ['out']
    defaults = [None] + [d for _, d in api] + [None]
    fname = dist + '_like'

    def f(*args, **kwargs):
        vals = _bind(fname, names, defaults, args, kwargs)
        data, params, out = vals[0], vals[1:-1], vals[-1]
        if not isinstance(data, NDArray):
            raise TypeError('%s: data must be an NDArray, got %s' % (fname, type(data).__name__))
        return _random(dist, params, data.shape, data.dtype, data.context, out, fname, like=True)
    f.__name__ = fname
    f.__doc__ = ('Samples of data\'s shape, dtype and context (%s); data\'s values are not used.'
                 % ', '.join(names[1:-1]))
    return f


for _d in _PARAMS:
    frontend('random_' + _d)(_make_random(_d))
    frontend('sample_' + _d)(_make_sample(_d))
    globals()[_d + '_like'] = _make_like(_d)
frontend('random_randint')(_make_random('randint'))
frontend('uniform')(_make_random('uniform'))
frontend('normal')(_make_random('normal'))


# ---------------------------------------------------------------- densities: nd.random_pdf_<dist>
def _lift(sample, *params):
    """Parameters reshaped to broadcast against sample (whose leading axes are theirs)."""
    tail = (1,) * (sample.ndim - params[0].ndim)
    return [p.reshape(p.shape + tail) for p in params]


def _pdf(lp, is_log):
    return lp if is_log else jnp.exp(lp)


def _nb_log(x, k, p):
    return (lax.lgamma(x + k) - lax.lgamma(x + 1) - lax.lgamma(k)
            + k * jnp.log(p) + x * jnp.log1p(-p))


def _pdf_check(nparams, dirichlet=False):
    def check(arrays, attrs):
        sample, params = arrays[0], arrays[1:]
        for p in params[1:]:
            if p.shape != params[0].shape:
                raise MXNetError('the parameters must have the same shape, got %s and %s'
                                 % (params[0].shape, p.shape))
        ps = params[0].shape
        lead = ps[:-1] if dirichlet else ps
        ok = sample.shape[:len(lead)] == lead and (not dirichlet or sample.shape[-1:] == ps[-1:])
        if not ok:
            raise MXNetError('sample of shape %s does not match parameters of shape %s'
                             % (sample.shape, ps))
    return check


def _pdf_op(dist, params, dirichlet=False):
    def deco(logpdf):
        def fn(sample, *ps, is_log=False):
            return _pdf(logpdf(sample, *_lift(sample, *ps)), is_log)
        fn.__doc__ = logpdf.__doc__
        return op('random_pdf_' + dist, inputs=('sample',) + params,
                  check=_pdf_check(len(params), dirichlet), same_dtype=True)(fn)
    return deco


@_pdf_op('uniform', ('low', 'high'))
def _pdf_uniform(x, low, high):
    """Density of U[low, high) at sample (MXNet does not test the support)."""
    return jnp.broadcast_to(-jnp.log(high - low), x.shape)


@_pdf_op('normal', ('mu', 'sigma'))
def _pdf_normal(x, mu, sigma):
    """Density of N(mu, sigma^2) at sample."""
    return -jnp.square(x - mu) / (2 * jnp.square(sigma)) - jnp.log(sigma) - 0.5 * math.log(2 * math.pi)


@_pdf_op('gamma', ('alpha', 'beta'))
def _pdf_gamma(x, alpha, beta):
    """Gamma density; beta is the RATE here (MXNet's pdf), while the samplers take a scale."""
    return alpha * jnp.log(beta) + (alpha - 1) * jnp.log(x) - beta * x - lax.lgamma(alpha)


@_pdf_op('exponential', ('lam',))
def _pdf_exponential(x, lam):
    """Density of the exponential distribution of rate lam."""
    return jnp.log(lam) - lam * x


@_pdf_op('poisson', ('lam',))
def _pdf_poisson(x, lam):
    """Probability of count sample under Poisson(lam); no gradient to sample."""
    x = lax.stop_gradient(x)
    return x * jnp.log(lam) - lam - lax.lgamma(x + 1)


@_pdf_op('negative_binomial', ('k', 'p'))
def _pdf_negative_binomial(x, k, p):
    """Probability of sample failures before the k-th success (success probability p)."""
    return _nb_log(lax.stop_gradient(x), k, p)


@_pdf_op('generalized_negative_binomial', ('mu', 'alpha'))
def _pdf_generalized_negative_binomial(x, mu, alpha):
    """Probability of count sample with mean mu and dispersion alpha."""
    return _nb_log(lax.stop_gradient(x), 1 / alpha, 1 / (1 + alpha * mu))


@op('random_pdf_dirichlet', inputs=('sample', 'alpha'), check=_pdf_check(1, True), same_dtype=True)
def random_pdf_dirichlet(sample, alpha, is_log=False):
    """Dirichlet density; alpha (..., k), sample (..., n..., k), result sample.shape[:-1]."""
    a = alpha.reshape(alpha.shape[:-1] + (1,) * (sample.ndim - alpha.ndim) + alpha.shape[-1:])
    lp = (jnp.sum((a - 1) * jnp.log(sample), axis=-1) + lax.lgamma(jnp.sum(a, axis=-1))
          - jnp.sum(lax.lgamma(a), axis=-1))
    return _pdf(lp, is_log)
