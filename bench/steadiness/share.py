#!/usr/bin/env python3
"""Per fork and measurement iteration: the score, the worker thread's CPU share, the machine's load, page faults.

usage: python3 bench/steadiness/share.py CONSOLE.txt SAMPLES.txt [ITERATION_SECONDS]   (default 1)

CONSOLE.txt is a JMH console log piped through stamp.py, SAMPLES.txt what sampler.py wrote meanwhile. One line per
benchmark, parameters and fork; one entry per measurement iteration: ops/s / share of the iteration's wall time the
worker thread was on a CPU / fraction of the machine's CPU time busy (0.5 on 2 CPUs = the benchmark alone) / minor
page faults per second of the fork's JVM. A low share means another process took the CPU; many faults mean the JVM
was touching new memory (heap growth).
"""
import bisect
import collections
import os
import re
import sys


def main(log, samples, r):
    hz = float(os.sysconf('SC_CLK_TCK'))
    series = {}
    for line in open(samples):
        f = line.split()
        series.setdefault(f[1], []).append((float(f[0]), int(f[3]), int(f[5]), int(f[6]), int(f[9])))
    pids = sorted(series, key=lambda p: series[p][0][0])

    def at(pid, t):
        arr = series[pid]
        i = min(bisect.bisect_left([a[0] for a in arr], t), len(arr) - 1)
        return arr[i]

    rows = collections.OrderedDict()
    bench = params = fork = None
    for line in open(log):
        m = re.match(r'\S+ # Benchmark: (\S+)', line)
        if m:
            bench = '.'.join(m.group(1).split('.')[-2:])
        m = re.match(r'\S+ # Parameters: \((.*)\)', line)
        if m:
            params = m.group(1).replace('message = ', '').replace('profile = ', '')
        m = re.match(r'\S+ # Fork: (\d+) of', line)
        if m:
            fork = int(m.group(1))
        m = re.match(r'(\S+) Iteration\s+\d+: ([\d.]+) ops/s', line)
        if not m:
            continue
        t1 = float(m.group(1))
        live = [p for p in pids if series[p][0][0] <= t1 <= series[p][-1][0] + 0.5]
        if not live:
            continue
        a, b = at(live[-1], t1 - r), at(live[-1], t1)
        dt = b[0] - a[0]
        if dt <= 0:
            continue
        share = (b[1] - a[1]) / hz / dt
        busy = 1 - (b[3] - a[3]) / max(1, b[2] - a[2])
        faults = (b[4] - a[4]) / dt
        rows.setdefault((bench, params, fork), []).append(
            '%.2fM/%.2f/%.2f/%d' % (float(m.group(2)) / 1e6, share, busy, faults))
    for (bench, params, fork), v in rows.items():
        print('%-24s %-18s f%d  %s' % (bench, params, fork, '  '.join(v)))


if __name__ == '__main__':
    main(sys.argv[1], sys.argv[2], float(sys.argv[3]) if len(sys.argv) > 3 else 1.0)
