# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The added latency (`latency` seconds, `--latency`): every API answer waits for it, concurrently, admin routes do not."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import requests

from sandbox_testlib import ali_call, jd_call
from test_sandbox_server import RunningProcess


def recording_sleep(sandbox):
    """Replace the sandbox's latency wait with one that records the seconds asked for and returns at once."""
    waits = []
    sandbox.sleep = waits.append
    return waits


def test_every_api_route_waits_for_the_latency_and_admin_routes_do_not(make_sandbox):
    sandbox = make_sandbox(latency=5)   # the wait is recorded, not slept: a long latency keeps processing time small
    waits = recording_sleep(sandbox)
    assert ali_call(sandbox, 'DescribeRefreshQuota').status_code == 200
    assert jd_call(sandbox, 'refresh', {'instances': ['http://www.a.com/x'], 'type': 'file'}).json()['status'] == 0
    assert requests.get(sandbox.url + '/elsewhere', timeout=10).status_code == 404
    sandbox.inject_fault(vendor='alicdn', kind='throttle')
    assert ali_call(sandbox, 'DescribeRefreshQuota').status_code == 503
    assert len(waits) == 4 and all(4 < wait <= 5 for wait in waits), waits   # 5 s from arrival, less processing
    assert requests.get(sandbox.url + '/_sandbox/requests', timeout=10).status_code == 200
    assert requests.post(sandbox.url + '/_sandbox/config', json={'latency': 0}, timeout=10).json()['latency'] == 0
    ali_call(sandbox, 'DescribeRefreshQuota')
    assert len(waits) == 4   # admin calls and latency 0 add nothing


def test_the_latency_counts_from_arrival_and_a_fault_delay_adds_to_it(make_sandbox):
    """Processing time is part of the latency (a vendor answering in `latency`); a slow fault's delay comes on top."""
    sandbox = make_sandbox(latency=5)
    waits = recording_sleep(sandbox)
    handle = sandbox.alicdn.handle

    def slow_handle(*args):
        time.sleep(1)
        return handle(*args)

    sandbox.alicdn.handle = slow_handle
    assert ali_call(sandbox, 'DescribeRefreshQuota').status_code == 200
    sandbox.alicdn.handle = handle
    sandbox.inject_fault(vendor='alicdn', kind='slow', delay=1)
    assert ali_call(sandbox, 'DescribeRefreshQuota').status_code == 200
    assert waits[0] <= 4 and 4 < waits[1] <= 5, waits


def test_the_answer_really_waits(make_sandbox):
    sandbox = make_sandbox(latency=0.3)
    start = time.monotonic()
    assert ali_call(sandbox, 'DescribeRefreshQuota').status_code == 200
    assert time.monotonic() - start >= 0.3
    assert sandbox.calls(action='DescribeRefreshQuota')[0]['http_status'] == 200


def test_concurrent_calls_wait_at_the_same_time(make_sandbox):
    """Both calls are in their latency wait at once (a barrier of 2 passes), so the wait holds no lock."""
    sandbox = make_sandbox(latency=1)
    barrier = threading.Barrier(2, timeout=20)
    sandbox.sleep = lambda seconds: barrier.wait()
    with ThreadPoolExecutor(2) as pool:
        answers = list(pool.map(lambda _: ali_call(sandbox, 'DescribeRefreshQuota').status_code, range(2)))
    assert answers == [200, 200] and not barrier.broken


def test_cli_flag():
    process = RunningProcess('--latency', '0.2')
    try:
        assert requests.get(process.url + '/_sandbox/config', timeout=10).json()['latency'] == 0.2
    finally:
        returncode, dummy = process.stop()
    assert returncode == 0
