# Copyright (c) 2026, cdnops.cdn contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""jdcdn_refresh_info end to end: the real main() against the sandbox."""

from __future__ import annotations

import pytest

from ansible_collections.cdnops.cdn.plugins.modules import jdcdn_refresh, jdcdn_refresh_info
from ansible_collections.cdnops.cdn.tests.unit.plugins.modules.utils import run_module


@pytest.fixture
def credentials(monkeypatch):
    monkeypatch.setenv('JDCDN_USERNAME', 'sandbox_user')
    monkeypatch.setenv('JDCDN_SECRET_KEY', 'sandbox-demo-secret')


def submit(sandbox, paths):
    result, dummy = run_module(jdcdn_refresh, dict(paths=paths, endpoint=sandbox.url))
    return result['task_ids']


@pytest.mark.parametrize('check_mode', [False, True])
def test_tasks_by_id(sandbox, credentials, check_mode):
    sandbox.set_config(fail_patterns=['/broken/'], task_delay=60)
    good = submit(sandbox, ['https://www.example.com/a.css'])
    bad = submit(sandbox, ['https://www.example.com/broken/b.css'])
    result, dummy = run_module(jdcdn_refresh_info, dict(task_ids=good + bad, endpoint=sandbox.url), check_mode=check_mode)
    assert result['changed'] is False
    assert result['tasks'] == [
        dict(task_id=good[0], status='running', progress=0.0, reason=None, created=None, paths=[], failed_paths=[]),
        dict(task_id=bad[0], status='running', progress=0.0, reason=None, created=None, paths=[], failed_paths=[])]
    sandbox.advance_clock(61)
    result, dummy = run_module(jdcdn_refresh_info, dict(task_ids=good + bad, endpoint=sandbox.url), check_mode=check_mode)
    assert result['tasks'] == [
        dict(task_id=good[0], status='complete', progress=100.0, reason=None, created=None, paths=[], failed_paths=[]),
        dict(task_id=bad[0], status='failed', progress=0.0, reason='Failed', created=None, paths=[], failed_paths=[])]
    assert [entry['action'] for entry in sandbox.requests] == ['refresh', 'refresh'] + ['refreshQuery'] * 4


def test_unknown_task_id_fails_clearly(sandbox, credentials):
    result, dummy = run_module(jdcdn_refresh_info, dict(task_ids=['93820486-226d-459b-b33f-5124b566cab7'], endpoint=sandbox.url))
    assert result['failed']
    assert result['msg'].startswith('/api/refreshQuery failed (HTTP 200, code 1): Failed (')
    assert 'JD does not know the task ID for this username' in result['msg']


def test_wrong_secret_names_no_secret(sandbox, monkeypatch):
    monkeypatch.setenv('JDCDN_USERNAME', 'sandbox_user')
    monkeypatch.setenv('JDCDN_SECRET_KEY', 'not-the-secret')
    result, output = run_module(jdcdn_refresh_info, dict(task_ids=['x'], endpoint=sandbox.url))
    assert result['failed'] and 'code 7' in result['msg']
    assert 'not-the-secret' not in output


def test_missing_credentials(sandbox):
    result, dummy = run_module(jdcdn_refresh_info, dict(task_ids=['x'], endpoint=sandbox.url))
    assert result['failed'] and 'JDCDN_USERNAME, JDCDN_SECRET_KEY' in result['msg']
    assert sandbox.requests == []


def test_task_ids_are_required(credentials):
    result, dummy = run_module(jdcdn_refresh_info, dict())
    assert result['failed'] and 'task_ids' in result['msg']


def test_no_task_ids_no_request(sandbox, credentials):
    result, dummy = run_module(jdcdn_refresh_info, dict(task_ids=[], endpoint=sandbox.url))
    assert (result['changed'], result['tasks']) == (False, [])
    assert sandbox.requests == []
