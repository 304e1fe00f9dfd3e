"""Golden values of gluon.loss, gluon.utils and gluon.Trainer from MXNet 1.9.1.

Run with MXNet: ~/mxref/bin/python compat_tests/golden/gen_gluon_train.py  (writes gluon_train.json/.npz)

Every case is a function of the module `mx` returning {key: value} (arrays to the .npz as
'case/key', the rest to the .json); test_gluon_train.py runs the same functions on mxjax.
"""
import json
import os
import tempfile
import warnings

import numpy as np

from gen_gluon import err, fresh, set_params, values

HERE = os.path.dirname(os.path.abspath(__file__))
CASES = {}


def case(fn):
    CASES[fn.__name__] = fn
    return fn


# ---------------------------------------------------------------- losses: value and gradients
def _labels(shape, seed, classes):
    return np.random.RandomState(seed).randint(0, classes, shape).astype('float32')


def _signs(shape, seed):
    return np.where(np.random.RandomState(seed).rand(*shape) > 0.5, 1.0, -1.0).astype('float32')


LOSSES = {
    # name: (make(loss module), [input arrays], index of inputs that get gradients)
    'l2': (lambda L: L.L2Loss(), lambda: [values((3, 4), 1), values((3, 4), 2)]),
    'l2_weight_sw': (lambda L: L.L2Loss(weight=2.0), lambda: [values((3, 4), 1), values((3, 4), 2),
                                                              values((3, 1), 3, 0, 1)]),
    'l2_label_reshaped': (lambda L: L.L2Loss(), lambda: [values((3, 1), 1), values((3,), 2)]),
    'l1': (lambda L: L.L1Loss(), lambda: [values((3, 4), 1), values((3, 4), 2)]),
    'l1_batch_axis1': (lambda L: L.L1Loss(weight=0.5, batch_axis=1), lambda: [values((3, 4), 1), values((3, 4), 2)]),
    'sbce': (lambda L: L.SigmoidBinaryCrossEntropyLoss(), lambda: [values((3, 4), 1, -3, 3), _labels((3, 4), 2, 2)]),
    'sbce_from_sigmoid': (lambda L: L.SigmoidBCELoss(from_sigmoid=True),
                          lambda: [values((3, 4), 1, 0.05, 0.95), _labels((3, 4), 2, 2)]),
    'sbce_pos_weight': (lambda L: L.SigmoidBCELoss(), lambda: [values((3, 4), 1, -3, 3), _labels((3, 4), 2, 2),
                                                               None, values((1, 4), 3, 0.5, 2)]),
    'sbce_sigmoid_pos_weight': (lambda L: L.SigmoidBCELoss(from_sigmoid=True),
                                lambda: [values((3, 4), 1, 0.05, 0.95), _labels((3, 4), 2, 2), values((3, 1), 4, 0, 1),
                                         values((1, 4), 3, 0.5, 2)]),
    'softmax_ce': (lambda L: L.SoftmaxCrossEntropyLoss(), lambda: [values((4, 5), 1, -2, 2), _labels((4,), 2, 5)]),
    'softmax_ce_dense': (lambda L: L.SoftmaxCELoss(sparse_label=False),
                         lambda: [values((4, 5), 1, -2, 2), values((4, 5), 2, 0, 0.4)]),
    'softmax_ce_logits_axis': (lambda L: L.SoftmaxCELoss(axis=1, from_logits=True, weight=0.7),
                               lambda: [values((2, 3, 4), 1, -3, -0.1), _labels((2, 4), 2, 3)]),
    'softmax_ce_sample_weight': (lambda L: L.SoftmaxCELoss(), lambda: [values((4, 5), 1, -2, 2), _labels((4,), 2, 5),
                                                                       values((4, 1), 3, 0, 1)]),
    'kldiv': (lambda L: L.KLDivLoss(), lambda: [values((3, 4), 1, -3, -0.1), values((3, 4), 2, 0.05, 0.5)]),
    'kldiv_logits': (lambda L: L.KLDivLoss(from_logits=False),
                     lambda: [values((3, 4), 1), values((3, 4), 2, 0.05, 0.5)]),
    'huber': (lambda L: L.HuberLoss(rho=0.5), lambda: [values((3, 4), 1, -2, 2), values((3, 4), 2)]),
    'hinge': (lambda L: L.HingeLoss(), lambda: [values((3, 4), 1, -2, 2), _signs((3, 4), 2)]),
    'sq_hinge': (lambda L: L.SquaredHingeLoss(margin=0.5), lambda: [values((3, 4), 1, -2, 2), _signs((3, 4), 2)]),
    'logistic_signed': (lambda L: L.LogisticLoss(), lambda: [values((3, 4), 1, -3, 3), _signs((3, 4), 2)]),
    'logistic_binary': (lambda L: L.LogisticLoss(label_format='binary'),
                        lambda: [values((3, 4), 1, -3, 3), _labels((3, 4), 2, 2)]),
    'triplet': (lambda L: L.TripletLoss(margin=0.3), lambda: [values((3, 4), 1), values((3, 4), 2), values((3, 4), 3)]),
    'poisson': (lambda L: L.PoissonNLLLoss(), lambda: [values((3, 4), 1), values((3, 4), 2, 0, 4)]),
    'poisson_full': (lambda L: L.PoissonNLLLoss(from_logits=False, compute_full=True),
                     lambda: [values((3, 4), 1, 0.5, 3), values((3, 4), 2, 0.5, 4)]),
    'cosine': (lambda L: L.CosineEmbeddingLoss(margin=0.1),
               lambda: [values((4, 3), 1), values((4, 3), 2), _signs((4,), 3)]),
    'sdml': (lambda L: L.SDMLLoss(), lambda: [values((4, 3), 1), values((4, 3), 2)]),
    'ctc': (lambda L: L.CTCLoss(), lambda: [values((2, 6, 4), 1, -2, 2), np.array([[0, 1, 2], [1, 1, -1]], 'float32')]),
    'ctc_tnc_lengths': (lambda L: L.CTCLoss(layout='TNC', label_layout='TN'),
                        lambda: [values((6, 2, 4), 1, -2, 2), np.array([[0, 1], [2, 1], [1, 0]], 'float32'),
                                 np.array([6, 5], 'float32'), np.array([3, 2], 'float32')]),
}


def _loss_case(name):
    make, inputs = LOSSES[name]

    def run(mx):
        fresh(mx)
        nd = mx.nd
        loss = make(mx.gluon.loss)
        arrays = [None if a is None else nd.array(a) for a in inputs()]
        arrays[0].attach_grad()
        try:
            with mx.autograd.record():
                out = loss(*arrays)
        except Exception as e:  # noqa: BLE001 -- MXNet's error is the fact (e.g. an in-place op while recording)
            out = loss(*arrays)
            return {'recorded': type(e).__name__, 'out': out.asnumpy(), 'repr': repr(loss)}
        out.backward(nd.array(values(out.shape, 9, 0.5, 1.5)))
        return {'out': out.asnumpy(), 'pred_grad': arrays[0].grad.asnumpy(), 'repr': repr(loss),
                'shape': list(out.shape)}
    run.__name__ = 'loss_' + name
    return run


for _name in LOSSES:
    case(_loss_case(_name))


@case
def loss_errors(mx):
    L = mx.gluon.loss
    return {'logistic_format': err(lambda: L.LogisticLoss(label_format='x')),
            'ctc_layout': err(lambda: L.CTCLoss(layout='NCT')),
            'ctc_label_layout': err(lambda: L.CTCLoss(label_layout='TT')),
            'weight_not_number': err(lambda: L.L1Loss(weight='a')(mx.nd.ones((2, 2)), mx.nd.ones((2, 2)))),
            'l2_bad_label': err(lambda: L.L2Loss()(mx.nd.ones((2, 2)), mx.nd.ones((3,)))),
            'names': [L.L2Loss().name, L.SoftmaxCELoss().name, L.SigmoidBCELoss(prefix='my_').prefix]}


# ---------------------------------------------------------------- gluon.utils
@case
def utils_split(mx):
    nd, U = mx.nd, mx.gluon.utils
    x = nd.array(np.arange(24, dtype='float32').reshape(6, 4))
    res = {}
    for k, (n, axis, even) in {'even': (3, 0, True), 'uneven': (4, 0, False), 'axis1': (2, 1, True),
                               'axis1_uneven': (3, 1, False)}.items():
        parts = U.split_data(x, n, batch_axis=axis, even_split=even)
        for i, p in enumerate(parts):
            res['%s_%d' % (k, i)] = p.asnumpy()
    res['uneven_error'] = err(lambda: U.split_data(x, 4))
    loaded = U.split_and_load(np.arange(12, dtype='float64').reshape(6, 2), [mx.cpu(0), mx.cpu(1)])
    res['loaded'] = [[str(p.context), list(p.shape), np.dtype(p.dtype).name] for p in loaded]
    res['loaded_1'] = loaded[1].asnumpy()
    one = U.split_and_load(x, [mx.cpu(0)])
    res['one'] = [len(one), list(one[0].shape)]
    res['shape_is_known'] = [U.shape_is_known(s) for s in [(2, 3), (2, 0), (), None]]
    return res


@case
def utils_clip_global_norm(mx):
    nd, U = mx.nd, mx.gluon.utils
    arrs = [nd.array(values((3, 4), 1)), nd.array(values((5,), 2))]
    norm = U.clip_global_norm(arrs, 0.5)
    res = {'norm': float(norm), 'a0': arrs[0].asnumpy(), 'a1': arrs[1].asnumpy()}
    small = [nd.array(values((3,), 3, -0.1, 0.1))]
    res['unclipped_norm'] = float(U.clip_global_norm(small, 10.0))
    res['unclipped'] = small[0].asnumpy()
    lazy = U.clip_global_norm([nd.array(values((2, 2), 4))], 0.1, check_isfinite=False)
    res['nd_norm'] = [type(lazy).__name__, list(lazy.shape), lazy.asnumpy().tolist()]
    with warnings.catch_warnings(record=True) as ws:
        warnings.simplefilter('always')
        U.clip_global_norm([nd.array([np.inf, 1.0])], 1.0)
    res['inf_warns'] = [w.category.__name__ for w in ws]
    return res


# ---------------------------------------------------------------- Trainer
def _net(mx, ctx=None):
    fresh(mx)
    nn = mx.gluon.nn
    net = nn.HybridSequential()
    with net.name_scope():
        net.add(nn.Dense(4, activation='tanh', in_units=3), nn.Dense(2, in_units=4))
    net.initialize(ctx=ctx)
    set_params(net)
    return net


def _train(mx, net, trainer, steps, ctxs=None, batch=4):
    """Steps of a recorded L2 loss on fixed data; the loss of each step and the parameters after."""
    nd, ag = mx.nd, mx.autograd
    lf = mx.gluon.loss.L2Loss()
    res = {}
    for s in range(steps):
        x, y = values((batch, 3), 10 + s), values((batch, 2), 20 + s)
        if ctxs:
            xs = mx.gluon.utils.split_and_load(x, ctxs)
            ys = mx.gluon.utils.split_and_load(y, ctxs)
            with ag.record():
                losses = [lf(net(a), b) for a, b in zip(xs, ys)]
            for lo in losses:
                lo.backward()
            res['loss%d' % s] = np.concatenate([lo.asnumpy() for lo in losses])
        else:
            with ag.record():
                lo = lf(net(nd.array(x)), nd.array(y))
            lo.backward()
            res['loss%d' % s] = lo.asnumpy()
        trainer.step(batch)
    for name, p in sorted(net.collect_params().items()):
        res['param:' + name.split('_', 1)[1]] = p.data().asnumpy()
    return res


OPTIMIZERS = {
    'sgd': ('sgd', {'learning_rate': 0.1}),
    'sgd_momentum_wd': ('sgd', {'learning_rate': 0.1, 'momentum': 0.9, 'wd': 0.01}),
    'sgd_clip_rescale': ('sgd', {'learning_rate': 0.2, 'clip_gradient': 0.05, 'rescale_grad': 2.0}),
    'adam': ('adam', {'learning_rate': 0.01}),
    'nag': ('nag', {'learning_rate': 0.05, 'momentum': 0.8}),
    'rmsprop': ('rmsprop', {'learning_rate': 0.01}),
    'adagrad': ('adagrad', {'learning_rate': 0.1}),
}


def _trainer_case(name):
    opt, params = OPTIMIZERS[name]

    def run(mx):
        net = _net(mx)
        trainer = mx.gluon.Trainer(net.collect_params(), opt, dict(params))
        res = _train(mx, net, trainer, 3)
        res['learning_rate'] = trainer.learning_rate
        return res
    run.__name__ = 'trainer_' + name
    return run


for _name in OPTIMIZERS:
    case(_trainer_case(_name))


@case
def trainer_lr_mult_and_set_learning_rate(mx):
    net = _net(mx)
    net[0].weight.lr_mult = 0.0
    net[1].bias.wd_mult = 5.0
    trainer = mx.gluon.Trainer(net.collect_params(), 'sgd', {'learning_rate': 0.1, 'wd': 0.1})
    res = _train(mx, net, trainer, 1)
    trainer.set_learning_rate(0.5)
    res.update({'after:' + k: v for k, v in _train(mx, net, trainer, 1).items()})
    res['lr'] = trainer.learning_rate
    return res


@case
def trainer_optimizer_instance_and_update(mx):
    net = _net(mx)
    optimizer = mx.optimizer.SGD(learning_rate=0.3, momentum=0.5)
    trainer = mx.gluon.Trainer(net.collect_params(), optimizer)
    nd, ag = mx.nd, mx.autograd
    lf = mx.gluon.loss.L2Loss()
    with ag.record():
        lo = lf(net(nd.array(values((4, 3), 1))), nd.array(values((4, 2), 2)))
    lo.backward()
    trainer.allreduce_grads()
    trainer.update(2)
    res = {'param:' + k.split('_', 1)[1]: p.data().asnumpy() for k, p in net.collect_params().items()}
    res['params_error'] = err(lambda: mx.gluon.Trainer(net.collect_params(), optimizer, {'learning_rate': 1}))
    res['bad_params'] = err(lambda: mx.gluon.Trainer(net.collect_params().values(), 'sgd'))
    res['bad_list'] = err(lambda: mx.gluon.Trainer([1, 2], 'sgd'))
    res['unknown_optimizer'] = err(lambda: mx.gluon.Trainer(net.collect_params(), 'nosuchopt'))
    return res


@case
def trainer_stale_gradient(mx):
    net = _net(mx)
    trainer = mx.gluon.Trainer(net.collect_params(), 'sgd', {'learning_rate': 0.1})
    nd, ag = mx.nd, mx.autograd
    with ag.record():
        lo = net[0](nd.array(values((4, 3), 1))).sum()   # only the first layer gets gradients
    lo.backward()
    before = {k: p.data().asnumpy() for k, p in net.collect_params().items()}
    res = {'stale': err(lambda: trainer.step(4))}
    res['unchanged'] = all(np.array_equal(before[k], p.data().asnumpy()) for k, p in net.collect_params().items())
    trainer.step(4, ignore_stale_grad=True)
    res.update({'param:' + k.split('_', 1)[1]: p.data().asnumpy() for k, p in net.collect_params().items()})
    res['again_stale'] = err(lambda: trainer.step(4))
    return res


@case
def trainer_save_load_states(mx):
    net = _net(mx)
    trainer = mx.gluon.Trainer(net.collect_params(), 'adam', {'learning_rate': 0.05})
    _train(mx, net, trainer, 2)
    fname = os.path.join(tempfile.mkdtemp(), 'trainer.states')
    trainer.save_states(fname)
    saved = {k: p.data().copy() for k, p in net.collect_params().items()}
    res = {'first:' + k: v for k, v in _train(mx, net, trainer, 1).items()}
    for k, p in net.collect_params().items():
        p.set_data(saved[k])
    fresh_trainer = mx.gluon.Trainer(net.collect_params(), 'adam', {'learning_rate': 0.5})
    fresh_trainer.load_states(fname)
    res.update({'again:' + k: v for k, v in _train(mx, net, fresh_trainer, 1).items()})
    res['loaded_lr'] = fresh_trainer.learning_rate
    res['num_update'] = fresh_trainer._optimizer.num_update
    return res


@case
def trainer_two_contexts(mx):
    ctxs = [mx.cpu(0), mx.cpu(1)]
    net = _net(mx, ctxs)
    trainer = mx.gluon.Trainer(net.collect_params(), 'sgd', {'learning_rate': 0.1, 'momentum': 0.9})
    res = _train(mx, net, trainer, 3, ctxs)
    for k, p in net.collect_params().items():
        res['ctx1:' + k.split('_', 1)[1]] = p.data(mx.cpu(1)).asnumpy()
    return res


@case
def trainer_two_contexts_no_kvstore(mx):
    ctxs = [mx.cpu(0), mx.cpu(1)]
    net = _net(mx, ctxs)
    trainer = mx.gluon.Trainer(net.collect_params(), 'sgd', {'learning_rate': 0.1}, kvstore=None)
    res = _train(mx, net, trainer, 2, ctxs)
    for k, p in net.collect_params().items():
        res['ctx1:' + k.split('_', 1)[1]] = p.data(mx.cpu(1)).asnumpy()
    return res


def main():
    import mxnet as mx
    facts, arrays = {}, {}
    for name, fn in CASES.items():
        with warnings.catch_warnings():
            warnings.simplefilter('ignore')
            res = fn(mx)
        facts[name] = {}
        for k, v in res.items():
            if isinstance(v, np.ndarray):
                arrays['%s/%s' % (name, k)] = v
            else:
                facts[name][k] = v
    with open(os.path.join(HERE, 'gluon_train.json'), 'w') as f:
        json.dump(facts, f, indent=1, sort_keys=True)
    np.savez_compressed(os.path.join(HERE, 'gluon_train.npz'), **arrays)
    print('%d cases, %d arrays' % (len(facts), len(arrays)))


if __name__ == '__main__':
    main()
