"""Fixtures and golden values for nd.save / nd.load (MXNet's binary NDArray format).

    ~/mxref/bin/python compat_tests/golden/gen_io.py             # MXNet side
    .venv/bin/python compat_tests/golden/gen_io.py --mxjax       # mxjax side (run first)

The mxjax side writes io/mxjax_*.nd with mxjax's nd.save. The MXNet side writes small fixture
files with real MXNet 1.9.1 (io/*.nd, io/*.params), hand-builds the older V1 and pre-V1
layouts and a GPU-context file and checks that MXNet loads them, loads every io/mxjax_*.nd
file with MXNet, tries every truncation of one fixture, and records what MXNet returned in
io.json: {"fixtures": {file: {"np_shape", "result"}}, "mxjax_written": {file: result},
"truncations_loaded_by_mxnet": [...]}. test_io.py checks mxjax against all of it.
"""
import json
import os
import struct
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
IO = os.path.join(HERE, 'io')
GOLDEN = os.path.join(HERE, 'io.json')


def encode(v):
    if isinstance(v, dict):
        return {'t': 'dict', 'items': {k: encode(x) for k, x in v.items()}}
    if isinstance(v, list):
        return [encode(x) for x in v]
    a = v.asnumpy()
    return {'dtype': a.dtype.name, 'shape': list(a.shape), 'data': a.ravel().tolist(),
            'stype': getattr(v, 'stype', 'default')}


def dtype_arrays(nd):
    """The arrays of dtypes.params / mxjax_dtypes.nd: every dtype, ranks 1 to 5."""
    rs = np.random.RandomState(0)
    return {
        'f16': nd.array(rs.randn(3, 2), dtype='float16'),
        'f32': nd.array(rs.randn(2, 3, 4), dtype='float32'),
        'f64': nd.array(rs.randn(5), dtype='float64'),
        'i8': nd.array(rs.randint(-128, 128, (2, 2)), dtype='int8'),
        'i32': nd.array(rs.randint(-2 ** 31, 2 ** 31, (1, 1, 1, 1, 2)), dtype='int32'),
        'i64': nd.array(np.array([2 ** 40 + 3, -2 ** 50, 7]), dtype='int64'),
        'u8': nd.array(rs.randint(0, 256, (4,)), dtype='uint8'),
        'arg:conv0_weight': nd.array(rs.randn(2, 1, 3, 3), dtype='float32'),
        'aux:bn_moving_var': nd.array([1.0, 2.0], dtype='float32'),
        'name with ü': nd.array([1.0], dtype='float32'),
    }


def list_arrays(nd):
    return [nd.array(np.arange(6).reshape(2, 3)), nd.array([7.5], dtype='float64'),
            nd.array(np.arange(24).reshape(2, 3, 4), dtype='int32')]


def save_error_cases(nd):
    return {'save_list_of_numbers': ([1, 2],), 'save_int_key': ({1: nd.ones((1,))},),
            'save_tuple': ((nd.ones((1,)),),), 'save_dict_of_numpy': ({'a': np.ones(2)},),
            'save_none': (None,), 'load_int_name': (5,)}


def mxnet_side():
    import mxnet as mx
    assert mx.__version__ == '1.9.1', mx.__version__
    nd = mx.nd
    os.makedirs(IO, exist_ok=True)
    path = lambda f: os.path.join(IO, f)  # noqa: E731
    nd.save(path('list.nd'), list_arrays(nd))
    nd.save(path('dtypes.params'), dtype_arrays(nd))
    nd.save(path('single.nd'), nd.array([[1.0, 2.0]]))
    nd.save(path('empty_list.nd'), [])
    nd.save(path('empty_dict.nd'), {})
    bools = nd.array([1, 0, 1], dtype='bool')
    nd.save(path('bool.nd'), {'mask': bools})
    rsp_stale = nd.array([[0, 0], [1, 2], [0, 0], [3, 4]]).tostype('row_sparse')
    rsp = nd.sparse.row_sparse_array(([[1, 2], [3, 4], [5, 6]], [0, 2, 3]), shape=(5, 2))
    csr = nd.sparse.csr_matrix(([1., 2., 3., 4.], [0, 2, 1, 3], [0, 2, 2, 4]), shape=(3, 5))
    nd.save(path('sparse.nd'), {'rsp_stale': rsp_stale, 'rsp': rsp, 'csr': csr})
    with mx.np_shape(True):
        nd.save(path('np_shapes.nd'), {'scalar': nd.array(np.array(3.5)), 'empty': nd.zeros((0, 3)),
                                       'empty_i64': nd.zeros((2, 0), dtype='int64')})
        nd.save(path('np_mixed.nd'), [nd.array([1.0, 2.0]), nd.array(np.array(4.0), dtype='float64')])

    # hand-built layouts that MXNet 1.9.1 still reads: a GPU-context file, V1, pre-V1
    head = struct.pack('<QQQ', 0x112, 0, 1)
    tail = struct.pack('<Q', 0)
    data = np.array([1.5, -2.0, 3.25, 4.0], '<f4').tobytes()
    with open(path('gpu_ctx.nd'), 'wb') as f:
        f.write(head + struct.pack('<Iii2qiii', 0xF993FAC9, 0, 2, 2, 2, 2, 1, 0) + data + tail)
    with open(path('v1.nd'), 'wb') as f:
        f.write(head + struct.pack('<Ii2qiii', 0xF993FAC8, 2, 2, 2, 1, 0, 0) + data + tail)
    with open(path('pre_v1.nd'), 'wb') as f:
        f.write(head + struct.pack('<I2Iiii', 2, 2, 2, 1, 0, 0) + data + tail)

    fixtures = {}
    for fname in sorted(os.listdir(IO)):
        if fname.startswith('mxjax_') or fname.startswith('init_'):
            continue
        np_shape = fname.startswith('np_')
        with mx.np_shape(np_shape):
            fixtures[fname] = {'np_shape': np_shape, 'result': encode(nd.load(path(fname)))}

    # files written by mxjax, read by MXNet
    written = {}
    for fname in sorted(f for f in os.listdir(IO) if f.startswith('mxjax_')):
        with mx.np_shape(fname.startswith('mxjax_np')):
            written[fname] = encode(nd.load(path(fname)))

    # MXNet on every truncation of a fixture: which prefixes does it accept?
    raw = open(path('dtypes.params'), 'rb').read()
    accepted = []
    for n in range(len(raw)):
        try:
            nd.load_frombuffer(raw[:n])
            accepted.append(n)
        except mx.base.MXNetError:
            pass
    errors = {}
    for name, args in save_error_cases(nd).items():
        try:
            nd.save(path('never_written.nd'), *args) if name.startswith('save') else nd.load(*args)
            errors[name] = None
        except Exception as e:
            errors[name] = [type(e).__name__, str(e)]
    assert not os.path.exists(path('never_written.nd'))
    with open(GOLDEN, 'w') as f:
        json.dump({'fixtures': fixtures, 'mxjax_written': written, 'errors': errors,
                   'truncations_loaded_by_mxnet': accepted, 'truncation_fixture_size': len(raw)},
                  f, indent=0, sort_keys=True)
    print('wrote %s (%d fixtures, %d mxjax files)' % (GOLDEN, len(fixtures), len(written)), file=sys.stderr)


def mxjax_write(mx, folder):
    """Files written by mxjax (the test rewrites them and compares the bytes)."""
    nd = mx.nd
    nd.save(os.path.join(folder, 'mxjax_dtypes.nd'), dtype_arrays(nd))
    nd.save(os.path.join(folder, 'mxjax_list.nd'), list_arrays(nd))
    nd.save(os.path.join(folder, 'mxjax_bool.nd'), [nd.array([1, 0, 1], dtype='bool')])
    nd.save(os.path.join(folder, 'mxjax_np_shapes.nd'),
            {'scalar': nd.array(np.array(3.5)), 'empty': nd.zeros((0, 3)),
             'empty_i64': nd.zeros((2, 0), dtype='int64')})


if __name__ == '__main__':
    if '--mxjax' in sys.argv:
        sys.path.insert(0, os.path.dirname(os.path.dirname(HERE)))
        import mxjax
        os.makedirs(IO, exist_ok=True)
        mxjax_write(mxjax, IO)
    else:
        mxnet_side()
