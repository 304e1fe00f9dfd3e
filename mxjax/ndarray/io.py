"""nd.save / nd.load in MXNet's binary NDArray list format (.params / .nd files).

Layout (little-endian), as MXNet 1.x writes it:
  u64 0x112 (list magic), u64 0 (reserved), u64 count, count arrays, u64 name count
  (0 for a list, count for a dict), then each name as u64 length + UTF-8 bytes.
  Array (V2 0xF993FAC9, or V3 0xF993FACA for NumPy-shape semantics: 0-d and zero-size arrays):
  u32 magic, i32 storage type (0 dense, 1 row_sparse, 2 csr), [sparse: storage shape],
  shape (i32 ndim + ndim x i64), i32 dev_type, i32 dev_id, i32 dtype flag,
  [sparse: per aux array i32 dtype flag + shape], data, [sparse: aux data].
  Older files: V1 0xF993FAC8 (no storage type) and the pre-V1 layout (u32 ndim + u32 dims).
Sparse arrays load densified: mxjax arrays are dense.
"""
import os
import struct
import tempfile

import jax
import numpy as np

from .. import context as _context
from ..base import MXNetError
from .ndarray import NDArray, _wrap

_LIST_MAGIC = 0x112
_V1_MAGIC, _V2_MAGIC, _V3_MAGIC = 0xF993FAC8, 0xF993FAC9, 0xF993FACA
_FLAG_DTYPES = {0: np.float32, 1: np.float64, 2: np.float16, 3: np.uint8, 4: np.int32,
                5: np.int8, 6: np.int64, 7: np.bool_}
_DTYPE_FLAGS = {np.dtype(t): f for f, t in _FLAG_DTYPES.items()}
_MXNET_ONLY_FLAGS = {8: 'int16', 9: 'uint16', 10: 'uint32', 11: 'uint64', 12: 'bfloat16'}
_NUM_AUX = {0: 0, 1: 1, 2: 2}        # dense, row_sparse (row indices), csr (indptr, indices)
_DEV_TYPES = {1: 'cpu', 2: 'gpu', 3: 'cpu_pinned', 5: 'cpu_shared'}
_MAX_NDIM = 32


class _Reader:
    """Bounds-checked reads over the file's bytes; any overrun is a clear MXNetError."""
    def __init__(self, buf, fname):
        self.buf, self.pos, self.fname = buf, 0, fname

    def fail(self, msg):
        raise MXNetError('nd.load: %s is not a valid MXNet NDArray file: %s' % (self.fname, msg))

    def take(self, nbytes, what):
        if nbytes < 0 or self.pos + nbytes > len(self.buf):
            self.fail('truncated: %s needs %d bytes at offset %d, but the file has %d bytes'
                      % (what, nbytes, self.pos, len(self.buf)))
        start = self.pos
        self.pos += nbytes
        return start

    def unpack(self, fmt, what):
        start = self.take(struct.calcsize(fmt), what)
        return struct.unpack_from(fmt, self.buf, start)[0]

    def shape(self, what, legacy=False):
        """A shape: i32 ndim + i64 dims (pre-V1 files: u32 dims); None for an unknown shape."""
        ndim = self.unpack('<i', what + ' ndim')
        if ndim == -1:
            return None
        if not 0 <= ndim <= _MAX_NDIM:
            self.fail('%s has ndim=%d (valid: 0..%d)' % (what, ndim, _MAX_NDIM))
        fmt = '<%d%s' % (ndim, 'I' if legacy else 'q')
        start = self.take(struct.calcsize(fmt), what + ' dims')
        dims = struct.unpack_from(fmt, self.buf, start)
        if any(d < 0 for d in dims):
            self.fail('%s has a negative dimension: %s' % (what, dims))
        return tuple(dims)

    def dtype(self, what):
        flag = self.unpack('<i', what + ' dtype flag')
        if flag in _FLAG_DTYPES:
            return np.dtype(_FLAG_DTYPES[flag])
        if flag in _MXNET_ONLY_FLAGS:
            self.fail('%s has dtype %s (flag %d), which mxjax does not support (supported: %s)'
                      % (what, _MXNET_ONLY_FLAGS[flag], flag,
                         ', '.join(np.dtype(t).name for t in _FLAG_DTYPES.values())))
        self.fail('%s has an unknown dtype flag %d' % (what, flag))

    def array(self, shape, dtype, what):
        n = int(np.prod(shape, dtype=np.int64))
        start = self.take(n * dtype.itemsize, what + ' data')
        return np.frombuffer(self.buf, dtype.newbyteorder('<'), n, start).reshape(shape)


def _read_one(r, i):
    """(numpy array, (dev_type, dev_id)) of array i."""
    what = 'array %d' % i
    magic = r.unpack('<I', what + ' magic')
    stype, sshape = 0, None
    if magic in (_V2_MAGIC, _V3_MAGIC):
        stype = r.unpack('<i', what + ' storage type')
        if stype not in _NUM_AUX:
            r.fail('%s has an unknown storage type %d (valid: 0 dense, 1 row_sparse, 2 csr)'
                   % (what, stype))
        if stype:
            sshape = r.shape(what + ' storage shape')
        shape = r.shape(what + ' shape')
        if shape is None or (magic == _V2_MAGIC and shape == ()):
            r.fail('%s is an uninitialized (none) NDArray, which mxjax cannot hold' % what)
    elif magic == _V1_MAGIC:
        shape = r.shape(what + ' shape')
        if not shape:
            r.fail('%s is an uninitialized (none) NDArray, which mxjax cannot hold' % what)
    elif magic <= _MAX_NDIM:
        # pre-V1 files start directly with the shape: u32 ndim, u32 dims
        r.pos -= 4
        shape = r.shape(what + ' shape', legacy=True)
        if not shape:
            r.fail('%s is an uninitialized (none) NDArray, which mxjax cannot hold' % what)
    else:
        r.fail('%s has magic number 0x%08X (expected 0x%08X)' % (what, magic, _V2_MAGIC))
    dev = (r.unpack('<i', what + ' device type'), r.unpack('<i', what + ' device id'))
    if dev[0] not in _DEV_TYPES:
        r.fail('%s has an unknown device type %d (valid: %s)'
               % (what, dev[0], ', '.join('%d %s' % kv for kv in _DEV_TYPES.items())))
    dtype = r.dtype(what)
    if not stype:
        return r.array(shape, dtype, what), dev
    aux = [(r.dtype(what + ' aux'), r.shape(what + ' aux shape')) for _ in range(_NUM_AUX[stype])]
    if sshape is None or any(s is None or len(s) != 1 for _, s in aux) or len(shape) < 1:
        r.fail('%s has an invalid sparse layout' % what)
    # the stored values' shape follows from the index arrays (MXNet may record a stale one)
    nstored = aux[0][1][0] if stype == 1 else aux[1][1][0]
    values = r.array((nstored,) + (shape[1:] if stype == 1 else ()), dtype, what)
    aux = [r.array(s, t, what + ' aux').astype(np.int64) for t, s in aux]
    return _densify(r, what, stype, shape, values, aux), dev


def _densify(r, what, stype, shape, values, aux):
    dense = np.zeros(shape, values.dtype.newbyteorder('='))
    if stype == 1:          # row_sparse: aux[0] = indices of the stored rows
        rows = aux[0]
        if rows.size and (rows.min() < 0 or rows.max() >= shape[0]):
            r.fail('%s has row indices outside [0, %d)' % (what, shape[0]))
        dense[rows] = values
        return dense
    # csr: aux[0] = indptr (rows + 1 entries), aux[1] = column indices
    indptr, cols = aux
    if (len(shape) != 2 or indptr.size != shape[0] + 1 or indptr[0] != 0
            or indptr[-1] != cols.size or (np.diff(indptr) < 0).any()
            or (cols.size and (cols.min() < 0 or cols.max() >= shape[1]))):
        r.fail('%s has inconsistent csr indices' % what)
    dense[np.repeat(np.arange(shape[0]), np.diff(indptr)), cols] = values
    return dense


def _parse(buf, fname):
    """[(name or None, numpy array, device)] of the whole file; raises before returning anything."""
    r = _Reader(memoryview(buf), fname)
    header = r.unpack('<Q', 'header')
    if header != _LIST_MAGIC:
        r.fail('wrong magic number 0x%X (expected 0x%X)' % (header, _LIST_MAGIC))
    r.unpack('<Q', 'reserved field')
    count = r.unpack('<Q', 'array count')
    if count > len(buf) // 4:
        r.fail('array count %d is impossible for a file of %d bytes' % (count, len(buf)))
    arrays = [_read_one(r, i) for i in range(count)]
    nnames = r.unpack('<Q', 'name count')
    if nnames not in (0, count):
        r.fail('%d names for %d arrays' % (nnames, count))
    names = []
    for i in range(nnames):
        n = r.unpack('<Q', 'name %d length' % i)
        start = r.take(n, 'name %d' % i)
        try:
            names.append(bytes(r.buf[start:start + n]).decode('utf-8'))
        except UnicodeDecodeError:
            r.fail('name %d is not valid UTF-8' % i)
    return arrays, (names if nnames else None)


def _context_for(dev):
    dev_type, dev_id = dev
    if _DEV_TYPES[dev_type] == 'gpu':
        try:
            ctx = _context.Context('gpu', dev_id)
            ctx.jax_device
            return ctx
        except MXNetError:
            pass                  # as MXNet without CUDA: GPU arrays load on the CPU
    return _context.cpu(0)


def _to_ndarray(a, dev):
    ctx = _context_for(dev)
    host = np.empty(a.shape, a.dtype.newbyteorder('='))
    host[...] = a                 # own the memory, so the file's bytes can be freed
    return _wrap(jax.device_put(host, ctx.jax_device), ctx, None)


def _result(arrays, names):
    out = [_to_ndarray(a, dev) for a, dev in arrays]
    return out if names is None else dict(zip(names, out))


def _check_fname(fname):
    if isinstance(fname, os.PathLike):
        fname = os.fspath(fname)
    if not isinstance(fname, str):
        raise TypeError('fname required to be a string')
    return fname


def load(fname):
    """Load a list or a str->NDArray dict saved by MXNet (`nd.save`, `.params` files) or mxjax.

    Sparse arrays load as dense NDArrays; GPU arrays load on the same GPU when JAX sees it,
    else on cpu(0). 0-d and zero-size arrays (NumPy-shape files) load as such.
    """
    fname = _check_fname(fname)
    try:
        with open(fname, 'rb') as f:
            buf = f.read()
    except OSError as e:
        raise MXNetError('nd.load: cannot open %r: %s' % (fname, e.strerror or e)) from e
    return _result(*_parse(buf, repr(fname)))


def load_frombuffer(buf):
    """Like load, from the bytes of a file."""
    if not isinstance(buf, (bytes, bytearray, memoryview, str)):
        raise TypeError('buf required to be a string or bytes')
    if isinstance(buf, str):
        buf = buf.encode('latin-1')
    return _result(*_parse(bytes(buf), 'the buffer'))


def _collect(data):
    if isinstance(data, NDArray):
        return [data], None
    if isinstance(data, dict):
        if any(not isinstance(k, str) for k in data) or \
                any(not isinstance(v, NDArray) for v in data.values()):
            raise TypeError('save only accept dict str->NDArray or list of NDArray')
        return list(data.values()), list(data.keys())
    if isinstance(data, list):
        if any(not isinstance(v, NDArray) for v in data):
            raise TypeError('save only accept dict str->NDArray or list of NDArray')
        return data, None
    raise ValueError('data needs to either be a NDArray, dict of str, NDArray pairs '
                     'or a list of NDarrays.')


def _array_header(a, ctx, magic):
    flag = _DTYPE_FLAGS.get(np.dtype(a.dtype))
    if flag is None:
        raise MXNetError('nd.save: dtype %s cannot be saved (valid: %s)'
                         % (np.dtype(a.dtype).name,
                            ', '.join(np.dtype(t).name for t in _FLAG_DTYPES.values())))
    dev_type = {'gpu': 2, 'cpu_pinned': 3, 'cpu_shared': 5}.get(ctx.device_type, 1)
    dev_id = ctx.device_id  # MXNet writes the id of every context, cpu(i) included
    return (struct.pack('<Iii', magic, 0, a.ndim) + struct.pack('<%dq' % a.ndim, *a.shape)
            + struct.pack('<iii', dev_type, dev_id, flag))


def _umask():
    try:
        with open('/proc/self/status') as f:
            for line in f:
                if line.startswith('Umask:'):
                    return int(line.split()[1], 8)
    except OSError:
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def save(fname, data):
    """Save an NDArray, a list of NDArrays or a str->NDArray dict in MXNet's format.

    The file is written to a temporary file beside `fname` and renamed over it, so a failure
    never leaves a half-written file under `fname`. MXNet 1.x loads the result.
    """
    fname = _check_fname(fname)
    arrays, names = _collect(data)
    hosts = [np.asarray(a.as_jax()) for a in arrays]
    # MXNet's legacy shapes cannot hold 0-d or zero-size arrays: a file holding one is written
    # in NumPy-shape semantics (V3) throughout, as MXNet does (it reads a file in one semantics)
    magic = _V3_MAGIC if any(h.ndim == 0 or 0 in h.shape for h in hosts) else _V2_MAGIC
    headers = [_array_header(h, a.context, magic) for h, a in zip(hosts, arrays)]
    folder = os.path.dirname(os.path.abspath(fname))
    try:
        fd, tmp = tempfile.mkstemp(dir=folder, prefix='.%s.' % os.path.basename(fname),
                                   suffix='.tmp')
    except OSError as e:
        raise MXNetError('nd.save: cannot write in %r: %s' % (folder, e.strerror or e)) from e
    try:
        with os.fdopen(fd, 'wb') as f:
            f.write(struct.pack('<QQQ', _LIST_MAGIC, 0, len(arrays)))
            for head, h in zip(headers, hosts):
                f.write(head)
                f.write(np.ascontiguousarray(h, h.dtype.newbyteorder('<')).data)
            f.write(struct.pack('<Q', len(names or ())))
            for name in names or ():
                raw = name.encode('utf-8')
                f.write(struct.pack('<Q', len(raw)) + raw)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, fname)
    except BaseException as e:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        if isinstance(e, OSError):
            raise MXNetError('nd.save: cannot write %r: %s' % (fname, e.strerror or e)) from e
        raise
