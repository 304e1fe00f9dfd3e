"""Side-by-side timing: one warm worker process per framework, sides alternating.

Each framework runs in its own process with its own defaults (no thread variables are set).
The driver sends one workload name at a time to each worker in turn, so every round measures
all sides back to back under the same machine conditions; figures are medians over the
rounds, with the spread (min..max) of the per-round ratios.

A worker is this module's `serve(workloads)`: it reads a workload name from stdin, runs that
callable's timed loop and writes the seconds per iteration as JSON.
"""
import json
import os
import statistics
import subprocess
import sys
import time


def timed(f, number):
    """Seconds per call of f over `number` calls (after one untimed warm call)."""
    f()
    t = time.perf_counter()
    for _ in range(number):
        f()
    return (time.perf_counter() - t) / number


def serve(workloads):
    """Worker loop: `name number` on stdin -> seconds per call (or an error) on stdout."""
    out = sys.stdout
    sys.stdout = sys.stderr  # keep library chatter off the protocol channel
    for line in sys.stdin:
        name, number = line.split()
        try:
            res = timed(workloads[name], int(number))
        except Exception as e:  # noqa: BLE001 - report what the framework cannot do
            res = 'fails: %s' % (str(e).strip().splitlines() or [type(e).__name__])[-1][:100]
        out.write(json.dumps(res) + '\n')
        out.flush()


class Worker:
    def __init__(self, label, argv):
        self.label = label
        self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL, text=True, env=dict(os.environ))

    def run(self, name, number):
        self.proc.stdin.write('%s %d\n' % (name, number))
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        if not line:
            return 'fails: worker exited'
        return json.loads(line)

    def close(self):
        self.proc.stdin.close()
        self.proc.wait(timeout=60)


def alternate(workers, plan, rounds):
    """{(label, workload): [seconds per call, one per round]}; plan: [(workload, number, labels)].

    Round r starts with a different side each time, so no side always runs first.
    """
    res = {}
    for w in workers:  # warm every side on every workload once (compiles, caches)
        for name, number, labels in plan:
            if w.label in labels:
                w.run(name, max(1, number // 4))
    for r in range(rounds):
        order = workers[r % len(workers):] + workers[:r % len(workers)]
        for name, number, labels in plan:
            for w in order:
                if w.label in labels:
                    res.setdefault((w.label, name), []).append(w.run(name, number))
    return res


def summary(values):
    """(median, min, max) of the numeric values, or the first failure message."""
    nums = [v for v in values if isinstance(v, (int, float))]
    if not nums:
        return values[0] if values else None
    return statistics.median(nums), min(nums), max(nums)


def ratio(a_vals, b_vals):
    """Median and range of the per-round ratios a/b, as text."""
    rs = [a / b for a, b in zip(a_vals, b_vals)
          if isinstance(a, (int, float)) and isinstance(b, (int, float)) and b]
    if not rs:
        return '-'
    return '%.2fx (%.2f-%.2f)' % (statistics.median(rs), min(rs), max(rs))


def machine():
    """One line naming the machine: CPU model and core count."""
    model = ''
    try:
        with open('/proc/cpuinfo') as f:
            for line in f:
                if line.startswith('model name'):
                    model = line.split(':', 1)[1].strip()
                    break
    except OSError:
        pass
    return '%s, %d cores' % (model or sys.platform, os.cpu_count() or 0)


def mxnet_python():
    """A Python that imports MXNet 1.9.1: this one, $MXNET_PYTHON, or ~/mxref/bin/python."""
    try:
        import mxnet  # noqa: F401
        return sys.executable
    except ImportError:
        pass
    cand = os.environ.get('MXNET_PYTHON', os.path.expanduser('~/mxref/bin/python'))
    return cand if os.path.exists(cand) else None
