"""Golden facts and values of the random samplers and densities from MXNet 1.9.1.

Run with MXNet: ~/mxref/bin/python compat_tests/golden/gen_random_ops.py  (writes random_ops.json)

- FACTS: shape / dtype / context (or the error type) of each call; sampled values are random
  and their distributions are tested statistically in test_random_ops.py.
- PDF: values and gradients (head gradient ones) of nd.random_pdf_* for fixed inputs.
- MULTINOMIAL: for each outcome MXNet drew, the gradient of its log-probability w.r.t. the
  probabilities, so the test can check mxjax's gradient for the outcomes it draws.
"""
import json
import os

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
P = "nd.array([[0.2,0.3,0.5],[0.1,0.1,0.8]])"
FACTS = [
    'nd.random.randn(2, 3)',
    "nd.random.randn(2, loc=1, scale=2, dtype='float64')",
    'nd.random.randn()',
    "nd.random.randn(2, dtype='int32')",
    'nd.random.exponential(2, shape=(2,))',
    'nd.random.exponential()',
    "nd.random.exponential(shape=2, dtype='float16')",
    'nd.random.gamma(2, 3, shape=3)',
    "nd.random.exponential(shape=2, dtype='float64')",
    'nd.random.poisson(3, shape=2)',
    "nd.random.poisson(3, shape=2, dtype='int32')",
    'nd.random.negative_binomial(3, 0.4, shape=2)',
    'nd.random.generalized_negative_binomial(2, 0.5, shape=2)',
    'nd.random.uniform(nd.array([0,1]), nd.array([1,2]), shape=3)',
    'nd.random.uniform(nd.array([0,1]), nd.array([1,2]))',
    'nd.random.uniform(nd.array([[0,1]]), nd.array([[1,2]]), shape=(2,3))',
    "nd.random.normal(nd.array([0,1],dtype='float64'), nd.array([1,2],dtype='float64'), shape=3)",
    "nd.random.normal(nd.array([0,1]), nd.array([1,2]), shape=3, dtype='float64')",
    'nd.random.normal(nd.array([0,1]), nd.array([1,2,3]), shape=3)',
    'nd.random.normal(nd.array([0,1]), 2, shape=3)',
    "nd.random.normal('a', 2, shape=3)",
    'nd.random.gamma(nd.array([1,2]), nd.array([1,2]), shape=3)',
    'nd.random.exponential(nd.array([1,2]), shape=3)',
    'nd.random.poisson(nd.array([1,2]), shape=3)',
    'nd.random.negative_binomial(nd.array([1,2]), nd.array([.3,.5]), shape=3)',
    'nd.random.generalized_negative_binomial(nd.array([1,2]), nd.array([.3,.5]), shape=3)',
    "nd.random.uniform(nd.array([0],dtype='float16'), nd.array([1],dtype='float16'), shape=2)",
    "nd.random.uniform(nd.array([0],dtype='float64'), nd.array([1],dtype='float16'), shape=2)",
    "nd.random.uniform(nd.array([0]), nd.array([1]), shape=2, dtype='float16')",
    "nd.random.uniform(nd.array([0]), nd.array([1]), shape=2, dtype='int32')",
    'nd.random.uniform(nd.array([0]), nd.array([1]), shape=2, out=nd.zeros((2,)))',
    'nd.random.uniform(nd.array([0]), nd.array([1]), shape=2, out=nd.zeros((1,2)))',
    'nd.random.uniform(nd.array([0,1]), nd.array([1,2]), shape=3, out=nd.zeros((2,3)))',
    "nd.random.poisson(nd.array([1,2]), shape=3, dtype='int32')",
    'nd.random.multinomial(nd.array([.2,.3,.5]))',
    'nd.random.multinomial(nd.array([.2,.3,.5]), shape=4)',
    'nd.random.multinomial(%s, shape=(2,4))' % P,
    'nd.random.multinomial(%s)' % P,
    'nd.random.multinomial(%s, get_prob=True)' % P,
    "nd.random.multinomial(nd.array([.2,.3,.5]), shape=3, get_prob=True, dtype='float32')",
    "nd.random.multinomial(nd.array([.2,.3,.5]), dtype='int64')",
    "nd.random.multinomial(nd.array([.2,.3,.5]), dtype='uint8')",
    "nd.random.multinomial(nd.array([.2,.3,.5]), dtype='float64')",
    "nd.random.multinomial(nd.array([.2,.3,.5], dtype='float64'), get_prob=True)",
    "nd.random.multinomial(nd.array([.2,.3,.5]), shape=2, out=nd.zeros((2,),dtype='int32'))",
    "nd.random.multinomial(nd.array([.2,.3,.5]), shape=2, out=nd.zeros((3,),dtype='int32'))",
    "nd.random.multinomial(nd.array([.2,.3,.5]), get_prob=True, out=nd.zeros((1,),dtype='int32'))",
    "nd.random.multinomial(nd.array([.2,.3,.5]), get_prob=True, out=[nd.zeros((1,),dtype='int32'), nd.zeros((1,))])",
    'nd.random.shuffle(nd.array([[1,2],[3,4],[5,6]]))',
    "nd.random.shuffle(nd.array([1,2,3], dtype='int32'))",
    'nd.random.shuffle(nd.array([1,2,3]), out=nd.zeros(3))',
    'nd.random.shuffle(nd.array([1,2,3]), out=nd.zeros(4))',
    'nd.random.shuffle(nd.array(5))',
    "nd.random.shuffle(nd.array([[1,2],[3,4]]), out=nd.zeros((2,2),dtype='int32'))",
    'nd.random.uniform(shape=2, out=nd.zeros((3,)))',
    'nd.random.uniform(out=nd.zeros((3,)))',
    'nd.random.uniform(shape=(3,), out=nd.zeros((3,)))',
    "nd.random.uniform(0, 1, shape=2, out=nd.zeros((2,),dtype='float64'))",
    "nd.random.uniform(0, 1, shape=2, dtype='float16', out=nd.zeros((2,),dtype='float64'))",
    "nd.random.uniform(0, 1, shape=2, out=nd.zeros((2,),dtype='int32'))",
    "nd.random.randint(0, 3, out=nd.zeros((2,),dtype='int64'))",
    "nd.random.randint(0, 3, out=nd.zeros((2,),dtype='float32'))",
    'nd.random.randint(0.5, 3, shape=2)',
    'nd.random.randint(0, 3.5, shape=2)',
    'nd.random.randint(nd.array([0]), nd.array([3]))',
    'nd.random.randint(3, 1, shape=2).asnumpy()',
    'nd.random.randint(0, 5, shape=(2,), ctx=mx.cpu(1))',
    'nd.random.uniform(shape=(-1,2))',
    'nd.random.uniform(shape=-2)',
    'nd.random.uniform(shape=(2,0))',
    'nd.random.uniform(shape=0)',
    'nd.random.uniform(shape=2, dtype=None)',
    'nd.random.normal(shape=2, dtype=None)',
    'nd.random.exponential(shape=2, dtype=None)',
    'nd.random.randint(0, 3, shape=2, dtype=None)',
    "nd.random.uniform(shape=2, dtype='foo')",
    "nd.random.uniform(shape=2, dtype='int64')",
    'nd.random.uniform(2, 1, shape=2).asnumpy()',
    'nd.random.uniform(1, 1, shape=2)',
    'nd.random.normal(scale=-1, shape=2).asnumpy()',
    'nd.random.normal(0, 0, shape=2).asnumpy()',
    'nd.random.gamma(-1, 1, shape=2).asnumpy()',
    'nd.random.gamma(1, -1, shape=2).asnumpy()',
    'nd.random.gamma(0, 1, shape=2).asnumpy()',
    'nd.random.exponential(-1, shape=2).asnumpy()',
    'nd.random.exponential(0, shape=2)',
    'nd.random.poisson(-1, shape=2).asnumpy()',
    'nd.random.poisson(0, shape=2)',
    'nd.random.negative_binomial(-1, .5, shape=2).asnumpy()',
    'nd.random.negative_binomial(0, .5, shape=2)',
    'nd.random.generalized_negative_binomial(-1, .5, shape=2).asnumpy()',
    'nd.random.generalized_negative_binomial(1, -.5, shape=2).asnumpy()',
    'nd.random.generalized_negative_binomial(0, 0, shape=2)',
    'nd.random.uniform(low=0, high=1, shape=2, foo=3)',
    'nd.random.uniform_like(nd.zeros((2,3)))',
    "nd.random.uniform_like(nd.zeros((2,3), dtype='float64'), low=1, high=2)",
    "nd.random.normal_like(nd.zeros((2,), dtype='float16'), loc=1, scale=2)",
    'nd.random.exponential_like(nd.zeros((2,3)), lam=2)',
    'nd.random.gamma_like(nd.zeros((2,3)), alpha=2, beta=3)',
    'nd.random.poisson_like(nd.zeros((4,)), lam=3)',
    'nd.random.negative_binomial_like(nd.zeros((4,)), k=3, p=.5)',
    'nd.random.generalized_negative_binomial_like(nd.zeros((4,)), mu=2, alpha=.5)',
    "nd.random.uniform_like(nd.zeros((2,), dtype='int32'))",
    'nd.random.uniform_like(nd.zeros((2,)), low=2, high=1).asnumpy()',
    'nd.random.normal_like(nd.zeros((2,)), scale=-1).asnumpy()',
    'nd.random.uniform_like(nd.zeros((2,), ctx=mx.cpu(1)))',
    'nd.uniform(0, 1, shape=(2,))',
    'nd.normal(shape=(2, 2))',
    'nd.random_uniform(shape=3)',
    'nd.random_uniform()',
    "nd.random_normal(1, 2, shape=(2,), dtype='float64')",
    'nd.random_randint(0, 5, shape=(3,))',
    'nd.random_randint(0, 5)',
    'nd.random_exponential(2, shape=(2,))',
    'nd.random_gamma(2, 3, shape=(2,))',
    'nd.random_poisson(2, shape=(2,))',
    'nd.random_negative_binomial(2, .5, shape=(2,))',
    'nd.random_generalized_negative_binomial(2, .5, shape=(2,))',
    'nd.random_uniform(0, 1, shape=(2,), ctx=mx.cpu(1))',
    'nd.sample_uniform(nd.array([0,1]), nd.array([1,2]), shape=(3,))',
    'nd.sample_uniform(nd.array([0,1]), nd.array([1,2]))',
    "nd.sample_normal(nd.array([0,1]), nd.array([1,2]), shape=(3,), dtype='float64')",
    'nd.sample_gamma(nd.array([1,2]), nd.array([1,2]), shape=3)',
    'nd.sample_exponential(nd.array([1,2]), shape=3)',
    'nd.sample_poisson(nd.array([1,2]), shape=3)',
    'nd.sample_negative_binomial(nd.array([1,2]), nd.array([.3,.5]), shape=3)',
    'nd.sample_generalized_negative_binomial(nd.array([1,2]), nd.array([.3,.5]), shape=3)',
    'nd.sample_multinomial(%s, shape=(3,))' % P,
    'nd.sample_multinomial(%s, shape=(3,), get_prob=True)' % P,
    'nd.shuffle(nd.array([[1,2],[3,4],[5,6]]))',
    'mx.random.randn(2)',
    'mx.random.exponential(shape=(2,))',
    'mx.random.multinomial(nd.array([.5,.5]))',
]

# (op, {input: array}, attrs); sample's leading dims are the parameters' shape
_S = [[0.3, 1.2, 2.0], [0.5, 1.0, 3.5]]
_K = [[0.0, 1.0, 3.0], [2.0, 4.0, 1.0]]
PDF = [
    ('random_pdf_uniform', {'sample': [[0.3, 0.6, 0.9], [1.2, 1.5, 2.9]], 'low': [0.0, 1.0], 'high': [1.0, 3.0]}),
    ('random_pdf_normal', {'sample': _S, 'mu': [0.5, 1.0], 'sigma': [1.0, 2.0]}),
    ('random_pdf_gamma', {'sample': _S, 'alpha': [1.5, 2.0], 'beta': [0.5, 2.0]}),
    ('random_pdf_exponential', {'sample': _S, 'lam': [0.5, 2.0]}),
    ('random_pdf_poisson', {'sample': _K, 'lam': [0.5, 2.0]}),
    ('random_pdf_negative_binomial', {'sample': _K, 'k': [2.0, 3.0], 'p': [0.3, 0.6]}),
    ('random_pdf_generalized_negative_binomial', {'sample': _K, 'mu': [1.0, 2.5], 'alpha': [0.5, 0.2]}),
    ('random_pdf_dirichlet', {'sample': [[[0.2, 0.3, 0.5], [0.1, 0.6, 0.3]], [[0.7, 0.2, 0.1], [0.3, 0.3, 0.4]]],
                              'alpha': [[1.0, 2.0, 3.0], [0.5, 1.5, 2.5]]}),
]
MULTI_P = [[0.2, 0.3, 0.5], [0.1, 0.6, 0.3]]
# samplers with NDArray parameters: (op, parameters); MXNet's gradient to the parameters
SAMPLE_GRADS = [
    ('sample_uniform', [[0.0, 1.0], [1.0, 3.0]]), ('sample_normal', [[0.0, 1.0], [1.0, 3.0]]),
    ('sample_gamma', [[1.0, 2.0], [1.0, 3.0]]), ('sample_exponential', [[1.0, 2.0]]),
    ('sample_poisson', [[1.0, 2.0]]), ('sample_negative_binomial', [[1.0, 2.0], [0.3, 0.4]]),
    ('sample_generalized_negative_binomial', [[1.0, 2.0], [0.3, 0.4]]),
]


def describe(mx, call):
    nd = mx.nd  # noqa: F841 (used by eval)
    try:
        r = eval(call)
    except Exception as e:  # noqa: BLE001 - the error is the fact
        return {'error': type(e).__name__}
    if hasattr(r, 'shape') and not hasattr(r, 'context'):  # .asnumpy() of a call that did not raise
        return {'ok': True}
    rs = r if isinstance(r, (list, tuple)) else [r]
    return [{'shape': list(x.shape), 'dtype': np.dtype(x.dtype).name, 'ctx': str(x.context)} for x in rs]


def run_pdf(mx, name, inputs, dtype, is_log):
    nd = mx.nd
    arrs = {k: nd.array(v, dtype=dtype) for k, v in inputs.items()}
    for a in arrs.values():
        a.attach_grad()
    with mx.autograd.record():
        y = getattr(nd, name)(is_log=is_log, **arrs)
    y.backward()
    return {'out': y.asnumpy().tolist(), 'grads': {k: a.grad.asnumpy().tolist() for k, a in arrs.items()}}


def main():
    import mxnet as mx
    out = {'facts': {c: describe(mx, c) for c in FACTS}, 'pdf': {}}
    for name, inputs in PDF:
        for dt in ('float32', 'float64'):
            for is_log in (False, True):
                out['pdf']['%s/%s/%d' % (name, dt, is_log)] = run_pdf(mx, name, inputs, dt, is_log)
    # log-probability gradient of each drawn outcome: row -> {outcome: grad row}
    grads = [{}, {}]
    for _ in range(40):
        p = mx.nd.array(MULTI_P)
        p.attach_grad()
        with mx.autograd.record():
            s, logp = mx.nd.random.multinomial(p, get_prob=True)
        logp.backward()
        for r in range(2):
            grads[r][str(int(s[r].asscalar()))] = p.grad[r].asnumpy().tolist()
            assert abs(logp[r].asscalar() - np.log(MULTI_P[r][int(s[r].asscalar())])) < 1e-6
    out['multinomial_grad'] = grads
    out['sample_grads'] = {}
    for name, params in SAMPLE_GRADS:
        ps = [mx.nd.array(v) for v in params]
        for a in ps:
            a.attach_grad()
        with mx.autograd.record():
            y = getattr(mx.nd, name)(*ps, shape=(3,))
        y.backward()
        out['sample_grads'][name] = [a.grad.asnumpy().tolist() for a in ps]
    with open(os.path.join(HERE, 'random_ops.json'), 'w') as f:
        json.dump(out, f, indent=0, sort_keys=True)


if __name__ == '__main__':
    main()
