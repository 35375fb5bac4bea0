#!/usr/bin/python
# Copyright (c) 2026, cdnops.cdn contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: alicdn_refresh
short_description: Refresh (purge) cached URLs and directories on Alibaba Cloud CDN
version_added: 0.1.0
description:
  - Submits Alibaba Cloud CDN C(RefreshObjectCaches) calls for a list of URLs, directories or regular expressions,
    split into as few calls as the per-call limits allow (1000 URLs, 100 directories or 1 regular expression, and at most
    10 domains per call).
  - Before the first call it validates and normalises every path and checks C(DescribeRefreshQuota), failing without
    sending anything when the paths do not fit in what is left of today's quota. If the credentials may not read the
    quota (C(Forbidden.RAM)), it warns and refreshes without the check.
  - It can wait for the tasks to finish (polling C(DescribeRefreshTaskById), 10 task IDs per call) and fails naming the
    paths whose refresh failed.
  - If a call fails part way, the result still lists the batches that were submitted (with their task IDs) and the paths
    that were not, so nothing is lost silently.
  - With O(refreshed_after) it first asks C(DescribeRefreshTasks), per domain and page by page, which paths already have
    a refresh task of the same O(object_type) created at or after that time, and submits only the others, so that a
    re-run after a failed or interrupted refresh finishes it and a re-run after a successful one sends nothing.
  - A C(RefreshObjectCaches) call whose answer was lost (the connection dropped or timed out after the request was sent,
    or a 5xx that may follow processing) is never sent again blindly. The module looks its task up with
    C(DescribeRefreshTasks) (created since a minute before the call), adopts the tasks it finds, and sends again, once,
    only the paths that no task holds.
  - URLs are paced to O(domain_urls_per_minute) per domain per minute, and a C(QuotaPerMinuteExceeded.Refresh) answer
    waits for the next minute and sends the batch again, within O(pacing_timeout); every call is spaced to Alibaba's
    documented calls per second.
  - Besides C(https://host/path) and C(http://host/path), O(paths) may be C(host/path) without a scheme, as Alibaba accepts
    (Alibaba reads it as C(http://)). That form needs a host name with a dot, then C(/); C(index.html), C(css/site.css)
    and C(www.example.com) alone are refused, naming the path, so a file name is never sent as a domain.
    With O(object_type=regex) the paths are sent as written, after trimming and the host check.
author:
  - cdnops.cdn maintainers (@cdnops)
extends_documentation_fragment:
  - cdnops.cdn._common
  - cdnops.cdn._common.refresh
  - cdnops.cdn._common.large_lists
  - cdnops.cdn._common.attributes_refresh
  - cdnops.cdn._alicdn
  - cdnops.cdn._alicdn.actiongroup
options:
  object_type:
    description:
      - V(file) refreshes the given URLs.
      - V(directory) refreshes everything under each path; every path must end with C(/).
      - V(regex) refreshes the URLs matching each regular expression (one per call, 20 a day by default).
      - V(ignore_params) refreshes the URLs ignoring their query string (C(IgnoreParams)).
    type: str
    choices: [file, directory, regex, ignore_params]
    default: file
  force:
    description:
      - With V(directory), V(regex) or V(ignore_params), refresh every matching resource even if it has not changed at the
        origin (C(Force=true)). Alibaba ignores it for V(file).
    type: bool
    default: false
  refreshed_after:
    description:
      - Skip the paths that already have a refresh task of the same O(object_type), created at or after this time, that
        is refreshing or complete (not failed); they are returned in RV(already_refreshed). When every path is covered,
        nothing is sent, the quota is not read, and RV(ignore:changed) is V(false). Only the paths left count against the
        quota.
      - An ISO 8601 date-time with a time zone, V(Z) or an offset, for example V(2026-11-30T08:00:00Z) or
        V(2026-11-30T16:00:00+08:00) (a space may replace the V(T); seconds and a fraction are optional), or epoch
        seconds, as a number or a string of digits (V(1764489600), V(1764489600.5), for example a file's C(stat.ctime)).
        Anything else, a date-time without a time zone included, fails naming the value before any call. An empty
        string is the same as not setting it.
      - Alibaba keeps tasks for 3 days. An older time is moved to 3 days ago (less 5 minutes) with a warning; tasks
        created before that are unknown, so their paths are refreshed again.
      - Give the time the new content was in place at the origin, the same on every re-run of a release. A task
        created before that may have fetched the old content, so a time too early can skip a path that needs
        refreshing, and a time too late only refreshes again. Task creation times are Alibaba's clock, to the second,
        compared with the time as given (keep clocks right with NTP).
      - Needs C(cdn:DescribeRefreshTasks) in the RAM policy. Tasks are looked up per domain (C(DomainName) and
        C(ObjectType)), page by page, within 5 calls a second; for V(ignore_params), whose task type Alibaba does not
        document, in one search over every domain's tasks of the time window.
    type: raw
  domain_urls_per_minute:
    description:
      - The account's limit of URLs refreshed per domain per minute (V(file) and V(ignore_params)); Alibaba documents
        10,000 (1,000 in older documents and on some accounts).
      - A batch whose domain would pass it in the current minute waits for the next minute (counted by the controller's
        clock). A batch holds at most this many URLs of one domain.
    type: int
    default: 10000
  pacing_timeout:
    description:
      - The longest time, in seconds from the first submission, that batches may wait for a per-minute limit
        (O(domain_urls_per_minute), or Alibaba's C(QuotaPerMinuteExceeded.Refresh) answer). A batch that would have to
        wait longer is not sent; the module fails, listing it in RV(not_submitted).
      - RV(paced_seconds) says how long pacing waited.
    type: int
    default: 600
seealso:
  - module: cdnops.cdn.alicdn_refresh_info
  - name: RefreshObjectCaches API reference
    description: Alibaba Cloud's documentation of the call this module makes.
    link: https://www.alibabacloud.com/help/en/cdn/developer-reference/api-cdn-2018-05-10-refreshobjectcaches
  - name: Refresh and prefetch limits
    description: The daily quotas and per-call limits this module batches to.
    link: https://www.alibabacloud.com/help/en/cdn/user-guide/refresh-and-prefetch-resources
"""

EXAMPLES = r"""
- name: Refresh two files after a deploy (credentials from ALIBABA_CLOUD_ACCESS_KEY_ID / _SECRET)
  cdnops.cdn.alicdn_refresh:
    paths:
      - https://www.example.com/index.html
      - https://www.example.com/css/site.css
  delegate_to: localhost
  run_once: true

- name: Refresh two directories and wait until Alibaba reports them complete
  cdnops.cdn.alicdn_refresh:
    paths:
      - https://static.example.com/img/
      - https://static.example.com/js/
    object_type: directory
    wait: true
    wait_timeout: 900
  delegate_to: localhost
  run_once: true
  register: refresh

- name: Show the task IDs
  ansible.builtin.debug:
    var: refresh.task_ids

- name: Refresh what a release changed; a re-run sends only what no task since the release has refreshed
  cdnops.cdn.alicdn_refresh:
    paths: "{{ release_urls }}"
    refreshed_after: "{{ release_started_at }}"    # for example 2026-11-30T08:00:00Z
    domain_urls_per_minute: 1000                    # the account's limit, if lower than 10,000
  delegate_to: localhost
  run_once: true

- name: Set the credentials once for every cdnops.cdn module of the play
  module_defaults:
    group/cdnops.cdn.alicdn:
      access_key_id: "{{ vault_alicdn_access_key_id }}"
      access_key_secret: "{{ vault_alicdn_access_key_secret }}"
  block:
    - name: Refresh every URL listed in a file, one a line (read by the module; batched to 1000 per call)
      cdnops.cdn.alicdn_refresh:
        paths_file: "{{ playbook_dir }}/release-urls.txt"
      delegate_to: localhost
      run_once: true
"""

RETURN = r"""
path_count:
  description:
    - How many normalised, de-duplicated paths were given (in O(paths) and O(paths_file)), invalid ones not counted.
    - Each of them is in one of RV(batches), RV(not_submitted), RV(unconfirmed), RV(already_queued) or RV(already_refreshed).
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
    - One entry per C(RefreshObjectCaches) call that was submitted (in check mode, that would be submitted).
    - On failure, only the calls that were submitted.
  returned: always
  type: list
  elements: dict
  contains:
    object_type:
      description: The O(object_type) of the call.
      type: str
      sample: file
    paths:
      description: The paths of the call.
      type: list
      elements: str
    task_id:
      description: The C(RefreshTaskId) Alibaba returned; several IDs are comma-separated. V(null) in check mode.
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
        - V(found) when the call's answer was lost and C(DescribeRefreshTasks) found the tasks that hold its paths
          (RV(batches[].task_id) lists them); the module warns.
      type: str
      sample: found
task_ids:
  description: Every refresh task ID, once each.
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
already_refreshed:
  description:
    - With O(refreshed_after), the paths that were not submitted because a task of the same O(object_type) created at
      or after it holds them (refreshing or complete), in the order of RV(paths). Empty without O(refreshed_after).
  returned: always
  type: list
  elements: dict
  contains:
    path:
      description: The normalised path.
      type: str
      sample: https://www.example.com/index.html
    task_ids:
      description: The IDs of the tasks that hold it, newest first.
      type: list
      elements: str
      sample: ['17532441324']
    created:
      description: When the newest of them was created, UTC ISO 8601.
      type: str
      sample: '2026-11-30T08:00:02Z'
already_queued:
  description: Paths the vendor reported as already queued. Always empty for Alibaba, which has no such answer.
  returned: always
  type: list
  elements: str
quota:
  description: Today's quota for O(object_type) before this run, from C(DescribeRefreshQuota).
  returned: when there was something to refresh and the quota could be read
  type: dict
  contains:
    object_type:
      description: The O(object_type) the quota is for.
      type: str
    limit:
      description: The daily limit.
      type: int
      sample: 10000
    remaining:
      description: What was left today before this run.
      type: int
      sample: 9000
    needed:
      description: What this run uses.
      type: int
      sample: 2500
    unread_reason:
      description:
        - Why the quota could not be read (for example a RAM policy without C(cdn:DescribeRefreshQuota)); then
          RV(quota.limit) and RV(quota.remaining) are V(null), the quota was not checked, and the module warns.
      type: str
      returned: when the quota could not be read
tasks:
  description:
    - The state of every task when the module stopped waiting.
    - With O(refreshed_after), the tasks of RV(already_refreshed) that were still refreshing are waited for too.
  returned: when O(wait=true) and something was submitted or is still refreshing
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
      description: Average progress of the task's paths, in percent.
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
      description: The paths of the task.
      returned: when O(return_paths=true) (RV(batches) lists the paths of each task otherwise)
      type: list
      elements: str
    failed_paths:
      description: The paths of the task whose refresh failed.
      type: list
      elements: str
failed_paths:
  description: Every path of RV(paths) whose refresh failed.
  returned: when O(wait=true) and something was submitted or is still refreshing
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

from ansible_collections.cdnops.cdn.plugins.module_utils._alicdn import REFRESH_ARGUMENT_SPEC, AlicdnClient
from ansible_collections.cdnops.cdn.plugins.module_utils._runner import SUBMIT_REQUIRED_ONE_OF, connect, run


def main():
    module = AnsibleModule(argument_spec=REFRESH_ARGUMENT_SPEC, required_one_of=SUBMIT_REQUIRED_ONE_OF,
                           supports_check_mode=True)
    run(module, connect(module, AlicdnClient))


if __name__ == '__main__':
    main()
