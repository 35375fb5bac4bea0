# Copyright (c) 2026, cdnops.cdn contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""jdcdn_prefetch end to end: the real main() against the sandbox, read like transcripts of the HTTP exchange."""

from __future__ import annotations

import time

import pytest

from ansible_collections.cdnops.cdn.plugins.module_utils import _jdcdn
from ansible_collections.cdnops.cdn.plugins.modules import jdcdn_prefetch, jdcdn_refresh, jdcdn_refresh_info
from ansible_collections.cdnops.cdn.tests.unit.plugins.modules.utils import run_module

USERNAME = 'sandbox_user'
SECRET = 'sandbox-demo-secret'


@pytest.fixture
def credentials(monkeypatch):
    monkeypatch.setenv('JDCDN_USERNAME', USERNAME)
    monkeypatch.setenv('JDCDN_SECRET_KEY', SECRET)


def prefetch(sandbox, paths, check_mode=False, diff=False, **options):
    result, output = run_module(jdcdn_prefetch, dict(paths=paths, endpoint=sandbox.url, **options),
                                check_mode=check_mode, diff=diff)
    assert SECRET not in output
    return result


def prefetch_calls(sandbox):
    return [entry for entry in sandbox.requests if entry['action'] == 'prefetch']


def urls(count, host='www.example.com', suffix='.css'):
    return ['https://%s/static/%d%s' % (host, number, suffix) for number in range(count)]


def test_120_urls_make_3_calls_of_at_most_50(sandbox, credentials):
    paths = urls(120)
    result = prefetch(sandbox, paths)

    calls = prefetch_calls(sandbox)
    # up to 4 calls are in flight at once, so they arrive in any order
    assert sorted((len(call['params']['publish_urls']), call['code']) for call in calls) == [(20, 0), (50, 0), (50, 0)]
    assert sorted(url for call in calls for url in call['params']['publish_urls']) == sorted(paths)
    assert all(set(call['params']) == {'publish_urls', 'username', 'signature'} for call in calls)
    assert len(sandbox.requests) == 3
    assert result['changed'] is True and not result.get('failed')
    assert [len(batch['paths']) for batch in result['batches']] == [50, 50, 20]
    assert {batch['object_type'] for batch in result['batches']} == {'file'}
    assert len(set(result['task_ids'])) == 3 and result['not_submitted'] == [] and result['already_queued'] == []
    assert result['msg'] == 'Submitted 120 paths of file prefetch (3 batches in 3 calls).'
    assert sorted(row['kind'] for row in sandbox.tasks['jdcdn']) == ['prefetch'] * 3


def test_check_mode_sends_nothing(sandbox, credentials):
    result = prefetch(sandbox, urls(120), check_mode=True)
    assert sandbox.requests == []
    assert result['changed'] is True and result['task_ids'] == []
    assert [(len(batch['paths']), batch['task_id']) for batch in result['batches']] == [(50, None), (50, None), (20, None)]
    assert result['msg'] == 'Would submit 3 batches of file prefetch for 120 paths.'


def test_diff(sandbox, credentials):
    result = prefetch(sandbox, ['https://www.example.com/a b.css', 'https://www.example.com/a%20b.css'], check_mode=True, diff=True)
    assert result['diff'] == dict(before='', after='https://www.example.com/a%20b.css\n',
                                  before_header='file cache', after_header='file prefetch of 1 path')
    assert sandbox.requests == []


def test_regexes_and_bare_hosts_are_refused(sandbox, credentials):
    result = prefetch(sandbox, ['https://www.example.com/ok.css', 'https://www.example.com/*.css',
                                'www.example.com/x.css'])
    assert result['failed'] and '2 of 3 paths are invalid, nothing was sent' in result['msg']
    assert "'https://www.example.com/*.css' looks like a regular expression or a wildcard" in result['msg']
    assert "'www.example.com/x.css' is not a URL" in result['msg']
    assert result['not_submitted'] == ['https://www.example.com/ok.css']
    assert sandbox.requests == []


def test_wait_until_complete(sandbox, credentials):
    result = prefetch(sandbox, urls(120), wait=True, wait_timeout=30)
    assert not result.get('failed') and result['msg'].endswith(', and every task completed.')
    assert [task['status'] for task in result['tasks']] == ['complete'] * 3
    assert all('paths' not in task for task in result['tasks'])     # each URL once: in batches
    assert [len(batch['paths']) for batch in result['batches']] == [50, 50, 20]
    assert result['failed_paths'] == []
    queried = [entry['params']['taskid'] for entry in sandbox.requests if entry['action'] == 'prefetchQuery']
    assert set(queried) == set(result['task_ids'])
    assert not [entry for entry in sandbox.requests if entry['action'] == 'refreshQuery']


def test_wait_reports_the_urls_of_a_failed_task(sandbox, credentials):
    sandbox.set_config(fail_patterns=['/broken/'])
    paths = urls(50) + ['https://www.example.com/broken/x.css']
    result = prefetch(sandbox, paths, wait=True, wait_timeout=30)
    assert result['failed'] and result['changed']
    assert result['failed_paths'] == ['https://www.example.com/broken/x.css']
    assert [task['status'] for task in result['tasks']] == ['complete', 'failed']
    assert result['tasks'][1]['reason'] == 'Failed'
    assert 'and 1 path failed to prefetch: https://www.example.com/broken/x.css' in result['msg']
    assert result['error']['action'] == 'wait'


def test_wait_timeout(sandbox, credentials):
    sandbox.set_config(task_delay=60)
    result = prefetch(sandbox, urls(1), wait=True, wait_timeout=0)
    assert result['failed'] and 'still running after wait_timeout=0s' in result['msg']
    assert result['tasks'][0]['status'] == 'running' and result['changed']


def test_second_call_fails_for_good_and_the_rest_is_listed(sandbox, credentials, monkeypatch):
    # Three batches, one per domain; JD refuses the second (a domain outside the account, status 15).
    monkeypatch.setattr(_jdcdn.JdcdnClient, 'submit_concurrency', 1)
    sandbox.set_config(domains=['a.example.com', 'c.example.com'])
    first, second, third = urls(50, 'a.example.com'), urls(50, 'b.example.com'), urls(20, 'c.example.com')
    result = prefetch(sandbox, first + second + third)
    assert result['failed'] and result['changed']
    assert [call['code'] for call in prefetch_calls(sandbox)] == [0, 15]
    assert [(batch['paths'], bool(batch['task_id'])) for batch in result['batches']] == [(first, True)]
    assert result['not_submitted'] == second + third
    assert result['error'] == dict(action='/api/prefetch', code=15, http_status=200, request_id=None,
                                   message=result['error']['message'])
    assert 'Submitted 50 paths of file prefetch (1 batch in 2 calls); 70 paths not submitted (see not_submitted).' in result['msg']


def test_throttling_is_retried(sandbox, credentials, no_sleep):
    sandbox.inject_fault(vendor='jdcdn', action='prefetch', kind='throttle', times=2)
    result = prefetch(sandbox, urls(1))
    assert result['changed'] and not result.get('failed')
    assert [(call['fault'], call['code']) for call in sandbox.requests] == [('throttle', 8), ('throttle', 8), (None, 0)]
    assert len(no_sleep) == 2 and result['retries'] == 2


def test_already_queued_urls_are_found_by_bisection(sandbox, credentials):
    sandbox.set_config(task_delay=30)
    paths = urls(6)
    prefetch(sandbox, paths[1::2])
    result = prefetch(sandbox, paths)
    assert not result.get('failed') and result['changed']
    assert sorted(result['already_queued']) == sorted(paths[1::2])
    assert sorted(path for batch in result['batches'] for path in batch['paths']) == sorted(paths[0::2])
    assert [batch['task_id'] for batch in result['batches']] == result['task_ids']
    assert result['msg'].endswith('; 3 paths already queued.')


def test_a_refresh_in_progress_does_not_block_a_prefetch(sandbox, credentials):
    # JD keeps the refresh and prefetch queues apart (status 47 is per kind).
    sandbox.set_config(task_delay=30)
    run_module(jdcdn_refresh, dict(paths=urls(3), endpoint=sandbox.url))
    result = prefetch(sandbox, urls(3))
    assert result['changed'] and result['already_queued'] == [] and len(prefetch_calls(sandbox)) == 1


def test_wrong_secret_names_no_secret(sandbox, monkeypatch):
    monkeypatch.setenv('JDCDN_USERNAME', USERNAME)
    monkeypatch.setenv('JDCDN_SECRET_KEY', 'not-the-secret')
    result, output = run_module(jdcdn_prefetch, dict(paths=urls(60), endpoint=sandbox.url))
    assert result['failed'] and result['changed'] is False and 'code 7' in result['msg']
    assert len(result['not_submitted']) == 60
    for secret in ('not-the-secret', _jdcdn.signature(USERNAME, 'not-the-secret', time.time()),
                   _jdcdn.signature(USERNAME, SECRET, time.time())):
        assert secret not in output


def test_no_alibaba_options(sandbox, credentials):
    result = prefetch(sandbox, urls(1), area='domestic')
    assert result['failed'] and 'area' in result['msg'] and sandbox.requests == []


def test_empty_paths(sandbox, credentials):
    result = prefetch(sandbox, [])
    assert result['changed'] is False and result['msg'] == 'Nothing to prefetch: no paths were given.'
    assert sandbox.requests == []


# jdcdn_refresh_info reads prefetch tasks with task_type=prefetch.

def test_info_reads_prefetch_tasks_with_prefetch_query(sandbox, credentials):
    sandbox.set_config(fail_patterns=['/broken/'])
    good = prefetch(sandbox, ['https://www.example.com/a.css'])['task_ids']
    bad = prefetch(sandbox, ['https://www.example.com/broken/b.css'])['task_ids']
    sandbox.advance_clock(1)   # past the sandbox's 0.2 s task_delay
    sandbox.requests.clear()

    result, dummy = run_module(jdcdn_refresh_info, dict(task_type='prefetch', task_ids=good + bad, endpoint=sandbox.url))

    assert result['changed'] is False and not result.get('failed')
    assert result['tasks'] == [
        dict(task_id=good[0], status='complete', progress=100.0, reason=None, created=None, paths=[], failed_paths=[]),
        dict(task_id=bad[0], status='failed', progress=0.0, reason='Failed', created=None, paths=[], failed_paths=[])]
    assert sorted((entry['action'], entry['params']['taskid']) for entry in sandbox.requests) == sorted([
        ('prefetchQuery', good[0]), ('prefetchQuery', bad[0])])     # sent concurrently: in any order


def test_info_with_the_wrong_task_type_says_so(sandbox, credentials):
    task_ids = prefetch(sandbox, ['https://www.example.com/a.css'])['task_ids']
    result, dummy = run_module(jdcdn_refresh_info, dict(task_ids=task_ids, endpoint=sandbox.url))
    assert result['failed'] and result['msg'].startswith('/api/refreshQuery failed (HTTP 200, code 1)')
    assert 'a prefetch task is read with task_type=prefetch' in result['msg']
