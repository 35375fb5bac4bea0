# Copyright (c) 2026, cdnops.cdn contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The pieces of issue 9 without HTTP: refreshed_after parsing, the per-minute budget, covering lookups, and what
submit_batch does after a lost answer or a per-minute refusal (against a scripted fake vendor)."""

from __future__ import annotations

import calendar
import datetime
import threading
import time

import pytest

from ansible_collections.cdnops.cdn.plugins.module_utils._errors import ApiError, NetworkError
from ansible_collections.cdnops.cdn.plugins.module_utils._runner import (
    find_covering, parse_time, path_key, split_batches, submit_batch)
from ansible_collections.cdnops.cdn.plugins.module_utils._transport import MinuteBudget, Pacer, PacingTimeout
from ansible_collections.cdnops.cdn.plugins.module_utils._vendor import CallLimit

NOON = calendar.timegm((2026, 11, 30, 12, 0, 0))


# -- refreshed_after ----------------------------------------------------------------------------------------


@pytest.mark.parametrize('value, expected', [
    ('2026-11-30T12:00:00Z', NOON),
    ('2026-11-30t12:00:00z', NOON),
    ('2026-11-30T20:00:00+08:00', NOON),
    ('2026-11-30T20:00:00+0800', NOON),
    ('2026-11-30T07:30:00-04:30', NOON),
    ('2026-11-30 12:00Z', NOON),
    ('2026-11-30T12:00:00.250Z', NOON + 0.25),
    ('2026-11-30T12:00:00,5+00:00', NOON + 0.5),
    (NOON, NOON),
    (NOON + 0.75, NOON + 0.75),
    (str(NOON), NOON),
    (' %d.5 ' % NOON, NOON + 0.5),
    (datetime.datetime(2026, 11, 30, 12, tzinfo=datetime.timezone.utc), NOON),
])
def test_accepted_points_in_time(value, expected):
    assert parse_time(value) == pytest.approx(expected)


@pytest.mark.parametrize('value', [
    '2026-11-30T12:00:00',              # no time zone: it would depend on the controller's
    '2026-11-30', 'yesterday', '', '2026-02-30T00:00:00Z', '2026-11-30T24:00:00Z', '2026-11-30T12:00:00+19:00',
    '2026-11-30T12:00:00+08:60', True, False, None, -1, float('nan'), float('inf'), '-1', '1e9',
    NOON * 1000,                        # milliseconds
    datetime.datetime(2026, 11, 30, 12),
])
def test_refused_values(value):
    assert parse_time(value) is None


def test_path_key_treats_a_bare_host_as_http_and_ignores_case_of_scheme_and_host():
    assert path_key('www.example.com/a.js') == path_key('HTTP://WWW.example.com/a.js') == 'http://www.example.com/a.js'
    assert path_key('https://www.example.com/a.js') != path_key('http://www.example.com/a.js')
    assert path_key('https://www.example.com/A.js') != path_key('https://www.example.com/a.js')


# -- batching to a per-domain limit -------------------------------------------------------------------------


def test_split_batches_keeps_each_domain_within_its_per_minute_share():
    entries = [('http://a.com/%d' % n, 'a.com') for n in range(450)] + [('http://b.com/%d' % n, 'b.com') for n in range(100)]
    batches = split_batches(entries, CallLimit(1000, 10), per_domain=200)
    assert [len(batch) for batch in batches] == [200, 200, 150]
    assert sorted(url for batch in batches for url in batch) == sorted(url for url, domain in entries)


# -- the per-minute budget ----------------------------------------------------------------------------------


class Clock:
    def __init__(self, now):
        self.now = now
        self.sleeps = []

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.sleeps.append(seconds)
        self.now += seconds


def test_budget_waits_for_the_next_minute_when_a_domain_is_full():
    clock = Clock(NOON + 10)
    budget = MinuteBudget(1000, 600, clock=clock, sleep=clock.sleep)
    assert budget.reserve({'a.com': 1000}) == 0
    assert budget.reserve({'b.com': 1000}) == 0                 # another domain has its own limit
    assert budget.reserve({'a.com': 500}) == pytest.approx(51)   # to 1 s into the next minute
    assert clock.now == NOON + 61 and budget.waited == pytest.approx(51)


def test_budget_counts_a_submission_at_the_end_of_a_minute_in_both():
    clock = Clock(NOON + 59.5)
    budget = MinuteBudget(1000, 600, clock=clock, sleep=clock.sleep)
    budget.reserve({'a.com': 600})
    budget.reserve({'a.com': 500})
    assert clock.now == NOON + 121      # neither the rest of this minute nor the next had room for 500 more


def test_budget_after_a_refusal_waits_for_the_next_minute():
    clock = Clock(NOON + 20)
    budget = MinuteBudget(10000, 600, clock=clock, sleep=clock.sleep)
    budget.reserve({'a.com': 500})
    budget.refused(['a.com'])
    assert budget.reserve({'a.com': 500}) == pytest.approx(41)


def test_budget_gives_up_past_its_deadline():
    clock = Clock(NOON + 10)
    budget = MinuteBudget(1000, 45, clock=clock, sleep=clock.sleep)
    budget.reserve({'a.com': 1000})
    with pytest.raises(PacingTimeout) as info:
        budget.reserve({'a.com': 1})
    assert 'pacing_timeout=45s' in str(info.value) and info.value.error_facts()['action'] == 'pacing'
    assert clock.sleeps == []


def test_budget_refuses_a_batch_larger_than_the_limit_at_once():
    clock = Clock(NOON)
    with pytest.raises(PacingTimeout):
        MinuteBudget(100, 600, clock=clock, sleep=clock.sleep).reserve({'a.com': 101})


# -- a scripted vendor ----------------------------------------------------------------------------------------


def task(task_id, paths, failed=(), status='complete', created='2026-11-30T12:00:00Z'):
    return dict(task_id=task_id, status=status, progress=100.0, reason=None, created=created, paths=list(paths),
                failed_paths=list(failed))


class Scripted:
    """Answers submit() from `answers` in turn (a Submission, or an exception to raise) and find_tasks() from `found`."""

    finds_tasks = True
    per_minute_codes = frozenset(['PerMinute'])

    def __init__(self, answers, found=()):
        self.answers = list(answers)
        self.found = list(found)
        self.sent = []
        self.lookups = []

    def submit(self, batch):
        self.sent.append(list(batch['paths']))
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    def find_tasks(self, operation, object_type, domain=None, path=None, since=None):
        self.lookups.append((object_type, tuple(domain), since))
        answer = self.found.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer


def accepted(task_id, paths):
    return dict(already_queued=[], accepted=[dict(task_id=task_id, task_ids=[task_id], request_id='R', paths=paths)])


PATHS = ['http://a.com/1', 'http://a.com/2', 'http://b.com/1']
DOMAIN_OF = {path: path.split('/')[2] for path in PATHS}
BATCH = dict(operation='refresh', object_type='file', paths=PATHS)


def lost():
    return NetworkError('RefreshObjectCaches', 'the server closed the connection without answering', ambiguous=True)


def test_lost_answer_adopts_the_tasks_found_and_resends_only_the_rest():
    client = Scripted([lost(), accepted('9', PATHS[2:])], found=[[task('7', PATHS[:2] + ['http://a.com/other'])]])
    outcome = submit_batch(client, BATCH, DOMAIN_OF, clock=lambda: NOON)
    assert client.sent == [PATHS, PATHS[2:]]
    assert client.lookups == [('file', ('a.com', 'b.com'), NOON - 60)]
    assert outcome['accepted'][0] == dict(task_id='7', task_ids=['7'], request_id=None, paths=PATHS[:2], recovery='found')
    assert outcome['accepted'][1]['task_id'] == '9'
    assert outcome['error'] is None and outcome['not_submitted'] == [] and outcome['unconfirmed'] == []


def test_a_failed_row_does_not_cover_and_is_sent_again():
    client = Scripted([lost(), accepted('9', PATHS[:1])],
                      found=[[task('7', PATHS, failed=PATHS[:1], status='failed')]])
    outcome = submit_batch(client, BATCH, DOMAIN_OF, clock=lambda: NOON)
    assert client.sent == [PATHS, PATHS[:1]]
    assert [entry['paths'] for entry in outcome['accepted']] == [PATHS[1:], PATHS[:1]]


def test_a_second_lost_answer_leaves_the_uncovered_paths_not_submitted():
    client = Scripted([lost(), lost()], found=[[], [task('8', PATHS[:1])]])
    outcome = submit_batch(client, BATCH, DOMAIN_OF, clock=lambda: NOON)
    assert len(client.sent) == 2 and len(client.lookups) == 2
    assert [entry['paths'] for entry in outcome['accepted']] == [PATHS[:1]]
    assert outcome['not_submitted'] == PATHS[1:] and outcome['error'].ambiguous


def test_a_failed_lookup_leaves_the_paths_unconfirmed():
    refused = ApiError('DescribeRefreshTasks', 'no', code='Forbidden.RAM')
    client = Scripted([lost()], found=[refused])
    outcome = submit_batch(client, BATCH, DOMAIN_OF, clock=lambda: NOON)
    assert outcome['unconfirmed'] == PATHS and outcome['not_submitted'] == [] and outcome['accepted'] == []
    assert 'looking for its task failed' in str(outcome['error'])


def test_a_vendor_without_a_lookup_reports_an_ambiguous_failure_as_unconfirmed():
    client = Scripted([lost()])
    client.finds_tasks = False
    outcome = submit_batch(client, BATCH, DOMAIN_OF, clock=lambda: NOON)
    assert outcome['unconfirmed'] == PATHS and client.lookups == []


def test_a_clear_refusal_is_not_submitted():
    client = Scripted([ApiError('RefreshObjectCaches', 'no', code='QuotaExceeded.Refresh')])
    outcome = submit_batch(client, BATCH, DOMAIN_OF, clock=lambda: NOON)
    assert outcome['not_submitted'] == PATHS and outcome['unconfirmed'] == [] and client.lookups == []


def test_a_per_minute_refusal_waits_and_sends_the_same_paths_again():
    clock = Clock(NOON + 30)
    budget = MinuteBudget(10000, 600, clock=clock, sleep=clock.sleep)
    client = Scripted([ApiError('RefreshObjectCaches', 'too many', code='PerMinute'), accepted('9', PATHS)])
    outcome = submit_batch(client, BATCH, DOMAIN_OF, budget=budget, clock=clock)
    assert client.sent == [PATHS, PATHS] and clock.now == NOON + 61
    assert [entry['task_id'] for entry in outcome['accepted']] == ['9'] and outcome['error'] is None


def test_what_a_splitting_vendor_did_before_an_error_is_kept():
    error = ApiError('/api/refresh', 'refused', code=15)
    error.submitted = dict(accepted=accepted('5', PATHS[:1])['accepted'], already_queued=PATHS[1:2])
    client = Scripted([error])
    client.finds_tasks = False
    outcome = submit_batch(client, BATCH, DOMAIN_OF, clock=lambda: NOON)
    assert [entry['paths'] for entry in outcome['accepted']] == [PATHS[:1]]
    assert outcome['already_queued'] == PATHS[1:2] and outcome['not_submitted'] == PATHS[2:]


def test_find_covering_matches_spellings_and_skips_failed_paths():
    client = Scripted([], found=[[task('2', ['HTTP://A.COM/1', 'http://a.com/2'], failed=['http://a.com/2']),
                                  task('1', ['a.com/1'])]])
    covering = find_covering(client, 'refresh', 'file', [('a.com/1', 'a.com'), ('http://a.com/2', 'a.com')], NOON)
    assert {url: [entry['task_id'] for entry in tasks] for url, tasks in covering.items()} == {'a.com/1': ['2', '1']}
    assert client.lookups == [('file', ('a.com',), NOON)]


# -- the pacer's sliding second ---------------------------------------------------------------------------------


def test_a_call_waits_a_second_after_the_answer_to_the_call_rate_calls_before():
    clock = Clock(NOON)
    pacer = Pacer({'Describe': 5}, clock=clock, sleep=clock.sleep)
    tokens = [pacer.wait('Describe') for dummy in range(5)]      # five calls in flight, 0.22 s apart
    assert clock.now == pytest.approx(NOON + 0.88)
    started = []
    sixth = threading.Thread(target=lambda: started.append(pacer.wait('Describe')))
    sixth.start()
    time.sleep(0.2)
    assert not started, 'the sixth call waits while the first is in flight'
    clock.now = NOON + 1.5          # the first answer comes back late
    pacer.done(tokens[0])
    sixth.join(5)
    assert started and clock.now == pytest.approx(NOON + 2.5)   # a second after that answer, not 0.22 s after the fifth


def test_answers_that_came_back_long_ago_do_not_slow_the_next_call():
    clock = Clock(NOON)
    pacer = Pacer({'Describe': 5}, clock=clock, sleep=clock.sleep)
    for dummy in range(5):
        pacer.done(pacer.wait('Describe'))
    clock.now += 10
    before = clock.now
    pacer.done(pacer.wait('Describe'))
    assert clock.now == before
