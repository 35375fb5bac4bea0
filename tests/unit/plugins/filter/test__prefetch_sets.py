# Copyright (c) 2026, cdnops.cdn contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""What the cdn_refresh role prefetches, from its sets and the registered results of its refresh and wait loops."""

from __future__ import annotations

from ansible_collections.cdnops.cdn.plugins.filter._prefetch_sets import FilterModule, prefetch_sets
from ansible_collections.cdnops.cdn.plugins.filter._refresh_sets import refresh_sets

SITE = 'https://www.example.com'
ALI = {'cdn_refresh_provider': 'alicdn', 'cdn_refresh_base_url': SITE}
JD = {'cdn_refresh_provider': 'jdcdn', 'cdn_refresh_base_url': 'https://static.example.cn'}


def loop(*results):
    return {'changed': True, 'msg': 'All items completed', 'results': list(results)}


def refreshed(paths, task_id='170000001', object_type='file', **extra):
    """A module result that submitted `paths` in one batch (task_id None: no task ID known)."""
    result = {'changed': True, 'failed': False, 'item': {'object_type': object_type, 'paths': paths, 'hosts': 1},
              'paths': paths, 'task_ids': [task_id] if task_id else [], 'not_submitted': [], 'already_queued': [],
              'batches': [{'object_type': object_type, 'paths': paths, 'task_id': task_id, 'request_id': None}]}
    result.update(extra)
    return result


def polled(*tasks):
    return loop({'failed': False, 'tasks': [{'task_id': 'x', 'status': 'running'}]}, {'failed': False, 'tasks': list(tasks)})


def task(task_id, status, **extra):
    return dict({'task_id': task_id, 'status': status, 'progress': 100.0 if status == 'complete' else 0.0}, **extra)


def sets_for(hostvars, **role):
    result = refresh_sets(sorted(hostvars), hostvars, **role)
    assert result['problems'] == []
    return result


def pages(plan, provider='alicdn'):
    return [url for item in plan[provider] for url in item['paths']]


def test_the_filter_is_exposed_under_its_private_name():
    assert FilterModule().filters() == {'_prefetch_sets': prefetch_sets}


def test_true_prefetches_the_file_urls_the_run_refreshed_once_every_task_is_complete():
    sets = sets_for({'web1': dict(ALI, cdn_refresh_paths=['/a.html', '/b.html', {'path': '/img/', 'object_type': 'directory'}]),
                     'web2': dict(ALI, cdn_refresh_paths=['/b.html', '/c.html'])}, prefetch=True)
    files = [SITE + '/a.html', SITE + '/b.html', SITE + '/c.html']
    plan = prefetch_sets(sets, {'alicdn': loop(refreshed(files), refreshed([SITE + '/img/'], '170000002', 'directory'))},
                         {'alicdn': polled(task('170000001', 'complete'), task('170000002', 'complete'))})
    assert plan == {'alicdn': [{'object_type': 'file', 'paths': files, 'hosts': 2}], 'jdcdn': [], 'notes': [],
                    'blocked': ''}


def test_urls_are_compared_in_the_form_the_modules_send():
    sets = sets_for({'web1': dict(ALI, cdn_refresh_paths=['/caf\u00e9 menu.html', 'HTTPS://WWW.Example.com/B.html'])},
                    prefetch=True)
    sent = [SITE + '/caf%C3%A9%20menu.html', SITE + '/B.html']
    plan = prefetch_sets(sets, {'alicdn': loop(refreshed(sent))}, {'alicdn': polled(task('170000001', 'complete'))})
    assert pages(plan) == sent


def test_no_prefetch_while_any_refresh_task_of_the_run_is_running_even_at_the_other_provider():
    sets = sets_for({'web1': dict(ALI, cdn_refresh_paths=['/a.html']), 'web2': dict(JD, cdn_refresh_paths=['/j.html'])},
                    prefetch=True)
    plan = prefetch_sets(sets, {'alicdn': loop(refreshed([SITE + '/a.html'])),
                                'jdcdn': loop(refreshed(['https://static.example.cn/j.html'], 'uuid-1'))},
                         {'alicdn': polled(task('170000001', 'complete')), 'jdcdn': polled(task('uuid-1', 'running'))},
                         wait_timeout=30)
    assert plan['alicdn'] == [] and plan['jdcdn'] == []
    assert plan['blocked'] == 'jdcdn: 1 refresh task(s) still running after 30 s (uuid-1)'
    assert plan['notes'] == ['Prefetch not started, as it starts only once every refresh task of the run is complete: '
                             'jdcdn: 1 refresh task(s) still running after 30 s (uuid-1).']


def test_no_prefetch_when_the_refresh_was_not_waited_for_or_its_state_could_not_be_read():
    sets = sets_for({'web1': dict(ALI, cdn_refresh_paths=['/a.html'])}, prefetch=True)
    submitted = {'alicdn': loop(refreshed([SITE + '/a.html']))}
    assert prefetch_sets(sets, submitted, {})['blocked'] == 'alicdn: the refresh tasks were not waited for'
    unreadable = loop({'failed': True, 'msg': 'Throttling'})
    assert prefetch_sets(sets, submitted, {'alicdn': unreadable})['blocked'] == (
        'alicdn: the state of the refresh tasks could not be read')


def test_pages_whose_refresh_failed_or_was_not_submitted_are_not_prefetched_and_said_so():
    sets = sets_for({'web1': dict(ALI, cdn_refresh_paths=['/ok.html', '/broken.html', '/late.html'])}, prefetch=True)
    result = refreshed([SITE + '/ok.html', SITE + '/broken.html'], failed=True, msg='Throttling',
                       not_submitted=[SITE + '/late.html'])
    plan = prefetch_sets(sets, {'alicdn': loop(result)},
                         {'alicdn': polled(task('170000001', 'failed', failed_paths=[SITE + '/broken.html']))})
    assert pages(plan) == [SITE + '/ok.html']
    assert plan['notes'] == ['alicdn prefetch: not sent for 2 path(s) whose refresh failed or could not be waited for: '
                             'https://www.example.com/broken.html https://www.example.com/late.html']


def test_a_failed_jd_task_without_paths_takes_its_batchs_paths():
    sets = sets_for({'web1': dict(JD, cdn_refresh_paths=['/a.html', '/b.html'])}, prefetch=True)
    urls = ['https://static.example.cn/a.html', 'https://static.example.cn/b.html']
    result = refreshed(urls, 'uuid-1,uuid-2', batches=[
        {'object_type': 'file', 'paths': urls[:1], 'task_id': 'uuid-1'},
        {'object_type': 'file', 'paths': urls[1:], 'task_id': 'uuid-2'}])
    plan = prefetch_sets(sets, {'jdcdn': loop(result)}, {'jdcdn': polled(task('uuid-1', 'failed'), task('uuid-2', 'complete'))})
    assert pages(plan, 'jdcdn') == urls[1:]


def test_paths_already_queued_or_without_a_task_id_at_jd_are_not_prefetched():
    """Their refresh may still be running and cannot be waited for."""
    urls = ['https://static.example.cn/%s.html' % name for name in ('new', 'queued', 'lost')]
    sets = sets_for({'web1': dict(JD, cdn_refresh_paths=urls)}, prefetch=True)
    result = refreshed(urls[:1], 'uuid-1', already_queued=urls[1:2], batches=[
        {'object_type': 'file', 'paths': urls[:1], 'task_id': 'uuid-1'},
        {'object_type': 'file', 'paths': urls[2:], 'task_id': None, 'recovery': 'queued'}])
    plan = prefetch_sets(sets, {'jdcdn': loop(result)}, {'jdcdn': polled(task('uuid-1', 'complete'))})
    assert pages(plan, 'jdcdn') == urls[:1]
    assert 'not sent for 2 path(s)' in plan['notes'][0]


def test_unconfirmed_paths_are_not_prefetched():
    sets = sets_for({'web1': dict(ALI, cdn_refresh_paths=['/a.html', '/b.html'])}, prefetch=True)
    result = refreshed([SITE + '/a.html'], failed=True, unconfirmed=[SITE + '/b.html'], not_submitted=[])
    plan = prefetch_sets(sets, {'alicdn': loop(result)}, {'alicdn': polled(task('170000001', 'complete'))})
    assert pages(plan) == [SITE + '/a.html']


def test_paths_refreshed_before_this_run_are_not_prefetched_again():
    sets = sets_for({'web1': dict(ALI, cdn_refresh_paths=['/a.html', '/b.html'])}, prefetch=True,
                    release_time='2026-11-30T08:00:00Z')
    result = refreshed([SITE + '/b.html'], already_refreshed=[
        {'path': SITE + '/a.html', 'task_ids': ['169999999'], 'created': '2026-11-30T08:00:02Z'}])
    plan = prefetch_sets(sets, {'alicdn': loop(result)}, {'alicdn': polled(task('170000001', 'complete'))})
    assert pages(plan) == [SITE + '/b.html']
    assert plan['notes'] == ['alicdn prefetch: not sent for 1 path(s) already refreshed before this run (a task created '
                             'after the release time holds them)']


def test_a_rerun_that_refreshed_nothing_prefetches_nothing_and_waits_for_nothing():
    sets = sets_for({'web1': dict(ALI, cdn_refresh_paths=['/a.html'], cdn_refresh_prefetch=['/'])}, prefetch=True,
                    release_time='2026-11-30T08:00:00Z')
    result = dict(refreshed([]), changed=False, batches=[], task_ids=[], already_refreshed=[
        {'path': SITE + '/a.html', 'task_ids': ['169999999'], 'created': '2026-11-30T08:00:02Z'}])
    plan = prefetch_sets(sets, {'alicdn': loop(result)}, {})
    assert plan == {'alicdn': [], 'jdcdn': [], 'notes': [], 'blocked': ''}


def test_pages_listed_by_a_host_are_prefetched_when_the_run_refreshed_any_of_its_paths():
    sets = sets_for({'web1': dict(ALI, cdn_refresh_paths=[{'path': '/img/', 'object_type': 'directory'}],
                                  cdn_refresh_prefetch=['/', '/about.html']),
                     'web2': dict(ALI, cdn_refresh_paths=['/other.html'], cdn_refresh_prefetch=['/other-hot.html'])})
    result = refreshed([SITE + '/img/'], '170000002', 'directory')
    failed = {'failed': True, 'item': {'object_type': 'file', 'paths': [SITE + '/other.html']}, 'msg': 'quota',
              'not_submitted': [SITE + '/other.html']}
    plan = prefetch_sets(sets, {'alicdn': loop(failed, result)}, {'alicdn': polled(task('170000002', 'complete'))})
    # web1 refreshed its directory: its pages; web2's refresh failed: none of its pages
    assert plan['alicdn'] == [{'object_type': 'file', 'paths': [SITE + '/', SITE + '/about.html'], 'hosts': 1}]


def test_check_mode_prefetches_what_would_be_refreshed_without_waiting():
    sets = sets_for({'web1': dict(ALI, cdn_refresh_paths=['/a.html'])}, prefetch=True)
    predicted = refreshed([SITE + '/a.html'], None)
    plan = prefetch_sets(sets, {'alicdn': loop(predicted)}, {}, check_mode=True)
    assert pages(plan) == [SITE + '/a.html']
    assert plan['blocked'] == ''


def test_nothing_wanted_nothing_planned():
    sets = sets_for({'web1': dict(ALI, cdn_refresh_paths=['/a.html'])})
    plan = prefetch_sets(sets, {'alicdn': loop(refreshed([SITE + '/a.html']))}, {})
    assert plan == {'alicdn': [], 'jdcdn': [], 'notes': [], 'blocked': ''}
