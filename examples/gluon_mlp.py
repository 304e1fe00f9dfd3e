"""A multilayer perceptron with Dropout and weight decay, trained with Gluon on synthetic data.

    python examples/gluon_mlp.py [--epochs 5]

The data: 10 classes, each a noisy copy of its own random 784-pixel prototype (a stand-in for
Fashion-MNIST that needs no download). The model and loop are the "Dive into Deep Learning"
MXNet chapters' (concise MLP, dropout, weight decay); only the import line differs from MXNet.
"""
import argparse

import numpy as np

import mxjax as mx
from mxjax import autograd, gluon, init, nd


def synthetic(num_examples, seed, num_classes=10, noise=3.0):
    rs = np.random.RandomState(seed)
    protos = np.random.RandomState(42).randn(num_classes, 784).astype('float32')
    y = rs.randint(0, num_classes, num_examples)
    X = protos[y] + noise * rs.randn(num_examples, 784).astype('float32')
    return gluon.data.ArrayDataset(nd.array(X), nd.array(y))


def evaluate_accuracy(net, data_iter):
    metric = mx.metric.Accuracy()
    for X, y in data_iter:
        metric.update([y], [net(X)])
    return metric.get()[1]


def main(epochs=5, batch_size=256, lr=0.5, wd=1e-4, seed=0, hybridize=True):
    mx.random.seed(seed)
    train_iter = gluon.data.DataLoader(synthetic(2048, 1), batch_size, shuffle=True)
    test_iter = gluon.data.DataLoader(synthetic(512, 2), batch_size)
    net = gluon.nn.HybridSequential()
    net.add(gluon.nn.Dense(256, activation='relu'), gluon.nn.Dropout(0.2),
            gluon.nn.Dense(256, activation='relu'), gluon.nn.Dropout(0.5),
            gluon.nn.Dense(10))
    net.initialize(init.Normal(sigma=0.01))
    if hybridize:
        net.hybridize()
    loss = gluon.loss.SoftmaxCrossEntropyLoss()
    trainer = gluon.Trainer(net.collect_params(), 'sgd', {'learning_rate': lr, 'wd': wd})
    history = []
    for epoch in range(epochs):
        train_loss, train_acc, n = 0.0, mx.metric.Accuracy(), 0
        for X, y in train_iter:
            with autograd.record():
                y_hat = net(X)
                batch_loss = loss(y_hat, y)
            batch_loss.backward()
            trainer.step(batch_size)
            train_loss += batch_loss.sum().asscalar()
            train_acc.update([y], [y_hat])
            n += y.size
        test_acc = evaluate_accuracy(net, test_iter)
        history.append((train_loss / n, train_acc.get()[1], test_acc))
        print('epoch %d, loss %.4f, train acc %.3f, test acc %.3f' % ((epoch + 1,) + history[-1]))
    return history


if __name__ == '__main__':
    ap = argparse.ArgumentParser()
    ap.add_argument('--epochs', type=int, default=5)
    main(ap.parse_args().epochs)
