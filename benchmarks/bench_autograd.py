"""Issue 2 benchmarks: W1 (op chain, eager / recorded+backward), W2 (MLP step), W3 (2nd derivative).

Each workload runs on mxjax, on pure JAX and -- when MXNet 1.9.1 is importable here or in
~/mxref (override with MXNET_PYTHON) -- on MXNet, in the same run; ratios are printed
against MXNet (and against pure JAX). Not a test: figures vary with the machine.

    python benchmarks/bench_autograd.py            # everything
    python benchmarks/bench_autograd.py --impl mxnet --json   # one side (used internally)
"""
import argparse
import json
import os
import subprocess
import sys
import time

import numpy as np

HERE = os.path.abspath(__file__)


def _best(f, repeat=5, number=20):
    f()  # warm
    best = float('inf')
    for _ in range(repeat):
        t = time.perf_counter()
        for _ in range(number):
            f()
        best = min(best, (time.perf_counter() - t) / number)
    return best


# ------------------------------------------------------------------ MXNet-API workloads
def w1_chain(mx, x, n=100):
    nd = mx.nd
    for i in range(n):
        k = i % 4
        if k == 0:
            x = nd.sin(x)
        elif k == 1:
            x = x * 0.9
        elif k == 2:
            x = x + 0.1
        else:
            x = nd.tanh(x)
    return x


def run_mx(impl):
    mx = __import__(impl)
    nd, ag = mx.nd, mx.autograd
    res = {}
    x = nd.array(np.linspace(-1, 1, 10))

    def w1a():
        w1_chain(mx, x).wait_to_read()
    res['W1a_us_per_op'] = _best(w1a) / 100 * 1e6

    xg = nd.array(np.linspace(-1, 1, 10))
    xg.attach_grad()

    def w1b():
        with ag.record():
            y = w1_chain(mx, xg)
        y.backward()
        xg.grad.wait_to_read()
    res['W1b_us_per_op'] = _best(w1b) / 100 * 1e6

    step, _ = mlp(mx)
    res['W2_ms_per_step'] = _best(step, repeat=5, number=10) * 1e3

    xs = nd.array(np.linspace(-2, 2, 1000))
    xs.attach_grad()

    def w3_square():  # MXNet's nearest equivalent: d2/dx2 sum(square(tanh(x))) with head_grads
        with ag.record():
            y = nd.square(nd.tanh(xs))
            g = ag.grad([y], [xs], head_grads=[nd.ones_like(y)], create_graph=True)[0]
        g.backward()
        xs.grad.wait_to_read()
    try:
        res['W3sq_ms'] = _best(w3_square) * 1e3
    except Exception as e:  # noqa: BLE001 - report what the implementation cannot do
        res['W3sq_ms'] = 'fails: %s' % str(e).strip().splitlines()[-1][:100]

    def w3_cube():
        with ag.record():
            y = (nd.tanh(xs) ** 3).sum()
            g = ag.grad([y], [xs], create_graph=True)[0]
        g.backward()
        xs.grad.wait_to_read()
    try:
        res['W3_ms'] = _best(w3_cube) * 1e3
    except Exception as e:  # noqa: BLE001
        res['W3_ms'] = 'fails: %s' % str(e).strip().splitlines()[-1][:100]
    return res


def mlp(mx, batch=64):
    nd, ag = mx.nd, mx.autograd
    rs = np.random.RandomState(0)
    shapes = [(256, 784), (256,), (256, 256), (256,), (10, 256), (10,)]
    params = [nd.array(rs.normal(0, 0.05, s)) for s in shapes]
    for p in params:
        p.attach_grad()
    x = nd.array(rs.rand(batch, 784))
    y = nd.array(rs.randint(0, 10, batch))
    lr = 0.1

    def step():
        W1, b1, W2, b2, W3, b3 = params
        with ag.record():
            h = nd.relu(nd.FullyConnected(x, W1, b1, num_hidden=256))
            h = nd.relu(nd.FullyConnected(h, W2, b2, num_hidden=256))
            out = nd.FullyConnected(h, W3, b3, num_hidden=10)
            loss = -nd.pick(nd.log_softmax(out), y).mean()
        loss.backward()
        for p in params:
            p -= lr * p.grad
        params[0].wait_to_read()
        return loss
    return step, params


def cold_w2(impl):
    """Seconds for the first MLP step in this (fresh) process, after import."""
    t0 = time.perf_counter()
    mx = __import__(impl)
    t1 = time.perf_counter()
    step, _ = mlp(mx)
    step()
    t2 = time.perf_counter()
    return {'import_s': t1 - t0, 'first_W2_s': t2 - t1}


# ------------------------------------------------------------------ pure JAX baselines
def run_jax():
    import jax
    import jax.numpy as jnp
    jax.config.update('jax_enable_x64', True)
    res = {}
    x = jnp.asarray(np.linspace(-1, 1, 10), jnp.float32)

    def chain(x):
        for i in range(100):
            k = i % 4
            x = jnp.sin(x) if k == 0 else x * 0.9 if k == 1 else x + 0.1 if k == 2 else jnp.tanh(x)
        return x
    res['W1a_us_per_op'] = _best(lambda: chain(x).block_until_ready()) / 100 * 1e6
    g = jax.grad(lambda x: jnp.sum(chain(x)))
    res['W1b_us_per_op'] = _best(lambda: g(x).block_until_ready(), repeat=3, number=5) / 100 * 1e6

    rs = np.random.RandomState(0)
    shapes = [(256, 784), (256,), (256, 256), (256,), (10, 256), (10,)]
    params = [jnp.asarray(rs.normal(0, 0.05, s), jnp.float32) for s in shapes]
    xb = jnp.asarray(rs.rand(64, 784), jnp.float32)
    yb = jnp.asarray(rs.randint(0, 10, 64))

    def loss(ps):
        W1, b1, W2, b2, W3, b3 = ps
        h = jax.nn.relu(xb @ W1.T + b1)
        h = jax.nn.relu(h @ W2.T + b2)
        out = h @ W3.T + b3
        return -jnp.mean(jnp.take_along_axis(jax.nn.log_softmax(out), yb[:, None], 1))

    @jax.jit
    def step(ps):
        gs = jax.grad(loss)(ps)
        return [p - 0.1 * g for p, g in zip(ps, gs)]
    state = {'p': params}

    def run():
        state['p'] = step(state['p'])
        state['p'][0].block_until_ready()
    res['W2_ms_per_step_jit'] = _best(run, number=10) * 1e3
    xs = jnp.asarray(np.linspace(-2, 2, 1000), jnp.float32)
    d2 = jax.grad(lambda x: jnp.sum(jax.grad(lambda x: jnp.sum(jnp.tanh(x) ** 3))(x)))
    res['W3_ms'] = _best(lambda: d2(xs).block_until_ready(), number=5) * 1e3
    return res


def _mxnet_python():
    try:
        import mxnet  # noqa: F401
        return sys.executable
    except ImportError:
        pass
    cand = os.environ.get('MXNET_PYTHON', os.path.expanduser('~/mxref/bin/python'))
    return cand if os.path.exists(cand) else None


def _side(python, impl, what):
    out = subprocess.run([python, HERE, '--impl', impl, '--what', what, '--json'],
                         capture_output=True, text=True, env=dict(os.environ, OMP_NUM_THREADS='2'))
    if out.returncode:
        return {'error': out.stderr.strip().splitlines()[-1] if out.stderr else 'failed'}
    return json.loads(out.stdout.strip().splitlines()[-1])


def _ratio(a, b):
    if isinstance(a, (int, float)) and isinstance(b, (int, float)) and b:
        return '%.2fx' % (a / b)
    return '-'


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--impl')
    ap.add_argument('--what', default='warm')
    ap.add_argument('--json', action='store_true')
    a = ap.parse_args()
    if a.impl:
        r = (cold_w2(a.impl) if a.what == 'cold' else run_jax() if a.impl == 'jax' else run_mx(a.impl))
        print(json.dumps(r))
        return
    mxpy = _mxnet_python()
    me = _side(sys.executable, 'mxjax', 'warm')
    jx = _side(sys.executable, 'jax', 'warm')
    mxr = _side(mxpy, 'mxnet', 'warm') if mxpy else {}
    cold = _side(sys.executable, 'mxjax', 'cold')
    cold2 = _side(sys.executable, 'mxjax', 'cold')
    mxcold = _side(mxpy, 'mxnet', 'cold') if mxpy else {}
    rows = [('W1a eager, us/op', 'W1a_us_per_op', 'W1a_us_per_op', 0.6),
            ('W1b record+backward, us/op', 'W1b_us_per_op', 'W1b_us_per_op', 0.7),
            ('W2 MLP step, ms', 'W2_ms_per_step', 'W2_ms_per_step_jit', 0.8),
            ('W3 d2 sum(tanh(x)**3), ms', 'W3_ms', 'W3_ms', None),
            ('W3 MXNet-able d2 sum(square(tanh)), ms', 'W3sq_ms', None, None)]
    print('%-42s %12s %12s %12s %14s %12s %8s' % ('workload', 'mxjax', 'MXNet', 'pure JAX', 'mxjax/MXNet',
                                                 'mxjax/JAX', 'target'))

    def fmt(v):
        return '%.3f' % v if isinstance(v, float) else str(v if v is not None else '-')[:12]
    for label, k, kj, target in rows:
        v, m = me.get(k), mxr.get(k)
        j = jx.get(kj) if kj else None
        if k == 'W3sq_ms' and isinstance(v, float):
            m = mxr.get('W3sq_ms')
        print('%-42s %12s %12s %12s %14s %12s %8s' % (label, fmt(v), fmt(m), fmt(j), _ratio(v, m),
                                                     _ratio(v, j), '<=%.1fx' % target if target else ''))
    w3 = me.get('W3_ms')
    print('W3 (mxjax, cube) vs MXNet nearest equivalent (square):', _ratio(w3, mxr.get('W3sq_ms')),
          '| MXNet on the cube itself:', mxr.get('W3_ms', '-'))
    print('cold start, fresh process: mxjax import %.2fs, first W2 step %.3fs (second fresh process: %.3fs); '
          'MXNet first W2 step %s' % (cold.get('import_s', float('nan')), cold.get('first_W2_s', float('nan')),
                                      cold2.get('first_W2_s', float('nan')),
                                      fmt(mxcold.get('first_W2_s')) + 's' if mxcold else '-'))
    if mxr.get('error') or me.get('error'):
        print('errors:', mxr.get('error'), me.get('error'))


if __name__ == '__main__':
    main()
