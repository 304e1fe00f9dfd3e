"""Golden values for the reduction, linear-algebra and shape operators.

Run with real MXNet 1.9.1:

    ~/mxref/bin/python compat_tests/golden/gen_ops_shape_reduce.py

It writes ops_shape_reduce.json (the cases, MXNet's output shapes/dtypes and errors) and
ops_shape_reduce.npz (inputs, head gradients, outputs and input gradients) beside this file.

A case calls `nd.<op>(*inputs, **kwargs)` (or `inputs[0].<op>(*inputs[1:], **kwargs)` for
the method form). With `grad`, the listed inputs get attach_grad(), the call is recorded and
`autograd.backward(outputs, head_grads)` runs with random head gradients. With `error`, the
call must raise; the test checks the exception class and that the message contains `phrase`.
"""
import json
import os

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
JSON = os.path.join(HERE, 'ops_shape_reduce.json')
NPZ = os.path.join(HERE, 'ops_shape_reduce.npz')

CASES = []


def C(op, inputs, grad=(), method=False, error=None, phrase=None, req='write', passes=1, **kwargs):
    """inputs: (shape, dtype, kind) per input; kind: n (normal), t (small ints: ties),
    p (positive), z (normal with zeros), nan (normal with NaNs), ar (arange), (lo, hi) ints.
    req/passes: the grad_req of the `grad` inputs and how many record+backward passes run."""
    CASES.append(dict(op=op, inputs=[[list(s), d, k] for s, d, k in inputs], grad=list(grad),
                      method=method, error=error, phrase=phrase, kwargs=kwargs, req=req,
                      passes=passes))


F = 'float32'
D = 'float64'
I = 'int32'


def x(shape, kind='n', dtype=F):
    return (shape, dtype, kind)


# ------------------------------------------------------------------ reductions
for name in ['sum', 'mean', 'max', 'min', 'prod', 'nansum', 'nanprod']:
    kind = {'max': 't', 'min': 't', 'prod': 'p', 'nanprod': 'p'}.get(name, 'n')
    s = (2, 3, 4)
    C(name, [x(s, kind)], grad=[0])
    C(name, [x(s, kind)], grad=[0], axis=1)
    C(name, [x(s, kind)], grad=[0], axis=-1, keepdims=True)
    C(name, [x(s, kind)], grad=[0], axis=[0, 2])
    C(name, [x(s, kind)], grad=[0], axis=[-1, 0], exclude=True)
    C(name, [x(s, kind)], grad=[0], axis=1, exclude=True, keepdims=True)
    C(name, [x(s, kind)], grad=[0], axis=[])
    C(name, [x((5,), kind)], grad=[0], method=True, axis=0)
    C(name, [x((3, 4), kind, D)], grad=[0], axis=0)
    C(name, [x((3, 4), (-3, 4), I)], axis=1)
    C(name, [x((3, 4), (-3, 4), I)])
    C(name, [x((2, 3), kind)], error='MXNetError', phrase='axis', axis=2)
    C(name, [x((2, 3), kind)], error='MXNetError', phrase='axis', axis=[0, -2])
for name in ['nansum', 'nanprod']:
    C(name, [x((3, 4), 'nan')], grad=[0], axis=1)
    C(name, [x((3, 4), 'nan')], grad=[0])
C('prod', [x((3, 4), 'z')], grad=[0], axis=1)
C('max', [x((3, 4), 't')], grad=[0], axis=[0, 1])
C('min', [x((4, 2, 3), 't')], grad=[0], axis=-2)
C('mean', [x((4,), (-3, 4), I)])
C('sum_axis', [x((3, 4))], axis=1)
C('sum', [x((2, 3), (100, 200), 'uint8')], axis=1)
C('sum', [x((4,), (60, 100), 'int8')])
C('prod', [x((2, 3), (-4, 5), 'int64')], axis=0)
C('mean', [x((2, 3), (0, 9), 'uint8')], axis=1)
C('mean', [x((300,), (1, 3), 'uint8')])  # sum wraps and so does the count
C('mean', [x((3,), (90, 110), 'int8')])
C('sum', [x((3, 4), 'n', 'float16')], axis=1)
C('mean', [x((3, 4), 'n', 'float16')], axis=0)
C('max', [x((3, 4), 'n', 'float16')], axis=0)
C('max_axis', [x((3, 4))], axis=0)
C('min_axis', [x((3, 4))], axis=0)

for o in [1, 2]:
    C('norm', [x((3, 4))], grad=[0], ord=o)
    C('norm', [x((3, 4), 'z')], grad=[0], ord=o, axis=1)
    C('norm', [x((2, 3, 4))], grad=[0], ord=o, axis=[0, 2], keepdims=True)
    C('norm', [x((2, 3, 4))], grad=[0], ord=o, axis=-1)
    C('norm', [x((3, 4), 'n', D)], grad=[0], ord=o, axis=0)
    C('norm', [x((3, 5), (-6, 7), I)], ord=o, axis=1)
    C('norm', [x((3, 4))], grad=[0], method=True, ord=o)
C('norm', [x((2, 3, 4))], axis=[0, 1, 2])
C('norm', [x((3, 4))], error='MXNetError', phrase='ord', ord=3)

for name in ['argmax', 'argmin']:
    C(name, [x((3, 4), 't')])
    C(name, [x((3, 4), 't')], axis=1)
    C(name, [x((3, 4), 't')], axis=-2, keepdims=True)
    C(name, [x((3, 4), 't')], keepdims=True)
    C(name, [x((2, 3, 4), 't')], method=True, axis=2)
    C(name, [x((3, 4), (-3, 4), I)], axis=0)
    C(name, [x((3, 4), 'n', D)], axis=1)
    C(name, [x((3, 4))], error='MXNetError', phrase='axis', axis=2)
C('argmax_channel', [x((3, 4), 't')])
C('argmax_channel', [x((2, 3, 4))])

# ------------------------------------------------------------------ dot / batch_dot
C('dot', [x((2, 3)), x((3, 4))], grad=[0, 1])
C('dot', [x((3, 2)), x((3, 4))], grad=[0, 1], transpose_a=True)
C('dot', [x((2, 3)), x((4, 3))], grad=[0, 1], transpose_b=True)
C('dot', [x((3, 2)), x((4, 3))], grad=[0, 1], transpose_a=True, transpose_b=True)
C('dot', [x((3,)), x((3,))], grad=[0, 1])
C('dot', [x((3,)), x((3, 4))], grad=[0, 1])
C('dot', [x((2, 3)), x((3,))], grad=[0, 1])
C('dot', [x((2,)), x((2, 3))], grad=[0, 1], transpose_a=True)
C('dot', [x((3, 2)), x((3,))], grad=[0, 1], transpose_a=True)
C('dot', [x((2, 3, 4)), x((4, 2, 5))], grad=[0, 1])
C('dot', [x((2, 3, 4)), x((2, 4, 5))], grad=[0, 1], transpose_a=True)
C('dot', [x((2, 3, 4)), x((5, 2, 4))], grad=[0, 1], transpose_b=True)
C('dot', [x((2, 3, 4)), x((5, 2))], grad=[0, 1], transpose_a=True, transpose_b=True)
C('dot', [x((2, 3, 4)), x((4,))], grad=[0, 1])
C('dot', [x((4,)), x((2, 3, 4))], grad=[0, 1], transpose_b=True)
C('dot', [x((2, 3), 'n', D), x((3, 2), 'n', D)], grad=[0, 1])
C('dot', [x((2, 3)), x((2, 3))], error='MXNetError', phrase='shape')
C('dot', [x((3,)), x((3,))], error='MXNetError', phrase='transpose', transpose_a=True)
C('dot', [x((2, 3)), x((3, 2), 'n', D)], error='MXNetError', phrase='dtype')
C('dot', [x((2, 3), (0, 3), I), x((3, 2), (0, 3), I)], error='MXNetError', phrase='float')
C('batch_dot', [x((2, 3, 4)), x((2, 4, 5))], grad=[0, 1])
C('batch_dot', [x((2, 4, 3)), x((2, 4, 5))], grad=[0, 1], transpose_a=True)
C('batch_dot', [x((2, 3, 4)), x((2, 5, 4))], grad=[0, 1], transpose_b=True)
C('batch_dot', [x((2, 4, 3)), x((2, 5, 4))], grad=[0, 1], transpose_a=True, transpose_b=True)
C('batch_dot', [x((2, 2, 3, 4)), x((2, 2, 4, 2))], grad=[0, 1])
C('batch_dot', [x((2, 3, 4), 'n', D), x((2, 4, 2), 'n', D)], grad=[0, 1])
C('batch_dot', [x((2, 3, 4)), x((2, 3, 4))], error='MXNetError', phrase='shape')
C('batch_dot', [x((2, 3, 4)), x((3, 4, 5))], error='MXNetError', phrase='batch')
C('batch_dot', [x((2, 3)), x((3, 4))], error='MXNetError', phrase='3')

# ------------------------------------------------------------------ axes and sizes
C('transpose', [x((2, 3, 4))], grad=[0])
C('transpose', [x((2, 3, 4))], grad=[0], axes=[1, 0, 2])
C('transpose', [x((2, 3, 4), (0, 9), I)], method=True, axes=[2, 0, 1])
C('transpose', [x((2, 3))], grad=[0], method=True)
C('transpose', [x((2, 3, 4))], error='MXNetError', phrase='axes', axes=[0, 1])
C('transpose', [x((2, 3, 4))], error='MXNetError', phrase='axes', axes=[0, 1, 3])
C('expand_dims', [x((2, 3))], grad=[0], axis=0)
C('expand_dims', [x((2, 3))], grad=[0], axis=-1)
C('expand_dims', [x((2, 3))], grad=[0], axis=2)
C('expand_dims', [x((2, 3))], grad=[0], axis=-3)
C('expand_dims', [x((2, 3))], method=True, axis=1)
C('expand_dims', [x((2, 3))], error='MXNetError', phrase='axis', axis=3)
C('expand_dims', [x((2, 3))], error='MXNetError', phrase='axis', axis=-4)
C('squeeze', [x((1, 3, 1, 2))], grad=[0])
C('squeeze', [x((1, 3, 1, 2))], grad=[0], axis=0)
C('squeeze', [x((1, 3, 1, 2))], grad=[0], axis=[0, -2])
C('squeeze', [x((1, 1))])
C('squeeze', [x((1, 3, 1))], method=True)
C('squeeze', [x((1, 3, 1, 2))], error='MXNetError', phrase='axis', axis=1)
C('squeeze', [x((1, 3, 1, 2))], error='MXNetError', phrase='axis', axis=5)
C('flatten', [x((2, 3, 4))], grad=[0])
C('flatten', [x((3,))], grad=[0])
C('Flatten', [x((2, 1, 2, 2))], grad=[0])
C('flatten', [x((2, 3, 4))], method=True)
C('swapaxes', [x((2, 3, 4))], grad=[0], dim1=0, dim2=2)
C('swapaxes', [x((2, 3, 4))], grad=[0], dim1=-1, dim2=1)
C('swapaxes', [x((2, 3, 4))], grad=[0])
C('SwapAxis', [x((2, 3, 4))], dim1=2, dim2=1)
C('swapaxes', [x((2, 3, 4))], method=True, dim1=1, dim2=0)
C('swapaxes', [x((2, 3, 4))], error='MXNetError', phrase='3', dim1=3, dim2=0)
C('flip', [x((2, 3))], grad=[0], axis=1)
C('flip', [x((2, 3, 4))], grad=[0], axis=[0, 2])
C('flip', [x((2, 3))], grad=[0], axis=[0, 0])
C('flip', [x((2, 3))], axis=[])
C('reverse', [x((2, 3))], axis=0)
C('flip', [x((2, 3), (0, 9), I)], method=True, axis=0)
C('flip', [x((2, 3))], error='MXNetError', phrase='-1', axis=-1)
C('flip', [x((2, 3))], error='MXNetError', phrase='2', axis=2)

# ------------------------------------------------------------------ split / concat / stack
C('split', [x((2, 6, 2))], grad=[0], num_outputs=3)
C('split', [x((2, 6, 2))], grad=[0], num_outputs=2, axis=0)
C('split', [x((2, 3, 4))], grad=[0], num_outputs=3, axis=1, squeeze_axis=True)
C('split', [x((2, 3, 4))], grad=[0], num_outputs=2, axis=-1)
C('split', [x((2, 3, 4))], grad=[0], num_outputs=1)
C('SliceChannel', [x((4, 2))], num_outputs=2, axis=0)
C('split', [x((4, 2))], method=True, num_outputs=4, axis=0)
C('split', [x((2, 3, 4))], error='MXNetError', phrase='num_outputs', num_outputs=5, axis=2)
C('split', [x((2, 3, 4))], error='MXNetError', phrase='num_outputs', num_outputs=0)
C('split', [x((2, 3, 4))], error='MXNetError', phrase='num_outputs', num_outputs=2, axis=2,
  squeeze_axis=True)
C('split', [x((2, 3, 4))], error='MXNetError', phrase='axis', num_outputs=2, axis=3)
C('split_v2', [x((2, 6))], grad=[0], indices_or_sections=3, axis=1)
C('split_v2', [x((5, 2))], grad=[0], indices_or_sections=(1, 3))
C('split_v2', [x((2, 3))], method=True, indices_or_sections=(1, 2), axis=1, squeeze_axis=True)
C('split_v2', [x((2, 3))], error='ValueError', phrase='equal', indices_or_sections=2, axis=1)
C('concat', [x((2, 3)), x((2, 2)), x((2, 1))], grad=[0, 1, 2])
C('concat', [x((2, 3)), x((1, 3))], grad=[0, 1], dim=0)
C('concat', [x((2, 3, 2)), x((2, 3, 1))], grad=[0, 1], dim=-1)
C('Concat', [x((2, 3))], grad=[0])
C('concat', [x((2, 2), (0, 9), I), x((2, 1), (0, 9), I)])
C('concat', [x((2, 3)), x((2, 2))], error='MXNetError', phrase='shape', dim=0)
C('concat', [x((2, 3)), x((2, 3))], error='MXNetError', phrase='2', dim=2)
C('concat', [x((2, 3)), x((2, 3), 'n', D)], error='MXNetError', phrase='float64')
C('stack', [x((2, 3)), x((2, 3)), x((2, 3))], grad=[0, 1, 2])
C('stack', [x((2, 3)), x((2, 3))], grad=[0, 1], axis=-1)
C('stack', [x((2, 3)), x((2, 3))], grad=[0, 1], axis=1)
C('stack', [x((2, 3)), x((2, 3))], grad=[0, 1], axis=-3)
C('stack', [x((2,), (0, 9), I), x((2,), (0, 9), I)])
C('stack', [x((2, 3)), x((2, 3))], error='MXNetError', phrase='axis', axis=3)

# ------------------------------------------------------------------ tile / repeat
C('tile', [x((2, 3))], grad=[0], reps=[2, 2])
C('tile', [x((2, 3))], grad=[0], reps=[2])
C('tile', [x((2, 3))], grad=[0], reps=[2, 1, 3])
C('tile', [x((2, 3))], grad=[0], reps=[])
C('tile', [x((2, 3))], method=True, reps=3)
C('tile', [x((2, 3), (0, 9), I)], reps=[1, 2])
C('tile', [x((2, 3))], error='MXNetError', phrase=None, reps=[0, 2])
C('tile', [x((2, 3))], error='MXNetError', phrase='-2', reps=[-2, 2])
C('repeat', [x((2, 3))], grad=[0], repeats=2)
C('repeat', [x((2, 3))], grad=[0], repeats=3, axis=0)
C('repeat', [x((2, 3))], grad=[0], repeats=2, axis=-1)
C('repeat', [x((2, 3))], repeats=0, axis=1)
C('repeat', [x((2, 3))], method=True, repeats=2, axis=1)
C('repeat', [x((2, 3), (0, 9), I)], repeats=2, axis=1)
C('repeat', [x((2, 3))], error='MXNetError', phrase='repeats', repeats=-1)
C('repeat', [x((2, 3))], error='MXNetError', phrase='axis', repeats=2, axis=2)

# ------------------------------------------------------------------ take / pick / one_hot / where
for mode in ['clip', 'wrap']:
    C('take', [x((4, 3)), x((6,), (-6, 8))], grad=[0], mode=mode)
    C('take', [x((2, 5)), x((2, 3), (-7, 9))], grad=[0], axis=1, mode=mode)
    C('take', [x((2, 3, 4)), x((5,), (-5, 6))], grad=[0], axis=-1, mode=mode)
    C('take', [x((3, 4)), x((7,), 'frac')], grad=[0], axis=1, mode=mode)
    C('take', [x((4, 3)), x((5,), (-5, 6), I)], grad=[0], mode=mode)
    C('pick', [x((3, 4)), x((3,), (-5, 7))], grad=[0], mode=mode)
    C('pick', [x((3, 4)), x((4,), (-4, 6))], grad=[0], axis=0, mode=mode)
    C('pick', [x((2, 3, 4)), x((2, 4), (-4, 6))], grad=[0], axis=1, keepdims=True, mode=mode)
    C('pick', [x((3, 4)), x((3,), 'frac')], grad=[0], mode=mode)
C('take', [x((4, 3)), x((3, 2), (0, 4))], grad=[0], method=True)
C('take', [x((4, 3), (0, 9), I), x((3,), (0, 4))])
C('take', [x((4, 3)), x((3,), (0, 4))], mode='raise')
C('take', [x((4, 3)), x((3,), (4, 6))], error='MXNetError', phrase=None, mode='raise')
C('take', [x((4, 3)), x((3,), (0, 4))], error='MXNetError', phrase='axis', axis=2)
C('take', [x((4, 3)), x((3,), (0, 4))], error='MXNetError', phrase='mode', mode='foo')
C('pick', [x((3, 4)), x((3, 1), (0, 4))], grad=[0], method=True)
C('pick', [x((3, 4)), x((3, 1), (0, 4))], grad=[0], keepdims=True)
C('pick', [x((3, 4), (0, 9), I), x((3,), (0, 4), I)])
C('pick', [x((3, 4)), x((4,), (0, 4))], error='MXNetError', phrase=None)
C('pick', [x((3, 4)), x((3,), (0, 4))], error='MXNetError', phrase='axis', axis=None)
C('pick', [x((3, 4)), x((3,), (0, 4))], error='MXNetError', phrase='mode', mode='raise')
C('one_hot', [x((5,), (-2, 6))], depth=4)
C('one_hot', [x((4,), 'frac')], depth=3)
C('one_hot', [x((2, 3), (0, 4), I)], depth=4, on_value=5, off_value=-1, dtype='int32')
C('one_hot', [x((3,), (0, 3))], method=True, depth=3, on_value=2.5, off_value=0.5, dtype='float64')
C('one_hot', [x((3,), (0, 3))], error='MXNetError', phrase='depth', depth=-1)
C('where', [x((2, 3), (0, 2)), x((2, 3)), x((2, 3))], grad=[1, 2])
C('where', [x((3,), (0, 2)), x((3, 2)), x((3, 2))], grad=[1, 2])
C('where', [x((2, 3), (-1, 2), I), x((2, 3)), x((2, 3))], grad=[1, 2])
C('where', [x((2, 3), (0, 2)), x((2, 3), (0, 9), I), x((2, 3), (0, 9), I)])
C('where', [x((2,), (0, 2)), x((2, 3)), x((2, 2))], error='MXNetError', phrase=None)
C('where', [x((3,), (0, 2)), x((2, 3)), x((2, 3))], error='MXNetError', phrase=None)
C('where', [x((2, 3), (0, 2)), x((2, 3)), x((2, 3), 'n', D)], error='MXNetError', phrase=None)

# ------------------------------------------------------------------ sort / argsort / topk / diag
C('sort', [x((3, 5))], grad=[0], axis=-1)
C('sort', [x((3, 5))], grad=[0], axis=0, is_ascend=False)
C('sort', [x((2, 3, 4))], grad=[0], axis=1)
C('sort', [x((3, 4))])
C('sort', [x((3, 4))], axis=None)
C('sort', [x((3, 4), 't')], method=True, axis=1, is_ascend=False)
C('sort', [x((3, 4), (-5, 5), I)], axis=1)
C('argsort', [x((3, 5))])
C('argsort', [x((3, 5), 't')], axis=0)
C('argsort', [x((3, 4), 't')], is_ascend=False)
C('argsort', [x((3, 4))], axis=None)
C('argsort', [x((3, 4))], method=True, dtype='int32')
C('argsort', [x((3, 4))], dtype='float64')
C('argsort', [x((3, 4), (-5, 5), I)], axis=0)
C('topk', [x((3, 5))])
C('topk', [x((3, 5))], grad=[0], k=2, ret_typ='value')
C('topk', [x((3, 5))], grad=[0], k=2, ret_typ='both', axis=0)
C('topk', [x((3, 5))], grad=[0], k=3, ret_typ='value', is_ascend=True)
C('topk', [x((3, 5))], k=2, ret_typ='mask')
C('topk', [x((3, 5))], k=0)
C('topk', [x((3, 5))], k=4, axis=None)
C('topk', [x((2, 3, 4))], grad=[0], k=2, ret_typ='value', axis=1)
C('topk', [x((3, 4), 't')], k=2, ret_typ='both', dtype='int32')
C('topk', [x((3, 4), (-5, 5), I)], k=2, ret_typ='both')
C('topk', [x((3, 4), (-5, 5), I)], k=2, ret_typ='mask')
C('topk', [x((3, 4))], method=True, k=2, ret_typ='mask', is_ascend=True)
C('topk', [x((3, 4))], error='MXNetError', phrase='k', k=5)
C('topk', [x((3, 4))], error='MXNetError', phrase='axis', axis=2)
C('topk', [x((3, 4))], error='MXNetError', phrase='ret_typ', ret_typ='foo')
C('sort', [x((3, 4))], error='MXNetError', phrase='axis', axis=-3)
C('diag', [x((3,))], grad=[0])
C('diag', [x((3,))], grad=[0], k=1)
C('diag', [x((3,))], grad=[0], k=-2)
C('diag', [x((3, 4))], grad=[0])
C('diag', [x((3, 4))], grad=[0], k=2)
C('diag', [x((3, 4))], grad=[0], k=-1)
C('diag', [x((2, 3, 4))], grad=[0], k=1)
C('diag', [x((2, 3, 4))], grad=[0], k=1, axis1=-1, axis2=0)
C('diag', [x((3, 4))], method=True, k=1)
C('diag', [x((3, 4))], error='MXNetError', phrase=None, k=5)
C('diag', [x((2, 3, 4))], error='MXNetError', phrase='axis', axis1=1, axis2=1)

# ------------------------------------------------------------------ grad_req='add', two passes
# MXNet quirks: reverse and _split_v2 overwrite the leaf's gradient, mean divides what was
# accumulated before by n as well; the others accumulate.
C('flip', [x((3, 2))], grad=[0], req='add', passes=2, axis=0)
C('mean', [x((3, 4))], grad=[0], req='add', passes=2, axis=1)
C('mean', [x((3, 4))], grad=[0], req='add', passes=2)
C('split_v2', [x((2, 6))], grad=[0], req='add', passes=2, indices_or_sections=3, axis=1)
C('sum', [x((3, 4))], grad=[0], req='add', passes=2, axis=0)
C('take', [x((4, 3)), x((5,), (-2, 6))], grad=[0], req='add', passes=2)
C('split', [x((2, 6))], grad=[0], req='add', passes=2, num_outputs=3)
C('transpose', [x((2, 3))], grad=[0], req='add', passes=2)

# ------------------------------------------------------------------ existing shape ops
C('reshape', [x((2, 3, 4))], grad=[0], shape=(-1, 0))
C('reshape', [x((2, 3, 4))], grad=[0], shape=(-3, -2))
C('reshape', [x((2, 3, 4))], grad=[0], method=True, shape=(-4, 1, 2, -1, 1))  # MXNet's -1 quirk
C('reshape', [x((2, 3, 4))], grad=[0], method=True, shape=(3, -1, 0), reverse=True)
C('reshape', [x((2, 3, 4))], method=True, shape=(0, -3), reverse=True)
C('reshape', [x((2, 3, 4))], method=True, shape=(-4, 1, 2, -2, -1))
C('reshape', [x((2, 3, 4))], error='ValueError', phrase='Cannot reshape', method=True, shape=(5, -1))
C('reshape', [x((2, 3, 4))], error='ValueError', phrase='Cannot reshape', method=True, shape=(-2, -1))
C('reshape', [x((2, 3, 4))], error='MXNetError', phrase=None, method=True, shape=(-4, 1, 2, -2),
  reverse=True)
C('reshape', [x((2, 3, 4))], error='MXNetError', phrase='-1', method=True, shape=(-1, -1))
C('reshape', [x((2, 3, 4))], error='MXNetError', phrase='-5', shape=(-5,))
C('reshape_like', [x((2, 3)), x((3, 2))], grad=[0])
C('slice', [x((3, 4))], grad=[0], begin=(0, 1), end=(2, None))
C('slice', [x((3, 4))], grad=[0], begin=(None, -1), end=(None, None), step=(None, -1))
C('slice_axis', [x((3, 4))], grad=[0], axis=-1, begin=1, end=3)
C('slice_axis', [x((3, 4))], grad=[0], axis=0, begin=-2, end=None)
C('slice_axis', [x((3, 4))], error='MXNetError', phrase='axis', axis=2, begin=0, end=1)
C('slice_axis', [x((3, 4))], error='MXNetError', phrase='begin', axis=1, begin=2, end=2)


# ------------------------------------------------------------------ generation
def decode_kwargs(kw):
    """JSON lists back to tuples (MXNet and mxjax both take tuples for shape-like args)."""
    return {k: tuple(v) if isinstance(v, list) else v for k, v in kw.items()}


def make_input(rs, shape, dtype, kind):
    shape = tuple(shape)
    if isinstance(kind, (list, tuple)):
        v = rs.randint(kind[0], kind[1], size=shape)
    elif kind == 'n':
        v = rs.randn(*shape)
    elif kind == 't':
        v = rs.randint(-2, 3, size=shape)
    elif kind == 'p':
        v = rs.uniform(0.5, 2.0, size=shape)
    elif kind == 'z':
        v = rs.randn(*shape)
        v[rs.rand(*shape) < 0.3] = 0
        v.reshape(-1)[0] = 0
    elif kind == 'nan':
        v = rs.randn(*shape)
        v[rs.rand(*shape) < 0.3] = np.nan
    elif kind == 'frac':  # fractional indices of both signs: truncation toward zero
        v = np.round(rs.uniform(-3.9, 3.9, size=shape), 2)
    elif kind == 'ar':
        v = np.arange(int(np.prod(shape))).reshape(shape)
    else:
        raise ValueError(kind)
    return np.asarray(v).astype(dtype)


def call(nd, case, arrays):
    kw = decode_kwargs(case['kwargs'])
    if case['method']:
        return getattr(arrays[0], case['op'])(*arrays[1:], **kw)
    return getattr(nd, case['op'])(*arrays, **kw)


def as_list(out):
    return list(out) if isinstance(out, (list, tuple)) else [out]


REDUCE_OPS = {'sum', 'mean', 'max', 'min', 'prod', 'nansum', 'nanprod', 'norm', 'argmax', 'argmin',
              'argmax_channel', 'sum_axis', 'max_axis', 'min_axis'}
LINALG_OPS = {'dot', 'batch_dot'}


def load(family):
    """[(index, case)] of one family ('reduce', 'linalg', 'shape') and the golden arrays."""
    with open(JSON) as f:
        meta = json.load(f)
    arrays = dict(np.load(NPZ))

    def fam(op):
        return 'reduce' if op in REDUCE_OPS else 'linalg' if op in LINALG_OPS else 'shape'
    return [(i, c) for i, c in enumerate(meta) if fam(c['op']) == family], arrays


def _close(got, want, what):
    assert got.shape == want.shape, '%s: shape %s != %s' % (what, got.shape, want.shape)
    assert got.dtype == want.dtype, '%s: dtype %s != %s' % (what, got.dtype, want.dtype)
    if np.issubdtype(want.dtype, np.floating):
        tol = {np.dtype('float64'): 1e-10, np.dtype('float16'): 1e-3}.get(want.dtype, 2e-6)
        scale = max(1.0, float(np.nanmax(np.abs(want), initial=0.0)))
        np.testing.assert_allclose(got, want, rtol=tol * 10, atol=tol * scale, err_msg=what)
    else:
        np.testing.assert_array_equal(got, want, err_msg=what)


# MXNet 1.9.1 bugs with grad_req='add' (reverse/_split_v2 overwrite the buffer, mean divides what
# was accumulated before): mxjax accumulates correctly (test_ops_shape.test_grad_req_add_accumulates).
MXNET_ADD_BUGS = {'flip', 'mean', 'split_v2'}


def params(cases):
    """pytest params for (index, case) pairs, skipping the MXNet grad_req='add' bugs above."""
    import pytest
    out = []
    for i, c in cases:
        marks = ()
        if c.get('req') == 'add' and c['op'] in MXNET_ADD_BUGS:
            marks = pytest.mark.skip(reason="MXNet 1.9.1 grad_req='add' bug; mxjax accumulates")
        out.append(pytest.param(i, c, id='%d-%s' % (i, c['op']), marks=marks))
    return out


def check(mx, i, case, arrays):
    """Run golden case i on the implementation `mx` and compare with MXNet's results."""
    ins = [mx.nd.array(arrays['%d/in%d' % (i, j)], dtype=arrays['%d/in%d' % (i, j)].dtype)
           for j in range(len(case['inputs']))]
    before = [a.asnumpy() for a in ins]
    what = 'case %d: %s(%s)' % (i, case['op'], case['kwargs'])
    if case['error']:
        try:
            for o in as_list(call(mx.nd, case, ins)):
                o.asnumpy()
        except Exception as e:  # noqa: BLE001 - the class is what is compared
            assert type(e).__name__ == case['error'], '%s: raised %r' % (what, e)
            if case['phrase']:
                assert case['phrase'] in str(e), '%s: %r does not mention %r' % (what, str(e), case['phrase'])
        else:
            raise AssertionError('%s: did not raise %s' % (what, case['error']))
        for a, b in zip(ins, before):
            np.testing.assert_array_equal(a.asnumpy(), b)  # an error changes nothing
        return
    for j in case['grad']:
        ins[j].attach_grad(grad_req=case['req'])
    for _ in range(case['passes']):
        with mx.autograd.record():
            outs = as_list(call(mx.nd, case, ins))
        assert len(outs) == len(case['outputs']), what
        if case['grad']:
            hgs = [mx.nd.array(arrays['%d/hg%d' % (i, k)], dtype=arrays['%d/hg%d' % (i, k)].dtype)
                   for k in range(len(outs))]
            mx.autograd.backward(outs, hgs)
    for k, o in enumerate(outs):
        _close(o.asnumpy(), arrays['%d/out%d' % (i, k)], '%s output %d' % (what, k))
    if case['grad']:
        for j in case['grad']:
            _close(ins[j].grad.asnumpy(), arrays['%d/grad%d' % (i, j)], '%s grad of input %d' % (what, j))


def main():
    import mxnet as mx
    rs = np.random.RandomState(0)
    arrays, meta = {}, []
    for i, case in enumerate(CASES):
        ins = [make_input(rs, *spec) for spec in case['inputs']]
        for j, a in enumerate(ins):
            arrays['%d/in%d' % (i, j)] = a
        m = dict(case)
        nds = [mx.nd.array(a, dtype=a.dtype) for a in ins]
        if case['error']:
            try:
                for o in as_list(call(mx.nd, case, nds)):
                    o.asnumpy()  # MXNet reports some errors only when the value is read
            except Exception as e:  # noqa: BLE001 - the class is the golden value
                assert type(e).__name__ == case['error'], (i, case, e)
                msg = str(e)
                m['mx_message'] = msg.strip().splitlines()[-1][:300]
            else:
                raise AssertionError('MXNet did not raise for case %d %s' % (i, case))
            meta.append(m)
            continue
        for j in case['grad']:
            nds[j].attach_grad(grad_req=case['req'])
        hgs = None
        for _ in range(case['passes']):
            with mx.autograd.record():
                outs = as_list(call(mx.nd, case, nds))
            if case['grad']:
                if hgs is None:
                    hgs = [mx.nd.array(rs.randn(*o.shape), dtype=o.dtype) for o in outs]
                mx.autograd.backward(outs, hgs)
        m['outputs'] = []
        for k, o in enumerate(outs):
            arrays['%d/out%d' % (i, k)] = o.asnumpy()
            m['outputs'].append([list(o.shape), o.dtype.__name__ if hasattr(o.dtype, '__name__')
                                 else str(o.dtype)])
        if case['grad']:
            for k, h in enumerate(hgs):
                arrays['%d/hg%d' % (i, k)] = h.asnumpy()
            for j in case['grad']:
                arrays['%d/grad%d' % (i, j)] = nds[j].grad.asnumpy()
        meta.append(m)
    with open(JSON, 'w') as f:
        json.dump(meta, f, indent=0, sort_keys=True)
    np.savez_compressed(NPZ, **arrays)
    print('%d cases -> %s, %s' % (len(meta), JSON, NPZ))


if __name__ == '__main__':
    main()
