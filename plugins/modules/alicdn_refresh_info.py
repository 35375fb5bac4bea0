#!/usr/bin/python
# Copyright (c) 2026, cdnops.cdn contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: alicdn_refresh_info
short_description: Read Alibaba Cloud CDN refresh and prefetch tasks and today's quotas
version_added: 0.1.0
description:
  - Returns today's refresh quota (C(DescribeRefreshQuota)) for every object type, and today's prefetch quota.
  - Returns the state of refresh or prefetch tasks given by ID (C(DescribeRefreshTaskById), 10 IDs per call) or by path
    (C(DescribeRefreshTasks)). Alibaba keeps tasks for 3 days.
  - Sends only read-only calls.
author:
  - cdnops.cdn maintainers (@cdnops)
extends_documentation_fragment:
  - cdnops.cdn._common
  - cdnops.cdn._common.attributes_info
  - cdnops.cdn._alicdn
  - cdnops.cdn._alicdn.actiongroup
options:
  task_type:
    description:
      - Which tasks O(paths) finds. V(refresh) finds the tasks of M(cdnops.cdn.alicdn_refresh), V(prefetch) those of
        M(cdnops.cdn.alicdn_prefetch) (C(DescribeRefreshTasks) with C(ObjectType=preload)).
      - O(task_ids) finds refresh and prefetch tasks alike whatever this is set to, as Alibaba's task query does.
    type: str
    choices: [refresh, prefetch]
    default: refresh
  task_ids:
    description:
      - Refresh or prefetch task IDs, for example RV(cdnops.cdn.alicdn_refresh#module:task_ids) of an earlier refresh or
        RV(cdnops.cdn.alicdn_prefetch#module:task_ids) of an earlier prefetch.
    type: list
    elements: str
    default: []
  paths:
    description:
      - Paths whose refresh tasks (with O(task_type=prefetch), prefetch tasks) of the last 3 days to return. They are
        normalised as M(cdnops.cdn.alicdn_refresh) does, so the same text finds the tasks it submitted.
    type: list
    elements: str
    default: []
  quota:
    description:
      - Also read today's refresh and prefetch quotas (one C(DescribeRefreshQuota) call). Turn it off when polling tasks
        in a loop.
    type: bool
    default: true
seealso:
  - module: cdnops.cdn.alicdn_refresh
  - module: cdnops.cdn.alicdn_prefetch
  - name: DescribeRefreshTaskById API reference
    description: Alibaba Cloud's documentation of the task query this module makes.
    link: https://www.alibabacloud.com/help/en/cdn/developer-reference/api-cdn-2018-05-10-describerefreshtaskbyid
"""

EXAMPLES = r"""
- name: How much refresh quota is left today?
  cdnops.cdn.alicdn_refresh_info:
  delegate_to: localhost
  run_once: true
  register: cdn

- name: Stop before a big refresh that would not fit
  ansible.builtin.assert:
    that: cdn.quota.file.remaining >= 5000
    fail_msg: "Only {{ cdn.quota.file.remaining }} URL refreshes left today"

- name: Wait until an earlier refresh has finished (without submitting anything)
  cdnops.cdn.alicdn_refresh_info:
    task_ids: "{{ refresh.task_ids }}"
  delegate_to: localhost
  run_once: true
  register: status
  until: status.tasks | rejectattr('status', 'in', ['complete', 'failed']) | list | length == 0
  retries: 30
  delay: 10

- name: Find the prefetch tasks of the last 3 days for the home page
  cdnops.cdn.alicdn_refresh_info:
    task_type: prefetch
    paths:
      - https://www.example.com/index.html
    quota: false
  delegate_to: localhost
  run_once: true
  register: warmed
"""

RETURN = r"""
quota:
  description: Today's refresh quota per object type, and the prefetch quota.
  returned: when O(quota=true)
  type: dict
  contains:
    file:
      description: URL refreshes (C(UrlQuota), C(UrlRemain)), as a dict with C(limit) and C(remaining).
      type: dict
      sample: {limit: 10000, remaining: 9000}
    directory:
      description: Directory refreshes (C(DirQuota), C(DirRemain)).
      type: dict
    regex:
      description: Regular-expression refreshes (C(RegexQuota), C(RegexRemain)).
      type: dict
    ignore_params:
      description: Refreshes ignoring parameters (C(IgnoreParamsQuota), C(IgnoreParamsRemain)).
      type: dict
    prefetch:
      description: URL prefetches (C(PreloadQuota), C(PreloadRemain)), as a dict with C(limit) and C(remaining).
      type: dict
      sample: {limit: 1000, remaining: 750}
tasks:
  description: One entry per task, those asked for by ID first.
  returned: success
  type: list
  elements: dict
  contains:
    task_id:
      description: The task ID.
      type: str
    status:
      description: V(complete), V(failed) or V(running). A task Alibaba does not know (yet) is V(running) with no paths.
      type: str
    progress:
      description: Average progress of the task's paths, in percent.
      type: float
    reason:
      description: Alibaba's failure description, V(null) if no path failed.
      type: str
    created:
      description: When the task was created, UTC ISO 8601; V(null) where the vendor does not tell (JD).
      type: str
      sample: '2026-11-30T08:00:00Z'
    paths:
      description: The paths of the task.
      type: list
      elements: str
    failed_paths:
      description: The paths whose refresh or prefetch failed.
      type: list
      elements: str
credential_source:
  description:
    - Where the credentials came from, never a secret.
    - "V(options); V(environment (ALIBABA_CLOUD_*)) or V(environment (ALICLOUD_*)); C(profile 'NAME' of PATH) (an
      C(EcsRamRole) profile adds C(: ECS RAM role 'ROLE')); C(ECS RAM role 'ROLE'); each followed by
      C(+ AssumeRole ARN) when a role was assumed on top (a C(RamRoleArn) profile's own role included)."
  returned: when credentials were found, also on failure
  type: str
  sample: "profile 'prod' of /home/deploy/.aliyun/config.json + AssumeRole acs:ram::123456789012:role/cdn-refresh"
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

from ansible_collections.cdnops.cdn.plugins.module_utils._alicdn import INFO_ARGUMENT_SPEC, AlicdnClient, describe
from ansible_collections.cdnops.cdn.plugins.module_utils._runner import connect, run_info


def main():
    module = AnsibleModule(argument_spec=INFO_ARGUMENT_SPEC, supports_check_mode=True)
    client = connect(module, AlicdnClient)
    params = module.params
    run_info(module, describe, client, params['task_ids'], params['paths'], params['quota'], params['task_type'],
             facts=client.result_facts())


if __name__ == '__main__':
    main()
