"""Golden results of mx.metric from MXNet 1.9.1.

Run with MXNet: ~/mxref/bin/python compat_tests/golden/gen_metric.py  (writes metric.json)

A case is (constructor, steps), run by `run(mx, case)` under MXNet here and under mxjax in
test_metric.py. Steps update / update_dict / reset / reset_local the metric, after which the
case records get(), get_global(), get_name_value(), get_global_name_value(), str() and the sums;
'eval' steps record an expression of the metric `m`. An error is recorded as its type name, and
the case goes on (so what a failing update left behind is compared too). FACTS are expressions
(create, register, check_label_shapes, ...) recorded the same way.
"""
import json
import math
import os
from collections import OrderedDict

import numpy

HERE = os.path.dirname(os.path.abspath(__file__))
GOLDEN = os.path.join(HERE, 'metric.json')


def A(data, dtype='float32'):
    """An NDArray in a case (a plain list in a case is a Python list of arrays)."""
    return ('nd', data, dtype)


def N(data, dtype='float32'):
    """A NumPy array in a case."""
    return ('np', data, dtype)


P2 = A([[0.3, 0.7], [0, 1.], [0.4, 0.6]])
L2 = A([0, 1, 1])
P3 = A([[0.1, 0.6, 0.3], [0.5, 0.2, 0.3], [0.25, 0.35, 0.4], [0.7, 0.05, 0.25]])
L3 = A([1, 2, 2, 0])
P5 = A([[0.1, 0.2, 0.3, 0.15, 0.25], [0.32, 0.08, 0.2, 0.25, 0.15], [0.05, 0.5, 0.1, 0.3, 0.05 + 1e-3],
        [0.12, 0.22, 0.18, 0.28, 0.2], [0.9, 0.01, 0.02, 0.03, 0.04]])
L5 = A([0, 3, 4, 1, 0])
# binary scores and labels
PB = A([[0.3, 0.7], [0.8, 0.2], [0.4, 0.6], [0.9, 0.1], [0.45, 0.55], [0.6, 0.4]])
LB = A([1, 0, 0, 0, 1, 1])
PB2 = A([[0.1, 0.9], [0.2, 0.8], [0.7, 0.3], [0.35, 0.65]])
LB2 = A([1, 1, 0, 0])
ALL_POS = A([[0.1, 0.9], [0.2, 0.8], [0.3, 0.7]])
# regression
Y1 = A([3, -0.5, 2, 7])
T1 = A([2.5, 0.0, 2, 8])
Y2 = A([[1.5, 2.25], [0.5, -1], [3, 3.5]])
T2 = A([[1, 2], [0, 0], [2.5, 4]])

U = 'update'


def make_registered(mx):
    """A user metric registered under its name and an alias, then created by name."""
    @mx.metric.register
    @mx.metric.alias('my_sum_alias')
    class MySumMetric(mx.metric.EvalMetric):
        def __init__(self, name='my_sum', scale=1.0):
            super().__init__(name, scale=scale, has_global_stats=True)
            self.scale = scale

        def update(self, labels, preds):
            for pred in preds:
                self.sum_metric += float(pred.asnumpy().sum()) * self.scale
                self.num_inst += pred.shape[0]
    return mx.metric.create('my_sum_alias', scale=2.0)


def my_abs_error(label, pred):
    return numpy.abs(label - pred).mean()


def sum_and_count(label, pred):
    return float((label == pred.argmax(axis=1)).sum()), label.size


CASES = OrderedDict([
    # ---------------------------------------------------------------- EvalMetric base
    ('eval_metric_base', ("mx.metric.EvalMetric('base')", [
        ('eval', 'm.get_config()'),
        (U, [L2], [P2]),
        ('eval', 'm.get_global()'),
        ('reset',)])),
    ('eval_metric_global_kwargs', ("mx.metric.EvalMetric('g', ['o'], ['l'], has_global_stats=True, foo=3)", [
        ('eval', 'm.get_config()'),
        ('eval', 'm._has_global_stats')])),
    # ---------------------------------------------------------------- Accuracy
    ('accuracy', ('mx.metric.Accuracy()', [
        (U, [L2], [P2]),
        (U, [L3, L2], [P3, P2]),
        ('reset_local',),
        (U, L2, P2),
        (U, [A([[0, 1, 1]])], [A([[0, 1.7, 0.2]])]),
        (U, [A([2, 0, 1], 'int32')], [A([2, 0, 0], 'int32')]),
        ('eval', 'm.get_config()'),
        ('reset',),
        (U, [A([1, 0, 1], 'float64')], [A([[0.2, 0.8], [0.6, 0.4], [0.9, 0.1]], 'float64')])])),
    ('accuracy_axis0', ('mx.metric.Accuracy(axis=0)', [
        (U, [L2], [A([[0.3, 0, 0.4], [0.7, 1, 0.6]])]),
        ('eval', 'm.axis')])),
    ('accuracy_3d', ('mx.metric.Accuracy()', [
        (U, [A([[0, 2], [1, 1]])], [A([[[0.9, 0.1], [0.05, 0.2], [0.05, 0.7]], [[0.1, 0.3], [0.8, 0.6], [0.1, 0.1]]])]),
        (U, [A([[0, 1], [1, 0]])], [A([[[0.9, 0.1], [0.1, 0.9]], [[0.1, 0.3], [0.9, 0.7]]])]),
        ('eval', 'm.get_config()')])),
    ('accuracy_3d_last_axis', ('mx.metric.Accuracy(axis=-1)', [
        (U, [A([[0, 1], [1, 1]])], [A([[[0.9, 0.1], [0.05, 0.2]], [[0.1, 0.3], [0.8, 0.6]]])])])),
    ('accuracy_errors', ('mx.metric.Accuracy()', [
        (U, [L2], [P2, P2]),
        (U, [A([0, 1])], [P2]),
        (U, [L2, A([0, 1])], [P2, P2]),
        (U, L2, [P2]),
        (U, [N([0, 1, 1])], [A([0, 1, 1])])])),
    ('accuracy_bad_axis', ('mx.metric.Accuracy(axis=3)', [(U, [L2], [P2])])),
    ('accuracy_names', ("mx.metric.Accuracy(name='acc1', output_names=['out'], label_names=['lab'])", [
        ('update_dict', {'lab': L2, 'other': A([5, 5, 5])}, {'x': A([[1., 0]] * 3), 'out': P2}),
        ('eval', 'm.get_config()'),
        ('update_dict', {'lab': L2}, {'x': P2})])),
    ('accuracy_update_dict_all', ('mx.metric.Accuracy()', [
        ('update_dict', {'a': L2, 'b': L3}, {'p': P2, 'q': P3})])),
    # ---------------------------------------------------------------- TopKAccuracy
    ('top_k_default', ('mx.metric.TopKAccuracy()', [])),
    ('top_k_2', ('mx.metric.TopKAccuracy(top_k=2)', [
        (U, [L3], [P3]),
        (U, [L5, L3], [P5, P3]),
        ('reset_local',),
        (U, L5, P5),
        (U, [A([[1], [2], [0], [0]])], [P3]),
        ('eval', 'm.get_config()'),
        ('eval', 'm.top_k')])),
    ('top_k_3', ('mx.metric.TopKAccuracy(3)', [(U, [L5], [P5]), (U, [L3], [P3])])),
    ('top_k_too_many', ('mx.metric.TopKAccuracy(top_k=5)', [(U, [L3], [P3]), (U, [L5], [P5])])),
    ('top_k_1d', ('mx.metric.TopKAccuracy(top_k=2)', [
        (U, [A([0, 1])], [A([0.2, 0.8])]),
        (U, [A([1, 0])], [A([0.9, 0.3])])])),
    ('top_k_errors', ("mx.metric.TopKAccuracy(top_k=2, name='tk')", [
        (U, [A([[0, 1]])], [A([[[0.1, 0.9]]])]),
        (U, [L3], [P3, P3]),
        (U, [A([1, 2])], [P3])])),
    # ---------------------------------------------------------------- F1 / MCC
    ('f1', ('mx.metric.F1()', [
        (U, [L2], [P2]),
        (U, [LB, LB2], [PB, PB2]),
        ('reset_local',),
        (U, LB, PB),
        (U, [A([0, 0, 0])], [ALL_POS]),
        (U, [A([1, 1, 1])], [A([[0.9, 0.1]] * 3)]),
        ('eval', 'm.get_config()'),
        ('eval', 'm.average')])),
    ('f1_micro', ("mx.metric.F1(average='micro')", [
        (U, [L2], [P2]),
        (U, [LB, LB2], [PB, PB2]),
        ('reset_local',),
        (U, [LB2], [PB2]),
        (U, [A([0, 0, 0])], [ALL_POS])])),
    ('f1_errors', ('mx.metric.F1()', [
        (U, [A([0, 1, 2])], [P2]),
        (U, [L2], [A([0.3, 0.7, 0.2])]),
        (U, [A([0, 1])], [P2]),
        (U, [LB, A([0, 1])], [PB, P2]),
        (U, [LB2], [PB2])])),
    ('f1_column_labels', ('mx.metric.F1()', [(U, [A([[0], [1], [1]])], [P2])])),
    ('f1_labels_0_2', ('mx.metric.F1()', [(U, [A([0, 2, 2])], [P2])])),
    ('mcc', ('mx.metric.MCC()', [
        (U, [L2], [P2]),
        (U, [LB, LB2], [PB, PB2]),
        ('reset_local',),
        (U, LB, PB),
        (U, [A([0, 0, 1])], [ALL_POS]),
        ('eval', 'm.get_config()'),
        ('reset',)])),
    ('mcc_micro', ("mx.metric.MCC(average='micro')", [
        (U, [LB], [PB]),
        (U, [LB2], [PB2]),
        ('reset_local',),
        (U, [A([0, 0, 1])], [ALL_POS]),
        (U, [A([1, 0, 3])], [P2])])),
    # ---------------------------------------------------------------- Perplexity
    ('perplexity', ('mx.metric.Perplexity(ignore_label=None)', [
        (U, [L2], [P2]),
        (U, [L3, L2], [P3, P2]),
        ('reset_local',),
        (U, [A([[1, 2], [2, 0]])], [P3]),
        (U, L2, P2),
        ('eval', 'm.get_config()'),
        ('eval', 'm.axis')])),
    ('perplexity_ignore', ('mx.metric.Perplexity(-1)', [
        (U, [A([0, -1, 1])], [P2]),
        (U, [A([-1, -1, 2, 1])], [P3]),
        (U, [A([1, 1, 1])], [A([[0.5, 0.5], [1, 0], [0.25, 0.75]])])])),
    ('perplexity_ignore_1', ("mx.metric.Perplexity(ignore_label=1, name='ppl')", [
        (U, [L2], [P2]),
        (U, [A([1, 1, 1])], [P2])])),
    ('perplexity_axis0', ('mx.metric.Perplexity(None, axis=0)', [
        (U, [A([0, 2, 1])], [A([[0.2, 0.3, 0.1], [0.5, 0.3, 0.6], [0.3, 0.4, 0.3]])])])),
    ('perplexity_float64', ('mx.metric.Perplexity(None)', [
        (U, [A([0, 1, 2], 'int32')], [A([[0.1, 0.6, 0.3], [0.5, 0.2, 0.3], [0.25, 0.35, 0.4]], 'float64')])])),
    ('perplexity_errors', ('mx.metric.Perplexity(None)', [
        (U, [L2], [P2, P2]),
        (U, [A([0, 1])], [P2]),
        (U, [A([[0, 1], [1, 0]])], [A([[[0.5, 0.2, 0.3], [0.1, 0.8, 0.1]], [[0.3, 0.3, 0.4], [0.6, 0.2, 0.2]]])]),
        (U, [L2, A([0, 1])], [P2, P2]),
        (U, [N([0, 1, 1])], [P2])])),
    # ---------------------------------------------------------------- regression
    ('mae', ('mx.metric.MAE()', [
        (U, [Y1], [T1]),
        (U, [A([[2.5], [0.0], [2], [8]])], [A([[3], [-0.5], [2], [7]])]),
        (U, [Y2, Y1], [T2, T1]),
        ('reset_local',),
        (U, Y2, T2),
        (U, [A([1, 2, 3])], [A([[1, 2], [2, 2], [3, 5]])]),
        (U, [A([1, 2, 3], 'int32')], [A([2, 2, 5], 'int32')]),
        (U, [A([0.1, 0.2], 'float64')], [A([0.3, 0.7], 'float64')]),
        ('eval', 'm.get_config()')])),
    ('mse', ('mx.metric.MSE()', [
        (U, [Y1], [T1]),
        (U, [Y2, Y1], [T2, T1]),
        ('reset_local',),
        (U, [A([1, 2, 3])], [A([[1, 2], [2, 2], [3, 5]])]),
        (U, [A([1, 2, 3], 'int32')], [A([2, 2, 5], 'int32')])])),
    ('rmse', ('mx.metric.RMSE()', [
        (U, [Y1], [T1]),
        (U, [Y2, Y1], [T2, T1]),
        ('reset_local',),
        (U, Y2, T2),
        (U, [A([0.1, 0.2], 'float64')], [A([0.3, 0.7], 'float64')])])),
    ('regression_errors', ('mx.metric.MSE()', [
        (U, [Y1], [T1, T1]),
        (U, [A([1, 2, 3])], [Y1]),
        (U, [N([1, 2, 3, 4])], [Y1]),
        (U, [Y1, A([1, 2, 3])], [T1, Y1])])),
    # ---------------------------------------------------------------- CrossEntropy / NLL
    ('cross_entropy', ('mx.metric.CrossEntropy()', [
        (U, [L2], [P2]),
        (U, [L3, L2], [P3, P2]),
        ('reset_local',),
        (U, L3, P3),
        (U, [A([[1], [2], [2], [0]])], [P3]),
        (U, [A([-1, 0])], [A([[0.2, 0.8], [0.6, 0.4]])]),
        (U, [A([0, 1], 'int32')], [A([[0.25, 0.75], [0.5, 0.5]], 'float64')]),
        ('eval', 'm.get_config()')])),
    ('cross_entropy_eps', ("mx.metric.CrossEntropy(eps=0.1, name='ce')", [(U, [L2], [P2])])),
    ('cross_entropy_errors', ('mx.metric.CrossEntropy()', [
        (U, [A([0, 1])], [P2]),
        (U, [A([0, 5, 1])], [P2]),
        (U, [L2], [P2, P2]),
        (U, [N([0, 1, 1])], [P2])])),
    ('nll_loss', ('mx.metric.NegativeLogLikelihood()', [
        (U, [L2], [P2]),
        (U, [L3, L2], [P3, P2]),
        ('reset_local',),
        (U, L3, P3),
        (U, [A([0, 1])], [P2]),
        ('eval', 'm.get_config()')])),
    ('nll_loss_eps', ('mx.metric.NegativeLogLikelihood(1e-3)', [(U, [L2], [P2])])),
    # ---------------------------------------------------------------- PearsonCorrelation
    ('pearsonr', ('mx.metric.PearsonCorrelation()', [
        (U, [A([[1, 0], [0, 1], [0, 1]])], [P2]),
        (U, [Y1, Y2], [T1, T2]),
        ('reset_local',),
        (U, Y1, T1),
        ('eval', 'm.get_config()')])),
    ('pearsonr_micro', ("mx.metric.PearsonCorrelation(average='micro')", [
        (U, [A([[1, 0], [0, 1], [0, 1]])], [P2]),
        (U, [Y1, Y2], [T1, T2]),
        ('reset_local',),
        (U, [A([0.5, 1.5, 1.0])], [A([0.4, 1.0, 1.2])]),
        ('reset',),
        (U, [Y1], [T1])])),
    ('pearsonr_errors', ('mx.metric.PearsonCorrelation()', [
        (U, [Y1], [A([[2.5], [0.0], [2], [8]])]),
        (U, [Y1], [T1, T1]),
        (U, [A([1, 1, 1])], [A([1, 2, 3])])])),
    # ---------------------------------------------------------------- PCC
    ('pcc', ('mx.metric.PCC()', [
        (U, [LB], [PB]),
        (U, [LB2, LB], [PB2, PB]),
        ('reset_local',),
        (U, [L3], [P3]),
        ('eval', 'm.k'),
        (U, [A([0, 3, 1, 3])], [A([0, 3, 2, 3])]),
        ('eval', 'm.k'),
        ('reset',),
        ('eval', 'm.k'),
        (U, [A([1, 1, 0])], [A([1, 1, 1])]),
        (U, L3, P3),
        ('eval', 'm.get_config()')])),
    ('pcc_negative_label', ('mx.metric.PCC()', [(U, [A([0, -1, 1, 1])], [A([0, 1, 1, -1])])])),
    ('pcc_no_global', ('mx.metric.PCC(has_global_stats=False)', [
        (U, [LB], [PB]), ('reset_local',), (U, [LB2], [PB2])])),
    # ---------------------------------------------------------------- Loss / Torch / Caffe
    ('loss', ('mx.metric.Loss()', [
        (U, None, [A([1.5, 2, 3.25]), A([[1, 2], [3, 4]])]),
        (U, [], A([0.5, 0.25])),
        ('reset_local',),
        (U, None, [A([1, 2], 'int32')]),
        (U, None, [A([0.1, 0.2], 'float64')]),
        ('eval', 'm.get_config()')])),
    ('torch', ('mx.metric.Torch()', [(U, None, [A([1.5, 2])])])),
    ('caffe', ("mx.metric.Caffe(name='c')", [(U, None, A([1.5, 2])), ('eval', 'm.get_config()')])),
    # ---------------------------------------------------------------- CustomMetric / np
    ('custom_lambda', ('mx.metric.CustomMetric(lambda label, pred: float((label - pred).mean()))', [
        (U, [Y1], [T1]),
        (U, [Y1, T1], [T1, T1]),
        ('reset_local',),
        (U, Y1, T1),
        ('eval', 'm.get_config()')])),
    ('custom_tuple', ('mx.metric.CustomMetric(sum_and_count)', [
        (U, [L2], [P2]),
        (U, [L3], [P3]),
        ('reset_local',),
        (U, [L2], [P2])])),
    ('custom_named', ("mx.metric.CustomMetric(my_abs_error, name='mine', output_names=['o'])", [
        (U, [Y1], [T1]),
        ('update_dict', {'l': Y1}, {'x': Y1, 'o': T1})])),
    ('custom_extra_outputs', ('mx.metric.CustomMetric(my_abs_error, allow_extra_outputs=True)', [
        (U, [Y1], [T1, Y1]),
        (U, [Y1, T1], [T1])])),
    ('custom_no_extra_outputs', ('mx.metric.CustomMetric(my_abs_error)', [(U, [Y1], [T1, Y1])])),
    ('np_factory', ('mx.metric.np(my_abs_error)', [(U, [Y1], [T1])])),
    ('np_factory_lambda', ("mx.metric.np(lambda l, p: float(numpy.abs(l - p).sum()), allow_extra_outputs=True)", [
        (U, [Y1], [T1, T1])])),
    ('np_factory_named', ("mx.metric.np(my_abs_error, 'npm')", [(U, [Y1], [T1])])),
    # ---------------------------------------------------------------- CompositeEvalMetric
    ('composite', ("mx.metric.CompositeEvalMetric([mx.metric.Accuracy(), 'f1'])", [
        (U, [L2], [P2]),
        ('eval', 'hasattr(m, "num_inst")'),
        ('eval', 'm.get_metric(0)'),
        ('eval', 'm.get_metric(-1)'),
        ('eval', 'm.get_metric(2)'),
        ('eval', 'm.add("mae")'),
        (U, [LB], [PB]),
        ('reset_local',),
        (U, [A([1, 0, 0])], [P2]),
        ('eval', 'm.get_config()'),
        ('eval', 'm.metrics'),
        ('reset',)])),
    ('composite_by_create', ("mx.metric.create(['acc', mx.metric.TopKAccuracy(top_k=2), 'ce'])", [
        (U, [L3], [P3]),
        ('eval', 'm.name'),
        ('eval', 'm.get_config()')])),
    ('composite_nested', ("mx.metric.CompositeEvalMetric([mx.metric.create(['acc', 'ce']), 'pearsonr'], name='n')", [
        (U, [L2], [P2]),
        (U, [L3], [P3])])),
    ('composite_names', ("mx.metric.CompositeEvalMetric(['acc', mx.metric.Accuracy(name='a2', output_names=['o2'])],"
                         " output_names=['o1', 'o2'], label_names=['l'])", [
        ('update_dict', {'l': L2, 'm': L3}, {'o1': P2, 'o2': A([[0.9, 0.1]] * 3), 'o3': P3})])),
    ('composite_children_kept', ('mx.metric.CompositeEvalMetric([filled_accuracy(mx)])', [
        ('eval', 'm.get()'),
        ('reset_local',)])),
    ('composite_empty', ('mx.metric.CompositeEvalMetric()', [(U, [L2], [P2])])),
    # ---------------------------------------------------------------- registry
    ('registered_custom', ('make_registered(mx)', [
        (U, [L2], [P2]),
        ('eval', 'm.get_config()'),
        ('eval', "type(mx.metric.create('mysummetric')).__name__")])),
])


def filled_accuracy(mx):
    m = mx.metric.Accuracy()
    m.update([mx.nd.array([0, 1, 1])], [mx.nd.array([[0.3, 0.7], [0, 1.], [0.4, 0.6]])])
    return m


FACTS = [
    "mx.metric.create('acc')",
    "mx.metric.create('ACC', axis=0).axis",
    "mx.metric.create('accuracy', 0, 'a0')",
    "mx.metric.create('top_k_accuracy', top_k=3)",
    "mx.metric.create('top_k_acc', 4)",
    "mx.metric.create('topkaccuracy')",
    "mx.metric.create('f1', average='micro')",
    "mx.metric.create('mcc')",
    "mx.metric.create('perplexity')",
    "mx.metric.create('perplexity', -1)",
    "mx.metric.create('mae')",
    "mx.metric.create('mse')",
    "mx.metric.create('rmse')",
    "mx.metric.create('ce')",
    "mx.metric.create('crossentropy', eps=1e-3).eps",
    "mx.metric.create('nll_loss')",
    "mx.metric.create('negativeloglikelihood')",
    "mx.metric.create('pearsonr')",
    "mx.metric.create('pearsoncorrelation', average='micro').average",
    "mx.metric.create('pcc')",
    "mx.metric.create('loss')",
    "mx.metric.create('torch')",
    "mx.metric.create('caffe')",
    "mx.metric.create('composite')",
    "mx.metric.create('compositeevalmetric').get()",
    "mx.metric.create('custommetric', my_abs_error)",
    "mx.metric.create('nosuchmetric')",
    "mx.metric.create('NoSuch')",
    "mx.metric.create('')",
    "mx.metric.create(5)",
    "mx.metric.create(None)",
    "mx.metric.create(mx.metric.Accuracy)",
    "mx.metric.create(my_abs_error)",
    "mx.metric.create(my_abs_error, 'named', True)._allow_extra_outputs",
    "mx.metric.create(lambda l, p: 0.0)",
    "mx.metric.create(mx.metric.F1(name='f'))",
    "mx.metric.create(mx.metric.F1(), name='g')",
    "mx.metric.create(['acc', 'f1']).get()",
    "mx.metric.create(['acc', 'f1'], name='x').get()",
    "mx.metric.create(['acc', my_abs_error]).get()",
    "mx.metric.create(['acc', ['mae', 'mse']]).get()",
    "mx.metric.create([]).get()",
    "mx.metric.create(('acc', 'f1'))",
    "mx.metric.create({'metric': 'acc', 'axis': 0}).axis",
    "mx.metric.create({'axis': 0})",
    "mx.metric.create('{\"metric\": \"acc\", \"axis\": 0, \"name\": \"j\"}')",
    "mx.metric.create('[\"top_k_accuracy\", {\"top_k\": 3}]')",
    "mx.metric.create('[\"acc\", {}]', axis=0)",
    "mx.metric.create(**mx.metric.Accuracy(axis=0, name='z').get_config())",
    "mx.metric.create(mx.metric.TopKAccuracy(top_k=3).get_config())",
    "mx.metric.create(mx.metric.Perplexity(-1, axis=0).get_config()).axis",
    "mx.metric.create(mx.metric.create(['acc', 'mae']).get_config())",
    "mx.metric.create(mx.metric.create(['acc', 'mae']).get_config()).get_config()",
    "mx.metric.create(json.dumps(mx.metric.CrossEntropy(eps=0.5).get_config())).eps",
    "mx.metric.register(int)",
    "mx.metric.alias('x')(object)",
    "mx.metric.check_label_shapes([1, 2], [3])",
    "mx.metric.check_label_shapes([1, 2], [3, 4])",
    "mx.metric.check_label_shapes(nd.array([1, 2]), nd.array([3, 4]), True)",
    "mx.metric.check_label_shapes(nd.array([1, 2]), [nd.array([3, 4])], True)",
    "mx.metric.check_label_shapes(nd.array([1, 2]), nd.array([[3, 4]]), shape=True)",
    "mx.metric.check_label_shapes(nd.array([[1, 2]]), nd.array([[3, 4]]), shape=True)",
    "mx.metric.check_label_shapes(numpy.ones(2), numpy.ones(3))",
    "mx.metric.check_label_shapes(numpy.ones((2, 1)), numpy.ones((2, 3)), True, True)",
    "mx.metric.EvalMetric('e').update([], [])",
    "mx.metric.EvalMetric(3).name",
    "mx.metric.Perplexity()",
    "mx.metric.Accuracy().get()",
    "mx.metric.Accuracy().get_global_name_value()",
    "str(mx.metric.Accuracy())",
    "str(mx.metric.create(['acc', 'f1']))",
    "mx.metric.CustomMetric(my_abs_error).get_config()",
    "mx.metric.np(my_abs_error).name",
    "[n for n in ('numpy', 'math', 'OrderedDict') if hasattr(mx.metric, n)]",
]


def _build(mx, x):
    if isinstance(x, tuple) and x and x[0] in ('nd', 'np'):
        a = numpy.array(x[1], dtype=x[2])
        return mx.nd.array(a, dtype=x[2]) if x[0] == 'nd' else a
    if isinstance(x, list):
        return [_build(mx, v) for v in x]
    if isinstance(x, dict):
        return OrderedDict((k, _build(mx, v)) for k, v in x.items())
    return x


def jsonable(mx, x):
    """A JSON form of a result: numbers as floats ('nan'), metrics by class and name."""
    if isinstance(x, (bool, str)) or x is None:
        return x
    if isinstance(x, (int, float, numpy.generic)):
        v = float(x)
        return v if math.isfinite(v) else str(v)
    if isinstance(x, mx.metric.EvalMetric):
        return {'class': type(x).__name__, 'name': x.name}
    if isinstance(x, Exception):
        return {'returned': type(x).__name__}
    if isinstance(x, mx.nd.NDArray):
        return {'NDArray': jsonable(mx, x.asnumpy().tolist())}
    if isinstance(x, numpy.ndarray):
        return {'ndarray': jsonable(mx, x.tolist())}
    if isinstance(x, (list, tuple)):
        return [jsonable(mx, v) for v in x]
    if isinstance(x, dict):
        return {str(k): jsonable(mx, v) for k, v in x.items()}
    if callable(x):
        return 'callable'
    return repr(x)


def _namespace(mx, **extra):
    ns = dict(mx=mx, nd=mx.nd, numpy=numpy, json=json, my_abs_error=my_abs_error, sum_and_count=sum_and_count,
              make_registered=make_registered, filled_accuracy=filled_accuracy)
    ns.update(extra)
    return ns


def _attempt(f):
    try:
        return f()
    except Exception as e:  # noqa: BLE001  (the error type is the result)
        return _Error(type(e).__name__)


class _Error:
    def __init__(self, name):
        self.name = name


def _snapshot(mx, m):
    out = {}
    for key, f in [('get', m.get), ('get_global', m.get_global), ('name_value', m.get_name_value),
                   ('global_name_value', m.get_global_name_value), ('str', lambda: str(m))]:
        r = _attempt(f)
        out[key] = {'error': r.name} if isinstance(r, _Error) else jsonable(mx, r)
    for attr in ('num_inst', 'sum_metric', 'global_num_inst', 'global_sum_metric'):
        out[attr] = jsonable(mx, getattr(m, attr)) if hasattr(m, attr) else 'missing'
    return out


def run(mx, case):
    """Run one case (constructor, steps) on the `mx` given (mxnet, or mxjax with mx.metric loaded)."""
    ctor, steps = case
    m = _attempt(lambda: eval(ctor, _namespace(mx)))
    if isinstance(m, _Error):
        return {'error': m.name}
    out = [_snapshot(mx, m)]
    for step in steps:
        kind, args = step[0], [_build(mx, a) for a in step[1:]]
        if kind == 'eval':
            r = _attempt(lambda: eval(step[1], _namespace(mx, m=m)))
        else:
            r = _attempt(lambda: getattr(m, kind)(*args))
        rec = {'error': r.name} if isinstance(r, _Error) else {}
        if kind == 'eval' and not rec:
            rec['value'] = jsonable(mx, r)
        rec['after'] = _snapshot(mx, m)
        out.append(rec)
    return out


def fact(mx, expr):
    r = _attempt(lambda: eval(expr, _namespace(mx)))
    return {'error': r.name} if isinstance(r, _Error) else {'value': jsonable(mx, r)}


def main():
    import warnings

    import mxnet as mx
    assert mx.__version__ == '1.9.1', mx.__version__
    warnings.simplefilter('ignore')
    out = {'cases': {name: run(mx, case) for name, case in CASES.items()},
           'facts': {expr: fact(mx, expr) for expr in FACTS},
           'names': sorted(n for n in dir(mx.metric) if not n.startswith('_'))}
    with open(GOLDEN, 'w') as f:
        json.dump(out, f, indent=0, sort_keys=True)
        f.write('\n')


if __name__ == '__main__':
    main()
