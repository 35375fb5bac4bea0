#!/usr/bin/python
# Copyright (c) 2026, cdnops.cdn contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: jdcdn_prefetch
short_description: Prefetch (warm) URLs into the JD Cloud CDN cache
version_added: 0.1.0
description:
  - Submits JD Cloud CDN C(POST /api/prefetch) calls (the legacy opencdn API) for a list of file URLs, so that the CDN
    fetches them from the origin before the first visitors ask for them, split into calls of at most 50 URLs (the limit
    JD's status 10 states), up to 4 calls at a time.
  - It validates and normalises every URL before the first call. JD has no quota call, so nothing is read before the
    prefetch and check mode sends no request at all.
  - JD refuses a whole call (status 47) when any of its URLs is already queued for prefetch, without saying which. The
    module then splits that call in halves, and the halves again, until it has submitted every URL that is not queued
    and found those that are; these are returned in RV(already_queued), not as submitted, and do not fail the task.
    This costs one call when nothing is queued and at most 2n-1 calls for a batch of n URLs.
  - It can wait for the tasks to finish (polling C(POST /api/prefetchQuery), one call per task, up to 4 at once) and
    fails naming the URLs whose prefetch failed.
  - If a call fails part way, the result still lists the batches that were submitted (with their task IDs) and the URLs
    that were not, so nothing is lost silently.
author:
  - cdnops.cdn maintainers (@cdnops)
extends_documentation_fragment:
  - cdnops.cdn._common
  - cdnops.cdn._common.prefetch
  - cdnops.cdn._common.large_lists
  - cdnops.cdn._common.attributes_prefetch
  - cdnops.cdn._jdcdn
  - cdnops.cdn._jdcdn.actiongroup
notes:
  - O(paths) must be full URLs, C(http://host/path) or C(https://host/path).
seealso:
  - module: cdnops.cdn.jdcdn_refresh
  - module: cdnops.cdn.jdcdn_refresh_info
  - name: JD Cloud CDN open API, prefetch
    description: JD's documentation of the call this module makes.
    link: https://github.com/jdcloudcom/en/blob/master/documentation/Storage-and-CDN/CDN/API-Reference/CDN-Open-API/Prefetch.md
  - name: JD Cloud CDN open API, query prefetch
    description: JD's documentation of the task query O(wait) polls.
    link: https://github.com/jdcloudcom/en/blob/master/documentation/Storage-and-CDN/CDN/API-Reference/CDN-Open-API/Query-prefetch.md
"""

EXAMPLES = r"""
- name: Refresh the pages of a release and wait until the refresh is complete
  cdnops.cdn.jdcdn_refresh:
    paths: "{{ release_urls }}"
    wait: true
  delegate_to: localhost
  run_once: true

- name: Then warm them (credentials from JDCDN_USERNAME / JDCDN_SECRET_KEY), and wait until JD reports them complete
  cdnops.cdn.jdcdn_prefetch:
    paths: "{{ release_urls }}"
    wait: true
    wait_timeout: 1800
  delegate_to: localhost
  run_once: true
  register: prefetch

- name: Show the task IDs and the URLs JD already had queued
  ansible.builtin.debug:
    msg: "{{ prefetch.task_ids }} / already queued: {{ prefetch.already_queued }}"

- name: Warm every URL of a long list, one a line (the file is read by the module, not templated)
  cdnops.cdn.jdcdn_prefetch:
    paths_file: /srv/release/hot-urls.txt
  delegate_to: localhost
  run_once: true
"""

RETURN = r"""
path_count:
  description:
    - How many normalised, de-duplicated URLs were given (in O(paths) and O(paths_file)), invalid ones not counted.
    - Each of them is in one of RV(batches), RV(not_submitted), RV(unconfirmed), RV(already_queued).
  returned: always
  type: int
  sample: 2
paths:
  description: The normalised, de-duplicated URLs, in the order given (O(paths) first, then O(paths_file)).
  returned: when O(return_paths=true)
  type: list
  elements: str
  sample: [https://www.example.com/index.html, https://www.example.com/caf%C3%A9.html]
batches:
  description:
    - One entry per batch of up to 50 URLs that was submitted (in check mode, that would be submitted).
    - On failure, only the batches that were submitted.
    - A batch JD had to be split because some of its URLs were already queued gives one entry per part that JD accepted,
      each with its own task ID and URLs.
  returned: always
  type: list
  elements: dict
  contains:
    object_type:
      description: Always V(file); only files are prefetched.
      type: str
      sample: file
    paths:
      description: The URLs submitted in the batch.
      type: list
      elements: str
    task_id:
      description: The C(taskid) JD returned. V(null) in check mode.
      type: str
      sample: 93820486-226d-459b-b33f-5124b566cab7
    request_id:
      description: Always V(null); JD's legacy API has no request ID.
      type: str
    recovery:
      description:
        - V(null) for a call that was answered.
        - V(queued) when the call's answer was lost and sending it once more was refused with status 47 (already
          queued), which means the lost call was accepted. JD has no lookup to tell its task ID, so
          RV(batches[].task_id) is V(null), the module warns, and O(wait) cannot wait for it.
      type: str
      sample: queued
task_ids:
  description: Every prefetch task ID, once each.
  returned: always
  type: list
  elements: str
  sample: [93820486-226d-459b-b33f-5124b566cab7]
not_submitted:
  description:
    - Every validated path that was not submitted, whatever stopped the run (a failed call, the quota check, wrong
      credentials, an invalid path elsewhere in the list). Empty on success and in check mode.
    - To finish the job, run the module again with O(paths) set to this list.
  returned: always
  type: list
  elements: str
unconfirmed:
  description:
    - Paths sent in a call whose answer was lost, when the module could not find out whether a task holds them (the
      lookup failed, or JD's second try was lost too). A task may or may not hold them; the module fails, and
      RV(ignore:changed) is V(true) as one may.
    - They are in neither RV(not_submitted) nor RV(batches).
  returned: always
  type: list
  elements: str
already_queued:
  description:
    - URLs JD refused with status 47 because a prefetch of them was already queued. They were not submitted again, and
      they do not make the task fail or report a change.
  returned: always
  type: list
  elements: str
  sample: [https://www.example.com/index.html]
quota:
  description: Always V(null); JD's legacy API has no quota call.
  returned: when there was something to prefetch
  type: dict
tasks:
  description: The state of every task when the module stopped waiting.
  returned: when O(wait=true) and something was submitted
  type: list
  elements: dict
  contains:
    task_id:
      description: The task ID.
      type: str
    status:
      description: V(complete), V(failed) or V(running) (not finished when the wait ended).
      type: str
    progress:
      description: JD reports no progress, so V(100.0) when the task is complete, else V(0.0).
      type: float
      sample: 100.0
    reason:
      description: JD's message for a failed task; V(null) unless the task failed.
      type: str
    created:
      description: When the task was created, UTC ISO 8601; V(null) where the vendor does not tell (JD).
      type: str
      sample: '2026-11-30T08:00:00Z'
    paths:
      description: The URLs of the task.
      returned: when O(return_paths=true) (RV(batches) lists the URLs of each task otherwise)
      type: list
      elements: str
    failed_paths:
      description: The URLs of the task if it failed (JD reports success or failure per task, not per URL).
      type: list
      elements: str
failed_paths:
  description: Every URL whose prefetch failed.
  returned: when O(wait=true) and something was submitted
  type: list
  elements: str
api_calls:
  description: The HTTP requests sent to the vendor's API, retries and read-only calls included.
  returned: always
  type: int
  sample: 4
retries:
  description: How many of RV(api_calls) were retries after a failed attempt (each is also written to the module log).
  returned: always
  type: int
  sample: 0
paced_seconds:
  description:
    - Seconds spent waiting to keep within the vendor's documented limits, calls per second and, for Alibaba
      refreshes, URLs per domain per minute (O(ignore:domain_urls_per_minute), C(QuotaPerMinuteExceeded.Refresh)).
  returned: always
  type: float
  sample: 0.0
error:
  description:
    - What stopped the module, so that a playbook can branch on it without parsing RV(ignore:msg).
    - Each member is V(null) where the fact does not exist (for example a network error has no RV(error.code)).
  returned: failure
  type: dict
  contains:
    action:
      description: The vendor call that failed (for example C(RefreshObjectCaches) or C(/api/refresh)), C(quota check),
        C(wait), or V(null) for bad input.
      type: str
      sample: RefreshObjectCaches
    code:
      description: The vendor's error code (Alibaba's C(Code), JD's C(status)).
      type: raw
      sample: QuotaExceeded.Refresh
    http_status:
      description: The HTTP status of the vendor's answer.
      type: int
      sample: 400
    request_id:
      description: The vendor's request ID, for a support ticket.
      type: str
      sample: D61E4801-EAFF-4A63-AAE1-FBF6CE1CFD1C
    message:
      description: The vendor's message with a hint, or the module's own.
      type: str
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.cdnops.cdn.plugins.module_utils._jdcdn import PREFETCH_ARGUMENT_SPEC, JdcdnClient
from ansible_collections.cdnops.cdn.plugins.module_utils._runner import SUBMIT_REQUIRED_ONE_OF, connect, run


def main():
    module = AnsibleModule(argument_spec=PREFETCH_ARGUMENT_SPEC, required_one_of=SUBMIT_REQUIRED_ONE_OF,
                           supports_check_mode=True)
    run(module, connect(module, JdcdnClient), operation='prefetch', object_type='file')


if __name__ == '__main__':
    main()
