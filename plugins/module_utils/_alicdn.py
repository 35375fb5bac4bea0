# Copyright (c) 2026, cdnops.cdn contributors
# BSD 2-Clause License (see LICENSES/BSD-2-Clause.txt or https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause

# Private to the cdnops.cdn collection: no compatibility promise outside it.

"""Alibaba Cloud CDN (API 2018-05-10): the V2 (HMAC-SHA1) signer, credentials, and the refresh client."""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import json
import re
import time
import uuid

from ansible.module_utils.basic import env_fallback
from ansible_collections.cdnops.cdn.plugins.module_utils import _credentials
from ansible_collections.cdnops.cdn.plugins.module_utils._credentials import Credentials
from ansible_collections.cdnops.cdn.plugins.module_utils._errors import ApiError, QuotaUnreadableError, ValidationError
from ansible_collections.cdnops.cdn.plugins.module_utils._runner import (
    CONNECTION_OPTIONS, SUBMIT_OPTIONS, parse_time, utc_iso)
from ansible_collections.cdnops.cdn.plugins.module_utils._transport import retry_after_seconds
from ansible_collections.cdnops.cdn.plugins.module_utils._urls import normalise_path, validate_endpoint
from ansible_collections.cdnops.cdn.plugins.module_utils._vendor import CallLimit, CdnClient, PathRules

API_VERSION = '2018-05-10'
DEFAULT_ENDPOINT = 'https://cdn.aliyuncs.com'
DOC = 'https://www.alibabacloud.com/help/en/cdn/developer-reference/api-cdn-2018-05-10-'

# object_type option -> (RefreshObjectCaches ObjectType, DescribeRefreshQuota field prefix,
#                        DescribeRefreshTasks ObjectType, None where none is documented). Limits: DOC + 'refreshobjectcaches'.
OBJECT_TYPES = {
    'file': ('File', 'Url', 'file'),
    'directory': ('Directory', 'Dir', 'directory'),
    'regex': ('Regex', 'Regex', 'regex'),
    'ignore_params': ('IgnoreParams', 'IgnoreParams', None),
}
# The DescribeRefreshTasks ObjectType values documented (DOC + 'describerefreshtasks'): none is for IgnoreParams tasks.
LISTED_TASK_TYPES = frozenset(('file', 'directory', 'regex', 'preload', 'block', 'unblock'))
TASK_HISTORY = 3 * 24 * 3600    # DescribeRefreshTasks and DescribeRefreshTaskById see the last 3 days
END_TIME_AHEAD = 300            # DescribeRefreshTasks EndTime: this far past now, for a server clock ahead of ours
PREFETCH_QUOTA_PREFIX = 'Preload'
MAX_IDS_PER_QUERY = 10          # DescribeRefreshTaskById: DOC + 'describerefreshtaskbyid'
PAGE_SIZE = 100                 # DescribeRefreshTasks: DOC + 'describerefreshtasks'
# str.translate table deleting the characters the RPC signature's percentEncode keeps literal (RFC 3986 unreserved).
_RPC_UNRESERVED_DELETED = dict.fromkeys(map(ord, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~'))
# Calls a second per account, as documented on each operation's page.
CALL_RATES = {
    'RefreshObjectCaches': 50, 'PushObjectCache': 50, 'DescribeRefreshTaskById': 30, 'DescribeRefreshTasks': 5,
    'DescribeRefreshQuota': 20,
}

# Codes worth another attempt (https://error-center.alibabacloud.com/status/product/Cdn and the gateway's common
# codes); any HTTP 5xx is retried as well.
RETRYABLE_CODES = frozenset((
    'Throttling', 'Throttling.User', 'Throttling.Api', 'TooManyRequests', 'ServiceUnavailable', 'ServiceUnAvailable',
    'InternalError', 'UnknownError', 'ServiceBusy', 'TooMany.Refresh', 'SignatureNonceUsed', 'PreloadQueueFull',
))
# 5xx answers that say the request was refused before it was processed; any other 5xx may have been processed.
REFUSED_5XX_CODES = frozenset(('Throttling', 'ServiceUnavailable', 'ServiceUnAvailable'))
HINTS = {
    'SignatureDoesNotMatch': 'check access_key_secret',
    'InvalidAccessKeyId.NotFound': 'check access_key_id',
    'InvalidAccessKeyId.Inactive': 'the AccessKey is disabled',
    'InvalidTimeStamp.Expired': "the controller's clock differs from Alibaba's by more than 15 minutes; fix its time (NTP)",
    'QuotaExceeded.Refresh': "today's refresh or prefetch quota is used up",
    'QuotaPerMinuteExceeded.Refresh': "more than the account's limit of URLs per domain per minute; set "
                                      "domain_urls_per_minute to that limit, or a longer pacing_timeout",
    'InvalidDomain.NotFound': 'a domain in the paths is not a CDN domain of this account',
    'Forbidden.RAM': 'the RAM user needs the cdn:RefreshObjectCaches / cdn:PushObjectCache / cdn:DescribeRefresh* '
                     'permissions',
    'PreloadQueueFull': "Alibaba's prefetch queue is full; try again later",
}

# A RAM policy may allow refreshing but not reading the quota: then refresh without the check, and say so.
QUOTA_NOT_READABLE_CODES = frozenset(('Forbidden.RAM', 'Forbidden', 'InvalidAction.NotFound', 'InvalidApi.NotFound'))

# Environment variables: the credential chain's (read by _credentials.resolve, as a unit per source, never field by
# field through env_fallback) and the endpoint's (an env_fallback).
ENV = dict(
    _credentials.ENV,
    access_key_id=[family[1] for family in _credentials.ENV_FAMILIES],
    access_key_secret=[family[2] for family in _credentials.ENV_FAMILIES],
    security_token=[family[3] for family in _credentials.ENV_FAMILIES],
    endpoint=['ALICDN_ENDPOINT'],
)

CONNECTION_ARGUMENT_SPEC = dict(
    access_key_id=dict(type='str', no_log=False, aliases=['alicloud_access_key']),
    access_key_secret=dict(type='str', no_log=True, aliases=['alicloud_secret_key']),
    security_token=dict(type='str', no_log=True, aliases=['alicloud_security_token']),
    profile=dict(type='str'),
    shared_credentials_file=dict(type='path'),
    ecs_role_name=dict(type='str'),
    ecs_metadata_endpoint=dict(type='str'),
    assume_role_arn=dict(type='str'),
    assume_role_session_name=dict(type='str'),
    assume_role_session_expiration=dict(type='int'),
    sts_endpoint=dict(type='str'),
    endpoint=dict(type='str', fallback=(env_fallback, ENV['endpoint'])),
    **CONNECTION_OPTIONS
)

INFO_ARGUMENT_SPEC = dict(
    task_type=dict(type='str', default='refresh', choices=['refresh', 'prefetch']),
    task_ids=dict(type='list', elements='str', default=[]),
    paths=dict(type='list', elements='str', default=[]),
    quota=dict(type='bool', default=True),
    **CONNECTION_ARGUMENT_SPEC
)

REFRESH_ARGUMENT_SPEC = dict(
    object_type=dict(type='str', default='file', choices=list(OBJECT_TYPES)),
    force=dict(type='bool', default=False),
    refreshed_after=dict(type='raw'),
    domain_urls_per_minute=dict(type='int', default=10000),
    pacing_timeout=dict(type='int', default=600),
    **dict(SUBMIT_OPTIONS, **CONNECTION_ARGUMENT_SPEC)
)

PREFETCH_ARGUMENT_SPEC = dict(
    area=dict(type='str', choices=['domestic', 'overseas']),
    l2_preload=dict(type='bool', default=False),
    headers=dict(type='dict'),
    **dict(SUBMIT_OPTIONS, **CONNECTION_ARGUMENT_SPEC)
)

# An HTTP header name (RFC 9110 token) and a value without control characters other than tab.
_HEADER_NAME = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+\Z")
_HEADER_VALUE_FORBIDDEN = re.compile(r'[\x00-\x08\x0a-\x1f\x7f]')


def push_options(params):
    """PushObjectCache's optional parameters (DOC + 'pushobjectcache') from alicdn_prefetch's options.

    Returns {'Area': 'domestic'|'overseas', 'L2Preload': 'true', 'WithHeader': '{"Name": ["value", ...]}'}, each only
    when set. `headers` maps a header name to a string or a list of strings; a string is sent as a list of one, as
    Alibaba's example (`{"Accept-Encoding":["gzip"]}`) shows. Raises ValidationError naming a bad header.
    """
    options = {}
    if params.get('area'):
        options['Area'] = params['area']
    if params.get('l2_preload'):
        options['L2Preload'] = 'true'
    headers = {}
    for name, value in (params.get('headers') or {}).items():
        if not isinstance(name, str) or not _HEADER_NAME.match(name):
            raise ValidationError('headers: %r is not a valid HTTP header name' % (name,))
        values = [value] if isinstance(value, str) else value
        if not isinstance(values, list) or not values or not all(isinstance(item, str) for item in values):
            raise ValidationError('headers: the value of %s must be a string or a non-empty list of strings, got %r '
                                  '(quote numbers and booleans in YAML)' % (name, value))
        if any(_HEADER_VALUE_FORBIDDEN.search(item) for item in values):
            raise ValidationError('headers: the value of %s contains a line break or another control character' % name)
        headers[name] = values
    if headers:
        options['WithHeader'] = json.dumps(headers, separators=(',', ':'))
    return options


def rpc_percent_encode(value):
    """The RPC signature's percentEncode of a str: UTF-8, only A-Z a-z 0-9 - _ . ~ literal, space as %20.

    https://www.alibabacloud.com/help/en/sdk/product-overview/rpc-mechanism
    The same as urllib's quote(value, safe='-_.~'), several times faster on the long ObjectPath of 1000 URLs (which is
    encoded three times a call): one str.replace per distinct character to encode, instead of a lookup per byte.
    Raises UnicodeEncodeError for a lone surrogate, as quote does.
    """
    text = value.encode('utf-8').decode('latin-1')     # one character per UTF-8 byte
    escaped = set(text.translate(_RPC_UNRESERVED_DELETED))
    if '%' in escaped:      # first, so that the escapes made below are left alone
        text = text.replace('%', '%25')
        escaped.discard('%')
    for char in escaped:
        text = text.replace(char, '%%%02X' % ord(char))
    return text


def string_to_sign(method, params):
    canonical = '&'.join('%s=%s' % (rpc_percent_encode(name), rpc_percent_encode(params[name])) for name in sorted(params))
    return '%s&%s&%s' % (method, rpc_percent_encode('/'), rpc_percent_encode(canonical))


def sign(method, params, secret):
    """Signature V2: base64 HMAC-SHA1 of the StringToSign, keyed with the secret plus '&'."""
    digest = hmac.new((secret + '&').encode('utf-8'), string_to_sign(method, params).encode('utf-8'), hashlib.sha1).digest()
    return base64.b64encode(digest).decode('ascii')


def signed_query(action, operation_params, credentials, method='POST', now=time.time, nonce=lambda: uuid.uuid4().hex,
                 version=API_VERSION):
    """Common parameters plus Signature, computed over them and the operation parameters (sent in the form body).

    `version`: the API version (CDN 2018-05-10; STS 2015-04-01 for AssumeRole, signed the same way).
    """
    query = dict(
        Action=action, Version=version, Format='JSON', AccessKeyId=credentials['access_key_id'],
        SignatureMethod='HMAC-SHA1', SignatureVersion='1.0', SignatureNonce=nonce(),
        Timestamp=time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime(now())),
    )
    if credentials.get('security_token'):
        query['SecurityToken'] = credentials['security_token']
    query['Signature'] = sign(method, dict(operation_params, **query), credentials['access_key_secret'])
    return query


def form_encode(params):
    return '&'.join('%s=%s' % (rpc_percent_encode(name), rpc_percent_encode(value)) for name, value in params.items())


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
        status = response.status_code
        if not isinstance(body, dict):
            raise ApiError(action, 'the answer is not JSON: %r' % response.text[:200], http_status=status,
                           retryable=status >= 500, retry_after=retry_after_seconds(response), ambiguous=status >= 500)
        if status == 200 and 'Code' not in body:
            return body
        code = body.get('Code')
        raise ApiError(action, _error_message(body), http_status=status, code=code, request_id=body.get('RequestId'),
                       retryable=status >= 500 or code in RETRYABLE_CODES, retry_after=retry_after_seconds(response),
                       ambiguous=status >= 500 and code not in REFUSED_5XX_CODES)
    return parse


def rpc_call(transport, endpoint, version, action, credentials, operation_params, mutating=False, now=time.time):
    """One signed RPC call through `transport`: POST endpoint/, common parameters in the query, operation parameters in
    a form body. `credentials`: a _credentials.Credentials, read again (renewed if need be) for every attempt.
    Returns the JSON answer (a dict); raises ApiError / NetworkError.
    """
    url = endpoint.rstrip('/') + '/'

    def prepare():
        query = signed_query(action, operation_params, credentials.current(now()), now=now, version=version)
        request = dict(method='POST', url=url + '?' + form_encode(query))
        if operation_params:
            request.update(data=form_encode(operation_params), headers={'Content-Type': 'application/x-www-form-urlencoded'})
        return request
    return transport.call(action, prepare, parse_response(action), mutating=mutating)


def _number(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class AlicdnClient(CdnClient):
    """Alibaba Cloud CDN: RefreshObjectCaches, PushObjectCache and their read-only companions, over one Transport.

    API reference: https://www.alibabacloud.com/help/en/cdn/developer-reference/api-cdn-2018-05-10-dir-refresh-and-prefetch
    """

    name = 'alicdn'
    CALL_RATES = CALL_RATES
    limits = {
        'refresh': {
            'file': CallLimit(paths=1000, domains=10),
            'directory': CallLimit(paths=100, domains=10),
            'regex': CallLimit(paths=1, domains=10),
            'ignore_params': CallLimit(paths=1000, domains=10),
        },
        'prefetch': {'file': CallLimit(paths=100, domains=10)},
    }
    rules = PathRules(bare_host=True, max_length=1024, raw_types=frozenset(['regex']))
    submit_concurrency = 4
    #: PushObjectCache's optional parameters (see push_options); AlicdnPrefetchClient sets them.
    push_options = {}
    finds_tasks = True
    task_history = TASK_HISTORY
    # RefreshObjectCaches: at most domain_urls_per_minute URLs per domain per minute (DOC + 'refreshobjectcaches')
    per_minute_types = {'refresh': ('file', 'ignore_params')}
    per_minute_codes = frozenset(['QuotaPerMinuteExceeded.Refresh'])

    def __init__(self, transport, endpoint, credentials, force=False, now=None):
        """`credentials`: a _credentials.Credentials, or a dict {access_key_id, access_key_secret[, security_token]}."""
        self.transport = transport
        self.url = endpoint + '/'
        if not isinstance(credentials, Credentials):
            credentials = Credentials(credentials['access_key_id'], credentials['access_key_secret'],
                                      credentials.get('security_token'))
        self.credentials = credentials
        self.force = force
        self.now = now or getattr(transport, 'clock', time.time)

    @classmethod
    def from_params(cls, params, transport):
        """The client for a module's options, with credentials from the chain (_credentials.resolve).

        Raises ValidationError (bad endpoint, no credentials, a bad profile), ApiError / NetworkError (the metadata
        service or STS failed), all before any CDN call.
        """
        endpoint = validate_endpoint(params.get('endpoint') or DEFAULT_ENDPOINT)
        credentials = _credentials.resolve(params, transport, functools.partial(rpc_call, transport))
        return cls(transport, endpoint, credentials, force=params.get('force') or False)

    def result_facts(self):
        """credential_source: where the credentials came from (never a secret)."""
        return dict(credential_source=self.credentials.source)

    def call(self, action, mutating=False, **operation_params):
        """One signed CDN call (rpc_call with this client's endpoint, credentials and clock)."""
        return rpc_call(self.transport, self.url, API_VERSION, action, self.credentials, operation_params,
                        mutating=mutating, now=self.now)

    def read_quota(self):
        """DescribeRefreshQuota (DOC + 'describerefreshquota'): {kind: QuotaEntry} for every object type and 'prefetch'."""
        try:
            body = self.call('DescribeRefreshQuota')
        except ApiError as exc:
            if exc.code in QUOTA_NOT_READABLE_CODES:
                raise QuotaUnreadableError(str(exc))
            raise
        prefixes = dict(((name, spec[1]) for name, spec in OBJECT_TYPES.items()), prefetch=PREFETCH_QUOTA_PREFIX)
        return {kind: dict(limit=_number(body.get(prefix + 'Quota')), remaining=_number(body.get(prefix + 'Remain')))
                for kind, prefix in prefixes.items()}

    def submit(self, batch):
        """RefreshObjectCaches (DOC + 'refreshobjectcaches') or PushObjectCache (DOC + 'pushobjectcache')."""
        if batch['operation'] == 'prefetch':
            action, id_field = 'PushObjectCache', 'PushTaskId'
            params = dict(self.push_options, ObjectPath='\n'.join(batch['paths']))
        else:
            action, id_field = 'RefreshObjectCaches', 'RefreshTaskId'
            params = dict(ObjectPath='\n'.join(batch['paths']), ObjectType=OBJECT_TYPES[batch['object_type']][0])
            if self.force:
                params['Force'] = 'true'
        body = self.call(action, mutating=True, **params)
        task_id = str(body.get(id_field) or '')
        if not task_id:
            raise ApiError(action, 'the answer carries no %s' % id_field, request_id=body.get('RequestId'))
        return dict(already_queued=[], accepted=[dict(
            task_id=task_id, task_ids=[part.strip() for part in task_id.split(',') if part.strip()],
            request_id=body.get('RequestId'), paths=list(batch['paths']))])

    def read_tasks(self, operation, task_ids):
        """DescribeRefreshTaskById (DOC + 'describerefreshtaskbyid'), 10 IDs a call; refresh and prefetch tasks alike."""
        rows = []
        for start in range(0, len(task_ids), MAX_IDS_PER_QUERY):
            body = self.call('DescribeRefreshTaskById', TaskId=','.join(task_ids[start:start + MAX_IDS_PER_QUERY]))
            rows.extend(body.get('Tasks') or [])
        return tasks_from_rows(task_ids, rows)

    def find_tasks(self, operation, object_type, domain=None, path=None, since=None):
        """DescribeRefreshTasks (DOC + 'describerefreshtasks'), page by page: tasks of the last 3 days, newest first.

        `object_type` None: tasks of every refresh type (only with `path`: the API wants a type with a domain).
        `domain`: one domain or a list, one search (DomainName) each. For ignore_params there is one search without
        DomainName and ObjectType, as no ObjectType is documented for IgnoreParams tasks and the API takes no domain
        without one; its rows are kept when their domain is wanted and their ObjectType is not one documented for
        another kind of task. Rows are also checked against the type, domain and `since` asked for (whole seconds).
        """
        kind = 'preload' if operation == 'prefetch' else OBJECT_TYPES[object_type][2] if object_type else None
        domains = [domain] if isinstance(domain, str) else list(domain or [])
        params = dict(PageSize=str(PAGE_SIZE))
        if kind:
            params['ObjectType'] = kind
        if path:
            params['ObjectPath'] = path
        if since is not None:
            params['StartTime'] = utc_iso(since)
            params['EndTime'] = utc_iso(max(self.now(), since) + END_TIME_AHEAD)
        searches = [dict(params, DomainName=name) for name in domains] if kind and domains else [params]
        wanted = set(domains)
        earliest = int(since) if since is not None else None
        rows = []
        for search in searches:
            for row in self._search(search):
                row_type = str(row.get('ObjectType') or '').lower()
                if kind and row_type and row_type != kind:
                    continue
                if object_type and not kind and row_type in LISTED_TASK_TYPES:
                    continue
                if wanted and _row_domain(row) not in wanted:
                    continue
                if earliest is not None and (parse_time(row.get('CreationTime')) or 0) < earliest:
                    continue
                rows.append(row)
        task_ids = list(dict.fromkeys(str(row.get('TaskId')) for row in rows))
        return tasks_from_rows(task_ids, rows)

    def _search(self, params):
        """Every row of one DescribeRefreshTasks search, page by page (rows that move to a later page as new tasks
        arrive are read once)."""
        rows, seen = [], set()
        page = 1
        while True:
            body = self.call('DescribeRefreshTasks', PageNumber=str(page), **params)
            found = (body.get('Tasks') or {}).get('CDNTask') or []
            for row in found:
                key = (str(row.get('TaskId')), row.get('ObjectPath'))
                if key not in seen:
                    seen.add(key)
                    rows.append(row)
            size = _number(body.get('PageSize')) or PAGE_SIZE
            if len(found) < size or page * size >= (_number(body.get('TotalCount')) or 0):
                return rows
            page += 1


def _row_domain(row):
    """The lower-case host (without port) of a task row's ObjectPath."""
    path = str(row.get('ObjectPath') or '')
    return path.partition('://')[2 if '://' in path else 0].partition('/')[0].partition(':')[0].lower()


class AlicdnPrefetchClient(AlicdnClient):
    """The client of alicdn_prefetch: AlicdnClient with the module's area, l2_preload and headers options."""

    @classmethod
    def from_params(cls, params, transport):
        """As AlicdnClient.from_params; also raises ValidationError for a bad `headers` option."""
        options = push_options(params)
        client = super(AlicdnPrefetchClient, cls).from_params(params, transport)
        client.push_options = options
        return client


def tasks_from_rows(task_ids, rows):
    """Fold Alibaba's per-path rows into one Task per ID of `task_ids`, in that order (one pass over the rows)."""
    by_id = {}
    for row in rows:
        by_id.setdefault(str(row.get('TaskId')), []).append(row)
    tasks = []
    for task_id in task_ids:
        own = by_id.get(task_id, [])
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


def describe(client, task_ids, paths, quota=True, operation='refresh'):
    """What alicdn_refresh_info returns: the tasks asked for by ID and by path, and (unless not wanted) today's quota.

    `operation` ('refresh' or 'prefetch') chooses the tasks looked up by path; DescribeRefreshTaskById returns tasks
    of both kinds, so the IDs find either.
    """
    tasks = client.read_tasks(operation, list(dict.fromkeys(task_ids))) if task_ids else []
    known = {task['task_id'] for task in tasks}
    for path in paths:
        url, domain = normalise_path(path, 'file', client.rules)
        for task in client.find_tasks(operation, None, path=url):
            if task['task_id'] not in known:
                known.add(task['task_id'])
                tasks.append(task)
    result = dict(tasks=tasks)
    if quota:
        result['quota'] = client.read_quota()
    return result
