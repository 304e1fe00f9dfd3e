"""Shape ops: reshape (MXNet's codes), views, slicing, and the rest of the shape family."""
import jax.numpy as jnp
from jax import lax

from ...base import MXNetError
from ..registry import op


# ---------------------------------------------------------------- reshape
def infer_reshape(in_shape, shape, reverse=False):
    """Apply MXNet's reshape codes (0 copy, -1 infer, -2 rest, -3 merge two, -4 split one)."""
    if reverse:
        rev = _infer_codes(tuple(reversed(in_shape)), _reverse_codes(shape), in_shape, shape)
        return tuple(reversed(rev))
    return _infer_codes(tuple(in_shape), tuple(shape), in_shape, shape)


def _reverse_codes(shape):
    # Reverse the code list, keeping each -4 group's two sizes after their -4.
    out, i, groups = [], 0, []
    while i < len(shape):
        if shape[i] == -4:
            groups.append((-4, shape[i + 2], shape[i + 1]))
            i += 3
        else:
            groups.append((shape[i],))
            i += 1
    for g in reversed(groups):
        out.extend(g)
    return tuple(out)


def _infer_codes(src, shape, orig_in, orig_shape):
    def bad(msg):
        raise MXNetError('reshape: cannot reshape %s to shape=%s: %s' % (tuple(orig_in), tuple(orig_shape), msg))

    out, j, i, infer_at = [], 0, 0, -1
    while i < len(shape):
        v = shape[i]
        if not isinstance(v, int):
            bad('dimension %r is not an int' % (v,))
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
                bad('more than one -1')
            infer_at = len(out)
            out.append(-1)
            j += 1
        elif v == -2:
            out.extend(src[j:])
            j = len(src)
        elif v == -3:
            if j + 1 >= len(src):
                bad('code -3 needs two input dimensions')
            out.append(src[j] * src[j + 1])
            j += 2
        elif v == -4:
            if i + 2 >= len(shape) or j >= len(src):
                bad('code -4 needs two sizes after it and an input dimension')
            d1, d2, s = shape[i + 1], shape[i + 2], src[j]
            if d1 == -1 and d2 == -1:
                bad('code -4 cannot infer both sizes')
            if d1 == -1:
                d1 = s // d2 if d2 else 0
            if d2 == -1:
                d2 = s // d1 if d1 else 0
            if d1 * d2 != s:
                bad('code -4 splits %d into %d x %d' % (s, d1, d2))
            out.extend([d1, d2])
            i += 2
            j += 1
        else:
            raise MXNetError('shape dim size must be >= -1, while received %d (valid codes: '
                             'positive sizes, 0, -1, -2, -3, -4)' % v)
        i += 1
    total = 1
    for s in src:
        total *= s
    known = 1
    for k, s in enumerate(out):
        if k != infer_at:
            known *= s
    if infer_at >= 0:
        if known == 0 or total % known:
            bad('cannot infer the -1 dimension')
        out[infer_at] = total // known
    elif known != total:
        bad('target size %d does not match input size %d' % (known, total))
    return tuple(out)


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
    ax = axis % data.ndim
    n = data.shape[ax]
    b = begin + n if begin < 0 else begin
    e = n if end is None else (end + n if end < 0 else end)
    if not 0 <= b < e <= n:
        raise MXNetError('slice_axis: begin=%r, end=%r are not valid for axis %d of size %d'
                         % (begin, end, axis, n))
    return lax.slice_in_dim(data, b, e, axis=ax)


op('slice_axis', method=True)(slice_axis)
