"""Golden values of the neural-network ops (mx.nd softmax ... smooth_l1), from real MXNet 1.9.1.

Regenerate with real MXNet:

    ~/mxref/bin/python compat_tests/golden/gen_ops_nn.py

which writes ops_nn.npz beside this file. Each case is a spec (op, argument names, attrs,
which inputs get gradients, train/predict mode); `run_case(mx, spec, arrays)` runs it on
either library: forward under autograd.record, backward with a fixed head gradient, then the
outputs, the gradients and the arrays an op updates in place (BatchNorm's moving stats).
test_ops_nn.py runs the same specs on mxjax. `second_order` cases take
autograd.grad(create_graph=True) and a backward of it; MXNet raises for most of them,
which is recorded as `raised` (the test then compares mxjax with jax.grad instead).
"""
import json
import os

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
GOLDEN = os.path.join(HERE, 'ops_nn.npz')


def _inputs():
    """name -> (float64 numpy value, kind) with kind 'f' (follows the case dtype) or a dtype."""
    rs = np.random.RandomState(0)
    a = {}

    def f(name, *shape, scale=1.0):
        a[name] = (rs.randn(*shape) * scale, 'f')

    f('x34', 3, 4)
    f('x234', 2, 3, 4)
    f('x45', 4, 5)
    f('x232', 2, 3, 2)
    f('x2223', 2, 2, 2, 3)
    f('x432', 4, 3, 2, scale=2.0)
    # exact zeros (gradient conventions at 0) and large values (softrelu's switch at 20)
    a['xz'] = (np.array([[-3.0, -1.0, 0.0, 0.5], [2.0, 0.0, -0.25, 25.0], [-30.0, 1.5, 4.0, -0.5]]), 'f')
    a['xs'] = (np.array([[-2.0, -0.3, 0.0, 0.2, 0.25, 0.26], [1.0, -1.0, 0.999, -0.1, 3.0, -0.25]]), 'f')
    a['len3'] = (np.array([1, 4, 2]), 'int32')
    a['g4'] = (rs.rand(4) + 0.5, 'f')
    a['g3'] = (rs.rand(3) + 0.5, 'f')
    a['g2'] = (rs.rand(2) + 0.5, 'f')
    a['g1'] = (np.array([0.3]), 'f')
    a['b4'] = (rs.randn(4), 'f')
    a['b3'] = (rs.randn(3), 'f')
    a['b2'] = (rs.randn(2), 'f')
    a['mm3'] = (rs.randn(3) * 0.5, 'f')
    a['mv3'] = (rs.rand(3) + 0.5, 'f')
    a['mm2'] = (rs.randn(2) * 0.5, 'f')
    a['mv2'] = (rs.rand(2) + 0.5, 'f')
    a['w35'] = (rs.randn(3, 5), 'f')
    a['w3_12'] = (rs.randn(3, 12), 'f')
    a['w64'] = (rs.randn(6, 4), 'f')
    a['b6'] = (rs.randn(6), 'f')
    a['emb'] = (rs.randn(6, 3), 'f')
    a['idx'] = (np.array([[0, 2, 5], [2, 2, 1.7], [-1, 7, 3]]), 'float32')
    a['idx_i'] = (np.array([4, 0, 4, 4]), 'int32')
    # labels share the data's dtype (MXNet requires it)
    a['lab4'] = (np.array([0, 2, -1, 1]), 'f')
    a['lab4b'] = (np.array([0, 4, 1, 2]), 'f')
    a['lab3'] = (np.array([0, 4, 1]), 'f')
    a['lab_multi'] = (np.array([[0, 2, -1, 1], [1, 1, 0, 2]]), 'f')
    a['lab_pres'] = (np.array([[0, 2, 3], [1, 3, 0]]), 'f')
    return a


def _cases():
    C = []

    def c(name, op, args, attrs=None, grad=(), train=True, post=(), dtypes=('float32', 'float64'),
          second_order=False, raises=None):
        for dt in dtypes:
            C.append(dict(name='%s_%s' % (name, dt), op=op, args=list(args), attrs=attrs or {},
                          grad=list(grad), train=train, post=list(post), dtype=dt,
                          second_order=second_order, raises=raises))

    # softmax family
    c('softmax', 'softmax', ['x34'], {}, ['x34'])
    c('softmax_ax0', 'softmax', ['x34'], {'axis': 0}, ['x34'])
    c('softmax_3d_t', 'softmax', ['x234'], {'axis': 1, 'temperature': 2.5}, ['x234'])
    c('softmax_to64', 'softmax', ['x34'], {'dtype': 'float64'}, ['x34'], dtypes=('float32',))
    c('softmax_len', 'softmax', ['x34', 'len3'], {'use_length': True}, ['x34'])
    c('log_softmax', 'log_softmax', ['x34'], {}, ['x34'])
    c('log_softmax_3d_t', 'log_softmax', ['x234'], {'axis': 1, 'temperature': 0.5}, ['x234'])
    c('softmin', 'softmin', ['x234'], {'axis': -1}, ['x234'])
    # (MXNet's SoftmaxActivation and InstanceNorm fail on float64; mxjax computes them)
    c('softmax_act_inst', 'SoftmaxActivation', ['x34'], {}, ['x34'], dtypes=('float32',))
    # (MXNet's backward of instance mode on >2-D data is not the softmax gradient: forward only)
    c('softmax_act_inst3d', 'SoftmaxActivation', ['x232'], {}, [], dtypes=('float32',))
    c('softmax_act_chan', 'SoftmaxActivation', ['x232'], {'mode': 'channel'}, ['x232'],
      dtypes=('float32',))
    # activations
    for t in ('relu', 'sigmoid', 'tanh', 'softrelu', 'softsign'):
        c('act_' + t, 'Activation', ['xz'], {'act_type': t}, ['xz'])
    c('leaky', 'LeakyReLU', ['xz'], {'act_type': 'leaky', 'slope': 0.1}, ['xz'])
    c('leaky_default', 'LeakyReLU', ['xz'], {}, ['xz'])
    c('elu', 'LeakyReLU', ['xz'], {'act_type': 'elu', 'slope': 0.7}, ['xz'])
    # (MXNet's selu backward multiplies the negative branch by lambda once too often: forward only)
    c('selu', 'LeakyReLU', ['xz'], {'act_type': 'selu'}, [])
    c('gelu', 'LeakyReLU', ['x234'], {'act_type': 'gelu'}, ['x234'])
    c('prelu', 'LeakyReLU', ['x234', 'g3'], {'act_type': 'prelu'}, ['x234', 'g3'])
    c('prelu_scalar', 'LeakyReLU', ['xz', 'g1'], {'act_type': 'prelu'}, ['xz', 'g1'])
    # (MXNet's rrelu backward in predict mode gives x * slope, not slope: forward only)
    c('rrelu_predict', 'LeakyReLU', ['xz'], {'act_type': 'rrelu'}, [], train=False)
    # FullyConnected
    c('fc', 'FullyConnected', ['x45', 'w35', 'b3'], {'num_hidden': 3}, ['x45', 'w35', 'b3'])
    c('fc_nobias', 'FullyConnected', ['x45', 'w35'], {'num_hidden': 3, 'no_bias': True}, ['x45', 'w35'])
    c('fc_flatten', 'FullyConnected', ['x234', 'w3_12', 'b3'], {'num_hidden': 3}, ['x234', 'w3_12', 'b3'])
    c('fc_noflatten', 'FullyConnected', ['x234', 'w64', 'b6'], {'num_hidden': 6, 'flatten': False},
      ['x234', 'w64', 'b6'])
    # BatchNorm: training (batch stats, moving stats updated by the step), predict, global stats
    bn = ['x432', 'g3', 'b3', 'mm3', 'mv3']
    c('bn_train', 'BatchNorm', bn, {}, bn[:3], post=['mm3', 'mv3', 'g3'])
    c('bn_train_gamma', 'BatchNorm', bn, {'fix_gamma': False, 'momentum': 0.5}, bn[:3],
      post=['mm3', 'mv3', 'g3'])
    c('bn_train_meanvar', 'BatchNorm', bn, {'fix_gamma': False, 'output_mean_var': True, 'eps': 1e-4},
      bn[:3], post=['mm3', 'mv3'])
    c('bn_predict', 'BatchNorm', bn, {'fix_gamma': False}, ['g3', 'b3'], train=False,
      post=['mm3', 'mv3'])
    c('bn_predict_meanvar', 'BatchNorm', bn, {'fix_gamma': False, 'output_mean_var': True}, [],
      train=False, post=['mm3', 'mv3'])
    c('bn_global', 'BatchNorm', bn, {'fix_gamma': False, 'use_global_stats': True}, bn[:3],
      post=['mm3', 'mv3'])
    c('bn_axis_last', 'BatchNorm', ['x432', 'g2', 'b2', 'mm2', 'mv2'], {'axis': -1, 'fix_gamma': False},
      ['x432', 'g2', 'b2'], post=['mm2', 'mv2'])
    # LayerNorm / InstanceNorm
    c('layernorm', 'LayerNorm', ['x34', 'g4', 'b4'], {}, ['x34', 'g4', 'b4'])
    c('layernorm_ax1', 'LayerNorm', ['x234', 'g3', 'b3'], {'axis': 1, 'output_mean_var': True, 'eps': 1e-3},
      ['x234', 'g3', 'b3'])
    c('instancenorm', 'InstanceNorm', ['x234', 'g3', 'b3'], {}, ['x234', 'g3', 'b3'],
      dtypes=('float32',))
    c('instancenorm_4d', 'InstanceNorm', ['x2223', 'g2', 'b2'], {'eps': 1e-2}, ['x2223', 'g2', 'b2'],
      dtypes=('float32',))
    # Embedding: clipped/truncated indices; the weight gradient adds up repeated rows
    c('embedding', 'Embedding', ['idx', 'emb'], {'input_dim': 6, 'output_dim': 3}, ['emb'])
    c('embedding_int', 'Embedding', ['idx_i', 'emb'], {'input_dim': 6, 'output_dim': 3}, ['emb'])
    # SoftmaxOutput: the head gradient is ignored
    for tag, kw in [('', {}), ('_batch', {'normalization': 'batch'}), ('_valid', {'normalization': 'valid'}),
                    ('_ignore', {'use_ignore': True}),
                    ('_ignore_valid', {'use_ignore': True, 'normalization': 'valid'}),
                    ('_scale', {'grad_scale': 2.5, 'normalization': 'batch'}),
                    ('_smooth', {'smooth_alpha': 0.1})]:
        c('softmax_output' + tag, 'SoftmaxOutput', ['x45', 'lab4b' if tag == '_smooth' else 'lab4'],
          kw, ['x45'])
    for tag, kw in [('', {}), ('_batch', {'normalization': 'batch'}),
                    ('_valid_ignore', {'normalization': 'valid', 'use_ignore': True})]:
        kw = dict(kw, multi_output=True)
        c('softmax_output_multi' + tag, 'SoftmaxOutput', ['x234', 'lab_multi'], kw, ['x234'])
    c('softmax_output_preserve', 'SoftmaxOutput', ['x234', 'lab_pres'],
      {'preserve_shape': True, 'normalization': 'valid', 'use_ignore': True, 'ignore_label': 3}, ['x234'])
    c('softmax_output_flat3d', 'SoftmaxOutput', ['x234', 'lab_pres'], {}, ['x234'])
    c('Softmax_alias', 'Softmax', ['x45', 'lab4'], {}, ['x45'], dtypes=('float32',))
    c('softmax_ce', 'softmax_cross_entropy', ['x45', 'lab4b'], {}, ['x45'])
    for s in (1.0, 2.0, 0.5):
        c('smooth_l1_%g' % s, 'smooth_l1', ['xs'], {'scalar': s}, ['xs'])

    # second order: grad(create_graph=True) then backward
    so = dict(dtypes=('float64',), second_order=True)
    c('so_softmax', 'softmax', ['x34'], {}, ['x34'], **so)
    c('so_log_softmax', 'log_softmax', ['x34'], {'axis': 0}, ['x34'], **so)
    for t in ('sigmoid', 'tanh', 'softrelu', 'softsign'):
        c('so_act_' + t, 'Activation', ['x34'], {'act_type': t}, ['x34'], **so)
    for t, kw in [('elu', {'slope': 0.7}), ('selu', {}), ('gelu', {})]:
        c('so_' + t, 'LeakyReLU', ['x34'], dict(kw, act_type=t), ['x34'], **so)
    c('so_fc', 'FullyConnected', ['x45', 'w35', 'b3'], {'num_hidden': 3}, ['x45', 'w35'], **so)

    # bad input: MXNet raises MXNetError; mxjax must too, naming the argument
    er = dict(dtypes=('float32',), raises='MXNetError')
    c('err_fc_weight', 'FullyConnected', ['x45', 'w3_12', 'b3'], {'num_hidden': 3}, **er)
    c('err_fc_bias', 'FullyConnected', ['x45', 'w35', 'b4'], {'num_hidden': 3}, **er)
    c('err_fc_num_hidden', 'FullyConnected', ['x45', 'w35', 'b3'], {'num_hidden': 4}, **er)
    c('err_fc_missing_bias', 'FullyConnected', ['x45', 'w35'], {'num_hidden': 3}, **er)
    c('err_act_type', 'Activation', ['x34'], {'act_type': 'swish'}, **er)
    c('err_leaky_type', 'LeakyReLU', ['x34'], {'act_type': 'swish'}, **er)
    c('err_dropout_p', 'Dropout', ['x34'], {'p': 1.5}, **er)
    c('err_dropout_p_neg', 'Dropout', ['x34'], {'p': -0.1}, **er)
    c('err_layernorm_gamma', 'LayerNorm', ['x34', 'g3', 'b4'], {}, **er)
    c('err_embedding_weight', 'Embedding', ['idx', 'emb'], {'input_dim': 5, 'output_dim': 3}, **er)
    c('err_softmax_axis', 'softmax', ['x34'], {'axis': 2}, **er)
    c('err_sce_label', 'softmax_cross_entropy', ['x45', 'lab3'], {}, **er)
    c('err_so_label_dtype', 'SoftmaxOutput', ['x45', 'idx_i'], {}, **er)
    c('err_act_int', 'Activation', ['idx_i'], {'act_type': 'relu'}, **er)
    return C


CASES = _cases()
INPUTS = _inputs()


def make_arrays(mx, spec, values=None):
    """The spec's input NDArrays (in the case dtype unless an input has its own)."""
    out = {}
    for name in spec['args']:
        v, kind = INPUTS[name]
        if values is not None:
            v = values[name]
        out[name] = mx.nd.array(v, dtype=spec['dtype'] if kind == 'f' else kind)
    return out


def head_grad(spec, shape, k=0):
    rs = np.random.RandomState(sum(spec['name'].encode()) + k)
    return rs.uniform(0.5, 1.5, size=shape)


def run_case(mx, spec):
    """Run one spec; returns {key: numpy array} (or raises what the op raises)."""
    arrs = make_arrays(mx, spec)
    for g in spec['grad']:
        arrs[g].attach_grad()
    f = getattr(mx.nd, spec['op'])
    args = [arrs[a] for a in spec['args']]
    res = {}
    if spec['second_order']:
        x = arrs[spec['grad'][0]]
        with mx.autograd.record():
            y = f(*args, **spec['attrs'])
            hg = mx.nd.array(head_grad(spec, y.shape), dtype=y.dtype)
            gs = mx.autograd.grad([y], [arrs[g] for g in spec['grad']], head_grads=[hg],
                                  create_graph=True)
            z = sum((gi * mx.nd.array(head_grad(spec, gi.shape, 1 + i), dtype=gi.dtype)).sum()
                    for i, gi in enumerate(gs))
        z.backward()
        for i, gi in enumerate(gs):
            res['grad1_%d' % i] = gi.asnumpy()
        res['grad2'] = x.grad.asnumpy()
        return res
    with mx.autograd.record(train_mode=spec['train']):
        y = f(*args, **spec['attrs'])
    ys = y if isinstance(y, (list, tuple)) else [y]
    if spec['attrs'].get('act_type') == 'rrelu':
        ys = ys[:1]   # MXNet also returns rrelu's internal mask while recording; mxjax does not
    for j, yj in enumerate(ys):
        res['out%d' % j] = yj.asnumpy()
    if spec['grad']:
        ys[0].backward(mx.nd.array(head_grad(spec, ys[0].shape), dtype=ys[0].dtype))
        for g in spec['grad']:
            res['grad_' + g] = arrs[g].grad.asnumpy()
    for p in spec['post']:
        res['post_' + p] = arrs[p].asnumpy()
    return res


def main():
    import mxnet as mx
    store = {}
    for spec in CASES:
        try:
            res = run_case(mx, spec)
        except Exception as e:  # recorded: the test checks that mxjax raises too
            if spec['raises'] is None and not spec['second_order']:
                raise
            assert type(e).__name__ == (spec['raises'] or 'MXNetError'), (spec['name'], e)
            spec['mx_raised'] = str(e).strip().split('\n')[-1][:200]
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
    for spec in CASES:
        if spec.get('mx_raised') and spec['second_order']:
            print('MXNet raised (second order):', spec['name'], spec['mx_raised'][:100])


if __name__ == '__main__':
    main()
