#!/usr/bin/python
# Copyright (c) 2026, cdnops.cdn contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: jdcdn_refresh_info
short_description: Read the state of JD Cloud CDN refresh and prefetch tasks
version_added: 0.1.0
description:
  - Returns the state of refresh tasks given by ID, one C(POST /api/refreshQuery) call per task (JD's legacy opencdn API),
    or with O(task_type=prefetch) of prefetch tasks, one C(POST /api/prefetchQuery) call per task; up to 4 calls
    run at once.
  - JD does not say which paths a task refreshed or prefetched, so unlike RV(cdnops.cdn.jdcdn_refresh#module:tasks) the
    tasks carry no paths.
  - Sends only read-only calls.
author:
  - cdnops.cdn maintainers (@cdnops)
extends_documentation_fragment:
  - cdnops.cdn._common
  - cdnops.cdn._common.attributes_info
  - cdnops.cdn._jdcdn
  - cdnops.cdn._jdcdn.actiongroup
options:
  task_type:
    description:
      - What kind of tasks O(task_ids) are. JD keeps refresh and prefetch tasks apart and has one query for each.
      - V(refresh) reads tasks of M(cdnops.cdn.jdcdn_refresh) (C(/api/refreshQuery)), V(prefetch) tasks of
        M(cdnops.cdn.jdcdn_prefetch) (C(/api/prefetchQuery)).
    type: str
    choices: [refresh, prefetch]
    default: refresh
  task_ids:
    description:
      - Refresh task IDs, for example RV(cdnops.cdn.jdcdn_refresh#module:task_ids) of an earlier refresh, or with
        O(task_type=prefetch) prefetch task IDs, for example RV(cdnops.cdn.jdcdn_prefetch#module:task_ids).
      - The module fails if JD does not know one of them for O(username) (or it is a task of the other O(task_type)).
    type: list
    elements: str
    required: true
seealso:
  - module: cdnops.cdn.jdcdn_refresh
  - module: cdnops.cdn.jdcdn_prefetch
  - name: JD Cloud CDN open API, query refresh
    description: JD's documentation of the refresh task query this module makes.
    link: https://github.com/jdcloudcom/en/blob/master/documentation/Storage-and-CDN/CDN/API-Reference/CDN-Open-API/Query-refresh.md
  - name: JD Cloud CDN open API, query prefetch
    description: JD's documentation of the prefetch task query this module makes with O(task_type=prefetch).
    link: https://github.com/jdcloudcom/en/blob/master/documentation/Storage-and-CDN/CDN/API-Reference/CDN-Open-API/Query-prefetch.md
"""

EXAMPLES = r"""
- name: Wait until an earlier refresh has finished (without submitting anything)
  cdnops.cdn.jdcdn_refresh_info:
    task_ids: "{{ refresh.task_ids }}"
  delegate_to: localhost
  run_once: true
  register: status
  until: status.tasks | rejectattr('status', 'in', ['complete', 'failed']) | list | length == 0
  retries: 30
  delay: 10

- name: Fail if any of them failed
  ansible.builtin.assert:
    that: status.tasks | selectattr('status', 'equalto', 'failed') | list | length == 0
    fail_msg: "JD failed to refresh task(s) {{ status.tasks | selectattr('status', 'equalto', 'failed') | map(attribute='task_id') | join(', ') }}"

- name: Read the state of an earlier prefetch
  cdnops.cdn.jdcdn_refresh_info:
    task_type: prefetch
    task_ids: "{{ prefetch.task_ids }}"
  delegate_to: localhost
  run_once: true
  register: warmed
"""

RETURN = r"""
tasks:
  description: One entry per task, in the order of O(task_ids).
  returned: success
  type: list
  elements: dict
  contains:
    task_id:
      description: The task ID.
      type: str
      sample: 93820486-226d-459b-b33f-5124b566cab7
    status:
      description: V(complete), V(failed) or V(running).
      type: str
      sample: complete
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
      description: Always empty; JD's query does not tell a task's paths.
      type: list
      elements: str
    failed_paths:
      description: Always empty; JD's query does not tell a task's paths.
      type: list
      elements: str
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

from ansible_collections.cdnops.cdn.plugins.module_utils._runner import connect, run_info
from ansible_collections.cdnops.cdn.plugins.module_utils._jdcdn import INFO_ARGUMENT_SPEC, JdcdnClient


def main():
    module = AnsibleModule(argument_spec=INFO_ARGUMENT_SPEC, supports_check_mode=True)
    client = connect(module, JdcdnClient)
    params = module.params
    run_info(module, lambda: dict(tasks=client.read_tasks(params['task_type'], params['task_ids'])))


if __name__ == '__main__':
    main()
