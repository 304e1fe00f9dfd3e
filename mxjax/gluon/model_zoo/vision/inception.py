"""Inception v3 ("Rethinking the Inception Architecture for Computer Vision"); inputs are 299x299."""
from ....context import cpu
from ... import nn
from ...block import HybridBlock
from ...contrib.nn import HybridConcurrent
from ..model_store import _DEFAULT_ROOT, _load_pretrained

__all__ = ['Inception3', 'inception_v3']


def _basic_conv(channels, kernel_size, strides=None, padding=None):
    """Conv2D (no bias) -> BatchNorm(epsilon=0.001) -> relu; strides/padding None keep Conv2D's defaults."""
    kwargs = {k: v for k, v in (('strides', strides), ('padding', padding)) if v is not None}
    out = nn.HybridSequential(prefix='')
    out.add(nn.Conv2D(channels, kernel_size, use_bias=False, **kwargs), nn.BatchNorm(epsilon=0.001),
            nn.Activation('relu'))
    return out


def _branch(pool, *convs):
    """An optional pool ('avg': 3x3/1 padded, 'max': 3x3/2) then basic convolutions, each given as
    (channels, kernel_size, strides, padding)."""
    out = nn.HybridSequential(prefix='')
    if pool == 'avg':
        out.add(nn.AvgPool2D(pool_size=3, strides=1, padding=1))
    elif pool == 'max':
        out.add(nn.MaxPool2D(pool_size=3, strides=2))
    for conv in convs:
        out.add(_basic_conv(*conv))
    return out


def _concurrent(prefix, *branches):
    """HybridConcurrent(axis=1) named `prefix`; each branch is a function run inside its name scope."""
    out = HybridConcurrent(axis=1, prefix=prefix)
    with out.name_scope():
        for make in branches:
            out.add(make())
    return out


def _make_A(pool_features, prefix):
    return _concurrent(prefix,
                       lambda: _branch(None, (64, 1)),
                       lambda: _branch(None, (48, 1), (64, 5, None, 2)),
                       lambda: _branch(None, (64, 1), (96, 3, None, 1), (96, 3, None, 1)),
                       lambda: _branch('avg', (pool_features, 1)))


def _make_B(prefix):
    return _concurrent(prefix,
                       lambda: _branch(None, (384, 3, 2)),
                       lambda: _branch(None, (64, 1), (96, 3, None, 1), (96, 3, 2)),
                       lambda: _branch('max'))


def _make_C(channels_7x7, prefix):
    c = channels_7x7
    return _concurrent(prefix,
                       lambda: _branch(None, (192, 1)),
                       lambda: _branch(None, (c, 1), (c, (1, 7), None, (0, 3)), (192, (7, 1), None, (3, 0))),
                       lambda: _branch(None, (c, 1), (c, (7, 1), None, (3, 0)), (c, (1, 7), None, (0, 3)),
                                       (c, (7, 1), None, (3, 0)), (192, (1, 7), None, (0, 3))),
                       lambda: _branch('avg', (192, 1)))


def _make_D(prefix):
    return _concurrent(prefix,
                       lambda: _branch(None, (192, 1), (320, 3, 2)),
                       lambda: _branch(None, (192, 1), (192, (1, 7), None, (0, 3)), (192, (7, 1), None, (3, 0)),
                                       (192, 3, 2)),
                       lambda: _branch('max'))


def _split_3x3(*first):
    """`first` convolutions (a branch), then 1x3 and 3x1 convolutions of their output, concatenated."""
    out = nn.HybridSequential(prefix='')
    out.add(_branch(None, *first))
    split = HybridConcurrent(axis=1, prefix='')
    split.add(_branch(None, (384, (1, 3), None, (0, 1))), _branch(None, (384, (3, 1), None, (1, 0))))
    out.add(split)
    return out


def _make_E(prefix):
    return _concurrent(prefix,
                       lambda: _branch(None, (320, 1)),
                       lambda: _split_3x3((384, 1)),
                       lambda: _split_3x3((448, 1), (384, 3, None, 1)),
                       lambda: _branch('avg', (192, 1)))


class Inception3(HybridBlock):
    """Inception v3: a convolution stem, Inception blocks A1-A3, B, C1-C4, D, E1-E2 (HybridConcurrents
    named so), an 8x8 average pool, Dropout(0.5) and Dense(classes)."""

    def __init__(self, classes=1000, **kwargs):
        super().__init__(**kwargs)
        with self.name_scope():
            self.features = nn.HybridSequential(prefix='')
            self.features.add(_basic_conv(32, 3, 2), _basic_conv(32, 3), _basic_conv(64, 3, None, 1),
                              nn.MaxPool2D(pool_size=3, strides=2))
            self.features.add(_basic_conv(80, 1), _basic_conv(192, 3), nn.MaxPool2D(pool_size=3, strides=2))
            self.features.add(_make_A(32, 'A1_'), _make_A(64, 'A2_'), _make_A(64, 'A3_'), _make_B('B_'))
            self.features.add(_make_C(128, 'C1_'), _make_C(160, 'C2_'), _make_C(160, 'C3_'), _make_C(192, 'C4_'))
            self.features.add(_make_D('D_'), _make_E('E1_'), _make_E('E2_'))
            self.features.add(nn.AvgPool2D(pool_size=8), nn.Dropout(0.5))
            self.output = nn.Dense(classes)

    def hybrid_forward(self, F, x):
        return self.output(self.features(x))


def inception_v3(pretrained=False, ctx=cpu(), root=_DEFAULT_ROOT, **kwargs):
    """Inception3(**kwargs); pretrained=True loads root/inceptionv3-ed47ec45.params onto ctx."""
    net = Inception3(**kwargs)
    return _load_pretrained(net, 'inceptionv3', ctx, root) if pretrained else net
