# Copyright (c) 2026, cdnops.cdn contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""jdcdn_refresh end to end: the real main() against the sandbox, read like transcripts of the HTTP exchange."""

from __future__ import annotations

import calendar
import time

import pytest

import cdn_sandbox  # tests/sandbox, on sys.path through conftest.py

from ansible_collections.cdnops.cdn.plugins.module_utils import _jdcdn
from ansible_collections.cdnops.cdn.plugins.modules import jdcdn_refresh

from ansible_collections.cdnops.cdn.tests.unit.plugins.modules.utils import run_module

USERNAME = 'sandbox_user'
SECRET = 'sandbox-demo-secret'


@pytest.fixture
def credentials(monkeypatch):
    monkeypatch.setenv('JDCDN_USERNAME', USERNAME)
    monkeypatch.setenv('JDCDN_SECRET_KEY', SECRET)


def epoch(text):
    return calendar.timegm(time.strptime(text, '%Y-%m-%dT%H:%M:%SZ'))


def refresh_calls(sandbox):
    return [entry for entry in sandbox.requests if entry['action'] == 'refresh']


def urls(count, host='www.example.com', suffix='.css'):
    return ['https://%s/static/%d%s' % (host, number, suffix) for number in range(count)]


def test_250_urls_make_3_calls(sandbox, credentials):
    paths = urls(250)
    result, output = run_module(jdcdn_refresh, dict(paths=paths, endpoint=sandbox.url))
    calls = refresh_calls(sandbox)
    # up to 4 calls are in flight at once, so they arrive in any order
    assert sorted((call['params']['type'], len(call['params']['instances']), call['code']) for call in calls) == [
        ('file', 50, 0), ('file', 100, 0), ('file', 100, 0)]
    assert sorted(url for call in calls for url in call['params']['instances']) == sorted(paths)
    assert result['changed'] is True and not result.get('failed')
    assert [len(batch['paths']) for batch in result['batches']] == [100, 100, 50]
    assert len(set(result['task_ids'])) == 3 and result['not_submitted'] == [] and result['already_queued'] == []
    assert result['msg'] == 'Submitted 250 paths of file refresh (3 batches in 3 calls).'
    assert SECRET not in output


def test_12_directories_make_3_calls(sandbox, credentials):
    paths = ['https://www.example.com/dir%d/' % number for number in range(12)]
    result, dummy = run_module(jdcdn_refresh, dict(paths=paths, object_type='directory', endpoint=sandbox.url))
    assert sorted((call['params']['type'], len(call['params']['instances'])) for call in refresh_calls(sandbox)) == [
        ('dir', 2), ('dir', 5), ('dir', 5)]
    assert result['changed'] and len(result['task_ids']) == 3


def test_directory_paths_must_end_with_a_slash(sandbox, credentials):
    result, dummy = run_module(jdcdn_refresh, dict(paths=['https://www.example.com/a/', 'https://www.example.com/b'],
                                                   object_type='directory', endpoint=sandbox.url))
    assert result['failed'] and "'https://www.example.com/b' is not a directory" in result['msg']
    assert sandbox.requests == []


def test_normalised_and_deduplicated(sandbox, credentials):
    paths = ['https://www.example.com/a b.css', ' HTTPS://WWW.EXAMPLE.COM/a%20b.css ', 'https://www.example.com/caf\u00e9.js']
    result, dummy = run_module(jdcdn_refresh, dict(paths=paths, endpoint=sandbox.url, return_paths=True))
    (call,) = refresh_calls(sandbox)
    assert call['params']['instances'] == ['https://www.example.com/a%20b.css', 'https://www.example.com/caf%C3%A9.js']
    assert result['paths'] == call['params']['instances'] and result['path_count'] == 2


def test_check_mode_sends_nothing(sandbox, credentials):
    result, dummy = run_module(jdcdn_refresh, dict(paths=urls(150), endpoint=sandbox.url), check_mode=True)
    assert sandbox.requests == []
    assert result['changed'] is True and result['task_ids'] == []
    assert [(len(batch['paths']), batch['task_id']) for batch in result['batches']] == [(100, None), (50, None)]
    assert 'quota' not in result or result['quota'] is None
    assert result['msg'] == 'Would submit 2 batches of file refresh for 150 paths.'


def test_diff(sandbox, credentials):
    paths = ['https://www.example.com/a/', 'https://www.example.com/b/']
    result, dummy = run_module(jdcdn_refresh, dict(paths=paths, object_type='directory', endpoint=sandbox.url), check_mode=True, diff=True)
    assert result['diff'] == dict(before='', after='https://www.example.com/a/\nhttps://www.example.com/b/\n',
                                  before_header='directory cache', after_header='directory refresh of 2 paths')
    assert sandbox.requests == []


def test_wrong_secret_fails_clearly_and_names_no_secret(sandbox, monkeypatch):
    monkeypatch.setenv('JDCDN_USERNAME', USERNAME)
    monkeypatch.setenv('JDCDN_SECRET_KEY', 'not-the-secret')
    result, output = run_module(jdcdn_refresh, dict(paths=urls(250), endpoint=sandbox.url))
    assert result['failed'] and result['changed'] is False
    assert '/api/refresh failed (HTTP 200, code 7): User signature is incorrect' in result['msg']
    assert 'check secret_key and username' in result['msg'] and 'UTC+8' in result['msg']
    assert result['batches'] == [] and len(result['not_submitted']) == 250
    for secret in ('not-the-secret', _jdcdn.signature(USERNAME, 'not-the-secret', time.time()),
                   _jdcdn.signature(USERNAME, SECRET, time.time())):
        assert secret not in output
    assert [call['code'] for call in refresh_calls(sandbox)] == [7] * len(refresh_calls(sandbox))


def test_missing_credentials_fail_before_any_request(sandbox):
    result, dummy = run_module(jdcdn_refresh, dict(paths=urls(1), endpoint=sandbox.url))
    assert result['failed']
    assert result['msg'] == ('missing JD Cloud CDN credentials: set username and secret_key '
                             '(or the environment variables JDCDN_USERNAME, JDCDN_SECRET_KEY)')
    assert sandbox.requests == []


def test_endpoint_from_the_environment(sandbox, credentials, monkeypatch):
    monkeypatch.setenv('JDCDN_ENDPOINT', sandbox.url)
    result, dummy = run_module(jdcdn_refresh, dict(paths=urls(1)))
    assert result['changed'] and len(refresh_calls(sandbox)) == 1


def test_day_boundary_end_to_end(credentials, monkeypatch):
    # 16:30 UTC is 00:30 the next day in Beijing: the sandbox accepts only the UTC+8 date (20240102).
    pinned = epoch('2024-01-01T16:30:00Z')
    monkeypatch.setattr(_jdcdn.JdcdnClient, 'clock', staticmethod(lambda: pinned))
    with cdn_sandbox.Sandbox(port=0, clock=lambda: pinned) as server:
        result, dummy = run_module(jdcdn_refresh, dict(paths=urls(3), endpoint=server.url))
        assert result['changed'] and not result.get('failed')
        assert [call['code'] for call in server.requests] == [0]


def test_retry_across_midnight_signs_the_new_day(credentials, monkeypatch, no_sleep):
    # The first attempt, at 23:59:59 in Beijing, is throttled; the retry at 00:00:01 must sign 20240102.
    now = [epoch('2024-01-01T15:59:59Z')]

    def client_clock():
        value = now[0]
        now[0] += 2
        return value

    monkeypatch.setattr(_jdcdn.JdcdnClient, 'clock', staticmethod(client_clock))
    with cdn_sandbox.Sandbox(port=0, clock=lambda: now[0] - 2) as server:
        server.inject_fault(vendor='jdcdn', action='refresh', kind='throttle')
        result, dummy = run_module(jdcdn_refresh, dict(paths=urls(1), endpoint=server.url))
        assert result['changed'] and not result.get('failed')
        assert [(call['code'], time.strftime('%H:%M:%S', time.gmtime(call['time']))) for call in server.requests] == [
            (8, '15:59:59'), (0, '16:00:01')]
    assert len(no_sleep) == 1


def test_wait_until_complete(sandbox, credentials):
    result, dummy = run_module(jdcdn_refresh, dict(paths=urls(120), endpoint=sandbox.url, wait=True, wait_timeout=30,
                                                   return_paths=True))
    assert not result.get('failed') and result['msg'].endswith(', and every task completed.')
    assert [task['status'] for task in result['tasks']] == ['complete', 'complete']
    assert [len(task['paths']) for task in result['tasks']] == [100, 20]
    assert result['paths'] == urls(120)
    assert result['failed_paths'] == []
    queried = [entry['params']['taskid'] for entry in sandbox.requests if entry['action'] == 'refreshQuery']
    assert set(queried) == set(result['task_ids'])


def test_wait_reports_the_paths_of_a_failed_task(sandbox, credentials):
    sandbox.set_config(fail_patterns=['/broken/'])
    paths = urls(100) + ['https://www.example.com/broken/x.css']
    result, dummy = run_module(jdcdn_refresh, dict(paths=paths, endpoint=sandbox.url, wait=True, wait_timeout=30))
    assert result['failed'] and result['changed']
    assert result['failed_paths'] == ['https://www.example.com/broken/x.css']
    assert [task['status'] for task in result['tasks']] == ['complete', 'failed']
    assert result['tasks'][1]['reason'] == 'Failed'
    assert 'and 1 path failed to refresh: https://www.example.com/broken/x.css' in result['msg']


def test_wait_timeout(sandbox, credentials):
    sandbox.set_config(task_delay=60)
    result, dummy = run_module(jdcdn_refresh, dict(paths=urls(1), endpoint=sandbox.url, wait=True, wait_timeout=0))
    assert result['failed'] and 'still running after wait_timeout=0s' in result['msg']
    assert result['tasks'][0]['status'] == 'running'


def test_second_call_fails_for_good(sandbox, credentials, monkeypatch):
    # Three batches, one per domain; JD refuses the second (a domain outside the account, status 15).
    monkeypatch.setattr(_jdcdn.JdcdnClient, 'submit_concurrency', 1)
    sandbox.set_config(domains=['a.example.com', 'c.example.com'])
    first, second, third = urls(100, 'a.example.com'), urls(100, 'b.example.com'), urls(50, 'c.example.com')
    result, dummy = run_module(jdcdn_refresh, dict(paths=first + second + third, endpoint=sandbox.url))
    assert result['failed'] and result['changed']
    assert [call['code'] for call in refresh_calls(sandbox)] == [0, 15]
    assert [(batch['paths'], bool(batch['task_id'])) for batch in result['batches']] == [(first, True)]
    assert result['task_ids'] == [result['batches'][0]['task_id']]
    assert result['not_submitted'] == second + third
    assert 'code 15' in result['msg'] and 'not a CDN domain of this JD account' in result['msg']
    assert 'Submitted 100 paths of file refresh (1 batch in 2 calls); 150 paths not submitted (see not_submitted).' in result['msg']


def test_failure_with_concurrent_calls_loses_no_path(sandbox, credentials):
    sandbox.set_config(domains=['a.example.com', 'c.example.com', 'd.example.com'])
    paths = urls(100, 'a.example.com') + urls(100, 'b.example.com') + urls(100, 'c.example.com') + urls(100, 'd.example.com')
    result, dummy = run_module(jdcdn_refresh, dict(paths=paths, endpoint=sandbox.url))
    assert result['failed']
    submitted = [path for batch in result['batches'] for path in batch['paths']]
    assert sorted(submitted + result['not_submitted']) == sorted(paths)
    assert set(urls(100, 'b.example.com')) <= set(result['not_submitted'])
    accepted = [url for call in refresh_calls(sandbox) if call['code'] == 0 for url in call['params']['instances']]
    assert sorted(accepted) == sorted(submitted)


def test_throttling_is_retried(sandbox, credentials, no_sleep):
    sandbox.inject_fault(vendor='jdcdn', action='refresh', kind='throttle', times=2)
    result, dummy = run_module(jdcdn_refresh, dict(paths=urls(1), endpoint=sandbox.url))
    assert result['changed'] and not result.get('failed')
    assert [(call['fault'], call['code']) for call in sandbox.requests] == [('throttle', 8), ('throttle', 8), (None, 0)]
    assert len(no_sleep) == 2


def test_already_queued_is_not_a_failure(sandbox, credentials):
    sandbox.set_config(task_delay=30)
    paths = urls(6)
    run_module(jdcdn_refresh, dict(paths=paths[1::2], endpoint=sandbox.url))
    result, dummy = run_module(jdcdn_refresh, dict(paths=paths, endpoint=sandbox.url))
    assert not result.get('failed') and result['changed']
    assert sorted(result['already_queued']) == sorted(paths[1::2])
    # one entry per JD task: the split batch's parts, each with its own task ID and paths
    assert sorted(path for batch in result['batches'] for path in batch['paths']) == sorted(paths[0::2])
    assert [batch['task_id'] for batch in result['batches']] == result['task_ids']
    assert sorted(path for task_id in result['task_ids'] for row in sandbox.tasks['jdcdn']
                  if row['taskid'] == task_id for path in row['urls']) == sorted(paths[0::2])
    assert result['msg'].endswith('; 3 paths already queued.')


def test_everything_already_queued_is_no_change(sandbox, credentials):
    sandbox.set_config(task_delay=30)
    run_module(jdcdn_refresh, dict(paths=urls(3), endpoint=sandbox.url))
    result, dummy = run_module(jdcdn_refresh, dict(paths=urls(3), endpoint=sandbox.url))
    assert not result.get('failed') and result['changed'] is False
    assert result['already_queued'] == urls(3) and result['batches'] == [] and result['task_ids'] == []


def test_empty_paths(sandbox, credentials):
    result, dummy = run_module(jdcdn_refresh, dict(paths=[], endpoint=sandbox.url))
    assert result['changed'] is False and result['msg'] == 'Nothing to refresh: no paths were given.'
    assert sandbox.requests == []


def test_bad_endpoint(credentials):
    result, dummy = run_module(jdcdn_refresh, dict(paths=urls(1), endpoint='ftp://example.com'))
    assert result['failed'] and 'must look like https://host' in result['msg']


def test_a_paths_file_is_sent_like_the_same_list(sandbox, credentials, tmp_path):
    listed = tmp_path / 'urls.txt'
    listed.write_bytes(b'\xef\xbb\xbf# JD release\r\n' + '\r\n'.join(urls(150)).encode() + b'\r\n')
    result, output = run_module(jdcdn_refresh, dict(paths_file=str(listed), endpoint=sandbox.url))

    assert [call['params']['instances'] for call in refresh_calls(sandbox)] in ([urls(150)[:100], urls(150)[100:]],
                                                                                [urls(150)[100:], urls(150)[:100]])
    assert not result.get('failed') and result['path_count'] == 150 and 'paths' not in result
    assert all(output.count('"%s"' % url) == 1 for url in urls(150))


def test_a_bad_line_in_a_paths_file_is_named_and_nothing_is_sent(sandbox, credentials, tmp_path):
    listed = tmp_path / 'urls.txt'
    listed.write_text('https://www.example.com/a.css\n# www.example.com/not-a-path.css\nwww.example.com/x.css\n')
    result, dummy = run_module(jdcdn_refresh, dict(paths_file=str(listed), endpoint=sandbox.url))
    assert result['failed'] and sandbox.requests == []
    assert ("paths_file %s line 3: 'www.example.com/x.css' is not a URL: it must start with http:// or https://" % listed
            in result['msg'])
    assert result['not_submitted'] == ['https://www.example.com/a.css']
