"""Convolution, Deconvolution, Pooling, the spatial transformer ops and ROIPooling against MXNet 1.9.1
golden values (golden/gen_ops_conv.py) and against jax computations (second order, channel-last
layouts, float16)."""
import json
import os
import sys

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from jax import lax

import mxjax as mx
from mxjax.base import MXNetError

nd = mx.nd
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), 'golden'))
import gen_ops_conv as gen  # noqa: E402

GOLD = np.load(gen.GOLDEN)
SPECS = json.loads(str(GOLD['specs']))
_TOL = {'float16': (2e-3, 2e-3), 'float32': (1e-4, 1e-5), 'float64': (1e-10, 1e-12)}


def _close(got, ref, dtype, name=''):
    assert got.shape == ref.shape, (name, got.shape, ref.shape)
    assert got.dtype == ref.dtype, (name, got.dtype, ref.dtype)
    rtol, atol = _TOL[dtype]
    small = np.abs(ref[np.isfinite(ref)].astype(np.float64))
    small = small[small < 1e30]   # an all-padding max window holds the lowest float: no scale
    scale = max(1.0, float(small.max())) if small.size else 1.0
    np.testing.assert_allclose(got, ref, rtol=rtol, atol=atol * scale, err_msg=name)


def _ids(specs):
    return [s['name'] for s in specs]


def test_inputs_are_the_generators():
    for name, (v, _) in gen.INPUTS.items():
        np.testing.assert_array_equal(GOLD['input/' + name], v)


FWD = [s for s in SPECS if not s['raises']]


@pytest.mark.parametrize('spec', FWD, ids=_ids(FWD))
def test_golden(spec):
    res = gen.run_case(mx, spec)
    keys = sorted(k.split('/', 1)[1] for k in GOLD.files if k.startswith(spec['name'] + '/'))
    assert sorted(res) == keys
    for k in keys:
        _close(res[k], GOLD[spec['name'] + '/' + k], spec['dtype'], spec['name'] + '/' + k)


LAST = [s for s in SPECS if s['same_as']]


@pytest.mark.parametrize('spec', LAST, ids=_ids(LAST))
def test_channel_last_is_mxnets_channel_first_transposed(spec):
    """NHWC/NDHWC: MXNet computes them on GPU only (its CPU error is recorded); mxjax gives the
    channel-first case's golden values with every array's channel axis moved last."""
    assert spec['mx_raised']
    ref = next(s for s in SPECS if s['name'] == spec['same_as'])
    arrs = gen.make_arrays(mx, spec)
    for a in arrs.values():
        a.attach_grad()
    with mx.autograd.record():
        y = gen.call(mx, spec, arrs)
    last = (0,) + tuple(range(2, y.ndim)) + (1,)   # channel-first -> channel-last
    first = tuple(np.argsort(last))
    gold = GOLD[ref['name'] + '/out0']
    y.backward(nd.array(gen.head_grad(ref, gold.shape).transpose(last), dtype=y.dtype))
    _close(y.asnumpy().transpose(first), gold, spec['dtype'], spec['name'])
    for mine, theirs in zip(spec['args'], ref['args']):
        g = arrs[mine].grad.asnumpy()
        _close(g if g.ndim == 1 else g.transpose(first), GOLD[ref['name'] + '/grad_' + theirs],
               spec['dtype'], spec['name'] + '/' + mine)


ERRORS = [s for s in SPECS if s['raises'] and not s['same_as']]
_ERR_WORDS = {
    'err_conv_num_filter': 'num_filter', 'err_conv_kernel': 'kernel', 'err_conv_weight': 'weight',
    'err_conv_bias': 'bias', 'err_conv_kernel_dims': 'needs 3-D data', 'err_conv_4d': '4D convolution',
    'err_conv_stride_len': 'stride', 'err_conv_dilate': 'dilate', 'err_conv_kernel_big': 'exceeds',
    'err_conv_groups': 'num_group', 'err_conv_layout': 'layout', 'err_conv_layout_nwc': 'layout',
    'err_conv_missing_bias': 'bias', 'err_conv_extra_bias': 'no_bias', 'err_conv_dtype': 'float64',
    'err_conv_int': 'int32', 'err_conv_cudnn_tune': 'cudnn_tune', 'err_deconv_weight': 'weight',
    'err_deconv_adj': 'adj', 'err_deconv_adj_len': 'adj', 'err_deconv_target': 'target_shape',
    'err_deconv_target_adj': 'adj', 'err_deconv_bias': 'no_bias', 'err_deconv_num_filter': 'num_filter',
    'err_deconv_pad': 'pad', 'err_deconv_int': 'int32', 'err_pool_kernel': 'kernel',
    'err_pool_type': 'pool_type', 'err_pool_lp_p': 'p_value', 'err_pool_lp_p4': 'p_value',
    'err_pool_kernel_big': 'exceeds', 'err_pool_same': 'same', 'err_pool_same_2d': 'same',
    'err_pool_convention': 'pooling_convention', 'err_pool_kernel_dims': 'needs 3-D data',
    'err_pool_stride_len': 'stride', 'err_pool_stride': 'stride', 'err_pool_2d_data': 'data',
    'err_pool_6d_data': 'data', 'err_pool_layout': 'layout', 'err_pool_int': 'int32',
    'err_grid_type': 'transform_type', 'err_grid_affine': 'data', 'err_grid_target': 'target_shape',
    'err_grid_warp': 'data', 'err_sampler_grid': 'grid', 'err_sampler_data': 'data', 'err_st_loc': 'loc',
    'err_st_sampler': 'sampler_type', 'err_roi_scale': 'spatial_scale', 'err_roi_size': 'pooled_size',
    'err_roi_rois': 'rois', 'err_roi_data': 'data'}


@pytest.mark.parametrize('spec', ERRORS, ids=_ids(ERRORS))
def test_bad_input_raises_like_mxnet(spec):
    assert spec.get('mx_raised')
    arrs = gen.make_arrays(mx, spec)
    with pytest.raises(MXNetError) as e:
        with mx.autograd.record():
            gen.call(mx, spec, arrs).asnumpy()
    # the message names the op and the argument at fault
    assert spec['op'] in str(e.value)
    assert _ERR_WORDS[spec['name'].rsplit('_', 1)[0]] in str(e.value), str(e.value)


# ---------------------------------------------------------------- independent checks
def _conv(x, w, stride, pad):
    return lax.conv_general_dilated(x, w, stride, [(p, p) for p in pad],
                                    dimension_numbers=('NCHW', 'OIHW', 'NCHW'))


def _deconv(x, w, stride, pad, out_hw):
    """Deconvolution is the data gradient of the convolution with the same weight."""
    z = jnp.zeros((x.shape[0], w.shape[1]) + out_hw, x.dtype)
    return jax.vjp(lambda v: _conv(v, w, stride, pad), z)[1](x)[0]


@pytest.mark.parametrize('which', ['Convolution', 'Deconvolution'])
def test_second_order_vs_jax(which):
    """d/d(x, w) of <d loss/dx, v> + <d loss/dw, u> through autograd.grad(create_graph=True)
    equals jax.grad of the same lax computation (MXNet: _backward_Convolution is non-differentiable)."""
    rs = np.random.RandomState(11)
    x, w, h = rs.randn(1, 2, 4, 5), rs.randn(2, 3, 3, 3), None
    kw = dict(kernel=(3, 3), stride=(2, 1), pad=(1, 1), num_filter=3)
    if which == 'Convolution':
        w = w.transpose(1, 0, 2, 3)
        def plain(x, w):
            return _conv(x, w, (2, 1), (1, 1))
        kw['no_bias'] = True
    else:
        kw['adj'] = (1, 0)
        def plain(x, w):
            return _deconv(x, w, (2, 1), (1, 1), (8, 5))
    h = rs.randn(*plain(x, w).shape)
    v, u = rs.randn(*x.shape), rs.randn(*w.shape)

    def first(x, w):
        return jax.grad(lambda x, w: jnp.sum(plain(x, w) * h), (0, 1))(x, w)

    def z(x, w):
        gx, gw = first(x, w)
        return jnp.sum(gx * v) + jnp.sum(gw * u)

    want1, want2 = jax.jit(first)(x, w), jax.jit(jax.grad(z, (0, 1)))(x, w)
    xa, wa = nd.array(x, dtype='float64'), nd.array(w, dtype='float64')
    xa.attach_grad()
    wa.attach_grad()
    with mx.autograd.record():
        y = getattr(nd, which)(xa, wa, **kw)
        loss = (y * nd.array(h, dtype='float64')).sum()
        gx, gw = mx.autograd.grad([loss], [xa, wa], create_graph=True)
        zz = (gx * nd.array(v, dtype='float64')).sum() + (gw * nd.array(u, dtype='float64')).sum()
    zz.backward()
    np.testing.assert_allclose(y.asnumpy(), plain(x, w), rtol=1e-12, atol=1e-12)
    for got, want in zip((gx, gw, xa.grad, wa.grad), want1 + want2):
        np.testing.assert_allclose(got.asnumpy(), want, rtol=1e-10, atol=1e-12)


def test_float16_convolution():
    """float16 (MXNet's CPU convolution raises 'FP16 gemm on cpu not implemented'; its GPU one
    computes): close to the float32 result, in float16."""
    rs = np.random.RandomState(12)
    x, w, b = rs.randn(1, 3, 5, 5), rs.randn(4, 3, 3, 3), rs.randn(4)
    y = nd.Convolution(*(nd.array(a, dtype='float16') for a in (x, w, b)), kernel=(3, 3), num_filter=4,
                       pad=(1, 1))
    assert y.dtype == np.float16
    ref = _conv(x.astype(np.float16).astype(np.float32), w.astype(np.float16).astype(np.float32),
                (1, 1), (1, 1)) + b.astype(np.float16).astype(np.float32).reshape(1, 4, 1, 1)
    np.testing.assert_allclose(y.asnumpy().astype(np.float32), ref, rtol=1e-2, atol=2e-2)


def test_names_follow_mxnet():
    for name in ('Convolution', 'Deconvolution', 'Pooling', 'GridGenerator', 'BilinearSampler',
                 'SpatialTransformer', 'ROIPooling'):
        assert hasattr(nd, name) and not hasattr(nd.NDArray, name)
