# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""JD Cloud CDN legacy opencdn emulation over raw HTTP: signature, status codes, limits, tasks, faults."""

from __future__ import annotations

import re

import pytest
import requests

import sandbox_jdcdn
from sandbox_testlib import JD_SECRET, JD_USER, Clock, epoch, jd_call, jd_signature_now

UUID_RE = re.compile(r'^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$')


def status_of(response):
    assert response.status_code == 200
    assert response.headers['Content-Type'] == 'application/json;charset=utf-8'
    body = response.json()
    if body['status'] != 0:
        assert body == {'status': body['status'], 'msg': sandbox_jdcdn.MESSAGES[body['status']]}
    return body['status']


def refresh(sandbox, urls, object_type='file', **fields):
    return jd_call(sandbox, 'refresh', {'instances': urls, 'type': object_type, **fields})


def query(sandbox, taskid, endpoint='refreshQuery'):
    return jd_call(sandbox, endpoint, {'taskid': taskid}).json()


def test_refresh_and_query_lifecycle(make_sandbox):
    sandbox = make_sandbox(task_delay=0.3, fail_patterns=['broken'])
    body = refresh(sandbox, ['http://www.a.com/text1.css', 'https://www.a.com/text2.js']).json()
    assert set(body) == {'status', 'msg', 'taskid'} and (body['status'], body['msg']) == (0, 'Successful')
    assert UUID_RE.match(body['taskid'])
    failing = refresh(sandbox, 'http://www.a.com/broken.css').json()['taskid']   # instances as a plain string
    assert query(sandbox, body['taskid']) == {'status': 0, 'data': {'taskid': body['taskid'], 'status': 1, 'msg': 'In Progress'}}
    sandbox.advance_clock(0.3)
    assert query(sandbox, body['taskid'])['data']['status'] == 0
    assert query(sandbox, failing)['data'] == {'taskid': failing, 'status': 2, 'msg': 'Failed'}


def test_prefetch_and_query(sandbox):
    body = jd_call(sandbox, 'prefetch', {'publish_urls': ['http://www.a.com/big.bin']}).json()
    assert body['status'] == 0 and UUID_RE.match(body['taskid'])
    assert query(sandbox, body['taskid'], 'prefetchQuery')['data']['status'] == 1
    assert status_of(jd_call(sandbox, 'refreshQuery', {'taskid': body['taskid']})) == 1   # not a refresh task


def test_directory_refresh(sandbox):
    dirs = [f'http://www.a.com/d{n}/' for n in range(5)]
    assert status_of(refresh(sandbox, dirs, 'dir')) == 0
    assert sandbox.tasks['jdcdn'][0]['type'] == 'dir'


@pytest.mark.parametrize('fields, status', [
    ({'username': None}, 3),
    ({'username': ''}, 3),
    ({'signature': None}, 4),
    ({'type': None}, 5),
    ({'instances': None}, 6),
    ({'instances': []}, 6),
    ({'instances': ''}, 6),
    ({'signature': '0' * 32}, 7),
    ({'username': 'nobody', 'signature': '0' * 32}, 20),
    ({'type': 'url'}, 16),
    ({'type': 'FILE'}, 16),
    ({'instances': [f'http://www.a.com/{n}' for n in range(101)]}, 9),
    ({'type': 'dir', 'instances': [f'http://www.a.com/{n}/' for n in range(6)]}, 46),
    ({'instances': ['ftp://www.a.com/x']}, 17),
    ({'instances': ['www.a.com/x']}, 17),
    ({'instances': [42]}, 17),
    ({'instances': [42], 'signature': '0' * 32}, 7),
    ({'instances': ['http://www.a.com/x', ' http://www.a.com/x ']}, 47),
    ({'instances': ['http://www.a.com/x', 'http://www.a.com/x']}, 47),
])
def test_refresh_status_codes(sandbox, fields, status):
    body = {'username': JD_USER, 'signature': jd_signature_now(sandbox), 'type': 'file', 'instances': ['http://www.a.com/x']}
    body.update(fields)
    body = {key: value for key, value in body.items() if value is not None}
    assert status_of(jd_call(sandbox, 'refresh', body, sign=False)) == status
    assert not sandbox.tasks['jdcdn']


def test_refresh_accepts_100_files(sandbox):
    assert status_of(refresh(sandbox, [f'http://www.a.com/{n}' for n in range(100)])) == 0


def test_prefetch_status_codes(sandbox):
    assert status_of(jd_call(sandbox, 'prefetch', {})) == 6
    assert status_of(jd_call(sandbox, 'prefetch', {'publish_urls': [f'http://www.a.com/{n}' for n in range(51)]})) == 10
    assert status_of(jd_call(sandbox, 'prefetch', {'publish_urls': [f'http://www.a.com/{n}' for n in range(50)]})) == 0


def test_query_status_codes(sandbox):
    assert status_of(jd_call(sandbox, 'refreshQuery', {})) == 11
    assert status_of(jd_call(sandbox, 'refreshQuery', {'taskid': '545ec2e2-e9e5-47b8-8f34-44c104a84fd3'})) == 1
    assert status_of(jd_call(sandbox, 'refreshQuery', {'taskid': 'x', 'signature': 'bad'})) == 7


@pytest.mark.parametrize('raw', [b'', b'{not json', b'[1, 2]', b'{}', b'"text"', b'\xff\xfe'])
def test_malformed_bodies_get_status_2(sandbox, raw):
    assert status_of(jd_call(sandbox, 'refresh', raw=raw)) == 2


def test_get_is_refused_with_status_2(sandbox):
    response = requests.get(f'{sandbox.url}/api/refresh', timeout=10)
    assert status_of(response) == 2


def test_domains_not_owned(make_sandbox):
    sandbox = make_sandbox(domains=['www.a.com'])
    assert status_of(refresh(sandbox, ['http://www.a.com/1'])) == 0
    assert status_of(refresh(sandbox, ['http://www.a.com/2', 'http://www.b.com/2'])) == 15


def test_duplicate_of_an_unfinished_task(make_sandbox):
    clock = Clock(epoch('2024-01-02T03:04:05Z'))
    sandbox = make_sandbox(clock=clock, task_delay=60)
    assert status_of(refresh(sandbox, ['http://www.a.com/1', 'http://www.a.com/2'])) == 0
    assert status_of(refresh(sandbox, ['http://www.a.com/2', 'http://www.a.com/3'])) == 47
    assert status_of(refresh(sandbox, ['http://www.a.com/3'])) == 0
    assert status_of(jd_call(sandbox, 'prefetch', {'publish_urls': ['http://www.a.com/1']})) == 0   # prefetch is its own queue
    clock.advance(60)
    assert status_of(refresh(sandbox, ['http://www.a.com/1', 'http://www.a.com/2'])) == 0


def test_signature_day_boundary_is_utc_plus_8(make_sandbox):
    sandbox = make_sandbox(clock=Clock(epoch('2024-01-01T17:00:00Z')))
    for date, status in (('20240102', 0), ('20240101', 7)):
        signature = sandbox_jdcdn.jd_signature(date, JD_USER, JD_SECRET)
        assert status_of(refresh(sandbox, [f'http://www.a.com/{date}'], signature=signature)) == status
    sandbox.set_config(jdcdn_lenient_date=True)
    signature = sandbox_jdcdn.jd_signature('20240101', JD_USER, JD_SECRET)
    assert status_of(refresh(sandbox, ['http://www.a.com/utc'], signature=signature)) == 0
    signature = sandbox_jdcdn.jd_signature('20231231', JD_USER, JD_SECRET)
    assert status_of(refresh(sandbox, ['http://www.a.com/older'], signature=signature)) == 7


def test_signature_is_lowercase_hex(sandbox):
    assert status_of(refresh(sandbox, ['http://www.a.com/x'], signature=jd_signature_now(sandbox).upper())) == 7


def test_requests_log_redacts_the_signature(sandbox):
    refresh(sandbox, ['http://www.a.com/x'])
    entry = sandbox.requests[0]
    assert (entry['vendor'], entry['action'], entry['method'], entry['http_status'], entry['code']) == ('jdcdn', 'refresh', 'POST', 200, 0)
    assert entry['params']['signature'] == '***' and entry['params']['username'] == JD_USER


@pytest.mark.parametrize('kind, http_status, status', [('throttle', 200, 8), ('busy', 200, -1), ('quota', 200, 1), ('error5xx', 500, -1)])
def test_faults(sandbox, kind, http_status, status):
    sandbox.inject_fault(vendor='jdcdn', action='refresh', kind=kind, times=1)
    response = refresh(sandbox, ['http://www.a.com/x'])
    assert (response.status_code, response.json()['status']) == (http_status, status)
    assert status_of(refresh(sandbox, ['http://www.a.com/x'])) == 0


def test_drop_and_slow_faults(sandbox):
    sandbox.inject_fault(vendor='jdcdn', kind='drop')
    with pytest.raises(requests.ConnectionError):
        refresh(sandbox, ['http://www.a.com/x'])
    sandbox.inject_fault(vendor='jdcdn', kind='slow', delay=0.5)
    with pytest.raises(requests.ReadTimeout):
        jd_call(sandbox, 'refresh', {'instances': ['http://www.a.com/x'], 'type': 'file'}, timeout=0.2)
