"""Golden values of the linalg ops (mx.nd.linalg.gemm ... slogdet), from real MXNet 1.9.1.

Regenerate with real MXNet:

    ~/mxref/bin/python compat_tests/golden/gen_ops_linalg.py

which writes ops_linalg.npz beside this file. Each case is a spec (op, inputs, attrs, which
inputs get gradients, dtype); `run_case(mx, spec)` runs it on either library: forward under
autograd.record, then one backward over all outputs with fixed random head gradients.
Inputs are well conditioned (SPD matrices B B^T + n I, triangular ones with a strong
diagonal) so float32 values are stable. `raises` cases record that MXNet raises MXNetError.
"""
import json
import os

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
GOLDEN = os.path.join(HERE, 'ops_linalg.npz')


def _inputs():
    """name -> float64 numpy value (cast to the case dtype), or (value, dtype) for a fixed dtype."""
    rs = np.random.RandomState(0)
    a = {}
    for n in ('g234', 'g245', 'g235', 'g243', 'g254', 'g324', 'g425', 'g325'):
        a[n] = rs.randn(*[int(c) for c in n[1:]])
    b = rs.randn(2, 3, 3)
    spd = b @ np.swapaxes(b, 1, 2) + 3 * np.eye(3)
    a['spd'] = spd
    # the upper triangle holds garbage: LAPACK (and MXNet) read only the lower one
    a['spd_lowg'] = np.tril(spd) + np.triu(rs.randn(2, 3, 3) * 5, 1)
    a['spd_upg'] = np.triu(spd) + np.tril(rs.randn(2, 3, 3) * 5, -1)
    chol = np.linalg.cholesky(spd)
    a['chol_g'] = chol + np.triu(rs.randn(2, 3, 3), 1)
    a['cholT_g'] = np.swapaxes(chol, 1, 2) + np.tril(rs.randn(2, 3, 3), -1)
    tri = np.tril(rs.randn(2, 3, 3)) + 3 * np.eye(3) * np.sign(rs.randn(2, 1, 3))
    a['tri_g'] = tri + np.triu(rs.randn(2, 3, 3), 1)
    a['triu_g'] = np.swapaxes(tri, 1, 2) + np.tril(rs.randn(2, 3, 3), -1)
    sq = rs.randn(2, 3, 3) + 3 * np.eye(3)
    sq[1, 0] *= -1   # one batch member with a negative determinant
    a['sq'] = sq
    a['sq33'] = sq[0]
    a['pos44'] = rs.rand(2, 4, 4) + 0.5 * np.eye(4) + 0.5
    a['v23'] = rs.randn(2, 3)
    a['v26'] = rs.randn(2, 6)
    a['v6'] = rs.randn(6)
    a['i33'] = (np.ones((3, 3)), 'int32')
    a['h33'] = (np.ones((3, 3)), 'float16')
    a['d33'] = (np.ones((3, 3)), 'float64')
    a['o3'] = np.ones(3)
    a['o23'] = np.ones((2, 3))
    a['o33'] = np.ones((3, 3))
    a['o34'] = np.ones((3, 4))
    a['o223'] = np.ones((2, 2, 3))
    a['o332'] = np.ones((3, 3, 2))
    a['o4'] = np.ones(4)
    return a


def _cases():
    C = []

    def c(name, op, args, attrs=None, grad=None, dtypes=('float32', 'float64'), raises=None):
        for dt in dtypes:
            C.append(dict(name='%s_%s' % (name, dt), op=op, args=list(args), attrs=attrs or {},
                          grad=list(args if grad is None else grad), dtype=dt, raises=raises))

    c('gemm', 'gemm', ['g234', 'g245', 'g235'], {'alpha': 0.7, 'beta': -1.5})
    c('gemm_tt', 'gemm', ['g243', 'g254', 'g235'], {'transpose_a': True, 'transpose_b': True})
    c('gemm_axis0', 'gemm', ['g324', 'g425', 'g325'], {'axis': 0, 'alpha': 2.0, 'beta': 0.5})
    c('gemm2', 'gemm2', ['g234', 'g245'], {'alpha': -0.5})
    c('gemm2_ta', 'gemm2', ['g243', 'g245'], {'transpose_a': True})
    c('gemm2_tb_axis0', 'gemm2', ['g324', 'g324'], {'transpose_b': True, 'axis': 0})
    c('potrf', 'potrf', ['spd_lowg'])
    c('potrf_upper', 'potrf', ['spd_upg'], {'lower': False})
    c('potri', 'potri', ['chol_g'])
    c('potri_upper', 'potri', ['cholT_g'], {'lower': False})
    c('trsm', 'trsm', ['tri_g', 'g234'], {'alpha': 1.5})
    c('trsm_t', 'trsm', ['tri_g', 'g234'], {'transpose': True})
    c('trsm_right_up', 'trsm', ['triu_g', 'g243'], {'rightside': True, 'lower': False, 'alpha': -2.0})
    c('trsm_right_up_t', 'trsm', ['triu_g', 'g243'], {'rightside': True, 'lower': False,
                                                     'transpose': True})
    c('trmm', 'trmm', ['tri_g', 'g234'], {'alpha': 1.5})
    c('trmm_t_right', 'trmm', ['tri_g', 'g243'], {'transpose': True, 'rightside': True})
    c('trmm_up', 'trmm', ['triu_g', 'g234'], {'lower': False, 'alpha': -0.5})
    c('syrk', 'syrk', ['g234'], {'alpha': 0.5})
    c('syrk_t', 'syrk', ['g234'], {'transpose': True})
    c('gelqf', 'gelqf', ['g234'])
    c('syevd', 'syevd', ['spd_lowg'])
    c('sumlogdiag', 'sumlogdiag', ['pos44'])
    c('sumlogdiag_2d', 'sumlogdiag', ['spd'], grad=[], dtypes=('float64',))
    c('extractdiag', 'extractdiag', ['pos44'])
    c('extractdiag_off', 'extractdiag', ['pos44'], {'offset': -2})
    c('makediag', 'makediag', ['v23'], {'offset': 1})
    c('makediag_1d', 'makediag', ['v6'], {'offset': -2})
    c('extracttrian', 'extracttrian', ['pos44'])
    c('extracttrian_up', 'extracttrian', ['pos44'], {'lower': False})
    c('extracttrian_off', 'extracttrian', ['pos44'], {'offset': 2})
    c('extracttrian_off_neg', 'extracttrian', ['pos44'], {'offset': -1, 'lower': False})
    c('maketrian', 'maketrian', ['v26'])
    c('maketrian_up', 'maketrian', ['v26'], {'lower': False})
    c('maketrian_off', 'maketrian', ['v6'], {'offset': 1})
    c('maketrian_off_neg', 'maketrian', ['v26'], {'offset': -2})
    c('inverse', 'inverse', ['sq'])
    c('det', 'det', ['sq'])
    c('det_2d', 'det', ['sq33'])
    c('slogdet', 'slogdet', ['sq'])
    c('slogdet_2d', 'slogdet', ['sq33'])

    # bad input: MXNet raises MXNetError (at shape/type inference)
    er = dict(grad=[], dtypes=('float32',), raises='MXNetError')
    c('err_potrf_nonsquare', 'potrf', ['o34'], **er)
    c('err_potrf_1d', 'potrf', ['o3'], **er)
    c('err_potrf_int', 'potrf', ['i33'], **er)
    c('err_potri_nonsquare', 'potri', ['o23'], **er)
    c('err_det_1d', 'det', ['o3'], **er)
    c('err_det_nonsquare', 'det', ['o34'], **er)
    c('err_det_int', 'det', ['i33'], **er)
    c('err_inverse_nonsquare', 'inverse', ['o34'], **er)
    c('err_slogdet_nonsquare', 'slogdet', ['o34'], **er)
    c('err_sumlogdiag_nonsquare', 'sumlogdiag', ['o34'], **er)
    c('err_syevd_nonsquare', 'syevd', ['o34'], **er)
    c('err_gelqf_tall', 'gelqf', ['g243'], **er)
    c('err_gemm2_mismatch', 'gemm2', ['o23', 'o23'], **er)
    c('err_gemm2_batch', 'gemm2', ['o223', 'o332'], **er)
    c('err_gemm2_rank', 'gemm2', ['o223', 'o34'], **er)
    c('err_gemm2_1d', 'gemm2', ['o3', 'o3'], **er)
    c('err_gemm2_int', 'gemm2', ['i33', 'i33'], **er)
    c('err_gemm2_f16', 'gemm2', ['h33', 'h33'], **er)
    c('err_gemm2_mixed', 'gemm2', ['d33', 'o33'], **er)
    c('err_gemm2_axis', 'gemm2', ['g234', 'g245'], {'axis': -1}, **er)
    c('err_gemm2_axis_big', 'gemm2', ['g234', 'g245'], {'axis': 5}, **er)
    c('err_gemm_c', 'gemm', ['g234', 'g245', 'g234'], **er)
    c('err_trsm_mismatch', 'trsm', ['o33', 'o23'], **er)
    c('err_trsm_nonsquare', 'trsm', ['o23', 'o34'], **er)
    c('err_trmm_mismatch', 'trmm', ['o33', 'o34'], {'rightside': True, 'transpose': True}, **er)
    c('err_trmm_batch', 'trmm', ['spd', 'o34'], **er)
    c('err_syrk_1d', 'syrk', ['o3'], **er)
    c('err_extractdiag_offset', 'extractdiag', ['o33'], {'offset': 3}, **er)
    c('err_extractdiag_1d', 'extractdiag', ['o3'], **er)
    c('err_extracttrian_offset', 'extracttrian', ['o33'], {'offset': -3}, **er)
    c('err_extracttrian_nonsquare', 'extracttrian', ['o34'], **er)
    c('err_maketrian_len', 'maketrian', ['o4'], **er)
    c('err_makediag_int', 'makediag', ['i33'], **er)
    return C


CASES = _cases()
INPUTS = _inputs()


def make_arrays(mx, spec):
    out = {}
    for name in spec['args']:
        v = INPUTS[name]
        v, dt = v if isinstance(v, tuple) else (v, spec['dtype'])
        out[name] = mx.nd.array(v, dtype=dt)
    return out


def head_grad(spec, shape, k=0):
    rs = np.random.RandomState(sum(spec['name'].encode()) + k)
    return rs.uniform(0.5, 1.5, size=shape)


def run_case(mx, spec, fn=None):
    """Run one spec (on `fn`, default nd.linalg.<op>); returns {key: numpy array}."""
    arrs = make_arrays(mx, spec)
    grads = spec['grad'] if not spec['raises'] else []
    # an input listed twice (gemm2(X, X^T)) gets one gradient: the sum of both uses
    for g in set(grads):
        arrs[g].attach_grad()
    f = fn or getattr(mx.nd.linalg, spec['op'])
    with mx.autograd.record():
        y = f(*[arrs[a] for a in spec['args']], **spec['attrs'])
        ys = list(y) if isinstance(y, (list, tuple)) else [y]
    res = {'out%d' % j: yj.asnumpy() for j, yj in enumerate(ys)}
    if grads:
        hs = [mx.nd.array(head_grad(spec, yj.shape, j), dtype=yj.dtype) for j, yj in enumerate(ys)]
        mx.autograd.backward(ys, hs)
        for g in sorted(set(grads)):
            res['grad_' + g] = arrs[g].grad.asnumpy()
    return res


def main():
    import mxnet as mx
    store = {}
    for spec in CASES:
        try:
            res = run_case(mx, spec)
        except Exception as e:  # recorded: the test checks that mxjax raises too
            if spec['raises'] is None:
                raise
            assert type(e).__name__ == spec['raises'], (spec['name'], e)
            spec['mx_raised'] = str(e).strip().split('\n')[-1][:200]
            continue
        assert spec['raises'] is None, (spec['name'], 'MXNet did not raise')
        for k, v in res.items():
            store['%s/%s' % (spec['name'], k)] = v
    store['specs'] = np.array(json.dumps(CASES))
    np.savez_compressed(GOLDEN, **store)
    print('wrote %s: %d cases, %d arrays, %d bytes'
          % (GOLDEN, len(CASES), len(store), os.path.getsize(GOLDEN)))


if __name__ == '__main__':
    main()
