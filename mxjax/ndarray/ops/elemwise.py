"""Elementwise ops: unary math, same-shape binary ops, scalar ops, casts and copies."""
import jax
import jax.numpy as jnp
import numpy as np
from jax import lax
from jax.scipy import special

from ...base import MXNetError, mx_cast
from ..registry import op


def _same_dtype(f):
    """MXNet computes unary math in the input's dtype (sqrt of int32 stays int32)."""
    def g(x):
        r = f(x)
        return r if r.dtype == x.dtype else r.astype(x.dtype)
    g.__doc__ = f.__doc__
    return g


def _float_math(f):
    """Integer inputs are computed in float32 and cast back to the input dtype."""
    def g(x):
        if jnp.issubdtype(x.dtype, jnp.floating):
            return f(x)
        return f(x.astype(jnp.float32)).astype(x.dtype)
    return g


def _sign(x):
    # sign(NaN) is 0 in MXNet (jnp.sign gives NaN)
    return (x > 0).astype(x.dtype) - (x < 0).astype(x.dtype)


def _abs(x):
    # x * sign(x): the gradient is sign(x), 0 at 0 and at NaN as in MXNet (jnp.abs would give 1).
    return x * lax.stop_gradient(_sign(x)) if jnp.issubdtype(x.dtype, jnp.floating) else jnp.abs(x)


def nan_through(x, y):
    """y, except NaN with a NaN gradient where x is NaN (MXNet's relu at NaN)."""
    m = jnp.isnan(x)
    return jnp.where(m, x * lax.stop_gradient(jnp.where(m, x, 0)), y)  # finite gradient off NaN


def _relu(x):
    return nan_through(x, jnp.where(x > 0, x, jnp.zeros_like(x)))


def _sigmoid(x):
    return jax.nn.sigmoid(x)


@jax.custom_jvp
def _softsign(x):
    return x / (1 + jnp.abs(x))


# MXNet's gradient 1 / (1 + |x|)^2: 0 at +-inf, where differentiating the quotient gives NaN.
_softsign.defjvp(lambda p, t: (_softsign(p[0]), t[0] / jnp.square(1 + jnp.abs(p[0]))))


def _rsqrt(x):
    return lax.rsqrt(x)


def _rcbrt(x):
    return 1 / jnp.cbrt(x)


def _fix(x):
    return jnp.trunc(x)


def _round(x):
    # MXNet rounds half away from zero (std::round); jnp.round rounds half to even.
    return jnp.sign(x) * jnp.floor(jnp.abs(x) + 0.5)


def _rint(x):
    # MXNet's rint takes the floor on a tie (rint(2.5) == 2, rint(-0.5) == -1), not half to even.
    lo, hi = jnp.floor(x), jnp.ceil(x)
    return jnp.where(x - lo <= hi - x, lo, hi)


UNARY = {
    'exp': jnp.exp, 'expm1': jnp.expm1, 'log': jnp.log, 'log2': jnp.log2, 'log10': jnp.log10,
    'log1p': jnp.log1p, 'sqrt': jnp.sqrt, 'rsqrt': _rsqrt, 'cbrt': jnp.cbrt, 'rcbrt': _rcbrt,
    'square': jnp.square, 'reciprocal': jnp.reciprocal, 'sign': _sign, 'abs': _abs,
    'sin': jnp.sin, 'cos': jnp.cos, 'tan': jnp.tan, 'arcsin': jnp.arcsin, 'arccos': jnp.arccos,
    'arctan': jnp.arctan, 'sinh': jnp.sinh, 'cosh': jnp.cosh, 'tanh': jnp.tanh,
    'arcsinh': jnp.arcsinh, 'arccosh': jnp.arccosh, 'arctanh': jnp.arctanh,
    'radians': jnp.radians, 'degrees': jnp.degrees, 'relu': _relu, 'sigmoid': _sigmoid,
    'negative': jnp.negative, 'erf': special.erf, 'erfinv': special.erfinv,
    'gamma': special.gamma,
    'gammaln': special.gammaln, 'softsign': _softsign, 'floor': jnp.floor, 'ceil': jnp.ceil,
    'round': _round, 'rint': _rint, 'trunc': jnp.trunc, 'fix': _fix,
}
# Ops MXNet computes for integer inputs through float (and casts back).
_FLOAT_ONLY = {'exp', 'expm1', 'log', 'log2', 'log10', 'log1p', 'sqrt', 'rsqrt', 'cbrt', 'rcbrt',
               'reciprocal', 'sin', 'cos', 'tan', 'arcsin', 'arccos', 'arctan', 'sinh', 'cosh',
               'tanh', 'arcsinh', 'arccosh', 'arctanh', 'radians', 'degrees', 'sigmoid', 'erf',
               'erfinv', 'gamma', 'gammaln', 'softsign'}
# MXNet has no NDArray method for these (only nd.<name>).
_NO_METHOD = {'negative', 'erf', 'erfinv', 'gamma', 'gammaln', 'softsign'}

for _name, _f in UNARY.items():
    _g = _same_dtype(_float_math(_f) if _name in _FLOAT_ONLY else _f)
    _g.__name__ = _name
    op(_name, method=_name not in _NO_METHOD)(_g)


def logical_not(data):
    return (data == 0).astype(data.dtype)


op('logical_not')(logical_not)


# ---------------------------------------------------------------- same-shape binary ops
def shape_str(shape):
    """A shape as MXNet prints it in messages: [2,3]."""
    return '[%s]' % ','.join(str(d) for d in shape)


def _same_shape(name):
    """The check of an op whose inputs must all have the same shape (MXNet's message)."""
    def check(arrays, attrs):
        s0 = arrays[0]._buf.shape
        for i, a in enumerate(arrays[1:], 1):
            if a._buf.shape != s0:
                raise MXNetError('%s: incompatible shape at input %d: expected %s, got %s (all inputs '
                                 'must have the same shape; broadcast_* ops broadcast)'
                                 % (name, i, shape_str(s0), shape_str(a._buf.shape)))
    return check


def binary_fn(f, name):
    """An (lhs, rhs) op function computing in, and returning, lhs's dtype (as MXNet)."""
    def binary(lhs, rhs):
        r = f(lhs, rhs)
        return r if r.dtype == lhs.dtype else r.astype(lhs.dtype)
    binary.__name__ = name
    return binary


_ELEMWISE = {'elemwise_add': jnp.add, 'elemwise_sub': jnp.subtract,
             'elemwise_mul': jnp.multiply, 'elemwise_div': lambda a, b: _truediv(a, b),
             '_grad_add': jnp.add}
for _name, _f in _ELEMWISE.items():
    op(_name, inputs=('lhs', 'rhs'), check=_same_shape(_name), same_dtype=True)(binary_fn(_f, _name))


# ---------------------------------------------------------------- array (op) scalar
def _scalar_op(f):
    def g(data, scalar=1.0):
        s = mx_cast(scalar, data.dtype, jnp)  # MXNet casts the scalar to the data's dtype first
        r = f(data, s)
        return r if r.dtype == data.dtype else r.astype(data.dtype)
    return g


def _mod(a, b):
    return jnp.where(b == 0, jnp.zeros_like(a), jnp.mod(a, b))


def _floor_div(a, b):
    if jnp.issubdtype(a.dtype, jnp.floating):
        return jnp.floor(a / b)
    return jnp.where(b == 0, jnp.zeros_like(a), jnp.floor_divide(a, b))  # see _truediv


def _power(a, b):
    if jnp.issubdtype(a.dtype, jnp.floating):
        return jnp.power(a, b)
    # An integer to a negative power truncates toward zero as in MXNet (which goes through a
    # float pow): 1 for 1, +-1 for -1, else 0; jnp.power gives garbage there.
    neg = jnp.where(jnp.abs(a) == 1, jnp.where(b % 2 == 0, jnp.ones_like(a), a), jnp.zeros_like(a))
    return jnp.where(b < 0, neg, jnp.power(a, jnp.maximum(b, 0)))


def _maximum(a, b):
    # A NaN on either side gives NaN and no gradient to either input, as in MXNet.
    if jnp.issubdtype(jnp.result_type(a, b), jnp.floating):
        return jnp.where(a >= b, a, jnp.where(a < b, b, jnp.asarray(jnp.nan, jnp.result_type(a, b))))
    return jnp.where(a >= b, a, b)


def _minimum(a, b):
    if jnp.issubdtype(jnp.result_type(a, b), jnp.floating):
        return jnp.where(a <= b, a, jnp.where(a > b, b, jnp.asarray(jnp.nan, jnp.result_type(a, b))))
    return jnp.where(a <= b, a, b)


def _cmp(f):
    return lambda a, b: f(a, b).astype(a.dtype)


def _rev(f):
    return lambda a, b: f(b, a)


def _truediv(a, b):
    if jnp.issubdtype(a.dtype, jnp.floating):
        # XLA on CPU turns a / broadcast(b) into a * (1 / b), off by an ulp (5 / 3); the barrier
        # keeps the correctly rounded division that MXNet and NumPy give.
        a, b = jnp.broadcast_arrays(a, b)
        return a / lax.optimization_barrier(b) if b.ndim else a / b
    # MXNet integer division truncates toward zero (C semantics); lax.div does not broadcast.
    # By zero MXNet 1.9.1 kills the process (SIGFPE); mxjax gives 0, as NumPy does.
    a, b = jnp.broadcast_arrays(a, b)
    return jnp.where(b == 0, jnp.zeros_like(a), lax.div(a, jnp.where(b == 0, jnp.ones_like(b), b)))


SCALAR = {
    '_plus_scalar': jnp.add, '_minus_scalar': jnp.subtract, '_rminus_scalar': _rev(jnp.subtract),
    '_mul_scalar': jnp.multiply, '_div_scalar': _truediv, '_rdiv_scalar': _rev(_truediv),
    '_mod_scalar': _mod, '_rmod_scalar': _rev(_mod), '_power_scalar': _power,
    '_rpower_scalar': _rev(_power), '_maximum_scalar': _maximum, '_minimum_scalar': _minimum,
    '_floor_divide_scalar': _floor_div, '_rfloor_divide_scalar': _rev(_floor_div),
    '_hypot_scalar': jnp.hypot,
    '_equal_scalar': _cmp(jnp.equal), '_not_equal_scalar': _cmp(jnp.not_equal),
    '_greater_scalar': _cmp(jnp.greater), '_greater_equal_scalar': _cmp(jnp.greater_equal),
    '_lesser_scalar': _cmp(jnp.less), '_lesser_equal_scalar': _cmp(jnp.less_equal),
    '_logical_and_scalar': _cmp(lambda a, b: (a != 0) & (b != 0)),
    '_logical_or_scalar': _cmp(lambda a, b: (a != 0) | (b != 0)),
    '_logical_xor_scalar': _cmp(lambda a, b: (a != 0) ^ (b != 0)),
}
for _name, _f in SCALAR.items():
    _g = _scalar_op(_f)
    _g.__name__ = _name
    op(_name, dynamic=('scalar',))(_g)


# ---------------------------------------------------------------- casts, copies, gradient stops
def cast(data, dtype='float32'):
    return mx_cast(data, dtype, jnp)


cast_op = op('Cast', aliases=('cast',))(cast)


def _copy(data):
    return jnp.array(data, copy=True)


copy_op = op('_copy', aliases=('copy',))(_copy)


def stop_gradient(data):
    return lax.stop_gradient(data)


op('BlockGrad', aliases=('stop_gradient',))(stop_gradient)


def make_loss(data):
    # Forward is identity; the head gradient is ignored (ones), as MXNet's make_loss does.
    return _ignore_head_grad(data, jnp.ones((), data.dtype))


@jax.custom_vjp
def _ignore_head_grad(x, scale):
    return x


_ignore_head_grad.defvjp(lambda x, scale: (x, scale),
                         lambda scale, g: (jnp.full_like(g, scale), jnp.zeros_like(scale)))
op('make_loss')(make_loss)

_NORMALIZATIONS = ('batch', 'null', 'valid')


def _check_make_loss(arrays, attrs):
    if attrs['normalization'] not in _NORMALIZATIONS:
        raise MXNetError("MakeLoss: Invalid Input: %r for normalization, valid values are: "
                         "{'batch', 'null', 'valid'}" % (attrs['normalization'],))


def MakeLoss(data, grad_scale=1.0, valid_thresh=0.0, normalization='null'):
    """Identity forward; the backward ignores the head gradient and gives grad_scale, divided
    by the batch size (size / shape[-1]) or by the count of elements > valid_thresh (at least 1)."""
    # MXNet's grad_scale and valid_thresh are float32 parameters, even for float64 data.
    scale = jnp.asarray(np.float32(grad_scale), data.dtype)
    if normalization == 'batch':  # MXNet's batch size is the count of rows of a 2-D view
        scale = scale / max(1, data.size // max(1, data.shape[-1] if data.ndim else 1))
    elif normalization == 'valid':
        valid = jnp.sum(lax.stop_gradient(data) > jnp.asarray(np.float32(valid_thresh), data.dtype))
        scale = scale / jnp.maximum(valid, 1).astype(data.dtype)
    return _ignore_head_grad(data, scale)


op('MakeLoss', check=_check_make_loss)(MakeLoss)


def zeros_like(data):
    return jnp.zeros_like(data)


def ones_like(data):
    return jnp.ones_like(data)


op('zeros_like', method=True)(zeros_like)
op('ones_like', method=True)(ones_like)


def clip(data, a_min=None, a_max=None):
    # The bounds are traced operands (new bounds never recompile). MXNet's bounds are float32
    # parameters: clip(float64, 0.7) clips at float32(0.7).
    lo = jnp.asarray(a_min).astype(jnp.float32).astype(data.dtype)
    hi = jnp.asarray(a_max).astype(jnp.float32).astype(data.dtype)
    # The upper bound is tested first (so a_min > a_max gives a_max where x > a_max), and the
    # gradient passes where a_min <= x <= a_max: MXNet's clip forward and backward.
    return jnp.where(data > hi, hi, jnp.where(data < lo, lo, data))


def _check_clip(arrays, attrs):
    for k in ('a_min', 'a_max'):
        v = attrs[k]
        if v is None or isinstance(v, bool) or not isinstance(v, (int, float, np.number)):
            raise MXNetError('clip: %s=%r is not valid; a_min and a_max are required numbers'
                             % (k, v))


op('clip', method=True, dynamic=('a_min', 'a_max'), check=_check_clip)(clip)


def add_n(*args):
    r = args[0]
    for a in args[1:]:
        r = r + a
    return r


op('add_n', inputs=('*args',), aliases=('ElementWiseSum',), same_dtype=True,
   check=_same_shape('add_n'))(add_n)
