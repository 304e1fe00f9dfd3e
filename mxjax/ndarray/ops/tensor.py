"""Tensor ops: cumsum, creation (eye, linspace), n-d gather/scatter and index arithmetic,
slice_like, shape_array, depth/space rearrangement, khatri_rao, row-wise pick/fill, histogram,
finiteness and sum-of-squares checks, cast_storage, Pad, moments and slice assignment."""
import warnings

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

from ...base import MXNetError, integer_types, np_dtype
from ..ndarray import NDArray, _put
from ..registry import FRONTENDS, METHODS, frontend, op
from .nn import _check_float, _run
from .shape import _dtype_name, _norm_slice_key, norm_axis


def _int(name, arg, v, low=None):
    if isinstance(v, bool) or not isinstance(v, integer_types) or (low is not None and v < low):
        raise MXNetError('%s: %s=%r is not valid; expected an int%s'
                         % (name, arg, v, '' if low is None else ' >= %d' % low))
    return int(v)


def _trunc_int(x, dtype=jnp.int64):
    """MXNet's cast of an index to an integer: truncation toward zero."""
    return x.astype(dtype)


# ---------------------------------------------------------------- cumsum
_CUMSUM_DTYPES = ('float16', 'float32', 'float64', 'int32', 'int64', 'int8')


def cumsum(a, axis=None, dtype=None):
    """Running sum along `axis` (None: over the flattened array), in `dtype` (default: a's).
    Negative axes count from the end (MXNet 1.9.1 rejects them by mistake)."""
    if dtype is not None:
        _dtype_name('cumsum', dtype, _CUMSUM_DTYPES)
    dt = a.dtype if dtype is None else jnp.dtype(dtype)
    if axis is None:
        return jnp.cumsum(a.reshape(-1).astype(dt))
    return jnp.cumsum(a.astype(dt), axis=norm_axis(a.ndim, axis, 'cumsum'))


op('cumsum', inputs=('a',))(cumsum)


# ---------------------------------------------------------------- creation
_EYE_DTYPES = ('float16', 'float32', 'float64', 'int32', 'int64', 'int8', 'uint8')
_LINSPACE_DTYPES = ('bfloat16',) + _EYE_DTYPES


@frontend('eye')
def eye(N, M=0, k=0, ctx=None, dtype=None, **kwargs):
    """N x M (M <= 0: N x N) with ones on diagonal k."""
    N, M, k = _int('eye', 'N', N, 0), _int('eye', 'M', M), _int('eye', 'k', k)
    dt = np_dtype(_dtype_name('eye', dtype, _EYE_DTYPES) if dtype is not None else None)
    return _put(np.eye(N, M if M > 0 else N, k, dtype=dt), ctx)


@frontend('linspace')
def linspace(start, stop, num, endpoint=True, ctx=None, dtype='float32'):
    """`num` values start + i * step, computed in float64 and cast to `dtype` (integer dtypes
    truncate toward zero, as MXNet)."""
    num = _int('linspace', 'num', num, 0)
    dt = jnp.dtype(_dtype_name('linspace', dtype, _LINSPACE_DTYPES))
    div = num - 1 if endpoint else num
    step = (stop - start) / div if div > 0 else 0.0
    return _put((start + np.arange(num, dtype=np.float64) * step).astype(dt), ctx)


# ---------------------------------------------------------------- n-d gather / scatter
def gather_nd(data, indices):
    """data[indices[0], ..., indices[M-1]]: shape indices.shape[1:] + data.shape[M:].
    Negative indices count from the end; out-of-range ones raise IndexError."""
    idx = _trunc_int(indices, jnp.int32)
    m = indices.shape[0]
    return data[tuple(jnp.mod(idx[i], data.shape[i]) for i in range(m))]


def _gather_nd_check(arrays, attrs):
    data, ind = arrays
    if ind.ndim < 2:
        raise MXNetError('gather_nd: indices must have at least 2 dimensions, got shape %s'
                         % (ind.shape,))
    if ind.shape[0] > data.ndim:
        raise MXNetError('gather_nd: indices.shape[0]=%d exceeds the data dimension %d'
                         % (ind.shape[0], data.ndim))
    # MXNet raises IndexError for a bad index value, so the values are read here (not while
    # tracing a compiled step, where they are unknown).
    if isinstance(ind._data, jax.core.Tracer):
        return
    v = np.asarray(ind.asnumpy(), dtype=np.float64)
    for i in range(ind.shape[0]):
        n = data.shape[i]
        bad = (v[i] != np.trunc(v[i])) | (v[i] < -n) | (v[i] >= n)
        if bad.any():
            raise IndexError('gather_nd: index %g is out of bounds for axis %d with size %d'
                             % (v[i][bad].flat[0], i, n))


op('gather_nd', inputs=('data', 'indices'), check=_gather_nd_check)(gather_nd)


def scatter_nd(data, indices, shape=None):
    """Zeros of `shape` with data written at indices (see gather_nd). An index whose flat
    offset over the first M axes falls outside the output is dropped, as MXNet does;
    duplicate indices leave one of the values (unspecified which)."""
    m = indices.shape[0]
    lead = int(np.prod(shape[:m], dtype=np.int64))
    idx = _trunc_int(indices)
    off = jnp.zeros(indices.shape[1:], jnp.int64)
    for i in range(m):
        off = off * shape[i] + idx[i]
    off = jnp.where((off >= 0) & (off < lead), off, lead).reshape(-1)
    rest = tuple(shape[m:])
    out = jnp.zeros((lead,) + rest, data.dtype)
    return out.at[off].set(data.reshape((-1,) + rest), mode='drop').reshape(shape)


def _scatter_nd_check(arrays, attrs):
    data, ind = arrays
    shape = attrs['shape']
    if shape is None:
        raise MXNetError('scatter_nd: the shape argument (the output shape) is required')
    shape = tuple(shape)
    if ind.ndim < 1 or ind.shape[0] > len(shape):
        raise MXNetError('scatter_nd: indices of shape %s index more axes than the output shape %s'
                         % (ind.shape, shape))
    if data.shape != ind.shape[1:] + shape[ind.shape[0]:]:
        raise MXNetError('scatter_nd: invalid data, indices and output shape combination: data %s, '
                         'indices %s, shape %s (data must be indices.shape[1:] + shape[M:])'
                         % (data.shape, ind.shape, shape))


op('scatter_nd', inputs=('data', 'indices'), check=_scatter_nd_check)(scatter_nd)


def _shape_check(name, shape):
    if shape is None or not tuple(shape):
        raise MXNetError('%s: the shape argument is required and must not be empty' % name)


def ravel_multi_index(data, shape=None):
    """Flat indices of the columns of `data` (one row per axis of `shape`), in data's dtype.
    Values truncate toward zero and are not range-checked, as in MXNet."""
    idx = _trunc_int(data)
    off = jnp.zeros(data.shape[1:], jnp.int64)
    for i, s in enumerate(shape):
        off = off * s + idx[i]
    return off.astype(data.dtype)


def _ravel_check(arrays, attrs):
    _shape_check('ravel_multi_index', attrs['shape'])
    data, shape = arrays[0], tuple(attrs['shape'])
    if data.ndim != 2 or data.shape[0] != len(shape):
        raise MXNetError('ravel_multi_index: data must be 2-D with shape[0] == len(shape)=%d, '
                         'got data of shape %s' % (len(shape), data.shape))


op('ravel_multi_index', aliases=('_ravel_multi_index',), check=_ravel_check)(ravel_multi_index)


def unravel_index(data, shape=None):
    """Coordinates of flat indices in `shape`: (len(shape),) + data.shape, in data's dtype.
    C integer arithmetic as MXNet: the first coordinate is not wrapped, negatives stay
    negative. (For data of more than one dimension MXNet 1.9.1 returns a wrong shape.)"""
    idx = _trunc_int(data)
    coords = []
    for s in reversed(tuple(shape)[1:]):
        coords.append(lax.rem(idx, jnp.int64(s)))
        idx = lax.div(idx, jnp.int64(s))
    coords.append(idx)
    return jnp.stack(coords[::-1]).astype(data.dtype)


def _unravel_check(arrays, attrs):
    _shape_check('unravel_index', attrs['shape'])


op('unravel_index', aliases=('_unravel_index',), check=_unravel_check)(unravel_index)


# ---------------------------------------------------------------- shapes
def _like_axes(ishape, fshape, axes):
    if not axes:
        if len(ishape) != len(fshape):
            raise MXNetError('slice_like: with axes=() every axis is sliced, but data has %d '
                             'dimensions and shape_like %d' % (len(ishape), len(fshape)))
        return range(len(ishape))
    out = []
    for a in axes:
        n = a + len(ishape) if a < 0 else a
        if not 0 <= n < len(ishape):
            raise MXNetError('slice_like: axis %d exceeds the dimensions of data %s' % (a, ishape))
        n = a + len(fshape) if a < 0 else a
        if not 0 <= n < len(fshape):
            raise MXNetError('slice_like: axis %d exceeds the dimensions of shape_like %s'
                             % (a, fshape))
        out.append(n)
    return out


def slice_like(data, shape_like, axes=()):
    """data[:d0, :d1, ...] with shape_like's sizes on `axes` (all axes when empty)."""
    axes = tuple(axes) if axes is not None else ()
    end = list(data.shape)
    for a in _like_axes(data.shape, shape_like.shape, axes):
        if shape_like.shape[a] > data.shape[a]:
            raise MXNetError('slice_like: axis %d of shape_like has size %d, larger than data\'s %d'
                             % (a, shape_like.shape[a], data.shape[a]))
        end[a] = shape_like.shape[a]
    return lax.slice(data, (0,) * data.ndim, tuple(end))


op('slice_like', inputs=('data', 'shape_like'), method=True)(slice_like)


def shape_array(data):
    """data's shape as a 1-D int64 array."""
    return jnp.asarray(data.shape, jnp.int64)


def size_array(data):
    """data's size as a (1,) int64 array."""
    return jnp.asarray([data.size], jnp.int64)


op('shape_array', method=True)(shape_array)
op('size_array', method=True)(size_array)


def _block(name, data, block_size):
    b = _int(name, 'block_size', block_size)
    if b < 1:
        raise MXNetError('%s: block_size=%r is not valid; it must be a positive int' % (name, b))
    if data.ndim != 4:
        raise MXNetError('%s: data must be 4-D (N, C, H, W), got shape %s' % (name, data.shape))
    return b


def depth_to_space(data, block_size=None):
    """(N, C, H, W) -> (N, C/b^2, H*b, W*b): depth moved into b x b spatial blocks."""
    b = _block('depth_to_space', data, block_size)
    n, c, h, w = data.shape
    if c % (b * b):
        raise MXNetError('depth_to_space: the depth dimension %d must be a multiple of '
                         'block_size^2=%d' % (c, b * b))
    x = data.reshape(n, b, b, c // (b * b), h, w).transpose(0, 3, 4, 1, 5, 2)
    return x.reshape(n, c // (b * b), h * b, w * b)


def space_to_depth(data, block_size=None):
    """(N, C, H, W) -> (N, C*b^2, H/b, W/b): the inverse of depth_to_space."""
    b = _block('space_to_depth', data, block_size)
    n, c, h, w = data.shape
    if h % b or w % b:
        raise MXNetError('space_to_depth: the spatial dimensions %d, %d must be multiples of '
                         'block_size=%d' % (h, w, b))
    x = data.reshape(n, c, h // b, b, w // b, b).transpose(0, 3, 5, 1, 2, 4)
    return x.reshape(n, c * b * b, h // b, w // b)


op('depth_to_space', method=True)(depth_to_space)
op('space_to_depth', method=True)(space_to_depth)


# ---------------------------------------------------------------- khatri_rao
def khatri_rao(*args, num_args=None):
    """Column-wise Kronecker product of (r_i, C) matrices: (r_1 * ... * r_n, C)."""
    out = args[0]
    for m in args[1:]:
        out = (out[:, None, :] * m[None, :, :]).reshape(-1, out.shape[1])
    return out


def _khatri_rao_check(arrays, attrs):
    if not arrays:
        raise MXNetError('khatri_rao: needs at least one input matrix (num_args >= 1)')
    cols = None
    for i, a in enumerate(arrays):
        if a.ndim != 2:
            raise MXNetError('khatri_rao: input %d must be a 2-D matrix, got shape %s' % (i, a.shape))
        cols = a.shape[1] if cols is None else cols
        if a.shape[1] != cols:
            raise MXNetError('khatri_rao: input %d has %d columns, input 0 has %d'
                             % (i, a.shape[1], cols))
    _check_float('khatri_rao', {'args[%d]' % i: a for i, a in enumerate(arrays)})


op('khatri_rao', inputs=('*args',), same_dtype=True, check=_khatri_rao_check)(khatri_rao)


# ---------------------------------------------------------------- row-wise pick / fill
def batch_take(a, indices):
    """a viewed as rows of its last axis: out[i] = a[i, indices[i]], indices clipped."""
    rows = a.reshape(-1, a.shape[-1])
    idx = jnp.clip(indices.reshape(-1), 0, a.shape[-1] - 1)
    return rows[jnp.arange(rows.shape[0]), idx].reshape(indices.shape)


def _batch_take_check(arrays, attrs):
    a, ind = arrays
    if ind.dtype != np.int32:
        raise MXNetError('batch_take: indices must be int32, got %s' % np.dtype(ind.dtype).name)
    if a.ndim < 1 or a.size // max(a.shape[-1], 1) != ind.size:
        raise MXNetError('batch_take: indices has %d elements, but a of shape %s has %d rows'
                         % (ind.size, a.shape, a.size // max(a.shape[-1], 1) if a.ndim else 0))


op('batch_take', inputs=('a', 'indices'), check=_batch_take_check)(batch_take)

# MXNet's choose_element_0index is pick under its old name.
FRONTENDS['choose_element_0index'] = FRONTENDS['pick']


def fill_element_0index(lhs, mhs, rhs):
    """A copy of lhs with lhs[i, rhs[i]] = mhs[i]; indices truncate toward zero and
    out-of-range ones are skipped."""
    n = lhs.shape[1]
    idx = _trunc_int(rhs, jnp.int32)
    idx = jnp.where((idx >= 0) & (idx < n), idx, n)
    return lhs.at[jnp.arange(lhs.shape[0]), idx].set(mhs.astype(lhs.dtype), mode='drop')


def _fill_check(arrays, attrs):
    lhs, mhs, rhs = arrays
    if lhs.ndim != 2 or mhs.ndim != 1 or rhs.ndim != 1:
        raise MXNetError('fill_element_0index: needs a 2-D lhs, 1-D mhs and 1-D rhs, got shapes '
                         '%s, %s, %s' % (lhs.shape, mhs.shape, rhs.shape))
    if not lhs.shape[0] == mhs.shape[0] == rhs.shape[0]:
        raise MXNetError('fill_element_0index: lhs rows (%d), values mhs (%d) and indices rhs (%d) '
                         'must match' % (lhs.shape[0], mhs.shape[0], rhs.shape[0]))
    if mhs.dtype != lhs.dtype:
        raise MXNetError('fill_element_0index: mhs (%s) must have lhs\'s dtype %s'
                         % (np.dtype(mhs.dtype).name, np.dtype(lhs.dtype).name))


op('fill_element_0index', inputs=('lhs', 'mhs', 'rhs'), check=_fill_check)(fill_element_0index)


def _onehot_encode(indices, out):
    return (_trunc_int(indices)[:, None] == jnp.arange(out.shape[1])).astype(out.dtype)


def _onehot_check(arrays, attrs):
    ind, out = arrays
    if ind.ndim != 1 or out.ndim != 2 or ind.shape[0] != out.shape[0]:
        raise MXNetError('onehot_encode: needs 1-D indices and a 2-D out with as many rows, got '
                         'shapes %s and %s' % (ind.shape, out.shape))


_onehot_op = op('_onehot_encode', inputs=('indices', 'out'), check=_onehot_check)(_onehot_encode)


@frontend('onehot_encode')
def onehot_encode(indices, out):
    """Write the one-hot rows of `indices` into `out` (a row of zeros for an index outside
    [0, out.shape[1])) and return out. Deprecated in MXNet: use one_hot."""
    return _onehot_op(indices, out, out=out)


FRONTENDS['identity'] = FRONTENDS['_copy']
FRONTENDS['true_divide'] = FRONTENDS['divide']


# ---------------------------------------------------------------- histogram
def _histogram(*args, bin_cnt=None, range=None):
    data = args[0].reshape(-1)
    if bin_cnt is None:
        edges = args[1]
        n = edges.shape[0] - 1
        b = jnp.searchsorted(edges, data, side='right') - 1
        b = jnp.where(data == edges[-1], n - 1, b)
        ok = (data >= edges[0]) & (data <= edges[-1])
    else:
        # MXNet's rule: a first guess from the range (in float64), corrected by one bin against
        # the edges in data's dtype (so integer data bins by its truncated edges).
        lo, hi = range
        n = bin_cnt
        edges = jnp.asarray((lo + np.arange(n + 1) * ((hi - lo) / n)).astype(data.dtype))
        x = data.astype(jnp.float64)
        b = jnp.minimum(jnp.floor((x - lo) * n / (hi - lo)), n - 1).astype(jnp.int32)
        b = b - (data < edges[b])
        b = b + ((data >= edges[b + 1]) & (b != n - 1))
        ok = (x >= lo) & (x <= hi) & (b >= 0)
    counts = jnp.zeros((n,), jnp.int64).at[jnp.where(ok, b, n)].add(1, mode='drop')
    return counts, edges


_histogram_op = op('_histogram', inputs=('*args',))(_histogram).op


@frontend('histogram')
def histogram(a, bins=10, range=None):
    """(counts as int64, bin edges). bins: an int with range=(lo, hi), or an NDArray of
    edges (a's dtype); the last bin includes its right edge; values outside are ignored.
    An int without range uses numpy's histogram and returns float32 counts, as MXNet."""
    if isinstance(bins, NDArray):
        if bins.dtype != a.dtype:
            raise MXNetError('histogram: bins (%s) must have the dtype of a (%s)'
                             % (np.dtype(bins.dtype).name, np.dtype(a.dtype).name))
        if bins.ndim != 1 or bins.shape[0] < 2:
            raise MXNetError('histogram: bins must be a 1-D array of at least 2 edges, got shape %s'
                             % (bins.shape,))
        return _run(_histogram_op, [a, bins])
    if isinstance(bins, integer_types) and not isinstance(bins, bool):
        if bins < 1:
            raise MXNetError('histogram: bins=%d is not valid; it must be >= 1' % bins)
        if range is None:
            warnings.warn("range is not specified, using numpy's result to ensure consistency "
                          "with numpy")
            res, bounds = np.histogram(a.asnumpy(), bins=bins)
            return _put(res.astype(np.float32), a.context), _put(bounds.astype(np.float32), a.context)
        lo, hi = (float(v) for v in range)
        if lo > hi:
            raise MXNetError('histogram: range=%s is not valid; its left end must be <= its right end'
                             % (tuple(range),))
        if lo == hi:   # MXNet widens an empty range to (lo - 0.5, hi + 0.5), as numpy does
            lo, hi = lo - 0.5, hi + 0.5
        return _run(_histogram_op, [a], bin_cnt=int(bins), range=(lo, hi))
    raise ValueError('bins argument should be either an integer or an NDArray')


# ---------------------------------------------------------------- finiteness, sums of squares
def _all_finite(*data, init_output=True):
    ok = jnp.ones((), jnp.bool_)
    arrays = data if init_output else data[:-1]
    for a in arrays:
        ok = ok & jnp.all(jnp.isfinite(a))
    res = ok.astype(jnp.float32).reshape(1)
    return res if init_output else jnp.where(ok, data[-1].astype(jnp.float32), 0)


_all_finite_op = op('_all_finite', inputs=('*data',))(_all_finite).op


def _finite(name, arrays, init_output, out):
    """1.0 if every element of every array is finite, else 0.0 (float32, shape (1,)). With
    init_output=False the result starts from out's value instead of 1 (AMP's chunked checks)."""
    _check_float(name, {'data[%d]' % i: a for i, a in enumerate(arrays)})
    if not init_output and out is not None:
        return _run(_all_finite_op, list(arrays) + [out], out, init_output=False)
    return _run(_all_finite_op, list(arrays), out)


@frontend('all_finite')
def all_finite(data, init_output=True, out=None, name=None):
    return _finite('all_finite', [data], init_output, out)


@frontend('multi_all_finite')
def multi_all_finite(*data, num_arrays=1, init_output=True, out=None, name=None):
    if num_arrays != len(data):
        raise MXNetError('multi_all_finite: num_arrays=%r but %d arrays were given'
                         % (num_arrays, len(data)))
    for i, a in enumerate(data[1:], 1):
        if a.dtype != data[0].dtype:
            raise MXNetError('multi_all_finite: array %d has dtype %s, array 0 has %s'
                             % (i, np.dtype(a.dtype).name, np.dtype(data[0].dtype).name))
    return _finite('multi_all_finite', data, init_output, out)


def multi_sum_sq(*data, num_arrays=None):
    """The sum of squares of each array, as float32 of shape (num_arrays,)."""
    # as MXNet: each square in the input's dtype (float16 too), the sum in at least float32
    return jnp.stack([jnp.sum(jnp.square(a).astype(jnp.promote_types(a.dtype, jnp.float32)))
                      for a in data]).astype(jnp.float32)


def _sum_sq_check(arrays, attrs):
    n = attrs['num_arrays']
    if n is None:
        raise MXNetError('multi_sum_sq: the num_arrays argument is required')
    if n != len(arrays):
        raise MXNetError('multi_sum_sq: num_arrays=%r but %d arrays were given' % (n, len(arrays)))
    _check_float('multi_sum_sq', {'data[%d]' % i: a for i, a in enumerate(arrays)})


op('multi_sum_sq', inputs=('*data',), same_dtype=True, check=_sum_sq_check)(multi_sum_sq)


# ---------------------------------------------------------------- storage
def cast_storage(data, stype=None):
    """mxjax stores every array densely: stype='default' returns a copy; 'csr' and
    'row_sparse' raise MXNetError."""
    return jnp.array(data, copy=True)


def _cast_storage_check(arrays, attrs):
    stype = attrs['stype']
    if stype is None:
        raise MXNetError('cast_storage: the stype argument is required')
    if stype in ('csr', 'row_sparse'):
        raise MXNetError("cast_storage: stype=%r is not supported: mxjax has dense storage only "
                         "(stype='default')" % (stype,))
    if stype != 'default':
        raise MXNetError("cast_storage: stype=%r is not valid; valid values are 'csr', 'default', "
                         "'row_sparse'" % (stype,))


op('cast_storage', check=_cast_storage_check)(cast_storage)


# ---------------------------------------------------------------- Pad
_PAD_MODES = ('constant', 'edge', 'reflect')


def pad(data, mode=None, pad_width=None, constant_value=0.0):
    """Pad a 4-D or 5-D float array on its spatial axes (2 and up); pad_width is
    (before_0, after_0, ..., before_N, after_N) with zeros for axes 0 and 1. A negative
    width crops, as in MXNet."""
    pw = [(int(pad_width[2 * i]), int(pad_width[2 * i + 1])) for i in range(data.ndim)]
    if mode == 'constant':
        return lax.pad(data, jnp.asarray(constant_value, data.dtype), [(b, a, 0) for b, a in pw])
    for ax, (b, a) in enumerate(pw):
        if b or a:
            # Each output position reads source position i - before, clamped (edge) or
            # mirrored about the ends (reflect): MXNet's rule, negative widths included.
            n = data.shape[ax]
            j = np.arange(n + b + a) - b
            j = np.clip(j, 0, n - 1) if mode == 'edge' else np.where(j >= n, 2 * (n - 1) - j, np.abs(j))
            data = jnp.take(data, jnp.asarray(j), axis=ax)
    return data


def _pad_check(arrays, attrs):
    data = arrays[0]
    mode, pw = attrs['mode'], attrs['pad_width']
    if mode is None:
        raise MXNetError("Pad: the mode argument is required ('constant', 'edge' or 'reflect')")
    if mode not in _PAD_MODES:
        raise MXNetError("Pad: mode=%r is not valid; valid values are 'constant', 'edge', 'reflect'"
                         % (mode,))
    if pw is None:
        raise MXNetError('Pad: the pad_width argument is required')
    pw = tuple(pw)
    if data.ndim not in (4, 5):
        raise MXNetError('Pad: only 4-D and 5-D inputs are supported, got shape %s' % (data.shape,))
    if len(pw) != 2 * data.ndim:
        raise MXNetError('Pad: pad_width=%s must have 2 * ndim = %d entries for an input of shape %s'
                         % (pw, 2 * data.ndim, data.shape))
    if any(pw[:4]):
        raise MXNetError('Pad: pad_width=%s is not valid; padding on the first two axes must be zero'
                         % (pw,))
    _check_float('Pad', {'data': data})
    if mode == 'reflect':
        for ax in range(2, data.ndim):
            if max(pw[2 * ax], pw[2 * ax + 1]) >= data.shape[ax]:
                raise MXNetError('Pad: pad_width=%s is not valid for mode=reflect: the widths on axis '
                                 '%d must be smaller than its size %d' % (pw, ax, data.shape[ax]))


op('Pad', aliases=('pad',), method='pad', check=_pad_check)(pad)


# ---------------------------------------------------------------- moments
def _moment_axes(ndim, axes):
    if axes is None or not tuple(axes):
        raise MXNetError('moments: axes=%r is not valid; empty axes are not supported (pass every '
                         'axis for global moments)' % (axes,))
    norm = sorted(norm_axis(ndim, a, 'moments', 'axes') for a in axes)
    if len(set(norm)) != len(norm):
        raise MXNetError('moments: axes=%s has duplicate axes' % (tuple(axes),))
    return tuple(norm)


def moments(data, axes=None, keepdims=False):
    """(mean, variance) over `axes` (required). Integer data uses integer division, as MXNet."""
    ax = _moment_axes(data.ndim, axes)
    count = int(np.prod([data.shape[a] for a in ax]))

    def mean(x):
        s = jnp.sum(x, axis=ax, keepdims=True)
        return lax.div(s, jnp.asarray(count, s.dtype)) if jnp.issubdtype(s.dtype, jnp.integer) \
            else s / count

    m = mean(data).astype(data.dtype)
    v = mean(jnp.square(data - m)).astype(data.dtype)
    if not keepdims:
        kept = tuple(s for i, s in enumerate(data.shape) if i not in ax) or (1,)
        m, v = m.reshape(kept), v.reshape(kept)
    return m, v


op('moments')(moments)


# ---------------------------------------------------------------- slice assignment
def _slice_assign(lhs, rhs, begin=(), end=(), step=()):
    return lhs.at[_norm_slice_key(lhs.shape, tuple(begin), tuple(end), tuple(step))].set(rhs)


def _slice_assign_scalar(data, scalar=0.0, begin=(), end=(), step=()):
    key = _norm_slice_key(data.shape, tuple(begin), tuple(end), tuple(step))
    return data.at[key].set(scalar.astype(data.dtype))


def _slice_assign_check(arrays, attrs):
    lhs, rhs = arrays
    key = _norm_slice_key(lhs.shape, tuple(attrs['begin']), tuple(attrs['end']),
                          tuple(attrs['step'] or ()))
    want = tuple(len(range(*k.indices(n))) for k, n in zip(key, lhs.shape)) + lhs.shape[len(key):]
    if rhs.shape != want:
        raise MXNetError('slice_assign: rhs has shape %s, but the slice begin=%s, end=%s, step=%s '
                         'of shape %s has shape %s' % (rhs.shape, attrs['begin'], attrs['end'],
                                                       attrs['step'], lhs.shape, want))


_slice_assign_front = op('_slice_assign', inputs=('lhs', 'rhs'), aliases=('_crop_assign',),
                         same_dtype=True, check=_slice_assign_check)(_slice_assign)
_slice_assign_scalar_front = op('_slice_assign_scalar', aliases=('_crop_assign_scalar',),
                                dynamic=('scalar',))(_slice_assign_scalar)


def _slice_assign_method(self, rhs, begin, end, step):
    """Write rhs into self[begin:end:step] in place and return self."""
    return _slice_assign_front(self, rhs, begin=begin, end=end, step=step, out=self)


def _slice_assign_scalar_method(self, value, begin, end, step):
    """Write the scalar `value` (cast to self's dtype) into self[begin:end:step] in place and
    return self."""
    return _slice_assign_scalar_front(self, scalar=float(value), begin=begin, end=end, step=step,
                                      out=self)


METHODS.update(slice_assign=_slice_assign_method, slice_assign_scalar=_slice_assign_scalar_method)
