"""nd.image and gluon.data.vision.transforms vs MXNet 1.9.1 (golden/gen_transforms.py ->
golden/transforms.json, transforms.npz): every op and deterministic transform on uint8 and
float32 images and batches, gradients, reprs and errors; the random ops by their properties
(range, shape, dtype, a fixed mx.random.seed repeats); hybridized transforms equal eager ones."""
import json
import os
import sys
import warnings

import numpy as np
import pytest

import mxjax as mx
from mxjax.base import MXNetError
from mxjax.gluon.data.vision import transforms as T

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), 'golden'))
import gen_transforms as gen  # noqa: E402

with open(os.path.join(gen.HERE, 'transforms.json')) as _f:
    GOLD = json.load(_f)
ARRAYS = np.load(os.path.join(gen.HERE, 'transforms.npz'))
nd, im = mx.nd, mx.nd.image

# MXNet names mxjax leaves out, with the reason.
LEFT_OUT = {'transforms': {'image': 'mx.image (OpenCV image decoding) is not in mxjax',
                           'is_np_array': "MXNet's NumPy interface is not in mxjax's scope"},
            'image': {}}


@pytest.mark.parametrize('module', ['transforms', 'image'])
def test_every_mxnet_name_exists(module):
    mod = T if module == 'transforms' else im
    missing = [n for n in GOLD['names'][module] if n not in LEFT_OUT[module] and not hasattr(mod, n)]
    assert not missing
    assert all(not hasattr(mod, n) for n in LEFT_OUT[module])


@pytest.mark.parametrize('name', sorted(gen.CASES))
def test_golden(name):
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        got = gen.CASES[name](mx)
    facts = {k: v for k, v in got.items() if not isinstance(v, np.ndarray)}
    assert json.loads(json.dumps(facts)) == GOLD[name]
    want = {k.split('/', 1)[1]: ARRAYS[k] for k in ARRAYS.files if k.split('/', 1)[0] == name}
    arrays = {k: v for k, v in got.items() if isinstance(v, np.ndarray)}
    assert sorted(arrays) == sorted(want)
    for k, v in want.items():
        assert arrays[k].dtype == v.dtype and arrays[k].shape == v.shape, k
        if v.dtype == np.uint8 or v.dtype.kind == 'i':   # integer images: exactly
            np.testing.assert_array_equal(arrays[k], v, err_msg='%s: %s' % (name, k))
        else:
            np.testing.assert_allclose(arrays[k], v, rtol=1e-5, atol=1e-5, err_msg='%s: %s' % (name, k))


# ---------------------------------------------------------------- gradients MXNet does not define
def test_to_tensor_gradient():
    """MXNet's to_tensor backward fails (its gradient is a copy of the wrong shape); mxjax's is the
    true one: the head gradient moved back to (H, W, C) and divided by 255."""
    x = nd.array(gen.image((4, 5, 3), 0, 'float32'))
    x.attach_grad()
    head = np.random.RandomState(1).uniform(-1, 1, (3, 4, 5)).astype('float32')
    with mx.autograd.record():
        y = im.to_tensor(x)
    y.backward(nd.array(head))
    np.testing.assert_allclose(x.grad.asnumpy(), head.transpose(1, 2, 0) / 255, rtol=1e-6)


# ---------------------------------------------------------------- random ops: properties
def u8(shape, seed):
    return nd.array(gen.image(shape, seed), dtype='uint8')


def draws(fn, n=12):
    return [fn().asnumpy() for _ in range(n)]


def test_random_flips_pick_identity_or_flip_and_repeat_with_seed():
    x = u8((4, 5, 3), 0)
    for fn, flip in ((im.random_flip_left_right, lambda a: a[:, ::-1]), (im.random_flip_top_bottom, lambda a: a[::-1])):
        mx.random.seed(11)
        outs = draws(lambda: fn(x))
        flipped = [np.array_equal(o, flip(x.asnumpy())) for o in outs]
        assert all(f or np.array_equal(o, x.asnumpy()) for f, o in zip(flipped, outs))
        assert 0 < sum(flipped) < len(outs)
        mx.random.seed(11)
        assert all(np.array_equal(a, b) for a, b in zip(outs, draws(lambda: fn(x))))


def factor(out, x):
    """The one factor f with out = x * f (float images)."""
    f = out / x
    np.testing.assert_allclose(f, f.flat[0], rtol=1e-5)
    return float(f.flat[0])


def test_random_brightness_factor_in_range():
    x = nd.array(gen.image((4, 5, 3), 0, 'float32') + 1)
    mx.random.seed(3)
    fs = [factor(o, x.asnumpy()) for o in draws(lambda: im.random_brightness(x, 0.5, 1.5))]
    assert all(0.5 <= f < 1.5 for f in fs) and len(set(fs)) == len(fs)
    mx.random.seed(3)
    assert fs == [factor(o, x.asnumpy()) for o in draws(lambda: im.random_brightness(x, 0.5, 1.5))]
    assert im.random_brightness(u8((4, 5, 3), 0), 0, 3).dtype == np.uint8


def test_random_contrast_and_saturation_match_some_factor_in_range():
    """Each draw equals the deterministic op (min == max) at the factor it used, read off two pixels."""
    x = nd.array(gen.image((4, 5, 3), 0, 'float32'))
    a = x.asnumpy()
    for fn, read in ((im.random_contrast, lambda o: (o[0, 0, 0] - o[0, 1, 0]) / (a[0, 0, 0] - a[0, 1, 0])),
                     (im.random_saturation, lambda o: (o[0, 0, 0] - o[0, 0, 1]) / (a[0, 0, 0] - a[0, 0, 1]))):
        for o in draws(lambda: fn(x, 0.25, 0.75), 6):
            f = float(read(o))
            assert 0.25 - 1e-4 <= f <= 0.75 + 1e-4
            np.testing.assert_allclose(o, fn(x, f, f).asnumpy(), rtol=1e-4, atol=1e-3)


def test_random_hue_and_jitter_keep_shape_dtype_range():
    x = u8((6, 7, 3), 2)
    for fn in (lambda: im.random_hue(x, 0.2, 0.4), lambda: im.random_color_jitter(x, 0.4, 0.4, 0.4, 0.3),
               lambda: im.random_lighting(x, 0.3)):
        mx.random.seed(5)
        outs = draws(fn, 6)
        assert all(o.dtype == np.uint8 and o.shape == (6, 7, 3) for o in outs)
        assert len({o.tobytes() for o in outs}) > 1
        mx.random.seed(5)
        assert all(np.array_equal(a, b) for a, b in zip(outs, draws(fn, 6)))
    hue_turn = im.random_hue(x, 1.0, 1.0).asnumpy().astype(int)   # a whole turn: the same colors, +-1
    assert np.abs(hue_turn - x.asnumpy()).max() <= 1


def test_random_color_jitter_brightness_only_is_a_factor():
    x = nd.array(gen.image((4, 5, 3), 3, 'float32') + 1)
    for o in draws(lambda: im.random_color_jitter(x, 0.3, 0, 0, 0), 6):
        assert 0.7 <= factor(o, x.asnumpy()) <= 1.3


def test_random_lighting_adds_one_rgb_offset():
    x = nd.array(gen.image((4, 5, 3), 4, 'float32'))
    offsets = []
    for o in draws(lambda: im.random_lighting(x, 0.5), 40):
        d = o - x.asnumpy()
        np.testing.assert_allclose(d, np.broadcast_to(d[0, 0], d.shape), atol=1e-3)
        offsets.append(d[0, 0])
    alphas = np.linalg.solve(np.array(gen_eig()), np.array(offsets).T)   # the drawn N(0, 0.5) alphas
    assert 0.25 < alphas.std() < 0.75 and abs(alphas.mean()) < 0.25


def gen_eig():
    return [[55.46 * -0.5675, 4.794 * 0.7192, 1.148 * 0.4009], [55.46 * -0.5808, 4.794 * -0.0045, 1.148 * -0.8140],
            [55.46 * -0.5836, 4.794 * -0.6948, 1.148 * 0.4203]]


def test_random_ops_pass_the_head_gradient():
    x = nd.array(gen.image((4, 5, 3), 5, 'float32'))
    x.attach_grad()
    head = nd.array(np.random.RandomState(0).uniform(-1, 1, (4, 5, 3)))
    with mx.autograd.record():
        y = im.random_color_jitter(im.random_flip_left_right(x), 0.2, 0.2, 0.2, 0.2)
    y.backward(head)
    np.testing.assert_array_equal(x.grad.asnumpy(), head.asnumpy())


# ---------------------------------------------------------------- transforms: hybridized == eager
def test_hybridized_compose_equals_eager():
    x = u8((2, 9, 8, 3), 6)
    blocks = lambda: [T.Resize((6, 5), interpolation=2), T.CropResize(1, 0, 4, 4, size=(3, 3)), T.ToTensor(),  # noqa: E731
                      T.Normalize((0.1, 0.2, 0.3), (0.5, 0.6, 0.7)), T.Cast('float64')]
    compose = T.Compose(blocks())
    assert [type(c).__name__ for c in compose._children.values()] == ['HybridSequential']
    assert compose[0]._active
    eager = x
    for b in blocks():
        eager = b(eager)
    out = compose(x)
    assert out.dtype == np.float64 and out.shape == (2, 3, 3, 3)
    np.testing.assert_array_equal(out.asnumpy(), eager.asnumpy())


def test_hybridized_random_transforms_draw_per_call_and_repeat_with_seed():
    x = u8((5, 6, 3), 7)
    compose = T.Compose([T.RandomFlipLeftRight(), T.RandomBrightness(0.5), T.RandomColorJitter(0.1, 0.1, 0.1, 0.1),
                         T.RandomLighting(0.1)])
    assert compose[0]._active
    mx.random.seed(9)
    outs = draws(lambda: compose(x), 5)
    assert len({o.tobytes() for o in outs}) == 5 and all(o.dtype == np.uint8 for o in outs)
    mx.random.seed(9)
    assert all(np.array_equal(a, b) for a, b in zip(outs, draws(lambda: compose(x), 5)))


def test_transforms_in_a_dataloader():
    data = mx.gluon.data.SimpleDataset([u8((6, 7, 3), i) for i in range(4)])
    data = data.transform(T.Compose([T.Resize(4), T.ToTensor()]))
    batch = next(iter(mx.gluon.data.DataLoader(data, batch_size=4)))
    want = np.stack([T.ToTensor()(T.Resize(4)(u8((6, 7, 3), i))).asnumpy() for i in range(4)])
    np.testing.assert_array_equal(batch.asnumpy(), want)


def test_error_messages_name_the_problem():
    with pytest.raises(MXNetError, match='mean must have either 1 or 3'):
        im.normalize(nd.ones((3, 4, 5)))
    with pytest.raises(MXNetError, match='interp=7'):
        im.resize(nd.ones((4, 5, 3)), 3, interp=7)
    with pytest.raises(MXNetError, match='x \\+ width'):
        im.crop(nd.ones((4, 5, 3)), 3, 0, 3, 2)
