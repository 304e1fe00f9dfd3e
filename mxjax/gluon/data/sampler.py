"""Samplers: iterables of dataset indices (or of batches of them)."""
import numpy as np

__all__ = ['Sampler', 'SequentialSampler', 'RandomSampler', 'FilterSampler', 'BatchSampler']

_LAST_BATCH = ('keep', 'discard', 'rollover')


class Sampler:
    """Base class: a sampler defines `__iter__` (the indices) and `__len__`."""
    def __iter__(self):
        raise NotImplementedError

    def __len__(self):
        raise NotImplementedError


class SequentialSampler(Sampler):
    """start, start + 1, ..., start + length - 1."""
    def __init__(self, length, start=0):
        self._length = length
        self._start = start

    def __iter__(self):
        return iter(range(self._start, self._start + self._length))

    def __len__(self):
        return self._length


class RandomSampler(Sampler):
    """A permutation of range(length), drawn from NumPy's global generator each epoch
    (so `np.random.seed` fixes it, as in MXNet); the indices are NumPy int64 scalars."""
    def __init__(self, length):
        self._length = length

    def __iter__(self):
        indices = np.arange(self._length)
        np.random.shuffle(indices)
        return iter(indices)

    def __len__(self):
        return self._length


class FilterSampler(Sampler):
    """The indices of the samples of `dataset` for which `fn(sample)` is true (computed once)."""
    def __init__(self, fn, dataset):
        self._fn = fn
        self._dataset = dataset
        self._indices = [i for i, sample in enumerate(dataset) if fn(sample)]

    def __iter__(self):
        return iter(self._indices)

    def __len__(self):
        return len(self._indices)


def _bad_last_batch(last_batch):
    return ValueError("last_batch must be one of 'keep', 'discard', or 'rollover', but got %r" % (last_batch,))


class BatchSampler(Sampler):
    """Lists of `batch_size` indices from `sampler`.

    last_batch says what happens to a short last batch: 'keep' yields it, 'discard' drops it,
    'rollover' puts its indices at the front of the next epoch. As in MXNet, a bad last_batch
    raises ValueError when the short batch is reached or the length is asked for.
    """
    def __init__(self, sampler, batch_size, last_batch='keep'):
        self._sampler = sampler
        self._batch_size = batch_size
        self._last_batch = last_batch
        self._prev = []

    def __iter__(self):
        batch, self._prev = self._prev, []
        for i in self._sampler:
            batch.append(i)
            if len(batch) == self._batch_size:
                yield batch
                batch = []
        if batch:
            if self._last_batch == 'keep':
                yield batch
            elif self._last_batch == 'rollover':
                self._prev = batch
            elif self._last_batch != 'discard':
                raise _bad_last_batch(self._last_batch)

    def __len__(self):
        n, size = len(self._sampler), self._batch_size
        if self._last_batch == 'keep':
            return (n + size - 1) // size
        if self._last_batch == 'discard':
            return n // size
        if self._last_batch == 'rollover':
            return (len(self._prev) + n) // size
        raise _bad_last_batch(self._last_batch)
