"""Golden tests of the shape operators against MXNet 1.9.1 (see golden/gen_ops_shape_reduce.py)."""
import os
import sys

import pytest

import mxjax as mx

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), 'golden'))
import gen_ops_shape_reduce as golden  # noqa: E402

CASES, ARRAYS = golden.load('shape')


@pytest.mark.parametrize('i,case', golden.params(CASES))
def test_golden(i, case):
    golden.check(mx, i, case, ARRAYS)


# ---------------------------------------------------------------- API shape and independent references
import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402
import numpy as np  # noqa: E402
from hypothesis import given, settings, strategies as st  # noqa: E402

nd = mx.nd

# hasattr(mxnet.nd.NDArray, name) in MXNet 1.9.1.
MX_METHODS = {
    'sum': True, 'mean': True, 'max': True, 'min': True, 'prod': True, 'nansum': True,
    'nanprod': True, 'norm': True, 'argmax': True, 'argmin': True, 'argmax_channel': True,
    'dot': False, 'batch_dot': False, 'transpose': True, 'expand_dims': True, 'squeeze': True,
    'flatten': True, 'Flatten': False, 'split': True, 'split_v2': True, 'SliceChannel': False,
    'concat': False, 'Concat': False, 'stack': False, 'tile': True, 'repeat': True, 'flip': True,
    'reverse': False, 'swapaxes': True, 'SwapAxis': False, 'take': True, 'pick': True,
    'one_hot': True, 'where': False, 'sort': True, 'argsort': True, 'topk': True, 'diag': True,
    'sum_axis': False, 'max_axis': False, 'min_axis': False, 'reshape_like': True, 'slice': True,
    'slice_axis': True,
}


def test_methods_and_aliases_as_mxnet():
    for name, has in MX_METHODS.items():
        assert hasattr(nd, name), name
        assert hasattr(nd.NDArray, name) == has, name
    for a, b in [('split', 'SliceChannel'), ('concat', 'Concat'), ('flip', 'reverse'),
                 ('swapaxes', 'SwapAxis'), ('flatten', 'Flatten'), ('sum', 'sum_axis'),
                 ('max', 'max_axis'), ('min', 'min_axis')]:
        assert getattr(nd, a) is getattr(nd, b), (a, b)


def test_inplace_methods_are_views():
    x = nd.arange(6).reshape((2, 3))
    y = x.expand_dims(1, inplace=True)
    assert y.shape == (2, 1, 3)
    y[:] = -1
    assert x.asnumpy().tolist() == [[-1] * 3] * 2
    z = nd.ones((2, 1, 3)).squeeze(inplace=True)
    assert z.shape == (2, 3)
    w = nd.arange(24).reshape((2, 3, 4))
    f = w.flatten(inplace=True)
    f[0] = 7
    assert f.shape == (2, 12) and (w[0].asnumpy() == 7).all()
    c = w.flatten()
    c[:] = 0
    assert (w[0].asnumpy() == 7).all()  # the default is a copy


def test_split_returns_list_or_single():
    x = nd.arange(6).reshape((2, 3))
    parts = nd.split(x, num_outputs=3)
    assert isinstance(parts, list) and [p.shape for p in parts] == [(2, 1)] * 3
    one = nd.split(x, num_outputs=1)
    assert isinstance(one, nd.NDArray) and one.shape == (2, 3)


def _mode_index(idx, n, mode):
    i = np.trunc(idx).astype(np.int64)
    return np.mod(i, n) if mode == 'wrap' else np.clip(i, 0, n - 1)


@settings(max_examples=7, deadline=None)
@given(st.integers(1, 3), st.integers(1, 5), st.sampled_from(['clip', 'wrap']), st.integers(0, 2 ** 31 - 1))
def test_take_and_pick_accumulate_repeated_indices(ndim, n, mode, seed):
    rs = np.random.RandomState(seed)
    axis = int(rs.randint(-ndim, ndim))
    ax = axis % ndim
    dims = [int(d) for d in rs.randint(1, 4, size=ndim)]
    dims[ax] = n
    shape = tuple(dims)
    xv = rs.randn(*shape).astype(np.float32)
    ind = rs.uniform(-2 * n, 2 * n, size=(7,)).round(1).astype(np.float32)
    # take
    want_idx = _mode_index(ind, shape[ax], mode)
    want = np.take(xv, want_idx, axis=ax)
    g = rs.randn(*want.shape).astype(np.float32)
    x = nd.array(xv)
    x.attach_grad()
    with mx.autograd.record():
        y = nd.take(x, nd.array(ind), axis=axis, mode=mode)
    y.backward(nd.array(g))
    np.testing.assert_array_equal(y.asnumpy(), want)
    gw = np.zeros_like(xv)
    gwv = np.moveaxis(gw, ax, 0)
    np.add.at(gwv, want_idx, np.moveaxis(g, ax, 0))  # gw through its axis-first view
    np.testing.assert_allclose(x.grad.asnumpy(), gw, rtol=1e-5, atol=1e-6)
    # pick
    rest = shape[:ax] + shape[ax + 1:]
    pind = rs.uniform(-2 * n, 2 * n, size=rest).round(1).astype(np.float32)
    pidx = _mode_index(pind, n, mode)
    want = np.take_along_axis(xv, np.expand_dims(pidx, ax), axis=ax).reshape(rest or (1,))
    g = rs.randn(*want.shape).astype(np.float32)
    x = nd.array(xv)
    x.attach_grad()
    with mx.autograd.record():
        y = nd.pick(x, nd.array(pind), axis=axis, mode=mode)
    y.backward(nd.array(g))
    np.testing.assert_array_equal(y.asnumpy(), want)
    gw = np.zeros_like(xv)
    np.put_along_axis(gw, np.expand_dims(pidx, ax), g.reshape(np.expand_dims(pidx, ax).shape), axis=ax)
    np.testing.assert_allclose(x.grad.asnumpy(), gw, rtol=1e-5, atol=1e-6)


@settings(max_examples=5, deadline=None)
@given(st.lists(st.integers(1, 3), min_size=1, max_size=3), st.integers(0, 2 ** 31 - 1))
def test_tile_repeat_flip_transpose_vs_jax(shape, seed):
    rs = np.random.RandomState(seed)
    shape = tuple(shape)
    nd_ = len(shape)
    xv = rs.randn(*shape).astype(np.float32)
    reps = tuple(int(r) for r in rs.randint(1, 3, size=rs.randint(1, 4)))
    axis = int(rs.randint(-nd_, nd_))
    perm = tuple(int(p) for p in rs.permutation(nd_))
    cases = [
        (lambda x: nd.tile(x, reps=reps), lambda v: jnp.tile(v, reps)),
        (lambda x: nd.repeat(x, repeats=2, axis=axis), lambda v: jnp.repeat(v, 2, axis=axis)),
        (lambda x: nd.repeat(x, repeats=3), lambda v: jnp.repeat(v.reshape(-1), 3)),
        (lambda x: nd.flip(x, axis=axis % nd_), lambda v: jnp.flip(v, axis)),
        (lambda x: nd.transpose(x, axes=perm), lambda v: jnp.transpose(v, perm)),
        (lambda x: nd.expand_dims(x, axis=axis), lambda v: jnp.expand_dims(v, axis)),
    ]
    for f, jf in cases:
        want, pull = jax.vjp(jf, jnp.asarray(xv))
        g = rs.randn(*want.shape).astype(np.float32)
        x = nd.array(xv)
        x.attach_grad()
        with mx.autograd.record():
            y = f(x)
        y.backward(nd.array(g))
        np.testing.assert_array_equal(y.asnumpy(), np.asarray(want))
        np.testing.assert_allclose(x.grad.asnumpy(), np.asarray(pull(jnp.asarray(g))[0]), rtol=1e-5, atol=1e-6)


def test_sort_topk_ties_are_stable():
    x = nd.array([[3, 1, 2, 1], [0, 5, 5, -1]])
    assert nd.argsort(x).asnumpy().tolist() == [[1, 3, 2, 0], [3, 0, 1, 2]]
    assert nd.argsort(x, is_ascend=False).asnumpy().tolist() == [[0, 2, 1, 3], [1, 2, 0, 3]]
    assert nd.topk(x, k=2).asnumpy().tolist() == [[0, 2], [1, 2]]


def test_where_nan_condition_is_true():
    r = nd.where(nd.array([np.nan, 0]), nd.array([1, 2]), nd.array([3, 4]))
    assert r.asnumpy().tolist() == [1, 4]


def _second_order(f_mx, f_jax, xv, w):
    x = nd.array(xv)
    x.attach_grad()
    with mx.autograd.record():
        y = f_mx(x)
        (gx,) = mx.autograd.grad(y, [x], create_graph=True)
        z = (gx * nd.array(w)).sum()
    z.backward()
    first = jax.grad(lambda v: jnp.sum(f_jax(v)))
    want = jax.grad(lambda v: jnp.sum(first(v) * w))(jnp.asarray(xv))
    np.testing.assert_allclose(gx.asnumpy(), np.asarray(first(jnp.asarray(xv))), rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(x.grad.asnumpy(), np.asarray(want), rtol=1e-5, atol=1e-5)


def test_second_order_shape_ops():
    rs = np.random.RandomState(5)
    xv = rs.randn(3, 4).astype(np.float32)
    w = rs.randn(3, 4).astype(np.float32)
    idx = np.array([0, 3, 3, -1, 9], dtype=np.float32)
    _second_order(lambda x: nd.take(x, nd.array(idx), axis=1) ** 3,
                  lambda v: jnp.take(v, np.clip(idx.astype(int), 0, 3), axis=1) ** 3, xv, w)
    _second_order(lambda x: nd.sort(x * x * x, axis=0, is_ascend=False),
                  lambda v: -jnp.sort(-(v ** 3), axis=0), xv, w)
    _second_order(lambda x: nd.concat(x * x, nd.tile(x, reps=(1, 2)) ** 3, dim=1),
                  lambda v: jnp.concatenate([v * v, jnp.tile(v, (1, 2)) ** 3], axis=1), xv, w)
    _second_order(lambda x: nd.where(nd.array(xv > 0), x ** 3, x * x),
                  lambda v: jnp.where(xv > 0, v ** 3, v * v), xv, w)
    _second_order(lambda x: nd.topk(x ** 3, k=2, ret_typ='value', axis=0),
                  lambda v: -jnp.sort(-(v ** 3), axis=0)[:2], xv, w)


@pytest.mark.parametrize('fn,ref', [
    (lambda x: nd.flip(x, axis=1), lambda a: jnp.flip(a, 1)),
    (lambda x: nd.mean(x, axis=0), lambda a: jnp.mean(a, 0)),
    (lambda x: nd.split_v2(x, 2, axis=1)[1] * 3, lambda a: a[:, 2:] * 3)], ids=['flip', 'mean', 'split_v2'])
def test_grad_req_add_accumulates(fn, ref):
    """grad_req='add': the buffer holds the sum of every backward (MXNet 1.9.1 gets these wrong)."""
    rs = np.random.RandomState(3)
    x0 = rs.rand(2, 4).astype(np.float32)
    hg = rs.rand(*fn(nd.array(x0)).shape).astype(np.float32)
    x = nd.array(x0)
    x.attach_grad(grad_req='add')
    for _ in range(2):
        with mx.autograd.record():
            y = fn(x)
        y.backward(nd.array(hg))
    _, vjp = jax.vjp(ref, jnp.asarray(x0))
    np.testing.assert_allclose(x.grad.asnumpy(), 2 * np.asarray(vjp(jnp.asarray(hg))[0]), rtol=1e-6)
