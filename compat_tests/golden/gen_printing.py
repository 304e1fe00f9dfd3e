"""Golden prints: repr/str of NDArrays exactly as real MXNet 1.9.1 (with its NumPy 1.23) prints them.

Regenerate with real MXNet:

    ~/mxref/bin/python compat_tests/golden/gen_printing.py

which writes printing.npz beside this file: the raw input arrays (exact values and dtype,
packed one flat array per dtype; `unpack` restores them), MXNet's repr of
`nd.array(a, dtype=a.dtype)` for each (`reprs`, in INPUTS order), and MXNet's reprs of the
EXPRS (MXNet ops) and OPTION_CASES (arrays printed under user print options).
test_printing.py prints the same arrays with mxjax and requires identical strings.
"""
import json
import os

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
GOLDEN = os.path.join(HERE, 'printing.npz')

DTYPES = ['float16', 'float32', 'float64', 'int8', 'uint8', 'int32', 'int64', 'bool']
FLOATS = DTYPES[:3]
# few distinct shapes; incl. 0-d, empty, 1-D..4-D, wide rows (wrap at 75 chars)
SHAPES = [(), (1,), (2,), (5,), (7,), (2, 3), (3, 1, 4), (2, 2, 2, 2), (2, 13), (0,), (2, 0)]
# > 1000 elements: summarised with '...'
BIG_SHAPES = [(1001,), (40, 26), (11, 10, 10)]

# MXNet expressions printed as they are (values exact in any implementation)
EXPRS = [
    'nd.ones((2, 3))', 'nd.zeros((4,))', 'nd.arange(24).reshape((2, 3, 4))',
    'nd.arange(1001)', 'nd.arange(2000).reshape((2, 1000))', 'nd.arange(10) * 0.1',
    'nd.arange(-5, 5) * 0.25', 'nd.full((2, 2), 7, dtype="int32")', 'nd.arange(6).reshape((3, 2)) + 0.5',
    'nd.ones((3,), dtype="float16") * 1000', 'nd.arange(12, dtype="float64").reshape((3, 4)) * 0.3',
    'nd.arange(30).reshape((1, 30)) * 1e5', 'nd.zeros((2, 2), dtype="uint8")',
    'nd.array([1, 2, 3]) == 2', 'nd.ones((2, 2, 2, 2), dtype="int64") * -3',
]

# (input name, print options): MXNet honours the user's NumPy print options
OPTION_CASES = [
    ('opt_f32', dict(precision=3)), ('opt_f32', dict(suppress=True)),
    ('opt_f32', dict(floatmode='fixed', precision=4)), ('opt_f32', dict(sign='+')),
    ('opt_f64', dict(precision=2, suppress=True)), ('opt_f64', dict(linewidth=40)),
    ('opt_long', dict(threshold=5)), ('opt_long', dict(threshold=5, edgeitems=1)),
    ('opt_long', dict(linewidth=30)), ('opt_f16', dict(precision=2)),
    ('opt_i32', dict(threshold=4, edgeitems=2)), ('opt_i32', dict(sign=' ')),
    ('opt_f32', dict(legacy='1.13')), ('f32_12345678', dict(legacy='1.13')),
    ('opt_f32', dict(formatter={'float_kind': '{:.2f}'.format})),
    ('opt_i32', dict(formatter={'int': lambda v: 'i%d' % v})), ('f16_1000_1.5', dict(nanstr='NaN')),
]


def _floats(rs, shape, dtype):
    """Random floats: one of several magnitude patterns, sometimes with special values."""
    n = int(np.prod(shape))
    kind = rs.randint(7)
    if kind == 0:    # one magnitude
        v = rs.randn(n) * 10.0 ** rs.uniform(-12, 12)
    elif kind == 1:  # mixed magnitudes
        v = rs.randn(n) * 10.0 ** rs.uniform(-12, 12, n)
    elif kind == 2:  # whole numbers
        v = np.round(rs.randn(n) * 10.0 ** rs.randint(0, 9))
    elif kind == 3:  # few decimals
        v = np.round(rs.randn(n) * 100, rs.randint(0, 4))
    elif kind == 4:  # near the scientific-notation switches (1e-4, 1e3 ratio, 1e8)
        v = rs.choice([1e-4, 9.9e-5, 1e3, 1000.5, 1e8, 99999999., 12345678., 1e16, 65504.], n)
        v = v * rs.choice([1, -1], n)
    elif kind == 5:  # all-positive uniform
        v = rs.rand(n) * 10.0 ** rs.randint(-5, 9)
    else:            # integers of every size
        v = rs.randint(-10 ** 6, 10 ** 6, n) * 10.0 ** rs.randint(-3, 4)
    if n and rs.rand() < 0.3:  # special values
        k = rs.randint(1, min(n, 3) + 1)
        v[rs.choice(n, k, replace=False)] = rs.choice([np.inf, -np.inf, np.nan, -0.0, 0.0], k)
    with np.errstate(over='ignore'):
        return v.astype(dtype).reshape(shape)


def _ints(rs, shape, dtype):
    n = int(np.prod(shape))
    if dtype == 'bool':
        return (rs.rand(n) < 0.5).reshape(shape)
    info = np.iinfo(dtype)
    hi = min(info.max, 10 ** int(rs.randint(1, len(str(info.max)) + 1)))
    lo = max(info.min, -hi)
    v = rs.randint(lo, hi, n, dtype=np.int64) if dtype != 'int64' else \
        (rs.randint(-2 ** 62, 2 ** 62, n, dtype=np.int64) >> rs.randint(0, 60))
    if n and rs.rand() < 0.2:  # the extremes
        v[0] = info.min if rs.rand() < 0.5 else info.max
    return v.astype(dtype).reshape(shape)


def inputs():
    """name -> numpy array (exact values and dtype of each printed NDArray)."""
    rs = np.random.RandomState(1234)
    a = {}
    for rep in range(4):
        for dt in DTYPES:
            for shape in SHAPES:
                gen = _floats if dt in FLOATS else _ints
                a['r%d_%s_%s' % (rep, dt, 'x'.join(map(str, shape)) or 'scalar')] = gen(rs, shape, dt)
    for i, dt in enumerate(DTYPES):
        shape = BIG_SHAPES[i % len(BIG_SHAPES)]
        gen = _floats if dt in FLOATS else _ints
        a['big_%s_%s' % (dt, 'x'.join(map(str, shape)))] = gen(rs, shape, dt)
    # reported cases and hand-picked corners
    special = {
        'f32_12345678': ([12345678.], 'float32'), 'f16_1000_1.5': ([1000., 1.5], 'float16'),
        'f16_whole': ([1., 2., 3., 2048.], 'float16'), 'f16_max': ([65504., -65504.], 'float16'),
        'f16_tiny': ([6e-8, 1e-5, 1.], 'float16'), 'f16_scalar_whole': (1000., 'float16'),
        'f32_1e8': ([1e8, 1.], 'float32'), 'f32_below_1e8': ([99999992., 1.], 'float32'),
        'f64_1e16': ([1e16, 1.], 'float64'), 'f64_123456789': ([123456789., 0.5], 'float64'),
        'neg_zero': ([-0.0, 0.0, 1.], 'float32'), 'all_nan': ([np.nan, np.nan], 'float32'),
        'inf_only': ([np.inf, -np.inf], 'float64'), 'inf_nan_num': ([np.inf, np.nan, -1.5e-7], 'float32'),
        'f32_eps': ([1.1920929e-07, 1.0], 'float32'), 'f64_denormal': ([5e-324, 1.], 'float64'),
        'i8_minmax': ([-128, 127, 0], 'int8'), 'u8_max': ([0, 255], 'uint8'),
        'i64_minmax': ([-2 ** 63, 2 ** 63 - 1], 'int64'), 'i32_minmax': ([-2 ** 31, 2 ** 31 - 1], 'int32'),
        'bool_scalar': (True, 'bool'), 'i32_scalar': (-7, 'int32'), 'f64_scalar_tiny': (1e-300, 'float64'),
        'f32_scalar_big': (1e16, 'float32'), 'f32_scalar_nan': (np.nan, 'float32'),
        'opt_f32': ([[1 / 3, -2 / 3, 1e-5], [1234.5678, 0.0, -0.1]], 'float32'),
        'opt_f64': ([np.pi * 10 ** k for k in range(-3, 9)], 'float64'),
        'opt_long': (np.arange(40) * 0.5 - 7, 'float32'), 'opt_f16': ([1 / 3, 7.25, -100.], 'float16'),
        'opt_i32': (np.arange(-6, 6), 'int32'),
    }
    for name, (v, dt) in special.items():
        a[name] = np.array(v, dtype=dt)
    return a


INPUTS = inputs()


def mx_repr(nd, a):
    return repr(nd.array(a, dtype=a.dtype))


def pack(arrays):
    """One flat array per dtype + a JSON index [(name, dtype, shape, offset)] (a small file)."""
    flat, index = {dt: [] for dt in DTYPES}, []
    for name, a in arrays.items():
        dt = str(a.dtype)
        index.append((name, dt, a.shape, sum(x.size for x in flat[dt])))
        flat[dt].append(a.ravel())
    out = {'flat/' + dt: np.concatenate(v).astype(dt) for dt, v in flat.items() if v}
    out['index'] = json.dumps(index)
    return out


def unpack(gold):
    index = json.loads(str(gold['index']))
    return {name: gold['flat/' + dt][off:off + int(np.prod(shape))].reshape(shape)
            for name, dt, shape, off in index}


def main():
    import mxnet as mx
    nd = mx.nd
    out = pack(INPUTS)
    assert all(np.array_equal(a, INPUTS[k], equal_nan=a.dtype.kind == 'f') and a.dtype == INPUTS[k].dtype
               for k, a in unpack(out).items())
    for name, a in INPUTS.items():
        assert repr(nd.array(a, dtype=a.dtype)) == str(nd.array(a, dtype=a.dtype))
    out['reprs'] = np.array([mx_repr(nd, a) for a in INPUTS.values()])
    out['expr_reprs'] = np.array([repr(eval(e, {'nd': nd})) for e in EXPRS])
    opt_reprs = []
    for name, opts in OPTION_CASES:
        with np.printoptions(**opts):
            opt_reprs.append(mx_repr(nd, INPUTS[name]))
    out['opt_reprs'] = np.array(opt_reprs)
    np.savez_compressed(GOLDEN, **out)
    print('wrote %s: %d arrays, %d bytes' % (GOLDEN, len(INPUTS), os.path.getsize(GOLDEN)))


if __name__ == '__main__':
    main()
