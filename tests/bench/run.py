#!/usr/bin/env python
# Copyright (c) 2026, cdnops.cdn contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The benchmark behind `make bench`: API calls and wall time of the refresh modules against the sandbox.

Machines here are shared and noisy, so every figure is also given as a ratio to a baseline measured in the same run.
Needs the collection importable: run it through `make bench` (which sets ANSIBLE_COLLECTIONS_PATH).
"""

from __future__ import annotations

import os
import statistics
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:0] = [path for path in os.environ.get('ANSIBLE_COLLECTIONS_PATH', '').split(':') if path] + [os.path.join(HERE, '..', 'sandbox')]

import cdn_sandbox  # noqa: E402  pylint: disable=wrong-import-position
from ansible_collections.cdnops.cdn.plugins.module_utils._engine import normalise_url  # noqa: E402  pylint: disable=wrong-import-position
from ansible_collections.cdnops.cdn.plugins.modules import alicdn_refresh  # noqa: E402  pylint: disable=wrong-import-position
from ansible_collections.cdnops.cdn.tests.unit.plugins.modules.utils import run_module  # noqa: E402  pylint: disable=wrong-import-position

ALICDN = dict(access_key_id='LTAIsandboxDemoKey', access_key_secret='sandbox-demo-secret')
REPEATS = 5


def urls(count, domains=1, prefix='static'):
    return ['https://d%d.example.com/%s/%d/caf\u00e9 %d.js' % (n % domains, prefix, n, n) for n in range(count)]


def timed(function, repeats=REPEATS):
    """Median wall time of `repeats` runs, in seconds."""
    samples = []
    for _run in range(repeats):
        start = time.perf_counter()
        function()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def alicdn(sandbox, paths, check_mode=False, **options):
    result = run_module(alicdn_refresh, dict(paths=paths, endpoint=sandbox.url, **dict(ALICDN, **options)), check_mode=check_mode)[0]
    assert not result.get('failed'), result['msg']
    return result


def main():
    os.environ.setdefault('NO_PROXY', '127.0.0.1')
    with cdn_sandbox.Sandbox(port=0, task_delay=0.5, alicdn_quota=dict(url=10 ** 7), alicdn_url_per_minute=10 ** 7) as sandbox:
        print('cdnops.cdn benchmark against the sandbox at %s (median of %d runs where timed)\n' % (sandbox.url, REPEATS))

        sandbox.reset()
        alicdn(sandbox, urls(2500, domains=3))
        actions = [call['action'] for call in sandbox.requests]
        submits = actions.count('RefreshObjectCaches')
        fixed_20 = -(-2500 // 20)
        print('alicdn_refresh, 2,500 URLs over 3 domains: %d API calls (%d RefreshObjectCaches + %d DescribeRefreshQuota)'
              % (len(actions), submits, actions.count('DescribeRefreshQuota')))
        print('  the vendor sample script (fixed 20-URL batches, 1 s apart) would make %d calls: %.0fx more\n' % (fixed_20, fixed_20 / submits))

        baseline = timed(lambda: alicdn(sandbox, []))
        quota_only = timed(lambda: alicdn(sandbox, urls(1000), check_mode=True))
        one_url = timed(lambda: alicdn(sandbox, urls(1)))
        thousand = timed(lambda: alicdn(sandbox, urls(1000)))
        print('alicdn_refresh wall time, in-process (module start-up included):')
        print('  no paths (no request)            %7.1f ms' % (baseline * 1000))
        print('  1,000 URLs, check mode (1 call)  %7.1f ms' % (quota_only * 1000))
        print('  1 URL (2 calls)                  %7.1f ms' % (one_url * 1000))
        print('  1,000 URLs (2 calls)             %7.1f ms = %.2fx the 1-URL refresh' % (thousand * 1000, thousand / one_url))
        ten_thousand = timed(lambda: alicdn(sandbox, urls(10000, domains=10)), repeats=3)
        print('  10,000 URLs over 10 domains (11 calls) %7.1f ms = %.2fx the 1,000-URL refresh' % (ten_thousand * 1000, ten_thousand / thousand))

        waited = timed(lambda: alicdn(sandbox, urls(1000), wait=True), repeats=3)
        print('  1,000 URLs with wait=true (tasks finish after 0.5 s) %7.1f ms\n' % (waited * 1000))

        normalise = timed(lambda: [normalise_url(url, 'file') for url in urls(10000)])
        print('normalising 10,000 URLs with non-ASCII characters and spaces: %.1f ms (%.1f us per URL)' % (normalise * 1000, normalise * 100))

    jd_bench = os.path.join(HERE, 'bench_jdcdn.py')
    if os.path.exists(jd_bench):
        print('')
        sys.stdout.flush()
        os.execv(sys.executable, [sys.executable, jd_bench])


if __name__ == '__main__':
    main()
