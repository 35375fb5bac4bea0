# Copyright (c) 2026, cdnops.cdn contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""alicdn_refresh re-run, retried and run big (issue 9), against the sandbox with exact counts.

refreshed_after (paths already refreshed are not sent again), no duplicate after a lost answer (the task is looked up
and adopted), and pacing to the per-domain per-minute URL limit. Tests that wait for minutes use a fake clock shared
by the module and the sandbox, so they take no real minutes.
"""

from __future__ import annotations

import collections
import time

import pytest

import cdn_sandbox  # tests/sandbox, on sys.path through conftest.py

from ansible_collections.cdnops.cdn.plugins.module_utils import _alicdn
from ansible_collections.cdnops.cdn.plugins.modules import alicdn_prefetch, alicdn_refresh
from ansible_collections.cdnops.cdn.tests.unit.plugins.conftest import ALICDN_KEY_ID, ALICDN_SECRET
from ansible_collections.cdnops.cdn.tests.unit.plugins.modules.clock import FakeClock, minute_start, use_clock
from ansible_collections.cdnops.cdn.tests.unit.plugins.modules.utils import run_module


def refresh(sandbox, paths, check_mode=False, **options):
    args = dict(paths=paths, endpoint=sandbox.url, access_key_id=ALICDN_KEY_ID, access_key_secret=ALICDN_SECRET)
    args.update(options)
    result, output = run_module(alicdn_refresh, args, check_mode=check_mode)
    assert ALICDN_SECRET not in output
    return result


def calls(sandbox, action=None):
    return [request for request in sandbox.requests if action in (None, request['action'])]


def sent_paths(call):
    return call['params']['ObjectPath'].split('\n')


def accepted_paths(sandbox):
    """Every path of every RefreshObjectCaches call the sandbox accepted, with repetitions."""
    return [path for call in calls(sandbox, 'RefreshObjectCaches') if call['code'] is None for path in sent_paths(call)]


def task_paths(sandbox):
    """Every ObjectPath of every refresh task row the sandbox holds, with repetitions."""
    return [row['ObjectPath'] for row in sandbox.tasks['alicdn'] if row['ObjectType'] != 'preload']


def urls(count, host='www.example.com'):
    return ['https://%s/static/%d.js' % (host, number) for number in range(count)]


def max_calls_in_a_second(entries):
    """The most request-log entries in any interval (t - 1 s, t] of the server clock, as the vendor counts them."""
    times = sorted(entry['time'] for entry in entries)
    return max(sum(1 for other in times if time_ - 1 < other <= time_) for time_ in times)


def warned(result, text):
    """Whether a warning of the result contains `text` (ansible-core 2.19+ returns them as structured summaries)."""
    return any(text in str(warning) for warning in result.get('warnings', []))


def iso(epoch):
    return time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime(epoch))


@pytest.fixture
def clock(monkeypatch):
    """A fake clock 10 s into a calendar minute, used by the module; RefreshObjectCaches one at a time, so that a
    sleep in one thread (which moves the shared clock) cannot land in the middle of another's call."""
    fake = FakeClock(start=minute_start())
    use_clock(monkeypatch, fake)
    monkeypatch.setattr(_alicdn.AlicdnClient, 'submit_concurrency', 1)
    return fake


@pytest.fixture
def limited(clock):
    """The sandbox on the fake clock, with the seed's limit of 1,000 URLs per domain per minute."""
    with cdn_sandbox.Sandbox(port=0, task_delay=0.2, clock=clock.now, alicdn_url_per_minute=1000) as server:
        yield server


# -- Done when: 1,500 URLs, 1,000 per domain per minute ---------------------------------------------------------


def test_1500_urls_on_one_domain_finish_in_two_minute_windows_each_sent_once(limited, clock):
    paths = urls(1500)
    result = refresh(limited, paths, domain_urls_per_minute=1000)

    assert not result.get('failed') and result['changed'] and result['not_submitted'] == []
    submitted = calls(limited, 'RefreshObjectCaches')
    assert [(call['code'], len(sent_paths(call))) for call in submitted] == [(None, 1000), (None, 500)]
    windows = [int(call['time'] // 60) for call in submitted]
    assert windows[1] == windows[0] + 1, 'the second batch goes in the next minute window'
    assert sorted(accepted_paths(limited)) == sorted(paths) == sorted(task_paths(limited))
    assert 49 <= result['paced_seconds'] <= 52     # from :10 to one second into the next minute
    assert sorted(path for batch in result['batches'] for path in batch['paths']) == sorted(paths)


def test_a_per_minute_refusal_waits_for_the_next_minute_and_sends_nothing_twice(limited, clock):
    # The option says 10,000 (the default), the account allows 1,000: the second batch is refused, waits, goes through.
    paths = urls(1500)
    result = refresh(limited, paths)

    assert not result.get('failed') and result['not_submitted'] == []
    submitted = calls(limited, 'RefreshObjectCaches')
    assert [(call['code'], len(sent_paths(call))) for call in submitted] == [
        (None, 1000), ('QuotaPerMinuteExceeded.Refresh', 500), (None, 500)]
    assert int(submitted[2]['time'] // 60) == int(submitted[0]['time'] // 60) + 1
    assert sorted(accepted_paths(limited)) == sorted(paths) == sorted(task_paths(limited))
    assert result['paced_seconds'] >= 49 and result['retries'] == 0


def test_someone_elses_refresh_in_the_same_minute_is_waited_out(limited, clock):
    refresh(limited, urls(800))
    second = ['https://www.example.com/other/%d.css' % number for number in range(500)]
    result = refresh(limited, second, domain_urls_per_minute=1000)

    assert not result.get('failed') and result['changed']
    codes = [call['code'] for call in calls(limited, 'RefreshObjectCaches')]
    assert codes == [None, 'QuotaPerMinuteExceeded.Refresh', None]
    assert sorted(task_paths(limited)) == sorted(urls(800) + second)


def test_pacing_is_bounded_by_pacing_timeout(limited, clock):
    paths = urls(1500)
    result = refresh(limited, paths, domain_urls_per_minute=1000, pacing_timeout=30)

    assert result['failed'] and result['changed']
    assert result['error']['action'] == 'pacing' and 'pacing_timeout=30s' in result['msg']
    assert [len(batch['paths']) for batch in result['batches']] == [1000]
    assert sorted(result['not_submitted'] + result['batches'][0]['paths']) == sorted(paths)
    assert len(calls(limited, 'RefreshObjectCaches')) == 1


def test_domain_urls_per_minute_below_1000_makes_smaller_batches(limited, clock):
    result = refresh(limited, urls(450) + urls(100, 'img.example.com'), domain_urls_per_minute=200)

    assert not result.get('failed')
    sizes = [collections.Counter(path.split('/')[2] for path in sent_paths(call))
             for call in calls(limited, 'RefreshObjectCaches')]
    assert all(count <= 200 for size in sizes for count in size.values())
    assert sum(sum(size.values()) for size in sizes) == 550
    assert len({int(call['time'] // 60) for call in calls(limited, 'RefreshObjectCaches')}) == 3


def test_directories_are_not_paced_per_minute(limited, clock):
    limited.set_config(alicdn_quota=dict(dir=1000))
    result = refresh(limited, ['https://www.example.com/d%d/' % number for number in range(300)],
                     object_type='directory', domain_urls_per_minute=1)
    assert not result.get('failed') and result['paced_seconds'] < 1 and len(calls(limited, 'RefreshObjectCaches')) == 3


def test_domain_urls_per_minute_must_be_positive(sandbox):
    result = refresh(sandbox, urls(1), domain_urls_per_minute=0)
    assert result['failed'] and 'domain_urls_per_minute must be at least 1' in result['msg'] and sandbox.requests == []


# -- Done when: the first answer lost; a second run with the same refreshed_after -------------------------------


def test_lost_answer_300_urls_end_up_in_one_task_named_and_a_rerun_sends_nothing(sandbox):
    paths = urls(300)
    before = iso(time.time() - 5)
    sandbox.inject_fault(vendor='alicdn', action='RefreshObjectCaches', kind='lost', times=1)
    result = refresh(sandbox, paths, refreshed_after=before)

    assert not result.get('failed') and result['changed'] is True
    assert [call['fault'] for call in calls(sandbox, 'RefreshObjectCaches')] == ['lost']
    rows = sandbox.tasks['alicdn']
    assert sorted(row['ObjectPath'] for row in rows) == sorted(paths)       # each path in exactly one task
    task_of = {row['ObjectPath']: row['TaskId'] for row in rows}
    assert sorted(result['task_ids']) == sorted(set(task_of.values()))      # one, unless a second ticked mid-call
    assert sorted(path for batch in result['batches'] for path in batch['paths']) == sorted(paths)
    for batch in result['batches']:
        assert batch['recovery'] == 'found' and batch['request_id'] is None
        assert all(task_of[path] in batch['task_id'].split(',') for path in batch['paths'])
    assert result['not_submitted'] == [] and result['unconfirmed'] == [] and result['already_refreshed'] == []
    assert warned(result, 'answer to the submission was lost')
    # one lookup for refreshed_after (nothing yet: 1 page), then 3 pages of 100 rows to find the lost call's task
    assert len(calls(sandbox, 'DescribeRefreshTasks')) == 4

    # A re-run is a new module run: it starts at least its start-up (0.3 s) after this one ended, which keeps both
    # runs' look-ups within 5 a second (docs/decisions.md, the pacer). This in-process re-run has no start-up, so it
    # waits until a second after this run's last look-up: then the count below does not depend on the machine's speed.
    time.sleep(max(0.0, calls(sandbox, 'DescribeRefreshTasks')[-1]['time'] + 1.0 - sandbox.now()))
    count = len(sandbox.requests)
    again = refresh(sandbox, paths, refreshed_after=before)

    assert not again.get('failed') and again['changed'] is False
    new = sandbox.requests[count:]
    assert {call['action'] for call in new} == {'DescribeRefreshTasks'} and len(new) == 3
    assert max_calls_in_a_second(calls(sandbox, 'DescribeRefreshTasks')) <= 5      # both runs
    assert [(entry['path'], entry['task_ids']) for entry in again['already_refreshed']] == [
        (path, [task_of[path]]) for path in paths]
    assert {entry['created'] for entry in again['already_refreshed']} <= {row['CreationTime'] for row in rows}
    assert again['batches'] == [] and again['task_ids'] == [] and again['not_submitted'] == []
    assert again['msg'] == 'Nothing to refresh: 300 paths already refreshed after %s (%s).' % (
        before, '1 task' if len(result['task_ids']) == 1 else '%d tasks' % len(result['task_ids']))


def test_late_answer_past_the_timeout_is_adopted_not_sent_again(sandbox):
    sandbox.inject_fault(vendor='alicdn', action='RefreshObjectCaches', kind='late', times=1, delay=2)
    result = refresh(sandbox, urls(3), timeout=1)

    assert not result.get('failed') and result['changed']
    assert len(calls(sandbox, 'RefreshObjectCaches')) == 1
    assert result['batches'][0]['recovery'] == 'found' and result['batches'][0]['paths'] == urls(3)
    assert sorted(task_paths(sandbox)) == sorted(urls(3))


def test_lost_answer_of_one_of_three_batches(sandbox):
    paths = urls(1000, 'a.example.com') + urls(1000, 'b.example.com') + urls(500, 'c.example.com')
    sandbox.inject_fault(vendor='alicdn', action='RefreshObjectCaches', kind='lost', times=1, nth=2)
    result = refresh(sandbox, paths)

    assert not result.get('failed') and result['not_submitted'] == []
    assert len(calls(sandbox, 'RefreshObjectCaches')) == 3
    assert sorted(task_paths(sandbox)) == sorted(paths)
    adopted = [path for batch in result['batches'] if batch['recovery'] == 'found' for path in batch['paths']]
    assert len(adopted) in (1000, 500)      # the batch whose answer was lost, whichever it was
    assert sorted(path for batch in result['batches'] for path in batch['paths']) == sorted(paths)
    assert sorted(result['task_ids']) == sorted({row['TaskId'] for row in sandbox.tasks['alicdn']})


def test_lost_answer_then_the_lookup_fails_reports_the_paths_as_unconfirmed(sandbox, monkeypatch):
    fake = FakeClock()
    use_clock(monkeypatch, fake)
    sandbox.inject_fault(vendor='alicdn', action='RefreshObjectCaches', kind='lost', times=1)
    sandbox.inject_fault(vendor='alicdn', action='DescribeRefreshTasks', kind='throttle', times=5)
    result = refresh(sandbox, urls(5))

    assert result['failed'] and result['changed'] is True
    assert result['unconfirmed'] == urls(5) and result['not_submitted'] == [] and result['batches'] == []
    assert 'looking for its task failed' in result['msg'] and '5 paths unconfirmed' in result['msg']
    assert 'not submitted' not in result['msg']   # (none was: no "0 paths not submitted")
    assert len(calls(sandbox, 'RefreshObjectCaches')) == 1


def test_lost_answer_twice_resends_once_and_stays_bounded(sandbox):
    # drop: closed before processing, so the lookup finds nothing each time; one re-send, then give up honestly.
    sandbox.inject_fault(vendor='alicdn', action='RefreshObjectCaches', kind='drop', times=2)
    result = refresh(sandbox, urls(5))

    assert result['failed'] and result['changed'] is False
    assert [call['action'] for call in calls(sandbox)] == [
        'DescribeRefreshQuota', 'RefreshObjectCaches', 'DescribeRefreshTasks', 'RefreshObjectCaches',
        'DescribeRefreshTasks']
    assert result['not_submitted'] == urls(5) and result['unconfirmed'] == [] and task_paths(sandbox) == []


# -- refreshed_after -----------------------------------------------------------------------------------------


def test_refreshed_after_sends_only_the_paths_without_a_task(sandbox):
    before = iso(time.time() - 5)
    refresh(sandbox, urls(5)[:3])
    result = refresh(sandbox, urls(5), refreshed_after=before)

    assert not result.get('failed') and result['changed']
    second = calls(sandbox, 'RefreshObjectCaches')[-1]
    assert sent_paths(second) == urls(5)[3:]
    assert [entry['path'] for entry in result['already_refreshed']] == urls(5)[:3]
    assert result['quota']['needed'] == 2 and result['not_submitted'] == []
    assert 'Submitted 2 paths of file refresh' in result['msg'] and '3 paths already refreshed after' in result['msg']


def test_refreshed_after_later_than_the_task_refreshes_again(sandbox):
    refresh(sandbox, urls(2))
    sandbox.advance_clock(10)
    later = iso(sandbox.now() - 1)
    result = refresh(sandbox, urls(2), refreshed_after=later)
    assert result['changed'] and result['already_refreshed'] == [] and len(calls(sandbox, 'RefreshObjectCaches')) == 2


def test_a_failed_path_is_not_already_refreshed(sandbox):
    sandbox.set_config(fail_patterns=['broken'])
    paths = ['https://www.example.com/ok.js', 'https://www.example.com/broken.js']
    before = iso(sandbox.now() - 5)
    refresh(sandbox, paths)
    sandbox.advance_clock(1)     # past task_delay: broken.js is Failed
    result = refresh(sandbox, paths, refreshed_after=before)
    assert [entry['path'] for entry in result['already_refreshed']] == paths[:1]
    assert sent_paths(calls(sandbox, 'RefreshObjectCaches')[-1]) == paths[1:]


def test_another_object_type_does_not_cover(sandbox):
    before = iso(time.time() - 5)
    refresh(sandbox, urls(2))
    result = refresh(sandbox, urls(2), object_type='ignore_params', refreshed_after=before)
    assert result['changed'] and result['already_refreshed'] == []
    assert sent_paths(calls(sandbox, 'RefreshObjectCaches')[-1]) == urls(2)


def test_ignore_params_is_looked_up_without_an_object_type(sandbox):
    before = iso(time.time() - 5)
    refresh(sandbox, urls(2), object_type='ignore_params')
    count = len(sandbox.requests)
    result = refresh(sandbox, [url + '?v=2' for url in urls(2)], object_type='ignore_params', refreshed_after=before)

    assert result['changed'] is False and [entry['path'] for entry in result['already_refreshed']] == urls(2)
    (lookup,) = sandbox.requests[count:]
    assert lookup['action'] == 'DescribeRefreshTasks'
    assert 'ObjectType' not in lookup['params'] and 'DomainName' not in lookup['params']


def test_refreshed_after_running_task_is_waited_for(sandbox):
    sandbox.set_config(task_delay=1.5)
    before = iso(time.time() - 5)
    first = refresh(sandbox, urls(2))
    result = refresh(sandbox, urls(2), refreshed_after=before, wait=True, wait_timeout=30)

    assert not result.get('failed') and result['changed'] is False
    assert [task['task_id'] for task in result['tasks']] == first['task_ids']
    assert result['tasks'][0]['status'] == 'complete' and result['msg'].endswith(', and every task completed.')


def test_lookups_are_per_domain_and_within_5_calls_a_second(monkeypatch):
    fake = FakeClock()
    use_clock(monkeypatch, fake)
    with cdn_sandbox.Sandbox(port=0, task_delay=0.2, clock=fake.now) as paced:
        paths = [path for number in range(12) for path in urls(3, 'd%d.example.com' % number)]
        result = refresh(paced, paths, refreshed_after=iso(fake.now() - 60))

        lookups = calls(paced, 'DescribeRefreshTasks')
        assert len(lookups) == 12 and all(call['code'] is None for call in lookups)
        assert sorted(call['params']['DomainName'] for call in lookups) == sorted('d%d.example.com' % n for n in range(12))
        assert all(call['params']['ObjectType'] == 'file' for call in lookups)
        assert max_calls_in_a_second(lookups) <= 5
        assert result['changed'] and not result.get('failed')


def test_refreshed_after_older_than_3_days_warns_and_refreshes(monkeypatch):
    fake = FakeClock()
    use_clock(monkeypatch, fake)
    with cdn_sandbox.Sandbox(port=0, task_delay=0.2, clock=fake.now) as server:
        refresh(server, urls(2))
        fake.sleep(4 * 24 * 3600)
        result = refresh(server, urls(2), refreshed_after=iso(fake.now() - 5 * 24 * 3600))
        assert result['changed'] and result['already_refreshed'] == []
        assert warned(result, 'further back than the 72 hours')
        assert len(calls(server, 'RefreshObjectCaches')) == 2


@pytest.mark.parametrize('value', ['2026-11-30T08:00:00', 'yesterday', '2026-13-01T00:00:00Z', True, '-5',
                                   '1764489600000'])
def test_a_refreshed_after_that_is_not_a_point_in_time_is_refused_before_any_call(sandbox, value):
    result = refresh(sandbox, urls(1), refreshed_after=value)
    assert result['failed'] and 'refreshed_after=%r is not a point in time' % (value,) in result['msg']
    assert sandbox.requests == [] and result['not_submitted'] == urls(1)


@pytest.mark.parametrize('shape', ['iso', 'offset', 'epoch', 'epoch_text'])
def test_refreshed_after_forms(sandbox, shape):
    refresh(sandbox, urls(1))
    moment = sandbox.now() - 60
    value = dict(iso=iso(moment), offset=time.strftime('%Y-%m-%dT%H:%M:%S+08:00', time.gmtime(moment + 8 * 3600)),
                 epoch=moment, epoch_text='%.3f' % moment)[shape]
    result = refresh(sandbox, urls(1), refreshed_after=value)
    assert result['changed'] is False and len(result['already_refreshed']) == 1


def test_check_mode_looks_up_and_plans_only_what_is_left(sandbox):
    before = iso(time.time() - 5)
    refresh(sandbox, urls(4)[:1])
    result = refresh(sandbox, urls(4), check_mode=True, refreshed_after=before)
    assert result['changed'] and [batch['paths'] for batch in result['batches']] == [urls(4)[1:]]
    assert len(result['already_refreshed']) == 1 and len(calls(sandbox, 'RefreshObjectCaches')) == 1


def test_without_refreshed_after_nothing_is_looked_up(sandbox):
    result = refresh(sandbox, urls(2))
    assert result['already_refreshed'] == [] and calls(sandbox, 'DescribeRefreshTasks') == []


def test_refreshed_after_in_the_future_warns_and_refreshes(sandbox):
    result = refresh(sandbox, urls(1), refreshed_after=iso(time.time() + 3600))
    assert result['changed'] and warned(result, 'is in the future')


def test_a_failed_lookup_for_refreshed_after_sends_nothing(sandbox):
    sandbox.inject_fault(vendor='alicdn', action='DescribeRefreshTasks', kind='quota', times=1)
    result = refresh(sandbox, urls(3), refreshed_after=iso(time.time() - 60))
    assert result['failed'] and not result['changed']
    assert 'looking for tasks created after refreshed_after failed, so nothing was sent' in result['msg']
    assert result['not_submitted'] == urls(3) and calls(sandbox, 'RefreshObjectCaches') == []
    assert result['error']['action'] == 'DescribeRefreshTasks'


def test_a_lost_prefetch_answer_is_found_among_the_preload_tasks(sandbox):
    sandbox.inject_fault(vendor='alicdn', action='PushObjectCache', kind='lost', times=1)
    args = dict(paths=urls(150), endpoint=sandbox.url, access_key_id=ALICDN_KEY_ID, access_key_secret=ALICDN_SECRET)
    result, dummy = run_module(alicdn_prefetch, args)

    assert not result.get('failed') and result['changed'] and result['not_submitted'] == []
    assert len(calls(sandbox, 'PushObjectCache')) == 2                  # 100 + 50, one of them lost, none sent twice
    lookups = calls(sandbox, 'DescribeRefreshTasks')
    assert lookups and all(call['params']['ObjectType'] == 'preload' for call in lookups)
    rows = [row['ObjectPath'] for row in sandbox.tasks['alicdn'] if row['ObjectType'] == 'preload']
    assert sorted(rows) == sorted(urls(150))
    assert [batch['recovery'] for batch in result['batches']].count('found') >= 1
    assert sorted(path for batch in result['batches'] for path in batch['paths']) == sorted(urls(150))
