#!/usr/bin/python
# Copyright (c) 2026, cdnops.cdn contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: alicdn_prefetch
short_description: Prefetch (warm) URLs into the Alibaba Cloud CDN cache
version_added: 0.1.0
description:
  - Submits Alibaba Cloud CDN C(PushObjectCache) calls for a list of file URLs, so that the CDN fetches them from the
    origin before the first visitors ask for them, split into as few calls as the per-call limits allow (100 URLs and at
    most 10 domains per call).
  - Before the first call it validates and normalises every URL and checks today's prefetch quota
    (C(DescribeRefreshQuota) C(PreloadRemain), 1,000 URLs a day by default), failing without sending anything when the
    URLs do not fit. If the credentials may not read the quota (C(Forbidden.RAM)), it warns and prefetches without the
    check.
  - When Alibaba's prefetch queue is full (C(PreloadQueueFull)), the call is retried with backoff like a throttled one;
    if the queue is still full after the last attempt, the module fails and lists what was not submitted.
  - It can wait for the tasks to finish (polling C(DescribeRefreshTaskById), 10 task IDs per call, as for refresh tasks)
    and fails naming the URLs whose prefetch failed. A prefetch takes about 5 to 30 minutes.
  - If a call fails part way, the result still lists the batches that were submitted (with their task IDs) and the URLs
    that were not, so nothing is lost silently.
  - Besides C(https://host/path) and C(http://host/path), O(paths) may be C(host/path) without a scheme, as Alibaba accepts
    (Alibaba reads it as C(http://)). That form needs a host name with a dot, then C(/); C(index.html), C(css/site.css)
    and C(www.example.com) alone are refused, naming the path, so a file name is never sent as a domain.
author:
  - cdnops.cdn maintainers (@cdnops)
extends_documentation_fragment:
  - cdnops.cdn._common
  - cdnops.cdn._common.prefetch
  - cdnops.cdn._common.large_lists
  - cdnops.cdn._common.attributes_prefetch
  - cdnops.cdn._alicdn
  - cdnops.cdn._alicdn.actiongroup
options:
  area:
    description:
      - Where to prefetch (C(Area)). V(domestic) warms the points of presence in the Chinese mainland, V(overseas) those
        outside it.
      - If not set, Alibaba prefetches to the domain's own acceleration region.
    type: str
    choices: [domestic, overseas]
  l2_preload:
    description:
      - Prefetch to the L2 points of presence (C(L2Preload=true)) as well. By default Alibaba prefetches only to the tier
        that fetches from the origin.
    type: bool
    default: false
  headers:
    description:
      - Request headers Alibaba sends with the prefetch requests (C(WithHeader)), for example C(Accept-Encoding) so that
        the variant visitors ask for is the one cached.
      - Each key is a header name, each value a string or a list of strings (a string is sent as a list of one).
        Quote numbers and booleans in YAML.
      - If not set, Alibaba sends its default, C(Accept-Encoding) with the value V(gzip).
    type: dict
seealso:
  - module: cdnops.cdn.alicdn_refresh
  - module: cdnops.cdn.alicdn_refresh_info
  - name: PushObjectCache API reference
    description: Alibaba Cloud's documentation of the call this module makes.
    link: https://www.alibabacloud.com/help/en/cdn/developer-reference/api-cdn-2018-05-10-pushobjectcache
  - name: Refresh and prefetch limits
    description: The daily quotas and per-call limits this module batches to.
    link: https://www.alibabacloud.com/help/en/cdn/user-guide/refresh-and-prefetch-resources
"""

EXAMPLES = r"""
- name: Refresh the pages of a release and wait until the refresh is complete
  cdnops.cdn.alicdn_refresh:
    paths: "{{ release_urls }}"
    wait: true
  delegate_to: localhost
  run_once: true

- name: Then warm them, so that the CDN takes the first miss instead of the visitors
  cdnops.cdn.alicdn_prefetch:
    paths: "{{ release_urls }}"
  delegate_to: localhost
  run_once: true

- name: Prefetch the compressed variants to the mainland and wait until Alibaba reports them complete
  cdnops.cdn.alicdn_prefetch:
    paths:
      - https://static.example.com/js/app.js
      - https://static.example.com/css/site.css
    area: domestic
    headers:
      Accept-Encoding: [gzip, br]
    wait: true
    wait_timeout: 1800
  delegate_to: localhost
  run_once: true
  register: prefetch

- name: Show the prefetch task IDs
  ansible.builtin.debug:
    var: prefetch.task_ids

- name: Warm every URL of a long list, one a line (the file is read by the module, not templated)
  cdnops.cdn.alicdn_prefetch:
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
    - One entry per C(PushObjectCache) call that was submitted (in check mode, that would be submitted).
    - On failure, only the calls that were submitted.
  returned: always
  type: list
  elements: dict
  contains:
    object_type:
      description: Always V(file); only files are prefetched.
      type: str
      sample: file
    paths:
      description: The URLs of the call.
      type: list
      elements: str
    task_id:
      description: The C(PushTaskId) Alibaba returned; several IDs are comma-separated. V(null) in check mode.
      type: str
      sample: '17532441324'
    request_id:
      description: Alibaba's C(RequestId) of the call, for support tickets. V(null) in check mode and when the answer
        was lost.
      type: str
      sample: D61E4801-EAFF-4A63-AAE1-FBF6CE1CFD1C
    recovery:
      description:
        - V(null) for a call that was answered.
        - V(found) when the call's answer was lost and C(DescribeRefreshTasks) found the tasks that hold its URLs
          (RV(batches[].task_id) lists them); the module warns. Only the URLs no task holds are sent again, once.
      type: str
      sample: found
task_ids:
  description: Every prefetch task ID, once each.
  returned: always
  type: list
  elements: str
  sample: ['17532441324', '17532441325']
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
  description: Paths the vendor reported as already queued. Always empty for Alibaba, which has no such answer.
  returned: always
  type: list
  elements: str
quota:
  description: Today's prefetch quota before this run, from C(DescribeRefreshQuota) (C(PreloadQuota), C(PreloadRemain)).
  returned: when there was something to prefetch and the quota could be read
  type: dict
  contains:
    object_type:
      description: Always V(prefetch), the quota this is.
      type: str
      sample: prefetch
    limit:
      description: The daily limit.
      type: int
      sample: 1000
    remaining:
      description: What was left today before this run.
      type: int
      sample: 900
    needed:
      description: What this run uses.
      type: int
      sample: 250
    unread_reason:
      description:
        - Why the quota could not be read (for example a RAM policy without C(cdn:DescribeRefreshQuota)); then
          RV(quota.limit) and RV(quota.remaining) are V(null), the quota was not checked, and the module warns.
      type: str
      returned: when the quota could not be read
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
      description: Average progress of the task's URLs, in percent.
      type: float
      sample: 100.0
    reason:
      description: Alibaba's failure description, for example C(Origin Timeout); V(null) if none failed.
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
      description: The URLs of the task whose prefetch failed.
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

from ansible_collections.cdnops.cdn.plugins.module_utils._alicdn import PREFETCH_ARGUMENT_SPEC, AlicdnPrefetchClient
from ansible_collections.cdnops.cdn.plugins.module_utils._runner import SUBMIT_REQUIRED_ONE_OF, connect, run


def main():
    module = AnsibleModule(argument_spec=PREFETCH_ARGUMENT_SPEC, required_one_of=SUBMIT_REQUIRED_ONE_OF,
                           supports_check_mode=True)
    run(module, connect(module, AlicdnPrefetchClient), operation='prefetch', object_type='file')


if __name__ == '__main__':
    main()
