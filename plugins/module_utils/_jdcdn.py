# Copyright (c) 2026, cdnops.cdn contributors
# BSD 2-Clause License (see LICENSES/BSD-2-Clause.txt or https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause

# Private to the cdnops.cdn collection: no compatibility promise outside it.

"""JD Cloud CDN, legacy opencdn API: the MD5 day signer, credentials, and the refresh client."""

from __future__ import annotations

import hashlib
import json
import re
import time

from ansible.module_utils.basic import env_fallback

from ansible_collections.cdnops.cdn.plugins.module_utils._engine import (
    CONNECTION_OPTIONS, REFRESH_OPTIONS, normalise_url, split_batches, validate_endpoint)
from ansible_collections.cdnops.cdn.plugins.module_utils._errors import ApiError, ValidationError
from ansible_collections.cdnops.cdn.plugins.module_utils._transport import retry_after_seconds

DEFAULT_ENDPOINT = 'https://opencdn.jcloud.com'
UTC_PLUS_8 = 8 * 3600

# object_type option -> (API type, paths per call)
OBJECT_TYPES = {
    'file': ('file', 100),
    'directory': ('dir', 5),
}

ALREADY_QUEUED = 47
# -1 and 8 are JD-side failures worth another attempt (vendor-apis.md B1.4); any HTTP 5xx is retried as well.
RETRYABLE_CODES = frozenset((-1, 8))
SIGNATURE_REJECTED = 7
_BUG = 'the module sent an incomplete request; please report this as a bug'
HINTS = {
    -1: "an exception inside JD's API; try again later",
    1: "JD reported a failure: from /api/refreshQuery, JD does not know the task ID for this username; otherwise try "
       "again later, and ask JD support if it persists",
    2: _BUG,
    3: 'the username is empty: set username (or JDCDN_USERNAME)',
    4: _BUG,
    5: _BUG,
    6: _BUG,
    7: "the signature was rejected: check secret_key and username (JDCDN_SECRET_KEY, JDCDN_USERNAME), and that the "
       "controller's clock shows the right date in UTC+8 (Asia/Shanghai), the date the signature is computed over",
    8: "the call failed inside JD's API; try again later",
    9: 'more than 100 URLs in one call; the module sends at most 100, so please report this as a bug',
    11: 'a task ID is missing: give every task_ids entry',
    15: 'a domain in the paths is not a CDN domain of this JD account: check the host names and the username',
    16: 'the refresh type is not valid (file or dir); please report this as a bug',
    17: 'a domain in the paths is not a valid JD CDN domain: check the host names',
    18: 'a domain in the paths is not a CDN domain of this JD account: check the host names and the username',
    20: 'JD does not know this username: check username (JDCDN_USERNAME) and that the open API is enabled for it',
    46: 'more than 5 directories in one call; the module sends at most 5, so please report this as a bug',
    47: 'an address is already queued for refresh',
}
OTHER_HINT = "a status code a refresh call does not expect; see JD's status code reference table"

ENV = dict(
    username=['JDCDN_USERNAME'],
    secret_key=['JDCDN_SECRET_KEY'],
    endpoint=['JDCDN_ENDPOINT'],
)

CONNECTION_ARGUMENT_SPEC = dict(
    username=dict(type='str', no_log=False, fallback=(env_fallback, ENV['username'])),
    secret_key=dict(type='str', no_log=True, fallback=(env_fallback, ENV['secret_key'])),
    endpoint=dict(type='str', fallback=(env_fallback, ENV['endpoint'])),
    **CONNECTION_OPTIONS
)

REFRESH_ARGUMENT_SPEC = dict(
    object_type=dict(type='str', default='file', choices=list(OBJECT_TYPES)),
    **dict(REFRESH_OPTIONS, **CONNECTION_ARGUMENT_SPEC)
)

INFO_ARGUMENT_SPEC = dict(
    task_ids=dict(type='list', elements='str', required=True),
    **CONNECTION_ARGUMENT_SPEC
)

# Anything that looks like an MD5 signature, in text we quote from an answer.
_SIGNATURE_LIKE = re.compile(r'(?<![0-9a-fA-F])[0-9a-fA-F]{32}(?![0-9a-fA-F])')


def sign_date(now):
    """The calendar date (yyyymmdd) in UTC+8 at `now` (epoch seconds), whatever the host's time zone."""
    return time.strftime('%Y%m%d', time.gmtime(now + UTC_PLUS_8))


def signature(username, secret_key, now):
    """Lowercase hex MD5(yyyymmdd + username + secret_key), yyyymmdd being the UTC+8 date at `now`.

    Valid for the whole day, so it is as secret as the key: it never goes into any output.
    """
    return hashlib.md5((sign_date(now) + username + secret_key).encode('utf-8')).hexdigest()


def redact(text):
    return _SIGNATURE_LIKE.sub('********', text)


def _error_message(code, message):
    hint = HINTS.get(code, OTHER_HINT)
    return '%s (%s)' % (redact(message), hint) if message else hint


class JdcdnClient:
    """POST /api/refresh and /api/refreshQuery, over one Transport."""

    object_types = tuple(OBJECT_TYPES)
    submit_concurrency = 4
    clock = staticmethod(time.time)

    def __init__(self, transport, endpoint, username, secret_key, clock=None):
        self.transport = transport
        self.endpoint = endpoint
        self.username = username
        self.secret_key = secret_key
        if clock is not None:
            self.clock = clock
        self.task_paths = {}

    @classmethod
    def from_params(cls, params, transport):
        missing = [name for name in ('username', 'secret_key') if not params.get(name)]
        if missing:
            raise ValidationError('missing JD Cloud CDN credentials: set %s (or the environment variables %s)' % (
                ' and '.join(missing), ', '.join(env for name in missing for env in ENV[name])))
        return cls(transport, validate_endpoint(params.get('endpoint') or DEFAULT_ENDPOINT), params['username'], params['secret_key'])

    def call(self, api, **fields):
        """POST `fields` plus username and a fresh signature to /api/<api>; return the JSON answer."""
        action = '/api/' + api
        signed = []

        def prepare():
            # Signed again for every attempt: a retry after midnight in UTC+8 needs the new date.
            now = self.clock()
            signed.append(sign_date(now))
            body = dict(fields, username=self.username, signature=signature(self.username, self.secret_key, now))
            return dict(method='POST', url=self.endpoint + action, data=json.dumps(body).encode('utf-8'),
                        headers={'Content-Type': 'application/json'})

        def parse(response):
            try:
                body = response.json()
            except ValueError:
                body = None
            retry_after = retry_after_seconds(response)
            if not isinstance(body, dict) or 'status' not in body:
                raise ApiError(action, 'the answer is not a JSON object with a status: %r' % redact(response.text[:200]),
                               http_status=response.status_code, retryable=response.status_code >= 500, retry_after=retry_after)
            code = body['status']
            if code == 0 and response.status_code == 200:
                return body
            # A signature made just before midnight (UTC+8) that reached JD after it is worth one more try.
            day_turned = code == SIGNATURE_REJECTED and sign_date(self.clock()) != signed[-1]
            raise ApiError(action, _error_message(code, str(body.get('msg') or '')), http_status=response.status_code, code=code,
                           retryable=response.status_code >= 500 or code in RETRYABLE_CODES or day_turned, retry_after=retry_after)

        return self.transport.call(action, prepare, parse)

    # The engine's vendor interface (see _engine.py).

    def normalise(self, path, object_type):
        return normalise_url(path, object_type)

    def plan(self, entries, object_type):
        return split_batches(entries, OBJECT_TYPES[object_type][1])

    def check_quota(self, object_type, count):
        """JD's legacy API has no quota call."""
        return None

    def refresh(self, object_type, urls):
        """One /api/refresh call; returns the task ID."""
        body = self.call('refresh', instances=list(urls), type=OBJECT_TYPES[object_type][0])
        task_id = str(body.get('taskid') or '')
        if not task_id:
            raise ApiError('/api/refresh', 'the answer carries no taskid')
        self.task_paths[task_id] = list(urls)
        return task_id

    def submit_or_bisect(self, object_type, urls):
        """Submit `urls`; on status 47 split the batch in halves until the queued addresses are found.

        JD answers 47 when any address of the call is already queued, without saying which, and refreshes nothing.
        Returns (task_ids, already_queued). At most 2n - 1 calls for n paths, one when nothing is queued.
        """
        try:
            return [self.refresh(object_type, urls)], []
        except ApiError as exc:
            if exc.code != ALREADY_QUEUED:
                raise
        if len(urls) == 1:
            return [], list(urls)
        middle = len(urls) // 2
        left_ids, left_queued = self.submit_or_bisect(object_type, urls[:middle])
        right_ids, right_queued = self.submit_or_bisect(object_type, urls[middle:])
        return left_ids + right_ids, left_queued + right_queued

    def submit(self, object_type, urls):
        task_ids, queued = self.submit_or_bisect(object_type, urls)
        return dict(task_id=','.join(task_ids) or None, task_ids=task_ids, request_id=None, already_queued=queued)

    def task_status(self, task_ids):
        tasks = []
        for task_id in task_ids:
            data = self.call('refreshQuery', taskid=task_id).get('data') or {}
            status = {0: 'complete', 2: 'failed'}.get(data.get('status'), 'running')
            paths = self.task_paths.get(task_id, [])
            tasks.append(dict(
                task_id=task_id, status=status, progress=100.0 if status == 'complete' else 0.0,
                reason=redact(str(data.get('msg') or 'failed')) if status == 'failed' else None,
                paths=paths, failed_paths=paths if status == 'failed' else []))
        return tasks

    def task_info(self, task_ids):
        """task_status for tasks submitted elsewhere, whose paths JD does not tell."""
        task_ids = [task_id.strip() for task_id in task_ids]
        if not all(task_ids):
            raise ValidationError('task_ids must not contain an empty task ID')
        return [dict((key, value) for key, value in task.items() if key not in ('paths', 'failed_paths'))
                for task in self.task_status(task_ids)]
