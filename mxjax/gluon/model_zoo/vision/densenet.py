"""DenseNet-BC 121/161/169/201 ("Densely Connected Convolutional Networks")."""
from ....context import cpu
from ... import nn
from ...block import HybridBlock
from ...contrib.nn import HybridConcurrent, Identity
from ..model_store import _DEFAULT_ROOT, _load_pretrained

__all__ = ['DenseNet', 'densenet121', 'densenet161', 'densenet169', 'densenet201']

# num_layers -> (channels of the first convolution, growth rate, dense layers per block)
densenet_spec = {121: (64, 32, [6, 12, 24, 16]),
                 161: (96, 48, [6, 12, 36, 24]),
                 169: (64, 32, [6, 12, 32, 32]),
                 201: (64, 32, [6, 12, 48, 32])}


def _dense_layer(growth_rate, bn_size, dropout):
    """concat(x, f(x)) on the channels, f = BN-relu-conv1x1(bn_size * growth_rate)-BN-relu-conv3x3(growth_rate)."""
    new_features = nn.HybridSequential(prefix='')
    new_features.add(nn.BatchNorm(), nn.Activation('relu'),
                     nn.Conv2D(bn_size * growth_rate, kernel_size=1, use_bias=False),
                     nn.BatchNorm(), nn.Activation('relu'),
                     nn.Conv2D(growth_rate, kernel_size=3, padding=1, use_bias=False))
    if dropout:
        new_features.add(nn.Dropout(dropout))
    out = HybridConcurrent(axis=1, prefix='')
    out.add(Identity(), new_features)
    return out


def _dense_block(num_layers, bn_size, growth_rate, dropout, index):
    block = nn.HybridSequential(prefix='stage%d_' % index)
    with block.name_scope():
        for _ in range(num_layers):
            block.add(_dense_layer(growth_rate, bn_size, dropout))
    return block


def _transition(channels):
    out = nn.HybridSequential(prefix='')
    out.add(nn.BatchNorm(), nn.Activation('relu'), nn.Conv2D(channels, kernel_size=1, use_bias=False),
            nn.AvgPool2D(pool_size=2, strides=2))
    return out


class DenseNet(HybridBlock):
    """DenseNet-BC: a 7x7 stem, dense blocks of `block_config[i]` layers each adding `growth_rate`
    channels, transitions halving channels and size between them, a final 7x7 average pool (so inputs
    are at least 221x221) and Dense(classes)."""

    def __init__(self, num_init_features, growth_rate, block_config, bn_size=4, dropout=0, classes=1000, **kwargs):
        super().__init__(**kwargs)
        with self.name_scope():
            self.features = nn.HybridSequential(prefix='')
            self.features.add(nn.Conv2D(num_init_features, kernel_size=7, strides=2, padding=3, use_bias=False),
                              nn.BatchNorm(), nn.Activation('relu'), nn.MaxPool2D(pool_size=3, strides=2, padding=1))
            channels = num_init_features
            for i, num_layers in enumerate(block_config):
                self.features.add(_dense_block(num_layers, bn_size, growth_rate, dropout, i + 1))
                channels += num_layers * growth_rate
                if i != len(block_config) - 1:
                    channels //= 2
                    self.features.add(_transition(channels))
            self.features.add(nn.BatchNorm(), nn.Activation('relu'), nn.AvgPool2D(pool_size=7), nn.Flatten())
            self.output = nn.Dense(classes)

    def hybrid_forward(self, F, x):
        return self.output(self.features(x))


def get_densenet(num_layers, pretrained=False, ctx=cpu(), root=_DEFAULT_ROOT, **kwargs):
    """DenseNet-`num_layers` (121, 161, 169 or 201); pretrained=True loads root/densenet<n>-<hash>.params."""
    num_init_features, growth_rate, block_config = densenet_spec[num_layers]
    net = DenseNet(num_init_features, growth_rate, block_config, **kwargs)
    return _load_pretrained(net, 'densenet%d' % num_layers, ctx, root) if pretrained else net


def densenet121(**kwargs):
    """DenseNet-121 (get_densenet's keywords)."""
    return get_densenet(121, **kwargs)


def densenet161(**kwargs):
    """DenseNet-161 (get_densenet's keywords)."""
    return get_densenet(161, **kwargs)


def densenet169(**kwargs):
    """DenseNet-169 (get_densenet's keywords)."""
    return get_densenet(169, **kwargs)


def densenet201(**kwargs):
    """DenseNet-201 (get_densenet's keywords)."""
    return get_densenet(201, **kwargs)
