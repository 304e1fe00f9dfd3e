"""Basic layers of gluon.nn: containers, Dense, Dropout, the normalizations, Embedding, Flatten, Lambdas."""
import warnings

import numpy as np

from ... import ndarray as nd
from ..block import Block, HybridBlock
from ..utils import _indent
from .activations import Activation

__all__ = ['Sequential', 'HybridSequential', 'Dense', 'Dropout', 'Embedding', 'BatchNorm', 'BatchNormReLU',
           'InstanceNorm', 'LayerNorm', 'GroupNorm', 'Flatten', 'Lambda', 'HybridLambda']


class _Stack:
    """What Sequential and HybridSequential share: add, indexing, len, repr."""

    def add(self, *blocks):
        """Append blocks as children, run in order."""
        for block in blocks:
            self.register_child(block)

    def __repr__(self):
        lines = ['  (%s): %s' % (k, _indent(repr(v), 2)) for k, v in self._children.items()]
        return '%s(\n%s\n)' % (self.__class__.__name__, '\n'.join(lines))

    def __getitem__(self, key):
        """A child, or for a slice a new container of the same type and prefix holding those children."""
        layers = list(self._children.values())[key]
        if not isinstance(layers, list):
            return layers
        net = type(self)(prefix=self._prefix)
        with net.name_scope():
            net.add(*layers)
        return net

    def __len__(self):
        return len(self._children)


class Sequential(_Stack, Block):
    """Children run one after the other."""

    def __init__(self, prefix=None, params=None):
        super().__init__(prefix=prefix, params=params)

    def forward(self, x):
        for block in self._children.values():
            x = block(x)
        return x

    def hybridize(self, active=True, **kwargs):
        if self._children and all(isinstance(c, HybridBlock) for c in self._children.values()):
            warnings.warn("All children of this Sequential layer '%s' are HybridBlocks. Consider using "
                          'HybridSequential for the best performance.' % self.prefix, stacklevel=2)
        super().hybridize(active, **kwargs)


class HybridSequential(_Stack, HybridBlock):
    """Sequential of HybridBlocks."""

    def __init__(self, prefix=None, params=None):
        super().__init__(prefix=prefix, params=params)

    def hybrid_forward(self, F, x):
        for block in self._children.values():
            x = block(x)
        return x


class Dense(HybridBlock):
    """y = activation(x . weight^T + bias); weight is (units, in_units), in_units=0 inferred
    at the first forward. flatten=True flattens all but the first input axis."""

    def __init__(self, units, activation=None, use_bias=True, flatten=True, dtype='float32',
                 weight_initializer=None, bias_initializer='zeros', in_units=0, **kwargs):
        super().__init__(**kwargs)
        self._flatten = flatten
        with self.name_scope():
            self._units = units
            self._in_units = in_units
            self.weight = self.params.get('weight', shape=(units, in_units), init=weight_initializer,
                                          dtype=dtype, allow_deferred_init=True)
            self.bias = None
            if use_bias:
                self.bias = self.params.get('bias', shape=(units,), init=bias_initializer, dtype=dtype,
                                            allow_deferred_init=True)
            self.act = None
            if activation is not None:
                self.act = Activation(activation, prefix=activation + '_')

    def infer_shape(self, x, *args):
        in_units = int(np.prod(x.shape[1:])) if self._flatten else x.shape[-1]
        self.weight.shape = (self._units, in_units)

    def hybrid_forward(self, F, x, weight, bias=None):
        out = F.FullyConnected(x, weight, bias, no_bias=bias is None, num_hidden=self._units,
                               flatten=self._flatten, name='fwd')
        return self.act(out) if self.act is not None else out

    def __repr__(self):
        shape = self.weight.shape
        return '%s(%s -> %s, %s)' % (self.__class__.__name__, shape[1] if shape[1] else None, shape[0],
                                     self.act if self.act else 'linear')


class Dropout(HybridBlock):
    """Zero each element with probability `rate` in training (scaling the rest by 1/(1-rate));
    `axes` share one mask along those axes. The identity in predict mode."""

    def __init__(self, rate, axes=(), **kwargs):
        super().__init__(**kwargs)
        self._rate = rate
        self._axes = axes

    def hybrid_forward(self, F, x):
        if self._rate > 0:
            return F.Dropout(x, p=self._rate, axes=self._axes, name='fwd', cudnn_off=False)
        return F.identity(x)

    def __repr__(self):
        return '%s(p = %s, axes=%s)' % (self.__class__.__name__, self._rate, self._axes)


def _channels_from_axis(block, x, axis, names):
    """infer_shape of the normalizations: every Parameter in `names` gets (x.shape[axis],)."""
    c = x.shape[axis]
    for name in names:
        getattr(block, name).shape = (c,)


class _BatchNorm(HybridBlock):
    """BatchNorm's machinery; `fuse_relu` applies a relu after it (BatchNormReLU)."""

    def __init__(self, axis=1, momentum=0.9, epsilon=1e-5, center=True, scale=True, use_global_stats=False,
                 fuse_relu=False, beta_initializer='zeros', gamma_initializer='ones',
                 running_mean_initializer='zeros', running_variance_initializer='ones', in_channels=0, **kwargs):
        super().__init__(**kwargs)
        self._kwargs = {'axis': axis, 'eps': epsilon, 'momentum': momentum, 'fix_gamma': not scale,
                        'use_global_stats': use_global_stats}
        self.fuse_relu = fuse_relu
        if in_channels != 0:
            self.in_channels = in_channels
        self.gamma = self.params.get('gamma', grad_req='write' if scale else 'null', shape=(in_channels,),
                                     init=gamma_initializer, allow_deferred_init=True, differentiable=scale)
        self.beta = self.params.get('beta', grad_req='write' if center else 'null', shape=(in_channels,),
                                    init=beta_initializer, allow_deferred_init=True, differentiable=center)
        self.running_mean = self.params.get('running_mean', grad_req='null', shape=(in_channels,),
                                            init=running_mean_initializer, allow_deferred_init=True,
                                            differentiable=False)
        self.running_var = self.params.get('running_var', grad_req='null', shape=(in_channels,),
                                           init=running_variance_initializer, allow_deferred_init=True,
                                           differentiable=False)

    def cast(self, dtype):
        if np.dtype(dtype).name == 'float16':   # the statistics stay float32 (as MXNet)
            dtype = 'float32'
        super().cast(dtype)

    def infer_shape(self, x, *args):
        _channels_from_axis(self, x, self._kwargs['axis'], ('gamma', 'beta', 'running_mean', 'running_var'))

    def hybrid_forward(self, F, x, gamma, beta, running_mean, running_var):
        out = F.BatchNorm(x, gamma, beta, running_mean, running_var, name='fwd', **self._kwargs)
        return F.relu(out) if self.fuse_relu else out

    def __repr__(self):
        content = ', '.join('%s=%r' % kv for kv in self._kwargs.items())
        in_channels = self.gamma.shape[0]
        return '%s(%s, in_channels=%s)' % (self.__class__.__name__, content, in_channels if in_channels else None)


class BatchNorm(_BatchNorm):
    """Batch normalization over `axis` (channels). Training mode (autograd.record()) normalizes
    with the batch statistics and updates running_mean / running_var (grad_req 'null'
    Parameters) by `momentum`; predict mode uses the running statistics."""

    def __init__(self, axis=1, momentum=0.9, epsilon=1e-5, center=True, scale=True, use_global_stats=False,
                 beta_initializer='zeros', gamma_initializer='ones', running_mean_initializer='zeros',
                 running_variance_initializer='ones', in_channels=0, **kwargs):
        super().__init__(axis=axis, momentum=momentum, epsilon=epsilon, center=center, scale=scale,
                         use_global_stats=use_global_stats, fuse_relu=False, beta_initializer=beta_initializer,
                         gamma_initializer=gamma_initializer, running_mean_initializer=running_mean_initializer,
                         running_variance_initializer=running_variance_initializer, in_channels=in_channels,
                         **kwargs)


class BatchNormReLU(_BatchNorm):
    """BatchNorm followed by relu. (MXNet 1.9.1 runs it only with MKL-DNN; here it is the
    composition, everywhere.)"""

    def __init__(self, axis=1, momentum=0.9, epsilon=1e-5, center=True, scale=True, use_global_stats=False,
                 beta_initializer='zeros', gamma_initializer='ones', running_mean_initializer='zeros',
                 running_variance_initializer='ones', in_channels=0, **kwargs):
        super().__init__(axis=axis, momentum=momentum, epsilon=epsilon, center=center, scale=scale,
                         use_global_stats=use_global_stats, fuse_relu=True, beta_initializer=beta_initializer,
                         gamma_initializer=gamma_initializer, running_mean_initializer=running_mean_initializer,
                         running_variance_initializer=running_variance_initializer, in_channels=in_channels,
                         **kwargs)


class Embedding(HybridBlock):
    """Rows of weight (input_dim, output_dim) looked up by integer indices. sparse_grad is accepted;
    the gradient is dense in mxjax."""

    def __init__(self, input_dim, output_dim, dtype='float32', weight_initializer=None, sparse_grad=False,
                 **kwargs):
        super().__init__(**kwargs)
        self._kwargs = {'input_dim': input_dim, 'output_dim': output_dim, 'dtype': dtype,
                        'sparse_grad': sparse_grad}
        self.weight = self.params.get('weight', shape=(input_dim, output_dim), init=weight_initializer,
                                      dtype=dtype, allow_deferred_init=True,
                                      grad_stype='row_sparse' if sparse_grad else 'default')

    def hybrid_forward(self, F, x, weight):
        return F.Embedding(x, weight, name='fwd', **self._kwargs)

    def __repr__(self):
        return '%s(%s -> %s, %s)' % (self.__class__.__name__, self._kwargs['input_dim'],
                                     self._kwargs['output_dim'], self._kwargs['dtype'])


class Flatten(HybridBlock):
    """(N, d1, d2, ...) -> (N, d1 * d2 * ...)."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)

    def hybrid_forward(self, F, x):
        return F.flatten(x)

    def __repr__(self):
        return self.__class__.__name__


class _Norm(HybridBlock):
    """gamma and beta of shape (in_channels,) and the repr the normalizations share."""

    def __init__(self, kwargs, center, scale, beta_initializer, gamma_initializer, channels, prefix=None,
                 params=None):
        super().__init__(prefix=prefix, params=params)
        self._kwargs = kwargs
        self._epsilon = kwargs['eps']
        self.gamma = self.params.get('gamma', grad_req='write' if scale else 'null', shape=(channels,),
                                     init=gamma_initializer, allow_deferred_init=True)
        self.beta = self.params.get('beta', grad_req='write' if center else 'null', shape=(channels,),
                                    init=beta_initializer, allow_deferred_init=True)

    def infer_shape(self, x, *args):
        _channels_from_axis(self, x, self._axis, ('gamma', 'beta'))

    def __repr__(self):
        return '%s(%s, in_channels=%s)' % (self.__class__.__name__, ', '.join('%s=%r' % kv for kv in
                                                                              self._kwargs.items()),
                                           self.gamma.shape[0])


class InstanceNorm(_Norm):
    """Normalize each sample and channel (`axis`) over the remaining axes."""

    def __init__(self, axis=1, epsilon=1e-5, center=True, scale=False, beta_initializer='zeros',
                 gamma_initializer='ones', in_channels=0, **kwargs):
        self._axis = axis
        super().__init__({'eps': epsilon, 'axis': axis, 'center': center, 'scale': scale}, center, scale,
                         beta_initializer, gamma_initializer, in_channels, **kwargs)

    def hybrid_forward(self, F, x, gamma, beta):
        if self._axis == 1:
            return F.InstanceNorm(x, gamma, beta, name='fwd', eps=self._epsilon)
        x = x.swapaxes(1, self._axis)
        return F.InstanceNorm(x, gamma, beta, name='fwd', eps=self._epsilon).swapaxes(1, self._axis)


class LayerNorm(_Norm):
    """Normalize over `axis` (default the last), then scale by gamma and shift by beta."""

    def __init__(self, axis=-1, epsilon=1e-5, center=True, scale=True, beta_initializer='zeros',
                 gamma_initializer='ones', in_channels=0, prefix=None, params=None):
        self._axis = axis
        self._center = center
        self._scale = scale
        super().__init__({'eps': epsilon, 'axis': axis, 'center': center, 'scale': scale}, center, scale,
                         beta_initializer, gamma_initializer, in_channels, prefix, params)

    def hybrid_forward(self, F, data, gamma, beta):
        return F.LayerNorm(data, gamma=gamma, beta=beta, axis=self._axis, eps=self._epsilon)


class GroupNorm(_Norm):
    """Normalize each of `num_groups` channel groups (axis 1); gamma and beta have one value per group."""

    def __init__(self, num_groups=1, epsilon=1e-5, center=True, scale=True, beta_initializer='zeros',
                 gamma_initializer='ones', prefix=None, params=None):
        self._num_groups = num_groups
        self._center = center
        self._scale = scale
        super().__init__({'eps': epsilon, 'num_groups': num_groups, 'center': center, 'scale': scale}, center,
                         scale, beta_initializer, gamma_initializer, num_groups, prefix, params)

    def hybrid_forward(self, F, data, gamma, beta):
        return F.GroupNorm(data, gamma=gamma, beta=beta, num_groups=self._num_groups, eps=self._epsilon)

    def __repr__(self):
        return '%s(%s)' % (self.__class__.__name__, ', '.join('%s=%r' % kv for kv in self._kwargs.items()))


class Lambda(Block):
    """A Block running `function` (a callable, or the name of an mx.nd function) on its inputs."""

    def __init__(self, function, prefix=None):
        super().__init__(prefix=prefix)
        if isinstance(function, str):
            assert hasattr(nd, function), 'Function name %s is not found in ndarray.' % function
            self._func_impl = getattr(nd, function)
        elif callable(function):
            self._func_impl = function
        else:
            raise ValueError('Unrecognized function in lambda: %s of type %s' % (function, type(function)))

    def forward(self, *args):
        return self._func_impl(*args)

    def __repr__(self):
        return '%s(%s)' % (self.__class__.__name__, self._func_impl.__name__)


class HybridLambda(HybridBlock):
    """A HybridBlock running `function(F, x, *args)`, or F.<function>(x, *args) for a name."""

    def __init__(self, function, prefix=None):
        super().__init__(prefix=prefix)
        if isinstance(function, str):
            assert hasattr(nd, function), 'Function name %s is not found in symbol/ndarray.' % function
            self._func = lambda F, *args: getattr(F, function)(*args)
            self._func_name = function
        elif callable(function):
            self._func = function
            self._func_name = function.__name__
        else:
            raise ValueError('Unrecognized function in lambda: %s of type %s' % (function, type(function)))

    def hybrid_forward(self, F, x, *args):
        return self._func(F, x, *args)

    def __repr__(self):
        return '%s(%s)' % (self.__class__.__name__, self._func_name)
