"""NDArray: a mutable handle around an immutable jax.Array, with MXNet's views."""
import functools

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

from .. import context as _context
from ..autograd import tape
from ..autograd.state import state
from ..base import MXNetError, integer_types, mx_real_t, np_dtype, numeric_types

ASSIGN_IN_GRAPH = ('Assigning to NDArrays that are already in a computational graph will cause '
                   'undefined behavior when evaluating gradients. Please call backward first to '
                   'clear the graph or do this out side of a record section. Also note that you '
                   'cannot use inplace operations like +=, *=, relu(x, out=x), y[idx]=x, etc '
                   'inside a record section.')


# ---------------------------------------------------------------- jitted buffer helpers
@functools.partial(jax.jit, static_argnums=(2, 3))
def _flat_read(src, begin, size, shape):
    return lax.dynamic_slice(src.reshape(-1), (begin,), (size,)).reshape(shape)


@jax.jit
def _flat_write(dst, begin, val):
    return lax.dynamic_update_slice(dst.reshape(-1), val.reshape(-1).astype(dst.dtype), (begin,)).reshape(dst.shape)


class NDArray:
    """An n-dimensional array on a context, backed by a jax.Array (see `as_jax()`)."""
    __slots__ = ('_buf', '_ctx', '_entry', '_base', '_begin', '_src', '__weakref__')
    __array_priority__ = 1000.0

    # ------------------------------------------------------------ buffer access
    @property
    def _data(self):
        b = self._base
        if b is None:
            return self._buf
        src = b._buf
        if src is not self._src:
            self._buf = _flat_read(src, self._begin, self._buf.size, self._buf.shape)
            self._src = src
        return self._buf

    def _set_data(self, new):
        """Rebind this handle (and, for a view, the base's slice) to `new`."""
        b = self._base
        if b is None:
            self._buf = new
        else:
            b._buf = _flat_write(b._buf, self._begin, new)
            self._buf = new
            self._src = b._buf

    def _assign(self, value, entry=None):
        """Write a whole-array result into this handle (out=, in-place operators)."""
        if state.recording and self._entry is not None:
            raise MXNetError(ASSIGN_IN_GRAPH)
        cur = self._data
        if value.shape != cur.shape:
            raise MXNetError('out= has shape %s, but the result has shape %s' % (cur.shape, value.shape))
        if value.dtype != cur.dtype:
            value = value.astype(cur.dtype)
        self._set_data(value)
        if entry is not None:
            self._entry = entry

    # ------------------------------------------------------------ attributes
    @property
    def shape(self):
        return tuple(self._buf.shape)

    @property
    def dtype(self):
        return self._buf.dtype.type

    @property
    def size(self):
        return int(self._buf.size)

    @property
    def ndim(self):
        return self._buf.ndim

    @property
    def context(self):
        if self._ctx is None:
            self._ctx = _context.context_of_device(next(iter(self._buf.devices())))
        return self._ctx

    ctx = context

    @property
    def stype(self):
        return 'default'

    @property
    def writable(self):
        return True

    @property
    def handle(self):
        return self

    @property
    def T(self):
        # MXNet reverses all axes (the transpose op with no axes), whatever ndim is.
        return self.transpose()

    def __len__(self):
        return self.shape[0]

    def __hash__(self):
        return id(self) // 16

    def __bool__(self):
        n = self.size
        if n == 0:
            return False
        if n == 1:
            return bool(self.asscalar())
        raise ValueError('The truth value of an NDArray with multiple elements is ambiguous.')

    def __iter__(self):
        for i in range(self.shape[0]):
            yield self[i]

    # ------------------------------------------------------------ conversion
    def asnumpy(self):
        """A NumPy copy of the data (writable, like MXNet's)."""
        return np.array(self._data)

    def asscalar(self):
        if self.shape != (1,) and self.size != 1:
            raise ValueError('The current array is not a scalar')
        return self.asnumpy().reshape(())[()]

    def __array__(self, dtype=None, copy=None):
        a = np.asarray(self._data)
        return a.astype(dtype) if dtype is not None else a

    def as_jax(self):
        """The current value as an (immutable) jax.Array; no copy."""
        return self._data

    def astype(self, dtype, copy=True):
        dt = np_dtype(dtype)
        if not copy and dt == self.dtype:
            return self
        from .ops.elemwise import cast_op
        return cast_op(self, dtype=np.dtype(dt).name)

    def copy(self):
        return self.copyto(self.context)

    def copyto(self, other):
        """Copy into `other` (an NDArray of the same shape, or a Context: a new array there)."""
        if isinstance(other, NDArray):
            if other is self:
                return other
            if other.shape != self.shape:
                raise MXNetError('copyto: target shape %s does not match source shape %s'
                                 % (other.shape, self.shape))
            from .ops.elemwise import copy_op
            return copy_op(self, out=other)
        if isinstance(other, _context.Context):
            from .ops.elemwise import copy_op
            res = copy_op(self)
            if other != self.context:
                res._buf = jax.device_put(res._buf, other.jax_device)
                res._ctx = other
            return res
        raise TypeError('copyto does not support type %s; expected an NDArray or a Context'
                        % type(other).__name__)

    def as_in_context(self, context):
        if self.context == context:
            return self
        return self.copyto(context)

    as_in_ctx = as_in_context

    def tostype(self, stype):
        if stype != 'default':
            raise MXNetError('stype=%r is not supported; mxjax arrays are dense (valid: default)' % stype)
        return self.copy()

    def wait_to_read(self):
        self._data.block_until_ready()

    def wait_to_write(self):
        self._data.block_until_ready()

    # ------------------------------------------------------------ printing
    def __repr__(self):
        shape_info = 'x'.join('%d' % s for s in self.shape)
        return '\n%s\n<%s %s @%s>' % (str(self.asnumpy()), self.__class__.__name__, shape_info, self.context)

    __str__ = __repr__

    # ------------------------------------------------------------ autograd
    def attach_grad(self, grad_req='write', stype=None):
        """Attach a zero gradient buffer; backward writes (or adds) into it."""
        if stype not in (None, 'default'):
            raise MXNetError('stype=%r is not supported for gradients (valid: default)' % stype)
        grad = _wrap(jnp.zeros_like(self._data), self._ctx, None)
        tape.mark_variables([self], [grad], grad_req)

    @property
    def grad(self):
        e = self._entry
        if e is not None and type(e[0]) is tape.Leaf:
            return e[0].grad
        return None

    @property
    def _fresh_grad(self):
        e = self._entry
        return int(e is not None and type(e[0]) is tape.Leaf and e[0].fresh)

    @_fresh_grad.setter
    def _fresh_grad(self, value):
        e = self._entry
        if e is not None and type(e[0]) is tape.Leaf:
            e[0].fresh = bool(value)

    def detach(self):
        """A new handle on the same value, off the graph."""
        return _wrap(self._data, self._ctx, None)

    def backward(self, out_grad=None, retain_graph=False, train_mode=True):
        tape.run_backward([self], None if out_grad is None else [out_grad],
                          retain_graph=retain_graph, train_mode=train_mode)

    # ------------------------------------------------------------ views
    def _make_view(self, begin, shape, recorded):
        """An NDArray sharing memory with self: flat elements [begin, begin+size) as `shape`."""
        root, off = (self, 0) if self._base is None else (self._base, self._begin)
        size = int(np.prod(shape, dtype=np.int64))
        if recorded is not None:
            v = recorded
        else:
            v = _wrap(_flat_read(self._data, begin, size, tuple(shape)), self._ctx, None)
        v._base, v._begin, v._src = root, off + begin, root._buf
        return v

    def reshape(self, *shape, **kwargs):
        """A view with a new shape (MXNet's codes 0, -1, -2, -3, -4 and reverse=)."""
        if len(shape) == 1 and isinstance(shape[0], (list, tuple)):
            shape = shape[0]
        elif not shape:
            shape = kwargs.pop('shape', None)
            if shape is None:
                raise TypeError('reshape() missing the shape argument')
        reverse = kwargs.pop('reverse', False)
        if kwargs:
            raise TypeError('reshape() got unexpected arguments %s; valid: shape, reverse' % list(kwargs))
        from .ops.shape import infer_reshape
        new = infer_reshape(self.shape, tuple(shape), reverse)
        return self._view(0, new)

    def _view(self, begin, shape):
        from .ops.shape import view_op
        rec = None
        if state.recording and self._entry is not None:
            rec = view_op(self, begin, tuple(shape))
        return self._make_view(begin, tuple(shape), rec)

    # ------------------------------------------------------------ indexing
    def __getitem__(self, key):
        from .indexing import getitem
        return getitem(self, key)

    def __setitem__(self, key, value):
        from .indexing import setitem
        setitem(self, key, value)

    # ------------------------------------------------------------ operators
    def __add__(self, other):
        return _binary(self, other, 'broadcast_add', '_plus_scalar', '_plus_scalar')

    __radd__ = __add__

    def __sub__(self, other):
        return _binary(self, other, 'broadcast_sub', '_minus_scalar', '_rminus_scalar')

    def __rsub__(self, other):
        return _binary(self, other, 'broadcast_sub', '_rminus_scalar', '_minus_scalar')

    def __mul__(self, other):
        return _binary(self, other, 'broadcast_mul', '_mul_scalar', '_mul_scalar')

    __rmul__ = __mul__

    def __truediv__(self, other):
        return _binary(self, other, 'broadcast_div', '_div_scalar', '_rdiv_scalar')

    def __rtruediv__(self, other):
        return _binary(self, other, 'broadcast_div', '_rdiv_scalar', '_div_scalar')

    __div__, __rdiv__ = __truediv__, __rtruediv__

    def __floordiv__(self, other):
        return _binary(self, other, '_floor_divide', '_floor_divide_scalar', '_rfloor_divide_scalar')

    def __rfloordiv__(self, other):
        return _binary(self, other, '_floor_divide', '_rfloor_divide_scalar', '_floor_divide_scalar')

    def __mod__(self, other):
        return _binary(self, other, 'broadcast_mod', '_mod_scalar', '_rmod_scalar')

    def __rmod__(self, other):
        return _binary(self, other, 'broadcast_mod', '_rmod_scalar', '_mod_scalar')

    def __pow__(self, other):
        return _binary(self, other, 'broadcast_power', '_power_scalar', '_rpower_scalar')

    def __rpow__(self, other):
        return _binary(self, other, 'broadcast_power', '_rpower_scalar', '_power_scalar')

    def __neg__(self):
        return _binary(self, -1.0, None, '_mul_scalar', None)

    def __pos__(self):
        return self

    def __abs__(self):
        return _call('abs', self)

    def __eq__(self, other):
        return _binary(self, other, 'broadcast_equal', '_equal_scalar', '_equal_scalar')

    def __ne__(self, other):
        return _binary(self, other, 'broadcast_not_equal', '_not_equal_scalar', '_not_equal_scalar')

    def __gt__(self, other):
        return _binary(self, other, 'broadcast_greater', '_greater_scalar', '_lesser_scalar')

    def __ge__(self, other):
        return _binary(self, other, 'broadcast_greater_equal', '_greater_equal_scalar', '_lesser_equal_scalar')

    def __lt__(self, other):
        return _binary(self, other, 'broadcast_lesser', '_lesser_scalar', '_greater_scalar')

    def __le__(self, other):
        return _binary(self, other, 'broadcast_lesser_equal', '_lesser_equal_scalar', '_greater_equal_scalar')

    def __iadd__(self, other):
        return _inplace(self, other, 'broadcast_add', '_plus_scalar')

    def __isub__(self, other):
        return _inplace(self, other, 'broadcast_sub', '_minus_scalar')

    def __imul__(self, other):
        return _inplace(self, other, 'broadcast_mul', '_mul_scalar')

    def __itruediv__(self, other):
        return _inplace(self, other, 'broadcast_div', '_div_scalar')

    __idiv__ = __itruediv__

    def __imod__(self, other):
        return _inplace(self, other, 'broadcast_mod', '_mod_scalar')

    def __getstate__(self):
        return {'data': self.asnumpy(), 'ctx': str(self.context)}

    def __setstate__(self, st):
        self._buf = jnp.asarray(st['data'])
        self._ctx, self._entry, self._base, self._begin, self._src = None, None, None, 0, None


def _wrap(data, ctx, entry):
    """A new NDArray handle around a jax.Array (the fast constructor)."""
    a = object.__new__(NDArray)
    a._buf = data
    a._ctx = ctx
    a._entry = entry
    a._base = None
    return a


def _call(name, *args, **kwargs):
    from .registry import FRONTENDS
    return FRONTENDS[name](*args, **kwargs)


# Bound by registry.py when it loads (it imports this module, so no import cycle here).
OPS = invoke = dev_scalar = None


def _binary(lhs, rhs, array_op, scalar_op, _unused, out=None):
    """x (op) y for the Python operators: broadcast op for arrays, scalar op for numbers."""
    if isinstance(rhs, NDArray):
        if lhs._buf.dtype != rhs._buf.dtype or lhs._buf.shape != rhs._buf.shape:
            return _call(array_op, lhs, rhs, out=out)  # full checks and messages
        return invoke(OPS[array_op], (lhs, rhs), (), (), out)
    if isinstance(rhs, numeric_types):
        return invoke(OPS[scalar_op], (lhs,), (), (dev_scalar(float(rhs)),), out)
    return NotImplemented if out is None else _type_error(rhs)


def _type_error(value):
    raise TypeError('type %s not supported' % type(value).__name__)


def _inplace(self, other, array_op, scalar_op):
    if not isinstance(other, (NDArray,) + numeric_types):
        _type_error(other)
    _binary(self, other, array_op, scalar_op, None, out=self)
    return self


# ---------------------------------------------------------------- creation
def _put(np_value, ctx):
    ctx = ctx if ctx is not None else _context.current_context()
    return _wrap(jax.device_put(np_value, ctx.jax_device), ctx, None)


def array(source_array, ctx=None, dtype=None):
    """An NDArray from a list, a NumPy array or another NDArray (float32 unless dtype says)."""
    if isinstance(source_array, NDArray):
        dt = source_array.dtype if dtype is None else np_dtype(dtype)
        src = source_array.asnumpy().astype(dt, copy=False)
    elif isinstance(source_array, jax.Array):
        dt = mx_real_t if dtype is None else np_dtype(dtype)
        src = np.asarray(source_array).astype(dt, copy=False)
    else:
        dt = np_dtype(dtype)
        try:
            src = np.array(source_array, dtype=dt)
        except (TypeError, ValueError):
            raise TypeError('source_array must be array like object, got %s'
                            % type(source_array).__name__) from None
    return _put(src, ctx)


def from_jax(value, ctx=None):
    """Wrap a jax.Array (no copy when it already lives on ctx's device)."""
    if not isinstance(value, jax.Array):
        raise TypeError('from_jax expects a jax.Array, got %s' % type(value).__name__)
    if ctx is not None:
        return _wrap(jax.device_put(value, ctx.jax_device), ctx, None)
    return _wrap(value, None, None)


def _shape_tuple(shape):
    if isinstance(shape, integer_types):
        return (int(shape),)
    try:
        shape = tuple(int(s) for s in shape)
    except TypeError:
        raise MXNetError('shape=%r is not valid; expected an int or a tuple of ints' % (shape,)) from None
    if any(s < 0 for s in shape):
        raise MXNetError('shape=%r is not valid; dimensions must be >= 0' % (shape,))
    return shape


def zeros(shape, ctx=None, dtype=None, **kwargs):
    return _put(np.zeros(_shape_tuple(shape), np_dtype(dtype)), ctx)


def ones(shape, ctx=None, dtype=None, **kwargs):
    return _put(np.ones(_shape_tuple(shape), np_dtype(dtype)), ctx)


def full(shape, val, ctx=None, dtype=mx_real_t, out=None):
    res = _put(np.full(_shape_tuple(shape), val, np_dtype(dtype)), ctx)
    if out is not None:
        out[:] = res
        return out
    return res


def empty(shape, ctx=None, dtype=None):
    return zeros(shape, ctx, dtype)


def arange(start, stop=None, step=1.0, repeat=1, infer_range=None, ctx=None, dtype=mx_real_t):
    """MXNet's arange: float32 by default, each value repeated `repeat` times."""
    if stop is None:
        start, stop = 0, start
    if step == 0:
        raise MXNetError('arange: step=0 is not valid; step must be non-zero')
    if repeat < 1:
        raise MXNetError('arange: repeat=%r is not valid; it must be >= 1' % (repeat,))
    if not (start < stop if step > 0 else start > stop):
        raise MXNetError('arange: Invalid range (start, stop, step) = (%s,%s,%s): the range is empty; start '
                         'must be %s stop' % (start, stop, step, 'below' if step > 0 else 'above'))
    vals = np.arange(start, stop, step, dtype=np.float64).astype(np_dtype(dtype))
    if repeat != 1:
        vals = np.repeat(vals, int(repeat))
    return _put(vals, ctx)


def waitall():
    """Wait for all pending computation (jax dispatch is asynchronous)."""
    jax.effects_barrier()


def concatenate(arrays, axis=0, always_copy=True):
    from .registry import FRONTENDS
    return FRONTENDS['concat'](*arrays, dim=axis)


def moveaxis(tensor, source, destination):
    axes = list(range(tensor.ndim))
    src = source % tensor.ndim
    dst = destination % tensor.ndim
    axes.pop(src)
    axes.insert(dst, src)
    return tensor.transpose(axes=tuple(axes))

