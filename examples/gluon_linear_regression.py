"""Linear regression with Gluon, as the MXNet tutorials and "Dive into Deep Learning" write it.

    python examples/gluon_linear_regression.py [--epochs 3]

Synthetic data y = X w + b + noise; a Dense(1) layer, L2Loss, SGD through gluon.Trainer.
The only change from MXNet code is the import line.
"""
import argparse

import mxjax as mx
from mxjax import autograd, gluon, init, nd


def main(epochs=3, num_examples=1000, batch_size=10, lr=0.03, seed=0):
    mx.random.seed(seed)
    true_w, true_b = nd.array([2, -3.4]), 4.2
    features = nd.random.normal(scale=1, shape=(num_examples, len(true_w)))
    labels = nd.dot(features, true_w) + true_b
    labels += nd.random.normal(scale=0.01, shape=labels.shape)

    data_iter = gluon.data.DataLoader(gluon.data.ArrayDataset(features, labels), batch_size, shuffle=True)
    net = gluon.nn.Sequential()
    net.add(gluon.nn.Dense(1))
    net.initialize(init.Normal(sigma=0.01))
    loss = gluon.loss.L2Loss()
    trainer = gluon.Trainer(net.collect_params(), 'sgd', {'learning_rate': lr})

    losses = []
    for epoch in range(epochs):
        for X, y in data_iter:
            with autograd.record():
                batch_loss = loss(net(X), y)
            batch_loss.backward()
            trainer.step(batch_size)
        losses.append(loss(net(features), labels).mean().asscalar())
        print('epoch %d, loss: %f' % (epoch + 1, losses[-1]))
    w, b = net[0].weight.data(), net[0].bias.data()
    print('error in estimating w', (true_w.reshape(w.shape) - w).asnumpy())
    print('error in estimating b', true_b - b.asscalar())
    return losses, w.asnumpy(), b.asscalar()


if __name__ == '__main__':
    ap = argparse.ArgumentParser()
    ap.add_argument('--epochs', type=int, default=3)
    main(ap.parse_args().epochs)
