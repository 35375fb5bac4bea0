# Copyright (c) 2026, cdnops.cdn contributors
# BSD 2-Clause License (see LICENSES/BSD-2-Clause.txt or https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause

# Private to the cdnops.cdn collection: no compatibility promise outside it.

"""The Alibaba Cloud credential chain: one source, used as a unit, then optionally AssumeRole on top.

Order (the first complete source wins; its AccessKey ID, secret and token are never mixed with another source's):
  1. the module options access_key_id / access_key_secret [/ security_token];
  2. the environment: ALIBABA_CLOUD_ACCESS_KEY_ID / _SECRET [/ _SECURITY_TOKEN], then the legacy ALICLOUD_ACCESS_KEY /
     ALICLOUD_SECRET_KEY [/ ALICLOUD_SECURITY_TOKEN] (each family as a unit);
  3. the aliyun CLI profile file (~/.aliyun/config.json): modes AK, StsToken, RamRoleArn, EcsRamRole;
  4. the ECS instance RAM role, from the metadata service (IMDSv2 token first), only when asked for (see `ecs_reason`),
     so that a machine without credentials never waits on 100.100.100.200.
Then, with assume_role_arn, STS AssumeRole signed with the winner, and every CDN call signed with the temporary key.

Every secret and token the chain reads or receives is handed to `transport.no_log` (module.no_log_values.add), so no
message can carry it. Errors are ValidationError (configuration), ApiError (a service refused) or NetworkError.
"""

from __future__ import annotations

import calendar
import json
import os
import threading
import time

from ansible_collections.cdnops.cdn.plugins.module_utils._errors import ApiError, NetworkError, ValidationError
from ansible_collections.cdnops.cdn.plugins.module_utils._transport import RetryPolicy, Transport
from ansible_collections.cdnops.cdn.plugins.module_utils._urls import validate_endpoint

# Environment variables of the chain's settings, first found wins (the vendor SDK's names, then alibaba.alicloud's).
ENV = dict(
    profile=['ALIBABA_CLOUD_PROFILE', 'ALICLOUD_PROFILE'],
    shared_credentials_file=['ALICLOUD_SHARED_CREDENTIALS_FILE'],
    ecs_role_name=['ALIBABA_CLOUD_ECS_METADATA', 'ALICLOUD_ECS_ROLE_NAME'],
    assume_role_arn=['ALIBABA_CLOUD_ROLE_ARN', 'ALICLOUD_ASSUME_ROLE_ARN'],
    assume_role_session_name=['ALIBABA_CLOUD_ROLE_SESSION_NAME', 'ALICLOUD_ASSUME_ROLE_SESSION_NAME'],
    assume_role_session_expiration=['ALICLOUD_ASSUME_ROLE_SESSION_EXPIRATION'],
)
# The two environment families of AccessKey ID, secret and token, in order; each is used as a unit.
ENV_FAMILIES = (
    ('ALIBABA_CLOUD_*', 'ALIBABA_CLOUD_ACCESS_KEY_ID', 'ALIBABA_CLOUD_ACCESS_KEY_SECRET', 'ALIBABA_CLOUD_SECURITY_TOKEN'),
    ('ALICLOUD_*', 'ALICLOUD_ACCESS_KEY', 'ALICLOUD_SECRET_KEY', 'ALICLOUD_SECURITY_TOKEN'),
)
ECS_DISABLED_ENV = 'ALIBABA_CLOUD_ECS_METADATA_DISABLED'
IMDSV1_DISABLED_ENV = 'ALIBABA_CLOUD_IMDSV1_DISABLED'

DEFAULT_SHARED_CREDENTIALS_FILE = '~/.aliyun/config.json'
PROFILE_MODES = ('AK', 'StsToken', 'RamRoleArn', 'EcsRamRole')

DEFAULT_ECS_METADATA_ENDPOINT = 'http://100.100.100.200'
ECS_TOKEN_PATH = '/latest/api/token'
ECS_ROLES_PATH = '/latest/meta-data/ram/security-credentials/'
ECS_TOKEN_TTL_HEADER = 'X-aliyun-ecs-metadata-token-ttl-seconds'
ECS_TOKEN_HEADER = 'X-aliyun-ecs-metadata-token'
ECS_TOKEN_TTL = 21600           # seconds, as the vendor's SDK asks
ECS_TIMEOUT = 3                 # seconds per metadata request: the service is on the instance's own link
ECS_ATTEMPTS = 2

STS_VERSION = '2015-04-01'
DEFAULT_STS_ENDPOINT = 'https://sts.aliyuncs.com'
DEFAULT_SESSION_NAME = 'cdnops-cdn'
DEFAULT_SESSION_EXPIRATION = 3600
SESSION_EXPIRATION_RANGE = (900, 43200)
RENEW_BEFORE = 300              # seconds: temporary credentials are fetched again when less is left


class Credentials:
    """One set of Alibaba credentials, all from one source.

    `access_key_id`, `access_key_secret`, `security_token` (None for a permanent AccessKey); `source`: the text of the
    credential_source return value (never a secret); `expiration`: epoch seconds, None if they do not expire;
    `renew`: a callable returning fresh Credentials from the same source, or None.
    """

    def __init__(self, access_key_id, access_key_secret, security_token=None, source='options', expiration=None,
                 renew=None):
        self.access_key_id = access_key_id
        self.access_key_secret = access_key_secret
        self.security_token = security_token or None
        self.source = source
        self.expiration = expiration
        self.renew = renew
        self.lock = threading.Lock()

    def current(self, now):
        """{access_key_id, access_key_secret, security_token} for the signer at `now` (epoch seconds), renewed first
        when they expire within RENEW_BEFORE seconds and can be renewed."""
        with self.lock:
            if self.renew and self.expiration is not None and now >= self.expiration - RENEW_BEFORE:
                fresh = self.renew()
                self.access_key_id, self.access_key_secret = fresh.access_key_id, fresh.access_key_secret
                self.security_token, self.expiration = fresh.security_token, fresh.expiration
            return dict(access_key_id=self.access_key_id, access_key_secret=self.access_key_secret,
                        security_token=self.security_token)


def setting(params, environ, name):
    """(value, where) of a chain setting: the module option, else the first of its environment variables that is set;
    (None, None) when neither is."""
    if params.get(name) not in (None, ''):
        return params[name], name
    for variable in ENV.get(name, ()):
        if environ.get(variable):
            return environ[variable], variable
    return None, None


def parse_expiration(text):
    """Epoch seconds of the vendor's 'YYYY-MM-DDTHH:MM:SSZ' (UTC); None if it is not in that form."""
    try:
        return calendar.timegm(time.strptime(str(text), '%Y-%m-%dT%H:%M:%SZ'))
    except ValueError:
        return None


def _hide(transport, *values):
    for value in values:
        if value:
            transport.no_log(value)


# --- 1. options -------------------------------------------------------------------------------------------------

def from_options(params):
    """Credentials from the module options, or None when none of them is set; ValidationError when only some are."""
    key_id, secret, token = (params.get(name) for name in ('access_key_id', 'access_key_secret', 'security_token'))
    if not (key_id or secret or token):
        return None
    if not (key_id and secret):
        given = [name for name, value in (('access_key_id', key_id), ('access_key_secret', secret),
                                          ('security_token', token)) if value]
        wanted = [name for name, value in (('access_key_id', key_id), ('access_key_secret', secret)) if not value]
        raise ValidationError(
            'the options give %s but not %s: credentials given as options are used as a unit (AccessKey ID, secret and '
            'token together) and are never completed from the environment or a profile' % (
                ' and '.join(given), ' and '.join(wanted)))
    return Credentials(key_id, secret, token, source='options')


# --- 2. environment ---------------------------------------------------------------------------------------------

def from_environment(environ, transport, looked):
    """Credentials from the first complete environment family, or None; notes what it saw in `looked` (a list)."""
    for family, id_name, secret_name, token_name in ENV_FAMILIES:
        key_id, secret, token = environ.get(id_name), environ.get(secret_name), environ.get(token_name)
        if key_id and secret:
            _hide(transport, secret, token)
            return Credentials(key_id, secret, token, source='environment (%s)' % family)
        present = [name for name, value in ((id_name, key_id), (secret_name, secret), (token_name, token)) if value]
        looked.append('the environment %s/%s (%s)' % (
            id_name, secret_name, 'only %s is set' % ' and '.join(present) if present else 'not set'))
    return None


# --- 3. aliyun CLI profile --------------------------------------------------------------------------------------

def read_profile(path, name, name_where):
    """The profile dict `name` (None: the file's `current`, else 'default') of the aliyun CLI file `path`;
    `name_where` says who asked for `name` ('set by the option profile', 'set by ALICLOUD_PROFILE').

    Returns (profile, name), or (None, None) when the file does not exist and no profile was asked for by name.
    Raises ValidationError for a file that cannot be read or is not JSON, and for an unknown profile (naming the known
    ones). Never quotes the file's content (it holds secrets).
    """
    try:
        with open(path, encoding='utf-8') as stream:
            text = stream.read()
    except FileNotFoundError:
        if name:
            raise ValidationError('profile %r (%s) was asked for, but the aliyun CLI profile file %s does not exist' % (
                name, name_where, path))
        return None, None
    except (OSError, UnicodeDecodeError) as exc:
        raise ValidationError('cannot read the aliyun CLI profile file %s: %s' % (path, getattr(exc, 'strerror', None) or type(exc).__name__))
    try:
        config = json.loads(text)
    except ValueError as exc:
        raise ValidationError('the aliyun CLI profile file %s is not JSON (%s at line %s, column %s)' % (
            path, getattr(exc, 'msg', 'invalid JSON'), getattr(exc, 'lineno', '?'), getattr(exc, 'colno', '?')))
    profiles = config.get('profiles') if isinstance(config, dict) else None
    if not isinstance(profiles, list):
        raise ValidationError('the aliyun CLI profile file %s has no "profiles" list' % path)
    profiles = [profile for profile in profiles if isinstance(profile, dict)]
    if not name:
        if config.get('current'):
            name, name_where = config['current'], 'the file\'s "current"'
        else:
            name, name_where = 'default', 'the default, as the file has no "current"'
    for profile in profiles:
        if profile.get('name') == name:
            return profile, name
    known = ', '.join(repr(str(profile.get('name'))) for profile in profiles) or 'none'
    raise ValidationError('profile %r (%s) is not in the aliyun CLI profile file %s; its profiles: %s' % (
        name, name_where, path, known))


def from_profile(profile, name, path, params, environ, transport, rpc):
    """Credentials from one aliyun CLI profile (modes AK, StsToken, RamRoleArn, EcsRamRole)."""
    mode = profile.get('mode') or 'AK'
    where = 'profile %r of %s' % (name, path)
    if mode not in PROFILE_MODES:
        raise ValidationError('%s has mode %r, which cdnops.cdn does not support (supported: %s)' % (
            where, mode, ', '.join(PROFILE_MODES)))

    def need(*keys):
        missing = [key for key in keys if not profile.get(key)]
        if missing:
            raise ValidationError('%s (mode %s) has no %s' % (where, mode, ' and no '.join(missing)))
        return [profile[key] for key in keys]

    if mode == 'EcsRamRole':
        role = profile.get('ram_role_name') or setting(params, environ, 'ecs_role_name')[0]
        return from_ecs(role, ecs_endpoint(params), transport, environ, '%s has mode EcsRamRole' % where,
                        source_prefix='%s: ' % where)
    key_id, secret = need('access_key_id', 'access_key_secret')
    token = need('sts_token')[0] if mode == 'StsToken' else profile.get('sts_token')
    _hide(transport, secret, token)
    credentials = Credentials(key_id, secret, token, source=where)
    if mode == 'RamRoleArn':
        arn = need('ram_role_arn')[0]
        session = profile.get('ram_session_name') or DEFAULT_SESSION_NAME
        duration = _expiration(profile.get('expired_seconds') or DEFAULT_SESSION_EXPIRATION, '%s expired_seconds' % where)
        credentials = assume_role(rpc, sts_endpoint(params), credentials, arn, session, duration, transport,
                                  policy=profile.get('policy'), external_id=profile.get('external_id'))
    return credentials


# --- 4. ECS instance RAM role -----------------------------------------------------------------------------------

def ecs_endpoint(params):
    return validate_endpoint(params.get('ecs_metadata_endpoint') or DEFAULT_ECS_METADATA_ENDPOINT)


def ecs_disabled(environ):
    return str(environ.get(ECS_DISABLED_ENV, '')).strip().lower() == 'true'


def ecs_reason(params, environ):
    """Why the ECS RAM role source is tried (text), or None when it is not.

    It is tried only when asked for: ecs_role_name (or its environment variables), an explicit ecs_metadata_endpoint,
    or assume_role_arn with no other source (AssumeRole from the instance's role). Never when
    ALIBABA_CLOUD_ECS_METADATA_DISABLED=true.
    """
    if ecs_disabled(environ):
        return None
    role, where = setting(params, environ, 'ecs_role_name')
    if role:
        return '%s is set' % where
    if params.get('ecs_metadata_endpoint'):
        return 'ecs_metadata_endpoint is set'
    arn_where = setting(params, environ, 'assume_role_arn')[1]
    if arn_where:
        return '%s is set and no other source was found' % arn_where
    return None


def _metadata_transport(transport):
    """A Transport for the metadata service: short timeouts and few attempts, the module's session and hooks."""
    return Transport(timeout=ECS_TIMEOUT, verify=True, session=transport.session, log=transport.log, no_log=transport.no_log,
                     retry=RetryPolicy(attempts=ECS_ATTEMPTS, base_delay=0.5, max_delay=1.0, sleep=transport.retry.sleep))


def _metadata_parse(action):
    """Parse a metadata answer: its text on HTTP 200, else ApiError with the status (the body is never quoted)."""
    def parse(response):
        if response.status_code == 200:
            return response.text
        raise ApiError(action, 'the ECS metadata service answered HTTP %d' % response.status_code,
                       http_status=response.status_code, retryable=response.status_code >= 500)
    return parse


def from_ecs(role, endpoint, transport, environ, reason, source_prefix=''):
    """Credentials of the instance's RAM role `role` (None or '': the one attached, found from the metadata service).

    IMDSv2: PUT /latest/api/token first, then the GETs with the token; without a token (an older service), IMDS v1
    unless ALIBABA_CLOUD_IMDSV1_DISABLED=true. Raises NetworkError when the service cannot be reached and ApiError when
    it refuses (a token required and not to be had, no such role).
    """
    metadata = _metadata_transport(transport)
    headers = {}
    token_error = None
    token_required = str(environ.get(IMDSV1_DISABLED_ENV, '')).strip().lower() == 'true'
    try:
        token = metadata.call('ECS metadata token', lambda: dict(
            method='PUT', url=endpoint + ECS_TOKEN_PATH, headers={ECS_TOKEN_TTL_HEADER: str(ECS_TOKEN_TTL)}),
            _metadata_parse('ECS metadata token')).strip()
        _hide(transport, token)
        headers[ECS_TOKEN_HEADER] = token
    except NetworkError as exc:
        raise NetworkError(exc.action, '%s; the ECS RAM role source (tried because %s) needs the instance metadata '
                           'service: is this an ECS instance?' % (exc.reason, reason), where=endpoint, retryable=False)
    except ApiError as exc:
        if token_required:
            raise ApiError(exc.action, 'the IMDSv2 token is required (%s=true) but the ECS metadata service did not '
                           'give one: %s' % (IMDSV1_DISABLED_ENV, exc.message), http_status=exc.http_status)
        token_error = exc

    def get(action, path):
        try:
            return metadata.call(action, lambda: dict(method='GET', url=endpoint + path, headers=headers),
                                 _metadata_parse(action))
        except ApiError as exc:
            if exc.http_status == 401 and token_error is not None:
                raise ApiError(action, 'the ECS metadata service requires a token (IMDSv2) and the token request '
                               'failed (%s)' % token_error.message, http_status=401)
            if exc.http_status == 401:
                raise ApiError(action, 'the ECS metadata service refused its own token', http_status=401)
            raise

    if not role:
        try:
            roles = [line.strip() for line in get('ECS metadata role list', ECS_ROLES_PATH).splitlines() if line.strip()]
        except ApiError as exc:
            if exc.http_status != 404:
                raise
            roles = []
        if not roles:
            raise ApiError('ECS metadata role list', 'no RAM role is attached to this ECS instance (tried because %s)'
                           % reason, http_status=404)
        role = roles[0]
    try:
        text = get('ECS metadata credentials', ECS_ROLES_PATH + role)
    except ApiError as exc:
        if exc.http_status == 404:
            raise ApiError(exc.action, 'the RAM role %r is not attached to this ECS instance (tried because %s)' % (
                role, reason), http_status=404)
        raise
    try:
        body = json.loads(text)
    except ValueError:
        body = None
    fields = ('AccessKeyId', 'AccessKeySecret', 'SecurityToken')
    if not isinstance(body, dict) or body.get('Code') != 'Success' or not all(body.get(field) for field in fields):
        raise ApiError('ECS metadata credentials', 'the ECS metadata service gave no usable credentials for the RAM '
                       'role %r (Code %r)' % (role, body.get('Code') if isinstance(body, dict) else None))
    _hide(transport, body['AccessKeySecret'], body['SecurityToken'])
    return Credentials(body['AccessKeyId'], body['AccessKeySecret'], body['SecurityToken'],
                       source='%sECS RAM role %r' % (source_prefix, role), expiration=parse_expiration(body.get('Expiration')),
                       renew=lambda: from_ecs(role, endpoint, transport, environ, reason, source_prefix))


# --- AssumeRole ---------------------------------------------------------------------------------------------------

def sts_endpoint(params):
    return validate_endpoint(params.get('sts_endpoint') or DEFAULT_STS_ENDPOINT)


def _expiration(value, where):
    """Session seconds as an int in SESSION_EXPIRATION_RANGE; ValidationError naming `where` otherwise."""
    try:
        seconds = int(str(value).strip())
    except ValueError:
        seconds = None
    low, high = SESSION_EXPIRATION_RANGE
    if seconds is None or not low <= seconds <= high:
        raise ValidationError('%s must be a number of seconds from %d to %d, got %r' % (where, low, high, value))
    return seconds


def assume_role(rpc, endpoint, base, arn, session, duration, transport, policy=None, external_id=None):
    """STS AssumeRole (RPC 2015-04-01, signed V2 with `base`): Credentials of the role, renewed the same way.

    `rpc(endpoint, version, action, credentials, operation_params)` is _alicdn.rpc_call bound to the module's
    Transport. Raises ApiError naming the role and the source of `base` when STS refuses.
    """
    params = dict(RoleArn=arn, RoleSessionName=session, DurationSeconds=str(duration))
    if policy:
        params['Policy'] = policy
    if external_id:
        params['ExternalId'] = external_id
    try:
        body = rpc(endpoint, STS_VERSION, 'AssumeRole', base, params)
    except ApiError as exc:
        raise ApiError('AssumeRole', '%s (role %s, session %s, called with the credentials from %s)' % (
            exc.message, arn, session, base.source), http_status=exc.http_status, code=exc.code,
            request_id=exc.request_id)
    issued = body.get('Credentials') if isinstance(body, dict) else None
    fields = ('AccessKeyId', 'AccessKeySecret', 'SecurityToken')
    if not isinstance(issued, dict) or not all(issued.get(field) for field in fields):
        raise ApiError('AssumeRole', 'the answer carries no Credentials', request_id=body.get('RequestId'))
    _hide(transport, issued['AccessKeySecret'], issued['SecurityToken'])
    return Credentials(issued['AccessKeyId'], issued['AccessKeySecret'], issued['SecurityToken'],
                       source='%s + AssumeRole %s' % (base.source, arn), expiration=parse_expiration(issued.get('Expiration')),
                       renew=lambda: assume_role(rpc, endpoint, base, arn, session, duration, transport, policy, external_id))


# --- the chain ----------------------------------------------------------------------------------------------------

def resolve(params, transport, rpc, environ=None):
    """The Credentials the module signs with: the first complete source, then AssumeRole when assume_role_arn is set.

    `params`: the module's options; `transport`: the module's Transport (its `no_log` hook receives every secret and
    token); `rpc`: _alicdn.rpc_call bound to it (signs STS calls like the CDN ones); `environ`: os.environ by default.
    Raises ValidationError when no source is complete (naming every place it looked) or a setting is wrong, ApiError
    or NetworkError when the metadata service or STS fails. Sends nothing to the CDN.
    """
    environ = os.environ if environ is None else environ
    arn, arn_where = setting(params, environ, 'assume_role_arn')
    if arn:
        session = setting(params, environ, 'assume_role_session_name')[0] or DEFAULT_SESSION_NAME
        value, where = setting(params, environ, 'assume_role_session_expiration')
        duration = _expiration(DEFAULT_SESSION_EXPIRATION if value is None else value, where)
        endpoint = sts_endpoint(params)
    looked = ['the options access_key_id/access_key_secret (not set)']
    credentials = from_options(params) or from_environment(environ, transport, looked)
    if credentials is None:
        name, name_where = setting(params, environ, 'profile')
        name_where = 'set by %s' % ('the option profile' if name_where == 'profile' else name_where)
        path = os.path.expanduser(setting(params, environ, 'shared_credentials_file')[0] or DEFAULT_SHARED_CREDENTIALS_FILE)
        profile, name = read_profile(path, name, name_where)
        if profile is not None:
            credentials = from_profile(profile, name, path, params, environ, transport, rpc)
        else:
            looked.append('the aliyun CLI profile file %s (not found)' % path)
    if credentials is None:
        reason = ecs_reason(params, environ)
        if reason:
            role = setting(params, environ, 'ecs_role_name')[0]
            credentials = from_ecs(role, ecs_endpoint(params), transport, environ, reason)
        elif ecs_disabled(environ):
            looked.append('the ECS RAM role (not tried: %s=true)' % ECS_DISABLED_ENV)
        else:
            looked.append('the ECS RAM role (not tried: set ecs_role_name or ALIBABA_CLOUD_ECS_METADATA on an ECS instance)')
    if credentials is None:
        raise ValidationError('no Alibaba Cloud credentials found. Looked at: %s' % '; '.join(looked))
    if arn:
        credentials = assume_role(rpc, endpoint, credentials, arn, session, duration, transport)
    return credentials
