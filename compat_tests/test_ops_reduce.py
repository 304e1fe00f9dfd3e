"""Golden tests of the reduce operators against MXNet 1.9.1 (see golden/gen_ops_shape_reduce.py)."""
import os
import sys

import pytest

import mxjax as mx

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), 'golden'))
import gen_ops_shape_reduce as golden  # noqa: E402

CASES, ARRAYS = golden.load('reduce')


@pytest.mark.parametrize('i,case', golden.params(CASES))
def test_golden(i, case):
    golden.check(mx, i, case, ARRAYS)


# ---------------------------------------------------------------- independent references
import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402
import numpy as np  # noqa: E402
from hypothesis import given, settings, strategies as st  # noqa: E402

nd = mx.nd


@st.composite
def reduction_case(draw):
    ndim = draw(st.integers(1, 4))
    shape = tuple(draw(st.lists(st.integers(1, 4), min_size=ndim, max_size=ndim)))
    axes = draw(st.lists(st.integers(-ndim, ndim - 1), unique_by=lambda a: a % ndim, max_size=ndim))
    axis = None if draw(st.booleans()) and not axes else (axes[0] if len(axes) == 1 and draw(st.booleans())
                                                            else tuple(axes))
    return shape, axis, draw(st.booleans()), draw(st.booleans()), draw(st.integers(0, 2 ** 31 - 1))


def _np_axes(ndim, axis, exclude):
    if axis is None or axis == ():
        return tuple(range(ndim))
    ax = {a % ndim for a in ((axis,) if isinstance(axis, int) else axis)}
    return tuple(sorted(set(range(ndim)) - ax if exclude else ax))


def _mx_shape(shape, axes, keepdims):
    if keepdims:
        return tuple(1 if i in axes else s for i, s in enumerate(shape))
    return tuple(s for i, s in enumerate(shape) if i not in axes) or (1,)


@settings(max_examples=8, deadline=None)
@given(reduction_case())
def test_reductions_match_numpy_and_gradients(case):
    shape, axis, keepdims, exclude, seed = case
    rs = np.random.RandomState(seed)
    xv = rs.randint(-2, 3, size=shape).astype(np.float32)  # small ints: ties for max/min
    axes = _np_axes(len(shape), axis, exclude)
    out_shape = _mx_shape(shape, axes, keepdims)
    for name, ref in [('sum', np.sum), ('mean', np.mean), ('max', np.max), ('min', np.min),
                      ('prod', np.prod)]:
        x = nd.array(xv)
        x.attach_grad()
        g = rs.randn(*out_shape).astype(np.float32)
        with mx.autograd.record():
            y = getattr(nd, name)(x, axis=axis, keepdims=keepdims, exclude=exclude)
        y.backward(nd.array(g))
        want = ref(xv.astype(np.float64), axis=axes, keepdims=True)
        assert y.shape == out_shape and y.dtype == np.float32
        np.testing.assert_allclose(y.asnumpy(), want.reshape(out_shape), rtol=1e-5, atol=1e-5)
        gk = g.reshape(want.shape)
        if name == 'sum':
            gw = np.broadcast_to(gk, shape)
        elif name == 'mean':
            gw = np.broadcast_to(gk, shape) / (xv.size / max(want.size, 1))
        elif name in ('max', 'min'):
            gw = np.where(xv == want, gk, 0)  # every tied element gets the full gradient
        else:
            with np.errstate(divide='ignore', invalid='ignore'):
                gw = gk * want / xv
        np.testing.assert_allclose(x.grad.asnumpy(), gw, rtol=1e-5, atol=1e-5)


@settings(max_examples=5, deadline=None)
@given(reduction_case())
def test_norm_and_nan_reductions_vs_jax(case):
    shape, axis, keepdims, _, seed = case
    rs = np.random.RandomState(seed)
    xv = (rs.randn(*shape) + 0.1).astype(np.float32)
    axes = _np_axes(len(shape), axis, False)
    out_shape = _mx_shape(shape, axes, keepdims)
    g = rs.randn(*out_shape).astype(np.float32)
    refs = {
        ('norm', 1): lambda v: jnp.sum(jnp.abs(v), axis=axes),
        ('norm', 2): lambda v: jnp.sqrt(jnp.sum(v * v, axis=axes)),
        ('nansum', None): lambda v: jnp.sum(v, axis=axes),
    }
    for (name, order), f in refs.items():
        x = nd.array(xv)
        x.attach_grad()
        kw = {} if order is None else {'ord': order}
        with mx.autograd.record():
            y = getattr(nd, name)(x, axis=axis, keepdims=keepdims, **kw)
        y.backward(nd.array(g))
        want, pull = jax.vjp(f, jnp.asarray(xv))
        np.testing.assert_allclose(y.asnumpy(), np.asarray(want).reshape(out_shape), rtol=1e-5, atol=1e-5)
        np.testing.assert_allclose(x.grad.asnumpy(), np.asarray(pull(jnp.asarray(g).reshape(want.shape))[0]),
                                   rtol=1e-4, atol=1e-5)


def test_argmax_argmin_nan_and_dtype():
    x = nd.array([1, np.nan, 3])
    assert nd.argmax(x).asnumpy().tolist() == [1.0]  # NaN counts as the largest, like MXNet
    assert nd.argmin(x).asnumpy().tolist() == [1.0]
    xi = nd.array([[1, 5], [7, 2]], dtype='int32')
    r = nd.argmax(xi, axis=1)
    assert r.dtype == np.int32 and r.asnumpy().tolist() == [1, 0]
    assert nd.argmax(nd.ones((2, 3)), keepdims=True).shape == (1, 1)


def test_int_norm_quirk():
    # MXNet computes the integer L2 norm as int(max|x| * sqrt(count of |x| == max)).
    for v, want in [([3, 4], 4), ([2, 2], 2), ([3, 3, 3], 5), ([7, 7, 2, 7], 12), ([0, 0], 0)]:
        assert nd.norm(nd.array(v, dtype='int32')).asnumpy().tolist() == [want]


def test_norm_no_overflow_and_inf():
    assert nd.norm(nd.array([3e20, 4e20])).asnumpy()[0] == np.float32(5e20)
    assert nd.norm(nd.array([1, np.inf])).asnumpy()[0] == np.inf
    assert np.isnan(nd.norm(nd.array([1, np.nan])).asnumpy()[0])


def _second_order(f_mx, f_jax, xv, w):
    """d/dx sum(w * d/dx sum(f(x))) through autograd.grad(create_graph=True) vs jax."""
    x = nd.array(xv)
    x.attach_grad()
    with mx.autograd.record():
        y = f_mx(x)
        (gx,) = mx.autograd.grad(y, [x], create_graph=True)
        z = (gx * nd.array(w)).sum()
    z.backward()
    first = jax.grad(lambda v: jnp.sum(f_jax(v)))
    want = jax.grad(lambda v: jnp.sum(first(v) * w))(jnp.asarray(xv))
    np.testing.assert_allclose(gx.asnumpy(), np.asarray(first(jnp.asarray(xv))), rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(x.grad.asnumpy(), np.asarray(want), rtol=1e-4, atol=1e-4)


def test_second_order_reductions():
    rs = np.random.RandomState(3)
    xv = rs.uniform(0.5, 1.5, size=(3, 4)).astype(np.float32)
    w = rs.randn(3, 4).astype(np.float32)
    _second_order(lambda x: nd.norm(x, axis=1) ** 3, lambda v: jnp.sqrt(jnp.sum(v * v, axis=1)) ** 3, xv, w)
    _second_order(lambda x: nd.prod(x, axis=0), lambda v: jnp.prod(v, axis=0), xv, w)
    _second_order(lambda x: nd.mean(x * x * x, axis=1, keepdims=True),
                  lambda v: jnp.mean(v ** 3, axis=1), xv, w)
    _second_order(lambda x: nd.max(x, axis=1) * nd.sum(x * x, axis=1),
                  lambda v: jnp.max(v, axis=1) * jnp.sum(v * v, axis=1), xv, w)
