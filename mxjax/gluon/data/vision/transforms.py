"""mx.gluon.data.vision.transforms: MXNet 1.9.1's image transforms, as Blocks.

The HybridBlocks run nd.image ops, so they work eagerly and hybridized; Compose hybridizes
each run of consecutive HybridBlocks as one HybridSequential. The random ops among them
draw from mxjax.random (mx.random.seed repeats them; the numbers differ from MXNet's).
RandomResizedCrop, CenterCrop, RandomApply, Rotate and RandomRotation are plain Blocks and
draw from Python's `random` and NumPy's global generator exactly as MXNet does, so seeding
those gives MXNet's crops, angles and choices.
"""
import random
from numbers import Number

import numpy as np

from .... import ndarray as nd
from ....base import numeric_types
from ...block import Block, HybridBlock
from ...nn import HybridSequential, Sequential

__all__ = ['Compose', 'Cast', 'ToTensor', 'Normalize', 'Rotate', 'RandomRotation', 'RandomResizedCrop',
           'CropResize', 'CenterCrop', 'Resize', 'RandomFlipLeftRight', 'RandomFlipTopBottom', 'RandomBrightness',
           'RandomContrast', 'RandomSaturation', 'RandomHue', 'RandomColorJitter', 'RandomLighting', 'RandomApply']


class Compose(Sequential):
    """Run `transforms` in order; each run of two or more consecutive HybridBlocks becomes one
    hybridized HybridSequential. (MXNet appends None to the list passed in; mxjax leaves it alone.)"""

    def __init__(self, transforms):
        super().__init__()
        run = []
        for t in list(transforms) + [None]:
            if isinstance(t, HybridBlock):
                run.append(t)
                continue
            if len(run) == 1:
                self.add(run[0])
            elif run:
                block = HybridSequential()
                block.add(*run)
                block.hybridize()
                self.add(block)
            run = []
            if t is not None:
                self.add(t)


class Cast(HybridBlock):
    """Cast to `dtype` (default float32)."""

    def __init__(self, dtype='float32'):
        super().__init__()
        self._dtype = dtype

    def hybrid_forward(self, F, x):
        return F.cast(x, self._dtype)


class ToTensor(HybridBlock):
    """(H, W, C) or (N, H, W, C) images in [0, 255] -> float32 (C, H, W) or (N, C, H, W) in [0, 1]."""

    def __init__(self):
        super().__init__()

    def hybrid_forward(self, F, x):
        return F.image.to_tensor(x)


class Normalize(HybridBlock):
    """(x - mean) / std per channel of (C, H, W) or (N, C, H, W) tensors; mean and std are
    numbers or one value per channel."""

    def __init__(self, mean=0.0, std=1.0):
        super().__init__()
        self._mean = mean
        self._std = std

    def hybrid_forward(self, F, x):
        return F.image.normalize(x, self._mean, self._std)


def _rotate(src, degrees, zoom_in=False, zoom_out=False):
    """Rotate (C, H, W) or (N, C, H, W) float32 images by `degrees` (a number, or one per image)
    about their centers, bilinearly, with zeros outside; zoom_in leaves no padding, zoom_out
    keeps the whole image."""
    if zoom_in and zoom_out:
        raise ValueError('`zoom_in` and `zoom_out` cannot be both True')
    if src.dtype is not np.float32:
        raise TypeError('Only `float32` images are supported by this function')
    single = src.ndim == 3
    if single:
        if not isinstance(degrees, Number):
            raise TypeError('When a single image is passed the rotation angle is required to be a scalar.')
        src = src.expand_dims(axis=0)
    elif src.ndim != 4:
        raise ValueError('Only 3D and 4D are supported by this function')
    n, _, h, w = src.shape
    degrees = np.full(n, degrees, np.float32) if isinstance(degrees, Number) else np.asarray(
        degrees.asnumpy() if isinstance(degrees, nd.NDArray) else degrees, np.float32).reshape(-1)
    if len(degrees) != n:
        raise ValueError('The number of images must be equal to the number of rotation angles')
    rad = (np.float32(np.pi) * degrees / np.float32(180))[:, None, None]
    hs, ws = np.float32((h - 1) / 2), np.float32((w - 1) / 2)
    ys = np.arange(h, dtype=np.float32)[:, None] - hs
    xs = np.arange(w, dtype=np.float32)[None, :] - ws
    cos, sin = np.cos(rad), np.sin(rad)
    grid = np.stack([(xs * cos - ys * sin) / ws, (xs * sin + ys * cos) / hs], 1)   # (n, 2, h, w)
    if zoom_in or zoom_out:
        hw, ww = np.float32(h), np.float32(w)
        rho, corner = np.sqrt(hw * hw + ww * ww), np.arctan(hw / ww)
        a = np.abs(rad)
        max_x = np.maximum(np.abs(rho * np.cos(corner + a)), np.abs(rho * np.cos(corner - a)))
        max_y = np.maximum(np.abs(rho * np.sin(corner + a)), np.abs(rho * np.sin(corner - a)))
        scale = np.maximum(max_x / ww, max_y / hw) if zoom_out else np.minimum(ww / max_x, hw / max_y)
        grid = grid * scale[:, None]
    out = nd.BilinearSampler(src, nd.array(grid.astype(np.float32), ctx=src.context))
    return out[0] if single else out


class Rotate(Block):
    """Rotate (C, H, W) or (N, C, H, W) float32 images by `rotation_degrees`, keeping their shape."""

    def __init__(self, rotation_degrees, zoom_in=False, zoom_out=False):
        super().__init__()
        self._args = (rotation_degrees, zoom_in, zoom_out)

    def forward(self, x):
        if x.dtype is not np.float32:
            raise TypeError('This transformation only supports float32. Consider calling it after ToTensor')
        return _rotate(x, *self._args)


class RandomRotation(Block):
    """With probability rotate_with_proba, rotate by an angle drawn uniformly from angle_limits
    (one per image of a batch), using NumPy's global generator as MXNet does."""

    def __init__(self, angle_limits, zoom_in=False, zoom_out=False, rotate_with_proba=1.0):
        super().__init__()
        lower, upper = angle_limits
        if lower >= upper:
            raise ValueError('`angle_limits` must be an ordered tuple')
        if rotate_with_proba < 0 or rotate_with_proba > 1:
            raise ValueError('Probability of rotating the image should be between 0 and 1')
        self._args = (angle_limits, zoom_in, zoom_out)
        self._rotate_with_proba = rotate_with_proba

    def forward(self, x):
        if np.random.random() > self._rotate_with_proba:
            return x
        if x.dtype is not np.float32:
            raise TypeError('This transformation only supports float32. Consider calling it after ToTensor')
        limits, zoom_in, zoom_out = self._args
        degrees = np.random.uniform(*limits) if x.ndim == 3 else np.random.uniform(*limits, size=x.shape[0])
        return _rotate(x, degrees, zoom_in, zoom_out)


def _interp_method(interp, sizes):
    """mx.image's interpolation choice: 9 picks by the sizes (old_h, old_w, new_h, new_w), 10 at random."""
    if interp == 9:
        oh, ow, nh, nw = sizes
        return 2 if nh > oh and nw > ow else 3 if nh < oh and nw < ow else 1
    if interp == 10:
        return random.randint(0, 4)
    if interp not in (0, 1, 2, 3, 4):
        raise ValueError('Unknown interp method %d' % interp)
    return interp


def _fixed_crop(src, x0, y0, w, h, size, interp):
    out = src[y0:y0 + h, x0:x0 + w]
    if (w, h) != size:
        out = nd.image.resize(out, size, interp=_interp_method(interp, (h, w, size[1], size[0])))
    return out


def _center_crop(src, size, interp):
    h, w, _ = src.shape
    new_w, new_h = size
    if h < new_h:   # shrink the crop to fit, keeping its aspect ratio
        new_w, new_h = float(new_w * h) / new_h, h
    if w < new_w:
        new_w, new_h = w, float(new_h * w) / new_w
    new_w, new_h = int(new_w), int(new_h)
    return _fixed_crop(src, int((w - new_w) / 2), int((h - new_h) / 2), new_w, new_h, size, interp)


class RandomResizedCrop(Block):
    """Crop a random area (scale of the image's) with a random aspect ratio (ratio), then resize
    to `size` ((width, height) or one number). Draws from Python's `random` as MXNet does; after
    10 failed tries it center-crops."""

    def __init__(self, size, scale=(0.08, 1.0), ratio=(3.0 / 4.0, 4.0 / 3.0), interpolation=1):
        super().__init__()
        if isinstance(size, numeric_types):
            size = (size, size)
        self._args = (size, scale, ratio, interpolation)

    def forward(self, x):
        size, area, ratio, interp = self._args
        h, w, _ = x.shape
        if isinstance(area, numeric_types):
            area = (area, 1.0)
        for _ in range(10):
            target = random.uniform(area[0], area[1]) * h * w
            aspect = np.exp(random.uniform(np.log(ratio[0]), np.log(ratio[1])))
            new_w = int(round(np.sqrt(target * aspect)))
            new_h = int(round(np.sqrt(target / aspect)))
            if new_w <= w and new_h <= h:
                x0, y0 = random.randint(0, w - new_w), random.randint(0, h - new_h)
                return _fixed_crop(x, x0, y0, new_w, new_h, size, interp)
        return _center_crop(x, size, interp)


class CropResize(HybridBlock):
    """Crop the (width x height) window at column x, row y, then optionally resize it to `size`."""

    def __init__(self, x, y, width, height, size=None, interpolation=None):
        super().__init__()
        self._x = x
        self._y = y
        self._width = width
        self._height = height
        self._size = size
        self._interpolation = interpolation

    def hybrid_forward(self, F, x):
        out = F.image.crop(x, self._x, self._y, self._width, self._height)
        if self._size:
            out = F.image.resize(out, self._size, False, self._interpolation)
        return out


class CenterCrop(Block):
    """Crop the center `size` ((width, height) or one number) of an (H, W, C) image, shrinking the
    crop to fit the image and resizing it back to `size`."""

    def __init__(self, size, interpolation=1):
        super().__init__()
        if isinstance(size, numeric_types):
            size = (size, size)
        self._args = (size, interpolation)

    def forward(self, x):
        return _center_crop(x, *self._args)


class Resize(HybridBlock):
    """Resize (H, W, C) or (N, H, W, C) images to `size` ((width, height) or one number; with
    keep_ratio one number sets the short side) by OpenCV's interpolation `interpolation`."""

    def __init__(self, size, keep_ratio=False, interpolation=1):
        super().__init__()
        self._keep = keep_ratio
        self._size = size
        self._interpolation = interpolation

    def hybrid_forward(self, F, x):
        return F.image.resize(x, self._size, self._keep, self._interpolation)


class RandomFlipLeftRight(HybridBlock):
    """Flip an (H, W, C) image left to right with probability 0.5."""

    def __init__(self):
        super().__init__()

    def hybrid_forward(self, F, x):
        return F.image.random_flip_left_right(x)


class RandomFlipTopBottom(HybridBlock):
    """Flip an (H, W, C) image top to bottom with probability 0.5."""

    def __init__(self):
        super().__init__()

    def hybrid_forward(self, F, x):
        return F.image.random_flip_top_bottom(x)


class _RandomEnhance(HybridBlock):
    """Scale a property of an (H, W, C) image by a factor from [max(0, 1 - amount), 1 + amount]."""
    _op = None

    def __init__(self, amount):
        super().__init__()
        self._args = (max(0, 1 - amount), 1 + amount)

    def hybrid_forward(self, F, x):
        return getattr(F.image, self._op)(x, *self._args)


class RandomBrightness(_RandomEnhance):
    """Scale the brightness by a factor from [max(0, 1 - brightness), 1 + brightness]."""
    _op = 'random_brightness'

    def __init__(self, brightness):
        super().__init__(brightness)


class RandomContrast(_RandomEnhance):
    """Scale the contrast by a factor from [max(0, 1 - contrast), 1 + contrast]."""
    _op = 'random_contrast'

    def __init__(self, contrast):
        super().__init__(contrast)


class RandomSaturation(_RandomEnhance):
    """Scale the saturation by a factor from [max(0, 1 - saturation), 1 + saturation]."""
    _op = 'random_saturation'

    def __init__(self, saturation):
        super().__init__(saturation)


class RandomHue(_RandomEnhance):
    """Rotate the hue by a number of turns from [max(0, 1 - hue), 1 + hue] (so by about a whole
    turn: MXNet's range, kept)."""
    _op = 'random_hue'

    def __init__(self, hue):
        super().__init__(hue)


class RandomColorJitter(HybridBlock):
    """Jitter brightness, contrast, saturation (factors from [1 - v, 1 + v]) and hue (by up to
    `hue` turns) of an (H, W, C) image in a random order; 0 leaves that property alone."""

    def __init__(self, brightness=0, contrast=0, saturation=0, hue=0):
        super().__init__()
        self._args = (brightness, contrast, saturation, hue)

    def hybrid_forward(self, F, x):
        return F.image.random_color_jitter(x, *self._args)


class RandomLighting(HybridBlock):
    """Add AlexNet's PCA lighting noise with alphas drawn from N(0, alpha)."""

    def __init__(self, alpha):
        super().__init__()
        self._alpha = alpha

    def hybrid_forward(self, F, x):
        return F.image.random_lighting(x, self._alpha)


class RandomApply(Sequential):
    """Apply `transforms` (a Block) with probability p, drawing from Python's `random` as MXNet does."""

    def __init__(self, transforms, p=0.5):
        super().__init__()
        self.transforms = transforms
        self.p = p

    def forward(self, x):
        if self.p < random.random():
            return x
        return self.transforms(x)
