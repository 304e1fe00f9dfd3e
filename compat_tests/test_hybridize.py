"""HybridBlock.hybridize(): the block runs as one compiled op on the tape (MXNet's CachedOp).

The op-by-op forward is checked against MXNet 1.9.1 in test_gluon.py (every layer is also run
hybridized there, against the same golden values); here: a training loop hybridized equals the
op-by-op one at every step (BatchNorm's running statistics included), Dropout draws anew per
call and its backward replays the same mask, higher-order gradients, deferred shapes, and a
seen signature compiles nothing while a new shape compiles once."""
import numpy as np
import pytest

import mxjax as mx
from mxjax import autograd, gluon, nd


def _net(hybridize, in_units=5):
    gluon.block._NAMES.counter.clear()
    net = gluon.nn.HybridSequential()
    with net.name_scope():
        net.add(gluon.nn.Dense(8, activation='tanh', in_units=in_units), gluon.nn.BatchNorm(),
                gluon.nn.Dropout(0.0), gluon.nn.Dense(3))
    net.initialize(mx.init.Xavier())
    if hybridize:
        net.hybridize()
    return net


def _set(net, x):
    net(x)  # deferred shapes
    rs = np.random.RandomState(0)
    for k, p in sorted(net.collect_params().items()):
        p.set_data(rs.uniform(0.5 if 'var' in k else -1, 1, p.shape))


def test_a_hybridized_training_loop_equals_the_op_by_op_one():
    x = nd.array(np.random.RandomState(1).rand(6, 5))
    y = nd.array([0, 1, 2, 1, 0, 2])
    runs = []
    for hyb in (False, True):
        net = _net(hyb, in_units=0)
        _set(net, x)
        trainer = gluon.Trainer(net.collect_params(), 'sgd', {'learning_rate': 0.1, 'momentum': 0.9})
        loss_fn = gluon.loss.SoftmaxCrossEntropyLoss()
        losses = []
        for _ in range(4):
            with autograd.record():
                loss = loss_fn(net(x), y)
            loss.backward()
            trainer.step(6)
            losses.append(loss.asnumpy())
        runs.append((losses, {k.split('_', 1)[1]: p.data().asnumpy() for k, p in net.collect_params().items()},
                     net(x).asnumpy()))
    (l0, p0, o0), (l1, p1, o1) = runs
    np.testing.assert_allclose(l1, l0, rtol=1e-5, atol=1e-6)
    assert sorted(p0) == sorted(p1)
    for k in p0:  # weights and BatchNorm's running statistics alike
        np.testing.assert_allclose(p1[k], p0[k], rtol=1e-5, atol=1e-6, err_msg=k)
    np.testing.assert_allclose(o1, o0, rtol=1e-5, atol=1e-6)


def test_dropout_draws_anew_per_call_and_its_backward_replays_the_mask():
    block = gluon.nn.HybridSequential()
    block.add(gluon.nn.Dropout(0.5))
    block.initialize()
    block.hybridize()
    x = nd.ones((4, 50))
    x.attach_grad()
    with autograd.record():
        a = block(x)
        b = block(x)
    a.backward()
    a, b = a.asnumpy(), b.asnumpy()
    assert set(np.unique(a)) <= {0.0, 2.0} and not np.array_equal(a, b)
    np.testing.assert_array_equal(x.grad.asnumpy(), a)   # d(x * mask * 2)/dx = mask * 2 = a for x = 1
    np.testing.assert_array_equal(block(x).asnumpy(), x.asnumpy())  # predict mode: identity


def test_second_order_gradients_through_a_hybridized_block():
    xs = np.random.RandomState(2).rand(3, 4)
    got = []
    for hyb in (False, True):
        gluon.block._NAMES.counter.clear()
        net = gluon.nn.Dense(2, activation='tanh', in_units=4)
        net.initialize(mx.init.Constant(0.3))
        if hyb:
            net.hybridize()
        x = nd.array(xs)
        x.attach_grad()
        with autograd.record():
            y = net(x)
            g = autograd.grad(y, [x], create_graph=True)[0]
            z = (g * g).sum()
        z.backward()
        got.append((g.asnumpy(), x.grad.asnumpy()))
    # independent: the same function in JAX
    import jax
    import jax.numpy as jnp
    w = jnp.full((2, 4), 0.3, jnp.float32)

    def first(x):
        return jax.grad(lambda x: jnp.sum(jnp.tanh(x @ w.T)))(x)  # bias: its own initializer, zeros
    xj = jnp.asarray(xs, jnp.float32)
    want_g = first(xj)
    want_gg = jax.grad(lambda x: jnp.sum(first(x) ** 2))(xj)
    for g, gg in got:
        np.testing.assert_allclose(g, want_g, rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(gg, want_gg, rtol=1e-4, atol=1e-6)


def test_a_seen_signature_compiles_nothing_and_a_new_shape_compiles_once():
    import jax.monitoring
    events = []
    jax.monitoring.register_event_duration_secs_listener(
        lambda name, secs, **kw: events.append(name) if name.endswith('backend_compile_duration') else None)
    net = _net(True)
    x = nd.array(np.random.RandomState(3).rand(4, 5))
    for _ in range(3):   # first call compiles; the queue compiles its program at the second sighting
        with autograd.record():
            y = net(x)
        y.backward()
        y.asnumpy()
    entries = len(net._cached_op)
    events.clear()
    for _ in range(3):
        with autograd.record():
            y = net(x)
        y.backward()
        y.asnumpy()
    assert events == [] and len(net._cached_op) == entries
    with autograd.record():
        net(nd.ones((7, 5))).backward()
    assert len(net._cached_op) == entries + 1


def test_inputs_on_two_contexts_are_refused_and_constants_pass_through():
    class Scale(gluon.HybridBlock):
        def hybrid_forward(self, F, x, y=None, k=2.0):
            return x * k if y is None else (x + y) * k
    b = Scale()
    b.initialize()
    b.hybridize()
    x = nd.array([1.0, 2.0])
    np.testing.assert_allclose(b(x).asnumpy(), [2.0, 4.0])
    np.testing.assert_allclose(b(x, None, 3.0).asnumpy(), [3.0, 6.0])
    np.testing.assert_allclose(b(x, x).asnumpy(), [4.0, 8.0])
    with pytest.raises(ValueError, match='multiple contexts'):
        b(x, nd.array([1.0, 2.0], ctx=mx.cpu(1)))
