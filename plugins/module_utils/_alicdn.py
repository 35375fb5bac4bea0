# Copyright (c) 2026, cdnops.cdn contributors
# BSD 2-Clause License (see LICENSES/BSD-2-Clause.txt or https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause

# Private to the cdnops.cdn collection: no compatibility promise outside it.

"""Alibaba Cloud CDN (API 2018-05-10): the V2 (HMAC-SHA1) signer, credentials, and the refresh client."""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
import uuid

from ansible.module_utils.basic import env_fallback
from ansible.module_utils.six.moves.urllib.parse import quote

from ansible_collections.cdnops.cdn.plugins.module_utils._engine import (
    CONNECTION_OPTIONS, REFRESH_OPTIONS, normalise_url, split_batches, validate_endpoint)
from ansible_collections.cdnops.cdn.plugins.module_utils._errors import ApiError, QuotaError, ValidationError
from ansible_collections.cdnops.cdn.plugins.module_utils._transport import retry_after_seconds

API_VERSION = '2018-05-10'
DEFAULT_ENDPOINT = 'https://cdn.aliyuncs.com'

# object_type option -> (API ObjectType, paths per call, DescribeRefreshQuota field prefix)
OBJECT_TYPES = {
    'file': ('File', 1000, 'Url'),
    'directory': ('Directory', 100, 'Dir'),
    'regex': ('Regex', 1, 'Regex'),
    'ignore_params': ('IgnoreParams', 1000, 'IgnoreParams'),
}
MAX_DOMAINS_PER_CALL = 10
MAX_PATH_LENGTH = 1024
MAX_IDS_PER_QUERY = 10

# Codes worth another attempt (vendor-apis.md A6.2/A6.3); any HTTP 5xx is retried as well.
RETRYABLE_CODES = frozenset((
    'Throttling', 'Throttling.User', 'Throttling.Api', 'TooManyRequests', 'ServiceUnavailable', 'ServiceUnAvailable',
    'InternalError', 'UnknownError', 'ServiceBusy', 'TooMany.Refresh', 'SignatureNonceUsed',
))
HINTS = {
    'SignatureDoesNotMatch': 'check access_key_secret',
    'InvalidAccessKeyId.NotFound': 'check access_key_id',
    'InvalidAccessKeyId.Inactive': 'the AccessKey is disabled',
    'InvalidTimeStamp.Expired': "the controller's clock differs from Alibaba's by more than 15 minutes; fix its time (NTP)",
    'QuotaExceeded.Refresh': "today's refresh quota is used up",
    'QuotaPerMinuteExceeded.Refresh': 'more than the per-minute limit of URLs for one domain; try again in a minute',
    'InvalidDomain.NotFound': 'a domain in the paths is not a CDN domain of this account',
    'Forbidden.RAM': 'the RAM user needs the cdn:RefreshObjectCaches / cdn:DescribeRefresh* permissions',
}

# A RAM policy may allow refreshing but not reading the quota: then refresh without the check, and say so.
QUOTA_NOT_READABLE_CODES = frozenset(('Forbidden.RAM', 'Forbidden', 'InvalidAction.NotFound', 'InvalidApi.NotFound'))

ENV = dict(
    access_key_id=['ALIBABA_CLOUD_ACCESS_KEY_ID', 'ALICLOUD_ACCESS_KEY'],
    access_key_secret=['ALIBABA_CLOUD_ACCESS_KEY_SECRET', 'ALICLOUD_SECRET_KEY'],
    security_token=['ALIBABA_CLOUD_SECURITY_TOKEN', 'ALICLOUD_SECURITY_TOKEN'],
    endpoint=['ALICDN_ENDPOINT'],
)

CONNECTION_ARGUMENT_SPEC = dict(
    access_key_id=dict(type='str', no_log=False, aliases=['alicloud_access_key'], fallback=(env_fallback, ENV['access_key_id'])),
    access_key_secret=dict(type='str', no_log=True, aliases=['alicloud_secret_key'], fallback=(env_fallback, ENV['access_key_secret'])),
    security_token=dict(type='str', no_log=True, aliases=['alicloud_security_token'], fallback=(env_fallback, ENV['security_token'])),
    endpoint=dict(type='str', fallback=(env_fallback, ENV['endpoint'])),
    **CONNECTION_OPTIONS
)

INFO_ARGUMENT_SPEC = dict(
    task_ids=dict(type='list', elements='str', default=[]),
    paths=dict(type='list', elements='str', default=[]),
    quota=dict(type='bool', default=True),
    **CONNECTION_ARGUMENT_SPEC
)

REFRESH_ARGUMENT_SPEC = dict(
    object_type=dict(type='str', default='file', choices=list(OBJECT_TYPES)),
    force=dict(type='bool', default=False),
    **dict(REFRESH_OPTIONS, **CONNECTION_ARGUMENT_SPEC)
)


def percent_encode(value):
    """The RPC percentEncode of vendor-apis.md A2.2: UTF-8, only A-Z a-z 0-9 - _ . ~ literal, space as %20."""
    return quote(value, safe='-_.~')


def string_to_sign(method, params):
    canonical = '&'.join('%s=%s' % (percent_encode(name), percent_encode(params[name])) for name in sorted(params))
    return '%s&%s&%s' % (method, percent_encode('/'), percent_encode(canonical))


def sign(method, params, secret):
    """Signature V2: base64 HMAC-SHA1 of the StringToSign, keyed with the secret plus '&'."""
    digest = hmac.new((secret + '&').encode('utf-8'), string_to_sign(method, params).encode('utf-8'), hashlib.sha1).digest()
    return base64.b64encode(digest).decode('ascii')


def signed_query(action, operation_params, credentials, method='POST', now=time.time, nonce=lambda: uuid.uuid4().hex):
    """Common parameters plus Signature, computed over them and the operation parameters (sent in the form body)."""
    query = dict(
        Action=action, Version=API_VERSION, Format='JSON', AccessKeyId=credentials['access_key_id'],
        SignatureMethod='HMAC-SHA1', SignatureVersion='1.0', SignatureNonce=nonce(),
        Timestamp=time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime(now())),
    )
    if credentials.get('security_token'):
        query['SecurityToken'] = credentials['security_token']
    query['Signature'] = sign(method, dict(operation_params, **query), credentials['access_key_secret'])
    return query


def form_encode(params):
    return '&'.join('%s=%s' % (percent_encode(name), percent_encode(value)) for name, value in params.items())


def _error_message(body):
    message = str(body.get('Message') or '')
    # SignatureDoesNotMatch quotes the server's StringToSign, which carries the STS token when there is one.
    message = message.partition(' server string to sign is:')[0]
    hint = HINTS.get(body.get('Code'))
    return '%s (%s)' % (message, hint) if hint else message


def parse_response(action):
    def parse(response):
        try:
            body = response.json()
        except ValueError:
            body = None
        if not isinstance(body, dict):
            raise ApiError(action, 'the answer is not JSON: %r' % response.text[:200], http_status=response.status_code,
                           retryable=response.status_code >= 500, retry_after=retry_after_seconds(response))
        if response.status_code == 200 and 'Code' not in body:
            return body
        code = body.get('Code')
        raise ApiError(action, _error_message(body), http_status=response.status_code, code=code, request_id=body.get('RequestId'),
                       retryable=response.status_code >= 500 or code in RETRYABLE_CODES, retry_after=retry_after_seconds(response))
    return parse


def _number(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class AlicdnClient:
    """RefreshObjectCaches and its read-only companions, over one Transport."""

    object_types = tuple(OBJECT_TYPES)
    submit_concurrency = 4

    def __init__(self, transport, endpoint, credentials, force=False, now=time.time):
        self.transport = transport
        self.url = endpoint + '/'
        self.credentials = credentials
        self.force = force
        self.now = now

    @classmethod
    def from_params(cls, params, transport):
        missing = [name for name in ('access_key_id', 'access_key_secret') if not params.get(name)]
        if missing:
            raise ValidationError('missing Alibaba Cloud credentials: set %s (or the environment variables %s)' % (
                ' and '.join(missing), ', '.join(env for name in missing for env in ENV[name])))
        credentials = {name: params.get(name) for name in ('access_key_id', 'access_key_secret', 'security_token')}
        return cls(transport, validate_endpoint(params.get('endpoint') or DEFAULT_ENDPOINT), credentials, force=params.get('force', False))

    def call(self, action, **operation_params):
        def prepare():
            query = signed_query(action, operation_params, self.credentials, now=self.now)
            request = dict(method='POST', url=self.url + '?' + form_encode(query))
            if operation_params:
                request.update(data=form_encode(operation_params), headers={'Content-Type': 'application/x-www-form-urlencoded'})
            return request
        return self.transport.call(action, prepare, parse_response(action))

    # The engine's vendor interface (see _engine.py).

    def normalise(self, path, object_type):
        return normalise_url(path, object_type, allow_bare_host=True, max_length=MAX_PATH_LENGTH, encode=object_type != 'regex')

    def plan(self, entries, object_type):
        return split_batches(entries, OBJECT_TYPES[object_type][1], MAX_DOMAINS_PER_CALL)

    def quota(self):
        body = self.call('DescribeRefreshQuota')
        return {name: dict(limit=_number(body.get(prefix + 'Quota')), remaining=_number(body.get(prefix + 'Remain')))
                for name, (api_type, per_call, prefix) in OBJECT_TYPES.items()}

    def check_quota(self, object_type, count):
        try:
            quota = dict(self.quota()[object_type], object_type=object_type, needed=count)
        except ApiError as exc:
            if exc.code not in QUOTA_NOT_READABLE_CODES:
                raise
            return dict(object_type=object_type, needed=count, limit=None, remaining=None, unread_reason=str(exc))
        if quota['remaining'] is not None and count > quota['remaining']:
            raise QuotaError('not enough refresh quota for %d %s path(s): %d of %s are left today; nothing was sent' % (
                count, object_type, quota['remaining'], quota['limit']))
        return quota

    def submit(self, object_type, urls):
        params = dict(ObjectPath='\n'.join(urls), ObjectType=OBJECT_TYPES[object_type][0])
        if self.force:
            params['Force'] = 'true'
        body = self.call('RefreshObjectCaches', **params)
        task_id = str(body.get('RefreshTaskId') or '')
        if not task_id:
            raise ApiError('RefreshObjectCaches', 'the answer carries no RefreshTaskId', request_id=body.get('RequestId'))
        return dict(task_id=task_id, task_ids=[part.strip() for part in task_id.split(',') if part.strip()],
                    request_id=body.get('RequestId'))

    def task_rows(self, task_ids):
        rows = []
        for start in range(0, len(task_ids), MAX_IDS_PER_QUERY):
            body = self.call('DescribeRefreshTaskById', TaskId=','.join(task_ids[start:start + MAX_IDS_PER_QUERY]))
            rows.extend(body.get('Tasks') or [])
        return rows

    def task_status(self, task_ids):
        return tasks_from_rows(task_ids, self.task_rows(task_ids))

    def tasks_for_path(self, path):
        """The last 3 days' tasks for one exact path (DescribeRefreshTasks), newest first."""
        body = self.call('DescribeRefreshTasks', ObjectPath=path, PageSize='100')
        rows = (body.get('Tasks') or {}).get('CDNTask') or []
        task_ids = list(dict.fromkeys(str(row.get('TaskId')) for row in rows))
        return tasks_from_rows(task_ids, rows)


def tasks_from_rows(task_ids, rows):
    """Fold Alibaba's per-path rows into one entry per task id, in the engine's task shape."""
    tasks = []
    for task_id in task_ids:
        own = [row for row in rows if str(row.get('TaskId')) == task_id]
        failed = [row for row in own if row.get('Status') == 'Failed']
        if not own or any(row.get('Status') not in ('Complete', 'Failed') for row in own):
            status = 'running'
        else:
            status = 'failed' if failed else 'complete'
        progress = [float(str(row.get('Process') or '0').rstrip('%') or 0) for row in own]
        tasks.append(dict(
            task_id=task_id, status=status, progress=round(sum(progress) / len(progress), 2) if progress else 0.0,
            reason='; '.join(sorted({row.get('Description') for row in failed if row.get('Description')})) or None,
            created=min((row.get('CreationTime') for row in own if row.get('CreationTime')), default=None),
            paths=[row.get('ObjectPath') for row in own], failed_paths=[row.get('ObjectPath') for row in failed]))
    return tasks


def describe(client, task_ids, paths, quota=True):
    """What alicdn_refresh_info returns: the tasks asked for by id and by path, and (unless not wanted) today's quota."""
    tasks = client.task_status(list(dict.fromkeys(task_ids))) if task_ids else []
    for path in paths:
        url, domain = client.normalise(path, 'file')
        tasks.extend(task for task in client.tasks_for_path(url) if task['task_id'] not in [known['task_id'] for known in tasks])
    return dict(tasks=tasks, **(dict(quota=client.quota()) if quota else {}))
