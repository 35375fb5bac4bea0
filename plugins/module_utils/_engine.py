# Copyright (c) 2026, cdnops.cdn contributors
# BSD 2-Clause License (see LICENSES/BSD-2-Clause.txt or https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause

# Private to the cdnops.cdn collection: no compatibility promise outside it.

"""The vendor-neutral refresh engine: normalise, validate, batch, check/diff, submit, wait, report.

A vendor client (see _alicdn.py, _jdcdn.py) provides:
  object_types            tuple of the object_type values it accepts
  submit_concurrency      how many submissions may be in flight at once
  normalise(path, object_type) -> (url, domain)       raises ValidationError naming the path
  plan(entries, object_type) -> [[url, ...], ...]      batches within the vendor's per-call limits
  check_quota(object_type, count) -> dict or None      read-only; raises QuotaError when `count` cannot fit today;
                                                       `unread_reason` in the dict: the quota could not be read
  submit(object_type, urls) -> dict(task_id, task_ids, request_id, already_queued)
  task_status(task_ids) -> [dict(task_id, status, progress, reason, paths, failed_paths), ...]
     where status is 'running', 'complete' or 'failed'.
"""

from __future__ import annotations

import string
import threading
import time
from concurrent.futures import ThreadPoolExecutor

from ansible.module_utils.basic import missing_required_lib
from ansible.module_utils.six.moves.urllib.parse import urlsplit

from ansible_collections.cdnops.cdn.plugins.module_utils._errors import CdnError, ValidationError
from ansible_collections.cdnops.cdn.plugins.module_utils._transport import HAS_REQUESTS, REQUESTS_IMPORT_ERROR, Transport

REFRESH_OPTIONS = dict(
    paths=dict(type='list', elements='str', required=True),
    wait=dict(type='bool', default=False),
    wait_timeout=dict(type='int', default=600),
)

CONNECTION_OPTIONS = dict(
    timeout=dict(type='int', default=30),
    validate_certs=dict(type='bool', default=True),
    ca_path=dict(type='path'),
)

# Characters a URL may carry literally (RFC 3986 unreserved and sub-delims, plus ":@/?"). Everything else is
# percent-encoded as UTF-8, except a "%" that already starts an escape, so nothing is ever encoded twice.
_LITERAL = frozenset(string.ascii_letters + string.digits + "-._~!$&'()*+,;=:@/?")
_HEX = frozenset(string.hexdigits)
_HOST_LABEL = frozenset(string.ascii_lowercase + string.digits + '-')

MAX_REPORTED_ERRORS = 20


def validate_endpoint(endpoint):
    """Accept http(s)://host[:port] with an optional trailing slash; return it without the slash."""
    parts = urlsplit(endpoint.strip())
    try:
        port_ok = parts.port is None or parts.port > 0
    except ValueError:
        port_ok = False
    if parts.scheme not in ('http', 'https') or not parts.hostname or parts.path not in ('', '/') or parts.query or not port_ok:
        raise ValidationError('endpoint %r must look like https://host or http://host:port' % endpoint)
    return '%s://%s' % (parts.scheme, parts.netloc)


def connect(module, client_class):
    """Build a vendor client from the module's options, or fail the module with a clear message."""
    if not HAS_REQUESTS:
        module.fail_json(msg=missing_required_lib('requests'), exception=REQUESTS_IMPORT_ERROR)
    params = module.params
    for option in ('timeout', 'wait_timeout'):
        if params.get(option) is not None and params[option] < (1 if option == 'timeout' else 0):
            module.fail_json(msg='%s must be a positive number of seconds, got %s' % (option, params[option]))
    transport = Transport(timeout=params['timeout'], validate_certs=params['validate_certs'], ca_path=params['ca_path'])
    try:
        return client_class.from_params(params, transport)
    except CdnError as exc:
        module.fail_json(msg=str(exc))


def percent_encode(text):
    """UTF-8 percent-encode what a URL cannot carry literally, keeping existing %XX escapes as they are."""
    out = []
    for index, char in enumerate(text):
        if char == '%' and len(text) >= index + 3 and text[index + 1] in _HEX and text[index + 2] in _HEX:
            out.append(char)
        elif char in _LITERAL:
            out.append(char)
        else:
            out.extend('%%%02X' % byte for byte in char.encode('utf-8'))
    return ''.join(out)


def _normalise_host(host, path):
    name, colon, port = host.partition(':')
    if colon and not (port.isdigit() and 0 < int(port) < 65536):
        raise ValidationError('%r has an invalid port %r' % (path, port))
    try:
        name = name.encode('idna').decode('ascii').lower()
    except UnicodeError:
        raise ValidationError('%r has an invalid host name %r' % (path, name))
    labels = name.split('.')
    if len(labels) < 2 or not all(label and set(label) <= _HOST_LABEL and label[0] != '-' and label[-1] != '-' for label in labels):
        raise ValidationError('%r has an invalid host name %r (expected a domain such as www.example.com)' % (path, name))
    return name + colon + port


def normalise_url(path, object_type, allow_bare_host=False, max_length=None, encode=True):
    """Return (url, domain) for one user-given path, or raise ValidationError naming it.

    Trims, checks the scheme and host, lower-cases them (IDNA for international names), and percent-encodes the rest
    without double-encoding. `encode=False` leaves the path as written (regular expressions).
    """
    text = path.strip() if isinstance(path, str) else path
    if not text or not isinstance(text, str):
        raise ValidationError('an empty path was given')
    if any(ord(char) < 32 or ord(char) == 127 for char in text):
        raise ValidationError('%r contains a control character (line break, tab, ...)' % path)
    scheme, separator, rest = text.partition('://')
    if separator:
        scheme = scheme.lower()
        if scheme not in ('http', 'https'):
            raise ValidationError('%r must start with http:// or https://' % path)
    elif allow_bare_host:
        scheme, rest = '', text
    else:
        raise ValidationError('%r is not a URL: it must start with http:// or https://' % path)
    host, slash, tail = rest.partition('/')
    if '@' in host:
        raise ValidationError('%r must not carry user information before the host name' % path)
    host = _normalise_host(host, path)
    url = host + '/' + (percent_encode(tail) if encode else tail)
    if scheme:
        url = scheme + '://' + url
    if object_type == 'directory' and not url.endswith('/'):
        raise ValidationError('%r is not a directory: with object_type=directory every path must end with "/"' % path)
    if max_length and len(url) > max_length:
        raise ValidationError('%r is %d characters long once encoded; the limit is %d' % (path, len(url), max_length))
    return url, host.partition(':')[0]


def normalise_all(client, paths, object_type):
    """Normalise and de-duplicate (order kept). Reports every bad path at once; nothing is sent if any is bad."""
    entries = {}
    errors = []
    for path in paths:
        try:
            url, domain = client.normalise(path, object_type)
        except ValidationError as exc:
            errors.append(str(exc))
        else:
            entries.setdefault(url, domain)
    if errors:
        shown = errors[:MAX_REPORTED_ERRORS]
        more = len(errors) - len(shown)
        raise ValidationError('%d of %d paths are invalid, nothing was sent: %s%s' % (
            len(errors), len(paths), '; '.join(shown), ' (and %d more)' % more if more else ''))
    return list(entries.items())


def split_batches(entries, max_paths, max_domains=None):
    """Pack (url, domain) entries into as few batches as the per-call limits allow, grouping URLs by domain."""
    by_domain = {}
    for url, domain in entries:
        by_domain.setdefault(domain, []).append(url)
    batches, current, domains = [], [], set()
    for domain, urls in by_domain.items():
        for url in urls:
            domain_full = max_domains and domain not in domains and len(domains) >= max_domains
            if len(current) >= max_paths or domain_full:
                batches.append(current)
                current, domains = [], set()
            current.append(url)
            domains.add(domain)
    if current:
        batches.append(current)
    return batches


def _submit_all(client, object_type, batches):
    """Submit batches, several at once if the vendor allows; stop starting new ones after the first failure."""
    results = [None] * len(batches)
    errors = []
    stop = threading.Event()

    def submit(index):
        if stop.is_set():
            return
        try:
            results[index] = client.submit(object_type, batches[index])
        except CdnError as exc:
            errors.append(exc)
            stop.set()

    with ThreadPoolExecutor(max_workers=max(1, client.submit_concurrency)) as pool:
        list(pool.map(submit, range(len(batches))))
    return results, errors[0] if errors else None


def wait_for(client, task_ids, timeout, clock=None, sleep=None):
    """Poll until every task is complete or failed, or the timeout passes. Returns (tasks, finished)."""
    clock = clock or time.monotonic
    sleep = sleep or time.sleep
    deadline = clock() + timeout
    delay = 1.0
    while True:
        tasks = client.task_status(task_ids)
        if all(task['status'] in ('complete', 'failed') for task in tasks):
            return tasks, True
        remaining = deadline - clock()
        if remaining <= 0:
            return tasks, False
        sleep(min(delay, remaining))  # the last poll falls on the deadline
        delay = min(delay * 2, 10.0)


def _diff(object_type, urls):
    return dict(before='', after=''.join(url + '\n' for url in urls),
                before_header='%s cache' % object_type,
                after_header='%s refresh of %d path%s' % (object_type, len(urls), '' if len(urls) == 1 else 's'))


def run_refresh(module, client):
    """The whole refresh: everything a refresh module's main() does after building its client."""
    object_type = module.params['object_type']
    result = dict(changed=False, paths=[], batches=[], task_ids=[], not_submitted=[], already_queued=[])
    try:
        entries = normalise_all(client, module.params['paths'], object_type)
        result['paths'] = [url for url, domain in entries]
        planned = client.plan(entries, object_type) if entries else []
        if planned:
            result['quota'] = client.check_quota(object_type, len(entries))
            if result['quota'] and result['quota'].get('unread_reason'):
                module.warn('The refresh quota could not be read, so it was not checked: %s' % result['quota']['unread_reason'])
    except CdnError as exc:
        module.fail_json(msg=str(exc), **result)
    if module._diff:
        result['diff'] = _diff(object_type, result['paths'])
    if not planned:
        module.exit_json(msg='Nothing to refresh: no paths were given.', **result)
    if module.check_mode:
        result['batches'] = [dict(object_type=object_type, paths=urls, task_id=None, request_id=None) for urls in planned]
        module.exit_json(changed=True, msg='Would submit %d %s refresh call(s) for %d path(s).' % (
            len(planned), object_type, len(entries)), **{k: v for k, v in result.items() if k != 'changed'})

    submissions, error = _submit_all(client, object_type, planned)
    for urls, submission in zip(planned, submissions):
        if submission is None:
            result['not_submitted'].extend(urls)
            continue
        queued = submission.get('already_queued') or []
        result['already_queued'].extend(queued)
        if submission.get('task_id'):
            submitted = [url for url in urls if url not in queued]
            result['batches'].append(dict(object_type=object_type, paths=submitted, task_id=submission['task_id'],
                                          request_id=submission.get('request_id')))
            result['task_ids'].extend(tid for tid in submission['task_ids'] if tid not in result['task_ids'])
    result['changed'] = bool(result['task_ids'])
    if error:
        module.fail_json(msg='%s. Submitted %d of %d call(s); %d path(s) were not submitted (see not_submitted).' % (
            error, len(result['batches']), len(planned), len(result['not_submitted'])), **result)

    summary = 'Submitted %d %s refresh call(s) for %d path(s)' % (len(result['batches']), object_type, len(entries))
    if result['already_queued']:
        summary += '; %d path(s) were already queued' % len(result['already_queued'])
    if module.params['wait'] and result['task_ids']:
        try:
            tasks, finished = wait_for(client, result['task_ids'], module.params['wait_timeout'])
        except CdnError as exc:
            module.fail_json(msg='%s; the refresh was submitted but waiting for it failed: %s' % (summary, exc), **result)
        result['tasks'] = tasks
        result['failed_paths'] = [path for task in tasks for path in task['failed_paths']]
        if result['failed_paths']:
            module.fail_json(msg='%s, and %d path(s) failed to refresh: %s' % (
                summary, len(result['failed_paths']), ', '.join(result['failed_paths'][:MAX_REPORTED_ERRORS])), **result)
        if not finished:
            pending = [task['task_id'] for task in tasks if task['status'] not in ('complete', 'failed')]
            module.fail_json(msg='%s, but %d task(s) were still running after wait_timeout=%ss: %s' % (
                summary, len(pending), module.params['wait_timeout'], ', '.join(pending)), **result)
        summary += ', and every task completed'
    module.exit_json(msg=summary + '.', **result)


def fail_on_error(module, function, *args):
    """Run `function(*args)`, turning a CdnError into fail_json (for the _info modules)."""
    try:
        return function(*args)
    except CdnError as exc:
        module.fail_json(msg=str(exc))
