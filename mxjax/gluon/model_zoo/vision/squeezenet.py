"""SqueezeNet 1.0 ("SqueezeNet: AlexNet-level accuracy with 50x fewer parameters") and 1.1 (the official
repository's cheaper variant)."""
from ....context import cpu
from ... import nn
from ...block import HybridBlock
from ...contrib.nn import HybridConcurrent
from ..model_store import _DEFAULT_ROOT, _load_pretrained

__all__ = ['SqueezeNet', 'squeezenet1_0', 'squeezenet1_1']

# after the stem: 'pool' is a 3x3/2 max-pool (ceil mode), a tuple a fire module's (squeeze, expand 1x1,
# expand 3x3) channels
_LAYOUT = {'1.0': [(96, 7), 'pool', (16, 64, 64), (16, 64, 64), (32, 128, 128), 'pool', (32, 128, 128),
                   (48, 192, 192), (48, 192, 192), (64, 256, 256), 'pool', (64, 256, 256)],
           '1.1': [(64, 3), 'pool', (16, 64, 64), (16, 64, 64), 'pool', (32, 128, 128), (32, 128, 128), 'pool',
                   (48, 192, 192), (48, 192, 192), (64, 256, 256), (64, 256, 256)]}


def _fire_conv(channels, kernel_size, padding=0):
    out = nn.HybridSequential(prefix='')
    out.add(nn.Conv2D(channels, kernel_size, padding=padding), nn.Activation('relu'))
    return out


def _fire(squeeze, expand1x1, expand3x3):
    """squeeze 1x1 convolution, then the 1x1 and 3x3 expansions concatenated on the channels."""
    out = nn.HybridSequential(prefix='')
    out.add(_fire_conv(squeeze, 1))
    paths = HybridConcurrent(axis=1, prefix='')
    paths.add(_fire_conv(expand1x1, 1), _fire_conv(expand3x3, 3, 1))
    out.add(paths)
    return out


class SqueezeNet(HybridBlock):
    """SqueezeNet `version` '1.0' or '1.1': fire modules, Dropout(0.5), then a 1x1 convolution to
    `classes` channels, relu and a 13x13 average pool (inputs at least 213 / 209 pixels square)."""

    def __init__(self, version, classes=1000, **kwargs):
        super().__init__(**kwargs)
        assert version in ['1.0', '1.1'], 'Unsupported SqueezeNet version {version}:1.0 or 1.1 expected'.format(
            version=version)
        with self.name_scope():
            self.features = nn.HybridSequential(prefix='')
            (channels, kernel), *rest = _LAYOUT[version]
            self.features.add(nn.Conv2D(channels, kernel_size=kernel, strides=2), nn.Activation('relu'))
            for item in rest:
                if item == 'pool':
                    self.features.add(nn.MaxPool2D(pool_size=3, strides=2, ceil_mode=True))
                else:
                    self.features.add(_fire(*item))
            self.features.add(nn.Dropout(0.5))
            self.output = nn.HybridSequential(prefix='')
            self.output.add(nn.Conv2D(classes, kernel_size=1), nn.Activation('relu'), nn.AvgPool2D(13), nn.Flatten())

    def hybrid_forward(self, F, x):
        return self.output(self.features(x))


def get_squeezenet(version, pretrained=False, ctx=cpu(), root=_DEFAULT_ROOT, **kwargs):
    """SqueezeNet `version` ('1.0' or '1.1'); pretrained=True loads root/squeezenet<version>-<hash>.params."""
    net = SqueezeNet(version, **kwargs)
    return _load_pretrained(net, 'squeezenet%s' % version, ctx, root) if pretrained else net


def squeezenet1_0(**kwargs):
    """SqueezeNet 1.0 (get_squeezenet's keywords)."""
    return get_squeezenet('1.0', **kwargs)


def squeezenet1_1(**kwargs):
    """SqueezeNet 1.1 (get_squeezenet's keywords)."""
    return get_squeezenet('1.1', **kwargs)
