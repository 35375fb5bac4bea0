# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The sandbox process and its admin API: CLI, signals, /_sandbox/ routes, Python API."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import threading
import time

import pytest
import requests

import cdn_sandbox
from sandbox_testlib import ALI_KEY, JD_USER, ali_call, jd_call, jd_signature_now

SCRIPT = os.path.join(os.path.dirname(cdn_sandbox.__file__), 'cdn_sandbox.py')


class RunningProcess:
    """The sandbox started as a command; the first stdout line gives its URL."""

    def __init__(self, *args):
        self.process = subprocess.Popen([sys.executable, SCRIPT, '--port', '0', *args],  # pylint: disable=consider-using-with
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        timer = threading.Timer(20, self.process.kill)
        timer.start()
        self.first_line = self.process.stdout.readline().rstrip('\n')
        timer.cancel()
        match = re.fullmatch(r'listening on (http://127\.0\.0\.1:\d+)', self.first_line)
        assert match, self.first_line
        self.url = match.group(1)
        self.host, self.port = self.url.split('//')[1].split(':')

    def now(self):
        """The server clock, for signing: real time plus the configured offset."""
        return time.time() + requests.get(self.url + '/_sandbox/config', timeout=10).json()['clock_offset']

    def stop(self, signum=signal.SIGTERM):
        self.process.send_signal(signum)
        stderr = self.process.communicate(timeout=20)[1]
        return self.process.returncode, stderr


@pytest.mark.parametrize('signum', [signal.SIGTERM, signal.SIGINT])
def test_cli_prints_its_url_first_and_stops_cleanly(signum):
    process = RunningProcess('--task-delay', '0.1')
    try:
        assert ali_call(process, 'DescribeRefreshQuota').json()['UrlQuota'] == '10000'
    finally:
        returncode, stderr = process.stop(signum)
    assert returncode == 0, stderr


def test_cli_flags():
    process = RunningProcess('--alicdn-credential', 'LTAIcli:cli:secret', '--jdcdn-credential', 'cli_user:cli-secret',
                             '--alicdn-sts', 'STS.cli:sts-secret:token', '--domains', 'a.com,b.com', '--fail-pattern', 'bad',
                             '--alicdn-url-quota', '5', '--alicdn-url-per-minute', '7', '--clock-offset', '120',
                             '--jdcdn-lenient-date', '--log-requests')
    try:
        config = requests.get(process.url + '/_sandbox/config', timeout=10).json()
        assert config['alicdn_credentials'] == ['LTAIcli'] and config['alicdn_sts'] == ['STS.cli']
        assert config['jdcdn_credentials'] == ['cli_user'] and config['domains'] == ['a.com', 'b.com']
        assert config['fail_patterns'] == ['bad'] and config['alicdn_quota']['url'] == 5 and config['alicdn_quota']['dir'] == 100
        assert (config['alicdn_url_per_minute'], config['clock_offset'], config['jdcdn_lenient_date']) == (7, 120, True)
        quota = ali_call(process, 'DescribeRefreshQuota', AccessKeyId='LTAIcli', secret='cli:secret').json()
        assert quota['UrlQuota'] == '5'
        assert ali_call(process, 'DescribeRefreshQuota').status_code == 404   # the demo key is replaced
    finally:
        returncode, stderr = process.stop()
    assert returncode == 0
    logged = [json.loads(line) for line in stderr.splitlines() if line.startswith('{')]
    assert [entry['action'] for entry in logged] == ['DescribeRefreshQuota', 'DescribeRefreshQuota']
    assert 'cli:secret' not in stderr and logged[0]['params']['Signature'] == '***'


def test_admin_api(sandbox):
    admin = sandbox.url + '/_sandbox/'
    jd_call(sandbox, 'refresh', {'instances': ['http://www.a.com/x'], 'type': 'file'})
    ali_call(sandbox, 'RefreshObjectCaches', ObjectPath='http://example.com/x')
    logged = requests.get(admin + 'requests', timeout=10).json()
    assert [(entry['vendor'], entry['action'], entry['http_status']) for entry in logged] == [
        ('jdcdn', 'refresh', 200), ('alicdn', 'RefreshObjectCaches', 200)]
    assert set(logged[0]) >= {'vendor', 'action', 'method', 'params', 'http_status', 'code', 'time'}
    tasks = requests.get(admin + 'tasks', timeout=10).json()
    assert tasks['jdcdn'][0]['urls'] == ['http://www.a.com/x'] and tasks['alicdn'][0]['ObjectPath'] == 'http://example.com/x'

    fault = {'vendor': 'alicdn', 'action': 'DescribeRefreshQuota', 'kind': 'throttle', 'times': 1, 'delay': 0}
    assert requests.post(admin + 'faults', json=fault, timeout=10).json() == {'ok': True}
    assert ali_call(sandbox, 'DescribeRefreshQuota').status_code == 503
    assert requests.post(admin + 'faults', json={**fault, 'kind': 'melt'}, timeout=10).status_code == 400

    config = requests.post(admin + 'config', json={'alicdn_quota': {'url': 1}, 'task_delay': 5}, timeout=10).json()
    assert config['alicdn_quota']['url'] == 1 and config['task_delay'] == 5
    assert requests.post(admin + 'config', json={'nonsense': 1}, timeout=10).status_code == 400
    assert requests.post(admin + 'config', data=b'[1]', timeout=10).status_code == 400

    assert requests.post(admin + 'reset', timeout=10).json() == {'ok': True}
    assert requests.get(admin + 'requests', timeout=10).json() == []
    assert requests.get(admin + 'tasks', timeout=10).json() == {'alicdn': [], 'jdcdn': []}
    assert requests.get(admin + 'nothing', timeout=10).status_code == 404
    assert sandbox.requests == []   # admin calls are not logged


def test_python_api(make_sandbox):
    sandbox = make_sandbox(jdcdn_credentials={'other': 'pw'}, alicdn_quota={'url': 2})
    assert sandbox.url == f'http://127.0.0.1:{sandbox.port}' and sandbox.port > 0
    assert sandbox.config.alicdn_quota == {'url': 2, 'dir': 100, 'regex': 20, 'ignore_params': 100, 'preload': 1000}
    body = jd_call(sandbox, 'refresh', {'username': 'other', 'signature': jd_signature_now(sandbox, 'other', 'pw'),
                                        'instances': ['http://www.a.com/x'], 'type': 'file'}).json()
    assert body['status'] == 0
    assert jd_call(sandbox, 'refresh', {'username': JD_USER, 'instances': ['http://www.a.com/y'], 'type': 'file'}).json()['status'] == 20
    with pytest.raises(ValueError):
        sandbox.set_config(colour='blue')
    with pytest.raises(ValueError):
        sandbox.inject_fault(kind='melt')
    sandbox.set_config(alicdn_quota={'dir': 3})
    assert (sandbox.config.alicdn_quota['url'], sandbox.config.alicdn_quota['dir']) == (2, 3)
    sandbox.reset()
    assert sandbox.requests == [] and sandbox.tasks == {'alicdn': [], 'jdcdn': []}


def test_context_manager_and_unknown_paths():
    with cdn_sandbox.Sandbox(port=0, alicdn_credentials={ALI_KEY: 'x'}) as sandbox:
        assert requests.get(sandbox.url + '/elsewhere', timeout=10).status_code == 404
        assert requests.post(sandbox.url + '/api/unknown', timeout=10).status_code == 404
        url = sandbox.url
    with pytest.raises(requests.ConnectionError):
        requests.get(url + '/_sandbox/requests', timeout=2)


def test_fault_wildcards_and_counts(sandbox):
    sandbox.inject_fault(vendor='*', action='*', kind='error5xx', times=3)
    assert ali_call(sandbox, 'DescribeRefreshQuota').status_code == 500
    assert jd_call(sandbox, 'refresh', {'instances': ['http://www.a.com/x'], 'type': 'file'}).status_code == 500
    assert jd_call(sandbox, 'refreshQuery', {'taskid': 'x'}).status_code == 500
    assert ali_call(sandbox, 'DescribeRefreshQuota').status_code == 200


def test_cli_flags_for_limits_and_identity():
    role = 'acs:ram::1234567890123456:role/cli'
    process = RunningProcess('--alicdn-call-limit', 'DescribeRefreshTasks:2', '--alicdn-preload-queue', '7',
                             '--sts-role', role + '=7200', '--sts-role-denied', role + '-denied',
                             '--ecs-role', 'RoleA', '--ecs-role', 'RoleB', '--ecs-metadata-require-token', '--ecs-metadata-down')
    try:
        config = requests.get(process.url + '/_sandbox/config', timeout=10).json()
        assert config['alicdn_call_limits']['DescribeRefreshTasks'] == 2 and config['alicdn_call_limits']['RefreshObjectCaches'] == 50
        assert config['alicdn_preload_queue'] == 7 and config['ecs_roles'] == ['RoleA', 'RoleB']
        assert config['sts_roles'] == {role: {'allowed': True, 'max_session_duration': 7200},
                                       role + '-denied': {'allowed': False, 'max_session_duration': 3600}}
        assert (config['ecs_metadata_require_token'], config['ecs_metadata_down']) == (True, True)
    finally:
        assert process.stop()[0] == 0
    process = RunningProcess('--no-alicdn-call-limits')
    try:
        assert requests.get(process.url + '/_sandbox/config', timeout=10).json()['alicdn_call_limits'] == {}
    finally:
        assert process.stop()[0] == 0


def test_admin_clock_and_filtered_requests(sandbox):
    admin = sandbox.url + '/_sandbox/'
    before = requests.get(admin + 'clock', timeout=10).json()
    moved = requests.post(admin + 'clock', json={'advance': 3600}, timeout=10).json()
    assert moved['clock_offset'] == before['clock_offset'] + 3600 and moved['now'] >= before['now'] + 3600
    assert abs(sandbox.now() - moved['now']) < 5
    assert sandbox.advance_clock(-3600) < moved['now']
    ali_call(sandbox, 'DescribeRefreshQuota')
    jd_call(sandbox, 'refreshQuery', {'taskid': 'x'})
    logged = requests.get(admin + 'requests', params={'vendor': 'jdcdn'}, timeout=10).json()
    assert [(entry['action'], entry['access_key_id']) for entry in logged] == [('refreshQuery', JD_USER)]
    logged = requests.get(admin + 'requests', params={'action': 'DescribeRefreshQuota'}, timeout=10).json()
    assert [(entry['vendor'], entry['access_key_id']) for entry in logged] == [('alicdn', ALI_KEY)]
