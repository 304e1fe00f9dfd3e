"""Golden values for autograd behaviours where mxjax used to differ from MXNet 1.9.1.

Regenerate with real MXNet:

    ~/mxref/bin/python compat_tests/golden/gen_autograd_gaps.py

which writes autograd_gaps.npz beside this file. A case is a Python statement block over
`mx`, `nd`, `ag`, `np` that leaves its results in `out` (a dict of arrays); it is run
unchanged by MXNet and, in test_autograd_gaps.py, by mxjax. A case that raises records the
exception class and message instead. Families:
  int_*     integer arrays with attach_grad get integer gradients
  set_*     x[key] = v inside record(): which writes MXNet allows and what they record
  var_*     autograd.grad with respect to arrays that are not marked variables
  bool_*    boolean keys (NDArray, NumPy, list)
  err_*     head gradient dtypes, errors inside Function.backward
  nan_*     NaN through every op whose forward or backward compares values
"""
import json
import os

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
GOLDEN = os.path.join(HERE, 'autograd_gaps.npz')

CASES = {}   # name -> (code, phrase): phrase must be in the message where the case raises


def case(name, code, phrase=None):
    assert name not in CASES, name
    CASES[name] = (code, phrase)


# ------------------------------------------------------------------ integer gradients
X12 = 'np.arange(12).reshape(3, 4) - 3'
INT_OPS = {
    'basic': 'x[1]',
    'adv_rows': 'x[nd.array([0, 0, 2], dtype="int32")]',
    'adv_pairs': 'x[[0, 0, 2], [1, 1, 3]]',
    'slice': 'x[:, 1:3]',
    'take': 'nd.take(x, nd.array([0, 0, 1]))',
    'pick': 'nd.pick(x, nd.array([0, 1, 1]))',
    'topk': 'nd.topk(x, k=2, ret_typ="value")',
    'reshape': 'x.reshape((4, 3)) * nd.array(np.arange(12).reshape(4, 3), dtype=x.dtype)',
    'transpose': 'x.T * nd.array(np.arange(12).reshape(4, 3), dtype=x.dtype)',
    'concat': 'nd.concat(x, x * 2, dim=0)',
    'add': 'x + x',
    'sub': 'x - x * 3',
    'mul': 'x * x',
    'broadcast_mul': 'nd.broadcast_mul(x, nd.array([[2]], dtype=x.dtype))',
    'sum': 'nd.sum(x * x)',
    'mean': 'nd.mean(x)',
    'div_scalar': 'x / 2',
    'div': 'x / nd.array(np.full((3, 4), 2), dtype=x.dtype)',
    'exp': 'nd.exp(x)',
    'sqrt': 'nd.sqrt(x * x + 1)',
    'square': 'nd.square(x)',
    'argmax': 'nd.argmax(x, axis=1)',
    'max': 'nd.max(x, axis=1)',
    'abs': 'nd.abs(x)',
    'sign': 'nd.sign(x)',
    'relu': 'nd.relu(x)',
    'to_float': 'x.astype("float32") * 1.5',
    'mul_scalar': 'x * 2.5',
    'pow': 'x ** 2',
    'sigmoid': 'nd.sigmoid(x)',
    'log': 'nd.log(x + 4)',
}
INT64_OPS = ('basic', 'adv_rows', 'adv_pairs', 'take', 'pick', 'topk', 'sum', 'div', 'exp', 'to_float')
for _dt in ('int32', 'int64'):
    for _name, _expr in INT_OPS.items():
        if _dt == 'int64' and _name not in INT64_OPS:
            continue  # a subset: each case compiles its ops afresh
        case('int_%s_%s' % (_name, _dt), f"""
x = nd.array({X12}, dtype='{_dt}')
x.attach_grad()
with ag.record():
    y = {_expr}
y.backward()
out['y'] = y.asnumpy()
out['grad'] = x.grad.asnumpy()
""")
for _dt in ('int8', 'uint8'):
    case('int_mul_' + _dt, f"""
x = nd.array([1, 2, 3], dtype='{_dt}')
x.attach_grad()
with ag.record():
    y = x * 2
y.backward()
out['grad'] = x.grad.asnumpy()
""")
case('int_head_grad', """
x = nd.array([1, 2, 3], dtype='int32')
x.attach_grad()
with ag.record():
    y = x * 2
y.backward(nd.array([1, 2, -1], dtype='int32'))
out['grad'] = x.grad.asnumpy()
""")
case('int_autograd_grad', """
x = nd.array([1, 2, 3], dtype='int64')
x.attach_grad()
with ag.record():
    y = (x * 3).sum()
out['grad'] = ag.grad(y, [x])[0].asnumpy()
""")
case('int_mixed_with_float', """
x = nd.array([[1, 2, 3]], dtype='int32')
w = nd.array([[1.5, 2, 3]])
x.attach_grad()
w.attach_grad()
with ag.record():
    y = x.astype('float32') * w
y.backward()
out['gx'] = x.grad.asnumpy()
out['gw'] = w.grad.asnumpy()
""")
case('int_cast_from_float', """
x = nd.array([1.5, -2.7, 3.2])
x.attach_grad()
with ag.record():
    y = x.astype('int32') * 2
y.backward()
out['y'] = y.asnumpy()
out['grad'] = x.grad.asnumpy()
""")
case('int_grad_req_add', """
x = nd.array([1, 2, 3], dtype='int32')
x.attach_grad(grad_req='add')
for _ in range(2):
    with ag.record():
        y = x * x
    y.backward()
out['grad'] = x.grad.asnumpy()
""")

# ------------------------------------------------------------------ x[key] = v while recording
KEYS = {'row': '0', 'slice': '0:1', 'col': ':, 0', 'adv': 'nd.array([0])', 'list': '[0]',
        'whole': ':', 'ellipsis': '...', 'none': 'None', 'full_range': '0:2', 'reversed': '::-1'}
WHOLE = ('whole', 'ellipsis', 'none', 'full_range')
for _k, _key in KEYS.items():
    for _xk, _xexpr in (('plain', 'nd.zeros((2, 2))'), ('leaf', 'x0'), ('recorded', 'x0 * 1')):
        for _vk in ('recorded', 'plain', 'number'):
            if _vk == 'recorded':
                _v = 'w * 2' if _k in WHOLE or _k == 'reversed' else '(w * 2)[0]'
            elif _vk == 'plain':
                _v = 'nd.ones((2, 2)) * 5' if _k in WHOLE or _k == 'reversed' else 'nd.array([5., 6.])'
            else:
                _v = '7.0'
            _phrase = ('Assigning to NDArrays that are already in a computational graph' if _xk != 'plain'
                       else 'Inplace operations' if _vk == 'recorded'
                       else 'Cannot differentiate node because it is not in a computational graph')
            case('set_%s_x%s_v%s' % (_k, _xk, _vk), f"""
w = nd.array([[1., 2.], [3., 4.]])
x0 = nd.zeros((2, 2))
w.attach_grad()
x0.attach_grad()
with ag.record():
    x = {_xexpr}
    x[{_key}] = {_v}
    y = (x * nd.array([[1., 2.], [3., 4.]])).sum()
y.backward()
out['x'] = x.asnumpy()
out['gw'] = w.grad.asnumpy()
""", _phrase)
case('set_whole_broadcast', """
w = nd.array([1., 2.])
w.attach_grad()
x = nd.zeros((3, 2))
with ag.record():
    v = w * 2
    x[:] = v
    y = (x * nd.array([[1., 2.], [3., 4.], [5., 6.]])).sum()
y.backward()
out['x'] = x.asnumpy()
out['gw'] = w.grad.asnumpy()
""")
case('set_not_recording', """
w = nd.array([1., 2.])
w.attach_grad()
with ag.record():
    v = w * 2
x = nd.zeros((2, 2))
x[0] = v
out['x'] = x.asnumpy()
""")

# ------------------------------------------------------------------ grad w.r.t. non-variables
case('var_intermediate', """
x = nd.array([1., 2.])
x.attach_grad()
with ag.record():
    y = x * 2
    z = (y * y).sum()
ag.grad(z, [y])
""", 'Cannot differentiate with respect to the 1-th variable because it does not require gradient')
case('var_second_intermediate', """
x = nd.array([1., 2.])
x.attach_grad()
with ag.record():
    y = x * 2
    z = (y * y).sum()
ag.grad(z, [x, y], create_graph=True)
""", 'Cannot differentiate with respect to the 2-th variable because it does not require gradient')
case('var_not_in_graph', """
x = nd.array([1., 2.])
u = nd.array([3., 4.])
x.attach_grad()
with ag.record():
    z = (x * 2).sum()
ag.grad(z, [u])
""", 'Cannot differentiate with respect to the 1-th variable because it does not require gradient')

# ------------------------------------------------------------------ boolean keys
for _kn, _kexpr in (('nd', 'nd.array([1, 0], dtype="bool")'), ('nd2d', 'nd.array([[1, 0], [0, 1]], dtype="bool")'),
                    ('numpy', 'np.array([True, False])'), ('numpy2d', 'np.array([[True, False], [False, True]])'),
                    ('list', '[True, False]'), ('tuple', '(np.array([True, False]), 1)')):
    case('bool_get_' + _kn, f"""
x = nd.array([[1., 2.], [3., 4.]])
out['y'] = x[{_kexpr}].asnumpy()
""", 'boolean indexing')
    case('bool_set_' + _kn, f"""
x = nd.array([[1., 2.], [3., 4.]])
x[{_kexpr}] = 0
out['x'] = x.asnumpy()
""", 'boolean indexing')
case('bool_get_recorded', """
x = nd.array([[1., 2.], [3., 4.]])
x.attach_grad()
with ag.record():
    y = x[[True, False]] * 2
y.backward()
out['y'] = y.asnumpy()
out['grad'] = x.grad.asnumpy()
""")
case('bool_get_nd_recorded', """
x = nd.array([[1., 2.], [3., 4.]])
x.attach_grad()
with ag.record():
    y = x[nd.array([1, 0], dtype='bool')]
""", 'boolean indexing')

# ------------------------------------------------------------------ errors
for _hd, _head in (('f64', 'float64'), ('int32', 'int32'), ('f16', 'float16')):
    case('err_head_grad_' + _hd, f"""
x = nd.array([1., 2.])
x.attach_grad()
with ag.record():
    y = x * 2
y.backward(nd.array([1., 3.], dtype='{_head}'))
out['grad'] = x.grad.asnumpy()
""")
case('err_head_grad_grad_f64', """
x = nd.array([1., 2.])
x.attach_grad()
with ag.record():
    y = x * 2
out['grad'] = ag.grad(y, [x], head_grads=[nd.array([1., 3.], dtype='float64')])[0].asnumpy()
""")
case('err_head_grad_same_dtype_f64', """
x = nd.array([1., 2.], dtype='float64')
x.attach_grad()
with ag.record():
    y = x * 2
y.backward(nd.array([1., 3.], dtype='float64'))
out['grad'] = x.grad.asnumpy()
""")
case('err_function_backward_raises', """
class F(ag.Function):
    def forward(self, x):
        return x * 2

    def backward(self, dy):
        raise ValueError('boom in backward')

x = nd.array([1., 2.])
x.attach_grad()
with ag.record():
    y = F()(x)
y.backward()
""")  # MXNet prints the user's traceback and raises MXNetError (the test checks mxjax's message)
case('err_function_forward_raises', """
class F(ag.Function):
    def forward(self, x):
        raise ValueError('boom in forward')

    def backward(self, dy):
        return dy

x = nd.array([1., 2.])
x.attach_grad()
with ag.record():
    y = F()(x)
""", 'boom in forward')

# ------------------------------------------------------------------ NaN
NAN_X = '[[np.nan, -1.5, 0., 2.], [1., np.nan, -2., np.inf]]'
NAN_Y = '[[0.5, np.nan, 1., np.nan], [1., -1., np.nan, 3.]]'
HEAD = 'np.arange(1, 9).reshape(2, 4) * 0.5'
NAN_UNARY = {
    'relu': 'nd.relu(x)',
    'abs': 'nd.abs(x)',
    'sign': 'nd.sign(x)',
    'clip': 'nd.clip(x, -1., 1.)',
    'maximum_scalar': 'nd.maximum(x, 0.5)',
    'minimum_scalar': 'nd.minimum(x, 0.5)',
    'rmaximum_scalar': 'nd.maximum(0.5, x)',
    'act_relu': 'nd.Activation(x, act_type="relu")',
    'act_sigmoid': 'nd.Activation(x, act_type="sigmoid")',
    'act_tanh': 'nd.Activation(x, act_type="tanh")',
    'act_softrelu': 'nd.Activation(x, act_type="softrelu")',
    'act_softsign': 'nd.Activation(x, act_type="softsign")',
    'leaky': 'nd.LeakyReLU(x, act_type="leaky", slope=0.1)',
    'elu': 'nd.LeakyReLU(x, act_type="elu", slope=0.3)',
    'selu': 'nd.LeakyReLU(x, act_type="selu")',
    'gelu': 'nd.LeakyReLU(x, act_type="gelu")',
    # in predict mode MXNet's rrelu returns [output, mask]
    'rrelu_predict': '(lambda r: r[0] if isinstance(r, list) else r)(nd.LeakyReLU(x, act_type="rrelu"))',
    'prelu': 'nd.LeakyReLU(x, gamma=nd.array([0.2], dtype=x.dtype), act_type="prelu")',
    'max_axis': 'nd.max(x, axis=1)',
    'min_axis': 'nd.min(x, axis=1)',
    'max_all': 'nd.max(x)',
    'min_all': 'nd.min(x)',
    'max_axis0': 'nd.max(x, axis=0)',
    'argmax': 'nd.argmax(x, axis=1)',
    'argmin': 'nd.argmin(x, axis=1)',
    'argmax_axis0': 'nd.argmax(x, axis=0)',
}
NAN_BINARY = {
    'maximum': 'nd.maximum(x, y)',
    'minimum': 'nd.minimum(x, y)',
    'broadcast_maximum': 'nd.broadcast_maximum(x, y[0:1])',
    'broadcast_minimum': 'nd.broadcast_minimum(x, y[0:1])',
}
# Not here: sort, argsort, topk -- with NaN, MXNet's order depends on its sorting algorithm.
NO_GRAD = {'argmax', 'argmin', 'argmax_axis0', 'sign'}
for _dt in ('float32', 'float64'):
    for _name, _expr in list(NAN_UNARY.items()) + list(NAN_BINARY.items()):
        _bin = _name in NAN_BINARY
        _grad = _name not in NO_GRAD
        case('nan_%s_%s' % (_name, _dt), f"""
x = nd.array({NAN_X}, dtype='{_dt}')
y = nd.array({NAN_Y}, dtype='{_dt}')
x.attach_grad()
{"y.attach_grad()" if _bin else ""}
with ag.record(train_mode={_name != 'rrelu_predict'}):  # rrelu: the fixed slope, no sampling
    z = {_expr}
out['z'] = z.asnumpy()
if {_grad}:
    z.backward(nd.array(({HEAD}).ravel()[:z.size].reshape(z.shape), dtype='{_dt}'))
    out['gx'] = x.grad.asnumpy()
    if {_bin}:
        out['gy'] = y.grad.asnumpy()
""")


# ------------------------------------------------------------------ running a case
def run_case(mx, name):
    """Run case `name` on library `mx`: {'out/<key>': array} or {'error': (class, message)}."""
    code, _ = CASES[name]
    env = dict(mx=mx, nd=mx.nd, ag=mx.autograd, np=np, out={})
    try:
        exec(compile(code, name, 'exec'), env)
        mx.nd.waitall()  # MXNet reports some errors asynchronously
    except Exception as e:  # noqa: BLE001 - the error is the result
        return {'error': (type(e).__name__, str(e))}
    return {'out/' + k: np.asarray(v) for k, v in env['out'].items()}


def main():
    import mxnet as mx
    arrays, meta = {}, {}
    for name, (_, phrase) in CASES.items():
        res = run_case(mx, name)
        if 'error' in res:
            cls, msg = res['error']
            if phrase is not None:
                assert phrase in msg, (name, phrase, msg)
            meta[name] = {'error': cls, 'message': msg[-600:]}
        else:
            meta[name] = {'keys': sorted(k[4:] for k in res)}
            for k, v in res.items():
                arrays[name + '/' + k[4:]] = v
    np.savez_compressed(GOLDEN, meta=json.dumps(meta, indent=0, sort_keys=True), **arrays)
    print('wrote %d cases (%d raise) to %s' % (len(meta), sum('error' in m for m in meta.values()), GOLDEN))


if __name__ == '__main__':
    main()
