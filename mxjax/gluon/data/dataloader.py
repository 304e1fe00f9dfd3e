"""DataLoader: mini-batches of a dataset, optionally assembled by worker threads."""
import multiprocessing
from multiprocessing.pool import ThreadPool

import numpy as np

from ... import context, ndarray as nd
from ...autograd.state import state
from ...base import _DTYPE_NAMES
from ...ndarray import NDArray
from . import sampler as _sampler

__all__ = ['DataLoader']


def _to_numpy(data):
    """np.asarray(data) with a dtype nd.array takes; KeyError (as MXNet) for any other dtype."""
    try:
        arr = np.asarray(data)
    except ValueError:  # ragged samples: NumPy >= 1.24 refuses what MXNet's NumPy made an object array
        arr = np.empty(len(data), dtype=object)
    if arr.dtype.name not in _DTYPE_NAMES:
        raise KeyError('cannot batch samples of dtype %s (e.g. %r); batchable dtypes: %s'
                       % (arr.dtype.name, data[0], ', '.join(_DTYPE_NAMES)))
    return arr


def _stack(items):
    """nd.stack(*items). Rows of one array (dataset[i] of an ArrayDataset: views of the same
    root) are gathered with one take instead of reading each view: same values, 3 dispatches
    instead of one per sample."""
    first = items[0]
    root, size = first._base, first.size
    if (root is not None and size and not state.recording and root.size % size == 0
            and all(type(a) is NDArray and a._base is root and a.shape == first.shape and a._begin % size == 0
                    for a in items)):
        rows = np.array([a._begin // size for a in items], dtype=np.int64)
        return nd.take(root.reshape((-1,) + first.shape), nd.array(rows, ctx=root.context, dtype='int64'))
    return nd.stack(*items)


def default_batchify_fn(data):
    """Stack a list of samples into a batch.

    NDArrays are stacked (nd.stack); tuples are batched field by field into a list; anything
    else goes through np.asarray and keeps NumPy's dtype: Python ints give int64, Python floats
    float64, NumPy scalars and arrays their own dtype.
    """
    if isinstance(data[0], NDArray):
        return _stack(data)
    if isinstance(data[0], tuple):
        return [default_batchify_fn(field) for field in zip(*data)]
    arr = _to_numpy(data)
    return nd.array(arr, dtype=arr.dtype)


def default_mp_batchify_fn(data):
    """default_batchify_fn for worker loaders: the batch lives on cpu_shared(0), as in MXNet."""
    shared = context.Context('cpu_shared', 0)
    if isinstance(data[0], NDArray):
        return _stack(data).as_in_context(shared)
    if isinstance(data[0], tuple):
        return [default_mp_batchify_fn(field) for field in zip(*data)]
    arr = _to_numpy(data)
    return nd.array(arr, dtype=arr.dtype, ctx=shared)


def _as_in_context(data, ctx):
    if isinstance(data, NDArray):
        return data.as_in_context(ctx)
    if isinstance(data, (list, tuple)):
        return [_as_in_context(d, ctx) for d in data]
    return data


def _worker_fn(samples, batchify_fn, dataset):
    return batchify_fn([dataset[i] for i in samples])


class _MultiWorkerIter:
    """Batches computed by a worker pool, `prefetch` of them ahead, returned in order."""
    def __init__(self, worker_pool, batchify_fn, batch_sampler, dataset, pin_memory=False,
                 pin_device_id=0, prefetch=0, timeout=120):
        self._worker_pool = worker_pool
        self._batchify_fn = batchify_fn
        self._batch_sampler = batch_sampler
        self._dataset = dataset
        self._pin_memory = pin_memory
        self._pin_device_id = pin_device_id
        self._timeout = timeout
        self._pending = {}
        self._rcvd_idx = 0
        self._sent_idx = 0
        self._iter = iter(batch_sampler)
        for _ in range(prefetch):
            self._push_next()

    def __len__(self):
        return len(self._batch_sampler)

    def _push_next(self):
        samples = next(self._iter, None)
        if samples is None:
            return
        self._pending[self._sent_idx] = self._worker_pool.apply_async(
            _worker_fn, (samples, self._batchify_fn, self._dataset))
        self._sent_idx += 1

    def __next__(self):
        self._push_next()
        if self._rcvd_idx == self._sent_idx:
            raise StopIteration
        ret = self._pending.pop(self._rcvd_idx)
        try:
            batch = ret.get(self._timeout)
        except multiprocessing.TimeoutError as e:
            raise multiprocessing.TimeoutError(
                'DataLoader worker timed out after %s seconds (timeout=%s); a slow dataset or transform '
                'needs a larger timeout' % (self._timeout, self._timeout)) from e
        if self._pin_memory:
            batch = _as_in_context(batch, context.cpu_pinned(self._pin_device_id))
        self._rcvd_idx += 1
        return batch

    next = __next__

    def __iter__(self):
        return self


class DataLoader:
    """Mini-batches of `dataset`, as MXNet's gluon.data.DataLoader.

    Give either batch_size (with shuffle or sampler, and last_batch: 'keep', 'discard' or
    'rollover') or a batch_sampler. num_workers > 0 assembles batches in a pool of that many
    threads, `prefetch` batches ahead (default 2 * num_workers); mxjax always uses threads
    (thread_pool=False is accepted: JAX does not survive forked worker processes), and worker
    batches live on cpu_shared(0) as MXNet's do. pin_memory moves batches to cpu_pinned.
    timeout bounds the wait for one worker batch (multiprocessing.TimeoutError).
    auto_reload=True starts the next epoch's prefetch as soon as an epoch ends.
    """
    def __init__(self, dataset, batch_size=None, shuffle=False, sampler=None,
                 last_batch=None, batch_sampler=None, batchify_fn=None,
                 num_workers=0, pin_memory=False, pin_device_id=0,
                 prefetch=None, thread_pool=False, timeout=120, auto_reload=False):
        self._dataset = dataset
        self._pin_memory = pin_memory
        self._pin_device_id = pin_device_id
        self._thread_pool = thread_pool
        self._timeout = timeout
        assert timeout > 0, 'timeout must be positive, given %s' % (timeout,)
        if batch_sampler is None:
            if batch_size is None:
                raise ValueError('batch_size must be specified unless batch_sampler is specified')
            if sampler is None:
                sampler = (_sampler.RandomSampler if shuffle else _sampler.SequentialSampler)(len(dataset))
            elif shuffle:
                raise ValueError('shuffle must not be specified if sampler is specified')
            batch_sampler = _sampler.BatchSampler(sampler, batch_size, last_batch if last_batch else 'keep')
        elif batch_size is not None or shuffle or sampler is not None or last_batch is not None:
            raise ValueError('batch_size, shuffle, sampler and last_batch must not be specified if '
                             'batch_sampler is specified.')
        self._batch_sampler = batch_sampler
        self._num_workers = max(num_workers, 0)
        self._prefetch = max(0, int(prefetch) if prefetch is not None else 2 * self._num_workers)
        self._worker_pool = ThreadPool(self._num_workers) if self._num_workers > 0 else None
        if batchify_fn is None:
            batchify_fn = default_mp_batchify_fn if num_workers > 0 else default_batchify_fn
        self._batchify_fn = batchify_fn
        self.auto_reload = auto_reload
        self._iter = None
        if auto_reload:
            self.refresh()

    def __iter__(self):
        if self._iter is None:
            self.refresh()
        it, self._iter = self._iter, None  # one prefetched iterator serves one epoch only
        for batch in it:
            yield batch
        if self._iter is None and self.auto_reload:
            self.refresh()

    def _prefetch_iter(self):
        if self._num_workers == 0:
            return self._same_thread_iter()
        return _MultiWorkerIter(self._worker_pool, self._batchify_fn, self._batch_sampler, self._dataset,
                                pin_memory=self._pin_memory, pin_device_id=self._pin_device_id,
                                prefetch=self._prefetch, timeout=self._timeout)

    def _same_thread_iter(self):
        for samples in self._batch_sampler:
            batch = self._batchify_fn([self._dataset[i] for i in samples])
            if self._pin_memory:
                batch = _as_in_context(batch, context.cpu_pinned(self._pin_device_id))
            yield batch

    def __len__(self):
        return len(self._batch_sampler)

    def __del__(self):
        pool = getattr(self, '_worker_pool', None)
        if pool is not None:
            pool.terminate()

    def refresh(self):
        """Start a new epoch's iterator now (prefetching, with workers)."""
        self._iter = self._prefetch_iter()

    def clean(self):
        """Drop the prefetched iterator; the next epoch starts when it is iterated."""
        self._iter = None


class DataLoaderV1(DataLoader):
    """MXNet's earlier DataLoader: no prefetch, thread_pool, timeout or auto_reload arguments,
    and worker batches come back on cpu(0)."""
    def __init__(self, dataset, batch_size=None, shuffle=False, sampler=None,
                 last_batch=None, batch_sampler=None, batchify_fn=None,
                 num_workers=0, pin_memory=False, pin_device_id=0):
        super().__init__(dataset, batch_size, shuffle, sampler, last_batch, batch_sampler, batchify_fn,
                         num_workers, pin_memory, pin_device_id)

    def __iter__(self):
        for batch in super().__iter__():
            yield batch if self._pin_memory or not self._num_workers else _as_in_context(batch, context.cpu())
