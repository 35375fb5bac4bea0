# Copyright (c) 2026, cdnops.cdn contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The task IDs the cdn_refresh role waits for."""

from __future__ import annotations

from ansible_collections.cdnops.cdn.plugins.filter._refresh_task_ids import FilterModule, refresh_task_ids


def test_the_filter_is_exposed_under_its_private_name():
    assert FilterModule().filters() == {'_refresh_task_ids': refresh_task_ids}


def test_every_task_id_once_in_order_failed_calls_included():
    registered = {'results': [
        {'task_ids': ['1', '2'], 'batches': [{'task_id': '1,2', 'paths': ['a']}]},
        # a call that failed part way: its batches name what was submitted
        {'failed': True, 'msg': 'x', 'batches': [{'task_id': '3', 'paths': ['b']}, {'task_id': ' 4 , 5 ', 'paths': []}]},
        {'task_ids': ['2', '6']},
        # check mode: batches without task IDs
        {'task_ids': [], 'batches': [{'task_id': None, 'paths': ['c']}]},
        {'failed': True, 'msg': 'failed before the module ran'},
    ]}
    assert refresh_task_ids(registered) == ['1', '2', '3', '4', '5', '6']


def test_skipped_or_undefined_loops_have_no_task_ids():
    assert refresh_task_ids({'results': [], 'skipped': True}) == []
    assert refresh_task_ids({}) == []
    assert refresh_task_ids(None) == []
