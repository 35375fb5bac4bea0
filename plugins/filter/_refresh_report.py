# Copyright (c) 2026, cdnops.cdn contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
name: _refresh_report
short_description: "[INTERNAL] The cdn_refresh role's summary of the refresh and prefetch, and the message it fails with"
version_added: 0.1.0
author:
  - cdnops.cdn contributors
description:
  - B(Internal to the cdnops.cdn.cdn_refresh role.) Its behaviour may change in any release.
  - Reads the registered results of the role's refresh loops (one module result per set), of its prefetch loops (one
    module result per provider) and of its wait loops (one C(_info) result per poll), and writes the summary lines
    and, when anything did not succeed, the failure message.
  - The failure message names every set whose refresh or prefetch failed with the module's message and the paths it
    did not submit (and those left unconfirmed after a lost answer), every task that failed or was still running when
    the wait ended with its paths, every provider whose task state could not be read, and the calls that were
    submitted in full.
  - The paths of a task come from the task itself (C(failed_paths), else C(paths)), else from the C(batches) of the
    refresh results that carry its ID (a batch's C(task_id) may join several IDs with commas).
positional: _input, polls
options:
  _input:
    description: C({alicdn, jdcdn}), each the registered result of that provider's refresh loop (may be empty).
    type: dict
    required: true
  polls:
    description: C({alicdn, jdcdn}), each the registered result of that provider's wait loop (empty when the role
      did not wait).
    type: dict
  wait_timeout:
    description: The refresh wait timeout in seconds, for the message about tasks still running.
    type: int
    default: 600
  prefetched:
    description: C({alicdn, jdcdn}), each the registered result of that provider's prefetch loop (may be empty).
    type: dict
  prefetch_polls:
    description: C({alicdn, jdcdn}), each the registered result of that provider's prefetch wait loop.
    type: dict
  prefetch_notes:
    description: Summary lines about pages that are not prefetched (the C(notes) of the filter C(_prefetch_sets)).
    type: list
    elements: str
  prefetch_wait_timeout:
    description: The prefetch wait timeout in seconds.
    type: int
    default: 1800
"""

EXAMPLES = r"""
- name: Report
  ansible.builtin.set_fact:
    cdn_refresh__report: >-
      {{ {'alicdn': cdn_refresh__alicdn, 'jdcdn': cdn_refresh__jdcdn}
         | cdnops.cdn._refresh_report({'alicdn': cdn_refresh__alicdn_poll | default({}),
                                       'jdcdn': cdn_refresh__jdcdn_poll | default({})}, wait_timeout=600) }}
"""

RETURN = r"""
_value:
  description:
    - C(summary) - the lines to print, one per refresh call, then the state of the tasks after waiting; then the same
      for the prefetch.
    - C(failure) - the message to fail with, or an empty string when everything submitted and finished.
  type: dict
"""

from collections.abc import Mapping

PROVIDERS = ('alicdn', 'jdcdn')
SHOWN_PATHS = 20
SHOWN_IDS = 10


def registered_items(registered):
    """The per-item results of a registered loop (an empty list for an undefined or skipped loop)."""
    if not isinstance(registered, Mapping):
        return []
    return [result for result in registered.get('results') or [] if isinstance(result, Mapping)]


def listed(values, limit, separator=' '):
    """The first `limit` values joined by `separator`, with ' and N more' when there are more."""
    values = [str(value) for value in values]
    text = separator.join(values[:limit])
    return text + (' and %d more' % (len(values) - limit) if len(values) > limit else '')


def split_task_id(task_id):
    """A batch's task_id: one ID, or several joined by commas."""
    if task_id is None:
        return []
    return [part.strip() for part in str(task_id).split(',') if part.strip()]


def _set_name(provider, result, operation):
    if operation == 'prefetch':
        return '%s prefetch' % provider
    item = result.get('item')
    object_type = item.get('object_type') if isinstance(item, Mapping) else item
    return '%s %s' % (provider, object_type or 'refresh')


def _set_paths(result):
    item = result.get('item')
    return list(item.get('paths') or []) if isinstance(item, Mapping) else []


def _batch_paths(results):
    """{task_id: [path, ...]} from the batches of a provider's module results."""
    paths = {}
    for result in results:
        for batch in result.get('batches') or []:
            if not isinstance(batch, Mapping):
                continue
            ids = split_task_id(batch.get('task_id')) + [str(task_id) for task_id in batch.get('task_ids') or []]
            for task_id in ids:
                known = paths.setdefault(task_id, [])
                known.extend(path for path in batch.get('paths') or [] if path not in known)
    return paths


def last_poll(registered):
    """The last poll's result of a wait loop, or None when the role did not wait."""
    polls = registered_items(registered)
    return polls[-1] if polls else None


def not_submitted(result):
    """The paths a failed module call did not submit.

    The module's `not_submitted` when it lists any, or when the module validated some paths (`path_count`): it then
    lists every one it did not submit. Otherwise the set's paths (the module's normalised `paths`, else the loop
    item's) less those its batches with a task ID, `already_queued`, `already_refreshed` and `unconfirmed` cover; an
    empty `not_submitted` is trusted only when something was submitted.
    """
    if result.get('not_submitted') or (result.get('path_count') and isinstance(result.get('not_submitted'), list)):
        return list(result['not_submitted'])
    covered = set(result.get('already_queued') or []) | set(result.get('unconfirmed') or [])
    covered |= {entry.get('path') for entry in result.get('already_refreshed') or [] if isinstance(entry, Mapping)}
    submitted = {path for batch in result.get('batches') or [] if isinstance(batch, Mapping) and batch.get('task_id')
                 for path in batch.get('paths') or []}
    if submitted and isinstance(result.get('not_submitted'), list):
        return []
    covered |= submitted
    return [path for path in result.get('paths') or _set_paths(result) if path not in covered]


def _calls(provider, results, operation, summary, problems, fine):
    """Summary lines and problems of one provider's module calls (refresh sets or the prefetch)."""
    for result in results:
        name = _set_name(provider, result, operation)
        message = str(result.get('msg') or '').strip()
        if result.get('failed'):
            summary.append('%s: FAILED: %s' % (name, message or 'no message'))
            missing = not_submitted(result)
            problem = '- %s: the %s failed: %s' % (name, operation, message or 'no message')
            if missing:
                problem += '\n  not submitted (%d path(s)): %s' % (len(missing), listed(missing, SHOWN_PATHS))
            if result.get('unconfirmed'):
                problem += ('\n  unconfirmed, the answer was lost (%d path(s)): %s'
                            % (len(result['unconfirmed']), listed(result['unconfirmed'], SHOWN_PATHS)))
            problems.append(problem)
        else:
            summary.append('%s: %s' % (name, message))
            fine.append('%s (%d path(s))' % (name, len(_set_paths(result))))
        task_ids = [str(task_id) for task_id in result.get('task_ids') or []]
        if task_ids:
            summary.append('  task IDs: ' + listed(task_ids, SHOWN_IDS, ', '))
        if result.get('already_queued'):
            summary.append('  already queued at %s, not submitted again: %s'
                           % (provider, ' '.join(result['already_queued'])))
        item = result.get('item')
        if (operation == 'refresh' and provider == 'jdcdn' and isinstance(item, Mapping)
                and item.get('refreshed_after')):
            summary.append('  JD has no lookup of earlier tasks: with a release time every path was sent again (JD '
                           'answers "already queued" while an earlier task still refreshes it)')


def _waited(provider, registered, results, operation, wait_timeout, summary, problems):
    """The summary line and problems of one provider's wait loop; nothing when the role did not wait."""
    last = last_poll(registered)
    if last is None:
        return
    label = provider if operation == 'refresh' else '%s prefetch' % provider
    if last.get('failed'):
        summary.append('%s after waiting: the state of the tasks could not be read' % label)
        problems.append('- %s: waiting stopped, the state of the tasks could not be read: %s'
                        % (label, str(last.get('msg') or 'no message').strip()))
        return
    tasks = [task for task in last.get('tasks') or [] if isinstance(task, Mapping)]
    counts = dict((status, len([task for task in tasks if task.get('status') == status]))
                  for status in ('complete', 'failed', 'running'))
    summary.append('%s after waiting: %d task(s) complete, %d failed, %d still running'
                   % (label, counts['complete'], counts['failed'], counts['running']))
    batch_paths = _batch_paths(results)
    for task in tasks:
        if task.get('status') == 'complete':
            continue
        task_id = str(task.get('task_id'))
        paths = task.get('failed_paths') or task.get('paths') or batch_paths.get(task_id) or []
        if task.get('status') == 'failed':
            state = 'failed (%s)' % (task.get('reason') or 'no reason given')
        else:
            state = 'still running after %s s' % wait_timeout
        problems.append('- %s task %s %s: %s' % (label, task_id, state, listed(paths, SHOWN_PATHS)))


def refresh_report(submitted, polls=None, wait_timeout=600, prefetched=None, prefetch_polls=None, prefetch_notes=None,
                   prefetch_wait_timeout=1800):
    """The summary lines and the failure message (see DOCUMENTATION).

    submitted / polls / prefetched / prefetch_polls: {'alicdn': registered loop result, 'jdcdn': ...};
    prefetch_notes: lines about what is not prefetched; wait timeouts in seconds.
    Returns {'summary': [str, ...], 'failure': str ('' when nothing failed)}.
    """
    polls = polls if isinstance(polls, Mapping) else {}
    prefetched = prefetched if isinstance(prefetched, Mapping) else {}
    prefetch_polls = prefetch_polls if isinstance(prefetch_polls, Mapping) else {}
    summary, problems, fine = [], [], []
    for provider in PROVIDERS:
        _calls(provider, registered_items(submitted.get(provider)), 'refresh', summary, problems, fine)
    for provider in PROVIDERS:
        _waited(provider, polls.get(provider), registered_items(submitted.get(provider)), 'refresh', wait_timeout,
                summary, problems)
    if not any(registered_items(submitted.get(provider)) for provider in PROVIDERS):
        summary.append('Nothing to refresh: no host of cdn_refresh_hosts has cdn_refresh_paths.')

    refresh_problems = len(problems)
    summary.extend(str(note) for note in prefetch_notes or [])
    for provider in PROVIDERS:
        _calls(provider, registered_items(prefetched.get(provider)), 'prefetch', summary, problems, fine)
    for provider in PROVIDERS:
        _waited(provider, prefetch_polls.get(provider), registered_items(prefetched.get(provider)), 'prefetch',
                prefetch_wait_timeout, summary, problems)

    failure = ''
    if problems:
        what = ('refresh and prefetch' if 0 < refresh_problems < len(problems)
                else 'refresh' if refresh_problems else 'prefetch')
        failure = '\n'.join(['The CDN %s did not complete:' % what] + problems
                            + ['Submitted in full: ' + (', '.join(fine) if fine else 'none')])
    return {'summary': summary, 'failure': failure}


class FilterModule:
    """The cdn_refresh role's report."""

    def filters(self):
        return {'_refresh_report': refresh_report}
