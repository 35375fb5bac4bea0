#!/usr/bin/env python
# Copyright (c) 2026, cdnops.cdn contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""jdcdn_refresh: API calls and wall time for 2,000 URLs with 50 ms of added latency per call, sequential vs concurrent.

Runs the module's real main() in-process against an in-process sandbox whose 'slow' fault delays every JD call.
Machines here are shared and noisy, so the figures that matter are the ratios, measured in the same run.

    ANSIBLE_COLLECTIONS_PATH=/path/containing/ansible_collections python tests/bench/bench_jdcdn.py
"""

from __future__ import annotations

import os
import statistics
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:0] = [path for path in os.environ.get('ANSIBLE_COLLECTIONS_PATH', '').split(':') if path] + [os.path.join(HERE, '..', 'sandbox')]

import cdn_sandbox  # noqa: E402  pylint: disable=wrong-import-position
from ansible_collections.cdnops.cdn.plugins.module_utils._jdcdn import JdcdnClient  # noqa: E402  pylint: disable=wrong-import-position
from ansible_collections.cdnops.cdn.plugins.modules import jdcdn_refresh  # noqa: E402  pylint: disable=wrong-import-position
from ansible_collections.cdnops.cdn.tests.unit.plugins.modules.utils import run_module  # noqa: E402  pylint: disable=wrong-import-position

URLS = 2000
LATENCY = 0.05
REPEATS = 3
CONCURRENCY = JdcdnClient.submit_concurrency


def refresh(sandbox, concurrency):
    """One run of the module; returns (refresh calls, seconds)."""
    sandbox.reset()
    sandbox.inject_fault(vendor='jdcdn', action='refresh', kind='slow', times=10 ** 6, delay=LATENCY)
    JdcdnClient.submit_concurrency = concurrency
    paths = ['https://www.example.com/static/%d.js' % number for number in range(URLS)]
    start = time.perf_counter()
    result, dummy = run_module(jdcdn_refresh, dict(paths=paths, endpoint=sandbox.url, username='sandbox_user',
                                                   secret_key='sandbox-demo-secret'))
    elapsed = time.perf_counter() - start
    assert not result.get('failed') and len(result['task_ids']) == URLS // 100, result['msg']
    return sum(1 for call in sandbox.requests if call['action'] == 'refresh'), elapsed


def measure(sandbox, concurrency):
    runs = [refresh(sandbox, concurrency) for dummy in range(REPEATS)]
    calls = {calls for calls, seconds in runs}
    assert len(calls) == 1, calls
    return calls.pop(), statistics.median(seconds for calls, seconds in runs)


def main():
    os.environ.setdefault('NO_PROXY', '127.0.0.1')
    print('jdcdn_refresh, %d URLs, %d ms added to every call, median of %d runs' % (URLS, LATENCY * 1000, REPEATS))
    try:
        with cdn_sandbox.Sandbox(port=0, task_delay=60) as sandbox:
            calls_1, sequential = measure(sandbox, 1)
            calls_n, concurrent = measure(sandbox, CONCURRENCY)
    finally:
        JdcdnClient.submit_concurrency = CONCURRENCY
    floor_1 = calls_1 * LATENCY
    floor_n = -(-calls_n // CONCURRENCY) * LATENCY
    print('  sequential (submit_concurrency 1): %2d calls, %6.0f ms (added latency alone: %4.0f ms)' % (calls_1, sequential * 1000, floor_1 * 1000))
    print('  concurrent (submit_concurrency %d): %2d calls, %6.0f ms (added latency alone: %4.0f ms)' % (
        CONCURRENCY, calls_n, concurrent * 1000, floor_n * 1000))
    print('  sequential / concurrent = %.2fx (at most %.2fx)' % (sequential / concurrent, floor_1 / floor_n))


if __name__ == '__main__':
    main()
