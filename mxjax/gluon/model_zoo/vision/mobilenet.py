"""MobileNet ("MobileNets: Efficient Convolutional Neural Networks for Mobile Vision Applications") and
MobileNetV2 ("Inverted Residuals and Linear Bottlenecks"), each at width multipliers 1.0/0.75/0.5/0.25."""
from ....context import cpu
from ... import nn
from ...block import HybridBlock
from ..model_store import _DEFAULT_ROOT, _load_pretrained

__all__ = ['MobileNet', 'MobileNetV2', 'mobilenet1_0', 'mobilenet_v2_1_0', 'mobilenet0_75', 'mobilenet_v2_0_75',
           'mobilenet0_5', 'mobilenet_v2_0_5', 'mobilenet0_25', 'mobilenet_v2_0_25', 'get_mobilenet',
           'get_mobilenet_v2']


class RELU6(HybridBlock):
    """min(max(x, 0), 6), MobileNetV2's activation."""

    def hybrid_forward(self, F, x):
        return F.clip(x, 0, 6, name='relu6')


def _add_conv(out, channels=1, kernel=1, stride=1, pad=0, num_group=1, active=True, relu6=False):
    """Append Conv2D (no bias) -> BatchNorm -> relu (or RELU6; none when not active) to `out`."""
    out.add(nn.Conv2D(channels, kernel, stride, pad, groups=num_group, use_bias=False), nn.BatchNorm(scale=True))
    if active:
        out.add(RELU6() if relu6 else nn.Activation('relu'))


class LinearBottleneck(HybridBlock):
    """1x1 expansion to in_channels * t, 3x3 depthwise convolution (stride), linear 1x1 projection to
    `channels`; plus the input when stride is 1 and the channels match."""

    def __init__(self, in_channels, channels, t, stride, **kwargs):
        super().__init__(**kwargs)
        self.use_shortcut = stride == 1 and in_channels == channels
        with self.name_scope():
            self.out = nn.HybridSequential()
            _add_conv(self.out, in_channels * t, relu6=True)
            _add_conv(self.out, in_channels * t, kernel=3, stride=stride, pad=1, num_group=in_channels * t, relu6=True)
            _add_conv(self.out, channels, active=False, relu6=True)

    def hybrid_forward(self, F, x):
        out = self.out(x)
        return F.elemwise_add(out, x) if self.use_shortcut else out


class MobileNet(HybridBlock):
    """MobileNet with channel counts scaled by `multiplier` (rounded down): a 3x3/2 stem, 13 depthwise
    separable convolutions, global average pool, Dense(classes)."""

    def __init__(self, multiplier=1.0, classes=1000, **kwargs):
        super().__init__(**kwargs)
        dw_channels = [int(c * multiplier) for c in [32, 64] + [128] * 2 + [256] * 2 + [512] * 6 + [1024]]
        channels = [int(c * multiplier) for c in [64] + [128] * 2 + [256] * 2 + [512] * 6 + [1024] * 2]
        strides = [1, 2] * 3 + [1] * 5 + [2, 1]
        with self.name_scope():
            self.features = nn.HybridSequential(prefix='')
            with self.features.name_scope():
                _add_conv(self.features, channels=int(32 * multiplier), kernel=3, pad=1, stride=2)
                for dwc, c, s in zip(dw_channels, channels, strides):
                    _add_conv(self.features, channels=dwc, kernel=3, stride=s, pad=1, num_group=dwc)   # depthwise
                    _add_conv(self.features, channels=c)   # pointwise
                self.features.add(nn.GlobalAvgPool2D(), nn.Flatten())
            self.output = nn.Dense(classes)

    def hybrid_forward(self, F, x):
        return self.output(self.features(x))


class MobileNetV2(HybridBlock):
    """MobileNetV2 with channel counts scaled by `multiplier` (rounded down; the last 1x1 convolution
    keeps 1280 unless multiplier > 1): 'features_' then 'output_' (a 1x1 convolution 'pred_' to
    `classes` channels, flattened)."""

    def __init__(self, multiplier=1.0, classes=1000, **kwargs):
        super().__init__(**kwargs)
        in_channels = [int(c * multiplier) for c in [32] + [16] + [24] * 2 + [32] * 3 + [64] * 4 + [96] * 3
                       + [160] * 3]
        channels = [int(c * multiplier) for c in [16] + [24] * 2 + [32] * 3 + [64] * 4 + [96] * 3 + [160] * 3
                    + [320]]
        ts = [1] + [6] * 16
        strides = [1, 2] * 2 + [1, 1, 2] + [1] * 6 + [2] + [1] * 3
        with self.name_scope():
            self.features = nn.HybridSequential(prefix='features_')
            with self.features.name_scope():
                _add_conv(self.features, int(32 * multiplier), kernel=3, stride=2, pad=1, relu6=True)
                for in_c, c, t, s in zip(in_channels, channels, ts, strides):
                    self.features.add(LinearBottleneck(in_channels=in_c, channels=c, t=t, stride=s))
                _add_conv(self.features, int(1280 * multiplier) if multiplier > 1.0 else 1280, relu6=True)
                self.features.add(nn.GlobalAvgPool2D())
            self.output = nn.HybridSequential(prefix='output_')
            with self.output.name_scope():
                self.output.add(nn.Conv2D(classes, 1, use_bias=False, prefix='pred_'), nn.Flatten())

    def hybrid_forward(self, F, x):
        return self.output(self.features(x))


def _suffix(multiplier):
    """The multiplier as the pretrained files spell it: 1.0, 0.75, 0.5, 0.25."""
    s = '%.2f' % multiplier
    return s[:-1] if s in ('1.00', '0.50') else s


def get_mobilenet(multiplier, pretrained=False, ctx=cpu(), root=_DEFAULT_ROOT, **kwargs):
    """MobileNet(multiplier); pretrained=True loads root/mobilenet<multiplier>-<hash>.params onto ctx."""
    net = MobileNet(multiplier, **kwargs)
    return _load_pretrained(net, 'mobilenet' + _suffix(multiplier), ctx, root) if pretrained else net


def get_mobilenet_v2(multiplier, pretrained=False, ctx=cpu(), root=_DEFAULT_ROOT, **kwargs):
    """MobileNetV2(multiplier); pretrained=True loads root/mobilenetv2_<multiplier>-<hash>.params onto ctx."""
    net = MobileNetV2(multiplier, **kwargs)
    return _load_pretrained(net, 'mobilenetv2_' + _suffix(multiplier), ctx, root) if pretrained else net


def mobilenet1_0(**kwargs):
    """MobileNet, width multiplier 1.0 (get_mobilenet's keywords)."""
    return get_mobilenet(1.0, **kwargs)


def mobilenet0_75(**kwargs):
    """MobileNet, width multiplier 0.75."""
    return get_mobilenet(0.75, **kwargs)


def mobilenet0_5(**kwargs):
    """MobileNet, width multiplier 0.5."""
    return get_mobilenet(0.5, **kwargs)


def mobilenet0_25(**kwargs):
    """MobileNet, width multiplier 0.25."""
    return get_mobilenet(0.25, **kwargs)


def mobilenet_v2_1_0(**kwargs):
    """MobileNetV2, width multiplier 1.0 (get_mobilenet_v2's keywords)."""
    return get_mobilenet_v2(1.0, **kwargs)


def mobilenet_v2_0_75(**kwargs):
    """MobileNetV2, width multiplier 0.75."""
    return get_mobilenet_v2(0.75, **kwargs)


def mobilenet_v2_0_5(**kwargs):
    """MobileNetV2, width multiplier 0.5."""
    return get_mobilenet_v2(0.5, **kwargs)


def mobilenet_v2_0_25(**kwargs):
    """MobileNetV2, width multiplier 0.25."""
    return get_mobilenet_v2(0.25, **kwargs)
