# Copyright (c) 2026, cdnops.cdn contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The JD signer against the documented vector (vendor-apis.md B1.2), the UTC+8 date, and the client against the sandbox."""

from __future__ import annotations

import calendar
import hashlib
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from ansible_collections.cdnops.cdn.plugins.module_utils import _jdcdn
from ansible_collections.cdnops.cdn.plugins.module_utils._errors import ApiError, NetworkError, ValidationError
from ansible_collections.cdnops.cdn.plugins.module_utils._transport import RetryPolicy, Transport

import cdn_sandbox  # tests/sandbox, on sys.path through conftest.py

JDCDN_USERNAME = 'sandbox_user'
JDCDN_SECRET = 'sandbox-demo-secret'


def epoch(text):
    return calendar.timegm(time.strptime(text, '%Y-%m-%dT%H:%M:%SZ'))


def client_for(url, clock=None, waits=None, username=JDCDN_USERNAME, secret_key=JDCDN_SECRET):
    transport = Transport(retry=RetryPolicy(sleep=(waits if waits is not None else []).append))
    params = dict(username=username, secret_key=secret_key, endpoint=url)
    client = _jdcdn.JdcdnClient.from_params(params, transport)
    if clock is not None:
        client.clock = clock
    return client


def refresh_calls(sandbox):
    return [entry for entry in sandbox.requests if entry['action'] == 'refresh']


# -- the signer ----------------------------------------------------------------------------------------


def test_documented_vector():
    noon_in_beijing = epoch('2016-10-23T04:00:00Z')
    assert _jdcdn.signature('jcloud_00', 'e7a31b1c5ea0efa9aa2f29c6559f7d61', noon_in_beijing) == 'a35685491fd80a80b40a718c3a5c5c56'


@pytest.mark.parametrize('utc, date', [
    ('2024-01-01T15:59:59Z', '20240101'),
    ('2024-01-01T16:00:00Z', '20240102'),
    ('2024-01-01T16:30:00Z', '20240102'),
    ('2023-12-31T23:59:59Z', '20240101'),
    ('2024-02-28T16:00:00Z', '20240229'),
])
def test_date_is_utc_plus_8(utc, date):
    assert _jdcdn.sign_date(epoch(utc)) == date
    expected = hashlib.md5((date + 'user' + 'key').encode()).hexdigest()
    assert _jdcdn.signature('user', 'key', epoch(utc)) == expected


@pytest.mark.parametrize('zone', ['UTC', 'America/Los_Angeles', 'Asia/Shanghai', 'Pacific/Kiritimati'])
def test_host_time_zone_does_not_matter(monkeypatch, zone):
    monkeypatch.setenv('TZ', zone)
    time.tzset()
    try:
        assert _jdcdn.sign_date(epoch('2024-01-01T16:30:00Z')) == '20240102'
        assert _jdcdn.sign_date(epoch('2024-01-01T15:59:00Z')) == '20240101'
    finally:
        monkeypatch.undo()
        time.tzset()


# -- messages ------------------------------------------------------------------------------------------


@pytest.mark.parametrize('code, words', [
    (7, ['secret_key', 'username', 'UTC+8']),
    (9, ['100']),
    (46, ['5 directories']),
    (15, ['not a CDN domain of this JD account']),
    (18, ['not a CDN domain of this JD account']),
    (17, ['not a valid JD CDN domain']),
    (20, ['JDCDN_USERNAME']),
    (-1, ['try again later']),
    (8, ['try again later']),
    (1, ['task ID']),
    (33, ["status code reference"]),
])
def test_every_code_has_a_hint(code, words):
    message = _jdcdn._error_message(code, 'vendor text')
    assert message.startswith('vendor text (')
    for word in words:
        assert word in message


def test_messages_never_quote_a_signature():
    signature = _jdcdn.signature(JDCDN_USERNAME, JDCDN_SECRET, time.time())
    message = _jdcdn._error_message(7, 'expected %s' % signature)
    assert signature not in message
    assert '93820486-226d-459b-b33f-5124b566cab7' in _jdcdn.redact('task 93820486-226d-459b-b33f-5124b566cab7')


def submit(client, object_type, urls):
    """client.submit for one refresh Batch, flattened: task_id (comma-joined), task_ids, already_queued."""
    submission = client.submit(dict(operation='refresh', object_type=object_type, paths=list(urls)))
    task_ids = [task_id for accepted in submission['accepted'] for task_id in accepted['task_ids']]
    return dict(task_id=','.join(task_ids) or None, task_ids=task_ids, request_id=None,
                already_queued=submission['already_queued'])


# -- credentials and endpoint --------------------------------------------------------------------------


@pytest.mark.parametrize('params, named', [
    (dict(), ['username and secret_key', 'JDCDN_USERNAME, JDCDN_SECRET_KEY']),
    (dict(username='u'), ['secret_key', 'JDCDN_SECRET_KEY']),
    (dict(secret_key='s'), ['username', 'JDCDN_USERNAME']),
])
def test_missing_credentials(params, named):
    with pytest.raises(ValidationError) as info:
        _jdcdn.JdcdnClient.from_params(params, None)
    for text in named:
        assert text in str(info.value)


def test_default_endpoint():
    client = _jdcdn.JdcdnClient.from_params(dict(username='u', secret_key='s'), None)
    assert client.endpoint == 'https://opencdn.jcloud.com'


# -- the client against the sandbox --------------------------------------------------------------------


def test_refresh_sends_the_documented_body(sandbox):
    client = client_for(sandbox.url)
    result = submit(client, 'directory', ['http://www.example.com/a/', 'http://www.example.com/b/'])
    (call,) = sandbox.requests
    assert (call['action'], call['method'], call['code']) == ('refresh', 'POST', 0)
    assert call['params'] == dict(username=JDCDN_USERNAME, signature='***', type='dir',
                                  instances=['http://www.example.com/a/', 'http://www.example.com/b/'])
    assert result['task_ids'] == [result['task_id']] and result['already_queued'] == []
    assert client.task_paths[result['task_id']] == ['http://www.example.com/a/', 'http://www.example.com/b/']


def test_status_47_bisects_to_the_queued_addresses(sandbox):
    sandbox.set_config(task_delay=30)
    client = client_for(sandbox.url)
    urls = ['http://www.example.com/%d.css' % number for number in range(10)]
    submit(client, 'file', [urls[3], urls[7]])
    result = submit(client, 'file', urls)
    assert sorted(result['already_queued']) == [urls[3], urls[7]]
    submitted = [url for task_id in result['task_ids'] for url in client.task_paths[task_id]]
    assert sorted(submitted) == sorted(set(urls) - {urls[3], urls[7]})
    assert result['task_id'] == ','.join(result['task_ids'])
    # every URL is in exactly one live task on the JD side
    live = [url for row in sandbox.tasks['jdcdn'] for url in row['urls']]
    assert sorted(live) == sorted(urls)
    assert [len(call['params']['instances']) for call in refresh_calls(sandbox)] == [2, 10, 5, 2, 3, 1, 2, 1, 1, 5, 2, 3, 1, 2]


def test_whole_batch_already_queued(sandbox):
    sandbox.set_config(task_delay=600)   # the first task must still be queued, however slow the machine
    client = client_for(sandbox.url)
    urls = ['http://www.example.com/a.css', 'http://www.example.com/b.css']
    submit(client, 'file', urls)
    result = submit(client, 'file', urls)
    assert result == dict(task_id=None, task_ids=[], request_id=None, already_queued=urls)


def test_queued_again_once_the_task_is_done(sandbox):
    client = client_for(sandbox.url)
    sandbox.set_config(task_delay=60)
    submit(client, 'file', ['http://www.example.com/a.css'])
    sandbox.advance_clock(61)
    assert submit(client, 'file', ['http://www.example.com/a.css'])['already_queued'] == []


def test_a_refusal_is_retried(sandbox):
    waits = []
    client = client_for(sandbox.url, waits=waits)
    sandbox.inject_fault(vendor='jdcdn', action='refresh', kind='throttle', times=2)
    assert submit(client, 'file', ['http://www.example.com/a.css'])['task_id']
    assert [entry['fault'] for entry in sandbox.requests] == ['throttle', 'throttle', None]
    assert len(waits) == 2


@pytest.mark.parametrize('kind', ['busy', 'error5xx', 'drop'])
def test_a_fault_that_may_follow_processing_is_sent_once_more_never_split(sandbox, kind):
    # These faults come before processing: the call sent once more creates the task. Reads are retried as usual.
    waits = []
    client = client_for(sandbox.url, waits=waits)
    sandbox.inject_fault(vendor='jdcdn', action='refresh', kind=kind, times=1)
    result = submit(client, 'file', ['http://www.example.com/a.css'])
    assert result['task_id'] and len(refresh_calls(sandbox)) == 2 and len(waits) == 1
    assert [row['urls'] for row in sandbox.tasks['jdcdn']] == [['http://www.example.com/a.css']]
    sandbox.inject_fault(vendor='jdcdn', action='refreshQuery', kind=kind, times=2)
    assert client.read_tasks('refresh', [result['task_id']])[0]['task_id'] == result['task_id']
    assert len(waits) == 3


def test_a_lost_answer_then_47_means_the_lost_call_was_accepted(sandbox):
    sandbox.set_config(task_delay=30)
    client = client_for(sandbox.url)
    urls = ['http://www.example.com/%d.css' % number for number in range(100)]
    sandbox.inject_fault(vendor='jdcdn', action='refresh', kind='lost', times=1)
    submission = client.submit(dict(operation='refresh', object_type='file', paths=urls))
    assert submission == dict(already_queued=[], accepted=[
        dict(task_id=None, task_ids=[], request_id=None, paths=urls, recovery='queued')])
    assert [(call['fault'], call['code']) for call in refresh_calls(sandbox)] == [('lost', 0), (None, 47)]
    assert [row['urls'] for row in sandbox.tasks['jdcdn']] == [urls]


def test_two_lost_answers_are_unconfirmed_after_two_calls(sandbox):
    sandbox.set_config(task_delay=30)
    client = client_for(sandbox.url)
    sandbox.inject_fault(vendor='jdcdn', action='refresh', kind='drop', times=2)
    with pytest.raises(NetworkError) as info:
        client.submit(dict(operation='refresh', object_type='file', paths=['http://www.example.com/a.css']))
    assert info.value.ambiguous and 'sent again after a lost answer' in str(info.value)
    assert len(refresh_calls(sandbox)) == 2


def test_an_error_while_splitting_keeps_what_was_accepted(sandbox):
    sandbox.set_config(task_delay=30)
    client = client_for(sandbox.url)
    urls = ['http://www.example.com/%d.css' % number for number in range(10)]
    submit(client, 'file', [urls[3]])
    # calls: 10 -> 47, 5 -> 47, 2 (0, 1) -> accepted, 3 (2, 3, 4) -> refused for good (status 1)
    sandbox.inject_fault(vendor='jdcdn', action='refresh', kind='quota', nth=4)
    with pytest.raises(ApiError) as info:
        client.submit(dict(operation='refresh', object_type='file', paths=urls))
    assert info.value.code == 1
    assert [accepted['paths'] for accepted in info.value.submitted['accepted']] == [urls[:2]]
    assert info.value.submitted['already_queued'] == []


def test_retries_are_bounded(sandbox):
    client = client_for(sandbox.url)
    sandbox.inject_fault(vendor='jdcdn', action='refresh', kind='throttle', times=10)
    with pytest.raises(ApiError) as info:
        submit(client, 'file', ['http://www.example.com/a.css'])
    assert info.value.code == 8 and 'gave up after 5 attempts' in str(info.value)
    assert len(sandbox.requests) == 5


def test_failure_status_is_not_retried(sandbox):
    client = client_for(sandbox.url)
    sandbox.inject_fault(vendor='jdcdn', action='refresh', kind='quota')
    with pytest.raises(ApiError) as info:
        submit(client, 'file', ['http://www.example.com/a.css'])
    assert info.value.code == 1 and not info.value.retryable
    assert len(sandbox.requests) == 1


def test_wrong_secret(sandbox):
    client = client_for(sandbox.url, secret_key='wrong-secret')
    with pytest.raises(ApiError) as info:
        submit(client, 'file', ['http://www.example.com/a.css'])
    message = str(info.value)
    assert info.value.code == 7 and len(sandbox.requests) == 1
    assert 'User signature is incorrect' in message and 'UTC+8' in message
    assert 'wrong-secret' not in message and _jdcdn.signature(JDCDN_USERNAME, 'wrong-secret', time.time()) not in message


def test_unknown_username(sandbox):
    client = client_for(sandbox.url, username='nobody')
    with pytest.raises(ApiError) as info:
        submit(client, 'file', ['http://www.example.com/a.css'])
    assert info.value.code == 20 and 'JDCDN_USERNAME' in str(info.value)


def test_domain_not_in_account(sandbox):
    sandbox.set_config(domains=['www.example.com'])
    client = client_for(sandbox.url)
    with pytest.raises(ApiError) as info:
        submit(client, 'file', ['http://static.example.org/a.css'])
    assert info.value.code == 15 and 'not a CDN domain of this JD account' in str(info.value)


def test_every_attempt_is_signed_with_its_own_date():
    # The first attempt is signed at 23:59:59.9 in Beijing and throttled; the retry, after midnight, needs the new date.
    now = [epoch('2024-01-01T15:59:59Z') + 0.9]

    def client_clock():
        value = now[0]
        now[0] += 1.0
        return value

    with cdn_sandbox.Sandbox(port=0, clock=lambda: now[0]) as server:
        server.inject_fault(vendor='jdcdn', action='refresh', kind='throttle')
        client = client_for(server.url, clock=client_clock)
        assert submit(client, 'file', ['http://www.example.com/a.css'])['task_id']
        assert [entry['code'] for entry in server.requests] == [8, 0]


def test_signature_rejected_across_midnight_is_tried_again():
    # Signed at 23:59:59.5 in Beijing, received at 00:00:00.1: rejected once, then signed with the new date.
    times = iter([epoch('2024-01-01T15:59:59Z') + 0.5] + [epoch('2024-01-01T16:00:00Z') + 0.2] * 5)
    with cdn_sandbox.Sandbox(port=0, clock=lambda: epoch('2024-01-01T16:00:00Z') + 0.1) as server:
        client = client_for(server.url, clock=lambda: next(times))
        assert submit(client, 'file', ['http://www.example.com/a.css'])['task_id']
        assert [entry['code'] for entry in server.requests] == [7, 0]


def test_signature_rejected_on_the_same_day_is_not_tried_again():
    pinned = epoch('2024-01-01T16:30:00Z')
    with cdn_sandbox.Sandbox(port=0, clock=lambda: pinned) as server:
        utc_date_signer = client_for(server.url, clock=lambda: pinned - 8 * 3600)  # what signing with the UTC date does
        with pytest.raises(ApiError) as info:
            submit(utc_date_signer, 'file', ['http://www.example.com/a.css'])
        assert info.value.code == 7 and len(server.requests) == 1
        assert submit(client_for(server.url, clock=lambda: pinned), 'file', ['http://www.example.com/a.css'])['task_id']


def test_task_status_and_info(sandbox):
    sandbox.set_config(fail_patterns=['/broken/'], task_delay=60)
    client = client_for(sandbox.url)
    good = submit(client, 'file', ['http://www.example.com/a.css'])['task_id']
    bad = submit(client, 'file', ['http://www.example.com/broken/b.css'])['task_id']
    running = client.read_tasks('refresh', [good])
    assert running == [dict(task_id=good, status='running', progress=0.0, reason=None, created=None,
                            paths=['http://www.example.com/a.css'], failed_paths=[])]
    sandbox.advance_clock(61)
    complete, failed = client.read_tasks('refresh', [good, bad])
    assert (complete['status'], complete['progress'], complete['failed_paths']) == ('complete', 100.0, [])
    assert (failed['status'], failed['reason'], failed['failed_paths']) == ('failed', 'Failed', ['http://www.example.com/broken/b.css'])
    fresh = client_for(sandbox.url)
    expected = dict(task_id=bad, status='failed', progress=0.0, reason='Failed', created=None, paths=[], failed_paths=[])
    assert fresh.read_tasks('refresh', [' %s ' % bad]) == [expected]
    assert [entry['params']['taskid'] for entry in sandbox.requests if entry['action'] == 'refreshQuery'][-1] == bad


class CountingClient(_jdcdn.JdcdnClient):
    """A client whose calls wait until `meet` of them are in flight at once (a barrier), counting the most seen."""

    def __init__(self, url, meet):
        super(CountingClient, self).__init__(client_for(url).transport, url, JDCDN_USERNAME, JDCDN_SECRET)
        self.barrier = threading.Barrier(meet, timeout=60)
        self.lock = threading.Lock()
        self.in_flight = self.most = 0

    def call(self, api, mutating=False, **fields):
        with self.lock:
            self.in_flight += 1
            self.most = max(self.most, self.in_flight)
        try:
            self.barrier.wait()     # raises BrokenBarrierError if `meet` calls are never in flight together
            return super(CountingClient, self).call(api, mutating, **fields)
        finally:
            with self.lock:
                self.in_flight -= 1


def test_task_queries_run_concurrently_within_the_submission_bound(sandbox):
    sandbox.set_config(task_delay=60)
    task_ids = [submit(client_for(sandbox.url), 'file', ['http://www.example.com/%d.css' % n])['task_id'] for n in range(8)]
    client = CountingClient(sandbox.url, meet=_jdcdn.JdcdnClient.submit_concurrency)
    tasks = client.read_tasks('refresh', task_ids)
    assert [task['task_id'] for task in tasks] == task_ids and {task['status'] for task in tasks} == {'running'}
    assert client.most == _jdcdn.JdcdnClient.submit_concurrency == 4
    queried = [entry['params']['taskid'] for entry in sandbox.requests if entry['action'] == 'refreshQuery']
    assert sorted(queried) == sorted(task_ids)


def test_unknown_task_id(sandbox):
    with pytest.raises(ApiError) as info:
        client_for(sandbox.url).read_tasks('refresh', ['00000000-0000-0000-0000-000000000000'])
    assert info.value.code == 1 and 'does not know the task ID' in str(info.value)


def test_empty_task_id_is_refused_before_any_request(sandbox):
    with pytest.raises(ValidationError):
        client_for(sandbox.url).read_tasks('refresh', ['  '])
    assert sandbox.requests == []


class NotJsonHandler(BaseHTTPRequestHandler):
    """A gateway that answers every call with an HTML page."""

    status = 502

    def do_POST(self):  # pylint: disable=invalid-name
        self.rfile.read(int(self.headers.get('Content-Length') or 0))
        body = b'<html><body>Bad Gateway</body></html>'
        self.send_response(self.status)
        self.send_header('Content-Type', 'text/html')
        self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format, *args):  # pylint: disable=redefined-builtin
        pass


@pytest.mark.parametrize('status, attempts', [(502, 2), (200, 1)])   # a 502 may follow processing: sent once more
def test_non_json_answer_is_an_error_not_a_traceback(status, attempts):
    handler = type('Handler', (NotJsonHandler,), dict(status=status))
    server = ThreadingHTTPServer(('127.0.0.1', 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    waits = []
    try:
        client = client_for('http://127.0.0.1:%d' % server.server_address[1], waits=waits)
        with pytest.raises(ApiError) as info:
            submit(client, 'file', ['http://www.example.com/a.css'])
    finally:
        server.shutdown()
        server.server_close()
    assert 'not a JSON object' in str(info.value) and 'HTTP %d' % status in str(info.value)
    assert len(waits) == attempts - 1


def test_connection_refused_is_a_network_error():
    client = client_for('http://127.0.0.1:9', waits=[])
    with pytest.raises(NetworkError) as info:
        submit(client, 'file', ['http://www.example.com/a.css'])
    assert 'connection refused' in str(info.value)


def test_limits_and_rules_are_declared():
    client = _jdcdn.JdcdnClient(None, 'http://x', 'u', 's')
    assert client.call_limit('refresh', 'file') == (100, None)
    assert client.call_limit('refresh', 'directory') == (5, None)
    assert client.call_limit('prefetch', 'file') == (50, None)
    assert client.read_quota() is None
    assert not client.rules.bare_host
