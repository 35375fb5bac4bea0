# Copyright (c) 2026, cdnops.cdn contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The Alibaba signer against the published vectors (vendor-apis.md A2.4), and the client's answer handling."""

from __future__ import annotations

import calendar
import time
from urllib.parse import quote

import pytest

from ansible_collections.cdnops.cdn.plugins.module_utils import _alicdn
from ansible_collections.cdnops.cdn.plugins.module_utils._errors import ApiError, QuotaUnreadableError

V2_1 = dict(AccessKeyId='testid', Action='DescribeRegions', Format='XML', SignatureMethod='HMAC-SHA1',
            SignatureNonce='3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf', SignatureVersion='1.0', Timestamp='2016-02-23T12:46:24Z',
            Version='2014-05-26')
V2_2 = dict(AccessKeyId='testid', Action='DescribeDedicatedHosts', Format='JSON', RegionId='cn-beijing', SignatureMethod='HMAC-SHA1',
            SignatureNonce='edb2b34af0af9a6d14deaf7c1a5315eb', SignatureVersion='1.0', Timestamp='2023-03-13T08:34:30Z',
            Version='2014-05-26')
V2_3 = dict(SignatureVersion='1.0', Format='JSON', Timestamp='2015-08-06T02:19:46Z', AccessKeyId='testid', SignatureMethod='HMAC-SHA1',
            Version='2014-11-11', Action='DescribeCdnService', SignatureNonce='9b7a44b0-3be1-11e5-8c73-08002700c460')
OBJECT_PATH = 'http://example.com/a b/*.jpg?x=1~\nhttp://example.com/dir/'
V2_5 = dict(ObjectPath=OBJECT_PATH, ObjectType='File', Version='2018-05-10', Action='RefreshObjectCaches', Format='JSON',
            RegionId='cn-hangzhou', SignatureMethod='HMAC-SHA1', SignatureType='', SignatureVersion='1.0', AccessKeyId='testid',
            SignatureNonce='c1a2f1e0-0000-4000-8000-000000000001', Timestamp='2024-01-02T03:04:05Z')
V2_6 = dict(Action='RefreshObjectCaches', Format='json', Version='2018-05-10', Timestamp='2024-01-02T03:04:05Z',
            SignatureNonce='c1a2f1e000004000800000000000001a', SignatureMethod='HMAC-SHA1', SignatureVersion='1.0', AccessKeyId='testid',
            Force='True', ObjectPath=OBJECT_PATH, ObjectType='File')
V2_7 = dict(AccessKeyId='testid', Action='RefreshObjectCaches', Format='JSON', ObjectPath=OBJECT_PATH, ObjectType='File',
            SignatureMethod='HMAC-SHA1', SignatureNonce='c1a2f1e0-0000-4000-8000-000000000001', SignatureVersion='1.0',
            Timestamp='2024-01-02T03:04:05Z', Version='2018-05-10')
V2_4 = dict(V2_1, SignatureType='')


@pytest.mark.parametrize('method, params, expected', [
    ('GET', V2_1, 'OLeaidS1JvxuMvnyHOwuJ+uX5qY='),
    ('GET', V2_2, '9NaGiOspFP5UPcwX8Iwt2YJXXuk='),
    ('GET', V2_3, 'KkkQOf0ymKf4yVZLggy6kYiwgFs='),
    ('GET', V2_4, 'l2RHWHoXOKbFEAkq17TTwV31vac='),
    ('POST', V2_5, 'pHw7Y0xVMW8VXK8haKGki780EzI='),
    ('POST', V2_6, 'X9kFf/pbKJET1cnHyHzub4MM2Hc='),
    ('GET', V2_7, 'V09+jmhPFegbOWaLyNIfcefz5a8='),
    ('POST', V2_7, 'y3JpeHkwUNQAGjnpCtvMz3YzZmg='),
], ids=['V2-1', 'V2-2', 'V2-3', 'V2-4', 'V2-5', 'V2-6', 'V2-7-GET', 'V2-7-POST'])
def test_published_signature_vectors(method, params, expected):
    assert _alicdn.sign(method, params, 'testsecret') == expected


def test_string_to_sign_encodes_twice():
    expected = ('GET&%2F&AccessKeyId%3Dtestid%26Action%3DDescribeRegions%26Format%3DXML%26SignatureMethod%3DHMAC-SHA1'
                '%26SignatureNonce%3D3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf%26SignatureVersion%3D1.0'
                '%26Timestamp%3D2016-02-23T12%253A46%253A24Z%26Version%3D2014-05-26')
    assert _alicdn.string_to_sign('GET', V2_1) == expected


@pytest.mark.parametrize('raw, encoded', [(' ', '%20'), ('*', '%2A'), ('~', '~'), ('+', '%2B'), ('/', '%2F'), ('%', '%25'), ('\n', '%0A'),
                                          ('é', '%C3%A9')])
def test_percent_encode_rule(raw, encoded):
    assert _alicdn.rpc_percent_encode(raw) == encoded


@pytest.mark.parametrize('raw', [
    '', 'plain-_.~09AZaz', ''.join(map(chr, range(0x300))), '\U0001f600 \u4e2d\u6587 caf\u00e9', '%%25%zz%',
    OBJECT_PATH, 'https://d1.example.com/a%20b.js?x=1&y=2\nhttps://d2.example.com/%E4%B8%AD/', '%41' * 3 + '=&+*~',
])
def test_percent_encode_is_urllib_quote_with_only_unreserved_characters_safe(raw):
    assert _alicdn.rpc_percent_encode(raw) == quote(raw, safe='-_.~')
    assert _alicdn.rpc_percent_encode(quote(raw, safe='-_.~')) == quote(quote(raw, safe='-_.~'), safe='-_.~')


def test_percent_encode_refuses_a_lone_surrogate_as_quote_does():
    with pytest.raises(UnicodeEncodeError):
        quote('a\ud800', safe='-_.~')
    with pytest.raises(UnicodeEncodeError):
        _alicdn.rpc_percent_encode('a\ud800')


def test_signed_query_with_pinned_clock_and_nonce_gives_v2_7():
    now = calendar.timegm(time.strptime('2024-01-02T03:04:05Z', '%Y-%m-%dT%H:%M:%SZ'))
    credentials = dict(access_key_id='testid', access_key_secret='testsecret')
    query = _alicdn.signed_query('RefreshObjectCaches', dict(ObjectPath=OBJECT_PATH, ObjectType='File'), credentials,
                                 now=lambda: now, nonce=lambda: 'c1a2f1e0-0000-4000-8000-000000000001')
    assert query['Signature'] == 'y3JpeHkwUNQAGjnpCtvMz3YzZmg='
    assert 'ObjectPath' not in query  # operation parameters travel in the form body
    assert 'SecurityToken' not in query


def test_security_token_is_signed():
    credentials = dict(access_key_id='STS.id', access_key_secret='s', security_token='token/with+chars=')
    query = _alicdn.signed_query('DescribeRefreshQuota', {}, credentials, now=lambda: 0, nonce=lambda: 'n')
    unsigned = dict((k, v) for k, v in query.items() if k != 'Signature')
    assert query['SecurityToken'] == 'token/with+chars='
    assert query['Signature'] == _alicdn.sign('POST', unsigned, 's')


class FakeResponse:
    """Just the attributes parse_response reads; the HTTP exchanges themselves are tested against the sandbox."""

    def __init__(self, status_code, text, headers=None):
        self.status_code = status_code
        self.text = text
        self.headers = headers or {}

    def json(self):
        import json
        return json.loads(self.text)


def test_error_mapping_keeps_code_status_request_id_and_hides_string_to_sign():
    body = ('{"RequestId":"R-1","HostId":"cdn.aliyuncs.com","Code":"SignatureDoesNotMatch","Message":'
            '"Specified signature is not matched with our calculation. server string to sign is:POST&%2F&SecurityToken%3Dsecret-token"}')
    with pytest.raises(ApiError) as info:
        _alicdn.parse_response('RefreshObjectCaches')(FakeResponse(400, body))
    error = info.value
    assert (error.http_status, error.code, error.request_id, error.retryable) == (400, 'SignatureDoesNotMatch', 'R-1', False)
    assert 'secret-token' not in str(error)
    assert 'check access_key_secret' in str(error)


@pytest.mark.parametrize('status, code, retryable', [
    (503, 'Throttling', True), (400, 'Throttling.User', True), (500, 'InternalError', True), (403, 'ServiceBusy', True),
    (400, 'QuotaExceeded.Refresh', False), (404, 'InvalidDomain.NotFound', False), (400, 'InvalidTimeStamp.Expired', False),
])
def test_retryable_codes(status, code, retryable):
    with pytest.raises(ApiError) as info:
        _alicdn.parse_response('RefreshObjectCaches')(FakeResponse(status, '{"Code":"%s","Message":"m","RequestId":"r"}' % code))
    assert info.value.retryable is retryable


def test_non_json_answer_is_an_api_error_not_a_traceback():
    with pytest.raises(ApiError) as info:
        _alicdn.parse_response('RefreshObjectCaches')(FakeResponse(502, '<html>Bad Gateway</html>', {'Retry-After': '3'}))
    assert info.value.retryable and info.value.retry_after == 3
    assert 'not JSON' in str(info.value) and 'HTTP 502' in str(info.value)


def test_throttling_hint_in_milliseconds():
    with pytest.raises(ApiError) as info:
        _alicdn.parse_response('RefreshObjectCaches')(FakeResponse(503, '{"Code":"Throttling","Message":"m"}', {'x-acs-retry-after': '2500'}))
    assert info.value.retry_after == 2.5


def test_rows_fold_into_tasks():
    rows = [dict(TaskId='1', ObjectPath='http://a.com/x', Status='Complete', Process='100%', Description=''),
            dict(TaskId='1', ObjectPath='http://a.com/y', Status='Failed', Process='100%', Description='Origin Timeout'),
            dict(TaskId='2', ObjectPath='http://a.com/z', Status='Refreshing', Process='40%', Description='')]
    one, two, three = _alicdn.tasks_from_rows(['1', '2', '3'], rows)
    assert (one['status'], one['failed_paths'], one['reason']) == ('failed', ['http://a.com/y'], 'Origin Timeout')
    assert (two['status'], two['progress']) == ('running', 40.0)
    assert (three['status'], three['paths']) == ('running', [])


class RefusingTransport:
    """Answers every call with the given vendor error, through the client's own parser."""

    def __init__(self, code):
        self.code = code

    def call(self, action, prepare, parse, mutating=False):
        return parse(FakeResponse(403, '{"Code":"%s","Message":"refused","RequestId":"R-2"}' % self.code))


def client_refused(code):
    return _alicdn.AlicdnClient(RefusingTransport(code), 'https://cdn.aliyuncs.com', dict(access_key_id='id', access_key_secret='s'))


def test_a_quota_the_policy_may_not_read_is_reported_as_unreadable():
    with pytest.raises(QuotaUnreadableError) as info:
        client_refused('Forbidden.RAM').read_quota()
    assert 'Forbidden.RAM' in str(info.value) and 'RAM user needs' in str(info.value)


def test_other_quota_errors_still_stop_the_refresh():
    with pytest.raises(ApiError, match='SignatureDoesNotMatch'):
        client_refused('SignatureDoesNotMatch').read_quota()


@pytest.mark.parametrize('status, code, ambiguous', [
    (500, 'InternalError', True), (503, 'ServiceUnavailable', False), (503, 'Throttling', False),
    (400, 'Throttling.User', False), (502, None, True),
])
def test_which_answers_may_follow_processing(status, code, ambiguous):
    body = '{"Code":"%s","Message":"m"}' % code if code else '<html>Bad Gateway</html>'
    with pytest.raises(ApiError) as info:
        _alicdn.parse_response('RefreshObjectCaches')(FakeResponse(status, body))
    assert info.value.ambiguous is ambiguous


def test_limits_and_rules_are_declared():
    client = client_refused('x')
    assert client.call_limit('refresh', 'file') == (1000, 10)
    assert client.call_limit('refresh', 'directory') == (100, 10)
    assert client.call_limit('refresh', 'regex') == (1, 10)
    assert client.call_limit('prefetch', 'file') == (100, 10)
    assert client.rules.bare_host and client.rules.raw_types == frozenset(['regex'])


# -- DescribeRefreshTasks searches (issue 9) --------------------------------------------------------------------


class PagingTransport:
    """Answers DescribeRefreshTasks with `pages` in turn ({'rows': [...], 'total': n}) and records the parameters."""

    clock = staticmethod(lambda: NOW)

    def __init__(self, pages):
        self.pages = list(pages)
        self.searches = []

    def call(self, action, prepare, parse, mutating=False):
        request = prepare()
        query = dict(part.split('=', 1) for part in (request['url'].split('?', 1)[1] + '&' + request['data']).split('&'))
        self.searches.append({name: value for name, value in query.items() if name in SEARCH_PARAMETERS})
        page = self.pages.pop(0)
        return dict(Tasks=dict(CDNTask=page['rows']), PageSize=page.get('size', 100), TotalCount=page['total'])


NOW = calendar.timegm((2026, 11, 30, 12, 0, 0))
SEARCH_PARAMETERS = ('ObjectType', 'DomainName', 'PageNumber', 'PageSize', 'StartTime', 'EndTime', 'ObjectPath')


def row(task_id, path, object_type='file', status='Complete', created='2026-11-30T11:59:00Z'):
    return dict(TaskId=task_id, ObjectPath=path, ObjectType=object_type, Status=status, Process='100%',
                CreationTime=created, Description='Origin Timeout' if status == 'Failed' else '')


def searching_client(pages):
    return _alicdn.AlicdnClient(PagingTransport(pages), 'https://cdn.aliyuncs.com', dict(access_key_id='id', access_key_secret='s'))


def test_a_search_reads_every_page_and_stops_at_the_total():
    rows = [row(str(n // 100), 'http://a.com/%d' % n) for n in range(250)]
    client = searching_client([dict(rows=rows[:100], total=250), dict(rows=rows[100:200], total=250),
                               dict(rows=rows[200:], total=250)])
    tasks = client.find_tasks('refresh', 'file', domain=['a.com'], since=NOW - 3600)
    assert [len(task['paths']) for task in tasks] == [100, 100, 50]
    searches = client.transport.searches
    assert [search['PageNumber'] for search in searches] == ['1', '2', '3']
    assert searches[0] == dict(ObjectType='file', DomainName='a.com', PageNumber='1', PageSize='100',
                               StartTime='2026-11-30T11%3A00%3A00Z', EndTime='2026-11-30T12%3A05%3A00Z')


def test_rows_that_move_to_the_next_page_are_read_once_and_a_full_last_page_ends_the_search():
    first = [row('2', 'http://a.com/%d' % n) for n in range(100)]
    second = [row('2', 'http://a.com/99')] + [row('1', 'http://a.com/x%d' % n) for n in range(99)]
    client = searching_client([dict(rows=first, total=200), dict(rows=second, total=200)])
    (newer, older) = client.find_tasks('refresh', 'file', domain='a.com', since=NOW - 3600)
    assert len(newer['paths']) == 100 and len(older['paths']) == 99
    assert len(client.transport.searches) == 2


def test_rows_of_another_type_domain_or_older_than_since_are_dropped():
    rows = [row('1', 'http://a.com/1'), row('2', 'http://b.com/1'), row('3', 'http://a.com/2', object_type='directory'),
            row('4', 'http://a.com/3', created='2026-11-30T10:00:00Z')]
    client = searching_client([dict(rows=rows, total=4)])
    assert [task['task_id'] for task in client.find_tasks('refresh', 'file', domain='a.com', since=NOW - 3600)] == ['1']


def test_ignore_params_is_one_search_without_type_or_domain_and_keeps_rows_of_no_documented_type():
    rows = [row('1', 'http://a.com/1', object_type='ignoreparams'), row('2', 'http://a.com/2', object_type='file'),
            row('3', 'https://c.com:8443/1', object_type='IgnoreParams'), row('4', 'http://z.com/1', object_type='x')]
    client = searching_client([dict(rows=rows, total=4)])
    tasks = client.find_tasks('refresh', 'ignore_params', domain=['a.com', 'c.com'], since=NOW - 3600)
    assert [task['task_id'] for task in tasks] == ['1', '3']
    (search,) = client.transport.searches
    assert 'ObjectType' not in search and 'DomainName' not in search


def test_the_lookup_is_declared_with_its_window_and_the_per_minute_limit():
    client = searching_client([])
    assert client.finds_tasks and client.task_history == 3 * 24 * 3600
    assert client.per_minute_types == {'refresh': ('file', 'ignore_params')}
    assert 'QuotaPerMinuteExceeded.Refresh' in client.per_minute_codes
    assert client.now() == NOW      # the transport's clock, for EndTime and the signature's Timestamp
