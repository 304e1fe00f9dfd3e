"""Convolution, pooling and padding layers of gluon.nn: Conv1D-3D, their transposes, Max/Avg pooling,
global pooling and ReflectionPad2D, named (conv0_, pool0_), shaped and printed as in MXNet 1.9.1."""
import numpy as np

from ... import autograd
from ... import ndarray as nd
from ...base import MXNetError
from ..block import HybridBlock
from .activations import Activation

__all__ = ['Conv1D', 'Conv2D', 'Conv3D', 'Conv1DTranspose', 'Conv2DTranspose', 'Conv3DTranspose',
           'MaxPool1D', 'MaxPool2D', 'MaxPool3D', 'AvgPool1D', 'AvgPool2D', 'AvgPool3D',
           'GlobalMaxPool1D', 'GlobalMaxPool2D', 'GlobalMaxPool3D', 'GlobalAvgPool1D', 'GlobalAvgPool2D',
           'GlobalAvgPool3D', 'ReflectionPad2D']

_LAYOUTS = {1: ('NCW', 'NWC'), 2: ('NCHW', 'NHWC'), 3: ('NCDHW', 'NDHWC')}


def _expand(value, n):
    """A number stands for the same value on each of the n spatial axes (a sequence is kept as given:
    MXNet's reprs print it as it was passed)."""
    return (value,) * n if isinstance(value, (int, float, np.generic)) else value


def _check_layout(cls, layout, layouts):
    assert layout in layouts, '%s: layout=%r is not supported; valid layouts: %s' % (cls, layout, ', '.join(layouts))


def _check_length(cls, name, value, n):
    assert len(value) == n, '%s: %s=%r must be a number or a list of %d ints' % (cls, name, value, n)


def _check_conv_args(op_name, kw, in_channels):
    """What MXNet rejects when it infers the weight shape at construction (an MXNetError there too)."""
    k = kw['kernel']
    for name in [n for n in ('kernel', 'stride', 'dilate', 'pad', 'adj') if n in kw]:
        v = kw[name]
        if not all(isinstance(i, (int, np.integer)) and not isinstance(i, bool) for i in v):
            raise MXNetError('%s: %s=%r must be integers' % (op_name, name, v))
        if len(v) != len(k):
            raise MXNetError('%s: %s=%r must have %d values like kernel_size=%r' % (op_name, name, v, len(k), k))
    for name in ('kernel', 'stride', 'dilate'):
        if min(kw[name]) < 1:
            raise MXNetError('%s: %s=%r must be positive' % (op_name, name, kw[name]))
    channels, groups = kw['num_filter'], kw['num_group']
    if not isinstance(channels, (int, np.integer)) or channels < 1:
        raise MXNetError('%s: channels=%r must be a positive integer' % (op_name, channels))
    if not isinstance(groups, (int, np.integer)) or groups < 1:
        raise MXNetError('%s: groups=%r must be a positive integer' % (op_name, groups))
    if channels % groups or in_channels % groups:
        raise MXNetError('%s: groups=%d must divide channels=%d and in_channels=%d'
                         % (op_name, groups, channels, in_channels))
    if op_name == 'Deconvolution' and groups > 1 and not in_channels:   # MXNet: unknown (-1) % groups != 0
        raise MXNetError('%s: groups=%d needs in_channels (MXNet cannot defer it for a grouped transposed '
                         'convolution)' % (op_name, groups))
    if any(a >= s for a, s in zip(kw.get('adj', ()), kw['stride'])):
        raise MXNetError('%s: output_padding=%r must be smaller than strides=%r' % (op_name, kw['adj'], kw['stride']))


class _Conv(HybridBlock):
    """What every convolution layer shares (MXNet's structure): the op's arguments, the weight shape
    (known or deferred until the first input), the optional activation and the repr."""

    def __init__(self, channels, kernel_size, strides, padding, dilation, groups, layout, layouts, in_channels=0,
                 activation=None, use_bias=True, weight_initializer=None, bias_initializer='zeros',
                 op_name='Convolution', adj=None, prefix=None, params=None):
        super().__init__(prefix=prefix, params=params)
        cls, n = self.__class__.__name__, len(layouts[0]) - 2
        _check_layout(cls, layout, layouts)
        kernel_size = _expand(kernel_size, n)
        _check_length(cls, 'kernel_size', kernel_size, n)
        self._kwargs = {'kernel': kernel_size, 'stride': _expand(strides, n), 'dilate': _expand(dilation, n),
                        'pad': _expand(padding, n), 'num_filter': channels, 'num_group': groups,
                        'no_bias': not use_bias, 'layout': layout}
        if adj is not None:
            adj = _expand(adj, n)
            _check_length(cls, 'output_padding', adj, n)
            self._kwargs['adj'] = adj
            self.outpad = adj
        _check_conv_args(op_name, self._kwargs, in_channels)
        self._channels, self._in_channels, self._op_name, self._layout = channels, in_channels, op_name, layout
        with self.name_scope():
            self.weight = self.params.get('weight', shape=self._weight_shape(in_channels), init=weight_initializer,
                                          allow_deferred_init=True)
            self.bias = None
            if use_bias:
                self.bias = self.params.get('bias', shape=(channels,), init=bias_initializer,
                                            allow_deferred_init=True)
            self.act = None
            if activation is not None:
                self.act = Activation(activation, prefix=activation + '_')

    def _alias(self):
        return 'conv'

    def _weight_shape(self, in_channels):
        """(out, in/groups, *kernel) for Convolution, (in, out/groups, *kernel) for Deconvolution;
        the channel-last layouts put the kernel axes second."""
        k, groups = tuple(self._kwargs['kernel']), self._kwargs['num_group']
        if self._op_name == 'Deconvolution':
            outer, inner = in_channels, self._channels // groups
        else:
            outer, inner = self._channels, in_channels // groups
        return (outer, inner) + k if self._layout[1] == 'C' else (outer,) + k + (inner,)

    def infer_shape(self, x, *args):
        if x.ndim == len(self._layout):
            self.weight.shape = self._weight_shape(x.shape[self._layout.find('C')])
        # MXNet infers the shape from the whole op, so every shape error of the op (ndim, groups, sizes)
        # fails the deferred initialization: run its checks on stand-ins (the result is never computed)
        stand_ins = [nd.zeros(p.shape, dtype=x.dtype) for p in (self.weight, self.bias) if p is not None]
        with autograd.pause():
            getattr(nd, self._op_name)(x, *stand_ins, **self._kwargs)

    def hybrid_forward(self, F, x, weight, bias=None):
        args = (x, weight) if bias is None else (x, weight, bias)
        out = getattr(F, self._op_name)(*args, name='fwd', **self._kwargs)
        return self.act(out) if self.act is not None else out

    def __repr__(self):
        kw, n = self._kwargs, len(self._kwargs['kernel'])
        shape = self.weight.shape
        # shape[1] is in_channels/groups (Convolution, channel-first), but out/groups for Deconvolution
        # and the first kernel size for channel-last layouts: MXNet prints it all the same
        s = '%s(%s -> %s, kernel_size=%s, stride=%s' % (self.__class__.__name__, shape[1] if shape[1] else None,
                                                       shape[0], kw['kernel'], kw['stride'])
        if kw['pad'] != (0,) * n:   # a list never equals the tuple: MXNet prints padding=[0, 0]
            s += ', padding=%s' % (kw['pad'],)
        if kw['dilate'] != (1,) * n:
            s += ', dilation=%s' % (kw['dilate'],)
        # no output_padding: MXNet 1.9.1 looks for an attribute (out_pad) its layers never set
        if kw['num_group'] != 1:
            s += ', groups=%s' % kw['num_group']
        if self.bias is None:
            s += ', bias=False'
        if self.act:
            s += ', %s' % self.act
        return s + ')'


class Conv1D(_Conv):
    """1-D convolution of (N, C, W) data; weight (channels, in_channels/groups, k). MXNet offers only NCW."""

    def __init__(self, channels, kernel_size, strides=1, padding=0, dilation=1, groups=1, layout='NCW',
                 activation=None, use_bias=True, weight_initializer=None, bias_initializer='zeros', in_channels=0,
                 **kwargs):
        super().__init__(channels, kernel_size, strides, padding, dilation, groups, layout, ('NCW',), in_channels,
                         activation, use_bias, weight_initializer, bias_initializer, **kwargs)


class Conv2D(_Conv):
    """2-D convolution of NCHW (or NHWC: weight (channels, kh, kw, in_channels/groups)) data. MXNet
    computes NHWC on GPU only; mxjax computes it everywhere."""

    def __init__(self, channels, kernel_size, strides=(1, 1), padding=(0, 0), dilation=(1, 1), groups=1,
                 layout='NCHW', activation=None, use_bias=True, weight_initializer=None, bias_initializer='zeros',
                 in_channels=0, **kwargs):
        super().__init__(channels, kernel_size, strides, padding, dilation, groups, layout, _LAYOUTS[2],
                         in_channels, activation, use_bias, weight_initializer, bias_initializer, **kwargs)


class Conv3D(_Conv):
    """3-D convolution of NCDHW (or NDHWC, computed everywhere; MXNet: GPU only) data."""

    def __init__(self, channels, kernel_size, strides=(1, 1, 1), padding=(0, 0, 0), dilation=(1, 1, 1), groups=1,
                 layout='NCDHW', activation=None, use_bias=True, weight_initializer=None, bias_initializer='zeros',
                 in_channels=0, **kwargs):
        super().__init__(channels, kernel_size, strides, padding, dilation, groups, layout, _LAYOUTS[3],
                         in_channels, activation, use_bias, weight_initializer, bias_initializer, **kwargs)


class Conv1DTranspose(_Conv):
    """1-D transposed convolution (Deconvolution) of NCW data; weight (in_channels, channels/groups, k).
    Output width: strides*(w-1) + dilation*(k-1) + 1 - 2*padding + output_padding."""

    def __init__(self, channels, kernel_size, strides=1, padding=0, output_padding=0, dilation=1, groups=1,
                 layout='NCW', activation=None, use_bias=True, weight_initializer=None, bias_initializer='zeros',
                 in_channels=0, **kwargs):
        super().__init__(channels, kernel_size, strides, padding, dilation, groups, layout, ('NCW',), in_channels,
                         activation, use_bias, weight_initializer, bias_initializer,
                         op_name=kwargs.pop('op_name', 'Deconvolution'), adj=output_padding, **kwargs)


class Conv2DTranspose(_Conv):
    """2-D transposed convolution of NCHW (or NHWC, computed everywhere; MXNet: GPU only) data."""

    def __init__(self, channels, kernel_size, strides=(1, 1), padding=(0, 0), output_padding=(0, 0),
                 dilation=(1, 1), groups=1, layout='NCHW', activation=None, use_bias=True, weight_initializer=None,
                 bias_initializer='zeros', in_channels=0, **kwargs):
        super().__init__(channels, kernel_size, strides, padding, dilation, groups, layout, _LAYOUTS[2],
                         in_channels, activation, use_bias, weight_initializer, bias_initializer,
                         op_name=kwargs.pop('op_name', 'Deconvolution'), adj=output_padding, **kwargs)


class Conv3DTranspose(_Conv):
    """3-D transposed convolution of NCDHW (or NDHWC, computed everywhere; MXNet: GPU only) data."""

    def __init__(self, channels, kernel_size, strides=(1, 1, 1), padding=(0, 0, 0), output_padding=(0, 0, 0),
                 dilation=(1, 1, 1), groups=1, layout='NCDHW', activation=None, use_bias=True,
                 weight_initializer=None, bias_initializer='zeros', in_channels=0, **kwargs):
        super().__init__(channels, kernel_size, strides, padding, dilation, groups, layout, _LAYOUTS[3],
                         in_channels, activation, use_bias, weight_initializer, bias_initializer,
                         op_name=kwargs.pop('op_name', 'Deconvolution'), adj=output_padding, **kwargs)


class _Pooling(HybridBlock):
    """What every pooling layer shares (MXNet's structure): F.Pooling's arguments and the repr.
    strides default to pool_size; ceil_mode is pooling_convention 'full'."""

    def __init__(self, pool_size, strides, padding, ceil_mode, global_pool, pool_type, layout, n,
                 count_include_pad=None, **kwargs):
        cls = self.__class__.__name__
        _check_layout(cls, layout, _LAYOUTS[n])
        pool_size = _expand(pool_size, n)
        _check_length(cls, 'pool_size', pool_size, n)
        super().__init__(**kwargs)
        self._kwargs = {'kernel': pool_size, 'stride': _expand(pool_size if strides is None else strides, n),
                        'pad': _expand(padding, n), 'global_pool': global_pool, 'pool_type': pool_type,
                        'layout': layout, 'pooling_convention': 'full' if ceil_mode else 'valid'}
        if count_include_pad is not None:
            self._kwargs['count_include_pad'] = count_include_pad

    def _alias(self):
        return 'pool'

    def hybrid_forward(self, F, x):
        return F.Pooling(x, name='fwd', **self._kwargs)

    def __repr__(self):
        kw = self._kwargs
        return '%s(size=%s, stride=%s, padding=%s, ceil_mode=%s, global_pool=%s, pool_type=%s, layout=%s)' % (
            self.__class__.__name__, kw['kernel'], kw['stride'], kw['pad'], kw['pooling_convention'] == 'full',
            kw['global_pool'], kw['pool_type'], kw['layout'])


class MaxPool1D(_Pooling):
    """Max over windows of NCW or NWC data."""

    def __init__(self, pool_size=2, strides=None, padding=0, layout='NCW', ceil_mode=False, **kwargs):
        super().__init__(pool_size, strides, padding, ceil_mode, False, 'max', layout, 1, **kwargs)


class MaxPool2D(_Pooling):
    """Max over windows of NCHW or NHWC data."""

    def __init__(self, pool_size=(2, 2), strides=None, padding=0, layout='NCHW', ceil_mode=False, **kwargs):
        super().__init__(pool_size, strides, padding, ceil_mode, False, 'max', layout, 2, **kwargs)


class MaxPool3D(_Pooling):
    """Max over windows of NCDHW or NDHWC data."""

    def __init__(self, pool_size=(2, 2, 2), strides=None, padding=0, ceil_mode=False, layout='NCDHW', **kwargs):
        super().__init__(pool_size, strides, padding, ceil_mode, False, 'max', layout, 3, **kwargs)


class AvgPool1D(_Pooling):
    """Mean over windows of NCW or NWC data; count_include_pad counts the padding in the divisor."""

    def __init__(self, pool_size=2, strides=None, padding=0, layout='NCW', ceil_mode=False, count_include_pad=True,
                 **kwargs):
        super().__init__(pool_size, strides, padding, ceil_mode, False, 'avg', layout, 1, count_include_pad,
                         **kwargs)


class AvgPool2D(_Pooling):
    """Mean over windows of NCHW or NHWC data; count_include_pad counts the padding in the divisor."""

    def __init__(self, pool_size=(2, 2), strides=None, padding=0, ceil_mode=False, layout='NCHW',
                 count_include_pad=True, **kwargs):
        super().__init__(pool_size, strides, padding, ceil_mode, False, 'avg', layout, 2, count_include_pad,
                         **kwargs)


class AvgPool3D(_Pooling):
    """Mean over windows of NCDHW or NDHWC data; count_include_pad counts the padding in the divisor."""

    def __init__(self, pool_size=(2, 2, 2), strides=None, padding=0, ceil_mode=False, layout='NCDHW',
                 count_include_pad=True, **kwargs):
        super().__init__(pool_size, strides, padding, ceil_mode, False, 'avg', layout, 3, count_include_pad,
                         **kwargs)


class GlobalMaxPool1D(_Pooling):
    """Max over the whole width: (N, C, W) -> (N, C, 1) (NWC: (N, 1, C))."""

    def __init__(self, layout='NCW', **kwargs):
        super().__init__((1,), None, 0, True, True, 'max', layout, 1, **kwargs)


class GlobalMaxPool2D(_Pooling):
    """Max over the whole image: (N, C, H, W) -> (N, C, 1, 1) (NHWC: (N, 1, 1, C))."""

    def __init__(self, layout='NCHW', **kwargs):
        super().__init__((1, 1), None, 0, True, True, 'max', layout, 2, **kwargs)


class GlobalMaxPool3D(_Pooling):
    """Max over the whole volume: (N, C, D, H, W) -> (N, C, 1, 1, 1)."""

    def __init__(self, layout='NCDHW', **kwargs):
        super().__init__((1, 1, 1), None, 0, True, True, 'max', layout, 3, **kwargs)


class GlobalAvgPool1D(_Pooling):
    """Mean over the whole width: (N, C, W) -> (N, C, 1) (NWC: (N, 1, C))."""

    def __init__(self, layout='NCW', **kwargs):
        super().__init__((1,), None, 0, True, True, 'avg', layout, 1, **kwargs)


class GlobalAvgPool2D(_Pooling):
    """Mean over the whole image: (N, C, H, W) -> (N, C, 1, 1) (NHWC: (N, 1, 1, C))."""

    def __init__(self, layout='NCHW', **kwargs):
        super().__init__((1, 1), None, 0, True, True, 'avg', layout, 2, **kwargs)


class GlobalAvgPool3D(_Pooling):
    """Mean over the whole volume: (N, C, D, H, W) -> (N, C, 1, 1, 1)."""

    def __init__(self, layout='NCDHW', **kwargs):
        super().__init__((1, 1, 1), None, 0, True, True, 'avg', layout, 3, **kwargs)


class ReflectionPad2D(HybridBlock):
    """Mirror-pad the last two axes of 4-D (N, C, H, W) data. padding is an int p (p on each side of
    H and W) or F.pad's 8-tuple pad_width; each must be smaller than the axis it pads."""

    def __init__(self, padding=0, **kwargs):
        super().__init__(**kwargs)
        if isinstance(padding, (int, float, np.generic)):
            padding = (0, 0, 0, 0, padding, padding, padding, padding)
        assert len(padding) == 8, 'ReflectionPad2D: padding=%r must be a number or 8 ints (pad_width)' % (padding,)
        self._padding = padding

    def hybrid_forward(self, F, x):
        return F.pad(x, mode='reflect', pad_width=self._padding)
