# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Issue 11 support: Alibaba PushObjectCache and JD /api/prefetch: limits, quota, queue, lifecycle, lookups, faults."""

from __future__ import annotations

import pytest
import requests

from sandbox_testlib import Clock, ali_call, epoch, jd_call

START = epoch('2024-01-02T03:04:05Z')


def push(sandbox, paths, **params):
    return ali_call(sandbox, 'PushObjectCache', ObjectPath='\n'.join(paths), **params)


def code_of(response):
    return response.status_code, response.json().get('Code')


def urls(count, first=0, domain='a.com'):
    return [f'http://{domain}/p/{n}.html' for n in range(first, first + count)]


def quota(sandbox):
    body = ali_call(sandbox, 'DescribeRefreshQuota').json()
    return body['PreloadQuota'], body['PreloadRemain']


# -- Alibaba PushObjectCache -----------------------------------------------------------------------------------

def test_push_250_urls_in_calls_of_at_most_100(make_sandbox):
    sandbox = make_sandbox(clock=Clock(START))
    refused = push(sandbox, urls(101))
    assert code_of(refused) == (400, 'InvalidObjectPath.Size.Malformed')
    bodies = [push(sandbox, urls(size, first)).json() for first, size in ((0, 100), (100, 100), (200, 50))]
    assert all(set(body) == {'PushTaskId', 'RequestId'} for body in bodies)
    rows = sandbox.tasks['alicdn']
    assert len(rows) == 250 and {row['ObjectType'] for row in rows} == {'preload'}
    assert sorted(row['ObjectPath'] for row in rows) == sorted(urls(250))
    # same domain, same second: one task ID for up to 500 URLs, across calls (A5.2)
    assert {body['PushTaskId'] for body in bodies} == {rows[0]['TaskId']}
    assert quota(sandbox) == ('1000', '750')
    assert [entry['code'] for entry in sandbox.calls('alicdn', 'PushObjectCache')] == ['InvalidObjectPath.Size.Malformed', None, None, None]


def test_push_task_ids_split_by_domain_and_every_500(make_sandbox):
    sandbox = make_sandbox(clock=Clock(START), alicdn_quota={'preload': 2000})
    ids = [push(sandbox, urls(100, first)).json()['PushTaskId'] for first in range(0, 600, 100)]
    assert len(set(ids[:5])) == 1 and ids[5] != ids[0]
    both = push(sandbox, urls(1, domain='b.com') + urls(1, domain='c.com')).json()['PushTaskId']
    assert len(both.split(',')) == 2


def test_push_path_length_and_options(make_sandbox):
    sandbox = make_sandbox(clock=Clock(START))
    base = 'http://a.com/'
    assert push(sandbox, [base + 'x' * (1024 - len(base))]).status_code == 200
    assert code_of(push(sandbox, [base + 'x' * (1025 - len(base))])) == (400, 'InvalidObjectPath.Malformed')
    ok = {'Area': 'overseas', 'L2Preload': 'true', 'WithHeader': '{"Accept-Encoding": ["gzip"]}', 'QueryHashkey': 'False'}
    assert push(sandbox, ['http://a.com/ok'], **ok).status_code == 200
    assert push(sandbox, ['http://a.com/ok2'], Area='domestic', L2Preload='False').status_code == 200
    assert code_of(push(sandbox, ['http://a.com/x'], Area='mars')) == (400, 'InvalidArea.ValueNotSupported')
    assert code_of(push(sandbox, ['http://a.com/x'], L2Preload='yes')) == (400, 'InvalidL2Preload.ValueNotSupported')
    assert code_of(push(sandbox, ['http://a.com/x'], WithHeader='gzip')) == (400, 'InvalidWithHeader.Malformed')
    assert code_of(push(sandbox, ['http://a.com/x'], WithHeader='["gzip"]')) == (400, 'InvalidWithHeader.Malformed')
    assert code_of(push(sandbox, ['ftp://a.com/x'])) == (400, 'InvalidObjectPath.Malformed')
    assert code_of(ali_call(sandbox, 'PushObjectCache')) == (400, 'MissingParameter')
    logged = sandbox.calls('alicdn', 'PushObjectCache')[2]['params']
    assert (logged['Area'], logged['L2Preload'], logged['WithHeader']) == ('overseas', 'true', '{"Accept-Encoding": ["gzip"]}')
    assert len(sandbox.tasks['alicdn']) == 3
    assert quota(sandbox) == ('1000', '997')   # refused calls used nothing


def test_push_daily_quota(make_sandbox):
    sandbox = make_sandbox(clock=Clock(START), alicdn_quota={'preload': 150})
    assert push(sandbox, urls(100)).status_code == 200
    refused = push(sandbox, urls(51, 100))
    assert code_of(refused) == (400, 'QuotaExceeded.Refresh')
    assert quota(sandbox) == ('150', '50')
    assert push(sandbox, urls(50, 100)).status_code == 200
    assert quota(sandbox) == ('150', '0')


def test_push_queue_full(make_sandbox):
    clock = Clock(START)
    sandbox = make_sandbox(clock=clock, task_delay=60, alicdn_preload_queue=150)
    assert push(sandbox, urls(100)).status_code == 200
    refused = push(sandbox, urls(51, 100))
    assert code_of(refused) == (403, 'PreloadQueueFull')
    assert refused.json()['Message'] == 'Preload queue is full, please try again later!'
    assert quota(sandbox) == ('1000', '900')   # the refused call used no quota
    assert push(sandbox, urls(50, 100)).status_code == 200   # exactly full
    clock.advance(60)   # the first tasks are done: the queue is empty again
    assert push(sandbox, urls(100, 150)).status_code == 200
    assert len(sandbox.tasks['alicdn']) == 250


def test_push_queue_full_fault(make_sandbox):
    sandbox = make_sandbox(clock=Clock(START))
    sandbox.inject_fault(vendor='alicdn', action='PushObjectCache', kind='queue_full', times=2)
    assert [code_of(push(sandbox, urls(1))) for dummy in range(2)] == [(403, 'PreloadQueueFull')] * 2
    assert push(sandbox, urls(1)).status_code == 200
    assert len(sandbox.tasks['alicdn']) == 1


def test_push_lifecycle_and_lookups(make_sandbox):
    clock = Clock(START)
    sandbox = make_sandbox(clock=clock, task_delay=30, fail_patterns=['/broken'])
    task_id = push(sandbox, ['http://a.com/ok', 'http://a.com/broken']).json()['PushTaskId']
    refresh_id = ali_call(sandbox, 'RefreshObjectCaches', ObjectPath='http://a.com/ok').json()['RefreshTaskId']
    rows = ali_call(sandbox, 'DescribeRefreshTaskById', TaskId=task_id).json()
    assert rows['TotalCount'] == 2 and {(row['ObjectType'], row['Status']) for row in rows['Tasks']} == {('preload', 'Refreshing')}
    clock.advance(15)
    assert {row['Process'] for row in ali_call(sandbox, 'DescribeRefreshTaskById', TaskId=task_id).json()['Tasks']} == {'50%'}
    clock.advance(15)
    done = {row['ObjectPath']: row for row in ali_call(sandbox, 'DescribeRefreshTaskById', TaskId=task_id).json()['Tasks']}
    assert (done['http://a.com/ok']['Status'], done['http://a.com/ok']['Process']) == ('Complete', '100%')
    assert (done['http://a.com/broken']['Status'], done['http://a.com/broken']['Description']) == ('Failed', 'Origin Timeout')
    both = ali_call(sandbox, 'DescribeRefreshTaskById', TaskId=f'{refresh_id},{task_id}').json()
    assert [row['ObjectType'] for row in both['Tasks']] == ['file', 'preload', 'preload']
    listed = ali_call(sandbox, 'DescribeRefreshTasks', ObjectType='preload', DomainName='a.com').json()
    assert listed['TotalCount'] == 2 and {row['TaskId'] for row in listed['Tasks']['CDNTask']} == {task_id}
    by_path = ali_call(sandbox, 'DescribeRefreshTasks', ObjectPath='http://a.com/ok', ObjectType='preload').json()
    assert [row['TaskId'] for row in by_path['Tasks']['CDNTask']] == [task_id]
    failed = ali_call(sandbox, 'DescribeRefreshTasks', ObjectType='preload', Status='Failed', DomainName='a.com').json()
    assert [row['ObjectPath'] for row in failed['Tasks']['CDNTask']] == ['http://a.com/broken']


def test_push_lost_answer(make_sandbox):
    sandbox = make_sandbox(clock=Clock(START), task_delay=60)
    sandbox.inject_fault(vendor='alicdn', action='PushObjectCache', kind='lost')
    with pytest.raises(requests.ConnectionError):
        push(sandbox, urls(3))
    assert len(sandbox.tasks['alicdn']) == 3 and quota(sandbox) == ('1000', '997')


# -- JD /api/prefetch ------------------------------------------------------------------------------------------

def prefetch(sandbox, publish_urls):
    return jd_call(sandbox, 'prefetch', {'publish_urls': publish_urls}).json()


def test_jd_120_urls_in_calls_of_at_most_50(make_sandbox):
    sandbox = make_sandbox(clock=Clock(START), task_delay=60)
    assert prefetch(sandbox, urls(51)) == {'status': 10, 'msg': 'File urls to be prewarmed cannot exceed 50'}
    bodies = [prefetch(sandbox, urls(size, first)) for first, size in ((0, 50), (50, 50), (100, 20))]
    assert [body['status'] for body in bodies] == [0, 0, 0]
    tasks = sandbox.tasks['jdcdn']
    assert [len(task['urls']) for task in tasks] == [50, 50, 20]
    assert [task['taskid'] for task in tasks] == [body['taskid'] for body in bodies]
    assert {task['kind'] for task in tasks} == {'prefetch'} and sum((task['urls'] for task in tasks), []) == urls(120)
    assert [entry['code'] for entry in sandbox.calls('jdcdn', 'prefetch')] == [10, 0, 0, 0]


def test_jd_prefetch_lifecycle(make_sandbox):
    clock = Clock(START)
    sandbox = make_sandbox(clock=clock, task_delay=30, fail_patterns=['broken'])
    good = prefetch(sandbox, 'http://www.a.com/big.bin')['taskid']   # publish_urls as one string
    bad = prefetch(sandbox, ['http://www.a.com/broken.bin'])['taskid']

    def state(taskid, endpoint='prefetchQuery'):
        return jd_call(sandbox, endpoint, {'taskid': taskid}).json()

    assert state(good) == {'status': 0, 'data': {'taskid': good, 'status': 1, 'msg': 'In Progress'}}
    assert prefetch(sandbox, ['http://www.a.com/big.bin'])['status'] == 47   # still queued
    clock.advance(30)
    assert state(good)['data'] == {'taskid': good, 'status': 0, 'msg': 'Successful'}
    assert state(bad)['data'] == {'taskid': bad, 'status': 2, 'msg': 'Failed'}
    assert state(good, 'refreshQuery') == {'status': 1, 'msg': 'Failed'}   # a prefetch ID is not a refresh task
    assert prefetch(sandbox, ['http://www.a.com/big.bin'])['status'] == 0   # done: may be prefetched again
