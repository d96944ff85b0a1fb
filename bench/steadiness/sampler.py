#!/usr/bin/env python3
"""Samples JMH fork JVMs every 0.25 s until killed (issue 19 item 4).

usage: python3 bench/steadiness/sampler.py SAMPLES.txt [CMDLINE_SUBSTRING]   (default: benchmarks.jar)

One line per fork JVM (org.openjdk.jmh.runner.ForkedMain whose command line contains the substring) and sample:
time pid worker-tid worker-ticks process-ticks machine-total-ticks machine-idle-ticks machine-steal-ticks
worker-name minor-faults major-faults. The worker is the busiest thread named like a JMH worker
("org.recsec.bench..." is cut to 15 characters by Linux, or "...jmh-worker...").
"""
import os
import sys
import time


def ticks(stat):
    rest = stat[stat.rindex(')') + 2:].split()
    return int(rest[11]) + int(rest[12])


def main(path, match):
    out = open(path, 'w')
    while True:
        t = time.time()
        st = list(map(int, open('/proc/stat').readline().split()[1:]))
        total, idle, steal = sum(st[:8]), st[3] + st[4], st[7]
        for p in filter(str.isdigit, os.listdir('/proc')):
            try:
                cmd = open('/proc/%s/cmdline' % p, 'rb').read()
                if b'ForkedMain' not in cmd or match not in cmd:
                    continue
                best = None
                for tid in os.listdir('/proc/%s/task' % p):
                    try:
                        name = open('/proc/%s/task/%s/comm' % (p, tid)).read().strip()
                        if name.startswith('org.recsec.ben') or 'jmh-worker' in name:
                            tk = ticks(open('/proc/%s/task/%s/stat' % (p, tid)).read())
                            if best is None or tk > best[1]:
                                best = (tid, tk, name)
                    except OSError:
                        pass
                stat = open('/proc/%s/stat' % p).read()
                fields = stat[stat.rindex(')') + 2:].split()
                if best:
                    out.write('%.3f %s %s %d %d %d %d %d %s %s %s\n' % (t, p, best[0], best[1], ticks(stat), total,
                                                                      idle, steal, best[2], fields[7], fields[9]))
            except OSError:
                pass
        out.flush()
        time.sleep(0.25)


if __name__ == '__main__':
    main(sys.argv[1], (sys.argv[2] if len(sys.argv) > 2 else 'benchmarks.jar').encode())
