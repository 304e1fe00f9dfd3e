"""Golden tests of the linalg operators against MXNet 1.9.1 (see golden/gen_ops_shape_reduce.py)."""
import os
import sys

import pytest

import mxjax as mx

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), 'golden'))
import gen_ops_shape_reduce as golden  # noqa: E402

CASES, ARRAYS = golden.load('linalg')


@pytest.mark.parametrize('i,case', CASES, ids=['%d-%s' % (i, c['op']) for i, c in CASES])
def test_golden(i, case):
    golden.check(mx, i, case, ARRAYS)


# ---------------------------------------------------------------- independent references
import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402
import numpy as np  # noqa: E402
from hypothesis import given, settings, strategies as st  # noqa: E402

nd = mx.nd


def _np_dot(a, b, ta, tb):
    """MXNet's rule through 2-D matrix views: lhs (prod(shape[:-1]), shape[-1]) (or
    (shape[0], rest) transposed), rhs (shape[0], rest) (or (rest..., shape[-1]) transposed)."""
    if a.ndim == 1 and b.ndim == 1:
        return np.array([np.dot(a, b)])
    if a.ndim == 1:
        am, afree = a.reshape(1, -1), ()
    elif ta:
        am, afree = a.reshape(a.shape[0], -1).T, a.shape[1:]
    else:
        am, afree = a.reshape(-1, a.shape[-1]), a.shape[:-1]
    if b.ndim == 1:
        bm, bfree = b.reshape(-1, 1), ()
    elif tb:
        bm, bfree = b.reshape(-1, b.shape[-1]).T, b.shape[:-1]
    else:
        bm, bfree = b.reshape(b.shape[0], -1), b.shape[1:]
    return (am @ bm).reshape(afree + bfree or (1,))


@st.composite
def dot_case(draw):
    k = draw(st.integers(1, 4))
    na, nb = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    ta = draw(st.booleans()) and na > 1
    tb = draw(st.booleans()) and nb > 1
    fa = tuple(draw(st.lists(st.integers(1, 3), min_size=na - 1, max_size=na - 1)))
    fb = tuple(draw(st.lists(st.integers(1, 3), min_size=nb - 1, max_size=nb - 1)))
    sa = (k,) + fa if ta else fa + (k,)
    sb = fb + (k,) if tb else (k,) + fb
    return sa, sb, ta, tb, draw(st.integers(0, 2 ** 31 - 1))


@settings(max_examples=8, deadline=None)
@given(dot_case())
def test_dot_rules_and_gradients(case):
    sa, sb, ta, tb, seed = case
    rs = np.random.RandomState(seed)
    av, bv = rs.randn(*sa).astype(np.float32), rs.randn(*sb).astype(np.float32)
    want = _np_dot(av.astype(np.float64), bv.astype(np.float64), ta, tb)
    a, b = nd.array(av), nd.array(bv)
    a.attach_grad()
    b.attach_grad()
    g = rs.randn(*want.shape).astype(np.float32)
    with mx.autograd.record():
        y = nd.dot(a, b, transpose_a=ta, transpose_b=tb)
    y.backward(nd.array(g))
    assert y.shape == want.shape and y.dtype == np.float32
    np.testing.assert_allclose(y.asnumpy(), want, rtol=1e-5, atol=1e-5)
    _, pull = jax.vjp(lambda p, q: jnp.asarray(_jnp_dot(p, q, ta, tb)), jnp.asarray(av), jnp.asarray(bv))
    ga, gb = pull(jnp.asarray(g))
    np.testing.assert_allclose(a.grad.asnumpy(), np.asarray(ga), rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(b.grad.asnumpy(), np.asarray(gb), rtol=1e-4, atol=1e-5)


def _jnp_dot(a, b, ta, tb):
    # The same matrix-view rule in jnp (the gradient reference).
    if a.ndim == 1 and b.ndim == 1:
        return jnp.dot(a, b, precision='highest').reshape(1)
    am = a.reshape(1, -1) if a.ndim == 1 else (a.reshape(a.shape[0], -1).T if ta else a.reshape(-1, a.shape[-1]))
    bm = b.reshape(-1, 1) if b.ndim == 1 else (b.reshape(-1, b.shape[-1]).T if tb else b.reshape(b.shape[0], -1))
    afree = () if a.ndim == 1 else (a.shape[1:] if ta else a.shape[:-1])
    bfree = () if b.ndim == 1 else (b.shape[:-1] if tb else b.shape[1:])
    return jnp.matmul(am, bm, precision='highest').reshape(afree + bfree or (1,))


def test_batch_dot_vs_numpy_all_transposes():
    rs = np.random.RandomState(1)
    for ta in (False, True):
        for tb in (False, True):
            av = rs.randn(2, 3, 4).astype(np.float32)
            bv = rs.randn(2, 4, 5).astype(np.float32)
            a = np.swapaxes(av, 1, 2) if ta else av
            b = np.swapaxes(bv, 1, 2) if tb else bv
            y = nd.batch_dot(nd.array(a), nd.array(b), transpose_a=ta, transpose_b=tb)
            np.testing.assert_allclose(y.asnumpy(), av @ bv, rtol=1e-5, atol=1e-5)


def test_dot_float32_precision():
    # float32 products keep float32 accuracy (no reduced-precision passes on any backend).
    rs = np.random.RandomState(2)
    a, b = rs.randn(64, 64).astype(np.float32), rs.randn(64, 64).astype(np.float32)
    y = nd.dot(nd.array(a), nd.array(b)).asnumpy()
    np.testing.assert_allclose(y, a.astype(np.float64) @ b.astype(np.float64), rtol=1e-4, atol=1e-4)


def test_second_order_dot_and_batch_dot():
    rs = np.random.RandomState(3)
    av, bv = rs.randn(3, 4).astype(np.float32), rs.randn(4, 2).astype(np.float32)
    wa = rs.randn(3, 4).astype(np.float32)
    a, b = nd.array(av), nd.array(bv)
    a.attach_grad()
    b.attach_grad()
    with mx.autograd.record():
        y = nd.dot(a, b) ** 2
        (ga,) = mx.autograd.grad(y, [a], create_graph=True)
        z = (ga * nd.array(wa)).sum()
    z.backward()

    def first(p, q):
        return jax.grad(lambda p: jnp.sum(jnp.matmul(p, q, precision='highest') ** 2))(p)
    ra, rb = jax.grad(lambda p, q: jnp.sum(first(p, q) * wa), argnums=(0, 1))(jnp.asarray(av), jnp.asarray(bv))
    np.testing.assert_allclose(a.grad.asnumpy(), np.asarray(ra), rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(b.grad.asnumpy(), np.asarray(rb), rtol=1e-4, atol=1e-4)

    xv, yv = rs.randn(2, 3, 4).astype(np.float32), rs.randn(2, 4, 3).astype(np.float32)
    x, w = nd.array(xv), nd.array(yv)
    x.attach_grad()
    with mx.autograd.record():
        out = nd.batch_dot(x, w) ** 3
        (gx,) = mx.autograd.grad(out, [x], create_graph=True)
        z = gx.sum()
    z.backward()
    f1 = jax.grad(lambda p: jnp.sum(jnp.matmul(p, yv, precision='highest') ** 3))
    want = jax.grad(lambda p: jnp.sum(f1(p)))(jnp.asarray(xv))
    np.testing.assert_allclose(x.grad.asnumpy(), np.asarray(want), rtol=1e-4, atol=1e-3)
