# Copyright (c) 2026, cdnops.cdn contributors
# BSD 2-Clause License (see LICENSES/BSD-2-Clause.txt or https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause

# Private to the cdnops.cdn collection: no compatibility promise outside it.

"""The vendor interface: what the runner (_runner.py) needs from a CDN vendor, and the shapes it exchanges.

A vendor is one subclass of `CdnClient` in one file (_alicdn.py, _jdcdn.py). It declares its rules and limits as data
(`PathRules`, `CallLimit`, `CALL_RATES`) and implements four methods. The runner applies the rules and limits, so data
flows one way: module options -> runner (validate, normalise, batch) -> client (sign, send, parse) -> runner (result).

Operations: ``refresh`` (purge) and ``prefetch`` (warm). Object types: ``file``, ``directory``, ``regex``,
``ignore_params`` (as the vendor supports them); a prefetch is always of ``file`` URLs.
"""

from __future__ import annotations

import abc
from collections import namedtuple
from typing import Dict, List, Optional

try:
    from typing import TypedDict
except ImportError:  # Python < 3.8: the shapes are documentation only
    TypedDict = dict

from ansible_collections.cdnops.cdn.plugins.module_utils._errors import ValidationError

TASK_STATES = ('running', 'complete', 'failed')


class Batch(TypedDict):
    """One vendor call's worth of paths, within the vendor's per-call limits."""

    operation: str          # 'refresh' or 'prefetch'
    object_type: str        # 'file', 'directory', 'regex' or 'ignore_params'
    paths: List[str]        # normalised URLs (see _urls.normalise_path), de-duplicated


class Accepted(TypedDict):
    """One vendor call that created tasks."""

    task_id: str                    # the task ID as the vendor gave it (Alibaba: several are comma-separated)
    task_ids: List[str]             # the same, split
    request_id: Optional[str]       # the vendor's request ID, for support tickets; None where there is none
    paths: List[str]                # the paths the call submitted
    # Optional: how the task was established when the call's answer was lost (see _runner): 'found' (looked up and
    # adopted) or 'queued' (JD: re-sent and refused as already queued, so the lost call was accepted; task_id None).
    recovery: Optional[str]


class Submission(TypedDict):
    """What the vendor answered to one submitted Batch (one call, or several where the vendor made it split)."""

    accepted: List[Accepted]        # the calls that created tasks, in order
    already_queued: List[str]       # paths the vendor refused as already queued (JD status 47); not submitted


class Task(TypedDict):
    """A vendor task, in one vendor-neutral shape (the `tasks` return value)."""

    task_id: str
    status: str                     # one of TASK_STATES
    progress: float                 # percent, 0.0 to 100.0
    reason: Optional[str]           # the vendor's failure reason; None unless failed
    created: Optional[str]          # creation time, UTC ISO 8601 ('2026-11-30T08:00:00Z'); None where not told
    paths: List[str]                # the task's paths; [] where the vendor does not tell them
    failed_paths: List[str]         # the paths whose refresh or prefetch failed


class QuotaEntry(TypedDict):
    """Today's quota for one kind of path (`quota` return value)."""

    limit: Optional[int]            # paths a day
    remaining: Optional[int]        # paths left today


# Per-call limits of one object type: at most `paths` paths, of at most `domains` distinct domains (None: no limit).
CallLimit = namedtuple('CallLimit', 'paths domains')

# How a vendor's paths are normalised (see _urls.normalise_path):
#   bare_host   'host/path' without a scheme is accepted (Alibaba)
#   max_length  longest URL accepted, counted once encoded
#   raw_types   object types whose paths are sent as written after the host check (regular expressions)
PathRules = namedtuple('PathRules', 'bare_host max_length raw_types')


class CdnClient(abc.ABC):
    """A CDN vendor's API, as the runner uses it.

    Subclasses set the class attributes below and implement the abstract methods. Every method raises only
    `CdnError` subclasses (_errors.py): `ApiError` for an error answer, `NetworkError` for no usable answer,
    `ValidationError` for bad input found before a request.
    """

    #: Vendor name used in messages and in the role, e.g. 'alicdn'.
    name = ''
    #: object_type -> CallLimit, per operation: {'refresh': {'file': CallLimit(1000, 10), ...}, 'prefetch': {...}}
    limits = {}  # type: Dict[str, Dict[str, CallLimit]]
    #: How paths are validated and encoded.
    rules = PathRules(bare_host=False, max_length=1024, raw_types=frozenset())
    #: How many calls may be in flight at once: submissions, and status queries where a call reads one task (JD).
    submit_concurrency = 1
    #: find_tasks can list tasks by domain and creation time (refreshed_after, and the task of a lost answer).
    finds_tasks = False
    #: Seconds back that find_tasks can see (None: no limit).
    task_history = None
    #: {operation: object types whose paths count against a per-domain per-minute limit}.
    per_minute_types = {}  # type: Dict[str, tuple]
    #: Error codes that mean a submission was refused whole for that per-minute limit (nothing was processed).
    per_minute_codes = frozenset()

    def result_facts(self):
        """Facts about the connection that every result of the module carries (never a secret), e.g.
        {'credential_source': 'environment (ALIBABA_CLOUD_*)'}. Default: none."""
        return {}

    def call_limit(self, operation, object_type):
        """The CallLimit for `object_type` in `operation`; raises ValidationError if the vendor has no such call."""
        try:
            return self.limits[operation][object_type]
        except KeyError:
            raise ValidationError('%s cannot %s object_type=%s' % (self.name, operation, object_type))

    @abc.abstractmethod
    def read_quota(self):
        """Today's quota: {kind: QuotaEntry}, kind being an object type or 'prefetch'; None if the vendor has none.

        Raises QuotaUnreadableError when the credentials may not read it (the runner then warns and goes on).
        """

    @abc.abstractmethod
    def submit(self, batch):
        """Submit one Batch; return a Submission.

        Raises ApiError/NetworkError. A NetworkError or ApiError with `ambiguous` set means the request was sent and
        may have been processed: the vendor may hold a task for it.
        """

    @abc.abstractmethod
    def read_tasks(self, operation, task_ids):
        """The current state of `task_ids` (str) of `operation`: a list of Task, in the order of `task_ids`.

        A task the vendor does not know is reported as running with no paths, unless the vendor refuses the query.
        """

    def find_tasks(self, operation, object_type, domain=None, path=None, since=None):
        """Tasks of `operation` and `object_type` created at or after `since` (epoch seconds, None: as far back as the
        vendor keeps them), optionally only for `domain` (a domain, or a list of domains) or one exact normalised
        `path`: a list of Task, newest first.

        Vendors without a lookup raise ValidationError (the default).
        """
        raise ValidationError('%s has no API to look tasks up by path' % self.name)
