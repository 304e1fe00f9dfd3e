"""Neural-network ops against MXNet 1.9.1 golden values (golden/gen_ops_nn.py) and against
independent computations (numpy, jax.grad of plain jnp formulas, finite differences)."""
import json
import math
import os
import sys

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jax.scipy.special import erf

import mxjax as mx
from mxjax.base import MXNetError

nd = mx.nd
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), 'golden'))
import gen_ops_nn as gen

GOLD = np.load(gen.GOLDEN)
SPECS = json.loads(str(GOLD['specs']))
# MXNet computes gelu in float32 even for float64 data.
_RTOL = {'gelu_float64': 1e-6}


def _close(got, ref, dtype, name=''):
    assert got.shape == ref.shape, (name, got.shape, ref.shape)
    assert got.dtype == ref.dtype, (name, got.dtype, ref.dtype)
    rtol, atol = (1e-5, 1e-5) if dtype == 'float32' else (1e-7, 1e-9)
    rtol = _RTOL.get(name.split('/')[0], rtol)
    scale = max(1.0, float(np.max(np.abs(ref)))) if ref.size else 1.0
    np.testing.assert_allclose(got, ref, rtol=rtol, atol=atol * scale, err_msg=name)


def _ids(specs):
    return [s['name'] for s in specs]


def test_inputs_are_the_generators():
    for name, (v, _) in gen.INPUTS.items():
        np.testing.assert_array_equal(GOLD['input/' + name], v)


# ---------------------------------------------------------------- golden forward/backward
FWD = [s for s in SPECS if not s['raises'] and not s['second_order']]


@pytest.mark.parametrize('spec', FWD, ids=_ids(FWD))
def test_golden(spec):
    res = gen.run_case(mx, spec)
    keys = sorted(k.split('/', 1)[1] for k in GOLD.files if k.startswith(spec['name'] + '/'))
    assert sorted(res) == keys
    for k in keys:
        _close(res[k], GOLD[spec['name'] + '/' + k], spec['dtype'], spec['name'] + '/' + k)


# ---------------------------------------------------------------- second order vs jax.grad
def _softmax_ref(x, axis=-1):
    e = jnp.exp(x - jnp.max(x, axis=axis, keepdims=True))
    return e / jnp.sum(e, axis=axis, keepdims=True)


_A, _L = 1.6732632423543772848170429916717, 1.0507009873554804934193349852946
PLAIN = {
    'so_softmax': lambda x: _softmax_ref(x),
    'so_log_softmax': lambda x: x - jnp.log(jnp.sum(jnp.exp(x), axis=0, keepdims=True)),
    'so_act_sigmoid': lambda x: 1 / (1 + jnp.exp(-x)),
    'so_act_tanh': lambda x: (jnp.exp(2 * x) - 1) / (jnp.exp(2 * x) + 1),
    'so_act_softrelu': lambda x: jnp.log(1 + jnp.exp(x)),
    'so_act_softsign': lambda x: x / (1 + jnp.abs(x)),
    'so_elu': lambda x: jnp.where(x > 0, x, np.float32(0.7) * (jnp.exp(x) - 1)),
    'so_selu': lambda x: _L * jnp.where(x > 0, x, _A * (jnp.exp(x) - 1)),
    'so_gelu': lambda x: 0.5 * x * (1 + erf(x / math.sqrt(2))),
    'so_fc': lambda x, w, b: x @ w.T + b,
}
SECOND = [s for s in SPECS if s['second_order']]


@pytest.mark.parametrize('spec', SECOND, ids=_ids(SECOND))
def test_second_order(spec):
    """mxjax differentiates twice where MXNet mostly raises; values match jax.grad of plain
    formulas (and MXNet's where it has them)."""
    base = spec['name'].rsplit('_', 1)[0]
    vals = [gen.INPUTS[a][0] for a in spec['args']]
    f = PLAIN[base]
    nvar = len(spec['grad'])
    y = f(*vals)
    hg = gen.head_grad(spec, y.shape)

    def first(*v):
        _, pull = jax.vjp(lambda *d: f(*d, *vals[nvar:]), *v)
        return pull(jnp.asarray(hg))

    g1 = first(*vals[:nvar])
    hs = [gen.head_grad(spec, gi.shape, 1 + i) for i, gi in enumerate(g1)]
    g2 = jax.grad(lambda x0: sum(jnp.sum(gi * h) for gi, h in zip(first(x0, *vals[1:nvar]), hs)))(vals[0])
    res = gen.run_case(mx, spec)
    for i, gi in enumerate(g1):
        _close(res['grad1_%d' % i], np.asarray(gi), 'float64', spec['name'])
    _close(res['grad2'], np.asarray(g2), 'float64', spec['name'])
    key = spec['name'] + '/grad2'
    if key in GOLD.files:
        _close(res['grad2'], GOLD[key], 'float64', key)
    else:
        assert spec.get('mx_raised')   # MXNet: "... is non-differentiable"


# ---------------------------------------------------------------- bad input
ERRORS = [s for s in SPECS if s['raises']]
_ERR_WORDS = {'err_fc_weight': 'weight', 'err_fc_bias': 'bias', 'err_fc_num_hidden': 'num_hidden',
              'err_fc_missing_bias': 'bias', 'err_act_type': 'act_type', 'err_leaky_type': 'act_type',
              'err_dropout_p': 'p=1.5', 'err_dropout_p_neg': 'p=-0.1', 'err_layernorm_gamma': 'gamma',
              'err_embedding_weight': 'weight', 'err_softmax_axis': 'axis',
              'err_sce_label': 'label', 'err_so_label_dtype': 'label', 'err_act_int': 'data'}


@pytest.mark.parametrize('spec', ERRORS, ids=_ids(ERRORS))
def test_bad_input_raises_like_mxnet(spec):
    arrs = gen.make_arrays(mx, spec)
    before = {k: a.asnumpy().copy() for k, a in arrs.items()}
    with pytest.raises(MXNetError) as e:
        with mx.autograd.record():
            getattr(nd, spec['op'])(*[arrs[a] for a in spec['args']], **spec['attrs'])
    assert _ERR_WORDS[spec['name'].rsplit('_', 1)[0]] in str(e.value)
    for k, a in arrs.items():
        np.testing.assert_array_equal(a.asnumpy(), before[k])


def test_more_bad_input():
    x = nd.ones((4, 3, 2))
    with pytest.raises(MXNetError, match='num_hidden'):
        nd.FullyConnected(x, nd.ones((3, 6)), nd.ones(3))
    with pytest.raises(MXNetError, match='bias'):
        nd.FullyConnected(x, nd.ones((3, 6)), nd.ones(3), num_hidden=3, no_bias=True)
    with pytest.raises(MXNetError, match='float32'):
        nd.FullyConnected(x, nd.ones((3, 6), dtype='float64'), nd.ones(3), num_hidden=3)
    with pytest.raises(MXNetError, match='gamma'):
        nd.LeakyReLU(x, act_type='prelu')
    with pytest.raises(MXNetError, match='mode'):
        nd.Dropout(x, mode='sometimes')
    with pytest.raises(MXNetError, match='axes'):
        nd.Dropout(x, axes=(3,))
    with pytest.raises(MXNetError, match='Activation'):
        nd.Activation(x)
    with pytest.raises(MXNetError, match='input_dim'):
        nd.Embedding(nd.array([0, 1]), nd.ones((5, 3)))
    with pytest.raises(MXNetError, match='length'):
        nd.log_softmax(x, use_length=True)
    with pytest.raises(MXNetError, match='dtype'):
        nd.softmax(x, dtype='int32')
    with pytest.raises(MXNetError, match='InstanceNorm'):
        nd.InstanceNorm(nd.ones((2, 3)), nd.ones(3), nd.zeros(3))
    # BatchNorm: a wrong aux shape leaves every array (moving stats included) unchanged
    gm, bt, mm, mv = nd.ones(3), nd.zeros(3), nd.zeros(4), nd.ones(3)
    with pytest.raises(MXNetError, match='moving_mean'):
        with mx.autograd.record():
            nd.BatchNorm(x, gm, bt, mm, mv)
    assert mm.asnumpy().tolist() == [0] * 4 and mv.asnumpy().tolist() == [1] * 3


# ---------------------------------------------------------------- methods and names
def test_methods_and_aliases_follow_mxnet():
    for name in ('softmax', 'log_softmax', 'softmin'):
        assert hasattr(nd.NDArray, name)
    for name in ('Activation', 'LeakyReLU', 'FullyConnected', 'Dropout', 'BatchNorm', 'Embedding',
                 'LayerNorm', 'SoftmaxOutput', 'smooth_l1'):
        assert hasattr(nd, name) and not hasattr(nd.NDArray, name)
    x = nd.array(gen.INPUTS['x34'][0])
    np.testing.assert_allclose(x.softmax(axis=0).asnumpy(),
                               np.asarray(_softmax_ref(gen.INPUTS['x34'][0], 0)), rtol=1e-6)
    lab = nd.array([0, 1, 2])
    np.testing.assert_array_equal(nd.Softmax(x, lab).asnumpy(), nd.SoftmaxOutput(x, lab).asnumpy())


def test_out_argument():
    x = nd.array(gen.INPUTS['x34'][0])
    o = nd.zeros((3, 4))
    r = nd.softmax(x, out=o)
    assert r is o
    np.testing.assert_allclose(o.asnumpy(), np.asarray(_softmax_ref(x.asnumpy())), rtol=1e-6)
    o = nd.zeros((3, 2))
    nd.FullyConnected(x, nd.ones((2, 4)), num_hidden=2, no_bias=True, out=o)
    np.testing.assert_allclose(o.asnumpy(), x.asnumpy().sum(1, keepdims=True).repeat(2, 1), rtol=1e-6)


# ---------------------------------------------------------------- independent checks
@settings(max_examples=12, deadline=None)
@given(shape=st.lists(st.integers(1, 4), min_size=1, max_size=3), data=st.data())
def test_softmax_family_vs_numpy(shape, data):
    axis = data.draw(st.integers(-len(shape), len(shape) - 1))
    t = data.draw(st.sampled_from([None, 0.5, 3.0]))
    v = np.random.RandomState(len(shape)).randn(*shape)
    x = nd.array(v, dtype='float64')
    z = v / (t or 1.0)
    e = np.exp(z - z.max(axis, keepdims=True))
    ref = e / e.sum(axis, keepdims=True)
    np.testing.assert_allclose(nd.softmax(x, axis=axis, temperature=t).asnumpy(), ref, rtol=1e-12)
    np.testing.assert_allclose(nd.log_softmax(x, axis=axis, temperature=t).asnumpy(), np.log(ref),
                               rtol=1e-10, atol=1e-12)
    e = np.exp(-z - (-z).max(axis, keepdims=True))
    np.testing.assert_allclose(nd.softmin(x, axis=axis, temperature=t).asnumpy(),
                               e / e.sum(axis, keepdims=True), rtol=1e-12)


def test_fully_connected_grads_vs_numpy():
    # (MXNet's bias gradient can read an uninitialised buffer; check all three against numpy)
    rs = np.random.RandomState(3)
    xv, wv, bv, hv = rs.randn(2, 3, 2), rs.randn(4, 6), rs.randn(4), rs.randn(2, 4)
    x, w, b = nd.array(xv), nd.array(wv), nd.array(bv)
    for a in (x, w, b):
        a.attach_grad()
    with mx.autograd.record():
        y = nd.FullyConnected(x, w, b, num_hidden=4)
    y.backward(nd.array(hv))
    x2 = xv.reshape(2, 6)
    np.testing.assert_allclose(y.asnumpy(), x2 @ wv.T + bv, rtol=1e-5)
    np.testing.assert_allclose(x.grad.asnumpy(), (hv @ wv).reshape(2, 3, 2), rtol=1e-5)
    np.testing.assert_allclose(w.grad.asnumpy(), hv.T @ x2, rtol=1e-5)
    np.testing.assert_allclose(b.grad.asnumpy(), hv.sum(0), rtol=1e-5)


def test_selu_and_rrelu_gradients_vs_jax():
    """MXNet's selu and predict-mode rrelu backward are off (see gen_ops_nn.py); mxjax gives the
    derivative of the forward it computes."""
    v = gen.INPUTS['xz'][0]
    for kw, f in [(dict(act_type='selu'), PLAIN['so_selu']),
                  (dict(act_type='rrelu'), lambda x: jnp.where(x > 0, x, np.float32(0.2295) * x))]:
        x = nd.array(v, dtype='float64')
        x.attach_grad()
        with mx.autograd.record(train_mode=False):
            y = nd.LeakyReLU(x, **kw)
        y.backward()
        want = jax.grad(lambda a, f=f: f(a).sum())(v)
        np.testing.assert_allclose(x.grad.asnumpy(), np.asarray(want), rtol=1e-7, atol=1e-15)


def test_rrelu_training_draws_slopes_in_bounds():
    x = -nd.ones((50, 40))
    x.attach_grad()
    mx.random.seed(5)
    with mx.autograd.record():
        y = nd.LeakyReLU(x, act_type='rrelu', lower_bound=0.1, upper_bound=0.3)
    y.backward()
    s = -y.asnumpy()
    assert s.min() >= 0.1 and s.max() <= 0.3 and s.std() > 0.03
    np.testing.assert_array_equal(x.grad.asnumpy(), s)   # d(slope * x)/dx = the slope drawn
    mx.random.seed(5)
    with mx.autograd.record():
        y2 = nd.LeakyReLU(x, act_type='rrelu', lower_bound=0.1, upper_bound=0.3)
    np.testing.assert_array_equal(y2.asnumpy(), y.asnumpy())


def test_gradients_at_zero_follow_mxnet():
    x = nd.array([-1.0, 0.0, 1.0])
    for kw, want in [(dict(act_type='leaky', slope=0.1), [0.1, 0.1, 1.0]),
                     (dict(act_type='elu', slope=0.5), [0.5 * math.exp(-1), 0.5, 1.0])]:
        x.attach_grad()
        with mx.autograd.record():
            y = nd.LeakyReLU(x, **kw)
        y.backward()
        np.testing.assert_allclose(x.grad.asnumpy(), want, rtol=1e-6)
    x.attach_grad()
    with mx.autograd.record():
        y = nd.Activation(x, act_type='relu')
    y.backward()
    assert x.grad.asnumpy().tolist() == [0.0, 0.0, 1.0]


def test_embedding_gradient_accumulates_repeats():
    w = nd.array(np.arange(15.0).reshape(5, 3))
    w.attach_grad()
    idx = np.array([[4, 0], [4, 4]])
    hv = np.random.RandomState(1).rand(2, 2, 3)
    with mx.autograd.record():
        y = nd.Embedding(nd.array(idx), w, input_dim=5, output_dim=3)
    y.backward(nd.array(hv))
    want = np.zeros((5, 3))
    np.add.at(want, idx, hv)
    np.testing.assert_allclose(w.grad.asnumpy(), want, rtol=1e-6)
    np.testing.assert_array_equal(y.asnumpy(), np.arange(15.0).reshape(5, 3)[idx])


def test_softmax_output_ignores_head_gradient_and_label():
    rs = np.random.RandomState(2)
    v = rs.randn(3, 4)
    x, lab = nd.array(v), nd.array([1, 0, 3])
    x.attach_grad()
    lab.attach_grad()
    grads = []
    for hg in (nd.ones((3, 4)), nd.array(rs.randn(3, 4))):
        with mx.autograd.record():
            y = nd.SoftmaxOutput(x, lab, grad_scale=0.5)
        y.backward(hg)
        grads.append(x.grad.asnumpy())
        assert not lab.grad.asnumpy().any()
    p = np.exp(v) / np.exp(v).sum(1, keepdims=True)
    want = (p - np.eye(4)[[1, 0, 3]]) * 0.5
    np.testing.assert_allclose(grads[0], want, rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(grads[1], want, rtol=1e-5, atol=1e-7)


def test_softmax_output_second_order_vs_jax():
    # its first-order gradient is softmax - one_hot, which mxjax differentiates again
    v = np.random.RandomState(0).randn(4, 5)
    x = nd.array(v, dtype='float64')
    x.attach_grad()
    with mx.autograd.record():
        y = nd.SoftmaxOutput(x, nd.array([0, 1, 2, 3], dtype='float64'))
        g = mx.autograd.grad([y], [x], create_graph=True)[0]
        z = (g * g).sum()
    z.backward()
    oh = np.eye(5)[:4]
    want = jax.grad(lambda a: jnp.sum((_softmax_ref(a, 1) - oh) ** 2))(v)
    np.testing.assert_allclose(x.grad.asnumpy(), np.asarray(want), rtol=1e-10)


def test_loss_gradients_vs_jax():
    rs = np.random.RandomState(4)
    v, lab = rs.randn(4, 5), np.array([0, 4, 2, 2.0])
    x = nd.array(v, dtype='float64')
    x.attach_grad()
    with mx.autograd.record():
        y = nd.softmax_cross_entropy(x, nd.array(lab, dtype='float64'))
    y.backward(nd.array([2.0], dtype='float64'))

    def sce(a):
        return -jnp.sum((a - jnp.log(jnp.sum(jnp.exp(a), 1, keepdims=True)))[np.arange(4), lab.astype(int)])
    np.testing.assert_allclose(y.asnumpy(), [sce(v)], rtol=1e-12)
    np.testing.assert_allclose(x.grad.asnumpy(), 2 * np.asarray(jax.grad(sce)(v)), rtol=1e-10)
    # smooth_l1: finite differences away from the switch points
    v = np.array([-2.0, -0.3, 0.1, 0.2, 0.7, 3.0])
    for s in (1.0, 2.0):
        x = nd.array(v, dtype='float64')
        x.attach_grad()
        with mx.autograd.record():
            y = nd.smooth_l1(x, scalar=s)
        y.backward()
        def f(a, s=s):
            return np.where(np.abs(a) < 1 / s ** 2, 0.5 * (s * a) ** 2, np.abs(a) - 0.5 / s ** 2)
        fd = (f(v + 1e-6) - f(v - 1e-6)) / 2e-6
        np.testing.assert_allclose(y.asnumpy(), f(v), rtol=1e-12)
        np.testing.assert_allclose(x.grad.asnumpy(), fd, rtol=1e-6)


def test_norm_gradients_vs_jax():
    rs = np.random.RandomState(6)
    v, g, b, hv = rs.randn(4, 3, 2), rs.rand(3) + .5, rs.randn(3), rs.randn(4, 3, 2)

    def bn(x, g, b):
        m = x.mean((0, 2), keepdims=True)
        var = ((x - m) ** 2).mean((0, 2), keepdims=True)
        return (x - m) / jnp.sqrt(var + 1e-3) * g[None, :, None] + b[None, :, None]

    def ln(x, g, b):
        m = x.mean(1, keepdims=True)
        var = ((x - m) ** 2).mean(1, keepdims=True)
        return (x - m) / jnp.sqrt(var + 1e-5) * g[None, :, None] + b[None, :, None]

    def inorm(x, g, b):
        m = x.mean(2, keepdims=True)
        var = ((x - m) ** 2).mean(2, keepdims=True)
        return (x - m) / jnp.sqrt(var + 1e-3) * g[None, :, None] + b[None, :, None]

    for f, call in [(bn, lambda x, g, b: nd.BatchNorm(x, g, b, nd.zeros(3, dtype='float64'),
                                                      nd.ones(3, dtype='float64'), fix_gamma=False,
                                                      eps=1e-3)),
                    (ln, lambda x, g, b: nd.LayerNorm(x, g, b, axis=1)),
                    (inorm, lambda x, g, b: nd.InstanceNorm(x, g, b))]:
        arrs = [nd.array(a, dtype='float64') for a in (v, g, b)]
        for a in arrs:
            a.attach_grad()
        with mx.autograd.record():
            y = call(*arrs)
        y.backward(nd.array(hv, dtype='float64'))
        _, pull = jax.vjp(f, v, g, b)
        want = pull(jnp.asarray(hv))
        np.testing.assert_allclose(y.asnumpy(), np.asarray(f(v, g, b)), rtol=1e-5)  # LayerNorm eps is float32
        for a, w in zip(arrs, want):
            np.testing.assert_allclose(a.grad.asnumpy(), np.asarray(w), rtol=1e-5, atol=1e-8)


# ---------------------------------------------------------------- Dropout
def test_dropout_predict_mode_is_identity():
    v = np.random.RandomState(0).randn(5, 6).astype(np.float32)
    x = nd.array(v)
    np.testing.assert_array_equal(nd.Dropout(x, p=0.5).asnumpy(), v)
    with mx.autograd.record(train_mode=False):
        np.testing.assert_array_equal(nd.Dropout(x).asnumpy(), v)
    with mx.autograd.record():
        with mx.autograd.predict_mode():
            np.testing.assert_array_equal(nd.Dropout(x).asnumpy(), v)
    with mx.autograd.record():
        np.testing.assert_array_equal(nd.Dropout(x, p=0.0).asnumpy(), v)


@pytest.mark.parametrize('dtype', ['float32', 'float64'])
def test_dropout_rate_scale_and_gradient(dtype):
    p = 0.3
    scale = np.float32(1) / np.float32(1 - p)
    x = nd.ones((200, 100), dtype=dtype)
    x.attach_grad()
    mx.random.seed(11)
    with mx.autograd.record():
        y = nd.Dropout(x, p=p)
    hv = np.random.RandomState(0).rand(200, 100)
    y.backward(nd.array(hv, dtype=dtype))
    out = y.asnumpy()
    assert out.dtype == np.dtype(dtype)
    kept = out != 0
    assert abs(1 - kept.mean() - p) < 0.015             # 20000 draws: ~0.003 standard deviation
    assert np.all(out[kept] == np.asarray(scale, dtype))  # exactly float32 1/(1-p)
    np.testing.assert_array_equal(x.grad.asnumpy(), np.asarray(hv, dtype) * kept * np.asarray(scale, dtype))


def test_dropout_same_seed_same_mask_and_always_mode():
    x = nd.ones((30, 30))
    mx.random.seed(3)
    a = nd.Dropout(x, p=0.5, mode='always').asnumpy()   # 'always' drops outside training too
    b = nd.Dropout(x, p=0.5, mode='always').asnumpy()
    mx.random.seed(3)
    c = nd.Dropout(x, p=0.5, mode='always').asnumpy()
    np.testing.assert_array_equal(a, c)
    assert (a != b).any() and (a == 0).any() and set(np.unique(a)) == {0.0, 2.0}


def test_dropout_axes_share_the_mask_and_backward_replays_it():
    x = nd.ones((6, 50))
    x.attach_grad()
    with mx.autograd.record():
        y = nd.Dropout(x, p=0.5, axes=(0,))
    out = y.asnumpy()
    assert (out == out[:1]).all() and (out == 0).any()
    y.backward(retain_graph=True)
    g1 = x.grad.asnumpy().copy()
    y.backward()
    np.testing.assert_array_equal(x.grad.asnumpy(), g1)
    np.testing.assert_array_equal(g1, out)


def test_dropout_p_one_gives_nan_like_mxnet():
    out = nd.Dropout(nd.ones((2, 2)), p=1.0, mode='always').asnumpy()
    assert np.isnan(out).all()


# ---------------------------------------------------------------- BatchNorm modes
def _bn_arrays():
    v = gen.INPUTS['x432'][0]
    return (nd.array(v), nd.array([2.0, 3.0, 4.0]), nd.array([.1, .2, .3]), nd.zeros(3), nd.ones(3)), v


def test_batchnorm_train_vs_predict():
    (x, g, b, mm, mv), v = _bn_arrays()
    mean, var = v.mean((0, 2)), v.var((0, 2))
    # predict mode: moving statistics, nothing updated
    y = nd.BatchNorm(x, g, b, mm, mv, fix_gamma=False)
    want = v * (np.array([2, 3, 4.]) / np.sqrt(1 + 1e-3))[:, None] + np.array([.1, .2, .3])[:, None]
    np.testing.assert_allclose(y.asnumpy(), want, rtol=1e-5, atol=1e-6)
    # train_mode without recording: batch statistics; moving stats unchanged (as MXNet on CPU)
    with mx.autograd.train_mode():
        y = nd.BatchNorm(x, g, b, mm, mv, fix_gamma=False)
    want = (v - mean[:, None]) / np.sqrt(var[:, None] + 1e-3) * np.array([2, 3, 4.])[:, None] \
        + np.array([.1, .2, .3])[:, None]
    np.testing.assert_allclose(y.asnumpy(), want, rtol=1e-5, atol=1e-5)
    assert mm.asnumpy().tolist() == [0, 0, 0] and mv.asnumpy().tolist() == [1, 1, 1]
    # record(train_mode=False) / predict_mode inside record: moving stats, no update
    for scope in (lambda: mx.autograd.record(train_mode=False), mx.autograd.predict_mode):
        with mx.autograd.record():
            with scope():
                y = nd.BatchNorm(x, g, b, mm, mv, fix_gamma=False)
        assert mm.asnumpy().tolist() == [0, 0, 0]
    # training step: biased batch variance into the moving average, momentum 0.9
    with mx.autograd.record():
        nd.BatchNorm(x, g, b, mm, mv, fix_gamma=False)
    np.testing.assert_allclose(mm.asnumpy(), 0.1 * mean, rtol=1e-5)
    np.testing.assert_allclose(mv.asnumpy(), 0.9 + 0.1 * var, rtol=1e-5)
    # use_global_stats: no update even in training
    with mx.autograd.record():
        nd.BatchNorm(x, g, b, mm, mv, fix_gamma=False, use_global_stats=True)
    np.testing.assert_allclose(mm.asnumpy(), 0.1 * mean, rtol=1e-5)


def test_batchnorm_fix_gamma():
    (x, g, b, mm, mv), v = _bn_arrays()
    g.attach_grad()
    with mx.autograd.record():
        y = nd.BatchNorm(x, g, b, mm, mv)
    y.backward()
    assert not g.grad.asnumpy().any()
    assert g.asnumpy().tolist() == [1, 1, 1]          # MXNet resets a fixed gamma to 1
    want = (v - v.mean((0, 2))[:, None]) / np.sqrt(v.var((0, 2))[:, None] + 1e-3) + np.array([.1, .2, .3])[:, None]
    np.testing.assert_allclose(y.asnumpy(), want, rtol=1e-5, atol=1e-5)


def test_batchnorm_float16_data_with_float32_params():
    (x, g, b, mm, mv), _ = _bn_arrays()
    with mx.autograd.record():
        y = nd.BatchNorm(x.astype('float16'), g, b, mm, mv)
    assert y.dtype == np.float16 and mm.dtype == np.float32
