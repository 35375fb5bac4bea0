# Copyright (c) 2026, cdnops.cdn contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The Alibaba credential chain piece by piece: sources, their order, profiles, ECS metadata and STS against the
sandbox, renewal, and what is handed to no_log."""

from __future__ import annotations

import functools
import json

import pytest

from ansible_collections.cdnops.cdn.plugins.module_utils import _alicdn, _credentials
from ansible_collections.cdnops.cdn.plugins.module_utils._credentials import Credentials
from ansible_collections.cdnops.cdn.plugins.module_utils._errors import ApiError, NetworkError, ValidationError
from ansible_collections.cdnops.cdn.plugins.module_utils._transport import RetryPolicy, Transport

ROLE_ARN = 'acs:ram::123456789012:role/cdn-refresh'


@pytest.fixture
def hidden():
    """The values handed to Transport.no_log (module.no_log_values.add in a module)."""
    return []


@pytest.fixture
def transport(hidden):
    return Transport(timeout=5, retry=RetryPolicy(attempts=2, sleep=lambda seconds: None), no_log=hidden.append)


def resolve(params, transport, environ):
    return _credentials.resolve(params, transport, functools.partial(_alicdn.rpc_call, transport), environ=environ)


def write(tmp_path, config, name='config.json'):
    path = tmp_path / name
    path.write_text(config if isinstance(config, str) else json.dumps(config))
    return str(path)


def no_file(tmp_path):
    return {'ALICLOUD_SHARED_CREDENTIALS_FILE': str(tmp_path / 'absent.json')}


# --- settings and the first two sources ---------------------------------------------------------------------------

def test_a_setting_comes_from_the_option_then_the_first_variable_set():
    environ = {'ALIBABA_CLOUD_PROFILE': 'a', 'ALICLOUD_PROFILE': 'b'}
    assert _credentials.setting({'profile': 'opt'}, environ, 'profile') == ('opt', 'profile')
    assert _credentials.setting({'profile': None}, environ, 'profile') == ('a', 'ALIBABA_CLOUD_PROFILE')
    assert _credentials.setting({}, {'ALICLOUD_PROFILE': 'b'}, 'profile') == ('b', 'ALICLOUD_PROFILE')
    assert _credentials.setting({}, {}, 'profile') == (None, None)


def test_options_are_one_unit():
    assert _credentials.from_options({}) is None
    credentials = _credentials.from_options(dict(access_key_id='id', access_key_secret='s', security_token='t'))
    assert (credentials.access_key_id, credentials.access_key_secret, credentials.security_token) == ('id', 's', 't')
    assert credentials.source == 'options'


@pytest.mark.parametrize('given, missing', [
    (dict(access_key_id='id'), 'not access_key_secret'),
    (dict(access_key_secret='s'), 'not access_key_id'),
    (dict(security_token='t'), 'not access_key_id and access_key_secret'),
])
def test_some_options_without_the_others_are_an_error(given, missing):
    with pytest.raises(ValidationError) as info:
        _credentials.from_options(given)
    assert missing in str(info.value) and 'never completed from the environment' in str(info.value)


def test_the_alibaba_cloud_family_comes_before_the_legacy_one(transport):
    environ = {'ALIBABA_CLOUD_ACCESS_KEY_ID': 'new', 'ALIBABA_CLOUD_ACCESS_KEY_SECRET': 'new-s',
               'ALICLOUD_ACCESS_KEY': 'old', 'ALICLOUD_SECRET_KEY': 'old-s', 'ALICLOUD_SECURITY_TOKEN': 'old-t'}
    credentials = _credentials.from_environment(environ, transport, [])
    assert (credentials.access_key_id, credentials.security_token) == ('new', None)
    assert credentials.source == 'environment (ALIBABA_CLOUD_*)'


def test_an_incomplete_family_is_skipped_and_never_mixed(transport):
    environ = {'ALIBABA_CLOUD_ACCESS_KEY_ID': 'new', 'ALIBABA_CLOUD_SECURITY_TOKEN': 'stale',
               'ALICLOUD_ACCESS_KEY': 'old', 'ALICLOUD_SECRET_KEY': 'old-s'}
    looked = []
    credentials = _credentials.from_environment(environ, transport, looked)
    assert (credentials.access_key_id, credentials.access_key_secret, credentials.security_token) == ('old', 'old-s', None)
    assert credentials.source == 'environment (ALICLOUD_*)'
    assert looked == ['the environment ALIBABA_CLOUD_ACCESS_KEY_ID/ALIBABA_CLOUD_ACCESS_KEY_SECRET (only '
                      'ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_SECURITY_TOKEN is set)']


def test_options_win_over_the_environment_and_take_nothing_from_it(transport, tmp_path):
    environ = {'ALIBABA_CLOUD_ACCESS_KEY_ID': 'env', 'ALIBABA_CLOUD_ACCESS_KEY_SECRET': 'env-s',
               'ALIBABA_CLOUD_SECURITY_TOKEN': 'stale'}
    credentials = resolve(dict(access_key_id='opt', access_key_secret='opt-s'), transport, environ)
    assert credentials.current(0) == dict(access_key_id='opt', access_key_secret='opt-s', security_token=None)


def test_environment_secrets_are_registered_as_no_log(transport, hidden, tmp_path):
    environ = dict(no_file(tmp_path), ALICLOUD_ACCESS_KEY='id', ALICLOUD_SECRET_KEY='env-secret',
                   ALICLOUD_SECURITY_TOKEN='env-token')
    resolve({}, transport, environ)
    assert hidden == ['env-secret', 'env-token']


# --- no source at all ----------------------------------------------------------------------------------------------

def test_no_source_names_every_place_it_looked(transport, tmp_path):
    with pytest.raises(ValidationError) as info:
        resolve({}, transport, no_file(tmp_path))
    message = str(info.value)
    for place in ('options access_key_id/access_key_secret', 'ALIBABA_CLOUD_ACCESS_KEY_ID/ALIBABA_CLOUD_ACCESS_KEY_SECRET',
                  'ALICLOUD_ACCESS_KEY/ALICLOUD_SECRET_KEY', 'profile file %s (not found)' % (tmp_path / 'absent.json'),
                  'the ECS RAM role (not tried'):
        assert place in message, place


def test_the_default_profile_file_is_under_home(transport, tmp_path, monkeypatch):
    monkeypatch.setenv('HOME', str(tmp_path))
    with pytest.raises(ValidationError, match='profile file %s/.aliyun/config.json' % tmp_path):
        resolve({}, transport, {})


def test_the_ecs_role_can_be_switched_off(transport, tmp_path):
    environ = dict(no_file(tmp_path), ALIBABA_CLOUD_ECS_METADATA='role', ALIBABA_CLOUD_ECS_METADATA_DISABLED='true')
    with pytest.raises(ValidationError, match='ALIBABA_CLOUD_ECS_METADATA_DISABLED=true'):
        resolve({}, transport, environ)


@pytest.mark.parametrize('params, environ, reason', [
    ({}, {}, None),
    (dict(ecs_role_name='r'), {}, 'ecs_role_name is set'),
    ({}, {'ALICLOUD_ECS_ROLE_NAME': 'r'}, 'ALICLOUD_ECS_ROLE_NAME is set'),
    (dict(ecs_metadata_endpoint='http://127.0.0.1:1'), {}, 'ecs_metadata_endpoint is set'),
    ({}, {'ALIBABA_CLOUD_ROLE_ARN': ROLE_ARN}, 'ALIBABA_CLOUD_ROLE_ARN is set and no other source was found'),
    (dict(ecs_role_name='r'), {'ALIBABA_CLOUD_ECS_METADATA_DISABLED': 'TRUE'}, None),
])
def test_when_the_ecs_role_is_tried(params, environ, reason):
    assert _credentials.ecs_reason(params, environ) == reason


# --- the aliyun CLI profile file ----------------------------------------------------------------------------------

PROFILES = {'current': 'prod', 'profiles': [
    {'name': 'default', 'mode': 'AK', 'access_key_id': 'default-id', 'access_key_secret': 'default-secret'},
    {'name': 'prod', 'mode': 'AK', 'access_key_id': 'prod-id', 'access_key_secret': 'prod-secret'},
    {'name': 'sts', 'mode': 'StsToken', 'access_key_id': 'STS.x', 'access_key_secret': 'sts-secret', 'sts_token': 'sts-token'},
    {'name': 'oidc', 'mode': 'OIDC', 'ram_role_arn': ROLE_ARN},
    {'name': 'broken', 'mode': 'StsToken', 'access_key_id': 'STS.y', 'access_key_secret': 's'},
]}


def test_current_picks_the_profile(transport, tmp_path):
    path = write(tmp_path, PROFILES)
    credentials = resolve(dict(shared_credentials_file=path), transport, {})
    assert credentials.access_key_id == 'prod-id' and credentials.source == "profile 'prod' of %s" % path


def test_without_current_the_default_profile_is_used(transport, tmp_path):
    path = write(tmp_path, dict(PROFILES, current=''))
    assert resolve(dict(shared_credentials_file=path), transport, {}).access_key_id == 'default-id'


def test_a_profile_named_by_option_or_environment(transport, hidden, tmp_path):
    path = write(tmp_path, PROFILES)
    credentials = resolve({}, transport, {'ALICLOUD_SHARED_CREDENTIALS_FILE': path, 'ALICLOUD_PROFILE': 'sts'})
    assert credentials.current(0) == dict(access_key_id='STS.x', access_key_secret='sts-secret', security_token='sts-token')
    assert hidden == ['sts-secret', 'sts-token']
    assert resolve(dict(profile='default', shared_credentials_file=path), transport,
                   {'ALIBABA_CLOUD_PROFILE': 'sts'}).access_key_id == 'default-id'


def test_an_unknown_profile_lists_the_known_ones(transport, tmp_path):
    path = write(tmp_path, PROFILES)
    with pytest.raises(ValidationError) as info:
        resolve(dict(profile='staging', shared_credentials_file=path), transport, {})
    assert str(info.value) == ("profile 'staging' (set by the option profile) is not in the aliyun CLI profile file %s; its profiles: "
                               "'default', 'prod', 'sts', 'oidc', 'broken'" % path)


def test_a_current_profile_that_is_not_in_the_file(transport, tmp_path):
    path = write(tmp_path, dict(PROFILES, current='gone'))
    with pytest.raises(ValidationError, match='profile \'gone\' \\(the file\'s "current"\\) is not in'):
        resolve(dict(shared_credentials_file=path), transport, {})


def test_a_profile_asked_for_in_a_missing_file_is_an_error(transport, tmp_path):
    with pytest.raises(ValidationError, match="profile 'prod' \\(set by ALIBABA_CLOUD_PROFILE\\) was asked for, but"):
        resolve({}, transport, dict(no_file(tmp_path), ALIBABA_CLOUD_PROFILE='prod'))


def test_a_file_that_is_not_json_is_an_error_that_quotes_nothing_of_it(transport, tmp_path):
    path = write(tmp_path, '{"profiles": [{"access_key_secret": "leaky-secret",}]}')
    with pytest.raises(ValidationError) as info:
        resolve(dict(shared_credentials_file=path), transport, {})
    assert 'is not JSON' in str(info.value) and path in str(info.value) and 'leaky' not in str(info.value)


@pytest.mark.parametrize('profile, message', [
    ('oidc', "has mode 'OIDC', which cdnops.cdn does not support (supported: AK, StsToken, RamRoleArn, EcsRamRole)"),
    ('broken', '(mode StsToken) has no sts_token'),
])
def test_profiles_that_cannot_be_used(transport, tmp_path, profile, message):
    path = write(tmp_path, PROFILES)
    with pytest.raises(ValidationError) as info:
        resolve(dict(profile=profile, shared_credentials_file=path), transport, {})
    assert message in str(info.value)


def test_the_environment_comes_before_the_profile(transport, tmp_path):
    path = write(tmp_path, PROFILES)
    environ = {'ALICLOUD_ACCESS_KEY': 'env', 'ALICLOUD_SECRET_KEY': 'env-s'}
    assert resolve(dict(shared_credentials_file=path), transport, environ).access_key_id == 'env'


# --- ECS metadata and STS, against the sandbox -------------------------------------------------------------------

def test_ecs_role_with_the_imdsv2_token(sandbox, transport, hidden, tmp_path):
    sandbox.set_config(ecs_roles=['cdn-role'], ecs_metadata_require_token=True)
    credentials = resolve(dict(ecs_metadata_endpoint=sandbox.url), transport, no_file(tmp_path))
    token, roles, role = sandbox.calls(vendor='ecs')
    assert (token['action'], token['method'], token['params']) == ('token', 'PUT', {'ttl': '21600'})
    assert (roles['action'], roles['http_status']) == ('roles', 200)
    assert (role['action'], role['params'], role['http_status']) == ('credentials', {'role': 'cdn-role'}, 200)
    secret, sts_token, expires = sandbox.temporary_credential(credentials.access_key_id)
    assert credentials.current(0)['access_key_secret'] == secret and credentials.security_token == sts_token
    assert credentials.expiration == expires and credentials.source == "ECS RAM role 'cdn-role'"
    assert secret in hidden and sts_token in hidden and len(hidden) == 3  # and the metadata token


def test_ecs_falls_back_to_v1_when_no_token_is_given(sandbox, transport, tmp_path):
    sandbox.set_config(ecs_roles=['cdn-role'])
    sandbox.inject_fault(vendor='ecs', action='token', kind='error5xx', times=2)
    credentials = resolve(dict(ecs_role_name='cdn-role', ecs_metadata_endpoint=sandbox.url), transport, no_file(tmp_path))
    assert credentials.source == "ECS RAM role 'cdn-role'"
    assert [call['action'] for call in sandbox.calls(vendor='ecs')] == ['token', 'token', 'credentials']


def test_ecs_token_required_and_not_to_be_had(sandbox, transport, tmp_path):
    sandbox.set_config(ecs_roles=['cdn-role'], ecs_metadata_require_token=True)
    sandbox.inject_fault(vendor='ecs', action='token', kind='error5xx', times=2)
    with pytest.raises(ApiError) as info:
        resolve(dict(ecs_role_name='cdn-role', ecs_metadata_endpoint=sandbox.url), transport, no_file(tmp_path))
    assert 'requires a token (IMDSv2) and the token request failed' in str(info.value) and info.value.http_status == 401


def test_imdsv1_disabled_needs_the_token(sandbox, transport, tmp_path):
    sandbox.set_config(ecs_roles=['cdn-role'])
    sandbox.inject_fault(vendor='ecs', action='token', kind='error5xx', times=2)
    environ = dict(no_file(tmp_path), ALIBABA_CLOUD_ECS_METADATA='cdn-role', ALIBABA_CLOUD_IMDSV1_DISABLED='true')
    with pytest.raises(ApiError, match='the IMDSv2 token is required \\(ALIBABA_CLOUD_IMDSV1_DISABLED=true\\)'):
        resolve(dict(ecs_metadata_endpoint=sandbox.url), transport, environ)
    assert [call['action'] for call in sandbox.calls(vendor='ecs')] == ['token', 'token']


def test_metadata_service_down(sandbox, transport, tmp_path):
    sandbox.set_config(ecs_roles=['cdn-role'], ecs_metadata_down=True)
    with pytest.raises(NetworkError) as info:
        resolve(dict(ecs_role_name='cdn-role', ecs_metadata_endpoint=sandbox.url), transport, no_file(tmp_path))
    assert 'ECS metadata token to %s' % sandbox.url in str(info.value)
    assert 'tried because ecs_role_name is set' in str(info.value) and 'is this an ECS instance?' in str(info.value)


def test_a_role_not_attached_is_named(sandbox, transport, tmp_path):
    sandbox.set_config(ecs_roles=['cdn-role'])
    with pytest.raises(ApiError, match="the RAM role 'other' is not attached to this ECS instance"):
        resolve(dict(ecs_role_name='other', ecs_metadata_endpoint=sandbox.url), transport, no_file(tmp_path))


def test_assume_role_on_top_of_options(sandbox, transport, hidden):
    sandbox.add_role(ROLE_ARN, max_session_duration=7200)
    params = dict(access_key_id='LTAIsandboxDemoKey', access_key_secret='sandbox-demo-secret', assume_role_arn=ROLE_ARN,
                  assume_role_session_expiration=7200, sts_endpoint=sandbox.url)
    credentials = resolve(params, transport, {'ALICLOUD_ASSUME_ROLE_SESSION_NAME': 'deploy-42'})
    (call,) = sandbox.calls(vendor='sts')
    assert call['access_key_id'] == 'LTAIsandboxDemoKey' and call['params']['Version'] == '2015-04-01'
    assert {key: call['params'][key] for key in ('RoleArn', 'RoleSessionName', 'DurationSeconds')} == dict(
        RoleArn=ROLE_ARN, RoleSessionName='deploy-42', DurationSeconds='7200')
    issued = sandbox.issued_credentials()
    assert [(entry['AccessKeyId'], entry['caller']) for entry in issued] == [(credentials.access_key_id, 'LTAIsandboxDemoKey')]
    secret, token, dummy = sandbox.temporary_credential(credentials.access_key_id)
    assert hidden == [secret, token] and credentials.source == 'options + AssumeRole ' + ROLE_ARN


def test_a_refused_assume_role_names_the_vendor_code_role_and_source(sandbox, transport):
    sandbox.add_role(ROLE_ARN, allowed=False)
    params = dict(access_key_id='LTAIsandboxDemoKey', access_key_secret='sandbox-demo-secret', assume_role_arn=ROLE_ARN,
                  sts_endpoint=sandbox.url)
    with pytest.raises(ApiError) as info:
        resolve(params, transport, {})
    assert info.value.code == 'NoPermission' and info.value.http_status == 403 and info.value.action == 'AssumeRole'
    assert 'You are not authorized to do this action' in str(info.value)
    assert 'role %s, session cdnops-cdn, called with the credentials from options' % ROLE_ARN in str(info.value)


@pytest.mark.parametrize('value', [899, 43201, 'soon'])
def test_the_session_expiration_is_checked_before_any_call(transport, value):
    params = dict(access_key_id='id', access_key_secret='s', assume_role_arn=ROLE_ARN, sts_endpoint='http://127.0.0.1:9')
    with pytest.raises(ValidationError, match='from 900 to 43200'):
        resolve(params, transport, {'ALICLOUD_ASSUME_ROLE_SESSION_EXPIRATION': str(value)})


def test_a_ram_role_arn_profile_assumes_its_role(sandbox, transport, tmp_path):
    sandbox.add_role(ROLE_ARN)
    path = write(tmp_path, {'current': 'ram', 'profiles': [{
        'name': 'ram', 'mode': 'RamRoleArn', 'access_key_id': 'LTAIsandboxDemoKey', 'access_key_secret': 'sandbox-demo-secret',
        'ram_role_arn': ROLE_ARN, 'ram_session_name': 'from-profile', 'expired_seconds': 900}]})
    credentials = resolve(dict(shared_credentials_file=path, sts_endpoint=sandbox.url), transport, {})
    (call,) = sandbox.calls(vendor='sts')
    assert (call['params']['RoleSessionName'], call['params']['DurationSeconds']) == ('from-profile', '900')
    assert credentials.source == "profile 'ram' of %s + AssumeRole %s" % (path, ROLE_ARN)
    assert credentials.access_key_id.startswith('STS.')


# --- renewal -----------------------------------------------------------------------------------------------------

def test_temporary_credentials_are_renewed_before_they_expire():
    renewals = []

    def renew():
        renewals.append(1)
        return Credentials('STS.new', 'new-secret', 'new-token', expiration=10000)

    credentials = Credentials('STS.old', 'old-secret', 'old-token', source='ECS', expiration=1000, renew=renew)
    assert credentials.current(1000 - _credentials.RENEW_BEFORE - 1)['access_key_id'] == 'STS.old'
    assert credentials.current(1000 - _credentials.RENEW_BEFORE) == dict(
        access_key_id='STS.new', access_key_secret='new-secret', security_token='new-token')
    assert credentials.current(5000)['access_key_id'] == 'STS.new' and len(renewals) == 1
    assert credentials.source == 'ECS'


def test_expiration_is_read_as_utc():
    assert _credentials.parse_expiration('1970-01-02T00:00:00Z') == 86400
    assert _credentials.parse_expiration('tomorrow') is None
