# Copyright (c) 2026, cdnops.cdn contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
name: _prefetch_sets
short_description: "[INTERNAL] What the cdn_refresh role prefetches once the refresh is done"
version_added: 0.1.0
author:
  - cdnops.cdn contributors
description:
  - B(Internal to the cdnops.cdn.cdn_refresh role.) Its behaviour may change in any release.
  - Resolves the prefetch requests of the filter C(_refresh_sets) against what the refresh did, per provider.
  - Nothing is prefetched unless every refresh task the run submitted is known to have finished (the last poll of
    each provider read every task and none was still running); otherwise C(blocked) in the result says why.
  - A page is never prefetched when its refresh failed, was not submitted, is unconfirmed (its answer was lost), was
    already queued by an earlier refresh (JD), or went out in a call whose task ID is unknown; the refresh of such a
    page may still be running, and a prefetch before it ends is wasted.
  - A request for the host's refreshed file URLs (C(cdn_refresh_prefetch=true)) prefetches those this run refreshed;
    paths that a task before this run already covered (C(already_refreshed), with a release time) are not prefetched
    again. A request with a list of pages prefetches them when this run refreshed any path of the host.
  - URLs are compared in the form the modules send them (scheme and host lower-cased, percent-encoded as UTF-8).
positional: _input, refreshed, polls
options:
  _input:
    description: The role's sets, the result of C(_refresh_sets) (its C(prefetch) requests are read).
    type: dict
    required: true
  refreshed:
    description: C({alicdn, jdcdn}), each the registered result of that provider's refresh loop.
    type: dict
    required: true
  polls:
    description: C({alicdn, jdcdn}), each the registered result of that provider's wait loop (empty when the role did
      not wait, as in check mode).
    type: dict
  check_mode:
    description: The run is in check mode; the refresh batches then have no task IDs and nothing was waited for.
    type: bool
    default: false
  wait_timeout:
    description: The refresh wait timeout in seconds, for the message about tasks still running.
    type: int
    default: 600
"""

EXAMPLES = r"""
- name: Work out what to prefetch
  ansible.builtin.set_fact:
    cdn_refresh__prefetch: >-
      {{ cdn_refresh__sets | cdnops.cdn._prefetch_sets({'alicdn': cdn_refresh__alicdn, 'jdcdn': cdn_refresh__jdcdn},
                                                       {'alicdn': cdn_refresh__alicdn_poll, 'jdcdn': cdn_refresh__jdcdn_poll}) }}
"""

RETURN = r"""
_value:
  description:
    - C(alicdn) and C(jdcdn) - a list with one item C({object_type, paths, hosts}) when there is something to prefetch
      (C(object_type) is always V(file); C(hosts) the number of requests it came from), else empty.
    - C(notes) - summary lines about pages that are not prefetched, and why.
    - C(blocked) - why nothing is prefetched at all, or an empty string.
  type: dict
"""

from collections.abc import Mapping

from ansible_collections.cdnops.cdn.plugins.filter._refresh_report import PROVIDERS, last_poll, listed, not_submitted, \
    registered_items, split_task_id
from ansible_collections.cdnops.cdn.plugins.filter._refresh_task_ids import refresh_task_ids
from ansible_collections.cdnops.cdn.plugins.module_utils._errors import ValidationError
from ansible_collections.cdnops.cdn.plugins.module_utils._urls import normalise_path
from ansible_collections.cdnops.cdn.plugins.module_utils._vendor import PathRules

# The vendors' URL rules (as _alicdn.AlicdnClient.rules and _jdcdn.JdcdnClient.rules state them).
RULES = {'alicdn': PathRules(bare_host=True, max_length=1024, raw_types=frozenset(['regex'])),
         'jdcdn': PathRules(bare_host=False, max_length=1024, raw_types=frozenset())}
SHOWN_PATHS = 10


def _key(provider):
    """A function giving the form a module sends a URL in (the URL as given when it is not valid)."""
    cache = {}

    def key(url):
        if url not in cache:
            try:
                cache[url] = normalise_path(url, 'file', RULES[provider])[0]
            except (ValidationError, AttributeError, TypeError):
                cache[url] = url.strip() if isinstance(url, str) else url
        return cache[url]
    return key


def _batches(result):
    return [batch for batch in result.get('batches') or [] if isinstance(batch, Mapping)]


def _refresh_outcome(provider, refreshed, polls, check_mode, wait_timeout):
    """(refreshed this run, not to prefetch, covered before this run, why blocked or '') for one provider, as keys."""
    key = _key(provider)
    results = registered_items(refreshed.get(provider))
    done, bad, before = set(), set(), set()
    by_task = {}
    for result in results:
        for batch in _batches(result):
            ids = split_task_id(batch.get('task_id')) + [str(task_id) for task_id in batch.get('task_ids') or []]
            paths = [key(path) for path in batch.get('paths') or []]
            if ids or check_mode:
                done.update(paths)
            else:
                bad.update(paths)   # accepted, but with no task to wait for (JD after a lost answer)
            for task_id in ids:
                by_task.setdefault(task_id, []).extend(paths)
        bad.update(key(path) for path in result.get('unconfirmed') or [])
        bad.update(key(path) for path in result.get('already_queued') or [])
        if result.get('failed'):
            bad.update(key(path) for path in not_submitted(result))
        before.update(key(entry.get('path')) for entry in result.get('already_refreshed') or []
                      if isinstance(entry, Mapping) and entry.get('path'))

    blocked = ''
    if not check_mode and refresh_task_ids(refreshed.get(provider)):
        last = last_poll(polls.get(provider))
        if last is None:
            blocked = '%s: the refresh tasks were not waited for' % provider
        elif last.get('failed'):
            blocked = '%s: the state of the refresh tasks could not be read' % provider
        else:
            tasks = [task for task in last.get('tasks') or [] if isinstance(task, Mapping)]
            running = [str(task.get('task_id')) for task in tasks if task.get('status') == 'running']
            if running:
                blocked = '%s: %d refresh task(s) still running after %s s (%s)' % (
                    provider, len(running), wait_timeout, listed(running, SHOWN_PATHS, ', '))
            for task in tasks:
                if task.get('status') == 'failed':
                    paths = task.get('failed_paths') or task.get('paths') or by_task.get(str(task.get('task_id'))) or []
                    bad.update(key(path) for path in paths)
    return done - bad, bad, before, blocked


def prefetch_sets(sets, refreshed, polls=None, check_mode=False, wait_timeout=600):
    """What to prefetch per provider (see DOCUMENTATION).

    sets: the result of _refresh_sets; refreshed / polls: {'alicdn': registered loop, 'jdcdn': ...}.
    Returns {'alicdn': [{'object_type': 'file', 'paths': [url], 'hosts': int}] or [], 'jdcdn': [...],
    'notes': [str], 'blocked': str}.
    """
    refreshed = refreshed if isinstance(refreshed, Mapping) else {}
    polls = polls if isinstance(polls, Mapping) else {}
    requests = (sets or {}).get('prefetch') or {}
    plan = {'alicdn': [], 'jdcdn': [], 'notes': [], 'blocked': ''}
    reasons, chosen = [], {}
    for provider in PROVIDERS:
        done, bad, before, blocked = _refresh_outcome(provider, refreshed, polls, check_mode, wait_timeout)
        if blocked:
            reasons.append(blocked)   # (any provider's: no prefetch starts before every refresh task is complete)
        wanted = [request for request in requests.get(provider) or [] if isinstance(request, Mapping)]
        if not wanted:
            continue
        key = _key(provider)
        pages, skipped, covered, hosts = {}, {}, {}, 0
        for request in wanted:
            if request.get('refreshed_only'):
                keep = [key(url) for url in request.get('pages') or []]
                for url in keep:
                    if url in done:
                        pages[url] = None
                    elif url in before:
                        covered[url] = None
                    elif url in bad:
                        skipped[url] = None
                hosts += any(url in done for url in keep)
            elif any(key(url) in done for url in request.get('urls') or []):
                hosts += 1
                for url in (key(page) for page in request.get('pages') or []):
                    if url in bad:
                        skipped[url] = None
                    else:
                        pages[url] = None
        chosen[provider] = (list(pages), hosts)
        if skipped:
            plan['notes'].append('%s prefetch: not sent for %d path(s) whose refresh failed or could not be waited '
                                 'for: %s' % (provider, len(skipped), listed(list(skipped), SHOWN_PATHS)))
        if covered:
            plan['notes'].append('%s prefetch: not sent for %d path(s) already refreshed before this run (a task created '
                                 'after the release time holds them)' % (provider, len(covered)))
    if reasons:
        if any(pages for pages, hosts in chosen.values()):
            plan['blocked'] = '; '.join(reasons)
            plan['notes'].append('Prefetch not started, as it starts only once every refresh task of the run is '
                                 'complete: %s.' % plan['blocked'])
        return plan
    for provider, (pages, hosts) in chosen.items():
        if pages:
            plan[provider] = [{'object_type': 'file', 'paths': pages, 'hosts': hosts}]
    return plan


class FilterModule:
    """The cdn_refresh role's prefetch planner."""

    def filters(self):
        return {'_prefetch_sets': prefetch_sets}
