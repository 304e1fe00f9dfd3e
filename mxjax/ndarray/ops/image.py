"""MXNet's image operators, registered as _image_<name> and exposed as nd.image.<name>.

Images are (H, W, C) or batches (N, H, W, C); normalize takes to_tensor's (C, H, W) or
(N, C, H, W). The color and lighting ops compute in float32 and cast back as MXNet does:
uint8 results are clamped to [0, 255], then every integer type truncates.

resize is MXNet's CPU kernel, OpenCV 3.4's cv::resize, bit for bit on uint8 (its 11-bit
fixed-point weights and the rounding of its SSE2 and scalar loops) and to float rounding on
float32/float64, for interp 0 (nearest), 1 (bilinear), 2 (bicubic), 3 (area) and 4 (Lanczos).

The random_* ops draw from mxjax.random (a PRNG key is an input of the op, so they work inside
hybridize and mx.random.seed repeats them); their numbers differ from MXNet's. Where MXNet leaves
outputs unwritten (the middle column or row of an odd-sized flip, random_hue and the lighting ops on
one channel) mxjax gives the flipped image or the input. Each new image shape compiles once.

Gradients are MXNet's: normalize gives head/std, crop scatters the head gradient back; the
flips and the color and lighting ops pass the head gradient through unchanged (MXNet's
gradient of them is a copy, so a flip's gradient is not flipped). to_tensor and resize get
their true gradients, where MXNet's backward fails unless the shapes happen to agree.
"""
import functools
import math

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

from ...base import MXNetError
from ..registry import frontend, op
from .nn import _check_arrays, _key_input, _run

_F32 = np.float32
_GRAY = np.array([0.299, 0.587, 0.114], _F32)     # MXNet's luma weights (R, G, B)
# AlexNet's PCA lighting: eigenvalue * eigenvector, rows R, G, B (double products held as float)
_EIG = np.array([[55.46 * -0.5675, 4.794 * 0.7192, 1.148 * 0.4009],
                 [55.46 * -0.5808, 4.794 * -0.0045, 1.148 * -0.8140],
                 [55.46 * -0.5836, 4.794 * -0.6948, 1.148 * 0.4203]], _F32)
# Which of (p2, p1, rising, falling) each hue sector takes for (b, g, r): OpenCV's HLS table.
_HLS_SECTORS = np.array([[1, 3, 0], [1, 0, 2], [3, 0, 1], [0, 2, 1], [0, 1, 3], [2, 1, 0]])
_COEF = 2048   # OpenCV's INTER_RESIZE_COEF_SCALE: uint8 weights are 11-bit fixed point


# ---------------------------------------------------------------- checks
def _shape_error(what, shape):
    raise MXNetError('%s, but got input with shape %s' % (what, tuple(shape)))


def _check_hwc(name, data):
    """The flips and color ops take one (H, W, C) image with 1 or 3 channels, as in MXNet."""
    if data.ndim != 3:
        _shape_error('%s: input image must have shape (height, width, channels)' % name, data.shape)
    if data.shape[-1] not in (1, 3):
        _shape_error('%s: the last dimension of the input image is its channels and must be 1 or 3' % name,
                     data.shape)


def _floats(v, name, opname):
    """A number or a sequence of numbers as a tuple of floats."""
    try:
        return tuple(float(x) for x in (v if isinstance(v, (list, tuple)) else (v,)))
    except (TypeError, ValueError):
        raise MXNetError('%s: %s=%r must be a number or a tuple of numbers' % (opname, name, v)) from None


@jax.custom_vjp
def _pass_grad(data, result):
    """`result`, with the head gradient passed to `data` unchanged (MXNet's copy gradient)."""
    return result


_pass_grad.defvjp(lambda data, result: (result, None), lambda _, g: (g, jnp.zeros_like(g)))


def _copy_grad(data, result):
    if not jnp.issubdtype(data.dtype, jnp.floating):
        return result
    return _pass_grad(data, lax.stop_gradient(result))


# ---------------------------------------------------------------- to_tensor, normalize
def _to_tensor(data):
    """(H, W, C) or (N, H, W, C) in [0, 255] -> float32 (C, H, W) or (N, C, H, W) in [0, 1]."""
    cdt = jnp.promote_types(data.dtype, jnp.float32) if jnp.issubdtype(data.dtype, jnp.floating) else jnp.float32
    return jnp.moveaxis((data.astype(cdt) / 255).astype(jnp.float32), -1, -3)


def _check_to_tensor(arrays, attrs):
    if arrays[0].ndim not in (3, 4):
        _shape_error('to_tensor: input image must have shape (height, width, channels) or '
                     '(N, height, width, channels)', arrays[0].shape)


op('_image_to_tensor', check=_check_to_tensor)(_to_tensor)


def _normalize(data, mean=(0.0, 0.0, 0.0, 0.0), std=(1.0, 1.0, 1.0, 1.0)):
    """(data - mean) / std per channel of a (C, H, W) or (N, C, H, W) tensor; C is 1 or 3 and mean,
    std have 1 or C values. The defaults have 4 values, so like MXNet they must be given."""
    c = data.shape[-3]
    mean, std = _floats(mean, 'mean', 'normalize'), _floats(std, 'std', 'normalize')
    shape = (c, 1, 1)
    m = np.resize(np.array(mean, _F32), c).reshape(shape)
    s = np.resize(np.array(std, _F32), c).reshape(shape)
    cdt = jnp.promote_types(data.dtype, jnp.float32)
    return ((data.astype(cdt) - m.astype(cdt)) / s.astype(cdt)).astype(data.dtype)


def _check_normalize(arrays, attrs):
    data = arrays[0]
    if data.ndim not in (3, 4):
        _shape_error('normalize: input tensor must have shape (channels, height, width) or '
                     '(N, channels, height, width)', data.shape)
    c = data.shape[-3]
    if c not in (1, 3):
        _shape_error('normalize: the channel dimension (%s of the input) must have 1 or 3 elements'
                     % ('first' if data.ndim == 3 else 'second'), data.shape)
    for name in ('mean', 'std'):
        v = _floats(attrs[name], name, 'normalize')
        if len(v) not in (1, c):
            raise MXNetError('normalize: invalid %s for input with shape %s: %s must have either 1 or %d '
                             'elements, but got %s' % (name, tuple(data.shape), name, c, v))


op('_image_normalize', check=_check_normalize)(_normalize)


# ---------------------------------------------------------------- crop, flips
def _crop(data, x=None, y=None, width=None, height=None):
    """The (height, width) window at column x, row y of (H, W, C) or (N, H, W, C) images."""
    start = (0,) * (data.ndim - 3) + (y, x, 0)
    return lax.slice(data, start, data.shape[:-3] + (y + height, x + width, data.shape[-1]))


def _check_crop(arrays, attrs):
    data = arrays[0]
    if data.ndim not in (3, 4):
        _shape_error('crop: expects (height, width, channels) or (N, height, width, channels) images', data.shape)
    if data.shape[-1] not in (1, 3):
        _shape_error('crop: the channels of the input image must be 1 or 3', data.shape)
    for k in ('x', 'y', 'width', 'height'):
        if not isinstance(attrs[k], (int, np.integer)):
            raise MXNetError('crop: required parameter %s (int) is not given' % k if attrs[k] is None
                             else 'crop: %s=%r must be an int' % (k, attrs[k]))
    if attrs['width'] <= 0 or attrs['height'] <= 0:
        raise MXNetError('crop: width=%d and height=%d must be greater than 0' % (attrs['width'], attrs['height']))
    if attrs['x'] < 0 or attrs['y'] < 0:   # MXNet reads outside the image here
        raise MXNetError('crop: x=%d and y=%d must not be negative' % (attrs['x'], attrs['y']))
    if attrs['x'] + attrs['width'] > data.shape[-2]:
        raise MXNetError('crop: x + width = %d should not be greater than the input width %d'
                         % (attrs['x'] + attrs['width'], data.shape[-2]))
    if attrs['y'] + attrs['height'] > data.shape[-3]:
        raise MXNetError('crop: y + height = %d should not be greater than the input height %d'
                         % (attrs['y'] + attrs['height'], data.shape[-3]))


op('_image_crop', check=_check_crop)(_crop)


def _check_image(name):
    return lambda arrays, attrs: _check_hwc(name, arrays[0])


def _flip_left_right(data):
    """Mirror an (H, W, C) image left to right."""
    return _copy_grad(data, jnp.flip(data, -2))


def _flip_top_bottom(data):
    """Mirror an (H, W, C) image top to bottom."""
    return _copy_grad(data, jnp.flip(data, -3))


op('_image_flip_left_right', check=_check_image('flip_left_right'))(_flip_left_right)
op('_image_flip_top_bottom', check=_check_image('flip_top_bottom'))(_flip_top_bottom)


# ---------------------------------------------------------------- exact float32 arithmetic
# XLA on CPU fuses a*b + c into one FMA (one rounding) and drops float64 -> float32 -> float64
# round trips, where MXNet's and OpenCV's loops round after each operation; on uint8 that moves
# results by one. So float32 math that feeds uint8 results runs on float64 arrays holding float32
# values, rounded by reduce_precision (which XLA keeps) after every step: exactly float32's
# results, as float64 has more than twice float32's precision. Without x64 it is plain float32.
_WIDE = jax.dtypes.canonicalize_dtype(np.float64)


def _r(v):
    """Round to float32 precision, keep the wide type."""
    return lax.reduce_precision(v, exponent_bits=8, mantissa_bits=23)


def _wide(data):
    """data as float32 values (MXNet casts every pixel to float) in the wide type."""
    return data.astype(jnp.float32).astype(_WIDE)


def _saturate(v, dtype):
    """MXNet's saturate_cast from float: uint8 clamps to [0, 255]; then a plain C++ cast (truncating)."""
    if dtype == jnp.uint8:
        v = jnp.clip(v, 0, 255)
    return v.astype(jnp.float32).astype(dtype)


# ---------------------------------------------------------------- color adjustments (alpha: a float32 scalar)
def _brightness(data, alpha):
    return _saturate(_r(_wide(data) * alpha), data.dtype)


def _contrast(data, alpha):
    x = _wide(data)
    gray = jnp.sum(_r(x * _GRAY.astype(_WIDE))) if data.shape[-1] == 3 else jnp.sum(x)
    beta = _r((1 - alpha) * _r(_r(gray) / (data.shape[0] * data.shape[1])))
    return _saturate(_r(_r(x * alpha) + beta), data.dtype)


def _saturation(data, alpha):
    if data.shape[-1] == 1:
        return data
    x = _wide(data)
    gray = _r(_r(x[..., 2:3] * _GRAY[2]) * _r(1 - alpha))   # MXNet's loop overwrites the sum: only blue counts
    return _saturate(_r(gray + _r(x * alpha)), data.dtype)


def _hue(data, alpha):
    """Rotate the hue by alpha turns through OpenCV's float HLS conversion, as MXNet does."""
    if data.shape[-1] == 1:   # MXNet leaves the output unwritten; mxjax returns the input
        return data
    x = _r(_wide(data) / 255)
    r, g, b = x[..., 0], x[..., 1], x[..., 2]
    vmax, vmin = jnp.fmax(jnp.fmax(r, g), b), jnp.fmin(jnp.fmin(r, g), b)
    diff, total = _r(vmax - vmin), _r(vmax + vmin)
    l = _r(total * 0.5)   # noqa: E741 -- HLS lightness
    chroma = diff > np.finfo(_F32).eps
    s = jnp.where(chroma, jnp.where(l < 0.5, _r(diff / total), _r(diff / _r(_r(2 - vmax) - vmin))), 0)
    d = _r(60 / diff)
    h = jnp.where(vmax == r, _r(_r(g - b) * d),
                  jnp.where(vmax == g, _r(_r(_r(b - r) * d) + 120), _r(_r(_r(r - g) * d) + 240)))
    h = jnp.where(chroma, jnp.where(h < 0, _r(h + 360), h), 0)
    h = _r(_r(h + _r(alpha * 360)) * (_F32(1) / _F32(60)))
    # bring h into [0, 6) by whole turns, one at a time as OpenCV does (same float rounding)
    h = lax.while_loop(lambda h: jnp.any(h < 0), lambda h: jnp.where(h < 0, _r(h + 6), h), h)
    h = lax.while_loop(lambda h: jnp.any((h >= 6) & jnp.isfinite(h)), lambda h: jnp.where(h >= 6, _r(h - 6), h), h)
    p2 = jnp.where(l <= 0.5, _r(l * _r(1 + s)), _r(_r(l + s) - _r(l * s)))
    p1 = _r(2 * l - p2)
    sector = jnp.clip(h.astype(jnp.int32), 0, 5)
    f = _r(h - sector)
    span = _r(p2 - p1)
    tab = jnp.stack([p2, p1, _r(p1 + _r(span * _r(1 - f))), _r(p1 + _r(span * f))], -1)
    bgr = jnp.take_along_axis(tab, jnp.asarray(_HLS_SECTORS)[sector], -1)
    rgb = jnp.where((s != 0)[..., None], bgr[..., ::-1], l[..., None])
    return _saturate(_r(rgb * 255), data.dtype)


def _lighting(data, alpha):
    """Add the AlexNet PCA noise of lighting alphas (a0, a1, a2) to R, G, B."""
    if data.shape[-1] == 1:   # MXNet leaves the output unwritten; mxjax returns the input
        return data
    e, a = _EIG.astype(_WIDE), alpha.astype(jnp.float32).astype(_WIDE)
    pca = _r(_r(_r(e[:, 0] * a[0]) + _r(e[:, 1] * a[1])) + _r(e[:, 2] * a[2]))
    return _saturate(_r(_wide(data) + pca), data.dtype)


def _adjust_lighting(data, alpha=None):
    """Add AlexNet-style PCA lighting noise for the given (R, G, B) alphas."""
    return _copy_grad(data, _lighting(data, jnp.asarray(alpha[:3], jnp.float32)))


def _check_adjust_lighting(arrays, attrs):
    _check_hwc('adjust_lighting', arrays[0])
    alpha = attrs['alpha']
    if alpha is None:
        raise MXNetError('adjust_lighting: required parameter alpha (the lighting alphas for R, G, B) is not given')
    if len(_floats(alpha, 'alpha', 'adjust_lighting')) < 3:
        raise MXNetError('adjust_lighting: alpha=%r must have 3 values (R, G, B)' % (alpha,))


op('_image_adjust_lighting', check=_check_adjust_lighting)(_adjust_lighting)


# ---------------------------------------------------------------- random augmentations
def _uniform(key, low, high):
    return jax.random.uniform(key, (), jnp.float32, jnp.float32(low), jnp.float32(high))


def _random_flip(data, key, axis=-2):
    return _copy_grad(data, jnp.where(jax.random.bernoulli(key), data, jnp.flip(data, axis)))


def _random_enhance(adjust):
    def fn(data, key, min_factor=None, max_factor=None):
        return _copy_grad(data, adjust(data, _uniform(key, min_factor, max_factor)))
    return fn


def _random_color_jitter(data, key, brightness=0.0, contrast=0.0, saturation=0.0, hue=0.0):
    """brightness, contrast, saturation (factors 1 + U(-v, v)) and hue (U(-v, v) turns), in a
    random order; a value of 0 skips that step (all 0: the input, where MXNet's output is left unwritten)."""
    keys = jax.random.split(key, 5)
    steps = []
    for i, (v, adjust, base) in enumerate(((brightness, _brightness, 1), (contrast, _contrast, 1),
                                           (saturation, _saturation, 1), (hue, _hue, 0))):
        alpha = base + _uniform(keys[i + 1], -v, v)
        steps.append((lambda x, a=alpha, f=adjust: f(x, a)) if v > 0 else (lambda x: x))
    x = data
    for i in jax.random.permutation(keys[0], 4):
        x = lax.switch(i, steps, x)
    return _copy_grad(data, x)


def _random_lighting(data, key, alpha_std=0.05):
    alpha = jax.random.normal(key, (3,), jnp.float32) * jnp.float32(alpha_std)
    return _copy_grad(data, _lighting(data, alpha))


_FLIP_OPS = {name: op('_image_' + name, inputs=('data', 'key'))(functools.partial(_random_flip, axis=axis)).op
             for name, axis in (('random_flip_left_right', -2), ('random_flip_top_bottom', -3))}
_ENHANCE_OPS = {name: op('_image_' + name, inputs=('data', 'key'), dynamic=('min_factor', 'max_factor'))(
    _random_enhance(adjust)).op
    for name, adjust in (('random_brightness', _brightness), ('random_contrast', _contrast),
                         ('random_saturation', _saturation), ('random_hue', _hue))}
_jitter_op = op('_image_random_color_jitter', inputs=('data', 'key'))(_random_color_jitter).op
_lighting_op = op('_image_random_lighting', inputs=('data', 'key'), dynamic=('alpha_std',))(_random_lighting).op


def _random_frontend(o, opname, params):
    """nd.image.<opname>(data, *params): checks, then runs op `o` on (data, a fresh PRNG key)."""
    def fn(data=None, *args, out=None, name=None, **kwargs):
        _check_arrays(opname, data=data)
        if len(args) > len(params):
            raise TypeError('%s() takes at most %d parameters, got %d' % (opname, len(params), len(args)))
        attrs = dict(zip(params, args))
        for k, v in kwargs.items():
            if k not in params:
                raise MXNetError('%s: cannot find argument %r; valid arguments: data, %s'
                                 % (opname, k, ', '.join(params)))
            attrs[k] = v
        for k in params:
            v = attrs.get(k, o.attrs.get(k))
            if v is None:
                raise MXNetError('%s: required parameter %s is not given' % (opname, k))
            attrs[k] = _floats(v, k, opname)[0]
            if k in ('min_factor', 'max_factor') and attrs[k] < 0:
                raise MXNetError('%s: %s=%r should be greater than or equal to 0' % (opname, k, attrs[k]))
        _check_hwc(opname, data)
        return _run(o, [data, _key_input(data.context, True)], out, **attrs)
    fn.__name__ = opname
    frontend('_image_' + opname)(fn)
    return fn


for _name, _o in _FLIP_OPS.items():
    _random_frontend(_o, _name, ())
for _name, _o in _ENHANCE_OPS.items():
    _random_frontend(_o, _name, ('min_factor', 'max_factor'))
_random_frontend(_jitter_op, 'random_color_jitter', ('brightness', 'contrast', 'saturation', 'hue'))
_random_frontend(_lighting_op, 'random_lighting', ('alpha_std',))


# ---------------------------------------------------------------- resize (OpenCV 3.4's cv::resize)
def _cubic_coeffs(x):
    a, x, one = _F32(-0.75), _F32(x), _F32(1)
    c0 = ((a * (x + one) - 5 * a) * (x + one) + 8 * a) * (x + one) - 4 * a
    c1 = ((a + 2) * x - (a + 3)) * x * x + one
    c2 = ((a + 2) * (one - x) - (a + 3)) * (one - x) * (one - x) + one
    return [c0, c1, c2, one - c0 - c1 - c2]


def _lanczos4_coeffs(x):
    if _F32(x) < np.finfo(_F32).eps:
        return [_F32(0)] * 3 + [_F32(1)] + [_F32(0)] * 4
    s45 = math.sqrt(0.5)
    cs = ((1, 0), (-s45, -s45), (0, 1), (s45, -s45), (-1, 0), (s45, s45), (0, -1), (-s45, s45))
    y0 = -(float(x) + 3) * math.pi * 0.25
    s0, c0 = math.sin(y0), math.cos(y0)
    coeffs = [_F32((cs[i][0] * s0 + cs[i][1] * c0) / (-(float(x) + 3 - i) * math.pi * 0.25) ** 2) for i in range(8)]
    total = _F32(0)
    for c in coeffs:
        total = _F32(total + c)
    return [_F32(c * (_F32(1) / total)) for c in coeffs]


@functools.lru_cache(maxsize=512)
def _taps(n_src, n_dst, interp, clamp):
    """(source indices, float32 weights), each (n_dst, taps), of one axis. clamp: OpenCV pins
    the x axis's bilinear taps at the border; the y axis keeps its weights on repeated rows."""
    inv = n_dst / n_src
    scale = 1 / inv
    k = 2 if interp in (1, 3) else 4 if interp == 2 else 8
    idx, w = np.zeros((n_dst, k), np.int32), np.zeros((n_dst, k), _F32)
    for d in range(n_dst):
        if interp == 3:   # INTER_AREA when enlarging: bilinear with area-mode offsets
            s = math.floor(d * scale)
            f = _F32((d + 1) - (s + 1) * inv)
            f = _F32(0) if f <= 0 else _F32(f - math.floor(f))
        else:
            f = _F32((d + 0.5) * scale - 0.5)
            s = math.floor(f)
            f = _F32(f - _F32(s))
        if interp in (1, 3):
            if clamp and s < 0:
                f, s = _F32(0), 0
            if clamp and s >= n_src - 1:
                f, s = _F32(0), n_src - 1
            w[d] = [_F32(1) - f, f]
        else:
            w[d] = _cubic_coeffs(f) if interp == 2 else _lanczos4_coeffs(f)
        idx[d] = np.clip(np.arange(k) + s - k // 2 + 1, 0, n_src - 1)
    return idx, w


@functools.lru_cache(maxsize=512)
def _area_taps(n_src, n_dst):
    """INTER_AREA when shrinking: each output averages the source cells it covers, partial
    cells weighted by their covered fraction (zero-weight taps pad the rows)."""
    scale = 1 / (n_dst / n_src)
    rows = []
    for d in range(n_dst):
        f1 = d * scale
        f2, cell = f1 + scale, min(scale, n_src - f1)
        s2 = min(math.floor(f2), n_src - 1)
        s1 = min(math.ceil(f1), s2)
        taps = [(s1 - 1, (s1 - f1) / cell)] if s1 - f1 > 1e-3 else []
        taps += [(s, 1 / cell) for s in range(s1, s2)]
        if f2 - s2 > 1e-3:
            taps.append((s2, min(f2 - s2, 1.0, cell) / cell))
        rows.append(taps)
    k = max(len(t) for t in rows)
    idx, w = np.zeros((n_dst, k), np.int32), np.zeros((n_dst, k), _F32)
    for d, taps in enumerate(rows):
        for j, (s, a) in enumerate(taps):
            idx[d, j], w[d, j] = s, a
    return idx, w


def _nearest(n_src, n_dst):
    return np.minimum(np.floor(np.arange(n_dst) * (1 / (n_dst / n_src))).astype(np.int32), n_src - 1)


def _weighted_sum(x, idx, w, axis):
    """sum over k of w[:, k] * x[idx[:, k]] along `axis`, added left to right as OpenCV's loops do;
    x in the wide type holds float32 values, rounded after every step (see _r)."""
    shape = [1] * x.ndim
    shape[axis] = -1
    acc = None
    for k in range(idx.shape[1]):
        t = _r(jnp.take(x, idx[:, k], axis=axis) * jnp.asarray(w[:, k].reshape(shape), _WIDE))
        acc = t if acc is None else _r(acc + t)
    return acc


def _resize_float(data, ix, wx, iy, wy):
    """The float path: rows first, then columns; float32 exactly, float64 as float64."""
    if data.dtype == jnp.float64:
        x = data
        for idx, w, axis in ((ix, wx, -2), (iy, wy, -3)):
            shape = [1] * x.ndim
            shape[axis] = -1
            terms = [jnp.take(x, idx[:, k], axis=axis) * w[:, k].reshape(shape).astype(np.float64)
                     for k in range(idx.shape[1])]
            x = functools.reduce(jnp.add, terms)
        return x
    return _weighted_sum(_weighted_sum(_wide(data), ix, wx, -2), iy, wy, -3).astype(jnp.float32)


def _resize_u8(data, ix, wx, iy, wy, interp):
    """cv::resize's 8-bit path: integer rows with 11-bit weights, then its vertical pass."""
    ax, ay = np.rint(wx * _COEF).astype(np.int32), np.rint(wy * _COEF).astype(np.int32)
    x = data.astype(jnp.int32)
    rows = functools.reduce(jnp.add, [jnp.take(x, ix[:, k], axis=-2) * jnp.asarray(ax[:, k].reshape(-1, 1))
                                      for k in range(ix.shape[1])])
    rows = [jnp.take(rows, iy[:, k], axis=-3) for k in range(iy.shape[1])]
    b = [jnp.asarray(ay[:, k].reshape(-1, 1, 1)) for k in range(iy.shape[1])]
    if interp in (1, 3):   # SSE2's mulhi formula (OpenCV's scalar loop for uint8 uses it too)
        v = (((rows[0] >> 4) * b[0]) >> 16) + (((rows[1] >> 4) * b[1]) >> 16)
        return jnp.clip((v + 2) >> 2, 0, 255).astype(jnp.uint8)
    fixed = jnp.clip((functools.reduce(jnp.add, [r * bk for r, bk in zip(rows, b)]) + (1 << 21)) >> 22, 0, 255)
    if interp == 4:
        return fixed.astype(jnp.uint8)
    # bicubic: SSE2 sums in float in blocks of 8 values of a row; the rest of the row is scalar
    beta = (ay * (_F32(1) / _F32(_COEF * _COEF))).astype(_F32)   # the float weights SSE2 uses
    simd = None
    for k, r in enumerate(rows):
        t = _r(r.astype(_WIDE) * jnp.asarray(beta[:, k].reshape(-1, 1, 1), _WIDE))
        simd = t if simd is None else _r(simd + t)
    simd = jnp.clip(jnp.round(simd), 0, 255)
    ow, c = len(ix), data.shape[-1]
    in_simd = np.arange(ow * c).reshape(ow, c) < (ow * c // 8) * 8
    return jnp.where(in_simd, simd, fixed).astype(jnp.uint8)


def _resize_area_fast(data, sx, sy):
    """INTER_AREA shrinking by whole factors: the mean of each sx x sy block."""
    oh, ow, c = data.shape[-3] // sy, data.shape[-2] // sx, data.shape[-1]
    x = data[..., :oh * sy, :ow * sx, :].reshape(data.shape[:-3] + (oh, sy, ow, sx, c))
    cells = [x[..., :, i, :, j, :] for i in range(sy) for j in range(sx)]
    if data.dtype == jnp.uint8:
        total = sum(cell.astype(jnp.int32) for cell in cells)
        if sx == sy == 2 and c in (1, 3, 4):
            return ((total + 2) >> 2).astype(jnp.uint8)
        return jnp.clip(jnp.round(total.astype(jnp.float32) * (_F32(1) / _F32(sx * sy))), 0, 255).astype(jnp.uint8)
    total, whole = 0, len(cells) // 4 * 4
    for k in range(0, whole, 4):   # OpenCV's loop adds four cells at a time, then the rest one by one
        total = total + functools.reduce(jnp.add, cells[k:k + 4])
    for cell in cells[whole:]:
        total = total + cell
    return total * (data.dtype.type(1) / data.dtype.type(sx * sy))


def resize_size(h, w, size, keep_ratio):
    """(height, width) of resize's output for an h x w image."""
    size = tuple(size) if isinstance(size, (list, tuple)) else (size,)
    if len(size) == 1:
        if not keep_ratio:
            return size[0], size[0]
        if h > w:
            return h * size[0] // w, size[0]
        return size[0], w * size[0] // h
    return size[1], size[0]


def _resize(data, size=(), keep_ratio=False, interp=1):
    """Resize (H, W, C) or (N, H, W, C) images to size (width, height), or to (size, size) --
    or, with keep_ratio, the short side to size -- by interp 0 nearest, 1 bilinear, 2 bicubic,
    3 area, 4 Lanczos (OpenCV's numbering)."""
    interp = 1 if interp is None else interp
    h, w = data.shape[-3], data.shape[-2]
    oh, ow = resize_size(h, w, size, keep_ratio)
    if interp == 0:
        return jnp.take(jnp.take(data, _nearest(h, oh), axis=-3), _nearest(w, ow), axis=-2)
    scale_x, scale_y = 1 / (ow / w), 1 / (oh / h)
    sx, sy = round(scale_x), round(scale_y)
    whole = abs(scale_x - sx) < np.finfo(float).eps and abs(scale_y - sy) < np.finfo(float).eps
    if interp == 1 and whole and sx == sy == 2:
        interp = 3   # OpenCV halves by INTER_AREA (the same values but for uint8 rounding)
    if interp == 3 and scale_x >= 1 and scale_y >= 1:
        if whole:
            return _resize_area_fast(data, sx, sy)
        (ix, wx), (iy, wy) = _area_taps(w, ow), _area_taps(h, oh)
        out = _resize_float(data, ix, wx, iy, wy)
        return jnp.clip(jnp.round(out), 0, 255).astype(jnp.uint8) if data.dtype == jnp.uint8 else out
    (ix, wx), (iy, wy) = _taps(w, ow, interp, True), _taps(h, oh, interp, False)
    if data.dtype == jnp.uint8:
        return _resize_u8(data, ix, wx, iy, wy, interp)
    return _resize_float(data, ix, wx, iy, wy)


def _check_resize(arrays, attrs):
    data = arrays[0]
    if data.ndim not in (3, 4):
        _shape_error('resize: input image dimension should be 3 (height, width, channels) or 4 '
                     '(N, height, width, channels)', data.shape)
    size = attrs['size']
    size = tuple(size) if isinstance(size, (list, tuple)) else (size,)
    if len(size) not in (1, 2):
        raise MXNetError('resize: size=%r must be (width, height) or (size,): 1 or 2 values, got %d'
                         % (attrs['size'], len(size)))
    if any(not isinstance(s, (int, np.integer)) or s <= 0 for s in size):
        raise MXNetError('resize: size=%r must hold positive ints' % (attrs['size'],))
    interp = 1 if attrs['interp'] is None else attrs['interp']
    if interp not in (0, 1, 2, 3, 4):
        raise MXNetError('resize: interp=%r is not supported: valid values are 0 (nearest), 1 (bilinear), '
                         '2 (bicubic), 3 (area), 4 (Lanczos)' % (interp,))
    dt = np.dtype(data.dtype)
    if dt == np.float16:
        raise MXNetError("resize: float16 images are not supported (OpenCV's resize does not take them)")
    if dt not in (np.uint8, np.float32, np.float64) and not (dt == np.int32 and interp == 0):
        raise MXNetError('resize: %s images are not supported with interp=%d: use uint8, float32 or float64 '
                         '(int32 only with interp=0)' % (dt.name, interp))


op('_image_resize', check=_check_resize)(_resize)
