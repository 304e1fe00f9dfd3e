"""Vision datasets read from local files in MXNet's formats (mxjax never downloads).

MNIST / FashionMNIST read the idx .gz files and CIFAR10 / CIFAR100 the binary batches under
`root`, as MXNet stores them; a missing file raises FileNotFoundError naming the path expected
and where MXNet downloads it from. Checksums are not verified.

Images (ImageRecordDataset, ImageFolderDataset) decode to (H, W, C) uint8 NDArrays in RGB
order, C = 3 for flag=1 and 1 for flag=0, as mx.image.imdecode. 8-bit PNGs decode without any
extra package, exactly as MXNet's OpenCV does (grayscale by libpng's integer weights); other
images need OpenCV (cv2, used first when installed) or Pillow.
"""
import gzip
import io
import os
import struct
import tarfile
import warnings
import zlib

import numpy as np

from .... import ndarray as nd
from .... import recordio
from ....base import MXNetError
from .. import dataset

__all__ = ['MNIST', 'FashionMNIST', 'CIFAR10', 'CIFAR100', 'ImageRecordDataset', 'ImageFolderDataset']

_DATA_DIR = os.getenv('MXNET_HOME', os.path.join(os.path.expanduser('~'), '.mxnet'))
_REPO = 'https://apache-mxnet.s3-accelerate.dualstack.amazonaws.com/gluon/dataset/'


def _local_file(root, namespace, name):
    path = os.path.join(root, name)
    if not os.path.exists(path):
        raise FileNotFoundError(2, 'dataset file not found: %s (mxjax does not download datasets; MXNet gets '
                                   'it from %s%s/%s)' % (path, _REPO, namespace, name), path)
    return path


class MNIST(dataset._DownloadedDataset):
    """MNIST digits from root/{train,t10k}-{images-idx3,labels-idx1}-ubyte.gz.

    Sample i is (image, label): a (28, 28, 1) uint8 NDArray and a NumPy int32.
    `transform(image, label)`, when given, maps each sample.
    """
    _namespace = 'mnist'

    def __init__(self, root=os.path.join(_DATA_DIR, 'datasets', 'mnist'), train=True, transform=None):
        self._train = train
        super().__init__(root, transform)

    def _get_data(self):
        prefix = 'train' if self._train else 't10k'
        label_file = _local_file(self._root, self._namespace, prefix + '-labels-idx1-ubyte.gz')
        data_file = _local_file(self._root, self._namespace, prefix + '-images-idx3-ubyte.gz')
        with gzip.open(label_file, 'rb') as f:
            f.read(8)  # magic, count: unchecked, as in MXNet
            label = np.frombuffer(f.read(), dtype=np.uint8).astype(np.int32)
        with gzip.open(data_file, 'rb') as f:
            f.read(16)  # magic, count, rows, columns
            data = np.frombuffer(f.read(), dtype=np.uint8)
        if data.size != len(label) * 28 * 28:
            raise ValueError('%s holds %d pixels, but %s has %d labels of 28x28 images'
                             % (data_file, data.size, label_file, len(label)))
        self._data = nd.array(data.reshape(len(label), 28, 28, 1), dtype=np.uint8)
        self._label = label


class FashionMNIST(MNIST):
    """Fashion-MNIST: MNIST's file names and format, under root (default .../fashion-mnist)."""
    _namespace = 'fashion-mnist'

    def __init__(self, root=os.path.join(_DATA_DIR, 'datasets', 'fashion-mnist'), train=True, transform=None):
        super().__init__(root, train, transform)


class CIFAR10(dataset._DownloadedDataset):
    """CIFAR-10 from root/data_batch_{1..5}.bin (train) or root/test_batch.bin.

    Sample i is (image, label): a (32, 32, 3) uint8 NDArray and a NumPy int32. When a batch
    file is missing but root holds MXNet's archive (cifar-10-binary.tar.gz), it is extracted.
    """
    _namespace = 'cifar10'
    _archive = 'cifar-10-binary.tar.gz'
    _train_files = ['data_batch_%d.bin' % i for i in range(1, 6)]
    _test_files = ['test_batch.bin']
    _label_bytes = 1

    def __init__(self, root=os.path.join(_DATA_DIR, 'datasets', 'cifar10'), train=True, transform=None):
        self._train = train
        super().__init__(root, transform)

    def _label_column(self):
        return 0

    def _get_data(self):
        names = self._train_files if self._train else self._test_files
        paths = [os.path.join(self._root, n) for n in names]
        archive = os.path.join(self._root, self._archive)
        if not all(os.path.exists(p) for p in paths) and os.path.exists(archive):
            with tarfile.open(archive) as tar:
                tar.extractall(self._root, **({'filter': 'data'} if hasattr(tarfile, 'data_filter') else {}))
        data, label = [], []
        for name in names:
            with open(_local_file(self._root, self._namespace, name), 'rb') as f:
                raw = np.frombuffer(f.read(), dtype=np.uint8)
            rows = raw.reshape(-1, 3072 + self._label_bytes)
            data.append(rows[:, self._label_bytes:].reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1))
            label.append(rows[:, self._label_column()].astype(np.int32))
        data = np.concatenate(data)
        self._data = nd.array(data, dtype=data.dtype)
        self._label = np.concatenate(label)


class CIFAR100(CIFAR10):
    """CIFAR-100 from root/train.bin or root/test.bin; fine_label picks the 100 fine classes
    over the 20 coarse ones. MXNet's archive is cifar-100-binary.tar.gz."""
    _namespace = 'cifar100'
    _archive = 'cifar-100-binary.tar.gz'
    _train_files = ['train.bin']
    _test_files = ['test.bin']
    _label_bytes = 2

    def __init__(self, root=os.path.join(_DATA_DIR, 'datasets', 'cifar100'), fine_label=False, train=True,
                 transform=None):
        self._fine_label = fine_label
        super().__init__(root, train, transform)

    def _label_column(self):
        return 1 if self._fine_label else 0


# ---------------------------------------------------------------- image decoding
_PNG_SIGNATURE = b'\x89PNG\r\n\x1a\n'
_PNG_CHANNELS = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}  # color type -> samples per pixel


def _unfilter(raw, height, stride, bpp):
    """The pixel bytes of PNG scanlines (each a filter byte + `stride` bytes)."""
    out, prev, pos = bytearray(), bytearray(stride), 0
    for _ in range(height):
        ft, cur = raw[pos], bytearray(raw[pos + 1:pos + 1 + stride])
        pos += stride + 1
        if ft == 1:
            for i in range(bpp, stride):
                cur[i] = (cur[i] + cur[i - bpp]) & 255
        elif ft == 2:
            cur = bytearray((a + b) & 255 for a, b in zip(cur, prev))
        elif ft == 3:
            for i in range(stride):
                cur[i] = (cur[i] + (((cur[i - bpp] if i >= bpp else 0) + prev[i]) >> 1)) & 255
        elif ft == 4:
            for i in range(stride):
                a, b, c = (cur[i - bpp], prev[i], prev[i - bpp]) if i >= bpp else (0, prev[i], 0)
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                cur[i] = (cur[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        elif ft != 0:
            raise MXNetError('invalid PNG: unknown filter type %d' % ft)
        out += cur
        prev = cur
    return out


def _decode_png(buf):
    """(H, W, 1 or 3) uint8 of an 8-bit non-interlaced PNG (alpha dropped); None for other PNGs."""
    pos, idat, palette, header = 8, [], None, None
    while pos + 8 <= len(buf):
        length, tag = struct.unpack('>I4s', buf[pos:pos + 8])
        chunk = buf[pos + 8:pos + 8 + length]
        pos += 12 + length
        if tag == b'IHDR':
            header = struct.unpack('>IIBBBBB', chunk[:13])
        elif tag == b'PLTE':
            palette = np.frombuffer(chunk, np.uint8)[:len(chunk) // 3 * 3].reshape(-1, 3)
        elif tag == b'IDAT':
            idat.append(chunk)
        elif tag == b'IEND':
            break
    if header is None:
        raise MXNetError('invalid PNG: no IHDR chunk')
    width, height, depth, ctype, _, _, interlace = header
    if depth != 8 or interlace or ctype not in _PNG_CHANNELS or (ctype == 3 and palette is None):
        return None
    ch = _PNG_CHANNELS[ctype]
    try:
        raw = zlib.decompress(b''.join(idat))
    except zlib.error as e:
        raise MXNetError('invalid PNG: %s' % e) from e
    if len(raw) < height * (width * ch + 1):
        raise MXNetError('invalid PNG: image data is cut short')
    px = np.frombuffer(bytes(_unfilter(raw, height, width * ch, ch)), np.uint8).reshape(height, width, ch)
    if ctype == 3:
        px = palette[np.minimum(px[..., 0], len(palette) - 1)]
    return px[..., :1] if ch == 2 else px[..., :3]


def _imdecode(buf, flag, what):
    """mx.image.imdecode(buf, flag) as a NumPy array: (H, W, 3) RGB, or (H, W, 1) for flag=0."""
    img = None
    if recordio.cv2 is not None:
        img = recordio.cv2.imdecode(np.frombuffer(buf, np.uint8), 0 if flag == 0 else 1)
        if img is None:
            raise MXNetError('cannot decode image %s' % what)
        return img[..., None] if img.ndim == 2 else img[..., ::-1]
    if buf[:8] == _PNG_SIGNATURE:
        img = _decode_png(buf)
    if img is None:
        try:
            from PIL import Image
        except ImportError:
            raise ImportError('decoding image %s (not an 8-bit PNG) needs OpenCV (pip install opencv-python) or '
                              'Pillow; neither is installed' % what) from None
        img = np.asarray(Image.open(io.BytesIO(buf)).convert('RGB'))
    if flag == 0 and img.shape[2] == 3:
        # libpng's RGB -> gray (what MXNet's OpenCV does for PNG): weights 9797, 19234, 3737 / 2^15
        rgb = img.astype(np.uint32)
        img = ((rgb[..., 0] * 9797 + rgb[..., 1] * 19234 + rgb[..., 2] * 3737) >> 15).astype(np.uint8)[..., None]
    elif flag != 0 and img.shape[2] == 1:
        img = np.repeat(img, 3, axis=2)
    return img


class ImageRecordDataset(dataset.RecordFileDataset):
    """The images of a RecordIO file (records made by recordio.pack / im2rec, with an .idx beside it).

    Sample i is (image, label): a uint8 NDArray (H, W, 3) for flag=1 or (H, W, 1) for flag=0,
    and the header's label (a float, or a float32 array).
    """
    def __init__(self, filename, flag=1, transform=None):
        super().__init__(filename)
        self._flag = flag
        self._transform = transform

    def __getitem__(self, idx):
        header, img = recordio.unpack(super().__getitem__(idx))
        img = nd.array(_imdecode(img, self._flag, 'record %d of %s' % (idx, self.filename)), dtype=np.uint8)
        if self._transform is not None:
            return self._transform(img, header.label)
        return img, header.label


class ImageFolderDataset(dataset.Dataset):
    """Images in root/<class name>/<file>.{jpg,jpeg,png}; the label is the class's index in the
    sorted class names (`synsets`). `items` lists (path, label). Other files are skipped with a
    warning. Sample i is (image, label) as in ImageRecordDataset, label an int.
    """
    def __init__(self, root, flag=1, transform=None):
        self._root = os.path.expanduser(root)
        self._flag = flag
        self._transform = transform
        self._exts = ['.jpg', '.jpeg', '.png']
        self._list_images(self._root)

    def _list_images(self, root):
        self.synsets = []
        self.items = []
        for folder in sorted(os.listdir(root)):
            path = os.path.join(root, folder)
            if not os.path.isdir(path):
                warnings.warn('Ignoring %s, which is not a directory.' % path, stacklevel=3)
                continue
            label = len(self.synsets)
            self.synsets.append(folder)
            for filename in sorted(os.listdir(path)):
                filename = os.path.join(path, filename)
                ext = os.path.splitext(filename)[1]
                if ext.lower() not in self._exts:
                    warnings.warn('Ignoring %s of type %s. Only support %s' % (filename, ext, ', '.join(self._exts)))
                    continue
                self.items.append((filename, label))

    def __getitem__(self, idx):
        filename, label = self.items[idx]
        with open(filename, 'rb') as f:
            img = nd.array(_imdecode(f.read(), self._flag, filename), dtype=np.uint8)
        if self._transform is not None:
            return self._transform(img, label)
        return img, label

    def __len__(self):
        return len(self.items)
