"""Elementwise ops: unary math, same-shape binary ops, scalar ops, casts and copies."""
import jax
import jax.numpy as jnp
from jax import lax
from jax.scipy import special

from ...base import MXNetError
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
    return jnp.sign(x)


def _abs(x):
    # x * sign(x): the gradient is sign(x), 0 at 0 as in MXNet (jnp.abs would give 1).
    return x * lax.stop_gradient(jnp.sign(x)) if jnp.issubdtype(x.dtype, jnp.floating) else jnp.abs(x)


def _relu(x):
    return jnp.where(x > 0, x, jnp.zeros_like(x))


def _sigmoid(x):
    return jax.nn.sigmoid(x)


def _softsign(x):
    return x / (1 + jnp.abs(x))


def _rsqrt(x):
    return lax.rsqrt(x)


def _rcbrt(x):
    return 1 / jnp.cbrt(x)


def _fix(x):
    return jnp.trunc(x)


def _round(x):
    # MXNet rounds half away from zero (std::round); jnp.round rounds half to even.
    return jnp.sign(x) * jnp.floor(jnp.abs(x) + 0.5)


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
    'round': _round, 'rint': jnp.rint, 'trunc': jnp.trunc, 'fix': _fix,
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


op('logical_not', method=True)(logical_not)


# ---------------------------------------------------------------- same-shape binary ops
def _check_same_shape(arrays, attrs):
    a, b = arrays
    if a._buf.shape != b._buf.shape:
        raise MXNetError('Incompatible shapes: lhs %s and rhs %s must have the same shape '
                         '(use broadcast_* ops to broadcast)' % (a.shape, b.shape))


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
    op(_name, inputs=('lhs', 'rhs'), check=_check_same_shape, same_dtype=True)(binary_fn(_f, _name))


# ---------------------------------------------------------------- array (op) scalar
def _scalar_op(f):
    def g(data, scalar=1.0):
        s = jnp.asarray(scalar, dtype=data.dtype)
        r = f(data, s)
        return r if r.dtype == data.dtype else r.astype(data.dtype)
    return g


def _mod(a, b):
    return jnp.where(b == 0, jnp.zeros_like(a), jnp.mod(a, b))


def _floor_div(a, b):
    if jnp.issubdtype(a.dtype, jnp.floating):
        return jnp.floor(a / b)
    return jnp.floor_divide(a, b)


def _maximum(a, b):
    return jnp.where(a >= b, a, b)


def _minimum(a, b):
    return jnp.where(a <= b, a, b)


def _cmp(f):
    return lambda a, b: f(a, b).astype(a.dtype)


def _rev(f):
    return lambda a, b: f(b, a)


def _truediv(a, b):
    if jnp.issubdtype(a.dtype, jnp.floating):
        return a / b
    # MXNet integer division truncates toward zero (C semantics); lax.div does not broadcast.
    return lax.div(*jnp.broadcast_arrays(a, b))


SCALAR = {
    '_plus_scalar': jnp.add, '_minus_scalar': jnp.subtract, '_rminus_scalar': _rev(jnp.subtract),
    '_mul_scalar': jnp.multiply, '_div_scalar': _truediv, '_rdiv_scalar': _rev(_truediv),
    '_mod_scalar': _mod, '_rmod_scalar': _rev(_mod), '_power_scalar': jnp.power,
    '_rpower_scalar': _rev(jnp.power), '_maximum_scalar': _maximum, '_minimum_scalar': _minimum,
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
    return data.astype(jnp.dtype(dtype))


cast_op = op('Cast', aliases=('cast',))(cast)


def _copy(data):
    return jnp.array(data, copy=True)


copy_op = op('_copy', aliases=('copy',))(_copy)


def stop_gradient(data):
    return lax.stop_gradient(data)


op('BlockGrad', aliases=('stop_gradient',))(stop_gradient)


def make_loss(data):
    # Forward is identity; the head gradient is ignored (ones), as MXNet's make_loss does.
    return _ignore_head_grad(data)


@jax.custom_vjp
def _ignore_head_grad(x):
    return x


_ignore_head_grad.defvjp(lambda x: (x, None), lambda _, g: (jnp.ones_like(g),))
op('make_loss', aliases=('MakeLoss',))(make_loss)


def zeros_like(data):
    return jnp.zeros_like(data)


def ones_like(data):
    return jnp.ones_like(data)


op('zeros_like', method=True)(zeros_like)
op('ones_like', method=True)(ones_like)


def clip(data, a_min=None, a_max=None):
    if a_min is None or a_max is None:
        raise MXNetError('clip: a_min and a_max are required, got a_min=%r a_max=%r' % (a_min, a_max))
    lo = jnp.asarray(a_min, data.dtype)
    hi = jnp.asarray(a_max, data.dtype)
    # Gradient passes where a_min <= x <= a_max (MXNet's clip backward).
    return jnp.where(data < lo, lo, jnp.where(data > hi, hi, data))


op('clip', method=True)(clip)


def add_n(*args):
    r = args[0]
    for a in args[1:]:
        r = r + a
    return r


op('add_n', inputs=('*args',), aliases=('ElementWiseSum',), same_dtype=True)(add_n)
