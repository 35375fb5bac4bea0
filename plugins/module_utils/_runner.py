# Copyright (c) 2026, cdnops.cdn contributors
# BSD 2-Clause License (see LICENSES/BSD-2-Clause.txt or https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause

# Private to the cdnops.cdn collection: no compatibility promise outside it.

"""The vendor-neutral runner: validate, normalise, look up, batch, check the quota, check/diff, submit, wait, report.

It drives any `_vendor.CdnClient`; the modules' main() only builds a client (`connect`) and calls `run` or `run_info`.
Every failure ends in fail_json with the result so far, `msg` and `error` (see _errors.CdnError.error_facts).

Re-runs, lost answers and pacing (issue 9):
- `refreshed_after` (vendors with `finds_tasks`): paths that a task of the same object type created at or after that
  time covers (not failed) are not submitted, and are reported in `already_refreshed`.
- A submission whose answer was lost (an error with `ambiguous` set) is looked up, not sent again blindly: the tasks
  found covering its paths are adopted (`recovery: found`), and only the paths in no task are sent again, once.
  A vendor without a lookup resolves it itself (JD: see _jdcdn.JdcdnClient.submit).
- Paths of `per_minute_types` are paced to `domain_urls_per_minute` (a MinuteBudget), and a refusal for that limit
  (`per_minute_codes`) waits for the next minute and sends the batch again, within `pacing_timeout`.
"""

from __future__ import annotations

import calendar
import datetime
import os
import re
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

from ansible.module_utils.basic import missing_required_lib

from ansible_collections.cdnops.cdn.plugins.module_utils._errors import (
    CdnError, QuotaError, QuotaUnreadableError, ValidationError)
from ansible_collections.cdnops.cdn.plugins.module_utils._transport import (
    HAS_REQUESTS, REQUESTS_IMPORT_ERROR, MinuteBudget, Transport, tls_verify)
from ansible_collections.cdnops.cdn.plugins.module_utils._urls import (
    check_prefetchable, normalise_path, plain_url, split_pasted)

# Options of every module that submits paths (refresh and prefetch), and the rule between them (AnsibleModule's
# required_one_of).
SUBMIT_OPTIONS = dict(
    paths=dict(type='list', elements='str'),
    paths_file=dict(type='path'),
    return_paths=dict(type='bool', default=False),
    wait=dict(type='bool', default=False),
    wait_timeout=dict(type='int', default=600),
)
SUBMIT_REQUIRED_ONE_OF = [('paths', 'paths_file')]

# Options of every module that calls a vendor API.
CONNECTION_OPTIONS = dict(
    timeout=dict(type='int', default=30),
    validate_certs=dict(type='bool', default=True),
    ca_path=dict(type='path'),
)

MAX_REPORTED_ERRORS = 20
FINISHED = ('complete', 'failed')
RECOVERY_MARGIN = 60    # a lost call's task is looked for from this many seconds before the call (clock skew)
RESUBMITS = 1           # after a lost answer, the paths found in no task are sent again at most this many times
HISTORY_MARGIN = 300    # refreshed_after is moved this far inside the vendor's task history, or it would drop out
FUTURE_MARGIN = 300     # a refreshed_after further ahead of the controller's clock than this is warned about
LATEST_EPOCH = 253402300799     # 9999-12-31T23:59:59Z; more is not seconds (milliseconds, perhaps)

_ISO_8601 = re.compile(r'(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?'
                       r'(?:([Zz])|([+-])(\d{2}):?(\d{2})?)\Z')
_EPOCH = re.compile(r'\d+(?:\.\d+)?\Z')


def plural(count, word):
    """'1 call', '3 calls', '2 batches'."""
    return '%d %s%s' % (count, word, '' if count == 1 else 'es' if word.endswith(('s', 'ch')) else 's')


def parse_time(value):
    """Epoch seconds (float) for a point in time, or None if `value` is not one of the accepted forms:

    - an ISO 8601 / RFC 3339 date-time with a time zone: '2026-11-30T08:00:00Z', '2026-11-30T16:00:00+08:00',
      '2026-11-30 16:00:00.25+0800' (a space may replace the T; seconds and fractions are optional);
    - epoch seconds: an int or float, or a string of digits with an optional fraction ('1764489600', '1764489600.5').
    A date-time without a time zone is refused (None): it would depend on the controller's time zone.
    """
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        return float(value) if 0 <= value <= LATEST_EPOCH else None     # NaN fails both comparisons
    if isinstance(value, datetime.datetime):
        return value.timestamp() if value.tzinfo is not None else None
    text = str(value).strip()
    if _EPOCH.match(text):
        return parse_time(float(text))
    match = _ISO_8601.match(text)
    if not match:
        return None
    year, month, day, hour, minute, second, fraction, zulu, sign, offset_hours, offset_minutes = match.groups()
    fields = (int(year), int(month), int(day), int(hour), int(minute), int(second or 0))
    try:
        datetime.datetime(*fields)
    except ValueError:
        return None
    offset = 0 if zulu else (1 if sign == '+' else -1) * (int(offset_hours) * 3600 + int(offset_minutes or 0) * 60)
    if abs(offset) > 18 * 3600 or int(offset_minutes or 0) > 59:
        return None
    return calendar.timegm(fields + (0, 0, 0)) - offset + (float('0.' + fraction) if fraction else 0.0)


def utc_iso(epoch):
    """'2026-11-30T08:00:00Z' (whole seconds, UTC) for epoch seconds."""
    return time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime(epoch))


def path_key(url):
    """What two spellings of one URL share: a lower-case scheme and host; no scheme means http (as the vendors read it)."""
    scheme, separator, rest = url.partition('://')
    if not separator:
        scheme, rest = 'http', url
    host, slash, tail = rest.partition('/')
    return '%s://%s/%s' % (scheme.lower(), host.lower(), tail)


def fail(module, error, result=None):
    """fail_json for a CdnError: its text as `msg`, its facts as `error`, and the result so far."""
    module.fail_json(msg=str(error), error=error.error_facts(), **(result or {}))


def connect(module, client_class):
    """Build a vendor client from the module's options, or fail the module with a clear message.

    A `paths_file` that cannot be read fails here, before the credentials are looked for (which may call the ECS
    metadata service or STS).
    """
    if not HAS_REQUESTS:
        module.fail_json(msg=missing_required_lib('requests'), exception=REQUESTS_IMPORT_ERROR)
    params = module.params
    try:
        if params.get('paths_file') is not None:
            open_paths_file(params['paths_file']).close()
        for option, minimum, unit in (('timeout', 1, ' seconds'), ('wait_timeout', 0, ' seconds'),
                                      ('pacing_timeout', 0, ' seconds'), ('domain_urls_per_minute', 1, '')):
            if params.get(option) is not None and params[option] < minimum:
                raise ValidationError('%s must be at least %d%s, got %s' % (option, minimum, unit, params[option]))
        verify = tls_verify(params['validate_certs'], params['ca_path'])
        if not verify:
            module.warn('validate_certs=false: the TLS certificate of the endpoint is not verified, so the credentials '
                        'and the refresh could reach an impostor. Use it only against a test endpoint.')
        transport = Transport(timeout=params['timeout'], verify=verify, rates=client_class.CALL_RATES, log=module.log,
                              no_log=module.no_log_values.add)
        return client_class.from_params(params, transport)
    except CdnError as exc:
        fail(module, exc, dict(changed=False))


def open_paths_file(filename):
    """`filename` opened for reading, in binary; raises ValidationError naming it, why, and what to give instead."""
    try:
        return open(filename, 'rb')
    except OSError as exc:
        where = '' if os.path.isabs(filename) else ' (relative to %s, where the module runs)' % os.getcwd()
        raise ValidationError(
            'paths_file %s cannot be read%s: %s. Give the path of a text file on the host the module runs on (the '
            'controller, with delegate_to: localhost), one URL a line; an absolute path such as '
            '"{{ playbook_dir }}/urls.txt" does not depend on the working directory' % (
                filename, where, exc.strerror or exc))


def read_paths_file(filename):
    """The paths listed in `filename`: (paths, line_numbers), two lists of the same length.

    The file is UTF-8 text (a byte order mark is allowed), one path a line; each line is trimmed, and blank lines and
    lines whose first character is "#" (comments) are skipped. Raises ValidationError when the file cannot be read or is
    not UTF-8, naming the file and the line.
    """
    with open_paths_file(filename) as handle:
        try:
            data = handle.read()
        except OSError as exc:
            raise ValidationError('paths_file %s cannot be read: %s' % (filename, exc.strerror or exc))
    try:
        text = data.decode('utf-8-sig')
    except UnicodeDecodeError as exc:
        raise ValidationError('paths_file %s line %d is not UTF-8 text (byte 0x%02x): save the file as UTF-8' % (
            filename, data.count(b'\n', 0, exc.start) + 1, data[exc.start]))
    paths, numbers = [], []
    for number, line in enumerate(text.split('\n'), 1):
        line = line.strip()
        if line and not line.startswith('#'):
            paths.append(line)
            numbers.append(number)
    return paths, numbers


def normalise_all(paths, object_type, rules, operation='refresh', source=None, line_numbers=None):
    """Normalise and de-duplicate (order kept). Returns (entries, errors): entries are (url, domain), errors text.

    `source` and `line_numbers`: the paths come from this file (paths_file), and this is the line of each; every
    error then starts with 'paths_file FILE line N: '.
    One pass: a plain URL (_urls.plain_url) is taken as it is; any other item is split if it holds several pasted
    URLs (_urls.split_pasted) and normalised in full.
    """
    entries = {}
    errors = []
    prefetch = operation == 'prefetch'
    for index, item in enumerate(paths):
        plain = plain_url(item, object_type, rules)
        if plain and not (prefetch and '*' in item):
            entries.setdefault(*plain)
            continue
        for path in split_pasted([item]):
            try:
                url, domain = normalise_path(path, object_type, rules)
                if prefetch:
                    check_prefetchable(url, path)
            except ValidationError as exc:
                errors.append('paths_file %s line %d: %s' % (source, line_numbers[index], exc) if source else str(exc))
            else:
                entries.setdefault(url, domain)
    return list(entries.items()), errors


def normalise_options(params, object_type, rules, operation='refresh'):
    """normalise_all for the `paths` option, then the lines of `paths_file`: (entries, errors), de-duplicated across
    both, `paths` first. Raises ValidationError when paths_file cannot be read."""
    entries, errors = normalise_all(params.get('paths') or [], object_type, rules, operation)
    if params.get('paths_file') is None:
        return entries, errors
    listed, numbers = read_paths_file(params['paths_file'])
    more, more_errors = normalise_all(listed, object_type, rules, operation, params['paths_file'], numbers)
    if entries:
        merged = dict(entries)
        for url, domain in more:
            merged.setdefault(url, domain)
        more = list(merged.items())
    return more, errors + more_errors


def split_batches(entries, limit, per_domain=None):
    """Pack (url, domain) entries into as few lists of URLs as `limit` (a CallLimit) allows, grouped by domain, with
    at most `per_domain` URLs of one domain in a list (None: no such limit).

    A domain's URLs go into the current list as one slice while they fit; a new list starts when it is full, when it
    already has `limit.domains` domains and this is another one, or when it holds `per_domain` URLs of this domain.
    """
    by_domain = {}
    for url, domain in entries:
        by_domain.setdefault(domain, []).append(url)
    batches, current, counts = [], [], {}
    for domain, urls in by_domain.items():
        start = 0
        while start < len(urls):
            domain_full = limit.domains and domain not in counts and len(counts) >= limit.domains
            domain_over = per_domain and counts.get(domain, 0) >= per_domain
            if len(current) >= limit.paths or domain_full or domain_over:
                batches.append(current)
                current, counts = [], {}
            room = limit.paths - len(current)
            if per_domain:
                room = min(room, per_domain - counts.get(domain, 0))
            chunk = urls[start:start + room]
            current.extend(chunk)
            counts[domain] = counts.get(domain, 0) + len(chunk)
            start += len(chunk)
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


def find_covering(client, operation, object_type, entries, since):
    """The tasks that cover each path: {url: [Task]} for the (url, domain) `entries` that a task of `object_type`
    created at or after `since` (epoch seconds) lists and has not failed (Refreshing or Complete), newest task first.

    One client.find_tasks search for all the entries' domains (the client searches page by page, per domain).
    """
    keys = {path_key(url): url for url, domain in entries}
    domains = list(dict.fromkeys(domain for url, domain in entries))
    covering = {}
    for task in client.find_tasks(operation, object_type, domain=domains, since=since):
        failed = {path_key(path) for path in task['failed_paths']}
        for path in task['paths']:
            key = path_key(path)
            if key in keys and key not in failed:
                tasks = covering.setdefault(keys[key], [])
                if task not in tasks:
                    tasks.append(task)
    return covering


def _adopt(pending, covering):
    """Accepted entries (recovery 'found') for the `pending` paths that `covering` ({url: [Task]}) covers, one per set
    of covering task IDs."""
    groups = {}
    for path in pending:
        if path in covering:
            groups.setdefault(tuple(task['task_id'] for task in covering[path]), []).append(path)
    return [dict(task_id=','.join(ids), task_ids=list(ids), request_id=None, paths=paths, recovery='found')
            for ids, paths in groups.items()]


def submit_batch(client, batch, domain_of, budget=None, clock=time.time):
    """Submit one Batch to the end and say what became of each of its paths.

    `domain_of`: {url: domain}. `budget`: a MinuteBudget for the batch's paths, or None.
    - The batch waits until its paths fit in the current minute of `budget`; a refusal for the vendor's per-minute
      limit (client.per_minute_codes) marks the minute full, waits for the next and sends it again (nothing was
      processed), until the budget's deadline.
    - After an ambiguous failure (the call may have been processed), a vendor with `finds_tasks` is asked for the tasks
      created since shortly before the call; those covering the batch's paths are adopted, and the paths in no task are
      sent again (at most RESUBMITS times). A vendor without a lookup resolves it in its submit() or raises.
    - A vendor that split the batch (JD) may attach what it did before an error as `error.submitted` (a Submission).
    Returns {accepted: [Accepted], already_queued, not_submitted, unconfirmed (paths that may or may not be in a task:
    the answer was lost and the lookup failed), error: the CdnError that stopped it or None}.
    """
    outcome = dict(accepted=[], already_queued=[], not_submitted=[], unconfirmed=[], error=None)
    pending = list(batch['paths'])
    resubmits = 0
    while pending:
        counts = Counter(domain_of[path] for path in pending)
        try:
            if budget is not None:
                budget.reserve(counts)
        except CdnError as exc:
            outcome.update(not_submitted=pending, error=exc)
            return outcome
        started = clock()
        try:
            submission = client.submit(dict(batch, paths=pending))
        except CdnError as exc:
            done = getattr(exc, 'submitted', None) or dict(accepted=[], already_queued=[])
            outcome['accepted'].extend(done['accepted'])
            outcome['already_queued'].extend(done['already_queued'])
            handled = set(done['already_queued']).union(path for accepted in done['accepted'] for path in accepted['paths'])
            pending = [path for path in pending if path not in handled]
            if budget is not None and exc.code in client.per_minute_codes:
                budget.refused(counts)
                continue
            if exc.ambiguous and client.finds_tasks and pending:
                try:
                    covering = find_covering(client, batch['operation'], batch['object_type'],
                                             [(path, domain_of[path]) for path in pending], started - RECOVERY_MARGIN)
                except CdnError as lookup_error:
                    lookup_error.args = ('%s; looking for its task failed: %s' % (exc, lookup_error),)
                    outcome.update(unconfirmed=pending, error=lookup_error)
                    return outcome
                outcome['accepted'].extend(_adopt(pending, covering))
                pending = [path for path in pending if path not in covering]
                if pending and resubmits < RESUBMITS:
                    resubmits += 1
                    continue
                if pending:
                    outcome.update(not_submitted=pending, error=exc)
                return outcome
            outcome['unconfirmed' if exc.ambiguous else 'not_submitted'] = pending
            outcome['error'] = exc
            return outcome
        outcome['accepted'].extend(submission['accepted'])
        outcome['already_queued'].extend(submission['already_queued'])
        return outcome
    return outcome


def submit_all(client, batches, domain_of, budget=None, clock=time.time):
    """Submit Batches (see submit_batch), several at once if the vendor allows; start none after the first failure.

    Returns (outcomes, error): outcomes[i] is submit_batch's for batches[i], or None if it was not started.
    """
    outcomes = [None] * len(batches)
    errors = []
    stop = threading.Event()

    def submit(index):
        if stop.is_set():
            return
        outcomes[index] = outcome = submit_batch(client, batches[index], domain_of, budget, clock)
        if outcome['error']:
            errors.append(outcome['error'])
            stop.set()

    with ThreadPoolExecutor(max_workers=max(1, client.submit_concurrency)) as pool:
        list(pool.map(submit, range(len(batches))))
    return outcomes, errors[0] if errors else None


def wait_for(client, operation, task_ids, timeout, clock=None, sleep=None):
    """Poll until every task is complete or failed, or `timeout` seconds pass. Returns (tasks, finished).

    The first poll comes 1 s after the call (a task just created is never finished), then 2, 4, 8 and every 10 s;
    the last poll falls on the deadline. Each poll reads only the tasks still running, so a round costs the vendor's
    minimum for those (Alibaba: 10 IDs a call) and finished tasks are not read again. `tasks` keeps `task_ids`' order.
    """
    clock = clock or time.monotonic
    sleep = sleep or time.sleep
    deadline = clock() + timeout
    delay = 1.0
    latest = dict.fromkeys(task_ids)
    while True:
        remaining = deadline - clock()
        if remaining > 0:
            sleep(min(delay, remaining))
            delay = min(delay * 2, 10.0)
        running = [task_id for task_id, task in latest.items() if task is None or task['status'] not in FINISHED]
        for task in client.read_tasks(operation, running):
            latest[task['task_id']] = task
        tasks = [latest[task_id] for task_id in task_ids]
        if all(task['status'] in FINISHED for task in tasks):
            return tasks, True
        if deadline - clock() <= 0:
            return tasks, False


def _diff(operation, object_type, urls):
    return dict(before='', after=''.join(url + '\n' for url in urls),
                before_header='%s cache' % object_type,
                after_header='%s %s of %s' % (object_type, operation, plural(len(urls), 'path')))


def _counters(client, result, budget=None):
    transport = client.transport
    waited = transport.pacer.waited + (budget.waited if budget is not None else 0.0)
    result.update(api_calls=transport.calls, retries=transport.retries, paced_seconds=round(waited, 3))
    result.update(client.result_facts())
    return result


def _since(module, client, value, now):
    """The lookup time for refreshed_after `value`: epoch seconds, moved inside the vendor's task history (with a
    warning) when it is older; raises ValidationError naming a value that is not a point in time."""
    since = parse_time(value)
    if since is None:
        raise ValidationError(
            'refreshed_after=%r is not a point in time: give an ISO 8601 date-time with a time zone, such as '
            '2026-11-30T08:00:00Z or 2026-11-30T16:00:00+08:00, or epoch seconds such as 1764489600' % (value,))
    if client.task_history and since < now - client.task_history + HISTORY_MARGIN:
        earliest = now - client.task_history + HISTORY_MARGIN
        module.warn('refreshed_after=%s is further back than the %d hours of tasks %s keeps: tasks created before %s '
                    'are unknown, so the paths without a newer task are refreshed again.' % (
                        utc_iso(since), client.task_history // 3600, client.name, utc_iso(earliest)))
        return earliest
    if since > now + FUTURE_MARGIN:
        module.warn('refreshed_after=%s is in the future by the controller\'s clock (now %s): no task can have been '
                    'created after it yet, so every path is refreshed.' % (utc_iso(since), utc_iso(now)))
    return since


def _collect(result, object_type, batches, outcomes):
    """Fill the result's batches, task_ids, not_submitted, unconfirmed, already_queued and changed from
    submit_all's outcomes."""
    result['not_submitted'] = []
    for batch, outcome in zip(batches, outcomes):
        if outcome is None:
            result['not_submitted'].extend(batch['paths'])
            continue
        for key in ('not_submitted', 'unconfirmed', 'already_queued'):
            result[key].extend(outcome[key])
        for accepted in outcome['accepted']:
            result['batches'].append(dict(object_type=object_type, paths=accepted['paths'], task_id=accepted['task_id'],
                                          request_id=accepted['request_id'], recovery=accepted.get('recovery')))
            result['task_ids'].extend(tid for tid in accepted['task_ids'] if tid not in result['task_ids'])
    result['changed'] = bool(result['batches'] or result['unconfirmed'])


def _warn_unwaitable(module, client, result, wait):
    """Warn about batches recovered after a lost answer, and about paths `wait` cannot wait for."""
    found = [batch for batch in result['batches'] if batch['recovery'] == 'found']
    queued = [batch for batch in result['batches'] if batch['recovery'] == 'queued']
    if found:
        module.warn('%s: the answer to the submission was lost, and %s found the tasks holding them, created since '
                    'just before it (%s); they are reported as submitted (recovery: found), and nothing was sent '
                    'twice.' % (plural(sum(len(batch['paths']) for batch in found), 'path'), client.name,
                                ', '.join(batch['task_id'] for batch in found)))
    if queued:
        module.warn('%s: the answer to the submission was lost, and sending it once more was refused because they are '
                    'already queued, so the lost call was accepted. %s does not return its task ID: they are reported '
                    'as submitted with task_id null (recovery: queued)%s.' % (
                        plural(sum(len(batch['paths']) for batch in queued), 'path'), client.name,
                        ' and could not be waited for' if wait else ''))
    if wait and result['already_queued']:
        module.warn('%s already queued by an earlier refresh (see already_queued) could not be waited for: %s does not '
                    'say which task holds them.' % (plural(len(result['already_queued']), 'path'), client.name))


def run(module, client, operation='refresh', object_type=None):
    """Everything a refresh or prefetch module's main() does after building its client; ends the module."""
    params = module.params
    object_type = object_type or params['object_type']
    transport = client.transport
    clock = getattr(transport, 'clock', time.time)
    result = dict(changed=False, path_count=0, batches=[], task_ids=[], not_submitted=[], already_queued=[],
                  unconfirmed=[])
    looks_up = 'refreshed_after' in params
    if looks_up:
        result['already_refreshed'] = []
    budget = None

    def stop(error):
        fail(module, error, _counters(client, result, budget))

    try:
        limit = client.call_limit(operation, object_type)
    except CdnError as exc:
        stop(exc)
    try:
        entries, errors = normalise_options(params, object_type, client.rules, operation)
    except CdnError as exc:
        stop(exc)
    urls = [url for url, domain in entries]
    result.update(path_count=len(urls), not_submitted=list(urls))
    if params.get('return_paths'):
        result['paths'] = urls
    if errors:
        shown = '; '.join(errors[:MAX_REPORTED_ERRORS])
        more = len(errors) - MAX_REPORTED_ERRORS
        stop(ValidationError('%d of %s %s invalid, nothing was sent: %s%s' % (
            len(errors), plural(len(errors) + len(entries), 'path'), 'is' if len(errors) == 1 else 'are', shown,
            ' (and %d more)' % more if more > 0 else '')))
    since, covering = None, {}
    if looks_up and params.get('refreshed_after') not in (None, ''):
        try:
            since = _since(module, client, params['refreshed_after'], clock())
        except CdnError as exc:
            stop(exc)
    if since is not None and entries:
        try:
            covering = find_covering(client, operation, object_type, entries, since)
        except CdnError as exc:
            exc.args = ('%s; looking for tasks created after refreshed_after failed, so nothing was sent' % exc,)
            stop(exc)
        result['already_refreshed'] = [
            dict(path=url, task_ids=[task['task_id'] for task in covering[url]], created=covering[url][0]['created'])
            for url, domain in entries if url in covering]
        entries = [(url, domain) for url, domain in entries if url not in covering]
        result['not_submitted'] = [url for url, domain in entries]
    per_domain = None
    if object_type in client.per_minute_types.get(operation, ()):
        per_domain = params.get('domain_urls_per_minute')
    planned = split_batches(entries, limit, per_domain)
    if module._diff:
        result['diff'] = _diff(operation, object_type, [url for url, domain in entries])
    covered_tasks = list(dict.fromkeys(task['task_id'] for tasks in covering.values() for task in tasks))
    running_tasks = list(dict.fromkeys(task['task_id'] for tasks in covering.values() for task in tasks
                                       if task['status'] not in FINISHED))
    covered_note = ''
    if covering:
        covered_note = '%s already refreshed after %s (%s)' % (
            plural(len(covering), 'path'), utc_iso(since), plural(len(covered_tasks), 'task'))

    def finish(summary, wait_ids):
        """Wait for `wait_ids` if asked to, then exit; fails naming failed paths or tasks still running."""
        if params['wait'] and wait_ids and not module.check_mode:
            try:
                tasks, finished = wait_for(client, operation, wait_ids, params['wait_timeout'], clock=clock,
                                           sleep=getattr(transport, 'sleep', None))
            except CdnError as exc:
                exc.args = ('%s; the %s was submitted but waiting for it failed: %s' % (summary, operation, exc),)
                stop(exc)
            ours = {path_key(url) for url in urls}
            # each URL once: a task's paths are those of its batches, unless return_paths asks for them again
            result['tasks'] = tasks if params.get('return_paths') else [
                {key: value for key, value in task.items() if key != 'paths'} for task in tasks]
            result['failed_paths'] = [path for task in tasks for path in task['failed_paths'] if path_key(path) in ours]
            if result['failed_paths']:
                module.fail_json(msg='%s, and %s failed to %s: %s' % (
                    summary, plural(len(result['failed_paths']), 'path'), operation,
                    ', '.join(result['failed_paths'][:MAX_REPORTED_ERRORS])),
                    error=dict(action='wait', code=None, http_status=None, request_id=None,
                               message='%s failed' % plural(len(result['failed_paths']), 'path')),
                    **_counters(client, result, budget))
            if not finished:
                pending = [task['task_id'] for task in tasks if task['status'] not in FINISHED]
                message = '%s still running after wait_timeout=%ss: %s' % (
                    plural(len(pending), 'task'), params['wait_timeout'], ', '.join(pending))
                module.fail_json(msg='%s, but %s' % (summary, message),
                                 error=dict(action='wait', code=None, http_status=None, request_id=None, message=message),
                                 **_counters(client, result, budget))
            summary += ', and every task completed'
        module.exit_json(msg=summary + '.', **_counters(client, result, budget))

    if not planned:
        if not covering:
            module.exit_json(msg='Nothing to %s: no paths were given.' % operation, **_counters(client, result, budget))
        finish('Nothing to %s: %s' % (operation, covered_note), running_tasks)
    try:
        result['quota'] = check_quota(client, 'prefetch' if operation == 'prefetch' else object_type, len(entries))
    except CdnError as exc:
        stop(exc)
    if result['quota'] and result['quota'].get('unread_reason'):
        module.warn('The %s quota could not be read, so it was not checked: %s' % (operation, result['quota']['unread_reason']))
    if module.check_mode:
        result['batches'] = [dict(object_type=object_type, paths=urls, task_id=None, request_id=None, recovery=None)
                             for urls in planned]
        result.update(not_submitted=[], changed=True)
        module.exit_json(msg='Would submit %s of %s %s for %s%s.' % (
            plural(len(planned), 'batch'), object_type, operation, plural(len(entries), 'path'),
            '; ' + covered_note if covered_note else ''), **_counters(client, result, budget))

    if per_domain:
        budget = MinuteBudget(per_domain, params.get('pacing_timeout') or 0, clock=clock,
                              sleep=getattr(transport, 'sleep', None))
    batches = [dict(operation=operation, object_type=object_type, paths=urls) for urls in planned]
    outcomes, error = submit_all(client, batches, dict(entries), budget, clock)
    _collect(result, object_type, batches, outcomes)
    started = sum(1 for outcome in outcomes if outcome and not outcome['error'])     # batches that went through
    summary = 'Submitted %s of %s %s (%s in %s)' % (
        plural(sum(len(batch['paths']) for batch in result['batches']), 'path'), object_type, operation,
        plural(started, 'batch'), plural(transport.calls, 'call'))
    if result['already_queued']:
        summary += '; %s already queued' % plural(len(result['already_queued']), 'path')
    if covered_note:
        summary += '; ' + covered_note
    _warn_unwaitable(module, client, result, params['wait'])
    if error:
        tail = []
        if result['not_submitted']:
            tail.append('%s not submitted (see not_submitted)' % plural(len(result['not_submitted']), 'path'))
        if result['unconfirmed']:
            tail.append('%s unconfirmed: the answer was lost and whether a task holds %s is unknown (see unconfirmed)' % (
                plural(len(result['unconfirmed']), 'path'), 'it' if len(result['unconfirmed']) == 1 else 'them'))
        error.args = ('%s. %s%s.' % (error, summary, ''.join('; ' + part for part in tail)),)
        stop(error)
    finish(summary, result['task_ids'] + [task_id for task_id in running_tasks if task_id not in result['task_ids']])


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
