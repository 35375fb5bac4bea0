# Copyright (c) 2026, cdnops.cdn contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The retry policy: bounded, backing off with jitter, honouring a server hint, re-preparing every attempt."""

from __future__ import annotations

import pytest

from ansible_collections.cdnops.cdn.plugins.module_utils._errors import ApiError, NetworkError
from ansible_collections.cdnops.cdn.plugins.module_utils._transport import USER_AGENT, RetryPolicy, Transport


def test_delays_grow_and_are_capped():
    policy = RetryPolicy(base_delay=1.0, max_delay=16.0, jitter=lambda: 1.0)
    assert [policy.delay(n) for n in range(1, 8)] == [1.0, 2.0, 4.0, 8.0, 16.0, 16.0, 16.0]


def test_jitter_keeps_at_least_half_the_delay():
    policy = RetryPolicy(base_delay=1.0, jitter=lambda: 0.0)
    assert [policy.delay(n) for n in range(1, 4)] == [0.5, 1.0, 2.0]


def test_server_hint_wins_over_a_shorter_backoff_but_is_bounded():
    policy = RetryPolicy(base_delay=1.0, max_delay=16.0, jitter=lambda: 0.0)
    assert policy.delay(1, retry_after=5) == 5
    assert policy.delay(1, retry_after=3600) == 64.0


class Session:
    """Answers with the scripted outcomes in turn; records what each attempt sent."""

    def __init__(self, outcomes):
        self.outcomes = list(outcomes)
        self.sent = []
        self.headers = {}
        self.verify = None

    def request(self, timeout, **request):
        self.sent.append(request)
        outcome = self.outcomes.pop(0)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome


def transport(outcomes, waits):
    return Transport(timeout=5, session=Session(outcomes), retry=RetryPolicy(sleep=waits.append, jitter=lambda: 0.0))


def parse(response):
    if response != 'ok':
        raise response
    return response


def test_every_attempt_is_prepared_afresh_and_retryable_errors_are_retried():
    waits = []
    throttled = ApiError('RefreshObjectCaches', 'throttled', http_status=503, code='Throttling', retryable=True)
    client = transport([throttled, throttled, 'ok'], waits)
    nonces = iter(range(10))

    assert client.call('RefreshObjectCaches', lambda: dict(method='POST', url='u', params={'nonce': next(nonces)}), parse) == 'ok'
    assert [request['params']['nonce'] for request in client.session.sent] == [0, 1, 2]
    assert waits == [0.5, 1.0]
    assert client.session.headers['User-Agent'] == USER_AGENT and USER_AGENT.startswith('cdnops.cdn/')


def test_a_fatal_error_is_raised_at_once():
    waits = []
    denied = ApiError('RefreshObjectCaches', 'no', http_status=403, code='Forbidden.RAM')
    with pytest.raises(ApiError) as info:
        transport([denied], waits).call('RefreshObjectCaches', lambda: dict(method='POST', url='u'), parse)
    assert info.value is denied and waits == []


def test_giving_up_says_how_many_attempts():
    waits = []
    failing = [NetworkError('RefreshObjectCaches', 'connection refused') for attempt in range(5)]
    with pytest.raises(NetworkError, match=r'connection refused \(gave up after 5 attempts\)'):
        transport(failing, waits).call('RefreshObjectCaches', lambda: dict(method='POST', url='u'), parse)
    assert len(waits) == 4


def test_tls_settings_reach_the_session():
    assert Transport(session=Session([]), validate_certs=False).session.verify is False
    assert Transport(session=Session([]), ca_path='/etc/ca.pem').session.verify == '/etc/ca.pem'
    assert Transport(session=Session([])).session.verify is True


def test_user_agent_version_is_the_collection_version():
    import os
    galaxy = os.path.join(os.path.dirname(__file__), '..', '..', '..', '..', 'galaxy.yml')
    with open(galaxy) as handle:
        version = [line.split(':', 1)[1].strip().strip('"\'') for line in handle if line.startswith('version:')][0]
    assert USER_AGENT.startswith('cdnops.cdn/%s ' % version)
