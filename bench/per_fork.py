#!/usr/bin/env python3
"""Per-fork averages of a JMH JSON result (-rf json), and record-sec / cf-oscore ratios per fork.

usage: python3 bench/per_fork.py RESULT.json

Each fork's average is the mean of its measurement iterations (rawData). A RecordSecBench fork's ratio is its
average divided by the mean of the OscoreBench forks of the same operation and message in the same file.
"""
import json
import sys


def main(path):
    forks = {}
    for row in json.load(open(path)):
        cls, op = row['benchmark'].split('.')[-2:]
        p = row.get('params', {})
        key = (cls, op, p.get('message', '-'), p.get('profile', '-'))
        forks[key] = [sum(it) / len(it) for it in row['primaryMetric']['rawData']]
    print('%-14s %-9s %-9s %-8s %s' % ('class', 'op', 'message', 'profile', 'per-fork ops/s'))
    for (cls, op, msg, prof), v in sorted(forks.items()):
        print('%-14s %-9s %-9s %-8s %s' % (cls, op, msg, prof, '  '.join('%9.0f' % x for x in v)))
    print()
    for (cls, op, msg, prof), v in sorted(forks.items()):
        oscore = forks.get(('OscoreBench', op, msg, '-'))
        if cls != 'RecordSecBench' or not oscore:
            continue
        o = sum(oscore) / len(oscore)
        print('%-9s %-9s %-8s per fork %s  mean %.1fx  (cf-oscore mean %.0f)' % (
            op, msg, prof, ' '.join('%.1fx' % (x / o) for x in v), sum(v) / len(v) / o, o))


if __name__ == '__main__':
    main(sys.argv[1])
