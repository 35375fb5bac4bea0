# Copyright (c) 2026, cdnops.cdn contributors
# BSD 2-Clause License (see LICENSES/BSD-2-Clause.txt or https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause

# Private to the cdnops.cdn collection: no compatibility promise outside it.

"""Typed errors that keep the structured facts of a failure for the result.

Raised anywhere in module_utils and turned into `fail_json` in one place (the runner), where `error_facts()` becomes
the result's `error` member: {action, code, http_status, request_id, message}, None where a fact does not exist.
"""

from __future__ import annotations


class CdnError(Exception):
    """Something stopped a CDN operation.

    Attributes, None where they do not apply: `action` (the vendor call, e.g. 'RefreshObjectCaches' or
    '/api/refresh'), `code` (the vendor's error code), `http_status`, `request_id` (the vendor's), `message`.
    `retryable`: another attempt may succeed. `retry_after`: the server's hint, in seconds.
    `ambiguous`: the request was sent and may have been processed (no answer, or a 5xx to a mutating call).
    """

    action = None
    code = None
    http_status = None
    request_id = None
    retryable = False
    retry_after = None
    ambiguous = False

    def __init__(self, message):
        super().__init__(message)
        self.message = message

    def error_facts(self):
        """The result's `error` member."""
        return dict(action=self.action, code=self.code, http_status=self.http_status, request_id=self.request_id,
                    message=self.message)


class ValidationError(CdnError):
    """Bad input, found before any request was sent."""


class QuotaError(CdnError):
    """The request does not fit in what is left of the vendor's daily quota."""

    def __init__(self, message, action=None):
        super().__init__(message)
        self.action = action


class QuotaUnreadableError(CdnError):
    """The credentials may not read the quota (a RAM policy without the permission): refresh without the check."""


class NetworkError(CdnError):
    """No usable HTTP answer: connection refused or dropped, TLS failure, timeout.

    `where` is the endpoint as scheme://host:port, never the query (which carries signatures and tokens).
    """

    def __init__(self, action, reason, where=None, retryable=True, ambiguous=False):
        super().__init__('%s%s: %s' % (action, ' to %s' % where if where else '', reason))
        self.action = action
        self.reason = reason
        self.retryable = retryable
        self.ambiguous = ambiguous


class ApiError(CdnError):
    """The vendor answered, and the answer was an error."""

    def __init__(self, action, message, http_status=None, code=None, request_id=None, retryable=False, retry_after=None,
                 ambiguous=False):
        details = ['HTTP %s' % http_status] if http_status is not None else []
        if code not in (None, ''):
            details.append('code %s' % code)
        if request_id:
            details.append('request id %s' % request_id)
        text = '%s failed' % action
        if details:
            text += ' (%s)' % ', '.join(details)
        super().__init__('%s: %s' % (text, message))
        self.action = action
        self.message = message  # the vendor's message (with a hint), without the facts already in the members
        self.http_status = http_status
        self.code = code
        self.request_id = request_id
        self.retryable = retryable
        self.retry_after = retry_after
        self.ambiguous = ambiguous
