# Copyright (c) 2026, cdnops.cdn contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
name: _refresh_task_ids
short_description: "[INTERNAL] The task IDs of the cdn_refresh role's refresh calls, failed calls included"
version_added: 0.1.0
author:
  - cdnops.cdn contributors
description:
  - B(Internal to the cdnops.cdn.cdn_refresh role.) Its behaviour may change in any release.
  - Every task ID of a registered loop of C(cdnops.cdn.alicdn_refresh) or C(cdnops.cdn.jdcdn_refresh), once each, in
    order, including those of a call that failed part way (its C(task_ids), else the IDs of its C(batches)), so that
    what was submitted is waited for.
positional: _input
options:
  _input:
    description: The registered result of the loop (C(results) holds one module result per set); may be undefined
      or skipped.
    type: raw
    required: true
"""

EXAMPLES = r"""
- name: Wait for every task the role submitted to Alibaba
  cdnops.cdn.alicdn_refresh_info:
    task_ids: "{{ cdn_refresh__alicdn | cdnops.cdn._refresh_task_ids }}"
"""

RETURN = r"""
_value:
  description: The task IDs.
  type: list
  elements: str
"""

from collections.abc import Mapping


def _split(task_id):
    """A batch's task_id: one ID, or several joined by commas (a call the vendor split into several tasks)."""
    if task_id is None:
        return []
    return [part.strip() for part in str(task_id).split(',') if part.strip()]


def result_task_ids(result):
    """The task IDs of one module result (a dict): its task_ids, else those of its batches."""
    if not isinstance(result, Mapping):
        return []
    ids = [str(task_id) for task_id in result.get('task_ids') or []]
    for batch in result.get('batches') or []:
        if isinstance(batch, Mapping):
            ids.extend(_split(batch.get('task_id')))
            ids.extend(str(task_id) for task_id in batch.get('task_ids') or [])
    return ids


def refresh_task_ids(registered):
    """Every task ID of a registered loop result ({'results': [module result, ...]}), once each, in order."""
    if not isinstance(registered, Mapping):
        return []
    ids = {}
    for result in registered.get('results') or []:
        for task_id in result_task_ids(result):
            ids[task_id] = None
    return list(ids)


class FilterModule:
    """The cdn_refresh role's task ID reader."""

    def filters(self):
        return {'_refresh_task_ids': refresh_task_ids}
