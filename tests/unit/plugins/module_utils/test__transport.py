# Copyright (c) 2026, cdnops.cdn contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The retry policy: bounded, backing off with jitter, honouring a server hint, re-preparing every attempt."""

from __future__ import annotations

import datetime
import http.server
import ssl
import threading

import pytest

from ansible_collections.cdnops.cdn.plugins.module_utils._errors import ApiError, NetworkError, ValidationError
from ansible_collections.cdnops.cdn.plugins.module_utils._transport import USER_AGENT, RetryPolicy, Transport, tls_verify

URL = 'https://cdn.example.com:8443/?Signature=secret-signature'


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

    def request(self, timeout, verify, **request):
        self.sent.append(dict(request, verify=verify))
        outcome = self.outcomes.pop(0)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome


def transport(outcomes, waits, log=None):
    return Transport(timeout=5, session=Session(outcomes), retry=RetryPolicy(sleep=waits.append, jitter=lambda: 0.0),
                     log=log)


def parse(response):
    if response != 'ok':
        raise response
    return response


def test_every_attempt_is_prepared_afresh_and_retryable_errors_are_retried():
    waits = []
    throttled = ApiError('RefreshObjectCaches', 'throttled', http_status=503, code='Throttling', retryable=True)
    client = transport([throttled, throttled, 'ok'], waits)
    nonces = iter(range(10))

    assert client.call('RefreshObjectCaches', lambda: dict(method='POST', url=URL, params={'nonce': next(nonces)}), parse) == 'ok'
    assert [request['params']['nonce'] for request in client.session.sent] == [0, 1, 2]
    assert waits == [0.5, 1.0]
    assert client.session.headers['User-Agent'] == USER_AGENT and USER_AGENT.startswith('cdnops.cdn/')


def test_a_fatal_error_is_raised_at_once():
    waits = []
    denied = ApiError('RefreshObjectCaches', 'no', http_status=403, code='Forbidden.RAM')
    with pytest.raises(ApiError) as info:
        transport([denied], waits).call('RefreshObjectCaches', lambda: dict(method='POST', url=URL), parse)
    assert info.value is denied and waits == []


def test_giving_up_says_how_many_attempts():
    waits = []
    failing = [NetworkError('RefreshObjectCaches', 'connection refused') for attempt in range(5)]
    with pytest.raises(NetworkError, match=r'connection refused \(gave up after 5 attempts\)'):
        transport(failing, waits).call('RefreshObjectCaches', lambda: dict(method='POST', url=URL), parse)
    assert len(waits) == 4


def test_retries_are_logged_and_counted():
    waits, lines = [], []
    throttled = ApiError('DescribeRefreshQuota', 'throttled', http_status=503, code='Throttling', retryable=True)
    client = transport([throttled, 'ok'], waits, log=lines.append)
    client.call('DescribeRefreshQuota', lambda: dict(method='POST', url=URL), parse)
    assert (client.calls, client.retries) == (2, 1)
    assert lines == ['cdnops.cdn: DescribeRefreshQuota attempt 1 failed (DescribeRefreshQuota failed (HTTP 503, code '
                     'Throttling): throttled); retrying in 0.5s']


def test_an_ambiguous_failure_of_a_mutating_call_is_not_sent_again():
    waits = []
    lost = NetworkError('RefreshObjectCaches', 'no answer within 5s', ambiguous=True)
    client = transport([lost, 'ok'], waits)
    with pytest.raises(NetworkError) as info:
        client.call('RefreshObjectCaches', lambda: dict(method='POST', url=URL), parse, mutating=True)
    assert info.value.ambiguous and client.calls == 1 and waits == []
    # the same failure of a read-only call is retried
    assert transport([lost, 'ok'], waits).call('DescribeRefreshTasks', lambda: dict(method='POST', url=URL), parse) == 'ok'


def test_verify_is_passed_with_every_request():
    for verify in (True, False, '/etc/ca.pem'):
        client = Transport(session=Session(['ok']), verify=verify)
        client.call('DescribeRefreshQuota', lambda: dict(method='POST', url=URL), parse)
        assert client.session.sent[0]['verify'] == verify


def test_a_ca_path_that_is_not_a_file_is_refused_before_any_request(tmp_path):
    with pytest.raises(ValidationError, match="ca_path '%s' is not a readable file" % (tmp_path / 'nope.pem')):
        tls_verify(True, str(tmp_path / 'nope.pem'))
    assert tls_verify(False, str(tmp_path / 'nope.pem')) is False


@pytest.fixture(scope='module')
def https_server(tmp_path_factory):
    """A local HTTPS server with a self-signed certificate for 127.0.0.1; yields (url, ca_file)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID
    import ipaddress

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, 'cdnops test CA')])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address('127.0.0.1'))]), False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
            .sign(key, hashes.SHA256()))
    folder = tmp_path_factory.mktemp('tls')
    cert_file, key_file = folder / 'cert.pem', folder / 'key.pem'
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            self.send_response(200)
            self.send_header('Content-Length', '2')
            self.end_headers()
            self.wfile.write(b'ok')

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(('127.0.0.1', 0), Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(str(cert_file), str(key_file))
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield 'https://127.0.0.1:%d/' % server.server_address[1], str(cert_file)
    server.shutdown()


@pytest.fixture(params=['no CA variables', 'REQUESTS_CA_BUNDLE and CURL_CA_BUNDLE'])
def ca_environment(request, monkeypatch):
    """Both environments: these variables make requests ignore a session's `verify` (psf/requests#3829)."""
    for name in ('REQUESTS_CA_BUNDLE', 'CURL_CA_BUNDLE'):
        monkeypatch.delenv(name, raising=False)
        if request.param != 'no CA variables':
            monkeypatch.setenv(name, ssl.get_default_verify_paths().openssl_cafile or '/etc/ssl/certs/ca-certificates.crt')


def read_text(response):
    return response.text


@pytest.mark.usefixtures('ca_environment')
def test_validate_certs_false_and_ca_path_work_under_every_environment(https_server):
    url, ca_file = https_server
    for verify in (False, ca_file):
        client = Transport(timeout=5, verify=verify)
        assert client.call('DescribeRefreshQuota', lambda: dict(method='POST', url=url), read_text) == 'ok'


@pytest.mark.usefixtures('ca_environment')
def test_an_untrusted_certificate_fails_at_once_naming_the_fix(https_server):
    url, ca_file = https_server
    waits = []
    client = Transport(timeout=5, verify=True, retry=RetryPolicy(sleep=waits.append))
    with pytest.raises(NetworkError) as info:
        client.call('DescribeRefreshQuota', lambda: dict(method='POST', url=url + '?Signature=s3cr3t'), read_text)
    assert client.calls == 1 and waits == []
    message = str(info.value)
    assert message.startswith('DescribeRefreshQuota to https://127.0.0.1:%s: TLS certificate verification failed' % url.split(':')[2].rstrip('/'))
    assert 'set ca_path' in message and 's3cr3t' not in message


def test_user_agent_version_is_the_collection_version():
    import os
    galaxy = os.path.join(os.path.dirname(__file__), '..', '..', '..', '..', 'galaxy.yml')
    with open(galaxy) as handle:
        version = [line.split(':', 1)[1].strip().strip('"\'') for line in handle if line.startswith('version:')][0]
    assert USER_AGENT.startswith('cdnops.cdn/%s ' % version)
