"""Golden values of Convolution, Deconvolution, Pooling, the spatial transformer ops (GridGenerator,
BilinearSampler, SpatialTransformer) and ROIPooling, from real MXNet 1.9.1.

Regenerate with real MXNet:

    ~/mxref/bin/python compat_tests/golden/gen_ops_conv.py

which writes ops_conv.npz beside this file. Cases are specs as in gen_ops_nn_extra.py. The pip
build runs these ops on oneDNN (MKLDNN); cases marked `native` run in a second process with
MXNET_MKLDNN_ENABLED=0 (MXNet's own kernels), because oneDNN fails on them (Deconvolution with
target_shape, avg pooling with count_include_pad=False past the input's end) while the native
kernels compute them. Cases with `same_as` use channel-last data that MXNet runs on GPU only:
the CPU error is recorded, and test_ops_conv.py checks mxjax against the named channel-first
case, transposed. test_ops_conv.py runs the same specs on mxjax.
"""
import json
import os
import subprocess
import sys
import tempfile

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
GOLDEN = os.path.join(HERE, 'ops_conv.npz')


def _inputs():
    """name -> (float64 numpy value, kind) with kind 'f' (follows the case dtype) or a dtype."""
    rs = np.random.RandomState(7)
    a = {}

    def f(name, *shape):
        a[name] = (rs.randn(*shape), 'f')

    # Convolution: data, weight (num_filter, channels/num_group, *kernel), bias
    f('cx1', 2, 4, 7)
    f('cw1', 3, 4, 3)
    f('cx2', 2, 3, 5, 6)
    f('cw2', 4, 3, 3, 3)
    f('cw2_1x1', 4, 3, 1, 1)
    f('cw2_big', 2, 3, 7, 3)
    f('cx2g', 2, 4, 5, 5)
    f('cw2g', 6, 2, 3, 3)
    f('cw2dw', 4, 1, 3, 3)
    f('cx3', 1, 2, 4, 4, 4)
    f('cw3', 3, 2, 2, 3, 2)
    f('cw3g', 4, 1, 2, 2, 2)
    f('b2', 2)
    f('b3', 3)
    f('b4', 4)
    f('b5', 5)
    f('b6', 6)
    # Deconvolution: data, weight (channels, num_filter/num_group, *kernel)
    f('dx1', 2, 4, 5)
    f('dw1', 4, 3, 3)
    f('dx2', 2, 4, 3, 4)
    f('dw2', 4, 3, 3, 3)
    f('dx3', 1, 2, 2, 3, 2)
    f('dw3', 2, 3, 2, 2, 3)
    # Pooling
    f('px', 2, 3, 5, 5)
    f('px1', 2, 3, 7)
    f('px3', 1, 2, 4, 5, 4)
    f('pxs', 1, 2, 3, 6)   # lp pooling of mixed signs
    a['pxi'] = (rs.randint(0, 4, size=(2, 2, 5, 5)).astype(np.float64), 'f')   # ties for max
    a['pxn'] = (np.array([[[1.0, np.nan, 3.0, 0.5, np.nan, np.nan, -2.0]]]), 'f')
    # channel-last copies of channel-first inputs (the same numbers)
    a['cx2_nhwc'] = (a['cx2'][0].transpose(0, 2, 3, 1), 'f')
    a['cw2_ohwi'] = (a['cw2'][0].transpose(0, 2, 3, 1), 'f')
    a['cx3_ndhwc'] = (a['cx3'][0].transpose(0, 2, 3, 4, 1), 'f')
    a['cw3_odhwi'] = (a['cw3'][0].transpose(0, 2, 3, 4, 1), 'f')
    a['dx2_nhwc'] = (a['dx2'][0].transpose(0, 2, 3, 1), 'f')
    a['dw2_ihwo'] = (a['dw2'][0].transpose(0, 2, 3, 1), 'f')
    a['px_nhwc'] = (a['px'][0].transpose(0, 2, 3, 1), 'f')
    a['px1_nwc'] = (a['px1'][0].transpose(0, 2, 1), 'f')
    a['px3_ndhwc'] = (a['px3'][0].transpose(0, 2, 3, 4, 1), 'f')
    a['cx2_i'] = (np.round(a['cx2'][0] * 3), 'int32')
    a['cw2_i'] = (np.round(a['cw2'][0] * 3), 'int32')
    a['dx2_i'] = (np.round(a['dx2'][0] * 3), 'int32')
    a['dw2_i'] = (np.round(a['dw2'][0] * 3), 'int32')
    a['cw2_f64'] = (a['cw2'][0], 'float64')
    a['px_i'] = (a['pxi'][0], 'int32')
    a['x26'] = (rs.randn(2, 6), 'f')
    a['x25'] = (rs.randn(2, 5), 'f')
    # spatial transformer family: affine matrices near the identity, a flow, a grid partly outside
    a['theta'] = (np.array([[1, 0, 0, 0, 1, 0]]) + rs.randn(2, 6) * 0.3, 'f')
    a['flow'] = (rs.randn(2, 2, 3, 4), 'f')
    f('sx', 2, 3, 4, 5)
    a['grid'] = (rs.uniform(-1.3, 1.3, size=(2, 2, 3, 4)), 'f')
    # ROIPooling: corners at .5 (C's round), an roi of a missing image, one outside, one inverted
    f('rx', 2, 2, 8, 6)
    a['rois'] = (np.array([[0, 0, 0, 4, 4], [1, 1.5, 2.5, 5.6, 7.4], [0, 0.5, 1.5, 2.5, 3.5], [3, 0, 0, 4, 4],
                           [1, 10, 10, 14, 14], [0, 4, 4, 1, 1], [1, 0, 0, 5, 7]]), 'f')
    a['x6d'] = (rs.randn(1, 1, 2, 2, 2, 2), 'f')
    return a


def _cases():
    C = []

    def c(name, op, args, attrs=None, grad=None, dtypes=('float32',), raises=None, native=False,
          same_as=None):
        grad = [a for a in args if '=' not in a] if grad is None else grad
        for dt in dtypes:
            C.append(dict(name='%s_%s' % (name, dt), op=op, args=list(args), attrs=attrs or {},
                          grad=list(grad), train=True, post=[], dtype=dt, second_order=False,
                          raises=raises, native=native,
                          same_as=same_as and '%s_%s' % (same_as, dt)))

    both = ('float32', 'float64')
    # Convolution
    c('conv1d', 'Convolution', ['cx1', 'cw1', 'b3'], {'kernel': (3,), 'num_filter': 3})
    c('conv1d_geom', 'Convolution', ['cx1', 'cw1', 'b3'],
      {'kernel': (3,), 'num_filter': 3, 'stride': (2,), 'dilate': (2,), 'pad': (1,)})
    c('conv1d_int_kernel', 'Convolution', ['cx1', 'cw1'], {'kernel': 3, 'num_filter': 3, 'no_bias': True})
    c('conv2d', 'Convolution', ['cx2', 'cw2', 'b4'], {'kernel': (3, 3), 'num_filter': 4}, dtypes=both)
    c('conv2d_geom', 'Convolution', ['cx2', 'cw2', 'b4'],
      {'kernel': (3, 3), 'num_filter': 4, 'stride': (2, 1), 'pad': (1, 2), 'dilate': (1, 2)})
    c('conv2d_groups', 'Convolution', ['cx2g', 'cw2g', 'b6'],
      {'kernel': (3, 3), 'num_filter': 6, 'num_group': 2, 'pad': (1, 1)})
    c('conv2d_depthwise', 'Convolution', ['cx2g', 'cw2dw'],
      {'kernel': (3, 3), 'num_filter': 4, 'num_group': 4, 'stride': (2, 2), 'no_bias': True})
    c('conv2d_no_bias', 'Convolution', ['cx2', 'cw2'],
      {'kernel': (3, 3), 'num_filter': 4, 'no_bias': True, 'layout': 'NCHW'})
    c('conv2d_1x1', 'Convolution', ['cx2', 'cw2_1x1', 'b4'], {'kernel': (1, 1), 'num_filter': 4, 'stride': (2, 2)})
    c('conv2d_big_kernel', 'Convolution', ['cx2', 'cw2_big', 'b2'], {'kernel': (7, 3), 'num_filter': 2, 'pad': (1, 0)})
    c('conv2d_kw', 'Convolution', ['data=cx2', 'weight=cw2', 'bias=b4'],
      {'kernel': [3, 3], 'num_filter': 4, 'workspace': 64, 'cudnn_tune': 'off', 'cudnn_off': True},
      grad=['cx2', 'cw2', 'b4'])
    c('conv3d', 'Convolution', ['cx3', 'cw3', 'b3'],
      {'kernel': (2, 3, 2), 'num_filter': 3, 'stride': (1, 2, 1), 'pad': (1, 0, 1), 'dilate': (1, 1, 2)})
    c('conv3d_groups', 'Convolution', ['cx3', 'cw3g'],
      {'kernel': (2, 2, 2), 'num_filter': 4, 'num_group': 2, 'no_bias': True})
    # channel-last layouts: MXNet runs them on GPU only (the CPU error is recorded)
    c('conv2d_nhwc', 'Convolution', ['cx2_nhwc', 'cw2_ohwi', 'b4'],
      {'kernel': (3, 3), 'num_filter': 4, 'layout': 'NHWC'}, raises='MXNetError', same_as='conv2d')
    c('conv3d_ndhwc', 'Convolution', ['cx3_ndhwc', 'cw3_odhwi', 'b3'],
      {'kernel': (2, 3, 2), 'num_filter': 3, 'stride': (1, 2, 1), 'pad': (1, 0, 1), 'dilate': (1, 1, 2),
       'layout': 'NDHWC'}, raises='MXNetError', same_as='conv3d')

    # Deconvolution (no_bias defaults to True)
    c('deconv1d', 'Deconvolution', ['dx1', 'dw1'], {'kernel': (3,), 'num_filter': 3, 'stride': (2,)})
    c('deconv1d_adj', 'Deconvolution', ['dx1', 'dw1', 'b3'],
      {'kernel': (3,), 'num_filter': 3, 'stride': (3,), 'pad': (1,), 'adj': (2,), 'no_bias': False})
    c('deconv2d', 'Deconvolution', ['dx2', 'dw2', 'b3'],
      {'kernel': (3, 3), 'num_filter': 3, 'stride': (2, 2), 'pad': (1, 1), 'adj': (1, 0), 'no_bias': False},
      dtypes=both)
    c('deconv2d_dilate', 'Deconvolution', ['dx2', 'dw2'],
      {'kernel': (3, 3), 'num_filter': 3, 'stride': (1, 2), 'dilate': (2, 1)})
    c('deconv2d_groups', 'Deconvolution', ['dx2', 'dw2', 'b6'],
      {'kernel': (3, 3), 'num_filter': 6, 'num_group': 2, 'stride': (2, 1), 'no_bias': False})
    c('deconv2d_big_pad', 'Deconvolution', ['dx2', 'dw2'],
      {'kernel': (3, 3), 'num_filter': 3, 'stride': (2, 2), 'pad': (3, 2)})
    c('deconv2d_target', 'Deconvolution', ['dx2', 'dw2'],
      {'kernel': (3, 3), 'num_filter': 3, 'stride': (2, 2), 'target_shape': (5, 6)}, native=True)
    c('deconv2d_target_ignores_pad', 'Deconvolution', ['dx2', 'dw2'],
      {'kernel': (3, 3), 'num_filter': 3, 'stride': (2, 2), 'pad': (1, 1), 'adj': (1, 1), 'target_shape': (6, 7)},
      native=True)
    c('deconv2d_target_s3', 'Deconvolution', ['dx2', 'dw2'],
      {'kernel': (3, 3), 'num_filter': 3, 'stride': (3, 3), 'target_shape': (7, 9)}, native=True)
    c('deconv3d', 'Deconvolution', ['dx3', 'dw3', 'b3'],
      {'kernel': (2, 2, 3), 'num_filter': 3, 'stride': (2, 1, 2), 'pad': (0, 1, 0), 'no_bias': False})
    c('deconv2d_nhwc', 'Deconvolution', ['dx2_nhwc', 'dw2_ihwo', 'b3'],
      {'kernel': (3, 3), 'num_filter': 3, 'stride': (2, 2), 'pad': (1, 1), 'adj': (1, 0), 'no_bias': False,
       'layout': 'NHWC'}, raises='MXNetError', same_as='deconv2d')

    # Pooling
    P = 'Pooling'
    c('max', P, ['px'], {'kernel': (2, 2)}, dtypes=both)
    c('max_s2_pad', P, ['px'], {'kernel': (3, 3), 'stride': (2, 2), 'pad': (1, 1)})
    c('max_ties', P, ['pxi'], {'kernel': (2, 2)})
    c('max_ties_pad', P, ['pxi'], {'kernel': (3, 3), 'stride': (2, 2), 'pad': (1, 1)})
    c('max_full_pad', P, ['px'], {'kernel': (2, 2), 'stride': (2, 2), 'pad': (1, 1), 'pooling_convention': 'full'})
    c('max_nan', P, ['pxn'], {'kernel': (2,)})
    c('avg', P, ['px'], {'kernel': (3, 3), 'stride': (2, 2), 'pad': (1, 1), 'pool_type': 'avg'}, dtypes=both)
    c('avg_no_pad_count', P, ['px'], {'kernel': (3, 3), 'stride': (2, 2), 'pad': (1, 1), 'pool_type': 'avg',
                                      'count_include_pad': False})
    c('avg_full', P, ['px'], {'kernel': (2, 2), 'stride': (2, 2), 'pad': (1, 1), 'pool_type': 'avg',
                              'pooling_convention': 'full'})
    c('avg_full_no_pad_count', P, ['px'], {'kernel': (2, 2), 'stride': (2, 2), 'pad': (1, 1), 'pool_type': 'avg',
                                           'pooling_convention': 'full', 'count_include_pad': False}, native=True)
    c('avg_full_edge', P, ['px'], {'kernel': (3, 3), 'stride': (2, 2), 'pool_type': 'avg',
                                   'pooling_convention': 'full'})
    c('sum', P, ['px'], {'kernel': (2, 2), 'stride': (2, 2), 'pad': (1, 1), 'pool_type': 'sum'})
    c('sum_full', P, ['px'], {'kernel': (2, 3), 'stride': (2, 2), 'pool_type': 'sum', 'pooling_convention': 'full'})
    for p in (1, 2, 3):
        c('lp%d' % p, P, ['pxs'], {'kernel': (2, 2), 'pool_type': 'lp', 'p_value': p},
          dtypes=both if p == 3 else ('float32',))
    c('lp2_full_pad', P, ['px'], {'kernel': (2, 2), 'stride': (2, 2), 'pad': (1, 1), 'pool_type': 'lp',
                                  'p_value': 2, 'pooling_convention': 'full'})
    for t in ('max', 'avg', 'sum'):
        c('global_' + t, P, ['px'], {'global_pool': True, 'pool_type': t})
    c('global_lp', P, ['px'], {'global_pool': True, 'pool_type': 'lp', 'p_value': 2})
    c('global_ignores_kernel', P, ['px'], {'global_pool': True, 'pool_type': 'avg', 'kernel': (2, 2),
                                           'stride': (2, 2), 'pad': (1, 1)})
    c('global_3d', P, ['px3'], {'global_pool': True, 'pool_type': 'avg'})
    c('max_1d', P, ['px1'], {'kernel': (3,), 'stride': (2,)})
    c('avg_1d', P, ['px1'], {'kernel': (2,), 'pad': (1,), 'pool_type': 'avg', 'count_include_pad': False})
    c('max_3d', P, ['px3'], {'kernel': (2, 2, 2), 'stride': (1, 2, 1)})
    c('avg_3d_full', P, ['px3'], {'kernel': (2, 2, 2), 'stride': (2, 2, 2), 'pad': (1, 1, 1), 'pool_type': 'avg',
                                  'pooling_convention': 'full'})
    c('max_nhwc', P, ['px_nhwc'], {'kernel': (3, 3), 'stride': (2, 2), 'pad': (1, 1), 'layout': 'NHWC'})
    c('avg_nhwc', P, ['px_nhwc'], {'kernel': (3, 3), 'stride': (2, 2), 'pad': (1, 1), 'pool_type': 'avg',
                                   'count_include_pad': False, 'layout': 'NHWC'})
    c('sum_nwc', P, ['px1_nwc'], {'kernel': (2,), 'pool_type': 'sum', 'layout': 'NWC'})
    c('avg_ndhwc', P, ['px3_ndhwc'], {'kernel': (2, 2, 2), 'pool_type': 'avg', 'layout': 'NDHWC'})
    c('global_nhwc', P, ['px_nhwc'], {'global_pool': True, 'pool_type': 'avg', 'layout': 'NHWC'})
    c('max_f16', P, ['px'], {'kernel': (2, 2), 'stride': (2, 2)}, dtypes=('float16',))
    c('avg_f16', P, ['px'], {'kernel': (3, 3), 'stride': (2, 2), 'pad': (1, 1), 'pool_type': 'avg'},
      dtypes=('float16',))

    # spatial transformer family and ROIPooling (MXNet's GridGenerator is float32 only on CPU)
    c('grid_affine', 'GridGenerator', ['theta'], {'transform_type': 'affine', 'target_shape': (3, 4)})
    c('grid_warp', 'GridGenerator', ['flow'], {'transform_type': 'warp'})
    c('bilinear_sampler', 'BilinearSampler', ['sx', 'grid'], {}, dtypes=both)
    c('spatial_transformer', 'SpatialTransformer', ['sx', 'theta'],
      {'target_shape': (3, 4), 'transform_type': 'affine', 'sampler_type': 'bilinear'})
    c('roi_pooling', 'ROIPooling', ['rx', 'rois'], {'pooled_size': (2, 2), 'spatial_scale': 1.0}, dtypes=both)
    c('roi_pooling_scale', 'ROIPooling', ['rx', 'rois'], {'pooled_size': (3, 2), 'spatial_scale': 0.5})

    # bad input: MXNet raises MXNetError; mxjax must too, naming the argument
    er = dict(raises='MXNetError', grad=[])
    cv = {'kernel': (3, 3), 'num_filter': 4}
    c('err_conv_num_filter', 'Convolution', ['cx2', 'cw2', 'b4'], {'kernel': (3, 3)}, **er)
    c('err_conv_kernel', 'Convolution', ['cx2', 'cw2', 'b4'], {'num_filter': 4}, **er)
    c('err_conv_weight', 'Convolution', ['cx2', 'cw2g', 'b4'], cv, **er)
    c('err_conv_bias', 'Convolution', ['cx2', 'cw2', 'b3'], cv, **er)
    c('err_conv_kernel_dims', 'Convolution', ['cx2', 'cw2', 'b4'], {'kernel': (3,), 'num_filter': 4}, **er)
    c('err_conv_4d', 'Convolution', ['x6d', 'x6d', 'b2'], {'kernel': (2, 2, 2, 2), 'num_filter': 2}, **er)
    c('err_conv_stride_len', 'Convolution', ['cx2', 'cw2', 'b4'], dict(cv, stride=(2,)), **er)
    c('err_conv_dilate', 'Convolution', ['cx2', 'cw2', 'b4'], dict(cv, dilate=(0, 1)), **er)
    c('err_conv_kernel_big', 'Convolution', ['cx2', 'cw2_big', 'b2'], {'kernel': (7, 3), 'num_filter': 2}, **er)
    c('err_conv_groups', 'Convolution', ['cx2', 'cw2', 'b4'], dict(cv, num_group=2), **er)
    c('err_conv_layout', 'Convolution', ['cx2', 'cw2', 'b4'], dict(cv, layout='NCW'), **er)
    c('err_conv_layout_nwc', 'Convolution', ['cx1', 'cw1', 'b3'], {'kernel': (3,), 'num_filter': 3,
                                                                   'layout': 'NWC'}, **er)
    c('err_conv_missing_bias', 'Convolution', ['cx2', 'cw2'], cv, **er)
    c('err_conv_extra_bias', 'Convolution', ['cx2', 'cw2', 'b4'], dict(cv, no_bias=True), **er)
    c('err_conv_dtype', 'Convolution', ['cx2', 'cw2_f64', 'b4'], cv, **er)
    c('err_conv_int', 'Convolution', ['cx2_i', 'cw2_i'], dict(cv, no_bias=True), **er)
    c('err_conv_cudnn_tune', 'Convolution', ['cx2', 'cw2', 'b4'], dict(cv, cudnn_tune='slow'), **er)
    dc = {'kernel': (3, 3), 'num_filter': 3, 'stride': (2, 2)}
    c('err_deconv_weight', 'Deconvolution', ['dx2', 'cw2'], dict(dc, num_filter=4), **er)
    c('err_deconv_adj', 'Deconvolution', ['dx2', 'dw2'], dict(dc, adj=(2, 0)), **er)
    c('err_deconv_adj_len', 'Deconvolution', ['dx2', 'dw2'], dict(dc, adj=(1,)), **er)
    c('err_deconv_target', 'Deconvolution', ['dx2', 'dw2'], dict(dc, target_shape=(8, 9)), **er)
    c('err_deconv_target_adj', 'Deconvolution', ['dx2', 'dw2'], dict(dc, stride=(1, 1), target_shape=(4, 6)),
      native=True, **er)
    c('err_deconv_bias', 'Deconvolution', ['dx2', 'dw2', 'b3'], dc, **er)
    c('err_deconv_num_filter', 'Deconvolution', ['dx2', 'dw2'], {'kernel': (3, 3)}, **er)
    c('err_deconv_pad', 'Deconvolution', ['dx2', 'dw2'], {'kernel': (3, 3), 'num_filter': 3, 'pad': (3, 3)}, **er)
    c('err_deconv_int', 'Deconvolution', ['dx2_i', 'dw2_i'], {'kernel': (3, 3), 'num_filter': 3}, **er)
    c('err_pool_kernel', P, ['px'], {}, **er)
    c('err_pool_type', P, ['px'], {'kernel': (2, 2), 'pool_type': 'min'}, **er)
    c('err_pool_lp_p', P, ['px'], {'kernel': (2, 2), 'pool_type': 'lp'}, **er)
    c('err_pool_lp_p4', P, ['px'], {'kernel': (2, 2), 'pool_type': 'lp', 'p_value': 4}, **er)
    c('err_pool_kernel_big', P, ['px'], {'kernel': (6, 2)}, **er)
    c('err_pool_same', P, ['px1'], {'kernel': (2,), 'stride': (2,), 'pooling_convention': 'same'}, **er)
    c('err_pool_same_2d', P, ['px'], {'kernel': (2, 2), 'pooling_convention': 'same'}, **er)
    c('err_pool_convention', P, ['px'], {'kernel': (2, 2), 'pooling_convention': 'ceil'}, **er)
    c('err_pool_kernel_dims', P, ['px'], {'kernel': (2,)}, **er)
    c('err_pool_stride_len', P, ['px'], {'kernel': (2, 2), 'stride': (2,)}, **er)
    c('err_pool_stride', P, ['px'], {'kernel': (2, 2), 'stride': (0, 1)}, **er)
    c('err_pool_2d_data', P, ['x26'], {'kernel': (2,)}, **er)
    c('err_pool_6d_data', P, ['x6d'], {'global_pool': True}, **er)
    c('err_pool_layout', P, ['px'], {'kernel': (2, 2), 'layout': 'NCW'}, **er)
    c('err_pool_int', P, ['px_i'], {'kernel': (2, 2)}, **er)
    c('err_grid_type', 'GridGenerator', ['theta'], {'target_shape': (3, 4)}, **er)
    c('err_grid_affine', 'GridGenerator', ['x25'], {'transform_type': 'affine', 'target_shape': (3, 4)}, **er)
    c('err_grid_target', 'GridGenerator', ['theta'], {'transform_type': 'affine'}, **er)
    c('err_grid_warp', 'GridGenerator', ['sx'], {'transform_type': 'warp'}, **er)
    c('err_sampler_grid', 'BilinearSampler', ['sx', 'sx'], {}, **er)
    c('err_sampler_data', 'BilinearSampler', ['px1', 'grid'], {}, **er)
    c('err_st_loc', 'SpatialTransformer', ['sx', 'x25'],
      {'target_shape': (3, 4), 'transform_type': 'affine', 'sampler_type': 'bilinear'}, **er)
    c('err_st_sampler', 'SpatialTransformer', ['sx', 'theta'], {'target_shape': (3, 4), 'transform_type': 'affine'},
      **er)
    c('err_roi_scale', 'ROIPooling', ['rx', 'rois'], {'pooled_size': (2, 2)}, **er)
    c('err_roi_size', 'ROIPooling', ['rx', 'rois'], {'pooled_size': 2, 'spatial_scale': 1.0}, **er)
    c('err_roi_rois', 'ROIPooling', ['rx', 'x26'], {'pooled_size': (2, 2), 'spatial_scale': 1.0}, **er)
    c('err_roi_data', 'ROIPooling', ['px1', 'rois'], {'pooled_size': (2, 2), 'spatial_scale': 1.0}, **er)
    return C


CASES = _cases()
INPUTS = _inputs()


def _split(arg):
    kw, _, key = arg.rpartition('=')
    return kw, key


def make_arrays(mx, spec):
    """The spec's input NDArrays by input name (in the case dtype unless an input has its own)."""
    out = {}
    for arg in spec['args']:
        key = _split(arg)[1]
        v, kind = INPUTS[key]
        out[key] = mx.nd.array(v, dtype=spec['dtype'] if kind == 'f' else kind)
    return out


def call(mx, spec, arrs):
    args = [arrs[a] for a in spec['args'] if '=' not in a]
    kw = {k: arrs[v] for k, v in map(_split, spec['args']) if k}
    return getattr(mx.nd, spec['op'])(*args, **kw, **spec['attrs'])


def head_grad(spec, shape):
    rs = np.random.RandomState(sum(spec['name'].encode()))
    return rs.uniform(0.5, 1.5, size=shape)


def run_case(mx, spec):
    """Run one spec: the output under autograd.record, then the gradients of a backward with a
    fixed head gradient; returns {key: numpy array}."""
    arrs = make_arrays(mx, spec)
    for g in spec['grad']:
        arrs[g].attach_grad()
    with mx.autograd.record(train_mode=spec['train']):
        y = call(mx, spec, arrs)
    res = {'out0': y.asnumpy()}
    if spec['grad']:
        y.backward(mx.nd.array(head_grad(spec, y.shape), dtype=y.dtype))
        for g in spec['grad']:
            res['grad_' + g] = arrs[g].grad.asnumpy()
    return res


def _run_all(mx, specs):
    """{array key: value} and {case name: MXNet's error line} for the specs."""
    store, raised = {}, {}
    for spec in specs:
        try:
            res = run_case(mx, spec)
            mx.nd.waitall()
        except Exception as e:  # recorded: the test checks that mxjax raises too
            if spec['raises'] is None:
                raise
            assert type(e).__name__ == spec['raises'], (spec['name'], e)
            raised[spec['name']] = [ln for ln in str(e).strip().split('\n') if ln.strip()][-1][:200]
            continue
        assert spec['raises'] is None, (spec['name'], 'MXNet did not raise')
        for k, v in res.items():
            store['%s/%s' % (spec['name'], k)] = v
    return store, raised


def main():
    os.environ['MXNET_STORAGE_FALLBACK_LOG_VERBOSE'] = '0'
    if len(sys.argv) == 3 and sys.argv[1] == '--native':   # the worker for MXNet's own kernels
        import mxnet as mx
        store, raised = _run_all(mx, [s for s in CASES if s['native']])
        np.savez(sys.argv[2], raised=np.array(json.dumps(raised)), **store)
        return
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, 'native.npz')
        subprocess.run([sys.executable, os.path.abspath(__file__), '--native', path], check=True,
                       env=dict(os.environ, MXNET_MKLDNN_ENABLED='0'))
        native = np.load(path)
        store = {k: native[k] for k in native.files if k != 'raised'}
        raised = json.loads(str(native['raised']))
    import mxnet as mx
    more, more_raised = _run_all(mx, [s for s in CASES if not s['native']])
    store.update(more)
    raised.update(more_raised)
    for spec in CASES:
        if spec['name'] in raised:
            spec['mx_raised'] = raised[spec['name']]
    for name, (v, kind) in INPUTS.items():
        store['input/' + name] = np.asarray(v)
    store['specs'] = np.array(json.dumps(CASES))
    np.savez_compressed(GOLDEN, **store)
    print('wrote %s: %d cases, %d arrays, %d bytes'
          % (GOLDEN, len(CASES), len(store), os.path.getsize(GOLDEN)))


if __name__ == '__main__':
    main()
