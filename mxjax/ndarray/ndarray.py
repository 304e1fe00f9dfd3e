"""NDArray: a mutable handle around an immutable jax.Array, with MXNet's views."""
import ctypes
import functools
import weakref

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

from .. import context as _context
from ..autograd import tape
from .. import lazy
from ..autograd.state import state
from ..base import MXNetError, integer_types, mx_cast, mx_real_t, np_dtype, numeric_types

ASSIGN_IN_GRAPH = ('Assigning to NDArrays that are already in a computational graph will cause '
                   'undefined behavior when evaluating gradients. Please call backward first to '
                   'clear the graph or do this out side of a record section. Also note that you '
                   'cannot use inplace operations like +=, *=, relu(x, out=x), y[idx]=x, etc '
                   'inside a record section.')
INPLACE_RECORDING = ('Inplace operations (+=, -=, x[:]=, etc) are not supported when recording '
                     'with autograd.')


# ---------------------------------------------------------------- jitted buffer helpers
@functools.partial(jax.jit, static_argnums=(2, 3))
def _flat_read(src, begin, size, shape):
    return lax.dynamic_slice(src.reshape(-1), (begin,), (size,)).reshape(shape)


@jax.jit
def _flat_write(dst, begin, val):
    return lax.dynamic_update_slice(dst.reshape(-1), val.reshape(-1).astype(dst.dtype), (begin,)).reshape(dst.shape)


class NDArray:
    """An n-dimensional array on a context, backed by a jax.Array (see `as_jax()`)."""
    # A view (x[1], x.reshape(..), x.detach()) has _base = its root and _begin = its flat offset
    # there; _src is the root's _ver when _buf was last read from it (_ver counts the root's writes).
    __slots__ = ('_buf', '_ctx', '_entry', '_base', '_begin', '_src', '_ver', '__weakref__')
    __array_priority__ = 1000.0

    # ------------------------------------------------------------ buffer access
    @property
    def _data(self):
        """The value as a jax.Array (computing what is queued for it; see lazy.py)."""
        b = self._base
        if b is None:
            buf = self._buf
            if type(buf) is lazy.Lazy:
                buf = self._buf = buf.get()
            return buf
        if b._ver != self._src:
            self._buf = _flat_read(b._data, self._begin, self._buf.size, self._buf.shape)
            self._src = b._ver
        elif type(self._buf) is lazy.Lazy:
            self._buf = self._buf.get()
        return self._buf

    @property
    def _ref(self):
        """The value to hand to an op: a jax.Array, or a Lazy one still queued."""
        b = self._base
        if b is None or b._ver == self._src:
            return self._buf
        return self._data

    def _set_data(self, new):
        """Rebind this handle (and, for a view, the base's slice) to `new` (an array or Lazy)."""
        b = self._base
        if b is None:
            self._buf = new
            self._ver += 1
        else:
            new = lazy.value(new)
            b._buf = _flat_write(b._data, self._begin, new)
            b._ver += 1
            self._buf = new
            self._src = b._ver

    def _assign(self, value, entry=None):
        """Write a whole-array result into this handle (out=, in-place operators)."""
        if state.recording and self._entry is not None:
            raise MXNetError(ASSIGN_IN_GRAPH)
        cur = self._buf
        if value.shape != cur.shape:
            raise MXNetError('out= has shape %s, but the result has shape %s' % (cur.shape, value.shape))
        if value.dtype != cur.dtype:
            value = lazy.cast(value, cur.dtype)
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
        """A NumPy copy of the data (writable, like MXNet's).

        A one-element result also converts with float()/int(), as under the NumPy 1.x that
        MXNet pins (NumPy >= 2.3 refuses float() of a 1-d array; see _OneElement).
        """
        a = np.array(self._data)
        return a.view(_OneElement) if a.size == 1 else a

    def asscalar(self):
        """The value of a one-element array: a NumPy scalar for shape (1,), else (as in MXNet)
        the whole one-element NumPy array."""
        if self.size != 1:
            raise ValueError('The current array is not a scalar')
        a = np.array(self._data)
        return a[0] if a.ndim == 1 else a

    def __array__(self, dtype=None, copy=None):
        # np.array(x) gives a writable copy; only copy=False asks for the (read-only) buffer itself.
        a = np.asarray(self._data) if copy is False else np.array(self._data)
        return a.astype(dtype, copy=False) if dtype is not None else a

    def as_jax(self):
        """The current value as an (immutable) jax.Array; no copy."""
        return self._data

    def __jax_array__(self):
        # jnp functions accept an NDArray (with the pytree registration below).
        return self._data

    # ------------------------------------------------------------ DLPack
    def __dlpack__(self, *args, **kwargs):
        return self._data.__dlpack__(*args, **kwargs)

    def __dlpack_device__(self):
        return self._data.__dlpack_device__()

    def to_dlpack_for_read(self):
        """A DLPack capsule sharing this array's memory, for reading."""
        return self._data.__dlpack__()

    def to_dlpack_for_write(self):
        """A DLPack capsule sharing this array's memory: what a consumer writes there shows in
        this array (and `nd.from_dlpack` of it is a handle sharing that memory, as in MXNet).

        The array first gets a buffer of its own, so no other handle sees those writes. (Of a
        view, the capsule shares the view's memory, not its root's.)
        """
        root = self if self._base is None else self._base
        root._set_data(jnp.array(root._data, copy=True))
        cap = self._data.__dlpack__()
        for k in [k for k, r in _WRITABLE.items() if r() is None]:
            del _WRITABLE[k]
        _WRITABLE[_capsule_pointer(cap)[0]] = weakref.ref(self)
        return cap

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
                res._buf = jax.device_put(res._data, other.jax_device)
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
        from .printing import ndarray_repr  # MXNet's format under any NumPy
        return ndarray_repr(self)

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
        """A new handle off the graph sharing memory with this one (writes show in both)."""
        return self._make_view(0, self.shape, None)

    def backward(self, out_grad=None, retain_graph=False, train_mode=True):
        tape.run_backward([self], None if out_grad is None else [out_grad],
                          retain_graph=retain_graph, train_mode=train_mode)

    # ------------------------------------------------------------ views
    def _make_view(self, begin, shape, recorded):
        """An NDArray sharing memory with self: flat elements [begin, begin+size) as `shape`."""
        root, off = (self, 0) if self._base is None else (self._base, self._begin)
        if recorded is not None:
            v, src = recorded, root._ver
        elif begin == 0 and shape == self.shape:
            v, src = _wrap(self._ref, self._ctx, None), root._ver
        else:  # read lazily: a view costs nothing until it is used (MXNet's views copy nothing)
            v, src = _wrap(_Meta(shape, self._buf.dtype), self.context, None), -1
        v._base, v._begin, v._src = root, off + begin, src
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
        self._ctx, self._entry, self._base, self._begin, self._src, self._ver = None, None, None, 0, None, 0


def _wrap(data, ctx, entry):
    """A new NDArray handle around a jax.Array (the fast constructor)."""
    a = object.__new__(NDArray)
    a._buf = data
    a._ctx = ctx
    a._entry = entry
    a._base = None
    a._ver = 0
    return a


class _Meta:
    """Shape and dtype of a view not read yet (stands in for its buffer until first use)."""
    __slots__ = ('shape', 'dtype', 'size', 'ndim')

    def __init__(self, shape, dtype):
        self.shape, self.dtype = tuple(shape), np.dtype(dtype)
        self.size, self.ndim = int(np.prod(shape, dtype=np.int64)), len(shape)


class _OneElement(np.ndarray):
    """What asnumpy() returns for a one-element array: a NumPy array that float()/int()/complex()
    accept whatever its ndim, as NumPy 1.x did (`float(loss.mean().asnumpy())`, the "Dive into
    Deep Learning" idiom). Everything else is plain NumPy."""

    def _item(self):
        if self.size != 1:
            raise TypeError('only one-element arrays can be converted to Python scalars')
        return np.ndarray.item(self)

    def __float__(self):
        return float(self._item())

    def __int__(self):
        return int(self._item())

    def __complex__(self):
        return complex(self._item())


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
        if lhs._buf.dtype == np.bool_:  # MXNet computes bool (op) scalar in int64
            lhs = lhs.astype('int64')
        return invoke(OPS[scalar_op], (lhs,), (), (dev_scalar(_scalar(rhs)),), out)
    return NotImplemented if out is None else _type_error(rhs)


def _scalar(v):
    """A Python scalar for an op: ints stay ints (so integer arithmetic wraps as in MXNet)."""
    if type(v) is float:
        return v
    if isinstance(v, integer_types) and not isinstance(v, bool) and -2 ** 63 <= v < 2 ** 63:
        return int(v)
    return float(v)


def _type_error(value):
    raise TypeError('type %s not supported' % type(value).__name__)


def _inplace(self, other, array_op, scalar_op):
    if not isinstance(other, (NDArray,) + numeric_types):
        _type_error(other)
    if state.recording and isinstance(other, NDArray) and other._entry is not None:
        raise MXNetError(INPLACE_RECORDING)  # x += v with v recorded: MXNet refuses
    _binary(self, other, array_op, scalar_op, None, out=self)
    return self


# ---------------------------------------------------------------- creation
def _put(np_value, ctx):
    ctx = ctx if ctx is not None else _context.current_context()
    return _wrap(jax.device_put(np_value, ctx.jax_device), ctx, None)


def array(source_array, ctx=None, dtype=None):
    """An NDArray from a list, a NumPy array or another NDArray (float32 unless dtype says)."""
    if isinstance(source_array, NDArray):
        # a recorded op (a copy, or a cast), so the gradient passes back as in MXNet
        dt = source_array.dtype if dtype is None else np_dtype(dtype)
        res = source_array.copy() if dt == source_array.dtype else source_array.astype(dt)
        return res if ctx is None or ctx == res.context else res.as_in_context(ctx)
    dt = mx_real_t if dtype is None and isinstance(source_array, jax.Array) else np_dtype(dtype)
    try:
        raw = np.asarray(source_array)
    except (TypeError, ValueError):
        raw = None
    if raw is None or raw.dtype.kind not in 'biuf':
        raise TypeError('source_array must be array like object, got %s' % type(source_array).__name__)
    # mx_cast: out-of-range values wrap as in MXNet (NumPy 2 raises or warns on them)
    src = mx_cast(raw, dt) if raw.dtype != dt else np.array(raw)
    return _put(src, ctx)


_WRITABLE = {}  # data pointer of a to_dlpack_for_write() capsule -> weakref to its NDArray


class _DLTensorHead(ctypes.Structure):
    _fields_ = [('data', ctypes.c_void_p), ('device_type', ctypes.c_int32), ('device_id', ctypes.c_int32)]


def _capsule_pointer(cap):
    """(data pointer, device type, device id) of a DLPack capsule (its DLManagedTensor's head)."""
    get = ctypes.pythonapi.PyCapsule_GetPointer
    get.restype, get.argtypes = ctypes.c_void_p, [ctypes.py_object, ctypes.c_char_p]
    head = _DLTensorHead.from_address(get(cap, b'dltensor'))
    return head.data, head.device_type, head.device_id


class _Capsule:
    """A DLPack capsule dressed as a producer, for consumers that only take producers."""

    def __init__(self, cap):
        self.cap = cap

    def __dlpack__(self, *args, **kwargs):
        return self.cap

    def __dlpack_device__(self):
        return _capsule_pointer(self.cap)[1:]


def from_dlpack(dlpack):
    """An NDArray from a DLPack capsule or any object with __dlpack__, sharing its memory.

    A capsule from `to_dlpack_for_write()` gives a handle on that same NDArray's memory, so
    writes through either show in both (MXNet's contract).
    """
    if type(dlpack).__name__ == 'PyCapsule':
        ref = _WRITABLE.pop(_capsule_pointer(dlpack)[0], None)
        src = ref() if ref is not None else None
        if src is not None:
            return src._make_view(0, src.shape, None)
        dlpack = _Capsule(dlpack)
    elif not hasattr(dlpack, '__dlpack__'):
        raise TypeError('from_dlpack expects a DLPack capsule or an object with __dlpack__, got %s'
                        % type(dlpack).__name__)
    return _wrap(jax.dlpack.from_dlpack(dlpack), None, None)


def to_dlpack_for_read(data):
    return data.to_dlpack_for_read()


def to_dlpack_for_write(data):
    return data.to_dlpack_for_write()


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
    dt = np.dtype(np_dtype(dtype))
    if dt.kind in 'iu':  # MXNet: ceil((stop - start) / step) values DType(start) + i * DType(step)
        n = int(np.ceil((stop - start) / step))
        vals = mx_cast(np.trunc(start) + np.arange(n) * np.trunc(step), dt)
    else:
        vals = np.arange(start, stop, step, dtype=np.float64).astype(dt)
    if repeat != 1:
        vals = np.repeat(vals, int(repeat))
    return _put(vals, ctx)


def waitall():
    """Wait until every pending computation has finished (jax dispatch is asynchronous)."""
    lazy.flush()
    jax.block_until_ready(jax.live_arrays())
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



# jax.jit / vmap / grad of pure functions take and return NDArrays (their leaf is the buffer).
jax.tree_util.register_pytree_node(NDArray, lambda x: ((x._data,), x._ctx),
                                   lambda ctx, leaves: _wrap(leaves[0], ctx, None))
