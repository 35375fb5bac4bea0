# Copyright (c) 2026, cdnops.cdn contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The vendor-neutral runner, tested once against a fake vendor client (no HTTP)."""

from __future__ import annotations

import builtins
import errno
import json
import os
import random
import threading

import pytest

from ansible_collections.cdnops.cdn.plugins.module_utils._errors import ApiError, NetworkError, QuotaUnreadableError
from ansible_collections.cdnops.cdn.plugins.module_utils._runner import run, split_batches, submit_all, wait_for
from ansible_collections.cdnops.cdn.plugins.module_utils._transport import Pacer, RetryPolicy, Transport
from ansible_collections.cdnops.cdn.plugins.module_utils._vendor import CallLimit, CdnClient, PathRules


class Exited(Exception):
    def __init__(self, failed, result):
        super().__init__(result.get('msg'))
        self.failed = failed
        self.result = result


class FakeModule:
    """The part of AnsibleModule the runner uses."""

    def __init__(self, check_mode=False, diff=False, **params):
        self.params = dict(dict(object_type='file', wait=False, wait_timeout=600), **params)
        self.check_mode = check_mode
        self._diff = diff
        self.warnings = []

    def warn(self, text):
        self.warnings.append(text)

    def exit_json(self, **result):
        raise Exited(False, result)

    def fail_json(self, **result):
        raise Exited(True, result)


class FakeTransport:
    calls = 0
    retries = 0
    pacer = Pacer()


class FakeClient(CdnClient):
    """Accepts every batch, numbering tasks; `fail_on` (batch index) raises `error` for that batch."""

    name = 'fake'
    limits = {'refresh': {'file': CallLimit(paths=3, domains=2), 'directory': CallLimit(paths=1, domains=None)}}
    rules = PathRules(bare_host=False, max_length=100, raw_types=frozenset())

    def __init__(self, quota=None, fail_on=None, error=None):
        self.transport = FakeTransport()
        self.quota = quota
        self.fail_on = fail_on
        self.error = error
        self.batches = []

    def read_quota(self):
        if isinstance(self.quota, Exception):
            raise self.quota
        return self.quota

    def submit(self, batch):
        index = len(self.batches)
        self.batches.append(batch)
        self.transport.calls += 1
        if index == self.fail_on:
            raise self.error
        return dict(already_queued=[], accepted=[dict(task_id='t%d' % index, task_ids=['t%d' % index],
                                                      request_id='r%d' % index, paths=batch['paths'])])

    def read_tasks(self, operation, task_ids):
        return [dict(task_id=task_id, status='complete', progress=100.0, reason=None, created=None, paths=[],
                     failed_paths=[]) for task_id in task_ids]


def run_fake(client, **params):
    with pytest.raises(Exited) as info:
        run(FakeModule(**params), client)
    return info.value


PATHS = ['https://a.example.com/%d' % n for n in range(4)] + ['https://b.example.com/1', 'https://c.example.com/1']


def test_batches_follow_the_declared_limits():
    client = FakeClient()
    done = run_fake(client, paths=PATHS)
    assert not done.failed and done.result['changed']
    assert [batch['paths'] for batch in client.batches] == [PATHS[:3], PATHS[3:5], PATHS[5:]]
    assert done.result['task_ids'] == ['t0', 't1', 't2'] and done.result['not_submitted'] == []
    assert done.result['msg'] == 'Submitted 6 paths of file refresh (3 batches in 3 calls).'


def test_a_failure_midway_lists_exactly_what_was_not_submitted_with_the_error_facts():
    error = ApiError('RefreshObjectCaches', 'quota used up', http_status=400, code='QuotaExceeded.Refresh', request_id='R1')
    client = FakeClient(fail_on=1, error=error)
    client.submit_concurrency = 1
    done = run_fake(client, paths=PATHS)
    assert done.failed and done.result['changed']
    assert done.result['not_submitted'] == PATHS[3:]
    assert [batch['task_id'] for batch in done.result['batches']] == ['t0']
    assert done.result['error'] == dict(action='RefreshObjectCaches', code='QuotaExceeded.Refresh', http_status=400,
                                        request_id='R1', message='quota used up')


@pytest.mark.parametrize('error', [
    NetworkError('DescribeRefreshQuota', 'connection refused', 'https://cdn.example.com:443'),
    ApiError('DescribeRefreshQuota', 'bad secret', http_status=400, code='SignatureDoesNotMatch'),
])
def test_a_failure_before_the_first_submission_lists_every_path(error):
    done = run_fake(FakeClient(quota=error), paths=PATHS)
    assert done.failed and not done.result['changed']
    assert done.result['not_submitted'] == PATHS
    assert done.result['error']['action'] == 'DescribeRefreshQuota'
    assert done.result['error']['code'] == error.code


def test_network_error_names_the_endpoint_but_no_query():
    error = NetworkError('RefreshObjectCaches', 'connection refused', 'https://cdn.example.com:8443')
    assert str(error) == 'RefreshObjectCaches to https://cdn.example.com:8443: connection refused'
    assert error.error_facts() == dict(action='RefreshObjectCaches', code=None, http_status=None, request_id=None,
                                       message=str(error))


def test_quota_too_small_sends_nothing():
    client = FakeClient(quota={'file': dict(limit=10, remaining=5)})
    done = run_fake(client, paths=PATHS)
    assert done.failed and client.batches == []
    assert done.result['not_submitted'] == PATHS
    assert done.result['error']['action'] == 'quota check'
    assert 'not enough file quota for 6 paths: 5 of 10 are left today' in done.result['msg']


def test_unreadable_quota_warns_and_refreshes():
    module = FakeModule(paths=PATHS[:1])
    with pytest.raises(Exited) as info:
        run(module, FakeClient(quota=QuotaUnreadableError('Forbidden.RAM')))
    assert not info.value.failed and info.value.result['quota']['unread_reason'] == 'Forbidden.RAM'
    assert module.warnings and 'could not be read' in module.warnings[0]


def test_invalid_paths_fail_before_any_call_and_list_the_valid_ones():
    client = FakeClient()
    done = run_fake(client, paths=['https://a.example.com/1', 'ftp://x.example.com/', 'bad'])
    assert done.failed and client.batches == []
    assert done.result['not_submitted'] == ['https://a.example.com/1']
    assert done.result['msg'].startswith('2 of 3 paths are invalid, nothing was sent:')
    assert "'ftp://x.example.com/'" in done.result['msg'] and "'bad'" in done.result['msg']
    assert done.result['error']['action'] is None


def test_check_mode_submits_nothing_and_reports_the_batches():
    client = FakeClient(quota={'file': dict(limit=100, remaining=100)})
    done = run_fake(client, paths=PATHS, check_mode=True, diff=True)
    assert done.result['changed'] and client.batches == []
    assert [batch['paths'] for batch in done.result['batches']] == [PATHS[:3], PATHS[3:5], PATHS[5:]]
    assert done.result['diff']['after'] == ''.join(path + '\n' for path in PATHS)


def test_duplicates_and_pasted_lists_become_distinct_paths():
    client = FakeClient()
    done = run_fake(client, paths=['https://a.example.com/1 https://a.example.com/2', 'HTTPS://A.EXAMPLE.COM/1'],
                    return_paths=True)
    assert done.result['paths'] == ['https://a.example.com/1', 'https://a.example.com/2']
    assert done.result['path_count'] == 2


def test_unsupported_object_type_is_refused():
    done = run_fake(FakeClient(), paths=PATHS, object_type='regex')
    assert done.failed and 'fake cannot refresh object_type=regex' in done.result['msg']


def entries_for(domains, per_domain):
    return [('http://d%d.com/%d' % (d, n), 'd%d.com' % d) for d in range(domains) for n in range(per_domain)]


def test_2500_urls_over_3_domains_take_3_calls():
    batches = split_batches(entries_for(3, 834)[:2500], CallLimit(1000, 10))
    assert [len(batch) for batch in batches] == [1000, 1000, 500]


def test_domain_limit_starts_a_new_batch():
    batches = split_batches(entries_for(25, 2), CallLimit(1000, 10))
    assert [len(batch) for batch in batches] == [20, 20, 10]
    assert all(len({url.split('/')[2] for url in batch}) <= 10 for batch in batches)


def test_every_path_is_in_exactly_one_batch():
    entries = entries_for(7, 150)
    batches = split_batches(entries, CallLimit(100, None))
    assert sorted(url for batch in batches for url in batch) == sorted(url for url, domain in entries)
    assert len(batches) == 11


def split_url_by_url(entries, limit, per_domain=None):
    """The batching rule, one URL at a time (split_batches places a domain's URLs a slice at a time)."""
    by_domain = {}
    for url, domain in entries:
        by_domain.setdefault(domain, []).append(url)
    batches, current, counts = [], [], {}
    for domain, urls in by_domain.items():
        for url in urls:
            domain_full = limit.domains and domain not in counts and len(counts) >= limit.domains
            domain_over = per_domain and counts.get(domain, 0) >= per_domain
            if len(current) >= limit.paths or domain_full or domain_over:
                batches.append(current)
                current, counts = [], {}
            current.append(url)
            counts[domain] = counts.get(domain, 0) + 1
    if current:
        batches.append(current)
    return batches


@pytest.mark.parametrize('seed', range(30))
def test_batches_are_those_of_the_url_by_url_rule(seed):
    rng = random.Random(seed)
    domains = rng.randint(1, 30)
    entries = [('http://d%d.com/%d' % (rng.randrange(domains), n)) for n in range(rng.randint(0, 3000))]
    entries = [(url, url.split('/')[2]) for url in entries]
    limit = CallLimit(rng.choice([1, 3, 5, 100, 1000]), rng.choice([None, 1, 2, 10]))
    per_domain = rng.choice([None, 1, 7, 250, 1000])
    assert split_batches(entries, limit, per_domain) == split_url_by_url(entries, limit, per_domain)


class SlowTasks:
    """Tasks that finish after `finish_after` polls."""

    def __init__(self, finish_after):
        self.polls = 0
        self.finish_after = finish_after

    def read_tasks(self, operation, task_ids):
        self.polls += 1
        status = 'complete' if self.polls > self.finish_after else 'running'
        return [dict(task_id=task_id, status=status) for task_id in task_ids]


class FakeClock:
    def __init__(self):
        self.now = 0.0
        self.sleeps = []

    def sleep(self, seconds):
        self.sleeps.append(seconds)
        self.now += seconds


def test_wait_polls_with_growing_delays_until_done():
    clock = FakeClock()
    tasks, finished = wait_for(SlowTasks(finish_after=6), 'refresh', ['1'], timeout=600, clock=lambda: clock.now,
                               sleep=clock.sleep)
    assert finished and tasks == [dict(task_id='1', status='complete')]
    assert clock.sleeps == [1.0, 2.0, 4.0, 8.0, 10.0, 10.0, 10.0]     # a poll after each: none right after the call


def test_wait_makes_its_last_poll_at_the_deadline():
    clock = FakeClock()
    client = SlowTasks(finish_after=100)
    tasks, finished = wait_for(client, 'refresh', ['1'], timeout=20, clock=lambda: clock.now, sleep=clock.sleep)
    assert not finished and tasks[0]['status'] == 'running'
    assert clock.sleeps == [1.0, 2.0, 4.0, 8.0, 5.0] and clock.now == 20
    assert client.polls == 5


class TasksFinishingInTurn:
    """Task i finishes at poll i + 1 (task '2' fails); records the IDs each poll asked for."""

    def __init__(self):
        self.asked = []

    def read_tasks(self, operation, task_ids):
        self.asked.append(list(task_ids))
        poll = len(self.asked)
        return [dict(task_id=task_id, status=('failed' if task_id == '2' else 'complete') if int(task_id) < poll else 'running')
                for task_id in task_ids]


def test_wait_reads_only_the_tasks_still_running_and_keeps_the_order():
    clock = FakeClock()
    client = TasksFinishingInTurn()
    tasks, finished = wait_for(client, 'refresh', ['0', '1', '2', '3'], timeout=600, clock=lambda: clock.now,
                               sleep=clock.sleep)
    assert finished
    assert client.asked == [['0', '1', '2', '3'], ['1', '2', '3'], ['2', '3'], ['3']]
    assert [(task['task_id'], task['status']) for task in tasks] == [
        ('0', 'complete'), ('1', 'complete'), ('2', 'failed'), ('3', 'complete')]


def test_wait_with_no_time_polls_once():
    clock = FakeClock()
    client = SlowTasks(finish_after=100)
    tasks, finished = wait_for(client, 'refresh', ['1'], timeout=0, clock=lambda: clock.now, sleep=clock.sleep)
    assert not finished and client.polls == 1 and clock.sleeps == []


def test_pacer_spaces_calls_to_the_rate():
    clock = FakeClock()
    pacer = Pacer({'Describe': 5}, clock=lambda: clock.now, sleep=clock.sleep)
    for dummy in range(6):
        pacer.done(pacer.wait('Describe'))
        pacer.done(pacer.wait('Other'))
    # 10 % under the rate, for network jitter; the first call does not wait, and 'Other' has no rate
    assert clock.sleeps == pytest.approx([0.22] * 5)
    assert pacer.waited == pytest.approx(1.1)


# -- paths_file ----------------------------------------------------------------------------------------------------


def write(tmp_path, text, name='urls.txt', encoding='utf-8'):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding) if isinstance(text, str) else text)
    return str(path)


def test_a_paths_file_is_one_url_a_line_with_blank_lines_and_comments_skipped(tmp_path):
    listed = write(tmp_path, '# release 42\n\n%s\r\n  %s  \n\t# %s\n%s\n' % (PATHS[0], PATHS[1], PATHS[2], PATHS[3]))
    client = FakeClient()
    done = run_fake(client, paths_file=listed)
    assert not done.failed and done.result['path_count'] == 3
    assert [path for batch in client.batches for path in batch['paths']] == [PATHS[0], PATHS[1], PATHS[3]]


def test_paths_come_first_then_the_file_and_a_path_given_twice_is_sent_once(tmp_path):
    listed = write(tmp_path, '\n'.join([PATHS[5], 'HTTPS://A.EXAMPLE.COM/0', PATHS[1], PATHS[4]]))
    done = run_fake(FakeClient(), paths=[PATHS[0], PATHS[1]], paths_file=listed, return_paths=True)
    assert done.result['paths'] == [PATHS[0], PATHS[1], PATHS[5], PATHS[4]]


def test_a_byte_order_mark_and_a_last_line_without_a_line_break_are_fine(tmp_path):
    listed = write(tmp_path, '\ufeff%s\n%s' % (PATHS[0], PATHS[1]))
    done = run_fake(FakeClient(), paths_file=listed, return_paths=True)
    assert done.result['paths'] == PATHS[:2]


def test_bad_lines_are_named_by_file_and_line_and_nothing_is_sent(tmp_path):
    listed = write(tmp_path, '%s\n\nftp://x.example.com/a\n# fine\nhttps://a.example.com/ok https://bad_host/b\n' % PATHS[0])
    client = FakeClient()
    done = run_fake(client, paths=['bad'], paths_file=listed)
    assert done.failed and client.batches == [] and done.result['error']['action'] is None
    assert done.result['msg'].startswith('3 of 5 paths are invalid, nothing was sent: ')
    assert "'bad' is not a URL" in done.result['msg']
    assert ("paths_file %s line 3: 'ftp://x.example.com/a' must start with http:// or https://" % listed
            in done.result['msg'])
    assert "paths_file %s line 5: 'https://bad_host/b' has an invalid host name 'bad_host'" % listed in done.result['msg']
    assert done.result['not_submitted'] == [PATHS[0], 'https://a.example.com/ok']


@pytest.mark.parametrize('problem', ['missing', 'directory', 'unreadable'])
def test_a_file_that_cannot_be_read_fails_before_any_call_naming_the_file_and_the_fix(tmp_path, monkeypatch, problem):
    listed = str(tmp_path / 'urls.txt')
    if problem == 'directory':
        (tmp_path / 'urls.txt').mkdir()
    elif problem == 'unreadable':
        write(tmp_path, PATHS[0])
        os.chmod(listed, 0)
        if os.access(listed, os.R_OK):   # root reads any file: give it the error every other user gets
            real_open = builtins.open

            def denying_open(name, *args, **kwargs):
                if name == listed:
                    raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), name)
                return real_open(name, *args, **kwargs)
            monkeypatch.setattr(builtins, 'open', denying_open)
    client = FakeClient(quota=AssertionError('no call may be made'))
    done = run_fake(client, paths=PATHS[:1], paths_file=listed)
    assert done.failed and client.batches == [] and not done.result['changed']
    assert done.result['msg'].startswith('paths_file %s cannot be read: ' % listed)
    assert 'one URL a line' in done.result['msg'] and done.result['error']['action'] is None
    if problem == 'unreadable':
        assert ': Permission denied. Give the path' in done.result['msg']


def test_a_relative_file_name_that_cannot_be_read_says_where_it_was_looked_for(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    done = run_fake(FakeClient(), paths_file='urls.txt')
    assert 'paths_file urls.txt cannot be read (relative to %s, where the module runs)' % tmp_path in done.result['msg']
    assert '{{ playbook_dir }}/urls.txt' in done.result['msg']


def test_a_file_that_is_not_utf8_is_named_with_its_line(tmp_path):
    listed = write(tmp_path, '%s\n%s\nhttps://a.example.com/caf\u00e9\n' % (PATHS[0], PATHS[1]), encoding='latin-1')
    done = run_fake(FakeClient(), paths_file=listed)
    assert done.failed
    assert done.result['msg'] == 'paths_file %s line 3 is not UTF-8 text (byte 0xe9): save the file as UTF-8' % listed


def test_a_file_with_no_path_refreshes_nothing(tmp_path):
    client = FakeClient(quota=AssertionError('no call may be made'))
    done = run_fake(client, paths_file=write(tmp_path, '# nothing this time\n\n'))
    assert not done.failed and not done.result['changed'] and client.batches == []
    assert done.result['msg'] == 'Nothing to refresh: no paths were given.'


# -- each URL once in the result -----------------------------------------------------------------------------------


class FailingTasks(FakeClient):
    """Tasks whose first path fails."""

    def read_tasks(self, operation, task_ids):
        by_id = {'t%d' % index: batch['paths'] for index, batch in enumerate(self.batches)}
        return [dict(task_id=task_id, status='failed', progress=100.0, reason='Origin Timeout', created=None,
                     paths=by_id[task_id], failed_paths=by_id[task_id][:1]) for task_id in task_ids]


def test_each_url_is_in_the_result_once_and_a_failed_one_also_where_it_failed():
    done = run_fake(FailingTasks(), paths=PATHS, wait=True)
    text = json.dumps(done.result)
    assert done.failed and done.result['path_count'] == 6 and 'paths' not in done.result
    assert all('paths' not in task for task in done.result['tasks'])
    assert done.result['failed_paths'] == [PATHS[0], PATHS[3], PATHS[5]]
    failed = set(done.result['failed_paths'])
    # as a JSON string: once in batches; a failed path also in failed_paths and in its task's failed_paths
    assert {path: text.count('"%s"' % path) for path in PATHS} == {path: 3 if path in failed else 1 for path in PATHS}


def test_return_paths_gives_every_path_and_each_tasks_paths_again():
    done = run_fake(FailingTasks(), paths=PATHS, wait=True, return_paths=True)
    assert done.result['paths'] == PATHS
    assert [task['paths'] for task in done.result['tasks']] == [PATHS[:3], PATHS[3:5], PATHS[5:]]


# -- concurrency is bounded, and every call is paced ------------------------------------------------------------------


class PacedSession:
    """Answers every request at once, a retryable refusal every 7th; records when each request started: the frozen
    clock plus what the pacer made this thread sleep before it."""

    def __init__(self, clock):
        self.clock = clock
        self.headers = {}
        self.local = threading.local()
        self.lock = threading.Lock()
        self.starts = []
        self.threads = set()

    def sleep(self, seconds):
        self.local.slept = getattr(self.local, 'slept', 0.0) + seconds

    def request(self, timeout, verify, **request):
        with self.lock:
            self.starts.append(self.clock() + getattr(self.local, 'slept', 0.0))
            self.threads.add(threading.get_ident())
            refused = len(self.starts) % 7 == 0
        self.local.slept = 0.0
        if refused:
            raise ApiError('Submit', 'throttled', http_status=503, code='Throttling', retryable=True)
        return 'ok'


class PacedClient(FakeClient):
    """Sends each batch as one call through a real Transport."""

    submit_concurrency = 4

    def __init__(self, transport):
        super().__init__()
        self.transport = transport

    def submit(self, batch):
        self.transport.call('Submit', lambda: dict(method='POST', url='https://cdn.example.com/'), lambda answer: answer,
                            mutating=True)
        return dict(already_queued=[], accepted=[dict(task_id=batch['paths'][0], task_ids=[batch['paths'][0]],
                                                      request_id=None, paths=batch['paths'])])


def test_four_submissions_at_once_keep_to_the_rate_retries_included():
    rate = 5
    session = PacedSession(clock=lambda: 1764489600.0)
    transport = Transport(session=session, rates={'Submit': rate}, clock=session.clock, sleep=session.sleep,
                          retry=RetryPolicy(sleep=lambda seconds: None, jitter=lambda: 0.0))
    batches = [dict(operation='refresh', object_type='file', paths=['https://a.example.com/%d' % n]) for n in range(40)]
    outcomes, error = submit_all(PacedClient(transport), batches, {batch['paths'][0]: 'a.example.com' for batch in batches})

    assert error is None and all(outcome['accepted'] for outcome in outcomes)
    assert transport.retries == 6 and len(session.starts) == 46 and len(session.threads) <= 4
    starts = sorted(session.starts)
    assert min(later - earlier for earlier, later in zip(starts, starts[1:])) >= 1.0 / rate
    assert max(sum(1 for other in starts if start <= other < start + 1.0) for start in starts) <= rate
