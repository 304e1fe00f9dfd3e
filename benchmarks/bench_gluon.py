"""Gluon training steps: an MLP and LeNet through gluon.Trainer, eager and hybridized, and the
optimizer update of a ResNet-50-sized parameter set.

mxjax, MXNet 1.9.1 (when importable: $MXNET_PYTHON or ~/mxref) and a hand-written jax.jit step
run the same workloads, each in its own warm worker process on its own defaults (no thread
variables), sides alternating over rounds (benchmarks/harness.py); medians, and each ratio's
median with its range over the rounds. A step reads its loss back, as a training loop that
logs it does. Not a test: figures vary with the machine.

    python benchmarks/bench_gluon.py [--rounds 7]
"""
import argparse
import os
import sys

import numpy as np

import harness

HERE = os.path.abspath(__file__)

# ResNet-50 v1's parameter shapes (weights, BatchNorm gamma/beta): 161 arrays, 25.5M values
_RESNET50 = [(64, 3, 7, 7), (64,), (64,)]
for _stage, (_n, _c) in enumerate([(3, 64), (4, 128), (6, 256), (3, 512)]):
    for _b in range(_n):
        _cin = (_c * 4 if _b else (64 if _stage == 0 else _c * 2))
        _RESNET50 += [(_c, _cin, 1, 1), (_c,), (_c,), (_c, _c, 3, 3), (_c,), (_c,), (_c * 4, _c, 1, 1),
                      (_c * 4,), (_c * 4,)]
        if _b == 0:
            _RESNET50 += [(_c * 4, _cin, 1, 1), (_c * 4,), (_c * 4,)]
_RESNET50 += [(1000, 2048), (1000,)]


def gluon_workloads(mx):
    nd, gluon, ag = mx.nd, mx.gluon, mx.autograd
    rs = np.random.RandomState(0)

    def mlp():
        net = gluon.nn.HybridSequential()
        net.add(gluon.nn.Dense(256, activation='relu'), gluon.nn.Dense(256, activation='relu'), gluon.nn.Dense(10))
        return net, nd.array(rs.rand(64, 784)), nd.array(rs.randint(0, 10, 64))

    def lenet():
        net = gluon.nn.HybridSequential()
        net.add(gluon.nn.Conv2D(6, 5, activation='relu'), gluon.nn.MaxPool2D(2),
                gluon.nn.Conv2D(16, 5, activation='relu'), gluon.nn.MaxPool2D(2), gluon.nn.Flatten(),
                gluon.nn.Dense(120, activation='relu'), gluon.nn.BatchNorm(), gluon.nn.Dropout(0.5),
                gluon.nn.Dense(84, activation='relu'), gluon.nn.Dense(10))
        return net, nd.array(rs.rand(64, 1, 28, 28)), nd.array(rs.randint(0, 10, 64))

    def step_of(make, hybridize):
        net, x, y = make()
        net.initialize(mx.init.Xavier())
        if hybridize:
            net.hybridize()
        trainer = gluon.Trainer(net.collect_params(), 'sgd', {'learning_rate': 0.05, 'momentum': 0.9})
        loss_fn = gluon.loss.SoftmaxCrossEntropyLoss()

        def step():
            with ag.record():
                loss = loss_fn(net(x), y)
            loss.backward()
            trainer.step(x.shape[0])
            return loss.mean().asscalar()
        return step

    def resnet50_update():
        params = [gluon.Parameter('p%d' % i, shape=s) for i, s in enumerate(_RESNET50)]
        for p in params:
            p.initialize(mx.init.Normal(0.01))
        trainer = gluon.Trainer(params, 'sgd', {'learning_rate': 0.01, 'momentum': 0.9, 'wd': 1e-4})
        for p in params:
            p.grad()[:] = 0.001

        def step():
            for p in params:
                p.data()._fresh_grad = True
            trainer.step(1)
            params[-1].data().wait_to_read()
            mx.nd.waitall()
        return step
    return {'mlp_eager': step_of(mlp, False), 'mlp_hybrid': step_of(mlp, True),
            'lenet_eager': step_of(lenet, False), 'lenet_hybrid': step_of(lenet, True),
            'resnet50_update': resnet50_update()}


def jax_workloads():
    import jax
    import jax.numpy as jnp
    rs = np.random.RandomState(0)

    def dense(k, n_in, n_out):
        return [jnp.asarray(rs.normal(0, 0.05, (n_out, n_in)), jnp.float32), jnp.zeros((n_out,), jnp.float32)]

    def mlp_loss(ps, x, y):
        h = x
        for i in range(0, 6, 2):
            h = h @ ps[i].T + ps[i + 1]
            if i < 4:
                h = jax.nn.relu(h)
        return -jnp.mean(jnp.take_along_axis(jax.nn.log_softmax(h), y[:, None], 1))

    def conv(x, w, b):
        return jax.nn.relu(jax.lax.conv_general_dilated(x, w, (1, 1), 'VALID') + b[None, :, None, None])

    def pool(x):
        return jax.lax.reduce_window(x, -jnp.inf, jax.lax.max, (1, 1, 2, 2), (1, 1, 2, 2), 'VALID')

    def lenet_loss(ps, x, y):
        h = pool(conv(x, ps[0], ps[1]))
        h = pool(conv(h, ps[2], ps[3])).reshape(x.shape[0], -1)
        h = jax.nn.relu(h @ ps[4].T + ps[5])
        mean, var = h.mean(0), h.var(0)
        h = (h - mean) / jnp.sqrt(var + 1e-5) * ps[6] + ps[7]
        h = jax.nn.relu(h @ ps[8].T + ps[9])
        h = h @ ps[10].T + ps[11]
        return -jnp.mean(jnp.take_along_axis(jax.nn.log_softmax(h), y[:, None], 1))

    def make_step(loss):
        @jax.jit
        def step(ps, moms, x, y):
            lv, gs = jax.value_and_grad(loss)(ps, x, y)
            moms = [0.9 * m - 0.05 * g for m, g in zip(moms, gs)]
            return [p + m for p, m in zip(ps, moms)], moms, lv
        return step

    def runner(loss, ps, x, y):
        step = make_step(loss)
        st = {'p': ps, 'm': [jnp.zeros_like(p) for p in ps]}

        def run():
            st['p'], st['m'], lv = step(st['p'], st['m'], x, y)
            return float(lv)
        return run
    mlp_ps = dense(0, 784, 256) + dense(1, 256, 256) + dense(2, 256, 10)
    lenet_ps = [jnp.asarray(rs.normal(0, 0.1, (6, 1, 5, 5)), jnp.float32), jnp.zeros(6, jnp.float32),
                jnp.asarray(rs.normal(0, 0.1, (16, 6, 5, 5)), jnp.float32), jnp.zeros(16, jnp.float32)]
    lenet_ps += dense(0, 256, 120) + [jnp.ones(120, jnp.float32), jnp.zeros(120, jnp.float32)]
    lenet_ps += dense(0, 120, 84) + dense(0, 84, 10)
    xm, ym = jnp.asarray(rs.rand(64, 784), jnp.float32), jnp.asarray(rs.randint(0, 10, 64))
    xl = jnp.asarray(rs.rand(64, 1, 28, 28), jnp.float32)

    params = [jnp.asarray(rs.normal(0, 0.01, s), jnp.float32) for s in _RESNET50]
    grads = [jnp.full(s, 0.001, jnp.float32) for s in _RESNET50]

    @jax.jit
    def update(ps, moms, gs):
        moms = [0.9 * m - 0.01 * (g + 1e-4 * p) for p, m, g in zip(ps, moms, gs)]
        return [p + m for p, m in zip(ps, moms)], moms
    st = {'p': params, 'm': [jnp.zeros_like(p) for p in params]}

    def resnet50_update():
        st['p'], st['m'] = update(st['p'], st['m'], grads)
        jax.block_until_ready(st['p'])
    step_mlp = runner(mlp_loss, mlp_ps, xm, ym)
    step_lenet = runner(lenet_loss, lenet_ps, xl, ym)
    return {'mlp_eager': step_mlp, 'mlp_hybrid': step_mlp, 'lenet_eager': step_lenet,
            'lenet_hybrid': step_lenet, 'resnet50_update': resnet50_update}


ROWS = [  # label, workload, iterations per round, target ratio to MXNet
    ('MLP step, eager (ms)', 'mlp_eager', 20, 1.0),
    ('MLP step, hybridized (ms)', 'mlp_hybrid', 20, 0.8),
    ('LeNet step, eager (ms)', 'lenet_eager', 10, 1.0),
    ('LeNet step, hybridized (ms)', 'lenet_hybrid', 10, 1.1),
    ('ResNet-50 SGD update (ms)', 'resnet50_update', 5, 1.0),
]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--worker')
    ap.add_argument('--rounds', type=int, default=7)
    a = ap.parse_args()
    if a.worker:
        harness.serve(jax_workloads() if a.worker == 'jax' else gluon_workloads(__import__(a.worker)))
        return
    mxpy = harness.mxnet_python()
    workers = [harness.Worker('mxjax', [sys.executable, HERE, '--worker', 'mxjax']),
               harness.Worker('jax', [sys.executable, HERE, '--worker', 'jax'])]
    if mxpy:
        workers.append(harness.Worker('mxnet', [mxpy, HERE, '--worker', 'mxnet']))
    plan = [(name, n, ('mxjax', 'mxnet', 'jax')) for _, name, n, _ in ROWS]
    res = harness.alternate(workers, plan, a.rounds)
    for w in workers:
        w.close()
    print('machine: %s; %d rounds, sides alternating; median (min-max)' % (harness.machine(), a.rounds))
    print('%-30s %9s %9s %9s %22s %22s %7s' % ('workload', 'mxjax', 'MXNet', 'jax.jit', 'mxjax/MXNet',
                                               'mxjax/jax.jit', 'target'))
    for label, name, _, target in ROWS:
        me, mxv, jx = (res.get((side, name)) for side in ('mxjax', 'mxnet', 'jax'))

        def fmt(vals):
            s = harness.summary(vals or [])
            return '%.3f' % (s[0] * 1e3) if isinstance(s, tuple) else str(s or '-')[:9]
        print('%-30s %9s %9s %9s %22s %22s %7s' % (label, fmt(me), fmt(mxv), fmt(jx), harness.ratio(me, mxv or []),
                                                   harness.ratio(me, jx or []), '<=%.1fx' % target))


if __name__ == '__main__':
    main()
