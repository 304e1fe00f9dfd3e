"""Golden facts and values of mx.gluon (Parameter, ParameterDict, Block, HybridBlock, gluon.nn and
gluon.contrib.nn layers) from MXNet 1.9.1.

Run with MXNet: ~/mxref/bin/python compat_tests/golden/gen_gluon.py
(writes gluon.json, gluon.npz and the .params files under gluon/).

Every case is a function of the module `mx` (mxnet, or mxjax with mxjax.gluon imported) returning
{key: value}: NumPy arrays go to gluon.npz as 'case/key', the rest to gluon.json. test_gluon.py
runs the same functions on mxjax and compares. Parameters get fixed values (set_params), so
outputs and gradients are comparable; random draws (initializers, Dropout) are summarized as
facts (bounds, rates) instead.
"""
import contextlib
import io
import json
import os
import warnings

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
PARAMS_DIR = os.path.join(HERE, 'gluon')
CASES = {}


def case(fn):
    CASES[fn.__name__] = fn
    return fn


# ---------------------------------------------------------------- helpers (both frameworks)
def fresh(mx):
    """Restart the top-level block counters (dense0_, ...), so names do not depend on what ran before."""
    if hasattr(mx, 'name'):
        mx.name.NameManager._current.value = mx.name.NameManager()
    else:
        mx.gluon.block._NAMES.counter.clear()


def values(shape, seed, low=-1.0, high=1.0):
    return np.random.RandomState(seed).uniform(low, high, shape).astype('float32')


def set_params(block, seed=0):
    """Fixed values for every Parameter (running variances positive)."""
    for i, (name, p) in enumerate(sorted(block.collect_params().items())):
        low = 0.5 if name.endswith('running_var') else -1.0
        p.set_data(values(p.shape, seed + i, low, low + 2.0 if low < 0 else 1.5))


def err(fn):
    """The name of the exception fn() raises, or 'ok'."""
    try:
        fn()
    except Exception as e:   # noqa: BLE001 -- the type is the fact recorded
        return type(e).__name__
    return 'ok'


def warns(fn):
    """The categories of the warnings fn() emits (gluon's own: UserWarning)."""
    with warnings.catch_warnings(record=True) as ws:
        warnings.simplefilter('always')
        fn()
    return [w.category.__name__ for w in ws if issubclass(w.category, UserWarning)]


def stdout_of(fn):
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        fn()
    return buf.getvalue()


def param_facts(block):
    return {k[len(block.prefix):]: [list(p.shape), np.dtype(p.dtype).name, p.grad_req]
            for k, p in block.collect_params().items()}


def forward_backward(mx, block, x, train=True, x_grad=True):
    """Output, input gradient, Parameter gradients and Parameter values after one recorded forward
    and backward with a fixed head gradient."""
    nd = mx.nd
    x = nd.array(x)
    if x_grad:
        x.attach_grad()
    with mx.autograd.record(train_mode=train):
        y = block(x)
    y.backward(nd.array(values(y.shape, 99)))
    res = {'out': y.asnumpy(), 'out_dtype': np.dtype(y.dtype).name}
    if x_grad:
        res['x_grad'] = x.grad.asnumpy()
    for name, p in block.collect_params().items():
        key = name[len(block.prefix):]
        if p.grad_req != 'null':
            res['grad:' + key] = p.grad().asnumpy()
        res['after:' + key] = p.data().asnumpy()
    return res


# ---------------------------------------------------------------- every layer: forward and gradients
def _contrib(mx):
    return mx.gluon.contrib.nn


LAYERS = {
    # name: (make(mx) -> block, input shape, train mode)
    'dense': (lambda mx: mx.gluon.nn.Dense(4, in_units=5), (2, 5), True),
    'dense_act_noflatten': (lambda mx: mx.gluon.nn.Dense(3, activation='tanh', flatten=False, in_units=4),
                            (2, 3, 4), True),
    'dense_nobias_flatten': (lambda mx: mx.gluon.nn.Dense(3, use_bias=False, in_units=6), (2, 2, 3), True),
    'batchnorm_train': (lambda mx: mx.gluon.nn.BatchNorm(in_channels=3), (4, 3, 2), True),
    'batchnorm_predict': (lambda mx: mx.gluon.nn.BatchNorm(in_channels=3), (4, 3, 2), False),
    'batchnorm_last_axis_fixed': (lambda mx: mx.gluon.nn.BatchNorm(axis=-1, momentum=0.8, epsilon=1e-3, scale=False,
                                                                   center=False, in_channels=3), (4, 2, 3), True),
    'batchnorm_global_stats': (lambda mx: mx.gluon.nn.BatchNorm(use_global_stats=True, in_channels=3),
                               (4, 3), True),
    'layernorm': (lambda mx: mx.gluon.nn.LayerNorm(in_channels=4), (2, 3, 4), True),
    'layernorm_axis1': (lambda mx: mx.gluon.nn.LayerNorm(axis=1, epsilon=1e-3, in_channels=3), (2, 3, 4), True),
    'instancenorm': (lambda mx: mx.gluon.nn.InstanceNorm(scale=True, in_channels=3), (2, 3, 4), True),
    'instancenorm_axis2': (lambda mx: mx.gluon.nn.InstanceNorm(axis=2, in_channels=4), (2, 3, 4), True),
    'groupnorm': (lambda mx: mx.gluon.nn.GroupNorm(num_groups=2), (2, 4, 3), True),
    'flatten': (lambda mx: mx.gluon.nn.Flatten(), (2, 3, 2), True),
    'relu': (lambda mx: mx.gluon.nn.Activation('relu'), (2, 5), True),
    'sigmoid': (lambda mx: mx.gluon.nn.Activation('sigmoid'), (2, 5), True),
    'tanh': (lambda mx: mx.gluon.nn.Activation('tanh'), (2, 5), True),
    'softrelu': (lambda mx: mx.gluon.nn.Activation('softrelu'), (2, 5), True),
    'softsign': (lambda mx: mx.gluon.nn.Activation('softsign'), (2, 5), True),
    'leakyrelu': (lambda mx: mx.gluon.nn.LeakyReLU(0.1), (2, 5), True),
    'prelu': (lambda mx: mx.gluon.nn.PReLU(), (2, 5), True),
    'prelu_channels': (lambda mx: mx.gluon.nn.PReLU(in_channels=3), (2, 3, 2), True),
    'elu': (lambda mx: mx.gluon.nn.ELU(0.7), (2, 5), True),
    'selu': (lambda mx: mx.gluon.nn.SELU(), (2, 5), True),
    'gelu': (lambda mx: mx.gluon.nn.GELU(), (2, 5), True),
    'swish': (lambda mx: mx.gluon.nn.Swish(1.5), (2, 5), True),
    'dropout_predict': (lambda mx: mx.gluon.nn.Dropout(0.4), (2, 5), False),
    'dropout_zero_rate': (lambda mx: mx.gluon.nn.Dropout(0.0), (2, 5), True),
    'lambda_name': (lambda mx: mx.gluon.nn.Lambda('tanh'), (2, 5), True),
    'lambda_fn': (lambda mx: mx.gluon.nn.Lambda(lambda x: x * 2), (2, 5), True),
    'hybridlambda_name': (lambda mx: mx.gluon.nn.HybridLambda('sigmoid'), (2, 5), True),
    'hybridlambda_fn': (lambda mx: mx.gluon.nn.HybridLambda(lambda F, x: F.relu(x) * 3), (2, 5), True),
    'identity': (lambda mx: _contrib(mx).Identity(), (2, 5), True),
    'mlp': (lambda mx: _mlp(mx), (4, 5), True),
    'mlp_hybridized': (lambda mx: _hybridized(_mlp(mx)), (4, 5), True),
    'hybridconcurrent': (lambda mx: _concurrent(mx, True), (2, 3), True),
    'concurrent': (lambda mx: _concurrent(mx, False), (2, 3), True),
    'custom_block': (lambda mx: _custom(mx), (2, 3), True),
}


def _mlp(mx):
    nn = mx.gluon.nn
    net = nn.HybridSequential()
    with net.name_scope():
        net.add(nn.Dense(4, activation='relu', in_units=5), nn.BatchNorm(in_channels=4), nn.Dropout(0.0),
                nn.Dense(2, in_units=4))
    return net


def _hybridized(net):
    net.hybridize(static_alloc=True, static_shape=True)
    return net


def _concurrent(mx, hybrid):
    nn, cnn = mx.gluon.nn, _contrib(mx)
    net = (cnn.HybridConcurrent if hybrid else cnn.Concurrent)(axis=1)
    with net.name_scope():
        net.add(nn.Dense(2, in_units=3), cnn.Identity(), nn.Activation('tanh'))
    return net


def _custom(mx):
    class Scale(mx.gluon.HybridBlock):
        """A user block: Parameter and Constant from self.params, F ops in hybrid_forward."""

        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            with self.name_scope():
                self.w = self.params.get('w', shape=(3,))
                self.c = self.params.get_constant('c', [[1.0, 2.0, 3.0]])

        def hybrid_forward(self, F, x, w, c):
            return F.broadcast_mul(F.broadcast_add(x, c), F.reshape(w, (1, 3))).sum(axis=1, keepdims=True)
    return Scale()


def _layer_case(name):
    make, shape, train = LAYERS[name]

    def run(mx):
        fresh(mx)
        block = make(mx)
        block.initialize()
        set_params(block)
        return forward_backward(mx, block, values(shape, 7), train)
    run.__name__ = 'layer_' + name
    return run


for _name in LAYERS:
    case(_layer_case(_name))


@case
def layer_embedding(mx):
    fresh(mx)
    emb = mx.gluon.nn.Embedding(5, 3)
    emb.initialize()
    set_params(emb)
    return forward_backward(mx, emb, np.array([[0, 2], [4, 2]], 'float32'), x_grad=False)


@case
def layer_batchnormrelu(mx):
    # MXNet 1.9.1 runs BatchNormReLU only under MKL-DNN: the golden value is BatchNorm's output;
    # the test applies the relu.
    fresh(mx)
    bn = mx.gluon.nn.BatchNorm(in_channels=3)
    bn.initialize()
    set_params(bn)
    with mx.autograd.record():
        y = bn(mx.nd.array(values((4, 3), 7)))
    return {'bn_out': y.asnumpy()}


@case
def dropout_train(mx):
    nd, res = mx.nd, {}
    mx.random.seed(3)
    for rate, axes in ((0.3, ()), (0.5, (1,))):
        drop = mx.gluon.nn.Dropout(rate, axes=axes)
        x = nd.ones((4000, 10))
        x.attach_grad()
        with mx.autograd.record():
            y = drop(x)
        y.backward()
        a, g = y.asnumpy(), x.grad.asnumpy()
        key = 'p=%s axes=%s ' % (rate, axes)
        res[key + 'values'] = sorted(set(np.round(a.ravel(), 5).tolist()))
        res[key + 'drop rate within 0.03'] = bool(abs((a == 0).mean() - rate) < 0.03)
        res[key + 'grad is the mask'] = bool((g == a).all())
        res[key + 'one mask along axes'] = bool((a == a[:, :1]).all())
    with mx.autograd.train_mode():
        res['train_mode without record drops'] = bool((drop(nd.ones((4000, 10))).asnumpy() == 0).any())
    res['predict is identity'] = bool((drop(nd.ones((100, 10))).asnumpy() == 1).all())
    return res


# ---------------------------------------------------------------- names, reprs, summary
def _nested(mx):
    nn = mx.gluon.nn
    net = nn.HybridSequential()
    with net.name_scope():
        net.add(nn.Dense(3, activation='relu'), nn.Dense(4))
        inner = nn.HybridSequential()
        with inner.name_scope():
            inner.add(nn.BatchNorm(), nn.Dense(2, prefix='out_'))
        net.add(inner)
    return net


def _model_class(mx):
    nn = mx.gluon.nn

    class Model(mx.gluon.Block):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            with self.name_scope():
                self.features = nn.Sequential()
                with self.features.name_scope():
                    self.features.add(nn.Dense(8, activation='tanh'), nn.Dropout(0.5), nn.Dense(6))
                self.output = nn.Dense(2)
                self.scale = self.params.get('scale', shape=(1,), init='ones')
            self.outside = nn.Dense(5)   # created outside name_scope: a top-level name

        def forward(self, x):
            return self.output(self.features(x)) * self.scale.data() + 0 * self.outside(x).sum()
    return Model


@case
def names(mx):
    fresh(mx)
    nn, res = mx.gluon.nn, {}
    res['top-level'] = [nn.Dense(2).prefix, nn.Dense(2).prefix, nn.Dense(2, prefix='fc_').prefix,
                        nn.Dense(2).prefix, nn.BatchNorm().prefix, nn.Activation('relu').prefix,
                        nn.HybridSequential().prefix, nn.Sequential().name]
    net = _nested(mx)
    res['nested keys'] = list(net.collect_params().keys())
    res['nested prefixes'] = [net.prefix, net[0].prefix, net[0].act.prefix, net[2].prefix, net[2][1].prefix,
                              net[2][1].name]
    res['select weight'] = list(net.collect_params('.*weight').keys())
    res['select dense1 or bias'] = list(net.collect_params('.*dense1.*|.*bias').keys())
    res['select anchored'] = list(net.collect_params('dense').keys())
    res['structural'] = sorted(net._collect_params_with_prefix())
    res['slice'] = [net[1:].prefix, len(net[1:]), len(net), type(net[-1]).__name__]
    model = _model_class(mx)()
    res['model keys'] = list(model.collect_params().keys())
    res['model structural'] = sorted(model._collect_params_with_prefix())
    res['model own params'] = list(model.params.keys())
    res['model children'] = list(model._children)
    shared = nn.Dense(3, in_units=2, params=net[0].collect_params())
    res['shared'] = [shared.prefix, shared.weight is net[0].weight, shared.weight.name]
    empty = nn.HybridSequential(prefix='')
    with empty.name_scope():
        empty.add(nn.Dense(1))
    res['empty prefix'] = [empty.prefix, empty.name, empty[0].prefix]
    pd = mx.gluon.ParameterDict('pd_')
    sub = mx.gluon.ParameterDict('pd_', shared=pd)
    w = pd.get('w', shape=(2,))
    res['shared dict'] = [sub.get('w') is w, list(sub.keys()), sub.prefix]
    return res


@case
def reprs(mx):
    fresh(mx)
    nn, gluon = mx.gluon.nn, mx.gluon
    net = nn.HybridSequential()
    with net.name_scope():
        net.add(nn.Dense(3, activation='relu'), nn.Dense(4, in_units=2, use_bias=False), nn.BatchNorm(),
                nn.BatchNorm(scale=False, use_global_stats=True, in_channels=3), nn.Dropout(0.5, axes=(1,)),
                nn.PReLU(), nn.ELU(), nn.SELU(), nn.GELU(), nn.Swish(), nn.Embedding(4, 5, dtype='float64'),
                nn.LayerNorm(), nn.GroupNorm(2), nn.InstanceNorm(in_channels=2), nn.Flatten(), nn.LeakyReLU(0.1),
                nn.Activation('tanh'), nn.HybridLambda('relu'), nn.HybridLambda(lambda F, x: x),
                _contrib(mx).Identity())
    seq = nn.Sequential()
    with seq.name_scope():
        seq.add(nn.Lambda('relu'), net[0], _contrib(mx).Concurrent())
    res = {'hybridsequential': repr(net), 'sequential': repr(seq), 'model': repr(_model_class(mx)()),
           'collect_params': repr(net.collect_params()),
           'empty dict': repr(gluon.ParameterDict()),
           'parameter': [repr(gluon.Parameter('a', shape=(2, 3))), repr(gluon.Parameter('b')),
                         repr(gluon.Parameter('c', shape=4, dtype='float16')),
                         repr(gluon.Parameter('d', shape=(0, 2), dtype=np.float64))],
           'constant': repr(gluon.Constant('k', [[1, 2], [3, 4]])),
           'dtypes': [str(p.dtype) for p in net.collect_params().values()]}
    return res


@case
def summary(mx):
    fresh(mx)
    nn = mx.gluon.nn
    net = nn.HybridSequential()
    with net.name_scope():
        d = nn.Dense(4, in_units=4)
        net.add(nn.Dense(4, activation='relu', in_units=5), nn.BatchNorm(in_channels=4), d,
                nn.Dense(4, in_units=4, params=d.collect_params()), nn.Dense(3, in_units=4))
    net.initialize()
    res = {'net': stdout_of(lambda: net.summary(mx.nd.ones((2, 5))))}
    conc = _concurrent(mx, False)
    conc.initialize()
    res['concurrent'] = stdout_of(lambda: conc.summary(mx.nd.ones((1, 3))))
    net.hybridize()
    res['hybridized'] = err(lambda: net.summary(mx.nd.ones((2, 5))))
    return res


# ---------------------------------------------------------------- deferred initialization
def _deferred_nets(mx):
    nn = mx.gluon.nn
    a = nn.HybridSequential()
    with a.name_scope():
        a.add(nn.Dense(6), nn.BatchNorm(), nn.Dense(5, flatten=False, activation='sigmoid'), nn.LayerNorm())
    b = nn.HybridSequential()
    with b.name_scope():
        b.add(nn.InstanceNorm(axis=2), nn.LayerNorm(axis=1), nn.BatchNorm(axis=1), nn.Dense(2, flatten=False))
    return a, b


@case
def deferred(mx):
    fresh(mx)
    res = {}
    for i, net in enumerate(_deferred_nets(mx)):
        if i:
            net.hybridize()
        net.initialize()
        res['%d before' % i] = param_facts(net)
        x = mx.nd.array(values((2, 3, 4), i))
        res['%d deferred access' % i] = err(lambda: net[-1].weight.data() if i else net[0].weight.data())
        net(x)
        res['%d after' % i] = param_facts(net)
        res['%d repr' % i] = repr(net)
        set_params(net)
        with mx.autograd.predict_mode():
            res['%d out' % i] = net(x).asnumpy()
    return res


@case
def deferred_custom_infer_shape(mx):
    class Scale(mx.gluon.HybridBlock):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.w = self.params.get('w', shape=(0,), allow_deferred_init=True)

        def infer_shape(self, x):
            self.w.shape = (x.shape[1],)

        def hybrid_forward(self, F, x, w):
            return F.broadcast_mul(x, w.reshape((1, -1)))
    fresh(mx)
    blk = Scale()
    blk.initialize(init='ones')
    out = blk(mx.nd.array(values((2, 3), 0)))
    return {'shape': list(blk.w.shape), 'out': out.asnumpy()}


# ---------------------------------------------------------------- Parameter and ParameterDict
@case
def parameter_basics(mx):
    gluon, nd, res = mx.gluon, mx.nd, {}
    p = gluon.Parameter('w', shape=(2, 3), init='ones', lr_mult=2.0, wd_mult=0.5)
    res['attrs'] = [p.name, list(p.shape), str(p.dtype), p.grad_req, p.lr_mult, p.wd_mult]
    p.initialize()
    res['data'] = p.data().asnumpy()
    res['grad'] = p.grad().asnumpy()
    res['list'] = [len(p.list_data()), len(p.list_grad()), [str(c) for c in p.list_ctx()]]
    res['reinit warns'] = warns(lambda: p.initialize())
    p.initialize(init=mx.init.Constant(3.0), force_reinit=True)
    res['force_reinit'] = p.data().asnumpy()
    p.set_data(nd.array(values((2, 3), 1)))
    res['set_data'] = p.data().asnumpy()
    p.set_data(values((2, 3), 2))
    res['set_data numpy'] = p.data().asnumpy()
    x = nd.array(values((2, 3), 3))
    with mx.autograd.record():
        y = (p.data() * x).sum()
    y.backward()
    res['grad after backward'] = p.grad().asnumpy()
    res['grad is .grad'] = bool((p.data().grad.asnumpy() == p.grad().asnumpy()).all())
    res['fresh'] = int(p.data()._fresh_grad)
    p.zero_grad()
    res['zero_grad'] = p.grad().asnumpy()
    q = gluon.Parameter('q', shape=(3,), differentiable=False)
    res['not differentiable'] = [q.grad_req]
    q.grad_req = 'write'
    res['not differentiable'].append(q.grad_req)
    c = gluon.Constant('c', [[1, 2], [3, 4]])
    res['constant'] = [c.grad_req, list(c.shape), str(c.dtype), warns(lambda: setattr(c, 'grad_req', 'write')),
                       c.grad_req]
    c.initialize()
    res['constant data'] = c.data().asnumpy()
    res['constant grad'] = err(c.grad)
    return res


@case
def parameter_grad_req(mx):
    gluon, nd, res = mx.gluon, mx.nd, {}
    p = gluon.Parameter('w', shape=(2,), init='ones')
    p.initialize()
    x = nd.array([1.0, 2.0])

    def step():
        with mx.autograd.record():
            y = (p.data() * x).sum()
        y.backward()
    step()
    step()
    res['write twice'] = p.grad().asnumpy()
    p.grad_req = 'add'
    res['add fresh'] = p.grad().asnumpy()
    step()
    step()
    res['add twice'] = p.grad().asnumpy()
    p.zero_grad()
    res['zeroed'] = p.grad().asnumpy()
    p.grad_req = 'null'
    res['null'] = [err(p.grad), err(p.list_grad), p.data().grad is None, err(step)]
    p.grad_req = 'write'
    step()
    res['write again'] = p.grad().asnumpy()
    pd = gluon.ParameterDict('n_')
    pd.get('a', shape=(2,))
    pd.get('b', shape=(2,))
    pd.setattr('grad_req', 'null')
    pd.setattr('lr_mult', 0.5)
    res['setattr'] = [[v.grad_req, v.lr_mult] for v in pd.values()]
    return res


@case
def parameter_contexts(mx):
    gluon, res = mx.gluon, {}
    p = gluon.Parameter('w', shape=(2,), init='zeros')
    p.initialize(ctx=[mx.cpu(0), mx.cpu(1)])
    res['list_ctx'] = [str(c) for c in p.list_ctx()]
    res['data ctx'] = [str(p.data(mx.cpu(1)).context), str(p.data(mx.cpu(0)).context), len(p.list_data())]
    res['no ctx, two copies'] = str(p.data().context)
    res['wrong ctx'] = err(lambda: p.data(mx.cpu(2)))
    p.data(mx.cpu(0))[:] = 1
    p.data(mx.cpu(1))[:] = 3
    p.reset_ctx(mx.cpu(1))
    res['reset_ctx'] = [[str(c) for c in p.list_ctx()], p.data().asnumpy().tolist(), err(lambda: p.data(mx.cpu(0)))]
    q = gluon.Parameter('q', shape=(0,), allow_deferred_init=True)
    q.initialize(ctx=mx.cpu(1))
    res['deferred list_ctx'] = [str(c) for c in q.list_ctx()]
    q.reset_ctx([mx.cpu(0)])
    res['deferred reset_ctx'] = [str(c) for c in q.list_ctx()]
    q.set_data(mx.nd.array([1.0, 2.0, 3.0]))
    res['deferred set_data'] = [list(q.shape), err(q.data)]
    q._finish_deferred_init()
    res['deferred finished'] = [q.data().asnumpy().tolist(), str(q.data().context)]
    return res


@case
def parameter_cast(mx):
    fresh(mx)
    nn, nd, res = mx.gluon.nn, mx.nd, {}
    d = nn.Dense(2, in_units=3)
    d.initialize()
    set_params(d)
    d.cast('float64')
    x = nd.array(values((2, 3), 5), dtype='float64')
    x.attach_grad()
    with mx.autograd.record():
        y = d(x)
    y.backward()
    res['out'] = y.asnumpy()
    res['dtypes'] = [str(y.dtype), str(d.weight.dtype), str(d.weight.data().dtype), str(d.weight.grad().dtype)]
    res['weight grad'] = d.weight.grad().asnumpy()
    bn = nn.BatchNorm(in_channels=2)
    bn.cast('float16')
    res['batchnorm float16'] = [str(p.dtype) for p in bn.collect_params().values()]
    p = mx.gluon.Parameter('p', shape=(2,), init='ones')
    p.initialize()
    p.dtype = 'int32'
    res['dtype setter'] = [str(p.dtype), str(p.data().dtype), p.data().asnumpy().tolist()]
    return res


@case
def parameterdict(mx):
    gluon, res = mx.gluon, {}
    pd = gluon.ParameterDict('m_')
    a = pd.get('a', shape=(0, 3), allow_deferred_init=True)
    res['merged shape'] = [list(pd.get('a', shape=(2, 0)).shape), pd.get('a') is a]
    res['merge conflicts'] = [err(lambda: pd.get('a', shape=(4, 3))), err(lambda: pd.get('a', shape=(2, 3, 1))),
                              err(lambda: pd.get('a', dtype='float64')), err(lambda: pd.get('a', dtype=np.float32)),
                              err(lambda: pd.get('a', init='zeros')), err(lambda: pd.get('a', init='zeros')),
                              err(lambda: pd.get('a', init='ones')), err(lambda: pd.get('a', grad_req='null')),
                              err(lambda: pd.get('a', lr_mult=2.0))]
    res['init set once'] = str(a.init)
    res['int shape'] = list(pd.get('b', shape=4).shape)
    c = pd.get_constant('c', [1, 2])
    res['constant'] = [pd.get_constant('c') is c, err(lambda: pd.get_constant('c', np.array([1, 3]))),
                       err(lambda: pd.get_constant('missing')), err(lambda: pd.get_constant('a', [1])),
                       err(lambda: pd.get_constant('c', mx.nd.array([1, 2])))]
    other = gluon.ParameterDict('o_')
    other.get('x', shape=(1,))
    pd.update(other)
    res['update'] = [list(pd.keys()), 'o_x' in pd, 'x' in pd, [k for k in pd]]
    clash = gluon.ParameterDict('o_')
    clash.get('x', shape=(1,))
    res['update clash'] = err(lambda: pd.update(clash))
    res['repr'] = repr(pd)
    res['list_ctx uninitialized'] = err(pd.list_ctx)
    res['len'] = err(lambda: len(pd))
    small = gluon.ParameterDict('s_')
    small.get('u', shape=(2,), init='ones')
    small.get('v', shape=(2,), init='zeros', grad_req='null')
    small.initialize(ctx=mx.cpu(0))
    res['initialized'] = [p.data().asnumpy().tolist() for p in small.values()]
    res['list_ctx'] = [str(c) for c in small.list_ctx()]
    res['initialize again'] = warns(small.initialize)
    small.zero_grad()
    res['zero_grad'] = small['s_u'].grad().asnumpy().tolist()
    small.reset_ctx(mx.cpu(1))
    res['reset_ctx'] = [str(c) for c in small.list_ctx()]
    res['getitem missing'] = err(lambda: small['u'])
    return res


# ---------------------------------------------------------------- Block API
@case
def block_api(mx):
    fresh(mx)
    nn, nd, res = mx.gluon.nn, mx.nd, {}
    net = _nested(mx)
    res['apply'] = []
    net.apply(lambda b: res['apply'].append(b.name))
    net2 = nn.HybridSequential(prefix='r_')
    d = nn.Dense(2, in_units=2)
    net2.register_child(d)
    net2.register_child(nn.Dense(3, in_units=2), 'named')
    res['register_child'] = list(net2._children)
    res['non-hybrid child'] = err(lambda: net2.add(nn.Lambda('relu')))
    res['non-hybrid child by attribute'] = err(lambda: setattr(net2, 'lam', nn.Lambda('relu')))

    blk = mx.gluon.Block(prefix='b_')
    blk.dense = nn.Dense(2)
    res['type change'] = [err(lambda: setattr(blk, 'dense', 3)), err(lambda: setattr(blk, 'dense', nn.Dropout(0.1))),
                          err(lambda: setattr(blk, 'dense', nn.Dense(3)))]
    blk.p = mx.gluon.Parameter('p', shape=(1,))
    res['parameter attr'] = [err(lambda: setattr(blk, 'p', mx.gluon.Parameter('p2', shape=(1,)))),
                             err(lambda: setattr(blk, 'p', 1)), sorted(blk._reg_params)]
    res['forward not implemented'] = err(lambda: blk(nd.ones((1,))))
    blk.layers = [nn.Dense(2)]
    res['container warning'] = warns(blk.collect_params)
    d.initialize()
    res['forward without ndarray'] = err(lambda: d([1.0, 2.0]))
    res['wrong input size'] = err(lambda: d(nd.ones((2, 5))).asnumpy())
    res['uninitialized forward'] = err(lambda: nn.Dense(2, in_units=2)(nd.ones((1, 2))))
    res['Sequential hybridize warns'] = warns(lambda: _all_hybrid(mx))
    res['hybridize'] = err(lambda: net.hybridize(static_alloc=True, static_shape=True))
    res['hybridized, two contexts'] = err(lambda: net(nd.ones((1, 2)), nd.ones((1,), ctx=mx.cpu(1))))
    events = []
    d2 = nn.Dense(2, in_units=2)
    d2.initialize(init='ones')
    h1 = d2.register_forward_pre_hook(lambda b, inp: events.append(['pre', b.name, len(inp)]))
    h2 = d2.register_forward_hook(lambda b, inp, out: events.append(['post', b.name, list(out.shape)]))
    d2(nd.ones((1, 2)))
    h1.detach()
    d2(nd.ones((3, 2)))
    h2.detach()
    d2(nd.ones((1, 2)))
    with d2.register_forward_hook(lambda b, inp, out: events.append(['ctx', b.name])):
        d2(nd.ones((1, 2)))
    d2(nd.ones((1, 2)))
    res['hooks'] = events
    d2.register_forward_pre_hook(lambda *a: None)
    res['hybridize with hooks warns'] = warns(d2.hybridize)
    return res


def _all_hybrid(mx):
    seq = mx.gluon.nn.Sequential()
    seq.add(mx.gluon.nn.Dense(1))
    seq.hybridize()


@case
def errors(mx):
    gluon, nn, nd = mx.gluon, mx.gluon.nn, mx.nd
    fresh(mx)

    def initialized(shape=(2, 3), **kw):
        p = gluon.Parameter('w', shape=shape, **kw)
        p.initialize()
        return p
    deferred = nn.Dense(3)
    deferred.initialize()
    return {
        'data uninitialized': err(lambda: gluon.Parameter('w', shape=(2,)).data()),
        'grad uninitialized': err(lambda: gluon.Parameter('w', shape=(2,)).grad()),
        'data deferred': err(deferred.weight.data),
        'grad deferred': err(deferred.weight.grad),
        'deferred is MXNetError': isinstance(_exc(deferred.weight.data), mx.base.MXNetError),
        'data wrong ctx': err(lambda: initialized().data(mx.cpu(1))),
        'grad null': err(lambda: initialized(grad_req='null').grad()),
        'initialize unknown shape': err(lambda: gluon.Parameter('w', shape=(2, 0)).initialize()),
        'initialize no shape': err(lambda: gluon.Parameter('w').initialize()),
        'initialize empty shape': err(lambda: gluon.Parameter('w', shape=()).initialize()),
        'initialize negative shape': err(lambda: gluon.Parameter('w', shape=(2, -2)).initialize()),
        'grad_req invalid': err(lambda: gluon.Parameter('w', grad_req='sum')),
        'stype invalid': err(lambda: gluon.Parameter('w', stype='dense')),
        'shape incompatible': err(lambda: setattr(gluon.Parameter('w', shape=(2, 0)), 'shape', (3, 4))),
        'shape compatible': err(lambda: setattr(gluon.Parameter('w', shape=(2, 0)), 'shape', (2, 4))),
        'set_data incompatible': err(lambda: initialized().set_data(nd.ones((3, 3)))),
        'set_data uninitialized': err(lambda: gluon.Parameter('w', shape=(2,)).set_data(nd.ones((2,)))),
        'reset_ctx uninitialized': err(lambda: gluon.Parameter('w', shape=(2,)).reset_ctx(mx.cpu())),
        'list_ctx uninitialized': err(lambda: gluon.Parameter('w', shape=(2,)).list_ctx()),
        'LeakyReLU negative': err(lambda: nn.LeakyReLU(-0.1)),
        'Lambda unknown': err(lambda: nn.Lambda('no_such_op')),
        'Lambda bad type': err(lambda: nn.Lambda(3)),
        'HybridLambda unknown': err(lambda: nn.HybridLambda('no_such_op')),
        'HybridLambda bad type': err(lambda: nn.HybridLambda(3)),
        'PReLU no channels': err(lambda: nn.PReLU(in_channels=0).initialize()),
        'save deferred': err(lambda: deferred.save_parameters(os.devnull)),
        'strip_prefix': err(lambda: deferred.collect_params().save(os.devnull, strip_prefix='other_')),
        'forward before initialize': err(lambda: nn.Dense(2)(nd.ones((1, 2)))),
    }


def _exc(fn):
    try:
        fn()
    except Exception as e:   # noqa: BLE001
        return e
    return None


@case
def init_dispatch(mx):
    fresh(mx)
    mx.random.seed(1)
    gluon, nn, res = mx.gluon, mx.gluon.nn, {}
    d = nn.Dense(64, in_units=100)
    d.initialize(mx.init.Xavier())
    w, b = d.weight.data().asnumpy(), d.bias.data().asnumpy()
    bound = np.sqrt(3.0 / ((100 + 64) / 2.0))
    res['xavier'] = [bool(np.abs(w).max() <= bound), bool(np.abs(w).max() > 0.95 * bound),
                     bool(abs(w.std() - bound / np.sqrt(3)) < 0.05 * bound / np.sqrt(3)), bool((b == 0).all())]
    p = gluon.Parameter('x_bias', shape=(2000,))
    p.initialize()
    v = p.data().asnumpy()
    res['default uniform, whatever the name'] = [bool(np.abs(v).max() <= 0.07), bool(np.abs(v).max() > 0.06)]
    d2 = nn.Dense(3, in_units=2, weight_initializer='ones', bias_initializer=mx.init.Constant(0.5))
    d2.initialize(mx.init.Zero())
    res['own init wins'] = [d2.weight.data().asnumpy().tolist(), d2.bias.data().asnumpy().tolist()]
    d3 = nn.Dense(2, in_units=2)
    d3.initialize(mx.init.One())
    res['default for weight only'] = [d3.weight.data().asnumpy().tolist(), d3.bias.data().asnumpy().tolist()]
    q = gluon.Parameter('q_weight', shape=(2,), init='ones')
    q.initialize(init=mx.init.Constant(7))
    res['initialize(init=) beats own'] = q.data().asnumpy().tolist()
    bn = nn.BatchNorm(in_channels=2, gamma_initializer=mx.init.Constant(2.0))
    bn.initialize(mx.init.Constant(5.0))
    res['batchnorm'] = [p.data().asnumpy().tolist() for p in bn.collect_params().values()]
    pr = nn.PReLU(in_channels=2)
    pr.initialize(mx.init.Zero())
    res['prelu'] = pr.alpha.data().asnumpy().tolist()
    emb = nn.Embedding(500, 40)
    emb.initialize(mx.init.Normal(0.5))
    e = emb.weight.data().asnumpy()
    res['normal'] = [bool(abs(e.std() - 0.5) < 0.02), bool(abs(e.mean()) < 0.02)]
    ln = nn.LayerNorm(in_channels=3)
    ln.initialize(mx.init.Uniform(3.0))
    res['layernorm'] = [p.data().asnumpy().tolist() for p in ln.collect_params().values()]
    return res


# ---------------------------------------------------------------- .params files
def interop_net(mx):
    """The network saved to and loaded from gluon/*.params (fresh names: hybridsequential0_...)."""
    fresh(mx)
    nn = mx.gluon.nn
    net = nn.HybridSequential()
    with net.name_scope():
        net.add(nn.Dense(4, activation='relu', in_units=3), nn.BatchNorm(in_channels=4))
        inner = nn.HybridSequential()
        with inner.name_scope():
            inner.add(nn.Dense(2, in_units=4), nn.PReLU())
        net.add(inner)
    return net


def interop_shared(mx):
    """Two layers sharing one Dense's Parameters (save_parameters with deduplicate)."""
    fresh(mx)
    nn = mx.gluon.nn
    net = nn.HybridSequential()
    with net.name_scope():
        d = nn.Dense(3, in_units=3)
        net.add(d, nn.Dense(3, in_units=3, params=d.params))
    return net


INTEROP_X = values((2, 3), 11)
FILES = ('net.params', 'net_legacy.params', 'net_dict.params', 'shared.params', 'shared_dedup.params')


def save_all(mx, folder):
    """Every file of FILES, from networks with fixed values (the test compares mxjax's bytes)."""
    net = interop_net(mx)
    net.initialize()
    set_params(net)
    net.save_parameters(os.path.join(folder, 'net.params'))
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        net.save_params(os.path.join(folder, 'net_legacy.params'))
    net.collect_params().save(os.path.join(folder, 'net_dict.params'), strip_prefix='hybridsequential0_')
    shared = interop_shared(mx)
    shared.initialize()
    set_params(shared)
    shared.save_parameters(os.path.join(folder, 'shared.params'))
    shared.save_parameters(os.path.join(folder, 'shared_dedup.params'), deduplicate=True)


def predict(mx, net):
    with mx.autograd.predict_mode():
        return net(mx.nd.array(INTEROP_X)).asnumpy()


def load_facts(mx, folder):
    """What loading the files of FILES gives (run on MXNet's files in both frameworks)."""
    nn, res = mx.gluon.nn, {}
    f = {k: os.path.join(folder, k) for k in FILES}
    net = interop_net(mx)
    net.load_parameters(f['net.params'])
    res['loaded out'] = predict(mx, net)
    res['file keys'] = sorted(mx.nd.load(f['net.params']))
    res['legacy keys'] = sorted(mx.nd.load(f['net_legacy.params']))
    res['dict keys'] = sorted(mx.nd.load(f['net_dict.params']))
    res['shared keys'] = sorted(mx.nd.load(f['shared.params']))
    res['dedup keys'] = sorted(mx.nd.load(f['shared_dedup.params']))
    legacy = interop_net(mx)
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        legacy.load_params(f['net_legacy.params'])
    res['legacy out'] = predict(mx, legacy)
    pd_net = interop_net(mx)
    pd_net.collect_params().load(f['net_dict.params'], restore_prefix='hybridsequential0_')
    res['dict out'] = predict(mx, pd_net)
    deferred = nn.HybridSequential()
    with deferred.name_scope():
        deferred.add(nn.Dense(4, activation='relu'), nn.BatchNorm())
        inner = nn.HybridSequential()
        with inner.name_scope():
            inner.add(nn.Dense(2), nn.PReLU())
        deferred.add(inner)
    deferred.initialize()
    deferred.load_parameters(f['net.params'])
    res['deferred loaded out'] = predict(mx, deferred)
    res['deferred loaded shapes'] = [list(p.shape) for p in deferred.collect_params().values()]
    dedup = interop_shared(mx)
    dedup.load_parameters(f['shared_dedup.params'])
    res['dedup out'] = predict(mx, dedup)
    small = nn.HybridSequential()
    with small.name_scope():
        small.add(nn.Dense(4, activation='relu', in_units=3))
    res['extra'] = err(lambda: small.load_parameters(f['net.params']))
    small.load_parameters(f['net.params'], ignore_extra=True)
    res['ignore_extra weight'] = small[0].weight.data().asnumpy()
    big = interop_net(mx)
    with big.name_scope():
        big.add(nn.Dense(1, in_units=2))
    res['missing'] = err(lambda: big.load_parameters(f['net.params']))
    big.load_parameters(f['net.params'], allow_missing=True)
    res['allow_missing initialized'] = [err(lambda: p.data()) for p in big.collect_params().values()]
    res['legacy missing'] = err(lambda: big.load_params(f['net_legacy.params']))
    res['legacy extra'] = err(lambda: small.load_params(f['net_legacy.params']))
    res['dict extra'] = err(lambda: small.collect_params().load(f['net_dict.params'], restore_prefix=small.prefix))
    res['dict bad restore_prefix'] = err(lambda: net.collect_params().load(f['net_dict.params'], restore_prefix='x_'))
    wrong = nn.HybridSequential()
    with wrong.name_scope():
        wrong.add(nn.Dense(5, in_units=3))
    res['shape mismatch'] = err(lambda: wrong.load_parameters(f['net.params'], ignore_extra=True))
    f16 = interop_net(mx)
    f16.cast('float64')
    res['dtype mismatch'] = err(lambda: f16.load_parameters(f['net.params']))
    f16.load_parameters(f['net.params'], cast_dtype=True)
    res['cast current'] = [str(p.data().dtype) for p in f16.collect_params().values()]
    saved = interop_net(mx)
    saved.cast('float64')
    saved.load_parameters(f['net.params'], cast_dtype=True, dtype_source='saved')
    res['cast saved'] = [str(p.dtype) for p in saved.collect_params().values()]
    ctxnet = interop_net(mx)
    ctxnet.initialize(ctx=mx.cpu(0))
    res['load other ctx'] = err(lambda: ctxnet.load_parameters(f['net.params'], ctx=mx.cpu(1)))
    ctxnet.load_parameters(f['net.params'], ctx=mx.cpu(0))
    res['load same ctx'] = predict(mx, ctxnet)
    return res


def main():
    import mxnet as mx
    os.makedirs(PARAMS_DIR, exist_ok=True)
    save_all(mx, PARAMS_DIR)
    facts, arrays = {}, {}
    results = {name: fn(mx) for name, fn in CASES.items()}
    results['load_facts'] = load_facts(mx, PARAMS_DIR)
    net = interop_net(mx)
    net.initialize()
    set_params(net)
    results['load_facts']['saved out'] = predict(mx, net)
    for name, res in results.items():
        facts[name] = {}
        for k, v in res.items():
            if isinstance(v, np.ndarray):
                arrays['%s/%s' % (name, k)] = v
            else:
                facts[name][k] = v
    with open(os.path.join(HERE, 'gluon.json'), 'w') as f:
        json.dump(facts, f, indent=1, sort_keys=True)
    np.savez_compressed(os.path.join(HERE, 'gluon.npz'), **arrays)
    print('%d cases, %d arrays' % (len(facts), len(arrays)))


if __name__ == '__main__':
    main()
