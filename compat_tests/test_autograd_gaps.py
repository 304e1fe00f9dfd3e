"""Autograd behaviours checked against MXNet 1.9.1 (golden/gen_autograd_gaps.py): integer
gradients, x[key] = v while recording, grad w.r.t. non-variables, boolean keys, head-gradient
dtypes, errors in Function.backward, NaN through comparing ops; plus independent checks."""
import json
import os
import sys

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import mxjax as mx
from mxjax.base import MXNetError

nd, ag = mx.nd, mx.autograd
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), 'golden'))
import gen_autograd_gaps as gen  # noqa: E402

GOLD = np.load(gen.GOLDEN)
META = json.loads(str(GOLD['meta']))
# MXNet 1.9.1's CPU float32 kernels for these (oneDNN) give 0 / 1 at NaN where its float64
# (reference) kernels give NaN / the slope; mxjax follows the reference kernels for every dtype.
ONEDNN_F32 = {'nan_act_relu_float32', 'nan_elu_float32', 'nan_leaky_float32'}
# MXNet 1.9.1 gradient bugs (checked against formulas in test_selu_and_rrelu_gradients below).
MXNET_BUG = {'nan_selu_float32/gx', 'nan_selu_float64/gx', 'nan_rrelu_predict_float32/gx',
             'nan_rrelu_predict_float64/gx'}


@pytest.mark.parametrize('name', sorted(META))
def test_golden(name):
    ref = META[name]
    res = gen.run_case(mx, name)
    if 'error' in ref:
        assert 'error' in res, (name, 'MXNet raises %s: %s' % (ref['error'], ref['message']))
        cls, msg = res['error']
        assert cls == ref['error'], (name, cls, msg, ref)
        phrase = gen.CASES[name][1]
        if phrase is not None:
            assert phrase in msg, (name, msg)
        return
    assert 'error' not in res, (name, res.get('error'))
    assert sorted(k[4:] for k in res) == ref['keys']
    for k in ref['keys']:
        if name + '/' + k in MXNET_BUG:
            continue
        got, want = res['out/' + k], GOLD[name + '/' + k]
        if name in ONEDNN_F32:
            want = GOLD[name.replace('float32', 'float64') + '/' + k].astype(np.float32)
        assert got.shape == want.shape and got.dtype == want.dtype, (name, k, got.dtype, want.dtype)
        if want.dtype.kind == 'f':
            # MXNet computes gelu in float32, and takes LeakyReLU's constants as float32
            tol = 1e-6 if want.dtype == np.float32 or 'gelu' in name else 1e-7 if name.startswith('nan_') else 1e-12
            np.testing.assert_allclose(got, want, rtol=tol, atol=tol, equal_nan=True, err_msg=name + '/' + k)
        else:
            np.testing.assert_array_equal(got, want, err_msg=name + '/' + k)


# ---------------------------------------------------------------- independent checks
@pytest.mark.parametrize('dtype', ['int32', 'int64'])
def test_integer_gradients_match_numpy_formulas(dtype):
    v = np.array([[3, -2, 5], [0, 7, -4]])
    x = nd.array(v, dtype=dtype)
    x.attach_grad()
    idx = np.array([1, 1, 0, 2])
    with ag.record():
        y = (x[:, idx] * x[:, idx]).sum() + (x * 3).sum()
    y.backward()
    want = 3 + np.zeros_like(v)
    np.add.at(want, (slice(None), idx), 2 * v[:, idx])  # repeated indices accumulate
    assert x.grad.dtype == np.dtype(dtype)
    np.testing.assert_array_equal(x.grad.asnumpy(), want)


def test_integer_gradient_is_exact_beyond_float32():
    # float64 shadow: exact for |values| < 2**53, so a large int64 product is exact.
    big = 2 ** 40 + 7
    x = nd.array([big, -3], dtype='int64')
    x.attach_grad()
    with ag.record():
        y = x * nd.array([big, 5], dtype='int64')
    y.backward()
    np.testing.assert_array_equal(x.grad.asnumpy(), [big, 5])


def test_integer_second_order():
    x = nd.array([1, 2, 3], dtype='int32')
    x.attach_grad()
    with ag.record():
        y = x * x * x
        g = ag.grad(y, [x], create_graph=True)[0]
    g.backward()
    np.testing.assert_array_equal(g.asnumpy(), [3, 12, 27])  # 3 x^2
    np.testing.assert_array_equal(x.grad.asnumpy(), [6, 12, 18])  # 6 x


def test_whole_write_records_the_value():
    w = nd.array([[1., 2.], [3., 4.]], dtype='float64')
    w.attach_grad()
    x = nd.zeros((2, 2), dtype='float64')
    with ag.record():
        x[...] = nd.sin(w)
        y = (x * x).sum()
    y.backward()
    wv = np.array([[1., 2.], [3., 4.]])
    np.testing.assert_allclose(x.asnumpy(), np.sin(wv))
    np.testing.assert_allclose(w.grad.asnumpy(), 2 * np.sin(wv) * np.cos(wv), rtol=1e-12)


def test_partial_write_while_recording_leaves_x_unchanged():
    w = nd.array([1., 2.])
    w.attach_grad()
    x = nd.zeros((2, 2))
    with ag.record():
        v = w * 2
        with pytest.raises(MXNetError, match='Inplace operations'):
            x[0] = v
    np.testing.assert_array_equal(x.asnumpy(), np.zeros((2, 2)))


def test_boolean_key_messages():
    x = nd.array([[1., 2.], [3., 4.]])
    with pytest.raises(ValueError, match=r'boolean indexing .* bool NDArray key of shape \(2,\)'):
        x[nd.array([1, 0], dtype='bool')]


def test_head_grad_dtype_message():
    x = nd.array([1., 2.])
    x.attach_grad()
    with ag.record():
        y = x * 2
    with pytest.raises(MXNetError, match='head_grads\\[0\\] has dtype float64, but its head has dtype float32'):
        y.backward(nd.array([1., 1.], dtype='float64'))
    y.backward(nd.array([1., 3.]))  # the graph is kept after the error
    np.testing.assert_array_equal(x.grad.asnumpy(), [2., 6.])


def test_function_backward_error_is_chained():
    class F(ag.Function):
        def forward(self, x):
            return x * 2

        def backward(self, dy):
            raise KeyError('boom')

    x = nd.array([1., 2.])
    x.attach_grad()
    with ag.record():
        y = F()(x)
    with pytest.raises(MXNetError, match="Error in F.backward: KeyError: 'boom'") as e:
        y.backward()
    assert isinstance(e.value.__cause__, KeyError)


def _jax_grad(f, v, head):
    return jax.vjp(f, jnp.asarray(v))[1](jnp.asarray(head))[0]


@pytest.mark.parametrize('dtype', ['float32', 'float64'])
def test_selu_and_rrelu_gradients(dtype):
    # MXNet 1.9.1 gives lambda * (y + alpha) for selu's gradient at x < 0 (the true one is
    # lambda * alpha * exp(x)), and head * y for rrelu's in predict mode (the true one is the
    # mean slope): check mxjax against jax.vjp of the plain formulas instead.
    v = np.array([np.nan, -1.5, 0., 2., -2., np.inf])
    head = np.arange(1., 7.)
    lam, alpha = 1.0507009873554805, 1.6732632423543772
    slope = (np.float32(0.125) + np.float32(0.334)) / 2
    selu = lambda a: lam * jnp.where(a > 0, a, alpha * jnp.expm1(jnp.where(a > 0, 0., a)))
    rrelu = lambda a: jnp.where(a > 0, a, a * slope)
    for act, f, train in (('selu', selu, True), ('rrelu', rrelu, False)):
        x = nd.array(v, dtype=dtype)
        x.attach_grad()
        with ag.record(train_mode=train):
            y = nd.LeakyReLU(x, act_type=act)
        y.backward(nd.array(head, dtype=dtype))
        want = np.asarray(_jax_grad(f, v, head))
        tol = 1e-6 if dtype == 'float32' else 1e-12
        np.testing.assert_allclose(x.grad.asnumpy(), want, rtol=tol, equal_nan=True, err_msg=act)
