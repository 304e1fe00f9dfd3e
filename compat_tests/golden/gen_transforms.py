"""Golden values of nd.image and gluon.data.vision.transforms from MXNet 1.9.1.

Run with MXNet: ~/mxref/bin/python compat_tests/golden/gen_transforms.py
(writes transforms.json and transforms.npz beside this file).

Every case is a function of the module `mx` (mxnet or mxjax) returning {key: value}: NumPy
arrays go to transforms.npz as 'case/key', the rest to transforms.json. test_transforms.py runs
the same functions on mxjax and compares. The random nd.image ops are run with equal bounds
(random_brightness(x, 1.3, 1.3)), which makes them deterministic; the transforms that draw from
Python's `random` or NumPy's generator are seeded, and draw the same in both frameworks.
"""
import json
import os
import random

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
CASES = {}


def case(fn):
    CASES[fn.__name__] = fn
    return fn


def image(shape, seed, dtype='uint8'):
    rs = np.random.RandomState(seed)
    if dtype == 'uint8':
        return rs.randint(0, 256, shape).astype('uint8')
    return rs.uniform(0, 255, shape).astype(dtype)


def err(fn):
    """The name of the exception fn() raises, or 'ok'."""
    try:
        out = fn()
        if hasattr(out, 'wait_to_read'):
            out.wait_to_read()
    except Exception as e:   # noqa: BLE001 -- the type is the fact recorded
        return type(e).__name__
    return 'ok'


def grad_of(mx, fn, x, seed=5):
    """fn(x) and x's gradient for a fixed head gradient."""
    x = mx.nd.array(x)
    x.attach_grad()
    with mx.autograd.record():
        y = fn(x)
    y.backward(mx.nd.array(np.random.RandomState(seed).uniform(-1, 1, y.shape).astype('float32')))
    return y.asnumpy(), x.grad.asnumpy()


def arr(mx, x):
    return mx.nd.array(x, dtype=x.dtype)


def transforms(mx):
    return mx.gluon.data.vision.transforms


# ---------------------------------------------------------------- nd.image ops
@case
def to_tensor(mx):
    im = mx.nd.image
    res = {'u8': im.to_tensor(arr(mx, image((7, 9, 3), 0))).asnumpy(),
           'u8_batch': im.to_tensor(arr(mx, image((2, 6, 5, 3), 1))).asnumpy(),
           'f32': im.to_tensor(arr(mx, image((4, 5, 1), 2, 'float32'))).asnumpy(),
           'f64': im.to_tensor(arr(mx, image((4, 5, 3), 3, 'float64'))).asnumpy()}
    res['dtypes'] = [np.dtype(v.dtype).name for k, v in sorted(res.items())]
    return res


@case
def normalize(mx):
    im = mx.nd.image
    chw = arr(mx, image((3, 4, 5), 0, 'float32') / 255)
    res = {'chw': im.normalize(chw, mean=(0.485, 0.456, 0.406), std=(0.229, 0.224, 0.225)).asnumpy(),
           'nchw': im.normalize(arr(mx, image((2, 3, 4, 5), 1, 'float32')), (1, 2, 3), (4, 5, 6)).asnumpy(),
           'scalar': im.normalize(chw, 0.5, 0.25).asnumpy(),
           'c1': im.normalize(arr(mx, image((1, 4, 5), 2, 'float32')), mean=(7,), std=(3,)).asnumpy(),
           'u8': im.normalize(arr(mx, image((3, 4, 5), 3)), mean=(0, 0, 0), std=(2, 3, 4)).asnumpy()}
    res['grad_out'], res['grad'] = grad_of(mx, lambda x: im.normalize(x, (1, 2, 3), (0.5, 2, 4)),
                                           image((2, 3, 4, 5), 4, 'float32'))
    return res


@case
def crop(mx):
    im = mx.nd.image
    res = {'u8': im.crop(arr(mx, image((7, 9, 3), 0)), 1, 2, 4, 3).asnumpy(),
           'batch': im.crop(arr(mx, image((2, 6, 5, 1), 1, 'float32')), x=0, y=1, width=5, height=4).asnumpy()}
    res['grad_out'], res['grad'] = grad_of(mx, lambda x: im.crop(x, 2, 1, 3, 4), image((2, 6, 5, 3), 2, 'float32'))
    return res


@case
def flips(mx):
    im = mx.nd.image
    # even sizes: on an odd one MXNet leaves the middle column (row) of the output unwritten
    u8, g1 = arr(mx, image((6, 8, 3), 0)), arr(mx, image((4, 6, 1), 1, 'float32'))
    res = {'lr_u8': im.flip_left_right(u8).asnumpy(), 'tb_u8': im.flip_top_bottom(u8).asnumpy(),
           'lr_c1': im.flip_left_right(g1).asnumpy(), 'tb_c1': im.flip_top_bottom(g1).asnumpy()}
    res['lr_out'], res['lr_grad'] = grad_of(mx, im.flip_left_right, image((4, 6, 3), 2, 'float32'))
    res['tb_out'], res['tb_grad'] = grad_of(mx, im.flip_top_bottom, image((4, 6, 3), 3, 'float32'))
    return res


@case
def resize_modes(mx):
    """Every interpolation, uint8 and float32, shrinking and enlarging."""
    res = {}
    for dtype in ('uint8', 'float32'):
        x = arr(mx, image((7, 9, 3), 0, dtype))
        for interp in range(5):
            for size in ((5, 4), (12, 10)):
                res['%s_%d_%dx%d' % (dtype, interp, size[0], size[1])] = \
                    mx.nd.image.resize(x, size, interp=interp).asnumpy()
    return res


@case
def resize_more(mx):
    """Batches, keep_ratio, whole-factor shrinking (OpenCV's fast area path, and bilinear halving
    that OpenCV does by area), float64, int32, one and four channels."""
    im = mx.nd.image
    batch = arr(mx, image((2, 6, 5, 3), 1))
    res = {'batch_1': im.resize(batch, (4, 7)).asnumpy(), 'batch_3': im.resize(batch, 3, interp=3).asnumpy(),
           'half_u8': im.resize(arr(mx, image((8, 10, 3), 2)), (5, 4)).asnumpy(),
           'half_c4': im.resize(arr(mx, image((8, 10, 4), 3)), (5, 4), interp=3).asnumpy(),
           'third_u8': im.resize(arr(mx, image((12, 9, 1), 4)), (3, 4), interp=3).asnumpy(),
           'third_f32': im.resize(arr(mx, image((12, 9, 1), 4, 'float32')), (3, 4), interp=3).asnumpy(),
           'quarter_u8': im.resize(arr(mx, image((8, 8, 3), 5)), 2, interp=3).asnumpy(),
           'f64': im.resize(arr(mx, image((5, 6, 3), 6, 'float64')), (8, 3), interp=2).asnumpy(),
           'i32': im.resize(arr(mx, image((5, 6, 3), 7).astype('int32')), (8, 3), interp=0).asnumpy(),
           'c1': im.resize(arr(mx, image((6, 5, 1), 8)), (7, 4)).asnumpy()}
    res['keep_shapes'] = [list(im.resize(arr(mx, image(s, 9)), size, keep_ratio=True).shape)
                          for s, size in (((7, 9, 3), 4), ((9, 7, 3), 4), ((9, 7, 3), (4,)), ((9, 7, 3), (4, 6)))]
    res['dtypes'] = [np.dtype(res[k].dtype).name for k in ('f64', 'i32', 'half_u8', 'third_f32')]
    return res


@case
def color_fixed(mx):
    """The color ops with min == max factor (deterministic), on uint8 and float32, 3 and 1 channels."""
    im = mx.nd.image
    u8, f32 = arr(mx, image((6, 7, 3), 0)), arr(mx, image((6, 7, 3), 1, 'float32'))
    g1 = arr(mx, image((5, 4, 1), 2))
    res = {}
    for name, (a_u8, a_f32) in (('brightness', (1.3, 0.6)), ('contrast', (0.6, 1.7)),
                                ('saturation', (1.5, 0.4)), ('hue', (0.15, 1.3))):
        fn = getattr(im, 'random_' + name)
        res[name + '_u8'] = fn(u8, a_u8, a_u8).asnumpy()
        res[name + '_f32'] = fn(f32, a_f32, a_f32).asnumpy()
        if name != 'hue':
            res[name + '_c1'] = fn(g1, a_u8, a_u8).asnumpy()
    res['hue_u8_zero'] = im.random_hue(u8, 0, 0).asnumpy()
    res['lighting_u8'] = im.adjust_lighting(u8, alpha=(0.9, -1.2, 3.0)).asnumpy()
    res['lighting_f32'] = im.adjust_lighting(f32, (-0.5, 0.2, 0.1)).asnumpy()
    res['lighting_zero'] = im.random_lighting(u8, 0.0).asnumpy()
    res['grad_out'], res['grad'] = grad_of(mx, lambda x: im.random_brightness(x, 2.0, 2.0),
                                           image((4, 5, 3), 3, 'float32'))
    return res


# ---------------------------------------------------------------- transforms
@case
def transforms_fixed(mx):
    T = transforms(mx)
    u8 = arr(mx, image((7, 9, 3), 0))
    tensor = arr(mx, image((3, 7, 9), 1, 'float32') / 255)
    res = {'to_tensor': T.ToTensor()(u8).asnumpy(),
           'normalize': T.Normalize((0.4, 0.5, 0.6), (0.2, 0.3, 0.4))(tensor).asnumpy(),
           'normalize_default': T.Normalize()(tensor).asnumpy(),
           'resize': T.Resize(4)(u8).asnumpy(),
           'resize_keep': T.Resize(5, keep_ratio=True, interpolation=2)(u8).asnumpy(),
           'resize_wh': T.Resize((5, 3), interpolation=0)(u8).asnumpy(),
           'crop_resize': T.CropResize(1, 1, 4, 3)(u8).asnumpy(),
           'crop_resize_size': T.CropResize(1, 1, 4, 3, size=(6, 5), interpolation=1)(u8).asnumpy(),
           'center_crop': T.CenterCrop(4)(u8).asnumpy(),
           'center_crop_big': T.CenterCrop((12, 5), interpolation=2)(u8).asnumpy(),
           'cast': T.Cast('float16')(u8).asnumpy()}
    res['cast_dtype'] = np.dtype(res['cast'].dtype).name
    compose = T.Compose([T.Resize(8), T.CenterCrop(6), T.ToTensor(), T.Normalize(0.5, 0.25), T.Cast('float64')])
    res['compose'] = compose(u8).asnumpy()
    res['compose_repr'] = repr(compose)
    res['compose_children'] = [type(c).__name__ for c in compose._children.values()]
    res['apply_repr'] = repr(T.RandomApply(T.Compose([T.RandomBrightness(0.1), T.RandomHue(0.1)]), 0.3))
    res['reprs'] = [repr(b) for b in (T.ToTensor(), T.Resize(3), T.RandomLighting(0.1), T.Rotate(30))]
    return res


@case
def transforms_seeded(mx):
    """Transforms that draw from Python's random / NumPy's generator: seeded, they match MXNet."""
    T = transforms(mx)
    big = arr(mx, image((20, 24, 3), 0))
    res = {}
    for seed in range(3):
        random.seed(seed)
        res['rrc_%d' % seed] = T.RandomResizedCrop(5)(big).asnumpy()
    random.seed(7)
    res['rrc_interp10'] = T.RandomResizedCrop((6, 4), scale=(0.5, 1.0), interpolation=10)(big).asnumpy()
    random.seed(1)
    res['rrc_fallback'] = T.RandomResizedCrop(4, scale=(2.0, 3.0), interpolation=9)(big).asnumpy()
    random.seed(3)
    apply = T.RandomApply(T.Resize(3), p=0.5)
    res['apply_shapes'] = [list(apply(big).shape) for _ in range(8)]
    chw = arr(mx, image((3, 8, 10), 1, 'float32') / 255)
    np.random.seed(4)
    res['rotation'] = T.RandomRotation((-40, 40))(chw).asnumpy()
    res['rotation_zoom'] = T.RandomRotation((10, 80), zoom_in=True)(chw).asnumpy()
    batch = arr(mx, image((2, 3, 6, 5), 2, 'float32') / 255)
    res['rotation_batch'] = T.RandomRotation((-90, 90), zoom_out=True)(batch).asnumpy()
    rot = T.RandomRotation((5, 6), rotate_with_proba=0.5)
    res['rotation_applied'] = [bool((rot(chw) != chw).asnumpy().any()) for _ in range(8)]
    return res


@case
def rotate(mx):
    T = transforms(mx)
    chw = arr(mx, image((3, 8, 10), 1, 'float32') / 255)
    batch = arr(mx, image((2, 1, 6, 5), 2, 'float32') / 255)
    return {'plain': T.Rotate(30)(chw).asnumpy(), 'zoom_in': T.Rotate(-45, zoom_in=True)(chw).asnumpy(),
            'zoom_out': T.Rotate(60, zoom_out=True)(batch).asnumpy()}


@case
def errors(mx):
    im, T, nd = mx.nd.image, transforms(mx), mx.nd
    f = nd.ones((4, 5, 3))
    chw = nd.ones((3, 4, 5))
    return {
        'to_tensor_2d': err(lambda: im.to_tensor(nd.ones((4, 5)))),
        'normalize_hwc': err(lambda: im.normalize(f, (1, 2, 3), (1, 2, 3))),
        'normalize_default': err(lambda: im.normalize(chw)),
        'normalize_mean2': err(lambda: im.normalize(chw, mean=(1, 2))),
        'normalize_5d': err(lambda: im.normalize(nd.ones((1, 1, 3, 4, 5)))),
        'crop_outside': err(lambda: im.crop(f, 3, 3, 3, 3)),
        'crop_empty': err(lambda: im.crop(f, 0, 0, 0, 3)),
        'crop_c7': err(lambda: im.crop(nd.ones((4, 5, 7)), 0, 0, 2, 2)),
        'resize_zero': err(lambda: im.resize(f, (0, 3))),
        'resize_3': err(lambda: im.resize(f, (1, 2, 3))),
        'resize_nosize': err(lambda: im.resize(f)),
        'resize_2d': err(lambda: im.resize(nd.ones((4, 5)), 3)),
        'resize_f16': err(lambda: im.resize(f.astype('float16'), 3)),
        'resize_interp7': err(lambda: im.resize(f, 3, interp=7)),
        'resize_i32_linear': err(lambda: im.resize(f.astype('int32'), 3, interp=1)),
        'flip_batch': err(lambda: im.flip_left_right(nd.ones((2, 4, 5, 3)))),
        'flip_c4': err(lambda: im.flip_top_bottom(nd.ones((4, 5, 4)))),
        'brightness_batch': err(lambda: im.random_brightness(nd.ones((2, 4, 5, 3)), 1, 1)),
        'brightness_negative': err(lambda: im.random_brightness(f, -1, 1)),
        'hue_c4': err(lambda: im.random_hue(nd.ones((4, 5, 4)), 1, 1)),
        'lighting_alpha2': err(lambda: im.adjust_lighting(f, alpha=(1, 2))),
        'rotate_u8': err(lambda: T.Rotate(10)(nd.ones((3, 4, 5), dtype='uint8'))),
        'rotate_zoom_both': err(lambda: T.Rotate(10, zoom_in=True, zoom_out=True)(chw)),
        'rotation_limits': err(lambda: T.RandomRotation((5, 1))),
        'rotation_proba': err(lambda: T.RandomRotation((1, 5), rotate_with_proba=2)),
        'rrc_interp7': err(lambda: T.RandomResizedCrop(3, interpolation=7)(nd.ones((8, 8, 3), dtype='uint8'))),
        'to_tensor_ok_c4': err(lambda: im.to_tensor(nd.ones((4, 5, 4)))),
        'resize_ok_c4': err(lambda: im.resize(nd.ones((4, 5, 4)), 3)),
    }


def names(mx):
    """MXNet's public names of the two modules (the completeness test's reference)."""
    public = lambda m: sorted(n for n in dir(m) if not n.startswith('_'))   # noqa: E731
    return {'transforms': public(transforms(mx)), 'image': public(mx.nd.image)}


def main():
    import mxnet as mx
    assert mx.__version__ == '1.9.1', mx.__version__
    facts, arrays = {'names': names(mx)}, {}
    for name, fn in CASES.items():
        facts[name] = {}
        for k, v in fn(mx).items():
            if isinstance(v, np.ndarray):
                arrays['%s/%s' % (name, k)] = v
            else:
                facts[name][k] = v
    with open(os.path.join(HERE, 'transforms.json'), 'w') as f:
        json.dump(facts, f, indent=1, sort_keys=True)
        f.write('\n')
    np.savez_compressed(os.path.join(HERE, 'transforms.npz'), **arrays)
    print('%d cases, %d arrays' % (len(facts), len(arrays)))


if __name__ == '__main__':
    main()
