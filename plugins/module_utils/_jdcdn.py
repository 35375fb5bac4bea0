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
from concurrent.futures import ThreadPoolExecutor

from ansible.module_utils.basic import env_fallback

from ansible_collections.cdnops.cdn.plugins.module_utils._errors import ApiError, CdnError, ValidationError
from ansible_collections.cdnops.cdn.plugins.module_utils._runner import CONNECTION_OPTIONS, SUBMIT_OPTIONS
from ansible_collections.cdnops.cdn.plugins.module_utils._transport import retry_after_seconds
from ansible_collections.cdnops.cdn.plugins.module_utils._urls import validate_endpoint
from ansible_collections.cdnops.cdn.plugins.module_utils._vendor import CallLimit, CdnClient, PathRules

DEFAULT_ENDPOINT = 'https://opencdn.jcloud.com'
UTC_PLUS_8 = 8 * 3600

DOC = 'https://github.com/jdcloudcom/en/blob/master/documentation/Storage-and-CDN/CDN/API-Reference/CDN-Open-API/'

# object_type option -> the `type` of /api/refresh (DOC + 'Refresh.md')
OBJECT_TYPES = {
    'file': 'file',
    'directory': 'dir',
}

ALREADY_QUEUED = 47
# -1 and 8 are JD-side failures worth another attempt (DOC + 'Status-code-reference-table.md'); any HTTP 5xx is
# retried as well. Both, and a 5xx, may come after JD recorded the task.
RETRYABLE_CODES = frozenset((-1, 8))
# -1 (an exception inside JD's API) may come after the task was recorded; 8 is a refusal.
MAY_BE_PROCESSED_CODES = frozenset((-1,))
SIGNATURE_REJECTED = 7
_BUG = 'the module sent an incomplete request; please report this as a bug'
HINTS = {
    -1: "an exception inside JD's API; try again later",
    1: "JD reported a failure: from /api/refreshQuery or /api/prefetchQuery, JD does not know the task ID for this "
       "username (a prefetch task is read with task_type=prefetch); otherwise try again later, and ask JD support if "
       "it persists",
    2: _BUG,
    3: 'the username is empty: set username (or JDCDN_USERNAME)',
    4: _BUG,
    5: _BUG,
    6: _BUG,
    7: "the signature was rejected: check secret_key and username (JDCDN_SECRET_KEY, JDCDN_USERNAME), and that the "
       "controller's clock shows the right date in UTC+8 (Asia/Shanghai), the date the signature is computed over",
    8: "the call failed inside JD's API; try again later",
    9: 'more than 100 URLs in one call; the module sends at most 100, so please report this as a bug',
    10: 'more than 50 URLs in one prefetch call; the module sends at most 50, so please report this as a bug',
    11: 'a task ID is missing: give every task_ids entry',
    15: 'a domain in the paths is not a CDN domain of this JD account: check the host names and the username',
    16: 'the refresh type is not valid (file or dir); please report this as a bug',
    17: 'a domain in the paths is not a valid JD CDN domain: check the host names',
    18: 'a domain in the paths is not a CDN domain of this JD account: check the host names and the username',
    20: 'JD does not know this username: check username (JDCDN_USERNAME) and that the open API is enabled for it',
    46: 'more than 5 directories in one call; the module sends at most 5, so please report this as a bug',
    47: 'an address is already queued for refresh or prefetch',
}
OTHER_HINT = "a status code a refresh or prefetch call does not expect; see JD's status code reference table"

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
    **dict(SUBMIT_OPTIONS, **CONNECTION_ARGUMENT_SPEC)
)

PREFETCH_ARGUMENT_SPEC = dict(SUBMIT_OPTIONS, **CONNECTION_ARGUMENT_SPEC)

INFO_ARGUMENT_SPEC = dict(
    task_type=dict(type='str', default='refresh', choices=['refresh', 'prefetch']),
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


class JdcdnClient(CdnClient):
    """JD Cloud CDN legacy opencdn API: /api/refresh, /api/prefetch and their queries, over one Transport.

    API reference: DOC (Refresh.md, Query-refresh.md, Prefetch.md, Query-prefetch.md).
    """

    name = 'jdcdn'
    CALL_RATES = {}     # JD documents no call rate for this API
    limits = {
        'refresh': {'file': CallLimit(paths=100, domains=None), 'directory': CallLimit(paths=5, domains=None)},
        'prefetch': {'file': CallLimit(paths=50, domains=None)},
    }
    rules = PathRules(bare_host=False, max_length=1024, raw_types=frozenset())
    submit_concurrency = 4
    clock = staticmethod(time.time)

    def __init__(self, transport, endpoint, username, secret_key, clock=None):
        self.transport = transport
        self.endpoint = endpoint
        self.username = username
        self.secret_key = secret_key
        if clock is not None:
            self.clock = clock
        self.task_paths = {}    # task ID -> the paths this client submitted in it (JD's queries do not tell them)

    @classmethod
    def from_params(cls, params, transport):
        """The client for a module's options; raises ValidationError naming what is missing."""
        missing = [name for name in ('username', 'secret_key') if not params.get(name)]
        if missing:
            raise ValidationError('missing JD Cloud CDN credentials: set %s (or the environment variables %s)' % (
                ' and '.join(missing), ', '.join(env for name in missing for env in ENV[name])))
        return cls(transport, validate_endpoint(params.get('endpoint') or DEFAULT_ENDPOINT), params['username'], params['secret_key'])

    def call(self, api, mutating=False, **fields):
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
                               http_status=response.status_code, retryable=response.status_code >= 500, retry_after=retry_after,
                               ambiguous=response.status_code >= 500)
            code = body['status']
            status = response.status_code
            if code == 0 and status == 200:
                return body
            # A signature made just before midnight (UTC+8) that reached JD after it is worth one more try.
            day_turned = code == SIGNATURE_REJECTED and sign_date(self.clock()) != signed[-1]
            raise ApiError(action, _error_message(code, str(body.get('msg') or '')), http_status=status, code=code,
                           retryable=status >= 500 or code in RETRYABLE_CODES or day_turned, retry_after=retry_after,
                           ambiguous=status >= 500 or code in MAY_BE_PROCESSED_CODES)

        return self.transport.call(action, prepare, parse, mutating=mutating)

    def read_quota(self):
        """JD's legacy API has no quota call."""
        return None

    def _create(self, batch, urls):
        """One /api/refresh or /api/prefetch call for `urls`; returns the task ID."""
        if batch['operation'] == 'prefetch':
            action, fields = 'prefetch', dict(publish_urls=list(urls))
        else:
            action, fields = 'refresh', dict(instances=list(urls), type=OBJECT_TYPES[batch['object_type']])
        body = self.call(action, mutating=True, **fields)
        task_id = str(body.get('taskid') or '')
        if not task_id:
            raise ApiError('/api/' + action, 'the answer carries no taskid')
        self.task_paths[task_id] = list(urls)
        return task_id

    def _send(self, batch, urls):
        """One call for `urls`, sent once more if its answer was lost; returns Accepted.

        After an ambiguous failure (no answer, HTTP 5xx, status -1: JD may have recorded the task) the same call is sent
        once more: a task ID means the lost call was not accepted; status 47 means it was (its addresses are queued), so
        the result is Accepted with task_id None and recovery 'queued', as JD has no lookup by URL. Any other answer to
        the second call is raised with `ambiguous` set, as the lost call may still have been accepted.
        Raises ApiError with code 47 when the first call is refused as already queued.
        """
        try:
            task_id = self._create(batch, urls)
        except CdnError as exc:
            if not exc.ambiguous:
                raise
            lost = exc
        else:
            return dict(task_id=task_id, task_ids=[task_id], request_id=None, paths=list(urls))
        self.transport.log('cdnops.cdn: %s answer lost (%s); sending it once more' % (lost.action, lost))
        self.transport.sleep(self.transport.retry.delay(1))
        try:
            task_id = self._create(batch, urls)
        except CdnError as exc:
            if getattr(exc, 'code', None) == ALREADY_QUEUED:
                return dict(task_id=None, task_ids=[], request_id=None, paths=list(urls), recovery='queued')
            exc.ambiguous = True
            exc.args = ('%s (sent again after a lost answer: %s)' % (exc, lost),)
            raise exc
        return dict(task_id=task_id, task_ids=[task_id], request_id=None, paths=list(urls))

    def _submit_or_bisect(self, batch, urls, accepted, queued):
        """Submit `urls`; on status 47 split them in halves until the queued addresses are found.

        JD answers 47 when any address of the call is already queued, without saying which, and creates no task.
        Appends to `accepted` (Accepted) and `queued` (paths). At most 2n - 1 calls for n paths, one when none is queued,
        plus one per call whose answer was lost (see _send; a lost call is never split).
        """
        try:
            accepted.append(self._send(batch, urls))
            return
        except ApiError as exc:
            if exc.code != ALREADY_QUEUED:
                raise
        if len(urls) == 1:
            queued.extend(urls)
            return
        middle = len(urls) // 2
        self._submit_or_bisect(batch, urls[:middle], accepted, queued)
        self._submit_or_bisect(batch, urls[middle:], accepted, queued)

    def submit(self, batch):
        """/api/refresh (DOC + 'Refresh.md') or /api/prefetch (DOC + 'Prefetch.md'), split on status 47.

        On an error, what was done before it is attached to the error as `submitted` (a Submission), so that the paths
        of accepted parts are not reported as not submitted.
        """
        accepted, queued = [], []
        try:
            self._submit_or_bisect(batch, batch['paths'], accepted, queued)
        except CdnError as exc:
            exc.submitted = dict(accepted=accepted, already_queued=queued)
            raise
        return dict(accepted=accepted, already_queued=queued)

    def read_tasks(self, operation, task_ids):
        """/api/refreshQuery or /api/prefetchQuery (DOC + 'Query-refresh.md').

        One call per task (the API takes one task ID), up to `submit_concurrency` at once: the same bound as the
        submissions. Tasks come back in `task_ids`' order; the first failed call's CdnError is raised.
        """
        task_ids = [task_id.strip() for task_id in task_ids]
        if not all(task_ids):
            raise ValidationError('task_ids must not contain an empty task ID')
        query = 'prefetchQuery' if operation == 'prefetch' else 'refreshQuery'

        def read(task_id):
            return self.call(query, taskid=task_id).get('data') or {}

        with ThreadPoolExecutor(max_workers=max(1, min(self.submit_concurrency, len(task_ids)))) as pool:
            answers = list(pool.map(read, task_ids))
        tasks = []
        for task_id, data in zip(task_ids, answers):
            status = {0: 'complete', 2: 'failed'}.get(data.get('status'), 'running')
            paths = self.task_paths.get(task_id, [])
            tasks.append(dict(
                task_id=task_id, status=status, progress=100.0 if status == 'complete' else 0.0,
                reason=redact(str(data.get('msg') or 'failed')) if status == 'failed' else None, created=None,
                paths=paths, failed_paths=paths if status == 'failed' else []))
        return tasks
