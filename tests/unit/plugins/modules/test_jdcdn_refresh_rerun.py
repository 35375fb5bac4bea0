# Copyright (c) 2026, cdnops.cdn contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""jdcdn_refresh after a lost answer and with addresses already queued (issue 9), against the sandbox, exact counts.

JD has no lookup by URL: a call whose answer was lost is sent once more; a status 47 then means the lost call was
accepted. The number of calls stays the minimum plus one per lost answer, never a bisection storm.
"""

from __future__ import annotations

import pytest

from ansible_collections.cdnops.cdn.plugins.modules import jdcdn_refresh
from ansible_collections.cdnops.cdn.tests.unit.plugins.modules.clock import FakeClock, use_clock
from ansible_collections.cdnops.cdn.tests.unit.plugins.modules.utils import run_module


@pytest.fixture
def credentials(monkeypatch):
    monkeypatch.setenv('JDCDN_USERNAME', 'sandbox_user')
    monkeypatch.setenv('JDCDN_SECRET_KEY', 'sandbox-demo-secret')


@pytest.fixture
def fast(monkeypatch):
    """The module's waits (the re-send's short pause, retries) take no real time."""
    use_clock(monkeypatch, FakeClock())


def refresh_calls(sandbox):
    return [entry for entry in sandbox.requests if entry['action'] == 'refresh']


def urls(count, host='www.example.com'):
    return ['https://%s/static/%d.css' % (host, number) for number in range(count)]


def jd_task_urls(sandbox):
    """Every URL of every JD refresh task the sandbox holds, with repetitions."""
    return [url for row in sandbox.tasks['jdcdn'] if row['kind'] == 'refresh' for url in row['urls']]


def warned(result, text):
    return any(text in str(warning) for warning in result.get('warnings', []))


def test_lost_answer_250_urls_bounded_calls_honest_result(sandbox, credentials, fast):
    sandbox.set_config(task_delay=60)
    paths = urls(250)
    sandbox.inject_fault(vendor='jdcdn', action='refresh', kind='lost', times=1)
    result, dummy = run_module(jdcdn_refresh, dict(paths=paths, endpoint=sandbox.url))

    assert not result.get('failed') and result['changed'] is True
    calls = refresh_calls(sandbox)
    assert len(calls) == 4                                   # 3 batches + 1 re-send, no split
    assert sorted((call['fault'] or '', call['code']) for call in calls) == [('', 0), ('', 0), ('', 47), ('lost', 0)]
    assert sorted(jd_task_urls(sandbox)) == sorted(paths)    # every URL in exactly one JD task
    (recovered,) = [batch for batch in result['batches'] if batch['recovery'] == 'queued']
    assert recovered['task_id'] is None and len(recovered['paths']) in (100, 50)
    assert sorted(path for batch in result['batches'] for path in batch['paths']) == sorted(paths)
    assert len(result['task_ids']) == 2 and None not in result['task_ids']
    assert result['not_submitted'] == [] and result['already_queued'] == [] and result['unconfirmed'] == []
    assert warned(result, 'the lost call was accepted') and warned(result, 'task_id null')


def test_lost_answer_with_wait_says_what_could_not_be_waited_for(sandbox, credentials):
    sandbox.set_config(task_delay=3)     # still queued when sent again (within 1 s), done while waiting
    sandbox.inject_fault(vendor='jdcdn', action='refresh', kind='lost', times=1)
    result, dummy = run_module(jdcdn_refresh, dict(paths=urls(150), endpoint=sandbox.url, wait=True, wait_timeout=30))

    assert not result.get('failed') and result['changed']
    assert len(result['tasks']) == 1 and result['tasks'][0]['status'] == 'complete'
    assert warned(result, 'could not be waited for')


def test_a_fault_before_processing_is_sent_once_more(sandbox, credentials, fast):
    sandbox.inject_fault(vendor='jdcdn', action='refresh', kind='drop', times=1)
    result, dummy = run_module(jdcdn_refresh, dict(paths=urls(250), endpoint=sandbox.url))

    assert not result.get('failed') and len(refresh_calls(sandbox)) == 4
    assert len(result['task_ids']) == 3 and all(batch['recovery'] is None for batch in result['batches'])
    assert sorted(jd_task_urls(sandbox)) == sorted(urls(250))


def test_two_lost_answers_fail_with_the_paths_unconfirmed(sandbox, credentials, fast, monkeypatch):
    monkeypatch.setattr('ansible_collections.cdnops.cdn.plugins.module_utils._jdcdn.JdcdnClient.submit_concurrency', 1)
    sandbox.set_config(task_delay=60)
    sandbox.inject_fault(vendor='jdcdn', action='refresh', kind='drop', times=2, nth=2)
    result, dummy = run_module(jdcdn_refresh, dict(paths=urls(250), endpoint=sandbox.url))

    assert result['failed'] and result['changed']
    assert len(refresh_calls(sandbox)) == 3                 # batch 1, batch 2 twice; batch 3 never started
    assert result['unconfirmed'] == urls(250)[100:200] and result['not_submitted'] == urls(250)[200:]
    assert [batch['paths'] for batch in result['batches']] == [urls(250)[:100]]
    assert '100 paths unconfirmed' in result['msg'] and '50 paths not submitted' in result['msg']


def test_wait_with_every_address_already_queued_warns_instead_of_claiming_a_wait(sandbox, credentials):
    sandbox.set_config(task_delay=60)
    run_module(jdcdn_refresh, dict(paths=urls(3), endpoint=sandbox.url))
    result, dummy = run_module(jdcdn_refresh, dict(paths=urls(3), endpoint=sandbox.url, wait=True))

    assert not result.get('failed') and result['changed'] is False and result['already_queued'] == urls(3)
    assert 'tasks' not in result and 'every task completed' not in result['msg']
    assert result['msg'] == 'Submitted 0 paths of file refresh (1 batch in 5 calls); 3 paths already queued.'
    assert warned(result, '3 paths already queued by an earlier refresh') and warned(result, 'could not be waited for')
