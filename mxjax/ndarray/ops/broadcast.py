"""Broadcasting binary ops, their NDArray/scalar dispatching front doors, broadcast_to & co."""
import jax.numpy as jnp
import numpy as np

from ...base import MXNetError, numeric_types
from ..registry import FRONTENDS, frontend, op
from . import elemwise as _e


def _check_broadcast(arrays, attrs):
    a, b = arrays
    sa, sb = a.shape, b.shape
    n = max(len(sa), len(sb))
    pa, pb = (1,) * (n - len(sa)) + sa, (1,) * (n - len(sb)) + sb
    for x, y in zip(pa, pb):
        if x != y and x != 1 and y != 1:
            raise MXNetError('operands could not be broadcast together with shapes %s %s'
                             % (_e.shape_str(sa), _e.shape_str(sb)))


BROADCAST = {
    'broadcast_add': jnp.add, 'broadcast_sub': jnp.subtract, 'broadcast_mul': jnp.multiply,
    'broadcast_div': _e._truediv, 'broadcast_mod': _e._mod, 'broadcast_power': _e._power,
    'broadcast_maximum': _e._maximum, 'broadcast_minimum': _e._minimum,
    'broadcast_hypot': jnp.hypot, '_floor_divide': _e._floor_div,
    'broadcast_equal': _e._cmp(jnp.equal), 'broadcast_not_equal': _e._cmp(jnp.not_equal),
    'broadcast_greater': _e._cmp(jnp.greater), 'broadcast_greater_equal': _e._cmp(jnp.greater_equal),
    'broadcast_lesser': _e._cmp(jnp.less), 'broadcast_lesser_equal': _e._cmp(jnp.less_equal),
    'broadcast_logical_and': _e._cmp(lambda a, b: (a != 0) & (b != 0)),
    'broadcast_logical_or': _e._cmp(lambda a, b: (a != 0) | (b != 0)),
    'broadcast_logical_xor': _e._cmp(lambda a, b: (a != 0) ^ (b != 0)),
}
_ALIASES = {'broadcast_add': ('broadcast_plus',), 'broadcast_sub': ('broadcast_minus',)}

for _name, _f in BROADCAST.items():
    op(_name, inputs=('lhs', 'rhs'), aliases=_ALIASES.get(_name, ()), lazy_check=_check_broadcast,
       same_dtype=True)(_e.binary_fn(_f, _name))


def _ufunc(name, array_op, scalar_op, rscalar_op, py):
    """nd.add & co: NDArray-NDArray -> broadcast op, NDArray-number -> scalar op."""
    def f(lhs, rhs, out=None):
        if isinstance(lhs, numeric_types):
            if isinstance(rhs, numeric_types):
                return py(lhs, rhs)
            return FRONTENDS[rscalar_op](rhs, scalar=float(lhs), out=out)
        if isinstance(rhs, numeric_types):
            return FRONTENDS[scalar_op](lhs, scalar=float(rhs), out=out)
        return FRONTENDS[array_op](lhs, rhs, out=out)
    f.__name__ = name
    frontend(name)(f)


for _args in [
        ('add', 'broadcast_add', '_plus_scalar', '_plus_scalar', lambda a, b: a + b),
        ('subtract', 'broadcast_sub', '_minus_scalar', '_rminus_scalar', lambda a, b: a - b),
        ('multiply', 'broadcast_mul', '_mul_scalar', '_mul_scalar', lambda a, b: a * b),
        ('divide', 'broadcast_div', '_div_scalar', '_rdiv_scalar', lambda a, b: a / b),
        ('modulo', 'broadcast_mod', '_mod_scalar', '_rmod_scalar', lambda a, b: a % b),
        ('power', 'broadcast_power', '_power_scalar', '_rpower_scalar', lambda a, b: a ** b),
        ('maximum', 'broadcast_maximum', '_maximum_scalar', '_maximum_scalar', max),
        ('minimum', 'broadcast_minimum', '_minimum_scalar', '_minimum_scalar', min),
        ('hypot', 'broadcast_hypot', '_hypot_scalar', '_hypot_scalar', lambda a, b: float(np.hypot(a, b))),
        # Two numbers: MXNet answers comparisons and logical ops with the int 1 or 0.
        ('equal', 'broadcast_equal', '_equal_scalar', '_equal_scalar', lambda a, b: int(a == b)),
        ('not_equal', 'broadcast_not_equal', '_not_equal_scalar', '_not_equal_scalar', lambda a, b: int(a != b)),
        ('greater', 'broadcast_greater', '_greater_scalar', '_lesser_scalar', lambda a, b: int(a > b)),
        ('greater_equal', 'broadcast_greater_equal', '_greater_equal_scalar', '_lesser_equal_scalar',
         lambda a, b: int(a >= b)),
        ('lesser', 'broadcast_lesser', '_lesser_scalar', '_greater_scalar', lambda a, b: int(a < b)),
        ('lesser_equal', 'broadcast_lesser_equal', '_lesser_equal_scalar', '_greater_equal_scalar',
         lambda a, b: int(a <= b)),
        ('logical_and', 'broadcast_logical_and', '_logical_and_scalar', '_logical_and_scalar',
         lambda a, b: int(bool(a) and bool(b))),
        ('logical_or', 'broadcast_logical_or', '_logical_or_scalar', '_logical_or_scalar',
         lambda a, b: int(bool(a) or bool(b))),
        ('logical_xor', 'broadcast_logical_xor', '_logical_xor_scalar', '_logical_xor_scalar',
         lambda a, b: int(bool(a) != bool(b)))]:
    _ufunc(*_args)


# ---------------------------------------------------------------- explicit broadcasting
def _bcast_target(in_shape, shape, name):
    """The output shape of broadcasting in_shape to shape (0 in shape keeps the input's size)."""
    shp = _e.shape_str
    if len(shape) != len(in_shape):
        raise MXNetError('%s: Operand of shape %s cannot be broadcasted to %s (%d vs. %d dimensions)'
                         % (name, shp(in_shape), shp(shape), len(in_shape), len(shape)))
    out = []
    for s, t in zip(in_shape, shape):
        t = s if t == 0 else t
        if s != t and s != 1:
            raise MXNetError('%s: Array cannot be broadcasted from %s to %s (only size-1 axes '
                             'broadcast)' % (name, shp(in_shape), shp(shape)))
        out.append(t)
    return tuple(out)


def broadcast_to(data, shape=()):
    return jnp.broadcast_to(data, _bcast_target(data.shape, tuple(shape), 'broadcast_to'))


op('broadcast_to', method=True)(broadcast_to)


def broadcast_axis(data, axis=(), size=()):
    axis = (axis,) if isinstance(axis, int) else tuple(axis)
    size = (size,) if isinstance(size, int) else tuple(size)
    if len(axis) != len(size):
        raise MXNetError('broadcast_axis: axis=%s and size=%s must have the same length (%d vs. %d)'
                         % (axis, size, len(axis), len(size)))
    shape = list(data.shape)
    for a, s in zip(axis, size):
        if not 0 <= a < data.ndim:  # MXNet takes no negative axis here
            raise MXNetError('broadcast_axis: axis index = %d must be in range [0, %d)' % (a, data.ndim))
        if shape[a] != 1:
            raise MXNetError('broadcast_axis: axis %d has size %d: Broadcasting axis must have size 1'
                             % (a, shape[a]))
        shape[a] = s
    return jnp.broadcast_to(data, tuple(shape))


# MXNet's NDArray has the method broadcast_axes only (no broadcast_axis method).
op('broadcast_axis', aliases=('broadcast_axes',), method='broadcast_axes')(broadcast_axis)


def broadcast_like(lhs, rhs, lhs_axes=None, rhs_axes=None):
    if lhs_axes is None:
        return jnp.broadcast_to(lhs, _bcast_target(lhs.shape, rhs.shape, 'broadcast_like'))
    shape = list(lhs.shape)
    for la, ra in zip(lhs_axes, rhs_axes):
        if shape[la] != 1 and shape[la] != rhs.shape[ra]:
            raise MXNetError('broadcast_like: input axis %d of size %d cannot be broadcasted to %d'
                             % (la, shape[la], rhs.shape[ra]))
        shape[la] = rhs.shape[ra]
    return jnp.broadcast_to(lhs, tuple(shape))


op('broadcast_like', inputs=('lhs', 'rhs'), method=True)(broadcast_like)
