"""mx.recordio and mx.gluon.data vs MXNet 1.9.1 (golden/data.json, golden/data/ from gen_data.py):
the shared cases, RecordIO files in both directions, and what only mxjax can check here
(no download, no OpenCV, thread workers)."""
import json
import multiprocessing
import os
import pickle
import struct
import sys
import threading
import time

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import mxjax as mx
import mxjax.gluon.data  # noqa: F401
import mxjax.recordio as recordio
from mxjax.gluon.data.vision import datasets as vdatasets

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), 'golden'))
import gen_data as gen  # noqa: E402

with open(gen.GOLDEN) as _f:
    GOLD = json.load(_f)
gdata = mx.gluon.data


@pytest.mark.parametrize('name', sorted(GOLD))
def test_golden_case(name, tmp_path):
    got = gen.run_case(mx, name, str(tmp_path))
    want = GOLD[name]
    if isinstance(want, dict):  # one assert per entry, for a readable failure
        assert sorted(got) == sorted(want)
        for k in want:
            assert got[k] == want[k], k
    assert got == want


# ---------------------------------------------------------------- RecordIO files, both ways
def test_reads_mxnet_written_records():
    r = recordio.MXIndexedRecordIO(os.path.join(gen.DATA, 'records.idx'), os.path.join(gen.DATA, 'records.rec'), 'r')
    assert r.keys == gen.KEYS
    assert [r.read_idx(k) for k in gen.KEYS] == gen.RECORDS
    r.close()
    seq = recordio.MXRecordIO(os.path.join(gen.DATA, 'records.rec'), 'r')
    assert [seq.read() for _ in gen.RECORDS] == gen.RECORDS and seq.read() is None


def test_writes_mxnet_bytes(tmp_path):
    gen.write_records(mx, str(tmp_path / 'r.idx'), str(tmp_path / 'r.rec'))
    for name in ('records.rec', 'records.idx'):
        with open(os.path.join(gen.DATA, name), 'rb') as f:
            want = f.read()
        assert (tmp_path / ('r' + os.path.splitext(name)[1])).read_bytes() == want, name


@settings(max_examples=60, deadline=None)
@given(st.lists(st.one_of(st.binary(max_size=40),
                          st.lists(st.sampled_from([gen.MAGIC, b'\x00', b'ab', b'\x0a\x23']), max_size=8)
                          .map(b''.join)), max_size=6))
def test_any_payload_round_trips(tmp_path_factory, payloads):
    p = str(tmp_path_factory.mktemp('rt') / 'x.rec')
    w = recordio.MXRecordIO(p, 'w')
    for s in payloads:
        w.write(s)
    w.close()
    raw = open(p, 'rb').read()
    assert len(raw) % 4 == 0
    r = recordio.MXRecordIO(p, 'r')
    assert [r.read() for _ in payloads] == payloads and r.read() is None


def test_record_layout_by_hand(tmp_path):
    # dmlc-core: magic, cflag << 29 | length, payload, zero padding; an aligned magic splits the record
    p = str(tmp_path / 'h.rec')
    w = recordio.MXRecordIO(p, 'w')
    w.write(b'abcde')
    w.write(b'wxyz' + gen.MAGIC + b'q')
    w.close()
    head = struct.pack('<I', 0xCED7230A)
    assert open(p, 'rb').read() == (head + struct.pack('<I', 5) + b'abcde\0\0\0'
                                    + head + struct.pack('<I', 1 << 29 | 4) + b'wxyz'
                                    + head + struct.pack('<I', 3 << 29 | 1) + b'q\0\0\0')


# ---------------------------------------------------------------- recordio: mxjax-only checks
def test_recordio_messages_and_state(tmp_path):
    p = str(tmp_path / 'a.rec')
    with pytest.raises(ValueError, match="Invalid flag x"):
        recordio.MXRecordIO(p, 'x')
    with pytest.raises(mx.MXNetError, match='missing.rec'):
        recordio.MXRecordIO(str(tmp_path / 'missing.rec'), 'r')
    w = recordio.MXRecordIO(p, 'w')
    with pytest.raises(TypeError, match='bytes'):
        w.write('text')
    w.write(b'one')
    w.close()
    with pytest.raises(mx.MXNetError, match='closed'):
        w.write(b'two')
    r = recordio.MXRecordIO(p, 'r')
    r.pid = -1  # as if opened before a fork: reading refuses
    with pytest.raises(RuntimeError, match='multiple processes'):
        r.read()
    r.close()
    with open(p, 'wb') as f:
        f.write(b'\x01\x02\x03\x04\x05\x06\x07\x08')
    with pytest.raises(mx.MXNetError, match='magic number 0x04030201'):
        recordio.MXRecordIO(p, 'r').read()


def test_indexed_seek_reopens_in_another_process(tmp_path):
    idx, rec = str(tmp_path / 'a.idx'), str(tmp_path / 'a.rec')
    gen.write_records(mx, idx, rec)
    r = recordio.MXIndexedRecordIO(idx, rec, 'r')
    r.pid = -1
    assert r.read_idx(9) == gen.RECORDS[gen.KEYS.index(9)]
    assert r.pid == os.getpid()


def test_pickled_reader_leaves_the_original_open(tmp_path):
    idx, rec = str(tmp_path / 'a.idx'), str(tmp_path / 'a.rec')
    gen.write_records(mx, idx, rec)
    r = recordio.MXIndexedRecordIO(idx, rec, 'r')
    r2 = pickle.loads(pickle.dumps(r))
    assert r.is_open and r.read_idx(0) == r2.read_idx(0) == gen.RECORDS[gen.KEYS.index(0)]


class _FakeCV2:
    """The slice of OpenCV's API that recordio and the image datasets call."""
    IMWRITE_JPEG_QUALITY, IMWRITE_PNG_COMPRESSION = 1, 16

    def __init__(self):
        self.calls = []

    def imencode(self, fmt, img, params):
        self.calls.append(('imencode', fmt, params))
        return True, np.frombuffer(b'ENC' + img.tobytes(), np.uint8)

    def imdecode(self, buf, flag):
        self.calls.append(('imdecode', bytes(buf), flag))
        if flag == 0:
            return np.full((2, 2), 7, np.uint8)
        return np.arange(12, dtype=np.uint8).reshape(2, 2, 3)  # BGR


def test_pack_img_needs_opencv(monkeypatch):
    monkeypatch.setattr(recordio, 'cv2', None)
    header = recordio.IRHeader(0, 1.0, 2, 0)
    with pytest.raises(ImportError, match='cv2'):
        recordio.pack_img(header, np.zeros((2, 2, 3), np.uint8))
    with pytest.raises(ImportError, match='opencv-python'):
        recordio.unpack_img(recordio.pack(header, b'x'))


def test_pack_img_with_opencv(monkeypatch):
    cv = _FakeCV2()
    monkeypatch.setattr(recordio, 'cv2', cv)
    img = np.ones((1, 2), np.uint8)
    s = recordio.pack_img(recordio.IRHeader(0, [1, 2], 5, 0), img, quality=80)
    assert s == recordio.pack(recordio.IRHeader(0, [1, 2], 5, 0), b'ENC\x01\x01')
    recordio.pack_img(recordio.IRHeader(0, 1, 5, 0), img, quality=3, img_fmt='.PNG')
    assert cv.calls == [('imencode', '.jpg', [1, 80]), ('imencode', '.PNG', [16, 3])]
    header, out = recordio.unpack_img(s, iscolor=0)
    assert header.id == 5 and out.shape == (2, 2) and cv.calls[-1] == ('imdecode', b'ENC\x01\x01', 0)


# ---------------------------------------------------------------- image decoding without OpenCV
def test_decoding_other_images_needs_a_decoder(monkeypatch, tmp_path):
    monkeypatch.setattr(recordio, 'cv2', None)
    monkeypatch.setitem(sys.modules, 'PIL', None)  # as if Pillow were not installed
    folder = tmp_path / 'c'
    folder.mkdir()
    (folder / 'a.jpg').write_bytes(b'\xff\xd8\xff\xe0 not decodable without a JPEG decoder')
    ds = gdata.vision.ImageFolderDataset(str(tmp_path))
    with pytest.raises(ImportError, match='a.jpg.*(OpenCV|Pillow)'):
        ds[0]
    png16 = bytearray(gen.png_bytes(np.zeros((2, 2)), 0))
    png16[24] = 16  # bit depth 16: not for the built-in decoder
    with pytest.raises(ImportError, match='Pillow'):
        vdatasets._imdecode(bytes(png16), 1, 'x')


def test_opencv_decodes_first_and_is_turned_to_rgb(monkeypatch):
    monkeypatch.setattr(recordio, 'cv2', _FakeCV2())
    png = gen.png_bytes(np.zeros((2, 2, 3)), 2)
    np.testing.assert_array_equal(vdatasets._imdecode(png, 1, 'x'),
                                  np.arange(12, dtype=np.uint8).reshape(2, 2, 3)[..., ::-1])
    assert vdatasets._imdecode(png, 0, 'x').shape == (2, 2, 1)


def test_bad_png_is_an_mxnet_error(monkeypatch):
    monkeypatch.setattr(recordio, 'cv2', None)
    png = gen.png_bytes(np.zeros((3, 3)), 0)
    with pytest.raises(mx.MXNetError, match='PNG'):
        vdatasets._imdecode(png[:-30] + bytes(30), 1, 'x')


# ---------------------------------------------------------------- vision datasets: local files only
@pytest.mark.parametrize('cls, name', [(gdata.vision.MNIST, 'train-labels-idx1-ubyte.gz'),
                                       (gdata.vision.FashionMNIST, 'train-labels-idx1-ubyte.gz'),
                                       (gdata.vision.CIFAR10, 'data_batch_1.bin'),
                                       (gdata.vision.CIFAR100, 'train.bin')])
def test_missing_dataset_file_names_the_path(cls, name, tmp_path):
    with pytest.raises(FileNotFoundError) as e:
        cls(root=str(tmp_path))
    assert str(tmp_path / name) in str(e.value) and 'download' in str(e.value)


def test_mnist_file_of_wrong_size(tmp_path):
    gen.write_mnist(str(tmp_path), n_train=3)
    gen.write_mnist(str(tmp_path / 'other'), n_train=2)
    os.replace(tmp_path / 'other' / 'train-labels-idx1-ubyte.gz', tmp_path / 'train-labels-idx1-ubyte.gz')
    with pytest.raises(ValueError, match='2 labels'):
        gdata.vision.MNIST(root=str(tmp_path))


def test_default_roots_follow_mxnet_home():
    import inspect
    home = os.getenv('MXNET_HOME', os.path.join(os.path.expanduser('~'), '.mxnet'))
    for cls, sub in [(gdata.vision.MNIST, 'mnist'), (gdata.vision.FashionMNIST, 'fashion-mnist'),
                     (gdata.vision.CIFAR10, 'cifar10'), (gdata.vision.CIFAR100, 'cifar100')]:
        assert inspect.signature(cls).parameters['root'].default == os.path.join(home, 'datasets', sub)


# ---------------------------------------------------------------- DataLoader: threads
class _Slow(gdata.Dataset):
    def __init__(self, delay, fail_at=None):
        self.delay, self.fail_at, self.calls = delay, fail_at, 0

    def __len__(self):
        return 4

    def __getitem__(self, i):
        self.calls += 1
        if i == self.fail_at:
            raise KeyError('sample %d is broken' % i)
        time.sleep(self.delay)
        return np.float32(i)


def test_worker_timeout():
    dl = gdata.DataLoader(_Slow(0.5), batch_size=2, num_workers=1, timeout=0.05)
    with pytest.raises(multiprocessing.TimeoutError, match='timeout'):
        next(iter(dl))


def test_worker_error_reaches_the_caller():
    dl = gdata.DataLoader(_Slow(0, fail_at=3), batch_size=2, num_workers=2, thread_pool=True)
    with pytest.raises(KeyError, match='sample 3'):
        list(dl)


def test_auto_reload_prefetches_at_construction():
    ds = _Slow(0)
    dl = gdata.DataLoader(ds, batch_size=2, num_workers=1, thread_pool=True, auto_reload=True)
    deadline = time.time() + 5
    while ds.calls < 4 and time.time() < deadline:  # both batches are fetched before any next()
        time.sleep(0.01)
    assert ds.calls == 4
    assert [b.asnumpy().tolist() for b in dl] == [[0, 1], [2, 3]]
    dl2 = gdata.DataLoader(_Slow(0), batch_size=2, num_workers=1, thread_pool=True)
    time.sleep(0.05)
    assert dl2._dataset.calls == 0   # without auto_reload nothing runs until iteration


def test_record_file_dataset_in_worker_threads(tmp_path):
    idx, rec = str(tmp_path / 'a.idx'), str(tmp_path / 'a.rec')
    keys = list(range(200))
    gen.write_records(mx, idx, rec, [b'%d' % k * (k % 37) for k in keys], keys)
    ds = gdata.RecordFileDataset(rec)
    dl = gdata.DataLoader(ds, batch_size=3, num_workers=4, batchify_fn=list, prefetch=16)
    assert [s for b in dl for s in b] == [b'%d' % k * (k % 37) for k in keys]


def test_workers_run_in_threads():
    seen = set()

    def batchify(samples):
        seen.add(threading.get_ident())
        return samples
    list(gdata.DataLoader(list(range(8)), batch_size=1, num_workers=2, batchify_fn=batchify))
    assert threading.get_ident() not in seen


def test_shuffle_is_a_permutation_each_epoch():
    np.random.seed(0)
    dl = gdata.DataLoader(np.arange(50), batch_size=8, shuffle=True)
    epochs = [np.concatenate([b.asnumpy() for b in dl]) for _ in range(2)]
    for e in epochs:
        assert sorted(e.tolist()) == list(range(50))
    assert epochs[0].tolist() != epochs[1].tolist() and epochs[0].tolist() != list(range(50))
    np.random.seed(0)
    assert np.concatenate([b.asnumpy() for b in dl]).tolist() == epochs[0].tolist()  # np.random.seed fixes it


def test_messages_name_the_value():
    with pytest.raises(ValueError, match="'drop'"):
        len(gdata.BatchSampler(gdata.SequentialSampler(3), 2, 'drop'))
    with pytest.raises(KeyError, match='uint16'):
        gdata.dataloader.default_batchify_fn([np.uint16(1)])
    with pytest.raises(ValueError, match='-2'):
        gdata.SimpleDataset([1]).take(-2)
    with pytest.raises(AssertionError, match='index=3, num_shards=3'):
        gdata.SimpleDataset([1]).shard(3, 3)


def test_batches_of_array_rows_equal_numpy_indexing():
    # dataset[i] of an ArrayDataset over NDArrays are views of one array: the loader gathers them
    # in one take; the batch must be exactly the rows NumPy indexing picks
    import mxjax as mx
    xs = np.random.RandomState(0).rand(50, 3, 2).astype('float32')
    ys = np.arange(50 * 2, dtype='int32').reshape(50, 2)
    ds = mx.gluon.data.ArrayDataset(mx.nd.array(xs), mx.nd.array(ys, dtype='int32'))
    sampler = mx.gluon.data.BatchSampler(mx.gluon.data.RandomSampler(50), 16, 'keep')
    order = list(sampler)
    loader = mx.gluon.data.DataLoader(ds, batch_sampler=_Fixed(order))
    for idx, (a, b) in zip(order, loader):
        np.testing.assert_array_equal(a.asnumpy(), xs[idx])
        np.testing.assert_array_equal(b.asnumpy(), ys[idx])
        assert a.dtype == np.float32 and b.dtype == np.int32


class _Fixed:
    def __init__(self, batches):
        self.batches = batches

    def __iter__(self):
        return iter(self.batches)

    def __len__(self):
        return len(self.batches)
