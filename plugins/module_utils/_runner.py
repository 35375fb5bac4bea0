# Copyright (c) 2026, cdnops.cdn contributors
# BSD 2-Clause License (see LICENSES/BSD-2-Clause.txt or https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause

# Private to the cdnops.cdn collection: no compatibility promise outside it.

"""The vendor-neutral runner: validate, normalise, batch, check the quota, check/diff, submit, wait, report.

It drives any `_vendor.CdnClient`; the modules' main() only builds a client (`connect`) and calls `run` or `run_info`.
Every failure ends in fail_json with the result so far, `msg` and `error` (see _errors.CdnError.error_facts).
"""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

from ansible.module_utils.basic import missing_required_lib

from ansible_collections.cdnops.cdn.plugins.module_utils._errors import (
    CdnError, QuotaError, QuotaUnreadableError, ValidationError)
from ansible_collections.cdnops.cdn.plugins.module_utils._transport import (
    HAS_REQUESTS, REQUESTS_IMPORT_ERROR, Transport, tls_verify)
from ansible_collections.cdnops.cdn.plugins.module_utils._urls import check_prefetchable, normalise_path, split_pasted

# Options of every module that submits paths (refresh and prefetch).
SUBMIT_OPTIONS = dict(
    paths=dict(type='list', elements='str', required=True),
    wait=dict(type='bool', default=False),
    wait_timeout=dict(type='int', default=600),
)

# Options of every module that calls a vendor API.
CONNECTION_OPTIONS = dict(
    timeout=dict(type='int', default=30),
    validate_certs=dict(type='bool', default=True),
    ca_path=dict(type='path'),
)

MAX_REPORTED_ERRORS = 20
FINISHED = ('complete', 'failed')


def plural(count, word):
    """'1 call', '3 calls', '2 batches'."""
    return '%d %s%s' % (count, word, '' if count == 1 else 'es' if word.endswith(('s', 'ch')) else 's')


def fail(module, error, result=None):
    """fail_json for a CdnError: its text as `msg`, its facts as `error`, and the result so far."""
    module.fail_json(msg=str(error), error=error.error_facts(), **(result or {}))


def connect(module, client_class):
    """Build a vendor client from the module's options, or fail the module with a clear message."""
    if not HAS_REQUESTS:
        module.fail_json(msg=missing_required_lib('requests'), exception=REQUESTS_IMPORT_ERROR)
    params = module.params
    try:
        for option, minimum in (('timeout', 1), ('wait_timeout', 0)):
            if params.get(option) is not None and params[option] < minimum:
                raise ValidationError('%s must be at least %d seconds, got %s' % (option, minimum, params[option]))
        verify = tls_verify(params['validate_certs'], params['ca_path'])
        if not verify:
            module.warn('validate_certs=false: the TLS certificate of the endpoint is not verified, so the credentials '
                        'and the refresh could reach an impostor. Use it only against a test endpoint.')
        transport = Transport(timeout=params['timeout'], verify=verify, rates=client_class.CALL_RATES, log=module.log,
                              no_log=module.no_log_values.add)
        return client_class.from_params(params, transport)
    except CdnError as exc:
        fail(module, exc, dict(changed=False))


def normalise_all(paths, object_type, rules, operation='refresh'):
    """Normalise and de-duplicate (order kept). Returns (entries, errors): entries are (url, domain), errors text."""
    entries = {}
    errors = []
    for path in split_pasted(paths):
        try:
            url, domain = normalise_path(path, object_type, rules)
            if operation == 'prefetch':
                check_prefetchable(url, path)
        except ValidationError as exc:
            errors.append(str(exc))
        else:
            entries.setdefault(url, domain)
    return list(entries.items()), errors


def split_batches(entries, limit):
    """Pack (url, domain) entries into as few lists of URLs as `limit` (a CallLimit) allows, grouped by domain."""
    by_domain = {}
    for url, domain in entries:
        by_domain.setdefault(domain, []).append(url)
    batches, current, domains = [], [], set()
    for domain, urls in by_domain.items():
        for url in urls:
            domain_full = limit.domains and domain not in domains and len(domains) >= limit.domains
            if len(current) >= limit.paths or domain_full:
                batches.append(current)
                current, domains = [], set()
            current.append(url)
            domains.add(domain)
    if current:
        batches.append(current)
    return batches


def check_quota(client, kind, needed):
    """Today's quota for `kind` with `needed` added; raises QuotaError if it does not fit. None if the vendor has none.

    If the credentials may not read it, returns the entry with `unread_reason` (the caller warns).
    """
    try:
        quota = client.read_quota()
    except QuotaUnreadableError as exc:
        return dict(object_type=kind, needed=needed, limit=None, remaining=None, unread_reason=str(exc))
    if quota is None:
        return None
    entry = dict(quota.get(kind) or dict(limit=None, remaining=None), object_type=kind, needed=needed)
    if entry['remaining'] is not None and needed > entry['remaining']:
        raise QuotaError('not enough %s quota for %s: %d of %s are left today; nothing was sent' % (
            kind, plural(needed, 'path'), entry['remaining'], entry['limit']), action='quota check')
    return entry


def submit_all(client, batches):
    """Submit Batches, several at once if the vendor allows; stop starting new ones after the first failure.

    Returns (submissions, error): submissions[i] is the Submission of batches[i], or None if it was not submitted.
    """
    submissions = [None] * len(batches)
    errors = []
    stop = threading.Event()

    def submit(index):
        if stop.is_set():
            return
        try:
            submissions[index] = client.submit(batches[index])
        except CdnError as exc:
            errors.append(exc)
            stop.set()

    with ThreadPoolExecutor(max_workers=max(1, client.submit_concurrency)) as pool:
        list(pool.map(submit, range(len(batches))))
    return submissions, errors[0] if errors else None


def wait_for(client, operation, task_ids, timeout, clock=None, sleep=None):
    """Poll until every task is complete or failed, or `timeout` seconds pass. Returns (tasks, finished)."""
    clock = clock or time.monotonic
    sleep = sleep or time.sleep
    deadline = clock() + timeout
    delay = 1.0
    while True:
        tasks = client.read_tasks(operation, task_ids)
        if all(task['status'] in FINISHED for task in tasks):
            return tasks, True
        remaining = deadline - clock()
        if remaining <= 0:
            return tasks, False
        sleep(min(delay, remaining))  # the last poll falls on the deadline
        delay = min(delay * 2, 10.0)


def _diff(operation, object_type, urls):
    return dict(before='', after=''.join(url + '\n' for url in urls),
                before_header='%s cache' % object_type,
                after_header='%s %s of %s' % (object_type, operation, plural(len(urls), 'path')))


def _counters(client, result):
    transport = client.transport
    result.update(api_calls=transport.calls, retries=transport.retries, paced_seconds=round(transport.pacer.waited, 3))
    result.update(client.result_facts())
    return result


def run(module, client, operation='refresh', object_type=None):
    """Everything a refresh or prefetch module's main() does after building its client; ends the module."""
    params = module.params
    object_type = object_type or params['object_type']
    result = dict(changed=False, paths=[], batches=[], task_ids=[], not_submitted=[], already_queued=[])

    def stop(error):
        fail(module, error, _counters(client, result))

    try:
        limit = client.call_limit(operation, object_type)
    except CdnError as exc:
        stop(exc)
    entries, errors = normalise_all(params['paths'], object_type, client.rules, operation)
    result['paths'] = [url for url, domain in entries]
    result['not_submitted'] = list(result['paths'])
    if errors:
        shown = '; '.join(errors[:MAX_REPORTED_ERRORS])
        more = len(errors) - MAX_REPORTED_ERRORS
        stop(ValidationError('%d of %s are invalid, nothing was sent: %s%s' % (
            len(errors), plural(len(errors) + len(entries), 'path'), shown,
            ' (and %d more)' % more if more > 0 else '')))
    planned = split_batches(entries, limit)
    if module._diff:
        result['diff'] = _diff(operation, object_type, result['paths'])
    if not planned:
        module.exit_json(msg='Nothing to %s: no paths were given.' % operation, **_counters(client, result))
    try:
        result['quota'] = check_quota(client, 'prefetch' if operation == 'prefetch' else object_type, len(entries))
    except CdnError as exc:
        stop(exc)
    if result['quota'] and result['quota'].get('unread_reason'):
        module.warn('The %s quota could not be read, so it was not checked: %s' % (operation, result['quota']['unread_reason']))
    if module.check_mode:
        result['batches'] = [dict(object_type=object_type, paths=urls, task_id=None, request_id=None) for urls in planned]
        result.update(not_submitted=[], changed=True)
        module.exit_json(msg='Would submit %s of %s %s for %s.' % (
            plural(len(planned), 'batch'), object_type, operation, plural(len(entries), 'path')), **_counters(client, result))

    batches = [dict(operation=operation, object_type=object_type, paths=urls) for urls in planned]
    submissions, error = submit_all(client, batches)
    result['not_submitted'] = []
    for batch, submission in zip(batches, submissions):
        if submission is None:
            result['not_submitted'].extend(batch['paths'])
            continue
        result['already_queued'].extend(submission['already_queued'])
        for accepted in submission['accepted']:
            result['batches'].append(dict(object_type=object_type, paths=accepted['paths'], task_id=accepted['task_id'],
                                          request_id=accepted['request_id']))
            result['task_ids'].extend(tid for tid in accepted['task_ids'] if tid not in result['task_ids'])
    result['changed'] = bool(result['task_ids'])
    summary = 'Submitted %s of %s %s (%s in %s)' % (
        plural(sum(len(batch['paths']) for batch in result['batches']), 'path'), object_type, operation,
        plural(len(submissions) - submissions.count(None), 'batch'), plural(client.transport.calls, 'call'))
    if result['already_queued']:
        summary += '; %s already queued' % plural(len(result['already_queued']), 'path')
    if error:
        error.args = ('%s. %s; %s not submitted (see not_submitted).' % (
            error, summary, plural(len(result['not_submitted']), 'path')),)
        stop(error)

    if params['wait'] and result['task_ids']:
        try:
            tasks, finished = wait_for(client, operation, result['task_ids'], params['wait_timeout'])
        except CdnError as exc:
            exc.args = ('%s; the %s was submitted but waiting for it failed: %s' % (summary, operation, exc),)
            stop(exc)
        result['tasks'] = tasks
        result['failed_paths'] = [path for task in tasks for path in task['failed_paths']]
        if result['failed_paths']:
            module.fail_json(msg='%s, and %s failed to %s: %s' % (
                summary, plural(len(result['failed_paths']), 'path'), operation,
                ', '.join(result['failed_paths'][:MAX_REPORTED_ERRORS])),
                error=dict(action='wait', code=None, http_status=None, request_id=None,
                           message='%s failed' % plural(len(result['failed_paths']), 'path')),
                **_counters(client, result))
        if not finished:
            pending = [task['task_id'] for task in tasks if task['status'] not in FINISHED]
            message = '%s still running after wait_timeout=%ss: %s' % (
                plural(len(pending), 'task'), params['wait_timeout'], ', '.join(pending))
            module.fail_json(msg='%s, but %s' % (summary, message),
                             error=dict(action='wait', code=None, http_status=None, request_id=None, message=message),
                             **_counters(client, result))
        summary += ', and every task completed'
    module.exit_json(msg=summary + '.', **_counters(client, result))


def run_info(module, function, *args, facts=None):
    """Run `function(*args)` (a dict of results) for an _info module and exit with it, or fail with the error facts.

    `facts`: a dict added to the result either way (the client's result_facts()).
    """
    facts = facts or {}
    try:
        found = function(*args)
    except CdnError as exc:
        fail(module, exc, dict(facts, changed=False))
    module.exit_json(changed=False, **dict(found, **facts))
