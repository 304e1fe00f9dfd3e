"""LeNet with BatchNorm and Dropout, hybridized, trained with Gluon on synthetic 28x28 images.

    python examples/gluon_lenet.py [--epochs 3] [--no-hybridize]

The images: 10 classes, each a noisy copy of its own random prototype (no download needed).
The network and loop are the MXNet Gluon tutorial's; only the import line differs from MXNet.
Hybridized, the network runs as one compiled op per step (MXNet's CachedOp on XLA).
"""
import argparse
import os
import tempfile
import time

import numpy as np

import mxjax as mx
from mxjax import autograd, gluon, init, nd


def synthetic(num_examples, seed, noise=1.0):
    rs = np.random.RandomState(seed)
    protos = np.random.RandomState(42).randn(10, 1, 28, 28).astype('float32')
    y = rs.randint(0, 10, num_examples)
    X = protos[y] + noise * rs.randn(num_examples, 1, 28, 28).astype('float32')
    return gluon.data.ArrayDataset(nd.array(X), nd.array(y))


def lenet():
    net = gluon.nn.HybridSequential()
    with net.name_scope():
        net.add(gluon.nn.Conv2D(6, 5, activation='relu'), gluon.nn.MaxPool2D(2),
                gluon.nn.Conv2D(16, 5, activation='relu'), gluon.nn.MaxPool2D(2),
                gluon.nn.Flatten(), gluon.nn.Dense(120, activation='relu'),
                gluon.nn.BatchNorm(), gluon.nn.Dropout(0.5), gluon.nn.Dense(10))
    return net


def main(epochs=3, batch_size=64, lr=0.1, seed=0, hybridize=True, num_examples=1024):
    mx.random.seed(seed)
    train = gluon.data.DataLoader(synthetic(num_examples, 1), batch_size=batch_size, shuffle=True)
    test = gluon.data.DataLoader(synthetic(256, 2), batch_size=batch_size)
    net = lenet()
    net.initialize(init.Xavier(), ctx=mx.cpu())
    if hybridize:
        net.hybridize()
    trainer = gluon.Trainer(net.collect_params(), 'sgd', {'learning_rate': lr, 'momentum': 0.9})
    loss_fn = gluon.loss.SoftmaxCrossEntropyLoss()
    history = []
    for epoch in range(epochs):
        tic, total, acc = time.time(), 0.0, mx.metric.Accuracy()
        for X, y in train:
            with autograd.record():
                out = net(X)
                loss = loss_fn(out, y)
            loss.backward()
            trainer.step(X.shape[0])
            total += loss.sum().asscalar()
            acc.update([y], [out])
        test_acc = mx.metric.Accuracy()
        for X, y in test:
            test_acc.update([y], [net(X)])
        history.append((total / num_examples, acc.get()[1], test_acc.get()[1]))
        print('epoch %d, loss %.4f, train acc %.3f, test acc %.3f, %.1f s'
              % ((epoch + 1,) + history[-1] + (time.time() - tic,)))
    path = os.path.join(tempfile.mkdtemp(), 'lenet.params')
    net.save_parameters(path)
    print('saved', path)
    return history


if __name__ == '__main__':
    ap = argparse.ArgumentParser()
    ap.add_argument('--epochs', type=int, default=3)
    ap.add_argument('--no-hybridize', action='store_true')
    a = ap.parse_args()
    main(a.epochs, hybridize=not a.no_hybridize)
