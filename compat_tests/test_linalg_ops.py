"""nd.linalg.* / nd.linalg_* against MXNet 1.9.1 golden values (golden/gen_ops_linalg.py) and
against independent computations (numpy, jax.grad of plain jnp formulas)."""
import json
import os
import sys

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import mxjax as mx
from mxjax.base import MXNetError

nd = mx.nd
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), 'golden'))
import gen_ops_linalg as gen  # noqa: E402

GOLD = np.load(gen.GOLDEN)
SPECS = json.loads(str(GOLD['specs']))
NAMES = ['det', 'extractdiag', 'extracttrian', 'gelqf', 'gemm', 'gemm2', 'inverse', 'makediag',
         'maketrian', 'potrf', 'potri', 'slogdet', 'sumlogdiag', 'syevd', 'syrk', 'trmm', 'trsm']


def _close(got, ref, dtype, name=''):
    assert got.shape == ref.shape, (name, got.shape, ref.shape)
    assert got.dtype == ref.dtype, (name, got.dtype, ref.dtype)
    rtol, atol = (1e-4, 1e-5) if dtype == 'float32' else (1e-9, 1e-12)
    scale = max(1.0, float(np.max(np.abs(ref[np.isfinite(ref)])))) if ref.size else 1.0
    np.testing.assert_allclose(got, ref, rtol=rtol, atol=atol * scale, err_msg=name)


def _ids(specs):
    return [s['name'] for s in specs]


# ---------------------------------------------------------------- golden forward/backward
FWD = [s for s in SPECS if not s['raises']]


@pytest.mark.parametrize('spec', FWD, ids=_ids(FWD))
def test_golden(spec):
    res = gen.run_case(mx, spec)
    keys = sorted(k.split('/', 1)[1] for k in GOLD.files if k.startswith(spec['name'] + '/'))
    assert sorted(res) == keys
    for k in keys:
        _close(res[k], GOLD[spec['name'] + '/' + k], spec['dtype'], spec['name'] + '/' + k)


def test_names_follow_mxnet():
    assert sorted(nd.linalg.__all__) == NAMES
    for n in NAMES:
        f = getattr(nd.linalg, n)
        assert getattr(nd, '_linalg_' + n) is f
        # MXNet 1.9.1 has every nd.linalg_<name> except linalg_syevd
        assert hasattr(nd, 'linalg_' + n) == (n != 'syevd')
        if n != 'syevd':
            assert getattr(nd, 'linalg_' + n) is f
        assert not hasattr(nd.NDArray, n)   # MXNet has no NDArray methods for these


def test_prefixed_alias_and_positional_attrs():
    spec = next(s for s in FWD if s['name'] == 'gemm_axis0_float64')
    res = gen.run_case(mx, spec, fn=nd.linalg_gemm)
    _close(res['out0'], GOLD['gemm_axis0_float64/out0'], 'float64')
    a, b, c = (nd.array(gen.INPUTS[k], dtype='float64') for k in spec['args'])
    # MXNet's positional order: transpose_a, transpose_b, alpha, beta, axis
    y = nd.linalg.gemm(a, b, c, False, False, 2.0, 0.5, 0)
    _close(y.asnumpy(), GOLD['gemm_axis0_float64/out0'], 'float64')


# ---------------------------------------------------------------- bad input
ERRORS = [s for s in SPECS if s['raises']]
_ERR_WORDS = {'nonsquare': 'square', '1d': 'ndim', 'int': 'float32', 'f16': 'float32',
              'mixed': 'dtype', 'tall': 'rows', 'mismatch': 'dimensions', 'batch': 'batch',
              'rank': 'dimensions', 'axis': 'axis', 'big': 'axis', 'c': 'C', 'offset': 'offset',
              'len': 'length'}


@pytest.mark.parametrize('spec', ERRORS, ids=_ids(ERRORS))
def test_bad_input_raises_like_mxnet(spec):
    assert spec['mx_raised']
    arrs = gen.make_arrays(mx, spec)
    with pytest.raises(MXNetError) as e:
        with mx.autograd.record():
            getattr(nd.linalg, spec['op'])(*[arrs[a] for a in spec['args']], **spec['attrs'])
    word = _ERR_WORDS[spec['name'].rsplit('_', 1)[0].rsplit('_', 1)[1]]
    assert word in str(e.value) and spec['op'] in str(e.value), str(e.value)


def test_unknown_attribute_and_non_ndarray():
    with pytest.raises(MXNetError, match='alpha'):
        nd.linalg.potrf(nd.ones((2, 2)), alpha=2.0)
    with pytest.raises(TypeError, match='NDArray'):
        nd.linalg.det(np.ones((2, 2)))


# ---------------------------------------------------------------- independent references
def _spd(rs, *shape):
    b = rs.randn(*shape)
    return b @ np.swapaxes(b, -1, -2) + shape[-1] * np.eye(shape[-1])


def test_identities_vs_numpy():
    rs = np.random.RandomState(7)
    s = _spd(rs, 2, 3, 3)
    S = nd.array(s, dtype='float64')
    L = nd.linalg.potrf(S).asnumpy()
    np.testing.assert_allclose(L, np.linalg.cholesky(s), rtol=1e-12)
    np.testing.assert_allclose(nd.linalg.potri(nd.array(L, dtype='float64')).asnumpy(),
                               np.linalg.inv(s), rtol=1e-10)
    np.testing.assert_allclose(nd.linalg.sumlogdiag(nd.array(L, dtype='float64')).asnumpy() * 2,
                               np.linalg.slogdet(s)[1], rtol=1e-12)
    U, lam = nd.linalg.syevd(S)
    U, lam = U.asnumpy(), lam.asnumpy()
    np.testing.assert_allclose(lam, np.linalg.eigvalsh(s), rtol=1e-12)
    np.testing.assert_allclose(U @ s, lam[..., None] * U, atol=1e-10)
    np.testing.assert_allclose(U @ np.swapaxes(U, 1, 2), np.broadcast_to(np.eye(3), (2, 3, 3)), atol=1e-12)
    w = rs.randn(2, 3, 5)
    Q, Lq = (x.asnumpy() for x in nd.linalg.gelqf(nd.array(w, dtype='float64')))
    np.testing.assert_allclose(Lq @ Q, w, atol=1e-12)
    np.testing.assert_allclose(np.triu(Lq, 1), 0)
    t = np.tril(rs.randn(2, 3, 3)) + 3 * np.eye(3)
    b = rs.randn(2, 3, 4)
    x = nd.linalg.trsm(nd.array(t, dtype='float64'), nd.array(b, dtype='float64'), alpha=2.0).asnumpy()
    np.testing.assert_allclose(t @ x, 2 * b, atol=1e-12)
    x = nd.linalg.trsm(nd.array(t, dtype='float64'), nd.array(np.swapaxes(b, 1, 2), dtype='float64'),
                       rightside=True, transpose=True).asnumpy()
    np.testing.assert_allclose(x @ np.swapaxes(t, 1, 2), np.swapaxes(b, 1, 2), atol=1e-12)
    v = rs.randn(2, 10)
    for off, low in ((0, True), (0, False), (1, True), (-1, False)):
        m = nd.linalg.maketrian(nd.array(v, dtype='float64'), offset=off, lower=low)
        back = nd.linalg.extracttrian(m, offset=off, lower=low).asnumpy()
        np.testing.assert_array_equal(back, v)
        mm = m.asnumpy()
        assert mm.shape == (2, 4 + abs(off), 4 + abs(off))
        keep = np.tril(mm, min(off, 0)) if (off < 0 or (off == 0 and low)) else np.triu(mm, max(off, 0))
        np.testing.assert_array_equal(mm, keep)
    d = rs.randn(2, 3)
    np.testing.assert_array_equal(nd.linalg.makediag(nd.array(d), offset=1).asnumpy()[1],
                                  np.diag(d[1].astype(np.float32), 1))


def test_second_order_vs_jax_grad():
    """MXNet has no second-order gradients for linalg ops; mxjax's match jax.grad of plain
    jnp formulas."""
    rs = np.random.RandomState(3)
    s = _spd(rs, 3, 3)
    w = rs.uniform(0.5, 1.5, (3, 3))
    x = nd.array(s, dtype='float64')
    x.attach_grad()
    with mx.autograd.record():
        y = nd.linalg.inverse(nd.linalg.potrf(x)).sum()
        (g,) = mx.autograd.grad(y, [x], create_graph=True)
        z = (g * nd.array(w, dtype='float64')).sum()
    z.backward()

    def f(a):
        sym = (a + a.T) / 2   # MXNet's potrf gradient is symmetric
        return jnp.sum(jnp.linalg.inv(jnp.linalg.cholesky(sym)))

    g1 = jax.grad(f)
    np.testing.assert_allclose(g.asnumpy(), np.asarray(jax.jit(g1)(jnp.asarray(s))), rtol=1e-10)
    g2 = jax.jit(jax.grad(lambda a: jnp.sum(g1(a) * w)))(jnp.asarray(s))
    np.testing.assert_allclose(x.grad.asnumpy(), np.asarray(g2), rtol=1e-8, atol=1e-12)


def test_out_argument_and_float32_dtype():
    a = nd.array(np.eye(3) * 2)
    o = nd.zeros((3, 3))
    assert nd.linalg.inverse(a, out=o) is o
    np.testing.assert_allclose(o.asnumpy(), np.eye(3) / 2)
    q, l = nd.zeros((2, 3)), nd.zeros((2, 2))
    nd.linalg.gelqf(nd.array([[1., 2., 3.], [4., 5., 6.]]), out=[q, l])
    np.testing.assert_allclose((l.asnumpy() @ q.asnumpy()), [[1, 2, 3], [4, 5, 6]], rtol=1e-5)
    assert nd.linalg.det(a).dtype == np.float32


def test_det_gradient_at_a_singular_matrix_is_the_adjugate():
    """Deliberate difference: MXNet backpropagates zeros through det of a singular matrix;
    mxjax gives the true gradient, the adjugate (transposed cofactor matrix)."""
    x = nd.array([[1., 2.], [2., 4.]], dtype='float64')
    x.attach_grad()
    with mx.autograd.record():
        y = nd.linalg.det(x)
    y.backward()
    assert y.asnumpy().tolist() == [0.0]
    np.testing.assert_allclose(x.grad.asnumpy(), [[4., -2.], [-2., 1.]])
