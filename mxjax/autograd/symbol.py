"""get_symbol: the recorded history of an array as a small Symbol (names, JSON)."""
import json

from ..base import MXNetError
from .tape import Leaf, Node


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
            attrs = sorted(n['attrs'])
            if len(attrs) == 1:
                fields.append('"attrs": {%s: %s}' % (d(attrs[0][0]), d(attrs[0][1])))
            elif attrs:  # several attributes go one per line, as MXNet's JSON writer does
                fields.append('"attrs": {\n' + ', \n'.join('        %s: %s' % (d(k), d(v)) for k, v in attrs)
                              + '\n      }')
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
    """Retrieve the recorded computation history of `x` as a Symbol.

    Nodes are named as MXNet names them: var<k> for marked variables, null<k> for constant
    inputs (one counter for both), node_<k> for ops, numbered in the order they were
    created. MXNet's counters run over the whole process; here they start at 0 per graph.
    """
    from ..ndarray.ndarray import NDArray
    assert isinstance(x, NDArray), \
        'get_symbol: Invalid argument type, expecting %s, got %s' % (NDArray, type(x))
    if x._entry is None:
        raise MXNetError('get_symbol: the array is not in a computational graph; record it '
                         'with autograd.record() (and attach_grad to its inputs) first')
    if type(x._entry[0]) is Node and x._entry[0].primals is None:  # freed by a backward
        raise MXNetError('NDArray is not part of a computation graph. Did you forget to turn on '
                         'recording?')
    nodes, pos = [], {}
    arg_order = []  # (creation key, node index) of every variable, to name them afterwards

    def emit_var(prefix, order_key):
        nodes.append({'op': 'null', 'prefix': prefix, 'attrs': [], 'inputs': [], 'nout': 1})
        arg_order.append((order_key, len(nodes) - 1))
        return len(nodes) - 1

    # Iterative depth-first post-order (inputs in order, as nnvm writes a graph); a constant
    # input becomes its own null variable where it is met.
    root = x._entry[0]
    stack = [[root, iter(enumerate(_array_parents(root))), [], None]]
    while stack:
        frame = stack[-1]
        n, it, inputs, waiting = frame
        if waiting is not None:
            inputs.append((pos[id(waiting[0])], waiting[1], 0))
            frame[3] = None
        for k, p in it:
            if p is None:  # MXNet creates it while recording n, in input order
                inputs.append((emit_var('null', (n.seq, k)), 0, 0))
            elif id(p[0]) in pos:
                inputs.append((pos[id(p[0])], p[1], 0))
            else:
                frame[3] = p
                stack.append([p[0], iter(enumerate(_array_parents(p[0]))), [], None])
                break
        else:
            stack.pop()
            if type(n) is Leaf:
                pos[id(n)] = emit_var('var', (n.seq, -1))
            else:
                nodes.append({'op': n.op.name, 'seq': n.seq, 'attrs': _attrs(n), 'inputs': inputs,
                              'nout': len(n.avals)})
                pos[id(n)] = len(nodes) - 1
    for k, (_, i) in enumerate(sorted(arg_order)):
        nodes[i]['name'] = '%s%d' % (nodes[i]['prefix'], k)
    ops = sorted((n['seq'], i) for i, n in enumerate(nodes) if n['op'] != 'null')
    for k, (_, i) in enumerate(ops):
        nodes[i]['name'] = 'node_%d' % k
    return Symbol(nodes, [(pos[id(root)], x._entry[1], 0)])


def _array_parents(node):
    if type(node) is Leaf:
        return ()
    nd = len(node.op.dynamic)
    return node.parents[:len(node.parents) - nd] if nd else node.parents


def _attrs(node):
    op = node.op
    out = []
    for k, v, dv in zip(op.static_names, node.key, op.defaults_key):
        if v != dv:
            out.append((k, _fmt(v)))
    if op.dynamic and node.primals not in (None, True):
        vals = node.primals[len(node.primals) - len(op.dynamic):]
        # MXNet keeps an op's scalar as a double (x + 2 shows scalar '2.0')
        for k, v in zip(op.dynamic, vals):
            if k in op.none_as and float(v) == op.none_as[k]:
                v = None  # (MXNet shows an optional attribute left unset as None)
            out.append((k, _fmt(float(v) if k == 'scalar' else v)))
    return out
