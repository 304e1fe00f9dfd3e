"""autograd.Function: user forward/backward as one tape node.

Golden behaviours come from real MXNet 1.9.1 (golden/gen_core.py -> golden/core.json);
gradients are also checked against jax.grad of the plain function.
"""
import jax
import jax.numpy as jnp
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import mxjax as mx
from golden.gen_core import _sigmoid_cls, check_case, golden, params

nd = mx.nd
ag = mx.autograd
GOLD = golden()
DIFFERS = ('fn_grad_req_add',)


@pytest.mark.parametrize('name', params('function', skip=DIFFERS))
def test_golden(name):
    check_case(name, mx, GOLD)


Sigmoid = _sigmoid_cls(ag, nd)  # the tutorial's custom sigmoid, as the golden cases use it


def _dsigmoid(v):
    return jax.vmap(jax.grad(jax.nn.sigmoid))(jnp.asarray(v, jnp.float32))


def test_grad_req_add_accumulates_where_mxnet_leaves_zero():
    # MXNet 1.9.1 writes nothing into an 'add' input of a Function (golden: zeros);
    # mxjax accumulates like any op. Documented in docs/autograd.md.
    assert GOLD['fn_grad_req_add']['result']['data'] == [0.0, 0.0]
    v = np.array([0.0, 1.0], np.float32)
    x = nd.array(v)
    x.attach_grad(grad_req='add')
    for _ in range(2):
        with ag.record():
            y = Sigmoid()(x)
        y.backward()
    np.testing.assert_allclose(x.grad.asnumpy(), 2 * _dsigmoid(v), rtol=1e-6)


@settings(max_examples=15, deadline=None)
@given(st.lists(st.floats(-6, 6, width=32), min_size=4, max_size=4),
       st.lists(st.floats(-2, 2, width=32), min_size=4, max_size=4))
def test_sigmoid_function_matches_jax(xs, ws):
    v, w = np.array(xs, np.float32), np.array(ws, np.float32)
    x, wn = nd.array(v), nd.array(w)
    x.attach_grad()
    wn.attach_grad()
    with ag.record():
        z = (Sigmoid()(x * wn) * wn).sum()
    z.backward()
    gx, gw = jax.grad(lambda a, b: jnp.sum(jax.nn.sigmoid(a * b) * b), argnums=(0, 1))(v, w)
    np.testing.assert_allclose(x.grad.asnumpy(), gx, rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(wn.grad.asnumpy(), gw, rtol=1e-4, atol=1e-6)


class _Bad(ag.Function):
    def __init__(self, result):
        super().__init__()
        self.result = result

    def forward(self, x):
        return x * 2

    def backward(self, dy):
        return self.result(dy)


@pytest.mark.parametrize('result, phrase', [
    (lambda dy: (dy, dy), 'expected 1, got 2'),
    (lambda dy: nd.ones((3,)), 'shape (3,)'),
    (lambda dy: dy.asnumpy(), 'must return NDArrays'),
])
def test_bad_backward_raises_and_leaves_gradients(result, phrase):
    x = nd.array([1, 2])
    x.attach_grad(grad_req='add')
    x.grad[:] = 5
    with ag.record():
        y = _Bad(result)(x) * 3
    with pytest.raises(mx.MXNetError, match=phrase.replace('(', r'\(').replace(')', r'\)')) as info:
        y.backward()
    assert '_Bad' in str(info.value)
    np.testing.assert_array_equal(x.grad.asnumpy(), [5, 5])


def test_forward_must_return_ndarrays():
    class F(ag.Function):
        def forward(self, x):
            return 3

        def backward(self, dy):
            return dy
    x = nd.ones((2,))
    x.attach_grad()
    with ag.record():
        with pytest.raises(mx.MXNetError, match='forward must return NDArrays'):
            F()(x)


def test_function_returning_its_input():
    # An output that is the input itself gets its own handle, so the input stays a leaf.
    class Identity(ag.Function):
        def forward(self, x):
            return x

        def backward(self, dy):
            return dy * 5
    x = nd.array([1, 2])
    x.attach_grad()
    with ag.record():
        y = Identity()(x)
        z = y * y
    z.backward()
    assert y is not x
    np.testing.assert_array_equal(x.grad.asnumpy(), 5 * 2 * np.array([1, 2]))


def test_mixed_grad_reqs_on_inputs():
    class Mul(ag.Function):
        def forward(self, a, b):
            self.save_for_backward(a, b)
            return a * b

        def backward(self, dy):
            a, b = self.saved_tensors
            return dy * b, dy * a
    a, b = nd.array([1, 2]), nd.array([3, 4])
    a.attach_grad(grad_req='null')
    b.attach_grad()
    with ag.record():
        y = Mul()(a, b)
    y.backward()
    np.testing.assert_array_equal(b.grad.asnumpy(), [1, 2])
    assert a.grad is None or not a.grad.asnumpy().any()
