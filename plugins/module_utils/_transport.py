# Copyright (c) 2026, cdnops.cdn contributors
# BSD 2-Clause License (see LICENSES/BSD-2-Clause.txt or https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause

# Private to the cdnops.cdn collection: no compatibility promise outside it.

"""One HTTP transport (a pooled requests session) with one bounded retry policy."""

from __future__ import annotations

import random
import time
import traceback

from ansible.module_utils.ansible_release import __version__ as ANSIBLE_VERSION

from ansible_collections.cdnops.cdn.plugins.module_utils._errors import ApiError, NetworkError

try:
    import requests
except ImportError:
    HAS_REQUESTS = False
    REQUESTS_IMPORT_ERROR = traceback.format_exc()
else:
    HAS_REQUESTS = True
    REQUESTS_IMPORT_ERROR = None

COLLECTION_VERSION = '0.1.0'
USER_AGENT = 'cdnops.cdn/%s ansible-core/%s' % (COLLECTION_VERSION, ANSIBLE_VERSION)


class RetryPolicy:
    """Exponential backoff with full jitter, a fixed number of attempts, and respect for a server's retry hint.

    The defaults give at most 5 attempts and about 30 seconds of waiting in the worst case.
    """

    def __init__(self, attempts=5, base_delay=1.0, max_delay=16.0, sleep=None, jitter=None):
        self.attempts = attempts
        self.base_delay = base_delay
        self.max_delay = max_delay
        self.sleep = sleep or time.sleep
        self.jitter = jitter or random.random

    def delay(self, failed_attempts, retry_after=None):
        """Seconds to wait after `failed_attempts` (1, 2, ...) failures."""
        ceiling = min(self.max_delay, self.base_delay * 2 ** (failed_attempts - 1))
        wait = ceiling / 2 + self.jitter() * ceiling / 2
        if retry_after is not None:
            wait = max(wait, min(float(retry_after), self.max_delay * 4))
        return wait


def _network_reason(exc, timeout):
    """Describe a requests failure without quoting the URL, whose query string can carry signatures and tokens."""
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return 'timed out connecting (timeout %ss)' % timeout
    if isinstance(exc, requests.exceptions.ReadTimeout):
        return 'no answer within %ss' % timeout
    if isinstance(exc, requests.exceptions.SSLError):
        return 'TLS error (check validate_certs and ca_path)'
    if isinstance(exc, requests.exceptions.ChunkedEncodingError):
        return 'the connection broke while the answer was being read'
    if isinstance(exc, requests.exceptions.ConnectionError):
        text = repr(exc)
        if 'RemoteDisconnected' in text or 'Connection aborted' in text or 'ConnectionResetError' in text:
            return 'the server closed the connection without answering'
        if 'Connection refused' in text:
            return 'connection refused'
        if 'Name or service not known' in text or 'NameResolutionError' in text or 'getaddrinfo' in text:
            return 'cannot resolve the host name'
        return 'cannot connect'
    return 'HTTP request failed (%s)' % type(exc).__name__


class Transport:
    """Sends one API call, re-preparing (re-signing) it for every attempt, and retries what is worth retrying."""

    def __init__(self, timeout=30, validate_certs=True, ca_path=None, retry=None, session=None):
        self.timeout = timeout
        self.retry = retry or RetryPolicy()
        self.session = session or requests.Session()
        self.session.headers['User-Agent'] = USER_AGENT
        self.session.verify = (ca_path or True) if validate_certs else False
        self.calls = 0

    def call(self, action, prepare, parse):
        """Run one API action.

        `prepare()` returns the keyword arguments of requests.Session.request (method, url, params, data, headers, ...)
        and is called again for each attempt, so every attempt carries a fresh timestamp and nonce.
        `parse(response)` returns the decoded result or raises ApiError (with `retryable` set as the vendor documents).
        """
        failures = 0
        while True:
            self.calls += 1
            try:
                response = self.session.request(timeout=self.timeout, **prepare())
                return parse(response)
            except requests.exceptions.RequestException as exc:
                error = NetworkError(action, _network_reason(exc, self.timeout))
            except (ApiError, NetworkError) as exc:
                error = exc
            failures += 1
            if not error.retryable or failures >= self.retry.attempts:
                if failures > 1:
                    error.args = ('%s (gave up after %d attempts)' % (error.args[0], failures),)
                raise error
            self.retry.sleep(self.retry.delay(failures, error.retry_after))


def retry_after_seconds(response):
    """The server's retry hint, in seconds, from Retry-After (seconds) or x-acs-retry-after (milliseconds)."""
    for header, scale in (('Retry-After', 1.0), ('x-acs-retry-after', 0.001)):
        value = response.headers.get(header, '')
        if value.isdigit() and int(value) > 0:
            return int(value) * scale
    return None
