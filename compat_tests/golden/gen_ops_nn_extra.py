"""Golden values of the further neural-network ops (Sequence*, hard_sigmoid, L2Normalization,
GroupNorm, LRN, UpSampling, the regression/SVM outputs, CTCLoss, im2col/col2im), from real
MXNet 1.9.1.

Regenerate with real MXNet:

    ~/mxref/bin/python compat_tests/golden/gen_ops_nn_extra.py

which writes ops_nn_extra.npz beside this file. Cases are specs as in gen_ops_nn.py; an
argument written 'name=input' is passed by keyword. test_ops_nn_extra.py runs the same specs
on mxjax.
"""
import json
import os

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
GOLDEN = os.path.join(HERE, 'ops_nn_extra.npz')


def _inputs():
    """name -> (float64 numpy value, kind) with kind 'f' (follows the case dtype) or a dtype."""
    rs = np.random.RandomState(1)
    a = {}

    def f(name, *shape, scale=1.0):
        a[name] = (rs.randn(*shape) * scale, 'f')

    f('x432', 4, 3, 2)
    f('x342', 3, 4, 2)
    f('x23', 2, 3)
    f('x6', 6)
    f('x2322', 2, 3, 2, 2)
    f('x2432', 2, 4, 3, 2)
    f('x2423', 2, 4, 2, 3)
    f('x1522', 1, 5, 2, 2, scale=2.0)
    f('x1722', 1, 7, 2, 2, scale=2.0)
    f('x1223', 1, 2, 2, 3)
    f('x1244', 1, 2, 4, 4)
    f('x1144', 1, 1, 4, 4)
    f('x1211', 1, 2, 1, 1)
    f('w2144', 2, 1, 4, 4)
    f('w2155', 2, 1, 5, 5)
    f('x2234', 2, 2, 3, 4)
    f('x1245', 1, 2, 4, 5)
    f('c286', 2, 8, 6)
    f('c2_12_4', 2, 12, 4)
    f('c2_12_6', 2, 12, 6)
    f('x34', 3, 4)
    f('x32', 3, 2)
    f('x31', 3, 1)
    f('x3', 3)
    f('x322', 3, 2, 2)
    f('ctc', 6, 2, 5)
    f('g2', 2)
    f('b2', 2)
    f('g4', 4)
    f('b4', 4)
    a['len3'] = (np.array([2, 4, 1]), 'f')
    a['xi2234'] = (np.arange(48).reshape(2, 2, 3, 4), 'int32')
    a['ci286'] = (np.arange(96).reshape(2, 8, 6), 'int32')
    a['len3s'] = (np.array([2, 1, 2]), 'f')
    a['len3_i'] = (np.array([3, 1, 4]), 'int32')
    a['len4'] = (np.array([2, 3, 1, 2]), 'f')
    a['xhs'] = (np.array([[-3.0, -2.5, -1.0, 0.0], [1.0, 2.5, 3.0, 0.4]]), 'f')
    a['lab32'] = (rs.randn(3, 2), 'f')
    # an exact tie (data == label) shows MAE's sign convention
    a['lab32_tie'] = (np.where(np.arange(6).reshape(3, 2) == 2, a['x32'][0], rs.randn(3, 2)), 'f')
    a['lab3'] = (rs.randn(3), 'f')
    a['lab34'] = (rs.randn(3, 4), 'f')
    a['svm'] = (np.array([[0.5, -0.2, 1.5, 0.9], [-1.0, 0.8, 0.1, 1.0], [2.0, -2.0, 0.3, -0.5]]), 'f')
    a['svm_lab'] = (np.array([0, 1, 3]), 'f')
    a['svm3'] = (rs.randn(2, 3, 4), 'f')
    a['svm3_lab'] = (np.array([[0, 1, 3], [2, 2, 0]]), 'f')
    # CTC labels: blank first pads with 0, blank last with -1
    a['ctc_lab'] = (np.array([[1, 2, 2], [3, 0, 0]]), 'f')
    a['ctc_lab_rep'] = (np.array([[1, 1, 4], [2, 3, 4]]), 'f')
    a['ctc_lab_last'] = (np.array([[0, 3, -1], [3, 3, 1]]), 'f')
    a['ctc_lab_empty'] = (np.array([[0, 0, 0], [4, 4, 0]]), 'f')
    a['ctc_dlen'] = (np.array([4, 6]), 'f')
    a['ctc_dlen_short'] = (np.array([3, 6]), 'f')   # [1, 1, 4] needs 4 steps
    a['ctc_llen'] = (np.array([2, 3]), 'f')
    return a


def _cases():
    C = []

    def c(name, op, args, attrs=None, grad=(), dtypes=('float32', 'float64'), raises=None):
        for dt in dtypes:
            C.append(dict(name='%s_%s' % (name, dt), op=op, args=list(args), attrs=attrs or {},
                          grad=list(grad), train=True, post=[], dtype=dt, second_order=False,
                          raises=raises))

    # Sequence ops (axis 0 or 1 is the sequence; lengths are float or int)
    # (MXNet's SequenceLast backward without lengths crashes: forward only, the test checks
    # that gradient against numpy)
    for op in ('SequenceMask', 'SequenceLast', 'SequenceReverse'):
        c(op + '_nolen', op, ['x432'], {}, [] if op == 'SequenceLast' else ['x432'])
        c(op + '_len', op, ['x432', 'len3'], {'use_sequence_length': True}, ['x432'])
        c(op + '_len_int', op, ['x432', 'len3_i'], {'use_sequence_length': True}, ['x432'],
          dtypes=('float32',))
        c(op + '_2d', op, ['x23', 'len3s'], {'use_sequence_length': True}, ['x23'])
    c('SequenceMask_value', 'SequenceMask', ['x432', 'len3'],
      {'use_sequence_length': True, 'value': -2.5}, ['x432'])
    for op in ('SequenceMask', 'SequenceLast'):
        c(op + '_axis1', op, ['x342', 'len3'], {'use_sequence_length': True, 'axis': 1}, ['x342'])
    c('SequenceMask_kw', 'SequenceMask', ['x432', 'sequence_length=len3'],
      {'use_sequence_length': True}, ['x432'], dtypes=('float32',))
    # hard_sigmoid: zero gradient at both ends of the linear piece
    c('hard_sigmoid', 'hard_sigmoid', ['xhs'], {}, ['xhs'])
    c('hard_sigmoid_ab', 'hard_sigmoid', ['xhs'], {'alpha': 0.3, 'beta': 0.4}, ['xhs'])
    # L2Normalization
    c('l2n_instance', 'L2Normalization', ['x432'], {}, ['x432'])
    c('l2n_instance_2d', 'L2Normalization', ['x23'], {'eps': 1e-3}, ['x23'])
    c('l2n_1d', 'L2Normalization', ['x6'], {}, ['x6'])
    c('l2n_channel', 'L2Normalization', ['x2322'], {'mode': 'channel'}, ['x2322'])
    c('l2n_spatial', 'L2Normalization', ['x2322'], {'mode': 'spatial'}, ['x2322'])
    # GroupNorm (gamma/beta hold one value per group in MXNet 1.9.1)
    c('groupnorm', 'GroupNorm', ['x2432', 'g2', 'b2'], {'num_groups': 2}, ['x2432', 'g2', 'b2'])
    c('groupnorm_mv', 'GroupNorm', ['x2423', 'g4', 'b4'],
      {'num_groups': 4, 'eps': 1e-3, 'output_mean_var': True}, ['x2423', 'g4', 'b4'])
    c('groupnorm_1', 'GroupNorm', ['x2423', 'g1', 'b1'], {}, ['x2423', 'g1', 'b1'])
    # LRN (MXNet computes float32 only); even nsize uses (nsize - 1) // 2 on each side
    for n in (3, 5, 2, 4):
        c('lrn_%d' % n, 'LRN', ['x1722'], {'nsize': n}, ['x1722'], dtypes=('float32',))
    c('lrn_params', 'LRN', ['x1522'], {'nsize': 3, 'alpha': 0.05, 'beta': 0.5, 'knorm': 1.5},
      ['x1522'], dtypes=('float32',))
    # UpSampling
    c('ups_nearest', 'UpSampling', ['x1223'], {'scale': 2, 'sample_type': 'nearest'}, ['x1223'])
    c('ups_nearest3', 'UpSampling', ['x1223'], {'scale': 3, 'sample_type': 'nearest'}, ['x1223'])
    c('ups_concat', 'UpSampling', ['x1244', 'x1144', 'x1211'], {'scale': 1, 'sample_type': 'nearest'},
      ['x1244', 'x1144', 'x1211'])
    c('ups_sum', 'UpSampling', ['x1223', 'x1223b'],
      {'scale': 2, 'sample_type': 'nearest', 'multi_input_mode': 'sum'}, ['x1223', 'x1223b'])
    c('ups_bilinear', 'UpSampling', ['x1223', 'w2144'],
      {'scale': 2, 'sample_type': 'bilinear', 'num_filter': 2}, ['x1223', 'w2144'])
    c('ups_bilinear3', 'UpSampling', ['x1223', 'w2155'],
      {'scale': 3, 'sample_type': 'bilinear', 'num_filter': 2}, ['x1223', 'w2155'])
    # regression outputs: the head gradient is ignored
    for op in ('LinearRegressionOutput', 'MAERegressionOutput', 'LogisticRegressionOutput'):
        c(op, op, ['x32', 'lab32_tie'], {}, ['x32'])
        c(op + '_scale', op, ['x34', 'lab34'], {'grad_scale': 2.5}, ['x34'])
        c(op + '_1d_label', op, ['x31', 'lab3'], {}, ['x31'])
        c(op + '_1d', op, ['x3', 'lab3'], {}, ['x3'])
        c(op + '_3d', op, ['x322', 'lab34'], {'grad_scale': 0.5}, ['x322'])
    # SVMOutput
    for tag, kw in [('', {}), ('_l1', {'use_linear': True}),
                    ('_margin', {'margin': 0.5, 'regularization_coefficient': 2.0}),
                    ('_l1_margin', {'margin': 0.5, 'regularization_coefficient': 2.0, 'use_linear': True})]:
        c('svm' + tag, 'SVMOutput', ['svm', 'svm_lab'], kw, ['svm'])
    c('svm_3d', 'SVMOutput', ['svm3', 'svm3_lab'], {}, ['svm3'])
    # CTCLoss (MXNet computes float32 only)
    f32 = dict(dtypes=('float32',))
    c('ctc', 'CTCLoss', ['ctc', 'ctc_lab'], {}, ['ctc'], **f32)
    c('ctc_repeat', 'CTCLoss', ['ctc', 'ctc_lab_rep'], {}, ['ctc'], **f32)
    c('ctc_empty', 'CTCLoss', ['ctc', 'ctc_lab_empty'], {}, ['ctc'], **f32)
    # (each new attribute set compiles a scan and its gradient: some cases are forward only)
    c('ctc_last', 'CTCLoss', ['ctc', 'ctc_lab_last'], {'blank_label': 'last'}, [], **f32)
    c('ctc_dlen', 'CTCLoss', ['ctc', 'ctc_lab', 'ctc_dlen'], {'use_data_lengths': True}, ['ctc'], **f32)
    # (a label longer than its data length also gets loss 0 in MXNet, but a nonzero gradient)
    c('ctc_infeasible', 'CTCLoss', ['ctc', 'ctc_lab_rep', 'ctc_dlen_short'],
      {'use_data_lengths': True}, [], **f32)
    c('ctc_llen', 'CTCLoss', ['ctc', 'ctc_lab_rep', 'label_lengths=ctc_llen'],
      {'use_label_lengths': True}, [], **f32)
    c('ctc_both_last', 'CTCLoss', ['ctc', 'ctc_lab_last', 'ctc_dlen', 'ctc_llen'],
      {'use_label_lengths': True, 'use_data_lengths': True, 'blank_label': 'last'}, ['ctc'], **f32)
    c('ctc_loss_alias', 'ctc_loss', ['ctc', 'ctc_lab'], {}, ['ctc'], **f32)
    # im2col / col2im (MXNet's 1-D im2col fails; 2-D here)
    c('im2col', 'im2col', ['x2234'], {'kernel': (2, 2)}, ['x2234'])
    c('im2col_geom', 'im2col', ['x1245'], {'kernel': (2, 3), 'stride': (1, 2), 'pad': (1, 1),
                                          'dilate': (2, 1)}, ['x1245'])
    c('col2im', 'col2im', ['c286'], {'output_size': (3, 4), 'kernel': (2, 2)}, ['c286'])
    c('col2im_geom', 'col2im', ['c2_12_6'], {'output_size': (4, 5), 'kernel': (2, 3),
                                            'stride': (2, 2), 'pad': (1, 0), 'dilate': (1, 1)},
      ['c2_12_6'])

    # bad input: MXNet raises MXNetError; mxjax must too, naming the argument
    er = dict(dtypes=('float32',), raises='MXNetError')
    c('err_seqmask_len_shape', 'SequenceMask', ['x432', 'len4'], {'use_sequence_length': True}, **er)
    c('err_seqmask_axis', 'SequenceMask', ['x432', 'len3'], {'use_sequence_length': True, 'axis': 2}, **er)
    c('err_seqrev_axis', 'SequenceReverse', ['x342', 'len3'], {'use_sequence_length': True, 'axis': 1}, **er)
    c('err_seqmask_no_len', 'SequenceMask', ['x432'], {'use_sequence_length': True}, **er)
    c('err_seqlast_1d', 'SequenceLast', ['x6'], {}, **er)
    c('err_hard_sigmoid_int', 'hard_sigmoid', ['len3_i'], {}, **er)
    c('err_l2n_mode', 'L2Normalization', ['x432'], {'mode': 'bogus'}, **er)
    c('err_l2n_channel_2d', 'L2Normalization', ['x23'], {'mode': 'channel'}, **er)
    c('err_groupnorm_groups', 'GroupNorm', ['x2432', 'g4', 'b4'], {'num_groups': 3}, **er)
    c('err_groupnorm_gamma', 'GroupNorm', ['x2432', 'g4', 'b4'], {'num_groups': 2}, **er)
    c('err_groupnorm_2d', 'GroupNorm', ['x34', 'g2', 'b2'], {'num_groups': 2}, **er)
    c('err_lrn_nsize', 'LRN', ['x1522'], {}, **er)
    c('err_lrn_3d', 'LRN', ['x432'], {'nsize': 3}, **er)
    c('err_ups_scale', 'UpSampling', ['x1223'], {'sample_type': 'nearest'}, **er)
    c('err_ups_sample_type', 'UpSampling', ['x1223'], {'scale': 2, 'sample_type': 'cubic'}, **er)
    c('err_ups_3d', 'UpSampling', ['x432'], {'scale': 2, 'sample_type': 'nearest'}, **er)
    c('err_ups_divide', 'UpSampling', ['x1223', 'x1244'], {'scale': 1, 'sample_type': 'nearest'}, **er)
    c('err_ups_bilinear_weight', 'UpSampling', ['x1223', 'w2155'],
      {'scale': 2, 'sample_type': 'bilinear', 'num_filter': 2}, **er)
    c('err_linreg_label', 'LinearRegressionOutput', ['x32', 'lab3'], {}, **er)
    c('err_svm_label', 'SVMOutput', ['svm', 'lab32'], {}, **er)
    c('err_ctc_blank', 'CTCLoss', ['ctc', 'ctc_lab'], {'blank_label': 'middle'}, **er)
    c('err_ctc_2d', 'CTCLoss', ['x34', 'ctc_lab'], {}, **er)
    c('err_ctc_batch', 'CTCLoss', ['ctc', 'lab34'], {}, **er)
    c('err_ctc_no_dlen', 'CTCLoss', ['ctc', 'ctc_lab'], {'use_data_lengths': True}, **er)
    c('err_im2col_kernel', 'im2col', ['x2234'], {'kernel': (5, 2)}, **er)
    c('err_im2col_int', 'im2col', ['xi2234'], {'kernel': (2, 2)}, **er)
    c('err_col2im_int', 'col2im', ['ci286'], {'output_size': (3, 4), 'kernel': (2, 2)}, **er)
    c('err_im2col_no_kernel', 'im2col', ['x2234'], {}, **er)
    c('err_im2col_stride', 'im2col', ['x2234'], {'kernel': (2, 2), 'stride': (0, 1)}, **er)
    c('err_col2im_blocks', 'col2im', ['c2_12_4'], {'output_size': (3, 4), 'kernel': (2, 2)}, **er)
    c('err_col2im_channels', 'col2im', ['c286'], {'output_size': (3, 4), 'kernel': (3, 3)}, **er)
    c('err_col2im_no_size', 'col2im', ['c286'], {'kernel': (2, 2)}, **er)
    return C


CASES = _cases()
INPUTS = _inputs()
_rs = np.random.RandomState(2)
INPUTS['x1223b'] = (_rs.randn(1, 2, 2, 3), 'f')
INPUTS['g1'] = (np.array([1.3]), 'f')
INPUTS['b1'] = (np.array([-0.4]), 'f')


def _split(arg):
    kw, _, key = arg.rpartition('=')
    return kw, key


def make_arrays(mx, spec):
    """The spec's input NDArrays by input name (in the case dtype unless an input has its own)."""
    out = {}
    for arg in spec['args']:
        key = _split(arg)[1]
        v, kind = INPUTS[key]
        out[key] = mx.nd.array(v, dtype=spec['dtype'] if kind == 'f' else kind)
    return out


def call(mx, spec, arrs):
    args = [arrs[a] for a in spec['args'] if '=' not in a]
    kw = {k: arrs[v] for k, v in map(_split, spec['args']) if k}
    return getattr(mx.nd, spec['op'])(*args, **kw, **spec['attrs'])


def head_grad(spec, shape, k=0):
    rs = np.random.RandomState(sum(spec['name'].encode()) + k)
    return rs.uniform(0.5, 1.5, size=shape)


def run_case(mx, spec):
    """Run one spec: outputs under autograd.record, then the gradients of a backward of the
    first output with a fixed head gradient; returns {key: numpy array}."""
    arrs = make_arrays(mx, spec)
    for g in spec['grad']:
        arrs[g].attach_grad()
    with mx.autograd.record(train_mode=spec['train']):
        y = call(mx, spec, arrs)
    ys = y if isinstance(y, (list, tuple)) else [y]
    res = {'out%d' % j: yj.asnumpy() for j, yj in enumerate(ys)}
    if spec['grad']:
        ys[0].backward(mx.nd.array(head_grad(spec, ys[0].shape), dtype=ys[0].dtype))
        for g in spec['grad']:
            res['grad_' + g] = arrs[g].grad.asnumpy()
    return res


def main():
    import mxnet as mx
    store = {}
    for spec in CASES:
        try:
            res = run_case(mx, spec)
        except Exception as e:  # recorded: the test checks that mxjax raises too
            if spec['raises'] is None:
                raise
            assert type(e).__name__ == spec['raises'], (spec['name'], e)
            spec['mx_raised'] = [ln for ln in str(e).strip().split('\n') if ln.strip()][-1][:200]
            continue
        assert spec['raises'] is None, (spec['name'], 'MXNet did not raise')
        for k, v in res.items():
            store['%s/%s' % (spec['name'], k)] = v
    for name, (v, kind) in INPUTS.items():
        store['input/' + name] = np.asarray(v)
    store['specs'] = np.array(json.dumps(CASES))
    np.savez_compressed(GOLDEN, **store)
    print('wrote %s: %d cases, %d arrays, %d bytes'
          % (GOLDEN, len(CASES), len(store), os.path.getsize(GOLDEN)))


if __name__ == '__main__':
    main()
