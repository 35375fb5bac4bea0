# Copyright (c) 2026, cdnops.cdn contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The least API calls and the least time the vendors' limits allow (docs/benchmark.md explains the formulas).

The limits are the vendors' documented ones (shared/reference/vendor-apis.md A7, B1.3), written here as data, not taken
from the collection: the benchmark checks the collection against them.
"""

from __future__ import annotations

import math

# Alibaba RefreshObjectCaches, per call: at most this many paths of one object type, and at most ALI_DOMAINS domains.
ALI_PATHS = {'file': 1000, 'directory': 100}
ALI_DOMAINS = 10
ALI_IDS_PER_QUERY = 10      # DescribeRefreshTaskById: task IDs per call
# JD legacy /api/refresh, per call (no domain limit); /api/refreshQuery takes one task ID.
JD_PATHS = {'file': 100, 'directory': 5}
JD_IDS_PER_QUERY = 1


def domain_counts(urls):
    """{domain: number of URLs} of `urls` (http(s)://host/... or host/...); the host is compared case-insensitively."""
    counts = {}
    for url in urls:
        host = url.split('://', 1)[-1].split('/', 1)[0].lower()
        counts[host] = counts.get(host, 0) + 1
    return counts


def ali_submit_calls(urls, object_type='file'):
    """The fewest RefreshObjectCaches calls for `urls`: max(ceil(paths / per-call paths), ceil(domains / 10)).

    A lower bound; it is reached when each domain's paths can fill calls without an 11th domain (true for the
    benchmark's lists, where every domain has the same number of URLs).
    """
    if not urls:
        return 0
    return max(math.ceil(len(urls) / ALI_PATHS[object_type]), math.ceil(len(domain_counts(urls)) / ALI_DOMAINS))


def jd_submit_calls(count, object_type='file'):
    """The fewest /api/refresh calls for `count` paths: ceil(count / 100 URLs or 5 directories)."""
    return math.ceil(count / JD_PATHS[object_type])


def query_calls(task_ids, per_call):
    """Status calls for one poll round over `task_ids` (a count), `per_call` IDs a call."""
    return math.ceil(task_ids / per_call)


def phase_floor(calls, latency, rate=None):
    """Least seconds for `calls` independent calls of one action, each answered `latency` s after it arrives.

    `rate`: the vendor's calls a second for the action (any sliding second holds at most that many), None or 0 when
    none is documented (then every call may be in flight at once). The calls start in groups of `rate`, a second
    apart, and the last answer comes `latency` after the last group: floor((calls - 1) / rate) + latency. 0 calls: 0.
    """
    if calls <= 0:
        return 0.0
    if not rate:
        return latency
    return (calls - 1) // rate + latency


def floor(phases, latency):
    """Least seconds for sequential phases, each a (calls, rate) pair (see phase_floor); the sum of their floors."""
    return sum(phase_floor(calls, latency, rate) for calls, rate in phases)


def wait_floor(before, latency, task_delay, round_calls, round_rate=None):
    """Least seconds to submit, wait for the tasks, and see them finished in one poll round.

    `before`: the floor of the phases up to the last submission (its answer included). Tasks are created when the
    last submission arrives (before - latency) and finish task_delay seconds later; a poll round that sees them
    finished starts no earlier than that, nor before the submission's answer: max(before, before - latency +
    task_delay) + phase_floor(round_calls).
    """
    return max(before, before - latency + task_delay) + phase_floor(round_calls, latency, round_rate)


def minute_wait(first_arrival, urls_per_domain, per_minute):
    """Least seconds from the first accepted submission (server clock, epoch s) until the vendor accepts the last URLs of
    a domain that has `urls_per_domain` URLs, at `per_minute` URLs per domain per calendar minute:
    the start of the (ceil(urls / per_minute) - 1)-th minute after the first one, minus the first arrival; 0 if one
    minute holds them all.
    """
    extra = math.ceil(urls_per_domain / per_minute) - 1
    if extra <= 0:
        return 0.0
    return (math.floor(first_arrival / 60) + extra) * 60 - first_arrival


def rounds(queries, key):
    """Poll rounds in `queries` (the sandbox's log entries of one status action, in order): a round ends when a
    call asks for a task ID the round already asked for. `key`: entry -> the list of task IDs the call asked for.
    Returns one [calls, distinct task IDs asked for] pair a round, e.g. [[2, 20], [1, 5]].
    """
    found = []
    seen = set()
    for entry in queries:
        ids = set(key(entry))
        if not found or ids & seen:
            found.append([0, 0])
            seen = set()
        seen |= ids
        found[-1] = [found[-1][0] + 1, len(seen)]
    return found
