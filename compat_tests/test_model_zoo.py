"""mx.gluon.model_zoo vs MXNet 1.9.1 (golden/gen_model_zoo.py -> golden/model_zoo.json, model_zoo.npz):
every factory's Parameter names, shapes and repr; outputs of small networks with fixed values in
predict and training mode; save_parameters names and loading them back (also as pretrained=True
from a local file); errors; model_store's file names, and its no-download error."""
import hashlib
import inspect
import json
import os
import shutil
import sys

import numpy as np
import pytest

import mxjax as mx
from mxjax.gluon.model_zoo import model_store, vision

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), 'golden'))
import gen_model_zoo as gen  # noqa: E402

with open(gen.GOLDEN_JSON) as f:
    GOLD = json.load(f)
ARRAYS = np.load(gen.GOLDEN_NPZ)


def close(got, want, what):
    """float32 agreement through a deep network: relative to the output's scale."""
    scale = float(np.abs(want).max()) if want.size else 1.0
    np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-4 * scale, err_msg=what)


@pytest.mark.parametrize('factory', gen.FACTORIES)
def test_structure(factory):
    got = gen.structure(mx, factory)
    mx.nd.waitall()   # the forward only set shapes: nothing it queued is still referenced, so nothing runs
    want = GOLD['structure'][factory]
    if 'params' in want:
        assert got['params'] == want['params']
    assert {k: v for k, v in got.items() if k in want} == want


@pytest.mark.parametrize('name', sorted(gen.VALUE_NETS))
def test_values(name):
    got = gen.values(mx, name)
    for k, v in got.items():
        close(v, ARRAYS['%s/%s' % (name, k)], '%s: %s' % (name, k))


def test_training_step():
    for k, v in gen.training_step(mx).items():
        close(v, ARRAYS['training_step/' + k], k)


def test_hybridized_values():
    net, x = gen.make_valued(mx, 'bottleneck_v2')
    net.hybridize()
    for k, v in gen.outputs(mx, net, x).items():
        close(v, ARRAYS['bottleneck_v2/' + k], 'hybridized: ' + k)


def test_save_load_and_pretrained(tmp_path, monkeypatch):
    rt = gen.round_trip(mx, str(tmp_path))
    # the names MXNet's files hold (so files move both ways), and the outputs after loading them
    assert {k: v for k, v in rt.items() if not isinstance(v, np.ndarray)} == GOLD['round_trip']
    for k in ('loaded_predict', 'loaded_prefixless_predict'):
        close(rt[k], ARRAYS['round_trip/' + k], k)
    # the same file as a pretrained one: its SHA-1 stands in for the published one
    src = str(tmp_path / 'resnet18_v1.params')
    with open(src, 'rb') as f:
        digest = hashlib.sha1(f.read()).hexdigest()
    monkeypatch.setitem(model_store._model_sha1, 'resnet18_v1', digest)
    root = tmp_path / 'models'
    root.mkdir()
    shutil.copy(src, str(root / ('resnet18_v1-%s.params' % digest[:8])))
    assert model_store.get_model_file('resnet18_v1', root=str(root)) == str(root / ('resnet18_v1-%s.params'
                                                                                     % digest[:8]))
    _, x = gen.make_valued(mx, 'resnet18_v1')
    net = vision.get_model('resnet18_v1', pretrained=True, root=str(root), ctx=mx.cpu(0), classes=10)
    assert net.output.weight.list_ctx() == [mx.cpu(0)]
    close(net(x).asnumpy(), ARRAYS['round_trip/loaded_predict'], 'pretrained')


def test_no_download(tmp_path, monkeypatch):
    monkeypatch.delenv('MXNET_GLUON_REPO', raising=False)
    path = str(tmp_path / 'alexnet-44335d1f.params')
    url = 'https://apache-mxnet.s3-accelerate.dualstack.amazonaws.com/gluon/models/alexnet-44335d1f.zip'
    for fn in (lambda: model_store.get_model_file('alexnet', root=str(tmp_path)),
               lambda: vision.alexnet(pretrained=True, root=str(tmp_path))):
        with pytest.raises(FileNotFoundError) as e:
            fn()
        assert path in str(e.value) and url in str(e.value)
    monkeypatch.setenv('MXNET_GLUON_REPO', 'https://mirror.example/mx')
    with pytest.raises(FileNotFoundError, match='https://mirror.example/mx/gluon/models/alexnet-44335d1f.zip'):
        model_store.get_model_file('alexnet', root=str(tmp_path))
    with open(path, 'w') as f:
        f.write('not the published file')
    with pytest.raises(ValueError, match='SHA-1'):
        model_store.get_model_file('alexnet', root=str(tmp_path))
    home = os.getenv('MXNET_HOME', os.path.join(os.path.expanduser('~'), '.mxnet'))
    assert inspect.signature(model_store.get_model_file).parameters['root'].default == os.path.join(home, 'models')


def test_errors():
    assert gen.errors(mx) == GOLD['errors']
    with pytest.raises(ValueError, match='Model resnet19_v1 is not supported. Available options are\n\talexnet'):
        vision.get_model('ResNet19_v1')


def test_store_facts():
    assert gen.store_facts(mx) == GOLD['store']
