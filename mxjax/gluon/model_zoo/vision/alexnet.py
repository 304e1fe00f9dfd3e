"""AlexNet ("One weird trick for parallelizing convolutional neural networks")."""
from ....context import cpu
from ... import nn
from ...block import HybridBlock
from ..model_store import _DEFAULT_ROOT, _load_pretrained

__all__ = ['AlexNet', 'alexnet']


class AlexNet(HybridBlock):
    """features (5 convolutions, 3 max-pools, 2 Dense(4096) with Dropout(0.5)) then Dense(classes)."""

    def __init__(self, classes=1000, **kwargs):
        super().__init__(**kwargs)
        with self.name_scope():
            self.features = nn.HybridSequential(prefix='')
            with self.features.name_scope():
                self.features.add(nn.Conv2D(64, kernel_size=11, strides=4, padding=2, activation='relu'),
                                  nn.MaxPool2D(pool_size=3, strides=2),
                                  nn.Conv2D(192, kernel_size=5, padding=2, activation='relu'),
                                  nn.MaxPool2D(pool_size=3, strides=2),
                                  nn.Conv2D(384, kernel_size=3, padding=1, activation='relu'),
                                  nn.Conv2D(256, kernel_size=3, padding=1, activation='relu'),
                                  nn.Conv2D(256, kernel_size=3, padding=1, activation='relu'),
                                  nn.MaxPool2D(pool_size=3, strides=2),
                                  nn.Flatten(),
                                  nn.Dense(4096, activation='relu'), nn.Dropout(0.5),
                                  nn.Dense(4096, activation='relu'), nn.Dropout(0.5))
            self.output = nn.Dense(classes)

    def hybrid_forward(self, F, x):
        return self.output(self.features(x))


def alexnet(pretrained=False, ctx=cpu(), root=_DEFAULT_ROOT, **kwargs):
    """AlexNet(**kwargs); pretrained=True loads root/alexnet-44335d1f.params onto ctx."""
    net = AlexNet(**kwargs)
    return _load_pretrained(net, 'alexnet', ctx, root) if pretrained else net
