"""Core behaviours found side by side with MXNet 1.9.1 (issue 6, part 5): integer and bool
scalar arithmetic, casts that wrap, -0.0 and NaN scalars, arange with integer dtypes,
asscalar, detach sharing memory, nd.array of a recorded array, NumPy 2 idioms, views that
copy nothing, waitall. Golden values: golden/gen_core.py (group core_gaps) -> core.json.
"""
import gc
import os
import subprocess
import sys
import weakref

import jax
import numpy as np
import pytest

import mxjax as mx
from golden.gen_core import check_case, golden, params
from mxjax.ndarray import registry

nd = mx.nd
GOLD = golden()


@pytest.mark.parametrize('name', params('core_gaps'))
def test_golden(name):
    check_case(name, mx, GOLD)


def test_scalar_cache_keeps_negative_zero_and_one_nan_entry():
    x = nd.array([1.0, -2.0])
    x * 0.0
    assert np.signbit((x * -0.0).asnumpy()).tolist() == [True, False]
    assert np.signbit((x * 0.0).asnumpy()).tolist() == [False, True]
    before = len(registry._SCALARS)
    for _ in range(50):
        x + float('nan')
    assert len(registry._SCALARS) <= before + 1


def test_integer_division_by_zero_gives_zero():
    # MXNet 1.9.1 dies with SIGFPE here; mxjax gives NumPy's 0 (docs/ops.md).
    x = nd.array([7, -7, 0], dtype='int32')
    z = nd.zeros((3,), dtype='int32')
    for r in (x / 0, x // 0, x % 0, x / z, nd.broadcast_div(x, z), x // z):
        assert r.asnumpy().tolist() == [0, 0, 0]
    assert (x / 2).asnumpy().tolist() == [3, -3, 0]  # truncation toward zero elsewhere


def test_np_array_is_a_writable_copy_and_copy_false_is_not_a_copy():
    x = nd.array([1.0, 2.0])
    a = np.array(x)
    a[0] = 9
    assert a.flags.writeable and x.asnumpy().tolist() == [1.0, 2.0]
    b = np.asarray(x, dtype=np.float64)
    assert b.dtype == np.float64 and b.tolist() == [1.0, 2.0]


def test_one_element_asnumpy_is_numpy_everywhere_else():
    a = nd.array([[2.5]]).asnumpy()
    assert isinstance(a, np.ndarray) and a.shape == (1, 1) and float(a) == 2.5
    assert (a + 1).tolist() == [[3.5]]
    with pytest.raises(TypeError):
        float(a + np.ones(3))  # a many-element result refuses, as NumPy does
    assert type(nd.array([1.0, 2.0]).asnumpy()) is np.ndarray


def test_views_copy_nothing_until_read():
    x = nd.ones((256, 256))
    live = len(jax.live_arrays())
    views = [x.reshape((65536,)) for _ in range(50)] + [x[i] for i in range(50)]
    assert len(jax.live_arrays()) <= live + 2  # no buffer per view
    assert views[0].shape == (65536,) and views[-1].shape == (256,)
    assert float(views[-1].sum().asscalar()) == 256.0


def test_a_view_does_not_keep_its_roots_old_buffer_alive():
    x = nd.ones((1000,))
    v = x[2:5]
    v.asnumpy()
    old = weakref.ref(x._buf)
    x[:] = 3.0
    gc.collect()
    assert old() is None
    assert v.asnumpy().tolist() == [3.0, 3.0, 3.0]


def test_waitall_waits_for_pending_work():
    a = nd.ones((1500, 1500))
    b = nd.dot(a, a)
    for _ in range(3):
        b = nd.dot(b, a) * 1e-3
    nd.waitall()
    assert type(b._buf) is not mx.lazy.Lazy or b._buf.value is not None  # computed, not queued
    assert b._data.is_ready()


def test_backward_lets_go_of_the_graphs_buffers_and_function_state():
    class Square(mx.autograd.Function):
        def forward(self, x):
            y = x * x
            self.save_for_backward(x, y)
            return y

        def backward(self, dy):
            x, _ = self.saved_tensors
            return 2 * x * dy

    x = nd.ones((1000,))
    x.attach_grad()
    with mx.autograd.record():
        h = nd.exp(x)
        saved = weakref.ref(h._buf)
        f = Square()
        loss = f(h).sum()
    kept = weakref.ref(f)
    del h, f
    loss.backward()
    gc.collect()
    # the loss is kept (for logging, say) but the intermediate buffers and the Function are not
    assert saved() is None and kept() is None
    np.testing.assert_allclose(x.grad.asnumpy()[:3], [2 * np.e ** 2] * 3, rtol=1e-5)


def test_a_loop_over_time_steps_compiles_once():
    """x[:, t] and slice_axis(begin=t) take t as a traced operand: no compile per t."""
    import jax.monitoring
    events = []
    jax.monitoring.register_event_duration_secs_listener(
        lambda name, secs, **kw: events.append(name) if 'compile' in name else None)
    data = np.arange(2 * 6 * 3, dtype=np.float32).reshape(2, 6, 3)
    x = nd.array(data)
    x.attach_grad()

    def step(t):
        with mx.autograd.record():
            y = (x[:, t] * 2).sum() + nd.slice_axis(x, axis=1, begin=t, end=t + 2).sum()
        y.backward()
        return y.asscalar()
    for t in range(2):
        step(t)
    events.clear()
    for t in range(2, 5):
        got = step(t)
        assert got == 2 * data[:, t].sum() + data[:, t:t + 2].sum()
        want = np.zeros_like(data)
        want[:, t] += 2
        want[:, t:t + 2] += 1
        np.testing.assert_array_equal(x.grad.asnumpy(), want)
    assert events == []


def test_softmax_output_out_grad_multiplies_by_the_head_gradient():
    # docs/ops.md: with out_grad=True mxjax scales (softmax - onehot) by the head gradient
    rs = np.random.RandomState(3)
    data, lab, head = rs.randn(4, 5), np.array([0, 2, 4, 1]), rs.rand(4, 5) + 0.5
    p = np.exp(data - data.max(1, keepdims=True))
    p /= p.sum(1, keepdims=True)
    onehot = np.eye(5)[lab]
    for out_grad, want in ((True, (p - onehot) * head), (False, p - onehot)):
        x = nd.array(data, dtype='float64')
        x.attach_grad()
        with mx.autograd.record():
            y = nd.SoftmaxOutput(x, nd.array(lab, dtype='float64'), out_grad=out_grad)
        y.backward(nd.array(head, dtype='float64'))
        np.testing.assert_allclose(y.asnumpy(), p, rtol=1e-12)
        np.testing.assert_allclose(x.grad.asnumpy(), want, rtol=1e-12)


def test_norm_out_dtype_other_than_the_input_casts():
    # MXNet 1.9.1 raises unless out_dtype equals the input's dtype (golden case above)
    x = nd.array([[1., 2.], [3., 4.]])
    r = nd.norm(x, out_dtype='float64')
    assert r.dtype == np.float64
    np.testing.assert_allclose(r.asnumpy(), [np.sqrt(30.0)], rtol=1e-6)


def test_new_clip_bounds_and_dropout_rates_compile_nothing():
    import jax.monitoring
    events = []
    jax.monitoring.register_event_duration_secs_listener(
        lambda name, secs, **kw: events.append(name) if 'compile' in name else None)
    x = nd.array(np.linspace(-2, 2, 12).reshape(3, 4))
    nd.clip(x, -1.0, 1.0).asnumpy()
    nd.Dropout(x, p=0.5, mode='always').asnumpy()
    events.clear()
    for lo, hi, p in ((-0.5, 0.25, 0.1), (0.0, 1.5, 0.9), (-3.0, -1.0, 0.3)):
        np.testing.assert_array_equal(nd.clip(x, lo, hi).asnumpy(),
                                      np.clip(x.asnumpy(), np.float32(lo), np.float32(hi)))
        out = nd.Dropout(x, p=p, mode='always').asnumpy()
        kept = out != 0
        np.testing.assert_allclose(out[kept], x.asnumpy()[kept] * np.float32(1) / (np.float32(1) - np.float32(p)),
                                   rtol=1e-6)
    assert events == []


def test_jax_takes_ndarrays():
    import jax.numpy as jnp
    data = np.array([[0.5, -1.0, 2.0], [3.0, 0.25, -0.5]], np.float32)
    x = nd.array(data)
    np.testing.assert_allclose(np.asarray(jnp.sin(x)), np.sin(data), rtol=1e-6)
    y = jax.jit(lambda a: a * 2 + 1)(x)  # an NDArray in, an NDArray out (a pytree)
    assert isinstance(y, nd.NDArray) and y.context == x.context
    np.testing.assert_allclose(y.asnumpy(), data * 2 + 1)
    z = jax.vmap(lambda a: nd.tanh(a))(x)
    np.testing.assert_allclose(z.asnumpy(), np.tanh(data), rtol=1e-6)
    g = jax.grad(lambda a: jnp.sum(a.as_jax() ** 3))(x)
    np.testing.assert_allclose(g.asnumpy(), 3 * data ** 2, rtol=1e-6)


def test_dlpack_consumers_share_memory():
    x = nd.array([1.0, 2.0, 3.0])
    a = np.from_dlpack(x)
    assert a.tolist() == [1.0, 2.0, 3.0]
    assert a.ctypes.data == x.as_jax().unsafe_buffer_pointer()  # no copy
    import jax.numpy as jnp
    b = nd.from_dlpack(jnp.arange(4.0))
    assert b.asnumpy().tolist() == [0.0, 1.0, 2.0, 3.0]
    with pytest.raises(TypeError):
        nd.from_dlpack([1, 2])


def test_mxjax_x64_off_leaves_jax_defaults_alone():
    # MXJAX_X64=0: import does not touch jax_enable_x64; float32 work gives the same numbers,
    # float64/int64 arrays hold float32/int32 (the documented trade-off)
    code = r'''
import os, warnings
warnings.simplefilter('error')   # mxjax itself asks for no unavailable 64-bit dtype
import jax, jax.numpy as jnp, numpy as np
import mxjax as mx
x64 = os.environ['MXJAX_X64'] == '1'
assert jax.config.jax_enable_x64 == x64
assert x64 or (jnp.arange(3).dtype == np.int32 and jnp.array([1.0]).dtype == np.float32)
nd, ag = mx.nd, mx.autograd
x = nd.array([[0.5, -1.0], [2.0, 3.0]])
x.attach_grad()
with ag.record():
    y = (nd.tanh(x) * 3 + x * x).sum() / 7
y.backward()
print(repr(y.asscalar()), x.grad.asnumpy().tolist(), (nd.array([1, 2]) * 2).dtype.__name__,
      nd.array([1.5], dtype='float64').dtype.__name__)
'''
    outs = []
    for x64 in ('0', '1'):
        r = subprocess.run([sys.executable, '-c', code], env=dict(os.environ, MXJAX_X64=x64),
                           capture_output=True, text=True)
        assert r.returncode == 0, r.stderr[-2000:]
        outs.append(r.stdout.split())
    off, on = outs
    assert off[:-1] == on[:-1]                   # the float32 numbers are the same
    assert off[-1] == 'float32' and on[-1] == 'float64'
