"""mx.metric: MXNet's evaluation metrics, computed on the host as MXNet computes them.

Every metric reads its inputs with `.asnumpy()` (or MXNet's own nd ops where MXNet uses them:
Accuracy's argmax, Perplexity, Loss), so inputs must be NDArrays, as in MXNet. Results are
Python floats; sums accumulate in float64, as MXNet's do under the NumPy 1.x it pins.
"""
import json
import math
import warnings
from collections import OrderedDict

import numpy

from . import ndarray
from .base import numeric_types, string_types


def check_label_shapes(labels, preds, wrap=False, shape=False):
    """Raise ValueError unless labels and preds have the same length (or shape, if `shape`).

    With `wrap`, a single NDArray is wrapped in a list; the (possibly wrapped) pair is returned.
    """
    got = (labels.shape, preds.shape) if shape else (len(labels), len(preds))
    if got[0] != got[1]:
        raise ValueError('Shape of labels {} does not match shape of predictions {}'.format(*got))
    if wrap:
        labels = [labels] if isinstance(labels, ndarray.NDArray) else labels
        preds = [preds] if isinstance(preds, ndarray.NDArray) else preds
    return labels, preds


def _host(x):
    """x as a plain NumPy array (an AttributeError for non-NDArrays, as in MXNet)."""
    return numpy.asarray(x.asnumpy())


def _py(v):
    # NumPy scalars become Python numbers: float32 sums then add in float64, as under NumPy 1.x
    return v.item() if isinstance(v, numpy.generic) else v


class EvalMetric:
    """Base class of the metrics: accumulates sum_metric / num_inst, locally and globally.

    `reset_local()` clears the local sums only; `get_global()` reads the global ones (for metrics
    created with has_global_stats=True, which all built-ins are).
    """

    def __init__(self, name, output_names=None, label_names=None, **kwargs):
        self.name = str(name)
        self.output_names = output_names
        self.label_names = label_names
        self._has_global_stats = kwargs.pop('has_global_stats', False)
        self._kwargs = kwargs
        self.reset()

    def __str__(self):
        return 'EvalMetric: {}'.format(dict(self.get_name_value()))

    def get_config(self):
        """The arguments that recreate this metric with `create(**config)`."""
        config = dict(self._kwargs)
        config.update(metric=type(self).__name__, name=self.name,
                      output_names=self.output_names, label_names=self.label_names)
        return config

    def update_dict(self, label, pred):
        """update() with the arrays named in label_names / output_names (all, when None)."""
        preds = list(pred.values()) if self.output_names is None else [pred[n] for n in self.output_names]
        labels = list(label.values()) if self.label_names is None else [label[n] for n in self.label_names]
        self.update(labels, preds)

    def update(self, labels, preds):
        raise NotImplementedError()

    def _add(self, value, num):
        value = _py(value)
        self.sum_metric += value
        self.global_sum_metric += value
        self.num_inst += num
        self.global_num_inst += num

    def reset(self):
        self.num_inst = 0
        self.sum_metric = 0.0
        self.global_num_inst = 0
        self.global_sum_metric = 0.0

    def reset_local(self):
        self.num_inst = 0
        self.sum_metric = 0.0

    def get(self):
        """(name, value): the local mean, NaN before any instance."""
        if self.num_inst == 0:
            return (self.name, float('nan'))
        return (self.name, self.sum_metric / self.num_inst)

    def get_global(self):
        if not self._has_global_stats:
            return self.get()
        if self.global_num_inst == 0:
            return (self.name, float('nan'))
        return (self.name, self.global_sum_metric / self.global_num_inst)

    def get_name_value(self):
        return _pairs(*self.get())

    def get_global_name_value(self):
        return _pairs(*self.get_global()) if self._has_global_stats else self.get_name_value()


def _pairs(name, value):
    names = name if isinstance(name, list) else [name]
    values = value if isinstance(value, list) else [value]
    return list(zip(names, values))


# ---------------------------------------------------------------- registry
_REGISTRY = {}


def _register(klass, name=None):
    if not (isinstance(klass, type) and issubclass(klass, EvalMetric)):
        raise AssertionError('Can only register subclass of EvalMetric, got %r' % (klass,))
    name = (klass.__name__ if name is None else name).lower()
    if name in _REGISTRY:
        old = _REGISTRY[name]
        warnings.warn('\033[91mNew metric %s.%s registered with name %s is overriding existing metric %s.%s\033[0m'
                      % (klass.__module__, klass.__name__, name, old.__module__, old.__name__),
                      UserWarning, stacklevel=3)
    _REGISTRY[name] = klass
    return klass


def register(klass):
    """Register an EvalMetric subclass under its lower-cased class name, for `create`."""
    return _register(klass)


def alias(*aliases):
    """Decorator: register the class under extra (case-insensitive) names."""
    def reg(klass):
        for name in aliases:
            _register(klass, name)
        return klass
    return reg


def _create(*args, **kwargs):
    """A metric from a registered name, a JSON string, a get_config() dict, or an instance."""
    if args:
        name, args = args[0], args[1:]
    else:
        name = kwargs.pop('metric')
    if isinstance(name, EvalMetric):
        if args or kwargs:
            raise AssertionError('metric is already an instance. Additional arguments are invalid')
        return name
    if isinstance(name, dict):
        return _create(**name)
    if not isinstance(name, string_types):
        raise AssertionError('metric must be of string type, got %r' % (name,))
    if name.startswith(('[', '{')):
        if args or kwargs:
            raise AssertionError('a JSON metric string takes no extra arguments')
        if name.startswith('['):
            name, kwargs = json.loads(name)
            return _create(name, **kwargs)
        return _create(**json.loads(name))
    if name.lower() not in _REGISTRY:
        raise AssertionError('%s is not registered. Please register with metric.register first (registered: %s)'
                             % (name.lower(), ', '.join(sorted(_REGISTRY))))
    return _REGISTRY[name.lower()](*args, **kwargs)


def create(metric, *args, **kwargs):
    """A metric from a name ('acc', 'top_k_accuracy', ...), an EvalMetric, a list of these
    (a CompositeEvalMetric) or a function feval(label, pred) (a CustomMetric).

    Any callable counts as a function, so `create(mx.metric.Accuracy)` is a CustomMetric, as in MXNet.
    """
    if callable(metric):
        return CustomMetric(metric, *args, **kwargs)
    if isinstance(metric, list):
        composite = CompositeEvalMetric()
        for child in metric:
            composite.add(create(child, *args, **kwargs))
        return composite
    return _create(metric, *args, **kwargs)


@register
@alias('composite')
class CompositeEvalMetric(EvalMetric):
    """Several metrics updated together; get() gives lists of names and values.

    As in MXNet it has no sums of its own (no num_inst), and get_metric(i) past the end returns
    (does not raise) a ValueError.
    """

    def __init__(self, metrics=None, name='composite', output_names=None, label_names=None):
        self.metrics = []
        super().__init__(name, output_names=output_names, label_names=label_names, has_global_stats=True)
        # children are not reset when the composite is made
        self.metrics = [create(m) for m in metrics or []]

    def add(self, metric):
        self.metrics.append(create(metric))

    def get_metric(self, index):
        try:
            return self.metrics[index]
        except IndexError:
            return ValueError('Metric index {} is out of range 0 and {}'.format(index, len(self.metrics)))

    def update_dict(self, labels, preds):
        if self.label_names is not None:
            labels = OrderedDict(kv for kv in labels.items() if kv[0] in self.label_names)
        if self.output_names is not None:
            preds = OrderedDict(kv for kv in preds.items() if kv[0] in self.output_names)
        for metric in self.metrics:
            metric.update_dict(labels, preds)

    def update(self, labels, preds):
        for metric in self.metrics:
            metric.update(labels, preds)

    def reset(self):
        for metric in self.metrics:
            metric.reset()

    def reset_local(self):
        for metric in self.metrics:
            metric.reset_local()

    def _collect(self, results):
        names, values = [], []
        for name, value in results:
            names.extend([name] if isinstance(name, string_types) else name)
            values.extend([value] if isinstance(value, numeric_types) else value)
        return (names, values)

    def get(self):
        return self._collect(m.get() for m in self.metrics)

    def get_global(self):
        return self._collect(m.get_global() for m in self.metrics)

    def get_config(self):
        config = super().get_config()
        config['metrics'] = [m.get_config() for m in self.metrics]
        return config


# ---------------------------------------------------------------- classification
@register
@alias('acc')
class Accuracy(EvalMetric):
    """Fraction of predictions equal to the label; predictions of another shape than the label
    are class scores along `axis` (argmax). Both are truncated to int32 before comparing."""

    def __init__(self, axis=1, name='accuracy', output_names=None, label_names=None):
        super().__init__(name, axis=axis, output_names=output_names, label_names=label_names,
                         has_global_stats=True)
        self.axis = axis

    def update(self, labels, preds):
        labels, preds = check_label_shapes(labels, preds, True)
        for label, pred in zip(labels, preds):
            if pred.shape != label.shape:
                pred = ndarray.argmax(pred, axis=self.axis)
            pred = _host(pred).astype('int32').ravel()
            label = _host(label).astype('int32').ravel()
            check_label_shapes(label, pred)
            self._add(int((pred == label).sum()), len(pred))


@register
@alias('top_k_accuracy', 'top_k_acc')
class TopKAccuracy(EvalMetric):
    """Fraction of samples whose label is among the `top_k` highest scores (top_k must be > 1;
    the name gets a '_<top_k>' suffix).

    As in MXNet, a 1-d prediction is compared index by index and counted in the local sum only.
    """

    def __init__(self, top_k=1, name='top_k_accuracy', output_names=None, label_names=None):
        super().__init__(name, top_k=top_k, output_names=output_names, label_names=label_names,
                         has_global_stats=True)
        self.top_k = top_k
        if not self.top_k > 1:
            raise AssertionError('Please use Accuracy if top_k is no more than 1 (got top_k=%r)' % (top_k,))
        self.name += '_%d' % self.top_k

    def update(self, labels, preds):
        labels, preds = check_label_shapes(labels, preds, True)
        for label, pred in zip(labels, preds):
            if len(pred.shape) > 2:
                raise AssertionError('Predictions should be no more than 2 dims, got shape %s' % (pred.shape,))
            # the last top_k columns hold the top_k classes (in no particular order)
            order = numpy.argpartition(_host(pred).astype('float32'), -self.top_k)
            label = _host(label).astype('int32')
            check_label_shapes(label, order)
            if order.ndim == 1:
                self.sum_metric += int((order == label.ravel()).sum())
            else:
                n_cls = order.shape[1]
                for j in range(min(n_cls, self.top_k)):
                    hits = int((order[:, n_cls - 1 - j] == label.ravel()).sum())
                    self.sum_metric += hits
                    self.global_sum_metric += hits
            self.num_inst += order.shape[0]
            self.global_num_inst += order.shape[0]


class _BinaryStats:
    """Counts (true pos, false pos, false neg, true neg) since reset, local and global."""

    def __init__(self):
        self.reset_stats()

    def update_binary_stats(self, label, pred):
        pred = _host(pred)
        label = _host(label).astype('int32')
        pred_pos = numpy.argmax(pred, axis=1) == 1
        check_label_shapes(label, pred)
        if len(numpy.unique(label)) > 2:
            raise ValueError('binary metrics take labels of two classes at most, got %s' % numpy.unique(label))
        label_pos = label == 1
        # (n,) predictions against (n, 1) labels broadcast to n * n pairs, as in MXNet
        counts = [int((p & q).sum()) for p, q in ((pred_pos, label_pos), (pred_pos, ~label_pos),
                                                   (~pred_pos, label_pos), (~pred_pos, ~label_pos))]
        self.local = [a + b for a, b in zip(self.local, counts)]
        self.glob = [a + b for a, b in zip(self.glob, counts)]

    def reset_stats(self):
        self.local, self.glob = [0] * 4, [0] * 4

    def local_reset_stats(self):
        self.local = [0] * 4


def _fscore(counts):
    tp, fp, fn, _ = counts
    precision = tp / (tp + fp) if tp + fp > 0 else 0.
    recall = tp / (tp + fn) if tp + fn > 0 else 0.
    return 2 * precision * recall / (precision + recall) if precision + recall > 0 else 0.


def _mcc(counts):
    tp, fp, fn, tn = (float(c) for c in counts)
    if not sum(counts):
        return 0.
    denom = 1.
    for t in (tp + fp, tp + fn, tn + fp, tn + fn):
        denom *= t if t != 0 else 1.    # zero terms count as 1
    return (tp * tn - fp * fn) / math.sqrt(denom)


class _BinaryMetric(EvalMetric):
    """F1 / MCC: `average='macro'` averages the per-update score; any other value ('micro')
    scores all counts since reset, weighted by their number."""
    _score = None

    def __init__(self, name, output_names, label_names, average):
        self.average = average
        self._stats = _BinaryStats()
        super().__init__(name, output_names=output_names, label_names=label_names, has_global_stats=True)

    def update(self, labels, preds):
        labels, preds = check_label_shapes(labels, preds, True)
        for label, pred in zip(labels, preds):
            self._stats.update_binary_stats(label, pred)
        local, glob = self._stats.local, self._stats.glob
        if self.average == 'macro':
            self.sum_metric += self._score(local)
            self.global_sum_metric += self._score(glob)
            self.num_inst += 1
            self.global_num_inst += 1
            self._stats.reset_stats()
        else:
            self.sum_metric = self._score(local) * sum(local)
            self.global_sum_metric = self._score(glob) * sum(glob)
            self.num_inst = sum(local)
            self.global_num_inst = sum(glob)

    def reset(self):
        super().reset()
        self._stats.reset_stats()

    def reset_local(self):
        super().reset_local()
        self._stats.local_reset_stats()


@register
class F1(_BinaryMetric):
    """F1 score of a binary problem: class 1 (argmax of 2-column scores) is positive."""
    _score = staticmethod(_fscore)

    def __init__(self, name='f1', output_names=None, label_names=None, average='macro'):
        super().__init__(name, output_names, label_names, average)


@register
class MCC(_BinaryMetric):
    """Matthews correlation coefficient of a binary problem (zero factors of the denominator
    count as 1)."""
    _score = staticmethod(_mcc)

    def __init__(self, name='mcc', output_names=None, label_names=None, average='macro'):
        super().__init__(name, output_names, label_names, average)

    def reset(self):
        super().reset()
        self.num_inst = self.global_num_inst = 0.   # MXNet's MCC counts in floats

    def reset_local(self):
        super().reset_local()
        self.num_inst = 0.


@register
class Perplexity(EvalMetric):
    """exp(mean negative log-probability of the labels); `ignore_label` entries are skipped.

    Computed with nd ops in the predictions' dtype, as MXNet does; probabilities are clipped
    at 1e-10 and out-of-range labels picked with clipping.
    """

    def __init__(self, ignore_label, axis=-1, name='perplexity', output_names=None, label_names=None):
        super().__init__(name, ignore_label=ignore_label, output_names=output_names, label_names=label_names,
                         has_global_stats=True)
        self.ignore_label = ignore_label
        self.axis = axis

    def update(self, labels, preds):
        if len(labels) != len(preds):
            raise AssertionError('%d labels for %d predictions' % (len(labels), len(preds)))
        loss, num = 0., 0
        for label, pred in zip(labels, preds):
            if label.size != pred.size / pred.shape[-1]:
                raise AssertionError('shape mismatch: %s vs. %s' % (label.shape, pred.shape))
            label = label.as_in_context(pred.context).reshape((label.size,))
            pred = ndarray.pick(pred, label.astype(dtype='int32'), axis=self.axis)
            if self.ignore_label is not None:
                ignore = (label == self.ignore_label).astype(pred.dtype)
                num -= _py(ndarray.sum(ignore).asscalar())
                pred = pred * (1 - ignore) + ignore
            loss -= _py(ndarray.sum(ndarray.log(ndarray.maximum(1e-10, pred))).asscalar())
            num += pred.size
        self._add(loss, num)

    def get(self):
        if self.num_inst == 0:
            return (self.name, float('nan'))
        return (self.name, math.exp(self.sum_metric / self.num_inst))

    def get_global(self):
        if self.global_num_inst == 0:
            return (self.name, float('nan'))
        return (self.name, math.exp(self.global_sum_metric / self.global_num_inst))


# ---------------------------------------------------------------- regression
class _Regression(EvalMetric):
    """Mean over updates of a per-batch error; 1-d arrays count as (n, 1) columns, and label
    and prediction broadcast against each other as NumPy arrays."""

    def __init__(self, name, output_names, label_names):
        super().__init__(name, output_names=output_names, label_names=label_names, has_global_stats=True)

    def update(self, labels, preds):
        labels, preds = check_label_shapes(labels, preds, True)
        for label, pred in zip(labels, preds):
            label, pred = _host(label), _host(pred)
            label = label.reshape(-1, 1) if label.ndim == 1 else label
            pred = pred.reshape(-1, 1) if pred.ndim == 1 else pred
            self._add(self._error(label - pred), 1)


@register
class MAE(_Regression):
    """Mean absolute error (averaged per update, not per element)."""

    def __init__(self, name='mae', output_names=None, label_names=None):
        super().__init__(name, output_names, label_names)

    @staticmethod
    def _error(diff):
        return numpy.abs(diff).mean()


@register
class MSE(_Regression):
    """Mean squared error (averaged per update, not per element)."""

    def __init__(self, name='mse', output_names=None, label_names=None):
        super().__init__(name, output_names, label_names)

    @staticmethod
    def _error(diff):
        return (diff ** 2.0).mean()


@register
class RMSE(_Regression):
    """Root mean squared error of each update, averaged over updates."""

    def __init__(self, name='rmse', output_names=None, label_names=None):
        super().__init__(name, output_names, label_names)

    @staticmethod
    def _error(diff):
        return numpy.sqrt((diff ** 2.0).mean())


class _PickLogLoss(EvalMetric):
    """Mean of -log(pred[i, label[i]] + eps) over samples (NumPy indexing: label -1 is the
    last class)."""

    def __init__(self, eps, name, output_names, label_names):
        super().__init__(name, eps=eps, output_names=output_names, label_names=label_names, has_global_stats=True)
        self.eps = eps

    def update(self, labels, preds):
        labels, preds = check_label_shapes(labels, preds, True)
        for label, pred in zip(labels, preds):
            label, pred = _host(label).ravel(), _host(pred)
            n = pred.shape[0]
            if label.shape[0] != n:
                raise AssertionError('%d labels for %d predictions' % (label.shape[0], n))
            prob = pred[numpy.arange(n), label.astype(numpy.int64)]
            self._add((-numpy.log(prob + self.eps)).sum(), n)


@register
@alias('ce')
class CrossEntropy(_PickLogLoss):
    """Cross entropy of class probabilities against integer labels."""

    def __init__(self, eps=1e-12, name='cross-entropy', output_names=None, label_names=None):
        super().__init__(eps, name, output_names, label_names)


@register
@alias('nll_loss')
class NegativeLogLikelihood(_PickLogLoss):
    """Negative log-likelihood of integer labels under class probabilities."""

    def __init__(self, eps=1e-12, name='nll-loss', output_names=None, label_names=None):
        super().__init__(eps, name, output_names, label_names)


@register
@alias('pearsonr')
class PearsonCorrelation(EvalMetric):
    """Pearson correlation of labels and predictions (flattened).

    'macro' averages the per-array correlation; 'micro' correlates everything since reset()
    (reset_local() does not clear it), and its get_global() is 0.0, as in MXNet.
    """

    def __init__(self, name='pearsonr', output_names=None, label_names=None, average='macro'):
        self.average = average
        super().__init__(name, output_names=output_names, label_names=label_names, has_global_stats=True)

    def reset_micro(self):
        self._sse_p = self._mean_p = self._sse_l = self._mean_l = 0
        self._pred_nums = self._label_nums = 0
        self._conv = 0

    def reset(self):
        super().reset()
        if self.average == 'micro':
            self.reset_micro()

    def update_variance(self, new_values, count, mean, m_2):
        """Welford's update of (count, mean, sum of squared deviations) with a batch."""
        count += len(new_values)
        delta = new_values - mean
        mean += numpy.sum(delta / count)
        m_2 += numpy.sum(delta * (new_values - mean))
        return count, mean, m_2

    def update_cov(self, label, pred):
        # MXNet's order: the label mean is already updated, the prediction mean not yet
        self._conv = self._conv + numpy.sum((label - self._mean_l) * (pred - self._mean_p))

    def update(self, labels, preds):
        labels, preds = check_label_shapes(labels, preds, True)
        for label, pred in zip(labels, preds):
            check_label_shapes(label, pred, False, True)
            label = _host(label).ravel().astype(numpy.float64)
            pred = _host(pred).ravel().astype(numpy.float64)
            if self.average == 'macro':
                self._add(numpy.corrcoef(pred, label)[0, 1], 1)
                continue
            self.num_inst += 1
            self.global_num_inst += 1
            self._label_nums, self._mean_l, self._sse_l = self.update_variance(
                label, self._label_nums, self._mean_l, self._sse_l)
            self.update_cov(label, pred)
            self._pred_nums, self._mean_p, self._sse_p = self.update_variance(
                pred, self._pred_nums, self._mean_p, self._sse_p)

    def get(self):
        if self.num_inst == 0:
            return (self.name, float('nan'))
        if self.average == 'macro':
            return (self.name, self.sum_metric / self.num_inst)
        n = self._label_nums
        std = numpy.sqrt(self._sse_p / (n - 1)) * numpy.sqrt(self._sse_l / (n - 1))
        return (self.name, _py(self._conv / ((n - 1) * std)))


@register
class PCC(EvalMetric):
    """Multiclass Matthews correlation from a confusion matrix that grows with the classes
    seen (NaN when a marginal is constant). Counts one instance per update() call."""

    def __init__(self, name='pcc', output_names=None, label_names=None, has_global_stats=True):
        self.k = 2
        super().__init__(name=name, output_names=output_names, label_names=label_names,
                         has_global_stats=has_global_stats)

    def _grow(self, inc):
        pad = ((0, inc), (0, inc))
        self.lcm = numpy.pad(self.lcm, pad, 'constant')
        self.gcm = numpy.pad(self.gcm, pad, 'constant')
        self.k += inc

    @staticmethod
    def _calc_mcc(cmat):
        n = cmat.sum()
        x, y = cmat.sum(axis=1), cmat.sum(axis=0)
        cov_xx, cov_yy = numpy.sum(x * (n - x)), numpy.sum(y * (n - y))
        if cov_xx == 0 or cov_yy == 0:
            return float('nan')
        cov_xy = numpy.sum(cmat.diagonal() * n - x * y)
        return _py(cov_xy / (cov_xx * cov_yy) ** 0.5)

    def update(self, labels, preds):
        labels, preds = check_label_shapes(labels, preds, True)
        for label, pred in zip(labels, preds):
            label = _host(label.astype('int32', copy=False))
            pred = _host(pred)
            pred = pred.argmax(axis=1) if pred.shape != label.shape else pred.astype('int32')
            n = int(max(pred.max(), label.max()))
            if n >= self.k:
                self._grow(n + 1 - self.k)
            counts = numpy.zeros((self.k, self.k))
            for i, j in zip(pred, label):
                counts[i, j] += 1
            self.lcm += counts
            self.gcm += counts
        self.num_inst += 1
        self.global_num_inst += 1

    @property
    def sum_metric(self):
        return self._calc_mcc(self.lcm) * self.num_inst

    @property
    def global_sum_metric(self):
        return self._calc_mcc(self.gcm) * self.global_num_inst

    def reset(self):
        self.global_num_inst = 0.
        self.gcm = numpy.zeros((self.k, self.k))
        self.reset_local()

    def reset_local(self):
        self.num_inst = 0.
        self.lcm = numpy.zeros((self.k, self.k))


@register
class Loss(EvalMetric):
    """Mean of the predictions themselves (the loss values); labels are ignored."""

    def __init__(self, name='loss', output_names=None, label_names=None):
        super().__init__(name, output_names=output_names, label_names=label_names, has_global_stats=True)

    def update(self, _, preds):
        for pred in [preds] if isinstance(preds, ndarray.NDArray) else preds:
            self._add(ndarray.sum(pred).asscalar(), pred.size)


@register
class Torch(Loss):
    """Loss, named 'torch' (MXNet's metric for torch criterions)."""

    def __init__(self, name='torch', output_names=None, label_names=None):
        super().__init__(name, output_names=output_names, label_names=label_names)


@register
class Caffe(Loss):
    """Loss, named 'caffe' (MXNet's metric for caffe criterions)."""

    def __init__(self, name='caffe', output_names=None, label_names=None):
        super().__init__(name, output_names=output_names, label_names=label_names)


@register
class CustomMetric(EvalMetric):
    """A metric from feval(label, pred) on NumPy arrays, returning a sum or (sum, count).

    The name defaults to feval's ('custom(<lambda>)' for a lambda). With allow_extra_outputs,
    lengths are not checked and extra predictions are ignored.
    """

    def __init__(self, feval, name=None, allow_extra_outputs=False, output_names=None, label_names=None):
        if name is None:
            name = feval.__name__
            if '<' in name:
                name = 'custom(%s)' % name
        super().__init__(name, feval=feval, allow_extra_outputs=allow_extra_outputs,
                         output_names=output_names, label_names=label_names, has_global_stats=True)
        self._feval = feval
        self._allow_extra_outputs = allow_extra_outputs

    def update(self, labels, preds):
        if not self._allow_extra_outputs:
            labels, preds = check_label_shapes(labels, preds, True)
        for pred, label in zip(preds, labels):
            label, pred = _host(label), _host(pred)
            result = self._feval(label, pred)
            if isinstance(result, tuple):
                total, count = result
                self._add(total, _py(count))
            else:
                self._add(result, 1)

    def get_config(self):
        raise NotImplementedError('CustomMetric cannot be serialized')


def np(numpy_feval, name=None, allow_extra_outputs=False):
    """A CustomMetric from numpy_feval(label, pred), which gets NumPy arrays."""
    return CustomMetric(numpy_feval, name, allow_extra_outputs)
