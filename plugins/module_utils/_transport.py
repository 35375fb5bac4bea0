# Copyright (c) 2026, cdnops.cdn contributors
# BSD 2-Clause License (see LICENSES/BSD-2-Clause.txt or https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause

# Private to the cdnops.cdn collection: no compatibility promise outside it.

"""One HTTP transport: a pooled requests session, one bounded retry policy, and pacing to the vendor's call rates."""

from __future__ import annotations

import collections
import os
import random
import re
import threading
import time
import traceback

from ansible.module_utils.ansible_release import __version__ as ANSIBLE_VERSION
from ansible.module_utils.six.moves.urllib.parse import urlsplit

from ansible_collections.cdnops.cdn.plugins.module_utils._errors import ApiError, CdnError, NetworkError, ValidationError

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
_CERT_REASON = re.compile(r'certificate verify failed: ([^()\'"]+)')


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


class Pacer:
    """Keeps the calls of each action within its rate (calls a second), as a server counting any sliding second
    ((t - 1 s, t] of its clock) sees them, across threads.

    `rates`: {action: calls per second}; actions not listed are not paced. Two rules, both applied:
    - spacing: calls of one action start `(1 + MARGIN) / rate` seconds apart; the first starts at once (a module run
      right after another is at least its start-up later, longer than any interval here);
    - window: a call starts at least 1 s after the answer to the call `rate` calls before it came back (see done()).
      The server received that call before its answer left, so it cannot count both in one second, however the
      network delays them. A call waits while that earlier call is still in flight.
    `clock` (epoch seconds) and `sleep` are injectable; `waited` is the total of the waits, in seconds.
    """

    MARGIN = 0.1

    def __init__(self, rates=None, clock=None, sleep=None):
        self.rates = dict(rates or {})
        self.clock = clock or time.time
        self.sleep = sleep or time.sleep
        self.changed = threading.Condition()
        self.next_slot = {}
        self.recent = {}        # action -> the last `rate` calls' tokens: [time the answer came back, or None]
        self.waited = 0.0

    def wait(self, action):
        """Block until `action` may be called; returns a token for done(), None for an action without a rate."""
        rate = self.rates.get(action)
        if not rate:
            return None
        interval = (1.0 + self.MARGIN) / rate
        window = max(1, int(rate))
        token = [None]
        with self.changed:
            recent = self.recent.setdefault(action, collections.deque())
            while len(recent) >= window and recent[0][0] is None:
                self.changed.wait()
            now = self.clock()
            slot = max(now, self.next_slot.get(action, now))
            if len(recent) >= window:
                slot = max(slot, recent.popleft()[0] + 1.0)
            recent.append(token)
            self.next_slot[action] = slot + interval
            self.waited += slot - now
        if slot > now:
            self.sleep(slot - now)
        return token

    def done(self, token):
        """The call that wait() gave `token` for has its answer (or failed): it counts until a second from now."""
        if token is None:
            return
        with self.changed:
            token[0] = self.clock()
            self.changed.notify_all()


class MinuteBudget:
    """Paces submissions to a limit of paths per domain per calendar minute (Alibaba: URLs per domain per minute).

    `limit`: paths per domain per minute. `timeout`: seconds from creation after which no submission waits for another
    minute window (`reserve` raises PacingTimeout instead). `clock` (epoch seconds) and `sleep` are injectable.
    The minutes are those of `clock`; a submission made less than SLACK seconds before a minute ends is counted in both
    minutes (the vendor may receive it in the next one), and a wait for the next minute ends MARGIN seconds after it
    starts. `waited`: the total of the waits, in seconds.
    """

    SLACK = 1.0
    MARGIN = 1.0

    def __init__(self, limit, timeout, clock=None, sleep=None):
        self.limit = limit
        self.clock = clock or time.time
        self.sleep = sleep or time.sleep
        self.timeout = timeout
        self.deadline = self.clock() + timeout
        self.used = {}          # (domain, minute) -> paths counted
        self.lock = threading.Lock()
        self.waited = 0.0

    def _minutes(self, now):
        first = int(now // 60)
        return (first, first + 1) if (first + 1) * 60 - now < self.SLACK else (first,)

    def reserve(self, counts):
        """Wait until `counts` ({domain: paths}) fit in the current minute, then count them; returns the seconds waited.

        Raises PacingTimeout when that would mean waiting past the deadline.
        """
        too_many = sorted(domain for domain, count in counts.items() if count > self.limit)
        if too_many:
            raise PacingTimeout('more paths of %s in one submission than the per-minute limit of %d' % (
                ', '.join(too_many), self.limit))
        waited = 0.0
        while True:
            with self.lock:
                now = self.clock()
                minutes = self._minutes(now)
                if all(self.used.get((domain, minute), 0) + count <= self.limit
                       for domain, count in counts.items() for minute in minutes):
                    for domain, count in counts.items():
                        for minute in minutes:
                            self.used[(domain, minute)] = self.used.get((domain, minute), 0) + count
                    return waited
                wake = (int(now // 60) + 1) * 60 + self.MARGIN
                if wake > self.deadline:
                    raise PacingTimeout(
                        'the per-domain limit of %d paths a minute is reached, and waiting for the next minute would '
                        'pass pacing_timeout=%ss' % (self.limit, self.timeout))
                self.waited += wake - now
            waited += wake - now
            self.sleep(wake - now)

    def refused(self, domains):
        """The vendor refused a submission for its per-minute limit: count the current minute as full for `domains`."""
        with self.lock:
            minute = int(self.clock() // 60)
            for domain in domains:
                self.used[(domain, minute)] = max(self.used.get((domain, minute), 0), self.limit)


class PacingTimeout(CdnError):
    """A submission would have to wait for a per-minute limit longer than the pacing timeout allows."""

    action = 'pacing'


def tls_verify(validate_certs, ca_path):
    """The `verify` argument for requests; raises ValidationError for a ca_path that is not a readable file."""
    if not validate_certs:
        return False
    if ca_path:
        if not os.path.isfile(ca_path) or not os.access(ca_path, os.R_OK):
            raise ValidationError('ca_path %r is not a readable file: give the path of a PEM file of CA certificates' % ca_path)
        return ca_path
    return True


def _network_error(action, exc, where, timeout, verify):
    """A NetworkError for a requests failure, without quoting the URL (its query carries signatures and tokens)."""
    text = repr(exc)
    if isinstance(exc, requests.exceptions.SSLError):
        match = _CERT_REASON.search(text)
        if verify is True:
            bundle = os.environ.get('REQUESTS_CA_BUNDLE') or os.environ.get('CURL_CA_BUNDLE')
            trust = 'the CA bundle %s (from REQUESTS_CA_BUNDLE/CURL_CA_BUNDLE)' % bundle if bundle else "the system's CAs"
        else:
            trust = 'ca_path %s' % verify
        reason = ('TLS certificate verification failed (%s) against %s: set ca_path to the CA that signed the '
                  "endpoint's certificate, or validate_certs=false for a test endpoint" % (
                      match.group(1).strip() if match else 'TLS error', trust))
        return NetworkError(action, reason, where, retryable=False)
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return NetworkError(action, 'timed out connecting (timeout %ss)' % timeout, where)
    if isinstance(exc, requests.exceptions.ReadTimeout):
        return NetworkError(action, 'no answer within %ss' % timeout, where, ambiguous=True)
    if isinstance(exc, requests.exceptions.ChunkedEncodingError):
        return NetworkError(action, 'the connection broke while the answer was being read', where, ambiguous=True)
    if isinstance(exc, requests.exceptions.ConnectionError):
        if 'RemoteDisconnected' in text or 'Connection aborted' in text or 'ConnectionResetError' in text:
            return NetworkError(action, 'the server closed the connection without answering', where, ambiguous=True)
        if 'Connection refused' in text:
            return NetworkError(action, 'connection refused', where)
        if 'Name or service not known' in text or 'NameResolutionError' in text or 'getaddrinfo' in text:
            return NetworkError(action, 'cannot resolve the host name', where)
        return NetworkError(action, 'cannot connect', where)
    return NetworkError(action, 'HTTP request failed (%s)' % type(exc).__name__, where, ambiguous=True)


class Transport:
    """Sends one API call, re-preparing (re-signing) it for every attempt, and retries what is worth retrying.

    `verify`: True, False or a CA file path (see tls_verify); passed with every request, so that requests' environment
    variables (REQUESTS_CA_BUNDLE, CURL_CA_BUNDLE) cannot override validate_certs=false or ca_path.
    `rates`: {action: calls per second} for the Pacer. `log`: a callable taking one line (module.log), for retries.
    `no_log`: a callable taking a value that must never appear in any output (module.no_log_values.add), for secrets
    that clients learn at run time (temporary credentials).
    `clock` (epoch seconds, default time.time) and `sleep` (default the retry policy's, else time.sleep) are used for
    every wait of the module (pacing, retries, polling), so that tests can replace them.
    Counters: `calls` (HTTP requests sent, retries included), `retries`, and `pacer.waited` (seconds).
    """

    def __init__(self, timeout=30, verify=True, retry=None, session=None, rates=None, log=None, no_log=None, clock=None,
                 sleep=None):
        self.timeout = timeout
        self.verify = verify
        self.sleep = sleep or (retry.sleep if retry else time.sleep)
        self.clock = clock or time.time
        self.retry = retry or RetryPolicy(sleep=self.sleep)
        self.session = session or requests.Session()
        self.session.headers['User-Agent'] = USER_AGENT
        self.pacer = Pacer(rates, clock=self.clock, sleep=self.sleep)
        self.log = log or (lambda line: None)
        self.no_log = no_log or (lambda value: None)
        self.calls = 0
        self.retries = 0
        self.lock = threading.Lock()

    def call(self, action, prepare, parse, mutating=False):
        """Run one API action and return what `parse` returns.

        `prepare()` returns the keyword arguments of requests.Session.request (method, url, params, data, headers, ...)
        and is called again for each attempt, so every attempt carries a fresh timestamp and nonce.
        `parse(response)` returns the decoded result or raises ApiError (with `retryable` and `ambiguous` set as the
        vendor documents).
        A `mutating` call is never sent again after an ambiguous failure (it may have been processed): the error is
        raised for the caller to find out, so that nothing is submitted twice.
        """
        failures = 0
        while True:
            request = prepare()
            where = '{0.scheme}://{0.netloc}'.format(urlsplit(request['url']))
            token = self.pacer.wait(action)
            with self.lock:
                self.calls += 1
            try:
                response = self.session.request(timeout=self.timeout, verify=self.verify, **request)
                return parse(response)
            except requests.exceptions.RequestException as exc:
                error = _network_error(action, exc, where, self.timeout, self.verify)
            except (ApiError, NetworkError) as exc:
                error = exc
            finally:
                self.pacer.done(token)
            failures += 1
            if not error.retryable or failures >= self.retry.attempts or (mutating and error.ambiguous):
                if failures > 1:
                    error.args = ('%s (gave up after %d attempts)' % (error.args[0], failures),)
                raise error
            delay = self.retry.delay(failures, error.retry_after)
            with self.lock:
                self.retries += 1
            self.log('cdnops.cdn: %s attempt %d failed (%s); retrying in %.1fs' % (action, failures, error, delay))
            self.retry.sleep(delay)


def retry_after_seconds(response):
    """The server's retry hint, in seconds, from Retry-After (seconds) or x-acs-retry-after (milliseconds)."""
    for header, scale in (('Retry-After', 1.0), ('x-acs-retry-after', 0.001)):
        value = response.headers.get(header, '')
        if value.isdigit() and int(value) > 0:
            return int(value) * scale
    return None
