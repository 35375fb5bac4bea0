# Copyright (c) 2026, cdnops.cdn contributors
# BSD 2-Clause License (see LICENSES/BSD-2-Clause.txt or https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause

# Private to the cdnops.cdn collection: no compatibility promise outside it.

"""Typed errors. Raised in module_utils, turned into fail_json in one place (the engine)."""

from __future__ import annotations


class CdnError(Exception):
    """Something stopped a CDN operation."""

    retryable = False
    retry_after = None


class ValidationError(CdnError):
    """Bad input, found before any request was sent."""


class QuotaError(CdnError):
    """The request does not fit in what is left of the vendor's quota."""


class NetworkError(CdnError):
    """No usable HTTP answer: connection refused or dropped, TLS failure, timeout."""

    retryable = True

    def __init__(self, action, reason):
        super().__init__('%s: %s' % (action, reason))
        self.action = action
        self.reason = reason


class ApiError(CdnError):
    """The vendor answered, and the answer was an error."""

    def __init__(self, action, message, http_status=None, code=None, request_id=None, retryable=False, retry_after=None):
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
        self.vendor_message = message
        self.http_status = http_status
        self.code = code
        self.request_id = request_id
        self.retryable = retryable
        self.retry_after = retry_after
