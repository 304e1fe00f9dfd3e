"""Matrix products (dot with MXNet's 1-D / 2-D / N-D rules, batch_dot) and the linalg_* ops."""
import jax.numpy as jnp
import numpy as np
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


# ---------------------------------------------------------------- the linalg_* family
# MXNet registers these as _linalg_<name>, public as nd.linalg.<name> and (except syevd)
# nd.linalg_<name>. Leading axes are batch axes; only float32 and float64 are supported.


def _la_float(name, *arrays):
    for a in arrays:
        if a.dtype not in (jnp.float32, jnp.float64):
            raise MXNetError('linalg.%s only supports float32 and float64 inputs, got %s'
                             % (name, jnp.dtype(a.dtype).name))


def _la_matrix(name, a, arg='A', square=True):
    if a.ndim < 2:
        raise MXNetError('linalg.%s: %s must be a matrix or a batch of matrices (ndim >= 2), '
                         'got shape %s' % (name, arg, a.shape))
    if square and a.shape[-1] != a.shape[-2]:
        raise MXNetError('linalg.%s: %s must be a (batch of) square matrices, got shape %s'
                         % (name, arg, a.shape))


def _la_batch(name, a, b, arg='B'):
    if a.ndim != b.ndim or a.shape[:-2] != b.shape[:-2]:
        raise MXNetError('linalg.%s: A and %s must have the same leading (batch) dimensions, got '
                         'shapes %s and %s' % (name, arg, a.shape, b.shape))


def _T(a):
    return jnp.swapaxes(a, -1, -2)


def _mm(a, b):
    return jnp.matmul(a, b, precision=_PRECISION)


def _one(x):
    # a reduction over a single (non-batched) matrix has shape (1,) in MXNet
    return x.reshape(x.shape or (1,))


def _gemm_operands(name, arrays, transpose_a, transpose_b, axis):
    """The operands with the row axis moved to -2, after MXNet's shape checks."""
    a = arrays[0]
    nd_ = a.ndim
    ax = axis + nd_ if axis < 0 else axis
    for x in arrays:
        _la_matrix(name, x, square=False)
        if x.ndim != nd_:
            raise MXNetError('linalg.%s: all inputs must have the same number of dimensions, got '
                             'shapes %s' % (name, [y.shape for y in arrays]))
    if not 0 <= ax < nd_ - 1:
        raise MXNetError('linalg.%s: invalid row axis=%d for %d-D inputs (valid: %d .. %d, the '
                         'last axis holds the columns)' % (name, axis, nd_, -nd_, nd_ - 2))
    ms = [jnp.swapaxes(x, ax, -2) for x in arrays]
    for m in ms[1:]:
        if m.shape[:-2] != ms[0].shape[:-2]:
            raise MXNetError('linalg.%s: inputs must have the same (batch) shape except on the row and '
                             'column axes, got %s' % (name, [y.shape for y in arrays]))
    a, b = (_T(ms[0]) if transpose_a else ms[0]), (_T(ms[1]) if transpose_b else ms[1])
    if a.shape[-1] != b.shape[-2]:
        raise MXNetError('linalg.%s: incompatible matrix dimensions %s x %s (transpose_a=%r, '
                         'transpose_b=%r)' % (name, arrays[0].shape, arrays[1].shape,
                                              transpose_a, transpose_b))
    return a, b, ms[2:], ax


def _gemm(A, B, C, transpose_a=False, transpose_b=False, alpha=1.0, beta=1.0, axis=-2):
    """alpha * op(A) op(B) + beta * C over batches; `axis` is the row axis (columns are last)."""
    _la_float('gemm', A, B, C)
    a, b, (c,), ax = _gemm_operands('gemm', (A, B, C), transpose_a, transpose_b, axis)
    if c.shape[-2:] != (a.shape[-2], b.shape[-1]):
        want = list(a.shape[:-1] + b.shape[-1:])
        want[ax], want[-2] = want[-2], want[ax]
        raise MXNetError('linalg.gemm: C has shape %s, expected the shape of op(A) op(B), %s'
                         % (C.shape, tuple(want)))
    out = alpha * _mm(a, b) + beta * c
    return jnp.swapaxes(out.astype(A.dtype), ax, -2)


op('_linalg_gemm', inputs=('A', 'B', 'C'), aliases=('linalg_gemm',), same_dtype=True)(_gemm)


def _gemm2(A, B, transpose_a=False, transpose_b=False, alpha=1.0, axis=-2):
    """alpha * op(A) op(B) over batches; `axis` is the row axis (columns are last)."""
    _la_float('gemm2', A, B)
    a, b, _, ax = _gemm_operands('gemm2', (A, B), transpose_a, transpose_b, axis)
    return jnp.swapaxes((alpha * _mm(a, b)).astype(A.dtype), ax, -2)


op('_linalg_gemm2', inputs=('A', 'B'), aliases=('linalg_gemm2',), same_dtype=True)(_gemm2)


def _symmetric(A, lower):
    """The symmetric matrix stored in A's lower (upper) triangle, as LAPACK reads it. Its
    gradient is symmetrised ((g + g^T) / 2), as MXNet's potrf/syevd backward is."""
    t = jnp.tril(A) if lower else jnp.triu(A)
    full = t + _T(jnp.tril(A, -1) if lower else jnp.triu(A, 1))
    s = (A + _T(A)) / 2
    return lax.stop_gradient(full - s) + s


def _potrf(A, lower=True):
    """Cholesky factor L (A = L L^T; with lower=False the upper U, A = U^T U). Only the
    lower (upper) triangle of A is read. A matrix that is not positive definite gives NaN
    (MXNet raises)."""
    _la_float('potrf', A)
    _la_matrix('potrf', A)
    L = jnp.linalg.cholesky(_symmetric(A, lower))
    return L if lower else _T(L)


op('_linalg_potrf', inputs=('A',), aliases=('linalg_potrf',))(_potrf)


def _triangle(A, lower):
    return jnp.tril(A) if lower else jnp.triu(A)


def _potri(A, lower=True):
    """The inverse of B = A A^T (A^T A with lower=False) from its Cholesky factor A; only A's
    lower (upper) triangle is read, so the gradient is lower (upper) triangular."""
    _la_float('potri', A)
    _la_matrix('potri', A)
    eye = jnp.broadcast_to(jnp.eye(A.shape[-1], dtype=A.dtype), A.shape)
    inv = lax.linalg.triangular_solve(_triangle(A, lower), eye, left_side=True, lower=lower)
    return _mm(_T(inv), inv) if lower else _mm(inv, _T(inv))


op('_linalg_potri', inputs=('A',), aliases=('linalg_potri',))(_potri)


def _tri_operands(name, A, B, rightside):
    _la_float(name, A, B)
    _la_matrix(name, A)
    _la_matrix(name, B, 'B', square=False)
    _la_batch(name, A, B)
    k = B.shape[-1] if rightside else B.shape[-2]
    if k != A.shape[-1]:
        raise MXNetError('linalg.%s: incompatible matrix dimensions: A %s, B %s (rightside=%r)'
                         % (name, A.shape, B.shape, rightside))


def _trsm(A, B, transpose=False, rightside=False, lower=True, alpha=1.0):
    """Solves op(A) X = alpha B (X op(A) = alpha B with rightside) for triangular A; only A's
    lower (upper) triangle is read."""
    _tri_operands('trsm', A, B, rightside)
    return lax.linalg.triangular_solve(_triangle(A, lower), (alpha * B).astype(B.dtype),
                                       left_side=not rightside, lower=lower, transpose_a=transpose)


op('_linalg_trsm', inputs=('A', 'B'), aliases=('linalg_trsm',), same_dtype=True)(_trsm)


def _trmm(A, B, transpose=False, rightside=False, lower=True, alpha=1.0):
    """alpha op(A) B (alpha B op(A) with rightside) for triangular A; only A's lower (upper)
    triangle is read."""
    _tri_operands('trmm', A, B, rightside)
    t = _triangle(A, lower)
    t = _T(t) if transpose else t
    return (alpha * (_mm(B, t) if rightside else _mm(t, B))).astype(B.dtype)


op('_linalg_trmm', inputs=('A', 'B'), aliases=('linalg_trmm',), same_dtype=True)(_trmm)


def _syrk(A, transpose=False, alpha=1.0):
    """alpha A A^T (alpha A^T A with transpose)."""
    _la_float('syrk', A)
    _la_matrix('syrk', A, square=False)
    return (alpha * (_mm(_T(A), A) if transpose else _mm(A, _T(A)))).astype(A.dtype)


op('_linalg_syrk', inputs=('A',), aliases=('linalg_syrk',))(_syrk)


def _gelqf(A):
    """LQ factorisation A = L Q of a full-rank (x, y) matrix, x <= y: returns (Q, L)."""
    _la_float('gelqf', A)
    _la_matrix('gelqf', A, square=False)
    if A.shape[-2] > A.shape[-1]:
        raise MXNetError('linalg.gelqf: A must have at most as many rows as columns, got shape %s'
                         % (A.shape,))
    q, r = jnp.linalg.qr(_T(A))
    return _T(q), _T(r)


op('_linalg_gelqf', inputs=('A',), aliases=('linalg_gelqf',))(_gelqf)


def _syevd(A):
    """Eigendecomposition U A = diag(lambda) U of a symmetric A (its lower triangle is read):
    returns (U, lambda), eigenvalues ascending, each row of U signed so that its entry of
    largest magnitude is positive (MXNet's convention)."""
    _la_float('syevd', A)
    _la_matrix('syevd', A)
    w, v = jnp.linalg.eigh(_symmetric(A, True))
    u = _T(v)
    big = jnp.take_along_axis(u, jnp.argmax(jnp.abs(u), axis=-1)[..., None], axis=-1)
    return u * jnp.where(big < 0, -1, 1).astype(u.dtype), w


# MXNet has no nd.linalg_syevd (only nd.linalg.syevd)
op('_linalg_syevd', inputs=('A',))(_syevd)


def _sumlogdiag(A):
    """Sum of the logs of the diagonal: shape (1,) for one matrix, the batch shape otherwise."""
    _la_float('sumlogdiag', A)
    _la_matrix('sumlogdiag', A)
    return _one(jnp.sum(jnp.log(jnp.diagonal(A, 0, -2, -1)), axis=-1))


op('_linalg_sumlogdiag', inputs=('A',), aliases=('linalg_sumlogdiag',))(_sumlogdiag)


def _check_offset(name, A, offset):
    n = A.shape[-1]
    if abs(offset) >= n:
        raise MXNetError('linalg.%s: offset=%d is out of range for %dx%d matrices (valid: %d .. %d)'
                         % (name, offset, n, n, 1 - n, n - 1))


def _extractdiag(A, offset=0):
    """Diagonal `offset` (> 0 above the main diagonal, < 0 below) of each square matrix."""
    _la_float('extractdiag', A)
    _la_matrix('extractdiag', A)
    _check_offset('extractdiag', A, offset)
    return jnp.diagonal(A, offset, -2, -1)


op('_linalg_extractdiag', inputs=('A',), aliases=('linalg_extractdiag',))(_extractdiag)


def _makediag(A, offset=0):
    """Square matrices with the last axis of A as diagonal `offset`, zeros elsewhere."""
    _la_float('makediag', A)
    if A.ndim < 1:
        raise MXNetError('linalg.makediag: A must have at least 1 dimension, got shape %s' % (A.shape,))
    n = A.shape[-1]
    k = n + abs(offset)
    idx = np.arange(n)
    out = jnp.zeros(A.shape[:-1] + (k, k), A.dtype)
    return out.at[..., idx + max(-offset, 0), idx + max(offset, 0)].set(A)


op('_linalg_makediag', inputs=('A',), aliases=('linalg_makediag',))(_makediag)


def _trian_upper(offset, lower):
    # the upper triangle is stored column by column: the lower triangle of A^T, row by row
    return offset > 0 or (offset == 0 and not lower)


def _extracttrian(A, offset=0, lower=True):
    """The triangle from diagonal `offset` (lower for offset < 0, upper for offset > 0, else as
    `lower` says) as a vector: a lower triangle row by row, an upper one column by column."""
    _la_float('extracttrian', A)
    _la_matrix('extracttrian', A)
    _check_offset('extracttrian', A, offset)
    r, c = np.tril_indices(A.shape[-1], -abs(offset))
    return (_T(A) if _trian_upper(offset, lower) else A)[..., r, c]


op('_linalg_extracttrian', inputs=('A',), aliases=('linalg_extracttrian',))(_extracttrian)


def _maketrian(A, offset=0, lower=True):
    """The inverse of extracttrian: square matrices with the triangle filled from A's last
    axis (length m(m+1)/2 gives (m + |offset|)-square matrices), zeros elsewhere."""
    _la_float('maketrian', A)
    if A.ndim < 1:
        raise MXNetError('linalg.maketrian: A must have at least 1 dimension, got shape %s' % (A.shape,))
    n = A.shape[-1]
    m = int((np.sqrt(8 * n + 1) - 1) / 2)
    if m * (m + 1) // 2 != n or n == 0:
        raise MXNetError('linalg.maketrian: the last axis of A has length %d, which is not a '
                         'triangular number m(m+1)/2' % n)
    k = m + abs(offset)
    r, c = np.tril_indices(k, -abs(offset))
    out = jnp.zeros(A.shape[:-1] + (k, k), A.dtype).at[..., r, c].set(A)
    return _T(out) if _trian_upper(offset, lower) else out


op('_linalg_maketrian', inputs=('A',), aliases=('linalg_maketrian',))(_maketrian)


def _inverse(A):
    """Inverse of each square matrix. A singular matrix gives inf/NaN (MXNet raises)."""
    _la_float('inverse', A)
    _la_matrix('inverse', A)
    return jnp.linalg.inv(A)


op('_linalg_inverse', inputs=('A',), aliases=('linalg_inverse',))(_inverse)


def _det(A):
    """Determinant: shape (1,) for one matrix, the batch shape otherwise."""
    _la_float('det', A)
    _la_matrix('det', A)
    return _one(jnp.linalg.det(A))


op('_linalg_det', inputs=('A',), aliases=('linalg_det',))(_det)


def _slogdet(A):
    """(sign, log|det|): sign is 0 and logabsdet -inf for a singular matrix; sign has no gradient."""
    _la_float('slogdet', A)
    _la_matrix('slogdet', A)
    sign, logabs = jnp.linalg.slogdet(A)
    return _one(lax.stop_gradient(sign)), _one(logabs)


op('_linalg_slogdet', inputs=('A',), aliases=('linalg_slogdet',))(_slogdet)
