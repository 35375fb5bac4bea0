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
  - It can wait for the tasks to finish (polling C(POST /api/refreshQuery), one call per task) and fails naming the paths
    whose refresh failed.
  - If a call fails part way, the result still lists the batches that were submitted (with their task IDs) and the paths
    that were not, so nothing is lost silently.
author:
  - cdnops.cdn maintainers (@cdnops)
extends_documentation_fragment:
  - cdnops.cdn.common
  - cdnops.cdn.common.refresh
  - cdnops.cdn.common.attributes_refresh
  - cdnops.cdn.jdcdn
  - cdnops.cdn.jdcdn.actiongroup
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
    - name: Refresh every URL of a release list (batched to 100 per call)
      cdnops.cdn.jdcdn_refresh:
        paths: "{{ lookup('ansible.builtin.file', 'release-urls.txt').splitlines() }}"
      delegate_to: localhost
      run_once: true
"""

RETURN = r"""
paths:
  description: The normalised, de-duplicated paths, in the order given.
  returned: always
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
task_ids:
  description: Every refresh task ID, once each.
  returned: always
  type: list
  elements: str
  sample: [93820486-226d-459b-b33f-5124b566cab7]
not_submitted:
  description: The paths that were not submitted because a call failed. Empty on success.
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
    paths:
      description: The paths of the task.
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
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.cdnops.cdn.plugins.module_utils._engine import connect, run_refresh
from ansible_collections.cdnops.cdn.plugins.module_utils._jdcdn import REFRESH_ARGUMENT_SPEC, JdcdnClient


def main():
    module = AnsibleModule(argument_spec=REFRESH_ARGUMENT_SPEC, supports_check_mode=True)
    run_refresh(module, connect(module, JdcdnClient))


if __name__ == '__main__':
    main()
