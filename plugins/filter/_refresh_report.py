# Copyright (c) 2026, cdnops.cdn contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
name: _refresh_report
short_description: "[INTERNAL] The cdn_refresh role's summary, and the message it fails with"
version_added: 0.1.0
author:
  - cdnops.cdn contributors
description:
  - B(Internal to the cdnops.cdn.cdn_refresh role.) Its behaviour may change in any release.
  - Reads the registered results of the role's refresh loops (one module result per set) and of its wait loops (one
    C(_info) result per poll), and writes the summary lines and, when anything did not succeed, the failure message.
  - The failure message names every set whose refresh failed with the module's message and the paths it did not
    submit, every task that failed or was still running when the wait ended with its paths, every provider whose
    task state could not be read, and the sets that were submitted in full.
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
    description: The wait timeout in seconds, for the message about tasks still running.
    type: int
    default: 600
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
    - C(summary) - the lines to print, one per refresh call, then the state of the tasks after waiting.
    - C(failure) - the message to fail with, or an empty string when everything submitted and finished.
  type: dict
"""

from collections.abc import Mapping

PROVIDERS = ('alicdn', 'jdcdn')
SHOWN_PATHS = 20
SHOWN_IDS = 10


def _items(registered):
    """The per-item results of a registered loop (an empty list for an undefined or skipped loop)."""
    if not isinstance(registered, Mapping):
        return []
    return [result for result in registered.get('results') or [] if isinstance(result, Mapping)]


def _listed(values, limit, separator=' '):
    values = [str(value) for value in values]
    text = separator.join(values[:limit])
    return text + (' and %d more' % (len(values) - limit) if len(values) > limit else '')


def _split(task_id):
    if task_id is None:
        return []
    return [part.strip() for part in str(task_id).split(',') if part.strip()]


def _set_name(provider, result):
    item = result.get('item')
    object_type = item.get('object_type') if isinstance(item, Mapping) else item
    return '%s %s' % (provider, object_type or 'refresh')


def _set_paths(result):
    item = result.get('item')
    return list(item.get('paths') or []) if isinstance(item, Mapping) else []


def _batch_paths(results):
    """{task_id: [path, ...]} from the batches of a provider's refresh results."""
    paths = {}
    for result in results:
        for batch in result.get('batches') or []:
            if not isinstance(batch, Mapping):
                continue
            ids = _split(batch.get('task_id')) + [str(task_id) for task_id in batch.get('task_ids') or []]
            for task_id in ids:
                known = paths.setdefault(task_id, [])
                known.extend(path for path in batch.get('paths') or [] if path not in known)
    return paths


def _last_poll(registered):
    """The last poll's result of a wait loop, or None when the role did not wait."""
    polls = _items(registered)
    return polls[-1] if polls else None


def _not_submitted(result):
    """The paths a failed refresh did not submit.

    The module's `not_submitted` when it lists any. Otherwise the set's paths (the module's normalised `paths`, else
    the loop item's) less those its batches with a task ID and `already_queued` cover; an empty `not_submitted` is
    trusted only when something was submitted.
    """
    if result.get('not_submitted'):
        return list(result['not_submitted'])
    covered = set(result.get('already_queued') or [])
    submitted = {path for batch in result.get('batches') or [] if isinstance(batch, Mapping) and batch.get('task_id')
                 for path in batch.get('paths') or []}
    if submitted and isinstance(result.get('not_submitted'), list):
        return []
    covered |= submitted
    return [path for path in result.get('paths') or _set_paths(result) if path not in covered]


def refresh_report(submitted, polls=None, wait_timeout=600):
    """The summary lines and the failure message (see DOCUMENTATION).

    submitted / polls: {'alicdn': registered loop result, 'jdcdn': ...}; wait_timeout: seconds.
    Returns {'summary': [str, ...], 'failure': str ('' when nothing failed)}.
    """
    polls = polls if isinstance(polls, Mapping) else {}
    summary, problems, fine = [], [], []
    for provider in PROVIDERS:
        results = _items(submitted.get(provider))
        for result in results:
            name = _set_name(provider, result)
            message = str(result.get('msg') or '').strip()
            if result.get('failed'):
                summary.append('%s: FAILED: %s' % (name, message or 'no message'))
                missing = _not_submitted(result)
                problem = '- %s: the refresh failed: %s' % (name, message or 'no message')
                if missing:
                    problem += '\n  not submitted (%d path(s)): %s' % (len(missing), _listed(missing, SHOWN_PATHS))
                problems.append(problem)
            else:
                summary.append('%s: %s' % (name, message))
                fine.append('%s (%d path(s))' % (name, len(_set_paths(result))))
            task_ids = [str(task_id) for task_id in result.get('task_ids') or []]
            if task_ids:
                summary.append('  task IDs: ' + _listed(task_ids, SHOWN_IDS, ', '))
            if result.get('already_queued'):
                summary.append('  already queued at %s, not submitted again: %s'
                               % (provider, ' '.join(result['already_queued'])))

    for provider in PROVIDERS:
        last = _last_poll(polls.get(provider))
        if last is None:
            continue
        if last.get('failed'):
            summary.append('%s after waiting: the state of the tasks could not be read' % provider)
            problems.append('- %s: waiting stopped, the state of the tasks could not be read: %s'
                            % (provider, str(last.get('msg') or 'no message').strip()))
            continue
        tasks = [task for task in last.get('tasks') or [] if isinstance(task, Mapping)]
        counts = dict((status, len([task for task in tasks if task.get('status') == status]))
                      for status in ('complete', 'failed', 'running'))
        summary.append('%s after waiting: %d task(s) complete, %d failed, %d still running'
                       % (provider, counts['complete'], counts['failed'], counts['running']))
        batch_paths = _batch_paths(_items(submitted.get(provider)))
        for task in tasks:
            if task.get('status') == 'complete':
                continue
            task_id = str(task.get('task_id'))
            paths = task.get('failed_paths') or task.get('paths') or batch_paths.get(task_id) or []
            if task.get('status') == 'failed':
                state = 'failed (%s)' % (task.get('reason') or 'no reason given')
            else:
                state = 'still running after %s s' % wait_timeout
            problems.append('- %s task %s %s: %s' % (provider, task_id, state, _listed(paths, SHOWN_PATHS)))

    if not any(_items(submitted.get(provider)) for provider in PROVIDERS):
        summary.append('Nothing to refresh: no host of cdn_refresh_hosts has cdn_refresh_paths.')
    failure = ''
    if problems:
        failure = '\n'.join(['The CDN refresh did not complete:'] + problems
                            + ['Submitted in full: ' + (', '.join(fine) if fine else 'none')])
    return {'summary': summary, 'failure': failure}


class FilterModule:
    """The cdn_refresh role's report."""

    def filters(self):
        return {'_refresh_report': refresh_report}
