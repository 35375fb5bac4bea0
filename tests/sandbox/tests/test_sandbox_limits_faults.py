# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Issue 9 support: lost and late answers, the nth-call fault, per-second call limits, the per-minute URL limit and
the DescribeRefreshTasks lookup (filters, paging, 3-day window)."""

from __future__ import annotations

import pytest
import requests

from sandbox_testlib import ALI_KEY, ALI_SECRET, Clock, ali_call, ali_send, epoch, jd_call, sign_v2, v2_params

START = epoch('2024-01-02T03:04:00Z')   # the start of a minute


def refresh(sandbox, paths, object_type=None, **params):
    return ali_call(sandbox, 'RefreshObjectCaches', ObjectPath='\n'.join(paths), ObjectType=object_type, **params)


def code_of(response):
    return response.status_code, response.json().get('Code')


def rows_for(sandbox, path):
    return [row for row in sandbox.tasks['alicdn'] if row['ObjectPath'] == path]


# -- lost and late answers -------------------------------------------------------------------------------------

def test_alicdn_lost_answer_records_the_task(make_sandbox):
    sandbox = make_sandbox(clock=Clock(START), task_delay=300)
    sandbox.inject_fault(vendor='alicdn', action='RefreshObjectCaches', kind='lost')
    with pytest.raises(requests.ConnectionError):
        refresh(sandbox, ['http://a.com/1', 'http://a.com/2'])
    assert [row['ObjectPath'] for row in sandbox.tasks['alicdn']] == ['http://a.com/1', 'http://a.com/2']
    entry = sandbox.calls('alicdn', 'RefreshObjectCaches')[0]
    assert (entry['http_status'], entry['code'], entry['fault'], entry['access_key_id']) == (None, None, 'lost', ALI_KEY)
    lost_id = sandbox.tasks['alicdn'][0]['TaskId']
    found = ali_call(sandbox, 'DescribeRefreshTasks', ObjectPath='http://a.com/1').json()
    assert [row['TaskId'] for row in found['Tasks']['CDNTask']] == [lost_id]
    assert ali_call(sandbox, 'DescribeRefreshQuota').json()['UrlRemain'] == '9998'   # the lost call used its quota
    refresh(sandbox, ['http://a.com/1'])   # Alibaba does not refuse a repeat: a blind retry duplicates the task
    assert len(rows_for(sandbox, 'http://a.com/1')) == 2


def test_alicdn_late_answer_after_the_client_gave_up(make_sandbox):
    sandbox = make_sandbox(task_delay=300)
    sandbox.inject_fault(vendor='alicdn', action='RefreshObjectCaches', kind='late', delay=0.6)
    params = {'ObjectPath': 'http://a.com/late'}
    with pytest.raises(requests.ReadTimeout):
        ali_call_with_timeout(sandbox, 'RefreshObjectCaches', 0.2, **params)
    assert len(rows_for(sandbox, 'http://a.com/late')) == 1   # recorded before the answer was due
    entry = sandbox.calls('alicdn', 'RefreshObjectCaches')[0]
    assert (entry['http_status'], entry['fault']) == (200, 'late')
    assert ali_call(sandbox, 'DescribeRefreshQuota').status_code == 200   # the server keeps serving


def ali_call_with_timeout(sandbox, action, timeout, **params):
    return ali_send(sandbox, sign_v2(v2_params(sandbox, action, **params)), timeout=timeout)


def test_nth_call_fault(make_sandbox):
    sandbox = make_sandbox(clock=Clock(START))
    sandbox.inject_fault(vendor='alicdn', action='RefreshObjectCaches', kind='error5xx', nth=3, times=2)
    statuses = [refresh(sandbox, [f'http://a.com/{n}']).status_code for n in range(5)]
    assert statuses == [200, 200, 500, 500, 200]
    assert [entry['fault'] for entry in sandbox.requests] == [None, None, 'error5xx', 'error5xx', None]
    assert len(sandbox.tasks['alicdn']) == 3


def test_nth_counts_only_matching_calls(make_sandbox):
    sandbox = make_sandbox(clock=Clock(START))
    sandbox.inject_fault(vendor='alicdn', action='RefreshObjectCaches', kind='lost', nth=2)
    assert ali_call(sandbox, 'DescribeRefreshQuota').status_code == 200   # another action: not counted
    assert refresh(sandbox, ['http://a.com/1']).status_code == 200
    with pytest.raises(requests.ConnectionError):
        refresh(sandbox, ['http://a.com/2'])
    assert refresh(sandbox, ['http://a.com/3']).status_code == 200
    assert [row['ObjectPath'] for row in sandbox.tasks['alicdn']] == ['http://a.com/1', 'http://a.com/2', 'http://a.com/3']


def test_jdcdn_lost_answer_then_the_retry_gets_47(make_sandbox):
    sandbox = make_sandbox(clock=Clock(START), task_delay=300)
    sandbox.inject_fault(vendor='jdcdn', action='refresh', kind='lost')
    urls = ['http://www.a.com/1.css', 'http://www.a.com/2.css']
    with pytest.raises(requests.ConnectionError):
        jd_call(sandbox, 'refresh', {'instances': urls, 'type': 'file'})
    assert [task['urls'] for task in sandbox.tasks['jdcdn']] == [urls]
    retry = jd_call(sandbox, 'refresh', {'instances': urls, 'type': 'file'}).json()
    assert retry == {'status': 47, 'msg': 'The address refreshed or prewarmed is duplicate'}
    assert jd_call(sandbox, 'refresh', {'instances': ['http://www.a.com/2.css'], 'type': 'file'}).json()['status'] == 47
    assert jd_call(sandbox, 'refresh', {'instances': ['http://www.a.com/3.css'], 'type': 'file'}).json()['status'] == 0
    assert [(entry['http_status'], entry['code'], entry['fault']) for entry in sandbox.calls('jdcdn')] == [
        (None, 0, 'lost'), (200, 47, None), (200, 47, None), (200, 0, None)]
    assert len(sandbox.tasks['jdcdn']) == 2


def test_jdcdn_late_answer_then_the_retry_gets_47(make_sandbox):
    sandbox = make_sandbox(task_delay=300)
    sandbox.inject_fault(vendor='jdcdn', action='prefetch', kind='late', delay=0.6)
    body = {'publish_urls': ['http://www.a.com/big.bin']}
    with pytest.raises(requests.ReadTimeout):
        jd_call(sandbox, 'prefetch', body, timeout=0.2)
    assert len(sandbox.tasks['jdcdn']) == 1
    assert jd_call(sandbox, 'prefetch', body).json()['status'] == 47


def test_fault_kind_must_exist_for_the_vendor(sandbox):
    with pytest.raises(ValueError):
        sandbox.inject_fault(vendor='jdcdn', kind='queue_full')
    with pytest.raises(ValueError):
        sandbox.inject_fault(vendor='alicdn', kind='lost', nth=0)
    sandbox.inject_fault(vendor='*', kind='queue_full')   # a wildcard fault fires only where the kind exists
    assert jd_call(sandbox, 'prefetch', {'publish_urls': ['http://www.a.com/x']}).json()['status'] == 0
    response = ali_call(sandbox, 'PushObjectCache', ObjectPath='http://a.com/x')
    assert code_of(response) == (403, 'PreloadQueueFull')


def test_admin_fault_with_nth(sandbox):
    fault = {'vendor': 'alicdn', 'action': 'DescribeRefreshQuota', 'kind': 'throttle', 'nth': 2}
    assert requests.post(sandbox.url + '/_sandbox/faults', json=fault, timeout=10).json() == {'ok': True}
    assert [ali_call(sandbox, 'DescribeRefreshQuota').status_code for dummy in range(3)] == [200, 503, 200]


# -- per-second call limits ----------------------------------------------------------------------------------

CALLS = {
    'RefreshObjectCaches': (50, lambda n: {'ObjectPath': f'http://a.com/{n}'}),
    'PushObjectCache': (50, lambda n: {'ObjectPath': f'http://a.com/{n}'}),
    'DescribeRefreshTasks': (5, lambda n: {}),
    'DescribeRefreshTaskById': (30, lambda n: {'TaskId': '170000001'}),
    'DescribeRefreshQuota': (20, lambda n: {}),
}


@pytest.mark.parametrize('action', sorted(CALLS))
def test_documented_calls_per_second(make_sandbox, action):
    clock = Clock(START)
    sandbox = make_sandbox(clock=clock)
    limit, params = CALLS[action]
    assert all(ali_call(sandbox, action, **params(n)).status_code == 200 for n in range(limit))
    refused = ali_call(sandbox, action, **params(limit))
    assert code_of(refused) == (400, 'Throttling.User')
    assert refused.json()['Message'] == 'Request was denied due to user flow control.'
    other = 'DescribeRefreshQuota' if action != 'DescribeRefreshQuota' else 'DescribeRefreshTasks'
    assert ali_call(sandbox, other).status_code == 200   # limits are per action
    clock.advance(0.5)
    assert code_of(ali_call(sandbox, action, **params(limit + 1))) == (400, 'Throttling.User')
    clock.advance(0.5)   # the first calls are now one second old: out of the window
    assert ali_call(sandbox, action, **params(limit + 2)).status_code == 200
    assert len(sandbox.calls('alicdn', action)) == limit + 3


def test_refused_calls_do_not_count_and_the_window_slides(make_sandbox):
    clock = Clock(START)
    sandbox = make_sandbox(clock=clock, alicdn_call_limits={'DescribeRefreshTasks': 2})
    statuses = []
    for dummy in range(8):   # one call every 0.25 s: at most 2 in any second
        statuses.append(ali_call(sandbox, 'DescribeRefreshTasks').status_code)
        clock.advance(0.25)
    assert statuses == [200, 200, 400, 400, 200, 200, 400, 400]


def test_limits_are_per_account_not_per_key(make_sandbox):
    clock = Clock(START)
    sandbox = make_sandbox(clock=clock, alicdn_credentials={ALI_KEY: ALI_SECRET, 'LTAIsecond': 'second-secret'})
    for dummy in range(3):
        assert ali_call(sandbox, 'DescribeRefreshTasks').status_code == 200
    for dummy in range(2):
        assert ali_call(sandbox, 'DescribeRefreshTasks', AccessKeyId='LTAIsecond', secret='second-secret').status_code == 200
    response = ali_call(sandbox, 'DescribeRefreshTasks', AccessKeyId='LTAIsecond', secret='second-secret')
    assert code_of(response) == (400, 'Throttling.User')
    assert [entry['access_key_id'] for entry in sandbox.requests] == [ALI_KEY] * 3 + ['LTAIsecond'] * 3


def test_call_limits_are_configurable(make_sandbox):
    clock = Clock(START)
    sandbox = make_sandbox(clock=clock)
    sandbox.set_config(alicdn_call_limits={'DescribeRefreshQuota': 1})
    assert sandbox.config.alicdn_call_limits['DescribeRefreshTasks'] == 5   # merged
    assert [ali_call(sandbox, 'DescribeRefreshQuota').status_code for dummy in range(2)] == [200, 400]
    sandbox.set_config(alicdn_call_limits={'DescribeRefreshQuota': 0})   # 0: no limit for this action
    assert all(ali_call(sandbox, 'DescribeRefreshQuota').status_code == 200 for dummy in range(25))
    sandbox.set_config(alicdn_call_limits=None)   # no limit at all
    assert all(ali_call(sandbox, 'DescribeRefreshTasks').status_code == 200 for dummy in range(8))


def test_a_call_refused_before_authentication_is_not_counted(make_sandbox):
    sandbox = make_sandbox(clock=Clock(START), alicdn_call_limits={'DescribeRefreshQuota': 1})
    assert ali_call(sandbox, 'DescribeRefreshQuota', secret='wrong').status_code == 400
    assert ali_call(sandbox, 'DescribeRefreshQuota').status_code == 200


# -- per-domain per-minute URL limit -----------------------------------------------------------------------

def urls(domain, first, count):
    return [f'http://{domain}/{n}.js' for n in range(first, first + count)]


def test_1500_urls_with_1000_per_minute(make_sandbox):
    clock = Clock(START)
    sandbox = make_sandbox(clock=clock, alicdn_url_per_minute=1000)
    assert refresh(sandbox, urls('a.com', 0, 1000)).status_code == 200
    refused = refresh(sandbox, urls('a.com', 1000, 500))
    assert code_of(refused) == (400, 'QuotaPerMinuteExceeded.Refresh')
    assert refused.json()['Message'] == "You've exceeded the prescribed refresh limits per minute."
    assert refresh(sandbox, urls('a.com', 1000, 1)).status_code == 400   # even one more URL
    assert refresh(sandbox, urls('b.com', 0, 1000)).status_code == 200   # per domain
    clock.advance(59.9)
    assert refresh(sandbox, urls('a.com', 1000, 500)).status_code == 400   # same minute still
    clock.advance(0.1)
    assert refresh(sandbox, urls('a.com', 1000, 500)).status_code == 200   # the next minute window
    paths = [row['ObjectPath'] for row in sandbox.tasks['alicdn'] if row['Domain'] == 'a.com']
    assert len(paths) == 1500 and set(paths) == set(urls('a.com', 0, 1500))
    assert ali_call(sandbox, 'DescribeRefreshQuota').json()['UrlRemain'] == str(10000 - 2500)


def test_per_minute_limit_counts_file_and_ignore_params_not_directories(make_sandbox):
    sandbox = make_sandbox(clock=Clock(START), alicdn_url_per_minute=3)
    assert refresh(sandbox, urls('a.com', 0, 2)).status_code == 200
    assert refresh(sandbox, urls('a.com', 2, 1), 'IgnoreParams').status_code == 200
    assert code_of(refresh(sandbox, urls('a.com', 3, 1))) == (400, 'QuotaPerMinuteExceeded.Refresh')
    assert refresh(sandbox, ['http://a.com/d/'], 'Directory').status_code == 200


def test_per_minute_default_is_the_current_documented_10000(sandbox):
    assert sandbox.config.alicdn_url_per_minute == 10000


# -- DescribeRefreshTasks as a lookup ----------------------------------------------------------------------

def describe(sandbox, clock, **params):
    clock.advance(0.25)   # 5 calls per second
    response = ali_call(sandbox, 'DescribeRefreshTasks', **params)
    assert response.status_code == 200, response.text
    return response.json()


def test_lookup_by_domain_type_and_window_with_paging(make_sandbox):
    clock = Clock(START)
    sandbox = make_sandbox(clock=clock, task_delay=30)
    refresh(sandbox, urls('a.com', 0, 250))
    refresh(sandbox, urls('b.com', 0, 10))
    refresh(sandbox, ['http://a.com/dir/'], 'Directory')
    ali_call(sandbox, 'PushObjectCache', ObjectPath='\n'.join(urls('a.com', 0, 3)))
    clock.advance(120)
    refresh(sandbox, urls('a.com', 250, 5))   # later, outside the window asked for below
    window = {'StartTime': '2024-01-02T03:04:00Z', 'EndTime': '2024-01-02T03:05:00Z'}
    seen = []
    for page_number in (1, 2, 3, 4):
        page = describe(sandbox, clock, DomainName='a.com', ObjectType='file', PageSize='100', PageNumber=str(page_number), **window)
        assert (page['PageNumber'], page['PageSize'], page['TotalCount']) == (page_number, 100, 250)
        seen += [row['ObjectPath'] for row in page['Tasks']['CDNTask']]
    assert len(seen) == 250 and set(seen) == set(urls('a.com', 0, 250))
    assert seen[0] == 'http://a.com/249.js'   # newest first (same second: latest submitted first)
    preload = describe(sandbox, clock, DomainName='a.com', ObjectType='preload')
    assert preload['TotalCount'] == 3 and {row['ObjectType'] for row in preload['Tasks']['CDNTask']} == {'preload'}
    directory = describe(sandbox, clock, DomainName='a.com', ObjectType='directory')['Tasks']['CDNTask']
    assert [row['ObjectPath'] for row in directory] == ['http://a.com/dir/']
    assert describe(sandbox, clock, DomainName='a.com', ObjectType='file')['TotalCount'] == 255
    assert describe(sandbox, clock, DomainName='a.com', ObjectType='file', Status='Complete')['TotalCount'] == 250
    assert describe(sandbox, clock, DomainName='a.com', ObjectType='file', Status='Refreshing')['TotalCount'] == 5
    one = describe(sandbox, clock, ObjectPath='http://a.com/1.js')['Tasks']['CDNTask']
    assert [(row['ObjectPath'], row['ObjectType']) for row in one] == [('http://a.com/1.js', 'preload'), ('http://a.com/1.js', 'file')]
    assert describe(sandbox, clock, ObjectPath='http://a.com/1.js', ObjectType='file')['TotalCount'] == 1
    assert describe(sandbox, clock)['PageSize'] == 20 and len(describe(sandbox, clock)['Tasks']['CDNTask']) == 20


def test_lookup_history_window_is_three_days(make_sandbox):
    clock = Clock(START)
    sandbox = make_sandbox(clock=clock, task_delay=1)
    refresh(sandbox, ['http://a.com/old.js'])
    clock.advance(2 * 24 * 3600)
    refresh(sandbox, ['http://a.com/new.js'])
    clock.advance(24 * 3600 - 1)
    since = {'StartTime': '2024-01-01T00:00:00Z', 'DomainName': 'a.com', 'ObjectType': 'file'}
    assert describe(sandbox, clock, **since)['TotalCount'] == 2   # the old one is 3 days minus 0.75 s old
    clock.advance(1)
    rows = describe(sandbox, clock, **since)['Tasks']['CDNTask']
    assert [row['ObjectPath'] for row in rows] == ['http://a.com/new.js']
    by_id = ali_call(sandbox, 'DescribeRefreshTaskById', TaskId='170000001,170000002').json()
    assert [row['ObjectPath'] for row in by_id['Tasks']] == ['http://a.com/new.js']
