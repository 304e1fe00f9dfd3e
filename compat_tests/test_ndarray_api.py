"""The NDArray API: creation, attributes, conversion, contexts, operators and dtype rules.

Golden values come from real MXNet 1.9.1 (golden/gen_core.py -> golden/core.json); the rest
is checked against NumPy or raw JAX.
"""
import jax
import jax.numpy as jnp
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import mxjax as mx
from golden.gen_core import CASES, check_case, golden, params

nd = mx.nd
GOLD = golden()

XFAIL = {}


@pytest.mark.parametrize('name', params('ndarray_api', XFAIL))
def test_golden(name):
    check_case(name, mx, GOLD)


def test_golden_file_matches_cases():
    # core.json is regenerated from gen_core.py; a case without a golden entry is a stale file.
    assert sorted(GOLD) == sorted(CASES)


# ------------------------------------------------------------------ dtype rules
def test_default_dtype_is_float32_never_float64():
    # jax x64 is on (for float64/int64 arrays); MXNet's default stays float32 everywhere.
    for x in (nd.array([1, 2]), nd.array(np.array([1.5])), nd.zeros(2), nd.ones((2,)), nd.full((2,), 3),
              nd.arange(3), nd.array([1, 2]) * 2.5, 1.5 + nd.ones((2,)), nd.ones((2,)) / 3,
              nd.ones((2,)) ** 0.5, nd.ones((2,)) > 0.5, -nd.ones((2,)), nd.exp(nd.ones((2,)))):
        assert x.dtype == np.float32, x
        assert x.as_jax().dtype == jnp.float32


def test_int_array_with_float_scalar_keeps_dtype():
    x = nd.array([1, 2, 3], dtype='int32')
    for y, want in ((x + 0.7, [1, 2, 3]), (x * 1.5, [1, 2, 3]), (x / 2.0, [0, 1, 1]), (x - 0.5, [1, 2, 3])):
        assert y.dtype == np.int32
        np.testing.assert_array_equal(y.asnumpy(), want)


@pytest.mark.parametrize('dtype', ['float32', 'float64', 'int32', 'int64'])
def test_floordiv_matches_numpy(dtype):
    # MXNet 1.9.1's NDArray has no `//`; mxjax adds it with NumPy's floor-division meaning.
    a = np.array([7, -7, 6, -5], dtype=dtype)
    b = np.array([2, 2, -4, 3], dtype=dtype)
    x, y = nd.array(a, dtype=dtype), nd.array(b, dtype=dtype)
    np.testing.assert_array_equal((x // y).asnumpy(), a // b)
    np.testing.assert_array_equal((x // 3).asnumpy(), (a // np.array(3, dtype)).astype(dtype))
    assert (x // y).dtype == np.dtype(dtype)


# A few shapes only: each new shape is a new XLA compile, and values are what vary.
_shapes = st.sampled_from([(4,), (2, 3), (2, 1, 3)])
_partner = {(4,): [(4,), (1,)], (2, 3): [(2, 3), (1, 3), (2, 1)], (2, 1, 3): [(2, 1, 3), (1, 4, 3)]}


@settings(max_examples=20, deadline=None)
@given(st.data())
def test_binary_operators_match_numpy(data):
    shape = data.draw(_shapes)
    a = data.draw(hnp.arrays(np.float32, shape, elements=st.floats(-10, 10, width=32)))
    b = data.draw(hnp.arrays(np.float32, st.sampled_from(_partner[shape]), elements=st.floats(0.5, 10, width=32)))
    x, y = nd.array(a), nd.array(b)
    for got, want in ((x + y, a + b), (x - y, a - b), (x * y, a * b), (x / y, a / b),
                      (y - x, b - a), (x == y, (a == b).astype(np.float32)),
                      (x < y, (a < b).astype(np.float32)), (x >= y, (a >= b).astype(np.float32))):
        assert got.dtype == np.float32
        np.testing.assert_allclose(got.asnumpy(), want, rtol=1e-6, atol=1e-6)


@settings(max_examples=20, deadline=None)
@given(hnp.arrays(np.float32, _shapes, elements=st.floats(-10, 10, width=32)),
       st.floats(-4, 4, width=32).filter(lambda s: abs(s) > 0.1))
def test_scalar_operators_match_numpy(a, s):
    x = nd.array(a)
    s32 = np.float32(s)
    for got, want in ((x + s, a + s32), (s + x, s32 + a), (x - s, a - s32), (s - x, s32 - a), (x * s, a * s32),
                      (x / s, a / s32), (s / (abs(x) + 1), s32 / (np.abs(a) + 1)), (-x, -a), (abs(x), np.abs(a))):
        assert got.dtype == np.float32
        np.testing.assert_allclose(got.asnumpy(), want, rtol=1e-5, atol=1e-5)


@settings(max_examples=20, deadline=None)
@given(hnp.arrays(np.float32, _shapes, elements=st.floats(-10, 10, width=32)), st.floats(0.5, 3, width=32))
def test_inplace_operators_keep_identity_and_match_numpy(a, s):
    x = nd.array(a)
    ident = x
    want = a.copy()
    x += s
    want += np.float32(s)
    x *= s
    want *= np.float32(s)
    x -= nd.array(a)
    want -= a
    x /= s
    want /= np.float32(s)
    assert x is ident
    np.testing.assert_allclose(x.asnumpy(), want, rtol=1e-5, atol=1e-5)


def test_failed_op_leaves_arrays_unchanged():
    x = nd.array([1, 2])
    with pytest.raises(mx.MXNetError):
        x += nd.ones((3,))
    np.testing.assert_array_equal(x.asnumpy(), [1, 2])
    with pytest.raises(mx.MXNetError):
        nd.ones((2, 3)) * nd.ones((2, 2))


# ------------------------------------------------------------------ interop with JAX and NumPy
def test_as_jax_and_from_jax():
    x = nd.array([[1, 2], [3, 4]])
    j = x.as_jax()
    assert isinstance(j, jax.Array) and j.dtype == jnp.float32
    np.testing.assert_array_equal(np.asarray(j), [[1, 2], [3, 4]])
    x[0, 0] = 10  # the handle is rebound; the jax.Array seen before never changes
    assert float(j[0, 0]) == 1
    y = nd.from_jax(jnp.arange(3, dtype=jnp.int32))
    assert y.dtype == np.int32 and y.context == mx.cpu(0)
    np.testing.assert_array_equal((y * 2).asnumpy(), [0, 2, 4])
    z = nd.from_jax(jnp.ones((2,)), ctx=mx.cpu(1))
    assert z.context == mx.cpu(1)
    with pytest.raises(TypeError):
        nd.from_jax(np.ones(2))


def test_numpy_protocol():
    x = nd.array([[1, 2], [3, 4]], dtype='int32')
    a = np.asarray(x)
    assert a.dtype == np.int32 and a.shape == (2, 2)
    np.testing.assert_array_equal(np.array(x, dtype=np.float64), [[1, 2], [3, 4]])
    n = x.asnumpy()
    n[0, 0] = 7  # asnumpy is a writable copy
    assert x.asnumpy()[0, 0] == 1


def test_wait_and_tostype():
    x = nd.ones((3,))
    x.wait_to_read()
    nd.waitall()
    y = x.tostype('default')
    y[0] = 5
    assert x.asnumpy()[0] == 1
    with pytest.raises(mx.MXNetError):
        x.tostype('csr')


def test_contexts_map_to_jax_devices():
    assert mx.cpu(0).jax_device.platform == 'cpu'
    x = nd.zeros((2,), ctx=mx.cpu(5))
    assert x.context == mx.cpu(5) and str(x.context) == 'cpu(5)'
    assert x.as_jax().devices() == {mx.cpu(0).jax_device}
    if mx.num_gpus() == 0:
        with pytest.raises(mx.MXNetError, match='gpu'):
            nd.ones((2,), ctx=mx.gpu(0))


def test_bad_creation_arguments():
    with pytest.raises(mx.MXNetError, match='dtype'):
        nd.zeros((2,), dtype='complex64')
    with pytest.raises(mx.MXNetError, match='shape'):
        nd.ones((2, -1))


def test_int_division_broadcasts_and_truncates():
    # MXNet integer division truncates toward zero, with numpy broadcasting (fuzzer regression).
    a = np.array([[7], [-7], [9]], dtype=np.int32)
    b = np.array([2, -3, 4], dtype=np.int32)
    want = np.trunc(a / b).astype(np.int32)
    assert (nd.broadcast_div(nd.array(a, dtype='int32'), nd.array(b, dtype='int32')).asnumpy() == want).all()
    assert ((nd.array(a, dtype='int32') / nd.array(b, dtype='int32')).asnumpy() == want).all()
