#!/usr/bin/env python3
"""Prefixes every line of stdin with the Unix time it arrived (for share.py): java -jar ... | python3 stamp.py"""
import sys
import time

for line in sys.stdin:
    sys.stdout.write('%.3f %s' % (time.time(), line))
    sys.stdout.flush()
