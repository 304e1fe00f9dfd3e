"""A tour of mx.autograd on mxjax, printed next to what MXNet 1.9.1 prints.

Run:  python examples/autograd_tour.py

The code is plain MXNet 1.x code; only the import differs. Each step prints mxjax's result
and the value real MXNet 1.9.1 gives for the same code (recorded by
compat_tests/golden/gen_core.py, case `example_tour`). The script exits with status 1 if
any result differs.
"""
import sys

import mxjax as mx
from mxjax import autograd, nd

# What MXNet 1.9.1 prints for each step below.
MXNET_1_9_1 = {
    'scopes': '[(False, False), (True, True), (False, False), (True, False), (True, True), (False, False)]',
    'backward': '\n[[ 4.  8.]\n [12. 16.]]\n<NDArray 2x2 @cpu(0)>',
    'head_grads': '\n[[ 4.  0.]\n [24. 32.]]\n<NDArray 2x2 @cpu(0)>',
    'grad_create_graph': '[\n[3.7182817 3.7182817]\n<NDArray 2 @cpu(0)>]',
    'second_derivative': '\n[2.7182817 2.7182817]\n<NDArray 2 @cpu(0)>',
    'sigmoid_forward': '\n[0.26894143 0.5        0.7310586 ]\n<NDArray 3 @cpu(0)>',
    'sigmoid_backward': '\n[0.19661194 0.25       0.19661193]\n<NDArray 3 @cpu(0)>',
    'grad_req_add': '\n[ 6. 12. 18.]\n<NDArray 3 @cpu(0)>',
    'dropout_train': '[0.0, 2.0]',
    'dropout_predict': '\n[1. 1. 1. 1.]\n<NDArray 4 @cpu(0)>',
}


class Sigmoid(autograd.Function):
    """The custom Function of MXNet's autograd docs: y = 1/(1+e^-x), dy/dx = y(1-y)."""

    def forward(self, x):
        y = 1 / (1 + nd.exp(-x))
        self.save_for_backward(y)
        return y

    def backward(self, dy):
        y, = self.saved_tensors
        return dy * y * (1 - y)


def tour():
    """Run every step; returns {step: printed result}."""
    out = {}

    # 1. record() turns recording and training on; pause() turns both off; scopes nest.
    states = [(autograd.is_recording(), autograd.is_training())]
    with autograd.record():
        states.append((autograd.is_recording(), autograd.is_training()))
        with autograd.pause():
            states.append((autograd.is_recording(), autograd.is_training()))
        with autograd.predict_mode():
            states.append((autograd.is_recording(), autograd.is_training()))
        states.append((autograd.is_recording(), autograd.is_training()))
    states.append((autograd.is_recording(), autograd.is_training()))
    out['scopes'] = str(states)

    # 2. backward: d(2 x^2)/dx = 4x, written into x.grad.
    x = nd.array([[1, 2], [3, 4]])
    x.attach_grad()
    with autograd.record():
        y = 2 * x * x
    y.backward()
    out['backward'] = str(x.grad)

    # 3. backward with a head gradient: x.grad = 4x * head.
    with autograd.record():
        y = 2 * x * x
    y.backward(nd.array([[1, 0], [2, 2]]))
    out['head_grads'] = str(x.grad)

    # 4. grad(create_graph=True) records the gradient itself, so it can be differentiated again.
    x = nd.ones((2,))
    x.attach_grad()
    with autograd.record():
        z = nd.elemwise_add(nd.exp(x), x)
        dx = autograd.grad(z, [x], create_graph=True)
    out['grad_create_graph'] = str(dx)
    dx[0].backward()
    out['second_derivative'] = str(x.grad)

    # 5. A custom Function: forward runs unrecorded, backward returns dy * y * (1 - y).
    x = nd.array([-1, 0, 1])
    x.attach_grad()
    with autograd.record():
        y = Sigmoid()(x)
    y.backward()
    out['sigmoid_forward'] = str(y)
    out['sigmoid_backward'] = str(x.grad)

    # 6. grad_req='add' accumulates over backward passes (zero it yourself with x.grad[:] = 0).
    x = nd.array([1, 2, 3])
    x.attach_grad(grad_req='add')
    for _ in range(3):
        with autograd.record():
            y = x * x
        y.backward()
    out['grad_req_add'] = str(x.grad)

    # 7. Dropout drops and rescales by 1/(1-p) while training, and is the identity when predicting.
    mx.random.seed(42)
    x = nd.ones((1000,))
    with autograd.record():
        y = nd.Dropout(x, p=0.5)
    out['dropout_train'] = str(sorted(set(y.asnumpy().tolist())))
    with autograd.record(train_mode=False):
        y = nd.Dropout(nd.ones((4,)), p=0.5)
    out['dropout_predict'] = str(y)
    return out


def main():
    results = tour()
    differ = 0
    for step, want in MXNET_1_9_1.items():
        got = results[step]
        same = got == want
        differ += not same
        print('== %s: %s' % (step, 'same as MXNet 1.9.1' if same else 'DIFFERS from MXNet 1.9.1'))
        print('mxjax      :', got.replace('\n', '\n             '))
        print('MXNet 1.9.1:', want.replace('\n', '\n             '))
    print('\n%d of %d results match MXNet 1.9.1' % (len(MXNET_1_9_1) - differ, len(MXNET_1_9_1)))
    return 1 if differ else 0


if __name__ == '__main__':
    sys.exit(main())
