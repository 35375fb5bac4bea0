# Copyright (c) 2026, cdnops.cdn contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""alicdn_prefetch against the sandbox: real HTTP, real signatures, PushObjectCache's limits, quota and queue."""

from __future__ import annotations

import json

import pytest

from ansible_collections.cdnops.cdn.plugins.module_utils import _alicdn
from ansible_collections.cdnops.cdn.plugins.modules import alicdn_prefetch, alicdn_refresh, alicdn_refresh_info
from ansible_collections.cdnops.cdn.tests.unit.plugins.conftest import ALICDN_KEY_ID, ALICDN_SECRET
from ansible_collections.cdnops.cdn.tests.unit.plugins.modules.utils import run_module

MUTATING = {'RefreshObjectCaches', 'PushObjectCache'}


def prefetch(sandbox, paths, check_mode=False, diff=False, **options):
    args = dict(paths=paths, endpoint=sandbox.url, access_key_id=ALICDN_KEY_ID, access_key_secret=ALICDN_SECRET)
    args.update(options)
    result, output = run_module(alicdn_prefetch, args, check_mode=check_mode, diff=diff)
    assert ALICDN_SECRET not in output
    return result


def calls(sandbox, action=None):
    return [request for request in sandbox.requests if action in (None, request['action'])]


def pushed(call):
    return call['params']['ObjectPath'].split('\n')


def urls(count, domains=1):
    return ['https://d%d.example.com/static/%d.js' % (n % domains, n) for n in range(count)]


def test_250_urls_are_a_quota_check_then_3_push_calls_of_at_most_100(sandbox):
    paths = urls(250)
    result = prefetch(sandbox, paths)

    assert calls(sandbox)[0]['action'] == 'DescribeRefreshQuota'
    submitted = calls(sandbox, 'PushObjectCache')
    assert len(submitted) == 3 and len(calls(sandbox)) == 4
    assert sorted(len(pushed(call)) for call in submitted) == [50, 100, 100]
    assert all(call['method'] == 'POST' and call['http_status'] == 200 and call['params']['Signature'] == '***'
               for call in submitted)
    assert sorted(url for call in submitted for url in pushed(call)) == sorted(paths)
    assert not any(name in call['params'] for call in submitted for name in ('ObjectType', 'Area', 'L2Preload', 'WithHeader'))
    assert result['changed'] is True and not result.get('failed')
    assert [len(batch['paths']) for batch in result['batches']] == [100, 100, 50]
    assert {batch['object_type'] for batch in result['batches']} == {'file'}
    assert all(batch['task_id'] and batch['request_id'] for batch in result['batches'])
    assert result['quota'] == dict(object_type='prefetch', limit=1000, remaining=1000, needed=250)
    assert result['not_submitted'] == [] and result['already_queued'] == []
    assert result['msg'] == 'Submitted 250 paths of file prefetch (3 batches in 4 calls).'
    assert result['credential_source'] == 'options'
    rows = [row for row in sandbox.tasks['alicdn'] if row['ObjectType'] == 'preload']
    assert sorted(row['ObjectPath'] for row in rows) == sorted(paths)


def test_area_l2_preload_and_headers_are_sent(sandbox):
    prefetch(sandbox, urls(2), area='overseas', l2_preload=True,
             headers={'Accept-Encoding': ['gzip', 'br'], 'X-Warm-Up': 'yes'})

    (call,) = calls(sandbox, 'PushObjectCache')
    assert call['code'] is None
    assert call['params']['Area'] == 'overseas' and call['params']['L2Preload'] == 'true'
    assert json.loads(call['params']['WithHeader']) == {'Accept-Encoding': ['gzip', 'br'], 'X-Warm-Up': ['yes']}


def test_bare_host_paths_and_encoding(sandbox):
    result = prefetch(sandbox, ['www.example.com/a b.js', 'https://www.example.com/caf\u00e9.html', 'www.example.com/a%20b.js'],
                      return_paths=True)

    (call,) = calls(sandbox, 'PushObjectCache')
    assert pushed(call) == ['www.example.com/a%20b.js', 'https://www.example.com/caf%C3%A9.html']
    assert result['paths'] == pushed(call)


def test_check_mode_reads_only_the_quota(sandbox):
    result = prefetch(sandbox, urls(250), check_mode=True)

    assert [call['action'] for call in calls(sandbox)] == ['DescribeRefreshQuota']
    assert not MUTATING & {call['action'] for call in calls(sandbox)}
    assert result['changed'] is True and result['task_ids'] == [] and result['not_submitted'] == []
    assert [(len(batch['paths']), batch['task_id']) for batch in result['batches']] == [(100, None), (100, None), (50, None)]
    assert result['quota']['needed'] == 250
    assert result['msg'] == 'Would submit 3 batches of file prefetch for 250 paths.'
    assert sandbox.tasks['alicdn'] == []


def test_diff_lists_the_normalised_urls(sandbox):
    result = prefetch(sandbox, ['https://www.example.com/caf\u00e9.html', 'https://www.example.com/caf%C3%A9.html',
                                'https://www.example.com/b.js'], check_mode=True, diff=True)

    assert result['diff'] == dict(before='', after='https://www.example.com/caf%C3%A9.html\nhttps://www.example.com/b.js\n',
                                  before_header='file cache', after_header='file prefetch of 2 paths')


def test_not_enough_prefetch_quota_fails_before_the_first_push(sandbox):
    sandbox.set_config(alicdn_quota=dict(preload=100))
    result = prefetch(sandbox, urls(150))

    assert result['failed'] and not result['changed']
    assert 'not enough prefetch quota for 150 paths: 100 of 100 are left today; nothing was sent' in result['msg']
    assert result['error']['action'] == 'quota check'
    assert calls(sandbox, 'PushObjectCache') == []
    assert result['not_submitted'] == urls(150) and result['path_count'] == 150 and 'paths' not in result


def test_the_refresh_quota_does_not_limit_a_prefetch(sandbox):
    sandbox.set_config(alicdn_quota=dict(url=0))
    result = prefetch(sandbox, urls(3))
    assert result['changed'] and not result.get('failed') and result['quota']['remaining'] == 1000


def test_queue_full_is_retried_with_backoff(sandbox, no_sleep):
    sandbox.inject_fault(vendor='alicdn', action='PushObjectCache', kind='queue_full', times=2)
    result = prefetch(sandbox, urls(3))

    assert not result.get('failed') and result['changed']
    assert [(call['http_status'], call['code']) for call in calls(sandbox, 'PushObjectCache')] == [
        (403, 'PreloadQueueFull'), (403, 'PreloadQueueFull'), (200, None)]
    assert result['retries'] == 2
    retry_waits = [wait for wait in no_sleep if wait >= 0.5]   # the rest is pacing to 50 calls/s
    assert len(retry_waits) == 2


def test_a_queue_that_stays_full_fails_mid_way_and_lists_what_was_not_submitted(sandbox, no_sleep, monkeypatch):
    # The queue holds 150 URLs and nothing finishes: the first 100 fit, the second call is refused every time.
    monkeypatch.setattr(_alicdn.AlicdnClient, 'submit_concurrency', 1)
    sandbox.set_config(alicdn_preload_queue=150, task_delay=600)
    paths = urls(250)
    result = prefetch(sandbox, paths)

    assert result['failed'] and result['changed']
    assert [call['code'] for call in calls(sandbox, 'PushObjectCache')] == [None] + ['PreloadQueueFull'] * 5
    assert result['error']['code'] == 'PreloadQueueFull' and result['error']['http_status'] == 403
    assert "prefetch queue is full; try again later" in result['msg'] and 'gave up after 5 attempts' in result['msg']
    assert [len(batch['paths']) for batch in result['batches']] == [100] and len(result['task_ids']) == 1
    assert result['not_submitted'] == paths[100:]
    assert 'Submitted 100 paths of file prefetch (1 batch in 7 calls); 150 paths not submitted (see not_submitted).' in result['msg']


def test_quota_used_up_by_someone_else_mid_run_loses_no_path(sandbox):
    sandbox.inject_fault(vendor='alicdn', action='PushObjectCache', kind='quota', times=1, nth=2)
    paths = urls(250)
    result = prefetch(sandbox, paths)

    assert result['failed'] and 'QuotaExceeded.Refresh' in result['msg']
    submitted = [path for batch in result['batches'] for path in batch['paths']]
    assert result['not_submitted'] and sorted(submitted + result['not_submitted']) == sorted(paths)
    accepted = [url for call in calls(sandbox, 'PushObjectCache') if call['code'] is None for url in pushed(call)]
    assert sorted(accepted) == sorted(submitted)


def test_a_prefetch_is_not_sent_again_after_its_answer_was_lost(sandbox, no_sleep):
    sandbox.inject_fault(vendor='alicdn', action='PushObjectCache', kind='lost', times=1)
    prefetch(sandbox, urls(1))
    assert len(calls(sandbox, 'PushObjectCache')) == 1


def test_wait_until_complete(sandbox):
    result = prefetch(sandbox, urls(120, domains=2), wait=True, wait_timeout=30)

    assert not result.get('failed') and result['msg'].endswith(', and every task completed.')
    assert {task['status'] for task in result['tasks']} == {'complete'}
    assert sorted(path for batch in result['batches'] for path in batch['paths']) == sorted(urls(120, domains=2))
    assert all('paths' not in task for task in result['tasks'])     # each URL once: in batches
    assert result['failed_paths'] == []
    queried = [task_id for call in calls(sandbox, 'DescribeRefreshTaskById') for task_id in call['params']['TaskId'].split(',')]
    assert set(queried) == set(result['task_ids'])


def test_wait_names_the_urls_that_failed(sandbox):
    sandbox.set_config(fail_patterns=['broken'])
    result = prefetch(sandbox, ['https://www.example.com/ok.js', 'https://www.example.com/broken.js'], wait=True, wait_timeout=30)

    assert result['failed'] and result['changed']
    assert result['failed_paths'] == ['https://www.example.com/broken.js']
    assert '1 path failed to prefetch: https://www.example.com/broken.js' in result['msg']
    assert result['tasks'][0]['reason'] == 'Origin Timeout' and result['error']['action'] == 'wait'


def test_wait_timeout_reports_what_is_still_running(sandbox):
    sandbox.set_config(task_delay=60)
    result = prefetch(sandbox, urls(2), wait=True, wait_timeout=0)

    assert result['failed'] and 'still running after wait_timeout=0s' in result['msg']
    assert result['tasks'][0]['status'] == 'running' and result['task_ids'] and result['changed']


def test_regexes_and_long_urls_are_refused_and_nothing_is_sent(sandbox):
    long_url = 'https://www.example.com/' + 'a' * 1001
    result = prefetch(sandbox, ['https://www.example.com/ok.js', 'https://www.example.com/img/.*\\.png', long_url])

    assert result['failed'] and not result['changed']
    assert '2 of 3 paths are invalid, nothing was sent' in result['msg']
    assert "'https://www.example.com/img/.*\\\\.png' looks like a regular expression" in result['msg']
    assert 'the limit is 1024' in result['msg']
    assert result['error']['action'] is None
    assert result['not_submitted'] == ['https://www.example.com/ok.js']
    assert sandbox.requests == []


def test_a_home_page_is_prefetched_under_its_own_key(sandbox):
    result = prefetch(sandbox, ['https://www.example.com', 'https://www.example.com/blog/'])
    assert result['changed'] and not result.get('failed')
    assert pushed(calls(sandbox, 'PushObjectCache')[0]) == ['https://www.example.com/', 'https://www.example.com/blog/']


def test_an_encoded_star_is_a_file_name(sandbox):
    result = prefetch(sandbox, ['https://www.example.com/a%2Ab.js'])
    assert result['changed'] and pushed(calls(sandbox, 'PushObjectCache')[0]) == ['https://www.example.com/a%2Ab.js']


def test_object_type_is_not_an_option(sandbox):
    result = prefetch(sandbox, urls(1), object_type='directory')
    assert result['failed'] and 'object_type' in result['msg'] and sandbox.requests == []


@pytest.mark.parametrize('headers, message', [
    ({'X-Count': 5}, 'the value of X-Count must be a string or a non-empty list of strings'),
    ({'Accept': []}, 'the value of Accept must be a string or a non-empty list of strings'),
    ({'Bad Name': 'x'}, "'Bad Name' is not a valid HTTP header name"),
    ({'X-Split': 'a\r\nX-Injected: b'}, 'the value of X-Split contains a line break'),
])
def test_bad_headers_fail_before_any_request(sandbox, headers, message):
    result = prefetch(sandbox, urls(1), headers=headers)
    assert result['failed'] and message in result['msg'] and not result['changed']
    assert sandbox.requests == []


def test_bad_area_is_refused_by_the_argument_spec(sandbox):
    result = prefetch(sandbox, urls(1), area='mainland')
    assert result['failed'] and 'area' in result['msg'] and sandbox.requests == []


def test_wrong_secret_fails_clearly_without_showing_it(sandbox):
    result = prefetch(sandbox, urls(1), access_key_secret='not-the-secret')

    assert result['failed'] and 'SignatureDoesNotMatch' in result['msg']
    assert 'not-the-secret' not in str(result)
    assert calls(sandbox, 'PushObjectCache') == [] and result['not_submitted'] == urls(1)


def test_credentials_and_endpoint_from_the_environment(sandbox, monkeypatch):
    monkeypatch.setenv('ALIBABA_CLOUD_ACCESS_KEY_ID', ALICDN_KEY_ID)
    monkeypatch.setenv('ALIBABA_CLOUD_ACCESS_KEY_SECRET', ALICDN_SECRET)
    monkeypatch.setenv('ALICDN_ENDPOINT', sandbox.url)
    result, output = run_module(alicdn_prefetch, dict(paths=urls(1)))
    assert result['changed'] and not result.get('failed') and ALICDN_SECRET not in output
    assert len(calls(sandbox, 'PushObjectCache')) == 1


def test_no_paths_no_change_no_request(sandbox):
    result = prefetch(sandbox, [])
    assert result['changed'] is False and not result.get('failed') and sandbox.requests == []
    assert result['msg'] == 'Nothing to prefetch: no paths were given.'


# alicdn_refresh_info reports prefetch tasks too.

def info(sandbox, **options):
    args = dict(endpoint=sandbox.url, access_key_id=ALICDN_KEY_ID, access_key_secret=ALICDN_SECRET, **options)
    return run_module(alicdn_refresh_info, args)[0]


def test_info_reads_prefetch_tasks_by_id_and_by_path_and_the_prefetch_quota(sandbox):
    page = 'https://www.example.com/index.html'
    refreshed = run_module(alicdn_refresh, dict(paths=[page], endpoint=sandbox.url, access_key_id=ALICDN_KEY_ID,
                                                access_key_secret=ALICDN_SECRET))[0]
    warmed = prefetch(sandbox, [page, 'https://www.example.com/app.js'])
    sandbox.requests.clear()

    by_id = info(sandbox, task_ids=warmed['task_ids'], quota=False)
    by_path = info(sandbox, task_type='prefetch', paths=[page])

    assert [task['task_id'] for task in by_id['tasks']] == warmed['task_ids']
    assert sorted(by_id['tasks'][0]['paths']) == sorted(warmed['batches'][0]['paths'])
    assert [task['task_id'] for task in by_path['tasks']] == warmed['task_ids']
    assert refreshed['task_ids'][0] not in [task['task_id'] for task in by_path['tasks']]
    assert by_path['quota']['prefetch'] == dict(limit=1000, remaining=998)
    assert by_path['quota']['file'] == dict(limit=10000, remaining=9999)
    searches = [call for call in sandbox.requests if call['action'] == 'DescribeRefreshTasks']
    assert [(call['params']['ObjectType'], call['params']['ObjectPath']) for call in searches] == [('preload', page)]
    assert not MUTATING & {call['action'] for call in sandbox.requests}


def test_info_by_path_defaults_to_refresh_tasks(sandbox):
    page = 'https://www.example.com/about.html'
    run_module(alicdn_refresh, dict(paths=[page], endpoint=sandbox.url, access_key_id=ALICDN_KEY_ID,
                                    access_key_secret=ALICDN_SECRET))
    sandbox.requests.clear()

    result = info(sandbox, paths=[page], quota=False)

    assert len(result['tasks']) == 1
    (search,) = [call for call in sandbox.requests if call['action'] == 'DescribeRefreshTasks']
    assert search['params'].get('ObjectType') != 'preload'


def test_info_rejects_an_unknown_task_type(sandbox):
    result = info(sandbox, task_type='purge')
    assert result['failed'] and 'task_type' in result['msg'] and sandbox.requests == []
