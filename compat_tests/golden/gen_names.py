"""MXNet 1.9.1's public names per module, for the completeness test (test_names.py).

    ~/mxref/bin/python compat_tests/golden/gen_names.py

writes names.json beside this file: {"dir": {module path: sorted public names of dir(module)},
"star": {module path: what `from <module> import *` gives}} (for modules, not classes).
"""
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))
GOLDEN = os.path.join(HERE, 'names.json')
# module path in mxnet -> how to reach it from the top-level package
MODULES = ['', 'nd', 'nd.random', 'nd.linalg', 'nd.contrib', 'nd.NDArray', 'random', 'autograd',
           'init', 'initializer', 'context', 'Context', 'test_utils', 'base', 'metric', 'lr_scheduler', 'recordio',
           'optimizer', 'gluon', 'gluon.nn', 'gluon.loss', 'gluon.data', 'gluon.data.vision', 'gluon.utils',
           'gluon.contrib', 'gluon.contrib.nn', 'gluon.model_zoo', 'gluon.model_zoo.vision']


def resolve(mx, path):
    obj = mx
    for part in filter(None, path.split('.')):
        obj = getattr(obj, part)
    return obj


def public(obj):
    return sorted(n for n in dir(obj) if not n.startswith('_'))


def main():
    import mxnet as mx
    assert mx.__version__ == '1.9.1', mx.__version__
    out = {'dir': {path: public(resolve(mx, path)) for path in MODULES}, 'star': {}}
    for path in MODULES:
        mod = resolve(mx, path)
        if isinstance(mod, type(mx)):
            ns = {}
            exec('from %s import *' % mod.__name__, ns)
            out['star'][path] = sorted(n for n in ns if n != '__builtins__')
    with open(GOLDEN, 'w') as f:
        json.dump(out, f, indent=0, sort_keys=True)
        f.write('\n')


if __name__ == '__main__':
    main()
