# Copyright (c) 2026, cdnops.cdn contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""alicdn_refresh_info against the sandbox: read-only calls only."""

from __future__ import annotations

from ansible_collections.cdnops.cdn.plugins.modules import alicdn_refresh, alicdn_refresh_info
from ansible_collections.cdnops.cdn.tests.unit.plugins.conftest import ALICDN_KEY_ID, ALICDN_SECRET
from ansible_collections.cdnops.cdn.tests.unit.plugins.modules.utils import run_module

READ_ONLY = {'DescribeRefreshQuota', 'DescribeRefreshTaskById', 'DescribeRefreshTasks'}


def connection(sandbox):
    return dict(endpoint=sandbox.url, access_key_id=ALICDN_KEY_ID, access_key_secret=ALICDN_SECRET)


def test_quota_reflects_what_was_used_today(sandbox):
    run_module(alicdn_refresh, dict(paths=['https://www.example.com/a.js', 'https://www.example.com/b.js'], **connection(sandbox)))
    result, output = run_module(alicdn_refresh_info, connection(sandbox))

    assert result['changed'] is False
    assert result['quota']['file'] == dict(limit=10000, remaining=9998)
    assert result['quota']['directory'] == dict(limit=100, remaining=100)
    assert result['tasks'] == [] and ALICDN_SECRET not in output


def test_tasks_by_id_and_by_path(sandbox):
    submitted = run_module(alicdn_refresh, dict(paths=['https://www.example.com/x y.js'], **connection(sandbox)))[0]
    task_id = submitted['task_ids'][0]
    sandbox.requests.clear()

    by_id = run_module(alicdn_refresh_info, dict(task_ids=[task_id, task_id], **connection(sandbox)))[0]
    by_path = run_module(alicdn_refresh_info, dict(paths=['https://www.example.com/x y.js'], **connection(sandbox)), check_mode=True)[0]

    assert [task['task_id'] for task in by_id['tasks']] == [task_id]
    assert by_id['tasks'][0]['paths'] == ['https://www.example.com/x%20y.js']
    assert [task['task_id'] for task in by_path['tasks']] == [task_id]
    assert {call['action'] for call in sandbox.requests} <= READ_ONLY


def test_more_than_ten_ids_are_queried_ten_at_a_time(sandbox):
    ids = [str(170000000 + n) for n in range(23)]
    result = run_module(alicdn_refresh_info, dict(task_ids=ids, **connection(sandbox)))[0]

    queries = [call for call in sandbox.requests if call['action'] == 'DescribeRefreshTaskById']
    assert [len(call['params']['TaskId'].split(',')) for call in queries] == [10, 10, 3]
    assert len(result['tasks']) == 23


def test_errors_fail_the_module(sandbox):
    result = run_module(alicdn_refresh_info, dict(connection(sandbox), access_key_secret='wrong'))[0]
    assert result['failed'] and 'SignatureDoesNotMatch' in result['msg']


def test_polling_without_the_quota_reads_only_the_tasks(sandbox):
    submitted = run_module(alicdn_refresh, dict(paths=['https://www.example.com/p.js'], **connection(sandbox)))[0]
    sandbox.requests.clear()

    result = run_module(alicdn_refresh_info, dict(task_ids=submitted['task_ids'], quota=False, **connection(sandbox)))[0]

    assert 'quota' not in result and len(result['tasks']) == 1
    assert [call['action'] for call in sandbox.requests] == ['DescribeRefreshTaskById']
