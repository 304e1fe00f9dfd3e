"""Further neural-network ops against MXNet 1.9.1 golden values (golden/gen_ops_nn_extra.py)
and against independent computations (numpy loops, brute-force CTC, adjoint identities)."""
import itertools
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
import gen_ops_nn_extra as gen  # noqa: E402

GOLD = np.load(gen.GOLDEN)
SPECS = json.loads(str(GOLD['specs']))


def _close(got, ref, dtype, name=''):
    assert got.shape == ref.shape, (name, got.shape, ref.shape)
    assert got.dtype == ref.dtype, (name, got.dtype, ref.dtype)
    rtol, atol = (2e-5, 1e-5) if dtype == 'float32' else (1e-7, 1e-9)
    scale = max(1.0, float(np.max(np.abs(ref)))) if ref.size else 1.0
    np.testing.assert_allclose(got, ref, rtol=rtol, atol=atol * scale, err_msg=name)


def _ids(specs):
    return [s['name'] for s in specs]


def test_inputs_are_the_generators():
    for name, (v, _) in gen.INPUTS.items():
        np.testing.assert_array_equal(GOLD['input/' + name], v)


FWD = [s for s in SPECS if not s['raises'] and s['name'] + '/out0' in GOLD.files]


@pytest.mark.parametrize('spec', FWD, ids=_ids(FWD))
def test_golden(spec):
    res = gen.run_case(mx, spec)
    keys = sorted(k.split('/', 1)[1] for k in GOLD.files if k.startswith(spec['name'] + '/'))
    assert sorted(res) == keys
    for k in keys:
        _close(res[k], GOLD[spec['name'] + '/' + k], spec['dtype'], spec['name'] + '/' + k)


ERRORS = [s for s in SPECS if s['raises']]


@pytest.mark.parametrize('spec', ERRORS, ids=_ids(ERRORS))
def test_bad_input_raises_like_mxnet(spec):
    assert spec.get('mx_raised')
    arrs = gen.make_arrays(mx, spec)
    with pytest.raises(MXNetError) as e:
        gen.call(mx, spec, arrs).asnumpy()
    # the message names the op and the argument at fault
    assert spec['op'] in str(e.value)
    assert _ERR_WORDS[spec['name'].rsplit('_', 1)[0]] in str(e.value), str(e.value)


_ERR_WORDS = {
    'err_seqmask_len_shape': 'sequence_length', 'err_seqmask_axis': 'axis=2',
    'err_seqrev_axis': 'axis=1', 'err_seqmask_no_len': 'sequence_length', 'err_seqlast_1d': 'data',
    'err_hard_sigmoid_int': 'int32', 'err_l2n_mode': 'mode', 'err_l2n_channel_2d': 'mode=channel',
    'err_groupnorm_groups': 'num_groups=3', 'err_groupnorm_gamma': 'gamma',
    'err_groupnorm_2d': 'data', 'err_lrn_nsize': 'nsize', 'err_lrn_3d': 'data',
    'err_ups_scale': 'scale', 'err_ups_sample_type': 'sample_type', 'err_ups_3d': '4-D',
    'err_ups_divide': 'does not divide', 'err_ups_bilinear_weight': 'weight',
    'err_linreg_label': 'label', 'err_svm_label': 'label', 'err_ctc_blank': 'blank_label',
    'err_ctc_2d': 'data', 'err_ctc_batch': 'label', 'err_ctc_no_dlen': 'data_lengths',
    'err_im2col_int': 'int32', 'err_col2im_int': 'int32', 'err_im2col_kernel': 'kernel',
    'err_im2col_no_kernel': 'kernel', 'err_im2col_stride': 'stride', 'err_col2im_blocks': 'blocks',
    'err_col2im_channels': 'kernel', 'err_col2im_no_size': 'output_size'}


# ---------------------------------------------------------------- independent checks
def _grad(f, *xs, head=None):
    arrs = [nd.array(x, dtype=x.dtype) for x in xs]
    for a in arrs:
        a.attach_grad()
    with mx.autograd.record():
        y = f(*arrs)
    y.backward(None if head is None else nd.array(head, dtype=y.dtype))
    return y.asnumpy(), [a.grad.asnumpy() for a in arrs]


def test_sequence_last_gradients_vs_numpy():
    """(MXNet's SequenceLast backward without lengths crashes; check it against numpy.)"""
    x = np.random.RandomState(0).randn(4, 3, 2)
    h = np.random.RandomState(1).randn(3, 2)
    y, (g,) = _grad(nd.SequenceLast, x, head=h)
    np.testing.assert_array_equal(y, x[-1])
    ref = np.zeros_like(x)
    ref[-1] = h
    np.testing.assert_array_equal(g, ref)
    lens = nd.array([2, 4, 1], dtype='float64')
    y, (g,) = _grad(lambda a: nd.SequenceLast(a, lens, use_sequence_length=True, axis=1),
                    x.transpose(1, 0, 2), head=h)
    np.testing.assert_array_equal(y, x.transpose(1, 0, 2)[[0, 1, 2], [1, 3, 0]])


def test_sequence_ops_clip_out_of_range_lengths():
    x = nd.array(np.arange(12.).reshape(3, 2, 2))
    lens = nd.array([0, 7])
    np.testing.assert_array_equal(nd.SequenceMask(x, lens, use_sequence_length=True, value=9).asnumpy(),
                                  np.where(np.arange(3)[:, None, None] < [[[0], [3]]], x.asnumpy(), 9))
    np.testing.assert_array_equal(nd.SequenceLast(x, lens, use_sequence_length=True).asnumpy(),
                                  x.asnumpy()[[0, 2], [0, 1]])
    np.testing.assert_array_equal(nd.SequenceReverse(x, lens, use_sequence_length=True).asnumpy()[:, 1],
                                  x.asnumpy()[::-1, 1])


def test_lrn_float64_vs_numpy():
    """(MXNet's LRN is float32 only.)"""
    x = np.random.RandomState(3).randn(2, 6, 2, 3)
    n, alpha, beta, k = 3, 0.1, 0.75, 2.0

    def ref(x):
        sq = jnp.square(x)
        s = jnp.stack([sq[:, max(0, c - 1):c + 2].sum(1) for c in range(x.shape[1])], 1)
        return x / (k + float(np.float32(alpha)) / n * s) ** beta

    y, (g,) = _grad(lambda a: nd.LRN(a, nsize=n, alpha=alpha, beta=beta, knorm=k), x,
                    head=np.ones(x.shape))
    assert y.dtype == np.float64
    np.testing.assert_allclose(y, ref(x), rtol=1e-12)
    np.testing.assert_allclose(g, jax.jit(jax.grad(lambda v: ref(v).sum()))(x), rtol=1e-10)


def _ctc_brute(logits, label, blank=0):
    """Loss and gradient by enumerating every alignment whose collapse (merge repeats, drop
    blanks) is label: loss = -log P, d loss / d logits = softmax - occupancy / P."""
    t, a = logits.shape
    p = np.exp(logits - logits.max(-1, keepdims=True))
    p /= p.sum(-1, keepdims=True)
    total, occ = 0.0, np.zeros_like(p)
    for path in itertools.product(range(a), repeat=t):
        col = [c for i, c in enumerate(path) if c != blank and (i == 0 or c != path[i - 1])]
        if col == list(label):
            w = np.prod(p[np.arange(t), path])
            total += w
            occ[np.arange(t), path] += w
    return -np.log(total), p - occ / total


def test_ctc_vs_brute_force():
    """float64, which MXNet's CTCLoss does not support (float32 is in the golden cases)."""
    rs = np.random.RandomState(4)
    x = rs.randn(4, 3, 3)
    labels = [[1, 1], [2], [1, 2]]
    lab = nd.array([[1, 1], [2, 0], [1, 2]], dtype='float64')
    h = np.array([1.0, 0.5, 2.0])
    y, (g,) = _grad(lambda d: nd.CTCLoss(d, lab), x, head=h)
    assert y.dtype == np.float64
    for b in range(3):
        loss, grad = _ctc_brute(x[:, b], labels[b])
        np.testing.assert_allclose(y[b], loss, rtol=1e-12)
        np.testing.assert_allclose(g[:, b], h[b] * grad, rtol=1e-9, atol=1e-12)


def _im2col_loops(x, k, s, d, p):
    n, c = x.shape[:2]
    xp = np.pad(x, [(0, 0), (0, 0)] + [(q, q) for q in p])
    outs = [(xp.shape[2 + i] - d[i] * (k[i] - 1) - 1) // s[i] + 1 for i in range(len(k))]
    cols = np.zeros((n, c) + tuple(k) + tuple(outs), x.dtype)
    for ki in itertools.product(*map(range, k)):
        for oi in itertools.product(*map(range, outs)):
            idx = tuple(oi[j] * s[j] + ki[j] * d[j] for j in range(len(k)))
            cols[(slice(None), slice(None)) + ki + oi] = xp[(slice(None), slice(None)) + idx]
    return cols.reshape(n, c * int(np.prod(k)), -1)


@pytest.mark.parametrize('geom', [((3,), (2,), (1,), (1,)), ((2, 1, 2), (1, 2, 1), (1, 1, 2), (0, 1, 1))],
                         ids=['1d', '3d'])
def test_im2col_col2im_1d_3d_vs_loops(geom):
    """1-D and 3-D (MXNet's 1-D im2col fails); col2im is im2col's adjoint: <im2col x, c> = <x, col2im c>."""
    k, s, d, p = geom
    rs = np.random.RandomState(5)
    x = rs.randn(*((2, 2) + (5, 4, 5)[:len(k)]))
    kw = dict(kernel=k, stride=s, dilate=d, pad=p)
    cols = nd.im2col(nd.array(x, dtype='float64'), **kw).asnumpy()
    np.testing.assert_allclose(cols, _im2col_loops(x, k, s, d, p), rtol=1e-12)
    cv = rs.randn(*cols.shape)
    back = nd.col2im(nd.array(cv, dtype='float64'), output_size=x.shape[2:], **kw).asnumpy()
    np.testing.assert_allclose((cols * cv).sum(), (x * back).sum(), rtol=1e-10)


def test_upsampling_bilinear_is_a_depthwise_deconvolution():
    rs = np.random.RandomState(6)
    x, w = rs.randn(1, 2, 2, 3), rs.randn(2, 1, 4, 4)
    y = nd.UpSampling(nd.array(x), nd.array(w), scale=2, sample_type='bilinear', num_filter=2).asnumpy()
    ref = np.zeros((1, 2, 6, 8))    # scatter each input pixel's kernel at stride 2, crop pad 1
    for c, i, j in itertools.product(range(2), range(2), range(3)):
        ref[0, c, 2 * i:2 * i + 4, 2 * j:2 * j + 4] += x[0, c, i, j] * w[c, 0]
    np.testing.assert_allclose(y, ref[:, :, 1:5, 1:7], rtol=1e-5, atol=1e-6)


def test_more_bad_input():
    x = nd.ones((4, 3, 2))
    with pytest.raises(MXNetError, match='sequence_length'):
        nd.SequenceMask(x, nd.ones(3))
    with pytest.raises(MXNetError, match='num_filter'):
        nd.UpSampling(nd.ones((1, 2, 2, 2)), nd.ones((2, 1, 4, 4)), scale=2, sample_type='bilinear')
    with pytest.raises(MXNetError, match='sum'):
        nd.UpSampling(nd.ones((1, 2, 2, 2)), nd.ones((1, 1, 2, 2)), scale=2, sample_type='nearest',
                      multi_input_mode='sum')
    with pytest.raises(MXNetError, match='float32'):
        nd.LinearRegressionOutput(nd.ones((2, 2)), nd.ones((2, 2), dtype='float64'))
    with pytest.raises(MXNetError, match='label_lengths'):
        nd.CTCLoss(nd.ones((3, 2, 4)), nd.ones((2, 2)), use_label_lengths=True)
    with pytest.raises(MXNetError, match='exceeds'):
        nd.CTCLoss(nd.ones((3, 2, 4)), nd.ones((2, 4)))
    with pytest.raises(MXNetError, match='scale'):
        nd.UpSampling(nd.ones((1, 2, 2, 2)), scale=0, sample_type='nearest')
    with pytest.raises(MXNetError, match="gamma"):
        nd.hard_sigmoid(nd.ones(2), gamma=1)


def test_names_follow_mxnet():
    for name in ('SequenceMask', 'SequenceLast', 'SequenceReverse', 'L2Normalization', 'GroupNorm',
                 'LRN', 'UpSampling', 'hard_sigmoid', 'LinearRegressionOutput', 'SVMOutput',
                 'MAERegressionOutput', 'LogisticRegressionOutput', 'CTCLoss', 'ctc_loss', 'im2col',
                 'col2im'):
        assert hasattr(nd, name) and not hasattr(nd.NDArray, name)   # no methods in MXNet either
    assert nd.contrib.CTCLoss is nd.CTCLoss and nd.contrib.ctc_loss is nd.CTCLoss
