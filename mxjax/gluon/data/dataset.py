"""Datasets: anything with `__getitem__` and `__len__`, and MXNet's ways of deriving new ones."""
import os

from ... import recordio
from ...ndarray import NDArray
from .sampler import FilterSampler, Sampler, SequentialSampler

__all__ = ['Dataset', 'SimpleDataset', 'ArrayDataset', 'RecordFileDataset']


class Dataset:
    """Base class: subclasses define `__getitem__(idx)` and `__len__()`.

    There is no `__iter__`: as in MXNet, iterating a dataset indexes 0, 1, ... until IndexError.
    An NDArray, a NumPy array or a list can be used wherever a dataset is expected.
    """
    def __getitem__(self, idx):
        raise NotImplementedError

    def __len__(self):
        raise NotImplementedError

    def filter(self, fn):
        """The samples for which `fn(sample)` is true (tested once, now)."""
        return _SampledDataset(self, FilterSampler(fn, self))

    def shard(self, num_shards, index):
        """Part `index` of `num_shards` contiguous parts; the first len % num_shards parts get
        one extra sample."""
        assert index < num_shards, 'Shard index of out bound: index=%d, num_shards=%d' % (index, num_shards)
        assert num_shards > 0, 'num_shards must be greater than 0, got %d' % num_shards
        assert index >= 0, 'index must be non-negative, got %d' % index
        size, rest = divmod(len(self), num_shards)
        start = size * index + min(index, rest)
        return _SampledDataset(self, SequentialSampler(size + (index < rest), start))

    def take(self, count):
        """The first `count` samples (all of them when count is None or larger than the dataset)."""
        if count is None or count > len(self):
            count = len(self)
        if count < 0:
            raise ValueError('take: count must be None or >= 0, got %d' % count)
        return _SampledDataset(self, SequentialSampler(count))

    def sample(self, sampler):
        """The samples at the indices `sampler` yields (a gluon.data.Sampler)."""
        if not isinstance(sampler, Sampler):
            raise TypeError('Invalid sampler type: %s. Expected gluon.data.Sampler instead.' % type(sampler))
        return _SampledDataset(self, sampler)

    def transform(self, fn, lazy=True):
        """Each sample passed through `fn` (a tuple sample is passed as fn(*sample)).

        lazy=True transforms on every access (so a random `fn` differs per epoch); lazy=False
        transforms every sample now and returns a SimpleDataset of the results.
        """
        trans = _LazyTransformDataset(self, fn)
        if lazy:
            return trans
        return SimpleDataset([s for s in trans])

    def transform_first(self, fn, lazy=True):
        """Like `transform`, applying `fn` to the first element of each sample only."""
        return self.transform(_TransformFirstClosure(fn), lazy)


class SimpleDataset(Dataset):
    """A dataset over any object with `len()` and `[]` (a list, an array)."""
    def __init__(self, data):
        self._data = data

    def __len__(self):
        return len(self._data)

    def __getitem__(self, idx):
        return self._data[idx]


class _LazyTransformDataset(Dataset):
    def __init__(self, data, fn):
        self._data = data
        self._fn = fn

    def __len__(self):
        return len(self._data)

    def __getitem__(self, idx):
        item = self._data[idx]
        if isinstance(item, tuple):
            return self._fn(*item)
        return self._fn(item)


class _TransformFirstClosure:
    # a class rather than a closure, so that transformed datasets pickle
    def __init__(self, fn):
        self._fn = fn

    def __call__(self, x, *args):
        if args:
            return (self._fn(x),) + args
        return self._fn(x)


class _SampledDataset(Dataset):
    def __init__(self, dataset, sampler):
        self._dataset = dataset
        self._sampler = sampler
        self._indices = list(iter(sampler))

    def __len__(self):
        return len(self._sampler)

    def __getitem__(self, idx):
        return self._dataset[self._indices[idx]]


class ArrayDataset(Dataset):
    """Sample i is (a[i], b[i], ...) of the given arrays, lists or datasets (a[i] alone for one).

    A 1-D NDArray is converted to NumPy first, so its samples are NumPy scalars (as in MXNet).
    """
    def __init__(self, *args):
        assert len(args) > 0, 'ArrayDataset needs at least 1 array'
        self._length = len(args[0])
        self._data = []
        for i, data in enumerate(args):
            assert len(data) == self._length, \
                'All arrays must have the same length; array 0 has length %d while array %d has %d.' \
                % (self._length, i, len(data))
            if isinstance(data, NDArray) and data.ndim == 1:
                data = data.asnumpy()
            self._data.append(data)

    def __getitem__(self, idx):
        if len(self._data) == 1:
            return self._data[0][idx]
        return tuple(data[idx] for data in self._data)

    def __len__(self):
        return self._length


class RecordFileDataset(Dataset):
    """The raw records (bytes) of a RecordIO file, with its index beside it (name.rec -> name.idx)."""
    def __init__(self, filename):
        self.idx_file = os.path.splitext(filename)[0] + '.idx'
        self.filename = filename
        self._record = recordio.MXIndexedRecordIO(self.idx_file, self.filename, 'r')

    def __getitem__(self, idx):
        return self._record.read_idx(self._record.keys[idx])

    def __len__(self):
        return len(self._record.keys)


class _DownloadedDataset(Dataset):
    """Base of MNIST, CIFAR10, ...: (data[i], label[i]) pairs loaded by `_get_data` from `root`."""
    def __init__(self, root, transform):
        self._transform = transform
        self._data = None
        self._label = None
        self._root = os.path.expanduser(root)
        self._get_data()

    def __getitem__(self, idx):
        if self._transform is not None:
            return self._transform(self._data[idx], self._label[idx])
        return self._data[idx], self._label[idx]

    def __len__(self):
        return len(self._label)

    def _get_data(self):
        raise NotImplementedError
