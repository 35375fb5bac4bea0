# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Alibaba Cloud CDN emulation over raw HTTP: gateway checks, errors, operations, limits, quota, tasks."""

from __future__ import annotations

import re
import time
import xml.etree.ElementTree as ET

import pytest
import requests

import sandbox_alicdn
from sandbox_testlib import ALI_KEY, ALI_SECRET, Clock, ali_call, ali_send, epoch, sign_v2, v2_params, v3_headers

REQUEST_ID_RE = re.compile(r'^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$')


def refresh(sandbox, paths, object_type=None, **params):
    return ali_call(sandbox, 'RefreshObjectCaches', ObjectPath='\n'.join(paths), ObjectType=object_type, **params)


def assert_error(response, http_status, code):
    body = response.json()
    assert (response.status_code, body['Code']) == (http_status, code), body
    assert set(body) == {'RequestId', 'HostId', 'Code', 'Message', 'Recommend'}
    assert REQUEST_ID_RE.match(body['RequestId'])
    return body


# -- success, transport and formats --------------------------------------------------------------------------

@pytest.mark.parametrize('method', ['GET', 'POST'])
def test_refresh_succeeds_with_get_and_post(sandbox, method):
    response = ali_call(sandbox, 'RefreshObjectCaches', method=method, ObjectPath='http://example.com/a b/*.jpg?x=1~')
    assert response.status_code == 200
    assert response.headers['Content-Type'] == 'application/json;charset=utf-8'
    body = response.json()
    assert set(body) == {'RefreshTaskId', 'RequestId'}
    assert body['RefreshTaskId'].isdigit() and REQUEST_ID_RE.match(body['RequestId'])
    assert sandbox.tasks['alicdn'][0]['ObjectPath'] == 'http://example.com/a b/*.jpg?x=1~'


def test_post_merges_query_and_form_body(sandbox):
    params = sign_v2(v2_params(sandbox, 'RefreshObjectCaches', ObjectPath='http://example.com/x', Force='True'), 'POST')
    operation = {name: params.pop(name) for name in ('ObjectPath', 'Force')}
    response = requests.post(sandbox.url + '/', params=params, data=operation, timeout=10)
    assert response.status_code == 200, response.text
    assert sandbox.requests[-1]['params']['ObjectPath'] == 'http://example.com/x'


def test_xml_is_the_default_format(sandbox):
    response = ali_call(sandbox, 'RefreshObjectCaches', Format=None, ObjectPath='http://example.com/x')
    assert response.headers['Content-Type'] == 'text/xml;charset=utf-8'
    root = ET.fromstring(response.content)
    assert root.tag == 'RefreshObjectCachesResponse'
    assert root.find('RefreshTaskId').text.isdigit() and root.find('RequestId') is not None


def test_xml_error_shape(sandbox):
    response = ali_call(sandbox, 'RefreshObjectCaches', Format='xml')
    assert response.status_code == 400 and response.headers['Content-Type'] == 'text/xml;charset=utf-8'
    assert b'<Recommend><![CDATA[https://api.aliyun.com/troubleshoot?q=MissingParameter&product=Cdn&requestId=' in response.content
    root = ET.fromstring(response.content)
    assert root.tag == 'Error'
    assert [child.tag for child in root] == ['RequestId', 'HostId', 'Code', 'Message', 'Recommend']
    assert root.find('Code').text == 'MissingParameter'


def test_format_is_case_insensitive_and_validated(sandbox):
    assert ali_call(sandbox, 'DescribeRefreshQuota', Format='json').json()['UrlQuota'] == '10000'
    response = ali_call(sandbox, 'DescribeRefreshQuota', Format='yaml')
    assert response.status_code == 400 and response.headers['Content-Type'] == 'text/xml;charset=utf-8'
    assert ET.fromstring(response.content).find('Code').text == 'InvalidParameter.Format'


def test_keep_alive_with_content_length(sandbox):
    with requests.Session() as session:
        for dummy in range(3):
            response = session.get(sandbox.url + '/', params=sign_v2(v2_params(sandbox, 'DescribeRefreshQuota')), timeout=10)
            assert response.status_code == 200
            assert int(response.headers['Content-Length']) == len(response.content)
            assert response.raw.version == 11


# -- gateway checks -------------------------------------------------------------------------------------------

def test_unknown_action_and_version(sandbox):
    assert_error(ali_call(sandbox, 'DeleteEverything'), 404, 'InvalidAction.NotFound')
    assert_error(ali_call(sandbox, 'DescribeRefreshQuota', Version='2014-11-11'), 400, 'InvalidVersion')


@pytest.mark.parametrize('name', ['AccessKeyId', 'SignatureMethod', 'SignatureVersion', 'SignatureNonce', 'Action', 'Version'])
def test_missing_common_parameter(sandbox, name):
    params = v2_params(sandbox, 'DescribeRefreshQuota')
    del params[name]
    body = assert_error(ali_send(sandbox, sign_v2(params)), 400, 'MissingParameter')
    assert f'"{name}"' in body['Message']


def test_missing_signature_and_timestamp(sandbox):
    assert_error(ali_send(sandbox, v2_params(sandbox, 'DescribeRefreshQuota')), 400, 'MissingParameter')
    params = v2_params(sandbox, 'DescribeRefreshQuota')
    del params['Timestamp']
    assert_error(ali_send(sandbox, sign_v2(params)), 400, 'IllegalTimestamp')


def test_signature_method_and_version(sandbox):
    assert_error(ali_call(sandbox, 'DescribeRefreshQuota', SignatureMethod='HMAC-SHA256'), 400, 'InvalidSignatureMethod')
    assert_error(ali_call(sandbox, 'DescribeRefreshQuota', SignatureVersion='2.0'), 400, 'InvalidSignatureVersion')


def test_timestamp_format_and_skew(make_sandbox):
    clock = Clock(epoch('2024-01-02T03:04:05Z'))
    sandbox = make_sandbox(clock=clock)
    for bad in ('2024-01-02 03:04:05', '2024-01-02T03:04:05.123Z', '2024-13-02T03:04:05Z'):
        assert_error(ali_call(sandbox, 'DescribeRefreshQuota', Timestamp=bad), 400, 'InvalidTimeStamp.Format')
    for stamp in ('2024-01-02T02:48:05Z', '2024-01-02T03:20:05Z'):
        assert_error(ali_call(sandbox, 'DescribeRefreshQuota', Timestamp=stamp), 400, 'InvalidTimeStamp.Expired')
    for stamp in ('2024-01-02T02:50:05Z', '2024-01-02T03:18:05Z'):
        assert ali_call(sandbox, 'DescribeRefreshQuota', Timestamp=stamp).status_code == 200


def test_clock_offset_moves_the_server_clock(make_sandbox):
    sandbox = make_sandbox(clock_offset=3600)
    stamp = sandbox_alicdn.format_time(time.time())
    assert_error(ali_call(sandbox, 'DescribeRefreshQuota', Timestamp=stamp), 400, 'InvalidTimeStamp.Expired')
    sandbox.set_config(clock_offset=0)
    assert ali_call(sandbox, 'DescribeRefreshQuota', Timestamp=stamp).status_code == 200


def test_unknown_access_key(sandbox):
    assert_error(ali_call(sandbox, 'DescribeRefreshQuota', AccessKeyId='LTAInobody'), 404, 'InvalidAccessKeyId.NotFound')


@pytest.mark.parametrize('method', ['GET', 'POST'])
def test_wrong_secret_reports_the_server_string_to_sign(sandbox, method):
    params = sign_v2(v2_params(sandbox, 'DescribeRefreshQuota', SignatureType=''), method, secret='wrong')
    body = assert_error(ali_send(sandbox, params, method), 400, 'SignatureDoesNotMatch')
    expected = sandbox_alicdn.v2_string_to_sign(method, params)
    assert body['Message'] == f'Specified signature is not matched with our calculation. server string to sign is:{expected}'
    assert body['Message'].split(':')[1] == expected  # what aliyunsdkcore compares


def test_empty_parameters_are_signed(sandbox):
    params = v2_params(sandbox, 'DescribeRefreshQuota')
    sign_v2(params)
    params['SignatureType'] = ''  # added after signing: the server includes it, so the signature no longer matches
    assert_error(ali_send(sandbox, params), 400, 'SignatureDoesNotMatch')
    assert ali_send(sandbox, sign_v2(v2_params(sandbox, 'DescribeRefreshQuota', SignatureType=''))).status_code == 200


def test_nonce_replay(make_sandbox):
    clock = Clock(epoch('2024-01-02T03:04:05Z'))
    sandbox = make_sandbox(clock=clock)
    bad = sign_v2(v2_params(sandbox, 'DescribeRefreshQuota', SignatureNonce='n-1'), secret='wrong')
    assert_error(ali_send(sandbox, bad), 400, 'SignatureDoesNotMatch')   # a rejected signature does not use the nonce
    assert ali_call(sandbox, 'DescribeRefreshQuota', SignatureNonce='n-1').status_code == 200
    assert_error(ali_call(sandbox, 'DescribeRefreshQuota', SignatureNonce='n-1'), 400, 'SignatureNonceUsed')
    clock.advance(30 * 60)
    assert_error(ali_call(sandbox, 'DescribeRefreshQuota', SignatureNonce='n-1'), 400, 'SignatureNonceUsed')
    clock.advance(2 * 60)
    assert ali_call(sandbox, 'DescribeRefreshQuota', SignatureNonce='n-1').status_code == 200


def test_sts_credentials(make_sandbox):
    sandbox = make_sandbox(alicdn_sts={'STS.tempKey': ('temp-secret', 'the-token')})
    sts = {'AccessKeyId': 'STS.tempKey', 'secret': 'temp-secret'}
    assert_error(ali_call(sandbox, 'DescribeRefreshQuota', **sts), 400, 'MissingSecurityToken')
    assert_error(ali_call(sandbox, 'DescribeRefreshQuota', SecurityToken='other', **sts), 400, 'InvalidSecurityToken.MismatchWithAccessKey')
    assert ali_call(sandbox, 'DescribeRefreshQuota', SecurityToken='the-token', **sts).status_code == 200
    assert sandbox.requests[-1]['params']['SecurityToken'] == '***'
    assert sandbox.requests[-1]['params']['Signature'] == '***'
    v3_sts = {'key_id': 'STS.tempKey', 'secret': 'temp-secret'}
    headers = v3_headers(sandbox, 'DescribeRefreshQuota', extra={'x-acs-security-token': 'the-token'}, **v3_sts)
    assert requests.post(sandbox.url + '/', headers=headers, timeout=10).status_code == 200
    headers = v3_headers(sandbox, 'DescribeRefreshQuota', extra={'x-acs-security-token': 'other'}, **v3_sts)
    assert_error(requests.post(sandbox.url + '/', headers=headers, timeout=10), 400, 'InvalidSecurityToken.MismatchWithAccessKey')


def test_v3_signature(sandbox):
    body = b'ObjectPath=http%3A%2F%2Fexample.com%2Fa+b&ObjectType=File'
    response = requests.post(sandbox.url + '/', data=body, headers=v3_headers(sandbox, 'RefreshObjectCaches', body), timeout=10)
    assert response.status_code == 200, response.text
    assert sandbox.tasks['alicdn'][0]['ObjectPath'] == 'http://example.com/a b'


def test_v3_query_parameters_are_signed(sandbox):
    headers = v3_headers(sandbox, 'DescribeRefreshTaskById', query=[('TaskId', '1')])
    url = sandbox.url + '/?TaskId=1'
    assert requests.post(url, headers=headers, timeout=10).status_code == 200
    headers = v3_headers(sandbox, 'DescribeRefreshTaskById', query=[('TaskId', '1')])
    assert_error(requests.post(url.replace('=1', '=2'), headers=headers, timeout=10), 400, 'SignatureDoesNotMatch')


def test_v3_wrong_secret_and_payload(sandbox):
    body = b'ObjectPath=http%3A%2F%2Fexample.com%2Fx'
    headers = v3_headers(sandbox, 'RefreshObjectCaches', body, secret='wrong')
    error = assert_error(requests.post(sandbox.url + '/', data=body, headers=headers, timeout=10), 400, 'SignatureDoesNotMatch')
    assert error['Message'].startswith('Specified signature is not matched with our calculation. server string to sign is:ACS3-HMAC-SHA256\n')
    headers = v3_headers(sandbox, 'RefreshObjectCaches', body)
    tampered = body.replace(b'%2Fx', b'%2Fy')
    assert_error(requests.post(sandbox.url + '/', data=tampered, headers=headers, timeout=10), 400, 'SignatureDoesNotMatch')


def test_v3_required_headers_must_be_signed(sandbox):
    headers = v3_headers(sandbox, 'DescribeRefreshQuota', signed=['host', 'x-acs-action', 'x-acs-version', 'x-acs-date'])
    assert_error(requests.post(sandbox.url + '/', headers=headers, timeout=10), 400, 'IncompleteSignature')
    headers = v3_headers(sandbox, 'DescribeRefreshQuota')
    headers['authorization'] = 'ACS3-HMAC-SHA256 Credential=x'
    assert_error(requests.post(sandbox.url + '/', headers=headers, timeout=10), 400, 'IncompleteSignature')


def test_v3_date_and_nonce(make_sandbox):
    clock = Clock(epoch('2024-01-02T03:04:05Z'))
    sandbox = make_sandbox(clock=clock)
    headers = v3_headers(sandbox, 'DescribeRefreshQuota', extra={'x-acs-date': '2024-01-02T02:04:05Z'})
    assert_error(requests.post(sandbox.url + '/', headers=headers, timeout=10), 400, 'InvalidTimeStamp.Expired')
    headers = v3_headers(sandbox, 'DescribeRefreshQuota')
    assert requests.post(sandbox.url + '/', headers=headers, timeout=10).status_code == 200
    assert_error(requests.post(sandbox.url + '/', headers=headers, timeout=10), 400, 'SignatureNonceUsed')


# -- RefreshObjectCaches ----------------------------------------------------------------------------------

def test_object_path_forms(sandbox):
    response = ali_call(sandbox, 'RefreshObjectCaches', ObjectPath='example.com/a.png\r\nhttps://example.com/b.png\n\n')
    assert response.status_code == 200
    assert [row['ObjectPath'] for row in sandbox.tasks['alicdn']] == ['example.com/a.png', 'https://example.com/b.png']


@pytest.mark.parametrize('object_type, paths, code', [
    (None, [], 'MissingParameter'),
    ('file', ['http://example.com/a'], 'InvalidObjectType.ValueNotSupported'),
    ('Block', ['http://example.com/a'], 'InvalidObjectType.ValueNotSupported'),
    ('Directory', ['http://example.com/dir'], 'InvalidObjectPath.Malformed'),
    ('File', ['ftp://example.com/a'], 'InvalidObjectPath.Malformed'),
    ('File', ['http:///a'], 'InvalidObjectPath.Malformed'),
    ('File', ['http://exa mple.com/a'], 'InvalidObjectPath.Malformed'),
    ('File', ['http://example.com/' + 'a' * 1006], 'InvalidObjectPath.Malformed'),
    ('File', ['http://*.example.com/a'], 'InvalidExtensiveDomain.ValueNotSupported'),
    ('File', [f'http://example.com/{n}' for n in range(1001)], 'SingleRequest.OverLimit'),
    ('IgnoreParams', [f'http://example.com/{n}' for n in range(1001)], 'SingleRequest.OverLimit'),
    ('Directory', [f'http://example.com/{n}/' for n in range(101)], 'SingleRequest.OverLimit'),
    ('Regex', ['http://example.com/a/.*', 'http://example.com/b/.*'], 'SingleRequest.OverLimit'),
    ('File', [f'http://d{n}.example.com/a' for n in range(11)], 'SingleRequest.OverLimit'),
])
def test_refresh_rejects(sandbox, object_type, paths, code):
    assert_error(refresh(sandbox, paths, object_type), 400, code)
    assert not sandbox.tasks['alicdn']


@pytest.mark.parametrize('object_type, paths', [
    ('File', ['http://example.com/' + 'a' * 1005]),
    ('File', [f'http://example.com/{n}' for n in range(1000)]),
    ('Directory', [f'http://example.com/{n}/' for n in range(100)]),
    ('Regex', ['http://example.com/a/.*\\.jpg']),
    ('IgnoreParams', ['http://example.com/a?b=c']),
    ('ExQuery', ['http://example.com/a?b=c']),
    ('File', [f'http://d{n}.example.com/a' for n in range(10)]),
])
def test_refresh_accepts_the_limits(sandbox, object_type, paths):
    assert refresh(sandbox, paths, object_type).status_code == 200


def test_force_accepts_python_and_json_booleans(sandbox):
    for value in ('true', 'True', 'false', 'False'):
        assert refresh(sandbox, ['http://example.com/a'], Force=value).status_code == 200
    assert_error(refresh(sandbox, ['http://example.com/a'], Force='yes'), 400, 'InvalidForce.ValueNotSupported')


def test_domains_not_owned(make_sandbox):
    sandbox = make_sandbox(domains='example.com,static.example.org')
    assert refresh(sandbox, ['http://EXAMPLE.com/a', 'static.example.org/b']).status_code == 200
    body = assert_error(refresh(sandbox, ['http://example.com/a', 'http://other.com/b']), 404, 'InvalidDomain.NotFound')
    assert 'other.com' in body['Message']


def test_daily_quota_per_type_and_day(make_sandbox):
    clock = Clock(epoch('2024-01-01T15:59:00Z'))   # 23:59 in UTC+8
    sandbox = make_sandbox(clock=clock, alicdn_quota={'url': 3, 'dir': 1})
    assert refresh(sandbox, ['http://example.com/1', 'http://example.com/2']).status_code == 200
    assert_error(refresh(sandbox, ['http://example.com/3', 'http://example.com/4']), 400, 'QuotaExceeded.Refresh')
    quota = ali_call(sandbox, 'DescribeRefreshQuota').json()
    assert (quota['UrlQuota'], quota['UrlRemain'], quota['DirQuota'], quota['DirRemain']) == ('3', '1', '1', '1')
    assert refresh(sandbox, ['http://example.com/d/'], 'Directory').status_code == 200
    assert_error(refresh(sandbox, ['http://example.com/e/'], 'Directory'), 400, 'QuotaExceeded.Refresh')
    clock.advance(60)   # 00:00 in UTC+8: a new day
    quota = ali_call(sandbox, 'DescribeRefreshQuota').json()
    assert (quota['UrlRemain'], quota['DirRemain']) == ('3', '1')


def test_quota_values_are_strings(sandbox):
    quota = ali_call(sandbox, 'DescribeRefreshQuota').json()
    expected = {'UrlQuota': '10000', 'DirQuota': '100', 'RegexQuota': '20', 'IgnoreParamsQuota': '100', 'PreloadQuota': '1000'}
    assert {name: quota[name] for name in expected} == expected
    assert all(isinstance(value, str) for value in quota.values())
    assert {'PreloadEdgeQuota', 'PreloadEdgeRemain', 'BlockQuota', 'BlockRemain', 'RequestId'} <= set(quota)


def test_per_minute_limit_per_domain(make_sandbox):
    clock = Clock(epoch('2024-01-02T03:04:05Z'))
    sandbox = make_sandbox(clock=clock, alicdn_url_per_minute=3)
    assert refresh(sandbox, ['http://a.com/1', 'http://a.com/2']).status_code == 200
    assert_error(refresh(sandbox, ['http://a.com/3', 'http://a.com/4']), 400, 'QuotaPerMinuteExceeded.Refresh')
    assert refresh(sandbox, ['http://b.com/1', 'http://b.com/2', 'http://b.com/3']).status_code == 200
    assert ali_call(sandbox, 'DescribeRefreshQuota').json()['UrlRemain'] == '9995'   # the refused call used nothing
    clock.advance(60)
    assert refresh(sandbox, ['http://a.com/3', 'http://a.com/4']).status_code == 200


# -- tasks ----------------------------------------------------------------------------------------------------

def test_task_lifecycle_and_failure(make_sandbox):
    sandbox = make_sandbox(task_delay=0.3, fail_patterns=['/broken/'])
    task_id = refresh(sandbox, ['http://example.com/ok', 'http://example.com/broken/x']).json()['RefreshTaskId']
    rows = ali_call(sandbox, 'DescribeRefreshTaskById', TaskId=task_id).json()
    assert rows['TotalCount'] == 2
    assert {row['Status'] for row in rows['Tasks']} == {'Refreshing'}
    assert all(row['Process'].endswith('%') and row['Description'] == '' for row in rows['Tasks'])
    sandbox.advance_clock(0.3)
    rows = {row['ObjectPath']: row for row in ali_call(sandbox, 'DescribeRefreshTaskById', TaskId=task_id).json()['Tasks']}
    assert rows['http://example.com/ok']['Status'] == 'Complete' and rows['http://example.com/ok']['Process'] == '100%'
    assert rows['http://example.com/broken/x']['Status'] == 'Failed'
    assert rows['http://example.com/broken/x']['Description'] == 'Origin Timeout'
    assert set(rows['http://example.com/ok']) == {'CreationTime', 'Description', 'ObjectPath', 'ObjectType', 'Process', 'Status', 'TaskId'}


def test_task_id_merging(make_sandbox):
    clock = Clock(epoch('2024-01-02T03:04:05Z'))
    sandbox = make_sandbox(clock=clock)
    first = refresh(sandbox, ['http://a.com/1', 'http://b.com/1']).json()['RefreshTaskId'].split(',')
    assert len(first) == 2
    assert refresh(sandbox, ['http://a.com/2']).json()['RefreshTaskId'] == first[0]   # same domain, same second
    clock.advance(1)
    assert refresh(sandbox, ['http://a.com/3']).json()['RefreshTaskId'] not in first
    directories = refresh(sandbox, ['http://a.com/d1/', 'http://a.com/d2/'], 'Directory').json()['RefreshTaskId'].split(',')
    assert len(set(directories)) == 2


def test_every_2000_urls_get_a_new_task_id(make_sandbox):
    sandbox = make_sandbox(clock=Clock(epoch('2024-01-02T03:04:05Z')))
    ids = [refresh(sandbox, [f'http://a.com/{call}/{n}' for n in range(1000)]).json()['RefreshTaskId'] for call in range(3)]
    assert ids[0] == ids[1] != ids[2]


def test_describe_refresh_task_by_id_errors(sandbox):
    assert_error(ali_call(sandbox, 'DescribeRefreshTaskById'), 400, 'MissingParameter')
    assert_error(ali_call(sandbox, 'DescribeRefreshTaskById', TaskId='abc'), 400, 'InvalidTaskId.Malformed')
    assert_error(ali_call(sandbox, 'DescribeRefreshTaskById', TaskId=','.join(str(n) for n in range(11))), 400, 'InvalidTaskId.Malformed')
    assert ali_call(sandbox, 'DescribeRefreshTaskById', TaskId=','.join(str(n) for n in range(10))).json()['Tasks'] == []


def test_describe_refresh_task_by_id_xml_repeats_tasks(sandbox):
    task_id = refresh(sandbox, ['http://example.com/1', 'http://example.com/2']).json()['RefreshTaskId']
    root = ET.fromstring(ali_call(sandbox, 'DescribeRefreshTaskById', TaskId=task_id, Format='XML').content)
    assert root.tag == 'DescribeRefreshTaskByIdResponse'
    assert [task.find('ObjectPath').text for task in root.findall('Tasks')] == ['http://example.com/1', 'http://example.com/2']
    assert root.find('TotalCount').text == '2'


def test_describe_refresh_tasks(make_sandbox):
    clock = Clock(epoch('2024-01-02T03:04:05Z'))
    sandbox = make_sandbox(clock=clock, task_delay=10)
    for n in range(5):
        refresh(sandbox, [f'http://a.com/{n}'])
        clock.advance(1)
    refresh(sandbox, ['http://b.com/d/'], 'Directory')

    def describe(**params):   # DescribeRefreshTasks takes 5 calls per second: pace them on the sandbox clock
        clock.advance(0.25)
        return ali_call(sandbox, 'DescribeRefreshTasks', **params)

    page = describe(PageSize='2', PageNumber='2').json()
    assert (page['PageNumber'], page['PageSize'], page['TotalCount']) == (2, 2, 6)
    assert [row['ObjectPath'] for row in page['Tasks']['CDNTask']] == ['http://a.com/3', 'http://a.com/2']
    assert_error(describe(DomainName='a.com'), 400, 'MissingParameter')
    assert_error(describe(Status='Refreshing'), 400, 'MissingParameter')
    rows = describe(DomainName='a.com', ObjectType='file', Status='Refreshing').json()
    assert rows['TotalCount'] == 5
    assert describe(ObjectType='directory').json()['Tasks']['CDNTask'][0]['ObjectPath'] == 'http://b.com/d/'
    assert describe(ObjectPath='http://a.com/1').json()['TotalCount'] == 1
    assert describe(StartTime='2024-01-02T03:04:07Z', EndTime='2024-01-02T03:04:08Z').json()['TotalCount'] == 2
    assert_error(describe(StartTime='2024-01-02T03:04:07Z', EndTime='2024-01-02T03:04:07Z'),
                 400, 'InvalidEndTime.Mismatch')
    assert_error(describe(StartTime='yesterday'), 400, 'InvalidStartTime.Malformed')
    assert_error(describe(PageSize='101'), 400, 'InvalidPageSize.ValueNotSupported')
    assert_error(describe(TaskId='x1'), 400, 'InvalidTaskId.Malformed')
    assert_error(describe(ObjectType='File'), 400, 'InvalidObjectType.ValueNotSupported')
    clock.advance(3 * 24 * 3600 - 4)   # the directory (created at +5 s) is just inside the 3 days, a.com/4 (+4 s) just out
    assert describe().json()['TotalCount'] == 1   # only the last 3 days


def test_describe_refresh_tasks_xml_nesting(sandbox):
    refresh(sandbox, ['http://example.com/1'])
    root = ET.fromstring(ali_call(sandbox, 'DescribeRefreshTasks', Format='XML').content)
    assert root.find('Tasks/CDNTask/ObjectPath').text == 'http://example.com/1'


def test_push_object_cache(make_sandbox):
    sandbox = make_sandbox(alicdn_quota={'preload': 2})
    response = ali_call(sandbox, 'PushObjectCache', ObjectPath='http://example.com/a\nhttp://example.com/b', Area='domestic')
    assert set(response.json()) == {'PushTaskId', 'RequestId'}
    assert sandbox.tasks['alicdn'][0]['ObjectType'] == 'preload'
    assert_error(ali_call(sandbox, 'PushObjectCache', ObjectPath='http://example.com/c'), 400, 'QuotaExceeded.Refresh')
    assert_error(ali_call(sandbox, 'PushObjectCache', ObjectPath='http://example.com/c', Area='mars'), 400, 'InvalidArea.ValueNotSupported')
    many = '\n'.join(f'http://example.com/{n}' for n in range(101))
    assert_error(ali_call(sandbox, 'PushObjectCache', ObjectPath=many), 400, 'InvalidObjectPath.Size.Malformed')


# -- faults ---------------------------------------------------------------------------------------------------

@pytest.mark.parametrize('kind, http_status, code', [
    ('throttle', 503, 'Throttling'),
    ('error5xx', 500, 'InternalError'),
    ('quota', 400, 'QuotaExceeded.Refresh'),
    ('busy', 403, 'ServiceBusy'),
])
def test_error_faults(sandbox, kind, http_status, code):
    sandbox.inject_fault(vendor='alicdn', action='RefreshObjectCaches', kind=kind, times=2)
    assert ali_call(sandbox, 'DescribeRefreshQuota').status_code == 200
    for dummy in range(2):
        assert_error(refresh(sandbox, ['http://example.com/a']), http_status, code)
    assert refresh(sandbox, ['http://example.com/a']).status_code == 200
    assert [entry['fault'] for entry in sandbox.requests] == [None, kind, kind, None]
    assert [entry['code'] for entry in sandbox.requests] == [None, code, code, None]


def test_throttle_message_and_format(sandbox):
    sandbox.inject_fault(kind='throttle', times=2)
    body = assert_error(ali_call(sandbox, 'DescribeRefreshQuota'), 503, 'Throttling')
    assert body['Message'] == 'Request was denied due to request throttling.'
    response = ali_call(sandbox, 'DescribeRefreshQuota', Format=None)
    assert response.status_code == 503 and ET.fromstring(response.content).find('Code').text == 'Throttling'


def test_drop_fault(sandbox):
    sandbox.inject_fault(vendor='*', action='*', kind='drop')
    with pytest.raises(requests.ConnectionError):
        ali_call(sandbox, 'DescribeRefreshQuota')
    assert ali_call(sandbox, 'DescribeRefreshQuota').status_code == 200
    assert sandbox.requests[0]['http_status'] is None and sandbox.requests[0]['fault'] == 'drop'


def test_slow_fault(sandbox):
    sandbox.inject_fault(vendor='alicdn', kind='slow', delay=0.5)
    params = sign_v2(v2_params(sandbox, 'DescribeRefreshQuota'))
    with pytest.raises(requests.ReadTimeout):
        requests.get(sandbox.url + '/', params=params, timeout=0.2)
    assert ali_call(sandbox, 'DescribeRefreshQuota').status_code == 200
    # the fault fired once: the second call was answered without it (the log, not a stopwatch, says so); the slow
    # call is logged when its delayed answer goes out, usually after the second
    deadline = time.monotonic() + 30
    while len(sandbox.requests) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert sorted((entry['fault'] for entry in sandbox.requests), key=str) == [None, 'slow']


def test_fault_for_another_vendor_does_not_fire(sandbox):
    sandbox.inject_fault(vendor='jdcdn', kind='error5xx')
    assert ali_call(sandbox, 'DescribeRefreshQuota').status_code == 200


def test_credentials_are_configurable(make_sandbox):
    sandbox = make_sandbox(alicdn_credentials={'LTAIother': 'other-secret'})
    assert_error(ali_call(sandbox, 'DescribeRefreshQuota', AccessKeyId=ALI_KEY, secret=ALI_SECRET), 404, 'InvalidAccessKeyId.NotFound')
    assert ali_call(sandbox, 'DescribeRefreshQuota', AccessKeyId='LTAIother', secret='other-secret').status_code == 200


DOMAIN_INPUTS = (
    'https://www.a.com/x.js', 'http://WWW.A.COM/x', 'https://www.a.com', 'https://www.a.com?x=1', 'https://www.a.com#f',
    'HTTPS://static_1.a.com/a b', 'https://www.a.com:8080/x', 'https://user@www.a.com/x', 'https://*.a.com/x',
    'https://www.a.com:99999/x', 'https://-bad.a.com/x', 'https://a..com/x', 'ftp://www.a.com/x', 'www.a.com/x',
    ' https://www.a.com/x', 'https://www.a.com\t/x', 'https://www.a.com/x\ty', 'https://[::1]/x', 'https://ex\u00e4.com/',
    'https:///x', 'https://www.a.com.' + 'x' * 1030,
)


@pytest.mark.parametrize('path', DOMAIN_INPUTS)
def test_the_plain_url_shortcut_gives_what_urlsplit_gives(monkeypatch, path):
    def outcome():
        try:
            return sandbox_alicdn.path_domain(path)
        except sandbox_alicdn.AliError as error:
            return error.code

    fast = outcome()
    monkeypatch.setattr(sandbox_alicdn, 'PLAIN_URL_RE', re.compile(r'(?!)'))   # matches nothing: urlsplit for all
    assert fast == outcome()
