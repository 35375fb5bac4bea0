# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Raw-HTTP helpers for the sandbox tests (conftest.py puts this directory and tests/sandbox on sys.path)."""

from __future__ import annotations

import calendar
import hashlib
import time
import uuid

import requests

import sandbox_alicdn
import sandbox_jdcdn

ALI_KEY = 'LTAIsandboxDemoKey'
ALI_SECRET = 'sandbox-demo-secret'
JD_USER = 'sandbox_user'
JD_SECRET = 'sandbox-demo-secret'


def epoch(text):
    """'2024-01-01T17:00:00Z' -> epoch seconds."""
    return calendar.timegm(time.strptime(text, '%Y-%m-%dT%H:%M:%SZ'))


class Clock:
    """A settable clock for deterministic tests: sandbox.Sandbox(clock=Clock(...))."""

    def __init__(self, start):
        self.now = float(start)

    def __call__(self):
        return self.now

    def advance(self, seconds):
        self.now += seconds


def v2_params(sandbox, action, key_id=ALI_KEY, **params):
    """The common V2 parameters (A2.1) for a call made now, by the sandbox clock, plus the operation parameters."""
    base = {
        'Action': action, 'Version': '2018-05-10', 'Format': 'JSON', 'AccessKeyId': key_id,
        'SignatureMethod': 'HMAC-SHA1', 'SignatureVersion': '1.0', 'SignatureNonce': uuid.uuid4().hex,
        'Timestamp': sandbox_alicdn.format_time(sandbox.now()),
    }
    base.update(params)
    return {name: value for name, value in base.items() if value is not None}


def sign_v2(params, method='GET', secret=ALI_SECRET):
    params['Signature'] = sandbox_alicdn.v2_signature(secret, sandbox_alicdn.v2_string_to_sign(method, params))
    return params


def ali_send(sandbox, params, method='GET', timeout=10):
    if method == 'GET':
        return requests.get(sandbox.url + '/', params=params, timeout=timeout)
    return requests.post(sandbox.url + '/', data=params, timeout=timeout)


def ali_call(sandbox, action, method='GET', secret=ALI_SECRET, **params):
    """A correctly signed V2 call (with the given secret); returns the requests.Response."""
    return ali_send(sandbox, sign_v2(v2_params(sandbox, action, **params), method, secret), method)


def v3_headers(sandbox, action, body=b'', query=(), secret=ALI_SECRET, key_id=ALI_KEY, extra=None, signed=None):
    """Headers of a V3 (ACS3-HMAC-SHA256) POST to / signed over 'signed' (default: every header set here)."""
    host = sandbox.url.split('//', 1)[1]
    headers = {
        'host': host, 'x-acs-action': action, 'x-acs-version': '2018-05-10',
        'x-acs-date': sandbox_alicdn.format_time(sandbox.now()), 'x-acs-signature-nonce': uuid.uuid4().hex,
        'x-acs-content-sha256': hashlib.sha256(body).hexdigest(), 'accept': 'application/json',
    }
    if body:
        headers['content-type'] = 'application/x-www-form-urlencoded'
    headers.update(extra or {})
    signed = sorted(signed or headers)
    canonical = sandbox_alicdn.v3_canonical_request('POST', '/', list(query), {k: [v] for k, v in headers.items()}, signed,
                                                    hashlib.sha256(body).hexdigest())
    signature = sandbox_alicdn.v3_signature(secret, sandbox_alicdn.v3_string_to_sign(canonical))
    headers['authorization'] = f'ACS3-HMAC-SHA256 Credential={key_id},SignedHeaders={";".join(signed)},Signature={signature}'
    return headers


def jd_signature_now(sandbox, username=JD_USER, secret=JD_SECRET):
    return sandbox_jdcdn.jd_signature(time.strftime('%Y%m%d', time.gmtime(sandbox.now() + 8 * 3600)), username, secret)


def jd_call(sandbox, endpoint, body=None, sign=True, raw=None, timeout=10):
    """POST a JSON body (or raw bytes) to /api/<endpoint>; with sign, username and a current signature fill the gaps."""
    if raw is None:
        body = dict(body or {})
        if sign:
            body.setdefault('username', JD_USER)
            body.setdefault('signature', jd_signature_now(sandbox, body['username']))
        return requests.post(f'{sandbox.url}/api/{endpoint}', json=body, timeout=timeout)
    return requests.post(f'{sandbox.url}/api/{endpoint}', data=raw, headers={'Content-Type': 'application/json'}, timeout=timeout)
