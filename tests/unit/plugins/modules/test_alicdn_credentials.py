# Copyright (c) 2026, cdnops.cdn contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""alicdn_refresh and alicdn_refresh_info with each credential source, against the sandbox (which checks every
signature and token, refuses a token sent with a permanent key, and logs which AccessKeyId signed each call)."""

from __future__ import annotations

import json
import os
import sys

import jinja2
import pytest
import yaml

from ansible.module_utils import basic

from ansible_collections.cdnops.cdn.plugins.modules import alicdn_refresh, alicdn_refresh_info
from ansible_collections.cdnops.cdn.tests.unit.plugins.modules.utils import run_module

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', '..', '..', 'sandbox'))

import cdn_sandbox  # noqa: E402  pylint: disable=wrong-import-position

# One permanent key per source, so that the request log tells which source signed a call.
KEYS = {
    'LTAIoptionsKey': 'options-secret-0001',
    'LTAIenvKey': 'env-secret-0002',
    'LTAIlegacyKey': 'legacy-secret-0003',
    'LTAIprofileKey': 'profile-secret-0004',
    'LTAIramProfileKey': 'ram-profile-secret-0005',
}
STS_PROFILE = ('STS.profileTemp', 'sts-profile-secret-0006', 'sts-profile-token-0007')
STALE_TOKEN = 'stale-token-0008'
ROLE_ARN = 'acs:ram::123456789012:role/cdn-refresh'
DENIED_ARN = 'acs:ram::123456789012:role/not-for-you'
ECS_ROLE = 'cdn-ecs-role'
URL = 'https://www.example.com/index.html'


@pytest.fixture
def sandbox():
    """A sandbox with a key per source, an STS triple, two roles for AssumeRole and an instance role."""
    with cdn_sandbox.Sandbox(port=0, task_delay=0.2, alicdn_credentials=KEYS,
                             alicdn_sts={STS_PROFILE[0]: STS_PROFILE[1:]},
                             sts_roles={ROLE_ARN: {'allowed': True, 'max_session_duration': 7200}, DENIED_ARN: False},
                             ecs_roles=[ECS_ROLE]) as server:
        yield server


@pytest.fixture
def log_lines(monkeypatch):
    """What the module writes to the system log (retries), after Ansible's own no_log filtering."""
    lines = []
    original = basic.AnsibleModule.log

    def log(self, msg, log_args=None):
        lines.append(basic.remove_values(msg, self.no_log_values))
        return original(self, msg, log_args)
    monkeypatch.setattr(basic.AnsibleModule, 'log', log)
    return lines


@pytest.fixture
def config_file(tmp_path, monkeypatch):
    """Writes an aliyun CLI config.json at ~/.aliyun/config.json of a temporary HOME; returns its path."""
    monkeypatch.setenv('HOME', str(tmp_path))
    monkeypatch.delenv('ALICLOUD_SHARED_CREDENTIALS_FILE')
    path = tmp_path / '.aliyun' / 'config.json'

    def write(profiles, current=None, text=None):
        path.parent.mkdir(exist_ok=True)
        path.write_text(text if text is not None else json.dumps(dict(current=current or profiles[0]['name'], profiles=profiles)))
        return str(path)
    return write


def ak_profile(name='default', key='LTAIprofileKey'):
    return dict(name=name, mode='AK', access_key_id=key, access_key_secret=KEYS[key], region_id='cn-hangzhou')


def refresh(sandbox, module=alicdn_refresh, **options):
    """Run the module against the sandbox; the endpoint comes from the environment like any AWX credential's."""
    args = dict(paths=[URL]) if module is alicdn_refresh else dict(task_ids=[])
    args.update(options)
    result, output = run_module(module, args)
    return result, output


@pytest.fixture(autouse=True)
def endpoint(sandbox, monkeypatch):
    monkeypatch.setenv('ALICDN_ENDPOINT', sandbox.url)


def cdn_keys(sandbox):
    """The AccessKeyId that signed each CDN call, in order."""
    return [call['access_key_id'] for call in sandbox.calls(vendor='alicdn')]


def assert_refreshed(result, sandbox, key):
    assert not result.get('failed'), result
    assert result['changed'] and result['task_ids']
    assert cdn_keys(sandbox) == [key, key]   # DescribeRefreshQuota, RefreshObjectCaches
    assert all(call['http_status'] == 200 for call in sandbox.calls(vendor='alicdn'))


# --- each source -------------------------------------------------------------------------------------------------

def test_options(sandbox):
    result, dummy = refresh(sandbox, access_key_id='LTAIoptionsKey', access_key_secret=KEYS['LTAIoptionsKey'])
    assert_refreshed(result, sandbox, 'LTAIoptionsKey')
    assert result['credential_source'] == 'options'


def test_the_alicloud_option_aliases(sandbox):
    result, dummy = refresh(sandbox, alicloud_access_key='LTAIoptionsKey', alicloud_secret_key=KEYS['LTAIoptionsKey'])
    assert_refreshed(result, sandbox, 'LTAIoptionsKey')


@pytest.mark.parametrize('id_name, secret_name, key, source', [
    ('ALIBABA_CLOUD_ACCESS_KEY_ID', 'ALIBABA_CLOUD_ACCESS_KEY_SECRET', 'LTAIenvKey', 'environment (ALIBABA_CLOUD_*)'),
    ('ALICLOUD_ACCESS_KEY', 'ALICLOUD_SECRET_KEY', 'LTAIlegacyKey', 'environment (ALICLOUD_*)'),
])
def test_environment(sandbox, monkeypatch, id_name, secret_name, key, source):
    monkeypatch.setenv(id_name, key)
    monkeypatch.setenv(secret_name, KEYS[key])
    result, dummy = refresh(sandbox)
    assert_refreshed(result, sandbox, key)
    assert result['credential_source'] == source


def test_only_the_aliyun_cli_config_in_ak_mode(sandbox, config_file):
    path = config_file([ak_profile()])
    result, dummy = refresh(sandbox)
    assert_refreshed(result, sandbox, 'LTAIprofileKey')
    assert result['credential_source'] == "profile 'default' of %s" % path


def test_a_named_sts_token_profile(sandbox, config_file, monkeypatch):
    key_id, secret, token = STS_PROFILE
    config_file([ak_profile(), dict(name='sts', mode='StsToken', access_key_id=key_id, access_key_secret=secret,
                                    sts_token=token)])
    monkeypatch.setenv('ALIBABA_CLOUD_PROFILE', 'sts')
    result, dummy = refresh(sandbox)
    assert_refreshed(result, sandbox, key_id)   # the sandbox refuses an STS key without its own token
    assert result['credential_source'].startswith("profile 'sts' of ")


def test_the_profile_option_beats_its_variables(sandbox, config_file, monkeypatch):
    config_file([ak_profile(), ak_profile('other', 'LTAIoptionsKey')])
    monkeypatch.setenv('ALIBABA_CLOUD_PROFILE', 'nonexistent')
    result, dummy = refresh(sandbox, profile='other')
    assert_refreshed(result, sandbox, 'LTAIoptionsKey')


def test_only_an_ecs_role_that_requires_the_token(sandbox, tmp_path):
    sandbox.set_config(ecs_metadata_require_token=True)
    result, dummy = refresh(sandbox, ecs_metadata_endpoint=sandbox.url)
    (issued,) = sandbox.issued_credentials()
    assert issued['source'] == 'EcsRamRole' and issued['role'] == ECS_ROLE
    assert_refreshed(result, sandbox, issued['AccessKeyId'])
    assert [call['action'] for call in sandbox.calls(vendor='ecs')] == ['token', 'roles', 'credentials']
    assert all(call['http_status'] == 200 for call in sandbox.calls(vendor='ecs'))
    assert result['credential_source'] == "ECS RAM role '%s'" % ECS_ROLE


def test_an_ecs_role_named_in_the_environment(sandbox, monkeypatch):
    monkeypatch.setenv('ALIBABA_CLOUD_ECS_METADATA', ECS_ROLE)
    result, dummy = refresh(sandbox, ecs_metadata_endpoint=sandbox.url)
    assert not result.get('failed') and [call['action'] for call in sandbox.calls(vendor='ecs')] == ['token', 'credentials']


def test_an_ecs_ram_role_profile_discovers_the_role(sandbox, config_file):
    path = config_file([dict(name='ecs', mode='EcsRamRole', ram_role_name='')])
    sandbox.set_config(ecs_metadata_require_token=True)
    result, dummy = refresh(sandbox, ecs_metadata_endpoint=sandbox.url)
    assert_refreshed(result, sandbox, sandbox.issued_credentials()[0]['AccessKeyId'])
    assert result['credential_source'] == "profile 'ecs' of %s: ECS RAM role '%s'" % (path, ECS_ROLE)


# --- order and units ---------------------------------------------------------------------------------------------

def test_order_options_then_environment_then_profile_then_ecs(sandbox, config_file, monkeypatch):
    config_file([ak_profile()])
    monkeypatch.setenv('ALIBABA_CLOUD_ECS_METADATA', ECS_ROLE)
    monkeypatch.setenv('ALICLOUD_ACCESS_KEY', 'LTAIlegacyKey')
    monkeypatch.setenv('ALICLOUD_SECRET_KEY', KEYS['LTAIlegacyKey'])
    monkeypatch.setenv('ALIBABA_CLOUD_ACCESS_KEY_ID', 'LTAIenvKey')
    monkeypatch.setenv('ALIBABA_CLOUD_ACCESS_KEY_SECRET', KEYS['LTAIenvKey'])
    options = dict(access_key_id='LTAIoptionsKey', access_key_secret=KEYS['LTAIoptionsKey'], ecs_metadata_endpoint=sandbox.url)
    winners = []
    for drop in (None, 'options', 'ALIBABA_CLOUD', 'ALICLOUD', 'profile'):
        if drop == 'options':
            del options['access_key_id'], options['access_key_secret']
        elif drop == 'ALIBABA_CLOUD':
            monkeypatch.delenv('ALIBABA_CLOUD_ACCESS_KEY_ID')
        elif drop == 'ALICLOUD':
            monkeypatch.delenv('ALICLOUD_SECRET_KEY')
        elif drop == 'profile':
            monkeypatch.setenv('ALICLOUD_SHARED_CREDENTIALS_FILE', '/nonexistent/config.json')
        sandbox.reset()
        result, dummy = refresh(sandbox, **options)
        assert not result.get('failed'), result
        winners.append((result['credential_source'].split(' of ')[0], cdn_keys(sandbox)[-1]))
        if drop != 'profile':
            assert sandbox.calls(vendor='ecs') == []   # the ECS role is asked only when nothing comes before it
    assert winners == [('options', 'LTAIoptionsKey'), ('environment (ALIBABA_CLOUD_*)', 'LTAIenvKey'),
                       ('environment (ALICLOUD_*)', 'LTAIlegacyKey'), ("profile 'default'", 'LTAIprofileKey'),
                       ("ECS RAM role '%s'" % ECS_ROLE, sandbox.issued_credentials()[0]['AccessKeyId'])]


def test_explicit_keys_never_take_a_stale_token_from_the_environment(sandbox, monkeypatch):
    monkeypatch.setenv('ALIBABA_CLOUD_SECURITY_TOKEN', STALE_TOKEN)
    monkeypatch.setenv('ALICLOUD_SECURITY_TOKEN', STALE_TOKEN)
    result, output = refresh(sandbox, access_key_id='LTAIoptionsKey', access_key_secret=KEYS['LTAIoptionsKey'])
    # the sandbox, like the vendor, refuses a token sent with a permanent key (InvalidSecurityToken.MismatchWithAccessKey)
    assert_refreshed(result, sandbox, 'LTAIoptionsKey')
    assert all('SecurityToken' not in call['params'] for call in sandbox.calls(vendor='alicdn'))


def test_an_environment_family_takes_only_its_own_token(sandbox, monkeypatch):
    monkeypatch.setenv('ALIBABA_CLOUD_ACCESS_KEY_ID', 'LTAIenvKey')
    monkeypatch.setenv('ALIBABA_CLOUD_ACCESS_KEY_SECRET', KEYS['LTAIenvKey'])
    monkeypatch.setenv('ALICLOUD_SECURITY_TOKEN', STALE_TOKEN)
    result, dummy = refresh(sandbox)
    assert_refreshed(result, sandbox, 'LTAIenvKey')


def test_partial_options_are_refused_before_any_call(sandbox, monkeypatch):
    monkeypatch.setenv('ALIBABA_CLOUD_ACCESS_KEY_SECRET', KEYS['LTAIenvKey'])
    result, dummy = refresh(sandbox, access_key_id='LTAIenvKey')
    assert result['failed'] and 'the options give access_key_id but not access_key_secret' in result['msg']
    assert sandbox.requests == []


# --- AssumeRole ---------------------------------------------------------------------------------------------------

def test_assume_role_signs_the_refresh_with_the_temporary_key_only(sandbox):
    result, dummy = refresh(sandbox, access_key_id='LTAIoptionsKey', access_key_secret=KEYS['LTAIoptionsKey'],
                            assume_role_arn=ROLE_ARN, sts_endpoint=sandbox.url)
    (sts,) = sandbox.calls(vendor='sts')
    assert (sts['action'], sts['access_key_id'], sts['http_status']) == ('AssumeRole', 'LTAIoptionsKey', 200)
    assert sts['params']['RoleSessionName'] == 'cdnops-cdn' and sts['params']['DurationSeconds'] == '3600'
    (issued,) = sandbox.issued_credentials()
    assert issued['caller'] == 'LTAIoptionsKey' and issued['role'] == ROLE_ARN
    assert_refreshed(result, sandbox, issued['AccessKeyId'])
    assert 'LTAIoptionsKey' not in cdn_keys(sandbox)
    assert result['credential_source'] == 'options + AssumeRole ' + ROLE_ARN


def test_assume_role_from_the_environment_on_top_of_a_profile(sandbox, config_file, monkeypatch):
    path = config_file([ak_profile()])
    monkeypatch.setenv('ALIBABA_CLOUD_ROLE_ARN', ROLE_ARN)
    monkeypatch.setenv('ALIBABA_CLOUD_ROLE_SESSION_NAME', 'deploy-1234')
    monkeypatch.setenv('ALICLOUD_ASSUME_ROLE_SESSION_EXPIRATION', '7200')
    result, dummy = refresh(sandbox, sts_endpoint=sandbox.url)
    (sts,) = sandbox.calls(vendor='sts')
    assert sts['access_key_id'] == 'LTAIprofileKey'
    assert (sts['params']['RoleSessionName'], sts['params']['DurationSeconds']) == ('deploy-1234', '7200')
    assert_refreshed(result, sandbox, sandbox.issued_credentials()[0]['AccessKeyId'])
    assert result['credential_source'] == "profile 'default' of %s + AssumeRole %s" % (path, ROLE_ARN)


def test_assume_role_from_the_instance_role(sandbox, monkeypatch):
    """The AWX credential type 'AssumeRole from the execution node's RAM role': a role ARN, nothing else."""
    sandbox.set_config(ecs_metadata_require_token=True)
    monkeypatch.setenv('ALIBABA_CLOUD_ROLE_ARN', ROLE_ARN)
    result, dummy = refresh(sandbox, ecs_metadata_endpoint=sandbox.url, sts_endpoint=sandbox.url)
    ecs_key, assumed = sandbox.issued_credentials()
    assert (ecs_key['source'], assumed['source'], assumed['caller']) == ('EcsRamRole', 'AssumeRole', ecs_key['AccessKeyId'])
    assert_refreshed(result, sandbox, assumed['AccessKeyId'])
    assert result['credential_source'] == "ECS RAM role '%s' + AssumeRole %s" % (ECS_ROLE, ROLE_ARN)


def test_a_ram_role_arn_profile(sandbox, config_file):
    config_file([dict(name='ram', mode='RamRoleArn', access_key_id='LTAIramProfileKey',
                      access_key_secret=KEYS['LTAIramProfileKey'], ram_role_arn=ROLE_ARN, ram_session_name='ram-profile',
                      expired_seconds=900)])
    result, dummy = refresh(sandbox, sts_endpoint=sandbox.url)
    (issued,) = sandbox.issued_credentials()
    assert issued['caller'] == 'LTAIramProfileKey' and issued['session'] == 'ram-profile'
    assert_refreshed(result, sandbox, issued['AccessKeyId'])


# --- failures, all before any CDN call ----------------------------------------------------------------------------

def failed_before_cdn(result, sandbox):
    assert result['failed'] and not result['changed']
    assert sandbox.calls(vendor='alicdn') == []
    return result['msg']


def test_no_source_at_all_names_every_place(sandbox, config_file, tmp_path):
    msg = failed_before_cdn(refresh(sandbox)[0], sandbox)
    for place in ('access_key_id/access_key_secret', 'ALIBABA_CLOUD_ACCESS_KEY_ID/ALIBABA_CLOUD_ACCESS_KEY_SECRET',
                  'ALICLOUD_ACCESS_KEY/ALICLOUD_SECRET_KEY', '%s/.aliyun/config.json (not found)' % tmp_path,
                  'the ECS RAM role (not tried'):
        assert place in msg
    assert sandbox.requests == []


def test_a_profile_file_that_is_not_json(sandbox, config_file):
    path = config_file(None, text='{"current": "default", "profiles": [ {"access_key_secret": "%s"} ' % KEYS['LTAIprofileKey'])
    result, output = refresh(sandbox)
    assert 'the aliyun CLI profile file %s is not JSON' % path in failed_before_cdn(result, sandbox)
    assert KEYS['LTAIprofileKey'] not in output


def test_an_unknown_profile(sandbox, config_file):
    config_file([ak_profile(), ak_profile('prod')])
    result, dummy = refresh(sandbox, profile='staging')
    assert "its profiles: 'default', 'prod'" in failed_before_cdn(result, sandbox)


def test_an_unsupported_profile_mode(sandbox, config_file):
    config_file([dict(name='sso', mode='CloudSSO')])
    result, dummy = refresh(sandbox)
    assert "has mode 'CloudSSO', which cdnops.cdn does not support" in failed_before_cdn(result, sandbox)


def test_a_metadata_service_that_is_down(sandbox, no_sleep):
    sandbox.set_config(ecs_metadata_down=True)
    result, dummy = refresh(sandbox, ecs_role_name=ECS_ROLE, ecs_metadata_endpoint=sandbox.url)
    msg = failed_before_cdn(result, sandbox)
    assert 'the server closed the connection without answering' in msg and 'is this an ECS instance?' in msg
    assert result['error']['action'] == 'ECS metadata token'


def test_a_token_required_and_not_to_be_had(sandbox, no_sleep):
    sandbox.set_config(ecs_metadata_require_token=True)
    sandbox.inject_fault(vendor='ecs', action='token', kind='error5xx', times=10)
    result, dummy = refresh(sandbox, ecs_role_name=ECS_ROLE, ecs_metadata_endpoint=sandbox.url)
    assert 'requires a token (IMDSv2) and the token request failed' in failed_before_cdn(result, sandbox)
    assert result['error']['http_status'] == 401


@pytest.mark.parametrize('arn, code', [(DENIED_ARN, 'NoPermission'), ('acs:ram::123456789012:role/absent', 'EntityNotExist.Role')])
def test_a_refused_assume_role(sandbox, arn, code):
    result, dummy = refresh(sandbox, access_key_id='LTAIoptionsKey', access_key_secret=KEYS['LTAIoptionsKey'],
                            assume_role_arn=arn, sts_endpoint=sandbox.url)
    msg = failed_before_cdn(result, sandbox)
    assert result['error']['action'] == 'AssumeRole' and result['error']['code'] == code
    assert 'code %s' % code in msg and arn in msg and 'called with the credentials from options' in msg


def test_a_session_longer_than_the_role_allows(sandbox):
    result, dummy = refresh(sandbox, access_key_id='LTAIoptionsKey', access_key_secret=KEYS['LTAIoptionsKey'],
                            assume_role_arn=ROLE_ARN, assume_role_session_expiration=43200, sts_endpoint=sandbox.url)
    assert 'InvalidParameter.DurationSeconds' in failed_before_cdn(result, sandbox)


# --- alicdn_refresh_info shares the chain ----------------------------------------------------------------------

def test_info_module_with_a_profile_and_assume_role(sandbox, config_file):
    path = config_file([ak_profile()])
    result, dummy = refresh(sandbox, module=alicdn_refresh_info, assume_role_arn=ROLE_ARN, sts_endpoint=sandbox.url)
    assert not result.get('failed') and result['quota']['file']['limit'] == 10000
    assert cdn_keys(sandbox) == [sandbox.issued_credentials()[0]['AccessKeyId']]
    assert result['credential_source'] == "profile 'default' of %s + AssumeRole %s" % (path, ROLE_ARN)


def test_info_module_failure_names_the_source(sandbox):
    sandbox.inject_fault(vendor='alicdn', action='DescribeRefreshQuota', kind='quota')
    result, dummy = refresh(sandbox, module=alicdn_refresh_info, access_key_id='LTAIoptionsKey',
                            access_key_secret=KEYS['LTAIoptionsKey'])
    assert result['failed'] and result['credential_source'] == 'options'


def test_refresh_failure_names_the_source(sandbox, monkeypatch):
    monkeypatch.setenv('ALICLOUD_ACCESS_KEY', 'LTAIlegacyKey')
    monkeypatch.setenv('ALICLOUD_SECRET_KEY', 'not-the-secret')
    result, dummy = refresh(sandbox)
    assert result['failed'] and 'SignatureDoesNotMatch' in result['msg']
    assert result['credential_source'] == 'environment (ALICLOUD_*)'


# --- the canary: no secret or token of any source in any output ------------------------------------------------

def test_no_secret_or_token_of_any_source_appears_anywhere(sandbox, config_file, monkeypatch, log_lines, no_sleep):
    """Every source and failure above, once more, with everything the module prints and logs collected."""
    key_id, secret, token = STS_PROFILE
    config_file([ak_profile(), dict(name='sts', mode='StsToken', access_key_id=key_id, access_key_secret=secret,
                                    sts_token=token)])
    sandbox.set_config(ecs_metadata_require_token=True)
    options = dict(access_key_id='LTAIoptionsKey', access_key_secret=KEYS['LTAIoptionsKey'])
    role = dict(assume_role_arn=ROLE_ARN, sts_endpoint=sandbox.url)
    runs = [
        dict(options, security_token=STALE_TOKEN),        # refused: a token with a permanent key
        dict(options, **role),
        dict(profile='sts', **role),
        dict(profile='sts', wait=True, paths=[URL, URL + '?v=2']),
        dict(ecs_metadata_endpoint=sandbox.url, shared_credentials_file='/nonexistent', **role),
        dict(ecs_metadata_endpoint=sandbox.url, shared_credentials_file='/nonexistent'),
        dict(role),                                        # the current profile, then AssumeRole
        dict(options, assume_role_arn=DENIED_ARN, sts_endpoint=sandbox.url),
    ]
    outputs = []
    for args in runs:
        outputs.append(refresh(sandbox, **args)[1])
        outputs.append(refresh(sandbox, module=alicdn_refresh_info, **{k: v for k, v in args.items() if k not in ('wait', 'paths')})[1])
    monkeypatch.setenv('ALIBABA_CLOUD_ACCESS_KEY_ID', 'LTAIenvKey')
    monkeypatch.setenv('ALIBABA_CLOUD_ACCESS_KEY_SECRET', KEYS['LTAIenvKey'])
    monkeypatch.setenv('ALIBABA_CLOUD_SECURITY_TOKEN', STALE_TOKEN)
    outputs.append(refresh(sandbox)[1])                    # refused too, by the sandbox, naming no token
    sandbox.inject_fault(vendor='alicdn', action='RefreshObjectCaches', kind='throttle', times=2)
    monkeypatch.delenv('ALIBABA_CLOUD_SECURITY_TOKEN')
    outputs.append(refresh(sandbox)[1])                    # retried: log lines

    issued = [sandbox.temporary_credential(entry['AccessKeyId']) for entry in sandbox.issued_credentials()]
    secrets = list(KEYS.values()) + [secret, token, STALE_TOKEN] + [value for entry in issued for value in entry[:2]]
    assert len(issued) >= 4 and any('retrying' in line for line in log_lines)
    text = '\n'.join(outputs + log_lines)
    assert '"credential_source"' in text and '"failed": true' in text
    for value in secrets:
        assert value not in text


# --- the AWX credential type --------------------------------------------------------------------------------------

def test_the_awx_credential_type_for_assume_role_from_the_instance_role(sandbox, monkeypatch):
    """awx/credential_types/alibaba_cloud_cdn_ecs_assume_role.yml injects what the chain reads: with its variables
    alone (optional inputs left empty, as AWX injects them), the refresh assumes the role with the instance's key."""
    path = os.path.join(os.path.dirname(__file__), '..', '..', '..', '..', 'awx', 'credential_types',
                        'alibaba_cloud_cdn_ecs_assume_role.yml')
    with open(path, encoding='utf-8') as stream:
        credential_type = yaml.safe_load(stream)
    assert not any(field.get('secret') for field in credential_type['inputs']['fields'])   # nothing secret to store
    inputs = dict(role_arn=ROLE_ARN, session_name='awx-job-7', endpoint=sandbox.url)
    for name, template in credential_type['injectors']['env'].items():
        monkeypatch.setenv(name, jinja2.Environment().from_string(template).render(inputs))
    sandbox.set_config(ecs_metadata_require_token=True)
    result, dummy = refresh(sandbox, ecs_metadata_endpoint=sandbox.url, sts_endpoint=sandbox.url)
    ecs_key, assumed = sandbox.issued_credentials()
    assert (assumed['caller'], assumed['session']) == (ecs_key['AccessKeyId'], 'awx-job-7')
    assert_refreshed(result, sandbox, assumed['AccessKeyId'])
