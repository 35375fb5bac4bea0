# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Alibaba Cloud identity emulation: STS AssumeRole (RPC 2015-04-01) and the ECS instance metadata RAM-role routes.

Both hand out temporary credentials (an 'STS.' AccessKeyId, a secret and a SecurityToken) that the CDN side then
accepts, through Sandbox.issue_temporary_credential().
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets

from sandbox_alicdn import AliError, AliRpc, format_time, missing
from sandbox_http import ApiResponse

STS_VERSION = '2015-04-01'
ROLE_ARN_RE = re.compile(r'^acs:ram::\d+:role/[A-Za-z0-9.@_-]{1,64}$')
SESSION_NAME_RE = re.compile(r'^[A-Za-z0-9.@_-]{2,64}$')
EXTERNAL_ID_RE = re.compile(r'^[\w+=,.@:/-]{2,1224}$')
SOURCE_IDENTITY_RE = re.compile(r'^[\w+=,.@-]{2,64}$')
MIN_DURATION = 900
DEFAULT_DURATION = 3600
MAX_POLICY_SIZE = 2048

ECS_TOKEN_PATH = '/latest/api/token'
ECS_ROLES_PATH = '/latest/meta-data/ram/security-credentials/'
ECS_TOKEN_TTL_HEADER = 'x-aliyun-ecs-metadata-token-ttl-seconds'
ECS_TOKEN_HEADER = 'x-aliyun-ecs-metadata-token'
ECS_MAX_TOKEN_TTL = 21600
ECS_CREDENTIAL_LIFETIME = 6 * 3600
ECS_CREDENTIAL_RENEW_BEFORE = 3600


def invalid(name):
    return AliError(400, f'InvalidParameter.{name}', f'The parameter {name} is wrongly formed.')


def duration_error():
    return AliError(400, 'InvalidParameter.DurationSeconds', 'The Min/Max value of DurationSeconds is 15min/1hr.')


def role_id(arn):
    """A stable numeric role ID for an ARN (the AssumedRoleId prefix)."""
    return str(int(hashlib.sha256(arn.encode('utf-8')).hexdigest(), 16))[:17]


class Sts(AliRpc):
    """STS 2015-04-01, AssumeRole only; signed and checked like the CDN calls (V2 or V3)."""

    vendor = 'sts'
    api_version = STS_VERSION
    host_id = 'sts.aliyuncs.com'
    product = 'Sts'
    faults = {
        'throttle': (400, 'Throttling', 'Request was denied due to request throttling.'),
        'error5xx': (500, 'InternalError', 'STS Server Internal Error happened, please send the RequestId to us.'),
    }

    def operations(self):
        return {'AssumeRole': self.assume_role}

    def assume_role(self, params, caller):
        """RoleArn, RoleSessionName (required), DurationSeconds, Policy, ExternalId, SourceIdentity -> credentials."""
        arn = params.get('RoleArn')
        session = params.get('RoleSessionName')
        if not arn:
            raise missing('RoleArn')
        if not session:
            raise missing('RoleSessionName')
        if not ROLE_ARN_RE.match(arn):
            raise invalid('RoleArn')
        if not SESSION_NAME_RE.match(session):
            raise invalid('RoleSessionName')
        if params.get('ExternalId') and not EXTERNAL_ID_RE.match(params['ExternalId']):
            raise invalid('ExternalId')
        if params.get('SourceIdentity') and not SOURCE_IDENTITY_RE.match(params['SourceIdentity']):
            raise invalid('SourceIdentity')
        self._check_policy(params.get('Policy'))
        role = self.sandbox.config.sts_roles.get(arn)
        if role is None:
            raise AliError(404, 'EntityNotExist.Role', 'The specified Role not exists.')
        if not role['allowed']:
            raise AliError(403, 'NoPermission', 'You are not authorized to do this action. You should be authorized by RAM.')
        duration = params.get('DurationSeconds') or str(DEFAULT_DURATION)
        if not duration.isdigit() or not MIN_DURATION <= int(duration) <= role['max_session_duration']:
            raise duration_error()
        issued = self.sandbox.issue_temporary_credential('AssumeRole', arn, int(duration), session=session, caller=caller)
        result = {
            'AssumedRoleUser': {'AssumedRoleId': f'{role_id(arn)}:{session}', 'Arn': f'{arn}/{session}'},
            'Credentials': {
                'SecurityToken': issued['SecurityToken'], 'Expiration': issued['Expiration'],
                'AccessKeySecret': issued['AccessKeySecret'], 'AccessKeyId': issued['AccessKeyId'],
            },
        }
        if params.get('SourceIdentity'):
            result['SourceIdentity'] = params['SourceIdentity']
        return result

    @staticmethod
    def _check_policy(policy):
        if policy is None or policy == '':
            return
        if len(policy.encode('utf-8')) > MAX_POLICY_SIZE:
            raise AliError(400, 'InvalidParameter.PolicySize', 'The size of Policy must be smaller than 2048 bytes.')
        try:
            document = json.loads(policy)
        except ValueError:
            document = None
        if not isinstance(document, dict) or not isinstance(document.get('Statement'), list):
            raise AliError(400, 'InvalidParameter.PolicyGrammar', 'The parameter Policy has not passed grammar check.')


def text_response(http_status, text):
    return ApiResponse(http_status, text.encode('utf-8'), 'text/plain;charset=utf-8', code=http_status)


class EcsMetadata:
    """The ECS metadata service routes of A8.3 (token, role list, role credentials); the caller holds the sandbox lock."""

    vendor = 'ecs'
    fault_kinds = ('error5xx',)

    def __init__(self, sandbox):
        self.sandbox = sandbox
        self.reset()

    def reset(self):
        self._tokens = {}         # token -> expiry (server clock)
        self._credentials = {}    # role name -> issued credential dict

    @staticmethod
    def handles(path):
        return path.startswith('/latest/')

    @staticmethod
    def signer(request, params):
        del request, params
        return None

    @staticmethod
    def parse(request):
        """-> (action, params): token | roles | credentials (params {'role': name}) | other."""
        if request.path == ECS_TOKEN_PATH:
            return 'token', {'ttl': request.header(ECS_TOKEN_TTL_HEADER)}
        if request.path in (ECS_ROLES_PATH, ECS_ROLES_PATH.rstrip('/')):
            return 'roles', {}
        if request.path.startswith(ECS_ROLES_PATH) and '/' not in request.path[len(ECS_ROLES_PATH):]:
            return 'credentials', {'role': request.path[len(ECS_ROLES_PATH):]}
        return 'other', {}

    def fault_response(self, kind, request, params):
        del kind, request, params
        return text_response(500, 'Internal Server Error')

    def handle(self, request, action, params):
        now = self.sandbox.now()
        config = self.sandbox.config
        if action == 'token':
            if request.method != 'PUT':
                return text_response(405, 'Method Not Allowed')
            ttl = params['ttl']
            if ttl is None or not ttl.strip().isdigit() or not 1 <= int(ttl) <= ECS_MAX_TOKEN_TTL:
                return text_response(400, 'Missing or Invalid Parameters')
            token = secrets.token_urlsafe(32)
            self._tokens = {key: expiry for key, expiry in self._tokens.items() if expiry > now}
            self._tokens[token] = now + int(ttl)
            return text_response(200, token)
        if request.method != 'GET':
            return text_response(405, 'Method Not Allowed')
        token = request.header(ECS_TOKEN_HEADER)
        if token is not None and self._tokens.get(token, 0) <= now:
            return text_response(401, 'Unauthorized')
        if token is None and config.ecs_metadata_require_token:
            return text_response(401, 'Unauthorized')
        roles = list(config.ecs_roles)
        if action == 'roles' and roles:
            return text_response(200, '\n'.join(roles))
        if action == 'credentials' and params['role'] in roles:
            return ApiResponse(200, json.dumps(self._role_credentials(params['role'], now)).encode('utf-8'), code=200)
        return text_response(404, 'Not Found')

    def _role_credentials(self, role, now):
        current = self._credentials.get(role)
        if current is None or current['expires'] - now < ECS_CREDENTIAL_RENEW_BEFORE:
            current = self.sandbox.issue_temporary_credential('EcsRamRole', role, ECS_CREDENTIAL_LIFETIME)
            current = {**current, 'LastUpdated': format_time(now)}
            self._credentials[role] = current
        return {
            'AccessKeyId': current['AccessKeyId'], 'AccessKeySecret': current['AccessKeySecret'],
            'Expiration': current['Expiration'], 'SecurityToken': current['SecurityToken'],
            'LastUpdated': current['LastUpdated'], 'Code': 'Success',
        }
