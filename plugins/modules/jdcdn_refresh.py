#!/usr/bin/python
# Copyright (c) 2026, cdnops.cdn contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: jdcdn_refresh
short_description: Refresh (purge) cached URLs and directories on JD Cloud CDN
version_added: 0.1.0
description:
  - Submits JD Cloud CDN C(POST /api/refresh) calls (the legacy opencdn API) for a list of URLs or directories, split into
    as few calls as the per-call limits allow (100 URLs or 5 directories per call), up to 4 calls at a time.
  - It validates and normalises every path before the first call. JD has no quota call, so nothing is read before the
    refresh and check mode sends no request at all.
  - JD refuses a whole call (status 47) when any of its addresses is already queued for refresh, without saying which.
    The module then splits that call in halves, and the halves again, until it has submitted every address that is not
    queued and found those that are; these are returned in RV(already_queued), not as submitted, and do not fail the
    task. This costs one call when nothing is queued and at most 2n-1 calls for a batch of n paths.
  - It can wait for the tasks to finish (polling C(POST /api/refreshQuery), one call per task, up to 4 at once) and
    fails naming the paths whose refresh failed. Paths JD reports as already queued cannot be waited for (JD does not
    say which task holds them), so with O(wait=true) the module warns about them instead of claiming they finished.
  - A call whose answer was lost (the connection dropped or timed out after the request was sent, HTTP 5xx, status -1)
    is sent once more, never split. A task ID means the lost call was not accepted; status 47 means it was, and its
    paths are reported as submitted with the task ID unknown (RV(batches[].recovery) V(queued), and a warning). JD has
    no lookup by URL to do better. This costs one call more per lost answer.
  - If a call fails part way, the result still lists the batches that were submitted (with their task IDs) and the paths
    that were not, so nothing is lost silently.
author:
  - cdnops.cdn maintainers (@cdnops)
extends_documentation_fragment:
  - cdnops.cdn._common
  - cdnops.cdn._common.refresh
  - cdnops.cdn._common.large_lists
  - cdnops.cdn._common.attributes_refresh
  - cdnops.cdn._jdcdn
  - cdnops.cdn._jdcdn.actiongroup
options:
  object_type:
    description:
      - V(file) refreshes the given URLs (C(type=file)).
      - V(directory) refreshes everything under each path (C(type=dir)); every path must end with C(/).
    type: str
    choices: [file, directory]
    default: file
notes:
  - O(paths) must be full URLs, C(http://host/path) or C(https://host/path).
seealso:
  - module: cdnops.cdn.jdcdn_refresh_info
  - name: JD Cloud CDN open API, refresh
    description: JD's documentation of the call this module makes.
    link: https://github.com/jdcloudcom/en/blob/master/documentation/Storage-and-CDN/CDN/API-Reference/CDN-Open-API/Refresh.md
  - name: JD Cloud CDN open API, status codes
    description: The status codes the module's error messages explain.
    link: https://github.com/jdcloudcom/en/blob/master/documentation/Storage-and-CDN/CDN/API-Reference/CDN-Open-API/Status-code-reference-table.md
"""

EXAMPLES = r"""
- name: Refresh two files after a deploy (credentials from JDCDN_USERNAME / JDCDN_SECRET_KEY)
  cdnops.cdn.jdcdn_refresh:
    paths:
      - https://www.example.com/index.html
      - https://www.example.com/css/site.css
  delegate_to: localhost
  run_once: true

- name: Refresh two directories and wait until JD reports them complete
  cdnops.cdn.jdcdn_refresh:
    paths:
      - https://static.example.com/img/
      - https://static.example.com/js/
    object_type: directory
    wait: true
    wait_timeout: 900
  delegate_to: localhost
  run_once: true
  register: refresh

- name: Show the task IDs and the paths JD already had queued
  ansible.builtin.debug:
    msg: "{{ refresh.task_ids }} / already queued: {{ refresh.already_queued }}"

- name: Set the credentials once for every cdnops.cdn JD module of the play
  module_defaults:
    group/cdnops.cdn.jdcdn:
      username: "{{ vault_jdcdn_username }}"
      secret_key: "{{ vault_jdcdn_secret_key }}"
  block:
    - name: Refresh every URL listed in a file, one a line (read by the module; batched to 100 per call)
      cdnops.cdn.jdcdn_refresh:
        paths_file: "{{ playbook_dir }}/release-urls.txt"
      delegate_to: localhost
      run_once: true
"""

RETURN = r"""
path_count:
  description:
    - How many normalised, de-duplicated paths were given (in O(paths) and O(paths_file)), invalid ones not counted.
    - Each of them is in one of RV(batches), RV(not_submitted), RV(unconfirmed), RV(already_queued).
  returned: always
  type: int
  sample: 2
paths:
  description: The normalised, de-duplicated paths, in the order given (O(paths) first, then O(paths_file)).
  returned: when O(return_paths=true)
  type: list
  elements: str
  sample: [https://www.example.com/index.html, https://www.example.com/caf%C3%A9.html]
batches:
  description:
    - One entry per batch of up to 100 URLs or 5 directories that was submitted (in check mode, that would be submitted).
    - On failure, only the batches that were submitted.
    - A batch JD had to be split because some of its paths were already queued lists only the paths that were submitted,
      with the task IDs of its parts.
  returned: always
  type: list
  elements: dict
  contains:
    object_type:
      description: The O(object_type) of the batch.
      type: str
      sample: file
    paths:
      description: The paths submitted in the batch.
      type: list
      elements: str
    task_id:
      description: The C(taskid) JD returned; the IDs of a split batch are comma-separated. V(null) in check mode.
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
  description: Every refresh task ID, once each.
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
    - Paths JD refused with status 47 because a refresh of them was already queued. They were not submitted again, and
      they do not make the task fail or report a change.
  returned: always
  type: list
  elements: str
  sample: [https://www.example.com/index.html]
quota:
  description: Always V(null); JD's legacy API has no quota call.
  returned: when there was something to refresh
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
      description: The paths of the task.
      returned: when O(return_paths=true) (RV(batches) lists the paths of each task otherwise)
      type: list
      elements: str
    failed_paths:
      description: The paths of the task if it failed (JD reports success or failure per task, not per path).
      type: list
      elements: str
failed_paths:
  description: Every path whose refresh failed.
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

from ansible_collections.cdnops.cdn.plugins.module_utils._runner import SUBMIT_REQUIRED_ONE_OF, connect, run
from ansible_collections.cdnops.cdn.plugins.module_utils._jdcdn import REFRESH_ARGUMENT_SPEC, JdcdnClient


def main():
    module = AnsibleModule(argument_spec=REFRESH_ARGUMENT_SPEC, required_one_of=SUBMIT_REQUIRED_ONE_OF,
                           supports_check_mode=True)
    run(module, connect(module, JdcdnClient))


if __name__ == '__main__':
    main()
