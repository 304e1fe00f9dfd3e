"""Completeness: every public name of MXNet 1.9.1's modules (golden/gen_names.py ->
golden/names.json) exists in mxjax, or is listed below as left out, with the reason."""
import json

import pytest

import mxjax as mx
from golden.gen_names import GOLDEN, resolve

_GOLD = json.load(open(GOLDEN))
NAMES, STAR = _GOLD['dir'], _GOLD['star']

# Reasons, named once; LEFT_OUT maps each module's absent names to one of them.
GLUON = 'comes with the rest of the Gluon issue (model_zoo, vision transforms, RNN)'
SYMBOL = 'comes with mx.sym / mx.mod (the Symbol/Module issue)'
DEVICES = 'comes with compiled steps and many devices (kvstore, profiler; the compiled-step issue)'
NUMPY_API = "MXNet's NumPy interface (mx.np / mx.npx, is_np_array, use_np, ...) is not in mxjax's scope"
SPARSE = 'mxjax arrays are dense: sparse storage is not supported (tostype/cast_storage give dense)'
CTYPES = "MXNet's C library plumbing (ctypes handles, check_call, ...): mxjax has no C library"
PLUMBING = "MXNet's internal module plumbing (re-exported helper modules, code generators), not an API"
CONTRIB_NICHE = ('specialised contrib op (detection, quantization, DGL graphs, deformable conv, '
                 'interleaved attention, Hawkes process, ...): not yet; no issue asks for it')
CONTRIB_GLUON = ('gluon.contrib beyond contrib.nn (Estimator, convolutional RNN cells, deformable '
                 'convolution, text data): not yet; no issue asks for it')
IMAGE = 'mx.image / image decoding (OpenCV in MXNet): not in mxjax'
EXTENSIONS = 'MXNet extension mechanisms (custom C++ ops, libraries, TVM, ONNX, RTC): not applicable to JAX'

_GROUPS = {
    '': {
        GLUON: 'rnn',
        SYMBOL: 'sym symbol mod module model executor executor_manager io name attribute AttrScope '
                'callback monitor mon visualization viz symbol_doc',
        DEVICES: 'kv kvstore profiler',
        NUMPY_API: 'np npx numpy numpy_extension numpy_dispatch_protocol numpy_op_fallback '
                   'numpy_op_signature is_np_array is_np_shape np_array np_shape np_symbol set_np_shape '
                   'use_np use_np_array use_np_shape util',
        IMAGE: 'image img',
        EXTENSIONS: 'library libinfo operator rtc runtime tvmop onnx th torch',
        PLUMBING: 'api contrib error log registry ndarray_doc notebook',
    },
    'nd': {
        GLUON: 'Convolution_v1 Pooling_v1 BatchNorm_v1',
        SYMBOL: 'CachedOp',
        NUMPY_API: 'np npx numpy numpy_extension from_numpy',
        SPARSE: 'sparse',
        IMAGE: 'imdecode',
        EXTENSIONS: 'Custom',
        CONTRIB_NICHE: 'Correlation Crop IdentityAttachKLSparseReg amp_cast amp_multicast',
        PLUMBING: 'gen__internal gen_contrib gen_image gen_linalg gen_op gen_sparse get_indexing_dispatch_code '
                  'get_oshape_of_gather_nd_op indexing_key_expand_implicit_axes op register reset_arrays utils',
    },
    'nd.NDArray': {NUMPY_API: 'as_nd_ndarray as_np_ndarray'},
    'nd.contrib': {
        GLUON: 'SyncBatchNorm BatchNormWithReLU',
        SPARSE: 'SparseEmbedding getnnz',
        CONTRIB_NICHE: 'DeformableConvolution DeformablePSROIPooling ModulatedDeformableConvolution '
                       'MultiBoxDetection MultiBoxPrior MultiBoxTarget MultiProposal PSROIPooling Proposal '
                       'ROIAlign RROIAlign bipartite_matching box_decode box_encode calibrate_entropy '
                       'count_sketch dequantize dgl_adjacency dgl_csr_neighbor_non_uniform_sample '
                       'dgl_csr_neighbor_uniform_sample dgl_graph_compact dgl_subgraph edge_id fft ifft '
                       'hawkesll backward_hawkesll interleaved_matmul_encdec_qk interleaved_matmul_encdec_valatt '
                       'interleaved_matmul_selfatt_qk interleaved_matmul_selfatt_valatt quantize quantize_asym '
                       'quantize_v2 quantized_act quantized_batch_norm quantized_concat quantized_conv '
                       'quantized_elemwise_add quantized_elemwise_mul quantized_embedding quantized_flatten '
                       'quantized_fully_connected quantized_pooling quantized_rnn requantize rand_zipfian '
                       'backward_gradientmultiplier backward_index_copy backward_quadratic',
        PLUMBING: 'math mx ndarray current_context uniform',
    },
    'autograd': {
        CTYPES: 'CFUNCTYPE MXCallbackList NDArrayHandle POINTER SymbolHandle c_array c_array_buf '
                'c_handle_array c_int c_void_p check_call ctypes mx_uint',
        PLUMBING: 'Lock NDArray Symbol array cast string_types traceback',
    },
    'base': {
        CTYPES: 'CachedOpHandle CudaKernelHandle CudaModuleHandle DLPackHandle DataIterCreatorHandle '
                'DataIterHandle ExecutorHandle FunctionHandle KVStoreHandle MXCallbackList NDArrayHandle '
                'OpHandle ProfileHandle RecordIOHandle RtcHandle SymbolHandle c2pyerror c_array c_array_buf '
                'c_handle_array c_str c_str_array check_call ctypes ctypes2buffer ctypes2numpy_shared '
                'get_last_ffi_error mx_float mx_float_p mx_int mx_int64 mx_uint py_str error_types register_error',
        PLUMBING: 'NotImplementedForSymbol NotSupportedForSparseNDArray add_fileline_to_docstring atexit basestring '
                  'build_param_doc classproperty data_dir data_dir_default inspect libinfo long os platform re sys '
                  'with_metaclass',
    },
    'context': {CTYPES: 'check_call ctypes', PLUMBING: 'classproperty with_metaclass',
                DEVICES: 'gpu_memory_info'},
    'init': {PLUMBING: 'is_np_array load ndarray random registry'},
    'initializer': {PLUMBING: 'is_np_array load ndarray random registry'},
    'random': {CTYPES: 'check_call ctypes', PLUMBING: 'Context integer_types'},
    'nd.random': {PLUMBING: 'current_context numeric_types'},
    'metric': {PLUMBING: 'registry'},
    'gluon': {SYMBOL: 'SymbolBlock'},
    'gluon.nn': {SYMBOL: 'SymbolBlock'},
    'gluon.loss': {NUMPY_API: 'is_np_array', PLUMBING: 'ndarray'},
    'gluon.utils': {PLUMBING: 'collections requests sys', NUMPY_API: 'is_np_array is_np_shape'},
    'gluon.contrib': {CONTRIB_GLUON: 'cnn data estimator rnn'},
    'gluon.contrib.nn': {SPARSE: 'SparseEmbedding', DEVICES: 'SyncBatchNorm'},
    'recordio': {CTYPES: 'RecordIOHandle c_str check_call ctypes', PLUMBING: 'current_process'},
}
LEFT_OUT = {mod: {n: reason for reason, names in groups.items() for n in names.split()}
            for mod, groups in _GROUPS.items()}


@pytest.mark.parametrize('path', sorted(NAMES), ids=lambda p: p or 'mx')
def test_every_mxnet_name_exists_or_is_listed(path):
    mod = resolve(mx, path)
    left = LEFT_OUT.get(path, {})
    missing = [n for n in NAMES[path] if n not in left and not hasattr(mod, n)]
    assert not missing, 'mx.%s lacks %s (implement, or list with a reason in LEFT_OUT)' % (path, missing)


@pytest.mark.parametrize('path', sorted(LEFT_OUT), ids=lambda p: p or 'mx')
def test_left_out_lists_only_absent_mxnet_names(path):
    mod = resolve(mx, path)
    for n in LEFT_OUT[path]:
        assert n in NAMES[path], 'LEFT_OUT[%r] names %r, which MXNet 1.9.1 does not have' % (path, n)
        assert not hasattr(mod, n), 'mx.%s.%s exists now: take it off LEFT_OUT' % (path, n)


@pytest.mark.parametrize('path', ['test_utils', 'nd.linalg', 'nd.random', 'random', 'autograd', 'init'])
def test_star_imports_give_mxnets_names(path):
    mod = resolve(mx, path)
    ns = {}
    exec('from %s import *' % mod.__name__, ns)
    want = set(STAR[path]) - set(LEFT_OUT.get(path, {}))
    assert not want - set(ns), (path, sorted(want - set(ns)))
