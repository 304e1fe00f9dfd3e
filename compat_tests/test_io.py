"""nd.save / nd.load against MXNet 1.9.1's binary format, in both directions.

Fixtures in golden/io/ were written by real MXNet (golden/gen_io.py), which also recorded what
MXNet loads from files written by mxjax (io/mxjax_*.nd). When ~/mxref holds MXNet, a live test
has MXNet read fresh mxjax files too.
"""
import json
import os
import shutil
import struct
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import mxjax as mx
from mxjax.ndarray import io as ndio

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, 'golden'))
import gen_io  # noqa: E402

with open(gen_io.GOLDEN) as _f:
    GOLDEN = json.load(_f)
IO = gen_io.IO
_DTYPES = ['float16', 'float32', 'float64', 'int8', 'int32', 'int64', 'uint8', 'bool']
MXNET_PY = os.environ.get('MXNET_PYTHON', os.path.expanduser('~/mxref/bin/python'))


def fixture(name):
    return os.path.join(IO, name)


def encode(v):
    if isinstance(v, dict):
        return {'t': 'dict', 'items': {k: encode(x) for k, x in v.items()}}
    if isinstance(v, list):
        return [encode(x) for x in v]
    a = v.asnumpy()
    return {'dtype': a.dtype.name, 'shape': list(a.shape), 'data': a.ravel().tolist()}


def check(got, want, path='result'):
    """`got` (mxjax, encoded) equals what MXNet loaded; sparse arrays compare as dense."""
    if isinstance(want, dict) and want.get('t') == 'dict':
        assert isinstance(got, dict) and got.get('t') == 'dict', path
        assert sorted(got['items']) == sorted(want['items']), path     # (order: byte-identity tests)
        for k in want['items']:
            check(got['items'][k], want['items'][k], '%s[%r]' % (path, k))
        return
    if isinstance(want, list):
        assert isinstance(got, list) and len(got) == len(want), (path, got, want)
        for i, (g, w) in enumerate(zip(got, want)):
            check(g, w, '%s[%d]' % (path, i))
        return
    assert (got['dtype'], got['shape']) == (want['dtype'], want['shape']), (path, got, want)
    np.testing.assert_array_equal(np.array(got['data'], want['dtype']), np.array(want['data'], want['dtype']),
                                  err_msg=path)


# ------------------------------------------------------------------ MXNet -> mxjax
@pytest.mark.parametrize('name', sorted(GOLDEN['fixtures']))
def test_load_mxnet_fixture(name):
    check(encode(mx.nd.load(fixture(name))), GOLDEN['fixtures'][name]['result'])


def test_load_gives_ndarrays_on_cpu():
    d = mx.nd.load(fixture('dtypes.params'))
    assert all(type(v) is mx.nd.NDArray and v.context == mx.cpu(0) for v in d.values())
    # a file saved from a GPU loads on cpu(0) when JAX sees no GPU, as MXNet without CUDA does
    if mx.num_gpus() == 0:
        assert mx.nd.load(fixture('gpu_ctx.nd'))[0].context == mx.cpu(0)


@pytest.mark.parametrize('name', ['list.nd', 'dtypes.params', 'single.nd', 'empty_list.nd',
                                  'bool.nd', 'np_shapes.nd', 'np_mixed.nd'])
def test_roundtrip_is_byte_identical(name, tmp_path):
    data = mx.nd.load(fixture(name))
    out = str(tmp_path / name)
    mx.nd.save(out, data)
    with open(out, 'rb') as f, open(fixture(name), 'rb') as g:
        assert f.read() == g.read()


def test_writer_matches_mxnet_bytes(tmp_path):
    # the same data saved by mxjax and by MXNet: identical files
    for name, data in [('dtypes.params', gen_io.dtype_arrays(mx.nd)), ('list.nd', gen_io.list_arrays(mx.nd))]:
        mx.nd.save(str(tmp_path / name), data)
        with open(str(tmp_path / name), 'rb') as f, open(fixture(name), 'rb') as g:
            assert f.read() == g.read(), name


# ------------------------------------------------------------------ mxjax -> MXNet
@pytest.mark.parametrize('name', sorted(GOLDEN['mxjax_written']))
def test_mxjax_files_loaded_by_mxnet(name, tmp_path):
    # the committed file is what mxjax writes today, so MXNet's recorded reading applies ...
    gen_io.mxjax_write(mx, str(tmp_path))
    with open(str(tmp_path / name), 'rb') as f, open(fixture(name), 'rb') as g:
        assert f.read() == g.read()
    # ... and MXNet read back exactly what mxjax saved
    check(encode(mx.nd.load(fixture(name))), GOLDEN['mxjax_written'][name])


_MXNET_READ = '''
import json, sys
import mxnet as mx
with mx.np_shape(sys.argv[2] == 'np'):
    res = mx.nd.load(sys.argv[1])
items = res.items() if isinstance(res, dict) else enumerate(res)
print(json.dumps({str(k): [str(v.asnumpy().dtype),
                           list(v.shape), v.asnumpy().ravel().tolist()] for k, v in items}))
'''


@pytest.mark.skipif(not os.path.exists(MXNET_PY), reason='MXNet 1.9.1 (~/mxref) not available')
@pytest.mark.parametrize('semantics', ['legacy', 'np'])
def test_live_mxnet_reads_mxjax_files(tmp_path, semantics):
    rs = np.random.RandomState(1)
    shapes = [(5,), (3,), (2, 3), (2, 1, 3), (1, 2, 2, 2), (2, 1, 1, 2, 1), (1,), (4, 1, 2)]
    if semantics == 'np':     # 0-d and zero-size arrays need MXNet's NumPy-shape semantics
        shapes[0], shapes[1], shapes[7] = (), (0,), (4, 0, 2)
    data = {}
    for i, (dt, shape) in enumerate(zip(_DTYPES, shapes)):
        data['a%d_%s' % (i, dt)] = mx.nd.array(np.asarray(rs.randn(*shape) * 50).astype(dt), dtype=dt)
    fname = str(tmp_path / 'live.params')
    mx.nd.save(fname, data)
    out = subprocess.run([MXNET_PY, '-c', _MXNET_READ, fname, semantics], capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    got = json.loads(out.stdout.strip().splitlines()[-1])
    assert list(got) == list(data)
    for k, v in data.items():
        dtype, shape, values = got[k]
        assert (dtype, tuple(shape)) == (np.dtype(v.dtype).name, v.shape), k
        np.testing.assert_array_equal(np.array(values, dtype).reshape(shape), v.asnumpy(), err_msg=k)


# ------------------------------------------------------------------ round trips


@settings(max_examples=25, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(_DTYPES), st.lists(st.integers(0, 4), max_size=5)), max_size=4),
       st.booleans())
def test_roundtrip_any_rank_and_dtype(tmp_path_factory, specs, as_dict):
    rs = np.random.RandomState(len(specs))
    arrays = [mx.nd.array(np.asarray(rs.randn(*shape) * 100).astype(dt), dtype=dt) for dt, shape in specs]
    fname = str(tmp_path_factory.mktemp('rt') / 'x.params')
    data = {'p%d' % i: a for i, a in enumerate(arrays)} if as_dict else arrays
    mx.nd.save(fname, data)
    back = mx.nd.load(fname)
    if as_dict and arrays:           # (an empty dict loads as [], as in MXNet)
        assert list(back) == list(data)
        back = list(back.values())
    assert len(back) == len(arrays)
    for a, b in zip(arrays, back):
        assert (b.dtype, b.shape) == (a.dtype, a.shape)
        np.testing.assert_array_equal(b.asnumpy(), a.asnumpy())


def test_single_ndarray_and_pathlike(tmp_path):
    mx.nd.save(tmp_path / 'one.nd', mx.nd.array([1.0, 2.0]))
    back = mx.nd.load(tmp_path / 'one.nd')
    assert isinstance(back, list) and back[0].asnumpy().tolist() == [1.0, 2.0]


def test_load_frombuffer_matches_load():
    with open(fixture('dtypes.params'), 'rb') as f:
        raw = f.read()
    check(encode(ndio.load_frombuffer(raw)), GOLDEN['fixtures']['dtypes.params']['result'])


def test_saved_array_is_a_snapshot(tmp_path):
    a = mx.nd.array([1.0, 2.0])
    mx.nd.save(str(tmp_path / 'a.nd'), [a])
    b = mx.nd.load(str(tmp_path / 'a.nd'))[0]
    a[:] = 9
    assert b.asnumpy().tolist() == [1.0, 2.0]


# ------------------------------------------------------------------ errors
@pytest.mark.parametrize('name', sorted(GOLDEN['errors']))
def test_api_errors_as_mxnet(name, tmp_path):
    want = GOLDEN['errors'][name]
    args = gen_io.save_error_cases(mx.nd)[name]
    target = str(tmp_path / 'never_written.nd')
    with pytest.raises(Exception) as info:
        mx.nd.save(target, *args) if name.startswith('save') else mx.nd.load(*args)
    assert (type(info.value).__name__, str(info.value)) == tuple(want)
    assert not os.listdir(str(tmp_path))


def test_every_truncation_is_rejected():
    with open(fixture('dtypes.params'), 'rb') as f:
        raw = f.read()
    assert GOLDEN['truncation_fixture_size'] == len(raw)
    assert GOLDEN['truncations_loaded_by_mxnet'] == []          # MXNet rejects every prefix too
    for n in range(len(raw)):
        with pytest.raises(mx.MXNetError, match='not a valid MXNet NDArray file'):
            ndio.load_frombuffer(raw[:n])


def _patched(name, offset, fmt, value):
    with open(fixture(name), 'rb') as f:
        raw = bytearray(f.read())
    struct.pack_into(fmt, raw, offset, value)
    return bytes(raw)


# offsets in list.nd: 24 = first array's magic, 28 = storage type, 32 = ndim,
# 52/56 = device type/id, 60 = dtype flag
@pytest.mark.parametrize('offset,fmt,value,match', [
    (0, '<Q', 0x113, 'wrong magic number 0x113'),
    (24, '<I', 0x12345678, 'magic number 0x12345678'),
    (28, '<i', 7, 'unknown storage type 7'),
    (32, '<i', 40, 'ndim=40'),
    (36, '<q', -2, 'negative dimension'),
    (52, '<i', 9, 'unknown device type 9'),
    (60, '<i', 99, 'unknown dtype flag 99'),
    (60, '<i', 8, 'dtype int16 \\(flag 8\\), which mxjax does not support'),
    (60, '<i', 12, 'bfloat16'),
    (16, '<Q', 2 ** 40, 'array count'),
])
def test_corrupt_files(offset, fmt, value, match):
    with pytest.raises(mx.MXNetError, match=match):
        ndio.load_frombuffer(_patched('list.nd', offset, fmt, value))


def test_name_count_mismatch():
    with open(fixture('dtypes.params'), 'rb') as f:
        raw = bytearray(f.read())
    # the name count follows the last array: find it as the u64 equal to 10 after the data
    pos = raw.rfind(struct.pack('<Q', 10))
    struct.pack_into('<Q', raw, pos, 3)
    with pytest.raises(mx.MXNetError, match='3 names for 10 arrays'):
        ndio.load_frombuffer(bytes(raw))


def test_missing_file():
    with pytest.raises(mx.MXNetError, match='No such file'):
        mx.nd.load('/nonexistent/dir/x.params')


def test_bad_sparse_indices():
    # row index 3 of the 'rsp' array (shape (5, 2)) patched to 9
    with open(fixture('sparse.nd'), 'rb') as f:
        raw = f.read()
    pos = raw.find(struct.pack('<3q', 0, 2, 3))
    assert pos > 0
    bad = raw[:pos] + struct.pack('<3q', 0, 2, 9) + raw[pos + 24:]
    with pytest.raises(mx.MXNetError, match='row indices outside'):
        ndio.load_frombuffer(bad)


# ------------------------------------------------------------------ atomic save
@pytest.mark.parametrize('exc', [OSError(28, 'No space left on device'), KeyboardInterrupt()])
def test_failed_save_leaves_old_file_and_no_temp(tmp_path, monkeypatch, exc):
    target = str(tmp_path / 'model.params')
    shutil.copy(fixture('list.nd'), target)

    def boom(fd):
        raise exc
    monkeypatch.setattr(ndio.os, 'fsync', boom)
    with pytest.raises(mx.MXNetError if isinstance(exc, OSError) else KeyboardInterrupt):
        mx.nd.save(target, {'w': mx.nd.ones((100, 100))})
    assert os.listdir(str(tmp_path)) == ['model.params']
    with open(target, 'rb') as f, open(fixture('list.nd'), 'rb') as g:
        assert f.read() == g.read()


def test_save_permissions_follow_umask(tmp_path):
    mask = os.umask(0o027)
    try:
        mx.nd.save(str(tmp_path / 'p.nd'), [mx.nd.ones((1,))])
    finally:
        os.umask(mask)
    assert os.stat(str(tmp_path / 'p.nd')).st_mode & 0o777 == 0o640


def test_save_unsupported_dtype_writes_nothing(tmp_path, monkeypatch):
    a = mx.nd.ones((2,))
    monkeypatch.setattr(ndio, '_DTYPE_FLAGS', {})
    with pytest.raises(mx.MXNetError, match='cannot be saved'):
        mx.nd.save(str(tmp_path / 'x.nd'), [a])
    assert os.listdir(str(tmp_path)) == []
