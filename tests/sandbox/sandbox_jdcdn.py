# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""JD Cloud CDN legacy opencdn emulation: /api/refresh, /api/refreshQuery, /api/prefetch, /api/prefetchQuery."""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import time
import uuid
from urllib.parse import urlsplit

from sandbox_http import ApiResponse, json_response

ACTIONS_BY_PATH = {
    '/api/refresh': 'refresh',
    '/api/refreshQuery': 'refreshQuery',
    '/api/prefetch': 'prefetch',
    '/api/prefetchQuery': 'prefetchQuery',
}
BEIJING_OFFSET = 8 * 3600
MAX_FILES_PER_REFRESH = 100
MAX_DIRS_PER_REFRESH = 5
MAX_URLS_PER_PREFETCH = 50
HOSTNAME_RE = re.compile(r'^([a-z0-9_]([a-z0-9_-]*[a-z0-9_])?\.)*[a-z0-9]([a-z0-9-]*[a-z0-9])?$')

# Status-code-reference-table.md, English wording.
MESSAGES = {
    -1: 'Interface Calling Exception',
    0: 'Successful',
    1: 'Failed',
    2: 'Must provide a parameter',
    3: 'Must provide a user name',
    4: 'Must provide a user signature',
    5: 'Must provide a type',
    6: 'Must provide a refreshed file or directory list',
    7: 'User signature is incorrect',
    8: 'Calling interface failed',
    9: 'A single refresh cannot exceed 100 URLs',
    10: 'File urls to be prewarmed cannot exceed 50',
    11: 'Must provide a task id',
    15: 'There is a domain name not owned by you in the refreshed domain names',
    16: 'Type Format Error',
    17: 'The domain name refreshed or prewarmed is illegal',
    20: 'User name is absent',
    46: 'Directory refreshed in a single time cannot exceed 5',
    47: 'The address refreshed or prewarmed is duplicate',
}
TASK_MESSAGES = {0: 'Successful', 1: 'In Progress', 2: 'Failed'}
FAULT_STATUSES = {'throttle': 8, 'quota': 1, 'busy': -1}


class JdError(Exception):
    def __init__(self, status):
        super().__init__(MESSAGES[status])
        self.status = status


def jd_signature(date, username, secret):
    """lowercase hex MD5(yyyymmdd + username + secret), B1.1."""
    return hashlib.md5(f'{date}{username}{secret}'.encode('utf-8')).hexdigest()


def signature_dates(now, lenient):
    """The dates a signature may use at epoch 'now': the UTC+8 date, plus the UTC date when lenient."""
    dates = [time.strftime('%Y%m%d', time.gmtime(now + BEIJING_OFFSET))]
    if lenient:
        dates.append(time.strftime('%Y%m%d', time.gmtime(now)))
    return dates


def url_domain(url):
    """The host of an http(s) URL, or None when the URL is not one."""
    try:
        parts = urlsplit(url)
        hostname = parts.hostname or ''
        parts.port  # pylint: disable=pointless-statement  # raises ValueError on a bad port
    except ValueError:
        return None
    if parts.scheme.lower() not in ('http', 'https') or not HOSTNAME_RE.match(hostname):
        return None
    return hostname


def url_list(value):
    """'instances' / 'publish_urls': one URL string or a list of them; None when absent or empty."""
    if isinstance(value, str):
        value = [value] if value else []
    return value if isinstance(value, list) and value else None


class JdCdn:
    """State and request handling of the JD side; the caller holds the sandbox lock while handle() runs."""

    vendor = 'jdcdn'
    fault_kinds = ('throttle', 'error5xx', 'quota', 'busy')

    def __init__(self, sandbox):
        self.sandbox = sandbox
        self.reset()

    @staticmethod
    def handles(path):
        return path in ACTIONS_BY_PATH

    @staticmethod
    def signer(request, params):
        """The username the call claims (JD has no AccessKeyId), or None."""
        del request
        username = params.get('username')
        return username if isinstance(username, str) else None

    def reset(self):
        self._tasks = {}   # taskid -> task dict, in creation order

    def parse(self, request):
        action = ACTIONS_BY_PATH[request.path]
        try:
            body = json.loads(request.body.decode('utf-8')) if request.body else None
        except ValueError:
            body = None
        return action, body if isinstance(body, dict) else {}

    def handle(self, request, action, params):
        try:
            if request.method != 'POST' or not params:
                raise JdError(2)
            handler = {
                'refresh': self.refresh, 'refreshQuery': self.query,
                'prefetch': self.prefetch, 'prefetchQuery': self.query,
            }[action]
            result = handler(action, params)
        except JdError as error:
            return json_response(200, {'status': error.status, 'msg': MESSAGES[error.status]}, code=error.status)
        return json_response(200, {'status': 0, **result}, code=0)

    def fault_response(self, kind, request, params):
        del request, params
        if kind == 'error5xx':
            return ApiResponse(500, b'{"status":-1,"msg":"Interface Calling Exception"}', code=-1)
        status = FAULT_STATUSES[kind]
        return json_response(200, {'status': status, 'msg': MESSAGES[status]}, code=status)

    # -- checks -------------------------------------------------------------------------------------------

    @staticmethod
    def _require(params, name, status):
        value = params.get(name)
        if not isinstance(value, str) or not value:
            raise JdError(status)
        return value

    def _authenticate(self, username, signature):
        config = self.sandbox.config
        if username not in config.jdcdn_credentials:
            raise JdError(20)
        secret = config.jdcdn_credentials[username]
        dates = signature_dates(self.sandbox.now(), config.jdcdn_lenient_date)
        if not any(hmac.compare_digest(jd_signature(date, username, secret).encode(), signature.encode()) for date in dates):
            raise JdError(7)

    def _checked_urls(self, username, kind, urls):
        """The URLs trimmed, after the checks 17, 15 and 47."""
        if not all(isinstance(url, str) for url in urls):
            raise JdError(17)
        urls = [url.strip() for url in urls]
        domains = [url_domain(url) for url in urls]
        if None in domains:
            raise JdError(17)
        if not all(self.sandbox.config.owns_domain(domain) for domain in domains):
            raise JdError(15)
        if len(set(urls)) != len(urls) or set(urls) & self._queued_urls(username, kind):
            raise JdError(47)
        return urls

    def _queued_urls(self, username, kind):
        now = self.sandbox.now()
        return {url for task in self._tasks.values()
                if task['username'] == username and task['kind'] == kind and now < task['done_at']
                for url in task['urls']}

    # -- tasks --------------------------------------------------------------------------------------------

    def _create_task(self, username, kind, object_type, urls):
        now = self.sandbox.now()
        config = self.sandbox.config
        taskid = str(uuid.uuid4())
        self._tasks[taskid] = {
            'taskid': taskid, 'kind': kind, 'type': object_type, 'username': username, 'urls': urls,
            'created': now, 'done_at': now + config.task_delay, 'failed': any(config.failure_for(url) for url in urls),
        }
        return {'msg': MESSAGES[0], 'taskid': taskid}

    @staticmethod
    def _task_status(task, now):
        if now < task['done_at']:
            return 1
        return 2 if task['failed'] else 0

    def task_rows(self):
        now = self.sandbox.now()
        rows = []
        for task in self._tasks.values():
            status = self._task_status(task, now)
            rows.append({'taskid': task['taskid'], 'kind': task['kind'], 'type': task['type'], 'username': task['username'],
                         'urls': list(task['urls']), 'created': task['created'], 'status': status, 'msg': TASK_MESSAGES[status]})
        return rows

    # -- endpoints ----------------------------------------------------------------------------------------

    def refresh(self, action, params):
        username = self._require(params, 'username', 3)
        signature = self._require(params, 'signature', 4)
        object_type = self._require(params, 'type', 5)
        urls = url_list(params.get('instances'))
        if urls is None:
            raise JdError(6)
        self._authenticate(username, signature)
        if object_type not in ('file', 'dir'):
            raise JdError(16)
        if object_type == 'file' and len(urls) > MAX_FILES_PER_REFRESH:
            raise JdError(9)
        if object_type == 'dir' and len(urls) > MAX_DIRS_PER_REFRESH:
            raise JdError(46)
        urls = self._checked_urls(username, action, urls)
        return self._create_task(username, action, object_type, urls)

    def prefetch(self, action, params):
        username = self._require(params, 'username', 3)
        signature = self._require(params, 'signature', 4)
        urls = url_list(params.get('publish_urls'))
        if urls is None:
            raise JdError(6)
        self._authenticate(username, signature)
        if len(urls) > MAX_URLS_PER_PREFETCH:
            raise JdError(10)
        urls = self._checked_urls(username, action, urls)
        return self._create_task(username, action, None, urls)

    def query(self, action, params):
        username = self._require(params, 'username', 3)
        signature = self._require(params, 'signature', 4)
        taskid = self._require(params, 'taskid', 11)
        self._authenticate(username, signature)
        task = self._tasks.get(taskid)
        kind = action.removesuffix('Query')
        if task is None or task['username'] != username or task['kind'] != kind:
            raise JdError(1)
        status = self._task_status(task, self.sandbox.now())
        return {'data': {'taskid': taskid, 'status': status, 'msg': TASK_MESSAGES[status]}}
