# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Issue 10 support: the ECS metadata RAM-role routes, STS AssumeRole, and temporary keys on the CDN side."""

from __future__ import annotations

import json
import re

import pytest
import requests
from aliyunsdkcore.acs_exception.exceptions import ServerException
from aliyunsdkcore.client import AcsClient
from aliyunsdkcore.request import CommonRequest
from alibabacloud_cdn20180510 import models as tea_models
from alibabacloud_cdn20180510.client import Client as TeaClient
from alibabacloud_tea_openapi import models as openapi_models

import sandbox_alicdn
from sandbox_testlib import ALI_KEY, ALI_SECRET, Clock, ali_call, epoch, v3_headers

START = epoch('2024-01-02T03:04:05Z')
ROLE = 'acs:ram::1234567890123456:role/cdn-refresher'
TOKEN_PATH = '/latest/api/token'
ROLES_PATH = '/latest/meta-data/ram/security-credentials/'


def assume_role(sandbox, key_id=ALI_KEY, secret=ALI_SECRET, **params):
    params.setdefault('RoleArn', ROLE)
    params.setdefault('RoleSessionName', 'ansible')
    return ali_call(sandbox, 'AssumeRole', Version='2015-04-01', AccessKeyId=key_id, secret=secret, **params)


def code_of(response):
    return response.status_code, response.json()['Code']


def cdn_quota(sandbox, credentials, token=True):
    """DescribeRefreshQuota signed with temporary credentials (and their token when token is true)."""
    return ali_call(sandbox, 'DescribeRefreshQuota', AccessKeyId=credentials['AccessKeyId'], secret=credentials['AccessKeySecret'],
                    SecurityToken=credentials['SecurityToken'] if token else None)


# -- ECS metadata ----------------------------------------------------------------------------------------------

def metadata_token(sandbox, ttl='21600'):
    headers = {} if ttl is None else {'X-aliyun-ecs-metadata-token-ttl-seconds': ttl}
    return requests.put(sandbox.url + TOKEN_PATH, headers=headers, timeout=10)


def metadata_get(sandbox, path, token=None):
    headers = {} if token is None else {'X-aliyun-ecs-metadata-token': token}
    return requests.get(sandbox.url + path, headers=headers, timeout=10)


def test_metadata_token(make_sandbox):
    sandbox = make_sandbox(clock=Clock(START))
    response = metadata_token(sandbox)
    assert response.status_code == 200 and response.headers['Content-Type'].startswith('text/plain')
    assert re.fullmatch(r'[A-Za-z0-9_-]{20,}', response.text)
    assert metadata_token(sandbox, ttl=None).status_code == 400
    assert [metadata_token(sandbox, ttl).status_code for ttl in ('0', '21601', 'soon', '1')] == [400, 400, 400, 200]
    assert requests.get(sandbox.url + TOKEN_PATH, timeout=10).status_code == 405
    assert [entry['action'] for entry in sandbox.calls('ecs')] == ['token'] * 7
    assert sandbox.calls('ecs')[0]['params'] == {'ttl': '21600'}


def test_metadata_role_list_and_credentials(make_sandbox):
    clock = Clock(START)
    sandbox = make_sandbox(clock=clock, ecs_roles=['EcsCdnRole'])
    listing = metadata_get(sandbox, ROLES_PATH)   # normal mode: no token needed
    assert (listing.status_code, listing.text) == (200, 'EcsCdnRole')
    body = metadata_get(sandbox, ROLES_PATH + 'EcsCdnRole').json()
    assert set(body) == {'AccessKeyId', 'AccessKeySecret', 'Expiration', 'SecurityToken', 'LastUpdated', 'Code'}
    assert body['Code'] == 'Success' and body['AccessKeyId'].startswith('STS.')
    assert body['LastUpdated'] == '2024-01-02T03:04:05Z' and body['Expiration'] == '2024-01-02T09:04:05Z'
    assert metadata_get(sandbox, ROLES_PATH + 'EcsCdnRole').json() == body   # the same set until it nears expiry
    assert metadata_get(sandbox, ROLES_PATH + 'OtherRole').status_code == 404
    assert metadata_get(sandbox, '/latest/meta-data/instance-id').status_code == 404
    assert cdn_quota(sandbox, body).status_code == 200
    assert sandbox.calls('alicdn')[0]['access_key_id'] == body['AccessKeyId']
    assert sandbox.issued_credentials() == [{'AccessKeyId': body['AccessKeyId'], 'Expiration': body['Expiration'],
                                             'source': 'EcsRamRole', 'role': 'EcsCdnRole', 'session': None, 'caller': None}]
    clock.advance(5 * 3600 + 1)   # less than an hour left: a new set
    renewed = metadata_get(sandbox, ROLES_PATH + 'EcsCdnRole').json()
    assert renewed['AccessKeyId'] != body['AccessKeyId'] and renewed['LastUpdated'] == '2024-01-02T08:04:06Z'
    clock.advance(3600)
    assert code_of(cdn_quota(sandbox, body)) == (400, 'InvalidSecurityToken.Expired')
    assert cdn_quota(sandbox, renewed).status_code == 200


def test_metadata_without_a_role(sandbox):
    assert metadata_get(sandbox, ROLES_PATH).status_code == 404
    assert metadata_get(sandbox, ROLES_PATH + 'EcsCdnRole').status_code == 404


def test_metadata_hardened_mode_requires_a_valid_token(make_sandbox):
    clock = Clock(START)
    sandbox = make_sandbox(clock=clock, ecs_roles=['EcsCdnRole'], ecs_metadata_require_token=True)
    assert metadata_get(sandbox, ROLES_PATH).status_code == 401
    assert metadata_get(sandbox, ROLES_PATH + 'EcsCdnRole').status_code == 401
    assert metadata_get(sandbox, ROLES_PATH, token='made-up').status_code == 401
    token = metadata_token(sandbox, ttl='60').text
    assert metadata_get(sandbox, ROLES_PATH, token=token).text == 'EcsCdnRole'
    assert metadata_get(sandbox, ROLES_PATH + 'EcsCdnRole', token=token).json()['Code'] == 'Success'
    clock.advance(60)
    assert metadata_get(sandbox, ROLES_PATH, token=token).status_code == 401   # expired
    sandbox.set_config(ecs_metadata_require_token=False)
    assert metadata_get(sandbox, ROLES_PATH, token=token).status_code == 401   # a bad token is refused in any mode
    assert metadata_get(sandbox, ROLES_PATH).status_code == 200


def test_metadata_down_and_faults(make_sandbox):
    sandbox = make_sandbox(ecs_roles=['EcsCdnRole'], ecs_metadata_down=True)
    with pytest.raises(requests.ConnectionError):
        metadata_token(sandbox)
    with pytest.raises(requests.ConnectionError):
        metadata_get(sandbox, ROLES_PATH)
    assert [(entry['http_status'], entry['fault']) for entry in sandbox.calls('ecs')] == [(None, 'down'), (None, 'down')]
    sandbox.set_config(ecs_metadata_down=False)
    sandbox.inject_fault(vendor='ecs', action='credentials', kind='error5xx')
    assert metadata_get(sandbox, ROLES_PATH + 'EcsCdnRole').status_code == 500
    assert metadata_get(sandbox, ROLES_PATH + 'EcsCdnRole').status_code == 200
    sandbox.inject_fault(vendor='ecs', action='token', kind='drop')
    with pytest.raises(requests.ConnectionError):
        metadata_token(sandbox)
    with pytest.raises(ValueError):
        sandbox.inject_fault(vendor='ecs', kind='throttle')


# -- STS AssumeRole --------------------------------------------------------------------------------------------

def test_assume_role_and_the_cdn_call_signed_with_the_temporary_key(make_sandbox):
    sandbox = make_sandbox(clock=Clock(START), sts_roles={ROLE: True})
    response = assume_role(sandbox, DurationSeconds='1800')
    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) == {'RequestId', 'AssumedRoleUser', 'Credentials'}
    credentials = body['Credentials']
    assert set(credentials) == {'AccessKeyId', 'AccessKeySecret', 'SecurityToken', 'Expiration'}
    assert credentials['AccessKeyId'].startswith('STS.') and credentials['Expiration'] == '2024-01-02T03:34:05Z'
    assert body['AssumedRoleUser']['Arn'] == ROLE + '/ansible'
    assert re.fullmatch(r'\d+:ansible', body['AssumedRoleUser']['AssumedRoleId'])
    assert cdn_quota(sandbox, credentials).status_code == 200
    assert code_of(cdn_quota(sandbox, credentials, token=False)) == (400, 'MissingSecurityToken')
    assert code_of(ali_call(sandbox, 'DescribeRefreshQuota', AccessKeyId=credentials['AccessKeyId'],
                            secret=credentials['AccessKeySecret'], SecurityToken='other')) == (400, 'InvalidSecurityToken.MismatchWithAccessKey')
    assert [(entry['vendor'], entry['action'], entry['access_key_id']) for entry in sandbox.requests] == [
        ('sts', 'AssumeRole', ALI_KEY), ('alicdn', 'DescribeRefreshQuota', credentials['AccessKeyId']),
        ('alicdn', 'DescribeRefreshQuota', credentials['AccessKeyId']), ('alicdn', 'DescribeRefreshQuota', credentials['AccessKeyId'])]
    assert sandbox.issued_credentials() == [{'AccessKeyId': credentials['AccessKeyId'], 'Expiration': '2024-01-02T03:34:05Z',
                                             'source': 'AssumeRole', 'role': ROLE, 'session': 'ansible', 'caller': ALI_KEY}]
    assert requests.get(sandbox.url + '/_sandbox/credentials', timeout=10).json() == sandbox.issued_credentials()


def test_temporary_key_expires(make_sandbox):
    clock = Clock(START)
    sandbox = make_sandbox(clock=clock, sts_roles={ROLE: True})
    credentials = assume_role(sandbox, DurationSeconds='900').json()['Credentials']
    clock.advance(899)
    assert cdn_quota(sandbox, credentials).status_code == 200
    clock.advance(1)
    assert code_of(cdn_quota(sandbox, credentials)) == (400, 'InvalidSecurityToken.Expired')


def test_assume_role_errors(make_sandbox):
    sandbox = make_sandbox(clock=Clock(START), sts_roles={ROLE: True, 'acs:ram::1234567890123456:role/denied': False})
    sandbox.add_role('acs:ram::1234567890123456:role/long', max_session_duration=43200)
    assert code_of(assume_role(sandbox, RoleArn='acs:ram::1234567890123456:role/unknown')) == (404, 'EntityNotExist.Role')
    assert code_of(assume_role(sandbox, RoleArn='acs:ram::1234567890123456:role/denied')) == (403, 'NoPermission')
    assert code_of(assume_role(sandbox, RoleArn='acs:ram::1234567890123456:user/alice')) == (400, 'InvalidParameter.RoleArn')
    assert code_of(assume_role(sandbox, RoleSessionName='a')) == (400, 'InvalidParameter.RoleSessionName')
    assert code_of(assume_role(sandbox, RoleSessionName='a b')) == (400, 'InvalidParameter.RoleSessionName')
    assert code_of(assume_role(sandbox, RoleArn='')) == (400, 'MissingParameter')
    assert code_of(assume_role(sandbox, Policy='{"Version": ')) == (400, 'InvalidParameter.PolicyGrammar')
    for duration in ('899', '3601', 'long'):
        refused = assume_role(sandbox, DurationSeconds=duration)
        assert code_of(refused) == (400, 'InvalidParameter.DurationSeconds')
        assert refused.json()['Message'] == 'The Min/Max value of DurationSeconds is 15min/1hr.'
    assert assume_role(sandbox, DurationSeconds='3600').status_code == 200
    long_role = {'RoleArn': 'acs:ram::1234567890123456:role/long'}
    assert assume_role(sandbox, DurationSeconds='43200', **long_role).json()['Credentials']['Expiration'] == '2024-01-02T15:04:05Z'
    assert code_of(assume_role(sandbox, DurationSeconds='43201', **long_role)) == (400, 'InvalidParameter.DurationSeconds')
    wrong = assume_role(sandbox, secret='wrong')
    assert code_of(wrong) == (400, 'SignatureDoesNotMatch') and wrong.json()['HostId'] == 'sts.aliyuncs.com'
    assert code_of(ali_call(sandbox, 'GetCallerIdentity', Version='2015-04-01')) == (404, 'InvalidAction.NotFound')
    assert len(sandbox.issued_credentials()) == 2   # only the two successful calls issued keys


def test_role_chaining_with_temporary_credentials(make_sandbox):
    sandbox = make_sandbox(clock=Clock(START), sts_roles={ROLE: True})
    first = assume_role(sandbox).json()['Credentials']
    second = assume_role(sandbox, key_id=first['AccessKeyId'], secret=first['AccessKeySecret'], SecurityToken=first['SecurityToken'])
    assert second.status_code == 200
    assert sandbox.issued_credentials()[1]['caller'] == first['AccessKeyId']
    assert code_of(assume_role(sandbox, key_id=first['AccessKeyId'], secret=first['AccessKeySecret'])) == (400, 'MissingSecurityToken')


def test_sts_faults(make_sandbox):
    sandbox = make_sandbox(sts_roles={ROLE: True})
    sandbox.inject_fault(vendor='sts', action='AssumeRole', kind='error5xx')
    assert code_of(assume_role(sandbox)) == (500, 'InternalError')
    sandbox.inject_fault(vendor='sts', kind='lost')
    with pytest.raises(requests.ConnectionError):
        assume_role(sandbox)
    assert len(sandbox.issued_credentials()) == 1   # the lost call issued a key
    assert assume_role(sandbox).status_code == 200


# -- a token with a permanent key ------------------------------------------------------------------------------

def test_security_token_with_a_permanent_key_is_refused(sandbox):
    refused = ali_call(sandbox, 'DescribeRefreshQuota', SecurityToken='stale-token')
    assert code_of(refused) == (400, 'InvalidSecurityToken.MismatchWithAccessKey')
    headers = v3_headers(sandbox, 'DescribeRefreshQuota', extra={'x-acs-security-token': 'stale-token'})
    assert code_of(requests.post(sandbox.url + '/', headers=headers, timeout=10)) == (400, 'InvalidSecurityToken.MismatchWithAccessKey')
    assert ali_call(sandbox, 'DescribeRefreshQuota').status_code == 200
    assert sandbox.requests[0]['params']['SecurityToken'] == '***'


# -- the official SDKs -----------------------------------------------------------------------------------------

def test_sdks_assume_role_then_refresh(make_sandbox):
    sandbox = make_sandbox(sts_roles={ROLE: True})
    endpoint = sandbox.url.split('//', 1)[1]
    client = AcsClient(ALI_KEY, ALI_SECRET, 'cn-hangzhou', auto_retry=False, timeout=10, connect_timeout=5)
    request = CommonRequest(domain=endpoint, version='2015-04-01', action_name='AssumeRole')
    request.set_protocol_type('http')
    request.set_method('POST')
    request.add_query_param('RoleArn', ROLE)
    request.add_query_param('RoleSessionName', 'sdk-session')
    request.add_query_param('DurationSeconds', '900')
    credentials = json.loads(client.do_action_with_exception(request))['Credentials']
    config = openapi_models.Config(access_key_id=credentials['AccessKeyId'], access_key_secret=credentials['AccessKeySecret'],
                                   security_token=credentials['SecurityToken'], endpoint=endpoint, protocol='http',
                                   region_id='cn-hangzhou', read_timeout=10000, connect_timeout=5000)
    pushed = TeaClient(config).refresh_object_caches(tea_models.RefreshObjectCachesRequest(object_path='http://example.com/x'))
    assert pushed.body.refresh_task_id.isdigit()
    assert [entry['access_key_id'] for entry in sandbox.calls('alicdn', 'RefreshObjectCaches')] == [credentials['AccessKeyId']]
    request.add_query_param('RoleArn', 'acs:ram::1234567890123456:role/unknown')
    with pytest.raises(ServerException) as caught:
        client.do_action_with_exception(request)
    assert (caught.value.get_error_code(), caught.value.get_http_status()) == ('EntityNotExist.Role', 404)


def test_admin_config_for_identity(sandbox):
    admin = sandbox.url + '/_sandbox/config'
    config = requests.post(admin, json={'sts_roles': {ROLE: True}, 'ecs_roles': ['EcsCdnRole'],
                                        'ecs_metadata_require_token': True}, timeout=10).json()
    assert config['sts_roles'] == {ROLE: {'allowed': True, 'max_session_duration': 3600}}
    assert config['ecs_roles'] == ['EcsCdnRole'] and config['ecs_metadata_require_token'] is True
    assert requests.post(admin, json={'sts_roles': {ROLE: {'max_session_duration': 50000}}}, timeout=10).status_code == 400
    assert assume_role(sandbox).status_code == 200
    assert sandbox_alicdn.parse_time(sandbox.issued_credentials()[0]['Expiration']) > sandbox.now()
