"""Convolution, Deconvolution and Pooling: MXNet's layouts, weight shapes, output-size rules and
errors on lax.conv_general_dilated and lax.reduce_window; also the spatial transformer ops
(GridGenerator, BilinearSampler, SpatialTransformer) and ROIPooling.

Each op is registered once (so the tape differentiates it to any order through its cached jitted
VJP); a hand-written front door normalizes the shape attributes (an int kernel is (k,), empty
stride/dilate/pad are the defaults), checks them as MXNet does and calls it through `invoke`.
"""
import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

from ...base import MXNetError
from ..registry import frontend, op
from .nn import _check_arrays, _check_choice, _check_float, _check_kwargs, _check_same_dtype, _run

_CONV_LAYOUTS = (None, 'NCDHW', 'NCHW', 'NCW', 'NDHWC', 'NHWC')   # MXNet's choices (no NWC)
_POOL_LAYOUTS = (None, 'NCDHW', 'NCHW', 'NCW', 'NDHWC', 'NHWC', 'NWC')
_CHANNEL_FIRST = {1: 'NCW', 2: 'NCHW', 3: 'NCDHW'}


# ---------------------------------------------------------------- shared geometry
def _shape_arg(opname, name, v):
    """kernel/stride/... as a tuple of ints: MXNet reads an int k as (k,)."""
    if v is None:
        return ()
    if isinstance(v, (int, np.integer)) and not isinstance(v, bool):
        return (int(v),)
    if isinstance(v, (list, tuple)) and all(isinstance(x, (int, np.integer)) and not isinstance(x, bool)
                                            for x in v):
        return tuple(int(x) for x in v)
    raise MXNetError('%s: %s=%r must be a tuple of integers' % (opname, name, v))


def _layout(opname, layout, nsp, valid):
    """The layout string for `nsp` spatial dims: MXNet's default is channel-first."""
    _check_choice(opname, 'layout', layout, valid)
    if layout is None:
        return _CHANNEL_FIRST[nsp]
    if len(layout) != nsp + 2:
        raise MXNetError('%s: layout=%r does not fit %d-D data (kernel of %d dims)'
                         % (opname, layout, nsp + 2, nsp))
    return layout


def _spatial(layout, shape):
    return shape[2:] if layout[1] == 'C' else shape[1:-1]


def _channels(layout, shape):
    return shape[1] if layout[1] == 'C' else shape[-1]


def _geometry(opname, data, kernel, stride, dilate, pad, layout, valid, what):
    """Checked (kernel, stride, dilate, pad, layout) for `data`, defaults filled in."""
    k = _shape_arg(opname, 'kernel', kernel)
    if not k:
        raise MXNetError('%s: required parameter kernel is missing ((w,), (h, w) or (d, h, w))'
                         % opname)
    if not 1 <= len(k) <= 3:
        raise MXNetError('%s: kernel=%s: %dD %s is not supported (1 to 3 spatial dims)'
                         % (opname, k, len(k), what))
    n = len(k)
    if data.ndim != n + 2:
        raise MXNetError('%s: data has shape %s; kernel=%s needs %d-D data (batch, channel and %d '
                         'spatial dims)' % (opname, data.shape, k, n + 2, n))
    geo = [k]
    for nm, v, lo in (('stride', stride, 1), ('dilate', dilate, 1), ('pad', pad, 0)):
        v = _shape_arg(opname, nm, v) or (lo,) * n
        if len(v) != n:
            raise MXNetError('%s: %s=%s must have %d values like kernel=%s' % (opname, nm, v, n, k))
        if any(x < lo for x in v):
            raise MXNetError('%s: %s=%s must be %s' % (opname, nm, v, 'non-negative' if lo == 0 else 'positive'))
        geo.append(v)
    if any(x < 1 for x in k):
        raise MXNetError('%s: kernel=%s must be positive' % (opname, k))
    geo.append(_layout(opname, layout, n, valid))
    return geo


def _check_num(opname, name, v, lo):
    if not isinstance(v, (int, np.integer)) or isinstance(v, bool) or v < lo:
        raise MXNetError('%s: %s=%r must be an integer >= %d' % (opname, name, v, lo))
    return int(v)


def _conv_inputs(opname, data, weight, bias, no_bias, num_filter, num_group):
    """The array inputs after MXNet's checks: bias present iff not no_bias, one float dtype."""
    if num_filter is None:
        raise MXNetError('%s: required parameter num_filter is missing' % opname)
    _check_num(opname, 'num_filter', num_filter, 1)
    _check_num(opname, 'num_group', num_group, 1)
    _check_arrays(opname, data=data, weight=weight)
    arrays = [data, weight]
    if no_bias:
        if bias is not None:
            raise MXNetError('%s: no_bias=True but a bias input was given (it expects 2 inputs: '
                             'data, weight)' % opname)
    else:
        if bias is None:
            raise MXNetError('%s: bias input is missing (it expects 3 inputs: data, weight, bias; '
                             'pass no_bias=True for none)' % opname)
        _check_arrays(opname, bias=bias)
        arrays.append(bias)
    _check_same_dtype(opname, ('data', 'weight', 'bias'), arrays)
    _check_float(opname, {'data': data})
    return arrays


def _check_weights(opname, arrays, want_w, num_filter):
    if arrays[1].shape != want_w:
        raise MXNetError('%s: weight has shape %s, expected %s for data of shape %s'
                         % (opname, arrays[1].shape, want_w, arrays[0].shape))
    if len(arrays) == 3 and arrays[2].shape != (num_filter,):
        raise MXNetError('%s: bias has shape %s, expected (%d,) (num_filter)'
                         % (opname, arrays[2].shape, num_filter))


def _dimension_numbers(layout):
    """lax's (lhs, rhs, out) specs: the weight is O, I, spatial... (channel-last: O, spatial..., I)."""
    sp = layout[2:] if layout[1] == 'C' else layout[1:-1]
    rhs = 'OI' + sp if layout[1] == 'C' else 'O' + sp + 'I'
    return (layout, rhs, layout)


def _add_bias(y, args, no_bias, layout):
    if no_bias:
        return y
    b = args[2]
    return y + (b.reshape((-1,) + (1,) * (y.ndim - 2)) if layout[1] == 'C' else b)


# ---------------------------------------------------------------- Convolution
def _convolution(*args, kernel=(), stride=(), dilate=(), pad=(), num_filter=1, num_group=1,
                 no_bias=False, layout='NCHW'):
    y = lax.conv_general_dilated(args[0], args[1], stride, [(p, p) for p in pad], rhs_dilation=dilate,
                                 dimension_numbers=_dimension_numbers(layout),
                                 feature_group_count=num_group)
    return _add_bias(y, args, no_bias, layout)


_conv_op = op('Convolution', inputs=('*args',))(_convolution).op


@frontend('Convolution')
def Convolution(data=None, weight=None, bias=None, kernel=None, stride=None, dilate=None, pad=None,
                num_filter=None, num_group=1, workspace=1024, no_bias=False, cudnn_tune=None,
                cudnn_off=False, layout=None, out=None, name=None, **kwargs):
    """N-D convolution (cross-correlation) of (N+2)-D data, N = 1, 2, 3.

    weight is (num_filter, channels/num_group, *kernel), or (num_filter, *kernel,
    channels/num_group) for the channel-last layouts NHWC/NDHWC, which mxjax computes on every
    device (MXNet runs them on GPU only). workspace, cudnn_tune and cudnn_off are accepted and
    have no effect. float16 works too (MXNet's CPU convolution rejects it)."""
    _check_kwargs('Convolution', kwargs)
    _check_choice('Convolution', 'cudnn_tune', cudnn_tune, (None, 'fastest', 'limited_workspace', 'off'))
    no_bias = bool(no_bias)
    arrays = _conv_inputs('Convolution', data, weight, bias, no_bias, num_filter, num_group)
    k, s, d, p, layout = _geometry('Convolution', data, kernel, stride, dilate, pad, layout,
                                   _CONV_LAYOUTS, 'convolution')
    c = _channels(layout, data.shape)
    if c % num_group:
        raise MXNetError('Convolution: num_group=%d does not divide the %d input channels' % (num_group, c))
    if num_filter % num_group:
        raise MXNetError('Convolution: num_group=%d does not divide num_filter=%d' % (num_group, num_filter))
    want = (num_filter, c // num_group) + k if layout[1] == 'C' else (num_filter,) + k + (c // num_group,)
    _check_weights('Convolution', arrays, want, num_filter)
    for i, n in enumerate(_spatial(layout, data.shape)):
        if d[i] * (k[i] - 1) + 1 > n + 2 * p[i]:
            raise MXNetError('Convolution: kernel size %d (dilated) exceeds the input size %d (padded) '
                             'on spatial axis %d' % (d[i] * (k[i] - 1) + 1, n + 2 * p[i], i))
    return _run(_conv_op, arrays, out, kernel=k, stride=s, dilate=d, pad=p, num_filter=int(num_filter),
                num_group=int(num_group), no_bias=no_bias, layout=layout)


# ---------------------------------------------------------------- Deconvolution
def _deconvolution(*args, kernel=(), stride=(), dilate=(), pad=(), adj=(), num_filter=1, num_group=1,
                   no_bias=True, layout='NCHW'):
    x, w = args[0], args[1]
    if layout[1] != 'C':
        w = jnp.moveaxis(w, -1, 1)   # (in, k..., out/g) -> (in, out/g, k...)
    # The transposed convolution is a convolution of the stride-dilated input with the flipped
    # kernel whose (in, out/g) axes are swapped within each group.
    g, cin, cout = num_group, w.shape[0], w.shape[1]
    w = w.reshape((g, cin // g, cout) + w.shape[2:]).swapaxes(1, 2).reshape((g * cout, cin // g) + w.shape[2:])
    w = jnp.flip(w, tuple(range(2, w.ndim)))
    edge = [di * (ki - 1) for ki, di in zip(kernel, dilate)]
    pads = [(e - p, e - p + a) for e, p, a in zip(edge, pad, adj)]
    rhs = 'OI' + (layout[2:] if layout[1] == 'C' else layout[1:-1])
    y = lax.conv_general_dilated(x, w, (1,) * len(kernel), pads, lhs_dilation=stride, rhs_dilation=dilate,
                                 dimension_numbers=(layout, rhs, layout), feature_group_count=g)
    return _add_bias(y, args, no_bias, layout)


_deconv_op = op('Deconvolution', inputs=('*args',))(_deconvolution).op


@frontend('Deconvolution')
def Deconvolution(data=None, weight=None, bias=None, kernel=None, stride=None, dilate=None, pad=None,
                  adj=None, target_shape=None, num_filter=None, num_group=1, workspace=512, no_bias=True,
                  cudnn_tune=None, cudnn_off=False, layout=None, out=None, name=None, **kwargs):
    """Transposed convolution (the gradient of Convolution w.r.t. its data), 1 to 3 spatial dims.

    weight is (channels, num_filter/num_group, *kernel) (channel-last layouts: (channels, *kernel,
    num_filter/num_group)); no_bias defaults to True, as in MXNet. Each output size is
    stride*(in-1) + dilate*(kernel-1) + 1 - 2*pad + adj; a target_shape replaces pad and adj by
    MXNet's choice: total = full size - target, adj = total % 2, pad = (total + 1) // 2."""
    _check_kwargs('Deconvolution', kwargs)
    _check_choice('Deconvolution', 'cudnn_tune', cudnn_tune, (None, 'fastest', 'limited_workspace', 'off'))
    no_bias = bool(no_bias)
    arrays = _conv_inputs('Deconvolution', data, weight, bias, no_bias, num_filter, num_group)
    k, s, d, p, layout = _geometry('Deconvolution', data, kernel, stride, dilate, pad, layout,
                                   _CONV_LAYOUTS, 'deconvolution')
    n = len(k)
    sp = _spatial(layout, data.shape)
    a = _shape_arg('Deconvolution', 'adj', adj) or (0,) * n
    ts = _shape_arg('Deconvolution', 'target_shape', target_shape)
    full = [s[i] * (sp[i] - 1) + d[i] * (k[i] - 1) + 1 for i in range(n)]
    if any(ts):   # all zeros means unset, as in MXNet
        if len(ts) != n:
            raise MXNetError('Deconvolution: target_shape=%s must have %d values like kernel=%s' % (ts, n, k))
        if any(t > f for t, f in zip(ts, full)):
            raise MXNetError('Deconvolution: target_shape=%s is too big: at most %s for this input, kernel, '
                             'stride and dilate' % (ts, tuple(full)))
        a = tuple((f - t) % 2 for f, t in zip(full, ts))
        p = tuple((f - t + 1) // 2 for f, t in zip(full, ts))
    if len(a) != n:
        raise MXNetError('Deconvolution: adj=%s must have %d values like kernel=%s' % (a, n, k))
    if any(not 0 <= a[i] < s[i] for i in range(n)):
        raise MXNetError('Deconvolution: adj=%s must be smaller than stride=%s (and non-negative)' % (a, s))
    c = _channels(layout, data.shape)
    if c % num_group:
        raise MXNetError('Deconvolution: num_group=%d does not divide the %d input channels' % (num_group, c))
    if num_filter % num_group:
        raise MXNetError('Deconvolution: num_group=%d does not divide num_filter=%d' % (num_group, num_filter))
    nf = num_filter // num_group
    _check_weights('Deconvolution', arrays, (c, nf) + k if layout[1] == 'C' else (c,) + k + (nf,), num_filter)
    size = [full[i] - 2 * p[i] + a[i] for i in range(n)]
    if min(size) < 1:
        raise MXNetError('Deconvolution: pad=%s leaves an empty output (size %s)' % (p, tuple(size)))
    return _run(_deconv_op, arrays, out, kernel=k, stride=s, dilate=d, pad=p, adj=a,
                num_filter=int(num_filter), num_group=int(num_group), no_bias=no_bias, layout=layout)


# ---------------------------------------------------------------- Pooling
def _pool_sizes(n, k, s, p, full):
    """Output size and the extra right padding that the 'full' (ceil) convention needs."""
    out = (n + 2 * p - k + (s - 1 if full else 0)) // s + 1
    return out, max(0, (out - 1) * s + k - n - 2 * p)


def _avg_counts(sizes, outs, kernel, stride, pad, include_pad):
    """MXNet's divisor per output position: the window clipped to the padded input (include_pad)
    or to the input itself; an all-padding window (count 0) sums to 0 and keeps 0."""
    total = np.ones(())
    for n, o, k, s, p in zip(sizes, outs, kernel, stride, pad):
        start = np.arange(o) * s - p
        if include_pad:
            c = np.minimum(start + k, n + p) - start
        else:
            c = np.minimum(start + k, n) - np.maximum(start, 0)
        total = np.multiply.outer(total, np.maximum(c, 1))
    return total


@jax.custom_jvp
def _nan_to_lowest(x):
    return jnp.where(jnp.isnan(x), jnp.finfo(x.dtype).min, x)


# MXNet sends an all-NaN window's gradient to its first element, NaN or not: tangents pass unchanged
_nan_to_lowest.defjvp(lambda p, t: (_nan_to_lowest(p[0]), t[0]))


def _pooling(data, kernel=(), pool_type='max', pooling_convention='valid', stride=(), pad=(), p_value=None,
             count_include_pad=True, layout='NCHW'):
    first = layout[1] == 'C'
    sizes = _spatial(layout, data.shape)
    full = pooling_convention == 'full'
    extra = [_pool_sizes(n, k, s, p, full)[1] for n, k, s, p in zip(sizes, kernel, stride, pad)]
    sp_pads = [(p, p + e) for p, e in zip(pad, extra)]
    pads = [(0, 0)] * 2 + sp_pads if first else [(0, 0)] + sp_pads + [(0, 0)]
    dims = (1, 1) + kernel if first else (1,) + kernel + (1,)
    strides = (1, 1) + stride if first else (1,) + stride + (1,)
    if pool_type == 'max':
        # MXNet's max skips NaN and pads with the lowest finite value (an all-padding window gives it)
        low = jnp.finfo(data.dtype).min
        x = jnp.pad(_nan_to_lowest(data), pads, constant_values=low)
        return lax.reduce_window(x, np.array(-np.inf, data.dtype), lax.max, dims, strides, 'VALID')
    cdt = jnp.promote_types(data.dtype, jnp.float32)
    x = data.astype(cdt)
    if pool_type == 'lp' and p_value > 1:
        x = x ** p_value
    y = lax.reduce_window(x, np.array(0, cdt), lax.add, dims, strides, pads)
    if pool_type == 'avg':
        outs = _spatial(layout, y.shape)
        counts = _avg_counts(sizes, outs, kernel, stride, pad, count_include_pad)
        y = y / jnp.asarray(counts.reshape((1, 1) + outs if first else (1,) + outs + (1,)), cdt)
    elif pool_type == 'lp' and p_value > 1:
        # the p-th root with a zero gradient (not NaN) where the window sums to 0, as MXNet
        nz = y != 0
        safe = jnp.where(nz, y, 1)
        y = jnp.where(nz, jnp.sqrt(safe) if p_value == 2 else jnp.cbrt(safe), 0)
    return y.astype(data.dtype)


_pool_op = op('Pooling')(_pooling).op


@frontend('Pooling')
def Pooling(data=None, kernel=None, pool_type='max', global_pool=False, cudnn_off=False,
            pooling_convention='valid', stride=None, pad=None, p_value=None, count_include_pad=None,
            layout=None, out=None, name=None, **kwargs):
    """max/avg/sum/lp pooling of (N+2)-D data, N = 1, 2, 3, channel-first or channel-last.

    As MXNet: max skips NaN and pads with the lowest finite value; avg divides by the window
    clipped to the padded input (count_include_pad, the default) or to the input; lp takes
    p_value 1 (a plain sum), 2 or 3 (sign-keeping cube root); global_pool ignores kernel, stride
    and pad. pooling_convention='same' raises, as it does for every input in MXNet 1.9.1."""
    _check_kwargs('Pooling', kwargs)
    _check_arrays('Pooling', data=data)
    _check_choice('Pooling', 'pool_type', pool_type, ('avg', 'lp', 'max', 'sum'))
    _check_choice('Pooling', 'pooling_convention', pooling_convention, ('full', 'same', 'valid'))
    _check_float('Pooling', {'data': data})
    if pool_type == 'lp':
        if p_value is None:
            raise MXNetError('Pooling: pool_type=lp needs p_value (1, 2 or 3)')
        if p_value not in (1, 2, 3):
            raise MXNetError('Pooling: p_value=%r is not supported (valid: 1, 2, 3)' % (p_value,))
        p_value = int(p_value)
    else:
        p_value = None
    if not 3 <= data.ndim <= 5:
        raise MXNetError('Pooling: data has shape %s; it must be 3-D, 4-D or 5-D (batch, channel and 1 '
                         'to 3 spatial dims)' % (data.shape,))
    if global_pool:
        lay = _layout('Pooling', layout, data.ndim - 2, _POOL_LAYOUTS)
        k, s, p = _spatial(lay, data.shape), (1,) * (data.ndim - 2), (0,) * (data.ndim - 2)
        convention = 'valid'
    else:
        if not _shape_arg('Pooling', 'kernel', kernel):
            raise MXNetError('Pooling: required parameter kernel is missing (or pass global_pool=True)')
        k, s, _, p, lay = _geometry('Pooling', data, kernel, stride, None, pad, layout, _POOL_LAYOUTS, 'pooling')
        convention = pooling_convention
        if convention == 'same':
            raise MXNetError("Pooling: pooling_convention='same' is not supported (MXNet 1.9.1 rejects it for "
                             "every input); use 'valid' or 'full'")
        for i, n in enumerate(_spatial(lay, data.shape)):
            if k[i] > n + 2 * p[i]:
                raise MXNetError('Pooling: kernel size %d exceeds the input size %d (padded) on spatial axis %d'
                                 % (k[i], n + 2 * p[i], i))
    return _run(_pool_op, [data], out, kernel=k, pool_type=pool_type, pooling_convention=convention,
                stride=s, pad=p, p_value=p_value,
                count_include_pad=pool_type != 'avg' or count_include_pad is None or bool(count_include_pad),
                layout=lay)


# ---------------------------------------------------------------- spatial transformer family
def _affine_grid(theta, h, w):
    """(N, 6) affine matrices -> (N, 2, h, w) source (x, y) in [-1, 1] for each target pixel."""
    dt = theta.dtype
    xs = -1 + jnp.arange(w, dtype=dt) * jnp.asarray(2 / (w - 1) if w > 1 else np.inf, dt)   # 1 wide: NaN, as MXNet
    ys = -1 + jnp.arange(h, dtype=dt) * jnp.asarray(2 / (h - 1) if h > 1 else np.inf, dt)
    dst = jnp.stack([jnp.broadcast_to(xs, (h, w)), jnp.broadcast_to(ys[:, None], (h, w)), jnp.ones((h, w), dt)])
    return jnp.einsum('nij,jhw->nihw', theta.reshape(-1, 2, 3), dst)


def _grid_generator(data, transform_type=None, target_shape=(0, 0)):
    if transform_type == 'affine':
        return _affine_grid(data, *target_shape)
    h, w = data.shape[2:]
    # warp: the flow (in pixels) plus each pixel's own position, normalized to [-1, 1]
    xs = (data[:, 0] + jnp.arange(w, dtype=data.dtype)) / jnp.asarray((w - 1) / 2, data.dtype) - 1
    ys = (data[:, 1] + jnp.arange(h, dtype=data.dtype)[:, None]) / jnp.asarray((h - 1) / 2, data.dtype) - 1
    return jnp.stack([xs, ys], axis=1)


def _check_grid_generator(arrays, attrs):
    data, t = arrays[0], attrs['transform_type']
    if t is None:
        raise MXNetError("GridGenerator: required parameter transform_type is missing ('affine' or 'warp')")
    _check_choice('GridGenerator', 'transform_type', t, ('affine', 'warp'))
    _check_float('GridGenerator', {'data': data})
    if t == 'affine':
        if data.ndim != 2 or data.shape[1] != 6:
            raise MXNetError('GridGenerator: affine data has shape %s, expected (batch, 6)' % (data.shape,))
        _check_target_shape('GridGenerator', attrs['target_shape'])
    elif data.ndim != 4 or data.shape[1] != 2:
        raise MXNetError('GridGenerator: warp data has shape %s, expected (batch, 2, height, width)' % (data.shape,))


def _check_target_shape(opname, ts):
    if (not isinstance(ts, (list, tuple)) or len(ts) != 2
            or any(not isinstance(v, (int, np.integer)) or v < 1 for v in ts)):
        raise MXNetError('%s: target_shape=%r must be a positive (height, width)' % (opname, ts))


op('GridGenerator', check=_check_grid_generator)(_grid_generator)


def _bilinear_sample(data, grid):
    """MXNet's bilinear sampling: grid (N, 2, h, w) of (x, y) in [-1, 1]; zeros outside the data."""
    n, _, hi, wi = data.shape
    x = (grid[:, 0] + 1) * jnp.asarray((wi - 1) / 2, grid.dtype)
    y = (grid[:, 1] + 1) * jnp.asarray((hi - 1) / 2, grid.dtype)
    x0, y0 = lax.stop_gradient(jnp.floor(x)), lax.stop_gradient(jnp.floor(y))
    wx, wy = x - x0, y - y0   # the weights of the right and bottom neighbours
    x0, y0 = x0.astype(jnp.int32), y0.astype(jnp.int32)
    batch = jnp.arange(n)[:, None, None]
    out = 0
    for dy, fy in ((0, 1 - wy), (1, wy)):
        for dx, fx in ((0, 1 - wx), (1, wx)):
            yy, xx = y0 + dy, x0 + dx
            inside = (yy >= 0) & (yy < hi) & (xx >= 0) & (xx < wi)
            v = data[batch, :, jnp.clip(yy, 0, hi - 1), jnp.clip(xx, 0, wi - 1)]   # (n, h, w, c)
            out = out + jnp.where(inside, fy * fx, 0)[..., None].astype(data.dtype) * v
    return jnp.moveaxis(out, -1, 1)


def _bilinear_sampler(data, grid, cudnn_off=None):
    return _bilinear_sample(data, grid)


def _check_sampler(opname, data, grid, gname):
    _check_float(opname, {'data': data})
    _check_same_dtype(opname, ('data', gname), [data, grid])
    if data.ndim != 4:
        raise MXNetError('%s: data has shape %s, expected 4-D (batch, channel, height, width)' % (opname, data.shape))
    if grid.ndim != 4 or grid.shape[1] != 2 or grid.shape[0] != data.shape[0]:
        raise MXNetError('%s: grid has shape %s, expected (%d, 2, height, width) (batch of data, x and y)'
                         % (opname, grid.shape, data.shape[0]))


op('BilinearSampler', inputs=('data', 'grid'),
   check=lambda arrays, attrs: _check_sampler('BilinearSampler', *arrays, 'grid'))(_bilinear_sampler)


def _spatial_transformer(data, loc, target_shape=(0, 0), transform_type=None, sampler_type=None,
                         cudnn_off=None):
    return _bilinear_sample(data, _affine_grid(loc, *target_shape))


def _check_spatial_transformer(arrays, attrs):
    data, loc = arrays
    for nm, valid in (('transform_type', ('affine',)), ('sampler_type', ('bilinear',))):
        if attrs[nm] is None:
            raise MXNetError('SpatialTransformer: required parameter %s is missing (%r)' % (nm, valid[0]))
        _check_choice('SpatialTransformer', nm, attrs[nm], valid)
    _check_float('SpatialTransformer', {'data': data})
    _check_same_dtype('SpatialTransformer', ('data', 'loc'), arrays)
    if data.ndim != 4:
        raise MXNetError('SpatialTransformer: data has shape %s, expected 4-D (batch, channel, height, width)'
                         % (data.shape,))
    if loc.shape != (data.shape[0], 6):
        raise MXNetError('SpatialTransformer: loc has shape %s, expected (%d, 6) (an affine matrix per sample)'
                         % (loc.shape, data.shape[0]))
    _check_target_shape('SpatialTransformer', attrs['target_shape'])


op('SpatialTransformer', inputs=('data', 'loc'), check=_check_spatial_transformer)(_spatial_transformer)


# ---------------------------------------------------------------- ROIPooling
def _roi_pooling(data, rois, pooled_size=(), spatial_scale=None):
    n, _, h, w = data.shape
    ph, pw = pooled_size
    rois = lax.stop_gradient(rois)
    b = rois[:, 0].astype(jnp.int32)
    # C's round (half away from zero) of the scaled corners, as MXNet
    r = rois[:, 1:] * jnp.asarray(np.float32(spatial_scale), rois.dtype)   # a float32 parameter
    x1, y1, x2, y2 = (jnp.sign(r) * jnp.floor(jnp.abs(r) + 0.5)).astype(jnp.int32).T

    def bins(start, end, pooled, size):
        bin_size = jnp.maximum(end - start + 1, 1).astype(data.dtype) / pooled
        i = jnp.arange(pooled, dtype=data.dtype)
        lo = jnp.clip(jnp.floor(i * bin_size[:, None]).astype(jnp.int32) + start[:, None], 0, size)
        hi = jnp.clip(jnp.ceil((i + 1) * bin_size[:, None]).astype(jnp.int32) + start[:, None], 0, size)
        pos = jnp.arange(size)
        return (pos >= lo[..., None]) & (pos < hi[..., None]), hi > lo   # (R, pooled, size), (R, pooled)

    mh, fh = bins(y1, y2, ph, h)
    mw, fw = bins(x1, x2, pw, w)
    x = data[jnp.clip(b, 0, n - 1)]                                   # (R, C, H, W)
    low = jnp.asarray(-jnp.inf, data.dtype)
    # the first maximum in row-major order: the first column in each row, then the first row
    row = jnp.where(mw[:, None, None], x[:, :, :, None, :], low)      # (R, C, H, pw, W)
    col = jnp.argmax(row, axis=-1)
    best = jnp.where(mh[:, None, :, :, None], jnp.max(row, axis=-1)[:, :, None], low)   # (R, C, ph, H, pw)
    yi = jnp.argmax(best, axis=3)                                     # (R, C, ph, pw)
    xi = jnp.take_along_axis(jnp.broadcast_to(col[:, :, None], best.shape), yi[:, :, :, None], axis=3)[:, :, :, 0]
    rr = jnp.arange(x.shape[0])[:, None, None, None]
    cc = jnp.arange(x.shape[1])[None, :, None, None]
    out = x[rr, cc, yi, xi]
    # an empty bin or an roi of a batch index out of range gives 0
    keep = (fh[:, :, None] & fw[:, None, :] & ((b >= 0) & (b < n))[:, None, None])[:, None]
    return jnp.where(keep, out, 0)


def _check_roi_pooling(arrays, attrs):
    data, rois = arrays
    size, scale = attrs['pooled_size'], attrs['spatial_scale']
    if scale is None:
        raise MXNetError('ROIPooling: required parameter spatial_scale is missing')
    if (not isinstance(size, (list, tuple)) or len(size) != 2
            or any(not isinstance(v, (int, np.integer)) or v < 1 for v in size)):
        raise MXNetError('ROIPooling: pooled_size=%r must be a positive (height, width)' % (size,))
    _check_float('ROIPooling', {'data': data})
    _check_same_dtype('ROIPooling', ('data', 'rois'), arrays)
    if data.ndim != 4:
        raise MXNetError('ROIPooling: data has shape %s, expected 4-D (batch, channel, height, width)' % (data.shape,))
    if rois.ndim != 2 or rois.shape[1] != 5:
        raise MXNetError('ROIPooling: rois has shape %s, expected (num_rois, 5): [batch_index, x1, y1, x2, y2]'
                         % (rois.shape,))


op('ROIPooling', inputs=('data', 'rois'), check=_check_roi_pooling)(_roi_pooling)
