"""Golden facts and values of mx.gluon.model_zoo from MXNet 1.9.1.

Run with MXNet: ~/mxref/bin/python compat_tests/golden/gen_model_zoo.py
(writes model_zoo.json and model_zoo.npz beside this file).

Every function below takes the module `mx` (mxnet, or mxjax) and returns plain facts or NumPy
arrays; test_model_zoo.py runs the same functions on mxjax and compares with what MXNet gave:
- structure: every factory of model_zoo.vision, initialized and run once on its smallest input:
  prefix, sorted Parameter names and shapes (in full for one network of each family, as a SHA-1
  for the rest, to keep the file small), repr (SHA-1) and output shape;
- values: small networks with fixed Parameter values: the output in predict mode, then in
  training mode (BatchNorm on batch statistics); for one, a training step's gradients and the
  running statistics it leaves;
- round_trip: the names resnet18_v1's .params files hold, and the output after loading them;
- errors and model_store facts (file names' hashes, purge).
"""
import hashlib
import json
import os
import tempfile

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
GOLDEN_JSON = os.path.join(HERE, 'model_zoo.json')
GOLDEN_NPZ = os.path.join(HERE, 'model_zoo.npz')

FACTORIES = ['alexnet', 'vgg11', 'vgg13', 'vgg16', 'vgg19', 'vgg11_bn', 'vgg13_bn', 'vgg16_bn', 'vgg19_bn',
             'resnet18_v1', 'resnet34_v1', 'resnet50_v1', 'resnet101_v1', 'resnet152_v1',
             'resnet18_v2', 'resnet34_v2', 'resnet50_v2', 'resnet101_v2', 'resnet152_v2',
             'densenet121', 'densenet161', 'densenet169', 'densenet201', 'squeezenet1_0', 'squeezenet1_1',
             'inception_v3', 'mobilenet1_0', 'mobilenet0_75', 'mobilenet0_5', 'mobilenet0_25',
             'mobilenet_v2_1_0', 'mobilenet_v2_0_75', 'mobilenet_v2_0_5', 'mobilenet_v2_0_25']
# the smallest square input each family accepts (MXNet rejects one pixel less); others take 32
MIN_SIZE = {'alexnet': 63, 'densenet': 221, 'squeezenet1_0': 213, 'squeezenet1_1': 209, 'inception_v3': 299}
# one network per family keeps its full Parameter list in the golden file
FULL_LIST = {'alexnet', 'vgg11_bn', 'resnet18_v1', 'resnet50_v1', 'resnet18_v2', 'resnet50_v2', 'densenet121',
             'squeezenet1_0', 'inception_v3', 'mobilenet0_25', 'mobilenet_v2_0_25'}


def fresh(mx):
    """Restart the top-level block counters, so prefixes do not depend on what ran before."""
    if hasattr(mx, 'name'):
        mx.name.NameManager._current.value = mx.name.NameManager()
    else:
        mx.gluon.block._NAMES.counter.clear()


def min_size(factory):
    return next((v for k, v in MIN_SIZE.items() if factory.startswith(k)), 32)


def sha1(text):
    return hashlib.sha1(text.encode()).hexdigest()


def structure(mx, factory):
    """Facts of vision.<factory>() after initialize() and one forward of zeros at its smallest size."""
    fresh(mx)
    net = getattr(mx.gluon.model_zoo.vision, factory)()
    net.initialize()
    y = net(mx.nd.zeros((1, 3, min_size(factory), min_size(factory))))
    params = ['%s %s' % (k[len(net.prefix):], 'x'.join(map(str, p.shape)))
              for k, p in sorted(net.collect_params().items())]
    res = {'prefix': net.prefix, 'n_params': len(params), 'params_sha1': sha1('\n'.join(params)),
           'size': int(sum(np.prod(p.shape) for p in net.collect_params().values())),
           'repr_sha1': sha1(repr(net)), 'out_shape': list(y.shape)}
    if factory in FULL_LIST:
        res['params'] = params
    return res


# ---------------------------------------------------------------- fixed values, outputs
def set_values(net, seed=0):
    """Deterministic Parameter values that keep activations O(1) through a deep network: weights
    uniform with He scaling on their fan-in, gammas and variances near 1, shifts and means small."""
    for i, (name, p) in enumerate(sorted(net.collect_params().items())):
        rng = np.random.RandomState(seed + i)
        if name.endswith(('gamma', 'running_var')):
            v = rng.uniform(0.5, 1.5, p.shape)
        elif name.endswith(('beta', 'bias', 'running_mean')):
            v = rng.uniform(-0.1, 0.1, p.shape)
        else:
            v = rng.uniform(-1, 1, p.shape) * np.sqrt(6.0 / np.prod(p.shape[1:]))
        p.set_data(v.astype('float32'))


def _small_resnet(mx, version):
    """A 4-stage bottleneck ResNet (thumbnail stem) small enough to compute quickly."""
    v = mx.gluon.model_zoo.vision
    net_cls, block = (v.ResNetV1, v.BottleneckV1) if version == 1 else (v.ResNetV2, v.BottleneckV2)
    return net_cls(block, [1, 1, 1, 1], [16, 32, 64, 128, 256], classes=10, thumbnail=True)


VALUE_NETS = {
    # name: (make(mx) -> network, input shape, whether a training-mode forward is comparable: not
    # through Dropout, whose random mask differs)
    # enough pixels per channel in the last stages for well-conditioned batch statistics: with
    # (2, 3, 32, 32) float32 MXNet itself is 5e-4 away from its float64 result in training mode
    'resnet18_v1': (lambda mx: mx.gluon.model_zoo.vision.resnet18_v1(classes=10), (4, 3, 64, 64), True),
    'resnet18_v2': (lambda mx: mx.gluon.model_zoo.vision.get_model('resnet18_v2', classes=10), (4, 3, 64, 64), True),
    'bottleneck_v1': (lambda mx: _small_resnet(mx, 1), (2, 3, 16, 16), True),
    'bottleneck_v2': (lambda mx: _small_resnet(mx, 2), (2, 3, 16, 16), True),
    'mobilenet0.25': (lambda mx: mx.gluon.model_zoo.vision.get_model('mobilenet0.25', classes=10), (4, 3, 64, 64),
                      True),
    'mobilenetv2_0.25': (lambda mx: mx.gluon.model_zoo.vision.mobilenet_v2_0_25(classes=10), (2, 3, 32, 32), True),
    'squeezenet1.1': (lambda mx: mx.gluon.model_zoo.vision.squeezenet1_1(classes=10), (1, 3, 209, 209), False),
    # densenet121 itself takes minutes to compile here: the same blocks, fewer and narrower
    'densenet_small': (lambda mx: mx.gluon.model_zoo.vision.DenseNet(16, 8, [2, 3], classes=10), (2, 3, 56, 56),
                       True),
}


def make_valued(mx, name):
    """(network with set_values, input) of VALUE_NETS[name]. The Parameters get their values before
    any forward (MXNet's oneDNN arrays reject set_data after one): shapes come from a first copy."""
    make, shape, _ = VALUE_NETS[name]
    x = mx.nd.array(np.random.RandomState(7).uniform(-1, 1, shape).astype('float32'))
    fresh(mx)
    probe = make(mx)
    probe.initialize()
    probe(x)
    shapes = {k[len(probe.prefix):]: p.shape for k, p in probe.collect_params().items()}
    del probe
    mx.nd.waitall()
    fresh(mx)
    net = make(mx)
    for k, p in net.collect_params().items():
        p.shape = shapes[k[len(net.prefix):]]
    net.initialize()
    set_values(net)
    return net, x


def outputs(mx, net, x, train=True):
    """Predict-mode output; then (train) the output in training mode (BatchNorm on batch statistics)."""
    res = {'predict': net(x).asnumpy()}
    if train:
        with mx.autograd.record():
            res['train'] = net(x).asnumpy()
    return res


def values(mx, name):
    net, x = make_valued(mx, name)
    return outputs(mx, net, x, VALUE_NETS[name][2])


def training_step(mx):
    """One forward and backward of bottleneck_v2 in training mode, a fixed head gradient: the norm of
    each gradient (the input's last) and the mean of each running statistic after it. (MXNet 1.9.1
    updates running statistics in BatchNorm's backward, so only where a gradient flows: the input
    has one here, so every BatchNorm's runs.)"""
    net, x = make_valued(mx, 'bottleneck_v2')
    x.attach_grad()
    with mx.autograd.record():
        y = net(x)
    y.backward(mx.nd.array(np.random.RandomState(99).uniform(-1, 1, y.shape).astype('float32')))
    params = sorted(net.collect_params().items())
    grads = [p.grad() for _, p in params if p.grad_req != 'null'] + [x.grad]
    return {'grad_norms': np.array([np.linalg.norm(g.asnumpy()) for g in grads], dtype='float32'),
            'running_means': np.array([p.data().asnumpy().mean() for k, p in params if 'running' in k],
                                      dtype='float32')}


# ---------------------------------------------------------------- .params files
def round_trip(mx, folder):
    """resnet18_v1 (fixed values) saved with save_parameters (structural names: features.0.weight) and
    as save_params did (full names less the prefix: conv0_weight, the older pretrained files' form),
    each loaded into a new network; the second gets another prefix (resnetv11_) and still loads."""
    net, x = make_valued(mx, 'resnet18_v1')
    path, prefixless = os.path.join(folder, 'resnet18_v1.params'), os.path.join(folder, 'prefixless.params')
    net.save_parameters(path)
    net.collect_params().save(prefixless, strip_prefix=net.prefix)
    fresh(mx)
    loaded = mx.gluon.model_zoo.vision.resnet18_v1(classes=10)
    loaded.load_parameters(path)
    loaded2 = mx.gluon.model_zoo.vision.resnet18_v1(classes=10)
    loaded2.load_parameters(prefixless)
    return {'keys': sorted(mx.nd.load(path).keys()), 'prefixless_keys': sorted(mx.nd.load(prefixless).keys()),
            'loaded_predict': loaded(x).asnumpy(), 'loaded_prefixless_predict': loaded2(x).asnumpy(),
            'second_prefix': loaded2.prefix}


# ---------------------------------------------------------------- errors, model_store
def err(fn):
    """The name of the exception fn() raises, or 'ok'."""
    try:
        fn()
    except Exception as e:   # noqa: BLE001 -- the type is the fact recorded
        return type(e).__name__
    return 'ok'


def errors(mx):
    v, store = mx.gluon.model_zoo.vision, mx.gluon.model_zoo.model_store
    return {
        'get_model unknown': err(lambda: v.get_model('resnet19_v1')),
        'get_model upper case': err(lambda: v.get_model('ResNet18_V1', classes=3)),
        'get_resnet version 3': err(lambda: v.get_resnet(3, 18)),
        'get_resnet 20 layers': err(lambda: v.get_resnet(1, 20)),
        'get_vgg 12 layers': err(lambda: v.get_vgg(12)),
        'densenet 122 layers': err(lambda: v.densenet.get_densenet(122)),
        'squeezenet 1.2': err(lambda: v.SqueezeNet('1.2')),
        'vgg mismatched lists': err(lambda: v.VGG([1, 1], [8])),
        'resnet mismatched lists': err(lambda: v.ResNetV1(v.BasicBlockV1, [1, 1], [8, 8])),
        # the file name needs a published hash: a ValueError before any download
        'pretrained mobilenet0.3': err(lambda: v.get_mobilenet(0.3, pretrained=True)),
        'get_model_file unknown': err(lambda: store.get_model_file('resnet19_v1')),
        'short_hash unknown': err(lambda: store.short_hash('alexnet2')),
        'purge missing root': err(lambda: store.purge(os.path.join(tempfile.gettempdir(), 'no_such_mxjax_dir'))),
    }


def store_facts(mx):
    store = mx.gluon.model_zoo.model_store
    with tempfile.TemporaryDirectory() as root:
        for f in ('a.params', 'b.params.txt', 'c.zip'):
            open(os.path.join(root, f), 'w').close()
        store.purge(root)
        left = sorted(os.listdir(root))
    names = sorted(store._model_sha1)
    fresh(mx)
    upper = mx.gluon.model_zoo.vision.get_model('ResNet18_V1')
    return {'sha1': {n: store._model_sha1[n] for n in names}, 'short_hash': {n: store.short_hash(n) for n in names},
            'left_after_purge': left, 'repo_url': store.apache_repo_url, 'upper_case_prefix': upper.prefix,
            # vgg11_bn overrides a batch_norm=False: 8 convolutions, 8 BatchNorms, 8 relus, 5 pools, 4 dense/dropout
            'vgg11_bn_forced_layers': len(mx.gluon.model_zoo.vision.vgg11_bn(batch_norm=False).features)}


def main():
    import mxnet as mx
    assert mx.__version__ == '1.9.1', mx.__version__
    facts = {'structure': {f: structure(mx, f) for f in FACTORIES}, 'errors': errors(mx), 'store': store_facts(mx)}
    arrays = {}
    for name in VALUE_NETS:
        for k, v in values(mx, name).items():
            arrays['%s/%s' % (name, k)] = v
    for k, v in training_step(mx).items():
        arrays['training_step/' + k] = v
    with tempfile.TemporaryDirectory() as folder:
        rt = round_trip(mx, folder)
    facts['round_trip'] = {k: v for k, v in rt.items() if not isinstance(v, np.ndarray)}
    arrays.update({'round_trip/' + k: v for k, v in rt.items() if isinstance(v, np.ndarray)})
    with open(GOLDEN_JSON, 'w') as f:
        json.dump(facts, f, indent=0, sort_keys=True)
        f.write('\n')
    np.savez_compressed(GOLDEN_NPZ, **arrays)
    print('%d arrays' % len(arrays))


if __name__ == '__main__':
    main()
