"""A small LSTM language model with Gluon (the MXNet word-language-model example, shrunk),
trained on a synthetic corpus with truncated backpropagation through time.

    python examples/gluon_lstm_lm.py [--epochs 5]

The corpus repeats a few sentences in random order, so a model that learns it gets a low
perplexity. Embedding -> LSTM -> Dense, hidden states carried over batches and detached,
gradients clipped with gluon.utils.clip_global_norm; only the import line differs from MXNet.
"""
import argparse
import math

import numpy as np

import mxjax as mx
from mxjax import autograd, gluon, nd

SENTENCES = ['the cat sat on the mat', 'a dog ran in the park', 'the bird sang a song',
             'my cat likes the warm sun', 'a small dog sat in the sun']


def corpus(num_sentences, seed):
    rs = np.random.RandomState(seed)
    words = ' <eos> '.join(SENTENCES[i] for i in rs.randint(0, len(SENTENCES), num_sentences)).split()
    vocab = sorted(set(' '.join(SENTENCES).split()) | {'<eos>'})
    index = {w: i for i, w in enumerate(vocab)}
    return np.array([index[w] for w in words], dtype='float32'), vocab


def batchify(data, batch_size):
    n = len(data) // batch_size
    return nd.array(data[:n * batch_size].reshape(batch_size, n).T)   # (time, batch)


class RNNModel(gluon.Block):
    def __init__(self, vocab_size, embed_size, num_hidden, num_layers, dropout=0.2, **kwargs):
        super().__init__(**kwargs)
        with self.name_scope():
            self.drop = gluon.nn.Dropout(dropout)
            self.encoder = gluon.nn.Embedding(vocab_size, embed_size)
            self.rnn = gluon.rnn.LSTM(num_hidden, num_layers, dropout=dropout, input_size=embed_size)
            self.decoder = gluon.nn.Dense(vocab_size, in_units=num_hidden)

    def forward(self, inputs, hidden):
        emb = self.drop(self.encoder(inputs))
        output, hidden = self.rnn(emb, hidden)
        output = self.drop(output)
        return self.decoder(output.reshape((-1, output.shape[2]))), hidden

    def begin_state(self, *args, **kwargs):
        return self.rnn.begin_state(*args, **kwargs)


def main(epochs=5, batch_size=8, bptt=8, lr=1.0, clip=0.5, seed=0):
    mx.random.seed(seed)
    data, vocab = corpus(400, 1)
    train = batchify(data, batch_size)
    model = RNNModel(len(vocab), 16, 32, 1)
    model.initialize(mx.init.Xavier())
    trainer = gluon.Trainer(model.collect_params(), 'sgd', {'learning_rate': lr, 'momentum': 0, 'wd': 0})
    loss_fn = gluon.loss.SoftmaxCrossEntropyLoss()
    perplexities = []
    for epoch in range(epochs):
        total, count = 0.0, 0
        hidden = model.begin_state(func=nd.zeros, batch_size=batch_size)
        for i in range(0, train.shape[0] - 1 - bptt, bptt):
            X, y = train[i:i + bptt], train[i + 1:i + 1 + bptt]
            hidden = [h.detach() for h in hidden]
            with autograd.record():
                output, hidden = model(X, hidden)
                loss = loss_fn(output, y.reshape((-1,)))
            loss.backward()
            grads = [p.grad() for p in model.collect_params().values()]
            gluon.utils.clip_global_norm(grads, clip * bptt * batch_size)
            trainer.step(batch_size * bptt)
            total += loss.sum().asscalar()
            count += loss.size
        perplexities.append(math.exp(total / count))
        print('epoch %d, perplexity %.2f' % (epoch + 1, perplexities[-1]))
    return perplexities


if __name__ == '__main__':
    ap = argparse.ArgumentParser()
    ap.add_argument('--epochs', type=int, default=5)
    main(ap.parse_args().epochs)
