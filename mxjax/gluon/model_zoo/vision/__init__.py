"""mx.gluon.model_zoo.vision: MXNet 1.9.1's vision networks with its block structure, prefixes and
Parameter names, so .params files move between MXNet and mxjax either way.

Build one by its factory (vision.resnet18_v1(classes=10)) or by name (get_model('resnet18_v1')).
pretrained=True loads `root`/<name>-<hash>.params (see model_store): mxjax never downloads it.
Pretrained networks expect (N, 3, H, W) RGB images in [0, 1] normalized with mean (0.485, 0.456, 0.406)
and std (0.229, 0.224, 0.225), H and W at least 224 (299 for inception_v3).
"""
from .alexnet import *  # noqa: F401,F403
from .densenet import *  # noqa: F401,F403
from .inception import *  # noqa: F401,F403
from .resnet import *  # noqa: F401,F403
from .squeezenet import *  # noqa: F401,F403
from .vgg import *  # noqa: F401,F403
from .mobilenet import *  # noqa: F401,F403

# get_model's names: the factory's own, except where MXNet spells it otherwise
_MODELS = {name: globals()[name] for name in (
    'resnet18_v1 resnet34_v1 resnet50_v1 resnet101_v1 resnet152_v1 resnet18_v2 resnet34_v2 resnet50_v2 '
    'resnet101_v2 resnet152_v2 vgg11 vgg13 vgg16 vgg19 vgg11_bn vgg13_bn vgg16_bn vgg19_bn alexnet '
    'densenet121 densenet161 densenet169 densenet201').split()}
_MODELS.update({name: globals()[factory] for name, factory in (
    ('squeezenet1.0', 'squeezenet1_0'), ('squeezenet1.1', 'squeezenet1_1'), ('inceptionv3', 'inception_v3'),
    ('mobilenet1.0', 'mobilenet1_0'), ('mobilenet0.75', 'mobilenet0_75'), ('mobilenet0.5', 'mobilenet0_5'),
    ('mobilenet0.25', 'mobilenet0_25'), ('mobilenetv2_1.0', 'mobilenet_v2_1_0'),
    ('mobilenetv2_0.75', 'mobilenet_v2_0_75'), ('mobilenetv2_0.5', 'mobilenet_v2_0_5'),
    ('mobilenetv2_0.25', 'mobilenet_v2_0_25'))})


def get_model(name, **kwargs):
    """The network called `name` (case-insensitive: 'resnet50_v2', 'mobilenetv2_0.5', 'inceptionv3', ...),
    built with the factory's keywords (pretrained, ctx, root, classes, ...). ValueError for an unknown name."""
    name = name.lower()
    if name not in _MODELS:
        raise ValueError('Model %s is not supported. Available options are\n\t%s'
                         % (name, '\n\t'.join(sorted(_MODELS))))
    return _MODELS[name](**kwargs)
