"""Golden facts and values of gluon.nn's convolution, pooling and padding layers and of
gluon.contrib.nn's pixel shuffles, from MXNet 1.9.1.

Run with MXNet: ~/mxref/bin/python compat_tests/golden/gen_gluon_conv.py
(writes gluon_conv.json and gluon_conv.npz).

Cases follow gen_gluon.py (whose helpers they use): a function of the module `mx` returning
{key: value}; arrays go to the .npz as 'case/key', the rest to the .json. Layers are created
without in_channels where the case says so, run once to finish the deferred initialization, then
get fixed Parameter values and one recorded forward/backward with a fixed head gradient.
MXNet's CPU build cannot compute channel-last convolutions: for CHANNEL_LAST cases the golden
file keeps their shapes, names and reprs and MXNet's CPU error, and test_gluon_conv.py checks
the values against the channel-first case of the same numbers, transposed.
Cases in NATIVE run in a second process with MXNET_MKLDNN_ENABLED=0 (MXNet's own kernels): the
pip build's oneDNN average pooling divides the gradient of a ceil_mode window reaching past the
input by the whole window, not by the count its own forward divides by.
"""
import json
import os
import pickle
import subprocess
import sys
import tempfile

import numpy as np

from gen_gluon import err, forward_backward, fresh, param_facts, set_params, stdout_of, values

HERE = os.path.dirname(os.path.abspath(__file__))
CASES = {}
NATIVE = ('layer_avgpool3d_ceil',)


def _nn(mx):
    return mx.gluon.nn


def _cnn(mx):
    return mx.gluon.contrib.nn


LAYERS = {
    # name: (make(mx) -> block, input shape); blocks without in_channels are initialized on the first input
    'conv1d': (lambda mx: _nn(mx).Conv1D(4, 3, strides=2, padding=1, in_channels=3), (2, 3, 8)),
    'conv1d_deferred_relu': (lambda mx: _nn(mx).Conv1D(4, 3, dilation=2, activation='relu'), (2, 3, 8)),
    'conv2d': (lambda mx: _nn(mx).Conv2D(4, 3, padding=1), (2, 3, 5, 5)),
    'conv2d_groups_nobias': (lambda mx: _nn(mx).Conv2D(4, (3, 2), strides=(2, 1), groups=2, use_bias=False,
                                                       in_channels=4), (2, 4, 5, 5)),
    'conv2d_dilate_tanh': (lambda mx: _nn(mx).Conv2D(3, 2, dilation=2, padding=(1, 0), activation='tanh'),
                           (2, 3, 5, 5)),
    'conv3d': (lambda mx: _nn(mx).Conv3D(2, 2, strides=(1, 2, 1), padding=1), (1, 2, 3, 4, 3)),
    'conv1d_transpose': (lambda mx: _nn(mx).Conv1DTranspose(3, 3, strides=2, padding=1, output_padding=1,
                                                            in_channels=2), (2, 2, 5)),
    'conv2d_transpose_groups': (lambda mx: _nn(mx).Conv2DTranspose(4, 3, strides=2, padding=1, output_padding=1,
                                                                   groups=2, in_channels=2), (2, 2, 3, 3)),
    'conv2d_transpose_dilate': (lambda mx: _nn(mx).Conv2DTranspose(2, 2, dilation=2, use_bias=False,
                                                                   activation='sigmoid', in_channels=3),
                                (2, 3, 3, 3)),
    'conv3d_transpose': (lambda mx: _nn(mx).Conv3DTranspose(2, 2, strides=2), (1, 2, 2, 3, 2)),
    'maxpool1d': (lambda mx: _nn(mx).MaxPool1D(), (2, 3, 8)),
    'maxpool2d_ceil': (lambda mx: _nn(mx).MaxPool2D(3, 2, 1, ceil_mode=True), (2, 3, 6, 6)),
    'maxpool3d': (lambda mx: _nn(mx).MaxPool3D((2, 2, 1)), (1, 2, 3, 4, 3)),
    'maxpool1d_nwc': (lambda mx: _nn(mx).MaxPool1D(3, 2, layout='NWC'), (2, 8, 3)),
    'maxpool2d_nhwc': (lambda mx: _nn(mx).MaxPool2D(padding=1, layout='NHWC'), (2, 5, 5, 3)),
    'avgpool1d_exclude_pad': (lambda mx: _nn(mx).AvgPool1D(3, padding=1, count_include_pad=False), (2, 3, 8)),
    'avgpool2d_ceil': (lambda mx: _nn(mx).AvgPool2D(3, strides=2, padding=1, ceil_mode=True), (2, 3, 6, 6)),
    'avgpool2d_exclude_pad': (lambda mx: _nn(mx).AvgPool2D((2, 3), strides=1, padding=1, count_include_pad=False),
                              (2, 3, 5, 5)),
    'avgpool2d_nhwc': (lambda mx: _nn(mx).AvgPool2D(3, 2, 1, layout='NHWC', count_include_pad=False),
                       (2, 5, 5, 3)),
    'avgpool3d_ceil': (lambda mx: _nn(mx).AvgPool3D(2, ceil_mode=True), (1, 2, 3, 4, 3)),
    'avgpool3d_ndhwc': (lambda mx: _nn(mx).AvgPool3D(2, layout='NDHWC'), (1, 3, 4, 3, 2)),
    'globalmaxpool1d': (lambda mx: _nn(mx).GlobalMaxPool1D(), (2, 3, 8)),
    'globalavgpool1d_nwc': (lambda mx: _nn(mx).GlobalAvgPool1D(layout='NWC'), (2, 8, 3)),
    'globalmaxpool2d': (lambda mx: _nn(mx).GlobalMaxPool2D(), (2, 3, 5, 5)),
    'globalavgpool2d': (lambda mx: _nn(mx).GlobalAvgPool2D(), (2, 3, 5, 5)),
    'globalmaxpool2d_nhwc': (lambda mx: _nn(mx).GlobalMaxPool2D(layout='NHWC'), (2, 5, 5, 3)),
    'globalmaxpool3d': (lambda mx: _nn(mx).GlobalMaxPool3D(), (1, 2, 3, 4, 3)),
    'globalavgpool3d_ndhwc': (lambda mx: _nn(mx).GlobalAvgPool3D(layout='NDHWC'), (1, 3, 4, 3, 2)),
    'reflectionpad2d': (lambda mx: _nn(mx).ReflectionPad2D(2), (2, 3, 5, 5)),
    'reflectionpad2d_pad_width': (lambda mx: _nn(mx).ReflectionPad2D((0, 0, 0, 0, 1, 2, 0, 1)), (2, 3, 5, 5)),
    'pixelshuffle1d': (lambda mx: _cnn(mx).PixelShuffle1D(2), (2, 6, 3)),
    'pixelshuffle2d': (lambda mx: _cnn(mx).PixelShuffle2D((2, 3)), (1, 12, 2, 3)),
    'pixelshuffle3d': (lambda mx: _cnn(mx).PixelShuffle3D(2), (1, 8, 2, 1, 2)),
}

CHANNEL_LAST = {
    # name: (make(mx) -> block, the channel-first case of the same numbers)
    'conv2d_nhwc': (lambda mx: _nn(mx).Conv2D(4, 3, padding=1, layout='NHWC'), 'conv2d'),
    'conv2d_groups_nhwc': (lambda mx: _nn(mx).Conv2D(4, (3, 2), strides=(2, 1), groups=2, use_bias=False,
                                                     layout='NHWC', in_channels=4), 'conv2d_groups_nobias'),
    'conv3d_ndhwc': (lambda mx: _nn(mx).Conv3D(2, 2, strides=(1, 2, 1), padding=1, layout='NDHWC'), 'conv3d'),
    'conv2d_transpose_nhwc': (lambda mx: _nn(mx).Conv2DTranspose(4, 3, strides=2, padding=1, output_padding=1,
                                                                 groups=2, layout='NHWC', in_channels=2),
                              'conv2d_transpose_groups'),
    'conv3d_transpose_ndhwc': (lambda mx: _nn(mx).Conv3DTranspose(2, 2, strides=2, layout='NDHWC'),
                               'conv3d_transpose'),
}


def to_last(a):
    """Channel-first -> channel-last (data and weights: axis 1 goes last; a bias stays)."""
    return a if a.ndim == 1 else a.transpose((0,) + tuple(range(2, a.ndim)) + (1,))


def initialized(mx, block, x):
    """Initialize, finishing a deferred initialization with one forward on x."""
    block.initialize()
    with mx.autograd.predict_mode():
        block(mx.nd.array(x))
    return block


def _layer_case(name):
    make, shape = LAYERS[name]

    def run(mx):
        fresh(mx)
        block = make(mx)
        res = {'repr before': repr(block)}
        x = values(shape, 7)
        initialized(mx, block, x)
        res.update(repr=repr(block), params=param_facts(block), prefix=block.prefix)
        set_params(block)
        res.update(forward_backward(mx, block, x))
        return res
    run.__name__ = 'layer_' + name
    return run


for _name in LAYERS:
    CASES['layer_' + _name] = _layer_case(_name)


def channel_last_facts(mx, name):
    """What MXNet's CPU build can tell about a channel-last layer: shapes, names, reprs."""
    make, first = CHANNEL_LAST[name]
    fresh(mx)
    block = make(mx)
    res = {'repr before': repr(block)}
    block.initialize()
    with mx.autograd.predict_mode():
        y = block(mx.nd.array(to_last(values(LAYERS[first][1], 7))))
    res.update(repr=repr(block), params=param_facts(block), out_shape=list(y.shape))
    return res


def channel_last_cpu_error(mx, name):
    """MXNet 1.9.1's CPU build fails computing a channel-last convolution (the type it raises)."""
    make, first = CHANNEL_LAST[name]
    fresh(mx)
    block = make(mx)
    block.initialize()
    return err(lambda: forward_backward(mx, block, to_last(values(LAYERS[first][1], 7))))


def case(fn):
    CASES[fn.__name__] = fn
    return fn


@case
def names(mx):
    """The public names this file covers."""
    nn = mx.gluon.nn
    return {'conv_layers': sorted(n for n in dir(nn) if 'Conv' in n or 'Pool' in n or 'Pad' in n),
            'contrib': sorted(n for n in dir(mx.gluon.contrib.nn) if n.startswith('PixelShuffle'))}


@case
def reprs(mx):
    fresh(mx)
    nn, cnn = mx.gluon.nn, mx.gluon.contrib.nn
    blocks = [nn.Conv2D(8, 3), nn.Conv2D(8, 3, in_channels=4),
              nn.Conv2D(8, 3, groups=2, in_channels=4, strides=2, padding=1, dilation=2, activation='relu',
                        use_bias=False),
              nn.Conv2D(8, [3, 2], strides=[1, 2], padding=[1, 0]), nn.Conv2D(8, 3, padding=[0, 0], dilation=[1, 1]),
              nn.Conv2D(8, 3, layout='NHWC', in_channels=4), nn.Conv2D(8, 3, layout='NHWC'),
              nn.Conv1D(8, 3, in_channels=4), nn.Conv1D(8, 3, strides=2, padding=1, groups=4, in_channels=4),
              nn.Conv3D(8, 3, in_channels=4), nn.Conv3D(8, (1, 2, 3), layout='NDHWC', in_channels=4),
              nn.Conv2DTranspose(8, 3, in_channels=4), nn.Conv2DTranspose(8, 3),
              nn.Conv2DTranspose(8, 3, strides=2, output_padding=1, groups=2, in_channels=4),
              nn.Conv1DTranspose(8, 3, strides=2, output_padding=1, in_channels=4, activation='tanh'),
              nn.Conv3DTranspose(8, 3, in_channels=4, layout='NDHWC'),
              nn.Conv2DTranspose(8, 3, in_channels=4, layout='NHWC'),
              nn.MaxPool2D(), nn.MaxPool2D(3, 2, 1, ceil_mode=True), nn.MaxPool1D(layout='NWC'),
              nn.MaxPool3D(2, padding=(1, 0, 1)), nn.MaxPool2D(count_include_pad=False),
              nn.AvgPool1D(3, padding=1, count_include_pad=False), nn.AvgPool2D([2, 3], strides=[1, 2]),
              nn.AvgPool3D(layout='NDHWC'), nn.GlobalAvgPool2D(), nn.GlobalMaxPool1D(layout='NWC'),
              nn.GlobalMaxPool3D(), nn.GlobalAvgPool1D(), nn.GlobalMaxPool2D(layout='NHWC'),
              nn.GlobalAvgPool3D(layout='NDHWC'), nn.ReflectionPad2D(2),
              cnn.PixelShuffle1D(2), cnn.PixelShuffle2D((2, 3)), cnn.PixelShuffle2D(2), cnn.PixelShuffle3D(2),
              cnn.PixelShuffle3D([1, 2, 3])]
    return {'reprs': [repr(b) for b in blocks], 'prefixes': [b.prefix for b in blocks],
            'params': [param_facts(b) for b in blocks]}


def _convnet(mx):
    nn = mx.gluon.nn
    net = nn.HybridSequential()
    with net.name_scope():
        net.add(nn.Conv2D(4, 3, padding=1, activation='relu'), nn.MaxPool2D(), nn.BatchNorm(),
                nn.Conv2DTranspose(2, 2, strides=2, use_bias=False), nn.GlobalAvgPool2D(), nn.Flatten(),
                nn.Dense(3))
    return net


@case
def convnet(mx):
    """A small network: repr and Parameters before and after deferred initialization, summary,
    output and gradients, and the same when hybridized."""
    fresh(mx)
    net = _convnet(mx)
    x = values((2, 3, 4, 4), 5)
    res = {'repr before': repr(net), 'params before': param_facts(net)}
    # initialized first: MXNet's summary during a deferred initialization lists a Symbol row
    initialized(mx, net, x)
    res.update(repr=repr(net), params=param_facts(net))
    res['summary'] = stdout_of(lambda: net.summary(mx.nd.array(x)))
    set_params(net)
    res.update(forward_backward(mx, net, x))
    net.hybridize()
    with mx.autograd.predict_mode():
        res['hybridized out'] = net(mx.nd.array(x)).asnumpy()
    return res


@case
def errors(mx):
    """Bad arguments at construction, bad input at the first forward (deferred initialization turns
    the op's shape errors into ValueError) and later."""
    nn, cnn, nd = mx.gluon.nn, mx.gluon.contrib.nn, mx.nd
    fresh(mx)

    def fwd(block, shape):
        block.initialize()
        return block(nd.ones(shape)).asnumpy()

    return {
        'Conv1D NWC': err(lambda: nn.Conv1D(8, 3, layout='NWC')),
        'Conv2D NCW': err(lambda: nn.Conv2D(8, 3, layout='NCW')),
        'Conv3D NCHW': err(lambda: nn.Conv3D(8, 3, layout='NCHW')),
        'Conv2DTranspose NWC': err(lambda: nn.Conv2DTranspose(8, 3, layout='NWC')),
        'Conv2D kernel 3 dims': err(lambda: nn.Conv2D(8, (3, 3, 3))),
        'Conv1DTranspose output_padding 2 dims': err(lambda: nn.Conv1DTranspose(8, 3, output_padding=(1, 1))),
        'Conv2D strides 3 dims': err(lambda: nn.Conv2D(8, 3, strides=(1, 2, 3))),
        'Conv2D padding 3 dims': err(lambda: nn.Conv2D(8, 3, padding=(1, 1, 1))),
        'Conv2D dilation 3 dims': err(lambda: nn.Conv2D(8, 3, dilation=(1, 1, 1))),
        'Conv2D groups do not divide channels': err(lambda: nn.Conv2D(6, 3, groups=4)),
        'Conv2D groups do not divide in_channels': err(lambda: nn.Conv2D(6, 3, groups=3, in_channels=4)),
        'Conv2DTranspose groups do not divide in_channels': err(lambda: nn.Conv2DTranspose(6, 3, groups=3,
                                                                                           in_channels=8)),
        'Conv2DTranspose groups without in_channels': err(lambda: nn.Conv2DTranspose(6, 3, groups=2)),
        'Conv2D strides 0': err(lambda: nn.Conv2D(6, 3, strides=0)),
        'Conv2D dilation 0': err(lambda: nn.Conv2D(6, 3, dilation=0)),
        'Conv2D kernel 0': err(lambda: nn.Conv2D(6, 0)),
        'Conv2D channels 0': err(lambda: nn.Conv2D(0, 3)),
        'Conv2D float kernel': err(lambda: nn.Conv2D(6, 3.0)),
        'Conv2DTranspose output_padding >= strides': err(lambda: nn.Conv2DTranspose(6, 3, strides=2,
                                                                                    output_padding=2)),
        'MaxPool1D NCHW': err(lambda: nn.MaxPool1D(layout='NCHW')),
        'AvgPool2D NCW': err(lambda: nn.AvgPool2D(layout='NCW')),
        'GlobalMaxPool3D NCHW': err(lambda: nn.GlobalMaxPool3D(layout='NCHW')),
        'MaxPool2D pool_size 3 dims': err(lambda: nn.MaxPool2D(pool_size=(2, 2, 2))),
        'ReflectionPad2D 2 values': err(lambda: nn.ReflectionPad2D((1, 2))),
        'PixelShuffle2D 3 factors': err(lambda: cnn.PixelShuffle2D((1, 2, 3))),
        'deferred Conv2D on 3-D input': err(lambda: fwd(nn.Conv2D(6, 3), (2, 3, 5))),
        'deferred Conv2D NHWC on 3-D input': err(lambda: fwd(nn.Conv2D(6, 3, layout='NHWC'), (2, 5, 3))),
        'deferred Conv1D on 4-D input': err(lambda: fwd(nn.Conv1D(6, 3), (2, 3, 5, 5))),
        'deferred Conv2DTranspose on 3-D input': err(lambda: fwd(nn.Conv2DTranspose(6, 3), (2, 3, 5))),
        'deferred Conv2D kernel exceeds input': err(lambda: fwd(nn.Conv2D(6, 3), (2, 3, 2, 5))),
        'deferred Conv2D groups do not divide input channels': err(lambda: fwd(nn.Conv2D(6, 3, groups=2),
                                                                               (2, 3, 5, 5))),
        'Conv2D on 3-D input': err(lambda: fwd(nn.Conv2D(6, 3, in_channels=3), (2, 3, 5))),
        'Conv2D in_channels differ': err(lambda: fwd(nn.Conv2D(6, 3, in_channels=3), (2, 4, 5, 5))),
        'Conv2D kernel exceeds input': err(lambda: fwd(nn.Conv2D(6, 3, in_channels=3), (2, 3, 2, 5))),
        'MaxPool2D on 3-D input': err(lambda: fwd(nn.MaxPool2D(), (2, 3, 5))),
        'MaxPool2D kernel exceeds input': err(lambda: fwd(nn.MaxPool2D(3), (2, 3, 2, 2))),
        'GlobalAvgPool2D on 3-D input': err(lambda: fwd(nn.GlobalAvgPool2D(), (2, 4, 4))),
        'ReflectionPad2D on 3-D input': err(lambda: fwd(nn.ReflectionPad2D(1), (2, 4, 4))),
        'ReflectionPad2D padding >= size': err(lambda: fwd(nn.ReflectionPad2D(4), (2, 3, 4, 4))),
        'PixelShuffle2D channels do not split': err(lambda: fwd(cnn.PixelShuffle2D(2), (1, 6, 2, 2))),
    }


def native_results(names):
    """The cases `names` computed by MXNet's own kernels (a second process without oneDNN)."""
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, 'native.pkl')
        subprocess.run([sys.executable, os.path.abspath(__file__), '--native', out] + list(names), check=True,
                       env=dict(os.environ, MXNET_MKLDNN_ENABLED='0', MXNET_STORAGE_FALLBACK_LOG_VERBOSE='0'))
        with open(out, 'rb') as f:
            return pickle.load(f)


def main():
    import mxnet as mx
    if sys.argv[1:2] == ['--native']:
        with open(sys.argv[2], 'wb') as f:
            pickle.dump({name: CASES[name](mx) for name in sys.argv[3:]}, f)
        return
    results = {name: fn(mx) for name, fn in CASES.items() if name not in NATIVE}
    results.update(native_results(NATIVE))
    for name in CHANNEL_LAST:   # last: MXNet's failed computations stay out of the other cases
        results['channel_last_' + name] = channel_last_facts(mx, name)
        results['channel_last_' + name]['cpu error'] = channel_last_cpu_error(mx, name)
        err(mx.nd.waitall)   # the other computations that failed with it
    facts, arrays = {}, {}
    for name, res in results.items():
        facts[name] = {}
        for k, v in res.items():
            if isinstance(v, np.ndarray):
                arrays['%s/%s' % (name, k)] = v
            else:
                facts[name][k] = v
    with open(os.path.join(HERE, 'gluon_conv.json'), 'w') as f:
        json.dump(facts, f, indent=1, sort_keys=True)
    np.savez_compressed(os.path.join(HERE, 'gluon_conv.npz'), **arrays)
    print('%d cases, %d arrays' % (len(facts), len(arrays)))


if __name__ == '__main__':
    main()
