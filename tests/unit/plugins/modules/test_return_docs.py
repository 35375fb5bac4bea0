# Copyright (c) 2026, cdnops.cdn contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The RETURN docs the vendor modules share stay identical (RETURN fragments need a newer ansible-core)."""

from __future__ import annotations

import pytest
import yaml

from ansible_collections.cdnops.cdn.plugins.modules import (
    alicdn_prefetch, alicdn_refresh, alicdn_refresh_info, jdcdn_prefetch, jdcdn_refresh, jdcdn_refresh_info)

SUBMIT_MODULES = [alicdn_refresh, jdcdn_refresh, alicdn_prefetch, jdcdn_prefetch]
ALL_MODULES = SUBMIT_MODULES + [alicdn_refresh_info, jdcdn_refresh_info]


def returns(module):
    return yaml.safe_load(module.RETURN)


@pytest.mark.parametrize('key, modules', [
    ('error', ALL_MODULES),
    ('not_submitted', SUBMIT_MODULES),
    ('unconfirmed', SUBMIT_MODULES),
    ('api_calls', SUBMIT_MODULES),
    ('retries', SUBMIT_MODULES),
    ('paced_seconds', SUBMIT_MODULES),
    ('credential_source', [alicdn_refresh, alicdn_refresh_info, alicdn_prefetch]),
])
def test_shared_return_values_are_documented_identically(key, modules):
    documented = [returns(module)[key] for module in modules]
    assert all(doc == documented[0] for doc in documented)


def test_every_module_documents_the_same_task_shape():
    shapes = {module.__name__: sorted(returns(module)['tasks']['contains']) for module in ALL_MODULES}
    assert len(set(map(tuple, shapes.values()))) == 1, shapes
    assert sorted(shapes['ansible_collections.cdnops.cdn.plugins.modules.alicdn_refresh']) == [
        'created', 'failed_paths', 'paths', 'progress', 'reason', 'status', 'task_id']
