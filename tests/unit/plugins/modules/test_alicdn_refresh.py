# Copyright (c) 2026, cdnops.cdn contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""alicdn_refresh against the sandbox: real HTTP, real signatures, the vendor's limits and errors."""

from __future__ import annotations

import pytest

from ansible_collections.cdnops.cdn.plugins.modules import alicdn_refresh
from ansible_collections.cdnops.cdn.tests.unit.plugins.conftest import ALICDN_KEY_ID, ALICDN_SECRET
from ansible_collections.cdnops.cdn.tests.unit.plugins.modules.utils import run_module


def refresh(sandbox, paths, check_mode=False, diff=False, **options):
    args = dict(paths=paths, endpoint=sandbox.url, access_key_id=ALICDN_KEY_ID, access_key_secret=ALICDN_SECRET)
    args.update(options)
    result, output = run_module(alicdn_refresh, args, check_mode=check_mode, diff=diff)
    assert ALICDN_SECRET not in output
    return result


def calls(sandbox, action=None):
    return [request for request in sandbox.requests if action in (None, request['action'])]


def urls(count, domains=1):
    return ['https://d%d.example.com/static/%d.js' % (n % domains, n) for n in range(count)]


def test_one_refresh_is_a_quota_check_then_one_signed_call(sandbox):
    result = refresh(sandbox, ['https://www.example.com/index.html', 'https://www.example.com/a b.css'])

    quota, submit = calls(sandbox)
    assert quota['action'] == 'DescribeRefreshQuota' and quota['http_status'] == 200
    assert submit['action'] == 'RefreshObjectCaches' and submit['method'] == 'POST' and submit['http_status'] == 200
    assert submit['params']['ObjectPath'] == 'https://www.example.com/index.html\nhttps://www.example.com/a%20b.css'
    assert submit['params']['ObjectType'] == 'File'
    assert submit['params']['Signature'] == '***'
    assert result['changed'] is True and not result.get('failed')
    assert result['batches'] == [dict(object_type='file', paths=['https://www.example.com/index.html',
                                                                 'https://www.example.com/a%20b.css'],
                                      task_id=result['task_ids'][0],
                                      request_id=result['batches'][0]['request_id'], recovery=None)]
    assert result['quota'] == dict(object_type='file', limit=10000, remaining=10000, needed=2)
    assert result['not_submitted'] == []
    assert result['path_count'] == 2 and 'paths' not in result     # each URL once, in batches


def test_2500_urls_over_3_domains_take_3_refresh_calls(sandbox):
    paths = urls(2500, domains=3)
    result = refresh(sandbox, paths)

    submitted = calls(sandbox, 'RefreshObjectCaches')
    assert len(submitted) == 3
    assert sorted(len(call['params']['ObjectPath'].split('\n')) for call in submitted) == [500, 1000, 1000]
    assert sorted(path for batch in result['batches'] for path in batch['paths']) == sorted(paths)
    assert len(result['task_ids']) >= 3 and result['changed']


def test_check_mode_reads_the_quota_and_sends_no_refresh(sandbox):
    result = refresh(sandbox, urls(1500), check_mode=True)

    assert [call['action'] for call in calls(sandbox)] == ['DescribeRefreshQuota']
    assert result['changed'] is True
    assert [len(batch['paths']) for batch in result['batches']] == [1000, 500]
    assert all(batch['task_id'] is None for batch in result['batches'])
    assert result['task_ids'] == [] and result['quota']['needed'] == 1500


def test_diff_lists_the_normalised_paths(sandbox):
    result = refresh(sandbox, ['https://www.example.com/caf\u00e9.html', 'https://www.example.com/caf%C3%A9.html'], check_mode=True, diff=True)

    assert result['diff']['after'] == 'https://www.example.com/caf%C3%A9.html\n'
    assert 'file refresh of 1 path' in result['diff']['after_header']


def test_directories_batch_by_100(sandbox):
    sandbox.set_config(alicdn_quota=dict(dir=1000))
    result = refresh(sandbox, ['https://www.example.com/d%d/' % n for n in range(150)], object_type='directory', force=True)

    submitted = calls(sandbox, 'RefreshObjectCaches')
    assert [call['params']['ObjectType'] for call in submitted] == ['Directory', 'Directory']
    assert all(call['params']['Force'] == 'true' for call in submitted)
    assert result['quota']['needed'] == 150 and result['changed']


def test_a_regex_per_call(sandbox):
    refresh(sandbox, ['https://www.example.com/img/.*\\.png', 'https://www.example.com/css/.*'], object_type='regex')

    submitted = calls(sandbox, 'RefreshObjectCaches')
    assert [call['params']['ObjectPath'] for call in submitted] in (
        ['https://www.example.com/img/.*\\.png', 'https://www.example.com/css/.*'],
        ['https://www.example.com/css/.*', 'https://www.example.com/img/.*\\.png'])


def test_not_enough_quota_fails_before_the_first_submit(sandbox):
    sandbox.set_config(alicdn_quota=dict(url=100))
    result = refresh(sandbox, urls(150))

    assert result['failed'] and not result['changed']
    assert 'not enough file quota for 150 paths: 100 of 100 are left today; nothing was sent' in result['msg']
    assert calls(sandbox, 'RefreshObjectCaches') == []


def test_quota_used_up_by_someone_else_mid_run_reports_what_was_not_submitted(sandbox):
    sandbox.inject_fault(vendor='alicdn', action='RefreshObjectCaches', kind='quota', times=1)
    paths = urls(2500, domains=3)
    result = refresh(sandbox, paths)

    assert result['failed'] and 'QuotaExceeded.Refresh' in result['msg']
    assert result['not_submitted'], 'the failed batch must be reported'
    submitted = [path for batch in result['batches'] for path in batch['paths']]
    assert sorted(submitted + result['not_submitted']) == sorted(paths)
    assert result['changed'] is bool(result['batches'])


def test_wrong_secret_fails_clearly_without_showing_it(sandbox):
    result = refresh(sandbox, urls(1), access_key_secret='not-the-secret')

    assert result['failed']
    assert 'SignatureDoesNotMatch' in result['msg'] and 'check access_key_secret' in result['msg']
    assert 'not-the-secret' not in str(result)
    assert calls(sandbox, 'RefreshObjectCaches') == []


def test_unknown_access_key(sandbox):
    result = refresh(sandbox, urls(1), access_key_id='LTAIunknown')
    assert result['failed'] and 'InvalidAccessKeyId.NotFound' in result['msg'] and 'HTTP 404' in result['msg']


def test_clock_skew_is_explained(sandbox):
    sandbox.set_config(clock_offset=20 * 60)
    result = refresh(sandbox, urls(1))

    assert result['failed'] and 'InvalidTimeStamp.Expired' in result['msg'] and 'clock' in result['msg']


def test_wait_until_complete(sandbox):
    result = refresh(sandbox, urls(3), wait=True, wait_timeout=30)

    assert not result.get('failed') and result['failed_paths'] == []
    assert [task['status'] for task in result['tasks']] == ['complete'] * len(result['task_ids'])
    assert calls(sandbox, 'DescribeRefreshTaskById')


def test_wait_names_the_paths_that_failed(sandbox):
    sandbox.set_config(fail_patterns=['broken'])
    result = refresh(sandbox, ['https://www.example.com/ok.js', 'https://www.example.com/broken.js'], wait=True, wait_timeout=30)

    assert result['failed'] and result['changed']
    assert result['failed_paths'] == ['https://www.example.com/broken.js']
    assert '1 path failed to refresh: https://www.example.com/broken.js' in result['msg']
    assert result['tasks'][0]['reason']


def test_wait_timeout_reports_what_is_still_running(sandbox):
    sandbox.set_config(task_delay=60)
    result = refresh(sandbox, urls(2), wait=True, wait_timeout=1)

    assert result['failed'] and 'still running after wait_timeout=1s' in result['msg']
    assert result['tasks'][0]['status'] == 'running' and result['task_ids']


def test_throttling_is_retried_with_backoff(sandbox, no_sleep):
    sandbox.inject_fault(vendor='alicdn', action='RefreshObjectCaches', kind='throttle', times=2)
    result = refresh(sandbox, urls(1))

    assert not result.get('failed')
    assert [call['http_status'] for call in calls(sandbox, 'RefreshObjectCaches')] == [503, 503, 200]
    assert result['retries'] == 2 and result['api_calls'] == 4
    retry_waits = [wait for wait in no_sleep if wait >= 0.5]   # the rest is pacing to 50 calls/s
    assert len(retry_waits) == 2 and retry_waits[0] <= retry_waits[1] * 2


def test_retries_are_bounded(sandbox, no_sleep):
    sandbox.inject_fault(vendor='alicdn', action='RefreshObjectCaches', kind='throttle', times=50)
    result = refresh(sandbox, urls(5))

    assert result['failed'] and 'gave up after 5 attempts' in result['msg'] and 'Throttling' in result['msg']
    assert len(calls(sandbox, 'RefreshObjectCaches')) == 5
    assert result['not_submitted'] == urls(5) and not result['changed']
    assert result['error']['code'] == 'Throttling' and result['error']['http_status'] == 503


@pytest.mark.parametrize('kind', ['drop', 'error5xx'])
def test_a_read_only_call_is_retried_after_a_fault_that_may_follow_processing(sandbox, no_sleep, kind):
    sandbox.inject_fault(vendor='alicdn', action='DescribeRefreshQuota', kind=kind, times=1)
    result = refresh(sandbox, urls(1))
    assert not result.get('failed') and result['changed'] and result['retries'] == 1


@pytest.mark.parametrize('kind', ['drop', 'error5xx'])
def test_a_refresh_is_not_sent_again_blindly_after_a_fault_that_may_follow_processing(sandbox, no_sleep, kind):
    # These faults come before processing, so the lookup finds no task and the batch is sent once more.
    sandbox.inject_fault(vendor='alicdn', action='RefreshObjectCaches', kind=kind, times=1)
    result = refresh(sandbox, urls(1))
    assert [call['action'] for call in calls(sandbox)] == [
        'DescribeRefreshQuota', 'RefreshObjectCaches', 'DescribeRefreshTasks', 'RefreshObjectCaches']
    assert not result.get('failed') and result['changed'] and result['batches'][0]['recovery'] is None
    assert [row['ObjectPath'] for row in sandbox.tasks['alicdn']] == urls(1)


def test_read_timeout_is_retried(sandbox):
    sandbox.inject_fault(vendor='alicdn', action='DescribeRefreshQuota', kind='slow', times=1, delay=2.5)
    result = refresh(sandbox, urls(1), timeout=1)
    assert not result.get('failed') and result['changed']


def test_unreachable_endpoint_names_no_url_and_no_secret(no_sleep):
    result, output = run_module(alicdn_refresh, dict(paths=urls(1), endpoint='http://127.0.0.1:9', access_key_id=ALICDN_KEY_ID,
                                                     access_key_secret=ALICDN_SECRET))
    assert result['failed'] and 'connection refused' in result['msg'] and 'gave up after 5 attempts' in result['msg']
    assert 'Signature' not in output and ALICDN_SECRET not in output


def test_sts_credentials(sandbox):
    sandbox.set_config(alicdn_sts={'STS.sandboxTemp': ('sts-secret', 'sts-token+/=')})
    args = dict(access_key_id='STS.sandboxTemp', access_key_secret='sts-secret')
    assert not refresh(sandbox, urls(1), security_token='sts-token+/=', **args).get('failed')
    missing = refresh(sandbox, urls(1), **args)
    assert missing['failed'] and 'sts-token' not in str(missing)


@pytest.mark.parametrize('id_variable, secret_variable', [
    ('ALIBABA_CLOUD_ACCESS_KEY_ID', 'ALIBABA_CLOUD_ACCESS_KEY_SECRET'), ('ALICLOUD_ACCESS_KEY', 'ALICLOUD_SECRET_KEY')])
def test_credentials_and_endpoint_from_the_environment(sandbox, monkeypatch, id_variable, secret_variable):
    monkeypatch.setenv(id_variable, ALICDN_KEY_ID)
    monkeypatch.setenv(secret_variable, ALICDN_SECRET)
    monkeypatch.setenv('ALICDN_ENDPOINT', sandbox.url)
    result, output = run_module(alicdn_refresh, dict(paths=urls(1)))
    assert result['changed'] and not result.get('failed') and ALICDN_SECRET not in output


def test_missing_credentials_fail_before_any_request(sandbox):
    result, output = run_module(alicdn_refresh, dict(paths=urls(1), endpoint=sandbox.url))
    assert result['failed'] and 'ALIBABA_CLOUD_ACCESS_KEY_ID' in result['msg'] and 'access_key_secret' in result['msg']
    assert sandbox.requests == []


def test_bad_input_is_named_and_nothing_is_sent(sandbox):
    result = refresh(sandbox, ['https://www.example.com/ok.js', 'ftp://www.example.com/x', 'https://www.example.com/dir'], object_type='directory')
    assert result['failed'] and '3 of 3 paths are invalid, nothing was sent' in result['msg']
    assert "'ftp://www.example.com/x'" in result['msg']
    assert sandbox.requests == []


def test_bad_endpoint_is_named(sandbox):
    result = refresh(sandbox, urls(1), endpoint='cdn.aliyuncs.com')
    assert result['failed'] and "endpoint 'cdn.aliyuncs.com' must look like" in result['msg']


def test_no_paths_no_change_no_request(sandbox):
    result = refresh(sandbox, [])
    assert result['changed'] is False and not result.get('failed') and sandbox.requests == []


def test_a_domain_outside_the_account(sandbox):
    sandbox.set_config(domains=['www.example.com'])
    result = refresh(sandbox, ['https://other.example.org/a.js'])
    assert result['failed'] and 'InvalidDomain.NotFound' in result['msg'] and result['not_submitted'] == ['https://other.example.org/a.js']


# -- paths_file ------------------------------------------------------------------------------------------------------

def run_with_file(sandbox, paths_file, **options):
    args = dict(paths_file=paths_file, endpoint=sandbox.url, access_key_id=ALICDN_KEY_ID, access_key_secret=ALICDN_SECRET)
    args.update(options)
    result, output = run_module(alicdn_refresh, args)
    assert ALICDN_SECRET not in output
    return result, output


def test_a_paths_file_is_refreshed_like_the_same_list_and_printed_once(sandbox, tmp_path):
    listed = tmp_path / 'urls.txt'
    listed.write_text('# release 42\n' + '\n'.join(urls(2500, domains=3)) + '\n\n' + urls(1)[0] + '\n')
    result, output = run_with_file(sandbox, str(listed))

    assert [call['action'] for call in calls(sandbox)] == ['DescribeRefreshQuota'] + ['RefreshObjectCaches'] * 3
    sent = [path for call in calls(sandbox, 'RefreshObjectCaches') for path in call['params']['ObjectPath'].split('\n')]
    assert sorted(sent) == sorted(urls(2500, domains=3))
    assert not result.get('failed') and result['path_count'] == 2500 and result['quota']['needed'] == 2500
    assert all(output.count('"%s"' % url) == 1 for url in urls(2500, domains=3))


def test_paths_and_a_paths_file_together(sandbox, tmp_path):
    listed = tmp_path / 'urls.txt'
    listed.write_text('https://www.example.com/b.css\nhttps://www.example.com/a.html\n')
    result = refresh(sandbox, ['https://www.example.com/a.html'], paths_file=str(listed), return_paths=True)

    (submit,) = calls(sandbox, 'RefreshObjectCaches')
    assert submit['params']['ObjectPath'] == 'https://www.example.com/a.html\nhttps://www.example.com/b.css'
    assert result['paths'] == ['https://www.example.com/a.html', 'https://www.example.com/b.css']


def test_a_bad_line_in_a_paths_file_is_named_and_nothing_is_sent(sandbox, tmp_path):
    listed = tmp_path / 'urls.txt'
    listed.write_text('https://www.example.com/a.html\nwww.example.com/b.html\n\nhttps://www.exa mple.com/c\n')
    result, dummy = run_with_file(sandbox, str(listed))

    assert result['failed'] and calls(sandbox) == []
    assert result['msg'] == ("1 of 3 paths is invalid, nothing was sent: paths_file %s line 4: 'https://www.exa mple.com/c' "
                             "has an invalid host name 'www.exa mple.com' (expected a domain such as www.example.com)"
                             % listed)


def test_a_missing_paths_file_fails_before_any_request_even_the_credentials(sandbox, tmp_path):
    sandbox.add_role('acs:ram::123456789012:role/cdn-refresh')
    result, dummy = run_with_file(sandbox, str(tmp_path / 'missing.txt'), sts_endpoint=sandbox.url,
                                  assume_role_arn='acs:ram::123456789012:role/cdn-refresh')

    assert result['failed'] and sandbox.requests == []
    assert result['msg'].startswith('paths_file %s cannot be read: No such file or directory.' % (tmp_path / 'missing.txt'))
    assert result['error'] == dict(action=None, code=None, http_status=None, request_id=None, message=result['msg'])
    # the same with a file: the role is assumed first, then the refresh is sent
    (tmp_path / 'missing.txt').write_text(urls(1)[0])
    result, dummy = run_with_file(sandbox, str(tmp_path / 'missing.txt'), sts_endpoint=sandbox.url,
                                  assume_role_arn='acs:ram::123456789012:role/cdn-refresh')
    assert not result.get('failed') and [call['action'] for call in sandbox.requests][:1] == ['AssumeRole']


def test_paths_or_a_paths_file_is_required(sandbox):
    result, dummy = run_module(alicdn_refresh, dict(endpoint=sandbox.url, access_key_id=ALICDN_KEY_ID,
                                                    access_key_secret=ALICDN_SECRET))
    assert result['failed'] and result['msg'] == 'one of the following is required: paths, paths_file'
    assert sandbox.requests == []
