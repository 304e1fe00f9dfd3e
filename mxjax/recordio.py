"""mx.recordio: MXNet's RecordIO (.rec) files, byte for byte, in plain Python.

Record layout (dmlc-core, little-endian): u32 magic 0xCED7230A, u32 lrec = cflag << 29 | length,
the payload, zero padding to a multiple of 4. A payload holding the magic number at a 4-byte
aligned offset is cut there (the magic itself is dropped) into parts with cflag 1 (first),
2 (middle) and 3 (last); cflag 0 is a whole record. Readers join the parts with the magic.
An index file (.idx) holds one `key<TAB>byte offset` line per record.
"""
import numbers
import os
import struct
import threading
from collections import namedtuple

import numpy as np

from .base import MXNetError

try:
    import cv2
except ImportError:
    cv2 = None

_MAGIC = 0xCED7230A
_MAGIC_BYTES = struct.pack('<I', _MAGIC)
_MAX_LEN = (1 << 29) - 1


def _head(cflag, length):
    return struct.pack('<II', _MAGIC, cflag << 29 | length)


def _encode(buf):
    """The bytes dmlc-core's RecordIOWriter writes for one record."""
    n = len(buf)
    if n > _MAX_LEN:
        raise MXNetError('RecordIO only accepts records shorter than 2^29 bytes, got %d bytes' % n)
    parts, start = [], 0
    pos = buf.find(_MAGIC_BYTES)
    while pos != -1:
        if pos % 4:
            pos = buf.find(_MAGIC_BYTES, pos + 1)
            continue
        parts += [_head(1 if start == 0 else 2, pos - start), buf[start:pos]]
        start = pos + 4
        pos = buf.find(_MAGIC_BYTES, start)
    parts += [_head(3 if start else 0, n - start), buf[start:], bytes(-n % 4)]
    return b''.join(parts)


class MXRecordIO:
    """Sequential reader ('r') or writer ('w') of a RecordIO file at `uri`.

    `read()` returns the next record as bytes, or None at the end; `write(buf)` takes bytes.
    As in MXNet, once `read()` has returned None the reader stays at the end until `reset()`.
    """
    def __init__(self, uri, flag):
        self.uri = uri
        self.flag = flag
        self.pid = None
        self.is_open = False
        self._file = None
        self._lock = threading.Lock()  # read_idx's seek + read is one step for DataLoader's worker threads
        self.open()

    def open(self):
        """Open the file: 'w' creates or truncates it, 'r' reads it from the start."""
        if self.flag not in ('r', 'w'):
            raise ValueError("Invalid flag %s (valid: 'r' to read, 'w' to write)" % (self.flag,))
        try:
            self._file = open(self.uri, 'rb' if self.flag == 'r' else 'wb')
        except OSError as e:
            raise MXNetError('RecordIO: cannot open %r for %s: %s'
                             % (self.uri, 'reading' if self.flag == 'r' else 'writing',
                                e.strerror or e)) from e
        self.writable = self.flag == 'w'
        self._eof = False
        self.pid = os.getpid()
        self.is_open = True

    def __del__(self):
        if getattr(self, 'is_open', False):
            self.close()

    def __getstate__(self):
        # open files do not pickle: the copy reopens the file (a writer's reopen truncates it)
        d = dict(self.__dict__)
        d['_file'] = None
        del d['_lock']
        return d

    def __setstate__(self, d):
        self.__dict__ = d
        self._lock = threading.Lock()
        was_open, self.is_open = d['is_open'], False
        if was_open:
            self.open()

    def _check_pid(self, allow_reset=False):
        """A handle opened in another process is reopened (seek) or refused (read/write)."""
        if self.pid != os.getpid():
            if not allow_reset:
                raise RuntimeError('Forbidden operation in multiple processes')
            self.reset()

    def _check_open(self):
        if not self.is_open:
            raise MXNetError('RecordIO file %r is closed' % (self.uri,))

    def close(self):
        """Close the file (a no-op when it is closed)."""
        if not self.is_open:
            return
        self._file.close()
        self._file = None
        self.is_open = False
        self.pid = None

    def reset(self):
        """Go back to the first record (reopen); on a writer this truncates the file."""
        self.close()
        self.open()

    def write(self, buf):
        """Append `buf` (bytes) as one record."""
        assert self.writable
        self._check_open()
        self._check_pid(allow_reset=False)
        if not isinstance(buf, bytes):
            raise TypeError('buf must be bytes, got %s' % type(buf).__name__)
        self._file.write(_encode(buf))

    def read(self):
        """The next record as bytes, or None at the end of the file."""
        assert not self.writable
        self._check_open()
        self._check_pid(allow_reset=False)
        if self._eof:
            return None
        parts = []
        while True:
            head = self._file.read(8)
            if not head:
                self._eof = True
                return None
            if len(head) != 8:
                raise MXNetError('Invalid RecordIO File %r: a record header is cut short at offset %d'
                                 % (self.uri, self._file.tell() - len(head)))
            magic, lrec = struct.unpack('<II', head)
            if magic != _MAGIC:
                raise MXNetError('Invalid RecordIO File %r: magic number 0x%08X at offset %d (expected 0x%08X)'
                                 % (self.uri, magic, self._file.tell() - 8, _MAGIC))
            cflag, length = lrec >> 29, lrec & _MAX_LEN
            data = self._file.read(length + (-length % 4))
            if len(data) != length + (-length % 4):
                raise MXNetError('Invalid RecordIO File %r: a record of %d bytes is cut short at the end'
                                 % (self.uri, length))
            parts.append(data[:length])
            if cflag in (0, 3):
                return _MAGIC_BYTES.join(parts)


class MXIndexedRecordIO(MXRecordIO):
    """RecordIO with random access through an index file (`idx_path`).

    `keys` lists the keys in file order and `idx` maps each key (of type `key_type`) to its
    byte offset; `write_idx(key, buf)` appends a record, `read_idx(key)` reads one.
    """
    def __init__(self, idx_path, uri, flag, key_type=int):
        self.idx_path = idx_path
        self.idx = {}
        self.keys = []
        self.key_type = key_type
        self.fidx = None
        super().__init__(uri, flag)

    def open(self):
        super().open()
        self.idx = {}
        self.keys = []
        try:
            self.fidx = open(self.idx_path, self.flag)
        except OSError:
            super().close()
            raise
        if not self.writable:
            for line in iter(self.fidx.readline, ''):
                fields = line.strip().split('\t')
                key = self.key_type(fields[0])
                self.idx[key] = int(fields[1])
                self.keys.append(key)

    def close(self):
        """Close the record and index files."""
        if not self.is_open:
            return
        super().close()
        self.fidx.close()

    def __getstate__(self):
        d = super().__getstate__()
        d['fidx'] = None
        return d

    def seek(self, idx):
        """Move the reader to the record of key `idx` (KeyError for an unknown key)."""
        assert not self.writable
        self._check_open()
        self._check_pid(allow_reset=True)
        self._file.seek(self.idx[idx])

    def tell(self):
        """The writer's position: the byte offset the next record starts at."""
        assert self.writable
        self._check_open()
        return self._file.tell()

    def read_idx(self, idx):
        """The record of key `idx`."""
        with self._lock:
            self.seek(idx)
            return self.read()

    def write_idx(self, idx, buf):
        """Append `buf` as the record of key `idx`."""
        key = self.key_type(idx)
        pos = self.tell()
        self.write(buf)
        self.fidx.write('%s\t%d\n' % (str(key), pos))
        self.idx[key] = pos
        self.keys.append(key)


IRHeader = namedtuple('HEADER', ['flag', 'label', 'id', 'id2'])
IRHeader.__doc__ = """Header of an image record: flag, label (a number or an array of floats), id, id2.

`pack` sets flag to the label's length for an array label (0 for a number)."""

_IR_FORMAT = 'IfQQ'
_IR_SIZE = struct.calcsize(_IR_FORMAT)


def pack(header, s):
    """An image record: the packed IRHeader, the float32 label array (if any), then bytes `s`."""
    header = IRHeader(*header)
    if isinstance(header.label, numbers.Number):
        header = header._replace(flag=0)
    else:
        label = np.asarray(header.label, dtype=np.float32)
        header = header._replace(flag=label.size, label=0)
        s = label.tobytes() + s
    return struct.pack(_IR_FORMAT, *header) + s


def unpack(s):
    """(IRHeader, payload bytes) of a record made by `pack`; an array label comes back as float32."""
    header = IRHeader(*struct.unpack(_IR_FORMAT, s[:_IR_SIZE]))
    s = s[_IR_SIZE:]
    if header.flag > 0:
        header = header._replace(label=np.frombuffer(s, np.float32, header.flag))
        s = s[header.flag * 4:]
    return header, s


def _need_cv2(name):
    if cv2 is None:
        raise ImportError('mx.recordio.%s needs OpenCV for Python (the cv2 module, `pip install '
                          'opencv-python`), as in MXNet; it is not installed' % name)


def unpack_img(s, iscolor=-1):
    """(IRHeader, image as a NumPy array decoded by cv2.imdecode(.., iscolor)). Needs OpenCV."""
    _need_cv2('unpack_img')
    header, s = unpack(s)
    return header, cv2.imdecode(np.frombuffer(s, dtype=np.uint8), iscolor)


def pack_img(header, img, quality=95, img_fmt='.jpg'):
    """`pack` of `img` (a NumPy array) encoded by cv2.imencode as img_fmt ('.jpg' or '.png';
    quality is JPEG quality 1-100 or PNG compression 0-9). Needs OpenCV."""
    _need_cv2('pack_img')
    params = None
    if img_fmt.upper() in ('.JPG', '.JPEG'):
        params = [cv2.IMWRITE_JPEG_QUALITY, quality]
    elif img_fmt.upper() == '.PNG':
        params = [cv2.IMWRITE_PNG_COMPRESSION, quality]
    ok, buf = cv2.imencode(img_fmt, img, params)
    assert ok, 'failed to encode image'
    return pack(header, buf.tobytes())
