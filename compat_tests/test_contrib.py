"""nd.contrib (ops, foreach / while_loop / cond) against MXNet 1.9.1 golden values
(golden/gen_contrib.py) and against independent computations (numpy, jax.grad)."""
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
import gen_contrib as gen

GOLD = np.load(gen.GOLDEN)
SPECS = json.loads(str(GOLD['specs']))


def _close(got, ref, dtype, name=''):
    assert got.shape == ref.shape, (name, got.shape, ref.shape)
    assert got.dtype == ref.dtype, (name, got.dtype, ref.dtype)
    rtol, atol = (1e-5, 1e-5) if dtype == 'float32' else (1e-7, 1e-9)
    scale = max(1.0, float(np.nanmax(np.abs(ref)))) if ref.size else 1.0
    np.testing.assert_allclose(got, ref, rtol=rtol, atol=atol * scale, err_msg=name)


def test_inputs_are_the_generators():
    for name, (v, _) in gen.INPUTS.items():
        np.testing.assert_array_equal(GOLD['input/' + name], v)


# ---------------------------------------------------------------- ops: golden values and gradients
OPS = [s for s in SPECS if not s['raises']]


@pytest.mark.parametrize('spec', OPS, ids=[s['name'] for s in OPS])
def test_golden(spec):
    res = gen.run_case(mx, spec)
    keys = sorted(k.split('/', 1)[1] for k in GOLD.files if k.startswith(spec['name'] + '/'))
    assert sorted(res) == keys
    for k in keys:
        _close(res[k], GOLD[spec['name'] + '/' + k], spec['dtype'], spec['name'] + '/' + k)


# ---------------------------------------------------------------- control flow: golden
FLOWS = [(n, dt) for n in gen.FLOW for dt in ('float32', 'float64')]


@pytest.mark.parametrize('name,dtype', FLOWS, ids=['%s_%s' % f for f in FLOWS])
def test_flow_golden(name, dtype):
    res = gen.FLOW[name](mx, dtype)
    pre = 'flow_%s_%s/' % (name, dtype)
    keys = sorted(k[len(pre):] for k in GOLD.files if k.startswith(pre))
    assert sorted(res) == keys
    for k in keys:
        ref = GOLD[pre + k]
        if ref.dtype.kind in 'iu':
            np.testing.assert_array_equal(res[k], ref, err_msg=pre + k)
        else:
            _close(res[k], ref, dtype, pre + k)


def test_while_loop_pads_with_zeros():
    """MXNet leaves the padding rows uninitialised; mxjax fills them with zeros."""
    outs, i = nd.contrib.while_loop(lambda i: i < 2, lambda i: ([i * 10], [i + 1]),
                                    nd.array([0], dtype='int64'), max_iterations=4)
    np.testing.assert_array_equal(outs[0].asnumpy(), [[0], [10], [0], [0]])
    assert outs[0].dtype == np.int64 and i.asnumpy().tolist() == [2]
    outs, i = nd.contrib.while_loop(lambda i: i < 0, lambda i: ([i], [i + 1]), nd.array([0]), 3)
    assert outs == [] and i.asnumpy().tolist() == [0]


def test_foreach_structure():
    """Nested outputs and states keep their structure (MXNet's _flatten / _regroup)."""
    def body(x, states):
        a, (b, c) = states
        return [x, [x * 2, x + a]], [a + 1, (b * x, c)]

    data = nd.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    outs, states = nd.contrib.foreach(body, data, [nd.zeros(2), (nd.ones(2), nd.ones(1))])
    np.testing.assert_array_equal(outs[0].asnumpy(), data.asnumpy())
    np.testing.assert_array_equal(outs[1][0].asnumpy(), data.asnumpy() * 2)
    np.testing.assert_array_equal(outs[1][1].asnumpy(), data.asnumpy() + [[0], [1], [2]])
    np.testing.assert_array_equal(states[0].asnumpy(), [3, 3])
    np.testing.assert_array_equal(states[1][0].asnumpy(), [15, 48])
    np.testing.assert_array_equal(states[1][1].asnumpy(), [1])


def test_cond_python_pred_and_int():
    assert nd.contrib.cond(nd.array([3], dtype='int32'), lambda: 1, lambda: 2) == 1
    assert nd.contrib.cond(0, lambda: 1, lambda: 2) == 2


# ---------------------------------------------------------------- second order through foreach
def _recurrence(kind, x, h0, w):
    """The stacked states of h <- tanh(x[t] * w + h), t = 0, 1, 2."""
    if kind == 'foreach':
        outs, _ = nd.contrib.foreach(lambda xt, h: (nd.tanh(xt * w + h),) * 2, x, h0)
        return outs

    def step(t, h):
        h2 = nd.tanh(x[t] * w + h)
        return [h2], [t + 1, h2]

    (outs,), _ = nd.contrib.while_loop(lambda t, h: t < 3, step, [0, h0], max_iterations=3)
    return outs


@pytest.mark.parametrize('kind', ['foreach', 'while_loop'])
def test_second_order_vs_jax(kind):
    """d/dw of (d loss/dw . v) through a 3-step tanh recurrence equals jax's Hessian-vector product."""
    rs = np.random.RandomState(3)
    xv, hv, wv, vv = rs.randn(3, 4), rs.randn(4), rs.randn(4), rs.randn(4)

    def plain(w):
        h = jnp.asarray(hv)
        total = 0.0
        for t in range(3):
            h = jnp.tanh(xv[t] * w + h)
            total = total + jnp.sum(h * h)
        return total

    hvp = jax.grad(lambda w: jnp.vdot(jax.grad(plain)(w), vv))(jnp.asarray(wv))
    x, h0, w = nd.array(xv, dtype='float64'), nd.array(hv, dtype='float64'), nd.array(wv, dtype='float64')
    w.attach_grad()
    with mx.autograd.record():
        outs = _recurrence(kind, x, h0, w)
        loss = (outs * outs).sum()
        (gw,) = mx.autograd.grad([loss], [w], create_graph=True)
        z = (gw * nd.array(vv, dtype='float64')).sum()
    z.backward()
    np.testing.assert_allclose(gw.asnumpy(), np.asarray(jax.grad(plain)(jnp.asarray(wv))), rtol=1e-10)
    np.testing.assert_allclose(w.grad.asnumpy(), np.asarray(hvp), rtol=1e-10)


# ---------------------------------------------------------------- independent checks
def test_boolean_mask_gradient_scatters():
    x = nd.array(np.arange(12.0).reshape(4, 3))
    x.attach_grad()
    with mx.autograd.record():
        y = nd.contrib.boolean_mask(x, nd.array([0, 1, 0, 1]))
    y.backward(nd.array([[1, 2, 3], [4, 5, 6]]))
    np.testing.assert_array_equal(y.asnumpy(), [[3, 4, 5], [9, 10, 11]])
    np.testing.assert_array_equal(x.grad.asnumpy(), [[0, 0, 0], [1, 2, 3], [0, 0, 0], [4, 5, 6]])
    out = nd.zeros((2, 3))
    nd.contrib.boolean_mask(x, nd.array([1, 1, 0, 0]), out=out)
    np.testing.assert_array_equal(out.asnumpy(), [[0, 1, 2], [3, 4, 5]])
    assert nd._contrib_boolean_mask is nd.contrib.boolean_mask


def test_resize_matches_numpy_formula():
    """align_corners=True: out[i] = in at i*(n_in-1)/(n_out-1), linear between neighbours."""
    rs = np.random.RandomState(5)
    x = rs.randn(1, 1, 3, 5)

    def interp1(n_in, n_out):
        src = np.arange(n_out) * (n_in - 1) / (n_out - 1)
        m = np.zeros((n_out, n_in))
        for o, s in enumerate(src):
            lo = min(int(s), n_in - 2)
            m[o, lo], m[o, lo + 1] = 1 - (s - lo), s - lo
        return m

    ref = interp1(3, 4) @ x[0, 0] @ interp1(5, 8).T
    y = nd.contrib.BilinearResize2D(nd.array(x, dtype='float64'), height=4, width=8)
    np.testing.assert_allclose(y.asnumpy()[0, 0], ref, rtol=1e-6, atol=1e-6)  # float32 weights


def test_gradientmultiplier_forward_is_exact():
    v = np.array([0.1, 1e-30, 3.3, -7.7])
    y = nd.contrib.gradientmultiplier(nd.array(v, dtype='float64'), scalar=0.3)
    np.testing.assert_array_equal(y.asnumpy(), v)


# ---------------------------------------------------------------- bad input
ERRORS = [s for s in SPECS if s['raises']]
_ERR_WORDS = {'err_boolean_mask_len': 'index', 'err_boolean_mask_axis': 'axis',
              'err_index_copy_shape': 'new_tensor', 'err_index_copy_idx': 'index_vector',
              'err_arange_like_axis': 'axis', 'err_resize_mode': 'mode', 'err_resize_ndim': 'data',
              'err_allclose_shape': 'shape', 'err_pool_ndim': 'data', 'err_box_iou_dim': 'rhs',
              'err_box_iou_format': 'format', 'err_nms_coord': 'coord_start',
              'err_nms_format': 'out_format'}


@pytest.mark.parametrize('spec', ERRORS, ids=[s['name'] for s in ERRORS])
def test_bad_input_raises_like_mxnet(spec):
    arrs = gen.make_arrays(mx, spec)
    with pytest.raises(MXNetError) as e:
        getattr(nd.contrib, spec['op'])(*[arrs[a] for a in spec['args']], **spec['attrs'])
    assert _ERR_WORDS[spec['name'].rsplit('_', 1)[0]] in str(e.value)


FLOW_ERRORS = json.loads(str(GOLD['flow_errors']))


@pytest.fixture(scope='module')
def flow_errors():
    return gen._flow_errors(mx)


@pytest.mark.parametrize('name', sorted(FLOW_ERRORS))
def test_flow_errors_match_mxnet_types(name, flow_errors):
    assert flow_errors[name] == FLOW_ERRORS[name], (name, flow_errors[name], FLOW_ERRORS[name])


def test_more_bad_input():
    x = nd.ones((3, 4))
    with pytest.raises(MXNetError, match='index_vector'):
        nd.contrib.index_copy(x, nd.array([0, 3]), nd.ones((2, 4)))
    with pytest.raises(MXNetError, match='output_size'):
        nd.contrib.AdaptiveAvgPooling2D(nd.ones((1, 1, 4, 4)), output_size=(1, 2, 3))
    with pytest.raises(MXNetError, match='repeat'):
        nd.contrib.arange_like(x, repeat=0)
    with pytest.raises(MXNetError, match='axes'):
        nd.contrib.index_array(nd.ones((2, 3, 2)), axes=(3,))
    img = nd.ones((1, 1, 2, 2))
    with pytest.raises(MXNetError, match='odd_scale'):
        nd.contrib.BilinearResize2D(img, mode='odd_scale')
    with pytest.raises(MXNetError, match='scale_width'):
        nd.contrib.BilinearResize2D(img, scale_height=2.0)
    with pytest.raises(MXNetError, match='like'):
        nd.contrib.BilinearResize2D(img, img, height=3, width=3)
    with pytest.raises(MXNetError, match='height=0'):
        nd.contrib.BilinearResize2D(img, height=0, width=3)
    with pytest.raises(MXNetError, match='int32'):
        nd.contrib.BilinearResize2D(img.astype('int32'), height=3, width=3)
    assert nd.contrib.BilinearResize2D(img, scale_height=0.1, scale_width=1.0).shape == (1, 1, 0, 2)
    with pytest.raises(TypeError, match='index'):
        nd.contrib.boolean_mask(x, [1, 0, 1])
    with pytest.raises(ValueError, match='max_iterations'):
        nd.contrib.while_loop(lambda a: True, lambda a: ([a], [a]), [x], max_iterations=None)
