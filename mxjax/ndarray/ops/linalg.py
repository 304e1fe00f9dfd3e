"""Matrix products: dot (MXNet's 1-D / 2-D / N-D rules) and batch_dot."""
import jax.numpy as jnp
from jax import lax

from ...base import MXNetError
from ..registry import op

# float32 products at full float32 precision on every backend (no TF32 / bf16 passes), so
# results match MXNet's float32 arithmetic.
_PRECISION = lax.Precision.HIGHEST


def _check_float(name, arrays):
    for a in arrays:
        if not jnp.issubdtype(a.dtype, jnp.floating):
            raise MXNetError('%s only supports floating point inputs (float16/float32/float64), '
                             'got %s' % (name, jnp.dtype(a.dtype).name))


def dot(lhs, rhs, transpose_a=False, transpose_b=False, forward_stype=None):
    """MXNet's dot: an N-D lhs contracts its last axis (first with transpose_a) with the first
    axis of an N-D rhs (last with transpose_b); a 1-D operand is never transposed."""
    _check_float('dot', (lhs, rhs))
    if lhs.ndim == 1 and rhs.ndim == 1:
        if transpose_a or transpose_b:
            raise MXNetError('dot: cannot transpose vectors (transpose_a=%r, transpose_b=%r with '
                             '1-D inputs)' % (transpose_a, transpose_b))
        if lhs.shape != rhs.shape:
            raise MXNetError('dot shape error: %s X %s' % (list(lhs.shape), list(rhs.shape)))
        return jnp.dot(lhs, rhs, precision=_PRECISION).reshape((1,))
    la = 0 if (transpose_a and lhs.ndim > 1) else lhs.ndim - 1
    rb = rhs.ndim - 1 if (transpose_b and rhs.ndim > 1) else 0
    if lhs.shape[la] != rhs.shape[rb]:
        raise MXNetError('dot shape error: %s X %s (transpose_a=%r, transpose_b=%r): contracted '
                         'sizes %d and %d differ' % (list(lhs.shape), list(rhs.shape), transpose_a,
                                                      transpose_b, lhs.shape[la], rhs.shape[rb]))
    r = jnp.tensordot(lhs, rhs, axes=([la], [rb]), precision=_PRECISION)
    return r.reshape(r.shape or (1,))


op('dot', inputs=('lhs', 'rhs'), same_dtype=True)(dot)


def batch_dot(lhs, rhs, transpose_a=False, transpose_b=False, forward_stype=None):
    """Matrix products over the leading (batch) axes of two N-D arrays, N >= 3."""
    _check_float('batch_dot', (lhs, rhs))
    if lhs.ndim < 3 or lhs.ndim != rhs.ndim:
        raise MXNetError('batch_dot: inputs must both be N-D with N >= 3, got %s and %s'
                         % (list(lhs.shape), list(rhs.shape)))
    if lhs.shape[:-2] != rhs.shape[:-2]:
        raise MXNetError('batch_dot shape error (the leading batch dimensions must be equal): '
                         '%s X %s' % (list(lhs.shape), list(rhs.shape)))
    a = jnp.swapaxes(lhs, -1, -2) if transpose_a else lhs
    b = jnp.swapaxes(rhs, -1, -2) if transpose_b else rhs
    if a.shape[-1] != b.shape[-2]:
        raise MXNetError('batch_dot shape error (shape mismatch): %s X %s transpose_a=%r '
                         'transpose_b=%r' % (list(lhs.shape), list(rhs.shape), transpose_a, transpose_b))
    return jnp.matmul(a, b, precision=_PRECISION)


op('batch_dot', inputs=('lhs', 'rhs'), same_dtype=True)(batch_dot)
