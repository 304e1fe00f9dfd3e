"""gluon.utils: splitting a batch over contexts, global-norm clipping, file helpers."""
import hashlib
import os
import urllib.request
import uuid
import warnings
import weakref

import numpy as np

from .. import ndarray

__all__ = ['split_data', 'split_and_load', 'clip_global_norm', 'check_sha1', 'download', 'replace_file']


def split_data(data, num_slice, batch_axis=0, even_split=True):
    """`data` cut into `num_slice` pieces along `batch_axis` (the first ones one longer when
    uneven). Slices along axis 0 are views, as MXNet's are."""
    size = data.shape[batch_axis]
    if even_split and size % num_slice != 0:
        raise ValueError(
            "data with shape %s cannot be evenly split into %d slices along axis %d. Use a batch size "
            "that's multiple of %d or set even_split=False to allow uneven partitioning of data."
            % (str(data.shape), num_slice, batch_axis, num_slice))
    each, extra = divmod(size, num_slice)
    bounds = np.cumsum([0] + [each + 1] * extra + [each] * (num_slice - extra)).tolist()
    if batch_axis == 0:
        return [data[bounds[i]:bounds[i + 1]] for i in range(num_slice)]
    return [ndarray.slice_axis(data, axis=batch_axis, begin=bounds[i], end=bounds[i + 1])
            for i in range(num_slice)]


def split_and_load(data, ctx_list, batch_axis=0, even_split=True):
    """split_data over len(ctx_list) contexts, each piece copied to its context."""
    if not isinstance(data, ndarray.NDArray):
        data = ndarray.array(data, ctx=ctx_list[0])
    if len(ctx_list) == 1:
        return [data.as_in_context(ctx_list[0])]
    pieces = split_data(data, len(ctx_list), batch_axis, even_split)
    return [p.as_in_context(ctx) for p, ctx in zip(pieces, ctx_list)]


def clip_global_norm(arrays, max_norm, check_isfinite=True):
    """Scale `arrays` in place so their joint L2 norm is at most max_norm; returns the norm
    before clipping (a float, or an NDArray when check_isfinite is False)."""
    assert len(arrays) > 0
    ctx = arrays[0].context
    squares = []
    for a in arrays:
        flat = a.reshape((-1,))
        squares.append(ndarray.dot(flat, flat).as_in_context(ctx))
    total = ndarray.sqrt(ndarray.add_n(*squares))
    if check_isfinite and not np.isfinite(total.asscalar()):
        warnings.warn(UserWarning('nan or inf is detected. Clipping results will be undefined.'), stacklevel=2)
    scale = max_norm / (total + 1e-8)
    scale = ndarray.min(ndarray.concat(scale, ndarray.ones(1, ctx=ctx), dim=0))
    for a in arrays:
        a *= scale.as_in_context(a.context)
    return total.asscalar() if check_isfinite else total


def check_sha1(filename, sha1_hash):
    """Whether the file's SHA-1 hex digest is `sha1_hash`."""
    h = hashlib.sha1()
    with open(filename, 'rb') as f:
        for chunk in iter(lambda: f.read(1 << 20), b''):
            h.update(chunk)
    return h.hexdigest() == sha1_hash


def replace_file(src, dst):
    """Move src over dst (atomic on POSIX); on failure remove src and raise OSError."""
    try:
        os.replace(src, dst)
    except OSError:
        try:
            os.remove(src)
        except OSError:
            pass
        raise OSError('Moving downloaded temp file - {}, to {} failed. Please retry the download.'.format(src, dst))


def download(url, path=None, overwrite=False, sha1_hash=None, retries=5, verify_ssl=True):
    """Fetch `url` to `path` (a file or a directory; default the URL's file name here) unless a
    file with the right SHA-1 is there already; returns the file name. Uses urllib (MXNet uses
    requests); verify_ssl=False skips certificate checks."""
    if path is None:
        fname = url.split('/')[-1]
        assert fname, "Can't construct file-name from this URL. Please set the `path` option manually."
    else:
        path = os.path.expanduser(path)
        fname = os.path.join(path, url.split('/')[-1]) if os.path.isdir(path) else path
    assert retries >= 0, "Number of retries should be at least 0, currently it's {}".format(retries)
    if not verify_ssl:
        warnings.warn('Unverified HTTPS request is being made (verify_ssl=False). '
                      'Adding certificate verification is strongly advised.')
    if not (overwrite or not os.path.exists(fname) or (sha1_hash and not check_sha1(fname, sha1_hash))):
        return fname
    os.makedirs(os.path.dirname(os.path.abspath(fname)), exist_ok=True)
    context = None
    if not verify_ssl:
        import ssl
        context = ssl._create_unverified_context()
    while True:
        tmp = '{}.{}'.format(fname, uuid.uuid4())
        try:
            print('Downloading {} from {}...'.format(fname, url))
            with urllib.request.urlopen(url, context=context) as r, open(tmp, 'wb') as f:
                if r.status != 200:
                    raise RuntimeError('Failed downloading url {}'.format(url))
                for chunk in iter(lambda: r.read(1 << 16), b''):
                    f.write(chunk)
            replace_file(tmp, fname)
            if sha1_hash and not check_sha1(fname, sha1_hash):
                raise UserWarning('File {} is downloaded but the content hash does not match. The repo may be '
                                  'outdated or download may be incomplete.'.format(fname))
            return fname
        except Exception as e:  # noqa: BLE001 - retried, then re-raised
            if os.path.exists(tmp):
                os.remove(tmp)
            retries -= 1
            if retries <= 0:
                raise e
            print('download failed due to {}, retrying, {} attempt{} left'.format(
                repr(e), retries, 's' if retries > 1 else ''))


def shape_is_known(shape):
    """True when no dimension is 0 (unknown). As in MXNet, () counts as unknown."""
    if shape is None or len(shape) == 0:
        return False
    for d in shape:
        if d == 0:
            return False
        assert d > 0, 'shape dimension size cannot be less than 0, while received %s' % d
    return True


def _indent(s, spaces):
    """Indent every line but the first by `spaces`."""
    return s.replace('\n', '\n' + ' ' * spaces)


def _brief_print_list(lst, limit=7):
    lst = list(lst)
    if len(lst) > limit:
        return _brief_print_list(lst[:limit // 2], limit) + ', ..., ' + _brief_print_list(lst[-limit // 2:], limit)
    return ', '.join("'%s'" % str(i) for i in lst)


class HookHandle:
    """Returned by register_forward_(pre_)hook: `detach()` (or leaving a `with`) removes the hook."""

    def __init__(self):
        self._hooks_dict_ref = None
        self._id = None

    def attach(self, hooks_dict, hook):
        assert not self._hooks_dict_ref, 'The same handle cannot be attached twice.'
        self._id = id(hook)
        hooks_dict[self._id] = hook
        self._hooks_dict_ref = weakref.ref(hooks_dict)

    def detach(self):
        hooks_dict = self._hooks_dict_ref()
        if hooks_dict is not None and self._id in hooks_dict:
            del hooks_dict[self._id]

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.detach()
