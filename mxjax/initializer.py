"""mx.init / mx.initializer: MXNet's initializers, with random draws from mxjax.random keys.

Deterministic initializers (Zero, One, Constant, Bilinear, LSTMBias, FusedRNN's layout, Load,
Mixed) give MXNet's values exactly and `dumps()` gives MXNet's JSON byte for byte. Random ones
(Uniform, Normal, Xavier, MSRAPrelu, Orthogonal) draw from MXNet's distributions, but from JAX's
threefry stream: after `mx.random.seed(s)` they repeat on every run and every device, while
their values differ from MXNet's own generator (see docs/initializers.md).
"""
import functools
import json
import logging
import re
import warnings
from math import sqrt

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax
from jax.extend.random import threefry2x32_p

from . import random as _random
from .base import string_types
from .ndarray import NDArray
from .ndarray import array as _nd_array
from .ndarray import load as _nd_load


# ---------------------------------------------------------------- random draws without per-shape compiles
# Every random initializer draws fixed-size blocks and copies them into a host buffer of the
# array's shape: one compiled program per distribution, whatever the shapes.
_BLOCK = 1 << 17     # values per generator call; part of the stream's definition, never change it
_ALIGN = 64          # XLA:CPU adopts 64-byte-aligned host buffers without a copy


@functools.partial(jax.jit, static_argnums=0)
def _block(kind, key, j, a, b):
    """Block j of a key's stream: uniform on [a, b) or normal(mean a, std b), float32."""
    half = lax.iota(jnp.uint32, _BLOCK // 2)
    y0, y1 = threefry2x32_p.bind(key[0], key[1], half, jnp.full_like(half, j))
    bits = jnp.concatenate([y0, y1]) >> 8       # 24 random bits: exact in float32
    if kind == 'uniform':
        x = a + (b - a) * (bits.astype(jnp.float32) * np.float32(2.0 ** -24))
        # rounding may land on b; MXNet's range is half-open
        return jnp.where(b > a, jnp.minimum(x, lax.nextafter(b, a)), x)
    # odd integers / 2**24: symmetric, strictly inside (-1, 1), so erf_inv stays finite
    v = (2 * bits.astype(jnp.int32) - (2 ** 24 - 1)).astype(jnp.float32) * np.float32(2.0 ** -24)
    return a + b * (np.float32(sqrt(2.0)) * lax.erf_inv(v))


@functools.lru_cache(maxsize=None)
def _cpu():
    """The host device draws run on (so every target device gets the same bits), if JAX has one."""
    try:
        return jax.devices('cpu')[0]
    except RuntimeError:
        return None


def _host_buffer(shape, dtype, zero=False):
    """An aligned, writable host array (so that device_put on CPU adopts it without copying)."""
    dt = np.dtype(dtype)
    nbytes = int(np.prod(shape, dtype=np.int64)) * dt.itemsize
    raw = (np.zeros if zero else np.empty)(nbytes + _ALIGN, np.uint8)
    off = (-raw.ctypes.data) % _ALIGN
    return raw[off:off + nbytes].view(dt).reshape(shape)


def _draw(kind, a, b, shape, dtype, ctx):
    """Host array of `shape`/`dtype` sampled in float32 from one key of ctx's stream.

    Value i of the array is value i of the key's stream, whatever the shape: the draws are
    reproducible from the seed alone, on every device (they are made on the host).
    """
    shape = tuple(int(s) for s in shape)
    out = _host_buffer(shape, dtype)
    flat = out.reshape(-1)
    n = flat.size
    if n == 0:
        return out
    key = _random.next_key(ctx, per_device=False)
    if jax.dtypes.issubdtype(key.dtype, jax.dtypes.prng_key):
        key = jax.random.key_data(key)
    if _cpu() is not None:
        key = jax.device_put(key, _cpu())
    a, b = np.float32(a), np.float32(b)
    pending = []
    for j, start in enumerate(range(0, n, _BLOCK)):
        # a few blocks in flight, so generating the next overlaps copying this one
        pending.append((start, _block(kind, key, np.uint32(j), a, b)))
        if len(pending) > 2:
            _copy_block(flat, *pending.pop(0))
    for start, blk in pending:
        _copy_block(flat, start, blk)
    return out


def _copy_block(flat, start, blk):
    m = min(_BLOCK, flat.size - start)
    flat[start:start + m] = np.asarray(blk)[:m]


def _write(arr, host):
    """arr[:] = host (a fresh host array of arr's shape), without compiling per shape."""
    if not isinstance(arr, NDArray):
        arr[:] = host
        return
    arr._assign(jax.device_put(np.asarray(host, dtype=arr.dtype), arr.context.jax_device))


def _fill(arr, value):
    """arr[:] = value for a scalar, NumPy array or NDArray value (broadcast as MXNet does)."""
    if not isinstance(arr, NDArray):
        arr[:] = value
        return
    if isinstance(value, (int, float, np.generic)) and float(value) == 0:
        _write(arr, _host_buffer(arr.shape, arr.dtype, zero=True))
        return
    if isinstance(value, NDArray):
        value = value.asnumpy()
    host = _host_buffer(arr.shape, arr.dtype)
    try:
        host[...] = value
    except (ValueError, TypeError):
        arr[:] = value    # the assignment's own MXNet error for a value that does not broadcast
        return
    _write(arr, host)


def _context_of(arr):
    return arr.context if isinstance(arr, NDArray) else None


# ---------------------------------------------------------------- InitDesc / Initializer
class InitDesc(str):
    """The name of the array to initialize, with its attributes and the global initializer.

    A str subclass (as in MXNet): `attrs` may carry '__init__', an initializer's dumps()
    string that overrides the name-based choice.
    """
    def __new__(cls, name, attrs=None, global_init=None):
        ret = super().__new__(cls, name)
        ret.attrs = attrs or {}
        ret.global_init = global_init
        return ret


class Initializer:
    """Base class of initializers; subclasses override `_init_weight` (and friends) and write
    `arr[:] = ...`."""
    def __init__(self, **kwargs):
        self._kwargs = kwargs
        self._verbose = False
        self._print_func = None

    def set_verbosity(self, verbose=False, print_func=None):
        """Log one line per initialized array; `print_func(arr) -> str` (default: norm/sqrt(size))."""
        self._verbose = verbose
        if print_func is None:
            def print_func(x):
                return str((x.norm() / sqrt(x.size)).asscalar())
        self._print_func = print_func
        return self

    def _verbose_print(self, desc, init, arr):
        if self._verbose and self._print_func:
            logging.info('Initialized %s as %s: %s', desc, init, self._print_func(arr))

    def dumps(self):
        """The initializer as MXNet's JSON string, e.g. '["normal", {"sigma": 0.8}]'."""
        return json.dumps([self.__class__.__name__.lower(), self._kwargs])

    def __call__(self, desc, arr):
        """Initialize `arr` as the InitDesc `desc` says (a plain str takes the deprecated path)."""
        if not isinstance(desc, InitDesc):
            self._legacy_init(desc, arr)
            return
        if desc.global_init is None:
            desc.global_init = self
        init = desc.attrs.get('__init__', '')
        if init:
            create(init)._init_weight(desc, arr)
            self._verbose_print(desc, init, arr)
            return
        for suffix, method in _DISPATCH:
            if desc.endswith(suffix):
                getattr(self, method)(desc, arr)
                self._verbose_print(desc, suffix, arr)
                return
        self._init_default(desc, arr)

    def _legacy_init(self, name, arr):
        """MXNet's older name rules, for init(str, NDArray)."""
        warnings.warn('\033[91mCalling initializer with init(str, NDArray) has been deprecated.'
                      'please use init(mx.init.InitDesc(...), NDArray) instead.\033[0m',
                      DeprecationWarning, stacklevel=3)
        if not isinstance(name, string_types):
            raise TypeError('name must be string')
        if not isinstance(arr, NDArray):
            raise TypeError('arr must be NDArray')
        if name.startswith('upsampling'):
            self._init_bilinear(name, arr)
        elif name.startswith('stn_loc') and name.endswith('weight'):
            self._init_zero(name, arr)
        elif name.startswith('stn_loc') and name.endswith('bias'):
            self._init_loc_bias(name, arr)
        else:
            for suffix, method in _LEGACY_DISPATCH:
                if name.endswith(suffix):
                    getattr(self, method)(name, arr)
                    return
            self._init_default(name, arr)

    # override points: each writes into arr
    def _init_bilinear(self, _, arr):
        _write(arr, _bilinear(arr.shape))

    def _init_loc_bias(self, _, arr):
        if arr.shape[0] != 6:
            raise AssertionError('stn_loc bias needs shape (6,), got %s' % (arr.shape,))
        _fill(arr, np.array([1.0, 0, 0, 0, 1.0, 0]))

    def _init_zero(self, _, arr):
        _fill(arr, 0.0)

    def _init_one(self, _, arr):
        _fill(arr, 1.0)

    def _init_bias(self, _, arr):
        _fill(arr, 0.0)

    def _init_quantized_bias(self, _, arr):
        _fill(arr, 0)

    def _init_gamma(self, _, arr):
        _fill(arr, 1.0)

    def _init_beta(self, _, arr):
        _fill(arr, 0.0)

    def _init_weight(self, name, arr):
        raise NotImplementedError('Must override it: %s does not define _init_weight (subclasses '
                                  'of Initializer write arr[:] = ... there)' % type(self).__name__)

    def _init_quantized_weight(self, _, arr):
        # MXNet draws ONE integer in [-127, 127) and fills the whole array with it
        value = int(np.floor(_draw('uniform', -127, 127, (1,), np.float32, _context_of(arr))[0]))
        _fill(arr, np.int8(value))

    def _init_default(self, name, _):
        raise ValueError(
            'Unknown initialization pattern for %s. '
            'Default initialization is now limited to '
            '"weight", "bias", "gamma" (1.0), and "beta" (0.0).'
            'Please use mx.sym.Variable(init=mx.init.*) to set initialization pattern' % name)

    def __eq__(self, other):
        if not isinstance(other, Initializer):
            return NotImplemented
        return type(self) is type(other) and self._kwargs == other._kwargs


# MXNet's order: the first matching suffix wins
_DISPATCH = (('weight', '_init_weight'), ('bias', '_init_bias'), ('gamma', '_init_gamma'),
             ('beta', '_init_beta'), ('min', '_init_zero'), ('max', '_init_one'),
             ('weight_quantize', '_init_quantized_weight'),
             ('bias_quantize', '_init_quantized_bias'))
_LEGACY_DISPATCH = (('bias', '_init_bias'), ('gamma', '_init_gamma'), ('beta', '_init_beta'),
                    ('weight', '_init_weight'), ('moving_mean', '_init_zero'),
                    ('moving_var', '_init_one'), ('moving_inv_var', '_init_zero'),
                    ('moving_avg', '_init_zero'), ('min', '_init_zero'), ('max', '_init_one'))


def _bilinear(shape):
    """MXNet's bilinear upsampling kernel over the flat index, float32."""
    if len(shape) < 4:
        raise IndexError('Bilinear needs a weight of rank >= 4 (out, in, h, w); got shape %s'
                         % (shape,))
    f = np.ceil(shape[3] / 2.)
    c = (2 * f - 1 - f % 2) / (2. * f)
    i = np.arange(int(np.prod(shape)))
    x = i % shape[3]
    y = (i // shape[3]) % shape[2]
    return ((1 - np.abs(x / f - c)) * (1 - np.abs(y / f - c))).astype(np.float32).reshape(shape)


# ---------------------------------------------------------------- registry
_REGISTRY = {}


def _register(klass, name=None):
    if not (isinstance(klass, type) and issubclass(klass, Initializer)):
        raise AssertionError('Can only register subclass of Initializer')
    name = (klass.__name__ if name is None else name).lower()
    if name in _REGISTRY:
        warnings.warn('\033[91mNew initializer %s.%s registered with name %s is'
                      'overriding existing initializer %s.%s\033[0m' % (
                          klass.__module__, klass.__name__, name,
                          _REGISTRY[name].__module__, _REGISTRY[name].__name__),
                      UserWarning, stacklevel=3)
    _REGISTRY[name] = klass
    return klass


def register(klass):
    """Register an Initializer subclass under its lower-cased class name, for `create`.

    Example::

        @mx.init.register
        @mx.init.alias('myinit')
        class CustomInit(mx.init.Initializer):
            def _init_weight(self, _, arr):
                arr[:] = 0.1
    """
    return _register(klass)


def alias(*aliases):
    """Decorator: register the class under extra (case-insensitive) names."""
    def reg(klass):
        for name in aliases:
            _register(klass, name)
        return klass
    return reg


def create(*args, **kwargs):
    """An initializer from a registered name, a dumps() string, a dict, or an instance."""
    if args:
        name, args = args[0], args[1:]
    else:
        name = kwargs.pop('initializer')
    if isinstance(name, Initializer):
        if args or kwargs:
            raise AssertionError('initializer is already an instance. '
                                 'Additional arguments are invalid')
        return name
    if isinstance(name, dict):
        return create(**name)
    if not isinstance(name, string_types):
        raise AssertionError('initializer must be of string type, got %s' % type(name).__name__)
    if name.startswith('['):
        if args or kwargs:
            raise AssertionError('a dumps() string takes no extra arguments')
        name, kwargs = json.loads(name)
        return create(name, **kwargs)
    if name.startswith('{'):
        if args or kwargs:
            raise AssertionError('a JSON dict string takes no extra arguments')
        return create(**json.loads(name))
    name = name.lower()
    if name not in _REGISTRY:
        raise AssertionError('%s is not registered. Please register with initializer.register '
                             'first (registered: %s)' % (name, ', '.join(sorted(_REGISTRY))))
    return _REGISTRY[name](*args, **kwargs)


# ---------------------------------------------------------------- Load / Mixed
class Load:
    """Initialize from a dict of NDArrays or an MXNet .params file; 'arg:'/'aux:' prefixes are
    dropped; names not found go to `default_init`."""
    def __init__(self, param, default_init=None, verbose=False):
        if isinstance(param, str):
            param = _nd_load(param)
        if not isinstance(param, dict):
            raise AssertionError('Load needs a dict of str -> NDArray or a file holding one, got %s'
                                 % type(param).__name__)
        self.param = {}
        for name, arr in param.items():
            if name.startswith('arg:') or name.startswith('aux:'):
                self.param[name[4:]] = arr
            else:
                self.param[name] = arr
        self.default_init = default_init
        self.verbose = verbose

    def __call__(self, name, arr):
        if name in self.param:
            src = self.param[name]
            if tuple(arr.shape) != tuple(src.shape):
                raise AssertionError('Parameter %s cannot be initialized from loading. ' % name
                                     + 'Shape mismatch, target %s vs loaded %s'
                                     % (str(arr.shape), src.shape))
            if (isinstance(arr, NDArray) and isinstance(src, NDArray) and arr.dtype == src.dtype
                    and arr.context == src.context):
                arr._assign(src.as_jax())     # immutable buffer: sharing it is safe
            else:
                _fill(arr, src)
            if self.verbose:
                logging.info('Initialized %s by loading', name)
        else:
            if self.default_init is None:
                raise AssertionError('Cannot Initialize %s. Not found in loaded param ' % name
                                     + 'and no default Initializer is provided.')
            self.default_init(name, arr)
            if self.verbose:
                logging.info('Initialized %s by default', name)


class Mixed:
    """Initialize with the first initializer whose regex pattern matches the name (re.match)."""
    def __init__(self, patterns, initializers):
        if len(patterns) != len(initializers):
            raise AssertionError('Mixed: %d patterns but %d initializers'
                                 % (len(patterns), len(initializers)))
        self.map = list(zip([re.compile(p) for p in patterns], initializers))

    def __call__(self, name, arr):
        for prog, init in self.map:
            if prog.match(name):
                init(name, arr)
                return
        raise ValueError('Parameter name %s did not match any pattern. Consider '
                         'add a ".*" pattern at the and with default Initializer.' % name)


# ---------------------------------------------------------------- built-ins
@register
@alias('zeros')
class Zero(Initializer):
    """Weights to 0."""
    def __init__(self):
        super().__init__()

    def _init_weight(self, _, arr):
        _fill(arr, 0)


@register
@alias('ones')
class One(Initializer):
    """Weights to 1."""
    def __init__(self):
        super().__init__()

    def _init_weight(self, _, arr):
        _fill(arr, 1)


@register
class Constant(Initializer):
    """Weights to `value`: a scalar, or an NDArray / NumPy array that broadcasts to the weight."""
    def __init__(self, value):
        super().__init__(value=value)
        self.value = value

    def _init_weight(self, _, arr):
        _fill(arr, self.value)

    def dumps(self):
        val = self._kwargs['value']
        if not np.isscalar(val):
            self._kwargs['value'] = (val.asnumpy() if isinstance(val, NDArray)
                                     else np.asarray(val)).tolist()
        return json.dumps([self.__class__.__name__.lower(), self._kwargs])


@register
class Uniform(Initializer):
    """Weights from U[-scale, scale)."""
    def __init__(self, scale=0.07):
        super().__init__(scale=scale)
        self.scale = scale

    def _init_weight(self, _, arr):
        _write(arr, _draw('uniform', -self.scale, self.scale, arr.shape, arr.dtype,
                          _context_of(arr)))


@register
class Normal(Initializer):
    """Weights from N(0, sigma^2)."""
    def __init__(self, sigma=0.01):
        super().__init__(sigma=sigma)
        self.sigma = sigma

    def _init_weight(self, _, arr):
        _write(arr, _draw('normal', 0.0, self.sigma, arr.shape, arr.dtype, _context_of(arr)))


@register
class Orthogonal(Initializer):
    """An orthogonal matrix (rows or columns orthonormal) times `scale` (Saxe et al. 2013)."""
    def __init__(self, scale=1.414, rand_type='uniform'):
        super().__init__(scale=scale, rand_type=rand_type)
        self.scale = scale
        self.rand_type = rand_type

    def _init_weight(self, _, arr):
        nout = arr.shape[0]
        nin = int(np.prod(arr.shape[1:]))
        if self.rand_type == 'uniform':
            tmp = _draw('uniform', -1.0, 1.0, (nout, nin), np.float32, _context_of(arr))
        elif self.rand_type == 'normal':
            tmp = _draw('normal', 0.0, 1.0, (nout, nin), np.float32, _context_of(arr))
        else:
            raise ValueError("Orthogonal: rand_type=%r is not valid; valid: 'uniform', 'normal'"
                             % (self.rand_type,))
        u, _, v = np.linalg.svd(tmp, full_matrices=False)
        res = u if u.shape == tmp.shape else v
        _write(arr, (self.scale * res).reshape(arr.shape))


def _xavier_scale(shape, factor_type, magnitude, name):
    if len(shape) < 2:
        raise ValueError('Xavier initializer cannot be applied to vector {0}. It requires at'
                         ' least 2D.'.format(name))
    hw_scale = np.prod(shape[2:]) if len(shape) > 2 else 1.
    fan_in, fan_out = shape[1] * hw_scale, shape[0] * hw_scale
    if factor_type == 'avg':
        factor = (fan_in + fan_out) / 2.0
    elif factor_type == 'in':
        factor = fan_in
    elif factor_type == 'out':
        factor = fan_out
    else:
        raise ValueError("Incorrect factor type %r; valid: 'avg', 'in', 'out'" % (factor_type,))
    return np.sqrt(magnitude / factor)


@register
class Xavier(Initializer):
    """Glorot initialization: U[-c, c] ('uniform') or N(0, c^2) ('gaussian'),
    c = sqrt(magnitude / factor), factor = (fan_in + fan_out) / 2, fan_in or fan_out; a conv
    kernel's fans are multiplied by its spatial size."""
    def __init__(self, rnd_type='uniform', factor_type='avg', magnitude=3):
        super().__init__(rnd_type=rnd_type, factor_type=factor_type, magnitude=magnitude)
        self.rnd_type = rnd_type
        self.factor_type = factor_type
        self.magnitude = float(magnitude)

    def _init_weight(self, name, arr):
        scale = _xavier_scale(arr.shape, self.factor_type, self.magnitude, name)
        if self.rnd_type == 'uniform':
            host = _draw('uniform', -scale, scale, arr.shape, arr.dtype, _context_of(arr))
        elif self.rnd_type == 'gaussian':
            host = _draw('normal', 0.0, scale, arr.shape, arr.dtype, _context_of(arr))
        else:
            raise ValueError("Unknown random type %r; valid: 'uniform', 'gaussian'"
                             % (self.rnd_type,))
        _write(arr, host)


@register
class MSRAPrelu(Xavier):
    """He initialization for PReLU nets: gaussian Xavier with magnitude 2 / (1 + slope^2)."""
    def __init__(self, factor_type='avg', slope=0.25):
        magnitude = 2. / (1 + slope ** 2)
        super().__init__('gaussian', factor_type, magnitude)
        self._kwargs = {'factor_type': factor_type, 'slope': slope}


@register
class Bilinear(Initializer):
    """Bilinear upsampling kernel for a (out, in, h, w) deconvolution weight."""
    def __init__(self):
        super().__init__()

    def _init_weight(self, _, arr):
        _write(arr, _bilinear(arr.shape))


@register
class LSTMBias(Initializer):
    """LSTM biases: 0, except the forget gate (the 2nd of 4 gates) set to `forget_bias`."""
    def __init__(self, forget_bias=1.0):
        super().__init__(forget_bias=forget_bias)
        self.forget_bias = forget_bias

    def _init_weight(self, name, arr):
        host = np.zeros(arr.shape, np.float64)
        num_hidden = int(arr.shape[0] / 4)
        host[num_hidden:2 * num_hidden] = self.forget_bias
        _fill(arr, host)


_RNN_GATES = {'rnn_relu': [''], 'rnn_tanh': [''], 'lstm': ['_i', '_f', '_c', '_o'],
              'gru': ['_r', '_z', '_o']}


def _fused_rnn_layout(size, num_hidden, num_layers, mode, bidirectional):
    """[(name, offset, shape)] of MXNet's packed RNN parameter vector (names without prefix)."""
    if mode not in _RNN_GATES:
        raise KeyError('mode=%r is not valid; valid: %s' % (mode, ', '.join(_RNN_GATES)))
    gates = _RNN_GATES[mode]
    dirs = ['l', 'r'] if bidirectional else ['l']
    b, m, h = len(dirs), len(gates), num_hidden
    li = size // b // h // m - (num_layers - 1) * (h + b * h + 2) - h - 2
    if li <= 0:
        raise ValueError('FusedRNN: %d values cannot hold the weights of num_hidden=%d, '
                         'num_layers=%d, mode=%r, bidirectional=%r' % (
                             size, num_hidden, num_layers, mode, bidirectional))
    out, p = [], 0
    for layer in range(num_layers):
        for d in dirs:
            for g in gates:
                shape = (h, b * h) if layer > 0 else (h, li)
                out.append(('%s%d_i2h%s_weight' % (d, layer, g), p, shape))
                p += shape[0] * shape[1]
            for g in gates:
                out.append(('%s%d_h2h%s_weight' % (d, layer, g), p, (h, h)))
                p += h * h
    for layer in range(num_layers):
        for d in dirs:
            for kind in ('i2h', 'h2h'):
                for g in gates:
                    out.append(('%s%d_%s%s_bias' % (d, layer, kind, g), p, (h,)))
                    p += h
    if p != size:
        raise AssertionError('Invalid parameters size for FusedRNNCell: %d values do not fit '
                             'num_hidden=%d, num_layers=%d, mode=%r, bidirectional=%r'
                             % (size, num_hidden, num_layers, mode, bidirectional))
    return out


@register
class FusedRNN(Initializer):
    """Initialize a fused RNN's packed parameter vector piece by piece with `init` (or the
    global initializer when None); LSTM forget-gate biases get `forget_bias`."""
    def __init__(self, init, num_hidden, num_layers, mode, bidirectional=False, forget_bias=1.0):
        if isinstance(init, string_types):
            init = create(init)     # MXNet 1.9.1 means this but fails (KeyError) on it
        super().__init__(init=init.dumps() if init is not None else None,
                         num_hidden=num_hidden, num_layers=num_layers, mode=mode,
                         bidirectional=bidirectional, forget_bias=forget_bias)
        self._init = init
        self._num_hidden = num_hidden
        self._num_layers = num_layers
        self._mode = mode
        self._bidirectional = bidirectional
        self._forget_bias = forget_bias

    def _init_weight(self, desc, arr):
        layout = _fused_rnn_layout(arr.size, self._num_hidden, self._num_layers, self._mode,
                                   self._bidirectional)
        flat = arr.asnumpy().reshape(-1)
        ctx = _context_of(arr)
        packed = np.empty_like(flat)
        for name, p, shape in layout:
            size = int(np.prod(shape))
            piece = _nd_array(flat[p:p + size].reshape(shape), ctx=ctx, dtype=flat.dtype)
            arg_desc = InitDesc(name, global_init=getattr(desc, 'global_init', None))
            if self._mode == 'lstm' and name.endswith('_f_bias'):
                _fill(piece, self._forget_bias)
            elif self._init is None:
                desc.global_init(arg_desc, piece)
            else:
                self._init(arg_desc, piece)
            packed[p:p + size] = piece.asnumpy().reshape(-1)
        _fill(arr, packed.reshape(arr.shape))
