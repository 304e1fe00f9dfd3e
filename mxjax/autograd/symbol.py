"""get_symbol: the recorded history of an array as a small Symbol (names, JSON)."""
import json

from ..base import MXNetError
from .tape import Leaf


class Symbol:
    """The graph that produced an array, in MXNet's node-list form."""

    def __init__(self, nodes, heads):
        self._nodes = nodes    # dicts: op, name, attrs, inputs [(node, out, 0)], nout
        self._heads = heads

    @property
    def name(self):
        return self._nodes[self._heads[0][0]]['name']

    def list_arguments(self):
        return [n['name'] for n in self._nodes if n['op'] == 'null']

    list_inputs = list_arguments

    def list_outputs(self):
        outs = []
        for i, k, _ in self._heads:
            n = self._nodes[i]
            if n['op'] == 'null':
                outs.append(n['name'])
            elif n['nout'] == 1:
                outs.append(n['name'] + '_output')
            else:
                outs.append('%s_output%d' % (n['name'], k))
        return outs

    def list_auxiliary_states(self):
        return []

    def tojson(self):
        """The graph as JSON, formatted as MXNet 1.9.1 writes it."""
        d = json.dumps
        rows = []
        for n in self._nodes:
            fields = ['"op": %s' % d(n['op']), '"name": %s' % d(n['name'])]
            if n['attrs']:
                fields.append('"attrs": {%s}' % ', '.join('%s: %s' % (d(k), d(v)) for k, v in n['attrs']))
            fields.append('"inputs": [%s]' % ', '.join('[%d, %d, %d]' % e for e in n['inputs']))
            rows.append('    {\n      ' + ', \n      '.join(fields) + '\n    }')
        row_ptr, c = [0], 0
        for n in self._nodes:
            c += n['nout']
            row_ptr.append(c)
        arg_nodes = [i for i, n in enumerate(self._nodes) if n['op'] == 'null']
        return ('{\n  "nodes": [\n' + ', \n'.join(rows) + '\n  ], \n'
                '  "arg_nodes": %s, \n' % _lst(arg_nodes) +
                '  "node_row_ptr": %s, \n' % _lst(row_ptr) +
                '  "heads": [%s], \n' % ', '.join('[%d, %d, %d]' % h for h in self._heads) +
                '  "attrs": {"mxnet_version": ["int", 10901]}\n}')

    def __repr__(self):
        return '<Symbol %s>' % self.name


def _lst(xs):
    return '[' + ', '.join(str(x) for x in xs) + ']'


def _fmt(v):
    return str(v)


def get_symbol(x):
    """Retrieve the recorded computation history of `x` as a Symbol."""
    from ..ndarray.ndarray import NDArray
    assert isinstance(x, NDArray), \
        'get_symbol: Invalid argument type, expecting %s, got %s' % (NDArray, type(x))
    if x._entry is None:
        raise MXNetError('get_symbol: the array is not in a computational graph; record it '
                         'with autograd.record() (and attach_grad to its inputs) first')
    order, index = [], {}

    def visit(node):
        stack = [(node, iter(_array_parents(node)))]
        index[id(node)] = None
        while stack:
            n, it = stack[-1]
            for p in it:
                if p is None:
                    continue
                if id(p[0]) not in index:
                    index[id(p[0])] = None
                    stack.append((p[0], iter(_array_parents(p[0]))))
                    break
            else:
                stack.pop()
                order.append(n)
    visit(x._entry[0])

    # Expand constant (untracked) inputs into their own variable slots, in input order.
    items = []
    for n in order:
        if type(n) is not Leaf:
            for p in _array_parents(n):
                if p is None:
                    items.append(('const', None))
        items.append(('node', n))
    n_vars = sum(1 for kind, n in items if kind == 'const' or type(n) is Leaf)
    nodes, pos = [], {}
    var_k, op_k = 0, n_vars
    pending_consts = []
    for kind, n in items:
        if kind == 'const' or type(n) is Leaf:
            var_k += 1
            nodes.append({'op': 'null', 'name': 'var%d' % var_k, 'attrs': [], 'inputs': [], 'nout': 1})
            if kind == 'const':
                pending_consts.append(len(nodes) - 1)
            else:
                pos[id(n)] = len(nodes) - 1
            continue
        op_k += 1
        inputs = []
        for p in _array_parents(n):
            inputs.append((pending_consts.pop(0), 0, 0) if p is None else (pos[id(p[0])], p[1], 0))
        nodes.append({'op': n.op.name, 'name': 'node_%d' % op_k, 'attrs': _attrs(n),
                      'inputs': inputs, 'nout': len(n.avals)})
        pos[id(n)] = len(nodes) - 1
    return Symbol(nodes, [(pos[id(x._entry[0])], x._entry[1], 0)])


def _array_parents(node):
    if type(node) is Leaf:
        return ()
    nd = len(node.op.dynamic)
    return node.parents[:len(node.parents) - nd] if nd else node.parents


def _attrs(node):
    op = node.op
    out = []
    static = [k for k in op.attrs if k not in op.dynamic]
    for k, v, dv in zip(static, node.key, op.defaults_key):
        if v != dv:
            out.append((k, _fmt(v)))
    if op.dynamic and node.primals not in (None, True):
        vals = node.primals[len(node.primals) - len(op.dynamic):]
        out.extend((k, _fmt(v)) for k, v in zip(op.dynamic, vals))
    return out
