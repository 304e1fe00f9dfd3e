"""The fused backward (autograd/tape.py): the second time a graph structure is seen, its whole
backward runs as one jitted program. Every golden case that records a graph is run twice --
node by node, then fused -- and the two runs must agree; the golden tests themselves compare the
first run with MXNet 1.9.1, and the checks below compare the fused run with jax.grad."""
import jax
import jax.numpy as jnp
import numpy as np
import pytest

import mxjax as mx
from golden import gen_autograd_gaps, gen_core, gen_ops_linalg, gen_ops_nn, gen_ops_nn_extra
from mxjax.autograd import tape

nd, ag = mx.nd, mx.autograd
CORE = [n for g in ('autograd', 'function', 'core_gaps') for n in gen_core.names(g)]
# float32 cases only: the float64 ones take the same code paths (and double the compile time)
OPS = [(m, s) for m in (gen_ops_nn, gen_ops_nn_extra, gen_ops_linalg) for s in m.CASES
       if not s.get('raises') and s.get('grad') and s.get('dtype', 'float32') == 'float32']
GAPS = sorted(gen_autograd_gaps.CASES)


def _fused_programs():
    return sum(1 for v in tape._FUSED.values() if v is not tape._ONCE)


@pytest.mark.parametrize('name', CORE)
def test_core_case_twice(name):
    first = gen_core.run_case(name, mx)
    second = gen_core.run_case(name, mx)
    gen_core.compare(second, first)


@pytest.mark.parametrize('mod,spec', OPS, ids=['%s:%s' % (m.__name__[8:], s['name']) for m, s in OPS])
def test_op_case_twice(mod, spec):
    first = mod.run_case(mx, spec)
    before = _fused_programs()
    second = mod.run_case(mx, spec)
    assert sorted(first) == sorted(second)
    for k in first:
        a, b = np.asarray(first[k]), np.asarray(second[k])
        assert a.dtype == b.dtype and a.shape == b.shape, k
        rtol = 1e-5 if a.dtype in (np.float32, np.float16) else 1e-12
        np.testing.assert_allclose(b, a, rtol=rtol, atol=rtol, err_msg=k)
    assert _fused_programs() >= before  # (a case may reuse a structure fused earlier)


@pytest.mark.parametrize('name', GAPS)
def test_autograd_gaps_case_twice(name):
    first = gen_autograd_gaps.run_case(mx, name)
    second = gen_autograd_gaps.run_case(mx, name)
    assert sorted(first) == sorted(second), name
    for k in first:
        if k == 'error':
            assert first[k][0] == second[k][0], (name, first[k], second[k])
            continue
        a, b = np.asarray(first[k]), np.asarray(second[k])
        assert a.dtype == b.dtype and a.shape == b.shape, (name, k)
        np.testing.assert_allclose(b, a, rtol=1e-6, atol=1e-6, err_msg='%s/%s' % (name, k))


def test_cases_did_run_fused():
    assert _fused_programs() > 20


def _mlp_step(params, x, y):
    with ag.record():
        h = nd.relu(nd.FullyConnected(x, params[0], params[1], num_hidden=8))
        out = nd.FullyConnected(h, params[2], params[3], num_hidden=3)
        loss = -nd.pick(nd.log_softmax(out), y).mean()
    loss.backward()
    return [p.grad.asnumpy().copy() for p in params]


def test_mlp_gradients_equal_jax_grad_every_step():
    rs = np.random.RandomState(0)
    raw = [rs.randn(8, 5), rs.randn(8), rs.randn(3, 8), rs.randn(3)]
    params = [nd.array(p) for p in raw]
    for p in params:
        p.attach_grad()
    x, y = rs.randn(4, 5), np.array([0, 2, 1, 2])

    def loss(ps):
        h = jax.nn.relu(x @ ps[0].T + ps[1])
        out = h @ ps[2].T + ps[3]
        return -jnp.mean(jax.nn.log_softmax(out)[jnp.arange(4), y])
    want = jax.grad(loss)([jnp.asarray(p, jnp.float32) for p in raw])
    n0 = _fused_programs()
    for step in range(3):
        got = _mlp_step(params, nd.array(x), nd.array(y))
        for g, w in zip(got, want):
            np.testing.assert_allclose(g, np.asarray(w), rtol=1e-5, atol=1e-6)
    assert _fused_programs() == n0 + 1  # steps 2 and 3 ran one fused program


def test_fused_backward_frees_the_graph_and_keeps_it_with_retain_graph():
    x = nd.array([1.0, 2.0])
    x.attach_grad()
    for _ in range(2):
        with ag.record():
            y = (nd.exp(x) * x).sum()
        y.backward(retain_graph=True)
        y.backward()
        with pytest.raises(mx.MXNetError, match='not in a computational graph'):
            y.backward()
    np.testing.assert_allclose(x.grad.asnumpy(), np.exp([1.0, 2.0]) * (1 + np.array([1.0, 2.0])), rtol=1e-6)


def test_fused_integer_gradients_and_grad_req_add():
    for _ in range(3):
        a = nd.array([1, 2, 3], dtype='int32')
        a.attach_grad(grad_req='add')
        for _ in range(2):
            with ag.record():
                z = (a * 3 + a).sum()
            z.backward()
        assert a.grad.asnumpy().tolist() == [8, 8, 8] and a.grad.dtype == np.int32


def test_a_variable_as_its_own_head_gets_ones_of_its_shape_every_time():
    # MXNet 1.9.1: x.backward() on a marked variable writes ones of x's shape and dtype
    x = nd.array([[1., 2.], [3., 4.]], dtype='float64')
    x.attach_grad()
    for _ in range(3):
        x.backward()
        assert x.grad.shape == (2, 2) and x.grad.dtype == np.float64
        assert x.grad.asnumpy().tolist() == [[1.0, 1.0], [1.0, 1.0]]
