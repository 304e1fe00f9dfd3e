"""Golden values of mx.recordio and mx.gluon.data from MXNet 1.9.1.

Run with MXNet: ~/mxref/bin/python compat_tests/golden/gen_data.py
  writes data.json, and data/records.rec + data/records.idx: RECORDS as MXNet's
  MXIndexedRecordIO wrote them (test_data.py reads them with mxjax and compares mxjax's own
  bytes for the same records with them).

Each case in CASES is a function of (mx, tmp): the same code runs under MXNet here and under
mxjax in test_data.py, and returns what it saw as JSON (`describe`). Fake dataset files (MNIST
idx .gz files, CIFAR binary batches, PNG images) are written in MXNet's formats by the writers
below, a few images each. MXNet's vision datasets check the files' SHA-1 and download on a
mismatch, so main() replaces its check_sha1 by one that accepts the fake files.
"""
import gzip
import hashlib
import json
import os
import pickle
import shutil
import struct
import tarfile
import tempfile
import warnings
import zlib

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
GOLDEN = os.path.join(HERE, 'data.json')
DATA = os.path.join(HERE, 'data')

MAGIC = struct.pack('<I', 0xCED7230A)
# payloads around dmlc-core's splitting of a record at an aligned magic number, and padding
RECORDS = [b'', b'a', b'abcd', b'abcde', MAGIC, b'xy' + MAGIC, b'abcd' + MAGIC + b'q', MAGIC + MAGIC,
           b'\x00' * 4 + MAGIC + b'\x01\x02\x03' + MAGIC + b'\x05', MAGIC[:3], bytes(range(256)), b'z' * 999]
KEYS = [5, 0, 3, 11, 2, 7, 1, 4, 9, 8, 6, 10]


# ---------------------------------------------------------------- describing results
def _array(a):
    d = {'dtype': a.dtype.name, 'shape': list(a.shape)}
    if a.size > 64:
        d['sha1'] = hashlib.sha1(np.ascontiguousarray(a).tobytes()).hexdigest()
    else:
        d['values'] = a.tolist()
    return d


def describe(x):
    """JSON of a result: NDArrays, NumPy arrays and scalars, bytes, containers, Python scalars."""
    if hasattr(x, 'asnumpy') and hasattr(x, 'context'):
        return {'nd': _array(np.asarray(x.asnumpy())), 'ctx': str(x.context)}
    if isinstance(x, np.ndarray):
        return {'np': _array(np.asarray(x))}
    if isinstance(x, np.generic):
        return {'npscalar': x.dtype.name, 'v': x.item()}
    if isinstance(x, bytes):
        return {'bytes': x.hex()}
    if isinstance(x, (list, tuple)):
        return {type(x).__name__: [describe(v) for v in x]}
    if isinstance(x, dict):
        return {'dict': [[describe(k), describe(v)] for k, v in x.items()]}
    if x is None or isinstance(x, (bool, int, float, str)):
        return {type(x).__name__: x}
    raise TypeError('cannot describe %r' % (x,))


def attempt(fn):
    try:
        return describe(fn())
    except Exception as e:  # noqa: BLE001 - the error type is the fact
        return {'error': type(e).__name__}


def sha1_file(path):
    with open(path, 'rb') as f:
        return hashlib.sha1(f.read()).hexdigest()


CASES = {}


def case(fn):
    CASES[fn.__name__] = fn
    return fn


# ---------------------------------------------------------------- recordio
def write_records(mx, idx_path, rec_path, records=RECORDS, keys=KEYS):
    w = mx.recordio.MXIndexedRecordIO(idx_path, rec_path, 'w')
    tells = [w.tell()]
    for k, r in zip(keys, records):
        w.write_idx(k, r)
        tells.append(w.tell())
    w.close()
    return tells


@case
def rec_sequential(mx, tmp):
    p = os.path.join(tmp, 'seq.rec')
    w = mx.recordio.MXRecordIO(p, 'w')
    for r in RECORDS:
        w.write(r)
    w.close()
    r = mx.recordio.MXRecordIO(p, 'r')
    out = [r.read() for _ in range(len(RECORDS) + 2)]
    r.reset()
    out.append(r.read())
    r.close()
    r.close()
    return {'read': describe(out), 'sha1': sha1_file(p), 'size': os.path.getsize(p)}


@case
def rec_indexed(mx, tmp):
    idx, rec = os.path.join(tmp, 'a.idx'), os.path.join(tmp, 'a.rec')
    tells = write_records(mx, idx, rec)
    with open(idx) as f:
        idx_text = f.read()
    r = mx.recordio.MXIndexedRecordIO(idx, rec, 'r')
    out = {'tells': tells, 'idx_text': idx_text, 'sha1': sha1_file(rec), 'keys': describe(r.keys),
           'idx': describe(r.idx)}
    seq = [r.read_idx(k) for k in (3, 10, 0, 3)]
    seq.append(r.read())                     # the record after key 3's
    seq.append(r.read_idx(KEYS[-1]))         # the last record
    seq += [r.read(), r.read_idx(5), r.read()]  # past the end: MXNet's reader stays there until reset
    r.reset()
    seq += [r.read(), r.read_idx(9)]
    out['reads'] = describe(seq)
    r.close()
    return out


@case
def rec_str_keys(mx, tmp):
    idx, rec = os.path.join(tmp, 's.idx'), os.path.join(tmp, 's.rec')
    w = mx.recordio.MXIndexedRecordIO(idx, rec, 'w', key_type=str)
    w.write_idx('k1', b'one')
    w.write_idx(5, b'five')
    w.close()
    with open(idx) as f:
        text = f.read()
    r = mx.recordio.MXIndexedRecordIO(idx, rec, 'r', key_type=str)
    out = {'text': text, 'keys': describe(r.keys), 'five': describe(r.read_idx('5')),
           'int_key': attempt(lambda: r.read_idx(5))}
    r.close()
    return out


@case
def rec_int_key_parse_error(mx, tmp):
    idx, rec = os.path.join(tmp, 's.idx'), os.path.join(tmp, 's.rec')
    w = mx.recordio.MXIndexedRecordIO(idx, rec, 'w', key_type=str)
    w.write_idx('k1', b'one')
    w.close()
    return attempt(lambda: mx.recordio.MXIndexedRecordIO(idx, rec, 'r').keys)


@case
def rec_errors(mx, tmp):
    rio = mx.recordio
    p = os.path.join(tmp, 'e.rec')
    w = rio.MXRecordIO(p, 'w')
    w.write(b'abc')
    out = {'read_on_writer': attempt(w.read), 'write_str': attempt(lambda: w.write('abc')),
           'write_bytearray': attempt(lambda: w.write(bytearray(b'ab'))),
           'write_int': attempt(lambda: w.write(3))}
    w.close()
    r = rio.MXRecordIO(p, 'r')
    out['write_on_reader'] = attempt(lambda: r.write(b'x'))
    r.close()
    for flag in ('x', 'rw', 'a', 'wb', ''):
        out['flag_' + flag] = attempt(lambda: rio.MXRecordIO(p, flag))
    out['missing_rec'] = attempt(lambda: rio.MXRecordIO(os.path.join(tmp, 'missing.rec'), 'r'))
    out['missing_dir'] = attempt(lambda: rio.MXRecordIO(os.path.join(tmp, 'no', 'dir.rec'), 'w'))
    idx, rec = os.path.join(tmp, 'i.idx'), os.path.join(tmp, 'i.rec')
    wi = rio.MXIndexedRecordIO(idx, rec, 'w')
    wi.write_idx(1, b'one')
    out['read_idx_on_writer'] = attempt(lambda: wi.read_idx(1))
    out['seek_on_writer'] = attempt(lambda: wi.seek(1))
    wi.close()
    ri = rio.MXIndexedRecordIO(idx, rec, 'r')
    out['tell_on_reader'] = attempt(ri.tell)
    out['write_idx_on_reader'] = attempt(lambda: ri.write_idx(2, b'x'))
    out['missing_key'] = attempt(lambda: ri.read_idx(7))
    out['seek_missing_key'] = attempt(lambda: ri.seek(7))
    ri.close()
    out['missing_idx'] = attempt(lambda: rio.MXIndexedRecordIO(os.path.join(tmp, 'missing.idx'), rec, 'r'))
    out['indexed_bad_flag'] = attempt(lambda: rio.MXIndexedRecordIO(idx, rec, 'x'))
    return out


@case
def rec_bad_files(mx, tmp):
    good = os.path.join(tmp, 'g.rec')
    w = mx.recordio.MXRecordIO(good, 'w')
    w.write(b'hello world')
    w.write(b'second')
    w.close()
    with open(good, 'rb') as f:
        raw = f.read()
    out = {}
    for name, data in [('garbage', b'not a record file!'), ('cut_header', raw[:4]), ('cut_payload', raw[:12]),
                       ('cut_second', raw[:len(raw) - 3]), ('empty', b''), ('extra_bytes', raw + b'\x01\x02')]:
        p = os.path.join(tmp, name + '.rec')
        with open(p, 'wb') as f:
            f.write(data)
        r = mx.recordio.MXRecordIO(p, 'r')
        out[name] = [attempt(r.read), attempt(r.read), attempt(r.read)]
        r.close()
    return out


@case
def rec_pack(mx, tmp):
    rio = mx.recordio
    out = {}
    headers = [('int_label', (3, 4, 5, 6)), ('float_label', (0, 2.5, 2 ** 40, 1)),
               ('np_float32_label', (9, np.float32(1.25), 7, 0)),
               ('list_label', (0, [1, 2, 3], 8, 0)), ('np_label', (5, np.array([0.5, -1.5]), 1, 2)),
               ('empty_label', (0, [], 3, 0)), ('2d_label', (0, [[1, 2], [3, 4]], 3, 0)),
               ('namedtuple', rio.IRHeader(0, 7.0, 2574, 0))]
    for name, header in headers:
        s = rio.pack(header, b'payload')
        h, payload = rio.unpack(s)
        out[name] = {'packed': describe(s), 'header': describe(h), 'payload': describe(payload),
                     'label_type': type(h.label).__name__}
    out['str_payload'] = attempt(lambda: rio.pack((0, 1.0, 0, 0), 'text'))
    out['short_header'] = attempt(lambda: rio.pack((0, 1.0, 0), b''))
    out['unpack_short'] = attempt(lambda: rio.unpack(b'abc'))
    out['irheader'] = [rio.IRHeader._fields, type(rio.IRHeader(1, 2, 3, 4)).__name__]
    return out


@case
def rec_pickle(mx, tmp):
    idx, rec = os.path.join(tmp, 'p.idx'), os.path.join(tmp, 'p.rec')
    write_records(mx, idx, rec)
    r = mx.recordio.MXIndexedRecordIO(idx, rec, 'r')
    r2 = pickle.loads(pickle.dumps(r))
    return {'open': r2.is_open, 'keys': describe(r2.keys), 'read': describe(r2.read_idx(9))}


@case
def record_file_dataset(mx, tmp):
    idx, rec = os.path.join(tmp, 'ds.idx'), os.path.join(tmp, 'ds.rec')
    write_records(mx, idx, rec)
    ds = mx.gluon.data.RecordFileDataset(rec)
    return {'len': len(ds), 'items': describe([ds[i] for i in (0, 4, 11, -1)]),
            'idx_file': os.path.basename(ds.idx_file), 'out_of_range': attempt(lambda: ds[12]),
            'take': describe(list(ds.take(2)))}


# ---------------------------------------------------------------- samplers
@case
def samplers(mx, tmp):
    data = mx.gluon.data
    out = {'seq': describe(list(data.SequentialSampler(5))), 'seq_start': describe(list(data.SequentialSampler(3, 4))),
           'seq_len': [len(data.SequentialSampler(5)), len(data.SequentialSampler(3, 4)),
                       len(data.SequentialSampler(0))],
           'filter': describe(list(data.FilterSampler(lambda x: x % 3 == 1, list(range(10))))),
           'filter_len': len(data.FilterSampler(lambda x: x > 6, list(range(10))))}
    r = data.RandomSampler(9)
    drawn = list(r)
    out['random'] = [len(r), describe(sorted(drawn)), type(drawn[0]).__name__]
    for lb in ('keep', 'discard', 'rollover'):
        b = data.BatchSampler(data.SequentialSampler(7), 3, lb)
        epochs = []
        for _ in range(4):
            epochs.append([len(b), describe(list(b))])
        out['batch_' + lb] = epochs
    out['batch_even'] = describe(list(data.BatchSampler(data.SequentialSampler(6), 2, 'discard')))
    out['batch_big'] = [describe(list(data.BatchSampler(data.SequentialSampler(3), 5, lb)))
                        for lb in ('keep', 'discard')]
    bad = data.BatchSampler(data.SequentialSampler(7), 3, 'bad')
    out['bad_last_batch'] = [attempt(lambda: len(bad)), attempt(lambda: list(bad)),
                             attempt(lambda: [x for x in data.BatchSampler(data.SequentialSampler(6), 3, 'bad')])]
    out['bad_batch_size'] = [attempt(lambda: len(data.BatchSampler(data.SequentialSampler(3), bs, lb)))
                             for bs in (0, -1, 2.5, None) for lb in ('keep', 'discard', 'rollover')]
    out['base'] = [attempt(lambda: iter(data.Sampler())), attempt(lambda: len(data.Sampler()))]
    out['batch_of_random'] = sorted(len(x) for x in data.BatchSampler(data.RandomSampler(10), 4))
    return out


# ---------------------------------------------------------------- datasets
@case
def datasets(mx, tmp):
    data = mx.gluon.data
    d = data.SimpleDataset(list(range(10)))
    out = {'len': len(d), 'iter': describe(list(d)), 'neg': d[-2],
           'filter': describe(list(d.filter(lambda x: x % 3 == 0))), 'filter_len': len(d.filter(lambda x: x > 6)),
           'shards': [[len(d.shard(n, i)), describe(list(d.shard(n, i)))] for n in (1, 3, 4, 12) for i in range(n)],
           'shard_bad': [attempt(lambda: d.shard(n, i)) for n, i in ((3, 3), (0, 0), (3, -1), (2, 5))],
           'take': [describe(list(d.take(c))) for c in (0, 4, 10, 20, None)],
           'take_len': [len(d.take(c)) for c in (0, 4, 20, None)],
           'take_neg': attempt(lambda: len(d.take(-1))),
           'take_index': [d.take(3)[-1], attempt(lambda: d.take(3)[5])],
           'sample': describe(list(d.sample(data.SequentialSampler(3, 2)))),
           'sample_bad': attempt(lambda: d.sample([1, 2])),
           'sample_batches_len': len(d.sample(data.BatchSampler(data.SequentialSampler(5), 2))),
           'transform': describe(list(d.transform(lambda x: x * 2))),
           'transform_eager': [type(d.transform(lambda x: x, lazy=False)).__name__,
                               describe(list(d.transform(lambda x: -x, lazy=False)))],
           'transform_first_scalar': describe(list(data.SimpleDataset([1, 2]).transform_first(lambda x: x + 100))),
           'transform_tuple': describe(list(data.SimpleDataset([(1, 2), (3, 4)]).transform(lambda x, y: x * y))),
           'transform_first_tuple': describe(list(data.SimpleDataset([(1, 2, 3)]).transform_first(str))),
           'transform_chain': describe(list(d.take(4).transform(lambda x: x + 1).filter(lambda x: x % 2 == 0))),
           'base': [attempt(lambda: data.Dataset()[0]), attempt(lambda: len(data.Dataset()))]}
    a = data.ArrayDataset(mx.nd.arange(4), np.arange(4) * 2, [5, 6, 7, 8])
    out['array3'] = [len(a), describe(a[1]), describe(list(a)),
                     describe(list(a.transform_first(lambda x: x * np.float32(2))))]
    out['array_nd2d'] = describe(list(data.ArrayDataset(mx.nd.arange(6).reshape(3, 2))))
    out['array_nd1d'] = describe(list(data.ArrayDataset(mx.nd.array([1, 2, 3], dtype='int32'))))
    out['array_list'] = describe(list(data.ArrayDataset([1, 2, 3])))
    out['array_of_datasets'] = describe(list(data.ArrayDataset(d.take(3), data.SimpleDataset('abc'))))
    out['array_bad'] = [attempt(lambda: data.ArrayDataset([1, 2], [1])), attempt(lambda: data.ArrayDataset())]
    out['nd_as_dataset'] = describe(list(data.SimpleDataset(mx.nd.arange(3))))
    return out


# ---------------------------------------------------------------- batchify and DataLoader
BATCHIFY_INPUTS = {
    'ints': lambda mx: [1, 2, 3], 'floats': lambda mx: [1.5, 2.0], 'np_float32': lambda mx: [np.float32(1)],
    'bools': lambda mx: [True, False], 'np_int8': lambda mx: [np.int8(1), np.int8(-3)],
    'np_uint8_arrays': lambda mx: [np.array([1, 2], dtype=np.uint8), np.array([3, 4], dtype=np.uint8)],
    'np_float64_arrays': lambda mx: [np.ones((2, 2)), np.zeros((2, 2))],
    'tuples': lambda mx: [(1, 2.5), (3, 4.5)],
    'nested_tuples': lambda mx: [((1, 2), 3.0), ((4, 5), 6.0)],
    'nd_int32': lambda mx: [mx.nd.array([1, 2], dtype='int32'), mx.nd.array([3, 4], dtype='int32')],
    'nd_float64': lambda mx: [mx.nd.ones((2, 1), dtype='float64')],
    'lists': lambda mx: [[1, 2], [3, 4]],
    'nd_and_int': lambda mx: [(mx.nd.ones(2), 1), (mx.nd.zeros(2), 0)],
    'np_float16': lambda mx: [np.float16(2)], 'np_int64': lambda mx: [np.int64(2 ** 40)],
    'np_uint16': lambda mx: [np.uint16(3)], 'strings': lambda mx: ['a', 'b'], 'none': lambda mx: [None],
    'dicts': lambda mx: [{'a': 1}], 'ragged': lambda mx: [1, (2,)], 'tuple_then_int': lambda mx: [(1,), 2],
    'empty_tuples': lambda mx: [(), ()],
}


@case
def batchify(mx, tmp):
    dl = mx.gluon.data.dataloader
    out = {}
    for name, make in BATCHIFY_INPUTS.items():
        out[name] = attempt(lambda: dl.default_batchify_fn(make(mx)))
        out['mp_' + name] = attempt(lambda: dl.default_mp_batchify_fn(make(mx)))
    return out


def _toy(mx):
    X = np.arange(14, dtype=np.float32).reshape(7, 2)
    return mx.gluon.data.ArrayDataset(X, np.arange(7))


LOADERS = {
    'keep': dict(batch_size=3), 'discard': dict(batch_size=3, last_batch='discard'),
    'rollover': dict(batch_size=3, last_batch='rollover'), 'keep_explicit': dict(batch_size=3, last_batch='keep'),
    'threads': dict(batch_size=3, num_workers=2, thread_pool=True),
    'workers': dict(batch_size=3, num_workers=2), 'workers_prefetch0': dict(batch_size=2, num_workers=1, prefetch=0),
    'workers_pinned': dict(batch_size=4, num_workers=1, thread_pool=True, pin_memory=True),
    'pinned': dict(batch_size=2, pin_memory=True), 'pinned_1': dict(batch_size=2, pin_memory=True, pin_device_id=1),
    'negative_workers': dict(batch_size=2, num_workers=-3), 'auto_reload': dict(batch_size=4, auto_reload=True),
    'batch_larger': dict(batch_size=10), 'batch_larger_discard': dict(batch_size=10, last_batch='discard'),
    'sampler': 'sampler', 'batch_sampler': 'batch_sampler', 'batchify_fn': 'batchify_fn',
}


def _loader_kwargs(mx, kw):
    data = mx.gluon.data
    if kw == 'sampler':
        return dict(batch_size=2, sampler=data.SequentialSampler(5, 2))
    if kw == 'batch_sampler':
        return dict(batch_sampler=data.BatchSampler(data.SequentialSampler(7), 4, 'rollover'))
    if kw == 'batchify_fn':
        return dict(batch_size=3, batchify_fn=lambda samples: [s[1] for s in samples])
    return kw


@case
def loaders(mx, tmp):
    out = {}
    for name, kw in LOADERS.items():
        dl = mx.gluon.data.DataLoader(_toy(mx), **_loader_kwargs(mx, kw))
        out[name] = [len(dl)] + [describe(list(dl)) for _ in range(2)]
    return out


@case
def loader_v1(mx, tmp):
    out = {}
    for name, kw in [('plain', dict(batch_size=3)), ('workers', dict(batch_size=3, num_workers=2)),
                     ('rollover', dict(batch_size=3, last_batch='rollover'))]:
        dl = mx.gluon.data.dataloader.DataLoaderV1(_toy(mx), **kw)
        out[name] = [len(dl)] + [describe(list(dl)) for _ in range(2)]
    return out


@case
def loader_errors(mx, tmp):
    data = mx.gluon.data
    ds = _toy(mx)
    bs = data.BatchSampler(data.SequentialSampler(7), 2)
    bad = [dict(), dict(batch_size=2, batch_sampler=bs), dict(batch_size=2, shuffle=True, sampler=bs),
           dict(batch_sampler=bs, shuffle=True), dict(batch_sampler=bs, last_batch='keep'),
           dict(batch_sampler=bs, sampler=data.SequentialSampler(7)), dict(batch_size=2, timeout=0),
           dict(batch_size=2, timeout=-1)]
    out = {'constructor': [attempt(lambda: data.DataLoader(ds, **kw) and 'ok') for kw in bad]}
    dl = data.DataLoader(ds, batch_size=2, last_batch='bad')
    out['bad_last_batch'] = [attempt(lambda: len(dl)), attempt(lambda: [b for b in dl])]
    out['strings'] = attempt(lambda: list(data.DataLoader(data.SimpleDataset(['a', 'b']), batch_size=2)))
    return out


@case
def loader_shuffle(mx, tmp):
    np.random.seed(3)
    dl = mx.gluon.data.DataLoader(_toy(mx), batch_size=3, shuffle=True, last_batch='keep')
    out = {'len': len(dl)}
    for epoch in range(2):
        batches = list(dl)
        labels = np.concatenate([b[1].asnumpy() for b in batches])
        out['epoch%d' % epoch] = {'shapes': [[list(x.shape) for x in b] for b in batches],
                                  'dtypes': [[x.dtype.__name__ for x in b] for b in batches],
                                  'labels_sorted': sorted(labels.tolist()),
                                  'rows_match': all((b[0].asnumpy()[:, 0] == 2 * b[1].asnumpy()).all()
                                                    for b in batches)}
    return out


@case
def loader_dataset_kinds(mx, tmp):
    data = mx.gluon.data
    kinds = {'nd2d': mx.nd.arange(12).reshape(6, 2), 'np_uint8': np.arange(6, dtype=np.uint8).reshape(3, 2),
             'list_float': [0.5, 1.5, 2.5], 'nd_pairs': data.ArrayDataset(mx.nd.arange(6).reshape(3, 2),
                                                                          mx.nd.array([0, 1, 0])),
             'transformed': data.ArrayDataset(np.arange(4), np.arange(4)).transform_first(lambda x: x * 0.5),
             'mixed': data.SimpleDataset([(mx.nd.ones((2,)), np.int32(1), 2.0)] * 3)}
    return {k: describe(list(data.DataLoader(v, batch_size=2))) for k, v in kinds.items()}


# ---------------------------------------------------------------- fake dataset files
def _pixels(n, size, seed):
    return ((np.arange(n * size, dtype=np.int64) * 37 + seed * 101) % 251).astype(np.uint8)


def write_mnist(root, n_train=3, n_test=2, seed=0):
    os.makedirs(root, exist_ok=True)
    for prefix, n in (('train', n_train), ('t10k', n_test)):
        with gzip.open(os.path.join(root, prefix + '-labels-idx1-ubyte.gz'), 'wb') as f:
            f.write(struct.pack('>II', 2049, n) + ((np.arange(n) * 3 + seed) % 10).astype(np.uint8).tobytes())
        with gzip.open(os.path.join(root, prefix + '-images-idx3-ubyte.gz'), 'wb') as f:
            f.write(struct.pack('>IIII', 2051, n, 28, 28) + _pixels(n, 784, seed + n).tobytes())


def _cifar_rows(n, labels, seed):
    return np.concatenate([np.array(labels, np.uint8).reshape(n, -1), _pixels(n, 3072, seed).reshape(n, 3072)], 1)


def write_cifar10(root, archive=False):
    os.makedirs(root, exist_ok=True)
    files = {'data_batch_%d.bin' % i: _cifar_rows(1, [i], i) for i in range(1, 6)}
    files['test_batch.bin'] = _cifar_rows(2, [7, 9], 8)
    _write_files(root, files, 'cifar-10-binary.tar.gz' if archive else None)


def write_cifar100(root, archive=False):
    os.makedirs(root, exist_ok=True)
    files = {'train.bin': _cifar_rows(2, [[3, 41], [19, 98]], 1), 'test.bin': _cifar_rows(1, [[4, 55]], 2)}
    _write_files(root, files, 'cifar-100-binary.tar.gz' if archive else None)


def _write_files(root, files, archive):
    for name, rows in files.items():
        with open(os.path.join(root, name), 'wb') as f:
            f.write(rows.tobytes())
    if archive:
        with tarfile.open(os.path.join(root, archive), 'w:gz') as tar:
            for name in files:
                tar.add(os.path.join(root, name), arcname=name)
        for name in files:
            os.remove(os.path.join(root, name))


def _paeth(a, b, c):
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    return a if pa <= pb and pa <= pc else (b if pb <= pc else c)


def png_bytes(pixels, color_type, palette=None):
    """An 8-bit PNG of (H, W[, C]) pixels; row r uses filter r % 5, so every filter is used."""
    px = np.asarray(pixels, np.uint8)
    h, w = px.shape[:2]
    rows = px.reshape(h, -1).astype(int)
    bpp = rows.shape[1] // w
    raw, prev = b'', np.zeros(rows.shape[1], int)
    for r in range(h):
        cur, ft = rows[r], r % 5
        line = []
        for i in range(len(cur)):
            a, b, c = (cur[i - bpp], prev[i], prev[i - bpp]) if i >= bpp else (0, prev[i], 0)
            line.append((cur[i] - [0, a, b, (a + b) // 2, _paeth(a, b, c)][ft]) % 256)
        raw += bytes([ft] + line)
        prev = cur

    def chunk(tag, data):
        return struct.pack('>I', len(data)) + tag + data + struct.pack('>I', zlib.crc32(tag + data))
    out = b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', w, h, 8, color_type, 0, 0, 0))
    if palette is not None:
        out += chunk(b'PLTE', np.asarray(palette, np.uint8).tobytes())
    return out + chunk(b'IDAT', zlib.compress(raw)) + chunk(b'IEND', b'')


def sample_images():
    """name -> PNG bytes: each color type, 5 rows (all filters), and a larger RGB image."""
    rgb = ((np.arange(5 * 4 * 3).reshape(5, 4, 3) * 37 + 11) % 256)
    pal = [[10, 20, 30], [200, 100, 50], [0, 255, 128], [77, 88, 99], [255, 255, 255]]
    big = np.random.RandomState(0).randint(0, 256, (12, 10, 3))
    return {'gray': png_bytes(rgb[..., 0], 0), 'rgb': png_bytes(rgb, 2),
            'palette': png_bytes(np.arange(20).reshape(5, 4) % 5, 3, pal), 'gray_alpha': png_bytes(rgb[..., :2], 4),
            'rgba': png_bytes(np.concatenate([rgb, rgb[..., :1]], -1), 6), 'big_rgb': png_bytes(big, 2)}


# ---------------------------------------------------------------- vision datasets
def _samples(ds, idxs):
    return describe([ds[i] for i in idxs])


@case
def vision_mnist(mx, tmp):
    v = mx.gluon.data.vision
    root = os.path.join(tmp, 'mnist')
    write_mnist(root)
    out = {}
    for train in (True, False):
        ds = v.MNIST(root=root, train=train)
        out['train' if train else 'test'] = [len(ds), _samples(ds, range(len(ds)))]
    out['fashion'] = _samples(v.FashionMNIST(root=root, train=False), [0, 1])
    tr = v.MNIST(root=root, transform=lambda x, y: (x.astype('float32') / 255, y + np.int32(1)))
    out['transform'] = _samples(tr, [2])
    out['loader'] = describe(list(mx.gluon.data.DataLoader(v.MNIST(root=root), batch_size=2)))
    out['transform_first'] = describe(v.MNIST(root=root).transform_first(lambda x: x.shape)[0])
    return out


@case
def vision_cifar(mx, tmp):
    v = mx.gluon.data.vision
    out = {}
    write_cifar10(os.path.join(tmp, 'c10'))
    write_cifar100(os.path.join(tmp, 'c100'))
    write_cifar10(os.path.join(tmp, 'c10a'), archive=True)
    write_cifar100(os.path.join(tmp, 'c100a'), archive=True)
    for name, make in [('c10_train', lambda r: v.CIFAR10(root=r + '/c10')),
                       ('c10_test', lambda r: v.CIFAR10(root=r + '/c10', train=False)),
                       ('c100_train', lambda r: v.CIFAR100(root=r + '/c100')),
                       ('c100_train_fine', lambda r: v.CIFAR100(root=r + '/c100', fine_label=True)),
                       ('c100_test_fine', lambda r: v.CIFAR100(root=r + '/c100', fine_label=True, train=False)),
                       ('c10_archive', lambda r: v.CIFAR10(root=r + '/c10a', train=False)),
                       ('c100_archive', lambda r: v.CIFAR100(root=r + '/c100a', fine_label=True))]:
        ds = make(tmp)
        out[name] = [len(ds), _samples(ds, range(len(ds)))]
    out['loader'] = describe(list(mx.gluon.data.DataLoader(v.CIFAR10(root=tmp + '/c10'), batch_size=3)))
    out['archive_extracted'] = sorted(os.listdir(os.path.join(tmp, 'c10a')))
    return out


@case
def image_decode(mx, tmp):
    root = os.path.join(tmp, 'folder')
    images = sample_images()
    for i, (name, png) in enumerate(images.items()):
        os.makedirs(os.path.join(root, 'class%d' % (i % 2)), exist_ok=True)
        with open(os.path.join(root, 'class%d' % (i % 2), '%s.png' % name), 'wb') as f:
            f.write(png)
    os.makedirs(os.path.join(root, 'empty'))
    with open(os.path.join(root, 'readme.txt'), 'w') as f:
        f.write('not a class')
    with open(os.path.join(root, 'class0', 'notes.TXT'), 'w') as f:
        f.write('not an image')
    with open(os.path.join(root, 'class1', 'upper.PNG'), 'wb') as f:
        f.write(images['rgb'])
    out = {}
    for flag in (1, 0):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter('always')
            ds = mx.gluon.data.vision.ImageFolderDataset(root, flag=flag)
        out['flag%d' % flag] = {
            'warnings': sorted(str(w.message).replace(root, '<root>') for w in caught),
            'synsets': ds.synsets, 'items': [[os.path.relpath(p, root), label] for p, label in ds.items],
            'len': len(ds), 'samples': _samples(ds, range(len(ds)))}
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        tr = mx.gluon.data.vision.ImageFolderDataset(root, transform=lambda x, y: (x.shape, y * 10))
    out['transform'] = describe(tr[0])
    return out


@case
def image_records(mx, tmp):
    idx, rec = os.path.join(tmp, 'img.idx'), os.path.join(tmp, 'img.rec')
    w = mx.recordio.MXIndexedRecordIO(idx, rec, 'w')
    for i, png in enumerate(sample_images().values()):
        label = float(i) if i % 2 else [i, i + 0.5]
        w.write_idx(i, mx.recordio.pack(mx.recordio.IRHeader(0, label, i, 0), png))
    w.close()
    out = {}
    for flag in (1, 0):
        ds = mx.gluon.data.vision.ImageRecordDataset(rec, flag=flag)
        out['flag%d' % flag] = [len(ds), _samples(ds, range(len(ds)))]
    ds = mx.gluon.data.vision.ImageRecordDataset(rec, transform=lambda x, y: (x.shape, y))
    out['transform'] = _samples(ds, [0, 1])
    return out


def run_case(mx, name, tmp):
    return json.loads(json.dumps(CASES[name](mx, tmp)))


def main():
    import mxnet as mx
    import mxnet.gluon.data.vision.datasets as mx_datasets
    import mxnet.gluon.utils as mx_utils
    # the fake dataset files have other SHA-1s than MXNet's: without this MXNet would download
    mx_utils.check_sha1 = mx_datasets.check_sha1 = lambda filename, sha1_hash: True
    out = {}
    for name in CASES:
        tmp = tempfile.mkdtemp()
        try:
            out[name] = run_case(mx, name, tmp)
        finally:
            shutil.rmtree(tmp)
    os.makedirs(DATA, exist_ok=True)
    write_records(mx, os.path.join(DATA, 'records.idx'), os.path.join(DATA, 'records.rec'))
    with open(GOLDEN, 'w') as f:
        json.dump(out, f, indent=0, sort_keys=True)


if __name__ == '__main__':
    main()
