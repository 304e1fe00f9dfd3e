"""Golden facts of nd.random / mx.random from MXNet 1.9.1: shapes, dtypes, contexts, errors.

Run with MXNet: ~/mxref/bin/python compat_tests/golden/gen_random.py  (writes random.json)
The values themselves are random; their distribution is tested statistically in test_random.py.
"""
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))
CALLS = [
    "nd.random.uniform(shape=(2,3))", "nd.random.uniform()", "nd.random.uniform(-2, 5, shape=4)",
    "nd.random.normal(0, 1, shape=5, dtype='float64')", "nd.random.normal(shape=(2, 2), dtype='float16')",
    "nd.random.randint(0, 10, shape=(3,))", "nd.random.randint(0, 10, shape=(3,), dtype='int64')",
    "mx.random.uniform(-1, 1, shape=(2,))", "mx.random.normal(shape=(1, 2))",
    "nd.random.uniform(shape=(2,), ctx=mx.cpu(1))",
    "nd.random.uniform(shape=(2,), dtype='int32')", "nd.random.randint(0, 10, shape=(2,), dtype='float32')",
]


def describe(mx, call):
    nd = mx.nd  # noqa: F841 (used by eval)
    try:
        r = eval(call)
        return {'shape': list(r.shape), 'dtype': r.dtype.__name__, 'ctx': str(r.context)}
    except Exception as e:  # noqa: BLE001 - the error is the fact
        return {'error': type(e).__name__}


def main():
    import mxnet as mx
    out = {c: describe(mx, c) for c in CALLS}
    with open(os.path.join(HERE, 'random.json'), 'w') as f:
        json.dump(out, f, indent=1, sort_keys=True)


if __name__ == '__main__':
    main()
