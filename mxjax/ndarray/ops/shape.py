"""Shape ops: reshape (MXNet's codes), views, slicing, and the rest of the shape family."""
import jax.numpy as jnp
import numpy as np
from jax import lax

from ...base import MXNetError, integer_types
from ..ndarray import NDArray
from ..registry import METHODS, frontend, invoke, op, register


def norm_axis(ndim, axis, name, arg='axis', extra=0):
    """`axis` in [-(ndim+extra), ndim+extra) as a non-negative int, else MXNetError."""
    n = ndim + extra
    if isinstance(axis, bool) or not isinstance(axis, integer_types):
        raise MXNetError('%s: %s=%r is not valid; expected an int' % (name, arg, axis))
    if not -n <= axis < n:
        raise MXNetError('%s: %s=%r is out of range for an input with %d dimensions (valid: %d to %d)'
                         % (name, arg, axis, ndim, -n, n - 1))
    return int(axis) % n


# ---------------------------------------------------------------- reshape
def infer_reshape(in_shape, shape, reverse=False):
    """MXNet's reshape codes: 0 copy, -1 infer, -2 copy the rest, -3 merge two, -4 split one.

    Follows MXNet 1.9.1 exactly, quirks included: `reverse` reverses the code list as is, and
    the -1 is filled in at its position in the code list, not in the output (they differ after
    a -2 or -4); a shape whose size then does not match raises ValueError, as MXNet's
    NDArray.reshape does.
    """
    src, codes = list(in_shape), list(shape)
    if reverse:
        src.reverse()
        codes.reverse()

    def bad(msg):
        raise MXNetError('reshape: cannot reshape %s to shape=%s: %s' % (tuple(in_shape), tuple(shape), msg))

    out, j, i, infer_at = [], 0, 0, -1
    while i < len(codes):
        v = codes[i]
        if isinstance(v, bool) or not isinstance(v, integer_types):
            bad('dimension %r is not an int' % (v,))
        if v < -4:
            raise MXNetError('reshape: shape=%s is not valid: dim size must be >= -1, while received %d '
                             '(valid codes: positive sizes, 0, -1, -2, -3, -4)' % (tuple(shape), v))
        if v > 0:
            out.append(v)
            j += 1
        elif v == 0:
            if j >= len(src):
                bad('code 0 at position %d has no input dimension to copy' % i)
            out.append(src[j])
            j += 1
        elif v == -1:
            if infer_at >= 0:
                bad('one and only one dim can be inferred (more than one -1)')
            infer_at = i  # MXNet's index: the code's position (see the docstring)
            out.append(1)
            j += 1
        elif v == -2:
            out.extend(src[j:])
            j = len(src)
        elif v == -3:
            if j + 1 >= len(src):
                bad('code -3 needs two input dimensions')
            out.append(src[j] * src[j + 1])
            j += 2
        else:  # -4
            if i + 2 >= len(codes) or j >= len(src):
                bad('code -4 needs two sizes after it and an input dimension')
            d1, d2, d0 = codes[i + 1], codes[i + 2], src[j]
            if d1 == -1 and d2 == -1:
                bad('split dims of code -4 cannot both be -1')
            if d1 == -1:
                d1 = d0 // d2 if d2 else 0
            if d2 == -1:
                d2 = d0 // d1 if d1 else 0
            if d1 * d2 != d0:
                bad('split dims %d, %d of code -4 do not divide the input dim %d' % (d1, d2, d0))
            out.extend([d1, d2])
            i += 2
            j += 1
        i += 1
    total = 1
    for d in in_shape:
        total *= d
    if 0 <= infer_at < len(out):
        known = 1
        for d in out:
            known *= d
        out[infer_at] = total // known if known else 0
    size = 1
    for d in out:
        size *= d
    if size > total:  # MXNet's NDArray.Reshape check (a smaller size is NumPy's ValueError)
        raise MXNetError('Reshape: target shape %s (size %d) is larger than the current shape %s (size %d)'
                         % (tuple(shape), size, tuple(in_shape), total))
    if size != total:
        raise ValueError('Cannot reshape array of size %d into shape %s' % (total, tuple(shape)))
    return tuple(reversed(out)) if reverse else tuple(out)


def _reshape(data, shape=(), reverse=False):
    return data.reshape(infer_reshape(data.shape, tuple(shape), reverse))


op('Reshape', aliases=('reshape',))(_reshape)


def reshape_like(lhs, rhs):
    if lhs.size != rhs.size:
        raise MXNetError('reshape_like: lhs size %d does not match rhs size %d' % (lhs.size, rhs.size))
    return lhs.reshape(rhs.shape)


op('reshape_like', inputs=('lhs', 'rhs'), method=True)(reshape_like)


def _view(data, begin=0, size=0, shape=()):
    """The recorded form of an MXNet view: flat elements [begin, begin+size) as `shape`."""
    return lax.dynamic_slice(data.reshape(-1), (begin,), (size,)).reshape(shape)


_view_front = op('_view', dynamic=('begin',))(_view)


def view_op(x, begin, shape):
    size = 1
    for s in shape:
        size *= s
    return _view_front(x, begin=begin, size=size, shape=tuple(shape))


# ---------------------------------------------------------------- slicing
def _norm_slice_key(shape, begin, end, step):
    if len(begin) != len(end) or (step and len(step) != len(begin)):
        raise MXNetError('slice: begin=%s, end=%s and step=%s must have the same length'
                         % (begin, end, step))
    if len(begin) > len(shape):
        raise MXNetError('slice: begin=%s has more axes than the input %s' % (begin, shape))
    step = step or (None,) * len(begin)
    key = []
    for ax, (b, e, s) in enumerate(zip(begin, end, step)):
        if s == 0:
            raise MXNetError('slice: step=0 on axis %d is not valid' % ax)
        key.append(slice(b, e, s))
    return tuple(key)


def slice_op(data, begin=(), end=(), step=()):
    return data[_norm_slice_key(data.shape, tuple(begin), tuple(end), tuple(step))]


op('slice', aliases=('crop',), method=True)(slice_op)


def slice_axis(data, axis=0, begin=0, end=None):
    ax = norm_axis(data.ndim, axis, 'slice_axis')
    b, e = _axis_window(data.shape[ax], axis, begin, end)
    return lax.slice_in_dim(data, b, e, axis=ax)


_slice_axis = op('slice_axis')(slice_axis)


def _axis_window(n, axis, begin, end):
    b = begin + n if begin < 0 else begin
    e = n if end is None else (end + n if end < 0 else end)
    if not 0 <= b < e <= n:
        raise MXNetError('slice_axis: begin=%r, end=%r are not valid for axis %d of size %d'
                         % (begin, end, axis, n))
    return b, e


def _window(data, starts, sizes=()):
    """A box of `sizes` at traced `starts`: a new start never recompiles (x[:, t] in a loop)."""
    return lax.dynamic_slice(data, tuple(starts[i] for i in range(data.ndim)), sizes)


_window_op = register('_window', _window, ['data', 'starts'], {'sizes': ()})
_STARTS = {}  # starts tuple -> cached int64 device vector


def window(x, starts, sizes):
    """x[starts : starts + sizes] (unit steps, in range) with the starts as a traced operand."""
    v = _STARTS.get(starts)
    if v is None:
        if len(_STARTS) > 4096:
            _STARTS.clear()
        v = _STARTS[starts] = jnp.asarray(starts, dtype=jnp.int64)
    return invoke(_window_op, (x,), (tuple(sizes),), (v,))


@frontend('slice_axis', method=True)
def slice_axis_frontend(data, axis=0, begin=0, end=None, out=None, name=None):
    """slice_axis; `begin` (with the slice's length) is a traced operand, so a loop over
    begin=t compiles once."""
    if out is not None or not isinstance(data, NDArray) or not isinstance(begin, int) or not (
            end is None or isinstance(end, int)) or not isinstance(axis, int):
        return _slice_axis(data, axis=axis, begin=begin, end=end, out=out)
    ax = norm_axis(data.ndim, axis, 'slice_axis')
    b, e = _axis_window(data.shape[ax], axis, begin, end)
    starts, sizes = [0] * data.ndim, list(data.shape)
    starts[ax], sizes[ax] = b, e - b
    return window(data, tuple(starts), sizes)


# ---------------------------------------------------------------- axes permutations and sizes
def transpose(data, axes=()):
    """Permute the axes (reverse them when `axes` is empty). Negative axes are not accepted."""
    axes = tuple(axes) if axes is not None else ()
    if not axes:
        return jnp.transpose(data)
    if len(axes) != data.ndim or sorted(axes) != list(range(data.ndim)):
        raise MXNetError('transpose: axes=%s is not a permutation of 0..%d for an input of shape %s'
                         % (axes, data.ndim - 1, data.shape))
    return jnp.transpose(data, axes)


op('transpose', method=True)(transpose)


def expand_dims(data, axis=None):
    if axis is None:
        raise MXNetError('expand_dims: the axis argument is required')
    return jnp.expand_dims(data, norm_axis(data.ndim, axis, 'expand_dims', extra=1))


_expand_dims = op('expand_dims')(expand_dims)


def _squeeze_shape(shape, axis):
    if axis is None:
        out = tuple(s for s in shape if s != 1)
    else:
        axes = (axis,) if isinstance(axis, integer_types) else tuple(axis)
        norm = [norm_axis(len(shape), a, 'squeeze') for a in axes]
        if len(set(norm)) != len(norm):
            raise MXNetError('squeeze: axis=%r has duplicate axes' % (axis,))
        for a, n in zip(axes, norm):
            if shape[n] != 1:
                raise MXNetError('squeeze: cannot squeeze axis %d of shape %s: its size is %d, not 1'
                                 % (a, tuple(shape), shape[n]))
        out = tuple(s for i, s in enumerate(shape) if i not in norm)
    return out or (1,)  # MXNet keeps at least one dimension


def squeeze(data, axis=None):
    return data.reshape(_squeeze_shape(data.shape, axis))


_squeeze = op('squeeze')(squeeze)


def _flatten_shape(shape):
    rest = 1
    for s in shape[1:]:
        rest *= s
    return (shape[0], rest) if shape else (1, 1)


def flatten(data):
    """Collapse every axis after the first: (d0, d1*...*dk); a 1-D (n,) becomes (n, 1)."""
    return data.reshape(_flatten_shape(data.shape))


_flatten = op('Flatten', aliases=('flatten',))(flatten)


# NDArray methods with MXNet's extra `inplace` argument (True: a view sharing memory).
def _expand_dims_method(self, axis, inplace=False):
    if not inplace:
        return _expand_dims(self, axis=axis)
    shape = list(self.shape)
    shape.insert(norm_axis(self.ndim, axis, 'expand_dims', extra=1), 1)
    return self.reshape(shape)


def _squeeze_method(self, axis=None, inplace=False):
    if not inplace:
        return _squeeze(self, axis=axis)
    return self.reshape(_squeeze_shape(self.shape, axis))


def _flatten_method(self, inplace=False):
    return self.reshape(_flatten_shape(self.shape)) if inplace else _flatten(self)


METHODS.update(expand_dims=_expand_dims_method, squeeze=_squeeze_method, flatten=_flatten_method)


def swapaxes(data, dim1=0, dim2=0):
    return jnp.swapaxes(data, norm_axis(data.ndim, dim1, 'swapaxes', 'dim1'),
                        norm_axis(data.ndim, dim2, 'swapaxes', 'dim2'))


op('SwapAxis', aliases=('swapaxes',), method='swapaxes')(swapaxes)


def flip(data, axis=None):
    """Reverse along each listed axis (MXNet: axis is required and must be non-negative)."""
    if axis is None:
        raise MXNetError('flip: the axis argument is required')
    for a in ((axis,) if isinstance(axis, integer_types) else tuple(axis)):
        if isinstance(a, integer_types) and a < 0:
            raise MXNetError('flip: axis=%r is not valid: MXNet takes axes 0 to %d here (negative '
                             'axes are not accepted)' % (axis, data.ndim - 1))
        # A repeated axis flips twice, as in MXNet.
        data = jnp.flip(data, norm_axis(data.ndim, a, 'flip'))
    return data


_flip = op('reverse', aliases=('flip',), method='flip')(flip)


# ---------------------------------------------------------------- splitting and joining
def split(data, num_outputs=None, axis=1, squeeze_axis=False):
    """Split into `num_outputs` equal parts along `axis`: a list, or one NDArray when
    num_outputs is 1 (as MXNet)."""
    if isinstance(num_outputs, bool) or not isinstance(num_outputs, integer_types) or num_outputs < 1:
        raise MXNetError('split: num_outputs=%r is not valid; it must be an int >= 1' % (num_outputs,))
    ax = norm_axis(data.ndim, axis, 'split')
    n = data.shape[ax]
    if n % num_outputs:
        raise MXNetError('split: cannot split axis %d of shape %s into num_outputs=%d equal parts'
                         % (axis, data.shape, num_outputs))
    if squeeze_axis and n != num_outputs:
        raise MXNetError('split: squeeze_axis=True needs the split axis size (%d) to equal '
                         'num_outputs=%d' % (n, num_outputs))
    parts = jnp.split(data, num_outputs, axis=ax)
    if squeeze_axis:
        parts = [jnp.squeeze(p, ax) for p in parts]
    return tuple(parts) if num_outputs > 1 else parts[0]


op('SliceChannel', aliases=('split',), method='split')(split)


def _split_v2_op(data, indices=(), axis=0, squeeze_axis=False, sections=0):
    ax = norm_axis(data.ndim, axis, 'split_v2')
    n = data.shape[ax]
    bounds = list(indices) + [n]
    parts = []
    for b, e in zip(bounds[:-1], bounds[1:]):
        if not 0 <= b <= e <= n:
            raise MXNetError('split_v2: indices %s are not sorted within [0, %d] for axis %d'
                             % (tuple(indices[1:]), n, axis))
        p = lax.slice_in_dim(data, b, e, axis=ax)
        if squeeze_axis:
            if e - b != 1:
                raise MXNetError('split_v2: squeeze_axis=True needs parts of size 1 on axis %d, got %d'
                                 % (axis, e - b))
            p = jnp.squeeze(p, ax)
        parts.append(p)
    return tuple(parts) if len(parts) > 1 else parts[0]


_split_v2 = op('_split_v2')(_split_v2_op)


@frontend('split_v2', method=True)
def split_v2(ary, indices_or_sections, axis=0, squeeze_axis=False):
    """numpy.split-like: an int (equal sections) or a tuple of split points along `axis`."""
    n = ary.shape[norm_axis(ary.ndim, axis, 'split_v2')]
    if isinstance(indices_or_sections, integer_types):
        if indices_or_sections < 1 or n % indices_or_sections:
            raise ValueError('array split does not result in an equal division')
        step = n // indices_or_sections
        indices = tuple(i * step for i in range(indices_or_sections))
    elif isinstance(indices_or_sections, tuple):
        indices = (0,) + tuple(indices_or_sections)
    else:
        raise ValueError('indices_or_sections must either int or tuple of ints')
    return _split_v2(ary, indices=indices, axis=axis, squeeze_axis=squeeze_axis)


def _check_join(name, arrays, same_shape, dim):
    if not arrays:
        raise MXNetError('%s: needs at least one input array' % name)
    s0 = arrays[0].shape
    for i, a in enumerate(arrays[1:], 1):
        s = a.shape
        ok = len(s) == len(s0) and all(x == y or (not same_shape and k == dim)
                                       for k, (x, y) in enumerate(zip(s, s0)))
        if not ok:
            raise MXNetError('%s: input %d has shape %s, incompatible with input 0 of shape %s%s'
                             % (name, i, s, s0, '' if same_shape else
                                ' (only axis %d may differ)' % dim))


def concat(*data, dim=1, num_args=None):
    """Join arrays along `dim` (default 1)."""
    ax = norm_axis(data[0].ndim, dim, 'concat', 'dim')
    _check_join('concat', data, False, ax)
    return jnp.concatenate(data, axis=ax)


def _concat_check(arrays, attrs):
    if not arrays:
        raise MXNetError('concat: needs at least one input array (num_args must be >= 1)')


op('Concat', inputs=('*data',), aliases=('concat',), same_dtype=True, check=_concat_check)(concat)


def stack(*data, axis=0, num_args=None):
    """Join same-shape arrays along a new axis."""
    _check_join('stack', data, True, None)
    return jnp.stack(data, axis=norm_axis(data[0].ndim, axis, 'stack', extra=1))


def _stack_check(arrays, attrs):
    if not arrays:
        raise MXNetError('stack: needs at least one input array (num_args must be >= 1)')


op('stack', inputs=('*data',), same_dtype=True, check=_stack_check)(stack)


# ---------------------------------------------------------------- repetition
def tile(data, reps=None):
    if reps is None:
        raise MXNetError('tile: the reps argument is required')
    reps = (reps,) if isinstance(reps, integer_types) else tuple(reps)
    if any(isinstance(r, bool) or not isinstance(r, integer_types) or r < 1 for r in reps):
        raise MXNetError('tile: reps=%s is not valid; every entry must be an int >= 1' % (reps,))
    return jnp.tile(data, reps)


op('tile', method=True)(tile)


def repeat(data, repeats=None, axis=None):
    """Repeat each element `repeats` times along `axis` (None: flattened)."""
    if isinstance(repeats, bool) or not isinstance(repeats, integer_types):
        raise MXNetError('repeat: repeats=%r is not valid; it must be an int >= 0' % (repeats,))
    if repeats < 0:
        raise MXNetError('repeat: repeats=%r is not valid; repeats cannot be a negative number'
                         % (repeats,))
    if axis is None:
        data, ax = data.reshape(-1), 0
    else:
        ax = norm_axis(data.ndim, axis, 'repeat')
    if repeats == 0:
        return jnp.zeros((0,), data.dtype)  # MXNet's result for repeats=0 is shape (0,)
    return jnp.repeat(data, repeats, axis=ax)


op('repeat', method=True)(repeat)


# ---------------------------------------------------------------- gathering
_INDEX_MODES = ('clip', 'wrap')


def _index(idx, n, mode):
    """MXNet's index rule: truncate toward zero, then clip into [0, n) or wrap modulo n."""
    idx = idx.astype(jnp.int32) if not jnp.issubdtype(idx.dtype, jnp.integer) else idx
    if mode == 'wrap':
        return jnp.mod(idx, n)
    return jnp.clip(idx, 0, n - 1)


def take(a, indices, axis=0, mode='clip'):
    """a's slices along `axis` at `indices` (float indices truncate). Gradients accumulate
    over repeated indices."""
    if mode not in ('clip', 'wrap', 'raise'):
        raise MXNetError("take: mode=%r is not valid; valid values are 'clip', 'raise', 'wrap'"
                         % (mode,))
    ax = norm_axis(a.ndim, axis, 'take')
    idx = _index(indices, a.shape[ax], 'wrap' if mode == 'wrap' else 'clip')
    return jnp.take(a, idx, axis=ax, mode='clip')


def _take_check(arrays, attrs):
    # mode='raise' needs the index values, so it is checked eagerly here (0 <= i <= n-1).
    if attrs.get('mode') == 'raise':
        a, ind = arrays
        ax = norm_axis(a.ndim, attrs.get('axis', 0), 'take')
        v = np.asarray(ind.asnumpy(), dtype=np.float64)
        if v.size and (v.min() < 0 or v.max() > a.shape[ax] - 1):
            raise MXNetError('take: indices out of bounds for axis %d of size %d with mode=%r '
                             '(got values from %g to %g)' % (ax, a.shape[ax], 'raise', v.min(), v.max()))


op('take', inputs=('a', 'indices'), method=True, check=_take_check)(take)


def pick(data, index, axis=-1, keepdims=False, mode='clip'):
    """data's element along `axis` at `index` for every other position."""
    if axis is None:
        raise MXNetError('pick: axis=None is not supported; pass an axis')
    if mode not in _INDEX_MODES:
        raise MXNetError("pick: mode=%r is not valid; valid values are 'clip', 'wrap'" % (mode,))
    ax = norm_axis(data.ndim, axis, 'pick')
    kept = data.shape[:ax] + (1,) + data.shape[ax + 1:]
    if index.shape not in (kept, data.shape[:ax] + data.shape[ax + 1:]):
        raise MXNetError('pick: index of shape %s does not match data of shape %s with axis=%d '
                         '(expected %s)' % (index.shape, data.shape, axis,
                                            data.shape[:ax] + data.shape[ax + 1:]))
    idx = _index(index, data.shape[ax], mode).reshape(kept)
    r = jnp.take_along_axis(data, idx, axis=ax, mode='clip')
    return r if keepdims else r.reshape(data.shape[:ax] + data.shape[ax + 1:] or (1,))


op('pick', inputs=('data', 'index'), method=True)(pick)


def _dtype_name(name, dtype, valid):
    """The dtype's name (from a name or a numpy type), checked against the op's valid list."""
    try:
        dn = jnp.dtype(dtype).name
    except TypeError:
        dn = None
    if dn not in valid:
        raise MXNetError('%s: dtype=%r is not valid; valid: %s' % (name, dtype, ', '.join(valid)))
    return dn


_ONE_HOT_DTYPES = ('bfloat16', 'float16', 'float32', 'float64', 'int32', 'int64', 'int8', 'uint8')


def one_hot(indices, depth=None, on_value=1.0, off_value=0.0, dtype='float32'):
    """(indices.shape + (depth,)): on_value at each (truncated) index, off_value elsewhere;
    out-of-range indices give a row of off_value."""
    if isinstance(depth, bool) or not isinstance(depth, integer_types) or depth < 0:
        raise MXNetError('one_hot: depth=%r is not valid; it must be an int >= 0' % (depth,))
    dt = jnp.dtype(_dtype_name('one_hot', dtype, _ONE_HOT_DTYPES))
    idx = indices.astype(jnp.int32) if not jnp.issubdtype(indices.dtype, jnp.integer) else indices
    hit = idx[..., None] == jnp.arange(depth, dtype=idx.dtype)
    on = jnp.asarray(on_value).astype(dt)
    off = jnp.asarray(off_value).astype(dt)
    return jnp.where(hit, on, off)


op('one_hot', inputs=('indices',), method=True)(one_hot)


def where(condition, x, y):
    """x where condition is non-zero, else y; condition has x's shape or is 1-D over axis 0."""
    c = condition != 0
    if c.shape != x.shape:
        c = c.reshape(c.shape + (1,) * (x.ndim - 1))
    return jnp.where(c, x, y)


def _where_check(arrays, attrs):
    c, x, y = arrays
    if x.shape != y.shape:
        raise MXNetError('where: x of shape %s and y of shape %s must have the same shape'
                         % (x.shape, y.shape))
    if x.dtype != y.dtype:
        raise MXNetError('where: x (%s) and y (%s) must have the same dtype'
                         % (np.dtype(x.dtype).name, np.dtype(y.dtype).name))
    if c.shape != x.shape and not (c.ndim == 1 and x.ndim >= 1 and c.shape[0] == x.shape[0]):
        raise MXNetError('where: condition of shape %s must have the shape of x %s or be 1-D of '
                         'size %s' % (c.shape, x.shape, x.shape[0] if x.ndim else 1))


op('where', inputs=('condition', 'x', 'y'), check=_where_check)(where)


# ---------------------------------------------------------------- ordering
_INDEX_DTYPES = ('float16', 'float32', 'float64', 'uint8', 'int32', 'int64')


def _order(name, data, axis, is_ascend, dtype=None):
    """(data, axis, permutation) with data flattened when axis is None; stable sort, so tied
    elements keep their order (MXNet's order of ties may differ on long rows)."""
    if dtype is not None:
        _dtype_name(name, dtype, _INDEX_DTYPES)
    if axis is None:
        data, ax = data.reshape(-1), 0
    else:
        ax = norm_axis(data.ndim, axis, name)
    perm = jnp.argsort(data, axis=ax, stable=True, descending=not is_ascend)
    return data, ax, perm


def sort(data, axis=-1, is_ascend=True):
    data, ax, perm = _order('sort', data, axis, is_ascend)
    return jnp.take_along_axis(data, perm, axis=ax)


def argsort(data, axis=-1, is_ascend=True, dtype='float32'):
    """Indices that sort `data` along `axis`, as `dtype` (float32 by default, like MXNet)."""
    _, _, perm = _order('argsort', data, axis, is_ascend, dtype)
    return perm.astype(jnp.dtype(dtype))


op('sort', method=True)(sort)
op('argsort', method=True)(argsort)

_RET_TYPES = ('both', 'indices', 'mask', 'value')


def topk(data, axis=-1, k=1, ret_typ='indices', is_ascend=False, dtype='float32'):
    """The k largest (smallest with is_ascend) along `axis`: values, indices (as `dtype`), both,
    or a 0/1 mask in data's dtype. k <= 0 means the whole axis."""
    if ret_typ not in _RET_TYPES:
        raise MXNetError('topk: ret_typ=%r is not valid; valid values are %s' % (ret_typ, _RET_TYPES))
    src, ax, perm = _order('topk', data, axis, is_ascend, dtype)
    n = src.shape[ax]
    if k > n:
        raise MXNetError('topk: k=%d is out of range; it must be <= %d, the size of axis %s'
                         % (k, n, axis))
    k = n if k < 1 else k
    top = lax.slice_in_dim(perm, 0, k, axis=ax)
    if ret_typ == 'mask':
        rank = jnp.argsort(perm, axis=ax)  # position of every element in the sorted order
        return (rank < k).astype(data.dtype).reshape(data.shape)
    idx = top.astype(jnp.dtype(dtype))
    if ret_typ == 'indices':
        return idx
    values = jnp.take_along_axis(src, top, axis=ax)
    return values if ret_typ == 'value' else (values, idx)


op('topk', method=True)(topk)


def diag(data, k=0, axis1=0, axis2=1):
    """1-D: a square matrix with `data` on diagonal k. N-D: diagonal k of the (axis1, axis2)
    planes, as the last axis."""
    if data.ndim == 1:
        return jnp.diag(data, k)
    a1 = norm_axis(data.ndim, axis1, 'diag', 'axis1')
    a2 = norm_axis(data.ndim, axis2, 'diag', 'axis2')
    if a1 == a2:
        raise MXNetError('diag: axis1 and axis2 cannot refer to the same axis %d' % a1)
    if k > data.shape[a2] or -k > data.shape[a1]:
        raise MXNetError('diag: diagonal k=%d does not exist for an input of shape %s'
                         % (k, data.shape))
    return jnp.diagonal(data, k, a1, a2)


op('diag', method=True)(diag)

