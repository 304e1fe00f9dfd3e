"""Tensor ops against MXNet 1.9.1 golden values (golden/gen_ops_tensor.py) and against
independent computations (numpy, jax.grad of plain jnp formulas)."""
import json
import os
import sys
import warnings

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import mxjax as mx
from mxjax.base import MXNetError

nd = mx.nd
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), 'golden'))
import gen_ops_tensor as gen  # noqa: E402

GOLD = np.load(gen.GOLDEN)
SPECS = json.loads(str(GOLD['specs']))
CASES, ERRORS = SPECS['cases'], SPECS['errors']


def _close(got, ref, dtype, name=''):
    assert got.shape == ref.shape, (name, got.shape, ref.shape)
    assert got.dtype == ref.dtype, (name, got.dtype, ref.dtype)
    single = dtype == 'float32' or ref.dtype == np.float32   # some ops give float32 for float64
    rtol, atol = (1e-5, 1e-5) if single else (1e-7, 1e-9)
    scale = max(1.0, float(np.max(np.abs(ref[np.isfinite(ref)])))) if ref.size and \
        np.issubdtype(ref.dtype, np.floating) and np.isfinite(ref).any() else 1.0
    np.testing.assert_allclose(got, ref, rtol=rtol, atol=atol * scale, err_msg=name)


def test_inputs_are_the_generators():
    for name, (v, _) in gen.INPUTS.items():
        np.testing.assert_array_equal(GOLD['input/' + name], v)


# ---------------------------------------------------------------- golden forward/backward
@pytest.mark.parametrize('spec', CASES, ids=[s['name'] for s in CASES])
def test_golden(spec):
    # Where MXNet has no gradient the golden file holds the forward only (gradients are
    # checked against jax below).
    res = gen.run_case(mx, dict(spec, grad=[]) if spec.get('mx_nondiff') else spec)
    keys = sorted(k.split('/', 1)[1] for k in GOLD.files if k.startswith(spec['name'] + '/'))
    assert sorted(res) == keys
    for k in keys:
        _close(res[k], GOLD[spec['name'] + '/' + k], spec['dtype'], spec['name'] + '/' + k)


SPECIAL = sorted({k.split('/')[1] for k in GOLD.files if k.startswith('special/')})


@pytest.mark.parametrize('name', SPECIAL)
def test_special(name):
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        res = gen._special(mx)[name]()
    keys = sorted(k.split('/')[2] for k in GOLD.files if k.startswith('special/%s/' % name))
    assert sorted(res) == keys
    for k in keys:
        ref = GOLD['special/%s/%s' % (name, k)]
        _close(np.asarray(res[k]), ref, 'float64' if '64' in k else 'float32', name + '/' + k)


# ---------------------------------------------------------------- bad input
_ERR_WORDS = {
    'cumsum_axis': 'axis=2', 'cumsum_dtype': 'bool', 'gather_nd_1d': '2 dimensions',
    'gather_nd_m': 'exceeds', 'gather_nd_oob': 'index 5', 'scatter_nd_shape': 'data (3,)',
    'scatter_nd_noshape': 'shape', 'ravel_shape': 'len(shape)=3', 'ravel_noshape': 'shape',
    'unravel_noshape': 'shape', 'slice_like_ndim': 'dimensions', 'slice_like_big': 'axis 5',
    'slice_like_size': 'size 3', 'depth_to_space_block': 'block_size^2=9',
    'depth_to_space_ndim': '4-D', 'depth_to_space_zero': 'block_size=0',
    'space_to_depth_block': 'block_size=4', 'khatri_rao_cols': 'columns',
    'khatri_rao_none': 'at least one', 'khatri_rao_int': 'floating point',
    'batch_take_dtype': 'int32', 'batch_take_size': 'indices has 6', 'fill_element_shape': 'match',
    'fill_element_ndim': '2-D lhs', 'all_finite_int': 'floating point',
    'multi_all_finite_num': 'num_arrays=1', 'multi_sum_sq_num': 'num_arrays',
    'multi_sum_sq_int': 'floating point', 'cast_storage_stype': "'dense'",
    'cast_storage_nostype': 'stype', 'pad_mode': "'wrap'", 'pad_nomode': 'mode',
    'pad_nowidth': 'pad_width', 'pad_3d': '4-D and 5-D', 'pad_len': '2 * ndim',
    'pad_axis0': 'first two axes', 'pad_reflect': 'smaller than', 'pad_int': 'floating point',
    'moments_noaxes': 'empty axes', 'moments_axis': 'axes=2', 'moments_dup': 'duplicate'}
_ERR_TYPES = {'MXNetError': MXNetError, 'IndexError': IndexError}


@pytest.mark.parametrize('spec', ERRORS, ids=[s['name'] for s in ERRORS])
def test_bad_input_raises_like_mxnet(spec):
    arrs = gen.make_arrays(mx, spec)
    with pytest.raises(_ERR_TYPES[spec['mx_raised']]) as e:
        with mx.autograd.record():
            gen.call(mx, spec, arrs)
    assert _ERR_WORDS[spec['name']] in str(e.value)


def test_more_bad_input():
    x = nd.ones((2, 3))
    with pytest.raises(MXNetError, match='N=-1'):
        nd.eye(-1)
    with pytest.raises(MXNetError, match='bool'):
        nd.eye(2, dtype='bool')
    with pytest.raises(MXNetError, match='num=-1'):
        nd.linspace(0, 1, -1)
    with pytest.raises(MXNetError, match='range'):
        nd.histogram(x, bins=2, range=(4, 0))
    with pytest.raises(MXNetError, match='bins'):
        nd.histogram(x, bins=nd.array([0, 1, 2], dtype='float64'))
    with pytest.raises(ValueError, match='bins'):
        nd.histogram(x, bins=[0, 1, 2])
    for st in ('csr', 'row_sparse'):
        with pytest.raises(MXNetError, match="dense storage only"):
            nd.cast_storage(x, stype=st)
    with pytest.raises(MXNetError, match='onehot_encode'):
        nd.onehot_encode(nd.array([0, 1]), nd.zeros((3, 4)))
    with pytest.raises(MXNetError, match='rhs has shape'):
        x.slice_assign(nd.ones((2, 2)), (0, 0), (2, 3), (None, None))
    with pytest.raises(MXNetError, match='rhs has shape'):
        x.slice_assign(nd.ones((1, 1)), (0,), (1,), (None,))
    with pytest.raises(MXNetError, match='float64'):
        x.slice_assign(nd.ones((1, 1), dtype='float64'), (0, 0), (1, 1), (None, None))
    with pytest.raises(MXNetError, match='float64'):
        nd.khatri_rao(nd.ones((2, 2)), nd.ones((2, 2), dtype='float64'))
    with pytest.raises(MXNetError, match='multi_all_finite'):
        nd.multi_all_finite(x, nd.ones(2, dtype='float64'), num_arrays=2)


def test_slice_assign_in_graph_raises():
    x = nd.ones((2, 3))
    x.attach_grad()
    with mx.autograd.record():
        y = x * 2
        with pytest.raises(MXNetError):
            y.slice_assign_scalar(0, (0,), (1,), (None,))
    np.testing.assert_array_equal(y.asnumpy(), 2 * np.ones((2, 3)))


# ---------------------------------------------------------------- independent checks
def _vjp(f, args, head):
    _, pull = jax.vjp(f, *[jnp.asarray(a) for a in args])
    return [np.asarray(g) for g in pull(jnp.asarray(head))]


def _grads(fn, values, dtype, head, **kw):
    arrs = [nd.array(v, dtype=dtype) for v in values]
    for a in arrs:
        a.attach_grad()
    with mx.autograd.record():
        y = fn(*arrs, **kw)
    y.backward(nd.array(head, dtype=dtype))
    return y.asnumpy(), [a.grad.asnumpy() for a in arrs]


@pytest.mark.parametrize('dtype', ['float32', 'float64'])
def test_khatri_rao_grad_vs_jax(dtype):
    """MXNet has no gradient for khatri_rao; mxjax's matches jax.grad of the einsum form."""
    a, b = gen.INPUTS['kr_a'][0], gen.INPUTS['kr_b'][0]
    head = np.linspace(0.5, 1.5, 24).reshape(8, 3)
    y, (ga, gb) = _grads(nd.khatri_rao, [a, b], dtype, head)

    def plain(a, b):
        return jnp.einsum('ic,jc->ijc', a, b).reshape(-1, a.shape[1])

    np.testing.assert_allclose(y, plain(a, b), rtol=1e-5)
    ra, rb = _vjp(plain, [a, b], head)
    np.testing.assert_allclose(ga, ra, rtol=1e-5)
    np.testing.assert_allclose(gb, rb, rtol=1e-5)


@pytest.mark.parametrize('dtype', ['float32', 'float64'])
def test_batch_take_and_fill_grads_vs_numpy(dtype):
    """Neither has a gradient in MXNet; mxjax's is the scatter of the head into the picked
    (batch_take) or the kept / filled (fill_element_0index) positions."""
    x = gen.INPUTS['x34'][0]
    idx = nd.array([1, 7, -2], dtype='int32')
    xa = nd.array(x, dtype=dtype)
    xa.attach_grad()
    with mx.autograd.record():
        y = nd.batch_take(xa, idx)
    y.backward(nd.array([1.0, 2.0, 3.0], dtype=dtype))
    ref = np.zeros((3, 4))
    ref[[0, 1, 2], [1, 3, 0]] = [1, 2, 3]
    np.testing.assert_array_equal(xa.grad.asnumpy(), ref)

    vals, head = np.array([7.0, 8.0, 9.0]), np.arange(12.0).reshape(3, 4)
    y, (gx, gv, _) = _grads(nd.fill_element_0index, [x, vals, [0, 2.7, -1]], dtype, head)
    want = x.copy()
    want[[0, 1], [0, 2]] = [7, 8]        # index 2.7 truncates to 2; -1 is skipped
    np.testing.assert_allclose(y, want, rtol=1e-6)
    ref = head.copy()
    ref[[0, 1], [0, 2]] = 0
    np.testing.assert_array_equal(gx, ref)
    np.testing.assert_array_equal(gv, [0.0, 6.0, 0.0])


def test_slice_assign_op_grad_vs_numpy():
    lhs, rhs = np.arange(12.0).reshape(3, 4), -np.ones((2, 2))
    head = np.linspace(1, 2, 12).reshape(3, 4)
    y, (gl, gr) = _grads(nd._slice_assign, [lhs, rhs], 'float64', head,
                         begin=(1, 0), end=(3, 4), step=(None, 2))
    want = lhs.copy()
    want[1:3, 0:4:2] = rhs
    np.testing.assert_array_equal(y, want)
    ref = head.copy()
    ref[1:3, 0:4:2] = 0
    np.testing.assert_array_equal(gl, ref)
    np.testing.assert_array_equal(gr, head[1:3, 0:4:2])


def test_cumsum_negative_axis_vs_numpy():
    """MXNet 1.9.1 rejects negative axes by mistake; mxjax counts them from the end."""
    x = gen.INPUTS['x234'][0]
    for ax in (-1, -3):
        np.testing.assert_allclose(nd.cumsum(nd.array(x, dtype='float64'), axis=ax).asnumpy(),
                                   np.cumsum(x, axis=ax))


def test_unravel_index_nd_vs_numpy():
    """MXNet 1.9.1 returns a wrong shape for indices of more than one dimension; mxjax returns
    numpy's (len(shape),) + indices.shape."""
    flat = np.array([[0, 7, 59], [23, 11, 40]])
    got = nd.unravel_index(nd.array(flat, dtype='int32'), shape=(3, 4, 5)).asnumpy()
    np.testing.assert_array_equal(got, np.stack(np.unravel_index(flat, (3, 4, 5))))
    back = nd.ravel_multi_index(nd.array(got.reshape(3, -1), dtype='int64'), shape=(3, 4, 5))
    np.testing.assert_array_equal(back.asnumpy(), flat.reshape(-1))


def test_gather_nd_negative_index_grad_vs_numpy():
    """MXNet 1.9.1's backward gives no gradient to negative indices (its forward wraps them);
    mxjax's gradient is the forward's."""
    x = gen.INPUTS['x234'][0]
    ind = gen.INPUTS['gidx_neg'][0]
    head = np.arange(1.0, 17.0).reshape(2, 2, 4)
    _, (g, _) = _grads(nd.gather_nd, [x, ind], 'float64', head)
    ref = np.zeros_like(x)
    np.add.at(ref, (ind[0] % 2, ind[1] % 3), head)
    np.testing.assert_array_equal(g, ref)


def test_gather_scatter_vs_numpy():
    rs = np.random.RandomState(3)
    data = rs.randn(3, 4, 2)
    ind = np.array([[2, 0, 1, 2], [3, 1, 0, 0]])
    got = nd.gather_nd(nd.array(data, dtype='float64'), nd.array(ind, dtype='int32')).asnumpy()
    np.testing.assert_array_equal(got, data[ind[0], ind[1]])
    out = nd.scatter_nd(nd.array(got, dtype='float64'), nd.array(ind, dtype='int32'),
                        shape=(3, 4, 2)).asnumpy()
    want = np.zeros_like(data)
    want[ind[0], ind[1]] = data[ind[0], ind[1]]
    np.testing.assert_array_equal(out, want)


@pytest.mark.parametrize('dtype', ['float32', 'float64'])
def test_histogram_vs_numpy(dtype):
    rs = np.random.RandomState(5)
    v = np.round(rs.randn(200) * 2, 1)
    c, e = nd.histogram(nd.array(v, dtype=dtype), bins=7, range=(-3.0, 4.0))
    rc, re = np.histogram(v.astype(dtype), bins=7, range=(-3.0, 4.0))
    np.testing.assert_array_equal(c.asnumpy(), rc)
    np.testing.assert_allclose(e.asnumpy(), re, rtol=1e-6)
    edges = np.array([-2.5, -1.0, 0.0, 0.5, 3.0])
    c, e = nd.histogram(nd.array(v, dtype=dtype), bins=nd.array(edges, dtype=dtype))
    np.testing.assert_array_equal(c.asnumpy(), np.histogram(v.astype(dtype), bins=edges.astype(dtype))[0])


def test_pad_crop_grad_vs_numpy():
    """A negative width crops; the gradient is the head in the kept region (MXNet 1.9.1 leaves
    the cropped part of the gradient uninitialized)."""
    x = gen.INPUTS['p4'][0]
    head = np.arange(1.0, 1.0 + 2 * 2 * 3 * 2).reshape(2, 2, 3, 2)
    y, (g,) = _grads(nd.pad, [x], 'float64', head, mode='constant',
                     pad_width=(0, 0, 0, 0, -1, 1, 0, -2))
    np.testing.assert_array_equal(y[:, :, :2], x[:, :, 1:, :2])
    ref = np.zeros_like(x)
    ref[:, :, 1:, :2] = head[:, :, :2]
    np.testing.assert_array_equal(g, ref)


@pytest.mark.parametrize('mode, width, want', [
    ('edge', (-1, 2), [1, 2, 2, 2]), ('edge', (2, -1), [0, 0, 0, 1]),
    ('reflect', (-1, 2), [1, 2, 1, 0]), ('reflect', (2, -1), [2, 1, 0, 1])])
def test_pad_negative_widths_like_mxnet(mode, width, want):
    # (values printed by MXNet 1.9.1)
    x = nd.arange(3).reshape((1, 1, 3, 1))
    y = nd.pad(x, mode=mode, pad_width=(0, 0, 0, 0) + width + (0, 0))
    np.testing.assert_array_equal(y.asnumpy()[0, 0, :, 0], want)


def test_moments_vs_numpy():
    x = gen.INPUTS['x234'][0]
    m, v = nd.moments(nd.array(x, dtype='float64'), axes=(0, -1), keepdims=True)
    np.testing.assert_allclose(m.asnumpy(), x.mean(axis=(0, 2), keepdims=True))
    np.testing.assert_allclose(v.asnumpy(), x.var(axis=(0, 2), keepdims=True))


def test_fill_element_float64_vs_numpy():
    """MXNet computes fill_element_0index in float32 only; mxjax takes float64 too."""
    x = nd.zeros((2, 3), dtype='float64')
    y = nd.fill_element_0index(x, nd.array([1.5, 2.5], dtype='float64'), nd.array([2, 0]))
    np.testing.assert_array_equal(y.asnumpy(), [[0, 0, 1.5], [2.5, 0, 0]])
    assert y.dtype == np.float64
