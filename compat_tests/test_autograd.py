"""mx.autograd: states and scopes, backward/grad, grad_req, errors, higher order, get_symbol.

Golden behaviours come from real MXNet 1.9.1 (golden/gen_core.py -> golden/core.json);
gradients MXNet cannot compute are checked against jax.grad of the plain function.
"""
import jax
import jax.numpy as jnp
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import mxjax as mx
from golden.gen_core import check_case, golden, params, run_case

nd = mx.nd
ag = mx.autograd
GOLD = golden()

XFAIL = {}
# Where mxjax deliberately does better than MXNet: checked below against an independent value.
DIFFERS = ('ag_second_order',)


@pytest.mark.parametrize('name', params('autograd', XFAIL, skip=DIFFERS))
def test_golden(name):
    check_case(name, mx, GOLD)


# ------------------------------------------------------------------ higher order (MXNet raises)
def test_second_order_where_mxnet_raises():
    want = GOLD['ag_second_order']['result']
    assert want['t'] == 'error' and 'non-differentiable' in want['message']  # MXNet 1.9.1 cannot
    got = run_case('ag_second_order', mx)
    v = np.array([0.5, 1, 2], np.float32)

    def f(x):
        return x * x * x + jnp.sin(x)
    df = jax.vmap(jax.grad(f))
    dy = df(v)
    # z = sum(dy^2): dz/dx = 2 dy f''(x)
    dz = 2 * dy * jax.vmap(jax.grad(lambda x: jax.grad(f)(x)))(v)
    np.testing.assert_allclose(got[0]['data'], dy, rtol=1e-5)
    np.testing.assert_allclose(got[1]['data'], dz, rtol=1e-5)


def test_third_derivative_of_tanh_by_repeated_create_graph():
    v = np.array([-1.5, -0.3, 0.0, 0.7, 2.0], np.float32)
    x = nd.array(v)
    x.attach_grad()
    with ag.record():
        y = nd.tanh(x)
        d1 = ag.grad(y, [x], create_graph=True)[0]
        d2 = ag.grad(d1, [x], create_graph=True)[0]
    d2.backward()
    f1 = jax.grad(jnp.tanh)
    f2 = jax.grad(f1)
    f3 = jax.grad(f2)
    np.testing.assert_allclose(d1.asnumpy(), jax.vmap(f1)(v), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(d2.asnumpy(), jax.vmap(f2)(v), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(x.grad.asnumpy(), jax.vmap(f3)(v), rtol=1e-4, atol=1e-5)


def test_second_derivative_of_sum_tanh_cubed():
    v = np.linspace(-2, 2, 7).astype(np.float32)
    x = nd.array(v)
    x.attach_grad()
    with ag.record():
        y = (nd.tanh(x) ** 3).sum()
        g = ag.grad(y, [x], create_graph=True)[0]
    g.backward()
    f = jax.grad(lambda a: jnp.sum(jnp.tanh(a) ** 3))
    np.testing.assert_allclose(g.asnumpy(), f(v), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(x.grad.asnumpy(), jnp.diag(jax.hessian(lambda a: jnp.sum(jnp.tanh(a) ** 3))(v)),
                               rtol=1e-4, atol=1e-5)


# ------------------------------------------------------------------ mutation never corrupts a gradient
def test_mutating_inputs_after_recording_keeps_gradients():
    # MXNet would read the overwritten values in backward; mxjax's tape keeps the recorded ones.
    x = nd.array([1, 2, 3])
    c = nd.array([4, 5, 6])
    x.attach_grad()
    with ag.record():
        y = x * x * c
    x[:] = 10
    c[:] = 0
    y.backward()
    np.testing.assert_array_equal(x.grad.asnumpy(), 2 * np.array([1, 2, 3]) * np.array([4, 5, 6]))


def test_mutating_a_view_base_after_recording_keeps_gradients():
    x = nd.arange(6).reshape((2, 3))
    x.attach_grad()
    with ag.record():
        y = x[1] * x[1]
    x += 100
    y.backward()
    np.testing.assert_array_equal(x.grad.asnumpy(), [[0, 0, 0], [6, 8, 10]])


# ------------------------------------------------------------------ .grad handle
def test_grad_is_the_same_object_every_time():
    # MXNet returns a new handle per access (sharing memory); mxjax returns the same object.
    x = nd.array([1, 2])
    assert x.grad is None
    x.attach_grad()
    g = x.grad
    assert x.grad is g
    with ag.record():
        y = x * 3
    y.backward()
    assert x.grad is g
    np.testing.assert_array_equal(g.asnumpy(), [3, 3])
    g[:] = 0
    np.testing.assert_array_equal(x.grad.asnumpy(), [0, 0])


@settings(max_examples=10, deadline=None)
@given(st.integers(1, 4), st.lists(st.floats(-3, 3, width=32), min_size=3, max_size=3))
def test_grad_req_add_accumulates_every_backward(k, vals):
    v = np.array(vals, np.float32)
    x = nd.array(v)
    x.attach_grad(grad_req='add')
    for _ in range(k):
        with ag.record():
            y = nd.exp(x) * x
        y.backward()
    np.testing.assert_allclose(x.grad.asnumpy(), k * (np.exp(v) * v + np.exp(v)), rtol=1e-5, atol=1e-5)


# ------------------------------------------------------------------ bad input leaves gradients unchanged
def test_head_grad_of_wrong_shape_raises_and_leaves_gradients():
    # MXNet 1.9.1 silently accepts a head gradient of the wrong shape; mxjax refuses it.
    x = nd.array([1, 2, 3])
    x.attach_grad()
    x.grad[:] = 7
    with ag.record():
        y = x * x
    with pytest.raises(mx.MXNetError, match='shape'):
        y.backward(nd.array([1, 2]))
    np.testing.assert_array_equal(x.grad.asnumpy(), [7, 7, 7])
    y.backward()  # the failed call did not free the graph
    np.testing.assert_array_equal(x.grad.asnumpy(), [2, 4, 6])


def test_backward_over_freed_graph_leaves_gradients():
    x = nd.array([1, 2])
    x.attach_grad(grad_req='add')
    with ag.record():
        y = x * x
    y.backward()
    with pytest.raises(mx.MXNetError, match='retain_graph=True'):
        y.backward()
    np.testing.assert_array_equal(x.grad.asnumpy(), [2, 4])


def test_heads_and_head_grads_counts_must_match():
    x = nd.array([1, 2])
    x.attach_grad()
    with ag.record():
        y = x * 2
    with pytest.raises(ValueError):
        ag.backward([y], [nd.ones((2,)), nd.ones((2,))])


# ------------------------------------------------------------------ Dropout replays its mask
@pytest.mark.parametrize('p', [0.3, 0.5, 0.8])
def test_dropout_backward_replays_the_mask(p):
    mx.random.seed(7)
    x = nd.ones((400,))
    x.attach_grad()
    with ag.record():
        y = nd.Dropout(x, p=p)
    y.backward()
    scale = np.float32(1) / (np.float32(1) - np.float32(p))  # MXNet's float32 arithmetic
    out = y.asnumpy()
    assert set(np.unique(out)) <= {0, scale}
    kept = out != 0
    assert 0 < kept.sum() < out.size
    np.testing.assert_array_equal(x.grad.asnumpy(), np.where(kept, scale, 0).astype(np.float32))


def test_dropout_is_identity_when_predicting():
    x = nd.arange(5)
    with ag.record(train_mode=False):
        y = nd.Dropout(x, p=0.5)
    np.testing.assert_array_equal(y.asnumpy(), x.asnumpy())
    np.testing.assert_array_equal(nd.Dropout(x, p=0.9).asnumpy(), x.asnumpy())


# ------------------------------------------------------------------ get_symbol
def test_get_symbol_names_a_fresh_graph_like_mxnet():
    # In a fresh MXNet process the doc graph below is named var0, node_0 ... (golden ag_get_symbol
    # removes MXNet's process-wide counters; mxjax numbers each graph from 0).
    x = nd.array([[1, 2], [3, 4]])
    x.attach_grad()
    with ag.record():
        z = ((nd.exp(x) + x * 2) * nd.ones((2, 2))).sum()
    s = ag.get_symbol(z)
    assert s.list_arguments() == ['var0', 'null1']
    assert s.list_outputs() == ['node_4_output']
    assert '"attrs": {"scalar": "2.0"}' in s.tojson()


def test_recording_and_training_state_is_per_thread():
    """As in MXNet, record()/train_mode() in one thread do not leak into another."""
    import threading
    seen = {}

    def worker():
        seen['rec'], seen['train'] = ag.is_recording(), ag.is_training()
        with ag.record():
            seen['inner'] = (ag.is_recording(), ag.is_training())

    with ag.record():
        t = threading.Thread(target=worker)
        t.start()
        t.join()
        assert ag.is_recording() and ag.is_training()
    assert seen == {'rec': False, 'train': False, 'inner': (True, True)}
    assert not ag.is_recording() and not ag.is_training()


def test_backward_in_threads_gives_each_its_own_gradient():
    import threading
    xs = [nd.array([float(i + 1)]) for i in range(4)]
    for x in xs:
        x.attach_grad()

    def worker(x):
        for _ in range(20):
            with ag.record():
                y = x * x * x
            y.backward()

    ts = [threading.Thread(target=worker, args=(x,)) for x in xs]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    for i, x in enumerate(xs):
        assert x.grad.asnumpy()[0] == 3 * (i + 1) ** 2


def test_repeated_step_never_traces_or_compiles_again():
    """DESIGN: forward and backward of each op, and a repeated graph's fused backward, are jitted
    once per (op or graph, attrs, shapes) and cached."""
    import jax.monitoring
    events = []
    jax.monitoring.register_event_duration_secs_listener(
        lambda name, secs, **kw: events.append(name) if 'trace' in name or 'compile' in name else None)
    x = nd.array(np.linspace(-1, 1, 6).reshape(2, 3))
    w = nd.array(np.ones((4, 3)))
    for p in (x, w):
        p.attach_grad()

    def step():
        with ag.record():
            y = nd.FullyConnected(nd.tanh(x) * 2 + 1, w, num_hidden=4, no_bias=True)
            z = nd.log_softmax(y).sum()
        z.backward()
        w[:] = w - 0.1 * w.grad
        return z.asnumpy()
    step()
    step()  # the second sighting of the graph compiles its fused backward (autograd/tape.py)
    events.clear()
    step()
    step()
    assert events == []
