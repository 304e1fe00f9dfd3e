"""Containers and layers of gluon.contrib.nn."""
import numpy as np

from .... import ndarray as nd
from ...block import HybridBlock
from ...nn import HybridSequential, Sequential

__all__ = ['Concurrent', 'HybridConcurrent', 'Identity', 'PixelShuffle1D', 'PixelShuffle2D', 'PixelShuffle3D']


class Concurrent(Sequential):
    """Runs every child on the same input and concatenates the outputs along `axis`."""

    def __init__(self, axis=-1, prefix=None, params=None):
        super().__init__(prefix=prefix, params=params)
        self.axis = axis

    def forward(self, x):
        return nd.concat(*[block(x) for block in self._children.values()], dim=self.axis)


class HybridConcurrent(HybridSequential):
    """Concurrent of HybridBlocks."""

    def __init__(self, axis=-1, prefix=None, params=None):
        super().__init__(prefix=prefix, params=params)
        self.axis = axis

    def hybrid_forward(self, F, x):
        return F.concat(*[block(x) for block in self._children.values()], dim=self.axis)


class Identity(HybridBlock):
    """Returns its input (a placeholder branch in a Concurrent)."""

    def __init__(self, prefix=None, params=None):
        super().__init__(prefix=prefix, params=params)

    def hybrid_forward(self, F, x):
        return x


class _PixelShuffle(HybridBlock):
    """What the pixel shuffles share: (N, C*f1*...*fd, s1, ..., sd) -> (N, C, s1*f1, ..., sd*fd),
    each group of f1*...*fd channels becoming an f1 x ... x fd block of pixels."""

    def __init__(self, factors):
        super().__init__()
        self._factors = factors

    def hybrid_forward(self, F, x):
        f = (self._factors,) if isinstance(self._factors, int) else self._factors
        d = len(f)
        n, c, sizes = x.shape[0], x.shape[1], x.shape[2:]
        x = F.reshape(x, (n, c // int(np.prod(f))) + f + sizes)   # (N, C, f1.., s1..); MXNet errs if C does not split
        x = F.transpose(x, (0, 1) + sum(((2 + d + i, 2 + i) for i in range(d)), ()))   # (N, C, s1, f1, s2, f2, ..)
        return F.reshape(x, (n, x.shape[1]) + tuple(s * fi for s, fi in zip(sizes, f)))

    def __repr__(self):
        return '%s(%s)' % (self.__class__.__name__, self._factors)


def _factors(factor, n):
    try:
        return (int(factor),) * n
    except TypeError:
        factors = tuple(int(f) for f in factor)
        assert len(factors) == n, 'wrong length %d: factor=%r needs %d values' % (len(factors), factor, n)
        return factors


class PixelShuffle1D(_PixelShuffle):
    """(N, f*C, W) -> (N, C, W*f); factor is an int."""

    def __init__(self, factor):
        super().__init__(int(factor))


class PixelShuffle2D(_PixelShuffle):
    """(N, f1*f2*C, H, W) -> (N, C, H*f1, W*f2); factor is an int or (f1, f2)."""

    def __init__(self, factor):
        super().__init__(_factors(factor, 2))


class PixelShuffle3D(_PixelShuffle):
    """(N, f1*f2*f3*C, D, H, W) -> (N, C, D*f1, H*f2, W*f3); factor is an int or (f1, f2, f3)."""

    def __init__(self, factor):
        super().__init__(_factors(factor, 3))
