# Copyright (c) 2026, cdnops.cdn contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations


class ModuleDocFragment:

    # Connection options of every module that calls a CDN API.
    DOCUMENTATION = r"""
options:
  timeout:
    description:
      - Seconds to wait for one HTTP request (connect and read) before it counts as failed.
      - Failed requests are retried as described in the notes.
    type: int
    default: 30
  validate_certs:
    description:
      - Verify the endpoint's TLS certificate. Leave it on except against a test endpoint.
    type: bool
    default: true
  ca_path:
    description:
      - A PEM file of CA certificates to verify the endpoint with, for example a corporate proxy's private CA.
    type: path
requirements:
  - requests >= 2.25 (on the host that runs the module, normally the controller or the execution environment)
notes:
  - Network errors, HTTP 5xx and the vendor's throttling answers are retried up to 5 attempts in all, with exponential
    backoff and jitter (about 30 seconds at worst), honouring the server's retry hint. Other errors fail at once.
  - The module talks to the vendor's API from the host it runs on. Run it once, on the controller (C(delegate_to) set to
    C(localhost) with C(run_once)), as the role C(cdnops.cdn.cdn_refresh) does, or from an ad-hoc command against C(localhost).
"""

    # Options of the refresh modules.
    REFRESH = r"""
options:
  paths:
    description:
      - The URLs or directories to refresh.
      - Each is trimmed, its scheme and host are lower-cased (international host names become IDNA), and characters a
        URL cannot carry literally (spaces, non-ASCII, C(#), ...) are percent-encoded as UTF-8. An existing C(%XX)
        escape is kept as it is, so an already encoded URL is never encoded twice; C(?), C(&) and C(=) are kept.
      - Duplicates are dropped, keeping the first occurrence.
      - Every path is validated before the first request, and the module fails naming every bad path, so bad input
        never leaves half a refresh behind.
      - An empty list refreshes nothing and reports RV(ignore:changed=false).
      - From an ad-hoc command, separate paths with commas, or pass a JSON list when a URL contains a comma.
      - O(paths), O(paths_file) or both are required; together, O(paths) come first, then the lines of the file, and a
        path given twice is refreshed once.
    type: list
    elements: str
  wait:
    description:
      - Wait until every submitted task has finished.
      - The module fails, naming the paths, if a task failed, and fails with what is done and what is not if
        O(wait_timeout) passes first.
    type: bool
    default: false
  wait_timeout:
    description:
      - Seconds to wait when O(wait=true). The task status is polled 1, 2, 4 and 8 seconds apart, then every 10
        seconds, reading only the tasks still running.
    type: int
    default: 600
"""

    # Options of the modules that take a list of paths (refresh and prefetch), for large lists.
    LARGE_LISTS = r"""
options:
  paths_file:
    description:
      - A text file listing more paths, one a line, read by the module on the host it runs on (the controller, with
        C(delegate_to) set to C(localhost)), so that a long list does not pass through Ansible's templating and
        argument checks. Use it for thousands of URLs.
      - UTF-8 (a byte order mark is allowed), any line ending. Each line is trimmed; blank lines and lines whose first
        character is C(#) are skipped (a URL never starts with C(#)).
      - Each line is validated and normalised exactly as an item of O(paths). An error names the file, the line number
        and the value; every bad line is reported at once and nothing is sent.
      - A file that cannot be read (missing, a directory, no permission) or is not UTF-8 fails the module before any
        request. A relative path is relative to the module's working directory; give an absolute one, for example
        V({{ playbook_dir }}/urls.txt).
      - A file with no path in it is the same as an empty O(paths) list.
    type: path
  return_paths:
    description:
      - Also return RV(paths) (every normalised path, in the order given) and each task's RV(tasks[].paths).
      - Off by default, so that the result carries each URL once (in RV(batches), RV(not_submitted) and the like); with
        a large list, the repeated lists would be most of what the module returns and Ansible prints.
    type: bool
    default: false
"""

    ATTRIBUTES_REFRESH = r"""
attributes:
  check_mode:
    description: Can run in check_mode and return changed status prediction without modifying the target.
    support: full
    details:
      - Validates, normalises and batches the paths and reads the quota where the vendor has one, sends no refresh,
        and returns the batches it would submit.
  diff_mode:
    description: Returns details on what has changed (or would change in check mode) when in diff mode.
    support: full
    details:
      - The diff lists the normalised paths that are (or would be) refreshed.
  idempotent:
    description: When run twice in a row with the same arguments, the second run reports no change.
    support: none
    details:
      - A refresh is an action, not a state. Every run with paths submits new refresh tasks and reports a change.
        Refresh only when something changed, for example from a handler, as the role C(cdnops.cdn.cdn_refresh) does.
"""

    # Options of the prefetch modules.
    PREFETCH = r"""
options:
  paths:
    description:
      - The URLs of the files to prefetch (warm), so that the CDN, not the first visitors, fetches them from the origin.
      - Each is trimmed, its scheme and host are lower-cased (international host names become IDNA), and characters a
        URL cannot carry literally (spaces, non-ASCII, C(#), ...) are percent-encoded as UTF-8. An existing C(%XX)
        escape is kept as it is, so an already encoded URL is never encoded twice; C(?), C(&) and C(=) are kept.
      - Only single URLs can be prefetched. A path containing C(*) looks like a regular expression or a wildcard and fails
        the module, naming the path; write a C(*) that is part of a file name as C(%2A). A URL ending with C(/) is the
        page the origin serves for it (for example a site's home page) and is prefetched as such.
      - Duplicates are dropped, keeping the first occurrence.
      - Every path is validated before the first request, and the module fails naming every bad path, so bad input
        never leaves half a prefetch behind.
      - An empty list prefetches nothing and reports RV(ignore:changed=false).
      - From an ad-hoc command, separate paths with commas, or pass a JSON list when a URL contains a comma.
      - O(paths), O(paths_file) or both are required; together, O(paths) come first, then the lines of the file, and a
        URL given twice is prefetched once.
    type: list
    elements: str
  wait:
    description:
      - Wait until every submitted prefetch task has finished.
      - The module fails, naming the paths, if a task failed, and fails with what is done and what is not if
        O(wait_timeout) passes first.
    type: bool
    default: false
  wait_timeout:
    description:
      - Seconds to wait when O(wait=true). The task status is polled 1, 2, 4 and 8 seconds apart, then every 10
        seconds, reading only the tasks still running.
    type: int
    default: 600
notes:
  - Prefetch only after the refresh of the same URLs has completed. A prefetch that lands while the refresh is still
    running is wasted, as the refresh purges what it fetched. Run the refresh module with O(wait=true) first, as the
    role C(cdnops.cdn.cdn_refresh) does.
"""

    ATTRIBUTES_PREFETCH = r"""
attributes:
  check_mode:
    description: Can run in check_mode and return changed status prediction without modifying the target.
    support: full
    details:
      - Validates, normalises and batches the paths and reads the quota where the vendor has one, sends no prefetch,
        and returns the batches it would submit.
  diff_mode:
    description: Returns details on what has changed (or would change in check mode) when in diff mode.
    support: full
    details:
      - The diff lists the normalised URLs that are (or would be) prefetched.
  idempotent:
    description: When run twice in a row with the same arguments, the second run reports no change.
    support: none
    details:
      - A prefetch is an action, not a state. Every run with paths submits new prefetch tasks and reports a change.
"""

    ATTRIBUTES_INFO = r"""
attributes:
  check_mode:
    description: Can run in check_mode and return changed status prediction without modifying the target.
    support: full
    details:
      - The module only reads, so it runs the same way in check mode.
  diff_mode:
    description: Returns details on what has changed (or would change in check mode) when in diff mode.
    support: N/A
  idempotent:
    description: When run twice in a row with the same arguments, the second run reports no change.
    support: full
"""
