"""Ops MXNet registers under _contrib_* (exposed as nd.contrib.<name>).

Resizing and adaptive pooling are written as small interpolation matrices built on the host
(static shapes), applied with one einsum: the backward is their transpose, as MXNet's scatter.
"""
import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

from ...base import MXNetError, integer_types
from ..registry import frontend, op
from .nn import _check_arrays, _check_kwargs, _run
from .shape import norm_axis


def _ste(x, value):
    """`value` forward, identity gradient (straight-through): exact, since x - x == 0."""
    return lax.stop_gradient(value) + (x - lax.stop_gradient(x))


# ---------------------------------------------------------------- boolean_mask
def _boolean_mask(data, index, axis=0, size=0):
    pos = jnp.nonzero(index != 0, size=size)[0]
    return jnp.take(data, pos, axis=0)


_boolean_mask_op = op('_contrib_boolean_mask', inputs=('data', 'index'))(_boolean_mask).op


@frontend('_contrib_boolean_mask')
def boolean_mask(data=None, index=None, axis=0, out=None, name=None, **kwargs):
    """Rows of `data` (along axis 0) where `index` is nonzero. The output size depends on the
    values, so the count is read on the host; the gather is jitted (once per count)."""
    _check_kwargs('boolean_mask', kwargs)
    _check_arrays('boolean_mask', data=data, index=index)
    if axis != 0:
        raise MXNetError('boolean_mask: axis=%r is not supported; MXNet supports only axis=0' % (axis,))
    if index.ndim != 1 or data.ndim < 1 or index.shape[0] != data.shape[0]:
        raise MXNetError('boolean_mask: index must be 1-D with data.shape[0]=%s entries, got shape %s'
                         % (data.shape[0] if data.ndim else None, index.shape))
    size = int(np.count_nonzero(index.asnumpy()))
    return _run(_boolean_mask_op, [data, index], out, axis=0, size=size)


# ---------------------------------------------------------------- index_copy
def _index_copy(old_tensor, index_vector, new_tensor):
    """old_tensor with rows index_vector[j] replaced by new_tensor[j]."""
    idx = index_vector.astype(jnp.int32)
    # The last write to a row wins, as in MXNet's sequential loop.
    winner = jnp.full(old_tensor.shape[0], -1, jnp.int32).at[idx].max(
        jnp.arange(idx.shape[0], dtype=jnp.int32))
    hit = (winner >= 0).reshape((-1,) + (1,) * (old_tensor.ndim - 1))
    # A zero whose gradient sends out_grad[index[j]] to every new_tensor row j, duplicates
    # included (MXNet's backward).
    route = jnp.zeros_like(old_tensor).at[idx].add(new_tensor - lax.stop_gradient(new_tensor))
    return jnp.where(hit, lax.stop_gradient(new_tensor[jnp.maximum(winner, 0)]) + route, old_tensor)


def _check_index_copy(arrays, attrs):
    old, idx, new = arrays
    if idx.ndim != 1:
        raise MXNetError('index_copy: index_vector must be 1-D, got shape %s' % (idx.shape,))
    if old.ndim < 2 or new.ndim != old.ndim or new.shape[1:] != old.shape[1:] \
            or new.shape[0] != idx.shape[0]:
        raise MXNetError('index_copy: new_tensor must have shape (len(index_vector),) + '
                         'old_tensor.shape[1:] = %s (old_tensor needs at least 2 dims), got %s'
                         % ((idx.shape[0],) + old.shape[1:], new.shape))
    if new.dtype != old.dtype:
        raise MXNetError('index_copy: new_tensor dtype %s differs from old_tensor dtype %s'
                         % (np.dtype(new.dtype).name, np.dtype(old.dtype).name))
    v = idx.asnumpy()
    if v.size and (v.min() < 0 or v.max() >= old.shape[0]):
        raise MXNetError('index_copy: index_vector values must be in [0, %d), got %s'
                         % (old.shape[0], v.tolist()))


op('_contrib_index_copy', inputs=('old_tensor', 'index_vector', 'new_tensor'),
   check=_check_index_copy)(_index_copy)


# ---------------------------------------------------------------- index_array, arange_like
def _index_array(data, axes=None):
    """int64 array of shape data.shape + (len(axes),): each element's index along `axes`."""
    axes = range(data.ndim) if axes is None else [a % data.ndim for a in np.atleast_1d(axes).tolist()]
    return jnp.stack([lax.broadcasted_iota(jnp.int64, data.shape, a) for a in axes], axis=-1)


def _check_index_array(arrays, attrs):
    axes = attrs['axes']
    if axes is not None:
        for a in (axes if isinstance(axes, (list, tuple)) else [axes]):
            norm_axis(arrays[0].ndim, a, 'index_array', 'axes')


op('_contrib_index_array', check=_check_index_array)(_index_array)


def _check_arange_like(arrays, attrs):
    if attrs['axis'] is not None:
        norm_axis(arrays[0].ndim, attrs['axis'], 'arange_like')
    r = attrs['repeat']
    if isinstance(r, bool) or not isinstance(r, integer_types) or r < 1:
        raise MXNetError('arange_like: repeat=%r must be a positive int' % (r,))


@op('_contrib_arange_like', dynamic=('start', 'step'), check=_check_arange_like)
def _arange_like(data, start=0.0, step=1.0, repeat=1, ctx='', axis=None):
    """start + step * (i // repeat) over data's shape (or along `axis`), in data's dtype."""
    n = data.size if axis is None else data.shape[axis]
    # start and step are cast to data's dtype first, as MXNet does (int32 data, step 1.5 -> 1).
    dt = data.dtype
    v = start.astype(dt) + step.astype(dt) * (jnp.arange(n) // repeat).astype(dt)
    return v.reshape(data.shape) if axis is None else v


# ---------------------------------------------------------------- small elementwise ops
@op('_contrib_div_sqrt_dim')
def _div_sqrt_dim(data):
    """data / sqrt(data.shape[-1])."""
    return (data / np.sqrt(data.shape[-1])).astype(data.dtype)


@op('_contrib_quadratic', dynamic=('a', 'b', 'c'))
def _quadratic(data, a=0.0, b=0.0, c=0.0):
    """a * data**2 + b * data + c (computed in floating point, cast back to data's dtype)."""
    x = data.astype(jnp.promote_types(data.dtype, jnp.float32))
    return (a.astype(x.dtype) * x * x + b.astype(x.dtype) * x + c.astype(x.dtype)).astype(data.dtype)


@op('_contrib_gradientmultiplier', dynamic=('scalar',))
def _gradientmultiplier(data, scalar=1.0, is_int=True):
    """Identity forward; the gradient is multiplied by `scalar`."""
    s = lax.stop_gradient(data)
    return s + scalar.astype(data.dtype) * (data - s)


@op('_contrib_round_ste')
def _round_ste(data):
    """Rounds half away from zero; the gradient passes straight through."""
    if not jnp.issubdtype(data.dtype, jnp.floating):
        return data
    return _ste(data, jnp.sign(data) * jnp.floor(jnp.abs(data) + 0.5))


@op('_contrib_sign_ste')
def _sign_ste(data):
    """sign(data); the gradient passes straight through."""
    return _ste(data, jnp.sign(data))


def _allclose(a, b, rtol=1e-05, atol=1e-08, equal_nan=True):
    close = jnp.abs(a - b) <= atol + rtol * jnp.abs(b)
    if equal_nan:
        close = close | (jnp.isnan(a) & jnp.isnan(b))
    return jnp.all(close).astype(jnp.uint8)


def _check_allclose(arrays, attrs):
    a, b = arrays
    if a.shape != b.shape:
        raise MXNetError('allclose: a and b must have the same shape, got %s and %s' % (a.shape, b.shape))


op('_contrib_allclose', inputs=('a', 'b'), check=_check_allclose)(_allclose)


# ---------------------------------------------------------------- BilinearResize2D
_RESIZE_MODES = ('like', 'odd_scale', 'size', 'to_even_down', 'to_even_up', 'to_odd_down', 'to_odd_up')


def _interp_matrix(n_in, n_out, align_corners):
    """(n_out, n_in) linear-interpolation weights, computed in float32 as MXNet does."""
    f32 = np.float32
    if n_out > 1:
        scale = f32(n_in - 1) / f32(n_out - 1) if align_corners else f32(n_in) / f32(n_out)
    else:
        scale = f32(0)
    dst = np.arange(n_out, dtype=np.float64)
    # The source index is rounded to float32 once; 1 - lambda is formed in the data's precision.
    src = (scale * dst if align_corners else np.maximum(scale * (dst + 0.5) - 0.5, 0)).astype(f32)
    lo = src.astype(np.int64)
    hi = lo + (lo < n_in - 1)
    lam = (src - lo.astype(f32)).astype(np.float64)
    m = np.zeros((n_out, n_in), np.float64)
    np.add.at(m, (np.arange(n_out), lo), 1 - lam)
    np.add.at(m, (np.arange(n_out), hi), lam)
    return m


def _bilinear_resize(*args, out_h=1, out_w=1, align_corners=True):
    data = args[0]
    h, w = data.shape[2:]
    rh = jnp.asarray(_interp_matrix(h, out_h, align_corners), data.dtype)
    rw = jnp.asarray(_interp_matrix(w, out_w, align_corners), data.dtype)
    return jnp.einsum('oh,nchw,pw->ncop', rh, data, rw)


_resize_op = op('_contrib_BilinearResize2D', inputs=('*args',))(_bilinear_resize).op


def _resize_dim(mode, n, size, scale, like):
    if mode == 'like':
        return like
    if mode == 'size':
        return int(scale * n) if scale is not None else size
    if mode == 'odd_scale':
        return int((n - 1) * scale) + 1 if n % 2 else int(n * scale)
    even = mode.startswith('to_even')
    if (n % 2 == 0) == even:
        return n
    return n - 1 if mode.endswith('down') else n + 1


@frontend('_contrib_BilinearResize2D')
def BilinearResize2D(data=None, like=None, height=1, width=1, scale_height=None, scale_width=None,
                     mode='size', align_corners=True, out=None, name=None, **kwargs):
    """Bilinear resize of NCHW data. align_corners=False samples pixel centres (PyTorch's
    convention); the gradient w.r.t. `like` is zero."""
    _check_kwargs('BilinearResize2D', kwargs)
    _check_arrays('BilinearResize2D', data=data)
    if mode not in _RESIZE_MODES:
        raise MXNetError('BilinearResize2D: invalid mode=%r; valid values are: %s'
                         % (mode, ', '.join(_RESIZE_MODES)))
    if data.ndim != 4:
        raise MXNetError('BilinearResize2D: data must be 4-D (NCHW), got shape %s' % (data.shape,))
    if not np.issubdtype(data.dtype, np.floating):
        raise MXNetError('BilinearResize2D: data must be a floating point array, got %s'
                         % np.dtype(data.dtype).name)
    arrays, lh, lw = [data], None, None
    if mode == 'like':
        _check_arrays('BilinearResize2D', like=like)
        if like.ndim != 4:
            raise MXNetError('BilinearResize2D: like must be 4-D (NCHW), got shape %s' % (like.shape,))
        arrays.append(like)
        lh, lw = like.shape[2:]
    elif like is not None:
        raise MXNetError("BilinearResize2D: a like input is only taken with mode='like', not mode=%r"
                         % (mode,))
    if (scale_height is None) != (scale_width is None) or (mode == 'odd_scale' and scale_height is None):
        raise MXNetError('BilinearResize2D: scale_height and scale_width must be given together '
                         '(mode=odd_scale needs them), got %r and %r' % (scale_height, scale_width))
    for k, v in (('height', height), ('width', width)):
        if isinstance(v, bool) or not isinstance(v, integer_types) or v < 1:
            raise MXNetError('BilinearResize2D: %s=%r must be an int >= 1' % (k, v))
    h, w = data.shape[2:]
    out_h = _resize_dim(mode, h, height, scale_height, lh)
    out_w = _resize_dim(mode, w, width, scale_width, lw)
    return _run(_resize_op, arrays, out, out_h=int(out_h), out_w=int(out_w),
                align_corners=bool(align_corners))


# ---------------------------------------------------------------- AdaptiveAvgPooling2D
def _pool_windows(n_in, n_out):
    """(n_out, n_in) 0/1 window membership and each window's size."""
    m = np.zeros((n_out, n_in), np.float64)
    for i in range(n_out):
        lo, hi = (i * n_in) // n_out, -(-(i + 1) * n_in // n_out)   # floor and ceil
        m[i, lo:hi] = 1.0
    return m, m.sum(1)


def _adaptive_avg_pool(data, output_size=()):
    size = tuple(output_size) if isinstance(output_size, tuple) else (output_size,)
    oh, ow = (1, 1) if not size else size * 2 if len(size) == 1 else size
    mh, nh = _pool_windows(data.shape[2], oh)
    mw, nw = _pool_windows(data.shape[3], ow)
    # Sum each window, then divide by its size (as MXNet does: exact for integer-valued data).
    s = jnp.einsum('oh,nchw,pw->ncop', jnp.asarray(mh, data.dtype), data, jnp.asarray(mw, data.dtype))
    return s / jnp.asarray(np.outer(nh, nw), data.dtype)


def _check_adaptive_pool(arrays, attrs):
    s = attrs['output_size']
    size = tuple(s) if isinstance(s, (list, tuple)) else (s,)
    if len(size) > 2 or any(isinstance(v, bool) or not isinstance(v, integer_types) or v < 1 for v in size):
        raise MXNetError('AdaptiveAvgPooling2D: output_size=%r must be an int or (height, width) '
                         'of positive ints' % (s,))
    if arrays[0].ndim != 4:
        raise MXNetError('AdaptiveAvgPooling2D: data must be 4-D (NCHW), got shape %s'
                         % (arrays[0].shape,))


op('_contrib_AdaptiveAvgPooling2D', check=_check_adaptive_pool)(_adaptive_avg_pool)


# ---------------------------------------------------------------- box_iou
def _corners(b, fmt):
    if fmt == 'corner':
        return b[..., 0], b[..., 1], b[..., 2], b[..., 3]
    x, y, w, h = b[..., 0], b[..., 1], b[..., 2] / 2, b[..., 3] / 2
    return x - w, y - h, x + w, y + h


def _box_iou(lhs, rhs, format='corner'):
    lc = [c.reshape(c.shape + (1,) * (rhs.ndim - 1)) for c in _corners(lhs, format)]
    r = _corners(rhs, format)
    iw = jnp.maximum(jnp.minimum(lc[2], r[2]) - jnp.maximum(lc[0], r[0]), 0)
    ih = jnp.maximum(jnp.minimum(lc[3], r[3]) - jnp.maximum(lc[1], r[1]), 0)
    inter = iw * ih
    area_l = jnp.maximum(lc[2] - lc[0], 0) * jnp.maximum(lc[3] - lc[1], 0)
    area_r = jnp.maximum(r[2] - r[0], 0) * jnp.maximum(r[3] - r[1], 0)
    union = area_l + area_r - inter
    iou = jnp.where(union > 0, inter / jnp.where(union > 0, union, 1), 0).astype(lhs.dtype)
    return lax.stop_gradient(iou)   # MXNet's box_iou backward gives zero gradients


def _check_box_iou(arrays, attrs):
    if attrs['format'] not in ('center', 'corner'):
        raise MXNetError("box_iou: invalid format=%r; valid values are: 'center', 'corner'"
                         % (attrs['format'],))
    for nm, a in zip(('lhs', 'rhs'), arrays):
        if a.ndim < 1 or a.shape[-1] != 4:
            raise MXNetError('box_iou: the last dimension of %s must be 4, got shape %s' % (nm, a.shape))


op('_contrib_box_iou', inputs=('lhs', 'rhs'), check=_check_box_iou)(_box_iou)


# ---------------------------------------------------------------- box_nms
def _to_corner(b, fmt):
    return jnp.stack(_corners(b, fmt), axis=-1)


def _convert_boxes(b, in_format, out_format):
    if in_format == out_format:
        return b
    if out_format == 'corner':
        return _to_corner(b, 'center')
    return jnp.stack([(b[..., 0] + b[..., 2]) / 2, (b[..., 1] + b[..., 3]) / 2,
                      b[..., 2] - b[..., 0], b[..., 3] - b[..., 1]], axis=-1)


def _nms_one(d, overlap_thresh, valid_thresh, topk, cs, si, ii, background_id, force_suppress,
             in_format, out_format):
    n = d.shape[0]
    score = d[:, si]
    valid = score > valid_thresh
    if ii >= 0 and background_id >= 0:
        valid = valid & (d[:, ii] != background_id)
    order = jnp.argsort(jnp.where(valid, -score, jnp.inf), stable=True)   # valid, by score
    s = d[order]
    cand = valid[order]
    if topk > 0:
        cand = cand & (jnp.arange(n) < topk)
    box = lax.stop_gradient(s[:, cs:cs + 4])
    overlap = _box_iou(box, box, in_format) > overlap_thresh
    if ii >= 0 and not force_suppress:
        overlap = overlap & (s[:, ii][:, None] == s[:, ii][None, :])
    overlap = lax.stop_gradient(overlap)

    def step(i, keep):   # greedy: box i survives unless a kept, higher-ranked box overlaps it
        hit = jnp.any(keep & overlap[i] & (jnp.arange(n) < i))
        return keep.at[i].set(keep[i] & ~hit)

    keep = lax.fori_loop(0, n, step, cand)
    pos = jnp.argsort(~keep, stable=True)   # kept rows first, in score order
    rows = s[pos]
    coords = rows[:, cs:cs + 4]
    # MXNet's backward passes the gradient straight to the source row, ignoring out_format.
    conv = coords + lax.stop_gradient(_convert_boxes(coords, in_format, out_format) - coords)
    rows = rows.at[:, cs:cs + 4].set(conv)
    return jnp.where((jnp.arange(n) < keep.sum())[:, None], rows, -1).astype(d.dtype)


@op('_contrib_box_nms', aliases=('_contrib_box_non_maximum_suppression',),
    check=lambda arrays, attrs: _check_box_nms(arrays[0], attrs))
def _box_nms(data, overlap_thresh=0.5, valid_thresh=0.0, topk=-1, coord_start=2, score_index=1,
             id_index=-1, background_id=-1, force_suppress=False, in_format='corner',
             out_format='corner'):
    """Rows sorted by score with overlapping boxes suppressed; removed rows are -1. The
    gradient goes to each kept row's source row unchanged (as MXNet, even across out_format)."""
    f = jax.vmap(lambda d: _nms_one(d, overlap_thresh, valid_thresh, topk, coord_start, score_index,
                                    id_index, background_id, force_suppress, in_format, out_format))
    return f(data.reshape((-1,) + data.shape[-2:])).reshape(data.shape)


def _check_box_nms(data, attrs):
    for k in ('in_format', 'out_format'):
        if attrs[k] not in ('center', 'corner'):
            raise MXNetError("box_nms: invalid %s=%r; valid values are: 'center', 'corner'" % (k, attrs[k]))
    if data.ndim < 2:
        raise MXNetError('box_nms: data must have at least 2 dimensions (boxes, elements), got shape %s'
                         % (data.shape,))
    k = data.shape[-1]
    cs, si, ii = attrs['coord_start'], attrs['score_index'], attrs['id_index']
    if not 0 <= cs <= k - 4:
        raise MXNetError('box_nms: coord_start=%r needs 4 coordinates inside the last dimension (%d)'
                         % (cs, k))
    if not 0 <= si < k:
        raise MXNetError('box_nms: score_index=%r is out of range for the last dimension (%d)' % (si, k))
    if not -1 <= ii < k:
        raise MXNetError('box_nms: id_index=%r is out of range for the last dimension (%d)' % (ii, k))
