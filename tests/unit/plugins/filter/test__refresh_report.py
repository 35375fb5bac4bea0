# Copyright (c) 2026, cdnops.cdn contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The cdn_refresh role's summary and failure message, from registered results shaped as Ansible registers them."""

from __future__ import annotations

from ansible_collections.cdnops.cdn.plugins.filter._refresh_report import FilterModule, refresh_report

ALI_FILES = ['https://www.example.com/a.html', 'https://www.example.com/b.html']
JD_FILES = ['https://static.example.cn/%d.html' % i for i in range(4)]


def loop(*results):
    """A registered loop, as Ansible registers it."""
    return {'changed': True, 'msg': 'All items completed', 'results': list(results)}


def item(object_type, paths):
    return {'object_type': object_type, 'paths': paths, 'hosts': 1}


def submitted(object_type, paths, task_id, **extra):
    result = {'changed': True, 'failed': False, 'item': item(object_type, paths), 'paths': paths,
              'msg': 'Submitted 1 %s refresh call(s) for %d path(s).' % (object_type, len(paths)),
              'task_ids': task_id.split(','), 'not_submitted': [], 'already_queued': [],
              'batches': [{'object_type': object_type, 'paths': paths, 'task_id': task_id, 'request_id': None}]}
    result.update(extra)
    return result


def polled(*tasks):
    return loop({'failed': False, 'tasks': [{'task_id': '0', 'status': 'running', 'progress': 0.0}]},
                {'failed': False, 'tasks': list(tasks)})


def task(task_id, status, **extra):
    result = {'task_id': task_id, 'status': status, 'progress': 100.0 if status == 'complete' else 0.0,
              'reason': 'Origin Timeout' if status == 'failed' else None}
    result.update(extra)
    return result


def test_the_filter_is_exposed_under_its_private_name():
    assert FilterModule().filters() == {'_refresh_report': refresh_report}


def test_summary_of_a_refresh_without_waiting():
    report = refresh_report({'alicdn': loop(submitted('file', ALI_FILES, '170000001')),
                             'jdcdn': loop(submitted('file', JD_FILES[:2], 'uuid-1', already_queued=JD_FILES[2:]))},
                            {})
    assert report == {'failure': '', 'summary': [
        'alicdn file: Submitted 1 file refresh call(s) for 2 path(s).',
        '  task IDs: 170000001',
        'jdcdn file: Submitted 1 file refresh call(s) for 2 path(s).',
        '  task IDs: uuid-1',
        '  already queued at jdcdn, not submitted again: https://static.example.cn/2.html https://static.example.cn/3.html',
    ]}


def test_nothing_to_refresh():
    skipped = {'changed': False, 'skipped': True, 'skipped_reason': 'No items in the list', 'results': []}
    assert refresh_report({'alicdn': skipped, 'jdcdn': {}}) == {
        'failure': '', 'summary': ['Nothing to refresh: no host of cdn_refresh_hosts has cdn_refresh_paths.']}


def test_many_task_ids_are_cut_short():
    ids = ','.join(str(170000001 + i) for i in range(12))
    report = refresh_report({'alicdn': loop(submitted('file', ALI_FILES, ids))})
    assert report['summary'][1] == ('  task IDs: 170000001, 170000002, 170000003, 170000004, 170000005, 170000006, '
                                    '170000007, 170000008, 170000009, 170000010 and 2 more')


def test_a_failed_set_is_named_with_what_was_not_submitted_and_the_other_provider_still_counts():
    paths = ['https://www.example.com/%d.html' % i for i in range(25)]
    failed = {'failed': True, 'changed': False, 'item': item('file', paths),
              'msg': 'DescribeRefreshQuota: 25 file path(s) exceed the 3 left today',
              'error': {'action': 'DescribeRefreshQuota', 'code': None}, 'batches': [], 'task_ids': [],
              'not_submitted': paths}
    report = refresh_report({'alicdn': loop(failed), 'jdcdn': loop(submitted('file', JD_FILES, 'uuid-1'))}, {})
    assert report['summary'][0] == 'alicdn file: FAILED: DescribeRefreshQuota: 25 file path(s) exceed the 3 left today'
    assert report['failure'] == '\n'.join([
        'The CDN refresh did not complete:',
        '- alicdn file: the refresh failed: DescribeRefreshQuota: 25 file path(s) exceed the 3 left today',
        '  not submitted (25 path(s)): ' + ' '.join(paths[:20]) + ' and 5 more',
        'Submitted in full: jdcdn file (4 path(s))',
    ])


def test_a_set_that_failed_before_the_module_ran_lists_all_its_paths_as_not_submitted():
    failed = {'failed': True, 'item': item('directory', ['https://www.example.com/img/']), 'msg': 'Failed to connect'}
    report = refresh_report({'alicdn': loop(failed)})
    assert report['failure'].splitlines()[1:] == [
        '- alicdn directory: the refresh failed: Failed to connect',
        '  not submitted (1 path(s)): https://www.example.com/img/',
        'Submitted in full: none',
    ]


def test_a_set_that_failed_part_way_lists_what_its_batches_do_not_cover():
    failed = {'failed': True, 'item': item('file', JD_FILES), 'msg': 'refresh: status 8',
              'batches': [{'object_type': 'file', 'paths': JD_FILES[:2], 'task_id': 'uuid-1'}]}
    report = refresh_report({'jdcdn': loop(failed)})
    assert '  not submitted (2 path(s)): %s %s' % (JD_FILES[2], JD_FILES[3]) in report['failure']


def test_failed_and_unfinished_tasks_are_named_with_their_paths():
    report = refresh_report(
        {'alicdn': loop(submitted('file', ALI_FILES, '170000001,170000002'))},
        {'alicdn': polled(task('170000001', 'failed', paths=ALI_FILES, failed_paths=ALI_FILES[1:]),
                          task('170000002', 'running', paths=[ALI_FILES[0]]))},
        wait_timeout=30)
    assert report['summary'][-1] == 'alicdn after waiting: 0 task(s) complete, 1 failed, 1 still running'
    assert report['failure'] == '\n'.join([
        'The CDN refresh did not complete:',
        '- alicdn task 170000001 failed (Origin Timeout): https://www.example.com/b.html',
        '- alicdn task 170000002 still running after 30 s: https://www.example.com/a.html',
        'Submitted in full: alicdn file (2 path(s))',
    ])


def test_a_jd_task_of_a_split_batch_is_named_with_the_paths_of_its_own_batch():
    """JD split a batch on status 47: one batch entry per task, and the _info module tells no paths."""
    result = submitted('file', JD_FILES, 'uuid-1,uuid-2', already_queued=[JD_FILES[1]],
                       batches=[{'object_type': 'file', 'paths': [JD_FILES[0]], 'task_id': 'uuid-1'},
                                {'object_type': 'file', 'paths': JD_FILES[2:], 'task_id': 'uuid-2'}])
    report = refresh_report({'jdcdn': loop(result)},
                            {'jdcdn': polled(task('uuid-1', 'failed'), task('uuid-2', 'complete'))})
    assert report['failure'].splitlines()[1] == '- jdcdn task uuid-1 failed (Origin Timeout): %s' % JD_FILES[0]


def test_a_jd_task_of_a_split_batch_with_joined_ids_still_gets_its_batchs_paths():
    """Where a batch joins the IDs of its parts with commas, each ID gets the batch's paths (never none)."""
    result = submitted('file', [JD_FILES[0], JD_FILES[2]], 'uuid-1,uuid-2', already_queued=[JD_FILES[1]])
    report = refresh_report({'jdcdn': loop(result)},
                            {'jdcdn': polled(task('uuid-1', 'complete'), task('uuid-2', 'failed', reason='Failed'))})
    assert report['failure'].splitlines()[1] == '- jdcdn task uuid-2 failed (Failed): %s %s' % (JD_FILES[0], JD_FILES[2])


def test_a_task_id_shared_by_several_calls_gets_all_their_paths():
    """Alibaba merges the file paths of a domain submitted in the same second into one task, across calls."""
    first = submitted('file', ALI_FILES[:1], '170000001')
    second = submitted('file', ALI_FILES[1:], '170000001')
    report = refresh_report({'alicdn': loop(first, second)}, {'alicdn': polled(task('170000001', 'failed'))})
    assert report['failure'].splitlines()[1] == '- alicdn task 170000001 failed (Origin Timeout): ' + ' '.join(ALI_FILES)


def test_a_poll_that_failed_is_named_and_the_other_provider_is_still_reported():
    poll_failed = loop({'failed': False, 'tasks': [task('170000001', 'running')]},
                       {'failed': True, 'msg': 'DescribeRefreshTaskById failed (HTTP 503, code Throttling)'})
    report = refresh_report({'alicdn': loop(submitted('file', ALI_FILES, '170000001')),
                             'jdcdn': loop(submitted('file', JD_FILES, 'uuid-1'))},
                            {'alicdn': poll_failed, 'jdcdn': polled(task('uuid-1', 'complete'))})
    assert report['summary'][-2:] == ['alicdn after waiting: the state of the tasks could not be read',
                                      'jdcdn after waiting: 1 task(s) complete, 0 failed, 0 still running']
    assert report['failure'].splitlines()[1:] == [
        '- alicdn: waiting stopped, the state of the tasks could not be read: '
        'DescribeRefreshTaskById failed (HTTP 503, code Throttling)',
        'Submitted in full: alicdn file (2 path(s)), jdcdn file (4 path(s))',
    ]


def test_everything_complete_is_no_failure():
    report = refresh_report({'alicdn': loop(submitted('file', ALI_FILES, '170000001'))},
                            {'alicdn': polled(task('170000001', 'complete')), 'jdcdn': {}})
    assert report['failure'] == ''
    assert report['summary'][-1] == 'alicdn after waiting: 1 task(s) complete, 0 failed, 0 still running'


def test_a_set_refused_before_any_call_lists_all_its_paths_even_if_the_module_lists_none():
    failed = {'failed': True, 'item': item('file', ['/a b.html']), 'msg': 'not enough refresh quota',
              'paths': ['https://www.example.com/a%20b.html'], 'batches': [], 'task_ids': [], 'not_submitted': []}
    report = refresh_report({'alicdn': loop(failed)})
    assert '  not submitted (1 path(s)): https://www.example.com/a%20b.html' in report['failure']


def test_an_empty_not_submitted_is_trusted_once_something_was_submitted():
    failed = {'failed': True, 'item': item('file', JD_FILES), 'msg': 'waiting failed', 'paths': JD_FILES,
              'batches': [{'object_type': 'file', 'paths': JD_FILES[:2], 'task_id': 'uuid-1'}],
              'already_queued': JD_FILES[2:], 'not_submitted': []}
    assert 'not submitted' not in refresh_report({'jdcdn': loop(failed)})['failure']


# --- the prefetch, and re-runs with a release time ---------------------------------------------------------------

def prefetch_item(paths):
    return {'object_type': 'file', 'paths': paths, 'hosts': 1}


def prefetched_result(paths, task_id, **extra):
    result = {'changed': True, 'failed': False, 'item': prefetch_item(paths), 'paths': paths,
              'msg': 'Submitted %d paths of file prefetch (1 batch in 2 calls).' % len(paths),
              'task_ids': [task_id], 'not_submitted': [], 'already_queued': [],
              'batches': [{'object_type': 'file', 'paths': paths, 'task_id': task_id, 'request_id': None}]}
    result.update(extra)
    return result


def test_the_summary_covers_the_refresh_then_the_prefetch():
    report = refresh_report({'alicdn': loop(submitted('file', ALI_FILES, '170000001'))},
                            {'alicdn': polled(task('170000001', 'complete'))},
                            prefetched={'alicdn': loop(prefetched_result(ALI_FILES, '170000002'))},
                            prefetch_polls={'alicdn': polled(task('170000002', 'complete'))},
                            prefetch_notes=['alicdn prefetch: not sent for 1 path(s) whose refresh failed: x'])
    assert report == {'failure': '', 'summary': [
        'alicdn file: Submitted 1 file refresh call(s) for 2 path(s).',
        '  task IDs: 170000001',
        'alicdn after waiting: 1 task(s) complete, 0 failed, 0 still running',
        'alicdn prefetch: not sent for 1 path(s) whose refresh failed: x',
        'alicdn prefetch: Submitted 2 paths of file prefetch (1 batch in 2 calls).',
        '  task IDs: 170000002',
        'alicdn prefetch after waiting: 1 task(s) complete, 0 failed, 0 still running',
    ]}


def test_a_failed_prefetch_fails_the_role_naming_it():
    failed = {'failed': True, 'item': prefetch_item(ALI_FILES), 'msg': 'PushObjectCache: PreloadQueueFull',
              'not_submitted': ALI_FILES, 'batches': [], 'task_ids': []}
    report = refresh_report({'alicdn': loop(submitted('file', ALI_FILES, '170000001'))},
                            prefetched={'alicdn': loop(failed)})
    assert report['failure'] == '\n'.join([
        'The CDN prefetch did not complete:',
        '- alicdn prefetch: the prefetch failed: PushObjectCache: PreloadQueueFull',
        '  not submitted (2 path(s)): ' + ' '.join(ALI_FILES),
        'Submitted in full: alicdn file (2 path(s))',
    ])


def test_prefetch_tasks_that_failed_or_still_run_are_named_and_both_stages_head_the_message():
    failed = {'failed': True, 'item': item('file', JD_FILES), 'msg': 'refresh: status 8', 'not_submitted': JD_FILES}
    report = refresh_report({'jdcdn': loop(failed), 'alicdn': loop(submitted('file', ALI_FILES, '170000001'))},
                            prefetched={'alicdn': loop(prefetched_result(ALI_FILES, '170000002'))},
                            prefetch_polls={'alicdn': polled(task('170000002', 'failed', failed_paths=ALI_FILES[:1]))},
                            prefetch_wait_timeout=60)
    assert report['summary'][-1] == 'alicdn prefetch after waiting: 0 task(s) complete, 1 failed, 0 still running'
    lines = report['failure'].splitlines()
    assert lines[0] == 'The CDN refresh and prefetch did not complete:'
    assert '- alicdn prefetch task 170000002 failed (Origin Timeout): https://www.example.com/a.html' in lines
    assert lines[-1] == 'Submitted in full: alicdn file (2 path(s)), alicdn prefetch (2 path(s))'


def test_unconfirmed_paths_are_named_apart_from_those_not_submitted():
    failed = {'failed': True, 'item': item('file', ALI_FILES), 'msg': 'RefreshObjectCaches: the connection dropped',
              'paths': ALI_FILES, 'batches': [], 'task_ids': [], 'not_submitted': [], 'unconfirmed': ALI_FILES}
    lines = refresh_report({'alicdn': loop(failed)})['failure'].splitlines()
    assert lines[2] == '  unconfirmed, the answer was lost (2 path(s)): ' + ' '.join(ALI_FILES)
    assert not any(line.startswith('  not submitted') for line in lines)


def test_a_module_that_validated_its_paths_is_trusted_when_it_lists_none_as_not_submitted():
    # the modules return path_count instead of the list of paths: the loop item's paths are as the user wrote them
    failed = {'failed': True, 'item': item('file', ['/a b.html', '/b.html']), 'path_count': 2,
              'msg': 'RefreshObjectCaches: the connection dropped', 'batches': [], 'task_ids': [], 'not_submitted': [],
              'unconfirmed': ['https://www.example.com/a%20b.html', 'https://www.example.com/b.html']}
    lines = refresh_report({'alicdn': loop(failed)})['failure'].splitlines()
    assert lines[2].startswith('  unconfirmed, the answer was lost (2 path(s)): ')
    assert not any(line.startswith('  not submitted') for line in lines)


def test_a_set_whose_paths_are_all_invalid_lists_them_as_not_submitted():
    failed = {'failed': True, 'item': item('file', ['ftp://x/a']), 'path_count': 0, 'batches': [], 'task_ids': [],
              'msg': "1 of 1 path is invalid, nothing was sent: 'ftp://x/a' must start with http:// or https://",
              'not_submitted': []}
    assert '  not submitted (1 path(s)): ftp://x/a' in refresh_report({'alicdn': loop(failed)})['failure']


def test_paths_already_refreshed_are_not_counted_as_not_submitted():
    failed = {'failed': True, 'item': item('file', ALI_FILES), 'msg': 'QuotaExceeded', 'paths': ALI_FILES,
              'batches': [], 'task_ids': [], 'not_submitted': [],
              'already_refreshed': [{'path': ALI_FILES[0], 'task_ids': ['1'], 'created': '2026-11-30T08:00:00Z'}]}
    assert '  not submitted (1 path(s)): %s' % ALI_FILES[1] in refresh_report({'alicdn': loop(failed)})['failure']


def test_with_a_release_time_the_summary_says_that_jd_gets_every_path_again():
    result = submitted('file', JD_FILES, 'uuid-1')
    result['item']['refreshed_after'] = '2026-11-30T08:00:00Z'
    summary = refresh_report({'jdcdn': loop(result)})['summary']
    assert summary[-1].startswith('  JD has no lookup of earlier tasks: with a release time every path was sent again')
    plain = refresh_report({'jdcdn': loop(submitted('file', JD_FILES, 'uuid-1'))})['summary']
    assert not any('JD has no lookup' in line for line in plain)
