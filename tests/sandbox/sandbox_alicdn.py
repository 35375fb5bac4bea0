# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Alibaba Cloud CDN (API 2018-05-10, RPC) emulation: signatures V2 and V3, refresh, prefetch, tasks, quota."""

from __future__ import annotations

import base64
import calendar
import hashlib
import hmac
import json
import re
import time
import uuid
from urllib.parse import parse_qsl, quote, unquote, urlsplit
from xml.sax.saxutils import escape

from sandbox_http import ApiResponse

API_VERSION = '2018-05-10'
HOST_ID = 'cdn.aliyuncs.com'
V3_ALGORITHM = 'ACS3-HMAC-SHA256'
TIME_FORMAT = '%Y-%m-%dT%H:%M:%SZ'
TIME_RE = re.compile(r'^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$')
HOSTNAME_RE = re.compile(r'^(\*\.)?([a-z0-9_]([a-z0-9_-]*[a-z0-9_])?\.)*[a-z0-9]([a-z0-9-]*[a-z0-9])?$')
MAX_SKEW = 15 * 60
NONCE_RETENTION = 31 * 60
QUERY_WINDOW = 3 * 24 * 3600
BEIJING_OFFSET = 8 * 3600
MAX_PATH_LENGTH = 1024
# 'http(s)://host' followed by '/', '?', '#' or the end, with a host of plain name characters (no port, user or
# wildcard): for these, path_domain's answer is the host lowercased, as urlsplit gives it; the rest go through urlsplit.
PLAIN_URL_RE = re.compile(r'(?i)https?://([a-z0-9_.-]+)(?=[/?#]|$)')
MAX_DOMAINS_PER_CALL = 10
FAILURE_DESCRIPTION = 'Origin Timeout'

# ObjectType value -> (task ObjectType, quota key, per-call limit, per-call limit message, merges like URLs)
REFRESH_TYPES = {
    'File': ('file', 'url', 1000, 'A maximum of 1000 URLs are supported for each request.', True),
    'Directory': ('directory', 'dir', 100, 'A maximum of 100 directories are supported for each request.', False),
    'Regex': ('regex', 'regex', 1, 'A maximum of 1 regular expression is supported for each request.', False),
    'IgnoreParams': ('ignoreparams', 'ignore_params', 1000, 'A maximum of 1000 URLs are supported for each request.', True),
}
REFRESH_TYPES['ExQuery'] = REFRESH_TYPES['IgnoreParams']
URL_MERGE_BATCH = 2000
PRELOAD_MERGE_BATCH = 500
MAX_PRELOAD_PER_CALL = 100
TASK_OBJECT_TYPES = ('file', 'directory', 'regex', 'ignoreparams', 'preload', 'block', 'unblock')
TASK_STATUSES = ('Complete', 'Refreshing', 'Failed', 'Pending')
FIXED_QUOTAS = {'PreloadEdge': 1000, 'Block': 100}

# Calls per second per account (A7); a call over the limit gets Throttling.User (A6.2).
DEFAULT_CALL_LIMITS = {
    'RefreshObjectCaches': 50, 'PushObjectCache': 50, 'DescribeRefreshTasks': 5, 'DescribeRefreshTaskById': 30,
    'DescribeRefreshQuota': 20,
}
DEFAULT_PRELOAD_QUEUE = 100000

FAULTS = {
    'throttle': (503, 'Throttling', 'Request was denied due to request throttling.'),
    'error5xx': (500, 'InternalError', 'The request processing has failed due to some unknown error, exception or failure.'),
    'quota': (400, 'QuotaExceeded.Refresh', "You've exceeded the prescribed refresh limits."),
    'busy': (403, 'ServiceBusy', 'The specified Domain is configuring, please retry later.'),
    'queue_full': (403, 'PreloadQueueFull', 'Preload queue is full, please try again later!'),
}


class AliError(Exception):
    def __init__(self, http_status, code, message):
        super().__init__(message)
        self.http_status = http_status
        self.code = code
        self.message = message


def missing(name):
    return AliError(400, 'MissingParameter', f'The input parameter "{name}" that is mandatory for processing this request is not supplied.')


def malformed_path():
    return AliError(400, 'InvalidObjectPath.Malformed', 'The specific value of parameter ObjectPath is malformed.')


def not_supported(name):
    return AliError(400, f'Invalid{name}.ValueNotSupported', f'The specified value of {name} is not supported.')


def malformed(name):
    return AliError(400, f'Invalid{name}.Malformed', f'Specified {name} is malformed.')


# -- signatures (pure functions, also used by the tests with the published vectors) -----------------------

def percent_encode(text):
    """RFC 3986 encoding of A2.2: only A-Z a-z 0-9 - _ . ~ stay literal."""
    return quote(text, safe='-_.~')


def v2_string_to_sign(method, params):
    canonical = '&'.join(f'{percent_encode(name)}={percent_encode(value)}'
                         for name, value in sorted(params.items()) if name != 'Signature')
    return f'{method}&%2F&{percent_encode(canonical)}'


def v2_signature(secret, string_to_sign):
    digest = hmac.new(f'{secret}&'.encode('utf-8'), string_to_sign.encode('utf-8'), hashlib.sha1).digest()
    return base64.b64encode(digest).decode('ascii')


def sha256_hex(data):
    return hashlib.sha256(data).hexdigest()


def v3_canonical_request(method, path, query_pairs, headers, signed_headers, payload_hash):
    """headers: lower-case name -> list of received values; signed_headers: lower-case names as the client listed them."""
    canonical_uri = quote(unquote(path or '/'), safe='/-_.~')
    canonical_query = '&'.join(f'{percent_encode(name)}={percent_encode(value)}' for name, value in sorted(query_pairs))
    canonical_headers = ''.join(f'{name}:{",".join(sorted(value.strip() for value in headers.get(name, [])))}\n'
                                for name in sorted(signed_headers))
    return '\n'.join([method, canonical_uri, canonical_query, canonical_headers, ';'.join(sorted(signed_headers)), payload_hash])


def v3_string_to_sign(canonical_request):
    return f'{V3_ALGORITHM}\n{sha256_hex(canonical_request.encode("utf-8"))}'


def v3_signature(secret, string_to_sign):
    return hmac.new(secret.encode('utf-8'), string_to_sign.encode('utf-8'), hashlib.sha256).hexdigest()


def parse_v3_authorization(value):
    """'ACS3-HMAC-SHA256 Credential=ID,SignedHeaders=a;b,Signature=hex' -> dict, or None when malformed."""
    if not value.startswith(f'{V3_ALGORITHM} '):
        return None
    fields = dict(part.strip().partition('=')[::2] for part in value[len(V3_ALGORITHM) + 1:].split(','))
    if not all(fields.get(name) for name in ('Credential', 'SignedHeaders', 'Signature')):
        return None
    return fields


# -- small helpers ------------------------------------------------------------------------------------------

def parse_time(text):
    if not TIME_RE.match(text):
        return None
    try:
        return calendar.timegm(time.strptime(text, TIME_FORMAT))
    except ValueError:
        return None


def format_time(epoch):
    return time.strftime(TIME_FORMAT, time.gmtime(epoch))


def beijing_day(epoch):
    return time.strftime('%Y%m%d', time.gmtime(epoch + BEIJING_OFFSET))


def new_request_id():
    return str(uuid.uuid4()).upper()


def parse_bool(params, name):
    value = params.get(name)
    if value is None or value == '':
        return False
    if value in ('true', 'True'):
        return True
    if value in ('false', 'False'):
        return False
    raise not_supported(name)


def parse_int(params, name, default, lowest, highest):
    value = params.get(name)
    if value is None or value == '':
        return default
    if not re.fullmatch(r'\d+', value):
        raise malformed(name)
    if not lowest <= int(value) <= highest:
        raise not_supported(name)
    return int(value)


def split_paths(object_path):
    return [line.strip() for line in object_path.replace('\r\n', '\n').split('\n') if line.strip()]


def path_domain(path):
    """The domain of 'http(s)://host/path' or 'host/path'; raises the documented errors."""
    if len(path) > MAX_PATH_LENGTH:
        raise malformed_path()
    plain = PLAIN_URL_RE.match(path)
    if plain:
        hostname = plain.group(1).lower()
    else:
        try:
            parts = urlsplit(path if '://' in path else f'http://{path}')
            hostname = parts.hostname or ''
            parts.port  # pylint: disable=pointless-statement  # raises ValueError on a bad port
        except ValueError:
            raise malformed_path() from None
        if parts.scheme.lower() not in ('http', 'https'):
            raise malformed_path()
    if not HOSTNAME_RE.match(hostname):
        raise malformed_path()
    if hostname.startswith('*.'):
        raise AliError(400, 'InvalidExtensiveDomain.ValueNotSupported', 'Extensive domain not supported.')
    return hostname


def requested_version(request, params):
    """The API version a call asks for: the x-acs-version header (V3) or the Version parameter (V2)."""
    return request.header('x-acs-version') if is_v3_request(request) else params.get('Version')


def is_v3_request(request):
    return (request.header('authorization') or '').startswith('ACS3-')


def format_of(request, params):
    """JSON or XML: the Format parameter (any case); without a valid one, XML for V2 and JSON for V3."""
    requested = (params.get('Format') or '').upper()
    if requested in ('JSON', 'XML'):
        return requested
    return 'JSON' if is_v3_request(request) else 'XML'


def xml_element(name, value):
    if isinstance(value, list):
        return ''.join(xml_element(name, item) for item in value)
    if isinstance(value, dict):
        inner = ''.join(xml_element(key, item) for key, item in value.items())
    else:
        inner = escape(str(value))
    return f'<{name}>{inner}</{name}>'


class AliRpc:
    """An Alibaba Cloud RPC service (gateway checks, signatures V2/V3, nonces, formats, errors).

    Subclasses set vendor, api_version, host_id, product and faults (fault kind -> (HTTP status, Code, Message)), and
    implement operations() -> {action: fn},
    where fn(params, caller) returns the result dict or raises AliError. caller is the AccessKeyId that signed the call.
    The caller of handle() holds the sandbox lock.
    """

    vendor = ''
    api_version = ''
    host_id = ''
    product = ''
    faults = {}

    @property
    def fault_kinds(self):
        """The injectable fault kinds that give an error answer (drop, slow, lost and late are handled by the server)."""
        return tuple(self.faults)

    def __init__(self, sandbox):
        self.sandbox = sandbox
        self._nonces = {}         # (AccessKeyId, nonce) -> expiry
        self._calls = {}          # action -> server times of the calls let through in the last second

    def reset(self):
        self._nonces = {}
        self._calls = {}

    def operations(self):
        raise NotImplementedError

    def call_limit(self, action):
        """Calls per second allowed for action (0: no limit)."""
        del action
        return 0

    # -- entry points -------------------------------------------------------------------------------------

    @staticmethod
    def signer(request, params):
        """The AccessKeyId the call claims to be signed with (V3: the Credential of Authorization), or None."""
        if is_v3_request(request):
            authorization = parse_v3_authorization(request.header('authorization')) or {}
            return authorization.get('Credential')
        return params.get('AccessKeyId')

    def parse(self, request):
        params = dict(request.query)
        content_type = (request.header('content-type') or '').lower()
        if request.body and content_type.startswith('application/x-www-form-urlencoded'):
            params.update(parse_qsl(request.body.decode('utf-8', 'replace'), keep_blank_values=True))
        action = request.header('x-acs-action') or params.get('Action') or ''
        return action, params

    def handle(self, request, action, params):
        is_v3 = is_v3_request(request)
        request_id = new_request_id()
        response_format = format_of(request, params)
        try:
            if params.get('Format') and params['Format'].upper() not in ('JSON', 'XML'):
                raise AliError(400, 'InvalidParameter.Format', 'Specified parameter Format is not valid.')
            operation = self._operation(request, action, params)
            if is_v3:
                caller = self._authenticate_v3(request)
            else:
                caller = self._authenticate_v2(request, params)
            self._check_call_rate(action)
            result = operation(params, caller)
        except AliError as error:
            return self.error_response(error, response_format, request_id)
        return self.success_response(action, result, response_format, request_id)

    def fault_response(self, kind, request, params):
        return self.error_response(AliError(*self.faults[kind]), format_of(request, params), new_request_id())

    # -- responses ----------------------------------------------------------------------------------------

    @staticmethod
    def success_response(action, result, response_format, request_id):
        result = {**result, 'RequestId': request_id}
        if response_format == 'XML':
            body = '<?xml version="1.0" encoding="UTF-8"?>' + xml_element(f'{action}Response', result)
            return ApiResponse(200, body.encode('utf-8'), 'text/xml;charset=utf-8')
        return ApiResponse(200, json.dumps(result).encode('utf-8'))

    def error_response(self, error, response_format, request_id):
        recommend = f'https://api.aliyun.com/troubleshoot?q={error.code}&product={self.product}&requestId={request_id}'
        if response_format == 'XML':
            body = ('<?xml version="1.0" encoding="UTF-8"?><Error>'
                    f'<RequestId>{request_id}</RequestId><HostId>{self.host_id}</HostId><Code>{escape(error.code)}</Code>'
                    f'<Message>{escape(error.message)}</Message><Recommend><![CDATA[{recommend}]]></Recommend></Error>')
            return ApiResponse(error.http_status, body.encode('utf-8'), 'text/xml;charset=utf-8', error.code)
        body = {'RequestId': request_id, 'HostId': self.host_id, 'Code': error.code, 'Message': error.message, 'Recommend': recommend}
        return ApiResponse(error.http_status, json.dumps(body).encode('utf-8'), code=error.code)

    # -- gateway checks -----------------------------------------------------------------------------------

    def _operation(self, request, action, params):
        version = requested_version(request, params)
        if not action:
            raise missing('Action')
        if not version:
            raise missing('Version')
        if version != self.api_version:
            raise AliError(400, 'InvalidVersion', 'Specified parameter Version is not valid.')
        operations = self.operations()
        if action not in operations:
            raise AliError(404, 'InvalidAction.NotFound', 'Specified api is not found, please check your url and method.')
        return operations[action]

    def _check_time(self, text):
        stamp = parse_time(text)
        if stamp is None:
            raise AliError(400, 'InvalidTimeStamp.Format', 'Specified time stamp or date value is not well formatted.')
        if abs(stamp - self.sandbox.now()) > MAX_SKEW:
            raise AliError(400, 'InvalidTimeStamp.Expired', 'Specified time stamp or date value is expired.')

    def _secret_for(self, access_key_id, security_token):
        """The secret of access_key_id after the security-token checks (permanent keys take no token)."""
        config = self.sandbox.config
        if access_key_id in config.alicdn_credentials:
            if security_token:
                raise AliError(400, 'InvalidSecurityToken.MismatchWithAccessKey', 'Specified SecurityToken mismatch with the AccessKey.')
            return config.alicdn_credentials[access_key_id]
        temporary = self.sandbox.temporary_credential(access_key_id)
        if temporary is None:
            raise AliError(404, 'InvalidAccessKeyId.NotFound', 'Specified access key is not found.')
        secret, token, expires = temporary
        if not security_token:
            raise AliError(400, 'MissingSecurityToken', 'SecurityToken is mandatory for this action.')
        if security_token != token:
            raise AliError(400, 'InvalidSecurityToken.MismatchWithAccessKey', 'Specified SecurityToken mismatch with the AccessKey.')
        if expires is not None and self.sandbox.now() >= expires:
            raise AliError(400, 'InvalidSecurityToken.Expired', 'Specified SecurityToken is expired.')
        return secret

    def _check_call_rate(self, action):
        """At most call_limit(action) calls in any one second of the server clock (a refused call does not count)."""
        limit = self.call_limit(action)
        if not limit:
            return
        now = self.sandbox.now()
        recent = [stamp for stamp in self._calls.get(action, []) if now - 1 < stamp <= now]
        if len(recent) >= limit:
            self._calls[action] = recent
            raise AliError(400, 'Throttling.User', 'Request was denied due to user flow control.')
        self._calls[action] = recent + [now]

    def _signature_mismatch(self, string_to_sign):
        return AliError(400, 'SignatureDoesNotMatch',
                        f'Specified signature is not matched with our calculation. server string to sign is:{string_to_sign}')

    def _use_nonce(self, access_key_id, nonce):
        now = self.sandbox.now()
        self._nonces = {key: expiry for key, expiry in self._nonces.items() if expiry > now}
        if (access_key_id, nonce) in self._nonces:
            raise AliError(400, 'SignatureNonceUsed', 'Specified signature nonce was used already.')
        self._nonces[(access_key_id, nonce)] = now + NONCE_RETENTION

    def _authenticate_v2(self, request, params):
        for name in ('AccessKeyId', 'SignatureMethod', 'SignatureVersion', 'SignatureNonce', 'Signature'):
            if not params.get(name):
                raise missing(name)
        if not params.get('Timestamp'):
            raise AliError(400, 'IllegalTimestamp',
                           'The input parameter "Timestamp" that is mandatory for processing this request is not supplied.')
        if params['SignatureMethod'] != 'HMAC-SHA1':
            raise AliError(400, 'InvalidSignatureMethod', 'Specified signature method is not valid.')
        if params['SignatureVersion'] != '1.0':
            raise AliError(400, 'InvalidSignatureVersion', 'Specified signature version is not valid.')
        self._check_time(params['Timestamp'])
        secret = self._secret_for(params['AccessKeyId'], params.get('SecurityToken'))
        string_to_sign = v2_string_to_sign(request.method, params)
        if not hmac.compare_digest(v2_signature(secret, string_to_sign).encode(), params['Signature'].encode()):
            raise self._signature_mismatch(string_to_sign)
        self._use_nonce(params['AccessKeyId'], params['SignatureNonce'])
        return params['AccessKeyId']

    def _authenticate_v3(self, request):
        authorization = parse_v3_authorization(request.header('authorization'))
        if authorization is None:
            raise AliError(400, 'IncompleteSignature', 'The request signature does not conform to Aliyun standards.')
        for name in ('x-acs-date', 'x-acs-signature-nonce', 'x-acs-content-sha256'):
            if not request.header(name):
                raise missing(name)
        signed_headers = authorization['SignedHeaders'].split(';')
        required = {'host', 'x-acs-action', 'x-acs-version', 'x-acs-date', 'x-acs-signature-nonce', 'x-acs-content-sha256'}
        if not required <= set(signed_headers) or any(name not in request.headers for name in signed_headers):
            raise AliError(400, 'IncompleteSignature', 'The request signature does not conform to Aliyun standards.')
        self._check_time(request.header('x-acs-date'))
        access_key_id = authorization['Credential']
        secret = self._secret_for(access_key_id, request.header('x-acs-security-token'))
        # The payload line uses the hash of the bytes received, so a wrong x-acs-content-sha256 fails the signature.
        canonical = v3_canonical_request(request.method, request.path, request.query, request.headers, signed_headers,
                                         sha256_hex(request.body))
        string_to_sign = v3_string_to_sign(canonical)
        if not hmac.compare_digest(v3_signature(secret, string_to_sign).encode(), authorization['Signature'].encode()):
            raise self._signature_mismatch(string_to_sign)
        self._use_nonce(access_key_id, request.header('x-acs-signature-nonce'))
        return access_key_id


class AliCdn(AliRpc):
    """Alibaba Cloud CDN 2018-05-10: refresh, prefetch, tasks and quota."""

    vendor = 'alicdn'
    api_version = API_VERSION
    host_id = HOST_ID
    product = 'Cdn'
    faults = FAULTS

    def __init__(self, sandbox):
        super().__init__(sandbox)
        self.reset()

    def reset(self):
        super().reset()
        self._daily_use = {}      # (Beijing day, quota key) -> count
        self._minute_use = {}     # (domain, minute) -> URLs
        self._merge = {}          # (kind, domain, second) -> [task id, URL count]
        self._tasks = []          # one row per ObjectPath, oldest first
        self._last_task_id = 170000000

    def operations(self):
        return {
            'RefreshObjectCaches': self.refresh_object_caches,
            'PushObjectCache': self.push_object_cache,
            'DescribeRefreshQuota': self.describe_refresh_quota,
            'DescribeRefreshTaskById': self.describe_refresh_task_by_id,
            'DescribeRefreshTasks': self.describe_refresh_tasks,
        }

    def call_limit(self, action):
        return self.sandbox.config.alicdn_call_limits.get(action) or 0

    # -- tasks and counters -------------------------------------------------------------------------------

    def _remaining(self, quota_key):
        used = self._daily_use.get((beijing_day(self.sandbox.now()), quota_key), 0)
        return max(self.sandbox.config.alicdn_quota[quota_key] - used, 0)

    def _check_quota(self, quota_key, count):
        if count > self._remaining(quota_key):
            raise AliError(400, 'QuotaExceeded.Refresh', "You've exceeded the prescribed refresh limits.")

    def _consume_quota(self, quota_key, count):
        key = (beijing_day(self.sandbox.now()), quota_key)
        self._daily_use[key] = self._daily_use.get(key, 0) + count

    def _per_minute_counts(self, paths_by_domain):
        minute = int(self.sandbox.now() // 60)
        self._minute_use = {key: count for key, count in self._minute_use.items() if key[1] == minute}
        return {(domain, minute): self._minute_use.get((domain, minute), 0) + len(paths)
                for domain, paths in paths_by_domain.items()}

    def _task_id(self, merge_kind, domain, batch):
        if merge_kind is None:
            self._last_task_id += 1
            return str(self._last_task_id)
        second = int(self.sandbox.now())
        self._merge = {key: entry for key, entry in self._merge.items() if key[2] == second}
        entry = self._merge.get((merge_kind, domain, second))
        if entry is None or entry[1] >= batch:
            self._last_task_id += 1
            entry = self._merge[(merge_kind, domain, second)] = [str(self._last_task_id), 0]
        entry[1] += 1
        return entry[0]

    def _create_tasks(self, object_type, paths_by_domain, merge_kind, batch):
        now = self.sandbox.now()
        config = self.sandbox.config
        task_ids = []
        for domain, paths in paths_by_domain.items():
            for path in paths:
                task_id = self._task_id(merge_kind, domain, batch)
                if task_id not in task_ids:
                    task_ids.append(task_id)
                self._tasks.append({
                    'TaskId': task_id, 'ObjectPath': path, 'ObjectType': object_type, 'Domain': domain,
                    'created': now, 'done_at': now + config.task_delay,
                    'Description': FAILURE_DESCRIPTION if config.failure_for(path) else '',
                })
        return ','.join(task_ids)

    def _queued_preloads(self):
        """URLs in prefetch tasks that have not finished yet (the prefetch queue, A7)."""
        now = self.sandbox.now()
        return sum(1 for task in self._tasks if task['ObjectType'] == 'preload' and now < task['done_at'])

    def _public_row(self, task, now):
        if now >= task['done_at']:
            status = 'Failed' if task['Description'] else 'Complete'
            process = '0%' if task['Description'] else '100%'
        else:
            status = 'Refreshing'
            span = task['done_at'] - task['created']
            process = f'{min(int(100 * (now - task["created"]) / span), 99)}%'
        return {
            'CreationTime': format_time(task['created']), 'Description': task['Description'] if status == 'Failed' else '',
            'ObjectPath': task['ObjectPath'], 'ObjectType': task['ObjectType'], 'Process': process,
            'Status': status, 'TaskId': task['TaskId'],
        }

    def _visible_rows(self):
        now = self.sandbox.now()
        return [self._public_row(task, now) for task in self._tasks if now - task['created'] <= QUERY_WINDOW]

    def task_rows(self):
        now = self.sandbox.now()
        return [{**self._public_row(task, now), 'Domain': task['Domain']} for task in self._tasks]

    def _paths_by_domain(self, params):
        object_path = params.get('ObjectPath')
        if not object_path:
            raise AliError(400, 'MissingParameter',
                           'The input parameter ObjectPath that is mandatory for processing this request is not supplied.')
        paths = split_paths(object_path)
        if not paths:
            raise malformed_path()
        paths_by_domain = {}
        for path in paths:
            paths_by_domain.setdefault(path_domain(path), []).append(path)
        return paths, paths_by_domain

    def _check_domains(self, paths_by_domain):
        for domain in paths_by_domain:
            if not self.sandbox.config.owns_domain(domain):
                raise AliError(404, 'InvalidDomain.NotFound', f'The domain [{domain}] does not belong to you.')

    # -- operations ---------------------------------------------------------------------------------------

    def refresh_object_caches(self, params, caller):
        del caller
        object_type_name = params.get('ObjectType') or 'File'
        if object_type_name not in REFRESH_TYPES:
            raise AliError(400, 'InvalidObjectType.ValueNotSupported', 'The specified value of ObjectType is not supported.')
        task_type, quota_key, call_limit, limit_message, merges = REFRESH_TYPES[object_type_name]
        parse_bool(params, 'Force')
        paths, paths_by_domain = self._paths_by_domain(params)
        if task_type == 'directory' and not all(path.endswith('/') for path in paths):
            raise malformed_path()
        if len(paths) > call_limit:
            raise AliError(400, 'SingleRequest.OverLimit', limit_message)
        if len(paths_by_domain) > MAX_DOMAINS_PER_CALL:
            raise AliError(400, 'SingleRequest.OverLimit', 'A maximum of 10 domains are supported for each request.')
        self._check_domains(paths_by_domain)
        self._check_quota(quota_key, len(paths))
        minute_counts = self._per_minute_counts(paths_by_domain) if merges else {}
        if any(count > self.sandbox.config.alicdn_url_per_minute for count in minute_counts.values()):
            raise AliError(400, 'QuotaPerMinuteExceeded.Refresh', "You've exceeded the prescribed refresh limits per minute.")
        self._consume_quota(quota_key, len(paths))
        self._minute_use.update(minute_counts)
        task_ids = self._create_tasks(task_type, paths_by_domain, task_type if merges else None, URL_MERGE_BATCH)
        return {'RefreshTaskId': task_ids}

    def push_object_cache(self, params, caller):
        del caller
        if params.get('Area') and params['Area'] not in ('domestic', 'overseas'):
            raise not_supported('Area')
        for name in ('L2Preload', 'QueryHashkey', 'ConsistencyHash'):
            parse_bool(params, name)
        if params.get('WithHeader'):
            try:
                if not isinstance(json.loads(params['WithHeader']), dict):
                    raise ValueError('not an object')
            except ValueError:
                raise malformed('WithHeader') from None
        paths, paths_by_domain = self._paths_by_domain(params)
        if len(paths) > MAX_PRELOAD_PER_CALL:
            raise AliError(400, 'InvalidObjectPath.Size.Malformed', f'The size of ObjectPath is bigger than {MAX_PRELOAD_PER_CALL}.')
        self._check_domains(paths_by_domain)
        self._check_quota('preload', len(paths))
        if self._queued_preloads() + len(paths) > self.sandbox.config.alicdn_preload_queue:
            raise AliError(*FAULTS['queue_full'])
        self._consume_quota('preload', len(paths))
        return {'PushTaskId': self._create_tasks('preload', paths_by_domain, 'preload', PRELOAD_MERGE_BATCH)}

    def describe_refresh_quota(self, params, caller):
        del params, caller
        quota = self.sandbox.config.alicdn_quota
        result = {}
        for field, key in (('Url', 'url'), ('Dir', 'dir'), ('Regex', 'regex'), ('IgnoreParams', 'ignore_params'), ('Preload', 'preload')):
            result[f'{field}Quota'] = str(quota[key])
            result[f'{field}Remain'] = str(self._remaining(key))
        for field, value in FIXED_QUOTAS.items():
            result[f'{field}Quota'] = result[f'{field}Remain'] = str(value)
        return result

    def describe_refresh_task_by_id(self, params, caller):
        del caller
        if not params.get('TaskId'):
            raise missing('TaskId')
        task_ids = list(dict.fromkeys(task_id.strip() for task_id in params['TaskId'].split(',')))
        if len(task_ids) > 10 or not all(task_id.isdigit() for task_id in task_ids):
            raise AliError(400, 'InvalidTaskId.Malformed', 'Specified TaskId is malformed.')
        rows = self._visible_rows()
        found = [row for task_id in task_ids for row in rows if row['TaskId'] == task_id]
        return {'TotalCount': len(found), 'Tasks': found}

    def describe_refresh_tasks(self, params, caller):
        del caller
        task_id = params.get('TaskId')
        if task_id and not task_id.isdigit():
            raise AliError(400, 'InvalidTaskId.Malformed', 'Specified TaskId is malformed.')
        object_type = params.get('ObjectType')
        if (params.get('DomainName') or params.get('Status')) and not object_type:
            raise missing('ObjectType')
        if object_type and object_type not in TASK_OBJECT_TYPES:
            raise not_supported('ObjectType')
        if params.get('Status') and params['Status'] not in TASK_STATUSES:
            raise not_supported('Status')
        page_number = parse_int(params, 'PageNumber', 1, 1, 100000)
        page_size = parse_int(params, 'PageSize', 20, 1, 100)
        start, end = (self._optional_time(params, name) for name in ('StartTime', 'EndTime'))
        if start is not None and end is not None and end <= start:
            raise AliError(400, 'InvalidEndTime.Mismatch', 'Specified end time does not match the specified start time.')
        wanted = {'TaskId': task_id, 'ObjectPath': params.get('ObjectPath'), 'ObjectType': object_type, 'Status': params.get('Status')}
        rows = []
        for task in reversed(self._tasks):
            row = self._public_row(task, self.sandbox.now())
            if self.sandbox.now() - task['created'] > QUERY_WINDOW:
                continue
            if any(value and row[field] != value for field, value in wanted.items()):
                continue
            if params.get('DomainName') and task['Domain'] != params['DomainName'].lower():
                continue
            if (start is not None and task['created'] < start) or (end is not None and task['created'] > end):
                continue
            rows.append(row)
        page = rows[(page_number - 1) * page_size:page_number * page_size]
        return {'PageNumber': page_number, 'PageSize': page_size, 'TotalCount': len(rows), 'Tasks': {'CDNTask': page}}

    @staticmethod
    def _optional_time(params, name):
        if not params.get(name):
            return None
        stamp = parse_time(params[name])
        if stamp is None:
            raise malformed(name)
        return stamp
